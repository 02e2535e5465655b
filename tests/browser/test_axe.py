"""The accessibility check every browser test relies on finds a violation when there is one, on
a long page too (it reports only violations in full, see conftest.axe_violations)."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_an_image_without_alternative_text_and_an_unlabelled_field_are_violations(page, server_url):
    page.goto(f"{server_url}/accounts/login/")
    assert axe_violations(page) == []

    page.evaluate(
        """() => {
            const rows = [...Array(300).keys()].map((i) => `<tr><td>Row ${i}</td></tr>`);
            document.querySelector("main").insertAdjacentHTML("beforeend",
                `<table><tbody>${rows.join("")}</tbody></table>
                 <img src="/static/no-such-image.png">
                 <input type="text" name="unlabelled">`);
        }"""
    )

    violations = {violation["id"]: violation for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= set(violations)
    assert [node["html"] for node in violations["label"]["nodes"]] == [
        '<input type="text" name="unlabelled">'
    ]
