"""Benchmark: how long load_demo takes on an empty database, and on a second run.

Usage: DEBUG=on .venv/bin/python bench/load_demo.py
Uses a throwaway SQLite file, or DATABASE_URL if set (point it at a new, empty database).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def timed(label, *args):
    started = time.perf_counter()
    call_command(*args, verbosity=0)
    print(f"{label:40} {time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    timed("load_demo, empty database", "load_demo")
    timed("load_demo again (nothing changes)", "load_demo")
