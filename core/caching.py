"""What a page or an export builds, kept in Django's configured cache until the records it
reads change.

The key includes the records' version (core.data_version): one small query, and the database
itself moves it with every write by any route (a page, an entry screen, an import, a bulk update,
raw SQL), in the same transaction. Nothing has to be told to forget what is kept, so no route can
forget to tell it. Whole pages are kept the same way (core.kept_pages); this module keeps the
parts a page or an export shares between people.
"""

from django.core.cache import cache

from core import data_version

#: The longest anything is kept, seconds: what is not read for this long makes room for others.
TIMEOUT = 15 * 60


def fingerprint() -> str:
    """The records' version: it changes whenever any record is added, changed or deleted."""
    return data_version.version()


def kept(*key, build, timeout=TIMEOUT):
    """What `build()` returns, kept in the cache under `key` (which, for anything read from the
    live records, includes the fingerprint): built only when not already kept."""
    name = ":".join(map(str, key))
    found = cache.get(name)
    if found is None:
        found = build()
        cache.set(name, found, timeout)
    return found
