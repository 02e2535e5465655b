"""Reads for budget pages, evaluated up front with FETCH_RAISE."""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Cast

from budgets import calculations, choices
from budgets.models import Budget, BudgetLine, GrantInAid, MonthlyFigure
from core.numbers import format_money
from plans.models import PlanYear, Project

PROGRAMME = choices.CategoryKind.PROGRAMME_DELIVERY


@dataclass
class BudgetSummary:
    """A plan year's budget as printed: its lines, total and grant-in-aid."""

    budget: Budget
    lines: list[BudgetLine]
    grants: list[GrantInAid]
    total: Decimal

    @property
    def unit(self) -> str:
        return self.budget.presentation_unit

    @property
    def grant_total(self) -> Decimal:
        return calculations.total(grant.amount for grant in self.grants)

    @property
    def reconciliation(self) -> "TotalReconciliation | None":
        """The lines' total beside the printed total, as the variance page and the budget
        workbook give it (reconcile_totals)."""
        return reconcile_totals(
            self.total,
            printed_total=self.grant_total if self.grants else None,
            notes=[self.budget.notes, *(grant.notes for grant in self.grants)],
        )


def budget_summary(*, plan_year: PlanYear) -> BudgetSummary | None:
    """The budget of the plan year with its lines and grants, or None if it has none."""
    budget = Budget.objects.fetch_mode(models.FETCH_RAISE).filter(plan_year=plan_year).first()
    if budget is None:
        return None
    lines = list(
        BudgetLine.objects.fetch_mode(models.FETCH_RAISE)
        .filter(budget=budget)
        .select_related("category", "project")
    )
    grants = list(GrantInAid.objects.fetch_mode(models.FETCH_RAISE).filter(plan_year=plan_year))
    return BudgetSummary(
        budget=budget,
        lines=lines,
        grants=grants,
        total=calculations.total(line.amount for line in lines),
    )


# ---------------------------------------------------------------------------------------------
# The variance report: one object that the page, the workbook and the csv all render
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class VarianceLine:
    """A budget line's figures: its variance and its twelve months of actuals and forecasts."""

    line_id: int
    category_id: int
    category: str
    kind: str
    is_income: bool
    project: str
    owners: str
    description: str
    variance: calculations.Variance
    actuals: list[Decimal | None]
    forecasts: list[Decimal | None]

    @property
    def name(self) -> str:
        return self.project or self.category

    @property
    def kind_label(self) -> str:
        return "Income" if self.is_income else choices.CategoryKind(self.kind).label


@dataclass
class VarianceCategory:
    """A budget category's combined variance, and its lines where they are kept."""

    name: str
    kind: str
    is_income: bool
    lines: list[VarianceLine]
    variance: calculations.Variance

    @property
    def kind_label(self) -> str:
        return "Income" if self.is_income else choices.CategoryKind(self.kind).label


@dataclass
class ProgrammeSplit:
    """Programme delivery against admin and running costs, of the budget and of spend to date.
    Grant-in-aid the lines do not itemise counts as admin (2012-13's printed £765K includes
    £95,273 of communications and governance costs the table leaves out)."""

    programme_budget: Decimal
    admin_budget: Decimal
    not_itemised: Decimal
    programme_spend: Decimal
    admin_spend: Decimal

    @property
    def total_budget(self) -> Decimal:
        return self.programme_budget + self.admin_budget

    @property
    def total_spend(self) -> Decimal:
        return self.programme_spend + self.admin_spend

    @property
    def programme_share_of_budget(self) -> Decimal | None:
        return calculations.share_percent(self.programme_budget, self.total_budget)

    @property
    def admin_share_of_budget(self) -> Decimal | None:
        return calculations.share_percent(self.admin_budget, self.total_budget)

    @property
    def programme_share_of_spend(self) -> Decimal | None:
        return calculations.share_percent(self.programme_spend, self.total_spend)

    @property
    def admin_share_of_spend(self) -> Decimal | None:
        return calculations.share_percent(self.admin_spend, self.total_spend)


@dataclass(frozen=True)
class TotalReconciliation:
    """The budget lines' total beside the printed total (the grant-in-aid, as the plans print
    their total budget), the difference between them and its reason as the notes record it:
    2016-17's lines come to £602 more than its printed £2,790,450 because two lines are printed
    rounded; 2012-13's to £95,273 less than its £2.5M, the costs its table does not itemise."""

    lines_total: Decimal
    printed_total: Decimal
    #: The sentences of the budget's and grants' notes that mention the difference.
    reason: str

    @property
    def difference(self) -> Decimal:
        """The lines less the printed total: positive when the lines come to more."""
        return self.lines_total - self.printed_total

    @property
    def in_words(self) -> str:
        """The difference in words with its reason, the same on the page and in the workbook."""
        if not self.difference:
            return "None: the lines add up to the printed total."
        more_or_less = "more" if self.difference > 0 else "less"
        reason = f"From the notes: {self.reason}" if self.reason else "The notes do not say why."
        return (
            f"The lines come to {format_money(abs(self.difference))} {more_or_less} than the "
            f"printed total. {reason}"
        )


def reconcile_totals(
    lines_total: Decimal, *, printed_total: Decimal | None, notes: list[str]
) -> TotalReconciliation | None:
    """The lines' total beside the printed total (the grant-in-aid), the reason for any
    difference being the sentences of `notes` (the budget's and its grants') that mention its
    amount; None for a year without grant-in-aid, which has no printed total to reconcile with.
    The one rule of the plan overview, the variance page and the budget workbook."""
    if printed_total is None:
        return None
    return TotalReconciliation(
        lines_total=lines_total,
        printed_total=printed_total,
        reason=calculations.notes_mentioning(lines_total - printed_total, notes),
    )


def month_names(months: list[datetime.date]) -> str:
    """ "May 2016", "May 2016 and July 2016", "May 2016, July 2016 and August 2016"."""
    names = [f"{month:%B %Y}" for month in months]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


@dataclass
class VarianceHeading:
    """What a variance report knows before its lines: the budget, the month it is as at and
    which months' actuals count to date (calculations.as_at_month and months_reported)."""

    plan_year: PlanYear
    budget: Budget
    #: The month the figures are as at: the latest month with actuals not after the month
    #: asked for; None before any actuals.
    month: datetime.date | None
    #: The month asked for (its first day), None for the latest month with actuals.
    asked_month: datetime.date | None
    months: list[datetime.date]
    months_with_actuals: list[datetime.date]
    grant_total: Decimal
    #: Whether any monthly figure was generated for the demo rather than entered or imported.
    has_illustrative_figures: bool
    #: Whether every monthly figure was (so the page says "these", not "some of these").
    all_figures_illustrative: bool
    #: The notes of the budget and of its grants, where the reason for a difference between
    #: the lines and the printed total is recorded.
    total_notes: list[str]
    has_grant: bool

    def reconcile(self, lines_total: Decimal) -> TotalReconciliation | None:
        """The lines' total beside the printed total, or None for a year without grant-in-aid
        (no printed total to reconcile with)."""
        return reconcile_totals(
            lines_total,
            printed_total=self.grant_total if self.has_grant else None,
            notes=self.total_notes,
        )

    @property
    def unit(self) -> str:
        return self.budget.presentation_unit

    @property
    def unit_label(self) -> str:
        return choices.PresentationUnit(self.unit).label

    @property
    def tolerance_percent(self) -> Decimal:
        return self.budget.variance_tolerance_percent

    @property
    def months_elapsed(self) -> int:
        """The month's position in the year (1-12); 0 before any actuals."""
        return self.months.index(self.month) + 1 if self.month else 0

    @property
    def reported(self) -> tuple[bool, ...]:
        return calculations.months_reported(self.months, self.months_with_actuals, self.month)

    @property
    def chosen_month(self) -> datetime.date | None:
        """The month to keep chosen in the form and pass on to the downloads."""
        return self.asked_month or self.month

    @property
    def months_without_actuals(self) -> list[datetime.date]:
        """Months up to the as-at month without actuals, left out of the figures to date."""
        return [
            month
            for month, counts in zip(self.months, self.reported, strict=True)
            if self.month and month < self.month and not counts
        ]

    @property
    def actuals_and_forecasts(self) -> str:
        """Which months are actuals and which forecasts, in words."""
        if self.month is None:
            return "No actuals yet; forecasts, else the budget, for every month."
        if self.month == self.months[-1]:
            text = f"Actuals to {self.month:%B %Y}, the end of the year."
        else:
            following = self.months[self.months_elapsed]
            text = f"Actuals to {self.month:%B %Y}; forecasts from {following:%B %Y}."
        gaps = self.months_without_actuals
        if gaps:
            text += (
                f" {month_names(gaps)} {'has' if len(gaps) == 1 else 'have'} no actuals: "
                "counted at forecast, else budget, in the outturn and left out of the "
                "figures to date."
            )
        return text

    @property
    def moved_from_asked(self) -> str:
        """Why the figures are not as at the month asked for (which has no actuals), or ""."""
        if self.asked_month is None or self.asked_month == self.month:
            return ""
        if self.month is None:
            return (
                f"No month to {self.asked_month:%B %Y} has actuals, so there is no variance "
                "to date."
            )
        return (
            f"{self.asked_month:%B %Y} has no actuals, so the figures are as at the end of "
            f"{self.month:%B %Y}, the latest month with actuals by then."
        )


@dataclass
class VarianceStream(VarianceHeading):
    """A variance report whose lines come one at a time, in the report's order (category by
    category), read from the database as they are needed: the workbook of 50,000 lines is
    written without holding them all."""

    lines: Iterator[VarianceLine]


@dataclass
class VarianceReport(VarianceHeading):
    """A plan year's budget against its actuals and forecasts as at the end of one month."""

    categories: list[VarianceCategory]
    total: calculations.Variance
    split: ProgrammeSplit

    @property
    def lines(self) -> list[VarianceLine]:
        return [line for category in self.categories for line in category.lines]

    @property
    def project_lines(self) -> list[VarianceLine]:
        return [line for line in self.lines if line.project]

    @property
    def reconciliation(self) -> TotalReconciliation | None:
        return self.reconcile(self.total.annual_budget)

    @property
    def beyond_tolerance(self) -> list[VarianceLine]:
        return [line for line in self.lines if line.variance.beyond_tolerance]


class CategoryTotals:
    """The combined variance of each category, added up line by line as the lines come (in
    the report's order), keeping the lines themselves only if asked to."""

    def __init__(self, tolerance_percent: Decimal, *, keep_lines: bool):
        self.tolerance_percent = tolerance_percent
        self.keep_lines = keep_lines
        self._categories: dict[int, VarianceCategory] = {}
        self._sums: dict[int, list[Decimal]] = {}

    def add(self, line: VarianceLine) -> None:
        variance = line.variance
        sums = self._sums.get(line.category_id)
        if sums is None:
            sums = self._sums[line.category_id] = [calculations.ZERO] * 4
            self._categories[line.category_id] = VarianceCategory(
                name=line.category,
                kind=line.kind,
                is_income=line.is_income,
                lines=[],
                variance=variance,
            )
        sums[0] += variance.annual_budget
        sums[1] += variance.budget_to_date
        sums[2] += variance.actual_to_date
        sums[3] += variance.forecast_outturn
        if self.keep_lines:
            self._categories[line.category_id].lines.append(line)

    def categories(self) -> list[VarianceCategory]:
        """Each category with its combined variance (the sums of its lines', percentages and
        tolerance worked out from those sums, as calculations.combined_variance does)."""
        for category_id, category in self._categories.items():
            category.variance = calculations.variance_of_sums(
                *self._sums[category_id], self.tolerance_percent
            )
        return list(self._categories.values())

    def total(self) -> calculations.Variance:
        return calculations.combined_variance(
            (category.variance for category in self.categories()), self.tolerance_percent
        )


class UnknownMonth(ValueError):
    """A month asked for that is not a month of the plan year."""


def parse_report_month(text: str | None, plan_year: PlanYear) -> datetime.date | None:
    """The month of `?month=2016-09` (the first of September 2016); None for no month; an
    UnknownMonth for text that is not a month of the plan year."""
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    try:
        month = datetime.date(int(match[1]), int(match[2]), 1)
    except (TypeError, ValueError) as error:
        raise UnknownMonth(f"{text!r} is not a month written like 2016-09.") from error
    if month not in plan_year.months():
        raise UnknownMonth(f"{month:%B %Y} is not a month of {plan_year.year}.")
    return month


def line_order(prefix: str = "") -> list:
    """The report's order of lines: programme delivery categories, then admin, then income;
    by category name; within a category by position."""
    return [
        f"{prefix}category__is_income",
        Case(When(**{f"{prefix}category__kind": PROGRAMME}, then=Value(0)), default=Value(1)),
        f"{prefix}category__name",
        f"{prefix}category_id",
        f"{prefix}position",
        f"{prefix}id",
    ]


LINE_FIELDS = (
    "id",
    "category_id",
    "category__name",
    "category__kind",
    "category__is_income",
    "project_id",
    "project__title",
    "amount",
    "description",
)


#: A monthly figure's month and amounts, read as text and made a month's place in the year and
#: Decimals by variance_lines: Django's converters, called for each value (a date parsed from
#: SQLite's text; a Decimal from its float, then rounded to the penny), took as long as writing
#: the amounts into the workbook, and with no column to convert none is called. The text is the
#: stored amount (PostgreSQL's numeric exactly; SQLite's float to 15 significant digits, as
#: Django reads it), so the Decimal is the same. The month is its ISO date on both databases
#: (SQLite stores it so; PostgreSQL writes it so under the DateStyle ISO, which psycopg, and so
#: Django, needs to read any date or time).
FIGURE_TEXTS = ("month", "actual", "forecast", "profile")
#: The lines read from the database at a time (and their monthly figures with them).
LINES_CHUNK = 500


def variance_stream(*, plan_year: PlanYear, as_at: datetime.date | None = None) -> VarianceStream:
    """The variance of the plan year's budget as at the day `as_at` (any day of a month, such
    as a quarter's last day; by default the latest month with actuals), its lines to be read one
    at a time. The figures are as at the latest month with actuals not after it (a later month
    is not an underspend of the months not yet reported). Raises Budget.DoesNotExist when the
    year has no budget. Six queries however many lines and months; the monthly figures are
    read in chunks as the lines are."""
    budget = Budget.objects.fetch_mode(models.FETCH_RAISE).get(plan_year=plan_year)
    figures = MonthlyFigure.objects.filter(line__budget=budget)
    # Each month's figures counted in one reading of them: those with actuals, those generated
    # for the demo and all.
    by_month = list(
        figures.order_by("month")
        .values("month")
        .annotate(
            actuals=models.Count("actual"),
            illustrative=models.Count("id", filter=Q(is_illustrative=True)),
            all=models.Count("id"),
        )
        .values_list("month", "actuals", "illustrative", "all")
    )
    months_with_actuals = [month for month, actuals, _, _ in by_month if actuals]
    counted = {
        "illustrative": sum(illustrative for _, _, illustrative, _ in by_month),
        "all": sum(count for _, _, _, count in by_month),
    }
    months = plan_year.months()
    month = calculations.as_at_month(as_at, months_with_actuals)
    grants = list(GrantInAid.objects.filter(plan_year=plan_year).values_list("amount", "notes"))
    owners: dict[int, str] = {}
    titles: dict[str, str] = {}
    for project_id, title in (
        # Each owner of a project once (a project with several lines is in the subquery once).
        Project.owners.through.objects.filter(
            project_id__in=BudgetLine.objects.filter(budget=budget).values("project_id")
        )
        .order_by("project_id", "role__title")
        .values_list("project_id", "role__title")
    ):
        # One string per owner, however many projects they own; several owners joined by "and".
        title = titles.setdefault(title, title)
        owners[project_id] = f"{owners[project_id]} and {title}" if project_id in owners else title
    # Both the lines and their monthly figures are read in chunks, side by side: a chunk of
    # figures is a chunk of lines' twelve months, so that on PostgreSQL (a server-side cursor
    # each) the two are fetched in step, a fetch of each for every LINES_CHUNK lines.
    lines = (
        BudgetLine.objects.filter(budget=budget)
        .order_by(*line_order())
        .values_list(*LINE_FIELDS)
        .iterator(chunk_size=LINES_CHUNK)
    )
    ordered_figures = (
        figures.order_by(*line_order("line__"), "month")
        .values_list("line_id", *(Cast(name, CharField()) for name in FIGURE_TEXTS))
        .iterator(chunk_size=LINES_CHUNK * calculations.MONTHS_IN_YEAR)
    )
    return VarianceStream(
        plan_year=plan_year,
        budget=budget,
        month=month,
        asked_month=as_at.replace(day=1) if as_at else None,
        months=months,
        months_with_actuals=months_with_actuals,
        grant_total=calculations.total(amount for amount, _notes in grants),
        has_illustrative_figures=bool(counted["illustrative"]),
        all_figures_illustrative=bool(counted["all"]) and counted["illustrative"] == counted["all"],
        total_notes=[budget.notes, *(notes for _amount, notes in grants)],
        has_grant=bool(grants),
        lines=variance_lines(
            lines=lines,
            owners=owners,
            figures=ordered_figures,
            months=months,
            reported=calculations.months_reported(months, months_with_actuals, month),
            tolerance_percent=budget.variance_tolerance_percent,
        ),
    )


def variance_lines(
    *, lines, owners, figures, months, reported, tolerance_percent
) -> Iterator[VarianceLine]:
    """Each line's variance, from the lines (LINE_FIELDS tuples) and their monthly figures
    ((line id, month, actual, forecast, profile), all but the line as text (FIGURE_TEXTS), in the
    same order of lines), read together."""
    position = {first_day.isoformat(): index for index, first_day in enumerate(months)}
    penny = calculations.PENNY
    figures = iter(figures)
    pending = next(figures, None)
    done = set()
    for (
        line_id,
        category_id,
        category,
        kind,
        is_income,
        project_id,
        project,
        amount,
        description,
    ) in lines:
        actuals = [None] * len(months)
        forecasts = [None] * len(months)
        profile = [None] * len(months)
        while pending is not None and pending[0] == line_id:
            _line_id, first_day, actual, forecast, month_profile = pending
            index = position[first_day]
            if actual is not None:
                actuals[index] = Decimal(actual).quantize(penny)
            if forecast is not None:
                forecasts[index] = Decimal(forecast).quantize(penny)
            if month_profile is not None:
                profile[index] = Decimal(month_profile).quantize(penny)
            pending = next(figures, None)
        if pending is not None and pending[0] in done:
            raise RuntimeError("Monthly figures were not read in the order of their lines.")
        done.add(line_id)
        yield VarianceLine(
            line_id=line_id,
            category_id=category_id,
            category=category,
            kind=kind,
            is_income=is_income,
            project=project or "",
            owners=owners.get(project_id, "") if project_id else "",
            description=description,
            variance=calculations.line_variance(
                annual=amount,
                profile=profile,
                actuals=actuals,
                forecasts=forecasts,
                reported=reported,
                tolerance_percent=tolerance_percent,
            ),
            actuals=actuals,
            forecasts=forecasts,
        )
    if pending is not None:
        raise RuntimeError("Monthly figures were not read in the order of their lines.")


def variance_report(*, plan_year: PlanYear, as_at: datetime.date | None = None) -> VarianceReport:
    """The variance report of the plan year's budget as at `as_at`, every line held (for the
    page): see variance_stream."""
    return report_from_stream(variance_stream(plan_year=plan_year, as_at=as_at))


def heading_of(stream: VarianceHeading) -> dict:
    return {
        "plan_year": stream.plan_year,
        "budget": stream.budget,
        "month": stream.month,
        "asked_month": stream.asked_month,
        "months": stream.months,
        "months_with_actuals": stream.months_with_actuals,
        "grant_total": stream.grant_total,
        "has_illustrative_figures": stream.has_illustrative_figures,
        "all_figures_illustrative": stream.all_figures_illustrative,
        "total_notes": stream.total_notes,
        "has_grant": stream.has_grant,
    }


def report_from_stream(stream: VarianceStream) -> VarianceReport:
    totals = CategoryTotals(stream.tolerance_percent, keep_lines=True)
    for line in stream.lines:
        totals.add(line)
    categories = totals.categories()
    total = totals.total()
    return VarianceReport(
        **heading_of(stream),
        categories=categories,
        total=total,
        split=programme_split(categories, total.annual_budget, stream.grant_total),
    )


def programme_split(
    categories: list[VarianceCategory], lines_total: Decimal, grant_total: Decimal
) -> ProgrammeSplit:
    """Programme delivery against admin and running costs (income left out of both)."""
    programme = [c.variance for c in categories if not c.is_income and c.kind == PROGRAMME]
    admin = [c.variance for c in categories if not c.is_income and c.kind != PROGRAMME]
    not_itemised = calculations.not_itemised(lines_total, grant_total)
    return ProgrammeSplit(
        programme_budget=calculations.total(part.annual_budget for part in programme),
        admin_budget=calculations.total(part.annual_budget for part in admin) + not_itemised,
        not_itemised=not_itemised,
        programme_spend=calculations.total(part.actual_to_date for part in programme),
        admin_spend=calculations.total(part.actual_to_date for part in admin),
    )
