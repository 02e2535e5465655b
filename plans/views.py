"""Pages of the plans app: a strategy, My work's projects, the milestone tracker, a milestone's
update and addition, and the recommendations tracker (counts, the list, a response)."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from core import pagination
from core.edit_conflicts import EditConflictError, edit_conflict_form, record_fingerprint
from core.kept_pages import kept_page
from core.permissions import is_closed
from core.refusals import Refused
from plans import choices, selectors, services
from plans.forms import (
    MilestoneFilterForm,
    MyWorkYearForm,
    RecommendationFilterForm,
    RecommendationResponseForm,
    milestone_form_class,
)
from plans.locks import quarter_locks
from plans.models import Milestone
from plans.rights import plan_rights


def my_work_context(request) -> dict:
    """What My work shows of the plans: the signed-in person's projects and milestones in the
    year asked for, and the choice of year. The page itself (config.views.my_work) adds what
    the other apps ask of the person."""
    work = selectors.my_work(
        user=request.user, as_at=timezone.localdate(), year=request.GET.get("year") or None
    )
    year_form = (
        MyWorkYearForm(plan_years=work.plan_years, chosen=work.plan_year)
        if work.plan_years
        else None
    )
    return {"work": work, "year_form": year_form}


@require_safe
@kept_page
def strategy_page(request, pk):
    """A strategy as its document prints it: mission, approach, objectives with their
    commitments, pillars, and the plans that serve it."""
    return render(request, "plans/strategy.html", {"page": selectors.strategy_page(pk=pk)})


@require_safe
@kept_page
def project_list(request, year):
    """Every project of the plan year, one page at a time, for a plan whose overview lists
    only the first of them."""
    listed = selectors.project_list(year=year, page=request.GET.get("page", ""))
    return render(
        request, "plans/project_list.html", {"listed": listed, "plan_year": listed.plan_year}
    )


@require_safe
@kept_page
def milestone_tracker(request, year):
    """Every milestone of the plan year, filtered as the address asks, one page at a time."""
    plan_year = selectors.plan_year_for_pages(year=year)
    today = timezone.localdate()
    options = selectors.milestone_tracker_options(plan_year=plan_year, today=today)
    form = MilestoneFilterForm(request.GET, options=options)
    tracker = selectors.milestone_tracker(
        options=options, filters=form.filters(), today=today, page=request.GET.get("page", "")
    )
    return render(
        request,
        "plans/milestone_tracker.html",
        {"plan_year": plan_year, "form": form, "tracker": tracker},
    )


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


#: The error summary's line for an edit conflict, linking to the paragraph that describes it.
CONFLICT_LINK = (
    "edit-conflict",
    "Someone else saved changes to this milestone after you opened it, so your changes have not "
    "been saved.",
)


def _signed_off(plan_year, milestone) -> dict:
    """What the milestone form says of the plan year's signed-off quarters: each one's
    "Quarter 2 is signed off", and why `milestone` is locked if it was completed in one."""
    locks = quarter_locks(plan_year=plan_year)
    return {
        "signed_off_quarters": [
            f"Quarter {number} is signed off"
            for number in range(1, 5)
            if locks.quarter_is_locked(plan_year, number)
        ],
        "completion_locked": locks.refusal(plan_year, milestone.completed_on) if milestone else "",
    }


@require_http_methods(["GET", "HEAD", "POST"])
@kept_page
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
            "error_links": ([CONFLICT_LINK] if conflict else []) + form.error_links(),
            "next": _return_to(request, project),
            **_signed_off(project.plan_year, milestone),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@kept_page
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
        {
            "form": form,
            "project": project,
            "rights": rights,
            "error_links": form.error_links(),
            "next": _return_to(request, project),
            **_signed_off(project.plan_year, None),
        },
    )


def _recommendation_refused(request, reason, back_url, back_label):
    """A 403 page that says why, in the recommendations' words."""
    return render(
        request,
        "refused.html",
        {"reason": reason, "back_url": back_url, "back_label": back_label},
        status=403,
    )


#: How many recommendations one page of the tracker's list shows (2012-13 has 50).
RECOMMENDATIONS_PAGE_SIZE = 50


@require_safe
@kept_page
def recommendation_tracker(request, year):
    plan_year = selectors.plan_year_for_pages(year=year)
    form = RecommendationFilterForm(request.GET)
    tracker = selectors.recommendation_tracker(
        plan_year=plan_year, status=form.chosen_status(), user=request.user
    )
    pager = pagination.pager_of(
        request.GET.get("page", ""),
        size=RECOMMENDATIONS_PAGE_SIZE,
        count=len(tracker.recommendations),
        query={"status": tracker.status},
    )
    return render(
        request,
        "plans/recommendations/tracker.html",
        {
            "plan_year": plan_year,
            "tracker": tracker,
            "pager": pager,
            "recommendations": pager.page.slice(tracker.recommendations),
            "statuses": choices.RecommendationStatus.choices,
            "form": form,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@kept_page
def recommendation_response(request, year, pk):
    recommendation = selectors.recommendation_for_response(year=year, pk=pk)
    plan_year = recommendation.project.plan_year
    if recommendation.project_id not in selectors.projects_for_responses(request.user, plan_year):
        return _recommendation_refused(
            request,
            f"{plan_year.year} is closed: its recommendations can no longer be changed."
            if is_closed(plan_year)
            else "Only the owners of a project record the responses to its recommendations.",
            reverse("plans:recommendations", kwargs={"year": plan_year.year}),
            "the recommendations",
        )
    form_class = edit_conflict_form(
        RecommendationResponseForm, recommendation, record_fingerprint(recommendation)
    )
    if request.method == "POST":
        with transaction.atomic():
            form = form_class(request.POST, instance=recommendation)
            if form.is_valid():
                services.recommendation_response_record(recommendation=form.save(commit=False))
                messages.success(request, "The response is recorded.")
                return redirect(reverse("plans:recommendations", kwargs={"year": year}))
    else:
        form = form_class(instance=recommendation)
    return render(
        request,
        "plans/recommendations/response.html",
        {
            "plan_year": plan_year,
            "recommendation": recommendation,
            "form": form,
            "history": selectors.recommendation_history(recommendation=recommendation),
        },
    )
