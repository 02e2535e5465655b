"""What the gunicorn benchmarks share: the production environment on loopback, the demo data
in the benchmark's database, gunicorn started and stopped, and a session signed in as the demo
director."""

import contextlib
import http.client
import http.cookiejar
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(environment, static_root) -> dict:
    """`environment` in production mode (DEBUG off, a random SECRET_KEY) on plain http on
    loopback, the static files collected into `static_root`."""
    return {
        **environment,
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
    }


def manage(*args, environment, capture=False):
    """Run a management command; its output when `capture`."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout


def prepare(environment):
    """Migrate, load the demo data (load_demo is idempotent) and collect the static files."""
    manage("migrate", "--no-input", "--verbosity", "0", environment=environment)
    manage("load_demo", "--allow-production", "--verbosity", "0", environment=environment)
    manage("collectstatic", "--no-input", "--verbosity", "0", environment=environment)


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


@contextlib.contextmanager
def gunicorn(environment, *, workers: int = 2):
    """gunicorn serving the application on a free loopback port, stopped on leaving; yields
    the port."""
    port = free_loopback_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        # A page built afresh on a loaded machine (the report's PDF) can take longer than the
        # 30 s gunicorn allows a request by default; the benchmark measures it, not the limit.
        "--timeout",
        "300",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def session_cookie(port: int, username: str = "director") -> str:
    """Sign in as a demo user (the director by default); the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = {"username": username, "password": "demo", "csrfmiddlewaretoken": token}
    opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(data).encode(), timeout=30)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit(f"signing in as {username} failed")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
