"""Printing a page gives its content on A4: no navigation, filters, buttons or link addresses,
and tables that fit the paper, with every column on it.

Before the print stylesheet, the dashboard printed with the navigation, the filters and every
link's address, and lost its commentary column; the variance table lost its right-hand columns.
"""

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: A4 is 210 mm wide; with the stylesheet's 15 mm margins, 180 mm of it is printed on, which
#: is 680 CSS pixels (96 to the inch).
PRINTED_WIDTH_PX = 680

PAGES = [
    ("/plans/2010-11/indicators/?quarter=2", "Latest commentary"),
    ("/plans/2012-13/budget/", "Full-year variance"),
    ("/plans/2012-13/risks/", None),
    ("/plans/2010-11/", None),
    ("/plans/2012-13/recommendations/", None),
]


def _printed(page):
    page.set_viewport_size({"width": PRINTED_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")


@pytest.mark.parametrize(("address", "last_column"), PAGES)
def test_a_printed_page_shows_its_content_alone_and_its_tables_fit_the_paper(
    signed_in_page, server_url, address, last_column
):
    page = signed_in_page("director")
    page.goto(f"{server_url}{address}")
    _printed(page)

    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    for form in page.locator('form[method="get"]').all():
        expect(form).to_be_hidden()
    for button in page.locator(".govuk-button").all():
        expect(button).to_be_hidden()

    # No link prints its address after its text.
    addresses = page.evaluate(
        """() => [...document.querySelectorAll('main a[href]')]
            .map(a => getComputedStyle(a, '::after').content)
            .filter(c => c && c !== 'none' && c !== 'normal')"""
    )
    assert addresses == []

    # Every table ends within the printed width: no column is cut off.
    overflowing = page.evaluate(
        f"""() => [...document.querySelectorAll('main table')]
            .filter(t => t.getBoundingClientRect().right > {PRINTED_WIDTH_PX} + 1)
            .map(t => (t.caption ? t.caption.textContent.trim() : t.id || 'a table'))"""
    )
    assert overflowing == []
    if last_column:
        expect(page.get_by_role("columnheader", name=last_column).first).to_be_visible()


def test_the_printed_dashboard_holds_the_commentary_and_no_link_addresses(
    signed_in_page, server_url, sign_in
):
    page = signed_in_page("director")
    page.goto(f"{server_url}/plans/2010-11/indicators/?quarter=2")
    page.emulate_media(media="print")

    text = "\n".join(
        printed.extract_text()
        for printed in pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    )

    assert "Latest commentary" in text
    assert "Sign out" not in text
    assert not re.search(r"\(/plans/", text)
