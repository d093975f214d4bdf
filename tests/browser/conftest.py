"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright, footfall started
with scripts/serve.py on a free port over a temporary SQLite file, and a second small web server
for the test pages that carry the tracking snippets (another origin, like a real site whose
footfall lives elsewhere)."""

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STATIC = ROOT / "static"
SCRIPTS = ROOT / "scripts"
CHROMIUM = "/usr/bin/chromium"
# Chromium as root needs --no-sandbox; the rest keeps it from calling home during tests.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
# The counting rules skip HeadlessChrome, so pages present themselves as desktop Chrome.
DESKTOP_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
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
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                   args=CHROMIUM_FLAGS
                                   + ["--disable-blink-features=AutomationControlled"])
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
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"{page.url}: console error: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: uncaught: {e}"))
        return page

    def allow(self, pattern):
        """Tolerate console errors matching pattern (e.g. the failed request of an error test)."""
        self.allowed.append(re.compile(pattern))

    def unexpected_errors(self):
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def pages(browser):
    """Opens pages; the test fails if any of them logged a console error it did not allow."""
    opened = Pages(browser)
    yield opened
    for context in opened.contexts:
        context.close()
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

class Site:
    """A running scripts/serve.py: the dashboard at /view_stats.html, the API at API_PATH."""

    API_PATH = "/cgi-bin/stats.py"

    def __init__(self, process, base, db):
        self.process = process
        self.base = base
        self.db = db
        self.api = base + self.API_PATH
        self.dashboard = base + "/view_stats.html"

    def get(self, headers=None, **query):
        """GET the API like a script would; returns (status, JSON)."""
        url = self.api + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    def stats(self, **query):
        status, answer = self.get(**query)
        assert status == 200, answer
        return answer

    def post_hit(self, page, ref=""):
        body = urllib.parse.urlencode({"page": page, "ref": ref}).encode()
        request = urllib.request.Request(self.api, data=body, headers={"User-Agent": DESKTOP_UA})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _script_env(home):
    # A private HOME: the scripts must not read or write the real ~/footfall/footfall.ini.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    env["HOME"] = str(home)
    return env


def start_site(tmp_path, seed=None, env=None):
    """Create a database (seeded or empty) in tmp_path and run serve.py over it."""
    db = tmp_path / "footfall.db"
    run_env = _script_env(tmp_path)
    if seed is None:
        subprocess.run([sys.executable, str(SCRIPTS / "setup_db.py"), "--public", "--db", str(db)],
                       env=run_env, check=True, capture_output=True)
    else:
        subprocess.run([sys.executable, str(SCRIPTS / "seed_db.py"), "--db", str(db), "--hits",
                        "1000", "--days", "90", "--seed", str(seed)],
                       env=run_env, check=True, capture_output=True)
    run_env.update(env or {})
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "serve.py"), "--port", "0", "--db", str(db), "--quiet"],
        env=run_env, stdout=subprocess.PIPE, stderr=log, text=True)
    for line in process.stdout:
        found = re.search(r"running at (http://\S+?)/?$", line.strip())
        if found:
            return Site(process, found.group(1), db)
    process.wait()
    pytest.fail("serve.py did not start:\n" + (tmp_path / "serve.log").read_text())


@pytest.fixture(scope="session")
def seeded_site(tmp_path_factory):
    """footfall over three months of demo data (1000 hits, fixed random seed)."""
    site = start_site(tmp_path_factory.mktemp("seeded"), seed=7)
    yield site
    site.stop()


@pytest.fixture
def fresh_site(tmp_path):
    """footfall over an empty database, for tests that count hits or need no data."""
    site = start_site(tmp_path)
    yield site
    site.stop()


@pytest.fixture
def private_site(tmp_path):
    """footfall with a read key: GET needs header X-Footfall-Key."""
    site = start_site(tmp_path, seed=3, env={"FOOTFALL_READ_KEY": "correct horse"})
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
