"""Every response: a character that cannot be stored in the address is a bad request, never a
500, and pages and downloads are kept out of caches."""

import pytest
from django.contrib.auth import get_user_model

from core.middleware import storable

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, demo):
    def sign_in(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return sign_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-11", True),
        ("Children's Commissioner: £2.5M, café", True),
        ("", True),
        ("\x00", False),
        ("2010-11\x00", False),
        ("\udcff", False),  # what an undecodable byte becomes
    ],
)
def test_what_can_be_stored(text, expected):
    assert storable(text) is expected


@pytest.mark.parametrize(
    "url",
    [
        "/plans/%00/",
        "/my-work/?year=%00",
        "/plans/2010-11/indicators/%00/",
        "/plans/2010-11/indicators/KPI2/?quarter=%00",
        "/plans/%002010-11/indicators/",
        "/plans/2012-13/budget/?month=%00",
        "/plans/2012-13/budget/workbook.xlsx?%00=1",
        "/plans/2012-13/risks/?status=%00",
        "/plans/%00/risks/",
        "/admin/plans/milestone/?q=%00",
        "/admin/kpis/indicator/?q=abc%00def",
        "/admin/plans/project/%00/change/",
    ],
)
def test_a_nul_in_the_address_is_a_bad_request_with_a_page_that_says_so(as_user, url):
    response = as_user("admin").get(url)

    assert response.status_code == 400
    assert "There is a problem with the web address" in response.text
    assert "a null character" in response.text


def test_a_nul_in_the_address_is_refused_before_sign_in_too(client, db):
    response = client.get("/plans/%00/")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("director", "/"),
        ("staff", "/my-work/"),
        ("director", "/plans/2012-13/"),
        ("director", "/plans/2010-11/indicators/"),
        ("director", "/plans/2010-11/indicators.csv"),
        ("director", "/plans/2010-11/indicators.xlsx"),
        ("director", "/plans/2010-11/indicators/KPI2/"),
        ("finance", "/plans/2012-13/budget/"),
        ("finance", "/plans/2012-13/budget/workbook.xlsx"),
        ("finance", "/plans/2012-13/budget/lines.csv"),
        ("director", "/plans/2012-13/risks/"),
        ("admin", "/admin/plans/milestone/"),
    ],
)
def test_pages_and_downloads_are_private_and_not_stored(as_user, username, url):
    response = as_user(username).get(url)

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_sign_in_page_is_not_stored_either(client, db):
    response = client.get("/accounts/login/")

    assert "no-store" in response["Cache-Control"]
