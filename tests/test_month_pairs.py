"""A month's pairs in their compact form (storage/month_pairs.py, schema 19): one monthly_pairs
row per filter value, month and site, none left in monthly_breakdown; each count held exactly,
added to when a month is written again, and moved there by migration 19 with every
whole-month answer kept. Both backends."""

import random
import zlib

import pytest
from footfall import counting, pairs
from footfall.storage import breakdowns, bulk, database, days, month_pairs, record
from footfall_testing import BROWSER_UA, NOON, NOON_DAY
from storage_testing import RULES, UTC, month_pairs_of, rows

pytestmark = pytest.mark.both_backends

TODAY = NOON_DAY.isoformat()
OCTOBER = [f"2026-10-{day:02d}" for day in (3, 4, 17)]
WHOLE_MONTH = "from=2026-10-01&to=2026-10-31"
QUERIES = [f"{WHOLE_MONTH}&{name}" for name in (
    "browser=Chrome", "browser=Firefox", "country=DE", "country=FR", "page=/", "page=/pricing",
    "ref=https://news.example/x", "device=mobile")]
PROFILES = (
    {"browser": "Firefox", "os": "Linux", "device": "desktop", "country": "DE", "language": "de"},
    {"browser": "Chrome", "os": "Windows", "device": "desktop", "country": "DE", "language": "en"},
    {"browser": "Chrome", "os": "Android", "device": "mobile", "country": "FR", "language": "fr"},
)
PAGES = ("/", "/pricing", "/blog/a")
REFS = ("", "https://news.example/x")


def october_hits(day, seed):
    """[record.Hit] of one day: 18 visitors of 1 to 3 views, three profiles of 6 each."""
    rng = random.Random(f"{day} {seed}")
    hits = []
    for n in range(18):
        ts = counting.day_start(day, UTC) + rng.randrange(0, 20 * 3600)
        for _ in range(rng.randint(1, 3)):
            hits.append(record.Hit(ts, day, "example.com", rng.choice(PAGES), rng.choice(REFS),
                                   f"192.0.2.{n + 1}", BROWSER_UA, PROFILES[n % 3]))
            ts += rng.randrange(120, 900)
    return sorted((hit for hit in hits if hit.day == day), key=lambda hit: hit.ts)


@pytest.fixture
def october(db_path):
    conn = database.connect(db_path)
    bulk.record_days(conn, [october_hits(day, 1) for day in OCTOBER], RULES, TODAY)
    yield conn
    conn.close()


def test_a_months_pairs_are_one_row_per_filter_value_and_none_in_monthly_breakdown(october):
    keys = rows(october, "select filter, filter_value, month, site from monthly_pairs")
    assert ("browser", "Chrome", "2026-10", "example.com") in keys
    assert len(keys) == len(set(keys))
    assert rows(october, "select count(*) from monthly_breakdown"
                         " where filter <> '' and dim <> ''") == [(0,)]
    # Each filter value's totals stay rows of monthly_breakdown.
    assert rows(october, "select count(*) from monthly_breakdown where filter = 'browser'"
                         " and filter_value = 'Chrome' and dim = ''") == [(1,)]


def test_a_months_pairs_are_stored_with_their_key_columns_as_deltas(october):
    blobs = rows(october, "select lists from monthly_pairs")
    # the delta form ("2"), then the dimension's number and the value's id as signed bytes
    assert {zlib.decompress(bytes(blob))[4:7] for (blob,) in blobs} == {b"2bb"}


def test_a_months_pairs_hold_each_count_exactly(db_path):
    conn = database.connect(db_path)
    # Three Firefox visitors and three Chrome ones from Germany on /; the first also reads
    # /pricing (three of each, so that no trait is folded: records.K).
    views = [(1, "Firefox", "/"), (1, "Firefox", "/pricing"), (2, "Firefox", "/"),
             (3, "Firefox", "/"), (4, "Chrome", "/"), (5, "Chrome", "/"), (6, "Chrome", "/")]
    day = "2026-10-05"
    start = counting.day_start(day, UTC) + 3600
    hits = [record.Hit(start + 60 * i, day, "example.com", page, "", f"192.0.2.{n}", BROWSER_UA,
                       {"browser": browser, "country": "DE"})
            for i, (n, browser, page) in enumerate(views)]
    bulk.record_days(conn, [hits], RULES, TODAY)
    pairs = month_pairs_of(conn)
    conn.close()
    key = ("browser", "Firefox", "page", "2026-10", "example.com")
    # visitors, pageviews, entries, bounces, timed, milliseconds
    assert pairs[key + ("/",)] == [3, 3, 3, 2, 0, 0]
    assert pairs[key + ("/pricing",)] == [1, 1, 0, 0, 0, 0]
    assert pairs[("page", "/pricing", "browser", "2026-10", "example.com", "Firefox")] == \
        [1, 1, 0, 0, 0, 0]
    assert pairs[("country", "DE", "browser", "2026-10", "example.com", "Chrome")] == \
        [3, 3, 0, 0, 0, 0]


def test_a_month_written_again_adds_to_its_pairs(db_path):
    # Two days of the month ended one at a time, as live hits end them: the second adds to
    # the month's row of each filter value.
    conn = database.connect(db_path)
    for back in (3, 2):
        ts = NOON - back * 86400
        record.record_hits(conn, [
            record.Hit(ts + i, counting.day_of(ts, UTC), "example.com", "/", "",
                       f"192.0.2.{i}", BROWSER_UA, {"browser": "Firefox", "country": "DE"})
            for i in range(3)], RULES)
    days.close_ended_days(conn, TODAY)
    pairs = month_pairs_of(conn)
    conn.close()
    assert pairs[("country", "DE", "page", "2026-11", "example.com", "/")][:2] == [6, 6]
    assert pairs[("page", "/", "country", "2026-11", "example.com", "DE")][:2] == [6, 6]


def test_migration_19_keeps_every_whole_month_answer(october, db_path, app):
    before = {query: app(query=query).json() for query in QUERIES}

    def back_to_18(conn):  # schema 18's rows: each pair a text row of monthly_breakdown
        for (f, fv, dim, month, site, value), c in month_pairs_of(conn).items():
            conn.execute("insert into monthly_breakdown (filter, filter_value, dim, month, site,"
                         " value, visitors, pageviews, entries, bounces, seconds, timed)"
                         " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (f, fv, dim, month, site, value, c[0], c[1], c[2], c[3], c[5] / 1000,
                          c[4]))
        conn.execute("drop table monthly_pairs")
        conn.execute("pragma user_version = 18")

    database.in_transaction(october, back_to_18)
    october.close()
    conn = database.connect(db_path)  # migrates
    moved = rows(conn, "select count(*) from monthly_breakdown where filter <> '' and dim <> ''")
    conn.close()
    assert moved == [(0,)]
    assert {query: app(query=query).json() for query in QUERIES} == before


def test_a_days_pairs_made_apart_add_to_its_month_what_it_adds_counted_in_place(tmp_path):
    # bulk.summed_day (run in a pool's process by seed_db) makes the day's pairs beside its
    # summary; breakdowns.add_summary given them stores what it stores counting them itself.
    hits = october_hits(OCTOBER[0], 1)
    salt, unique_salt = b"d" * 32, b"m" * 32
    counted = bulk.count_day(hits, RULES, salt)[2]
    views = bulk.summary_views(hits, counted, salt, unique_salt)["example.com"]
    packed, seconds, uniques, records, made = bulk.summed_day(views)
    pairs_of = []
    for name, day_pairs in (("in-place.db", None), ("apart.db", made)):
        conn = database.connect(str(tmp_path / name))
        database.in_transaction(conn, lambda conn, day_pairs=day_pairs: breakdowns.add_summary(
            conn, OCTOBER[0], "example.com", dict(packed), dict(seconds), uniques, records,
            day_pairs=day_pairs))
        pairs_of.append(month_pairs_of(conn))
        conn.close()
    assert made == pairs.of_day(records)
    assert pairs_of[0][("browser", "Chrome", "page", "2026-10", "example.com", "/")][:2] == [6, 9]
    assert pairs_of[1] == pairs_of[0]



def test_months_read_together_sum_each_values_counts_over_them(db_path):
    """A range of months is each value's counts summed over its months' rows (a value of one
    month only keeps its own), as reading each month alone and adding them up gives."""
    conn = database.connect(db_path)
    months = {"2026-09": ["2026-09-02", "2026-09-20"], "2026-10": OCTOBER}
    bulk.record_days(conn, [october_hits(day, 2) for days_of in months.values()
                            for day in days_of], RULES, TODAY)

    def in_ms(lists):  # seconds are kept in whole milliseconds: compared so
        return {dim: {value: counts[:4] + [round(counts[4] * 1000), counts[5]]
                      for value, counts in of_dim.items()} for dim, of_dim in lists.items()}

    added = {}
    for month in months:
        for dim, of_dim in in_ms(month_pairs.lists(conn, "browser", "Chrome", month,
                                                   month)).items():
            for value, counts in of_dim.items():
                current = added.setdefault(dim, {}).get(value, [0] * 6)
                added[dim][value] = [a + b for a, b in zip(current, counts)]
    together = month_pairs.lists(conn, "browser", "Chrome", "2026-09", "2026-10")
    assert in_ms(together) == added
    assert len(together["page"]) == len(PAGES) and together["country"]
    conn.close()
