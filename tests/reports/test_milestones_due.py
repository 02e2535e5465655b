"""Which milestones are due in a quarter is one rule (plans.slippage.is_due_in): the date that
applies, the revised due date else the original. The quarterly report and the milestone tracker
list the same milestones for a quarter."""

import datetime

import pytest

from plans.periods import Quarter
from reports import selectors
from tests.plans.factories import MilestoneFactory

D = datetime.date

# Worked out by hand from the plan (tests/reports/conftest.py) and the milestone added below:
# "Pilot run" was due on 1 June (quarter 1) and revised to 1 August (quarter 2), "Survey sent"
# was due on 15 September (quarter 2) and revised to 20 October (quarter 3). Each is due only in
# the quarter of its revised date.
DUE = {
    1: set(),
    2: {"Day held", "Venues booked", "Schools signed up", "Report drafted", "Pilot run"},
    3: {"Report published", "Survey sent"},
    4: set(),
}


@pytest.fixture
def revised_plan(plan):
    MilestoneFactory(
        project=plan.project,
        title="Survey sent",
        due_on=D(2010, 9, 15),
        revised_due_on=D(2010, 10, 20),
        revision_reason="Printer delayed",
    )
    return plan


def in_report(plan_year, number) -> set[str]:
    report = selectors.quarterly_report(plan_year=plan_year, quarter=Quarter(2010, number))
    return {m.title for group in report.milestones_due for m in group.milestones}


def due_next_in_report(plan_year, number) -> set[str]:
    report = selectors.quarterly_report(plan_year=plan_year, quarter=Quarter(2010, number))
    return {m.title for group in report.milestones_next for m in group.milestones}


def in_tracker(client, number) -> set[str]:
    response = client.get(f"/plans/2010-11/milestones/?quarter={number}")
    assert response.status_code == 200
    return {row.milestone.title for row in response.context["tracker"].rows}


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_the_report_and_the_tracker_list_the_same_milestones_due_in_a_quarter(
    client, user_in_group, revised_plan, number
):
    client.force_login(user_in_group("Directors"))
    assert in_report(revised_plan.plan_year, number) == DUE[number]
    assert in_tracker(client, number) == DUE[number]


def test_the_report_lists_as_due_next_quarter_what_the_tracker_lists_for_it(revised_plan):
    assert due_next_in_report(revised_plan.plan_year, 2) == DUE[3]
    assert due_next_in_report(revised_plan.plan_year, 1) == DUE[2]
