"""Budget arithmetic as pure functions over Decimals."""

import datetime
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgets.choices import PresentationUnit

THOUSAND = Decimal(1000)


def in_presentation_unit(amount: Decimal, unit: str) -> Decimal:
    """An amount in pounds, expressed in the unit the budget is printed in (£ or £'000)."""
    return amount / THOUSAND if unit == PresentationUnit.THOUSANDS else amount


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of the amounts, income (negative) included; 0 for none."""
    return sum(amounts, Decimal(0))


# ---------------------------------------------------------------------------------------------
# Variance: budget profiled to date, actual to date, forecast outturn
# ---------------------------------------------------------------------------------------------
#
# Conventions, the same on the page, in the workbook and in the csv:
# - A line's twelve months run April to March. A report is "as at" the end of a month with
#   actuals (as_at_month): never a later month, whose missing actuals would read as an
#   underspend of the months not yet reported.
# - "To date" means the months with actuals up to and including that month (months_reported):
#   the budget and the actual to date are both over those months. A line without an actual in
#   such a month spent nothing in it (an import of a month clears the lines it leaves out).
# - Every other month takes its forecast, then its profile, in the forecast outturn
#   (month_outturn), so the outturn does not change when a later month without figures is asked
#   for, and a budget without actuals has no variance to date and an outturn on budget.
# - Variance is actual minus budget: positive is an overspend (or, on an income line, which is
#   negative, less income than budgeted), negative an underspend (more income).
# - Amounts are rounded to the penny only where the budget is spread evenly; every other figure
#   is a sum of what was entered, so totals are exact sums of the lines.

MONTHS_IN_YEAR = 12
PENNY = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def as_at_month(
    asked: datetime.date | None, months_with_actuals: Sequence[datetime.date]
) -> datetime.date | None:
    """The month (its first day) a variance report is as at, for the day `asked` (any day of a
    month, such as a quarter's last day; None for the latest): the latest month with actuals
    not after the month `asked` falls in. None when no month by then has actuals."""
    last = None if asked is None else asked.replace(day=1)
    candidates = [month for month in months_with_actuals if last is None or month <= last]
    return max(candidates, default=None)


def months_reported(
    months: Sequence[datetime.date],
    months_with_actuals: Collection[datetime.date],
    as_at: datetime.date | None,
) -> tuple[bool, ...]:
    """For each of the year's `months`, whether its actuals count to date as at the month
    `as_at` (as_at_month's): it has actuals and is not after it."""
    return tuple(
        as_at is not None and month <= as_at and month in months_with_actuals for month in months
    )


def first_months(count: int) -> tuple[bool, ...]:
    """months_reported for actuals in each of the first `count` months, as at the last of them."""
    return (True,) * count + (False,) * (MONTHS_IN_YEAR - count)


def monthly_profile(annual: Decimal, profile: Sequence[Decimal | None]) -> list[Decimal]:
    """The budget of each of the twelve months. A line with any month profiled follows its
    profile (months without one are nothing); otherwise the annual budget is spread evenly, the
    pennies that do not divide falling where the running total rounds up, so the twelve months
    add up to the annual budget exactly."""
    if any(month is not None for month in profile):
        return [month if month is not None else ZERO for month in profile]
    running = [_pennies(annual * month / MONTHS_IN_YEAR) for month in range(MONTHS_IN_YEAR + 1)]
    return [running[month] - running[month - 1] for month in range(1, MONTHS_IN_YEAR + 1)]


def to_date(amounts: Sequence[Decimal | None], months_elapsed: int) -> Decimal:
    """The sum of the first `months_elapsed` months; a month with nothing entered is nothing."""
    return total(amount for amount in amounts[:months_elapsed] if amount is not None)


def reported_to_date(amounts: Sequence[Decimal | None], reported: Sequence[bool]) -> Decimal:
    """The sum of the months whose actuals count to date; a month with nothing entered is
    nothing."""
    return total(
        amount
        for amount, counts in zip(amounts, reported, strict=True)
        if counts and amount is not None
    )


def variance(actual: Decimal, budget: Decimal) -> Decimal:
    """Actual minus budget: positive is an overspend, negative an underspend."""
    return actual - budget


def variance_percent(variance_amount: Decimal, budget: Decimal) -> Decimal | None:
    """The variance as a percentage of the budget it is measured against, to one decimal place;
    None when that budget is nothing (no percentage of nothing)."""
    if budget == 0:
        return None
    return (variance_amount / abs(budget) * HUNDRED).quantize(TENTH, rounding=ROUND_HALF_UP)


def month_outturn(
    actual: Decimal | None, forecast: Decimal | None, budget: Decimal, reported: bool
) -> Decimal:
    """What one month of a line counts in its forecast outturn: in a month whose actuals count
    to date, its actual (nothing if it has none); in any other month its forecast, then its
    budget (on budget until told otherwise)."""
    if reported:
        return actual if actual is not None else ZERO
    return forecast if forecast is not None else budget


def forecast_outturn(
    actuals: Sequence[Decimal | None],
    forecasts: Sequence[Decimal | None],
    month_budgets: Sequence[Decimal],
    reported: Sequence[bool],
) -> Decimal:
    """What the line is expected to come to for the year: each month as month_outturn counts it."""
    return total(
        month_outturn(actual, forecast, budget, counts)
        for actual, forecast, budget, counts in zip(
            actuals, forecasts, month_budgets, reported, strict=True
        )
    )


class Tolerance:
    """Whether a variance lies beyond the tolerance: words for the page and the workbook."""

    OVER = "over"
    UNDER = "under"


def beyond_tolerance(
    variance_amount: Decimal, budget_to_date: Decimal, tolerance_percent: Decimal
) -> str | None:
    """Tolerance.OVER or Tolerance.UNDER when the variance is more than `tolerance_percent` of
    the budget profiled to date (strictly more: a variance exactly at the tolerance is within
    it), else None. With nothing profiled to date any variance is beyond it."""
    limit = abs(budget_to_date) * tolerance_percent / HUNDRED
    if variance_amount > limit:
        return Tolerance.OVER
    if variance_amount < -limit:
        return Tolerance.UNDER
    return None


def share_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal place; None for a whole of nothing."""
    if whole == 0:
        return None
    return (part / whole * HUNDRED).quantize(TENTH, rounding=ROUND_HALF_UP)


def not_itemised(lines_total: Decimal, grant_total: Decimal) -> Decimal:
    """The grant-in-aid the lines do not itemise (nothing when the lines reach or pass it):
    held as admin and running costs when splitting the budget, as 2012-13 prints its £765K."""
    return max(grant_total - lines_total, ZERO)


def notes_mentioning(amount: Decimal, notes: Iterable[str]) -> str:
    """The sentences of the notes that mention `amount` (as "602", "£602" or "95,273",
    whatever its sign); the notes are texts of one note a line, "- " before each or not.
    Where a budget's notes say why its lines and its printed total differ, this is the reason
    given beside that difference. "" when no note mentions it."""
    whole = abs(amount).quantize(Decimal(1), ROUND_HALF_UP)
    if not whole:
        return ""
    # The figure as a whole number, not part of a longer one nor of a decimal.
    written = re.compile(rf"(?<![\d.]){whole}(?!\d|\.\d)")
    found = []
    paragraphs = [line.strip().removeprefix("- ") for note in notes for line in note.splitlines()]
    for paragraph in paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", paragraph):
            if written.search(re.sub(r"(?<=\d),(?=\d{3})", "", sentence)):
                found.append(sentence)
    return " ".join(found)


@dataclass(frozen=True)
class Variance:
    """One line's (or a total's) figures on the variance page and in the workbook, in pounds."""

    annual_budget: Decimal
    budget_to_date: Decimal
    actual_to_date: Decimal
    variance: Decimal
    variance_percent: Decimal | None
    forecast_outturn: Decimal
    full_year_variance: Decimal
    full_year_variance_percent: Decimal | None
    beyond_tolerance: str | None


def variance_of_sums(
    annual: Decimal,
    budget_to_date: Decimal,
    actual_to_date: Decimal,
    outturn: Decimal,
    tolerance_percent: Decimal,
) -> Variance:
    """The variance of an annual budget, the budget to date, the actual to date and the
    forecast outturn (a line's, or the sums of several lines')."""
    to_date_variance = variance(actual_to_date, budget_to_date)
    full_year = variance(outturn, annual)
    return Variance(
        annual_budget=annual,
        budget_to_date=budget_to_date,
        actual_to_date=actual_to_date,
        variance=to_date_variance,
        variance_percent=variance_percent(to_date_variance, budget_to_date),
        forecast_outturn=outturn,
        full_year_variance=full_year,
        full_year_variance_percent=variance_percent(full_year, annual),
        beyond_tolerance=beyond_tolerance(to_date_variance, budget_to_date, tolerance_percent),
    )


def line_variance(
    *,
    annual: Decimal,
    profile: Sequence[Decimal | None],
    actuals: Sequence[Decimal | None],
    forecasts: Sequence[Decimal | None],
    reported: Sequence[bool],
    tolerance_percent: Decimal,
) -> Variance:
    """A budget line's variance from its annual budget and its twelve months of profile,
    actuals and forecasts, as at the month whose `reported` months (months_reported) count to
    date."""
    if any(month is not None for month in profile):
        month_budgets = monthly_profile(annual, profile)
        actual_to_date = reported_to_date(actuals, reported)
        budget_to_date = reported_to_date(month_budgets, reported)
        outturn = forecast_outturn(actuals, forecasts, month_budgets, reported)
    else:
        # Spread evenly: the same figures as monthly_profile's and month_outturn's, in one pass
        # and worked out only where needed (a month's budget is the step in the running total,
        # so a run of months counting to date is the step across the run; a month that does
        # not count needs its budget only where it has no forecast), which matters for a
        # workbook of 50,000 lines.
        def running(month: int) -> Decimal:
            return _pennies(annual * month / MONTHS_IN_YEAR) if month else ZERO

        actual_to_date = budget_to_date = later = ZERO
        run_start = None
        for month in range(MONTHS_IN_YEAR):
            if reported[month]:
                actual = actuals[month]
                if actual is not None:
                    actual_to_date += actual
                if run_start is None:
                    run_start = month
                continue
            if run_start is not None:
                budget_to_date += running(month) - running(run_start)
                run_start = None
            forecast = forecasts[month]
            later += forecast if forecast is not None else running(month + 1) - running(month)
        if run_start is not None:
            budget_to_date += running(MONTHS_IN_YEAR) - running(run_start)
        outturn = actual_to_date + later
    return variance_of_sums(annual, budget_to_date, actual_to_date, outturn, tolerance_percent)


def combined_variance(parts: Iterable[Variance], tolerance_percent: Decimal) -> Variance:
    """The variance of several lines together (a category, the whole budget): the amounts are
    the sums of the parts', the percentages and tolerance worked out again from those sums."""
    parts = list(parts)
    return variance_of_sums(
        total(part.annual_budget for part in parts),
        total(part.budget_to_date for part in parts),
        total(part.actual_to_date for part in parts),
        total(part.forecast_outturn for part in parts),
        tolerance_percent,
    )
