"""Risk arithmetic, pure: scores, score bands, the consistency flags a register raises, escalation
and who may edit a risk. Plain functions over numbers, dates and sets, tested without a database.

A score is likelihood times impact, each 1 to 5, so 1 to 25. The bands follow the usual 5 x 5
matrix: low 1-4, medium 5-9, high 10-14, very high 15-25 (the default risk appetite, 15, is where
very high starts).
"""

import datetime
from dataclasses import dataclass

from plans import periods

SCALE = range(1, 6)
LOWEST_SCORE, HIGHEST_SCORE = 1, 25
DEFAULT_APPETITE = 15


@dataclass(frozen=True)
class Band:
    """A range of scores read as one level of risk, with the colour the heat map gives it."""

    key: str
    label: str
    lowest: int
    highest: int
    fill: str
    tag: str
    text: str = "#0b0c0c"

    def __contains__(self, score: int) -> bool:
        return self.lowest <= score <= self.highest


# Fills are GOV.UK colours, each with a text colour of contrast 4.5:1 or more (white on red
# 5.2:1, black on orange 7.6:1); the register's band tags use the same colour names.
BANDS = (
    Band("low", "Low", 1, 4, "#cce2d8", "green"),
    Band("medium", "Medium", 5, 9, "#fff7bf", "yellow"),
    Band("high", "High", 10, 14, "#f47738", "orange"),
    Band("very-high", "Very high", 15, 25, "#d4351c", "red", "#ffffff"),
)
BANDS_BY_KEY = {band.key: band for band in BANDS}


class InvalidScore(ValueError):
    """A likelihood or impact outside 1 to 5."""


def score(likelihood: int, impact: int) -> int:
    """Likelihood times impact, each 1 to 5."""
    for value in (likelihood, impact):
        if value not in SCALE:
            raise InvalidScore(f"{value} is not between 1 and 5.")
    return likelihood * impact


def band_of(value: int) -> Band:
    """The band a score from 1 to 25 falls in."""
    for band in BANDS:
        if value in band:
            return band
    raise InvalidScore(f"{value} is not a score between {LOWEST_SCORE} and {HIGHEST_SCORE}.")


# Consistency flags, as the register words them.
RESIDUAL_ABOVE_INHERENT = "Residual score is above the inherent score"
TARGET_ABOVE_RESIDUAL = "Target score is above the residual score"
REVIEW_OVERDUE = "Review overdue"


def consistency_flags(
    *,
    inherent: int,
    residual: int,
    target: int | None,
    is_open: bool,
    review_on: datetime.date | None,
    as_at: datetime.date,
) -> list[str]:
    """What the register flags about a risk as at a date: controls that raise the score instead
    of lowering it, a target above where the risk already stands, and an open risk past its
    review date."""
    flags = []
    if residual > inherent:
        flags.append(RESIDUAL_ABOVE_INHERENT)
    if target is not None and target > residual:
        flags.append(TARGET_ABOVE_RESIDUAL)
    if review_is_overdue(is_open=is_open, review_on=review_on, as_at=as_at):
        flags.append(REVIEW_OVERDUE)
    return flags


def review_is_overdue(*, is_open: bool, review_on: datetime.date | None, as_at: datetime.date):
    """An open risk whose review date has passed as at the date; a closed risk is reviewed no
    more."""
    return is_open and review_on is not None and review_on < as_at


def action_is_overdue(*, is_done: bool, due_on: datetime.date, as_at: datetime.date) -> bool:
    """A mitigating action not done whose due date has passed as at the date."""
    return not is_done and due_on < as_at


def next_review_on(*, reviewed_on: datetime.date, interval_months: int) -> datetime.date:
    """The date a risk reviewed on `reviewed_on` is next due for review, `interval_months`
    later: the same day of the month, or the month's last day when it has no such day (a review
    on 31 January is next due on 28 or 29 February)."""
    months = reviewed_on.year * 12 + reviewed_on.month - 1 + interval_months
    last = periods.last_day_of_month(datetime.date(months // 12, months % 12 + 1, 1))
    return last.replace(day=min(reviewed_on.day, last.day))


ESCALATED_TIERS = {"project", "operational"}


def is_above_appetite(*, residual: int, appetite: int, is_open: bool) -> bool:
    """An open risk whose residual score is at or above the plan year's risk appetite: beyond
    what the organisation accepts, whatever its tier (the quarterly report's exceptions)."""
    return is_open and residual >= appetite


def is_escalated(*, tier: str, residual: int, appetite: int, is_open: bool) -> bool:
    """A project or operational risk at or above the plan year's risk appetite goes on the
    Leadership Team's strategic view while it is open."""
    return tier in ESCALATED_TIERS and is_above_appetite(
        residual=residual, appetite=appetite, is_open=is_open
    )


@dataclass(frozen=True)
class EditingRights:
    """What one person may edit in one plan year's register, worked out once per request:
    administrators edit everything; in a closed year nobody else edits; otherwise holders of a
    risk's owner role edit it, the people who work on a project (holding an owning role, or as
    members) edit its risks, and directors edit strategic risks. Without the permission to
    change risks at all, nobody but an administrator edits."""

    is_administrator: bool = False
    may_change_risks: bool = False
    year_is_closed: bool = False
    is_director: bool = False
    role_ids: frozenset = frozenset()
    project_ids: frozenset = frozenset()

    def may_edit(self, *, tier: str, owner_id, project_id) -> bool:
        if self.is_administrator:
            return True
        if self.year_is_closed or not self.may_change_risks:
            return False
        return (
            (owner_id is not None and owner_id in self.role_ids)
            or (tier == "project" and project_id in self.project_ids)
            or (tier == "strategic" and self.is_director)
        )

    def tiers_offered(self) -> set[str]:
        """The tiers of the risks this person could edit, for the choices a form offers: a
        holder of a role may own a risk of any tier; otherwise directors have strategic risks
        and the people working on a project its project risks."""
        if self.is_administrator:
            return {"strategic", "operational", "project"}
        if self.year_is_closed or not self.may_change_risks:
            return set()
        if self.role_ids:
            return {"strategic", "operational", "project"}
        tiers = set()
        if self.is_director:
            tiers.add("strategic")
        if self.project_ids:
            tiers.add("project")
        return tiers


# The heat map: a 5 x 5 grid, likelihood up the side (5 at the top), impact along the bottom.
CELL = 80
LEFT, TOP = 70, 10


@dataclass(frozen=True)
class HeatMapCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return score(self.likelihood, self.impact)

    @property
    def band(self) -> Band:
        return band_of(self.score)

    # Where the SVG draws it.
    @property
    def x(self) -> int:
        return LEFT + (self.impact - 1) * CELL

    @property
    def y(self) -> int:
        return TOP + (5 - self.likelihood) * CELL

    @property
    def centre_x(self) -> int:
        return self.x + CELL // 2

    @property
    def centre_y(self) -> int:
        return self.y + CELL // 2


@dataclass(frozen=True)
class HeatMapGrid:
    """Rows from likelihood 5 down to 1, each with its cells from impact 1 to 5."""

    rows: tuple[tuple[HeatMapCell, ...], ...]

    @property
    def cells(self) -> list[HeatMapCell]:
        return [cell for row in self.rows for cell in row]

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)

    # The SVG's size and axis label positions.
    width = LEFT + 5 * CELL + 10
    height = TOP + 5 * CELL + 70
    axis_x = LEFT + 5 * CELL // 2
    axis_y = TOP + 5 * CELL // 2
    impact_label_y = TOP + 5 * CELL + 25
    impact_title_y = TOP + 5 * CELL + 55
    likelihood_label_x = LEFT - 15
    likelihood_title_x = 20


def heat_map_grid(counts) -> HeatMapGrid:
    """The grid with each cell's count from `counts`, a mapping of (likelihood, impact) to a
    number of risks (missing cells count none)."""
    return HeatMapGrid(
        rows=tuple(
            tuple(
                HeatMapCell(likelihood, impact, counts.get((likelihood, impact), 0))
                for impact in SCALE
            )
            for likelihood in reversed(SCALE)
        )
    )
