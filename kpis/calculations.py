"""Year to date, target to date and RAG status of an indicator, as pure functions over Decimals
and dates: no database, so every rule is table-tested on its own.

- **Year to date**: a total adds up its periods, a level takes the latest period, a ratio divides
  the summed numerators by the summed denominators (percentages are never averaged).
- **Target to date**: explicit period targets where set; otherwise a total's annual target
  profiled evenly over its periods, and a level's or ratio's annual target held flat. A target
  relative to a baseline resolves to a number (a 50% increase on 80,000 is 120,000); where no
  number can be formed the answer is "no target to date" with the reason, never a made-up one.
- **RAG**: the actual to date against the target to date, at per-indicator thresholds (by
  default green from 100%, amber from 90%, red below), mirrored when lower is better.
- **As at a quarter's end** (a plans.periods.Quarter): the status the dashboard, the indicator
  page, the exports and the quarterly report all show (`status_at`); a quarter's own subtotal
  beside it (`quarter_figures`); and recommendations counted as they stood then, from their
  audit history (`recommendation_counts`).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from plans.periods import Quarter

HUNDRED = Decimal(100)
DEFAULT_GREEN_FROM = Decimal(100)
DEFAULT_AMBER_FROM = Decimal(90)

# The words of kpis.choices.Aggregation and Direction, repeated so this module needs no Django
# (plans.periods, its dates and quarters, needs none either).
TOTAL, LEVEL, RATIO = "total", "level", "ratio"
HIGHER, LOWER = "higher", "lower"


class Rag(StrEnum):
    """An indicator's status against its target to date, always shown as a word."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no data"
    NO_TARGET = "no target"

    @property
    def label(self) -> str:
        return {
            Rag.GREEN: "Green",
            Rag.AMBER: "Amber",
            Rag.RED: "Red",
            Rag.NO_DATA: "No data",
            Rag.NO_TARGET: "No target to date",
        }[self]


# In the order a director reads them: the worst first.
RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NO_TARGET, Rag.NO_DATA]


@dataclass(frozen=True)
class Actual:
    """One period's actual: a value, or for a ratio what was counted."""

    period: datetime.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def percent(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator * HUNDRED / self.denominator

    def figure(self, aggregation: str) -> Decimal | None:
        """The period's own figure: its value, or its percentage for a ratio."""
        return self.percent if aggregation == RATIO else self.value


@dataclass(frozen=True)
class Target:
    """A number to compare with, or the reason there is none."""

    value: Decimal | None
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.value is not None


def year_to_date(aggregation: str, actuals: Iterable[Actual], *, up_to: datetime.date):
    """The actual to date over the periods starting on or before `up_to`, or None when nothing
    has been entered by then."""
    entered = sorted(
        (actual for actual in actuals if actual.period <= up_to), key=lambda a: a.period
    )
    if not entered:
        return None
    if aggregation == TOTAL:
        return sum((actual.value for actual in entered if actual.value is not None), Decimal(0))
    if aggregation == LEVEL:
        return entered[-1].value
    if aggregation == RATIO:
        counted = [a for a in entered if a.numerator is not None and a.denominator]
        denominator = sum((a.denominator for a in counted), Decimal(0))
        if not denominator:
            return None
        return sum((a.numerator for a in counted), Decimal(0)) * HUNDRED / denominator
    raise ValueError(f"Unknown aggregation {aggregation!r}")


def annual_target(
    *,
    annual: Decimal | None,
    baseline: Decimal | None = None,
    change_percent: Decimal | None = None,
    later: Decimal | None = None,
    later_year: str = "",
) -> Target:
    """The year's target as a number: as set, or resolved from a baseline and a relative change
    (a 50% increase on 80,000 is 120,000); otherwise no number, with the reason."""
    if annual is not None:
        return Target(annual)
    if change_percent is not None:
        if baseline is None:
            return Target(
                None,
                f"The target is a {_signed_percent(change_percent)} change on a baseline the "
                "plan does not give.",
            )
        return Target(baseline * (1 + change_percent / HUNDRED))
    if later is not None:
        return Target(None, f"The plan sets a target for {later_year or 'a later year'} only.")
    return Target(None, "The plan sets no numeric target.")


def _signed_percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%" if value < 0 else f"+{text}%"


def profile(
    aggregation: str,
    periods: Sequence[datetime.date],
    annual: Target,
    period_targets: Mapping[datetime.date, Decimal],
) -> dict[datetime.date, Decimal | None]:
    """Each period's target: explicit where set; otherwise a total's annual target shared evenly
    between its periods (120,000 a year is 10,000 a month), a level's or ratio's held flat; None
    where neither gives a number."""
    if aggregation == TOTAL:
        even = annual.value / len(periods) if annual.known and periods else None
    else:
        even = annual.value
    return {period: period_targets.get(period, even) for period in periods}


def target_to_date(
    aggregation: str,
    periods: Sequence[datetime.date],
    annual: Target,
    period_targets: Mapping[datetime.date, Decimal],
    *,
    up_to: datetime.date,
) -> Target:
    """The target for the periods starting on or before `up_to`: a total's profile summed, a
    level's or ratio's target for the latest of them; or no number, with the reason."""
    elapsed = [period for period in periods if period <= up_to]
    if not elapsed:
        return Target(None, "No period of the year has started yet.")
    targets = profile(aggregation, periods, annual, period_targets)
    wanted = elapsed if aggregation == TOTAL else elapsed[-1:]
    if any(targets[period] is None for period in wanted):
        return Target(None, annual.reason or "Some periods have no target.")
    if aggregation == TOTAL:
        return Target(sum((targets[period] for period in wanted), Decimal(0)))
    return Target(targets[wanted[0]])


def rag(
    actual: Decimal | None,
    target: Target,
    *,
    direction: str = HIGHER,
    green_from: Decimal = DEFAULT_GREEN_FROM,
    amber_from: Decimal = DEFAULT_AMBER_FROM,
) -> Rag:
    """Green, amber or red for the actual to date against the target to date.

    Higher is better: green at or above `green_from`% of the target, amber at or above
    `amber_from`%, red below. Lower is better, mirrored: green at or below (200 - green_from)%
    of the target, amber at or below (200 - amber_from)%, red above; so a lower-is-better target
    of zero (no qualified accounts) is green only at zero.
    """
    if actual is None:
        return Rag.NO_DATA
    if not target.known:
        return Rag.NO_TARGET
    goal = target.value
    if direction == LOWER:
        if actual <= goal * (2 * HUNDRED - green_from) / HUNDRED:
            return Rag.GREEN
        if actual <= goal * (2 * HUNDRED - amber_from) / HUNDRED:
            return Rag.AMBER
        return Rag.RED
    if actual >= goal * green_from / HUNDRED:
        return Rag.GREEN
    if actual >= goal * amber_from / HUNDRED:
        return Rag.AMBER
    return Rag.RED


@dataclass(frozen=True)
class Status:
    """Where an indicator stands at the end of a quarter: its actual and target to date and its
    RAG, the figures the dashboard, the indicator page, the exports and the quarterly report
    all show."""

    actual_to_date: Decimal | None
    target_to_date: Target
    rag: Rag


def status_at(
    aggregation: str,
    periods: Sequence[datetime.date],
    annual: Target,
    period_targets: Mapping[datetime.date, Decimal],
    actuals: Iterable[Actual],
    *,
    quarter: Quarter,
    direction: str = HIGHER,
    green_from: Decimal = DEFAULT_GREEN_FROM,
    amber_from: Decimal = DEFAULT_AMBER_FROM,
    counted: int | None = None,
) -> Status:
    """The status at the end of `quarter`: the year to date and the target to date over the
    periods begun by its last month, and their RAG. `counted` is the actual of an indicator the
    application counts itself (recommendations as they stood at the quarter's end)."""
    up_to = quarter.last_period
    if counted is not None:
        actual = Decimal(counted)
    else:
        actual = year_to_date(aggregation, actuals, up_to=up_to)
    target = target_to_date(aggregation, periods, annual, period_targets, up_to=up_to)
    return Status(
        actual_to_date=actual,
        target_to_date=target,
        rag=rag(actual, target, direction=direction, green_from=green_from, amber_from=amber_from),
    )


RED_NEEDS_COMMENTARY = (
    "This actual puts the indicator at red against its target to date: say in the commentary "
    "what is being done about it."
)


def red_needs_commentary(
    indicator,
    *,
    entered: Actual,
    commentary: str,
    other_actuals: Iterable[Actual],
    period_targets: Mapping[datetime.date, Decimal],
) -> bool:
    """Whether an actual, entered with `commentary`, is refused for want of it: one that leaves
    the indicator red to date needs commentary on what is being done, as the Leadership Team
    report asks for measures to correct deviations. `indicator` gives its definition (its
    aggregation, direction, targets, thresholds and periods); `other_actuals` are its actuals of
    the other periods."""
    if commentary.strip():
        return False
    period = entered.period
    actuals = [actual for actual in other_actuals if actual.period != period] + [entered]
    actual = year_to_date(indicator.aggregation, actuals, up_to=period)
    annual = annual_target(
        annual=indicator.annual_target,
        baseline=indicator.baseline,
        change_percent=indicator.target_change_percent,
    )
    target = target_to_date(
        indicator.aggregation, indicator.periods(), annual, period_targets, up_to=period
    )
    status = rag(
        actual,
        target,
        direction=indicator.direction,
        green_from=indicator.green_from_percent,
        amber_from=indicator.amber_from_percent,
    )
    return status is Rag.RED


@dataclass(frozen=True)
class QuarterFigures:
    """A quarter's own target and actual (its subtotal) beside the status at its end."""

    quarter: Quarter
    target: Decimal | None
    actual: Decimal | None
    to_date: Status


def quarter_figures(
    aggregation: str,
    periods: Sequence[datetime.date],
    annual: Target,
    period_targets: Mapping[datetime.date, Decimal],
    actuals: Iterable[Actual],
    *,
    quarter: Quarter,
    **thresholds,
) -> QuarterFigures:
    """The quarter's subtotal, its own figures (a total's sum, a level's latest, a ratio's
    counts added afresh, against the quarter's own target), beside the year to date at its end
    (`status_at`, with the same `thresholds`)."""
    actuals = list(actuals)
    first, last = quarter.first_day, quarter.last_period
    within = [actual for actual in actuals if first <= actual.period <= last]
    targets = profile(aggregation, periods, annual, period_targets)
    in_quarter = [targets[period] for period in periods if first <= period <= last]
    if not in_quarter or None in in_quarter:
        target = None
    elif aggregation == TOTAL:
        target = sum(in_quarter, Decimal(0))
    else:
        target = in_quarter[-1]
    return QuarterFigures(
        quarter=quarter,
        target=target,
        actual=year_to_date(aggregation, within, up_to=last),
        to_date=status_at(
            aggregation, periods, annual, period_targets, actuals, quarter=quarter, **thresholds
        ),
    )


# --- Recommendations as they stood ---------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationRow:
    """One row of a recommendation's audit history: its project and status from `when` on
    (or, `deleted`, its deletion then). `order` breaks a tie between rows of one moment."""

    recommendation: int
    project: int
    status: str
    when: datetime.datetime
    order: int = 0
    deleted: bool = False


def moment_after(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """The first moment after `day` ends where the organisation is (midnight in London): a
    change before it happened by the end of `day`."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)


def recommendation_counts(
    rows: Iterable[RecommendationRow],
    *,
    projects: Iterable[int],
    statuses: Sequence[str],
    before: datetime.datetime,
) -> dict[int, dict[str, int]]:
    """For each of `projects`, how many of its recommendations were in each of `statuses` as
    they stood just before `before`: each recommendation's latest history row before then. One
    with no row by then (made later) or deleted by then is not counted."""
    latest: dict[int, RecommendationRow] = {}
    for row in rows:
        if row.when >= before:
            continue
        current = latest.get(row.recommendation)
        if current is None or (row.when, row.order) > (current.when, current.order):
            latest[row.recommendation] = row
    counts = {project: dict.fromkeys(statuses, 0) for project in projects}
    for row in latest.values():
        if not row.deleted and row.project in counts and row.status in counts[row.project]:
            counts[row.project][row.status] += 1
    return counts
