"""Spreadsheet import and export of the risk register."""

from django.core.exceptions import ValidationError
from import_export import fields

from core.permissions import YearLockedResource
from core.spreadsheets.resources import FormulaSafeResource
from core.spreadsheets.widgets import LookupWidget, PlanYearScopedWidget
from plans.locks import quarter_locks
from plans.models import PlanYear, Project, Role
from risks.models import Risk
from risks.services import risk_review_lock_errors


class RiskResource(YearLockedResource, FormulaSafeResource):
    """The risk register by plan year. Only administrators import (no other group holds the
    permission); an import refuses a closed year's risks like every other sheet."""

    plan_year_path = "plan_year"
    plan_year_field = "plan_year"
    plan_year = fields.Field(
        attribute="plan_year",
        column_name="plan_year",
        widget=LookupWidget(PlanYear, "year", not_found="No plan year {value!r}."),
    )
    project = fields.Field(
        attribute="project",
        column_name="project",
        widget=PlanYearScopedWidget(Project, "title", "plan_year__year"),
    )
    owner = fields.Field(
        attribute="owner",
        column_name="owner",
        widget=LookupWidget(Role, "title", not_found="No role called {value!r}."),
    )

    class Meta:
        model = Risk
        fields = (
            "id",
            "plan_year",
            "tier",
            "project",
            "title",
            "cause",
            "effect",
            "owner",
            "inherent_likelihood",
            "inherent_impact",
            "current_controls",
            "residual_likelihood",
            "residual_impact",
            "target_score",
            "review_on",
            "status",
            "is_illustrative",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    export_select_related = ("plan_year", "project", "owner")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.locks = None

    def check_row(self, instance, user, *, stored):
        """A row refused as the entry screens refuse it: one changing what the latest review
        recorded while that review is dated in a signed-off quarter."""
        if stored is None:
            return
        if self.locks is None:
            self.locks = quarter_locks()  # once per import, not once per row
        locked = risk_review_lock_errors(instance, stored=stored, locks=self.locks)
        if locked:
            raise ValidationError(locked)
