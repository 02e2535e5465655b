"""A director returns an owner's corrective action, or an actual's commentary, for revision
with a note; it is back on the owner's list (the preparation page and My work) until they
resubmit it, by whichever route; the history keeps the return and both versions.

The plan is tests/reports/test_preparation.py's (quarter 2 of 2010-11): Alice Adams holds the
Director of Policy role, which owns the project whose milestone "Schools signed up" has a
corrective action for quarter 2, and the monthly indicator K1, with actuals for July and
August. Without a return Alice's quarter 2 list is "1 actual, 1 milestone update, 1 corrective
action, 1 risk review" (worked out there)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.edit_conflicts import EditConflictError, record_fingerprint
from kpis.models import Measurement
from plans.periods import Quarter
from reports import services
from reports.models import CorrectiveAction, ReturnForRevision
from reports.preparation import owner_preparation, quarter_preparation
from reports.revisions import quarter_returns
from tests.plans.factories import QuarterSignOffFactory
from tests.reports.test_preparation import add_records, build_plan
from tests.test_admin_exports import change_form_data
from tests.test_import_export import MEASUREMENT_HEADERS, confirm, upload

D = datetime.date
Q2 = Quarter(2010, 2)
PREPARATION = "/reports/2010-11/q2/preparation/"
BEFORE = "1 actual, 1 milestone update, 1 corrective action, 1 risk review"
NOTE = "Say which schools, and by when they will sign up."


@pytest.fixture
def plan(db, user_in_group):
    made = build_plan()
    made.director = user_in_group("Directors", first_name="Dan", last_name="Dean")
    # Staff update the milestones of the projects they work on, and explain them.
    made.alice.groups.add(Group.objects.get(name="Staff"))
    made.action = CorrectiveAction.objects.get(milestone__title="Schools signed up")
    made.july = Measurement.objects.get(indicator=made.k1, period=D(2010, 7, 1))
    made.july.commentary = "Fewer visits in the holidays."
    made.july.save()
    return made


@pytest.fixture
def on_30_december_2010(monkeypatch):
    """My work reads the date through timezone.localdate: quarters 1 and 2 of 2010-11 have
    ended, quarter 3 has not."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2010, 12, 30))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def return_url(kind, pk):
    return f"/reports/2010-11/q2/return/{kind}/{pk}/"


def give_back(plan, returned, note=NOTE):
    return services.return_for_revision(
        plan_year=plan.plan_year,
        quarter=Q2,
        returned=returned,
        note=note,
        user=plan.director,
        opened_version=record_fingerprint(returned),
    )


def alices_list(plan):
    return quarter_preparation(plan_year=plan.plan_year, quarter=2).for_owner(plan.alice)


def test_a_returned_corrective_action_is_on_its_owners_list_with_the_note(plan):
    give_back(plan, plan.action)
    alice = alices_list(plan)
    assert alice.summary() == f"{BEFORE}, 1 returned for revision"
    returned = alice.items[-1]
    today = timezone.localdate()
    assert returned.label == "Schools signed up (corrective action)"
    assert returned.detail == f"Returned by Dan Dean on {today:%-d %B %Y}: {NOTE}"
    milestone = plan.action.milestone_id
    assert returned.url == f"/reports/2010-11/q2/explain/milestone/{milestone}/"
    # Nobody else's list changes: Bob's is as it was.
    bob = quarter_preparation(plan_year=plan.plan_year, quarter=2).for_owner(plan.bob)
    assert bob.summary() == "1 actual, 1 milestone update, 1 corrective action"


def test_a_returned_commentary_is_on_its_owners_list_linking_to_the_actual(plan):
    give_back(plan, plan.july, note="Which holidays?")
    returned = alices_list(plan).items[-1]
    assert returned.label == "K1: " + plan.k1.title + ", July 2010 (commentary)"
    assert returned.url == "/plans/2010-11/indicators/K1/actuals/?period=2010-07-01"
    assert returned.detail.endswith(": Which holidays?")


def test_returning_needs_a_note(plan):
    with pytest.raises(ValidationError) as refused:
        give_back(plan, plan.action, note="   ")
    assert refused.value.message_dict == {
        "note": ["Enter a note saying what the owner should revise."]
    }
    assert not ReturnForRevision.objects.exists()


def test_the_page_says_a_note_is_needed_in_an_error_summary(client, plan):
    client.force_login(plan.director)
    url = return_url("corrective-action", plan.action.pk)
    version = record_fingerprint(plan.action)
    response = client.post(url, {"note": "", "record_version": version})
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert '<a href="#id_note">Enter a note saying what the owner should revise.</a>' in content
    assert not ReturnForRevision.objects.exists()


@pytest.mark.parametrize("group", ["Administrators", "Staff", "Corporate services"])
def test_only_directors_return_for_revision(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))
    url = return_url("corrective-action", plan.action.pk)
    response = client.post(url, {"note": NOTE, "record_version": record_fingerprint(plan.action)})
    assert response.status_code == 403
    assert "Only directors return a commentary or corrective action" in text_of(
        response.content.decode()
    )
    assert not ReturnForRevision.objects.exists()
    plan.director.groups.clear()
    plan.director = type(plan.director).objects.get(pk=plan.director.pk)
    with pytest.raises(PermissionDenied):
        give_back(plan, plan.action)


def test_a_director_returns_a_corrective_action_from_the_page(client, plan):
    client.force_login(plan.director)
    page = client.get(PREPARATION).content.decode()
    url = return_url("corrective-action", plan.action.pk)
    assert f'href="{url}"' in page
    form = client.get(url).content.decode()
    assert "Schools slow to reply" in text_of(form)
    version = form.split('name="record_version" value="')[1].split('"')[0]

    response = client.post(url, {"note": NOTE, "record_version": version})

    assert response.status_code == 302
    assert response["Location"] == f"{PREPARATION}#returns"
    made = ReturnForRevision.objects.get()
    assert (made.corrective_action, made.note, made.returned_by) == (
        plan.action,
        NOTE,
        plan.director,
    )
    text = text_of(client.get(PREPARATION).content.decode())
    assert "Schools signed up Corrective action, returned by Dan Dean on" in text
    assert f"{NOTE} Awaiting resubmission" in text
    assert "Returned for revision and resubmitted 0 1 1" in text
    assert "Alice Adams " + BEFORE + ", 1 returned for revision" in text
    # Each item's link says what to do there: a returned one is revised, a missing one entered.
    assert "Schools signed up (corrective action) : revise and resubmit it" in text
    assert ": enter the actual" in text
    assert "enter the returned" not in text


def test_the_preparation_page_offers_no_return_to_an_administrator(client, user_in_group, plan):
    client.force_login(user_in_group("Administrators"))
    page = client.get(PREPARATION).content.decode()
    assert "Fewer visits in the holidays." in page
    assert "/return/" not in page


def test_a_corrective_action_changed_after_the_page_was_opened_is_not_returned(client, plan):
    client.force_login(plan.director)
    url = return_url("corrective-action", plan.action.pk)
    opened = record_fingerprint(plan.action)
    CorrectiveAction.objects.filter(pk=plan.action.pk).update(explanation="Two schools closed")

    response = client.post(url, {"note": NOTE, "record_version": opened})

    text = text_of(response.content.decode())
    assert response.status_code == 200
    assert "changed after you opened this page, so it has not been returned" in text
    assert "Two schools closed" in text
    assert not ReturnForRevision.objects.exists()
    with pytest.raises(EditConflictError):
        services.return_for_revision(
            plan_year=plan.plan_year,
            quarter=Q2,
            returned=plan.action,
            note=NOTE,
            user=plan.director,
            opened_version=opened,
        )


def test_a_return_awaiting_resubmission_is_not_made_twice(plan):
    give_back(plan, plan.action)
    with pytest.raises(ValidationError, match="awaiting resubmission"):
        give_back(plan, plan.action)
    assert ReturnForRevision.objects.count() == 1


def test_the_page_of_a_return_awaiting_resubmission_shows_the_note_and_no_form(client, plan):
    give_back(plan, plan.action)
    client.force_login(plan.director)
    page = client.get(return_url("corrective-action", plan.action.pk)).content.decode()
    assert "and awaiting resubmission by its owner" in text_of(page)
    assert NOTE in page
    assert 'name="note"' not in page


def test_nothing_is_returned_once_the_quarter_is_signed_off(client, plan):
    QuarterSignOffFactory(plan_year=plan.plan_year, quarter=2)
    client.force_login(plan.director)
    response = client.get(return_url("corrective-action", plan.action.pk))
    assert response.status_code == 403
    assert "Quarter 2 of 2010-11 is signed off" in text_of(response.content.decode())
    assert "/return/" not in client.get(PREPARATION).content.decode()
    with pytest.raises(PermissionDenied):
        give_back(plan, plan.action)


def test_a_record_of_another_quarter_cannot_be_returned_for_this_one(client, plan):
    client.force_login(plan.director)
    april = Measurement.objects.get(indicator=plan.k3, period=D(2010, 4, 1))
    assert client.get(return_url("commentary", april.pk)).status_code == 404
    assert client.get(return_url("corrective-action", plan.action.pk + 99)).status_code == 404


def test_the_owner_resubmits_on_the_explanation_page_and_the_history_keeps_both(client, plan):
    give_back(plan, plan.action)
    client.force_login(plan.alice)
    url = f"/reports/2010-11/q2/explain/milestone/{plan.action.milestone_id}/"
    page = client.get(url).content.decode()
    assert "Dan Dean returned this explanation on" in text_of(page)
    assert NOTE in page
    version = page.split('name="record_version" value="')[1].split('"')[0]

    response = client.post(
        url,
        {
            "explanation": "Three schools have not replied",
            "action": "Head teachers called; a letter from the Commissioner",
            "recover_by_day": "31",
            "recover_by_month": "10",
            "recover_by_year": "2010",
            "record_version": version,
        },
    )

    assert response.status_code == 302
    assert alices_list(plan).summary() == BEFORE
    assert NOTE not in client.get(url).content.decode()
    [made] = quarter_returns(plan_year=plan.plan_year, quarter=2)
    assert made.resubmitted_at is not None
    assert made.resubmitted_by_id == plan.alice.pk
    # The return and its note, and both versions of the explanation.
    [returned] = ReturnForRevision.history.all()
    assert (returned.history_type, returned.note) == ("+", NOTE)
    versions = [h.explanation for h in plan.action.history.order_by("history_date")]
    assert versions == ["Schools slow to reply", "Three schools have not replied"]
    client.force_login(plan.director)
    text = text_of(client.get(PREPARATION).content.decode())
    assert "Resubmitted on " in text
    assert "by Alice Adams" in text
    assert "Returned for revision and resubmitted 1 1 0" in text


def test_a_commentary_changed_in_the_entry_screens_is_resubmitted(
    client, plan, on_30_december_2010
):
    give_back(plan, plan.july, note="Which holidays?")
    assert alices_list(plan).summary() == f"{BEFORE}, 1 returned for revision"
    client.force_login(plan.alice)
    assert "Which holidays?" in client.get("/my-work/").content.decode()

    administrator = plan.director.__class__.objects.create_superuser("ada", password="x")
    client.force_login(administrator)
    url = reverse("admin:kpis_measurement_change", args=[plan.july.pk])
    data = change_form_data(client.get(url))
    data["commentary"] = "Fewer visits in the school summer holidays."
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert alices_list(plan).summary() == BEFORE
    client.force_login(plan.alice)
    assert "Which holidays?" not in client.get("/my-work/").content.decode()
    commentaries = [h.commentary for h in plan.july.history.order_by("history_date")]
    assert commentaries[-2:] == [
        "Fewer visits in the holidays.",
        "Fewer visits in the school summer holidays.",
    ]


def test_a_commentary_corrected_by_import_is_resubmitted(client, plan, user_in_group):
    give_back(plan, plan.july, note="Which holidays?")
    # Directors import the actuals of the indicators whose owner role they hold.
    importer = user_in_group("Directors")
    plan.policy.holders.add(importer)
    client.force_login(importer)
    rows = [
        MEASUREMENT_HEADERS,
        ["2010-11", "K1", "2010-07-01", "100", "", "", "Fewer visits in the summer holidays."],
    ]

    done = confirm(client, Measurement, upload(client, Measurement, rows))

    assert "Import finished: 0 new, 1 updated" in text_of(done.content.decode())
    assert alices_list(plan).summary() == BEFORE
    [made] = quarter_returns(plan_year=plan.plan_year, quarter=2)
    assert made.resubmitted_by_id == importer.pk


def test_my_work_lists_a_returned_item_with_the_note_until_it_is_resubmitted(
    client, plan, on_30_december_2010
):
    give_back(plan, plan.action)
    client.force_login(plan.alice)
    text = text_of(client.get("/my-work/").content.decode())
    assert "1 returned for revision" in text
    assert NOTE in text
    CorrectiveAction.objects.get(pk=plan.action.pk).save()
    assert NOTE not in text_of(client.get("/my-work/").content.decode())
    assert owner_preparation(user=plan.alice, today=D(2010, 12, 30))[1].summary() == BEFORE


def return_everything(plan, director):
    """Return each milestone's corrective action and each August actual of the plan (made
    commentaries), and resubmit one of the actuals."""
    for action in CorrectiveAction.objects.filter(milestone__isnull=False, returns=None):
        ReturnForRevision.objects.create(
            plan_year=plan.plan_year,
            quarter=2,
            corrective_action=action,
            note=NOTE,
            returned_by=director,
        )
    august = Measurement.objects.filter(period=D(2010, 8, 1)).exclude(commentary="August")
    for measurement in august:
        measurement.commentary = "August"
        measurement.save()
        ReturnForRevision.objects.create(
            plan_year=plan.plan_year,
            quarter=2,
            measurement=measurement,
            note=NOTE,
            returned_by=director,
        )
    # Resubmitted: changed after its return.
    Measurement.objects.get(pk=august[0].pk).save()


def test_the_number_of_queries_does_not_grow_with_the_returns(
    client, plan, django_assert_num_queries
):
    from tests.reports.test_preparation import QUERIES

    return_everything(plan, plan.director)
    # The returns, and the owners of the indicators returned.
    with django_assert_num_queries(QUERIES + 1):
        preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    assert len(preparation.returns) == 3
    client.force_login(plan.director)
    client.get(PREPARATION)  # sessions and permissions settle
    cache.clear()  # the page built afresh, not kept from the request before
    with CaptureQueriesContext(connection) as small:
        client.get(PREPARATION)
    for copy in (1, 2, 3):
        add_records(plan, plan.plan_year, tag=f"-{copy}")
        return_everything(plan, plan.director)
    with django_assert_num_queries(QUERIES + 1):
        preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    assert len(preparation.returns) == 12
    assert sum(made.resubmitted_at is not None for made in preparation.returns) == 4
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(PREPARATION)
    assert response.content.decode().count("Awaiting resubmission") == 2 * 8
