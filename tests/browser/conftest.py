"""Fixtures for the browser tests: headless Debian Chromium driven by Playwright, the demo data
served by pytest-django's live server, and axe-core accessibility checks.

Chromium is Debian's package at /usr/bin/chromium (Playwright's own browser downloads are not
used). Without it the browser tests skip, unless REQUIRE_BROWSER=1 (as CI sets), when they fail.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# Playwright's sync API runs an event loop in the main thread; Django would otherwise refuse the
# database queries the tests and fixtures make from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = f"Chromium not installed at {CHROMIUM}: apt-get install chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DEMO_PASSWORD = "demo"


def pytest_collection_modifyitems(items):
    """Every browser test reads the test database through the served site, committed, so each
    is a transactional database test: the test database is created for it, and it runs after
    the tests that roll back."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.django_db(transaction=True))


def _missing(reason):
    """Skip, or fail when the environment says the browser tests must run."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        _missing(CHROMIUM_MISSING)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    earlier_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # Playwright's sync API leaves an event loop running in this thread, and Django keeps
        # connections per async context: from here on this thread would be handed new
        # connection objects, made from the settings as they were before the test database
        # existed. The tests and the served site keep using the ones that reach it.
        for alias, earlier in earlier_connections.items():
            connections[alias] = earlier
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served_site(browser, django_db_setup, django_db_blocker):
    """One live server for the session, serving the test database (an in-memory SQLite
    database is shared with the server through the connection the tests use)."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost")
    server._live_server_modified_settings.enable()  # allows the host "localhost"
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


# Runs in every page before its own scripts (through the DevTools protocol, which the page's
# Content Security Policy does not govern) and reports each refusal to the console with its
# details. Chromium reports refusals to the console itself too, in less detail.
CSP_VIOLATION_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.violatedDirective} refused ` +
    `${event.blockedURI || "inline code"} in ${event.sourceFile || event.documentURI}` +
    `:${event.lineNumber} ${event.sample ? `(${event.sample})` : ""}`
  );
});
"""


def is_csp_violation(message):
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def csp_violations():
    """Every Content Security Policy violation the browser reports during the test, from any
    page of any context; the test fails if there is one."""
    violations = []
    yield violations
    if violations:
        pytest.fail(
            "The browser reported Content Security Policy violations:\n"
            + "\n".join(f"- {url}: {text}" for url, text in violations),
            pytrace=False,
        )


@pytest.fixture
def new_context(browser, csp_violations):
    """Make a fresh browser context (its own cookies); every one is closed after the test.

    Every page of it reports Content Security Policy violations, which fail the test; axe-core
    is loaded into every page the same way (adding it as a script tag would itself be refused).
    """
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        # A click that submits waits for the server's answer: laying out a PDF or signing off
        # a quarter takes seconds, and several times that on a machine busy with other work.
        context.set_default_timeout(20_000)
        context.add_init_script(script=CSP_VIOLATION_REPORTER)
        context.add_init_script(path=str(AXE))
        context.on(
            "console",
            lambda message: (
                csp_violations.append((message.page.url if message.page else "", message.text))
                if is_csp_violation(message)
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a new browser context, so no test inherits another's session."""
    return new_context().new_page()


@pytest.fixture
def demo_data(browser, served_site, demo_database, django_db_blocker):
    """The real demo plans and users (admin, director, staff, finance; password 'demo'),
    committed for the served site to read; emptied after the test, as for every transactional
    test.

    Each test starts from the same copy, whatever the test before it changed; the copy is
    written back in milliseconds (tests/snapshots.py) where loading the demo takes seconds.
    """
    with django_db_blocker.unblock():
        demo_database.snapshot.restore(connection)
    yield
    # No page of this test may still be asking the server for anything when the tables empty.
    for context in browser.contexts:
        context.close()


@pytest.fixture
def server_url(served_site, demo_data):
    """The served site's address, with the demo data loaded."""
    return served_site.url


@pytest.fixture
def sign_in():
    """Sign in through the real sign-in form, as a user would."""

    def sign_in_as(page, base_url, username, password=DEMO_PASSWORD):
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return sign_in_as


def format_violations(url, violations):
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"    html:   {node['html'][:300]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n            ")
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


def axe_violations(page) -> list:
    """Every violation axe-core finds on the page, of the WCAG 2.0/2.1/2.2 A and AA rules.

    Every rule runs on every element; only the violations are reported in full (resultTypes):
    listing each element that passes is most of axe's time on a long table (4 s, not 0.9 s, on
    a change list of 100 rows), and nothing here reads it."""
    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return results["violations"]


@pytest.fixture
def assert_accessible():
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page and fail on any violation."""

    def check(page):
        violations = axe_violations(page)
        assert not violations, format_violations(page.url, violations)

    return check


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to test-artifacts/ (git-ignored) for a person to look at."""

    def save(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
