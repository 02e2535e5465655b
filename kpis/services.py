"""Writes of the kpis app: who entered an actual, and when, is kept by the system."""

from django.utils import timezone

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
