"""Benchmark: each spreadsheet export against XlsxWriter alone writing the same cells, on the
demo data and on the demo's 2012-13 made ten times larger.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/exports.py [--scale 1 10]
        [--postgres postgres://postgres@127.0.0.1:5432]

For each scale, two processes:

1. "build": a fresh database (SQLite in the temporary folder, or bench_exports_<scale> on the
   PostgreSQL server, replaced), migrated, the demo loaded; at a scale of N, 2012-13's
   indicators (with their owners, targets and actuals) and budget lines (with their monthly
   figures) are copied N - 1 more times, so that its dashboard, quarterly report, budget
   workbook and actuals hold N times as many rows;
2. "measure": as the demo administrator, each export made once to warm up, then made and
   written by XlsxWriter alone (every cell of the export's file, value and format, read into
   plain Python values before the clock starts, written in constant-memory mode and nothing
   else) in turns, best of several each; in the same turns, the export made just after its
   page was read (the page not timed: what the two share and keep until the records change
   is then built already), and the export's two steps on their
   own: building its data from the records (the dashboard, the report, the budget's variance
   lines, the rows of the entry screens' export) and writing its workbook from that data built
   beforehand. What the export takes beyond the two is the request's own work (signing in,
   keeping the answer). Times are processor time (this process's: SQLite's work is in it, a
   PostgreSQL server's is not). Then each export once more under tracemalloc for the most
   memory it held at once.

The exports: the 2012-13 dashboard's workbook for quarter 4 (/plans/2012-13/indicators.xlsx),
the quarterly report's workbook for 2012-13 quarter 4 (/reports/2012-13/q4.xlsx, built from the
records, no sign-off kept), the budget workbook (/plans/2012-13/budget/workbook.xlsx), and the
entry screens' export of 2012-13's actuals (Measurements) as a workbook.
"""

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from budget_workbook import cells_of, setup_django, write_alone
from children import run_child

ROOT = Path(__file__).resolve().parent.parent
YEAR = "2012-13"


def build(scale, database):
    if database.startswith("postgres"):
        import psycopg

        server, name = database.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    setup_django(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    for copy in range(1, scale):
        copy_indicators(copy)
        copy_budget_lines(copy)
    from budgets.models import BudgetLine
    from kpis.models import Indicator, Measurement

    return {
        "indicators": Indicator.objects.filter(plan_year__year=YEAR).count(),
        "measurements": Measurement.objects.filter(indicator__plan_year__year=YEAR).count(),
        "budget_lines": BudgetLine.objects.filter(budget__plan_year__year=YEAR).count(),
    }


def copy_indicators(copy):
    """2012-13's indicators once more, refs ending in -<copy>, with their owners, targets and
    actuals."""
    from kpis.models import Indicator, Measurement, PeriodTarget

    originals = list(
        Indicator.objects.filter(plan_year__year=YEAR, continues_from=None)
        .exclude(ref__contains="-")
        .prefetch_related("owners", "targets", "measurements")
    )
    for original in originals:
        owners = list(original.owners.all())
        targets = list(original.targets.all())
        measurements = list(original.measurements.all())
        indicator = original
        indicator.pk = None
        indicator.ref = f"{original.ref}-{copy}"
        indicator.save()
        indicator.owners.set(owners)
        for row in (*targets, *measurements):
            row.pk = None
            row.indicator = indicator
        PeriodTarget.objects.bulk_create(targets)
        Measurement.objects.bulk_create(measurements)


def copy_budget_lines(copy):
    """2012-13's budget lines once more, each in a copy of its category, with their monthly
    figures."""
    from budgets.models import BudgetCategory, BudgetLine, MonthlyFigure

    originals = list(
        BudgetLine.objects.filter(budget__plan_year__year=YEAR)
        .exclude(category__name__contains="(copy")
        .select_related("category")
        .prefetch_related("monthly_figures")
    )
    categories = {}
    for line in originals:
        category = line.category
        if category.pk not in categories:
            copied = BudgetCategory.objects.get(pk=category.pk)
            copied.pk = None
            copied.name = f"{category.name} (copy {copy})"
            copied.save()
            categories[category.pk] = copied
        figures = list(line.monthly_figures.all())
        line.pk = None
        line.category = categories[category.pk]
        line.save()
        for figure in figures:
            figure.pk = None
            figure.line = line
        MonthlyFigure.objects.bulk_create(figures)


EXPORTS = {
    "dashboard workbook": f"/plans/{YEAR}/indicators.xlsx?quarter=4",
    "quarterly report workbook": f"/reports/{YEAR}/q4.xlsx",
    "budget workbook": f"/plans/{YEAR}/budget/workbook.xlsx",
    "actuals from the entry screens": None,
}
#: The page each export is downloaded from, read first for "after its page": what the export
#: shares with it, kept until the records change (the report, for the report's workbook), is
#: then built already, as when a director reads the report and downloads its workbook.
PAGES = {
    "dashboard workbook": f"/plans/{YEAR}/indicators/?quarter=4",
    "quarterly report workbook": f"/reports/{YEAR}/q4/",
    "budget workbook": f"/plans/{YEAR}/budget/",
    "actuals from the entry screens": "/admin/kpis/measurement/",
}


def measure(scale, database, folder):
    setup_django(database)
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import Client, RequestFactory
    from django.test.utils import setup_test_environment

    from core import caching
    from core.exports import ReadableXLSX
    from kpis.models import Measurement

    setup_test_environment()
    administrator = get_user_model().objects.get(username="admin")
    client = Client()
    client.force_login(administrator)
    request = RequestFactory().get("/admin/kpis/measurement/export/")
    request.user = administrator
    measurements = admin.site._registry[Measurement]

    def afresh(page):
        """Empty the cache, as after a change; then read `page` first, if given, without
        counting its time."""
        caching.forget_all()
        if page is not None:
            started = time.process_time()
            assert client.get(page).status_code == 200
            untimed.append(time.process_time() - started)

    def download(url, page=None):
        def get():
            # Built afresh: the exports kept until their records change (core.caching) are
            # answered without writing anything.
            afresh(page)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:
                content = b"".join(response.streaming_content)
                response.close()
                return content
            return response.content

        return get

    def actuals(page=None):
        def get():
            afresh(page)
            queryset = measurements.get_queryset(request).filter(indicator__plan_year__year=YEAR)
            return measurements.get_export_data(ReadableXLSX(), request, queryset)

        return get

    untimed = []

    writing_only = writers(request, measurements, folder)
    results = {}
    for name, url in EXPORTS.items():
        export = download(url) if url else actuals()
        after_page = download(url, PAGES[name]) if url else actuals(PAGES[name])
        path = folder / f"{name}-{scale}.xlsx"
        path.write_bytes(export())
        sheets = cells_of(path)
        repeats = 3 if sum(len(cells) for _title, cells in sheets) > 100_000 else 15
        made, after, alone, building, written = [], [], [], [], []
        build_only, write_only = writing_only[name]
        for _ in range(repeats):
            start = time.process_time()
            export()
            made.append(time.process_time() - start)
            untimed.clear()
            start = time.process_time()
            after_page()
            after.append(time.process_time() - start - sum(untimed))
            start = time.process_time()
            write_alone(sheets, folder / "alone.xlsx")
            alone.append(time.process_time() - start)
            start = time.process_time()
            build_only()
            building.append(time.process_time() - start)
            start = time.process_time()
            write_only()
            written.append(time.process_time() - start)
        tracemalloc.start()
        export()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[name] = {
            "cells": sum(len(cells) for _title, cells in sheets),
            "export_seconds": round(min(made), 4),
            "after_page_seconds": round(min(after), 4),
            "alone_seconds": round(min(alone), 4),
            "building_seconds": round(min(building), 4),
            "writing_seconds": round(min(written), 4),
            "peak_mb": round(peak / 1_000_000, 1),
        }
    return results


def writers(request, measurements, folder):
    """For each export, two steps of it on their own: building its data object from the records
    (the dashboard, the report, the variance report's lines, the export's rows) and writing its
    workbook from that object built once beforehand."""
    import dataclasses

    from budgets import exports as budget_exports
    from budgets import selectors as budget_selectors
    from core.exports import write_workbook
    from kpis import exports as kpi_exports
    from kpis import selectors as kpi_selectors
    from plans.models import PlanYear
    from plans.periods import Quarter
    from reports import selectors as report_selectors
    from reports.workbook import report_workbook

    plan_year = PlanYear.objects.get(year=YEAR)
    quarter = Quarter.parse(YEAR, "4")

    def dashboard():
        return kpi_selectors.dashboard(year=YEAR, quarter=quarter)

    def report():
        return report_selectors.quarterly_report(plan_year=plan_year, quarter=quarter)

    def budget():
        stream = budget_selectors.variance_stream(plan_year=plan_year)
        return stream, list(stream.lines)

    def actuals():
        queryset = measurements.get_queryset(request).filter(indicator__plan_year__year=YEAR)
        rows = measurements.get_data_for_export(request, queryset, force_native_type=True)
        rows.title = measurements.export_title(queryset)
        return rows

    built = {"dashboard": dashboard(), "report": report(), "budget": budget(), "rows": actuals()}
    stream, lines = built["budget"]
    return {
        "dashboard workbook": (dashboard, lambda: kpi_exports.dashboard_xlsx(built["dashboard"])),
        "quarterly report workbook": (report, lambda: report_workbook(built["report"])),
        "budget workbook": (
            budget,
            lambda: budget_exports.write_workbook(
                dataclasses.replace(stream, lines=iter(lines)), folder / "written.xlsx"
            ),
        ),
        "actuals from the entry screens": (actuals, lambda: write_workbook(built["rows"])),
    }


def child(step, scale, folder, server):
    folder = Path(folder)
    if server == "sqlite":
        database = f"sqlite:///{folder / f'exports-{scale}.sqlite3'}"
    else:
        database = f"{server}/bench_exports_{scale}"
    if step == "build":
        return build(scale, database)
    return measure(scale, database, folder)


def run(step, scale, folder, server):
    return run_child(__file__, step, scale, folder, server)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _flag, step, scale, folder, server = sys.argv[1:]
        print(json.dumps(child(step, int(scale), folder, server)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="*", default=[1, 10])
    parser.add_argument(
        "--postgres",
        default="sqlite",
        help="a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432, to run on a fresh "
        "database there (bench_exports_<scale>, replaced) instead of SQLite",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="exports-bench-"))
    print(
        "| export | scale | cells | export s (processor) | XlsxWriter alone s | ratio "
        "| after its page s | its ratio | building only s | writing only s | its ratio "
        "| most memory held MB (tracemalloc) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scale in args.scale:
        sizes = run("build", scale, folder, args.postgres)
        print(f"<!-- scale {scale}: {sizes} -->", flush=True)
        for name, got in run("measure", scale, folder, args.postgres).items():
            ratio = got["export_seconds"] / got["alone_seconds"]
            after = got["after_page_seconds"] / got["alone_seconds"]
            writing = got["writing_seconds"] / got["alone_seconds"]
            print(
                f"| {name} | {scale} | {got['cells']:,} | {got['export_seconds']} | "
                f"{got['alone_seconds']} | {ratio:.2f} | {got['after_page_seconds']} | "
                f"{after:.2f} | {got['building_seconds']} | "
                f"{got['writing_seconds']} | "
                f"{writing:.2f} | {got['peak_mb']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
