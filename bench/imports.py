"""Benchmark: time and peak memory of the import preview for malformed and hostile files, and of
the confirmation of 20,000 valid rows.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/imports.py [--timeout 400] [--only "row limit"]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_imports DEBUG=on \
        .venv/bin/python bench/imports.py --only "row limit"

It migrates and loads the demo data into a fresh SQLite database in the temporary folder (or,
when DATABASE_URL names a PostgreSQL database, into that database, dropped and made anew), then
posts each file to the milestone import page (the dry-run preview) as a superuser, each in its
own process so that its peak memory (maximum resident set size) is its own. A case named
"..., confirmed" then confirms the preview, and a second line gives the confirmation's
figures (its growth in memory is over the process's peak after the preview); the case "csv
changing 20,000 milestones" first adds the milestones it changes, if they are not there. A
case that runs longer than --timeout seconds is stopped and reported as such. "cpu s" is the
processor time the process used, which others' work on a shared machine moves less than the
time on the clock.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["id", "plan_year", "project", "title", "due_on", "status", "completed_on",
           "commentary", "is_illustrative"]  # fmt: skip


def workbook(rows, dimension=None, last_row=None):
    """An xlsx workbook of `rows` (and one cell in row `last_row`, if given), its sheet's
    declared dimension replaced if given."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if last_row:
        book.active.cell(row=last_row, column=1, value="")
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(buffer)
    copy_buffer = io.BytesIO()
    with zipfile.ZipFile(copy_buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                start = content.index(b"<dimension ref=")
                end = content.index(b"/>", start)
                content = content[:start] + f'<dimension ref="{dimension}"'.encode() + content[end:]
            copy.writestr(part.filename, content)
    return copy_buffer.getvalue()


def milestone_csv(project, megabytes, rows=None):
    """A csv of valid new milestones, of at least `megabytes` MB or of `rows` rows."""
    lines = [",".join(HEADERS)]
    size, n = 0, 0
    while (n < rows) if rows else (size < megabytes * 1_000_000):
        n += 1
        line = f',2010-11,"{project}",Milestone {n},2011-03-31,on track,,Progress note {n},0'
        lines.append(line)
        size += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def changing_csv(project, rows):
    """A csv changing the commentary of `rows` milestones of `project`, which are made first
    (in bulk, without history) if the project has fewer."""
    from plans.models import Milestone

    missing = rows - Milestone.objects.filter(project=project).count()
    Milestone.objects.bulk_create(
        Milestone(project=project, title=f"Stored {n}", due_on="2011-03-31") for n in range(missing)
    )
    lines = [",".join(HEADERS)]
    for milestone in Milestone.objects.filter(project=project).order_by("pk")[:rows]:
        lines.append(
            f'{milestone.pk},2010-11,"{project.title}","{milestone.title}",'
            f"{milestone.due_on},{milestone.status},{milestone.completed_on or ''},"
            f"Checked again {time.time()},0"
        )
    return ("\n".join(lines) + "\n").encode()


def build_case(name, project):
    """(file name, bytes) of a case."""
    if name == "random bytes named .xlsx (1.6 KB)":
        return "sheet.xlsx", random.Random(13).randbytes(1600)
    if name == "zip that is not a workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("notes.txt", "Not a spreadsheet")
        return "sheet.xlsx", buffer.getvalue()
    if name == "cp1252 csv":
        row = f',2010-11,"{project}",Café £5,2011-03-31,on track,,,0'
        return "sheet.csv", ("\n".join([",".join(HEADERS), row]) + "\n").encode("cp1252")
    # A header, and an empty cell in the last row, so every row between exists to be read.
    if name == "xlsx declaring 100,000 rows":
        return "sheet.xlsx", workbook([HEADERS], last_row=100_000)
    if name == "xlsx declaring 1,048,576 rows":
        return "sheet.xlsx", workbook([HEADERS], last_row=1_048_576)
    if name == "xlsx declaring 2 rows, with 100,000":
        return "sheet.xlsx", workbook([HEADERS], last_row=100_000, dimension="A1:I2")
    if name == "formula without a saved value":
        row = ["", "2010-11", project, "=A1", "2011-03-31", "on track", "", "", 0]
        return "sheet.xlsx", workbook([HEADERS, row])
    if name.startswith("hostile: "):
        # Built by another process (building one takes more memory than reading it should),
        # and passed on in a file.
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as built:
            subprocess.run([sys.executable, __file__, "--build", name, built.name], check=True)
            return "sheet.xlsx", Path(built.name).read_bytes()
    if name == "10 MB csv":
        return "sheet.csv", milestone_csv(project, 10)
    if name.startswith("csv at the row limit (20,000 rows)"):
        return "sheet.csv", milestone_csv(project, 0, rows=20_000)
    raise ValueError(name)


# The shapes of the attacks on the imports: tiny files that unpack to millions of cells or
# strings, or to one enormous text (tests/core/hostile_workbooks.py builds them).
HOSTILE = {
    "hostile: one row of 23 million empty cells": lambda h: h.one_row_of_empty_cells(23_000_000),
    "hostile: one row of 2.7 million empty cells": lambda h: h.one_row_of_empty_cells(2_700_000),
    "hostile: 5.5 million shared strings": lambda h: h.many_shared_strings(5_500_000),
    "hostile: one 95 MB shared string": lambda h: h.one_long_string(95_000_000, shared=True),
    "hostile: 20,001 rows of 100 empty cells": lambda h: h.many_cells(20_001, 100),
}

CASES = [
    "random bytes named .xlsx (1.6 KB)",
    "zip that is not a workbook",
    "cp1252 csv",
    "formula without a saved value",
    "xlsx declaring 100,000 rows",
    "xlsx declaring 1,048,576 rows",
    "xlsx declaring 2 rows, with 100,000",
    "10 MB csv",
    "csv at the row limit (20,000 rows)",
    "csv at the row limit (20,000 rows), confirmed",
    "csv changing 20,000 milestones, confirmed",
    *HOSTILE,
]


def cpu_seconds():
    """The processor time this process has used (user and system), which, unlike the time on
    the clock, does not grow when others share the machine's cores (the database server's own
    work is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare():
    """Migrate and load the demo data; add a superuser to import with."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    user = get_user_model().objects.filter(username="bench-importer").first()
    if user is None:
        get_user_model().objects.create_superuser("bench-importer", password="bench-importer")


def run_case(name):
    """Post one case to the milestone import page; print its figures as JSON."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment

    from plans.models import Project

    setup_test_environment()
    project = Project.objects.filter(plan_year__year="2010-11").order_by("position").first()
    if name.startswith("csv changing 20,000 milestones"):
        file_name, content = "sheet.csv", changing_csv(project, 20_000)
    else:
        file_name, content = build_case(name, project.title)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-importer"))
    client.get("/admin/plans/milestone/import/")  # warm up: templates, URL resolving
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu_started = cpu_seconds()
    xlsx = file_name.endswith(".xlsx")
    upload = SimpleUploadedFile(file_name, content)
    started = time.perf_counter()
    response = client.post(
        "/admin/plans/milestone/import/",
        {"import_file": upload, "format": "1" if xlsx else "0", "resource": "0"},
    )
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    form = response.context["form"] if response.context and "form" in response.context else None
    errors = form.errors.get("import_file", []) if form is not None else []
    results = [
        {
            "case": name,
            "file_bytes": len(content),
            "status": response.status_code,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "peak_mb": round(peak / 1024),
            "growth_mb": round((peak - rss_before) / 1024),
            "page_kb": round(len(response.content) / 1024),
            "message": str(errors[0])[:90] if errors else "",
        }
    ]
    if name.endswith(", confirmed"):
        from plans.models import Milestone

        before = Milestone.objects.count()
        changed = Milestone.history.filter(history_type="~").count()
        key = response.context["confirm_form"].initial["preview_key"]
        started, cpu_started = time.perf_counter(), cpu_seconds()
        confirmed = client.post("/admin/plans/milestone/process_import/", {"preview_key": key})
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results.append(
            {
                "case": "  ... its confirmation",
                "file_bytes": len(content),
                "status": confirmed.status_code,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "peak_mb": round(after / 1024),
                "growth_mb": round((after - peak) / 1024),
                "page_kb": round(len(confirmed.content) / 1024),
                "message": f"{Milestone.objects.count() - before:,} milestones added"
                if "changing" not in name
                else f"{Milestone.history.filter(history_type='~').count() - changed:,} changed",
            }
        )
    for result in results:
        print(json.dumps(result))


def fresh_postgres_database(url):
    """Drop and create the PostgreSQL database `url` names, so each run starts from nothing."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=400, help="seconds allowed per case")
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return
    if args.case:
        run_case(args.case)
        return
    if args.build:
        sys.path.insert(0, str(ROOT))
        from tests.core import hostile_workbooks

        name, path = args.build
        Path(path).write_bytes(HOSTILE[name](hostile_workbooks))
        return

    database = Path(tempfile.gettempdir()) / f"bench-imports-{os.getpid()}.sqlite3"
    postgres = os.environ.get("DATABASE_URL", "")
    if postgres.startswith("postgres"):
        fresh_postgres_database(postgres)
        env = dict(os.environ)
    else:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    try:
        subprocess.run([sys.executable, __file__, "--prepare"], env=env, check=True)
        print(f"{'case':36} {'file':>9} {'status':>6} {'seconds':>8} {'cpu s':>6} {'peak MB':>8} "
              f"{'growth MB':>9} {'page KB':>8}  message")  # fmt: skip
        for name in CASES:
            if args.only and args.only not in name:
                continue
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--case", name],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                print(f"{name:36} stopped after {args.timeout} s")
                continue
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if not lines:
                print(f"{name:36} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            for line in lines:
                r = json.loads(line)
                print(
                    f"{r['case']:36} {r['file_bytes']:>9,} {r['status']:>6} {r['seconds']:>8.2f} "
                    f"{r['cpu_seconds']:>6.2f} {r['peak_mb']:>8} {r['growth_mb']:>9} "
                    f"{r['page_kb']:>8}  {r['message']}"
                )
    finally:
        database.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
