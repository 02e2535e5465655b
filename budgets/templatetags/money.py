"""Money as the budget documents print it: thousands separators, income in brackets."""

from decimal import Decimal

from django import template

from budgets import calculations

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
