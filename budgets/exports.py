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
from budgets.selectors import VarianceLine, VarianceReport
from core.spreadsheets import FORMULA_TRIGGERS, escape_formula

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


def as_at(report: VarianceReport) -> str:
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

    def title(self, report: VarianceReport, heading: str):
        self.sheet.write_string(self.row, 0, heading, self.formats["title"])
        self.next()
        self.text(0, "Plan year")
        self.text(1, report.plan_year.year)
        self.next()
        self.text(0, "As at")
        self.text(1, as_at(report))
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


def write_workbook(report: VarianceReport, output) -> None:
    """Write the budget workbook of `report` to `output` (a path or a binary file)."""
    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    formats = _formats(book)
    heading = f"Budget {report.plan_year.year}: {report.plan_year.title}"
    money_widths = [16] * 7 + [20]

    # Summary: a row per category, then the total and programme delivery against admin.
    sheet = _sheet(book, "Summary", [34, 24, *money_widths], TITLE_ROWS)
    out = _Writer(book, sheet, formats)
    out.title(report, heading)
    out.header(["Category", "Programme delivery or admin", *FIGURE_HEADERS])
    for category in report.categories:
        out.text(0, category.name)
        out.text(1, category.kind_label)
        out.figures(2, category.variance, category.is_income)
        out.next()
    out.text(0, "Total", bold=True)
    out.figures(2, report.total, False, bold=True)
    out.next(2)
    split = report.split
    out.header(["Programme delivery against admin", "", "Budget", "Share of budget",
                "Actual to date", "Share of spend"])  # fmt: skip
    for name, budget, budget_share, spend, spend_share in (
        ("Programme delivery", split.programme_budget, split.programme_share_of_budget,
         split.programme_spend, split.programme_share_of_spend),
        ("Admin and running costs", split.admin_budget, split.admin_share_of_budget,
         split.admin_spend, split.admin_share_of_spend),
    ):  # fmt: skip
        out.text(0, name)
        out.money(2, budget)
        out.percent(3, budget_share)
        out.money(4, spend)
        out.percent(5, spend_share)
        out.next()
    if split.not_itemised:
        out.text(0, "Admin includes grant-in-aid the lines do not itemise")
        out.money(2, split.not_itemised)
        out.next()

    # Lines: every line with its figures.
    sheet = _sheet(book, "Lines", [30, 40, 24, 40, *money_widths], TITLE_ROWS)
    out = _Writer(book, sheet, formats)
    out.title(report, f"{heading}: lines")
    out.header(["Category", "Project", "Programme delivery or admin", "Description",
                *FIGURE_HEADERS])  # fmt: skip
    for line in report.lines:
        out.text(0, line.category)
        out.text(1, line.project)
        out.text(2, line.kind_label)
        out.text(3, line.description)
        out.figures(4, line.variance, line.is_income)
        out.next()
    out.text(0, "Total", bold=True)
    out.figures(4, report.total, False, bold=True)
    out.next()

    # Monthly: lines by twelve months of actuals and forecasts.
    month_headers = []
    for month in report.months:
        month_headers += [f"{month:%b %Y} actual", f"{month:%b %Y} forecast"]
    sheet = _sheet(book, "Monthly", [30, 40, *[14] * len(month_headers)], TITLE_ROWS)
    out = _Writer(book, sheet, formats)
    out.title(report, f"{heading}: monthly actuals and forecasts")
    out.header(["Category", "Project", *month_headers])
    actual_totals = [Decimal(0)] * len(report.months)
    forecast_totals = [Decimal(0)] * len(report.months)
    for line in report.lines:
        out.text(0, line.category)
        out.text(1, line.project)
        _monthly(out, line, actual_totals, forecast_totals)
        out.next()
    out.text(0, "Total", bold=True)
    for index in range(len(report.months)):
        out.money(2 + 2 * index, actual_totals[index], bold=True)
        out.money(3 + 2 * index, forecast_totals[index], bold=True)
    out.next()

    # Projects: each project's budget with its owners.
    sheet = _sheet(book, "Projects", [40, 40, 30, 16, 16, 16, 16], TITLE_ROWS)
    out = _Writer(book, sheet, formats)
    out.title(report, f"{heading}: project budgets")
    out.header(["Project", "Owners", "Category", "Annual budget", "Actual to date",
                "Forecast outturn", "Full-year variance £"])  # fmt: skip
    projects = report.project_lines
    for line in projects:
        out.text(0, line.project)
        out.text(1, line.owners)
        out.text(2, line.category)
        out.money(3, line.variance.annual_budget)
        out.money(4, line.variance.actual_to_date)
        out.money(5, line.variance.forecast_outturn)
        out.money(6, line.variance.full_year_variance)
        out.next()
    out.text(0, "Total", bold=True)
    for column, attribute in enumerate(
        ("annual_budget", "actual_to_date", "forecast_outturn", "full_year_variance"), start=3
    ):
        out.money(column, sum((getattr(line.variance, attribute) for line in projects),
                              Decimal(0)), bold=True)  # fmt: skip
    book.close()


def _monthly(out, line: VarianceLine, actual_totals, forecast_totals):
    for index, (actual, forecast) in enumerate(zip(line.actuals, line.forecasts, strict=True)):
        if actual is not None:
            out.money(2 + 2 * index, actual)
            actual_totals[index] += actual
        if forecast is not None:
            out.money(3 + 2 * index, forecast)
            forecast_totals[index] += forecast


def workbook_bytes(report: VarianceReport) -> bytes:
    output = io.BytesIO()
    write_workbook(report, output)
    return output.getvalue()


def lines_csv(report: VarianceReport) -> str:
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
