"""The benchmark's harness: databases built once and cached, CGI processes timed from spawn to exit,
the WSGI callable called in a warm process, a local WSGI server (serve.py's), writer threads.

Its functions return figures as numbers (seconds, bytes, counts), paths and facts about the
machine; scripts/bench.py measures with them and formats the report. Standard library only.
"""

import contextlib
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from wsgiref.simple_server import make_server

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
ROOT = os.path.dirname(SCRIPTS)
CGI_BIN = os.path.join(ROOT, "cgi-bin")
for _path in (CGI_BIN, SCRIPTS):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import seed_db  # noqa: E402
import serve  # noqa: E402
from footfall import settings  # noqa: E402
from footfall.app import Application  # noqa: E402
from footfall.storage import database  # noqa: E402

# The baselines, run as CGI scripts in place: a script run as a program is compiled on each run,
# cached or not, like stats.py itself.
ARTICLE_SCRIPT = os.path.join(HERE, "article.py")
FLOOR_SCRIPT = os.path.join(HERE, "floor.py")
WSGIREF_SCRIPT = os.path.join(HERE, "wsgiref_cgi.py")

DAYS = 1096  # three years
PAGES = 50
SEED = 1
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------

def default_python():
    # Not the python3 on PATH: it may be a shim (pyenv) whose own start-up dwarfs a CGI hit.
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def load_average():
    return os.getloadavg()


def machine(python, data):
    """What the figures were measured on: CPUs, system, disk, the CGI interpreter and its SQLite."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    version, sqlite_version = subprocess.run(
        [python, "-c", "import sys, sqlite3; print(sys.version.split()[0], sqlite3.sqlite_version)"],
        capture_output=True, text=True, check=True).stdout.split()
    device, fstype = _disk(data)
    return {"cpus": os.cpu_count(), "cpu": cpu, "system": platform.system(),
            "release": platform.release(), "device": device, "fstype": fstype, "python": python,
            "python_version": version, "sqlite_version": sqlite_version,
            "script_python": platform.python_version()}


def _disk(path):
    best = ("?", "?", "")
    try:
        with open("/proc/mounts") as f:
            for line in f:
                device, mount, fstype = line.split()[:3]
                if os.path.abspath(path).startswith(mount) and len(mount) >= len(best[2]):
                    best = (device, fstype, mount)
    except OSError:
        pass
    return best[0], best[1]


# ---------------------------------------------------------------------------------------------
# Databases: footfall's, built by seed_db's bulk mode, and the article's on the same hits
# ---------------------------------------------------------------------------------------------

def build(data, hits):
    """footfall-N.db and article-N.db (+ an indexed copy) in data; built once, then reused.

    Returns what was built: paths, hits counted, the last day, the seeding time in seconds and
    whether it came from an earlier run.
    """
    path = os.path.join(data, f"footfall-{hits}.db")
    meta_path = path + ".json"
    if os.path.exists(meta_path) and os.path.exists(path):
        with open(meta_path) as f:
            meta = json.load(f)
        meta["cached"] = True
        return meta
    print(f"(building {hits:,} hits over {DAYS} days ...)", file=sys.stderr, flush=True)
    now = time.time()
    temporary = path + ".building"
    remove_db(temporary)
    conn = database.connect(temporary)
    started = time.perf_counter()
    counted = seed_db.seed(conn, config(temporary), hits=hits, days=DAYS, seed=SEED, now=now,
                           bulk=True, pages=seed_db.demo_pages(PAGES))
    seconds = time.perf_counter() - started
    last = conn.execute("select max(day) from daily_site").fetchone()[0]
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    os.replace(temporary, path)

    # The article's table, filled with the very same hits (same seed, same clock).
    article = os.path.join(data, f"article-{hits}.db")
    remove_db(article)
    conn = sqlite3.connect(article, isolation_level=None)
    conn.execute("pragma journal_mode = off")  # a private build file: nothing to protect
    conn.execute("pragma synchronous = off")
    conn.execute("create table hits (page text, day text, ip text)")
    conn.execute("begin")
    rng = random.Random(SEED)
    for _day, day_hits in seed_db.demo_days(hits, DAYS, "example.com", now, None, rng,
                                            seed_db.demo_pages(PAGES)):
        conn.executemany("insert into hits values (?, ?, ?)",
                         [(hit.page, hit.day, hit.ip) for hit in day_hits])
    conn.execute("commit")
    conn.close()
    indexed = os.path.join(data, f"article-{hits}-indexed.db")
    shutil.copyfile(article, indexed)
    conn = sqlite3.connect(indexed)
    conn.execute("create index hits_day on hits (day)")
    conn.close()

    meta = {"hits": hits, "counted": counted, "seed_seconds": seconds, "last_day": last,
            "path": path, "article": article, "indexed": indexed, "built": now}
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    meta["cached"] = False
    return meta


def config(db):
    return settings.load_config(environ={}, use_file=False, db=db)


def remove_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def copy_db(source, work, name):
    """A fresh copy of a built database in work, for a measurement that writes to it."""
    path = os.path.join(work, name)
    remove_db(path)
    shutil.copyfile(source, path)
    return path


def pageviews(db):
    conn = database.connect(db)
    try:
        return conn.execute("select sum(pageviews) from daily_site").fetchone()[0] or 0
    finally:
        conn.close()


def compiled_copy(work, python):
    """cgi-bin copied into work twice: byte-compiled by the CGI interpreter, as the deploy docs
    advise, and never compiled (run with PYTHONDONTWRITEBYTECODE: a host where nobody ran
    compileall and the web server's user cannot write __pycache__). Returns both paths."""
    compiled = os.path.join(work, "cgi-bin")
    uncompiled = os.path.join(work, "cgi-bin-uncompiled")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(CGI_BIN, compiled, ignore=ignore)
    subprocess.run([python, "-m", "compileall", "-q", compiled], check=True)
    shutil.copytree(CGI_BIN, uncompiled, ignore=ignore)
    return compiled, uncompiled


# ---------------------------------------------------------------------------------------------
# Processes: one CGI request, timed from spawn to exit
# ---------------------------------------------------------------------------------------------

def cgi_environ(**extra):
    """The environment of a CGI process: ours without FOOTFALL_* settings or the variable that
    stops bytecode caching (a host caches it), plus the request's variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FOOTFALL_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_NAME": "example.com", "SERVER_PORT": "80", "SCRIPT_NAME": "/cgi-bin/stats.py",
                "HTTP_HOST": "example.com", "HTTP_USER_AGENT": BROWSER_UA})
    env.update(extra)
    return env


def run_process(argv, env, body=b""):
    """Seconds of one whole process, from spawn to exit, and its output."""
    started = time.perf_counter()
    result = subprocess.run(argv, input=body, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{argv} failed: {result.stderr.decode(errors='replace')}")
    return elapsed, result.stdout


def importtime(argv, env, body=b""):
    """python -X importtime of one process: [(self µs, cumulative µs, module with its indent)]
    after the interpreter's own start-up (site and what it imports)."""
    result = subprocess.run(argv, input=body, env=dict(env, PYTHONPROFILEIMPORTTIME="1"),
                            capture_output=True)
    rows = []
    for line in result.stderr.decode().splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(own), int(cumulative), name.rstrip()))
        if name.strip() == "site":
            rows = []  # what came before is the interpreter's start-up, the floor pays it too
    return rows


# ---------------------------------------------------------------------------------------------
# In a warm process: the WSGI callable, and a server around it
# ---------------------------------------------------------------------------------------------

def application(db):
    return Application(config(db))


def call(app, environ, body=b""):
    """The body of one answer of the WSGI callable."""
    environ = dict(environ, **{"wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr})
    return b"".join(app(environ, lambda status, headers, exc_info=None: None))


class BenchServer(serve.ThreadingWSGIServer):
    """serve.py's threading server with a deeper backlog: the default of 5 drops connections of
    16 eager clients."""

    request_queue_size = 64


@contextlib.contextmanager
def serving(app):
    """serve.py's server and quiet handler on a free loopback port; yields the port."""
    server = make_server("127.0.0.1", 0, app, BenchServer, serve.QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def post_hit(port, path, body, visitor, timeout=30):
    """POST one hit over its own connection, as a tracker does; the answer's body. footfall does
    not trust X-Forwarded-For, so the User-Agent (the browser's and the visitor's name) tells
    the benchmark's visitors apart."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": f"{BROWSER_UA} {visitor}"})
    answer = conn.getresponse().read()
    conn.close()
    return answer


def run_threads(worker, shares):
    """Seconds for one thread per share to run worker(share); a failed thread fails the run."""
    errors = []

    def guarded(share):
        try:
            worker(share)
        except Exception as exc:  # a lost hit must fail the run, not vanish with its thread
            errors.append(exc)

    pool = [threading.Thread(target=guarded, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} writer threads failed: {errors[0]!r}")
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# Repetition
# ---------------------------------------------------------------------------------------------

def repeat(once, runs):
    """Median seconds of runs calls of once(); a single call if that one took over 2 s."""
    first = once()
    if first > 2.0:
        return first
    return statistics.median([first] + [once() for _ in range(runs - 1)])
