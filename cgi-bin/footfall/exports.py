"""GET ?format=csv: a range's counts as CSV, streamed a day at a time.

``?format=csv`` answers one row per day and page with hits (from daily_page);
``?format=csv&list=<name>`` answers one of the GET answer's lists, whole (not only its top 50).
A list plugs in by name in LISTS: its header and a function giving its rows.
"""

import csv
import datetime

from .app import HTTPError, Raw
from .storage import totals

FORMATS = ("csv",)

SELECT_DAY_PAGES = """
    select page, sum(visitors), sum(pageviews)
      from daily_page
     where day = :day and (:site is null or site = :site) and (:page is null or page = :page)
     group by page
     order by page
"""

# Rows are sent in chunks of about this many bytes: few writes, and memory flat in the range.
CHUNK_BYTES = 32 * 1024

# Every row of a list, not the GET answer's top 50.
_ALL = 1 << 62

# name: (header, rows(conn, first, last, site) -> iterable of tuples)
LISTS = {
    "pages": (("page", "visitors", "pageviews"),
              lambda conn, first, last, site: (
                  (row["page"], row["visitors"], row["pageviews"])
                  for row in totals.top_pages(conn, first, last, site, _ALL))),
    "referrers": (("ref", "pageviews"),
                  lambda conn, first, last, site: (
                      (row["ref"], row["pageviews"])
                      for row in totals.top_referrers(conn, first, last, site, _ALL))),
}


def answer(conn, params, first, last, site, page):
    """The Raw answer to ?format=...: its rows are produced while the server sends them."""
    if params["format"] not in FORMATS:
        raise HTTPError(400, f"format must be one of: {', '.join(FORMATS)}")
    first, last = first.isoformat(), last.isoformat()
    name = params.get("list", "")
    if name:
        if name not in LISTS:
            raise HTTPError(400, f"list must be one of: {', '.join(sorted(LISTS))}")
        if page is not None:
            raise HTTPError(400, "a list is not filtered by page; leave out page")
        header, rows = LISTS[name]
        body = _csv_chunks(header, rows(conn, first, last, site))
        filename = f"footfall-{name}-{first}-{last}.csv"
    else:
        header = ("day", "page", "visitors", "pageviews")
        body = _csv_chunks(header, day_page_rows(conn, first, last, site, page))
        filename = f"footfall-{first}-{last}.csv"
    headers = [
        ("Content-Type", "text/csv; charset=utf-8"),
        ("Content-Disposition", f'attachment; filename="{filename}"'),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    return Raw(200, headers, body)


def day_page_rows(conn, first, last, site=None, page=None):
    """(day, page, visitors, pageviews) for each day and page with hits, a day at a time.

    One small query per day rather than one over the range: SQLite would sort a range-wide
    GROUP BY in a temporary table, and memory would then grow with the range.
    """
    day = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last)
    one_day = datetime.timedelta(days=1)
    while day <= end:
        text = day.isoformat()
        params = {"day": text, "site": site, "page": page}
        for name, visitors, pageviews in conn.execute(SELECT_DAY_PAGES, params):
            yield text, name, visitors, pageviews
        day += one_day


class _Buffer:
    """What csv.writer writes into: a list of strings, emptied after each chunk."""

    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, text):
        self.parts.append(text)
        self.size += len(text)

    def take(self):
        data = "".join(self.parts).encode("utf-8")
        self.parts, self.size = [], 0
        return data


def _csv_chunks(header, rows):
    buffer = _Buffer()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.size >= CHUNK_BYTES:
            yield buffer.take()
    yield buffer.take()


# A spreadsheet takes a cell starting with one of these for a formula (CSV injection, OWASP):
# a page named "/=HYPERLINK(...)" could not, but a referrer or a future list could.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell that cannot start a formula: prefixed with a single quote if it could."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
