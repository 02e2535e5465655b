"""Staff update their projects' milestones on the application's own pages: the update form, the
new-milestone form, who may use them, and no lost updates when two people edit at once."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.choices import PlanStatus
from plans.models import Milestone
from tests.plans.factories import (
    CorporateObjectiveFactory,
    MilestoneFactory,
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def person(group, username, first_name="", last_name=""):
    """A user in a group, signed in with force_login (no password, which is slow to hash)."""
    user = get_user_model().objects.create(
        username=username, first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def world(db):
    """A 2016-17 project with an owner (a director holding its role) and a member (staff), a
    colleague on another project, corporate services, and a closed year's project."""
    plan_year = PlanYearFactory(year="2016-17", status=PlanStatus.PUBLISHED)
    role = RoleFactory(title="Director of Policy")
    project = ProjectFactory(plan_year=plan_year, title="Growing Up Digital")
    project.owners.add(role)
    member = person("Staff", "sam", "Sam", "Jones")
    project.members.add(member)
    owner = person("Directors", "dana", "Dana", "Reid")
    role.holders.add(owner)
    milestone = MilestoneFactory(
        project=project, title="Report published", due_on=datetime.date(2016, 9, 30)
    )
    closed = ProjectFactory(plan_year=PlanYearFactory(year="2010-11", status=PlanStatus.CLOSED))
    closed.members.add(member)
    return {
        "plan_year": plan_year,
        "project": project,
        "milestone": milestone,
        "member": member,
        "owner": owner,
        "colleague": person("Staff", "kit", "Kit", "Ward"),
        "finance": person("Corporate services", "fin"),
        "closed_milestone": MilestoneFactory(project=closed, title="Closed year's step"),
    }


def update_url(milestone):
    return f"{milestone.project.get_absolute_url()}milestones/{milestone.pk}/update/"


def add_url(project):
    return f"{project.get_absolute_url()}milestones/add/"


def opened_version(client, url) -> str:
    content = client.get(url).content.decode()
    return re.search(r'name="record_version" value="([0-9a-f]+)"', content)[1]


def date_parts(name, day):
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def update_form(version, *, status="on track", completed_on=None, commentary="", **more):
    return {
        "record_version": version,
        "status": status,
        **date_parts("completed_on", completed_on),
        "commentary": commentary,
        **date_parts("revised_due_on", more.pop("revised_due_on", None)),
        "revision_reason": more.pop("revision_reason", ""),
        **more,
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_member_marks_a_milestone_done_and_the_history_says_who(client, world):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    version = opened_version(client, update_url(milestone))

    response = client.post(
        update_url(milestone),
        update_form(version, status="done", completed_on=datetime.date(2016, 10, 3)),
    )

    assert response.status_code == 302
    assert response["Location"] == milestone.project.get_absolute_url()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_on) == ("done", datetime.date(2016, 10, 3))
    assert milestone.history.first().history_user == world["member"]
    page = client.get(response["Location"]).content.decode()
    assert "Milestone “Report published” updated." in page
    assert "3 days late" in page


def test_a_completion_date_in_the_future_is_refused_with_the_error_summary_and_input_kept(
    client, world
):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    version = opened_version(client, update_url(milestone))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        update_url(milestone),
        update_form(version, status="done", completed_on=tomorrow, commentary="Sent to print"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in content
    assert '<a href="#id_completed_on_day">The completion date cannot be in the future.</a>' in (
        content
    )
    assert f'name="completed_on_year" type="text" inputmode="numeric" value="{tomorrow.year}"' in (
        content
    )
    assert "Sent to print</textarea>" in content
    assert 'value="done" checked' in content
    milestone.refresh_from_db()
    assert milestone.status == "on track"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"status": "done"}, "completed_on_day", "Enter the completion date, since the milestone"),
        (
            {"status": "done", "completed_on": datetime.date(2016, 3, 31)},
            "completed_on_day",
            "The completion date cannot be before the plan year starts (1 April 2016).",
        ),
        (
            {"status": "on track", "completed_on": datetime.date(2016, 5, 1)},
            "completed_on_day",
            "Remove the completion date, or choose done",
        ),
        ({"status": "at risk"}, "commentary", "Enter commentary saying why the milestone is at"),
        ({"status": "slipped"}, "commentary", "Enter commentary saying why the milestone is sl"),
        (
            {"revised_due_on": datetime.date(2016, 12, 31)},
            "revision_reason",
            "Enter the reason for the revised due date.",
        ),
        (
            {"revision_reason": "Printer delayed"},
            "revised_due_on_day",
            "Enter the revised due date, or remove the reason for it.",
        ),
        ({"completed_on_day": "31", "completed_on_month": "2"}, "completed_on_day", "must incl"),
        (
            {"completed_on_day": "31", "completed_on_month": "2", "completed_on_year": "2017"},
            "completed_on_day",
            "Completion date must be a real date.",
        ),
        ({"status": ""}, "status_0", "Choose the milestone&#x27;s status."),
    ],
)
def test_invalid_input_saves_nothing_and_the_summary_links_to_the_field(
    client, world, form, field, message
):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    version = opened_version(client, update_url(milestone))

    response = client.post(update_url(milestone), update_form(version, **form))

    content = response.content.decode()
    assert response.status_code == 200
    start = content.index("govuk-error-summary")
    summary = content[start : content.index("</ul>", start)]
    assert f'<a href="#id_{field}">' in summary
    assert message in summary
    assert f'id="id_{field}"' in content
    milestone.refresh_from_db()
    assert (milestone.status, milestone.revised_due_on, milestone.revision_reason) == (
        "on track",
        None,
        "",
    )


def test_a_revised_due_date_keeps_the_original_so_slippage_stays_visible(client, world):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    version = opened_version(client, update_url(milestone))

    client.post(
        update_url(milestone),
        update_form(
            version,
            status="slipped",
            commentary="Printer delayed",
            revised_due_on=datetime.date(2016, 12, 16),
            revision_reason="The printer could not take it until December",
        ),
    )

    milestone.refresh_from_db()
    assert milestone.due_on == datetime.date(2016, 9, 30)
    assert milestone.revised_due_on == datetime.date(2016, 12, 16)
    page = client.get(milestone.project.get_absolute_url()).content.decode()
    assert "30 Sep 2016" in page
    assert "16 Dec 2016" in page
    assert "1 milestone slipped" in page
    assert "Latest commentary:</span> Printer delayed" in page


def test_a_member_changes_only_progress_not_the_title_or_original_due_date(client, world):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    form_page = client.get(update_url(milestone)).content.decode()
    assert 'name="title"' not in form_page
    assert 'name="due_on_day"' not in form_page
    assert "30 September 2016" in form_page  # the original due date, shown and fixed

    client.post(
        update_url(milestone),
        update_form(
            opened_version(client, update_url(milestone)),
            title="Renamed",
            due_on_day="1",
            due_on_month="3",
            due_on_year="2017",
        ),
    )

    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("Report published", datetime.date(2016, 9, 30))


def test_an_owner_may_also_change_the_title_and_the_original_due_date(client, world):
    milestone = world["milestone"]
    signed_in(client, world["owner"])
    version = opened_version(client, update_url(milestone))

    response = client.post(
        update_url(milestone),
        update_form(
            version, title="Report launched", **date_parts("due_on", datetime.date(2016, 10, 31))
        ),
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("Report launched", datetime.date(2016, 10, 31))


def test_the_second_of_two_people_saving_is_refused_with_who_when_and_what_it_says_now(
    client, world
):
    """Two browsers open the same milestone; the first saves; the second is refused, told who
    changed it, when and what it now says, and keeps their input to apply again."""
    milestone = world["milestone"]
    first = signed_in(client, world["owner"])
    second = signed_in(Client(), world["member"])
    first_version = opened_version(first, update_url(milestone))
    second_version = opened_version(second, update_url(milestone))
    assert first_version == second_version

    first.post(
        update_url(milestone),
        update_form(
            first_version,
            status="at risk",
            commentary="Data sharing not agreed",
            title="Report published",
            **date_parts("due_on", milestone.due_on),
        ),
    )
    response = second.post(
        update_url(milestone),
        update_form(
            second_version,
            status="done",
            completed_on=datetime.date(2016, 10, 3),
            commentary="Published on the website",
        ),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes to this milestone after you opened it" in content
    saved_at = timezone.localtime(milestone.history.first().history_date)
    assert (
        f"The latest change was made by Dana Reid on {saved_at.day} {saved_at:%B %Y} at "
        f"{saved_at:%H:%M}." in content
    )
    assert "It now says: Status: At risk; Commentary: Data sharing not agreed." in content
    assert "Published on the website</textarea>" in content  # the second person's input, kept
    assert 'value="done" checked' in content
    milestone.refresh_from_db()
    assert (milestone.status, milestone.commentary) == ("at risk", "Data sharing not agreed")

    # Having read the change, they save again: the form now carries the version they were shown.
    new_version = re.search(r'name="record_version" value="([0-9a-f]+)"', content)[1]
    again = second.post(
        update_url(milestone),
        update_form(
            new_version,
            status="done",
            completed_on=datetime.date(2016, 10, 3),
            commentary="Published on the website",
        ),
    )
    assert again.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.commentary) == ("done", "Published on the website")


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("colleague", "Growing Up Digital is not one of them"),
        ("finance", "Your account lets you read milestones but not update them"),
    ],
)
def test_other_people_are_refused_with_a_page_that_says_why(client, world, who, says):
    milestone = world["milestone"]
    signed_in(client, world[who])

    for response in (
        client.get(update_url(milestone)),
        client.post(update_url(milestone), update_form("x", status="done")),
        client.get(add_url(milestone.project)),
    ):
        assert response.status_code == 403
        assert says in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "on track"


def test_a_closed_years_milestones_are_read_only_even_to_their_members(client, world):
    milestone = world["closed_milestone"]
    signed_in(client, world["member"])
    response = client.get(update_url(milestone))
    assert response.status_code == 403
    assert "2010-11 is closed: its records can no longer be changed." in response.content.decode()
    page = client.get(milestone.project.get_absolute_url()).content.decode()
    assert "/update/" not in page
    assert "Add a milestone" not in page


def test_directors_and_corporate_services_read_every_project_without_update_links(client, world):
    other = ProjectFactory(plan_year=world["plan_year"], title="Takeover Day")
    MilestoneFactory(project=other, title="Schools signed up")
    for reader in ("owner", "finance"):
        signed_in(client, world[reader])
        response = client.get(other.get_absolute_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert "Schools signed up" in content
        assert "/update/" not in content
        assert "Add a milestone" not in content


def test_the_project_page_offers_update_and_add_links_to_those_who_may(client, world):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    content = client.get(milestone.project.get_absolute_url()).content.decode()
    assert f'href="{update_url(milestone)}"' in content
    assert f'href="{add_url(milestone.project)}"' in content


def test_a_member_adds_a_milestone_to_their_project(client, world):
    project = world["project"]
    signed_in(client, world["member"])
    form_page = client.get(add_url(project)).content.decode()
    assert 'value="not started" checked' in form_page

    response = client.post(
        add_url(project),
        {
            "title": "Launch event held",
            **date_parts("due_on", datetime.date(2017, 1, 31)),
            "status": "not started",
            **date_parts("completed_on", None),
            "commentary": "",
        },
    )

    assert response.status_code == 302
    added = Milestone.objects.get(project=project, title="Launch event held")
    assert (added.due_on, added.status) == (datetime.date(2017, 1, 31), "not started")
    assert added.history.get().history_user == world["member"]


def test_a_new_milestone_needs_a_title_and_a_due_date(client, world):
    signed_in(client, world["member"])
    response = client.post(add_url(world["project"]), {"status": "not started"})
    content = response.content.decode()
    assert '<a href="#id_title">Enter the milestone&#x27;s title.</a>' in content
    assert '<a href="#id_due_on_day">Enter the original due date.</a>' in content
    assert Milestone.objects.filter(project=world["project"]).count() == 1


def test_the_project_page_lists_every_objective_the_overview_lists_it_under(client, world):
    project = world["project"]
    project.corporate_objectives.add(
        CorporateObjectiveFactory(plan_year=project.plan_year, ref="CO2"),
        CorporateObjectiveFactory(plan_year=project.plan_year, ref="EO1", kind="enabling"),
    )
    signed_in(client, world["member"])
    content = client.get(project.get_absolute_url()).content.decode()
    assert "Not linked to an objective" not in content
    assert "CO2, EO1" in content


def test_the_project_page_shows_each_milestones_history(client, world):
    milestone = world["milestone"]
    signed_in(client, world["member"])
    client.post(
        update_url(milestone),
        update_form(
            opened_version(client, update_url(milestone)),
            status="at risk",
            commentary="Waiting for data",
        ),
    )
    content = client.get(milestone.project.get_absolute_url()).content.decode()
    # Its latest change in the project's history, and a link to its own full history.
    assert "Milestone &quot;Report published&quot; changed" in content
    assert "<strong>Status</strong>: On track" in content
    full_history = reverse("history", args=["plans", "milestone", milestone.pk])
    assert f'href="{full_history}">History<span class="govuk-visually-hidden"> of Report' in content
    assert "by Sam Jones" in content  # the last update, in the table


def _changed_milestones(project, count, changes, users):
    for _ in range(count):
        milestone = MilestoneFactory(project=project)
        for change in range(changes):
            milestone.commentary = f"Update {change}"
            milestone._history_user = users[change % len(users)]
            milestone.save()
    return milestone


def _queries(client, url, django_assert_max_num_queries, most=25) -> int:
    client.get(url)  # the session and permissions settle
    with django_assert_max_num_queries(most) as captured:
        client.get(url)
    return len(captured.captured_queries)


def test_the_project_page_and_the_form_run_as_many_queries_for_many_milestones_and_changes(
    client, world, django_assert_max_num_queries
):
    users = [world["member"], world["owner"]]
    signed_in(client, world["member"])
    few = ProjectFactory(plan_year=world["plan_year"])
    few.members.add(world["member"])
    one = _changed_milestones(few, 1, 1, users)
    many = ProjectFactory(plan_year=world["plan_year"])
    many.members.add(world["member"])
    last = _changed_milestones(many, 12, 8, users)

    assert _queries(client, few.get_absolute_url(), django_assert_max_num_queries) == _queries(
        client, many.get_absolute_url(), django_assert_max_num_queries
    )
    assert _queries(client, update_url(one), django_assert_max_num_queries) == _queries(
        client, update_url(last), django_assert_max_num_queries
    )
