"""Benchmark: what the quarterly report page costs against the trivial health check, in one
process, the pages taken in turn so that each meets the same load on a shared machine.

Usage (from the project folder, after `make setup`; a database of the benchmark's own):
    DATABASE_URL=sqlite:////tmp/bench-report-page.sqlite3 .venv/bin/python bench/report_page.py \\
        [--rounds 15] [--pages /healthz / /reports/2012-13/q4/ ...]

In production mode (DEBUG off, the static files collected into a temporary folder), it migrates
and loads the demo data (load_demo is idempotent), signs in as the demo director through
Django's test client, requests each page three times to warm up (a report built once is kept),
then requests the pages one after another `--rounds` times, and prints each page's median time
and its share of /healthz's. The gunicorn benchmark (bench/server.py) measures the same through a
server, where a loaded machine moves /healthz and the pages apart between their runs.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
STATIC = tempfile.mkdtemp(prefix="bench-report-page-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": STATIC,
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
    }
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = ["/healthz", "/", "/reports/2012-13/q4/", "/reports/2010-11/q2/"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="requests per page")
    parser.add_argument("--pages", nargs="+", default=PAGES, help="the first is the base")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a database of the benchmark's own.")
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-production", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)

    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))
    for page in args.pages:
        for _ in range(3):
            response = client.get(page)
            if response.status_code != 200:
                sys.exit(f"{page} answered {response.status_code}")
    timings = {page: [] for page in args.pages}
    for _ in range(args.rounds):
        for page in args.pages:
            started = time.perf_counter()
            client.get(page)
            timings[page].append(time.perf_counter() - started)
    base = statistics.median(timings[args.pages[0]])
    print("| page | median ms | share of the first |\n| --- | ---: | ---: |")
    for page in args.pages:
        median = statistics.median(timings[page])
        print(f"| `{page}` | {median * 1000:.1f} | 1/{median / base:.1f} |")


if __name__ == "__main__":
    main()
