"""The entry screens show an objective's and an indicator's owners, and an objective's projects,
in the order the plan prints them, and keep the order a person gives them."""

import pytest

from core.services import in_printed_order, links_set_in_order
from tests.kpis.factories import IndicatorFactory
from tests.page_forms import PostForms, submit
from tests.plans.factories import CorporateObjectiveFactory, ProjectFactory, RoleFactory

pytestmark = pytest.mark.django_db


def titles(queryset, link):
    return [str(item) for item in in_printed_order(queryset, link=link)]


@pytest.fixture
def administrator(client, user_in_group):
    client.force_login(user_in_group("Administrators"))
    return client


def test_an_objectives_owners_are_shown_in_printed_order_and_reordered(administrator):
    objective = CorporateObjectiveFactory(ref="EO1")
    participation = RoleFactory(title="Director of Participation")
    communications = RoleFactory(title="Director of Communications")
    links_set_in_order(objective.owners, [participation, communications])
    url = f"/admin/plans/corporateobjective/{objective.pk}/change/"
    versions = objective.history.count()

    page = administrator.get(url).content.decode()
    # The inline's rows in printed order, not the alphabet's.
    assert page.index("Director of Participation") < page.index("Director of Communications")

    parser = PostForms()
    parser.feed(page)
    fields = next(f for f in parser.forms if "owner_links-0-position" in f["fields"])["fields"]
    first = fields["owner_links-0-role"]
    assert first == str(participation.pk)
    submit(
        administrator,
        url,
        {"owner_links-0-position": "2", "owner_links-1-position": "1"},
        field="owner_links-0-position",
    )

    assert titles(objective.owners.all(), "corporate_objective_links") == [
        "Director of Communications",
        "Director of Participation",
    ]
    # The audit history has a version with the links as they now stand.
    assert objective.history.count() == versions + 1
    latest = objective.history.first()
    assert {(row.role_id, row.position) for row in latest.owners.all()} == {
        (communications.pk, 1),
        (participation.pk, 2),
    }


def test_an_objectives_projects_are_listed_in_printed_order(administrator):
    objective = CorporateObjectiveFactory(ref="CO2")
    first = ProjectFactory(plan_year=objective.plan_year, title="Promoting positive citizens")
    last = ProjectFactory(plan_year=objective.plan_year, title="Achieving Hear by Right")
    links_set_in_order(objective.projects, [first, last])

    page = administrator.get(f"/admin/plans/corporateobjective/{objective.pk}/change/")

    text = page.content.decode()
    assert text.index("Promoting positive citizens") < text.index("Achieving Hear by Right")


def test_a_director_reads_an_indicators_owners_but_does_not_change_them(client, user_in_group):
    indicator = IndicatorFactory(ref="KPI1")
    policy = RoleFactory(title="Director of Policy")
    links_set_in_order(indicator.owners, [policy])
    director = user_in_group("Directors")
    policy.holders.add(director)
    client.force_login(director)

    page = client.get(f"/admin/kpis/indicator/{indicator.pk}/change/").content.decode()

    assert "Director of Policy" in page
    assert 'name="owner_links-0-position"' not in page
