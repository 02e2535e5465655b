"""The milestone tracker in a real browser on the demo data: opened from the plan overview,
filtered, paged, a wrong filter said so, and the same without JavaScript; each page and state
checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Milestone
from plans.periods import Quarter

pytestmark = pytest.mark.browser


def due_in(year: str, number: int) -> int:
    """How many of the year's milestones are due in the quarter, by the date that applies."""
    quarter = Quarter.parse(year, number)
    milestones = Milestone.objects.filter(project__plan_year__year=year)
    return sum((m.revised_due_on or m.due_on) in quarter for m in milestones)


def test_staff_open_the_tracker_filter_it_and_turn_its_pages(
    page, server_url, sign_in, assert_accessible, screenshot
):
    total = Milestone.objects.filter(project__plan_year__year="2010-11").count()
    assert total > 100, "the demo's 2010-11 milestones fill more than one page"
    sign_in(page, server_url, "staff")
    page.goto(f"{server_url}/plans/2010-11/")
    page.get_by_role("link", name="every milestone").click()

    expect(page).to_have_url(f"{server_url}/plans/2010-11/milestones/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Milestones")
    expect(page.get_by_role("heading", name=re.compile(rf"^{total} milestones: "))).to_be_visible()
    table = page.get_by_role("table", name=f"Milestones 1 to 100 of {total}")
    expect(table.get_by_role("rowheader")).to_have_count(100)
    screenshot(page, "milestone-tracker-2010-11")
    assert_accessible(page)

    pages = page.get_by_role("navigation", name="Pages of milestones")
    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    table = page.get_by_role("table", name=f"Milestones 101 to {total} of {total}")
    expect(table.get_by_role("rowheader")).to_have_count(total - 100)
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    page.get_by_label("Due in").select_option("2")
    page.get_by_label("Status as at").select_option("q2")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"quarter=2&as_at=q2"))
    expect(page.get_by_label("Due in")).to_have_value("2")
    shown = due_in("2010-11", 2)
    expect(page.get_by_role("heading", name=re.compile(rf"^{shown} milestones?: "))).to_be_visible()
    expect(page.get_by_text("as at the end of quarter 2, 30 September 2010")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_count(shown)
    expect(page.get_by_role("navigation", name="Pages of milestones")).to_have_count(0)
    screenshot(page, "milestone-tracker-2010-11-q2")
    assert_accessible(page)

    row = page.get_by_role("table").locator("tbody tr").first
    project = row.get_by_role("link").inner_text()
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project)


def test_a_wrong_filter_is_said_so_and_the_others_still_apply(
    page, server_url, sign_in, assert_accessible
):
    sign_in(page, server_url, "director")
    page.goto(f"{server_url}/plans/2016-17/milestones/?quarter=9&status=late")
    expect(page).to_have_title(re.compile(r"^Error: Milestones"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose a quarter from the list, 1 to 4.")
    expect(summary).to_contain_text("Choose a status from the list.")
    summary.get_by_role("link", name=re.compile("Choose a quarter")).click()
    expect(page.get_by_label("Due in")).to_be_focused()
    assert_accessible(page)

    page.goto(f"{server_url}/plans/2016-17/milestones/?page=99")
    expect(page.get_by_role("region", name="Important")).to_contain_text("There is no page 99")
    assert_accessible(page)


def test_the_filters_work_without_javascript(new_context, server_url, sign_in):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, server_url, "staff")
    page.goto(f"{server_url}/plans/2016-17/milestones/")
    page.get_by_label("Due in").select_option("3")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"quarter=3"))
    shown = due_in("2016-17", 3)
    expect(page.get_by_role("heading", name=re.compile(rf"^{shown} milestones?: "))).to_be_visible()
