"""A director signs off a quarter's report: its figures, PDF and workbook are kept with their
SHA-256, the page and the workbook then show the report as signed off, the quarter is locked,
a second sign-off is told who signed off first, and an administrator reopens it with a reason.
The factory-built plan is tests/reports/conftest.py's, quarter 2 of 2010-11."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from kpis.models import Measurement
from plans.locks import quarter_locks
from plans.models import QuarterSignOff
from plans.periods import Quarter
from reports import drift, selectors, services
from reports.models import SignedOffReport

Q2 = Quarter(2010, 2)
PAGE = "/reports/2010-11/q2/"
SIGN_OFF = "/reports/2010-11/q2/sign-off/"
REOPEN = "/reports/2010-11/q2/reopen/"


@pytest.fixture
def director(user_in_group):
    return user_in_group("Directors")


def test_a_director_signs_off_and_the_report_is_kept_with_its_documents(client, director, plan):
    client.force_login(director)
    live = selectors.quarterly_report(plan_year=plan.plan_year, quarter=Q2)

    response = client.post(SIGN_OFF, {"note": "Agreed at the October meeting."})

    assert response.status_code == 302
    sign_off = QuarterSignOff.objects.get(plan_year=plan.plan_year, quarter=2)
    assert (sign_off.signed_off_by, sign_off.note, sign_off.is_standing) == (
        director,
        "Agreed at the October meeting.",
        True,
    )
    kept = SignedOffReport.objects.get(sign_off=sign_off)
    assert kept.data == json.loads(json.dumps(live.as_dict(), cls=DjangoJSONEncoder))
    assert bytes(kept.pdf).startswith(b"%PDF")
    assert kept.pdf_sha256 == hashlib.sha256(bytes(kept.pdf)).hexdigest()
    assert kept.workbook_sha256 == hashlib.sha256(bytes(kept.workbook)).hexdigest()
    assert quarter_locks().quarter_is_locked(plan.plan_year, 2)
    page = client.get(PAGE).content.decode()
    assert "is signed off" in page  # the success banner
    assert "This is the report as it was signed off" in page
    assert "Agreed at the October meeting." in page


def test_after_sign_off_the_page_and_workbook_show_the_figures_as_signed_off(
    client, director, plan
):
    client.force_login(director)
    client.post(SIGN_OFF)
    kept = SignedOffReport.objects.get()
    # K2's September actual changes in the records afterwards (straight in the database: the
    # routes people use refuse it now), from 80 to 30: 540 to date would become 490.
    Measurement.objects.filter(indicator=plan.k2, period=datetime.date(2010, 9, 1)).update(
        value=Decimal("30")
    )

    shown = client.get(PAGE).context["report"]
    k2 = next(
        line
        for tier in shown.indicator_tiers
        for group in tier.groups
        for line in group.indicators
        if line.ref == "K2"
    )
    assert k2.actual_to_date_text == "540"
    live = selectors.quarterly_report(plan_year=plan.plan_year, quarter=Q2)
    assert shown != live
    download = client.get("/reports/2010-11/q2.xlsx")
    assert hashlib.sha256(download.content).hexdigest() == kept.workbook_sha256


def test_a_second_sign_off_is_told_who_signed_off_first(client, user_in_group, director, plan):
    client.force_login(director)
    client.post(SIGN_OFF)
    other = user_in_group("Directors")
    client.force_login(other)

    response = client.post(SIGN_OFF, {"note": "Mine"}, follow=True)

    assert QuarterSignOff.objects.count() == 1
    assert f"was signed off by {director.get_username()}" in response.content.decode()


def test_two_directors_signing_off_at_once_make_one_sign_off_and_the_second_is_told(
    user_in_group, director, plan, monkeypatch
):
    other = user_in_group("Directors")
    render = services.report_workbook

    def meanwhile_the_other_signs_off(report):
        # The other director's sign-off lands after this one checked and before it is saved.
        if not QuarterSignOff.objects.exists():
            QuarterSignOff.objects.create(plan_year=plan.plan_year, quarter=2, signed_off_by=other)
        return render(report)

    monkeypatch.setattr(services, "report_workbook", meanwhile_the_other_signs_off)

    with pytest.raises(services.AlreadySignedOff, match=f"signed off by {other.get_username()}"):
        services.report_sign_off(plan_year=plan.plan_year, quarter=Q2, user=director)

    assert QuarterSignOff.objects.get().signed_off_by == other
    assert not SignedOffReport.objects.exists()


@pytest.mark.parametrize("group", ["Administrators", "Staff"])
def test_only_directors_sign_off(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))

    assert client.post(SIGN_OFF).status_code == 403
    assert not QuarterSignOff.objects.exists()


def test_a_quarter_is_signed_off_only_once_it_has_ended(director, plan):
    with pytest.raises(ValidationError, match="ends on 30 September 2010"):
        services.report_sign_off(
            plan_year=plan.plan_year, quarter=Q2, user=director, today=datetime.date(2010, 9, 30)
        )

    assert not QuarterSignOff.objects.exists()


def test_an_administrator_reopens_with_a_reason_and_the_earlier_sign_off_stays_listed(
    client, user_in_group, director, plan
):
    client.force_login(director)
    client.post(SIGN_OFF)
    administrator = user_in_group("Administrators")
    client.force_login(administrator)

    refused = client.post(REOPEN, {"reason": " "})
    assert refused.status_code == 400
    assert 'href="#id_reason"' in refused.content.decode()
    assert QuarterSignOff.objects.get().is_standing

    client.post(REOPEN, {"reason": "September's actuals were entered against KPI3."})

    earlier = QuarterSignOff.objects.get()
    assert (earlier.is_standing, earlier.reopened_by) == (False, administrator)
    assert not quarter_locks().quarter_is_locked(plan.plan_year, 2)
    assert earlier.history.count() == 2  # signed off, then reopened
    client.force_login(director)
    page = client.get(PAGE).content.decode()
    assert "September&#x27;s actuals were entered against KPI3." in page
    assert "Sign off quarter 2 2010-11" in page

    client.post(SIGN_OFF)
    assert QuarterSignOff.objects.filter(reopened_at__isnull=True).count() == 1
    assert QuarterSignOff.objects.count() == 2


def test_a_director_cannot_reopen(client, director, plan):
    client.force_login(director)
    client.post(SIGN_OFF)

    assert client.post(REOPEN, {"reason": "Mistake"}).status_code == 403
    assert QuarterSignOff.objects.get().is_standing


def test_figure_changes_name_each_figure_that_moved_and_where():
    signed_off = {
        "summary": {"indicators": 4, "rag_counts": [{"rag": "red", "label": "Red", "count": 1}]},
        "indicator_tiers": [
            {
                "label": "Key",
                "groups": [{"objective": "SO1", "indicators": [{"ref": "K2", "rag": "amber"}]}],
            }
        ],
        "url": "/one",
    }
    now = {
        "summary": {"indicators": 4, "rag_counts": [{"rag": "red", "label": "Red", "count": 2}]},
        "indicator_tiers": [
            {
                "label": "Key",
                "groups": [{"objective": "SO1", "indicators": [{"ref": "K2", "rag": "red"}]}],
            }
        ],
        "url": "/another",  # an address is not a figure
    }

    assert drift.figure_changes(signed_off, now) == [
        drift.FigureChange("Key, SO1, K2", "Rag", "amber", "red"),
        drift.FigureChange("Red", "Count", "1", "2"),
    ]
    assert drift.figure_changes(signed_off, signed_off) == []


def test_the_signed_off_report_lists_what_changed_since_field_by_field(
    client, user_in_group, director, plan
):
    client.force_login(director)
    client.post(SIGN_OFF)
    administrator = user_in_group("Administrators", username="corrector")
    september = Measurement.objects.get(indicator=plan.k2, period=datetime.date(2010, 9, 1))
    september.value = Decimal("30")
    september._history_user = administrator
    september.save()  # in the database, past the lock that every route asks

    response = client.get(PAGE)

    figures = {
        (c.where, c.field): (c.signed_off, c.now) for c in response.context["figure_changes"]
    }
    # K2: 100 + 100 + 100 + 80 + 80 + 80 = 540 to date as signed off; with September 30, 490.
    assert figures[
        ("Key performance indicator, SO1: Safeguard children, K2", "Actual to date text")
    ] == (
        "540",
        "490",
    )
    (entry,) = response.context["record_changes"]
    assert entry.record == "Actual, September 2010"
    assert entry.who == "corrector"
    assert [(c.before, c.after) for c in entry.changes if c.field == "Value"] == [("80", "30")]
    page = response.content.decode()
    assert "The records have changed since this report was signed off" in page


def test_a_change_after_the_quarter_is_no_drift_of_its_report(client, director, plan):
    client.force_login(director)
    client.post(SIGN_OFF)
    october = Measurement.objects.get(indicator=plan.k2, period=datetime.date(2010, 10, 1))
    october.value = Decimal("400")
    october.save()

    response = client.get(PAGE)

    assert response.context["figure_changes"] == []
    assert "The records have changed" not in response.content.decode()


def test_an_earlier_reopened_sign_off_keeps_its_pdf_and_workbook_to_download(
    client, user_in_group, director, plan
):
    client.force_login(director)
    client.post(SIGN_OFF)
    earlier = QuarterSignOff.objects.get()
    kept = SignedOffReport.objects.get(sign_off=earlier)
    client.force_login(user_in_group("Administrators"))
    client.post(REOPEN, {"reason": "A late correction."})
    client.force_login(director)
    client.post(SIGN_OFF)

    page = client.get(PAGE).content.decode()
    for extension, sha256 in (("pdf", kept.pdf_sha256), ("xlsx", kept.workbook_sha256)):
        address = f"/reports/2010-11/q2/sign-offs/{earlier.pk}.{extension}"
        assert f'href="{address}"' in page
        download = client.get(address)
        assert hashlib.sha256(download.content).hexdigest() == sha256
        assert "signed-off" in download["Content-Disposition"]
    assert client.get(f"/reports/2010-11/q3/sign-offs/{earlier.pk}.pdf").status_code == 404
    assert client.get(f"/reports/2010-11/q2/sign-offs/{earlier.pk}.csv").status_code == 404
