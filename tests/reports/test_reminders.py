"""Reminders of the quarterly cycle: one digest per owner per stage, only to owners with
something missing, never twice (run after run, or at once on PostgreSQL), through the task
worker, and retried when the mail server fails.

Most tests give `reminders_send` a provider built from factory data: quarter 1 of 2025-26 (ended
Monday 30 June 2025), its deadline Monday 21 July 2025, reminded on Monday 14 July (5 working
days before), on the day, and on Thursday 24 July (3 working days after)."""

import datetime
import logging
import threading
from dataclasses import dataclass, field
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from plans.choices import PlanStatus
from plans.models import QuarterSignOff
from reports import reminders
from reports.choices import ReminderStage
from reports.models import ReminderSent
from tests.plans.factories import PlanYearFactory, UserFactory

D = datetime.date
DEADLINE = D(2025, 7, 21)
BEFORE, ON_THE_DAY, AFTER = D(2025, 7, 14), D(2025, 7, 21), D(2025, 7, 24)
SITE = "https://plans.example.org"


@dataclass(frozen=True)
class Item:
    kind: str
    label: str
    url: str


@dataclass
class OwnerList:
    owner: object
    items: list = field(default_factory=list)

    def summary(self):
        kinds = {}
        for item in self.items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        return ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in kinds.items())


class Cycle:
    """The provider: quarter 1's deadline and stage days as above, and the owners' lists given."""

    def __init__(self, owners):
        self.owners = owners
        self.listed = 0

    def deadline(self, plan_year, quarter):
        if quarter.number != 1:
            return D(2099, 1, 1), {}
        return DEADLINE, {
            ReminderStage.BEFORE: BEFORE,
            ReminderStage.DUE: ON_THE_DAY,
            ReminderStage.OVERDUE: AFTER,
        }

    def owner_lists(self, plan_year, quarter):
        self.listed += 1
        return self.owners


@pytest.fixture
def people(db):
    """Two owners with things missing and one with nothing, in 2025-26."""
    plan_year = PlanYearFactory(year="2025-26")
    ann = UserFactory(username="ann", first_name="Ann", last_name="Owen", email="ann@example.org")
    bob = UserFactory(username="bob", email="bob@example.org")
    cat = UserFactory(username="cat", email="cat@example.org")
    lists = [
        OwnerList(
            ann,
            [
                Item("actual", "KPI1 Children consulted", "/plans/2025-26/indicators/KPI1/"),
                Item("actual", "KPI4 Visits", "/plans/2025-26/indicators/KPI4/"),
                Item("corrective action", "KPI2 Reports", "/reports/2025-26/explain/i/7/"),
            ],
        ),
        OwnerList(bob, [Item("actual", "KPI9 Spend", "/plans/2025-26/indicators/KPI9/")]),
        OwnerList(cat, []),
    ]
    return SimpleNamespace(plan_year=plan_year, ann=ann, bob=bob, cat=cat, lists=lists)


@pytest.fixture
def at_once(tasks_backend):
    tasks_backend("immediate")


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


@override_settings(SITE_URL=SITE)
def test_each_owner_with_something_missing_gets_one_digest_and_a_ledger_row(people, at_once):
    lists = people.lists

    queued = reminders.reminders_send(today=BEFORE, owners_missing=Cycle(lists))

    assert sent_to() == ["ann@example.org", "bob@example.org"]
    assert sorted((r.owner.username, r.stage) for r in queued) == [
        ("ann", "before"),
        ("bob", "before"),
    ]
    rows = ReminderSent.objects.order_by("owner__username")
    assert [(r.owner.username, r.quarter, r.stage, r.deadline) for r in rows] == [
        ("ann", 1, "before", DEADLINE),
        ("bob", 1, "before", DEADLINE),
    ]
    assert all(r.sent_at is not None and r.attempts == 1 and not r.last_error for r in rows)


def test_an_owner_with_nothing_missing_gets_no_email_and_no_ledger_row(people, at_once):
    cat, lists = people.cat, people.lists

    reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists))

    assert "cat@example.org" not in sent_to()
    assert not ReminderSent.objects.filter(owner=cat).exists()


def test_running_twice_on_the_same_day_sends_each_owner_one_email(people, at_once):
    lists = people.lists

    first = reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists))
    second = reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists))

    assert len(first) == 2
    assert second == []
    assert sent_to() == ["ann@example.org", "bob@example.org"]
    assert ReminderSent.objects.count() == 2


def test_each_stage_is_sent_once_on_its_own_day_and_on_no_other(people, at_once):
    lists = people.lists
    cycle = Cycle([lists[1]])

    for day in [D(2025, 7, 11), BEFORE, D(2025, 7, 15), ON_THE_DAY, AFTER, AFTER, D(2025, 7, 25)]:
        reminders.reminders_send(today=day, owners_missing=cycle)

    assert [m.subject for m in mail.outbox] == [
        "Quarter 1 2025-26: 1 actual due by Monday 21 July",
        "Quarter 1 2025-26: 1 actual due today, Monday 21 July",
        "Quarter 1 2025-26: 1 actual overdue since Monday 21 July",
    ]
    # Who has what missing is worked out only on the three days a stage falls.
    assert cycle.listed == 4


def test_a_signed_off_quarter_sends_no_reminders(people, at_once):
    plan_year, ann, lists = people.plan_year, people.ann, people.lists
    QuarterSignOff.objects.create(plan_year=plan_year, quarter=1, signed_off_by=ann)

    assert reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists)) == []
    assert mail.outbox == []


def test_a_closed_years_owners_are_not_reminded(people, at_once):
    people.plan_year.status = PlanStatus.CLOSED
    people.plan_year.save()

    assert reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(people.lists)) == []
    assert mail.outbox == []


def test_a_reopened_quarter_is_reminded_again(people, at_once):
    plan_year, ann, lists = people.plan_year, people.ann, people.lists
    QuarterSignOff.objects.create(
        plan_year=plan_year,
        quarter=1,
        signed_off_by=ann,
        reopened_by=ann,
        reopened_at=datetime.datetime(2025, 7, 10, tzinfo=datetime.UTC),
        reopen_reason="KPI4 was wrong",
    )

    reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists))

    assert sent_to() == ["ann@example.org", "bob@example.org"]


def test_an_owner_without_an_email_address_is_logged_not_sent(people, at_once, caplog):
    bob, lists = people.bob, people.lists
    bob.email = ""
    bob.save()

    with caplog.at_level(logging.WARNING, logger="reports.reminders"):
        reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists))

    assert sent_to() == ["ann@example.org"]
    assert "No due reminder for Quarter 1 2025-26, bob: they have no email address" in caplog.text


@override_settings(SITE_URL=SITE, DEFAULT_FROM_EMAIL="plans@example.org")
def test_the_digest_lists_only_that_owners_items_with_links_in_text_and_html(people, at_once):
    lists = people.lists

    reminders.reminders_send(today=BEFORE, owners_missing=Cycle(lists))

    digest = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    assert digest.from_email == "plans@example.org"
    assert digest.subject == (
        "Quarter 1 2025-26: 2 actuals, 1 corrective action due by Monday 21 July"
    )
    text = digest.body
    assert text.startswith("Ann Owen,\n\nQuarter 1 2025-26: you have 2 actuals, 1 corrective")
    kpi1 = "https://plans.example.org/plans/2025-26/indicators/KPI1/"
    assert f"- KPI1 Children consulted\n  {kpi1}" in text
    assert "- KPI4 Visits\n  https://plans.example.org/plans/2025-26/indicators/KPI4/" in text
    assert "https://plans.example.org/reports/2025-26/explain/i/7/" in text
    assert "https://plans.example.org/my-work/" in text
    [(html, mimetype)] = digest.alternatives
    assert mimetype == "text/html"
    assert (
        '<a href="https://plans.example.org/plans/2025-26/indicators/KPI1/">'
        "KPI1 Children consulted</a>"
    ) in html
    assert '<a href="https://plans.example.org/my-work/">My work</a>' in html
    for part in (text, html):
        assert "KPI9" not in part
        assert part.count("https://plans.example.org/plans/") == 2


def test_a_failed_send_is_logged_and_tried_again(people, at_once, monkeypatch, caplog):
    lists = people.lists
    send = EmailMultiAlternatives.send
    failures = []

    def fails_first_time(message, *args, **kwargs):
        if not failures:
            failures.append(message.to)
            raise ConnectionRefusedError("mail server down")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", fails_first_time)

    with caplog.at_level(logging.WARNING, logger="reports.tasks"):
        reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle([lists[1]]))

    assert failures == [["bob@example.org"]]
    assert sent_to() == ["bob@example.org"]
    row = ReminderSent.objects.get()
    assert (row.attempts, row.last_error) == (2, "")
    assert row.sent_at is not None
    assert "failed (attempt 1 of 5); trying again in 0:10:00: ConnectionRefusedError" in caplog.text


@override_settings(REMINDER_MAX_ATTEMPTS=3)
def test_a_send_that_keeps_failing_stops_after_the_last_attempt_with_an_error(
    people, at_once, monkeypatch, caplog
):
    lists = people.lists

    def always_fails(message, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", always_fails)

    with caplog.at_level(logging.WARNING, logger="reports.tasks"):
        reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle([lists[1]]))

    row = ReminderSent.objects.get()
    assert (row.attempts, row.sent_at) == (3, None)
    assert row.last_error == "ConnectionRefusedError: mail server down"
    errors = [r for r in caplog.records if r.name == "reports.tasks" and r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        f"Sending reminder {row.pk} to bob@example.org failed 3 times; giving up: "
        "ConnectionRefusedError: mail server down"
    ]
    # A second run does not start the failed reminder again: the ledger has it.
    assert reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle([lists[1]])) == []


# --- Through the database queue and its worker ---------------------------------------------------


def run_the_worker():
    """What `manage.py db_worker --batch` runs: every task ready now, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_reminders_wait_in_the_database_until_a_worker_sends_them(people, tasks_backend):
    tasks_backend("database")
    lists = people.lists

    reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle(lists))

    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 2
    assert not ReminderSent.objects.filter(sent_at__isnull=False).exists()

    run_the_worker()

    assert sent_to() == ["ann@example.org", "bob@example.org"]
    assert ReminderSent.objects.filter(sent_at__isnull=False).count() == 2
    assert {task.status for task in DBTaskResult.objects.all()} == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_a_failure_under_the_worker_is_queued_again_for_later(
    people, tasks_backend, monkeypatch, caplog
):
    tasks_backend("database")
    lists = people.lists
    send = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", lambda *a, **k: 1 / 0)
    reminders.reminders_send(today=ON_THE_DAY, owners_missing=Cycle([lists[1]]))

    with caplog.at_level(logging.WARNING, logger="reports.tasks"):
        run_the_worker()

    assert mail.outbox == []
    row = ReminderSent.objects.get()
    assert (row.attempts, row.last_error) == (1, "ZeroDivisionError: division by zero")
    failed, waiting = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED"
    assert waiting.status == "READY"
    assert waiting.run_after - failed.finished_at >= datetime.timedelta(minutes=9)
    assert "trying again in 0:10:00" in caplog.text

    # Ten minutes later the mail server answers again.
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=failed.finished_at)
    run_the_worker()

    assert sent_to() == ["bob@example.org"]
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.sent_at is not None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_four_runs_at_once_send_each_owner_one_email_per_stage(people, at_once, monkeypatch):
    """Four threads, each with its own database connection, all past checking who has been
    reminded already before any claims a reminder: the unique constraint lets one claim of each
    stand, and the others queue nothing."""
    runs = 4
    all_checked = threading.Barrier(runs, timeout=20)
    claim = reminders._claim_and_queue
    waited = threading.local()

    def claim_once_all_have_checked(*args, **kwargs):
        if not getattr(waited, "once", False):
            waited.once = True
            all_checked.wait()
        return claim(*args, **kwargs)

    monkeypatch.setattr(reminders, "_claim_and_queue", claim_once_all_have_checked)
    queued = [None] * runs

    def run(n):
        try:
            cycle = Cycle(people.lists)
            queued[n] = reminders.reminders_send(today=ON_THE_DAY, owners_missing=cycle)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(len(q) for q in queued) == 2
    assert sent_to() == ["ann@example.org", "bob@example.org"]
    assert sorted(ReminderSent.objects.values_list("owner__username", "stage")) == [
        ("ann", "due"),
        ("bob", "due"),
    ]


# --- The command ----------------------------------------------------------------------------------


def test_the_command_says_what_it_queued(people, at_once, monkeypatch):
    lists = people.lists
    monkeypatch.setattr(reminders, "default_provider", lambda: Cycle(lists))
    out = StringIO()

    call_command("send_reminders", "--date", "2025-07-24", stdout=out)

    assert out.getvalue().splitlines() == [
        "Queued: Quarter 1 2025-26, after the deadline (21 July 2025), to ann <ann@example.org>: "
        "2 actuals, 1 corrective action",
        "Queued: Quarter 1 2025-26, after the deadline (21 July 2025), to bob <bob@example.org>: "
        "1 actual",
        "2 reminder(s) queued for 24 July 2025.",
    ]


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="'21/07/2025' is not a date: write it as"):
        call_command("send_reminders", "--date", "21/07/2025")


# --- The ledger's entry screen ----------------------------------------------------------------


def test_administrators_read_the_ledger_and_nobody_changes_it(client, people, user_in_group):
    row = ReminderSent.objects.create(
        plan_year=people.plan_year,
        quarter=1,
        owner=people.bob,
        stage=ReminderStage.DUE,
        deadline=DEADLINE,
        summary="1 actual",
        attempts=2,
        last_error="ConnectionRefusedError: mail server down",
    )
    change = reverse("admin:reports_remindersent_change", args=[row.pk])

    client.force_login(user_in_group("Directors"))
    assert client.get(reverse("admin:reports_remindersent_changelist")).status_code == 403

    client.force_login(user_in_group("Administrators"))
    listing = client.get(reverse("admin:reports_remindersent_changelist"))
    assert listing.status_code == 200
    assert "1 actual" in listing.content.decode()
    page = client.get(change).content.decode()
    assert "ConnectionRefusedError: mail server down" in page
    assert 'name="_save"' not in page
    assert client.post(change, {"summary": "nothing"}).status_code == 403
    assert client.get(reverse("admin:reports_remindersent_add")).status_code == 403


def test_the_ledger_list_reads_the_same_number_of_queries_for_2_rows_as_for_12(
    client, people, user_in_group, django_assert_max_num_queries
):
    def add_rows(n):
        for _ in range(n):
            ReminderSent.objects.create(
                plan_year=people.plan_year,
                quarter=1,
                owner=UserFactory(email="someone@example.org"),
                stage=ReminderStage.DUE,
                deadline=DEADLINE,
                summary="1 actual",
            )

    client.force_login(user_in_group("Administrators"))
    url = reverse("admin:reports_remindersent_changelist")
    add_rows(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_rows(10)
    with django_assert_max_num_queries(30) as many:
        assert client.get(url).context["cl"].result_count == 12
    assert len(many.captured_queries) == len(few.captured_queries)
