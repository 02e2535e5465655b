"""The recommendations tracker: counts by status per project and per performance theme, the list
filtered by status, and the form on which project owners record a response."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Indicator
from plans import choices
from plans.models import PlanYear, Recommendation
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
    RecommendationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

TRACKER = "/plans/2012-13/recommendations/"
Status = choices.RecommendationStatus


@pytest.fixture
def plan_year():
    return PlanYearFactory(year="2012-13", status=choices.PlanStatus.PUBLISHED)


@pytest.fixture
def inquiry(plan_year):
    return ProjectFactory(
        plan_year=plan_year,
        title="School Exclusions Inquiry",
        performance_theme=choices.PerformanceTheme.INQUIRIES,
    )


def row_cells(content, heading):
    """The numbers in the table row headed `heading`."""
    row = re.search(rf"{re.escape(heading)}</(?:a|th)>.*?</tr>", content, re.S).group(0)
    return [int(n) for n in re.findall(r'numeric">(?:<strong>)?(\d+)', row)]


def test_the_tracker_counts_recommendations_by_status_per_project_and_theme(
    signed_in_client, plan_year, inquiry
):
    advice = ProjectFactory(
        plan_year=plan_year,
        title="Advice to Parliament",
        performance_theme=choices.PerformanceTheme.ADVICE_AND_INFLUENCE,
    )
    second_inquiry = ProjectFactory(
        plan_year=plan_year,
        title="Gangs Inquiry",
        performance_theme=choices.PerformanceTheme.INQUIRIES,
    )
    for status in [Status.ACCEPTED, Status.ACCEPTED, Status.IMPLEMENTED, Status.REJECTED]:
        RecommendationFactory(project=inquiry, status=status)
    RecommendationFactory(project=second_inquiry, status=Status.NO_RESPONSE)
    RecommendationFactory(project=advice, status=Status.UNDER_CONSIDERATION)
    content = signed_in_client.get(TRACKER).content.decode()
    # Columns: under consideration, accepted, implemented, rejected, no response, total.
    assert row_cells(content, "School Exclusions Inquiry") == [0, 2, 1, 1, 0, 4]
    assert row_cells(content, "Gangs Inquiry") == [0, 0, 0, 0, 1, 1]
    theme_table = content.split("per performance theme")[1]
    assert row_cells(theme_table, "Inquiries") == [0, 2, 1, 1, 1, 5]
    assert row_cells(theme_table, "Advice and Influence") == [1, 0, 0, 0, 0, 1]
    assert row_cells(theme_table, "All projects") == [1, 2, 1, 1, 1, 6]


def test_the_list_is_filtered_by_status(signed_in_client, inquiry):
    RecommendationFactory(project=inquiry, text="Publish the data", status=Status.ACCEPTED)
    RecommendationFactory(project=inquiry, text="Train the staff", status=Status.REJECTED)
    content = signed_in_client.get(TRACKER, {"status": "rejected"}).content.decode()
    listed = content.split('id="list"')[1]
    assert "Train the staff" in listed
    assert "Publish the data" not in listed


def test_a_status_not_offered_is_an_error_and_the_whole_list_is_shown(signed_in_client, inquiry):
    RecommendationFactory(project=inquiry, text="Publish the data")
    content = signed_in_client.get(TRACKER, {"status": "ignored"}).content.decode()
    assert "<title>Error: Recommendations" in content
    assert "Choose a status from the list." in content
    assert "Publish the data" in content


def test_a_status_not_offered_is_linked_from_the_summary_and_read_out_with_the_list(
    signed_in_client, inquiry
):
    content = signed_in_client.get(TRACKER, {"status": "ignored"}).content.decode()

    assert '<li><a href="#id_status">Choose a status from the list.</a></li>' in content
    select = re.search(r'<select [^>]*name="status"[^>]*>', content).group(0)
    assert 'class="govuk-select govuk-select--error"' in select
    assert 'aria-describedby="id_status-error"' in select
    assert '<p id="id_status-error" class="govuk-error-message">' in content


def test_the_tracker_query_count_does_not_grow_with_recommendations(
    client, user_in_group, plan_year, inquiry
):
    client.force_login(user_in_group("Directors"))
    RecommendationFactory(project=inquiry)

    def queries():
        cache.clear()  # the page built afresh, not kept (core.kept_pages)
        with CaptureQueriesContext(connection) as captured:
            client.get(TRACKER)
        return len(captured.captured_queries)

    queries()
    few = queries()
    for index in range(12):
        project = ProjectFactory(plan_year=plan_year, performance_theme="advice and influence")
        RecommendationFactory(project=project, status=list(Status)[index % 5])
    assert queries() == few


# --- Recording a response -------------------------------------------------------------------


@pytest.fixture
def owner(user_in_group, inquiry):
    user = user_in_group("Directors", first_name="Dana", last_name="Director")
    role = RoleFactory(title="Director of Policy")
    role.holders.add(user)
    inquiry.owners.add(role)
    return user


def response_url(recommendation):
    return f"{TRACKER}{recommendation.pk}/response/"


def version_of(client, recommendation):
    content = client.get(response_url(recommendation)).content.decode()
    return re.search(r'name="record_version" value="([0-9a-f]+)"', content).group(1)


def test_a_project_owner_records_a_response(client, owner, inquiry):
    recommendation = RecommendationFactory(project=inquiry, made_on=datetime.date(2012, 9, 1))
    client.force_login(owner)
    assert "Record a response" in client.get(TRACKER).content.decode()
    response = client.post(
        response_url(recommendation),
        {
            "status": "accepted",
            "responded_on": "14/1/2013",
            "response": "The department accepts it in full.",
            "record_version": version_of(client, recommendation),
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ACCEPTED
    assert recommendation.responded_on == datetime.date(2013, 1, 14)
    assert recommendation.history.latest().history_user == owner


def test_a_response_before_the_recommendation_was_made_is_refused(client, owner, inquiry):
    recommendation = RecommendationFactory(project=inquiry, made_on=datetime.date(2012, 9, 1))
    client.force_login(owner)
    response = client.post(
        response_url(recommendation),
        {
            "status": "accepted",
            "responded_on": "1/8/2012",
            "record_version": version_of(client, recommendation),
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Record a response" in content
    assert "A response cannot come before the recommendation was made." in content


def test_a_response_does_not_overwrite_one_saved_since_the_form_was_opened(client, owner, inquiry):
    recommendation = RecommendationFactory(project=inquiry)
    client.force_login(owner)
    version = version_of(client, recommendation)
    Recommendation.objects.filter(pk=recommendation.pk).update(status=Status.IMPLEMENTED)
    response = client.post(
        response_url(recommendation),
        {"status": "rejected", "responded_on": "14/1/2013", "record_version": version},
    )
    assert "Someone else saved changes to this record" in response.content.decode()
    assert Recommendation.objects.get(pk=recommendation.pk).status == Status.IMPLEMENTED


@pytest.mark.parametrize("group", ["Staff", "Directors", "Corporate services"])
def test_only_the_project_owners_record_responses(client, user_in_group, inquiry, group):
    recommendation = RecommendationFactory(project=inquiry)
    client.force_login(user_in_group(group))
    assert client.get(response_url(recommendation)).status_code == 403
    assert "Record a response" not in client.get(TRACKER).content.decode()


def test_nobody_but_an_administrator_records_a_response_in_a_closed_year(
    client, owner, inquiry, user_in_group
):
    recommendation = RecommendationFactory(project=inquiry)
    PlanYear.objects.filter(pk=inquiry.plan_year_id).update(status=choices.PlanStatus.CLOSED)
    client.force_login(owner)
    assert client.get(response_url(recommendation)).status_code == 403
    client.force_login(user_in_group("Administrators"))
    assert client.get(response_url(recommendation)).status_code == 200


def test_the_kpi_counts_still_read_accepted_implemented_and_under_consideration(inquiry):
    for status in Status:
        RecommendationFactory(project=inquiry, status=status)
    indicator = Indicator(project=inquiry, source="recommendations by status")
    assert indicator.recommendation_counts() == {
        "accepted": 1,
        "implemented": 1,
        "under consideration": 1,
    }
