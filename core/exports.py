"""Spreadsheets a person can read: a sheet named after what it holds ("Budget lines 2010-11"),
headers in words ("Plan year", "Amount (£)"), numbers, money and dates formatted as people
write them, columns as wide as what they hold, and the header row frozen. Written with the one
workbook writer (core.spreadsheets.writing), in its formats.

Formatting changes only how cells look: every value is written as the same number, date or
text as before, so an exported sheet imports back unchanged (core.spreadsheets.resources reads
the headers in words back to the columns they name). Text is always written as text, never as
a formula: the formula escaping of core.spreadsheets.resources.FormulaSafeResource is kept
exactly.
"""

import datetime
from decimal import Decimal

from import_export.formats.base_formats import CSV, XLSX

from core.spreadsheets.writing import Workbook

#: A header ending with this holds pounds (see core.spreadsheets.resources.FormulaSafeResource).
MONEY_MARK = "(£)"
WIDEST_COLUMN = 60


def shown_length(value, money=False):
    """About how many characters a cell shows, for its column's width: an amount of money with
    its pound sign, pence and brackets (£1,473,000.00)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, datetime.datetime):
        return 17
    if isinstance(value, datetime.date):
        return 11
    if isinstance(value, int | float | Decimal):
        number = value if isinstance(value, int | Decimal) else Decimal(str(value))
        if money:
            return len(f"{abs(number):,.2f}") + 3
        return len(f"{number:,f}") + 2
    text = str(value)
    if "\n" not in text and "\r" not in text:
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)


def write_workbook(dataset):
    """The bytes of an xlsx workbook of a tablib Dataset, formatted to be read."""
    book = Workbook()
    headers = [str(header) for header in dataset.headers or []]
    sheet = book.add_sheet(dataset.title, frozen_rows=1)
    sheet.header(headers)
    widths = [min(max(len(header), 6) + 2, WIDEST_COLUMN) for header in headers]
    wrapped = [False] * len(headers)
    money_columns = [header.endswith(MONEY_MARK) for header in headers]
    columns = len(headers)
    for row in dataset:
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            money = column < columns and money_columns[column]
            sheet.value(column, value, money=money)
            if column < columns and not wrapped[column]:
                length = shown_length(value, money)
                if length >= widths[column]:
                    widths[column] = min(length + 1, WIDEST_COLUMN)
                    wrapped[column] = length > WIDEST_COLUMN
        sheet.next()
    for column, width in enumerate(widths):
        style = book.format("wrapped") if wrapped[column] else None
        sheet.worksheet.set_column(column, column, width, style)
    if headers:
        sheet.worksheet.autofilter(0, 0, max(len(dataset), 1), len(headers) - 1)
    return book.close()


class ReadableXLSX(XLSX):
    """The xlsx export, formatted to be read (write_workbook); it is read as before."""

    def export_data(self, dataset, **kwargs):
        return write_workbook(dataset)


#: What the entry screens export: a formatted workbook first (chosen by default), and CSV.
EXPORT_FORMATS = [ReadableXLSX, CSV]
