"""The risk register and the recommendations tracker in a real browser, with axe-core checks,
error states included."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_staff_review_a_project_risk_and_see_it_in_the_history(
    signed_in_page, server_url, assert_accessible, screenshot
):
    page = signed_in_page("staff")
    page.goto(f"{server_url}/")  # the home page, where signing in leads
    page.get_by_role("link", name="Risks", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")
    page.goto(f"{server_url}/plans/2016-17/risks/")
    page.get_by_label("Tier").select_option("project")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"tier=project"))
    assert_accessible(page)

    register = page.get_by_role("table", name="Risks")
    register.get_by_role("link", name="Evidence gathering slips").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence gathering slips")
    assert_accessible(page)
    page.get_by_role("link", name="Record a review").click()

    # Changing a score without saying why is refused, with the error linked to the note; a
    # review date without its month is refused too, linked to the date's first box.
    page.get_by_label("Residual likelihood").select_option("1")
    review_date = page.get_by_role("group", name="Next review date")
    review_date.get_by_label("Month").fill("")
    page.get_by_role("button", name="Save review").click()
    expect(page).to_have_title(re.compile(r"^Error: Review"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [re.compile("a note is required"), "Next review date must include a month."]
    )
    screenshot(page, "risk-review-error")
    assert_accessible(page)
    summary.get_by_role("link", name="Next review date must include a month.").click()
    expect(review_date.get_by_label("Day")).to_be_focused()

    page.get_by_label("Review note").fill("Evidence requests sent early; informants confirmed.")
    review_date.get_by_label("Day").fill("30")
    review_date.get_by_label("Month").fill("6")
    review_date.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text(re.compile("Your review of .* is recorded"))).to_be_visible()
    page.get_by_text("History of this risk and its actions", exact=True).click()
    history = page.get_by_role("table", name=re.compile("History of this risk"))
    expect(history.get_by_role("row").nth(1)).to_contain_text("staff")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Residual likelihood")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Evidence requests sent early")
    assert_accessible(page)


def test_a_director_opens_the_heat_map_and_follows_a_cell(
    signed_in_page, server_url, assert_accessible, screenshot
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2012-13/risks/heat-map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk heat map")
    screenshot(page, "risk-heat-map")
    assert_accessible(page)

    cell = page.locator("svg").get_by_role(
        "link", name=re.compile(r"^Residual likelihood 4, impact 4")
    )
    expect(cell).to_have_count(1)
    label = cell.get_attribute("aria-label")
    count = int(re.search(r": (\d+) risks?$", label).group(1))
    cell.click()
    expect(page).to_have_url(re.compile(r"position=residual&likelihood=4&impact=4"))
    rows = page.get_by_role("table", name="Risks").locator("tbody tr")
    expect(rows).to_have_count(count)
    assert_accessible(page)

    page.go_back()
    page.get_by_text("Inherent (before controls) as a table").click()
    table = page.get_by_role("table", name="Risks by inherent likelihood and impact")
    expect(table).to_be_visible()
    table.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"position=inherent"))
    assert_accessible(page)


def test_the_strategic_view_and_the_recommendations_tracker_are_accessible(
    signed_in_page, server_url, assert_accessible
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/risks/strategic/")
    expect(
        page.get_by_role("table", name="Escalated project and operational risks")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(f"{server_url}/plans/2010-11/risks/?band=nonsense")
    expect(page).to_have_title(re.compile(r"^Error: Risk register"))
    assert_accessible(page)

    page.goto(f"{server_url}/plans/2012-13/")
    page.get_by_role("link", name="recommendations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")
    expect(page.get_by_role("table", name=re.compile("per performance theme"))).to_contain_text(
        "Inquiries"
    )
    page.get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"status=rejected"))
    assert_accessible(page)


def test_an_administrator_records_a_response_and_sees_the_error_state_first(
    page, server_url, sign_in, assert_accessible
):
    sign_in(page, server_url, "admin")
    page.goto(f"{server_url}/plans/2012-13/recommendations/?status=under+consideration")
    page.get_by_role("link", name=re.compile("^Record a response")).first.click()
    page.get_by_label("Date of the latest response").fill("not a date")
    page.get_by_role("button", name="Save response").click()
    expect(page).to_have_title(re.compile(r"^Error: Record a response"))
    assert_accessible(page)

    page.get_by_label("Status").select_option("accepted")
    page.get_by_label("Date of the latest response").fill("20/3/2013")
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_text("The response is recorded.")).to_be_visible()
    assert_accessible(page)


def test_a_project_page_lists_its_risks(signed_in_page, server_url, assert_accessible, screenshot):
    from risks.models import Risk

    risk = (
        Risk.objects.select_related("project__plan_year")
        .filter(plan_year__year="2016-17", title="Evidence gathering slips")
        .first()
    )
    page = signed_in_page("staff")
    page.goto(f"{server_url}{risk.project.get_absolute_url()}")
    risks = page.get_by_role("table", name=re.compile("Risks of this project"))
    expect(risks.get_by_role("link", name="Evidence gathering slips", exact=True)).to_have_count(1)
    screenshot(page, "project-risks")
    assert_accessible(page)
    risks.get_by_role("link", name="Evidence gathering slips", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence gathering slips")
