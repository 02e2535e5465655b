"""The one workbook writer: what it writes reads back as the same values in the shared
formats, and no text it writes can run as a formula. Tested without a database."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from core.spreadsheets.writing import (
    DATE_FORMAT,
    MONEY_FORMAT,
    NUMBER_FORMAT,
    PERCENT_FORMAT,
    WHOLE_NUMBER_FORMAT,
    Workbook,
    sheet_name,
)


def written(write, *, streamed=False):
    """The first sheet of a workbook that `write(sheet)` filled, as openpyxl reads it."""
    book = Workbook(streamed=streamed)
    sheet = book.add_sheet("Figures")
    write(sheet)
    data = book.close()
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_money_is_written_as_pounds_with_negatives_in_brackets():
    def write(sheet):
        sheet.money(0, Decimal("1473000"))
        sheet.money(1, Decimal("-93000.50"))
        sheet.money(2, None)

    cells = written(write)[1]

    assert [cell.value for cell in cells[:2]] == [1473000, -93000.5]
    assert [cell.number_format for cell in cells[:2]] == [MONEY_FORMAT, MONEY_FORMAT]
    # Shown as £1,473,000.00 and (£93,000.50); nothing is written for no amount.
    assert MONEY_FORMAT.split(";")[:2] == ["£#,##0.00", "(£#,##0.00)"]
    assert len(cells) == 2


def test_a_percentage_is_held_as_the_fraction_the_page_shows_as_a_percentage():
    def write(sheet):
        sheet.percent(0, Decimal("7.5"))
        sheet.percent(1, Decimal("-2.5"))

    cells = written(write)[1]

    # 7.5% is 0.075 and -2.5% is -0.025, so they multiply as percentages do.
    assert [cell.value for cell in cells] == [0.075, -0.025]
    assert {cell.number_format for cell in cells} == {PERCENT_FORMAT}


def test_counts_are_whole_and_measures_keep_their_decimals():
    def write(sheet):
        sheet.number(0, Decimal("12500"))
        sheet.number(1, Decimal("70.9"))

    whole, measure = written(write)[1]

    assert (whole.value, whole.number_format) == (12500, WHOLE_NUMBER_FORMAT)
    assert (measure.value, measure.number_format) == (70.9, NUMBER_FORMAT)


def test_dates_are_dates_and_yes_or_no_is_a_boolean():
    def write(sheet):
        sheet.value(0, datetime.date(2016, 4, 1))
        sheet.value(1, True)
        sheet.value(2, Decimal("-12000"), money=True)

    day, flag, amount = written(write)[1]

    # openpyxl reads a date cell back as midnight of that day.
    assert (day.value.date(), day.number_format) == (datetime.date(2016, 4, 1), DATE_FORMAT)
    assert flag.value is True
    assert (amount.value, amount.number_format) == (-12000, MONEY_FORMAT)


@pytest.mark.parametrize(
    "text",
    ["=SUM(A1:A9)", '+HYPERLINK("http://example.org")', "-1+1", "@cmd", "\tx"],
)
def test_text_that_looks_like_a_formula_is_text_with_the_quote_prefix(text):
    cell = written(lambda sheet: sheet.text(0, text))["A1"]

    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix


def test_text_is_never_turned_into_a_link_or_a_number():
    def write(sheet):
        sheet.value(0, "http://example.org")
        sheet.value(1, "007")

    link, code = written(write)[1]

    assert (link.value, link.hyperlink) == ("http://example.org", None)
    assert (code.value, code.data_type) == ("007", "s")
    assert not link.quotePrefix


def test_a_carriage_return_reads_back_as_a_line_break():
    cell = written(lambda sheet: sheet.text(0, "Two\r\nlines\rhere"))["A1"]

    assert cell.value == "Two\nlines\nhere"


def test_a_streamed_workbook_writes_rows_in_order_with_a_header_and_title():
    def write(sheet):
        sheet.title("Budget 2016-17")
        sheet.header(["Category", "Annual budget"])
        for name, amount in (("Pay", "1200000"), ("Income", "-12000")):
            sheet.text(0, name)
            sheet.money(1, Decimal(amount))
            sheet.next()
        sheet.text(0, "Total", "bold")
        sheet.money(1, Decimal("1188000"), "total")

    sheet = written(write, streamed=True)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert rows == [
        ["Budget 2016-17", None],
        ["Category", "Annual budget"],
        ["Pay", 1200000],
        ["Income", -12000],
        ["Total", 1188000],
    ]
    assert (sheet["A1"].font.b, sheet["A1"].font.sz) == (True, 14)
    assert (sheet["A2"].font.b, sheet["A2"].border.bottom.style) == (True, "thin")
    total = sheet["B5"]
    assert (total.number_format, total.font.b, total.border.top.style) == (
        MONEY_FORMAT,
        True,
        "thin",
    )


def test_the_same_styles_in_any_order_are_one_format():
    book = Workbook()

    assert book.format("money", "total") is book.format("total", "money")
    assert book.format() is None
    with pytest.raises(KeyError, match="No cell style called pounds"):
        book.format("pounds")
    book.close()


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Budget lines 2010-11", "Budget lines 2010-11"),
        ("Q1 [2010/11]: KPIs?", "Q1  2010 11   KPIs"),
        ("A" * 40, "A" * 31),
        ("", "Sheet1"),
    ],
)
def test_a_sheet_is_named_as_excel_allows(title, name):
    assert sheet_name(title) == name
