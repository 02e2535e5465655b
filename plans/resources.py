"""Spreadsheet import and export (django-import-export) for milestones, and the formula-safe
base that every resource in the project uses."""

from import_export import fields, resources, widgets

from plans.models import Milestone, Project

# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix formula-like text with an apostrophe so no spreadsheet runs it; other values are
    returned unchanged, so numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo escape_formula, so an exported sheet imports back to the same text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


class FormulaSafeResource(resources.ModelResource):
    """A resource whose exports never carry a runnable formula in a text cell.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only a leading "="
    and turns every cell into text; this escapes every formula trigger in text cells and leaves
    numeric cells (including negative numbers) as numbers.
    """

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return escape_formula(value)

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = unescape_formula(row[key])


class PlanYearScopedWidget(widgets.ForeignKeyWidget):
    """Finds a related object by a field that is unique only within a plan year, using the row's
    plan_year column (e.g. a project by its title)."""

    def __init__(self, model, field, plan_year_lookup, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.plan_year_lookup = plan_year_lookup

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(**{self.plan_year_lookup: row.get("plan_year")})

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist as error:
            raise ValueError(
                f"No {self.model._meta.verbose_name} called {value!r} in plan year "
                f"{row.get('plan_year')!r}."
            ) from error


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

    def get_queryset(self):
        return super().get_queryset().select_related("project__plan_year")
