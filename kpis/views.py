"""Pages of the kpis app: the quarterly dashboard and its exports, the indicator page and the
form in which an indicator's owners enter its actuals."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from core import caching, pagination
from core.edit_conflicts import (
    NEW_RECORD,
    EditConflictError,
    conflict_form_errors,
    record_fingerprint,
)
from core.forms import form_errors_from_model
from core.kept_pages import kept_page
from kpis import exports, selectors, services
from kpis.forms import ActualForm, DashboardFilterForm
from kpis.rights import indicator_rights
from plans.locks import quarter_locks
from plans.periods import Quarter, quarter_of

#: How many indicators one page of the dashboard's table shows.
DASHBOARD_PAGE_SIZE = 50


def _chosen_quarter(request, year) -> tuple[Quarter | None, str]:
    """The quarter `?quarter=` asks for, or None for the selector's default; and, for a value
    that is no quarter of the year, what is wrong with it."""
    text = request.GET.get("quarter", "")
    if not text:
        return None, ""
    try:
        return Quarter.parse(year, text), ""
    except ValueError as error:
        return None, str(error)


def _showing_instead(wrong_quarter: str, quarter: Quarter) -> str:
    """What a page says above itself when `?quarter=` named no quarter of the year: what was
    wrong, and the quarter it shows instead."""
    if not wrong_quarter:
        return ""
    return f"{wrong_quarter} Showing quarter {quarter.number}, the latest with data."


def _filters(request) -> selectors.DashboardFilters:
    return selectors.DashboardFilters(
        owner=request.GET.get("owner", ""),
        tier=request.GET.get("tier", ""),
        group=request.GET.get("group", ""),
    )


@require_safe
@kept_page
def dashboard(request, year):
    quarter, wrong_quarter = _chosen_quarter(request, year)
    data = selectors.kept_dashboard(
        year=year, quarter=quarter, filters=_filters(request), fingerprint=caching.fingerprint()
    )
    # Every indicator counts in the RAG summary; the table shows one page of them.
    pager = pagination.pager_of(
        request.GET.get("page", ""),
        size=DASHBOARD_PAGE_SIZE,
        count=len(data.rows),
        query={"quarter": data.quarter.number, **vars(data.filters)},
    )
    return render(
        request,
        "kpis/dashboard.html",
        {
            "dashboard": data,
            "pager": pager,
            "rows": pager.page.slice(data.rows),
            "filter_form": DashboardFilterForm(data),
            "plan_year": data.plan_year,
            "wrong_quarter": _showing_instead(wrong_quarter, data.quarter),
        },
    )


@require_safe
@kept_page
def dashboard_export(request, year, extension):
    if extension not in exports.FORMATS:
        raise Http404("No such export.")
    quarter, wrong_quarter = _chosen_quarter(request, year)
    if wrong_quarter:
        # A file is saved and passed on: it holds the quarter asked for or nothing.
        raise Http404(wrong_quarter)
    return exports.FORMATS[extension](
        selectors.kept_dashboard(
            year=year, quarter=quarter, filters=_filters(request), fingerprint=caching.fingerprint()
        )
    )


def _signed_off(indicator, periods, locks) -> dict[datetime.date, str]:
    """The periods of `periods` in a signed-off quarter, each with "Quarter 2 is signed off"."""
    return {
        period: f"Quarter {quarter_of(period)} is signed off"
        for period in periods
        if locks.is_locked(indicator.plan_year, period)
    }


@require_safe
@kept_page
def indicator_detail(request, year, ref):
    quarter, wrong_quarter = _chosen_quarter(request, year)
    detail = selectors.indicator_detail(year=year, ref=ref, quarter=quarter)
    rights = indicator_rights(request.user)
    period_rows = [row for row in detail.rows if not (row.subtotal or row.to_date)]
    signed_off = _signed_off(
        detail.indicator,
        [row.period for row in period_rows],
        quarter_locks(plan_year=detail.indicator.plan_year),
    )
    for row in period_rows:
        row.signed_off = signed_off.get(row.period, "")
    return render(
        request,
        "kpis/indicator.html",
        {
            "indicator": detail.indicator,
            "detail": detail,
            "status": detail.status,
            "wrong_quarter": _showing_instead(wrong_quarter, detail.quarter),
            "may_enter": rights.may_enter_actuals(detail.indicator),
            # Its owners explain it in the quarterly report (reports.explaining asks the same).
            "answers_for": rights.answers_for(detail.indicator),
            "entered": request.GET.get("entered", ""),
            "history": selectors.indicator_history(indicator=detail.indicator),
        },
    )


def _chosen_period(text, detail, today) -> datetime.date:
    """The period asked for, else the latest begun period with no actual, else the latest."""
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        pass
    begun = [period for period in detail.status.periods if period <= today]
    missing = [period for period in begun if period not in detail.status.actuals]
    return (missing or begun or detail.status.periods)[0 if missing else -1]


@require_http_methods(["GET", "POST"])
@kept_page
def actual_entry(request, year, ref):
    """Enter or correct one period's actual. The form carries the fingerprint of the actual as
    it was opened, so a correction never silently replaces someone else's."""
    detail = selectors.indicator_detail(year=year, ref=ref)
    indicator = detail.indicator
    refusal = indicator_rights(request.user).actuals_refusal(indicator)
    if refusal:
        raise PermissionDenied(refusal)
    today = timezone.localdate()
    measurements = {
        row.measurement.period: row.measurement for row in detail.rows if row.measurement
    }
    form_options = {
        "indicator": indicator,
        "actuals": detail.actuals,
        "period_targets": {t.period: t.target for t in indicator.targets.all()},
        "today": today,
    }
    if request.method == "POST":
        form = ActualForm(request.POST, **form_options)
        posted = request.POST.get("period", "")
        existing = next((m for p, m in measurements.items() if p.isoformat() == posted), None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.measurement_record(
                        indicator=indicator,
                        period=data["period"],
                        value=data["value"],
                        numerator=data["numerator"],
                        denominator=data["denominator"],
                        commentary=data["commentary"].strip(),
                        user=request.user,
                        opened_version=data["record_version"] or NEW_RECORD,
                    )
            except EditConflictError as error:
                conflict_form_errors(form, error)
            except ValidationError as error:
                form_errors_from_model(form, error)
            else:
                return redirect(
                    f"{indicator.get_absolute_url()}?entered={data['period'].isoformat()}"
                )
    else:
        period = _chosen_period(request.GET.get("period"), detail, today)
        existing = measurements.get(period)
        initial = {"period": period.isoformat(), "record_version": NEW_RECORD}
        if existing is not None:
            initial.update(
                value=existing.value,
                numerator=existing.numerator,
                denominator=existing.denominator,
                commentary=existing.commentary,
            )
            initial = {
                name: ("" if value is None else _plain(value)) for name, value in initial.items()
            }
            initial["record_version"] = record_fingerprint(existing)
        form = ActualForm(initial=initial, **form_options)
    # The periods of a signed-off quarter are shown read-only, saying so.
    locks = quarter_locks(plan_year=indicator.plan_year)
    signed_off = _signed_off(indicator, indicator.periods(), locks)
    form.fields["period"].widget.choices = [
        (value, f"{label} ({signed_off[period]})" if period in signed_off else label)
        for (value, label), period in zip(
            form.fields["period"].widget.choices, indicator.periods(), strict=True
        )
    ]
    chosen = next((p for p in signed_off if p.isoformat() == form["period"].value()), None)
    return render(
        request,
        "kpis/actual_form.html",
        {
            "indicator": indicator,
            "form": form,
            "existing": existing,
            "detail": detail,
            # On opening a period of a signed-off quarter the form is not offered; a refused
            # save says why on the form.
            "signed_off": signed_off[chosen] if chosen and request.method == "GET" else "",
            "lock_reason": locks.refusal(indicator.plan_year, chosen) if chosen else "",
            "history": selectors.indicator_history(indicator=indicator),
        },
    )


def _plain(value) -> str:
    """A stored figure as a person would type it back: 4100.0000 -> 4100."""
    if hasattr(value, "normalize"):
        normalised = value.normalize()
        return f"{normalised:f}"
    return str(value)
