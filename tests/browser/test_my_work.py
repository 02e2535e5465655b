"""Staff update their projects' milestones in a real browser: My work, the update form with its
error summary, the conflict message when another session saved first, and the refusal on
someone else's project; each page and state checked with axe-core.

The demo's 2016-17 plan is open for updates, and the user `staff` is a member of its first
three projects (demo/users.py).
"""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Milestone, Project

pytestmark = pytest.mark.browser


def staffs_milestone() -> Milestone:
    """A 2016-17 milestone of a project `staff` works on, not yet done."""
    return (
        Milestone.objects.filter(
            project__plan_year__year="2016-17", project__members__username="staff"
        )
        .exclude(status="done")
        .select_related("project__plan_year")
        .order_by("project__position", "due_on")
        .first()
    )


def update_url(server_url, milestone) -> str:
    project = milestone.project
    return f"{server_url}/plans/2016-17/projects/{project.pk}/milestones/{milestone.pk}/update/"


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_staff_open_my_work_and_mark_a_milestone_done(
    signed_in_page, server_url, assert_accessible, screenshot
):
    milestone = staffs_milestone()
    page = signed_in_page("staff")
    page.goto(f"{server_url}/")  # the home page, where signing in leads
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_label("Plan year")).to_have_value("2016-17")
    project_heading = page.get_by_role("heading", name=milestone.project.title)
    expect(project_heading).to_be_visible()
    expect(page.get_by_text(re.compile(r"milestones? overdue")).first).to_be_visible()
    screenshot(page, "my-work")
    assert_accessible(page)

    page.get_by_role("link", name=f"Update {milestone.title}", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update a milestone")
    expect(page.get_by_text(f"{milestone.due_on.day} {milestone.due_on:%B %Y}")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Done", exact=True).check()
    fill_date(page, "Completion date", 3, 10, 2016)
    page.get_by_label("Commentary").fill("Published on the website.")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(re.compile(r"/my-work/"))
    expect(page.get_by_role("alert")).to_contain_text(f"Milestone “{milestone.title}” updated.")
    row = page.locator(f"#milestone-{milestone.pk}")
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("by staff")
    assert_accessible(page)
    milestone.refresh_from_db()
    assert milestone.status == "done"

    page.get_by_role("link", name=milestone.project.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(milestone.project.title)
    expect(page.get_by_role("link", name="Add a milestone")).to_be_visible()
    screenshot(page, "project-with-milestones")
    assert_accessible(page)
    page.get_by_role("link", name="Add a milestone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a milestone")
    assert_accessible(page)


def test_a_completion_date_in_the_future_shows_the_error_summary_linked_to_the_date(
    signed_in_page, server_url, assert_accessible, screenshot
):
    milestone = staffs_milestone()
    page = signed_in_page("staff")
    page.goto(update_url(server_url, milestone))

    page.get_by_label("Done", exact=True).check()
    fill_date(page, "Completion date", 1, 1, 2099)
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="The completion date cannot be in the future.")
    expect(link).to_have_attribute("href", "#id_completed_on_day")
    # What the person typed is still there.
    expect(page.get_by_role("group", name="Completion date").get_by_label("Year")).to_have_value(
        "2099"
    )
    expect(page.get_by_label("Done", exact=True)).to_be_checked()
    screenshot(page, "milestone-error")
    assert_accessible(page)

    link.click()
    expect(page.get_by_role("group", name="Completion date").get_by_label("Day")).to_be_focused()
    milestone.refresh_from_db()
    assert milestone.status != "done"


def test_the_second_session_to_save_is_told_who_changed_the_milestone_and_keeps_its_input(
    new_context, server_url, sign_in, assert_accessible, screenshot
):
    milestone = staffs_milestone()
    first = new_context().new_page()
    second = new_context().new_page()
    for page in (first, second):
        sign_in(page, server_url, "staff")
        page.goto(update_url(server_url, milestone))

    first.get_by_label("At risk", exact=True).check()
    first.get_by_label("Commentary").fill("Waiting for the data sharing agreement.")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_role("alert")).to_contain_text("updated")

    second.get_by_label("Slipped", exact=True).check()
    second.get_by_label("Commentary").fill("Moved to the next quarter.")
    second.get_by_role("button", name="Save changes").click()

    expect(
        second.get_by_role("heading", name="Someone else changed this milestone")
    ).to_be_visible()
    conflict = second.locator("#edit-conflict")
    expect(conflict).to_contain_text("The latest change was made by staff on ")
    expect(conflict).to_contain_text(
        "It now says: Status: At risk; Commentary: Waiting for the data sharing agreement."
    )
    expect(second.get_by_label("Commentary")).to_have_value("Moved to the next quarter.")
    expect(second.get_by_label("Slipped", exact=True)).to_be_checked()
    screenshot(second, "milestone-conflict")
    assert_accessible(second)
    milestone.refresh_from_db()
    assert milestone.status == "at risk"

    # Having read the change, saving again applies theirs.
    second.get_by_role("button", name="Save changes").click()
    expect(second.get_by_role("alert")).to_contain_text("updated")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.commentary) == ("slipped", "Moved to the next quarter.")


def test_staff_are_refused_someone_elses_project_with_a_page_that_says_why(
    signed_in_page, server_url, assert_accessible
):
    project = (
        Project.objects.filter(plan_year__year="2016-17", milestones__isnull=False)
        .exclude(members__username="staff")
        .exclude(owners__holders__username="staff")
        .first()
    )
    milestone = project.milestones.select_related("project__plan_year").first()
    page = signed_in_page("staff")

    page.goto(f"{server_url}{project.get_absolute_url()}")
    expect(page.get_by_role("link", name="Add a milestone")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Update "))).to_have_count(0)

    response = page.goto(update_url(server_url, milestone))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You cannot change the milestones of this project"
    )
    expect(page.get_by_text(f"{project.title} is not one of them")).to_be_visible()
    assert_accessible(page)


def test_my_work_and_the_form_work_without_javascript(new_context, server_url, sign_in):
    milestone = staffs_milestone()
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, server_url, "staff")
    page.goto(f"{server_url}/my-work/")
    page.get_by_label("Plan year").select_option("2012-13")
    page.get_by_role("button", name="Show this year").click()
    expect(page).to_have_url(re.compile(r"/my-work/\?year=2012-13$"))
    expect(page.get_by_text("2012-13 is closed")).to_be_visible()

    page.goto(update_url(server_url, milestone))
    page.get_by_label("On track", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(milestone.project.title)
