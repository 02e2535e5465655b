"""The quarterly report kept between requests until the records it reads change.

Building a quarter's report reads every indicator, measurement, milestone, budget line, risk and
recommendation of the plan year and renders a long page: about a tenth of a second. Most requests
ask for a report whose records have not changed since it was last built, so the built report (its
data, its sections as HTML, its PDF and workbook) is kept in Django's configured cache under a
key that includes a fingerprint of the records the report may read (core.caching, which says how
any change moves it).
"""

from core import caching

#: The apps whose records a report reads (reports for the explanations), and auth for who is in
#: which group (the preparation lists give the budget's items to corporate services).
REPORTED_APPS = ("plans", "kpis", "risks", "budgets", "reports", "auth")
#: Bump when the kept data or the sections' HTML change shape, so none kept earlier is used.
VERSION = 2
#: The longest a kept report is used, seconds: a bound on a change made without history.
TIMEOUT = caching.TIMEOUT


def fingerprint() -> str:
    """A short digest of the state of every table a report may read: it changes whenever any
    of their records is added, changed (with its history) or deleted. One query."""
    return caching.fingerprint(REPORTED_APPS)


def kept(*key, build):
    """What `build()` returns, kept in the cache under `key` (which, for anything read from the
    live records, includes the fingerprint): built only when not already kept."""
    return caching.kept("quarterly-report", VERSION, *key, build=build, timeout=TIMEOUT)
