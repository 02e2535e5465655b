"""Shared fixtures for the demo data tests.

`load_demo` takes a few seconds, so each module loads it once: `demo_module` runs the command
inside a transaction that is rolled back when the module's tests are done, and every test that
asks for `demo` runs inside a savepoint of it (pytest-django's `db`), so a test may change the
data without affecting the next one and nothing is left behind for other modules.
"""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

# Password hashing is deliberately slow; the demo users' passwords are checked, not their hashing.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_load_demo(*args) -> str:
    """Run `manage.py load_demo` and return what it printed (tests run with DEBUG off, which
    load_demo refuses without --allow-production)."""
    out = StringIO()
    call_command("load_demo", "--allow-production", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@contextmanager
def loaded_demo(django_db_blocker):
    """Load the demo data in a transaction that is rolled back on leaving; gives the output.

    For a fixture wider than a test (module or class scope): tests inside it that use `db` run
    in savepoints of this transaction.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DEMO_PASSWORD", raising=False)
        with (
            override_settings(PASSWORD_HASHERS=FAST_HASHERS),
            django_db_blocker.unblock(),
            transaction.atomic(),
        ):
            try:
                yield run_load_demo()
            finally:
                transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module; returns the command's output."""
    with loaded_demo(django_db_blocker) as output:
        yield output


@pytest.fixture
def demo(demo_module, db):
    """The loaded demo data, with the test isolated in a savepoint; returns the load's output."""
    return demo_module
