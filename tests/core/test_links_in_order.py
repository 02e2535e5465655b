"""links_set_in_order, the one rule by which every route sets links that keep the order a
document prints them in (an indicator's owners, an objective's projects)."""

import pytest

from core.services import in_printed_order, links_set_in_order
from tests.kpis.factories import IndicatorFactory
from tests.plans.factories import RoleFactory

pytestmark = pytest.mark.django_db


def owners(indicator):
    roles = in_printed_order(indicator.owners.all(), link="indicator_links")
    return [role.title for role in roles]


def test_links_keep_the_order_given_not_the_alphabet():
    indicator = IndicatorFactory()
    participation = RoleFactory(title="Director of Participation")
    communications = RoleFactory(title="Director of Communications")

    assert links_set_in_order(indicator.owners, [participation, communications])

    assert owners(indicator) == ["Director of Participation", "Director of Communications"]


def test_reordering_adding_and_removing_links_is_one_change_and_the_history_sees_it():
    indicator = IndicatorFactory()
    policy, participation, communications = (
        RoleFactory(title=title)
        for title in ("Director of Policy", "Director of Participation", "Director of Comms")
    )
    links_set_in_order(indicator.owners, [policy, participation])
    versions = indicator.history.count()

    assert links_set_in_order(indicator.owners, [communications, participation])

    assert owners(indicator) == ["Director of Comms", "Director of Participation"]
    # One version as the policy director was removed, one as communications were added.
    assert indicator.history.count() == versions + 2
    latest = indicator.history.first()
    assert {row.role.title for row in latest.owners.all()} == {
        "Director of Comms",
        "Director of Participation",
    }


def test_the_same_links_in_the_same_order_change_nothing():
    indicator = IndicatorFactory()
    policy, participation = RoleFactory(), RoleFactory()
    links_set_in_order(indicator.owners, [policy, participation])
    versions = indicator.history.count()

    assert not links_set_in_order(indicator.owners, [policy, participation])
    assert indicator.history.count() == versions


def test_reordering_alone_adds_one_version_holding_the_new_order():
    """Positions are written to the link rows directly, which Django announces to no one:
    links_rewritten tells the audit history, as the entry screens' inline does."""
    indicator = IndicatorFactory()
    policy, participation = RoleFactory(), RoleFactory()
    links_set_in_order(indicator.owners, [policy, participation])
    versions = indicator.history.count()

    assert links_set_in_order(indicator.owners, [participation, policy])

    assert indicator.history.count() == versions + 1
    latest = indicator.history.first()
    assert {(row.role_id, row.position) for row in latest.owners.all()} == {
        (participation.pk, 1),
        (policy.pk, 2),
    }


def test_removing_one_link_and_reordering_the_rest_is_one_version_in_the_new_order():
    indicator = IndicatorFactory()
    policy, participation, communications = RoleFactory(), RoleFactory(), RoleFactory()
    links_set_in_order(indicator.owners, [policy, participation, communications])
    versions = indicator.history.count()

    assert links_set_in_order(indicator.owners, [communications, participation])

    # The positions are set before the removal, whose version therefore holds them.
    assert indicator.history.count() == versions + 1
    latest = indicator.history.first()
    assert {(row.role_id, row.position) for row in latest.owners.all()} == {
        (communications.pk, 1),
        (participation.pk, 2),
    }
