"""A request that finds the database busy for too long is told so, not shown a server error."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.plans.factories import PlanYearFactory


@pytest.fixture
def busy_database(monkeypatch):
    """The plan overview's read gives up waiting, as a write does behind a long import."""

    def give_up(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("plans.selectors.plan_overview", give_up)


def test_a_request_that_finds_the_database_busy_is_asked_to_try_again(
    signed_in_client, busy_database
):
    plan_year = PlanYearFactory()

    response = signed_in_client.get(reverse("plan-overview", kwargs={"year": plan_year.year}))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sorry, the service is busy" in page
    assert "Nothing you sent has been saved" in page


def test_other_database_errors_are_not_disguised_as_busy(signed_in_client, monkeypatch):
    def fail(**kwargs):
        raise OperationalError("no such table: plans_planyear")

    monkeypatch.setattr("plans.selectors.plan_overview", fail)
    signed_in_client.raise_request_exception = False
    plan_year = PlanYearFactory()

    response = signed_in_client.get(reverse("plan-overview", kwargs={"year": plan_year.year}))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_page_that_does_not_exist_says_so_in_the_service_s_own_layout(signed_in_client):
    response = signed_in_client.get("/plans/2010-11/projects/999999/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_refused_change_says_what_the_person_cannot_do(client, user_in_group):
    client.force_login(user_in_group("Staff"))

    response = client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
