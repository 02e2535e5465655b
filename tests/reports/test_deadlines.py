"""A quarter's deadline and reminder days, against dates worked out by hand from the calendar
and England's bank holidays."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reports.deadlines import (
    REMINDER_STAGES,
    default_deadline,
    is_working_day,
    reminder_dates,
    working_days_after,
    working_days_before,
)
from reports.models import QuarterDeadline
from reports.selectors import quarter_deadline
from tests.plans.factories import PlanYearFactory

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2011, 4, 21), True),  # Thursday before Easter 2011
        (D(2011, 4, 22), False),  # Good Friday 2011
        (D(2011, 4, 25), False),  # Easter Monday 2011
        (D(2011, 4, 29), False),  # the royal wedding, a one-off bank holiday
        (D(2026, 4, 3), False),  # Good Friday 2026
        (D(2026, 4, 6), False),  # Easter Monday 2026
        (D(2026, 4, 7), True),
        (D(2010, 12, 27), False),  # Christmas Day 2010 fell on a Saturday: substitute Monday
        (D(2010, 12, 28), False),  # Boxing Day fell on the Sunday: substitute Tuesday
        (D(2010, 12, 29), True),
        (D(2020, 12, 25), False),  # Christmas Day 2020, a Friday
        (D(2020, 12, 28), False),  # Boxing Day 2020 fell on a Saturday: substitute Monday
        (D(2011, 1, 3), False),  # New Year's Day 2011 fell on a Saturday
        (D(2012, 6, 30), False),  # a Saturday
        (D(2012, 7, 1), False),  # a Sunday
        (D(2012, 7, 2), True),
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_bank_holiday_in_england(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("quarter_end", "deadline"),
    [
        # Quarter 4 2010-11 ends on Thursday 31 March 2011: 15 working days in April fall
        # before Good Friday, on Thursday 21 April.
        (D(2011, 3, 31), D(2011, 4, 21)),
        # Quarter 4 2025-26 ends on Tuesday 31 March 2026: 1 and 2 April, then Good Friday and
        # Easter Monday are skipped, so the 15th working day is Thursday 23 April.
        (D(2026, 3, 31), D(2026, 4, 23)),
        # Quarter 3 2010-11 ends on Friday 31 December 2010; 3 January 2011 is the substitute
        # for New Year's Day: 4 January is the first working day, 24 January the 15th.
        (D(2010, 12, 31), D(2011, 1, 24)),
        # Quarter 1 2012-13 ends on Saturday 30 June 2012: counting starts on Monday 2 July.
        (D(2012, 6, 30), D(2012, 7, 20)),
        # Quarter 1 2026-27 ends on Tuesday 30 June 2026: due by Tuesday 21 July.
        (D(2026, 6, 30), D(2026, 7, 21)),
    ],
)
def test_the_default_deadline_is_15_working_days_after_the_quarter_ends(quarter_end, deadline):
    assert default_deadline(quarter_end) == deadline


@pytest.mark.parametrize(
    ("day", "n", "after", "before"),
    [
        # Friday 24 December 2010: Saturday, Sunday and both substitute days are skipped.
        (D(2010, 12, 24), 1, D(2010, 12, 29), D(2010, 12, 23)),
        # Thursday 24 December 2020: Christmas Day, the weekend and Boxing Day's substitute.
        (D(2020, 12, 24), 1, D(2020, 12, 29), D(2020, 12, 23)),
        (D(2010, 12, 29), 1, D(2010, 12, 30), D(2010, 12, 24)),
        (D(2012, 6, 30), 0, D(2012, 6, 30), D(2012, 6, 30)),
        (D(2011, 4, 21), 3, D(2011, 4, 28), D(2011, 4, 18)),
    ],
)
def test_working_days_are_counted_past_weekends_and_bank_holidays(day, n, after, before):
    assert working_days_after(day, n) == after
    assert working_days_before(day, n) == before


def test_a_negative_count_of_working_days_is_refused():
    with pytest.raises(ValueError, match="0 or more"):
        working_days_after(D(2011, 4, 21), -1)


@pytest.mark.parametrize(
    ("deadline", "before", "overdue"),
    [
        # Thursday 21 April 2011: 14, 15, 18, 19, 20 April before it; after it Good Friday,
        # Easter Monday, then 26, 27 and 28 April.
        (D(2011, 4, 21), D(2011, 4, 14), D(2011, 4, 28)),
        # Tuesday 22 December 2020: after it 23, 24 and (past Christmas, the weekend and the
        # Boxing Day substitute) Tuesday 29 December.
        (D(2020, 12, 22), D(2020, 12, 15), D(2020, 12, 29)),
        # Thursday 23 April 2026: 16, 17, 20, 21, 22 before it; 24, 27, 28 after it.
        (D(2026, 4, 23), D(2026, 4, 16), D(2026, 4, 28)),
        # Tuesday 7 April 2026: before it Easter Monday and Good Friday are skipped, then 2 and
        # 1 April, 31, 30 and 27 March; after it 8, 9 and 10 April.
        (D(2026, 4, 7), D(2026, 3, 27), D(2026, 4, 10)),
    ],
)
def test_reminders_come_5_working_days_before_on_the_day_and_3_after(deadline, before, overdue):
    assert reminder_dates(deadline) == {"before": before, "due": deadline, "overdue": overdue}
    assert list(reminder_dates(deadline)) == list(REMINDER_STAGES)


@pytest.mark.django_db
def test_a_quarter_is_due_by_the_default_until_an_administrator_sets_another_date():

    plan_year = PlanYearFactory(year="2010-11")
    # Quarter 3 ends on Friday 31 December 2010: 15 working days later is 24 January 2011.
    assert quarter_deadline(plan_year=plan_year, quarter=3) == D(2011, 1, 24)
    QuarterDeadline.objects.create(plan_year=plan_year, quarter=3, due_on=D(2011, 1, 31))
    assert quarter_deadline(plan_year=plan_year, quarter=3) == D(2011, 1, 31)
    assert quarter_deadline(plan_year=plan_year, quarter=2) == D(2010, 10, 21)


@pytest.mark.django_db
def test_a_deadline_before_the_quarter_ends_is_refused_with_a_reason():

    deadline = QuarterDeadline(
        plan_year=PlanYearFactory(year="2010-11"), quarter=2, due_on=D(2010, 9, 30)
    )
    with pytest.raises(ValidationError, match="after the quarter ends on 30 September 2010"):
        deadline.full_clean()


ADMIN_ADD = "/admin/reports/quarterdeadline/add/"


@pytest.mark.parametrize("group", ["Directors", "Staff", "Corporate services"])
def test_only_administrators_open_the_deadlines_entry_screen(client, user_in_group, group):
    client.force_login(user_in_group(group))
    assert client.get(ADMIN_ADD).status_code == 403
    assert client.get("/admin/reports/quarterdeadline/").status_code == 403


def test_an_administrator_sets_a_quarters_deadline_in_the_entry_screen(client, user_in_group):
    plan_year = PlanYearFactory(year="2010-11")
    client.force_login(user_in_group("Administrators"))
    response = client.post(
        ADMIN_ADD, {"plan_year": plan_year.pk, "quarter": 2, "due_on": "2010-10-29"}
    )
    assert response.status_code == 302
    assert quarter_deadline(plan_year=plan_year, quarter=2) == D(2010, 10, 29)
    # A second deadline for the same quarter is refused, showing the one there is.
    response = client.post(
        ADMIN_ADD, {"plan_year": plan_year.pk, "quarter": 2, "due_on": "2010-11-05"}
    )
    assert (
        "Someone else has already entered the quarter deadline Quarter 2 2010-11: due by 29 "
        "October 2010, so yours has not been saved." in response.content.decode()
    )
    # So is a deadline before the quarter has ended.
    response = client.post(
        ADMIN_ADD, {"plan_year": plan_year.pk, "quarter": 3, "due_on": "2010-12-01"}
    )
    assert "Set a date after the quarter ends on 31 December 2010." in response.content.decode()
    assert QuarterDeadline.objects.count() == 1
