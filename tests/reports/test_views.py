"""The quarterly report's page: who may read it, its addresses, and the links to it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.rights import may_read_reports
from tests.reports.conftest import add_plan

URL = "/reports/2010-11/q2/"


@pytest.mark.parametrize("group", ["Directors", "Administrators"])
def test_directors_and_administrators_read_the_report(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Quarterly performance report: quarter 2 2010-11" in content
    assert "30 September 2010" in content
    # The contents list links to each section.
    for anchor in ["summary", "indicators", "exceptions", "milestones", "budget", "risks"]:
        assert f'href="#{anchor}"' in content
        assert f'id="{anchor}"' in content


@pytest.mark.parametrize("group", ["Staff", "Corporate services"])
def test_staff_and_corporate_services_are_refused_saying_why(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))
    response = client.get(URL)
    assert response.status_code == 403
    assert "only directors and administrators can read it" in response.content.decode()


def test_someone_signed_out_is_sent_to_sign_in(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_rule_refuses_an_inactive_director_and_nobody(user_in_group, db):
    director = user_in_group("Directors")
    assert may_read_reports(director)
    director.is_active = False
    assert not may_read_reports(director)
    assert not may_read_reports(AnonymousUser())


@pytest.mark.parametrize(
    "url", ["/reports/2010-11/q5/", "/reports/2010-11/q0/", "/reports/2031-32/q1/"]
)
def test_an_unknown_year_or_quarter_is_not_found(client, user_in_group, plan, url):
    client.force_login(user_in_group("Directors"))
    assert client.get(url).status_code == 404


def test_every_figure_links_to_the_page_it_comes_from(client, user_in_group, plan):
    client.force_login(user_in_group("Directors"))
    content = client.get(URL).content.decode()
    assert 'href="/plans/2010-11/indicators/K3/?quarter=2"' in content
    assert 'href="/plans/2010-11/indicators/K1/?quarter=1"' in content  # the quarter before
    assert 'href="/plans/2009-10/indicators/K1/?quarter=2"' in content  # last year's
    assert f'href="/plans/2010-11/projects/{plan.project.pk}/"' in content
    assert 'href="/plans/2010-11/budget/?month=2010-09"' in content
    assert 'href="/plans/2010-11/recommendations/?status=accepted#list"' in content
    assert 'href="/plans/2010-11/indicators/?quarter=2"' in content
    assert "/plans/2010-11/risks/" in content


def test_the_page_names_the_owner_of_a_missing_explanation(client, user_in_group, plan):
    client.force_login(user_in_group("Administrators"))
    content = client.get(URL).content.decode()
    assert "No explanation from Director of Policy for quarter 2" in content
    assert "Two more schools are signed up for October" in content
    assert "31 Dec 2010" in content


def nav_labels(response):
    return [item["label"] for item in response.context["navigation_items"]()]


def test_the_header_home_page_and_dashboard_link_to_the_report_for_directors(
    client, user_in_group, plan
):
    client.force_login(user_in_group("Directors"))
    home = client.get("/")
    assert "Quarterly report" in nav_labels(home)
    # The current plan year is 2010-11 here (the latest with projects); it has ended, so the
    # links open on its quarter 4.
    assert 'href="/reports/2010-11/q4/"' in home.content.decode()
    dashboard = client.get("/plans/2010-11/indicators/?quarter=2").content.decode()
    assert 'href="/reports/2010-11/q2/"' in dashboard


def test_staff_see_no_link_to_the_report(client, user_in_group, plan):
    client.force_login(user_in_group("Staff"))
    home = client.get("/")
    assert "Quarterly report" not in nav_labels(home)
    assert "/reports/" not in home.content.decode()
    assert "/reports/" not in client.get("/plans/2010-11/indicators/").content.decode()


def test_the_page_runs_as_many_queries_for_a_plan_four_times_as_large(
    client, user_in_group, plan, django_assert_num_queries
):
    client.force_login(user_in_group("Directors"))
    client.get(URL)  # sessions and permissions settle
    cache.clear()  # the report is built afresh each time, not kept
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    add_plan(plan.plan_year, plan.earlier_year, copies=3, suffix="b")
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert "K3b2" in response.content.decode()
