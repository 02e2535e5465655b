"""The quarterly report in a real browser on the demo data, as the demo director, checked for
accessibility with axe-core."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_director_opens_the_report_from_the_header_and_reads_its_sections(
    page, server_url, sign_in, assert_accessible, screenshot
):
    sign_in(page, server_url, "director")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Quarterly report").click()

    # The header opens the current plan year's report (2016-17, ended) at its last quarter.
    expect(page).to_have_url(f"{server_url}/reports/2016-17/q4/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quarterly performance report: quarter 4 2016-17"
    )
    page.get_by_role("navigation", name="Contents").get_by_role("link", name="Budget").click()
    expect(page).to_have_url(re.compile(r"#budget$"))
    expect(page.get_by_role("table", name=re.compile("^Budget by category"))).to_be_visible()
    screenshot(page, "quarterly-report-2016-17-q4")
    assert_accessible(page)

    page.get_by_role("navigation", name="Quarters").get_by_role("link", name="Quarter 2").click()
    expect(page).to_have_url(f"{server_url}/reports/2016-17/q2/")
    assert_accessible(page)

    page.goto(f"{server_url}/reports/2010-11/q2/")
    summary = page.locator("#summary-counts")
    expect(summary).to_contain_text("10 indicators: 1 red, 2 amber, 7 green")
    expect(summary).to_contain_text("5 above the risk appetite of 15")
    expect(page.get_by_role("heading", name=re.compile(r"^Indicators \(3\)$"))).to_be_visible()
    assert_accessible(page)

    # The same report as a PDF, downloaded.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report as a PDF (accessible, A4)").click()
    assert download.value.suggested_filename == "quarterly-report-2010-11-q2.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"


def test_a_director_signs_off_a_quarter_and_staff_then_see_it_locked(
    page, new_context, server_url, sign_in, assert_accessible
):
    from tests.browser.test_my_work import staffs_milestone, update_url

    sign_in(page, server_url, "director")
    page.goto(f"{server_url}/reports/2016-17/q4/")
    page.get_by_label("Note (optional)").fill("Agreed at the April meeting.")
    page.get_by_role("button", name="Sign off quarter 4 2016-17").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Quarter 4 2016-17 is signed off"
    )
    expect(page.locator("#signed-off")).to_contain_text("Agreed at the April meeting.")
    expect(page.get_by_role("button", name=re.compile("^Sign off"))).to_have_count(0)
    assert_accessible(page)

    staff = new_context().new_page()
    sign_in(staff, server_url, "staff")
    staff.goto(update_url(server_url, staffs_milestone()))
    expect(staff.locator("#signed-off-quarters")).to_contain_text("Quarter 4 is signed off")
    assert_accessible(staff)
