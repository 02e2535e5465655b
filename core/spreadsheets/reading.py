"""Reading an uploaded sheet safely: a file that is not a workbook or a CSV file, a workbook
that unpacks to too much, or a sheet with more rows, columns, cells, shared strings or longer
texts than any import needs is refused with a message for the person who sent it, from the
zip's directory and one streamed pass over each part's XML, before anything is parsed."""

import codecs
import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass

import tablib

logger = logging.getLogger(__name__)

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
