"""Next year's indicators are rolled forward from this year's, without the actuals."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from kpis.models import Indicator, PeriodTarget
from kpis.services import indicators_roll_forward
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return PlanYearFactory(year="2010-11"), PlanYearFactory(year="2011-12")


def test_definitions_owners_targets_and_the_link_are_copied_but_not_actuals(years):
    this_year, next_year = years
    role = RoleFactory(title="Director of Policy")
    kpi9 = IndicatorFactory(
        plan_year=this_year,
        ref="KPI9",
        title="Number of visits to the web site",
        annual_target=Decimal(120000),
        green_from_percent=Decimal(95),
        target_profile="explicit",
        strategic_objective=StrategicObjectiveFactory(plan_year=this_year, ref="SO1"),
    )
    kpi9.owners.add(role)
    PeriodTarget.objects.create(
        indicator=kpi9, period=datetime.date(2010, 4, 1), target=Decimal(10000)
    )
    MeasurementFactory(indicator=kpi9)
    next_so1 = StrategicObjectiveFactory(plan_year=next_year, ref="SO1")

    result = indicators_roll_forward(from_year=this_year, to_year=next_year)

    later = Indicator.objects.get(plan_year=next_year, ref="KPI9")
    assert result.created == [later]
    assert later.title == "Number of visits to the web site"
    assert later.annual_target == 120000
    assert later.green_from_percent == 95
    assert later.target_profile == "explicit"
    assert later.continues_from == kpi9
    assert later.strategic_objective == next_so1
    assert list(later.owners.all()) == [role]
    assert [(t.period, t.target) for t in later.targets.all()] == [
        (datetime.date(2011, 4, 1), Decimal(10000))
    ]
    assert not later.measurements.exists()


def test_running_it_twice_changes_nothing_and_says_what_it_skipped(years):
    this_year, next_year = years
    IndicatorFactory(plan_year=this_year, ref="KPI1")
    indicators_roll_forward(from_year=this_year, to_year=next_year)
    result = indicators_roll_forward(from_year=this_year, to_year=next_year)
    assert result.created == []
    assert result.skipped == [("KPI1", "2011-12 already has KPI1.")]
    assert Indicator.objects.filter(plan_year=next_year).count() == 1


def test_a_project_indicator_follows_its_project_into_the_next_year_or_is_skipped(years):
    this_year, next_year = years
    kept = ProjectFactory(plan_year=this_year, title="Takeover Day")
    gone = ProjectFactory(plan_year=this_year, title="Finished inquiry")
    IndicatorFactory(plan_year=this_year, ref="PI1", tier="project", project=kept)
    IndicatorFactory(plan_year=this_year, ref="PI2", tier="project", project=gone)
    next_takeover = ProjectFactory(plan_year=next_year, title="Takeover Day")
    result = indicators_roll_forward(from_year=this_year, to_year=next_year)
    assert [i.ref for i in result.created] == ["PI1"]
    assert result.created[0].project == next_takeover
    assert result.skipped[0][0] == "PI2"
    assert "project" in result.skipped[0][1]


def test_the_indicator_page_links_the_same_indicator_in_other_years(years, signed_in_client):
    this_year, _next_year = years
    IndicatorFactory(plan_year=this_year, ref="KPI1")
    call_command("roll_forward_indicators", "2010-11", "2011-12", verbosity=0)
    page = signed_in_client.get("/plans/2011-12/indicators/KPI1/").content.decode()
    assert 'href="/plans/2010-11/indicators/KPI1/">2010-11: KPI1' in page
    page = signed_in_client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    assert 'href="/plans/2011-12/indicators/KPI1/">2011-12: KPI1' in page
