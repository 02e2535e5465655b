"""Background tasks of the reports app, run by a task worker (`manage.py db_worker`)."""

import datetime
import logging

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from reports.models import ReminderSent
from reports.reminders import reminder_digest

logger = logging.getLogger(__name__)


@task
def send_reminder(*, reminder_id: int) -> str:
    """Send one reminder digest, and record on its ledger row when it went, or how it failed.

    A failure (the mail server down or refusing) is logged and tried again: the task queues
    itself anew, REMINDER_RETRY_MINUTES later for each attempt so far, until
    REMINDER_MAX_ATTEMPTS have failed; then it logs an error and stops. Each attempt's count and
    the last error stay on the row for the administrators' ledger screen."""
    reminder = (
        ReminderSent.objects.select_related("owner", "plan_year").filter(pk=reminder_id).first()
    )
    if reminder is None:
        return "no such reminder"
    if reminder.sent_at is not None:
        return "already sent"
    try:
        reminder_digest(reminder).send()
    except Exception as error:
        reminder.attempts += 1
        reminder.last_error = f"{type(error).__name__}: {error}"
        reminder.save(update_fields=["attempts", "last_error"])
        if reminder.attempts < settings.REMINDER_MAX_ATTEMPTS:
            wait = datetime.timedelta(minutes=settings.REMINDER_RETRY_MINUTES * reminder.attempts)
            logger.warning(
                "Sending reminder %s to %s failed (attempt %d of %d); trying again in %s: %s",
                reminder.pk,
                reminder.owner.email,
                reminder.attempts,
                settings.REMINDER_MAX_ATTEMPTS,
                wait,
                reminder.last_error,
            )
            _retry(reminder_id, wait)
        else:
            logger.error(
                "Sending reminder %s to %s failed %d times; giving up: %s",
                reminder.pk,
                reminder.owner.email,
                reminder.attempts,
                reminder.last_error,
            )
        # The task's own result records the failure too, with its traceback.
        raise
    reminder.attempts += 1
    reminder.sent_at = timezone.now()
    reminder.last_error = ""
    reminder.save(update_fields=["attempts", "sent_at", "last_error"])
    return "sent"


def _retry(reminder_id: int, wait: datetime.timedelta) -> None:
    """Queue the reminder again, after `wait` where the backend can defer a task (the database
    backend can; the immediate backend used in tests runs it at once)."""
    retry = send_reminder
    if send_reminder.get_backend().supports_defer:
        retry = send_reminder.using(run_after=timezone.now() + wait)
    retry.enqueue(reminder_id=reminder_id)
