"""Entry screens for indicators, their period targets and measurements."""

from django.contrib import admin

from core.admin import SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from core.permissions import YearLockedAdmin, YearLockedInline
from kpis import models
from kpis.resources import IndicatorResource, MeasurementResource
from kpis.rights import indicator_rights_for
from kpis.services import (
    ACTUAL_FIELDS,
    ENTRY_FIELDS,
    measurement_lock_errors,
    measurement_rule_errors,
    record_entry,
)
from plans.admin import PrintedOrderInline
from plans.locks import QuarterLockedAdmin, QuarterLockedInline, as_opened, quarter_locks_for


def actual_rule_errors(request, instance, form) -> dict:
    """The rules an actual keeps, asked of the service: no change at all to one of a
    signed-off quarter (its period as opened or as saved); and, for one that is added or whose
    figures or commentary change, the red-actual rule (a measurement recorded from a document
    and not touched since keeps its wording as printed)."""
    if instance.indicator_id is None:
        return {}
    if instance.pk is not None and not form.has_changed():
        return {}
    locks = quarter_locks_for(request)
    stored = None
    if instance.pk is not None:
        stored = as_opened(form)
        if "indicator" in form.changed_data:
            stored.indicator = models.Indicator.objects.select_related("plan_year").get(
                pk=form.initial["indicator"]
            )
    if instance.pk is not None and not set(form.changed_data) & {*ACTUAL_FIELDS, "commentary"}:
        return measurement_lock_errors(instance, stored=stored, locks=locks)
    return measurement_rule_errors(instance, stored=stored, locks=locks)


def actual_lock_refusal(request, measurement) -> str:
    """Why a stored actual cannot be deleted (its quarter is signed off), or ""."""
    locked = measurement_lock_errors(measurement, locks=quarter_locks_for(request))
    return locked.get("period", "")


class PeriodTargetInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    """The targets entered for each period, which an explicit target profile uses (flat and
    even work from the annual target): part of its targets, which only administrators change."""

    model = models.PeriodTarget
    extra = 0

    def may_change_rows(self, request, indicator) -> bool:
        return indicator_rights_for(request).may_change_definitions

    def get_queryset(self, request):
        # Each row is named with its indicator.
        return super().get_queryset(request).select_related("indicator")


class MeasurementInline(
    QuarterLockedInline, YearLockedInline, EditConflictInlineMixin, admin.TabularInline
):
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

    def may_change_rows(self, request, indicator) -> bool:
        rights = indicator_rights_for(request)
        if indicator is None:
            return rights.may_change_definitions
        return rights.may_enter_actuals(indicator)

    def rule_errors(self, request, instance, form) -> dict:
        return actual_rule_errors(request, instance, form)

    def lock_refusal(self, request, instance) -> str:
        return actual_lock_refusal(request, instance)

    def get_queryset(self, request):
        # Each row is named with its indicator and shows who entered it.
        return super().get_queryset(request).select_related("indicator", "entered_by")


class IndicatorOwnerInline(PrintedOrderInline):
    """An indicator's owners in the order the plan prints them; only those who may change its
    definition change them."""

    model = models.IndicatorOwner
    fields = ["role", "position"]
    autocomplete_fields = ["role"]

    def may_change_rows(self, request, indicator) -> bool:
        return indicator_rights_for(request).may_change_definitions


@admin.register(models.Indicator)
class IndicatorAdmin(YearLockedAdmin, SpreadsheetAdmin):
    plan_year_path = "plan_year"
    resource_classes = [IndicatorResource]
    list_display = ["ref", "title", "tier", "plan_year", "unit", "annual_target", "target_wording"]
    list_filter = ["tier", "plan_year", "unit", "aggregation", "frequency", "target_profile"]
    list_select_related = ["plan_year", "project__plan_year"]
    search_fields = ["ref", "title", "purpose"]
    autocomplete_fields = [
        "plan_year",
        "project",
        "strategic_objective",
        "continues_from",
    ]
    ordering = ["plan_year__year", "tier", "position"]
    inlines = [IndicatorOwnerInline, PeriodTargetInline, MeasurementInline]

    # Its owners open an indicator to enter its actuals (the measurements below it); its
    # definition and targets are read-only to everyone but administrators (kpis.rights).
    def may_add_record(self, request) -> bool:
        return indicator_rights_for(request).may_change_definitions

    def may_change_record(self, request, obj) -> bool:
        rights = indicator_rights_for(request)
        return rights.may_change_definitions or rights.may_enter_actuals(obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if indicator_rights_for(request).may_change_definitions:
            return readonly
        editable = [
            field.name
            for field in self.model._meta.get_fields()
            if getattr(field, "editable", False) and not field.auto_created
        ]
        return [*readonly, *(name for name in editable if name not in readonly)]

    def save_formset(self, request, form, formset, change):
        if formset.model is models.Measurement:
            for row in formset.forms:
                if row.has_changed() and not formset._should_delete_form(row):
                    record_entry(row.instance, request.user, changed=row.changed_data)
        super().save_formset(request, form, formset, change)


@admin.register(models.Measurement)
class MeasurementAdmin(QuarterLockedAdmin, YearLockedAdmin, SpreadsheetAdmin):
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

    def may_add_record(self, request) -> bool:
        return indicator_rights_for(request).may_enter_any_actuals

    def may_change_record(self, request, obj) -> bool:
        return indicator_rights_for(request).may_enter_actuals(obj.indicator)

    def limit_choices(self, request, db_field, queryset):
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name == "indicator":
            return indicator_rights_for(request).indicators_for_actuals(queryset)
        return queryset

    def rule_errors(self, request, instance, form) -> dict:
        return actual_rule_errors(request, instance, form)

    def lock_refusal(self, request, obj) -> str:
        return actual_lock_refusal(request, obj)

    def save_model(self, request, obj, form, change):
        record_entry(obj, request.user, changed=form.changed_data)
        super().save_model(request, obj, form, change)
