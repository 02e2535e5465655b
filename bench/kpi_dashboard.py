"""Benchmark: the quarterly KPI dashboard's server time, queries and memory, for the demo
2012-13 plan (28 indicators) and for generated plan years of 100 and 500 indicators with 12
monthly actuals each.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/kpi_dashboard.py [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DEBUG=on .venv/bin/python \
        bench/kpi_dashboard.py

It migrates and loads the demo data into the configured database (load_demo is idempotent),
adds the generated plan years 2090-91 (100 indicators) and 2091-92 (500) once, then requests
each dashboard through Django's test client as the demo director, reporting the median and
95th percentile time per request, the queries, the peak memory Python allocated during one
request (tracemalloc) and the marginal cost per indicator row between 100 and 500 indicators.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

GENERATED = {"2090-91": 100, "2091-92": 500}


def generate_plan_year(year: str, count: int) -> None:
    """A plan year of `count` indicators (a mix of totals, levels and ratios, five owner roles,
    four objectives), each with 12 monthly actuals with commentary; created once."""
    from kpis.models import Indicator, Measurement
    from plans.models import PlanYear, Role, StrategicObjective

    if PlanYear.objects.filter(year=year).exists():
        return
    with transaction.atomic():
        plan_year = PlanYear.objects.create(year=year, title=f"Generated plan {year}")
        roles = [Role.objects.get_or_create(title=f"Bench owner {n}")[0] for n in range(5)]
        objectives = [
            StrategicObjective.objects.create(plan_year=plan_year, ref=f"SO{n}", title=f"SO {n}")
            for n in range(1, 5)
        ]
        kinds = [
            ("total", "count", Decimal(12000)),
            ("level", "count", Decimal(1000)),
            ("ratio", "percentage", Decimal(80)),
        ]
        indicators = Indicator.objects.bulk_create(
            Indicator(
                plan_year=plan_year,
                ref=f"B{n}",
                title=f"Generated indicator {n} for the benchmark",
                tier="key",
                aggregation=kinds[n % 3][0],
                # bulk_create skips save(), which fills in the kind's default profile; the
                # levels alternate between flat and even, so both are worked out.
                target_profile="even" if kinds[n % 3][0] == "total" or n % 2 else "flat",
                unit=kinds[n % 3][1],
                annual_target=kinds[n % 3][2],
                strategic_objective=objectives[n % 4],
                position=n,
            )
            for n in range(count)
        )
        through = Indicator.owners.through
        through.objects.bulk_create(
            through(indicator_id=i.pk, role_id=roles[n % 5].pk) for n, i in enumerate(indicators)
        )
        months = plan_year.months()
        Measurement.objects.bulk_create(
            Measurement(
                indicator=indicator,
                period=month,
                value=None if indicator.aggregation == "ratio" else Decimal(900 + m * 10 + n % 7),
                numerator=Decimal(160 + n % 30) if indicator.aggregation == "ratio" else None,
                denominator=Decimal(200) if indicator.aggregation == "ratio" else None,
                commentary=f"Month {m + 1} on plan.",
                entered_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            )
            for n, indicator in enumerate(indicators)
            for m, month in enumerate(months)
        )


def measure(client, url, requests):
    connection.queries_log.clear()  # the log is bounded: loading the demo filled it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    query_count = len(queries)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    return (
        query_count,
        min(timings),
        statistics.median(timings),
        p95,
        peak / 1024 / 1024,
        len(response.content),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    for year, count in GENERATED.items():
        generate_plan_year(year, count)

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))
    pages = [
        ("demo 2012-13 (28 indicators)", "/plans/2012-13/indicators/", 28),
        ("generated, 100 indicators", "/plans/2090-91/indicators/", 100),
        ("generated, 500 indicators", "/plans/2091-92/indicators/", 500),
        ("csv export, 500 indicators", "/plans/2091-92/indicators.csv", None),
        ("xlsx export, 500 indicators", "/plans/2091-92/indicators.xlsx", None),
    ]
    print(f"database: {connection.vendor}; {args.requests} requests per page")
    print(
        f"{'page':30} {'queries':>7} {'best ms':>8} {'median ms':>9} {'p95 ms':>7} "
        f"{'peak MB':>7} {'KB':>5}"
    )
    best, medians = {}, {}
    for name, url, rows in pages:
        queries, fastest, median, p95, peak, size = measure(client, url, args.requests)
        best[rows], medians[rows] = fastest, median
        print(
            f"{name:30} {queries:>7} {fastest:>8.1f} {median:>9.1f} {p95:>7.1f} {peak:>7.1f} "
            f"{size / 1024:>5.0f}"
        )
    # The fastest request is the least disturbed by other work on a shared machine.
    for label, times in (("best", best), ("median", medians)):
        marginal = (times[500] - times[100]) / 400
        print(f"marginal cost per indicator row, 100 to 500 ({label}): {marginal:.3f} ms")


if __name__ == "__main__":
    main()
