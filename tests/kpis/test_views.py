"""The indicator page shows an indicator's target and its actuals by period."""

import datetime
from decimal import Decimal

import pytest

from kpis.choices import Aggregation, Unit
from tests.kpis.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def test_the_indicator_page_shows_the_target_and_each_actual(signed_in_client):
    indicator = IndicatorFactory(ref="KPI9", title="Number of visits to the web site")
    MeasurementFactory(indicator=indicator, period=datetime.date(2010, 4, 1), value=Decimal("9870"))
    MeasurementFactory(
        indicator=indicator,
        period=datetime.date(2010, 5, 1),
        value=Decimal("10240"),
        is_illustrative=True,
    )
    content = signed_in_client.get("/plans/2010-11/indicators/KPI9/").content.decode()
    assert "KPI9: Number of visits to the web site" in content
    assert "50,000" in content
    assert "April 2010" in content
    assert "9,870" in content
    assert content.count("Illustrative</strong>") == 1


def test_a_ratio_actual_shows_the_percentage_and_what_was_counted(signed_in_client):
    indicator = IndicatorFactory(
        ref="KPI2", unit=Unit.PERCENTAGE, aggregation=Aggregation.RATIO, annual_target=80
    )
    MeasurementFactory(indicator=indicator, value=None, numerator=162, denominator=200)
    content = signed_in_client.get("/plans/2010-11/indicators/KPI2/").content.decode()
    assert "81.0%" in content
    assert "162 of 200" in content


def test_the_indicator_page_query_count_does_not_grow_with_its_actuals(
    signed_in_client, django_assert_max_num_queries
):
    few = IndicatorFactory(ref="KPI1")
    MeasurementFactory(indicator=few)
    many = IndicatorFactory(ref="KPI2")
    for month in [4, 5, 6, 7, 8, 9, 10, 11, 12]:
        MeasurementFactory(indicator=many, period=datetime.date(2010, month, 1))
    with django_assert_max_num_queries(16) as few_queries:
        signed_in_client.get("/plans/2010-11/indicators/KPI1/")
    with django_assert_max_num_queries(16) as many_queries:
        signed_in_client.get("/plans/2010-11/indicators/KPI2/")
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)


def test_every_month_of_the_year_is_shown_with_its_profile_target(signed_in_client):
    from kpis.models import PeriodTarget

    # Explicit targets for the first quarter; the rest of 60,000 a year profiled evenly.
    indicator = IndicatorFactory(ref="KPI9", annual_target=Decimal("60000"))
    for month in [4, 5, 6]:
        PeriodTarget.objects.create(
            indicator=indicator, period=datetime.date(2010, month, 1), target=Decimal("10000")
        )
    MeasurementFactory(indicator=indicator, period=datetime.date(2010, 4, 1), value=Decimal("9870"))
    content = signed_in_client.get("/plans/2010-11/indicators/KPI9/").content.decode()
    assert content.count("10,000") == 3
    assert content.count('numeric">5,000</td>') == 9
    assert "30,000" in content  # the first quarter's subtotal target
    assert "March 2011" in content
    assert content.count("Not entered") == 11


def test_the_indicator_page_query_count_does_not_grow_with_plan_years(
    signed_in_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.plans.factories import PlanYearFactory

    def chain(ref, years):
        earlier = None
        for year in years:
            earlier = IndicatorFactory(
                plan_year=PlanYearFactory(year=year), ref=ref, continues_from=earlier
            )
        return earlier

    chain("KPI1", ["2009-10", "2010-11"])
    chain("KPI2", ["2006-07", "2007-08", "2008-09", "2009-10", "2010-11"])
    with CaptureQueriesContext(connection) as short:
        signed_in_client.get("/plans/2010-11/indicators/KPI1/")
    with django_assert_num_queries(len(short.captured_queries)):
        content = signed_in_client.get("/plans/2010-11/indicators/KPI2/").content.decode()
    assert content.count('href="/plans/200') == 4


def test_the_indicator_page_shows_its_status_a_chart_described_by_its_table(signed_in_client):
    indicator = IndicatorFactory(ref="KPI1", annual_target=Decimal("48000"))
    # 4,000 a month is the profile, so 12,000 by the end of June; 3,000 is 25% of it: red.
    MeasurementFactory(indicator=indicator, period=datetime.date(2010, 4, 1), value=3000)
    content = signed_in_client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    assert "Status at the end of quarter 1" in content
    assert 'govuk-tag--red">Red</strong>' in content
    assert "Actual to date: 3,000" in content
    assert "Target to date: 12,000" in content
    assert 'aria-describedby="periods-table"' in content
    assert 'id="periods-table"' in content
    assert "Quarter 1 subtotal" in content


def test_a_quarter_that_is_not_one_to_four_falls_back_to_the_latest_with_data(signed_in_client):
    indicator = IndicatorFactory(ref="KPI1")
    MeasurementFactory(indicator=indicator, period=datetime.date(2010, 8, 1))
    for quarter in ("0", "5", "x"):
        content = signed_in_client.get(
            "/plans/2010-11/indicators/", {"quarter": quarter}
        ).content.decode()
        assert "Indicators at the end of quarter 2" in content
