"""The quarterly dashboard as a spreadsheet (xlsx) and as csv: the same IndicatorStatus rows the
page renders, so the figures cannot drift apart. Text that a spreadsheet would run as a formula
is escaped: in the csv with an apostrophe, in the workbook with Excel's quote prefix.

The "Illustrative" column says "Yes" where the row's actual to date, and so its RAG status,
rests on data generated for the demo: the row's own is_illustrative, which the page labels."""

import csv

from django.http import HttpResponse

from core.spreadsheets.formulas import escape_formula
from core.spreadsheets.writing import Workbook
from kpis.choices import Aggregation, Unit

HEADERS = [
    "Ref",
    "Indicator",
    "Tier",
    "Owners",
    "Target to date",
    "Actual to date",
    "Annual target",
    "RAG",
    "Why no target",
    "Latest commentary",
    "Illustrative",
]
COLUMN_WIDTHS = [8, 50, 24, 24, 14, 14, 14, 14, 50, 50, 12]


def _filename(dashboard, extension) -> str:
    return f"indicators-{dashboard.plan_year.year}-q{dashboard.quarter.number}.{extension}"


def _text_cells(row) -> list[str]:
    indicator = row.indicator
    return [
        indicator.ref,
        indicator.title,
        indicator.get_tier_display(),
        row.owner_names,
        row.target_to_date_text,
        row.actual_to_date_text,
        row.annual_target_text,
        row.rag.label,
        "" if row.target_to_date.known else row.target_to_date.reason,
        row.commentary,
        "Yes" if row.is_illustrative else "",
    ]


def dashboard_csv(dashboard) -> HttpResponse:
    """The figures as the page writes them (70.9%, 4,543), one indicator a row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(dashboard, "csv")}"'
    writer = csv.writer(response)
    writer.writerow([f"{dashboard.plan_year.year}, quarter {dashboard.quarter.number}", "", ""])
    writer.writerow(HEADERS)
    for row in dashboard.rows:
        writer.writerow([escape_formula(cell) for cell in _text_cells(row)])
    return response


def dashboard_xlsx(dashboard) -> HttpResponse:
    """The figures as numbers, so they can be added up, in the shared workbook formats
    (core.spreadsheets.writing): percentages with one decimal and a % sign, money in pounds,
    counts with thousands separators."""
    book = Workbook()
    sheet = book.add_sheet(
        dashboard.quarter.short_label, widths=COLUMN_WIDTHS, frozen_rows=3, frozen_columns=1
    )
    sheet.title(
        f"{dashboard.plan_year.title}: indicators at the end of quarter {dashboard.quarter.number}"
    )
    sheet.next()
    sheet.header(HEADERS)
    for row in dashboard.rows:
        indicator = row.indicator
        if indicator.aggregation == Aggregation.RATIO or indicator.unit == Unit.PERCENTAGE:
            write_figure = sheet.percent
        elif indicator.unit == Unit.CURRENCY:
            write_figure = sheet.money
        else:
            write_figure = sheet.number
        texts = _text_cells(row)
        for column in (0, 1, 2, 3, 7, 8, 9, 10):
            sheet.text(column, texts[column], "wrapped")
        figures = [row.target_to_date.value, row.actual_to_date, row.annual.value]
        for column, value in zip((4, 5, 6), figures, strict=True):
            if value is not None:
                write_figure(column, round(value, 4), "top")
        sheet.next()
    response = HttpResponse(
        book.close(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(dashboard, "xlsx")}"'
    return response


FORMATS = {"csv": dashboard_csv, "xlsx": dashboard_xlsx}
