"""Events and goals (issue 12): a POST with event=<name> counts an event, not a pageview, by the
pageview's rules; a GET answers `events` with conversion, filtered like every list, and
event=<name> as a filter gives that event's days, pages and traits. Through the WSGI callable
with a pinned clock, and as a real CGI process."""

import urllib.parse

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database
from footfall_testing import FIXED_CLOCK_ENV, NOON, Clock, call_app, counts, run_cgi

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
DAY = 86400
# 2026-11-26, 27 and 28 at 00:00 UTC, as the series give them.
MS_26, MS_27, MS_28 = 1795651200000, 1795737600000, 1795824000000


class Site:
    """footfall in-process at a pinned time, with visitors who view pages and send events."""

    def __init__(self, db_path, now=NOON - 2 * DAY, **config):
        self.clock = Clock(now)
        self.app = Application(settings.Config(db=db_path, timezone="UTC", **config), self.clock)

    def post(self, ip="10.0.0.1", agent=FIREFOX, headers=None, **fields):
        fields.setdefault("site", "example.com")
        response = call_app(self.app, "POST", body=urllib.parse.urlencode(fields).encode(),
                            headers=dict({"user_agent": agent}, **(headers or {})),
                            environ={"REMOTE_ADDR": ip})
        self.clock.now += 5
        return response

    def get(self, query=""):
        response = call_app(self.app, "GET", query=query)
        assert response.status == 200, response.body
        return response.json()


@pytest.fixture
def site(db_path):
    return three_days_of_events(db_path)


def three_days_of_events(db_path):
    """Three days (26th to 28th, now at noon of the 28th): each day a Firefox visitor from
    Berlin reads /pricing and signs up there; an iPhone visitor from New York reads /a and
    follows two links to github.com."""
    site = Site(db_path)
    for _day in range(3):
        start = site.clock.now
        site.post(page="/pricing", w=1920, tz="Europe/Berlin")
        assert site.post(page="/pricing", event="signup", w=1920,
                         tz="Europe/Berlin").json()["counted"] is True
        site.post("10.0.0.2", IPHONE, page="/a", w=390, tz="America/New_York",
                  ref="https://news.example/item")
        for _link in range(2):
            site.post("10.0.0.2", IPHONE, page="/a", event="outbound: github.com", w=390,
                      tz="America/New_York", ref="https://news.example/item")
        site.clock.now = start + DAY
    site.clock.now = NOON
    return site


def test_an_event_is_answered_and_counted_but_is_no_pageview(db_path):
    site = Site(db_path, now=NOON)
    response = site.post(page="https://example.com/pricing?plan=pro", event=" signup ")
    assert response.status == 200
    assert response.json() == {"event": "signup", "page": "/pricing", "counted": True}
    assert counts(db_path) == {"visitors": 0, "pageviews": 0}
    assert site.get()["events"] == [{"event": "signup", "visitors": 1, "count": 1,
                                     "conversion": None}]


@pytest.mark.parametrize("query, events", [
    pytest.param("", [
        {"event": "outbound: github.com", "visitors": 3, "count": 6, "conversion": 0.5},
        {"event": "signup", "visitors": 3, "count": 3, "conversion": 0.5}], id="no-filter"),
    pytest.param("browser=Firefox", [
        {"event": "signup", "visitors": 3, "count": 3, "conversion": 1.0}], id="browser"),
    pytest.param("country=US", [
        {"event": "outbound: github.com", "visitors": 3, "count": 6, "conversion": 1.0}],
        id="country"),
    pytest.param("device=phone", [
        {"event": "outbound: github.com", "visitors": 3, "count": 6, "conversion": 1.0}],
        id="device"),
    pytest.param("page=/pricing", [
        {"event": "signup", "visitors": 3, "count": 3, "conversion": 1.0}], id="page"),
    pytest.param("ref=news.example", [
        {"event": "outbound: github.com", "visitors": 3, "count": 6, "conversion": 1.0}],
        id="referrer"),
    pytest.param("browser=Edge", [], id="nobody"),
    pytest.param("from=2026-11-28", [
        {"event": "outbound: github.com", "visitors": 1, "count": 2, "conversion": 0.5},
        {"event": "signup", "visitors": 1, "count": 1, "conversion": 0.5}], id="today-only"),
    pytest.param("to=2026-11-27", [
        {"event": "outbound: github.com", "visitors": 2, "count": 4, "conversion": 0.5},
        {"event": "signup", "visitors": 2, "count": 2, "conversion": 0.5}], id="ended-days"),
    pytest.param("limit=1", [
        {"event": "outbound: github.com", "visitors": 3, "count": 6, "conversion": 0.5}],
        id="limit"),
])
def test_events_are_listed_with_conversion_under_every_filter(site, query, events):
    assert site.get(query)["events"] == events


def test_conversion_is_rounded_to_four_places(db_path):
    site = Site(db_path, now=NOON)
    for i in range(3):
        site.post(f"10.0.1.{i}", page="/")
    site.post("10.0.1.0", page="/", event="signup")
    assert site.get()["events"][0]["conversion"] == 0.3333


def test_an_event_filter_gives_its_days_pages_and_traits(site):
    answer = site.get("event=signup")
    assert answer["filter"] == {"event": "signup"}
    assert answer["visitors"] == [[MS_26, 1], [MS_27, 1], [MS_28, 1]]
    assert answer["pageviews"] == [[MS_26, 1], [MS_27, 1], [MS_28, 1]]
    assert answer["totals"] == {"visitors": 3, "pageviews": 3, "bounces": None, "seconds": None,
                                "unique": None, "unique_by": None}
    assert answer["pages"] == [{"page": "/pricing", "visitors": 3, "pageviews": 3}]
    assert answer["browsers"] == [{"browser": "Firefox", "visitors": 3, "pageviews": 3}]
    assert answer["countries"] == [{"country": "DE", "name": "Germany", "visitors": 3,
                                    "pageviews": 3}]
    assert answer["referrers"] == []
    # Its conversion is against every visitor of the range.
    assert answer["events"] == [{"event": "signup", "visitors": 3, "count": 3, "conversion": 0.5}]
    assert answer["live"] == {"visitors": 1, "pageviews": 1, "minutes": 30}


def test_an_event_filter_counts_each_hit_and_each_visitor_once_a_day(site):
    answer = site.get("event=outbound%3A+github.com")
    assert answer["visitors"] == [[MS_26, 1], [MS_27, 1], [MS_28, 1]]
    assert answer["pageviews"] == [[MS_26, 2], [MS_27, 2], [MS_28, 2]]
    assert answer["pages"] == [{"page": "/a", "visitors": 3, "pageviews": 6}]
    assert answer["referrers"] == [{"ref": "news.example", "visitors": 3, "pageviews": 6}]


@pytest.mark.parametrize("day", ["2026-11-27", "2026-11-28"], ids=["ended", "today"])
def test_an_event_filter_on_one_day_has_its_hours(site, day):
    hours = site.get(f"event=outbound%3A+github.com&from={day}&to={day}")["hours"]
    assert [point for point in hours["visitors"] if point[1]][0][1] == 1
    visitors = {i: n for i, (_ms, n) in enumerate(hours["visitors"]) if n}
    count = {i: n for i, (_ms, n) in enumerate(hours["pageviews"]) if n}
    assert (visitors, count) == ({12: 1}, {12: 2})


def test_an_event_filter_with_a_page_counts_its_hits_on_that_page(site):
    answer = site.get("event=signup&page=/pricing")
    assert answer["filter"] == {"page": "/pricing", "event": "signup"}
    assert answer["visitors"] == [[MS_26, 1], [MS_27, 1], [MS_28, 1]]
    assert answer["pageviews"] == [[MS_26, 1], [MS_27, 1], [MS_28, 1]]
    assert answer["totals"] == {"visitors": 3, "pageviews": 3, "bounces": None, "seconds": None,
                                "unique": None, "unique_by": None}
    assert answer["pages"] == [{"page": "/pricing", "visitors": 3, "pageviews": 3}]
    # Each day's two event visitors hold their traits alone: folded (records.fold).
    assert answer["browsers"] == [{"browser": "(other)", "visitors": 3, "pageviews": 3}]
    # Its conversion is against the visitors of /pricing.
    assert answer["events"] == [{"event": "signup", "visitors": 3, "count": 3, "conversion": 1.0}]
    assert answer["live"] == {"visitors": 1, "pageviews": 1, "minutes": 30}


def test_an_event_filter_with_a_page_it_never_happened_on_is_all_zero(site):
    answer = site.get("event=signup&page=/a")
    assert answer["totals"]["visitors"] == answer["totals"]["pageviews"] == 0
    assert answer["pages"] == answer["browsers"] == []
    assert answer["events"] == [{"event": "signup", "visitors": 0, "count": 0, "conversion": 0.0}]
    assert answer["live"] == {"visitors": 0, "pageviews": 0, "minutes": 30}


def test_the_last_half_hour_counts_todays_events(db_path):
    site = Site(db_path, now=NOON)
    site.post(page="/", event="signup")
    site.post("10.0.0.9", page="/", event="signup")
    assert site.get("event=signup")["live"] == {"visitors": 2, "pageviews": 2, "minutes": 30}


@pytest.mark.parametrize("event_count, limit, answers, another_event", [
    pytest.param(11, {}, [True] * 10 + [False], True, id="flood-window"),
    pytest.param(4, {"daily_limit": 3}, [True] * 3 + [False], False, id="daily-limit"),
])
def test_the_flood_rule_holds_per_visitor_and_event(db_path, event_count, limit, answers,
                                                    another_event):
    site = Site(db_path, now=NOON, **limit)
    got = []
    for i in range(event_count):
        name = "click" if not limit else f"click {i}"
        site.clock.now = NOON + i
        answer = site.post(page="/", event=name).json()
        got.append(answer["counted"])
        if not answer["counted"]:
            assert answer["reason"] == "flood"
    assert got == answers
    # Another visitor is not held back; the same visitor's other event only by the day's cap.
    assert site.post("10.0.0.99", page="/", event="click").json()["counted"] is True
    assert site.post(page="/", event="another").json()["counted"] is another_event


@pytest.mark.parametrize("headers, agent, config, reason", [
    pytest.param({}, "curl/8.5.0", {}, "bot", id="bot"),
    pytest.param({"sec_purpose": "prefetch"}, FIREFOX, {}, "prefetch", id="prefetch"),
    pytest.param({}, FIREFOX, {"sites": "other.example"}, "site not allowed", id="site"),
])
def test_events_are_not_counted_for_bots_prefetches_and_other_sites(db_path, headers, agent,
                                                                   config, reason):
    site = Site(db_path, now=NOON, **config)
    response = site.post(agent=agent, headers=headers, page="/", event="signup")
    assert response.status == 200
    assert response.json() == {"event": "signup", "page": "/", "counted": False, "reason": reason}
    assert response.headers["x-footfall"] == f"not counted: {reason}"
    assert Site(db_path, now=NOON).get()["events"] == []


def test_a_test_event_runs_and_keeps_nothing(db_path):
    site = Site(db_path, now=NOON)
    answer = site.post(headers={"x_footfall_test": "1"}, page="/", event="signup").json()
    assert answer == {"event": "signup", "page": "/", "counted": True, "test": True}
    assert site.get()["events"] == []


@pytest.mark.parametrize("body, message", [
    pytest.param({"page": "/", "event": ""}, "event must be 1 to 64 printable characters",
                 id="empty"),
    pytest.param({"page": "/", "event": "x" * 65}, "event must be 1 to 64 printable characters",
                 id="too-long"),
    pytest.param({"page": "/", "event": "sign\x01up"},
                 "event must be 1 to 64 printable characters", id="control-character"),
    pytest.param({"page": "/", "event": "sign\u2028up"},
                 "event must be 1 to 64 printable characters", id="line-separator"),
    pytest.param({"event": "signup"}, "page is required", id="no-page"),
])
def test_a_bad_event_is_answered_400(db_path, body, message):
    response = Site(db_path, now=NOON).post(**body)
    assert response.status == 400
    assert response.json() == {"error": message}


def test_an_event_name_of_64_characters_is_counted(db_path):
    name = "é" * 64
    assert Site(db_path, now=NOON).post(page="/", event=name).json()["event"] == name


@pytest.mark.parametrize("query, message", [
    pytest.param("event=" + "x" * 65, "event must be 1 to 64 printable characters",
                 id="too-long"),
    pytest.param("event=%07", "event must be 1 to 64 printable characters",
                 id="control-character"),
])
def test_a_bad_event_filter_is_answered_400(db_path, query, message):
    response = call_app(Site(db_path, now=NOON).app, "GET", query=query)
    assert response.status == 400
    assert response.json() == {"error": message}


def test_no_event_hit_outlives_its_day(site, db_path):
    conn = database.connect(db_path)
    try:
        # Today's hits wait for the day's end; the 26th's and 27th's are sums without visitors.
        assert conn.execute("select distinct day from event_hits").fetchall() == [("2026-11-28",)]
        site.clock.now = NOON + DAY
        site.get()
        assert conn.execute("select count(*) from event_hits").fetchone() == (0,)
        assert conn.execute("select count(*) from salts").fetchone() == (0,)
        columns = [d[0] for d in conn.execute("select * from monthly_event limit 0").description]
        assert columns == ["filter", "filter_value", "event", "month", "site", "days"]
    finally:
        conn.close()
    assert site.get("from=2026-11-28&to=2026-11-28")["events"] == [
        {"event": "outbound: github.com", "visitors": 1, "count": 2, "conversion": 0.5},
        {"event": "signup", "visitors": 1, "count": 1, "conversion": 0.5}]


def test_an_event_as_a_cgi_process_is_counted_and_listed(db_path):
    env = {"FOOTFALL_TIMEZONE": "UTC", **FIXED_CLOCK_ENV}
    run_cgi(db_path, "POST", body=b"page=/pricing", env=env)
    response = run_cgi(db_path, "POST", body=b"page=/pricing&event=signup", env=env)
    assert response.status == 200
    assert response.body == b'{"event":"signup","page":"/pricing","counted":true}'
    bad = run_cgi(db_path, "POST", body=b"page=/pricing&event=", env=env)
    assert (bad.status, bad.json()) == (400, {"error": "event must be 1 to 64 printable characters"})
    answer = run_cgi(db_path, "GET", query="event=signup", env=env).json()
    assert answer["events"] == [{"event": "signup", "visitors": 1, "count": 1, "conversion": 1.0}]
    assert answer["pages"] == [{"page": "/pricing", "visitors": 1, "pageviews": 1}]


def test_an_event_late_for_its_ended_day_counts_without_a_visitor(db_path):
    # It waited for the lock past midnight, and another request ended its day meanwhile: it
    # counts in its day, with no new salt for that day, and adds no visitor.
    from footfall.storage import database, days, events, record

    conn = database.connect(db_path)
    try:
        late = events.Event(NOON, "2026-11-28", "example.com", "/", "signup", "", "10.0.0.1",
                            FIREFOX, {"browser": "Firefox"})
        rules = record.Rules(zone=None)
        assert events.record_event(conn, late, rules, today=lambda: "2026-11-29") is None
        assert days.salt_of(conn, "2026-11-28") is None
        assert events.read_events(conn, "2026-11-28", "2026-11-28", "2026-11-29", None) == {
            "signup": [0, 1]}
        assert events.read_events(conn, "2026-11-28", "2026-11-28", "2026-11-29", None,
                                  "browser", "Firefox") == {"signup": [0, 1]}
    finally:
        conn.close()
