"""The 2010-11 quarter 2 report from the demo data, checked against the printed budget, the
register's heat map and the dashboard for the same quarter."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from kpis import selectors as kpi_selectors
from kpis.models import Measurement
from plans.models import Milestone, PlanYear
from plans.periods import Quarter
from reports import selectors

Q2 = Quarter(2010, 2)


@pytest.fixture
def report(demo):
    return selectors.quarterly_report(plan_year=PlanYear.objects.get(year="2010-11"), quarter=Q2)


def test_the_indicators_are_those_the_dashboard_shows_for_quarter_2(report):
    dashboard = kpi_selectors.dashboard(year="2010-11", quarter=Q2)
    assert report.summary.indicators == 10  # KPI1 to KPI10, as printed
    shown = {str(rag): count for rag, count, _ in dashboard.rag_counts}
    assert {c.rag: c.count for c in report.summary.rag_counts} == shown
    assert {c.rag: c.count for c in report.summary.rag_counts if c.count} == {
        "red": 1,
        "amber": 2,
        "green": 7,
    }
    kpi2 = next(
        line
        for tier in report.indicator_tiers
        for group in tier.groups
        for line in group.indicators
        if line.ref == "KPI2"
    )
    # Those who found it worthwhile over those asked, April to September, against 80%.
    counted = Measurement.objects.filter(
        indicator__plan_year__year="2010-11",
        indicator__ref="KPI2",
        period__lte=datetime.date(2010, 9, 1),
    )
    found = sum(m.numerator for m in counted) * 100 / sum(m.denominator for m in counted)
    assert kpi2.actual_to_date_text == f"{found:.1f}%" == "73.4%"
    assert (kpi2.target_to_date_text, kpi2.rag_label) == ("80.0%", "Amber")
    # Quarter 1 was 377 of 528, 71.4%: quarter 2 alone did better.
    assert (kpi2.previous.earlier_text, kpi2.previous.label) == ("71.4%", "Better")


def test_the_budget_is_the_printed_budget_half_way_through_the_year(report):
    total = report.budget.total
    # The printed total, £3,000 thousand, profiled evenly: half of it by the end of September.
    assert (total.annual_budget, total.budget_to_date) == (3000000, 1500000)
    # No forecasts: the six months left count at budget in the outturn.
    assert total.forecast_outturn - total.actual_to_date == Decimal(1500000)
    # Programme delivery: corporate communications 97 and project and themes costs 488.
    assert report.budget.split.programme_budget == 585000
    assert report.budget.month == datetime.date(2010, 9, 1)


def test_the_risks_are_those_of_the_register(report):
    # The residual heat map: four risks at 4 x 4 = 16 and one at 3 x 5 = 15, all open; one of
    # the 16s is strategic, so four are escalated.
    assert report.summary.risks_above_appetite == 5
    assert report.summary.risks_escalated == 4
    assert report.risks.heat_map.total == 12


def test_the_milestones_due_are_those_due_july_to_september(report):
    quarter = Q(due_on__range=(Q2.first_day, Q2.last_day)) | Q(
        revised_due_on__range=(Q2.first_day, Q2.last_day)
    )
    due = Milestone.objects.filter(quarter, project__plan_year__year="2010-11").count()
    milestones = report.summary.milestones
    assert milestones.due == due == 28
    assert milestones.completed + milestones.slipped + milestones.at_risk <= due


def test_the_demo_director_reads_the_page(client, demo):
    client.force_login(get_user_model().objects.get(username="director"))
    content = client.get("/reports/2010-11/q2/").content.decode()
    assert "Quarterly performance report: quarter 2 2010-11" in content
    assert content.count("app-illustrative-label") >= 4
