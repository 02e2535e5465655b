"""Pages and exports kept whole until the records change.

Most requests ask for a page whose records have not changed since it was last built for the same
person: a director going back to the dashboard from an indicator, corporate services opening the
variance page again. `kept_page` keeps what a view answers, for one person, one address (query
string included) and one day, under the records' version (core.data_version: one query, and it
moves with every write by any route), and answers from it until one of those changes. A person's
page is never shown to another: it holds their name, what their roles let them do, and the forms'
CSRF tokens for their browser.

Only a GET that answers 200, sets no cookie (but the CSRF one) and adds no message is kept; a
request that has a message waiting (after a save, say) is built afresh, so the message shows. Two
values on a page change with each request, and are written again when a kept page is answered: the
seconds the session has left (templates/includes/session_timeout.html), and the Content Security
Policy nonce, where the page has one (the entry screens' templates).
"""

import functools
import hashlib
import re
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone

from core import data_version
from core.sessions import seconds_left

#: Bump when what is kept changes shape, so that nothing kept earlier is used.
FORMAT = 1
#: The longest a page is kept, seconds: pages unread for this long make room for others.
TIMEOUT = 15 * 60
#: Headers the view set that go with the page (those set by middleware are set again).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
_IDLE_SECONDS = re.compile(rb'data-idle-seconds="\d+"')


def _key(request) -> str | None:
    """Where the request's page is kept, or None when it cannot be kept."""
    user = request.user
    if request.method != "GET" or not user.is_authenticated or len(get_messages(request)):
        return None
    # Every signed-in page holds a form (signing out, at least), so the browser gets its CSRF
    # secret with its first page if it has none yet.
    get_token(request)
    csrf_secret = request.META["CSRF_COOKIE"]
    parts = (
        request.get_full_path(),
        user.pk,
        # The forms' tokens are for this browser's CSRF secret, which is never written in a key.
        hashlib.sha256(csrf_secret.encode()).hexdigest(),
        timezone.localdate().isoformat(),
        data_version.version(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"kept-page:{FORMAT}:{digest}"


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        # The CSRF cookie is set again with every page that has a form, kept or not.
        and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        and not getattr(get_messages(request), "_queued_messages", ())
    )


def _kept(request, response):
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    nonce = get_nonce(request)
    return headers, response.content, str(nonce) if nonce else None


def _answer(request, kept) -> HttpResponse:
    headers, content, nonce = kept
    if headers.get("Content-Type", "").startswith("text/html"):
        left = seconds_left(request.session, now=int(time.time()))
        content = _IDLE_SECONDS.sub(f'data-idle-seconds="{left}"'.encode(), content, count=1)
    if nonce:
        # Reading the request's nonce puts it in the response's policy header too.
        content = content.replace(nonce.encode(), str(get_nonce(request)).encode())
    return HttpResponse(content, headers=headers)


def kept_page(view):
    """Answer `view`'s GET requests from what it answered before for the same person, address
    and day, while no record has changed (see the module's docstring)."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        kept = cache.get(key)
        if kept is not None:
            return _answer(request, kept)
        response = view(request, *args, **kwargs)

        def keep(response):
            if _keepable(request, response):
                cache.set(key, _kept(request, response), TIMEOUT)

        if getattr(response, "is_rendered", True):
            keep(response)
        else:
            response.add_post_render_callback(keep)
        return response

    return answer
