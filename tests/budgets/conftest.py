"""A small 2016-17 budget to import into and report on: Pay, two project lines and income."""

import datetime
from decimal import Decimal

import pytest

from budgets import choices
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory, RoleFactory

APRIL = datetime.date(2016, 4, 1)
MAY = datetime.date(2016, 5, 1)


@pytest.fixture
def budget(db):
    plan_year = PlanYearFactory(year="2016-17")
    budget = BudgetFactory(plan_year=plan_year, presentation_unit=choices.PresentationUnit.POUNDS)
    pay = BudgetCategoryFactory(name="Pay", kind=choices.CategoryKind.ADMIN)
    projects = BudgetCategoryFactory(
        name="Project costs", kind=choices.CategoryKind.PROGRAMME_DELIVERY
    )
    income = BudgetCategoryFactory(name="Income", kind=choices.CategoryKind.ADMIN, is_income=True)
    director = RoleFactory(title="Director of Policy")
    inquiry = ProjectFactory(plan_year=plan_year, title="Takeover Day")
    inquiry.owners.add(director)
    digital = ProjectFactory(plan_year=plan_year, title="=Growing Up Digital")
    BudgetLineFactory(budget=budget, category=pay, amount=Decimal("1200000"), position=1)
    BudgetLineFactory(
        budget=budget, category=projects, project=inquiry, amount=Decimal("60000"), position=2
    )
    BudgetLineFactory(
        budget=budget, category=projects, project=digital, amount=Decimal("24000"), position=3
    )
    BudgetLineFactory(budget=budget, category=income, amount=Decimal("-12000"), position=4)
    return budget


@pytest.fixture
def finance_client(client, user_in_group):
    user = user_in_group("Corporate services", username="finance")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def director_client(client, user_in_group):
    """A director, who reads budgets but does not keep them."""
    client.force_login(user_in_group("Directors"))
    return client
