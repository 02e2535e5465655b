"""Benchmark: send_reminders with 500 owners, each with three indicators missing their actuals.

Times queuing the 500 digests (claiming each ledger row and queuing its task, as the command
does), a second run on the same day (which queues nothing), and one task worker sending them
all (to Django's in-memory mail backend, so that the mail server's speed is left out).

Usage: DEBUG=on .venv/bin/python bench/send_reminders.py
Uses a throwaway SQLite file, or DATABASE_URL if set (point it at a new, empty database).
"""

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_tasks_db.management.commands.db_worker import Worker  # noqa: E402

from kpis.choices import IndicatorTier, Unit  # noqa: E402
from kpis.models import Indicator  # noqa: E402
from plans.choices import PlanStatus  # noqa: E402
from plans.models import PlanYear, Role  # noqa: E402
from plans.periods import Quarter  # noqa: E402
from reports.models import ReminderSent  # noqa: E402
from reports.reminders import default_provider, reminders_send  # noqa: E402

OWNERS = 500
INDICATORS_EACH = 3


def build():
    plan_year = PlanYear.objects.create(
        year="2025-26", title="Business Plan 2025-26", status=PlanStatus.PUBLISHED
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"owner{n}", email=f"owner{n}@example.org") for n in range(OWNERS)
    )
    roles = Role.objects.bulk_create(Role(title=f"Owner role {n}") for n in range(OWNERS))
    Role.holders.through.objects.bulk_create(
        Role.holders.through(role=role, user=user) for role, user in zip(roles, users, strict=True)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan_year=plan_year,
            ref=f"K{n}",
            title=f"Indicator {n}",
            tier=IndicatorTier.KEY,
            unit=Unit.COUNT,
            target_profile="even",  # bulk_create skips save(), which fills in the default
        )
        for n in range(OWNERS * INDICATORS_EACH)
    )
    Indicator.owners.through.objects.bulk_create(
        Indicator.owners.through(indicator=indicator, role=roles[n // INDICATORS_EACH])
        for n, indicator in enumerate(indicators)
    )
    return plan_year


def timed(label, run):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - started
    print(f"{label:52} {elapsed:6.2f} s {len(queries):6} queries")
    return result


def drain():
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    ).run()


if __name__ == "__main__":
    # Each task's start and end, logged at INFO, would bury the figures.
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    logging.getLogger("reports.reminders").setLevel(logging.WARNING)
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    plan_year = build()
    quarter = Quarter(plan_year.start, 1)
    due = default_provider().deadline(plan_year, quarter)[1]["due"]
    queued = timed(f"send_reminders, {OWNERS} owners (queued)", lambda: reminders_send(today=due))
    again = timed("send_reminders again the same day", lambda: reminders_send(today=due))
    with override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    ):
        mail.outbox = []
        timed(f"one worker sending the {len(queued)} digests", drain)
    sent = ReminderSent.objects.filter(sent_at__isnull=False).count()
    print(f"queued {len(queued)}, then {len(again)}; sent {sent}; emails {len(mail.outbox)}")
