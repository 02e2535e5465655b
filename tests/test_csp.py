"""Every response carries a Content Security Policy that allows only this site's own scripts,
styles and images, and the application's pages need nothing inline."""

from html.parser import HTMLParser

import pytest


def policy_of(response):
    """The Content-Security-Policy header as {directive: [values]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict policy would refuse: inline scripts and styles, style attributes
    and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found.extend(
            f"{name} on <{tag}>" for name in attributes if name == "style" or name.startswith("on")
        )


def inline_code_in(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.mark.django_db
def test_the_sign_in_page_has_a_strict_content_security_policy(client):
    policy = policy_of(client.get("/accounts/login/"))

    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'self'" in policy[directive]
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]


@pytest.mark.django_db
def test_the_application_pages_need_no_nonce(client, signed_in_client):
    for response in (client.get("/accounts/login/"), signed_in_client.get("/")):
        policy = policy_of(response)
        assert not any(v.startswith("'nonce-") for v in policy["script-src"] + policy["style-src"])


@pytest.mark.django_db
def test_signed_in_pages_carry_the_policy_too(signed_in_client):
    assert policy_of(signed_in_client.get("/"))["script-src"] == ["'self'"]
    assert "Content-Security-Policy" in signed_in_client.get("/admin/")


@pytest.mark.django_db
def test_the_sign_in_page_has_no_inline_script_or_style(client):
    assert inline_code_in(client.get("/accounts/login/")) == []


@pytest.mark.django_db
def test_a_signed_in_page_with_its_timeout_warning_has_no_inline_script_or_style(
    signed_in_client,
):
    response = signed_in_client.get("/")
    assert b"app-timeout-warning" in response.content
    assert inline_code_in(response) == []


@pytest.mark.django_db
def test_the_lockout_page_has_no_inline_script_or_style(client):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.AXES_FAILURE_LIMIT", 1)
        response = client.post("/accounts/login/", {"username": "x", "password": "wrong"})
    assert response.status_code == 429
    assert inline_code_in(response) == []
