"""The risk register: risks in three tiers (strategic, operational, project), scored before and
with their controls, and the mitigating actions that bring them down. Words follow DOMAIN.md.

The tables keep the names they had when the register was part of the plans app (plans_risk,
plans_mitigatingaction and their history tables): the move to this app changed no table, so
every risk, action and audit-history row stayed where it was (see docs/decisions.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.models import PlanYear, Project, Role, choices_constraint
from risks import rules
from risks.choices import RiskStatus, RiskTier


def score_range_constraint(field, name, label, highest=5):
    """A check constraint keeping a likelihood or impact to 1-5 (a score to 1-25)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": highest}),
        name=name,
        violation_error_message=f"{label} must be between 1 and {highest}.",
    )


def one_to_five(verbose_name, help_text):
    message = f"{verbose_name.capitalize()} must be between 1 and 5."
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(1, message), MaxValueValidator(5, message)],
        help_text=help_text,
    )


LIKELIHOOD_HELP = "1 (rare) to 5 (almost certain)."
IMPACT_HELP = "1 (minor) to 5 (severe)."
TARGET_SCORE_MESSAGE = "The target score must be between 1 and 25."


class Risk(models.Model):
    """An entry in the three-tier risk register: strategic, operational or project. Scored as
    likelihood times impact (1 to 25) before controls (inherent), with the current controls
    (residual), and as the owner aims to bring it (target)."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="risks")
    tier = models.CharField(max_length=20, choices=RiskTier)
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risks",
        help_text="Required for a project risk.",
    )
    title = models.CharField(max_length=300)
    cause = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    owner = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    inherent_likelihood = one_to_five("inherent likelihood", LIKELIHOOD_HELP)
    inherent_impact = one_to_five("inherent impact", IMPACT_HELP)
    current_controls = models.TextField(blank=True)
    residual_likelihood = one_to_five(
        "residual likelihood", "With the current controls. " + LIKELIHOOD_HELP
    )
    residual_impact = one_to_five("residual impact", "With the current controls. " + IMPACT_HELP)
    target_score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, TARGET_SCORE_MESSAGE),
            MaxValueValidator(25, TARGET_SCORE_MESSAGE),
        ],
        help_text="The score the owner aims to bring the risk to, 1 to 25.",
    )
    review_on = models.DateField(
        "review date",
        null=True,
        blank=True,
        help_text="When the risk is next due for review. A reviewed risk always has one.",
    )
    status = models.CharField(max_length=20, choices=RiskStatus, default=RiskStatus.OPEN)
    last_reviewed_at = models.DateTimeField("last reviewed", null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="last reviewed by",
    )
    review_note = models.TextField(
        blank=True, help_text="The note of the latest review: why the scores changed."
    )
    is_illustrative = models.BooleanField(default=False)

    history = HistoricalRecords(table_name="plans_historicalrisk")

    class Meta:
        db_table = "plans_risk"
        ordering = ["plan_year", "tier", "-residual_likelihood", "-residual_impact"]
        permissions = [
            ("import_risk", "Can import risks"),
            ("export_risk", "Can export risks"),
        ]
        constraints = [
            choices_constraint("tier", RiskTier, "risk_valid_tier"),
            choices_constraint("status", RiskStatus, "risk_valid_status"),
            score_range_constraint(
                "inherent_likelihood", "risk_inherent_likelihood_1_to_5", "Inherent likelihood"
            ),
            score_range_constraint(
                "inherent_impact", "risk_inherent_impact_1_to_5", "Inherent impact"
            ),
            score_range_constraint(
                "residual_likelihood", "risk_residual_likelihood_1_to_5", "Residual likelihood"
            ),
            score_range_constraint(
                "residual_impact", "risk_residual_impact_1_to_5", "Residual impact"
            ),
            models.CheckConstraint(
                condition=Q(target_score__isnull=True)
                | Q(target_score__gte=1, target_score__lte=25),
                name="risk_target_score_1_to_25",
                violation_error_message=TARGET_SCORE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(tier=RiskTier.PROJECT, project__isnull=False)
                | (~Q(tier=RiskTier.PROJECT) & Q(project__isnull=True)),
                name="risk_project_tier_has_project",
                violation_error_message="A project risk names its project; other risks do not.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("risks:risk", kwargs={"year": self.plan_year.year, "pk": self.pk})

    def clean(self):
        errors = {}
        if self.project_id and self.plan_year_id and self.project.plan_year_id != self.plan_year_id:
            errors["project"] = "Choose a project of the same plan year."
        if self.last_reviewed_at and not self.review_on:
            # Without one, the risk would silently drop out of the reviews overdue.
            errors["review_on"] = "Enter the next review date: a reviewed risk always has one."
        if errors:
            raise ValidationError(errors)

    @property
    def inherent_score(self) -> int:
        return rules.score(self.inherent_likelihood, self.inherent_impact)

    @property
    def residual_score(self) -> int:
        return rules.score(self.residual_likelihood, self.residual_impact)


class MitigatingAction(models.Model):
    """Something done to bring a risk down to its target, with an owner and a due date."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_actions"
    )
    due_on = models.DateField("due date")
    is_done = models.BooleanField("done", default=False)

    history = HistoricalRecords(table_name="plans_historicalmitigatingaction")

    class Meta:
        db_table = "plans_mitigatingaction"
        ordering = ["due_on", "pk"]
        verbose_name = "mitigating action"

    def __str__(self):
        return self.description[:80]
