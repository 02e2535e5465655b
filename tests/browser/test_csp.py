"""The browser tests notice a Content Security Policy violation (the net every other browser
test relies on), and the policy really stops inline code."""

import pytest

pytestmark = pytest.mark.browser


def test_an_inline_script_is_refused_and_reported(page, server_url, csp_violations):
    page.goto(f"{server_url}/accounts/login/")

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineScriptRan = true";
            document.body.append(script);
        }"""
    )
    for _ in range(50):
        if csp_violations:
            break
        page.wait_for_timeout(100)

    assert page.evaluate("() => window.inlineScriptRan") is None
    assert any("script-src" in text for _, text in csp_violations), csp_violations
    # The refusal was this test's point; it must not fail the test.
    csp_violations.clear()
