"""The demo budgets: illustrative monthly figures, labelled, and 2012-13's printed programme
delivery share on the variance page."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from django.urls import reverse

from budgets import selectors, services
from budgets.models import Budget, MonthlyFigure
from core.numbers import format_money
from core.services import ChangeCount
from demo import illustrative_budgets
from plans.models import PlanYear
from plans.periods import Quarter


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


#: Each demo year with grant-in-aid: its lines' total, its printed total and the difference in
#: words, the same on the variance page, in the budget workbook and on the plan overview.
RECONCILED = [
    # The seed's four lines: £2.3m + £45,000 + £0.42m + £26,052 = £2,791,052, against its
    # "Total: £2,790,450": £602 more.
    (
        "2016-17",
        Decimal("2791052"),
        Decimal("2790450"),
        "The lines come to £602 more than the printed total. From the notes: The four "
        "printed lines sum to 2,791,052, £602 more than this total, because Programme "
        "Delivery and Support Costs are printed rounded.",
    ),
    # The seed's table: projects 100,000 + 25,000 + 18,000 + 20,000 + 45,000 + 26,000 +
    # 16,500 + 2,000 + 110,000 + 4,000 + 6,000 + 25,000 + 20,000 + 35,000 + 7,518 = 460,018;
    # staff 1.629m; premises 185,908, support 108,550, capital 21,251: £2,404,727, against
    # the £2.5M remit: £95,273 less.
    (
        "2012-13",
        Decimal("2404727"),
        Decimal("2500000"),
        "The lines come to £95,273 less than the printed total. From the notes: The lines "
        "come to £95,273 less than the £2.5M remit; the table itemises no communications or "
        "governance costs, which the pie chart puts at 3% + 1% (about £100,000), so the gap "
        "is taken to be those.",
    ),
]


@pytest.mark.parametrize(("year", "lines_total", "printed_total", "words"), RECONCILED)
def test_the_variance_page_and_workbook_reconcile_the_lines_with_the_printed_total(
    demo, client, user_in_group, year, lines_total, printed_total, words
):
    client.force_login(user_in_group("Directors"))
    response = client.get(reverse("budgets:variance", args=[year]))
    reconciliation = response.context["report"].reconciliation
    assert reconciliation.lines_total == lines_total
    assert reconciliation.printed_total == printed_total
    assert reconciliation.in_words == words
    page = " ".join(response.text.split())
    assert f"{words}</dd>" in page
    assert f"{format_money(lines_total)}</dd>" in page
    assert f"{format_money(printed_total)}</dd>" in page
    assert '<th scope="row" class="govuk-table__header">Total of the lines</th>' in page
    workbook = client.get(reverse("budgets:workbook", args=[year]))
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    rows = [[cell.value for cell in row] for row in book["Summary"].iter_rows(min_row=7)]
    total, printed, difference = next(
        rows[index : index + 3] for index, row in enumerate(rows) if row[0] == "Total"
    )
    # The workbook's figures are the page's to the penny.
    assert Decimal(str(total[2])) == lines_total
    assert Decimal(str(printed[2])) == printed_total
    assert Decimal(str(difference[2])) == lines_total - printed_total
    assert difference[3] == words


@pytest.mark.parametrize(("year", "lines_total", "printed_total", "words"), RECONCILED)
def test_the_plan_overview_reconciles_the_totals_as_the_variance_page_does(
    demo, client, user_in_group, year, lines_total, printed_total, words
):
    client.force_login(user_in_group("Staff"))
    response = client.get(reverse("plan-overview", args=[year]))
    assert response.context["budget"].reconciliation == selectors.TotalReconciliation(
        lines_total=lines_total,
        printed_total=printed_total,
        reason=words.split("From the notes: ")[1],
    )
    page = " ".join(response.text.split())
    # One statement of the totals, in the variance page's words: 2016-17's £2,791,052 lines
    # against £2,790,450 printed, £602 more; 2012-13's £2,404,727 against £2,500,000, £95,273
    # less (in brackets).
    value = '</dt> <dd class="govuk-summary-list__value">'
    assert f"Total of the budget lines{value}{format_money(lines_total)}</dd>" in page
    assert f"Printed total (grant-in-aid){value}{format_money(printed_total)}</dd>" in page
    assert f"{format_money(lines_total - printed_total)}<br>{words}</dd>" in page
    assert "than the grant-in-aid of" not in page


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


# -- 2016-17 as at a month after its actuals (April to September) ------------------------------

SEPTEMBER = datetime.date(2016, 9, 1)
MARCH = datetime.date(2017, 3, 1)
# The figures: £1,389,302 spent April to September; the forecast outturn as at September,
# that and the October to March forecasts, £2,802,817.
ACTUAL_TO_SEPTEMBER = Decimal(1389302)
OUTTURN = Decimal(2802817)


def test_the_2016_17_outturn_adds_the_actuals_to_september_and_the_forecasts_after(demo):
    figures = MonthlyFigure.objects.filter(line__budget__plan_year__year="2016-17")
    actuals = figures.filter(month__lte=SEPTEMBER).aggregate(sum=Sum("actual"))["sum"]
    forecasts = figures.filter(month__gt=SEPTEMBER).aggregate(sum=Sum("forecast"))["sum"]
    assert actuals == ACTUAL_TO_SEPTEMBER
    assert actuals + forecasts == OUTTURN
    assert not figures.filter(month__gt=SEPTEMBER, forecast=None).exists()  # none at budget


def test_2016_17_as_at_march_is_as_at_september_with_the_same_outturn(demo):
    plan_year = PlanYear.objects.get(year="2016-17")
    september = selectors.variance_report(plan_year=plan_year, as_at=SEPTEMBER)
    assert september.total.forecast_outturn == OUTTURN
    assert september.total.actual_to_date == ACTUAL_TO_SEPTEMBER
    for as_at in (MARCH, Quarter(2016, 4).last_day, Quarter(2016, 3).last_day):
        report = selectors.variance_report(plan_year=plan_year, as_at=as_at)
        assert report.month == SEPTEMBER
        assert report.total == september.total
        # Not "Underspent (£1,401,750) (50.2%)": six months of budget against six of actuals.
        assert report.total.beyond_tolerance is None
        assert len(report.beyond_tolerance) == len(september.beyond_tolerance)


def test_the_2016_17_page_as_at_march_says_it_shows_september(demo, client, user_in_group):
    client.force_login(user_in_group("Directors"))
    url = reverse("budgets:variance", args=["2016-17"])
    page = client.get(url, {"month": "2017-03"}).text
    assert "(£1,401,750)" not in page
    assert (
        "March 2017 has no actuals, so the figures are as at the end of September 2016, the "
        "latest month with actuals by then." in page
    )
    assert "Actuals to September 2016; forecasts from October 2016." in page
    assert "£2,802,817" in page
    # The page opens on the latest month with actuals and names it.
    assert "Actuals to September 2016; forecasts from October 2016." in client.get(url).text


def test_the_rolled_forward_2017_18_draft_shows_no_variance(demo, client, user_in_group):
    finance = user_in_group("Corporate services")
    services.budget_roll_forward(budget=Budget.objects.get(plan_year__year="2016-17"), user=finance)
    report = selectors.variance_report(plan_year=PlanYear.objects.get(year="2017-18"))
    assert report.budget.is_draft
    assert report.beyond_tolerance == []  # not every line "underspent 100%"
    assert report.total.variance == 0
    assert report.total.forecast_outturn == report.total.annual_budget
    client.force_login(finance)
    page = client.get(reverse("budgets:variance", args=["2017-18"])).text
    assert "Underspent" not in page
    assert "100.0%" not in page
