"""The budget workbook and the csv of the lines, rendered from the variance report, so their
figures are the page's to the penny.

The workbook is written with the one workbook writer (core.spreadsheets.writing), in its money
and percentage formats, and streamed: each row is flushed to a temporary file as it is written,
so memory stays flat however many lines there are. Every figure and total is written as a
value, so it is right when the file is opened without recalculation. Text is always written as
text: a cell that begins with = + - @, a tab or a carriage return also carries Excel's quote
prefix, so editing it does not turn it into a formula.
"""

import csv
import io
import itertools
from decimal import Decimal

from budgets.calculations import Tolerance, Variance
from budgets.selectors import (
    LINES_CHUNK,
    CategoryTotals,
    VarianceHeading,
    VarianceLine,
    programme_split,
)
from core.exports import MONEY_MARK
from core.spreadsheets.formulas import escape_formula, unescape_formula
from core.spreadsheets.writing import (  # noqa: F401 - the formats named here, as before
    MONEY_FORMAT,
    PERCENT_FORMAT,
    Workbook,
    fraction,
)

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


def _title(out, report: VarianceHeading, heading: str):
    """A sheet's title rows: what it holds, the plan year, the month it is as at, and how to
    read its amounts."""
    out.title(heading)
    out.text(0, "Plan year")
    out.text(1, report.plan_year.year)
    out.next()
    out.text(0, "As at")
    out.text(1, as_at(report))
    out.text(2, " ".join(filter(None, [report.actuals_and_forecasts, report.moved_from_asked])))
    out.next()
    out.text(0, "Amounts")
    out.text(
        1,
        "In pounds. Variance is actual minus budget: an overspend is positive, an "
        "underspend (or income above budget) in brackets. Beyond tolerance: more than "
        f"{report.tolerance_percent.normalize():f}% of the budget profiled to date.",
    )
    out.next()
    if report.has_illustrative_figures:
        out.text(
            1,
            f"Illustrative: {'all' if report.all_figures_illustrative else 'some'} monthly "
            "figures were generated for the demo; they are not from the business plan or a "
            "finance system.",
        )
    out.next()


def _figures(out, column, variance: Variance, is_income: bool, total=False):
    """A line's, a category's or the total's figures, from `column` on; a total in bold
    under a line."""
    figure = "total" if total else None
    out.money(column, variance.annual_budget, figure)
    out.money(column + 1, variance.budget_to_date, figure)
    out.money(column + 2, variance.actual_to_date, figure)
    out.money(column + 3, variance.variance, figure)
    out.percent(column + 4, variance.variance_percent, figure)
    out.money(column + 5, variance.forecast_outturn, figure)
    out.money(column + 6, variance.full_year_variance, figure)
    out.text(column + 7, tolerance_words(variance, is_income), "bold" if total else None)


TITLE_ROWS = 5  # title, plan year, as at, amounts, blank


def write_workbook(report: VarianceHeading, output) -> None:
    """Write the budget workbook of `report` (a VarianceStream or a VarianceReport) to `output`
    (a path or a binary file). The lines are read once, in order: each is written to the Lines,
    Monthly and Projects sheets as it comes and added to its category's totals, which the
    Summary sheet (first in the workbook, written last) shows."""
    book = Workbook(output, streamed=True)
    heading = f"Budget {report.plan_year.year}: {report.plan_year.title}"
    money_widths = [16] * 7 + [20]
    month_headers = []
    for month in report.months:
        month_headers += [f"{month:%b %Y} actual", f"{month:%b %Y} forecast"]

    frozen = TITLE_ROWS + 1  # and the header row
    summary = book.add_sheet("Summary", widths=[34, 24, *money_widths], frozen_rows=frozen)
    lines = book.add_sheet("Lines", widths=[30, 40, 24, 40, *money_widths], frozen_rows=frozen)
    monthly = book.add_sheet(
        "Monthly", widths=[30, 40, *[14] * len(month_headers)], frozen_rows=frozen
    )
    projects = book.add_sheet("Projects", widths=[40, 40, 30, 16, 16, 16, 16], frozen_rows=frozen)
    _title(summary, report, heading)
    summary.header(["Category", "Programme delivery or admin", *FIGURE_HEADERS])
    _title(lines, report, f"{heading}: lines")
    lines.header(["Category", "Project", "Programme delivery or admin", "Description",
                  *FIGURE_HEADERS])  # fmt: skip
    _title(monthly, report, f"{heading}: monthly actuals and forecasts")
    monthly.header(["Category", "Project", *month_headers])
    _title(projects, report, f"{heading}: project budgets")
    projects.header(["Project", "Owners", "Category", "Annual budget", "Actual to date",
                     "Forecast outturn", "Full-year variance £"])  # fmt: skip

    totals = CategoryTotals(report.tolerance_percent, keep_lines=False)
    actual_totals = [Decimal(0)] * len(report.months)
    forecast_totals = [Decimal(0)] * len(report.months)
    project_totals = [Decimal(0)] * 4
    # The formats of a line's cells, looked up once for the workbook rather than per cell.
    money = book.format("money")
    percent = book.format("percent")
    # The lines are read a chunk at a time (as the database gives them) and then written: reading
    # each line between writing the cells of the last took longer, 2 ms of 53 for 200 lines.
    chunks = itertools.batched(report.lines, LINES_CHUNK)
    for line in itertools.chain.from_iterable(chunks):
        totals.add(line)
        variance = line.variance
        # Each figure is turned into a cell's number once, for the Lines and Projects sheets.
        annual, actual, outturn, full_year = (
            float(variance.annual_budget),
            float(variance.actual_to_date),
            float(variance.forecast_outturn),
            float(variance.full_year_variance),
        )
        # Lines: every line with its figures.
        lines.texts(0, (line.category, line.project, line.kind_label, line.description))
        lines.amounts(4, (annual, variance.budget_to_date, actual, variance.variance), money)
        if variance.variance_percent is not None:
            lines.amounts(8, (fraction(variance.variance_percent),), percent)
        lines.amounts(9, (outturn, full_year), money)
        lines.texts(11, (tolerance_words(variance, line.is_income),))
        lines.next()
        # Monthly: lines by twelve months of actuals and forecasts.
        monthly.texts(0, (line.category, line.project))
        _monthly(monthly, line, actual_totals, forecast_totals, money)
        monthly.next()
        # Projects: each project's budget with its owners.
        if line.project:
            projects.texts(0, (line.project, line.owners, line.category))
            projects.amounts(3, (annual, actual, outturn, full_year), money)
            project_totals[0] += variance.annual_budget
            project_totals[1] += variance.actual_to_date
            project_totals[2] += variance.forecast_outturn
            project_totals[3] += variance.full_year_variance
            projects.next()

    total = totals.total()
    lines.text(0, "Total", "bold")
    _figures(lines, 4, total, False, total=True)
    monthly.text(0, "Total", "bold")
    for index in range(len(report.months)):
        monthly.money(2 + 2 * index, actual_totals[index], "total")
        monthly.money(3 + 2 * index, forecast_totals[index], "total")
    projects.text(0, "Total", "bold")
    for index, amount in enumerate(project_totals):
        projects.money(3 + index, amount, "total")

    # Summary: a row per category, then the total and programme delivery against admin.
    categories = totals.categories()
    for category in categories:
        summary.text(0, category.name)
        summary.text(1, category.kind_label)
        _figures(summary, 2, category.variance, category.is_income)
        summary.next()
    summary.text(0, "Total", "bold")
    _figures(summary, 2, total, False, total=True)
    summary.next()
    _reconciliation(summary, report.reconcile(total.annual_budget))
    summary.next()
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


def _reconciliation(out, reconciliation) -> None:
    """The Summary's rows under the total, as on the page: the printed total (the grant-in-aid)
    and the lines' difference from it, with its reason from the notes."""
    if reconciliation is None:
        return
    out.text(0, "Printed total (grant-in-aid)")
    out.money(2, reconciliation.printed_total)
    out.next()
    out.text(0, "Difference: the lines less the printed total")
    out.money(2, reconciliation.difference)
    out.text(3, reconciliation.in_words)
    out.next()


def _monthly(out, line: VarianceLine, actual_totals, forecast_totals, money):
    """A line's actual and forecast of each month, side by side, added to the months' totals."""
    cells = []
    for index, (actual, forecast) in enumerate(zip(line.actuals, line.forecasts, strict=True)):
        if actual is not None:
            actual_totals[index] += actual
        if forecast is not None:
            forecast_totals[index] += forecast
        cells += (actual, forecast)
    out.amounts(2, cells, money)


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
    book = Workbook(output)
    sheet = book.add_sheet(
        "Monthly actuals",
        widths=[TEMPLATE_WIDTHS.get(name, 16) for name in columns],
        frozen_rows=1,
    )
    # The amount columns are formatted as money for what is typed in them.
    for column, name in enumerate(columns):
        if name in ("actual", "forecast"):
            width = TEMPLATE_WIDTHS.get(name, 16)
            sheet.worksheet.set_column(column, column, width, book.format("money"))
    sheet.header([TEMPLATE_HEADERS.get(name, name) for name in columns])
    for row in rows[1:]:
        for column, value in enumerate(row):
            # Written as text, never as a formula: the csv template's apostrophe becomes
            # Excel's quote prefix, as in the budget workbook.
            sheet.text(column, unescape_formula(value))
        sheet.next()
    guide = book.add_sheet("How to fill it in", widths=[16, 90])
    guide.header(["Column", "What it holds"])
    for name in columns:
        guide.text(0, TEMPLATE_HEADERS.get(name, name))
        guide.text(1, column_help.get(name, ""))
        guide.next()
    guide.next()
    guide.text(
        0,
        "Amounts are in pounds: 1473000, 1,473,000 or £1,473,000; income as a negative "
        "amount, -93000 or (£93,000). Import the first sheet, saved as .xlsx or CSV UTF-8.",
    )
    book.close()
