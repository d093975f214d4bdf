"""What the documented Apache layout must never serve: the database and footfall's own files.

Layout (docs/deploy.md): ~/public_html is the document root, ~/public_html/cgi-bin holds
stats.py, its footfall/ package and the .htaccess, ~/footfall holds the database.
"""

import os
import shutil
import sqlite3

import pytest

SQLITE_MAGIC = b"SQLite format 3"
DB_FILES = ("footfall.db", "footfall.db-wal", "footfall.db-shm")


@pytest.fixture(scope="module")
def live_db(apache):
    """The database with hits in it, its -wal and -shm files present as on a busy site.

    SQLite removes them when the last connection closes, which each CGI process does; an open
    reader keeps them (SQLite gives files it creates as root the database file's owner).
    """
    apache.request("POST", "/cgi-bin/stats.py", body="page=/&site=htaccess.example")
    reader = sqlite3.connect(apache.db)
    reader.execute("select count(*) from daily_site").fetchone()
    for name in DB_FILES:
        assert os.path.exists(os.path.join(apache.db_dir, name)), name
    yield apache
    reader.close()


@pytest.mark.parametrize("name", DB_FILES)
@pytest.mark.parametrize("path", [
    "/footfall/{}",
    "/../footfall/{}",
    "/%2e%2e/footfall/{}",
    "/cgi-bin/../../footfall/{}",
    "/cgi-bin/%2e%2e/%2e%2e/footfall/{}",
    "/cgi-bin/..%2f..%2ffootfall/{}",
    "/cgi-bin/stats.py/../../footfall/{}",
])
def test_the_database_outside_the_document_root_cannot_be_fetched(live_db, path, name):
    response = live_db.request("GET", path.format(name))
    assert response.status in (400, 403, 404), response
    assert SQLITE_MAGIC not in response.body


@pytest.mark.parametrize("folder", ["cgi-bin", "stats"])
def test_a_database_copied_into_the_script_folder_by_mistake_cannot_be_fetched(live_db, folder):
    target = os.path.join(live_db.docroot, folder)
    copies = []
    try:
        for name in DB_FILES + ("footfall.sqlite3", "footfall.db-journal", "footfall.ini"):
            copy = os.path.join(target, name)
            shutil.copyfile(os.path.join(live_db.db_dir, "footfall.db"), copy)
            copies.append(copy)
            response = live_db.request("GET", f"/{folder}/{name}")
            assert response.status == 403, (name, response)
            assert SQLITE_MAGIC not in response.body
    finally:
        for copy in copies:
            os.remove(copy)


@pytest.mark.parametrize("path", [
    "/cgi-bin/footfall/app.py",
    "/cgi-bin/footfall/settings.py",
    "/cgi-bin/footfall/",
    "/cgi-bin/footfall",
    "/cgi-bin/%66ootfall/app.py",
    "/cgi-bin/FOOTFALL/app.py",
    "/cgi-bin/.htaccess",
    "/stats/footfall/app.py",
    "/stats/footfall/",
    "/stats/.htaccess",
    "/stats/",
])
def test_footfalls_own_files_are_neither_served_nor_run(apache, path):
    response = apache.request("GET", path)
    # 403 or 404; never the source, and never an attempt to run a module as a script (500).
    assert response.status in (403, 404), response
    assert b"import" not in response.body and b"READ_KEY" not in response.body


def test_the_read_key_in_the_htaccess_cannot_be_read(apache):
    from footfall_apache import READ_KEY

    response = apache.request("GET", "/stats/.htaccess")
    assert READ_KEY.encode() not in response.body
