from decimal import Decimal

import pytest

from budgets import calculations


@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [
        (Decimal("1473000"), "thousands", Decimal("1473")),
        (Decimal("-93000"), "thousands", Decimal("-93")),
        (Decimal("26052"), "pounds", Decimal("26052")),
    ],
)
def test_an_amount_is_shown_in_the_unit_the_budget_is_printed_in(amount, unit, shown):
    assert calculations.in_presentation_unit(amount, unit) == shown


def test_the_total_includes_income_as_a_negative_amount():
    lines = [Decimal("1473000"), Decimal("1620000"), Decimal("-93000")]
    assert calculations.total(lines) == Decimal("3000000")
    assert calculations.total([]) == Decimal("0")
