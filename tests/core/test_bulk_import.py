"""An import's preview validates every row in Python and writes nothing (core.bulk_import)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
import tablib
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from budgets.resources import BudgetLineResource
from core.bulk_import import UnsupportedCondition, condition_holds
from plans.resources import MilestoneResource
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory


class Record(SimpleNamespace):
    """Stands in for a model instance: its fields by name, as the evaluation reads them."""

    class _meta:
        @staticmethod
        def get_field(name):
            return SimpleNamespace(name=name, attname=name, concrete=True, many_to_many=False)


@pytest.mark.parametrize(
    ("condition", "values", "holds"),
    [
        (Q(score__gte=1, score__lte=25), {"score": 30}, False),
        (Q(score__gte=1, score__lte=25), {"score": 5}, True),
        # A comparison with NULL is unknown, which a CHECK constraint lets pass.
        (Q(score__gte=1), {"score": None}, None),
        (Q(score__isnull=True) | Q(score__gte=1), {"score": None}, True),
        (~Q(unit="percentage") | Q(target__lte=100), {"unit": "percentage", "target": 120}, False),
        (~Q(unit="percentage") | Q(target__lte=100), {"unit": "count", "target": 120}, True),
        (Q(numerator__lte=F("denominator")), {"numerator": 5, "denominator": 4}, False),
        (Q(status__in=["done", "on track"]), {"status": "late"}, False),
        (Q(tier="project", project__isnull=False), {"tier": "project", "project": None}, False),
    ],
)
def test_a_check_constraint_condition_is_evaluated_as_sql_would(condition, values, holds):
    assert condition_holds(condition, Record(**values)) is holds


def test_a_condition_it_does_not_know_is_left_to_the_database():
    with pytest.raises(UnsupportedCondition):
        condition_holds(Q(title__icontains="x"), Record(title="x"))


MILESTONE_HEADERS = ["id", "plan_year", "project", "title", "due_on", "status", "completed_on"]


@pytest.mark.django_db
def test_a_dry_run_only_reads_the_database():
    """No INSERT, UPDATE, DELETE, SAVEPOINT or BEGIN: nothing that takes SQLite's write lock."""
    project = ProjectFactory(plan_year=PlanYearFactory(year="2010-11"), title="Voices")
    stored = MilestoneFactory(project=project, title="Recruit the panel")
    sheet = tablib.Dataset(
        [stored.pk, "2010-11", "Voices", "Recruit the panel", "2010-06-30", "done", "2010-06-15"],
        ["", "2010-11", "Voices", "Publish the report", "2011-03-31", "at risk", ""],
        headers=MILESTONE_HEADERS,
    )

    with CaptureQueriesContext(connection) as queries:
        result = MilestoneResource().import_data(sheet, dry_run=True)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["update", "new"]
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries]
    assert set(statements) == {"SELECT"}, statements


@pytest.mark.django_db
def test_uniqueness_is_checked_against_stored_records_and_earlier_rows():
    budget = BudgetFactory(plan_year=PlanYearFactory(year="2010-11"))
    pay = BudgetCategoryFactory(name="Pay")
    BudgetCategoryFactory(name="Governance")
    project = ProjectFactory(plan_year=budget.plan_year, title="Voices")
    BudgetLineFactory(budget=budget, category=pay, project=project)
    sheet = tablib.Dataset(
        # The line for Pay and Voices is stored already.
        ["", "2010-11", "Pay", "Voices", "100", "", ""],
        # Two lines for Governance without a project: the second repeats the first.
        ["", "2010-11", "Governance", "", "200", "", ""],
        ["", "2010-11", "Governance", "", "300", "", ""],
        headers=["id", "plan_year", "category", "project", "amount", "description", "notes"],
    )

    result = BudgetLineResource().import_data(sheet, dry_run=True)

    assert [(row.number, row.error_dict) for row in result.invalid_rows] == [
        (2, {"__all__": ["This budget already has a line for this category and project."]}),
        (4, {"__all__": ["This budget already has a line for this category."]}),
    ]
    assert budget.lines.count() == 1
    assert budget.lines.get().amount == Decimal("1473000")
