"""Reading an uploaded sheet: pure functions over bytes, tested without a database."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import tablib

from core.numbers import MONEY_HINT
from core.spreadsheets.reading import (
    NOT_A_SHEET,
    UnreadableSheet,
    column_letter,
    column_number,
    describe_cell,
    looks_binary,
    read_sheet,
    sheet_row_numbers,
    sniff_format,
)
from core.spreadsheets.widgets import DecimalWidget
from tests.core import hostile_workbooks

LIMITS = {"max_rows": 100, "max_unpacked_bytes": 10_000_000}


def workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(data, change):
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            copy.writestr(part.filename, content)
    return buffer.getvalue()


def saving_result(formula, value):
    """A change to a sheet's XML that saves `value` as the result of its `formula` cell (as
    Excel does; openpyxl saves none). openpyxl writes the empty result as <v /> or <v></v>,
    depending on whether lxml is installed."""

    def change(xml):
        empty = rb"<f>%s</f><v(?: ?/>|></v>)" % re.escape(formula)
        xml, count = re.subn(empty, b"<f>%s</f><v>%s</v>" % (formula, value), xml)
        assert count == 1, xml
        return xml

    return change


def refusal(data, **limits):
    with pytest.raises(UnreadableSheet) as refused:
        read_sheet(data, **{**LIMITS, **limits})
    return str(refused.value)


@pytest.mark.parametrize(
    ("number", "letters"), [(1, "A"), (5, "E"), (26, "Z"), (27, "AA"), (16384, "XFD")]
)
def test_columns_are_numbered_and_lettered_as_spreadsheet_programs_do(number, letters):
    assert column_letter(number) == letters
    assert column_number(letters) == number


def test_a_cell_is_described_by_row_column_letter_and_header():
    assert describe_cell(3, 2, ["id", "title"]) == 'row 3, column B ("title")'
    assert describe_cell(1, 2, ["id", "title"]) == "row 1, column B"
    assert describe_cell(3, 9, ["id", "title"]) == "row 3, column I"


@pytest.mark.parametrize(
    ("data", "file_format"),
    [
        (b"PK\x03\x04rest", "xlsx"),
        (b"id,title\r\n1,Caf\xe9\r\n", "csv"),
        ("id,title\n1,Café\n".encode(), "csv"),
    ],
)
def test_the_format_follows_the_content(data, file_format):
    assert sniff_format(data) == file_format


@pytest.mark.parametrize(
    "data",
    [b"id,title\x00\n", bytes(range(1, 32)) * 10, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50],
)
def test_binary_that_is_not_a_zip_is_not_a_sheet(data):
    assert looks_binary(data)
    assert refusal(data) == NOT_A_SHEET


def test_text_with_tabs_and_line_ends_is_not_binary():
    assert not looks_binary(b"id\ttitle\r\n1\tA title\n" * 50)


def test_a_csv_keeps_carriage_returns_in_cells_and_drops_its_byte_order_mark():
    sheet = read_sheet(b'\xef\xbb\xbfid,title\r\n1,"one\rtwo"\r\n\r\n2,short\n', **LIMITS)

    assert sheet.file_format == "csv"
    assert sheet.dataset.headers == ["id", "title"]
    assert list(sheet.dataset) == [("1", "one\rtwo"), ("2", "short")]


def test_a_csv_wider_than_any_sheet_to_import_is_refused():
    assert refusal(b"," * 100 + b"\n" + b"," * 100 + b"\n") == (
        "This sheet has 101 columns; at most 100 can be read. Remove the columns that are not "
        "to be imported."
    )


def test_a_short_csv_row_is_padded_and_a_long_one_refused():
    assert list(read_sheet(b"a,b,c\n1\n", **LIMITS).dataset) == [("1", "", "")]
    assert refusal(b"a,b\n1,2,3\n") == (
        "Row 2 has 3 cells but the header row has 2. Remove the extra cells or give them a header."
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("id,title\n1,Caf\xe9\n", 'Row 2, column B ("title")'),
        ("id,title\n\xa31,x\n", 'Row 2, column A ("id")'),
        ("id,t\xeftle\n", "Row 1, column B"),
        ('id,title\n1,"two\nlines",\u201c\n', "Row 2, column C"),
    ],
)
def test_a_csv_that_is_not_utf8_names_where_its_first_bad_byte_is(text, where):
    assert refusal(text.encode("cp1252")).startswith(f"{where} has a character that is not UTF-8")


def test_csv_rows_are_counted_against_the_limit_but_line_breaks_in_cells_are_not():
    cells = "\n".join(f'{n},"a\nb\nc"' for n in range(3))
    assert (
        len(read_sheet(f"id,title\n{cells}\n".encode(), **{**LIMITS, "max_rows": 3}).dataset) == 3
    )
    assert refusal(f"id,title\n{cells}\n4,x\n".encode(), max_rows=3) == (
        "This sheet has 4 rows of data; at most 3 can be imported at once. Split it into "
        "smaller files."
    )


def test_a_workbook_reads_values_dates_and_saved_formula_results():
    data = with_sheet_xml(
        workbook([["ref", "value", "total"], ["KPI1", 4100.5, "=B2*2"], [None, None, None]]),
        saving_result(b"B2*2", b"8201"),
    )

    sheet = read_sheet(data, **LIMITS)

    assert sheet.file_format == "xlsx"
    assert sheet.dataset.headers == ["ref", "value", "total"]
    assert list(sheet.dataset) == [("KPI1", 4100.5, 8201)]  # the blank row is left out


def test_a_workbook_that_declares_too_many_rows_or_columns_is_refused_unread():
    header_only = workbook([["ref", "value"]])
    declares = lambda ref: with_sheet_xml(  # noqa: E731
        header_only, lambda xml: xml.replace(b'<dimension ref="A1:B1"', ref)
    )

    assert refusal(declares(b'<dimension ref="A1:B102"')).startswith(
        "This sheet has 101 rows of data; at most 100"
    )
    assert refusal(declares(b'<dimension ref="A1:XFD2"')).startswith(
        "This sheet has 16,384 columns; at most 100 can be read."
    )
    assert len(read_sheet(declares(b'<dimension ref="A1:B101"'), **LIMITS).dataset) == 0


def test_a_workbook_that_understates_its_rows_is_read_whole_up_to_the_limit():
    data = with_sheet_xml(
        workbook([["n"], *[[n] for n in range(5)]]),
        lambda xml: xml.replace(b'<dimension ref="A1:A6"', b'<dimension ref="A1"'),
    )

    assert [row[0] for row in read_sheet(data, **LIMITS).dataset] == [0, 1, 2, 3, 4]
    assert refusal(data, max_rows=4).startswith("This sheet has more than 4 rows of data")


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unread():
    assert refusal(workbook([["n"], [1]]), max_unpacked_bytes=1000).startswith(
        "This workbook unpacks to 0 MB; at most 0 MB can be read."
    )


def test_a_formula_cell_without_a_saved_value_names_its_row_and_column():
    data = workbook([["ref", "value"], ["KPI1", 1], ["KPI2", "=B2+1"]])

    assert refusal(data) == (
        'Row 3, column B ("value") has a formula whose result was not saved in the file. Open '
        "the file in Excel and save it again (which saves the results), or type the value in "
        "place of the formula."
    )


def test_a_damaged_workbook_is_not_a_sheet():
    data = workbook([["ref"], ["KPI1"]])
    cut = data[: len(data) // 2] + b"\0" * (len(data) // 2)

    assert refusal(cut) == NOT_A_SHEET
    assert refusal(b"PK\x03\x04" + b"x" * 100) == NOT_A_SHEET


def test_each_csv_row_keeps_its_row_number_in_the_sheet_past_blank_rows():
    data = b'ref,value\r\nKPI1,1\r\n\r\n,\r\n"KPI\n2",2\r\n\r\n\r\nKPI3,3\r\n'

    sheet = read_sheet(data, **LIMITS)

    # A blank line and a row of empty cells (Excel's blank row) are left out; a cell with a line
    # break is one row, as a spreadsheet program shows it.
    assert list(sheet.dataset) == [("KPI1", "1"), ("KPI\n2", "2"), ("KPI3", "3")]
    assert sheet.row_numbers == [2, 5, 8]


def test_each_workbook_row_keeps_its_row_number_in_the_sheet_past_blank_rows():
    data = workbook([["ref", "value"], ["KPI1", 1], [], [None, None], ["KPI2", 2], [], ["KPI3", 3]])

    sheet = read_sheet(data, **LIMITS)

    assert list(sheet.dataset) == [("KPI1", 1), ("KPI2", 2), ("KPI3", 3)]
    assert sheet.row_numbers == [2, 5, 7]


def test_a_dataset_not_read_from_a_sheet_numbers_its_rows_below_the_header():
    assert sheet_row_numbers(tablib.Dataset(["a"], ["b"], headers=["ref"])) == [2, 3]


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("£1,473,000", Decimal("1473000")),
        ("1,473,000", Decimal("1473000")),
        ("1473000.00", Decimal("1473000.00")),
        ("(£93,000)", Decimal("-93000")),
        ("-93000.00", Decimal("-93000.00")),
        (" £12.50 ", Decimal("12.50")),
        (1473000, Decimal("1473000")),
        (4100.5, Decimal("4100.5")),
        ("", None),
        (None, None),
    ],
)
def test_an_amount_cell_is_read_as_people_write_it(cell, amount):
    assert DecimalWidget(hint=MONEY_HINT).clean(cell) == amount


@pytest.mark.parametrize("cell", ["about 2k", "1,47,3000", "(£93,000", "50%", "1e3", True])
def test_an_amount_cell_that_is_no_amount_is_refused_saying_what_to_type(cell):
    with pytest.raises(ValueError, match="Enter an amount in pounds, like £1,473,000 or 1473000"):
        DecimalWidget(hint=MONEY_HINT).clean(cell)


def test_a_measure_cell_may_be_a_percentage_and_is_refused_with_the_number_hint():
    assert DecimalWidget().clean("70.9%") == Decimal("70.9")
    with pytest.raises(ValueError, match=r"Enter a number, like 4,543 or 4543\.5"):
        DecimalWidget().clean("lots")


# --- Workbooks no spreadsheet program writes: refused before they are parsed -----------------


@pytest.mark.parametrize("cells", [16_385, 200_000])
def test_a_row_with_more_cells_than_excel_allows_is_refused_unparsed(cells):
    data = hostile_workbooks.one_row_of_empty_cells(cells)

    assert refusal(data, max_rows=20_000) == (
        "This workbook has a row of more than 16,384 cells (Excel's most), which no spreadsheet "
        "program writes; it cannot be read. Save it again from your spreadsheet program, or copy "
        "its rows into a new workbook."
    )


def test_a_row_as_wide_as_excel_allows_is_read():
    data = hostile_workbooks.one_row_of_empty_cells(16_384)

    assert read_sheet(data, max_rows=200, max_unpacked_bytes=10_000_000).dataset.headers == ["ref"]


def test_more_cells_than_the_row_limit_could_need_are_refused_unparsed():
    # 100 rows may be imported, each read 100 columns wide: 10,100 cells with the header.
    data = hostile_workbooks.many_cells(rows=90, cells_per_row=120)  # 10,801 cells

    assert refusal(data).startswith(
        "This workbook has more than 10,100 cells; no import needs so many."
    )
    assert (
        len(read_sheet(hostile_workbooks.many_cells(rows=90, cells_per_row=100), **LIMITS).dataset)
        == 0
    )


def test_more_shared_strings_than_cells_are_refused_unread():
    assert read_sheet(hostile_workbooks.many_shared_strings(1000), **LIMITS).dataset.headers == [
        "ref"
    ]
    assert refusal(hostile_workbooks.many_shared_strings(1002)) == (
        "This workbook holds more than 1,002 texts for 2 cells, which no spreadsheet program "
        "writes; it cannot be read. Save it again from your spreadsheet program, or copy its "
        "rows into a new workbook."
    )


@pytest.mark.parametrize("shared", [True, False], ids=["shared string", "text in the cell"])
def test_a_text_longer_than_a_cell_can_hold_is_refused_unread(shared):
    # 32,767 characters fit in a cell; up to four bytes each, so what is refused unread is
    # longer than 131,068 bytes of text.
    fits = hostile_workbooks.one_long_string(32_767, shared=shared)
    assert read_sheet(fits, **LIMITS).dataset[0] == ("a" * 32_767,)

    assert refusal(hostile_workbooks.one_long_string(2_000_000, shared=shared)) == (
        "This workbook holds a text longer than the 32,767 characters a cell can hold, which no "
        "spreadsheet program writes; it cannot be read. Save it again from your spreadsheet "
        "program, or copy its rows into a new workbook."
    )
