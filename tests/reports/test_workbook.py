"""The quarterly report's workbook: a sheet per section, values (not formulas) in the budget
workbook's formats, equal to the page's figures and to the numbers worked out by hand for the
factory-built plan (tests/reports/conftest.py), as at 30 September 2010."""

import datetime
import io
import re
from html import unescape

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.spreadsheets.writing import MONEY_FORMAT, PERCENT_FORMAT
from kpis.models import Measurement
from reports import selectors
from tests.reports.conftest import add_plan

URL = "/reports/2010-11/q2.xlsx"
PAGE = "/reports/2010-11/q2/"


@pytest.fixture
def director(client, user_in_group):
    client.force_login(user_in_group("Directors"))
    return client


@pytest.fixture
def book(director, plan):
    response = director.get(URL)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def row_starting(sheet, first):
    """The cells of the first row whose first cell is `first`."""
    return next(row for row in sheet.iter_rows() if row[0].value == first)


def page_text(client) -> str:
    """The report page's text, tags removed and spaces run together."""
    html = client.get(PAGE).content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_workbook_is_a_download_for_directors_named_after_the_quarter(director, plan):
    response = director.get(URL)

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="quarterly-report-2010-11-q2.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("group", ["Staff", "Corporate services"])
def test_others_are_refused_the_workbook(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))

    assert client.get(URL).status_code == 403


def test_the_page_links_to_its_workbook(director, plan):
    assert f'href="{URL}"' in director.get(PAGE).content.decode()


def test_a_sheet_per_section_each_headed_with_the_quarter_and_its_date(book):
    assert book.sheetnames == [
        "Summary",
        "Indicators",
        "Exceptions",
        "Milestones",
        "Budget",
        "Risks",
    ]
    for sheet in book.worksheets:
        assert sheet["A1"].value.endswith("Quarter 2 2010-11")
        assert sheet["B2"].value.date() == datetime.date(2010, 9, 30)
        # Values, never formulas.
        assert not any(
            isinstance(cell.value, str) and cell.value.startswith("=")
            for row in sheet.iter_rows()
            for cell in row
        )


def test_a_report_on_entered_figures_only_has_no_illustrative_note_nor_row(book):
    # The hand-worked plan's actuals, milestones, budget figures and risks were all entered:
    # the note row under each sheet's date stays blank, and no row says "Yes" to Illustrative.
    assert [sheet["A3"].value for sheet in book.worksheets] == [None] * 6
    for name, column in (("Indicators", 13), ("Milestones", 11)):
        sheet = rows(book[name])
        assert sheet[3][column] == "Illustrative"
        assert {row[column] for row in sheet[4:]} == {None}


def test_the_summary_counts_as_worked_out_by_hand(book):
    summary = book["Summary"]
    # K1 green, K2 amber (540 of 600), K3 red (300 of 600), E1 no data.
    header = row_starting(summary, "Indicators")
    counts = row_starting(summary, "All indicators")
    by_label = {h.value: c.value for h, c in zip(header, counts, strict=False)}
    assert (by_label["Green"], by_label["Amber"], by_label["Red"], by_label["Total"]) == (
        1,
        1,
        1,
        4,
    )
    so2 = [cell.value for cell in row_starting(summary, "SO2: Hear children's voices")]
    assert so2[-1] == 1
    # Milestones due in quarter 2: 5, of which 3 completed, 1 slipped and 1 at risk.
    assert [c.value for c in row_starting(summary, "Quarter 2 2010-11")][1:5] == [5, 3, 1, 1]
    # Budget to date 6/12 x 120,000 + 60,000 = 90,000; actual 96,000; 6,000 over; outturn
    # 126,000 + 63,000 = 189,000 against 180,000.
    for label, amount in [
        ("Annual budget", 180000),
        ("Budget to date", 90000),
        ("Actual to date", 96000),
        ("Variance to date", 6000),
        ("Forecast outturn", 189000),
        ("Full-year variance", 9000),
    ]:
        cell = row_starting(summary, label)[1]
        assert (cell.value, cell.number_format) == (amount, MONEY_FORMAT)
    assert row_starting(summary, "Above the appetite of 15")[1].value == 2
    assert row_starting(summary, "Escalated to the Leadership Team")[1].value == 1


def test_the_budget_sheet_holds_variance_in_pounds_and_percentages(book):
    budget = book["Budget"]
    pay = row_starting(budget, "Pay")
    # Pay 6,000 over a budget to date of 60,000: 10%, beyond the tolerance.
    assert pay[4].value == 6000
    assert pay[4].number_format == MONEY_FORMAT
    assert pay[5].value == pytest.approx(0.10)
    assert pay[5].number_format == PERCENT_FORMAT
    assert pay[9].value == "Over"
    total = next(row for row in budget.iter_rows() if row[0].font.bold and row[1].value == 180000)
    assert total[5].value == pytest.approx(0.067)  # 6,000 / 90,000, 6.7% as the page rounds it
    programme = row_starting(budget, "Programme delivery")
    assert (programme[1].value, programme[3].value) == (60000, 30000)


def test_each_indicator_row_says_what_the_page_says(book, director):
    text = page_text(director)
    indicators = book["Indicators"]
    lines = [row for row in rows(indicators)[4:] if row[2]]

    assert [row[2] for row in lines] == ["K1", "K2", "K3", "E1"]
    k2 = next(row for row in lines if row[2] == "K2")
    assert (k2[6], k2[7], k2[8]) == ("600", "540", "Amber")
    for row in lines:
        assert row[3] in text  # the title
        assert row[8] in text  # the status in words
        if row[7]:
            assert row[7] in text  # the actual to date, as the page writes it


def test_each_exception_is_listed_with_its_explanation_or_as_missing(book):
    exceptions = book["Exceptions"]
    by_item = {row[1]: row for row in rows(exceptions)[4:] if row[1]}

    k2 = next(row for title, row in by_item.items() if title.startswith("K2"))
    assert k2[4] == "Two schools pulled out in July"
    assert k2[6].date() == datetime.date(2010, 12, 31)
    k3 = next(row for title, row in by_item.items() if title.startswith("K3"))
    assert k3[4].startswith("Missing: ")


def test_milestones_due_this_quarter_and_next(book):
    milestones = rows(book["Milestones"])[4:]
    due = {row[2]: row for row in milestones if row[0] == "Quarter 2 2010-11"}
    later = [row[2] for row in milestones if row[0] == "Quarter 3 2010-11"]

    assert len(due) == 5
    assert (due["Schools signed up"][8], due["Schools signed up"][9]) == ("Slipped", 29)
    assert later == ["Report published"]


def test_the_risks_sheet_holds_the_heat_map_and_the_escalated_risk(book):
    risks = book["Risks"]
    grid = [row for row in rows(risks) if isinstance(row[0], int) and row[0] <= 5]
    # Four open and closed risks on the residual heat map, as the page's grid.
    assert sum(sum(cell for cell in row[1:6]) for row in grid[:5]) == 4
    escalated = [row for row in rows(risks) if row[0] == "Escalated"]
    assert [row[1] for row in escalated] == ["Venue lost"]


def test_the_workbook_runs_as_many_queries_for_a_plan_four_times_as_large(director, plan):
    with CaptureQueriesContext(connection) as small:
        assert director.get(URL).status_code == 200
    add_plan(plan.plan_year, plan.earlier_year, copies=3, suffix="b")
    with CaptureQueriesContext(connection) as large:
        assert director.get(URL).status_code == 200

    assert len(large) == len(small)


def test_the_page_and_its_documents_are_made_from_one_build_of_the_report(
    director, plan, monkeypatch
):
    """The page, the workbook and the PDF read after a change build the report from the records
    once between them; the next change builds it again, and the documents show it."""
    builds = []
    build = selectors.quarterly_report

    def counted(**kwargs):
        builds.append(kwargs["quarter"])
        return build(**kwargs)

    monkeypatch.setattr(selectors, "quarterly_report", counted)
    cache.clear()  # as after a change
    assert director.get(PAGE).status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(director.get(URL).content))
    assert director.get("/reports/2010-11/q2.pdf").status_code == 200
    assert len(builds) == 1
    k2 = next(row for row in rows(book["Indicators"]) if row[2] == "K2")
    assert k2[7] == "540"  # 100 + 100 + 100 + 80 + 80 + 80

    september = Measurement.objects.get(indicator=plan.k2, period=datetime.date(2010, 9, 1))
    september.value = 140
    september.save()
    book = openpyxl.load_workbook(io.BytesIO(director.get(URL).content))
    assert len(builds) == 2
    k2 = next(row for row in rows(book["Indicators"]) if row[2] == "K2")
    assert k2[7] == "600"  # 100 + 100 + 100 + 80 + 80 + 140
    assert "600" in page_text(director)
    assert len(builds) == 2
