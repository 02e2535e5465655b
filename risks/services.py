"""Writes of the risk register: a risk's review. It runs inside the caller's transaction (the
view's, which also holds the edit-conflict row lock), validates with full_clean() and saves, so
the audit history records who made the change and when."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from plans.locks import quarter_locks
from risks import rules
from risks.models import MitigatingAction, Risk

#: What a review records of a risk, beyond its date and reviewer: a review dated in a
#: signed-off quarter keeps them until the next review.
REVIEWED_FIELDS = ("residual_likelihood", "residual_impact", "review_note")
REVIEW_CHANGED_LOCKED = (
    "{refusal} Its latest review, on {day:%-d %B %Y}, is dated in that quarter: record a new "
    "review to change what it recorded."
)


def review_date(risk: Risk):
    """The day a risk's latest review is dated, or None if it has none."""
    if risk.last_reviewed_at is None:
        return None
    return timezone.localdate(risk.last_reviewed_at)


def risk_review_lock_errors(risk: Risk, *, stored=None, locks=None) -> dict[str, str]:
    """What a signed-off quarter (plans.locks) refuses of a risk as it would be saved, `stored`
    being the risk before the change (None for a new one): a review dated in a signed-off
    quarter is neither recorded (a new review date in one) nor changed (what the latest review
    recorded, its residual scores and note, changed without a new review while that review is
    dated in one). A new review dated in an open quarter may follow it: the history keeps the
    signed-off one. `locks` are read here unless given."""
    if locks is None:
        locks = quarter_locks()
    day = review_date(risk)
    stored_day = review_date(stored) if stored is not None else None
    if day is not None and day != stored_day:
        refusal = locks.refusal(risk.plan_year, day)
        return {NON_FIELD_ERRORS: refusal} if refusal else {}
    if stored_day is None:
        return {}
    refusal = locks.refusal(stored.plan_year, stored_day)
    changed = [n for n in REVIEWED_FIELDS if getattr(stored, n) != getattr(risk, n)]
    if not (refusal and changed):
        return {}
    return dict.fromkeys(changed, REVIEW_CHANGED_LOCKED.format(refusal=refusal, day=stored_day))


@transaction.atomic
def risk_review_record(*, risk: Risk, reviewer, note: str, actions_done=()) -> Risk:
    """Record an owner's review of `risk`, whose fields the review form has set: when and by
    whom it was reviewed and the review's note, and the mitigating actions now done. A review
    that gives no next review date gets one from the register's interval (the plan year's), so
    the risk never drops out of the reviews overdue. ValidationError if the review would be
    dated in a signed-off quarter."""
    stored = copy.copy(risk)
    risk.last_reviewed_at = timezone.now()
    risk.last_reviewed_by = reviewer
    risk.review_note = note.strip()
    if risk.review_on is None:
        risk.review_on = rules.next_review_on(
            reviewed_on=timezone.localdate(risk.last_reviewed_at),
            interval_months=risk.plan_year.risk_review_months,
        )
    locked = risk_review_lock_errors(risk, stored=stored)
    if locked:
        raise ValidationError(locked)
    risk.full_clean()
    risk.save()
    for action in MitigatingAction.objects.filter(risk=risk, pk__in=actions_done, is_done=False):
        action.is_done = True
        action.full_clean()
        action.save()
    return risk
