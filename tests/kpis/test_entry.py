"""An indicator's owners and administrators enter and correct its actuals on its page; nobody
else, and nothing in a closed year except by an administrator."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from core.edit_conflicts import EDIT_CONFLICT_MESSAGE
from kpis.choices import Aggregation, Frequency, IndicatorTier, Source, Unit
from kpis.models import Measurement
from plans.choices import PlanStatus
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

# The plan year is 2010-11 and "today" is late in it, so every period has begun.
TODAY = datetime.date(2011, 3, 20)


@pytest.fixture(autouse=True)
def late_in_the_year(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def owner():
    return UserFactory(username="owner")


@pytest.fixture
def kpi1(owner):
    indicator = IndicatorFactory(ref="KPI1", annual_target=Decimal(48000))
    role = RoleFactory(title="Director of Participation")
    role.holders.add(owner)
    indicator.owners.add(role)
    return indicator


@pytest.fixture
def kpi2(owner):
    indicator = IndicatorFactory(
        ref="KPI2", unit=Unit.PERCENTAGE, aggregation=Aggregation.RATIO, annual_target=80
    )
    role = RoleFactory()
    role.holders.add(owner)
    indicator.owners.add(role)
    return indicator


def url(indicator):
    return f"/plans/2010-11/indicators/{indicator.ref}/actuals/"


def post(client, indicator, **data):
    return client.post(url(indicator), {"commentary": "", **data})


def test_an_owner_enters_an_actual_with_commentary(client, owner, kpi1):
    client.force_login(owner)
    assert "Enter an actual" in client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    response = post(client, kpi1, period="2010-04-01", value="4,100", commentary="Good start.")
    assert response.status_code == 302
    assert response["Location"] == "/plans/2010-11/indicators/KPI1/?entered=2010-04-01"
    measurement = Measurement.objects.get(indicator=kpi1)
    assert measurement.value == Decimal(4100)
    assert measurement.commentary == "Good start."
    assert measurement.entered_by == owner
    assert not measurement.is_illustrative
    assert "The actual has been saved." in client.get(response["Location"]).content.decode()


def test_a_ratio_takes_what_was_counted_and_the_page_shows_the_percentage(client, owner, kpi2):
    client.force_login(owner)
    form = client.get(url(kpi2)).content.decode()
    assert "numerator" in form
    assert "denominator" in form
    post(client, kpi2, period="2010-04-01", numerator="412", denominator="500")
    measurement = Measurement.objects.get(indicator=kpi2)
    assert (measurement.numerator, measurement.denominator, measurement.value) == (412, 500, None)
    page = client.get("/plans/2010-11/indicators/KPI2/").content.decode()
    assert "82.4%" in page
    assert "412 of 500" in page


@pytest.mark.parametrize(
    ("fixture", "data", "field", "message"),
    [
        ("kpi1", {"period": "2011-04-01", "value": "1"}, "period", "must fall within 2010-11"),
        ("kpi1", {"period": "2010-04-01", "value": "-5"}, "value", "A count cannot be negative"),
        ("kpi1", {"period": "2010-04-01", "value": "lots"}, "value", "Enter a whole number"),
        ("kpi1", {"period": "2010-04-01", "value": ""}, "value", "Enter the actual"),
        (
            "kpi2",
            {"period": "2010-04-01", "numerator": "600", "denominator": "500"},
            "numerator",
            "The numerator (600) cannot be more than the denominator (500).",
        ),
        (
            "kpi2",
            {"period": "2010-04-01", "numerator": "-1", "denominator": "500"},
            "numerator",
            "The numerator cannot be negative.",
        ),
        (
            "kpi2",
            {"period": "2010-04-01", "numerator": "1", "denominator": "0"},
            "denominator",
            "The denominator must be more than zero.",
        ),
    ],
)
def test_each_mistake_gets_a_clear_message_and_nothing_is_saved(
    client, owner, request, fixture, data, field, message
):
    indicator = request.getfixturevalue(fixture)
    client.force_login(owner)
    response = post(client, indicator, **data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    content = response.content.decode()
    assert "There is a problem" in content
    assert content.startswith("<!DOCTYPE html>")
    assert "<title>Error: " in content
    assert not Measurement.objects.exists()


def test_a_period_not_yet_begun_is_refused(client, owner, kpi1, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2010, 6, 15)
    )
    client.force_login(owner)
    response = post(client, kpi1, period="2010-07-01", value="4000")
    assert "July 2010 has not started yet" in response.context["form"].errors["period"][0]
    assert not Measurement.objects.exists()


def test_a_percentage_lies_between_0_and_100(client, owner):
    indicator = IndicatorFactory(
        ref="EI9", unit=Unit.PERCENTAGE, aggregation=Aggregation.LEVEL, annual_target=90
    )
    indicator.owners.add(RoleFactory())
    indicator.owners.get().holders.add(owner)
    client.force_login(owner)
    response = post(client, indicator, period="2010-04-01", value="101", commentary="x")
    assert "between 0 and 100" in response.context["form"].errors["value"][0]


def test_a_quarterly_indicator_offers_its_quarters(client, owner):
    indicator = IndicatorFactory(ref="EI7", frequency=Frequency.QUARTERLY)
    indicator.owners.add(RoleFactory())
    indicator.owners.get().holders.add(owner)
    client.force_login(owner)
    content = client.get(url(indicator)).content.decode()
    assert "Quarter 1 (April to June 2010)" in content
    assert "Quarter 4 (January to March 2011)" in content
    assert ">May 2010<" not in content


def test_a_red_actual_requires_commentary_saying_what_is_being_done(client, owner, kpi1):
    client.force_login(owner)
    # 4,000 a month is the profile of 48,000; 3,000 is 75%: red.
    response = post(client, kpi1, period="2010-04-01", value="3000")
    assert (
        "say in the commentary what is being done"
        in (response.context["form"].errors["commentary"][0])
    )
    assert not Measurement.objects.exists()
    post(client, kpi1, period="2010-04-01", value="3000", commentary="Two events moved to May.")
    assert Measurement.objects.get().value == 3000


def test_a_correction_keeps_the_earlier_value_in_the_history(client, owner, kpi1):
    client.force_login(owner)
    post(client, kpi1, period="2010-04-01", value="4100", commentary="First count.")
    form = client.get(url(kpi1), {"period": "2010-04-01"}).content.decode()
    assert "Correct the actual" in form
    version = form.split('name="record_version" value="')[1].split('"')[0]
    post(
        client,
        kpi1,
        period="2010-04-01",
        value="4250",
        commentary="Late returns added.",
        record_version=version,
    )
    assert Measurement.objects.get().value == 4250
    page = client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    assert "Late returns added." in page
    history = page.split("History of this indicator", 1)[1]
    assert "4,100" in history
    assert "4,250" in history
    assert "owner" in history


def test_a_correction_over_someone_elses_newer_change_is_refused(client, owner, kpi1):
    measurement = MeasurementFactory(indicator=kpi1, value=Decimal(4100))
    client.force_login(owner)
    form = client.get(url(kpi1), {"period": "2010-04-01"}).content.decode()
    version = form.split('name="record_version" value="')[1].split('"')[0]
    measurement.value = Decimal(4200)
    measurement.save()
    response = post(
        client, kpi1, period="2010-04-01", value="4300", commentary="x", record_version=version
    )
    assert EDIT_CONFLICT_MESSAGE in response.content.decode().replace("&#x27;", "'")
    assert Measurement.objects.get().value == 4200


def test_people_who_do_not_hold_an_owner_role_are_refused(client, kpi1, user_in_group):
    client.force_login(user_in_group("Directors"))
    assert client.get(url(kpi1)).status_code == 403
    assert post(client, kpi1, period="2010-04-01", value="1").status_code == 403
    assert "Enter an actual" not in client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    assert not Measurement.objects.exists()


def test_a_closed_year_is_read_only_to_owners_but_not_to_administrators(client, owner, kpi1):
    PlanYearFactory(year="2010-11").__class__.objects.update(status=PlanStatus.CLOSED)
    client.force_login(owner)
    assert post(client, kpi1, period="2010-04-01", value="4000").status_code == 403
    administrator = UserFactory(username="administrator")
    administrator.groups.add(Group.objects.get(name="Administrators"))
    client.force_login(administrator)
    assert post(client, kpi1, period="2010-04-01", value="4000").status_code == 302


def test_nobody_enters_a_figure_the_application_counts(client, owner):
    indicator = IndicatorFactory(
        ref="PI1",
        tier=IndicatorTier.PROJECT,
        project=ProjectFactory(),
        source=Source.RECOMMENDATIONS,
        annual_target=None,
    )
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert client.get(url(indicator)).status_code == 403


def test_the_entry_form_query_count_does_not_grow_with_actuals(
    client, owner, kpi1, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    with CaptureQueriesContext(connection) as few:
        client.get(url(kpi1))
    for month in (4, 5, 6, 7, 8, 9):
        MeasurementFactory(indicator=kpi1, period=datetime.date(2010, month, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url(kpi1), {"period": "2010-10-01"})


def test_a_first_actual_saved_by_someone_else_after_the_form_opened_is_not_overwritten(
    client, owner, kpi1
):
    client.force_login(owner)
    form = client.get(url(kpi1), {"period": "2010-04-01"}).content.decode()
    version = form.split('name="record_version" value="')[1].split('"')[0]
    assert "Enter an actual" in form  # the period had no actual when the form opened
    # A colleague saves the period's first actual meanwhile.
    MeasurementFactory(indicator=kpi1, period=datetime.date(2010, 4, 1), value=Decimal(4100))

    response = post(
        client, kpi1, period="2010-04-01", value="4300", commentary="x", record_version=version
    )

    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "Someone else has already entered the measurement KPI1 Apr 2010" in page
    assert "It now says: Value: 4,100" in page
    assert Measurement.objects.get().value == 4100


def test_two_first_entries_at_the_same_moment_give_one_save_and_one_conflict(owner, kpi1):
    """The race the page's check cannot see: both people's saves found no actual, and the
    second insert meets the first's in the database's unique constraint."""
    from core.edit_conflicts import EditConflictError, insert_or_conflict

    period = datetime.date(2010, 4, 1)
    MeasurementFactory(indicator=kpi1, period=period, value=Decimal(4100))
    second = Measurement(indicator=kpi1, period=period, value=Decimal(4300))

    with pytest.raises(EditConflictError) as refused:
        insert_or_conflict(second, {"indicator": kpi1, "period": period}, fields=("value",))

    assert refused.value.current.value == 4100
    assert Measurement.objects.get().value == 4100  # and the transaction goes on


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("123456789012345", "no more than 12 digits before the decimal point"),
        ("1234567890123456789", "no more than 16 digits in total"),
        ("1.234567", "no more than 4 decimal places"),
    ],
)
def test_a_value_the_record_cannot_hold_is_said_on_the_page_not_a_server_error(
    client, owner, kpi1, value, message
):
    kpi1.unit = Unit.CURRENCY
    kpi1.save()
    client.force_login(owner)

    response = post(client, kpi1, period="2010-04-01", value=value, commentary="x")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_period_in_mid_month_is_said_on_the_page_not_a_server_error(client, owner, kpi1):
    client.force_login(owner)

    response = post(client, kpi1, period="2010-04-15", value="4100", commentary="x")

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors["period"]
    assert not Measurement.objects.exists()
