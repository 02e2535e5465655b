"""The variance page, the budget workbook and the csv of the lines: one report, the same figures
to the penny, and a number of queries that does not grow with the lines or months."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets import choices, exports
from budgets.models import Budget, BudgetLine, MonthlyFigure
from tests.budgets.conftest import APRIL, MAY
from tests.budgets.factories import BudgetCategoryFactory, BudgetLineFactory, GrantInAidFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db

VARIANCE_URL = reverse("budgets:variance", args=["2016-17"])
WORKBOOK_URL = reverse("budgets:workbook", args=["2016-17"])
CSV_URL = reverse("budgets:lines-csv", args=["2016-17"])


def line(budget, name, project=None):
    lines = BudgetLine.objects.filter(budget=budget, category__name=name)
    return lines.get(project__title=project) if project else lines.get(project=None)


@pytest.fixture
def actuals(budget):
    """April and May actuals; Pay overspent beyond the 5% tolerance, income short."""
    pay = line(budget, "Pay")
    takeover = line(budget, "Project costs", "Takeover Day")
    income = line(budget, "Income")
    for month, pay_actual in ((APRIL, "100000"), (MAY, "115000.55")):
        MonthlyFigure.objects.create(line=pay, month=month, actual=Decimal(pay_actual))
        MonthlyFigure.objects.create(line=takeover, month=month, actual=Decimal("5000"))
        MonthlyFigure.objects.create(line=income, month=month, actual=Decimal("-500"))
    MonthlyFigure.objects.create(
        line=pay, month=datetime.date(2016, 6, 1), forecast=Decimal("130000")
    )
    return budget


def test_the_page_defaults_to_the_latest_month_with_actuals(director_client, actuals):
    report = director_client.get(VARIANCE_URL).context["report"]
    assert report.month == MAY
    assert report.months_elapsed == 2


def test_the_figures_of_each_line_and_the_totals_worked_by_hand(director_client, actuals):
    report = director_client.get(VARIANCE_URL).context["report"]
    pay = report.categories[1].lines[0]
    assert pay.name == "Pay"
    # 1,200,000 a year: 100,000 a month; to May 200,000; spent 215,000.55.
    assert pay.variance.budget_to_date == Decimal("200000.00")
    assert pay.variance.actual_to_date == Decimal("215000.55")
    assert pay.variance.variance == Decimal("15000.55")
    assert pay.variance.variance_percent == Decimal("7.5")
    assert pay.variance.beyond_tolerance == "over"
    # June forecast 130,000, then nine months at budget: 215,000.55 + 130,000 + 900,000.
    assert pay.variance.forecast_outturn == Decimal("1245000.55")
    # Project costs come first (programme delivery), then Pay, then income.
    assert [category.name for category in report.categories] == [
        "Project costs",
        "Pay",
        "Income",
    ]
    total = report.total
    assert total.annual_budget == Decimal("1272000")
    # Budget to date: 200,000 + 10,000 + 4,000 - 2,000.
    assert total.budget_to_date == Decimal("212000.00")
    assert total.actual_to_date == Decimal("215000.55") + Decimal("10000") - Decimal("1000")
    income = report.categories[2]
    assert income.variance.variance == Decimal("1000.00")  # 1,000 less income than 2,000
    assert income.variance.beyond_tolerance == "over"


def test_the_page_shows_amounts_in_the_printed_unit_income_in_brackets_and_status_in_words(
    director_client, actuals
):
    page = director_client.get(VARIANCE_URL).text
    assert "In pounds (£). Income is shown in brackets." in page
    assert "£215,000.55" in page
    assert "(£12,000)" in page  # the income line's annual budget
    assert "Overspent" in page
    assert "Income below budget" in page
    assert "Pay: overspent by £15,000.55 (7.5% of the budget to date)" in page
    assert "Within tolerance" in page


def test_a_thousands_budget_is_shown_in_thousands_and_says_so(director_client, actuals):
    Budget.objects.update(presentation_unit=choices.PresentationUnit.THOUSANDS)
    page = director_client.get(VARIANCE_URL).text
    assert "In thousands of pounds (£'000), as the budget is printed." in page
    assert "Annual budget (£&#x27;000)" in page
    assert ">1,200<" in page
    assert ">(12)<" in page


def test_a_month_can_be_chosen_and_a_month_outside_the_year_is_not_found(director_client, actuals):
    report = director_client.get(VARIANCE_URL, {"month": "2016-04"}).context["report"]
    assert report.total.actual_to_date == Decimal("104500")
    assert director_client.get(VARIANCE_URL, {"month": "2017-04"}).status_code == 404
    assert director_client.get(VARIANCE_URL, {"month": "April"}).status_code == 404


def test_a_monthly_profile_replaces_the_even_spread(director_client, actuals):
    pay = line(actuals, "Pay")
    MonthlyFigure.objects.filter(line=pay, month=APRIL).update(profile=Decimal("150000"))
    MonthlyFigure.objects.filter(line=pay, month=MAY).update(profile=Decimal("90000"))
    report = director_client.get(VARIANCE_URL).context["report"]
    assert report.categories[1].lines[0].variance.budget_to_date == Decimal("240000")
    assert report.categories[1].lines[0].variance.beyond_tolerance == "under"


def test_the_tolerance_is_set_per_plan_year(director_client, actuals):
    Budget.objects.update(variance_tolerance_percent=Decimal("10"))
    report = director_client.get(VARIANCE_URL).context["report"]
    assert report.categories[1].lines[0].variance.beyond_tolerance is None
    assert "10% of the budget profiled to date" in director_client.get(VARIANCE_URL).text


def test_programme_delivery_against_admin_counts_unitemised_grant_as_admin(
    director_client, actuals
):
    GrantInAidFactory(plan_year=actuals.plan_year, amount=Decimal("1300000"))
    split = director_client.get(VARIANCE_URL).context["report"].split
    assert split.programme_budget == Decimal("84000")
    # Pay 1,200,000 and the 28,000 of grant the lines (1,272,000 net) do not itemise.
    assert split.admin_budget == Decimal("1228000")
    assert split.programme_share_of_budget == Decimal("6.4")  # 84,000 of 1,312,000
    assert split.programme_spend == Decimal("10000")
    assert split.admin_spend == Decimal("215000.55")
    assert split.programme_share_of_spend == Decimal("4.4")


def test_a_year_without_a_budget_says_so(director_client, db):
    PlanYearFactory(year="2017-18")
    response = director_client.get(reverse("budgets:variance", args=["2017-18"]))
    assert "2017-18 has no budget yet." in response.text
    assert director_client.get(reverse("budgets:workbook", args=["2017-18"])).status_code == 404


def _grow(budget, lines, months):
    """Add `lines` project lines, each with figures for the first `months` months."""
    category = BudgetCategoryFactory(
        name="Project costs", kind=choices.CategoryKind.PROGRAMME_DELIVERY
    )
    owners = list(budget.plan_year.projects.first().owners.all())
    for number in range(lines):
        project = ProjectFactory(plan_year=budget.plan_year, title=f"Extra project {number}")
        project.owners.set(owners)
        extra = BudgetLineFactory(
            budget=budget, category=category, project=project, amount=Decimal(1200)
        )
        for month in budget.plan_year.months()[:months]:
            MonthlyFigure.objects.create(line=extra, month=month, actual=Decimal(90))


@pytest.mark.parametrize("url", [VARIANCE_URL, WORKBOOK_URL, CSV_URL])
def test_the_queries_do_not_grow_with_the_lines_or_months(director_client, actuals, url):
    director_client.get(url)  # the session and permissions, once
    cache.clear()  # built afresh, not the workbook or csv kept by the first request
    with CaptureQueriesContext(connection) as small:
        assert director_client.get(url).status_code == 200
    _grow(actuals, lines=6, months=5)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert director_client.get(url).status_code == 200
    assert len(large) == len(small), [query["sql"] for query in large]


# -- The workbook -------------------------------------------------------------------------------


def open_workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_its_sheets_title_plan_year_and_as_at_month(director_client, actuals):
    response = director_client.get(WORKBOOK_URL)
    assert response["Content-Disposition"] == 'attachment; filename="budget-2016-17-2016-05.xlsx"'
    book = open_workbook(response)
    assert book.sheetnames == ["Summary", "Lines", "Monthly", "Projects"]
    summary = book["Summary"]
    assert summary["A1"].value == "Budget 2016-17: Business Plan 2016-17"
    assert (summary["A2"].value, summary["B2"].value) == ("Plan year", "2016-17")
    assert (summary["A3"].value, summary["B3"].value) == ("As at", "End of May 2016 (2 months)")
    assert summary.freeze_panes == "A7"
    assert summary.column_dimensions["A"].width > 20


def rows_below_header(sheet, header_row=6):
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=header_row + 1) if row]


def test_the_summary_totals_match_the_page_to_the_penny_without_recalculation(
    director_client, actuals
):
    report = director_client.get(VARIANCE_URL).context["report"]
    summary = open_workbook(director_client.get(WORKBOOK_URL))["Summary"]
    header = [cell.value for cell in summary[6]]
    assert header[:4] == [
        "Category",
        "Programme delivery or admin",
        "Annual budget",
        "Budget to date",
    ]
    rows = rows_below_header(summary)
    assert [row[0] for row in rows[:4]] == ["Project costs", "Pay", "Income", "Total"]
    total = rows[3]
    # Values, not formulas: right when opened without recalculation.
    assert Decimal(str(total[2])) == report.total.annual_budget
    assert Decimal(str(total[3])) == report.total.budget_to_date
    assert Decimal(str(total[4])) == report.total.actual_to_date
    assert Decimal(str(total[5])) == report.total.variance
    assert Decimal(str(total[7])) == report.total.forecast_outturn
    assert Decimal(str(total[8])) == report.total.full_year_variance
    pay = rows[1]
    assert Decimal(str(pay[4])) == Decimal("215000.55")
    assert pay[6] == pytest.approx(0.075)
    assert pay[9] == "Overspent"
    assert rows[2][9] == "Income below budget"


def test_a_changed_actual_is_in_the_next_workbook_and_csv_sent(director_client, actuals):
    """The workbook and the csv are kept between requests until a record of the budget
    changes (core.caching): the next ones after a change have the new figure."""
    pay_actual = rows_below_header(open_workbook(director_client.get(WORKBOOK_URL))["Summary"])[1][
        4
    ]
    assert Decimal(str(pay_actual)) == Decimal("215000.55")  # 100,000 + 115,000.55
    assert ",215000.55," in director_client.get(CSV_URL).content.decode("utf-8-sig")

    may = MonthlyFigure.objects.get(line=line(actuals, "Pay"), month=MAY)
    may.actual = Decimal("120000")
    may.save()

    summary = open_workbook(director_client.get(WORKBOOK_URL))["Summary"]
    # 100,000 in April + 120,000 in May.
    assert Decimal(str(rows_below_header(summary)[1][4])) == Decimal("220000")
    assert ",220000.00," in director_client.get(CSV_URL).content.decode("utf-8-sig")


def test_an_unchanged_budget_sends_the_kept_workbook_in_a_fixed_few_queries(
    director_client, actuals
):
    first = director_client.get(WORKBOOK_URL).content
    with CaptureQueriesContext(connection) as queries:
        again = director_client.get(WORKBOOK_URL).content
    assert again == first
    # The session, the user, the fingerprint: nothing of the budget is read again.
    assert len(queries) == 3, [query["sql"] for query in queries]


def test_the_page_and_the_workbook_reconcile_the_lines_with_the_printed_total(
    director_client, actuals
):
    GrantInAidFactory(
        plan_year=actuals.plan_year,
        amount=Decimal("1300000"),
        notes="- Printed as £1.3M.\n- The lines leave out £28,000 of conference costs.",
    )
    # Lines: Pay 1,200,000 + projects 60,000 + 24,000 - income 12,000 = 1,272,000;
    # 1,300,000 printed, so the lines come to 28,000 less.
    reconciliation = director_client.get(VARIANCE_URL).context["report"].reconciliation
    assert reconciliation.lines_total == Decimal("1272000")
    assert reconciliation.printed_total == Decimal("1300000")
    assert reconciliation.difference == Decimal("-28000")
    words = (
        "The lines come to £28,000 less than the printed total. From the notes: The lines leave "
        "out £28,000 of conference costs."
    )
    assert reconciliation.in_words == words
    page = director_client.get(VARIANCE_URL).text
    assert "Total of the budget lines</dt>" in page
    assert words in page
    rows = rows_below_header(open_workbook(director_client.get(WORKBOOK_URL))["Summary"])
    assert rows[3][0] == "Total"
    assert rows[4][0] == "Printed total (grant-in-aid)"
    assert Decimal(str(rows[4][2])) == reconciliation.printed_total
    assert rows[5][0] == "Difference: the lines less the printed total"
    assert Decimal(str(rows[5][2])) == reconciliation.difference
    assert rows[5][3] == words


def test_a_difference_no_note_explains_says_so(director_client, actuals):
    GrantInAidFactory(plan_year=actuals.plan_year, amount=Decimal("1271000"), notes="- As printed.")
    # 1,272,000 of lines against 1,271,000 printed: 1,000 more, which no note mentions.
    page = director_client.get(VARIANCE_URL).text
    assert "The lines come to £1,000 more than the printed total. The notes do not say why." in page


def test_a_budget_without_grant_in_aid_has_no_printed_total_to_reconcile(director_client, actuals):
    assert director_client.get(VARIANCE_URL).context["report"].reconciliation is None
    assert "Printed total" not in director_client.get(VARIANCE_URL).text
    rows = rows_below_header(open_workbook(director_client.get(WORKBOOK_URL))["Summary"])
    assert rows[3][0] == "Total"
    assert "Printed total (grant-in-aid)" not in [row[0] for row in rows]


def test_the_workbook_formats_pounds_with_negatives_in_brackets(director_client, actuals):
    summary = open_workbook(director_client.get(WORKBOOK_URL))["Summary"]
    income_budget = summary["C9"]
    assert income_budget.value == -12000
    assert income_budget.number_format == exports.MONEY_FORMAT
    assert "(£" in income_budget.number_format
    assert summary["G8"].number_format == exports.PERCENT_FORMAT
    assert summary["C10"].font.bold  # the totals row


def test_the_lines_monthly_and_projects_sheets(director_client, actuals):
    book = open_workbook(director_client.get(WORKBOOK_URL))
    lines = rows_below_header(book["Lines"])
    assert [row[0] for row in lines] == [
        "Project costs",
        "Project costs",
        "Pay",
        "Income",
        "Total",
    ]
    monthly = book["Monthly"]
    assert [cell.value for cell in monthly[6]][:6] == [
        "Category",
        "Project",
        "Apr 2016 actual",
        "Apr 2016 forecast",
        "May 2016 actual",
        "May 2016 forecast",
    ]
    assert monthly.max_column == 2 + 24
    pay = rows_below_header(monthly)[2]
    assert pay[:7] == ["Pay", None, 100000, None, pytest.approx(115000.55), None, None]
    assert pay[7] == 130000  # June forecast
    total = rows_below_header(monthly)[-1]
    assert total[0] == "Total"
    assert total[2] == 100000 + 5000 - 500
    projects = rows_below_header(book["Projects"])
    assert projects[0][:4] == ["Takeover Day", "Director of Policy", "Project costs", 60000]
    assert projects[-1][0] == "Total"
    assert projects[-1][3] == 84000


def test_text_that_looks_like_a_formula_is_written_as_text(director_client, actuals):
    book = open_workbook(director_client.get(WORKBOOK_URL))
    cell = next(
        row[1]
        for row in book["Lines"].iter_rows(min_row=7)
        if row[1].value and row[1].value.startswith("=")
    )
    assert cell.value == "=Growing Up Digital"
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert book["Projects"]["A8"].data_type == "s"


def test_the_csv_of_the_lines_is_formula_safe_and_matches_the_page(director_client, actuals):
    response = director_client.get(CSV_URL)
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("category,project,kind,description,annual_budget,budget_to_date")
    assert "Project costs,'=Growing Up Digital,Programme delivery" in lines[2]
    assert lines[3].startswith(
        "Pay,,Admin / running costs,,1200000.00,200000.00,215000.55,15000.55,7.5"
    )


def test_everyone_signed_in_reads_the_budget_as_on_the_plan_overview(signed_in_client, actuals):
    assert signed_in_client.get(VARIANCE_URL).status_code == 200
    assert signed_in_client.get(WORKBOOK_URL).status_code == 200
    assert f'href="{VARIANCE_URL}">Budget</a>' in signed_in_client.get("/").text


def test_the_header_and_the_overview_link_to_the_variance_page_and_workbook(
    director_client, actuals
):
    overview = director_client.get(reverse("plan-overview", args=["2016-17"])).text
    assert f'href="{VARIANCE_URL}"' in overview
    assert f'href="{WORKBOOK_URL}"' in overview


# -- Roll forward ------------------------------------------------------------------------------


def test_rolling_forward_copies_categories_and_lines_without_actuals_as_a_draft(
    finance_client, actuals
):
    ProjectFactory(plan_year__year="2017-18", title="Takeover Day")
    response = finance_client.post(reverse("budgets:roll-forward", args=["2016-17"]))
    assert response.status_code == 302
    draft = Budget.objects.get(plan_year__year="2017-18")
    assert draft.is_draft
    assert sorted(
        (line.category.name, line.project.title if line.project else "", line.amount)
        for line in draft.lines.all()
    ) == [
        ("Income", "", Decimal("-12000.00")),
        ("Pay", "", Decimal("1200000.00")),
        ("Project costs", "Takeover Day", Decimal("60000.00")),
    ]
    assert not MonthlyFigure.objects.filter(line__budget=draft).exists()
    page = finance_client.get(response.url).text
    assert "rolled forward to 2017-18 as a draft: 3 lines, without actuals." in page
    assert "were not carried forward: Project costs: =Growing Up Digital." in page
    again = finance_client.post(reverse("budgets:roll-forward", args=["2016-17"]))
    assert "2017-18 already has a budget." in finance_client.get(again.url).text


def test_rolling_forward_creates_the_next_plan_year_as_a_draft_when_there_is_none(
    finance_client, actuals
):
    finance_client.post(reverse("budgets:roll-forward", args=["2016-17"]))
    draft = Budget.objects.get(plan_year__year="2017-18")
    assert draft.plan_year.status == "draft"
    assert draft.lines.count() == 2


def test_directors_cannot_roll_a_budget_forward(director_client, actuals):
    response = director_client.post(reverse("budgets:roll-forward", args=["2016-17"]))
    assert response.status_code == 403


# -- As at a month: actuals, forecasts and a month after the latest actuals -------------------

JUNE = datetime.date(2016, 6, 1)
# The fixture's figures as at May, worked by hand. Budget to date: Pay 200,000, Takeover Day
# 10,000, Growing Up Digital 4,000, income -2,000. Actual to date: 215,000.55 + 10,000 - 1,000.
# Outturn: Pay 215,000.55 + June's forecast 130,000 + nine months at 100,000; Takeover Day
# 10,000 + ten months at 5,000; Growing Up Digital nothing spent in April and May (months with
# actuals) + ten months at 2,000; income -1,000 + ten months at -1,000.
MAY_BUDGET_TO_DATE = Decimal("212000.00")
MAY_ACTUAL_TO_DATE = Decimal("224000.55")
MAY_OUTTURN = Decimal("1245000.55") + Decimal(60000) + Decimal(20000) - Decimal(11000)


def test_the_page_names_the_latest_month_with_actuals_and_where_the_forecasts_begin(
    director_client, actuals
):
    response = director_client.get(VARIANCE_URL)
    assert response.context["report"].total.forecast_outturn == MAY_OUTTURN
    page = response.text
    assert "Actuals to May 2016; forecasts from June 2016." in page
    assert ">May 2016 (actuals)</option>" in page
    assert ">June 2016 (forecasts)</option>" in page
    assert ">March 2017 (forecasts)</option>" in page


@pytest.mark.parametrize("month", ["2016-06", "2016-12", "2017-03"])
def test_a_month_after_the_latest_actuals_is_shown_as_at_the_latest_actuals_and_says_so(
    director_client, actuals, month
):
    response = director_client.get(VARIANCE_URL, {"month": month})
    report = response.context["report"]
    assert report.month == MAY
    total = report.total
    # Not the months without actuals as an underspend, nor the outturn without their forecasts.
    assert total.budget_to_date == MAY_BUDGET_TO_DATE
    assert total.actual_to_date == MAY_ACTUAL_TO_DATE
    assert total.forecast_outturn == MAY_OUTTURN
    assert total == director_client.get(VARIANCE_URL).context["report"].total
    asked = datetime.date.fromisoformat(f"{month}-01")
    assert (
        f"{asked:%B %Y} has no actuals, so the figures are as at the end of May 2016, the latest "
        "month with actuals by then." in response.text
    )
    # The month asked for stays chosen in the form.
    assert f'<option value="{month}" selected>' in response.text


def test_a_month_without_actuals_before_a_later_one_is_not_counted_as_an_underspend(
    director_client, actuals
):
    """Actuals for April and June but not May: as at June, May counts in neither the budget nor
    the actual to date, and takes its forecast, else its budget, in the outturn."""
    MonthlyFigure.objects.filter(month=MAY).delete()
    MonthlyFigure.objects.filter(line=line(actuals, "Pay"), month=JUNE).update(
        actual=Decimal("100000")
    )
    response = director_client.get(VARIANCE_URL, {"month": "2016-06"})
    report = response.context["report"]
    assert report.month == JUNE
    pay = report.categories[1].lines[0].variance
    assert pay.budget_to_date == Decimal("200000.00")  # April and June
    assert pay.actual_to_date == Decimal("200000")
    assert pay.beyond_tolerance is None
    # 100,000 (April) + May at budget + 100,000 (June's actual, not its forecast) + nine months.
    assert pay.forecast_outturn == Decimal("1200000.00")
    # Every line: April and June's budget; Takeover Day's April 5,000, income's April -500.
    assert report.total.budget_to_date == Decimal("212000.00")
    assert report.total.actual_to_date == Decimal("204500")
    assert "May 2016 has no actuals" in response.text


def test_a_draft_budget_without_actuals_shows_no_variance(director_client, budget):
    Budget.objects.update(is_draft=True)
    response = director_client.get(VARIANCE_URL)
    report = response.context["report"]
    assert report.month is None
    assert report.beyond_tolerance == []
    total = report.total
    assert (total.budget_to_date, total.actual_to_date, total.variance) == (0, 0, 0)
    assert total.variance_percent is None
    assert total.forecast_outturn == Decimal("1272000")  # on budget: no forecasts
    assert total.full_year_variance == 0
    page = response.text
    assert "Underspent" not in page
    assert "No actuals have been imported for 2016-17 yet, so there is no variance" in page
    # A month chosen is as at no actuals too.
    later = director_client.get(VARIANCE_URL, {"month": "2016-09"}).context["report"]
    assert later.total == total
    csv_lines = director_client.get(CSV_URL).content.decode("utf-8-sig").splitlines()
    assert csv_lines[3] == "Pay,,Admin / running costs,,1200000.00,0,0,0,,1200000.00,0.00,"
    response = director_client.get(WORKBOOK_URL)
    assert response["Content-Disposition"] == 'attachment; filename="budget-2016-17.xlsx"'
    summary = open_workbook(response)["Summary"]
    assert summary["B3"].value == "Before any actuals (0 months)"
    assert summary["C3"].value == "No actuals yet; forecasts, else the budget, for every month."


@pytest.mark.parametrize("month", ["2016-09", "2017-03"])
def test_the_workbook_and_csv_as_at_a_later_month_are_as_at_the_latest_actuals(
    director_client, actuals, month
):
    report = director_client.get(VARIANCE_URL, {"month": month}).context["report"]
    response = director_client.get(WORKBOOK_URL, {"month": month})
    assert response["Content-Disposition"] == 'attachment; filename="budget-2016-17-2016-05.xlsx"'
    summary = open_workbook(response)["Summary"]
    assert (summary["A3"].value, summary["B3"].value) == ("As at", "End of May 2016 (2 months)")
    assert summary["C3"].value.startswith("Actuals to May 2016; forecasts from June 2016.")
    total = rows_below_header(summary)[3]
    assert total[0] == "Total"
    assert Decimal(str(total[3])) == report.total.budget_to_date == MAY_BUDGET_TO_DATE
    assert Decimal(str(total[4])) == report.total.actual_to_date == MAY_ACTUAL_TO_DATE
    assert Decimal(str(total[7])) == report.total.forecast_outturn
    assert Decimal(str(total[7])).quantize(Decimal("0.01")) == MAY_OUTTURN
    response = director_client.get(CSV_URL, {"month": month})
    assert "budget-lines-2016-17-2016-05.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[3].startswith(
        "Pay,,Admin / running costs,,1200000.00,200000.00,215000.55,15000.55,7.5,1245000.55"
    )


@pytest.mark.parametrize("month", ["2017-03", None])
def test_a_later_month_or_a_draft_takes_as_many_queries_as_the_latest_actuals(
    director_client, actuals, month
):
    if month is None:
        MonthlyFigure.objects.all().delete()
    for url in (VARIANCE_URL, WORKBOOK_URL, CSV_URL):
        director_client.get(url)  # the session and permissions, once
        cache.clear()  # each built afresh, not kept from the request before
        with CaptureQueriesContext(connection) as latest:
            director_client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as asked:
            director_client.get(url, {"month": month or "2016-09"})
        assert len(asked) == len(latest), url
