"""One number that moves whenever any record changes, read in one cheap query.

Every table the pages read carries a trigger, installed by the database itself after each
`migrate` (`install_triggers`, run from core's post_migrate handler), that counts each write in
`core.DataVersion` in the same transaction as the write. So no route can change a record without
moving the version: a page, an entry screen, an import, a bulk `QuerySet.update()`, a management
command or raw SQL all go through the database. What is kept until the records change
(core.kept_pages, core.caching) is kept under the version, and a change is seen by the next
request.

How each database counts:
- SQLite has one writer at a time, so one row holds the count; each row written adds one.
- PostgreSQL counts per server process (`pg_backend_pid()`), once per statement, so that two
  transactions never wait for each other (or deadlock) on the count. The version is every
  process's count together. Once there are more than MOST_COUNTS_KEPT, `version()` removes
  the rows of processes that have ended, which moves the version once.

A row made again after being removed (a test emptying the tables, say) starts with a new random
`generation`, so the version never returns to a value it had before.

Left out: the sessions table (a session is renewed once a minute while it is used, which is not a
change to anything a page shows), django-axes' records of sign-in attempts, the migrations table
and the count itself.
"""

import secrets
import sqlite3
from contextlib import contextmanager

from django.db import connections

from core.models import DataVersion

TABLE = DataVersion._meta.db_table
#: Tables whose writes are not counted (see the module's docstring).
NOT_COUNTED = {TABLE, "django_session", "django_migrations"}
NOT_COUNTED_PREFIXES = ("axes_",)
#: Beyond this many PostgreSQL counts, `version()` removes those of ended processes.
MOST_COUNTS_KEPT = 64

_TRIGGER = "core_data_version"

_SQLITE_COUNT = """
INSERT INTO "{counts}" (backend, generation, changes) VALUES (0, abs(random()), 1)
ON CONFLICT (backend) DO UPDATE SET changes = changes + 1
"""

_SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS "{name}" AFTER {event} ON "{table}" BEGIN
    {count};
END
"""

_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION core_data_version_count() RETURNS trigger AS $$
BEGIN
    INSERT INTO "{counts}" (backend, generation, changes)
    VALUES (pg_backend_pid(), floor(random() * 9e15)::bigint, 1)
    ON CONFLICT (backend) DO UPDATE SET changes = "{counts}".changes + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

_POSTGRESQL_TRIGGER = """
CREATE OR REPLACE TRIGGER "{name}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"
FOR EACH STATEMENT EXECUTE FUNCTION core_data_version_count()
"""

_POSTGRESQL_TIDY = """
DELETE FROM "{counts}" WHERE backend IN (
    SELECT backend FROM "{counts}"
    WHERE backend >= 0 AND backend NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
    FOR UPDATE SKIP LOCKED
)
"""


def counted(table: str) -> bool:
    return table not in NOT_COUNTED and not table.startswith(NOT_COUNTED_PREFIXES)


def counted_tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor, include_views=False)
    return sorted(name for name in names if counted(name))


def install_triggers(using="default") -> None:
    """Give every counted table of the database its counting trigger; those it has already are
    left as they are. Run after every migrate, so a table a migration adds is counted too."""
    connection = connections[using]
    tables = counted_tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        _SQLITE_TRIGGER.format(
                            name=f"{_TRIGGER}_{event.lower()}_{table}",
                            event=event,
                            table=table,
                            count=_SQLITE_COUNT.format(counts=TABLE).strip(),
                        )
                    )
        elif connection.vendor == "postgresql":
            cursor.execute(_POSTGRESQL_FUNCTION.format(counts=TABLE))
            for table in tables:
                cursor.execute(_POSTGRESQL_TRIGGER.format(name=_TRIGGER, table=table))
        else:  # pragma: no cover - the project supports these two
            raise NotImplementedError(f"No data version on {connection.vendor}")
        # What was kept before this migrate is not used after it: the counts start again, under a
        # row (backend -1, which no database process has) with a generation of its own.
        cursor.execute(f'DELETE FROM "{TABLE}"')
        cursor.execute(
            f'INSERT INTO "{TABLE}" (backend, generation, changes) VALUES (-1, %s, 0)',
            [secrets.randbelow(2**62)],
        )


@contextmanager
def counted_once(using="default"):
    """Writes made in the block move the version once, not once per row: for writing back many
    rows at once (the test suite's copies of the demo). On SQLite the counting triggers are off
    for this connection during the block, and one write is counted after it; on PostgreSQL they
    count once per statement already."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    raw.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)
    try:
        yield
    finally:
        raw.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, True)
        raw.execute(_SQLITE_COUNT.format(counts=TABLE))


def tables_without_trigger(using="default") -> list[str]:
    """The counted tables that have no counting trigger: none, after a migrate."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{_TRIGGER}_%"],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name = %s",
                [_TRIGGER],
            )
        with_trigger = {row[0] for row in cursor.fetchall()}
    return [table for table in counted_tables(connection) if table not in with_trigger]


def version(using="default") -> str:
    """The records' version: it changes whenever any counted record is added, changed or
    deleted, and is committed with the change. One query (two, now and then, on PostgreSQL)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT backend, generation, changes FROM "{TABLE}" ORDER BY backend')
        counts = cursor.fetchall()
        if len(counts) > MOST_COUNTS_KEPT and connection.vendor == "postgresql":
            cursor.execute(_POSTGRESQL_TIDY.format(counts=TABLE))
    return ";".join(f"{backend}.{generation}.{changes}" for backend, generation, changes in counts)
