"""Illustrative monthly actuals and forecasts for the demo budgets, which no document gives.

Deterministic: each line's figures come from a random generator seeded by its plan year,
category and project, so reloading gives the same figures. Every figure is marked
is_illustrative, and the budget pages say so. A closed year has twelve months of actuals; an
open one actuals to the end of September and forecasts for the rest of the year. Most lines run
close to their even profile; a few run over or under, beyond the 5% tolerance.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

from budgets.calculations import monthly_profile
from budgets.models import BudgetLine, MonthlyFigure
from core.services import ChangeCount, record_upsert
from plans.choices import PlanStatus
from plans.models import PlanYear

#: Months of actuals in a year still open (April to September).
OPEN_YEAR_ACTUAL_MONTHS = 6
# How a line runs against its profile: share of the month's budget, (low, high).
RUNNING = {"close": (0.94, 1.05), "over": (1.08, 1.2), "under": (0.7, 0.88)}


def _rng(*parts) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random, so it is stable across runs.
    return random.Random(":".join(str(part) for part in parts))


def _pounds(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def line_figures(line: BudgetLine, months_of_actuals: int) -> list[tuple]:
    """(month, actual, forecast) for each month of the line's year."""
    plan_year = line.budget.plan_year
    identity = (plan_year.year, line.category.name, line.project.title if line.project else "")
    rng = _rng("budget", *identity)
    running = rng.choices(["close", "over", "under"], weights=[7, 2, 1])[0]
    low, high = RUNNING[running]
    budgets = monthly_profile(line.amount, [None] * 12)
    figures = []
    for index, (month, budget) in enumerate(zip(plan_year.months(), budgets, strict=True)):
        if index < months_of_actuals:
            figures.append((month, _pounds(float(budget) * rng.uniform(low, high)), None))
        else:
            figures.append((month, None, _pounds(float(budget) * rng.uniform(0.95, 1.05))))
    return figures


def generate_budget_figures(plan_year: PlanYear, changes: ChangeCount) -> None:
    """Illustrative monthly figures for every line of the plan year's budget. A month of a line
    that already has figures not marked illustrative (imported or entered) is left alone."""
    months_of_actuals = 12 if plan_year.status == PlanStatus.CLOSED else OPEN_YEAR_ACTUAL_MONTHS
    lines = BudgetLine.objects.filter(budget__plan_year=plan_year).select_related(
        "budget__plan_year", "category", "project"
    )
    entered = set(
        MonthlyFigure.objects.filter(
            line__budget__plan_year=plan_year, is_illustrative=False
        ).values_list("line_id", "month")
    )
    for line in lines:
        for month, actual, forecast in line_figures(line, months_of_actuals):
            if (line.pk, month) in entered:
                continue
            record_upsert(
                MonthlyFigure,
                lookup={"line": line, "month": month},
                values={"actual": actual, "forecast": forecast, "is_illustrative": True},
                changes=changes,
            )


def generate(changes: ChangeCount, years) -> None:
    for plan_year in PlanYear.objects.filter(year__in=years):
        generate_budget_figures(plan_year, changes)
