import datetime

import pytest

from plans.selectors import current_plan_year
from tests.plans.factories import PlanYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_current_plan_year_is_the_one_covering_today():
    ProjectFactory(plan_year=PlanYearFactory(year="2025-26"))
    covering = ProjectFactory(plan_year=PlanYearFactory(year="2026-27")).plan_year

    # 1 April 2026 is the first day of 2026-27; 31 March 2026 the last of 2025-26.
    assert current_plan_year(today=datetime.date(2026, 4, 1)) == covering
    assert current_plan_year(today=datetime.date(2026, 3, 31)).year == "2025-26"


def test_without_projects_today_the_latest_plan_year_with_projects_is_current():
    PlanYearFactory(year="2026-27")  # covers today, but holds no projects
    ProjectFactory(plan_year=PlanYearFactory(year="2012-13"))
    latest = ProjectFactory(plan_year=PlanYearFactory(year="2016-17")).plan_year

    assert current_plan_year(today=datetime.date(2026, 11, 27)) == latest


def test_there_is_no_current_plan_year_without_projects():
    PlanYearFactory(year="2026-27")

    assert current_plan_year(today=datetime.date(2026, 11, 27)) is None
