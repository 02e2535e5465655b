"""Who may read the quarterly Leadership Team performance report: one rule, asked by the report's
page and by every link to it (the header, the home page, the dashboard).

The report is the Leadership Team's: directors read it, and administrators, who read
everything. Staff and corporate services are refused, with the reason; they read the dashboard,
the budget and the register each through its own page.
"""

from core import permissions
from risks.rights import is_director

REFUSAL = (
    "The quarterly performance report is for the Leadership Team: only directors and "
    "administrators can read it."
)
HEADING = "You cannot read the quarterly report"


def may_read_reports(user) -> bool:
    """Whether `user` may read the quarterly reports: an active director or administrator.
    Remembered on the user object, so the header and the page ask once."""
    if not user.is_authenticated or not user.is_active:
        return False
    return permissions.is_administrator(user) or is_director(user)


def may_read_reports_for(request) -> bool:
    """may_read_reports for the signed-in person, worked out once per request."""
    return permissions.once_per_request(
        request, "may_read_reports", lambda: may_read_reports(request.user)
    )


SIGN_OFF_REFUSAL = "Only directors sign off the quarterly report: it is the Leadership Team's."
REOPEN_REFUSAL = "Only administrators reopen a signed-off quarter."


def may_sign_off(user) -> bool:
    """Whether `user` may sign off a quarter's report: an active director. The report is the
    Leadership Team's, who receive it; an administrator keeps the records and reopens a
    quarter, but does not sign for the Leadership Team."""
    return user.is_authenticated and user.is_active and is_director(user)


def may_reopen(user) -> bool:
    """Whether `user` may reopen a signed-off quarter: an administrator."""
    return permissions.is_administrator(user)


RETURN_REFUSAL = (
    "Only directors return a commentary or corrective action for revision: they review them "
    "for the Leadership Team's report."
)


def may_return_for_revision(user) -> bool:
    """Whether `user` may return an owner's commentary or corrective action for revision: an
    active director, as for the sign-off. Reviewing what owners wrote is the Leadership Team's
    part in preparing its report; administrators keep the records but do not judge them."""
    return may_sign_off(user)
