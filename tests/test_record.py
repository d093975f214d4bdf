"""The write path of a hit (storage/record.py): rollups, distinct visitors, the flood rule and the
day's cap, hours, and what a hit late for its day does."""

import pytest
from footfall.storage import record
from footfall_testing import NOON
from storage_testing import RULES, UTC, day_counts, hit, rows, table_names

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

MIDNIGHT = NOON + 12 * 3600  # 2026-11-29 00:00 UTC


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


def test_no_raw_hit_is_stored(conn):
    record.record_hit(conn, hit(page="/a", ref="https://news.example/x"), RULES)
    assert "hits" not in table_names(conn)
    assert rows(conn, "select page, counted from views") == [("/a", 1)]


def test_reloading_a_page_1000_times_in_a_minute_counts_one_visitor_and_ten_pageviews(conn):
    reasons = [record.record_hit(conn, hit(ts=NOON + i * 0.06, page="/spam"), RULES)
               for i in range(1000)]
    assert reasons.count(None) == 10
    assert reasons.count("flood") == 990
    assert day_counts(conn, "2026-11-28") == (1, 10)


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
    rules = record.Rules(flood_limit=3, flood_window_seconds=10, zone=UTC)
    reasons = [record.record_hit(conn, hit(ts=NOON + i), rules) for i in range(5)]
    assert reasons == [None, None, None, "flood", "flood"]


def test_flood_window_slides_across_midnight(conn):
    # Five reloads in the last five seconds of the day, then more after midnight: the window
    # of 60 s holds ten, whichever day they fall on.
    reasons = [record.record_hit(conn, hit(ts=MIDNIGHT - 5 + i, page="/x"), RULES)
               for i in range(12)]
    assert reasons == [None] * 10 + ["flood", "flood"]
    assert day_counts(conn, "2026-11-28") == (1, 5)
    assert day_counts(conn, "2026-11-29") == (1, 5)
    # A minute after the last counted view, the visitor may view the page again.
    assert record.record_hit(conn, hit(ts=MIDNIGHT + 65, page="/x"), RULES) is None


def test_views_carried_over_midnight_do_not_count_as_the_next_days_visitor(conn):
    record.record_hit(conn, hit(ts=MIDNIGHT - 10, page="/a"), RULES)
    # Carried to the 29th, keyed by its salt, but only for the flood rule.
    assert rows(conn, "select day, page, counted from views order by counted") == [
        ("2026-11-29", "/a", 0), ("2026-11-28", "/a", 1)]
    record.record_hit(conn, hit(ts=MIDNIGHT + 10, page="/a"), RULES)
    assert day_counts(conn, "2026-11-29") == (1, 1)
    assert day_counts(conn, "2026-11-29", page="/a") == (1, 1)


def test_a_visitor_is_capped_per_day_across_pages(conn):
    rules = record.Rules(daily_limit=300, zone=UTC)
    reasons = [record.record_hit(conn, hit(ts=NOON + i, page=f"/rotating-{i}"), rules)
               for i in range(305)]
    assert reasons.count(None) == 300
    assert reasons[300:] == ["flood"] * 5
    assert day_counts(conn, "2026-11-28") == (1, 300)
    assert rows(conn, "select count(*) from daily_page") == [(300,)]
    # Another visitor is not held back by the first one's cap.
    assert record.record_hit(conn, hit(ts=NOON + 400, ip="192.0.2.2", page="/new"), rules) is None


def test_hours_count_pageviews_and_each_visitor_in_the_hour_of_their_first_view(conn):
    record.record_hit(conn, hit(ts=NOON + 60), RULES)  # 12:01
    record.record_hit(conn, hit(ts=NOON + 1800, page="/b"), RULES)  # 12:30, same visitor
    record.record_hit(conn, hit(ts=NOON + 3700, page="/c"), RULES)  # 13:01, same visitor
    record.record_hit(conn, hit(ts=NOON + 3800, ip="192.0.2.2"), RULES)  # 13:03, another
    assert rows(conn, "select hour, visitors, pageviews from hourly_site order by hour") == [
        (12, 1, 2), (13, 1, 2)]


def test_external_referrers_are_rolled_up_by_host_and_internal_ones_skipped(conn):
    record.record_hit(conn, hit(ref="https://news.ycombinator.com/item"), RULES)
    record.record_hit(conn, hit(ip="192.0.2.9", ref="https://www.google.com/"), RULES)
    record.record_hit(conn, hit(page="/b", ref="https://example.com/"), RULES)
    record.record_hit(conn, hit(page="/c", ref="https://www.example.com/x"), RULES)
    assert rows(conn, "select ref, pageviews from daily_ref order by ref") == [
        ("news.ycombinator.com", 1), ("www.google.com", 1)]


def test_sites_are_counted_apart(conn):
    record.record_hit(conn, hit(site="a.example"), RULES)
    record.record_hit(conn, hit(site="b.example"), RULES)
    assert day_counts(conn, "2026-11-28", site="a.example") == (1, 1)
    assert day_counts(conn, "2026-11-28") == (2, 2)


def test_back_dated_hits_follow_the_same_rules(conn):
    past = NOON - 30 * 86400
    reasons = [record.record_hits(conn, [hit(ts=past + i)], RULES)[0] for i in range(12)]
    assert reasons.count("flood") == 2
    assert day_counts(conn, "2026-10-29") == (1, 10)


def test_salt_source_is_passed_in(conn):
    record.record_hit(conn, hit(), RULES, new_salt=lambda n: b"\x07" * n)
    assert rows(conn, "select day, salt from salts") == [("2026-11-28", b"\x07" * 32)]


# The repro of issue 8: hits at 23:59:59 and 00:00:01, then a third stamped 23:59:59.5 from the
# first visitor, whose request waited for the lock across midnight.
def test_a_hit_late_for_its_ended_day_counts_its_pageview_without_a_new_salt(conn):
    def today(day):
        return lambda: day

    first = hit(ts=MIDNIGHT - 1, ip="192.0.2.1")
    assert record.record_hit(conn, first, RULES, today("2026-11-28")) is None
    second = hit(ts=MIDNIGHT + 1, ip="192.0.2.2")
    assert record.record_hit(conn, second, RULES, today("2026-11-29")) is None
    late = hit(ts=MIDNIGHT - 0.5, ip="192.0.2.1", page="/late")
    assert late.day == "2026-11-28"
    assert record.record_hit(conn, late, RULES, today("2026-11-29")) is None
    assert day_counts(conn, "2026-11-28") == (1, 2)
    assert day_counts(conn, "2026-11-28", page="/late") == (0, 1)
    assert rows(conn, "select day from salts") == [("2026-11-29",)]
    assert rows(conn, "select distinct day from views") == [("2026-11-29",)]


def test_a_hit_late_for_a_day_whose_salt_still_exists_counts_in_that_day(conn):
    record.record_hit(conn, hit(ts=MIDNIGHT - 30, ip="192.0.2.1"), RULES, lambda: "2026-11-28")
    late = hit(ts=MIDNIGHT - 0.5, ip="192.0.2.3", page="/late")
    assert record.record_hit(conn, late, RULES, lambda: "2026-11-29") is None
    assert day_counts(conn, "2026-11-28") == (2, 2)
    # The late hit was the first request of the new day: the old day ended with it.
    assert rows(conn, "select day from salts where day < '2026-11-29'") == []


@pytest.mark.parametrize("page", ["/a", "/b"], ids=["same-page", "other-page"])
def test_late_hit_without_salt_is_never_a_flood_or_a_visitor(conn, page):
    record.record_hit(conn, hit(ts=MIDNIGHT + 1, ip="192.0.2.2"), RULES, lambda: "2026-11-29")
    late = hit(ts=MIDNIGHT - 1, page=page)
    assert record.record_hit(conn, late, RULES, lambda: "2026-11-29") is None
    assert day_counts(conn, "2026-11-28", page=page) == (0, 1)
