"""The directors' quarterly dashboard: every indicator of a plan year against its target to
date, filtered, exported, in a fixed number of queries."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from core.spreadsheets.writing import PERCENT_FORMAT
from kpis.choices import Aggregation, Direction, IndicatorTier, Source, Unit
from plans.choices import RecommendationStatus
from plans.models import Recommendation
from tests.kpis.factories import IndicatorFactory, MeasurementFactory, PeriodTargetFactory
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
    StrategicObjectiveFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/plans/2010-11/indicators/"


def months(*numbers):
    """The first day of each of these months of 2010-11 (4 is April 2010, 1 is January 2011)."""
    return [datetime.date(2010 + (n < 4), n, 1) for n in numbers]


@pytest.fixture
def kpi1():
    """50,000 children a year, 4,100 + 3,900 + 4,000 = 12,000 by the end of June: the target
    to date is 12,500, so 96%: amber."""
    indicator = IndicatorFactory(ref="KPI1", annual_target=Decimal(50000))
    indicator.owners.add(RoleFactory(title="Director of Participation"))
    for period, value in zip(months(4, 5, 6), (4100, 3900, 4000), strict=True):
        MeasurementFactory(indicator=indicator, period=period, value=Decimal(value))
    indicator.measurements.filter(period=months(6)[0]).update(commentary="Summer events ahead.")
    return indicator


def test_the_dashboard_shows_each_indicator_against_its_target_to_date(signed_in_client, kpi1):
    content = signed_in_client.get(URL).content.decode()
    assert "Indicators at the end of quarter 1" in content
    assert "12,500" in content  # target to date
    assert "12,000" in content  # actual to date
    assert "50,000" in content  # annual target
    assert "Amber</strong>" in content
    assert "Director of Participation" in content
    assert "Summer events ahead." in content
    assert 'href="/plans/2010-11/indicators/KPI1/?quarter=1"' in content
    assert "<svg" in content
    assert "style=" not in content.split("<main")[1]


def test_it_opens_on_the_latest_quarter_with_data_and_shows_any_quarter_asked(
    signed_in_client, kpi1
):
    MeasurementFactory(indicator=kpi1, period=months(10)[0], value=Decimal(30000))
    assert "end of quarter 3" in signed_in_client.get(URL).content.decode()
    content = signed_in_client.get(URL, {"quarter": "1"}).content.decode()
    assert "end of quarter 1" in content
    assert "12,000" in content


def test_a_ratio_divides_summed_counts_and_rag_is_counted_at_the_top(signed_in_client, kpi1):
    kpi2 = IndicatorFactory(
        ref="KPI2", unit=Unit.PERCENTAGE, aggregation=Aggregation.RATIO, annual_target=80
    )
    # 162 of 200 and 9 of 10: 171 of 210 is 81.4%, not the 85.5% an average would give.
    MeasurementFactory(
        indicator=kpi2, period=months(4)[0], value=None, numerator=162, denominator=200
    )
    MeasurementFactory(indicator=kpi2, period=months(5)[0], value=None, numerator=9, denominator=10)
    IndicatorFactory(ref="KPI3")  # nothing entered
    content = signed_in_client.get(URL).content.decode()
    assert "81.4%" in content
    assert "85.5%" not in content
    counts = content.split('id="rag-counts"')[1].split("</ul>")[0]
    assert "Green</strong> 1" in counts
    assert "Amber</strong> 1" in counts
    assert "Red</strong> 0" in counts
    assert "No data</strong> 1" in counts


def test_a_relative_target_without_a_baseline_says_there_is_no_target_to_date(signed_in_client):
    indicator = IndicatorFactory(
        ref="OC5", annual_target=None, target_change_percent=Decimal(50), target_wording="+50%"
    )
    MeasurementFactory(indicator=indicator, value=Decimal(30000))
    content = signed_in_client.get(URL).content.decode()
    assert "No target to date</strong>" in content
    assert "baseline the plan does not give" in content


def test_lower_is_better_with_a_zero_target_is_red_at_one(signed_in_client):
    indicator = IndicatorFactory(
        ref="EI5", direction=Direction.LOWER, annual_target=Decimal(0), target_wording="none"
    )
    MeasurementFactory(indicator=indicator, value=Decimal(1))
    assert "Red</strong>" in signed_in_client.get(URL).content.decode()


def test_filters_narrow_by_owner_tier_and_objective_or_theme(signed_in_client, kpi1):
    objective = StrategicObjectiveFactory(ref="SO2")
    theme = ThemeFactory(name="Safeguarding")
    project = ProjectFactory(title="Youth justice review")
    project.themes.add(theme)
    other = IndicatorFactory(
        ref="PI1", tier=IndicatorTier.PROJECT, project=project, strategic_objective=objective
    )
    owner = kpi1.owners.get()

    def refs(**query):
        content = signed_in_client.get(URL, query).content.decode()
        return {ref for ref in ("KPI1", "PI1") if f"/indicators/{ref}/" in content}

    assert refs() == {"KPI1", "PI1"}
    assert refs(owner=owner.pk) == {"KPI1"}
    assert refs(tier="project") == {"PI1"}
    assert refs(group=f"objective-{objective.pk}") == {"PI1"}
    assert refs(group=f"theme-{theme.pk}") == {"PI1"}
    assert other.pk


def recorded(recommendation, when, **changes):
    """Save a recommendation as if on `when`: its historical row is dated then."""
    for name, value in changes.items():
        setattr(recommendation, name, value)
    recommendation._history_date = when
    recommendation.save()
    return recommendation


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def test_a_computed_indicator_counts_its_projects_recommendations(signed_in_client):
    project = ProjectFactory(title="School Exclusions Inquiry")
    for status in [
        RecommendationStatus.ACCEPTED,
        RecommendationStatus.ACCEPTED,
        RecommendationStatus.IMPLEMENTED,
        RecommendationStatus.UNDER_CONSIDERATION,
        RecommendationStatus.REJECTED,
    ]:
        # Recorded within the first quarter, which the dashboard opens on.
        recorded(Recommendation(project=project, text="Recommend"), at(2010, 5, 1), status=status)
    IndicatorFactory(
        ref="PI1",
        tier=IndicatorTier.PROJECT,
        project=project,
        source=Source.RECOMMENDATIONS,
        aggregation=Aggregation.LEVEL,
        annual_target=None,
    )
    content = signed_in_client.get(URL).content.decode()
    # 2 accepted + 1 implemented + 1 under consideration; the rejected one is not counted.
    assert ">4<br>" in content.replace("\n", "")
    assert "counted from recommendations" in content
    page = signed_in_client.get(f"{URL}PI1/").content.decode()
    assert "Accepted: 2" in page
    assert "Implemented: 1" in page
    assert "Under consideration: 1" in page


@pytest.fixture
def pi1():
    """A 2012-13 project indicator counting recommendations, each recorded in the audit history
    on the day it happened."""
    project = ProjectFactory(plan_year=PlanYearFactory(year="2012-13"), title="Exclusions")
    indicator = IndicatorFactory(
        plan_year=project.plan_year,
        ref="PI1",
        tier=IndicatorTier.PROJECT,
        project=project,
        source=Source.RECOMMENDATIONS,
        aggregation=Aggregation.LEVEL,
        annual_target=None,
    )
    made = {}
    for name, status, when in [
        ("accepted", RecommendationStatus.ACCEPTED, at(2012, 5, 2)),
        ("implemented", RecommendationStatus.IMPLEMENTED, at(2012, 5, 3)),
        ("considered", RecommendationStatus.UNDER_CONSIDERATION, at(2012, 5, 4)),
        ("unanswered", RecommendationStatus.NO_RESPONSE, at(2012, 5, 5)),
        ("rejected", RecommendationStatus.REJECTED, at(2012, 6, 6)),
        ("later", RecommendationStatus.ACCEPTED, at(2012, 7, 7)),
    ]:
        made[name] = recorded(Recommendation(project=project, text=name), when, status=status)
    # What was under consideration at the end of June was accepted in August.
    recorded(made["considered"], at(2012, 8, 1), status=RecommendationStatus.ACCEPTED)
    indicator.made = made
    return indicator


def pi1_count(client, quarter):
    content = client.get("/plans/2012-13/indicators/", {"quarter": quarter}).content.decode()
    row = content.split("/indicators/PI1/")[1].split("</tr>")[0]
    return re.search(r'numeric">(\d+)<br>', row.replace("\n", "")).group(1)


def test_recommendations_count_as_they_stood_at_the_end_of_the_quarter(signed_in_client, pi1):
    # End of June 2012: accepted, implemented, under consideration; not the one unanswered,
    # the rejected one, nor the one made in July.
    assert pi1_count(signed_in_client, 1) == "3"
    # End of September: the July one (accepted) too.
    assert pi1_count(signed_in_client, 2) == "4"
    # A response recorded today changes today's figure, not the closed quarters'.
    recorded(pi1.made["unanswered"], timezone.now(), status=RecommendationStatus.IMPLEMENTED)
    assert pi1_count(signed_in_client, 1) == "3"
    assert pi1_count(signed_in_client, 4) == "4"
    page = signed_in_client.get("/plans/2012-13/indicators/PI1/?quarter=1").content.decode()
    assert "Accepted: 1" in page
    assert "Implemented: 1" in page
    assert "Under consideration: 1" in page


def test_a_recommendation_deleted_after_the_quarter_still_counts_in_it(signed_in_client, pi1):
    deleted = pi1.made["accepted"]
    del deleted._history_date  # deleted today
    deleted.delete()
    assert pi1_count(signed_in_client, 1) == "3"


def test_the_dashboard_query_count_does_not_grow_with_recommendations_or_their_history(
    signed_in_client, pi1, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/plans/2012-13/indicators/?quarter=2"
    with CaptureQueriesContext(connection) as few:
        signed_in_client.get(url)
    for n in range(5):
        project = ProjectFactory(plan_year=pi1.plan_year)
        IndicatorFactory(
            plan_year=pi1.plan_year,
            ref=f"PI{n + 2}",
            tier=IndicatorTier.PROJECT,
            project=project,
            source=Source.RECOMMENDATIONS,
            annual_target=None,
        )
        for day in range(1, 4):
            recommendation = recorded(
                Recommendation(project=project, text="Recommend"), at(2012, 5, day)
            )
            recorded(recommendation, at(2012, 6, day), status=RecommendationStatus.ACCEPTED)
    with django_assert_num_queries(len(few.captured_queries)):
        signed_in_client.get(url)


def test_the_dashboard_links_each_indicator_at_the_quarter_shown(signed_in_client, kpi1):
    MeasurementFactory(indicator=kpi1, period=months(10)[0], value=Decimal(30000))
    content = signed_in_client.get(URL, {"quarter": "2"}).content.decode()
    assert 'href="/plans/2010-11/indicators/KPI1/?quarter=2"' in content
    assert 'href="/plans/2010-11/indicators.csv?quarter=2' in content


def test_the_dashboard_the_indicator_page_and_both_exports_agree_at_a_quarters_end(
    signed_in_client,
):
    # KPI2 of the 2010-11 demo: 270 of 381, 44 of 62 and 63 of 85 to June, 377 of 528 (71.4%,
    # red against 80%); 1,888 of 2,576 (73.3%, amber) by March.
    kpi2 = IndicatorFactory(
        ref="KPI2", unit=Unit.PERCENTAGE, aggregation=Aggregation.RATIO, annual_target=80
    )
    counts = [(270, 381), (44, 62), (63, 85), *[(577 + 349 + 585, 780 + 461 + 807)]]
    for period, (numerator, denominator) in zip(months(4, 5, 6, 3), counts, strict=True):
        MeasurementFactory(
            indicator=kpi2, period=period, value=None, numerator=numerator, denominator=denominator
        )
    dashboard = signed_in_client.get(URL, {"quarter": "1"}).content.decode()
    row = dashboard.split("/indicators/KPI2/")[1].split("</tr>")[0]
    assert "71.4%" in row
    assert "Red</strong>" in row
    link = re.search(r'href="(/plans/2010-11/indicators/KPI2/[^"]*)"', dashboard).group(1)
    page = signed_in_client.get(link.replace("&amp;", "&")).content.decode()
    status = page.split("Status at the end of")[1].split("</dd>")[0]
    assert "quarter 1" in status
    assert "Red</strong>" in status
    assert "71.4%" in status
    csv_rows = list(
        csv.reader(io.StringIO(signed_in_client.get(f"{URL[:-1]}.csv?quarter=1").content.decode()))
    )
    figures = dict(zip(csv_rows[1], csv_rows[2], strict=True))
    assert (figures["Actual to date"], figures["RAG"]) == ("71.4%", "Red")
    response = signed_in_client.get(f"{URL[:-1]}.xlsx?quarter=1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(sheet.iter_rows(min_row=4, values_only=True))
    assert row[0] == "KPI2"
    # 377 / 528 = 0.71401..., held as the fraction and shown as 71.4%.
    assert round(row[5], 3) == 0.714
    assert sheet.cell(4, 6).number_format == PERCENT_FORMAT
    assert row[7] == "Red"


@pytest.mark.parametrize("quarter", ["0", "5", "x"])
def test_a_quarter_that_is_no_quarter_is_said_so_on_the_page_and_refused_by_the_exports(
    signed_in_client, kpi1, quarter
):
    content = signed_in_client.get(URL, {"quarter": quarter}).content.decode()
    assert "Showing quarter 1, the latest with data" in content
    for extension in ("csv", "xlsx"):
        response = signed_in_client.get(f"{URL[:-1]}.{extension}", {"quarter": quarter})
        assert response.status_code == 404


def _populate(plan_year, count, *, first=0, with_targets=False):
    role = RoleFactory()
    objective = StrategicObjectiveFactory(plan_year=plan_year)
    for n in range(first, first + count):
        indicator = IndicatorFactory(
            plan_year=plan_year, ref=f"X{plan_year.year}-{n}", strategic_objective=objective
        )
        indicator.owners.add(role)
        for period in plan_year.months():
            MeasurementFactory(indicator=indicator, period=period, value=Decimal(n + 1))
            if with_targets:
                PeriodTargetFactory(indicator=indicator, period=period, target=Decimal(4))


def test_the_dashboard_query_count_does_not_grow_with_indicators_periods_or_years(
    signed_in_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = PlanYearFactory(year="2010-11")
    _populate(small, 1)
    with CaptureQueriesContext(connection) as few:
        signed_in_client.get(URL)
    _populate(small, 8, first=1, with_targets=True)
    for year in ("2011-12", "2012-13"):
        _populate(PlanYearFactory(year=year), 3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = signed_in_client.get(URL)
    assert response.content.decode().count("/indicators/X2010-11-") == 9


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_exports_query_count_does_not_grow(
    signed_in_client, django_assert_num_queries, extension
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = PlanYearFactory(year="2010-11")
    _populate(small, 1)
    with CaptureQueriesContext(connection) as few:
        signed_in_client.get(f"/plans/2010-11/indicators.{extension}")
    _populate(small, 6, first=1, with_targets=True)
    with django_assert_num_queries(len(few.captured_queries)):
        signed_in_client.get(f"/plans/2010-11/indicators.{extension}")


def test_the_csv_has_the_figures_of_the_page_and_escapes_formulas(signed_in_client, kpi1):
    kpi1.measurements.filter(period=months(6)[0]).update(commentary='=HYPERLINK("x")')
    response = signed_in_client.get("/plans/2010-11/indicators.csv", {"quarter": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="indicators-2010-11-q1.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, row = rows[1], rows[2]
    figures = dict(zip(header, row, strict=True))
    assert figures["Ref"] == "KPI1"
    assert figures["Target to date"] == "12,500"
    assert figures["Actual to date"] == "12,000"
    assert figures["Annual target"] == "50,000"
    assert figures["RAG"] == "Amber"
    assert figures["Latest commentary"] == '\'=HYPERLINK("x")'


def test_the_xlsx_has_the_same_figures_as_numbers(signed_in_client, kpi1):
    kpi2 = IndicatorFactory(
        ref="KPI2", unit=Unit.PERCENTAGE, aggregation=Aggregation.RATIO, annual_target=80
    )
    MeasurementFactory(indicator=kpi2, value=None, numerator=162, denominator=200)
    response = signed_in_client.get("/plans/2010-11/indicators.xlsx", {"tier": "key"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["KPI1"][4:8] == (12500, 12000, 50000, "Amber")
    # Percentages are held as fractions (162 / 200 = 81% is 0.81) and shown as 81.0%.
    assert rows["KPI2"][4:8] == (0.8, 0.81, 0.8, "Green")
    assert sheet["E5"].number_format == PERCENT_FORMAT


def test_the_xlsx_writes_commentary_that_looks_like_a_formula_as_text(signed_in_client, kpi1):
    kpi1.measurements.filter(period=months(6)[0]).update(commentary='=HYPERLINK("x")')
    response = signed_in_client.get("/plans/2010-11/indicators.xlsx", {"quarter": "1"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active

    commentary = sheet["J4"]
    # The commentary as written, held as text with Excel's quote prefix: never run.
    assert (commentary.value, commentary.data_type) == ('=HYPERLINK("x")', "s")
    assert commentary.quotePrefix


def test_an_unknown_plan_year_or_export_is_not_found(signed_in_client):
    assert signed_in_client.get("/plans/2099-00/indicators/").status_code == 404
    PlanYearFactory(year="2010-11")
    assert signed_in_client.get("/plans/2010-11/indicators.pdf").status_code == 404


def test_the_header_home_and_overview_link_to_the_dashboard(signed_in_client, kpi1):
    ProjectFactory()  # the current plan year is the latest with projects
    link = 'href="/plans/2010-11/indicators/"'
    assert signed_in_client.get("/").content.decode().count(link) == 2
    assert signed_in_client.get("/plans/2010-11/").content.decode().count(link) == 2


def test_a_plan_without_indicators_says_so(signed_in_client):
    PlanYearFactory(year="2010-11")
    content = signed_in_client.get(URL).content.decode()
    assert "This plan records no performance indicators." in content
    assert "No data</strong> 0" in content


def test_the_exports_say_which_rows_rest_on_illustrative_actuals_as_the_page_labels_them(
    signed_in_client, kpi1
):
    # KPI1's three actuals were entered; KPI2's May actual was generated for the demo, so its
    # actual to date at quarter 1 rests on it; KPI3's only generated actual is July's, in
    # quarter 2, which does not count to the end of June.
    kpi2 = IndicatorFactory(ref="KPI2", annual_target=Decimal(1200))
    MeasurementFactory(indicator=kpi2, period=months(5)[0], value=Decimal(90), is_illustrative=True)
    kpi3 = IndicatorFactory(ref="KPI3", annual_target=Decimal(1200))
    MeasurementFactory(indicator=kpi3, period=months(4)[0], value=Decimal(90))
    MeasurementFactory(indicator=kpi3, period=months(7)[0], value=Decimal(90), is_illustrative=True)
    page = signed_in_client.get(URL, {"quarter": "1"})
    labelled = {row.indicator.ref: row.is_illustrative for row in page.context["dashboard"].rows}
    assert labelled == {"KPI1": False, "KPI2": True, "KPI3": False}

    csv_rows = list(csv.reader(io.StringIO(signed_in_client.get(f"{URL[:-1]}.csv?quarter=1").text)))
    header = csv_rows[1]
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in csv_rows[2:]}
    assert {ref: row["Illustrative"] for ref, row in by_ref.items()} == {
        "KPI1": "",
        "KPI2": "Yes",
        "KPI3": "",
    }

    response = signed_in_client.get(f"{URL[:-1]}.xlsx?quarter=1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(3, 11).value == "Illustrative"
    rows = {row[0]: row[10] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows == {"KPI1": None, "KPI2": "Yes", "KPI3": None}


def test_the_page_and_its_exports_are_made_from_one_build_of_the_dashboard(
    signed_in_client, kpi1, monkeypatch
):
    """The dashboard read after a change, then its workbook and csv under a filter, build it
    from the records once between them; the next change builds it again, and both show it."""
    from kpis import selectors

    builds = []
    build = selectors.dashboard

    def counted(**kwargs):
        builds.append(kwargs["quarter"])
        return build(**kwargs)

    monkeypatch.setattr(selectors, "dashboard", counted)
    assert "12,000" in signed_in_client.get(URL, {"quarter": "1"}).content.decode()
    response = signed_in_client.get(f"{URL[:-1]}.xlsx", {"quarter": "1", "tier": "key"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(sheet.iter_rows(min_row=4, values_only=True))
    assert (row[0], row[4], row[5]) == ("KPI1", 12500, 12000)  # 4,100 + 3,900 + 4,000
    csv_rows = list(
        csv.reader(io.StringIO(signed_in_client.get(f"{URL[:-1]}.csv?quarter=1").content.decode()))
    )
    figures = [dict(zip(csv_rows[1], row, strict=True)) for row in csv_rows[2:]]
    assert [(row["Ref"], row["Actual to date"]) for row in figures] == [("KPI1", "12,000")]
    assert len(builds) == 1

    kpi1.measurements.filter(period=months(6)[0]).update(value=Decimal(4600))
    response = signed_in_client.get(f"{URL[:-1]}.xlsx", {"quarter": "1", "tier": "key"})
    row = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
        min_row=4, values_only=True
    ))  # fmt: skip
    assert row[5] == 12600  # 4,100 + 3,900 + 4,600
    assert len(builds) == 2
    assert "12,600" in signed_in_client.get(URL, {"quarter": "1"}).content.decode()
    assert len(builds) == 2
    # Narrowed to the project indicators, of which there are none: the same build, no rows.
    response = signed_in_client.get(f"{URL[:-1]}.xlsx", {"quarter": "1", "tier": "project"})
    assert list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
        min_row=4, values_only=True
    )) == []  # fmt: skip
    assert len(builds) == 2
