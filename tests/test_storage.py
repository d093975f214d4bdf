"""Storage: schema, the write path with its counting rules, rollups and what stays on disk."""

import os
import sqlite3

import pytest
from footfall import counting
from footfall.storage import database, record, totals
from footfall_testing import BROWSER_UA, NOON

RULES = record.Rules()
UTC = None


def hit(ts=NOON, page="/", ip="192.0.2.1", agent=BROWSER_UA, site="example.com", ref=""):
    return record.Hit(ts, counting.day_of(ts, _utc()), site, page, ref, ip, agent)


def _utc():
    import zoneinfo

    return zoneinfo.ZoneInfo("UTC")


@pytest.fixture
def conn(db_path):
    conn = database.connect(db_path)
    yield conn
    conn.close()


def day_counts(conn, day, **params):
    return totals.read_days(conn, day, day, **params).get(day, (0, 0))


def test_new_database_gets_the_current_schema_in_wal_mode(conn):
    assert database.schema_version(conn) == database.SCHEMA_VERSION
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_migrate_twice_changes_nothing(db_path, conn):
    database.connect(db_path).close()
    assert database.schema_version(conn) == database.SCHEMA_VERSION


def test_database_from_a_newer_footfall_is_refused(db_path, conn):
    conn.execute(f"pragma user_version = {database.SCHEMA_VERSION + 1}")
    with pytest.raises(database.StorageError, match="newer than this footfall"):
        database.connect(db_path)


def test_hit_updates_site_and_page_rollups(conn):
    assert record.record_hit(conn, hit(page="/a"), RULES) is None
    assert day_counts(conn, "2026-11-28") == (1, 1)
    assert day_counts(conn, "2026-11-28", page="/a") == (1, 1)
    assert day_counts(conn, "2026-11-28", page="/b") == (0, 0)


def test_visitors_are_distinct_per_day_and_pageviews_are_every_hit(conn):
    for i, page in enumerate(["/a", "/b", "/a", "/c"]):
        record.record_hit(conn, hit(ts=NOON + i * 100, page=page), RULES)
    record.record_hit(conn, hit(ts=NOON + 500, page="/a", ip="192.0.2.2"), RULES)
    assert day_counts(conn, "2026-11-28") == (2, 5)
    assert day_counts(conn, "2026-11-28", page="/a") == (2, 3)
    assert day_counts(conn, "2026-11-28", page="/b") == (1, 1)


def test_same_person_next_day_is_a_new_visitor(conn):
    record.record_hit(conn, hit(ts=NOON), RULES)
    record.record_hit(conn, hit(ts=NOON + 86400), RULES)
    assert day_counts(conn, "2026-11-28") == (1, 1)
    assert day_counts(conn, "2026-11-29") == (1, 1)


def test_reloading_a_page_1000_times_in_a_minute_counts_one_visitor_and_ten_pageviews(conn):
    reasons = [record.record_hit(conn, hit(ts=NOON + i * 0.06, page="/spam"), RULES)
               for i in range(1000)]
    assert reasons.count(None) == 10
    assert reasons.count("flood") == 990
    assert day_counts(conn, "2026-11-28") == (1, 10)
    assert conn.execute("select count(*) from hits").fetchone()[0] == 10


def test_flood_limit_is_per_page(conn):
    for i in range(15):
        record.record_hit(conn, hit(ts=NOON + i, page="/a"), RULES)
        record.record_hit(conn, hit(ts=NOON + i, page="/b"), RULES)
    assert day_counts(conn, "2026-11-28", page="/a") == (1, 10)
    assert day_counts(conn, "2026-11-28", page="/b") == (1, 10)


def test_flood_window_slides(conn):
    for i in range(12):
        record.record_hit(conn, hit(ts=NOON + i), RULES)  # 10 counted, 2 flood
    assert record.record_hit(conn, hit(ts=NOON + 59), RULES) == "flood"
    # 60.5 s after the first view it has left the window: one more fits.
    assert record.record_hit(conn, hit(ts=NOON + 60.5), RULES) is None
    assert record.record_hit(conn, hit(ts=NOON + 60.6), RULES) == "flood"
    assert day_counts(conn, "2026-11-28") == (1, 11)


def test_flood_rule_follows_configured_numbers(conn):
    rules = record.Rules(flood_limit=3, flood_window_seconds=10)
    reasons = [record.record_hit(conn, hit(ts=NOON + i), rules) for i in range(5)]
    assert reasons == [None, None, None, "flood", "flood"]


def test_new_day_deletes_earlier_salts_and_views(conn):
    record.record_hit(conn, hit(ts=NOON), RULES)
    record.record_hit(conn, hit(ts=NOON + 86400), RULES)
    assert [r[0] for r in conn.execute("select day from salts")] == ["2026-11-29"]
    assert {r[0] for r in conn.execute("select day from views")} == {"2026-11-29"}


def test_back_dated_hits_follow_the_same_rules(conn):
    past = NOON - 30 * 86400
    reasons = [record.record_hits(conn, [hit(ts=past + i)], RULES)[0] for i in range(12)]
    assert reasons.count("flood") == 2
    assert day_counts(conn, "2026-10-29") == (1, 10)


def test_forget_days_before_removes_salts_made_for_back_dated_work(conn):
    record.record_hits(conn, [hit(ts=NOON - 86400 * 3), hit(ts=NOON - 86400 * 2)], RULES)
    record.forget_days_before(conn, "2026-11-28")
    assert conn.execute("select count(*) from salts").fetchone()[0] == 0
    assert conn.execute("select count(*) from views").fetchone()[0] == 0


def test_raw_hits_past_retention_are_pruned_and_rollups_stay(conn):
    rules = record.Rules(retention_days=30)
    record.record_hit(conn, hit(ts=NOON - 40 * 86400), rules)
    record.record_hit(conn, hit(ts=NOON - 10 * 86400), rules)
    record.record_hit(conn, hit(ts=NOON), rules)  # first hit of a day prunes
    assert conn.execute("select count(*) from hits").fetchone()[0] == 2
    assert day_counts(conn, "2026-10-19") == (1, 1)


def test_prune_hits_returns_how_many_went(conn):
    record.record_hit(conn, hit(ts=NOON - 10), RULES)
    record.record_hit(conn, hit(ts=NOON, page="/b"), RULES)
    assert record.prune_hits(conn, NOON - 5) == 1
    assert day_counts(conn, "2026-11-28") == (1, 2)


def test_external_referrers_are_rolled_up_by_host_and_internal_ones_skipped(conn):
    record.record_hit(conn, hit(ref="https://news.ycombinator.com/item"), RULES)
    record.record_hit(conn, hit(ip="192.0.2.9", ref="https://www.google.com/"), RULES)
    record.record_hit(conn, hit(page="/b", ref="https://example.com/"), RULES)
    record.record_hit(conn, hit(page="/c", ref="https://www.example.com/x"), RULES)
    refs = totals.top_referrers(conn, "2026-11-28", "2026-11-28")
    assert refs == [{"ref": "news.ycombinator.com", "pageviews": 1},
                    {"ref": "www.google.com", "pageviews": 1}]


def test_top_pages_most_visitors_first(conn):
    for i, ip in enumerate(["192.0.2.1", "192.0.2.2", "192.0.2.3"]):
        record.record_hit(conn, hit(ts=NOON + i, page="/popular", ip=ip), RULES)
    record.record_hit(conn, hit(page="/quiet"), RULES)
    record.record_hit(conn, hit(ts=NOON + 5, page="/quiet"), RULES)
    assert totals.top_pages(conn, "2026-11-28", "2026-11-28") == [
        {"page": "/popular", "visitors": 3, "pageviews": 3},
        {"page": "/quiet", "visitors": 1, "pageviews": 2}]


def test_sites_are_counted_apart(conn):
    record.record_hit(conn, hit(site="a.example"), RULES)
    record.record_hit(conn, hit(site="b.example"), RULES)
    assert day_counts(conn, "2026-11-28", site="a.example") == (1, 1)
    assert day_counts(conn, "2026-11-28") == (2, 2)
    assert totals.first_day(conn, site="c.example") is None


def test_no_ip_address_is_written_to_disk(db_path, conn):
    ips = ["203.0.113.77", "2001:db8::beef", "198.51.100.42"]
    for i, ip in enumerate(ips):
        record.record_hit(conn, hit(ts=NOON + i, ip=ip, page=f"/p{i}"), RULES)
    conn.close()
    blob = b"".join(open(p, "rb").read() for p in (db_path, db_path + "-wal")
                    if os.path.exists(p))
    for ip in ips:
        assert ip.encode() not in blob
        assert ip.encode("utf-16-le") not in blob
    packed = [bytes(int(part) for part in "203.0.113.77".split("."))]
    assert not any(p in blob for p in packed)


def test_locked_database_is_retried_until_free(db_path, conn):
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("begin immediate")
    conn.execute("pragma busy_timeout = 50")  # fail fast into the retry loop
    import threading

    releaser = threading.Timer(0.3, lambda: other.execute("commit"))
    releaser.start()
    try:
        assert record.record_hit(conn, hit(), RULES) is None
    finally:
        releaser.join()
        other.close()
    assert day_counts(conn, "2026-11-28") == (1, 1)


def test_database_locked_for_too_long_raises_database_busy(db_path, conn, monkeypatch):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("begin immediate")
    conn.execute("pragma busy_timeout = 10")
    monkeypatch.setattr(database, "WRITE_ATTEMPTS", 2)
    try:
        with pytest.raises(database.DatabaseBusy):
            record.record_hit(conn, hit(), RULES)
    finally:
        other.execute("rollback")
        other.close()


def test_backup_is_a_consistent_copy(tmp_path, conn):
    record.record_hit(conn, hit(), RULES)
    target = str(tmp_path / "copy.db")
    database.backup(conn, target)
    copy = database.connect(target)
    assert totals.read_days(copy, "2026-11-28", "2026-11-28") == {"2026-11-28": (1, 1)}


@pytest.mark.parametrize("query", [
    totals.SELECT_SITE_DAYS, totals.SELECT_PAGE_DAYS, totals.SELECT_FIRST_SITE_DAY,
    totals.SELECT_FIRST_PAGE_DAY, totals.SELECT_TOP_PAGES, totals.SELECT_TOP_REFERRERS,
], ids=["site-days", "page-days", "first-site-day", "first-page-day", "top-pages",
        "top-referrers"])
@pytest.mark.parametrize("site", [None, "example.com"], ids=["all-sites", "one-site"])
def test_read_queries_use_an_index_and_never_touch_hits(conn, query, site):
    params = {"first": "2026-01-01", "last": "2026-12-31", "site": site, "page": "/a",
              "limit": 50}
    plan = [row[-1] for row in conn.execute("explain query plan " + query, params)]
    assert plan[0].startswith("SEARCH daily_"), plan  # a rollup table, through an index
    assert all(step.startswith(("SEARCH daily_", "USE TEMP B-TREE")) for step in plan), plan
