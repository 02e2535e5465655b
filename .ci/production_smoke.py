"""CI: start the application as README's production section does, and use it as a person would.

With DEBUG off, a generated SECRET_KEY and a SQLite database and static folder of its own (in a
temporary folder), it runs migrate, load_demo --allow-production and collectstatic, starts
gunicorn on a free loopback port, signs in as the demo user `director` through /accounts/login/,
and fetches /, the 2012-13 plan overview, a project page, an indicator page and the admin index,
then every /static/ file those pages refer to (and the files their stylesheets refer to).
It fails on any status other than 200 and on any missing static file, and always stops gunicorn.

Plain http on loopback has no TLS, so the step turns off the HTTPS redirect and secure cookies
(SECURE_SSL_REDIRECT=off, SECURE_COOKIES=off); everything else is the production default.

Standard library only. Usage: .venv/bin/python .ci/production_smoke.py
"""

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN_YEAR = "2012-13"
BUDGET_YEAR = "2016-17"
REQUEST_TIMEOUT_SECONDS = 30
START_TIMEOUT_SECONDS = 60

# Everything under /static/ that a page or a stylesheet names, quoted or in url(...).
STATIC_IN_PAGE = re.compile(r"""["'(](/static/[^"'()\s]+)""")
URL_IN_CSS = re.compile(r"""url\(\s*["']?([^"')\s]+)["']?\s*\)""")


class SmokeFailure(Exception):
    pass


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Every response is reported as it came: a redirect is a failure unless expected."""

    def redirect_request(self, *args, **kwargs):
        return None


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(folder: Path) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        # Plain http on loopback: no redirect to https, cookies sent without TLS.
        SECURE_SSL_REDIRECT="off",
        SECURE_COOKIES="off",
    )
    return environment


def manage(*args, environment):
    print(f"-- manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True)


class Browser:
    """A cookie-keeping client that reports every status and never follows a redirect."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    def get_ok(self, path: str) -> str:
        status, headers, body = self.request(path)
        print(f"   {status} {path}", flush=True)
        if status != 200:
            location = headers.get("Location", "")
            raise SmokeFailure(f"GET {path} answered {status} {location}".rstrip())
        return body.decode("utf-8", errors="replace")


def wait_until_up(browser: Browser, server: subprocess.Popen):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeFailure(f"gunicorn stopped on start (exit status {server.returncode})")
        try:
            status, _, _ = browser.request("/healthz")
        except OSError:
            status = None
        if status == 200:
            return
        time.sleep(0.5)
    raise SmokeFailure(f"gunicorn did not answer /healthz within {START_TIMEOUT_SECONDS} s")


def sign_in(browser: Browser, username: str, password: str):
    page = browser.get_ok("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SmokeFailure("the sign-in page has no CSRF token")
    status, headers, _ = browser.request(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
    )
    print(f"   {status} POST /accounts/login/ -> {headers.get('Location')}", flush=True)
    if status != 302 or headers.get("Location") != "/":
        raise SmokeFailure(f"signing in as {username} answered {status}, not a redirect to /")


def first_link(page: str, pattern: str, what: str) -> str:
    match = re.search(rf'href="({pattern})"', page)
    if match is None:
        raise SmokeFailure(f"the {PLAN_YEAR} overview links to no {what}")
    return match[1]


def check_static_files(browser: Browser, pages: list[str]):
    """Fetch every static file the pages name, then every file their stylesheets name."""
    wanted = sorted({path for page in pages for path in STATIC_IN_PAGE.findall(page)})
    if not wanted:
        raise SmokeFailure("the pages refer to no static file")
    fetched = set()
    while wanted:
        path = wanted.pop(0)
        if path in fetched:
            continue
        fetched.add(path)
        body = browser.get_ok(path)
        if path.split("?")[0].endswith(".css"):
            for reference in URL_IN_CSS.findall(body):
                if reference.startswith(("data:", "#", "http:", "https:")):
                    continue
                resolved = urllib.parse.urljoin(path, reference).split("#")[0]
                if resolved.startswith("/static/") and resolved not in fetched:
                    wanted.append(resolved)
    print(f"   {len(fetched)} static files fetched", flush=True)


def smoke(folder: Path):
    environment = production_environment(folder)
    manage("migrate", "--no-input", "--verbosity", "0", environment=environment)
    manage("load_demo", "--allow-production", environment=environment)
    manage("collectstatic", "--no-input", "--verbosity", "0", environment=environment)

    port = free_loopback_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    print(f"-- {' '.join(command[1:])}", flush=True)
    log_path = folder / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        wait_until_up(browser, server)
        sign_in(browser, "director", "demo")
        home = browser.get_ok("/")
        overview = browser.get_ok(f"/plans/{PLAN_YEAR}/")
        project = browser.get_ok(
            first_link(overview, rf"/plans/{PLAN_YEAR}/projects/\d+/", "project")
        )
        indicator = browser.get_ok(
            first_link(overview, rf"/plans/{PLAN_YEAR}/indicators/[^\"/]+/", "indicator")
        )
        # Each role's own pages: staff's My work, the directors' dashboard and risk register,
        # corporate services' budget variance page and workbook (2016-17 has monthly actuals).
        my_work = browser.get_ok("/my-work/")
        dashboard = browser.get_ok(f"/plans/{PLAN_YEAR}/indicators/")
        browser.get_ok(f"/plans/{PLAN_YEAR}/indicators.xlsx")
        risks = browser.get_ok(f"/plans/{PLAN_YEAR}/risks/")
        heat_map = browser.get_ok(f"/plans/{PLAN_YEAR}/risks/heat-map/")
        recommendations = browser.get_ok(f"/plans/{PLAN_YEAR}/recommendations/")
        budget = browser.get_ok(f"/plans/{BUDGET_YEAR}/budget/")
        browser.get_ok(f"/plans/{BUDGET_YEAR}/budget/workbook.xlsx")
        admin = browser.get_ok("/admin/")
        pages = [home, overview, project, indicator, my_work, dashboard, risks, heat_map]
        check_static_files(browser, [*pages, recommendations, budget, admin])
    except Exception:
        print("-- gunicorn's log:", log_path.read_text(), sep="\n", file=sys.stderr)
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="production-smoke-") as folder:
        try:
            smoke(Path(folder))
        except (SmokeFailure, subprocess.CalledProcessError) as failure:
            print(f"CI: production mode failed: {failure}", file=sys.stderr)
            return 1
    print("CI: production mode serves the pages and every static file they refer to")
    return 0


if __name__ == "__main__":
    sys.exit(main())
