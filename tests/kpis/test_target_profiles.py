"""An indicator's target profile: which one applies is said on its page, it can be changed in
the entry screens, and every route (the page, the dashboard, its export, the quarterly report)
shows the same target to date from it; the demo's KPI6 and OC14 rise through the year; and the
migration that brought profiles in keeps every indicator's figures."""

import csv
import datetime
import html
import importlib
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from kpis import calculations
from kpis.choices import Aggregation, Frequency, TargetProfile, Unit
from kpis.models import Indicator, PeriodTarget
from kpis.selectors import dashboard
from plans.periods import Quarter
from reports.selectors import quarterly_report
from tests.kpis.factories import IndicatorFactory, PeriodTargetFactory
from tests.test_admin import change_url, posted_form

pytestmark = pytest.mark.django_db

D = Decimal


def profile_row(content: str) -> str:
    """The words of the page's "Target profile" row."""
    found = re.search(
        r'Target profile</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', content, re.S
    )
    assert found, "no Target profile row"
    return html.unescape(" ".join(found.group(1).split()))


def page(client, indicator, quarter=None) -> str:
    url = f"/plans/{indicator.plan_year.year}/indicators/{indicator.ref}/"
    if quarter:
        url += f"?quarter={quarter}"
    return client.get(url).content.decode()


# --- Said on the page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            # 50 over 12 months, to date at each quarter's end: 12.5, 25, 37.5, 50, rounded.
            {"target_profile": TargetProfile.EVEN, "annual_target": D(50)},
            "Even: the annual target of 50 is spread evenly over the 12 months. A count's target "
            "to date is the nearest whole number (a half rounded up), so the months' own targets "
            "are whole and add up to the annual target. Target to date at the end of quarters 1 "
            "to 4: 13, 25, 38 and 50.",
        ),
        (
            {"target_profile": TargetProfile.FLAT, "annual_target": D(50)},
            "Flat: the annual target of 50 applies from the start of the year. The months have "
            "no target of their own. Target to date at the end of quarters 1 to 4: 50, 50, 50 "
            "and 50.",
        ),
        (
            # A percentage is not rounded: 80 x 1/4 = 20, 40, 60, 80.
            {
                "target_profile": TargetProfile.EVEN,
                "aggregation": Aggregation.RATIO,
                "unit": Unit.PERCENTAGE,
                "frequency": Frequency.QUARTERLY,
                "annual_target": D(80),
            },
            "Even: the target rises in equal steps over the 4 quarters, from zero to 80.0% at "
            "the end of the year. Target to date at the end of quarters 1 to 4: 20.0%, 40.0%, "
            "60.0% and 80.0%.",
        ),
        (
            {
                "target_profile": TargetProfile.FLAT,
                "annual_target": None,
                "target_change_percent": D(50),
            },
            "Flat: the annual target applies all year. The target is a +50% change on a "
            "baseline the plan does not give.",
        ),
    ],
)
def test_the_page_says_which_profile_applies_in_plain_words(signed_in_client, fields, said):
    indicator = IndicatorFactory(**fields)
    assert profile_row(page(signed_in_client, indicator)) == said


def test_an_explicit_profile_says_the_targets_are_entered_and_which_period_has_none(
    signed_in_client,
):
    indicator = IndicatorFactory(
        target_profile=TargetProfile.EXPLICIT, frequency=Frequency.QUARTERLY
    )
    for month, target in ((4, 100), (7, 300)):
        PeriodTargetFactory(
            indicator=indicator, period=datetime.date(2010, month, 1), target=D(target)
        )
    # 100, then 100 + 300 = 400; nothing entered for October.
    assert profile_row(page(signed_in_client, indicator)) == (
        "Explicit: a target is entered for each quarter. The target to date adds up the "
        "quarters' targets so far. No target is entered for October 2010."
    )
    content = page(signed_in_client, indicator, quarter=2)
    assert "Target to date: 400" in content


def test_a_counts_month_and_quarter_targets_are_whole_numbers_on_the_page(signed_in_client):
    # OC3's shape: 50 a year, monthly. To date 4, 8, 13 by June (4.2, 8.3, 12.5 rounded), so
    # April 4, May 4, June 5; the quarter's own 13 and the year to date at its end 13.
    indicator = IndicatorFactory(annual_target=D(50), target_profile=TargetProfile.EVEN)
    content = page(signed_in_client, indicator, quarter=1)
    targets = [
        re.search(rf"{month} 2010</th>\s*<td[^>]*>([^<]*)</td>", content).group(1)
        for month in ("April", "May", "June")
    ]
    assert targets == ["4", "4", "5"]
    assert "<strong>13</strong>" in content
    assert "Target to date: 13" in content


# --- One figure on every route --------------------------------------------------------------------


def test_the_dashboard_its_export_and_the_report_show_the_profiled_target_to_date(
    signed_in_client,
):
    # 1,000 a year; at the end of quarter 2: flat 1,000; even 500 (1,000 x 6/12).
    flat = IndicatorFactory(
        ref="K1", aggregation=Aggregation.LEVEL, annual_target=D(1000), target_profile="flat"
    )
    IndicatorFactory(
        ref="K2",
        plan_year=flat.plan_year,
        aggregation=Aggregation.LEVEL,
        annual_target=D(1000),
        target_profile="even",
    )
    quarter = Quarter(2010, 2)
    rows = {row.indicator.ref: row for row in dashboard(year="2010-11", quarter=quarter).rows}
    assert rows["K1"].target_to_date == calculations.Target(D(1000))
    assert rows["K2"].target_to_date == calculations.Target(D(500))

    exported = signed_in_client.get("/plans/2010-11/indicators.csv?quarter=2").content.decode()
    by_ref = {row[0]: row for row in csv.reader(io.StringIO(exported)) if row}
    assert (by_ref["K1"][4], by_ref["K2"][4]) == ("1,000", "500")

    report = quarterly_report(plan_year=flat.plan_year, quarter=quarter)
    lines = {
        line.ref: line
        for tier in report.indicator_tiers
        for group in tier.groups
        for line in group.indicators
    }
    assert (lines["K1"].target_to_date_text, lines["K2"].target_to_date_text) == ("1,000", "500")


# --- The demo -------------------------------------------------------------------------------------


def test_the_demos_kpi6_and_oc14_rise_to_their_year_end_targets(client, demo, user_in_group):
    client.force_login(user_in_group("Staff"))
    kpi6 = Indicator.objects.get(plan_year__year="2010-11", ref="KPI6")
    oc14 = Indicator.objects.get(plan_year__year="2016-17", ref="OC14")
    assert (kpi6.target_profile, oc14.target_profile) == ("even", "even")
    assert "Target profile even (our judgement)" in kpi6.notes
    assert "Target profile even (our judgement)" in oc14.notes

    # KPI6: 1,000 Friends by March from none; 1,000 x 3/12 = 250 by June, not 1,000.
    content = page(client, kpi6, quarter=1)
    assert "Target to date: 250" in content
    assert profile_row(content).endswith(
        "Target to date at the end of quarters 1 to 4: 250, 500, 750 and 1,000."
    )
    # OC14: 3 areas to 10 in four quarters: 4.75, 6.5, 8.25, 10, as whole areas 5, 7, 8, 10.
    content = page(client, oc14, quarter=1)
    assert "Target to date: 5" in content
    assert profile_row(content) == (
        "Even: the target rises in equal steps over the 4 quarters, from the baseline of 3 to "
        "10 at the end of the year. A count's target to date is the nearest whole number (a "
        "half rounded up), so the quarters' own targets are whole and add up to the annual "
        "target. Target to date at the end of quarters 1 to 4: 5, 7, 8 and 10."
    )
    # KPI9's printed monthly 10,000 is entered for each month.
    kpi9 = Indicator.objects.get(plan_year__year="2010-11", ref="KPI9")
    assert kpi9.target_profile == "explicit"
    assert kpi9.targets.count() == 12


# --- The entry screens ----------------------------------------------------------------------------


def test_an_administrator_changes_the_profile_in_the_entry_screens(
    client, user_in_group, signed_in_client
):
    indicator = IndicatorFactory(
        aggregation=Aggregation.LEVEL, annual_target=D(1000), target_profile="flat"
    )
    client.force_login(user_in_group("Administrators"))
    form = posted_form(client.get(change_url(indicator)))
    assert form["target_profile"] == "flat"

    response = client.post(change_url(indicator), {**form, "target_profile": "even"})

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_profile == TargetProfile.EVEN
    # At the end of quarter 1 the level's target to date is now 1,000 x 3/12 = 250.
    assert "Target to date: 250" in page(signed_in_client, indicator, quarter=1)


def test_a_profile_left_blank_in_the_entry_screens_is_the_kinds(client, user_in_group):
    level = IndicatorFactory(aggregation=Aggregation.LEVEL, target_profile="even")
    client.force_login(user_in_group("Administrators"))
    form = posted_form(client.get(change_url(level)))

    client.post(change_url(level), {**form, "target_profile": ""})

    level.refresh_from_db()
    assert level.target_profile == TargetProfile.FLAT


# --- The migration --------------------------------------------------------------------------------


def test_the_migration_keeps_each_indicators_targets_to_date():
    """The data step of kpis 0007, run over indicators as they stood before it: a total even, a
    level flat, and an indicator with some period targets explicit, its other periods filled
    with what they had (an even share of the annual target)."""
    migration = importlib.import_module("kpis.migrations.0007_indicator_target_profile")
    total = IndicatorFactory(ref="T", annual_target=D(1200))
    plan_year = total.plan_year
    IndicatorFactory(
        ref="L", plan_year=plan_year, aggregation=Aggregation.LEVEL, annual_target=D(1000)
    )
    IndicatorFactory(
        ref="R", plan_year=plan_year, aggregation=Aggregation.RATIO, unit=Unit.PERCENTAGE,
        annual_target=D(80),
    )  # fmt: skip
    partly = IndicatorFactory(ref="P", plan_year=plan_year, annual_target=D(1200))
    for month in (4, 5):
        PeriodTargetFactory(indicator=partly, period=datetime.date(2010, month, 1), target=D(50))
    # Each the wrong way round, and so its history, for the migration to set.
    Indicator.objects.update(target_profile="explicit")
    Indicator.history.update(target_profile="explicit")

    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.keep_each_indicators_targets_to_date(apps, editor)

    profiles = dict(Indicator.objects.values_list("ref", "target_profile"))
    assert profiles == {"T": "even", "L": "flat", "R": "flat", "P": "explicit"}
    # The audit history's rows as their indicator now.
    assert dict(Indicator.history.values_list("ref", "target_profile")) == profiles
    quarter = Quarter(2010, 1)
    to_date = {
        row.indicator.ref: row.target_to_date.value
        for row in dashboard(year=plan_year.year, quarter=quarter).rows
    }
    # Before: 1,200 x 3/12 = 300; the level's and ratio's targets all year; and P's April and
    # May targets of 50 with June's even 100: 200.
    assert to_date == {"T": D(300), "L": D(1000), "R": D(80), "P": D(200)}
    june = PeriodTarget.objects.get(indicator=partly, period=datetime.date(2010, 6, 1))
    assert june.target == D(100)
    assert PeriodTarget.objects.filter(indicator=partly).count() == 12
