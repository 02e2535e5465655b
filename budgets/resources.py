"""Spreadsheet import and export of budget lines."""

from import_export import fields, widgets

from budgets.models import Budget, BudgetCategory, BudgetLine
from plans.models import Project
from plans.resources import FormulaSafeResource, PlanYearScopedWidget


class BudgetLineResource(FormulaSafeResource):
    plan_year = fields.Field(
        attribute="budget",
        column_name="plan_year",
        widget=widgets.ForeignKeyWidget(Budget, "plan_year__year"),
    )
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=widgets.ForeignKeyWidget(BudgetCategory, "name"),
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

    def get_queryset(self):
        return super().get_queryset().select_related("budget__plan_year", "category", "project")
