"""An ended day's event sums in one monthly_event row per filter value, event, month and site
(schema 26, storage/event_months.py): the month's days in one blob, any range read from it to
the day, and a database of schema 25 migrated with every answer kept."""

import pytest
from footfall.storage import database, event_months
from footfall_testing import NOON
from hypothesis import given
from hypothesis import strategies as st
from storage_testing import rows
from test_events import DAY, Site, three_days_of_events

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

QUERIES = ["", "event=signup", "event=outbound%3A%20github.com", "browser=Firefox",
           "page=/pricing", "country=US", "from=2026-11-27&to=2026-11-27&event=signup",
           "from=2026-11-26&to=2026-11-27&event=signup&browser=Firefox", "format=csv",
           "format=csv&event=signup"]


@pytest.fixture
def site(db_path):
    return three_days_of_events(db_path)


def month_rows(conn, event):
    return {(f, fv): event_months.decode(days) for f, fv, days in conn.execute(
        "select filter, filter_value, days from monthly_event where event = :event",
        {"event": event})}


def test_an_ended_days_events_are_one_row_a_month_for_each_filter_value(site, db_path):
    conn = database.connect(db_path)
    try:
        signups = month_rows(conn, "signup")
    finally:
        conn.close()
    # The 26th and 27th have ended (the 28th's hits wait for its end): one Firefox visitor from
    # Berlin signed up on /pricing each day.
    assert signups[("", "")] == {26: (1, 1), 27: (1, 1)}
    assert signups[("page", "/pricing")] == {26: (1, 1), 27: (1, 1)}
    assert signups[("browser", "Firefox")] == {26: (1, 1), 27: (1, 1)}
    assert sorted(signups) == [("", ""), ("browser", "Firefox"), ("country", "DE"),
                               ("device", "desktop"), ("hour", "12"), ("os", "Linux"),
                               ("page", "/pricing")]


def test_a_range_across_two_months_counts_its_days_and_no_others(db_path):
    october = Site(db_path, now=NOON - 30 * DAY)  # 2026-10-29, noon
    for day in range(5):  # the 29th, 30th and 31st of October, the 1st and 2nd of November
        october.post(ip=f"10.0.1.{day}", page="/pricing", event="signup")
        october.clock.now += DAY
    october.clock.now = NOON
    events = october.get("from=2026-10-30&to=2026-11-01")["events"]
    assert events == [{"event": "signup", "visitors": 3, "count": 3, "conversion": None}]
    series = october.get("from=2026-10-31&to=2026-11-02&event=signup")["pageviews"]
    assert [n for _ms, n in series] == [1, 1, 1]


def test_migration_26_moves_each_days_events_with_every_answer_kept(site, db_path):
    before = {query: site.get(query) for query in QUERIES if "csv" not in query}
    conn = database.connect(db_path)
    stored = rows(conn, "select filter, filter_value, event, month, site, days"
                        " from monthly_event order by 1, 2, 3, 4, 5")

    def back_to_25(conn):  # schema 25's table: a row a day
        conn.execute(event_months.DAILY_EVENT)
        for f, fv, name, month, site_name, days in stored:
            for day, (visitors, count) in event_months.decode(days).items():
                conn.execute("insert into daily_event values (?, ?, ?, ?, ?, ?, ?)",
                             (f, fv, name, f"{month}-{day:02d}", site_name, visitors, count))
        conn.execute("drop table monthly_event")
        conn.execute("pragma user_version = 25")

    database.in_transaction(conn, back_to_25)
    assert rows(conn, "select count(*) from daily_event") == [(30,)]
    conn.close()
    conn = database.connect(db_path)  # migrates
    try:
        assert [(f, fv, e, m, s, bytes(d)) for f, fv, e, m, s, d in rows(
            conn, "select filter, filter_value, event, month, site, days from monthly_event"
                  " order by 1, 2, 3, 4, 5")] == [row[:5] + (bytes(row[5]),) for row in stored]
    finally:
        conn.close()
    assert {query: site.get(query) for query in before} == before
    assert before["event=signup"]["totals"]["pageviews"] == 3


@given(st.dictionaries(st.integers(1, 31), st.tuples(st.integers(0, 2**40), st.integers(0, 2**40))))
def test_a_months_days_are_read_back_as_written_however_large_their_counts(days):
    assert event_months.decode(event_months.encode(days)) == days
