"""The quarterly KPI dashboard and actual entry, in a real browser on the demo data, checked
for accessibility with axe-core."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_director_opens_the_dashboard_filters_by_owner_and_opens_an_indicator(
    signed_in_page, server_url, assert_accessible, screenshot
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2012-13/")
    page.get_by_role("link", name="Indicators against target, quarter by quarter").click()

    expect(page).to_have_url(f"{server_url}/plans/2012-13/indicators/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicators at the end of quarter 4")
    table = page.get_by_role("table", name=re.compile("^Indicators of 2012-13"))
    expect(table.get_by_role("rowheader")).to_have_count(28)
    screenshot(page, "kpi-dashboard-2012-13")
    assert_accessible(page)

    page.get_by_label("Owner").select_option(label="Director of Policy")
    page.get_by_role("button", name="Show indicators").click()

    expect(page).to_have_url(re.compile(r"owner=\d+"))
    expect(page.get_by_label("Owner")).to_have_value(re.compile(r"\d+"))
    rows = table.get_by_role("rowheader")
    expect(rows).to_have_count(6)  # PI2 to PI6 and PI12
    expect(page.get_by_role("heading", name=re.compile("6 indicators shown"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="PI4", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PI4")
    expect(page.get_by_role("img", name=re.compile("PI4: actual for each period"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Actuals for PI4"))).to_be_visible()
    expect(page.get_by_role("rowheader", name="Quarter 1 subtotal")).to_be_visible()
    screenshot(page, "kpi-indicator-2012-13-PI4")
    assert_accessible(page)


def test_the_drill_down_keeps_the_quarter_and_a_wrong_quarter_is_said_so(
    signed_in_page, server_url, assert_accessible
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/indicators/?quarter=1")
    # 377 of 528 children asked to the end of June found it worthwhile: 71.4%, red against 80%.
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="KPI2", exact=True))
    expect(row).to_contain_text("71.4%")
    expect(row).to_contain_text("Red")
    row.get_by_role("link", name="KPI2", exact=True).click()

    expect(page).to_have_url(re.compile(r"/indicators/KPI2/\?quarter=1$"))
    status = page.locator(".govuk-summary-list__row").filter(has_text="Status at the end of")
    expect(status).to_contain_text("quarter 1 (30 June 2010)")
    expect(status).to_contain_text("Red")
    expect(status).to_contain_text("Actual to date: 71.4%")
    expect(
        page.get_by_role("rowheader", name="Year to date to the end of quarter 1")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(f"{server_url}/plans/2010-11/indicators/KPI2/?quarter=9")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "A financial year has quarters 1 to 4, not 9. Showing quarter 4, the latest with data."
    )
    assert_accessible(page)


def test_the_dashboard_filters_work_without_javascript(new_context, server_url, sign_in):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, server_url, "director")
    page.goto(f"{server_url}/plans/2012-13/indicators/?quarter=2")
    page.get_by_label("Tier").select_option(label="Enabling indicator")
    page.get_by_role("button", name="Show indicators").click()
    expect(page).to_have_url(re.compile(r"quarter=2&.*tier=enabling"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicators at the end of quarter 2")
    expect(page.get_by_role("rowheader").filter(has_text=re.compile("^EI"))).to_have_count(13)


@pytest.fixture
def director_owns_oc7(server_url):
    """The demo's 2016-17 (open for updates) prints no owners; make the director's role own OC7
    so that the director enters its actuals as its owner."""
    from kpis.models import Indicator
    from plans.models import Role

    Indicator.objects.get(plan_year__year="2016-17", ref="OC7").owners.add(
        Role.objects.get(title="Director of Policy")
    )
    return server_url


def test_an_owner_enters_an_actual_sees_a_validation_error_and_corrects_it(
    signed_in_page, director_owns_oc7, assert_accessible, screenshot
):
    server_url = director_owns_oc7
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2016-17/indicators/OC7/")
    page.get_by_role("link", name="Correct the actual for May 2016").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the actual")
    expect(page.get_by_label("Period")).to_have_value("2016-05-01")
    assert_accessible(page)

    page.get_by_label("How many said yes (numerator)").fill("412")
    page.get_by_label("Out of how many (denominator)").fill("400")
    page.get_by_role("button", name="Save the actual").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    error = summary.get_by_role("link", name=re.compile(r"numerator \(412\) cannot be more"))
    expect(error).to_have_attribute("href", "#id_numerator")
    screenshot(page, "kpi-actual-error")
    assert_accessible(page)

    page.get_by_label("Out of how many (denominator)").fill("500")
    page.get_by_label("Commentary").fill("412 of 500 children in care knew about us.")
    page.get_by_role("button", name="Save the actual").click()

    expect(page).to_have_url(f"{server_url}/plans/2016-17/indicators/OC7/?entered=2016-05-01")
    expect(page.get_by_text("The actual has been saved.")).to_be_visible()
    may = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="May 2016"))
    expect(may).to_contain_text("82.4%")
    expect(may).to_contain_text("412 of 500")
    expect(may).to_contain_text("412 of 500 children in care knew about us.")
    page.get_by_text("History of this indicator, its targets and actuals", exact=True).click()
    expect(page.locator(".app-history")).to_contain_text("Actual for May 2016")
    assert_accessible(page)


def test_someone_who_does_not_own_an_indicator_cannot_open_its_entry_form(
    page, server_url, sign_in
):
    sign_in(page, server_url, "staff")
    response = page.goto(f"{server_url}/plans/2016-17/indicators/OC7/actuals/")
    assert response.status == 403
