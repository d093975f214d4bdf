"""A month's first half under one filter, kept by the read that first counts it
(storage/half_months.py): a range's partial month is read as its month's pairs, its first half
or the two less each other, plus or less the few days between, and gives exactly the lists its
own days' records give; a kept half is used only while its days' records are unchanged. Both
backends."""

import random

import pytest
from footfall.storage import bulk, database, record, record_lists
from footfall_testing import FIXED_CLOCK_ENV, run_cgi
from storage_testing import RULES
from test_range_lists import TODAY, day_hits

pytestmark = pytest.mark.both_backends

SEPTEMBER = [f"2026-09-{day:02d}" for day in range(1, 31)]
OCTOBER = [f"2026-10-{day:02d}" for day in range(1, 11)]
FILTERS = (("browser", "Chrome"), ("country", "FR"), ("page", "/p1"), ("ref", "news.example"))


@pytest.fixture(scope="module")
def days_hits():
    return {day: day_hits(day) for day in SEPTEMBER + OCTOBER}


@pytest.fixture
def autumn(db_path, days_hits):
    conn = database.connect(db_path)
    bulk.record_days(conn, [days_hits[day] for day in SEPTEMBER + OCTOBER], RULES, TODAY)
    yield conn
    conn.close()


def days_read(ranges):
    return sum(int(last[8:]) - int(first[8:]) + 1 for first, last in ranges)


def counted(conn, first, last, filter_name, filter_value):
    return record_lists.folded_lists(conn, [(first, last)], None, filter_name, filter_value)


def kept_halves(conn):
    return conn.execute("select filter, filter_value, month, site from half_month_lists "
                        "order by filter, filter_value").fetchall()


def test_any_range_reads_the_lists_its_own_days_give_twice_over(autumn):
    rng = random.Random(7)
    days = SEPTEMBER + OCTOBER
    ranges = [("2026-09-17", "2026-10-05"), ("2026-09-08", "2026-09-23"),
              ("2026-09-16", "2026-09-30"), ("2026-09-01", "2026-09-15"),
              ("2026-09-14", "2026-09-16"), ("2026-09-23", "2026-10-10")]
    for _ in range(14):
        first, last = sorted(rng.sample(days, 2))
        ranges.append((first, last))
    for filter_name, filter_value in FILTERS:
        for first, last in ranges:
            expected = counted(autumn, first, last, filter_name, filter_value)
            # The first read counts the first half and keeps it; the second reads it kept.
            for _ in range(2):
                read = record_lists.range_lists(autumn, [(first, last)], None, filter_name,
                                                filter_value, TODAY)
                assert read == expected, (filter_name, first, last)
    assert ("browser", "Chrome", "2026-09", "") in kept_halves(autumn)


@pytest.mark.parametrize("today", ["2026-09-20", "2026-09-12"])
def test_a_month_still_running_keeps_its_half_once_the_15th_has_ended(db_path, days_hits,
                                                                      today):
    conn = database.connect(db_path)
    bulk.record_days(conn, [days_hits[day] for day in SEPTEMBER if day < today], RULES, today)
    for first, last in (("2026-09-01", "2026-09-09"), ("2026-09-04", "2026-09-11")):
        expected = counted(conn, first, last, "language", "fr")
        for _ in range(2):
            assert record_lists.range_lists(conn, [(first, last)], None, "language", "fr",
                                            today) == expected
    # On the 20th the 1st to the 9th is the kept half less six days (the month so far less
    # ten); on the 12th the half has not ended, and the month so far less two days is read.
    assert bool(kept_halves(conn)) == (today == "2026-09-20")
    conn.close()


def test_each_site_and_all_sites_keep_and_read_their_own_halves(db_path, days_hits):
    conn = database.connect(db_path)
    days = []
    for day in SEPTEMBER:
        shop = [record.Hit(hit.ts, hit.day, "shop.example", hit.page, hit.ref, hit.ip,
                           hit.user_agent, hit.traits) for hit in day_hits(day, seed=2)[::2]]
        days.append(sorted(days_hits[day] + shop, key=lambda hit: hit.ts))
    bulk.record_days(conn, days, RULES, TODAY)
    for site in (None, "example.com", "shop.example"):
        for first, last in (("2026-09-10", "2026-09-30"), ("2026-09-01", "2026-09-12")):
            expected = record_lists.folded_lists(conn, [(first, last)], site, "browser",
                                                 "Chrome")
            for _ in range(2):
                assert record_lists.range_lists(conn, [(first, last)], site, "browser", "Chrome",
                                                TODAY) == expected
    assert sorted(row[3] for row in kept_halves(conn)) == ["", "example.com", "shop.example"]
    conn.close()


@pytest.mark.parametrize("first,last,most", [
    ("2026-09-17", "2026-09-30", 1),  # the month less its first half and the 16th
    ("2026-09-01", "2026-09-13", 2),  # the first half less the 14th and the 15th
    ("2026-09-08", "2026-09-30", 7),  # the month less its first week
    ("2026-09-12", "2026-09-19", 8),  # its own days
])
def test_a_partial_month_counts_at_most_about_a_week_once_its_half_is_kept(
        autumn, read_ranges, first, last, most):
    expected = counted(autumn, first, last, "browser", "Chrome")
    record_lists.range_lists(autumn, [(first, last)], None, "browser", "Chrome", TODAY)
    read_ranges.clear()
    read = record_lists.range_lists(autumn, [(first, last)], None, "browser", "Chrome", TODAY)
    assert read == expected
    assert days_read(read_ranges) == most


def test_a_range_from_mid_month_counts_one_day_where_the_months_pairs_left_fourteen(
        autumn, read_ranges):
    ranges = [("2026-09-17", "2026-10-10")]
    record_lists.range_lists(autumn, ranges, None, "country", "FR", TODAY)
    read_ranges.clear()
    record_lists.range_lists(autumn, ranges, None, "country", "FR", TODAY)
    # September: its month's pairs less its kept first half and the 16th; October: its month's
    # pairs (its other days have no views).
    assert read_ranges == [("2026-09-16", "2026-09-16")]


def test_a_kept_half_whose_days_were_summed_up_again_is_counted_again(autumn, days_hits):
    first, last = "2026-09-10", "2026-09-30"  # the pairs less the first half, plus 10th-15th
    record_lists.range_lists(autumn, [(first, last)], None, "browser", "Chrome", TODAY)
    kept_before = autumn.execute("select records_crc, lists from half_month_lists").fetchall()
    assert len(kept_before) == 1
    # An import brings the rest of the 5th (a log split mid-day): its records change.
    later = [record.Hit(hit.ts + 60, hit.day, hit.site, hit.page, hit.ref, "198.51.100.7",
                        hit.user_agent, hit.traits) for hit in days_hits["2026-09-05"][:40]]
    bulk.record_days(autumn, [later], RULES, TODAY)
    expected = counted(autumn, first, last, "browser", "Chrome")
    read = record_lists.range_lists(autumn, [(first, last)], None, "browser", "Chrome", TODAY)
    assert read == expected
    kept_after = autumn.execute("select records_crc, lists from half_month_lists").fetchall()
    assert kept_after[0][0] != kept_before[0][0]  # kept again, with the new records' checksum
    assert sum(c[1] for c in read["page"].values()) > 0


def test_only_a_visitor_traits_halves_are_kept(autumn):
    # A page, referrer or campaign matches few records: counting its days is cheap, and its
    # halves would be most of the rows (one for every page).
    for filter_name, filter_value in FILTERS:
        record_lists.range_lists(autumn, [("2026-09-08", "2026-09-22")], None, filter_name,
                                 filter_value, TODAY)
    assert {row[0] for row in kept_halves(autumn)} == {"browser", "country"}


def test_a_value_with_no_views_in_the_half_keeps_nothing(autumn):
    record_lists.range_lists(autumn, [("2026-09-10", "2026-09-30")], None, "browser",
                             "Netscape", TODAY)
    assert kept_halves(autumn) == []


def test_a_read_that_cannot_keep_its_half_still_answers(db_path, days_hits):
    conn = database.connect(db_path)
    if database.is_postgres(conn):
        conn.close()
        pytest.skip("a PostgreSQL writer locks the rows it writes, not the database")
    bulk.record_days(conn, [days_hits[day] for day in SEPTEMBER], RULES, TODAY)
    writer = database.connect(db_path)
    writer.execute("begin immediate")  # another process holds the database for writing
    try:
        read = record_lists.range_lists(conn, [("2026-09-10", "2026-09-30")], None, "browser",
                                        "Chrome", TODAY)
    finally:
        writer.execute("rollback")
        writer.close()
    assert read == counted(conn, "2026-09-10", "2026-09-30", "browser", "Chrome")
    assert kept_halves(conn) == []  # nothing kept, nothing waited for: the next read keeps it
    record_lists.range_lists(conn, [("2026-09-10", "2026-09-30")], None, "browser", "Chrome",
                             TODAY)
    assert kept_halves(conn) == [("browser", "Chrome", "2026-09", "")]
    conn.close()


def test_a_cgi_get_keeps_the_half_it_counted_and_the_next_answers_the_same(db_path, days_hits):
    # The real CGI process, on the tests' fixed clock (2026-11-28, NOON_DAY): September ended.
    conn = database.connect(db_path)
    bulk.record_days(conn, [days_hits[day] for day in SEPTEMBER], RULES, TODAY)
    query = "from=2026-09-10&to=2026-09-30&browser=Chrome&limit=500"
    first = run_cgi(db_path, "GET", query, env=FIXED_CLOCK_ENV)
    assert first.status == 200
    assert kept_halves(conn) == [("browser", "Chrome", "2026-09", "")]
    again = run_cgi(db_path, "GET", query, env=FIXED_CLOCK_ENV)
    assert again.status == 200 and again.json() == first.json()
    assert first.json()["pages"]  # the lists the half fed
    conn.close()
