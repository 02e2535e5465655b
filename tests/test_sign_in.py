"""Every page requires sign-in, except the login page and the health check."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

OPEN_TO_ALL = {"login", "healthz"}
# Example values for URL parameters, so every pattern can be requested.
EXAMPLE_ARGUMENTS = {
    "year": "2010-11",
    "app_label": "plans",
    "model_name": "planyear",
    "object_id": "1",
    "content_type_id": "1",
    "url": "plans/",
    "uidb64": "MQ",
    "token": "token",
}


def walk(patterns, prefix=""):
    """Yield (name, path) for every URL pattern, with example values for its parameters."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield pattern.name, prefix + route


def example_path(route: str) -> str:
    import re

    path = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: EXAMPLE_ARGUMENTS.get(m[1], "1"), path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: EXAMPLE_ARGUMENTS.get(m[1], "1"), path)
    path = re.sub(r"\(\?:[^)]*\)\??", "", path)
    return "/" + path


ALL_PATTERNS = sorted(set(walk(get_resolver().url_patterns)), key=lambda item: item[1])
SIGN_IN_REQUIRED = [(name, route) for name, route in ALL_PATTERNS if name not in OPEN_TO_ALL]


def test_the_walk_finds_the_application_and_admin_pages():
    names = {name for name, _ in ALL_PATTERNS}
    assert {"home", "plan-overview", "login", "logout", "healthz"} <= names
    assert len(ALL_PATTERNS) > 50, "the admin's pages should be walked too"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route"), SIGN_IN_REQUIRED, ids=[route for _, route in SIGN_IN_REQUIRED]
)
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, name, route):
    response = client.get(example_path(route))
    assert response.status_code == 302, f"{route} answered {response.status_code}"
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_the_open_pages_answer_without_sign_in(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_user_signs_in_with_username_and_password_and_reaches_the_home_page(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    response = client.post(
        "/accounts/login/",
        {"username": "director", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Strategies and business plans" in response.content


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_summary(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<title>Error: Sign in" in response.content
