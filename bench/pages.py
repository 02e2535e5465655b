"""Benchmark: time the main pages on the demo data, and count their queries.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/pages.py [--requests 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DEBUG=on .venv/bin/python bench/pages.py

It migrates and loads the demo data into the configured database first (load_demo is idempotent),
then requests each page through Django's test client as the demo director, reporting the median
and 95th percentile time per request and the number of queries each page runs.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per page")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", verbosity=0)
    load_seconds = time.perf_counter() - started

    setup_test_environment()
    from kpis.models import Indicator
    from plans.models import Project

    client = Client()
    # Signed in without the sign-in form: the lockout backend (django-axes) authenticates only
    # a real request.
    client.force_login(get_user_model().objects.get(username="director"))
    project = Project.objects.filter(plan_year__year="2012-13").order_by("position").first()
    pages = [
        "/",
        "/plans/2010-11/",
        "/plans/2012-13/",
        "/plans/2016-17/",
        project.get_absolute_url(),
        Indicator.objects.get(plan_year__year="2010-11", ref="KPI2").get_absolute_url(),
        # What is missing for the quarter, and My work, which lists the director's own missing
        # items for each open quarter (the four of 2016-17 in the demo).
        "/reports/2016-17/q4/preparation/",
        "/my-work/",
    ]
    print(
        f"database: {connection.vendor}; load_demo (second run, nothing to change): "
        f"{load_seconds:.2f} s"
    )
    print(f"{'page':45} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        query_count = len(queries)  # read now: the connection's query log is a bounded deque
        assert response.status_code == 200, (page, response.status_code)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(page)
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{page:45} {query_count:>7} {statistics.median(timings):>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
