"""Pages of the plans app."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from core.edit_conflicts import EditConflictError, record_fingerprint
from core.refusals import Refused
from plans import risk_selectors, selectors, services
from plans.forms import milestone_form_class
from plans.models import Milestone
from plans.rights import plan_rights


@require_safe
def project_detail(request, year, pk):
    project = selectors.project_detail(year=year, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "plans/project.html",
        {
            "project": project,
            "history": selectors.project_history(project=project),
            "milestones": selectors.project_milestones(
                project=project, user=request.user, as_at=today
            ),
            "risks": risk_selectors.project_risks(project=project, user=request.user, as_at=today),
        },
    )


@require_safe
def my_work(request):
    work = selectors.my_work(
        user=request.user, as_at=timezone.localdate(), year=request.GET.get("year") or None
    )
    return render(request, "plans/my_work.html", {"work": work})


def _refused(request, project, reason):
    """The refusal page saying why this person may not change this project's milestones."""
    raise Refused(
        reason,
        heading="You cannot change the milestones of this project",
        back_url=project.get_absolute_url(),
        back_label=project.title,
    )


def _return_to(request, project) -> str:
    """Where the form goes back to: the page it was opened from (My work), else the project."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return project.get_absolute_url()


@require_http_methods(["GET", "HEAD", "POST"])
def milestone_update(request, year, pk, milestone_pk):
    milestone = selectors.milestone_for_update(year=year, project_pk=pk, pk=milestone_pk)
    project = milestone.project
    rights = plan_rights(request.user).milestones(project)
    if not rights.may_update:
        return _refused(request, project, rights.refusal)
    form_class = milestone_form_class(services.milestone_update_fields(rights))
    conflict = None
    if request.method != "POST":
        form = form_class(instance=milestone)
        version = record_fingerprint(milestone)
    else:
        version = request.POST.get("record_version", "")
        # The form works on a copy, so the page still shows the record as stored.
        form = form_class(request.POST, instance=copy.copy(milestone))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.fields}
            try:
                updated = services.milestone_update(
                    milestone_pk=milestone.pk, user=request.user, version=version, values=values
                )
            except EditConflictError as error:
                # Their input stays on the form, which now carries the version they have been
                # shown: saving it again applies it over the change they have just read about.
                conflict, milestone = error.conflict, error.current
                version = record_fingerprint(error.current)
            except PermissionDenied as error:
                return _refused(request, project, str(error))
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Milestone \u201c{updated.title}\u201d updated.")
                return redirect(_return_to(request, project))
    return render(
        request,
        "plans/milestone_form.html",
        {
            "form": form,
            "project": project,
            "milestone": milestone,
            "rights": rights,
            "record_version": version,
            "conflict": conflict,
            "next": _return_to(request, project),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def milestone_add(request, year, pk):
    project = selectors.project_for_milestones(year=year, pk=pk)
    rights = plan_rights(request.user).milestones(project)
    if not rights.may_update:
        return _refused(request, project, rights.refusal)
    form_class = milestone_form_class(services.NEW_MILESTONE_FIELDS)
    instance = Milestone(project=project)
    if request.method != "POST":
        form = form_class(instance=instance, initial={"status": "not started"})
    else:
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.fields}
            try:
                milestone = services.milestone_create(
                    project=project, user=request.user, values=values
                )
            except PermissionDenied as error:
                return _refused(request, project, str(error))
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Milestone \u201c{milestone.title}\u201d added.")
                return redirect(_return_to(request, project))
    return render(
        request,
        "plans/milestone_form.html",
        {"form": form, "project": project, "rights": rights, "next": _return_to(request, project)},
    )
