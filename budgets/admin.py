"""Entry screens for grant-in-aid, budgets, budget lines and monthly figures."""

from django.contrib import admin

from budgets import models
from budgets.resources import BudgetLineResource
from budgets.services import monthly_figure_lock_errors
from core.admin import RecordAdmin, SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from core.permissions import YearLockedAdmin, YearLockedInline
from plans.locks import QuarterLockedAdmin, QuarterLockedInline, as_opened, quarter_locks_for


@admin.register(models.GrantInAid)
class GrantInAidAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "plan_year"
    list_display = ["plan_year", "sponsor", "amount"]
    list_filter = ["plan_year"]
    list_select_related = ["plan_year"]
    search_fields = ["sponsor"]
    autocomplete_fields = ["plan_year"]


@admin.register(models.BudgetCategory)
class BudgetCategoryAdmin(RecordAdmin):
    list_display = ["name", "kind", "is_income"]
    list_filter = ["kind", "is_income"]
    search_fields = ["name"]


class BudgetLineInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.BudgetLine
    fields = ["category", "project", "amount", "description", "position"]
    autocomplete_fields = ["category", "project"]
    extra = 0

    def get_queryset(self, request):
        # Each row is named with its category and project.
        return super().get_queryset(request).select_related("category", "project__plan_year")


@admin.register(models.Budget)
class BudgetAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "plan_year"
    list_display = ["plan_year", "presentation_unit"]
    list_select_related = ["plan_year"]
    search_fields = ["plan_year__year"]
    autocomplete_fields = ["plan_year"]
    inlines = [BudgetLineInline]


def figure_rule_errors(request, instance, form) -> dict:
    """No figure of a signed-off quarter's month is added, changed or moved (the service's
    rule), against the figure as the form was opened."""
    if instance.line_id is None or (instance.pk is not None and not form.has_changed()):
        return {}
    return monthly_figure_lock_errors(
        instance,
        stored=as_opened(form) if instance.pk is not None else None,
        locks=quarter_locks_for(request),
    )


def figure_lock_refusal(request, figure) -> str:
    """Why a stored figure cannot be deleted (its month's quarter is signed off), or ""."""
    locked = monthly_figure_lock_errors(figure, locks=quarter_locks_for(request))
    return locked.get("month", "")


class MonthlyFigureInline(
    QuarterLockedInline, YearLockedInline, EditConflictInlineMixin, admin.TabularInline
):
    model = models.MonthlyFigure
    fields = ["month", "actual", "forecast", "profile", "is_illustrative"]
    extra = 0

    def rule_errors(self, request, instance, form) -> dict:
        return figure_rule_errors(request, instance, form)

    def lock_refusal(self, request, instance) -> str:
        return figure_lock_refusal(request, instance)

    def get_queryset(self, request):
        # Each row is named with its line's category and project.
        return (
            super()
            .get_queryset(request)
            .select_related("line__category", "line__project__plan_year")
        )


@admin.register(models.BudgetLine)
class BudgetLineAdmin(YearLockedAdmin, SpreadsheetAdmin):
    plan_year_path = "budget__plan_year"
    resource_classes = [BudgetLineResource]
    list_display = ["category", "project", "budget", "amount", "description"]
    list_filter = ["budget__plan_year", "category__kind", "category"]
    list_select_related = ["category", "project__plan_year", "budget__plan_year"]
    search_fields = ["category__name", "project__title", "description"]
    autocomplete_fields = ["budget", "category", "project"]
    ordering = ["budget__plan_year__year", "position"]
    inlines = [MonthlyFigureInline]


@admin.register(models.MonthlyFigure)
class MonthlyFigureAdmin(QuarterLockedAdmin, YearLockedAdmin, RecordAdmin):
    plan_year_path = "line__budget__plan_year"
    list_display = ["line", "month", "actual", "forecast", "is_illustrative"]
    list_filter = ["line__budget__plan_year", "is_illustrative"]
    list_select_related = ["line__category", "line__project__plan_year", "line__budget__plan_year"]
    search_fields = ["line__category__name", "line__project__title"]
    autocomplete_fields = ["line"]
    date_hierarchy = "month"

    def rule_errors(self, request, instance, form) -> dict:
        return figure_rule_errors(request, instance, form)

    def lock_refusal(self, request, obj) -> str:
        return figure_lock_refusal(request, obj)
