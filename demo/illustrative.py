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
from demo import illustrative_budgets, illustrative_journeys, illustrative_risks
from kpis import calculations
from kpis.choices import Aggregation, Source, TargetProfile, Unit
from kpis.models import Indicator, Measurement
from plans.choices import MilestoneStatus
from plans.models import Milestone, PlanYear, Project

ILLUSTRATIVE_YEARS = ["2010-11", "2012-13", "2016-17"]
COMMENTARY = "Illustrative figure generated for the demo; not from the business plan."
BEHIND_TARGET = " Behind target: the owner is re-planning the activity with the Leadership Team."
MILESTONE_NOTE = "Illustrative milestone generated for the demo; not from the business plan."

# How an indicator performs across the year: share of target achieved (low, high) per period.
PERFORMANCE = {"green": (0.97, 1.12), "amber": (0.88, 0.96), "red": (0.65, 0.82)}
# Of a plan year's indicators, at least one runs red and a quarter amber; the rest green.
RED_SHARE = 1 / 6
AMBER_SHARE = 1 / 4
# The year's goal for an indicator with no numeric target, by unit: (low, high).
UNTARGETED_GOAL = {Unit.PERCENTAGE: (55, 90), Unit.CURRENCY: (10000, 200000), Unit.COUNT: (8, 40)}

# The scale of an indicator whose plan gives no number to generate from: a relative target
# whose baseline is not printed, a target for a later year, or none. Illustrative sizes, chosen
# to be plausible for a body of about 30 staff, never shown as targets (these indicators still
# have "no target to date"): for a total, the year's figure; for a level, the year-end level.
ILLUSTRATIVE_SCALE = {
    # 2012-13: engagement via communications channels (visits, followers' interactions).
    ("2012-13", "PI4"): 24000,
    ("2012-13", "PI6"): 24000,
    # 2016-17: website visits a year; children who know about the Commissioner (surveyed
    # estimate); children engaged (about half of 2018's 200,000 in the first year); social
    # media followers; positive media items a year.
    ("2016-17", "OC5"): 360000,
    ("2016-17", "OC6"): 150000,
    ("2016-17", "OC9"): 100000,
    ("2016-17", "OC10"): 40000,
    ("2016-17", "OC11"): 600,
}

# How many are counted in one period of a ratio: (low, high). A survey of children asks 40 to
# 400 a month; the others count what the organisation handles in a period.
SURVEY = (40, 400)
DENOMINATORS = {
    ("2010-11", "KPI8"): (1, 3),  # publications a month (KPI5: 12 a year)
    ("2010-11", "KPI10"): (200000, 300000),  # pounds spent a month (£3m grant-in-aid)
    ("2012-13", "EI1"): (2, 6),  # returns due a month
    ("2012-13", "EI2"): (2, 5),  # assurance reports a month
    ("2012-13", "EI6"): (1, 5),  # procurements a month
    ("2012-13", "EI7"): (3, 3),  # performance reports a quarter (one a month)
    ("2012-13", "EI8"): (2, 4),  # HR updates a quarter
    ("2012-13", "EI10"): (20, 60),  # back-office requests a month
    ("2012-13", "EI11"): (1, 3),  # governance meetings a month
    ("2012-13", "EI12"): (3, 6),  # transition meetings a quarter
    ("2016-17", "OC13"): (152, 152),  # councils with children in care
}

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
    if goal is not None:
        goal = float(goal)
    elif identity in ILLUSTRATIVE_SCALE:
        goal = float(ILLUSTRATIVE_SCALE[identity])
    else:
        goal = _rng("goal", *identity).uniform(*UNTARGETED_GOAL[indicator.unit])
    percentage = indicator.unit == Unit.PERCENTAGE
    places = 2 if indicator.unit == Unit.CURRENCY else 0
    if goal == 0 and indicator.direction == "lower":
        # None is the target (no qualified accounts, no loss of information): none happens,
        # except one incident in August for a red-running monthly indicator.
        return [
            {"value": Decimal(int(performance == "red" and len(period_list) == 12 and n == 4))}
            for n in range(len(period_list))
        ]
    rising = None
    if indicator.target_profile == TargetProfile.EVEN and indicator.target is not None:
        rising = calculations.targets_of(indicator, {}, periods=period_list)
    rows = []
    for index, period in enumerate(period_list, start=1):
        share = _rng("measurement", *identity, period.isoformat()).uniform(low, high)
        if indicator.aggregation == Aggregation.RATIO:
            asked = DENOMINATORS.get(identity, SURVEY)
            denominator = _rng("asked", *identity, period.isoformat()).randint(*asked)
            percent = min(goal * share, 100)
            numerator = min(denominator, round(denominator * percent / 100))
            rows.append({"numerator": Decimal(numerator), "denominator": Decimal(denominator)})
            continue
        if indicator.aggregation == Aggregation.LEVEL and rising is not None:
            # A level profiled evenly (KPI6's members, OC14's areas) runs near its target to
            # date as it rises through the year.
            value = float(rising.to_date[period].value) * share
        elif indicator.aggregation == Aggregation.LEVEL:
            # A level (members, followers) held against a flat target runs near its goal all
            # year, rising a little towards the year end.
            value = goal * share * (0.94 + 0.06 * index / len(period_list))
        elif percentage:
            value = goal * share
        else:
            value = goal / len(period_list) * share
        if percentage:
            value = min(value, 100)
        rows.append({"value": _quantise(value, places)})
    return rows


def generate_measurements(plan_year: PlanYear, changes: ChangeCount, entered_by=None) -> None:
    # An indicator counted from records the application holds (recommendations) is never
    # entered, so it gets no measurements.
    indicators = list(
        Indicator.objects.filter(plan_year=plan_year, source=Source.ENTERED)
        .select_related("plan_year")
        .prefetch_related("targets")
    )
    performance = assign_performance(indicators, plan_year.year)
    for indicator in indicators:
        period_list = indicator.periods()
        figures_by_period = measurement_values(indicator, period_list, performance[indicator.ref])
        behind = _red_to_date(indicator, period_list, figures_by_period)
        for period, figures in zip(period_list, figures_by_period, strict=True):
            record_upsert(
                Measurement,
                lookup={"indicator": indicator, "period": period},
                values={
                    "value": figures.get("value"),
                    "numerator": figures.get("numerator"),
                    "denominator": figures.get("denominator"),
                    # A red actual says what is being done, as the entry form requires.
                    "commentary": COMMENTARY + (BEHIND_TARGET if period in behind else ""),
                    "entered_by": entered_by,
                    "entered_at": _entered_at(period),
                    "is_illustrative": True,
                },
                changes=changes,
            )


def _red_to_date(indicator, period_list, figures_by_period) -> set:
    """The periods at which the indicator's year to date is red against its target to date."""
    actuals = [
        calculations.Actual(period, f.get("value"), f.get("numerator"), f.get("denominator"))
        for period, f in zip(period_list, figures_by_period, strict=True)
    ]
    explicit = {target.period: target.target for target in indicator.targets.all()}
    targets = calculations.targets_of(indicator, explicit, periods=period_list)
    red = set()
    for period in period_list:
        actual = calculations.year_to_date(indicator.aggregation, actuals, up_to=period)
        target = targets.at(period)
        status = calculations.rag(
            actual,
            target,
            direction=indicator.direction,
            green_from=indicator.green_from_percent,
            amber_from=indicator.amber_from_percent,
        )
        if status is calculations.Rag.RED:
            red.add(period)
    return red


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
    illustrative_risks.generate(changes)
    illustrative_journeys.generate(changes)
    illustrative_budgets.generate(changes, ILLUSTRATIVE_YEARS)
