"""Budgets hold pounds as Decimal; income is negative; lines are unique per category and project."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import GrantInAid, MonthlyFigure
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_income_is_entered_as_a_negative_amount():
    income = BudgetCategoryFactory(name="Income", is_income=True)
    line = BudgetLineFactory.build(budget=BudgetFactory(), category=income, amount=Decimal("93000"))
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert error.value.message_dict["amount"] == [
        "Income is entered as a negative amount, e.g. -93000."
    ]
    line.amount = Decimal("-93000")
    line.full_clean()


def test_only_an_income_line_can_be_negative():
    line = BudgetLineFactory.build(
        budget=BudgetFactory(), category=BudgetCategoryFactory(), amount=-5
    )
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert error.value.message_dict["amount"] == ["Only an income line can be negative."]


def test_a_budget_has_one_line_per_category_without_a_project():
    line = BudgetLineFactory()
    with pytest.raises(ValidationError) as error:
        BudgetLineFactory.build(budget=line.budget, category=line.category).full_clean()
    assert "This budget already has a line for this category." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLineFactory(budget=line.budget, category=line.category)


def test_a_budget_may_hold_one_line_per_project_in_a_category():
    budget = BudgetFactory()
    projects = BudgetCategoryFactory(name="Project costs", kind="programme delivery")
    BudgetLineFactory(
        budget=budget, category=projects, project=ProjectFactory(plan_year=budget.plan_year)
    )
    BudgetLineFactory(
        budget=budget, category=projects, project=ProjectFactory(plan_year=budget.plan_year)
    )
    assert budget.lines.count() == 2


def test_a_line_cannot_name_a_project_of_another_year():
    budget = BudgetFactory(plan_year=PlanYearFactory(year="2010-11"))
    project = ProjectFactory(plan_year=PlanYearFactory(year="2012-13"))
    line = BudgetLineFactory.build(budget=budget, category=BudgetCategoryFactory(), project=project)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert error.value.message_dict["project"] == ["Choose a project of the budget's plan year."]


def test_a_grant_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantInAid.objects.create(plan_year=PlanYearFactory(), sponsor="DfE", amount=-1)


def test_monthly_figures_fall_on_a_month_of_the_plan_year():
    line = BudgetLineFactory()
    figure = MonthlyFigure(line=line, month=datetime.date(2012, 4, 1), actual=Decimal("120000"))
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict["month"] == [
        "The month must fall within the budget's plan year."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyFigure.objects.create(line=line, month=datetime.date(2010, 4, 1))
