"""The quarterly Leadership Team performance report's page, its PDF and workbook, and its
sign-off and reopening. Once a quarter is signed off, the page, the PDF and the workbook are the
report as signed off, from what was stored, not from the live records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core import permissions
from core.kept_pages import kept_page
from core.refusals import Refused
from reports import (
    caching,
    page_lists,
    pdf,
    preparation,
    revisions,
    rights,
    selectors,
    services,
)
from reports.forms import ReopenForm, SignOffForm
from reports.models import SignedOffReport
from reports.report import QuarterlyReport
from reports.workbook import report_workbook
from risks.selectors import POSITIONS, RESIDUAL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quarter_of(request, year, number):
    """The plan year and quarter asked for, to those who may read the report."""
    if not rights.may_read_reports_for(request):
        raise Refused(rights.REFUSAL, heading=rights.HEADING)
    return selectors.report_quarter(year=year, number=number)


def _sections(report: QuarterlyReport) -> tuple:
    """The report's heading and its six sections as HTML: the same for everyone who may read
    it, so rendered once and kept (reports.caching) while what it shows stays the same."""
    html = render_to_string(
        "reports/_sections.html",
        {
            "report": report,
            "lists": page_lists.report_lists(report),
            "heat_map": {
                "grid": report.risks.heat_map,
                "position": RESIDUAL,
                "label": POSITIONS[RESIDUAL],
            },
        },
    )
    return report.heading, html


def _page(request, plan_year, chosen, *, reopen_form=None, status=200):
    history = selectors.sign_offs(plan_year=plan_year, quarter=chosen)
    standing = next((sign_off for sign_off in history if sign_off.is_standing), None)
    fingerprint = caching.fingerprint()
    figure_changes, record_changes = [], []
    if standing is not None:
        # Kept by sign-off, not by the records: what was signed off does not change. Its time
        # too, as a sign-off's number can come round again in a database emptied and refilled.
        signed = (standing.pk, standing.signed_off_at.isoformat())
        heading, sections = caching.kept(
            plan_year.year,
            chosen.number,
            "signed-off",
            *signed,
            build=lambda: _sections(selectors.signed_off_report(standing)),
        )
        figure_changes, record_changes = caching.kept(
            plan_year.year,
            chosen.number,
            "drift",
            *signed,
            fingerprint,
            build=lambda: selectors.drift(
                plan_year=plan_year,
                quarter=chosen,
                sign_off=standing,
                stored=selectors.signed_off_data(standing),
                fingerprint=fingerprint,
            ),
        )
    else:
        heading, sections = caching.kept(
            plan_year.year,
            chosen.number,
            "page",
            fingerprint,
            build=lambda: _sections(
                selectors.kept_quarterly_report(
                    plan_year=plan_year, quarter=chosen, fingerprint=fingerprint
                )
            ),
        )
    ended = chosen.last_day < timezone.localdate()
    return render(
        request,
        "reports/quarter.html",
        {
            "heading": heading,
            "sections": sections,
            "plan_year": plan_year,
            "standing": standing,
            "figure_changes": figure_changes,
            "record_changes": record_changes,
            "reopened": [sign_off for sign_off in history if not sign_off.is_standing],
            "sign_off_form": SignOffForm()
            if standing is None and ended and rights.may_sign_off(request.user)
            else None,
            "not_ended": not ended,
            "reopen_form": (reopen_form or ReopenForm())
            if standing is not None and rights.may_reopen(request.user)
            else None,
            "error_links": [("id_reason", error) for error in reopen_form.errors.get("reason", [])]
            if reopen_form is not None
            else [],
            "quarter_links": [
                (n, reverse("reports:quarter", args=[plan_year.year, n])) for n in (1, 2, 3, 4)
            ],
        },
        status=status,
    )


@require_safe
@kept_page
def quarter(request, year, number):
    plan_year, chosen = _quarter_of(request, year, number)
    return _page(request, plan_year, chosen)


@require_safe
@kept_page
def quarter_preparation(request, year, number):
    """What is still missing for the quarter's report, by owner, with its deadline and how
    much is in: for the Leadership Team, as the report itself."""
    plan_year, chosen = _quarter_of(request, year, number)
    prepared = preparation.quarter_preparation(
        plan_year=plan_year, quarter=chosen, fingerprint=caching.fingerprint()
    )
    return render(
        request,
        "reports/preparation.html",
        {
            "plan_year": plan_year,
            "preparation": prepared,
            **_returns_context(request, plan_year, chosen, prepared),
            "report_url": reverse("reports:quarter", args=[plan_year.year, chosen.number]),
            "report_label": f"Quarter {chosen.number} report",
            "ended": chosen.last_day < timezone.localdate(),
        },
    )


def _returns_context(request, plan_year, chosen, prepared) -> dict:
    """The preparation page's returns for revision: the quarter's corrective actions and
    commentaries, each with its latest return, and whether the reader may return them (a
    director, while the quarter is open), with the people who resubmitted."""
    returnables = revisions.quarter_returnables(
        plan_year=plan_year, quarter=chosen, returns=prepared.returns
    )
    revisions.name_resubmitters(prepared.returns)
    return {
        "returnables": returnables,
        "may_return": rights.may_return_for_revision(request.user)
        and not prepared.is_signed_off
        and not permissions.is_closed(plan_year),
    }


#: What a report's documents are, by their extension.
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX}


def _download(content: bytes, extension: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=CONTENT_TYPES[extension],
        headers={"Content-Disposition": f'attachment; filename="{filename}.{extension}"'},
    )


def _stored(kept: SignedOffReport, extension: str) -> bytes:
    return bytes(kept.pdf if extension == "pdf" else kept.workbook)


def _quarter_document(request, year, number, extension):
    """The report as a PDF or a workbook: built from the records, or, once the quarter is
    signed off, the one stored with the sign-off."""
    plan_year, chosen = _quarter_of(request, year, number)
    standing = selectors.standing_sign_off(plan_year=plan_year, quarter=chosen)
    if standing is not None:
        content = _stored(SignedOffReport.objects.get(sign_off=standing), extension)
    else:
        # Kept, as the page is, until a record the report reads changes: a PDF takes about a
        # second to lay out. Made from the report the page's sections are made from.
        fingerprint = caching.fingerprint()

        def build():
            report = selectors.kept_quarterly_report(
                plan_year=plan_year, quarter=chosen, fingerprint=fingerprint
            )
            if extension == "pdf":
                return pdf.quarter_pdf(report, organisation=pdf.organisation_of(plan_year))
            return report_workbook(report)

        content = caching.kept(plan_year.year, chosen.number, extension, fingerprint, build=build)
    return _download(content, extension, f"quarterly-report-{plan_year.year}-q{chosen.number}")


@require_safe
@kept_page
def quarter_workbook(request, year, number):
    """The report as a workbook, a sheet per section, figures as the page shows them."""
    return _quarter_document(request, year, number, "xlsx")


@require_safe
@kept_page
def quarter_pdf(request, year, number):
    """The same report as an accessible A4 PDF, downloaded."""
    return _quarter_document(request, year, number, "pdf")


@require_safe
def signed_off_document(request, year, number, pk, extension):
    """The PDF or workbook kept with one of the quarter's sign-offs, an earlier, reopened one
    included, byte for byte as signed off."""
    plan_year, chosen = _quarter_of(request, year, number)
    if extension not in CONTENT_TYPES:
        raise Http404("A sign-off keeps a PDF and a workbook (xlsx).")
    kept = get_object_or_404(
        SignedOffReport.objects.select_related("sign_off"),
        sign_off__pk=pk,
        sign_off__plan_year=plan_year,
        sign_off__quarter=chosen.number,
    )
    signed = timezone.localtime(kept.sign_off.signed_off_at)
    return _download(
        _stored(kept, extension),
        extension,
        f"quarterly-report-{plan_year.year}-q{chosen.number}-signed-off-{signed:%Y-%m-%d-%H%M}",
    )


@require_POST
def sign_off(request, year, number):
    plan_year, chosen = _quarter_of(request, year, number)
    form = SignOffForm(request.POST)
    form.is_valid()
    try:
        services.report_sign_off(
            plan_year=plan_year,
            quarter=chosen,
            user=request.user,
            note=form.cleaned_data.get("note", ""),
        )
    except PermissionDenied as refusal:
        raise Refused(str(refusal), heading="You cannot sign off this report") from refusal
    except services.AlreadySignedOff as already:
        messages.warning(request, str(already))
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{chosen.label} is signed off. Its actuals, budget figures, milestone completions, "
            "risk reviews and explanations are now locked, and this page shows the report as "
            "signed off.",
        )
    return redirect("reports:quarter", year=plan_year.year, number=chosen.number)


@require_POST
def reopen(request, year, number):
    plan_year, chosen = _quarter_of(request, year, number)
    if not rights.may_reopen(request.user):
        raise Refused(rights.REOPEN_REFUSAL, heading="You cannot reopen this quarter")
    standing = selectors.standing_sign_off(plan_year=plan_year, quarter=chosen)
    if standing is None:
        messages.warning(request, f"{chosen.label} is not signed off: there is nothing to reopen.")
        return redirect("reports:quarter", year=plan_year.year, number=chosen.number)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _page(request, plan_year, chosen, reopen_form=form, status=400)
    try:
        services.quarter_reopen(
            sign_off=standing, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{chosen.label} is reopened: its records can be changed again, and its report "
            "signed off again. The report as it was signed off stays listed below.",
        )
    return redirect("reports:quarter", year=plan_year.year, number=chosen.number)
