"""Template filters for the report's PDF (reports.pdf)."""

from django import template

from reports import pdf

register = template.Library()


@register.filter
def as_image(svg: str, alt: str) -> str:
    """{{ row.trend_svg|as_image:row.trend_text }}: a chart as an image with its alternative
    text, which WeasyPrint tags as a figure."""
    return pdf.chart_image(svg, alt=alt)
