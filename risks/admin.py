"""Entry screens for the risk register: risks, with their mitigating actions inline. A risk opens
for change only to those the register's rule (risks.rights) lets edit it."""

from django import forms
from django.contrib import admin
from django.db.models import Q

from core import permissions
from core.admin import SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from core.permissions import YearLockedAdmin, YearLockedInline
from plans.locks import QuarterLockedAdmin, as_opened, quarter_locks_for
from plans.models import Project
from risks import rights
from risks.models import MitigatingAction, Risk
from risks.resources import RiskResource
from risks.services import review_date, risk_review_lock_errors


def may_edit_risk(request, risk) -> bool:
    """Whether the signed-in person may change this risk, by the register's own rules."""
    return rights.editing_rights(request.user, risk.plan_year).may_edit(
        tier=risk.tier, owner_id=risk.owner_id, project_id=risk.project_id
    )


class MitigatingActionInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = MitigatingAction
    fields = ["description", "owner", "due_on", "is_done"]
    autocomplete_fields = ["owner"]
    extra = 0

    def may_update(self, request, risk) -> bool:
        return risk is None or may_edit_risk(request, risk)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.may_update(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_update(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_update(request, obj)


@admin.register(Risk)
class RiskAdmin(QuarterLockedAdmin, YearLockedAdmin, SpreadsheetAdmin):
    """The risk register. Everyone who reads risks sees them all; a risk opens for change only to
    those the register lets edit it (its owner role's holders, its project's people, directors
    for strategic risks) and to administrators."""

    plan_year_path = "plan_year"
    resource_classes = [RiskResource]
    list_display = [
        "title",
        "tier",
        "plan_year",
        "project",
        "owner",
        "residual_score",
        "status",
        "review_on",
    ]
    list_filter = ["tier", "status", "plan_year", "is_illustrative"]
    list_select_related = ["plan_year", "owner", "project__plan_year"]
    search_fields = ["title", "cause", "effect", "current_controls"]
    autocomplete_fields = ["plan_year", "project", "owner"]
    readonly_fields = ["last_reviewed_at", "last_reviewed_by"]
    ordering = ["plan_year__year", "tier"]
    inlines = [MitigatingActionInline]

    @admin.display(description="residual score")
    def residual_score(self, obj):
        return obj.residual_score

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or may_edit_risk(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or may_edit_risk(request, obj)
        )

    def rule_errors(self, request, instance, form) -> dict:
        # A new risk has no review: who reviewed it and when are recorded by a review only.
        if instance.pk is None:
            return {}
        return risk_review_lock_errors(
            instance, stored=as_opened(form), locks=quarter_locks_for(request)
        )

    def lock_refusal(self, request, obj) -> str:
        # Deleting a risk would take its latest review with it.
        return quarter_locks_for(request).refusal(obj.plan_year, review_date(obj))

    def limit_choices(self, request, db_field, queryset):
        # Offered for a new or moved project risk: the projects the person works on (an
        # administrator: all). The editing rule on save decides the rest.
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name == "project" and not permissions.is_administrator(request.user):
            return permissions.projects_worked_on(request.user, queryset)
        return queryset

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "tier":
            offered = risk_editing_rights(request).tiers_offered()
            field.choices = [
                (value, label) for value, label in field.choices if value in offered or not value
            ]
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Subclassing a model form makes its fields afresh: the choices are adjusted after.
        form = editing_rule_form(
            super().get_form(request, obj, change=change, **kwargs), request.user
        )
        fields = form.base_fields
        if obj is not None and obj.pk is not None:
            # The risk as it stands stays a choice, even where the person could not pick it.
            if "tier" in fields and obj.tier not in dict(fields["tier"].choices):
                fields["tier"].choices = [
                    *fields["tier"].choices,
                    (obj.tier, obj.get_tier_display()),
                ]
            if "project" in fields and obj.project_id is not None:
                fields["project"].queryset = Project.objects.filter(
                    Q(pk__in=fields["project"].queryset.values("pk")) | Q(pk=obj.project_id)
                )
        return form


def risk_editing_rights(request):
    """The signed-in person's rights over risks of any open year, worked out once per request."""
    if not hasattr(request, "_risk_editing_rights"):
        request._risk_editing_rights = rights.editing_rights_in_open_years(request.user)
    return request._risk_editing_rights


def editing_rule_form(form_class, user):
    """`form_class` refusing to save a risk that, as entered, `user` may not edit: the admin
    applies the register's editing rule to the risk it would save, not only to the one it
    opened, so nobody adds or moves a risk to where they could not edit it."""

    class EditingRuleForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            values = {}
            for name in ("plan_year", "tier", "project", "owner"):
                if name not in self.fields:
                    values[name] = getattr(self.instance, name, None)
                elif name in cleaned_data:
                    values[name] = cleaned_data[name]
                else:
                    return cleaned_data  # the field's own error says what to fix first
            plan_year = values["plan_year"]
            if plan_year is None:
                return cleaned_data
            editing = rights.editing_rights(user, plan_year)
            if not editing.may_edit(
                tier=values["tier"],
                owner_id=values["owner"] and values["owner"].pk,
                project_id=values["project"] and values["project"].pk,
            ):
                raise forms.ValidationError(
                    "This risk, as entered, is not one you may edit, so it was not saved. "
                    + rights.why_not(plan_year, verb="edit"),
                    code="editing_rule",
                )
            return cleaned_data

    return EditingRuleForm
