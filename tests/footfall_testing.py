"""Helpers and fixtures shared by footfall's tests: a fresh database file, the app in-process, the CGI script
as a real process."""

import datetime
import glob
import io
import json
import os
import subprocess
import sys
import wsgiref.util
import wsgiref.validate

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CGI_BIN = os.path.join(ROOT, "cgi-bin")
CGI_SCRIPT = os.path.join(CGI_BIN, "stats.py")
SCRIPTS = os.path.join(ROOT, "scripts")
sys.path.insert(0, CGI_BIN)

from footfall import settings  # noqa: E402
from footfall.app import Application  # noqa: E402
from footfall.storage import database, totals  # noqa: E402

# Browsers are counted; the default User-Agent of our tests is a desktop Chrome.
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
# 2026-11-28 12:00:00 UTC: a fixed "now" for in-process tests.
NOON = 1795867200.0
# NOON's day: a test that pins the clock takes its dates from here, never from the real date
# (the browser tests' log lines once used the real date and fell after the pinned today).
NOON_DAY = datetime.date(2026, 11, 28)
# Debian's faketime library, preloaded into a process the tests start (the CGI script, the
# scripts, serve.py): its clock starts at NOON and runs at the real pace, so a test that checks
# "today" against what a process counted cannot see the day change between the two at midnight.
FAKETIME_LIBRARY = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "")
FIXED_CLOCK_ENV = {"LD_PRELOAD": FAKETIME_LIBRARY, "FAKETIME": "@2026-11-28 12:00:00",
                   "TZ": "UTC"}


def remove_stale_faketime_state(shm="/dev/shm"):
    """Delete the shared memory and semaphore libfaketime (and the faketime wrapper) leave in
    /dev/shm when their process is killed (several tests kill the processes they start). Each is
    named after its process id: once ids wrap around, a new process with a dead one's id finds
    its names taken and the faketime wrapper refuses to start ("sem_open: File exists")."""
    try:
        names = os.listdir(shm)
    except OSError:
        return 0
    removed = 0
    for name in names:
        prefix, _, pid = name.rpartition("_")
        if prefix not in ("faketime_shm", "sem.faketime_sem") or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # its process still runs
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # another user's, running
        try:
            os.unlink(os.path.join(shm, name))
            removed += 1
        except OSError:
            pass
    return removed


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body

    def json(self):
        return json.loads(self.body)


@pytest.fixture
def db_path(request, tmp_path):
    """Where the test's database is: an SQLite file in tmp_path, or, where conftest.py runs a
    test against both backends, a fresh database on the private PostgreSQL cluster (its URL)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return str(tmp_path / "footfall.db")
    import pg_testing

    cluster = pg_testing.cluster()
    url = cluster.create_database()
    request.addfinalizer(lambda: cluster.drop_database(url))
    return url


def is_postgres(db):
    return db.startswith("postgresql://")


@pytest.fixture
def config(db_path):
    return settings.Config(db=db_path, timezone="UTC")


class Clock:
    """A settable 'now' for the app, so time-dependent rules are testable."""

    def __init__(self, now=NOON):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def call_app(app, method="GET", query="", body=b"", headers=None, environ=None):
    """Call a WSGI app in-process through wsgiref.validate, like a server would."""
    env = {"REQUEST_METHOD": method, "QUERY_STRING": query,
           "SCRIPT_NAME": "/cgi-bin/stats.py", "PATH_INFO": "",
           "HTTP_USER_AGENT": BROWSER_UA, "REMOTE_ADDR": "192.0.2.10",
           "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)) if body else ""}
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    env.update(environ or {})
    wsgiref.util.setup_testing_defaults(env)
    errors = io.StringIO()
    env["wsgi.errors"] = errors
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = {k.lower(): v for k, v in response_headers}

    result = wsgiref.validate.validator(app)(env, start_response)
    try:
        data = b"".join(result)
    finally:
        result.close()
    response = Response(captured["status"], captured["headers"], data)
    response.errors = errors.getvalue()
    return response


@pytest.fixture
def app(config, clock):
    application = Application(config, clock)
    return lambda **kwargs: call_app(application, **kwargs)


def post_form(fields):
    from urllib.parse import urlencode

    return urlencode(fields).encode("utf-8")


def run_cgi(db, method="GET", query="", body=b"", headers=None, env=None, chunked=False,
            script=CGI_SCRIPT, timeout=30):
    """Run cgi-bin/stats.py as a real CGI process: environment variables in, body on stdin."""
    proc = cgi_process([script], db, method, query, body, headers, env, chunked, timeout)
    return parse_cgi_output(proc.stdout, proc.stderr.decode("utf-8", "replace"))


def cgi_process(argv, db, method="GET", query="", body=b"", headers=None, env=None, chunked=False,
                timeout=30):
    """Run argv as the CGI process of one request; the finished process, its output as bytes."""
    if is_postgres(db):
        # psycopg is installed for the tests' Python, not the system's python3 of the #! line.
        argv = [sys.executable, *argv]
    cgi_env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",  # what Apache hands a CGI script
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "pytest-cgi", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "REQUEST_METHOD": method, "QUERY_STRING": query, "SCRIPT_NAME": "/cgi-bin/stats.py",
        "REMOTE_ADDR": "192.0.2.10", "HTTP_USER_AGENT": BROWSER_UA, "HTTP_HOST": "example.org",
        "FOOTFALL_DB": db,
        # So no real ~/footfall/footfall.ini is read.
        "HOME": "/nonexistent" if is_postgres(db) else os.path.dirname(db),
    }
    if body and not chunked:
        cgi_env["CONTENT_LENGTH"] = str(len(body))
    if body:
        cgi_env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    for name, value in (headers or {}).items():
        cgi_env["HTTP_" + name.upper().replace("-", "_")] = value
    cgi_env.update(env or {})
    return subprocess.run(argv, input=body, env=cgi_env, capture_output=True, timeout=timeout,
                          check=False)


def parse_cgi_output(stdout, stderr=""):
    head, _, body = stdout.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.pop("status", "200").split()[0])
    response = Response(status, headers, body)
    response.errors = stderr
    return response


def counts(db, **params):
    """Site totals straight from storage, to check what a request stored."""
    conn = database.connect(db)
    try:
        days = totals.read_days(conn, "2000-01-01", "2999-12-31", **params)
    finally:
        conn.close()
    return {"visitors": sum(v for v, _ in days.values()),
            "pageviews": sum(p for _, p in days.values())}


def visits(totals):
    """The visitors and pageviews of an answer's totals, which hold more (bounces, unique...)."""
    return {"visitors": totals["visitors"], "pageviews": totals["pageviews"]}
