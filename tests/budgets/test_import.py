"""Importing monthly actuals and forecasts: a dry run first, then a confirm that applies it, all
or nothing; re-importing a month replaces it; every bad row is reported by row and column."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import tablib
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from budgets import services
from budgets.models import MonthlyFigure
from core.models import ImportPreview
from tests.budgets.conftest import APRIL, MAY

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("budgets:import", args=["2016-17"])
CONFIRM_URL = reverse("budgets:import-confirm", args=["2016-17"])
HEADER = "category,project,month,actual,forecast\n"
APRIL_SHEET = (
    HEADER
    + "Pay,,2016-04,98000,100000\n"
    + 'Project costs,Takeover Day,2016-04,"4,500",5000\n'
    + "Project costs,'=Growing Up Digital,Apr 2016,1500.50,\n"
    + "Income,,April 2016,(1000),-1000\n"
)


def csv_file(text, name="actuals.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def upload(client, text, name="actuals.csv"):
    return client.post(IMPORT_URL, {"file": csv_file(text, name)})


def confirm(client, response):
    return client.post(
        CONFIRM_URL, {"preview_key": response.context["confirm_form"].initial["preview_key"]}
    )


def figures():
    return {
        (figure.line.category.name, figure.line.project_id is not None, figure.month): (
            figure.actual,
            figure.forecast,
        )
        for figure in MonthlyFigure.objects.select_related("line__category")
    }


def problems(response):
    return [str(problem) for problem in response.context["problems"]]


def test_the_dry_run_says_what_each_row_will_do_and_changes_nothing(finance_client, budget):
    response = upload(finance_client, APRIL_SHEET)

    assert response.status_code == 200
    assert problems(response) == []
    rows = response.context["preview_rows"]
    assert [(row.row, row.line_name, row.action) for row in rows] == [
        (2, "Pay", "Adds"),
        (3, "Project costs: Takeover Day", "Adds"),
        (4, "Project costs: =Growing Up Digital", "Adds"),
        (5, "Income", "Adds"),
    ]
    assert rows[1].actual == Decimal("4500")
    assert rows[2].forecast is None
    assert rows[3].actual == Decimal("-1000")
    assert MonthlyFigure.objects.count() == 0
    assert ImportPreview.objects.filter(user=finance_client.user).count() == 1
    assert "Import these figures" in response.text


def test_confirming_applies_the_figures_with_audit_history_and_shows_the_variance(
    finance_client, budget
):
    preview = upload(finance_client, APRIL_SHEET)
    response = confirm(finance_client, preview)

    assert response.status_code == 302
    assert response.url == reverse("budgets:variance", args=["2016-17"]) + "?month=2016-04"
    pay = MonthlyFigure.objects.get(line__category__name="Pay", month=APRIL)
    assert (pay.actual, pay.forecast, pay.is_illustrative) == (
        Decimal("98000"),
        Decimal("100000"),
        False,
    )
    assert MonthlyFigure.objects.count() == 4
    entry = pay.history.get()
    assert entry.history_user == finance_client.user
    assert entry.history_type == "+"
    # The preview is used once.
    assert not ImportPreview.objects.exists()
    again = confirm(finance_client, preview)
    assert again.status_code == 302
    assert again.url == IMPORT_URL
    page = finance_client.get(response.url)
    assert "Imported actuals.csv: figures for April 2016. 4 added, 0 replaced." in page.text


def test_reimporting_a_month_replaces_that_months_figures_and_says_so(finance_client, budget):
    confirm(finance_client, upload(finance_client, APRIL_SHEET))
    may = HEADER + "Pay,,2016-05,101000,\n"
    confirm(finance_client, upload(finance_client, may))
    # April again, corrected, without the income line.
    corrected = (
        HEADER
        + "Pay,,2016-04,99000,100000\n"
        + "Project costs,Takeover Day,2016-04,4500,5000\n"
        + "Project costs,'=Growing Up Digital,2016-04,1500.50,\n"
    )

    preview = upload(finance_client, corrected)

    replaced = preview.context["plan"].replaced
    assert [str(month) for month in replaced] == [
        "April 2016 already has figures for 4 lines: this file replaces that month's figures, "
        "and the 1 line it does not list will have no actual or forecast for that month."
    ]
    actions = [row.action for row in preview.context["preview_rows"]]
    assert actions == [
        "Replaces actual £98,000, forecast £100,000",
        "Leaves as it is",
        "Leaves as it is",
    ]
    assert "this file replaces that month" in preview.text

    response = confirm(finance_client, preview)
    page = finance_client.get(response.url)
    assert (
        "April 2016&#x27;s earlier figures (4 lines) were replaced by this file&#x27;s; "
        "1 not in the file were cleared." in page.text
    )
    after = figures()
    assert after[("Pay", False, APRIL)] == (Decimal("99000"), Decimal("100000"))
    assert ("Income", False, APRIL) not in after
    # May is untouched.
    assert after[("Pay", False, MAY)] == (Decimal("101000"), None)
    pay_april = MonthlyFigure.objects.get(line__category__name="Pay", month=APRIL)
    assert [entry.history_type for entry in pay_april.history.order_by("history_id")] == ["+", "~"]


def test_a_cleared_month_keeps_a_lines_monthly_profile(finance_client, budget):
    income = budget.lines.get(category__name="Income")
    MonthlyFigure.objects.create(
        line=income, month=APRIL, actual=Decimal(-900), profile=Decimal(-1000)
    )
    confirm(finance_client, upload(finance_client, HEADER + "Pay,,2016-04,99000,\n"))
    kept = MonthlyFigure.objects.get(line=income, month=APRIL)
    assert (kept.actual, kept.forecast, kept.profile) == (None, None, Decimal(-1000))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "Pay,,2016-05,about 2k,",
            "Row 3, column D (\"actual\"): 'about 2k' is not a number. Enter an amount in pounds, "
            "like £1,473,000 or 1473000.",
        ),
        (
            "Pay,,2016-05,100,12.345",
            'Row 3, column E ("forecast"): 12.345 has more than pence. Give pounds and pence, '
            "like 1234.56.",
        ),
        (
            "Travel,,2016-04,100,",
            'Row 3, column A ("category"): The 2016-17 budget has no line in the category '
            "'Travel'.",
        ),
        (
            "Project costs,Unknown Inquiry,2016-04,100,",
            "Row 3, column B (\"project\"): The 2016-17 budget has no 'Project costs' line for "
            "the project 'Unknown Inquiry'.",
        ),
        (
            "Project costs,,2016-04,100,",
            "Row 3, column A (\"category\"): The 2016-17 budget's 'Project costs' lines are "
            "each for a project: give the project.",
        ),
        (
            "Pay,,2017-04,100,",
            'Row 3, column C ("month"): April 2017 is outside the plan year 2016-17 (April 2016 '
            "to March 2017).",
        ),
        (
            "Pay,,Smarch 2016,100,",
            "Row 3, column C (\"month\"): 'Smarch 2016' is not a month. Write it like 2016-04 "
            "or April 2016.",
        ),
        (
            "Pay,,2016-04-01,100,",
            'Row 3, column C ("month"): Rows 2 and 3 are both for Pay, April 2016. Keep one of '
            "them.",
        ),
        (
            "Pay,,2016-05,,",
            'Row 3, column D ("actual"): Both the actual and the forecast are blank: give either.',
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_by_row_and_column_and_nothing_changes(
    finance_client, budget, row, expected
):
    response = upload(finance_client, HEADER + "Pay,,2016-04,98000,\n" + row + "\n")

    assert problems(response) == [expected]
    assert response.context["confirm_form"] is None
    assert MonthlyFigure.objects.count() == 0
    assert not ImportPreview.objects.exists()
    assert "There is a problem" in response.text
    assert "The file has 1 problem, listed below. Nothing was imported." in response.text


def test_the_wrong_sheet_is_reported_against_its_header_row(finance_client, budget):
    indicators = "plan_year,ref,title,target\n2016-17,KPI1,Children engaged,50000\n"
    response = upload(finance_client, indicators)

    assert problems(response) == [
        'Row 1, column E: This looks like the wrong sheet: it has no "category" or "month" or '
        '"actual" or "forecast" column (its header row has plan_year, ref, title, target). A '
        "monthly actuals sheet has the columns category, project, month, actual, forecast, as "
        "the template does."
    ]
    assert MonthlyFigure.objects.count() == 0


def test_every_bad_row_of_a_file_is_reported_not_only_the_first(finance_client, budget):
    sheet = HEADER + "Pay,,2016-04,x,\nTravel,,2016-04,1,\nPay,,2015-04,1,\n"
    response = upload(finance_client, sheet)
    assert [problem.split(":")[0] for problem in problems(response)] == [
        'Row 2, column D ("actual")',
        'Row 3, column A ("category")',
        'Row 4, column C ("month")',
    ]


def workbook_file(rows):
    """An xlsx upload of rows; an empty row is left blank, as a person leaves one in Excel."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    sheet = book.add_worksheet("Actuals")
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return SimpleUploadedFile("actuals.xlsx", output.getvalue())


BLANK_ROWS_BEFORE_A_BAD_ROW = [
    ["category", "project", "month", "actual", "forecast"],
    ["Pay", "", "2016-04", "98000", ""],
    [],
    [],
    ["", "", "", "", ""],
    [],
    ["Income", "", "2016-04", "about 2k", ""],
]
ROW_7_ACTUAL = (
    "Row 7, column D (\"actual\"): 'about 2k' is not a number. Enter an amount in pounds, "
    "like £1,473,000 or 1473000."
)


def test_a_bad_row_below_blank_rows_of_a_csv_file_is_named_by_its_row_in_the_sheet(
    finance_client, budget
):
    text = "\n".join(",".join(row) for row in BLANK_ROWS_BEFORE_A_BAD_ROW) + "\n"

    response = upload(finance_client, text)

    assert problems(response) == [ROW_7_ACTUAL]
    assert "Row 7, column D" in response.text


def test_a_bad_row_below_blank_rows_of_a_workbook_is_named_by_its_row_in_the_sheet(
    finance_client, budget
):
    response = finance_client.post(IMPORT_URL, {"file": workbook_file(BLANK_ROWS_BEFORE_A_BAD_ROW)})

    assert problems(response) == [ROW_7_ACTUAL]


def test_a_good_row_below_blank_rows_is_previewed_by_its_row_in_the_sheet(finance_client, budget):
    rows = [*BLANK_ROWS_BEFORE_A_BAD_ROW[:-1], ["Income", "", "2016-04", "(£93,000)", ""]]

    response = finance_client.post(IMPORT_URL, {"file": workbook_file(rows)})

    assert problems(response) == []
    assert [row.row for row in response.context["preview_rows"]] == [2, 7]


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("£1,473,000", Decimal("1473000")),
        ("1,473,000", Decimal("1473000")),
        ("1473000", Decimal("1473000")),
        ("(£93,000)", Decimal("-93000")),
        ("-93000", Decimal("-93000")),
    ],
)
def test_an_amount_is_read_as_people_write_it_in_a_workbook_cell(
    finance_client, budget, cell, amount
):
    rows = [["category", "project", "month", "actual", "forecast"], ["Pay", "", "2016-04", cell]]

    response = finance_client.post(IMPORT_URL, {"file": workbook_file(rows)})

    assert problems(response) == []
    assert response.context["preview_rows"][0].actual == amount


def test_a_workbook_as_a_finance_system_exports_it_is_read_with_its_date_cells(
    finance_client, budget
):
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    sheet = book.add_worksheet("Actuals")
    dates = book.add_format({"num_format": "mmm yyyy"})
    for column, name in enumerate(["Category", "Project", "Month", "Actual", "Forecast"]):
        sheet.write_string(0, column, name)
    sheet.write_string(1, 0, "Pay")
    sheet.write_datetime(1, 2, datetime.date(2016, 4, 30), dates)
    sheet.write_number(1, 3, 98000.25)
    sheet.write_number(1, 4, 100000)
    book.close()
    upload_file = SimpleUploadedFile("actuals.xlsx", output.getvalue())

    response = finance_client.post(IMPORT_URL, {"file": upload_file})

    assert problems(response) == []
    row = response.context["preview_rows"][0]
    assert (row.month, row.actual, row.forecast) == (APRIL, Decimal("98000.25"), Decimal(100000))


@override_settings(IMPORT_MAX_ROWS=2)
def test_the_upload_limits_apply(finance_client, budget):
    response = upload(finance_client, APRIL_SHEET)
    assert re.search(r"This sheet has 4 rows of data; at most 2 can be imported", response.text)
    assert MonthlyFigure.objects.count() == 0


def test_a_file_that_is_not_a_sheet_is_refused_with_a_reason(finance_client, budget):
    response = finance_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("actuals.xlsx", b"\x00\x01binary")}
    )
    assert "is not an Excel workbook (.xlsx) or a CSV file" in response.text


@pytest.mark.parametrize("group", ["Staff", "Directors"])
def test_only_corporate_services_and_administrators_may_import(
    client, user_in_group, budget, group
):
    client.force_login(user_in_group(group))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": csv_file(APRIL_SHEET)}).status_code == 403
    assert client.post(CONFIRM_URL, {"preview_key": "x"}).status_code == 403


def test_an_administrator_may_import(client, user_in_group, budget):
    client.force_login(user_in_group("Administrators"))
    assert client.get(IMPORT_URL).status_code == 200


def test_a_closed_year_is_not_imported_into_except_by_an_administrator(
    finance_client, budget, client, user_in_group
):
    budget.plan_year.status = "closed"
    budget.plan_year.save()
    assert finance_client.get(IMPORT_URL).status_code == 403


def test_a_preview_is_confirmed_only_by_the_person_who_uploaded_it(
    finance_client, budget, client, user_in_group
):
    preview = upload(finance_client, APRIL_SHEET)
    key = preview.context["confirm_form"].initial["preview_key"]
    colleague = user_in_group("Corporate services", username="colleague")
    client.force_login(colleague)
    response = client.post(CONFIRM_URL, {"preview_key": key})
    assert response.status_code == 302
    assert response.url == IMPORT_URL
    assert MonthlyFigure.objects.count() == 0
    assert ImportPreview.objects.count() == 1


def test_the_confirm_checks_the_sheet_again_against_the_budget_as_it_now_is(finance_client, budget):
    preview = upload(finance_client, APRIL_SHEET)
    budget.lines.get(category__name="Income").delete()
    response = confirm(finance_client, preview)
    assert response.status_code == 200
    assert problems(response) == [
        "Row 5, column A (\"category\"): The 2016-17 budget has no line in the category 'Income'."
    ]
    assert MonthlyFigure.objects.count() == 0


def test_a_confirm_refused_asks_for_the_file_again_with_the_reason_beside_the_upload(
    finance_client, budget
):
    preview = upload(finance_client, APRIL_SHEET)
    budget.lines.get(category__name="Income").delete()

    content = confirm(finance_client, preview).content.decode()

    reason = "The budget has changed since the preview, and the file now has problems"
    assert f'<li><a href="#id_file">{reason}' in content
    assert '<li><a href="#problem-1">Row 5, column A' in content
    hidden = '<span class="govuk-visually-hidden">Error:</span>'
    assert f'<p id="id_file-error" class="govuk-error-message">{hidden} {reason}' in content
    box = re.search(r'<input [^>]*type="file"[^>]*>', content).group(0)
    assert 'class="govuk-file-upload govuk-file-upload--error"' in box
    assert 'aria-describedby="id_file-hint id_file-error"' in box
    assert 'accept=".xlsx,.csv"' in box


def test_the_template_lists_the_budgets_lines_formula_safe(finance_client, budget):
    response = finance_client.get(reverse("budgets:import-template", args=["2016-17"]))
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "category,project,month,actual,forecast",
        "Pay,,2016-04,,",
        "Project costs,Takeover Day,2016-04,,",
        "Project costs,'=Growing Up Digital,2016-04,,",
        "Income,,2016-04,,",
    ]


def test_the_workbook_template_has_headers_in_words_a_frozen_header_and_the_lines(
    finance_client, budget
):
    response = finance_client.get(reverse("budgets:import-template-xlsx", args=["2016-17"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "monthly-actuals-template-2016-17.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert book.active == sheet
    assert sheet.freeze_panes == "A2"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Category", "Project", "Month", "Actual (£)", "Forecast (£)"],
        ["Pay", None, "2016-04", None, None],
        ["Project costs", "Takeover Day", "2016-04", None, None],
        ["Project costs", "=Growing Up Digital", "2016-04", None, None],
        ["Income", None, "2016-04", None, None],
    ]
    # Text that looks like a formula is text, with Excel's quote prefix, never a formula.
    assert sheet["B4"].data_type == "s"
    assert sheet["B4"].quotePrefix
    assert sheet.column_dimensions["D"].number_format.startswith("£")
    assert [row[0].value for row in book.worksheets[1].iter_rows()][:2] == ["Column", "Category"]


def test_the_import_page_links_both_templates(finance_client, budget):
    response = finance_client.get(IMPORT_URL)

    assert reverse("budgets:import-template-xlsx", args=["2016-17"]) in response.text
    assert reverse("budgets:import-template", args=["2016-17"]) in response.text


def test_the_workbook_template_imports_back_once_filled_in(finance_client, budget):
    template = finance_client.get(reverse("budgets:import-template-xlsx", args=["2016-17"]))
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 4, "£1,250" if row < 5 else "(£93,000)")
    filled = io.BytesIO()
    book.save(filled)

    response = finance_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("filled.xlsx", filled.getvalue())}
    )

    assert problems(response) == []
    assert [(row.line_name, row.actual) for row in response.context["preview_rows"]] == [
        ("Pay", Decimal("1250")),
        ("Project costs: Takeover Day", Decimal("1250")),
        ("Project costs: =Growing Up Digital", Decimal("1250")),
        ("Income", Decimal("-93000")),
    ]


def test_the_template_imports_back_once_filled_in(budget):
    rows = services.template_rows(budget=budget, month=APRIL)
    dataset = tablib.Dataset(headers=rows[0])
    for row in rows[1:]:
        dataset.append([*row[:3], "10", ""])
    plan = services.monthly_figures_plan(budget=budget, dataset=dataset)
    assert plan.problems == []
    assert len(plan.rows) == 4


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2016-04", APRIL),
        ("2016-4", APRIL),
        ("2016-04-30", APRIL),
        ("30/04/2016", APRIL),
        ("04/2016", APRIL),
        ("Apr 2016", APRIL),
        ("april 2016", APRIL),
        ("May-2016", MAY),
    ],
)
def test_a_month_is_read_as_finance_systems_write_it(text, month):
    assert services.parse_month(text) == month
