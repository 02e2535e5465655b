"""CI: the application on more than one server, as README's "Running on more than one server"
describes: two gunicorn app servers and two task workers against one fresh PostgreSQL database.

After migrate, load_demo --allow-production and collectstatic, it gives the demo users email
addresses, adds owners to the 2016-17 indicators (beside the demo's illustrative ones) and
removes their quarter 4 actuals, so that the director and finance have something missing, then:

- signs in as the demo director on each server (two sessions), reads the quarter 3 report of
  2016-17 through the other server (sessions are shared), and signs the quarter off through
  both servers at the same moment: exactly one sign-off must stand;
- runs `send_reminders` twice at once on the due day of quarter 4 (and once on quarter 3's,
  which is signed off and so reminds nobody), waits for the workers to empty the queue, and
  counts the emails the file backend wrote: at most one per owner per stage, each owner with
  something missing reminded once, and the ledger agreeing;
- fails on any 500 (or other unexpected status), and always stops what it started and drops
  its database.

PostgreSQL is reached at POSTGRES_URL (default postgres://postgres@127.0.0.1:5432).
Usage: .venv/bin/python .ci/two_servers.py
"""

import email
import email.policy
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from production_smoke import (
    Browser,
    SmokeFailure,
    free_loopback_port,
    sign_in,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
YEAR = "2016-17"
SIGNED_OFF_QUARTER = 3
REMINDED_QUARTER = 4
DRAIN_TIMEOUT_SECONDS = 60
EMAIL_SEPARATOR = "-" * 79

# Run inside the application (manage.py shell -c) once the demo is loaded: owners with email
# addresses and something missing, and the days the reminders of the two quarters fall on.
SET_UP = f"""
import datetime, json
from django.contrib.auth import get_user_model
from kpis.models import Indicator, Measurement
from plans.models import PlanYear, Role
from plans.periods import Quarter
from reports.reminders import default_provider

for user in get_user_model().objects.all():
    user.email = f"{{user.username}}@example.org"
    user.save(update_fields=["email"])
plan_year = PlanYear.objects.get(year="{YEAR}")
# Half the 2016-17 indicators also go to the director, half to finance (beside the owners the
# demo gives them, demo.illustrative_journeys).
roles = [Role.objects.get(title="Director of Policy"),
         Role.objects.get(title="Director of Corporate Services")]
for n, indicator in enumerate(Indicator.objects.filter(plan_year=plan_year).order_by("pk")):
    indicator.owners.add(roles[n % 2])
fourth = Quarter(plan_year.start, {REMINDED_QUARTER})
Measurement.objects.filter(
    indicator__plan_year=plan_year, period__gte=fourth.first_day, period__lte=fourth.last_period
).delete()
provider = default_provider()
days = {{
    n: {{stage: day.isoformat() for stage, day in
        provider.deadline(plan_year, Quarter(plan_year.start, n))[1].items()}}
    for n in ({SIGNED_OFF_QUARTER}, {REMINDED_QUARTER})
}}
print("DAYS=" + json.dumps(days))
"""


class Failure(Exception):
    pass


STARTED = time.monotonic()


def say(text):
    print(f"{time.monotonic() - STARTED:5.1f} {text}", flush=True)


class Checked(Browser):
    """A browser that remembers every status it was answered, to fail on a 500."""

    statuses: list

    def request(self, path, data=None):
        status, headers, body = super().request(path, data)
        self.statuses.append((status, path))
        return status, headers, body


def browser_for(port, statuses) -> Checked:
    browser = Checked(f"http://127.0.0.1:{port}")
    browser.statuses = statuses
    return browser


def environment(database_url: str, folder: Path, site_port: int) -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(folder / "static"),
        SECURE_SSL_REDIRECT="off",
        SECURE_COOKIES="off",
        EMAIL_URL=f"filemail://{folder / 'mail'}",
        SITE_URL=f"http://127.0.0.1:{site_port}",
    )
    return env


def manage(*args, env, capture=False) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    say(f"-- manage.py {' '.join(args)[:60]} ({time.monotonic() - started:.1f} s)")
    if done.returncode:
        raise Failure(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout if capture else ""


def start(command, env, log_path) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def stop(processes: list[subprocess.Popen]):
    """SIGTERM to all at once (a worker finishes its task, gunicorn its requests), then wait."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=20)
            say(f"   stopped {' '.join(process.args[1:3])}")
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def at_once(*calls):
    """Run the calls in threads that start together; gives their results in order."""
    results = [None] * len(calls)
    errors = []
    ready = threading.Barrier(len(calls), timeout=30)

    def run(n, call):
        try:
            ready.wait()
            results[n] = call()
        except Exception as error:  # reported below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def csrf_token(page: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise Failure("the report page has no sign-off form")
    return token[1]


def sign_off_through_both(port_a, port_b, statuses):
    report = f"/reports/{YEAR}/q{SIGNED_OFF_QUARTER}/"
    first, second = browser_for(port_a, statuses), browser_for(port_b, statuses)
    at_once(lambda: sign_in(first, "director", "demo"), lambda: sign_in(second, "director", "demo"))
    # Each session, made on one server, reads the report through the other.
    pages = []
    for browser, other_port in ((first, port_b), (second, port_a)):
        browser.base_url = f"http://127.0.0.1:{other_port}"
        pages.append(browser.get_ok(report))
    for browser, port in ((first, port_a), (second, port_b)):
        browser.base_url = f"http://127.0.0.1:{port}"
    tokens = [csrf_token(page) for page in pages]
    say(f"-- signing off {YEAR} quarter {SIGNED_OFF_QUARTER} through both servers at once")
    answers = at_once(
        *(
            lambda browser=browser, token=token: browser.request(
                f"{report}sign-off/", {"csrfmiddlewaretoken": token, "note": "CI"}
            )
            for browser, token in zip((first, second), tokens, strict=True)
        )
    )
    for status, headers, _ in answers:
        say(f"   {status} POST {report}sign-off/ -> {headers.get('Location')}")
        if status != 302:
            raise Failure(f"signing off answered {status}, not a redirect to the report")
    said = [browser.get_ok(report) for browser in (first, second)]
    signed = sum("is signed off. Its actuals" in page for page in said)
    already = sum("Yours was not recorded" in page for page in said)
    say(f"   one said signed off: {signed}, the other already signed off: {already}")
    if (signed, already) != (1, 1):
        raise Failure("the two sign-offs were not told one 'signed off' and one 'already'")


def emails_written(folder: Path) -> list:
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_text().split(EMAIL_SEPARATOR):
            if chunk.strip():
                messages.append(
                    email.message_from_string(chunk.strip(), policy=email.policy.default)
                )
    return messages


def wait_for_the_workers(database_url, queued, mail_folder):
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        with psycopg.connect(database_url) as db:
            waiting = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING')"
            ).fetchone()[0]
        if waiting == 0 and len(emails_written(mail_folder)) >= queued:
            return
        time.sleep(0.3)
    raise Failure(f"the workers had not sent {queued} emails within {DRAIN_TIMEOUT_SECONDS} s")


def check(database_url, folder, env, port_a, port_b):
    statuses = []
    processes = []
    python = sys.executable
    try:
        # The static files need no database: collected while the database is made.
        collect = start(
            [python, "manage.py", "collectstatic", "--no-input", "-v0"],
            env,
            folder / "collectstatic.log",
        )
        processes.append(collect)
        manage("migrate", "--no-input", "--verbosity", "0", env=env)
        # The workers need only the tables: they start while the demo loads.
        for name in ("1", "2"):
            command = [python, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"]
            command += ["--worker-id", f"ci-worker-{name}"]
            processes.append(start(command, env, folder / f"worker-{name}.log"))
        manage("load_demo", "--allow-production", env=env)
        if collect.wait(timeout=120):
            raise Failure("collectstatic failed")
        gunicorn = str(Path(python).parent / "gunicorn")
        servers = []
        for name, port in (("a", port_a), ("b", port_b)):
            command = [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            # Two servers on one machine would share gunicorn's default control socket.
            command.append("--no-control-socket")
            servers.append(start(command, env, folder / f"gunicorn-{name}.log"))
        processes.extend(servers)
        say("-- two gunicorn app servers and two task workers started")
        out = manage("shell", "-c", SET_UP, env=env, capture=True)
        days = json.loads(out.split("DAYS=", 1)[1].strip())
        say(f"   reminder days: {days}")
        for port, server in zip((port_a, port_b), servers, strict=True):
            wait_until_up(Browser(f"http://127.0.0.1:{port}"), server)

        sign_off_through_both(port_a, port_b, statuses)
        with psycopg.connect(database_url) as db:
            standing = db.execute(
                "SELECT count(*) FROM plans_quartersignoff s JOIN plans_planyear y "
                "ON y.id = s.plan_year_id WHERE y.year = %s AND s.quarter = %s "
                "AND s.reopened_at IS NULL",
                (YEAR, SIGNED_OFF_QUARTER),
            ).fetchone()[0]
        say(f"   standing sign-offs of {YEAR} quarter {SIGNED_OFF_QUARTER}: {standing}")
        if standing != 1:
            raise Failure(f"{standing} sign-offs stand, not one")

        due = days[str(REMINDED_QUARTER)]["due"]
        signed_off_due = days[str(SIGNED_OFF_QUARTER)]["due"]
        say(
            f"-- send_reminders --date {due}, twice at once, and --date {signed_off_due} "
            f"(quarter {SIGNED_OFF_QUARTER}'s due day)"
        )
        runs = [
            subprocess.Popen(
                [python, "manage.py", "send_reminders", "--date", day],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for day in (due, due, signed_off_due)
        ]
        outputs = [run.communicate(timeout=60)[0] for run in runs]
        if any(run.returncode for run in runs):
            raise Failure("send_reminders failed")
        for output in outputs:
            say("   " + output.strip().replace("\n", "\n      "))
        lines = [line for output in outputs[:2] for line in output.split("\n")]
        queued = sum(line.startswith("Queued:") for line in lines)
        if "Queued:" in outputs[2]:
            raise Failure("a signed-off quarter's owners were reminded")
        if queued == 0:
            raise Failure("no reminder was queued: the check would prove nothing")

        wait_for_the_workers(database_url, queued, folder / "mail")
        messages = emails_written(folder / "mail")
        per_owner_stage = Counter((str(m["To"]), str(m["Subject"])) for m in messages)
        for (to, subject), count in sorted(per_owner_stage.items()):
            say(f"   {count} email to {to}: {subject}")
        if any(count > 1 for count in per_owner_stage.values()):
            raise Failure("an owner was sent the same reminder twice")
        if len(messages) != queued:
            raise Failure(f"{len(messages)} emails were written for {queued} reminders queued")
        with psycopg.connect(database_url) as db:
            ledger = db.execute(
                "SELECT count(*), count(sent_at), count(DISTINCT (owner_id, stage)) "
                "FROM reports_remindersent"
            ).fetchone()
            failed = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
            ).fetchone()[0]
        say(
            f"   ledger: {ledger[0]} rows, {ledger[1]} sent, {ledger[2]} owner-stages; "
            f"{failed} failed tasks"
        )
        if ledger != (queued, queued, queued) or failed:
            raise Failure("the ledger does not match the emails sent")
        errors = [(status, path) for status, path in statuses if status >= 500]
        say(f"-- {len(statuses)} requests, {len(errors)} answered 500 or more")
        if errors:
            raise Failure(f"server errors: {errors}")
    except Exception:
        for log in sorted(folder.glob("*.log")):
            print(f"-- {log.name}:", log.read_text()[-3000:], sep="\n", file=sys.stderr)
        raise
    finally:
        stop(processes)
        say(f"-- stopped the {len(processes)} processes started")


def main() -> int:
    started = time.monotonic()
    name = f"two_servers_{os.getpid()}"
    database_url = f"{POSTGRES_URL}/{name}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="two-servers-") as folder:
            port_a, port_b = free_loopback_port(), free_loopback_port()
            env = environment(database_url, Path(folder), port_a)
            check(database_url, Path(folder), env, port_a, port_b)
    except (Failure, SmokeFailure, subprocess.SubprocessError) as failure:
        print(f"CI: two servers failed: {failure}", file=sys.stderr)
        return 1
    finally:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    say(
        "CI: two app servers and two workers on one database: one sign-off stands, each owner "
        f"got each reminder once, no server error ({time.monotonic() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
