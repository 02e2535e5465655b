"""Slippage is computed from dates, never typed: tested without the database. Each table's
cases are worked by hand; a 2016-17 milestone's plan year ends on 31 March 2017."""

import datetime

import pytest

from plans import slippage

D = datetime.date
TODAY = D(2016, 11, 15)
YEAR_END = D(2017, 3, 31)  # the end of 2016-17


@pytest.mark.parametrize(
    ("due_on", "completed_on", "done", "days"),
    [
        (D(2016, 9, 30), D(2016, 9, 28), True, 0),  # done early
        (D(2016, 9, 30), D(2016, 9, 30), True, 0),  # done on the day
        (D(2016, 9, 30), D(2016, 10, 14), True, 14),  # done two weeks late
        (D(2016, 9, 30), None, False, 46),  # not done, due date passed
        (D(2016, 11, 15), None, False, 0),  # due today: not late yet
        (D(2016, 12, 31), None, False, 0),  # not due yet
    ],
)
def test_a_milestone_is_as_many_days_late_as_its_original_due_date_was_missed_by(
    due_on, completed_on, done, days
):
    assert (
        slippage.days_late(
            due_on=due_on,
            completed_on=completed_on,
            done=done,
            as_at=TODAY,
            year_ends_on=YEAR_END,
        )
        == days
    )


@pytest.mark.parametrize(
    ("due_on", "completed_on", "done", "as_at", "days"),
    [
        # Not done, viewed years later: counted to 31 March 2017, not to the day it is viewed.
        (D(2016, 9, 1), None, False, D(2026, 12, 3), 211),  # was "3,745 days late"
        (D(2016, 5, 7), None, False, D(2026, 12, 3), 328),
        (D(2016, 9, 1), None, False, YEAR_END, 211),  # on the year's last day
        (D(2016, 9, 1), None, False, D(2017, 4, 1), 211),  # the day after
        (D(2016, 9, 1), None, False, D(2017, 1, 31), 152),  # within the year: to the date
        # Done: the completion date is what was recorded, whenever the page is viewed.
        (D(2016, 9, 1), D(2016, 9, 15), True, D(2026, 12, 3), 14),
    ],
)
def test_in_a_closed_year_slippage_is_measured_at_most_to_the_years_end(
    due_on, completed_on, done, as_at, days
):
    assert (
        slippage.days_late(
            due_on=due_on,
            completed_on=completed_on,
            done=done,
            as_at=as_at,
            year_ends_on=YEAR_END,
        )
        == days
    )


@pytest.mark.parametrize(
    ("expected_on", "done", "overdue", "this_quarter"),
    [
        (D(2016, 11, 14), False, True, False),  # yesterday
        (D(2016, 11, 15), False, False, True),  # today
        (D(2016, 12, 31), False, False, True),  # the quarter's last day
        (D(2017, 1, 1), False, False, False),  # next quarter
        (D(2016, 11, 14), True, False, False),  # done: neither
        (D(2016, 12, 1), True, False, False),
    ],
)
def test_a_milestone_not_done_is_overdue_after_the_date_it_is_now_due_or_due_this_quarter(
    expected_on, done, overdue, this_quarter
):
    assert slippage.is_overdue(expected_on=expected_on, done=done, as_at=TODAY) is overdue
    assert (
        slippage.is_due_this_quarter(expected_on=expected_on, done=done, as_at=TODAY)
        is this_quarter
    )


NOT_RECORDED = None  # days late, for a milestone whose outcome was never recorded


@pytest.mark.parametrize(
    ("case", "due_on", "revised", "status", "completed_on", "as_at", "expected"),
    [
        # (days late, done as at the date, overdue, due this quarter)
        (
            "on track, within the year",
            D(2016, 9, 30),
            None,
            "on track",
            None,
            TODAY,
            (46, False, True, False),
        ),
        (
            "due this quarter",
            D(2016, 12, 16),
            None,
            "on track",
            None,
            TODAY,
            (0, False, False, True),
        ),
        (
            "done late",
            D(2016, 9, 30),
            None,
            "done",
            D(2016, 10, 14),
            TODAY,
            (14, True, False, False),
        ),
        (
            "done after the as-at date: not yet done as at then",
            D(2016, 9, 30),
            None,
            "done",
            D(2016, 12, 1),
            TODAY,
            (46, False, True, False),
        ),
        (
            "slipped, viewed years later: to the year's end",
            D(2016, 9, 1),
            None,
            "slipped",
            None,
            D(2026, 12, 3),
            (211, False, True, False),
        ),
        (
            "on track on the year's last day: still the year's",
            D(2017, 3, 1),
            None,
            "on track",
            None,
            YEAR_END,
            (30, False, True, False),
        ),
        (
            "on track once the year has ended: outcome not recorded",
            D(2017, 3, 1),
            None,
            "on track",
            None,
            D(2017, 4, 1),
            (NOT_RECORDED, False, False, False),
        ),
        (
            "2016-17, on track, viewed years later (was 3,745 days late)",
            D(2016, 9, 1),
            None,
            "on track",
            None,
            D(2026, 12, 3),
            (NOT_RECORDED, False, False, False),
        ),
        (
            "not started, year ended",
            D(2016, 9, 1),
            None,
            "not started",
            None,
            D(2026, 12, 3),
            (NOT_RECORDED, False, False, False),
        ),
        (
            "at risk, year ended",
            D(2016, 9, 1),
            None,
            "at risk",
            None,
            D(2026, 12, 3),
            (NOT_RECORDED, False, False, False),
        ),
        (
            "revised into the next year, not yet due: still on track",
            D(2017, 3, 1),
            D(2017, 6, 30),
            "on track",
            None,
            D(2017, 5, 15),
            (30, False, False, True),
        ),
        (
            "revised into the next year, and passed: outcome not recorded",
            D(2017, 3, 1),
            D(2017, 6, 30),
            "on track",
            None,
            D(2017, 7, 1),
            (NOT_RECORDED, False, False, False),
        ),
    ],
)
def test_a_milestone_as_at_a_date(case, due_on, revised, status, completed_on, as_at, expected):
    position = slippage.milestone_position(
        due_on=due_on,
        revised_due_on=revised,
        status=status,
        completed_on=completed_on,
        year_ends_on=YEAR_END,
        as_at=as_at,
    )
    days_late, done, overdue, due_this_quarter = expected
    assert position.days_late == days_late, case
    assert position.outcome_not_recorded is (days_late is NOT_RECORDED), case
    assert (position.done, position.overdue, position.due_this_quarter) == (
        done,
        overdue,
        due_this_quarter,
    ), case


def test_a_2012_13_document_milestone_viewed_today_says_its_outcome_was_not_recorded():
    """The 2012-13 documents print no outcome: "the largest slip is 5,329 days" was counted from
    1 May 2012 to 3 December 2026."""
    position = slippage.milestone_position(
        due_on=D(2012, 5, 1),
        revised_due_on=None,
        status="on track",
        completed_on=None,
        year_ends_on=D(2013, 3, 31),
        as_at=D(2026, 12, 3),
    )
    assert position.outcome_not_recorded
    assert position.days_late is None
    assert slippage.summarise([position.days_late]) == slippage.Slippage(not_recorded=1)


@pytest.mark.parametrize(
    ("days", "count", "largest", "not_recorded"),
    [
        ([], 0, 0, 0),
        ([0, 0], 0, 0, 0),
        ([3, 0, 14, 1], 3, 14, 0),
        ([3, None, 0, None], 1, 3, 2),
    ],
)
def test_a_set_of_milestones_reports_how_many_slipped_the_largest_slip_and_those_unknown(
    days, count, largest, not_recorded
):
    assert slippage.summarise(days) == slippage.Slippage(
        count=count, largest=largest, not_recorded=not_recorded
    )


@pytest.mark.parametrize(
    ("revised_due_on", "refused"),
    [
        (D(1990, 1, 1), True),  # the case: a milestone of 2016-17
        (D(2016, 3, 31), True),  # the day before 2016-17 starts
        (D(2016, 4, 1), False),  # the day it starts
        (D(2017, 3, 31), False),  # the day it ends
        (D(2017, 12, 16), False),  # carried into 2017-18
        (D(2018, 3, 31), False),  # the last day of 2017-18
        (D(2018, 4, 1), True),  # the first day of 2018-19
        (D(2071, 1, 1), True),  # a mistyped year
    ],
)
def test_a_revised_due_date_lies_between_the_plan_years_start_and_the_following_years_end(
    revised_due_on, refused
):
    message = slippage.revised_due_date_refusal(revised_due_on=revised_due_on, year_start=2016)
    if refused:
        assert message == (
            "The revised due date must be between 1 April 2016, when 2016-17 starts, and "
            "31 March 2018, when the following plan year ends."
        )
    else:
        assert message == ""


@pytest.mark.parametrize(
    ("due_on", "revised_due_on", "status", "completed_on", "as_at", "expected"),
    [
        # Done by the date: done, whether early or late.
        (D(2016, 9, 30), None, "done", D(2016, 9, 28), TODAY, "done"),
        (D(2016, 9, 30), None, "done", D(2016, 10, 14), TODAY, "done"),
        # Marked done since, but not by the date: slipped if its original due date had passed,
        # a revised due date notwithstanding ...
        (D(2016, 9, 30), None, "done", D(2016, 12, 1), TODAY, "slipped"),
        (D(2016, 9, 30), D(2016, 12, 31), "done", D(2016, 12, 1), TODAY, "slipped"),
        # ... else on track: it was not yet due.
        (D(2016, 12, 31), None, "done", D(2016, 12, 1), TODAY, "on track"),
        # Not done and past its original due date: slipped, whatever is recorded.
        (D(2016, 9, 30), None, "on track", None, TODAY, "slipped"),
        (D(2016, 9, 30), None, "at risk", None, TODAY, "slipped"),
        (D(2016, 9, 30), D(2016, 12, 31), "on track", None, TODAY, "slipped"),
        # Otherwise the status recorded.
        (D(2016, 12, 31), None, "on track", None, TODAY, "on track"),
        (D(2016, 12, 31), None, "at risk", None, TODAY, "at risk"),
        (D(2016, 12, 31), None, "slipped", None, TODAY, "slipped"),
        (D(2016, 12, 31), None, "not started", None, TODAY, "not started"),
        (D(2016, 11, 15), None, "not started", None, TODAY, "not started"),  # due today
        # After its year, not done and not marked slipped: no outcome was recorded.
        (D(2016, 9, 30), None, "on track", None, D(2026, 12, 3), "outcome not recorded"),
        (D(2016, 9, 30), None, "slipped", None, D(2026, 12, 3), "slipped"),
    ],
)
def test_the_trackers_status_as_at_a_date(
    due_on, revised_due_on, status, completed_on, as_at, expected
):
    position = slippage.milestone_position(
        due_on=due_on,
        revised_due_on=revised_due_on,
        status=status,
        completed_on=completed_on,
        year_ends_on=YEAR_END,
        as_at=as_at,
    )
    assert slippage.status_as_at(status=status, position=position) == expected
