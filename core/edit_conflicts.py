"""Two people editing the same record never silently overwrite each other.

An entry screen carries a fingerprint of the record as it was when the form was opened. On save
the record is read again, locked for the rest of the transaction, and if its fingerprint has
changed the save is refused with a message, so the second person's changes do not replace the
first's unseen. No version column is needed, so every model is covered as it is.
"""

import hashlib
import json

from django import forms
from django.contrib import admin

from core.forms import AdminFormFieldsMixin

FINGERPRINT_FIELD = "record_version"
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


def edit_conflict_form(base_form, obj, fingerprint):
    """`base_form` with a hidden record version that must still match the stored record."""

    class EditConflictForm(base_form):
        record_version = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=fingerprint
        )

        def clean(self):
            cleaned_data = super().clean()
            # Lock the row until the save commits (the admin saves inside a transaction).
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            submitted = self.data.get(self.add_prefix(FINGERPRINT_FIELD))
            if submitted != record_fingerprint(current):
                raise forms.ValidationError(EDIT_CONFLICT_MESSAGE, code="edit_conflict")
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
            model = type(self.instance)
            current = model._default_manager.select_for_update().get(pk=self.instance.pk)
            if self.data.get(self.add_prefix(FINGERPRINT_FIELD)) != record_fingerprint(current):
                raise forms.ValidationError(EDIT_CONFLICT_MESSAGE, code="edit_conflict")
        return cleaned_data


class EditConflictInlineMixin(AdminFormFieldsMixin):
    """For an InlineModelAdmin: its rows carry and check their record version (and, like every
    entry screen, take numbers as people type them: core.forms)."""

    form = EditConflictInlineForm

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), FINGERPRINT_FIELD]
