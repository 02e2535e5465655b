"""Benchmark: the quarterly report's PDF (/reports/<year>/q<N>.pdf) of the largest demo report,
about 20 pages.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/report_pdf.py [--repeats 3]

A fresh SQLite database in the temporary folder (unless DATABASE_URL is set), migrated, with the
demo data loaded. Every quarter of every demo plan year with indicators is rendered once, and
its page count printed; the one with the most pages (then bytes) is the largest. For it, the best
of `--repeats` of:

- "report": building the report object (reports.selectors.quarterly_report, every query);
- "PDF": rendering it to the tagged PDF (reports.pdf.quarter_pdf: template and WeasyPrint);
- "download": the whole request through Django's test client as a director.

and the PDF's page count and size.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "on")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/report_pdf_bench.sqlite3"

import django  # noqa: E402

django.setup()

import pypdf  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from kpis.models import Indicator  # noqa: E402
from plans.models import PlanYear  # noqa: E402
from plans.periods import Quarter  # noqa: E402
from reports import pdf, selectors  # noqa: E402


def best_of(function, repeats):
    best, result = None, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def pages_of(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def measure(client, plan_year, quarter, repeats):
    def build():
        return selectors.quarterly_report(plan_year=plan_year, quarter=quarter)

    report_s, report = best_of(build, repeats)
    organisation = pdf.organisation_of(plan_year)
    pdf_s, data = best_of(lambda: pdf.quarter_pdf(report, organisation=organisation), repeats)
    url = f"/reports/{plan_year.year}/q{quarter.number}.pdf"
    download_s, response = best_of(lambda: client.get(url), repeats)
    assert response.status_code == 200, response.status_code
    return {
        "report": f"{plan_year.year} quarter {quarter.number}",
        "pages": pages_of(data),
        "KB": round(len(data) / 1024),
        "report s": report_s,
        "PDF s": pdf_s,
        "download s": download_s,
    }


def largest_demo_quarter():
    found = []
    for plan_year in PlanYear.objects.filter(pk__in=Indicator.objects.values("plan_year")).order_by(
        "year"
    ):
        start = int(plan_year.year[:4])
        for number in (1, 2, 3, 4):
            quarter = Quarter(start, number)
            report = selectors.quarterly_report(plan_year=plan_year, quarter=quarter)
            data = pdf.quarter_pdf(report, organisation="")
            found.append((pages_of(data), len(data), plan_year, quarter))
            pages, size = found[-1][:2]
            print(f"  {plan_year.year} quarter {number}: {pages} pages, {size / 1024:.0f} KB")
    _, _, plan_year, quarter = max(found, key=lambda item: item[:2])
    return plan_year, quarter


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))

    print("Every demo quarter's PDF:", flush=True)
    plan_year, quarter = largest_demo_quarter()
    rows = [measure(client, plan_year, quarter, args.repeats)]

    print()
    print("| report | pages | KB | report s | PDF s | download s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['report']} | {row['pages']} | {row['KB']} | {row['report s']:.2f} "
            f"| {row['PDF s']:.2f} | {row['download s']:.2f} |"
        )


if __name__ == "__main__":
    main()
