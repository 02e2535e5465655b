"""A page read again, with nothing changed, is answered from what was kept for that person; any
change to the records, by any route, is on the next page; another person, another day, a waiting
message or a session nearer its end is never shown a page kept for something else."""

import datetime
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import data_version
from core.sessions import RENEWED_AT
from plans.choices import MilestoneStatus
from plans.models import Milestone
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

# A kept page is answered after reading the session, the person and the records' version.
QUERIES_OF_A_KEPT_PAGE = 3


def staff_member(username):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Staff"))
    return user


def get(client, url):
    """The page's text and how many queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def milestone():
    return MilestoneFactory(
        project=ProjectFactory(plan_year=PlanYearFactory(year="2016-17")),
        title="Publish the annual report",
        due_on=datetime.date(2016, 9, 30),
    )


@pytest.fixture
def sam(client):
    sam = staff_member("sam")
    client.force_login(sam)
    return sam


def project_page(milestone):
    return milestone.project.get_absolute_url()


def test_a_page_read_again_is_the_same_page_answered_without_building_it(client, sam, milestone):
    first, first_queries = get(client, project_page(milestone))
    again, again_queries = get(client, project_page(milestone))

    assert "Publish the annual report" in first
    # The same page; the session's seconds left are those of the moment (a second fewer when
    # the clock has turned one since the first).
    assert without_the_moment(again) == without_the_moment(first)
    assert first_queries > 10
    assert again_queries == QUERIES_OF_A_KEPT_PAGE


def test_an_entry_screen_read_again_is_kept_too(client, milestone):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/plans/milestone/{milestone.pk}/change/"

    first, _ = get(client, url)
    again, again_queries = get(client, url)

    assert 'value="Publish the annual report"' in first
    assert again_queries == QUERIES_OF_A_KEPT_PAGE
    # The same page, but for the Content Security Policy nonce each response has its own of.
    assert without_the_moment(again) == without_the_moment(first)
    assert again != first


def without_the_moment(page):
    """The page without what each response writes afresh: its nonce and the session's seconds."""
    page = re.sub(r'data-idle-seconds="\d+"', 'data-idle-seconds=""', page)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', page)


def rename_with_a_bulk_update(milestone):
    # QuerySet.update() writes no audit history and sends no signal.
    Milestone.objects.filter(pk=milestone.pk).update(title="Renamed")


def rename_in_sql(milestone):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Milestone._meta.db_table} SET title = %s WHERE id = %s",
            ["Renamed", milestone.pk],
        )


def rename_with_a_save(milestone):
    milestone.title = "Renamed"
    milestone.save()


@pytest.mark.parametrize("rename", [rename_with_a_save, rename_with_a_bulk_update, rename_in_sql])
def test_a_change_by_any_route_is_on_the_next_page(client, sam, milestone, rename):
    get(client, project_page(milestone))
    get(client, project_page(milestone))

    rename(milestone)

    page, _ = get(client, project_page(milestone))
    assert "Renamed" in page


def test_a_change_made_through_the_entry_screens_is_on_the_next_page(client, milestone):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/plans/milestone/{milestone.pk}/change/"
    form, _ = get(client, url)
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="([^"]+)" value="([^"]*)"', form))
    fields.update(title="Renamed on the entry screen", due_on="30/09/2016")
    fields.update(
        {name: value for name, value in fields.items() if name.endswith("TOTAL_FORMS")},
        project=milestone.project.pk,
        status=MilestoneStatus.NOT_STARTED,
    )

    saved = client.post(url, fields)

    assert saved.status_code == 302, saved.content.decode()
    page, _ = get(client, url)
    assert 'value="Renamed on the entry screen"' in page


def test_another_person_is_never_shown_a_page_kept_for_someone_else(milestone):
    pages = {}
    for name in ("sam", "alex"):
        client = Client()
        client.force_login(staff_member(name))
        get(client, project_page(milestone))
        pages[name], queries = get(client, project_page(milestone))
        assert queries == QUERIES_OF_A_KEPT_PAGE

    assert "Sign out sam" in pages["sam"]
    assert "Sign out alex" in pages["alex"]
    assert "Sign out sam" not in pages["alex"]


def test_the_next_day_the_page_counts_again(client, sam, milestone, monkeypatch):
    milestone.project.members.add(sam)
    milestone.status = MilestoneStatus.ON_TRACK
    milestone.save()
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2016, 9, 30))
    on_the_day, _ = get(client, "/my-work/?year=2016-17")

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2016, 10, 1))
    next_day, queries = get(client, "/my-work/?year=2016-17")

    assert "0 milestones overdue" in on_the_day
    assert "1 milestone overdue" in next_day
    assert queries > QUERIES_OF_A_KEPT_PAGE


def test_a_waiting_message_is_shown_rather_than_the_kept_page(client, milestone):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = "/admin/plans/milestone/"
    get(client, changelist)
    deleted = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [milestone.pk], "post": "yes"},
    )
    assert deleted.status_code == 302

    page, _ = get(client, changelist)

    assert "Successfully deleted 1 milestone" in page
    assert "Publish the annual report" not in page


def test_a_kept_page_gives_the_seconds_the_session_has_now(client, sam, milestone):
    get(client, project_page(milestone))
    session = client.session
    session[RENEWED_AT] = int(time.time()) - 50
    session.save()

    page, queries = get(client, project_page(milestone))

    assert queries == QUERIES_OF_A_KEPT_PAGE
    # Thirty minutes less the 50 seconds since the renewal, and a second if the request
    # crossed into the next one.
    assert re.search(r'data-idle-seconds="17(50|49)"', page)


def test_the_forms_of_a_kept_page_are_accepted(milestone):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/plans/milestone/{milestone.pk}/delete/"
    client.get(url)
    page, queries = get(client, url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    deleted = client.post(url, {"post": "yes", "csrfmiddlewaretoken": token})

    assert queries == QUERIES_OF_A_KEPT_PAGE
    assert deleted.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_kept_page_carries_the_nonce_of_its_own_response(client, milestone):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.get("/admin/plans/milestone/")

    response = client.get("/admin/plans/milestone/")

    nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    policy = response["Content-Security-Policy"]
    assert all(f"'nonce-{nonce}'" in policy for nonce in nonces)


def test_a_kept_export_is_the_same_file_under_the_same_name(client):
    from tests.budgets.factories import BudgetLineFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    line = BudgetLineFactory()
    url = f"/plans/{line.budget.plan_year.year}/budget/lines.csv"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert len(queries) == QUERIES_OF_A_KEPT_PAGE
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]


class TestTheRecordsVersion:
    def test_every_table_but_the_sessions_and_sign_in_records_counts_its_writes(self):
        assert data_version.tables_without_trigger() == []
        tables = data_version.counted_tables(connection)
        assert {"plans_milestone", "plans_historicalmilestone", "auth_user_groups"} <= set(tables)
        assert "django_session" not in tables
        assert not any(table.startswith("axes_") for table in tables)

    def test_it_moves_with_a_write_and_not_with_a_rolled_back_one(self):
        before = data_version.version()
        with transaction.atomic():
            Group.objects.create(name="Never kept")
            transaction.set_rollback(True)
        unchanged = data_version.version()
        Group.objects.create(name="Kept")

        assert unchanged == before
        assert data_version.version() != before

    def test_many_rows_written_back_at_once_still_move_it(self):
        before = data_version.version()
        with data_version.counted_once():
            Group.objects.bulk_create([Group(name=f"Group {n}") for n in range(3)])

        assert data_version.version() != before

    def test_a_renewed_session_is_not_a_change(self, client, sam):
        before = data_version.version()
        session = client.session
        session[RENEWED_AT] = 0
        session.save()
        assert data_version.version() == before


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_each_server_process_counts_and_ended_ones_are_tidied(monkeypatch):
    from django.db import connections

    before = data_version.version()
    # A second connection is another server process.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("INSERT INTO auth_group (name) VALUES ('From another process')")
        moved = data_version.version()
    finally:
        other.close()
    monkeypatch.setattr(data_version, "MOST_COUNTS_KEPT", 0)
    data_version.version()  # removes the count of the process that has ended
    tidied = data_version.version()

    assert moved != before
    assert len(moved.split(";")) == len(before.split(";")) + 1
    assert tidied != moved
