"""A revised due date lies within its plan year's reach: from the day the plan year starts to the
end of the following plan year. The rule is the model's (Milestone.clean, which calls
plans.slippage), so every route that sets the date refuses one outside it with the same message:
the milestone page's form, the entry screens and the spreadsheet import."""

import datetime

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.edit_conflicts import FINGERPRINT_FIELD, record_fingerprint
from plans.choices import PlanStatus
from plans.models import Milestone
from plans.resources import MilestoneResource
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory, UserFactory
from tests.plans.test_milestone_pages import opened_version, update_form, update_url

pytestmark = pytest.mark.django_db

D = datetime.date
REFUSAL = (
    "The revised due date must be between 1 April 2016, when 2016-17 starts, and "
    "31 March 2018, when the following plan year ends."
)


@pytest.fixture
def milestone(db):
    """A milestone of 2016-17 due in December 2016."""
    project = ProjectFactory(
        plan_year=PlanYearFactory(year="2016-17", status=PlanStatus.PUBLISHED), title="Takeover"
    )
    return MilestoneFactory(project=project, title="Report published", due_on=D(2016, 12, 16))


@pytest.mark.parametrize(
    ("revised_due_on", "refused"),
    [(D(1990, 1, 1), True), (D(2016, 3, 31), True), (D(2018, 3, 31), False), (D(2018, 4, 1), True)],
)
def test_the_model_refuses_a_revised_due_date_outside_the_plan_years_reach(
    milestone, revised_due_on, refused
):
    milestone.revised_due_on = revised_due_on
    milestone.revision_reason = "Printer delayed"
    if refused:
        with pytest.raises(ValidationError) as raised:
            milestone.full_clean()
        assert raised.value.message_dict == {"revised_due_on": [REFUSAL]}
    else:
        milestone.full_clean()


def test_the_milestone_page_refuses_1_january_1990_on_the_field(client, milestone):
    member = get_user_model().objects.create(username="sam")
    member.groups.add(Group.objects.get(name="Staff"))
    milestone.project.members.add(member)
    client.force_login(member)
    version = opened_version(client, update_url(milestone))

    response = client.post(
        update_url(milestone),
        update_form(
            version,
            status="slipped",
            commentary="Printer delayed",
            revised_due_on=D(1990, 1, 1),
            revision_reason="Printer delayed",
        ),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_revised_due_on_day">{REFUSAL}</a>' in content
    assert Milestone.objects.get(pk=milestone.pk).revised_due_on is None


def test_the_entry_screen_refuses_1_january_1990(client, milestone):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    url = reverse("admin:plans_milestone_change", args=[milestone.pk])
    data = {
        "project": milestone.project_id,
        "title": milestone.title,
        "due_on": "2016-12-16",
        "revised_due_on": "1990-01-01",
        "revision_reason": "Printer delayed",
        "status": "slipped",
        "completed_on": "",
        "commentary": "Printer delayed",
        FINGERPRINT_FIELD: record_fingerprint(milestone),
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).revised_due_on is None
    data["revised_due_on"] = "2017-04-28"
    assert client.post(url, data).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).revised_due_on == D(2017, 4, 28)


def test_the_project_entry_screens_milestone_rows_refuse_1_january_1990(client, milestone):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    url = reverse("admin:plans_project_change", args=[milestone.project_id])
    data = _post_data(client.get(url))
    data["milestones-0-revised_due_on"] = "1990-01-01"
    data["milestones-0-revision_reason"] = "Printer delayed"

    response = client.post(url, data)

    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).revised_due_on is None


def _post_data(response) -> dict:
    """What the project's change page posts as it stands: its form's and inlines' fields."""
    data = {}
    for form in [
        response.context["adminform"].form,
        *(f for formset in response.context["inline_admin_formsets"] for f in formset.formset),
    ]:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[key] = [getattr(v, "pk", v) for v in value]
            elif isinstance(value, D):
                data[key] = value.isoformat()
            else:
                data[key] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_an_import_refuses_1_january_1990(milestone):
    sheet = tablib.Dataset(
        [
            milestone.pk,
            "2016-17",
            milestone.project.title,
            milestone.title,
            "2016-12-16",
            "1990-01-01",
            "Printer delayed",
            "slipped",
            "",
            "Printer delayed",
            "0",
        ],
        headers=[
            "id",
            "plan_year",
            "project",
            "title",
            "due_on",
            "revised_due_on",
            "revision_reason",
            "status",
            "completed_on",
            "commentary",
            "is_illustrative",
        ],
    )
    result = MilestoneResource().import_data(sheet, dry_run=True)
    assert result.has_validation_errors()
    assert result.invalid_rows[0].error_dict == {"revised_due_on": [REFUSAL]}
