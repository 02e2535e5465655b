"""A director returns a corrective action for revision in a real browser, and its owner sees it
on My work and resubmits it; each page checked with axe-core.

In the demo, 2016-17 is open and none of its quarters is signed off; `finance` is in corporate
services, who keep the budget and explain its lines. The corrective action is entered here, as
its owner would have on the explanation page.
"""

import re

import pytest
from playwright.sync_api import expect

from budgets.models import BudgetLine
from reports.models import CorrectiveAction, ReturnForRevision

pytestmark = pytest.mark.browser

NOTE = "Say how much of the underspend is the delayed inquiry."


def finances_corrective_action() -> CorrectiveAction:
    """A quarter 4 2016-17 explanation of a budget line, which corporate services keep."""
    line = (
        BudgetLine.objects.filter(budget__plan_year__year="2016-17")
        .select_related("budget__plan_year", "category", "project")
        .order_by("pk")
        .first()
    )
    return CorrectiveAction.objects.create(
        plan_year=line.budget.plan_year,
        quarter=4,
        budget_line=line,
        explanation="Spending was slow.",
        action="Projects asked to spend.",
    )


def test_a_director_returns_a_corrective_action_and_its_owner_resubmits_it(
    page, new_context, server_url, sign_in, assert_accessible, screenshot
):
    action = finances_corrective_action()
    title = str(action.budget_line)
    sign_in(page, server_url, "director")
    page.goto(f"{server_url}/reports/2016-17/q4/preparation/")
    entered = page.locator("#returnables")
    # The demo's commentaries make the list long enough to start folded.
    entered.locator("summary").click()
    expect(entered).to_contain_text("Spending was slow.")
    # The browser reads the visually hidden part of the link's name as its own phrase.
    entered.get_by_role(
        "link",
        name=re.compile(rf"^Return for revision ?: {re.escape(title)} \(corrective action\)$"),
    ).click()

    expect(page).to_have_url(
        f"{server_url}/reports/2016-17/q4/return/corrective-action/{action.pk}/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Return for revision: {title}")
    assert_accessible(page)
    page.get_by_role("button", name="Return for revision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a note saying what the owner should revise.")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("What should be revised")).to_be_focused()
    page.get_by_label("What should be revised").fill(NOTE)
    page.get_by_role("button", name="Return for revision").click()

    expect(page).to_have_url(f"{server_url}/reports/2016-17/q4/preparation/#returns")
    expect(page.get_by_role("alert")).to_contain_text("is returned for revision")
    returns = page.locator("#returns-table")
    expect(returns).to_contain_text(NOTE)
    expect(returns).to_contain_text("Awaiting resubmission")
    screenshot(page, "returned-for-revision")
    assert_accessible(page)

    owner = new_context().new_page()
    sign_in(owner, server_url, "finance")
    owner.goto(f"{server_url}/my-work/")
    report = owner.locator("#quarterly-report")
    expect(report).to_contain_text("1 returned for revision")
    expect(report).to_contain_text(NOTE)
    assert_accessible(owner)
    report.get_by_role("link", name=re.compile("^Returned for revision: ")).click()

    expect(owner).to_have_url(
        re.compile(rf"/reports/2016-17/q4/explain/budget-line/{action.budget_line_id}/$")
    )
    owner.get_by_label("Explanation", exact=True).fill("Spending was slow: the inquiry slipped.")
    group = owner.get_by_role("group", name="Expected recovery date")
    for label, value in (("Day", "30"), ("Month", "6"), ("Year", "2017")):
        group.get_by_label(label).fill(value)
    owner.get_by_role("button", name="Save the explanation").click()
    expect(owner.get_by_role("alert")).to_contain_text("The explanation for Quarter 4 2016-17")
    assert_accessible(owner)

    owner.goto(f"{server_url}/my-work/")
    expect(owner.locator("body")).not_to_contain_text(NOTE)
    page.reload()
    expect(page.locator("#returns-table")).to_contain_text("Resubmitted")
    assert_accessible(page)
    assert ReturnForRevision.objects.get().note == NOTE
    versions = [h.explanation for h in action.history.order_by("history_date")]
    assert versions == ["Spending was slow.", "Spending was slow: the inquiry slipped."]
