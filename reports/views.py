"""The quarterly Leadership Team performance report's page, its PDF and workbook, and its
sign-off and reopening. Once a quarter is signed off, the page, the PDF and the workbook are the
report as signed off, from what was stored, not from the live records."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.forms import GovukFormMixin
from core.refusals import Refused
from reports import pdf, rights, selectors, services
from reports.models import SignedOffReport
from reports.report import QuarterlyReport
from reports.workbook import report_workbook
from risks.selectors import POSITIONS, RESIDUAL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SignOffForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, what the Leadership Team agreed about this quarter's exceptions.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()


class ReopenForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for reopening",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It is kept with the sign-off, in its history.",
        error_messages={"required": "Enter the reason for reopening the quarter."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()


def _quarter_of(request, year, number):
    """The plan year and quarter asked for, to those who may read the report."""
    if not rights.may_read_reports_for(request):
        raise Refused(rights.REFUSAL, heading=rights.HEADING)
    return selectors.report_quarter(year=year, number=number)


def _page(request, plan_year, chosen, *, reopen_form=None, status=200):
    history = selectors.sign_offs(plan_year=plan_year, quarter=chosen)
    standing = next((sign_off for sign_off in history if sign_off.is_standing), None)
    figure_changes, record_changes = [], []
    if standing is not None:
        stored = selectors.signed_off_data(standing)
        report = QuarterlyReport.from_dict(stored)
        figure_changes, record_changes = selectors.drift(
            plan_year=plan_year, quarter=chosen, sign_off=standing, stored=stored
        )
    else:
        report = selectors.quarterly_report(plan_year=plan_year, quarter=chosen)
    ended = chosen.last_day < timezone.localdate()
    return render(
        request,
        "reports/quarter.html",
        {
            "report": report,
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
            "heat_map": {
                "grid": report.risks.heat_map,
                "position": RESIDUAL,
                "label": POSITIONS[RESIDUAL],
            },
        },
        status=status,
    )


@require_safe
def quarter(request, year, number):
    plan_year, chosen = _quarter_of(request, year, number)
    return _page(request, plan_year, chosen)


@require_safe
def quarter_workbook(request, year, number):
    """The report as a workbook, a sheet per section, figures as the page shows them; once the
    quarter is signed off, the workbook stored with the sign-off."""
    plan_year, chosen = _quarter_of(request, year, number)
    standing = selectors.standing_sign_off(plan_year=plan_year, quarter=chosen)
    if standing is not None:
        content = bytes(SignedOffReport.objects.only("workbook").get(sign_off=standing).workbook)
    else:
        content = report_workbook(selectors.quarterly_report(plan_year=plan_year, quarter=chosen))
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={
            "Content-Disposition": (
                f'attachment; filename="quarterly-report-{plan_year.year}-q{chosen.number}.xlsx"'
            )
        },
    )


@require_safe
def quarter_pdf(request, year, number):
    """The same report as an accessible A4 PDF, downloaded; once the quarter is signed off,
    the PDF stored with the sign-off."""
    plan_year, chosen = _quarter_of(request, year, number)
    standing = selectors.standing_sign_off(plan_year=plan_year, quarter=chosen)
    if standing is not None:
        data = bytes(SignedOffReport.objects.only("pdf").get(sign_off=standing).pdf)
    else:
        data = pdf.quarter_pdf(
            selectors.quarterly_report(plan_year=plan_year, quarter=chosen),
            organisation=plan_year.organisation_name or settings.ORGANISATION_NAME,
        )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"quarterly-report-{plan_year.year}-q{chosen.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def signed_off_document(request, year, number, pk, extension):
    """The PDF or workbook kept with one of the quarter's sign-offs, an earlier, reopened one
    included, byte for byte as signed off."""
    plan_year, chosen = _quarter_of(request, year, number)
    if extension not in ("pdf", "xlsx"):
        raise Http404("A sign-off keeps a PDF and a workbook (xlsx).")
    kept = get_object_or_404(
        SignedOffReport.objects.select_related("sign_off"),
        sign_off__pk=pk,
        sign_off__plan_year=plan_year,
        sign_off__quarter=chosen.number,
    )
    content, content_type = (
        (bytes(kept.pdf), "application/pdf") if extension == "pdf" else (bytes(kept.workbook), XLSX)
    )
    signed = timezone.localtime(kept.sign_off.signed_off_at)
    filename = (
        f"quarterly-report-{plan_year.year}-q{chosen.number}-signed-off-{signed:%Y-%m-%d-%H%M}"
        f".{extension}"
    )
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
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
            f"{chosen.label} is signed off. Its actuals, budget figures, milestone completions "
            "and risk reviews are now locked, and this page shows the report as signed off.",
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
