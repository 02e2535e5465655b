"""Corporate services load a month's actuals, read the variance page and download the workbook,
in a real browser, with axe-core checking the import and variance pages, error states included.

The demo's 2016-17 budget is open for updates and has illustrative actuals to September 2016.
"""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADER = "category,project,month,actual,forecast\n"
BAD = HEADER + 'Programme Delivery,,2016-10,"191,000",\nGovernance,,2016-10,about 4k,\n'
FIXED = HEADER + 'Programme Delivery,,2016-10,"191,000",\nGovernance,,2016-10,3750,\n'


def choose_file(page, text):
    page.get_by_label("Upload a file").set_input_files(
        {"name": "october.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )


def test_finance_imports_a_month_fixes_a_bad_row_and_downloads_the_workbook(
    page, server_url, sign_in, assert_accessible, screenshot
):
    sign_in(page, server_url, "finance")
    page.goto(f"{server_url}/plans/2016-17/budget/")
    page.get_by_role("link", name="Import monthly actuals and forecasts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import monthly actuals and forecasts"
    )
    for kind in ("an Excel workbook", "a CSV file"):
        template = page.get_by_role("link", name=re.compile(f"Download the template as {kind}"))
        expect(template).to_be_visible()
    assert_accessible(page)

    # A file with one bad row: nothing is imported, and the row, column and reason are shown.
    choose_file(page, BAD)
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_title(re.compile(r"^Error: Import monthly actuals"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The file has 1 problem")
    problem = page.get_by_role("table", name="Problems in the file, by row and column")
    expect(problem.get_by_role("row")).to_have_count(2)
    expect(problem).to_contain_text('D ("actual")')
    expect(problem).to_contain_text("'about 4k' is not a number.")
    screenshot(page, "budget-import-error")
    assert_accessible(page)

    # Fixed, it previews: what each row does, and that October's figures are replaced.
    choose_file(page, FIXED)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check what the import will do")).to_be_visible()
    expect(
        page.get_by_text(re.compile("October 2016 already has figures for 4 lines"))
    ).to_be_visible()
    rows = page.get_by_role("table", name=re.compile("What each row will do"))
    expect(rows.get_by_role("row")).to_have_count(3)
    assert_accessible(page)

    page.get_by_role("button", name="Import these figures").click()
    expect(page).to_have_url(re.compile(r"/plans/2016-17/budget/\?month=2016-10$"))
    expect(
        page.get_by_text(re.compile(r"Imported october\.csv: figures for October 2016"))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget variance 2016-17")
    lines = page.get_by_role("table", name=re.compile("^Budget, actuals and forecast 2016-17"))
    expect(lines).to_contain_text("Governance")
    expect(
        page.get_by_role("table", name=re.compile("^Programme delivery against admin"))
    ).to_be_visible()
    screenshot(page, "budget-variance")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the budget workbook")).click()
    download = download_info.value
    assert download.suggested_filename == "budget-2016-17-2016-10.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == ["Summary", "Lines", "Monthly", "Projects"]
    assert book["Summary"]["B3"].value == "End of October 2016 (7 months)"


def test_a_director_reads_the_variance_page_but_is_not_offered_the_import(
    page, server_url, sign_in, assert_accessible
):
    sign_in(page, server_url, "director")
    page.goto(f"{server_url}/plans/2012-13/budget/")
    expect(
        page.get_by_text(re.compile(r"Programme delivery is 69\.4% of the budget"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Import monthly actuals and forecasts")).to_have_count(0)
    assert_accessible(page)
    response = page.goto(f"{server_url}/plans/2016-17/budget/import/")
    assert response.status == 403
