"""What the quarterly report's page lists of each long section, bounded: a plan ten times
larger is not a report ten times longer. The report object (reports.report) keeps every row,
for the workbook, the PDF and a signed-off copy; the page shows the first rows of each list in
the report's order, says how many it leaves out and links to the page that lists them all.
The demo's plans are under every bound (at most 28 indicators, 38 milestone exceptions, 36
milestones due in a quarter, 4 escalated risks), so their report lists everything."""

import dataclasses
from dataclasses import dataclass

from reports.report import EXCEPTION_KINDS, QuarterlyReport

#: How many indicators section 2 lists in all, across its tiers and objectives.
INDICATORS_SHOWN = 30
#: How many items each kind of exception lists in section 3.
EXCEPTIONS_SHOWN = 50
#: How many milestones each of section 4's lists (due this quarter, due next) shows.
MILESTONES_SHOWN = 50
#: How many risks each of section 6's tables (strategic, escalated) shows.
RISKS_SHOWN = 25


@dataclass(frozen=True)
class Bounded:
    """The rows (or groups of rows) a list shows, how many rows it shows and holds in all, and
    the page that lists them all."""

    shown: tuple
    count_shown: int
    total: int
    url: str

    @property
    def more(self) -> int:
        return self.total - self.count_shown


def _first_of_groups(groups, field: str, limit: int) -> tuple[tuple, int, int]:
    """The groups cut to their first `limit` rows in all (a group left empty is dropped), how
    many rows they hold, and how many are shown."""
    kept, left, total = [], limit, 0
    for group in groups:
        rows = getattr(group, field)
        total += len(rows)
        if left > 0:
            kept.append(dataclasses.replace(group, **{field: rows[:left]}))
            left -= len(rows[:left])
    return tuple(kept), total, limit - left


@dataclass(frozen=True)
class ReportLists:
    """The report page's bounded lists: for each, what it shows and the count and link of all."""

    indicator_tiers: tuple
    indicators_total: int
    indicators_shown: int
    exception_groups: tuple
    milestones_due: Bounded
    milestones_next: Bounded
    strategic_risks: Bounded
    escalated_risks: Bounded


def report_lists(report: QuarterlyReport) -> ReportLists:
    """The lists the report page shows, each cut to its bound."""
    tiers, left, total = [], INDICATORS_SHOWN, 0
    for tier in report.indicator_tiers:
        groups, in_tier, shown = _first_of_groups(tier.groups, "indicators", left)
        total += in_tier
        left -= shown
        # The tier's heading keeps its full count (tier.count): it is read from the report.
        tiers.append((tier, groups, in_tier - shown))
    tracker = report.milestone_tracker_url
    quarter_query = f"?quarter={report.quarter}&as_at=q{report.quarter}"
    exception_urls = {
        "indicator": report.dashboard_url,
        "milestone": tracker,
        "budget line": report.budget.url if report.budget else "",
        "risk": report.risks.register_url,
    }
    exception_groups = []
    for kind, label in EXCEPTION_KINDS.items():
        items = report.exceptions_of(kind)
        exception_groups.append(
            (
                kind,
                label,
                _first(items, EXCEPTIONS_SHOWN, exception_urls[kind]),
            )
        )
    milestones = {}
    for name, groups, url in (
        ("due", report.milestones_due, f"{tracker}{quarter_query}" if tracker else ""),
        ("next", report.milestones_next, tracker),
    ):
        kept, in_all, shown = _first_of_groups(groups, "milestones", MILESTONES_SHOWN)
        milestones[name] = Bounded(kept, shown, in_all, url)
    risks = report.risks
    return ReportLists(
        indicator_tiers=tuple(tiers),
        indicators_total=total,
        indicators_shown=INDICATORS_SHOWN - left,
        exception_groups=tuple(exception_groups),
        milestones_due=milestones["due"],
        milestones_next=milestones["next"],
        # The Leadership Team's strategic view lists the strategic and the escalated risks.
        strategic_risks=_first(risks.strategic, RISKS_SHOWN, risks.strategic_url),
        escalated_risks=_first(risks.escalated, RISKS_SHOWN, risks.strategic_url),
    )


def _first(rows, limit: int, url: str) -> Bounded:
    return Bounded(tuple(rows[:limit]), min(len(rows), limit), len(rows), url)
