"""A plan several times the 2012-13 demo plan (make_big_plan): what the command writes, pages
whose query counts do not grow with the plan, and lists that stop at their bound with a link
to all of their rows.

Two generated plans are written once for the module: 2001-02 at scale 1 (the size of 2012-13)
and 2002-03 at scale 4 (80 projects, 304 milestones, 112 indicators, 80 budget lines, 48 risks,
200 recommendations), the smallest scale at which every list of the overview passes its bound.
"""

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetLine, MonthlyFigure
from demo.big_plan import make_big_plan
from kpis.models import Indicator, Measurement
from plans.models import Milestone, PlanYear, Project, Recommendation
from risks.models import Risk
from tests.conftest import data_shared_by_the_tests

SMALL, LARGER = "2001-02", "2002-03"


@pytest.fixture(scope="module")
def big_plans(django_db_setup, django_db_blocker):
    with data_shared_by_the_tests(django_db_blocker):
        with django_db_blocker.unblock():
            make_big_plan(year=SMALL, scale=1)
            make_big_plan(year=LARGER, scale=4)
        yield


@pytest.fixture
def director(big_plans, client, user_in_group):
    client.force_login(user_in_group("Directors"))
    return client


def _counts(year: str) -> dict[str, int]:
    return {
        "projects": Project.objects.filter(plan_year__year=year).count(),
        "milestones": Milestone.objects.filter(project__plan_year__year=year).count(),
        "indicators": Indicator.objects.filter(plan_year__year=year).count(),
        "actuals": Measurement.objects.filter(indicator__plan_year__year=year).count(),
        "budget lines": BudgetLine.objects.filter(budget__plan_year__year=year).count(),
        "monthly figures": MonthlyFigure.objects.filter(line__budget__plan_year__year=year).count(),
        "risks": Risk.objects.filter(plan_year__year=year).count(),
        "recommendations": Recommendation.objects.filter(project__plan_year__year=year).count(),
    }


def test_the_command_writes_what_2012_13_holds_times_the_scale_and_says_so(db):
    out = StringIO()
    call_command("make_big_plan", year="2003-04", scale=2, stdout=out)
    # 2012-13 in the demo: 20 projects, 76 milestones, 28 indicators, 20 budget lines, 12 risks,
    # 50 recommendations; twice each, with 12 months of actuals (56 x 12 = 672) and of budget
    # figures (40 x 12 = 480).
    assert _counts("2003-04") == {
        "projects": 40,
        "milestones": 152,
        "indicators": 56,
        "actuals": 672,
        "budget lines": 40,
        "monthly figures": 480,
        "risks": 24,
        "recommendations": 100,
    }
    assert (
        "Plan 2003-04 written at 2 times 2012-13: 40 projects, 152 milestones, 56 indicators "
        "with 672 actuals, 40 budget lines with 480 monthly figures, 24 risks and 100 "
        "recommendations."
    ) in out.getvalue()


def test_the_command_refuses_a_year_that_holds_a_plan_and_writes_nothing(big_plans, db):
    before = _counts(SMALL)
    with pytest.raises(CommandError, match="There is already a plan for 2001-02: nothing"):
        call_command("make_big_plan", year=SMALL, scale=2, stdout=StringIO())
    assert _counts(SMALL) == before


def test_the_command_refuses_what_is_not_a_financial_year(db):
    with pytest.raises(CommandError, match="not a financial year"):
        call_command("make_big_plan", year="2004-06", stdout=StringIO())
    assert not PlanYear.objects.filter(year__startswith="2004").exists()


PAGES = [
    "/plans/{year}/",
    "/plans/{year}/projects/",
    "/plans/{year}/indicators/?quarter=4",
    "/plans/{year}/milestones/",
    "/plans/{year}/recommendations/",
    "/plans/{year}/risks/",
    "/reports/{year}/q4/",
    "/plans/{year}/indicators.csv?quarter=4",
    "/plans/{year}/budget/lines.csv",
]


@pytest.mark.parametrize("address", PAGES)
def test_a_page_reads_no_more_queries_for_a_plan_four_times_larger(director, address):
    queries = {}
    for year in (SMALL, LARGER):
        cache.clear()  # the quarterly report is built afresh for each plan
        with CaptureQueriesContext(connection) as captured:
            response = director.get(address.format(year=year))
        assert response.status_code == 200
        queries[year] = len(captured)
    assert queries[LARGER] == queries[SMALL]


def test_the_overview_lists_60_projects_30_indicators_and_25_budget_lines(director):
    page = director.get(f"/plans/{LARGER}/").content.decode()
    # 80 projects, 4 or 5 under each of the 18 aims (80 = 18 x 4 + 8: the first 8 aims have 5).
    # In the page's order, aims 1.1 to 2.2 (8 x 5 = 40), 2.3 to 2.6 (4 x 4 = 16) and 3.1 (4)
    # fill the 60; aims 3.2 to 3.6 each say their 4 projects are in the list of all 80.
    assert page.count(f'href="/plans/{LARGER}/projects/') == 1 + 60 + 5
    assert "Show all 80 projects" in page
    assert page.count("4 projects, in the") == 5
    # 112 indicators (4 x 28): the first 30, and a link to the dashboard with all of them.
    assert (
        page.count(f'href="/plans/{LARGER}/indicators/KPI')
        + page.count(f'href="/plans/{LARGER}/indicators/EI')
        + page.count(f'href="/plans/{LARGER}/indicators/PI')
        == 30
    )
    assert "The first 30 of 112 indicators" in page
    assert "Show all 112 indicators" in page
    # 80 budget lines (4 x 20): the first 25; the total stays that of all 80.
    assert "The first 25 of 80 lines; the total is of all 80" in page
    assert "Show all 80 budget lines" in page


def test_the_overview_of_a_plan_under_the_bounds_lists_everything(director):
    page = director.get(f"/plans/{SMALL}/").content.decode()
    assert "Show all" not in page
    assert "more, in the" not in page


def test_the_list_of_projects_shows_50_a_page(director):
    page = director.get(f"/plans/{LARGER}/projects/?page=2").content.decode()
    # 80 projects at 50 a page: page 2 holds projects 51 to 80, 30 of them.
    assert page.count(f'<a class="govuk-link" href="/plans/{LARGER}/projects/') == 30
    assert "80 projects: 51 to 80 on this page" in page
    assert '<a class="govuk-link govuk-pagination__link" href="?" rel="prev">' in page


def test_the_dashboard_shows_50_indicators_a_page_and_counts_them_all(director):
    page = director.get(f"/plans/{LARGER}/indicators/?quarter=4&page=3").content.decode()
    # 112 indicators at 50 a page: page 3 holds 101 to 112, 12 rows.
    assert page.count('<th scope="row" class="govuk-table__header"><a class="govuk-link"') == 12
    assert "Showing indicators 101 to 112 of 112." in page
    assert "Status of the 112 indicators shown" in page
    assert 'href="?quarter=4&amp;page=2" rel="prev"' in page


def test_the_dashboard_says_when_there_is_no_such_page(director):
    page = director.get(f"/plans/{LARGER}/indicators/?quarter=4&page=9").content.decode()
    assert "There is no page 9: showing page 3, the last." in page


def test_the_report_lists_30_indicators_and_links_to_all(director):
    page = director.get(f"/reports/{LARGER}/q4/").content.decode()
    # 112 indicators: 40 key, 32 enabling, 40 project (4 x 10, 4 x 8, 4 x 10); the first 30
    # are key indicators, so 10 key, and every enabling and project indicator, are left out.
    assert "This section lists the first 30 of the 112 indicators." in page
    assert "Show all 112 indicators" in page
    assert "and 10 more key performance indicators" in page
    assert "32 enabling indicators, on the" in page
    assert "40 project indicators, on the" in page


def test_the_recommendations_are_listed_50_a_page(director):
    page = director.get(f"/plans/{LARGER}/recommendations/?page=4").content.decode()
    # 200 recommendations (4 x 50) at 50 a page: page 4 holds 151 to 200.
    assert "Showing recommendations 151 to 200 of 200." in page
    assert page.count("Generated recommendation ") == 50
    assert 'href="?page=3" rel="prev"' in page


def test_the_risk_register_shows_its_risks_a_page_at_a_time(director, monkeypatch):
    monkeypatch.setattr("risks.views.RISK_REGISTER_PAGE_SIZE", 20)
    page = director.get(f"/plans/{LARGER}/risks/?page=3").content.decode()
    # 48 risks (4 x 12) at 20 a page: page 3 holds 41 to 48.
    assert "Showing risks 41 to 48 of 48." in page
    assert len(set(re.findall(r"Generated risk \d+", page))) == 8
    assert 'href="?page=2" rel="prev"' in page
