"""Indicators and measurements are validated by the model and guarded by the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpis import choices
from kpis.models import Measurement
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def test_indicator_refs_are_unique_within_a_plan_year():
    indicator = IndicatorFactory(ref="KPI1")
    IndicatorFactory(ref="KPI1", plan_year=PlanYearFactory(year="2012-13"))
    with pytest.raises(ValidationError) as error:
        IndicatorFactory.build(plan_year=indicator.plan_year, ref="KPI1").full_clean()
    assert "This plan year already has an indicator with this ref." in error.value.messages


def test_a_percentage_target_above_100_is_refused():
    indicator = IndicatorFactory.build(
        plan_year=PlanYearFactory(), unit=choices.Unit.PERCENTAGE, annual_target=Decimal("120")
    )
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "A percentage target must be between 0 and 100." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


def test_a_project_indicator_names_its_project():
    indicator = IndicatorFactory.build(
        plan_year=PlanYearFactory(), tier=choices.IndicatorTier.PROJECT
    )
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "A project indicator names its project." in error.value.messages


def test_an_indicator_cannot_name_a_project_of_another_year():
    project = ProjectFactory(plan_year=PlanYearFactory(year="2012-13"))
    indicator = IndicatorFactory.build(
        plan_year=PlanYearFactory(year="2010-11"),
        tier=choices.IndicatorTier.PROJECT,
        project=project,
    )
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert error.value.message_dict["project"] == ["Choose a project of the same plan year."]


def test_a_target_relative_to_a_baseline_gives_the_annual_target():
    indicator = IndicatorFactory.build(
        annual_target=None, baseline=Decimal("120000"), target_change_percent=Decimal("50")
    )
    assert indicator.target == Decimal("180000")
    assert IndicatorFactory.build(annual_target=None, baseline=None).target is None


def test_only_one_measurement_per_indicator_and_period():
    measurement = MeasurementFactory()
    with pytest.raises(ValidationError) as error:
        MeasurementFactory.build(
            indicator=measurement.indicator, period=measurement.period
        ).full_clean()
    assert "This indicator already has an actual for this period." in error.value.messages


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (datetime.date(2010, 4, 15), "A period is given by the first day of its month."),
        (datetime.date(2011, 4, 1), "The period must fall within 2010-11."),
    ],
)
def test_a_measurement_period_is_a_month_of_the_plan_year(period, message):
    measurement = MeasurementFactory.build(indicator=IndicatorFactory(), period=period)
    with pytest.raises(ValidationError) as error:
        measurement.full_clean()
    assert error.value.message_dict["period"] == [message]


def test_a_quarterly_indicator_is_measured_at_the_start_of_a_quarter():
    indicator = IndicatorFactory(frequency=choices.Frequency.QUARTERLY)
    MeasurementFactory.build(indicator=indicator, period=datetime.date(2010, 7, 1)).full_clean()
    with pytest.raises(ValidationError) as error:
        MeasurementFactory.build(indicator=indicator, period=datetime.date(2010, 8, 1)).full_clean()
    assert "This indicator is quarterly: use the first month of a quarter." in error.value.messages


def test_an_annual_indicator_is_measured_once_in_april():
    indicator = IndicatorFactory(frequency=choices.Frequency.ANNUAL)
    assert indicator.periods() == [datetime.date(indicator.plan_year.start, 4, 1)]
    MeasurementFactory.build(indicator=indicator, period=indicator.periods()[0]).full_clean()
    with pytest.raises(ValidationError) as error:
        MeasurementFactory.build(
            indicator=indicator, period=datetime.date(indicator.plan_year.start, 7, 1)
        ).full_clean()
    assert "This indicator is annual: use April, the first month of the year." in (
        error.value.messages
    )


def test_a_quarterly_indicator_has_four_periods():
    indicator = IndicatorFactory(frequency=choices.Frequency.QUARTERLY)
    assert [period.month for period in indicator.periods()] == [4, 7, 10, 1]


def test_a_ratio_indicator_records_what_was_counted():
    indicator = IndicatorFactory(
        unit=choices.Unit.PERCENTAGE, aggregation=choices.Aggregation.RATIO, annual_target=80
    )
    with pytest.raises(ValidationError) as error:
        MeasurementFactory.build(indicator=indicator, value=Decimal("81")).full_clean()
    assert error.value.message_dict["numerator"] == [
        "This indicator is a ratio: give a numerator and denominator."
    ]
    measurement = MeasurementFactory(
        indicator=indicator, value=None, numerator=Decimal("162"), denominator=Decimal("200")
    )
    assert measurement.ratio_percent == Decimal("81")


@pytest.mark.parametrize(
    ("numerator", "denominator"), [(Decimal("5"), Decimal("0")), (Decimal("201"), Decimal("200"))]
)
def test_the_database_refuses_an_impossible_ratio(numerator, denominator):
    indicator = IndicatorFactory(aggregation=choices.Aggregation.RATIO)
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            indicator=indicator,
            period=datetime.date(2010, 4, 1),
            numerator=numerator,
            denominator=denominator,
        )


def test_a_measurement_without_any_figure_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(indicator=IndicatorFactory(), period=datetime.date(2010, 4, 1))


def test_figures_are_kept_exactly_as_decimals():
    measurement = MeasurementFactory(value=Decimal("10000.1234"))
    measurement.refresh_from_db()
    assert measurement.value == Decimal("10000.1234")


def test_an_indicator_counted_from_recommendations_gives_the_three_printed_counts(
    django_assert_num_queries,
):
    project = ProjectFactory()
    indicator = IndicatorFactory(
        plan_year=project.plan_year,
        project=project,
        tier=choices.IndicatorTier.PROJECT,
        source=choices.Source.RECOMMENDATIONS,
    )
    for status in ["accepted", "accepted", "implemented", "rejected"]:
        RecommendationFactory(project=project, status=status)
    RecommendationFactory(status="accepted")  # another project's
    with django_assert_num_queries(1):
        counts = indicator.recommendation_counts()
    assert counts == {"accepted": 2, "implemented": 1, "under consideration": 0}


def test_an_entered_indicator_has_no_recommendation_counts():
    assert IndicatorFactory().recommendation_counts() is None


def test_an_indicator_counted_from_recommendations_names_its_project():
    indicator = IndicatorFactory.build(
        plan_year=PlanYearFactory(), source=choices.Source.RECOMMENDATIONS
    )
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "An indicator counted from recommendations names its project." in (error.value.messages)


def test_an_indicator_continues_one_of_an_earlier_plan_year_only():
    earlier = IndicatorFactory(plan_year=PlanYearFactory(year="2010-11"), ref="KPI1")
    later = IndicatorFactory(plan_year=PlanYearFactory(year="2011-12"), ref="KPI1")
    later.continues_from = earlier
    later.full_clean()
    earlier.continues_from = later
    with pytest.raises(ValidationError, match="earlier plan year"):
        earlier.full_clean()
