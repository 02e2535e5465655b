"""The quarterly Leadership Team performance report, read from the other apps' selectors and
rules as at the quarter's end, and built once into one plain data object (reports.report).

No RAG, variance or slippage is worked out here: indicators come from the dashboard's selector
(kpis.selectors.dashboard), each milestone's position from plans.slippage, the budget from the
variance report (budgets.selectors.variance_report), the risks from the register's selectors, and
recommendations as they stood from their audit history (kpis.selectors.recommendations_by_status).
Each kind of row is fetched once, so the query count does not grow with the plan.
"""

import datetime
import json
from collections import Counter, defaultdict
from typing import NamedTuple
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from budgets import selectors as budget_selectors
from budgets.models import Budget
from kpis import calculations
from kpis import selectors as kpi_selectors
from kpis.choices import IndicatorTier, Source
from kpis.models import Indicator, Measurement
from plans import periods, slippage
from plans import selectors as plan_selectors
from plans.choices import MilestoneStatus, RecommendationStatus
from plans.models import (
    Milestone,
    PlanYear,
    Project,
    QuarterSignOff,
    Recommendation,
    Role,
    StrategicAim,
)
from plans.models import StrategicObjective as Objective
from plans.periods import Quarter
from reports import caching, deadlines, exceptions, report
from reports import drift as drift_rules
from reports.models import CorrectiveAction, QuarterDeadline, SignedOffReport
from risks import rules
from risks import selectors as risk_selectors
from risks.choices import RiskStatus

NO_OBJECTIVE = "Not linked to a strategic objective"


def report_quarter(*, year: str, number) -> tuple[PlanYear, Quarter]:
    """The plan year and quarter of `/reports/<year>/q<number>/`; 404 for a year with no plan
    or a quarter that is not 1 to 4."""
    plan_year = get_object_or_404(PlanYear.objects.fetch_mode(models.FETCH_RAISE), year=year)
    try:
        return plan_year, Quarter.parse(year, number)
    except ValueError as error:
        raise Http404(str(error)) from error


def default_quarter(*, plan_year: PlanYear, today: datetime.date) -> Quarter:
    """The quarter a link to a plan year's report opens on: the latest quarter ended by
    `today`, else quarter 1."""
    ended = [Quarter(plan_year.start, n) for n in (1, 2, 3, 4)]
    ended = [quarter for quarter in ended if quarter.last_day < today]
    return ended[-1] if ended else Quarter(plan_year.start, 1)


def quarter_deadline(*, plan_year: PlanYear, quarter: Quarter | int) -> datetime.date:
    """The date by which `quarter` (a Quarter, or its number) of `plan_year` is due: the one an
    administrator set, else the default, 15 working days after the quarter ends. One query."""
    number = quarter.number if isinstance(quarter, Quarter) else int(quarter)
    set_on = (
        QuarterDeadline.objects.filter(plan_year=plan_year, quarter=number)
        .values_list("due_on", flat=True)
        .first()
    )
    return set_on or deadlines.default_deadline(Quarter(plan_year.start, number).last_day)


def quarter_deadlines(*, plan_years) -> dict[tuple[int, int], datetime.date]:
    """The deadlines set by administrators for `plan_years`, by (plan year id, quarter number),
    in one query; a quarter missing from it has the default deadline (quarter_deadline)."""
    return {
        (plan_year_id, number): due_on
        for plan_year_id, number, due_on in QuarterDeadline.objects.filter(
            plan_year__in=plan_years
        ).values_list("plan_year_id", "quarter", "due_on")
    }


def quarterly_report(*, plan_year: PlanYear, quarter: Quarter) -> report.QuarterlyReport:
    """The report of `plan_year` at the end of `quarter` (one of its quarters), in a fixed
    number of queries however many indicators, projects, milestones, lines and risks."""
    if quarter.start != plan_year.start:
        raise ValueError(f"{quarter.label} is not a quarter of {plan_year.year}.")
    as_at = quarter.last_day
    explanations = _explanations(plan_year, quarter)
    indicator_lines, objective_order = _indicator_lines(plan_year, quarter)
    projects = plan_year_projects(plan_year)
    milestone_rows = _milestone_rows(projects, plan_year, as_at)
    budget = _budget(plan_year, quarter)
    risk_section, risk_lines = _risks(plan_year, as_at)

    found = _exceptions(
        plan_year, quarter, indicator_lines, milestone_rows, budget, risk_lines, explanations
    )
    due = [(line, objectives) for line, objectives in milestone_rows if _due_in(line, quarter)]
    following = _next_quarter(quarter)
    due_next = (
        [(line, objectives) for line, objectives in milestone_rows if _due_in(line, following)]
        if following
        else []
    )
    recommendations = _recommendations(plan_year, projects, as_at)
    summary = report.Summary(
        indicators=len(indicator_lines),
        rag_counts=_rag_counts(indicator_lines),
        by_objective=tuple(
            report.ObjectiveRag(
                objective,
                _rag_counts(lines),
                len(lines),
                url=objective_order.get(objective, (0, ""))[1],
            )
            for objective, lines in _by_objective(indicator_lines, objective_order)
        ),
        milestones=_milestone_counts([line for line, _ in due]),
        risks_above_appetite=sum(line.above_appetite for line in risk_lines),
        risks_escalated=len(risk_section.escalated),
        recommendations=recommendations,
    )
    return report.QuarterlyReport(
        year=plan_year.year,
        plan_title=plan_year.title,
        quarter=quarter.number,
        first_day=quarter.first_day,
        as_at=as_at,
        dashboard_url=_dashboard_url(plan_year, quarter),
        milestone_tracker_url=_milestone_tracker_url(plan_year),
        recommendations_url=reverse("plans:recommendations", args=[plan_year.year]),
        summary=summary,
        indicator_tiers=_tiers(indicator_lines, objective_order),
        indicators_illustrative=Measurement.objects.filter(
            indicator__plan_year=plan_year, is_illustrative=True, period__lte=quarter.last_period
        ).exists(),
        exceptions=found,
        milestones_due=_milestone_groups(due),
        milestones_next=_milestone_groups(due_next),
        next_quarter=following.label if following else "",
        milestones_illustrative=any(line.is_illustrative for line, _ in milestone_rows),
        budget=budget.position if budget else None,
        risks=risk_section,
        recommendations_illustrative=Recommendation.objects.filter(
            project__plan_year=plan_year, is_illustrative=True
        ).exists(),
    )


def quarter_exceptions(
    *, plan_year: PlanYear, quarter: Quarter, register=None, projects=None
) -> tuple:
    """The exceptions of `plan_year` at the end of `quarter` (reports.exceptions decides which),
    each with its owner's explanation or missing, as the report lists them: for the lists of
    explanations owners are to write. `register` (the risk register as at the quarter's end,
    quarter_risk_register) and `projects` (plan_year_projects) are passed where the caller has
    read them already. A fixed number of queries, as the report's."""
    if quarter.start != plan_year.start:
        raise ValueError(f"{quarter.label} is not a quarter of {plan_year.year}.")
    as_at = quarter.last_day
    indicator_lines, _ = _indicator_lines(plan_year, quarter)
    if register is None:
        register = quarter_risk_register(plan_year=plan_year, as_at=as_at)
    risk_lines = _risk_lines(register, plan_year)
    return _exceptions(
        plan_year,
        quarter,
        indicator_lines,
        _milestone_rows(
            plan_year_projects(plan_year) if projects is None else projects, plan_year, as_at
        ),
        _budget(plan_year, quarter),
        risk_lines,
        _explanations(plan_year, quarter),
    )


def _exceptions(plan_year, quarter, indicator_lines, milestone_rows, budget, risk_lines, found):
    return exceptions.find(
        indicators=indicator_lines,
        milestones=[line for line, _ in milestone_rows],
        budget_lines=budget.lines if budget else [],
        budget_url=_budget_url(plan_year, quarter),
        risks=risk_lines,
        explanations=found,
    )


def _explanations(plan_year, quarter) -> dict:
    """The owners' explanations of the quarter, by (kind, item id): one query."""
    found = {}
    fields = exceptions.ITEM_FIELD
    for values in CorrectiveAction.objects.filter(
        plan_year=plan_year, quarter=quarter.number
    ).values(*(f"{field}_id" for field in fields.values()), "explanation", "action", "recover_by"):
        for kind, field in fields.items():
            if values[f"{field}_id"] is not None:
                found[(kind, values[f"{field}_id"])] = values
    return found


# --- Indicators ---------------------------------------------------------------------------------


def _dashboard_url(plan_year, quarter) -> str:
    return f"{reverse('kpis:dashboard', args=[plan_year.year])}?quarter={quarter.number}"


class _IndicatorUrls(dict):
    """Indicator pages' addresses at a quarter, each year's dashboard address worked out once
    for a report, not once per indicator (a report's hundreds of reverse() calls took a tenth
    of its time)."""

    def __missing__(self, year: str) -> str:
        self[year] = reverse("kpis:dashboard", args=[year])
        return self[year]

    def of(self, year: str, ref: str, quarter_number: int) -> str:
        return f"{self[year]}{quote(ref)}/?quarter={quarter_number}"


def _quarter_actual(status, quarter: Quarter):
    """The quarter's own figure of an indicator (its subtotal, kpis.calculations), or None
    when the quarter is not of the indicator's year or has no actual."""
    if not status.periods or Quarter.of(status.periods[0]).start != quarter.start:
        return None
    return calculations.quarter_actual(
        status.indicator.aggregation, status.actuals.values(), quarter=quarter
    )


def _indicator_lines(plan_year, quarter) -> tuple[list[report.IndicatorLine], dict]:
    """Every indicator of the year as the dashboard shows it at the quarter's end, with its
    direction of travel against the quarter before and against the same quarter of the
    indicator it continues; and the order of their strategic objectives, by label."""
    dashboard = kpi_selectors.dashboard(year=plan_year.year, quarter=quarter)
    continues = {
        pk: (earlier, year)
        for pk, earlier, year in Indicator.objects.filter(
            plan_year=plan_year, continues_from__isnull=False
        ).values_list("pk", "continues_from_id", "continues_from__plan_year__year")
    }
    # The earlier indicators, one dashboard per earlier plan year (usually one), whatever the
    # number of indicators.
    earlier = {}
    for year in sorted({year for _, year in continues.values()}):
        start = periods.parse_financial_year(year)
        for status in kpi_selectors.dashboard(
            year=year, quarter=Quarter(start, quarter.number)
        ).rows:
            earlier[status.indicator.pk] = status
    lines = []
    urls = _IndicatorUrls()
    for status in dashboard.rows:
        indicator = status.indicator
        figure = _quarter_actual(status, quarter)
        last_year = None
        earlier_pk, _ = continues.get(indicator.pk, (None, None))
        before = earlier.get(earlier_pk)
        if before is not None:
            earlier_indicator = before.indicator
            last_year = _travel(
                f"Quarter {quarter.number} {before.quarter.year} ({earlier_indicator.ref})",
                figure,
                _quarter_actual(before, before.quarter),
                indicator,
                earlier_indicator,
                urls.of(before.quarter.year, earlier_indicator.ref, quarter.number),
            )
        if quarter.number > 1:
            previous = _travel(
                f"Quarter {quarter.number - 1}",
                figure,
                _quarter_actual(status, quarter.previous),
                indicator,
                indicator,
                urls.of(plan_year.year, indicator.ref, quarter.number - 1),
            )
        elif before is not None:
            # Quarter 1's quarter before is the last of the year before: the earlier indicator's.
            q4 = Quarter(before.quarter.start, 4)
            previous = _travel(
                f"Quarter 4 {q4.year} ({before.indicator.ref})",
                figure,
                _quarter_actual(before, q4),
                indicator,
                before.indicator,
                urls.of(q4.year, before.indicator.ref, 4),
            )
        else:
            previous = report.Travel("Quarter 4 of the year before", None, "", report.NOT_KNOWN)
        objective = indicator.strategic_objective
        lines.append(
            report.IndicatorLine(
                pk=indicator.pk,
                ref=indicator.ref,
                title=indicator.title,
                tier=indicator.tier,
                objective=f"{objective.ref}: {objective.title}" if objective else "",
                owners=status.owner_names,
                url=status.url,
                annual_target_text=status.annual_target_text,
                target_to_date=status.target_to_date.value,
                target_to_date_text=status.target_to_date_text,
                no_target_reason=status.target_to_date.reason,
                actual_to_date=status.actual_to_date,
                actual_to_date_text=status.actual_to_date_text,
                counted_from_recommendations=indicator.source == Source.RECOMMENDATIONS,
                rag=str(status.rag),
                rag_label=status.rag.label,
                rag_tag=status.rag_tag,
                quarter_actual=figure,
                quarter_actual_text=kpi_selectors.figure_text(figure, indicator),
                previous=previous,
                last_year=last_year,
                trend_svg=str(status.trend()),
                commentary=status.commentary,
                commentary_period=status.commentary_period,
                trend_text=_trend_text(status),
                is_illustrative=status.is_illustrative,
            )
        )
    # Each objective's place in the plan and its indicators on the dashboard.
    dashboard_url = _dashboard_url(plan_year, quarter)
    order = {
        f"{o.ref}: {o.title}": (index, f"{dashboard_url}&group=objective-{o.pk}")
        for index, o in enumerate(dashboard.objectives)
    }
    return lines, order


def _trend_text(status) -> str:
    """What the trend chart shows, in words: each period's actual to the quarter's end against
    its profile, then the year to date ("K2 by month to September 2010: Apr 2010 100 (target
    100), ...; actual to date 520 against a target to date of 600, red")."""
    indicator = status.indicator
    shown = [
        (period, figure)
        for period, figure in zip(status.periods, status.figures(), strict=True)
        if period <= status.up_to
    ]
    periods = "; ".join(
        f"{period:%b %Y} {kpi_selectors.figure_text(figure, indicator) or 'not entered'}"
        + (
            f" (target {kpi_selectors.figure_text(target, indicator)})"
            if (target := status.profile.get(period)) is not None
            else ""
        )
        for period, figure in shown
    )
    to_date = (
        f"actual to date {status.actual_to_date_text or 'not entered'} against a target to "
        f"date of {status.target_to_date_text or 'none'}: {status.rag.label.lower()}"
    )
    if not shown:
        return f"{indicator.ref}: no period has begun by the quarter's end; {to_date}"
    return f"{indicator.ref} by period to {status.up_to:%B %Y}: {periods}; {to_date}"


def _travel(against, figure, earlier_figure, indicator, earlier_indicator, url) -> report.Travel:
    return report.Travel(
        against=against,
        earlier=earlier_figure,
        earlier_text=kpi_selectors.figure_text(earlier_figure, earlier_indicator),
        direction=report.direction_of_travel(figure, earlier_figure, direction=indicator.direction),
        url=url,
    )


def _rag_counts(lines) -> tuple[report.RagCount, ...]:
    counts = Counter(line.rag for line in lines)
    return tuple(
        report.RagCount(str(rag), rag.label, kpi_selectors.RAG_TAGS[rag], counts[str(rag)])
        for rag in calculations.RAG_ORDER
    )


def _by_objective(lines, order: dict) -> list[tuple[str, list]]:
    """The lines grouped by strategic objective, in the objectives' order, those linked to none
    last."""
    groups = defaultdict(list)
    for line in lines:
        groups[line.objective].append(line)
    ordered = sorted(groups, key=lambda label: order.get(label, (len(order), ""))[0])
    return [(objective or NO_OBJECTIVE, groups[objective]) for objective in ordered]


def _tiers(lines, order: dict) -> tuple[report.IndicatorTier, ...]:
    tiers = []
    for tier, label in IndicatorTier.choices:
        in_tier = [line for line in lines if line.tier == tier]
        if in_tier:
            tiers.append(
                report.IndicatorTier(
                    tier=tier,
                    label=label,
                    groups=tuple(
                        report.IndicatorGroup(objective, tuple(group))
                        for objective, group in _by_objective(in_tier, order)
                    ),
                )
            )
    return tuple(tiers)


# --- Milestones ---------------------------------------------------------------------------------


def plan_year_projects(plan_year) -> list[Project]:
    """The plan year's projects with their owners, objectives (directly and through their aims)
    and milestones: five queries."""
    return list(
        Project.objects.fetch_mode(models.FETCH_RAISE)
        .filter(plan_year=plan_year)
        .prefetch_related(
            Prefetch("owners", queryset=Role.objects.fetch_mode(models.FETCH_RAISE)),
            Prefetch(
                "strategic_objectives", queryset=Objective.objects.fetch_mode(models.FETCH_RAISE)
            ),
            Prefetch(
                "aims",
                queryset=StrategicAim.objects.fetch_mode(models.FETCH_RAISE).select_related(
                    "objective"
                ),
            ),
            Prefetch("milestones", queryset=Milestone.objects.fetch_mode(models.FETCH_RAISE)),
        )
    )


def _milestone_rows(projects, plan_year, as_at) -> list[tuple[report.MilestoneLine, list]]:
    """Each milestone of the year as at `as_at`, with the strategic objectives of its project
    (as (position, ref, label) to sort by)."""
    _, year_ends_on = periods.financial_year_bounds(plan_year.start)
    prefix = reverse("plans:project", kwargs={"year": plan_year.year, "pk": 0})[: -len("0/")]
    statuses = dict(MilestoneStatus.choices)
    # Each milestone's update as it stood at the quarter's end, not as it is now.
    recorded_then = plan_selectors.milestones_as_recorded(plan_year=plan_year, as_at=as_at)
    rows = []
    for project in projects:
        owners = " and ".join(role.title for role in project.owners.all()) or "Not named"
        objectives = {o.pk: o for o in project.strategic_objectives.all()}
        objectives.update((aim.objective.pk, aim.objective) for aim in project.aims.all())
        keys = sorted(
            (o.position, o.ref, f"{o.ref}: {o.title}")
            for o in objectives.values()
            if o.plan_year_id == plan_year.pk
        )
        for milestone in project.milestones.all():
            then = recorded_then.get(milestone.pk) or milestone
            position = slippage.milestone_position(
                due_on=milestone.due_on,
                revised_due_on=then.revised_due_on,
                status=then.status,
                completed_on=then.completed_on,
                year_ends_on=year_ends_on,
                as_at=as_at,
            )
            outcome = exceptions.milestone_outcome(status=then.status, position=position)
            line = report.MilestoneLine(
                pk=milestone.pk,
                title=milestone.title,
                project=project.title,
                project_url=f"{prefix}{project.pk}/",
                owners=owners,
                due_on=milestone.due_on,
                revised_due_on=then.revised_due_on,
                completed_on=then.completed_on if position.done else None,
                status=statuses.get(then.status, then.status),
                outcome=outcome.key,
                outcome_label=outcome.label,
                outcome_tag=outcome.tag,
                days_late=outcome.days_late,
                commentary=then.commentary,
                is_illustrative=milestone.is_illustrative,
            )
            rows.append((line, keys))
    return rows


def _due_in(line: report.MilestoneLine, quarter: Quarter) -> bool:
    """Due in the quarter, by the milestone tracker's rule (plans.slippage.is_due_in)."""
    return slippage.is_due_in(quarter, due_on=line.due_on, revised_due_on=line.revised_due_on)


def _next_quarter(quarter: Quarter) -> Quarter | None:
    """The following quarter of the same plan year; none after quarter 4."""
    return Quarter(quarter.start, quarter.number + 1) if quarter.number < 4 else None


def _milestone_counts(lines) -> report.MilestoneCounts:
    outcomes = Counter(line.outcome for line in lines)
    return report.MilestoneCounts(
        due=len(lines),
        completed=outcomes[exceptions.COMPLETED],
        slipped=outcomes[exceptions.SLIPPED],
        at_risk=outcomes[exceptions.AT_RISK],
    )


def _milestone_groups(rows) -> tuple[report.MilestoneGroup, ...]:
    """The milestones under each strategic objective of their project (a milestone of a project
    under two objectives is listed under both), objectives in order, those under none last."""
    groups = defaultdict(list)
    for line, keys in rows:
        for key in keys or [(None, None, NO_OBJECTIVE)]:
            groups[key].append(line)
    ordered = sorted(groups, key=lambda key: (key[0] is None, key[0] or 0, key[1] or ""))
    return tuple(
        report.MilestoneGroup(
            key[2], tuple(sorted(groups[key], key=lambda m: (m.due_on, m.project, m.title)))
        )
        for key in ordered
    )


# --- Budget -----------------------------------------------------------------------------------


def _budget_url(plan_year, quarter) -> str:
    return f"{reverse('budgets:variance', args=[plan_year.year])}?month={quarter.last_period:%Y-%m}"


class _Budget(NamedTuple):
    """The budget section of the report, and the variance report's lines (for the exceptions)."""

    position: report.BudgetPosition
    lines: list


def _budget_row(name, kind, is_income, variance) -> report.BudgetRow:
    return report.BudgetRow(
        name=name,
        kind=kind,
        is_income=is_income,
        annual_budget=variance.annual_budget,
        budget_to_date=variance.budget_to_date,
        actual_to_date=variance.actual_to_date,
        variance=variance.variance,
        variance_percent=variance.variance_percent,
        forecast_outturn=variance.forecast_outturn,
        full_year_variance=variance.full_year_variance,
        full_year_variance_percent=variance.full_year_variance_percent,
        beyond_tolerance=variance.beyond_tolerance,
    )


def _budget(plan_year, quarter) -> _Budget | None:
    """The budget as at the quarter's last month (the variance page's figures), or None when
    the year has no budget."""
    try:
        variance = budget_selectors.variance_report(plan_year=plan_year, as_at=quarter.last_day)
    except Budget.DoesNotExist:
        return None
    split = variance.split
    position = report.BudgetPosition(
        url=_budget_url(plan_year, quarter),
        unit=variance.unit,
        unit_label=variance.unit_label,
        month=variance.month,
        moved_from_asked=variance.moved_from_asked,
        tolerance_percent=variance.tolerance_percent,
        categories=tuple(
            _budget_row(c.name, c.kind_label, c.is_income, c.variance) for c in variance.categories
        ),
        total=_budget_row("Total budget", "", False, variance.total),
        split=report.ProgrammeSplit(
            programme_budget=split.programme_budget,
            admin_budget=split.admin_budget,
            not_itemised=split.not_itemised,
            programme_spend=split.programme_spend,
            admin_spend=split.admin_spend,
            programme_share_of_budget=split.programme_share_of_budget,
            admin_share_of_budget=split.admin_share_of_budget,
            programme_share_of_spend=split.programme_share_of_spend,
            admin_share_of_spend=split.admin_share_of_spend,
            total_budget=split.total_budget,
            total_spend=split.total_spend,
        ),
        is_illustrative=variance.has_illustrative_figures,
        all_illustrative=variance.all_figures_illustrative,
    )
    return _Budget(position, variance.lines)


# --- Risks --------------------------------------------------------------------------------------


def _risk_line(row, plan_year, register_url) -> report.RiskLine:
    risk = row.risk
    return report.RiskLine(
        pk=risk.pk,
        title=risk.title,
        tier=risk.get_tier_display(),
        project=risk.project.title if risk.project else "",
        owner=risk.owner.title if risk.owner else "Not named",
        url=f"{register_url}{risk.pk}/",
        inherent=row.inherent,
        residual=row.residual,
        band=row.band.label,
        band_tag=f"govuk-tag--{row.band.tag}",
        target=risk.target_score,
        review_on=risk.review_on,
        review_overdue=row.review_overdue,
        escalated=row.escalated,
        above_appetite=rules.is_above_appetite(
            residual=row.residual,
            appetite=plan_year.risk_appetite,
            is_open=risk.status == RiskStatus.OPEN,
        ),
        is_illustrative=risk.is_illustrative,
    )


def quarter_risk_register(*, plan_year: PlanYear, as_at: datetime.date):
    """The whole register as at `as_at`, read as anyone reads it (no one's rights to edit)."""
    return risk_selectors.risk_register(
        plan_year=plan_year,
        filters=risk_selectors.RiskFilters(),
        user=AnonymousUser(),
        as_at=as_at,
    )


def _risk_lines(register, plan_year) -> list[report.RiskLine]:
    register_url = reverse("risks:register", args=[plan_year.year])
    return [_risk_line(row, plan_year, register_url) for row in register.rows]


def _risks(plan_year, as_at) -> tuple[report.RiskSection, list[report.RiskLine]]:
    """The heat map, the strategic and escalated risks, and every risk of the register (for
    those above the appetite), as at `as_at`; read as anyone reads them (no one's rights to
    edit)."""
    nobody = AnonymousUser()
    register_url = reverse("risks:register", args=[plan_year.year])
    filters = risk_selectors.RiskFilters()
    lines = _risk_lines(quarter_risk_register(plan_year=plan_year, as_at=as_at), plan_year)
    by_pk = {line.pk: line for line in lines}
    view = risk_selectors.strategic_view(plan_year=plan_year, user=nobody, as_at=as_at)
    heat_map = risk_selectors.heat_map(plan_year=plan_year, filters=filters)
    residual = next(m for m in heat_map.maps if m.position == risk_selectors.RESIDUAL)
    section = report.RiskSection(
        appetite=plan_year.risk_appetite,
        register_url=register_url,
        heat_map_url=reverse("risks:heat-map", args=[plan_year.year]),
        strategic_url=reverse("risks:strategic", args=[plan_year.year]),
        heat_map=residual.grid,
        strategic=tuple(by_pk[row.risk.pk] for row in view.strategic),
        escalated=tuple(by_pk[row.risk.pk] for row in view.escalated),
        is_illustrative=any(line.is_illustrative for line in lines),
    )
    return section, lines


# --- Recommendations and links ---------------------------------------------------------------


def _recommendations(plan_year, projects, as_at) -> tuple[report.RecommendationCount, ...]:
    """The year's recommendations by status as they stood at `as_at` (their audit history)."""
    found = kpi_selectors.recommendations_by_status(
        projects=[project.pk for project in projects],
        statuses=RecommendationStatus.values,
        as_at=as_at,
    )
    url = reverse("plans:recommendations", args=[plan_year.year])
    return tuple(
        report.RecommendationCount(
            status=status,
            label=label,
            count=sum(counts.get(status, 0) for counts in found.values()),
            url=f"{url}?status={quote(status)}#list",
        )
        for status, label in RecommendationStatus.choices
    )


def _milestone_tracker_url(plan_year) -> str:
    """The plan-wide milestone tracker, where there is one."""
    try:
        return reverse("plans:milestones", args=[plan_year.year])
    except NoReverseMatch:
        return ""


def sign_offs(*, plan_year: PlanYear, quarter: Quarter) -> list:
    """The quarter's sign-offs, latest first, with who signed off and who reopened them."""
    return list(
        QuarterSignOff.objects.filter(plan_year=plan_year, quarter=quarter.number)
        .select_related("plan_year", "signed_off_by", "reopened_by")
        .order_by("-signed_off_at", "-pk")
    )


def standing_sign_off(*, plan_year: PlanYear, quarter: Quarter):
    """The quarter's sign-off that stands (not reopened), or None."""
    return next(
        (found for found in sign_offs(plan_year=plan_year, quarter=quarter) if found.is_standing),
        None,
    )


def signed_off_data(sign_off) -> dict:
    """The report's figures as stored with the sign-off (QuarterlyReport.as_dict(), as JSON)."""
    return SignedOffReport.objects.only("data").get(sign_off=sign_off).data


def signed_off_report(sign_off) -> report.QuarterlyReport:
    """The report as it was signed off, from the figures stored with the sign-off."""
    return report.QuarterlyReport.from_dict(signed_off_data(sign_off))


def json_ready(data: dict) -> dict:
    """A report's data (QuarterlyReport.as_dict()) as JSON gives it back: as it is stored with a
    sign-off, so that the two compare figure by figure."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def kept_quarterly_report(
    *, plan_year: PlanYear, quarter: Quarter, fingerprint: str
) -> report.QuarterlyReport:
    """The report built from the records now, kept until the records change (`fingerprint` is
    reports.caching.fingerprint(), read before). The page's sections, the PDF, the workbook and
    the drift since a sign-off are each made from it, so that a change costs one build of the
    report, not one per document: building reads every record of the year, unpickling the
    built report a fiftieth of that."""
    return caching.kept(
        plan_year.year,
        quarter.number,
        "report",
        fingerprint,
        build=lambda: quarterly_report(plan_year=plan_year, quarter=quarter),
    )


def live_report_data(*, plan_year: PlanYear, quarter: Quarter, fingerprint: str) -> dict:
    """The report built from the records now, as JSON-ready data, kept until the records change
    (`fingerprint` is reports.caching.fingerprint(), read before)."""
    return caching.kept(
        plan_year.year,
        quarter.number,
        "data",
        fingerprint,
        build=lambda: json_ready(
            kept_quarterly_report(
                plan_year=plan_year, quarter=quarter, fingerprint=fingerprint
            ).as_dict()
        ),
    )


def drift(*, plan_year: PlanYear, quarter: Quarter, sign_off, stored: dict, fingerprint: str):
    """How the records have moved since `sign_off`: the report's figures that differ from the
    stored ones (`stored`) and, if any do, the changes to the plan year's records since."""
    now = live_report_data(plan_year=plan_year, quarter=quarter, fingerprint=fingerprint)
    figures = drift_rules.figure_changes(stored, now)
    records = (
        drift_rules.record_changes(plan_year=plan_year, since=sign_off.signed_off_at)
        if figures
        else []
    )
    return figures, records
