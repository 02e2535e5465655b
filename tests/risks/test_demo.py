"""The demo's illustrative risks and recommendations: every tier, some escalated and some
overdue in the closed years, a risk the demo staff user may review in 2016-17, recommendations
of every status for the 2012-13 inquiries and advice projects, all illustrative and the same on
every load."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from plans import choices as plan_choices
from plans.models import PlanYear, Recommendation
from risks import choices, rules
from risks import selectors as risk_selectors
from risks.models import MitigatingAction, Risk
from risks.rights import may_edit_risk
from tests.conftest import run_load_demo
from tests.risks.test_pages import open_form, review_data

pytestmark = pytest.mark.django_db


TODAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize("year", ["2010-11", "2012-13"])
def test_the_closed_years_have_risks_in_every_tier_some_escalated_some_overdue(demo, year):
    plan_year = PlanYear.objects.get(year=year)
    register = list(Risk.objects.filter(plan_year=plan_year))
    assert {risk.tier for risk in register} == set(choices.RiskTier.values)
    escalated = [
        risk
        for risk in register
        if rules.is_escalated(
            tier=risk.tier,
            residual=risk.residual_score,
            appetite=plan_year.risk_appetite,
            is_open=risk.status == "open",
        )
    ]
    overdue = [
        risk
        for risk in register
        if rules.review_is_overdue(
            is_open=risk.status == "open", review_on=risk.review_on, as_at=TODAY
        )
    ]
    assert {risk.tier for risk in escalated} == {"project", "operational"}
    assert 0 < len(overdue) < len(register)
    assert all(plan_year.contains(risk.review_on) for risk in register)
    assert MitigatingAction.objects.filter(risk__plan_year=plan_year).exists()


def test_the_staff_user_may_review_a_2016_17_project_risk(demo):
    staff = get_user_model().objects.get(username="staff")
    project_risks = Risk.objects.filter(plan_year__year="2016-17", tier="project")
    assert any(may_edit_risk(staff, risk) for risk in project_risks)


def test_the_2012_13_inquiries_and_advice_projects_have_recommendations_of_every_status(demo):
    recommendations = Recommendation.objects.filter(project__plan_year__year="2012-13")
    themes = set(recommendations.values_list("project__performance_theme", flat=True))
    assert themes == {"inquiries", "advice and influence"}
    for theme in themes:
        statuses = set(
            recommendations.filter(project__performance_theme=theme).values_list(
                "status", flat=True
            )
        )
        assert statuses == set(plan_choices.RecommendationStatus.values)
    for recommendation in recommendations:
        recommendation.full_clean()


def test_illustrative_risks_and_recommendations_say_so(demo):
    assert not Risk.objects.filter(is_illustrative=False).exists()
    assert not Recommendation.objects.filter(is_illustrative=False).exists()
    assert all("Illustrative" in risk.current_controls for risk in Risk.objects.all())


def test_the_risks_and_recommendations_are_the_same_on_every_load(demo):
    def snapshot():
        return (
            list(Risk.objects.order_by("pk").values()),
            list(MitigatingAction.objects.order_by("pk").values()),
            list(Recommendation.objects.order_by("pk").values()),
        )

    before = snapshot()
    run_load_demo()
    assert snapshot() == before


def test_a_2016_17_review_that_leaves_the_date_empty_does_not_drop_the_risk_for_good(demo, client):
    """On the demo, 12 of 2016-17's reviews are overdue. A review that blanked the next review
    date used to make it 11 for ever; now the risk is due again a month after its review."""
    staff = get_user_model().objects.get(username="staff")
    plan_year = PlanYear.objects.get(year="2016-17")
    today = timezone.localdate()

    def reviews_overdue(as_at):
        return risk_selectors.risk_register(
            plan_year=plan_year, filters=risk_selectors.RiskFilters(), user=staff, as_at=as_at
        ).reviews_overdue

    assert reviews_overdue(today) == 12
    risk = next(
        risk
        for risk in Risk.objects.filter(plan_year=plan_year, tier="project")
        if may_edit_risk(staff, risk)
    )
    client.force_login(staff)
    data = review_data(risk, record_version=open_form(client, risk))
    data |= {"review_on_day": "", "review_on_month": "", "review_on_year": ""}
    assert client.post(f"{risk.get_absolute_url()}review/", data).status_code == 302

    next_review = rules.next_review_on(reviewed_on=today, interval_months=1)
    assert Risk.objects.get(pk=risk.pk).review_on == next_review
    assert reviews_overdue(today) == 11  # just reviewed
    assert reviews_overdue(next_review + datetime.timedelta(days=1)) == 12
