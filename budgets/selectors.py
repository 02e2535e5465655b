"""Reads for budget pages, evaluated up front with FETCH_RAISE."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from budgets import calculations
from budgets.models import Budget, BudgetLine, GrantInAid
from plans.models import PlanYear


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
