"""The object-by-object rules: who may change which record, whatever screen, import or page asks."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from core import permissions
from plans.choices import PlanStatus
from plans.models import Project
from tests.plans.factories import PlanYearFactory, ProjectFactory, RoleFactory, UserFactory

# --- Without a database -----------------------------------------------------------------------


def test_the_closed_plan_year_is_the_plans_apps_closed_status():
    assert permissions.CLOSED_PLAN_YEAR == {"status": PlanStatus.CLOSED}


def test_a_record_finds_its_plan_year_along_its_path():
    year = SimpleNamespace(year="2010-11", status="closed")
    milestone = SimpleNamespace(project=SimpleNamespace(plan_year=year))

    assert permissions.plan_year_of(milestone, "project__plan_year") is year
    assert permissions.plan_year_of(year, "") is year
    assert permissions.in_closed_year(milestone, "project__plan_year")


@pytest.mark.parametrize(
    ("record", "closed"),
    [
        (SimpleNamespace(plan_year=SimpleNamespace(status="closed")), True),
        (SimpleNamespace(plan_year=SimpleNamespace(status="published")), False),
        (SimpleNamespace(plan_year=SimpleNamespace(status="draft")), False),
        # A theme of a strategy belongs to no plan year, so no year closes it.
        (SimpleNamespace(plan_year=None), False),
    ],
)
def test_only_a_closed_plan_year_locks_its_records(record, closed):
    assert permissions.in_closed_year(record, "plan_year") is closed


def test_an_anonymous_visitor_is_no_administrator():
    assert not permissions.is_administrator(AnonymousUser())


# --- With a database --------------------------------------------------------------------------


@pytest.fixture
def world(db, user_in_group):
    open_year = PlanYearFactory(year="2024-25", status=PlanStatus.PUBLISHED)
    closed_year = PlanYearFactory(year="2023-24", status=PlanStatus.CLOSED)
    policy = RoleFactory(title="Director of Policy")
    w = SimpleNamespace(
        staff=user_in_group("Staff"),
        director=user_in_group("Directors"),
        finance=user_in_group("Corporate services"),
        administrator=user_in_group("Administrators"),
        superuser=UserFactory(is_staff=True, is_superuser=True),
        owned=ProjectFactory(plan_year=open_year, title="Takeover Day"),
        membered=ProjectFactory(plan_year=open_year, title="Children's voices"),
        other=ProjectFactory(plan_year=open_year, title="Young people's panel"),
        closed=ProjectFactory(plan_year=closed_year, title="Takeover Day"),
    )
    policy.holders.add(w.director)
    w.owned.owners.add(policy)
    w.closed.owners.add(policy)
    w.membered.members.add(w.staff, w.finance)
    w.closed.members.add(w.staff)
    return w


def test_the_people_on_a_project_are_its_owners_role_holders_and_its_members(world):
    owners_holders, members = permissions.PROJECT_WORKERS
    assert set(Project.objects.filter(**{owners_holders: world.director})) == {
        world.owned,
        world.closed,
    }
    assert set(Project.objects.filter(**{members: world.staff})) == {world.membered, world.closed}


@pytest.mark.parametrize(
    ("who", "may_update"),
    [
        ("staff", {"membered"}),
        ("director", {"owned"}),
        # Corporate services hold no permission to change milestones at all.
        ("finance", set()),
        ("administrator", {"owned", "membered", "other", "closed"}),
        ("superuser", {"owned", "membered", "other", "closed"}),
    ],
)
def test_people_update_the_milestones_of_their_own_projects_in_open_years(world, who, may_update):
    user = getattr(world, who)
    projects = {name: getattr(world, name) for name in ("owned", "membered", "other", "closed")}

    allowed = {
        name
        for name, project in projects.items()
        if permissions.can_change_milestone(user, project)
    }
    offered = set(permissions.projects_for_milestones(user, Project.objects.all()))

    assert allowed == may_update
    assert offered == {projects[name] for name in may_update}


def test_a_project_owned_through_two_roles_is_offered_once(world):
    second_role = RoleFactory(title="Deputy Children's Commissioner")
    second_role.holders.add(world.director)
    world.owned.owners.add(second_role)
    world.owned.members.add(world.director)

    offered = list(permissions.projects_for_milestones(world.director, Project.objects.all()))

    assert offered == [world.owned]


def test_whoever_no_longer_holds_the_role_no_longer_updates_its_projects(world):
    world.owned.owners.get().holders.remove(world.director)

    assert not permissions.can_change_milestone(world.director, world.owned)


def test_administrators_are_superusers_and_the_administrators_group(world):
    assert permissions.is_administrator(world.superuser)
    assert permissions.is_administrator(world.administrator)
    assert not permissions.is_administrator(world.director)
    world.administrator.is_active = False
    del world.administrator._is_administrator
    assert not permissions.is_administrator(world.administrator)


def test_after_the_first_a_milestone_check_is_one_query(world, django_assert_num_queries):
    projects = Project.objects.select_related("plan_year")
    # The person's permissions and whether they administer are remembered on the user.
    assert permissions.can_change_milestone(world.staff, projects.get(pk=world.membered.pk))
    for project in projects.filter(pk__in=[world.other.pk, world.membered.pk]):
        with django_assert_num_queries(1):
            permissions.can_change_milestone(world.staff, project)


@pytest.mark.parametrize(
    ("who", "changes_the_plan_of"),
    [
        ("staff", set()),
        ("director", {"owned"}),
        ("finance", set()),
        ("administrator", {"owned", "membered", "other", "closed"}),
    ],
)
def test_milestone_rights_agree_with_the_rule_and_only_owners_change_what_was_planned(
    world, who, changes_the_plan_of
):
    user = getattr(world, who)
    for name in ("owned", "membered", "other", "closed"):
        project = Project.objects.select_related("plan_year").get(pk=getattr(world, name).pk)
        rights = permissions.milestone_rights(user, project)
        assert rights.may_update == permissions.can_change_milestone(user, project)
        assert rights.may_change_plan == (name in changes_the_plan_of)
        assert bool(rights.refusal) == (not rights.may_update)


def test_a_refusal_says_why(world):
    def refusal(user, project):
        return permissions.milestone_rights(user, project).refusal

    assert "Young people's panel is not one of them" in refusal(world.staff, world.other)
    assert refusal(world.staff, world.closed) == (
        "2023-24 is closed: its records can no longer be changed."
    )
    assert refusal(world.finance, world.membered) == permissions.NO_MILESTONE_PERMISSION_MESSAGE


def test_after_the_first_milestone_rights_are_one_query(world, django_assert_num_queries):
    project = Project.objects.select_related("plan_year").get(pk=world.owned.pk)
    permissions.milestone_rights(world.director, project)
    with django_assert_num_queries(1):
        assert permissions.milestone_rights(world.director, project).may_change_plan
