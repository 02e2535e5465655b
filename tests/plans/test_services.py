"""Milestone writes: atomic, validated, recorded in the audit history with who made them, and
only within the person's rights."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from core.edit_conflicts import record_fingerprint
from plans import services
from plans.models import Milestone
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    user = get_user_model().objects.create(username="sam")
    user.groups.add(Group.objects.get(name="Staff"))
    return user


@pytest.fixture
def milestone(member):
    project = ProjectFactory(plan_year=PlanYearFactory(year="2016-17"))
    project.members.add(member)
    return MilestoneFactory(project=project, due_on=datetime.date(2016, 9, 30))


def update(milestone, user, **values):
    return services.milestone_update(
        milestone_pk=milestone.pk,
        user=user,
        version=record_fingerprint(milestone),
        values=values,
    )


def test_saving_a_milestone_unchanged_writes_nothing(milestone, member):
    before = milestone.history.count()
    update(milestone, member, status=milestone.status, commentary=milestone.commentary)
    assert milestone.history.count() == before


def test_a_member_may_not_change_what_was_planned(milestone, member):
    with pytest.raises(PermissionDenied, match="due_on, title"):
        update(milestone, member, title="Renamed", due_on=datetime.date(2017, 1, 1))
    milestone.refresh_from_db()
    assert milestone.due_on == datetime.date(2016, 9, 30)


def test_an_invalid_update_is_refused_and_leaves_the_milestone_as_it_was(milestone, member):
    with pytest.raises(ValidationError) as error:
        update(milestone, member, status="slipped", commentary="")
    assert "commentary" in error.value.message_dict
    assert Milestone.objects.get(pk=milestone.pk).status == "on track"


def test_a_new_milestone_is_recorded_with_who_added_it(milestone, member):
    added = services.milestone_create(
        project=milestone.project,
        user=member,
        values={"title": "Launch", "due_on": datetime.date(2017, 1, 31), "status": "not started"},
    )
    assert added.history.get().history_user == member
