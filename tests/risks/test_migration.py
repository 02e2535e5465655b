"""The risk register migration keeps the risks already held: a risk's single likelihood and
impact become its inherent and its residual scores, its mitigation its current controls, and
every plan year gets the default risk appetite."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("plans", "0007_milestone_updates")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_each_risks_scores_and_mitigation():
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    risk = new.get_model("risks", "Risk").objects.get(title="Loss of key staff")
    assert (risk.inherent_likelihood, risk.inherent_impact) == (2, 5)
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 5)
    assert risk.current_controls == "Succession plans"
    assert risk.target_score is None
    assert new.get_model("plans", "PlanYear").objects.get(year="2010-11").risk_appetite == 15


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_risk_reviewed_with_a_blank_next_review_date_gets_one_from_the_interval():
    """The review interval's migration loses nothing: the blank date is filled, a month after
    the review (the register's default interval), and a date already set is kept."""
    before = [("plans", "0008_risk_register")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2016-17", title="Plan")
    Risk = old.get_model("plans", "Risk")
    scores = dict.fromkeys(
        ["inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"], 3
    )
    reviewed_at = datetime.datetime(2017, 1, 31, 10, tzinfo=datetime.UTC)
    Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Blanked",
        last_reviewed_at=reviewed_at,
        **scores,
    )
    Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Dated",
        last_reviewed_at=reviewed_at,
        review_on=datetime.date(2017, 6, 30),
        **scores,
    )
    Risk.objects.create(plan_year=plan_year, tier="strategic", title="Never reviewed", **scores)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    review_dates = dict(new.get_model("risks", "Risk").objects.values_list("title", "review_on"))
    assert review_dates == {
        "Blanked": datetime.date(2017, 2, 28),
        "Dated": datetime.date(2017, 6, 30),
        "Never reviewed": None,
    }
    assert new.get_model("plans", "PlanYear").objects.get().risk_review_months == 1


BEFORE_MOVE = [("plans", "0009_plan_year_risk_review_interval")]
#: Back to before the move: the risks app's migrations unapplied too.
MOVE = [*BEFORE_MOVE, ("risks", None)]
REGISTER = ["Risk", "MitigatingAction", "HistoricalRisk", "HistoricalMitigatingAction"]


def rows(apps, app_label):
    """Every row of the register's four tables, as the migration state at hand reads them."""
    return {
        name: list(apps.get_model(app_label, name).objects.order_by("pk").values())
        for name in REGISTER
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_to_the_risks_app_keeps_every_risk_action_and_history_row():
    """Risks, their mitigating actions and the audit history of both, written while the register
    was part of plans, are all there after the move, unchanged and with the same ids, and a
    risk's history still belongs to it."""
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(MOVE)
    old = executor.loader.project_state(BEFORE_MOVE).apps
    assert "risks" not in {model._meta.app_label for model in old.get_models()}
    user = old.get_model("auth", "User").objects.create(username="reviewer")
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2012-13", title="Plan")
    project = old.get_model("plans", "Project").objects.create(plan_year=plan_year, title="Inquiry")
    role = old.get_model("plans", "Role").objects.create(title="Director of Policy")
    scores = dict.fromkeys(
        ["inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"], 3
    )
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
        **scores,
    )
    project_risk = Risk.objects.create(
        plan_year=plan_year, tier="project", project=project, title="Evidence slips", **scores
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
    before = rows(old, "plans")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps

    assert rows(new, "risks") == before
    assert all(len(table) for table in before.values())
    history = new.get_model("risks", "HistoricalRisk").objects.filter(id=strategic.pk)
    assert [row.history_type for row in history.order_by("history_date")] == ["+", "~"]
    actions = new.get_model("risks", "Risk").objects.get(pk=strategic.pk).actions.all()
    assert [action.description for action in actions] == ["Succession plans"]
    # The real models read the same tables.
    from risks.models import MitigatingAction
    from risks.models import Risk as RiskModel

    assert set(RiskModel.objects.values_list("title", flat=True)) == {
        "Loss of key staff",
        "Evidence slips",
    }
    assert RiskModel.history.filter(id=strategic.pk).count() == 2
    assert MitigatingAction.history.get().history_user.username == "reviewer"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_groups_and_people_who_could_change_risks_still_can_after_the_move():
    """The plans.*_risk permissions the groups hold (plans 0002 and 0008) and any granted since
    become risks.*_risk: the same rows, relabelled, so every grant carries over."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(MOVE)
    old = executor.loader.project_state(BEFORE_MOVE).apps
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
    held = {
        name: set(
            old.get_model("auth", "Group")
            .objects.get(name=name)
            .permissions.filter(content_type__model__in=["risk", "mitigatingaction"])
            .values_list("codename", flat=True)
        )
        for name in ("Staff", "Directors", "Administrators", "Risk reviewers")
    }
    assert "change_risk" in held["Directors"]

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    ContentType.objects.clear_cache()

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
    reviewer = User.objects.create(username="reviewer")
    reviewer.groups.add(Group.objects.get(name="Risk reviewers"))
    for someone in (director, reviewer, User.objects.get(username="alone")):
        someone = User.objects.get(pk=someone.pk)  # no permission cache
        assert someone.has_perm("risks.change_risk")
        assert not someone.has_perm("plans.change_risk")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_merges_grants_made_on_content_types_of_the_risks_app_already_there():
    """A database migrated forward and back already holds the risks app's content types: the
    move keeps one of each, holding every grant of both."""
    from django.contrib.auth.models import Group

    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(MOVE)
    old = executor.loader.project_state(BEFORE_MOVE).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    assert ContentTypeState.objects.filter(model="risk").count() == 1
    held = Group.objects.get(name="Auditors").permissions.values_list(
        "content_type__app_label", "codename"
    )
    assert set(held) == {("risks", "export_risk"), ("risks", "review_risk"), ("risks", "view_risk")}
