"""Benchmark: time the risk register and recommendations pages on the demo data, and count their
queries (as bench/pages.py does for the plan pages).

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/risk_pages.py [--requests 50]
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
    call_command("load_demo", verbosity=0)
    setup_test_environment()
    from risks.models import Risk

    client = Client()
    # Signed in without the sign-in form: django-axes wants a request to check a password.
    client.force_login(get_user_model().objects.get(username="director"))
    risk = Risk.objects.filter(plan_year__year="2012-13").order_by("pk").first()
    pages = [
        "/plans/2012-13/risks/",
        "/plans/2012-13/risks/?tier=project&band=very-high",
        "/plans/2012-13/risks/heat-map/",
        "/plans/2012-13/risks/strategic/",
        risk.get_absolute_url(),
        "/plans/2012-13/recommendations/",
    ]
    print(f"database: {connection.vendor}; {Risk.objects.count()} risks")
    print(f"{'page':52} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        query_count = len(queries)
        assert response.status_code == 200, (page, response.status_code)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(page)
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{page:52} {query_count:>7} {statistics.median(timings):>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
