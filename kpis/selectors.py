"""Reads for the indicator pages and the directors' quarterly dashboard, evaluated up front
with FETCH_RAISE; the figures themselves are worked out by kpis.calculations."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import quote, urlencode

from django.db import models
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core import caching, charts, numbers
from core.history import HISTORY_SHOWN, History, record_history
from core.services import in_printed_order
from kpis import calculations, choices
from kpis.choices import Aggregation, Unit
from kpis.models import Indicator, Measurement, PeriodTarget
from plans import periods
from plans.models import (
    PlanYear,
    Recommendation,
    Role,
    StrategicObjective,
    Theme,
)
from plans.periods import Quarter


def _owners_in_printed_order():
    """An indicator's owner roles, in printed order, each saying whether the demo gave it
    (`owner_is_illustrative`): read through the prefetch's own join, no query of its own."""
    return in_printed_order(
        Role.objects.fetch_mode(models.FETCH_RAISE), link="indicator_links"
    ).annotate(owner_is_illustrative=F("indicator_links__is_illustrative"))


def indicators_for_plan_year(*, plan_year: PlanYear) -> list[Indicator]:
    """The plan year's indicators with their owners, project and objective, in tier order."""
    return list(
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("project", "strategic_objective")
        .prefetch_related(Prefetch("owners", queryset=_owners_in_printed_order()))
    )


def _indicator_with_periods(*, year: str, ref: str) -> Indicator:
    queryset = (
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .select_related("plan_year", "project", "strategic_objective")
        .prefetch_related(
            Prefetch("owners", queryset=_owners_in_printed_order()),
            Prefetch("targets", queryset=PeriodTarget.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.fetch_mode(models.FETCH_RAISE).select_related(
                    "entered_by"
                ),
            ),
        )
    )
    # The plan year's latest period with an actual, of any indicator: the page opens on the
    # quarter the dashboard opens on.
    latest = Measurement.objects.filter(indicator__plan_year=OuterRef("plan_year")).order_by(
        "-period"
    )
    queryset = queryset.annotate(latest_period=Subquery(latest.values("period")[:1]))
    return get_object_or_404(queryset, plan_year__year=year, ref=ref)


@dataclass
class PeriodRow:
    """One period of an indicator's year: its target (explicit or profiled) and its actual, if
    entered. A `subtotal` row closes a quarter with its own figures; a `to_date` row follows it
    with the year to date at the quarter's end and its RAG, as the dashboard shows them."""

    period: datetime.date
    label: str
    target: str
    measurement: Measurement | None = None
    actual: str = ""
    subtotal: bool = False
    to_date: bool = False
    rag: calculations.Rag | None = None
    #: A subtotal or year to date resting on an actual generated for the demo.
    is_illustrative: bool = False
    #: "Quarter 2 is signed off" when its quarter is (the pages fill it in: plans.locks).
    signed_off: str = ""

    @property
    def rag_tag(self) -> str:
        return RAG_TAGS[self.rag] if self.rag else ""


@dataclass
class IndicatorDetail:
    """Everything the indicator page shows: its status to date, its periods with quarter
    subtotals, its chart, and the same indicator in other plan years."""

    indicator: Indicator
    status: "IndicatorStatus"
    rows: list[PeriodRow]
    other_years: list[Indicator]
    quarter: Quarter

    def quarter_links(self) -> list[tuple[Quarter, str]]:
        """Each quarter of the year with the query that shows the page as at its end."""
        return [(q, urlencode({"quarter": q.number})) for q in _quarters_of(self.quarter.start)]

    @property
    def chart(self) -> str:
        status = self.status
        labels = [period_short_label(self.indicator, p) for p in status.periods]
        return charts.line_chart(
            [
                charts.Series("Actual", status.figures()),
                charts.Series(
                    "Target", [status.profile[p] for p in status.periods], charts.GREY, True
                ),
            ],
            labels=labels,
            title=f"{self.indicator.ref}: actual for each period against its target",
            describedby="periods-table",
        )

    @property
    def actuals(self) -> list[calculations.Actual]:
        return list(self.status.actuals.values())


def period_label(indicator, period: datetime.date) -> str:
    """April 2016; Quarter 1 (April to June 2016); or 2016-17 for an annual indicator."""
    if indicator.frequency == choices.Frequency.QUARTERLY:
        quarter = Quarter.of(period)
        return f"Quarter {quarter.number} ({quarter.first_day:%B} to {quarter.last_day:%B %Y})"
    if indicator.frequency == choices.Frequency.ANNUAL:
        return f"{indicator.plan_year.year} (the whole year)"
    return f"{period:%B %Y}"


def period_short_label(indicator: Indicator, period: datetime.date) -> str:
    if indicator.frequency == choices.Frequency.QUARTERLY:
        return f"Q{periods.quarter_of(period)}"
    if indicator.frequency == choices.Frequency.ANNUAL:
        return indicator.plan_year.year
    return f"{period:%b}"


def indicator_detail(*, year: str, ref: str, quarter: Quarter | None = None) -> IndicatorDetail:
    """An indicator with its owners, its status at the end of `quarter` (by default the latest
    quarter of its plan year with data, as the dashboard opens), and every period of its year
    with the period's target and actual (and who entered it), each quarter closed by its
    subtotal and the year to date at its end; in a fixed number of queries."""
    indicator = _indicator_with_periods(year=year, ref=ref)
    plan_year = indicator.plan_year
    measurements = {m.period: m for m in indicator.measurements.all()}
    targets = {target.period: target.target for target in indicator.targets.all()}
    if quarter is None:
        latest = [indicator.latest_period] if indicator.latest_period else []
        quarter = latest_quarter_with_data(plan_year, latest)
    _check_quarter_of(plan_year, quarter)
    counts = recommendation_counts(indicators=[indicator], as_at=quarter.last_day)
    status = indicator_status(
        indicator,
        owners=list(indicator.owners.all()),
        actuals=[actual_of_measurement(m) for m in measurements.values()],
        period_targets=targets,
        quarter=quarter,
        commentary=[(m.period, m.commentary) for m in measurements.values()],
        recommendations=counts.get(indicator.pk),
        illustrative_periods=[m.period for m in measurements.values() if m.is_illustrative],
        illustrative_recommendations=indicator.pk in counts.illustrative,
    )
    rows = []
    for period in status.periods:
        measurement = measurements.get(period)
        rows.append(
            PeriodRow(
                period,
                period_label(indicator, period),
                figure_text(status.profile[period], indicator),
                measurement,
                figure_text(status.actuals[period].figure(indicator.aggregation), indicator)
                if measurement
                else "",
            )
        )
        # A monthly indicator's table closes each quarter (June, September...) with its
        # subtotal, the quarter's own figure against its own target, and then the year to date
        # at the quarter's end, the figures the dashboard shows for that quarter.
        ended = Quarter.of(period)
        if indicator.frequency == choices.Frequency.MONTHLY and period == ended.last_period:
            figures = calculations.quarter_figures(
                status.targets, status.actuals.values(), quarter=ended, **_thresholds(indicator)
            )
            rows.append(
                PeriodRow(
                    period,
                    f"Quarter {ended.number}",
                    figure_text(figures.target, indicator),
                    None,
                    figure_text(figures.actual, indicator),
                    subtotal=True,
                    is_illustrative=any(
                        m.is_illustrative
                        for p, m in measurements.items()
                        if ended.first_day <= p <= period
                    ),
                )
            )
            to_date = figures.to_date
            rows.append(
                PeriodRow(
                    period,
                    f"Year to date to the end of quarter {ended.number}",
                    figure_text(to_date.target_to_date.value, indicator),
                    None,
                    figure_text(to_date.actual_to_date, indicator),
                    to_date=True,
                    rag=to_date.rag,
                    is_illustrative=any(
                        m.is_illustrative for p, m in measurements.items() if p <= period
                    ),
                )
            )
    return IndicatorDetail(
        indicator=indicator,
        status=status,
        rows=rows,
        other_years=other_years(indicator=indicator),
        quarter=quarter,
    )


def _check_quarter_of(plan_year: PlanYear, quarter: Quarter) -> None:
    if quarter.start != plan_year.start:
        raise ValueError(f"{quarter.label} is not a quarter of {plan_year.year}.")


def _quarters_of(start: int) -> list[Quarter]:
    return [Quarter(start, number) for number in (1, 2, 3, 4)]


def _thresholds(indicator: Indicator) -> dict:
    """How an indicator's RAG is judged, as kpis.calculations takes it."""
    return {
        "direction": indicator.direction,
        "green_from": indicator.green_from_percent,
        "amber_from": indicator.amber_from_percent,
    }


def other_years(*, indicator: Indicator) -> list[Indicator]:
    """The same indicator in other plan years, earlier and later, following the continues-from
    links both ways: two queries, however long the chain."""
    links = dict(
        Indicator.objects.filter(continues_from__isnull=False)
        .order_by()
        .values_list("pk", "continues_from_id")
    )
    neighbours = defaultdict(set)
    for later, earlier in links.items():
        neighbours[later].add(earlier)
        neighbours[earlier].add(later)
    seen, queue = {indicator.pk}, [indicator.pk]
    while queue:
        for pk in neighbours[queue.pop()] - seen:
            seen.add(pk)
            queue.append(pk)
    seen.discard(indicator.pk)
    if not seen:
        return []
    return list(
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .filter(pk__in=seen)
        .select_related("plan_year")
        .order_by("plan_year__year")
    )


def indicator_history(*, indicator: Indicator, limit: int = HISTORY_SHOWN) -> History:
    """The latest change of an indicator and of each of its period targets and actuals,
    including any since deleted, newest first, and how many came before them."""
    return record_history(Indicator, indicator.pk, limit=limit)


# --- Status against target: the dashboard, the indicator page and the exports ----------------


def figure_text(value, indicator: Indicator) -> str:
    """A figure as the pages and the csv show it: a ratio or percentage with one decimal place
    and a % sign, money in pounds, a count with thousands separators (and at most one decimal,
    for a figure entered with decimals: a count's even targets are whole numbers)."""
    if value is None:
        return ""
    if indicator.aggregation == Aggregation.RATIO or indicator.unit == Unit.PERCENTAGE:
        return numbers.format_percent(value, places=1)
    if indicator.unit == Unit.CURRENCY:
        return numbers.format_money(value)
    rounded = Decimal(value).quantize(Decimal("0.1"))
    return numbers.format_number(rounded)


def printed_figure_text(value, indicator: Indicator) -> str:
    """A figure the document prints (a baseline, a later target) as it prints it: with its unit
    and no decimal places it does not give (OC7's "100%", OC4's "40,000")."""
    if value is None:
        return ""
    if indicator.unit == Unit.PERCENTAGE:
        return numbers.format_percent(value)
    if indicator.unit == Unit.CURRENCY:
        return numbers.format_money(value)
    return numbers.format_number(value)


PERIOD_NAMES = {
    choices.Frequency.MONTHLY: ("month", "months"),
    choices.Frequency.QUARTERLY: ("quarter", "quarters"),
    choices.Frequency.ANNUAL: ("year", "years"),
}


def target_profile_text(indicator: Indicator, targets: calculations.Targets) -> str:
    """Which target profile applies, in plain words, with the target to date it gives at the
    end of each quarter ("Even: the annual target of 50 is spread evenly over the 12 months...
    Target to date at the end of quarters 1 to 4: 13, 25, 38 and 50.")."""
    one, many = PERIOD_NAMES[indicator.frequency]
    count = len(targets.periods)
    annual = figure_text(targets.annual.value, indicator)
    profile = targets.profile
    if profile == choices.TargetProfile.EXPLICIT:
        sentences = [f"Explicit: a target is entered for each {one}."]
        if indicator.aggregation == choices.Aggregation.TOTAL:
            sentences.append(f"The target to date adds up the {many}' targets so far.")
        else:
            sentences.append(f"The target to date is that of the latest {one}.")
    elif count == 1:
        label = choices.TargetProfile(profile).label.split(":")[0]
        sentences = [f"{label}: measured once a year, against the annual target."]
    elif not targets.annual.known:
        label = choices.TargetProfile(profile).label
        return f"{label}. {targets.annual.reason}"
    elif profile == choices.TargetProfile.FLAT:
        sentences = [f"Flat: the annual target of {annual} applies from the start of the year."]
        if indicator.aggregation == choices.Aggregation.TOTAL:
            sentences.append(f"The {many} have no target of their own.")
    else:
        if targets.start is not None:
            start = printed_figure_text(targets.start, indicator)
            sentences = [
                f"Even: the target rises in equal steps over the {count} {many}, from the "
                f"baseline of {start} to {annual} at the end of the year."
            ]
        elif indicator.aggregation == choices.Aggregation.TOTAL:
            sentences = [
                f"Even: the annual target of {annual} is spread evenly over the {count} {many}."
            ]
        else:
            sentences = [
                f"Even: the target rises in equal steps over the {count} {many}, from zero to "
                f"{annual} at the end of the year."
            ]
        if indicator.unit == choices.Unit.COUNT:
            sentences.append(
                "A count's target to date is the nearest whole number (a half rounded up), so "
                f"the {many}' own targets are whole and add up to the annual target."
            )
    ends = [Quarter.of(period).last_period for period in targets.periods[:: max(count // 4, 1)]]
    at_ends = [targets.at(end) for end in ends]
    if all(target.known for target in at_ends) and count > 1:
        figures = [figure_text(target.value, indicator) for target in at_ends]
        sentences.append(
            "Target to date at the end of quarters 1 to 4: "
            f"{', '.join(figures[:-1])} and {figures[-1]}."
        )
    elif count > 1:
        reason = next(target.reason for target in at_ends if not target.known)
        sentences.append(reason)
    return " ".join(sentences)


def actual_of_measurement(measurement) -> calculations.Actual:
    return calculations.Actual(
        measurement.period, measurement.value, measurement.numerator, measurement.denominator
    )


@dataclass
class IndicatorStatus:
    """Where one indicator stands at the end of a quarter, worked out by kpis.calculations from
    its actuals and targets: the one set of figures the dashboard, the indicator page and the
    exports all show."""

    indicator: Indicator
    owners: list[Role]
    periods: list[datetime.date]
    actuals: dict[datetime.date, calculations.Actual]
    targets: calculations.Targets
    target_to_date: calculations.Target
    actual_to_date: Decimal | None
    rag: calculations.Rag
    quarter: Quarter
    commentary: str = ""
    commentary_period: datetime.date | None = None
    recommendations: dict | None = None
    url: str = ""
    #: Whether the actual to date, and so the RAG status, rests on illustrative data: an
    #: actual generated for the demo in a period to date, or a counted recommendation that was.
    is_illustrative: bool = False

    @property
    def profile(self) -> dict[datetime.date, Decimal | None]:
        """Each period's own target, as the indicator's target profile gives it."""
        return self.targets.own

    @property
    def annual(self) -> calculations.Target:
        return self.targets.annual

    @property
    def target_profile_text(self) -> str:
        return target_profile_text(self.indicator, self.targets)

    @property
    def up_to(self) -> datetime.date:
        """The last period begun by the quarter's end."""
        return self.quarter.last_period

    @property
    def owner_names(self) -> str:
        # An owner the demo gave an indicator whose plan names none is labelled wherever the
        # name appears (the indicator page, the dashboard, the quarterly report).
        return (
            " and ".join(
                f"{role.title} (illustrative)"
                if getattr(role, "owner_is_illustrative", False)
                else role.title
                for role in self.owners
            )
            or "Not named"
        )

    @property
    def short_title(self) -> str:
        return _shorten(self.indicator.title, 90)

    @property
    def short_commentary(self) -> str:
        """The latest commentary, shortened, after its month: "Mar 2013: ..."."""
        if not self.commentary:
            return ""
        return f"{self.commentary_period:%b %Y}: {_shorten(self.commentary, 120)}"

    @property
    def is_computed(self) -> bool:
        return self.recommendations is not None

    @property
    def target_to_date_text(self) -> str:
        return figure_text(self.target_to_date.value, self.indicator)

    @property
    def actual_to_date_text(self) -> str:
        return figure_text(self.actual_to_date, self.indicator)

    @property
    def annual_target_text(self) -> str:
        return figure_text(self.annual.value, self.indicator)

    @property
    def baseline_text(self) -> str:
        return printed_figure_text(self.indicator.baseline, self.indicator)

    @property
    def later_target_text(self) -> str:
        return printed_figure_text(self.indicator.later_target, self.indicator)

    @property
    def recommendation_lines(self) -> list[tuple[str, int]]:
        """Where a computed figure comes from: each counted status and its count."""
        labels = dict(choices.RecommendationStatus.choices)
        return [(labels[status], count) for status, count in (self.recommendations or {}).items()]

    @property
    def rag_tag(self) -> str:
        return RAG_TAGS[self.rag]

    def figures(self) -> list[Decimal | None]:
        """Each period's own figure (a ratio's percentage), None where nothing is entered or the
        period is after the quarter."""
        aggregation = self.indicator.aggregation
        return [
            actual.figure(aggregation)
            if (actual := self.actuals.get(period)) and period <= self.up_to
            else None
            for period in self.periods
        ]

    def trend(self) -> str:
        """The small chart: each period's actual against its profile."""
        series = [
            charts.Series("Actual", self.figures(), points=False),
            charts.Series(
                "Target",
                [self.profile[p] for p in self.periods],
                charts.GREY,
                dashed=True,
                points=False,
            ),
        ]
        entered = sum(value is not None for value in series[0].values)
        label = (
            f"Trend of {self.indicator.ref}: {entered} of {len(self.periods)} periods entered "
            f"by the end of the quarter, against the target profile"
        )
        return charts.sparkline(series, count=len(self.periods), label=label)


def _shorten(text: str, length: int) -> str:
    """Text cut at a word to at most `length` characters, with an ellipsis if cut (cheaper than
    the truncatechars filter on a 500-row page)."""
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


RAG_TAGS = {
    calculations.Rag.GREEN: "govuk-tag--green",
    calculations.Rag.AMBER: "govuk-tag--yellow",
    calculations.Rag.RED: "govuk-tag--red",
    calculations.Rag.NO_DATA: "govuk-tag--grey",
    calculations.Rag.NO_TARGET: "govuk-tag--grey",
}


def indicator_status(
    indicator: Indicator,
    *,
    owners: list[Role],
    actuals: list[calculations.Actual],
    period_targets: dict[datetime.date, Decimal],
    quarter: Quarter,
    period_list: list[datetime.date] | None = None,
    commentary: list[tuple[datetime.date, str]] = (),
    recommendations: dict | None = None,
    url: str = "",
    illustrative_periods: Collection[datetime.date] = (),
    illustrative_recommendations: bool = False,
) -> IndicatorStatus:
    """Work out one indicator's status at the end of `quarter` (kpis.calculations.status_at)
    from figures already fetched, no query; `recommendations` are the counts as they stood
    then. `period_list` saves working out the periods of each indicator of a year again.
    `illustrative_periods` are those whose actual is illustrative (Measurement.is_illustrative),
    `illustrative_recommendations` whether the counted recommendations include one that is."""
    period_list = period_list or indicator.periods()
    targets = calculations.targets_of(indicator, period_targets, periods=period_list)
    status = calculations.status_at(
        targets,
        actuals,
        quarter=quarter,
        counted=None if recommendations is None else sum(recommendations.values()),
        **_thresholds(indicator),
    )
    latest = [(p, text) for p, text in commentary if text and p <= quarter.last_period]
    latest_period, latest_text = max(latest) if latest else (None, "")
    return IndicatorStatus(
        indicator=indicator,
        owners=owners,
        periods=period_list,
        actuals={actual.period: actual for actual in actuals},
        targets=targets,
        target_to_date=status.target_to_date,
        actual_to_date=status.actual_to_date,
        rag=status.rag,
        quarter=quarter,
        commentary=latest_text,
        commentary_period=latest_period,
        recommendations=recommendations,
        url=url,
        is_illustrative=illustrative_recommendations
        if recommendations is not None
        else any(period <= quarter.last_period for period in illustrative_periods),
    )


class CountsByStatus(dict):
    """Counts of recommendations by status, keyed by project (or indicator), which also says
    which of its keys count a recommendation generated for the demo (is_illustrative)."""

    def __init__(self, *args, illustrative: Collection[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.illustrative = set(illustrative)


def recommendation_counts(*, indicators: list[Indicator], as_at: datetime.date) -> CountsByStatus:
    """For each indicator counted from recommendations, how many of its project's
    recommendations were in each counted status (accepted, implemented, under consideration)
    at the end of `as_at`, as the audit history records them (recommendations_by_status);
    `.illustrative` holds the indicators whose project's recommendations include an
    illustrative one."""
    counted = [i for i in indicators if i.source == choices.Source.RECOMMENDATIONS]
    if not counted:
        return CountsByStatus()
    found = recommendations_by_status(
        projects={i.project_id for i in counted},
        statuses=choices.COUNTED_RECOMMENDATION_STATUSES,
        as_at=as_at,
    )
    return CountsByStatus(
        {i.pk: found[i.project_id] for i in counted},
        illustrative={i.pk for i in counted if i.project_id in found.illustrative},
    )


def recommendations_by_status(*, projects, statuses, as_at: datetime.date) -> CountsByStatus:
    """For each of `projects` (their ids), how many of its recommendations were in each of
    `statuses` at the end of `as_at`, as the audit history records them: one query over the
    historical rows for them all, then kpis.calculations.recommendation_counts. Its
    `.illustrative` holds the projects with a recommendation generated for the demo by then."""
    projects = set(projects)
    if not projects:
        return CountsByStatus()
    before = calculations.moment_after(as_at, timezone.get_current_timezone())
    history = Recommendation.history
    # Every row of each recommendation ever of these projects, so that one moved to another
    # project since is counted where it stood.
    ever_theirs = history.filter(project_id__in=projects).values("id")
    rows = (
        history.filter(id__in=ever_theirs, history_date__lt=before)
        .order_by()
        .values_list(
            "id",
            "project_id",
            "status",
            "history_date",
            "history_id",
            "history_type",
            "is_illustrative",
        )
    )
    illustrative = {row[1] for row in rows if row[6]} & projects
    counts = calculations.recommendation_counts(
        (
            calculations.RecommendationRow(pk, project, status, when, order, kind == "-")
            for pk, project, status, when, order, kind, _illustrative in rows
        ),
        projects=projects,
        statuses=statuses,
        before=before,
    )
    return CountsByStatus(counts, illustrative=illustrative)


def latest_quarter_with_data(plan_year: PlanYear, dates) -> Quarter:
    """The latest quarter of the plan year holding one of `dates` (the periods of its actuals),
    else its first quarter."""
    first, last = periods.financial_year_bounds(plan_year.start)
    within = [day for day in dates if first <= day <= last]
    return Quarter.of(max(within)) if within else Quarter(plan_year.start, 1)


@dataclass
class DashboardFilters:
    """What the dashboard is narrowed to: an owner role's pk, a tier, and an objective or theme
    given as "objective-<pk>" or "theme-<pk>"."""

    owner: str = ""
    tier: str = ""
    group: str = ""

    def __bool__(self) -> bool:
        """Whether they narrow the dashboard at all."""
        return any(vars(self).values())

    def keeps(self, status: IndicatorStatus) -> bool:
        indicator = status.indicator
        if self.owner and self.owner not in {str(role.pk) for role in status.owners}:
            return False
        if self.tier and indicator.tier != self.tier:
            return False
        if self.group:
            kind, _, pk = self.group.partition("-")
            if kind == "objective" and str(indicator.strategic_objective_id) != pk:
                return False
            if kind == "theme":
                project = indicator.project
                themes = project.theme_list if project else ()
                if pk not in {str(theme.pk) for theme in themes}:
                    return False
        return True


@dataclass
class Dashboard:
    """Every indicator of a plan year at the end of a quarter, with the counts by RAG and the
    choices the filters offer."""

    plan_year: PlanYear
    quarter: Quarter
    rows: list[IndicatorStatus]
    total: int
    owners: list[Role]
    objectives: list[StrategicObjective]
    themes: list[Theme]
    filters: DashboardFilters = field(default_factory=DashboardFilters)

    @property
    def any_illustrative(self) -> bool:
        """Whether any status shown (and so the counts by RAG) rests on illustrative data."""
        return any(row.is_illustrative for row in self.rows)

    @property
    def rag_counts(self) -> list[tuple[calculations.Rag, int, str]]:
        counts = Counter(row.rag for row in self.rows)
        return [(rag, counts[rag], RAG_TAGS[rag]) for rag in calculations.RAG_ORDER]

    @property
    def tier_choices(self) -> list[tuple[str, str]]:
        return list(choices.IndicatorTier.choices)

    @property
    def group_choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The objective-or-theme filter's options, grouped."""
        groups = [
            ("Objectives", [(f"objective-{o.pk}", f"{o.ref}: {o.title}") for o in self.objectives]),
            ("Themes", [(f"theme-{t.pk}", t.name) for t in self.themes]),
        ]
        return [(name, options) for name, options in groups if options]

    @property
    def owner_choices(self) -> list[tuple[str, str]]:
        return [(str(role.pk), role.title) for role in self.owners]

    def quarter_links(self) -> list[tuple[Quarter, str]]:
        """Each quarter with the query that shows it under the same filters."""
        return [(q, self._query(q)) for q in _quarters_of(self.plan_year.start)]

    @property
    def query(self) -> str:
        """The query that shows these figures again: the quarter shown and the filters (for
        the exports, whatever the page was asked for)."""
        return self._query(self.quarter)

    def _query(self, quarter: Quarter) -> str:
        kept = {k: v for k, v in vars(self.filters).items() if v}
        return urlencode({"quarter": quarter.number, **kept})

    def filtered(self, filters: DashboardFilters | None) -> "Dashboard":
        """The same dashboard narrowed to `filters`: its rows those the filters keep; its total,
        counts of choices and everything else as before. A new object (this one is unchanged),
        or this one when the filters narrow nothing."""
        if not filters:
            return self
        rows = [row for row in self.rows if filters.keeps(row)]
        return replace(self, rows=rows, filters=filters)


DASHBOARD_FIELDS = (
    "plan_year_id",
    "ref",
    "title",
    "tier",
    "unit",
    "direction",
    "aggregation",
    "frequency",
    "target_profile",
    "source",
    "annual_target",
    "baseline",
    "target_change_percent",
    "later_target",
    "later_target_year",
    "green_from_percent",
    "amber_from_percent",
    "project__title",
    "strategic_objective__ref",
    "strategic_objective__title",
    "strategic_objective__position",
)


def _plan_year_indicators(plan_year: PlanYear) -> list[Indicator]:
    """The plan year's indicators as the dashboard reads them, each with `owner_list` (its owner
    roles in printed order) and its project's `theme_list`. At most three queries.

    The owners and themes are read each in one query of their own, through their links: a
    prefetch, with its list of every indicator's id to match, cost as much as the indicators
    themselves."""
    indicators = list(
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("project", "strategic_objective")
        # Only what the dashboard shows and works out from: building 500 full rows of three
        # models was a fifth of the page's time.
        .only(*DASHBOARD_FIELDS)
    )
    # As a prefetch would, nothing is read for no indicators or no projects.
    owner_lists = _owner_lists(plan_year) if indicators else {}
    theme_lists = _theme_lists(plan_year) if any(i.project_id for i in indicators) else {}
    for indicator in indicators:
        indicator.owner_list = owner_lists.get(indicator.pk, [])
        if indicator.project is not None:
            indicator.project.theme_list = theme_lists.get(indicator.project_id, [])
    return indicators


def _owner_lists(plan_year: PlanYear) -> dict[int, list[Role]]:
    """Each of the plan year's indicators' owner roles in printed order, by indicator id, each
    saying whether the demo gave it (`owner_is_illustrative`). One query."""
    owners = defaultdict(list)
    for role in (
        in_printed_order(Role.objects.fetch_mode(models.FETCH_RAISE), link="indicator_links")
        .filter(indicator_links__indicator__plan_year=plan_year)
        .annotate(
            indicator_pk=F("indicator_links__indicator_id"),
            owner_is_illustrative=F("indicator_links__is_illustrative"),
        )
    ):
        owners[role.indicator_pk].append(role)
    return owners


def _theme_lists(plan_year: PlanYear) -> dict[int, list[Theme]]:
    """The themes of each of the plan year's projects, by project id, in the themes' order. One
    query."""
    themes = defaultdict(list)
    for theme in (
        Theme.objects.fetch_mode(models.FETCH_RAISE)
        .filter(projects__plan_year=plan_year)
        .annotate(project_pk=F("projects__id"))
    ):
        themes[theme.project_pk].append(theme)
    return themes


def dashboard(
    *, year: str, quarter: Quarter | None = None, filters: DashboardFilters | None = None
) -> Dashboard:
    """The directors' quarterly dashboard: every indicator of the plan year with its target and
    actual to date, annual target, RAG, trend and latest commentary at the end of `quarter`
    (by default the latest quarter with data), narrowed to `filters`. A fixed number of
    queries, whatever the number of indicators, periods or plan years."""
    plan_year = get_object_or_404(PlanYear.objects.fetch_mode(models.FETCH_RAISE), year=year)
    indicators = _plan_year_indicators(plan_year)
    measured = defaultdict(list)
    commentary = defaultdict(list)
    illustrative = defaultdict(list)
    for pk, period, value, numerator, denominator, text, generated in Measurement.objects.filter(
        indicator__plan_year=plan_year
    ).values_list(
        "indicator_id", "period", "value", "numerator", "denominator", "commentary",
        "is_illustrative",
    ):  # fmt: skip
        measured[pk].append(calculations.Actual(period, value, numerator, denominator))
        commentary[pk].append((period, text))
        if generated:
            illustrative[pk].append(period)
    targets = defaultdict(dict)
    for pk, period, target in PeriodTarget.objects.filter(
        indicator__plan_year=plan_year
    ).values_list("indicator_id", "period", "target"):
        targets[pk][period] = target
    if quarter is None:
        quarter = latest_quarter_with_data(
            plan_year, (a.period for actuals in measured.values() for a in actuals)
        )
    _check_quarter_of(plan_year, quarter)
    counts = recommendation_counts(indicators=indicators, as_at=quarter.last_day)
    prefix = reverse("kpis:dashboard", kwargs={"year": plan_year.year})
    period_lists = {
        frequency: periods.period_starts(plan_year.start, months)
        for frequency, months in choices.MONTHS_PER_PERIOD.items()
    }
    rows = []
    owners, objectives, theme_list = {}, {}, {}
    for indicator in indicators:
        owners.update((role.pk, role) for role in indicator.owner_list)
        if indicator.strategic_objective:
            objectives[indicator.strategic_objective.pk] = indicator.strategic_objective
        if indicator.project:
            theme_list.update((t.pk, t) for t in indicator.project.theme_list)
        status = indicator_status(
            indicator,
            period_list=period_lists[indicator.frequency],
            owners=indicator.owner_list,
            actuals=measured[indicator.pk],
            period_targets=targets[indicator.pk],
            quarter=quarter,
            commentary=commentary[indicator.pk],
            recommendations=counts.get(indicator.pk),
            url=f"{prefix}{quote(indicator.ref)}/?quarter={quarter.number}",
            illustrative_periods=illustrative[indicator.pk],
            illustrative_recommendations=indicator.pk in counts.illustrative,
        )
        rows.append(status)
    built = Dashboard(
        plan_year=plan_year,
        quarter=quarter,
        rows=rows,
        total=len(indicators),
        owners=sorted(owners.values(), key=lambda role: role.title),
        objectives=sorted(objectives.values(), key=lambda o: (o.position, o.ref)),
        themes=sorted(theme_list.values(), key=lambda t: t.name),
    )
    return built.filtered(filters)


def kept_dashboard(
    *,
    year: str,
    quarter: Quarter | None = None,
    filters: DashboardFilters | None = None,
    fingerprint: str,
) -> Dashboard:
    """The dashboard (`dashboard`), built once per change of the records for the page and its
    exports alike (`fingerprint` is core.caching.fingerprint(), read before), then narrowed to
    `filters`. Kept in the process as built (core.caching.kept_here): copying its model
    instances into Django's cache and out again took about half as long as building it. So a
    director who reads the dashboard and then downloads its workbook waits for one build, not
    two, when the same app server worker answers both."""
    built = caching.kept_here(
        "dashboard",
        year,
        quarter.number if quarter else "latest",
        fingerprint,
        build=lambda: dashboard(year=year, quarter=quarter),
    )
    return built.filtered(filters)
