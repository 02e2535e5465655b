"""What the quarterly Leadership Team report adds to the other apps' records: each exception's
explanation and corrective action for a quarter ("measures to correct deviations", 2010-11),
the reports as signed off, each quarter's deadline, the ledger of reminders sent to owners, and a
director's return of an explanation, or of an actual's commentary, for revision."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from budgets.models import BudgetLine
from kpis.models import Indicator, Measurement
from plans.models import Milestone, PlanYear, QuarterSignOff, quarter_constraint, quarter_field
from plans.periods import Quarter
from reports.choices import ReminderStage
from risks.models import Risk

#: The kinds of item that can be an exception in a quarter, each a foreign key below.
ITEM_FIELDS = ("indicator", "milestone", "budget_line", "risk")


def _one_per_quarter(field):
    return models.UniqueConstraint(
        fields=["plan_year", "quarter", field],
        condition=Q(**{f"{field}__isnull": False}),
        name=f"corrective_action_one_per_{field}_quarter",
        violation_error_message=(
            f"This {field.replace('_', ' ')} already has an explanation for this quarter."
        ),
    )


class CorrectiveAction(models.Model):
    """An owner's explanation of one exception in one quarter, and what they are doing about it.

    An exception is a red or amber indicator, a slipped or at-risk milestone, a budget line beyond
    tolerance or a risk above appetite, as at the quarter's end; the report lists each with this
    record, or as missing when there is none. Exactly one of the item fields is set."""

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="corrective_actions"
    )
    quarter = quarter_field()
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    budget_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    explanation = models.TextField(help_text="Why it is off course this quarter.")
    action = models.TextField(
        "corrective action", help_text="What is being done to bring it back on course."
    )
    recover_by = models.DateField(
        "expected to recover by",
        null=True,
        blank=True,
        help_text="The date by which it should be back on course.",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["plan_year", "quarter", "pk"]
        constraints = [
            quarter_constraint("corrective_action_valid_quarter"),
            models.CheckConstraint(
                condition=(
                    Q(indicator__isnull=False, milestone=None, budget_line=None, risk=None)
                    | Q(indicator=None, milestone__isnull=False, budget_line=None, risk=None)
                    | Q(indicator=None, milestone=None, budget_line__isnull=False, risk=None)
                    | Q(indicator=None, milestone=None, budget_line=None, risk__isnull=False)
                ),
                name="corrective_action_one_item",
                violation_error_message=(
                    "An explanation is for exactly one indicator, milestone, budget line or risk."
                ),
            ),
            *(_one_per_quarter(field) for field in ITEM_FIELDS),
        ]

    def __str__(self):
        return f"{self.item} (quarter {self.quarter} {self.plan_year.year})"

    @property
    def item(self):
        """The indicator, milestone, budget line or risk this explains."""
        return next(getattr(self, field) for field in ITEM_FIELDS if getattr(self, f"{field}_id"))


class SignedOffReport(models.Model):
    """The quarterly report as a director signed it off, kept for good: its figures (the report's
    data object as JSON, from which the page shows the signed-off version) and the PDF and
    workbook rendered from them, each with its SHA-256, so that a copy sent on can be checked
    against what was signed off."""

    sign_off = models.OneToOneField(QuarterSignOff, on_delete=models.PROTECT, related_name="report")
    data = models.JSONField(encoder=DjangoJSONEncoder)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64)
    workbook = models.BinaryField()
    workbook_sha256 = models.CharField("workbook SHA-256", max_length=64)

    class Meta:
        ordering = ["sign_off"]

    def __str__(self):
        return f"The report of {self.sign_off}"


class QuarterDeadline(models.Model):
    """The date by which a quarter's figures, updates and explanations are due, where an
    administrator has set one; without it the deadline is the default, 15 working days after
    the quarter ends (reports.deadlines). Owners are reminded against this date."""

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="quarter_deadlines"
    )
    quarter = quarter_field()
    due_on = models.DateField(
        "due by", help_text="The last day for the quarter's actuals, updates and explanations."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "quarter"],
                name="quarter_deadline_one_per_quarter",
                violation_error_message="This quarter already has a deadline: change that one.",
            ),
            quarter_constraint("quarter_deadline_valid_quarter"),
        ]

    def __str__(self):
        return f"Quarter {self.quarter} {self.plan_year.year}: due by {self.due_on:%-d %B %Y}"

    def clean(self):
        # A deadline before the quarter has ended would ask for figures not yet known.
        if self.plan_year_id and self.quarter in (1, 2, 3, 4) and self.due_on:
            ends = Quarter(self.plan_year.start, self.quarter).last_day
            if self.due_on <= ends:
                raise ValidationError(
                    {"due_on": f"Set a date after the quarter ends on {ends:%-d %B %Y}."}
                )


class ReminderSent(models.Model):
    """One reminder digest to one owner for one stage of a quarter's data-entry cycle: the
    ledger that keeps it from going twice.

    A row is claimed (inserted) before its email is queued, in the same transaction, and the
    unique constraint lets only one claim stand however many servers, runs of `send_reminders`
    or task workers try at once. It keeps what the digest lists as it was when claimed, when the
    email was queued and sent, and each failed attempt's count and last error."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="+")
    quarter = quarter_field()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    stage = models.CharField(max_length=10, choices=ReminderStage)
    deadline = models.DateField(help_text="The data-entry deadline the digest gave.")
    summary = models.CharField(max_length=300, help_text='e.g. "3 actuals, 1 corrective action".')
    #: What the digest lists: [{"kind": ..., "label": ..., "url": ...}], each url a path.
    items = models.JSONField(default=list)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries to send it so far.")
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["plan_year", "quarter", "stage", "owner"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            quarter_constraint("reminder_sent_valid_quarter"),
            models.UniqueConstraint(
                fields=["plan_year", "quarter", "owner", "stage"],
                name="reminder_sent_once_per_owner_stage",
                violation_error_message=(
                    "This owner has already been sent this reminder for this quarter."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} reminder, quarter {self.quarter} to {self.owner}"


class ReturnForRevision(models.Model):
    """A director's return of an owner's corrective action, or of an actual's commentary, for
    revision, with a note saying what to revise. It stays on the owner's list of what is
    missing for the quarter until they resubmit: until the returned record changes again,
    by whichever route (the page, the entry screens, an import), as its audit history shows
    (reports.revisions). The returned record's own history keeps each version of its text;
    this record's history keeps the return and its note."""

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="returns_for_revision"
    )
    quarter = quarter_field(
        help_text="Quarter of the plan year whose report the returned text is for."
    )
    corrective_action = models.ForeignKey(
        CorrectiveAction, null=True, blank=True, on_delete=models.CASCADE, related_name="returns"
    )
    measurement = models.ForeignKey(
        Measurement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The actual whose commentary is returned.",
    )
    note = models.TextField(help_text="What the owner should revise, and why.")
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_year", "quarter", "returned_at", "pk"]
        verbose_name = "return for revision"
        verbose_name_plural = "returns for revision"
        constraints = [
            quarter_constraint("return_for_revision_valid_quarter"),
            models.CheckConstraint(
                condition=Q(corrective_action__isnull=False, measurement=None)
                | Q(corrective_action=None, measurement__isnull=False),
                name="return_for_revision_one_record",
                violation_error_message=(
                    "A return is of exactly one corrective action or one actual's commentary."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="return_for_revision_has_note",
                violation_error_message="Enter a note saying what to revise.",
            ),
        ]

    def __str__(self):
        return f"{self.returned} returned for revision"

    @property
    def returned(self):
        """The corrective action or the actual (a Measurement) returned."""
        return self.corrective_action if self.corrective_action_id else self.measurement
