"""On SQLite, the embedded default, two people saving the same record at the same moment get a
save and an edit-conflict message, never a 500 "database is locked".

The writers run against a database file of their own (the test database is in memory, which
has no file locks to contend for), in separate threads and in separate processes; see
tests/sqlite_writers.py. The database file is SQLite whatever DATABASE_URL the suite runs with.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

WRITERS = Path(__file__).resolve().parent / "sqlite_writers.py"
TIMEOUT_SECONDS = 120


def writers_environment(database):
    return {**os.environ, "DEBUG": "on", "DATABASE_URL": f"sqlite:///{database}"}


@pytest.fixture(scope="module")
def prepared_database(request, tmp_path_factory):
    """A migrated SQLite file holding the role both writers edit, made once for the module.

    When the suite runs on SQLite, the file starts as a copy of the suite's own migrated test
    database (SQLite's backup API, milliseconds), and the writers' `prepare` finds every
    migration applied; otherwise `prepare` migrates the empty file (seconds)."""
    database = tmp_path_factory.mktemp("writers") / "db.sqlite3"
    if connection.vendor == "sqlite":
        # Asked for here, not as an argument: on another database these tests need none, and
        # the second run of the suite (--database-dependent-only) leaves them out.
        copy_the_migrated_test_database(
            request.getfixturevalue("migrated_database"),
            request.getfixturevalue("django_db_blocker"),
            database,
        )
    run_writers("prepare", environment=writers_environment(database))
    return database


def copy_the_migrated_test_database(migrated_database, django_db_blocker, database):
    """Write the test database, holding what the migrations left, to the file `database`."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "copied outside any test's transaction"
        migrated_database.restore(connection)
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()


@pytest.fixture
def writers_database(prepared_database, tmp_path):
    """The environment of a writer: a copy of the prepared database file, its own to change."""
    database = tmp_path / "db.sqlite3"
    for suffix in ("", "-wal"):
        source = prepared_database.with_name(prepared_database.name + suffix)
        if source.exists():
            shutil.copyfile(source, database.with_name(database.name + suffix))
    return writers_environment(database)


def run_writers(*args, environment) -> list:
    result = subprocess.run(
        [sys.executable, str(WRITERS), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def assert_one_saved_and_one_told_of_the_conflict(rounds):
    for outcomes in rounds:
        assert sorted(outcomes) == ["conflict", "saved"], outcomes


def test_two_threads_saving_one_record_get_a_save_and_a_conflict(writers_database):
    rounds = run_writers("threads", "5", environment=writers_database)
    assert len(rounds) == 5
    assert_one_saved_and_one_told_of_the_conflict(rounds)


def test_two_admin_saves_of_one_record_get_a_save_and_a_conflict_message(writers_database):
    rounds = run_writers("admin", "3", environment=writers_database)
    assert len(rounds) == 3
    assert_one_saved_and_one_told_of_the_conflict(rounds)


def test_two_processes_saving_one_record_get_a_save_and_a_conflict(writers_database):
    processes = [
        subprocess.Popen(
            [sys.executable, str(WRITERS), "process", name],
            env=writers_database,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    # A writer that hangs is stopped, and the test fails on what it did not say.
    watchdog = threading.Timer(TIMEOUT_SECONDS, lambda: [p.kill() for p in processes])
    watchdog.start()
    rounds = []
    try:
        for _ in range(3):
            for writer in processes:
                assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
            for writer in processes:
                writer.stdin.write("go\n")
                writer.stdin.flush()
            rounds.append([json.loads(writer.stdout.readline()) for writer in processes])
    finally:
        watchdog.cancel()
        for writer in processes:
            writer.stdin.close()
            writer.wait(timeout=TIMEOUT_SECONDS)
            writer.stdout.close()
            writer.stderr.close()
    assert_one_saved_and_one_told_of_the_conflict(rounds)


def test_a_save_during_someone_elses_import_preview_is_not_delayed(writers_database):
    """An import preview writes nothing and opens no transaction, so it holds no write lock:
    a save made while it runs goes through at once. (Its dry run used to hold SQLite's write
    lock throughout, and the save waited the busy timeout, here 5 s, then failed.)"""
    environment = {**writers_database, "SQLITE_TIMEOUT": "5"}

    [outcome] = run_writers("preview", environment=environment)

    assert outcome["preview"] == 200
    assert outcome["save"] == "saved"
    # The save itself sleeps 0.2 s (sqlite_writers.SLOW_SAVE_SECONDS).
    assert outcome["seconds"] < 2
