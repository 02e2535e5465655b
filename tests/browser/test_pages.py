"""What a user sees in a real browser, checked for accessibility with axe-core.

The tests drive the live server holding the real demo data, signing in through the sign-in form
(the users admin, director, staff and finance, password 'demo').
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLAN_YEARS = ["Business Plan 2010-11", "Business Plan 2012-13", "Business Plan 2016-17"]


def test_a_director_signs_in_and_sees_the_strategies_and_plans(
    page, server_url, sign_in, assert_accessible, screenshot
):
    page.goto(f"{server_url}/accounts/login/")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    assert_accessible(page)

    sign_in(page, server_url, "director")

    expect(page).to_have_url(f"{server_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategies and business plans")
    expect(page.get_by_role("heading", name="Ambitious for Children")).to_be_visible()
    for title in PLAN_YEARS:
        expect(page.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out director")).to_be_visible()
    screenshot(page, "home")
    assert_accessible(page)


def test_a_reader_follows_the_home_page_to_the_strategy_as_its_document_sets_it_out(
    page, server_url, sign_in, assert_accessible, screenshot
):
    sign_in(page, server_url, "staff")
    page.get_by_role("link", name="Three Year Strategy 2024-2027").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Three Year Strategy 2024-2027")
    for heading in ["Our mission", "Our approach", "Strategic objectives", "Our pillars"]:
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Engage and Influence")).to_be_visible()
    expect(page.get_by_text("We will do this by creating an open survey function")).to_be_visible()
    screenshot(page, "strategy-2024-27")
    assert_accessible(page)


def test_a_wrong_password_shows_the_error_summary_linked_to_the_field(
    page, server_url, sign_in, assert_accessible
):
    sign_in(page, server_url, "director", password="not the password")

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the error summary so screen reader users hear it first.
    expect(summary).to_be_focused()
    error_link = summary.get_by_role("link", name=re.compile("correct username and password"))
    expect(error_link).to_have_attribute("href", "#id_username")
    assert_accessible(page)

    error_link.click()
    expect(page.get_by_label("Username")).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("director")


def test_the_2010_11_overview_shows_objectives_owners_and_targets(
    signed_in_page, server_url, assert_accessible, screenshot
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Business Plan 2010-11")
    expect(page.get_by_role("heading", name=re.compile(r"^SO1: "))).to_be_visible()

    corporate = page.get_by_role("table", name="Corporate and enabling objectives")
    co1 = corporate.get_by_role("row").filter(has=page.get_by_role("rowheader", name="CO1"))
    expect(co1).to_have_count(1)
    expect(co1).to_contain_text("Director of Communications")
    expect(co1).to_contain_text("Director of Participation")

    indicators = page.get_by_role("table", name=re.compile("^Performance indicators"))
    kpi1 = indicators.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="KPI1", exact=True)
    )
    expect(kpi1).to_have_count(1)
    expect(kpi1).to_contain_text("Total number of children and young people")
    expect(kpi1.get_by_role("cell").last).to_have_text("50,000")

    screenshot(page, "overview-2010-11")
    assert_accessible(page)


@pytest.mark.parametrize("year", ["2012-13", "2016-17"])
def test_the_other_plan_overviews_are_accessible(
    signed_in_page, server_url, assert_accessible, year
):
    page = signed_in_page("staff")
    page.goto(f"{server_url}/plans/{year}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Business Plan {year}")
    expect(page.get_by_role("heading", name="Performance indicators")).to_be_visible()
    assert_accessible(page)


def test_the_indicator_and_project_pages_linked_from_the_overview_are_accessible(
    signed_in_page, server_url, assert_accessible
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/")

    page.get_by_role("link", name="KPI1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KPI1")
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name="Takeover Day").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Takeover Day")
    assert_accessible(page)


def test_an_anonymous_visitor_is_sent_to_sign_in(page, server_url):
    page.goto(f"{server_url}/plans/2010-11/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/plans/2010-11/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_signing_in_and_reading_a_plan_works_without_javascript(new_context, server_url, sign_in):
    page = new_context(java_script_enabled=False).new_page()

    sign_in(page, server_url, "director")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategies and business plans")
    # The page's own script would have added this class had JavaScript run.
    expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))

    page.get_by_role("link", name="Business Plan 2010-11", exact=True).click()
    expect(page).to_have_url(f"{server_url}/plans/2010-11/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Business Plan 2010-11")
    expect(page.get_by_role("rowheader", name="KPI1", exact=True)).to_be_visible()


def test_signing_out_returns_to_the_sign_in_page(page, server_url, sign_in):
    sign_in(page, server_url, "director")
    page.get_by_role("button", name="Sign out director").click()

    expect(page).to_have_url(f"{server_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # Signed out means signed out: the plans are no longer reachable.
    page.goto(f"{server_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_too_many_wrong_passwords_lead_to_a_lockout_page_that_says_when_to_try_again(
    page, server_url, sign_in, assert_accessible, screenshot
):
    for _ in range(5):
        sign_in(page, server_url, "director", password="not the password")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have tried to sign in too many times"
    )
    expect(page.get_by_text(re.compile(r"You can try again in 15 minutes"))).to_be_visible()
    screenshot(page, "locked-out")
    assert_accessible(page)

    sign_in(page, server_url, "director")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have tried to sign in too many times"
    )
