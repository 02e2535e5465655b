"""Illustrative measurements and milestones for the demo, which the documents do not give.

Deterministic: each record's figures come from a random generator seeded by its own identity
(plan year, indicator ref, period), so reloading produces exactly the same data. Every record is
marked is_illustrative and its commentary says so. Actuals sit near the target's profile, with a
share of indicators running amber or red and some milestones slipped.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from kpis.choices import Aggregation, Frequency, Unit
from kpis.models import Indicator, Measurement
from plans.choices import MilestoneStatus
from plans.models import Milestone, PlanYear, Project
from plans.services import ChangeCount, record_upsert

ILLUSTRATIVE_YEARS = ["2010-11", "2012-13", "2016-17"]
COMMENTARY = "Illustrative figure generated for the demo; not from the business plan."
MILESTONE_NOTE = "Illustrative milestone generated for the demo; not from the business plan."

# How an indicator performs across the year: share of target achieved (low, high) per period.
PERFORMANCE = {"green": (0.97, 1.12), "amber": (0.86, 0.97), "red": (0.65, 0.85)}
PERFORMANCE_WEIGHTS = {"green": 6, "amber": 3, "red": 2}
# Magnitudes for indicators with no numeric target, by unit.
UNTARGETED_PER_PERIOD = {Unit.COUNT: (5, 40), Unit.CURRENCY: (1000, 20000)}

FIRST_STEP = "Project initiation document approved by Leadership Team"
MIDDLE_STEPS = [
    "Evidence gathered",
    "Children and young people engaged",
    "Findings and recommendations drafted",
]
LAST_STEP = "Report published"


def _rng(*parts) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random, so it is stable across runs.
    return random.Random(":".join(str(part) for part in parts))


def _periods(indicator: Indicator, plan_year: PlanYear) -> list[datetime.date]:
    months = plan_year.months()
    return months[::3] if indicator.frequency == Frequency.QUARTERLY else months


def _quantise(value: float, places: int = 0) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _performance(indicator: Indicator) -> str:
    rng = _rng("performance", indicator.plan_year.year, indicator.ref)
    names = list(PERFORMANCE_WEIGHTS)
    return rng.choices(names, weights=[PERFORMANCE_WEIGHTS[name] for name in names])[0]


def _entered_at(period: datetime.date) -> datetime.datetime:
    """Actuals are entered on the tenth day after the period's month ends, mid-morning."""
    month_end = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    entered = datetime.datetime.combine(month_end + datetime.timedelta(days=9), datetime.time(10))
    return timezone.make_aware(entered, datetime.UTC)


def measurement_values(indicator: Indicator, period_list: list[datetime.date]) -> list[dict]:
    """The illustrative figures for each period of an indicator."""
    low, high = PERFORMANCE[_performance(indicator)]
    if indicator.direction == "lower":
        low, high = 2 - high, 2 - low
    target = indicator.target
    rows = []
    level_start = None
    for index, period in enumerate(period_list, start=1):
        rng = _rng("measurement", indicator.plan_year.year, indicator.ref, period.isoformat())
        share = rng.uniform(low, high)
        if indicator.aggregation == Aggregation.RATIO:
            denominator = rng.randint(40, 400)
            percent = float(target) if target is not None else rng.uniform(55, 90)
            numerator = min(denominator, round(denominator * min(percent * share, 100) / 100))
            rows.append({"numerator": Decimal(numerator), "denominator": Decimal(denominator)})
        elif indicator.aggregation == Aggregation.LEVEL:
            # A level (e.g. members, followers) builds towards the target through the year.
            goal = float(target) if target is not None else rng.uniform(200, 2000)
            if level_start is None:
                level_start = goal * _rng("start", indicator.ref).uniform(0.3, 0.5)
            progress = index / len(period_list)
            value = (level_start + (goal - level_start) * progress) * share
            rows.append({"value": _quantise(value)})
        else:
            if target is not None:
                per_period = float(target) / len(period_list)
            else:
                per_period = rng.uniform(*UNTARGETED_PER_PERIOD.get(indicator.unit, (5, 40)))
            places = 2 if indicator.unit == Unit.CURRENCY else 0
            value = per_period * share
            if indicator.unit == Unit.PERCENTAGE:
                value = min(value, 100)
            rows.append({"value": _quantise(value, places)})
    return rows


def generate_measurements(plan_year: PlanYear, changes: ChangeCount, entered_by=None) -> None:
    indicators = Indicator.objects.filter(plan_year=plan_year).select_related("plan_year")
    for indicator in indicators:
        period_list = _periods(indicator, plan_year)
        for period, figures in zip(
            period_list, measurement_values(indicator, period_list), strict=True
        ):
            record_upsert(
                Measurement,
                lookup={"indicator": indicator, "period": period},
                values={
                    "value": figures.get("value"),
                    "numerator": figures.get("numerator"),
                    "denominator": figures.get("denominator"),
                    "commentary": COMMENTARY,
                    "entered_by": entered_by,
                    "entered_at": _entered_at(period),
                    "is_illustrative": True,
                },
                changes=changes,
            )


def generate_milestones(plan_year: PlanYear, changes: ChangeCount) -> None:
    """Three to five milestones a project, spread over the year: most done, some slipped or at
    risk."""
    months = plan_year.months()
    for project in Project.objects.filter(plan_year=plan_year):
        rng = _rng("milestones", plan_year.year, project.title)
        count = rng.randint(3, 5)
        middle = sorted(rng.sample(range(len(MIDDLE_STEPS)), count - 2))
        steps = [FIRST_STEP, *(MIDDLE_STEPS[index] for index in middle), LAST_STEP]
        due_months = sorted(rng.sample(range(1, 12), count))
        for step, month_index in zip(steps, due_months, strict=True):
            month = months[month_index]
            due_on = month.replace(day=rng.choice([7, 14, 21, 28]))
            status = rng.choices(
                [
                    MilestoneStatus.DONE,
                    MilestoneStatus.SLIPPED,
                    MilestoneStatus.AT_RISK,
                    MilestoneStatus.ON_TRACK,
                ],
                weights=[13, 3, 2, 2],
            )[0]
            completed_on = (
                due_on + datetime.timedelta(days=rng.randint(-10, 5))
                if status == MilestoneStatus.DONE
                else None
            )
            record_upsert(
                Milestone,
                lookup={"project": project, "title": step},
                values={
                    "due_on": due_on,
                    "status": status,
                    "completed_on": completed_on,
                    "commentary": MILESTONE_NOTE,
                    "is_illustrative": True,
                },
                changes=changes,
            )


def generate(changes: ChangeCount, entered_by=None) -> None:
    for plan_year in PlanYear.objects.filter(year__in=ILLUSTRATIVE_YEARS):
        generate_milestones(plan_year, changes)
        generate_measurements(plan_year, changes, entered_by=entered_by)
