"""scripts/import_log.py: access logs into the database, as a site owner runs it (a real process
over real files, gzip and stdin, and a real SQLite file)."""

import datetime
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from footfall import settings
from footfall.app import Application
from footfall.importing import batches
from footfall.importing.importer import Importer
from footfall.storage import database, record
from footfall_testing import FIXED_CLOCK_ENV, NOON_DAY, SCRIPTS, call_app

sys.path.insert(0, SCRIPTS)
import make_access_log  # noqa: E402

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(day, clock="12:00:00"):
    """Apache's %t of a UTC day ('2026-03-01') and time."""
    date = datetime.date.fromisoformat(day)
    return f"{date.day:02d}/{MONTHS[date.month - 1]}/{date.year}:{clock} +0000"


def line(ip, day, target, status=200, ref="-", agent=FIREFOX, method="GET", clock="12:00:00"):
    return (f'{ip} - - [{when(day, clock)}] "{method} {target} HTTP/1.1" {status} 512 "{ref}" '
            f'"{agent}"\n')


# One day of a small site: two people, one of them reading two pages; what is not a page view.
DAY = "2026-03-01"
LOG = "".join([
    line("203.0.113.1", DAY, "/", ref="https://www.google.com/search?q=x", clock="09:00:00"),
    line("203.0.113.1", DAY, "/static/site.css", ref="https://example.com/", clock="09:00:01"),
    line("203.0.113.1", DAY, "/about?utm_campaign=spring&utm_source=news",
         ref="https://example.com/", clock="09:01:00"),
    line("198.51.100.7", DAY, "/", agent=IPHONE, clock="10:00:00"),
    line("198.51.100.7", DAY, "/old-page", status=404, ref="https://blog.example.org/post",
         agent=IPHONE, clock="10:00:05"),
    line("198.51.100.7", DAY, "/contact", method="POST", status=303, agent=IPHONE,
         clock="10:02:00"),
    line("198.51.100.7", DAY, "/moved", status=301, agent=IPHONE, clock="10:03:00"),
    line("66.249.66.1", DAY, "/", agent=GOOGLEBOT, clock="11:00:00"),
    line("66.249.66.1", DAY, "/wp-login.php", status=404, agent=GOOGLEBOT, clock="11:00:01"),
    "this is not a log line\n",
])


def import_environ():
    """The environment of an import run here: none of our FOOTFALL_ settings, days in UTC, no
    config file in a home directory."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    environ.update({"FOOTFALL_TIMEZONE": "UTC", "HOME": "/nonexistent"})
    return environ


def run_import(*args, stdin=None, env=None):
    environ = import_environ()
    environ.update(env or {})
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, "import_log.py"), *args],
                          input=stdin, env=environ, capture_output=True, timeout=120, check=False)


def run_patched_import(code, *argv):
    """import_log.main run by one of the scripts below that change it (python -c code, its
    argv[1] the scripts' directory)."""
    return subprocess.run([sys.executable, "-c", code, SCRIPTS, *argv], env=import_environ(),
                          capture_output=True, timeout=120, check=False)


def generated_log(tmp_path, seed, days, visits):
    """access.log of make_access_log.py's days of generated visits."""
    log = tmp_path / "access.log"
    with open(log, "w", encoding="utf-8") as out:
        make_access_log.generate(out, seed=seed, days=days, visits=visits)
    return log


def rows(db, query):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def site_days(db):
    return rows(db, "select day, site, visitors, pageviews from daily_site order by day, site")


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "footfall.db")


@pytest.fixture
def access_log(tmp_path):
    path = tmp_path / "access.log"
    path.write_text(LOG, encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------------------------------------
# What counts
# ---------------------------------------------------------------------------------------------

def test_page_views_visitors_and_referrers_are_counted_like_live_hits(db, access_log):
    result = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", access_log)
    assert result.returncode == 0, result.stderr
    assert site_days(db) == [(DAY, "example.com", 2, 3)]
    assert rows(db, "select page, visitors, pageviews from daily_page order by page") == [
        ("/", 2, 2), ("/about", 1, 1)]
    # The /about view came with ?utm_source=news: a source counts under its name, as live.
    assert rows(db, "select ref, pageviews from daily_ref order by ref") == [
        ("news", 1), ("www.google.com", 1)]


def test_summary_gives_every_skip_reason_and_the_malformed_line_numbers(db, access_log):
    summary = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31",
                         access_log).stdout.decode()
    assert "10 lines in" in summary
    assert "page views counted: 3 on 1 day(s), 2026-03-01 to 2026-03-01" in summary
    assert "skipped: malformed 1, method 1, status 3, asset 1, bot 1\n" in summary
    assert "broken links (404/410 of people): 1 lines" in summary
    assert f"malformed lines: {access_log}:10\n" in summary


def test_broken_links_are_kept_by_day_path_and_referring_host_and_answered_by_get(db, access_log):
    run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", access_log)
    # The bot's probe for /wp-login.php is no broken link of the site.
    assert rows(db, "select day, site, page, ref, count from daily_not_found") == [
        (DAY, "example.com", "/old-page", "blog.example.org", 1)]
    app = Application(settings.Config(db=db, timezone="UTC"), clock=lambda: 1772323200.0)
    answer = call_app(app, "GET", query="from=2026-03-01&to=2026-03-01").json()
    assert answer["not_found"] == [{"page": "/old-page", "ref": "blog.example.org", "count": 1}]


def test_broken_links_of_every_day_of_a_long_log_are_kept(db, tmp_path):
    # Written as the days are counted, not only at the end: every one must arrive.
    days = [f"2026-03-{n:02d}" for n in range(1, 8)]
    log = tmp_path / "long.log"
    log.write_text("".join(line("203.0.113.1", day, "/") + line("203.0.113.1", day, f"/gone-{day}",
                                                                   status=404)
                           for day in days) + line("203.0.113.1", "2026-03-09", "/x", status=410),
                   encoding="utf-8")
    run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    assert rows(db, "select day, page, count from daily_not_found order by day") == [
        (day, f"/gone-{day}", 1) for day in days] + [("2026-03-09", "/x", 1)]
    assert [day for day, in rows(db, "select day from imported_days order by day")] == days + [
        "2026-03-09"]


def test_get_answers_an_empty_not_found_without_imported_logs(db):
    app = Application(settings.Config(db=db, timezone="UTC"), clock=lambda: 1772323200.0)
    assert call_app(app, "GET", query="from=2026-03-01&to=2026-03-01").json()["not_found"] == []


def test_no_ip_address_of_the_log_reaches_the_disk(db, tmp_path):
    addresses = ["203.0.113.77", "2001:db8:beef::42", "198.51.100.200"]
    log = tmp_path / "ips.log"
    log.write_text("".join(line(ip, DAY, page, status=status)
                           for ip in addresses for page, status in (("/", 200), ("/gone", 404)))
                   + line("203.0.113.78", "2026-03-02", "/"), encoding="utf-8")
    run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    stored = b"".join(open(path, "rb").read() for path in (db, db + "-wal", db + "-shm")
                      if os.path.exists(path))
    assert site_days(db)[0][2:] == (3, 3)
    for address in addresses + ["203.0.113.78"]:
        assert address.encode() not in stored
        assert address.encode("utf-16-le") not in stored


def test_an_import_of_a_month_gone_by_leaves_no_salt_of_it(db, tmp_path):
    # The log ends mid-January: no later day of the month ends its salt on the way.
    log = tmp_path / "january.log"
    log.write_text(days_log("2026-01-10", "2026-01-11", "2026-01-12"), encoding="utf-8")
    result = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    assert result.returncode == 0, result.stderr
    assert rows(db, "select count(*) from daily_site") == [(3,)]
    assert rows(db, "select month from month_salts") == []
    assert rows(db, "select day from salts") == []


def test_hits_carry_what_the_breakdowns_read(db, access_log, monkeypatch):
    counted = []
    real = batches.count_days

    def keep(conn, closed, open_days, rules, live, save):
        counted.extend(hit for _, hits in closed + open_days for hit in hits)
        return real(conn, closed, open_days, rules, live, save)

    monkeypatch.setattr(batches, "count_days", keep)
    config = settings.Config(db=db, timezone="UTC")
    Importer(database.connect(db), config, "combined", "example.com",
             until="2026-12-31").run([access_log])
    assert [(hit.page, hit.traits["browser"], hit.traits["os"], hit.traits["device"],
             hit.traits["campaign"], hit.traits["source"], hit.traits["country"])
            for hit in counted] == [
        ("/", "Firefox", "Linux", "desktop", "", "", ""),
        ("/about", "Firefox", "Linux", "desktop", "spring", "news", ""),
        ("/", "Safari", "iOS", "phone", "", "", ""),
    ]


def test_a_log_with_prefetches_and_languages_in_its_format_uses_them(db, tmp_path):
    log_format = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Sec-Purpose}i"'
    log = tmp_path / "custom.log"
    log.write_text(line("203.0.113.1", DAY, "/").rstrip("\n") + ' "-"\n'
                   + line("203.0.113.2", DAY, "/next").rstrip("\n") + ' "prefetch"\n',
                   encoding="utf-8")
    summary = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31",
                         "--format", log_format, str(log)).stdout.decode()
    assert "skipped: prefetch 1\n" in summary
    assert site_days(db) == [(DAY, "example.com", 1, 1)]


# ---------------------------------------------------------------------------------------------
# Formats and inputs
# ---------------------------------------------------------------------------------------------

CADDY_LINE = json.dumps({
    "level": "info", "ts": 1772366400.5, "logger": "http.log.access", "msg": "handled request",
    "status": 200, "request": {"client_ip": "203.0.113.5", "method": "GET", "host": "caddy.example",
                               "uri": "/", "headers": {"User-Agent": [FIREFOX]}}}) + "\n"


@pytest.mark.parametrize("log_format, text, args, expected", [
    pytest.param("combined", line("203.0.113.1", DAY, "/"), ["--site", "a.example"],
                 [(DAY, "a.example", 1, 1)], id="combined"),
    pytest.param("common", '203.0.113.1 - - [01/Mar/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 5\n',
                 ["--site", "a.example"], [], id="common-has-no-agent-so-it-is-a-bot"),
    pytest.param("vhost_combined",
                 "www.a.example:443 " + line("203.0.113.1", DAY, "/")
                 + "b.example:80 " + line("203.0.113.1", DAY, "/"),
                 [], [(DAY, "a.example", 1, 1), (DAY, "b.example", 1, 1)],
                 id="vhost_combined-host-decides-the-site"),
    pytest.param("caddy", CADDY_LINE, [], [(DAY, "caddy.example", 1, 1)], id="caddy"),
    pytest.param('%h %t "%r" %>s "%{User-Agent}i" %v',
                 f'203.0.113.1 [{when(DAY)}] "GET / HTTP/1.1" 200 "{FIREFOX}" c.example\n',
                 [], [(DAY, "c.example", 1, 1)], id="apache-logformat"),
])
def test_each_log_format_is_read(db, tmp_path, log_format, text, args, expected):
    log = tmp_path / "access.log"
    log.write_text(text, encoding="utf-8")
    result = run_import("--db", db, "--format", log_format, "--until", "2026-12-31", *args, str(log))
    assert result.returncode == 0, result.stderr
    assert site_days(db) == expected


def test_a_log_without_a_host_counts_for_the_one_site_the_database_has(db, access_log):
    conn = database.connect(db)
    record.record_hit(conn, record.Hit(1772539200.0, "2026-03-03", "tracked.example", "/", "",
                                       "192.0.2.1", FIREFOX), record.Rules())
    conn.close()
    assert run_import("--db", db, access_log).returncode == 0
    assert site_days(db)[0] == (DAY, "tracked.example", 2, 3)


def test_a_log_without_a_host_needs_a_site_when_the_database_has_several(db, access_log):
    conn = database.connect(db)
    for site in ("a.example", "b.example"):
        record.record_hit(conn, record.Hit(1772539200.0, "2026-03-03", site, "/", "",
                                           "192.0.2.1", FIREFOX), record.Rules())
    conn.close()
    result = run_import("--db", db, access_log)
    assert result.returncode == 2
    assert b"say which site the log is of with --site" in result.stderr


def test_gzip_is_read_whatever_the_file_is_called(db, tmp_path):
    path = tmp_path / "access.log.1"  # logrotate's delaycompress names vary; the bytes decide
    path.write_bytes(gzip.compress(LOG.encode()))
    run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(path))
    assert site_days(db) == [(DAY, "example.com", 2, 3)]


def test_a_damaged_gzip_file_stops_the_import_with_a_message_and_counts_the_lines_before(
        db, tmp_path):
    later = LOG.replace("01/Mar/2026", "02/Mar/2026").encode()
    damaged = bytearray(gzip.compress(later))
    damaged[-8] ^= 0xFF  # the CRC of its data: gzip finds it wrong at the end of the member
    path = tmp_path / "access.log.2.gz"
    path.write_bytes(gzip.compress(LOG.encode()) + bytes(damaged))
    result = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(path))
    assert result.returncode == 1
    assert f"import_log: cannot read {path} after line 20: CRC check failed" in \
        result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert "then unreadable" in result.stdout.decode()
    assert site_days(db)[0] == (DAY, "example.com", 2, 3)


def test_an_unexpected_error_while_reading_ends_the_import_rather_than_waiting_forever(db, tmp_path):
    # The counting process waits for batches; when the reading one fails it must end too.
    log = tmp_path / "access.log"
    log.write_text(LOG * 400, encoding="utf-8")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import import_log\n"
            "from footfall.importing.importer import Importer\n"
            "def fail(self, *args, **kwargs): raise RuntimeError('a bug')\n"
            "Importer._commit = fail\n"
            "import_log.main(sys.argv[2:])\n")
    result = subprocess.run(
        [sys.executable, "-c", code, SCRIPTS, "--db", db, "--processes", "2", "--site",
         "example.com", "--until", "2026-12-31", str(log)],
        capture_output=True, timeout=60, check=False,
        env={**os.environ, "FOOTFALL_TIMEZONE": "UTC"})
    assert result.returncode == 1
    assert b"RuntimeError: a bug" in result.stderr


def test_stdin_is_read_and_counted_once(db):
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31", "-")
    first = run_import(*args, stdin=LOG.encode())
    second = run_import(*args, stdin=LOG.encode())
    assert first.returncode == second.returncode == 0
    assert "0 new lines (after the 10 read before)" in second.stdout.decode()
    assert site_days(db) == [(DAY, "example.com", 2, 3)]


def test_wrong_format_stops_early_showing_a_line_and_the_format(db, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(LOG * 20, encoding="utf-8")
    result = run_import("--db", db, "--site", "example.com", "--format", "common", str(log))
    assert result.returncode == 1
    error = result.stderr.decode()
    assert "most of the first lines do not fit the format" in error
    assert 'format common: %h %l %u %t "%r" %>s %b' in error
    assert "a line: 203.0.113.1 - - [01/Mar/2026:09:00:00 +0000]" in error
    assert "it reads as --format combined" in error
    assert site_days(db) == []


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    result = run_import("--db", db, "--site", "example.com", str(tmp_path / "nope.log"))
    assert result.returncode == 1
    assert b"import_log: cannot read" in result.stderr and b"Traceback" not in result.stderr


LONG_REF = "https://example.org/" + "r" * (64 * 1024)  # fits the format; the line is over 64 KiB


@pytest.mark.parametrize("how", ["plain", "gzip", "stdin"])
def test_a_line_over_64_kib_is_skipped_as_malformed(db, tmp_path, how):
    text = (line("203.0.113.1", DAY, "/", clock="09:00:00")
            + line("203.0.113.2", DAY, "/", ref=LONG_REF, clock="09:30:00")
            + line("203.0.113.3", DAY, "/about", clock="10:00:00")).encode()
    path = tmp_path / "access.log"
    path.write_bytes(gzip.compress(text) if how == "gzip" else text)
    name = "-" if how == "stdin" else str(path)
    result = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", name,
                        stdin=text if how == "stdin" else None)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.decode()
    assert "skipped: malformed 1\n" in summary
    assert f"malformed lines: {name}:2\n" in summary
    assert site_days(db) == [(DAY, "example.com", 2, 2)]


HUGE_LINE_MIB = 256
# Runs argv[1:] in a child of its own and prints that child's peak memory (with the counting
# process it waits for). Measured from pytest's own child instead, the peak would include
# pytest's: Linux carries a process's peak memory through exec.
PEAK_MEMORY_OF = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"{usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def write_huge_line(out):
    """A line of HUGE_LINE_MIB MiB of 'a', written a MiB at a time."""
    piece = b"a" * (1 << 20)
    for _ in range(HUGE_LINE_MIB):
        out.write(piece)
    out.write(b"\n")


@pytest.mark.parametrize("how", ["gzip", "plain", "stdin"])
def test_a_huge_line_is_read_past_in_bounded_memory(db, tmp_path, how):
    # The import's peak memory (its own and its counting process's) stays far below the line:
    # the line is never held whole. Where it stands differs: first (the line that identifies
    # the file), or between two good lines.
    good = [line("203.0.113.1", DAY, "/", clock="09:00:00").encode(),
            line("203.0.113.2", DAY, "/about", clock="10:00:00").encode()]
    path = tmp_path / "huge.log"
    environ = import_environ()
    argv = [sys.executable, "-c", PEAK_MEMORY_OF, sys.executable,
            os.path.join(SCRIPTS, "import_log.py"), "--db", db, "--site",
            "example.com", "--until", "2026-12-31", "-" if how == "stdin" else str(path)]
    if how == "gzip":
        with gzip.open(path, "wb", compresslevel=1) as out:  # about 1 MiB
            out.write(good[0])
            write_huge_line(out)
            out.write(good[1])
    elif how == "plain":
        with open(path, "wb") as out:
            write_huge_line(out)
            out.writelines(good)
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "peak", "wb") as peak:
        process = subprocess.Popen(argv, env=environ, stdout=out, stderr=peak,
                                   stdin=subprocess.PIPE if how == "stdin" else None)
        if how == "stdin":
            process.stdin.write(good[0])
            write_huge_line(process.stdin)
            process.stdin.write(good[1])
            process.stdin.close()
        process.wait()
    if path.exists():
        path.unlink()  # a plain one is 256 MiB: not for pytest to keep
    summary = (tmp_path / "out").read_text()
    assert process.returncode == 0
    assert "skipped: malformed 1\n" in summary
    assert site_days(db) == [(DAY, "example.com", 2, 2)]
    peak_kib = int((tmp_path / "peak").read_text().split()[-1])
    assert peak_kib < 100 * 1024  # 100 MiB, for a line of 256 MiB


# ---------------------------------------------------------------------------------------------
# Counting no line twice
# ---------------------------------------------------------------------------------------------

def days_log(*days, ip="203.0.113.1", page="/"):
    return "".join(line(ip, day, page) for day in days)


def test_importing_the_same_file_twice_counts_nothing_more(db, access_log):
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31", access_log)
    run_import(*args)
    second = run_import(*args).stdout.decode()
    assert "0 new lines (after the 10 read before)" in second
    assert site_days(db) == [(DAY, "example.com", 2, 3)]


def plain_hash(path):
    """The hash of a log's first line with no key: what imports kept before schema 15."""
    from hashlib import blake2b

    with open(path, "rb") as f:
        return blake2b(f.readline(), digest_size=16).hexdigest()


def test_a_stored_fingerprint_cannot_be_computed_from_the_first_line_alone(access_log, tmp_path):
    # The same log in two databases: each keys its first line's hash with a secret of its own.
    stored = []
    for name in ("one.db", "two.db"):
        db = str(tmp_path / name)
        run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", access_log)
        stored += rows(db, "select fingerprint from imported_logs")
    assert len(stored) == 2 and stored[0] != stored[1]
    assert (plain_hash(access_log),) not in stored


def test_a_log_imported_before_fingerprints_were_keyed_is_known_after_the_upgrade(db, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(days_log("2026-03-01", "2026-03-02"), encoding="utf-8")
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    run_import(*args)
    # As schema 14 left it: the plain hash of the first line, no key.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update imported_logs set fingerprint = ?", (plain_hash(log),))
        conn.execute("update imported_ranges set fingerprint = ?", (plain_hash(log),))
        conn.execute("delete from meta")
        conn.execute("drop table monthly_people")  # made by migration 16
        conn.execute("drop table strings")  # made by migration 17
        conn.execute("drop table day_records")
        conn.execute("pragma user_version = 14")
    conn.close()
    assert "0 new lines (after the 2 read before)" in run_import(*args).stdout.decode()
    assert site_days(db) == [("2026-03-01", "example.com", 1, 1),
                             ("2026-03-02", "example.com", 1, 1)]
    stored = rows(db, "select fingerprint from imported_logs union all "
                      "select fingerprint from imported_ranges")
    assert len(stored) == 2 and (plain_hash(log),) not in stored


def test_the_same_log_under_two_names_in_one_run_is_read_once(db, access_log, tmp_path):
    alias = tmp_path / "alias.log"
    alias.symlink_to(access_log)
    summary = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", access_log,
                         str(alias)).stdout.decode()
    assert "the same log as one read above: skipped" in summary
    assert site_days(db) == [(DAY, "example.com", 2, 3)]


def test_a_grown_log_is_read_on_from_where_the_last_import_stopped(db, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(days_log("2026-03-01", "2026-03-02"), encoding="utf-8")
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    run_import(*args)
    with open(log, "a", encoding="utf-8") as f:
        f.write(days_log("2026-03-03"))
    assert "1 new lines (after the 2 read before)" in run_import(*args).stdout.decode()
    assert [row[0] for row in site_days(db)] == ["2026-03-01", "2026-03-02", "2026-03-03"]


def test_a_rotated_and_compressed_log_is_not_counted_again(db, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(days_log("2026-03-01", "2026-03-02"), encoding="utf-8")
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31")
    run_import(*args, str(log))
    # logrotate: the old log moves aside and is compressed; a new one begins.
    rotated = tmp_path / "access.log.1.gz"
    rotated.write_bytes(gzip.compress(log.read_bytes()))
    log.write_text(days_log("2026-03-03", "2026-03-04"), encoding="utf-8")
    summary = run_import(*args, str(log), str(rotated)).stdout.decode()
    assert "0 new lines (after the 2 read before)" in summary
    assert site_days(db) == [(day, "example.com", 1, 1) for day in
                             ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")]


def test_an_overlapping_log_counts_only_its_lines_after_the_last_import(db, tmp_path):
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text(days_log("2026-03-01", "2026-03-02", "2026-03-03"), encoding="utf-8")
    # Another file (its first line differs) that repeats the end of the first one.
    second.write_text(days_log("2026-03-02", "2026-03-03", "2026-03-04"), encoding="utf-8")
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31")
    run_import(*args, str(first))
    summary = run_import(*args, str(second)).stdout.decode()
    assert "skipped: already imported 2\n" in summary
    assert [row[2:] for row in site_days(db)] == [(1, 1)] * 4


def test_until_defaults_to_the_day_before_the_first_live_hit(db, tmp_path):
    conn = database.connect(db)
    noon_march_3 = 1772539200.0
    record.record_hit(conn, record.Hit(noon_march_3, "2026-03-03", "example.com", "/live", "",
                                       "192.0.2.1", FIREFOX), record.Rules())
    conn.close()
    log = tmp_path / "access.log"
    log.write_text(days_log("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"),
                   encoding="utf-8")
    summary = run_import("--db", db, "--site", "example.com", str(log)).stdout.decode()
    assert "stopped before line 3 of" in summary and "2026-03-03 is after --until 2026-03-02" in summary
    assert site_days(db) == [("2026-03-01", "example.com", 1, 1), ("2026-03-02", "example.com", 1, 1),
                             ("2026-03-03", "example.com", 1, 1)]
    assert rows(db, "select page from daily_page where day = '2026-03-03'") == [("/live",)]


def test_without_live_hits_until_defaults_to_yesterday(db, tmp_path):
    days = [(NOON_DAY - datetime.timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    log = tmp_path / "access.log"
    log.write_text(days_log(*days), encoding="utf-8")
    run_import("--db", db, "--site", "example.com", str(log), env=FIXED_CLOCK_ENV)
    assert [row[0] for row in site_days(db)] == days[:2]


def test_an_import_stopped_by_until_goes_on_from_there_later(db, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(days_log("2026-03-01", "2026-03-02", "2026-03-03"), encoding="utf-8")
    run_import("--db", db, "--site", "example.com", "--until", "2026-03-01", str(log))
    later = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    assert "2 new lines (after the 1 read before)" in later.stdout.decode()
    assert [row[0] for row in site_days(db)] == ["2026-03-01", "2026-03-02", "2026-03-03"]


def test_a_day_split_across_two_rotated_files_counts_its_visitor_once(db, tmp_path):
    older, newer = tmp_path / "access.log.1", tmp_path / "access.log"
    older.write_text(line("203.0.113.1", DAY, "/", clock="10:00:00"), encoding="utf-8")
    newer.write_text(line("203.0.113.1", DAY, "/about", clock="18:00:00"), encoding="utf-8")
    run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(newer), str(older))
    assert site_days(db) == [(DAY, "example.com", 1, 2)]


# Every table an import writes counts to; sketches are compared by where they are (their bytes
# hang on the month's random salt).
COUNT_TABLES = ("daily_site", "daily_page", "daily_ref", "hourly_site", "monthly_page",
                "daily_breakdown", "monthly_breakdown", "daily_not_found", "imported_days")


def counts_of(db):
    counts = {table: sorted(rows(db, f"select * from {table}")) for table in COUNT_TABLES}
    for table in ("daily_unique", "monthly_unique"):
        counts[table] = sorted(row[:-1] for row in rows(db, f"select * from {table}"))
    return counts


# import_log.main, with a SIGKILL at the worst moment of the Nth batch (argv[2]): its counts
# and notes written, the transaction not yet committed. add_not_found is the last thing a
# batch's transaction writes (footfall.importing.batches.count_batch), in whichever process
# counts; a kill there in the counting process takes the reading one with it.
KILLED_IN_A_BATCH = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
import import_log
reader, kill_in, batches = os.getpid(), int(sys.argv[2]), [0]
add_not_found = import_log.imports.add_not_found

def add_not_found_then_die(conn, not_found):
    add_not_found(conn, not_found)
    batches[0] += 1
    if batches[0] == kill_in:
        if os.getpid() != reader:
            os.kill(reader, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

import_log.imports.add_not_found = add_not_found_then_die
sys.exit(import_log.main(sys.argv[3:]))
"""


@pytest.mark.parametrize("batch, processes", [(1, "2"), (2, "2"), (3, "2"), (2, "1")],
                         ids=["in-the-first-batch", "in-the-second-batch", "in-the-third-batch",
                              "in-the-second-batch-of-one-process"])
def test_an_import_killed_mid_way_and_run_again_counts_every_day_as_a_clean_import(tmp_path, batch,
                                                                                   processes):
    # 75 days over three months: batches end with each month (and sooner at first), each
    # committed with the note of how far the log was read; the kill comes inside one, its counts
    # written and not committed.
    log = generated_log(tmp_path, seed=3, days=75, visits=30)
    args = ("--site", "example.com", "--until", "2026-12-31", str(log))
    clean = str(tmp_path / "clean.db")
    assert run_import("--db", clean, *args).returncode == 0
    db = str(tmp_path / "killed.db")
    killed = run_patched_import(KILLED_IN_A_BATCH, str(batch), "--db", db, "--processes",
                                processes, *args)
    assert killed.returncode == -signal.SIGKILL
    assert counts_of(db)["daily_site"] != counts_of(clean)["daily_site"]
    again = run_import("--db", db, *args)
    assert again.returncode == 0, again.stderr
    assert counts_of(db) == counts_of(clean)
    assert len(counts_of(db)["daily_site"]) == 75


# import_log.main whose counting process fails at its Nth batch (argv[2]), as a full disk would
# make it: the batch's transaction is rolled back, the batches before it are committed.
FAILING_AT_A_BATCH = """
import sys
sys.path.insert(0, sys.argv[1])
import import_log
from footfall.importing import counting_process
count_batch, fail_at, batches = counting_process.count_batch, int(sys.argv[2]), [0]

def count_batch_or_fail(conn, rules, batch):
    batches[0] += 1
    if batches[0] == fail_at:
        raise OSError("database or disk is full")
    return count_batch(conn, rules, batch)

counting_process.count_batch = count_batch_or_fail
sys.exit(import_log.main(sys.argv[3:]))
"""


@pytest.mark.parametrize("batch", [1, 3])
def test_a_counting_process_that_fails_ends_the_import_with_why_and_a_rerun_counts_the_rest(
        tmp_path, batch):
    # The reading process reads on while batches wait for the counting one: when that one
    # stops, the import says why instead of waiting for it, and the lines it read past what
    # was committed are read again by the next import.
    log = generated_log(tmp_path, seed=5, days=100, visits=20)
    args = ("--site", "example.com", "--until", "2026-12-31", str(log))
    clean = str(tmp_path / "clean.db")
    assert run_import("--db", clean, *args).returncode == 0
    db = str(tmp_path / "failed.db")
    failed = run_patched_import(FAILING_AT_A_BATCH, str(batch), "--db", db, "--processes", "2",
                                *args)
    assert failed.returncode == 1
    assert b"counting stopped: database or disk is full" in failed.stderr
    assert b"Traceback" not in failed.stderr
    assert len(counts_of(db)["daily_site"]) < 100
    again = run_import("--db", db, *args)
    assert again.returncode == 0, again.stderr
    assert counts_of(db) == counts_of(clean)


# import_log.main whose temporary directory has no room: each batch goes through the pipe.
NO_ROOM_TO_SPOOL = """
import sys
sys.path.insert(0, sys.argv[1])
import import_log
from footfall.importing import counting_process

def no_room(self, data):
    raise OSError(28, "No space left on device")

counting_process.CountingProcess._spool = no_room
sys.exit(import_log.main(sys.argv[2:]))
"""


def test_batches_that_cannot_be_spooled_go_through_the_pipe_and_count_the_same(tmp_path):
    log = generated_log(tmp_path, seed=5, days=100, visits=20)
    args = ("--site", "example.com", "--until", "2026-12-31", "--processes", "2", str(log))
    spooled = str(tmp_path / "spooled.db")
    assert run_import("--db", spooled, *args).returncode == 0
    piped = str(tmp_path / "piped.db")
    result = run_patched_import(NO_ROOM_TO_SPOOL, "--db", piped, *args)
    assert result.returncode == 0, result.stderr
    assert counts_of(piped) == counts_of(spooled)
    assert len(counts_of(piped)["daily_site"]) == 100


# import_log.main, noting (in argv[2]) the days on disk under way, with a salt, as its first
# batch commits: add_not_found is the last thing a batch's transaction writes.
DAYS_UNDER_WAY_AT_THE_FIRST_BATCH = """
import json, sys
sys.path.insert(0, sys.argv[1])
import import_log
add_not_found, noted = import_log.imports.add_not_found, sys.argv[2]

def add_not_found_and_note(conn, not_found):
    add_not_found(conn, not_found)
    with open(noted, "a", encoding="utf-8") as out:
        out.write(json.dumps([day for day, in conn.execute("select day from salts order by day")])
                  + "\\n")

import_log.imports.add_not_found = add_not_found_and_note
sys.exit(import_log.main(sys.argv[3:]))
"""


def days_under_way_at_the_first_batch(db, tmp_path, text, processes):
    log = tmp_path / "access.log"
    log.write_text(text, encoding="utf-8")
    noted = tmp_path / "noted.jsonl"
    result = run_patched_import(DAYS_UNDER_WAY_AT_THE_FIRST_BATCH, str(noted), "--db", db,
                                "--processes", processes, "--site", "example.com", "--until",
                                "2026-12-31", str(log))
    assert result.returncode == 0, result.stderr
    return noted.read_text(encoding="utf-8").splitlines()[0]


SIX_DAYS = ("2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04")
# 2026-02-02's line, then a late one of 2026-02-01 (logged when its request ended)
LATE_LINE = days_log(*SIX_DAYS[:4]) + line("203.0.113.9", "2026-02-01", "/late",
                                           clock="23:59:59") + days_log(*SIX_DAYS[4:])


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_batch_ending_at_a_day_change_of_a_log_in_time_order_counts_no_day_open(db, tmp_path,
                                                                                   processes):
    # The first batch ends with January, at the first line of 2026-02-03 (2026-02-01 is read
    # whole then): it notes the log read up to 2026-02-02's first line, and holds that day
    # and the line of 2026-02-03 back for a later batch that has each day whole.
    assert days_under_way_at_the_first_batch(db, tmp_path, days_log(*SIX_DAYS), processes) == "[]"


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_batch_ending_at_a_new_days_first_line_counts_none_of_that_day(db, tmp_path, processes):
    # A late line of 2026-02-01 after 2026-02-02's first: the batch notes the log read up to
    # 2026-02-03's first line, so 2026-02-02 is counted open; 2026-02-03 is not begun.
    assert days_under_way_at_the_first_batch(db, tmp_path, LATE_LINE, processes) == \
        '["2026-02-02"]'


def test_a_day_counted_open_whose_rest_never_comes_ends_before_a_later_day_judged_whole(db,
                                                                                      tmp_path):
    # The first batch counts 2026-02-02 open; no line of it comes after, and the days after
    # it come whole, judged by the reading process: the day ends first, from its views on disk.
    log = tmp_path / "access.log"
    log.write_text(LATE_LINE, encoding="utf-8")
    result = run_import("--db", db, "--processes", "2", "--site", "example.com", "--until",
                        "2026-12-31", str(log))
    assert result.returncode == 0, result.stderr
    assert [row[0] for row in site_days(db)] == list(SIX_DAYS)
    assert rows(db, "select count(*) from salts") == [(0,)]


def daily_pageviews(db):
    """[(day, site, pageviews)] of an SQLite file or a PostgreSQL URL."""
    conn = database.connect(db)
    try:
        return [tuple(row) for row in conn.execute(
            "select day, site, pageviews from daily_site order by day, site").fetchall()]
    finally:
        conn.close()


@pytest.mark.parametrize("db_path", ["sqlite", "postgresql"], indirect=True)
def test_a_second_import_while_one_runs_stops_with_a_message_and_counts_nothing(db_path,
                                                                                 tmp_path):
    # The first import reads the log from a pipe the test holds open, so it is still running,
    # its first batch committed, when the second import of the same log starts.
    log = generated_log(tmp_path, seed=3, days=40, visits=30)
    args = ("--site", "example.com", "--until", "2026-12-31")
    clean = str(tmp_path / "clean.db")
    assert run_import("--db", clean, *args, str(log)).returncode == 0
    first = subprocess.Popen([sys.executable, os.path.join(SCRIPTS, "import_log.py"), "--db",
                              db_path, *args, "-"], env=import_environ(), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        text = log.read_bytes()
        first.stdin.write(text[:-1])  # all but the last newline: the last line is not read yet
        first.stdin.flush()
        wait_for(lambda: daily_pageviews(db_path), "its first batch")
        second = run_import("--db", db_path, *args, str(log))
        first.stdin.write(text[-1:])
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert (second.returncode, second.stdout) == (3, b"")
    assert second.stderr == (b"import_log: another import into this database is running; "
                             b"run this one when it has finished\n")
    assert first.returncode == 0, err
    assert daily_pageviews(db_path) == daily_pageviews(clean)


def test_the_import_lock_beside_an_sqlite_database_is_private_whatever_the_umask(db, access_log):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    environ["FOOTFALL_TIMEZONE"] = "UTC"
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "import_log.py"), "--db", db,
                             "--site", "example.com", "--until", "2026-12-31", access_log],
                            env=environ, capture_output=True, timeout=120, check=False,
                            preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    assert oct(os.stat(db + "-import.lock").st_mode & 0o777) == "0o600"


def order_dependent_lines(host=""):
    """Lines whose counting depends on what came before: a visitor reloading a page across
    midnight (the flood window slides into the next day, once into the next month), and one
    reaching the daily cap of 300 pageviews. [(Unix time, line)]"""
    out = []
    for day, next_day in (("2026-01-09", "2026-01-10"), ("2026-01-31", "2026-02-01")):
        for second in range(40, 60, 2):  # ten views in the last 20 s of the day...
            out.append((day, f"23:59:{second}", "203.0.113.9", "/"))
        for second in range(0, 12, 2):  # ...then six in the next day's first 12 s: floods
            out.append((next_day, f"00:00:{second:02d}", "203.0.113.9", "/"))
    for n in range(310):
        out.append(("2026-02-14", f"{10 + n // 60:02d}:{n % 60:02d}:00", "203.0.113.10", f"/p{n}"))
    return [(_unix(day, clock), host + line(ip, day, page, clock=clock))
            for day, clock, ip, page in out]


def _unix(day, clock):
    return datetime.datetime.fromisoformat(f"{day}T{clock}+00:00").timestamp()


def _time_of(text):
    stamp = text.split("[", 1)[1].split("]", 1)[0]
    return datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").timestamp()


def test_a_flood_across_midnight_and_the_daily_cap_count_in_an_import_as_live(db, tmp_path):
    log = tmp_path / "access.log"
    log.write_text("".join(text for _, text in order_dependent_lines()), encoding="utf-8")
    result = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31", str(log))
    assert result.returncode == 0, result.stderr
    assert site_days(db) == [("2026-01-09", "example.com", 1, 10),
                             ("2026-01-31", "example.com", 1, 10),
                             ("2026-02-14", "example.com", 1, 300)]
    assert "flood 22" in result.stdout.decode()


def test_days_judged_by_the_reading_process_count_as_the_counting_process_counts_them(tmp_path):
    # With two processes the reading one judges the days (the flood and visitor rules) and
    # sums some of them up while the counting one is busy; with one process, one does
    # everything, as record_days does for any bulk day. Three months of two sites with the
    # order-dependent lines among them, and late lines of days already read whole.
    import io

    generated = io.StringIO()
    make_access_log.generate(generated, seed=5, days=80, visits=25)
    hosts = ("example.com:443 ", "blog.example.org:443 ")
    timed = [(_time_of(text), hosts[len(text) % 2] + text)
             for text in generated.getvalue().splitlines(keepends=True) if "[" in text]
    timed += order_dependent_lines(hosts[0])
    for day in ("2026-01-12", "2026-02-20", "2026-03-05"):  # each logged three days late
        timed.append((_unix(day, "08:00:00") + 3 * 86400,
                      hosts[1] + line("203.0.113.11", day, "/late", clock="08:00:00")))
    log = tmp_path / "access.log"
    log.write_text("".join(text for _, text in sorted(timed, key=lambda item: item[0])),
                   encoding="utf-8")
    args = ("--format", "vhost_combined", "--until", "2026-12-31", str(log))
    alone, two = str(tmp_path / "alone.db"), str(tmp_path / "two.db")
    assert run_import("--db", alone, "--processes", "1", *args).returncode == 0
    result = run_import("--db", two, "--processes", "2", *args)
    assert result.returncode == 0, result.stderr
    assert counts_of(two) == counts_of(alone)
    assert rows(two, "select pageviews from daily_site where day = '2026-02-14' and site = "
                     "'example.com'")[0][0] >= 300
    assert len(rows(two, "select distinct site from daily_site")) == 2
    assert rows(two, "select count(*) from daily_page where page = '/late'") == [(3,)]
    assert rows(two, "select count(*) from salts") == [(0,)]  # every day ended, its salt gone


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------

def run_on_a_terminal(*args):
    """Run the import with stderr on a real pseudo-terminal; returns what the terminal showed."""
    import pty

    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    environ["FOOTFALL_TIMEZONE"] = "UTC"
    process = subprocess.Popen([sys.executable, os.path.join(SCRIPTS, "import_log.py"), *args],
                               stdout=subprocess.DEVNULL, stderr=follower, env=environ)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=120)
    os.close(leader)
    return shown.decode()


@pytest.fixture
def long_log(tmp_path):
    path = tmp_path / "long.log"
    path.write_text(LOG * 3000, encoding="utf-8")
    return str(path)


def test_progress_bar_shows_lines_rate_and_time_left_on_a_terminal(db, long_log):
    shown = run_on_a_terminal("--db", db, "--site", "example.com", "--until", "2026-12-31", long_log)
    assert "lines/s" in shown and " left" in shown and "[" in shown


def test_quiet_and_a_stderr_that_is_no_terminal_show_no_progress(db, long_log):
    args = ("--db", db, "--site", "example.com", "--until", "2026-12-31", long_log)
    assert run_on_a_terminal("--quiet", *args) == ""
    result = run_import(*args)
    assert result.stderr == b""
    assert b"page views counted" in result.stdout


# ---------------------------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# --follow
# ---------------------------------------------------------------------------------------------

def wait_for(condition, what, seconds=60):
    """Poll the database until condition() holds; fail after `seconds` (the follower polls
    every 0.1 s, so this is only ever reached when it is broken)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"the follower did not count {what}")


def test_follow_counts_lines_as_they_are_written_and_across_rotation(db, tmp_path):
    import signal

    log = tmp_path / "access.log"
    log.write_text(days_log("2026-03-01", "2026-03-02"), encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    environ["FOOTFALL_TIMEZONE"] = "UTC"
    follower = subprocess.Popen(
        [sys.executable, os.path.join(SCRIPTS, "import_log.py"), "--db", db, "--site",
         "example.com", "--follow", "--poll", "0.1", "--stop-after", "120", str(log)],
        env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        def day(name):
            try:
                return [row[2:] for row in site_days(db) if row[0] == name]
            except sqlite3.OperationalError:  # the file is there, its schema not yet
                return []

        wait_for(lambda: os.path.exists(db) and day("2026-03-02") == [(1, 1)], "the catch-up")
        with open(log, "a", encoding="utf-8") as f:  # the server writes on
            f.write(line("203.0.113.2", "2026-03-02", "/about", clock="13:00:00"))
        wait_for(lambda: day("2026-03-02") == [(2, 2)], "an appended line")
        # logrotate: the log is renamed; the server writes a last line to it before it reopens.
        log.rename(tmp_path / "access.log.1")
        with open(tmp_path / "access.log.1", "a", encoding="utf-8") as f:
            f.write(line("203.0.113.3", "2026-03-02", "/", clock="14:00:00"))
        log.write_text(line("203.0.113.2", "2026-03-02", "/", clock="15:00:00")
                       + line("203.0.113.4", "2026-03-03", "/", clock="09:00:00"), encoding="utf-8")
        wait_for(lambda: day("2026-03-02") == [(3, 4)] and day("2026-03-03") == [(1, 1)],
                 "the rotated log's last line and the new log")
        follower.send_signal(signal.SIGTERM)
        out, err = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    assert "page views counted: 6 on 3 day(s)" in out.decode()
    # A second follower of the same files counts none of their lines again.
    again = run_import("--db", db, "--site", "example.com", "--until", "2026-12-31",
                       str(tmp_path / "access.log.1"), str(log)).stdout.decode()
    assert "page views counted: 0" in again


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------

def test_help_names_every_option():
    result = run_import("--help")
    assert result.returncode == 0
    for option in ("--db", "--format", "--site", "--until", "--follow", "--quiet"):
        assert option.encode() in result.stdout


@pytest.mark.parametrize("args, status, message", [
    (["--until", "2026-13-01"], 2, b"--until must be a date as YYYY-MM-DD"),
    (["--site", "not a host"], 2, b"site is not a host name"),
    (["--format", "%h %t %Q"], 1, b"import_log: %Q is not an Apache LogFormat directive"),
    (["--follow", "-"], 2, b"--follow takes one FILE (not '-')"),
], ids=["bad-until", "bad-site", "unknown-directive", "follow-stdin"])
def test_a_wrong_command_line_is_a_short_message(db, access_log, args, status, message):
    files = [] if "--follow" in args else [access_log]
    result = run_import("--db", db, *args, *files)
    assert (result.returncode, b"Traceback" in result.stderr) == (status, False)
    assert message in result.stderr
