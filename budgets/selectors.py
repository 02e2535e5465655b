"""Reads for budget pages, evaluated up front with FETCH_RAISE."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch

from budgets import calculations, choices
from budgets.models import Budget, BudgetCategory, BudgetLine, GrantInAid, MonthlyFigure
from plans.models import PlanYear, Role

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
    def unfunded(self) -> Decimal:
        """How far the lines exceed the grant-in-aid (negative: the grant exceeds the lines)."""
        return self.total - self.grant_total


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


@dataclass
class VarianceLine:
    """A budget line's figures: its variance and its twelve months of actuals and forecasts."""

    line_id: int
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
    """A budget category's lines and their combined variance."""

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


@dataclass
class VarianceReport:
    """A plan year's budget against its actuals and forecasts as at the end of one month."""

    plan_year: PlanYear
    budget: Budget
    month: datetime.date
    months: list[datetime.date]
    months_with_actuals: list[datetime.date]
    categories: list[VarianceCategory]
    total: calculations.Variance
    split: ProgrammeSplit
    grant_total: Decimal
    #: Whether any monthly figure was generated for the demo rather than entered or imported.
    has_illustrative_figures: bool = False

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
        return self.months.index(self.month) + 1

    @property
    def lines(self) -> list[VarianceLine]:
        return [line for category in self.categories for line in category.lines]

    @property
    def project_lines(self) -> list[VarianceLine]:
        return [line for line in self.lines if line.project]

    @property
    def beyond_tolerance(self) -> list[VarianceLine]:
        return [line for line in self.lines if line.variance.beyond_tolerance]


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


def _category_order(category: BudgetCategory) -> tuple:
    return (
        category.is_income,
        category.kind != choices.CategoryKind.PROGRAMME_DELIVERY,
        category.name,
    )


def variance_report(*, plan_year: PlanYear, month: datetime.date | None = None) -> VarianceReport:
    """The variance report of the plan year's budget as at `month` (by default the latest month
    with actuals, else the first month of the year). Raises Budget.DoesNotExist when the year
    has no budget. Five queries however many lines and months."""
    budget = Budget.objects.fetch_mode(models.FETCH_RAISE).get(plan_year=plan_year)
    lines = list(
        BudgetLine.objects.fetch_mode(models.FETCH_RAISE)
        .filter(budget=budget)
        .select_related("category", "project")
        .prefetch_related(
            Prefetch("project__owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE))
        )
    )
    figures = MonthlyFigure.objects.filter(line__budget=budget).values_list(
        "line_id", "month", "actual", "forecast", "profile", "is_illustrative"
    )
    grants = GrantInAid.objects.filter(plan_year=plan_year).values_list("amount", flat=True)
    return build_variance_report(
        plan_year=plan_year,
        budget=budget,
        lines=lines,
        figures=figures.iterator(chunk_size=5000),
        grant_total=calculations.total(grants),
        month=month,
    )


def build_variance_report(
    *,
    plan_year: PlanYear,
    budget: Budget,
    lines: list[BudgetLine],
    figures,
    grant_total: Decimal,
    month: datetime.date | None = None,
) -> VarianceReport:
    """The report from rows already read: the lines (with category, project and owners) and
    each monthly figure as (line id, month, actual, forecast, profile, is illustrative)."""
    months = plan_year.months()
    position = {first_day: index for index, first_day in enumerate(months)}
    empty = [None] * len(months)
    actuals = {line.pk: empty.copy() for line in lines}
    forecasts = {line.pk: empty.copy() for line in lines}
    profiles = {line.pk: empty.copy() for line in lines}
    with_actuals = set()
    illustrative = False
    for line_id, first_day, actual, forecast, profile, is_illustrative in figures:
        illustrative = illustrative or is_illustrative
        index = position[first_day]
        actuals[line_id][index] = actual
        forecasts[line_id][index] = forecast
        profiles[line_id][index] = profile
        if actual is not None:
            with_actuals.add(first_day)
    months_with_actuals = sorted(with_actuals)
    if month is None:
        month = months_with_actuals[-1] if months_with_actuals else months[0]
    elapsed = position[month] + 1
    tolerance = budget.variance_tolerance_percent

    by_category: dict[int, tuple[BudgetCategory, list[VarianceLine]]] = {}
    for line in lines:
        project = line.project
        row = VarianceLine(
            line_id=line.pk,
            category=line.category.name,
            kind=line.category.kind,
            is_income=line.category.is_income,
            project=project.title if project else "",
            owners=" and ".join(role.title for role in project.owners.all()) if project else "",
            description=line.description,
            variance=calculations.line_variance(
                annual=line.amount,
                profile=profiles[line.pk],
                actuals=actuals[line.pk],
                forecasts=forecasts[line.pk],
                months_elapsed=elapsed,
                tolerance_percent=tolerance,
            ),
            actuals=actuals.pop(line.pk),
            forecasts=forecasts.pop(line.pk),
        )
        by_category.setdefault(line.category_id, (line.category, []))[1].append(row)
    categories = [
        VarianceCategory(
            name=category.name,
            kind=category.kind,
            is_income=category.is_income,
            lines=rows,
            variance=calculations.combined_variance((row.variance for row in rows), tolerance),
        )
        for category, rows in sorted(
            by_category.values(), key=lambda pair: _category_order(pair[0])
        )
    ]
    budget_total = calculations.combined_variance(
        (category.variance for category in categories), tolerance
    )
    return VarianceReport(
        plan_year=plan_year,
        budget=budget,
        month=month,
        months=months,
        months_with_actuals=months_with_actuals,
        categories=categories,
        total=budget_total,
        split=programme_split(categories, budget_total.annual_budget, grant_total),
        grant_total=grant_total,
        has_illustrative_figures=illustrative,
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
