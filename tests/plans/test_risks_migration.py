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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_risk_reviewed_with_a_blank_next_review_date_gets_one_from_the_interval():
    """The review interval's migration loses nothing: the blank date is filled, a month after
    the review (the register's default interval), and a date already set is kept."""
    before = [("plans", "0008_risk_register")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    plan_year = old.get_model("plans", "PlanYear").objects.create(year="2016-17", title="Plan")
    Risk = old.get_model("plans", "Risk")
    scores = dict.fromkeys(
        ["inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"], 3
    )
    reviewed_at = datetime.datetime(2017, 1, 31, 10, tzinfo=datetime.UTC)
    Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Blanked",
        last_reviewed_at=reviewed_at,
        **scores,
    )
    Risk.objects.create(
        plan_year=plan_year,
        tier="strategic",
        title="Dated",
        last_reviewed_at=reviewed_at,
        review_on=datetime.date(2017, 6, 30),
        **scores,
    )
    Risk.objects.create(plan_year=plan_year, tier="strategic", title="Never reviewed", **scores)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    review_dates = dict(new.get_model("plans", "Risk").objects.values_list("title", "review_on"))
    assert review_dates == {
        "Blanked": datetime.date(2017, 2, 28),
        "Dated": datetime.date(2017, 6, 30),
        "Never reviewed": None,
    }
    assert new.get_model("plans", "PlanYear").objects.get().risk_review_months == 1
