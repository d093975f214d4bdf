"""GET ?format=csv: the range's days and pages as CSV, streamed, its sums equal to the JSON."""

import csv
import datetime
import io
import wsgiref.util

import pytest
from footfall import exports, settings
from footfall.app import Application
from footfall.storage import database, record
from footfall_testing import NOON, call_app, post_form

DAY = 86400


@pytest.fixture
def visited(config, clock):
    """Three days of hits from a few visitors over a few pages, counted by the real rules."""
    application = Application(config, clock)
    visits = [  # (days before NOON, visitor, page, referrer)
        (2, 1, "/", "https://news.ycombinator.com/item"), (2, 1, "/about", ""),
        (2, 2, "/", ""), (1, 1, "/", ""), (1, 3, "/blog/", "https://duckduckgo.com/"),
        (1, 3, "/", ""), (1, 3, "/", ""), (0, 4, "/about", ""), (0, 2, "/", ""),
    ]
    for days_ago, visitor, page, ref in visits:
        clock.now = NOON - days_ago * DAY
        call_app(application, "POST", body=post_form({"page": page, "ref": ref,
                                                      "site": "example.com"}),
                 environ={"REMOTE_ADDR": f"192.0.2.{visitor}"})
    clock.now = NOON
    return lambda **kwargs: call_app(application, **kwargs)


def rows_of(response):
    return list(csv.reader(io.StringIO(response.body.decode("utf-8"))))


def test_csv_has_one_row_per_day_and_page_with_hits(visited):
    response = visited(query="format=csv&from=2026-11-25&to=2026-11-28")
    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == \
        'attachment; filename="footfall-2026-11-25-2026-11-28.csv"'
    assert rows_of(response) == [
        ["day", "page", "visitors", "pageviews"],
        ["2026-11-26", "/", "2", "2"],
        ["2026-11-26", "/about", "1", "1"],
        ["2026-11-27", "/", "2", "3"],
        ["2026-11-27", "/blog/", "1", "1"],
        ["2026-11-28", "/", "1", "1"],
        ["2026-11-28", "/about", "1", "1"],
    ]


@pytest.mark.parametrize("query", [
    "from=2026-11-20&to=2026-11-28", "from=2026-11-27&to=2026-11-27",
    "from=2026-11-20&site=example.com", "from=2026-11-20&page=/about",
], ids=["range", "one-day", "site", "page"])
def test_csv_sums_equal_the_json_answer(visited, query):
    answer = visited(query=query).json()
    rows = rows_of(visited(query=query + "&format=csv"))[1:]
    assert sum(int(r[3]) for r in rows) == answer["totals"]["pageviews"]
    if "page=" in query:
        assert sum(int(r[2]) for r in rows) == answer["totals"]["visitors"]
    else:
        # A page's visitors are its own: the CSV sums per page are the JSON's pages list.
        per_page = {}
        for _day, page, visitors, pageviews in rows:
            sums = per_page.setdefault(page, [0, 0])
            sums[0] += int(visitors)
            sums[1] += int(pageviews)
        assert {p["page"]: [p["visitors"], p["pageviews"]] for p in answer["pages"]} == per_page


def test_csv_list_of_pages_and_referrers(visited):
    pages = visited(query="format=csv&list=pages&from=2026-11-26")
    assert pages.headers["content-disposition"] == \
        'attachment; filename="footfall-pages-2026-11-26-2026-11-28.csv"'
    assert rows_of(pages) == [["page", "visitors", "pageviews"], ["/", "5", "6"],
                              ["/about", "2", "2"], ["/blog/", "1", "1"]]
    refs = visited(query="format=csv&list=referrers&from=2026-11-26")
    assert rows_of(refs) == [["ref", "pageviews"], ["duckduckgo.com", "1"],
                             ["news.ycombinator.com", "1"]]


@pytest.mark.parametrize("query, message", [
    ("format=xml", "format must be one of: csv"),
    ("format=csv&list=browsers", "list must be one of: pages, referrers"),
    ("format=csv&list=pages&page=/", "a list is not filtered by page; leave out page"),
    ("format=csv&from=2026-11-29&to=2026-11-28", "from is after to"),
], ids=["unknown-format", "unknown-list", "list-with-page", "reversed-range"])
def test_bad_export_is_a_400_with_the_json_error(visited, query, message):
    response = visited(query=query)
    assert response.status == 400
    assert response.json() == {"error": message}


def test_csv_needs_the_read_key_when_one_is_set(db_path, clock):
    application = Application(settings.Config(db=db_path, read_key="s3cret"), clock)
    assert call_app(application, query="format=csv").status == 401
    allowed = call_app(application, query="format=csv", headers={"X-Footfall-Key": "s3cret"})
    assert allowed.status == 200


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("/a=b", "/a=b"), ("news.example", "news.example"),
    (12, 12),
], ids=["equals", "plus", "minus", "at", "tab", "inside-is-fine", "plain", "number"])
def test_cells_that_could_start_a_formula_are_quoted(value, cell):
    assert exports.safe_cell(value) == cell


def test_hostile_referrer_in_the_database_is_exported_as_text(db_path, config, clock):
    conn = database.connect(db_path)
    database.in_transaction(conn, lambda c: (
        record.add_site_day(c, "2026-11-28", "example.com", 1, 1),
        record.add_referral(c, "2026-11-28", "example.com", "=cmd|' /C calc'!A0", 1)))
    response = call_app(Application(config, clock), query="format=csv&list=referrers")
    assert rows_of(response)[1] == ["'=cmd|' /C calc'!A0", "1"]


def test_csv_is_streamed_in_chunks_over_a_long_range(db_path, config, clock):
    conn = database.connect(db_path)

    def fill(c):  # ten years of two pages a day: far more than one chunk of CSV
        for n in range(3650):
            day = (datetime.date(2017, 1, 1) + datetime.timedelta(days=n)).isoformat()
            for page in ("/a", "/b"):
                record.add_page_day(c, day, "example.com", page, 1, 1)

    database.in_transaction(conn, fill)
    application = Application(config, clock)
    environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": "format=csv&from=2017-01-01&to=2026-11-28"}
    wsgiref.util.setup_testing_defaults(environ)
    body = application(environ, lambda status, headers: None)
    chunks = list(body)
    assert not isinstance(body, list)  # a generator: rows are made while they are sent
    assert len(chunks) > 3
    assert all(len(chunk) < 2 * exports.CHUNK_BYTES for chunk in chunks)
