"""manage.py send_reminders: queue today's reminder digests of the quarterly cycle. Meant for a
daily cron job; safe to run more than once, and on several servers at once."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.reminders import reminders_send


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write it as 2026-07-21.") from None


class Command(BaseCommand):
    help = (
        "Queue each owner's reminder digest for the quarters whose reminder stage falls today "
        "(5 working days before the data-entry deadline, on it, 3 after). A task worker "
        "(manage.py db_worker) sends them. Each owner gets each stage once, however often "
        "this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        queued = reminders_send(today=today)
        for reminder in queued:
            self.stdout.write(
                f"Queued: Quarter {reminder.quarter} {reminder.plan_year.year}, "
                f"{reminder.get_stage_display().lower()} ({reminder.deadline:%d %B %Y}), "
                f"to {reminder.owner.get_username()} <{reminder.owner.email}>: {reminder.summary}"
            )
        self.stdout.write(f"{len(queued)} reminder(s) queued for {today:%d %B %Y}.")
