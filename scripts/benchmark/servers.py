"""Hits per second through gunicorn, against SQLite and against PostgreSQL, and the GET on both.

gunicorn runs cgi-bin/stats.py's ``application`` with sync workers, as docs/deploy.md shows; the
client threads post one hit per connection, each thread its own visitor, and every hit is
checked stored. gunicorn itself is run as ``python -m gunicorn`` (it must be installed for the
benchmark's Python), so this module imports only the standard library and footfall.
"""

import datetime
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse

from footfall.storage import database, days

from . import harness

WORKERS = 4


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving footfall on db, on a free loopback port, for a with block."""

    def __init__(self, db, work, workers=WORKERS):
        self.db, self.work, self.workers = db, work, workers

    def __enter__(self):
        self.port = _free_port()
        self.log = os.path.join(self.work, f"gunicorn-{self.port}.log")
        env = dict(os.environ, FOOTFALL_DB=self.db, HOME=self.work)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{self.port}", "--backlog", "256", "--chdir", harness.CGI_BIN,
             "--error-logfile", self.log, "stats:application"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {open(self.log).read()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # One request per worker first: each opens its connection and checks the schema.
        for _ in range(self.workers * 2):
            self.get("from=2000-01-01&to=2000-01-01")
        return self

    def get(self, query):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", "/?" + query)
        body = conn.getresponse().read()
        conn.close()
        return body

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def writers(db, work, threads, hits):
    """Hits per second through gunicorn with threads client threads; every hit checked stored."""
    before = harness.pageviews(db)
    failures = []
    shares = [[(urllib.parse.urlencode({"page": f"/p{n % 50}"}).encode(), f"{t}.{n}")
               for n in range(t, hits, threads)] for t in range(threads)]
    with Gunicorn(db, work) as server:
        def worker(bodies):
            for body, visitor in bodies:
                answer = harness.post_hit(server.port, "/", body, visitor, timeout=60)
                if b'"counted":true' not in answer:
                    failures.append(answer)

        elapsed = harness.run_threads(worker, shares)
    if failures:
        raise RuntimeError(f"{len(failures)} hits not counted: {failures[0]!r}")
    stored = harness.pageviews(db) - before
    if stored != hits:
        raise RuntimeError(f"only {stored} of {hits} hits stored")
    return hits / elapsed


def empty(url):
    """Delete every row of a PostgreSQL database's footfall tables."""
    conn = database.connect(url)
    tables = [name for (name,) in conn.execute(
        "select tablename from pg_tables where schemaname = current_schema() "
        "and tablename != 'footfall_version'")]
    database.in_transaction(conn, lambda c: [c.execute(f"delete from {name}") for name in tables])
    conn.close()


def copy_into(meta, work, pg_url):
    """The built database with every day ended (an SQLite copy) and the same copied into
    PostgreSQL by scripts/migrate_db.py: (sqlite path, first day, last day)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import migrate_db

    path = harness.copy_db(meta["path"], work, "servers-get.db")
    last = meta["last_day"]
    after = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
    conn = database.connect(path)
    days.close_ended_days(conn, after)  # the last day too: both then answer it from summaries
    first = conn.execute("select min(day) from daily_site").fetchone()[0]
    if pg_url is not None:
        target = database.connect(pg_url)
        migrate_db.migrate(conn, target, first, last, report=lambda line: None)
        target.close()
    conn.close()
    return path, first, last
