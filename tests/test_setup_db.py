"""scripts/setup_db.py: the read-access decision recorded in the database, the config file,
and handing the database to the web server's user."""

import os
import pathlib
import pwd
import re
import shutil
import stat
import subprocess
import tempfile

import pytest
from footfall import settings
from footfall.storage import database, meta, totals
from footfall_testing import ROOT
from test_scripts import run_script


def setup(tmp_path, *args, env=None):
    return run_script("setup_db.py", "--db", str(tmp_path / "data" / "footfall.db"), *args,
                      home=tmp_path, env=env)


def recorded(tmp_path):
    conn = database.connect(str(tmp_path / "data" / "footfall.db"))
    try:
        return meta.read_access(conn)
    finally:
        conn.close()


def printed_key(result):
    return re.search(r"read key: (\S+)", result.stdout).group(1)


def test_setup_db_prints_a_new_key_once_and_keeps_only_its_hash(tmp_path):
    first = setup(tmp_path)
    assert first.returncode == 0, first.stderr
    key = printed_key(first)
    assert len(key) == 24
    assert meta.key_matches(recorded(tmp_path), key)
    assert settings.load_config({"HOME": str(tmp_path)}).read_key == ""  # not in the config file
    second = setup(tmp_path)
    assert key not in second.stdout
    assert "only its hash is kept" in second.stdout and "--new-key" in second.stdout
    assert meta.key_matches(recorded(tmp_path), key)


def test_setup_db_new_key_replaces_the_old_one(tmp_path):
    old = printed_key(setup(tmp_path))
    new = printed_key(setup(tmp_path, "--new-key"))
    assert new != old
    assert meta.key_matches(recorded(tmp_path), new)
    assert not meta.key_matches(recorded(tmp_path), old)


def test_setup_db_prints_a_dashboard_link_that_carries_the_key(tmp_path):
    result = setup(tmp_path, "--dashboard", "https://example.com/view_stats.html")
    key = printed_key(result)
    assert f"dashboard: https://example.com/view_stats.html#key={key}" in result.stdout


def test_setup_db_public_records_public(tmp_path):
    result = setup(tmp_path, "--public")
    assert result.returncode == 0
    assert "stats are public" in result.stdout
    assert recorded(tmp_path) == "public"


@pytest.mark.parametrize("source", ["environment", "config-file"])
def test_setup_db_records_the_hash_of_a_configured_key(tmp_path, source):
    env = {}
    if source == "environment":
        env["FOOTFALL_READ_KEY"] = "my-own-key-42"
    else:
        (tmp_path / "footfall").mkdir()
        (tmp_path / "footfall" / "footfall.ini").write_text("[footfall]\nread_key = my-own-key-42\n")
    result = setup(tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "my-own-key-42" not in result.stdout
    assert meta.key_matches(recorded(tmp_path), "my-own-key-42")


def test_setup_db_public_on_an_install_with_a_key_keeps_it_and_says_how_to_remove_it(tmp_path):
    setup(tmp_path)
    result = setup(tmp_path, "--public")
    assert result.returncode == 1
    assert "stats stay private" in result.stdout
    assert "--public --remove-key" in result.stdout
    assert recorded(tmp_path).startswith("sha256:")


def test_setup_db_remove_key_takes_it_out_of_the_footfall_section_only(tmp_path):
    ini = tmp_path / "footfall" / "footfall.ini"
    ini.parent.mkdir()
    ini.write_text("[other]\nread_key = not-ours\n\n[footfall]\ntimezone = UTC\n"
                   "read_key = my-own-key-42\n")
    os.chmod(ini, 0o644)
    result = setup(tmp_path, "--public", "--remove-key")
    assert result.returncode == 0, result.stderr
    assert recorded(tmp_path) == "public"
    assert ini.read_text() == (f"[other]\nread_key = not-ours\n\n[footfall]\n"
                               f"db = {tmp_path / 'data' / 'footfall.db'}\ntimezone = UTC\n")
    assert stat.S_IMODE(ini.stat().st_mode) == 0o600


def test_setup_db_writes_db_into_the_footfall_section_not_another(tmp_path):
    ini = tmp_path / "footfall" / "footfall.ini"
    ini.parent.mkdir()
    ini.write_text("[footfall]\ntimezone = UTC\n[backup]\ndb = /elsewhere/backup.db\n")
    setup(tmp_path, "--public")
    assert ini.read_text() == (f"[footfall]\ndb = {tmp_path / 'data' / 'footfall.db'}\n"
                               "timezone = UTC\n[backup]\ndb = /elsewhere/backup.db\n")


def test_setup_db_says_it_wrote_the_database_into_the_config_file_and_what_that_changes(tmp_path):
    result = setup(tmp_path, "--public")
    assert result.returncode == 0, result.stderr
    assert (f"config file: wrote db = {tmp_path / 'data' / 'footfall.db'} into "
            f"{tmp_path / 'footfall' / 'footfall.ini'}; scripts run without --db (note.py, "
            "report.py, backup.py, import_log.py, seed_db.py) now use this database\n"
            ) in result.stdout


def test_setup_db_refuses_a_key_that_is_not_printable_ascii(tmp_path):
    result = setup(tmp_path, env={"FOOTFALL_READ_KEY": "clé-secrète"})
    assert result.returncode == 1
    assert result.stderr.startswith("setup_db: read_key must be printable ASCII")
    assert "Traceback" not in result.stderr


def test_setup_db_migrates_a_database_made_before_the_decision_by_generating_a_key(tmp_path):
    # A schema 2 database with hits in it, made by footfall 0.1 (tests/data/README.md).
    db = tmp_path / "data" / "footfall.db"
    db.parent.mkdir()
    shutil.copyfile(os.path.join(ROOT, "tests", "data", "schema2.db"), db)
    result = setup(tmp_path)
    key = printed_key(result)
    assert meta.key_matches(recorded(tmp_path), key)
    conn = database.connect(str(db))
    # the fixture's first day, as tests/test_migrations.py pins it
    assert totals.read_days(conn, "2026-11-01", "2026-11-01") == {"2026-11-01": (9, 23)}


def test_setup_db_makes_every_folder_it_creates_private_whatever_the_umask(tmp_path):
    home = tmp_path / "home" / "owner"  # the config file goes to ~/footfall/footfall.ini
    db = tmp_path / "srv" / "stats" / "footfall.db"
    old = os.umask(0)  # the script inherits it
    try:
        result = run_script("setup_db.py", "--db", str(db), "--public", home=home)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    made = [tmp_path / "home", home, home / "footfall", tmp_path / "srv", db.parent]
    assert [stat.S_IMODE(os.stat(folder).st_mode) for folder in made] == [0o700] * 5
    assert stat.S_IMODE(os.stat(home / "footfall" / "footfall.ini").st_mode) == 0o600


def test_setup_db_says_clearly_when_the_folder_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_script("setup_db.py", "--db", str(blocker / "sub" / "footfall.db"),
                        home=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"setup_db: cannot create the database directory {blocker}/sub")


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root (CI and test.sh run "
                                                          "as root)")


@needs_root
def test_setup_db_as_root_without_web_user_prints_the_command_to_run(tmp_path):
    result = setup(tmp_path)
    db = tmp_path / "data" / "footfall.db"
    assert (f"sudo python3 {ROOT}/scripts/setup_db.py --db {db} --web-user www-data"
            in result.stderr)


@pytest.fixture
def open_home():
    """A home folder www-data can enter (pytest's tmp_path sits below a 700 folder of root's)."""
    home = tempfile.mkdtemp(prefix="footfall-home-")
    os.chmod(home, 0o711)
    yield pathlib.Path(home)
    shutil.rmtree(home)


@needs_root
def test_setup_db_web_user_hands_the_database_to_that_user(open_home):
    tmp_path = open_home
    result = setup(tmp_path, "--web-user", "www-data")
    assert result.returncode == 0, result.stderr
    web = pwd.getpwnam("www-data")
    folder = tmp_path / "data"
    for path, mode in [(folder, 0o700), (folder / "footfall.db", 0o600)]:
        info = path.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (web.pw_uid, web.pw_gid,
                                                                        mode), path
    assert f"SetEnv FOOTFALL_DB {folder / 'footfall.db'}" in result.stdout
    # www-data can now write it: a hit stored by a process running as that user.
    probe = ("import sys; sys.path.insert(0, sys.argv[2]); from footfall.storage import database, meta; "
             "c = database.connect(sys.argv[1]); meta.record_public(c); print('written')")
    written = subprocess.run(["python3", "-c", probe, str(folder / "footfall.db"),
                              os.path.join(ROOT, "cgi-bin")], user=web.pw_uid, group=web.pw_gid,
                             extra_groups=[], capture_output=True, text=True, check=False)
    assert written.stdout.strip() == "written", written.stderr


@needs_root
def test_setup_db_web_user_names_a_parent_folder_the_user_cannot_enter(open_home):
    tmp_path = open_home
    os.chmod(tmp_path, 0o700)  # as Debian makes home folders
    result = setup(tmp_path, "--web-user", "www-data")
    assert f"www-data cannot enter {tmp_path} (mode 700): run  chmod 711 {tmp_path}" in result.stderr


def test_setup_db_web_user_refuses_an_unknown_user(tmp_path):
    result = setup(tmp_path, "--web-user", "no-such-user-here")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
