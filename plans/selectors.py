"""Reads for the plan pages. Each evaluates its queries up front with FETCH_RAISE, so that a
template never triggers a lazy load: the query count does not grow with the number of rows."""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Prefetch, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.history import HISTORY_SHOWN, History, latest_history, record_histories
from plans import periods
from plans.choices import ToleranceDimension
from plans.models import (
    CorporateObjective,
    Milestone,
    PlanYear,
    Project,
    ProjectTolerance,
    Recommendation,
    Role,
    StrategicAim,
    StrategicObjective,
    Strategy,
    Theme,
)


def strategies_with_plan_years() -> list[Strategy]:
    """Every strategy with its plan years and its own objectives, aims and themes (a strategy
    with no annual plan, such as 2024-27, holds them itself), for the home page."""
    return list(
        Strategy.objects.fetch_mode(models.FETCH_RAISE).prefetch_related(
            Prefetch("plan_years", queryset=PlanYear.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch(
                "strategic_objectives",
                queryset=StrategicObjective.objects.fetch_mode(models.FETCH_RAISE),
            ),
            Prefetch(
                "strategic_objectives__aims",
                queryset=StrategicAim.objects.fetch_mode(models.FETCH_RAISE),
            ),
            Prefetch("themes", queryset=Theme.objects.fetch_mode(models.FETCH_RAISE)),
        )
    )


def plan_years_without_strategy() -> list[PlanYear]:
    return list(PlanYear.objects.fetch_mode(models.FETCH_RAISE).filter(strategy__isnull=True))


def _in_choice_order(field: str, choices_class) -> Case:
    """Order by the position of a field's value in its choices (time, cost, risk, ...)."""
    return Case(
        *(When(**{field: value}, then=Value(index)) for index, value in enumerate(choices_class)),
        default=Value(len(choices_class)),
    )


def _projects():
    return Project.objects.fetch_mode(models.FETCH_RAISE).prefetch_related(
        Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE))
    )


@dataclass
class PlanOverview:
    """Everything the plan overview page shows, fetched up front."""

    plan_year: PlanYear
    objectives: list[StrategicObjective]
    themes: list[Theme]
    corporate_objectives: list[CorporateObjective]
    unlinked_projects: list[Project] = field(default_factory=list)


def plan_overview(*, year: str) -> PlanOverview:
    """The plan year's objectives, aims and projects, themes and corporate and enabling
    objectives, in a fixed number of queries."""
    plan_year = get_object_or_404(
        PlanYear.objects.fetch_mode(models.FETCH_RAISE).select_related("strategy"), year=year
    )
    objectives = list(
        StrategicObjective.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .prefetch_related(
            Prefetch(
                "aims",
                queryset=StrategicAim.objects.fetch_mode(models.FETCH_RAISE).prefetch_related(
                    Prefetch("projects", queryset=_projects())
                ),
            ),
            Prefetch("projects", queryset=_projects()),
        )
    )
    for objective in objectives:
        # A project listed under one of the objective's aims is not listed again beside it.
        under_aims = {project.pk for aim in objective.aims.all() for project in aim.projects.all()}
        objective.direct_projects = [
            project for project in objective.projects.all() if project.pk not in under_aims
        ]
    themes = list(Theme.objects.fetch_mode(models.FETCH_RAISE).filter(plan_year=plan_year))
    corporate_objectives = list(
        CorporateObjective.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("theme")
        .prefetch_related(
            Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch("projects", queryset=_projects()),
        )
    )
    unlinked_projects = list(
        _projects().filter(
            plan_year=plan_year,
            strategic_objectives__isnull=True,
            aims__isnull=True,
            corporate_objectives__isnull=True,
        )
    )
    return PlanOverview(
        plan_year=plan_year,
        objectives=objectives,
        themes=themes,
        corporate_objectives=corporate_objectives,
        unlinked_projects=unlinked_projects,
    )


def project_detail(*, year: str, pk: int) -> Project:
    """A project of the plan year with its owners, members, links, tolerances, milestones and
    recommendations, fetched up front."""
    queryset = (
        Project.objects.fetch_mode(models.FETCH_RAISE)
        .select_related("plan_year")
        .prefetch_related(
            Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)),
            "members",
            Prefetch(
                "strategic_objectives",
                queryset=StrategicObjective.objects.fetch_mode(models.FETCH_RAISE),
            ),
            Prefetch(
                "aims",
                queryset=StrategicAim.objects.fetch_mode(models.FETCH_RAISE).select_related(
                    "objective"
                ),
            ),
            Prefetch("themes", queryset=Theme.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch(
                "tolerances",
                queryset=ProjectTolerance.objects.fetch_mode(models.FETCH_RAISE).order_by(
                    _in_choice_order("dimension", ToleranceDimension)
                ),
            ),
            Prefetch("milestones", queryset=Milestone.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.fetch_mode(models.FETCH_RAISE),
            ),
        )
    )
    return get_object_or_404(queryset, plan_year__year=year, pk=pk)


def plan_year_history(*, plan_year: PlanYear, limit: int = HISTORY_SHOWN) -> History:
    """The latest changes of the plan year record, newest first."""
    return latest_history(record_histories(PlanYear, pks=[plan_year.pk], latest=limit), limit=limit)


def project_history(*, project: Project, limit: int = HISTORY_SHOWN) -> History:
    """The latest changes of a project and of its milestones, including milestones since
    deleted, newest first."""
    return latest_history(
        record_histories(Project, pks=[project.pk], latest=limit),
        record_histories(
            Milestone,
            where={"project_id": project.pk},
            latest=limit,
            name=lambda values: f'Milestone "{values["title"]}"',
        ),
        limit=limit,
    )


def current_plan_year(*, today: datetime.date | None = None) -> PlanYear | None:
    """The plan year the pages open on: the one covering today or, when that year has no
    projects, the latest plan year that has some (None when there is none)."""
    today = today or timezone.localdate()
    label = periods.financial_year_label(periods.financial_year_of(today))
    with_projects = PlanYear.objects.filter(projects__isnull=False).distinct()
    return with_projects.filter(year=label).first() or with_projects.order_by("-year").first()
