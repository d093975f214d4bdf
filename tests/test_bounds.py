"""What an ended day can leave (bounds.py): the hostile day through the real write path leaves at
most 5 MB, a dimension past its cap counts the rest as "(other)" with every total exact, a real
site's day is untouched by the caps, and no row pairs two visitor traits for a value fewer than
K visits of the day held."""

import datetime
import os
import sys

import pytest
from footfall import bounds, summary
from footfall.storage import breakdown_reader, bulk, days, record
from footfall_testing import NOON, SCRIPTS
from storage_testing import RULES, month_pairs_of

sys.path.insert(0, os.path.join(SCRIPTS, "benchmark"))
import day_bound  # noqa: E402

DAY = "2026-11-28"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def view(visitor, page, ts=NOON, country="DE", browser="Firefox"):
    return summary.View(visitor, visitor, ts, 12, page, "", browser, "Linux", "desktop",
                        country, "de", "")


@pytest.mark.sqlite_only
def test_a_hostile_day_leaves_at_most_5_mb(tmp_path):
    before, after, _ = day_bound.hostile_bytes(day_bound.hostile_posts(),
                                               str(tmp_path / "hostile.db"))
    assert after - before <= 5_000_000


def test_a_dimension_past_its_cap_counts_the_rest_as_other():
    cap = bounds.CAPS["page"]
    # /top read by two visitors, then cap + 1 pages read once each, one a second.
    views = [view(0, "/top"), view(1, "/top")] + [
        view(i + 2, f"/p{i}", NOON + i) for i in range(cap + 1)]
    packed, _, _ = summary.summarize_day(views)
    pages = {key[3]: summary.unpack(counts) for key, counts in packed.items()
             if key[:3] == ("", "", "page")}
    assert len(pages) == cap + 1  # cap pages and "(other)"
    assert pages["/top"][:2] == [2, 2]
    assert pages[bounds.OTHER][:2] == [2, 2]  # the two pages seen last
    assert f"/p{cap - 1}" not in pages and f"/p{cap}" not in pages and f"/p{cap - 2}" in pages
    assert summary.unpack(packed["", "", "", ""])[:2] == [cap + 3, cap + 3]
    assert sum(counts[1] for counts in pages.values()) == cap + 3


def test_event_names_past_their_cap_count_as_other():
    columns = dict({name: "" for name in bounds.CAPS}, page="/", hour=12)
    hits = [(f"e{i}", i, columns) for i in range(bounds.EVENT_CAP + 2)]
    names = [name for name, _, _ in bounds.cap_events(hits)]
    assert names.count(bounds.OTHER) == 2
    assert len(set(names)) == bounds.EVENT_CAP + 1


def test_a_real_sites_day_is_unchanged_by_the_caps():
    hits, _ = day_bound.demo_day()
    rules = record.Rules(zone=datetime.timezone.utc)
    _, _, counted, _ = bulk.count_day(hits, rules, b"salt")
    views = bulk.summary_views(hits, counted, b"salt", b"month")["example.com"]
    before = [[getattr(v, name) for name in summary.View.__slots__] for v in views]
    bounds.cap_views(views)
    assert [[getattr(v, name) for name in summary.View.__slots__] for v in views] == before


@pytest.mark.both_backends
def test_a_rare_trait_is_not_paired_with_another(conn):
    # Three Firefox visitors from Germany, one from Iceland: Iceland is held by one visit.
    hits = [record.Hit(NOON + i, DAY, "example.com", "/", "", f"192.0.2.{i}", FIREFOX,
                       {"browser": "Firefox", "country": country})
            for i, country in enumerate(["DE", "DE", "DE", "IS"])]
    record.record_hits(conn, hits, RULES)
    days.close_ended_days(conn, "2026-11-29")
    daily = {tuple(row[:4]): row[4] for row in conn.execute(
        "select filter, filter_value, dim, value, visitors from daily_breakdown")}
    assert daily[("", "", "country", "IS")] == 1  # a value's own counts stay exact
    iceland = breakdown_reader.Reader(conn, DAY, DAY, None, "country", "IS", "2026-11-29", None)
    assert iceland.totals("")[""][0] == 1  # its filter's totals: its list row (value_days.py)
    # A day keeps no pairs as rows: its records hold them, folded (records.py).
    assert not [key for key in daily if key[0] and key[2]]
    monthly = {key[:3] + key[5:]: counts[0] for key, counts in month_pairs_of(conn).items()}
    assert monthly[("browser", "Firefox", "country", "DE")] == 3
    assert monthly[("country", "DE", "browser", "Firefox")] == 3
    assert not [key for key in monthly if "IS" in (key[1], key[3])]


@pytest.mark.both_backends
def test_pages_past_the_cap_leave_the_page_rollups(conn):
    cap = bounds.CAPS["page"]
    hits = [record.Hit(NOON + i, DAY, "example.com", f"/p{i}", "", f"10.0.{i // 250}.{i % 250}",
                       FIREFOX) for i in range(cap + 2)]
    record.record_hits(conn, hits, RULES)
    days.close_ended_days(conn, "2026-11-29")
    pages = dict(conn.execute("select page, pageviews from daily_page").fetchall())
    months = dict(conn.execute("select page, pageviews from monthly_page").fetchall())
    assert len(pages) == cap + 1 and pages[bounds.OTHER] == 2
    assert months == pages


@pytest.mark.both_backends
def test_referrers_past_the_cap_leave_the_referrer_rollups(conn):
    cap = bounds.CAPS["ref"]
    hits = [record.Hit(NOON + i, DAY, "example.com", "/", f"https://r{i}.example/",
                       f"10.0.{i // 250}.{i % 250}", FIREFOX) for i in range(cap + 2)]
    record.record_hits(conn, hits, RULES)
    days.close_ended_days(conn, "2026-11-29")
    refs = dict(conn.execute("select ref, pageviews from daily_ref").fetchall())
    months = dict(conn.execute("select ref, pageviews from monthly_ref").fetchall())
    assert len(refs) == cap + 1 and refs[bounds.OTHER] == 2
    assert months == refs
