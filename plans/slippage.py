"""Slippage and deadlines of milestones, as pure functions over dates.

A milestone slips when it was completed after its original due date, or when it is not done and
its original due date has passed; its slippage is the number of days late. A revised due date
never hides slippage: it is measured from the original due date. What a milestone is now due by
(its revised due date, else the original) decides whether it is overdue or due this quarter.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from plans import periods


def days_late(
    *, due_on: datetime.date, completed_on: datetime.date | None, done: bool, today: datetime.date
) -> int:
    """How many days after its original due date a milestone was completed or, not done, how
    many days its original due date has passed; 0 when it is not late."""
    if done:
        finished = completed_on or due_on
        return max(0, (finished - due_on).days)
    return max(0, (today - due_on).days)


def is_overdue(*, expected_on: datetime.date, done: bool, today: datetime.date) -> bool:
    """Not done, and the date it is now due by has passed."""
    return not done and expected_on < today


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the financial quarter (April-June, ...) that `day` falls in."""
    start = periods.financial_year_of(day)
    months = [*periods.months_of_financial_year(start), datetime.date(start + 1, 4, 1)]
    quarter = periods.quarter_of(day)
    return months[(quarter - 1) * 3], months[quarter * 3] - datetime.timedelta(days=1)


def is_due_this_quarter(*, expected_on: datetime.date, done: bool, today: datetime.date) -> bool:
    """Not done, not yet overdue, and due by the end of the quarter today falls in."""
    _, last = quarter_bounds(today)
    return not done and today <= expected_on <= last


@dataclass(frozen=True)
class Slippage:
    """How many milestones slipped, and the largest slip in days (0 when none did)."""

    count: int = 0
    largest: int = 0


def summarise(days: Iterable[int]) -> Slippage:
    """The slippage of a set of milestones, from each one's days late."""
    late = [day for day in days if day > 0]
    return Slippage(count=len(late), largest=max(late, default=0))
