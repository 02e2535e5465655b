"""The budget workbook and the csv of the lines, rendered from the variance report, so their
figures are the page's to the penny.

The workbook is written with XlsxWriter in constant-memory mode (each row is flushed to a
temporary file as it is written, so memory stays flat however many lines there are). Every
figure and total is written as a value, so it is right when the file is opened without
recalculation. Text is always written as text: a cell that begins with = + - @, a tab or a
carriage return also carries Excel's quote prefix, so editing it does not turn it into a
formula.
"""

import csv
import io
from decimal import Decimal

import xlsxwriter

from budgets.calculations import Tolerance, Variance
from budgets.selectors import (
    CategoryTotals,
    VarianceHeading,
    VarianceLine,
    programme_split,
)
from core.exports import MONEY_MARK
from core.spreadsheets.formulas import FORMULA_TRIGGERS, escape_formula, unescape_formula

MONEY_FORMAT = '£#,##0.00;(£#,##0.00);"£0.00"'
PERCENT_FORMAT = "0.0%;(0.0%);0.0%"
FIGURE_HEADERS = [
    "Annual budget",
    "Budget to date",
    "Actual to date",
    "Variance £",
    "Variance %",
    "Forecast outturn",
    "Full-year variance £",
    "Beyond tolerance",
]
CSV_HEADERS = [
    "category",
    "project",
    "kind",
    "description",
    "annual_budget",
    "budget_to_date",
    "actual_to_date",
    "variance",
    "variance_percent",
    "forecast_outturn",
    "full_year_variance",
    "beyond_tolerance",
]


def tolerance_words(variance: Variance, is_income: bool) -> str:
    """What the page and the workbook say about a variance beyond the tolerance."""
    if variance.beyond_tolerance == Tolerance.OVER:
        return "Income below budget" if is_income else "Overspent"
    if variance.beyond_tolerance == Tolerance.UNDER:
        return "Income above budget" if is_income else "Underspent"
    return ""


def as_at(report: VarianceHeading) -> str:
    if report.month is None:
        return "Before any actuals (0 months)"
    elapsed = report.months_elapsed
    return f"End of {report.month:%B %Y} ({elapsed} month{'s' if elapsed != 1 else ''})"


class _Writer:
    """One worksheet written row by row (constant-memory mode writes rows in order)."""

    def __init__(self, book, sheet, formats):
        self.sheet = sheet
        self.formats = formats
        self.row = 0

    def text(self, column, value, bold=False):
        value = "" if value is None else str(value)
        if not value:
            return
        if value.startswith(FORMULA_TRIGGERS):
            fmt = self.formats["bold_quoted" if bold else "quoted"]
        else:
            fmt = self.formats["bold"] if bold else None
        self.sheet.write_string(self.row, column, value, fmt)

    def money(self, column, value, bold=False):
        if value is not None:
            fmt = self.formats["bold_money" if bold else "money"]
            self.sheet.write_number(self.row, column, float(value), fmt)

    def percent(self, column, value: Decimal | None, bold=False):
        if value is not None:
            fmt = self.formats["bold_percent" if bold else "percent"]
            self.sheet.write_number(self.row, column, float(value) / 100, fmt)

    def header(self, names):
        for column, name in enumerate(names):
            self.sheet.write_string(self.row, column, name, self.formats["header"])
        self.next()

    def next(self, rows=1):
        self.row += rows

    def title(self, report: VarianceHeading, heading: str):
        self.sheet.write_string(self.row, 0, heading, self.formats["title"])
        self.next()
        self.text(0, "Plan year")
        self.text(1, report.plan_year.year)
        self.next()
        self.text(0, "As at")
        self.text(1, as_at(report))
        self.text(
            2, " ".join(filter(None, [report.actuals_and_forecasts, report.moved_from_asked]))
        )
        self.next()
        self.text(0, "Amounts")
        self.text(
            1,
            "In pounds. Variance is actual minus budget: an overspend is positive, an "
            "underspend (or income above budget) in brackets. Beyond tolerance: more than "
            f"{report.tolerance_percent.normalize():f}% of the budget profiled to date.",
        )
        self.next()
        if report.has_illustrative_figures:
            self.text(
                1,
                "Illustrative: some monthly figures were generated for the demo; they are not "
                "from the business plan or a finance system.",
            )
        self.next()

    def figures(self, column, variance: Variance, is_income: bool, bold=False):
        self.money(column, variance.annual_budget, bold)
        self.money(column + 1, variance.budget_to_date, bold)
        self.money(column + 2, variance.actual_to_date, bold)
        self.money(column + 3, variance.variance, bold)
        self.percent(column + 4, variance.variance_percent, bold)
        self.money(column + 5, variance.forecast_outturn, bold)
        self.money(column + 6, variance.full_year_variance, bold)
        self.text(column + 7, tolerance_words(variance, is_income), bold)


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "text_wrap": True, "bottom": 1}),
        "bold": book.add_format({"bold": True}),
        "quoted": book.add_format({"quote_prefix": True}),
        "bold_quoted": book.add_format({"quote_prefix": True, "bold": True}),
        "money": book.add_format({"num_format": MONEY_FORMAT}),
        "bold_money": book.add_format({"num_format": MONEY_FORMAT, "bold": True, "top": 1}),
        "percent": book.add_format({"num_format": PERCENT_FORMAT}),
        "bold_percent": book.add_format({"num_format": PERCENT_FORMAT, "bold": True, "top": 1}),
    }


def _sheet(book, name, widths, header_row):
    sheet = book.add_worksheet(name)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(header_row + 1, 0)
    return sheet


TITLE_ROWS = 5  # title, plan year, as at, amounts, blank


def write_workbook(report: VarianceHeading, output) -> None:
    """Write the budget workbook of `report` (a VarianceStream or a VarianceReport) to `output`
    (a path or a binary file). The lines are read once, in order: each is written to the Lines,
    Monthly and Projects sheets as it comes and added to its category's totals, which the
    Summary sheet (first in the workbook, written last) shows."""
    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    formats = _formats(book)
    heading = f"Budget {report.plan_year.year}: {report.plan_year.title}"
    money_widths = [16] * 7 + [20]
    month_headers = []
    for month in report.months:
        month_headers += [f"{month:%b %Y} actual", f"{month:%b %Y} forecast"]

    summary = _Writer(book, _sheet(book, "Summary", [34, 24, *money_widths], TITLE_ROWS), formats)
    lines = _Writer(
        book, _sheet(book, "Lines", [30, 40, 24, 40, *money_widths], TITLE_ROWS), formats
    )
    monthly = _Writer(
        book, _sheet(book, "Monthly", [30, 40, *[14] * len(month_headers)], TITLE_ROWS), formats
    )
    projects = _Writer(
        book, _sheet(book, "Projects", [40, 40, 30, 16, 16, 16, 16], TITLE_ROWS), formats
    )
    summary.title(report, heading)
    summary.header(["Category", "Programme delivery or admin", *FIGURE_HEADERS])
    lines.title(report, f"{heading}: lines")
    lines.header(["Category", "Project", "Programme delivery or admin", "Description",
                  *FIGURE_HEADERS])  # fmt: skip
    monthly.title(report, f"{heading}: monthly actuals and forecasts")
    monthly.header(["Category", "Project", *month_headers])
    projects.title(report, f"{heading}: project budgets")
    projects.header(["Project", "Owners", "Category", "Annual budget", "Actual to date",
                     "Forecast outturn", "Full-year variance £"])  # fmt: skip

    totals = CategoryTotals(report.tolerance_percent, keep_lines=False)
    actual_totals = [Decimal(0)] * len(report.months)
    forecast_totals = [Decimal(0)] * len(report.months)
    project_totals = [Decimal(0)] * 4
    for line in report.lines:
        totals.add(line)
        # Lines: every line with its figures.
        lines.text(0, line.category)
        lines.text(1, line.project)
        lines.text(2, line.kind_label)
        lines.text(3, line.description)
        lines.figures(4, line.variance, line.is_income)
        lines.next()
        # Monthly: lines by twelve months of actuals and forecasts.
        monthly.text(0, line.category)
        monthly.text(1, line.project)
        _monthly(monthly, line, actual_totals, forecast_totals)
        monthly.next()
        # Projects: each project's budget with its owners.
        if line.project:
            variance = line.variance
            projects.text(0, line.project)
            projects.text(1, line.owners)
            projects.text(2, line.category)
            for index, amount in enumerate(
                (
                    variance.annual_budget,
                    variance.actual_to_date,
                    variance.forecast_outturn,
                    variance.full_year_variance,
                )
            ):
                projects.money(3 + index, amount)
                project_totals[index] += amount
            projects.next()

    total = totals.total()
    lines.text(0, "Total", bold=True)
    lines.figures(4, total, False, bold=True)
    monthly.text(0, "Total", bold=True)
    for index in range(len(report.months)):
        monthly.money(2 + 2 * index, actual_totals[index], bold=True)
        monthly.money(3 + 2 * index, forecast_totals[index], bold=True)
    projects.text(0, "Total", bold=True)
    for index, amount in enumerate(project_totals):
        projects.money(3 + index, amount, bold=True)

    # Summary: a row per category, then the total and programme delivery against admin.
    categories = totals.categories()
    for category in categories:
        summary.text(0, category.name)
        summary.text(1, category.kind_label)
        summary.figures(2, category.variance, category.is_income)
        summary.next()
    summary.text(0, "Total", bold=True)
    summary.figures(2, total, False, bold=True)
    summary.next(2)
    split = programme_split(categories, total.annual_budget, report.grant_total)
    summary.header(["Programme delivery against admin", "", "Budget", "Share of budget",
                    "Actual to date", "Share of spend"])  # fmt: skip
    for name, budget, budget_share, spend, spend_share in (
        ("Programme delivery", split.programme_budget, split.programme_share_of_budget,
         split.programme_spend, split.programme_share_of_spend),
        ("Admin and running costs", split.admin_budget, split.admin_share_of_budget,
         split.admin_spend, split.admin_share_of_spend),
    ):  # fmt: skip
        summary.text(0, name)
        summary.money(2, budget)
        summary.percent(3, budget_share)
        summary.money(4, spend)
        summary.percent(5, spend_share)
        summary.next()
    if split.not_itemised:
        summary.text(0, "Admin includes grant-in-aid the lines do not itemise")
        summary.money(2, split.not_itemised)
    book.close()


def _monthly(out, line: VarianceLine, actual_totals, forecast_totals):
    for index, (actual, forecast) in enumerate(zip(line.actuals, line.forecasts, strict=True)):
        if actual is not None:
            out.money(2 + 2 * index, actual)
            actual_totals[index] += actual
        if forecast is not None:
            out.money(3 + 2 * index, forecast)
            forecast_totals[index] += forecast


def lines_csv(report: VarianceHeading) -> str:
    """The lines with their figures as CSV (plain numbers in pounds; text formula-safe)."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(CSV_HEADERS)
    for line in report.lines:
        v = line.variance
        writer.writerow(
            [
                escape_formula(line.category),
                escape_formula(line.project),
                line.kind_label,
                escape_formula(line.description),
                v.annual_budget,
                v.budget_to_date,
                v.actual_to_date,
                v.variance,
                "" if v.variance_percent is None else v.variance_percent,
                v.forecast_outturn,
                v.full_year_variance,
                tolerance_words(v, line.is_income),
            ]
        )
    return output.getvalue()


#: The import template's headers in words; the import reads them back to its columns.
TEMPLATE_HEADERS = {
    "category": "Category",
    "project": "Project",
    "month": "Month",
    "actual": f"Actual {MONEY_MARK}",
    "forecast": f"Forecast {MONEY_MARK}",
}
TEMPLATE_WIDTHS = {"category": 28, "project": 40, "month": 12, "actual": 16, "forecast": 16}


def write_import_template(rows, column_help, output) -> None:
    """The monthly actuals template as a workbook: `rows` (budgets.services.template_rows:
    the column names, then each line) under a frozen header row in words, the amount columns
    formatted as money for what is typed in them, and a second sheet saying what each column
    holds. The import reads the first sheet, as it was when saved."""
    columns = rows[0]
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = _formats(book)
    sheet = book.add_worksheet("Monthly actuals")
    for column, name in enumerate(columns):
        money = formats["money"] if name in ("actual", "forecast") else None
        sheet.set_column(column, column, TEMPLATE_WIDTHS.get(name, 16), money)
        sheet.write_string(0, column, TEMPLATE_HEADERS.get(name, name), formats["header"])
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows[1:], 1):
        for column, value in enumerate(row):
            # Written as text, never as a formula: the csv template's apostrophe becomes
            # Excel's quote prefix, as in the budget workbook.
            value = unescape_formula(value)
            if value:
                quoted = formats["quoted"] if value.startswith(FORMULA_TRIGGERS) else None
                sheet.write_string(number, column, value, quoted)
    guide = book.add_worksheet("How to fill it in")
    guide.set_column(0, 0, 16)
    guide.set_column(1, 1, 90)
    guide.write_string(0, 0, "Column", formats["header"])
    guide.write_string(0, 1, "What it holds", formats["header"])
    for number, name in enumerate(columns, 1):
        guide.write_string(number, 0, TEMPLATE_HEADERS.get(name, name))
        guide.write_string(number, 1, column_help.get(name, ""))
    guide.write_string(
        len(columns) + 2,
        0,
        "Amounts are in pounds: 1473000, 1,473,000 or £1,473,000; income as a negative "
        "amount, -93000 or (£93,000). Import the first sheet, saved as .xlsx or CSV UTF-8.",
    )
    book.close()
