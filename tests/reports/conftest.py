"""A small plan of 2010-11, built with the factories, whose quarter 2 report is worked out by
hand in the tests: indicators under two objectives (one continuing a 2009-10 indicator),
milestones due in quarters 2 and 3, a budget of two lines with actuals to October, four risks
and three recommendations with their history dated as it happened."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from budgets.choices import CategoryKind, PresentationUnit
from kpis.choices import IndicatorTier
from plans.choices import MilestoneStatus, RecommendationStatus
from plans.models import Recommendation
from plans.periods import months_of_financial_year
from reports.models import CorrectiveAction
from risks.choices import RiskStatus, RiskTier
from tests.budgets.factories import (
    BudgetCategoryFactory,
    BudgetFactory,
    BudgetLineFactory,
    MonthlyFigureFactory,
)
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import (
    MilestoneFactory,
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
    StrategicObjectiveFactory,
)
from tests.risks.factories import RiskFactory

D = datetime.date
MONTHS_2010 = months_of_financial_year(2010)


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def recorded(recommendation, when, **changes):
    """Save a recommendation as if on `when`: its historical row is dated then."""
    for name, value in changes.items():
        setattr(recommendation, name, value)
    recommendation._history_date = when
    recommendation.save()
    return recommendation


def monthly(indicator, values):
    """Actuals from April of the indicator's year, one a month."""
    months = months_of_financial_year(indicator.plan_year.start)
    for month, value in zip(months, values, strict=False):
        MeasurementFactory(indicator=indicator, period=month, value=Decimal(value))


def add_plan(plan_year, earlier_year, *, copies=1, suffix=""):
    """The plan's records `copies` times over (for the query counts): every copy adds the same
    indicators, milestones, budget lines and risks again."""
    policy = RoleFactory(title=f"Director of Policy{suffix}")
    so1 = StrategicObjectiveFactory(
        plan_year=plan_year, ref=f"SO1{suffix}", title="Safeguard children", position=1
    )
    so2 = StrategicObjectiveFactory(
        plan_year=plan_year, ref=f"SO2{suffix}", title="Hear children's voices", position=2
    )
    made = SimpleNamespace(policy=policy, so1=so1, so2=so2)
    for copy in range(copies):
        tag = f"{suffix}{copy or ''}"
        # 1,200 a year, profiled evenly: 100 a month, 600 to the end of September.
        last_year = IndicatorFactory(
            plan_year=earlier_year, ref=f"K1{tag}", annual_target=Decimal(1200)
        )
        monthly(last_year, [90] * 12)
        k1 = IndicatorFactory(
            plan_year=plan_year,
            ref=f"K1{tag}",
            strategic_objective=so1,
            annual_target=Decimal(1200),
            continues_from=last_year,
        )
        k1.owners.add(policy)
        monthly(k1, [100] * 6)
        k2 = IndicatorFactory(
            plan_year=plan_year, ref=f"K2{tag}", strategic_objective=so1, annual_target=1200
        )
        k2.owners.add(policy)
        monthly(k2, [100, 100, 100, 80, 80, 80, 500])
        k3 = IndicatorFactory(
            plan_year=plan_year, ref=f"K3{tag}", strategic_objective=so2, annual_target=1200
        )
        k3.owners.add(policy)
        monthly(k3, [40, 40, 40, 60, 60, 60])
        e1 = IndicatorFactory(
            plan_year=plan_year, ref=f"E1{tag}", tier=IndicatorTier.ENABLING, annual_target=12
        )
        made.__dict__.update(k1=k1, k2=k2, k3=k3, e1=e1)

        project = ProjectFactory(plan_year=plan_year, title=f"Takeover Day{tag}")
        project.owners.add(policy)
        project.strategic_objectives.add(so1)
        made.project = project
        done, on_track = MilestoneStatus.DONE, MilestoneStatus.ON_TRACK
        for title, due, status, completed, revised in [
            ("Venues booked", D(2010, 8, 15), done, D(2010, 8, 10), None),
            ("Schools signed up", D(2010, 9, 1), on_track, None, None),
            ("Report drafted", D(2010, 9, 30), MilestoneStatus.AT_RISK, None, None),
            ("Day held", D(2010, 7, 1), done, D(2010, 7, 11), None),
            ("Report published", D(2010, 11, 1), on_track, None, None),
            ("Pilot run", D(2010, 6, 1), done, D(2010, 7, 20), D(2010, 8, 1)),
        ]:
            milestone = MilestoneFactory(
                project=project,
                title=title,
                due_on=due,
                status=status,
                completed_on=completed,
                revised_due_on=revised,
                revision_reason="Venue moved" if revised else "",
                commentary="Schools slow to reply" if status != done else "",
            )
            made.__dict__.setdefault("milestones", {})[title] = milestone

        RiskFactory(
            plan_year=plan_year,
            title=f"Grant cut{tag}",
            owner=policy,
            residual_likelihood=4,
            residual_impact=4,
        )
        RiskFactory(
            plan_year=plan_year,
            title=f"Venue lost{tag}",
            tier=RiskTier.PROJECT,
            project=project,
            residual_likelihood=3,
            residual_impact=5,
        )
        RiskFactory(
            plan_year=plan_year,
            title=f"Data lost{tag}",
            tier=RiskTier.OPERATIONAL,
            residual_likelihood=4,
            residual_impact=4,
            status=RiskStatus.CLOSED,
        )
        RiskFactory(
            plan_year=plan_year,
            title=f"Staff leave{tag}",
            tier=RiskTier.OPERATIONAL,
            residual_likelihood=2,
            residual_impact=3,
        )

        accepted = Recommendation(project=project, text="Publish the complaints procedure")
        recorded(accepted, at(2010, 8, 1), status=RecommendationStatus.ACCEPTED)
        later = Recommendation(project=project, text="Train staff")
        recorded(later, at(2010, 7, 1), status=RecommendationStatus.UNDER_CONSIDERATION)
        recorded(later, at(2010, 11, 1), status=RecommendationStatus.ACCEPTED)
        done_rec = Recommendation(project=project, text="Ask children first")
        recorded(done_rec, at(2010, 9, 15), status=RecommendationStatus.IMPLEMENTED)

        budget = BudgetFactory(plan_year=plan_year, presentation_unit=PresentationUnit.POUNDS)
        pay = BudgetLineFactory(
            budget=budget,
            category=BudgetCategoryFactory(name="Pay", kind=CategoryKind.ADMIN),
            project=project if copy or suffix else None,
            amount=Decimal(120000),
        )
        projects = BudgetLineFactory(
            budget=budget,
            category=BudgetCategoryFactory(
                name="Project and themes costs", kind=CategoryKind.PROGRAMME_DELIVERY
            ),
            project=project if copy or suffix else None,
            amount=Decimal(60000),
        )
        for month, actual in zip(MONTHS_2010, [10000] * 5 + [16000, 99999], strict=False):
            MonthlyFigureFactory(line=pay, month=month, actual=Decimal(actual))
        for month in MONTHS_2010[:6]:
            MonthlyFigureFactory(line=projects, month=month, actual=Decimal(5000))
        MonthlyFigureFactory(line=projects, month=D(2010, 10, 1), actual=None, forecast=8000)
        made.pay = pay
    return made


@pytest.fixture
def plan(db):
    """The plan of 2010-11 as the tests work it out by hand, with the explanation of K2 for
    quarter 2 (K3's is missing)."""
    return make_plan()


def make_plan():
    """What the `plan` fixture gives, for a fixture of a wider scope to write too."""
    plan_year = PlanYearFactory(year="2010-11")
    earlier_year = PlanYearFactory(year="2009-10")
    made = add_plan(plan_year, earlier_year)
    CorrectiveAction.objects.create(
        plan_year=plan_year,
        quarter=2,
        indicator=made.k2,
        explanation="Two schools pulled out in July",
        action="Two more schools are signed up for October",
        recover_by=D(2010, 12, 31),
    )
    made.plan_year = plan_year
    made.earlier_year = earlier_year
    return made


def _forget_task_backends():
    """Django's task backends are made once from settings.TASKS and kept: after a change of
    setting, make them again."""
    from asgiref.local import Local
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def tasks_backend():
    """Run the test's tasks with the given backend: `tasks_backend("immediate")` runs each task
    when it is queued, `tasks_backend("database")` queues it in the database for a worker."""
    from django.test import override_settings

    backends = {
        "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        "database": "django_tasks_db.DatabaseBackend",
    }
    overrides = []

    def use(name):
        override = override_settings(TASKS={"default": {"BACKEND": backends[name]}})
        override.enable()
        overrides.append(override)
        _forget_task_backends()

    yield use
    for override in reversed(overrides):
        override.disable()
    _forget_task_backends()
