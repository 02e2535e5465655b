"""The report's own rules, without a database: a milestone's outcome at the quarter's end, what
is an exception, and the direction of travel of an indicator's quarter figure."""

import datetime
from decimal import Decimal

import pytest

from plans.choices import MilestoneStatus
from plans.models import PlanYear
from plans.periods import Quarter
from plans.slippage import MilestonePosition
from reports import exceptions, selectors
from reports.report import direction_of_travel
from risks import rules


def position(*, done=False, days_late=0):
    return MilestonePosition(done=done, days_late=days_late, overdue=False, due_this_quarter=False)


@pytest.mark.parametrize(
    ("status", "where", "outcome", "is_exception"),
    [
        (MilestoneStatus.DONE, position(done=True, days_late=10), "completed", False),
        # Marked done after the quarter's end: as at then it is late, so slipped.
        (MilestoneStatus.DONE, position(days_late=5), "slipped", True),
        (MilestoneStatus.ON_TRACK, position(days_late=29), "slipped", True),
        (MilestoneStatus.SLIPPED, position(), "slipped", True),
        (MilestoneStatus.AT_RISK, position(), "at risk", True),
        (MilestoneStatus.ON_TRACK, position(), "on track", False),
        (MilestoneStatus.NOT_STARTED, position(), "not started", False),
        (MilestoneStatus.ON_TRACK, position(days_late=None), "not recorded", False),
    ],
)
def test_a_milestones_outcome_at_the_quarters_end(status, where, outcome, is_exception):
    found = exceptions.milestone_outcome(status=status, position=where)
    assert found.key == outcome
    assert exceptions.milestone_is_exception(found) is is_exception


@pytest.mark.parametrize(
    ("rag", "is_exception"),
    [("red", True), ("amber", True), ("green", False), ("no data", False), ("no target", False)],
)
def test_red_and_amber_indicators_are_exceptions(rag, is_exception):
    assert exceptions.indicator_is_exception(rag) is is_exception


def test_a_budget_line_beyond_tolerance_either_way_is_an_exception():
    assert exceptions.budget_line_is_exception("over")
    assert exceptions.budget_line_is_exception("under")
    assert not exceptions.budget_line_is_exception(None)


@pytest.mark.parametrize(
    ("current", "earlier", "direction", "travel"),
    [
        (Decimal(300), Decimal(270), "higher", "better"),
        (Decimal(240), Decimal(300), "higher", "worse"),
        (Decimal(2), Decimal(5), "lower", "better"),
        (Decimal(5), Decimal(2), "lower", "worse"),
        (Decimal(300), Decimal(300), "higher", "same"),
        (None, Decimal(300), "higher", "not known"),
        (Decimal(300), None, "higher", "not known"),
    ],
)
def test_the_direction_of_travel_reads_the_way_the_indicator_should_go(
    current, earlier, direction, travel
):
    assert direction_of_travel(current, earlier, direction=direction) == travel


@pytest.mark.parametrize(
    ("residual", "is_open", "above"),
    [(15, True, True), (16, True, True), (14, True, False), (20, False, False)],
)
def test_an_open_risk_at_or_above_the_appetite_is_above_it(residual, is_open, above):
    assert rules.is_above_appetite(residual=residual, appetite=15, is_open=is_open) is above
    assert exceptions.risk_is_exception(above_appetite=above) is above
    # Of the tiers, only project and operational risks are escalated for it.
    assert rules.is_escalated(
        tier="strategic", residual=residual, appetite=15, is_open=is_open
    ) is (False)
    assert rules.is_escalated(tier="project", residual=residual, appetite=15, is_open=is_open) is (
        above
    )


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (datetime.date(2016, 5, 1), 1),  # none has ended yet
        (datetime.date(2016, 7, 1), 1),
        (datetime.date(2016, 12, 31), 2),
        (datetime.date(2026, 12, 3), 4),  # the year has ended
    ],
)
def test_a_link_to_a_years_report_opens_on_the_latest_quarter_ended(today, quarter):
    found = selectors.default_quarter(plan_year=PlanYear(year="2016-17"), today=today)
    assert found == Quarter(2016, quarter)
