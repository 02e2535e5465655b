"""Reads for the risk register, its heat map and strategic view, and a project's risks. Each
fetches its rows in a fixed number of queries with FETCH_RAISE and links them in Python, so the
query count does not grow with the number of risks or actions."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404

from core.history import HISTORY_SHOWN, History, record_history
from plans.models import PlanYear, Project, Role
from plans.selectors import plan_year_for_pages
from risks import choices, rules
from risks.models import MitigatingAction, Risk
from risks.rights import editing_rights

INHERENT, RESIDUAL = "inherent", "residual"
POSITIONS = {RESIDUAL: "Residual (with current controls)", INHERENT: "Inherent (before controls)"}


@dataclass
class ActionRow:
    action: MitigatingAction
    is_overdue: bool


@dataclass
class RiskRow:
    """A risk as the register shows it: its scores, band, flags and whether it is escalated,
    and whether the person reading may edit it."""

    risk: Risk
    inherent: int
    residual: int
    band: rules.Band
    flags: list[str]
    review_overdue: bool
    actions: list[ActionRow]
    escalated: bool
    may_edit: bool

    @property
    def inconsistencies(self) -> list[str]:
        """The flags other than an overdue review, which the register shows beside the date."""
        return [flag for flag in self.flags if flag != rules.REVIEW_OVERDUE]

    @property
    def overdue_actions(self) -> int:
        return sum(1 for row in self.actions if row.is_overdue)


@dataclass
class RiskFilters:
    """The register's filters, as chosen (already validated)."""

    tier: str = ""
    owner: int | None = None
    project: int | None = None
    status: str = ""
    band: str = ""
    likelihood: int | None = None
    impact: int | None = None
    position: str = RESIDUAL

    def narrows(self) -> bool:
        return any(
            value not in ("", None)
            for value in (
                self.tier,
                self.owner,
                self.project,
                self.status,
                self.band,
                self.likelihood,
                self.impact,
            )
        )


@dataclass
class FilterChoices:
    owners: list[Role]
    projects: list[Project]


def filter_choices(*, plan_year: PlanYear) -> FilterChoices:
    """The owners and projects the register's filters offer: the roles that own a risk of the
    year, and the year's projects."""
    return FilterChoices(
        owners=list(
            Role.objects.fetch_mode(models.FETCH_RAISE)
            .filter(risks__plan_year=plan_year)
            .distinct()
            .order_by("title")
        ),
        projects=list(
            Project.objects.fetch_mode(models.FETCH_RAISE)
            .filter(plan_year=plan_year)
            .order_by("position", "title")
        ),
    )


def _risks(plan_year: PlanYear, *, with_actions: bool = True):
    queryset = (
        Risk.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .select_related("owner", "project", "last_reviewed_by")
    )
    if with_actions:
        actions = MitigatingAction.objects.fetch_mode(models.FETCH_RAISE).select_related("owner")
        queryset = queryset.prefetch_related(Prefetch("actions", queryset=actions))
    return queryset.annotate(
        inherent_value=F("inherent_likelihood") * F("inherent_impact"),
        residual_value=F("residual_likelihood") * F("residual_impact"),
    ).order_by("-residual_value", "-inherent_value", "title", "pk")


def _filtered(queryset, filters: RiskFilters, *, cell: bool = True):
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.project:
        queryset = queryset.filter(project_id=filters.project)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    position = filters.position if filters.position in POSITIONS else RESIDUAL
    if filters.band:
        band = rules.BANDS_BY_KEY[filters.band]
        queryset = queryset.filter(
            **{f"{position}_value__gte": band.lowest, f"{position}_value__lte": band.highest}
        )
    if cell and filters.likelihood:
        queryset = queryset.filter(**{f"{position}_likelihood": filters.likelihood})
    if cell and filters.impact:
        queryset = queryset.filter(**{f"{position}_impact": filters.impact})
    return queryset


def _rows(risk_list, plan_year, user, as_at, *, with_actions: bool = True) -> list[RiskRow]:
    rights = editing_rights(user, plan_year)
    rows = []
    for risk in risk_list:
        is_open = risk.status == choices.RiskStatus.OPEN
        flags = rules.consistency_flags(
            inherent=risk.inherent_value,
            residual=risk.residual_value,
            target=risk.target_score,
            is_open=is_open,
            review_on=risk.review_on,
            as_at=as_at,
        )
        rows.append(
            RiskRow(
                risk=risk,
                inherent=risk.inherent_value,
                residual=risk.residual_value,
                band=rules.band_of(risk.residual_value),
                flags=flags,
                review_overdue=rules.REVIEW_OVERDUE in flags,
                actions=[
                    ActionRow(
                        action=action,
                        is_overdue=is_open
                        and rules.action_is_overdue(
                            is_done=action.is_done, due_on=action.due_on, as_at=as_at
                        ),
                    )
                    for action in (risk.actions.all() if with_actions else ())
                ],
                escalated=rules.is_escalated(
                    tier=risk.tier,
                    residual=risk.residual_value,
                    appetite=plan_year.risk_appetite,
                    is_open=is_open,
                ),
                may_edit=rights.may_edit(
                    tier=risk.tier, owner_id=risk.owner_id, project_id=risk.project_id
                ),
            )
        )
    return rows


@dataclass
class RiskRegister:
    plan_year: PlanYear
    #: The date the overdue reviews and actions are worked out as at.
    as_at: datetime.date
    rows: list[RiskRow]
    total: int
    filters: RiskFilters

    @property
    def reviews_overdue(self) -> int:
        return sum(1 for row in self.rows if row.review_overdue)

    @property
    def actions_overdue(self) -> int:
        return sum(row.overdue_actions for row in self.rows)

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)


def risk_register(
    *, plan_year: PlanYear, filters: RiskFilters, user, as_at: datetime.date
) -> RiskRegister:
    """The plan year's risks that match the filters, highest residual score first, with their
    overdue reviews and actions (and the register's counts of them) as at `as_at`."""
    risk_list = list(_filtered(_risks(plan_year), filters))
    return RiskRegister(
        plan_year=plan_year,
        as_at=as_at,
        rows=_rows(risk_list, plan_year, user, as_at),
        total=Risk.objects.filter(plan_year=plan_year).count(),
        filters=filters,
    )


@dataclass
class StrategicView:
    """What the Leadership Team reviews: the strategic risks, and the project and operational
    risks escalated to it (residual score at or above the year's risk appetite)."""

    plan_year: PlanYear
    strategic: list[RiskRow]
    escalated: list[RiskRow]


def strategic_view(*, plan_year: PlanYear, user, as_at: datetime.date) -> StrategicView:
    """The strategic risks and those escalated, with their overdue reviews as at `as_at`."""
    risk_list = list(
        _risks(plan_year).filter(
            Q(tier=choices.RiskTier.STRATEGIC)
            | Q(
                tier__in=rules.ESCALATED_TIERS,
                status=choices.RiskStatus.OPEN,
                residual_value__gte=plan_year.risk_appetite,
            )
        )
    )
    rows = _rows(risk_list, plan_year, user, as_at)
    return StrategicView(
        plan_year=plan_year,
        strategic=[row for row in rows if row.risk.tier == choices.RiskTier.STRATEGIC],
        escalated=[row for row in rows if row.escalated],
    )


@dataclass
class PositionMap:
    """The grid at one position (inherent or residual)."""

    position: str
    grid: rules.HeatMapGrid

    @property
    def label(self) -> str:
        return POSITIONS[self.position]


@dataclass
class HeatMap:
    plan_year: PlanYear
    maps: list[PositionMap]
    filters: RiskFilters
    total: int = 0
    #: How many of the risks counted were generated for the demo (Risk.is_illustrative).
    illustrative: int = 0


def heat_map(*, plan_year: PlanYear, filters: RiskFilters) -> HeatMap:
    """How many of the plan year's risks (those matching the filters other than a cell) sit in
    each cell of likelihood against impact, at their residual and at their inherent position,
    in one query."""
    scores = list(
        _filtered(
            Risk.objects.filter(plan_year=plan_year).annotate(
                inherent_value=F("inherent_likelihood") * F("inherent_impact"),
                residual_value=F("residual_likelihood") * F("residual_impact"),
            ),
            filters,
            cell=False,
        ).values_list(
            "residual_likelihood",
            "residual_impact",
            "inherent_likelihood",
            "inherent_impact",
            "is_illustrative",
        )
    )
    residual = Counter((row[0], row[1]) for row in scores)
    inherent = Counter((row[2], row[3]) for row in scores)
    return HeatMap(
        plan_year=plan_year,
        maps=[
            PositionMap(RESIDUAL, rules.heat_map_grid(residual)),
            PositionMap(INHERENT, rules.heat_map_grid(inherent)),
        ],
        filters=filters,
        total=len(scores),
        illustrative=sum(row[4] for row in scores),
    )


def risk_detail(*, year: str, pk: int, user, as_at: datetime.date) -> RiskRow:
    """A risk of the plan year as the register shows it, as at `as_at`."""
    plan_year = plan_year_for_pages(year=year)
    risk = get_object_or_404(_risks(plan_year).select_related("plan_year"), pk=pk)
    return _rows([risk], plan_year, user, as_at)[0]


def project_risks(*, project: Project, user, as_at: datetime.date) -> list[RiskRow]:
    """The risks of a project (whose plan year is loaded), highest residual score first, as the
    register shows them but without their actions (the project page lists none): in a fixed
    number of queries however many there are."""
    risk_list = list(_risks(project.plan_year, with_actions=False).filter(project=project))
    if not risk_list:
        return []
    return _rows(risk_list, project.plan_year, user, as_at, with_actions=False)


def risk_history(*, risk: Risk, limit: int = HISTORY_SHOWN) -> History:
    """The latest change of a risk and of each of its mitigating actions, newest first, and
    how many came before them; the full history lists every review, with who made it and
    when."""
    return record_history(Risk, risk.pk, limit=limit)
