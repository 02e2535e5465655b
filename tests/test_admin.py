"""The admin entry screens open for every model, and their lists run a number of queries that
does not grow with the number of rows."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from budgets.models import GrantInAid, MonthlyFigure
from plans.models import Recommendation
from tests.budgets import factories as budget_factories
from tests.kpis import factories as kpi_factories
from tests.plans import factories as plan_factories
from tests.plans.factories import PlanYearFactory, UserFactory

ROW_NUMBERS = itertools.count()


def make_rows(model_name, n):
    """Create n rows of a model, each with its own related rows where it has them."""
    plan_year = PlanYearFactory()
    makers = {
        "role": lambda i: plan_factories.RoleFactory(),
        "strategy": lambda i: plan_factories.StrategyFactory(),
        "planyear": lambda i: PlanYearFactory(year=f"{1900 + i}-{(1 + i) % 100:02d}"),
        "strategicobjective": lambda i: plan_factories.StrategicObjectiveFactory(
            plan_year=PlanYearFactory(year=f"{1900 + i}-{(1 + i) % 100:02d}")
        ),
        "strategicaim": lambda i: plan_factories.StrategicAimFactory(),
        "theme": lambda i: plan_factories.ThemeFactory(plan_year=plan_year),
        "corporateobjective": lambda i: plan_factories.CorporateObjectiveFactory(
            plan_year=plan_year, theme=plan_factories.ThemeFactory(plan_year=plan_year)
        ),
        "project": lambda i: plan_factories.ProjectFactory(plan_year=plan_year),
        "milestone": lambda i: plan_factories.MilestoneFactory(),
        "recommendation": lambda i: Recommendation.objects.create(
            project=plan_factories.ProjectFactory(plan_year=plan_year), text=f"Recommend {i}"
        ),
        "risk": lambda i: plan_factories.RiskFactory(
            plan_year=plan_year, owner=plan_factories.RoleFactory()
        ),
        "indicator": lambda i: kpi_factories.IndicatorFactory(
            plan_year=plan_year, project=plan_factories.ProjectFactory(plan_year=plan_year)
        ),
        "measurement": lambda i: kpi_factories.MeasurementFactory(
            indicator=kpi_factories.IndicatorFactory(plan_year=plan_year),
            entered_by=UserFactory(),
        ),
        "grantinaid": lambda i: GrantInAid.objects.create(
            plan_year=plan_year, sponsor=f"Department {i}", amount=Decimal("3000000")
        ),
        "budgetcategory": lambda i: budget_factories.BudgetCategoryFactory(name=f"Category {i}"),
        "budget": lambda i: budget_factories.BudgetFactory(
            plan_year=PlanYearFactory(year=f"{1900 + i}-{(1 + i) % 100:02d}")
        ),
        "budgetline": lambda i: budget_factories.BudgetLineFactory(
            budget__plan_year=plan_year,
            category=budget_factories.BudgetCategoryFactory(name=f"Category {i}"),
            project=plan_factories.ProjectFactory(plan_year=plan_year),
        ),
        "monthlyfigure": lambda i: MonthlyFigure.objects.create(
            line=budget_factories.BudgetLineFactory(
                budget__plan_year=plan_year,
                category=budget_factories.BudgetCategoryFactory(name=f"Category {i}"),
            ),
            month=datetime.date(2010, 4, 1),
            actual=Decimal("1000"),
        ),
    }
    for _ in range(n):
        makers[model_name](next(ROW_NUMBERS))


OUR_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"plans", "kpis", "budgets"}
)


def test_every_model_of_the_apps_has_an_entry_screen():
    from django.apps import apps

    models = {
        (model._meta.app_label, model._meta.model_name)
        for app in ("plans", "kpis", "budgets")
        for model in apps.get_app_config(app).get_models()
        # Audit history is read on each record's History page, not entered.
        if not model._meta.object_name.startswith("Historical")
    }
    # Tolerances and period targets are entered inline, under their project and indicator.
    inline_only = {("plans", "projecttolerance"), ("kpis", "periodtarget")}
    assert models - inline_only == set(OUR_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), OUR_MODELS)
def test_the_list_query_count_does_not_grow_with_the_rows(
    client, app_label, model_name, django_assert_max_num_queries
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    make_rows(model_name, 2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    make_rows(model_name, 12)
    with django_assert_max_num_queries(30) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 14
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), OUR_MODELS)
def test_the_add_form_opens(client, app_label, model_name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == 200
    assert b'type="submit"' in response.content


@pytest.mark.django_db
def test_a_staff_member_can_change_milestones_but_not_budgets(client, user_in_group):
    client.force_login(user_in_group("Staff"))
    assert client.get(reverse("admin:plans_milestone_changelist")).status_code == 200
    assert client.get(reverse("admin:budgets_budgetline_changelist")).status_code == 403
    assert client.get(reverse("admin:kpis_indicator_add")).status_code == 403


@pytest.mark.django_db
def test_an_admin_entered_measurement_records_who_entered_it(client, user_in_group):
    director = user_in_group("Directors")
    client.force_login(director)
    indicator = kpi_factories.IndicatorFactory()
    response = client.post(
        reverse("admin:kpis_measurement_add"),
        {
            "indicator": indicator.pk,
            "period": "2010-05-01",
            "value": "4200",
            "commentary": "Takeover Day month",
            "entered_at_0": "2010-06-10",
            "entered_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    measurement = indicator.measurements.get()
    assert measurement.entered_by == director
    assert measurement.value == Decimal("4200")


@pytest.mark.django_db
def test_a_constraint_breach_in_the_admin_is_a_message_not_an_error_page(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    existing = kpi_factories.MeasurementFactory()
    response = client.post(
        reverse("admin:kpis_measurement_add"),
        {
            "indicator": existing.indicator.pk,
            "period": existing.period.isoformat(),
            "value": "1",
            "entered_at_0": "2010-06-10",
            "entered_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "This indicator already has an actual for this period." in response.content.decode()


@pytest.mark.django_db
def test_project_autocomplete_names_each_project_with_its_year_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for year in ["2010-11", "2012-13"]:
        plan_factories.ProjectFactory(plan_year=PlanYearFactory(year=year), title="Takeover Day")
    for n in range(10):
        plan_factories.ProjectFactory(title=f"Takeover extra {n}")
    url = reverse("admin:autocomplete")
    params = {"app_label": "plans", "model_name": "milestone", "field_name": "project"}
    with django_assert_max_num_queries(8):
        response = client.get(url, {**params, "term": "Takeover"})
    texts = {result["text"] for result in response.json()["results"]}
    assert {"Takeover Day (2010-11)", "Takeover Day (2012-13)"} <= texts
