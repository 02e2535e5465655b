"""Spreadsheet import and export of budget lines."""

from import_export import fields

from budgets.models import Budget, BudgetCategory, BudgetLine
from core.permissions import YearLockedResource
from core.spreadsheets.resources import FormulaSafeResource
from core.spreadsheets.widgets import LookupWidget, PlanYearScopedWidget
from plans.models import Project


class BudgetLineResource(YearLockedResource, FormulaSafeResource):
    plan_year_path = "budget__plan_year"
    plan_year_field = "budget"

    plan_year = fields.Field(
        attribute="budget",
        column_name="plan_year",
        widget=LookupWidget(
            Budget, "plan_year__year", not_found="No budget for plan year {value!r}."
        ),
    )
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=LookupWidget(BudgetCategory, "name"),
    )
    project = fields.Field(
        attribute="project",
        column_name="project",
        widget=PlanYearScopedWidget(Project, "title", "plan_year__year"),
    )

    class Meta:
        model = BudgetLine
        fields = ("id", "plan_year", "category", "project", "amount", "description", "notes")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    export_select_related = ("budget__plan_year", "category", "project")
