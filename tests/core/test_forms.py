"""Numbers typed into the entry screens as people write them are stored as the right Decimal;
anything else is refused with a message saying what to type."""

from decimal import Decimal

import pytest
from django import forms

from budgets.models import BudgetLine
from core.forms import (
    GovukFormMixin,
    TypedDecimalField,
    TypedNumberInput,
    is_money,
    typed_decimal_formfield,
)
from kpis.models import Measurement


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,473,000", Decimal("1473000")),
        ("£1,473,000", Decimal("1473000")),
        ("1473000", Decimal("1473000")),
        (" £1,473,000.50 ", Decimal("1473000.50")),
        ("(£93,000)", Decimal("-93000")),
        ("-93000", Decimal("-93000")),
    ],
)
def test_an_amount_typed_as_people_write_it_is_the_same_decimal(typed, stored):
    field = TypedDecimalField(money=True, max_digits=14, decimal_places=2)

    assert field.clean(typed) == stored


@pytest.mark.parametrize("typed", ["about 2k", "1.473.000", "1,47,3000", "£", "12e3", "(5"])
def test_anything_else_is_refused_saying_what_to_type(typed):
    field = TypedDecimalField(money=True, max_digits=14, decimal_places=2)

    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)

    assert refused.value.messages == [
        f"{typed.strip()!r} is not a number. Enter an amount in pounds, like £1,473,000 or 1473000."
    ]


def test_a_measure_is_refused_with_the_hint_for_a_number():
    field = TypedDecimalField(max_digits=16, decimal_places=4)

    with pytest.raises(forms.ValidationError) as refused:
        field.clean("lots")

    assert "Enter a number, like 4,543 or 4543.5" in refused.value.messages[0]


def test_too_many_decimal_places_are_refused_by_the_fields_own_limit():
    field = TypedDecimalField(money=True, max_digits=14, decimal_places=2)

    with pytest.raises(forms.ValidationError, match="2 decimal places"):
        field.clean("1,473,000.123")


def test_blank_is_nothing_for_an_optional_field():
    field = TypedDecimalField(required=False, max_digits=16, decimal_places=4)

    assert field.clean("  ") is None


def test_the_stored_number_is_shown_as_people_write_it():
    assert TypedNumberInput().format_value(Decimal("4543.0000")) == "4,543"
    assert TypedNumberInput().format_value(Decimal("70.9000")) == "70.9"
    assert TypedNumberInput(money=True).format_value(Decimal("1473000.00")) == "1,473,000"
    assert TypedNumberInput(money=True).format_value(Decimal("12.50")) == "12.50"
    assert TypedNumberInput(money=True).format_value(Decimal("-93000.00")) == "-93,000"


def test_a_value_shown_unchanged_is_not_a_change():
    field = TypedDecimalField(money=True, max_digits=14, decimal_places=2)

    assert not field.has_changed(Decimal("1473000.00"), "1,473,000")
    assert field.has_changed(Decimal("1473000.00"), "1,500,000")


def test_money_and_measures_are_told_apart_by_their_decimal_places():
    assert is_money(BudgetLine._meta.get_field("amount"))
    assert not is_money(Measurement._meta.get_field("value"))
    amount = typed_decimal_formfield(BudgetLine._meta.get_field("amount"))
    assert isinstance(amount, TypedDecimalField)
    assert amount.widget.money
    assert amount.widget.attrs["inputmode"] == "decimal"


class ReportForm(GovukFormMixin, forms.Form):
    """A form as the pages draw theirs: a text box with a hint, a file, radios and a date."""

    title = forms.CharField(
        help_text="As printed.", widget=forms.TextInput(attrs={"class": "govuk-input--width-20"})
    )
    file = forms.FileField(required=False)
    status = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()


def test_each_input_gets_its_govuk_class_and_its_hint_is_read_out_with_it():
    form = ReportForm()

    assert form.fields["title"].widget.attrs == {
        "class": "govuk-input govuk-input--width-20",
        "aria-describedby": "id_title-hint",
    }
    assert form.fields["file"].widget.attrs == {"class": "govuk-file-upload"}
    # Radios are drawn by templates/components/field.html, input by input.
    assert form.fields["status"].widget.attrs == {}


def test_an_error_found_after_cleaning_is_drawn_on_its_input_once():
    form = ReportForm({"title": "Annual report"})
    assert form.is_valid()

    # As a service's refusal is added to the form once the form itself was valid.
    form.add_error("title", "A report of that title is already published.")

    assert form.fields["title"].widget.attrs == {
        "class": "govuk-input govuk-input--width-20 govuk-input--error",
        "aria-describedby": "id_title-hint id_title-error",
    }
