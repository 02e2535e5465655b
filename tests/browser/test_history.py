"""The history sections of the pages, opened in a real browser and checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_director_opens_the_history_of_a_project_and_reads_who_made_it(
    signed_in_page, server_url, assert_accessible
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/")
    page.get_by_role("link", name="Takeover Day").first.click()

    page.get_by_text("History of this project and its milestones", exact=True).click()
    history = page.get_by_role("table", name="History of this project and its milestones")
    expect(history).to_be_visible()
    expect(history.get_by_role("cell", name="system").first).to_be_visible()
    expect(history).to_contain_text("created")
    assert_accessible(page)


def test_the_history_of_an_indicator_and_of_a_plan_open_without_javascript(
    new_context, server_url, sign_in
):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, server_url, "staff")
    for path, summary in [
        ("/plans/2010-11/indicators/KPI1/", "History of this indicator, its targets and actuals"),
        ("/plans/2010-11/", "History of this plan"),
    ]:
        page.goto(f"{server_url}{path}")
        page.get_by_text(summary, exact=True).click()
        expect(page.get_by_role("table", name=summary)).to_contain_text("system")


def test_a_director_follows_a_project_history_to_its_full_history_page(
    signed_in_page, server_url, assert_accessible
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/")
    page.get_by_role("link", name="Takeover Day").first.click()

    page.get_by_text("History of this project and its milestones", exact=True).click()
    page.locator(".app-history").get_by_role("link", name=re.compile("full history")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History of Takeover Day")
    history = page.get_by_role("table", name="History of project, newest first")
    expect(history.get_by_role("cell", name="system").first).to_be_visible()
    expect(history).to_contain_text("created")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Takeover Day")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Takeover Day")
