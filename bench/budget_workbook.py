"""Benchmark: the budget workbook export against XlsxWriter alone, for 5,000 and 50,000 lines
with twelve monthly figures each.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/budget_workbook.py [--lines 5000 50000] [--database]

Each size runs in its own process, so that its peak memory (maximum resident set size) is its
own. In that process:

1. a variance report is built by `budgets.selectors.build_variance_report` (the code the page and
   the view use) from lines and monthly figures made in memory: one line in ten for a project
   with an owner, actuals April to September and forecasts October to March, amounts in pence;
2. "export": `budgets.exports.write_workbook` writes the four-sheet workbook to a file;
3. "xlsxwriter alone": the same cells (every value and format the export writes, taken from the
   file the export wrote and held as plain Python floats and strings before the clock starts)
   are written with XlsxWriter in constant-memory mode, and nothing else;
4. each is timed three times (best kept), and the export's own allocations are measured once
   with tracemalloc (Python's peak allocation during the write).

With --database, each size is also loaded into a fresh SQLite database in the temporary folder
and the whole download (`/plans/<year>/budget/workbook.xlsx` through the test client: queries,
report and workbook) is timed, with the process's peak resident memory.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3


def setup_django(database_url=None):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "on")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_memory_report(lines_count):
    """A variance report of `lines_count` lines built from unsaved records (no database)."""
    from budgets import choices, selectors
    from budgets.models import Budget, BudgetCategory, BudgetLine
    from plans.models import PlanYear, Project, Role

    rng = random.Random(2016)
    plan_year = PlanYear(pk=1, year="2016-17", title="Business Plan 2016-17")
    budget = Budget(pk=1, plan_year=plan_year, presentation_unit=choices.PresentationUnit.POUNDS)
    owner = Role(pk=1, title="Director of Corporate Services")
    categories = [
        BudgetCategory(pk=number, name=f"Cost centre {number:05d}", kind=kind)
        for number, kind in enumerate(
            [choices.CategoryKind.PROGRAMME_DELIVERY, choices.CategoryKind.ADMIN] * 50, start=1
        )
    ]
    lines = []
    for number in range(1, lines_count + 1):
        project = None
        if number % 10 == 0:
            project = Project(pk=number, plan_year=plan_year, title=f"=Project {number}")
            project._prefetched_objects_cache = {"owners": Role.objects.none()}
            project._prefetched_objects_cache["owners"]._result_cache = [owner]
        lines.append(
            BudgetLine(
                pk=number,
                budget=budget,
                category=categories[number % len(categories)],
                project=project,
                amount=Decimal(rng.randrange(1_200, 1_200_000)),
                description=f"Line {number}",
            )
        )
    months = plan_year.months()

    def figures():
        for line in lines:
            month_budget = int(line.amount) // 12
            for index, month in enumerate(months):
                pence = rng.randrange(month_budget * 80, month_budget * 120 + 1)
                amount = Decimal(pence) / 100
                actual, forecast = (amount, None) if index < 6 else (None, amount)
                yield line.pk, month, actual, forecast, None, False

    return selectors.build_variance_report(
        plan_year=plan_year,
        budget=budget,
        lines=lines,
        figures=figures(),
        grant_total=Decimal(0),
        month=datetime.date(2016, 9, 1),
    )


def cells_of(path):
    """Every cell the export wrote, sheet by sheet, as (row, column, value, format options),
    read back from its file, so that XlsxWriter alone writes exactly the same cells."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    sheets = []
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                options = {}
                if cell.font and cell.font.b:
                    options["bold"] = True
                if cell.number_format and cell.number_format != "General":
                    options["num_format"] = cell.number_format
                if getattr(cell, "quotePrefix", False):
                    options["quote_prefix"] = True
                rows.append((cell.row - 1, cell.column - 1, cell.value, tuple(options.items())))
        sheets.append((sheet.title, rows))
    return sheets


def write_alone(sheets, path):
    """XlsxWriter in constant-memory mode writing the given cells, and nothing else."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    formats = {}
    for title, cells in sheets:
        sheet = book.add_worksheet(title)
        for row, column, value, options in cells:
            fmt = None
            if options:
                fmt = formats.get(options)
                if fmt is None:
                    fmt = formats[options] = book.add_format(dict(options))
            if isinstance(value, str):
                sheet.write_string(row, column, value, fmt)
            else:
                sheet.write_number(row, column, value, fmt)
    book.close()


def best_of(function):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def run_in_memory(lines_count):
    setup_django()
    from budgets import exports

    start = time.perf_counter()
    report = in_memory_report(lines_count)
    build_seconds = time.perf_counter() - start
    rss_after_report = peak_rss_mb()
    folder = Path(tempfile.mkdtemp(prefix="budget-bench-"))
    exported = folder / "export.xlsx"
    alone = folder / "alone.xlsx"

    export_seconds = best_of(lambda: exports.write_workbook(report, str(exported)))
    rss_after_export = peak_rss_mb()
    sheets = cells_of(exported)
    cells = sum(len(cells) for _title, cells in sheets)
    alone_seconds = best_of(lambda: write_alone(sheets, str(alone)))

    tracemalloc.start()
    exports.write_workbook(report, str(exported))
    _current, export_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "lines": lines_count,
        "cells": cells,
        "report_seconds": round(build_seconds, 2),
        "export_seconds": round(export_seconds, 2),
        "alone_seconds": round(alone_seconds, 2),
        "ratio": round(export_seconds / alone_seconds, 2),
        "export_python_peak_mb": round(export_peak / 1_000_000, 1),
        "rss_after_report_mb": round(rss_after_report),
        "rss_after_export_mb": round(rss_after_export),
        "file_mb": round(exported.stat().st_size / 1_000_000, 1),
    }


def run_database(lines_count):
    folder = Path(tempfile.mkdtemp(prefix="budget-bench-db-"))
    setup_django(f"sqlite:///{folder / 'bench.sqlite3'}")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from budgets import choices
    from budgets.models import Budget, BudgetCategory, BudgetLine, MonthlyFigure
    from plans.models import PlanYear, Project

    call_command("migrate", verbosity=0)
    setup_test_environment()
    rng = random.Random(2016)
    plan_year = PlanYear.objects.create(year="2016-17", title="Business Plan 2016-17")
    budget = Budget.objects.create(plan_year=plan_year)
    categories = BudgetCategory.objects.bulk_create(
        BudgetCategory(name=f"Cost centre {number:05d}", kind=choices.CategoryKind.ADMIN)
        for number in range(lines_count)
    )
    projects = Project.objects.bulk_create(
        Project(plan_year=plan_year, title=f"Project {number}")
        for number in range(0, lines_count, 10)
    )
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            budget=budget,
            category=category,
            project=projects[number // 10] if number % 10 == 0 else None,
            amount=Decimal(rng.randrange(1_200, 1_200_000)),
        )
        for number, category in enumerate(categories)
    )
    months = plan_year.months()
    MonthlyFigure.objects.bulk_create(
        (
            MonthlyFigure(
                line=line,
                month=month,
                actual=Decimal(rng.randrange(10_000, 10_000_000)) / 100 if index < 6 else None,
                forecast=None if index < 6 else Decimal(rng.randrange(10_000, 10_000_000)) / 100,
            )
            for line in lines
            for index, month in enumerate(months)
        ),
        batch_size=5000,
    )
    user = get_user_model().objects.create_superuser("bench", password="x")
    client = Client()
    client.force_login(user)
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    response = client.get("/plans/2016-17/budget/workbook.xlsx?month=2016-09")
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return {
        "lines": lines_count,
        "download_seconds": round(seconds, 2),
        "rss_before_mb": round(rss_before),
        "rss_peak_mb": round(peak_rss_mb()),
        "file_mb": round(len(response.content) / 1_000_000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[5000, 50000])
    parser.add_argument("--database", action="store_true", help="also time the whole download")
    parser.add_argument("--child", choices=["memory", "database"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = run_in_memory if args.child == "memory" else run_database
        print(json.dumps(run(args.lines[0])))
        return
    kinds = ["memory", "database"] if args.database else ["memory"]
    for kind in kinds:
        for lines_count in args.lines:
            output = subprocess.run(
                [sys.executable, __file__, "--child", kind, "--lines", str(lines_count)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            print(kind, output.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
