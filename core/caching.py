"""What a page or an export builds, kept in Django's configured cache until the records it
reads change.

The key includes a fingerprint of the records: one query that reads, for each table of the
apps named, how many rows it has and its highest key, for each audit-history table when it last
changed, and for each link table without history (a project's objectives and aims) which pairs
it holds. Any write through the application (a page, an entry screen, an import, a bulk update:
all of them record history, bulk ones with simple_history's bulk helpers) adds a historical
row, so the fingerprint moves and the next request builds afresh; nothing has to be told to
forget what is kept, so no route can forget to tell it. Rows added or deleted without history
still move the counts; an in-place `QuerySet.update()` that skips the history would not, which
is why entries also expire after `TIMEOUT` seconds.

core names no domain app: each user of this module says which apps' records it reads.
"""

import functools
import hashlib

from django.apps import apps
from django.core.cache import cache
from django.db import connection

#: The longest anything is kept, seconds: a bound on a change made without history.
TIMEOUT = 15 * 60


def _columns(model) -> list[str]:
    """What the fingerprint reads of one table, as SQL expressions."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    found = ["COUNT(*)", f"MAX({pk})"]
    if model._meta.auto_created:
        # A many-to-many link table without history: which pairs it holds, not just how many.
        first, second = (quote(field.column) for field in model._meta.fields if field.is_relation)
        found += [f"SUM({first})", f"SUM({second})", f"SUM({first} * {second})"]
    names = {field.name for field in model._meta.fields}
    if "history_date" in names:
        found.append(f"MAX({quote('history_date')})")
    if "updated_at" in names:
        found.append(f"MAX({quote('updated_at')})")
    return found


@functools.cache
def _sql_for(vendor: str, app_labels: tuple[str, ...]) -> str:
    """One row per table of the apps: its label and what `_columns` reads of it."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in app_labels or not model._meta.managed:
            continue
        columns = " || '|' || ".join(
            f"COALESCE(CAST({column} AS TEXT), '')" for column in _columns(model)
        )
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"SELECT '{model._meta.label}', {columns} FROM {table}")
    return " UNION ALL ".join(parts)


def fingerprint(app_labels: tuple[str, ...]) -> str:
    """A short digest of the state of every table of the apps `app_labels`: it changes whenever
    any of their records is added, changed (with its history) or deleted. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_sql_for(connection.vendor, tuple(app_labels)))
        rows = cursor.fetchall()
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:32]


def kept(*key, build, timeout=TIMEOUT):
    """What `build()` returns, kept in the cache under `key` (which, for anything read from the
    live records, includes the fingerprint): built only when not already kept."""
    name = ":".join(map(str, key))
    found = cache.get(name)
    if found is None:
        found = build()
        cache.set(name, found, timeout)
    return found
