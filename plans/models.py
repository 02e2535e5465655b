"""Strategies, business plans and what they hold: objectives, aims, themes, projects, milestones
and recommendations. Words follow DOMAIN.md. The risk register is the risks app's."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans import choices, periods, slippage

#: How often the risk register reviews a risk unless a plan year says otherwise: monthly
#: (2012-13).
DEFAULT_RISK_REVIEW_MONTHS = 1


def validate_financial_year(value):
    """Reject text that is not a financial year written like 2010-11."""
    try:
        periods.parse_financial_year(value)
    except periods.InvalidFinancialYear as error:
        raise ValidationError(str(error), code="invalid_financial_year") from error


def choices_constraint(field, choices_class, name):
    """A check constraint that keeps `field` to the values of `choices_class`."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices_class.values}),
        name=name,
        violation_error_message=f"Choose a valid {field.replace('_', ' ')}.",
    )


QUARTER_HELP = "Quarter of the plan year, 1 (April to June) to 4 (January to March)."


def quarter_field(help_text=QUARTER_HELP):
    """The number of a quarter of a plan year, 1 to 4, as every record held by quarter keeps it."""
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)], help_text=help_text
    )


def quarter_constraint(name):
    """The database's check that a record's quarter is 1 to 4."""
    return models.CheckConstraint(
        condition=Q(quarter__gte=1, quarter__lte=4),
        name=name,
        violation_error_message="Choose a quarter from 1 to 4.",
    )


class Role(models.Model):
    """An owner role such as Director of Policy (DoP). Roles own work; people hold roles, and
    roles change hands."""

    title = models.CharField(max_length=120, unique=True)
    abbreviation = models.CharField(
        max_length=20, blank=True, help_text="As the documents print it, e.g. DoCS."
    )
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="roles", help_text="Who holds it now."
    )

    history = HistoricalRecords(m2m_fields=["holders"])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["abbreviation"],
                condition=~Q(abbreviation=""),
                name="role_unique_abbreviation",
                violation_error_message="Another role already uses this abbreviation.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.abbreviation})" if self.abbreviation else self.title


class Strategy(models.Model):
    """A multi-year strategy that annual business plans deliver, e.g. "Ambitious for Children"."""

    title = models.CharField(max_length=200, unique=True)
    start_year = models.CharField(
        max_length=7, validators=[validate_financial_year], help_text="First financial year."
    )
    end_year = models.CharField(
        max_length=7, validators=[validate_financial_year], help_text="Last financial year."
    )
    mission = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_year", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="strategy_ends_after_it_starts",
                violation_error_message="A strategy cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year} to {self.end_year})"

    def get_absolute_url(self):
        return reverse("strategy", kwargs={"pk": self.pk})


class PlanYear(models.Model):
    """One financial year's business plan: draft while written, published, closed at year end."""

    year = models.CharField(
        max_length=7,
        unique=True,
        validators=[validate_financial_year],
        help_text="Financial year, e.g. 2010-11.",
        error_messages={"unique": "There is already a business plan for this year."},
    )
    title = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200, blank=True)
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_years"
    )
    status = models.CharField(
        max_length=20, choices=choices.PlanStatus, default=choices.PlanStatus.DRAFT
    )
    mission = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    values = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    risk_appetite = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="A project or operational risk whose residual score is at or above this is "
        "escalated to the Leadership Team's strategic view (1 to 25).",
    )
    risk_review_months = models.PositiveSmallIntegerField(
        "risk review interval",
        default=DEFAULT_RISK_REVIEW_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How many months after a review a risk is next due for review when the review "
        "gives no date (1 to 12; the register is reviewed monthly).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        constraints = [
            choices_constraint("status", choices.PlanStatus, "plan_year_valid_status"),
            models.CheckConstraint(
                condition=Q(risk_appetite__gte=1, risk_appetite__lte=25),
                name="plan_year_risk_appetite_1_to_25",
                violation_error_message="The risk appetite must be a score between 1 and 25.",
            ),
            models.CheckConstraint(
                condition=Q(risk_review_months__gte=1, risk_review_months__lte=12),
                name="plan_year_risk_review_months_1_to_12",
                violation_error_message="The risk review interval must be 1 to 12 months.",
            ),
        ]

    def __str__(self):
        return self.title or self.year

    def get_absolute_url(self):
        return reverse("plan-overview", kwargs={"year": self.year})

    @property
    def start(self) -> int:
        """The calendar year the financial year starts in."""
        return periods.parse_financial_year(self.year)

    def months(self) -> list[datetime.date]:
        """The first day of each month of the year, April to March."""
        return periods.months_of_financial_year(self.start)

    def contains(self, day: datetime.date) -> bool:
        first, last = periods.financial_year_bounds(self.start)
        return first <= day <= last


def belongs_to_one_constraint(name):
    """Strategic objectives and themes belong to a plan year or, for a strategy with no annual
    plan of its own (2024-27), to the strategy: exactly one of the two."""
    return models.CheckConstraint(
        condition=(
            Q(plan_year__isnull=False, strategy__isnull=True)
            | Q(plan_year__isnull=True, strategy__isnull=False)
        ),
        name=name,
        violation_error_message="Choose either a plan year or a strategy, not both.",
    )


class StrategicObjective(models.Model):
    """Top of the hierarchy: a strategic objective or priority, such as SO1 or SP2."""

    plan_year = models.ForeignKey(
        PlanYear,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategic_objectives",
    )
    strategy = models.ForeignKey(
        Strategy,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategic_objectives",
    )
    ref = models.CharField(
        max_length=40, help_text='As printed: SO1, SP2, "Strategic Objective 3".'
    )
    label = models.CharField(
        max_length=30,
        choices=choices.ObjectiveLabel,
        default=choices.ObjectiveLabel.STRATEGIC_OBJECTIVE,
    )
    title = models.CharField(max_length=300)
    printed_wording = models.TextField(
        blank=True, help_text="The objective word for word as the document prints it, if it does."
    )
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "ref"]
        constraints = [
            belongs_to_one_constraint("objective_belongs_to_plan_year_or_strategy"),
            models.UniqueConstraint(
                fields=["plan_year", "ref"],
                name="objective_unique_ref_in_plan_year",
                violation_error_message="This plan year already has an objective with this ref.",
            ),
            models.UniqueConstraint(
                fields=["strategy", "ref"],
                name="objective_unique_ref_in_strategy",
                violation_error_message="This strategy already has an objective with this ref.",
            ),
            choices_constraint("label", choices.ObjectiveLabel, "objective_valid_label"),
        ]

    def __str__(self):
        return f"{self.ref}: {self.title}"


class StrategicAim(models.Model):
    """A numbered aim under a strategic objective or priority (1.1, 2.3), often citing UNCRC
    articles."""

    objective = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="aims")
    ref = models.CharField(max_length=20)
    summary = models.TextField()
    printed_wording = models.TextField(
        blank=True, help_text="The aim word for word as the document prints it, if it does."
    )
    uncrc_articles = models.CharField(
        "UNCRC articles", max_length=100, blank=True, help_text='As printed, e.g. "3, 4 & 12".'
    )
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective__position", "position", "ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "ref"],
                name="aim_unique_ref_in_objective",
                violation_error_message="This objective already has an aim with this ref.",
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.summary[:60]}"


class Theme(models.Model):
    """A grouping of work: a key theme, core business activity, cross-cutting issue, UNCRC
    cluster or pillar."""

    plan_year = models.ForeignKey(
        PlanYear, null=True, blank=True, on_delete=models.CASCADE, related_name="themes"
    )
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.CASCADE, related_name="themes"
    )
    kind = models.CharField(max_length=30, choices=choices.ThemeKind)
    ref = models.CharField(max_length=40, blank=True, help_text='If printed, e.g. "Theme 1".')
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    printed_wording = models.TextField(
        blank=True, help_text="The theme's paragraph word for word as the document prints it."
    )
    uncrc_articles = models.CharField("UNCRC articles", max_length=100, blank=True)
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            belongs_to_one_constraint("theme_belongs_to_plan_year_or_strategy"),
            models.UniqueConstraint(
                fields=["plan_year", "name"],
                name="theme_unique_name_in_plan_year",
                violation_error_message="This plan year already has a theme with this name.",
            ),
            models.UniqueConstraint(
                fields=["strategy", "name"],
                name="theme_unique_name_in_strategy",
                violation_error_message="This strategy already has a theme with this name.",
            ),
            choices_constraint("kind", choices.ThemeKind, "theme_valid_kind"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()})"


#: A printed list's place of an owner or project under its record, from 1 (see
#: core.services.links_set_in_order, which every route sets it through).
LINK_POSITION_HELP = "Place in the list as the document prints it, from 1."


def link_position_field():
    return models.PositiveSmallIntegerField(default=0, help_text=LINK_POSITION_HELP)


class CorporateObjectiveOwner(models.Model):
    """An owner of a corporate or enabling objective, at its place in the printed list of owners
    (EO1: Director of Participation, then Director of Communications)."""

    corporate_objective = models.ForeignKey(
        "CorporateObjective", on_delete=models.CASCADE, related_name="owner_links"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="corporate_objective_links"
    )
    position = link_position_field()

    class Meta:
        ordering = ["corporate_objective", "position", "pk"]
        verbose_name = "owner"
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_objective", "role"],
                name="corporate_objective_owner_once",
                violation_error_message="This role is already an owner of the objective.",
            ),
        ]

    def __str__(self):
        return str(self.role)


class CorporateObjective(models.Model):
    """A corporate (CO1-CO7) or enabling (EO1-EO4) objective of a plan year, linked to a theme or
    core business activity."""

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="corporate_objectives"
    )
    ref = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=choices.CorporateObjectiveKind)
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corporate_objectives",
        help_text="The linked theme or activity.",
    )
    aim = models.TextField()
    objectives = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    owners = models.ManyToManyField(
        Role,
        blank=True,
        through=CorporateObjectiveOwner,
        related_name="corporate_objectives",
        help_text="In the order the plan prints them.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=["owners"])

    class Meta:
        ordering = ["plan_year", "kind", "position", "ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "ref"],
                name="corporate_objective_unique_ref_in_plan_year",
                violation_error_message="This plan year already has an objective with this ref.",
            ),
            choices_constraint(
                "kind", choices.CorporateObjectiveKind, "corporate_objective_valid_kind"
            ),
        ]

    def __str__(self):
        return f"{self.ref}: {self.aim[:60]}"

    def clean(self):
        if self.theme_id and self.plan_year_id and self.theme.plan_year_id != self.plan_year_id:
            raise ValidationError({"theme": "Choose a theme of the same plan year."})


class Project(models.Model):
    """A unit of work in a plan year, with owners, members, a budget excluding staff costs, goals,
    a performance theme, tolerances and a PID approved by the Leadership Team."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="projects")
    ref = models.CharField(max_length=20, blank=True, help_text="Only if the plan gives one.")
    title = models.CharField(max_length=300)
    owners = models.ManyToManyField(Role, blank=True, related_name="projects")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="projects")
    strategic_objectives = models.ManyToManyField(
        StrategicObjective, blank=True, related_name="projects"
    )
    aims = models.ManyToManyField(StrategicAim, blank=True, related_name="projects")
    themes = models.ManyToManyField(Theme, blank=True, related_name="projects")
    corporate_objectives = models.ManyToManyField(
        CorporateObjective,
        blank=True,
        through="CorporateObjectiveProject",
        related_name="projects",
    )
    budget_excluding_staff = models.DecimalField(
        "budget (excluding staff)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Pounds.",
    )
    goals = models.TextField(blank=True)
    outcome = models.TextField(blank=True, help_text="What the project should achieve.")
    performance_theme = models.CharField(
        max_length=60, choices=choices.PerformanceTheme, blank=True
    )
    pid_approved_on = models.DateField(
        "PID approved on",
        null=True,
        blank=True,
        help_text="When the Leadership Team approved the project initiation document.",
    )
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=["owners", "members"])

    class Meta:
        ordering = ["plan_year", "position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "title"],
                name="project_unique_title_in_plan_year",
                violation_error_message="This plan year already has a project with this title.",
            ),
            models.UniqueConstraint(
                fields=["plan_year", "ref"],
                condition=~Q(ref=""),
                name="project_unique_ref_in_plan_year",
                violation_error_message="This plan year already has a project with this ref.",
            ),
            models.CheckConstraint(
                condition=Q(budget_excluding_staff__gte=0) | Q(budget_excluding_staff__isnull=True),
                name="project_budget_not_negative",
                violation_error_message="A project budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(performance_theme="")
                | Q(performance_theme__in=choices.PerformanceTheme.values),
                name="project_valid_performance_theme",
                violation_error_message="Choose a valid performance theme.",
            ),
        ]

    def __str__(self):
        # Titles repeat across years (Takeover Day), so the year tells them apart in lists.
        name = f"{self.ref} {self.title}" if self.ref else self.title
        return f"{name} ({self.plan_year.year})"

    def get_absolute_url(self):
        return reverse("plans:project", kwargs={"year": self.plan_year.year, "pk": self.pk})


class CorporateObjectiveProject(models.Model):
    """A project listed under a corporate or enabling objective, at its place in the objective's
    printed list of projects (CO2: "Promoting children and young people as positive citizens"
    first)."""

    corporate_objective = models.ForeignKey(
        CorporateObjective, on_delete=models.CASCADE, related_name="project_links"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="corporate_objective_links"
    )
    position = link_position_field()

    class Meta:
        ordering = ["corporate_objective", "position", "pk"]
        verbose_name = "project listed"
        verbose_name_plural = "projects listed"
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_objective", "project"],
                name="corporate_objective_project_once",
                violation_error_message="This project is already listed under the objective.",
            ),
        ]

    def __str__(self):
        return str(self.project)


class ProjectTolerance(models.Model):
    """A dimension (time, cost, risk, benefit, quality, scope) within which a project is managed,
    with the agreed limit where one is set."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tolerances")
    dimension = models.CharField(max_length=10, choices=choices.ToleranceDimension)
    limit = models.CharField(max_length=200, blank=True, help_text='e.g. "two weeks", "5%".')

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "dimension"],
                name="tolerance_unique_dimension_in_project",
                violation_error_message="This project already has a tolerance of this kind.",
            ),
            choices_constraint("dimension", choices.ToleranceDimension, "tolerance_valid"),
        ]

    def __str__(self):
        return self.get_dimension_display()


class Milestone(models.Model):
    """A dated step of a project, updated by staff and reported each quarter.

    The original due date stays as planned, so that slippage stays visible; a later date agreed
    since is the revised due date, with its reason. Slippage is computed (plans.slippage), never
    typed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField(
        "original due date", help_text="As planned. It stays fixed, so slippage stays visible."
    )
    revised_due_on = models.DateField("revised due date", null=True, blank=True)
    revision_reason = models.TextField(
        "reason for the revised due date",
        blank=True,
        help_text="Why the milestone is now due on its revised due date.",
    )
    status = models.CharField(
        max_length=20, choices=choices.MilestoneStatus, default=choices.MilestoneStatus.ON_TRACK
    )
    completed_on = models.DateField("completion date", null=True, blank=True)
    commentary = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Judgements made in recording the document.")
    is_illustrative = models.BooleanField(
        default=False, help_text="Generated demo data, not from a source document."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_on", "title"]
        permissions = [
            ("import_milestone", "Can import milestones"),
            ("export_milestone", "Can export milestones"),
        ]
        constraints = [
            choices_constraint("status", choices.MilestoneStatus, "milestone_valid_status"),
            models.CheckConstraint(
                condition=Q(status=choices.MilestoneStatus.DONE, completed_on__isnull=False)
                | (~Q(status=choices.MilestoneStatus.DONE) & Q(completed_on__isnull=True)),
                name="milestone_completed_when_done",
                violation_error_message=(
                    "Give a completion date when a milestone is done, and only then."
                ),
            ),
            models.CheckConstraint(
                condition=Q(revised_due_on__isnull=True) | ~Q(revision_reason=""),
                name="milestone_revised_due_date_has_reason",
                violation_error_message="Give the reason for the revised due date.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        done = self.status == choices.MilestoneStatus.DONE
        if done and not self.completed_on:
            errors["completed_on"] = "Enter the completion date, since the milestone is done."
        elif self.completed_on and not done:
            errors["completed_on"] = (
                "Remove the completion date, or choose done: only a done milestone has one."
            )
        elif self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "The completion date cannot be in the future."
        elif self.completed_on and self.project_id:
            first_day = periods.financial_year_bounds(self.project.plan_year.start)[0]
            if self.completed_on < first_day:
                errors["completed_on"] = (
                    f"The completion date cannot be before the plan year starts "
                    f"({first_day.day} {first_day:%B %Y})."
                )
        if self.revised_due_on and not self.revision_reason.strip():
            errors["revision_reason"] = "Enter the reason for the revised due date."
        elif self.revision_reason.strip() and not self.revised_due_on:
            errors["revised_due_on"] = "Enter the revised due date, or remove the reason for it."
        if self.revised_due_on and self.project_id:
            refusal = slippage.revised_due_date_refusal(
                revised_due_on=self.revised_due_on, year_start=self.project.plan_year.start
            )
            if refusal:
                errors["revised_due_on"] = refusal
        if errors:
            raise ValidationError(errors)

    def update_errors(self) -> dict[str, str]:
        """What a person updating the milestone must also give: commentary when it is at risk
        or slipped. Kept out of clean(), so that a document's milestones recorded as printed and
        not touched since stay valid; plans.services.milestone_rule_errors asks it on every
        route (the pages, the entry screens, the imports) when a milestone is added or its
        status or commentary changes."""
        if (
            self.status in choices.MILESTONE_STATUSES_NEEDING_COMMENTARY
            and not self.commentary.strip()
        ):
            status = self.get_status_display().lower()
            return {"commentary": f"Enter commentary saying why the milestone is {status}."}
        return {}

    @property
    def is_done(self) -> bool:
        return self.status == choices.MilestoneStatus.DONE

    @property
    def expected_on(self) -> datetime.date:
        """The date the milestone is now expected: its revised due date, else its original."""
        return slippage.date_that_applies(due_on=self.due_on, revised_due_on=self.revised_due_on)


class Recommendation(models.Model):
    """What a project's report recommends to an addressee (a government department, say), and
    how far the addressee accepted or implemented it, as of its latest response."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField()
    report = models.CharField(
        max_length=300, blank=True, help_text="The report the recommendation was made in."
    )
    addressee = models.CharField(
        max_length=200, blank=True, help_text="To whom it is made, e.g. Department for Education."
    )
    made_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=30,
        choices=choices.RecommendationStatus,
        default=choices.RecommendationStatus.UNDER_CONSIDERATION,
    )
    responded_on = models.DateField(
        "date of latest response",
        null=True,
        blank=True,
        help_text="When the addressee last "
        "responded (or, for no response, when the status was last checked).",
    )
    response = models.TextField(blank=True, help_text="What the latest response said.")
    is_illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "made_on", "pk"]
        constraints = [
            choices_constraint(
                "status", choices.RecommendationStatus, "recommendation_valid_status"
            ),
            models.CheckConstraint(
                condition=Q(made_on__isnull=True)
                | Q(responded_on__isnull=True)
                | Q(responded_on__gte=models.F("made_on")),
                name="recommendation_response_not_before_made",
                violation_error_message="A response cannot come before the recommendation was "
                "made.",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.responded_on and self.responded_on > timezone.localdate():
            raise ValidationError(
                {"responded_on": "The date of the latest response cannot be in the future."}
            )


class QuarterSignOff(models.Model):
    """A director's sign-off of a quarter's Leadership Team performance report.

    While it stands, what falls in the quarter (its actuals, budget figures, milestone
    completions and risk reviews) is locked on every route, so that the signed-off report stays
    true to the records (`plans.locks`). An administrator may reopen the quarter, giving a
    reason; the sign-off is then kept as reopened, and the quarter can be signed off again. The
    report as signed off (its figures, PDF and workbook) is kept by the reports app."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="sign_offs")
    quarter = quarter_field()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField("reason for reopening", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_year", "quarter", "signed_off_at"]
        constraints = [
            quarter_constraint("quarter_sign_off_valid_quarter"),
            # Two directors signing off at once: the database keeps one sign-off.
            models.UniqueConstraint(
                fields=["plan_year", "quarter"],
                condition=Q(reopened_at__isnull=True),
                name="quarter_sign_off_one_standing",
                violation_error_message="This quarter is already signed off.",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True)
                | (Q(reopened_by__isnull=False) & ~Q(reopen_reason="")),
                name="quarter_sign_off_reopened_with_reason",
                violation_error_message="Give the reason for reopening the quarter.",
            ),
        ]

    def __str__(self):
        return f"Quarter {self.quarter} of {self.plan_year.year}, signed off"

    @property
    def is_standing(self) -> bool:
        return self.reopened_at is None
