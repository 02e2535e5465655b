"""Writes of the quarterly report: an owner's explanation and corrective action for an exception,
and a quarter's sign-off and reopening.

Who may write one is reports.explaining's rule, which the page and the entry screens ask before
calling here; what every explanation must be, whichever route enters it, is here."""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.edit_conflicts import (
    EditConflictError,
    check_version,
    current_or_new,
    describe_conflict,
    insert_or_conflict,
)
from kpis.models import Measurement
from plans.locks import quarter_locks
from plans.models import QuarterSignOff
from plans.periods import Quarter
from reports import revisions, rights
from reports.explaining import KINDS, kind_of, plan_year_of_item
from reports.models import CorrectiveAction, ReturnForRevision, SignedOffReport
from reports.pdf import organisation_of, quarter_pdf
from reports.selectors import quarterly_report, standing_sign_off
from reports.workbook import report_workbook

#: The fields a person enters, named in an edit conflict when the history cannot say more.
ENTERED_FIELDS = ("explanation", "action", "recover_by")
#: The fields of a returned record named in an edit conflict when the history cannot say more.
RETURNED_FIELDS = {CorrectiveAction: ENTERED_FIELDS, Measurement: ("value", "commentary")}

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


def _quarter_of(record):
    """The plan year and quarter an explanation is for, when both are given and valid."""
    if record is None or record.plan_year_id is None or record.quarter not in (1, 2, 3, 4):
        return None
    return record.plan_year, record.quarter


def quarter_lock_refusal(plan_year, number: int, *, locks=None) -> str:
    """Why no explanation of quarter `number` of `plan_year` can be entered, changed or deleted:
    the quarter is signed off (plans.locks, as for its actuals, milestones and risk reviews).
    "" if it is not. `locks` are read here unless given."""
    if locks is None:
        locks = quarter_locks(plan_year=plan_year)
    return locks.quarter_refusal(plan_year, number)


def corrective_action_lock_refusal(record, *, locks=None) -> str:
    """Why the explanation `record` (as stored, or as it would be saved) cannot be entered,
    changed or deleted, or ""."""
    if (place := _quarter_of(record)) is None:
        return ""
    return quarter_lock_refusal(*place, locks=locks)


def corrective_action_rule_errors(record, *, today: datetime.date, stored=None, locks=None) -> dict:
    """What every route must refuse besides the model's own validation: an explanation of a
    signed-off quarter, or one moved out of a signed-off quarter (`stored` is the explanation
    before the change; None for a new one); a quarter not yet begun, an item of another plan
    year, and a recovery date missing or not after the quarter began.
    {field name or None: message}."""
    if locks is None:
        locks = quarter_locks()
    for place in (stored, record):
        if refusal := corrective_action_lock_refusal(place, locks=locks):
            return {"quarter": refusal}
    if _quarter_of(record) is None:
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
    fingerprint, or NEW_RECORD when the item had none for the quarter. A signed-off quarter's
    explanations are locked (plans.locks) until it is reopened. An explanation someone
    else saved since, even a first one saved at the same moment, is never overwritten:
    EditConflictError says whose it is. ValidationError says what is wrong."""
    lookup = {"plan_year": plan_year, "quarter": quarter, KINDS[kind_of(item)]: item}
    with transaction.atomic():
        if refusal := quarter_lock_refusal(plan_year, quarter):
            raise ValidationError({"quarter": refusal})
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


# --- Sign-off -------------------------------------------------------------------------------------


class AlreadySignedOff(Exception):
    """The quarter is signed off already (by someone else at the same moment, perhaps)."""

    def __init__(self, standing):
        self.standing = standing
        when = timezone.localtime(standing.signed_off_at)
        super().__init__(
            f"{Quarter(standing.plan_year.start, standing.quarter).label} was signed off by "
            f"{standing.signed_off_by.get_full_name() or standing.signed_off_by.get_username()} "
            f"on {when.day} {when:%B %Y} at {when:%H:%M}. Yours was not recorded: this is the "
            "report they signed off."
        )


QUARTER_NOT_ENDED = (
    "{quarter} ends on {last_day}: a quarter's report is signed off once it has ended."
)


def report_sign_off(*, plan_year, quarter: Quarter, user, note: str = "", today=None):
    """Sign off `quarter`'s report as `user`: store its figures, PDF and workbook (with their
    SHA-256) with the sign-off, which locks the quarter (plans.locks). Refused (PermissionDenied)
    to anyone but a director, and (ValidationError) before the quarter has ended; when the
    quarter is signed off already, AlreadySignedOff says by whom. The database keeps one standing
    sign-off per quarter, so two directors signing off at once make one sign-off."""
    today = today or timezone.localdate()
    if not rights.may_sign_off(user):
        raise PermissionDenied(rights.SIGN_OFF_REFUSAL)
    if quarter.last_day >= today:
        raise ValidationError(
            QUARTER_NOT_ENDED.format(
                quarter=quarter.label, last_day=f"{quarter.last_day.day} {quarter.last_day:%B %Y}"
            )
        )
    standing = standing_sign_off(plan_year=plan_year, quarter=quarter)
    if standing is not None:
        raise AlreadySignedOff(standing)
    report = quarterly_report(plan_year=plan_year, quarter=quarter)
    pdf = quarter_pdf(report, organisation=organisation_of(plan_year))
    workbook = report_workbook(report)
    try:
        with transaction.atomic():
            sign_off = QuarterSignOff.objects.create(
                plan_year=plan_year, quarter=quarter.number, signed_off_by=user, note=note.strip()
            )
            SignedOffReport.objects.create(
                sign_off=sign_off,
                data=report.as_dict(),
                pdf=pdf,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                workbook=workbook,
                workbook_sha256=hashlib.sha256(workbook).hexdigest(),
            )
    except IntegrityError:
        standing = standing_sign_off(plan_year=plan_year, quarter=quarter)
        if standing is None:  # pragma: no cover - another constraint: not a second sign-off
            raise
        raise AlreadySignedOff(standing) from None
    return sign_off


def quarter_reopen(*, sign_off, user, reason: str):
    """Reopen a signed-off quarter, as an administrator, with the reason (kept in the sign-off's
    history). The signed-off report stays, listed as reopened; the quarter is unlocked and can
    be signed off again."""
    if not rights.may_reopen(user):
        raise PermissionDenied(rights.REOPEN_REFUSAL)
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for reopening the quarter."})
    with transaction.atomic():
        locked = QuarterSignOff.objects.select_for_update().get(pk=sign_off.pk)
        if locked.reopened_at is not None:
            raise ValidationError("This sign-off was reopened already.")
        locked.reopened_at = timezone.now()
        locked.reopened_by = user
        locked.reopen_reason = reason.strip()
        locked.full_clean()
        locked.save()
    return locked


# --- Return for revision ------------------------------------------------------------------------

NOTE_MISSING = "Enter a note saying what the owner should revise."


def return_for_revision(
    *, plan_year, quarter: Quarter, returned, note: str, user, opened_version: str
) -> ReturnForRevision:
    """Return `returned` (a corrective action, or a measurement for its commentary) of
    `plan_year`'s `quarter` to its owner for revision, with `note`, atomically. It stays on the
    owner's list until they change the record (reports.revisions).

    Refused (PermissionDenied) to anyone but a director, in a closed plan year and in a
    signed-off quarter. `opened_version` is the record's fingerprint when the director's page
    was opened: a record changed since (resubmitted, say) is not returned on the strength of
    words the director has not read; EditConflictError says who changed it. ValidationError
    says what is wrong: no note, or a return already awaiting resubmission."""
    if not rights.may_return_for_revision(user):
        raise PermissionDenied(rights.RETURN_REFUSAL)
    if permissions.is_closed(plan_year):
        raise PermissionDenied(f"{plan_year.year} is closed: nothing in it can be returned.")
    if refusal := quarter_locks(plan_year=plan_year).quarter_refusal(plan_year, quarter.number):
        raise PermissionDenied(refusal)
    with transaction.atomic():
        current = check_version(
            type(returned).objects.all(),
            returned.pk,
            opened_version,
            fields=RETURNED_FIELDS[type(returned)],
        )
        already = revisions.open_return_of(current)
        if already is not None:
            raise ValidationError(
                f"This was returned for revision on "
                f"{timezone.localtime(already.returned_at):%-d %B %Y} and is awaiting "
                "resubmission by its owner."
            )
        made = ReturnForRevision(
            plan_year=plan_year,
            quarter=quarter.number,
            note=note.strip(),
            returned_by=user,
            **{
                "corrective_action" if isinstance(current, CorrectiveAction) else "measurement": (
                    current
                )
            },
        )
        if not made.note:
            raise ValidationError({"note": NOTE_MISSING})
        made.full_clean()
        made.save()
        return made
