"""The demo users, created only by load_demo: one per group, each holding what its work needs.
An existing account is never changed."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.services import ChangeCount
from plans.models import PlanYear, Project, Role

DEMO_USERS = [
    # username, group, holds these roles, superuser
    ("admin", "Administrators", [], True),
    ("director", "Directors", ["Director of Policy"], False),
    # Director of Participation: the owner the demo gives 2016-17's participation indicators.
    ("staff", "Staff", ["Director of Participation"], False),
    ("finance", "Corporate services", ["Director of Corporate Services"], False),
]
PROJECTS_PER_PLAN_FOR_STAFF = 3


class MissingGroup(Exception):
    """A group the data migration creates is not in the database."""


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or "demo"


def ensure_demo_users(changes: ChangeCount) -> dict:
    """Create the demo users that do not exist yet, with the demo password, and give each its
    group and roles.

    An account that already exists is never changed itself: not its password, nor whether it is
    active, staff or a superuser, so a real account that happens to share a demo name is not
    reset or reactivated. It is still put in its demo group and roles if it is not already.
    """
    User = get_user_model()
    users = {}
    for username, group_name, role_titles, superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        outcome = "unchanged"
        if user is None:
            user = User(username=username, is_staff=True, is_superuser=superuser, is_active=True)
            user.set_password(demo_password())
            user.save()
            outcome = "created"
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            raise MissingGroup(
                f"The group {group_name!r} is missing: it is created by the migrations "
                "(python manage.py migrate); a database flush removes it."
            )
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            outcome = outcome if outcome == "created" else "updated"
        for role in Role.objects.filter(title__in=role_titles):
            if not role.holders.filter(pk=user.pk).exists():
                role.holders.add(user)
                outcome = outcome if outcome == "created" else "updated"
        changes.add(User, outcome)
        users[username] = user
    _make_staff_a_project_member(users["staff"], changes)
    return users


def _make_staff_a_project_member(staff, changes: ChangeCount) -> None:
    """The staff user works on the first few projects of every annual plan."""
    for plan_year in PlanYear.objects.all():
        projects = Project.objects.filter(plan_year=plan_year).order_by("position")
        for project in projects[:PROJECTS_PER_PLAN_FOR_STAFF]:
            if not project.members.filter(pk=staff.pk).exists():
                project.members.add(staff)
                changes.add(Project, "updated")
