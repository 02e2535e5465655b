"""What is missing for a quarter, in a real browser on the demo data: the directors' page,
reached from the quarter's report, and the director's own list at the top of My work; each
checked with axe-core.

In the demo, 2016-17 is open and none of its quarters is signed off; the director holds the
Director of Policy role, whose strategic risk was due for review before quarter 4 ended, and
whose indicators (illustrative owners) need corrective actions in every quarter.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_director_reads_what_is_missing_and_their_own_list_on_my_work(
    page, server_url, sign_in, assert_accessible, screenshot
):
    sign_in(page, server_url, "director")
    page.goto(f"{server_url}/reports/2016-17/q4/")
    page.get_by_role("link", name=re.compile("^What is still missing for quarter 4")).click()

    expect(page).to_have_url(f"{server_url}/reports/2016-17/q4/preparation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What is missing for quarter 4 2016-17"
    )
    # Quarter 4 ended on Friday 31 March 2017; Good Friday and Easter Monday (14 and 17 April)
    # are skipped, so the 15th working day after is Tuesday 25 April.
    expect(page.locator("#deadline")).to_contain_text("Tuesday 25 April 2017")
    expect(page.get_by_role("table", name="Progress")).to_be_visible()
    expect(page.get_by_role("heading", name="director", exact=True)).to_be_visible()
    screenshot(page, "preparation-2016-17-q4")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    report = page.locator("#quarterly-report")
    # The role also owns (illustratively) OC7, OC13, OC14 and See Me Hear Me's two indicators,
    # whose quarter-4 statuses are red: five corrective actions beside the risk review.
    expect(report.get_by_role("heading", level=3)).to_have_count(4)
    expect(report.locator("#quarter-2016-17-4")).to_have_text(
        "Quarter 4 2016-17, due by 25 April: 5 corrective actions, 1 risk review"
    )
    assert_accessible(page)
    report.get_by_role("link", name=re.compile("^Risk review: ")).click()
    expect(page).to_have_url(re.compile(r"/plans/2016-17/risks/\d+/review/$"))
