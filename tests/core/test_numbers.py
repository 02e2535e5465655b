from decimal import Decimal

import pytest

from core.numbers import (
    UnreadableNumber,
    format_money,
    format_number,
    format_percent,
    parse_number,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("4543.0000"), "4,543"),
        (Decimal("50000.0000"), "50,000"),
        (Decimal("70.90"), "70.9"),
        (Decimal("0.0000"), "0"),
        (Decimal("-1234.5"), "-1,234.5"),
        (Decimal("1E+3"), "1,000"),
        (None, ""),
    ],
)
def test_numbers_show_with_separators_and_no_trailing_zeros(value, shown):
    assert format_number(value) == shown


def test_a_percentage_shows_with_its_sign():
    assert format_percent(Decimal("70.90")) == "70.9%"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1473000.00"), "£1,473,000"),
        (Decimal("-93000.00"), "(£93,000)"),
        (Decimal("12.5"), "£12.50"),
        (Decimal("0"), "£0"),
    ],
)
def test_money_shows_with_a_pound_sign_and_income_in_brackets(amount, shown):
    assert format_money(amount) == shown


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("1,473,000", Decimal("1473000")),
        ("£1,473,000", Decimal("1473000")),
        ("1473000", Decimal("1473000")),
        (" 1473000.50 ", Decimal("1473000.50")),
        ("(£93,000)", Decimal("-93000")),
        ("-93000", Decimal("-93000")),
        ("70.9%", Decimal("70.9")),
        ("", None),
    ],
)
def test_what_people_type_is_read_as_the_amount_they_meant(typed, meant):
    assert parse_number(typed) == meant


@pytest.mark.parametrize("typed", ["1,47,3000", "12abc", "£", "1.2.3", "(93,000", "(-5)", "1e5"])
def test_anything_else_is_refused_saying_what_to_type(typed):
    with pytest.raises(UnreadableNumber, match="Enter a number, like 4,543"):
        parse_number(typed)
