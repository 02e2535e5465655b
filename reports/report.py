"""The quarterly Leadership Team performance report as one plain data object.

`reports.selectors.quarterly_report` builds it once from the other apps' selectors; the page
(reports.pdf) and, to come, the workbook render this same object, so their figures cannot drift
apart. Everything in it is a frozen dataclass of str, int, bool, Decimal, date, None and tuples
of them: no model instance, no query left to run. `QuarterlyReport.as_dict()` gives it as plain
data that `json.dumps` takes with DjangoJSONEncoder (a signed-off report is stored so).

Money is held in pounds, as the budget holds it; the page shows it in the budget's presentation
unit. An indicator's figures are held as numbers and as the text the dashboard shows.
"""

import dataclasses
import datetime
import types
import typing
from dataclasses import dataclass
from decimal import Decimal

from risks.rules import HeatMapGrid

# --- Direction of travel --------------------------------------------------------------------------

BETTER, WORSE, SAME, NOT_KNOWN = "better", "worse", "same", "not known"
TRAVEL_LABELS = {
    BETTER: "Better",
    WORSE: "Worse",
    SAME: "No change",
    NOT_KNOWN: "Not known",
}


def direction_of_travel(current: Decimal | None, earlier: Decimal | None, *, direction: str) -> str:
    """Whether a quarter's own figure moved the right way against an earlier quarter's: better,
    worse, the same, or not known when either is missing. `direction` is the indicator's
    ("higher" or "lower" is better)."""
    if current is None or earlier is None:
        return NOT_KNOWN
    if current == earlier:
        return SAME
    went_up = current > earlier
    return BETTER if went_up == (direction != "lower") else WORSE


@dataclass(frozen=True)
class Travel:
    """An indicator's quarter figure against an earlier quarter's (the quarter before, or the
    same quarter of the indicator it continues), and where the earlier figure comes from."""

    against: str
    earlier: Decimal | None
    earlier_text: str
    direction: str
    url: str = ""

    @property
    def label(self) -> str:
        return TRAVEL_LABELS[self.direction]


# --- Indicators -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RagCount:
    """How many indicators have one RAG status (or no data, or no target to date)."""

    rag: str
    label: str
    tag: str
    count: int


@dataclass(frozen=True)
class ObjectiveRag:
    """The RAG counts of one strategic objective's indicators."""

    objective: str
    counts: tuple[RagCount, ...]
    total: int
    #: The dashboard filtered to the objective ("" for indicators linked to none).
    url: str = ""


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as at the quarter's end, as the dashboard works it out."""

    pk: int
    ref: str
    title: str
    tier: str
    objective: str
    owners: str
    url: str
    annual_target_text: str
    target_to_date: Decimal | None
    target_to_date_text: str
    no_target_reason: str
    actual_to_date: Decimal | None
    actual_to_date_text: str
    counted_from_recommendations: bool
    rag: str
    rag_label: str
    rag_tag: str
    quarter_actual: Decimal | None
    quarter_actual_text: str
    previous: Travel
    last_year: Travel | None
    trend_svg: str
    commentary: str
    commentary_period: datetime.date | None
    #: The trend chart's figures in words, its alternative text in the PDF.
    trend_text: str = ""
    #: Whether the actual to date, and so the status, rests on illustrative data, as the
    #: dashboard works it out (kpis.selectors.IndicatorStatus.is_illustrative). False in a
    #: report signed off before it was kept.
    is_illustrative: bool = False


@dataclass(frozen=True)
class IndicatorGroup:
    """The indicators of one tier under one strategic objective."""

    objective: str
    indicators: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class IndicatorTier:
    tier: str
    label: str
    groups: tuple[IndicatorGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(group.indicators) for group in self.groups)


# --- Milestones -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneLine:
    """A milestone as at the quarter's end: its outcome in words (reports.exceptions)."""

    pk: int
    title: str
    project: str
    project_url: str
    owners: str
    due_on: datetime.date
    revised_due_on: datetime.date | None
    completed_on: datetime.date | None
    status: str
    outcome: str
    outcome_label: str
    outcome_tag: str
    days_late: int | None
    commentary: str
    is_illustrative: bool


@dataclass(frozen=True)
class MilestoneGroup:
    """The milestones of the projects under one strategic objective."""

    objective: str
    milestones: tuple[MilestoneLine, ...]


@dataclass(frozen=True)
class MilestoneCounts:
    """Milestones due this quarter, and how many of them were completed, slipped or at risk by
    its end."""

    due: int
    completed: int
    slipped: int
    at_risk: int


# --- Budget ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    """A budget category's (or the whole budget's) variance, in pounds."""

    name: str
    kind: str
    is_income: bool
    annual_budget: Decimal
    budget_to_date: Decimal
    actual_to_date: Decimal
    variance: Decimal
    variance_percent: Decimal | None
    forecast_outturn: Decimal
    full_year_variance: Decimal
    full_year_variance_percent: Decimal | None
    beyond_tolerance: str | None


@dataclass(frozen=True)
class ProgrammeSplit:
    programme_budget: Decimal
    admin_budget: Decimal
    not_itemised: Decimal
    programme_spend: Decimal
    admin_spend: Decimal
    programme_share_of_budget: Decimal | None
    admin_share_of_budget: Decimal | None
    programme_share_of_spend: Decimal | None
    admin_share_of_spend: Decimal | None
    total_budget: Decimal
    total_spend: Decimal


@dataclass(frozen=True)
class BudgetPosition:
    """The budget as at the quarter's last month with actuals, as the budget page shows it."""

    url: str
    unit: str
    unit_label: str
    month: datetime.date | None
    moved_from_asked: str
    tolerance_percent: Decimal
    categories: tuple[BudgetRow, ...]
    total: BudgetRow
    split: ProgrammeSplit
    is_illustrative: bool
    #: Whether every monthly figure is illustrative (the variance page's "all of these"); None
    #: in a report signed off before it was kept.
    all_illustrative: bool | None = None

    @property
    def illustrative_note(self) -> str:
        """Which of the monthly figures are illustrative, in words true of them."""
        which = {True: "All", False: "Some"}.get(self.all_illustrative, "Some or all")
        return (
            f"{which} of these monthly actuals and forecasts are illustrative figures generated "
            "for the demo; they are not from the business plan or a finance system."
        )


# --- Risks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskLine:
    pk: int
    title: str
    tier: str
    project: str
    owner: str
    url: str
    inherent: int
    residual: int
    band: str
    band_tag: str
    target: int | None
    review_on: datetime.date | None
    review_overdue: bool
    escalated: bool
    above_appetite: bool
    is_illustrative: bool


@dataclass(frozen=True)
class RiskSection:
    appetite: int
    register_url: str
    heat_map_url: str
    strategic_url: str
    heat_map: HeatMapGrid
    strategic: tuple[RiskLine, ...]
    escalated: tuple[RiskLine, ...]
    is_illustrative: bool

    #: What the report says of its risks when some are illustrative.
    illustrative_note = (
        "Risks marked illustrative are generated demo data, not from the published plan; the "
        "heat map counts them."
    )


# --- Exceptions -----------------------------------------------------------------------------------

INDICATOR, MILESTONE, BUDGET_LINE, RISK = "indicator", "milestone", "budget line", "risk"
#: The kinds of exception, in the order the report lists them.
EXCEPTION_KINDS = {
    INDICATOR: "Indicators",
    MILESTONE: "Milestones",
    BUDGET_LINE: "Budget lines",
    RISK: "Risks",
}


@dataclass(frozen=True)
class ExceptionItem:
    """An indicator, milestone, budget line or risk off course at the quarter's end, with its
    owner's explanation and corrective action, or `missing` when none is recorded."""

    kind: str
    item_id: int
    title: str
    url: str
    owner: str
    why: str
    explanation: str = ""
    action: str = ""
    recover_by: datetime.date | None = None

    @property
    def missing(self) -> bool:
        return not (self.explanation or self.action)


# --- Summary and the whole report -----------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationCount:
    status: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Summary:
    """The counts the report opens with."""

    indicators: int
    rag_counts: tuple[RagCount, ...]
    by_objective: tuple[ObjectiveRag, ...]
    milestones: MilestoneCounts
    risks_above_appetite: int
    risks_escalated: int
    recommendations: tuple[RecommendationCount, ...]

    @property
    def recommendations_total(self) -> int:
        return sum(count.count for count in self.recommendations)


@dataclass(frozen=True)
class Heading:
    """What the report page says of its report around the sections: which plan, year and
    quarter, and as at when."""

    year: str
    plan_title: str
    quarter: int
    as_at: datetime.date

    @property
    def title(self) -> str:
        return f"Quarter {self.quarter} {self.year}"


@dataclass(frozen=True)
class QuarterlyReport:
    """The quarterly Leadership Team performance report of one plan year and quarter, every
    figure as at the quarter's end."""

    year: str
    plan_title: str
    quarter: int
    first_day: datetime.date
    as_at: datetime.date
    dashboard_url: str
    milestone_tracker_url: str
    recommendations_url: str
    summary: Summary
    indicator_tiers: tuple[IndicatorTier, ...]
    indicators_illustrative: bool
    exceptions: tuple[ExceptionItem, ...]
    milestones_due: tuple[MilestoneGroup, ...]
    milestones_next: tuple[MilestoneGroup, ...]
    next_quarter: str
    milestones_illustrative: bool
    budget: BudgetPosition | None
    risks: RiskSection
    recommendations_illustrative: bool

    #: What the report says of its indicators' figures, of its recommendation counts and of its
    #: milestones when they rest on illustrative data: the same words on the page, in the PDF
    #: and in the workbook.
    statuses_illustrative_note = (
        "These actuals to date, and the statuses worked out from them, include illustrative "
        "figures generated for the demo; they are not from the business plan."
    )
    recommendations_illustrative_note = (
        "These counts include recommendations generated for the demo, not from the published plan."
    )
    milestones_illustrative_note = (
        "Milestones marked illustrative are generated demo data, not from the published plan."
    )

    @property
    def statuses_illustrative(self) -> bool:
        """Whether indicators' actuals to date or statuses (and so the counts by status) rest
        on illustrative data: actuals, or recommendations counted, generated for the demo."""
        return self.indicators_illustrative or self.recommendations_illustrative

    @property
    def illustrative_kinds(self) -> str:
        """Which kinds of figure rest on illustrative data, in words ("" for none): "indicator
        actuals and statuses, milestones and risks"."""
        kinds = [
            kind
            for kind, illustrative in (
                ("indicator actuals and statuses", self.statuses_illustrative),
                ("milestones", self.milestones_illustrative),
                (
                    "monthly budget actuals and forecasts",
                    bool(self.budget and self.budget.is_illustrative),
                ),
                ("risks", self.risks.is_illustrative),
                ("recommendations", self.recommendations_illustrative),
            )
            if illustrative
        ]
        return " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)

    @property
    def title(self) -> str:
        return self.heading.title

    @property
    def heading(self) -> Heading:
        return Heading(self.year, self.plan_title, self.quarter, self.as_at)

    @property
    def exceptions_missing(self) -> int:
        return sum(item.missing for item in self.exceptions)

    def exceptions_of(self, kind: str) -> list[ExceptionItem]:
        return [item for item in self.exceptions if item.kind == kind]

    def exception_groups(self) -> list[tuple[str, str, list[ExceptionItem]]]:
        """Each kind of exception, its heading and its items."""
        return [(kind, label, self.exceptions_of(kind)) for kind, label in EXCEPTION_KINDS.items()]

    def as_dict(self) -> dict:
        """The report as plain data (dicts, lists, str, int, bool, None, Decimal and date), for
        json.dumps with DjangoJSONEncoder."""
        return _plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> "QuarterlyReport":
        """The report again from as_dict()'s data, also after a JSON round trip (where a
        Decimal or a date came back as text): a signed-off report is shown from what was
        stored."""
        return _rebuilt(cls, data)


def _rebuilt(kind, value):
    """`value`, plain data, as an instance of `kind` (a dataclass, a tuple of them, a Decimal,
    a date, or a plain value), following the type hints."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        (kind,) = (option for option in typing.get_args(kind) if option is not type(None))
        return _rebuilt(kind, value)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_rebuilt(item, element) for element in value)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                field.name: _rebuilt(hints[field.name], value[field.name])
                for field in dataclasses.fields(kind)
                if field.name in value
            }
        )
    if kind is Decimal:
        return Decimal(str(value))
    if kind is datetime.date and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)  # a chart's SafeString becomes plain text
    return value
