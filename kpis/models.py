"""Performance indicators (key, enabling and project), their period targets and measurements."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kpis import choices
from plans import periods
from plans.models import (
    PlanYear,
    Project,
    Role,
    StrategicObjective,
    choices_constraint,
    link_position_field,
)

MEASURE = {"max_digits": 16, "decimal_places": 4}


class IndicatorOwner(models.Model):
    """An owner of an indicator, at its place in the printed list of owners (KPI1: Director of
    Participation, then Director of Communications)."""

    indicator = models.ForeignKey("Indicator", on_delete=models.CASCADE, related_name="owner_links")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="indicator_links")
    position = link_position_field()
    is_illustrative = models.BooleanField(
        default=False,
        help_text="Generated demo data: the plan names no owner, so the demo gives one.",
    )

    class Meta:
        ordering = ["indicator", "position", "pk"]
        verbose_name = "owner"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "role"],
                name="indicator_owner_once",
                violation_error_message="This role is already an owner of the indicator.",
            ),
        ]

    def __str__(self):
        return str(self.role)


class Indicator(models.Model):
    """A performance indicator of a plan year, such as KPI1, with its owners, annual target and
    how its year-to-date value is formed."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="indicators")
    ref = models.CharField(max_length=20, help_text="e.g. KPI1.")
    title = models.CharField(max_length=400)
    tier = models.CharField(max_length=20, choices=choices.IndicatorTier)
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
        help_text="Required for a project indicator; optional for the others.",
    )
    strategic_objective = models.ForeignKey(
        StrategicObjective,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    owners = models.ManyToManyField(
        Role,
        blank=True,
        through=IndicatorOwner,
        related_name="indicators",
        help_text="In the order the plan prints them.",
    )
    unit = models.CharField(max_length=20, choices=choices.Unit)
    direction = models.CharField(
        max_length=10, choices=choices.Direction, default=choices.Direction.HIGHER
    )
    aggregation = models.CharField(
        "year-to-date value",
        max_length=10,
        choices=choices.Aggregation,
        default=choices.Aggregation.TOTAL,
    )
    frequency = models.CharField(
        max_length=10, choices=choices.Frequency, default=choices.Frequency.MONTHLY
    )
    target_profile = models.CharField(
        max_length=10,
        choices=choices.TargetProfile,
        blank=True,
        help_text="How the annual target gives the target to date. Flat: it applies all year. "
        "Even: spread evenly over the periods (a level or ratio rising from its baseline). "
        "Explicit: the targets entered for each period below. Left blank: even for a total, "
        "flat for a level or a ratio.",
    )
    source = models.CharField(
        max_length=30,
        choices=choices.Source,
        default=choices.Source.ENTERED,
        help_text="Counted from the project's recommendations: accepted, implemented and under "
        "consideration.",
    )
    annual_target = models.DecimalField(null=True, blank=True, **MEASURE)
    baseline = models.DecimalField(null=True, blank=True, **MEASURE)
    target_change_percent = models.DecimalField(
        "target change (%)",
        null=True,
        blank=True,
        help_text="A target relative to the baseline: 50 for a 50% increase, -10 for a fall.",
        **MEASURE,
    )
    later_target = models.DecimalField(
        null=True, blank=True, help_text="A further target beyond the year.", **MEASURE
    )
    later_target_year = models.CharField(max_length=20, blank=True, help_text="e.g. 2018.")
    target_wording = models.CharField(
        max_length=400, blank=True, help_text="The target exactly as the plan prints it."
    )
    purpose = models.TextField(blank=True, help_text="Summary of the indicator's purpose.")
    notes = models.TextField(blank=True, help_text="Judgements and contradictions noted.")
    green_from_percent = models.DecimalField(
        "green from (% of target to date)",
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        help_text="Green at or above this share of the target to date (mirrored when lower is "
        "better: at or below 200% minus it).",
    )
    amber_from_percent = models.DecimalField(
        "amber from (% of target to date)",
        max_digits=6,
        decimal_places=2,
        default=Decimal(90),
        help_text="Amber at or above this share, red below (mirrored when lower is better).",
    )
    continues_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continued_by",
        help_text="The same indicator in an earlier plan year.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=["owners"])

    class Meta:
        ordering = ["plan_year", "tier", "position", "ref"]
        permissions = [
            ("import_indicator", "Can import indicators"),
            ("export_indicator", "Can export indicators"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "ref"],
                name="indicator_unique_ref_in_plan_year",
                violation_error_message="This plan year already has an indicator with this ref.",
            ),
            choices_constraint("tier", choices.IndicatorTier, "indicator_valid_tier"),
            choices_constraint("unit", choices.Unit, "indicator_valid_unit"),
            choices_constraint("direction", choices.Direction, "indicator_valid_direction"),
            choices_constraint("aggregation", choices.Aggregation, "indicator_valid_aggregation"),
            choices_constraint("frequency", choices.Frequency, "indicator_valid_frequency"),
            choices_constraint("source", choices.Source, "indicator_valid_source"),
            choices_constraint(
                "target_profile", choices.TargetProfile, "indicator_valid_target_profile"
            ),
            models.CheckConstraint(
                condition=~Q(source=choices.Source.RECOMMENDATIONS) | Q(project__isnull=False),
                name="indicator_recommendations_counted_for_a_project",
                violation_error_message="An indicator counted from recommendations names its "
                "project.",
            ),
            models.CheckConstraint(
                condition=~Q(tier=choices.IndicatorTier.PROJECT) | Q(project__isnull=False),
                name="indicator_project_tier_has_project",
                violation_error_message="A project indicator names its project.",
            ),
            models.CheckConstraint(
                condition=~Q(unit=choices.Unit.PERCENTAGE)
                | Q(annual_target__isnull=True)
                | Q(annual_target__gte=0, annual_target__lte=100),
                name="indicator_percentage_target_0_to_100",
                violation_error_message="A percentage target must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=~Q(unit=choices.Unit.PERCENTAGE)
                | Q(later_target__isnull=True)
                | Q(later_target__gte=0, later_target__lte=100),
                name="indicator_percentage_later_target_0_to_100",
                violation_error_message="A percentage target must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(amber_from_percent__gte=0)
                & Q(amber_from_percent__lte=models.F("green_from_percent")),
                name="indicator_amber_threshold_within_green",
                violation_error_message="Amber starts at or below green, and not below zero.",
            ),
            models.CheckConstraint(
                condition=Q(target_change_percent__isnull=True)
                | Q(target_change_percent__gte=-100),
                name="indicator_change_not_below_minus_100",
                violation_error_message="A target cannot fall by more than 100%.",
            ),
        ]

    def __str__(self):
        return f"{self.ref}: {self.title}"

    def save(self, *args, **kwargs):
        # A profile left unchosen is the one the kind of indicator has always had.
        if not self.target_profile:
            self.target_profile = choices.default_target_profile(self.aggregation)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("kpis:indicator", kwargs={"year": self.plan_year.year, "ref": self.ref})

    def clean(self):
        if not self.target_profile:
            self.target_profile = choices.default_target_profile(self.aggregation)
        errors = {}
        if self.project_id and self.plan_year_id and self.project.plan_year_id != self.plan_year_id:
            errors["project"] = "Choose a project of the same plan year."
        objective = self.strategic_objective
        if objective and objective.plan_year_id and objective.plan_year_id != self.plan_year_id:
            errors["strategic_objective"] = "Choose an objective of the same plan year."
        earlier = self.continues_from
        if (
            earlier is not None
            and self.plan_year_id
            and earlier.plan_year.year >= self.plan_year.year
        ):
            errors["continues_from"] = "Choose the same indicator in an earlier plan year."
        if errors:
            raise ValidationError(errors)

    def periods(self) -> list:
        """The first day of each reporting period of the plan year: every month, the first month
        of each quarter for a quarterly indicator, or April alone for an annual one."""
        return periods.period_starts(
            self.plan_year.start, choices.MONTHS_PER_PERIOD[self.frequency]
        )

    def recommendation_counts(self) -> dict[str, int] | None:
        """For an indicator counted from recommendations, how many of its project's
        recommendations are accepted, implemented and under consideration (None for the
        others)."""
        if self.source != choices.Source.RECOMMENDATIONS:
            return None
        statuses = choices.COUNTED_RECOMMENDATION_STATUSES
        found = dict(
            self.project.recommendations.filter(status__in=statuses)
            .order_by()
            .values("status")
            .annotate(count=Count("pk"))
            .values_list("status", "count")
        )
        return {status: found.get(status, 0) for status in statuses}

    @property
    def target(self) -> Decimal | None:
        """The annual target: as set, or derived from the baseline and the relative change."""
        if self.annual_target is not None:
            return self.annual_target
        if self.baseline is not None and self.target_change_percent is not None:
            return self.baseline * (1 + self.target_change_percent / 100)
        return None


class PeriodTarget(models.Model):
    """The target for one period (a month or quarter) of an indicator: its profile."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.DateField(help_text="First day of the period's month.")
    target = models.DecimalField(**MEASURE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="period_target_unique_period",
                violation_error_message="This indicator already has a target for this period.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.ref} {self.period:%b %Y}: {self.target}"

    def clean(self):
        validate_period(self.indicator, self.period)


class Measurement(models.Model):
    """The actual for one indicator in one period, with its owner's commentary.

    A ratio indicator records what was counted (numerator and denominator); the others a value.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period = models.DateField(help_text="First day of the period's month.")
    value = models.DecimalField(null=True, blank=True, **MEASURE)
    numerator = models.DecimalField(null=True, blank=True, **MEASURE)
    denominator = models.DecimalField(null=True, blank=True, **MEASURE)
    commentary = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measurements",
    )
    entered_at = models.DateTimeField(default=timezone.now)
    is_illustrative = models.BooleanField(
        default=False, help_text="Generated demo data, not from a source document."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        get_latest_by = "period"
        permissions = [
            ("import_measurement", "Can import measurements"),
            ("export_measurement", "Can export measurements"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="measurement_unique_period",
                violation_error_message="This indicator already has an actual for this period.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False)
                | Q(numerator__isnull=False, denominator__isnull=False),
                name="measurement_has_value_or_ratio",
                violation_error_message="Give a value, or a numerator and a denominator.",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="measurement_denominator_positive",
                violation_error_message="The denominator must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__gte=0, numerator__lte=models.F("denominator")),
                name="measurement_numerator_within_denominator",
                violation_error_message="The numerator must be between zero and the denominator.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.ref} {self.period:%b %Y}"

    def clean(self):
        if not self.indicator_id:
            return
        errors = {}
        try:
            validate_period(self.indicator, self.period)
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.indicator.aggregation == choices.Aggregation.RATIO:
            if self.numerator is None or self.denominator is None:
                errors["numerator"] = "This indicator is a ratio: give a numerator and denominator."
        elif self.value is None:
            errors["value"] = "Give the value for this period."
        if errors:
            raise ValidationError(errors)

    @property
    def ratio_percent(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator * 100 / self.denominator


def validate_period(indicator: Indicator, period) -> None:
    """A period is the first day of a month within the indicator's plan year; for a quarterly
    indicator, the first month of a quarter; for an annual one, April."""
    if period is None:
        return
    if not periods.is_month_start(period):
        raise ValidationError({"period": "A period is given by the first day of its month."})
    if not indicator.plan_year.contains(period):
        raise ValidationError(
            {"period": f"The period must fall within {indicator.plan_year.year}."}
        )
    if not periods.is_period_start(period, choices.MONTHS_PER_PERIOD[indicator.frequency]):
        message = {
            choices.Frequency.QUARTERLY: "This indicator is quarterly: use the first month of a "
            "quarter.",
            choices.Frequency.ANNUAL: "This indicator is annual: use April, the first month of "
            "the year.",
        }[indicator.frequency]
        raise ValidationError({"period": message})
