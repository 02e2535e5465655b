"""Two people editing the same record never silently overwrite each other.

An entry screen carries a fingerprint of the record as it was when the form was opened. On save
the record is read again, locked for the rest of the transaction, and if its fingerprint has
changed the save is refused with a message, so the second person's changes do not replace the
first's unseen. No version column is needed, so every model is covered as it is.

The entry screens and the application's own forms share this one mechanism: `check_version`
locks the record and compares fingerprints, and a refusal (`EditConflictError`) carries who
changed the record last, when, and what it now says, read from its audit history.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst

from core import history
from core.forms import AdminFormFieldsMixin

FINGERPRINT_FIELD = "record_version"
#: The version a form carries when the record it would create did not exist when it was opened.
NEW_RECORD = "new"
EDIT_CONFLICT_MESSAGE = (
    "Someone else saved changes to this record after you opened it, so your changes have not "
    "been saved. Open the record again to see their changes, then make yours."
)


def record_fingerprint(instance) -> str:
    """A digest of the record's stored values, including its many-to-many links."""
    opts = instance._meta
    values = [(field.attname, field.value_to_string(instance)) for field in opts.concrete_fields]
    for field in opts.many_to_many:
        related = getattr(instance, field.name).order_by("pk").values_list("pk", flat=True)
        values.append((field.name, list(related)))
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class EditConflict:
    """Who last changed a record that changed after it was opened, when, and what it now says:
    (field, value as a person reads it) pairs."""

    who: str
    when: datetime.datetime | None
    now_says: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """ "The latest change was made by Sam Jones on 27 November 2026 at 05:12. It now says:
        Status: At risk; Commentary: Printer delayed." """
        said = "; ".join(f"{field}: {value}" for field, value in self.now_says)
        if self.when is None:
            made = "The record has no history of who changed it."
        else:
            moment = timezone.localtime(self.when) if timezone.is_aware(self.when) else self.when
            made = (
                f"The latest change was made by {self.who} on {moment.day} "
                f"{moment:%B %Y} at {moment:%H:%M}."
            )
        if not said:
            return made
        return f"{made} It now says: {said}" + ("" if said.endswith(".") else ".")


class EditConflictError(Exception):
    """A save refused because the record changed after the form was opened."""

    def __init__(self, conflict: EditConflict, current):
        super().__init__(conflict.describe())
        self.conflict = conflict
        #: The record as it now is (locked until the transaction ends).
        self.current = current


def _value_now(instance, field_name) -> str:
    model_field = instance._meta.get_field(field_name)
    if model_field.many_to_many:
        return ", ".join(str(related) for related in getattr(instance, field_name).all())
    if model_field.is_relation:
        related = getattr(instance, field_name)
        return history.BLANK if related is None else str(related)
    return history.readable_value(model_field, getattr(instance, model_field.attname))


def describe_conflict(current, fields=()) -> EditConflict:
    """What a person refused a save is told: from the record's latest history entry, who made
    it and when; what the record now says is the values that entry changed, or, when it
    records no change (the record's creation), the current values of `fields` (field names)."""
    model = type(current)
    latest = None
    if hasattr(model, "history"):
        record = history.record_histories(model, pks=[current.pk], latest=1).get(current.pk)
        latest = record.entries[0] if record and record.entries else None
    if latest is not None and latest.changes:
        now_says = tuple((change.field, change.after) for change in latest.changes)
    else:
        now_says = tuple(
            (capfirst(str(model._meta.get_field(name).verbose_name)), _value_now(current, name))
            for name in fields
        )
    if latest is None:
        return EditConflict(who="", when=None, now_says=now_says)
    return EditConflict(who=latest.who, when=latest.when, now_says=now_says)


def check_version(queryset, pk, submitted, *, fields=()):
    """The record `pk` of `queryset`, locked until the transaction ends; EditConflictError if
    it is no longer the version `submitted` (its fingerprint when the form was opened). Call it
    inside transaction.atomic. `fields` are those the form shows, named in the refusal when the
    history cannot say what changed."""
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    if submitted != record_fingerprint(current):
        raise EditConflictError(describe_conflict(current, fields), current)
    return current


def current_or_new(queryset, lookup: dict, submitted: str | None, *, fields=()):
    """The record matching `lookup`, locked until the transaction ends, or None when there is
    none yet; EditConflictError when it is not the version the form was opened on. `submitted`
    is that version: the record's fingerprint, or NEW_RECORD when the form was opened to create
    it, so that someone else's record saved meanwhile is never silently overwritten."""
    current = queryset.select_for_update(of=("self",)).filter(**lookup).first()
    if current is not None and submitted is not None and submitted != record_fingerprint(current):
        raise EditConflictError(describe_conflict(current, fields), current)
    return current


def insert_or_conflict(instance, lookup: dict, *, fields=()):
    """Insert a new record; when someone else's record with the same `lookup` was saved first,
    at the same moment (its unique constraint refuses this one), EditConflictError naming
    theirs instead of a server error. Call it inside transaction.atomic."""
    model = type(instance)
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on after a refusal
            instance.save(force_insert=True)
    except IntegrityError:
        current = model._default_manager.filter(**lookup).first()
        if current is None:
            raise
        raise EditConflictError(describe_conflict(current, fields), current) from None
    return instance


def conflict_form_errors(form, error: EditConflictError) -> None:
    """Tell a person on a page's form that their save was refused, and why."""
    form.add_error(None, admin_conflict_message(error.conflict))


def admin_conflict_message(conflict: EditConflict) -> str:
    return f"{EDIT_CONFLICT_MESSAGE} {conflict.describe()}"


def _model_field_names(form, model) -> list[str]:
    """The fields of `form` that are fields of `model` (a page's plain form may have others)."""
    names = {field.name for field in model._meta.get_fields()}
    return [name for name in form.fields if name in names]


def edit_conflict_form(base_form, obj, fingerprint):
    """`base_form` with a hidden record version that must still match the stored record."""

    class EditConflictForm(base_form):
        record_version = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=fingerprint
        )

        def clean(self):
            cleaned_data = super().clean()
            # Lock the row until the save commits (the admin saves inside a transaction).
            submitted = self.data.get(self.add_prefix(FINGERPRINT_FIELD))
            try:
                check_version(
                    type(obj)._default_manager.all(),
                    obj.pk,
                    submitted,
                    fields=_model_field_names(self, type(obj)),
                )
            except EditConflictError as error:
                raise forms.ValidationError(
                    admin_conflict_message(error.conflict), code="edit_conflict"
                ) from error
            return cleaned_data

    return EditConflictForm


class EditConflictAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change form refuses to save over someone else's newer changes."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.pk is not None:
            base_form = kwargs.get("form", self.form)
            kwargs["form"] = edit_conflict_form(base_form, obj, record_fingerprint(obj))
        return super().get_form(request, obj, change=change, **kwargs)


class EditConflictInlineForm(forms.ModelForm):
    """An inline row (a milestone under its project) with the same protection: a row the person
    changed is refused if someone else changed it since; rows they left alone are not checked,
    since the admin does not save them."""

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[FINGERPRINT_FIELD].initial = record_fingerprint(self.instance)

    def has_changed(self):
        return any(name != FINGERPRINT_FIELD for name in self.changed_data)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and self.has_changed():
            try:
                check_version(
                    type(self.instance)._default_manager.all(),
                    self.instance.pk,
                    self.data.get(self.add_prefix(FINGERPRINT_FIELD)),
                    fields=_model_field_names(self, type(self.instance)),
                )
            except EditConflictError as error:
                raise forms.ValidationError(
                    admin_conflict_message(error.conflict), code="edit_conflict"
                ) from error
        return cleaned_data


class EditConflictInlineMixin(AdminFormFieldsMixin):
    """For an InlineModelAdmin: its rows carry and check their record version (and, like every
    entry screen, take numbers as people type them: core.forms)."""

    form = EditConflictInlineForm

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), FINGERPRINT_FIELD]
