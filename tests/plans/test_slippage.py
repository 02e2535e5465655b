"""Slippage is computed from dates, never typed: tested without the database."""

import datetime

import pytest

from plans import slippage

D = datetime.date
TODAY = D(2016, 11, 15)


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
    assert slippage.days_late(due_on=due_on, completed_on=completed_on, done=done, today=TODAY) == (
        days
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
    assert slippage.is_overdue(expected_on=expected_on, done=done, today=TODAY) is overdue
    assert (
        slippage.is_due_this_quarter(expected_on=expected_on, done=done, today=TODAY)
        is this_quarter
    )


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (D(2016, 4, 1), D(2016, 4, 1), D(2016, 6, 30)),
        (D(2016, 9, 30), D(2016, 7, 1), D(2016, 9, 30)),
        (D(2016, 11, 15), D(2016, 10, 1), D(2016, 12, 31)),
        (D(2017, 2, 28), D(2017, 1, 1), D(2017, 3, 31)),
        (D(2017, 3, 31), D(2017, 1, 1), D(2017, 3, 31)),
    ],
)
def test_financial_quarters_run_april_to_june_and_so_on(day, first, last):
    assert slippage.quarter_bounds(day) == (first, last)


@pytest.mark.parametrize(
    ("days", "count", "largest"),
    [([], 0, 0), ([0, 0], 0, 0), ([3, 0, 14, 1], 3, 14)],
)
def test_a_set_of_milestones_reports_how_many_slipped_and_the_largest_slip(days, count, largest):
    assert slippage.summarise(days) == slippage.Slippage(count=count, largest=largest)
