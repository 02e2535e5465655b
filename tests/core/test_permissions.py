"""The object-by-object rules: who may change which record, whatever screen, import or page asks."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from core import permissions
from plans.choices import PlanStatus
from plans.models import Project
from tests.plans.factories import (
    projects_and_people,
)

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
    return projects_and_people(user_in_group)


def test_the_people_on_a_project_are_its_owners_role_holders_and_its_members(world):
    owners_holders, members = permissions.PROJECT_WORKERS
    assert set(Project.objects.filter(**{owners_holders: world.director})) == {
        world.owned,
        world.closed,
    }
    assert set(Project.objects.filter(**{members: world.staff})) == {world.membered, world.closed}


def test_administrators_are_superusers_and_the_administrators_group(world):
    assert permissions.is_administrator(world.superuser)
    assert permissions.is_administrator(world.administrator)
    assert not permissions.is_administrator(world.director)
    world.administrator.is_active = False
    del world.administrator._is_administrator
    assert not permissions.is_administrator(world.administrator)
