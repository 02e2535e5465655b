"""Choices for performance indicators, in the words of the performance framework."""

from django.db import models

from plans.choices import RecommendationStatus


class IndicatorTier(models.TextChoices):
    """The three indicator sets of the two-tier performance framework."""

    KEY = "key", "Key performance indicator"
    ENABLING = "enabling", "Enabling indicator"
    PROJECT = "project", "Project indicator"


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    CURRENCY = "currency", "Currency (£)"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Aggregation(models.TextChoices):
    """How the year-to-date value is formed from the periods' measurements."""

    TOTAL = "total", "Total of the periods"
    LEVEL = "level", "Level at the latest period"
    RATIO = "ratio", "Ratio of summed numerators and denominators"


class Frequency(models.TextChoices):
    """How often an indicator is measured; an annual indicator (the accounts) once a year."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class TargetProfile(models.TextChoices):
    """How the annual target is spread over the year to give the target to date."""

    FLAT = "flat", "Flat: the annual target applies all year"
    EVEN = "even", "Even: spread evenly over the periods"
    EXPLICIT = "explicit", "Explicit: a target entered for each period"


def default_target_profile(aggregation: str) -> str:
    """The profile an indicator takes unless one is chosen: a total's annual target is spread
    evenly over its periods, a level's or a ratio's applies all year (as before profiles could
    be chosen)."""
    return TargetProfile.EVEN if aggregation == Aggregation.TOTAL else TargetProfile.FLAT


# How many months one reporting period of each frequency covers.
MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}


class Source(models.TextChoices):
    """Where an indicator's figures come from: entered each period, or counted from records the
    application already holds."""

    ENTERED = "entered", "Entered each period"
    RECOMMENDATIONS = (
        "recommendations by status",
        "Counted from the project's recommendations by status",
    )


# 2012-13's "Number of recommendations that have been: - accepted - implemented - under
# consideration": the three counts, in printed order.
COUNTED_RECOMMENDATION_STATUSES = (
    RecommendationStatus.ACCEPTED,
    RecommendationStatus.IMPLEMENTED,
    RecommendationStatus.UNDER_CONSIDERATION,
)
