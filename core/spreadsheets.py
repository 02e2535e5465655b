"""Spreadsheet import and export (django-import-export): reading an uploaded sheet safely, the
formula-safe resource base and the widgets every app's resources use."""

import codecs
import csv
import datetime
import functools
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DecimalField, F, OuterRef, Subquery
from django.utils import timezone
from import_export import fields, resources, widgets

from core import history
from core.bulk_import import SheetInstanceLoader, SheetUniqueness, full_clean_in_python
from core.edit_conflicts import EditConflictError, describe_conflict, insert_or_conflict
from core.exports import MONEY_MARK
from core.numbers import MONEY_HINT, NUMBER_HINT, UnreadableNumber, format_number, parse_number

logger = logging.getLogger(__name__)

# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------
# Reading an uploaded sheet: limits first, then a parse that refuses what it cannot read exactly
# ---------------------------------------------------------------------------------------------

NOT_A_SHEET = (
    "This file is not an Excel workbook (.xlsx) or a CSV file. Save it from your spreadsheet "
    "program as an Excel workbook (.xlsx) or as CSV UTF-8, then upload it again."
)
# A workbook is a zip whose parts are unpacked to be read: this many times the upload limit,
# at most. Real workbooks unpack to a few times their size; a "zip bomb" to thousands.
MAX_UNPACKED_RATIO = 20
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# The sheet's declared extent, e.g. <dimension ref="A1:R1048576"/>, near the start of its XML.
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
# No sheet this application imports has more than a few dozen columns; cells beyond this one
# are not read, so a row that declares a cell in column XFD costs no more than any other.
MAX_COLUMNS = 100
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Excel's own limits: a row has at most 16,384 cells (column XFD), a cell at most 32,767
# characters (at most 4 bytes each in UTF-8). A file beyond them was not made by a spreadsheet
# program, and parsing it could take minutes and gigabytes.
MAX_CELLS_IN_A_ROW = 16_384
MAX_CELL_CHARACTERS = 32_767
TOO_LONG_TEXT = re.compile(rb"[^<]{%d}" % (MAX_CELL_CHARACTERS * 4 + 1))
# The element's prefix, when a part names its namespace (<x:worksheet>, as some writers do).
ROOT_PREFIX = re.compile(rb"<(\w+:)?(?:worksheet|sst)[\s>]")
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
SCAN_CHUNK_BYTES = 1 << 20
CONTROL_BYTES = [*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F]
WORKSHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


class UnreadableSheet(ValueError):
    """An uploaded file that cannot be imported, with a message for the person who sent it."""


@dataclass
class Sheet:
    """An uploaded sheet that passed every check: its format ("csv" or "xlsx") and its rows."""

    file_format: str
    dataset: tablib.Dataset

    @property
    def row_numbers(self):
        """Each data row's number in the spreadsheet program (see sheet_row_numbers)."""
        return sheet_row_numbers(self.dataset)


#: The attribute of a dataset read by read_sheet that holds each data row's row number in the
#: sheet: blank rows are left out of the dataset, so its position is not the row people see.
SHEET_ROWS = "sheet_rows"


def sheet_row_numbers(dataset):
    """Each data row's number as the person's spreadsheet program shows it (the header row is
    row 1): as read_sheet recorded it, past the blank rows it left out; for a dataset made
    otherwise, its position below the header row."""
    numbers = getattr(dataset, SHEET_ROWS, None)
    if numbers is not None and len(numbers) == len(dataset):
        return list(numbers)
    return list(range(2, len(dataset) + 2))


def column_letter(number):
    """The spreadsheet letter of a 1-based column number: 1 is A, 27 is AA."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def describe_cell(row, column, headers=()):
    """Where a cell is, as a person finds it in a spreadsheet program: 'row 3, column B
    ("title")'. Rows count from 1 at the header row, as spreadsheet programs number them."""
    header = headers[column - 1] if row > 1 and 0 < column <= len(headers) else None
    named = f' ("{header}")' if header not in (None, "") else ""
    return f"row {row}, column {column_letter(column)}{named}"


def sentence(text):
    """Text with its first letter a capital, the rest as it was."""
    return text[:1].upper() + text[1:]


def too_many_rows(rows, max_rows):
    rows = f"{rows:,}" if isinstance(rows, int) else rows
    return UnreadableSheet(
        f"This sheet has {rows} rows of data; at most {max_rows:,} can be imported at once. "
        "Split it into smaller files."
    )


def looks_binary(data):
    """Whether bytes are binary rather than text: a NUL byte in the first 8,000 (as git tells
    them apart), or more than 5% control characters other than tab and line ends."""
    head = data[:8000]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([byte])) for byte in CONTROL_BYTES)
    return controls > len(head) * 0.05


def too_many_columns(columns):
    return UnreadableSheet(
        f"This sheet has {columns:,} columns; at most {MAX_COLUMNS} can be read. Remove the "
        "columns that are not to be imported."
    )


def sniff_format(data):
    """ "xlsx" for a zip, "csv" for text; refuses binary data that is neither."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if looks_binary(data):
        raise UnreadableSheet(NOT_A_SHEET)
    return "csv"


def read_sheet(data, *, max_rows, max_unpacked_bytes, file_format=None):
    """The rows of an uploaded sheet (bytes), refusing with an UnreadableSheet a file that is
    not a workbook or a CSV file, a CSV file that is not UTF-8, a formula without a saved value,
    and a sheet with more than `max_rows` rows of data (a workbook's declared size is checked
    before it is parsed). The format follows the file's content, not its name."""
    file_format = file_format or sniff_format(data)
    if file_format == "xlsx":
        return Sheet("xlsx", read_workbook(data, max_rows, max_unpacked_bytes))
    return Sheet("csv", read_csv(data, max_rows))


def read_csv(data, max_rows):
    """A CSV file's rows, as django-import-export reads them (header row, short rows padded),
    after checking it is UTF-8 and counting its rows."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableSheet(
            f"{sentence(describe_bad_byte(data, error.start))} has a character that is not "
            'UTF-8. Save the file as "CSV UTF-8" from your spreadsheet program, then upload '
            "it again."
        ) from error
    # Counting line ends is cheap and never undercounts; only a file that might be too long is
    # counted exactly (a cell may hold line breaks).
    if text.count("\n") + text.count("\r") > max_rows:
        rows = sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 1
        if rows > max_rows:
            raise too_many_rows(rows, max_rows)
    dataset = tablib.Dataset()
    numbers = []
    try:
        # newline="" keeps a carriage return inside a cell as it was. A blank line is a row
        # (as a spreadsheet program shows it), and a cell with line breaks is one.
        reader = csv.reader(io.StringIO(text, newline=""))
        for number, row in enumerate(reader, 1):
            if number == 1:
                if len(row) > MAX_COLUMNS:
                    raise too_many_columns(len(row))
                dataset.headers = row
            elif any(cell != "" for cell in row):
                # A row of empty cells (",,,,", as Excel saves a blank row) is blank too.
                if len(row) > dataset.width:
                    raise UnreadableSheet(
                        f"Row {number} has {len(row)} cells but the header row has "
                        f"{dataset.width}. Remove the extra cells or give them a header."
                    )
                dataset.append(row + [""] * (dataset.width - len(row)))
                numbers.append(number)
    except csv.Error as error:
        raise UnreadableSheet(NOT_A_SHEET) from error
    setattr(dataset, SHEET_ROWS, numbers)
    return dataset


def describe_bad_byte(data, offset):
    """Where the byte at `offset` of a CSV file is, by row and column."""
    before = data[:offset].decode("utf-8")
    try:
        records = list(csv.reader(io.StringIO(before, newline="")))
    except csv.Error:
        return f"row {before.count(chr(10)) + 1}"
    headers = records[0] if records else []
    if not records or before.endswith(("\n", "\r")):
        return describe_cell(len(records) + 1, 1, headers)
    return describe_cell(len(records), len(records[-1]), headers)


def read_workbook(data, max_rows, max_unpacked_bytes):
    """The active sheet of an xlsx workbook, as django-import-export reads it (header row, then
    values; a formula gives its saved value; blank rows left out, as in a CSV file), after
    checking from the zip's directory and each sheet's declared dimension that it is small
    enough to read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableSheet(NOT_A_SHEET) from error
    names = {part.filename for part in parts}
    sheets = [name for name in names if WORKSHEET_PART.match(name)]
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names or not sheets:
        raise UnreadableSheet(NOT_A_SHEET)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > max_unpacked_bytes:
        raise UnreadableSheet(
            f"This workbook unpacks to {unpacked / 1_000_000:,.0f} MB; at most "
            f"{max_unpacked_bytes / 1_000_000:,.0f} MB can be read. Save it again from your "
            "spreadsheet program, or split it into smaller files."
        )
    has_formulas = False
    try:
        cells = 0
        for name in sheets:
            rows, columns = declared_size(archive, name)
            if rows is not None and rows - 1 > max_rows:
                raise too_many_rows(rows - 1, max_rows)
            if columns is not None and columns > MAX_COLUMNS:
                raise too_many_columns(columns)
            scan = scan_worksheet(archive, name, max_cells=(max_rows + 1) * MAX_COLUMNS - cells)
            cells += scan.cells
            has_formulas = has_formulas or scan.has_formulas
        if SHARED_STRINGS_PART in names:
            scan_shared_strings(archive, max_strings=cells)
        return parse_workbook(data, max_rows, has_formulas)
    except UnreadableSheet:
        raise
    except Exception as error:
        # openpyxl raises many kinds of error on a damaged workbook; each means the same to
        # the person who sent it.
        logger.info("Unreadable workbook: %r", error)
        raise UnreadableSheet(NOT_A_SHEET) from error


NOT_FROM_A_SPREADSHEET = (
    "This workbook {what}, which no spreadsheet program writes; it cannot be read. Save it "
    "again from your spreadsheet program, or copy its rows into a new workbook."
)


def not_from_a_spreadsheet(what):
    return UnreadableSheet(NOT_FROM_A_SPREADSHEET.format(what=what))


@dataclass(frozen=True)
class WorksheetScan:
    """What a cheap pass over a sheet's XML found: how many cells, and whether any formula."""

    cells: int
    has_formulas: bool


def _chunks(archive, name):
    """A part's XML in chunks that each end at the end of a tag (so that no element is split
    between two), with the namespace prefix its elements use (b"" for none); refuses a text
    longer than any cell can hold before it is in memory whole."""
    carry = b""
    prefix = None
    runs = _TextRuns()
    with archive.open(name) as part:
        while chunk := part.read(SCAN_CHUNK_BYTES):
            runs.check(chunk)
            text = carry + chunk
            end = text.rfind(b">") + 1
            if end == 0 and len(text) > 2 * SCAN_CHUNK_BYTES:
                raise UnreadableSheet(NOT_A_SHEET)  # megabytes inside one tag: not XML
            text, carry = text[:end], text[end:]
            if prefix is None:
                match = ROOT_PREFIX.search(text)
                prefix = (match.group(1) or b"") if match else None
            yield text, prefix or b""
    if carry:
        yield carry, prefix or b""


def _count_elements(text, tag):
    """How many <tag> elements start in `text`: <tag>, <tag .../> or <tag/> (a C-speed count:
    a row of 23 million cells is counted in a fraction of a second)."""
    return sum(text.count(b"<" + tag + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


class _TextRuns:
    """Refuses text longer than any cell can hold, across chunk boundaries."""

    def __init__(self):
        self.trailing = 0  # bytes of text at the end of the chunks seen so far

    def check(self, chunk):
        first_tag = chunk.find(b"<")
        leading = len(chunk) if first_tag < 0 else first_tag
        if self.trailing + leading > MAX_CELL_CHARACTERS * 4 or TOO_LONG_TEXT.search(chunk):
            raise not_from_a_spreadsheet(
                f"holds a text longer than the {MAX_CELL_CHARACTERS:,} characters a cell can hold"
            )
        last_tag = chunk.rfind(b"<")
        self.trailing = self.trailing + len(chunk) if last_tag < 0 else len(chunk) - last_tag - 1


def scan_worksheet(archive, name, *, max_cells):
    """Count a sheet's cells and look for formulas in one pass over its XML, in chunks and at C
    speed, refusing before anything is parsed a sheet with more cells than `max_cells` (the row
    limit times the columns read), a row with more cells than Excel allows, or a text longer
    than a cell can hold. Parsing such a sheet would take minutes and gigabytes."""
    cells = 0
    in_row = 0  # cells so far of the row the last chunk ended in
    has_formulas = False
    for text, prefix in _chunks(archive, name):
        has_formulas = has_formulas or bool(FORMULA_ELEMENT.search(text))
        cell = prefix + b"c"
        for number, piece in enumerate(text.split(b"<" + prefix + b"row")):
            counted = _count_elements(piece, cell)
            in_row = in_row + counted if number == 0 else counted
            cells += counted
            if in_row > MAX_CELLS_IN_A_ROW:
                raise not_from_a_spreadsheet(
                    f"has a row of more than {MAX_CELLS_IN_A_ROW:,} cells (Excel's most)"
                )
        if cells > max_cells:
            raise UnreadableSheet(
                f"This workbook has more than {max_cells:,} cells; no import needs so many. "
                "Remove the rows and columns that are not to be imported, or split it into "
                "smaller files."
            )
    return WorksheetScan(cells=cells, has_formulas=has_formulas)


def scan_shared_strings(archive, *, max_strings):
    """Refuse, before openpyxl reads them all into memory, more shared strings than the sheets
    have cells (each is some cell's text; a thousand more are allowed for what a program
    leaves behind), or a string longer than a cell can hold."""
    strings = 0
    allowed = max_strings + 1000
    for text, prefix in _chunks(archive, SHARED_STRINGS_PART):
        strings += _count_elements(text, prefix + b"si")
        if strings > allowed:
            raise not_from_a_spreadsheet(
                f"holds more than {allowed:,} texts for {max_strings:,} cells"
            )


def declared_size(archive, name):
    """The last row and column a sheet's <dimension ref> declares (e.g. "A1:R1048576" is
    1,048,576 rows and 18 columns), read from the first 64 KB of its XML, where the dimension
    comes before any cell; None for what it does not declare."""
    with archive.open(name) as part:
        head = part.read(65536)
    match = DIMENSION.search(head)
    if not match:
        return None, None
    first_column, first_row, last_column, last_row = match.groups()
    row = last_row or first_row
    column = last_column or first_column
    return (int(row) if row else None), (column_number(column.decode()) if column else None)


def column_number(letters):
    """The 1-based number of a spreadsheet column: A is 1, AA is 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def parse_workbook(data, max_rows, has_formulas):
    import openpyxl

    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    # Read every row the sheet has, not only those its dimension declares (which a damaged or
    # hostile file can understate, and openpyxl would then silently stop at); the row limit
    # below bounds the work instead.
    values.reset_dimensions()
    rows = values.iter_rows(max_col=MAX_COLUMNS)
    # A formula's saved value is None both when it has none and when its result is blank, so
    # formulas are read too (only when the sheet has any), to tell which is which.
    formulas = None
    if has_formulas:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        book.active.reset_dimensions()
        formulas = book.active.iter_rows(max_col=MAX_COLUMNS)
    dataset = tablib.Dataset()
    headers = []
    numbers = []
    for number, row in enumerate(rows, 1):
        formula_row = next(formulas, ()) if formulas is not None else ()
        for cell, formula_cell in zip(row, formula_row, strict=False):
            if getattr(formula_cell, "data_type", None) == "f" and cell.value is None:
                raise UnreadableSheet(
                    f"{sentence(describe_cell(number, formula_cell.column, headers))} has "
                    "a formula whose result was not saved in the file. Open the file in Excel "
                    "and save it again (which saves the results), or type the value in place "
                    "of the formula."
                )
        row_values = [cell.value for cell in row]
        if number == 1:
            # Every row is read MAX_COLUMNS wide: the sheet is as wide as its header.
            while row_values and row_values[-1] is None:
                row_values.pop()
            headers = row_values
            dataset.headers = row_values
            continue
        if number - 1 > max_rows:
            raise too_many_rows(f"more than {max_rows:,}", max_rows)
        # A workbook that declares no dimension can have rows of differing lengths.
        width = len(headers)
        if any(value is not None for value in row_values[width:]):
            raise UnreadableSheet(
                f"Row {number} has cells beyond the last column of the header row. Remove "
                "them or give them a header."
            )
        if any(value is not None for value in row_values):
            dataset.append(row_values[:width] + [None] * (width - len(row_values)))
            numbers.append(number)
    setattr(dataset, SHEET_ROWS, numbers)
    return dataset


def escape_formula(value):
    """Prefix formula-like text with an apostrophe so no spreadsheet runs it; other values are
    returned unchanged, so numbers stay numbers.

    Text that already begins with apostrophes before a trigger ("'=x") gains one more, so that
    unescape_formula gives it back exactly rather than dropping its own apostrophe."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo escape_formula, so an exported sheet imports back to the same text."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value.lstrip("'").startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value


def _reporting_bad_numbers(widget_class):
    """A number widget whose bad input ("about 2k") is a ValueError, which the import reports
    against its column. django-import-export's own widgets let decimal.InvalidOperation escape,
    which is no ValueError, so the preview showed "[<class 'decimal.ConversionSyntax'>]" with no
    column."""

    class Widget(widget_class):
        def clean(self, value, row=None, **kwargs):
            try:
                return super().clean(value, row=row, **kwargs)
            except (ArithmeticError, TypeError, ValueError) as error:
                raise ValueError("Enter a number.") from error

    Widget.__name__ = Widget.__qualname__ = widget_class.__name__
    return Widget


class DecimalWidget(widgets.DecimalWidget):
    """A decimal column read as people write amounts in a spreadsheet (core.numbers):
    "£1,473,000", "1,473,000" and "1473000" are the same amount, "(£93,000)" is income, -93000.
    Anything else is a ValueError saying what to type, which the import reports against its
    row and column. A number cell (an exported sheet's) is read exactly as before."""

    def __init__(self, *args, hint=NUMBER_HINT, **kwargs):
        super().__init__(*args, **kwargs)
        self.hint = hint

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number. {self.hint}.")
        if isinstance(value, int | float | Decimal):
            try:
                return Decimal(str(value))
            except ArithmeticError as error:
                raise ValueError(f"{value!r} is not a number. {self.hint}.") from error
        text = str(value).strip()
        # A percent sign is a measure's ("70.9%"), never an amount of money's.
        if self.hint == MONEY_HINT and "%" in text:
            raise ValueError(f"{text!r} is not an amount. {self.hint}.")
        try:
            return parse_number(text, hint=self.hint)
        except UnreadableNumber as error:
            raise ValueError(str(error)) from error


IntegerWidget = _reporting_bad_numbers(widgets.IntegerWidget)


VERSION_COLUMN = "version"
VERSION_ATTRIBUTE = "record_version"


@functools.cache
def history_model(model):
    """The audit history model of a model (django-simple-history), or None if it has none.
    Remembered: django-simple-history builds a new manager class each time `history` is read,
    which cost a millisecond a row in an import."""
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def describe_change(record):
    """Who made a change recorded in audit history, and when: "Jane Smith on 3 May 2026 at
    14:02"."""
    when = timezone.localtime(record.history_date)
    return f"{history.who_made(record)} on {when.day} {when:%B %Y at %H:%M}"


def describe_value(value):
    """A cell's value as the import preview shows it: numbers as people write them
    ("1473000.00" is 1,473,000), dates as on the pages, "(blank)" for nothing."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return format_number(Decimal(str(value)))
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%B %Y at %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    text = str(value)
    if _PLAIN_DECIMAL.match(text):
        return format_number(Decimal(text))
    return text


_PLAIN_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class PreviewValue:
    """One column of an imported row: its value before the import and after."""

    column: str
    before: object
    after: object

    @property
    def changed(self):
        return describe_value(self.before) != describe_value(self.after)

    @property
    def before_text(self):
        return describe_value(self.before)

    @property
    def after_text(self):
        return describe_value(self.after)


class SideBySideDiff(resources.Diff):
    """What an imported row changes, column by column, as values before and after.
    django-import-export's own diff marked up characters ("1473000.00" to "1500000.00" came out
    as struck-through and underlined digit fragments, and an unchanged ".00" struck through);
    the preview page shows old and new values side by side instead."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        headers = getattr(resource, "import_column_headers", None)
        if headers is not None:
            self.columns = headers()
        else:
            self.columns = [field.column_name for field in resource.get_import_fields()]

    @classmethod
    def _read_field_values(cls, resource, instance):
        # A preview saves nothing, so a row's many-to-many values (an indicator's owners) are
        # read from the row (see FormulaSafeResource.import_instance), not the record.
        from_row = getattr(instance, "_import_many_to_many", {})
        values = []
        for field in resource.get_import_fields():
            if field.attribute in from_row:
                widget = field.widget
                names = [str(getattr(obj, widget.field)) for obj in from_row[field.attribute]]
                values.append(escape_formula(widget.separator.join(names)))
            else:
                values.append(field.export(instance))
        return values

    def as_html(self):
        # The name is django-import-export's, which sets what this returns as RowResult.diff.
        return [
            PreviewValue(column, None if self.new else before, after)
            for column, before, after in zip(self.columns, self.left, self.right, strict=False)
        ]


class FormulaSafeResource(resources.ModelResource):
    """A resource whose exports never carry a runnable formula in a text cell, and whose
    imports never silently undo someone else's change.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only a leading "="
    and turns every cell into text; this escapes every formula trigger in text cells and leaves
    numeric cells (including negative numbers) as numbers.

    On import, every problem with a cell is reported against its column and line, and the
    relations an export reads are loaded with its rows (see export_select_related).

    A model with audit history gains a `version` column: the id of the record's latest history
    entry when it was exported. Importing a row whose record has changed since (a newer
    history entry) is refused, naming who changed it and when, unless the row leaves the
    record exactly as it now is. Rows with no version (a sheet made by hand) are not checked.
    The same record twice in one sheet is refused too: which of the two should win is not
    for the import to guess.
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": DecimalWidget,
        "IntegerField": IntegerWidget,
        "PositiveIntegerField": IntegerWidget,
        "BigIntegerField": IntegerWidget,
        "PositiveBigIntegerField": IntegerWidget,
        "PositiveSmallIntegerField": IntegerWidget,
        "SmallIntegerField": IntegerWidget,
        "SmallAutoField": IntegerWidget,
        "AutoField": IntegerWidget,
        "BigAutoField": IntegerWidget,
        # An empty xlsx cell arrives as None, not "": without this a blank TextField (notes,
        # commentary) was set to None and the row failed with "NOT NULL constraint failed".
        "TextField": widgets.CharWidget,
    }

    class Meta:
        instance_loader_class = SheetInstanceLoader

    #: Relations the export reads. The admin exports its changelist queryset, not
    #: get_queryset(), so these are applied to whatever queryset is exported: without them each
    #: exported row ran its own queries.
    export_select_related = ()
    export_prefetch_related = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rows_by_record = {}
        if history_model(self._meta.model) is not None:
            self.fields[VERSION_COLUMN] = fields.Field(
                attribute=VERSION_ATTRIBUTE,
                column_name=VERSION_COLUMN,
                readonly=True,
                widget=IntegerWidget(),
            )

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        # A money column's bad cell says to type pounds ("like £1,473,000").
        if (
            isinstance(django_field, DecimalField)
            and django_field.decimal_places == 2
            and not field_name.endswith("percent")
        ):
            kwargs.setdefault("hint", MONEY_HINT)
        return kwargs

    # -- Rows and columns as the person's spreadsheet program shows them ----------------------

    def sheet_row(self, position):
        """The sheet row of the dataset's `position`-th data row (1-based), past blank rows."""
        rows = getattr(self, "sheet_rows", None) or []
        return rows[position - 1] if 0 < position <= len(rows) else position + 1

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Import a sheet; a dry run (the preview) validates every row and writes nothing.

        django-import-export's dry run saved each row inside a transaction and rolled it back.
        On SQLite a transaction takes the write lock when it begins (transaction_mode
        IMMEDIATE), so everyone else's saves waited for the whole preview. Here a dry run opens
        no transaction: rows are validated in Python (core.bulk_import), and with no
        transaction django-import-export saves nothing of a dry run."""
        if not dry_run:
            return super().import_data(
                dataset,
                dry_run=False,
                raise_errors=raise_errors,
                use_transactions=use_transactions,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=rollback_on_validation_errors,
                **kwargs,
            )
        return self.import_data_inner(
            dataset, True, raise_errors, False, collect_failed_rows, **kwargs
        )

    def import_data_inner(self, dataset, *args, **kwargs):
        # django-import-export numbers rows 1, 2, ... from the first data row, and read_sheet
        # leaves out blank rows: every number in the result is made the sheet's row instead
        # (the header row is row 1), and each column is named by its letter and header.
        self.sheet_rows = sheet_row_numbers(dataset)
        self.sheet_headers = list(dataset.headers or [])
        result = super().import_data_inner(dataset, *args, **kwargs)
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self.sheet_row(row.number)
        result.sheet_rows = self.sheet_rows
        result.column_places = self.column_places(dataset.headers or [])
        return result

    def import_row(self, row, instance_loader, **kwargs):
        if kwargs.get("row_number") is not None:
            kwargs["row_number"] = self.sheet_row(kwargs["row_number"])
        self.current_row = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # As django-import-export's, with full_clean's per-row queries (uniqueness, check
        # constraints, related records' existence) answered from what was fetched once.
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            identity = instance.pk if instance.pk is not None else ("row", self.current_row)
            try:
                full_clean_in_python(
                    instance, exclude=errors.keys(), uniqueness=self.uniqueness, identity=identity
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def column_places(self, headers):
        """Where each imported field's column is, by its attribute and its column name:
        'column D ("Amount (£)")', as the sheet's own header row names it."""
        places = {}
        for field in self.fields.values():
            if field.column_name not in headers:
                continue
            index = headers.index(field.column_name)
            shown = self.sheet_headers[index] if index < len(self.sheet_headers) else None
            named = f' ("{shown}")' if shown not in (None, "") else ""
            place = f"column {column_letter(index + 1)}{named}"
            places.setdefault(str(field.column_name), place)
            if field.attribute:
                places.setdefault(field.attribute, place)
        return places

    def with_export_relations(self, queryset):
        queryset = queryset.select_related(*self.export_select_related).prefetch_related(
            *self.export_prefetch_related
        )
        versions = history_model(queryset.model)
        if versions is None:
            return queryset
        # One subquery in the export's own query, however many rows.
        latest = versions.objects.filter(id=OuterRef("pk")).order_by("-history_id")
        return queryset.annotate(**{VERSION_ATTRIBUTE: Subquery(latest.values("history_id")[:1])})

    def get_queryset(self):
        return self.with_export_relations(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.with_export_relations(super().filter_export(queryset, **kwargs))

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return escape_formula(value)

    def get_diff_class(self):
        return SideBySideDiff

    def get_import_fields(self):
        # Asked several times a row; the same for the whole import (before_import resets it).
        if getattr(self, "import_fields", None) is None:
            self.import_fields = super().get_import_fields()
        return self.import_fields

    def import_column_headers(self):
        """The header in words of each imported column, as the preview shows them."""
        if getattr(self, "import_headers", None) is None:
            self.import_headers = [self.column_header(f) for f in self.get_import_fields()]
        return self.import_headers

    # -- Headers in words: "Plan year", "Amount (£)"; read back to the columns they name ----

    def column_header(self, field):
        """A column's header in words: plan_year is "Plan year", a money field's amount is
        "Amount (£)", target_change_percent is "Target change (%)"."""
        name = str(field.column_name)
        if name == "id":
            return "ID"
        words = name.replace("_", " ").strip()
        if words.endswith(" percent"):
            words = words.removesuffix(" percent") + " (%)"
        words = words[:1].upper() + words[1:]
        if self.holds_money(field):
            words += f" {MONEY_MARK}"
        return words

    def holds_money(self, field):
        try:
            model_field = self._meta.model._meta.get_field(field.attribute or "")
        except FieldDoesNotExist:
            return False
        return isinstance(model_field, DecimalField) and model_field.decimal_places == 2

    def get_export_headers(self, selected_fields=None):
        return [
            self.column_header(field) for field in self.get_export_fields(selected_fields) if field
        ]

    def columns_by_header(self):
        """Each column's name by the forms its header may take (its name, its words), in
        lower case."""
        columns = {}
        for field in self.fields.values():
            name = str(field.column_name)
            columns[name.lower()] = name
            columns[self.column_header(field).lower()] = name
        return columns

    def read_headers(self, dataset):
        """Rename headers in words ("Amount (£)") to the columns they name ("amount"), so a
        sheet exported from here imports back; a header by its column name is kept."""
        if not dataset.headers:
            return
        columns = self.columns_by_header()
        dataset.headers = [
            columns.get(str(header).strip().lower(), header) if header is not None else header
            for header in dataset.headers
        ]

    def before_import(self, dataset, **kwargs):
        self.read_headers(dataset)
        super().before_import(dataset, **kwargs)
        #: When the sheet being confirmed was previewed (None outside a confirmation).
        self.previewed_at = kwargs.get("previewed_at")
        self.entered_since_preview = None
        # The audit history of the records an import writes is written in bulk once every row
        # is saved, rather than a row at a time (which took two fifths of a confirmation's
        # time); not for a model whose history keeps many-to-many links (an indicator's owners,
        # set after its row is saved).
        versions = history_model(self._meta.model)
        self.history_batch = (
            {"+": [], "~": []}
            if versions is not None and not getattr(versions, "_history_m2m_fields", None)
            else None
        )
        self.rows_by_record = {}
        self.current_row = None
        self.import_fields = self.import_headers = None
        self.uniqueness = SheetUniqueness(self._meta.model)
        for field in self.fields.values():
            if hasattr(field.widget, "forget"):
                field.widget.forget()

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = unescape_formula(row[key])

    def record_key(self, instance):
        """What identifies the record a row imports: its import id fields (a milestone's id,
        an indicator's plan year and ref); None for a new record without them (a new
        milestone, which has no id yet)."""
        values = tuple(
            self.fields[name].get_value(instance) for name in self.get_import_id_fields()
        )
        if any(value in (None, "") for value in values):
            return None
        return values

    def check_not_repeated(self, instance, row_number):
        key = self.record_key(instance)
        if key is None or row_number is None:
            return
        first = self.rows_by_record.setdefault(key, row_number)
        if first != row_number:
            raise ValidationError(
                f"Rows {first} and {row_number} are the same "
                f"{self._meta.model._meta.verbose_name}. Keep one of them.",
                code="repeated_row",
            )

    def stale_version_error(self, instance, row):
        """A message if the row was exported before the record's latest change, else None."""
        versions = history_model(self._meta.model)
        exported = row.get(VERSION_COLUMN)
        if versions is None or instance._state.adding or exported in (None, ""):
            return None
        try:
            exported = int(str(exported).strip().split(".")[0])
        except ValueError:
            return ValidationError(
                {VERSION_COLUMN: "Leave the version as exported, or blank it to skip the check."}
            )
        current = getattr(instance, VERSION_ATTRIBUTE, None)
        if current is None or current == exported:
            return None
        latest = (
            versions.objects.filter(id=instance.pk, history_id__gt=exported)
            .select_related("history_user")
            .order_by("-history_id")
            .first()
        )
        if latest is None:
            return None
        return ValidationError(
            f"This {self._meta.model._meta.verbose_name} was changed by "
            f"{describe_change(latest)}, after this sheet was exported. Export it again to see "
            "that change, then make yours.",
            code="changed_since_export",
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if super().skip_row(instance, original, row, import_validation_errors):
            # Leaves the record as it now is, so overwrites no one's change.
            return True
        stale = self.stale_version_error(instance, row) or self.entered_since_preview_error(
            instance
        )
        if stale is not None:
            errors = stale.update_error_dict(dict(import_validation_errors or {}))
            raise ValidationError(errors)
        return False

    def entered_since_preview_error(self, instance):
        """A message if the record a confirmed row would change was entered or changed after
        the sheet's preview, which showed the person something else (a new record, or its
        earlier values): the row would overwrite it unseen. None otherwise. The history is read
        once per confirmation, for the changes made since the preview."""
        versions = history_model(self._meta.model)
        if self.previewed_at is None or versions is None or instance._state.adding:
            return None
        if self.entered_since_preview is None:
            self.entered_since_preview = {}
            for pk, kind in versions.objects.filter(history_date__gt=self.previewed_at).values_list(
                "id", "history_type"
            ):
                if self.entered_since_preview.get(pk) != "+":
                    self.entered_since_preview[pk] = kind
        kind = self.entered_since_preview.get(instance.pk)
        if kind is None:
            return None
        stored = type(instance)._default_manager.get(pk=instance.pk)
        conflict = describe_conflict(stored, self.conflict_fields())
        return ValidationError(
            f"The {self._meta.model._meta.verbose_name} {stored} was "
            f"{'entered' if kind == '+' else 'changed'} after this sheet's preview, which did "
            f"not show it, so nothing was saved over it. {conflict.describe()}",
            code="entered_since_preview",
        )

    def conflict_fields(self):
        """The model's fields the sheet imports, named when a conflict says what a record now
        holds."""
        names = {field.name for field in self._meta.model._meta.concrete_fields}
        return [
            field.attribute
            for field in self.get_import_fields()
            if field.attribute in names and field.attribute not in self.get_import_id_fields()
        ]

    def do_instance_save(self, instance, is_create):
        if self.history_batch is None:
            return self.save_one(instance, is_create)
        instance.skip_history_when_saving = True
        try:
            self.save_one(instance, is_create)
        finally:
            del instance.skip_history_when_saving
        self.history_batch["+" if is_create else "~"].append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self.history_batch or result.has_errors() or result.has_validation_errors():
            return  # nothing saved, or everything about to be rolled back
        user = kwargs.get("user")
        user = user if user is not None and user.is_authenticated else None
        for kind, instances in self.history_batch.items():
            if instances:
                self._meta.model.history.bulk_history_create(
                    instances, batch_size=500, update=kind == "~", default_user=user
                )

    def save_one(self, instance, is_create):
        if not is_create:
            return super().do_instance_save(instance, is_create)
        # A record the sheet adds that someone else entered at the very same moment (after
        # this row was read, before it was written) is their record, not a server error.
        try:
            insert_or_conflict(
                instance,
                fields=self.conflict_fields(),
                save=lambda: super(FormulaSafeResource, self).do_instance_save(instance, is_create),
            )
        except EditConflictError as error:
            raise ValidationError(
                f"Someone else entered the {self._meta.model._meta.verbose_name} "
                f"{error.current} while this sheet was being imported, so nothing was saved "
                f"over it. {error.conflict.describe()}",
                code="entered_meanwhile",
            ) from None

    def get_instance(self, instance_loader, row):
        # The import id fields (an indicator's plan year and ref, a measurement's indicator and
        # period) are cleaned while finding the existing row, outside import_instance, so
        # django-import-export reports their errors with no column. Report them by field.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            errors = {}
            for name in self.get_import_id_fields():
                field = self.fields[name]
                try:
                    field.clean(row)
                except ValueError as field_error:
                    errors[field.attribute] = [ValidationError(str(field_error), code="invalid")]
            raise ValidationError(errors or str(error)) from error

    def import_instance(self, instance, row, **kwargs):
        # django-import-export sets many-to-many fields only after saving, where a bad value is
        # a bare row error; check them here so they are reported against their column.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.check_not_repeated(instance, kwargs.get("row_number"))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    many = list(field.clean(row))
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
                else:
                    # What the preview shows as the row's values (see SideBySideDiff).
                    instance.__dict__.setdefault("_import_many_to_many", {})[field.attribute] = many
        if errors:
            raise ValidationError(errors)


def _lookup_target(model, path):
    """The model field a lookup path ends at ("plan_year__year" of a budget: PlanYear.year)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


class LookupWidget(widgets.ForeignKeyWidget):
    """Finds a related object by a natural field (a category by its name); a value that matches
    nothing is a ValueError naming it, reported against its column, not a bare DoesNotExist.

    The objects are fetched once per import (once per plan year, for PlanYearScopedWidget),
    with the relations the import reads of them, and each row's value is found among them:
    a query per row made a preview of thousands of rows take minutes."""

    def __init__(self, model, field, not_found=None, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.not_found = not_found or "No {verbose_name} called {value!r}."
        self.forget()

    def forget(self):
        """Drop the fetched objects, so the next import fetches them as they are then."""
        self.tables = {}

    def describe_missing(self, value, row):
        return self.not_found.format(verbose_name=self.model._meta.verbose_name, value=value)

    def scope(self, row):
        """Which fetched table a row's value is looked up in (all objects, here)."""
        return None

    def related_to_fetch(self):
        """The relations fetched with the objects: those the lookup path crosses."""
        *relations, _name = self.field.split("__")
        return ["__".join(relations)] if relations else []

    def table(self, value, row):
        """The objects of the row's scope by their lookup value, fetched once."""
        scope = self.scope(row)
        if scope not in self.tables:
            table = {}
            objects = self.get_queryset(value, row).annotate(_import_lookup=F(self.field))
            if related := self.related_to_fetch():
                objects = objects.select_related(*related)
            for obj in objects:
                table.setdefault(obj._import_lookup, []).append(obj)
            self.tables[scope] = table
        return self.tables[scope]

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        try:
            key = _lookup_target(self.model, self.field).get_prep_value(value)
        except (TypeError, ValueError, ValidationError):
            key = None
        found = self.table(value, row).get(key, []) if key is not None else []
        if not found:
            raise ValueError(self.describe_missing(value, row))
        if len(found) > 1:
            raise ValueError(f"More than one {self.model._meta.verbose_name} is called {value!r}.")
        return found[0]


class PlanYearScopedWidget(LookupWidget):
    """Finds a related object by a field that is unique only within a plan year, using the row's
    plan_year column (e.g. a project by its title)."""

    def __init__(self, model, field, plan_year_lookup, **kwargs):
        super().__init__(model, field, **kwargs)
        self.plan_year_lookup = plan_year_lookup

    def scope(self, row):
        return row.get("plan_year")

    def related_to_fetch(self):
        # The plan year, which the import's year checks and the record's clean() read.
        *relations, _name = self.plan_year_lookup.split("__")
        return [*super().related_to_fetch(), *(["__".join(relations)] if relations else [])]

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(**{self.plan_year_lookup: row.get("plan_year")})

    def describe_missing(self, value, row):
        return (
            f"No {self.model._meta.verbose_name} called {value!r} in plan year "
            f"{row.get('plan_year')!r}."
        )


class NamesWidget(widgets.ManyToManyWidget):
    """Many related objects by name, separated by semicolons. A name that matches nothing is
    refused: django-import-export's own widget silently dropped it, losing e.g. an owner.

    The objects are fetched once per import, not once per row."""

    def __init__(self, model, field, separator=";", **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)
        self.forget()

    def forget(self):
        """Drop the fetched objects, so the next import fetches them as they are then."""
        self.objects = None

    def clean(self, value, row=None, **kwargs):
        if not value:
            return []
        if isinstance(value, float | int):
            names = [str(int(value))]
        else:
            names = [name.strip() for name in str(value).split(self.separator) if name.strip()]
        if self.objects is None:
            self.objects = list(self.model.objects.all())
        wanted = set(names)
        found = [obj for obj in self.objects if str(getattr(obj, self.field)) in wanted]
        known = {str(getattr(obj, self.field)) for obj in found}
        missing = [name for name in names if name not in known]
        if missing:
            raise ValueError(
                "; ".join(
                    f"No {self.model._meta.verbose_name} called {name!r}." for name in missing
                )
            )
        return found
