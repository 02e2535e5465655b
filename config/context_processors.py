from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from plans import selectors as plan_selectors
from reports import rights as report_rights
from reports import selectors as report_selectors


def organisation(request):
    """The organisation name for the page header."""
    return {"organisation_name": settings.ORGANISATION_NAME}


def _current_plan_year(request):
    """The current plan year, looked up once per request however many times it is used."""
    if not hasattr(request, "_current_plan_year"):
        request._current_plan_year = plan_selectors.current_plan_year(today=timezone.localdate())
    return request._current_plan_year


def current_plan_year(request):
    """The plan year the header's links open on, looked up only when a page uses it."""
    return {"current_plan_year": SimpleLazyObject(lambda: _current_plan_year(request))}


#: The header section each part of the site belongs to, by URL namespace or name.
SECTIONS = {
    "my-work": "my-work",
    "kpis": "indicators",
    "budgets": "budget",
    "risks": "risks",
    # The recommendations tracker is a plans page, reached from the register's part of the site.
    "recommendations": "risks",
    "recommendation-response": "risks",
    "reports": "reports",
}


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "admin":
        return "admin"
    return SECTIONS.get(match.namespace) or SECTIONS.get(match.url_name) or "plans"


def _report_url(request) -> str:
    """The current plan year's quarterly report, at the latest quarter ended by today."""
    year = _current_plan_year(request)
    quarter = report_selectors.default_quarter(plan_year=year, today=timezone.localdate())
    return reverse("reports:quarter", args=[year.year, quarter.number])


def quarterly_report(request):
    """Whether the person may read the quarterly reports, and the link to the current one, for
    the pages that link to them (reports.rights, the one rule): looked up only when used."""

    def link() -> str:
        if _current_plan_year(request) is None or not report_rights.may_read_reports_for(request):
            return ""
        return _report_url(request)

    return {
        "may_read_reports": lambda: report_rights.may_read_reports_for(request),
        "current_report_url": link,
    }


def navigation(request):
    """The header's links, the one for the part of the site the person is in marked as such
    (GOV.UK service navigation). Built only when a page shows the header."""

    def items() -> list[dict]:
        year = _current_plan_year(request)
        links = [("plans", "Plans", reverse("home")), ("my-work", "My work", reverse("my-work"))]
        if year is not None:
            links += [
                ("indicators", "Indicators", reverse("kpis:dashboard", args=[year.year])),
                ("budget", "Budget", reverse("budgets:variance", args=[year.year])),
                ("risks", "Risks", reverse("risks:register", args=[year.year])),
            ]
            if report_rights.may_read_reports_for(request):
                links.append(("reports", "Quarterly report", _report_url(request)))
        if request.user.is_staff:
            links.append(("admin", "Enter and update", reverse("admin:index")))
        section = _section(request)
        return [
            {"label": label, "href": href, "active": key == section, "page": href == request.path}
            for key, label, href in links
        ]

    return {"navigation_items": items}
