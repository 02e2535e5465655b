"""The page on which an item's owner explains an exception for one quarter: why an indicator,
milestone, budget line or risk is off course, the corrective action, and by when it should
recover. The items' own pages link here through `explain_now`, which picks the quarter."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from core.edit_conflicts import NEW_RECORD, EditConflictError, record_fingerprint
from core.kept_pages import kept_page
from core.refusals import Refused
from reports import explain_selectors as selectors
from reports import revisions, services
from reports.explaining import explaining_rights, quarter_to_explain
from reports.forms import CorrectiveActionForm


@require_safe
def explain_now(request, year, kind, pk):
    """The explanation page of the quarter an item's page means: the one containing today in
    the item's plan year (its quarter 4 once the year has ended)."""
    plan_year, _ = selectors.quarter_of_plan_year(year=year, number=1)
    quarter = quarter_to_explain(plan_year.start, timezone.localdate())
    return redirect("reports:explain", year=year, quarter=quarter.number, kind=kind, pk=pk)


def _refused(shown, reason):
    raise Refused(
        reason,
        heading=f"You cannot explain this {shown.kind_name}",
        back_url=shown.url,
        back_label=shown.title,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@kept_page
def explain(request, year, quarter, kind, pk):
    shown = selectors.item_to_explain(year=year, number=quarter, kind=kind, pk=pk)
    refusal = explaining_rights(request.user).refusal(shown.item)
    if refusal:
        _refused(shown, refusal)
    today = timezone.localdate()
    if not_begun := services.quarter_error(shown.quarter, today=today):
        _refused(shown, not_begun)
    existing = selectors.corrective_action_of(shown)
    example = shown.quarter.last_day
    conflict = None
    # A signed-off quarter's explanations are part of the report as signed off: the page shows
    # them without a form, and a form posted all the same is refused by the service's rule.
    locked = services.quarter_lock_refusal(shown.plan_year, shown.quarter.number)
    if request.method == "POST":
        form = CorrectiveActionForm(request.POST, example_date=example)
        version = request.POST.get("record_version", "") or NEW_RECORD
        if form.is_valid():
            try:
                services.corrective_action_save(
                    plan_year=shown.plan_year,
                    quarter=shown.quarter.number,
                    item=shown.item,
                    **form.cleaned_data,
                    user=request.user,
                    opened_version=version,
                    today=today,
                )
            except EditConflictError as error:
                # Their words stay on the form, which now carries the version they have been
                # shown: saving again puts theirs over the change they have just read about.
                conflict, existing = error.conflict, error.current
                version = record_fingerprint(error.current)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                return redirect(f"{request.path}?saved=1")
    else:
        initial = {}
        if existing is not None:
            initial = {
                "explanation": existing.explanation,
                "action": existing.action,
                "recover_by": existing.recover_by,
            }
        form = CorrectiveActionForm(initial=initial, example_date=example)
        version = NEW_RECORD if existing is None else record_fingerprint(existing)
    return render(
        request,
        "reports/explain.html",
        {
            "shown": shown,
            "plan_year": shown.plan_year,
            "form": form,
            "existing": existing,
            "record_version": version,
            "conflict": conflict,
            "error_links": [("quarter-locked", locked)]
            if locked and request.method == "POST"
            else _error_links(form, conflict, shown),
            "saved": request.method != "POST" and request.GET.get("saved") == "1",
            "history": selectors.corrective_action_history(existing),
            "locked": locked,
            # A director's note, while the explanation awaits its owner's resubmission.
            "returned": revisions.open_return_of(existing) if existing is not None else None,
        },
    )


def _error_links(form, conflict, shown) -> list[tuple[str, str]]:
    """The error summary's lines: an edit conflict first, linking to what describes it, then
    the form's errors, each linking to its input."""
    links = []
    if conflict:
        links.append(
            (
                "edit-conflict",
                f"Someone else saved an explanation of this {shown.kind_name} for "
                f"{shown.quarter.label} after you opened this page, so yours has not been saved.",
            )
        )
    return links + form.error_links()
