"""scripts/backup.py: a consistent copy of a live database while hits keep arriving."""

import os
import sqlite3
import stat
import subprocess
import sys
import threading

from footfall import counting
from footfall.storage import database, record
from footfall_testing import BROWSER_UA, SCRIPTS


def test_backup_while_hits_arrive_is_a_consistent_copy(tmp_path):
    db, copy = str(tmp_path / "live.db"), str(tmp_path / "backup.db")
    database.connect(db).close()
    stop = threading.Event()
    written = []

    def keep_hitting():
        conn = database.connect(db)
        n = 0
        while not stop.is_set() and n < 20_000:
            ts = 1795867200.0 + n
            hit = record.Hit(ts, counting.day_of(ts), "example.com", f"/p{n % 40}", "",
                              f"198.51.100.{n % 200}", BROWSER_UA)
            if record.record_hit(conn, hit, record.Rules(daily_limit=10**6)) is None:
                written.append(n)
            n += 1
        conn.close()

    writer = threading.Thread(target=keep_hitting)
    writer.start()
    try:
        while len(written) < 200:  # the backup starts in the middle of the traffic
            threading.Event().wait(0.01)
        result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "backup.py"), copy,
                                 "--db", db], capture_output=True, text=True, check=False)
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    assert "backed up" in result.stdout
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    backup = sqlite3.connect(copy)
    assert backup.execute("pragma integrity_check").fetchone()[0] == "ok"
    by_site = backup.execute("select sum(pageviews) from daily_site").fetchone()[0]
    by_page = backup.execute("select sum(pageviews) from daily_page").fetchone()[0]
    by_hour = backup.execute("select sum(pageviews) from hourly_site").fetchone()[0]
    assert 200 <= by_site <= len(written)
    assert by_page == by_hour == by_site  # every rollup is of the same moment
    # The copy can tie no hash to anyone: the salt and the visitors' views stay behind.
    assert backup.execute("select count(*) from salts").fetchone()[0] == 0
    assert backup.execute("select count(*) from views").fetchone()[0] == 0


def test_backup_of_a_missing_database_fails_clearly(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "backup.py"),
                             str(tmp_path / "copy.db"), "--db", str(tmp_path / "none.db")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert not os.path.exists(tmp_path / "none.db")


def test_a_backup_keeps_no_sketch_only_the_months_people(tmp_path):
    """Without the salts, the running month's sketches in a copy would be an ended month's that
    could link two days' visits: a copy holds its people instead (storage/people.py)."""
    from test_insights import FIREFOX, Site

    db = str(tmp_path / "live.db")
    site = Site(db)  # 2026-11-26 noon, then the 27th: three people on each day
    for _day in range(2):
        for n in range(3):
            site.view(f"10.0.0.{n}", FIREFOX, "/a")
        site.clock.now += 86400
    site.get("from=2026-11-26&to=2026-11-28")  # ends the 27th
    copy = str(tmp_path / "copy.db")
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "backup.py"), "--db", db, copy],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(copy)
    try:
        sketches = conn.execute("select (select count(*) from daily_unique)"
                                " + (select count(*) from monthly_unique)").fetchone()[0]
        kept = conn.execute("select people from monthly_people where filter = ''"
                            " and month = '2026-11'").fetchall()
    finally:
        conn.close()
    assert (sketches, kept) == (0, [(3,)])
