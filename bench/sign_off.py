"""Benchmark: signing off a quarter's report, and the size of what a sign-off keeps.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/sign_off.py

A fresh SQLite database in the temporary folder (unless DATABASE_URL is set), migrated, with the
demo data loaded. The demo director signs off one quarter of each demo plan year
(reports.services.report_sign_off: the report built, its PDF and workbook rendered, all stored);
for each, the time it took and the size of the stored figures (JSON), PDF and workbook.
"""

import json
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
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/sign_off_bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402

from plans.models import PlanYear  # noqa: E402
from plans.periods import Quarter  # noqa: E402
from reports import services  # noqa: E402
from reports.models import SignedOffReport  # noqa: E402

QUARTERS = [("2010-11", 2), ("2012-13", 4), ("2016-17", 4)]


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    director = get_user_model().objects.get(username="director")
    print("| quarter | sign-off (s) | figures (KB) | PDF (KB) | workbook (KB) | kept (KB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for year, number in QUARTERS:
        plan_year = PlanYear.objects.get(year=year)
        start = time.perf_counter()
        sign_off = services.report_sign_off(
            plan_year=plan_year, quarter=Quarter(plan_year.start, number), user=director
        )
        took = time.perf_counter() - start
        kept = SignedOffReport.objects.get(sign_off=sign_off)
        figures = len(json.dumps(kept.data, cls=DjangoJSONEncoder).encode())
        sizes = [figures, len(kept.pdf), len(kept.workbook)]
        print(
            f"| {year} quarter {number} | {took:.2f} | "
            + " | ".join(f"{size / 1024:,.0f}" for size in [*sizes, sum(sizes)])
            + " |"
        )


if __name__ == "__main__":
    main()
