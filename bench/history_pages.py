"""Benchmark: processor time of the pages whose history sections cost the most (issue 28).

Usage (from the project folder, with the demo loaded into the configured database):
    DEBUG=on DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py migrate
    DEBUG=on DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py load_demo
    DEBUG=on DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/history_pages.py

Requests the first 2012-13 project page and the 2010-11 KPI2 indicator page (and their full
history pages, where they exist) through Django's test client as the demo director and prints,
for each, its queries, the processor time per request over `--requests` requests
(`time.process_time()`, not the clock: it means more on a busy machine) and the share of that
time spent in core.history (from cProfile).
"""

import argparse
import contextlib
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402


def history_share(client, page, requests) -> float:
    """The share of processor time spent under core/history.py's functions."""
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(requests):
        client.get(page)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt
    # The cumulative time of core.history's outermost calls (a call from inside it is not
    # counted twice).
    inside = 0.0
    for (filename, _, _), (_, _, _, _, callers) in stats.stats.items():
        if not filename.endswith(os.path.join("core", "history.py")):
            continue
        for caller in callers:
            if not caller[0].endswith(os.path.join("core", "history.py")):
                inside += callers[caller][3]
    return inside / total if total else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per page")
    args = parser.parse_args()

    setup_test_environment()
    from kpis.models import Indicator
    from plans.models import Project

    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))
    project = Project.objects.filter(plan_year__year="2012-13").order_by("position").first()
    indicator = Indicator.objects.get(plan_year__year="2010-11", ref="KPI2")
    pages = [project.get_absolute_url(), indicator.get_absolute_url()]
    with contextlib.suppress(NoReverseMatch):  # The full history pages, where they exist.
        pages += [
            reverse("history", args=["plans", "project", project.pk]),
            reverse("history", args=["kpis", "indicator", indicator.pk]),
        ]
    print(f"database: {connection.vendor}; {args.requests} requests per page")
    print(f"{'page':40} {'queries':>7} {'cpu ms/request':>15} {'in core.history':>16}")
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        query_count = len(queries)
        assert response.status_code == 200, (page, response.status_code)
        client.get(page)
        started = time.process_time()
        for _ in range(args.requests):
            client.get(page)
        per_request = (time.process_time() - started) * 1000 / args.requests
        share = history_share(client, page, max(5, args.requests // 5))
        print(f"{page:40} {query_count:>7} {per_request:>15.1f} {share:>15.0%}")


if __name__ == "__main__":
    main()
