"""Forms of the plans app's pages, in the GOV.UK Design System's patterns: dates as day, month
and year, statuses as radios, and error summaries that link to the field in error.

Forms only read what people typed; the rules a milestone keeps (a completion date when done,
a reason for a revised due date) are the model's, and commentary when at risk or slipped is the
service's (plans.services.milestone_rule_errors), so the entry screens and imports keep them too."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.text import capfirst

from core.forms import GovukFormMixin
from core.permissions import is_closed
from plans.choices import RecommendationStatus
from plans.models import Milestone, Recommendation
from plans.selectors import TRACKER_STATUS_LABELS, TRACKER_STATUSES, MilestoneFilters

DATE_PARTS = ("day", "month", "year")

LABELS = {
    "title": "Title",
    "due_on": "Original due date",
    "status": "Status",
    "completed_on": "Completion date",
    "commentary": "Commentary",
    "revised_due_on": "Revised due date",
    "revision_reason": "Reason for the revised due date",
}
HINTS = {
    "due_on": "As planned. For example, 30 9 2016.",
    "completed_on": "Needed when the milestone is done. For example, 27 3 2017.",
    "commentary": "Needed when the milestone is at risk or slipped: say why, and what is being "
    "done about it.",
    "revised_due_on": "Only if the milestone is now due on another date, from the start of its "
    "plan year to the end of the following one. The original due date stays as it is, so "
    "slippage stays visible. For example, 31 1 2017.",
    "revision_reason": "Needed with a revised due date.",
}
REQUIRED = {
    "title": "Enter the milestone's title.",
    "due_on": "Enter the original due date.",
    "status": "Choose the milestone's status.",
}


class DateInput(forms.Widget):
    """The GOV.UK date input: day, month and year, each its own box, named `<name>_day` and so
    on. Its value is the three texts as typed, so they come back as typed after an error."""

    def value_from_datadict(self, data, files, name):
        return tuple(data.get(f"{name}_{part}", "").strip() for part in DATE_PARTS)

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in DATE_PARTS)

    def id_for_label(self, id_):
        # A label or an error summary link goes to the first box, the day.
        return f"{id_}_day" if id_ else id_

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return (str(value.day), str(value.month), str(value.year))
        if isinstance(value, (tuple, list)) and len(value) == len(DATE_PARTS):
            return tuple(value)
        return ("", "", "")


class DateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = DateInput

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date):
            return value
        parts = dict(zip(DATE_PARTS, value, strict=True))
        if not any(parts.values()):
            return None
        name = self.label
        missing = [part for part in DATE_PARTS if not parts[part]]
        if missing:
            raise ValidationError(
                f"{name} must include a {' and '.join(missing)}.", code="incomplete"
            )
        if not all(parts[part].isdigit() for part in DATE_PARTS):
            raise ValidationError(f"{name} must be a real date.", code="invalid")
        if len(parts["year"]) != 4:
            raise ValidationError(f"The year of {name.lower()} must include 4 numbers.")
        try:
            return datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError as error:
            raise ValidationError(f"{name} must be a real date.", code="invalid") from error


def date_input_parts(bound) -> list[dict]:
    """The day, month and year boxes of a bound DateField as the page draws them
    (templates/components/field.html)."""
    values = bound.field.widget.format_value(bound.value())
    return [
        {
            "label": part.capitalize(),
            "name": f"{bound.html_name}_{part}",
            "id": f"{bound.auto_id}_{part}",
            "value": value,
            "width": 4 if part == "year" else 2,
        }
        for part, value in zip(DATE_PARTS, values, strict=True)
    ]


def milestone_formfield(model_field, **kwargs):
    """The form field a milestone field is entered with: dates as GOV.UK date inputs, the status
    as radios, each with the page's label, hint and error for a missing value."""
    name = model_field.name
    options = {"label": LABELS.get(name, capfirst(model_field.verbose_name))}
    options["help_text"] = HINTS.get(name, "")
    if name in REQUIRED:
        options["error_messages"] = {"required": REQUIRED[name]}
    if isinstance(model_field, models.DateField):
        return DateField(required=not model_field.blank, **options)
    if name == "status":
        return model_field.formfield(widget=forms.RadioSelect, **options)
    if isinstance(model_field, models.TextField):
        return model_field.formfield(widget=forms.Textarea(attrs={"rows": 4}), **options)
    return model_field.formfield(**options)


class GovukPageFormMixin(GovukFormMixin):
    """For a page's form drawn field by field with templates/components/field.html: each field
    with the kind of GOV.UK component that draws it, dates as day, month and year boxes, and an
    error summary whose links move focus to the input in error. Used by the milestone form and
    the quarterly report's explanation form."""

    def first_input_id(self, name) -> str:
        """The id of the input an error summary link for field `name` moves focus to."""
        bound = self[name]
        if isinstance(bound.field, DateField):
            return f"{bound.auto_id}_day"
        if isinstance(bound.field.widget, forms.RadioSelect):
            return f"{bound.auto_id}_0"
        return bound.auto_id

    def error_links(self) -> list[tuple[str, str]]:
        """The error summary: (the input to go to, the message), in the form's order; errors
        that belong to no field of this form lead to its first field."""
        links = []
        first = self.first_input_id(next(iter(self.fields)))
        for message in self.errors.get(NON_FIELD_ERRORS, []):
            links.append((first, message))
        for name in self.fields:
            for message in self.errors.get(name, []):
                links.append((self.first_input_id(name), message))
        return links

    def date_parts(self) -> dict[str, list[dict]]:
        """For each date field, its day, month and year boxes as the page draws them."""
        return {
            name: date_input_parts(self[name])
            for name, field in self.fields.items()
            if isinstance(field, DateField)
        }

    def fields_for_page(self) -> list[dict]:
        """Each field with the kind of field templates/components/field.html draws it as and,
        for a date, its boxes."""
        dates = self.date_parts()
        drawn = []
        for name, field in self.fields.items():
            if name in dates:
                kind = "date"
            elif isinstance(field.widget, forms.RadioSelect):
                kind = "radios"
            elif isinstance(field.widget, forms.Textarea):
                kind = "textarea"
            else:
                kind = "text"
            drawn.append({"field": self[name], "kind": kind, "parts": dates.get(name, [])})
        return drawn

    def add_service_error(self, error: ValidationError) -> None:
        """Show a refusal of the save itself: on its field if the form has it, else above."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class MilestoneForm(GovukPageFormMixin, forms.ModelForm):
    """A milestone's update or new-milestone form; which fields it has depends on who is
    changing it (see milestone_form_class)."""

    class Meta:
        model = Milestone
        fields = ()
        formfield_callback = milestone_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()

    def _post_clean(self):
        super()._post_clean()
        # What the pages ask for besides the model's own rules, on the fields it concerns.
        for name, message in self.instance.update_errors().items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)


def milestone_form_class(fields) -> type[MilestoneForm]:
    """A milestone form with exactly `fields`, in that order."""
    return forms.modelform_factory(
        Milestone, form=MilestoneForm, fields=list(fields), formfield_callback=milestone_formfield
    )


DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]
DATE_HINT = "For example, 31/3/2017"


class RecommendationResponseForm(GovukFormMixin, forms.ModelForm):
    """A project owner records the addressee's latest response to a recommendation."""

    responded_on = forms.DateField(
        label="Date of the latest response",
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the date of the latest response.",
            "invalid": "Enter the date of the latest response as a date, like 31/3/2013.",
        },
    )

    class Meta:
        model = Recommendation
        fields = ["status", "responded_on", "response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 4})}
        labels = {"response": "What the response said"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].help_text = "Optional."
        self.govuk_widgets()

    def clean(self):
        # The database refuses it too, but the form's checks leave out constraints on fields it
        # does not show (made_on), so the message belongs to the date here.
        cleaned_data = super().clean()
        responded_on, made_on = cleaned_data.get("responded_on"), self.instance.made_on
        if responded_on and made_on and responded_on < made_on:
            self.add_error(
                "responded_on", "A response cannot come before the recommendation was made."
            )
        return cleaned_data


class RecommendationFilterForm(GovukFormMixin, forms.Form):
    """The recommendations tracker's choice of status, read from the address (GET), so a
    filtered list can be bookmarked and works without JavaScript."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Every status"), *RecommendationStatus.choices],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )

    def __init__(self, data):
        super().__init__(data)
        self.govuk_widgets()

    def chosen_status(self) -> str:
        """The status chosen; every status if none, or if what was asked for is no status."""
        return self.cleaned_data["status"] if self.is_valid() else ""


class MyWorkYearForm(GovukFormMixin, forms.Form):
    """My work's choice of plan year, showing the year shown; read from the address (?year=)."""

    year = forms.ChoiceField(label="Plan year", required=False)

    def __init__(self, *, plan_years, chosen):
        super().__init__(initial={"year": chosen.year if chosen else None}, auto_id="%s")
        self.fields["year"].choices = [
            (
                plan_year.year,
                f"{plan_year.year} (closed)" if is_closed(plan_year) else plan_year.year,
            )
            for plan_year in plan_years
        ]
        self.govuk_widgets()


def _filter(label, blank, problem):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", blank)],
        error_messages={"invalid_choice": problem},
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
    )


class MilestoneFilterForm(GovukFormMixin, forms.Form):
    """The milestone tracker's filters, read from the address (GET), so a filtered tracker can
    be bookmarked and linked to (the quarterly report links `?quarter=N`, the milestones due in
    quarter N) and works without JavaScript. A value that is not among the choices is ignored,
    and the field says so; the other filters still apply."""

    objective = _filter(
        "Objective",
        "All objectives",
        "Choose an objective from the list. The milestones under every objective are shown.",
    )
    owner = _filter(
        "Owner",
        "All owners",
        "Choose an owner from the list. The milestones of every owner are shown.",
    )
    status = _filter(
        "Status",
        "All statuses",
        "Choose a status from the list. The milestones of every status are shown.",
    )
    quarter = _filter(
        "Due in",
        "Any quarter",
        "Choose a quarter from the list, 1 to 4. The milestones due in every quarter are shown.",
    )
    as_at = _filter(
        "Status as at",
        "Today",
        "Choose today or the end of a quarter that has ended. The status is shown as at today.",
    )

    def __init__(self, data, *, options):
        super().__init__(data)
        today = options.today
        self.fields["objective"].choices = [
            ("", "All objectives"),
            (
                "Strategic objectives",
                [(f"objective-{each.pk}", str(each)) for each in options.objectives],
            ),
            (
                "Corporate and enabling objectives",
                [(f"corporate-{each.pk}", str(each)) for each in options.corporate_objectives],
            ),
            ("none", "Not under an objective"),
        ]
        self.fields["owner"].choices = [("", "All owners")] + [
            (str(role.pk), str(role)) for role in options.owners
        ]
        self.fields["status"].choices = [("", "All statuses")] + [
            (status, TRACKER_STATUS_LABELS[status]) for status, _ in TRACKER_STATUSES
        ]
        self.fields["quarter"].choices = [("", "Any quarter")] + [
            (
                str(quarter.number),
                f"Quarter {quarter.number} ({quarter.first_day:%B} to {quarter.last_day:%B})",
            )
            for quarter in options.quarters
        ]
        self.fields["as_at"].choices = [("", f"Today, {today.day} {today:%B %Y}")] + [
            (
                f"q{quarter.number}",
                f"End of quarter {quarter.number}, {quarter.last_day.day} {quarter.last_day:%B %Y}",
            )
            for quarter in options.ended_quarters
        ]

    def filters(self) -> MilestoneFilters:
        """The filters chosen, leaving out any that is not valid (the form then says why).
        Validating draws the widgets (GovukFormMixin.full_clean)."""
        self.is_valid()
        data = self.cleaned_data
        owner = data.get("owner")
        quarter = data.get("quarter")
        as_at = data.get("as_at")
        return MilestoneFilters(
            objective=data.get("objective", ""),
            owner=int(owner) if owner else None,
            status=data.get("status", ""),
            quarter=int(quarter) if quarter else None,
            as_at=int(as_at.removeprefix("q")) if as_at else None,
        )
