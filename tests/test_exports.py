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

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

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
    # Entries and bounces: 26th, visitor 1 enters on / then reads /about, visitor 2 bounces on
    # /; 27th, 1 bounces on /, 3 enters on /blog/; 28th, 4 bounces on /about, 2 on /.
    assert rows_of(pages) == [["page", "visitors", "pageviews", "entries", "bounces", "seconds"],
                              ["/", "5", "6", "4", "3", ""], ["/about", "2", "2", "1", "1", ""],
                              ["/blog/", "1", "1", "1", "0", ""]]
    refs = visited(query="format=csv&list=referrers&from=2026-11-26")
    assert rows_of(refs) == [["ref", "visitors", "pageviews"], ["duckduckgo.com", "1", "1"],
                             ["news.ycombinator.com", "1", "1"]]


@pytest.mark.parametrize("query, message", [
    ("format=xml", "format must be one of: csv"),
    ("format=csv&list=visitors", "list must be one of: pages, referrers, browsers, systems, "
                                 "devices, countries, languages, campaigns, events"),
    ("format=csv&from=2026-11-29&to=2026-11-28", "from is after to"),
], ids=["unknown-format", "unknown-list", "reversed-range"])
def test_bad_export_is_a_400_with_the_json_error(visited, query, message):
    response = visited(query=query)
    assert response.status == 400
    assert response.json() == {"error": message}


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")


@pytest.fixture
def browsed(config, clock):
    """Three days (the last today) of Firefox and Chrome visitors from two countries, some of
    whom sign up: ended days read from their summaries, today from its views."""
    application = Application(config, clock)
    visits = [  # (days before NOON, visitor, agent, zone, page, event)
        (2, 1, FIREFOX, "Europe/Berlin", "/", ""), (2, 1, FIREFOX, "Europe/Berlin", "/buy", ""),
        (2, 1, FIREFOX, "Europe/Berlin", "/buy", "signup"), (2, 2, CHROME, "Asia/Tokyo", "/", ""),
        (1, 3, CHROME, "Europe/Berlin", "/", ""), (1, 3, CHROME, "Europe/Berlin", "/buy", ""),
        (1, 3, CHROME, "Europe/Berlin", "/buy", "signup"), (0, 1, FIREFOX, "Europe/Berlin", "/", ""),
        (0, 4, FIREFOX, "Asia/Tokyo", "/buy", ""), (0, 4, FIREFOX, "Asia/Tokyo", "/buy", "signup"),
    ]
    for days_ago, visitor, agent, zone, page, event in visits:
        clock.now = NOON - days_ago * DAY + visitor * 60
        fields = {"page": page, "site": "example.com", "tz": zone}
        if event:
            fields["event"] = event
        call_app(application, "POST", body=post_form(fields), headers={"user_agent": agent},
                 environ={"REMOTE_ADDR": f"192.0.2.{visitor}"})
    clock.now = NOON + 3600
    return lambda **kwargs: call_app(application, **kwargs)


@pytest.mark.parametrize("view", ["browser=Firefox", "country=DE", "page=/buy", "event=signup",
                                  "os=Windows", "browser=Opera"])
def test_csv_days_under_a_filter_sum_to_the_json_pages_of_that_filter(browsed, view):
    query = "from=2026-11-26&to=2026-11-28&" + view
    answer = browsed(query=query).json()
    rows = rows_of(browsed(query=query + "&format=csv"))
    assert rows[0] == ["day", "page", "visitors", "pageviews"]
    per_page = {}
    for _day, page, visitors, pageviews in rows[1:]:
        sums = per_page.setdefault(page, [0, 0])
        sums[0] += int(visitors)
        sums[1] += int(pageviews)
    assert per_page == {p["page"]: [p["visitors"], p["pageviews"]] for p in answer["pages"]}


# Firefox and Japan are each one visit of their ended day (26th): their pages that day are
# paired with a trait held by fewer than 3 visits, so they read under "(other)" (bounds.py);
# today's (28th) are still counted from its views.
@pytest.mark.parametrize("view, expected", [
    ("browser=Firefox", [["2026-11-28", "/", "1", "1"], ["2026-11-28", "/buy", "1", "1"]]),
    ("event=signup", [["2026-11-26", "/buy", "1", "1"], ["2026-11-27", "/buy", "1", "1"],
                      ["2026-11-28", "/buy", "1", "1"]]),
    ("country=JP", [["2026-11-28", "/buy", "1", "1"]]),
], ids=["browser", "event", "country"])
def test_csv_days_under_a_filter_are_the_matching_hits(browsed, view, expected):
    rows = rows_of(browsed(query="from=2026-11-26&to=2026-11-28&format=csv&" + view))
    assert rows[1:] == expected


@pytest.mark.parametrize("name", list(exports.LISTS))
@pytest.mark.parametrize("view", ["", "&browser=Firefox", "&page=/buy", "&event=signup"],
                         ids=["all", "browser", "page", "event"])
def test_csv_lists_are_the_json_lists_whole_under_any_filter(browsed, name, view):
    query = "from=2026-11-26&to=2026-11-28&limit=500" + view
    entries = browsed(query=query).json()[name]
    rows = rows_of(browsed(query=query + f"&format=csv&list={name}"))
    header = list(exports.LISTS[name])
    assert rows[0] == header
    assert rows[1:] == [["" if e.get(c) is None else str(e.get(c)) for c in header]
                        for e in entries]


def test_csv_list_of_events_counts_each_with_its_conversion(browsed):
    rows = rows_of(browsed(query="from=2026-11-26&to=2026-11-28&format=csv&list=events"))
    # 3 signups by 3 visitors; 5 visits over the three days.
    assert rows == [["event", "visitors", "count", "conversion"], ["signup", "3", "3", "0.6"]]


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
    assert rows_of(response)[1] == ["'=cmd|' /C calc'!A0", "0", "1"]


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
