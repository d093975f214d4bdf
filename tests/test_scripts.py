"""The scripts a site owner runs: setup_db, seed_db and serve."""

import datetime
import json
import os
import re
import socket
import subprocess
import sys
import urllib.request

import pytest
from footfall.storage import database, record, totals
from footfall_testing import FIXED_CLOCK_ENV, ROOT, SCRIPTS, counts, visits


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


def test_seed_db_adds_1000_hits_over_the_last_90_days(tmp_path):
    db = str(tmp_path / "footfall.db")
    # seed_db's clock starts at 2026-11-28 12:00 UTC: the 90 days are 2026-08-31 to 2026-11-28
    result = run_script("seed_db.py", "--db", db, "--seed", "7", home=tmp_path,
                        env={"FOOTFALL_TIMEZONE": "UTC", **FIXED_CLOCK_ENV})
    assert result.returncode == 0, result.stderr
    conn = database.connect(db)
    days = totals.read_days(conn, "2000-01-01", "2999-12-31")
    assert sum(p for _, p in days.values()) == 1000
    assert min(days) >= "2026-08-31" and max(days) <= "2026-11-28"
    visitors = sum(v for v, _ in days.values())
    assert 200 < visitors < 900  # visitors read a few pages each
    weekday = [p for d, (_, p) in days.items() if datetime.date.fromisoformat(d).weekday() < 5]
    weekend = [p for d, (_, p) in days.items() if datetime.date.fromisoformat(d).weekday() >= 5]
    assert sum(weekday) / len(weekday) > sum(weekend) / len(weekend)
    assert conn.execute("select count(*) from salts where day < '2026-11-28'").fetchone()[0] == 0


def test_seed_db_with_the_same_seed_gives_the_same_pages(tmp_path):
    pages = []
    for name in ("a.db", "b.db"):
        db = str(tmp_path / name)
        run_script("seed_db.py", "--db", db, "--hits", "200", "--seed", "3", home=tmp_path)
        conn = database.connect(db)
        pages.append(totals.top_pages(conn, "2000-01-01", "2999-12-31"))
    assert pages[0] == pages[1]


def logged_days(log_text):
    """The days of an access log's lines, as datetime.date, in the order they first appear."""
    days = {}
    for line in log_text.splitlines():
        stamp = re.search(r"\[(\d\d/\w{3}/\d{4}):", line).group(1)
        days.setdefault(datetime.datetime.strptime(stamp, "%d/%b/%Y").date(), None)
    return list(days)


def test_make_access_log_ends_yesterday_by_default(tmp_path):
    # The pinned clock: 2026-11-28 12:00 UTC. A report of "last week" then has a week to show.
    result = run_script("make_access_log.py", "--days", "7", "--visits", "20", "--seed", "1",
                        env=FIXED_CLOCK_ENV)
    assert result.returncode == 0, result.stderr
    assert logged_days(result.stdout) == [datetime.date(2026, 11, day) for day in range(21, 28)]


def test_make_access_log_starts_on_the_day_given(tmp_path):
    result = run_script("make_access_log.py", "--days", "3", "--visits", "20", "--seed", "1",
                        "--start", "2026-01-30", env=FIXED_CLOCK_ENV)
    assert result.returncode == 0, result.stderr
    assert logged_days(result.stdout) == [datetime.date(2026, 1, 30), datetime.date(2026, 1, 31),
                                          datetime.date(2026, 2, 1)]


def test_make_access_log_without_assets_logs_the_pages_and_none_of_their_assets():
    # A site whose stylesheets, scripts and images come from a CDN: issue 22's busy log, whose
    # lines are mostly pages (bench.py --logs).
    args = ("--days", "2", "--visits", "200", "--seed", "1", "--start", "2026-01-05")
    with_assets = run_script("make_access_log.py", *args, env=FIXED_CLOCK_ENV)
    without = run_script("make_access_log.py", *args, "--no-assets", env=FIXED_CLOCK_ENV)
    assert with_assets.returncode == 0 and without.returncode == 0, without.stderr

    def requested(log):
        return [line.split('"')[1].split()[1] for line in log.splitlines() if '"GET ' in line]

    asset = re.compile(r"^/(static|images)/|^/favicon\.ico$")
    assert any(asset.search(path) for path in requested(with_assets.stdout))
    assert not any(asset.search(path) for path in requested(without.stdout))

    def share_of_pages(log):
        paths = requested(log)
        return sum(not asset.search(path) and not path.startswith(("/robots", "/sitemap",
                                                                   "/feed")) for path in paths
                   ) / len(paths)

    assert share_of_pages(with_assets.stdout) < 0.4 < 0.8 < share_of_pages(without.stdout)


def start_serve(tmp_path, *args, script=None, env=None):
    """serve.py on a free port; returns the process and its API and dashboard addresses."""
    # A real install's config file with a read key must not make the local demo private.
    (tmp_path / "footfall").mkdir(exist_ok=True)
    (tmp_path / "footfall" / "footfall.ini").write_text("[footfall]\nread_key = private\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    environ["HOME"] = str(tmp_path)
    environ.update(env or {})
    proc = subprocess.Popen([sys.executable, script or os.path.join(SCRIPTS, "serve.py"),
                             "--port", "0", "--quiet", *args], stdout=subprocess.PIPE, text=True,
                            env=environ)
    lines = []
    while not any("API:" in line for line in lines):
        lines.append(proc.stdout.readline())
        if not lines[-1]:
            proc.wait(10)
            raise AssertionError("serve.py exited early")
    text = "".join(lines)
    return (proc, text, re.search(r"API:\s+(\S+)", text).group(1),
            re.search(r"dashboard:\s+(\S+)", text).group(1))


@pytest.mark.parametrize("name, args", [
    ("report.py", ["--now", "2026-11-28T09:30"]),
    ("import_log.py", ["--site", "example.com", "{log}"]),
], ids=["report", "import_log"])
def test_script_without_db_names_the_database_it_uses_on_stderr(tmp_path, name, args):
    db = str(tmp_path / "footfall" / "footfall.db")
    assert run_script("setup_db.py", "--public", home=tmp_path).returncode == 0
    log = tmp_path / "access.log"
    log.write_text("")
    result = run_script(name, *[arg.format(log=log) for arg in args], home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"{name[:-3]}: the database {db} (the default)\n"


def test_serve_creates_demo_data_in_its_demo_folder_and_serves_api_and_dashboard(tmp_path):
    # A checkout of its own (links to this one's folders), so the demo folder is tmp_path's.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("scripts", "cgi-bin", "static"):
        (checkout / name).symlink_to(os.path.join(ROOT, name))
    proc, _text, api, dashboard = start_serve(tmp_path,
                                              script=str(checkout / "scripts" / "serve.py"))
    try:
        with urllib.request.urlopen(api, timeout=10) as response:  # no key needed
            answer = json.load(response)
        assert answer["totals"]["pageviews"] == 20_000  # seed_db.seed_demo's, not the tests' 1000
        assert len(answer["data"]) >= 89
        with urllib.request.urlopen(dashboard, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/html")
    finally:
        proc.terminate()
        proc.wait(10)
    assert (checkout / "demo" / "footfall.db").exists()


def test_serve_never_seeds_a_database_outside_its_demo_folder(tmp_path):
    db = tmp_path / "elsewhere" / "footfall.db"
    proc, text, api, _dashboard = start_serve(tmp_path, "--db", str(db))
    try:
        with urllib.request.urlopen(api, timeout=10) as response:
            assert visits(json.load(response)["totals"]) == {"visitors": 0, "pageviews": 0}
    finally:
        proc.terminate()
        proc.wait(10)
    assert f"created an empty database: {db} (for demo hits: python3 " in text
    assert f"seed_db.py --db {db})" in text


def serve_output(tmp_path, db):
    """What serve.py prints before it serves, over db (given in FOOTFALL_DB: a URL with a
    password is refused on the command line)."""
    proc, text, _api, _dashboard = start_serve(tmp_path, env={"FOOTFALL_DB": db})
    proc.terminate()
    proc.wait(10)
    return text


def test_serve_on_postgresql_with_hits_says_nothing_of_creating_it(tmp_path, pg_url):
    assert run_script("seed_db.py", "--db", pg_url, "--hits", "20", "--seed", "1",
                      home=tmp_path).returncode == 0
    text = serve_output(tmp_path, pg_url)
    assert text.startswith("footfall is running at http://127.0.0.1:")


def test_serve_on_an_empty_postgresql_suggests_seed_db_with_its_url_without_the_password(
        tmp_path, pg_url):
    # The private cluster trusts loopback: any password is accepted, and none may be printed.
    with_password = pg_url.replace("postgresql://footfall@", "postgresql://footfall:s3cret@")
    text = serve_output(tmp_path, with_password)
    assert text.splitlines()[0] == (
        f"the database {database.shown(with_password)} holds no hits yet (for demo hits: python3 "
        f"{os.path.join(SCRIPTS, 'seed_db.py')} --db '{pg_url}')")
    assert "s3cret" not in text


def test_serve_says_which_port_is_in_use_instead_of_a_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_script("serve.py", "--port", str(port), "--db", str(tmp_path / "f.db"),
                            home=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"serve.py: port {port} is in use (another serve.py?); try "
                             f"--port {port + 1}, or --port 0 for any free port\n")


@pytest.mark.parametrize("script, args, message", [
    ("setup_db.py", ["--db", "{blocker}/sub/f.db"], "setup_db: cannot create the database directory"),
    ("seed_db.py", ["--db", "{blocker}/sub/f.db"], "seed_db: cannot create the database directory"),
    ("serve.py", ["--db", "{blocker}/sub/f.db"], "serve.py: cannot create the database directory"),
    ("backup.py", ["--db", "{db}", "{blocker}/sub/copy.db"], "backup: cannot write"),
], ids=["setup_db", "seed_db", "serve", "backup-target"])
def test_a_folder_that_cannot_be_made_is_one_line_not_a_traceback(tmp_path, script, args, message):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    db = tmp_path / "f.db"
    database.connect(str(db)).close()
    result = run_script(script, *[a.format(blocker=blocker, db=db) for a in args], home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_seed_db_refuses_a_database_with_hits_it_did_not_make_unless_forced(tmp_path):
    db = str(tmp_path / "real.db")
    conn = database.connect(db)
    record.record_hit(conn, record.Hit(1795867200.0, "2026-11-28", "example.com", "/", "",
                                         "192.0.2.1", "Mozilla/5.0"), record.Rules())
    conn.close()
    refused = run_script("seed_db.py", "--db", db, "--hits", "10", home=tmp_path)
    assert refused.returncode == 1
    assert "holds hits seed_db did not make" in refused.stderr and "--force" in refused.stderr
    assert counts(db)["pageviews"] == 1
    forced = run_script("seed_db.py", "--db", db, "--hits", "10", "--force", home=tmp_path)
    assert forced.returncode == 0
    assert counts(db)["pageviews"] == 11


def test_seed_db_adds_to_its_own_demo_data_without_force(tmp_path):
    db = str(tmp_path / "demo.db")
    assert run_script("seed_db.py", "--db", db, "--hits", "10", home=tmp_path).returncode == 0
    again = run_script("seed_db.py", "--db", db, "--hits", "10", home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert counts(db)["pageviews"] == 20


@pytest.mark.parametrize("script", ["load.py", "doctor.py"])
def test_a_server_that_does_not_answer_is_one_line_not_a_traceback(tmp_path, script):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/cgi-bin/stats.py"
    args = ["--url", url, "--hits", "2", "--clients", "1"] if script == "load.py" else [url]
    result = run_script(script, *args, home=tmp_path)
    assert result.returncode == 1
    assert "Connection refused" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("script, args", [
    ("doctor.py", ["not-a-url"]),
    ("setup_db.py", ["--remove-key"]),
    ("setup_db.py", ["--public", "--new-key"]),
    ("seed_db.py", ["--hits", "-1"]),
], ids=["doctor-url", "remove-key-alone", "public-and-new-key", "negative-hits"])
def test_wrong_arguments_exit_2_with_a_usage_line(tmp_path, script, args):
    result = run_script(script, *args, home=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "usage:" in result.stderr


# A URL with a password, given where ps and the shell's history would keep it.
URL_WITH_PASSWORD = "postgresql://footfall:Sesame-42@127.0.0.1:9/footfall"


@pytest.mark.parametrize("script, args", [
    ("setup_db.py", []),
    ("seed_db.py", []),
    ("serve.py", []),
    ("backup.py", ["copy.db"]),
    ("note.py", ["list"]),
    ("report.py", []),
    ("import_log.py", ["access.log"]),
])
def test_a_database_password_on_the_command_line_is_refused_in_one_line(tmp_path, script, args):
    result = run_script(script, "--db", URL_WITH_PASSWORD, *args, home=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"{script.replace('.py', '') if script != 'serve.py' else script}: "
                             "a password on the command line shows in ps and your shell "
                             "history: put the URL in FOOTFALL_DB instead, or leave the "
                             "password out of it (~/.pgpass, PGPASSWORD)\n")


def test_serve_sends_the_dashboards_modules_as_javascript():
    # A browser runs no ES module served as anything but JavaScript.
    sys.path.insert(0, SCRIPTS)
    from wsgiref.util import setup_testing_defaults

    import serve

    modules = sorted(os.listdir(os.path.join(ROOT, "static", "dashboard")))
    files = serve.static_files(os.path.join(ROOT, "static"))
    types = {}
    for name in modules:
        environ = {"PATH_INFO": f"/dashboard/{name}"}
        setup_testing_defaults(environ)
        answered = []
        files(environ, lambda status, headers, answered=answered: answered.append(dict(headers)))
        types[name] = answered[0]["Content-Type"]
    assert types == {name: "text/javascript; charset=utf-8" for name in modules}
