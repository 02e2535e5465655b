"""The risk register migration keeps the risks already held: a risk's single likelihood and
impact become its inherent and its residual scores, its mitigation its current controls, and
every plan year gets the default risk appetite."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("plans", "0007_milestone_updates")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_each_risks_scores_and_mitigation():
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2010-11", title="Plan")
    old.get_model("plans", "Risk").objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Loss of key staff",
        likelihood=2,
        impact=5,
        mitigation="Succession plans",
        review_on=datetime.date(2010, 12, 1),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    risk = new.get_model("plans", "Risk").objects.get(title="Loss of key staff")
    assert (risk.inherent_likelihood, risk.inherent_impact) == (2, 5)
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 5)
    assert risk.current_controls == "Succession plans"
    assert risk.target_score is None
    assert new.get_model("plans", "PlanYear").objects.get(year="2010-11").risk_appetite == 15
