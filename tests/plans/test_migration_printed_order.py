"""The printed-order migrations (plans 0013, kpis 0007) keep the links already held: an
objective's owners and projects and an indicator's owners move to their link models, each with
its place in the order the links were made, and so does their audit history.

One pass, in a new and empty database of its own (as tests/risks/test_migration.py explains):
migrated to the state before, links written as that state reads them, then forward to the
latest migration."""

from dataclasses import dataclass

import pytest

from tests.risks.test_migration import a_new_empty_database, migrate

pytestmark = pytest.mark.django_db

BEFORE = [
    ("plans", "0012_printed_wording_of_aims_and_themes"),
    ("kpis", "0006_corporate_services_enter_their_indicators_actuals"),
]


@dataclass
class Moved:
    apps: object
    objective_id: int
    indicator_id: int
    roles: dict  # title: pk
    projects: dict  # title: pk


@pytest.fixture(scope="module")
def moved(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), a_new_empty_database("printed_order_migrations"):
        old = migrate(BEFORE)
        plan_year = old.get_model("plans", "PlanYear").objects.create(year="2010-11", title="P")
        Role = old.get_model("plans", "Role")
        # Made in the plan's order, which is not the alphabet's.
        participation = Role.objects.create(title="Director of Participation")
        communications = Role.objects.create(title="Director of Communications")
        objective = old.get_model("plans", "CorporateObjective").objects.create(
            plan_year=plan_year, ref="EO1", kind="enabling", aim="Promote children's views."
        )
        Owners = objective.owners.through
        links = [
            Owners.objects.create(corporateobjective=objective, role=role)
            for role in (participation, communications)
        ]
        Project = old.get_model("plans", "Project")
        network = Project.objects.create(plan_year=plan_year, title="Network")
        advisory = Project.objects.create(plan_year=plan_year, title="Advisory Group")
        Listed = Project.corporate_objectives.through
        Listed.objects.create(project=network, corporateobjective=objective)
        Listed.objects.create(project=advisory, corporateobjective=objective)
        version = old.get_model("plans", "HistoricalCorporateObjective").objects.create(
            id=objective.pk,
            plan_year_id=plan_year.pk,
            ref="EO1",
            kind="enabling",
            aim="Promote children's views.",
            position=0,
            history_date="2011-01-10T12:00Z",
            history_type="+",
        )
        OldHistory = old.get_model("plans", "HistoricalCorporateObjective_owners")
        for link in links:
            OldHistory.objects.create(
                id=link.pk, corporateobjective=objective, role_id=link.role_id, history=version
            )
        indicator = old.get_model("kpis", "Indicator").objects.create(
            plan_year=plan_year, ref="KPI1", title="Children engaged", tier="key", unit="count"
        )
        indicator.owners.through.objects.create(indicator=indicator, role=participation)
        indicator.owners.through.objects.create(indicator=indicator, role=communications)

        new = migrate(None)
        yield Moved(
            new,
            objective.pk,
            indicator.pk,
            {"participation": participation.pk, "communications": communications.pk},
            {"network": network.pk, "advisory": advisory.pk},
        )


def test_an_objectives_owners_and_projects_keep_the_order_they_were_linked_in(moved):
    Owner = moved.apps.get_model("plans", "CorporateObjectiveOwner")
    Listed = moved.apps.get_model("plans", "CorporateObjectiveProject")
    owners = Owner.objects.filter(corporate_objective_id=moved.objective_id)
    assert list(owners.order_by("position").values_list("role_id", "position")) == [
        (moved.roles["participation"], 1),
        (moved.roles["communications"], 2),
    ]
    listed = Listed.objects.filter(corporate_objective_id=moved.objective_id)
    assert list(listed.order_by("position").values_list("project_id", "position")) == [
        (moved.projects["network"], 1),
        (moved.projects["advisory"], 2),
    ]


def test_an_indicators_owners_keep_their_order(moved):
    Owner = moved.apps.get_model("kpis", "IndicatorOwner")
    owners = Owner.objects.filter(indicator_id=moved.indicator_id).order_by("position")
    assert list(owners.values_list("role_id", "position", "is_illustrative")) == [
        (moved.roles["participation"], 1, False),
        (moved.roles["communications"], 2, False),
    ]


def test_the_owners_audit_history_is_kept(moved):
    History = moved.apps.get_model("plans", "HistoricalCorporateObjectiveOwner")
    rows = History.objects.filter(corporate_objective_id=moved.objective_id)
    assert sorted(rows.values_list("role_id", "position")) == sorted(
        [(moved.roles["participation"], 1), (moved.roles["communications"], 2)]
    )
