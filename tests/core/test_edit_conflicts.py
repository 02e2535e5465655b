"""Two people editing the same record in the entry screens never silently overwrite each other."""

import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.edit_conflicts import (
    EDIT_CONFLICT_MESSAGE,
    EditConflictError,
    check_version,
    record_fingerprint,
)
from plans.models import Milestone
from tests.plans.factories import MilestoneFactory, ProjectFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def opened_version(client, url) -> str:
    """The record version the change form carries, as a person's browser would hold it."""
    content = client.get(url).content.decode()
    return re.search(r'name="record_version" value="([0-9a-f]+)"', content)[1]


def milestone_form(milestone, version, **changes):
    data = {
        "project": milestone.project_id,
        "title": milestone.title,
        "due_on": milestone.due_on.isoformat(),
        "status": milestone.status,
        "completed_on": "",
        "commentary": milestone.commentary,
        "record_version": version,
    }
    return {**data, **changes}


@pytest.fixture
def administrator(client, user_in_group):
    client.force_login(user_in_group("Administrators"))
    return client


def test_a_save_over_someone_elses_newer_change_is_refused(administrator):
    milestone = MilestoneFactory(title="Report drafted", commentary="")
    url = reverse("admin:plans_milestone_change", args=[milestone.pk])
    version = opened_version(administrator, url)
    # Meanwhile a colleague marks it at risk.
    Milestone.objects.filter(pk=milestone.pk).update(status="at risk", commentary="Delayed")

    response = administrator.post(url, milestone_form(milestone, version, title="Report sent"))

    assert response.status_code == 200
    assert EDIT_CONFLICT_MESSAGE in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.title, milestone.status, milestone.commentary) == (
        "Report drafted",
        "at risk",
        "Delayed",
    )


def test_a_save_of_an_unchanged_record_goes_through(administrator):
    milestone = MilestoneFactory(title="Report drafted")
    url = reverse("admin:plans_milestone_change", args=[milestone.pk])
    version = opened_version(administrator, url)

    response = administrator.post(url, milestone_form(milestone, version, title="Report sent"))

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "Report sent"


def test_a_form_without_the_version_is_refused(administrator):
    milestone = MilestoneFactory()
    url = reverse("admin:plans_milestone_change", args=[milestone.pk])
    response = administrator.post(url, milestone_form(milestone, ""))
    assert EDIT_CONFLICT_MESSAGE in response.content.decode()


def test_the_fingerprint_changes_with_any_value_or_link():
    project = ProjectFactory()
    before = record_fingerprint(project)
    project.owners.add(RoleFactory())
    after_link = record_fingerprint(project)
    project.goals = "New goals"
    after_value = record_fingerprint(project)
    assert len({before, after_link, after_value}) == 3


def project_form_with_milestone(project, milestone, version, **changes):
    """The project change form as posted, with its one milestone row."""
    row = {
        "milestones-0-id": milestone.pk,
        "milestones-0-project": project.pk,
        "milestones-0-title": milestone.title,
        "milestones-0-due_on": milestone.due_on.isoformat(),
        "milestones-0-status": milestone.status,
        "milestones-0-completed_on": "",
        "milestones-0-commentary": milestone.commentary,
        "milestones-0-record_version": version,
    }
    row.update({f"milestones-0-{name}": value for name, value in changes.items()})
    management = {}
    for prefix, total in [("tolerances", 0), ("milestones", 1), ("recommendations", 0)]:
        management.update(
            {
                f"{prefix}-TOTAL_FORMS": total,
                f"{prefix}-INITIAL_FORMS": total,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return {
        "plan_year": project.plan_year_id,
        "title": project.title,
        "ref": "",
        "position": project.position,
        "record_version": record_fingerprint(project),
        **management,
        **row,
    }


def test_a_changed_milestone_row_under_its_project_is_refused_if_someone_changed_it(
    administrator,
):
    milestone = MilestoneFactory(title="Evidence gathered", commentary="")
    project = milestone.project
    old_version = record_fingerprint(milestone)
    Milestone.objects.filter(pk=milestone.pk).update(commentary="Colleague's update")
    url = reverse("admin:plans_project_change", args=[project.pk])

    response = administrator.post(
        url, project_form_with_milestone(project, milestone, old_version, status="slipped")
    )

    assert response.status_code == 200
    assert EDIT_CONFLICT_MESSAGE in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.commentary) == ("on track", "Colleague's update")


def test_a_milestone_row_left_alone_does_not_block_saving_the_project(administrator):
    milestone = MilestoneFactory(title="Evidence gathered", commentary="")
    project = milestone.project
    old_version = record_fingerprint(milestone)
    Milestone.objects.filter(pk=milestone.pk).update(commentary="Colleague's update")
    url = reverse("admin:plans_project_change", args=[project.pk])
    form = project_form_with_milestone(
        project, milestone, old_version, commentary="Colleague's update"
    )
    form["goals"] = "Reduce exclusions"

    response = administrator.post(url, form)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.goals == "Reduce exclusions"


# --- What a refused person is told, from the audit history ------------------------------------


def test_a_refusal_names_who_changed_the_record_when_and_what_it_now_says(db):
    colleague = UserFactory(username="dana", first_name="Dana", last_name="Reid")
    milestone = MilestoneFactory(title="Report drafted", commentary="")
    opened = record_fingerprint(milestone)
    milestone.status, milestone.commentary = "at risk", "Printer delayed"
    milestone._history_user = colleague
    milestone.save()
    saved_at = timezone.localtime(milestone.history.first().history_date)

    with pytest.raises(EditConflictError) as refused, transaction.atomic():
        check_version(Milestone.objects.all(), milestone.pk, opened, fields=["status"])

    conflict = refused.value.conflict
    assert (conflict.who, conflict.when) == ("Dana Reid", milestone.history.first().history_date)
    assert conflict.now_says == (("Status", "At risk"), ("Commentary", "Printer delayed"))
    assert conflict.describe() == (
        f"The latest change was made by Dana Reid on {saved_at.day} {saved_at:%B %Y} at "
        f"{saved_at:%H:%M}. It now says: Status: At risk; Commentary: Printer delayed."
    )
    assert refused.value.current.commentary == "Printer delayed"


def test_the_version_opened_passes_and_the_record_comes_back_locked(db):
    milestone = MilestoneFactory()
    with transaction.atomic():
        current = check_version(
            Milestone.objects.all(), milestone.pk, record_fingerprint(milestone)
        )
    assert current == milestone


def test_without_a_change_in_the_history_the_refusal_gives_the_forms_fields_as_they_are(db):
    milestone = MilestoneFactory(title="Report drafted")
    opened = record_fingerprint(milestone)
    Milestone.objects.filter(pk=milestone.pk).update(commentary="Changed past the history")

    with pytest.raises(EditConflictError) as refused, transaction.atomic():
        check_version(Milestone.objects.all(), milestone.pk, opened, fields=["commentary"])

    assert refused.value.conflict.now_says == (("Commentary", "Changed past the history"),)


def test_the_entry_screens_say_who_changed_the_record_too(administrator):
    colleague = UserFactory(username="kit", first_name="Kit", last_name="Ward")
    milestone = MilestoneFactory(title="Report drafted", commentary="")
    url = reverse("admin:plans_milestone_change", args=[milestone.pk])
    version = opened_version(administrator, url)
    milestone.commentary = "Colleague's update"
    milestone._history_user = colleague
    milestone.save()

    response = administrator.post(url, milestone_form(milestone, version, title="Report sent"))

    content = response.content.decode()
    assert EDIT_CONFLICT_MESSAGE in content
    assert "The latest change was made by Kit Ward on " in content
    assert "It now says: Commentary: Colleague&#x27;s update." in content
