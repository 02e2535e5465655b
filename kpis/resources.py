"""Spreadsheet import and export of indicators and measurements."""

from import_export import fields

from core.spreadsheets import FormulaSafeResource, LookupWidget, NamesWidget, PlanYearScopedWidget
from kpis.models import Indicator, Measurement
from plans.models import PlanYear, Project, Role


class IndicatorResource(FormulaSafeResource):
    plan_year = fields.Field(
        attribute="plan_year",
        column_name="plan_year",
        widget=LookupWidget(PlanYear, "year", not_found="No plan year {value!r}."),
    )
    project = fields.Field(
        attribute="project",
        column_name="project",
        widget=PlanYearScopedWidget(Project, "title", "plan_year__year"),
    )
    owners = fields.Field(
        attribute="owners",
        column_name="owners",
        widget=NamesWidget(Role, field="title", separator=";"),
    )

    class Meta:
        model = Indicator
        import_id_fields = ("plan_year", "ref")
        fields = (
            "plan_year",
            "ref",
            "title",
            "tier",
            "project",
            "owners",
            "unit",
            "direction",
            "aggregation",
            "frequency",
            "annual_target",
            "baseline",
            "target_change_percent",
            "later_target",
            "later_target_year",
            "target_wording",
            "purpose",
            "notes",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    export_select_related = ("plan_year", "project")
    export_prefetch_related = ("owners",)


class MeasurementResource(FormulaSafeResource):
    plan_year = fields.Field(
        attribute="indicator__plan_year__year", column_name="plan_year", readonly=True
    )
    indicator = fields.Field(
        attribute="indicator",
        column_name="indicator",
        widget=PlanYearScopedWidget(Indicator, "ref", "plan_year__year"),
    )
    entered_by = fields.Field(
        attribute="entered_by__username", column_name="entered_by", readonly=True
    )

    class Meta:
        model = Measurement
        import_id_fields = ("indicator", "period")
        fields = (
            "plan_year",
            "indicator",
            "period",
            "value",
            "numerator",
            "denominator",
            "commentary",
            "entered_by",
            "entered_at",
            "is_illustrative",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    export_select_related = ("indicator__plan_year", "entered_by")

    def before_save_instance(self, instance, row, **kwargs):
        # Whoever imports the sheet is recorded as having entered its actuals.
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance.entered_by = user
