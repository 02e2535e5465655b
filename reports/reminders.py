"""Reminders of the quarterly reporting cycle: each owner gets one digest email per stage of an
open quarter (5 working days before its data-entry deadline, on the day, and 3 working days
after), listing only what they have still to enter, and never the same stage twice.

`send_reminders` (daily, from cron, on any number of servers at once) calls `reminders_send`.
For each owner with something missing it claims a row of the ledger (`ReminderSent`) under its
unique constraint and queues the email in the same transaction; the claim that loses gets an
IntegrityError and queues nothing. A task worker sends the email (`reports.tasks`), retrying a
failure a few times, later each time.

Which quarters are due a reminder today, with which deadline, and who has what missing, is said
in one place, `_owner_lists`, from a provider: the quarter's deadline and the preparation page's
lists (PreparationCycle), so that a reminder says what the page and My work say.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from plans.models import PlanYear
from plans.periods import Quarter
from reports import deadlines, preparation, selectors
from reports.choices import ReminderStage
from reports.models import ReminderSent

logger = logging.getLogger(__name__)

User = get_user_model()

# A deadline falls weeks after its quarter's end: a quarter that ended longer ago than this has
# had its last reminder, and is not looked at.
LOOK_BACK = datetime.timedelta(days=400)


class OwnerItems(Protocol):
    """One owner's missing items for a quarter (reports.preparation's OwnerList)."""

    owner: User
    items: list  # each with .kind, .label and .url (a path on this site, or a full address)

    def summary(self) -> str: ...


class QuarterCycleProvider(Protocol):
    """Where the reminders learn a quarter's deadline and what each owner has missing."""

    def deadline(
        self, plan_year: PlanYear, quarter: Quarter
    ) -> tuple[datetime.date, dict[str, datetime.date]]:
        """The quarter's data-entry deadline, and the day each reminder stage falls on."""

    def owner_lists(self, plan_year: PlanYear, quarter: Quarter) -> Iterable[OwnerItems]:
        """Each owner with what they have missing for the quarter."""


@dataclass
class DueReminders:
    """A quarter one of whose reminder stages falls today, with each owner's missing items."""

    plan_year: PlanYear
    quarter: Quarter
    deadline: datetime.date
    stage: str
    owners: list = field(default_factory=list)


def reminders_send(
    *, today: datetime.date, owners_missing: QuarterCycleProvider | None = None
) -> list[ReminderSent]:
    """Queue today's reminder digests: for each open quarter whose reminder stage falls on
    `today`, one for each owner with something missing, unless that owner has already been sent
    (or queued) that stage. Gives the reminders it queued; a second run, here or on another
    server, queues none of them again."""
    queued = []
    for due in _owner_lists(today=today, owners_missing=owners_missing or default_provider()):
        # Those reminded already are passed over in one query; the insert in _claim_and_queue
        # still decides between two runs at the same moment.
        reminded = set(
            ReminderSent.objects.filter(
                plan_year=due.plan_year, quarter=due.quarter.number, stage=due.stage
            ).values_list("owner_id", flat=True)
        )
        for owner_list in due.owners:
            if not owner_list.items or owner_list.owner.pk in reminded:
                continue
            if not owner_list.owner.email:
                logger.warning(
                    "No %s reminder for %s, %s: they have no email address",
                    due.stage,
                    due.quarter.label,
                    owner_list.owner.get_username(),
                )
                continue
            reminder = _claim_and_queue(due, owner_list)
            if reminder is not None:
                queued.append(reminder)
    return queued


def _owner_lists(*, today: datetime.date, owners_missing: QuarterCycleProvider) -> list:
    """THE SEAM: which open quarters have a reminder stage falling on `today`, with their
    deadline, and which owners have what missing in each. Everything else in this module works
    from what this gives.

    The provider answers the deadline first (cheap), and only for a quarter due a reminder today
    is it asked for the owners' lists (a page's worth of queries)."""
    due = []
    for plan_year, quarter in _open_quarters(today):
        deadline, stage_dates = owners_missing.deadline(plan_year, quarter)
        stages = [stage for stage, day in stage_dates.items() if day == today]
        if not stages:
            continue
        owners = list(owners_missing.owner_lists(plan_year, quarter))
        due.extend(DueReminders(plan_year, quarter, deadline, stage, owners) for stage in stages)
    return due


def default_provider() -> QuarterCycleProvider:
    """Where `send_reminders` learns deadlines and what is missing: the preparation page's."""
    return PreparationCycle()


def _open_quarters(today: datetime.date) -> list[tuple[PlanYear, Quarter]]:
    """The quarters still being gathered (reports.preparation.open_quarters: ended, not signed
    off, in a plan year that is not closed) that ended within LOOK_BACK of `today`."""
    return [
        (plan_year, quarter)
        for plan_year, quarter in preparation.open_quarters(today=today)
        if today <= quarter.last_day + LOOK_BACK
    ]


def _claim_and_queue(due: DueReminders, owner_list) -> ReminderSent | None:
    """Claim the ledger row for this owner and stage, and queue its email, together: both or
    neither. None when the row was already claimed, by an earlier run or by another server at
    this moment (the unique constraint makes the second insert fail, after waiting for the
    first to commit)."""
    reminder = ReminderSent(
        plan_year=due.plan_year,
        quarter=due.quarter.number,
        owner=owner_list.owner,
        stage=due.stage,
        deadline=due.deadline,
        summary=owner_list.summary(),
        items=[{"kind": i.kind, "label": i.label, "url": i.url} for i in owner_list.items],
    )
    # The constraint is checked by the insert itself, atomically: a check before it could pass
    # on two servers at once.
    reminder.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            reminder.save(force_insert=True)
            from reports.tasks import send_reminder

            send_reminder.enqueue(reminder_id=reminder.pk)
    except IntegrityError:
        already = ReminderSent.objects.filter(
            plan_year=due.plan_year,
            quarter=due.quarter.number,
            owner=owner_list.owner,
            stage=due.stage,
        ).exists()
        if not already:
            raise
        return None
    logger.info(
        "Queued the %s reminder of %s for %s: %s",
        due.stage,
        due.quarter.label,
        owner_list.owner.get_username(),
        reminder.summary,
    )
    return reminder


# --- The digest ---------------------------------------------------------------------------------

STAGE_SUBJECTS = {
    ReminderStage.BEFORE: "due by {deadline}",
    ReminderStage.DUE: "due today, {deadline}",
    ReminderStage.OVERDUE: "overdue since {deadline}",
}


def absolute_url(url: str) -> str:
    """A link on this site as an address that works from an email (settings.SITE_URL)."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def reminder_digest(reminder: ReminderSent) -> EmailMultiAlternatives:
    """The email of one reminder: a plain text and an HTML part listing the owner's missing
    items, each with its link, from DEFAULT_FROM_EMAIL."""
    quarter = Quarter(reminder.plan_year.start, reminder.quarter)
    deadline = f"{reminder.deadline:%A} {reminder.deadline.day} {reminder.deadline:%B}"
    when = STAGE_SUBJECTS[reminder.stage].format(deadline=deadline)
    context = {
        "owner": reminder.owner,
        "name": reminder.owner.get_full_name() or reminder.owner.get_username(),
        "quarter": quarter,
        "deadline": deadline,
        "when": when,
        "stage": reminder.stage,
        "summary": reminder.summary,
        "items": [{**item, "url": absolute_url(item["url"])} for item in reminder.items],
        "my_work_url": absolute_url("/my-work/"),
        "organisation": settings.ORGANISATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"{quarter.label}: {reminder.summary} {when}",
        body=render_to_string("reports/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.owner.email],
    )
    html = render_to_string("reports/email/reminder.html", context)
    message.attach_alternative(html, "text/html")
    return message


# --- The quarterly cycle's deadlines and preparation list ---------------------------------------


class PreparationCycle:
    """Deadlines as the preparation page gives them (an administrator's, else 15 working days
    after the quarter's end), the stages' days from them, and each owner's missing items as the
    preparation page lists them: one rule for the page, My work and the reminders."""

    def deadline(self, plan_year, quarter):
        deadline = selectors.quarter_deadline(plan_year=plan_year, quarter=quarter)
        return deadline, deadlines.reminder_dates(deadline)

    def owner_lists(self, plan_year, quarter):
        return preparation.quarter_preparation(plan_year=plan_year, quarter=quarter).owners
