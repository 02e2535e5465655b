"""Entry screens for strategies, plans, objectives, projects, milestones and recommendations."""

from django.contrib import admin

from core.admin import LinkInlinePermissions, RecordAdmin, SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from core.permissions import YearLockedAdmin, YearLockedInline
from plans import models, services
from plans.locks import QuarterLockedAdmin, QuarterLockedInline, as_opened, quarter_locks_for
from plans.resources import MilestoneResource
from plans.rights import MILESTONE_PLAN_FIELDS, plan_rights_for

admin.site.site_header = "Business plans: enter and update"
admin.site.site_title = "Business plans"
admin.site.index_title = "Entry screens"


@admin.register(models.Role)
class RoleAdmin(RecordAdmin):
    list_display = ["title", "abbreviation"]
    search_fields = ["title", "abbreviation"]
    filter_horizontal = ["holders"]


class PlanYearInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.PlanYear
    fields = ["year", "title", "status"]
    extra = 0
    show_change_link = True


@admin.register(models.Strategy)
class StrategyAdmin(RecordAdmin):
    list_display = ["title", "start_year", "end_year"]
    search_fields = ["title"]
    ordering = ["start_year"]
    inlines = [PlanYearInline]


@admin.register(models.PlanYear)
class PlanYearAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = ""
    list_display = ["year", "title", "organisation_name", "strategy", "status"]
    list_filter = ["status", "strategy"]
    list_select_related = ["strategy"]
    search_fields = ["year", "title", "organisation_name"]
    autocomplete_fields = ["strategy"]
    ordering = ["-year"]


class StrategicAimInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.StrategicAim
    fields = ["ref", "summary", "printed_wording", "uncrc_articles", "position"]
    extra = 0


@admin.register(models.StrategicObjective)
class StrategicObjectiveAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "plan_year"
    list_display = ["ref", "title", "label", "plan_year", "strategy"]
    list_filter = ["label", "plan_year", "strategy"]
    list_select_related = ["plan_year", "strategy"]
    search_fields = ["ref", "title", "summary"]
    autocomplete_fields = ["plan_year", "strategy"]
    ordering = ["plan_year__year", "position"]
    inlines = [StrategicAimInline]


@admin.register(models.StrategicAim)
class StrategicAimAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "objective__plan_year"
    list_display = ["ref", "summary", "objective", "uncrc_articles"]
    list_filter = ["objective__plan_year"]
    list_select_related = ["objective"]
    search_fields = ["ref", "summary", "objective__ref"]
    autocomplete_fields = ["objective"]


@admin.register(models.Theme)
class ThemeAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "plan_year"
    list_display = ["name", "kind", "ref", "plan_year", "strategy"]
    list_filter = ["kind", "plan_year", "strategy"]
    list_select_related = ["plan_year", "strategy"]
    search_fields = ["name", "ref", "summary"]
    autocomplete_fields = ["plan_year", "strategy"]
    ordering = ["plan_year__year", "position"]


class PrintedOrderInline(
    YearLockedInline, LinkInlinePermissions, EditConflictInlineMixin, admin.TabularInline
):
    """Links in the order the document prints them: each row's position is its place in the
    list, and the rows are shown in that order."""

    extra = 0
    ordering = ["position", "pk"]


class CorporateObjectiveOwnerInline(PrintedOrderInline):
    model = models.CorporateObjectiveOwner
    fields = ["role", "position"]
    autocomplete_fields = ["role"]


class CorporateObjectiveProjectInline(PrintedOrderInline):
    model = models.CorporateObjectiveProject
    fields = ["project", "position"]
    autocomplete_fields = ["project"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project__plan_year")


@admin.register(models.CorporateObjective)
class CorporateObjectiveAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "plan_year"
    list_display = ["ref", "kind", "aim", "theme", "plan_year"]
    list_filter = ["kind", "plan_year"]
    list_select_related = ["plan_year", "theme"]
    search_fields = ["ref", "aim", "objectives"]
    autocomplete_fields = ["plan_year", "theme"]
    ordering = ["plan_year__year", "kind", "position"]
    inlines = [CorporateObjectiveOwnerInline, CorporateObjectiveProjectInline]


class ProjectToleranceInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.ProjectTolerance
    extra = 0


def milestone_rule_errors(request, instance, form) -> dict:
    """The service's rules for a milestone as the form would save it, against the milestone as
    the form was opened; the signed-off quarters read once per request."""
    return services.milestone_rule_errors(
        instance,
        changed=form.changed_data,
        stored=as_opened(form) if instance.pk is not None else None,
        locks=quarter_locks_for(request),
    )


class MilestoneInline(
    QuarterLockedInline, YearLockedInline, EditConflictInlineMixin, admin.TabularInline
):
    """A project's milestones, which only the people working on it update."""

    model = models.Milestone
    fields = [
        "title",
        "due_on",
        "revised_due_on",
        "revision_reason",
        "status",
        "completed_on",
        "commentary",
        "is_illustrative",
    ]
    extra = 0

    def may_change_rows(self, request, project) -> bool:
        return project is None or plan_rights_for(request).milestones(project).may_update

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not plan_rights_for(request).milestones(obj).may_change_plan:
            return [*readonly, *MILESTONE_PLAN_FIELDS]
        return readonly

    def rule_errors(self, request, instance, form) -> dict:
        return milestone_rule_errors(request, instance, form)

    def lock_refusal(self, request, instance) -> str:
        return services.milestone_lock_refusal(instance, locks=quarter_locks_for(request))


class RecommendationInline(YearLockedInline, EditConflictInlineMixin, admin.TabularInline):
    model = models.Recommendation
    fields = [
        "text",
        "report",
        "addressee",
        "made_on",
        "status",
        "responded_on",
        "is_illustrative",
    ]
    extra = 0

    def may_change_rows(self, request, project) -> bool:
        return project is None or plan_rights_for(request).may_respond(project)


@admin.register(models.Project)
class ProjectAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "plan_year"
    list_display = ["title", "ref", "plan_year", "budget_excluding_staff", "performance_theme"]
    list_filter = ["plan_year", "performance_theme"]
    list_select_related = ["plan_year"]
    search_fields = ["title", "ref", "goals"]
    autocomplete_fields = [
        "plan_year",
        "owners",
        "members",
        "strategic_objectives",
        "aims",
        "themes",
    ]
    ordering = ["plan_year__year", "position"]
    inlines = [ProjectToleranceInline, MilestoneInline, RecommendationInline]

    def get_queryset(self, request):
        # Projects are named with their year, in lists and in autocomplete results alike.
        return super().get_queryset(request).select_related("plan_year")


class YoursToUpdateFilter(admin.SimpleListFilter):
    """Narrows the milestone list to those the person may update."""

    title = "yours to update"
    parameter_name = "yours"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() not in {"yes", "no"}:
            return queryset
        projects = (
            plan_rights_for(request)
            .projects_for_milestones(models.Project.objects.all())
            .values("pk")
        )
        if self.value() == "yes":
            return queryset.filter(project__in=projects)
        return queryset.exclude(project__in=projects)


@admin.register(models.Milestone)
class MilestoneAdmin(QuarterLockedAdmin, YearLockedAdmin, SpreadsheetAdmin):
    """Milestones, updated by the people working on their project.

    Everyone who may read milestones sees them all, as on the pages; those of other people's
    projects and of closed years open read-only. A form offers only the projects the person may
    update, and the filter "Yours to update" narrows the list to them.
    """

    plan_year_path = "project__plan_year"
    resource_classes = [MilestoneResource]
    list_display = ["title", "project", "due_on", "status", "last_updated"]
    list_filter = ["status", "is_illustrative", "project__plan_year"]
    list_select_related = ["project__plan_year"]
    search_fields = ["title", "commentary", "project__title"]
    autocomplete_fields = ["project"]
    date_hierarchy = "due_on"
    ordering = ["due_on"]

    @admin.display(description="last updated", ordering="updated_at")
    def last_updated(self, obj):
        return obj.updated_at

    def get_list_filter(self, request):
        return [YoursToUpdateFilter, *super().get_list_filter(request)]

    def may_add_record(self, request) -> bool:
        # No "Add milestone" button for someone with no project to add one to.
        rights = plan_rights_for(request)
        return rights.is_administrator or bool(rights.worked_on_project_ids)

    def may_change_record(self, request, obj) -> bool:
        return plan_rights_for(request).milestones(obj.project).may_update

    def get_readonly_fields(self, request, obj=None):
        # What was planned stays as planned, except to the project's owners.
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not plan_rights_for(request).milestones(obj.project).may_change_plan:
            return [*readonly, *MILESTONE_PLAN_FIELDS]
        return readonly

    def rule_errors(self, request, instance, form) -> dict:
        return milestone_rule_errors(request, instance, form)

    def lock_refusal(self, request, instance) -> str:
        return services.milestone_lock_refusal(instance, locks=quarter_locks_for(request))

    def limit_choices(self, request, db_field, queryset):
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name == "project":
            return plan_rights_for(request).projects_for_milestones(queryset)
        return queryset


@admin.register(models.Recommendation)
class RecommendationAdmin(YearLockedAdmin, RecordAdmin):
    plan_year_path = "project__plan_year"
    list_display = [
        "text",
        "project",
        "addressee",
        "status",
        "made_on",
        "responded_on",
        "is_illustrative",
    ]
    list_filter = ["status", "project__plan_year", "project__performance_theme"]
    list_select_related = ["project__plan_year"]
    search_fields = ["text", "report", "addressee", "project__title"]
    autocomplete_fields = ["project"]

    def may_add_record(self, request) -> bool:
        rights = plan_rights_for(request)
        return rights.is_administrator or bool(rights.owned_project_ids)

    def may_change_record(self, request, obj) -> bool:
        return plan_rights_for(request).may_respond(obj.project)

    def limit_choices(self, request, db_field, queryset):
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name == "project":
            return plan_rights_for(request).projects_for_recommendations(queryset)
        return queryset
