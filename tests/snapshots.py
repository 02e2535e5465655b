"""Copies of the test database's rows, taken once and written back in a fraction of a second.

Loading the demo plans takes seconds (the YAML is read, every record validated and its history
written); writing the rows it left back takes milliseconds. So the suite loads the demo once per
test process, keeps a copy of every table, and gives each module or browser test that copy
instead of loading it again. The copy is exact: SQLite rows are read by a plain connection, which
sees the values as stored (no Django conversions), and PostgreSQL tables travel by binary COPY.

A snapshot only ever returns to the database it was taken from, in the same test process, so the
content types, permissions and primary keys it holds are the ones that database has.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import transaction

from core import data_version

# Never written by a test, and its rows describe the schema both copies share; and the data
# version, which the database's triggers keep counting as the rows are written back (a copy of it
# would put back a version the database had before).
UNCHANGING_TABLES = {"django_migrations", "core_dataversion"}


def quote(connection, table):
    return connection.ops.quote_name(table)


def table_names(connection):
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor, include_views=False)
    return sorted(name for name in names if name not in UNCHANGING_TABLES)


@dataclass
class Snapshot:
    """Every row of every table of one database at one moment (committed rows only)."""

    vendor: str
    tables: dict[str, object] = field(default_factory=dict)

    @classmethod
    def take(cls, connection) -> Snapshot:
        """Copy the committed contents of `connection`'s database."""
        snapshot = cls(vendor=connection.vendor)
        names = table_names(connection)
        if connection.vendor == "sqlite":
            snapshot.tables = _sqlite_rows(connection, names)
        elif connection.vendor == "postgresql":
            snapshot.tables = _postgresql_copies(connection, names)
        else:  # pragma: no cover - the project supports these two
            raise NotImplementedError(f"No snapshots for {connection.vendor}")
        return snapshot

    def restore(self, connection) -> None:
        """Make the database hold exactly the snapshot's rows, in one transaction (a savepoint
        when a transaction is open, so that a surrounding rollback undoes it), counted as one
        change of the records' version (core.data_version), not one per row."""
        assert connection.vendor == self.vendor, "a snapshot returns to its own database"
        alias = connection.alias
        with transaction.atomic(using=alias), data_version.counted_once(alias):
            if self.vendor == "sqlite":
                _sqlite_restore(connection, self.tables)
            else:
                _postgresql_restore(connection, self.tables)


def _sqlite_rows(connection, names):
    # A second, plain connection reads the values as SQLite stores them; the Django connection
    # would turn dates, decimals and booleans into Python objects that do not write back the same.
    reader = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        tables = {}
        for name in names:
            cursor = reader.execute(f"SELECT * FROM {quote(connection, name)}")
            columns = [description[0] for description in cursor.description]
            tables[name] = (columns, cursor.fetchall())
        return tables
    finally:
        reader.close()


def _sqlite_restore(connection, tables):
    raw = connection.connection
    # Foreign keys are deferred to the commit, by which time every row is back.
    for name in tables:
        raw.execute(f"DELETE FROM {quote(connection, name)}")
    for name, (columns, rows) in tables.items():
        if rows:
            names = ", ".join(quote(connection, column) for column in columns)
            marks = ", ".join("?" for _ in columns)
            raw.executemany(
                f"INSERT INTO {quote(connection, name)} ({names}) VALUES ({marks})",
                rows,
            )


def _postgresql_copies(connection, names):
    connection.ensure_connection()
    tables = {}
    with connection.connection.cursor() as cursor:
        for name in names:
            chunks = []
            with cursor.copy(f"COPY {quote(connection, name)} TO STDOUT (FORMAT binary)") as copy:
                chunks.extend(bytes(chunk) for chunk in copy)
            tables[name] = b"".join(chunks)
    return tables


def _postgresql_restore(connection, tables):
    with connection.connection.cursor() as cursor:
        # DELETE, not TRUNCATE: for tables this small it is several times faster, and foreign
        # keys are deferred to the commit, by which time every row is back.
        for name in tables:
            cursor.execute(f"DELETE FROM {quote(connection, name)}")
        for name, data in tables.items():
            with cursor.copy(f"COPY {quote(connection, name)} FROM STDIN (FORMAT binary)") as copy:
                copy.write(data)
        # New rows made by the test after this get primary keys past the restored ones.
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
