"""Benchmark: requests per second through gunicorn, with and without persistent connections.

Usage (from the project folder, after `make setup`; a PostgreSQL database of its own):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/business_plans_bench \\
        .venv/bin/python bench/server.py [--requests 400] [--concurrency 4] [--conn-max-age 0 60]
        [--pages /healthz /reports/2012-13/q4/]

It migrates and loads the demo data into DATABASE_URL (load_demo is idempotent), collects the
static files into a temporary folder, then for each CONN_MAX_AGE given starts gunicorn in
production mode (DEBUG off) on a free loopback port, signs in as the demo director, and sends
a fixed number of requests to /healthz and to the 2012-13 plan overview from a few threads,
each request on a new connection, as a browser behind a proxy would. It reports requests per
second and the median time per request, and stops gunicorn. Loopback only; each page stops
after --requests requests or --max-seconds, whichever comes first.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time

from serving import gunicorn, prepare, production_environment, session_cookie

PAGES = ["/healthz", "/plans/2012-13/"]


def hammer(port, path, cookie, requests, concurrency, max_seconds):
    """Send `requests` GETs from `concurrency` threads; (count, seconds, per-request times)."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    timings, failures = [], []
    deadline = time.monotonic() + max_seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    return
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                (timings if response.status == 200 else failures).append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        sys.exit(f"{path}: {len(failures)} requests did not answer 200")
    return len(timings), seconds, timings


def measure(environment, conn_max_age, args):
    environment = {**environment, "CONN_MAX_AGE": str(conn_max_age)}
    with gunicorn(environment, workers=args.workers) as port:
        cookie = session_cookie(port)
        for path in args.pages:
            # Warm up: every worker has imported its templates and opened its connection.
            hammer(port, path, cookie, 4 * args.workers, args.concurrency, args.max_seconds)
            count, seconds, timings = hammer(
                port, path, cookie, args.requests, args.concurrency, args.max_seconds
            )
            print(
                f"| {conn_max_age:>12} | `{path}` | {count:>8} | {count / seconds:>12.1f} "
                f"| {statistics.median(timings) * 1000:>9.1f} |",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--max-seconds", type=float, default=60, help="time limit per page")
    parser.add_argument(
        "--conn-max-age", type=int, nargs="+", default=[0, 60], help="CONN_MAX_AGE values"
    )
    parser.add_argument(
        "--pages", nargs="+", default=PAGES, help="addresses to request, the first as the base"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a database of the benchmark's own.")

    with tempfile.TemporaryDirectory(prefix="bench-server-") as folder:
        environment = production_environment(os.environ, folder)
        prepare(environment)
        print(
            f"{args.workers} gunicorn workers, {args.concurrency} client threads, "
            f"{args.requests} requests per page, a new connection per request\n"
        )
        print("| CONN_MAX_AGE | page | requests | requests/s | median ms |")
        print("| ---: | --- | ---: | ---: | ---: |")
        for conn_max_age in args.conn_max_age:
            measure(environment, conn_max_age, args)


if __name__ == "__main__":
    main()
