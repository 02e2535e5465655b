"""Writes of the quarterly report: an owner's explanation and corrective action for an exception.

Who may write one is reports.explaining's rule, which the page and the entry screens ask before
calling here; what every explanation must be, whichever route enters it, is here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core.edit_conflicts import (
    EditConflictError,
    current_or_new,
    describe_conflict,
    insert_or_conflict,
)
from plans.periods import Quarter
from reports.explaining import KINDS, kind_of, plan_year_of_item
from reports.models import CorrectiveAction

#: The fields a person enters, named in an edit conflict when the history cannot say more.
ENTERED_FIELDS = ("explanation", "action", "recover_by")

RECOVER_BY_MISSING = "Enter the date by which it should be back on course."
QUARTER_NOT_BEGUN = "{quarter} has not begun: explanations are entered once it has."


def recover_by_error(recover_by, quarter: Quarter) -> str:
    """What is wrong with `recover_by` as the date an item of `quarter` should recover by, or
    "": it is needed, and falls after the quarter began."""
    if recover_by is None:
        return RECOVER_BY_MISSING
    if recover_by <= quarter.first_day:
        return (
            "The date it should be back on course by must be after the quarter began "
            f"({quarter.first_day.day} {quarter.first_day:%B %Y})."
        )
    return ""


def quarter_error(quarter: Quarter, *, today: datetime.date) -> str:
    """Why `quarter` cannot be explained yet as at `today`, or ""."""
    if quarter.first_day > today:
        return QUARTER_NOT_BEGUN.format(quarter=quarter.label)
    return ""


def corrective_action_rule_errors(record, *, today: datetime.date) -> dict:
    """What every route must refuse besides the model's own validation: a quarter not yet begun,
    an item of another plan year, and a recovery date missing or not after the quarter began.
    {field name or None: message}."""
    if record.plan_year_id is None or record.quarter not in (1, 2, 3, 4):
        return {}  # the model's own validation says what is wrong
    errors = {}
    quarter = Quarter(record.plan_year.start, record.quarter)
    if message := quarter_error(quarter, today=today):
        errors["quarter"] = message
    fields = [name for name in KINDS.values() if getattr(record, f"{name}_id")]
    if len(fields) == 1:
        item = getattr(record, fields[0])
        if plan_year_of_item(item).pk != record.plan_year_id:
            errors[fields[0]] = (
                f"Choose a {fields[0].replace('_', ' ')} of {record.plan_year.year}, the plan "
                "year of the explanation."
            )
    if message := recover_by_error(record.recover_by, quarter):
        errors["recover_by"] = message
    return errors


def corrective_action_save(
    *,
    plan_year,
    quarter: int,
    item,
    explanation: str,
    action: str,
    recover_by: datetime.date | None,
    user,
    opened_version: str,
    today: datetime.date,
) -> CorrectiveAction:
    """Enter or change the explanation and corrective action of `item` (an indicator,
    milestone, budget line or risk of `plan_year`) for one quarter, validated, atomically. The
    audit history keeps every earlier version.

    `opened_version` is the explanation's version when the person's form was opened: its
    fingerprint, or NEW_RECORD when the item had none for the quarter. An explanation someone
    else saved since, even a first one saved at the same moment, is never overwritten:
    EditConflictError says whose it is. ValidationError says what is wrong."""
    lookup = {"plan_year": plan_year, "quarter": quarter, KINDS[kind_of(item)]: item}
    with transaction.atomic():
        record = current_or_new(
            CorrectiveAction.objects.all(), lookup, opened_version, fields=ENTERED_FIELDS
        ) or CorrectiveAction(**lookup)
        record.explanation = explanation
        record.action = action
        record.recover_by = recover_by
        record.entered_by = user
        try:
            record.full_clean()
        except ValidationError:
            # Someone else's first explanation, saved since the look above found none.
            current = None if record.pk else CorrectiveAction.objects.filter(**lookup).first()
            if current is not None:
                raise EditConflictError(
                    describe_conflict(current, ENTERED_FIELDS), current
                ) from None
            raise
        errors = corrective_action_rule_errors(record, today=today)
        if errors:
            raise ValidationError(errors)
        if record.pk is None:
            return insert_or_conflict(record, lookup, fields=ENTERED_FIELDS)
        record.save()
        return record
