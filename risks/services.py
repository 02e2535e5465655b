"""Writes of the risk register: a risk's review. It runs inside the caller's transaction (the
view's, which also holds the edit-conflict row lock), validates with full_clean() and saves, so
the audit history records who made the change and when."""

from django.db import transaction
from django.utils import timezone

from risks import rules
from risks.models import MitigatingAction, Risk


@transaction.atomic
def risk_review_record(*, risk: Risk, reviewer, note: str, actions_done=()) -> Risk:
    """Record an owner's review of `risk`, whose fields the review form has set: when and by
    whom it was reviewed and the review's note, and the mitigating actions now done. A review
    that gives no next review date gets one from the register's interval (the plan year's), so
    the risk never drops out of the reviews overdue."""
    risk.last_reviewed_at = timezone.now()
    risk.last_reviewed_by = reviewer
    risk.review_note = note.strip()
    if risk.review_on is None:
        risk.review_on = rules.next_review_on(
            reviewed_on=timezone.localdate(risk.last_reviewed_at),
            interval_months=risk.plan_year.risk_review_months,
        )
    risk.full_clean()
    risk.save()
    for action in MitigatingAction.objects.filter(risk=risk, pk__in=actions_done, is_done=False):
        action.is_done = True
        action.full_clean()
        action.save()
    return risk
