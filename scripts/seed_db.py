#!/usr/bin/env python3
"""Fill footfall's database with demo hits, counted by the same rules as real ones.

Visitors arrive on random days of the last --days days (today included, fewer on weekends and a
gentle upward trend), each reading a few pages, the first often from a search engine, a link or
one of two campaigns, on the browsers, screens, time zones and languages of a real site's mix,
each page visible for some seconds. --demo seeds the site of serve.py's demo instead: 41 pages,
more referrers, five campaigns (six links) and eight events, 20,000 hits over 90 days.
"""

import argparse
import collections
import datetime
import functools
import itertools
import os
import random
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import counting, settings, traits  # noqa: E402
from footfall.storage import database, events, meta, notes, record, totals  # noqa: E402
from footfall.storage.bulk import record_days  # noqa: E402
from footfall.storage.days import close_ended_days  # noqa: E402

PAGES = (  # path, relative popularity
    ("/", 30), ("/about", 8), ("/blog/", 12), ("/blog/hello-world", 9),
    ("/blog/sqlite-in-production", 14), ("/blog/cgi-is-not-dead", 7), ("/pricing", 6),
    ("/contact", 4), ("/docs/getting-started", 10),
)
REFERRERS = (  # where a visit starts; '' is typed in or a bookmark
    ("", 40), ("https://www.google.com/", 25), ("https://duckduckgo.com/", 8),
    ("https://news.ycombinator.com/item", 6), ("https://www.reddit.com/r/selfhosted/", 5),
    ("https://github.com/", 4), ("https://mastodon.social/@someone", 3),
)
# Browsers and devices in shares like a real site's (Chrome about 60%, Safari about 20%, then
# Edge, Firefox, Samsung Internet, Opera): (User-Agent, screen widths it comes with, weight).
PHONE, TABLET, DESKTOP = (360, 375, 390, 393, 412, 414, 430), (768, 810, 820, 834), (
    1280, 1366, 1440, 1536, 1680, 1920, 2560)
USER_AGENTS = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", DESKTOP, 27),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Mobile Safari/537.36", PHONE, 18),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/18.1 Mobile/15E148 Safari/604.1", PHONE, 14),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", DESKTOP, 7),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Safari/605.1.15", DESKTOP, 5),
    ("Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Mobile/15E148 Safari/604.1", TABLET, 2),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", DESKTOP, 5),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
     DESKTOP, 3),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", DESKTOP, 2),
    ("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", PHONE, 3),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", PHONE, 2),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", DESKTOP, 2),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36", TABLET, 1),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", DESKTOP, 1),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", DESKTOP, 1),
)
PLACES = (  # where visitors are: (time zones of the place, Accept-Language, weight)
    (("America/New_York", "America/Chicago", "America/Los_Angeles"), "en-US,en;q=0.9", 30),
    (("Europe/Berlin",), "de-DE,de;q=0.9,en;q=0.8", 18),
    (("Europe/London",), "en-GB,en;q=0.9", 10),
    (("Europe/Paris",), "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", 8),
    (("Asia/Kolkata",), "en-IN,en;q=0.9,hi;q=0.8", 7),
    (("America/Sao_Paulo",), "pt-BR,pt;q=0.9,en;q=0.8", 6),
    (("Europe/Amsterdam",), "nl-NL,nl;q=0.9,en;q=0.8", 5),
    (("Asia/Tokyo",), "ja,en-US;q=0.9,en;q=0.8", 5),
    (("America/Toronto",), "en-CA,en;q=0.9,fr-CA;q=0.8", 5),
    (("Europe/Madrid",), "es-ES,es;q=0.9", 4),
    ((None,), "en", 2),  # a browser that hides its zone
)
CAMPAIGNS = (  # how a campaign's visit lands: (query string of its link, weight among visits)
    (None, 92),
    ("utm_campaign=spring-sale&utm_source=newsletter&utm_medium=email", 5),
    ("utm_campaign=launch&utm_source=mastodon", 3),
)


_BROWSERS = [(agent, widths) for agent, widths, _ in USER_AGENTS]
_BROWSER_CUM = list(itertools.accumulate(n for _, _, n in USER_AGENTS))
_PLACES = [(zones, language) for zones, language, _ in PLACES]
_PLACE_CUM = list(itertools.accumulate(n for _, _, n in PLACES))

VISIT_LENGTHS = (1, 1, 2, 2, 3, 4, 6)  # pages read per visit: a third of visits bounce
BULK_HITS = 100_000  # bulk days counted in one transaction: a month's, or about this many hits
TIMED = 0.9  # share of page views whose visible seconds arrive (some browsers drop the beacon)


def demo_pages(count, pages=PAGES):
    """count pages for a bigger demo: the given ones, then blog posts, each less popular."""
    extra = [(f"/blog/post-{n}", max(1, 12 * 10 // (n + 10))) for n in range(1, count - len(pages) + 1)]
    return (pages + tuple(extra))[:count]


def demo_visitor(rng):
    """One visitor's browser, as plain values: User-Agent, screen width, time zone, languages."""
    agent, widths = rng.choices(_BROWSERS, cum_weights=_BROWSER_CUM)[0]
    zones, language = rng.choices(_PLACES, cum_weights=_PLACE_CUM)[0]
    return {"user_agent": agent, "w": rng.choice(widths), "tz": rng.choice(zones),
            "accept_language": language}


def page_chooser(pages=PAGES):
    """(paths, cumulative weights) of pages, for rng.choices, made once for many visits."""
    paths, weights = zip(*pages)
    return paths, list(itertools.accumulate(weights))


def demo_visit(length, start, site, rng, chooser=None, mix=None):
    """A visit of `length` page views from `start` (epoch s), as plain dicts: the fields of a
    hit (ts, page, ref, query, ip and the demo_visitor fields) and `seconds`, how long the view
    was visible (None when its beacon never came)."""
    mix = mix or SMALL
    chooser = chooser or page_chooser(mix.pages)
    visitor = demo_visitor(rng)
    ip = f"198.51.{rng.randrange(100, 116)}.{rng.randrange(1, 255)}"
    query = _pick(mix.campaigns, rng)
    ref = "" if query else _pick(mix.referrers, rng)
    views = []
    for page in rng.choices(chooser[0], cum_weights=chooser[1], k=length):
        # Visible seconds: most views a few seconds to a minute, a few long reads.
        seconds = min(1800, int(rng.lognormvariate(3.2, 1.1)))
        views.append(dict(visitor, ts=start, page=page, ref=ref, query=query, ip=ip,
                          seconds=seconds if rng.random() < TIMED else None))
        ref, query = f"https://{site}/", None
        start += seconds + rng.uniform(2, 30)
    return views


class DemoHit(record.Hit):
    """A record.Hit with the visible seconds its page's beacon reported (None: none came);
    bulk.record_days adds them to the day's views as record.record_seconds adds a live one's."""

    __slots__ = ("seconds",)

    def __init__(self, *args, seconds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds = seconds


@functools.cache
def _traits(user_agent, width, tz, accept_language, query):
    # A demo has a few hundred combinations: describe each once, not once per hit.
    return traits.describe(user_agent, width, tz or "", accept_language, query or "")


def demo_hit(view, day, site):
    """The DemoHit of a demo_visit view: what the server makes of the same POST."""
    described = _traits(view["user_agent"], view["w"], view["tz"], view["accept_language"],
                        view["query"])
    return DemoHit(view["ts"], day, site, view["page"], view["ref"], view["ip"],
                   view["user_agent"], described, seconds=view["seconds"])


def record_seconds(conn, hits, now):
    """Send the beacons of hits counted hit by hit, as footfall.js would when each page was
    left (at most now); their day must not have ended yet."""
    for hit in hits:
        if hit.seconds is not None:
            beacon = record.Hit(min(hit.ts + hit.seconds, now), hit.day, hit.site, hit.page,
                                hit.ref, hit.ip, hit.user_agent)
            record.record_seconds(conn, beacon, hit.seconds)


def demo_days(count, days, site, now, zone, rng, pages=None, mix=None):
    """Yield (day, hits) oldest first: count hits as visits of a few pages each, over the last
    `days` days. A day at a time, so ten million hits never sit in memory at once. pages
    (path, weight) replace the mix's."""
    mix = mix or SMALL
    pages = pages or mix.pages
    today = datetime.date.fromisoformat(counting.day_of(now, zone))
    # Weekdays busier than weekends, later days a little busier than earlier ones.
    offsets = range(days)
    cum_weights = list(itertools.accumulate(
        (0.55 if (today - datetime.timedelta(days=o)).weekday() >= 5 else 1.0)
        * (1.0 + 0.4 * (days - o) / days) for o in offsets))
    # First how many visits of which length start on each day, then the visits, a day at a time.
    visits = {}
    planned = 0
    while planned < count:
        offset = rng.choices(offsets, cum_weights=cum_weights)[0]
        length = min(rng.choice(VISIT_LENGTHS), count - planned)
        visits.setdefault(offset, []).append(length)
        planned += length
    chooser = page_chooser(pages)
    spill = []  # hits of visits that went on past midnight
    for offset in range(days - 1, -1, -1):
        day = today - datetime.timedelta(days=offset)
        name, next_name = day.isoformat(), (day + datetime.timedelta(days=1)).isoformat()
        midnight = _moment(day + datetime.timedelta(days=1), 0, zone)
        hits, spill = spill, []
        # Today: the shape of a whole day squeezed into the hours gone by, not piled up at now.
        squeeze = 1.0 if offset else max(now - _moment(day, 0, zone), 0) / 86400
        for length in visits.get(offset, ()):
            start = _moment(day, min(max(rng.gauss(14 * 3600, 4 * 3600), 0), 86399) * squeeze,
                            zone)
            for view in demo_visit(length, start, site, rng, chooser, mix):
                view["ts"] = ts = min(view["ts"], now)
                hit = demo_hit(view, name if ts < midnight else next_name, site)
                (hits if ts < midnight else spill).append(hit)
        if hits:
            hits.sort(key=lambda hit: hit.ts)
            yield name, hits
    if spill:  # only when the clock of `now` is a moment before midnight
        yield spill[0].day, sorted(spill, key=lambda hit: hit.ts)


# The demo's events (docs/events.md): (name, the page a visit must have read, the share of such
# visits that send it). A visit sends each at most once, a moment after that page's view.
DEMO_EVENTS = (
    ("signup", "/pricing", 0.35),
    ("newsletter", "/blog/sqlite-in-production", 0.10),
    ("outbound: github.com", "/docs/getting-started", 0.25),
    ("download: getting-started.pdf", "/docs/getting-started", 0.12),
)


class Mix(collections.namedtuple("Mix", "pages referrers campaigns events")):
    """What a seeded site is made of: its pages, where its visits come from, the query strings
    of its campaigns' links and its events, each (value, ..., weight) as the constants above."""


# The tests' site (seed_db.py's default): small, and its data must stay as the tests know it.
SMALL = Mix(PAGES, REFERRERS, CAMPAIGNS, DEMO_EVENTS)

# The demo that serve.py makes (seed_db.py --demo): a small real site's, to show what the
# dashboard does with dozens of pages, a few campaigns and events, over 100 visits a day.
SITE_PAGES = PAGES + (
    ("/docs/", 9), ("/docs/install", 8), ("/docs/configuration", 6), ("/docs/api", 5),
    ("/docs/deploy/apache", 5), ("/docs/deploy/nginx", 4), ("/docs/import-logs", 3),
    ("/docs/privacy", 4), ("/docs/faq", 4), ("/docs/upgrading", 2), ("/changelog", 3),
    ("/blog/why-we-count-without-cookies", 8), ("/blog/one-sqlite-file-a-million-hits", 6),
    ("/blog/reading-server-logs-again", 4), ("/blog/a-dashboard-under-75-kb", 3),
    ("/blog/postgresql-when-sqlite-is-not-enough", 3), ("/blog/counting-bots-out", 3),
    ("/blog/tag/python", 2), ("/blog/tag/privacy", 2), ("/blog/2025/year-in-review", 2),
    ("/blog/2025/shared-hosting-still-works", 2), ("/features", 7), ("/features/events", 3),
    ("/features/campaigns", 3), ("/features/reports", 2), ("/compare/google-analytics", 5),
    ("/compare/goatcounter", 3), ("/customers", 2), ("/security", 1), ("/legal/privacy-policy", 1),
    ("/legal/terms", 1), ("/jobs", 1),
)
SITE_REFERRERS = REFERRERS + (
    ("https://www.bing.com/", 5), ("https://lobste.rs/", 2), ("https://www.ecosia.org/", 1),
    ("https://t.co/", 2), ("https://www.linkedin.com/", 2), ("https://dev.to/", 1),
    ("https://old.reddit.com/r/Python/", 2), ("https://search.brave.com/", 1),
)
SITE_CAMPAIGNS = ((None, 84),) + CAMPAIGNS[1:] + (
    ("utm_campaign=black-friday&utm_source=newsletter&utm_medium=email", 3),
    ("utm_campaign=docs-webinar&utm_source=linkedin&utm_medium=social", 2),
    ("utm_campaign=launch&utm_source=producthunt", 2),
    ("utm_campaign=retargeting&utm_source=google&utm_medium=cpc", 1),
)
SITE_EVENTS = DEMO_EVENTS + (
    ("trial started", "/pricing", 0.15),
    ("contact form sent", "/contact", 0.30),
    ("newsletter", "/blog/why-we-count-without-cookies", 0.08),
    ("outbound: github.com", "/docs/install", 0.20),
    ("docs search", "/docs/", 0.25),
    ("copy snippet", "/docs/getting-started", 0.30),
)
SHOWCASE = Mix(SITE_PAGES, SITE_REFERRERS, SITE_CAMPAIGNS, SITE_EVENTS)
# About 85 visits a day (fewer on weekends), counted in bulk in about 2.5 s of CPU, so that
# serve.py's first start stays a matter of seconds.
DEMO_HITS, DEMO_DAYS = 20_000, 90


def demo_events(hits, rng, demo_events=DEMO_EVENTS):
    """The events of a day's hits (oldest first) as storage.events.Event, oldest first: each
    visit (a visitor of the day) that read a page of demo_events sends its event with that
    share, carrying the view's fields as footfall.js does."""
    found, sent = [], set()
    for hit in hits:
        visitor = (hit.ip, hit.user_agent)
        for name, page, share in demo_events:
            if hit.page != page or (visitor, name) in sent:
                continue
            sent.add((visitor, name))
            if rng.random() < share:
                found.append(events.Event(hit.ts + 1, hit.day, hit.site, hit.page, name,
                                          hit.referral(), hit.ip, hit.user_agent, hit.traits))
    return sorted(found, key=lambda event: event.ts)


# Two notes for the demo's chart, so the dashboard shows how notes look (days before today).
DEMO_NOTES = ((41, "New design"), (12, "Posted on Hacker News"))


def add_demo_notes(conn, today):
    """The demo notes, unless the database has notes already (seeding twice adds none)."""
    if notes.all_notes(conn):
        return
    for days_ago, text in DEMO_NOTES:
        day = datetime.date.fromisoformat(today) - datetime.timedelta(days=days_ago)
        notes.add_note(conn, day.isoformat(), text, time.time())


def _moment(day, seconds, zone):
    seconds = min(max(seconds, 0), 86399)
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=zone)
    return (midnight + datetime.timedelta(seconds=seconds)).timestamp()


def _pick(weighted, rng):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def seed(conn, config, hits=1000, days=90, site="example.com", seed=None, now=None,
         batch=5000, bulk=False, pages=None, mix=SMALL):
    """Write demo hits through the counting rules of storage; returns how many were counted.

    bulk: the days gone by in storage.bulk.record_days, a month (or BULK_HITS hits) at a time
    (same counts, a fraction of the statements: how ten million hits are seeded in minutes);
    today's hits always go through record.record_hits, which leaves today's salt and views for
    the real hits to come.
    """
    now = time.time() if now is None else now
    rng = random.Random(seed)
    rules = record.Rules.from_config(config)
    today = counting.day_of(now, config.zone)
    if bulk:
        # Bulk transactions are big: a page cache to match (negative: KiB, here 256 MiB).
        conn.execute("pragma cache_size = -262144")
    counted = 0
    # The events draw from their own generator, so a seed makes the same hits with or without them.
    event_rng = random.Random(None if seed is None else f"{seed} events")
    batch_days, batch_hits = [], 0  # bulk days counted together: a month's, or BULK_HITS hits
    batch_events = []  # their events, counted first (as each day's were before its hits)
    apart = day_pool() if bulk and hits >= POOL_HITS else None

    def count_batch():
        # The batch's events in one transaction, not one a day: the same statements in the
        # same order, before the days' hits, without a commit and a WAL checkpoint a day
        # (docs/performance.md: time in which the summing process had nothing to do).
        events.record_events(conn, batch_events, rules)
        batch_events.clear()
        counted_now = sum(reasons.count(None) for reasons in record_days(conn, batch_days, rules, today,
                                                                         apart=apart))
        batch_days.clear()
        return counted_now

    made = ((day, day_hits, [event for event in demo_events(day_hits, event_rng, mix.events)
                             if event.ts <= now])
            for day, day_hits in demo_days(hits, days, site, now, config.zone, rng, pages, mix))
    if apart is not None:
        made = made_apart(made)
    for day, day_hits, day_events in made:
        if batch_days and (not bulk or day >= today or day[:7] != batch_days[0][0].day[:7]
                           or batch_hits >= BULK_HITS):
            counted += count_batch()
            batch_hits = 0
        if bulk and day < today:
            batch_days.append(day_hits)
            batch_hits += len(day_hits)
            batch_events.extend(day_events)
            continue
        if bulk:
            # What a request does first: the bulk days' months sealed, else each of today's
            # beacons finds them still to end and empties the WAL (a second of a 1M-hit seed).
            close_ended_days(conn, today)
        # A day at a time, its beacons after its hits: a later day's first hit ends it.
        for start in range(0, len(day_hits), batch):
            counted += record.record_hits(conn, day_hits[start:start + batch], rules).count(None)
        record_seconds(conn, day_hits, now)
        events.record_events(conn, day_events, rules)
    if batch_days:
        counted += count_batch()
    if apart is not None:
        apart.close()
        apart.join()
    # Salts made for past days end with the work that made them.
    close_ended_days(conn, today)
    # Bulk days end without a checkpoint each: one now, so their salts leave the WAL.
    database.checkpoint(conn)
    return counted


# From this many hits, bulk seeding sums its days up in a second process (record_days' apart):
# 1M hits in about two thirds of the time on two cores; below it, starting one is not worth it.
POOL_HITS = 100_000


def day_pool():
    """A pool of one process for record_days' apart, forked (it starts with the modules loaded),
    or None where fork is not there (then the days are summed up here)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    pool = multiprocessing.get_context("fork").Pool(1)
    # A day's views (~100 KB) go one way, its sums and pairs (~500 KB) the other.
    _widen_pipe(pool._inqueue)
    _widen_pipe(pool._outqueue)
    return pool


# Days a generating process (made_apart) may be ahead of the counting: a month and a half.
AHEAD_DAYS = 45


def made_apart(made):
    """The items of the generator made, made in a forked process and passed on as they come
    (at most AHEAD_DAYS ahead): the visits of the next days are generated while this process
    counts. The same items in the same order (their random generators live there)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue(AHEAD_DAYS)
    _widen_pipe(queue)

    def make():
        try:
            for item in made:
                queue.put(item)
            queue.put(None)
        except BaseException as exc:  # said in this process, never a silent hang
            queue.put(repr(exc))
            raise

    maker = context.Process(target=make, daemon=True)
    maker.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(f"generating the demo hits failed: {item}")
            yield item
    finally:
        maker.join(timeout=5)
        if maker.is_alive():
            maker.terminate()


def _widen_pipe(queue):
    """Linux: the pipe under a multiprocessing queue made 1 MiB, so that a day of visits
    (about 100 KB pickled) is written into it at once. In the default 64 KiB, the reading
    process waits in the middle of each day for the writing one to be scheduled again: on two
    busy cores, half the time the counting process waited for the generated days. Elsewhere,
    or where the size is refused, the pipe stays as it is."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl

    try:  # F_SETPIPE_SZ is named from Python 3.10: Linux's 1031 before
        fcntl.fcntl(queue._writer.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (AttributeError, OSError):
        pass


PIPE_BYTES = 1 << 20  # Linux's /proc/sys/fs/pipe-max-size by default


def seed_demo(conn, config, random_seed=None, now=None):
    """serve.py's demo: the SHOWCASE site over the last DEMO_DAYS days, its past days counted in
    bulk (same counts, a fraction of the time: serve.py comes up in seconds). Returns how many
    hits were counted."""
    return seed(conn, config, DEMO_HITS, DEMO_DAYS, seed=random_seed, now=now, bulk=True,
                mix=SHOWCASE)


def mark_demo(conn):
    """Record that the database holds demo data only, so seeding it again needs no --force."""
    meta.write_meta(conn, "demo", "1")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    parser.add_argument("--hits", type=int, help="how many hits (default 1000; with --demo "
                                                  f"{DEMO_HITS:,})")
    parser.add_argument("--days", type=int,
                        help="spread over this many days up to today (default 90)")
    parser.add_argument("--demo", action="store_true",
                        help="the site of serve.py's demo, counted as --bulk: dozens of pages, "
                             "more referrers, five campaigns and eight events (default: a "
                             "smaller site, which the tests know)")
    parser.add_argument("--seed", type=int, help="random seed, for the same demo data each run")
    parser.add_argument("--site", default="example.com", help="site name (default example.com)")
    parser.add_argument("--pages", type=int,
                        help=f"how many distinct pages (default {len(PAGES)}; with --demo "
                             f"{len(SITE_PAGES)})")
    parser.add_argument("--bulk", action="store_true",
                        help="count each past day in one go: same counts, much faster for millions "
                             "of hits (see docs/performance.md)")
    parser.add_argument("--force", action="store_true",
                        help="add demo hits even to a database that holds hits seed_db did not "
                             "make (real stats)")
    parser.add_argument("--notes", action="store_true",
                        help="also add two demo notes (see scripts/note.py), unless there are some")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"seed_db: {database.password_refused()}\n")
    mix = SHOWCASE if args.demo else SMALL
    if args.hits is None:
        args.hits = DEMO_HITS if args.demo else 1000
    if args.days is None:
        args.days = DEMO_DAYS if args.demo else 90
    if args.hits < 0 or args.days < 1 or (args.pages is not None and args.pages < 1):
        parser.error("--hits must be 0 or more, --days and --pages at least 1")
    try:
        config = settings.load_config(db=args.db)
        conn = database.connect(config.db)
    except (settings.ConfigError, database.StorageError) as exc:
        parser.exit(1, f"seed_db: {exc}\n")
    except (OSError, sqlite3.Error) as exc:
        parser.exit(1, f"seed_db: cannot create or open {database.shown(config.db)} "
                       f"({getattr(exc, 'strerror', None) or exc}): its folder must exist or be "
                       "creatable, and be writable by you; choose another with --db\n")
    # Demo hits mixed into real stats could never be told apart again.
    empty = totals.first_day(conn) is None
    if not empty and meta.read_meta(conn, "demo") is None and not args.force:
        parser.exit(1, f"seed_db: {database.shown(config.db)} holds hits seed_db did not make (real stats?); "
                       "demo hits would mix into them for good. Give another --db, or --force\n")
    started = time.perf_counter()
    counted = seed(conn, config, args.hits, args.days, args.site, args.seed,
                   bulk=args.bulk or args.demo,
                   pages=demo_pages(args.pages, mix.pages) if args.pages else None, mix=mix)
    if empty:
        mark_demo(conn)
    if args.notes:
        add_demo_notes(conn, counting.day_of(time.time(), config.zone))
    print(f"seeded {args.hits} hits over {args.days} days into {database.shown(config.db)} "
          f"({counted} counted) "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
