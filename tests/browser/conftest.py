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
DEFAULT_VIEWPORT = {"width": 1280, "height": 900}


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


def open_context(browser, report_violation, **options):
    """A new browser context (its own cookies and cache) whose every page reports Content
    Security Policy violations to `report_violation(url, text)`; axe-core is loaded into every
    page the same way (adding it as a script tag would itself be refused)."""
    options.setdefault("viewport", DEFAULT_VIEWPORT)
    context = browser.new_context(**options)
    # A click that submits waits for the server's answer: laying out a PDF or signing off a
    # quarter takes seconds, and several times that on a machine busy with other work.
    context.set_default_timeout(20_000)
    context.add_init_script(script=CSP_VIOLATION_REPORTER)
    context.add_init_script(path=str(AXE))
    context.on(
        "console",
        lambda message: (
            report_violation(message.page.url if message.page else "", message.text)
            if is_csp_violation(message)
            else None
        ),
    )
    return context


@pytest.fixture
def new_context(browser, csp_violations):
    """Make a fresh browser context (its own cookies); every one is closed after the test.

    Every page of it reports Content Security Policy violations, which fail the test."""
    contexts = []

    def make(**options):
        context = open_context(
            browser, lambda url, text: csp_violations.append((url, text)), **options
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
    # No page of this test may still be asking the server for anything when the tables empty:
    # a context kept for the next test (SignedInContexts) leaves its pages for a blank one.
    for context in browser.contexts:
        if context in KEPT_CONTEXTS:
            for page in context.pages:
                page.goto("about:blank")
        else:
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


# The browser contexts that SignedInContexts keeps from one test to the next.
KEPT_CONTEXTS = set()


class SignedInContexts:
    """Browser contexts kept for all of one module's tests, one a user, each signed in through
    the sign-in form by the first test that asks for it.

    A new context (a new renderer, every static file fetched again) and signing in (the form,
    then the home page it leads to) cost one to two seconds a test, and most of the admin
    walk's tests open only a few pages. Each test still starts from the demo's copy
    (`demo_data`), which holds no sessions: the user's session is written back as the test
    before left it, and the context's cookies are put back as they were just after signing in,
    so that nothing a test leaves in them (a message still to be shown) reaches the next. What
    the context keeps besides is what a browser keeps between visits: its cache.

    A test that signs the user out, or signs in again, ends that session: the next test that
    asks for the user signs in afresh in a new context.
    """

    def __init__(self, browser):
        self.browser = browser
        self.kept = {}  # username: (context, page, cookies after signing in, session row)
        self.violations = None  # the running test's (see csp_violations)
        self.in_use = set()  # the users the running test asked for

    def page(self, username, base_url, sign_in, violations, viewport):
        from django.contrib.sessions.models import Session

        self.violations = violations
        if username in self.in_use:
            page = self.kept[username][1]
        elif username in self.kept:
            context, page, cookies, session = self.kept[username]
            Session.objects.create(**session)
            context.clear_cookies()
            context.add_cookies(cookies)
        else:
            context = open_context(self.browser, self.report)
            try:
                page = context.new_page()
                sign_in(page, base_url, username)
            except BaseException:
                context.close()
                raise
            KEPT_CONTEXTS.add(context)
            cookies = context.cookies()
            self.kept[username] = (context, page, cookies, None)
        self.in_use.add(username)
        page.set_viewport_size(viewport)
        page.emulate_media(media="null")  # the screen, whatever a test before printed
        return page

    def report(self, url, text):
        if self.violations is not None:
            self.violations.append((url, text))

    def release(self):
        """After a test: keep each user's session as the test left it, to write back for the
        next test, or forget the context if the test ended the session."""
        from django.contrib.sessions.models import Session

        for username in self.in_use:
            context, page, cookies, _ = self.kept[username]
            key = session_key(cookies)
            session = (
                Session.objects.filter(session_key=key)
                .values("session_key", "session_data", "expire_date")
                .first()
            )
            if session is None or session_key(context.cookies()) != key:
                self.forget(username)
            else:
                self.kept[username] = (context, page, cookies, session)
        self.in_use.clear()
        self.violations = None

    def forget(self, username):
        context = self.kept.pop(username)[0]
        KEPT_CONTEXTS.discard(context)
        context.close()

    def close(self):
        for username in list(self.kept):
            self.forget(username)


def session_key(cookies):
    return next(
        (cookie["value"] for cookie in cookies if cookie["name"] == settings.SESSION_COOKIE_NAME),
        None,
    )


@pytest.fixture(scope="module")
def signed_in_contexts(browser):
    contexts = SignedInContexts(browser)
    yield contexts
    contexts.close()


@pytest.fixture
def signed_in_page(signed_in_contexts, server_url, sign_in, csp_violations):
    """`signed_in_page(username)`: a page signed in as that demo user, in a browser context
    kept for the module's tests (SignedInContexts), at the given viewport size and showing
    the screen (not print) styles. Where it is open is not said (the home page, or a blank
    page): a test goes to the page it needs. Its Content Security Policy violations fail the
    test, as for `new_context`."""

    def page_as(username, viewport=DEFAULT_VIEWPORT):
        return signed_in_contexts.page(username, server_url, sign_in, csp_violations, viewport)

    yield page_as
    signed_in_contexts.release()


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
