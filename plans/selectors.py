"""Reads for the plan pages. Each evaluates its queries up front with FETCH_RAISE, so that a
template never triggers a lazy load: the query count does not grow with the number of rows."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core import pagination
from core.history import (
    HISTORY_SHOWN,
    History,
    HistoryEntry,
    history_url,
    latest_changes,
    parts_of,
    record_history,
)
from core.services import in_printed_order
from plans import periods, slippage
from plans.choices import (
    MilestoneStatus,
    PerformanceTheme,
    RecommendationStatus,
    ThemeKind,
    ToleranceDimension,
)
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
from plans.rights import MilestoneRights, plan_rights


def plan_year_for_pages(*, year: str) -> PlanYear:
    return get_object_or_404(PlanYear.objects.fetch_mode(models.FETCH_RAISE), year=year)


def strategies_with_plan_years() -> list[Strategy]:
    """Every strategy with its plan years, for the home page (each strategy's own page shows
    what it holds)."""
    return list(
        Strategy.objects.fetch_mode(models.FETCH_RAISE).prefetch_related(
            Prefetch("plan_years", queryset=PlanYear.objects.fetch_mode(models.FETCH_RAISE)),
        )
    )


@dataclass
class StrategyPage:
    """Everything a strategy's page shows, fetched up front: its own objectives with their
    commitments, its approach strands and its pillars (2024-27), and the plans that serve it."""

    strategy: Strategy
    objectives: list[StrategicObjective]
    approach_strands: list[Theme]
    pillars: list[Theme]
    other_themes: list[Theme]
    plan_years: list[PlanYear]


def strategy_page(*, pk: int) -> StrategyPage:
    """A strategy and what it holds, in a fixed number of queries."""
    strategy = get_object_or_404(Strategy.objects.fetch_mode(models.FETCH_RAISE), pk=pk)
    objectives = list(
        StrategicObjective.objects.fetch_mode(models.FETCH_RAISE)
        .filter(strategy=strategy)
        .prefetch_related(
            Prefetch("aims", queryset=StrategicAim.objects.fetch_mode(models.FETCH_RAISE))
        )
    )
    themes = list(Theme.objects.fetch_mode(models.FETCH_RAISE).filter(strategy=strategy))
    # The approach strands are ways of working, not subjects: they are shown apart from the
    # pillars (and from any other kind of theme), each in printed order.
    by_kind = {ThemeKind.APPROACH_STRAND: [], ThemeKind.PILLAR: []}
    others = []
    for theme in themes:
        by_kind.get(theme.kind, others).append(theme)
    return StrategyPage(
        strategy=strategy,
        objectives=objectives,
        approach_strands=by_kind[ThemeKind.APPROACH_STRAND],
        pillars=by_kind[ThemeKind.PILLAR],
        other_themes=others,
        plan_years=list(PlanYear.objects.fetch_mode(models.FETCH_RAISE).filter(strategy=strategy)),
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


#: How many project entries the plan overview lists in all, in the page's order; the rest are
#: on the plan's list of projects (project_list).
OVERVIEW_PROJECTS = 60
#: How many projects one page of the plan's list of projects shows.
PROJECT_LIST_PAGE_SIZE = 50


@dataclass
class ProjectList:
    """The projects of one list on the plan overview that it shows, and how many more the list
    holds that it leaves to the list of projects."""

    shown: list[Project]
    more: int = 0

    def __len__(self) -> int:
        return len(self.shown) + self.more


@dataclass
class PlanOverview:
    """Everything the plan overview page shows, fetched up front. Its lists of projects
    together show OVERVIEW_PROJECTS entries at most: a plan ten times larger is not a page ten
    times longer."""

    plan_year: PlanYear
    objectives: list[StrategicObjective]
    themes: list[Theme]
    corporate_objectives: list[CorporateObjective]
    unlinked_projects: ProjectList = field(default_factory=lambda: ProjectList([]))
    #: How many projects the plan year has.
    project_count: int = 0
    #: Whether any list leaves projects out.
    is_bounded: bool = False

    @property
    def corporate_objectives_with_notes(self) -> list[CorporateObjective]:
        return [objective for objective in self.corporate_objectives if objective.notes]


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
    themes = list(Theme.objects.fetch_mode(models.FETCH_RAISE).filter(plan_year=plan_year))
    corporate_objectives = list(
        CorporateObjective.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("theme")
        .prefetch_related(
            Prefetch(
                "owners",
                queryset=in_printed_order(
                    Role.objects.fetch_mode(models.FETCH_RAISE), link="corporate_objective_links"
                ),
            ),
            Prefetch(
                "projects",
                queryset=in_printed_order(_projects(), link="corporate_objective_links"),
            ),
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
    # Every project is linked to an objective, an aim or a corporate objective, or is unlinked.
    seen = {project.pk for project in unlinked_projects}
    # The lists in the page's order, each showing what is left of OVERVIEW_PROJECTS.
    left, hidden = OVERVIEW_PROJECTS, 0

    def bounded(projects: list[Project]) -> ProjectList:
        nonlocal left, hidden
        seen.update(project.pk for project in projects)
        shown = projects[:left]
        left -= len(shown)
        hidden += len(projects) - len(shown)
        return ProjectList(shown, len(projects) - len(shown))

    for objective in objectives:
        # A project listed under one of the objective's aims is not listed again beside it.
        under_aims = {project.pk for aim in objective.aims.all() for project in aim.projects.all()}
        objective.direct_projects = bounded(
            [project for project in objective.projects.all() if project.pk not in under_aims]
        )
        for aim in objective.aims.all():
            aim.project_list = bounded(list(aim.projects.all()))
    for objective in corporate_objectives:
        objective.project_list = bounded(list(objective.projects.all()))
    unlinked = bounded(unlinked_projects)
    return PlanOverview(
        plan_year=plan_year,
        objectives=objectives,
        themes=themes,
        corporate_objectives=corporate_objectives,
        unlinked_projects=unlinked,
        project_count=len(seen),
        is_bounded=hidden > 0,
    )


@dataclass
class ProjectListPage:
    """One page of a plan year's projects, with their owners."""

    plan_year: PlanYear
    pager: pagination.Pager
    projects: list[Project]


def project_list(*, year: str, page: str) -> ProjectListPage:
    """A page of the plan year's projects in their printed order: three queries, whatever the
    number of projects."""
    plan_year = plan_year_for_pages(year=year)
    ids = list(Project.objects.filter(plan_year=plan_year).values_list("pk", flat=True))
    pager = pagination.pager_of(page, size=PROJECT_LIST_PAGE_SIZE, count=len(ids))
    projects = list(_projects().filter(pk__in=pager.page.slice(ids)))
    return ProjectListPage(plan_year=plan_year, pager=pager, projects=projects)


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
                "corporate_objectives",
                queryset=CorporateObjective.objects.fetch_mode(models.FETCH_RAISE),
            ),
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
    """The latest change of the plan year record, and how many came before it."""
    return record_history(PlanYear, plan_year.pk, limit=limit)


def project_history(
    *, project: Project, milestone_changes: dict | None = None, limit: int = HISTORY_SHOWN
) -> History:
    """The latest change of a project and of each of its milestones (including milestones
    since deleted), newest first, and how many came before them. `milestone_changes`, from
    milestone_latest_changes, saves reading them again."""
    known = {Milestone: milestone_changes} if milestone_changes is not None else None
    return record_history(Project, project.pk, limit=limit, known=known)


def milestone_latest_changes(*, project: Project) -> dict:
    """The latest change of each milestone of a project, including any since deleted, by
    milestone (core.history.LatestChange)."""
    (part,) = (part for part in parts_of(Project) if part.model is Milestone)
    return latest_changes(Milestone, where={part.link: project.pk}, name=part.name)


def current_plan_year(*, today: datetime.date) -> PlanYear | None:
    """The plan year the pages open on: the one covering `today` or, when that year has no
    projects, the latest plan year that has some (None when there is none)."""
    label = periods.financial_year_label(periods.financial_year_of(today))
    return (
        PlanYear.objects.filter(Exists(Project.objects.filter(plan_year=OuterRef("pk"))))
        .annotate(covers_today=Case(When(year=label, then=Value(1)), default=Value(0)))
        .order_by("-covers_today", "-year")
        .first()
    )


# --- Milestones: My work, the project page's milestones and their forms ----------------------


@dataclass
class MilestoneRow:
    """A milestone as My work and the project page show it: its slippage and deadline in words
    as at a date (plans.slippage), its latest change from the audit history, how many came
    before it, where to read them all and where to update it."""

    milestone: Milestone
    position: slippage.MilestonePosition
    last_change: HistoryEntry | None
    earlier_changes: int
    history_url: str
    update_url: str

    @property
    def days_late(self) -> int | None:
        """None when its outcome was never recorded."""
        return self.position.days_late

    @property
    def outcome_not_recorded(self) -> bool:
        return self.position.outcome_not_recorded

    @property
    def overdue(self) -> bool:
        return self.position.overdue

    @property
    def due_this_quarter(self) -> bool:
        return self.position.due_this_quarter


@dataclass
class ProjectMilestones:
    """A project's milestones with their slippage, and what the person may do with them."""

    project: Project
    rows: list[MilestoneRow]
    slippage: slippage.Slippage
    rights: MilestoneRights
    add_url: str
    #: Whether the person owns the project through a role they hold (else they are a member).
    is_owner: bool = False
    #: The last day of the plan year, when it ended before the as-at date: slippage is counted
    #: to it.
    year_ended_on: datetime.date | None = None

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)

    @property
    def noted(self) -> list[Milestone]:
        """The milestones with judgements noted in reading the document."""
        return [row.milestone for row in self.rows if row.milestone.notes]

    @property
    def due_this_quarter(self) -> int:
        return sum(row.due_this_quarter for row in self.rows)


def _project_milestones(project, *, histories, rights, as_at, is_owner=False) -> ProjectMilestones:
    """The rows of a project whose milestones (and plan year) are prefetched, as at a date, with
    `histories` from latest_changes. URLs are built from the project's one, not reversed per
    row."""
    _, year_ends_on = periods.financial_year_bounds(project.plan_year.start)
    project_url = reverse(
        "plans:project", kwargs={"year": project.plan_year.year, "pk": project.pk}
    )
    histories_url = history_url(Milestone, 0).removesuffix("0/")
    rows = []
    for milestone in project.milestones.all():
        latest = histories.get(milestone.pk)
        rows.append(
            MilestoneRow(
                milestone=milestone,
                position=slippage.milestone_position(
                    due_on=milestone.due_on,
                    revised_due_on=milestone.revised_due_on,
                    status=milestone.status,
                    completed_on=milestone.completed_on,
                    year_ends_on=year_ends_on,
                    as_at=as_at,
                ),
                last_change=latest.entry if latest else None,
                earlier_changes=latest.earlier if latest else 0,
                history_url=f"{histories_url}{milestone.pk}/",
                update_url=f"{project_url}milestones/{milestone.pk}/update/",
            )
        )
    return ProjectMilestones(
        project=project,
        rows=rows,
        slippage=slippage.summarise(row.days_late for row in rows),
        rights=rights,
        add_url=f"{project_url}milestones/add/",
        is_owner=is_owner,
        year_ended_on=year_ends_on if year_ends_on < as_at else None,
    )


def project_milestones(
    *, project: Project, user, as_at: datetime.date, milestone_changes: dict | None = None
) -> ProjectMilestones:
    """The milestones of a project from project_detail, with each one's latest change and
    slippage as at a date, and what `user` may do with them. `milestone_changes`, from
    milestone_latest_changes, saves reading them again."""
    histories = milestone_changes
    if histories is None:
        histories = milestone_latest_changes(project=project)
    return _project_milestones(
        project,
        histories=histories,
        rights=plan_rights(user).milestones(project),
        as_at=as_at,
    )


@dataclass
class MyWork:
    """The projects a person works on in one plan year, with their milestones."""

    plan_year: PlanYear | None
    plan_years: list[PlanYear]
    projects: list[ProjectMilestones]
    #: The date the slippage and deadlines are worked out as at.
    as_at: datetime.date
    #: When the person has no projects in this year, the years in which they have some.
    years_with_projects: list[str] = field(default_factory=list)

    @property
    def slippage(self) -> slippage.Slippage:
        return slippage.summarise(row.days_late for work in self.projects for row in work.rows)

    @property
    def year_ended_on(self) -> datetime.date | None:
        """The last day of the plan year, when it ended before the as-at date."""
        return self.projects[0].year_ended_on if self.projects else None

    @property
    def overdue(self) -> int:
        return sum(work.overdue for work in self.projects)

    @property
    def due_this_quarter(self) -> int:
        return sum(work.due_this_quarter for work in self.projects)


def my_work(*, user, as_at: datetime.date, year: str | None = None) -> MyWork:
    """The projects of the plan year (`year`, else the one current at `as_at`) that `user` owns
    through a role they hold or is a member of, each with its milestones, their slippage as at
    `as_at` and who updated them last. The number of queries does not grow with the projects,
    milestones or history."""
    plan_years = list(
        PlanYear.objects.fetch_mode(models.FETCH_RAISE)
        .filter(projects__isnull=False)
        .distinct()
        .order_by("-year")
    )
    if year is not None:
        plan_year = next((each for each in plan_years if each.year == year), None)
        if plan_year is None:
            plan_year = get_object_or_404(
                PlanYear.objects.fetch_mode(models.FETCH_RAISE), year=year
            )
    else:
        plan_year = current_plan_year(today=as_at)
    if plan_year is None:
        return MyWork(plan_year=None, plan_years=plan_years, projects=[], as_at=as_at)
    rights = plan_rights(user)
    in_year = Project.objects.filter(plan_year=plan_year)
    projects = list(
        in_year.filter(pk__in=rights.worked_on_project_ids)
        .fetch_mode(models.FETCH_RAISE)
        .select_related("plan_year")
        .prefetch_related(
            Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch("milestones", queryset=Milestone.objects.fetch_mode(models.FETCH_RAISE)),
        )
    )
    if not projects:
        years = (
            Project.objects.filter(pk__in=rights.worked_on_project_ids)
            .order_by("-plan_year__year")
            .values_list("plan_year__year", flat=True)
            .distinct()
        )
        return MyWork(
            plan_year=plan_year,
            plan_years=plan_years,
            projects=[],
            as_at=as_at,
            years_with_projects=list(years),
        )
    histories = latest_changes(
        Milestone, where={"project_id__in": [project.pk for project in projects]}
    )
    return MyWork(
        plan_year=plan_year,
        plan_years=plan_years,
        projects=[
            _project_milestones(
                project,
                histories=histories,
                rights=rights.milestones(project),
                as_at=as_at,
                is_owner=project.pk in rights.owned_project_ids,
            )
            for project in projects
        ],
        as_at=as_at,
    )


def milestone_for_update(*, year: str, project_pk: int, pk: int) -> Milestone:
    """A milestone of a project of the plan year, with its project and plan year; 404 if the
    three do not belong together."""
    return get_object_or_404(
        Milestone.objects.select_related("project__plan_year"),
        project__plan_year__year=year,
        project_id=project_pk,
        pk=pk,
    )


def project_for_milestones(*, year: str, pk: int) -> Project:
    """A project of the plan year with its plan year, to add a milestone to; 404 if it is not
    of that year."""
    return get_object_or_404(
        Project.objects.select_related("plan_year"), plan_year__year=year, pk=pk
    )


# --- Recommendations ---------------------------------------------------------------------------


def projects_for_responses(user, plan_year: PlanYear) -> frozenset:
    """The ids of the plan year's projects whose recommendations `user` records responses to,
    by the one rule (plans.rights.PlanRights.may_respond)."""
    rights = plan_rights(user)
    projects = Project.objects.filter(plan_year=plan_year).select_related("plan_year")
    return frozenset(project.pk for project in projects if rights.may_respond(project))


RECOMMENDATION_STATUSES = list(RecommendationStatus)


@dataclass
class StatusCounts:
    """Recommendations by status for one project or performance theme, in the choices' order."""

    label: str
    counts: dict[str, int] = field(default_factory=dict)
    project: Project | None = None

    @property
    def in_order(self) -> list[int]:
        return [self.counts.get(status, 0) for status in RECOMMENDATION_STATUSES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RecommendationTracker:
    plan_year: PlanYear
    by_project: list[StatusCounts]
    by_theme: list[StatusCounts]
    totals: StatusCounts
    recommendations: list[Recommendation]
    status: str
    respondable: frozenset
    #: How many of the recommendations counted were generated for the demo (is_illustrative).
    illustrative: int = 0


def recommendation_tracker(*, plan_year: PlanYear, status: str, user) -> RecommendationTracker:
    """Counts by status per project and per performance theme (the 2012-13 impact indicator),
    and the recommendations with the chosen status (all of them for none)."""
    found = (
        Recommendation.objects.filter(project__plan_year=plan_year)
        .order_by()
        .values_list("project_id", "status", "is_illustrative")
        .annotate(count=Count("pk"))
    )
    counts_by_project = {}
    illustrative = 0
    for project_id, status_value, generated, count in found:
        counts = counts_by_project.setdefault(project_id, {})
        counts[status_value] = counts.get(status_value, 0) + count
        illustrative += count if generated else 0
    projects = list(
        Project.objects.fetch_mode(models.FETCH_RAISE)
        .filter(pk__in=counts_by_project)
        .order_by("position", "title")
    )
    by_project = [
        StatusCounts(label=project.title, counts=counts_by_project[project.pk], project=project)
        for project in projects
    ]
    themes = {}
    for row in by_project:
        theme = row.project.performance_theme
        label = row.project.get_performance_theme_display() if theme else "No performance theme"
        target = themes.setdefault(theme, StatusCounts(label=label))
        for key, count in row.counts.items():
            target.counts[key] = target.counts.get(key, 0) + count
    theme_order = [*PerformanceTheme.values, ""]
    by_theme = [themes[theme] for theme in theme_order if theme in themes]
    totals = StatusCounts(label="All projects")
    for row in by_project:
        for key, count in row.counts.items():
            totals.counts[key] = totals.counts.get(key, 0) + count
    listed = (
        Recommendation.objects.fetch_mode(models.FETCH_RAISE)
        .filter(project__plan_year=plan_year)
        .select_related("project")
        .order_by("project__position", "project__title", "made_on", "pk")
    )
    if status:
        listed = listed.filter(status=status)
    return RecommendationTracker(
        plan_year=plan_year,
        by_project=by_project,
        by_theme=by_theme,
        totals=totals,
        recommendations=list(listed),
        status=status,
        respondable=projects_for_responses(user, plan_year),
        illustrative=illustrative,
    )


def recommendation_for_response(*, year: str, pk: int) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related("project__plan_year"),
        project__plan_year__year=year,
        pk=pk,
    )


def recommendation_history(*, recommendation: Recommendation, limit=HISTORY_SHOWN) -> History:
    return record_history(Recommendation, recommendation.pk, limit=limit)


# --- The milestone tracker: every milestone of a plan year ------------------------------------

#: How many milestones one page of the tracker lists.
TRACKER_PAGE_SIZE = 100

#: The statuses the tracker counts, in the order its summary names them, with the words it uses.
#: Not started and no recorded outcome are named only when some milestone has them.
TRACKER_STATUSES = [
    (MilestoneStatus.DONE.value, "done"),
    (MilestoneStatus.ON_TRACK.value, "on track"),
    (MilestoneStatus.NOT_STARTED.value, "not started"),
    (MilestoneStatus.AT_RISK.value, "at risk"),
    (MilestoneStatus.SLIPPED.value, "slipped"),
    (slippage.OUTCOME_NOT_RECORDED, "with no recorded outcome"),
]
ALWAYS_COUNTED = {
    MilestoneStatus.DONE.value,
    MilestoneStatus.ON_TRACK.value,
    MilestoneStatus.AT_RISK.value,
    MilestoneStatus.SLIPPED.value,
}
TRACKER_STATUS_LABELS = {
    **dict(MilestoneStatus.choices),
    slippage.OUTCOME_NOT_RECORDED: "Outcome not recorded",
}


@dataclass
class TrackerOptions:
    """What the tracker's filters offer, fetched once: the plan year's strategic objectives and
    its corporate and enabling objectives (with any other a project of the year sits under), the
    roles owning its projects, and the quarters that have ended by `today`, as at whose end the
    milestones may be shown."""

    plan_year: PlanYear
    objectives: list[StrategicObjective]
    corporate_objectives: list[CorporateObjective]
    owners: list[Role]
    today: datetime.date

    @property
    def quarters(self) -> list[periods.Quarter]:
        return [periods.Quarter(self.plan_year.start, number) for number in (1, 2, 3, 4)]

    @property
    def ended_quarters(self) -> list[periods.Quarter]:
        return [quarter for quarter in self.quarters if quarter.last_day < self.today]


def milestone_tracker_options(*, plan_year: PlanYear, today: datetime.date) -> TrackerOptions:
    in_year = Project.objects.filter(plan_year=plan_year)
    return TrackerOptions(
        plan_year=plan_year,
        objectives=list(
            StrategicObjective.objects.fetch_mode(models.FETCH_RAISE).filter(
                models.Q(plan_year=plan_year)
                | models.Q(pk__in=in_year.values("strategic_objectives"))
                | models.Q(pk__in=in_year.values("aims__objective"))
            )
        ),
        corporate_objectives=list(
            CorporateObjective.objects.fetch_mode(models.FETCH_RAISE).filter(
                models.Q(plan_year=plan_year)
                | models.Q(pk__in=in_year.values("corporate_objectives"))
            )
        ),
        owners=list(
            Role.objects.fetch_mode(models.FETCH_RAISE).filter(pk__in=in_year.values("owners"))
        ),
        today=today,
    )


@dataclass(frozen=True)
class MilestoneFilters:
    """What the tracker is narrowed to, already checked against its options: an objective
    ("objective-<pk>" for a strategic objective, "corporate-<pk>" for a corporate or enabling
    one, "none" for projects under no objective), an owner role's pk, a status as at the date
    shown, the quarter of the plan year the milestone is due in (by its revised due date, else
    its original), and the quarter as at whose end the milestones are shown (None: today)."""

    objective: str = ""
    owner: int | None = None
    status: str = ""
    quarter: int | None = None
    as_at: int | None = None

    @property
    def narrows(self) -> bool:
        return bool(self.objective or self.owner or self.status or self.quarter)

    def query(self, **changes) -> str:
        """The address's query for these filters with `changes`, leaving out what is not set,
        such as a first page."""
        values = {
            "objective": self.objective,
            "owner": self.owner,
            "status": self.status,
            "quarter": self.quarter,
            "as_at": f"q{self.as_at}" if self.as_at else "",
            **changes,
        }
        return urlencode({name: value for name, value in values.items() if value})


@dataclass
class TrackerRow:
    """A milestone as the tracker shows it: its status and slippage as at the tracker's date,
    its project's owners and the objectives the project sits under, and its project's address."""

    milestone: Milestone
    position: slippage.MilestonePosition
    status: str
    owners: list[Role]
    objectives: list
    project_url: str

    @property
    def status_label(self) -> str:
        return TRACKER_STATUS_LABELS[self.status]

    @property
    def days_late(self) -> int | None:
        return self.position.days_late


@dataclass
class PageLink:
    number: int | None
    url: str = ""
    current: bool = False


@dataclass
class MilestoneTracker:
    """One page of the plan year's milestones that the filters keep, with the counts by status
    of those the filters other than status keep."""

    plan_year: PlanYear
    filters: MilestoneFilters
    as_at: datetime.date
    #: The quarter as at whose end the milestones are shown; None for today.
    as_at_quarter: periods.Quarter | None
    #: The last day of the plan year, when it ended before the as-at date.
    year_ended_on: datetime.date | None
    counts: dict[str, int]
    #: How many milestones the plan year has, whatever the filters.
    in_year: int
    page: pagination.Page
    page_problem: str
    rows: list[TrackerRow]

    @property
    def total(self) -> int:
        """How many milestones the filters other than status keep."""
        return sum(self.counts.values())

    @property
    def shown(self) -> int:
        """How many milestones all the filters keep, over every page."""
        return self.page.count

    @property
    def count_words(self) -> list[tuple[int, str]]:
        """The counts by status the summary names, in its order."""
        return [
            (self.counts.get(status, 0), words)
            for status, words in TRACKER_STATUSES
            if status in ALWAYS_COUNTED or self.counts.get(status)
        ]

    @property
    def status_words(self) -> str:
        return dict(TRACKER_STATUSES).get(self.filters.status, "")

    @property
    def page_links(self) -> list[PageLink]:
        return [
            PageLink(number)
            if number is None
            else PageLink(number, self.page_url(number), number == self.page.number)
            for number in self.page.numbers()
        ]

    def page_url(self, number: int) -> str:
        return "?" + self.filters.query(page=number if number > 1 else "")

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.number - 1)

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.number + 1)


def _projects_under(plan_year: PlanYear, objective: str):
    """The projects of the plan year that sit under the objective the filter names, as the
    plan overview places them: a strategic objective directly or through one of its aims, a
    corporate or enabling objective, or ("none") under no objective at all."""
    in_year = Project.objects.filter(plan_year=plan_year)
    if objective == "none":
        return in_year.filter(
            strategic_objectives__isnull=True, aims__isnull=True, corporate_objectives__isnull=True
        ).values("pk")
    kind, _, pk = objective.partition("-")
    if kind == "objective":
        return in_year.filter(
            models.Q(strategic_objectives=pk) | models.Q(aims__objective=pk)
        ).values("pk")
    return in_year.filter(corporate_objectives=pk).values("pk")


def _links(relation, project_ids, target: str) -> dict[int, list[int]]:
    """For each of the projects, the pks a many-to-many relation of Project links it to, read
    from its through table (`target` names the linked pk there) in one query."""
    linked: dict[int, list[int]] = {}
    rows = (
        relation.through.objects.filter(project_id__in=project_ids)
        .order_by()
        .values_list("project_id", target)
    )
    for project_id, pk in rows:
        linked.setdefault(project_id, []).append(pk)
    return linked


def milestone_tracker(
    *,
    options: TrackerOptions,
    filters: MilestoneFilters,
    today: datetime.date,
    page: str = "",
) -> MilestoneTracker:
    """The plan year's milestones the filters keep, in the order they fall due (the revised due
    date, else the original), one page of them (`page` as the address gives it) with their
    status and slippage as at the end of the chosen quarter (else `today`), and the counts by
    status of those the other filters keep.

    The milestones are read twice, so that the work a page does stays bounded as the plan
    grows: their dates and statuses for all that the other filters keep (to count and to filter
    by status, as at a date, in Python), then the page's milestones in full. Their owners and
    objectives come from the through tables, linked to the options fetched once. The number of
    queries does not grow with the milestones."""
    plan_year = options.plan_year
    quarter = periods.Quarter(plan_year.start, filters.as_at) if filters.as_at else None
    as_at = quarter.last_day if quarter else today
    _, year_ends_on = periods.financial_year_bounds(plan_year.start)

    in_year = Milestone.objects.filter(project__plan_year=plan_year)
    found = in_year
    if filters.objective:
        found = found.filter(project_id__in=_projects_under(plan_year, filters.objective))
    if filters.owner:
        owned = Project.objects.filter(owners=filters.owner).values("pk")
        found = found.filter(project_id__in=owned)
    if filters.quarter:
        due_in = periods.Quarter(plan_year.start, filters.quarter)
        found = found.filter(slippage.due_in(due_in))
    dated = found.order_by(
        Coalesce("revised_due_on", "due_on"),
        "due_on",
        "project__position",
        "project__title",
        "title",
        "pk",
    ).values_list("pk", "due_on", "revised_due_on", "status", "completed_on")

    counts: dict[str, int] = {}
    kept: list[tuple[int, slippage.MilestonePosition, str]] = []
    for pk, due_on, revised_due_on, recorded, completed_on in dated:
        position = slippage.milestone_position(
            due_on=due_on,
            revised_due_on=revised_due_on,
            status=recorded,
            completed_on=completed_on,
            year_ends_on=year_ends_on,
            as_at=as_at,
        )
        status = slippage.status_as_at(status=recorded, position=position)
        counts[status] = counts.get(status, 0) + 1
        if not filters.status or status == filters.status:
            kept.append((pk, position, status))

    chosen, page_problem = pagination.page_of(page, size=TRACKER_PAGE_SIZE, count=len(kept))
    on_page = chosen.slice(kept)
    milestones = Milestone.objects.fetch_mode(models.FETCH_RAISE).select_related("project")
    by_pk = {m.pk: m for m in milestones.filter(pk__in=[pk for pk, _, _ in on_page])}
    project_ids = {milestone.project_id for milestone in by_pk.values()}
    owners = {role.pk: role for role in options.owners}
    objectives = {objective.pk: objective for objective in options.objectives}
    corporate = {objective.pk: objective for objective in options.corporate_objectives}
    owned_by = _links(Project.owners, project_ids, "role_id")
    directly_under = _links(Project.strategic_objectives, project_ids, "strategicobjective_id")
    under_aims = _links(Project.aims, project_ids, "strategicaim__objective_id")
    under_corporate = _links(Project.corporate_objectives, project_ids, "corporate_objective_id")
    # One reverse for every row: the project pages' addresses differ only by the project's pk.
    projects_url = reverse("plans:project", kwargs={"year": plan_year.year, "pk": 0}).removesuffix(
        "0/"
    )

    def objectives_of(project_id) -> list:
        linked = {*directly_under.get(project_id, ()), *under_aims.get(project_id, ())}
        return [objectives[pk] for pk in objectives if pk in linked] + [
            corporate[pk] for pk in corporate if pk in under_corporate.get(project_id, ())
        ]

    rows = []
    for pk, position, status in on_page:
        milestone = by_pk.get(pk)
        if milestone is None:  # deleted between the two reads
            continue
        project_id = milestone.project_id
        rows.append(
            TrackerRow(
                milestone=milestone,
                position=position,
                status=status,
                owners=[owners[pk] for pk in owners if pk in owned_by.get(project_id, ())],
                objectives=objectives_of(project_id),
                project_url=f"{projects_url}{project_id}/",
            )
        )
    return MilestoneTracker(
        plan_year=plan_year,
        filters=filters,
        as_at=as_at,
        as_at_quarter=quarter,
        year_ended_on=year_ends_on if year_ends_on < as_at else None,
        counts=counts,
        in_year=(
            in_year.count()
            if filters.objective or filters.owner or filters.quarter
            else sum(counts.values())
        ),
        page=chosen,
        page_problem=page_problem,
        rows=rows,
    )


@dataclass(frozen=True)
class RecordedMilestone:
    """What a milestone's update recorded of it as it stood at a date: its status, completion
    and revised due dates, and commentary."""

    status: str
    completed_on: datetime.date | None
    revised_due_on: datetime.date | None
    commentary: str


#: The fields of a milestone that its updates record, read as they stood at a date.
RECORDED_FIELDS = ("status", "completed_on", "revised_due_on", "commentary")


def milestones_as_recorded(
    *, plan_year: PlanYear, as_at: datetime.date
) -> dict[int, RecordedMilestone]:
    """The plan year's milestones as their audit history records them at the end of `as_at`,
    by pk, in one query: each one's latest historical row up to then. A milestone with no row
    by then (entered later, as the demo's and any back-filled records are) is not in it: what is
    recorded of it now is all that is known."""
    before = datetime.datetime.combine(
        as_at + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    history = Milestone.history.model.objects
    latest = (
        history.filter(id=OuterRef("id"), history_date__lt=before)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = (
        history.filter(
            id__in=Milestone.objects.filter(project__plan_year=plan_year).values("pk"),
            history_id=Subquery(latest),
        )
        .exclude(history_type="-")
        .order_by()
        .values_list("id", *RECORDED_FIELDS)
    )
    return {pk: RecordedMilestone(*values) for pk, *values in rows}
