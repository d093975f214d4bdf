"""scripts/doctor.py against real servers: a private Apache running CGI as www-data, installed
as README and docs/deploy.md say (setup_db.py --web-user), on a host without the distro's
"deny .ht*" rule; then broken in each way the doctor detects, one at a time. And nginx."""

import datetime
import os
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest
from footfall_apache import (
    ALLOWED_SITE,
    CGI_PATH,
    CGI_USER,
    READ_KEY,
    ROOT,
    Apache,
    free_port,
    request,
)
from footfall_testing import visits  # noqa: E402
from test_deploy_docs import code_block
from test_nginx import nginx  # noqa: F401  (the fixture: a private nginx with fcgiwrap)

DOCTOR = os.path.join(ROOT, "scripts", "doctor.py")
SETUP_DB = os.path.join(ROOT, "scripts", "setup_db.py")
IMPORT_LOG = os.path.join(ROOT, "scripts", "import_log.py")
HTACCESS_RULE = '<FilesMatch "^\\.ht">\n    Require all denied\n</FilesMatch>\n'


def doctor(url, *args, key=None):
    """doctor.py as a subprocess, stdin not a terminal; key: its FOOTFALL_READ_KEY. The key
    never shows in what it prints."""
    env = {name: value for name, value in os.environ.items() if name != "FOOTFALL_READ_KEY"}
    if key is not None:
        env["FOOTFALL_READ_KEY"] = key
    result = subprocess.run([sys.executable, DOCTOR, url, *args], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, env=env, timeout=120,
                            check=False)
    assert "Traceback" not in result.stderr, result.stderr
    if key:
        assert key not in result.stdout + result.stderr
    return result


def setup_db(server, *args):
    """setup_db.py as the docs say: as root, handing the database to the CGI user."""
    user = ["--web-user", CGI_USER] if server.as_root else []
    result = subprocess.run(["python3", SETUP_DB, "--db", server.db, *user, *args],
                            env={"PATH": CGI_PATH, "HOME": server.home}, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Install:
    """The private Apache (CGI as www-data when run as root), its database made by the command
    docs/deploy.md's walk-through gives, run as written but for the paths."""

    def __init__(self, server):
        self.server = server
        self.url = f"{server.url}/cgi-bin/stats.py"
        shutil.rmtree(server.db_dir)  # setup_db.py makes it, as on a fresh host
        steps = code_block("sh", "--web-user www-data --dashboard")
        steps = (steps.replace("sudo ", "").replace("/home/you/footfall-src", ROOT)
                 .replace("/home/you", server.home))
        if not server.as_root:  # the tests then run Apache as the user that runs setup_db.py
            steps = steps.replace("--web-user www-data", "")
        result = subprocess.run(["bash", "-euc", steps], env={"PATH": CGI_PATH,
                                                              "HOME": server.home},
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        self.key = re.search(r"read key: (\S+)", result.stdout).group(1)
        assert f"#key={self.key}" in result.stdout


@pytest.fixture(scope="module")
def install():
    if not os.path.exists("/usr/sbin/apache2"):
        pytest.skip("apache2 is not installed")
    server = Apache(dotfile_rule=False).start()
    try:
        yield Install(server)
    finally:
        server.stop()


def test_doctor_passes_a_private_install_made_as_the_docs_say(install):
    result = doctor(install.url, key=install.key)
    assert result.returncode == 0, result.stdout
    assert "✗" not in result.stdout
    for line in ("✓ the script answers JSON (401)",
                 "✓ stats without the read key are refused (401)",
                 "✓ the read key opens the stats",
                 "✓ a test hit with a browser User-Agent is counted and reads back",
                 "✓ .htaccess is not served",
                 f"✓ the dashboard loads ({install.server.url}/view_stats.html)"):
        assert line in result.stdout, result.stdout
    assert result.stdout.endswith("all checks passed\n")


def test_the_doctors_test_hit_leaves_nothing_in_the_owners_stats(install):
    doctor(install.url, key=install.key)
    stats = request(install.server.url, "GET", "/cgi-bin/stats.py?page=/footfall-doctor",
                    headers={"X-Footfall-Key": install.key})
    assert visits(stats.json()["totals"]) == {"visitors": 0, "pageviews": 0}
    everything = request(install.server.url, "GET", "/cgi-bin/stats.py",
                         headers={"X-Footfall-Key": install.key})
    assert "/footfall-doctor" not in [p["page"] for p in everything.json()["pages"]]


def test_a_real_hit_through_the_install_is_counted_and_private(install):
    hit = request(install.server.url, "POST", "/cgi-bin/stats.py",
                  body="page=/first&site=example.com")
    assert hit.json()["counted"] is True
    assert request(install.server.url, "GET", "/cgi-bin/stats.py").status == 401
    stats = request(install.server.url, "GET", "/cgi-bin/stats.py?site=example.com",
                    headers={"X-Footfall-Key": install.key})
    assert stats.json()["totals"]["pageviews"] == 1


# Each way of breaking the install: what to do, what to undo, the ✗ line, the fix it names.
def _chmod(path, mode):
    return lambda install: os.chmod(os.path.join(install.server.base, path), mode)


def _move(source, target):
    def move(install):
        os.rename(os.path.join(install.server.base, source),
                  os.path.join(install.server.base, target))
    return move


def _copy_db_into_web_root(install):
    folder = os.path.join(install.server.docroot, "footfall")
    os.makedirs(folder)
    shutil.copy(install.server.db, folder)
    os.chmod(os.path.join(folder, "footfall.db"), 0o644)  # as an upload by FTP leaves it


def _remove_db_copy(install):
    shutil.rmtree(os.path.join(install.server.docroot, "footfall"))


def _root_owns_the_database(install):
    for path in [install.server.db_dir] + [install.server.db + s for s in ("", "-wal", "-shm")]:
        if os.path.exists(path):
            os.chown(path, 0, 0)
            os.chmod(path, 0o755 if path == install.server.db_dir else 0o644)


def _hand_back(install):
    setup_db(install.server)


def _make_public(install):
    setup_db(install.server, "--public", "--remove-key")


def _new_key(install):
    install.key = re.search(r"read key: (\S+)", setup_db(install.server, "--new-key")).group(1)


def _edit_htaccess(folder, old, new):
    def edit(install):
        path = os.path.join(install.server.docroot, folder, ".htaccess")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert old in text
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))
    return edit


def _serve_scripts_as_text(install):
    with open(os.path.join(install.server.docroot, "dashboard", ".htaccess"), "w",
              encoding="utf-8") as f:
        f.write("AddType text/plain .js\n")


def _serve_scripts_as_javascript(install):
    os.remove(os.path.join(install.server.docroot, "dashboard", ".htaccess"))


HEADER_LINE = "Header always unset X-Content-Type-Options\n"

# name: (break it, repair it, the ✗ line, the fix named). All on the ScriptAlias cgi-bin but the
# .htaccess rule's, which needs the plain folder: under ScriptAlias, Apache would run the
# .htaccess as a script rather than serve it.
BROKEN = {
    "script-not-executable": (
        _chmod("home/public_html/cgi-bin/stats.py", 0o644),
        _chmod("home/public_html/cgi-bin/stats.py", 0o755),
        "✗ the script does not answer JSON (status 500)", "chmod 755 stats.py"),
    "htaccess-without-its-dotfile-rule": (
        _edit_htaccess("stats", HTACCESS_RULE, ""),
        _edit_htaccess("stats", "# Dot-files", HTACCESS_RULE + "# Dot-files"),
        "✗ /stats/.htaccess is served", "denies .ht* files"),
    "database-folder-in-the-web-root": (
        _copy_db_into_web_root, _remove_db_copy,
        "✗ downloadable by anyone: /footfall/footfall.db", "outside the web root"),
    "database-owned-by-root": (
        _root_owns_the_database, _hand_back,
        "answers 500", "--web-user www-data"),
    # No FOOTFALL_DB (here the server-wide one unset): the CGI user's own ~/footfall, not yours.
    "setenv-footfall-db-missing": (
        _edit_htaccess("stats", "\nSetEnv FOOTFALL_DB ", "\nUnsetEnv FOOTFALL_DB\n# "),
        _edit_htaccess("stats", "\nUnsetEnv FOOTFALL_DB\n# ", "\nSetEnv FOOTFALL_DB "),
        "✗ footfall runs but answers 500", "add  SetEnv FOOTFALL_DB "),
    "read-key-missing": (
        _make_public, _new_key,
        "✗ stats are readable WITHOUT the read key", "records a hash of the key"),
    "dashboard-missing": (
        _move("home/public_html/view_stats.html", "dashboard-aside"),
        _move("dashboard-aside", "home/public_html/view_stats.html"),
        "✗ the dashboard", "upload everything in footfall's static/ folder"),
    # A browser refuses to run an ES module served as text: the dashboard would stay blank.
    "dashboard-modules-served-as-text": (
        _serve_scripts_as_text, _serve_scripts_as_javascript,
        "✗ the dashboard's dashboard/main.js is served as text/plain",
        "AddType text/javascript .js"),
    "headers-rewritten": (
        _edit_htaccess("cgi-bin", "\nLimitRequestBody 65536", "\n" + HEADER_LINE
                       + "LimitRequestBody 65536"),
        _edit_htaccess("cgi-bin", HEADER_LINE, ""),
        "X-Content-Type-Options: (missing)", "must pass them on as they are"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_doctor_names_the_fix_for_each_broken_install(install, name):
    if name == "database-owned-by-root" and not install.server.as_root:
        pytest.skip("needs root to give the database to root (test.sh and CI run as root)")
    if name == "setenv-footfall-db-missing" and not install.server.as_root:
        pytest.skip("needs root: CGI as www-data, whose home is not the site owner's")
    args, key = [install.url], install.key
    if name in ("htaccess-without-its-dotfile-rule", "setenv-footfall-db-missing"):
        # the plain folder's settings: a key, one allowed site
        args, key = [f"{install.server.url}/stats/stats.py", "--site", ALLOWED_SITE], READ_KEY
    breaker, repair, line, fix = BROKEN[name]
    breaker(install)
    try:
        result = doctor(*args, key=key)
    finally:
        repair(install)
    assert result.returncode == 1, result.stdout
    assert line in result.stdout, result.stdout
    assert fix in result.stdout, result.stdout
    repaired = doctor(*args, key=install.key if len(args) == 1 else key)  # a new key, maybe
    assert repaired.returncode == 0, repaired.stdout


def test_doctor_says_when_its_test_hit_is_for_a_site_not_allowed(install):
    result = doctor(f"{install.server.url}/stats/stats.py", key=READ_KEY)
    assert result.returncode == 1
    assert "✗ the test hit was not counted: site not allowed" in result.stdout
    assert "pass --site with one of your allowed sites (FOOTFALL_SITES)" in result.stdout


def test_doctor_sees_source_code_served_where_cgi_is_not_enabled(install):
    # The plain folder (no ScriptAlias): without its .htaccess, Apache sends stats.py as text.
    folder = install.server.plain_dir
    os.rename(os.path.join(folder, ".htaccess"), os.path.join(install.server.base, "plain-aside"))
    try:
        result = doctor(f"{install.server.url}/stats/stats.py", key=READ_KEY)
    finally:
        os.rename(os.path.join(install.server.base, "plain-aside"),
                  os.path.join(folder, ".htaccess"))
    assert result.returncode == 1
    assert "sends the script's source instead of running it" in result.stdout
    assert "upload footfall's .htaccess beside stats.py" in result.stdout


def test_the_site_root_shows_the_dashboard_where_there_is_no_index(install):
    root = request(install.server.url, "GET", "/")
    assert root.status == 200
    assert b'<script src="dashboard/start.js" async fetchpriority="high"></script>' in root.body


MODULES = sorted(os.listdir(os.path.join(ROOT, "static", "dashboard")))


def _types_of_the_dashboards_scripts(base):
    return {name: request(base, "GET", f"/dashboard/{name}").headers["Content-Type"]
            for name in MODULES}


# A browser runs no ES module served as anything but JavaScript.
def test_apache_serves_the_dashboards_modules_as_javascript(install):
    assert _types_of_the_dashboards_scripts(install.server.url) == {
        name: "text/javascript" for name in MODULES}


def test_nginx_serves_the_dashboards_modules_as_javascript(nginx):  # noqa: F811
    assert _types_of_the_dashboards_scripts(nginx) == {
        name: "application/javascript" for name in MODULES}


# -- the read key: never on the command line, never printed ----------------------------------

def test_doctor_refuses_a_read_key_on_the_command_line_in_one_line():
    result = doctor(f"http://127.0.0.1:{free_port()}/cgi-bin/stats.py", "--key", "Sesame-42-key")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("doctor: --key puts the read key in ps and your shell history: set "
                             "FOOTFALL_READ_KEY, or pass --key-file FILE (a file holding the "
                             "key), or run the doctor in a terminal: it asks\n")


def test_doctor_takes_the_read_key_from_the_environment(install):
    result = doctor(install.url, key=install.key)  # and never prints it (doctor() checks)
    assert "✓ the read key opens the stats" in result.stdout, result.stdout


def test_doctor_takes_the_read_key_from_a_key_file(install, tmp_path):
    key_file = tmp_path / "read-key"
    key_file.write_text(install.key + "\n")
    result = doctor(install.url, "--key-file", str(key_file))
    assert "✓ the read key opens the stats" in result.stdout, result.stdout
    assert install.key not in result.stdout + result.stderr


def test_doctor_says_in_one_line_when_its_key_file_cannot_be_read(tmp_path):
    missing = str(tmp_path / "no-such-key")
    result = doctor(f"http://127.0.0.1:{free_port()}/cgi-bin/stats.py", "--key-file", missing)
    assert result.returncode == 2
    assert result.stderr == f"doctor: cannot read the key file {missing}: No such file or directory\n"


def test_doctor_names_the_safe_ways_to_give_a_key_it_lacks(install):
    result = doctor(install.url)
    assert result.returncode == 1
    assert ("✗ cannot check the stats themselves without the read key\n"
            "    fix: set FOOTFALL_READ_KEY, or pass --key-file FILE (a file holding the key), "
            "or run the doctor in a terminal: it asks\n") in result.stdout


# -- nothing the doctor does shows in the owner's stats, even once the access log is imported --

def _day_of_last_line(log):
    """The UTC day of a combined log's last line: the --until of its import."""
    with open(log, encoding="utf-8") as f:
        stamp = f.read().splitlines()[-1].split("[", 1)[1].split("]", 1)[0]
    when = datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z")
    return when.astimezone(datetime.timezone.utc).date().isoformat()


@pytest.fixture
def doctored_log(tmp_path):
    """The access log of a fresh private install (made as the docs say) that only the doctor
    visited, stopped gracefully so that every request it answered is logged."""
    if not os.path.exists("/usr/sbin/apache2"):
        pytest.skip("apache2 is not installed")
    server = Apache(dotfile_rule=False).start()
    try:
        install = Install(server)
        checked = doctor(install.url, key=install.key)
        assert checked.returncode == 0, checked.stdout
        server.stop_gracefully()
        log = str(tmp_path / "access.log")
        shutil.copy(server.access_log, log)
    finally:
        server.stop()
    return log


def test_nothing_the_doctor_does_is_a_pageview_or_a_broken_link_of_an_imported_log(
        doctored_log, tmp_path):
    with open(doctored_log, encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert len(lines) == 34  # 33 probes and the test hit
    assert sum(" 404 " in line for line in lines) == 17  # /footfall.db-shm, /data/footfall.ini...
    db = str(tmp_path / "imported.db")
    imported = subprocess.run(
        [sys.executable, IMPORT_LOG, "--db", db, "--site", "example.com", "--quiet",
         "--until", _day_of_last_line(doctored_log), doctored_log],
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "FOOTFALL_TIMEZONE": "UTC"},
        capture_output=True, text=True, check=False)
    assert imported.returncode == 0, imported.stderr
    assert "34 lines" in imported.stdout + imported.stderr
    conn = sqlite3.connect(db)
    try:
        pageviews = conn.execute("select coalesce(sum(pageviews), 0) from daily_site").fetchone()
        broken = conn.execute("select page, count from daily_not_found").fetchall()
    finally:
        conn.close()
    assert pageviews == (0,)
    assert broken == []


def test_doctor_says_in_one_line_when_nothing_answers():
    result = doctor(f"http://127.0.0.1:{free_port()}/cgi-bin/stats.py")
    assert result.returncode == 1
    assert result.stdout == ""
    assert re.fullmatch(r"doctor: no answer from http://127\.0\.0\.1:\d+: Connection refused: "
                        r"is the web server running and the address right\?\n", result.stderr)


def test_doctor_passes_footfall_behind_nginx(nginx):  # noqa: F811
    result = doctor(f"{nginx}/cgi-bin/stats.py")
    assert result.returncode == 0, result.stdout
    assert "✓ the database, its -wal, the config file and the footfall/ package are not " \
           "downloadable" in result.stdout


def test_doctor_finds_a_database_nginx_would_serve(nginx, apache):  # noqa: F811
    copy = os.path.join(apache.docroot, "footfall.db")  # as if uploaded into the web root
    sqlite3.connect(copy).execute("create table hits (id integer)").connection.close()
    os.chmod(copy, 0o644)
    try:
        result = doctor(f"{nginx}/cgi-bin/stats.py")
    finally:
        os.remove(copy)
    assert result.returncode == 1
    assert "✗ downloadable by anyone: /footfall.db" in result.stdout
