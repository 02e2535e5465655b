from django.conf import settings
from django.utils.functional import SimpleLazyObject

from plans import selectors as plan_selectors


def organisation(request):
    """The organisation name for the page header."""
    return {"organisation_name": settings.ORGANISATION_NAME}


def current_plan_year(request):
    """The plan year the header's links open on, looked up only when a page uses it."""
    return {"current_plan_year": SimpleLazyObject(plan_selectors.current_plan_year)}
