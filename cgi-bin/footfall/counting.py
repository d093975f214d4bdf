"""Counting rules: what a page is, what a referral is, who is a bot, who a visitor is, which day,
and the flood and distinct-visitor rules of a view.

Each rule has this one home. The storage modules supply what a rule reads (the day's views, from
the database for a live hit or from memory for a bulk day) and write down what it decides.
"""

import datetime
import functools

from .settings import Zone

try:
    # What hashlib.blake2b is, without hashlib loading OpenSSL: 2 ms of every CGI hit.
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b


class InvalidInput(ValueError):
    """A field of a request cannot be used; the message says which and why."""


# ---------------------------------------------------------------------------------------------
# Pages, referrers, sites
# ---------------------------------------------------------------------------------------------

def normalize_page(raw, max_length):
    """Reduce a page field to a path: '/a?x=1#y' and 'https://host/a' both count as '/a'.

    The query and fragment go first, so a URL inside them ('/login?next=https://x.com/b') is
    never taken for the page.
    """
    page = raw.strip().split("#", 1)[0].split("?", 1)[0]
    if not page.strip():
        raise InvalidInput("page is empty")
    if page.startswith("//"):
        page = _path_of_authority_and_path(page[2:])
    else:
        scheme, sep, rest = page.partition("://")
        if sep and scheme.isalpha() and rest:
            page = _path_of_authority_and_path(rest)
    if not page.startswith("/"):
        page = "/" + page
    if len(page) > max_length:
        raise InvalidInput(f"page is longer than {max_length} characters")
    if _has_control_characters(page):
        raise InvalidInput("page contains control characters")
    return page


def _path_of_authority_and_path(rest):
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"


def normalize_ref(raw, max_length=512):
    """Keep scheme, host and path of a referrer; drop its query, which may hold personal data,
    and any user:password@ before the host."""
    ref = raw.strip()
    if "://" not in ref[:16] or _has_control_characters(ref):
        return ""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    scheme, _, rest = ref.partition("://")
    authority, slash, path = rest.partition("/")
    ref = scheme + "://" + authority.rpartition("@")[2] + slash + path
    return ref[:max_length]


def host_of(url):
    """The lower-case host name of an absolute URL, '' when there is none."""
    if "://" not in url[:16]:
        return ""
    authority = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    if authority.startswith("["):  # IPv6 literal
        return authority.split("]", 1)[0].lower() + "]"
    return authority.split(":", 1)[0].lower().rstrip(".")


_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-_[]:")


def normalize_site(raw):
    """A site is a host name, lower case, without port, trailing dot or leading 'www.'.

    'www.example.com' and 'example.com' are one site everywhere: visitor hash, rollups and the
    referral rule all see the same name.
    """
    site = raw.strip().lower()
    if site.startswith("["):  # an IPv6 literal: [::1] or [::1]:8080
        site = site.split("]", 1)[0] + "]"
    elif site.count(":") == 1:
        site = site.split(":", 1)[0]
    site = site.rstrip(".")
    if site.startswith("www.") and len(site) > 4:
        site = site[4:]
    if len(site) > 253 or not set(site) <= _HOST_CHARACTERS:
        raise InvalidInput("site is not a host name")
    return site


@functools.lru_cache(maxsize=4096)
def referrer_host(ref, site):
    """The host a pageview was referred from, or '' when none or the site itself.

    Navigation inside a site is not a referral; 'www.' is the same site as its bare name.
    Cached: a site's views mostly come from its own pages and a few others (bulk counting asks
    once per view).
    """
    host = host_of(ref)
    if host and _without_www(host) == _without_www(site):
        return ""
    return host


def referral(source, ref, site):
    """What the referrers list counts a hit or an event under: the campaign's source if the
    page's query named one, else the referring host if it is another site, else ''.

    The one referral rule: live hits, events, imported log lines and seeded visits all ask it.
    """
    return source or referrer_host(ref, site)


def _without_www(host):
    return host[4:] if host.startswith("www.") else host


def site_allowed(site, allowed):
    """True when site is one of the allowed hosts or a subdomain of one; any site if none are set.

    With a list, a site that names no host (one that normalised to '') is not allowed.
    """
    if not allowed:
        return True
    site = _without_www(site.rstrip("."))
    if not site:
        return False
    return any(site == host or site.endswith("." + host) for host in allowed)


def _has_control_characters(text):
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


# ---------------------------------------------------------------------------------------------
# Bots and prefetches
# ---------------------------------------------------------------------------------------------

# Every browser that can run footfall.js sends a User-Agent that begins "Mozilla/" (all of them
# since about 2010) or "Opera/" (Opera before it moved to Chromium in 2013). Anything else is a
# program that names itself: an HTTP library, a crawler, a feed reader, a chat app's link preview.
_BROWSER_PREFIXES = ("mozilla/", "opera/")

# Browsers name their engine and version and nothing else; a crawler adds a web address so that a
# site's owner can find who runs it.
_ADDRESS_MARKS = ("http", "www.", ".com", ".net", ".org")

# Internet Explorer and Firefox on Windows listed the versions of Microsoft's .NET installed
# (".NET CLR 2.0.50727", ".NET4.0C"): a product's name, not a .net address.
_DOTNET_VERSIONS = (".net clr", ".net4")

# Browsers that say "compatible" as Internet Explorer did: Konqueror, and small ones on other
# systems (IBrowse and AWeb on the Amiga, NetPositive on BeOS, WebPositive on Haiku, ABrowse on
# Syllable). Every other browser-shaped "compatible;" is a crawler's:
# "Mozilla/5.0 (compatible; Googlebot/2.1; ...)".
_COMPATIBLE_BROWSERS = ("msie", "konqueror", "ibrowse", "amiga-aweb", "netpositive",
                        "webpositive", "abrowse")

# Lower-case fragments of browser-shaped User-Agents that are not a person reading a page: a
# program that borrows a browser's User-Agent and adds its own name.
BOT_USER_AGENT_FRAGMENTS = (
    # Crawlers, indexers and archivers, by the words they call themselves
    "bot", "crawl", "spider", "slurp", "scrap", "fetch", "index", "archive", "feed", "rss",
    "google-", "-google", "google favicon", "datanyze",
    # Google's tools for a site's owner: "(KHTML, like Gecko; Google Search Console)"
    "page speed", "search console",
    # Link previews that unfurl a URL in a chat or a post, proxies that rewrite a page for
    # someone else's screen, and mail services fetching a message's images
    "preview", "transcoder", "weblight", "mailproxy",
    # Uptime monitors, synthetic checks, speed, SEO and security audits
    "monitor", "uptime", "pingdom", "synthetics", "appinsights", "lighthouse", "gtmetrix",
    "ptst/", "dareboost", "silktide", "hardenize", "securityheaders", "inspector", "validator",
    "check", "audit", "scan", "nikto", "openvas", "zgrab",
    "gomez", "catchpoint", "dejaclick", "dmbrowser", "site24x7", "statuscake", "rigor)",
    "cloudflare", "collapsify",
    # Automated, headless and scripted browsers, test runners, and agents browsing for someone:
    # "ThousandEyes Agent)", "Nitro-Optimizer-Agent", "Manus-User/1.0", "Devin/1.0"
    "headless", "phantomjs", "selenium", "playwright", "puppeteer", "hotjar", "java",
    "splash version/", "cypress/", "agent)", "-agent", "-user/", "devin/",
    # An AI code editor: its agent fetches and browses pages with the editor's own User-Agent
    "cursor/",
)


def skip_reason(user_agent, purpose=""):
    """Why a request must not be counted ('bot' or 'prefetch'), or None to count it. purpose:
    the request's Sec-Purpose, Purpose, X-Moz and X-Purpose headers, comma-separated as HTTP
    joins a header's values (request.Request.purpose)."""
    if is_bot(user_agent):
        return "bot"
    if is_prefetch(purpose):
        return "prefetch"
    return None


def is_prefetch(purpose):
    """True when a purpose header (Sec-Purpose, Purpose, X-Moz, X-Purpose) says the browser
    fetched the page ahead of a visit or for a preview, not for someone reading it."""
    purpose = purpose.lower()
    return "prefetch" in purpose or "preview" in purpose


def is_bot(user_agent):
    """True when a User-Agent is not a person's browser; an empty one is a bot too."""
    agent = user_agent.strip().lower()
    if not agent.startswith(_BROWSER_PREFIXES):
        return True
    if "compatible" in agent and not any(browser in agent for browser in _COMPATIBLE_BROWSERS):
        return True
    if ".net" in agent:
        for version in _DOTNET_VERSIONS:
            agent = agent.replace(version, "")
    for mark in _ADDRESS_MARKS:
        if mark in agent:
            return True
    if "cubot" in agent:  # a maker of Android phones, not a robot
        agent = agent.replace("cubot", "")
    for fragment in BOT_USER_AGENT_FRAGMENTS:
        if fragment in agent:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Visitors and days
# ---------------------------------------------------------------------------------------------

def judge_view(views, visitor, page, ts, rules):
    """The flood and distinct-visitor rules for one pageview, for a live hit and a bulk day alike.

    views answers, for the visitor's day so far: how many pageviews were counted, whether one was
    of this page, and how many views of this page came later than a time (views carried over
    from the last moments of the day before included, so the window slides across midnight);
    and it records a counted view. Returns None for a flood: rules.flood_limit views of the page
    within rules.flood_window_seconds, or rules.daily_limit pageviews in the day. Else
    (new_visitor, new_page_visitor), each 1 for the visitor's first view of the day or of the
    page, 0 otherwise.
    """
    day_views, seen_page, recent_views = views.history(visitor, page, ts - rules.flood_window_seconds)
    if is_flood(day_views, recent_views, rules):
        return None
    views.add(visitor, page, ts)
    return (0 if day_views else 1), (0 if seen_page else 1)


class DayCounts:
    """What counted views add to their day's rollups, by one definition for a live hit (a day of
    one view, storage/record.py), a bulk day (storage/bulk.py) and an imported one
    (storage/judge.py): a pageview to the site's day, its hour and the page's day, with a visitor
    where judge_view says the view is the visitor's first of the day (site, hour) or of the
    page (page); a pageview to the referrer's day. storage/bulk.add_counts writes them."""

    __slots__ = ("sites", "hours", "pages", "refs")

    def __init__(self):
        # {site: [visitors, pageviews]}, {(site, hour): [...]}, {(page, site): [...]},
        # {(site, referrer host): pageviews}
        self.sites, self.hours, self.pages, self.refs = {}, {}, {}, {}

    def add(self, site, hour, page, referral, new_visitor, new_page):
        counts = self.sites.get(site)
        if counts is None:
            counts = self.sites[site] = [0, 0]
        counts[0] += new_visitor
        counts[1] += 1
        counts = self.hours.get((site, hour))
        if counts is None:
            counts = self.hours[site, hour] = [0, 0]
        counts[0] += new_visitor
        counts[1] += 1
        counts = self.pages.get((page, site))
        if counts is None:
            counts = self.pages[page, site] = [0, 0]
        counts[0] += new_page
        counts[1] += 1
        if referral:
            self.refs[site, referral] = self.refs.get((site, referral), 0) + 1


def is_flood(day_count, recent_count, rules):
    """The flood rule, for a pageview and an event alike: True when the visitor already has
    rules.daily_limit of them in the day, or rules.flood_limit of this page (or this event)
    within rules.flood_window_seconds before this one."""
    return recent_count >= rules.flood_limit or day_count >= rules.daily_limit


def visitor_id(salt, ip, user_agent, site):
    """A visitor for one day: a keyed hash that cannot be tied to the IP once the salt is deleted."""
    message = "\n".join((ip, user_agent, site)).encode("utf-8", "surrogatepass")
    return blake2b(message, key=salt, digest_size=16).digest()


def day_of(timestamp, zone=None):
    """The calendar day (YYYY-MM-DD) of a Unix time in a zone; None means the server's zone."""
    if zone is None:
        moment = datetime.datetime.fromtimestamp(timestamp)
    else:
        moment = datetime.datetime.fromtimestamp(timestamp, _at(zone, timestamp))
    return moment.date().isoformat()


def _at(zone, timestamp):
    # A configured zone (settings.Zone) places a moment of the day it knows by a fixed offset,
    # without reading its rules; any other tzinfo is itself.
    return zone.at(timestamp) if type(zone) is Zone else zone


def hour_of(timestamp, zone=None):
    """The hour (0-23) of a Unix time on the clock of a zone; None means the server's zone."""
    if zone is None:
        return datetime.datetime.fromtimestamp(timestamp).hour
    return datetime.datetime.fromtimestamp(timestamp, _at(zone, timestamp)).hour


def next_day(day):
    """The day after a YYYY-MM-DD day, as YYYY-MM-DD."""
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()


def day_before(day):
    """The day before a YYYY-MM-DD day, as YYYY-MM-DD."""
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()


def day_start(day, zone=None):
    """The Unix time at which a YYYY-MM-DD day begins in a zone; None means the server's zone."""
    date = datetime.date.fromisoformat(day)
    if zone is None:
        import time  # only the last moments of a day get here

        return time.mktime((date.year, date.month, date.day, 0, 0, 0, 0, 0, -1))
    if type(zone) is Zone:
        zone = zone.on(day)
    return datetime.datetime(date.year, date.month, date.day, tzinfo=zone).timestamp()


def learn_day(zone, timestamp):
    """Make a configured zone (settings.Zone) know the day of timestamp, read from the zone's
    rules, if the clocks do not change that day: then it has one UTC offset throughout, and the
    zone places any moment of it by that offset. Returns what Zone.knows_day took, for the next
    process to be told (storage/meta.py), or None."""
    rules = zone.rules
    day = day_of(timestamp, rules)
    first = day_start(day, rules)
    # 24 hours from midnight to midnight: the clocks do not change (as bulk.py's steady day).
    if day_start(next_day(day), rules) - first != 86400:
        return None
    offset = datetime.datetime.fromtimestamp(first, rules).utcoffset()
    learned = (day, int(first), int(offset.total_seconds()))
    zone.knows_day(*learned)
    return learned


_EPOCH = datetime.date(1970, 1, 1)


def day_ms(day):
    """Date.UTC(year, month - 1, day) of a calendar day: what a flot time axis in UTC labels as it."""
    return (day - _EPOCH).days * 86_400_000


def day_of_ms(ms):
    """The YYYY-MM-DD day of a day_ms() value."""
    return (_EPOCH + datetime.timedelta(days=ms // 86_400_000)).isoformat()


def parse_day(text, name):
    """A YYYY-MM-DD parameter as a date, or InvalidInput naming the parameter."""
    try:
        if len(text) != 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a date as YYYY-MM-DD") from None
