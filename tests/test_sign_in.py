"""Signing in: every page requires it (except the sign-in page and the health check), repeated
failures lock a username out for a while, and a session ends after a period of inactivity."""

import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from core.sessions import RENEWED_AT, renew_session

ROOT = Path(__file__).resolve().parent.parent

OPEN_TO_ALL = {"login", "healthz", "admin-login"}
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


@pytest.mark.django_db
def test_an_empty_sign_in_says_beside_each_box_what_to_enter_and_links_to_it(client):
    content = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()

    hidden = '<span class="govuk-visually-hidden">Error:</span>'
    for name in ["username", "password"]:
        # The summary's link moves to the box; the message is read out with the box.
        assert f'<li><a href="#id_{name}">This field is required.</a></li>' in content
        assert f'<p id="id_{name}-error" class="govuk-error-message">{hidden} This' in content
        box = re.search(rf'<input [^>]*name="{name}"[^>]*>', content).group(0)
        assert 'aria-describedby="id_' + name + '-error"' in box
        assert 'class="govuk-input govuk-!-width-one-half govuk-input--error"' in box
    # Focus starts at the top of the page (the error summary), not in a box.
    assert "autofocus" not in content


def sign_in_attempt(client, username, password, address="203.0.113.7"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_admin_sign_in_page_sends_people_to_the_one_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/plans/milestone/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/plans/milestone/"


@pytest.mark.django_db
def test_a_password_posted_to_the_admin_sign_in_page_signs_nobody_in(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director", is_staff=True)
    response = client.post(
        "/admin/login/", {"username": "director", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_a_lockout_page(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    for _ in range(4):
        assert sign_in_attempt(client, "director", "wrong").status_code == 200
    assert sign_in_attempt(client, "director", "wrong").status_code == 429

    response = sign_in_attempt(client, "director", "correct horse battery staple")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "You have tried to sign in too many times" in page
    assert "after 5 attempts" in page
    assert re.search(r"You can try again in 15 minutes, after \d{1,2}:\d\d[ap]m\.", page)


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client):
    from axes.models import AccessAttempt

    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    for _ in range(5):
        sign_in_attempt(client, "director", "wrong")
    assert sign_in_attempt(client, "director", "wrong").status_code == 429

    # Sixteen minutes pass without another attempt.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in_attempt(client, "director", "correct horse battery staple")

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_lockout_stops_one_username_from_one_address_only(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    UserFactory(username="staff")
    for _ in range(5):
        sign_in_attempt(client, "director", "wrong", address="203.0.113.7")

    colleague = sign_in_attempt(client, "staff", "correct horse battery staple")
    assert colleague.status_code == 302
    client.logout()
    elsewhere = sign_in_attempt(
        client, "director", "correct horse battery staple", address="198.51.100.2"
    )
    assert elsewhere.status_code == 302


def guess_from_many_addresses(client, username, guesses, *, per_address=4):
    """Wrong passwords for `username`, `per_address` from each address (under the limit of 5
    for one address), from as many addresses as it takes."""
    for guess in range(guesses):
        address = f"198.51.100.{guess // per_address + 10}"
        assert sign_in_attempt(client, username, "wrong", address=address).status_code == 200


@pytest.mark.django_db
def test_twenty_wrong_passwords_from_many_addresses_pause_the_account_at_new_addresses(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    UserFactory(username="staff")
    guess_from_many_addresses(client, "director", 19)
    # The 20th failure, from yet another address, reaches the cap for the account.
    assert sign_in_attempt(client, "director", "wrong", address="192.0.2.99").status_code == 429

    response = sign_in_attempt(
        client, "director", "correct horse battery staple", address="192.0.2.100"
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = " ".join(response.content.decode().split())
    assert "there have been 20 attempts with the wrong password, from more than one place" in page
    assert "Where you have signed in before, you can still sign in." in page
    # Other accounts are not affected.
    colleague = sign_in_attempt(client, "staff", "correct horse battery staple", "192.0.2.100")
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_the_account_cap_does_not_lock_a_person_out_where_they_signed_in_before(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    office = "203.0.113.50"
    assert (
        sign_in_attempt(client, "director", "correct horse battery staple", office).status_code
        == 302
    )
    client.logout()
    guess_from_many_addresses(client, "director", 19)
    assert sign_in_attempt(client, "director", "wrong", address="192.0.2.99").status_code == 429

    response = sign_in_attempt(client, "director", "correct horse battery staple", office)

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_account_cap_ends_after_the_cool_off(client):
    from axes.models import AccessAttempt

    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    guess_from_many_addresses(client, "director", 19)
    assert sign_in_attempt(client, "director", "wrong", address="192.0.2.1").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in_attempt(client, "director", "correct horse battery staple", "192.0.2.1")

    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(AXES_ACCOUNT_FAILURE_LIMIT=8)
def test_the_account_cap_is_a_setting(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    guess_from_many_addresses(client, "director", 7)
    assert sign_in_attempt(client, "director", "wrong", address="192.0.2.99").status_code == 429


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_failure_limit_is_a_setting(client):
    from tests.plans.factories import UserFactory

    UserFactory(username="director")
    assert sign_in_attempt(client, "director", "wrong").status_code == 200
    assert sign_in_attempt(client, "director", "wrong").status_code == 429


@pytest.mark.django_db
def test_a_failed_sign_in_is_logged_with_username_and_address_but_not_the_password(client, caplog):
    caplog.set_level(logging.INFO)
    sign_in_attempt(client, "director", "my-secret-guess", address="203.0.113.7")

    failures = [r.getMessage() for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failures) == 1
    assert 'username: "director"' in failures[0]
    assert 'ip_address: "203.0.113.7"' in failures[0]
    assert "my-secret-guess" not in caplog.text


CLIENT_ADDRESS_SCRIPT = """
import json
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

factory = RequestFactory()
requests = {
    "no header": factory.get("/", REMOTE_ADDR="10.0.0.1"),
    "proxy's header": factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"),
    "client's own claim first": factory.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.5"
    ),
    "two proxies": factory.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.5, 10.0.0.2"
    ),
    "other header": factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9"),
}
print(json.dumps({name: get_client_ip_address(request) for name, request in requests.items()}))
"""


def client_addresses(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(DEBUG="on", **env)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CLIENT_ADDRESS_SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_trusted_proxies_the_client_address_is_the_connections_and_headers_are_ignored():
    addresses = client_addresses(TRUSTED_PROXY_COUNT="0")
    assert set(addresses.values()) == {"10.0.0.1"}


def test_behind_one_proxy_the_client_address_is_the_one_the_proxy_recorded():
    addresses = client_addresses(TRUSTED_PROXY_COUNT="1")
    assert addresses["no header"] == "10.0.0.1"
    assert addresses["proxy's header"] == "203.0.113.5"
    assert addresses["client's own claim first"] == "203.0.113.5"
    assert addresses["other header"] == "10.0.0.1"


def test_behind_two_proxies_the_client_address_is_the_one_the_farther_proxy_recorded():
    addresses = client_addresses(TRUSTED_PROXY_COUNT="2")
    assert addresses["two proxies"] == "203.0.113.5"


def test_the_header_that_carries_the_client_address_is_a_setting():
    addresses = client_addresses(TRUSTED_PROXY_COUNT="1", CLIENT_IP_HEADER="X-Real-IP")
    assert addresses["other header"] == "203.0.113.9"
    assert addresses["proxy's header"] == "10.0.0.1"


def test_a_session_lasts_thirty_minutes_of_inactivity_by_default():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60


@pytest.mark.parametrize(
    ("renewed_seconds_ago", "renewed"), [(None, True), (1, False), (59, False), (60, True)]
)
def test_a_session_in_use_is_renewed_at_most_once_a_minute(renewed_seconds_ago, renewed):
    session = {} if renewed_seconds_ago is None else {RENEWED_AT: 1000 - renewed_seconds_ago}
    renew_session(session, now=1000)
    assert (session[RENEWED_AT] == 1000) is renewed


def test_staying_signed_in_renews_the_session_however_recently_it_was_renewed():
    session = {RENEWED_AT: 990}
    renew_session(session, now=1000, force=True)
    assert session[RENEWED_AT] == 1000


def a_while_passes(client, *, seconds):
    """Move the signed-in session's last renewal and its end back by this many seconds."""
    from django.contrib.sessions.models import Session

    session = client.session
    session[RENEWED_AT] -= seconds
    session.save()
    Session.objects.update(expire_date=F("expire_date") - timedelta(seconds=seconds))


@pytest.mark.django_db
def test_a_request_after_a_few_minutes_moves_the_end_of_the_session_on(signed_in_client):
    from django.contrib.sessions.models import Session

    signed_in_client.get("/")
    a_while_passes(signed_in_client, seconds=25 * 60)
    assert Session.objects.get().expire_date < timezone.now() + timedelta(minutes=6)

    signed_in_client.get("/")

    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_requests_within_a_minute_do_not_write_the_session_again(signed_in_client):
    signed_in_client.get("/")
    with CaptureQueriesContext(connection) as queries:
        signed_in_client.get("/")
    assert not [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]


@pytest.mark.django_db
def test_a_visitor_who_is_not_signed_in_gets_no_session(client):
    from django.contrib.sessions.models import Session

    client.get("/accounts/login/")
    client.get("/healthz")
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_page_tells_the_warning_how_long_the_session_has_left(signed_in_client):
    signed_in_client.get("/")
    a_while_passes(signed_in_client, seconds=30)

    # Renewed half a minute ago, so not renewed again by this request.
    page = signed_in_client.get("/").content.decode()

    assert re.search(r'data-idle-seconds="17[67]\d"', page)


@pytest.mark.django_db
def test_a_signed_in_page_carries_the_closed_timeout_warning(signed_in_client):
    page = signed_in_client.get("/").content.decode()
    assert '<dialog class="app-timeout-warning"' in page
    # Thirty minutes from the renewal at the start of the request, counted in whole seconds at
    # the end of it: 1799 when the request crosses into the next second.
    assert re.search(r'data-idle-seconds="1(800|799)"', page)
    assert 'data-warning-seconds="120"' in page
    assert 'data-stay-url="/accounts/stay-signed-in/"' in page
    assert "<dialog open" not in page


@pytest.mark.django_db
def test_the_entry_screens_carry_the_timeout_warning_too(signed_in_client):
    response = signed_in_client.get("/admin/")
    assert response.status_code == 200
    assert b'<dialog class="app-timeout-warning"' in response.content


@pytest.mark.django_db
def test_the_sign_in_page_has_no_timeout_warning(client):
    assert b"app-timeout-warning" not in client.get("/accounts/login/").content


@pytest.mark.django_db
def test_staying_signed_in_answers_a_csrf_protected_post(user_in_group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in_group("Staff"))
    page = client.get("/")
    token = page.context["csrf_token"]

    assert client.post("/accounts/stay-signed-in/").status_code == 403
    assert client.get("/accounts/stay-signed-in/").status_code == 405
    response = client.post("/accounts/stay-signed-in/", HTTP_X_CSRFTOKEN=str(token))
    assert response.status_code == 204


@pytest.mark.django_db
def test_staying_signed_in_after_the_session_ended_sends_to_sign_in(client):
    response = client.post("/accounts/stay-signed-in/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
