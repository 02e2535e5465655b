"""The one refusal page: a 403 that says why, in the words of the rule that refused, and where to
go instead. Every page, entry screen and download that refuses someone raises PermissionDenied;
`Refused` carries a heading and a way back as well as the reason."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

DEFAULT_HEADING = "You cannot do this"


class Refused(PermissionDenied):
    """A refusal the page explains: why (`reason`), under `heading`, with a link back to what
    the person can still read."""

    def __init__(self, reason: str, *, heading: str = DEFAULT_HEADING, back_url="", back_label=""):
        super().__init__(reason)
        self.reason = reason
        self.heading = heading
        self.back_url = back_url
        self.back_label = back_label


def refusal_page(request, exception=None):
    """handler403: the refusal page for any PermissionDenied, saying why when the refusal says."""
    context = {"heading": DEFAULT_HEADING, "reason": ""}
    if isinstance(exception, Refused):
        context.update(
            heading=exception.heading,
            reason=exception.reason,
            back_url=exception.back_url,
            back_label=exception.back_label,
        )
    elif exception is not None and exception.args and isinstance(exception.args[0], str):
        context["reason"] = exception.args[0]
    return render(request, "403.html", context, status=403)
