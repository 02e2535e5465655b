"""The demo budgets: illustrative monthly figures, labelled, and 2012-13's printed programme
delivery share on the variance page."""

import datetime
from decimal import Decimal

from django.urls import reverse

from budgets import selectors
from budgets.models import MonthlyFigure
from core.services import ChangeCount
from demo import illustrative_budgets
from plans.models import PlanYear


def test_the_2012_13_page_shows_programme_delivery_as_printed(demo, client, user_in_group):
    report = selectors.variance_report(plan_year=PlanYear.objects.get(year="2012-13"))
    split = report.split
    assert split.programme_budget == Decimal("1735018")
    assert split.not_itemised == Decimal("95273")
    assert split.total_budget == Decimal("2500000")
    # Printed as 70% (£1.735M of £2.5M); 69.4% to one decimal place.
    assert split.programme_share_of_budget == Decimal("69.4")
    client.force_login(user_in_group("Corporate services"))
    page = client.get(reverse("budgets:variance", args=["2012-13"])).text
    assert "Programme delivery is 69.4% of the budget (£1,735,018 of £2,500,000)" in page


def test_every_demo_year_has_illustrative_figures_and_says_so(demo, client, user_in_group):
    figures = MonthlyFigure.objects.filter(line__budget__plan_year__year__in=["2010-11", "2016-17"])
    assert figures.exists()
    assert not figures.filter(is_illustrative=False).exists()
    client.force_login(user_in_group("Corporate services"))
    page = client.get(reverse("budgets:variance", args=["2016-17"])).text
    assert "illustrative figures generated for the demo" in page


def test_an_open_year_has_actuals_to_september_and_forecasts_after(demo):
    report = selectors.variance_report(plan_year=PlanYear.objects.get(year="2016-17"))
    assert report.month == datetime.date(2016, 9, 1)
    line = report.lines[0]
    assert all(actual is not None for actual in line.actuals[:6])
    assert all(actual is None for actual in line.actuals[6:])
    assert all(forecast is not None for forecast in line.forecasts[6:])
    closed = selectors.variance_report(plan_year=PlanYear.objects.get(year="2010-11"))
    assert closed.month == datetime.date(2011, 3, 1)
    # Some lines run beyond the tolerance, so the page has something to point out.
    assert report.beyond_tolerance or closed.beyond_tolerance


def test_the_illustrative_figures_are_the_same_on_every_load(demo):
    changes = ChangeCount()
    illustrative_budgets.generate(changes, ["2010-11", "2012-13", "2016-17"])
    assert changes.changed == 0
