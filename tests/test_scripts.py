"""The scripts a site owner runs: setup_db, seed_db and serve."""

import datetime
import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest
from footfall import settings
from footfall.storage import database, totals
from footfall_testing import SCRIPTS, counts


def run_script(name, *args, env=None, home=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    if home:
        environ["HOME"] = str(home)  # so a real ~/footfall/footfall.ini is never touched
    environ.update(env or {})
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *args], env=environ,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("name", ["setup_db.py", "seed_db.py", "serve.py", "backup.py", "note.py",
                                  "report.py"])
def test_every_script_has_help(name):
    result = run_script(name, "--help")
    assert result.returncode == 0
    assert "--db" in result.stdout


def test_setup_db_is_safe_to_run_twice_and_keeps_data(tmp_path):
    db = str(tmp_path / "data" / "footfall.db")
    assert run_script("setup_db.py", "--db", db, "--public", home=tmp_path).returncode == 0
    run_script("seed_db.py", "--db", db, "--hits", "50", "--seed", "1", home=tmp_path)
    before = counts(db)
    second = run_script("setup_db.py", "--db", db, "--public", home=tmp_path)
    assert second.returncode == 0
    assert f"schema version {database.SCHEMA_VERSION}" in second.stdout
    assert counts(db) == before


def test_setup_db_generates_a_read_key_into_the_config_file(tmp_path):
    db = str(tmp_path / "data" / "footfall.db")
    result = run_script("setup_db.py", "--db", db, home=tmp_path)
    key = re.search(r"read key: (\S+)", result.stdout).group(1)
    config_file = tmp_path / "footfall" / "footfall.ini"
    assert oct(config_file.stat().st_mode & 0o777) == "0o600"
    config = settings.load_config({"HOME": str(tmp_path)})
    assert config.read_key == key and len(key) >= 24
    assert config.db == db
    again = run_script("setup_db.py", home=tmp_path)
    assert f"read key: {key}" in again.stdout  # kept, not replaced


def test_setup_db_prints_a_dashboard_link_that_carries_the_key(tmp_path):
    result = run_script("setup_db.py", "--db", str(tmp_path / "f.db"), "--dashboard",
                        "https://example.com/view_stats.html", home=tmp_path)
    key = re.search(r"read key: (\S+)", result.stdout).group(1)
    assert f"dashboard: https://example.com/view_stats.html#key={key}" in result.stdout


def test_setup_db_public_writes_no_key(tmp_path):
    result = run_script("setup_db.py", "--db", str(tmp_path / "f.db"), "--public", home=tmp_path)
    assert "stats are public" in result.stdout
    assert settings.load_config({"HOME": str(tmp_path)}).read_key == ""


def test_seed_db_adds_1000_hits_over_the_last_90_days(tmp_path):
    db = str(tmp_path / "footfall.db")
    result = run_script("seed_db.py", "--db", db, "--seed", "7", home=tmp_path,
                        env={"FOOTFALL_TIMEZONE": "UTC"})
    assert result.returncode == 0, result.stderr
    conn = database.connect(db)
    days = totals.read_days(conn, "2000-01-01", "2999-12-31")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    first = today - datetime.timedelta(days=89)
    assert sum(p for _, p in days.values()) == 1000
    assert min(days) >= first.isoformat() and max(days) <= today.isoformat()
    visitors = sum(v for v, _ in days.values())
    assert 200 < visitors < 900  # visitors read a few pages each
    weekday = [p for d, (_, p) in days.items() if datetime.date.fromisoformat(d).weekday() < 5]
    weekend = [p for d, (_, p) in days.items() if datetime.date.fromisoformat(d).weekday() >= 5]
    assert sum(weekday) / len(weekday) > sum(weekend) / len(weekend)
    assert conn.execute("select count(*) from salts where day < ?",
                        (today.isoformat(),)).fetchone()[0] == 0


def test_seed_db_with_the_same_seed_gives_the_same_pages(tmp_path):
    pages = []
    for name in ("a.db", "b.db"):
        db = str(tmp_path / name)
        run_script("seed_db.py", "--db", db, "--hits", "200", "--seed", "3", home=tmp_path)
        conn = database.connect(db)
        pages.append(totals.top_pages(conn, "2000-01-01", "2999-12-31"))
    assert pages[0] == pages[1]


def test_serve_creates_demo_data_and_serves_api_and_dashboard(tmp_path):
    db = str(tmp_path / "demo" / "footfall.db")
    # A real install's config file with a read key must not make the local demo private.
    (tmp_path / "footfall").mkdir()
    (tmp_path / "footfall" / "footfall.ini").write_text("[footfall]\nread_key = private\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    environ["HOME"] = str(tmp_path)
    proc = subprocess.Popen([sys.executable, os.path.join(SCRIPTS, "serve.py"), "--port", "0",
                             "--db", db, "--quiet"], stdout=subprocess.PIPE, text=True,
                            env=environ)
    try:
        lines = []
        while not any("API:" in line for line in lines):
            lines.append(proc.stdout.readline())
            assert lines[-1], "serve.py exited early"
        api = re.search(r"API:\s+(\S+)", "".join(lines)).group(1)
        dashboard = re.search(r"dashboard:\s+(\S+)", "".join(lines)).group(1)
        with urllib.request.urlopen(api, timeout=10) as response:  # no key needed
            answer = json.load(response)
        assert answer["totals"]["pageviews"] == 1000
        assert len(answer["data"]) >= 89
        with urllib.request.urlopen(dashboard, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/html")
    finally:
        proc.terminate()
        proc.wait(10)
