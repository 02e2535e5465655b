"""The header links to each person's pages, and marks the part of the site they are in."""

import re

import pytest

from tests.kpis.factories import IndicatorFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_year():
    plan_year = PlanYearFactory(year="2016-17", status="published")
    ProjectFactory(plan_year=plan_year)
    return plan_year


def navigation(response) -> list[str]:
    """The header's links as "label -> href [aria-current]"."""
    menu = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', response.text, re.S)
    links = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"([^>]*)>(.*?)</a>',
        menu.group(0),
        re.S,
    )
    shown = []
    for href, attributes, label in links:
        current = re.search(r'aria-current="(\w+)"', attributes)
        label = re.sub(r"<[^>]+>", "", label).strip()
        shown.append(f"{label} -> {href}" + (f" [{current.group(1)}]" if current else ""))
    return shown


def test_the_header_links_to_the_current_plan_years_pages(signed_in_client, plan_year):
    assert navigation(signed_in_client.get("/")) == [
        "Plans -> / [page]",
        "My work -> /my-work/",
        "Indicators -> /plans/2016-17/indicators/",
        "Budget -> /plans/2016-17/budget/",
        "Risks -> /plans/2016-17/risks/",
        "Enter and update -> /admin/",  # the Staff group's members use the entry screens
    ]


def test_the_header_marks_the_page_and_the_part_of_the_site_the_person_is_in(
    signed_in_client, plan_year
):
    indicator = IndicatorFactory(plan_year=plan_year, ref="KPI1")

    assert "My work -> /my-work/ [page]" in navigation(signed_in_client.get("/my-work/"))
    on_dashboard = navigation(signed_in_client.get("/plans/2016-17/indicators/"))
    assert "Indicators -> /plans/2016-17/indicators/ [page]" in on_dashboard
    # On one indicator's page the Indicators link is the section, not the page itself.
    on_indicator = navigation(signed_in_client.get(indicator.get_absolute_url()))
    assert "Indicators -> /plans/2016-17/indicators/ [true]" in on_indicator
    assert "Plans -> /" in on_indicator


def test_without_plan_years_the_header_offers_plans_and_my_work(signed_in_client):
    assert navigation(signed_in_client.get("/")) == [
        "Plans -> / [page]",
        "My work -> /my-work/",
        "Enter and update -> /admin/",
    ]


def test_the_recommendations_tracker_sits_in_the_risks_part_of_the_site(
    signed_in_client, plan_year
):
    """The tracker's pages moved into plans; the header still places them beside the register."""
    on_tracker = navigation(signed_in_client.get("/plans/2016-17/recommendations/"))
    assert "Risks -> /plans/2016-17/risks/ [true]" in on_tracker
    assert "Plans -> /" in on_tracker
