"""Grant-in-aid, budgets by category and project, and monthly actuals and forecasts.

Amounts are held in pounds as Decimal; income is negative, as the documents print it in brackets.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from budgets import choices
from plans.models import PlanYear, Project, choices_constraint

MONEY = {"max_digits": 14, "decimal_places": 2}


class GrantInAid(models.Model):
    """The annual funding a sponsoring department gives, e.g. £3m from DCSF in 2010-11."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="grants")
    sponsor = models.CharField(max_length=200, help_text="The sponsoring department.")
    amount = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_year", "sponsor"]
        verbose_name = "grant-in-aid"
        verbose_name_plural = "grants-in-aid"
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "sponsor"],
                name="grant_unique_sponsor_in_plan_year",
                violation_error_message="This plan year already has a grant from this sponsor.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="grant_amount_not_negative",
                violation_error_message="A grant cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.sponsor} {self.plan_year.year}"


class BudgetCategory(models.Model):
    """A budget heading such as Pay or Governance: programme delivery or admin; income is a
    category whose lines are negative."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=choices.CategoryKind)
    is_income = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["is_income", "name"]
        verbose_name_plural = "budget categories"
        constraints = [choices_constraint("kind", choices.CategoryKind, "category_valid_kind")]

    def __str__(self):
        return self.name


class Budget(models.Model):
    """A plan year's budget: its lines by category and, optionally, by project."""

    plan_year = models.OneToOneField(PlanYear, on_delete=models.CASCADE, related_name="budget")
    presentation_unit = models.CharField(
        max_length=10,
        choices=choices.PresentationUnit,
        default=choices.PresentationUnit.POUNDS,
        help_text="How the budget is printed; amounts are held in pounds.",
    )
    variance_tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(0)],
        help_text=(
            "How far actual spend may differ from the budget profiled to date, as a percentage "
            "of that profile, before the variance page calls it an over- or underspend."
        ),
    )
    is_draft = models.BooleanField(
        default=False,
        help_text="A budget rolled forward from the year before and not yet agreed.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_year"]
        constraints = [
            choices_constraint("presentation_unit", choices.PresentationUnit, "budget_valid_unit"),
            models.CheckConstraint(
                condition=Q(variance_tolerance_percent__gte=0),
                name="budget_tolerance_not_negative",
                violation_error_message="A variance tolerance cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"Budget {self.plan_year.year}"


class BudgetLine(models.Model):
    """An amount budgeted for a category, and optionally a project, in a plan year."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="lines")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="budget_lines"
    )
    amount = models.DecimalField(help_text="Pounds; income is negative.", **MONEY)
    description = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "position", "pk"]
        permissions = [
            ("import_budgetline", "Can import budget lines"),
            ("export_budgetline", "Can export budget lines"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "category", "project"],
                name="budget_line_unique_category_project",
                violation_error_message=(
                    "This budget already has a line for this category and project."
                ),
            ),
            models.UniqueConstraint(
                fields=["budget", "category"],
                condition=Q(project__isnull=True),
                name="budget_line_unique_category",
                violation_error_message="This budget already has a line for this category.",
            ),
        ]

    def __str__(self):
        return f"{self.category} {self.project or ''}".strip()

    def clean(self):
        errors = {}
        if self.category_id:
            if self.category.is_income and self.amount is not None and self.amount > 0:
                errors["amount"] = "Income is entered as a negative amount, e.g. -93000."
            if not self.category.is_income and self.amount is not None and self.amount < 0:
                errors["amount"] = "Only an income line can be negative."
        same_year = (
            not (self.project_id and self.budget_id)
            or self.project.plan_year_id == self.budget.plan_year_id
        )
        if not same_year:
            errors["project"] = "Choose a project of the budget's plan year."
        if errors:
            raise ValidationError(errors)


class MonthlyFigure(models.Model):
    """The actual and forecast spend on a budget line in one month, and optionally the part of
    the line's annual budget profiled to that month (without a profile a line's budget is
    spread evenly over the twelve months)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="monthly_figures")
    month = models.DateField(help_text="First day of the month.")
    actual = models.DecimalField(null=True, blank=True, **MONEY)
    forecast = models.DecimalField(null=True, blank=True, **MONEY)
    profile = models.DecimalField(
        null=True,
        blank=True,
        help_text=(
            "The part of the line's annual budget for this month. Once any month of a line has "
            "one, the line follows its profile (months without one count as nothing); "
            "otherwise the budget is spread evenly."
        ),
        **MONEY,
    )
    is_illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "month"],
                name="monthly_figure_unique_month",
                violation_error_message="This line already has figures for this month.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(actual__isnull=False) | Q(forecast__isnull=False) | Q(profile__isnull=False)
                ),
                name="monthly_figure_has_a_figure",
                violation_error_message="Give an actual, a forecast or a profile.",
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.month:%b %Y}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "A month is given by its first day."})
        if self.month and self.line_id and not self.line.budget.plan_year.contains(self.month):
            raise ValidationError({"month": "The month must fall within the budget's plan year."})
