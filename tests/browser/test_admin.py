"""The admin's entry screens work under the Content Security Policy: an administrator walks them
in a real browser, and any violation the browser reports fails the test (see conftest)."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Milestone, Project

pytestmark = pytest.mark.browser


def test_an_administrator_walks_the_entry_screens_without_a_policy_violation(
    page, server_url, sign_in
):
    project = Project.objects.filter(milestones__isnull=False).order_by("pk").first()
    milestone = Milestone.objects.order_by("pk").first()
    sign_in(page, server_url, "admin")

    page.goto(f"{server_url}/admin/")
    expect(page.get_by_role("heading", name="Recent actions")).to_be_visible()

    page.goto(f"{server_url}/admin/plans/milestone/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("milestone"))
    # The changelist's filters and its select-all box run the admin's scripts.
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")

    page.goto(f"{server_url}/admin/plans/milestone/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add milestone")

    page.goto(f"{server_url}/admin/plans/project/{project.pk}/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change project")
    # Adding an inline row runs the admin's inline script.
    page.get_by_role("button", name=re.compile("Add another milestone", re.I)).click()

    page.goto(f"{server_url}/admin/plans/milestone/{milestone.pk}/history/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("history", re.I))

    page.goto(f"{server_url}/admin/plans/milestone/import/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import")

    page.goto(f"{server_url}/admin/plans/milestone/export/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Export")
    # "Select all" is wired by a script file rather than an onchange attribute.
    select_all = page.get_by_label("Select all")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    expect(fields.first).to_be_checked()
    select_all.uncheck()
    expect(fields.first).not_to_be_checked()
    select_all.check()
    expect(fields.first).to_be_checked()
