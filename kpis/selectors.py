"""Reads for indicator pages, evaluated up front with FETCH_RAISE."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from core.history import HISTORY_SHOWN, History, latest_history, record_histories
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


@dataclass
class PeriodRow:
    """One period of an indicator's year: its target, if profiled, and its actual, if entered."""

    period: datetime.date
    target: Decimal | None
    measurement: Measurement | None


@dataclass
class IndicatorDetail:
    indicator: Indicator
    rows: list[PeriodRow]

    @property
    def has_profile(self) -> bool:
        return any(row.target is not None for row in self.rows)


def indicator_detail(*, year: str, ref: str) -> IndicatorDetail:
    """An indicator with its owners, and every period of its year with the period's target and
    actual (and who entered it)."""
    indicator = _indicator_with_periods(year=year, ref=ref)
    targets = {target.period: target.target for target in indicator.targets.all()}
    measurements = {measurement.period: measurement for measurement in indicator.measurements.all()}
    return IndicatorDetail(
        indicator=indicator,
        rows=[
            PeriodRow(period, targets.get(period), measurements.get(period))
            for period in indicator.periods()
        ],
    )


def _indicator_with_periods(*, year: str, ref: str) -> Indicator:
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


def indicator_history(*, indicator: Indicator, limit: int = HISTORY_SHOWN) -> History:
    """The latest changes of an indicator, its period targets and its actuals, including any
    since deleted, newest first."""
    related = {"where": {"indicator_id": indicator.pk}, "latest": limit}
    return latest_history(
        record_histories(Indicator, pks=[indicator.pk], latest=limit),
        record_histories(
            PeriodTarget, name=lambda values: f"Target for {values['period']:%B %Y}", **related
        ),
        record_histories(
            Measurement, name=lambda values: f"Actual for {values['period']:%B %Y}", **related
        ),
        limit=limit,
    )
