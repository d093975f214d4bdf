"""The database (storage/database.py): schema and migrations, private files, locks and their
deadline, and backups that carry no salt."""

import os
import random
import sqlite3
import stat
import threading
import time

import pytest
from footfall.storage import (
    connection,
    database,
    day_records,
    imports,
    migrations,
    month_pairs,
    record,
    totals,
)
from storage_testing import RULES, hit, rows

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.sqlite_only  # WAL is SQLite's
def test_new_database_gets_the_current_schema_in_wal_mode(conn):
    assert database.schema_version(conn) == database.SCHEMA_VERSION
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_migrate_twice_changes_nothing(db_path, conn):
    database.connect(db_path).close()
    assert database.schema_version(conn) == database.SCHEMA_VERSION


def test_database_from_a_newer_footfall_is_refused(db_path, conn):
    conn.execute(f"pragma user_version = {database.SCHEMA_VERSION + 1}")
    with pytest.raises(database.StorageError, match="newer than this footfall"):
        database.connect(db_path)


@pytest.mark.parametrize("version", ["3.7.17", "3.22.0", "3.23.1"])
def test_an_sqlite_older_than_3_24_is_refused_in_one_line(version):
    with pytest.raises(database.StorageError) as refused:
        database.check_sqlite(version)
    assert str(refused.value) == (
        f"footfall needs SQLite 3.24.0 or newer; this Python's sqlite3 has {version} "
        "(docs/deploy.md#sqlite-versions)")


@pytest.mark.parametrize("version", ["3.24.0", "3.26.0", "3.34.1", "3.46.1", "3.100.0"])
def test_sqlite_3_24_and_newer_are_accepted(version):
    assert database.check_sqlite(version) is None


def test_connecting_with_an_old_sqlite_is_refused_before_any_file_is_made(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.22.0")
    with pytest.raises(database.StorageError, match="needs SQLite 3.24.0 or newer"):
        database.connect(str(tmp_path / "footfall.db"))
    assert os.listdir(tmp_path) == []


def test_every_migration_has_a_name_saying_what_it_does():
    assert sorted(migrations.MIGRATIONS) == list(range(2, database.SCHEMA_VERSION + 1))
    for name, script in migrations.MIGRATIONS.values():
        assert len(name) > 10 and (callable(script) or script.strip())


# A row of each table of blobs, as a day's end writes them (1.5 kB: a month's pairs of a busy
# filter value, a quiet day's records).
BLOB_ROWS = {
    "day_records": (day_records.INSERT_RECORDS,
                    lambda n, blob: {"day": f"2026-{n // 28 + 1:02}-{n % 28 + 1:02}",
                                     "site": "example.com", "views": blob, "events": b""}),
    "monthly_pairs": (month_pairs.INSERT_LISTS,
                      lambda n, blob: {"filter": "page", "filter_value": f"/post-{n}",
                                       "month": "2026-11", "site": "example.com",
                                       "lists": blob}),
}


@pytest.mark.sqlite_only  # SQLite's pages
@pytest.mark.parametrize("table", sorted(BLOB_ROWS))
def test_a_row_of_a_kilobyte_and_a_half_costs_its_bytes_not_a_page_of_its_own(conn, table):
    """A table without rowid keeps about 1 kB of a row in its b-tree and the rest in overflow
    pages of the row's own: 4 kB on disk for each 1.5 kB row (schema 23's tables of blobs were
    6.6 MB of empty space in 17.3 on the 1M-hit site)."""
    statement, params = BLOB_ROWS[table]
    rng = random.Random(7)
    before = conn.execute("pragma page_count").fetchone()[0]
    rows = 300
    with conn:
        for n in range(rows):
            conn.execute(statement, params(n, bytes(rng.getrandbits(8) for _ in range(1500))))
    pages = conn.execute("pragma page_count").fetchone()[0] - before
    size = pages * conn.execute("pragma page_size").fetchone()[0]
    assert size < 2 * rows * 1500  # a page of its own each: 2.7 times


@pytest.mark.sqlite_only  # secure_delete is SQLite's; docs/privacy.md says what PostgreSQL does
def test_deleted_rows_are_overwritten(conn):
    assert conn.execute("pragma secure_delete").fetchone()[0] == 1


def test_database_wal_shm_and_folder_are_private_whatever_the_umask(tmp_path):
    db = tmp_path / "new-folder" / "footfall.db"
    old = os.umask(0)
    try:
        conn = database.connect(str(db))
        record.record_hit(conn, hit(), RULES)
        assert mode(db.parent) == 0o700
        for path in (db, f"{db}-wal", f"{db}-shm"):
            assert mode(path) == 0o600, path
        conn.close()
    finally:
        os.umask(old)


def test_every_folder_made_above_the_database_is_private_whatever_the_umask(tmp_path):
    db = tmp_path / "new" / "nested" / "folder" / "footfall.db"
    old = os.umask(0)
    try:
        database.connect(str(db)).close()
    finally:
        os.umask(old)
    made = [tmp_path / "new", tmp_path / "new" / "nested", db.parent]
    assert [mode(folder) for folder in made] == [0o700, 0o700, 0o700]


def test_an_existing_folder_keeps_the_owners_mode(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)
    database.connect(str(folder / "footfall.db")).close()
    assert mode(folder) == 0o750
    assert mode(folder / "footfall.db") == 0o600


@pytest.mark.sqlite_only  # SQLite's file lock; test_postgres.py tests PostgreSQL's waits
def test_locked_database_is_retried_until_free(db_path, conn):
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("begin immediate")
    conn.execute("pragma busy_timeout = 50")  # fail fast into the retry loop
    releaser = threading.Timer(0.3, lambda: other.execute("commit"))
    releaser.start()
    try:
        assert record.record_hit(conn, hit(), RULES) is None
    finally:
        releaser.join()
        other.close()
    assert rows(conn, "select visitors, pageviews from daily_site") == [(1, 1)]


@pytest.mark.sqlite_only  # SQLite's file lock; test_postgres.py tests PostgreSQL's waits
def test_database_locked_for_too_long_raises_database_busy(db_path, conn, monkeypatch):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("begin immediate")
    conn.execute("pragma busy_timeout = 10")
    monkeypatch.setattr(connection, "WRITE_ATTEMPTS", 2)
    try:
        with pytest.raises(database.DatabaseBusy):
            record.record_hit(conn, hit(), RULES)
    finally:
        other.execute("rollback")
        other.close()


@pytest.mark.sqlite_only  # SQLite's file lock; test_postgres.py tests PostgreSQL's waits
def test_waiting_for_a_lock_ends_at_the_connections_deadline(db_path, conn):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("begin immediate")
    started = time.monotonic()
    conn.wait_until(started + 0.5)
    try:
        with pytest.raises(database.DatabaseBusy, match="deadline"):
            record.record_hit(conn, hit(), RULES)
    finally:
        other.execute("rollback")
        other.close()
    assert time.monotonic() - started < 2.5  # the busy timeout alone would wait 5 s per attempt


# The first line of a log, which holds an address, and its plain hash: what imported_logs and
# imported_ranges kept before schema 15.
FIRST_LINE = b'203.0.113.9 - - [01/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "x"\n'


def test_migration_keys_the_log_fingerprints_stored_before_and_still_knows_their_files(db_path):
    from hashlib import blake2b

    plain = blake2b(FIRST_LINE, digest_size=16).hexdigest()
    old = database.connect(db_path)
    database.in_transaction(old, lambda conn: imports.save_file(
        conn, plain, "access.log", 4096, 40, 1772355600.0, 1772400000.0,
        {"example.com": (1772355600.0, 1772359200.0)}))
    old.execute("delete from meta")
    old.execute("drop table monthly_people")  # made by migration 16
    old.execute("drop table strings")  # made by migration 17
    old.execute("drop table day_records")
    old.execute("pragma user_version = 14")  # the schema before keyed fingerprints
    old.close()
    conn = database.connect(db_path)
    try:
        stored = rows(conn, "select fingerprint from imported_logs") + rows(
            conn, "select fingerprint from imported_ranges")
        assert len(stored) == 2 and (plain,) not in stored
        known = imports.fingerprint(imports.log_key(conn), FIRST_LINE)
        assert stored == [(known,), (known,)]
        assert imports.file_progress(conn, known) == (4096, 40, 1772355600.0)
    finally:
        conn.close()


def test_a_migration_held_up_by_another_writer_ends_at_the_deadline(tmp_path):
    db = str(tmp_path / "old.db")
    old = sqlite3.connect(db, isolation_level=None)
    old.execute("pragma user_version = 3")  # an old schema that needs migrating
    old.execute("pragma journal_mode = wal")
    old.execute("begin immediate")
    try:
        with pytest.raises(database.DatabaseBusy):
            database.connect(db, deadline=time.monotonic() + 0.3)
    finally:
        old.execute("rollback")
        old.close()


@pytest.mark.sqlite_only  # backup.py copies SQLite files
def test_backup_is_a_private_consistent_copy_without_salts_or_views(tmp_path, conn):
    record.record_hit(conn, hit(), RULES, new_salt=lambda n: b"\xa5" * n)
    target = str(tmp_path / "copy.db")
    old = os.umask(0)
    try:
        database.backup(conn, target)
    finally:
        os.umask(old)
    assert mode(target) == 0o600
    assert not os.path.exists(target + "-wal")
    copy = database.connect(target)
    assert totals.read_days(copy, "2026-11-28", "2026-11-28") == {"2026-11-28": (1, 1)}
    assert rows(copy, "select count(*) from salts") == [(0,)]
    assert rows(copy, "select count(*) from views") == [(0,)]
    copy.close()
    with open(target, "rb") as f:
        assert b"\xa5" * 32 not in f.read()


@pytest.mark.parametrize("db, expected", [
    ("/home/you/footfall/footfall.db", "/home/you/footfall/footfall.db"),
    ("postgresql://footfall@db.example/footfall", "postgresql://footfall@db.example/footfall"),
    ("postgresql://footfall:Sesame-42@db.example:5432/footfall",
     "postgresql://footfall:***@db.example:5432/footfall"),
    ("postgres://footfall:p%zz@db.example/footfall", "postgres://footfall:***@db.example/footfall"),
    ("postgresql://footfall:pa/ss@word@db.example/footfall",
     "postgresql://footfall:***@db.example/footfall"),
    ("postgresql://footfall@db.example/footfall?sslmode=require&password=Sesame-42",
     "postgresql://footfall@db.example/footfall?sslmode=require&password=***"),
], ids=["sqlite-file", "url-without-password", "password", "bad-escape", "unencoded-slash-and-at",
        "password-parameter"])
def test_a_database_is_shown_with_its_password_masked(db, expected):
    assert database.shown(db) == expected
