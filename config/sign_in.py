"""Signing in and staying signed in: the session-timeout warning's timings, the endpoint its
"Stay signed in" button posts to, and the page shown after too many failed sign-ins."""

import time

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.sessions import RENEWED_AT, renew_session

# The warning appears this long before the session ends, or halfway through a shorter session.
WARNING_SECONDS = 2 * 60


def session_timeout(request):
    """When the signed-in user's session ends and when to warn them, for the page's
    timeout-warning script. Nothing for a visitor who is not signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    age = settings.SESSION_COOKIE_AGE
    renewed_at = request.session.get(RENEWED_AT)
    left = age if renewed_at is None else max(0, renewed_at + age - int(time.time()))
    return {
        "session_timeout": {
            "idle_seconds": left,
            "warning_seconds": min(WARNING_SECONDS, age // 2),
        }
    }


@never_cache
@require_POST
def stay_signed_in(request):
    """Start the inactivity period again, whenever it was last renewed. CSRF-protected like
    every POST; a visitor whose session has already ended is sent to sign in by the
    login-required middleware."""
    renew_session(request.session, now=int(time.time()), force=True)
    return HttpResponse(status=204)


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows instead of signing in once a username has failed too often from
    one address: what happened and when to try again (429 Too Many Requests). Another failure
    during the cool-off starts it again, so "again" counts from now."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {
            "username": (credentials or {}).get("username") or request.POST.get("username", ""),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": minutes,
            "try_again_at": timezone.localtime() + cool_off,
        },
        status=429,
    )
