"""scripts/migrate_db.py: an SQLite database copied into PostgreSQL and back answers every GET as
the original does, and a move keeps the days the old database counted after the first copy."""

import os
import subprocess
import sys

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import bulk, database, notes
from footfall_testing import FIXED_CLOCK_ENV, NOON, SCRIPTS, Clock, call_app
from storage_testing import RULES, month_pairs_of
from test_range_lists import OCTOBER, TODAY, day_hits

DAY = 86400
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
          ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
           "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")]
RANGE = "from=2026-10-01&to=2026-11-28"


class Site:
    def __init__(self, db, now):
        self.db = db
        self.clock = Clock(now)
        self.app = Application(settings.Config(db=db, timezone="UTC"), self.clock)

    def view(self, visitor, page, **fields):
        body = "&".join(f"{k}={v}" for k, v in dict(page=page, tz="Europe/Berlin", w=1280,
                                                       **fields).items()).encode()
        response = call_app(self.app, "POST", body=body,
                            headers={"user_agent": AGENTS[visitor % 2]},
                            environ={"REMOTE_ADDR": f"10.0.0.{visitor}"})
        assert response.status == 200

    def days_of_traffic(self, first, count):
        """count days of views from first (a Unix time at noon), beacons and campaigns too."""
        for day in range(count):
            self.clock.now = first + day * DAY
            for visitor in range(1 + day % 4, 6 + day % 4):
                self.view(visitor, f"/p{visitor % 3}", ref="https://news.example/x")
                self.view(visitor, "/", q="utm_campaign%3Dautumn")
                self.view(visitor, f"/p{visitor % 3}", seconds=12)

    def get(self, query=RANGE):
        response = call_app(self.app, "GET", query=query)
        assert response.status == 200, response.body
        return response.json()


def migrate(*argv):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, "migrate_db.py"), *argv],
                          capture_output=True, text=True, env=dict(os.environ, **FIXED_CLOCK_ENV,
                                                                   FOOTFALL_TIMEZONE="UTC"))


@pytest.fixture
def sqlite_site(tmp_path):
    """40 days of traffic ending yesterday (2026-11-27), across two months, and a note."""
    site = Site(str(tmp_path / "old.db"), NOON - 40 * DAY)
    site.days_of_traffic(NOON - 40 * DAY, 40)
    site.clock.now = NOON
    site.get()  # the first request of the 28th ends the 27th
    conn = database.connect(site.db)
    notes.add_note(conn, "2026-11-02", "launched", NOON)
    conn.close()
    return site


def test_a_copy_into_postgresql_and_back_answers_every_get_as_the_original(
        sqlite_site, pg_url, tmp_path):
    copied = migrate(sqlite_site.db, pg_url)
    assert copied.returncode == 0, copied.stderr
    assert "copied and checked 40 day(s), 2026-10-19 to 2026-11-27" in copied.stdout
    original = sqlite_site.get()
    assert original["totals"]["pageviews"] == 400  # 5 visitors x 2 pages x 40 days
    assert Site(pg_url, NOON).get() == original
    back = str(tmp_path / "back.db")
    returned = migrate(pg_url, back)
    assert returned.returncode == 0, returned.stderr
    assert Site(back, NOON).get() == original
    for query in (RANGE + "&browser=Firefox", RANGE + "&page=/p1", "from=2026-11-01&to=2026-11-27",
                  ONE_DAY + "&browser=Firefox", ONE_DAY + "&page=/p1", TWO_FILTERS):
        assert Site(back, NOON).get(query) == sqlite_site.get(query), query


def test_a_copy_into_postgresql_and_back_keeps_the_day_records_two_filters_count(
        sqlite_site, pg_url, tmp_path):
    assert migrate(sqlite_site.db, pg_url).returncode == 0
    back = str(tmp_path / "back.db")
    assert migrate(pg_url, back).returncode == 0
    original = sqlite_site.get(TWO_FILTERS)
    assert original["totals"]["visitors"] == 60  # 20 days x 3: days of 2 fold Firefox away
    assert Site(pg_url, NOON).get(TWO_FILTERS) == original
    assert Site(back, NOON).get(TWO_FILTERS) == original


ONE_DAY = "from=2026-11-27&to=2026-11-27"  # a day's answer has its hours


def test_a_copy_into_postgresql_and_back_keeps_every_events_counts(tmp_path, pg_url):
    site = Site(str(tmp_path / "events.db"), NOON - 3 * DAY)
    for day in range(3):  # the 25th to 27th: two visitors sign up, one follows a link too
        site.clock.now = NOON - (3 - day) * DAY
        for visitor in (1, 2):
            site.view(visitor, "/pricing", event="signup")
        site.view(1, "/pricing", event="outbound: github.com")
    site.clock.now = NOON
    queries = ["from=2026-11-25&to=2026-11-27", "from=2026-11-26&to=2026-11-27&event=signup",
               "from=2026-11-25&to=2026-11-27&browser=Firefox", ONE_DAY + "&event=signup"]
    original = {query: site.get(query) for query in queries}
    assert original[queries[0]]["events"][0] == {"event": "signup", "visitors": 6, "count": 6,
                                                 "conversion": None}
    copied = migrate(site.db, pg_url)
    assert copied.returncode == 0, copied.stderr
    back = str(tmp_path / "back.db")
    assert migrate(pg_url, back).returncode == 0
    for query in queries:
        assert Site(pg_url, NOON).get(query) == original[query], query
        assert Site(back, NOON).get(query) == original[query], query
TWO_FILTERS = RANGE + "&browser=Firefox&campaign=autumn"


def test_a_day_copied_again_with_add_counts_each_hour_twice(sqlite_site, pg_url):
    """The same day added twice: its hours under a filter are one row each time, with the
    same text; the copy adds them up."""
    assert migrate(sqlite_site.db, pg_url).returncode == 0
    again = migrate(sqlite_site.db, pg_url, "--add")
    assert again.returncode == 0, again.stderr
    for query in (ONE_DAY + "&browser=Firefox", ONE_DAY + "&page=/p1"):
        original, doubled = sqlite_site.get(query)["hours"], Site(pg_url, NOON).get(query)["hours"]
        assert [[ms, 2 * n] for ms, n in original["pageviews"]] == doubled["pageviews"]
        assert [[ms, 2 * n] for ms, n in original["visitors"]] == doubled["visitors"]
        assert sum(n for _ms, n in original["pageviews"]) > 0
    conn = database.connect(pg_url)
    monthly_hours = conn.execute("select count(*) from monthly_breakdown"
                                 " where dim in ('hour', 'hours')").fetchone()[0]
    conn.close()
    assert monthly_hours == 0  # a month's rows, summed up again from its days, have no hours


def test_a_second_copy_onto_the_same_days_is_refused_without_add(sqlite_site, pg_url):
    assert migrate(sqlite_site.db, pg_url).returncode == 0
    again = migrate(sqlite_site.db, pg_url)
    assert again.returncode == 1
    assert "the target already has counts of 40 of these days" in again.stderr
    assert Site(pg_url, NOON).get()["totals"]["pageviews"] == 400


def test_a_move_keeps_the_days_the_old_database_counted_after_the_first_copy(tmp_path, pg_url):
    old = Site(str(tmp_path / "old.db"), NOON - 5 * DAY)
    old.days_of_traffic(NOON - 5 * DAY, 3)  # the 23rd to the 25th, then the first copy
    assert migrate(old.db, pg_url, "--to", "2026-11-25").returncode == 0
    old.days_of_traffic(NOON - 2 * DAY, 1)  # the 26th: still counted by the old database...
    new = Site(pg_url, NOON - 2 * DAY + 3600)
    new.view(7, "/p1")  # ...until the tracker was switched to the new one
    new.days_of_traffic(NOON - DAY, 1)  # the 27th: the new one only
    overlap = migrate(old.db, pg_url, "--from", "2026-11-26", "--add")
    assert overlap.returncode == 0, overlap.stderr
    conn = database.connect(pg_url)
    pageviews = dict(conn.execute("select day, sum(pageviews) from daily_site group by day "
                                  "order by day").fetchall())
    conn.close()
    assert pageviews == {"2026-11-23": 10, "2026-11-24": 10, "2026-11-25": 10,
                         "2026-11-26": 11, "2026-11-27": 10}


# -- secrets: a database password never on the command line, never printed --------------------

PASSWORD = "Sesame-42"


def with_password(url, password=PASSWORD):
    return url.replace("postgresql://footfall@", f"postgresql://footfall:{password}@")


def migrate_with(env, *argv):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, "migrate_db.py"), *argv],
                          capture_output=True, text=True,
                          env=dict(os.environ, **FIXED_CLOCK_ENV, FOOTFALL_TIMEZONE="UTC", **env))


def test_a_url_with_a_password_on_the_command_line_is_refused_in_one_line(sqlite_site, pg_url):
    refused = migrate(sqlite_site.db, with_password(pg_url))
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == ("migrate_db: a password on the command line shows in ps and your "
                              "shell history: put the URL in FOOTFALL_SOURCE_DB or "
                              "FOOTFALL_TARGET_DB instead, or leave the password out of it "
                              "(~/.pgpass, PGPASSWORD)\n")


def test_a_copy_takes_the_target_url_from_the_environment(sqlite_site, pg_url):
    copied = migrate_with({"FOOTFALL_TARGET_DB": with_password(pg_url)}, sqlite_site.db)
    assert copied.returncode == 0, copied.stderr
    assert "copied and checked 40 day(s), 2026-10-19 to 2026-11-27" in copied.stdout
    assert f"to {with_password(pg_url, '***')}" in copied.stdout
    assert PASSWORD not in copied.stdout + copied.stderr
    assert Site(pg_url, NOON).get() == sqlite_site.get()


def test_a_copy_back_takes_the_source_url_from_the_environment(sqlite_site, pg_url, tmp_path):
    assert migrate(sqlite_site.db, pg_url).returncode == 0
    back = str(tmp_path / "back.db")
    returned = migrate_with({"FOOTFALL_SOURCE_DB": with_password(pg_url)}, back)
    assert returned.returncode == 0, returned.stderr
    assert PASSWORD not in returned.stdout + returned.stderr
    assert Site(back, NOON).get() == sqlite_site.get()


@pytest.mark.parametrize("url, password", [
    ("postgresql://u:p%zz-Sesame@127.0.0.1/db", "p%zz-Sesame"),  # psycopg quotes the bad escape
    ("postgresql://u:Sesame-42@[::1/db", "Sesame-42"),  # psycopg quotes the whole URL
    ("postgresql://u:Sesame-42@127.0.0.1/db?nonsense=1", "Sesame-42"),
    ("postgresql://u@127.0.0.1/db?password=Sesame-42&nonsense=1", "Sesame-42"),
], ids=["bad-escape", "bad-ipv6", "unknown-parameter", "password-parameter"])
def test_a_url_psycopg_cannot_parse_is_named_without_its_password(sqlite_site, url, password):
    failed = migrate_with({"FOOTFALL_TARGET_DB": url}, sqlite_site.db)
    assert failed.returncode == 1
    assert failed.stderr.startswith("migrate_db: postgresql://u")
    assert "is not a usable PostgreSQL URL" in failed.stderr
    assert "***" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert password not in failed.stdout + failed.stderr
    assert password.replace("%zz", "") not in failed.stdout + failed.stderr


def test_a_server_that_does_not_answer_is_named_without_the_password(sqlite_site):
    failed = migrate_with({"FOOTFALL_TARGET_DB": f"postgresql://u:{PASSWORD}@127.0.0.1:9/db"},
                          sqlite_site.db)
    assert failed.returncode == 1
    assert failed.stderr.startswith("migrate_db: cannot connect to PostgreSQL at "
                                    "postgresql://u:***@127.0.0.1:9/db: ")
    assert PASSWORD not in failed.stdout + failed.stderr


def test_a_copy_keeps_a_months_pairs_folded_as_its_days_ends_folded_them(tmp_path, pg_url):
    # migrate_db sums a copied month's pairs up again from its days' records: a day's rare
    # pages (more than 50 a day, some read by one visitor) fold as its end folded them.
    original = str(tmp_path / "old.db")
    conn = database.connect(original)
    bulk.record_days(conn, [day_hits(day) for day in OCTOBER], RULES, TODAY)
    before = month_pairs_of(conn)
    conn.close()
    back = str(tmp_path / "back.db")
    for source, target in ((original, pg_url), (pg_url, back)):
        copied = migrate(source, target)
        assert copied.returncode == 0, copied.stderr
    conn = database.connect(back)
    after = month_pairs_of(conn)
    conn.close()
    assert any(key[5] == "(other)" and key[2] == "page" for key in before)
    assert after == before
