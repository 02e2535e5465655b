"""The one workbook writer: every export opens its workbook here (the entry screens' exports,
the KPI dashboard, the budget workbook and its import template, and any later report), so
that each is written with the same safe options and a pound, a percentage or a date looks the
same in all of them.

Safe: text is always written as text, never as a formula, a link or a number, and text that
begins with = + - @, a tab or a carriage return also carries Excel's quote prefix, so that
editing the cell does not turn it into a formula. Every figure is written as a value, so it is
right when the file is opened without recalculation.

A workbook whose rows stream (the budget workbook, however many lines) is written in
XlsxWriter's constant-memory mode: each row is flushed to a temporary file as it is written,
so memory stays flat, and the rows of each sheet must be written in order.

A sheet of many rows writes them with the row-at-a-time methods (Sheet.texts, Sheet.amounts),
which look a row's format up once (Workbook.format) rather than per cell: the cost of a cell is
then about what XlsxWriter alone takes to write it.
"""

import datetime
import io
import re
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

from core.spreadsheets.formulas import FORMULA_TRIGGERS

#: Pounds and pence with thousands separators, negatives (an underspend, income) in brackets,
#: as the budget workbook has always printed them: £1,473,000.00, (£93,000.00), £0.00.
MONEY_FORMAT = '£#,##0.00;(£#,##0.00);"£0.00"'
#: A percentage with one decimal, negatives in brackets: the cell holds the fraction (0.075
#: shows as 7.5%), so that it multiplies as a percentage does.
PERCENT_FORMAT = "0.0%;(0.0%);0.0%"
DATE_FORMAT = "d mmm yyyy"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
#: Other numbers (a count, a measure) with thousands separators: whole ones without decimals,
#: others with as many as they have, up to four.
WHOLE_NUMBER_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.0###"

#: The cell styles a workbook offers; a cell may combine several ("money", "total").
STYLES = {
    "title": {"bold": True, "font_size": 14},
    "header": {"bold": True, "text_wrap": True, "bottom": 1},
    "bold": {"bold": True},
    # A totals row's figures: bold, under a line.
    "total": {"bold": True, "top": 1},
    "wrapped": {"text_wrap": True, "valign": "top"},
    "top": {"valign": "top"},
    "quoted": {"quote_prefix": True},
    "money": {"num_format": MONEY_FORMAT},
    "percent": {"num_format": PERCENT_FORMAT},
    "date": {"num_format": DATE_FORMAT},
    "datetime": {"num_format": DATETIME_FORMAT},
    "whole_number": {"num_format": WHOLE_NUMBER_FORMAT},
    "number": {"num_format": NUMBER_FORMAT},
}

# Excel's limits on a sheet's name: 31 characters, none of []:*?/\
SHEET_NAME_LIMIT = 31
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title):
    """A title Excel accepts as a sheet's name."""
    name = NOT_IN_SHEET_NAMES.sub(" ", str(title or "")).strip()
    return name[:SHEET_NAME_LIMIT].strip() or "Sheet1"


class Workbook:
    """An xlsx workbook with the safe options and the shared cell formats.

    `output` is a path or a binary file; without one the workbook is written in memory and
    close() returns its bytes. `streamed` writes in constant-memory mode (see the module
    docstring): for a workbook whose rows are many, written in order."""

    def __init__(self, output=None, *, streamed=False):
        self.output = io.BytesIO() if output is None else output
        options = {
            # Text stays text: never a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        # XlsxWriter's in-memory mode would override constant memory.
        options["constant_memory" if streamed else "in_memory"] = True
        self.book = xlsxwriter.Workbook(self.output, options)
        self.formats = {}  # by the styles in STYLES order
        self.formats_asked = {}  # by the styles as asked
        # Read once: each date and time of a sheet is written in it.
        self.local_time = timezone.get_current_timezone()

    def format(self, *asked):
        """The cell format of these STYLES together (made once per workbook); None for none."""
        # Asked once a cell: what was asked before is answered by one look-up.
        known = self.formats_asked.get(asked, False)
        if known is not False:
            return known
        wanted = {style for style in asked if style}
        if unknown := wanted - STYLES.keys():
            raise KeyError(f"No cell style called {', '.join(sorted(unknown))}.")
        # In one order, so that ("bold", "money") and ("money", "bold") are one format.
        styles = tuple(style for style in STYLES if style in wanted)
        if styles and styles not in self.formats:
            spec = {}
            for style in styles:
                spec.update(STYLES[style])
            self.formats[styles] = self.book.add_format(spec)
        found = self.formats[styles] if styles else None
        self.formats_asked[asked] = found
        return found

    def add_sheet(self, title, *, widths=(), frozen_rows=0, frozen_columns=0):
        """A new sheet named after `title`, its columns this wide (in characters), with this
        many rows and columns frozen (a header row stays in view as the sheet scrolls)."""
        sheet = Sheet(self, self.book.add_worksheet(sheet_name(title)))
        for column, width in enumerate(widths):
            sheet.worksheet.set_column(column, column, width)
        if frozen_rows or frozen_columns:
            sheet.worksheet.freeze_panes(frozen_rows, frozen_columns)
        return sheet

    def close(self):
        """Finish the workbook; its bytes when it was written in memory."""
        self.book.close()
        if isinstance(self.output, io.BytesIO):
            return self.output.getvalue()
        return None


class Sheet:
    """One worksheet, written a row at a time: each method writes a cell of the current row
    (`row`, from 0), and next() moves down. Nothing is written for a value that is None."""

    def __init__(self, workbook, worksheet):
        self.workbook = workbook
        self.worksheet = worksheet
        self.row = 0
        # Bound once: a large sheet calls them for every cell. XlsxWriter's public write_number
        # and write_string only check for a cell named "A1" before calling these; given row and
        # column numbers, as here, the check is a tenth of a cell's cost. The public ones are
        # used where a version of XlsxWriter has no such methods.
        self._write_number = getattr(worksheet, "_write_number", worksheet.write_number)
        self._write_string = getattr(worksheet, "_write_string", worksheet.write_string)

    def next(self, rows=1):
        self.row += rows

    def title(self, text):
        """A title in the first column of the current row, then the next row."""
        self.text(0, text, "title")
        self.next()

    def header(self, names):
        """A header row (bold, under a line), then the next row."""
        header = self.workbook.format("header")
        for column, name in enumerate(names):
            self._write_string(self.row, column, str(name), header)
        self.next()

    def text(self, column, value, *styles):
        """Text, always as text; formula-like text also carries Excel's quote prefix."""
        if value is None:
            return
        # A carriage return is written as a line feed (XML reads one as the other); XlsxWriter
        # would write it as "_x000D_", which openpyxl, reading an import, leaves as is.
        value = str(value)
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if not value:
            return
        quoted = "quoted" if value.startswith(FORMULA_TRIGGERS) else None
        self._write_string(self.row, column, value, self.workbook.format(*styles, quoted))

    def texts(self, column, values, *styles):
        """Texts in the columns from `column` on, as text() writes each (a None or empty one
        leaves its cell empty), the formats looked up once for the row."""
        plain = self.workbook.format(*styles)
        quoted = self.workbook.format(*styles, "quoted")
        write, row = self._write_string, self.row
        for offset, value in enumerate(values, start=column):
            if value is None:
                continue
            value = str(value)
            if not value:
                continue
            if "\r" in value:
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            write(row, offset, value, quoted if value.startswith(FORMULA_TRIGGERS) else plain)

    def money(self, column, value, *styles):
        """An amount in pounds (a Decimal), in the one money format."""
        if value is not None:
            self._write_number(
                self.row, column, float(value), self.workbook.format("money", *styles)
            )

    def amounts(self, column, values, cell_format):
        """Numbers in the columns from `column` on, all in one format made once beforehand
        (Workbook.format("money"), say): amounts of money (Decimals or floats) as money()
        writes them, a None leaving its cell empty."""
        write, row = self._write_number, self.row
        for offset, value in enumerate(values, start=column):
            if value is not None:
                write(row, offset, float(value), cell_format)

    def percent(self, column, value, *styles):
        """A percentage as the pages write it (7.5 for 7.5%), held as the fraction."""
        if value is not None:
            self._write_number(
                self.row, column, fraction(value), self.workbook.format("percent", *styles)
            )

    def number(self, column, value, *styles):
        """A count or a measure: whole numbers without decimals, others with theirs."""
        if value is not None:
            if isinstance(value, int):
                whole = True
            else:
                number = value if isinstance(value, Decimal) else Decimal(str(value))
                whole = number == number.to_integral_value()
            style = "whole_number" if whole else "number"
            self._write_number(self.row, column, float(value), self.workbook.format(style, *styles))

    def date(self, column, value, *styles):
        """A date, or a date and time (in local time), as the pages write them."""
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value, self.workbook.local_time)
            style = "datetime"
        else:
            style = "date"
        self.worksheet.write_datetime(self.row, column, value, self.workbook.format(*styles, style))

    def value(self, column, value, *styles, money=False):
        """Any value as what it is: a number (money when `money`), a date, Yes/No or text."""
        if value is None or value == "":
            return
        if isinstance(value, bool):
            self.worksheet.write_boolean(self.row, column, value, self.workbook.format(*styles))
        elif isinstance(value, int | float | Decimal):
            if money:
                self.money(column, value, *styles)
            else:
                self.number(column, value, *styles)
        elif isinstance(value, datetime.date):
            self.date(column, value, *styles)
        else:
            self.text(column, value, *styles)


def fraction(percentage):
    """The fraction a cell in the percentage format holds for a percentage as the pages write
    it (7.5 for 7.5%): 0.075."""
    return float(Decimal(str(percentage)) / 100)
