"""The indicator page shows an indicator's target and its actuals by period."""

import datetime
from decimal import Decimal

import lxml.html
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
    # May's generated actual is labelled in its row; April's entered one is not.
    rows = lxml.html.fromstring(content).xpath("//table[@id='periods-table']//tbody/tr")
    labelled = {
        row.xpath("th")[0].text_content().strip(): bool(
            row.xpath(".//*[contains(@class, 'app-illustrative-label')]")
        )
        for row in rows
    }
    assert (labelled["April 2010"], labelled["May 2010"]) == (False, True)


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

    # An explicit profile: 10,000 a month for the first quarter, 5,000 for the other nine;
    # 30,000 + 45,000 = 75,000 a year.
    indicator = IndicatorFactory(
        ref="KPI9", annual_target=Decimal("75000"), target_profile="explicit"
    )
    for month in [*range(4, 13), 1, 2, 3]:
        PeriodTarget.objects.create(
            indicator=indicator,
            period=datetime.date(2010 + (month < 4), month, 1),
            target=Decimal(10000 if month in (4, 5, 6) else 5000),
        )
    MeasurementFactory(indicator=indicator, period=datetime.date(2010, 4, 1), value=Decimal("9870"))
    content = signed_in_client.get("/plans/2010-11/indicators/KPI9/").content.decode()
    assert content.count('numeric">10,000</td>') == 3
    assert content.count('numeric">5,000</td>') == 9
    assert "<strong>30,000</strong>" in content  # the first quarter's subtotal target
    # The year to date at the end of September: 30,000 + 3 x 5,000 = 45,000.
    assert "<strong>45,000</strong>" in content
    assert "March 2011" in content
    assert content.count("Not entered") == 11
    assert "Explicit: a target is entered for each month." in content


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


# KPI2 of the 2010-11 demo: what was counted each month, April to March. Worked by hand, the
# year to date is 377 of 528 (71.4%, red against 80%) at the end of quarter 1, 726 of 989
# (73.4%, amber) at the end of quarter 2 and 1,888 of 2,576 (73.3%, amber) at the end of
# quarter 4; quarter 2 on its own is 349 of 461 (75.7%).
KPI2_COUNTS = [
    (270, 381),
    (44, 62),
    (63, 85),
    (84, 109),
    (43, 56),
    (222, 296),
    (180, 251),
    (258, 354),
    (147, 202),
    (63, 85),
    (250, 340),
    (264, 355),
]


@pytest.fixture
def kpi2():
    indicator = IndicatorFactory(
        ref="KPI2", unit=Unit.PERCENTAGE, aggregation=Aggregation.RATIO, annual_target=80
    )
    for period, (numerator, denominator) in zip(
        indicator.plan_year.months(), KPI2_COUNTS, strict=True
    ):
        MeasurementFactory(
            indicator=indicator,
            period=period,
            value=None,
            numerator=numerator,
            denominator=denominator,
        )
    return indicator


def status_of(content):
    return content.split("Status at the end of")[1].split("</dd>")[0]


def test_the_indicator_page_shows_the_status_at_the_end_of_the_quarter_asked(
    signed_in_client, kpi2
):
    content = signed_in_client.get("/plans/2010-11/indicators/KPI2/?quarter=1").content.decode()
    status = status_of(content)
    assert status.startswith(" quarter 1")
    assert "Red</strong>" in status
    assert "Actual to date: 71.4%" in status
    # Without a quarter, the latest with data, as the dashboard opens.
    content = signed_in_client.get("/plans/2010-11/indicators/KPI2/").content.decode()
    status = status_of(content)
    assert status.startswith(" quarter 4")
    assert "Amber</strong>" in status
    assert "Actual to date: 73.3%" in status


def test_the_indicator_page_opens_on_the_quarter_the_dashboard_opens_on(signed_in_client, kpi2):
    # Another indicator of the year has an actual in quarter 4; this one only to September.
    kpi2.measurements.filter(period__gte=datetime.date(2010, 10, 1)).delete()
    other = IndicatorFactory(ref="KPI1", plan_year=kpi2.plan_year)
    MeasurementFactory(indicator=other, period=datetime.date(2011, 1, 1))
    dashboard = signed_in_client.get("/plans/2010-11/indicators/").content.decode()
    assert "Indicators at the end of quarter 4" in dashboard
    content = signed_in_client.get("/plans/2010-11/indicators/KPI2/").content.decode()
    assert status_of(content).startswith(" quarter 4")
    # 726 of 989 to September.
    assert "Actual to date: 73.4%" in status_of(content)


def test_quarter_subtotals_stand_beside_the_year_to_date_the_dashboard_shows(
    signed_in_client, kpi2
):
    content = signed_in_client.get("/plans/2010-11/indicators/KPI2/?quarter=2").content.decode()
    subtotal = content.split("Quarter 2 subtotal")[1].split("</tr>")[0]
    assert "75.7%" in subtotal
    year_to_date = content.split("Year to date to the end of quarter 2")[1].split("</tr>")[0]
    assert "73.4%" in year_to_date
    assert "Amber</strong>" in year_to_date
    dashboard = signed_in_client.get("/plans/2010-11/indicators/?quarter=2").content.decode()
    assert "73.4%" in dashboard
    assert "75.7%" not in dashboard


@pytest.mark.parametrize("quarter", ["0", "5", "x", "-1", "1.5", "99999999999999999999999"])
def test_a_quarter_that_is_no_quarter_gets_a_clear_message_not_an_error(
    signed_in_client, kpi2, quarter
):
    response = signed_in_client.get("/plans/2010-11/indicators/KPI2/", {"quarter": quarter})
    assert response.status_code == 200
    content = response.content.decode()
    assert "not a quarter" in content or "quarters 1 to 4" in content
    assert "Showing quarter 4, the latest with data" in content
    assert status_of(content).startswith(" quarter 4")
