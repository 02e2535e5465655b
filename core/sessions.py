"""Sessions that end after a period of inactivity (SESSION_COOKIE_AGE) and are renewed while
they are used, writing to the database at most once a minute."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

# The session key that holds when the session was last renewed (seconds since the epoch).
RENEWED_AT = "renewed_at"


def renewal_interval():
    """How often, at most, a session in use is renewed: once a minute (a tenth of a shorter
    session), so that reading pages does not write to the database on every request."""
    return min(60, settings.SESSION_COOKIE_AGE // 10)


def seconds_left(session, *, now) -> int:
    """How long the signed-in session has left before it ends unused, in whole seconds."""
    age = settings.SESSION_COOKIE_AGE
    renewed_at = session.get(RENEWED_AT)
    return age if renewed_at is None else max(0, renewed_at + age - now)


def renew_session(session, *, now, force=False):
    """Start the signed-in session's inactivity period again, unless it was started again less
    than renewal_interval() ago. Saving the session moves its end (in the database and in the
    cookie) to SESSION_COOKIE_AGE from now."""
    renewed_at = session.get(RENEWED_AT)
    if force or renewed_at is None or now - renewed_at >= renewal_interval():
        session[RENEWED_AT] = now


class SessionRenewalMiddleware:
    """Each request of a signed-in user renews the session, so that it ends after
    SESSION_IDLE_MINUTES without a request. Unlike SESSION_SAVE_EVERY_REQUEST it writes at most
    once a minute: on SQLite every write waits for the others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A visitor who is not signed in gets no session saved at all.
        if request.session.get(SESSION_KEY):
            renew_session(request.session, now=int(time.time()))
        return self.get_response(request)


def start_inactivity_period(sender, request, user, **kwargs):
    """Signing in saves the session anyway: note the renewal then, so that the first page after
    signing in does not write it again."""
    renew_session(request.session, now=int(time.time()), force=True)
