"""What a GET answers beyond the daily line (issue 11): lists of browsers, systems, devices,
countries, languages, campaigns and referrers with visitors; one filter at a time over all of it;
bounces, entries and time on page; unique visitors over a range; the hours of a day; the last 30
minutes; the sites. Through the WSGI callable with a pinned clock, and as a real CGI process."""

import json
import random

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database
from footfall_testing import FIXED_CLOCK_ENV, NOON, Clock, call_app, run_cgi

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
DAY = 86400


class Site:
    """footfall in-process at a pinned time, with visitors who browse it."""

    def __init__(self, db_path, now=NOON - 2 * DAY):
        self.clock = Clock(now)
        # Salts from a seeded generator: visitor hashes, and so the sketches' estimates, are the
        # same on every run (with random salts two of a few visitors share a register now and
        # then, and 4 visitors read as 3).
        self.app = Application(settings.Config(db=db_path, timezone="UTC"), self.clock,
                               random.Random(11).randbytes)

    def view(self, ip, agent, page, seconds_later=10, **fields):
        body = "&".join(f"{k}={v}" for k, v in dict(page=page, site="example.com", **fields).items())
        answer = call_app(self.app, "POST", body=body.encode(), headers={"user_agent": agent},
                          environ={"REMOTE_ADDR": ip, "HTTP_ACCEPT_LANGUAGE": "de-CH,de;q=0.9"})
        self.clock.now += seconds_later
        return answer.json()

    def stay(self, ip, agent, page, seconds):
        return call_app(self.app, "POST",
                        body=f"page={page}&site=example.com&seconds={seconds}".encode(),
                        headers={"user_agent": agent}, environ={"REMOTE_ADDR": ip}).json()

    def get(self, query):
        response = call_app(self.app, "GET", query=query)
        assert response.status == 200, response.body
        return response.json()


@pytest.fixture
def site(db_path):
    """Three days (26th to 28th, now at noon of the 28th): each day a Firefox visitor from
    Berlin on a desktop who comes through a spring campaign, reads /a then /b for 20 s, and an
    iPhone visitor from New York who reads /a only."""
    site = Site(db_path)
    for _day in range(3):
        site.view("10.0.0.1", FIREFOX, "/a", w=1920, tz="Europe/Berlin",
                  q="utm_campaign%3Dspring%26utm_source%3Dnewsletter")
        site.view("10.0.0.1", FIREFOX, "/b", seconds_later=25, w=1920, tz="Europe/Berlin")
        assert site.stay("10.0.0.1", FIREFOX, "/b", 20)["counted"] is True
        site.view("10.0.0.2", IPHONE, "/a", w=390, tz="America/New_York",
                  ref="https://news.example/item")
        site.clock.now += DAY - 45
    site.clock.now = NOON
    return site


RANGE = "from=2026-11-26&to=2026-11-28"


@pytest.mark.parametrize("name, entries", [
    ("browsers", [{"browser": "Firefox", "visitors": 3, "pageviews": 6},
                  {"browser": "Safari", "visitors": 3, "pageviews": 3}]),
    ("systems", [{"os": "Linux", "visitors": 3, "pageviews": 6},
                 {"os": "iOS", "visitors": 3, "pageviews": 3}]),
    ("devices", [{"device": "desktop", "visitors": 3, "pageviews": 6},
                 {"device": "phone", "visitors": 3, "pageviews": 3}]),
    ("countries", [{"country": "DE", "name": "Germany", "visitors": 3, "pageviews": 6},
                   {"country": "US", "name": "United States", "visitors": 3, "pageviews": 3}]),
    ("languages", [{"language": "de", "visitors": 6, "pageviews": 9}]),
    ("campaigns", [{"campaign": "spring", "visitors": 3, "pageviews": 3}]),
    ("referrers", [{"ref": "news.example", "visitors": 3, "pageviews": 3},
                   {"ref": "newsletter", "visitors": 3, "pageviews": 3}]),
], ids=["browsers", "systems", "devices", "countries", "languages", "campaigns", "referrers"])
def test_each_list_counts_visitors_and_pageviews_over_the_range(site, name, entries):
    assert site.get(RANGE)[name] == entries


def test_pages_say_how_visits_began_bounced_and_stayed(site):
    assert site.get(RANGE)["pages"] == [
        {"page": "/a", "visitors": 6, "pageviews": 6, "entries": 6, "bounces": 3, "seconds": None},
        {"page": "/b", "visitors": 3, "pageviews": 3, "entries": 0, "bounces": 0, "seconds": 20.0},
    ]


def test_totals_count_bounces_time_per_visit_and_unique_visitors(site):
    totals = site.get(RANGE)["totals"]
    assert totals == {"visitors": 6, "pageviews": 9, "bounces": 3, "seconds": 20.0,
                      "unique": 2, "unique_by": "range", "timed": 3, "without_language": 0}


def test_totals_say_how_many_visits_were_timed_and_how_many_told_no_language(site):
    # A visitor whose browser sends no Accept-Language and no visible time, as an access log's.
    call_app(site.app, "POST", body=b"page=/a&site=example.com",
             headers={"user_agent": FIREFOX}, environ={"REMOTE_ADDR": "10.0.0.3"})
    totals = site.get(RANGE)["totals"]
    assert (totals["visitors"], totals["timed"], totals["without_language"]) == (7, 3, 1)


def test_a_range_over_two_months_counts_unique_visitors_once_per_month(db_path):
    """Three people on the last two days of October and the first of November: October,
    ended, keeps its 3 people (storage/people.py); November's day adds its own 3."""
    site = Site(db_path, now=NOON - 2 * DAY - 27 * DAY)  # 2026-10-30, then 31, then 11-01
    for _day in range(3):
        for n in range(3):
            site.view(f"10.0.0.{n}", FIREFOX, "/a")
        site.clock.now += DAY
    site.clock.now = NOON
    totals = site.get("from=2026-10-01&to=2026-11-01")["totals"]
    assert (totals["visitors"], totals["unique"], totals["unique_by"]) == (9, 6, "month")


# A filter by a visitor trait held by fewer than 3 visits of a day lists other traits (browsers)
# only for today: an ended day's pairs of such a rare trait read under "(other)" (bounds.py).
@pytest.mark.parametrize("query, visitors, pageviews, pages, browsers", [
    ("browser=Firefox", 3, 6, ["/a", "/b"], 3),
    ("country=US", 3, 3, ["/a"], 1),
    ("country=us", 3, 3, ["/a"], 1),
    ("campaign=spring", 3, 3, ["/a"], 3),
    ("ref=news.example", 3, 3, ["/a"], 3),
    ("device=phone", 3, 3, ["/a"], 1),
    ("page=/b", 3, 3, ["/b"], 3),
    ("browser=Netscape", 0, 0, [], 0),
], ids=["browser", "country", "country-lower-case", "campaign", "referrer", "device", "page",
        "nothing-matches"])
def test_one_filter_narrows_the_series_totals_and_every_list(site, query, visitors, pageviews,
                                                              pages, browsers):
    answer = site.get(f"{RANGE}&{query}")
    assert answer["totals"]["visitors"] == visitors
    assert answer["totals"]["pageviews"] == pageviews
    assert sum(n for _ms, n in answer["visitors"]) == visitors
    assert [entry["page"] for entry in answer["pages"]] == pages
    assert sum(e["visitors"] for e in answer["browsers"]) == browsers


def test_the_filters_are_echoed_one_or_two(site):
    assert site.get(f"{RANGE}&browser=Firefox")["filter"] == {"browser": "Firefox"}
    response = call_app(site.app, "GET", query=f"{RANGE}&browser=Firefox&country=DE")
    assert response.status == 200
    assert response.json()["filter"] == {"browser": "Firefox", "country": "DE"}


def test_the_hours_of_one_day_add_up_to_its_visitors(site):
    answer = site.get("from=2026-11-27&to=2026-11-27")
    hours = answer["hours"]
    assert len(hours["visitors"]) == len(hours["pageviews"]) == 24
    assert hours["visitors"][12] == [1795780800000, 2]  # Date.UTC(2026, 10, 27, 12)
    assert sum(n for _ms, n in hours["visitors"]) == answer["totals"]["visitors"] == 2
    assert "hours" not in site.get(RANGE)


def test_an_ended_day_keeps_no_hours_of_a_trait_fewer_than_3_visits_held(site):
    # One Safari visit on the 27th: its records fold Safari into "(other)" (records.K), so the
    # day's hours under it are empty; its own count stays exact. Today's are not folded.
    answer = site.get("from=2026-11-27&to=2026-11-27&browser=Safari")
    assert answer["totals"]["visitors"] == 1
    assert [n for _ms, n in answer["hours"]["pageviews"] if n] == []
    today = site.get("from=2026-11-28&to=2026-11-28&browser=Safari")["hours"]
    assert [n for _ms, n in today["pageviews"] if n] == [1]


def test_an_ended_days_hours_are_kept_in_hourly_site_only(site, db_path):
    """The hours of an ended day are hourly_site's rows, which the hits wrote: no breakdown row
    of a day or a month holds them again (a filter's are counted from the day's records)."""
    from footfall.storage import database

    conn = database.connect(db_path)
    count = "select count(*) from {} where dim = '{}'"
    kinds = [conn.execute(count.format(table, dim)).fetchone()[0] for table, dim in (
        ("daily_breakdown", "hours"), ("daily_breakdown", "hour"), ("monthly_breakdown", "hour"),
        ("monthly_breakdown", "hours"))]
    ended = conn.execute("select count(*) from hourly_site where day < '2026-11-28'").fetchone()[0]
    conn.close()
    assert kinds == [0, 0, 0, 0] and ended > 0


@pytest.fixture
def hours_site(db_path):
    """The 27th: Firefox visitors at 08:00, 08:30 and 15:00 (the first reads two pages), an
    iPhone visitor at 21:00; the day ended by a view on the 28th."""
    site = Site(db_path, now=NOON - DAY - 4 * 3600)
    site.view("10.0.0.1", FIREFOX, "/a", seconds_later=60)
    site.view("10.0.0.1", FIREFOX, "/b", seconds_later=30 * 60 - 60)
    site.view("10.0.0.2", FIREFOX, "/a", seconds_later=int(6.5 * 3600))
    site.view("10.0.0.3", FIREFOX, "/b", seconds_later=6 * 3600)
    site.view("10.0.0.4", IPHONE, "/a")
    site.clock.now = NOON
    site.view("10.0.0.5", IPHONE, "/a")
    return site


def test_a_filtered_day_counts_each_hours_visitors_and_pageviews(hours_site):
    answer = hours_site.get("from=2026-11-27&to=2026-11-27&browser=Firefox")
    counts = [(n, p) for (_ms, n), (_, p) in zip(answer["hours"]["visitors"],
                                                 answer["hours"]["pageviews"])]
    assert [(hour, c) for hour, c in enumerate(counts) if c != (0, 0)] == [
        (8, (2, 3)), (15, (1, 1))]
    assert [n for _ms, n in hours_site.get(
        "from=2026-11-27&to=2026-11-27&page=/a")["hours"]["visitors"] if n] == [2, 1]


def test_hours_of_a_database_from_before_hours_were_one_row_read_the_same(hours_site, db_path):
    """Migration 14 packs a filter's hour rows of a day into its 'hours' row."""
    from footfall.storage import breakdowns, database

    site = hours_site
    queries = ["from=2026-11-27&to=2026-11-27&browser=Firefox",
               "from=2026-11-27&to=2026-11-27&page=/a"]
    before = [site.get(query)["hours"] for query in queries]
    conn = database.connect(db_path)

    def unpack(conn):  # back to schema 13's rows: one per hour, and no records
        conn.execute("delete from daily_breakdown where dim = 'hours'")
        for query, hours in zip(queries, before):
            f, fv = query.rsplit("&", 1)[1].split("=")
            for (ms, visitors), (_, pageviews) in zip(hours["visitors"], hours["pageviews"]):
                if visitors or pageviews:
                    hour = str(ms // 3_600_000 % 24)
                    conn.execute(breakdowns.INSERT_DAILY, (f, fv, "hour", "2026-11-27",
                                                           "example.com", hour, visitors,
                                                           pageviews, 0, 0, 0, 0))
        conn.execute("drop table monthly_people")  # made by migration 16
        conn.execute("drop table strings")  # made by migration 17
        conn.execute("drop table day_records")
        conn.execute("pragma user_version = 13")

    database.in_transaction(conn, unpack)
    conn.close()
    conn = database.connect(db_path)  # migrates
    assert conn.execute("select count(*) from daily_breakdown where dim = 'hour'").fetchone()[0] == 0
    conn.close()
    assert [site.get(query)["hours"] for query in queries] == before


def test_live_counts_the_last_30_minutes_of_today(site):
    live = site.get("from=2026-11-28&to=2026-11-28")["live"]
    assert live == {"visitors": 2, "pageviews": 3, "minutes": 30}
    site.clock.now += 31 * 60
    assert site.get("from=2026-11-28&to=2026-11-28")["live"]["pageviews"] == 0
    assert "live" not in site.get("from=2026-11-26&to=2026-11-27")


def test_sites_are_listed_when_more_than_one_reports(site):
    assert "sites" not in site.get(RANGE)
    call_app(site.app, "POST", body=b"page=/&site=blog.example")
    assert site.get(RANGE)["sites"] == [{"site": "example.com", "visitors": 6},
                                        {"site": "blog.example", "visitors": 1}]


def test_limit_cuts_every_list(site):
    answer = site.get(f"{RANGE}&limit=1")
    assert len(answer["browsers"]) == len(answer["pages"]) == 1
    response = call_app(site.app, "GET", query=f"{RANGE}&limit=0")
    assert response.status == 400


@pytest.mark.parametrize("seconds, status", [("-1", 400), ("1.5", 400), ("86401", 400),
                                             ("x", 400)], ids=["negative", "fraction", "too-many",
                                                               "word"])
def test_seconds_must_be_a_whole_number_of_a_day_at_most(site, seconds, status):
    response = call_app(site.app, "POST", body=f"page=/a&seconds={seconds}".encode())
    assert response.status == status


def test_seconds_never_exceed_the_time_since_the_view(db_path):
    site = Site(db_path, now=NOON)
    site.view("10.0.0.9", FIREFOX, "/long", seconds_later=5)
    assert site.stay("10.0.0.9", FIREFOX, "/long", 3600)["counted"] is True
    assert site.get("from=2026-11-28&to=2026-11-28")["pages"][0]["seconds"] == 5.0


def test_seconds_without_a_view_today_are_not_counted(db_path):
    site = Site(db_path, now=NOON)
    answer = site.stay("10.0.0.9", FIREFOX, "/never-seen", 10)
    assert answer == {"page": "/never-seen", "seconds": 10, "counted": False, "reason": "no view"}


def test_a_hit_through_the_cgi_script_is_listed_with_its_traits(db_path):
    body = b"page=/a&site=example.com&w=390&tz=Asia%2FTokyo&q=utm_campaign%3Dlaunch"
    assert run_cgi(db_path, "POST", body=body, env=FIXED_CLOCK_ENV,
                   headers={"User-Agent": IPHONE, "Accept-Language": "ja"}).json()["counted"]
    answer = run_cgi(db_path, "GET", query="from=2026-11-28&to=2026-11-28",
                     env=FIXED_CLOCK_ENV).json()
    assert answer["countries"] == [{"country": "JP", "name": "Japan", "visitors": 1,
                                    "pageviews": 1}]
    assert answer["devices"] == [{"device": "phone", "visitors": 1, "pageviews": 1}]
    assert answer["languages"] == [{"language": "ja", "visitors": 1, "pageviews": 1}]
    assert answer["campaigns"] == [{"campaign": "launch", "visitors": 1, "pageviews": 1}]
    json.dumps(answer)


def test_unique_visitors_of_whole_months_read_their_month_sketch_or_else_their_days(db_path):
    site = Site(db_path, now=NOON - 27 * DAY)  # 2026-11-01
    for day in range(3):
        site.view("10.0.0.1", FIREFOX, "/a")
        site.view(f"10.0.1.{day}", IPHONE, "/a")
        site.clock.now += DAY
    site.clock.now = NOON
    query = "from=2026-11-01&to=2026-11-28"
    assert site.get(query)["totals"]["unique"] == 4  # one Firefox reader, three iPhones
    conn = database.connect(db_path)
    assert conn.execute("select count(*) from monthly_unique").fetchone()[0] > 0
    conn.execute("delete from monthly_unique")  # as a month summed up before schema 9
    conn.close()
    assert site.get(query)["totals"]["unique"] == 4


def test_a_day_summed_up_twice_adds_its_hours(db_path):
    """A day can be summed up in two steps (an import into a day with live views): the second
    adds each hour to the first's 'hours' row; other sites keep their own, and all sites'
    hours are the sum of every site's, two rows of the same text included."""
    from footfall import summary
    from footfall.storage import breakdown_reader, breakdowns

    def views(hours):
        return [summary.View(f"v{n}", f"unique visitor {n}".encode(), 1795737600 + hour * 3600 + n,
                             hour, "/a", "", "Firefox", "Linux", "desktop", "", "", "")
                for n, hour in enumerate(hours)]

    conn = database.connect(db_path)

    def add(conn, site_name, hours):
        breakdowns.end_day(conn, "2026-11-27", site_name, views(hours))

    # Three visits or more each time, so that no Firefox is folded (records.K).
    database.in_transaction(conn, lambda conn: add(conn, "example.com", [8, 8, 15]))
    database.in_transaction(conn, lambda conn: add(conn, "example.com", [8, 21, 21]))
    database.in_transaction(conn, lambda conn: add(conn, "other.example", [8, 8, 8]))
    database.in_transaction(conn, lambda conn: add(conn, "third.example", [8, 8, 8]))

    def hours(site_name):
        reader = breakdown_reader.Reader(conn, "2026-11-27", "2026-11-27", site_name, "browser",
                                         "Firefox", "2026-11-28", None)
        return {int(hour): counts[:2] for hour, counts in reader.per_day("hour")["2026-11-27"].items()}

    assert hours("example.com") == {8: [3, 3], 15: [1, 1], 21: [2, 2]}
    assert hours("other.example") == hours("third.example") == {8: [3, 3]}
    assert hours(None) == {8: [9, 9], 15: [1, 1], 21: [2, 2]}
    # A filter's hours of a day with records are in its records, not in a row.
    assert conn.execute("select count(*) from daily_breakdown where dim = 'hours'"
                        " and filter = 'browser'").fetchone()[0] == 0
    conn.close()


def test_unique_visitors_never_exceed_the_visits_they_are_estimated_from(db_path):
    """80 visitors who each fill a register of their own: the sketch's estimate allows for
    the collisions it did not see and says 81, but 80 visits cannot hold 81 people."""
    from footfall import summary
    from footfall.storage import breakdowns

    # The top 12 bits of a hash choose its register: visitor n lands in register n.
    views = [summary.View(f"v{n}", ((n << 52) | (1 << 40)).to_bytes(8, "big") * 2,
                          1795737600 + 60 * n, 0, "/a", "", "Firefox", "Linux", "desktop", "",
                          "", "")
             for n in range(80)]
    conn = database.connect(db_path)
    packed, seconds, uniques = summary.summarize_day(views)  # as the day's end sums it up
    database.in_transaction(conn, lambda conn: breakdowns.add_summary(
        conn, "2026-11-27", "example.com", packed, seconds, uniques, []))
    conn.close()
    totals = Site(db_path).get("from=2026-11-27&to=2026-11-27&browser=Firefox")["totals"]
    assert (totals["visitors"], totals["unique"]) == (80, 80)
