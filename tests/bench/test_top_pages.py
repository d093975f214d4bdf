"""Top pages read whole months from monthly_page and only the days at the ends of a range from
daily_page (what keeps a year's GET flat, docs/performance.md): the answer must be the one that
summing every day gives, for any range, with or without a site."""

import datetime
import random

import pytest
from footfall.storage import bulk, database, record, totals
from footfall_testing import BROWSER_UA, NOON
from hypothesis import given, settings
from hypothesis import strategies as st

DAY = 86400
START = datetime.date(2026, 1, 1)


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """Hits on scattered days of 2026 (gaps of weeks too), two sites, a dozen pages."""
    conn = database.connect(str(tmp_path_factory.mktemp("top") / "footfall.db"))
    rng = random.Random(4)
    days = sorted(rng.sample(range(1, 330), 120))
    for offset in days:
        day = START + datetime.timedelta(days=offset)
        ts = NOON + (day - datetime.date(2026, 11, 28)).days * DAY
        hits = [record.Hit(ts + i, day.isoformat(), rng.choice(["a.example", "b.example"]),
                            f"/p{rng.randrange(12)}", "", f"192.0.2.{rng.randrange(40)}", BROWSER_UA)
                for i in range(rng.randrange(1, 30))]
        bulk.record_day(conn, hits, record.Rules(), "2026-11-28")
    return conn


def summed(conn, first, last, site, limit=50):
    """The top pages by summing every day: SELECT_TOP_PAGES over the whole range."""
    rows = conn.execute(totals.SELECT_TOP_PAGES, {"first": first, "last": last, "site": site,
                                                   "limit": limit})
    return [{"page": p, "visitors": v, "pageviews": n} for p, v, n in rows]


@settings(max_examples=300, deadline=None)
@given(st.integers(-40, 370), st.integers(0, 400), st.sampled_from([None, "a.example"]),
       st.sampled_from([3, 50]))
def test_top_pages_of_any_range_equal_the_sum_of_its_days(conn, start, length, site, limit):
    first = START + datetime.timedelta(days=start)
    last = first + datetime.timedelta(days=length)
    assert totals.top_pages(conn, first.isoformat(), last.isoformat(), site, limit) == summed(
        conn, first.isoformat(), last.isoformat(), site, limit)


def test_a_year_of_top_pages_reads_months_and_the_days_at_its_ends_only(conn):
    first_month, last_month, days = totals.whole_months(conn, "2026-01-20", "2026-12-31", None)
    assert (first_month, last_month) == ("2026-02", "2026-12")
    assert days == [("2026-01-20", "2026-01-31")]


@pytest.mark.parametrize("query", [totals.SELECT_MONTH_PAGE_SUMS, totals.SELECT_PAGE_SUMS,
                                   totals.SELECT_ANY_DAY], ids=["months", "days", "any-day"])
@pytest.mark.parametrize("site", [None, "a.example"], ids=["all-sites", "one-site"])
def test_top_page_queries_search_a_rollup_by_its_key(conn, query, site):
    params = {"first": "2026-01-01", "last": "2026-12-31", "first_month": "2026-01",
              "last_month": "2026-12", "site": site}
    plan = [row[-1] for row in conn.execute("explain query plan " + query, params)]
    assert plan[0].startswith(("SEARCH monthly_page USING PRIMARY KEY",
                               "SEARCH daily_page USING PRIMARY KEY",
                               "SEARCH daily_site USING PRIMARY KEY")), plan
    assert all(step.startswith(("SEARCH", "USE TEMP B-TREE")) for step in plan), plan
