#!/usr/bin/env python3
"""What one ended day leaves on disk (issue 22, goal 4): the hostile day and a realistic one,
each sent through footfall's real write path (the WSGI application's POSTs at a pinned clock),
the day ended by a request of the next day, then `wal_checkpoint(truncate)` and `VACUUM`. Prints
the bytes the day added to the database and where they went (SQLite's dbstat), table by table.

    /usr/bin/python3 scripts/benchmark/day_bound.py            # the hostile day and --demo's
    /usr/bin/python3 scripts/benchmark/day_bound.py --worst    # also new referrers and campaigns

The hostile day is issue 22's: 1,000 hits, each with a new User-Agent and a new 900-character
page, half of them also an event with a new name. --worst adds to each hit a new referring host
and a new campaign (the other values a visitor chooses freely). The realistic day is the busiest
day of `seed_db.py --demo`'s site (its generator, its seed 1), posted hit by hit.

Standard library only.
"""

import argparse
import datetime
import io
import os
import random
import sqlite3
import sys
import tempfile
import urllib.parse
import wsgiref.util

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for _path in (os.path.join(ROOT, "cgi-bin"), os.path.join(ROOT, "scripts")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import seed_db  # noqa: E402
from footfall import counting, settings  # noqa: E402
from footfall.app import Application  # noqa: E402
from footfall.storage import database, events, record  # noqa: E402

# 2026-11-27 00:00 UTC: the day posted; the next day's request ends it.
DAY_START = datetime.datetime(2026, 11, 27, tzinfo=datetime.timezone.utc).timestamp()
SITE = "example.com"
AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.{i}.0 Safari/537.36")


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def post(app, fields, agent, ip="192.0.2.10"):
    """One POST to the application in-process; its status."""
    body = urllib.parse.urlencode(dict(fields, site=SITE)).encode()
    env = {"REQUEST_METHOD": "POST", "QUERY_STRING": "", "SCRIPT_NAME": "/cgi-bin/stats.py",
           "PATH_INFO": "", "HTTP_USER_AGENT": agent, "REMOTE_ADDR": ip,
           "HTTP_ACCEPT_LANGUAGE": "de", "CONTENT_LENGTH": str(len(body)),
           "CONTENT_TYPE": "application/x-www-form-urlencoded", "wsgi.input": io.BytesIO(body)}
    wsgiref.util.setup_testing_defaults(env)
    status = []
    b"".join(app(env, lambda s, headers, exc_info=None: status.append(s)))
    return status[0]


def hostile_posts(count=1000, worst=False):
    """[(seconds into the day, fields, agent)] of issue 22's hostile day."""
    posts = []
    for i in range(count):
        agent = AGENT.format(i=i)
        page = f"/{i:06d}-" + "x" * 892
        fields = {"page": page, "w": 1920, "tz": "Europe/Berlin"}
        if worst:
            fields["ref"] = f"https://r{i:06d}-{'r' * 200}.example/"
            fields["q"] = f"utm_campaign=c{i:06d}-{'c' * 90}"
        posts.append((43200 + i, fields, agent))
        if i % 2:
            posts.append((43200 + i + 0.5, dict(fields, event=f"e{i:05d}-" + "y" * 56), agent))
    return posts


def demo_day():
    """(hits, events) of the busiest day of seed_db --demo's site, as its generator makes them
    (with their traits), moved onto DAY_START's day."""
    now = DAY_START + 90 * 86400
    rng, event_rng = random.Random(1), random.Random("1 events")
    best = None
    for _day, hits in seed_db.demo_days(seed_db.DEMO_HITS, seed_db.DEMO_DAYS, SITE, now,
                                       datetime.timezone.utc, rng, None, seed_db.SHOWCASE):
        events = seed_db.demo_events(hits, event_rng, seed_db.SHOWCASE.events)
        if best is None or len(hits) > len(best[0]):
            best = (hits, events)
    shift = DAY_START - (best[0][0].ts - best[0][0].ts % 86400)
    day = counting.day_of(DAY_START, datetime.timezone.utc)
    for item in best[0] + best[1]:
        item.ts += shift
        item.day = day
    return best


def start(path):
    """A database whose day before DAY_START has a hit and has ended: (app, clock)."""
    config = settings.Config(db=path, timezone="UTC")
    clock = Clock(DAY_START - 3600)
    app = Application(config, clock)
    post(app, {"page": "/"}, AGENT.format(i="x"))
    clock.now = DAY_START
    post(app, {"page": "/"}, AGENT.format(i="y"))
    return app, clock


def end(app, clock):
    clock.now = DAY_START + 86400 + 60
    post(app, {"page": "/"}, AGENT.format(i="z"))  # the next day: ends the day posted


def hostile_bytes(posts, path):
    """(bytes before the day, after it ended, {table: bytes after}) of posts sent to the app."""
    app, clock = start(path)
    before = settle(path)
    for seconds, fields, agent in posts:
        clock.now = DAY_START + seconds
        post(app, fields, agent)
    end(app, clock)
    return before, settle(path), tables(path)


def demo_bytes(path):
    """The same for demo_day(), its hits and events counted by storage's write path (as
    seed_db counts today's hits: record.record_hits, events.record_events)."""
    hits, day_events = demo_day()
    app, clock = start(path)
    before = settle(path)
    conn = database.connect(path)
    rules = record.Rules(zone=datetime.timezone.utc)
    record.record_hits(conn, hits, rules)
    events.record_events(conn, day_events, rules)
    conn.close()
    end(app, clock)
    return before, settle(path), tables(path)


def settle(path):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.execute("vacuum")
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    return os.path.getsize(path) + (os.path.getsize(path + "-wal")
                                    if os.path.exists(path + "-wal") else 0)


def tables(path):
    conn = sqlite3.connect(path)
    rows = conn.execute("select name, sum(pgsize) from dbstat group by name").fetchall()
    conn.close()
    return dict(rows)


def report(label, measure):
    before, after, sizes = measure
    print(f"{label}: the ended day adds {(after - before) / 1e6:.2f} MB "
          f"({after / 1e6:.2f} MB in all)")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:8]:
        print(f"    {name:28} {size / 1e6:8.3f} MB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", action="store_true",
                        help="also a day whose hits bring new referrers and campaigns")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        report("hostile", hostile_bytes(hostile_posts(), os.path.join(work, "hostile.db")))
        if args.worst:
            report("worst", hostile_bytes(hostile_posts(worst=True),
                                          os.path.join(work, "worst.db")))
        report("demo", demo_bytes(os.path.join(work, "demo.db")))


if __name__ == "__main__":
    main()
