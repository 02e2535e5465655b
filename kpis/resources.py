"""Spreadsheet import and export of indicators and measurements."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from import_export import fields, widgets

from core.permissions import YearLockedResource
from core.services import in_printed_order
from core.spreadsheets.resources import FormulaSafeResource, OrderedLinksField
from core.spreadsheets.widgets import LookupWidget, NamesWidget, PlanYearScopedWidget
from kpis.models import Indicator, Measurement
from kpis.rights import DEFINITION_IS_FIXED, indicator_rights
from kpis.services import (
    ACTUAL_FIELDS,
    actual_of,
    measurement_lock_errors,
    measurement_rule_errors,
    period_of,
    plan_year_indicator_facts,
    record_entry,
)
from plans.locks import quarter_locks
from plans.models import PlanYear, Project, Role

#: What an import may change of an actual: any change to one of a signed-off quarter is refused.
LOCKED_FIELDS = ("indicator_id", *ACTUAL_FIELDS, "commentary", "is_illustrative")


class IndicatorResource(YearLockedResource, FormulaSafeResource):
    plan_year_path = "plan_year"
    plan_year_field = "plan_year"
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
    owners = OrderedLinksField(
        attribute="owners",
        column_name="owners",
        widget=NamesWidget(Role, field="title", separator=";"),
        link="indicator_links",
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
            "target_profile",
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
    export_prefetch_related = (
        Prefetch("owners", queryset=in_printed_order(Role.objects, link="indicator_links")),
    )

    def check_row(self, instance, user, *, stored):
        # Only administrators hold the permission to import indicators; the rule holds anyway.
        if not indicator_rights(user).may_change_definitions:
            raise ValidationError({"ref": DEFINITION_IS_FIXED})


class MeasurementResource(YearLockedResource, FormulaSafeResource):
    """Actuals by indicator and period. Who entered each and when are exported, but an import
    ignores those columns: it records the importing person and the clock for every actual it
    adds or changes."""

    plan_year_path = "indicator__plan_year"
    plan_year_field = "indicator"
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
    entered_at = fields.Field(
        attribute="entered_at",
        column_name="entered_at",
        widget=widgets.DateTimeWidget(),
        readonly=True,
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

    def import_instance(self, instance, row, **kwargs):
        instance._stored_actual = actual_of(instance) if instance.pk is not None else None
        super().import_instance(instance, row, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.rights, self.facts, self.locks = {}, {}, None

    def rights_of(self, user):
        """`user`'s IndicatorRights, gathered once per import, not once per row."""
        if user.pk not in self.rights:
            self.rights[user.pk] = indicator_rights(user)
        return self.rights[user.pk]

    def facts_of(self, indicator):
        """An indicator's stored actuals and period targets, read once per plan year an import
        names."""
        if indicator.plan_year_id not in self.facts:
            self.facts[indicator.plan_year_id] = plan_year_indicator_facts(indicator.plan_year_id)
        return self.facts[indicator.plan_year_id][indicator.pk]

    def locks_now(self):
        """The signed-off quarters, read once per import."""
        if self.locks is None:
            self.locks = quarter_locks()
        return self.locks

    def check_row(self, instance, user, *, stored):
        """A row refused as the page and the entry screens refuse it: an actual of an indicator
        the importer does not own (before the row or as the row has it), one that would change
        an actual of a signed-off quarter (or add or move one into it), or a red actual without
        commentary, which an import cannot ask for."""
        rights = self.rights_of(user)
        for indicator in (getattr(stored, "indicator", None), getattr(instance, "indicator", None)):
            refusal = rights.actuals_refusal(indicator) if indicator is not None else ""
            if refusal:
                raise ValidationError({"indicator": f"{indicator.ref}: {refusal}"})
        if instance.period is not None and instance.indicator_id is not None:
            touched = (
                stored is None
                or any(getattr(stored, name) != getattr(instance, name) for name in LOCKED_FIELDS)
                or period_of(stored) != period_of(instance)
            )
            locked = touched and measurement_lock_errors(
                instance, stored=stored, locks=self.locks_now()
            )
            if locked:
                raise ValidationError(locked)
        changed = stored is None or (
            actual_of(stored) != actual_of(instance) or stored.commentary != instance.commentary
        )
        if changed and instance.period is not None and instance.indicator_id is not None:
            errors = measurement_rule_errors(
                instance, facts=self.facts_of(instance.indicator), locks=self.locks_now()
            )
            if errors:
                raise ValidationError(
                    {
                        name: f"{message} An import cannot ask for it: add the commentary to "
                        "the row."
                        for name, message in errors.items()
                    }
                )

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            changed = () if instance._stored_actual == actual_of(instance) else ACTUAL_FIELDS
            record_entry(instance, user, changed=changed)
