#!/usr/bin/env python3
"""Benchmark footfall: reading a chart, logging a hit as CGI and in one process, storage, seeding.

    python3 scripts/bench.py --quick    # under a minute: 10k and 100k hits, a few runs each
    python3 scripts/bench.py            # the full run of docs/performance.md (10k to 10M hits)

Each figure is the median of several runs; each comparison is a ratio of two figures measured
in the same run, interleaved where they are short. The baselines: the 2008 article's design (a
table of (page, day, ip) rows, SELECT DISTINCT of the days, one COUNT(*) per day) on the same hits,
and the floor of one process per hit (a few lines that import sqlite3, read the body, insert a row
into a WAL database and commit). Databases are built once with seed_db's bulk mode and kept in
--data (default bench-data/), so a rerun starts measuring at once. Prints Markdown tables.
Standard library only.
"""

import argparse
import datetime
import io
import json
import os
import platform
import random
import shutil
import socketserver
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import wsgiref.simple_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CGI_BIN = os.path.join(ROOT, "cgi-bin")
sys.path.insert(0, CGI_BIN)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import seed_db  # noqa: E402
from footfall import settings  # noqa: E402
from footfall.app import Application  # noqa: E402
from footfall.storage import database, record  # noqa: E402

DAYS = 1096  # three years
PAGES = 50
SEED = 1
# Raw hits are kept for the whole three years, so the storage figures can show them before
# and after pruning; with the default retention the first POST of a day would prune 2/3 of them.
KEEP_EVERYTHING = 100_000
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")

PROFILES = {
    "quick": dict(sizes=[10_000, 100_000], read_runs=5, cgi_runs=5, post_runs=11,
                  writer_hits=400, http_hits=200),
    "full": dict(sizes=[10_000, 100_000, 1_000_000, 10_000_000], read_runs=21, cgi_runs=15,
                 post_runs=41, writer_hits=4000, http_hits=1600),
}
SECTIONS = ("read", "post", "writers", "storage")

# The article's design, as a module: bench.py calls article_counts in-process, and runs the
# file itself as a CGI script for the whole-process figure.
ARTICLE_SOURCE = '''\
import json
import os
import sqlite3
import sys


def article_counts(conn, first, last):
    days = [row[0] for row in conn.execute(
        "select distinct day from hits where day between ? and ? order by day", (first, last))]
    data = [[day, conn.execute("select count(*) from hits where day = ?", (day,)).fetchone()[0]]
            for day in days]
    return json.dumps({"data": data})


if __name__ == "__main__":
    query = dict(part.split("=", 1) for part in os.environ["QUERY_STRING"].split("&"))
    body = article_counts(sqlite3.connect(os.environ["ARTICLE_DB"]), query["from"], query["to"])
    sys.stdout.write("Content-Type: application/json\\r\\n\\r\\n" + body)
'''

# The floor of one process per hit into SQLite, with footfall's durability (WAL, synchronous=NORMAL).
FLOOR_SOURCE = '''\
import os
import sqlite3
import sys

body = sys.stdin.buffer.read(int(os.environ.get("CONTENT_LENGTH") or 0))
conn = sqlite3.connect(os.environ["FLOOR_DB"], isolation_level=None)
conn.execute("pragma synchronous = normal")
conn.execute("insert into hits (ts, day, site, page, ref) values (?, date('now'), '', ?, '')",
             (float(os.environ.get("FLOOR_TS", "0")), body.decode()))
sys.stdout.write("Status: 200 OK\\r\\nContent-Type: application/json\\r\\n\\r\\n{}")
'''


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--quick", action="store_true", help="small databases, few runs (< 1 min)")
    parser.add_argument("--data", default=os.path.join(ROOT, "bench-data"),
                        help="where built databases are kept between runs (default: bench-data/)")
    parser.add_argument("--python", default=_default_python(),
                        help="interpreter of the CGI processes (default: %(default)s)")
    parser.add_argument("--sizes", help="comma-separated hit counts, e.g. 10000,1000000")
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--importtime", action="store_true",
                        help="also print python -X importtime of one CGI POST")
    parser.add_argument("--logs", nargs="?", type=int, const=LOG_LINES, metavar="LINES",
                        help="only the access log import beside GoAccess, on a log of LINES "
                             f"lines (default {LOG_LINES:,})")
    args = parser.parse_args(argv)
    if args.logs:
        os.makedirs(args.data, exist_ok=True)
        return log_import_row(args.data, args.python, args.logs)
    profile = dict(PROFILES["quick" if args.quick else "full"])
    if args.sizes:
        profile["sizes"] = sorted(int(size) for size in args.sizes.split(","))
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    if only - set(SECTIONS):
        parser.error(f"--only takes {', '.join(SECTIONS)}")
    os.makedirs(args.data, exist_ok=True)
    started = time.perf_counter()

    print(f"# footfall benchmark ({'quick' if args.quick else 'full'} run)\n")
    print(machine(args.python, args.data))
    built = {size: build(args.data, size) for size in profile["sizes"]}
    with tempfile.TemporaryDirectory(prefix="footfall-bench-") as work:
        cgi_bin = compiled_copy(work, args.python)
        if "read" in only:
            reading(built, profile, args.python, cgi_bin, work)
        biggest = max(size for size in profile["sizes"] if size <= 1_000_000)
        if "post" in only:
            posting(built[biggest], biggest, profile, args.python, cgi_bin, work, args.importtime)
        if "writers" in only:
            writers(built[min(profile["sizes"])], profile, work)
        if "storage" in only:
            storing(built[biggest], biggest, work)
    seeding(built)
    print(f"Load average at the end: {_load()}. Whole run: {time.perf_counter() - started:.0f} s.")
    return 0


def _default_python():
    # Not the python3 on PATH: it may be a shim (pyenv) whose own start-up dwarfs a CGI hit.
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def _load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def machine(python, data):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    version = subprocess.run([python, "-c", "import sys, sqlite3; print(sys.version.split()[0], "
                              "sqlite3.sqlite_version)"], capture_output=True, text=True,
                             check=True).stdout.split()
    return (f"Machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}; "
            f"data on {_disk(data)}.\nCGI interpreter: {python} (Python {version[0]}, SQLite "
            f"{version[1]}); this script: Python {platform.python_version()}.\n"
            f"Load average at the start: {_load()}.\n")


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
    return f"{best[0]} ({best[1]})"


# ---------------------------------------------------------------------------------------------
# Databases: footfall's, built by seed_db's bulk mode, and the article's on the same hits
# ---------------------------------------------------------------------------------------------

def build(data, hits):
    """footfall-N.db and article-N.db (+ an indexed copy) in data; built once, then reused."""
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
    _remove(temporary)
    config = _config(temporary)
    conn = database.connect(temporary)
    started = time.perf_counter()
    counted = seed_db.seed(conn, config, hits=hits, days=DAYS, seed=SEED, now=now, bulk=True,
                           pages=seed_db.demo_pages(PAGES))
    seconds = time.perf_counter() - started
    last = conn.execute("select max(day) from daily_site").fetchone()[0]
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    os.replace(temporary, path)

    # The article's table, filled with the very same hits (same seed, same clock).
    article = os.path.join(data, f"article-{hits}.db")
    _remove(article)
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


def _config(db):
    return settings.load_config(environ={}, use_file=False, db=db,
                                retention_days=KEEP_EVERYTHING)


def _remove(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def compiled_copy(work, python):
    """cgi-bin copied and byte-compiled by the CGI interpreter, as the deploy docs advise."""
    target = os.path.join(work, "cgi-bin")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(CGI_BIN, target, ignore=ignore)
    subprocess.run([python, "-m", "compileall", "-q", target], check=True)
    # And one never compiled, run with PYTHONDONTWRITEBYTECODE: a host where nobody ran
    # compileall and the web server's user cannot write __pycache__.
    shutil.copytree(CGI_BIN, os.path.join(work, "cgi-bin-uncompiled"), ignore=ignore)
    # A script run as a program is compiled on each run, cached or not: like stats.py itself.
    for name, source in (("article.py", ARTICLE_SOURCE), ("floor.py", FLOOR_SOURCE)):
        with open(os.path.join(work, name), "w") as f:
            f.write(source)
    return target


def cgi_environ(**extra):
    """The environment of a CGI process: ours without FOOTFALL_* settings or the variable that
    stops bytecode caching (a host caches it), plus the request's variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FOOTFALL_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_NAME": "example.com", "SERVER_PORT": "80", "SCRIPT_NAME": "/cgi-bin/stats.py",
                "HTTP_HOST": "example.com", "HTTP_USER_AGENT": BROWSER_UA,
                "FOOTFALL_RETENTION_DAYS": str(KEEP_EVERYTHING)})
    env.update(extra)
    return env


def run_process(argv, env, body=b""):
    """Wall time of one whole process, from spawn to exit, and its output."""
    started = time.perf_counter()
    result = subprocess.run(argv, input=body, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{argv} failed: {result.stderr.decode(errors='replace')}")
    return elapsed, result.stdout


def median_ms(samples):
    return statistics.median(samples) * 1000


def table(headings, rows):
    lines = ["| " + " | ".join(headings) + " |",
             "|" + "|".join("---:" if i else "---" for i in range(len(headings))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    print("\n".join(lines) + "\n", flush=True)


def _ms(value):
    return "—" if value is None else (f"{value:.2f}" if value < 10 else f"{value:,.0f}")


# ---------------------------------------------------------------------------------------------
# Reading a chart: GET of 90 and 365 days, footfall vs the article's design
# ---------------------------------------------------------------------------------------------

def reading(built, profile, python, cgi_bin, work):
    print("## Reading a chart\n")
    print(f"GET of the last 90 and 365 days, {DAYS} days of hits over {PAGES} pages. footfall: "
          "the dashboard's GET (per-day visitors and pageviews, top pages, top referrers) and "
          "a page's chart (`page=/`), through the WSGI callable in a warm process and as a "
          "whole CGI process. Article: its design on the same hits (SELECT DISTINCT day, then "
          "one COUNT(*) per day), as written (no index) and with an index on day. Times in ms, "
          f"medians of {profile['read_runs']} in-process and {profile['cgi_runs']} CGI runs "
          "(one run where a single one takes over 2 s).\n")
    rows = []
    for size, meta in built.items():
        for span in (90, 365):
            last = datetime.date.fromisoformat(meta["last_day"])
            first = (last - datetime.timedelta(days=span - 1)).isoformat()
            query = f"from={first}&to={last.isoformat()}"
            ours = _in_process_get(meta["path"], query, profile["read_runs"])
            chart = _in_process_get(meta["path"], query + "&page=%2F", profile["read_runs"])
            article = _article_in_process(meta["article"], first, last.isoformat(),
                                          profile["read_runs"])
            indexed = _article_in_process(meta["indexed"], first, last.isoformat(),
                                          profile["read_runs"])
            env = cgi_environ(REQUEST_METHOD="GET", QUERY_STRING=query, FOOTFALL_DB=meta["path"])
            ours_cgi = _repeat(lambda env=env: run_process(
                [python, os.path.join(cgi_bin, "stats.py")], env)[0], profile["cgi_runs"])
            article_cgi = None
            if article < 2000:  # past that, start-up is noise and one in-process run says it
                env = cgi_environ(QUERY_STRING=query, ARTICLE_DB=meta["article"])
                article_cgi = _repeat(lambda env=env: run_process(
                    [python, os.path.join(work, "article.py")], env)[0], profile["cgi_runs"])
            rows.append([f"{size:,}", span, _ms(ours), _ms(chart), _ms(article),
                         f"{article / ours:,.0f}x", _ms(indexed), f"{indexed / ours:,.1f}x",
                         _ms(ours_cgi), _ms(article_cgi)])
    table(["hits", "days", "footfall GET", "footfall page chart", "article", "article / footfall",
           "article + index", "(+ index) / footfall", "footfall CGI", "article CGI"], rows)
    print(_flatness(built, rows))


def _flatness(built, rows):
    sizes = list(built)
    if len(sizes) < 2:
        return ""
    lines = []
    for span in (90, 365):
        small = next(r for r in rows if r[0] == f"{sizes[0]:,}" and r[1] == span)
        large = next(r for r in rows if r[0] == f"{sizes[-1]:,}" and r[1] == span)
        lines.append(f"{span} days: footfall GET at {sizes[-1]:,} hits is "
                     f"{float(large[2].replace(',', '')) / float(small[2].replace(',', '')):.2f}x "
                     f"its time at {sizes[0]:,}; page chart "
                     f"{float(large[3].replace(',', '')) / float(small[3].replace(',', '')):.2f}x.")
    return "\n".join(lines) + "\n"


def _in_process_get(db, query, runs):
    app = Application(_config(db))
    environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": query, "SERVER_NAME": "example.com",
               "SERVER_PORT": "80", "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http"}

    def once():
        started = time.perf_counter()
        body = b"".join(app(dict(environ, **{"wsgi.input": io.BytesIO()}),
                            lambda status, headers, exc_info=None: None))
        elapsed = time.perf_counter() - started
        assert body.startswith(b'{"from"'), body[:200]
        return elapsed

    once()  # the first call opens the connection and reads the schema
    return _repeat(once, runs)


def _article_in_process(db, first, last, runs):
    namespace = {}
    exec(compile(ARTICLE_SOURCE, "article.py", "exec"), namespace)
    conn = sqlite3.connect(db)

    def once():
        started = time.perf_counter()
        namespace["article_counts"](conn, first, last)
        return time.perf_counter() - started

    return _repeat(once, runs)


def _repeat(once, runs):
    """Median in ms of runs calls of once(); a single call if that one took over 2 s."""
    first = once()
    if first > 2.0:
        return first * 1000
    return median_ms([first] + [once() for _ in range(runs - 1)])


# ---------------------------------------------------------------------------------------------
# Logging a hit as CGI: stats.py handling one POST vs the floor, a fresh process each
# ---------------------------------------------------------------------------------------------

def posting(meta, size, profile, python, cgi_bin, work, importtime):
    print("## Logging a hit as CGI\n")
    ours_db = os.path.join(work, "post.db")
    floor_db = os.path.join(work, "floor.db")
    uncompiled_db = os.path.join(work, "uncompiled.db")
    for path in (ours_db, floor_db, uncompiled_db):
        shutil.copyfile(meta["path"], path)
    script = os.path.join(cgi_bin, "stats.py")
    floor = os.path.join(work, "floor.py")

    def post(i):
        body = urllib.parse.urlencode({"page": f"/blog/post-{i % 40}",
                                       "ref": "https://www.google.com/"}).encode()
        env = cgi_environ(REQUEST_METHOD="POST", CONTENT_TYPE="application/x-www-form-urlencoded",
                          CONTENT_LENGTH=str(len(body)), REMOTE_ADDR=f"10.{i // 65536 % 256}."
                          f"{i // 256 % 256}.{i % 256}", FOOTFALL_DB=ours_db, FLOOR_DB=floor_db,
                          FLOOR_TS=str(time.time()))
        return env, body

    samples = {"start": [], "sqlite3": [], "floor": [], "footfall": [], "uncompiled": []}
    commands = {"start": [python, "-c", "pass"], "sqlite3": [python, "-c", "import sqlite3"],
                "floor": [python, floor], "footfall": [python, script],
                "uncompiled": [python, os.path.join(work, "cgi-bin-uncompiled", "stats.py")]}
    order = list(commands)
    for i in range(profile["post_runs"] + 2):
        env, body = post(i)
        # Reverse the order every other round, so a drift in the machine's load hits all alike.
        for name in (order if i % 2 else order[::-1]):
            run_env = env
            if name == "uncompiled":
                run_env = dict(env, PYTHONDONTWRITEBYTECODE="1", FOOTFALL_DB=uncompiled_db)
            elapsed, out = run_process(commands[name], run_env, body)
            if name in ("footfall", "uncompiled") and b'"counted":true' not in out:
                raise RuntimeError(f"POST not counted: {out!r}")
            if i >= 2:  # two rounds of warm-up: file cache, bytecode
                samples[name].append(elapsed)
    for db in (ours_db, uncompiled_db):
        conn = database.connect(db)
        stored = conn.execute("select count(*) from hits").fetchone()[0] - meta["counted"]
        conn.close()
        if stored != profile["post_runs"] + 2:
            raise RuntimeError(f"{stored} of {profile['post_runs'] + 2} POSTs stored")
    medians = {name: median_ms(values) for name, values in samples.items()}
    print(f"One POST, a fresh `{python}` process each time, on a copy of the {size:,}-hit "
          f"database; cgi-bin byte-compiled with compileall, as on a host; median of "
          f"{profile['post_runs']} interleaved runs after 2 warm-up rounds. Every POST answered "
          "counted and stored.\n")
    table(["process", "ms", "vs floor"], [
        ["interpreter start-up (`-c pass`)", _ms(medians["start"]),
         f"{medians['start'] / medians['floor']:.2f}x"],
        ["start-up + `import sqlite3`", _ms(medians["sqlite3"]),
         f"{medians['sqlite3'] / medians['floor']:.2f}x"],
        ["floor: read body, insert a row into WAL, commit", _ms(medians["floor"]), "1.00x"],
        ["footfall `stats.py` POST", _ms(medians["footfall"]),
         f"**{medians['footfall'] / medians['floor']:.2f}x**"],
        ["the same, never compiled (`PYTHONDONTWRITEBYTECODE=1`, no `__pycache__`)",
         _ms(medians["uncompiled"]), f"{medians['uncompiled'] / medians['floor']:.2f}x"],
    ])
    if importtime:
        env, body = post(10**6)
        env["PYTHONPROFILEIMPORTTIME"] = "1"
        result = subprocess.run([python, script], input=body, env=env, capture_output=True)
        print("`-X importtime` of one POST (after `site`):\n\n```")
        lines = result.stderr.decode().splitlines()
        start = next((i for i, line in enumerate(lines) if line.endswith("| site")), 0)
        print("\n".join([lines[0]] + lines[start + 1:]) + "\n```\n")


# ---------------------------------------------------------------------------------------------
# Logging hits in one long-lived process: 1, 4, 16 concurrent writers
# ---------------------------------------------------------------------------------------------

def writers(meta, profile, work):
    print("## Logging hits in one long-lived process\n")
    rows = []
    for threads in (1, 4, 16):
        in_process = _writers_in_process(meta, work, threads, profile["writer_hits"])
        http = _writers_http(meta, work, threads, profile["http_hits"])
        rows.append([threads, f"{in_process:,.0f}", f"{http:,.0f}"])
    print(f"Hits per second through the WSGI callable called by N threads ({profile['writer_hits']} "
          f"hits), and through wsgiref's threading server on loopback with N client threads "
          f"({profile['http_hits']} hits, one connection per hit). One transaction per hit, "
          "WAL, synchronous=NORMAL; each thread its own connection. Every hit checked stored.\n")
    table(["writers", "hits/s in-process", "hits/s over HTTP (wsgiref)"], rows)


def _writer_db(meta, work, name):
    path = os.path.join(work, name)
    _remove(path)
    shutil.copyfile(meta["path"], path)
    return path


def _pageviews(db):
    conn = database.connect(db)
    try:
        return conn.execute("select sum(pageviews) from daily_site").fetchone()[0] or 0
    finally:
        conn.close()


def _hit_bodies(threads, hits):
    return [[(urllib.parse.urlencode({"page": f"/p{n % 50}"}).encode(), f"10.{t}.{n // 256 % 256}."
              f"{n % 256}") for n in range(t, hits, threads)] for t in range(threads)]


def _check_stored(db, before, hits):
    stored = _pageviews(db) - before
    if stored != hits:
        raise RuntimeError(f"only {stored} of {hits} hits stored")


def _writers_in_process(meta, work, threads, hits):
    db = _writer_db(meta, work, f"writers-{threads}.db")
    before = _pageviews(db)
    app = Application(_config(db))
    failures = []

    def worker(bodies):
        for body, ip in bodies:
            environ = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
                       "CONTENT_TYPE": "application/x-www-form-urlencoded",
                       "REMOTE_ADDR": ip, "HTTP_USER_AGENT": BROWSER_UA, "HTTP_HOST": "example.com",
                       "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr}
            out = b"".join(app(environ, lambda status, headers, exc_info=None: None))
            if b'"counted":true' not in out:
                failures.append(out)

    elapsed = _run_threads(worker, _hit_bodies(threads, hits))
    if failures:
        raise RuntimeError(f"{len(failures)} hits not counted: {failures[0]!r}")
    _check_stored(db, before, hits)
    return hits / elapsed


class _ThreadingServer(socketserver.ThreadingMixIn, wsgiref.simple_server.WSGIServer):
    daemon_threads = True
    request_queue_size = 64  # the default backlog of 5 drops connections of 16 eager clients


class _QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _writers_http(meta, work, threads, hits):
    import http.client

    db = _writer_db(meta, work, f"http-{threads}.db")
    before = _pageviews(db)
    server = wsgiref.simple_server.make_server("127.0.0.1", 0, Application(_config(db)),
                                               server_class=_ThreadingServer,
                                               handler_class=_QuietHandler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    port = server.server_address[1]
    failures = []

    def worker(bodies):
        for body, ip in bodies:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            # footfall does not trust X-Forwarded-For, so each client thread is one visitor:
            # the User-Agent tells the hits apart, the page keeps them under the flood limit.
            conn.request("POST", "/cgi-bin/stats.py", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": f"{BROWSER_UA} {ip}"})
            answer = conn.getresponse().read()
            conn.close()
            if b'"counted":true' not in answer:
                failures.append(answer)

    try:
        elapsed = _run_threads(worker, _hit_bodies(threads, hits))
    finally:
        server.shutdown()
        server.server_close()
    if failures:
        raise RuntimeError(f"{len(failures)} hits not counted: {failures[0]!r}")
    _check_stored(db, before, hits)
    return hits / elapsed


def _run_threads(worker, shares):
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
# Storage and seeding
# ---------------------------------------------------------------------------------------------

def storing(meta, size, work):
    print("## Storage\n")
    db = os.path.join(work, "storage.db")
    shutil.copyfile(meta["path"], db)
    conn = database.connect(db)
    rows = [["all raw hits and rollups", os.path.getsize(db)]]
    last = datetime.datetime.fromisoformat(meta["last_day"]).timestamp()
    record.prune_hits(conn, last - 400 * 86400)
    conn.execute("vacuum")
    rows.append(["raw hits pruned to the default 400 days", os.path.getsize(db)])
    record.prune_hits(conn, float("inf"))
    conn.execute("vacuum")
    rows.append(["raw hits all pruned: rollups only", os.path.getsize(db)])
    conn.close()
    print(f"The {size:,}-hit database over {DAYS} days ({PAGES} pages), after a checkpoint "
          "and VACUUM.\n")
    table(["what is kept", "MB", "bytes per hit"],
          [[what, f"{size_bytes / 1e6:.1f}", f"{size_bytes / size:.1f}"] for what, size_bytes in rows])


def seeding(built):
    print("## Seeding\n")
    print(f"`scripts/seed_db.py --bulk` (bulk.record_day: each past day counted in one go by "
          f"the same rules), {DAYS} days, {PAGES} pages; the time of the build, which may be "
          "from an earlier run (cached databases).\n")
    table(["hits", "seconds", "hits/s", "built"], [
        [f"{size:,}", f"{meta['seed_seconds']:.1f}", f"{size / meta['seed_seconds']:,.0f}",
         "earlier run" if meta["cached"] else "this run"] for size, meta in built.items()])


# ---------------------------------------------------------------------------------------------
# Importing an access log, beside GoAccess (self-contained: bench.py --logs)
# ---------------------------------------------------------------------------------------------

LOG_LINES = 1_000_000
LOG_RUNS = 3


def log_import_row(data, python, lines=LOG_LINES, runs=LOG_RUNS):
    """Lines/s of scripts/import_log.py on a generated combined log, beside GoAccess on the same
    file in the same run (interleaved), with each child's peak memory (ru_maxrss). Prints a
    Markdown table; returns 0."""
    import make_access_log  # scripts/, beside this file

    log = os.path.join(data, f"access-{lines}.log")
    if not os.path.exists(log):
        with open(log + ".part", "w", encoding="utf-8") as out:
            make_access_log.generate(out, seed=SEED, lines=lines)
        os.replace(log + ".part", log)
    goaccess = shutil.which("goaccess")
    print(f"## Importing an access log\n\n{lines:,} lines of `make_access_log.py --seed {SEED}` "
          f"({os.path.getsize(log) / 2**20:,.0f} MiB, combined format); the median of {runs} "
          "runs each, interleaved; peak memory is the largest ru_maxrss of the child. Load "
          f"average before: {_load()}.\n")
    commands = {"footfall import_log.py": lambda work: [
        python, os.path.join(ROOT, "scripts", "import_log.py"), "--db",
        os.path.join(work, "import.db"), "--site", "example.com", "--until", "2999-12-31",
        "--quiet", log]}
    if goaccess:
        commands["GoAccess " + _goaccess_version(goaccess)] = lambda work: [
            goaccess, log, "--no-global-config", "--log-format=COMBINED", "--ignore-crawlers",
            "--unknowns-as-crawlers", "--ignore-statics=panel", "--all-static-files",
            *[f"--static-file=.{extension}" for extension in _asset_extensions()],
            "-o", os.path.join(work, "goaccess.json")]
    samples = {name: [] for name in commands}
    env = dict(os.environ, FOOTFALL_TIMEZONE="UTC")
    for _ in range(runs):
        for name, command in commands.items():
            with tempfile.TemporaryDirectory(prefix="footfall-logs-") as work:
                samples[name].append(_child_usage(command(work), env))
    rows, rates = [], {}
    for name, runs_of in samples.items():
        seconds = statistics.median(wall for wall, _, _ in runs_of)
        cpu = statistics.median(cpu for _, cpu, _ in runs_of)
        peak = max(peak for _, _, peak in runs_of)
        rates[name] = (lines / seconds, lines / cpu)
        rows.append([name, f"{seconds:.1f}", f"{lines / seconds:,.0f}", f"{cpu:.1f}",
                     f"{lines / cpu:,.0f}", f"{peak / 2**20:.0f}"])
    print("| tool | seconds | lines/s | CPU seconds | lines per CPU second | peak MiB |\n"
          "|---|---:|---:|---:|---:|---:|")
    print("\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n")
    if goaccess:
        footfall = rates.pop("footfall import_log.py")
        other = rates.popitem()[1]
        print(f"footfall / GoAccess: {footfall[0] / other[0]:.2f}x the lines/s, "
              f"{footfall[1] / other[1]:.2f}x the lines per CPU second. "
              f"Load average after: {_load()}.\n")
    else:
        print("GoAccess is not installed (apt-get install goaccess): no ratio.\n")
    return 0


def _child_usage(argv, env):
    """(wall seconds, CPU seconds, peak resident bytes) of one child process."""
    # stderr to a file, not a pipe read at the end: GoAccess writes its progress there, and a
    # full pipe would stall it.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{argv[0]} failed: {errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024  # maxrss is KiB


def _goaccess_version(goaccess):
    out = subprocess.run([goaccess, "--version"], capture_output=True, text=True).stdout
    return out.split()[2].rstrip(".") if out.startswith("GoAccess - ") else ""


def _asset_extensions():
    from footfall import logformats

    return sorted(logformats.ASSET_EXTENSIONS)


if __name__ == "__main__":
    sys.exit(main())
