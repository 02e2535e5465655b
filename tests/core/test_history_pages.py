"""A record's page shows the latest change of each of its records, in queries that do not grow
with the history; the full history page lists every change, 50 to a page, to those who may read
the records."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Milestone, Project
from tests.budgets import factories as budget_factories
from tests.plans import factories as plan_factories

# 2 May 2012 is in British Summer Time: the pages show 09:00 UTC as 10:00.
MAY = datetime.datetime(2012, 5, 2, 9, 0, tzinfo=datetime.UTC)


def dated(record, *minutes):
    """Date the record's historical rows, oldest first, `minutes` after 09:00 UTC on 2 May 2012,
    as if they had been written then."""
    rows = type(record).history.filter(id=record.pk).order_by("history_id")
    assert rows.count() == len(minutes)
    for row, minute in zip(rows, minutes, strict=True):
        rows.filter(history_id=row.history_id).update(
            history_date=MAY + datetime.timedelta(minutes=minute)
        )


def change(record, user, **values):
    for name, value in values.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


@pytest.fixture
def takeover_day(db, user_in_group):
    """A project created with its owner by the system, whose milestone a director then marked
    slipped and another director gave a commentary."""
    grace = user_in_group("Directors", first_name="Grace", last_name="Hopper")
    ada = user_in_group("Directors", first_name="Ada", last_name="Lovelace")
    project = plan_factories.ProjectFactory(title="Takeover Day")
    project.owners.set([plan_factories.RoleFactory(title="Director of Policy")])
    # The project's two rows, the project and its owners, 5 seconds apart: one change.
    dated(project, 0, 1 / 12)
    milestone = plan_factories.MilestoneFactory(project=project, title="Report published")
    change(milestone, grace, status="slipped")
    change(milestone, ada, commentary="Venue booked")
    dated(milestone, 1, 60, 150)
    return project, milestone, grace, ada


def rows_of(content: str) -> list[str]:
    """The text of each body row of the page's tables."""
    bodies = re.findall(r'<tbody class="govuk-table__body">(.*?)</tbody>', content, re.S)
    rows = [row for body in bodies for row in re.findall(r"<tr.*?</tr>", body, re.S)]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_the_project_page_shows_the_latest_change_of_the_project_and_of_each_milestone(
    client, takeover_day
):
    project, milestone, grace, _ = takeover_day
    client.force_login(grace)
    content = client.get(project.get_absolute_url()).content.decode()
    history = content[content.index("History of this project and its milestones") :]
    assert rows_of(history)[:2] == [
        # The milestone's latest change: Ada's commentary at 11:30 UTC, 12:30 BST.
        '2 May 2012, 12:30 Ada Lovelace Milestone "Report published" changed '
        "Commentary : (blank) changed to → Venue booked",
        # The project's creation and its owner, written 5 seconds apart by the system.
        "2 May 2012, 10:00 system Created",
    ]
    # Before the milestone's latest change: its creation and Grace's status; none before the
    # project's: 2 earlier changes.
    url = reverse("history", args=["plans", "project", project.pk])
    assert f'2 earlier changes &mdash; <a class="govuk-link" href="{url}">' in history
    # The milestone's row: last updated by Ada, 3 changes in its own history.
    milestone_url = reverse("history", args=["plans", "milestone", milestone.pk])
    assert "2 May 2012 by Ada Lovelace" in content
    assert f'<a class="govuk-link" href="{milestone_url}">History' in content
    assert "(3 changes)" in content


def test_the_full_history_of_a_project_lists_every_change_of_it_and_its_milestones_newest_first(
    client, takeover_day
):
    project, _, grace, _ = takeover_day
    client.force_login(grace)
    response = client.get(reverse("history", args=["plans", "project", project.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="govuk-heading-xl">History of Takeover Day (2010-11)</h1>' in content
    assert rows_of(content) == [
        '2 May 2012, 12:30 Ada Lovelace Milestone "Report published" changed '
        "Commentary : (blank) changed to → Venue booked",
        '2 May 2012, 11:00 Grace Hopper Milestone "Report published" changed '
        "Status : On track changed to → Slipped",
        '2 May 2012, 10:01 system Milestone "Report published" created',
        "2 May 2012, 10:00 system Created",
    ]
    assert f'href="{project.get_absolute_url()}"' in content  # Back to the project.


def test_the_full_history_of_a_milestone_leads_back_to_its_project(client, takeover_day):
    project, milestone, grace, _ = takeover_day
    client.force_login(grace)
    content = client.get(reverse("history", args=["plans", "milestone", milestone.pk])).content
    assert len(rows_of(content.decode())) == 3
    assert f'href="{project.get_absolute_url()}"' in content.decode()


@pytest.mark.django_db
def test_the_full_history_shows_50_changes_a_page(signed_in_client):
    plan_year = plan_factories.PlanYearFactory()
    for number in range(50):
        plan_year.title = f"Business Plan {number}"
        plan_year.save()
    url = reverse("history", args=["plans", "planyear", plan_year.pk])
    # Created, then renamed 50 times: 51 changes, 50 on the first page and 1 on the second.
    first = signed_in_client.get(url).content.decode()
    assert len(rows_of(first)) == 50
    assert "Showing 1 to 50 of 51 changes." in first
    assert rows_of(first)[0].endswith("Business Plan 48 changed to → Business Plan 49")
    assert 'href="?page=2"' in first
    second = signed_in_client.get(url, {"page": "2"}).content.decode()
    assert len(rows_of(second)) == 1
    assert rows_of(second)[0].endswith(" system Created")
    assert "Showing 51 to 51 of 51 changes." in second


@pytest.mark.django_db
def test_the_full_history_refuses_someone_without_the_view_permission(client, user_in_group):
    """Staff do not read budget lines; someone in no group reads nothing."""
    line = budget_factories.BudgetLineFactory()
    client.force_login(user_in_group("Staff"))
    response = client.get(reverse("history", args=["budgets", "budgetline", line.pk]))
    assert response.status_code == 403
    assert "You do not have permission to read budget lines." in response.content.decode()

    project = plan_factories.ProjectFactory()
    client.force_login(plan_factories.UserFactory())
    response = client.get(reverse("history", args=["plans", "project", project.pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_full_history_sends_someone_signed_out_to_sign_in(client):
    project = plan_factories.ProjectFactory()
    url = reverse("history", args=["plans", "project", project.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
def test_the_full_history_of_no_such_record_or_kind_is_not_found(signed_in_client):
    assert signed_in_client.get("/history/plans/project/999999/").status_code == 404
    assert signed_in_client.get("/history/plans/nothing/1/").status_code == 404


def queries_of(client, url) -> int:
    client.get(url)  # Whatever is read once per process is read now.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def project_changed(times: int) -> Project:
    """A project and its two milestones, each changed `times` times. (Besides one query per
    table, a page reads one per kind of related record its latest changes name: here none.)"""
    project = plan_factories.ProjectFactory()
    milestones = plan_factories.MilestoneFactory.create_batch(2, project=project)
    for number in range(times):
        project.title = f"Project {project.pk}, version {number}"
        project.save()
        for milestone in milestones:
            milestone.commentary = f"Update {number}"
            milestone.save()
    return project


@pytest.mark.django_db
def test_the_project_page_reads_as_many_queries_for_20_changes_as_for_2(signed_in_client):
    few, many = project_changed(2), project_changed(20)
    assert Milestone.history.filter(project_id=many.pk).count() == 2 * 21
    assert queries_of(signed_in_client, many.get_absolute_url()) == queries_of(
        signed_in_client, few.get_absolute_url()
    )


@pytest.mark.django_db
def test_the_full_history_page_reads_as_many_queries_for_20_changes_as_for_2(signed_in_client):
    few, many = project_changed(2), project_changed(20)
    assert queries_of(
        signed_in_client, reverse("history", args=["plans", "project", many.pk])
    ) == queries_of(signed_in_client, reverse("history", args=["plans", "project", few.pk]))
