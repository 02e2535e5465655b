"""The page listing what is missing for a quarter, and each owner's list at the top of My work,
from the plan of tests/reports/test_preparation.py (quarter 2 of 2010-11, worked out there)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.kpis.factories import MeasurementFactory
from tests.reports.test_preparation import add_records, build_plan

URL = "/reports/2010-11/q2/preparation/"
D = datetime.date


@pytest.fixture
def plan(db):
    return build_plan()


@pytest.fixture
def on_30_december_2010(monkeypatch):
    """The pages read the date through timezone.localdate: quarters 1 and 2 of 2010-11 have
    ended, quarter 3 has not."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2010, 12, 30))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("group", ["Directors", "Administrators"])
def test_directors_and_administrators_read_what_is_missing(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    text = text_of(content)
    assert "What is missing for quarter 2 2010-11" in text
    assert "Due by Thursday 21 October 2010" in text
    assert "Still missing 12 items" in text
    for label, entered, expected, missing in [
        ("Actuals entered", 5, 10, 5),
        ("Milestones due updated this quarter", 1, 3, 2),
        ("Exceptions explained", 1, 4, 3),
        ("Open risks reviewed on time", 2, 3, 1),
        ("Months with budget actuals", 2, 3, 1),
    ]:
        assert f"{label} {entered} {expected} {missing}" in text
    assert "Alice Adams 1 actual, 1 milestone update, 1 corrective action, 1 risk review" in text
    assert "Bob Brown 1 actual, 1 milestone update, 1 corrective action" in text
    assert "Fiona Finch 1 corrective action, 1 month of budget actuals" in text
    assert text.index("Alice Adams") < text.index("Bob Brown") < text.index("Fiona Finch")
    # Each item links to its entry page.
    assert 'href="/plans/2010-11/indicators/K1/actuals/?period=2010-09-01"' in content
    assert f'href="/reports/2010-11/q2/explain/indicator/{plan.k3.pk}/"' in content
    assert 'href="/plans/2010-11/budget/import/"' in content
    # K6's three months, whose owner role nobody holds.
    assert "Owned by nobody" in text
    assert content.count('href="/plans/2010-11/indicators/K6') == 3


@pytest.mark.parametrize("group", ["Staff", "Corporate services"])
def test_staff_and_corporate_services_are_refused_saying_why(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))
    response = client.get(URL)
    assert response.status_code == 403
    assert "only directors and administrators can read it" in response.content.decode()


def test_an_unknown_quarter_is_not_found(client, user_in_group, plan):
    client.force_login(user_in_group("Directors"))
    assert client.get("/reports/2010-11/q5/preparation/").status_code == 404


def test_the_quarters_report_links_to_what_is_missing(client, user_in_group, plan):
    client.force_login(user_in_group("Directors"))
    content = client.get("/reports/2010-11/q2/").content.decode()
    assert f'href="{URL}"' in content


def test_the_page_runs_as_many_queries_for_a_plan_four_times_as_large(
    client, user_in_group, plan, django_assert_num_queries
):
    client.force_login(user_in_group("Directors"))
    client.get(URL)  # sessions and permissions settle
    cache.clear()  # the lists built afresh, not kept from the request before
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for copy in (1, 2, 3):
        add_records(plan, plan.plan_year, tag=f"-{copy}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert "K1-3" in response.content.decode()


def test_the_lists_are_kept_until_a_record_changes_and_then_show_the_change(
    client, user_in_group, plan, django_assert_max_num_queries
):
    """K1 (Alice's) and K6 (nobody's) have no actual for September: two such lines."""
    september = "No actual for September 2010"
    client.force_login(user_in_group("Directors"))
    assert text_of(client.get(URL).content.decode()).count(september) == 2

    # The session and user, the fingerprint, the plan year, and what may be returned for revision.
    with django_assert_max_num_queries(10):
        kept = client.get(URL)
    assert text_of(kept.content.decode()).count(september) == 2

    MeasurementFactory(indicator=plan.k1, period=datetime.date(2010, 9, 1), value=5)
    assert text_of(client.get(URL).content.decode()).count(september) == 1


def test_my_work_opens_with_each_open_quarters_missing_items(client, plan, on_30_december_2010):
    client.force_login(plan.alice)
    content = client.get("/my-work/").content.decode()
    text = text_of(content)
    assert "Quarter 1 2010-11, due by 21 July: 3 actuals, 1 corrective action" in text
    assert (
        "Quarter 2 2010-11, due by 21 October: 1 actual, 1 milestone update, "
        "1 corrective action, 1 risk review" in text
    )
    assert "Quarter 3" not in text
    assert 'href="/plans/2010-11/indicators/K1/actuals/?period=2010-09-01"' in content
    assert text.index("For the quarterly report") < text.index("Every milestone of 2010-11")


def test_my_work_says_nothing_of_the_report_when_nothing_is_missing(
    client, user_in_group, plan, on_30_december_2010
):
    client.force_login(user_in_group("Staff"))
    assert "For the quarterly report" not in client.get("/my-work/").content.decode()
