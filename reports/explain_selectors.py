"""Reads of the explanation page: the item to explain for a quarter, as the page shows it, its
explanation if there is one, and that explanation's history. Each item is read through its own
app's models and selectors; the number of queries is fixed for each kind."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from budgets.models import BudgetLine
from core.history import HISTORY_SHOWN, History, record_history
from kpis import selectors as kpi_selectors
from kpis.models import Indicator
from plans.models import Milestone, PlanYear, Role
from plans.periods import InvalidFinancialYear, Quarter
from reports.explaining import KIND_NAMES, KINDS
from reports.models import CorrectiveAction
from risks.models import Risk
from risks.rules import band_of


@dataclass
class ItemToExplain:
    """An exception's item as the explanation page shows it: what it is, who owns it, where its
    own page is, and what it says (as at the quarter's end where that is cheap to work out, else
    now, and said so)."""

    kind: str
    item: object
    plan_year: PlanYear
    quarter: Quarter
    title: str
    owners: str
    url: str
    #: (label, value) pairs describing its state.
    state: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def field_name(self) -> str:
        return KINDS[self.kind]


def _owner_names(roles) -> str:
    return " and ".join(str(role) for role in roles) or "Not named"


def _indicator(plan_year, quarter, pk) -> ItemToExplain:
    indicator = get_object_or_404(
        Indicator.objects.select_related("plan_year"), plan_year=plan_year, pk=pk
    )
    status = kpi_selectors.indicator_detail(
        year=plan_year.year, ref=indicator.ref, quarter=quarter
    ).status
    state = [(f"Status at the end of quarter {quarter.number}", status.rag.label)]
    if status.actual_to_date is not None:
        state.append(("Actual to date", status.actual_to_date_text))
    if status.target_to_date.known:
        state.append(("Target to date", status.target_to_date_text))
    return ItemToExplain(
        kind="indicator",
        item=indicator,
        plan_year=plan_year,
        quarter=quarter,
        title=f"{indicator.ref}: {indicator.title}",
        owners=status.owner_names,
        url=indicator.get_absolute_url(),
        state=state,
    )


def _milestone(plan_year, quarter, pk) -> ItemToExplain:
    milestone = get_object_or_404(
        Milestone.objects.select_related("project__plan_year").prefetch_related(
            Prefetch("project__owners", queryset=Role.objects.order_by("title"))
        ),
        project__plan_year=plan_year,
        pk=pk,
    )
    project = milestone.project
    state = [
        ("Project", project.title),
        ("Original due date", f"{milestone.due_on:%-d %B %Y}"),
    ]
    if milestone.revised_due_on:
        state.append(("Revised due date", f"{milestone.revised_due_on:%-d %B %Y}"))
    state.append(("Status now", milestone.get_status_display()))
    return ItemToExplain(
        kind="milestone",
        item=milestone,
        plan_year=plan_year,
        quarter=quarter,
        title=milestone.title,
        owners=_owner_names(project.owners.all()),
        url=f"{project.get_absolute_url()}#milestone-{milestone.pk}",
        state=state,
    )


def _budget_line(plan_year, quarter, pk) -> ItemToExplain:
    line = get_object_or_404(
        BudgetLine.objects.select_related(
            "budget__plan_year", "category", "project"
        ).prefetch_related(Prefetch("project__owners", queryset=Role.objects.order_by("title"))),
        budget__plan_year=plan_year,
        pk=pk,
    )
    state = [("Category", line.category.name)]
    if line.project is not None:
        state.append(("Project", line.project.title))
    state.append(("Annual budget", f"£{line.amount:,.0f}"))
    return ItemToExplain(
        kind="budget-line",
        item=line,
        plan_year=plan_year,
        quarter=quarter,
        title=str(line),
        owners=(
            _owner_names(line.project.owners.all())
            if line.project is not None
            else "Corporate services"
        ),
        url=f"{reverse('budgets:variance', args=[plan_year.year])}"
        f"?month={quarter.last_period:%Y-%m}#lines",
        state=state,
    )


def _risk(plan_year, quarter, pk) -> ItemToExplain:
    risk = get_object_or_404(
        Risk.objects.select_related("plan_year", "owner", "project"), plan_year=plan_year, pk=pk
    )
    residual = risk.residual_score
    state = [
        ("Tier", risk.get_tier_display()),
        ("Residual score now", f"{residual} ({band_of(residual).label.lower()})"),
        ("Risk appetite", str(plan_year.risk_appetite)),
    ]
    if risk.project is not None:
        state.insert(1, ("Project", risk.project.title))
    return ItemToExplain(
        kind="risk",
        item=risk,
        plan_year=plan_year,
        quarter=quarter,
        title=risk.title,
        owners=str(risk.owner) if risk.owner else "Not named",
        url=risk.get_absolute_url(),
        state=state,
    )


READERS = {
    "indicator": _indicator,
    "milestone": _milestone,
    "budget-line": _budget_line,
    "risk": _risk,
}


def quarter_of_plan_year(*, year: str, number: int) -> tuple[PlanYear, Quarter]:
    """The plan year written `year` and its quarter `number`; Http404 for either unknown."""
    try:
        quarter = Quarter.parse(year, number)
    except (InvalidFinancialYear, ValueError) as error:
        raise Http404(str(error)) from error
    return get_object_or_404(PlanYear, year=year), quarter


def item_to_explain(*, year: str, number: int, kind: str, pk: int) -> ItemToExplain:
    """The `kind` item `pk` of plan year `year` as the explanation page for quarter `number`
    shows it; Http404 for an unknown year, quarter, kind, or an item of another year."""
    if kind not in READERS:
        raise Http404(f"{kind!r} is not something the quarterly report explains.")
    plan_year, quarter = quarter_of_plan_year(year=year, number=number)
    return READERS[kind](plan_year, quarter, pk)


def corrective_action_of(shown: ItemToExplain) -> CorrectiveAction | None:
    """The explanation of the item for its quarter, with who entered it, or None."""
    return (
        CorrectiveAction.objects.select_related("entered_by")
        .filter(
            plan_year=shown.plan_year,
            quarter=shown.quarter.number,
            **{shown.field_name: shown.item},
        )
        .first()
    )


def corrective_action_history(record, *, limit: int = HISTORY_SHOWN) -> History:
    """The latest change of an explanation, and how many came before it: the full history
    keeps every version."""
    if record is None:
        return History(entries=[])
    return record_history(CorrectiveAction, record.pk, limit=limit)
