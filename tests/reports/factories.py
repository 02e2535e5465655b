"""Factories of the quarterly report, valid by default."""

import datetime

import factory

from reports.explaining import plan_year_of_item
from reports.models import CorrectiveAction
from tests.kpis.factories import IndicatorFactory


class CorrectiveActionFactory(factory.django.DjangoModelFactory):
    """An indicator's explanation for quarter 2 of its plan year (2010-11 by default)."""

    class Meta:
        model = CorrectiveAction

    indicator = factory.SubFactory(IndicatorFactory)
    milestone = None
    budget_line = None
    risk = None
    # The plan year of whichever item it explains (pass indicator=None with another item).
    plan_year = factory.LazyAttribute(
        lambda action: plan_year_of_item(
            next(
                item
                for item in (action.indicator, action.milestone, action.budget_line, action.risk)
                if item is not None
            )
        )
    )
    quarter = 2
    explanation = "Two school visits were postponed by the autumn half-term."
    action = "Both visits are rebooked for November."
    recover_by = datetime.date(2010, 12, 31)
