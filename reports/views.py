"""The quarterly Leadership Team performance report's page and its workbook."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.refusals import Refused
from reports import rights, selectors
from reports.workbook import report_workbook
from risks.selectors import POSITIONS, RESIDUAL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request, year, number):
    """The plan year and its quarter's report, for those who may read it."""
    if not rights.may_read_reports_for(request):
        raise Refused(rights.REFUSAL, heading=rights.HEADING)
    plan_year, chosen = selectors.report_quarter(year=year, number=number)
    return plan_year, selectors.quarterly_report(plan_year=plan_year, quarter=chosen)


@require_safe
def quarter(request, year, number):
    plan_year, report = _report(request, year, number)
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
def quarter_workbook(request, year, number):
    """The report as a workbook, a sheet per section, figures as the page shows them."""
    plan_year, report = _report(request, year, number)
    return HttpResponse(
        report_workbook(report),
        content_type=XLSX,
        headers={
            "Content-Disposition": (
                f'attachment; filename="quarterly-report-{plan_year.year}-q{report.quarter}.xlsx"'
            )
        },
    )
