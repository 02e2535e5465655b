"""The quarterly dashboard as a spreadsheet (xlsx) and as csv: the same IndicatorStatus rows the
page renders, so the figures cannot drift apart. Text that a spreadsheet would run as a formula
is escaped."""

import csv
import io

import xlsxwriter
from django.http import HttpResponse

from core.spreadsheets.formulas import escape_formula
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
]


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
    """The figures as numbers in cells formatted like the page (percentages with one decimal
    and a % sign, counts with thousands separators), so they can be added up."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(dashboard.quarter.short_label)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    formats = {
        "percent": workbook.add_format({"num_format": '0.0"%"', "valign": "top"}),
        "money": workbook.add_format({"num_format": "£#,##0", "valign": "top"}),
        "count": workbook.add_format({"num_format": "#,##0.#", "valign": "top"}),
    }
    sheet.write_string(
        0,
        0,
        f"{dashboard.plan_year.title}: indicators at the end of quarter {dashboard.quarter.number}",
        bold,
    )
    for column, header in enumerate(HEADERS):
        sheet.write_string(2, column, header, bold)
    for index, row in enumerate(dashboard.rows, start=3):
        indicator = row.indicator
        if indicator.aggregation == Aggregation.RATIO or indicator.unit == Unit.PERCENTAGE:
            number_format = formats["percent"]
        elif indicator.unit == Unit.CURRENCY:
            number_format = formats["money"]
        else:
            number_format = formats["count"]
        texts = _text_cells(row)
        for column in (0, 1, 2, 3, 7, 8, 9):
            sheet.write_string(index, column, escape_formula(texts[column]), wrap)
        figures = [row.target_to_date.value, row.actual_to_date, row.annual.value]
        for column, value in zip((4, 5, 6), figures, strict=True):
            if value is None:
                sheet.write_blank(index, column, None, number_format)
            else:
                sheet.write_number(index, column, float(round(value, 4)), number_format)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 3, 24)
    sheet.set_column(4, 7, 14)
    sheet.set_column(8, 9, 50)
    sheet.freeze_panes(3, 1)
    workbook.close()
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(dashboard, "xlsx")}"'
    return response


FORMATS = {"csv": dashboard_csv, "xlsx": dashboard_xlsx}
