"""The read queries of a GET (storage/totals.py): top pages and referrers, first days, and plans
that read rollups only."""

import pytest
from footfall.storage import page_days, record, today, totals, value_days
from footfall_testing import NOON
from storage_testing import RULES, hit

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends


def test_top_pages_most_visitors_first(conn):
    for i, ip in enumerate(["192.0.2.1", "192.0.2.2", "192.0.2.3"]):
        record.record_hit(conn, hit(ts=NOON + i, page="/popular", ip=ip), RULES)
    record.record_hit(conn, hit(page="/quiet"), RULES)
    record.record_hit(conn, hit(ts=NOON + 5, page="/quiet"), RULES)
    assert totals.top_pages(conn, "2026-11-28", "2026-11-28") == [
        {"page": "/popular", "visitors": 3, "pageviews": 3},
        {"page": "/quiet", "visitors": 1, "pageviews": 2}]


def test_top_referrers_by_pageviews(conn):
    record.record_hit(conn, hit(ref="https://news.ycombinator.com/item"), RULES)
    record.record_hit(conn, hit(ip="192.0.2.9", ref="https://www.google.com/"), RULES)
    record.record_hit(conn, hit(ip="192.0.2.8", page="/b", ref="https://www.google.com/"), RULES)
    assert totals.top_referrers(conn, "2026-11-28", "2026-11-28") == [
        {"ref": "www.google.com", "pageviews": 2}, {"ref": "news.ycombinator.com", "pageviews": 1}]


def test_first_day_of_a_site_without_hits_is_none(conn):
    record.record_hit(conn, hit(site="a.example"), RULES)
    assert totals.first_day(conn, site="a.example") == "2026-11-28"
    assert totals.first_day(conn, site="c.example") is None


@pytest.mark.sqlite_only  # SQLite's query plans
@pytest.mark.parametrize("query", [
    totals.SELECT_SITE_DAYS, totals.SELECT_PAGE_DAYS, totals.SELECT_FIRST_SITE_DAY,
    totals.SELECT_FIRST_PAGE_DAY, totals.SELECT_TOP_PAGES, totals.SELECT_REF_SUMS,
    page_days.SELECT_LISTED, page_days.SELECT_TOTALS, page_days.SUM_LISTED, page_days.SUM_TOTALS,
    value_days.SELECT_TOTALS, value_days.SUM_TOTALS,
], ids=["site-days", "page-days", "first-site-day", "first-page-day", "top-pages",
        "referrer-days", "ended-pages", "ended-page-days", "ended-pages-summed",
        "ended-page-summed", "ended-value-days", "ended-value-summed"])
@pytest.mark.parametrize("site", [None, "example.com"], ids=["all-sites", "one-site"])
def test_read_queries_search_a_rollup_through_an_index(conn, query, site):
    params = {"first": "2026-01-01", "last": "2026-12-31", "site": site, "page": "/a",
              "filter": "browser", "filter_value": "/a", "limit": 50}
    plan = [row[-1] for row in conn.execute("explain query plan " + query, params)]
    # A rollup table (daily_..., or a page's or a value's days joined by key from daily_site's
    # or the summaries' as s), searched through a key or index: never scanned whole.
    assert plan[0].startswith(("SEARCH daily_", "SEARCH s ")), plan
    assert all(step.startswith(("SEARCH ", "SCALAR SUBQUERY", "USE TEMP B-TREE"))
               for step in plan), plan


@pytest.mark.sqlite_only  # SQLite's query plans
@pytest.mark.parametrize("query", [totals.SELECT_LIVE, today.SELECT_CHANGED_VISITORS,
                                   today.SELECT_BEACONS_AFTER],
                         ids=["last-30-minutes", "visitors-changed", "beacons-after"])
def test_reads_of_today_touch_only_the_recent_rows(conn, query):
    """What a read of today costs must not grow with the day's earlier traffic: the last 30
    minutes read a range of (day, ts); the changes since the last read a range of rowids."""
    params = {"day": "2026-11-28", "since": 0.0, "site": None, "views_through": 0,
              "beacons_through": 0, "views_now": 9, "beacons_now": 9, "after": 0}
    plan = [row[-1] for row in conn.execute("explain query plan " + query, params)]
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert searches and all(step.startswith("SEARCH") for step in searches), plan
    assert all("ts>?" in step or "rowid>?" in step or "rowid=?" in step
               for step in searches), plan
