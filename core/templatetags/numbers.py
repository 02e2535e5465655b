"""Template filters for numbers as people write them (see core.numbers)."""

from django import template

from core import numbers

register = template.Library()


@register.filter
def number(value, places=None):
    """{{ 4543.0000|number }} -> 4,543; {{ value|number:1 }} fixes one decimal place."""
    return numbers.format_number(value, places=None if places is None else int(places))


@register.filter
def percent(value, places=None):
    """{{ 70.90|percent }} -> 70.9%."""
    return numbers.format_percent(value, places=None if places is None else int(places))


@register.filter
def money(amount, places=None):
    """{{ 1473000|money }} -> £1,473,000; income -> (£93,000)."""
    return numbers.format_money(amount, places=None if places is None else int(places))
