"""Writes of the kpis app: who entered an actual, and when, is kept by the system."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from core.edit_conflicts import current_or_new, insert_or_conflict
from core.services import in_printed_order, links_set_in_order
from kpis import calculations
from plans.locks import first_refusal, quarter_locks

#: What a measurement's actual is made of.
ACTUAL_FIELDS = ("value", "numerator", "denominator")
#: Kept by the system, never entered: who entered the actual and when.
ENTRY_FIELDS = ["entered_by", "entered_at"]


def actual_of(measurement) -> tuple:
    return tuple(getattr(measurement, name) for name in ACTUAL_FIELDS)


def record_entry(measurement, user, *, changed) -> None:
    """Record `user` and the clock as having entered a new measurement's actual, or an existing
    one's when `changed` (the names of the fields that changed) includes the actual."""
    if measurement.pk is None or set(changed) & set(ACTUAL_FIELDS):
        measurement.entered_by = user
        measurement.entered_at = timezone.now()


def indicator_facts(indicator) -> tuple[list, dict]:
    """What the red-actual rule weighs an entered actual against: the indicator's stored actuals
    and its period targets."""
    return plan_year_indicator_facts(indicator.plan_year_id, indicators=[indicator.pk])[
        indicator.pk
    ]


def plan_year_indicator_facts(plan_year_id, *, indicators=None) -> dict[int, tuple[list, dict]]:
    """indicator_facts for every indicator of a plan year (or those of `indicators`), in two
    queries: an import weighs many rows against them."""
    from kpis.models import Measurement, PeriodTarget

    scope = {"indicator__plan_year_id": plan_year_id}
    if indicators is not None:
        scope["indicator__in"] = indicators
    facts = defaultdict(lambda: ([], {}))
    for pk, *actual in Measurement.objects.filter(**scope).values_list(
        "indicator_id", "period", "value", "numerator", "denominator"
    ):
        facts[pk][0].append(calculations.Actual(*actual))
    for pk, period, target in PeriodTarget.objects.filter(**scope).values_list(
        "indicator_id", "period", "target"
    ):
        facts[pk][1][period] = target
    return facts


def measurement_lock_errors(measurement, *, stored=None, locks=None) -> dict[str, str]:
    """An actual whose period, as `stored` (the measurement before the change, None for a new
    one) or as it would be saved, falls in a signed-off quarter (plans.locks): it cannot be
    added, changed or deleted. `locks` are read here unless given."""
    if locks is None:
        locks = quarter_locks()
    places = [
        (record.indicator.plan_year, period_of(record))
        for record in (stored, measurement)
        if record is not None and record.indicator_id is not None
    ]
    refusal = first_refusal(locks, *places)
    return {"period": refusal} if refusal else {}


def period_of(measurement):
    """A measurement's period as the model stores it (a workbook gives a datetime), or None."""
    from kpis.models import Measurement

    try:
        return Measurement._meta.get_field("period").to_python(measurement.period)
    except ValidationError:
        return None


def measurement_rule_errors(measurement, *, facts=None, locks=None, stored=None) -> dict[str, str]:
    """What every route that enters an actual must also refuse, beyond the model's own
    validation: an actual of a signed-off quarter (measurement_lock_errors, before the change
    as `stored` has it or after); and an actual that leaves its indicator red to date without
    commentary (kpis.calculations.red_needs_commentary), weighed against the indicator's stored
    actuals of the other periods and its period targets (`facts`, read here unless given)."""
    from kpis.models import Measurement

    locked = measurement_lock_errors(measurement, stored=stored, locks=locks)
    if locked:
        return locked
    indicator = measurement.indicator
    others, targets = facts if facts is not None else indicator_facts(indicator)
    try:
        # As the model will store them: an imported workbook gives a period as a datetime.
        entered = calculations.Actual(
            *(
                Measurement._meta.get_field(name).to_python(getattr(measurement, name))
                for name in ("period", *ACTUAL_FIELDS)
            )
        )
    except ValidationError:
        return {}  # the model's own validation says what is wrong
    if calculations.red_needs_commentary(
        indicator,
        entered=entered,
        commentary=measurement.commentary,
        other_actuals=others,
        period_targets=targets,
    ):
        return {"commentary": calculations.RED_NEEDS_COMMENTARY}
    return {}


def measurement_record(
    *,
    indicator,
    period,
    value,
    numerator,
    denominator,
    commentary,
    user,
    opened_version: str | None = None,
):
    """Enter or correct one period's actual of `indicator`, validated, inside the caller's
    transaction. A correction keeps the earlier figures in the audit history; who entered the
    actual and when are set when the figures change, not for a commentary-only change.

    `opened_version` is the actual's version when the person's form was opened (NEW_RECORD if
    there was none): an actual someone else saved since, even a first one saved at the same
    moment, is not overwritten; EditConflictError says whose it is. ValidationError says what
    is wrong with a value the model refuses."""
    from kpis.models import Measurement

    lookup = {"indicator": indicator, "period": period}
    shown = ("value", "numerator", "denominator", "commentary")
    measurement = current_or_new(
        Measurement.objects.all(), lookup, opened_version, fields=shown
    ) or Measurement(**lookup)
    before = actual_of(measurement)
    measurement.value, measurement.numerator, measurement.denominator = (
        value,
        numerator,
        denominator,
    )
    measurement.commentary = commentary
    changed = [
        name
        for name, old, new in zip(ACTUAL_FIELDS, before, actual_of(measurement), strict=True)
        if old != new
    ]
    record_entry(measurement, user, changed=changed)
    # A person's figure replaces a generated one.
    measurement.is_illustrative = False
    measurement.full_clean()
    errors = measurement_rule_errors(measurement)
    if errors:
        raise ValidationError(errors)
    if measurement.pk is None:
        return insert_or_conflict(measurement, lookup, fields=shown)
    measurement.save()
    return measurement


#: What a rolled-forward indicator copies from this year's: its definition.
DEFINITION_FIELDS = (
    "ref",
    "title",
    "tier",
    "unit",
    "direction",
    "aggregation",
    "frequency",
    "target_profile",
    "source",
    "annual_target",
    "baseline",
    "target_change_percent",
    "later_target",
    "later_target_year",
    "target_wording",
    "purpose",
    "green_from_percent",
    "amber_from_percent",
    "position",
)


@dataclass
class RollForward:
    """What rolling a plan year's indicators forward did."""

    created: list = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def indicators_roll_forward(*, from_year, to_year) -> RollForward:
    """Create `to_year`'s indicators from `from_year`'s: definitions, owners, period targets
    (moved on a year) and a continues-from link to this year's indicator are copied; actuals are
    not. The project and strategic objective are the next year's of the same title or ref, where
    there is one. An indicator whose ref the next year already has is left alone, so running it
    twice changes nothing."""
    from kpis.models import Indicator, PeriodTarget
    from plans.models import Project, Role, StrategicObjective

    result = RollForward()
    taken = set(Indicator.objects.filter(plan_year=to_year).values_list("ref", flat=True))
    projects = {p.title: p for p in Project.objects.filter(plan_year=to_year)}
    objectives = {o.ref: o for o in StrategicObjective.objects.filter(plan_year=to_year)}
    indicators = (
        Indicator.objects.filter(plan_year=from_year)
        .select_related("project", "strategic_objective")
        .prefetch_related(
            Prefetch("owners", queryset=in_printed_order(Role.objects, link="indicator_links")),
            "targets",
        )
    )
    with transaction.atomic():
        for earlier in indicators:
            if earlier.ref in taken:
                result.skipped.append((earlier.ref, f"{to_year.year} already has {earlier.ref}."))
                continue
            later = Indicator(
                plan_year=to_year,
                continues_from=earlier,
                project=projects.get(earlier.project.title) if earlier.project else None,
                strategic_objective=(
                    objectives.get(earlier.strategic_objective.ref)
                    if earlier.strategic_objective
                    else None
                ),
                notes=f"Rolled forward from {from_year.year}.",
                **{name: getattr(earlier, name) for name in DEFINITION_FIELDS},
            )
            try:
                later.full_clean()
            except ValidationError as error:
                reasons = "; ".join(m for ms in error.message_dict.values() for m in ms)
                result.skipped.append((earlier.ref, reasons))
                continue
            later.save()
            links_set_in_order(later.owners, earlier.owners.all())
            for target in earlier.targets.all():
                period = target.period.replace(year=target.period.year + 1)
                PeriodTarget.objects.create(indicator=later, period=period, target=target.target)
            result.created.append(later)
    return result
