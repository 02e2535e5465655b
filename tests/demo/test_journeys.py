"""Each demo user does, through the pages, what README's table of demo users says they do,
and the change takes effect: the forms are read from the page as a browser would and posted
with one or two fields changed."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.models import BudgetLine, MonthlyFigure
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


def test_the_director_reviews_a_risk_their_role_owns_and_its_history_shows_it(client, demo):
    """The demo gives the Director of Policy, the role `director` holds, the 2016-17 operational
    risk on policy advice (illustrative)."""
    risk = Risk.objects.get(
        plan_year__year="2016-17", title="Policy advice is not ready for parliamentary stages"
    )
    assert (risk.owner.title, risk.residual_impact) == ("Director of Policy", 4)
    signed_in(client, "director")
    page = submit(
        client,
        f"/plans/2016-17/risks/{risk.pk}/review/",
        {"residual_impact": "3", "note": "Briefings for the Bill are drafted."},
        field="residual_impact",
    )
    risk.refresh_from_db()
    # Residual 3 x 3 = 9, down from 3 x 4 = 12.
    assert (risk.residual_impact, risk.residual_score, risk.last_reviewed_by.username) == (
        3,
        9,
        "director",
    )
    latest = risk.history.first()
    assert (latest.residual_impact, latest.history_user.username) == (3, "director")
    history = page.content.decode().split("History of this risk and its actions", 1)[1]
    assert "Residual impact" in history
    assert "director" in history


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


# Corporate services' sheet of monthly actuals, April to October 2016, for the four lines of
# the printed 2016-17 budget, with November's forecasts: round figures, so that the variance
# can be worked out by hand. Governance's budget is £45,000, £3,750 a month on the even profile.
MONTHLY_ACTUALS = {
    "Programme Delivery": (190000, 191000),
    "Governance": (3700, 3800),
    "Support Costs": (35000, 35000),
    "Depreciation": (2171, 2171),
}
MONTHS = [datetime.date(2016, month, 1) for month in range(4, 11)]
NOVEMBER = datetime.date(2016, 11, 1)


def _sheet() -> bytes:
    rows = ["category,project,month,actual,forecast"]
    for category, (actual, forecast) in MONTHLY_ACTUALS.items():
        rows += [f"{category},,{month:%Y-%m},{actual}," for month in MONTHS]
        rows.append(f"{category},,{NOVEMBER:%Y-%m},,{forecast}")
    return ("\n".join(rows) + "\n").encode()


def _post_form(page, action_ends):
    parser = PostForms()
    parser.feed(page.content.decode())
    return next(form for form in parser.forms if form["action"].endswith(action_ends))


def _governance_row(client, month="2016-10"):
    page = client.get(f"/plans/2016-17/budget/?month={month}").content.decode()
    row = page[page.index(">Governance<") :]
    return row[: row.index("</tr>")]


def test_finance_import_monthly_actuals_and_forecasts_then_correct_one_in_the_entry_screens(
    client, demo
):
    signed_in(client, "finance")
    # The import page's upload form, with the sheet chosen: a dry run that changes nothing.
    upload = _post_form(client.get("/plans/2016-17/budget/import/"), "/budget/import/")
    sheet = SimpleUploadedFile("actuals.csv", _sheet(), content_type="text/csv")
    preview = client.post(upload["action"], {**upload["fields"], "file": sheet})
    assert preview.status_code == 200
    assert "Import these figures" in preview.content.decode()
    governance = BudgetLine.objects.get(
        budget__plan_year__year="2016-17", category__name="Governance"
    )
    october = MonthlyFigure.objects.get(line=governance, month=datetime.date(2016, 10, 1))
    # The demo gives October a forecast only.
    assert (october.actual, october.is_illustrative) == (None, True)

    confirm = _post_form(preview, "/budget/import/confirm/")
    client.post(confirm["action"], confirm["fields"], follow=True)

    figures = MonthlyFigure.objects.filter(line=governance)
    assert {f.month: f.actual for f in figures if f.month in MONTHS} == dict.fromkeys(
        MONTHS, Decimal(3700)
    )
    november = figures.get(month=NOVEMBER)
    assert (november.actual, november.forecast, november.is_illustrative) == (
        None,
        Decimal(3800),
        False,
    )
    # As at October, 7 of 12 months: budget to date 45,000 x 7 / 12 = 26,250; actual to date
    # 7 x 3,700 = 25,900; variance 25,900 - 26,250 = -350, and -350 / 26,250 = -1.3%.
    row = _governance_row(client)
    for shown in ("£45,000", "£26,250", "£25,900", "(£350)", "(1.3%)"):
        assert shown in row

    # October's actual corrected under the line in the entry screens: 3,700 -> 4,400.
    url = f"/admin/budgets/budgetline/{governance.pk}/change/"
    parser = PostForms()
    parser.feed(client.get(url).content.decode())
    fields = next(f for f in parser.forms if "monthly_figures-TOTAL_FORMS" in f["fields"])["fields"]
    index = next(
        name.split("-")[1]
        for name, value in fields.items()
        if name.startswith("monthly_figures-") and name.endswith("-id") and value == str(october.pk)
    )
    actual = f"monthly_figures-{index}-actual"
    submit(client, url, {actual: "4400"}, field=actual)
    october.refresh_from_db()
    assert october.actual == Decimal(4400)
    assert october.history.first().history_user.username == "finance"
    # Actual to date 6 x 3,700 + 4,400 = 26,600; variance 26,600 - 26,250 = 350, 1.3%.
    row = _governance_row(client)
    for shown in ("£26,250", "£26,600", "£350", "1.3%"):
        assert shown in row
    assert "(£350)" not in row
