from decimal import Decimal

import pytest

from budgets.templatetags import money
from budgets.templatetags.money import as_printed


@pytest.mark.parametrize(
    ("amount", "unit", "printed"),
    [
        (Decimal("1473000.00"), "thousands", "1,473"),
        (Decimal("-93000.00"), "thousands", "(93)"),
        (Decimal("3000000"), "thousands", "3,000"),
        (Decimal("2790450.00"), "pounds", "2,790,450"),
        (Decimal("1234.50"), "pounds", "1,234.50"),
        (None, "pounds", ""),
    ],
)
def test_amounts_are_shown_as_the_document_prints_them(amount, unit, printed):
    assert as_printed(amount, unit) == printed


@pytest.mark.parametrize(
    ("percent", "shown"),
    [
        (Decimal("7.5"), "7.5%"),
        (Decimal("-0.7"), "(0.7%)"),
        (Decimal("13"), "13.0%"),
        (None, "\N{EN DASH}"),
    ],
)
def test_a_variance_percentage_is_shown_like_the_amounts(percent, shown):
    assert money.variance_percent(percent) == shown
