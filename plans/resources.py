"""Spreadsheet import and export of milestones."""

from import_export import fields

from core.spreadsheets import FormulaSafeResource, PlanYearScopedWidget
from plans.models import Milestone, Project


class MilestoneResource(FormulaSafeResource):
    plan_year = fields.Field(
        attribute="project__plan_year__year", column_name="plan_year", readonly=True
    )
    project = fields.Field(
        attribute="project",
        column_name="project",
        widget=PlanYearScopedWidget(Project, "title", "plan_year__year"),
    )

    class Meta:
        model = Milestone
        fields = (
            "id",
            "plan_year",
            "project",
            "title",
            "due_on",
            "status",
            "completed_on",
            "commentary",
            "is_illustrative",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    export_select_related = ("project__plan_year",)
