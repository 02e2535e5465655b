"""Each demo user does, through the pages, what README's table of demo users says they do,
and the change takes effect: the forms are read from the page as a browser would and posted
with one or two fields changed."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kpis.models import Indicator, Measurement
from plans.models import Milestone, Recommendation
from risks.models import Risk
from tests.page_forms import PostForms, submit

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_director_enters_an_actual_of_an_indicator_the_demo_gives_them(client, demo):
    indicator = Indicator.objects.get(plan_year__year="2016-17", ref="OC14")
    signed_in(client, "director")
    page = client.get(indicator.get_absolute_url())
    assert "Director of Policy (illustrative)" in page.content.decode()
    submit(
        client,
        f"{indicator.get_absolute_url()}actuals/",
        {"value": "40", "commentary": "Counted at the quarter's councils."},
        field="value",
    )
    entered = Measurement.objects.filter(indicator=indicator, value=Decimal(40))
    assert entered.filter(entered_by__username="director").exists()


def test_staff_enter_an_actual_of_a_participation_indicator(client, demo):
    indicator = Indicator.objects.get(plan_year__year="2016-17", ref="OC1")
    signed_in(client, "staff")
    submit(
        client,
        f"{indicator.get_absolute_url()}actuals/",
        {"value": "321", "commentary": "Uploads counted."},
        field="value",
    )
    assert Measurement.objects.filter(
        indicator=indicator, value=Decimal(321), entered_by__username="staff"
    ).exists()


@pytest.mark.parametrize(
    ("username", "worked_on"),
    [
        ("director", {"project__title": "See Me Hear Me"}),
        ("staff", {"project__members__username": "staff"}),
    ],
)
def test_director_and_staff_update_a_milestone_of_the_open_year(client, demo, username, worked_on):
    milestone = (
        Milestone.objects.filter(project__plan_year__year="2016-17", **worked_on)
        .exclude(status="done")
        .order_by("pk")
        .first()
    )
    signed_in(client, username)
    url = f"/plans/2016-17/projects/{milestone.project_id}/milestones/{milestone.pk}/update/"
    submit(
        client,
        url,
        {"status": "at risk", "commentary": f"Waiting for a venue ({username})."},
        field="commentary",
    )
    milestone.refresh_from_db()
    assert milestone.commentary == f"Waiting for a venue ({username})."


@pytest.mark.parametrize("username", ["staff"])
def test_staff_review_a_risk_of_a_project_they_work_on(client, demo, username):
    risk = Risk.objects.filter(
        plan_year__year="2016-17", project__members__username="staff", status="open"
    ).first()
    signed_in(client, username)
    submit(
        client,
        f"/plans/2016-17/risks/{risk.pk}/review/",
        {"current_controls": f"Reviewed by {username}."},
        field="current_controls",
    )
    risk.refresh_from_db()
    assert risk.current_controls == f"Reviewed by {username}."


def test_the_director_records_a_response_to_a_recommendation_of_the_open_year(client, demo):
    recommendation = Recommendation.objects.filter(
        project__plan_year__year="2016-17", project__title="See Me Hear Me"
    ).first()
    signed_in(client, "director")
    submit(
        client,
        f"/plans/2016-17/recommendations/{recommendation.pk}/response/",
        {"status": "accepted", "response": "Accepted in the department's reply."},
        field="response",
    )
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.response) == (
        "accepted",
        "Accepted in the department's reply.",
    )


def test_finance_read_the_variance_page_and_download_the_workbook(client, demo):
    signed_in(client, "finance")
    assert client.get("/plans/2016-17/budget/").status_code == 200
    workbook = client.get("/plans/2016-17/budget/workbook.xlsx")
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_finance_cannot_enter_kpi10_of_the_closed_2010_11_plan(client, demo):
    """README says so: 2010-11 is closed, so only administrators change its actuals."""
    indicator = Indicator.objects.get(plan_year__year="2010-11", ref="KPI10")
    before = list(Measurement.objects.filter(indicator=indicator).values_list("pk", "numerator"))
    signed_in(client, "finance")
    parser = PostForms()
    parser.feed(client.get(indicator.get_absolute_url()).content.decode())
    assert not any("numerator" in form["fields"] for form in parser.forms)
    after = list(Measurement.objects.filter(indicator=indicator).values_list("pk", "numerator"))
    assert after == before


def test_the_administrator_adds_a_group_in_the_entry_screens(client, demo):
    signed_in(client, "admin")
    submit(client, "/admin/auth/group/add/", {"name": "Auditors"}, field="name")
    assert Group.objects.filter(name="Auditors").exists()


def test_owners_and_project_lists_keep_the_printed_order(client, demo):
    """Business Plan 2010-11 prints EO1's and KPI1's owners as "Director of Participation and
    Director of Communications", and CO2's projects with "Promoting children and young people
    as positive citizens" first and "Achieving Hear by Right standard" last: the overview shows
    them in that order, not alphabetically."""
    signed_in(client, "staff")
    page = client.get("/plans/2010-11/").content.decode()
    eo1 = page[page.index("EO1") :]
    assert eo1.index("Director of Participation") < eo1.index("Director of Communications")
    co2 = page[page.index("CO2") :]
    assert co2.index("Promoting children and young people as positive citizens") < co2.index(
        "Achieving Hear by Right standard"
    )
    kpi1 = client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    assert "Director of Participation and Director of Communications" in kpi1
