"""The entry screens' exports read their rows as values (core.spreadsheets.columns): every
resource's export is the one django-import-export makes from each record, cell for cell, with a
fixed number of queries however many rows it holds."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetLine
from core.services import links_set_in_order
from kpis.models import Indicator, Measurement
from plans.models import Milestone
from risks.models import Risk
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory, RoleFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

MODELS = [Measurement, Indicator, Milestone, BudgetLine, Risk]


@pytest.fixture
def year():
    return PlanYearFactory(year="2010-11")


def add_rows(model, year, count, offset=0):
    """`count` records of `model`: text that reads as a formula, negative and blank numbers,
    related records present and missing, owners listed out of alphabetical order."""
    someone = get_user_model().objects.get_or_create(username="entering")[0]
    policy = RoleFactory(title=f"Policy {offset}")
    services = RoleFactory(title=f"A services {offset}")
    for n in range(offset, offset + count):
        project = ProjectFactory(plan_year=year, title=f"=Project {n}") if n % 2 else None
        if model is Measurement:
            indicator = IndicatorFactory(plan_year=year, ref=f"Q{n}")
            MeasurementFactory(
                indicator=indicator,
                period=year.months()[n % 12],
                value=Decimal("-12.5") if n % 2 else Decimal("40"),
                commentary="+1 on last month" if n % 2 else "",
                entered_by=someone if n % 3 else None,
                entered_at=datetime.datetime(2010, 5, 3, 13, 2, tzinfo=datetime.UTC),
            )
        elif model is Indicator:
            indicator = IndicatorFactory(
                plan_year=year,
                ref=f"Q{n}",
                title=f"-{n} complaints",
                tier="project" if project else "key",
                project=project,
            )
            links_set_in_order(indicator.owners, [policy, services] if n % 2 else [services])
        elif model is Milestone:
            MilestoneFactory(project=project or ProjectFactory(plan_year=year), title=f"@{n}")
        elif model is BudgetLine:
            budget = BudgetFactory(plan_year=year) if n == 0 else year.budget
            BudgetLineFactory(
                budget=budget,
                category=BudgetCategoryFactory(name=f"Category {n}"),
                project=project,
                amount=Decimal("-93000.00") if n % 2 else Decimal("1473000.00"),
                description="=SUM(A1:A9)" if n % 2 else "Stamps",
            )
        elif model is Risk:
            RiskFactory(
                plan_year=year,
                project=project,
                owner=policy if n % 2 else None,
                tier="project" if project else "strategic",
                title=f"=HYPERLINK({n})",
            )


def resource_of(model):
    return admin.site._registry[model].get_export_resource_classes(None)[0]()


def rows_from_each_record(resource, queryset, **kwargs):
    """The rows django-import-export's own export makes, a record at a time."""
    queryset = resource.filter_export(queryset, **kwargs)
    return [
        resource.export_resource(record, **kwargs) for record in resource.iter_queryset(queryset)
    ]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("native", [True, False], ids=["workbook", "csv"])
def test_every_export_is_the_one_made_from_each_record(year, model, native):
    add_rows(model, year, 6)
    resource = resource_of(model)
    queryset = model.objects.all()

    dataset = resource.export(queryset, force_native_type=native)

    assert resource.column_readers(resource.filter_export(queryset), None, {}) is not None
    assert dataset.headers == resource.get_export_headers()
    assert [list(row) for row in dataset] == rows_from_each_record(
        resource, queryset, force_native_type=native
    )
    assert len(dataset) == model.objects.count()


@pytest.mark.parametrize("model", [Indicator, Measurement])
def test_an_export_of_records_found_through_their_links_holds_each_record_once(year, model):
    add_rows(model, year, 6)
    resource = resource_of(model)
    # As the admin's changelist finds them when a filter crosses a many-to-many relation.
    if model is Indicator:
        queryset = model.objects.filter(owners__title__in=["Policy 0", "A services 0"])
    else:
        queryset = model.objects.filter(indicator__plan_year__indicators__ref__startswith="Q")
    assert queryset.count() > 6
    queryset = queryset.distinct().order_by("-pk")

    dataset = resource.export(queryset, force_native_type=True)

    assert len(dataset) == queryset.count() == 6
    assert [list(row) for row in dataset] == rows_from_each_record(
        resource, queryset, force_native_type=True
    )


def test_an_export_names_an_indicators_owners_in_printed_order(year):
    add_rows(Indicator, year, 2)
    resource = resource_of(Indicator)

    dataset = resource.export(Indicator.objects.order_by("ref"), force_native_type=True)

    owners = dataset.headers.index("Owners")
    assert [row[owners] for row in dataset] == ["A services 0", "Policy 0;A services 0"]


def test_an_export_of_chosen_columns_holds_those_columns(year):
    add_rows(BudgetLine, year, 4)
    resource = resource_of(BudgetLine)
    chosen = ["description", "amount", "project"]

    dataset = resource.export(BudgetLine.objects.all(), export_fields=chosen)

    # In the resource's order of columns.
    assert sorted(dataset.headers) == ["Amount (£)", "Description", "Project"]
    assert [list(row) for row in dataset] == rows_from_each_record(
        resource, BudgetLine.objects.all(), selected_fields=chosen
    )


@pytest.mark.parametrize("model", MODELS)
def test_an_export_runs_as_many_queries_for_ten_times_the_rows(year, model):
    add_rows(model, year, 3)
    resource = resource_of(model)
    with CaptureQueriesContext(connection) as few:
        assert len(resource.export(model.objects.all())) == 3

    add_rows(model, year, 27, offset=3)
    with CaptureQueriesContext(connection) as many:
        assert len(resource.export(model.objects.all())) == 30

    # The rows, and an indicator's owners.
    assert (
        len(few.captured_queries) == len(many.captured_queries) == (2 if model is Indicator else 1)
    )


def test_a_column_read_by_a_method_is_read_from_each_record(year):
    add_rows(Risk, year, 3)

    class RiskWithScore(type(resource_of(Risk))):
        def dehydrate_title(self, risk):
            return f"{risk.title} ({risk.inherent_likelihood * risk.inherent_impact})"

    resource = RiskWithScore()
    dataset = resource.export(Risk.objects.order_by("pk"))

    title = dataset.headers.index("Title")
    assert [row[title] for row in dataset] == [f"'=HYPERLINK({n}) (16)" for n in range(3)]
    assert resource.column_readers(Risk.objects.all(), None, {}) is None
