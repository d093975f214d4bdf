"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright, footfall started
with scripts/serve.py on a free port over a temporary SQLite file, and a second small web server
for the test pages that carry the tracking snippets (another origin, like a real site whose
footfall lives elsewhere)."""

import datetime
import functools
import http.server
import os
import re
import shutil
import subprocess
import threading

import pytest
from footfall_browser import (  # beside this file; pytest puts its folder on sys.path
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP_UA,
    HERE,
    STATIC,
    start_site,
)
from footfall_testing import FIXED_CLOCK_ENV, NOON
from playwright.sync_api import sync_playwright

AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


# ---------------------------------------------------------------------------------------------
# Browsers
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    """A Chromium whose pages count: navigator.webdriver is false, as in a person's browser."""
    # The User-Agent also on the command line: a beacon sent as a page goes away leaves from
    # the browser itself, without the page's user_agent override, and HeadlessChrome's own
    # User-Agent is not counted.
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                   args=CHROMIUM_FLAGS
                                   + ["--disable-blink-features=AutomationControlled",
                                      f"--user-agent={DESKTOP_UA}"])
    yield b
    b.close()


@pytest.fixture(scope="session")
def automated_browser(playwright):
    """A Chromium that admits being automated (navigator.webdriver is true)."""
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
    yield b
    b.close()


class Pages:
    """Opens pages and remembers every console error and uncaught exception they produce."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.errors = []
        self.allowed = []

    def open(self, browser=None, **context_options):
        options = {"user_agent": DESKTOP_UA, "locale": "en-US",
                   "viewport": {"width": 1280, "height": 800}}
        options.update(context_options)
        context = (browser or self.browser).new_context(**options)
        # The page's Date says NOON, as FIXED_CLOCK_ENV tells footfall's scripts: "today" is
        # 2026-11-28 for the dashboard, the server and the test, even at midnight. Timers run.
        context.clock.set_fixed_time(datetime.datetime.fromtimestamp(NOON, datetime.timezone.utc))
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"{page.url}: console error: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: uncaught: {e}"))
        return page

    def close(self):
        """Close every page opened (again: nothing)."""
        for context in self.contexts:
            context.close()
        self.contexts = []

    def allow(self, pattern):
        """Tolerate console errors matching pattern (e.g. the failed request of an error test)."""
        self.allowed.append(re.compile(pattern))

    def unexpected_errors(self):
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Close the test's pages as soon as it ends: fixtures end in the reverse order of their
    start, so a site started after `pages` would stop its server while a page could still be
    fetching from it, and the empty response would show as a console error of the test."""
    yield
    opened = getattr(item, "funcargs", {}).get("pages")
    if isinstance(opened, Pages):
        opened.close()


@pytest.fixture
def pages(browser):
    """Opens pages; the test fails if any of them logged a console error it did not allow."""
    opened = Pages(browser)
    yield opened
    opened.close()
    errors = opened.unexpected_errors()
    if errors:
        pytest.fail("console errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's axe.min.js from tests/browser/node_modules (installed by npm ci if absent)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("axe-core is not installed and npm is missing: npm ci --prefix tests/browser")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)], check=True)
    return AXE.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# footfall itself, and the test pages
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def seeded_site(tmp_path_factory):
    """footfall over three months of demo data (1000 hits, fixed random seed)."""
    site = start_site(tmp_path_factory.mktemp("seeded"), seed=7, env=FIXED_CLOCK_ENV)
    yield site
    site.stop()


@pytest.fixture
def fresh_site(tmp_path):
    """footfall over an empty database, for tests that count hits or need no data."""
    site = start_site(tmp_path, env=FIXED_CLOCK_ENV)
    yield site
    site.stop()


@pytest.fixture
def private_site(tmp_path):
    """footfall with a read key: GET needs header X-Footfall-Key."""
    site = start_site(tmp_path, seed=3, env={"FOOTFALL_READ_KEY": "correct horse", **FIXED_CLOCK_ENV})
    site.read_key = "correct horse"
    yield site
    site.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def snippet_pages(tmp_path, fresh_site):
    """A separate web server (another origin) with the test pages of tests/browser/pages/,
    footfall.js and jQuery, the snippets pointing at fresh_site's API. Returns its base URL."""
    docroot = tmp_path / "site"
    docroot.mkdir()
    for source in (HERE / "pages").glob("*.html"):
        text = source.read_text(encoding="utf-8").replace("{{endpoint}}", fresh_site.api)
        (docroot / source.name).write_text(text, encoding="utf-8")
    shutil.copy(STATIC / "footfall.js", docroot / "footfall.js")
    shutil.copytree(STATIC / "vendor" / "jquery-3.7.1", docroot / "vendor" / "jquery-3.7.1")
    handler = functools.partial(_QuietHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
