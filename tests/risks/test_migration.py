"""The risk register migration keeps the risks already held: a risk's single likelihood and
impact become its inherent and its residual scores, its mitigation its current controls, and
every plan year gets the default risk appetite.

Migrating takes seconds, so the tests share one pass (the `registers` fixture), in a database
of their own, new and empty, as an older installation's would have been: it is migrated forward
to plans 0007, each test's register is written as the migration state of its test reads it (each
in a plan year of its own), the database goes forward, step by step, to the latest migration, and
each test checks what became of its own rows. (Taking the suite's test database back to plans
0007 and forward again costs twice as long: every later migration of every app is undone.) The
suite's test database is untouched, and is in use again after the last of these tests."""

import copy
import datetime
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from risks.models import MitigatingAction
from risks.models import Risk as RiskModel

pytestmark = pytest.mark.django_db

BEFORE = [("plans", "0007_milestone_updates")]
BEFORE_REVIEW_INTERVAL = [("plans", "0008_risk_register")]
BEFORE_MOVE = [("plans", "0009_plan_year_risk_review_interval")]
BEFORE_PRINTED_ORDER = [
    ("plans", "0012_printed_wording_of_aims_and_themes"),
    ("kpis", "0006_corporate_services_enter_their_indicators_actuals"),
]
REGISTER = ["Risk", "MitigatingAction", "HistoricalRisk", "HistoricalMitigatingAction"]
SCORED = dict.fromkeys(
    ["inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"], 3
)


def migrate(targets, state=None):
    """Migrate the test database to `targets`; the apps of the migration state reached (after
    the `state` migrations, where the targets name an app with none applied)."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(state or targets).apps


def rows(apps, app_label):
    """Every row of the register's four tables, as the migration state at hand reads them."""
    return {
        name: list(apps.get_model(app_label, name).objects.order_by("pk").values())
        for name in REGISTER
    }


@dataclass
class Registers:
    """What the tests need of the pass: the latest migration state, and what was noted before
    the move to the risks app."""

    apps: object
    strategic_risk_id: int  # the 2012-13 strategic risk, with history and an action
    rows_before_the_move: dict
    permissions_held_before_the_move: dict  # group name: codenames of its risk permissions
    links: dict  # the printed-order migrations' records: name: pk


@contextmanager
def a_new_empty_database(name_suffix="risk_migrations"):
    """The default connection, for the duration, to a new and empty database beside the test
    database (a file for SQLite, another database on the server for PostgreSQL), dropped after."""
    suite = connections["default"]
    settings_dict = copy.deepcopy(suite.settings_dict)
    if suite.vendor == "sqlite":
        settings_dict["NAME"] = f"file:{name_suffix}?mode=memory&cache=shared"
    else:
        settings_dict["NAME"] = f"{suite.settings_dict['NAME']}_{name_suffix}"
        with suite._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {settings_dict['NAME']}")
            cursor.execute(f"CREATE DATABASE {settings_dict['NAME']}")
    own = suite.__class__(settings_dict, alias=suite.alias)
    # An in-memory SQLite database lasts while a connection holds it: this one, until the end.
    own.ensure_connection()
    connections[suite.alias] = own
    ContentType.objects.clear_cache()  # the content types of the other database
    try:
        yield
    finally:
        connections[suite.alias] = suite
        ContentType.objects.clear_cache()
        if own.vendor == "sqlite":
            own.connection.close()  # Django's close() keeps an in-memory database open
        else:
            own.close()
            with suite._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {settings_dict['NAME']}")


@pytest.fixture(scope="module")
def registers(django_db_setup, django_db_blocker):
    """One pass from an empty database to plans 0007 and forward to the latest migration, each
    test's register written on the way at the migration state its test starts from. (The
    suite's test database is set up first, so that it is there to come back to.)"""
    with django_db_blocker.unblock(), a_new_empty_database():
        write_a_risk_with_one_score(migrate(BEFORE))
        write_risks_reviewed_with_and_without_a_next_review_date(migrate(BEFORE_REVIEW_INTERVAL))
        before_the_move = migrate(BEFORE_MOVE)
        assert "risks" not in {model._meta.app_label for model in before_the_move.get_models()}
        strategic_risk_id = write_a_register_with_actions_and_history(before_the_move)
        held = grant_risk_permissions(before_the_move)
        grant_on_content_types_of_the_risks_app(before_the_move)
        rows_before_the_move = rows(before_the_move, "plans")
        links = write_links_made_in_the_plans_order(migrate(BEFORE_PRINTED_ORDER))

        after = migrate(None)
        ContentType.objects.clear_cache()
        yield Registers(after, strategic_risk_id, rows_before_the_move, held, links)


def write_a_risk_with_one_score(old):
    """Plans 0007: a risk with one likelihood, one impact and a mitigation."""
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2010-11", title="Plan")
    old.get_model("plans", "Risk").objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Loss of key staff",
        likelihood=2,
        impact=5,
        mitigation="Succession plans",
        review_on=datetime.date(2010, 12, 1),
    )


def test_the_migration_keeps_each_risks_scores_and_mitigation(registers):
    new = registers.apps
    risk = new.get_model("risks", "Risk").objects.get(
        plan_year__year="2010-11", title="Loss of key staff"
    )
    assert (risk.inherent_likelihood, risk.inherent_impact) == (2, 5)
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 5)
    assert risk.current_controls == "Succession plans"
    assert risk.target_score is None
    assert new.get_model("plans", "PlanYear").objects.get(year="2010-11").risk_appetite == 15


def write_risks_reviewed_with_and_without_a_next_review_date(old):
    """Plans 0008: risks reviewed with a blank next review date, with one, and never reviewed."""
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2016-17", title="Plan")
    Risk = old.get_model("plans", "Risk")
    reviewed_at = datetime.datetime(2017, 1, 31, 10, tzinfo=datetime.UTC)
    Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Blanked",
        last_reviewed_at=reviewed_at,
        **SCORED,
    )
    Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Dated",
        last_reviewed_at=reviewed_at,
        review_on=datetime.date(2017, 6, 30),
        **SCORED,
    )
    Risk.objects.create(plan_year=plan_year, tier="strategic", title="Never reviewed", **SCORED)


def test_a_risk_reviewed_with_a_blank_next_review_date_gets_one_from_the_interval(registers):
    """The review interval's migration loses nothing: the blank date is filled, a month after
    the review (the register's default interval), and a date already set is kept."""
    new = registers.apps
    review_dates = dict(
        new.get_model("risks", "Risk")
        .objects.filter(plan_year__year="2016-17")
        .values_list("title", "review_on")
    )
    assert review_dates == {
        "Blanked": datetime.date(2017, 2, 28),
        "Dated": datetime.date(2017, 6, 30),
        "Never reviewed": None,
    }
    assert new.get_model("plans", "PlanYear").objects.get(year="2016-17").risk_review_months == 1


def write_a_register_with_actions_and_history(old) -> int:
    """Plans 0009, before the move: strategic and project risks, a mitigating action, and the
    audit history of both; the strategic risk's id."""
    user = old.get_model("auth", "User").objects.create(username="reviewer")
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2012-13", title="Plan")
    project = old.get_model("plans", "Project").objects.create(plan_year=plan_year, title="Inquiry")
    role = old.get_model("plans", "Role").objects.create(title="Director of Policy")
    Risk = old.get_model("plans", "Risk")
    HistoricalRisk = old.get_model("plans", "HistoricalRisk")
    HistoricalAction = old.get_model("plans", "HistoricalMitigatingAction")
    reviewed_at = datetime.datetime(2012, 11, 30, 9, 30, tzinfo=datetime.UTC)
    strategic = Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Loss of key staff",
        owner=role,
        review_on=datetime.date(2012, 12, 31),
        last_reviewed_at=reviewed_at,
        last_reviewed_by=user,
        review_note="Two leavers",
        **SCORED,
    )
    project_risk = Risk.objects.create(
        plan_year=plan_year, tier="project", project=project, title="Evidence slips", **SCORED
    )
    action = old.get_model("plans", "MitigatingAction").objects.create(
        risk=strategic,
        description="Succession plans",
        owner=role,
        due_on=datetime.date(2013, 1, 31),
    )
    for day, (risk, kind) in enumerate(
        [(strategic, "+"), (project_risk, "+"), (strategic, "~")], start=1
    ):
        fields = {
            field.attname: getattr(risk, field.attname) for field in Risk._meta.concrete_fields
        }
        HistoricalRisk.objects.create(
            **fields,
            history_date=datetime.datetime(2012, 10, day, tzinfo=datetime.UTC),
            history_type=kind,
            history_user=user,
            history_change_reason="Reviewed" if kind == "~" else None,
        )
    HistoricalAction.objects.create(
        id=action.pk,
        risk_id=strategic.pk,
        description=action.description,
        owner_id=role.pk,
        due_on=action.due_on,
        is_done=False,
        history_date=datetime.datetime(2012, 10, 2, tzinfo=datetime.UTC),
        history_type="+",
        history_user=user,
    )
    return strategic.pk


def test_the_move_to_the_risks_app_keeps_every_risk_action_and_history_row(registers):
    """Risks, their mitigating actions and the audit history of both, written while the register
    was part of plans, are all there after the move, unchanged and with the same ids, and a
    risk's history still belongs to it."""
    new = registers.apps
    before = registers.rows_before_the_move
    strategic_id = registers.strategic_risk_id

    assert rows(new, "risks") == before
    assert all(len(table) for table in before.values())
    history = new.get_model("risks", "HistoricalRisk").objects.filter(id=strategic_id)
    assert [row.history_type for row in history.order_by("history_date")] == ["+", "~"]
    actions = new.get_model("risks", "Risk").objects.get(pk=strategic_id).actions.all()
    assert [action.description for action in actions] == ["Succession plans"]
    # The real models read the same tables.
    assert set(
        RiskModel.objects.filter(plan_year__year="2012-13").values_list("title", flat=True)
    ) == {"Loss of key staff", "Evidence slips"}
    assert RiskModel.history.filter(id=strategic_id).count() == 2
    assert MitigatingAction.history.get().history_user.username == "reviewer"


def grant_risk_permissions(old) -> dict:
    """Plans 0009, before the move: a plans.*_risk permission granted to a new group and to one
    person; the risk permissions each group holds."""
    OldPermission = old.get_model("auth", "Permission")
    change_risk = OldPermission.objects.get(content_type__app_label="plans", codename="change_risk")
    granted = old.get_model("auth", "Group").objects.create(name="Risk reviewers")
    granted.permissions.add(
        change_risk,
        OldPermission.objects.get(
            content_type__app_label="plans", codename="view_mitigatingaction"
        ),
    )
    person = old.get_model("auth", "User").objects.create(username="alone")
    person.user_permissions.add(change_risk)
    return {
        name: set(
            old.get_model("auth", "Group")
            .objects.get(name=name)
            .permissions.filter(content_type__model__in=["risk", "mitigatingaction"])
            .values_list("codename", flat=True)
        )
        for name in ("Staff", "Directors", "Administrators", "Risk reviewers")
    }


def test_the_groups_and_people_who_could_change_risks_still_can_after_the_move(registers):
    """The plans.*_risk permissions the groups hold (plans 0002 and 0008) and any granted since
    become risks.*_risk: the same rows, relabelled, so every grant carries over."""
    held = registers.permissions_held_before_the_move
    assert "change_risk" in held["Directors"]

    for name, codenames in held.items():
        now = Group.objects.get(name=name).permissions.filter(
            content_type__model__in=["risk", "mitigatingaction"]
        )
        assert set(now.values_list("codename", flat=True)) == codenames
        assert set(now.values_list("content_type__app_label", flat=True)) == {"risks"}
    assert not Permission.objects.filter(
        content_type__app_label="plans",
        content_type__model__in=["risk", "mitigatingaction", "historicalrisk"],
    ).exists()
    User = get_user_model()
    director = User.objects.create(username="director")
    director.groups.add(Group.objects.get(name="Directors"))
    reviewer = User.objects.create(username="risk reviewer")
    reviewer.groups.add(Group.objects.get(name="Risk reviewers"))
    for someone in (director, reviewer, User.objects.get(username="alone")):
        someone = User.objects.get(pk=someone.pk)  # no permission cache
        assert someone.has_perm("risks.change_risk")
        assert not someone.has_perm("plans.change_risk")


def grant_on_content_types_of_the_risks_app(old):
    """Plans 0009, before the move, in a database migrated forward and back: the risks app's
    content type for risks is there already, with permissions of its own granted to a group."""
    ContentTypeState = old.get_model("contenttypes", "ContentType")
    PermissionState = old.get_model("auth", "Permission")
    early = ContentTypeState.objects.create(app_label="risks", model="risk")
    export = PermissionState.objects.create(
        content_type=early, codename="export_risk", name="Can export risks"
    )
    extra = PermissionState.objects.create(
        content_type=early, codename="review_risk", name="Can review risks"
    )
    group = old.get_model("auth", "Group").objects.create(name="Auditors")
    group.permissions.add(export, extra)
    group.permissions.add(
        PermissionState.objects.get(content_type__app_label="plans", codename="view_risk")
    )


def test_the_move_merges_grants_made_on_content_types_of_the_risks_app_already_there(registers):
    """A database migrated forward and back already holds the risks app's content types: the
    move keeps one of each, holding every grant of both."""
    ContentTypeState = registers.apps.get_model("contenttypes", "ContentType")
    assert ContentTypeState.objects.filter(model="risk").count() == 1
    held = Group.objects.get(name="Auditors").permissions.values_list(
        "content_type__app_label", "codename"
    )
    assert set(held) == {("risks", "export_risk"), ("risks", "review_risk"), ("risks", "view_risk")}


# ---------------------------------------------------------------------------------------------
# The printed-order migrations (plans 0013, kpis 0008), in the same pass: the links already held
# move to their link models, each with its place in the order the links were made, and so does
# the owners' audit history.
# ---------------------------------------------------------------------------------------------


def write_links_made_in_the_plans_order(old):
    """Plans 0012 and kpis 0006: an objective's owners and projects and an indicator's owners,
    linked in the order the plan prints them (not the alphabet's), and the owners' history."""
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2009-10", title="P")
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

    return {
        "objective": objective.pk,
        "indicator": indicator.pk,
        "participation": participation.pk,
        "communications": communications.pk,
        "network": network.pk,
        "advisory": advisory.pk,
    }


def test_an_objectives_owners_and_projects_keep_the_order_they_were_linked_in(registers):
    Owner = registers.apps.get_model("plans", "CorporateObjectiveOwner")
    Listed = registers.apps.get_model("plans", "CorporateObjectiveProject")
    owners = Owner.objects.filter(corporate_objective_id=registers.links["objective"])
    assert list(owners.order_by("position").values_list("role_id", "position")) == [
        (registers.links["participation"], 1),
        (registers.links["communications"], 2),
    ]
    listed = Listed.objects.filter(corporate_objective_id=registers.links["objective"])
    assert list(listed.order_by("position").values_list("project_id", "position")) == [
        (registers.links["network"], 1),
        (registers.links["advisory"], 2),
    ]


def test_an_indicators_owners_keep_their_order(registers):
    Owner = registers.apps.get_model("kpis", "IndicatorOwner")
    owners = Owner.objects.filter(indicator_id=registers.links["indicator"]).order_by("position")
    assert list(owners.values_list("role_id", "position", "is_illustrative")) == [
        (registers.links["participation"], 1, False),
        (registers.links["communications"], 2, False),
    ]


def test_the_owners_audit_history_is_kept(registers):
    History = registers.apps.get_model("plans", "HistoricalCorporateObjectiveOwner")
    rows = History.objects.filter(corporate_objective_id=registers.links["objective"])
    assert sorted(rows.values_list("role_id", "position")) == sorted(
        [(registers.links["participation"], 1), (registers.links["communications"], 2)]
    )
