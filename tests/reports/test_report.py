"""The quarterly report's figures for a factory-built plan (tests/reports/conftest.py), each
worked out by hand, as at the end of quarter 2 of 2010-11 (30 September 2010)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.choices import MilestoneStatus
from plans.periods import Quarter
from reports import selectors
from reports.models import CorrectiveAction
from reports.report import QuarterlyReport
from tests.reports.conftest import add_plan, at, recorded

Q2 = Quarter(2010, 2)


@pytest.fixture
def report(plan):
    return selectors.quarterly_report(plan_year=plan.plan_year, quarter=Q2)


def counts(rag_counts):
    return {count.rag: count.count for count in rag_counts if count.count}


def test_indicators_are_counted_by_status_in_total_and_per_objective(report):
    # K1 600 of 600 green; K2 540 of 600 = 90% amber (October's 500 is after the quarter);
    # K3 300 of 600 = 50% red; E1 has no actual.
    assert report.summary.indicators == 4
    assert counts(report.summary.rag_counts) == {"green": 1, "amber": 1, "red": 1, "no data": 1}
    by_objective = {o.objective: counts(o.counts) for o in report.summary.by_objective}
    assert by_objective == {
        "SO1: Safeguard children": {"green": 1, "amber": 1},
        "SO2: Hear children's voices": {"red": 1},
        "Not linked to a strategic objective": {"no data": 1},
    }
    assert [o.objective for o in report.summary.by_objective][-1].startswith("Not linked")


def test_indicators_are_grouped_by_tier_then_objective_with_figures_to_date(report):
    key, enabling = report.indicator_tiers
    assert (key.label, enabling.label) == ("Key performance indicator", "Enabling indicator")
    assert [g.objective for g in key.groups] == [
        "SO1: Safeguard children",
        "SO2: Hear children's voices",
    ]
    k2 = key.groups[0].indicators[1]
    assert (k2.ref, k2.target_to_date_text, k2.actual_to_date_text, k2.rag_label) == (
        "K2",
        "600",
        "540",
        "Amber",
    )
    assert k2.url.endswith("/plans/2010-11/indicators/K2/?quarter=2")
    assert k2.owners == "Director of Policy"
    assert "<svg" in k2.trend_svg


def test_direction_of_travel_against_the_quarter_before_and_last_year(report):
    lines = {
        line.ref: line
        for tier in report.indicator_tiers
        for group in tier.groups
        for line in group.indicators
    }
    # K1: 300 in quarter 2 against 300 in quarter 1; against 270 (3 x 90) in quarter 2 of the
    # 2009-10 indicator it continues.
    k1 = lines["K1"]
    assert (k1.quarter_actual, k1.previous.earlier, k1.previous.label) == (300, 300, "No change")
    assert (k1.last_year.earlier, k1.last_year.label) == (270, "Better")
    assert k1.last_year.url.endswith("/plans/2009-10/indicators/K1/?quarter=2")
    # K2: 3 x 80 = 240 against 3 x 100 = 300, worse; K3: 3 x 60 = 180 against 3 x 40 = 120.
    assert (lines["K2"].quarter_actual, lines["K2"].previous.label) == (240, "Worse")
    assert (lines["K3"].quarter_actual, lines["K3"].previous.label) == (180, "Better")
    assert lines["K2"].last_year is None


def test_milestones_due_this_quarter_are_counted_by_outcome_at_its_end(report):
    # Due July to September (one by its revised date): Venues booked, Day held (10 days late)
    # and Pilot run completed; Schools signed up slipped (1 to 30 September, 29 days); Report
    # drafted at risk. Report published is due in November.
    milestones = report.summary.milestones
    assert (milestones.due, milestones.completed, milestones.slipped, milestones.at_risk) == (
        5,
        3,
        1,
        1,
    )
    (group,) = report.milestones_due
    assert group.objective == "SO1: Safeguard children"
    outcomes = {m.title: (m.outcome_label, m.days_late) for m in group.milestones}
    assert outcomes == {
        "Pilot run": ("Completed", 49),
        "Day held": ("Completed", 10),
        "Venues booked": ("Completed", 0),
        "Schools signed up": ("Slipped", 29),
        "Report drafted": ("At risk", 0),
    }
    assert [m.title for g in report.milestones_next for m in g.milestones] == ["Report published"]
    assert report.next_quarter == "Quarter 3 2010-11"


def test_spend_against_profile_and_forecast_outturn_as_at_september(report):
    budget = report.budget
    assert budget.month == datetime.date(2010, 9, 1)
    assert budget.url.endswith("/plans/2010-11/budget/?month=2010-09")
    total = budget.total
    # Profiled evenly: 6/12 of 120,000 + 60,000 = 90,000; actual 5 x 10,000 + 16,000 + 6 x
    # 5,000 = 96,000 (October's 99,999 is after the quarter): 6,000 over, 6.7%.
    assert (total.budget_to_date, total.actual_to_date, total.variance) == (90000, 96000, 6000)
    assert total.variance_percent == Decimal("6.7")
    # Outturn: Pay 66,000 + 6 x 10,000; projects 30,000 + October's 8,000 forecast + 5 x 5,000.
    assert (total.forecast_outturn, total.annual_budget) == (126000 + 63000, 180000)
    pay = next(row for row in budget.categories if row.name == "Pay")
    assert (pay.variance, pay.variance_percent, pay.beyond_tolerance) == (6000, 10, "over")
    split = budget.split
    assert (split.programme_budget, split.admin_budget) == (60000, 120000)
    assert (split.programme_spend, split.admin_spend) == (30000, 66000)


def test_risks_above_appetite_and_escalated(report):
    # Appetite 15: Grant cut (strategic, 16) and Venue lost (project, 15) are at or above it;
    # Data lost (16) is closed; Staff leave is 6. Only the project risk is escalated.
    assert report.summary.risks_above_appetite == 2
    assert report.summary.risks_escalated == 1
    assert [r.title for r in report.risks.escalated] == ["Venue lost"]
    assert [r.title for r in report.risks.strategic] == ["Grant cut"]
    assert report.risks.heat_map.total == 4


def test_recommendations_are_counted_by_status_as_they_stood(report):
    # "Train staff" was under consideration at 30 September and accepted in November.
    found = {c.label: c.count for c in report.summary.recommendations}
    assert found == {
        "Under consideration": 1,
        "Accepted": 1,
        "Implemented": 1,
        "Rejected": 0,
        "No response": 0,
    }
    assert report.summary.recommendations[1].url.endswith(
        "/plans/2010-11/recommendations/?status=accepted#list"
    )


def test_exceptions_carry_their_explanation_or_are_missing_naming_the_owner(report):
    found = [(e.kind, e.title.split(":")[0].split(" (")[0], e.missing) for e in report.exceptions]
    assert found == [
        ("indicator", "K2", False),
        ("indicator", "K3", True),
        ("milestone", "Schools signed up", True),
        ("milestone", "Report drafted", True),
        ("budget line", "Pay", True),
        ("risk", "Grant cut", True),
        ("risk", "Venue lost", True),
    ]
    k2, k3 = report.exceptions_of("indicator")
    assert k2.action == "Two more schools are signed up for October"
    assert k2.recover_by == datetime.date(2010, 12, 31)
    assert k3.owner == "Director of Policy"
    assert k3.why == "Red: 300 to date against a target to date of 600"
    (pay,) = report.exceptions_of("budget line")
    assert pay.why == "Overspent by £6,000 (10.0% of the budget to date)"
    assert report.exceptions_missing == 6


def test_the_exceptions_alone_are_those_the_report_lists(plan, report):
    found = selectors.quarter_exceptions(plan_year=plan.plan_year, quarter=Q2)
    assert found == report.exceptions


def test_an_explanation_of_another_quarter_does_not_count(plan):
    CorrectiveAction.objects.create(
        plan_year=plan.plan_year, quarter=1, indicator=plan.k3, explanation="Late", action="More"
    )
    report = selectors.quarterly_report(plan_year=plan.plan_year, quarter=Q2)
    k3 = next(e for e in report.exceptions if e.title.startswith("K3"))
    assert k3.missing


def test_the_report_is_plain_data_that_round_trips_through_json(report):
    data = report.as_dict()
    text = json.dumps(data, cls=DjangoJSONEncoder)
    again = json.loads(text)
    assert again["summary"]["indicators"] == 4
    assert again["as_at"] == "2010-09-30"
    assert again["budget"]["total"]["forecast_outturn"] == "189000.00"
    # Every value is a plain JSON value once through, and nothing was lost on the way.
    assert json.loads(json.dumps(again)) == again
    assert text == json.dumps(again, cls=DjangoJSONEncoder)


def test_the_report_is_rebuilt_whole_from_its_stored_json(report):
    stored = json.loads(json.dumps(report.as_dict(), cls=DjangoJSONEncoder))

    again = QuarterlyReport.from_dict(stored)

    assert again == report
    assert again.budget.total.variance_percent == Decimal("6.7")
    assert again.as_at == datetime.date(2010, 9, 30)
    assert again.exceptions_missing == report.exceptions_missing


def test_a_quarter_of_another_year_is_refused(plan):
    with pytest.raises(ValueError, match="not a quarter of 2010-11"):
        selectors.quarterly_report(plan_year=plan.plan_year, quarter=Quarter(2011, 2))


def queries_for(plan_year):
    with CaptureQueriesContext(connection) as queries:
        selectors.quarterly_report(plan_year=plan_year, quarter=Q2)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_plan(plan):
    small = queries_for(plan.plan_year)
    # Four times the indicators, projects, milestones, budget lines, risks and recommendations.
    add_plan(plan.plan_year, plan.earlier_year, copies=3, suffix="b")
    large = queries_for(plan.plan_year)
    assert small == large
    assert large <= 34


def test_milestones_stand_as_their_updates_recorded_them_at_the_quarters_end(plan):
    # "Report drafted" (due 30 September) was on track on 20 September and marked at risk only
    # on 5 October, after the quarter's end. "Report published" (due 1 November) was at risk on
    # 25 September and back on track on 12 October. The others were entered after the quarter
    # and stand as recorded now.
    drafted, published = plan.milestones["Report drafted"], plan.milestones["Report published"]
    recorded(drafted, at(2010, 9, 20), status=MilestoneStatus.ON_TRACK, commentary="")
    recorded(drafted, at(2010, 10, 5), status=MilestoneStatus.AT_RISK, commentary="Slow")
    recorded(published, at(2010, 9, 25), status=MilestoneStatus.AT_RISK, commentary="No printer")
    recorded(published, at(2010, 10, 12), status=MilestoneStatus.ON_TRACK, commentary="")

    report = selectors.quarterly_report(plan_year=plan.plan_year, quarter=Q2)

    due = {m.title: m for group in report.milestones_due for m in group.milestones}
    assert (due["Report drafted"].status, due["Report drafted"].outcome_label) == (
        "On track",
        "On track",
    )
    assert due["Report drafted"].commentary == ""
    # 5 due: Venues booked, Day held and Pilot run completed; Schools signed up slipped.
    counted = report.summary.milestones
    assert (counted.due, counted.completed, counted.slipped, counted.at_risk) == (5, 3, 1, 0)
    (following,) = [m for group in report.milestones_next for m in group.milestones]
    assert (following.title, following.status, following.outcome_label) == (
        "Report published",
        "At risk",
        "At risk",
    )
    assert following.commentary == "No printer"
    assert [e.title for e in report.exceptions_of("milestone")] == [
        "Schools signed up (Takeover Day)",
        "Report published (Takeover Day)",
    ]

    # By the end of quarter 3 both had moved on: drafted at risk, published on track.
    later = selectors.quarterly_report(plan_year=plan.plan_year, quarter=Quarter(2010, 3))
    statuses = {m.title: m.status for g in later.milestones_due for m in g.milestones}
    assert statuses["Report published"] == "On track"
