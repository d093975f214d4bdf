"""The database: opening a connection (a file made private, or PostgreSQL), bringing its schema up
to date, backups. Transactions, locks and the errors live under it, in connection.py.

Two kinds of data, kept apart on purpose (docs/privacy.md lists every column):

- Rollups (``daily_*``, ``hourly_site``, ``monthly_page``): counts, updated in the same
  transaction as the hit. GET reads only these, so a chart costs the same with ten thousand hits
  or ten million. No raw hits are kept: nothing could tie a pageview to a visitor.
- ``salts`` and ``views``: the current day's salt and who viewed what, needed for distinct
  visitors and the flood rule. Both are deleted by the first request of a later day (days.py),
  after which a visitor hash can no longer be tied to anyone.
"""

import os
import sqlite3

from .connection import (  # noqa: F401 (read as database.X, as before they moved there)
    BUSY_TIMEOUT_SECONDS,
    Connection,
    DatabaseBusy,
    DatabaseUnavailable,
    DiskFull,
    StorageError,
    checkpoint,
    has_password,
    in_transaction,
    is_postgres,
    is_postgres_url,
    lock,
    password_refused,
    retry_locked,
    shown,
    user_name,
)
from .schema import SCHEMA, SCHEMA_VERSION  # noqa: F401 (also read as database.X)

# insert ... on conflict do update came in SQLite 3.24.0 (docs/deploy.md#sqlite-versions).
SQLITE_NEEDED = "3.24.0"
# The longest a request waits for a locked database, from its start to its 503: connecting,
# migrating and writing share it (docs/deploy.md).
REQUEST_WAIT_SECONDS = 9.0


def check_sqlite(version):
    """Raise StorageError if version (as sqlite3.sqlite_version gives it) is below SQLITE_NEEDED."""
    if [int(n) for n in version.split(".")[:3]] < [int(n) for n in SQLITE_NEEDED.split(".")]:
        raise StorageError(f"footfall needs SQLite {SQLITE_NEEDED} or newer; this Python's "
                           f"sqlite3 has {version} (docs/deploy.md#sqlite-versions)")


def connect(path, create=True, deadline=None):
    """Open the database (creating or migrating it if need be) with WAL and a busy timeout.

    A new database and the folders footfall makes for it are private to their owner (0600 and
    0700, whatever the umask); SQLite gives the -wal and -shm files the database's mode.
    A postgresql:// URL opens PostgreSQL instead (postgres.py, which only then imports psycopg).
    """
    if is_postgres_url(path):
        from . import postgres

        conn = postgres.connect(path, deadline)
        migrate(conn)
        return conn
    check_sqlite(sqlite3.sqlite_version)
    if path != ":memory:":
        _prepare_file(path, create)
    # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE for writes).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                           factory=Connection)
    conn.deadline, conn.path = deadline, path
    # The first statement reads the file, so it too may find it locked: another program can hold
    # it exclusively (locking_mode=exclusive, as the sqlite3 shell or a backup tool can).
    try:
        retry_locked(conn, lambda: _set_pragmas(conn))
        migrate(conn)
    except DiskFull as full:
        conn.close()
        reader = _reader_on_full_disk(path, full)
        if reader is None:
            raise
        return reader
    except BaseException:
        conn.close()  # a server's next request opens a new one
        raise
    return conn


def _reader_on_full_disk(path, full):
    """A connection that reads the database as it is on a full disk, or None if it cannot.

    Opened alone (a CGI process), SQLite must make the -shm file to read a WAL database, and a
    full disk has no room for it: immutable=1 reads the file without it. That is the database
    exactly when no -wal file holds commits (the last connection to close checkpoints it and
    deletes it). Every write transaction on this connection raises the DiskFull that made it.
    """
    wal = path + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        return None
    import pathlib  # only a full disk gets here: pathlib brings re, 8 ms of every hit

    uri = pathlib.Path(path).absolute().as_uri() + "?immutable=1"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                           factory=Connection)
    conn.path, conn.full = path, full
    if schema_version(conn) != SCHEMA_VERSION:
        conn.close()
        return None
    return conn


def _set_pragmas(conn):
    # In WAL mode a commit is durable against a process crash; synchronous=NORMAL skips the fsync
    # per commit, so a power cut can lose the last moments of hits, never corrupt the file.
    conn.execute("pragma synchronous = normal")
    # Deleted salts and views are overwritten with zeros, not left in free pages.
    conn.execute("pragma secure_delete = on")


def _prepare_file(path, create):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        if not create:
            raise StorageError(f"database directory {directory} does not exist")
        try:
            make_private_folders(directory)
        except OSError as exc:
            raise StorageError(f"cannot create the database directory {directory}: "
                               f"{exc.strerror} (user {user_name()})") from None
    if os.path.exists(path):
        for needed, what in ((path, "database"), (directory, "database directory")):
            if not os.access(needed, os.R_OK | os.W_OK):
                raise StorageError(f"the {what} {needed} is not readable and writable by user "
                                   f"{user_name()}; make it theirs (chown) or run setup_db.py as them")
        return
    if not create:
        raise StorageError(f"database {path} does not exist")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it meanwhile
    except OSError as exc:
        raise StorageError(f"cannot create the database {path}: {exc.strerror} "
                           f"(user {user_name()} needs to write the directory {directory})") from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def make_private_folders(directory):
    """Make directory and every missing folder above it, each 0700 whatever the umask.

    os.makedirs(mode=0o700) gives that mode to the last folder only, and the umask still narrows
    it: under umask 000 the folders above were left 0777. Folders that exist are left as they are.
    """
    missing = []
    directory = os.path.abspath(directory)
    while not os.path.isdir(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise
            continue  # another process made it meanwhile
        os.chmod(folder, 0o700)

def schema_version(conn):
    return conn.execute("pragma user_version").fetchone()[0]


def migrate(conn):
    """Create or upgrade the schema to SCHEMA_VERSION; safe to run again, and from racing processes."""
    version = retry_locked(conn, lambda: schema_version(conn))
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StorageError(f"database schema {version} is newer than this footfall ({SCHEMA_VERSION})")
    retry_locked(conn, lambda: conn.execute("pragma journal_mode = wal"))

    def apply(conn):
        lock(conn, "footfall schema")  # PostgreSQL: racing processes migrate one at a time
        current = schema_version(conn)  # another process may have migrated meanwhile
        if current == 0:
            run_script(conn, conn.schema if is_postgres(conn) else SCHEMA)
        else:
            from .migrations import MIGRATIONS  # only an older schema needs them; a hit never does

            for number in range(current + 1, SCHEMA_VERSION + 1):
                step = conn.migration(number) if is_postgres(conn) else MIGRATIONS[number][1]
                if callable(step):  # a migration SQL alone cannot do (a keyed hash)
                    step(conn)
                else:
                    run_script(conn, step)
        conn.execute(f"pragma user_version = {int(SCHEMA_VERSION)}")

    in_transaction(conn, apply)


def run_script(conn, script):
    """Run a script of statements inside the current transaction (executescript would commit it)."""
    for statement in _split_statements(script):
        conn.execute(statement)


def _split_statements(script):
    # complete_statement() knows SQL comments, so a ';' inside one does not split a statement.
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements

def backup(conn, target_path):
    """Copy the live database to target_path, consistent even while hits keep arriving.

    The copy is private (0600) and carries no salt, no visitor hash and no sketch: the day's and
    month's salts and the views are deleted from it, every month's sketches become its people
    (people.py), and it is vacuumed, so their bytes are not in its free pages.
    """
    if is_postgres(conn):
        raise StorageError("backup.py copies SQLite files; back PostgreSQL up with pg_dump, "
                           "leaving out salts, month_salts, views and beacon_log (docs/deploy.md)")
    fd = os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)
    target = sqlite3.connect(target_path, isolation_level=None)
    try:
        conn.backup(target)
        target.execute("pragma secure_delete = on")
        target.execute("delete from salts")
        target.execute("delete from month_salts")
        target.execute("delete from views")
        target.execute("delete from beacon_log")
        target.execute("delete from today_summary")
        # Without their salts, the running month's sketches are an ended month's: numbers.
        from .people import seal_months_before

        seal_months_before(target, "9999-12")
        target.execute("pragma journal_mode = delete")  # one self-contained file, no -wal
        target.execute("vacuum")
    finally:
        target.close()
