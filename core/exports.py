"""Spreadsheets a person can read: a sheet named after what it holds ("Budget lines 2010-11"),
headers in words ("Plan year", "Amount (£)"), numbers, money and dates formatted as people
write them, columns as wide as what they hold, and the header row frozen.

Formatting changes only how cells look: every value is written as the same number, date or
text as before, so an exported sheet imports back unchanged (core.spreadsheets reads the
headers in words back to the columns they name). Text is always written as text, never as a
formula: the formula escaping of core.spreadsheets.FormulaSafeResource is kept exactly.
"""

import datetime
import io
import re
from decimal import Decimal

import xlsxwriter
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX

#: A header ending with this holds pounds (see core.spreadsheets.FormulaSafeResource).
MONEY_MARK = "(£)"
# Excel's limits on a sheet's name: 31 characters, none of []:*?/\
SHEET_NAME_LIMIT = 31
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
WIDEST_COLUMN = 60
FORMATS = {
    "header": {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"},
    "money": {"num_format": "£#,##0;(£#,##0)"},
    "money_pence": {"num_format": "£#,##0.00;(£#,##0.00)"},
    "number": {"num_format": "#,##0"},
    "fraction": {"num_format": "#,##0.0###"},
    "date": {"num_format": "d mmm yyyy"},
    "datetime": {"num_format": "d mmm yyyy hh:mm"},
    "wrapped": {"text_wrap": True, "valign": "top"},
}


def sheet_name(title):
    """A title Excel accepts as a sheet's name."""
    name = NOT_IN_SHEET_NAMES.sub(" ", str(title or "")).strip()
    return name[:SHEET_NAME_LIMIT].strip() or "Sheet1"


def shown_length(value):
    """About how many characters a cell shows, for its column's width."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, datetime.datetime):
        return 17
    if isinstance(value, datetime.date):
        return 11
    if isinstance(value, int | float | Decimal):
        return len(f"{Decimal(str(value)):,f}") + 2
    return max((len(line) for line in str(value).splitlines()), default=0)


def number_style(value, money):
    number = Decimal(str(value))
    whole = number == number.to_integral_value()
    if money:
        return "money" if whole else "money_pence"
    return "number" if whole else "fraction"


def write_workbook(dataset):
    """The bytes of an xlsx workbook of a tablib Dataset, formatted to be read."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            # Text stays text: never a formula, a link or a number (see the module docstring).
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    styles = {name: book.add_format(spec) for name, spec in FORMATS.items()}
    sheet = book.add_worksheet(sheet_name(dataset.title))
    headers = [str(header) for header in dataset.headers or []]
    widths = [min(max(len(header), 6) + 2, WIDEST_COLUMN) for header in headers]
    wrapped = [False] * len(headers)
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, styles["header"])
    for row_number, row in enumerate(dataset, 1):
        for column, value in enumerate(row):
            money = column < len(headers) and headers[column].endswith(MONEY_MARK)
            write_cell(sheet, row_number, column, value, money, styles)
            length = shown_length(value)
            if column < len(widths):
                widths[column] = min(max(widths[column], length + 1), WIDEST_COLUMN)
                wrapped[column] = wrapped[column] or length > WIDEST_COLUMN
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width, styles["wrapped"] if wrapped[column] else None)
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, max(len(dataset), 1), len(headers) - 1)
    book.close()
    return output.getvalue()


def write_cell(sheet, row, column, value, money, styles):
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value), styles[number_style(value, money)])
    elif isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        sheet.write_datetime(row, column, value, styles["datetime"])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, styles["date"])
    else:
        # A carriage return is written as a line feed, as the workbooks exported before were
        # read back (XML reads one as the other); XlsxWriter would write it as "_x000D_",
        # which openpyxl, reading an import, leaves as those seven characters.
        text = str(value).replace("\r\n", "\n").replace("\r", "\n")
        sheet.write_string(row, column, text)


class ReadableXLSX(XLSX):
    """The xlsx export, formatted to be read (write_workbook); it is read as before."""

    def export_data(self, dataset, **kwargs):
        return write_workbook(dataset)


#: What the entry screens export: a formatted workbook first (chosen by default), and CSV.
EXPORT_FORMATS = [ReadableXLSX, CSV]
