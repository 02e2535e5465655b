"""Every export writes pounds alike: the entry screens' workbook, the KPI dashboard's, the
budget workbook and its import template each read back with the one money format (pounds and
pence, thousands separators, negatives in brackets) on their money cells, and the amounts
worked out by hand."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from import_export.formats.base_formats import XLSX

from budgets import choices as budget_choices
from budgets.models import BudgetLine, MonthlyFigure
from core.spreadsheets.writing import MONEY_FORMAT
from kpis.choices import Unit
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import PlanYearFactory
from tests.test_import_export import export

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = (datetime.date(2016, month, 1) for month in (4, 5, 6))


@pytest.fixture
def finance(client, user_in_group):
    client.force_login(user_in_group("Corporate services"))
    return client


@pytest.fixture
def plan_year():
    """2016-17: a budget of Pay, £1,200,000 a year, and Income, -£12,000, with April's
    actuals (£100,000.55 spent, £500 received); an indicator counted in pounds."""
    year = PlanYearFactory(year="2016-17")
    budget = BudgetFactory(plan_year=year, presentation_unit=budget_choices.PresentationUnit.POUNDS)
    pay = BudgetCategoryFactory(name="Pay", kind=budget_choices.CategoryKind.ADMIN)
    income = BudgetCategoryFactory(
        name="Income", kind=budget_choices.CategoryKind.ADMIN, is_income=True
    )
    pay_line = BudgetLineFactory(budget=budget, category=pay, amount=Decimal("1200000"))
    income_line = BudgetLineFactory(budget=budget, category=income, amount=Decimal("-12000"))
    MonthlyFigure.objects.create(line=pay_line, month=APRIL, actual=Decimal("100000.55"))
    MonthlyFigure.objects.create(line=income_line, month=APRIL, actual=Decimal("-500"))
    donations = IndicatorFactory(
        plan_year=year, ref="KPI9", unit=Unit.CURRENCY, annual_target=Decimal("50000")
    )
    for month, value in ((APRIL, "4100.25"), (MAY, "3900.50"), (JUNE, "4000")):
        MeasurementFactory(indicator=donations, period=month, value=Decimal(value))
    return year


def read(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def money(cells):
    """Each cell's value, after checking that it carries the one money format."""
    assert [cell.number_format for cell in cells] == [MONEY_FORMAT] * len(cells)
    return [cell.value for cell in cells]


def test_the_entry_screens_export_writes_amounts_in_the_one_money_format(finance, plan_year):
    sheet = read(export(finance, BudgetLine, XLSX)).active
    headers = [cell.value for cell in sheet[1]]
    amounts = {
        row[headers.index("Category")].value: row[headers.index("Amount (£)")]
        for row in sheet.iter_rows(min_row=2)
    }

    assert money([amounts["Pay"], amounts["Income"]]) == [1200000, -12000]


def test_the_dashboard_export_writes_an_indicator_in_pounds_in_the_one_money_format(
    finance, plan_year
):
    response = finance.get("/plans/2016-17/indicators.xlsx", {"quarter": "1"})
    sheet = read(response).active
    row = next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "KPI9")

    # Target to date: £50,000 a year, three months of twelve: £12,500. Actual to date:
    # £4,100.25 + £3,900.50 + £4,000 = £12,000.75. Annual target: £50,000.
    assert money(row[4:7]) == [12500, 12000.75, 50000]


def test_the_budget_workbook_writes_every_amount_in_the_one_money_format(finance, plan_year):
    response = finance.get(reverse("budgets:workbook", args=["2016-17"]), {"month": "2016-04"})
    book = read(response)
    summary = {row[0].value: row for row in book["Summary"].iter_rows(min_row=7) if row[0].value}

    # Columns C to F: annual budget, budget to date, actual to date, variance; H and I:
    # forecast outturn and full-year variance (no forecasts: the budget for May to March).
    # Pay: £1,200,000 a year is £100,000 a month; £100,000.55 spent in April, 55p over;
    # outturn £100,000.55 + 11 * £100,000 = £1,200,000.55.
    pay = summary["Pay"]
    assert money(pay[2:6]) == [1200000, 100000, pytest.approx(100000.55), pytest.approx(0.55)]
    assert money(pay[7:9]) == [pytest.approx(1200000.55), pytest.approx(0.55)]
    # Income: -£12,000 a year is -£1,000 a month; £500 received, £500 short of budget;
    # outturn -£500 + 11 * -£1,000 = -£11,500.
    income = summary["Income"]
    assert money(income[2:6]) == [-12000, -1000, -500, 500]
    assert money(income[7:9]) == [-11500, 500]
    # The total: £1,200,000 - £12,000 = £1,188,000 a year; £99,000 to date; £99,500.55 spent.
    total = summary["Total"]
    assert money(total[2:6]) == [
        1188000,
        99000,
        pytest.approx(99500.55),
        pytest.approx(500.55),
    ]
    lines = {row[0].value: row for row in book["Lines"].iter_rows(min_row=7) if row[0].value}
    assert money(lines["Pay"][4:7]) == [1200000, 100000, pytest.approx(100000.55)]
    monthly = {row[0].value: row for row in book["Monthly"].iter_rows(min_row=7) if row[0].value}
    assert money(monthly["Income"][2:3]) == [-500]  # April's actual


def test_the_budget_import_template_formats_its_amount_columns_as_money(finance, plan_year):
    response = finance.get(reverse("budgets:import-template-xlsx", args=["2016-17"]))
    sheet = read(response).worksheets[0]

    assert [cell.value for cell in sheet[1]][3:] == ["Actual (£)", "Forecast (£)"]
    # openpyxl files columns of one width and format under the first of them.
    formats = {
        number: dimension.number_format
        for dimension in sheet.column_dimensions.values()
        for number in range(dimension.min, dimension.max + 1)
    }
    assert [formats[4], formats[5]] == [MONEY_FORMAT, MONEY_FORMAT]
    assert formats.get(3, "General") == "General"  # the month, typed as text
