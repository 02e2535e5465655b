import datetime
from decimal import Decimal

import factory

from budgets import choices, models
from tests.plans.factories import PlanYearFactory


class BudgetCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BudgetCategory
        django_get_or_create = ["name"]

    name = "Pay"
    kind = choices.CategoryKind.ADMIN


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Budget
        django_get_or_create = ["plan_year"]

    plan_year = factory.SubFactory(PlanYearFactory)
    presentation_unit = choices.PresentationUnit.THOUSANDS


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BudgetLine

    budget = factory.SubFactory(BudgetFactory)
    category = factory.SubFactory(BudgetCategoryFactory)
    amount = Decimal("1473000")


class GrantInAidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GrantInAid

    plan_year = factory.SubFactory(PlanYearFactory)
    sponsor = "Department for Children, Schools and Families"
    amount = Decimal("3000000")


class MonthlyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MonthlyFigure

    line = factory.SubFactory(BudgetLineFactory)
    month = datetime.date(2010, 4, 1)
    actual = Decimal("120000")
