#!/usr/bin/env python3
"""Fill footfall's database with demo hits, counted by the same rules as real ones.

Visitors arrive on random days of the last --days days (today included, fewer on weekends and a
gentle upward trend), each reading a few pages, the first often from a search engine or a link.
"""

import argparse
import datetime
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import counting, settings, storage  # noqa: E402

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
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
)


def demo_hits(count, days, site, now, zone, rng):
    """count hits as visits of a few pages each, on days in the last `days`, oldest first."""
    today = datetime.date.fromisoformat(counting.day_of(now, zone))
    # Weekdays busier than weekends, later days a little busier than earlier ones.
    offsets = list(range(days))
    weights = [(0.55 if (today - datetime.timedelta(days=o)).weekday() >= 5 else 1.0)
               * (1.0 + 0.4 * (days - o) / days) for o in offsets]
    hits = []
    while len(hits) < count:
        day = today - datetime.timedelta(days=rng.choices(offsets, weights)[0])
        start = _moment(day, rng.gauss(14 * 3600, 4 * 3600), zone)
        ip = f"198.51.{rng.randrange(100, 116)}.{rng.randrange(1, 255)}"
        agent = rng.choice(USER_AGENTS)
        ref = _pick(REFERRERS, rng)
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4, 6)), count - len(hits))):
            ts = min(start, now)
            hits.append(storage.Hit(ts, counting.day_of(ts, zone), site, _pick(PAGES, rng), ref,
                                    ip, agent))
            ref = f"https://{site}/"
            start += rng.uniform(20, 240)
    hits.sort(key=lambda hit: hit.ts)
    return hits


def _moment(day, seconds, zone):
    seconds = min(max(seconds, 0), 86399)
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=zone)
    return (midnight + datetime.timedelta(seconds=seconds)).timestamp()


def _pick(weighted, rng):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def seed(conn, config, hits=1000, days=90, site="example.com", seed=None, now=None,
         batch=5000):
    """Write demo hits through storage.record_hits; returns how many were counted."""
    now = time.time() if now is None else now
    rng = random.Random(seed)
    rules = storage.Rules.from_config(config)
    all_hits = demo_hits(hits, days, site, now, config.zone, rng)
    counted = 0
    for start in range(0, len(all_hits), batch):
        reasons = storage.record_hits(conn, all_hits[start:start + batch], rules)
        counted += reasons.count(None)
    # Salts made for past days end with the work that made them.
    storage.forget_days_before(conn, counting.day_of(now, config.zone))
    return counted


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.SETTINGS[0][2]})")
    parser.add_argument("--hits", type=int, default=1000, help="how many hits (default 1000)")
    parser.add_argument("--days", type=int, default=90,
                        help="spread over this many days up to today (default 90)")
    parser.add_argument("--seed", type=int, help="random seed, for the same demo data each run")
    parser.add_argument("--site", default="example.com", help="site name (default example.com)")
    args = parser.parse_args(argv)
    if args.hits < 0 or args.days < 1:
        parser.error("--hits must be 0 or more and --days at least 1")
    try:
        config = settings.load_config(db=args.db)
        conn = storage.connect(config.db)
    except (settings.ConfigError, storage.StorageError, OSError) as exc:
        parser.exit(1, f"seed_db: {exc}\n")
    counted = seed(conn, config, args.hits, args.days, args.site, args.seed)
    print(f"seeded {args.hits} hits over {args.days} days into {config.db} ({counted} counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
