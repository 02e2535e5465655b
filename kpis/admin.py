"""Entry screens for indicators, their period targets and measurements."""

from django.contrib import admin

from core.admin import SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from core.permissions import YearLockedAdmin, YearLockedInline
from kpis import models
from kpis.resources import IndicatorResource, MeasurementResource
from kpis.services import ENTRY_FIELDS, record_entry


class PeriodTargetInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.PeriodTarget
    extra = 0

    def get_queryset(self, request):
        # Each row is named with its indicator.
        return super().get_queryset(request).select_related("indicator")


class MeasurementInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.Measurement
    fields = [
        "period",
        "value",
        "numerator",
        "denominator",
        "commentary",
        "is_illustrative",
        *ENTRY_FIELDS,
    ]
    readonly_fields = ENTRY_FIELDS
    extra = 0

    def get_queryset(self, request):
        # Each row is named with its indicator and shows who entered it.
        return super().get_queryset(request).select_related("indicator", "entered_by")


@admin.register(models.Indicator)
class IndicatorAdmin(YearLockedAdmin, SpreadsheetAdmin):
    plan_year_path = "plan_year"
    resource_classes = [IndicatorResource]
    list_display = ["ref", "title", "tier", "plan_year", "unit", "annual_target", "target_wording"]
    list_filter = ["tier", "plan_year", "unit", "aggregation", "frequency"]
    list_select_related = ["plan_year", "project__plan_year"]
    search_fields = ["ref", "title", "purpose"]
    autocomplete_fields = [
        "plan_year",
        "project",
        "strategic_objective",
        "owners",
        "continues_from",
    ]
    ordering = ["plan_year__year", "tier", "position"]
    inlines = [PeriodTargetInline, MeasurementInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is models.Measurement:
            for row in formset.forms:
                if row.has_changed() and not formset._should_delete_form(row):
                    record_entry(row.instance, request.user, changed=row.changed_data)
        super().save_formset(request, form, formset, change)


@admin.register(models.Measurement)
class MeasurementAdmin(YearLockedAdmin, SpreadsheetAdmin):
    """Actuals. Who entered one and when are kept by the system: set from the signed-in person
    and the clock whenever the actual changes, and shown read-only."""

    plan_year_path = "indicator__plan_year"
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
    autocomplete_fields = ["indicator"]
    readonly_fields = ENTRY_FIELDS
    date_hierarchy = "period"
    ordering = ["indicator__plan_year__year", "indicator__ref", "period"]

    def save_model(self, request, obj, form, change):
        record_entry(obj, request.user, changed=form.changed_data)
        super().save_model(request, obj, form, change)
