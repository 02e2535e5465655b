"""Benchmark: the pages and exports of a plan year ten times the 2012-13 demo plan, against one of
the demo's size, with the marginal cost of a row.

Usage (from the project folder, after `make setup`; a database of the benchmark's own):
    .venv/bin/python bench/big_plan.py [--rounds 7] [--scale 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_big_plan .venv/bin/python \\
        bench/big_plan.py

Without DATABASE_URL it works in a fresh SQLite database in the temporary folder. In production
mode (DEBUG off), it migrates, writes two generated plans with `make_big_plan` (2001-02 at scale
1, the size of 2012-13, and 2002-03 at `--scale`; past years, so that every quarter has ended),
signs in a member of the Directors group through Django's test client, and requests each page
`--rounds` times after one warm-up, built afresh (the cache emptied before each request, as
when a figure has just changed), then as many times as kept (core.kept_pages). For each page it
prints the median clock and processor time
(`time.process_time()`: this process only, which with SQLite includes the database's work; with
PostgreSQL the server's share is left out), the queries, the page's size and the target, then
the marginal cost of a row: (time at scale `--scale` - time at scale 1) / (rows at `--scale` -
rows at 1), where the rows are those of the kinds the page reads (listed under the table), of
the pages built afresh.
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-big-plan-"),
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
    }
)
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_big_plan.sqlite3"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core import caching  # noqa: E402
from demo.big_plan import BigPlanCounts  # noqa: E402

SMALL, BIG = "2001-02", "2002-03"

#: Each page: its address, the target in ms (None: none set), and the kinds of rows it reads,
#: for the marginal cost.
PAGES = [
    ("plan overview", "/plans/{year}/", 250, ["projects", "indicators", "budget lines"]),
    ("dashboard, quarter 4", "/plans/{year}/indicators/?quarter=4", 300, ["indicators"]),
    ("milestone tracker", "/plans/{year}/milestones/", 500, ["milestones"]),
    ("list of projects", "/plans/{year}/projects/", None, ["projects"]),
    ("recommendations", "/plans/{year}/recommendations/", None, ["recommendations"]),
    (
        "quarterly report, quarter 4",
        "/reports/{year}/q4/",
        500,
        ["indicators", "milestones", "budget lines", "risks", "recommendations"],
    ),
    (
        "dashboard export (csv)",
        "/plans/{year}/indicators.csv?quarter=4",
        None,
        ["indicators"],
    ),
    (
        "dashboard export (xlsx)",
        "/plans/{year}/indicators.xlsx?quarter=4",
        None,
        ["indicators"],
    ),
    ("budget lines (csv)", "/plans/{year}/budget/lines.csv", None, ["budget lines"]),
    ("budget workbook (xlsx)", "/plans/{year}/budget/workbook.xlsx", None, ["budget lines"]),
    (
        "quarterly report workbook (xlsx)",
        "/reports/{year}/q4.xlsx",
        None,
        ["indicators", "milestones", "budget lines", "risks", "recommendations"],
    ),
]
#: The marginal cost of a row, ms, that no page may exceed.
MARGINAL_TARGET = 0.3


def rows(kinds: list[str], scale: int) -> int:
    counts = BigPlanCounts(scale)
    return sum(counts[kind] for kind in kinds)


def timed(client: Client, url: str, *, rounds: int, afresh: bool) -> tuple[float, float]:
    """Median clock and processor time (ms) of `rounds` requests of `url`, each built afresh
    (the cache emptied before it, as when a figure has just changed) or answered as kept."""
    clock, processor = [], []
    for _ in range(rounds):
        if afresh:
            caching.forget_all()
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        clock.append((time.perf_counter() - started) * 1000)
        processor.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(clock), statistics.median(processor)


def measure(client: Client, url: str, *, rounds: int) -> dict:
    """Median clock and processor time (ms) of `url` built afresh and kept, and the queries and
    size of the page built afresh."""
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    clock, processor = timed(client, url, rounds=rounds, afresh=True)
    kept_clock, _ = timed(client, url, rounds=rounds, afresh=False)
    caching.forget_all()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "clock": clock,
        "processor": processor,
        "kept": kept_clock,
        "queries": len(queries),
        "size": len(
            b"".join(response.streaming_content) if response.streaming else response.content
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="requests per page (after one)")
    parser.add_argument("--scale", type=int, default=10, help="the big plan, times 2012-13")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    for year, scale in ((SMALL, 1), (BIG, args.scale)):
        from plans.models import PlanYear

        if not PlanYear.objects.filter(year=year).exists():
            started = time.perf_counter()
            call_command("make_big_plan", year=year, scale=scale, stdout=io.StringIO())
            print(f"make_big_plan --year {year} --scale {scale}: ", end="")
            print(f"{time.perf_counter() - started:.1f} s (clock)")
    user, _ = get_user_model().objects.get_or_create(username="bench-director")
    user.groups.add(Group.objects.get(name="Directors"))
    client = Client()
    client.force_login(user)

    print(
        "\n| page | scale | clock ms | processor ms | kept: clock ms | queries | KB | target ms |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    marginal = []
    for name, address, target, kinds in PAGES:
        found = {}
        for year, scale in ((SMALL, 1), (BIG, args.scale)):
            found[scale] = measure(client, address.format(year=year), rounds=args.rounds)
            result = found[scale]
            print(
                f"| {name} | {scale} | {result['clock']:.0f} | {result['processor']:.0f} | "
                f"{result['kept']:.1f} | "
                f"{result['queries']} | {result['size'] / 1024:.0f} | {target or ''} |"
            )
        extra_rows = rows(kinds, args.scale) - rows(kinds, 1)
        marginal.append(
            (
                name,
                extra_rows,
                (found[args.scale]["processor"] - found[1]["processor"]) / extra_rows,
                (found[args.scale]["clock"] - found[1]["clock"]) / extra_rows,
            )
        )
    print(
        f"\nMarginal cost of a row (target {MARGINAL_TARGET} ms), processor and clock:\n\n"
        f"| page | rows added | processor ms per row | clock ms per row |\n"
        f"| --- | ---: | ---: | ---: |"
    )
    for name, extra_rows, processor, clock in marginal:
        print(f"| {name} | {extra_rows} | {processor:.3f} | {clock:.3f} |")
    print("\nRows counted per page:")
    for name, _, _, kinds in PAGES:
        print(f"- {name}: {', '.join(kinds)}")


if __name__ == "__main__":
    main()
