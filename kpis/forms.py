"""The form in which an indicator's owner enters or corrects the actual for one period."""

import datetime

from django import forms
from django.utils.text import Truncator

from core.forms import GovukFormMixin
from core.numbers import UnreadableNumber, parse_number
from kpis.choices import Aggregation, Unit
from kpis.selectors import period_label

COUNT_HINT = "Enter a whole number, like 412"


def _number_input():
    return forms.TextInput(
        attrs={"class": "govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false"}
    )


class ActualForm(GovukFormMixin, forms.Form):
    """One period's actual: a value, or for a ratio what was counted; and the commentary.

    Checks what a person can get wrong and says how to put it right: the period inside the
    plan year and already begun, no negative counts, a numerator not above its denominator, a
    percentage from 0 to 100. Commentary on a red actual is the service's rule, not the form's,
    so that the entry screens and imports keep it too.
    """

    # Text with a list to choose from, so a period outside the year gets its own message.
    period = forms.CharField(label="Period", widget=forms.Select)
    value = forms.CharField(label="Actual", required=False, widget=_number_input())
    numerator = forms.CharField(
        label="How many said yes (numerator)", required=False, widget=_number_input()
    )
    denominator = forms.CharField(
        label="Out of how many (denominator)", required=False, widget=_number_input()
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the figure shows and, if it is behind target, what is being done. "
        "Required when the actual puts the indicator at red.",
    )
    # The actual's version when the form was opened (core.edit_conflicts): its fingerprint,
    # or NEW_RECORD when the period had none.
    record_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, indicator, actuals, period_targets, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.actuals = actuals
        self.period_targets = period_targets
        self.today = today
        self.fields["period"].widget.choices = [
            (period.isoformat(), period_label(indicator, period)) for period in indicator.periods()
        ]
        self.fields[
            "period"
        ].help_text = f"This indicator is measured {indicator.get_frequency_display().lower()}."
        if self.is_ratio:
            del self.fields["value"]
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            if self.is_percentage:
                self.fields["value"].label = "Actual (%)"
        self.govuk_widgets()

    @property
    def is_ratio(self) -> bool:
        return self.indicator.aggregation == Aggregation.RATIO

    @property
    def is_percentage(self) -> bool:
        return self.indicator.unit == Unit.PERCENTAGE

    def clean_period(self):
        text = self.cleaned_data["period"]
        try:
            period = datetime.date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError("Choose the period from the list.") from None
        year = self.indicator.plan_year
        if not year.contains(period):
            raise forms.ValidationError(f"The period must fall within {year.year}.")
        if period > self.today:
            raise forms.ValidationError(
                f"{period_label(self.indicator, period)} has not started yet: enter an actual "
                "for a period that has begun."
            )
        return period

    def _number(self, name, *, hint, whole=False):
        try:
            number = parse_number(self.cleaned_data.get(name) or None, hint=hint)
        except UnreadableNumber as error:
            self.add_error(name, str(error))
            return None
        if number is not None and whole and number != number.to_integral_value():
            self.add_error(name, COUNT_HINT)
            return None
        return number

    def clean(self):
        cleaned = super().clean()
        if self.is_ratio:
            self._clean_ratio(cleaned)
        else:
            self._clean_value(cleaned)
        # Commentary on a red actual is asked for by the service that records it
        # (kpis.services.measurement_rule_errors), which every route calls.
        return cleaned

    def _clean_ratio(self, cleaned):
        numerator = self._number("numerator", hint=COUNT_HINT, whole=True)
        denominator = self._number("denominator", hint=COUNT_HINT, whole=True)
        if "numerator" not in self.errors and numerator is None:
            self.add_error("numerator", "Enter how many said yes (the numerator).")
        if "denominator" not in self.errors and denominator is None:
            self.add_error("denominator", "Enter how many were asked (the denominator).")
        if numerator is not None and numerator < 0:
            self.add_error("numerator", "The numerator cannot be negative.")
            numerator = None
        if denominator is not None and denominator <= 0:
            self.add_error("denominator", "The denominator must be more than zero.")
            denominator = None
        if numerator is not None and denominator is not None and numerator > denominator:
            self.add_error(
                "numerator",
                f"The numerator ({numerator:,}) cannot be more than the denominator "
                f"({denominator:,}).",
            )
        cleaned["numerator"], cleaned["denominator"] = numerator, denominator
        cleaned["value"] = None

    def _clean_value(self, cleaned):
        unit = self.indicator.unit
        value = self._number("value", hint=COUNT_HINT if unit == Unit.COUNT else "Enter a number")
        if "value" in self.errors:
            return
        if value is None:
            self.add_error("value", "Enter the actual for this period.")
        elif self.is_percentage and not 0 <= value <= 100:
            self.add_error("value", "A percentage must be between 0 and 100.")
        elif unit == Unit.COUNT and value < 0:
            self.add_error("value", "A count cannot be negative.")
        cleaned["value"] = value
        cleaned["numerator"] = cleaned["denominator"] = None


class DashboardFilterForm(GovukFormMixin, forms.Form):
    """The dashboard's filters as the page draws them, showing what it is narrowed to; they are
    read from the address (kpis.views._filters), so a filtered dashboard can be bookmarked."""

    owner = forms.ChoiceField(label="Owner", required=False)
    tier = forms.ChoiceField(label="Tier", required=False)
    group = forms.ChoiceField(label="Objective or theme", required=False)

    def __init__(self, dashboard):
        chosen = dashboard.filters
        super().__init__(
            initial={"owner": chosen.owner, "tier": chosen.tier, "group": chosen.group},
            auto_id="%s",
        )
        self.fields["owner"].choices = [("", "All owners"), *dashboard.owner_choices]
        self.fields["tier"].choices = [("", "All tiers"), *dashboard.tier_choices]
        self.fields["group"].choices = [
            ("", "All objectives and themes"),
            *(
                (name, [(value, Truncator(label).chars(70)) for value, label in options])
                for name, options in dashboard.group_choices
            ),
        ]
        self.govuk_widgets()
