"""A report's PDF is accessible: tagged (PDF/UA-1) with its title and language, headings,
tables and charts in its structure tree, each chart with alternative text; it is A4 with page
numbers, a running header and a contents list giving pages; and it fetches nothing."""

import io

import pikepdf
import pypdf
from django.template import Context, Template

from core import charts
from reports import pdf

A4_POINTS = (595, 842)


def _document(body: str, *, title="Quarter 2 2010-11") -> str:
    return Template(
        '{% extends "reports/pdf/base.html" %}'
        "{% block title %}" + title + "{% endblock %}"
        "{% block body %}" + body + "{% endblock %}"
    ).render(Context())


def _structure(document: pikepdf.Pdf) -> list[tuple[str, str]]:
    """Each element of the structure tree, in reading order: (tag, alternative text)."""
    found = []

    def walk(node):
        if "/S" in node:
            found.append((str(node.S), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid)

    walk(document.Root.StructTreeRoot)
    return found


def _text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


CHAPTERS = """
<section class="cover"><h1>Quarterly performance report</h1>
<p class="running-title">2010-11 quarter 2</p></section>
<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>
  <li><a href="#summary">Summary</a></li><li><a href="#indicators">Indicators</a></li>
</ol></nav>
<section class="chapter" id="summary"><h2>Summary</h2><p>38 of 46 indicators green.</p></section>
<section class="chapter" id="indicators"><h2>Indicators</h2>
<table><caption>Key performance indicators</caption>
<thead><tr><th scope="col">Indicator</th><th scope="col" class="numeric">Actual</th></tr></thead>
<tbody>{rows}</tbody></table>
{chart}
</section>
"""


def _chapters(rows=3):
    chart = charts.line_chart(
        [charts.Series("Actual", [10, 20, 30])], labels=["Apr", "May", "Jun"], title="KPI1"
    )
    return CHAPTERS.format(
        rows="".join(f"<tr><td>KPI{n}</td><td class='numeric'>{n * 10}</td></tr>" for n in rows)
        if not isinstance(rows, int)
        else "".join(
            f"<tr><td>KPI{n}</td><td class='numeric'>{n * 10}</td></tr>" for n in range(rows)
        ),
        chart=pdf.chart_image(chart, alt="KPI1 actual rose from 10 in April to 30 in June"),
    )


def test_the_pdf_is_tagged_with_its_title_language_headings_table_and_chart_text():
    data = pdf.pdf_from_html(_document(_chapters()))
    document = pikepdf.open(io.BytesIO(data))

    assert str(document.Root.Lang) == "en-GB"
    assert bool(document.Root.MarkInfo.Marked) is True
    assert bool(document.Root.ViewerPreferences.DisplayDocTitle) is True
    assert document.open_metadata()["dc:title"] == "Quarter 2 2010-11"
    tags = _structure(document)
    names = [tag for tag, _ in tags]
    assert names.count("/H1") == 1
    assert names.count("/H2") == 3  # contents, summary, indicators
    assert {"/Table", "/THead", "/TH", "/TD"} <= set(names)
    assert ("/Figure", "KPI1 actual rose from 10 in April to 30 in June") in tags


def test_the_pdf_is_a4_with_a_cover_page_numbers_a_running_header_and_contents_pages():
    data = pdf.pdf_from_html(_document(_chapters()))
    pages = _text(data)
    document = pikepdf.open(io.BytesIO(data))

    # Cover, contents, summary, indicators: each chapter starts a page.
    assert len(pages) == 4
    assert [round(float(v)) for v in document.pages[0].MediaBox[2:]] == list(A4_POINTS)
    assert "Page" not in pages[0]  # the cover has no number or header
    assert "Page 2 of 4" in pages[1]
    assert "Page 4 of 4" in pages[3]
    assert "2010-11 quarter 2" in pages[2]
    # The contents list gives each chapter's page: Summary on 3, Indicators on 4.
    lines = [" ".join(line.split()) for line in pages[1].splitlines()]
    assert any(line.startswith("Summary") and line.endswith("3") for line in lines)
    assert any(line.startswith("Indicators") and line.endswith("4") for line in lines)


def test_a_long_table_runs_onto_further_pages_repeating_its_header_without_splitting_a_row():
    data = pdf.pdf_from_html(_document(_chapters(rows=120)))
    pages = _text(data)

    table_pages = [text for text in pages[3:] if "KPI" in text]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert "Indicator" in text  # the header row is repeated on each page
    every_row = " ".join(table_pages)
    for n in (0, 60, 119):
        assert f"KPI{n} {n * 10}" in every_row


def test_the_pdf_fetches_nothing_outside_itself():
    body = (
        '<h1>Report</h1><img src="file:///etc/hostname" alt="a file">'
        '<img src="http://example.org/logo.png" alt="a web image">'
    )
    data = pdf.pdf_from_html(_document(body))
    document = pikepdf.open(io.BytesIO(data))

    assert all(len(page.get_images()) == 0 for page in document.pages)
