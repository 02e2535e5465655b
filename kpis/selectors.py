"""Reads for indicator pages, evaluated up front with FETCH_RAISE."""

from django.db import models
from django.db.models import Prefetch

from kpis.models import Indicator
from plans.models import PlanYear, Role


def indicators_for_plan_year(*, plan_year: PlanYear) -> list[Indicator]:
    """The plan year's indicators with their owners, project and objective, in tier order."""
    return list(
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("project", "strategic_objective")
        .prefetch_related(Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)))
    )
