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

from core.services import ChangeCount, record_upsert
from demo import illustrative_budgets
from kpis.choices import Aggregation, Unit
from kpis.models import Indicator, Measurement
from plans.choices import MilestoneStatus
from plans.models import Milestone, PlanYear, Project

ILLUSTRATIVE_YEARS = ["2010-11", "2012-13", "2016-17"]
COMMENTARY = "Illustrative figure generated for the demo; not from the business plan."
MILESTONE_NOTE = "Illustrative milestone generated for the demo; not from the business plan."

# How an indicator performs across the year: share of target achieved (low, high) per period.
PERFORMANCE = {"green": (0.97, 1.12), "amber": (0.88, 0.96), "red": (0.65, 0.82)}
# Of a plan year's indicators, at least one runs red and a quarter amber; the rest green.
RED_SHARE = 1 / 6
AMBER_SHARE = 1 / 4
# The year's goal for an indicator with no numeric target, by unit: (low, high).
UNTARGETED_GOAL = {Unit.PERCENTAGE: (55, 90), Unit.CURRENCY: (10000, 200000), Unit.COUNT: (8, 40)}

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


def _quantise(value: float, places: int = 0) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def assign_performance(indicators: list[Indicator], year: str) -> dict[str, str]:
    """Spread green, amber and red over the plan year's indicators, shuffled by a fixed seed:
    at least one red and one amber wherever there are three indicators or more."""
    count = len(indicators)
    red = max(1, round(count * RED_SHARE)) if count >= 3 else 0
    amber = max(1, round(count * AMBER_SHARE)) if count >= 3 else 0
    bands = ["red"] * red + ["amber"] * amber + ["green"] * (count - red - amber)
    _rng("performance", year).shuffle(bands)
    refs = sorted(indicator.ref for indicator in indicators)
    return dict(zip(refs, bands, strict=True))


def _entered_at(period: datetime.date) -> datetime.datetime:
    """Actuals are entered on the tenth day after the period's month ends, mid-morning."""
    month_end = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    entered = datetime.datetime.combine(month_end + datetime.timedelta(days=9), datetime.time(10))
    return timezone.make_aware(entered, datetime.UTC)


def measurement_values(
    indicator: Indicator, period_list: list[datetime.date], performance: str
) -> list[dict]:
    """The illustrative figures for each period of an indicator running at `performance`."""
    low, high = PERFORMANCE[performance]
    if indicator.direction == "lower":
        low, high = 2 - high, 2 - low
    identity = (indicator.plan_year.year, indicator.ref)
    goal = indicator.target
    goal = (
        float(goal)
        if goal is not None
        else _rng("goal", *identity).uniform(*UNTARGETED_GOAL[indicator.unit])
    )
    percentage = indicator.unit == Unit.PERCENTAGE
    places = 2 if indicator.unit == Unit.CURRENCY else 0
    level_start = goal * _rng("start", *identity).uniform(0.3, 0.5)
    rows = []
    for index, period in enumerate(period_list, start=1):
        share = _rng("measurement", *identity, period.isoformat()).uniform(low, high)
        if indicator.aggregation == Aggregation.RATIO:
            denominator = _rng("asked", *identity, period.isoformat()).randint(40, 400)
            percent = min(goal * share, 100)
            numerator = min(denominator, round(denominator * percent / 100))
            rows.append({"numerator": Decimal(numerator), "denominator": Decimal(denominator)})
            continue
        if indicator.aggregation == Aggregation.LEVEL:
            # A level (members, followers) builds towards its goal through the year.
            value = (level_start + (goal - level_start) * index / len(period_list)) * share
        elif percentage:
            value = goal * share
        else:
            value = goal / len(period_list) * share
        if percentage:
            value = min(value, 100)
        rows.append({"value": _quantise(value, places)})
    return rows


def generate_measurements(plan_year: PlanYear, changes: ChangeCount, entered_by=None) -> None:
    indicators = list(Indicator.objects.filter(plan_year=plan_year).select_related("plan_year"))
    performance = assign_performance(indicators, plan_year.year)
    for indicator in indicators:
        period_list = indicator.periods()
        figures_by_period = measurement_values(indicator, period_list, performance[indicator.ref])
        for period, figures in zip(period_list, figures_by_period, strict=True):
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
    risk. A project that has milestones from its document (or entered by staff) gets none."""
    months = plan_year.months()
    projects = Project.objects.filter(plan_year=plan_year).exclude(
        milestones__is_illustrative=False
    )
    for project in projects:
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
    illustrative_budgets.generate(changes, ILLUSTRATIVE_YEARS)
