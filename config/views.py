"""Project-level pages that combine the apps: the home page, the plan overview (plans, their
indicators and budget), My work (with what the quarterly report still needs of the person), a
project's page (with its risks) and the health check. Each app is read
through its selectors."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgets import selectors as budget_selectors
from core.kept_pages import kept_page
from kpis import selectors as kpi_selectors
from plans import selectors as plan_selectors
from plans import views as plan_views
from reports import preparation
from risks import selectors as risk_selectors


@require_safe
@kept_page
def home(request):
    return render(
        request,
        "home.html",
        {
            "strategies": plan_selectors.strategies_with_plan_years(),
            "plan_years_without_strategy": plan_selectors.plan_years_without_strategy(),
        },
    )


#: How many indicators and budget lines the plan overview lists; the rest are a link away.
OVERVIEW_INDICATORS = 30
OVERVIEW_BUDGET_LINES = 25


@require_safe
@kept_page
def plan_overview(request, year):
    overview = plan_selectors.plan_overview(year=year)
    indicators = kpi_selectors.indicators_for_plan_year(plan_year=overview.plan_year)
    budget = budget_selectors.budget_summary(plan_year=overview.plan_year)
    return render(
        request,
        "plans/overview.html",
        {
            "overview": overview,
            "overview_projects": plan_selectors.OVERVIEW_PROJECTS,
            "indicators": indicators,
            "indicators_shown": indicators[:OVERVIEW_INDICATORS],
            "budget": budget,
            "budget_lines_shown": budget.lines[:OVERVIEW_BUDGET_LINES] if budget else [],
            "history": plan_selectors.plan_year_history(plan_year=overview.plan_year),
        },
    )


@require_safe
@kept_page
def my_work(request):
    """My work: at the top, each open quarter's items the person still has to enter for the
    quarterly report (reports.preparation); then their projects and milestones (plans)."""
    return render(
        request,
        "plans/my_work.html",
        {
            **plan_views.my_work_context(request),
            "quarters_missing": preparation.owner_preparation(
                user=request.user, today=timezone.localdate()
            ),
        },
    )


@require_safe
@kept_page
def project_page(request, year, pk):
    """A project with its milestones (plans) and its risks (the risk register)."""
    project = plan_selectors.project_detail(year=year, pk=pk)
    today = timezone.localdate()
    # Read once, for the project's history and its milestones' last updates.
    milestone_changes = plan_selectors.milestone_latest_changes(project=project)
    return render(
        request,
        "plans/project.html",
        {
            "project": project,
            "history": plan_selectors.project_history(
                project=project, milestone_changes=milestone_changes
            ),
            "milestones": plan_selectors.project_milestones(
                project=project, user=request.user, as_at=today, milestone_changes=milestone_changes
            ),
            "risks": risk_selectors.project_risks(project=project, user=request.user, as_at=today),
        },
    )


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not. Open to load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
