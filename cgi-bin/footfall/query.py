"""What a GET of the stats asks for, read and checked once: ReadQuery (the range, today and now,
the site, the filters, how many entries a list holds). Everything that answers a GET (app.py,
insights.py, events.py, exports.py) takes one.
"""

import datetime
import os

from . import counting, dimensions, events
from .storage import totals

# The longest range a GET answers, counted inclusively: ten years and change.
MAX_RANGE_DAYS = 3660
MAX_FILTER_LENGTH = 200
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class ReadQuery:
    """A GET's question. first, last and today: YYYY-MM-DD (first <= last); now: the Unix time
    of the request; site: a host name, or None for every site; filters: {name: value} of the
    filters given (page, a referrer, a campaign, a trait, an event: any number, one value
    each); limit: entries per list."""

    __slots__ = ("first", "last", "today", "now", "site", "filters", "limit")

    def __init__(self, first, last, today, now, site=None, filters=None, limit=DEFAULT_LIMIT):
        self.first, self.last, self.today, self.now = first, last, today, now
        self.site, self.filters, self.limit = site, dict(filters or {}), limit

    @property
    def page(self):
        """The page filter's path, or None."""
        return self.filters.get("page")

    @property
    def filter(self):
        """(name, value) of the one filter, ('', '') for none: what the day summaries are keyed
        by. Not for two filters or more (combined.py and combined_events.py answer those)."""
        for name, value in self.filters.items():
            return name, value
        return "", ""

    def with_limit(self, limit):
        """The same question with another limit."""
        return ReadQuery(self.first, self.last, self.today, self.now, self.site, self.filters,
                         limit)


def read_query(params, config, now, connection):
    """The ReadQuery of a GET's parameters, or InvalidInput saying what is wrong with them.
    connection() gives the database, read when from is not given."""
    page = None
    if params.get("page", "").strip():
        page = counting.normalize_page(params["page"], config.max_page_length)
    site = counting.normalize_site(params["site"]) if params.get("site", "").strip() else None
    filters = read_filter(params, page)
    limit = read_limit(params)
    today = counting.parse_day(counting.day_of(now, config.zone), "today")
    first, last = read_range(params, site, page, today, connection)
    return ReadQuery(first.isoformat(), last.isoformat(), today.isoformat(), now, site, filters,
                     limit)


def read_range(params, site, page, today, connection):
    """The first and last day a GET asks for, checked: (date, date), or InvalidInput.
    connection() gives the database, read when from is not given."""
    last = counting.parse_day(params["to"], "to") if params.get("to") else today
    if params.get("from"):
        first = counting.parse_day(params["from"], "from")
    else:
        stored = totals.first_day(connection(), site, page)
        first = counting.parse_day(stored, "first day") if stored else last
        # With more history than one answer may hold, default to its last MAX_RANGE_DAYS
        # (or as many as the calendar has before `to`).
        earliest = last - datetime.timedelta(
            days=min(MAX_RANGE_DAYS - 1, (last - datetime.date.min).days))
        first = min(max(first, earliest), last)
    if first > last:
        raise counting.InvalidInput("from is after to")
    span = (last - first).days + 1
    if span > MAX_RANGE_DAYS:
        raise counting.InvalidInput(f"range is {span} days; at most {MAX_RANGE_DAYS} are allowed")
    return first, last


def read_filter(params, page):
    """The filters of a GET: {name: value}, in dimensions.FILTERS' order, {} for none. page is
    the page parameter, already reduced to a path. InvalidInput for an unusable value."""
    given = [name for name in dimensions.FILTERS if params.get(name, "").strip()]
    return {name: _filter_value(params, name, page) for name in given}


def _filter_value(params, name, page):
    if name == "page":
        return page
    if name == "event":
        return events.read_name(params["event"])
    value = params[name].strip()
    if len(value) > MAX_FILTER_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise counting.InvalidInput(f"{name} is not a value footfall lists")
    if dimensions.BY_NAME[name].upper:
        value = value.upper()
    return value


def read_limit(params):
    """The limit parameter: how many entries each list holds (1 to MAX_LIMIT, default 50)."""
    text = params.get("limit", "").strip()
    if not text:
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise counting.InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def zone_name(zone, timestamp):
    """The name of the zone a GET's days are in (counting.day_of decides them): the configured
    IANA key, else the server's local zone by its IANA name where the system says it, else by
    its abbreviation ("CET")."""
    if zone is not None:
        return zone.key
    return _local_zone_key() or datetime.datetime.fromtimestamp(timestamp).astimezone().tzname()


def _local_zone_key():
    """The IANA name of the local zone: TZ if it is one, else where /etc/localtime links to.

    A name names a zone when its file is in the C library's zone directory (TZDIR, else
    /usr/share/zoneinfo): the C library keeps the server's local time, and reads it there. A
    POSIX rule such as "IST-5:30", or a path, names none. zoneinfo is not asked: importing it
    would cost a CGI GET 2 ms (with sysconfig and weakref)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            name = os.readlink("/etc/localtime").partition("zoneinfo/")[2]
        except OSError:
            return ""
    if not name or name.startswith("/") or ".." in name.split("/"):
        return ""
    try:
        with open(os.path.join(os.environ.get("TZDIR") or "/usr/share/zoneinfo", name), "rb") as f:
            return name if f.read(4) == b"TZif" else ""
    except OSError:
        return ""
