"""The quarterly report's PDF and workbook label the figures that rest on illustrative data
(generated for the demo) as the report page does, in words true of them: the demo's 2012-13
quarter 4, where every actual, monthly budget figure, risk and recommendation is generated, and
some milestones are."""

import io

import openpyxl
import pypdf
import pytest
from django.db import connection

from plans.models import PlanYear
from plans.periods import Quarter
from reports import pdf, selectors
from reports.workbook import report_workbook
from tests.conftest import data_shared_by_the_tests

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def documents(demo_database, django_db_blocker):
    """The report, its PDF's text page by page and its workbook, made as the download views
    make them (reports.views._quarter_document) from one build of the report: once for the
    module (a PDF takes seconds to lay out)."""
    with data_shared_by_the_tests(django_db_blocker), django_db_blocker.unblock():
        demo_database.snapshot.restore(connection)
        plan_year = PlanYear.objects.get(year="2012-13")
        report = selectors.quarterly_report(plan_year=plan_year, quarter=Quarter(2012, 4))
        made = pdf.quarter_pdf(report, organisation=pdf.organisation_of(plan_year))
        book = openpyxl.load_workbook(io.BytesIO(report_workbook(report)))
    return report, _chapter_openings(pypdf.PdfReader(io.BytesIO(made))), book


def _chapter_openings(reader) -> list[str]:
    """The text of the cover and of the first page of each of the six chapters, where each
    chapter's notes stand, found from the contents page: reading all 19 pages' text would
    take twice as long."""
    contents = [_flat(line) for line in reader.pages[1].extract_text().splitlines()]
    starts = [
        int(line.rsplit(" ", 1)[-1].strip("."))
        for line in contents
        if line[:2] in {"1.", "2.", "3.", "4.", "5.", "6."}
    ]
    assert len(starts) == 6
    # Page numbers count from 1; the cover is the first page.
    return [_flat(reader.pages[number - 1].extract_text()) for number in (1, *starts)]


def test_the_demo_report_rests_on_illustrative_data_of_every_kind(documents):
    report, _pages, _book = documents
    # demo/illustrative.py generates every actual of 2010-11, 2012-13 and 2016-17, and
    # milestones for the projects the document gives none; illustrative_budgets every monthly
    # figure; illustrative_risks every risk and the 2012-13 recommendations.
    assert report.indicators_illustrative
    assert report.recommendations_illustrative
    assert report.milestones_illustrative
    assert report.budget.is_illustrative
    assert report.budget.all_illustrative is True
    assert report.risks.is_illustrative


def test_the_pdf_says_on_its_cover_which_figures_are_illustrative(documents):
    _report, pages, _book = documents
    assert (
        "Illustrative Some figures in this report rest on illustrative data, generated for the "
        "demo, not from the published plan: indicator actuals and statuses, milestones, monthly "
        "budget actuals and forecasts, risks and recommendations. Each section says which."
    ) in pages[0]


def test_the_pdf_labels_each_sections_illustrative_figures_before_its_note(documents):
    _report, pages, _book = documents
    text = " ".join(pages[1:])
    for note in (
        # The summary's counts by status, and the recommendation counts.
        "Illustrative These statuses rest on actuals or recommendations generated for the demo.",
        "Illustrative These counts include recommendations generated for the demo, not from the "
        "published plan.",
        # Section 2, the indicators.
        "Illustrative These actuals to date, and the statuses worked out from them, include "
        "illustrative figures generated for the demo; they are not from the business plan.",
        # Section 4, the milestones.
        "Illustrative Milestones marked illustrative are generated demo data",
        # Section 5: every monthly figure is generated, so "All", not "Some".
        "Illustrative All of these monthly actuals and forecasts are illustrative figures "
        "generated for the demo; they are not from the business plan or a finance system.",
        # Section 6.
        "Illustrative Risks marked illustrative are generated demo data, not from the published "
        "plan; the heat map counts them.",
    ):
        assert note in text
    assert "Some of these monthly actuals" not in text


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_each_workbook_sheet_with_illustrative_figures_opens_with_its_note(documents):
    _report, _pages, book = documents
    # The note sits in the third row, under the title and the date; the header below it.
    notes = {name: book[name]["A3"].value for name in book.sheetnames}
    assert notes == {
        "Summary": "Illustrative: some figures rest on data generated for the demo, not from "
        "the published plan: indicator actuals and statuses, milestones, monthly budget "
        "actuals and forecasts, risks and recommendations.",
        "Indicators": "Illustrative: These actuals to date, and the statuses worked out from "
        "them, include illustrative figures generated for the demo; they are not from the "
        "business plan.",
        "Exceptions": "Illustrative: some figures rest on data generated for the demo, not "
        "from the published plan: indicator actuals and statuses, milestones, monthly budget "
        "actuals and forecasts, risks and recommendations.",
        "Milestones": "Illustrative: Milestones marked illustrative are generated demo data, "
        "not from the published plan.",
        "Budget": "Illustrative: All of these monthly actuals and forecasts are illustrative "
        "figures generated for the demo; they are not from the business plan or a finance "
        "system.",
        "Risks": "Illustrative: Risks marked illustrative are generated demo data, not from "
        "the published plan; the heat map counts them.",
    }


def test_the_workbook_marks_each_illustrative_row_as_the_report_does(documents):
    report, _pages, book = documents
    indicators = _rows(book["Indicators"])
    assert indicators[3][13] == "Illustrative"
    marked = {row[2]: row[13] for row in indicators[4:]}
    lines = [line for tier in report.indicator_tiers for g in tier.groups for line in g.indicators]
    assert marked == {line.ref: "Yes" if line.is_illustrative else None for line in lines}
    # Every 2012-13 actual is generated: each indicator with an actual to date rests on one,
    # but PI9, counted from the recommendations of "Promoting UNCRC", whose theme is not one
    # the demo generates recommendations for: its count of none is a real zero.
    with_actuals = {line.ref for line in lines if line.actual_to_date is not None}
    assert with_actuals - {line.ref for line in lines if line.is_illustrative} == {"PI9"}
    assert marked["PI9"] is None
    assert marked["PI1"] == "Yes"

    risks = _rows(book["Risks"])
    header = next(index for index, row in enumerate(risks) if row[0] == "Shown as")
    assert risks[header][11] == "Illustrative"
    # Every demo risk is generated.
    assert risks[header + 1 :]
    assert {row[11] for row in risks[header + 1 :]} == {"Yes"}

    milestones = _rows(book["Milestones"])
    assert milestones[3][11] == "Illustrative"
    shown = [m for g in report.milestones_due for m in g.milestones]
    assert [row[11] for row in milestones[4:]] == [
        "Yes" if m.is_illustrative else None for m in shown
    ]
