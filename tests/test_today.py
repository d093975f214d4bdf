"""Today's summary kept between reads (storage/today.py): a GET of a range ending today answers
exactly what summing the whole day up again would, whatever hits, beacons and reads came in
between; a read pays only for the visitors that changed; nothing of it outlives the day."""

import random
import sqlite3

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database, today
from footfall_testing import NOON, Clock, call_app

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36"),
]
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo"]
PAGES = ["/", "/a", "/b", "/c"]
FILTERS = ["", "&browser=Firefox", "&country=DE", "&page=/a", "&device=phone", "&campaign=spring",
           "&ref=news.example", "&os=Windows"]


class Today:
    """footfall in-process on one day, its clock moving forward with each action."""

    def __init__(self, db_path):
        self.db_path = db_path
        self.clock = Clock(NOON - 6 * 3600)
        # Salts from a seeded generator: with random ones two of a few visitors share a sketch
        # register now and then, and 8 read as 7 (test_a_read_sums_up_only_the_visitors_...).
        self.app = Application(settings.Config(db=db_path, timezone="UTC"), self.clock,
                               random.Random(5).randbytes)

    def view(self, visitor, page, **fields):
        fields = dict(page=page, site="example.com", w=390 if visitor % 3 == 1 else 1280,
                      tz=ZONES[visitor % 3], **fields)
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        call_app(self.app, "POST", body=body, headers={"user_agent": AGENTS[visitor % 3]},
                 environ={"REMOTE_ADDR": f"10.0.0.{visitor}"})

    def stay(self, visitor, page, seconds):
        body = f"page={page}&site=example.com&seconds={seconds}".encode()
        call_app(self.app, "POST", body=body, headers={"user_agent": AGENTS[visitor % 3]},
                 environ={"REMOTE_ADDR": f"10.0.0.{visitor}"})

    def get(self, query, app=None):
        response = call_app(app or self.app, "GET", query=query)
        assert response.status == 200, response.body
        return response.json()

    def summed_up_again(self, query):
        """The answer without the kept summaries: today summed up from all of its views, as
        before storage/today.py. The kept ones are put back after, as they were."""
        conn = database.connect(self.db_path)
        kept = conn.execute(f"select {KEPT_COLUMNS} from today_summary").fetchall()
        conn.execute("delete from today_summary")
        try:
            other = Application(settings.Config(db=self.db_path, timezone="UTC"), self.clock)
            return self.get(query, other)
        finally:
            put_back = f"insert into today_summary ({KEPT_COLUMNS}) values ({KEPT_PARAMETERS})"
            conn.execute("delete from today_summary")
            conn.executemany(put_back, [dict(zip(KEPT_NAMES, row)) for row in kept])
            conn.close()


KEPT_NAMES = ["day", "site", "filter", "filter_value", "views_through", "beacons_through",
              "views_counted", "rows", "sketch"]
KEPT_COLUMNS = ", ".join(KEPT_NAMES)
KEPT_PARAMETERS = ", ".join(":" + name for name in KEPT_NAMES)


@pytest.mark.parametrize("seed", range(6))
def test_reads_between_hits_and_beacons_answer_what_summing_the_day_up_again_would(
        db_path, seed):
    rng = random.Random(seed)
    day = Today(db_path)
    query = "from=2026-11-27&to=2026-11-28" + rng.choice(FILTERS)
    for _step in range(60):
        action = rng.random()
        visitor = rng.randrange(1, 12)
        page = rng.choice(PAGES)
        if action < 0.55:
            extra = {}
            if rng.random() < 0.2:
                extra["q"] = "utm_campaign%3Dspring"
            if rng.random() < 0.2:
                extra["ref"] = "https://news.example/item"
            day.view(visitor, page, **extra)
        elif action < 0.8:
            day.stay(visitor, page, rng.randrange(1, 40))
        else:
            assert day.get(query) == day.summed_up_again(query)
        day.clock.now += rng.randrange(1, 300)
    assert day.get(query) == day.summed_up_again(query)


def test_a_beacon_after_a_read_changes_time_on_page_and_bounces_stay_right(db_path):
    day = Today(db_path)
    day.view(1, "/a")
    first = day.get("from=2026-11-28&to=2026-11-28")
    assert first["totals"]["bounces"] == 1
    assert first["pages"][0]["seconds"] is None
    day.clock.now += 30
    day.stay(1, "/a", 20)
    day.view(1, "/b")
    second = day.get("from=2026-11-28&to=2026-11-28")
    assert second["totals"]["bounces"] == 0
    assert second["totals"]["seconds"] == 20.0
    assert [(p["page"], p["entries"], p["seconds"]) for p in second["pages"]] == [
        ("/a", 1, 20.0), ("/b", 0, None)]


def test_a_read_sums_up_only_the_visitors_whose_views_changed(db_path):
    day = Today(db_path)
    for visitor in range(1, 9):
        day.view(visitor, "/a")
    day.get("from=2026-11-28&to=2026-11-28")
    day.view(3, "/b")
    day.stay(5, "/a", 10)

    conn = database.connect(db_path)
    statements = []
    conn.set_trace_callback(statements.append)
    rows, matching = today.summary_of(conn, "2026-11-28", None, "", "")
    conn.set_trace_callback(None)
    visitor_reads = [s for s in statements if "where visitor = " in s]
    whole_day_reads = [s for s in statements if "where day = " in s and "counted and (" in s]
    assert (len(visitor_reads), whole_day_reads) == (2, [])
    assert rows[("", "", "", "")][:2] == [8, 9]
    assert round(matching.estimate()) == 8
    conn.close()


def test_the_kept_summary_and_beacon_log_end_with_their_day(db_path):
    day = Today(db_path)
    day.view(1, "/a")
    day.stay(1, "/a", 5)
    day.get("from=2026-11-28&to=2026-11-28&browser=Firefox")
    day.clock.now += 24 * 3600
    day.view(2, "/b")  # the first request of the 29th ends the 28th
    day.get("from=2026-11-29&to=2026-11-29")
    conn = database.connect(db_path)
    kept = conn.execute("select day, filter from today_summary").fetchall()
    logged = conn.execute("select count(*) from beacon_log").fetchone()[0]
    conn.close()
    assert (kept, logged) == ([("2026-11-29", "")], 0)


@pytest.mark.sqlite_only  # a read-only SQLite file
def test_a_database_the_reader_cannot_write_still_answers_today(db_path, tmp_path):
    day = Today(db_path)
    day.view(1, "/a")
    day.view(2, "/b")
    conn = database.connect(db_path)
    conn.execute("pragma query_only = on")  # as a read-only file would: writes fail
    rows, matching = today.summary_of(conn, "2026-11-28", None, "", "")
    conn.close()
    assert rows[("", "", "", "")][:2] == [2, 2]


def test_reads_of_filters_nothing_matches_keep_nothing_and_a_day_keeps_at_most_200(db_path):
    """A public dashboard can be asked for any filter value: reads must not fill the disk."""
    day = Today(db_path)
    for n in range(today.MAX_KEPT + 10):
        day.view(1, f"/p{n}")
    for n in range(3):
        assert day.get(f"from=2026-11-28&to=2026-11-28&browser=Nothing{n}")["totals"]["visitors"] == 0
    for n in range(today.MAX_KEPT + 10):
        assert day.get(f"from=2026-11-28&to=2026-11-28&page=/p{n}")["totals"]["pageviews"] == 1
    conn = database.connect(db_path)
    kept = conn.execute("select filter, filter_value from today_summary").fetchall()
    conn.close()
    assert [k for k in kept if k[0] == "browser"] == []
    assert len(kept) == today.MAX_KEPT


@pytest.mark.sqlite_only  # SQLite's trace callback; PostgreSQL holds its lock only for two reads
def test_a_hit_can_be_written_while_a_read_sums_up_today(db_path):
    day = Today(db_path)
    for visitor in range(1, 6):
        day.view(visitor, "/a")
    writer = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    could_write = []

    def try_to_write(statement):
        # While the read goes through today's views, another process begins a write at once.
        if "from views" in statement and "where day = " in statement and not could_write:
            try:
                writer.execute("begin immediate")
                writer.execute("rollback")
                could_write.append(True)
            except sqlite3.OperationalError as exc:
                could_write.append(str(exc))

    conn = database.connect(db_path)
    conn.set_trace_callback(try_to_write)
    rows, _ = today.summary_of(conn, "2026-11-28", None, "", "")
    conn.set_trace_callback(None)
    kept = conn.execute("select views_counted from today_summary").fetchall()
    conn.close()
    writer.close()
    assert could_write == [True]
    assert rows[("", "", "", "")][:2] == [5, 5]
    assert kept == [(5,)]  # and what it summed up is kept for the next read


@pytest.mark.sqlite_only  # another connection holding SQLite's write lock
def test_a_read_while_a_writer_holds_the_database_answers_and_keeps_nothing(db_path):
    day = Today(db_path)
    day.view(1, "/a")
    day.view(2, "/b")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("begin immediate")
    try:
        conn = database.connect(db_path)
        rows, _ = today.summary_of(conn, "2026-11-28", None, "", "")
        kept = conn.execute("select count(*) from today_summary").fetchone()[0]
        conn.close()
    finally:
        writer.execute("rollback")
        writer.close()
    assert (rows[("", "", "", "")][:2], kept) == ([2, 2], 0)
