"""What the database and the models refuse in the risk register, with messages a person can
read."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risks import choices
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
)
from tests.risks.factories import RiskFactory

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


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_risk_likelihood_and_impact_run_from_1_to_5(likelihood, impact):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFactory(residual_likelihood=likelihood, residual_impact=impact)


def test_a_project_risk_names_its_project():
    with pytest.raises(ValidationError) as error:
        RiskFactory.build(plan_year=PlanYearFactory(), tier=choices.RiskTier.PROJECT).full_clean()
    assert "A project risk names its project; other risks do not." in messages_of(error.value)


def test_a_risk_score_is_likelihood_times_impact():
    risk = RiskFactory(inherent_likelihood=5, inherent_impact=4, residual_likelihood=3)
    assert (risk.inherent_score, risk.residual_score) == (20, 12)
