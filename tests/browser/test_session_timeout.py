"""A signed-in user is warned before their session ends for inactivity and can stay signed in
(WCAG 2.2.1). The tests where the server's clock matters shorten the session to seconds and wait;
the others move the page's clock on (Playwright's clock) instead of waiting."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_warning_appears_before_the_session_ends_and_stay_signed_in_keeps_it(
    page, server_url, sign_in, settings, assert_accessible, screenshot
):
    # Twelve seconds of inactivity end the session; the warning opens halfway, six seconds in.
    settings.SESSION_COOKIE_AGE = 12
    sign_in(page, server_url, "staff")
    page.goto(f"{server_url}/plans/2010-11/")

    dialog = page.get_by_role("dialog", name=re.compile("about to be signed out$"))
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("you will be signed out in")
    # The dialog is modal and takes the focus, to its first action.
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "session-timeout-warning")
    assert_accessible(page)

    with page.expect_response(re.compile("/accounts/stay-signed-in/$")) as answer:
        stay.click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()

    # Past the moment the session would have ended, the user is still signed in.
    page.wait_for_timeout(7_000)
    page.goto(f"{server_url}/plans/2012-13/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Business Plan 2012-13")


def test_without_an_answer_the_session_ends_and_the_page_asks_to_sign_in_again(
    page, server_url, sign_in, settings
):
    settings.SESSION_COOKIE_AGE = 4
    sign_in(page, server_url, "staff")
    page.goto(f"{server_url}/plans/2010-11/")

    expect(page.get_by_role("dialog")).to_be_visible(timeout=10_000)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/plans/2010-11/$"), timeout=15_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_sign_out_in_the_warning_signs_out_at_once(page, server_url, sign_in, settings):
    settings.SESSION_COOKIE_AGE = 30
    page.clock.install()
    sign_in(page, server_url, "staff")

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:16")  # the warning opens halfway, 15 seconds in
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_the_entry_screens_warn_too(page, server_url, sign_in, settings, screenshot):
    settings.SESSION_COOKIE_AGE = 10
    page.clock.install()
    sign_in(page, server_url, "admin")
    page.goto(f"{server_url}/admin/plans/milestone/add/")

    dialog = page.get_by_role("dialog", name=re.compile("about to be signed out$"))
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:06")  # the warning opens halfway, 5 seconds in
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    screenshot(page, "session-timeout-warning-admin")

    # Escape closes the dialog, and the person who saw it stays signed in.
    with page.expect_response(re.compile("/accounts/stay-signed-in/$")) as answer:
        page.keyboard.press("Escape")
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
