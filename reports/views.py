"""The quarterly Leadership Team performance report's page and its PDF."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.refusals import Refused
from reports import pdf, rights, selectors
from risks.selectors import POSITIONS, RESIDUAL


@require_safe
def quarter(request, year, number):
    if not rights.may_read_reports_for(request):
        raise Refused(rights.REFUSAL, heading=rights.HEADING)
    plan_year, chosen = selectors.report_quarter(year=year, number=number)
    report = selectors.quarterly_report(plan_year=plan_year, quarter=chosen)
    return render(
        request,
        "reports/quarter.html",
        {
            "report": report,
            "plan_year": plan_year,
            "quarter_links": [
                (n, reverse("reports:quarter", args=[plan_year.year, n])) for n in (1, 2, 3, 4)
            ],
            "heat_map": {
                "grid": report.risks.heat_map,
                "position": RESIDUAL,
                "label": POSITIONS[RESIDUAL],
            },
        },
    )


@require_safe
def quarter_pdf(request, year, number):
    """The same report as an accessible A4 PDF, downloaded."""
    if not rights.may_read_reports_for(request):
        raise Refused(rights.REFUSAL, heading=rights.HEADING)
    plan_year, chosen = selectors.report_quarter(year=year, number=number)
    report = selectors.quarterly_report(plan_year=plan_year, quarter=chosen)
    data = pdf.quarter_pdf(
        report, organisation=plan_year.organisation_name or settings.ORGANISATION_NAME
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"quarterly-report-{plan_year.year}-q{chosen.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
