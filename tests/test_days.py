"""The life of a day (storage/days.py): a salt and its views die with their day, whatever traffic
there is, and their bytes do not linger in the database or its WAL."""

import os

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database, days, record
from footfall_testing import FIXED_CLOCK_ENV, NOON, Clock, call_app, run_cgi
from storage_testing import RULES, hit, rows

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

SALT = b"\x5a\xa5" * 16  # the day's salt
MONTH_SALT = b"\x3c\xc3" * 16  # the month's, which outlives the day (test_months_salt_ends_...)


def salt_source():
    """The salts a first hit makes, in order: its day's, then its month's."""
    salts = iter([SALT, MONTH_SALT])
    return lambda n: next(salts)[:n]


def file_bytes(db_path):
    return b"".join(open(p, "rb").read() for p in (db_path, db_path + "-wal", db_path + "-shm")
                    if os.path.exists(p))


def test_closing_ends_the_days_before_today_only(conn):
    record.record_hit(conn, hit(ts=NOON - 86400), RULES)
    record.record_hit(conn, hit(ts=NOON), RULES)  # the 28th's first hit ended the 27th already
    assert days.close_ended_days(conn, "2026-11-28") is False
    assert days.close_ended_days(conn, "2026-11-29") is True
    assert rows(conn, "select count(*) from salts") == [(0,)]
    assert rows(conn, "select count(*) from views") == [(0,)]


@pytest.mark.sqlite_only  # an SQLite file's bytes; test_postgres.py scans PostgreSQL's
def test_closed_days_leave_no_salt_bytes_in_the_database_or_its_wal(db_path, conn):
    record.record_hit(conn, hit(), RULES, new_salt=salt_source())
    assert SALT in file_bytes(db_path)
    days.close_ended_days(conn, "2026-11-29")
    assert os.path.getsize(db_path + "-wal") == 0  # checkpointed and truncated
    assert SALT not in file_bytes(db_path)


def make_app(db_path, clock):
    config = settings.Config(db=db_path, timezone="UTC")
    return Application(config, clock, new_salt=salt_source())


def post(app, **headers):
    return call_app(app, "POST", body=b"page=/a&site=example.com", headers=headers)


def test_a_read_on_a_later_day_ends_the_salt_of_a_quiet_day(db_path):
    clock = Clock(NOON)
    app = make_app(db_path, clock)
    assert post(app).json()["counted"] is True
    clock.now = NOON + 86400 * 3  # three days without a visitor, then the owner looks
    assert call_app(app, "GET").status == 200
    assert SALT not in file_bytes(db_path)


def test_a_bot_on_a_later_day_ends_the_salt_too(db_path):
    clock = Clock(NOON)
    app = make_app(db_path, clock)
    post(app)
    clock.now = NOON + 86400
    answer = post(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)").json()
    assert answer["counted"] is False
    assert SALT not in file_bytes(db_path)


def test_a_refused_read_ends_the_salt_too(db_path):
    clock = Clock(NOON)
    config = settings.Config(db=db_path, timezone="UTC", read_key="secret-key")
    app = Application(config, clock, new_salt=salt_source())
    post(app)
    clock.now = NOON + 86400
    assert call_app(app, "GET").status == 401
    assert SALT not in file_bytes(db_path)


# A request whose query only looks like the pixel's is no pixel: it ends the day as any other.
@pytest.mark.parametrize("method, query", [
    ("GET", "page=/pixel=1"),
    ("GET", "nopixel=1"),
    ("GET", "pixel="),
    ("HEAD", "pixel=1&page=/a"),
    ("GET", "pixel=1&page=/a"),
], ids=["pixel-in-a-value", "pixel-in-a-name", "empty-pixel", "head-of-the-pixel", "the-pixel"])
def test_a_get_or_head_ends_the_day_before_whatever_its_query_holds(db_path, method, query):
    clock = Clock(NOON)
    app = Application(settings.Config(db=db_path, timezone="UTC"), clock)
    assert post(app).json()["counted"] is True
    clock.now = NOON + 86400
    call_app(app, method, query=query)
    conn = database.connect(db_path)
    try:
        assert rows(conn, "select day from salts where day < '2026-11-29'") == []
    finally:
        conn.close()


def test_a_running_server_looks_for_ended_days_at_its_first_request_of_each_day(db_path):
    """The check every request makes first is made once a day by a long-running process (a
    WSGI server's): later requests of the day skip it, and the next day's first ends the day."""
    clock = Clock(NOON)
    app = make_app(db_path, clock)
    post(app)
    statements = []
    app.connection().set_trace_callback(statements.append)
    call_app(app, "GET")
    post(app, user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
    def looks():  # SQLite traces the statement with its values in place
        return [s for s in statements if s.startswith("select 1 from salts where day <")]

    assert looks() == []
    assert statements  # the requests did run statements on this connection
    clock.now = NOON + 86400
    assert call_app(app, "GET").status == 200
    assert looks()
    assert SALT not in file_bytes(db_path)


# The month's salt keys the unique-visitor sketches of its days: it lives while one of them can
# still be counted, and not a request longer. 2026-01-30 12:00 UTC and the days after it.
JAN_30 = 1769774400.0
DAY = 86400


def months_and_days(db_path):
    conn = database.connect(db_path)
    try:
        return (rows(conn, "select month from month_salts order by month"),
                rows(conn, "select day from salts order by day"))
    finally:
        conn.close()


def pixel(app):
    return call_app(app, "GET", query="pixel=1&page=/a&site=example.com")


# What the first request of February is -> the month salts left (a counted hit makes its own)
@pytest.mark.parametrize("request_of_february, months", [
    (lambda app: call_app(app, "GET"), []),
    (post, [("2026-02",)]),
    (lambda app: post(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)"), []),
    (pixel, [("2026-02",)]),
], ids=["read", "counted-hit", "bot-hit", "pixel"])
def test_months_salt_ends_with_its_month_whatever_the_first_request_after_it(
        db_path, request_of_february, months):
    """A hit on January 30th, a read on the 31st ends that day (and its salt): the month's salt
    must still go with the month, though no day salt is left to end by then."""
    clock = Clock(JAN_30)
    app = Application(settings.Config(db=db_path, timezone="UTC"), clock)
    assert post(app).json()["counted"] is True
    clock.now = JAN_30 + DAY
    assert call_app(app, "GET").status == 200
    assert months_and_days(db_path) == ([("2026-01",)], [])
    clock.now = JAN_30 + 2 * DAY
    assert request_of_february(app).status == 200
    assert months_and_days(db_path) == (months, [("2026-02-01",)] if months else [])


def at(moment):
    """The environment of a CGI process whose clock reads moment (UTC), by libfaketime."""
    return dict(FIXED_CLOCK_ENV, FAKETIME=f"@{moment}")


def test_months_salt_ends_with_its_month_in_the_cgi_script_too(db_path):
    """As a host runs it: one process per request, each with its own clock."""
    assert run_cgi(db_path, "POST", body=b"page=/a", env=at("2026-01-30 12:00:00")
                   ).json()["counted"] is True
    assert run_cgi(db_path, "GET", env=at("2026-01-31 12:00:00")).status == 200
    assert months_and_days(db_path) == ([("2026-01",)], [])
    bot = run_cgi(db_path, "POST", body=b"page=/a", env=at("2026-02-01 12:00:00"),
                  headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    assert bot.json()["reason"] == "bot"
    assert months_and_days(db_path) == ([], [])
