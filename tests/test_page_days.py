"""An ended page's day stored once (storage/page_days.py, schema 20 and 23): its daily_page row
holds the day's visitors and pageviews and, filled when the day ends, its entries, bounces,
seconds and timed views; daily_breakdown no row of it (until schema 19 the page in the
unfiltered list and the page filter's totals, the same numbers twice); a live day's rows leave
those four NULL; a day summed up twice adds to them; migrations 20 and 23 move every page-day
there with every answer kept. Both backends."""

import pytest
from footfall import counting
from footfall.storage import bulk, database, days, page_days, pg_schema, record
from footfall_testing import BROWSER_UA, NOON, NOON_DAY
from storage_testing import RULES, UTC, rows

pytestmark = pytest.mark.both_backends

TODAY = NOON_DAY.isoformat()
DAY = "2026-10-05"
PAGE_ROWS = ("select page, visitors, pageviews, entries, bounces, seconds, timed from daily_page"
             " order by page")
BREAKDOWN_PAGE_ROWS = ("select count(*) from daily_breakdown"
                       " where (filter = '' and dim = 'page') or filter = 'page'")


def day_hits(day, visits, first_address=1):
    """[record.Hit] of one day: visits, each a list of the pages one visitor read, a minute
    apart, from 01:00."""
    start = counting.day_start(day, UTC) + 3600
    hits = []
    for n, pages in enumerate(visits):
        for page in pages:
            hits.append(record.Hit(start + 60 * len(hits), day, "example.com", page, "",
                                   f"192.0.2.{first_address + n}", BROWSER_UA,
                                   {"browser": "Firefox", "country": "DE"}))
    return hits


# The first visitor reads / then /pricing; two more read / alone (bounces).
VISITS = [["/", "/pricing"], ["/"], ["/"]]


def test_an_ended_page_day_is_one_daily_page_row_with_every_count(db_path):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(DAY, VISITS)], RULES, TODAY)
    assert rows(conn, PAGE_ROWS) == [("/", 3, 3, 3, 2, 0, 0), ("/pricing", 1, 1, 0, 0, 0, 0)]
    assert rows(conn, BREAKDOWN_PAGE_ROWS) == [(0,)]


def test_a_live_day_ended_by_a_later_hit_fills_its_page_rows(db_path):
    conn = database.connect(db_path)
    yesterday = counting.day_of(NOON - 86400, UTC)
    hits = [record.Hit(NOON - 86400 + i, yesterday, "example.com", "/", "", f"192.0.2.{i}",
                       BROWSER_UA) for i in (1, 2)]
    record.record_hits(conn, hits, RULES)
    # The first visitor's page reports 12.5 visible seconds a minute later.
    record.record_seconds(conn, record.Hit(NOON - 86400 + 61, yesterday, "example.com", "/", "",
                                           "192.0.2.1", BROWSER_UA), 12.5)
    days.close_ended_days(conn, TODAY)
    assert rows(conn, PAGE_ROWS) == [("/", 2, 2, 2, 2, 12.5, 1)]
    assert rows(conn, BREAKDOWN_PAGE_ROWS) == [(0,)]


def test_todays_page_rows_leave_the_visits_columns_null(db_path):
    conn = database.connect(db_path)
    record.record_hits(conn, [record.Hit(NOON, TODAY, "example.com", "/", "", "192.0.2.1",
                                         BROWSER_UA)], RULES)
    assert rows(conn, PAGE_ROWS) == [("/", 1, 1, None, None, None, None)]


def test_a_day_summed_up_twice_adds_to_its_page_rows(db_path, app):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(DAY, VISITS)], RULES, TODAY)
    # A second log of the same day (imports.py): two more visitors, one bounce on /pricing.
    bulk.record_days(conn, [day_hits(DAY, [["/pricing"], ["/", "/pricing"]], 20)], RULES, TODAY)
    assert rows(conn, PAGE_ROWS) == [("/", 4, 4, 4, 2, 0, 0), ("/pricing", 3, 3, 1, 1, 0, 0)]
    pages = app(query=f"from={DAY}&to={DAY}").json()["pages"]
    assert [(p["page"], p["visitors"], p["pageviews"]) for p in pages] == [
        ("/", 4, 4), ("/pricing", 3, 3)]


QUERIES = [f"from={first}&to={last}{more}"
           for first, last in (("2026-10-01", "2026-10-31"), ("2026-10-04", "2026-10-17"),
                               ("2026-10-17", "2026-10-17"), ("2026-10-04", TODAY))
           for more in ("", "&page=/", "&page=/pricing", "&browser=Firefox", "&format=csv",
                        "&page=/&format=csv")]


def test_migration_20_moves_each_page_day_into_daily_page_with_every_answer_kept(db_path, app):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(day, VISITS + [["/blog/a", "/"]] * (n + 1))
                            for n, day in enumerate(("2026-10-04", "2026-10-05", "2026-10-17"))],
                     RULES, TODAY)
    record.record_hits(conn, day_hits(TODAY, VISITS), RULES)
    before = {query: app(query=query).body for query in QUERIES}

    def back_to_19(conn):  # schema 19's rows: each ended page-day twice in daily_breakdown
        for page, day, site, *counts in conn.execute(
                "select page, day, site, visitors, pageviews, entries, bounces, seconds, timed"
                " from daily_page where entries is not null").fetchall():
            insert = ("insert into daily_breakdown (filter, filter_value, dim, day, site, value,"
                      " visitors, pageviews, entries, bounces, seconds, timed)"
                      " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            conn.execute(insert, ("", "", "page", day, site, page, *counts))
            conn.execute(insert, ("page", page, "", day, site, "", *counts[:2], 0, *counts[3:]))
        drop_visits_columns(conn)
        conn.execute("pragma user_version = 19")

    database.in_transaction(conn, back_to_19)
    conn.close()
    conn = database.connect(db_path)  # migrates
    assert rows(conn, BREAKDOWN_PAGE_ROWS) == [(0,)]
    conn.close()
    assert {query: app(query=query).body for query in QUERIES} == before


def drop_visits_columns(conn):
    for column in ("entries", "bounces", "seconds", "timed"):
        conn.execute(f"alter table daily_page drop column {column}")


def test_migration_23_moves_each_page_days_visits_into_daily_page_with_every_answer_kept(
        db_path, app):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(day, VISITS + [["/blog/a", "/"]] * (n + 1))
                            for n, day in enumerate(("2026-10-04", "2026-10-05", "2026-10-17"))],
                     RULES, TODAY)
    yesterday = day_hits(counting.day_of(NOON - 86400, UTC), VISITS, 30)
    record.record_hits(conn, yesterday, RULES)
    record.record_seconds(conn, yesterday[0], 12.5)  # fractional seconds in an ended day's row
    days.close_ended_days(conn, TODAY)
    record.record_hits(conn, day_hits(TODAY, VISITS), RULES)
    before = {query: app(query=query).body for query in QUERIES}
    page_rows = rows(conn, PAGE_ROWS.replace("order by page", "order by day, page"))

    def back_to_22(conn):  # schema 22's rows: an ended page-day's visits in daily_page_visits
        table = pg_schema.DAILY_PAGE_VISITS if database.is_postgres(conn) else page_days.TABLE
        conn.execute(table)
        conn.execute("insert into daily_page_visits (day, site, page, entries, bounces, seconds,"
                     " timed) select day, site, page, entries, bounces, seconds, timed"
                     " from daily_page where entries is not null")
        drop_visits_columns(conn)
        conn.execute("pragma user_version = 22")

    database.in_transaction(conn, back_to_22)
    conn.close()
    conn = database.connect(db_path)  # migrates
    assert rows(conn, PAGE_ROWS.replace("order by page", "order by day, page")) == page_rows
    conn.close()
    assert {query: app(query=query).body for query in QUERIES} == before


def test_a_day_ended_elsewhere_copied_onto_a_live_one_adds_up_when_it_ends(db_path, tmp_path):
    from footfall.storage import breakdown_reader, copies

    source = database.connect(str(tmp_path / "source.db"))
    bulk.record_days(source, [day_hits(DAY, VISITS)], RULES, TODAY)
    conn = database.connect(db_path)
    record.record_hits(conn, day_hits(DAY, [["/"], ["/"]], 20), RULES)  # live: not ended
    copies.copy_day(source, conn, DAY)  # as scripts/migrate_db.py --add does
    days.close_ended_days(conn, TODAY)
    reader = breakdown_reader.Reader(conn, DAY, DAY, None, "", "", TODAY, None)
    # visitors, pageviews, entries, bounces, seconds, timed
    assert reader.totals("page") == {"/": [5, 5, 5, 4, 0, 0], "/pricing": [1, 1, 0, 0, 0, 0]}
    home = breakdown_reader.Reader(conn, DAY, DAY, None, "page", "/", TODAY, None)
    assert home.totals("") == {"": [5, 5, 0, 4, 0, 0]}
