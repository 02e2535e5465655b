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
    with django_assert_max_num_queries(16) as small_queries:
        signed_in_client.get("/plans/2010-11/")
    with django_assert_max_num_queries(16) as large_queries:
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
