import datetime
from decimal import Decimal

import factory

from kpis import choices, models
from tests.plans.factories import PlanYearFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Indicator

    plan_year = factory.SubFactory(PlanYearFactory)
    ref = factory.Sequence(lambda n: f"KPI{n + 1}")
    title = "Total number of children and young people who engage in activities"
    tier = choices.IndicatorTier.KEY
    unit = choices.Unit.COUNT
    aggregation = choices.Aggregation.TOTAL
    annual_target = Decimal("50000")
    target_wording = "50,000"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period = datetime.date(2010, 4, 1)
    value = Decimal("4100")


class PeriodTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PeriodTarget

    indicator = factory.SubFactory(IndicatorFactory)
    period = datetime.date(2010, 4, 1)
    target = Decimal("4000")
