"""A signed-off quarter locks what falls in it, until an administrator reopens it; one sign-off
stands per quarter."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.locks import QuarterLocks, quarter_locks
from plans.models import PlanYear, QuarterSignOff
from tests.plans.factories import PlanYearFactory, UserFactory

YEAR_2010 = PlanYear(pk=1, year="2010-11")
YEAR_2012 = PlanYear(pk=2, year="2012-13")


@pytest.mark.parametrize(
    ("day", "locked"),
    [
        (datetime.date(2010, 6, 30), False),  # quarter 1
        (datetime.date(2010, 7, 1), True),  # quarter 2 begins
        (datetime.date(2010, 9, 30), True),  # quarter 2 ends
        (datetime.date(2010, 10, 1), False),  # quarter 3
        (datetime.date(2012, 8, 1), False),  # outside the plan year
        (None, False),
    ],
)
def test_only_what_falls_in_a_signed_off_quarter_of_its_own_plan_year_is_locked(day, locked):
    locks = QuarterLocks(frozenset({(1, 2)}))

    assert locks.is_locked(YEAR_2010, day) is locked
    assert bool(locks.refusal(YEAR_2010, day)) is locked


def test_the_same_quarter_of_another_plan_year_is_not_locked():
    locks = QuarterLocks(frozenset({(1, 2)}))

    assert not locks.is_locked(YEAR_2012, datetime.date(2012, 8, 1))


def test_the_refusal_names_the_quarter_and_year_and_who_can_reopen_it():
    locks = QuarterLocks(frozenset({(1, 4)}))

    assert locks.refusal(YEAR_2010, datetime.date(2011, 2, 1)) == (
        "Quarter 4 of 2010-11 is signed off: what falls in it can no longer be changed. "
        "An administrator can reopen the quarter."
    )
    assert locks.quarter_refusal(YEAR_2010, 4) == locks.refusal(
        YEAR_2010, datetime.date(2011, 2, 1)
    )
    assert locks.quarter_refusal(YEAR_2010, 3) == ""


@pytest.mark.django_db
def test_a_reopened_quarter_is_no_longer_locked_and_can_be_signed_off_again():
    plan_year = PlanYearFactory(year="2010-11")
    director, administrator = UserFactory(), UserFactory()
    first = QuarterSignOff.objects.create(plan_year=plan_year, quarter=2, signed_off_by=director)
    assert quarter_locks().quarter_is_locked(plan_year, 2)

    first.reopened_at = timezone.now()
    first.reopened_by = administrator
    first.reopen_reason = "The September actuals were entered against the wrong indicator."
    first.save()

    assert not quarter_locks(plan_year=plan_year).quarter_is_locked(plan_year, 2)
    QuarterSignOff.objects.create(plan_year=plan_year, quarter=2, signed_off_by=director)
    assert quarter_locks(plan_year=plan_year).signed_off == {(plan_year.pk, 2)}
    assert QuarterSignOff.objects.filter(plan_year=plan_year, quarter=2).count() == 2


@pytest.mark.django_db
def test_the_database_keeps_one_standing_sign_off_per_quarter():
    plan_year = PlanYearFactory(year="2010-11")
    QuarterSignOff.objects.create(plan_year=plan_year, quarter=2, signed_off_by=UserFactory())

    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterSignOff.objects.create(plan_year=plan_year, quarter=2, signed_off_by=UserFactory())


@pytest.mark.django_db
def test_reopening_needs_a_reason():
    plan_year = PlanYearFactory(year="2010-11")
    sign_off = QuarterSignOff.objects.create(
        plan_year=plan_year, quarter=1, signed_off_by=UserFactory()
    )
    sign_off.reopened_at = timezone.now()
    sign_off.reopened_by = UserFactory()

    with pytest.raises(ValidationError, match="Give the reason for reopening the quarter"):
        sign_off.full_clean()


@pytest.mark.django_db
def test_the_locks_are_read_in_one_query(django_assert_num_queries):
    for start in (2010, 2011, 2012):
        plan_year = PlanYearFactory(year=f"{start}-{str(start + 1)[2:]}")
        for quarter in (1, 2, 3):
            QuarterSignOff.objects.create(
                plan_year=plan_year, quarter=quarter, signed_off_by=UserFactory()
            )

    with django_assert_num_queries(1):
        locks = quarter_locks()

    assert len(locks.signed_off) == 9
