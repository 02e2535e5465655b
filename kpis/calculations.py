"""Year to date, target to date and RAG status of an indicator, as pure functions over Decimals
and dates: no database, so every rule is table-tested on its own.

- **Year to date**: a total adds up its periods, a level takes the latest period, a ratio divides
  the summed numerators by the summed denominators (percentages are never averaged).
- **Target to date**: as the indicator's target profile says (`targets_to_date`, the one
  place every route asks): flat, the annual target from the first period; even, a share of it
  growing in equal steps (from the baseline for a level or ratio that has one); explicit, the
  targets entered for each period. A count's even targets to date are whole numbers. A target
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
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from plans.periods import Quarter

HUNDRED = Decimal(100)
DEFAULT_GREEN_FROM = Decimal(100)
DEFAULT_AMBER_FROM = Decimal(90)

# The words of kpis.choices.Aggregation, Direction, TargetProfile and Unit, repeated so this
# module needs no Django (plans.periods, its dates and quarters, needs none either).
TOTAL, LEVEL, RATIO = "total", "level", "ratio"
HIGHER, LOWER = "higher", "lower"
FLAT, EVEN, EXPLICIT = "flat", "even", "explicit"
COUNT = "count"
WHOLE = Decimal(1)


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


@dataclass(frozen=True)
class Targets:
    """An indicator's targets over its year, as its target profile sets them: each period's own
    target (`own`, what the periods table and the chart show beside its actual, None where the
    period has none of its own) and the target to date at the end of each period (`to_date`,
    what the year to date is compared with)."""

    profile: str
    aggregation: str
    periods: tuple[datetime.date, ...]
    annual: Target
    own: dict[datetime.date, Decimal | None]
    to_date: dict[datetime.date, Target]
    #: Where an even level or ratio starts: its baseline (None: from zero).
    start: Decimal | None = None

    def at(self, up_to: datetime.date) -> Target:
        """The target to date for the periods starting on or before `up_to`."""
        elapsed = [period for period in self.periods if period <= up_to]
        if not elapsed:
            return Target(None, "No period of the year has started yet.")
        return self.to_date[elapsed[-1]]

    def of_quarter(self, quarter: Quarter) -> Decimal | None:
        """The quarter's own target: a total's periods' own targets added up, a level's or
        ratio's target at its last period; None where there is none."""
        within = [p for p in self.periods if quarter.first_day <= p <= quarter.last_period]
        if not within:
            return None
        if self.aggregation != TOTAL:
            return self.to_date[within[-1]].value
        own = [self.own[period] for period in within]
        return None if None in own else sum(own, Decimal(0))


def targets_to_date(
    profile: str,
    aggregation: str,
    periods: Sequence[datetime.date],
    annual: Target,
    period_targets: Mapping[datetime.date, Decimal],
    *,
    baseline: Decimal | None = None,
    whole: bool = False,
) -> Targets:
    """Each period's own target and the target to date at its end, by `profile`:

    - flat: the annual target applies from the first period (a level's or ratio's target each
      period; a total's periods have none of their own, its year to date is compared with the
      whole annual target from the start);
    - even: the annual target spread evenly: to date, annual x periods begun / periods (120,000
      a year is 30,000 three months in); a level or ratio with a baseline rises in equal steps
      from the baseline instead of from zero (3 to 10 over four quarters: 4.75, 6.5, 8.25, 10);
    - explicit: the targets entered for each period (`period_targets`), a total's added up to
      date, a level's or ratio's that of the latest period; a period without one has no target.

    With `whole` (a count), an even target to date is the nearest whole number, a half rounded
    up, and the year's last is the annual target itself: 50 over four quarters is 13, 25, 38,
    50 to date (12.5, 25, 37.5, 50 rounded), the quarters' own 13, 12, 13, 12. Rounding the
    running total rather than each period keeps every target to date within half a count of the
    even share and makes the periods add up to the annual target; giving the odd counts to the
    first periods (13, 13, 12, 12) would ask for more than half by the half-year."""
    periods = tuple(periods)
    if profile == EXPLICIT:
        return _explicit(aggregation, periods, annual, period_targets)
    if not annual.known:
        none = Target(None, annual.reason)
        return Targets(
            profile,
            aggregation,
            periods,
            annual,
            dict.fromkeys(periods),
            dict.fromkeys(periods, none),
        )
    goal = annual.value
    count = len(periods)
    if profile == FLAT:
        own = goal if aggregation != TOTAL or count == 1 else None
        return Targets(
            profile,
            aggregation,
            periods,
            annual,
            dict.fromkeys(periods, own),
            dict.fromkeys(periods, Target(goal)),
        )
    if profile != EVEN:
        raise ValueError(f"Unknown target profile {profile!r}")
    start = baseline if aggregation != TOTAL and baseline is not None else None
    base = start if start is not None else Decimal(0)
    to_date, own, before = {}, {}, Decimal(0)
    for number, period in enumerate(periods, start=1):
        value = goal if number == count else base + (goal - base) * number / count
        if whole and number < count:
            value = value.quantize(WHOLE, rounding=ROUND_HALF_UP)
        to_date[period] = Target(value)
        own[period] = value - before if aggregation == TOTAL else value
        before = value
    return Targets(profile, aggregation, periods, annual, own, to_date, start)


def _explicit(aggregation, periods, annual, period_targets) -> Targets:
    own = {period: period_targets.get(period) for period in periods}
    to_date, running, missing = {}, Decimal(0), None
    for period in periods:
        if own[period] is None and (missing is None or aggregation != TOTAL):
            missing = period
        if own[period] is None or (aggregation == TOTAL and missing is not None):
            to_date[period] = Target(None, f"No target is entered for {missing:%B %Y}.")
            continue
        running = running + own[period] if aggregation == TOTAL else own[period]
        to_date[period] = Target(running)
    return Targets(EXPLICIT, aggregation, periods, annual, own, to_date)


def targets_of(
    indicator,
    period_targets: Mapping[datetime.date, Decimal],
    *,
    periods: Sequence[datetime.date] | None = None,
) -> Targets:
    """An indicator's targets, from its definition (its target profile, aggregation, unit,
    annual or relative target and baseline, read as attributes) and the targets entered for its
    periods: what the pages, the entry screens' rules, the exports and the report all use.
    `periods` saves working out the periods of each indicator of a year again."""
    annual = annual_target(
        annual=indicator.annual_target,
        baseline=indicator.baseline,
        change_percent=indicator.target_change_percent,
        later=indicator.later_target,
        later_year=indicator.later_target_year,
    )
    return targets_to_date(
        indicator.target_profile,
        indicator.aggregation,
        periods if periods is not None else indicator.periods(),
        annual,
        period_targets,
        baseline=indicator.baseline,
        whole=indicator.unit == COUNT,
    )


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
    targets: Targets,
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
        actual = year_to_date(targets.aggregation, actuals, up_to=up_to)
    target = targets.at(up_to)
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
    target = targets_of(indicator, period_targets).at(period)
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
    targets: Targets,
    actuals: Iterable[Actual],
    *,
    quarter: Quarter,
    **thresholds,
) -> QuarterFigures:
    """The quarter's subtotal, its own figures (a total's sum, a level's latest, a ratio's
    counts added afresh, against the quarter's own target), beside the year to date at its end
    (`status_at`, with the same `thresholds`)."""
    actuals = list(actuals)
    return QuarterFigures(
        quarter=quarter,
        target=targets.of_quarter(quarter),
        actual=quarter_actual(targets.aggregation, actuals, quarter=quarter),
        to_date=status_at(targets, actuals, quarter=quarter, **thresholds),
    )


def quarter_actual(
    aggregation: str, actuals: Iterable[Actual], *, quarter: Quarter
) -> Decimal | None:
    """The quarter's own figure alone (quarter_figures' actual): the actuals of its periods
    added up as the year to date adds them, None when it has none."""
    first, last = quarter.first_day, quarter.last_period
    within = [actual for actual in actuals if first <= actual.period <= last]
    return year_to_date(aggregation, within, up_to=last)


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
