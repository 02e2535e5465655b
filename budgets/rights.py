"""Who may change the budgets: one rule, used by the budget pages, the entry screens and the
imports alike.

- **Corporate services** keep the budgets (lines, monthly actuals, forecasts and profiles) and
  import the monthly figures, in an open plan year; **administrators** in any year.
- Rolling a budget forward into a new year creates it as a draft: whoever may add budgets and
  their lines (corporate services, administrators) does it.
- Everyone signed in reads the budgets.
The groups' model permissions say who keeps budgets at all; a closed year narrows that down.

The rule is `BudgetRights`, pure: it is worked out from facts about one person that
`budget_rights` gathers.
"""

from dataclasses import dataclass

from core import permissions

IMPORT_PERMISSIONS = ("budgets.add_monthlyfigure", "budgets.change_monthlyfigure")
ROLL_FORWARD_PERMISSIONS = ("budgets.add_budget", "budgets.add_budgetline")
CHANGE_PERMISSIONS = ("budgets.change_budgetline",)

CLOSED = "{year} is closed: its budget can no longer be changed."
NOT_CORPORATE_SERVICES = "Only corporate services and administrators change the budgets."


@dataclass(frozen=True)
class BudgetRights:
    """What one person may change in the budgets, worked out from facts about them: whether
    they administer and which budget permissions their group gives them; and from the plan year
    asked about (whether it is closed)."""

    is_administrator: bool = False
    keeps_budgets: bool = False
    imports_figures: bool = False
    rolls_forward: bool = False

    def refusal(self, plan_year, *, importing=False) -> str:
        """Why the person may not change (or, `importing`, import into) `plan_year`'s budget,
        or "" if they may."""
        if not (self.imports_figures if importing else self.keeps_budgets):
            return NOT_CORPORATE_SERVICES
        if not self.is_administrator and permissions.is_closed(plan_year):
            return CLOSED.format(year=plan_year.year)
        return ""

    def may_change(self, plan_year) -> bool:
        return not self.refusal(plan_year)

    def may_import(self, plan_year) -> bool:
        return not self.refusal(plan_year, importing=True)

    @property
    def may_roll_forward(self) -> bool:
        return self.rolls_forward


def budget_rights(user) -> BudgetRights:
    """The facts about `user` that BudgetRights needs: their permissions (remembered by Django
    on the user), with no query of its own."""
    if not user.is_authenticated or not user.is_active:
        return BudgetRights()
    return BudgetRights(
        is_administrator=permissions.is_administrator(user),
        keeps_budgets=user.has_perms(CHANGE_PERMISSIONS),
        imports_figures=user.has_perms(IMPORT_PERMISSIONS),
        rolls_forward=user.has_perms(ROLL_FORWARD_PERMISSIONS),
    )
