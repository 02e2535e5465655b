"""A quarter's data-entry deadline and its reminders, in England's working days: pure date
arithmetic, no database.

A working day is a weekday that is not a bank holiday in England. The bank holidays come from
the `holidays` library (maintained, with substitute days and one-off holidays such as a royal
wedding), not from a typed list that would need updating every year.

- The default deadline is 15 working days after the quarter's last day.
- Owners are reminded at three stages: 5 working days before the deadline, on the day, and 3
  working days after it.
"""

import datetime
import functools

import holidays

#: Working days after a quarter's end by which its figures are due, unless an administrator
#: sets another date (reports.models.QuarterDeadline).
DEFAULT_WORKING_DAYS = 15

BEFORE, DUE, OVERDUE = "before", "due", "overdue"
#: The reminder stages in the order they come, each with its working days from the deadline
#: (negative: before it).
REMINDER_STAGES = {BEFORE: -5, DUE: 0, OVERDUE: 3}
STAGE_LABELS = {
    BEFORE: "5 working days before the deadline",
    DUE: "on the deadline",
    OVERDUE: "3 working days after the deadline",
}


@functools.cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    """England's bank holidays of one calendar year, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    """A weekday that is not a bank holiday in England."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _step(day: datetime.date, n: int, direction: int) -> datetime.date:
    if n < 0:
        raise ValueError(f"Count working days as 0 or more, not {n}.")
    one = datetime.timedelta(days=direction)
    while n:
        day += one
        if is_working_day(day):
            n -= 1
    return day


def working_days_after(day: datetime.date, n: int) -> datetime.date:
    """The `n`th working day after `day` (`day` itself not counted; `day` for 0)."""
    return _step(day, n, 1)


def working_days_before(day: datetime.date, n: int) -> datetime.date:
    """The `n`th working day before `day` (`day` itself not counted; `day` for 0)."""
    return _step(day, n, -1)


def default_deadline(quarter_end: datetime.date) -> datetime.date:
    """The data-entry deadline of the quarter ending on `quarter_end`: 15 working days later."""
    return working_days_after(quarter_end, DEFAULT_WORKING_DAYS)


def reminder_dates(deadline: datetime.date) -> dict[str, datetime.date]:
    """The day of each reminder stage for `deadline`, in REMINDER_STAGES' order."""
    return {
        stage: working_days_after(deadline, days)
        if days >= 0
        else working_days_before(deadline, -days)
        for stage, days in REMINDER_STAGES.items()
    }
