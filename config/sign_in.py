"""Signing in and staying signed in: the session-timeout warning's timings, the endpoint its
"Stay signed in" button posts to, the sign-in form, and the page shown after too many failed
sign-ins."""

import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import GovukFormMixin
from core.sessions import renew_session, seconds_left

# The warning appears this long before the session ends, or halfway through a shorter session.
WARNING_SECONDS = 2 * 60


def session_timeout(request):
    """When the signed-in user's session ends and when to warn them, for the page's
    timeout-warning script. Nothing for a visitor who is not signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": {
            "idle_seconds": seconds_left(request.session, now=int(time.time())),
            "warning_seconds": min(WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2),
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


class AccountCapHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher cap per account.

    A user name and address pair is locked out after AXES_FAILURE_LIMIT failures, as before.
    Across all addresses, an account that has failed AXES_ACCOUNT_FAILURE_LIMIT times within the
    cool-off is locked out too, so that guessing from many addresses is slowed to that many
    guesses per cool-off; but not at an address it signed in from successfully (within the
    30 days sign-in records are kept), so that a stranger guessing a colleague's password does
    not lock the colleague out where they usually sign in."""

    def get_failures(self, request, credentials=None) -> int:
        totals = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        by_address, by_account = totals[0], max(totals)
        request.axes_account_capped = (
            by_account >= settings.AXES_ACCOUNT_FAILURE_LIMIT
            and not signed_in_from_here_before(request, credentials)
        )
        if request.axes_account_capped:
            return max(by_address, get_failure_limit(request, credentials))
        return by_address


def signed_in_from_here_before(request, credentials) -> bool:
    username = get_client_username(request, credentials)
    return AccessLog.objects.filter(username=username, ip_address=request.axes_ip_address).exists()


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
            "account_capped": getattr(request, "axes_account_capped", False),
            "account_failure_limit": settings.AXES_ACCOUNT_FAILURE_LIMIT,
            "cool_off_minutes": minutes,
            "try_again_at": timezone.localtime() + cool_off,
        },
        status=429,
    )


class SignInForm(GovukFormMixin, AuthenticationForm):
    """The sign-in page's form: Django's, drawn as GOV.UK fields. Focus stays where the page
    starts (no autofocus), so a screen reader reads the page from its top."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"].widget.attrs
        username.pop("autofocus", None)
        username.update({"class": "govuk-!-width-one-half", "spellcheck": "false"})
        self.fields["password"].widget.attrs["class"] = "govuk-!-width-one-half"
        self.govuk_widgets()
