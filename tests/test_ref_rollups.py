"""A referrer's day and month rollups (schema 27, storage/ref_rollups.py): a range's referrers
read from whole months and the days at its ends add up as its days do; a database of schema 26
gets its months summed up from its days."""

import pytest
from footfall.storage import database, record, totals
from footfall_testing import NOON
from storage_testing import RULES, hit, rows

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

DAY = 86400
HOSTS = ["https://news.ycombinator.com/item", "https://www.google.com/", "https://lobste.rs/s"]


def referrals(conn, days):
    """A visitor a day for each of days (counted back from the 28th of November, noon), each
    from one of HOSTS in turn, the second host twice a day."""
    for n in range(days):
        ts = NOON - n * DAY
        record.record_hit(conn, hit(ts=ts, ip="192.0.2.1", ref=HOSTS[n % 3]), RULES)
        record.record_hit(conn, hit(ts=ts + 1, ip="192.0.2.2", page="/b", ref=HOSTS[1]), RULES)


def by_the_days(conn, first, last):
    """What the range's referrers are by definition: daily_ref's rows summed."""
    sums = {}
    for ref, pageviews in rows(conn, f"select ref, pageviews from daily_ref"
                                     f" where day between '{first}' and '{last}'"):
        sums[ref] = sums.get(ref, 0) + pageviews
    return [{"ref": ref, "pageviews": n} for ref, n in
            sorted(sums.items(), key=lambda item: (-item[1], item[0]))]


@pytest.mark.parametrize("first, last", [("2026-09-15", "2026-11-28"), ("2026-10-01", "2026-10-31"),
                                         ("2026-08-01", "2026-11-03"), ("2026-11-02", "2026-11-05")])
def test_a_ranges_referrers_from_whole_months_add_up_as_its_days_do(conn, first, last):
    referrals(conn, 100)  # 2026-08-21 to 2026-11-28
    months = rows(conn, "select month, sum(pageviews) from monthly_ref group by month order by 1")
    assert months == [("2026-08", 22), ("2026-09", 60), ("2026-10", 62), ("2026-11", 56)]
    expected = by_the_days(conn, first, last)
    assert expected and totals.top_referrers(conn, first, last) == expected


def test_migration_27_sums_each_months_referrers_up_from_its_days(conn, db_path):
    referrals(conn, 40)
    before = rows(conn, "select month, site, ref, pageviews from monthly_ref order by 1, 2, 3")
    assert len(before) == 6  # three hosts in October and in November

    def back_to_26(conn):
        conn.execute("drop table monthly_ref")
        conn.execute("pragma user_version = 26")

    database.in_transaction(conn, back_to_26)
    migrated = database.connect(db_path)
    try:
        assert rows(migrated, "select month, site, ref, pageviews from monthly_ref"
                              " order by 1, 2, 3") == before
    finally:
        migrated.close()
