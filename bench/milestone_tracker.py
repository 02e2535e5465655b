"""Benchmark: the milestone tracker's server time, queries and page size for a plan year of the
demo's size and for plans ten and fifty times larger.

Usage (from the project folder, after `make setup`):
    DEBUG=on .venv/bin/python bench/milestone_tracker.py [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DEBUG=on .venv/bin/python \
        bench/milestone_tracker.py

Without DATABASE_URL it works in a fresh SQLite database in the temporary folder. It migrates,
then generates plan years once: 2003-04 with 12 projects of 9 milestones (108, the size of a
demo year: 2010-11 has 115, 2016-17 104), 2004-05 ten times that (120 projects, 1,080) and
2005-06 fifty times (600 projects, 5,400); past years, so that every quarter has ended. Each
project sits under one of four strategic objectives through an aim and under one of seven
corporate objectives, with one or two of five owner roles; the milestones' statuses, dates and
revised dates vary. It then requests each tracker through Django's test client as a signed-in
person: the first page unfiltered, as at a quarter's end, and filtered by owner and quarter
due, reporting the queries, the best and median time per request and the page's size.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_milestones.sqlite3"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

MILESTONES_PER_PROJECT = 9
GENERATED = {"2003-04": 12, "2004-05": 120, "2005-06": 600}  # projects
STATUSES = ["done", "done", "done", "on track", "at risk", "slipped", "not started"]


def generate_plan_year(year: str, projects: int) -> None:
    """A plan year of `projects` projects of MILESTONES_PER_PROJECT milestones each; created
    once."""
    from plans.models import (
        CorporateObjective,
        Milestone,
        PlanYear,
        Project,
        Role,
        StrategicAim,
        StrategicObjective,
    )

    if PlanYear.objects.filter(year=year).exists():
        return
    start = int(year[:4])
    with transaction.atomic():
        plan_year = PlanYear.objects.create(year=year, title=f"Generated plan {year}")
        roles = [Role.objects.get_or_create(title=f"Bench owner {n}")[0] for n in range(5)]
        aims = [
            StrategicAim.objects.create(
                objective=StrategicObjective.objects.create(
                    plan_year=plan_year, ref=f"SO{n}", title=f"Strategic objective {n}"
                ),
                ref=f"{n}.1",
                summary="An aim.",
            )
            for n in range(1, 5)
        ]
        corporate = [
            CorporateObjective.objects.create(
                plan_year=plan_year, ref=f"CO{n}", kind="corporate", aim=f"Corporate aim {n}."
            )
            for n in range(1, 8)
        ]
        made = Project.objects.bulk_create(
            Project(plan_year=plan_year, title=f"Generated project {n}", position=n)
            for n in range(projects)
        )
        Project.aims.through.objects.bulk_create(
            Project.aims.through(project_id=p.pk, strategicaim_id=aims[n % 4].pk)
            for n, p in enumerate(made)
        )
        Project.corporate_objectives.through.objects.bulk_create(
            Project.corporate_objectives.through(
                project_id=p.pk, corporate_objective_id=corporate[n % 7].pk
            )
            for n, p in enumerate(made)
        )
        Project.owners.through.objects.bulk_create(
            Project.owners.through(project_id=p.pk, role_id=roles[(n + k) % 5].pk)
            for n, p in enumerate(made)
            for k in range(1 + n % 2)
        )
        milestones = []
        for n, project in enumerate(made):
            for m in range(MILESTONES_PER_PROJECT):
                status = STATUSES[(n + m) % len(STATUSES)]
                month = (m + n % 3 + 3) % 12 + 1  # April to February
                due_on = datetime.date(start + (month < 4), month, 15)
                revised = (n + m) % 5 == 0
                milestones.append(
                    Milestone(
                        project=project,
                        title=f"Milestone {m + 1} of project {n}",
                        due_on=due_on,
                        revised_due_on=due_on + datetime.timedelta(days=45) if revised else None,
                        revision_reason="Agreed later." if revised else "",
                        status=status,
                        completed_on=due_on + datetime.timedelta(days=(n + m) % 20 - 5)
                        if status == "done"
                        else None,
                        commentary=f"Update on milestone {m + 1}: going as the project plans.",
                    )
                )
        Milestone.objects.bulk_create(milestones)


def measure(client, url, requests):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return len(queries), min(timings), statistics.median(timings), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    for year, projects in GENERATED.items():
        generate_plan_year(year, projects)
    from plans.models import Milestone, Role

    setup_test_environment()
    user, _ = get_user_model().objects.get_or_create(username="bench-tracker")
    client = Client()
    client.force_login(user)
    owner = Role.objects.get(title="Bench owner 1").pk
    print(f"database: {connection.vendor}; {args.requests} requests per page")
    print(f"{'plan':>8} {'milestones':>10} {'page':32} {'queries':>7} {'best ms':>8} "
          f"{'median ms':>9} {'KB':>5}")  # fmt: skip
    for year in GENERATED:
        count = Milestone.objects.filter(project__plan_year__year=year).count()
        for name, query in (
            ("first page", ""),
            ("as at the end of quarter 2", "?as_at=q2"),
            ("one owner, due in quarter 3", f"?owner={owner}&quarter=3"),
        ):
            queries, best, median, size = measure(
                client, f"/plans/{year}/milestones/{query}", args.requests
            )
            print(
                f"{year:>8} {count:>10,} {name:32} {queries:>7} {best:>8.1f} {median:>9.1f} "
                f"{size / 1024:>5.0f}"
            )


if __name__ == "__main__":
    main()
