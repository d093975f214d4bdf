#!/usr/bin/env python3
"""Write a realistic Apache/nginx combined access log, the same for the same --seed and --start.

    python3 scripts/make_access_log.py --days 30 --visits 300 --seed 1 > access.log
    python3 scripts/make_access_log.py --lines 1000000 --seed 1 -o big.log   # for bench.py

By default the log's last day is yesterday (UTC), so a report of last week finds it; --start
fixes its first day instead, for a log that is the same whatever the date.

People arrive from search engines, other sites or nowhere, read a few pages (each with its
stylesheet, script, images and favicon; a returning visitor's browser gets 304s), sometimes
follow a broken link (404), post a form (303) or a search (200), hit an old address (301), or
reload a page a dozen times in a minute (with --no-assets, a site whose assets come from a
CDN, the log holds no line of them). Crawlers (nine sessions in ten by a few big ones, the rest
by agents of the crawler-user-agents corpus in tests/corpora when it is there) fetch a few
pages, robots.txt and sitemaps per session, and probe for /wp-login.php. A few lines are garbage
(a TLS handshake sent to port 80). All times are UTC. No prefetches: the combined format does not
log the Sec-Purpose header (tests/test_import_log.py reads them from a format that does).
tests/test_goaccess.py counts this log with footfall and with GoAccess. Standard library only.
"""

import argparse
import datetime
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRAWLER_CORPUS = os.path.join(ROOT, "tests", "corpora", "node_modules", "crawler-user-agents",
                              "crawler-user-agents.json")

SITE = "example.com"
PAGES = (  # path, weight
    ("/", 30), ("/about", 6), ("/blog/", 12), ("/blog/hello-world", 8),
    ("/blog/sqlite-in-production", 14), ("/blog/cgi-is-not-dead", 7), ("/pricing", 6),
    ("/contact", 4), ("/docs/getting-started", 10), ("/docs/install", 7), ("/docs/faq", 5),
    ("/blog/tag/python", 3), ("/blog/2019/old-news", 2),
)
MISSING_PAGES = ("/blog/old-post", "/docs/v1/install", "/pricing.html", "/blog/hello-world/")
REFERRERS = (  # where a visit starts; '-' is typed in or a bookmark
    ("-", 40), ("https://www.google.com/", 25), ("https://duckduckgo.com/", 8),
    ("https://news.ycombinator.com/item?id=4242", 6), ("https://www.reddit.com/r/selfhosted/", 5),
    ("https://github.com/someone/project", 4), ("https://mastodon.social/@someone", 3),
)
CAMPAIGNS = ("?utm_campaign=spring&utm_source=newsletter", "?utm_source=twitter", "?ref=producthunt")
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
)
# The crawlers of most of a real log's bot lines: a few big ones, then the long tail.
BIG_CRAWLERS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
    "+https://openai.com/gptbot)",
    "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)",
    "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
)
ASSETS = ("/static/site.css?v=3", "/static/site.js", "/static/logo.svg", "/favicon.ico")
IMAGES = ("/images/hero.jpg", "/images/chart.png", "/images/photo.webp")
BOT_PATHS = ("/robots.txt", "/sitemap.xml", "/feed.xml") + tuple(path for path, _ in PAGES)
PROBES = ("/wp-login.php", "/.env", "/xmlrpc.php", "/admin/config.php")
VISIT_LENGTHS = (1, 1, 1, 2, 2, 3, 4, 6)
CRAWL_LENGTHS = (1, 2, 3, 5, 8)  # requests per crawler session
START = datetime.date(2026, 1, 1)  # of generate(), and of a log of --lines without --start

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def crawlers(path=CRAWLER_CORPUS):
    """Example User-Agents of real crawlers: the corpus's when it is there, else BIG_CRAWLERS."""
    try:
        with open(path, encoding="utf-8") as f:
            corpus = json.load(f)
    except OSError:
        return list(BIG_CRAWLERS)
    return sorted({agent for crawler in corpus for agent in crawler.get("instances", [])})


class Visitor:
    __slots__ = ("ip", "agent", "returning")

    def __init__(self, ip, agent):
        self.ip, self.agent, self.returning = ip, agent, False


def generate(out, seed=1, days=30, visits=300, start=START, lines=None, crawler_agents=None,
             assets=True):
    """Write the log to out (a text stream); returns how many lines were written.

    visits: visits of people a day (weekends fewer); lines: stop after this many lines;
    assets=False: the stylesheets, scripts, images and favicon come from another host (a CDN),
    so the log holds none of their lines and most of its lines are pages.
    """
    rng = random.Random(seed)
    bots = crawler_agents if crawler_agents is not None else crawlers()
    page_values, page_weights = zip(*PAGES)
    ref_values, ref_weights = zip(*REFERRERS)
    bot_addresses = {}  # agent -> its latest address
    regulars = []  # visitors who come back on later days, with the same address and browser
    written = 0
    day_number = 0
    while (lines is None and day_number < days) or (lines is not None and written < lines):
        day = start + datetime.timedelta(days=day_number)
        day_number += 1
        midnight = (day - datetime.date(1970, 1, 1)).days * 86400
        events = []  # (ts, order, line)
        count = int(visits * (0.6 if day.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.15))
        for _ in range(count):
            if regulars and rng.random() < 0.3:
                visitor = rng.choice(regulars)
                visitor.returning = True
            else:
                visitor = Visitor(_address(rng), rng.choice(BROWSERS))
                if rng.random() < 0.2:
                    regulars.append(visitor)
                    if len(regulars) > 2000:
                        del regulars[rng.randrange(len(regulars))]
            ts = midnight + min(max(rng.gauss(14 * 3600, 4 * 3600), 0), 86399)
            _visit(events, rng, visitor, ts, page_values, page_weights, ref_values, ref_weights,
                   assets)
        # Crawlers: a little more lines than people, as on most sites, a few paths per session.
        crawled = 0
        while crawled < visits * 1.5:
            agent = rng.choice(BIG_CRAWLERS) if rng.random() < 0.9 else rng.choice(bots)
            ip = bot_addresses.get(agent)
            if ip is None or rng.random() < 0.2:  # a crawler comes from a few addresses
                ip = bot_addresses[agent] = f"66.249.{rng.randrange(64, 96)}.{rng.randrange(1, 255)}"
            ts = midnight + rng.uniform(0, 86000)
            method = "HEAD" if "UptimeRobot" in agent else "GET"
            for _ in range(rng.choice(CRAWL_LENGTHS)):
                path = rng.choice(PROBES) if rng.random() < 0.05 else rng.choice(BOT_PATHS)
                status = 404 if path in PROBES else 200
                events.append((ts, len(events), _line(ip, ts, method, path, status, "-", agent, rng)))
                ts += rng.uniform(1, 30)
                crawled += 1
        for _ in range(2):  # garbage: a TLS handshake sent to the plain HTTP port
            ts = midnight + rng.uniform(0, 86399)
            events.append((ts, len(events), f'{_address(rng)} - - [{_when(ts)}] '
                           '"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03" 400 226 "-" "-"'))
        events.sort()
        for _, _, line in events:
            if lines is not None and written >= lines:
                break
            out.write(line)
            out.write("\n")
            written += 1
    return written


def _visit(events, rng, visitor, ts, page_values, page_weights, ref_values, ref_weights,
           assets=True):
    ref = rng.choices(ref_values, ref_weights)[0]
    ip, agent = visitor.ip, visitor.agent
    length = rng.choice(VISIT_LENGTHS)
    for number, page in enumerate(rng.choices(page_values, page_weights, k=length)):
        target = page + (rng.choice(CAMPAIGNS) if number == 0 and rng.random() < 0.05 else "")
        if rng.random() < 0.02:  # a broken link, from the site's own page or from elsewhere
            missing = rng.choice(MISSING_PAGES)
            events.append((ts, len(events), _line(ip, ts, "GET", missing, 404, ref, agent, rng)))
            ts += rng.uniform(2, 10)
        if page == "/blog/2019/old-news" and rng.random() < 0.5:  # moved: a redirect first
            events.append((ts, len(events),
                           _line(ip, ts, "GET", "/2019/old-news", 301, ref, agent, rng)))
            ts += 0.2
        events.append((ts, len(events), _line(ip, ts, "GET", target, 200, ref, agent, rng)))
        asset_status = 304 if visitor.returning or number else 200
        for asset in (ASSETS + tuple(rng.sample(IMAGES, rng.randrange(0, 3))) if assets else ()):
            ts += rng.uniform(0.05, 0.4)
            events.append((ts, len(events), _line(ip, ts, "GET", asset, asset_status,
                                                  f"https://{SITE}{page}", agent, rng)))
        if page == "/contact" and rng.random() < 0.3:  # the form sent: POST, then 303 to /thanks
            ts += rng.uniform(20, 90)
            events.append((ts, len(events), _line(ip, ts, "POST", "/contact", 303,
                                                  f"https://{SITE}/contact", agent, rng)))
        if rng.random() < 0.0005:  # a reload storm: a dozen views of one page in a minute
            for _ in range(12):
                ts += rng.uniform(1, 4)
                events.append((ts, len(events), _line(ip, ts, "GET", page, 200,
                                                      f"https://{SITE}{page}", agent, rng)))
        if rng.random() < 0.001:  # a search form that answers its POST with the results
            ts += rng.uniform(5, 30)
            events.append((ts, len(events), _line(ip, ts, "POST", "/search", 200,
                                                  f"https://{SITE}{page}", agent, rng)))
        ref = f"https://{SITE}{page}"
        ts += rng.uniform(15, 240)


def _address(rng):
    if rng.random() < 0.15:
        return f"2001:db8:{rng.randrange(65536):x}:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}"
    first = rng.choice((198, 203, 192))
    return f"{first}.{rng.randrange(0, 256)}.{rng.randrange(0, 256)}.{rng.randrange(1, 255)}"


def _when(ts):
    moment = datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc)
    return (f"{moment.day:02d}/{MONTHS[moment.month - 1]}/{moment.year}:"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000")


def _line(ip, ts, method, target, status, ref, agent, rng):
    size = 0 if status in (301, 303, 304) else rng.randrange(300, 40000)
    agent = agent.replace("\\", "\\\\").replace('"', '\\"')
    return f'{ip} - - [{_when(ts)}] "{method} {target} HTTP/1.1" {status} {size} "{ref}" "{agent}"'


def _day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day as YYYY-MM-DD") from None


def default_start(days, lines, today):
    """The first day: --days days before today, so the log ends yesterday; a log of --lines has
    no known number of days, so it starts on START."""
    return START if lines is not None else today - datetime.timedelta(days=days)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--days", type=int, default=30, help="days of log (default 30)")
    parser.add_argument("--visits", type=int, default=300,
                        help="visits of people per weekday (default 300)")
    parser.add_argument("--lines", type=int, help="stop after this many lines (more days if need be)")
    parser.add_argument("--start", type=_day, metavar="YYYY-MM-DD",
                        help="the log's first day (default: --days days before today, so the "
                             f"log ends yesterday; with --lines, {START})")
    parser.add_argument("--no-assets", dest="assets", action="store_false",
                        help="stylesheets, scripts and images served from another host (a CDN): "
                             "none of their lines, so most lines are pages")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    start = args.start or default_start(args.days, args.lines, today)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            generate(out, args.seed, args.days, args.visits, start, lines=args.lines,
                     assets=args.assets)
    else:
        generate(sys.stdout, args.seed, args.days, args.visits, start, lines=args.lines,
                 assets=args.assets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
