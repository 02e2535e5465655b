"""The plan overview shows objectives, aims, projects, indicators and corporate objectives."""

import pytest

from tests.kpis.factories import IndicatorFactory
from tests.plans.factories import (
    CorporateObjectiveFactory,
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
    StrategicAimFactory,
    StrategicObjectiveFactory,
    ThemeFactory,
)


def build_plan(plan_year, size):
    """A plan with `size` objectives, each with two aims and a project, plus indicators and
    corporate objectives with owners."""
    owner = RoleFactory(title=f"Director of Policy {size}")
    for n in range(size):
        objective = StrategicObjectiveFactory(plan_year=plan_year, ref=f"SO{n + 1}")
        for m in range(2):
            aim = StrategicAimFactory(objective=objective, ref=f"{n + 1}.{m + 1}")
            project = ProjectFactory(plan_year=plan_year, title=f"Project {n}.{m}")
            project.aims.add(aim)
            project.owners.add(owner)
        theme = ThemeFactory(plan_year=plan_year, name=f"Theme {n}")
        corporate = CorporateObjectiveFactory(plan_year=plan_year, ref=f"CO{n + 1}", theme=theme)
        corporate.owners.add(owner)
        corporate.projects.add(project)
        indicator = IndicatorFactory(plan_year=plan_year, ref=f"KPI{n + 1}")
        indicator.owners.add(owner)


@pytest.mark.django_db
def test_the_overview_shows_the_hierarchy_owners_and_targets(signed_in_client):
    plan_year = PlanYearFactory(year="2010-11")
    build_plan(plan_year, 1)
    response = signed_in_client.get("/plans/2010-11/")
    content = response.content.decode()
    assert response.status_code == 200
    for text in ["SO1", "Aim 1.1", "Project 0.0", "CO1", "KPI1", "50,000", "Director of Policy 1"]:
        assert text in content


@pytest.mark.django_db
def test_an_unknown_plan_year_is_not_found(signed_in_client):
    assert signed_in_client.get("/plans/1999-00/").status_code == 404


@pytest.mark.django_db
def test_the_overview_query_count_does_not_grow_with_the_plan(
    signed_in_client, django_assert_max_num_queries
):
    small = PlanYearFactory(year="2010-11")
    build_plan(small, 1)
    large = PlanYearFactory(year="2011-12")
    build_plan(large, 12)
    # 22: the header asks once whether the person reads the quarterly report, and the page
    # reads the records' version once (core.kept_pages).
    with django_assert_max_num_queries(22) as small_queries:
        signed_in_client.get("/plans/2010-11/")
    with django_assert_max_num_queries(22) as large_queries:
        response = signed_in_client.get("/plans/2011-12/")
    assert "KPI12" in response.content.decode()
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)


@pytest.mark.django_db
def test_the_home_page_lists_strategies_and_plan_years(signed_in_client):
    from tests.plans.factories import StrategyFactory

    strategy = StrategyFactory(
        title="Ambitious for Children", start_year="2015-16", end_year="2019-20"
    )
    PlanYearFactory(year="2016-17", strategy=strategy, title="Business Plan 2016-17")
    PlanYearFactory(year="2012-13", title="Business Plan 2012-13")
    content = signed_in_client.get("/").content.decode()
    assert "Ambitious for Children" in content
    assert 'href="/plans/2016-17/"' in content
    assert 'href="/plans/2012-13/"' in content


@pytest.mark.django_db
def test_the_overview_shows_the_budget_as_printed_with_its_total(signed_in_client):
    from budgets.models import GrantInAid
    from tests.budgets.factories import BudgetCategoryFactory, BudgetLineFactory

    plan_year = PlanYearFactory(year="2010-11")
    GrantInAid.objects.create(plan_year=plan_year, sponsor="DCSF", amount=3000000)
    BudgetLineFactory(budget__plan_year=plan_year, amount=3093000)
    income = BudgetCategoryFactory(name="Income", is_income=True)
    BudgetLineFactory(budget__plan_year=plan_year, category=income, amount=-93000)
    content = signed_in_client.get("/plans/2010-11/").content.decode()
    assert "Budget 2010-11 (£'000)" in content
    assert "3,093" in content
    assert "(93)" in content
    assert "<strong>3,000</strong>" in content
    assert "Grant-in-aid from DCSF: £3,000,000." in content
    # 3,093,000 - 93,000 of income = 3,000,000: the lines add up to the grant-in-aid.
    assert "None: the lines add up to the printed total." in content


@pytest.mark.django_db
def test_the_overview_reconciles_the_lines_with_the_grant_as_the_variance_page_does(
    signed_in_client,
):
    from budgets.models import GrantInAid
    from tests.budgets.factories import BudgetLineFactory

    plan_year = PlanYearFactory(year="2016-17")
    GrantInAid.objects.create(plan_year=plan_year, sponsor="DfE", amount=2790450)
    BudgetLineFactory(
        budget__plan_year=plan_year, budget__presentation_unit="pounds", amount=2791052
    )
    content = " ".join(signed_in_client.get("/plans/2016-17/").content.decode().split())
    # 2,791,052 - 2,790,450 = 602 more; no note mentions it.
    value = '</dt> <dd class="govuk-summary-list__value">'
    assert f"Total of the budget lines{value}£2,791,052</dd>" in content
    assert f"Printed total (grant-in-aid){value}£2,790,450</dd>" in content
    assert (
        "£602<br>The lines come to £602 more than the printed total. The notes do not say why."
    ) in content


@pytest.mark.django_db
def test_the_home_page_query_count_does_not_grow_with_strategies_and_plans(
    signed_in_client, django_assert_max_num_queries
):
    from tests.plans.factories import StrategyFactory

    def add_strategy(n):
        strategy = StrategyFactory(start_year=f"{2000 + n}-{(1 + n) % 100:02d}", end_year="2030-31")
        PlanYearFactory(year=f"{2000 + n}-{(1 + n) % 100:02d}", strategy=strategy)
        StrategicObjectiveFactory(plan_year=None, strategy=strategy, ref="1")
        ThemeFactory(plan_year=None, strategy=strategy, kind="pillar")

    add_strategy(0)
    with django_assert_max_num_queries(12) as few:
        signed_in_client.get("/")
    for n in range(1, 10):
        add_strategy(n)
    with django_assert_max_num_queries(12) as many:
        response = signed_in_client.get("/")
    assert response.content.decode().count('href="/plans/20') == 10
    assert len(many.captured_queries) == len(few.captured_queries)
