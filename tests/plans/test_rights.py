"""The plans' rule of who may change a project's milestones and its recommendations' responses
(plans.rights): the people who work on a project update its milestones, its owners change what
was planned and record responses, in open years; administrators everything."""

import pytest

from plans.models import Project
from plans.rights import NO_MILESTONE_PERMISSION_MESSAGE, plan_rights
from tests.plans.factories import RoleFactory, projects_and_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, user_in_group):
    return projects_and_people(user_in_group)


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
        if plan_rights(user).milestones(project).may_update
    }
    offered = set(plan_rights(user).projects_for_milestones(Project.objects.all()))

    assert allowed == may_update
    assert offered == {projects[name] for name in may_update}


def test_a_project_owned_through_two_roles_is_offered_once(world):
    second_role = RoleFactory(title="Deputy Children's Commissioner")
    second_role.holders.add(world.director)
    world.owned.owners.add(second_role)
    world.owned.members.add(world.director)

    offered = list(plan_rights(world.director).projects_for_milestones(Project.objects.all()))

    assert offered == [world.owned]


def test_whoever_no_longer_holds_the_role_no_longer_updates_its_projects(world):
    world.owned.owners.get().holders.remove(world.director)

    assert not plan_rights(world.director).milestones(world.owned).may_update


def test_the_facts_are_one_query_and_the_rule_asks_none(world, django_assert_num_queries):
    projects = list(Project.objects.select_related("plan_year"))
    # The person's permissions and whether they administer are remembered on the user.
    plan_rights(world.staff)
    with django_assert_num_queries(1):
        rights = plan_rights(world.staff)
    with django_assert_num_queries(0):
        assert [rights.milestones(p).may_update for p in projects] == [
            p.pk == world.membered.pk for p in projects
        ]


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
        rights = plan_rights(user).milestones(project)
        assert rights.may_change_plan == (name in changes_the_plan_of)
        assert bool(rights.refusal) == (not rights.may_update)


def test_a_refusal_says_why(world):
    def refusal(user, project):
        return plan_rights(user).milestones(project).refusal

    assert "Young people's panel is not one of them" in refusal(world.staff, world.other)
    assert refusal(world.staff, world.closed) == (
        "2023-24 is closed: its records can no longer be changed."
    )
    assert refusal(world.finance, world.membered) == NO_MILESTONE_PERMISSION_MESSAGE


@pytest.mark.parametrize(
    ("who", "responds_for"),
    [
        ("staff", set()),
        ("director", {"owned"}),
        ("finance", set()),
        ("administrator", {"owned", "membered", "other", "closed"}),
    ],
)
def test_a_projects_owners_record_its_recommendations_responses_in_open_years(
    world, who, responds_for
):
    rights = plan_rights(getattr(world, who))
    for name in ("owned", "membered", "other", "closed"):
        project = Project.objects.select_related("plan_year").get(pk=getattr(world, name).pk)
        assert rights.may_respond(project) == (name in responds_for), name
    offered = set(rights.projects_for_recommendations(Project.objects.all()))
    assert offered == {getattr(world, name) for name in responds_for}
