"""The database and model validation keep plans consistent, with messages a user can read."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans import choices
from plans.models import Milestone, PlanYear, StrategicObjective, Theme
from tests.plans.factories import (
    MilestoneFactory,
    PlanYearFactory,
    ProjectFactory,
    RecommendationFactory,
    RoleFactory,
    StrategicObjectiveFactory,
    StrategyFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> list[str]:
    return error.messages


def test_a_plan_year_must_be_a_financial_year_written_like_2010_11():
    plan_year = PlanYear(year="2010/11", title="Business Plan")
    with pytest.raises(ValidationError) as error:
        plan_year.full_clean()
    assert "'2010/11' is not a financial year written like 2010-11." in messages_of(error.value)


def test_two_plans_for_the_same_year_are_refused_with_a_readable_message():
    PlanYearFactory(year="2010-11")
    with pytest.raises(ValidationError) as error:
        PlanYear(year="2010-11", title="Another").full_clean()
    assert "There is already a business plan for this year." in messages_of(error.value)


def test_an_invalid_plan_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanYear.objects.create(year="2011-12", title="Plan", status="archived")


def test_objective_refs_are_unique_within_a_plan_year_but_may_repeat_across_years():
    objective = StrategicObjectiveFactory(ref="SO1", plan_year=PlanYearFactory(year="2010-11"))
    StrategicObjectiveFactory(ref="SO1", plan_year=PlanYearFactory(year="2011-12"))
    duplicate = StrategicObjective(plan_year=objective.plan_year, ref="SO1", title="Again")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This plan year already has an objective with this ref." in messages_of(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_objective_belongs_to_a_plan_year_or_a_strategy_but_not_both():
    both = StrategicObjective(
        plan_year=PlanYearFactory(), strategy=StrategyFactory(), ref="1", title="Listen"
    )
    with pytest.raises(ValidationError) as error:
        both.full_clean()
    assert "Choose either a plan year or a strategy, not both." in messages_of(error.value)
    neither = StrategicObjective(ref="1", title="Listen")
    with pytest.raises(IntegrityError), transaction.atomic():
        neither.save()


def test_a_strategy_holds_its_own_objectives_and_pillars_without_a_plan_year():
    strategy = StrategyFactory(
        title="Three Year Strategy", start_year="2024-25", end_year="2026-27"
    )
    objective = StrategicObjective(strategy=strategy, ref="1", title="Make sure every child…")
    objective.full_clean()
    objective.save()
    pillar = Theme(strategy=strategy, kind=choices.ThemeKind.PILLAR, name="Better World")
    pillar.full_clean()
    pillar.save()
    assert list(strategy.themes.values_list("name", flat=True)) == ["Better World"]


def test_a_strategy_cannot_end_before_it_starts():
    strategy = StrategyFactory.build(start_year="2024-25", end_year="2020-21")
    with pytest.raises(ValidationError) as error:
        strategy.full_clean()
    assert "A strategy cannot end before it starts." in messages_of(error.value)


def test_theme_names_are_unique_within_a_plan_year():
    theme = ThemeFactory(name="Safeguarding")
    with pytest.raises(ValidationError) as error:
        Theme(
            plan_year=theme.plan_year, kind=choices.ThemeKind.KEY_THEME, name="Safeguarding"
        ).full_clean()
    assert "This plan year already has a theme with this name." in messages_of(error.value)


def test_a_project_budget_cannot_be_negative():
    project = ProjectFactory.build(plan_year=PlanYearFactory(), budget_excluding_staff=-1)
    with pytest.raises(ValidationError):
        project.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_project_refs_are_optional_but_unique_when_given():
    plan_year = PlanYearFactory()
    ProjectFactory(plan_year=plan_year, ref="")
    ProjectFactory(plan_year=plan_year, ref="")
    ProjectFactory(plan_year=plan_year, ref="P1")
    with pytest.raises(ValidationError) as error:
        ProjectFactory.build(plan_year=plan_year, ref="P1", title="Other").full_clean()
    assert "This plan year already has a project with this ref." in messages_of(error.value)


def test_a_project_can_have_two_owners():
    project = ProjectFactory()
    project.owners.add(RoleFactory(title="Chief Executive"), RoleFactory(title="Director of X"))
    assert project.owners.count() == 2


def test_a_done_milestone_needs_a_completion_date_and_only_a_done_one_has_one():
    done_without_date = MilestoneFactory.build(
        project=ProjectFactory(), status=choices.MilestoneStatus.DONE, completed_on=None
    )
    with pytest.raises(ValidationError) as error:
        done_without_date.full_clean()
    assert error.value.message_dict["completed_on"] == [
        "Enter the completion date, since the milestone is done."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(
            project=ProjectFactory(),
            title="Report published",
            due_on=datetime.date(2010, 9, 30),
            status=choices.MilestoneStatus.ON_TRACK,
            completed_on=datetime.date(2010, 9, 28),
        )


def test_it_refuses_a_completion_date_in_the_future():
    milestone = MilestoneFactory.build(
        project=ProjectFactory(),
        status=choices.MilestoneStatus.DONE,
        completed_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert error.value.message_dict["completed_on"] == [
        "The completion date cannot be in the future."
    ]


def test_role_abbreviations_are_unique_when_given():
    RoleFactory(title="Director of Policy", abbreviation="DoP")
    RoleFactory(title="Director of Participation", abbreviation="")
    RoleFactory(title="Director of Communications", abbreviation="")
    with pytest.raises(ValidationError) as error:
        RoleFactory.build(title="Director of Planning", abbreviation="DoP").full_clean()
    assert "Another role already uses this abbreviation." in messages_of(error.value)


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
