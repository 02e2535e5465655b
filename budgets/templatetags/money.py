"""Money as the budget documents print it: thousands separators, income in brackets."""

from decimal import Decimal

from django import template

from budgets import calculations
from budgets.choices import PresentationUnit
from core.numbers import format_money, format_percent

register = template.Library()


@register.filter
def as_printed(amount: Decimal | None, unit: str) -> str:
    """1473000 in a £'000 budget -> "1,473"; -93000 -> "(93)"; 26052 in £ -> "26,052"."""
    if amount is None:
        return ""
    shown = calculations.in_presentation_unit(amount, unit)
    places = 0 if shown == shown.to_integral_value() else 2
    text = f"{abs(shown):,.{places}f}"
    return f"({text})" if shown < 0 else text


@register.filter
def in_unit(amount: Decimal | None, unit: str) -> str:
    """An amount as the budget is printed: in a £ budget as money (£1,473,000; income
    (£93,000); pence when there are any), in a £'000 budget in thousands ("1,473", "(93)"),
    the unit being stated in the column header."""
    if unit == PresentationUnit.THOUSANDS:
        return as_printed(amount, unit)
    return format_money(amount)


@register.simple_tag
def unit_label(unit: str) -> str:
    """ "£" or "£'000"."""
    return PresentationUnit(unit).label


@register.filter
def variance_percent(percent: Decimal | None) -> str:
    """A variance percentage as the amounts are shown: 7.5 -> "7.5%", -0.7 -> "(0.7%)",
    13 -> "13.0%"; none (nothing budgeted) -> an en dash."""
    if percent is None:
        return "\N{EN DASH}"
    text = format_percent(abs(percent), places=1)
    return f"({text})" if percent < 0 else text
