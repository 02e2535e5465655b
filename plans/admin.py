"""Entry screens for strategies, plans, objectives, projects, milestones and risks."""

from django.contrib import admin

from core.admin import RecordAdmin, SpreadsheetAdmin
from core.edit_conflicts import EditConflictInlineMixin
from plans import models
from plans.resources import MilestoneResource

admin.site.site_header = "Business plans: enter and update"
admin.site.site_title = "Business plans"
admin.site.index_title = "Entry screens"


@admin.register(models.Role)
class RoleAdmin(RecordAdmin):
    list_display = ["title", "abbreviation"]
    search_fields = ["title", "abbreviation"]
    filter_horizontal = ["holders"]


class PlanYearInline(EditConflictInlineMixin, admin.TabularInline):
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
class PlanYearAdmin(RecordAdmin):
    list_display = ["year", "title", "organisation_name", "strategy", "status"]
    list_filter = ["status", "strategy"]
    list_select_related = ["strategy"]
    search_fields = ["year", "title", "organisation_name"]
    autocomplete_fields = ["strategy"]
    ordering = ["-year"]


class StrategicAimInline(EditConflictInlineMixin, admin.TabularInline):
    model = models.StrategicAim
    fields = ["ref", "summary", "uncrc_articles", "position"]
    extra = 0


@admin.register(models.StrategicObjective)
class StrategicObjectiveAdmin(RecordAdmin):
    list_display = ["ref", "title", "label", "plan_year", "strategy"]
    list_filter = ["label", "plan_year", "strategy"]
    list_select_related = ["plan_year", "strategy"]
    search_fields = ["ref", "title", "summary"]
    autocomplete_fields = ["plan_year", "strategy"]
    ordering = ["plan_year__year", "position"]
    inlines = [StrategicAimInline]


@admin.register(models.StrategicAim)
class StrategicAimAdmin(RecordAdmin):
    list_display = ["ref", "summary", "objective", "uncrc_articles"]
    list_filter = ["objective__plan_year"]
    list_select_related = ["objective"]
    search_fields = ["ref", "summary", "objective__ref"]
    autocomplete_fields = ["objective"]


@admin.register(models.Theme)
class ThemeAdmin(RecordAdmin):
    list_display = ["name", "kind", "ref", "plan_year", "strategy"]
    list_filter = ["kind", "plan_year", "strategy"]
    list_select_related = ["plan_year", "strategy"]
    search_fields = ["name", "ref", "summary"]
    autocomplete_fields = ["plan_year", "strategy"]
    ordering = ["plan_year__year", "position"]


@admin.register(models.CorporateObjective)
class CorporateObjectiveAdmin(RecordAdmin):
    list_display = ["ref", "kind", "aim", "theme", "plan_year"]
    list_filter = ["kind", "plan_year"]
    list_select_related = ["plan_year", "theme"]
    search_fields = ["ref", "aim", "objectives"]
    autocomplete_fields = ["plan_year", "theme", "owners"]
    ordering = ["plan_year__year", "kind", "position"]


class ProjectToleranceInline(EditConflictInlineMixin, admin.TabularInline):
    model = models.ProjectTolerance
    extra = 0


class MilestoneInline(EditConflictInlineMixin, admin.TabularInline):
    model = models.Milestone
    fields = ["title", "due_on", "status", "completed_on", "commentary", "is_illustrative"]
    extra = 0


class RecommendationInline(EditConflictInlineMixin, admin.TabularInline):
    model = models.Recommendation
    fields = ["text", "status", "made_on", "is_illustrative"]
    extra = 0


@admin.register(models.Project)
class ProjectAdmin(RecordAdmin):
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
        "corporate_objectives",
    ]
    ordering = ["plan_year__year", "position"]
    inlines = [ProjectToleranceInline, MilestoneInline, RecommendationInline]

    def get_queryset(self, request):
        # Projects are named with their year, in lists and in autocomplete results alike.
        return super().get_queryset(request).select_related("plan_year")


@admin.register(models.Milestone)
class MilestoneAdmin(SpreadsheetAdmin):
    resource_classes = [MilestoneResource]
    list_display = ["title", "project", "due_on", "status", "completed_on", "is_illustrative"]
    list_filter = ["status", "is_illustrative", "project__plan_year"]
    list_select_related = ["project__plan_year"]
    search_fields = ["title", "commentary", "project__title"]
    autocomplete_fields = ["project"]
    date_hierarchy = "due_on"
    ordering = ["due_on"]


@admin.register(models.Recommendation)
class RecommendationAdmin(RecordAdmin):
    list_display = ["text", "project", "status", "made_on", "is_illustrative"]
    list_filter = ["status", "project__plan_year"]
    list_select_related = ["project__plan_year"]
    search_fields = ["text", "project__title"]
    autocomplete_fields = ["project"]


@admin.register(models.Risk)
class RiskAdmin(RecordAdmin):
    list_display = ["title", "tier", "plan_year", "owner", "likelihood", "impact", "status"]
    list_filter = ["tier", "status", "plan_year"]
    list_select_related = ["plan_year", "owner", "project__plan_year"]
    search_fields = ["title", "cause", "effect", "mitigation"]
    autocomplete_fields = ["plan_year", "project", "owner"]
    ordering = ["plan_year__year", "tier"]
