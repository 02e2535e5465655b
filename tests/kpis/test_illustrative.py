"""The demo's illustrative actuals are of a plausible size, without a database."""

import datetime
from decimal import Decimal

import pytest

from demo.illustrative import measurement_values
from kpis.choices import Aggregation, Direction, Frequency, TargetProfile, Unit
from kpis.models import Indicator
from plans.models import PlanYear
from plans.periods import months_of_financial_year, period_starts

MONTHS_2016 = months_of_financial_year(2016)


def indicator(year="2016-17", **fields):
    return Indicator(plan_year=PlanYear(year=year), **fields)


def test_a_relative_target_without_a_baseline_is_generated_at_its_noted_scale():
    # OC5: "a 50% increase in traffic to my website", no baseline printed; about 360,000 visits
    # a year, so about 30,000 a month, not the 2 a month of a missing baseline.
    oc5 = indicator(ref="OC5", aggregation=Aggregation.TOTAL, target_change_percent=Decimal(50))
    values = [row["value"] for row in measurement_values(oc5, MONTHS_2016, "green")]
    assert all(25000 < value < 40000 for value in values)


def test_accounts_with_a_target_of_no_qualification_are_generated_unqualified():
    ei3 = indicator(
        year="2012-13",
        ref="EI3",
        aggregation=Aggregation.LEVEL,
        direction=Direction.LOWER,
        frequency=Frequency.ANNUAL,
        annual_target=Decimal(0),
    )
    assert measurement_values(ei3, [datetime.date(2012, 4, 1)], "red") == [{"value": 0}]


def test_a_quarterly_ratio_counts_what_happens_in_a_quarter():
    # EI7: one performance report a month, so three a quarter.
    ei7 = indicator(
        year="2012-13",
        ref="EI7",
        unit=Unit.PERCENTAGE,
        aggregation=Aggregation.RATIO,
        frequency=Frequency.QUARTERLY,
    )
    rows = measurement_values(ei7, period_starts(2012, 3), "green")
    assert len(rows) == 4
    assert {row["denominator"] for row in rows} == {3}
    assert all(0 <= row["numerator"] <= 3 for row in rows)


def test_a_level_runs_near_its_flat_target_all_year():
    kpi6 = indicator(
        year="2010-11", ref="KPI6", aggregation=Aggregation.LEVEL, annual_target=Decimal(1000)
    )
    values = [row["value"] for row in measurement_values(kpi6, MONTHS_2016, "green")]
    assert all(900 <= value <= 1120 for value in values)


def test_a_level_profiled_evenly_runs_near_its_rising_target():
    # KPI6: 1,000 Friends by the year end, rising from none: 83 by the end of April (1,000 / 12
    # rounded), 500 by September's, 1,000 by March's; a green level runs at 97% to 112% of it.
    kpi6 = indicator(
        year="2010-11",
        ref="KPI6",
        unit=Unit.COUNT,
        aggregation=Aggregation.LEVEL,
        annual_target=Decimal(1000),
        target_profile=TargetProfile.EVEN,
    )
    values = [row["value"] for row in measurement_values(kpi6, MONTHS_2016, "green")]
    assert 80 <= values[0] <= 93  # 83 x 0.97 = 80.5, 83 x 1.12 = 93.0
    assert 485 <= values[5] <= 560  # 500 x 0.97, 500 x 1.12
    assert 970 <= values[11] <= 1120


@pytest.mark.django_db
def test_a_generated_actual_that_is_red_to_date_says_what_is_being_done():
    from core.services import ChangeCount
    from demo.illustrative import BEHIND_TARGET, generate_measurements
    from kpis.selectors import dashboard
    from plans.periods import Quarter
    from tests.kpis.factories import IndicatorFactory as Factory

    for n in range(6):
        Factory(ref=f"KPI{n + 1}", annual_target=Decimal(1200))
    plan_year = PlanYear.objects.get(year="2010-11")
    generate_measurements(plan_year, ChangeCount())
    reds = 0
    for quarter in (1, 2, 3, 4):
        for row in dashboard(year="2010-11", quarter=Quarter(2010, quarter)).rows:
            assert (BEHIND_TARGET in row.commentary) == (row.rag == "red"), (quarter, row)
            reds += row.rag == "red"
    assert reds  # one of six indicators runs red
