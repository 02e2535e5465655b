"""Spreadsheet import and export of milestones."""

from django.core.exceptions import ValidationError
from import_export import fields

from core.permissions import YearLockedResource
from core.spreadsheets.resources import FormulaSafeResource
from core.spreadsheets.widgets import PlanYearScopedWidget
from plans.locks import quarter_locks
from plans.models import Milestone, Project
from plans.rights import (
    MILESTONE_PLAN_FIELDS,
    NOT_AN_OWNER_MESSAGE,
    NOT_YOUR_PROJECT_MESSAGE,
    plan_rights,
)
from plans.services import REPORTED_FIELDS, milestone_lock_errors, milestone_rule_errors

#: What a signed-off quarter may lock of a milestone (plans.services.milestone_lock_errors).
LOCKED_FIELDS = ("status", "completed_on", "commentary", "revised_due_on")


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
        self.rights, self.locks = {}, None

    def rights_of(self, user):
        """`user`'s PlanRights, gathered once per import, not once per row."""
        if user.pk not in self.rights:
            self.rights[user.pk] = plan_rights(user)
        return self.rights[user.pk]

    def check_row(self, instance, user, *, stored):
        rights = self.rights_of(user)
        projects = [getattr(stored, "project", None), getattr(instance, "project", None)]
        for project in projects:
            if project is not None and not rights.milestones(project).may_update:
                refusal = rights.milestones(project).refusal
                if project.pk not in rights.worked_on_project_ids:
                    # Named with its year, since a sheet may hold more than one.
                    refusal = NOT_YOUR_PROJECT_MESSAGE.format(project=project)
                raise ValidationError({"project": refusal})
        if stored is not None and not rights.milestones(stored.project).may_change_plan:
            moved = [
                name
                for name in MILESTONE_PLAN_FIELDS
                if getattr(stored, name) != getattr(instance, name)
            ]
            if moved:
                raise ValidationError(
                    {
                        name: NOT_AN_OWNER_MESSAGE.format(project=stored.project.title)
                        for name in moved
                    }
                )
        changed = (
            []
            if stored is None
            else [
                name for name in REPORTED_FIELDS if getattr(stored, name) != getattr(instance, name)
            ]
        )
        if self.locks is None:
            self.locks = quarter_locks()  # once per import, not once per row
        touched = stored is None or any(
            getattr(stored, name) != getattr(instance, name) for name in LOCKED_FIELDS
        )
        locked = touched and milestone_lock_errors(instance, stored=stored, locks=self.locks)
        if locked:
            raise ValidationError(locked)
        errors = milestone_rule_errors(instance, changed=changed, stored=stored, locks=self.locks)
        if errors:
            raise ValidationError(
                {
                    name: f"{message} An import cannot ask for it: add the commentary to the row."
                    for name, message in errors.items()
                }
            )
