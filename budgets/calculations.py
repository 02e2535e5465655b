"""Budget arithmetic as pure functions over Decimals."""

from collections.abc import Iterable
from decimal import Decimal

from budgets.choices import PresentationUnit

THOUSAND = Decimal(1000)


def in_presentation_unit(amount: Decimal, unit: str) -> Decimal:
    """An amount in pounds, expressed in the unit the budget is printed in (£ or £'000)."""
    return amount / THOUSAND if unit == PresentationUnit.THOUSANDS else amount


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of the amounts, income (negative) included; 0 for none."""
    return sum(amounts, Decimal(0))
