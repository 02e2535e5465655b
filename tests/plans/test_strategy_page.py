"""A strategy's page: who may read it, what it shows apart, and what it costs to build."""

import html

import pytest

from plans.choices import ThemeKind
from tests.plans.factories import (
    PlanYearFactory,
    StrategicAimFactory,
    StrategicObjectiveFactory,
    StrategyFactory,
    ThemeFactory,
)


def add_objective_with_commitments(strategy, n):
    objective = StrategicObjectiveFactory(
        plan_year=None, strategy=strategy, ref=str(n), title=f"Objective {n}"
    )
    StrategicAimFactory(objective=objective, ref=f"{n}.1", printed_wording=f"We will do {n}.")
    StrategicAimFactory(objective=objective, ref=f"{n}.2", summary=f"Commitment {n}.2 summed up")
    ThemeFactory(plan_year=None, strategy=strategy, kind=ThemeKind.PILLAR, name=f"Pillar {n}")
    ThemeFactory(
        plan_year=None, strategy=strategy, kind=ThemeKind.APPROACH_STRAND, name=f"Strand {n}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["Administrators", "Directors", "Staff", "Corporate services"])
def test_every_signed_in_user_reads_a_strategy(client, user_in_group, group):
    strategy = StrategyFactory(title="Ambitious for Children")
    client.force_login(user_in_group(group))
    response = client.get(f"/strategies/{strategy.pk}/")
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Ambitious for Children</h1>' in response.content.decode()


@pytest.mark.django_db
def test_a_strategy_is_not_shown_to_someone_not_signed_in(client):
    strategy = StrategyFactory()
    response = client.get(f"/strategies/{strategy.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_an_unknown_strategy_is_not_found(signed_in_client):
    assert signed_in_client.get("/strategies/999/").status_code == 404


@pytest.mark.django_db
def test_approach_strands_and_pillars_are_shown_apart_and_summaries_are_marked(signed_in_client):
    strategy = StrategyFactory()
    add_objective_with_commitments(strategy, 1)
    content = html.unescape(signed_in_client.get(f"/strategies/{strategy.pk}/").content.decode())
    approach = content[content.index("Our approach") : content.index("Strategic objectives")]
    pillars = content[content.index("Our pillars") :]
    assert "Strand 1" in approach
    assert "Pillar 1" not in approach
    assert "Pillar 1" in pillars
    assert "Strand 1" not in pillars
    assert ">Themes<" not in content
    # Printed words stand as printed; the product's own words say so.
    assert "We will do 1." in content
    assert "Summary in our words, not the document's:</span> Commitment 1.2 summed up" in content


@pytest.mark.django_db
def test_the_strategy_page_query_count_does_not_grow_with_what_it_holds(
    signed_in_client, django_assert_max_num_queries
):
    strategy = StrategyFactory(start_year="2015-16", end_year="2019-20")
    PlanYearFactory(year="2016-17", strategy=strategy)
    add_objective_with_commitments(strategy, 1)
    with django_assert_max_num_queries(12) as few:
        signed_in_client.get(f"/strategies/{strategy.pk}/")
    for n in range(2, 12):
        add_objective_with_commitments(strategy, n)
    PlanYearFactory(year="2017-18", strategy=strategy)
    with django_assert_max_num_queries(12) as many:
        response = signed_in_client.get(f"/strategies/{strategy.pk}/")
    assert response.content.decode().count("We will do ") == 11
    assert len(many.captured_queries) == len(few.captured_queries)
