"""Pages of the risk register: the register, its heat map, the strategic view, a risk and its
review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from core import pagination
from core.edit_conflicts import FINGERPRINT_FIELD, edit_conflict_form, record_fingerprint
from core.kept_pages import kept_page
from plans.locks import quarter_locks
from risks import rules
from risks import selectors as risk_selectors
from risks.forms import RiskFilterForm, RiskReviewForm
from risks.models import Risk
from risks.rights import may_edit_risk, why_not
from risks.services import risk_review_record


def _filter_form(request, plan_year):
    options = risk_selectors.filter_choices(plan_year=plan_year)
    return RiskFilterForm(request.GET, owners=options.owners, projects=options.projects)


#: How many risks one page of the register shows (the demo's plans hold 12 at most).
RISK_REGISTER_PAGE_SIZE = 50


@require_safe
@kept_page
def risk_register(request, year):
    plan_year = risk_selectors.plan_year_for_pages(year=year)
    form = _filter_form(request, plan_year)
    register = risk_selectors.risk_register(
        plan_year=plan_year, filters=form.filters(), user=request.user, as_at=timezone.localdate()
    )
    pager = pagination.pager_of(
        request.GET.get("page", ""),
        size=RISK_REGISTER_PAGE_SIZE,
        count=len(register.rows),
        query={name: value for name, value in request.GET.items() if name != "page"},
    )
    return render(
        request,
        "risks/register.html",
        {
            "plan_year": plan_year,
            "form": form,
            "register": register,
            "pager": pager,
            "rows": pager.page.slice(register.rows),
        },
    )


@require_safe
@kept_page
def risk_heat_map(request, year):
    plan_year = risk_selectors.plan_year_for_pages(year=year)
    form = _filter_form(request, plan_year)
    heat_map = risk_selectors.heat_map(plan_year=plan_year, filters=form.filters())
    # Each cell links to the register filtered as the map is, at the cell's position.
    query = request.GET.copy()
    for name in ("likelihood", "impact", "position", "band"):
        query.pop(name, None)
    return render(
        request,
        "risks/heat_map.html",
        {
            "plan_year": plan_year,
            "form": form,
            "heat_map": heat_map,
            "filter_query": query.urlencode(),
        },
    )


@require_safe
@kept_page
def risk_strategic_view(request, year):
    plan_year = risk_selectors.plan_year_for_pages(year=year)
    view = risk_selectors.strategic_view(
        plan_year=plan_year, user=request.user, as_at=timezone.localdate()
    )
    return render(request, "risks/strategic.html", {"plan_year": plan_year, "view": view})


@require_safe
@kept_page
def risk_detail(request, year, pk):
    row = risk_selectors.risk_detail(
        year=year, pk=pk, user=request.user, as_at=timezone.localdate()
    )
    return render(
        request,
        "risks/risk.html",
        {
            "plan_year": row.risk.plan_year,
            "row": row,
            "risk": row.risk,
            "history": risk_selectors.risk_history(risk=row.risk),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@kept_page
def risk_review(request, year, pk):
    risk = get_object_or_404(
        Risk.objects.select_related("plan_year", "project", "owner"), plan_year__year=year, pk=pk
    )
    if not may_edit_risk(request.user, risk):
        return _forbidden(request, why_not(risk.plan_year), risk.get_absolute_url(), "the risk")
    open_actions = list(risk.actions.filter(is_done=False).order_by("due_on", "pk"))
    form_class = edit_conflict_form(RiskReviewForm, risk, record_fingerprint(risk))
    months = risk.plan_year.risk_review_months
    next_review = (
        rules.next_review_on(reviewed_on=timezone.localdate(), interval_months=months),
        months,
    )
    if request.method == "POST":
        with transaction.atomic():
            form = form_class(
                request.POST, instance=risk, open_actions=open_actions, next_review=next_review
            )
            if form.is_valid():
                risk = form.save(commit=False)
                from_interval = risk.review_on is None
                try:
                    risk_review_record(
                        risk=risk,
                        reviewer=request.user,
                        note=form.cleaned_data["note"],
                        actions_done=[int(pk) for pk in form.cleaned_data["actions_done"]],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _review_recorded(risk, from_interval=from_interval))
                    return redirect(risk)
    else:
        form = form_class(instance=risk, open_actions=open_actions, next_review=next_review)
    return render(
        request,
        "risks/review.html",
        {
            "plan_year": risk.plan_year,
            "risk": risk,
            "form": form,
            "fingerprint_field": FINGERPRINT_FIELD,
            # A review is dated today: refused while today's quarter is signed off.
            "signed_off": quarter_locks(plan_year=risk.plan_year).refusal(
                risk.plan_year, timezone.localdate()
            ),
        },
    )


def _review_recorded(risk, *, from_interval: bool) -> str:
    """The confirmation of a review, saying when the risk is next due for review."""
    day = risk.review_on
    message = (
        f"Your review of \u201c{risk.title}\u201d is recorded. Its next review is due on "
        f"{day.day} {day:%B %Y}"
    )
    if from_interval:
        months = risk.plan_year.risk_review_months
        message += f", {months} month{pluralize(months)} on, as the register reviews its risks"
    return message + "."


def _forbidden(request, reason, back_url, back_label):
    """A 403 page that says why, in the register's words."""
    return render(
        request,
        "refused.html",
        {"reason": reason, "back_url": back_url, "back_label": back_label},
        status=403,
    )
