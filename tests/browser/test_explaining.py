"""Staff explain a milestone for the quarterly report in a real browser: from My work to the
explanation page, its error summary, and the saved explanation shown back; each state checked
with axe-core.

The demo's 2016-17 plan is open, and the user `staff` is a member of its first three projects
(demo/users.py). 2016-17 has ended, so its items' pages link to its quarter 4.
"""

import re

import pytest
from playwright.sync_api import expect

from reports.models import CorrectiveAction
from tests.browser.test_my_work import fill_date, staffs_milestone

pytestmark = pytest.mark.browser


def test_staff_explain_a_milestone_from_my_work(
    page, server_url, sign_in, assert_accessible, screenshot
):
    milestone = staffs_milestone()
    sign_in(page, server_url, "staff")
    page.goto(f"{server_url}/my-work/?year=2016-17")

    page.get_by_role("link", name=f"Explain {milestone.title} for the report").first.click()

    expect(page).to_have_url(re.compile(rf"/reports/2016-17/q4/explain/milestone/{milestone.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Explain {milestone.title}")
    assert_accessible(page)

    page.get_by_role("button", name="Save the explanation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the explanation")
    expect(summary).to_contain_text("Enter the expected recovery date.")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the expected recovery date.").click()
    expect(
        page.get_by_role("group", name="Expected recovery date").get_by_label("Day")
    ).to_be_focused()

    page.get_by_label("Explanation", exact=True).fill("The printer went out of business.")
    page.get_by_label("Corrective action", exact=True).fill("A second printer is booked.")
    fill_date(page, "Expected recovery date", 30, 4, 2017)
    page.get_by_role("button", name="Save the explanation").click()

    expect(page.get_by_role("alert")).to_contain_text("The explanation for Quarter 4 2016-17")
    expect(page.locator("#saved-explanation")).to_contain_text("30 April 2017")
    screenshot(page, "explanation-saved")
    assert_accessible(page)
    record = CorrectiveAction.objects.get()
    assert (record.milestone_id, record.quarter, record.entered_by.username) == (
        milestone.pk,
        4,
        "staff",
    )
