"""Fixtures and settings every test shares.

- Password hashing is deliberately slow (about a second a hash on these machines); tests check
  which password a user has, not how hard it is to crack, so they all use the fast MD5 hasher.
- The database as the migrations leave it, and the demo plans loaded once per test process, are
  kept as snapshots (tests/snapshots.py): a test that reads the demo, or a browser test that
  changes it, gets a copy in milliseconds instead of a load that takes seconds.
- Records that several tests only read may be written once for all of them, in a transaction
  held open around the tests and rolled back after the last (`data_shared_by_the_tests`), as
  Django's `TestCase.setUpTestData` does.
- `--database-dependent-only` runs just the tests whose outcome can depend on the database
  engine, for a second run of the suite on another database (see `pytest_collection_modifyitems`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from core import caching
from tests.plans.factories import UserFactory
from tests.snapshots import Snapshot

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A test that asks for any of these reads or writes the test database.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-dependent-only",
        action="store_true",
        help=(
            "Run only the tests that use the test database and could give another result on "
            "another engine; leave out those that need no database and the browser tests "
            "(run them once, on the first database)."
        ),
    )


def uses_the_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def runs_here(item, config) -> bool:
    """Whether this run keeps `item`: a test marked `postgresql` (what only PostgreSQL can do,
    such as two writing transactions overlapping) only on PostgreSQL; with
    --database-dependent-only, only the tests another engine could change."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if item.get_closest_marker("postgresql") and "postgresql" not in engine:
        return False
    if config.getoption("--database-dependent-only"):
        return uses_the_database(item) and not item.get_closest_marker("browser")
    return True


def pytest_collection_modifyitems(config, items):
    """Deselect what this run does not run (runs_here), rather than skip it: with
    --database-dependent-only, the tests another engine cannot change (those that touch no
    database, such as pure calculations and subprocess checks with a database of their own, and
    the browser tests, which check what a page shows and how accessible it is; the views behind
    them run on every engine through the client tests); and on SQLite, the PostgreSQL tests."""
    kept, deselected = [], []
    for item in items:
        (kept if runs_here(item, config) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    """Each test starts with an empty cache: what the pages keep (the quarterly report, the
    preparation lists) is keyed on a fingerprint of the records, and a rolled-back test can
    leave the next one records with the same counts and keys."""
    caching.forget_all()
    yield
    caching.forget_all()


# What the migrations left, and pytest-django's database blocker, kept by django_db_setup.
MIGRATED = pytest.StashKey[tuple]()


def commits_to_the_database(item) -> bool:
    """A transactional test commits, and pytest-django empties every table after it."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that commits, put back what the migrations left (the groups the data
    migrations create included), rather than the empty tables pytest-django's flush leaves: the
    next test in this process, whichever it is, then starts from the migrated database. This is
    what lets xdist hand any test to any process (its worksteal scheduler)."""
    result = yield
    kept = item.config.stash.get(MIGRATED, None)
    # With no next test, the session's fixtures (the test database among them) are gone.
    if kept is not None and nextitem is not None and commits_to_the_database(item):
        migrated, django_db_blocker = kept
        with django_db_blocker.unblock():
            migrated.restore(connection)
    return result


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database, created and migrated; gives a snapshot of what the migrations left
    (the groups, permissions and content types), to restore after a test that commits."""
    with django_db_blocker.unblock():
        migrated = Snapshot.take(connection)
    request.config.stash[MIGRATED] = (migrated, django_db_blocker)
    return migrated


@pytest.fixture(scope="session")
def migrated_database(django_db_setup) -> Snapshot:
    return django_db_setup


@contextmanager
def data_shared_by_the_tests(django_db_blocker) -> Iterator[None]:
    """A transaction held open around a module's (or a class's) tests, as Django's
    `TestCase.setUpTestData` holds one around a class: what is written in it (with the database
    unblocked) each test sees, each test runs in a savepoint of it rolled back after the test,
    and the whole is rolled back after the last test, leaving the database as it was.

    For tests that all run in a transaction (`db`); a test that commits (`transactional_db`) or
    a browser test cannot run inside it. A test changes copies of the shared records (see
    `copy.deepcopy`), never the records themselves, so that the next test sees them unchanged.
    """
    assert not connection.in_atomic_block, "shared data is written before any test transaction"
    with django_db_blocker.unblock():
        shared = transaction.atomic()
        # As in Django's TestCase: code that opens a durable block may run inside this one.
        shared._from_testcase = True
        shared.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            shared.__exit__(None, None, None)


@dataclass(frozen=True)
class LoadedDemo:
    snapshot: Snapshot
    output: str  # what load_demo printed


def run_load_demo(*args) -> str:
    """Run `manage.py load_demo` and return what it printed (tests run with DEBUG off, which
    load_demo refuses without --allow-production)."""
    out = StringIO()
    call_command("load_demo", "--allow-production", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="session")
def demo_database(migrated_database, django_db_blocker) -> LoadedDemo:
    """The demo plans and users as `load_demo` writes them into a migrated database, loaded
    once per test process and kept as a snapshot; the database is left as migrated."""
    assert not connection.in_atomic_block, "the demo loads before any test transaction opens"
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.delenv("DEMO_PASSWORD", raising=False)
        migrated_database.restore(connection)
        try:
            output = run_load_demo()
            return LoadedDemo(Snapshot.take(connection), output)
        finally:
            migrated_database.restore(connection)


@pytest.fixture
def demo(demo_database, db):
    """The demo data, written into the test's transaction (rolled back after it), so a test may
    change it without affecting the next one; gives what load_demo printed."""
    demo_database.snapshot.restore(connection)
    return demo_database.output


@pytest.fixture
def user_in_group(db):
    """A signed-in-able user in one of the groups the data migration creates."""

    def make(group_name, **kwargs):
        user = UserFactory(is_staff=True, **kwargs)
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def signed_in_client(client, user_in_group):
    """A client signed in as a member of the Staff group."""
    client.force_login(user_in_group("Staff"))
    return client
