"""Who may explain an exception in the quarterly report: enter, for one quarter, why an
indicator, milestone, budget line or risk is off course and what is being done about it.

The rule is the item's own app's rule for changing it, asked of that app's rights module, not a
copy of it:

- **an indicator**: whoever answers for it in kpis.rights, the holders of its owner roles, the
  people who enter its actuals (an indicator counted from recommendations has no actuals to
  enter, but its owners still account for it);
- **a milestone**: whoever may update it (plans.rights), the people who work on its project;
- **a risk**: whoever may review it (risks.rights), the holders of its owner role, the people who
  work on its project and, for a strategic risk, directors;
- **a budget line**: whoever may change its monthly figures (budgets.rights), corporate
  services;
- **administrators** always; **nobody else in a closed plan year**.

Why the same people: the report asks an item's owner for the explanation, and the owner is
whoever the application already trusts to change the item; a second rule would drift from the
first, and a person shown a figure they may change but not explain (or the other way round)
would be stuck. It also lets the item's own page show the link to the explanation where it
already knows the person may change the item, without those apps importing this one.

A budget line's project owners are not added: budgets.rights knows people by their permissions
alone (corporate services keep every line), with no facts about projects, so adding them would
mean copying plans' ownership rule into it.

`ExplainingRights` is pure: worked out from the facts `explaining_rights` gathers about one person
in a fixed number of queries (whatever the plan year or the number of items), and from the item
asked about, loaded with its plan year.
"""

from dataclasses import dataclass, field

from budgets.models import BudgetLine
from budgets.rights import BudgetRights, budget_rights
from core import permissions
from kpis.models import Indicator
from kpis.rights import IndicatorRights, indicator_rights
from plans import periods
from plans.models import Milestone
from plans.periods import Quarter
from plans.rights import PlanRights, plan_rights
from risks import rights as risk_rights
from risks.models import Risk
from risks.rules import EditingRights

#: The kinds of item as the page's address names them, and the field each fills in.
KINDS = {
    "indicator": "indicator",
    "milestone": "milestone",
    "budget-line": "budget_line",
    "risk": "risk",
}
#: The model of each kind.
MODELS = {"indicator": Indicator, "milestone": Milestone, "budget-line": BudgetLine, "risk": Risk}
#: How each kind is named in a sentence.
KIND_NAMES = {
    "indicator": "indicator",
    "milestone": "milestone",
    "budget-line": "budget line",
    "risk": "risk",
}

CLOSED = "{year} is closed: its explanations can no longer be changed."
NOT_AN_INDICATOR_OWNER = (
    "Only the holders of this indicator's owner roles, and administrators, explain it."
)
NOT_A_BUDGET_KEEPER = (
    "Only corporate services, who keep the budget's monthly figures, and administrators explain "
    "a budget line's variance."
)


def kind_of(item) -> str:
    """The kind of `item` as the page's address names it."""
    return next(kind for kind, model in MODELS.items() if isinstance(item, model))


def plan_year_of_item(item):
    """The plan year `item` belongs to (loaded with it, through its project or budget)."""
    if isinstance(item, Milestone):
        return item.project.plan_year
    if isinstance(item, BudgetLine):
        return item.budget.plan_year
    return item.plan_year


@dataclass(frozen=True)
class ExplainingRights:
    """Who may explain which items, worked out from facts about one person: whether they
    administer, and what each item's app lets them change (its rights, gathered by that app)."""

    is_administrator: bool = False
    indicators: IndicatorRights = field(default_factory=IndicatorRights)
    plans: PlanRights = field(default_factory=PlanRights)
    budgets: BudgetRights = field(default_factory=BudgetRights)
    #: The risk register's rights in every open plan year (a closed year is refused first).
    risks: EditingRights = field(default_factory=EditingRights)

    def refusal(self, item) -> str:
        """Why the person may not explain `item` (an indicator, milestone, budget line or
        risk, with its plan year loaded), or "" if they may."""
        if self.is_administrator:
            return ""
        plan_year = plan_year_of_item(item)
        if permissions.is_closed(plan_year):
            return CLOSED.format(year=plan_year.year)
        if isinstance(item, Indicator):
            return "" if self.indicators.answers_for(item) else NOT_AN_INDICATOR_OWNER
        if isinstance(item, Milestone):
            return self.plans.milestones(item.project).refusal
        if isinstance(item, BudgetLine):
            return "" if self.budgets.may_import(plan_year) else NOT_A_BUDGET_KEEPER
        if isinstance(item, Risk):
            if self.risks.may_edit(
                tier=item.tier, owner_id=item.owner_id, project_id=item.project_id
            ):
                return ""
            return risk_rights.why_not(plan_year, verb="explain")
        raise TypeError(f"{item!r} is not an item the quarterly report explains.")

    def may_explain(self, item) -> bool:
        return not self.refusal(item)


def explaining_rights(user) -> ExplainingRights:
    """The facts ExplainingRights needs about `user`, each gathered by its own app's rights
    module: about ten queries, whatever the number of items."""
    if not user.is_authenticated or not user.is_active:
        return ExplainingRights()
    if permissions.is_administrator(user):
        return ExplainingRights(is_administrator=True)
    return ExplainingRights(
        indicators=indicator_rights(user),
        plans=plan_rights(user),
        budgets=budget_rights(user),
        risks=risk_rights.editing_rights_in_open_years(user),
    )


def explaining_rights_for(request) -> ExplainingRights:
    """The signed-in person's ExplainingRights, worked out once per request: an entry screen
    asks for every row and every choice."""
    return permissions.once_per_request(
        request, "explaining_rights", lambda: explaining_rights(request.user)
    )


def quarter_to_explain(start: int, today) -> Quarter:
    """The quarter an item's page links to for its explanation: in the plan year starting in
    April of `start`, the quarter containing `today`; once the year has ended, its quarter 4;
    before it has begun, its quarter 1."""
    first, last = periods.financial_year_bounds(start)
    if today > last:
        return Quarter(start, 4)
    if today < first:
        return Quarter(start, 1)
    return Quarter.of(today)
