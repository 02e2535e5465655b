"""Spreadsheet import and export of milestones."""

from django.core.exceptions import ValidationError
from import_export import fields

from core import permissions
from core.permissions import YearLockedResource
from core.spreadsheets import FormulaSafeResource, PlanYearScopedWidget
from plans.models import Milestone, Project


class MilestoneResource(YearLockedResource, FormulaSafeResource):
    """Milestones by project. An import, like the entry screens, lets a person add or change
    only the milestones of projects they work on, in open plan years."""

    plan_year_path = "project__plan_year"
    plan_year_field = "project"
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
            "revised_due_on",
            "revision_reason",
            "status",
            "completed_on",
            "commentary",
            "is_illustrative",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    export_select_related = ("project__plan_year",)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.projects_allowed = {}

    def may_change_milestones(self, user, project):
        """Whether `user` may change `project`'s milestones, asked once per project an import
        names, not once per row."""
        if project.pk not in self.projects_allowed:
            self.projects_allowed[project.pk] = permissions.can_change_milestone(user, project)
        return self.projects_allowed[project.pk]

    def import_instance(self, instance, row, **kwargs):
        stored_project = getattr(instance, "project", None) if instance.pk is not None else None
        super().import_instance(instance, row, **kwargs)
        user = kwargs.get("user")
        if user is None:
            return
        for project in (stored_project, getattr(instance, "project", None)):
            if project is not None and not self.may_change_milestones(user, project):
                raise ValidationError(
                    {"project": permissions.NOT_YOUR_PROJECT_MESSAGE.format(project=project)}
                )
