"""Financial years and reporting periods, as pure functions over dates.

A financial year runs from 1 April to 31 March and is written "2010-11". Quarter 1 is April to June.
A reporting period is identified by the first day of its month.
"""

import datetime
import functools
import re
from dataclasses import dataclass

FINANCIAL_YEAR_PATTERN = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})$")
FIRST_MONTH = 4  # April


class InvalidFinancialYear(ValueError):
    """Raised for text that is not a financial year such as 2010-11."""


def parse_financial_year(text: str) -> int:
    """Return the calendar year a financial year starts in: "2010-11" -> 2010."""
    match = FINANCIAL_YEAR_PATTERN.match(text or "")
    if not match:
        raise InvalidFinancialYear(f"{text!r} is not a financial year written like 2010-11.")
    start = int(match["start"])
    if (start + 1) % 100 != int(match["end"]):
        raise InvalidFinancialYear(
            f"{text!r} is not a financial year: the second part must be the year after the first "
            f"(write {start}-{(start + 1) % 100:02d})."
        )
    return start


def financial_year_label(start: int) -> str:
    """Return the label of the financial year starting in April of `start`: 2010 -> "2010-11"."""
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_of(day: datetime.date) -> int:
    """Return the calendar year in which the financial year containing `day` starts."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_bounds(start: int) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of the financial year starting in April of `start`."""
    return datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31)


def months_of_financial_year(start: int) -> list[datetime.date]:
    """Return the first day of each of the twelve months, April to March."""
    return list(_months_of_financial_year(start))


@functools.cache
def _months_of_financial_year(start: int) -> tuple[datetime.date, ...]:
    # Asked for tens of thousands of times in building one report at ten times the demo.
    return tuple(
        datetime.date(start + (month < FIRST_MONTH), month, 1)
        for month in (*range(FIRST_MONTH, 13), *range(1, FIRST_MONTH))
    )


def quarter_of(day: datetime.date) -> int:
    """Return the financial quarter (1-4) that `day` falls in; Q1 is April to June."""
    return (day.month - FIRST_MONTH) % 12 // 3 + 1


def is_month_start(day: datetime.date) -> bool:
    """Whether `day` identifies a reporting period (the first day of a month)."""
    return day.day == 1


def period_starts(start: int, months_per_period: int) -> list[datetime.date]:
    """Return the first day of each reporting period of the financial year starting in April of
    `start`, for periods of 1 (monthly), 3 (quarterly) or 12 (annual) months."""
    return months_of_financial_year(start)[::months_per_period]


def is_period_start(day: datetime.date, months_per_period: int) -> bool:
    """Whether `day` starts a reporting period of `months_per_period` months: periods are counted
    from April, so a quarter starts in April, July, October or January and a year in April."""
    return is_month_start(day) and (day.month - FIRST_MONTH) % months_per_period == 0


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a financial year, the date every figure of a quarterly report is "as at".

    `start` is the calendar year the financial year starts in (2010 for 2010-11) and `number`
    is 1 to 4, quarter 1 being April to June. Its `last_day` is what a selector is given as its
    as-at date; `last_period` is the first day of its last month, which identifies the last
    monthly reporting period it holds.
    """

    start: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"A financial year has quarters 1 to 4, not {self.number!r}.")

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        """The quarter `day` falls in."""
        return cls(financial_year_of(day), quarter_of(day))

    @classmethod
    def parse(cls, year: str, number: int | str) -> "Quarter":
        """Quarter `number` of the financial year written like "2010-11"; ValueError (an
        InvalidFinancialYear for the year) names what is wrong."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise ValueError(f"{number!r} is not a quarter: write 1, 2, 3 or 4.") from None
        return cls(parse_financial_year(year), number)

    @property
    def year(self) -> str:
        """The financial year's label, e.g. "2010-11"."""
        return financial_year_label(self.start)

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each of its three months."""
        return list(_months_of_financial_year(self.start)[(self.number - 1) * 3 : self.number * 3])

    # The days below are kept on the quarter once worked out (frozen dataclasses allow a
    # cached_property, which equality, ordering and hashing ignore): a report asks for them
    # about ten thousand times.

    @functools.cached_property
    def first_day(self) -> datetime.date:
        return _months_of_financial_year(self.start)[(self.number - 1) * 3]

    @functools.cached_property
    def last_period(self) -> datetime.date:
        """The first day of its last month: the last monthly reporting period it holds."""
        return _months_of_financial_year(self.start)[self.number * 3 - 1]

    @functools.cached_property
    def last_day(self) -> datetime.date:
        return last_day_of_month(self.last_period)

    @property
    def label(self) -> str:
        """ "Quarter 2 2010-11"."""
        return f"Quarter {self.number} {self.year}"

    @property
    def short_label(self) -> str:
        """ "Q2 2010-11"."""
        return f"Q{self.number} {self.year}"

    def __contains__(self, day: datetime.date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def previous(self) -> "Quarter":
        """The quarter before, which may be in the year before."""
        if self.number == 1:
            return Quarter(self.start - 1, 4)
        return Quarter(self.start, self.number - 1)

    @property
    def a_year_earlier(self) -> "Quarter":
        """The same quarter of the year before."""
        return Quarter(self.start - 1, self.number)


def last_day_of_month(day: datetime.date) -> datetime.date:
    """The last day of the month `day` falls in."""
    following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)
