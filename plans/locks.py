"""Signed-off quarters are locked: what falls in one (an actual for one of its months, a
monthly budget figure, a milestone completed in it, a risk review dated in it) cannot be
changed on any route (the pages, the entry screens, the imports) until an administrator
reopens the quarter. Administrators are held by the lock too: the report that was signed off
must stay true to the records, and reopening leaves a reason in the history.

`QuarterLocks` is the rule, pure: worked out from the standing sign-offs, which
`quarter_locks` reads in one query (a plan year has at most four).
"""

import copy
import datetime
from dataclasses import dataclass

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from core.permissions import once_per_request
from core.refusals import Refused
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


def quarter_locks_for(request) -> QuarterLocks:
    """The standing sign-offs, read once per request: an entry screen asks for every row."""
    return once_per_request(request, "quarter_locks", quarter_locks)


def first_refusal(locks: QuarterLocks, *places) -> str:
    """Why a record cannot be changed, for the first of `places` (each a plan year and a day,
    e.g. where the record falls before the change and after it) in a signed-off quarter; ""
    if none is."""
    for plan_year, day in places:
        refusal = locks.refusal(plan_year, day)
        if refusal:
            return refusal
    return ""


class QuarterLockedAdmin:
    """A ModelAdmin whose records can fall in a signed-off quarter: such a record cannot be
    deleted, and its delete page says why. Changes are refused through the admin's
    `rule_errors`, which says why on the form. Subclasses fill in `lock_refusal`."""

    def lock_refusal(self, request, obj) -> str:
        """Why `obj`, as stored, cannot be changed or deleted, or ""."""
        return ""

    def has_delete_permission(self, request, obj=None):
        # The bulk delete action asks this for each record it would delete.
        return super().has_delete_permission(request, obj) and not (
            obj is not None and self.lock_refusal(request, obj)
        )

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        refusal = self.lock_refusal(request, obj) if obj is not None else ""
        if refusal:
            raise Refused(refusal, heading="This record is locked")
        return super().delete_view(request, object_id, extra_context)


def as_opened(form):
    """A copy of a form's record with the values it had when the form was opened (the form has
    already put what was typed on its own instance)."""
    record = copy.copy(form.instance)
    plain = {f.name for f in record._meta.concrete_fields if not f.is_relation}
    for name, value in form.initial.items():
        if name in plain:
            setattr(record, name, value)
    return record


class QuarterLockedInline:
    """An InlineModelAdmin whose rows can fall in a signed-off quarter: a row marked for
    deletion that does is refused, naming it (Django does not validate a deleted row, so its
    `rule_errors` is not asked). Subclasses fill in `lock_refusal`."""

    def lock_refusal(self, request, instance) -> str:
        """Why the row `instance`, as stored, cannot be changed or deleted, or ""."""
        return ""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        lock_refusal = self.lock_refusal

        class QuarterLockedFormSet(formset):
            def clean(self):
                super().clean()
                for form in self.deleted_forms:
                    if form.instance.pk is not None:
                        refusal = lock_refusal(request, as_opened(form))
                        if refusal:
                            raise ValidationError(f"{form.instance} cannot be deleted. {refusal}")

        QuarterLockedFormSet.__name__ = formset.__name__
        return QuarterLockedFormSet
