"""The page on which a director returns an owner's corrective action, or an actual's
commentary, for revision with a note (reports.revisions says when it is resubmitted)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core import permissions
from core.edit_conflicts import EditConflictError, record_fingerprint
from core.forms import form_errors_from_model
from core.kept_pages import kept_page
from core.refusals import Refused
from plans.locks import quarter_locks
from reports import revisions, rights, selectors, services
from reports.forms import ReturnForRevisionForm

HEADING = "You cannot return this for revision"


@require_http_methods(["GET", "HEAD", "POST"])
@kept_page
def return_for_revision(request, year, number, kind, pk):
    plan_year, chosen = selectors.report_quarter(year=year, number=number)
    if not rights.may_return_for_revision(request.user):
        raise Refused(rights.RETURN_REFUSAL, heading=HEADING)
    preparation_url = reverse("reports:preparation", args=[plan_year.year, chosen.number])
    back = {
        "back_url": preparation_url,
        "back_label": f"What is missing for {chosen.label.lower()}",
    }
    returned = revisions.returned_record(plan_year=plan_year, quarter=chosen, kind=kind, pk=pk)
    if returned is None:
        raise Http404(f"{chosen.label} of {plan_year.year} has no such {kind.replace('-', ' ')}.")
    if permissions.is_closed(plan_year):
        raise Refused(
            f"{plan_year.year} is closed: nothing in it can be returned.", heading=HEADING, **back
        )
    if refusal := quarter_locks(plan_year=plan_year).quarter_refusal(plan_year, chosen.number):
        raise Refused(refusal, heading=HEADING, **back)
    conflict = None
    if request.method == "POST":
        form = ReturnForRevisionForm(request.POST)
        version = request.POST.get("record_version", "")
        if form.is_valid():
            try:
                services.return_for_revision(
                    plan_year=plan_year,
                    quarter=chosen,
                    returned=returned,
                    note=form.cleaned_data["note"],
                    user=request.user,
                    opened_version=version,
                )
            except PermissionDenied as refusal:
                raise Refused(str(refusal), heading=HEADING, **back) from refusal
            except EditConflictError as error:
                # The director reads what the owner now says before returning it again.
                conflict = error.conflict
                returned = revisions.returned_record(
                    plan_year=plan_year, quarter=chosen, kind=kind, pk=pk
                )
                version = record_fingerprint(returned)
            except ValidationError as error:
                form_errors_from_model(form, error)
            else:
                messages.success(
                    request,
                    f"{revisions.title_of(returned)} is returned for revision. It is on its "
                    "owner's list until they resubmit it.",
                )
                return redirect(f"{preparation_url}#returns")
    else:
        form = ReturnForRevisionForm()
        version = record_fingerprint(returned)
    if kind == revisions.COMMENTARY:
        returned.indicator.plan_year = plan_year
    error_links = []
    if conflict:
        error_links.append(
            (
                "edit-conflict",
                f"The {revisions.KIND_NAMES[kind]} changed after you opened this page, so it "
                "has not been returned. Read it again below.",
            )
        )
    return render(
        request,
        "reports/return_for_revision.html",
        {
            "plan_year": plan_year,
            "quarter": chosen,
            "returned": returned,
            "kind": kind,
            "kind_name": revisions.KIND_NAMES[kind],
            "title": revisions.title_of(returned),
            "entry_url": revisions.entry_url(returned, plan_year=plan_year, quarter=chosen.number),
            "awaiting": revisions.open_return_of(returned),
            "form": form,
            "record_version": version,
            "conflict": conflict,
            "error_links": error_links,
            "preparation_url": preparation_url,
        },
    )
