"""The quarterly report kept between requests until the records it reads change.

Building a quarter's report reads every indicator, measurement, milestone, budget line, risk and
recommendation of the plan year and renders a long page: about a tenth of a second. Most requests
ask for a report whose records have not changed since it was last built, so the built report (its
data, its sections as HTML, its PDF and workbook) is kept in Django's configured cache under a
key that includes the records' version (core.caching, which says how any change moves it).
"""

from core import caching

#: Bump when the kept data or the sections' HTML change shape, so none kept earlier is used.
VERSION = 2
#: The longest a kept report is kept unread, seconds.
TIMEOUT = caching.TIMEOUT


def fingerprint() -> str:
    """The records' version: it changes whenever any record is added, changed or deleted. One
    query."""
    return caching.fingerprint()


def kept(*key, build):
    """What `build()` returns, kept in the cache under `key` (which, for anything read from the
    live records, includes the fingerprint): built only when not already kept."""
    return caching.kept("quarterly-report", VERSION, *key, build=build, timeout=TIMEOUT)
