"""GET ?format=csv: a range's counts as CSV, streamed a day at a time, under its filters.

``?format=csv`` answers one row per day and page with hits: from daily_page, or under a filter
from the day summaries (storage/breakdown_reader.py) or the event sums (storage/events.py);
``?format=csv&list=<name>`` answers one of the GET answer's lists, whole (not only its top 50),
with the same columns and numbers as the JSON.
"""

import csv
import datetime

from . import dimensions
from .responses import HTTPError, Raw
from .storage import breakdown_reader, events, totals

FORMATS = ("csv",)

# Rows are sent in chunks of about this many bytes: few writes, and memory flat in the range.
CHUNK_BYTES = 32 * 1024

# Every entry of a list, not the GET answer's top 50.
_ALL = 1 << 62

# A list of the GET answer: its CSV columns, the keys of its JSON entries.
LISTS = {d.list: d.csv_columns for d in dimensions.DIMENSIONS}


def answer(answer_of, conn, asked, params):
    """The Raw answer to ?format=... of a ReadQuery (query.py): its rows are produced while the
    server sends them. answer_of(conn, asked) is the GET's JSON answer (app.py's)."""
    first, last = asked.first, asked.last
    if params["format"] not in FORMATS:
        raise HTTPError(400, f"format must be one of: {', '.join(FORMATS)}")
    name = params.get("list", "")
    if name:
        if name not in LISTS:
            raise HTTPError(400, f"list must be one of: {', '.join(LISTS)}")
        # The list as the JSON answer has it, every entry: the same numbers by construction.
        entries = answer_of(conn, asked.with_limit(_ALL))[name]
        header = LISTS[name]
        body = _csv_chunks(header, ([entry.get(column) for column in header]
                                    for entry in entries))
        filename = f"footfall-{name}-{first}-{last}.csv"
    else:
        header = ("day", "page", "visitors", "pageviews")
        if len(asked.filters) > 1 and "event" in asked.filters:
            from . import combined_events

            rows = combined_events.day_page_rows(conn, asked)
        elif len(asked.filters) > 1:
            from . import combined

            rows = combined.day_page_rows(conn, asked)
        else:
            filter_name, filter_value = asked.filter
            rows = day_page_rows(conn, first, last, asked.site, asked.page, filter_name,
                                 filter_value, asked.today)
        body = _csv_chunks(header, rows)
        filename = f"footfall-{first}-{last}.csv"
    headers = [
        ("Content-Type", "text/csv; charset=utf-8"),
        ("Content-Disposition", f'attachment; filename="{filename}"'),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    return Raw(200, headers, body)


def day_page_rows(conn, first, last, site=None, page=None, filter_name="", filter_value="",
                  today=None):
    """(day, page, visitors, pageviews) for each day and page with hits, a day at a time; under
    a filter other than page, the hits that match it (for an event: where it was sent, with
    its visitors and count).

    One small query per day rather than one over the range: SQLite would sort a range-wide
    GROUP BY in a temporary table, and memory would then grow with the range.
    """
    start = datetime.date.fromisoformat(first)
    # Days counted from the first, never one past the last: after 9999-12-31 there is no date.
    for offset in range((datetime.date.fromisoformat(last) - start).days + 1):
        text = (start + datetime.timedelta(days=offset)).isoformat()
        if filter_name in ("", "page"):
            for name, visitors, pageviews in totals.day_pages(conn, text, site, page):
                yield text, name, visitors, pageviews
        else:
            if filter_name == "event":
                pages = events.read_event(conn, text, text, today, site, filter_value, "page")
            else:
                reader = breakdown_reader.Reader(conn, text, text, site, filter_name, filter_value,
                                           today, None)
                pages = reader.per_day("page").get(text, {})
            for name in sorted(pages):
                yield text, name, pages[name][0], pages[name][1]


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
