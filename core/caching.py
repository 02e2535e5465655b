"""What a page or an export builds, kept in Django's configured cache until the records it
reads change.

The key includes the records' version (core.data_version): one small query, and the database
itself moves it with every write by any route (a page, an entry screen, an import, a bulk update,
raw SQL), in the same transaction. Nothing has to be told to forget what is kept, so no route can
forget to tell it. Whole pages are kept the same way (core.kept_pages); this module keeps the
parts a page or an export shares between people.

`kept_here` keeps what is shared between a page and its exports in the app server's own process,
as it was built: what holds model instances costs more to copy into and out of a cache than to
build again.
"""

import threading
from collections import OrderedDict

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


#: How many things `kept_here` keeps in each process: the latest built, the others forgotten.
MOST_KEPT_HERE = 8

_here: OrderedDict = OrderedDict()
_here_lock = threading.Lock()


def kept_here(*key, build):
    """What `build()` returns, kept in this process under `key` (which includes the fingerprint)
    as the object itself, not a copy: whoever reads it must not change it. Only the
    MOST_KEPT_HERE latest are kept. Another process (another app server worker) builds its own;
    Django's cache (`kept`) is for what is worth copying between them."""
    with _here_lock:
        if key in _here:
            _here.move_to_end(key)
            return _here[key]
    found = build()
    with _here_lock:
        _here[key] = found
        while len(_here) > MOST_KEPT_HERE:
            _here.popitem(last=False)
    return found


def forget_all() -> None:
    """Forget everything kept, in Django's cache and in this process, as if every record had
    changed (tests: a rolled-back test can leave the next one records with the same version;
    benchmarks: a page built afresh)."""
    cache.clear()
    with _here_lock:
        _here.clear()
