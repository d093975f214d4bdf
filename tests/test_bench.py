"""scripts/bench.py --quick and --logs run end to end (part of the test command); their figures
are not asserted: speed goals live in the benchmark and docs/performance.md, never in a timed
test."""

import os
import sqlite3
import subprocess
import sys

from footfall_testing import SCRIPTS


def test_bench_quick_runs_and_prints_every_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    result = subprocess.run(
        [sys.executable, os.path.join(SCRIPTS, "bench.py"), "--quick", "--data", str(tmp_path),
         "--python", sys.executable],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for heading in ("# footfall benchmark (quick run)", "## Reading a chart",
                    "## Logging a hit as CGI", "## Logging hits in one long-lived process",
                    "## Storage", "## Seeding"):
        assert heading in result.stdout
    assert "| footfall `stats.py` POST |" in result.stdout
    # One filter on the ranges that count the most days from records, each GET answered.
    for name in ("the last 365 days", "both ends mid-month", "a week counted at each end"):
        assert f"| {name} |" in result.stdout
    assert "| footfall through `wsgiref.handlers.CGIHandler`" in result.stdout
    # As an install sets it up: a time zone, a config file (each POST counted, or bench.py fails).
    assert "| the same, `timezone = Europe/Berlin` |" in result.stdout
    assert "| the same, a config file in the home directory |" in result.stdout
    assert "With `timezone = Europe/Berlin`: " in result.stdout
    assert "footfall / floor in each round: " in result.stdout and "goal at most 1.25x: " in result.stdout
    assert "| 100,000 | 365 |" in result.stdout


def test_bench_logs_imports_each_log_beside_its_reading_process_alone(tmp_path):
    # The import's table of each log holds a row for its reading process alone
    # (scripts/benchmark/reading_alone.py), the least the import can take on free cores.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    result = subprocess.run(
        [sys.executable, os.path.join(SCRIPTS, "bench.py"), "--logs", "3000", "--stages",
         "--data", str(tmp_path), "--python", sys.executable],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("## Importing an access log") == 3
    assert result.stdout.count("| footfall import_log.py |") == 3
    assert result.stdout.count("| its reading process alone |") == 3
    # --stages: the import with parts of a day's end left out (import_without.py), each row
    assert result.stdout.count("| without the day's records, so without pairs ") == 3
    assert result.stdout.count("| without the exact summary and the records |") == 3
    if "GoAccess is not installed" not in result.stdout:  # else no ratio is printed
        assert result.stdout.count("(its reading process alone ") == 3


def test_the_reading_process_alone_reads_every_line_and_counts_none(tmp_path):
    log = tmp_path / "access.log"
    log.write_text("".join(
        f'203.0.113.{n} - - [07/Dec/2026:10:{n:02d}:00 +0000] "GET /p{n} HTTP/1.1" 200 512 "-" '
        '"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"\n'
        for n in range(20)))
    db = tmp_path / "alone.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    result = subprocess.run(
        [sys.executable, os.path.join(SCRIPTS, "benchmark", "reading_alone.py"), "--db", str(db),
         "--site", "example.com", "--until", "2999-12-31", "--quiet", str(log)],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "20 lines" in result.stderr + result.stdout  # every line read and parsed
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from daily_site").fetchone()[0] == 0  # none counted
    conn.close()


def _import(tmp_path, name, *command):
    log = tmp_path / "access.log"
    if not log.exists():
        log.write_text("".join(
            f'203.0.113.{n % 7} - - [07/Dec/2026:10:{n:02d}:00 +0000] "GET /p{n % 5} HTTP/1.1" '
            '200 512 "https://news.example/" '
            '"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"\n'
            for n in range(40)))
    db = tmp_path / f"{name}.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    result = subprocess.run(
        [sys.executable, *command, "--db", str(db), "--site", "example.com", "--until",
         "2999-12-31", "--quiet", str(log)],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(query).fetchone()[0] for table, query in (
            ("pageviews", "select sum(pageviews) from daily_site"),
            ("day_records", "select count(*) from day_records"),
            ("monthly_pairs", "select count(*) from monthly_pairs"),
            ("daily_breakdown", "select count(*) from daily_breakdown"))}
    finally:
        conn.close()


def test_an_import_without_parts_counts_the_same_page_views_and_stores_none_of_those_parts(
        tmp_path):
    # What bench.py --stages measures must be the same import with only those parts gone: the
    # same page views counted, and nothing of the parts left out stored.
    whole = _import(tmp_path, "whole", os.path.join(SCRIPTS, "import_log.py"))
    assert whole["pageviews"] > 0 and whole["day_records"] and whole["monthly_pairs"]
    assert whole["daily_breakdown"]
    without = os.path.join(SCRIPTS, "benchmark", "import_without.py")
    no_pairs = _import(tmp_path, "no-pairs", without, "pairs")
    assert no_pairs == dict(whole, monthly_pairs=0)
    nothing = _import(tmp_path, "nothing", without, "summary,records,pairs")
    assert nothing == {"pageviews": whole["pageviews"], "day_records": 0, "monthly_pairs": 0,
                       "daily_breakdown": 0}


def test_an_import_without_the_summary_alone_is_refused(tmp_path):
    # A month's pairs are written beside its summary's rows: without the summary the month's
    # second day would write its pairs again.
    result = subprocess.run(
        [sys.executable, os.path.join(SCRIPTS, "benchmark", "import_without.py"), "summary",
         "--db", str(tmp_path / "x.db"), str(tmp_path / "access.log")],
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "summary only with pairs" in result.stderr
