#!/usr/bin/env python3
"""Run footfall locally: the dashboard and static files at /, the app at /cgi-bin/stats.py.

With no database yet, it creates one filled with demo hits. The app runs in-process as the WSGI
callable that Apache would run as CGI, so what you see here is what a host serves.
"""

import argparse
import errno
import mimetypes
import os
import socketserver
import sqlite3
import sys
import time
import urllib.parse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
sys.path.insert(0, os.path.join(ROOT, "cgi-bin"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import seed_db  # noqa: E402
from footfall import counting, settings  # noqa: E402
from footfall.app import Application  # noqa: E402
from footfall.storage import database, totals  # noqa: E402

# The dashboard's ES modules run only when served as JavaScript: the type of RFC 9239, which
# Pythons before 3.12 name application/javascript unless the system's mime.types says otherwise.
mimetypes.add_type("text/javascript", ".js")

DEMO_DB = os.path.join(ROOT, "demo", "footfall.db")
STATIC = os.path.join(ROOT, "static")
API_PATH = "/cgi-bin/stats.py"


def static_files(root):
    """A WSGI app serving files under root; '/' is the dashboard."""

    def serve(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == "/":
            path = "/view_stats.html"
        full = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if not full.startswith(os.path.realpath(root) + os.sep) or not os.path.isfile(full):
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"not found\n"]
        kind = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "text/javascript"):
            kind += "; charset=utf-8"
        with open(full, "rb") as f:
            body = f.read()
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-cache")])
        return [body]

    return serve


def site(api, files):
    """Route the API path to the footfall app and everything else to the static files."""

    def route(environ, start_response):
        if environ.get("PATH_INFO", "") == API_PATH:
            return api(environ, start_response)
        return files(environ, start_response)

    return route


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # The default backlog of 5 resets connections when a page loads its files at once on a busy
    # machine (seen as ERR_CONNECTION_RESET in the browser tests).
    request_queue_size = 64


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


def prepare(config):
    """Demo data goes only into the demo folder's database: seeding a database that --db or
    FOOTFALL_DB names could mix made-up hits into real stats."""
    seed_script = os.path.join(ROOT, "scripts", "seed_db.py")
    if database.is_postgres_url(config.db):
        # A PostgreSQL database exists before footfall connects: say only whether it is empty.
        conn = database.connect(config.db)
        try:
            if totals.first_day(conn) is None:
                print(f"the database {database.shown(config.db)} holds no hits yet (for demo hits: "
                      f"python3 {seed_script} --db '{url_without_password(config.db)}')")
        finally:
            conn.close()
        return
    if os.path.exists(config.db):
        return
    conn = database.connect(config.db)
    try:
        if os.path.abspath(config.db) == DEMO_DB:
            counted = seed_db.seed_demo(conn, config)
            seed_db.mark_demo(conn)
            seed_db.add_demo_notes(conn, counting.day_of(time.time(), config.zone))
            print(f"created a demo database with {counted} hits: {database.shown(config.db)}")
        else:
            print(f"created an empty database: {config.db} (for demo hits: python3 "
                  f"{seed_script} --db {config.db})")
    finally:
        conn.close()


def url_without_password(url):
    """A postgresql:// URL that seed_db.py --db takes, without its password (psycopg finds it
    in PGPASSWORD or ~/.pgpass): a terminal's scrollback is no place for it."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + host
    query = urllib.parse.urlencode([(name, value) for name, value
                                    in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                                    if name != "password"])
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--db", help=f"database (default: FOOTFALL_DB, else {DEMO_DB})")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"serve.py: {database.password_refused()}\n")

    db = args.db or os.environ.get("FOOTFALL_DB") or DEMO_DB
    # The local demo ignores the config file of a real install (its read key, its database).
    try:
        config = settings.load_config(use_file=False, db=db)
        prepare(config)
    except (settings.ConfigError, database.StorageError) as exc:
        parser.exit(1, f"serve.py: {exc}\n")
    except (OSError, sqlite3.Error) as exc:
        parser.exit(1, f"serve.py: cannot create or open {database.shown(db)} "
                       f"({getattr(exc, 'strerror', None) or exc}): its folder must exist or be "
                       "creatable, and be writable by you; choose another with --db\n")

    app = site(Application(config), static_files(STATIC))
    handler = QuietHandler if args.quiet else WSGIRequestHandler
    try:
        server = make_server(args.host, args.port, app, ThreadingWSGIServer, handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            parser.exit(1, f"serve.py: port {args.port} is in use (another serve.py?); try "
                           f"--port {args.port + 1}, or --port 0 for any free port\n")
        parser.exit(1, f"serve.py: cannot listen on {args.host}:{args.port} ({exc.strerror}); "
                       "try another --host or --port\n")
    base = f"http://{args.host}:{server.server_port}"
    print(f"footfall is running at {base}/")
    print(f"  dashboard: {base}/view_stats.html")
    print(f"  API:       {base}{API_PATH}")
    print(f"  database:  {database.shown(config.db)}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
