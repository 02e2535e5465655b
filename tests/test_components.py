"""The message banner, the error summary and the form fields each exist once, in
templates/components/, so every page says what happened, what is wrong and how to correct it the
same way."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template import engines
from django.test import RequestFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
COMPONENTS = TEMPLATES / "components"

#: The markup only templates/components/ may draw: the notification banner, the error summary,
#: and a field (its form group and error message).
OWN_MARKUP = [
    "govuk-notification-banner",
    "govuk-error-summary",
    "govuk-form-group",
    "govuk-error-message",
]


def pages_drawing(markup: str, templates: Path = TEMPLATES) -> list[str]:
    """The templates outside templates/components/ that draw `markup` themselves."""
    components = templates / "components"
    return sorted(
        path.relative_to(templates).as_posix()
        for path in templates.rglob("*.html")
        if components not in path.parents and markup in path.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("markup", OWN_MARKUP)
def test_no_page_draws_its_own_banner_error_summary_or_field(markup):
    # The rule cannot hold by finding nothing: the components themselves do draw it.
    assert any(markup in path.read_text(encoding="utf-8") for path in COMPONENTS.glob("*.html"))

    assert pages_drawing(markup) == []


def test_a_page_drawing_its_own_error_summary_is_found(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "page.html").write_text('<div class="govuk-error-summary">')
    (tmp_path / "plans" / "other.html").write_text('{% include "components/error_summary.html" %}')
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "error_summary.html").write_text('<div class="govuk-error-summary">')

    assert pages_drawing("govuk-error-summary", tmp_path) == ["plans/page.html"]


@pytest.mark.django_db
def test_every_page_shows_its_messages_once_a_success_as_success_and_a_problem_as_important():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, "Milestone “Publish the report” updated.")
    messages.error(request, "The budget was not rolled forward: it has no lines.")
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<h1>A page</h1>{% endblock %}'
    )

    html = page.render({}, request)

    banners = re.findall(
        r'<div class="govuk-notification-banner([^"]*)" role="(\w+)" aria-labelledby="([^"]+)"'
        r'.*?id="([^"]+)">(\w+)</h2>.*?__heading">([^<]*)</p>',
        html,
        re.S,
    )
    assert banners == [
        (
            " govuk-notification-banner--success",
            "alert",
            "notification-title-1",
            "notification-title-1",
            "Success",
            "Milestone “Publish the report” updated.",
        ),
        (
            "",
            "region",
            "notification-title-2",
            "notification-title-2",
            "Important",
            "The budget was not rolled forward: it has no lines.",
        ),
    ]
    # At the top of the main content, before the page's own heading.
    assert html.index('id="main-content"') < html.index("notification-title-1")
    assert html.index("notification-title-2") < html.index("<h1>A page</h1>")
