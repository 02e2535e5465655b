"""Benchmark: the budget workbook download against XlsxWriter alone, for 5,000 and 50,000
lines with twelve monthly figures each.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/budget_workbook.py [--lines 5000 50000]
        [--postgres postgres://postgres@127.0.0.1:5432]

For each size, two processes, so that the download's peak memory (maximum resident set size)
is its own:

1. "build": a fresh SQLite database in the temporary folder, migrated, with one budget of that
   many lines in 50 categories (one line each without a project, the rest each for a project
   with an owner), each with twelve monthly figures (actuals April to September, forecasts
   October to March, in pence);
2. "measure": `/plans/2016-17/budget/workbook.xlsx?month=2016-09` through Django's test
   client as a superuser (the queries, the variance of every line and the four-sheet
   workbook), three times, then the process's peak memory; then every cell of the file
   (value and format), read into plain Python floats and strings before the clock starts,
   written again with XlsxWriter in constant-memory mode and nothing else, taking turns with
   the download, three times each (the machine is shared: turns give both the same
   conditions). The best time of each is kept.

The ratio is the download's time over XlsxWriter alone's.
"""

import argparse
import datetime
import json
import os
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from children import run_child

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
CATEGORIES = 50


def setup_django(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "on")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(function, repeats=REPEATS):
    """The best processor time (this process's, SQLite's included; PostgreSQL's server is
    another process) and the best time on the clock of `repeats` calls."""
    processor, clock = [], []
    for _ in range(repeats):
        start, started = time.process_time(), time.perf_counter()
        function()
        processor.append(time.process_time() - start)
        clock.append(time.perf_counter() - started)
    return min(processor), min(clock)


def build(lines_count, database):
    if database.startswith("postgres"):
        import psycopg

        server, name = database.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    setup_django(database)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from budgets import choices
    from budgets.models import Budget, BudgetCategory, BudgetLine, MonthlyFigure
    from plans.models import PlanYear, Project, Role

    call_command("migrate", verbosity=0)
    rng = random.Random(2016)
    plan_year = PlanYear.objects.create(year="2016-17", title="Business Plan 2016-17")
    budget = Budget.objects.create(plan_year=plan_year)
    owner = Role.objects.create(title="Director of Corporate Services")
    kinds = (choices.CategoryKind.ADMIN, choices.CategoryKind.PROGRAMME_DELIVERY)
    categories = BudgetCategory.objects.bulk_create(
        BudgetCategory(name=f"Cost centre {number:02d}", kind=kinds[number % 2])
        for number in range(CATEGORIES)
    )
    projects = Project.objects.bulk_create(
        (
            Project(plan_year=plan_year, title=f"=Project {number}")
            for number in range(lines_count - CATEGORIES)
        ),
        batch_size=5000,
    )
    Project.owners.through.objects.bulk_create(
        (Project.owners.through(project=project, role=owner) for project in projects),
        batch_size=5000,
    )
    # A line for each category without a project, the rest for a project each.
    lines = BudgetLine.objects.bulk_create(
        (
            BudgetLine(
                budget=budget,
                category=categories[number % CATEGORIES],
                project=projects[number - CATEGORIES] if number >= CATEGORIES else None,
                amount=Decimal(rng.randrange(1_200, 1_200_000)),
                description=f"Line {number}",
            )
            for number in range(lines_count)
        ),
        batch_size=5000,
    )
    months = plan_year.months()

    def amount(line):
        month_budget = int(line.amount) // 12
        return Decimal(rng.randrange(month_budget * 80, month_budget * 120 + 1)) / 100

    MonthlyFigure.objects.bulk_create(
        (
            MonthlyFigure(
                line=line,
                month=month,
                actual=amount(line) if index < 6 else None,
                forecast=None if index < 6 else amount(line),
            )
            for line in lines
            for index, month in enumerate(months)
        ),
        batch_size=5000,
    )
    get_user_model().objects.create_superuser("bench", password="unused-bench-password")
    return {"lines": lines_count, "figures": MonthlyFigure.objects.count()}


def measure(lines_count, database, folder):
    """Download the workbook three times (peak memory is read after these, before anything
    else is loaded), then time download and XlsxWriter alone turn about, three times each, so
    both run under the same conditions on a shared machine; the best of each is kept."""
    setup_django(database)
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from core import caching

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    rss_before = peak_rss_mb()
    workbook = folder / f"budget-{lines_count}.xlsx"

    def get():
        # A workbook built afresh: the one kept until the budget changes (core.caching) is
        # answered without writing anything.
        caching.forget_all()
        response = client.get("/plans/2016-17/budget/workbook.xlsx?month=2016-09")
        assert response.status_code == 200, response.status_code
        workbook.write_bytes(response.content)

    first = best_of(get)
    rss_download = peak_rss_mb()
    sheets = cells_of(workbook)
    downloads, alones = [first], []
    # More turns for a small workbook, whose times are short and the noise relatively large.
    for _ in range(REPEATS if lines_count >= 1000 else 5 * REPEATS):
        downloads.append(best_of(get, repeats=1))
        alones.append(best_of(lambda: write_alone(sheets, folder / "alone.xlsx"), repeats=1))
    return {
        "lines": lines_count,
        "cells": sum(len(cells) for _title, cells in sheets),
        "download_seconds": round(min(cpu for cpu, _clock in downloads), 3),
        "alone_seconds": round(min(cpu for cpu, _clock in alones), 3),
        "download_clock_seconds": round(min(clock for _cpu, clock in downloads), 3),
        "alone_clock_seconds": round(min(clock for _cpu, clock in alones), 3),
        "rss_before_mb": round(rss_before),
        "rss_download_mb": round(rss_download),
        "file_mb": round(workbook.stat().st_size / 1_000_000, 1),
    }


def cells_of(path):
    """Every cell of a workbook, sheet by sheet, as (row, column, value, format options)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    sheets = []
    for sheet in book.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                options = {}
                if cell.font and cell.font.b:
                    options["bold"] = True
                if cell.number_format and cell.number_format != "General":
                    options["num_format"] = cell.number_format
                # A read-only cell keeps its quote prefix in its style array only.
                if cell.style_array.quotePrefix:
                    options["quote_prefix"] = True
                cells.append((cell.row - 1, cell.column - 1, cell.value, tuple(options.items())))
        sheets.append((sheet.title, cells))
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
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value, fmt)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(row, column, value, fmt)
            else:
                sheet.write_number(row, column, value, fmt)
    book.close()


def child(step, lines_count, folder, server):
    folder = Path(folder)
    if server == "sqlite":
        database = f"sqlite:///{folder / f'budget-{lines_count}.sqlite3'}"
    else:
        database = f"{server}/bench_budget_{lines_count}"
    if step == "build":
        return build(lines_count, database)
    return measure(lines_count, database, folder)


def run(step, lines_count, folder, server):
    return run_child(__file__, step, lines_count, folder, server)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _flag, step, lines_count, folder, server = sys.argv[1:]
        print(json.dumps(child(step, int(lines_count), folder, server)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[5000, 50000])
    parser.add_argument(
        "--postgres",
        default="sqlite",
        help="a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432, to run on a fresh "
        "database there (bench_budget_<lines>, replaced) instead of SQLite",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="budget-bench-"))
    print(
        "| lines | cells | download s | XlsxWriter alone s | ratio | on the clock: download s "
        "| alone s | ratio | peak MB | of which before the download MB | file MB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for lines_count in args.lines:
        run("build", lines_count, folder, args.postgres)
        got = run("measure", lines_count, folder, args.postgres)
        ratio = got["download_seconds"] / got["alone_seconds"]
        clock_ratio = got["download_clock_seconds"] / got["alone_clock_seconds"]
        print(
            f"| {lines_count:,} | {got['cells']:,} | {got['download_seconds']} | "
            f"{got['alone_seconds']} | {ratio:.2f} | {got['download_clock_seconds']} | "
            f"{got['alone_clock_seconds']} | {clock_ratio:.2f} | {got['rss_download_mb']} | "
            f"{got['rss_before_mb']} | {got['file_mb']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
