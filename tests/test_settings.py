"""Settings come from the environment; production refuses to start without a secret key, and
its defaults pass Django's deployment checks."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings

from config.settings import mailer_from_url

ROOT = Path(__file__).resolve().parent.parent

# Variables that would change what a production check in a subprocess sees.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "EMAIL_URL",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
    "SQLITE_TIMEOUT",
    "WHITENOISE_USE_FINDERS",
    # Set by the browser tests for Playwright in this process; never in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_environment(**env):
    """The environment of a production start: DEBUG off, a generated secret key, one host."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment.update(
        DEBUG="off", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="plans.example.org"
    )
    environment.update(env)
    return environment


def run_manage(*args, environment):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return run_manage("check", environment=environment)


def production_settings(*names, **env):
    """The values of some settings as a production start with `env` would see them."""
    code = (
        "import json, sys\n"
        "from config import settings\n"
        "print(json.dumps({name: getattr(settings, name, None) for name in sys.argv[1:]}, "
        "default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=production_environment(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_with_debug_off_the_app_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="off")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_with_debug_off_and_a_secret_key_the_app_starts():
    result = run_check(DEBUG="off", SECRET_KEY="x" * 50, ALLOWED_HOSTS="plans.example.org")
    assert result.returncode == 0, result.stderr


def test_the_groups_exist_with_their_permissions(db):
    staff = Group.objects.get(name="Staff")
    finance = Group.objects.get(name="Corporate services")
    directors = Group.objects.get(name="Directors")
    assert staff.permissions.filter(codename="change_milestone").exists()
    assert not staff.permissions.filter(codename="change_budgetline").exists()
    assert finance.permissions.filter(codename="import_budgetline").exists()
    assert directors.permissions.filter(codename="add_measurement").exists()
    assert Group.objects.get(name="Administrators").permissions.count() > 60


def test_production_defaults_pass_the_deployment_checks_with_nothing_silenced():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=production_environment()
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_email_url_in_env_example_starts_the_app():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        environment=production_environment(EMAIL_URL="smtp+tls://user:secret@mail.example.org:587"),
    )
    assert result.returncode == 0, result.stderr


def test_production_turns_on_https_only_by_default():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        # A forwarded header is trusted only when the deployment says its proxy sets it.
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_https_settings_come_from_the_environment():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
        SECURE_SSL_REDIRECT="off",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="off",
        SECURE_HSTS_PRELOAD="off",
        SECURE_COOKIES="off",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        CSRF_TRUSTED_ORIGINS="https://plans.example.org,https://plans.example.net",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://plans.example.org", "https://plans.example.net"],
    }


def test_the_proxy_ssl_header_may_be_given_as_django_names_it():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_database_connections_are_kept_and_checked_before_reuse_by_default():
    values = production_settings("DATABASES")
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_database_connection_reuse_comes_from_the_environment():
    values = production_settings("DATABASES", CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="off")
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_sqlite_writers_wait_their_turn():
    options = production_settings(
        "DATABASES", DATABASE_URL="sqlite:///db.sqlite3", SQLITE_TIMEOUT="5"
    )["DATABASES"]["default"]["OPTIONS"]
    assert options == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org:25",
            {"host": "mail.example.org", "port": 25, "username": "", "password": ""},
        ),
        (
            "smtp://relay:secret@mail.example.org:2525",
            {"host": "mail.example.org", "port": 2525, "username": "relay", "password": "secret"},
        ),
        (
            "smtp+tls://me%40example.org:p%2Fss@mail.example.org:587",
            {
                "host": "mail.example.org",
                "port": 587,
                "username": "me@example.org",
                "password": "p/ss",
                "use_tls": True,
            },
        ),
        (
            "smtp+tls://mail.example.org",
            {"host": "mail.example.org", "port": 587, "use_tls": True},
        ),
        (
            "smtp+ssl://relay:secret@mail.example.org:465",
            {
                "host": "mail.example.org",
                "port": 465,
                "username": "relay",
                "password": "secret",
                "use_ssl": True,
            },
        ),
        (
            "smtp+ssl://mail.example.org",
            {"host": "mail.example.org", "port": 465, "use_ssl": True},
        ),
    ],
)
def test_every_smtp_url_form_gives_a_working_mailer(url, expected):
    with override_settings(MAILERS={"default": mailer_from_url(url)}):
        backend = mail.mailers["default"]
    expected = {"username": "", "password": "", "use_tls": False, "use_ssl": False} | expected
    assert {name: getattr(backend, name) for name in expected} == expected
    assert backend.connection is None  # nothing was sent or opened


def test_consolemail_prints_messages():
    mailer = mailer_from_url("consolemail://")
    assert mailer == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}


def test_filemail_writes_each_message_to_a_file_in_the_folder(tmp_path):
    mailer = mailer_from_url(f"filemail://{tmp_path}/mail")
    assert mailer == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": f"{tmp_path}/mail"},
    }
    with override_settings(MAILERS={"default": mailer}):
        mail.EmailMessage("Reminder", "Body", "a@example.org", ["b@example.org"]).send()
    [written] = (tmp_path / "mail").iterdir()
    assert "Subject: Reminder" in written.read_text()
