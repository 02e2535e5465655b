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
from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
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
#: Said when a record that did not exist when the form was opened was entered by someone else.
FIRST_ENTRY_MESSAGE = (
    "Someone else has already entered the {record} {key}, so yours has not been saved. Check "
    "theirs, and save again only if it still needs changing."
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

    def __init__(self, conflict: EditConflict, current, *, first_entry=False):
        super().__init__(conflict.describe())
        self.conflict = conflict
        #: The record as it now is (locked until the transaction ends).
        self.current = current
        #: Whether the form was opened to create the record, which someone else then entered.
        self.first_entry = first_entry

    def message(self) -> str:
        """What the person whose save was refused is told."""
        if self.first_entry:
            said = FIRST_ENTRY_MESSAGE.format(
                record=self.current._meta.verbose_name, key=self.current
            )
        else:
            said = EDIT_CONFLICT_MESSAGE
        return f"{said} {self.conflict.describe()}"


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
        raise EditConflictError(
            describe_conflict(current, fields), current, first_entry=submitted == NEW_RECORD
        )
    return current


def unique_key(instance) -> dict | None:
    """What identifies the record `instance` would create, as a lookup: the fields of the first
    of its model's unconditional unique constraints whose values are all given (a measurement's
    indicator and period). None when no such constraint is filled in."""
    opts = instance._meta
    for constraint in opts.total_unique_constraints:
        lookup = {}
        for name in constraint.fields:
            attname = opts.get_field(name).attname
            value = getattr(instance, attname, None)
            if value is None:
                break
            lookup[attname] = value
        else:
            return lookup
    return None


def first_entry_conflict(instance, *, fields=()) -> EditConflictError | None:
    """For a record about to be created: EditConflictError naming the record someone else has
    entered with the same key since the form was opened, or None when there is none."""
    lookup = unique_key(instance)
    if lookup is None:
        return None
    current = type(instance)._default_manager.filter(**lookup).first()
    if current is None:
        return None
    return EditConflictError(describe_conflict(current, fields), current, first_entry=True)


def insert_or_conflict(instance, lookup: dict | None = None, *, fields=(), save=None):
    """Insert a new record; when someone else's record with the same `lookup` (by default its
    unique_key) was saved first, at the same moment (its unique constraint refuses this one),
    EditConflictError naming theirs instead of a server error. `save` is what inserts it (by
    default instance.save(force_insert=True)). Call it inside transaction.atomic."""
    model = type(instance)
    lookup = lookup if lookup is not None else unique_key(instance)
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on after a refusal
            if save is None:
                instance.save(force_insert=True)
            else:
                save()
    except IntegrityError:
        current = model._default_manager.filter(**lookup).first() if lookup else None
        if current is None:
            raise
        raise EditConflictError(
            describe_conflict(current, fields), current, first_entry=True
        ) from None
    return instance


def conflict_form_errors(form, error: EditConflictError) -> None:
    """Tell a person on a page's form that their save was refused, and why."""
    form.add_error(None, error.message())


def admin_conflict_message(conflict: EditConflict) -> str:
    return f"{EDIT_CONFLICT_MESSAGE} {conflict.describe()}"


def _model_field_names(form, model) -> list[str]:
    """The fields of `form` that are fields of `model` (a page's plain form may have others)."""
    names = {field.name for field in model._meta.get_fields()} - {model._meta.pk.name}
    # Not the hidden link to the record an inline row sits under: the page shows that already.
    return [
        name for name, field in form.fields.items() if name in names and not field.widget.is_hidden
    ]


class FirstEntryFormMixin:
    """For a ModelForm that creates a record identified by a unique constraint (a month's
    figures of a budget line, a period's target or actual of an indicator): when someone else
    has entered that record since the form was opened, the person is told whose it is and what
    it says, rather than the constraint's bare "already has" message, and nothing is saved.
    Two saves at the very same moment, both past this check, meet in the unique constraint:
    `save` turns that into EditConflictError, which EditConflictAdmin shows the same way."""

    def validate_constraints(self):
        if self.instance.pk is None:
            conflict = first_entry_conflict(
                self.instance, fields=_model_field_names(self, type(self.instance))
            )
            if conflict is not None:
                self.add_error(
                    None, forms.ValidationError(conflict.message(), code="edit_conflict")
                )
                return
        super().validate_constraints()

    def save(self, commit=True):
        if not commit or self.instance.pk is not None:
            return super().save(commit=commit)
        saved = []
        insert_or_conflict(
            self.instance,
            fields=_model_field_names(self, type(self.instance)),
            save=lambda: saved.append(super(FirstEntryFormMixin, self).save(commit=True)),
        )
        return saved[0]


def first_entry_form(base_form):
    """`base_form` (an add form) that tells the person of a record someone else has entered
    meanwhile with the same key (FirstEntryFormMixin)."""
    if issubclass(base_form, FirstEntryFormMixin):
        return base_form
    return type(base_form.__name__, (FirstEntryFormMixin, base_form), {})


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
    """A ModelAdmin whose change form refuses to save over someone else's newer changes, and
    whose add form (and inline rows) over a record someone else has just entered."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        base_form = kwargs.get("form", self.form)
        if obj is not None and obj.pk is not None:
            kwargs["form"] = edit_conflict_form(base_form, obj, record_fingerprint(obj))
        else:
            kwargs["form"] = first_entry_form(base_form)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        insert_or_conflict(
            obj,
            fields=_model_field_names(form, type(obj)),
            save=lambda: super(EditConflictAdmin, self).save_model(request, obj, form, change),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflictError:
            if request.method != "POST":
                raise
        # Someone else entered a record this save was creating at the very same moment, after
        # its form had been checked; the whole save was rolled back. Checking the form again
        # finds their record and says so on the form, with what the person typed kept.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflictError as error:
            self.message_user(request, error.message(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class EditConflictInlineForm(FirstEntryFormMixin, forms.ModelForm):
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
