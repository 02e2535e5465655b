"""Factories of the risk register, valid by default."""

import datetime

import factory

from risks.choices import RiskTier
from risks.models import MitigatingAction, Risk
from tests.plans.factories import PlanYearFactory


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    plan_year = factory.SubFactory(PlanYearFactory)
    tier = RiskTier.STRATEGIC
    title = "Loss of key staff"
    inherent_likelihood = 4
    inherent_impact = 4
    residual_likelihood = 3
    residual_impact = 4


class MitigatingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MitigatingAction

    risk = factory.SubFactory(RiskFactory)
    description = "Cross-train a second person on each key task"
    due_on = datetime.date(2010, 12, 31)
