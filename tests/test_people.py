"""An ended month keeps no sketch: each filter value's distinct people become one number, kept
only from people.K up, and whatever is not kept as a number counts by day. Nothing stored then
tells that two visits on different days were one person. Through the WSGI callable with the
clock passed in, on both backends."""

import pytest
from footfall.storage import database, people
from footfall_testing import NOON
from test_insights import DAY, FIREFOX, IPHONE, Site

pytestmark = pytest.mark.both_backends

OCT_3 = NOON - 56 * DAY  # noon of 2026-10-03; NOON is noon of 2026-11-28
CLINIC = "/clinic/appointment"


def counts(db_path, sql):
    conn = database.connect(db_path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def lone_visitor_of_a_rare_page(db_path):
    """One person who alone reads a rare page on Oct 3 and again on Oct 9, among three others
    who read the home page on both days."""
    site = Site(db_path, now=OCT_3)
    for day in (0, 6):
        site.clock.now = OCT_3 + day * DAY
        site.view("10.0.0.9", FIREFOX, CLINIC)
        for n in range(3):
            site.view(f"10.0.1.{n}", IPHONE, "/")
    return site


def test_a_lone_visitor_of_an_ended_month_is_not_one_person_on_two_days(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = NOON
    totals = site.get(f"from=2026-10-03&to=2026-10-09&page={CLINIC}")["totals"]
    assert (totals["visitors"], totals["unique"], totals["unique_by"]) == (2, 2, "day")


def test_within_its_month_a_visitor_on_two_days_counts_once(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = OCT_3 + 7 * DAY
    totals = site.get(f"from=2026-10-03&to=2026-10-09&page={CLINIC}")["totals"]
    assert (totals["visitors"], totals["unique"], totals["unique_by"]) == (2, 1, "range")


def test_an_ended_month_keeps_no_sketch_and_only_the_people_of_k_or_more(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = NOON
    site.get("from=2026-11-28&to=2026-11-28")  # the month's first request after October
    assert counts(db_path, "select count(*) from daily_unique where day < '2026-11'") == 0
    assert counts(db_path, "select count(*) from monthly_unique where month < '2026-11'") == 0
    conn = database.connect(db_path)
    try:
        kept = sorted((f, v, n) for f, v, _site, n in people.month_people(conn, "2026-10"))
    finally:
        conn.close()
    # Four people in all, three of them on the iPhone and on the home page; the clinic's one
    # reader and Firefox's are fewer than K and kept as no number.
    assert ("", "", 4) in kept and ("page", "/", 3) in kept and ("browser", "Safari", 3) in kept
    assert not [row for row in kept if row[1] in (CLINIC, "Firefox")]
    assert all(n >= people.K for _f, _v, n in kept)


def test_a_whole_ended_month_reads_its_kept_people(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = NOON
    totals = site.get("from=2026-10-01&to=2026-10-31")["totals"]
    assert (totals["visitors"], totals["unique"], totals["unique_by"]) == (8, 4, "range")


def test_a_whole_ended_month_of_fewer_than_k_people_counts_by_day(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = NOON
    totals = site.get(f"from=2026-10-01&to=2026-10-31&page={CLINIC}")["totals"]
    assert (totals["visitors"], totals["unique"], totals["unique_by"]) == (2, 2, "day")


def test_a_range_over_an_ended_month_and_this_one_adds_the_kept_month_to_this_ones_people(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = NOON - DAY  # Nov 27: the four come back, once each
    site.view("10.0.0.9", FIREFOX, "/")
    for n in range(3):
        site.view(f"10.0.1.{n}", IPHONE, "/")
    site.clock.now = NOON
    totals = site.get("from=2026-10-01&to=2026-11-28")["totals"]
    assert (totals["visitors"], totals["unique"], totals["unique_by"]) == (12, 8, "month")


def test_a_database_from_before_the_rule_seals_its_ended_months_at_its_first_request(db_path):
    site = lone_visitor_of_a_rare_page(db_path)
    site.clock.now = NOON
    site.get("from=2026-11-28&to=2026-11-28")
    # Put October's sketches back as a database of schema 15 kept them: a request that finds
    # them seals them again.
    conn = database.connect(db_path)
    database.in_transaction(conn, lambda conn: conn.execute(
        "insert into daily_unique (filter, filter_value, day, site, sketch)"
        " values ('', '', '2026-10-03', 'example.com', :sketch)", {"sketch": b""}))
    conn.close()
    site.app = Site(db_path, now=NOON).app  # a new process: it looks for ended days again
    site.get("from=2026-11-28&to=2026-11-28")
    assert counts(db_path, "select count(*) from daily_unique where day < '2026-11'") == 0
