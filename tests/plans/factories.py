import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from plans import choices, models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Role

    title = factory.Sequence(lambda n: f"Director of Work Area {n}")


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Strategy

    title = factory.Sequence(lambda n: f"Strategy {n}")
    start_year = "2008-09"
    end_year = "2010-11"


class PlanYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PlanYear
        django_get_or_create = ["year"]

    year = "2010-11"
    title = factory.LazyAttribute(lambda plan: f"Business Plan {plan.year}")
    status = choices.PlanStatus.PUBLISHED


class StrategicObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StrategicObjective

    plan_year = factory.SubFactory(PlanYearFactory)
    ref = factory.Sequence(lambda n: f"SO{n + 1}")
    title = "Safeguard the interests of children and young people"


class StrategicAimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StrategicAim

    objective = factory.SubFactory(StrategicObjectiveFactory)
    ref = factory.Sequence(lambda n: f"1.{n + 1}")
    summary = "Report the voices and concerns of children and young people."


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Theme

    plan_year = factory.SubFactory(PlanYearFactory)
    kind = choices.ThemeKind.KEY_THEME
    name = factory.Sequence(lambda n: f"Theme {n}")


class CorporateObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CorporateObjective

    plan_year = factory.SubFactory(PlanYearFactory)
    ref = factory.Sequence(lambda n: f"CO{n + 1}")
    kind = choices.CorporateObjectiveKind.CORPORATE
    aim = "To safeguard children from harm."


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    plan_year = factory.SubFactory(PlanYearFactory)
    title = factory.Sequence(lambda n: f"Project {n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2010, 9, 30)


class ProjectToleranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProjectTolerance

    project = factory.SubFactory(ProjectFactory)
    dimension = choices.ToleranceDimension.TIME


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Recommendation

    project = factory.SubFactory(ProjectFactory)
    text = "Every local authority should publish its complaints procedure for children."


def projects_and_people(user_in_group):
    """Projects of an open and a closed year and the people around them: a director who owns
    one (through the Director of Policy role), staff and corporate services who are members of
    another, an administrator and a superuser, and a project none of them works on."""
    from types import SimpleNamespace

    from plans.choices import PlanStatus

    open_year = PlanYearFactory(year="2024-25", status=PlanStatus.PUBLISHED)
    closed_year = PlanYearFactory(year="2023-24", status=PlanStatus.CLOSED)
    policy = RoleFactory(title="Director of Policy")
    w = SimpleNamespace(
        staff=user_in_group("Staff"),
        director=user_in_group("Directors"),
        finance=user_in_group("Corporate services"),
        administrator=user_in_group("Administrators"),
        superuser=UserFactory(is_staff=True, is_superuser=True),
        owned=ProjectFactory(plan_year=open_year, title="Takeover Day"),
        membered=ProjectFactory(plan_year=open_year, title="Children's voices"),
        other=ProjectFactory(plan_year=open_year, title="Young people's panel"),
        closed=ProjectFactory(plan_year=closed_year, title="Takeover Day"),
    )
    policy.holders.add(w.director)
    w.owned.owners.add(policy)
    w.closed.owners.add(policy)
    w.membered.members.add(w.staff, w.finance)
    w.closed.members.add(w.staff)
    return w


class QuarterSignOffFactory(factory.django.DjangoModelFactory):
    """A standing sign-off of quarter 2; pass `reopened=True` for one an administrator has
    reopened."""

    class Meta:
        model = models.QuarterSignOff

    class Params:
        reopened = factory.Trait(
            reopened_at=factory.LazyFunction(timezone.now),
            reopened_by=factory.SubFactory(UserFactory),
            reopen_reason="The September actuals were entered against the wrong indicator.",
        )

    plan_year = factory.SubFactory(PlanYearFactory)
    quarter = 2
    signed_off_by = factory.SubFactory(UserFactory)
