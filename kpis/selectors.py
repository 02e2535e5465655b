"""Reads for indicator pages, evaluated up front with FETCH_RAISE."""

from django.db import models
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from kpis.models import Indicator, Measurement, PeriodTarget
from plans.models import PlanYear, Role


def indicators_for_plan_year(*, plan_year: PlanYear) -> list[Indicator]:
    """The plan year's indicators with their owners, project and objective, in tier order."""
    return list(
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("project", "strategic_objective")
        .prefetch_related(Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)))
    )


def indicator_detail(*, year: str, ref: str) -> Indicator:
    """An indicator with its owners, period targets and measurements (and who entered them)."""
    queryset = (
        Indicator.objects.fetch_mode(models.FETCH_RAISE)
        .select_related("plan_year", "project", "strategic_objective")
        .prefetch_related(
            Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch("targets", queryset=PeriodTarget.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.fetch_mode(models.FETCH_RAISE).select_related(
                    "entered_by"
                ),
            ),
        )
    )
    return get_object_or_404(queryset, plan_year__year=year, ref=ref)
