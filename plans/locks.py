"""Signed-off quarters are locked: what falls in one (an actual for one of its months, a
monthly budget figure, a milestone completed in it, a risk review dated in it) cannot be
changed on any route (the pages, the entry screens, the imports) until an administrator
reopens the quarter. Administrators are held by the lock too: the report that was signed off
must stay true to the records, and reopening leaves a reason in the history.

`QuarterLocks` is the rule, pure: worked out from the standing sign-offs, which
`quarter_locks` reads in one query (a plan year has at most four).
"""

import datetime
from dataclasses import dataclass

from plans import periods
from plans.models import QuarterSignOff

LOCKED_MESSAGE = (
    "Quarter {quarter} of {year} is signed off: what falls in it can no longer be changed. "
    "An administrator can reopen the quarter."
)


@dataclass(frozen=True)
class QuarterLocks:
    """The quarters signed off and not reopened, as (plan year id, quarter number)."""

    signed_off: frozenset = frozenset()

    def is_locked(self, plan_year, day: datetime.date | None) -> bool:
        if day is None or plan_year is None or not plan_year.contains(day):
            return False
        return (plan_year.pk, periods.quarter_of(day)) in self.signed_off

    def refusal(self, plan_year, day: datetime.date | None) -> str:
        """Why a record of `plan_year` falling on `day` cannot be changed, or "" if it can."""
        if not self.is_locked(plan_year, day):
            return ""
        return LOCKED_MESSAGE.format(quarter=periods.quarter_of(day), year=plan_year.year)

    def quarter_is_locked(self, plan_year, number: int) -> bool:
        return (plan_year.pk, number) in self.signed_off

    def quarter_refusal(self, plan_year, number: int) -> str:
        if not self.quarter_is_locked(plan_year, number):
            return ""
        return LOCKED_MESSAGE.format(quarter=number, year=plan_year.year)


def quarter_locks(*, plan_year=None) -> QuarterLocks:
    """The standing sign-offs, of one plan year or of all, in one query."""
    standing = QuarterSignOff.objects.filter(reopened_at__isnull=True)
    if plan_year is not None:
        standing = standing.filter(plan_year=plan_year)
    return QuarterLocks(frozenset(standing.values_list("plan_year_id", "quarter")))
