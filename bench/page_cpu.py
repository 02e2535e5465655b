"""Benchmark: every page's processor time per request, against the trivial view's, in one process.

Usage (from the project folder, after `make setup`; a database of the benchmark's own, as for
bench/page_speed.py, whose pages it measures):
    .venv/bin/python bench/page_cpu.py --database-url sqlite:////tmp/bench-page-speed.sqlite3 \\
        [--requests 10]

On a machine shared with other work, requests per second through gunicorn move with the load
from one second to the next; the processor time a request takes moves much less. In production
mode (DEBUG off, the benchmark's settings and URL configuration, the static files collected into
a temporary folder) it migrates and loads the demo data, signs in through Django's test client
as the demo director (corporate services for the budget import), requests each page twice to
warm up, then --requests times, and prints each page's processor time per request
(`time.process_time()`, this process only: on PostgreSQL the database server's own time is left
out) and its share of the trivial view's. A page under 1/20 is in bold.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_speed import (
    FIND_RECORDS,
    TRIVIAL,
    TRIVIAL_SIGNED_IN,
    Page,
    demo_pages,
    share,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a database of the benchmark's own (default: $DATABASE_URL)",
    )
    parser.add_argument("--requests", type=int, default=10, help="measured requests per page")
    args = parser.parse_args()
    if not args.database_url:
        sys.exit("Give --database-url (or DATABASE_URL): a database of the benchmark's own.")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": args.database_url,
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-page-cpu-"),
            "SECURE_SSL_REDIRECT": "off",
            "SECURE_COOKIES": "off",
        }
    )
    import contextlib
    import io
    import json

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-production", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    found = io.StringIO()
    with contextlib.redirect_stdout(found):
        exec(FIND_RECORDS, {})  # the same records as page_speed's
    pages = [
        Page("trivial view", TRIVIAL, user=""),
        Page("trivial view, signed in", TRIVIAL_SIGNED_IN),
        *demo_pages(json.loads(found.getvalue().strip().splitlines()[-1])),
    ]
    clients = {}
    for user in {page.user for page in pages}:
        clients[user] = Client()
        if user:
            clients[user].force_login(get_user_model().objects.get(username=user))

    def request(page):
        response = clients[page.user].get(page.path)
        if response.status_code != 200:
            sys.exit(f"{page.path} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)

    print(f"processor time per request, {args.requests} requests a page; {connection_vendor()}\n")
    print("| page | address | ms per request | share of trivial |")
    print("| --- | --- | ---: | ---: |")
    trivial = None
    for page in pages:
        request(page)
        request(page)
        started = time.process_time()
        for _ in range(args.requests):
            request(page)
        milliseconds = (time.process_time() - started) / args.requests * 1000
        trivial = trivial or milliseconds
        print(
            f"| {page.label} | `{page.path}` | {milliseconds:,.1f} "
            f"| {share(1 / milliseconds, 1 / trivial)} |",
            flush=True,
        )


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
