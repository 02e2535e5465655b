"""Form fields of the entry screens: numbers typed as people write them, and choices offered in
the plainest control that works for the length of the list.

Every admin of a record (core.admin.RecordAdmin) and every inline (core.edit_conflicts'
EditConflictInlineMixin) uses AdminFormFieldsMixin, so a model added later gets both without
saying so.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from core.numbers import (
    MONEY_HINT,
    NUMBER_HINT,
    UnreadableNumber,
    format_money,
    format_number,
    format_percent,
    parse_number,
)

#: An autocomplete box (select2) is offered only for a list longer than this; a shorter one is a
#: plain select (or a list of checkboxes, for a choice of many), which every browser and
#: screen reader handles without JavaScript.
SHORT_LIST = 60


def is_money(db_field) -> bool:
    """Whether a model field holds pounds: in this application every amount of money, and
    nothing else, is a decimal with two places (measures have four)."""
    return isinstance(db_field, models.DecimalField) and db_field.decimal_places == 2


def is_percent(db_field) -> bool:
    """Whether a model field holds a percentage (named ..._percent)."""
    return db_field.name.endswith("_percent")


def describe_decimal(db_field, value) -> str:
    """A decimal field's value as people write it: money £1,473,000 (income (£93,000)), a
    percentage 70.9%, a measure 4,543."""
    if is_money(db_field):
        return format_money(value)
    if is_percent(db_field):
        return format_percent(value)
    return format_number(value)


class TypedNumberInput(forms.TextInput):
    """A text box for a number (so that "1,473,000" can be typed), showing the stored number
    as people write it: 4543.0000 as 4,543 and 1473000.00 as 1,473,000."""

    def __init__(self, attrs=None, *, money=False):
        super().__init__({"inputmode": "decimal", "spellcheck": "false", **(attrs or {})})
        self.money = money

    def format_value(self, value):
        if isinstance(value, Decimal | int | float):
            value = Decimal(str(value))
            if self.money:
                places = 0 if value == value.to_integral_value() else 2
                return format_number(value, places=places)
            return format_number(value)
        return super().format_value(value)


class TypedDecimalField(forms.DecimalField):
    """A decimal typed as people write it: "1,473,000", "£1,473,000" and "1473000" are the same
    amount, "(£93,000)" and "-93000" the same income, "70.9%" the number 70.9. Anything else is
    refused with a message saying what to type."""

    widget = TypedNumberInput

    def __init__(self, *, money=False, **kwargs):
        self.hint = MONEY_HINT if money else NUMBER_HINT
        kwargs.setdefault("widget", TypedNumberInput(money=money))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(value, hint=self.hint)
        except UnreadableNumber as error:
            raise ValidationError(str(error), code="invalid") from error
        if number is None:
            return None
        if not number.is_finite():  # pragma: no cover - parse_number reads only digits
            raise ValidationError(f"{self.hint}.", code="invalid")
        return number


def typed_decimal_formfield(db_field, **kwargs):
    """The form field of a model's DecimalField on the entry screens."""
    return db_field.formfield(
        **{"form_class": TypedDecimalField, "money": is_money(db_field), **kwargs}
    )


class AdminFormFieldsMixin:
    """For a ModelAdmin or an inline: decimals typed as people write them, and an autocomplete
    box only where the list of choices is long.

    select2, the admin's autocomplete box, has parts that screen readers cannot name (see
    static/js/admin-accessible-widgets.js, which names them); a short list needs no search, so
    it is a plain select, or checkboxes for a choice of many."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField) and "widget" not in kwargs:
            kwargs = {"form_class": TypedDecimalField, "money": is_money(db_field), **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        return [name for name in fields if not self.is_short_list(request, name)]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if (
            db_field.name in super().get_autocomplete_fields(request)
            and db_field.name not in self.get_autocomplete_fields(request)
            and "widget" not in kwargs
        ):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def is_short_list(self, request, name) -> bool:
        """Whether the relation `name` has at most SHORT_LIST records to choose from, counted
        once per request."""
        counts = request.__dict__.setdefault("_choice_counts", {})
        key = (self.model, name)
        if key not in counts:
            related = self.model._meta.get_field(name).remote_field.model
            counts[key] = related._default_manager.count()
        return counts[key] <= SHORT_LIST


def form_errors_from_model(form, error: ValidationError) -> None:
    """Put what a model's validation refused on the form's fields where the form has them,
    and above the form where it does not, so that a value the form let through but the record
    cannot hold is said on the page rather than failing with a server error."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class GovukFormMixin:
    """Gives each input, select and textarea its GOV.UK class, its error state and the ids of its
    hint and error (aria-describedby), so that templates/components/field.html only lays the
    fields out. Widgets the component draws itself (dates as day, month and year, radios,
    checkboxes) and hidden fields are left as they are. A form calls govuk_widgets() at the end
    of its __init__, once its fields are as the page shows them; a bound form's are redrawn
    with their errors when it is cleaned."""

    def govuk_widgets(self):
        for name, bound in ((name, self[name]) for name in self.fields):
            widget = self.fields[name].widget
            if isinstance(widget, forms.HiddenInput | forms.CheckboxInput) or not isinstance(
                widget, forms.widgets.Input | forms.Select | forms.Textarea
            ):
                continue
            base = (
                "govuk-select"
                if isinstance(widget, forms.Select)
                else "govuk-textarea"
                if isinstance(widget, forms.Textarea)
                else "govuk-file-upload"
                if isinstance(widget, forms.FileInput)
                else "govuk-input"
            )
            classes = [base, *(c for c in widget.attrs.get("class", "").split() if c != base)]
            classes = [c for c in classes if c != f"{base}--error"]
            described = []
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}-hint")
            if self.is_bound and name in self.errors:
                classes.append(f"{base}--error")
                described.append(f"{bound.auto_id}-error")
            widget.attrs["class"] = " ".join(classes)
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            else:
                widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        self.govuk_widgets()

    def add_error(self, field, error):
        # An error found after cleaning (by a service, in a file) is drawn on its field too.
        super().add_error(field, error)
        self.govuk_widgets()
