"""Benchmark: requests per second through gunicorn, with and without persistent connections.

Usage (from the project folder, after `make setup`; a PostgreSQL database of its own):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/business_plans_bench \\
        .venv/bin/python bench/server.py [--requests 400] [--concurrency 4] [--conn-max-age 0 60]
        [--pages /healthz /reports/2012-13/q4/]

It migrates and loads the demo data into DATABASE_URL (load_demo is idempotent), collects the
static files into a temporary folder, then for each CONN_MAX_AGE given starts gunicorn in
production mode (DEBUG off) on a free loopback port, signs in as the demo director, and sends
a fixed number of requests to /healthz and to the 2012-13 plan overview from a few threads,
each request on a new connection, as a browser behind a proxy would. It reports requests per
second and the median time per request, and stops gunicorn. Loopback only; each page stops
after --requests requests or --max-seconds, whichever comes first.
"""

import argparse
import http.client
import http.cookiejar
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/healthz", "/plans/2012-13/"]


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, environment):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True)


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped on start (exit status {server.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz")


def session_cookie(port: int) -> str:
    """Sign in as the demo director; the Cookie header of the signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = {"username": "director", "password": "demo", "csrfmiddlewaretoken": token}
    opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(data).encode(), timeout=30)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit("signing in as director failed")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def hammer(port, path, cookie, requests, concurrency, max_seconds):
    """Send `requests` GETs from `concurrency` threads; (count, seconds, per-request times)."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    timings, failures = [], []
    deadline = time.monotonic() + max_seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    return
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                (timings if response.status == 200 else failures).append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        sys.exit(f"{path}: {len(failures)} requests did not answer 200")
    return len(timings), seconds, timings


def measure(environment, conn_max_age, args):
    port = free_loopback_port()
    environment = {**environment, "CONN_MAX_AGE": str(conn_max_age)}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        wait_until_up(port, server)
        cookie = session_cookie(port)
        for path in args.pages:
            # Warm up: every worker has imported its templates and opened its connection.
            hammer(port, path, cookie, 4 * args.workers, args.concurrency, args.max_seconds)
            count, seconds, timings = hammer(
                port, path, cookie, args.requests, args.concurrency, args.max_seconds
            )
            print(
                f"| {conn_max_age:>12} | `{path}` | {count:>8} | {count / seconds:>12.1f} "
                f"| {statistics.median(timings) * 1000:>9.1f} |",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--max-seconds", type=float, default=60, help="time limit per page")
    parser.add_argument(
        "--conn-max-age", type=int, nargs="+", default=[0, 60], help="CONN_MAX_AGE values"
    )
    parser.add_argument(
        "--pages", nargs="+", default=PAGES, help="addresses to request, the first as the base"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a database of the benchmark's own.")

    with tempfile.TemporaryDirectory(prefix="bench-server-") as folder:
        environment = {
            **os.environ,
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": folder,
            # Plain http on loopback.
            "SECURE_SSL_REDIRECT": "off",
            "SECURE_COOKIES": "off",
        }
        manage("migrate", "--no-input", "--verbosity", "0", environment=environment)
        manage("load_demo", "--allow-production", "--verbosity", "0", environment=environment)
        manage("collectstatic", "--no-input", "--verbosity", "0", environment=environment)
        print(
            f"{args.workers} gunicorn workers, {args.concurrency} client threads, "
            f"{args.requests} requests per page, a new connection per request\n"
        )
        print("| CONN_MAX_AGE | page | requests | requests/s | median ms |")
        print("| ---: | --- | ---: | ---: | ---: |")
        for conn_max_age in args.conn_max_age:
            measure(environment, conn_max_age, args)


if __name__ == "__main__":
    main()
