"""What the database and the models refuse in the risk register and the recommendations, with
messages a person can read."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans import choices
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
    RecommendationFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(error):
    return [message for messages in error.message_dict.values() for message in messages]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inherent_likelihood", 6, "Inherent likelihood must be between 1 and 5."),
        ("inherent_impact", 0, "Inherent impact must be between 1 and 5."),
        ("residual_likelihood", 0, "Residual likelihood must be between 1 and 5."),
        ("residual_impact", 6, "Residual impact must be between 1 and 5."),
        ("target_score", 26, "The target score must be between 1 and 25."),
    ],
)
def test_scores_out_of_range_are_refused_with_a_readable_message(field, value, message):
    risk = RiskFactory.build(plan_year=PlanYearFactory(), **{field: value})
    with pytest.raises(ValidationError) as error:
        risk.full_clean()
    assert message in messages_of(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        risk.save()


def test_a_project_risk_names_a_project_of_its_own_plan_year():
    plan_year = PlanYearFactory(year="2016-17")
    other = ProjectFactory(plan_year=PlanYearFactory(year="2012-13"))
    risk = RiskFactory.build(plan_year=plan_year, tier=choices.RiskTier.PROJECT, project=other)
    with pytest.raises(ValidationError) as error:
        risk.full_clean()
    assert error.value.message_dict["project"] == ["Choose a project of the same plan year."]


@pytest.mark.parametrize("appetite", [0, 26])
def test_the_risk_appetite_is_a_score_from_1_to_25(appetite):
    plan_year = PlanYearFactory.build(year="2016-17", risk_appetite=appetite)
    with pytest.raises(ValidationError):
        plan_year.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        plan_year.save()


def test_a_plan_year_has_a_risk_appetite_of_15_unless_set():
    assert PlanYearFactory().risk_appetite == 15


def test_a_response_cannot_come_before_the_recommendation():
    recommendation = RecommendationFactory.build(
        project=ProjectFactory(),
        made_on=datetime.date(2012, 9, 1),
        responded_on=datetime.date(2012, 8, 1),
    )
    with pytest.raises(ValidationError) as error:
        recommendation.full_clean()
    assert "A response cannot come before the recommendation was made." in messages_of(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        recommendation.save()


def test_a_response_cannot_be_dated_in_the_future():
    recommendation = RecommendationFactory.build(
        project=ProjectFactory(),
        responded_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        recommendation.full_clean()
    assert error.value.message_dict["responded_on"] == [
        "The date of the latest response cannot be in the future."
    ]
