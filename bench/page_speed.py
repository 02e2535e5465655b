"""Benchmark: every page's requests per second through gunicorn, against a trivial view's.

Usage (from the project folder, after `make setup`, with `wrk` installed; a database of the
benchmark's own):
    .venv/bin/python bench/page_speed.py --database-url sqlite:////tmp/bench-page-speed.sqlite3 \\
        [--seconds 8] [--pages /plans/2012-13/ /admin/kpis/measurement/]
    .venv/bin/python bench/page_speed.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_page_speed

The method of issue 28: it migrates and loads the demo data into the database (load_demo is
idempotent), collects the static files into a temporary folder and starts gunicorn in
production mode (DEBUG off) with 2 sync workers on a free loopback port, with the benchmark's
settings (bench/settings.py), whose URL configuration adds two trivial views to the
application's: `HttpResponse("ok")` without sign-in, and the same signed in. It signs in as the
demo director (as corporate services for the budget import, which only they open), requests each
page a few times to warm up (a page kept until its records change is built once), then runs
`wrk -t2 -c8` against it for --seconds, and prints a markdown table: each page's requests per
second and its share of the trivial view's (1/N). A page under 1/20 is in bold. On a machine
whose load moves during the run, --paired 2 also measures the trivial view for 2 s just before
each page and gives the page's share of that.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from serving import gunicorn, manage, prepare, production_environment, session_cookie

WORKERS = 2
WRK = ["-t2", "-c8"]
#: The target: every page at this share of the trivial view or better.
TARGET = 20
TRIVIAL = "/bench/trivial/"
TRIVIAL_SIGNED_IN = "/bench/trivial-signed-in/"

#: Finds, in the demo data, the records whose pages are measured; prints them as JSON.
FIND_RECORDS = """
import json
from budgets.models import BudgetLine
from kpis.models import Measurement
from plans.models import Milestone, Project, Strategy
from risks.models import Risk
print(json.dumps({
    "strategy": Strategy.objects.order_by("start_year").first().pk,
    "project": Project.objects.filter(plan_year__year="2012-13").order_by("position").first().pk,
    "risk": Risk.objects.filter(plan_year__year="2012-13").order_by("pk").first().pk,
    "measurement": Measurement.objects.filter(indicator__plan_year__year="2016-17")
    .order_by("pk").first().pk,
    "commentary": Measurement.objects.filter(
        indicator__plan_year__year="2016-17", period__range=("2016-04-01", "2016-06-30")
    ).exclude(commentary="").order_by("pk").values_list("pk", flat=True).first(),
    "milestone": Milestone.objects.filter(project__plan_year__year="2016-17")
    .order_by("pk").first().pk,
    "budget_line": BudgetLine.objects.filter(budget__plan_year__year="2016-17")
    .order_by("pk").first().pk,
}))
"""


@dataclass(frozen=True)
class Page:
    """A page measured: what the table calls it, its address, and who is signed in."""

    label: str
    path: str
    user: str = "director"


def demo_pages(records: dict) -> list[Page]:
    """README's pages, the entry screens' three busiest change lists with a change form each,
    the exports and the quarterly report, on the demo data."""
    project = f"/plans/2012-13/projects/{records['project']}/"
    pages = [
        Page("home", "/"),
        Page("My work", "/my-work/"),
        Page("a strategy", f"/strategies/{records['strategy']}/"),
        Page("2012-13 plan overview", "/plans/2012-13/"),
        Page("a 2012-13 project page", project),
        Page("2012-13 milestone tracker", "/plans/2012-13/milestones/"),
        Page("2012-13 dashboard, quarter 4", "/plans/2012-13/indicators/?quarter=4"),
        Page("2010-11 KPI2", "/plans/2010-11/indicators/KPI2/"),
        Page("2012-13 budget variance", "/plans/2012-13/budget/"),
        Page("2016-17 budget import", "/plans/2016-17/budget/import/", "finance"),
        Page("2012-13 risk register", "/plans/2012-13/risks/"),
        Page("2012-13 heat map", "/plans/2012-13/risks/heat-map/"),
        Page("2012-13 strategic risks", "/plans/2012-13/risks/strategic/"),
        Page("a 2012-13 risk", f"/plans/2012-13/risks/{records['risk']}/"),
        Page("2012-13 recommendations", "/plans/2012-13/recommendations/"),
        Page("2012-13 quarterly report, quarter 4", "/reports/2012-13/q4/"),
        Page("2016-17 quarter 4 preparation", "/reports/2016-17/q4/preparation/"),
    ]
    if records["commentary"]:
        pages.append(
            Page(
                "2016-17 return a commentary for revision",
                f"/reports/2016-17/q1/return/commentary/{records['commentary']}/",
            )
        )
    pages += [
        Page("2012-13 budget workbook", "/plans/2012-13/budget/workbook.xlsx"),
        Page("2012-13 budget lines (csv)", "/plans/2012-13/budget/lines.csv"),
        Page("2012-13 dashboard workbook", "/plans/2012-13/indicators.xlsx?quarter=4"),
        Page("2012-13 dashboard (csv)", "/plans/2012-13/indicators.csv?quarter=4"),
        Page("2012-13 quarterly report workbook", "/reports/2012-13/q4.xlsx"),
        Page("2012-13 quarterly report PDF", "/reports/2012-13/q4.pdf"),
        Page("entry screens", "/admin/"),
        Page("measurements", "/admin/kpis/measurement/"),
        Page("a measurement", f"/admin/kpis/measurement/{records['measurement']}/change/"),
        Page("milestones", "/admin/plans/milestone/"),
        Page("a milestone", f"/admin/plans/milestone/{records['milestone']}/change/"),
        Page("budget lines", "/admin/budgets/budgetline/"),
        Page("a budget line", f"/admin/budgets/budgetline/{records['budget_line']}/change/"),
    ]
    return pages


def warm_up(port: int, page: Page, cookie: str):
    """A few requests, so that each worker has its templates and connection, and anything kept
    between requests is built; exits if the page does not answer 200."""
    for _ in range(2 * WORKERS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", page.path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            sys.exit(f"{page.path} answered {response.status}")


def requests_per_second(port: int, page: Page, cookie: str, seconds: float) -> float:
    """`wrk -t2 -c8` against the page for `seconds`; its requests per second. Exits if any
    answer was not a success or a request failed."""
    done = subprocess.run(
        [
            "wrk",
            *WRK,
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            f"http://127.0.0.1:{port}{page.path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in done.stdout:
            sys.exit(f"{page.path}: {problem}\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1])


def share(rate: float, trivial: float) -> str:
    if rate == 0:
        return "**none answered**"
    ratio = trivial / rate
    text = f"1/{ratio:,.1f}" if ratio >= 1.05 else "1"
    return f"**{text}**" if ratio > TARGET else text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a database of the benchmark's own (default: $DATABASE_URL)",
    )
    parser.add_argument("--seconds", type=float, default=8, help="wrk's run per page")
    parser.add_argument(
        "--pages", nargs="+", help="addresses to measure, as the director (default: all)"
    )
    parser.add_argument(
        "--paired",
        type=float,
        metavar="SECONDS",
        help="also measure the trivial view for SECONDS just before each page, and give each "
        "page's share of that: on a machine whose load moves, a fairer comparison",
    )
    args = parser.parse_args()
    # Stopped with SIGTERM, it still stops its gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    if not args.database_url:
        sys.exit("Give --database-url (or DATABASE_URL): a database of the benchmark's own.")
    if shutil.which("wrk") is None:
        sys.exit("Needs wrk (apt-get install wrk).")

    with tempfile.TemporaryDirectory(prefix="bench-page-speed-") as folder:
        environment = production_environment(os.environ, folder)
        environment["DATABASE_URL"] = args.database_url
        environment["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        prepare(environment)
        if args.pages:
            pages = [Page(f"`{path}`", path) for path in args.pages]
        else:
            found = manage("shell", "-c", FIND_RECORDS, environment=environment, capture=True)
            pages = demo_pages(json.loads(found.strip().splitlines()[-1]))
        with gunicorn(environment, workers=WORKERS) as port:
            cookies = {user: session_cookie(port, user) for user in sorted({p.user for p in pages})}
            measured = [
                (Page("trivial view", TRIVIAL), ""),
                (Page("trivial view, signed in", TRIVIAL_SIGNED_IN), cookies["director"]),
                *((page, cookies[page.user]) for page in pages),
                # Again at the end: how much the machine's load moved during the run.
                (Page("trivial view, at the end", TRIVIAL), ""),
            ]
            print(
                f"gunicorn, {WORKERS} sync workers, DEBUG off; wrk {' '.join(WRK)} for "
                f"{args.seconds:g} s per page; {args.database_url.split(':', 1)[0]}\n"
            )
            if args.paired:
                print(
                    "| page | address | requests/s | share of trivial | trivial just before "
                    "| share of that |"
                )
                print("| --- | --- | ---: | ---: | ---: | ---: |")
            else:
                print("| page | address | requests/s | share of trivial |")
                print("| --- | --- | ---: | ---: |")
            trivial = None
            for page, cookie in measured:
                warm_up(port, page, cookie)
                just_before = ""
                if args.paired:
                    before = requests_per_second(port, measured[0][0], "", args.paired)
                rate = requests_per_second(port, page, cookie, args.seconds)
                trivial = trivial or rate
                if args.paired:
                    just_before = f" {before:,.1f} | {share(rate, before)} |"
                print(
                    f"| {page.label} | `{page.path}` | {rate:,.1f} | {share(rate, trivial)} |"
                    + just_before,
                    flush=True,
                )


if __name__ == "__main__":
    main()
