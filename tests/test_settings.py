"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import Group

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


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
