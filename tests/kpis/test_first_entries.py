"""Two people entering the first target or actual of the same period in the entry screens: one
value is saved and the other person is told whose it is, never a silent overwrite or a server
error. (The actuals page's own check is in test_entry.py, the import's in test_import_export.)"""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from core import edit_conflicts
from kpis.models import Measurement, PeriodTarget
from tests.kpis.factories import IndicatorFactory, MeasurementFactory, PeriodTargetFactory
from tests.test_admin import posted_form

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2010, 4, 1)

# The inline under an indicator, the model it adds, the field typed and its colleague's record.
INLINES = [
    pytest.param(
        "targets",
        PeriodTarget,
        "target",
        lambda indicator: PeriodTargetFactory(indicator=indicator, period=APRIL, target=4000),
        "Someone else has already entered the period target KPI1 Apr 2010: 4000",
        "It now says: Period: 1 April 2010; Target: 4,000.",
        id="period target",
    ),
    pytest.param(
        "measurements",
        Measurement,
        "value",
        lambda indicator: MeasurementFactory(indicator=indicator, period=APRIL, value=4000),
        "Someone else has already entered the measurement KPI1 Apr 2010",
        "It now says: Period: 1 April 2010; Value: 4,000;",
        id="measurement",
    ),
]


@pytest.fixture
def administrator(client, user_in_group):
    user = user_in_group("Administrators")
    client.force_login(user)
    return user


def april_row_posted(client, indicator, prefix, field, value):
    """The indicator's entry screen as opened when April had no row, with April's typed in."""
    url = reverse("admin:kpis_indicator_change", args=[indicator.pk])
    form = posted_form(client.get(url))
    form[f"{prefix}-0-period"] = "2010-04-01"
    form[f"{prefix}-0-{field}"] = value
    form[f"{prefix}-0-commentary"] = "Counted at the door"
    form[f"{prefix}-0-indicator"] = indicator.pk
    form[f"{prefix}-TOTAL_FORMS"] = 1
    return url, form


def page_of(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("prefix", "model", "field", "colleague", "told", "now_says"), INLINES)
def test_a_first_row_entered_by_someone_else_after_the_indicator_opened_is_kept(
    client, administrator, prefix, model, field, colleague, told, now_says
):
    indicator = IndicatorFactory(ref="KPI1")
    url, form = april_row_posted(client, indicator, prefix, field, "4300")
    colleague(indicator)  # saved meanwhile

    response = client.post(url, form)

    assert response.status_code == 200
    assert told in page_of(response)
    assert now_says in page_of(response)
    assert model.objects.get(indicator=indicator).serializable_value(field) == Decimal(4000)


@pytest.mark.parametrize("check_misses", [1, 2])
@pytest.mark.parametrize(("prefix", "model", "field", "colleague", "told", "now_says"), INLINES)
def test_two_first_rows_at_the_same_moment_give_one_save_and_one_message(
    client,
    administrator,
    monkeypatch,
    check_misses,
    prefix,
    model,
    field,
    colleague,
    told,
    now_says,
):
    """Both saves were checked before either wrote (the check is made to miss the colleague's
    row, once or on the second look too): the second meets the first in the unique constraint
    and is told, on the form or above the page."""
    indicator = IndicatorFactory(ref="KPI1")
    url, form = april_row_posted(client, indicator, prefix, field, "4300")
    colleague(indicator)
    check = edit_conflicts.FirstEntryFormMixin.validate_constraints
    missed = []

    def as_if_checked_before_the_other_saved(form):
        if len(missed) < check_misses:
            missed.append(form)
            return None
        return check(form)

    monkeypatch.setattr(
        edit_conflicts.FirstEntryFormMixin,
        "validate_constraints",
        as_if_checked_before_the_other_saved,
    )

    response = client.post(url, form, follow=True)

    assert response.status_code == 200
    assert told in page_of(response)
    assert model.objects.get(indicator=indicator).serializable_value(field) == Decimal(4000)


def test_an_actual_added_on_its_own_is_not_saved_over_someone_elses(client, administrator):
    indicator = IndicatorFactory(ref="KPI1")
    MeasurementFactory(indicator=indicator, period=APRIL, value=4000)

    response = client.post(
        reverse("admin:kpis_measurement_add"),
        {"indicator": indicator.pk, "period": "2010-04-01", "value": "4300", "commentary": "x"},
    )

    assert response.status_code == 200
    assert "Someone else has already entered the measurement KPI1 Apr 2010" in page_of(response)
    assert Measurement.objects.get().value == Decimal(4000)
