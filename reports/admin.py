"""The entry screen for explanations and corrective actions, under the same rule as the page
(reports.explaining): an explanation opens for change only to those who may explain its item,
a form offers only the items the person may explain, and a closed year's explanations are
read-only except to administrators."""

from django.contrib import admin
from django.utils import timezone

from core import permissions
from core.admin import RecordAdmin
from core.permissions import YearLockedAdmin
from plans.locks import QuarterLockedAdmin, quarter_locks_for
from reports import services
from reports.explaining import KINDS, explaining_rights_for
from reports.models import CorrectiveAction, QuarterDeadline, ReminderSent

ITEM_PATHS = {
    "indicator": "indicator__plan_year",
    "milestone": "milestone__project__plan_year",
    "budget_line": "budget_line__budget__plan_year",
    "risk": "risk__plan_year",
}
#: What the form and the rule read of each item, so that neither reads it row by row.
ITEM_RELATED = {
    "indicator": ["plan_year"],
    "milestone": ["project__plan_year"],
    "budget_line": ["budget__plan_year", "category", "project"],
    "risk": ["plan_year"],
}
NOT_YOURS = "You may not explain this {kind}: {reason}"


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(QuarterLockedAdmin, YearLockedAdmin, RecordAdmin):
    """Explanations of exceptions, one per item and quarter. Everyone who may read them sees
    them all; each opens for change to those who may explain its item. Those of a signed-off
    quarter can be neither changed nor deleted, nor added, until it is reopened."""

    plan_year_path = "plan_year"
    fields = [
        "plan_year",
        "quarter",
        "indicator",
        "milestone",
        "budget_line",
        "risk",
        "explanation",
        "action",
        "recover_by",
        "entered_by",
    ]
    readonly_fields = ["entered_by"]
    list_display = ["item_explained", "plan_year", "quarter", "recover_by", "entered_by"]
    list_filter = ["plan_year", "quarter"]
    list_select_related = [
        "plan_year",
        "entered_by",
        *(f"{name}__{path}" for name, paths in ITEM_RELATED.items() for path in paths),
    ]
    search_fields = ["explanation", "action"]
    ordering = ["plan_year__year", "quarter", "pk"]

    @admin.display(description="explains")
    def item_explained(self, obj):
        return obj.item

    def get_queryset(self, request):
        # The rule reads each item's plan year: loaded with the explanation.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def may_add_record(self, request) -> bool:
        # No "Add" button for someone with nothing to explain.
        return permissions.is_administrator(request.user) or any(
            self._has_explainable(request, name) for name in KINDS.values()
        )

    def may_change_record(self, request, obj) -> bool:
        return explaining_rights_for(request).may_explain(obj.item)

    def _explainable(self, request, name, queryset=None):
        """The items of field `name` (of `queryset`, by default all) the person may explain."""
        model = CorrectiveAction._meta.get_field(name).related_model
        if queryset is None:
            queryset = model._default_manager.all()
        if permissions.is_administrator(request.user):
            return queryset
        rights = explaining_rights_for(request)
        candidates = self._candidates(name, queryset)
        return queryset.filter(pk__in=[item.pk for item in candidates if rights.may_explain(item)])

    def _has_explainable(self, request, name) -> bool:
        """Whether the person may explain any item of field `name`: read until the first, not
        every item of the open years (asked for the "Add" button)."""
        model = CorrectiveAction._meta.get_field(name).related_model
        rights = explaining_rights_for(request)
        candidates = self._candidates(name, model._default_manager.all())
        return any(rights.may_explain(item) for item in candidates.iterator(chunk_size=100))

    @staticmethod
    def _candidates(name, queryset):
        """The items of `queryset` in open plan years, with what the rule reads of them."""
        return permissions.in_open_years(
            queryset, ITEM_PATHS[name].removeprefix(f"{name}__")
        ).select_related(*ITEM_RELATED[name])

    def limit_choices(self, request, db_field, queryset):
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name in ITEM_PATHS:
            return self._explainable(request, db_field.name, queryset)
        return queryset

    def lock_refusal(self, request, obj) -> str:
        return services.corrective_action_lock_refusal(obj, locks=quarter_locks_for(request))

    @staticmethod
    def _stored(instance):
        """The explanation as stored (its plan year and quarter may be changed on the form)."""
        if instance.pk is None:
            return None
        return CorrectiveAction.objects.select_related("plan_year").filter(pk=instance.pk).first()

    def rule_errors(self, request, instance, form) -> dict:
        errors = services.corrective_action_rule_errors(
            instance,
            today=timezone.localdate(),
            stored=self._stored(instance),
            locks=quarter_locks_for(request),
        )
        # The rule applies to the item the form would save, not only to the one it opened.
        for name in ITEM_PATHS:
            if getattr(instance, f"{name}_id") and name not in errors:
                refusal = explaining_rights_for(request).refusal(getattr(instance, name))
                if refusal:
                    kind = name.replace("_", " ")
                    errors[name] = NOT_YOURS.format(kind=kind, reason=refusal)
        return errors

    def save_model(self, request, obj, form, change):
        if form.has_changed():
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(QuarterDeadline)
class QuarterDeadlineAdmin(RecordAdmin):
    """A quarter's data-entry deadline, where it differs from the default (15 working days after
    the quarter ends). Administrators only: the deadline is the organisation's, and owners are
    reminded against it."""

    fields = ["plan_year", "quarter", "due_on"]
    list_display = ["plan_year", "quarter", "due_on"]
    list_filter = ["plan_year"]
    list_select_related = ["plan_year"]
    ordering = ["plan_year__year", "quarter"]

    def has_module_permission(self, request):
        return permissions.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_administrator(request.user)

    def has_add_permission(self, request):
        return permissions.is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_administrator(request.user)


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """The ledger of reminder emails, for administrators to read: who was reminded of what,
    when it was sent, and why a send failed. Nobody types into it: `send_reminders` writes it."""

    list_display = ["owner", "plan_year", "quarter", "stage", "summary", "sent_at", "attempts"]
    list_filter = ["plan_year", "quarter", "stage"]
    list_select_related = ["owner", "plan_year"]
    search_fields = ["owner__username", "owner__email", "summary"]
    ordering = ["-queued_at", "-pk"]
    readonly_fields = [field.name for field in ReminderSent._meta.fields]

    def has_module_permission(self, request):
        return permissions.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
