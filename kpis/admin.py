"""Entry screens for indicators, their period targets and measurements."""

from django.contrib import admin

from core.admin import SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from kpis import models
from kpis.resources import IndicatorResource, MeasurementResource


class PeriodTargetInline(EditConflictInlineMixin, admin.TabularInline):
    model = models.PeriodTarget
    extra = 0


class MeasurementInline(EditConflictInlineMixin, admin.TabularInline):
    model = models.Measurement
    fields = ["period", "value", "numerator", "denominator", "commentary", "is_illustrative"]
    extra = 0


@admin.register(models.Indicator)
class IndicatorAdmin(SpreadsheetAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["ref", "title", "tier", "plan_year", "unit", "annual_target", "target_wording"]
    list_filter = ["tier", "plan_year", "unit", "aggregation", "frequency"]
    list_select_related = ["plan_year", "project__plan_year"]
    search_fields = ["ref", "title", "purpose"]
    autocomplete_fields = ["plan_year", "project", "strategic_objective", "owners"]
    ordering = ["plan_year__year", "tier", "position"]
    inlines = [PeriodTargetInline, MeasurementInline]


@admin.register(models.Measurement)
class MeasurementAdmin(SpreadsheetAdmin):
    resource_classes = [MeasurementResource]
    list_display = [
        "indicator",
        "period",
        "value",
        "numerator",
        "denominator",
        "entered_by",
        "is_illustrative",
    ]
    list_filter = ["indicator__plan_year", "is_illustrative", "indicator__tier"]
    list_select_related = ["indicator", "entered_by"]
    search_fields = ["indicator__ref", "indicator__title", "commentary"]
    autocomplete_fields = ["indicator", "entered_by"]
    date_hierarchy = "period"
    ordering = ["indicator__plan_year__year", "indicator__ref", "period"]

    def save_model(self, request, obj, form, change):
        if not change or "value" in form.changed_data or "numerator" in form.changed_data:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)
