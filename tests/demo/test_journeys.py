"""Each demo user does, through the pages, what README's table of demo users says they do,
and the change takes effect: the forms are read from the page as a browser would and posted
with one or two fields changed."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kpis.models import Indicator, Measurement
from plans.models import Milestone, Recommendation
from risks.models import Risk

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """The post forms of a page: each a dict of its fields' names and submitted values."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.form = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.form["fields"][attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select:
            fields = self.form["fields"]
            if "selected" in attrs or self.select not in fields:
                fields[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.form["fields"][self.textarea] = ""

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def submit(client, url, changes, *, field):
    """Open `url`, fill in the post form that has `field` with `changes`, and post it as a
    browser would; the response after any redirect."""
    page = client.get(url)
    assert page.status_code == 200, url
    parser = _Forms()
    parser.feed(page.content.decode())
    form = next(f for f in parser.forms if field in f["fields"])
    data = {**form["fields"], **changes}
    return client.post(form["action"] or url, data, follow=True)


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
    parser = _Forms()
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
