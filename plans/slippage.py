"""Slippage and deadlines of milestones as at a date, as pure functions over dates.

Every rule is worked out as at a date the caller passes (today for the live pages, a quarter's
last day for a report); none reads the clock.

A milestone slips when it was completed after its original due date, or when it is not done and
its original due date has passed; its slippage is the number of days late. A revised due date
never hides slippage: it is measured from the original due date. What a milestone is now due by
(its revised due date, else the original) decides whether it is overdue or due this quarter.

Once its plan year has ended before the as-at date, a milestone not done is measured at most to
the year's end: the plan's reach. If by then it is neither done nor marked slipped, and the date
it is now due by has passed, its outcome was never recorded: the page says so instead of "on
track" or a slip counted to the day it is read. A milestone marked slipped has that outcome
recorded (it was not done in time), so its slip is counted, to the year's end.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from plans import periods
from plans.choices import MilestoneStatus

#: What a person expects of a milestone not yet done; once the year has ended, none of them is
#: an outcome.
FORECAST_STATUSES = frozenset(
    {MilestoneStatus.NOT_STARTED, MilestoneStatus.ON_TRACK, MilestoneStatus.AT_RISK}
)


def is_done(*, status: str, completed_on: datetime.date | None, as_at: datetime.date) -> bool:
    """Done as at the date: marked done, with a completion date not after it."""
    return status == MilestoneStatus.DONE and completed_on is not None and completed_on <= as_at


def days_late(
    *,
    due_on: datetime.date,
    completed_on: datetime.date | None,
    done: bool,
    as_at: datetime.date,
    year_ends_on: datetime.date,
) -> int:
    """How many days after its original due date a milestone was completed or, not done, how
    many days its original due date has passed as at the date, counting at most to the end of
    its plan year; 0 when it is not late."""
    if done:
        finished = completed_on or due_on
        return max(0, (finished - due_on).days)
    return max(0, (min(as_at, year_ends_on) - due_on).days)


def date_that_applies(*, due_on: datetime.date, revised_due_on: datetime.date | None):
    """The date a milestone is now due by: its revised due date, else its original."""
    return revised_due_on or due_on


def is_due_in(
    quarter: periods.Quarter, *, due_on: datetime.date, revised_due_on: datetime.date | None
) -> bool:
    """Due in the quarter: the date that applies (its revised due date, else its original) falls
    in it. A milestone revised from one quarter to another is due only in the later one."""
    return date_that_applies(due_on=due_on, revised_due_on=revised_due_on) in quarter


def due_in(quarter: periods.Quarter) -> Q:
    """`is_due_in` as a filter on milestones, for the pages that read them from the database."""
    return Q(revised_due_on__range=(quarter.first_day, quarter.last_day)) | Q(
        revised_due_on__isnull=True, due_on__range=(quarter.first_day, quarter.last_day)
    )


def is_overdue(*, expected_on: datetime.date, done: bool, as_at: datetime.date) -> bool:
    """Not done, and the date it is now due by has passed."""
    return not done and expected_on < as_at


def is_due_this_quarter(*, expected_on: datetime.date, done: bool, as_at: datetime.date) -> bool:
    """Not done, not yet overdue, and due by the end of the quarter the as-at date falls in."""
    return not done and as_at <= expected_on <= periods.Quarter.of(as_at).last_day


def outcome_not_recorded(
    *,
    expected_on: datetime.date,
    status: str,
    done: bool,
    as_at: datetime.date,
    year_ends_on: datetime.date,
) -> bool:
    """Its plan year has ended and the date it is now due by has passed, yet it is neither done
    nor marked slipped: still not started, on track or at risk, which are no outcome."""
    return not done and year_ends_on < as_at and expected_on < as_at and status in FORECAST_STATUSES


@dataclass(frozen=True)
class MilestonePosition:
    """Where a milestone stands as at a date. `days_late` is None when its outcome was never
    recorded: how late it was is not known."""

    done: bool
    days_late: int | None
    overdue: bool
    due_this_quarter: bool

    @property
    def outcome_not_recorded(self) -> bool:
        return self.days_late is None


def milestone_position(
    *,
    due_on: datetime.date,
    revised_due_on: datetime.date | None,
    status: str,
    completed_on: datetime.date | None,
    year_ends_on: datetime.date,
    as_at: datetime.date,
) -> MilestonePosition:
    """A milestone's status, slippage and deadline as at a date, from what is recorded of it and
    the last day of its plan year; what every page that shows a milestone shows."""
    expected_on = date_that_applies(due_on=due_on, revised_due_on=revised_due_on)
    done = is_done(status=status, completed_on=completed_on, as_at=as_at)
    if outcome_not_recorded(
        expected_on=expected_on, status=status, done=done, as_at=as_at, year_ends_on=year_ends_on
    ):
        return MilestonePosition(done=False, days_late=None, overdue=False, due_this_quarter=False)
    return MilestonePosition(
        done=done,
        days_late=days_late(
            due_on=due_on,
            completed_on=completed_on,
            done=done,
            as_at=as_at,
            year_ends_on=year_ends_on,
        ),
        overdue=is_overdue(expected_on=expected_on, done=done, as_at=as_at),
        due_this_quarter=is_due_this_quarter(expected_on=expected_on, done=done, as_at=as_at),
    )


#: What the milestone tracker says of a milestone whose outcome was never recorded, beside the
#: statuses staff choose from.
OUTCOME_NOT_RECORDED = "outcome not recorded"


def status_as_at(*, status: str, position: MilestonePosition) -> str:
    """A milestone's status as at the date its position was worked out at, from the status
    recorded now: done only if done by then; OUTCOME_NOT_RECORDED when its year ended without
    one; slipped when marked so or, not done, its original due date had passed (a revised due
    date never hides slippage); else the status recorded (at risk, not started, on track), and
    on track for one marked done since but not yet due then. The quarterly report reads a
    milestone's outcome at a quarter's end by the same rule, so the tracker's counts are the
    report's."""
    if position.done:
        return MilestoneStatus.DONE
    if position.outcome_not_recorded:
        return OUTCOME_NOT_RECORDED
    if status == MilestoneStatus.SLIPPED or position.days_late:
        return MilestoneStatus.SLIPPED
    if status in (MilestoneStatus.AT_RISK, MilestoneStatus.NOT_STARTED):
        return status
    return MilestoneStatus.ON_TRACK


@dataclass(frozen=True)
class Slippage:
    """How many milestones slipped, the largest slip in days (0 when none did), and how many
    have no recorded outcome."""

    count: int = 0
    largest: int = 0
    not_recorded: int = 0


def summarise(days: Iterable[int | None]) -> Slippage:
    """The slippage of a set of milestones, from each one's days late (None: not recorded)."""
    days = list(days)
    late = [day for day in days if day]
    return Slippage(
        count=len(late),
        largest=max(late, default=0),
        not_recorded=sum(day is None for day in days),
    )


def revised_due_date_bounds(year_start: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day a revised due date of a milestone of the plan year starting in
    April of `year_start` may fall on: from the day the year starts to the end of the following
    plan year. Work may be carried over into the next year; a date beyond it is a mistyped year
    or a milestone that belongs to a later plan."""
    first, _ = periods.financial_year_bounds(year_start)
    _, last = periods.financial_year_bounds(year_start + 1)
    return first, last


def revised_due_date_refusal(*, revised_due_on: datetime.date, year_start: int) -> str:
    """Why a revised due date is refused for a milestone of that plan year ("" if it is not)."""
    first, last = revised_due_date_bounds(year_start)
    if first <= revised_due_on <= last:
        return ""
    return (
        f"The revised due date must be between {first.day} {first:%B %Y}, when "
        f"{periods.financial_year_label(year_start)} starts, and {last.day} {last:%B %Y}, when "
        "the following plan year ends."
    )
