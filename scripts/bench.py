#!/usr/bin/env python3
"""Benchmark footfall: reading a chart, logging a hit as CGI and in one process, storage, seeding.

    python3 scripts/bench.py --quick    # under a minute: 10k and 100k hits, a few runs each
    python3 scripts/bench.py            # the full run of docs/performance.md (10k to 10M hits)
    python3 scripts/bench.py --only servers --postgres postgresql://...   # gunicorn, both backends

Each figure is a median of several runs; each comparison is a ratio of two figures measured in
the same run, interleaved where they are short. The baselines are real programs beside the
harness in scripts/benchmark/: article.py, the 2008 article's design (a table of (page, day, ip)
rows, SELECT DISTINCT of the days, one COUNT(*) per day) on the same hits, and floor.py, the floor
of one process per hit (import sqlite3, read the body, insert a row into a WAL database, commit).
Databases are built once with seed_db's bulk mode and kept in --data (default bench-data/), so a
rerun starts measuring at once. Prints Markdown tables. Standard library only.
"""

import argparse
import datetime
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchmark import article, harness  # noqa: E402
from benchmark.harness import DAYS, PAGES, ROOT, SEED  # noqa: E402
from footfall.storage import database  # noqa: E402  (on sys.path through the harness)

PROFILES = {
    "quick": dict(sizes=[10_000, 100_000], read_runs=5, cgi_runs=5, post_rounds=3, post_runs=4,
                  writer_hits=400, http_hits=200),
    "full": dict(sizes=[10_000, 100_000, 1_000_000, 10_000_000], read_runs=21, cgi_runs=15,
                 post_rounds=9, post_runs=11, writer_hits=4000, http_hits=1600),
}
SECTIONS = ("read", "post", "writers", "storage")
# Run only when asked (--only servers): it needs gunicorn, and PostgreSQL for half its rows.
ON_REQUEST = ("servers",)
# The goal of a CGI POST against the floor (issue 9), printed beside the measured ratio.
POST_GOAL = 1.25


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--quick", action="store_true", help="small databases, few runs (< 1 min)")
    parser.add_argument("--data", default=os.path.join(harness.ROOT, "bench-data"),
                        help="where built databases are kept between runs (default: bench-data/)")
    parser.add_argument("--python", default=harness.default_python(),
                        help="interpreter of the CGI processes (default: %(default)s)")
    parser.add_argument("--sizes", help="comma-separated hit counts, e.g. 10000,1000000")
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--rounds", type=int, help="rounds of the CGI POST comparison")
    parser.add_argument("--postgres", metavar="URL",
                        help="an empty PostgreSQL database for the servers section (its rows "
                             "against PostgreSQL; the biggest database is copied into it)")
    parser.add_argument("--importtime", action="store_true",
                        help="also print python -X importtime of one CGI POST")
    parser.add_argument("--logs", nargs="?", type=int, const=LOG_LINES, metavar="LINES",
                        help="only the access log import beside GoAccess, on a log of LINES "
                             f"lines (default {LOG_LINES:,})")
    parser.add_argument("--stages", action="store_true",
                        help="with --logs: also the import with parts of a day's end left out "
                             "(scripts/benchmark/import_without.py)")
    args = parser.parse_args(argv)
    if args.stages and not args.logs:
        parser.error("--stages goes with --logs")
    if args.logs:
        database.make_private_folders(args.data)
        for visits, assets in LOGS.values():
            log_import_row(args.data, args.python, args.logs, visits=visits, assets=assets,
                           stages=args.stages)
        return 0
    profile = dict(PROFILES["quick" if args.quick else "full"])
    if args.sizes:
        profile["sizes"] = sorted(int(size) for size in args.sizes.split(","))
    if args.rounds:
        profile["post_rounds"] = args.rounds
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    if only - set(SECTIONS + ON_REQUEST):
        parser.error(f"--only takes {', '.join(SECTIONS + ON_REQUEST)}")
    database.make_private_folders(args.data)
    started = time.perf_counter()

    print(f"# footfall benchmark ({'quick' if args.quick else 'full'} run)\n")
    print_machine(harness.machine(args.python, args.data), harness.load_average())
    built = {size: harness.build(args.data, size) for size in profile["sizes"]}
    biggest = max(size for size in profile["sizes"] if size <= 1_000_000)
    with tempfile.TemporaryDirectory(prefix="footfall-bench-") as work:
        cgi_bin, uncompiled = harness.compiled_copy(work, args.python)
        if "read" in only:
            print_reading(measure_reading(built, profile, args.python, cgi_bin), profile)
            print_filter_ranges(measure_filter_ranges(built[biggest], profile), biggest)
        if "post" in only:
            post = measure_posting(built[biggest], profile, args.python, cgi_bin, uncompiled, work)
            print_posting(post, biggest, profile, args.python)
            if args.importtime:
                print_importtime(post["importtime"])
        if "writers" in only:
            print_writers(measure_writers(built[min(profile["sizes"])], profile, work), profile)
        if "storage" in only:
            print_storage(measure_storage(built[biggest], work), biggest)
        if "servers" in only:
            measure_servers(built[min(profile["sizes"])], built[max(profile["sizes"])], profile,
                            work, args.postgres)
    print_seeding(built)
    print(f"Load average at the end: {_load(harness.load_average())}. "
          f"Whole run: {time.perf_counter() - started:.0f} s.")
    return 0


# ---------------------------------------------------------------------------------------------
# Formatting: figures are numbers until here
# ---------------------------------------------------------------------------------------------

def table(headings, rows):
    lines = ["| " + " | ".join(headings) + " |",
             "|" + "|".join("---:" if i else "---" for i in range(len(headings))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    print("\n".join(lines) + "\n", flush=True)


def ms(seconds):
    """Milliseconds, two decimals under 10, whole above; a dash for not measured."""
    if seconds is None:
        return "—"
    value = seconds * 1000
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def ratio(value, digits=2):
    return f"{value:,.{digits}f}x"


def _load(averages):
    return " ".join(f"{x:.1f}" for x in averages)


def print_machine(facts, load):
    print(f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['system']} {facts['release']}; "
          f"data on {facts['device']} ({facts['fstype']}).\n"
          f"CGI interpreter: {facts['python']} (Python {facts['python_version']}, SQLite "
          f"{facts['sqlite_version']}); this script: Python {facts['script_python']}.\n"
          f"Load average at the start: {_load(load)}.\n")


# ---------------------------------------------------------------------------------------------
# Reading a chart: GET of 90 and 365 days, footfall vs the article's design
# ---------------------------------------------------------------------------------------------

def measure_reading(built, profile, python, cgi_bin):
    """Per size and span, seconds of each way to read the chart."""
    rows = []
    # footfall's in-process GETs of every size are measured interleaved, a run of each size in
    # turn, so that a change in the machine's load falls on all sizes alike: their ratios are
    # the goals. One filter: every list of the answer for one browser's hits (issue 11).
    kinds = {"get": "", "chart": "&page=%2F", "filtered": "&browser=Chrome"}
    footfall = {}
    for span in (90, 365):
        for kind, extra in kinds.items():
            queries = {size: _range_query(meta, span) + extra for size, meta in built.items()}
            figures = _interleaved_gets(built, queries, profile["read_runs"])
            for size, seconds in figures.items():
                footfall[size, span, kind] = seconds
    for size, meta in built.items():
        for span in (90, 365):
            last = datetime.date.fromisoformat(meta["last_day"])
            first = (last - datetime.timedelta(days=span - 1)).isoformat()
            query = _range_query(meta, span)
            row = {"hits": size, "span": span,
                   "get": footfall[size, span, "get"],
                   "chart": footfall[size, span, "chart"],
                   "filtered": footfall[size, span, "filtered"],
                   "article": _article_in_process(meta["article"], first, last.isoformat(),
                                                  profile["read_runs"]),
                   "indexed": _article_in_process(meta["indexed"], first, last.isoformat(),
                                                  profile["read_runs"])}
            env = harness.cgi_environ(REQUEST_METHOD="GET", QUERY_STRING=query,
                                      FOOTFALL_DB=meta["path"])
            row["get_cgi"] = harness.repeat(lambda env=env: harness.run_process(
                [python, os.path.join(cgi_bin, "stats.py")], env)[0], profile["cgi_runs"])
            row["article_cgi"] = None
            if row["article"] < 2.0:  # past that, start-up is noise and one in-process run says it
                env = harness.cgi_environ(QUERY_STRING=query, ARTICLE_DB=meta["article"])
                row["article_cgi"] = harness.repeat(lambda env=env: harness.run_process(
                    [python, harness.ARTICLE_SCRIPT], env)[0], profile["cgi_runs"])
            rows.append(row)
    return rows


def _range_query(meta, span):
    """The query of the span days that end on the database's last day."""
    last = datetime.date.fromisoformat(meta["last_day"])
    first = last - datetime.timedelta(days=span - 1)
    return f"from={first.isoformat()}&to={last.isoformat()}"


def _interleaved_gets(built, queries, runs):
    """{size: median seconds} of in-process GETs of each database, one of each size in turn."""
    calls = {}
    for size, meta in built.items():
        app = harness.application(meta["path"])
        environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": queries[size],
                   "SERVER_NAME": "example.com", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
        calls[size] = (app, environ)
        harness.call(app, environ)  # the first call opens the connection and reads the schema
    times = {size: [] for size in built}
    for _run in range(runs):
        for size, (app, environ) in calls.items():
            started = time.perf_counter()
            body = harness.call(app, environ)
            times[size].append(time.perf_counter() - started)
            assert body.startswith(b'{"from"'), body[:200]
    return {size: statistics.median(seconds) for size, seconds in times.items()}


def _article_in_process(db, first, last, runs):
    conn = sqlite3.connect(db)

    def once():
        started = time.perf_counter()
        article.article_counts(conn, first, last)
        return time.perf_counter() - started

    return harness.repeat(once, runs)


def print_reading(rows, profile):
    print("## Reading a chart\n")
    print(f"GET of the last 90 and 365 days, {DAYS} days of hits over {PAGES} pages. footfall: "
          "the dashboard's GET (per-day visitors and pageviews, totals with unique visitors, "
          "every list), a page's chart (`page=/`) and the GET filtered by one browser "
          "(`browser=Chrome`), through the WSGI callable in a warm process and as a "
          "whole CGI process. Article: its design on the same hits (SELECT DISTINCT day, then "
          "one COUNT(*) per day), as written (no index) and with an index on day. Times in ms, "
          f"medians of {profile['read_runs']} in-process and {profile['cgi_runs']} CGI runs "
          "(one run where a single one takes over 2 s); footfall's in-process runs of the "
          "sizes interleaved, one of each in turn, so their ratios share the machine's load.\n")
    table(["hits", "days", "footfall GET", "footfall page chart", "filtered GET", "filtered / GET",
           "article", "article / footfall", "article + index", "(+ index) / footfall",
           "footfall CGI", "article CGI"],
          [[f"{r['hits']:,}", r["span"], ms(r["get"]), ms(r["chart"]), ms(r["filtered"]),
            ratio(r["filtered"] / r["get"]), ms(r["article"]), ratio(r["article"] / r["get"], 0),
            ms(r["indexed"]), ratio(r["indexed"] / r["get"], 1), ms(r["get_cgi"]),
            ms(r["article_cgi"])] for r in rows])
    sizes = sorted({r["hits"] for r in rows})
    if len(sizes) < 2:
        return
    for span in (90, 365):
        small = next(r for r in rows if r["hits"] == sizes[0] and r["span"] == span)
        large = next(r for r in rows if r["hits"] == sizes[-1] and r["span"] == span)
        print(f"{span} days: footfall GET at {sizes[-1]:,} hits is "
              f"{ratio(large['get'] / small['get'])} its time at {sizes[0]:,}; page chart "
              f"{ratio(large['chart'] / small['chart'])}; filtered GET "
              f"{ratio(large['filtered'] / small['filtered'])} (goal at most 1.5x), and "
              f"{ratio(large['filtered'] / large['get'])} the unfiltered GET (goal at most 3x).")
    print()


def filter_ranges(last_day):
    """{name: (first, last)} of 365-day ranges (or close) whose partial months leave the most
    days to count from records under one filter, and the dashboard's own. A partial month
    is read from its month's pairs, its first half or the two less each other
    (storage/record_lists.py): a range from the 24th to the 8th counts seven days at each
    end, the most; one from the 17th to the 16th, one at each end."""
    last = datetime.date.fromisoformat(last_day)
    month_before = (last.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    year_before = month_before.replace(year=month_before.year - 1)
    return {
        "the last 365 days": ((last - datetime.timedelta(days=364)).isoformat(), last_day),
        "both ends mid-month": (year_before.replace(day=17).isoformat(),
                                month_before.replace(day=16).isoformat()),
        "a week counted at each end": (year_before.replace(day=24).isoformat(),
                                       month_before.replace(day=8).isoformat()),
    }


def measure_filter_ranges(meta, profile):
    """[(range name, first, last, unfiltered seconds, filtered seconds)] on one database, the
    two GETs of each range alternated."""
    app = harness.application(meta["path"])
    rows = []
    for name, (first, last) in filter_ranges(meta["last_day"]).items():
        environs = [{"REQUEST_METHOD": "GET", "QUERY_STRING": f"from={first}&to={last}{extra}"}
                    for extra in ("", "&browser=Chrome")]
        times = [[], []]
        for environ in environs:  # the first read of a filter keeps its months' halves
            body = harness.call(app, environ)
            assert body.startswith(b'{"from"'), body[:200]
        for _run in range(profile["read_runs"]):
            for at, environ in enumerate(environs):
                started = time.perf_counter()
                harness.call(app, environ)
                times[at].append(time.perf_counter() - started)
        rows.append((name, first, last, statistics.median(times[0]), statistics.median(times[1])))
    return rows


def print_filter_ranges(rows, size):
    print(f"One filter (`browser=Chrome`) against the unfiltered GET at {size:,} hits, on the "
          "ranges whose partial months leave the most days to count from records, in a warm "
          "process, the two GETs alternated (goal: at most 3x):\n")
    table(["range", "from", "to", "GET", "`browser=Chrome`", "ratio"],
          [[name, first, last, ms(plain), ms(filtered), ratio(filtered / plain)]
           for name, first, last, plain, filtered in rows])


# ---------------------------------------------------------------------------------------------
# Logging a hit as CGI: stats.py handling one POST vs the floor, a fresh process each
# ---------------------------------------------------------------------------------------------

# The processes of the comparison, in the order of the table.
POST_PROCESSES = ("start", "sqlite3", "floor", "footfall", "zoned", "configured", "uncompiled",
                  "wsgiref")
# footfall's POST as an install may set it up: a time zone set (the example of
# docs/configuration.md), and settings in ~/footfall/footfall.ini, as setup_db.py writes them.
SET_UP = {"zoned": "`timezone = Europe/Berlin`", "configured": "a config file in the home directory"}


def measure_posting(meta, profile, python, cgi_bin, uncompiled, work):
    """Seconds of each process per run, in rounds; every footfall POST checked counted and stored.

    In each round every process runs post_runs times, interleaved, in an order reversed every
    other run, so a change in the machine's load hits them all alike; two warm-up runs (file
    cache, bytecode) come before the first round.
    """
    counters = ("footfall", "zoned", "configured", "wsgiref", "uncompiled")
    dbs = {name: harness.copy_db(meta["path"], work, f"{name}.db") for name in counters + ("floor",)}
    # The floor's own table of raw hits (footfall keeps none), in the same database file.
    floor = sqlite3.connect(dbs["floor"])
    floor.execute("create table if not exists hits (ts real, day text, site text, page text, ref text)")
    floor.close()
    stats = os.path.join(cgi_bin, "stats.py")
    commands = {"start": [python, "-c", "pass"], "sqlite3": [python, "-c", "import sqlite3"],
                "floor": [python, harness.FLOOR_SCRIPT], "footfall": [python, stats],
                "zoned": [python, stats], "configured": [python, stats],
                "wsgiref": [python, harness.WSGIREF_SCRIPT, cgi_bin],
                "uncompiled": [python, os.path.join(uncompiled, "stats.py")]}
    # Every process's home: none has a config file (not the user's own either) but configured's.
    homes = {name: os.path.join(work, "home", name) for name in POST_PROCESSES}
    os.makedirs(os.path.join(homes["configured"], "footfall"), exist_ok=True)
    with open(os.path.join(homes["configured"], "footfall", "footfall.ini"), "w",
              encoding="utf-8") as ini:
        ini.write(f"[footfall]\ndb = {dbs['configured']}\n")
    settings = {name: {"HOME": homes[name]} for name in POST_PROCESSES}
    settings["zoned"]["FOOTFALL_TIMEZONE"] = "Europe/Berlin"

    def request(i):
        # What footfall.js sends: the page, referrer, screen width, time zone and query string.
        body = urllib.parse.urlencode({"page": f"/blog/post-{i % 40}",
                                       "ref": "https://www.google.com/", "w": "1920",
                                       "tz": "Europe/Berlin",
                                       "q": "utm_source=newsletter&utm_campaign=spring"}).encode()
        env = harness.cgi_environ(
            REQUEST_METHOD="POST", CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(len(body)), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.8",
            REMOTE_ADDR=f"10.{i // 65536 % 256}.{i // 256 % 256}."
            f"{i % 256}", FOOTFALL_DB=dbs["footfall"], FLOOR_DB=dbs["floor"],
            FLOOR_TS=str(time.time()))
        return env, body

    def once(i, name):
        env, body = request(i)
        env = dict(env, **settings[name])
        if name in counters:
            env = dict(env, FOOTFALL_DB=dbs[name])
        if name == "uncompiled":
            env = dict(env, PYTHONDONTWRITEBYTECODE="1")
        elapsed, out = harness.run_process(commands[name], env, body)
        if name in counters and b'"counted":true' not in out:
            raise RuntimeError(f"POST not counted: {out!r}")
        return elapsed

    before = {name: harness.pageviews(dbs[name]) for name in counters}
    warm_up = 2
    for i in range(warm_up):
        for name in POST_PROCESSES:
            once(i, name)
    rounds = []
    i = warm_up
    for _round in range(profile["post_rounds"]):
        samples = {name: [] for name in POST_PROCESSES}
        for _run in range(profile["post_runs"]):
            for name in (POST_PROCESSES if i % 2 else POST_PROCESSES[::-1]):
                samples[name].append(once(i, name))
            i += 1
        rounds.append(samples)
    for name in counters:
        stored = harness.pageviews(dbs[name]) - before[name]
        if stored != i:
            raise RuntimeError(f"{stored} of {i} POSTs stored ({name})")
    env, body = request(i)
    return {"rounds": rounds, "posts": i,
            "importtime": harness.importtime(commands["footfall"], dict(env, **settings["footfall"]),
                                             body)}


def post_figures(rounds):
    """Per process: the median over rounds of its round's median seconds, and of its ratio to the
    floor of the same round; and footfall's ratio in each round."""
    per_round = [{name: statistics.median(samples[name]) for name in POST_PROCESSES}
                 for samples in rounds]
    figures = {name: {"seconds": statistics.median(r[name] for r in per_round),
                      "vs_floor": statistics.median(r[name] / r["floor"] for r in per_round)}
               for name in POST_PROCESSES}
    return figures, [r["footfall"] / r["floor"] for r in per_round]


def print_posting(post, size, profile, python):
    figures, footfall_ratios = post_figures(post["rounds"])
    print("## Logging a hit as CGI\n")
    print(f"One POST, a fresh `{python}` process each time, on a copy of the {size:,}-hit "
          f"database; cgi-bin byte-compiled with compileall, as on a host. "
          f"{profile['post_rounds']} rounds of {profile['post_runs']} interleaved runs of each "
          f"process after 2 warm-up runs; ms is the median over rounds of each round's median, "
          f"\"vs floor\" the median over rounds of the ratio within a round. All {post['posts']} "
          "POSTs answered counted and stored.\n")
    names = {
        "start": "interpreter start-up (`-c pass`)",
        "sqlite3": "start-up + `import sqlite3`",
        "floor": "floor: read body, insert a row into WAL, commit",
        "footfall": "footfall `stats.py` POST",
        "zoned": f"the same, {SET_UP['zoned']}",
        "configured": f"the same, {SET_UP['configured']}",
        "wsgiref": "footfall through `wsgiref.handlers.CGIHandler`, `json` imported",
        "uncompiled": "the same, never compiled (`PYTHONDONTWRITEBYTECODE=1`, no `__pycache__`)",
    }
    rows = []
    for name in POST_PROCESSES:
        shown = ratio(figures[name]["vs_floor"])
        rows.append([names[name], ms(figures[name]["seconds"]),
                     f"**{shown}**" if name in ("footfall", *SET_UP) else shown])
    table(["process", "ms", "vs floor"], rows)
    median = statistics.median(footfall_ratios)
    print(f"footfall / floor in each round: {', '.join(f'{r:.2f}' for r in footfall_ratios)} "
          f"(median {ratio(median)}, from {ratio(min(footfall_ratios))} to "
          f"{ratio(max(footfall_ratios))}); goal at most {ratio(POST_GOAL)}: "
          f"{'met' if median <= POST_GOAL else 'missed'}.")
    for name, how in SET_UP.items():
        shown = figures[name]["vs_floor"]
        print(f"With {how}: {ratio(shown)} the floor (median over rounds); goal at most "
              f"{ratio(POST_GOAL)}: {'met' if shown <= POST_GOAL else 'missed'}.")
    print()


def print_importtime(rows):
    print("`-X importtime` of one POST (after `site`); self and cumulative µs:\n\n```")
    print("import time: self [us] | cumulative | imported package")
    for own, cumulative, name in rows:
        print(f"import time: {own:>9} | {cumulative:>10} |{name}")
    print("```\n")


# ---------------------------------------------------------------------------------------------
# Logging hits in one long-lived process: 1, 4, 16 concurrent writers
# ---------------------------------------------------------------------------------------------

def measure_writers(meta, profile, work):
    """Hits per second with 1, 4 and 16 writer threads, in-process and over HTTP."""
    return [{"threads": threads,
             "in_process": _writers_in_process(meta, work, threads, profile["writer_hits"]),
             "http": _writers_http(meta, work, threads, profile["http_hits"])}
            for threads in (1, 4, 16)]


def _hit_bodies(threads, hits):
    return [[(urllib.parse.urlencode({"page": f"/p{n % 50}"}).encode(), f"10.{t}.{n // 256 % 256}."
              f"{n % 256}") for n in range(t, hits, threads)] for t in range(threads)]


def _check_stored(db, before, hits, failures):
    if failures:
        raise RuntimeError(f"{len(failures)} hits not counted: {failures[0]!r}")
    stored = harness.pageviews(db) - before
    if stored != hits:
        raise RuntimeError(f"only {stored} of {hits} hits stored")


def _writers_in_process(meta, work, threads, hits):
    db = harness.copy_db(meta["path"], work, f"writers-{threads}.db")
    before = harness.pageviews(db)
    app = harness.application(db)
    failures = []

    def worker(bodies):
        for body, ip in bodies:
            environ = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
                       "CONTENT_TYPE": "application/x-www-form-urlencoded", "REMOTE_ADDR": ip,
                       "HTTP_USER_AGENT": harness.BROWSER_UA, "HTTP_HOST": "example.com"}
            out = harness.call(app, environ, body)
            if b'"counted":true' not in out:
                failures.append(out)

    elapsed = harness.run_threads(worker, _hit_bodies(threads, hits))
    _check_stored(db, before, hits, failures)
    return hits / elapsed


def _writers_http(meta, work, threads, hits):
    db = harness.copy_db(meta["path"], work, f"http-{threads}.db")
    before = harness.pageviews(db)
    failures = []

    with harness.serving(harness.application(db)) as port:
        def worker(bodies):
            for body, ip in bodies:
                # Each client thread is one visitor; the page keeps its hits under the flood limit.
                answer = harness.post_hit(port, "/cgi-bin/stats.py", body, ip)
                if b'"counted":true' not in answer:
                    failures.append(answer)

        elapsed = harness.run_threads(worker, _hit_bodies(threads, hits))
    _check_stored(db, before, hits, failures)
    return hits / elapsed


def print_writers(rows, profile):
    print("## Logging hits in one long-lived process\n")
    print(f"Hits per second through the WSGI callable called by N threads ({profile['writer_hits']} "
          f"hits), and through wsgiref's threading server (serve.py's) on loopback with N client "
          f"threads ({profile['http_hits']} hits, one connection per hit). One transaction per "
          "hit, WAL, synchronous=NORMAL; each thread its own connection. Every hit checked "
          "stored.\n")
    table(["writers", "hits/s in-process", "hits/s over HTTP (wsgiref)"],
          [[r["threads"], f"{r['in_process']:,.0f}", f"{r['http']:,.0f}"] for r in rows])


# ---------------------------------------------------------------------------------------------
# Several app servers: gunicorn against SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------

def measure_servers(small, big, profile, work, pg_url):
    """Hits/s through gunicorn with 1, 4 and 16 client threads on each backend (printed), then
    the GET of the last 365 days of the biggest database on each (printed)."""
    from benchmark import servers

    rows = []
    for threads in (1, 4, 16):
        db = harness.copy_db(small["path"], work, f"servers-{threads}.db")
        rows.append({"threads": threads,
                     "SQLite": servers.writers(db, work, threads, profile["http_hits"]),
                     "PostgreSQL": (servers.writers(pg_url, work, threads, profile["http_hits"])
                                    if pg_url is not None else None)})
    print("## Several app servers: gunicorn, SQLite and PostgreSQL\n")
    print(f"Hits per second through gunicorn ({servers.WORKERS} sync workers) with N client "
          f"threads ({profile['http_hits']} hits, one connection per hit, each thread its own "
          "visitor), against an SQLite file and against PostgreSQL. Every hit checked stored.\n")
    table(["writers", "hits/s SQLite", "hits/s PostgreSQL"],
          [[r["threads"], f"{r['SQLite']:,.0f}",
            "—" if r["PostgreSQL"] is None else f"{r['PostgreSQL']:,.0f}"] for r in rows])
    # The GET at the smallest and the biggest size on both backends: each size copied into
    # PostgreSQL in turn (the URL names one database), the two backends' GETs interleaved.
    gets = {}
    for meta in ([small, big] if big is not small else [small]):
        if pg_url is not None:
            servers.empty(pg_url)  # the writers' hits, or the last size, out of the way
        started = time.perf_counter()
        path, _first, last = servers.copy_into(meta, work, pg_url)
        copy_seconds = time.perf_counter() - started
        backends = {"SQLite": {"path": path}}
        if pg_url is not None:
            backends["PostgreSQL"] = {"path": pg_url}
        for days_back, extra in ((365, ""), (365, "&browser=Chrome"), (90, "")):
            start = (datetime.date.fromisoformat(last)
                     - datetime.timedelta(days=days_back - 1)).isoformat()
            query = f"from={start}&to={last}{extra}"
            gets[meta["hits"], days_back, extra] = _interleaved_gets(
                backends, {name: query for name in backends}, profile["read_runs"])
        if pg_url is not None:
            print(f"{meta['hits']:,} hits copied into PostgreSQL by migrate_db.py in "
                  f"{copy_seconds:.0f} s.", flush=True)
    print(f"\nGETs in-process, ms (median of {profile['read_runs']}), every day ended; the "
          "ratio is the biggest size's time over the smallest's:\n")
    rows = []
    for days_back, extra in ((365, ""), (365, "&browser=Chrome"), (90, "")):
        row = [f"last {days_back} days{extra.replace('&', ', ')}"]
        for backend in ("SQLite", "PostgreSQL"):
            times = [gets[meta["hits"], days_back, extra].get(backend)
                     for meta in ([small, big] if big is not small else [small])]
            row += [ms(t) for t in times]
            row.append(ratio(times[-1] / times[0]) if None not in times else "—")
        rows.append(row)
    sizes = [f"{small['hits']:,}", f"{big['hits']:,}"] if big is not small else [f"{small['hits']:,}"]
    headings = ["GET"]
    for backend in ("SQLite", "PostgreSQL"):
        headings += [f"{backend} {size}" for size in sizes] + [f"{backend} ratio"]
    table(headings, rows)


# ---------------------------------------------------------------------------------------------
# Storage and seeding
# ---------------------------------------------------------------------------------------------

def measure_storage(meta, work):
    """Bytes of the database: rollups and the day summaries, no raw hits (none are kept)."""
    db = harness.copy_db(meta["path"], work, "storage.db")
    conn = database.connect(db)
    conn.execute("vacuum")
    rows = [("rollups and day summaries (no raw hits)", os.path.getsize(db))]
    conn.close()
    return rows


def print_storage(rows, size):
    print("## Storage\n")
    print(f"The {size:,}-hit database over {DAYS} days ({PAGES} pages), after a checkpoint "
          "and VACUUM.\n")
    table(["what is kept", "MB", "bytes per hit"],
          [[what, f"{size_bytes / 1e6:.1f}", f"{size_bytes / size:.1f}"] for what, size_bytes in rows])


def print_seeding(built):
    print("## Seeding\n")
    print(f"`scripts/seed_db.py --bulk` (bulk.record_days: each past day counted in one go by "
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
# The logs of --logs, by make_access_log's visits of people a weekday and whether its lines hold
# the pages' assets: a small site's (1M lines over 225 days, ~660 page views a day), a busy
# one's (1M lines over 30 days, ~5,000 page views a day: the per-day summaries weigh more when
# days are busy; issue 22) and a busy one whose assets come from a CDN (1M lines over 30 days,
# ~19,300 page views a day: issue 22's own busy log, most of its lines pages).
LOGS = {"spread": (300, True), "busy": (2250, True), "busy, assets elsewhere": (9100, False)}
# --stages: the import with parts of a day's end left out (scripts/benchmark/import_without.py),
# each with what it would give up: what the goal of 2x GoAccess's lines/s would trade away.
LEFT_OUT = {
    "without a filter's month pairs (one filter's lists of whole months)": "pairs",
    "without the day's records, so without pairs (two filters, one filter's lists)": "records",
    "without the exact summary and the pairs": "summary,pairs",
    "without the exact summary and the records": "summary,records,pairs",
}


def log_import_row(data, python, lines=LOG_LINES, runs=LOG_RUNS, visits=300, assets=True,
                   stages=False):
    """Lines/s of scripts/import_log.py on a generated combined log (make_access_log's, with
    this many visits a weekday, with or without the pages' assets), beside GoAccess on the same
    file in the same run (interleaved), with each child's peak memory (ru_maxrss); stages: and
    the import with parts left out (LEFT_OUT). Prints a Markdown table; returns 0."""
    import make_access_log  # scripts/, beside this file

    name = f"access-{lines}" + ("" if visits == 300 else f"-{visits}") + ("" if assets else
                                                                        "-no-assets")
    log = os.path.join(data, name + ".log")
    if not os.path.exists(log):
        with open(log + ".part", "w", encoding="utf-8") as out:
            make_access_log.generate(out, seed=SEED, lines=lines, visits=visits, assets=assets)
        os.replace(log + ".part", log)
    goaccess = shutil.which("goaccess")
    print(f"## Importing an access log\n\n{lines:,} lines of `make_access_log.py --seed {SEED} "
          f"--visits {visits}{'' if assets else ' --no-assets'}` "
          f"({os.path.getsize(log) / 2**20:,.0f} MiB, combined format, "
          f"{_log_days(log)} days); the median of {runs} runs each, interleaved; peak memory "
          "is the largest ru_maxrss of the child; page views are those footfall counted. "
          f"Load average before: {_load(harness.load_average())}.\n")
    counted = []  # page views footfall counted, from each run's database
    arguments = ["--site", "example.com", "--until", "2999-12-31", "--quiet", log]
    commands = {
        "footfall import_log.py": lambda work: [
            python, os.path.join(ROOT, "scripts", "import_log.py"), "--db",
            os.path.join(work, "import.db"), *arguments],
        # Its reading process alone, the counting process dropping every batch: the least
        # the import can take on free cores.
        "its reading process alone": lambda work: [
            python, os.path.join(ROOT, "scripts", "benchmark", "reading_alone.py"), "--db",
            os.path.join(work, "import.db"), *arguments]}
    for name, parts in (LEFT_OUT.items() if stages else ()):
        commands[name] = lambda work, parts=parts: [
            python, os.path.join(ROOT, "scripts", "benchmark", "import_without.py"), parts,
            "--db", os.path.join(work, "import.db"), *arguments]
    goaccess_name = None
    if goaccess:
        goaccess_name = "GoAccess " + _goaccess_version(goaccess)
        commands[goaccess_name] = lambda work: [
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
                if name == "footfall import_log.py":
                    counted.append(_page_views(os.path.join(work, "import.db")))
    rows, rates = [], {}
    goaccess_seconds = (statistics.median(wall for wall, _, _ in samples[goaccess_name])
                        if goaccess else None)
    for name, runs_of in samples.items():
        seconds = statistics.median(wall for wall, _, _ in runs_of)
        cpu = statistics.median(cpu for _, cpu, _ in runs_of)
        peak = max(peak for _, _, peak in runs_of)
        rates[name] = (lines / seconds, lines / cpu)
        rows.append([name, f"{seconds:.1f}", f"{lines / seconds:,.0f}", f"{cpu:.1f}",
                     f"{lines / cpu:,.0f}", f"{peak / 2**20:.0f}",
                     f"{goaccess_seconds / seconds:.2f}x" if goaccess else "—"])
    print("| tool | seconds | lines/s | CPU seconds | lines per CPU second | peak MiB | lines/s "
          "against GoAccess |\n|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n")
    if goaccess:
        footfall, reading, other = (rates["footfall import_log.py"],
                                    rates["its reading process alone"], rates[goaccess_name])
        print(f"footfall / GoAccess: {footfall[0] / other[0]:.2f}x the lines/s, "
              f"{footfall[1] / other[1]:.2f}x the lines per CPU second (its reading process "
              f"alone {reading[0] / other[0]:.2f}x the lines/s: the most it can reach on free "
              "cores); footfall counted "
              f"{counted[0][0]:,} page views over {counted[0][1]} days "
              f"({counted[0][0] / max(counted[0][1], 1):,.0f} a day). "
              f"Load average after: {_load(harness.load_average())}.\n")
    else:
        print("GoAccess is not installed (apt-get install goaccess): no ratio.\n")
    return 0


def _log_days(log):
    """Days from a combined log's first line to its last (make_access_log writes in order)."""
    with open(log, "rb") as f:
        first = f.readline()
        f.seek(max(os.path.getsize(log) - 4096, 0))
        last = f.read().splitlines()[-1]

    def day(line):
        return datetime.datetime.strptime(line.split(b"[", 1)[1][:11].decode(), "%d/%b/%Y")

    return (day(last) - day(first)).days + 1


def _page_views(db):
    """(page views, days) an import counted."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select coalesce(sum(pageviews), 0), count(distinct day) "
                            "from daily_site").fetchone()
    finally:
        conn.close()


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
