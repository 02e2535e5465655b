"""A report as an accessible PDF: an A4 document rendered from HTML by WeasyPrint, tagged to
PDF/UA-1 (title, language, headings, lists, tables and figures in its structure tree), so that a
screen reader reads it as it reads the page.

Charts are drawn as SVG by core.charts. In a PDF each one is an `<img>` whose `alt` is written
from its figures: WeasyPrint tags an `<img alt>` as a figure with alternative text, and gives an
inline `<svg aria-label>` none.

WeasyPrint is imported when the first PDF is made, not with this module: loading it (and the
Pango libraries it binds) takes about a second, which every server worker, management command
and test process would otherwise pay at start-up whether it makes a PDF or not.
"""

import base64

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html

#: The PDF/UA part of ISO 14289 that WeasyPrint's tagged output follows.
PDF_VARIANT = "pdf/ua-1"


def chart_image(svg: str, *, alt: str) -> str:
    """An SVG chart as an image with alternative text, for a PDF."""
    data = base64.b64encode(str(svg).encode()).decode("ascii")
    return format_html('<img class="chart" src="data:image/svg+xml;base64,{}" alt="{}">', data, alt)


def pdf_from_html(html: str) -> bytes:
    """The tagged PDF of a self-contained HTML document (its styles inline, its images as data
    addresses: nothing is fetched)."""
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_only_data_addresses()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def render_pdf(template_name: str, context: dict) -> bytes:
    return pdf_from_html(render_to_string(template_name, context))


def _only_data_addresses():
    """A report's PDF holds everything it shows (styles inline, charts as data addresses): it
    never reaches out to the network, the file system or this site."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def heat_map_text(grid, *, appetite: int) -> str:
    """The residual heat map in words, its alternative text: how many risks sit in each cell
    that holds any, highest score first."""
    held = sorted(
        (cell for cell in grid.cells if cell.count),
        key=lambda cell: (-cell.score, -cell.likelihood),
    )
    if not held:
        return "Residual heat map: no risks are recorded."
    cells = "; ".join(
        f"{cell.count} at likelihood {cell.likelihood}, impact {cell.impact} "
        f"(score {cell.score}, {cell.band.label.lower()})"
        for cell in held
    )
    total = grid.total
    return (
        f"Residual heat map of {total} risk{'s' if total != 1 else ''}, the risk appetite "
        f"being {appetite}: {cells}"
    )


def organisation_of(plan_year) -> str:
    """The organisation a plan year's report is for, as its cover names it."""
    return plan_year.organisation_name or settings.ORGANISATION_NAME


def quarter_pdf(report, *, organisation: str) -> bytes:
    """The quarterly report (a reports.report.QuarterlyReport) as its accessible A4 PDF."""
    heat_map = render_to_string("reports/pdf/heat_map.svg", {"grid": report.risks.heat_map})
    return render_pdf(
        "reports/pdf/quarter.html",
        {
            "report": report,
            "organisation": organisation,
            "heat_map": chart_image(
                heat_map, alt=heat_map_text(report.risks.heat_map, appetite=report.risks.appetite)
            ),
        },
    )
