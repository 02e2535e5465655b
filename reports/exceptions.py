"""What is an exception in a quarter, decided in one place: the report lists them, and the
owners' lists of explanations to write can ask the same rule.

As at the quarter's end, an exception is:
- an indicator at red or amber against its target to date (kpis.calculations);
- a milestone slipped (not done and past its original due date, or marked slipped) or at risk
  (marked at risk and not done), worked out by plans.slippage;
- a budget line beyond the budget's tolerance (budgets.calculations);
- an open risk whose residual score is at or above the plan year's risk appetite
  (risks.rules.is_above_appetite).
None of these is worked out here: each comes from its app's rule. What this module adds is the
choice of which of them the Leadership Team is told about, and a milestone's outcome in words.
"""

from dataclasses import dataclass

from core.numbers import format_money
from kpis.calculations import Rag
from plans.choices import MilestoneStatus
from plans.slippage import MilestonePosition
from reports.report import BUDGET_LINE, INDICATOR, MILESTONE, RISK, ExceptionItem

#: The CorrectiveAction field that names an item of each kind.
ITEM_FIELD = {
    INDICATOR: "indicator",
    MILESTONE: "milestone",
    BUDGET_LINE: "budget_line",
    RISK: "risk",
}


def indicator_is_exception(rag: str) -> bool:
    return rag in (Rag.RED, Rag.AMBER)


# --- A milestone's outcome as at the quarter's end -----------------------------------------------

COMPLETED, SLIPPED, AT_RISK, ON_TRACK, NOT_STARTED, NOT_RECORDED = (
    "completed",
    "slipped",
    "at risk",
    "on track",
    "not started",
    "not recorded",
)
OUTCOME_LABELS = {
    COMPLETED: "Completed",
    SLIPPED: "Slipped",
    AT_RISK: "At risk",
    ON_TRACK: "On track",
    NOT_STARTED: "Not started",
    NOT_RECORDED: "Outcome not recorded",
}
OUTCOME_TAGS = {
    COMPLETED: "govuk-tag--green",
    SLIPPED: "govuk-tag--red",
    AT_RISK: "govuk-tag--yellow",
    ON_TRACK: "govuk-tag--blue",
    NOT_STARTED: "govuk-tag--grey",
    NOT_RECORDED: "govuk-tag--grey",
}


@dataclass(frozen=True)
class Outcome:
    key: str
    days_late: int | None

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.key]

    @property
    def tag(self) -> str:
        return OUTCOME_TAGS[self.key]


def milestone_outcome(*, status: str, position: MilestonePosition) -> Outcome:
    """Where a milestone stands at the quarter's end, from its recorded status and its position
    then (plans.slippage.milestone_position): completed (late or not), slipped, at risk, on
    track, not started, or its outcome not recorded."""
    if position.done:
        return Outcome(COMPLETED, position.days_late)
    if position.outcome_not_recorded:
        return Outcome(NOT_RECORDED, None)
    if status == MilestoneStatus.SLIPPED or position.days_late:
        return Outcome(SLIPPED, position.days_late)
    if status == MilestoneStatus.AT_RISK:
        return Outcome(AT_RISK, 0)
    if status == MilestoneStatus.NOT_STARTED:
        return Outcome(NOT_STARTED, 0)
    return Outcome(ON_TRACK, 0)


def milestone_is_exception(outcome: Outcome) -> bool:
    return outcome.key in (SLIPPED, AT_RISK)


def budget_line_is_exception(beyond_tolerance: str | None) -> bool:
    """A line whose variance to date is beyond the tolerance, over or under."""
    return beyond_tolerance is not None


def risk_is_exception(*, above_appetite: bool) -> bool:
    return above_appetite


# --- The exceptions of a quarter ---------------------------------------------------------------


def find(*, indicators, milestones, budget_lines, budget_url: str, risks, explanations) -> tuple:
    """The quarter's exceptions, in the order the report lists them (indicators, milestones,
    budget lines, risks), each with its owner's explanation from `explanations`, a mapping of
    (kind, item id) to a CorrectiveAction's values, or missing. The items are the report's own
    lines (reports.report), worked out as at the quarter's end; `budget_lines` are the variance
    report's lines (budgets.selectors.VarianceLine)."""
    found = []

    def add(kind, item_id, **fields):
        written = explanations.get((kind, item_id), {})
        found.append(
            ExceptionItem(
                kind=kind,
                item_id=item_id,
                explanation=written.get("explanation", ""),
                action=written.get("action", ""),
                recover_by=written.get("recover_by"),
                **fields,
            )
        )

    for line in indicators:
        if indicator_is_exception(line.rag):
            add(
                INDICATOR,
                line.pk,
                title=f"{line.ref}: {line.title}",
                url=line.url,
                owner=line.owners,
                why=(
                    f"{line.rag_label}: {line.actual_to_date_text or 'nothing'} to date against "
                    f"a target to date of {line.target_to_date_text}"
                ),
            )
    for line in milestones:
        if line.outcome in (SLIPPED, AT_RISK):
            late = f", {line.days_late} days late" if line.days_late else ""
            add(
                MILESTONE,
                line.pk,
                title=f"{line.title} ({line.project})",
                url=line.project_url,
                owner=line.owners,
                why=f"{line.outcome_label}{late}",
            )
    for line in budget_lines:
        beyond = line.variance.beyond_tolerance
        if budget_line_is_exception(beyond):
            if beyond == "over":
                words = "Income below budget" if line.is_income else "Overspent"
            else:
                words = "Income above budget" if line.is_income else "Underspent"
            amount = format_money(abs(line.variance.variance))
            share = line.variance.variance_percent
            add(
                BUDGET_LINE,
                line.line_id,
                title=line.name if not line.project else f"{line.project} ({line.category})",
                url=budget_url,
                owner=line.owners or "Corporate services",
                why=f"{words} by {amount}"
                + (f" ({abs(share)}% of the budget to date)" if share is not None else ""),
            )
    for line in risks:
        if risk_is_exception(above_appetite=line.above_appetite):
            add(
                RISK,
                line.pk,
                title=line.title,
                url=line.url,
                owner=line.owner,
                why=f"Residual score {line.residual} ({line.band.lower()})",
            )
    return tuple(found)
