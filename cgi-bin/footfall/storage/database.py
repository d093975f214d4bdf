"""The database: connections, the current schema, migrations of older ones, write transactions.

Two kinds of data, kept apart on purpose (docs/privacy.md lists every column):

- Rollups (``daily_*``, ``hourly_site``, ``monthly_page``): counts, updated in the same
  transaction as the hit. GET reads only these, so a chart costs the same with ten thousand hits
  or ten million. No raw hits are kept: nothing could tie a pageview to a visitor.
- ``salts`` and ``views``: the current day's salt and who viewed what, needed for distinct
  visitors and the flood rule. Both are deleted by the first request of a later day (days.py),
  after which a visitor hash can no longer be tied to anyone.
"""

import os
import pathlib
import sqlite3
import time

from .migrations import MIGRATIONS  # noqa: F401 (also read as database.MIGRATIONS)
from .schema import SCHEMA, SCHEMA_VERSION  # noqa: F401 (also read as database.X)


class StorageError(Exception):
    """The database cannot be used: missing directory, newer schema, or locked for too long."""


class DatabaseBusy(StorageError):
    """The database stayed locked through every retry."""


class DatabaseUnavailable(DatabaseBusy):
    """The database server cannot be reached (PostgreSQL down, or the network to it)."""


class DiskFull(DatabaseUnavailable):
    """The disk holding the database is full: nothing can be written until space is freed."""


# insert ... on conflict do update came in SQLite 3.24.0 (docs/deploy.md#sqlite-versions).
SQLITE_NEEDED = "3.24.0"
BUSY_TIMEOUT_SECONDS = 5.0
# Without a deadline (scripts), how many times a locked write is tried.
WRITE_ATTEMPTS = 6
# The longest a request waits for a locked database, from its start to its 503: connecting,
# migrating and writing share it (docs/deploy.md).
REQUEST_WAIT_SECONDS = 9.0
# An I/O error on a disk with less room than this is taken for the disk being full: SQLite
# says "disk I/O error" when it cannot size its -shm file, "database or disk is full" otherwise.
FULL_BELOW_BYTES = 1024 * 1024


class Connection(sqlite3.Connection):
    """An SQLite connection that knows until when its current request may wait for a lock."""

    deadline = None  # time.monotonic() value; None: BUSY_TIMEOUT_SECONDS per attempt
    path = None  # the database file, named when its disk is full
    full = None  # DiskFull: opened read-only on a full disk, every write raises it

    def wait_until(self, deadline):
        self.deadline = deadline


def is_postgres_url(db):
    """Whether FOOTFALL_DB names a PostgreSQL database (a URL) rather than an SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


MASK = "***"


def _password_spans(url):
    """(start, end) of each password a PostgreSQL URL holds: after ``user:`` and in
    ``password=``. Plain text work, no URL parser: a URL nobody can parse (a bad %-escape, an
    unencoded @ or /) still has its password found. Up to the last @ is taken as the user part,
    so a doubt masks more, never less."""
    spans = []
    start = url.find("://") + 3
    at = url.rfind("@", start)
    colon = url.find(":", start, at)
    if at > 0 and colon >= 0:
        spans.append((colon + 1, at))
    query = url.find("?", max(at, start))
    while query >= 0:
        if url.startswith("password=", query + 1):
            value = query + len("password=") + 1
            end = min((i for i in (url.find("&", value), url.find("#", value)) if i >= 0),
                      default=len(url))
            spans.append((value, end))
        query = url.find("&", query + 1)
    return [(a, b) for a, b in spans if b > a]


def shown(db):
    """FOOTFALL_DB as any message may show it: a path as it is, a URL with each password
    replaced by ***. Every message that names a database goes through this or masked()."""
    if not is_postgres_url(db):
        return db
    for start, end in reversed(_password_spans(db)):
        db = db[:start] + MASK + db[end:]
    return db


def has_password(db):
    """Whether a database setting holds a password (which must not be on a command line)."""
    return is_postgres_url(db) and bool(_password_spans(db))


def password_refused(variables=("FOOTFALL_DB",)):
    """Why a script refuses a URL with a password among its arguments, and the safe ways."""
    return ("a password on the command line shows in ps and your shell history: put the URL "
            f"in {' or '.join(variables)} instead, or leave the password out of it "
            "(~/.pgpass, PGPASSWORD)")


def masked(text, db):
    """text (a message of psycopg's, which may quote the URL or a piece of it) with the
    passwords of db masked, as written and %-decoded."""
    if not is_postgres_url(db):
        return text
    from urllib.parse import unquote

    text = text.replace(db, shown(db))
    for start, end in _password_spans(db):
        for secret in {db[start:end], unquote(db[start:end])}:
            text = text.replace(secret, MASK)
    return text


def is_postgres(conn):
    return getattr(conn, "dialect", "sqlite") == "postgresql"


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

        return postgres.connect(path, deadline)
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
        _retry_locked(conn, lambda: _set_pragmas(conn))
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
                               f"{exc.strerror} (user {_user()})") from None
    if os.path.exists(path):
        for needed, what in ((path, "database"), (directory, "database directory")):
            if not os.access(needed, os.R_OK | os.W_OK):
                raise StorageError(f"the {what} {needed} is not readable and writable by user "
                                   f"{_user()}; make it theirs (chown) or run setup_db.py as them")
        return
    if not create:
        raise StorageError(f"database {path} does not exist")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it meanwhile
    except OSError as exc:
        raise StorageError(f"cannot create the database {path}: {exc.strerror} "
                           f"(user {_user()} needs to write the directory {directory})") from None
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


def _user():
    try:
        import pwd  # only an error message gets here

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


def schema_version(conn):
    return conn.execute("pragma user_version").fetchone()[0]


def migrate(conn):
    """Create or upgrade the schema to SCHEMA_VERSION; safe to run again, and from racing processes."""
    version = _retry_locked(conn, lambda: schema_version(conn))
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StorageError(f"database schema {version} is newer than this footfall ({SCHEMA_VERSION})")
    _retry_locked(conn, lambda: conn.execute("pragma journal_mode = wal"))

    def apply(conn):
        lock(conn, "footfall schema")  # PostgreSQL: racing processes migrate one at a time
        current = schema_version(conn)  # another process may have migrated meanwhile
        if current == 0:
            run_script(conn, conn.schema if is_postgres(conn) else SCHEMA)
        else:
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


def in_transaction(conn, work):
    """Run work(conn) in one write transaction, retrying with back-off while the file is locked."""
    if is_postgres(conn):
        return conn.run_transaction(work)
    if getattr(conn, "full", None) is not None:
        raise conn.full

    def attempt():
        conn.execute("begin immediate")
        try:
            result = work(conn)
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")
        return result

    return _retry_locked(conn, attempt)


def lock(conn, key, shared=False):
    """Inside a write transaction: hold a lock on key (text) until it ends, shared or not.

    SQLite needs none: BEGIN IMMEDIATE already gives one writer the whole file. PostgreSQL runs
    writers side by side, so a rule that reads before it writes takes an advisory lock on what
    it reads (postgres.py lists them).
    """
    if is_postgres(conn):
        conn.lock(key, shared)


def _retry_locked(conn, action):
    # The busy timeout already waits for the lock; this covers what it cannot, such as SQLITE_BUSY
    # during WAL recovery, with jittered exponential back-off so waiting processes spread out.
    # Every wait ends by the connection's deadline, so a request gets its 503 in time.
    deadline = conn.deadline if isinstance(conn, Connection) else None
    attempt = 0
    while True:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DatabaseBusy("database stayed locked until the request's deadline")
            timeout_ms = int(min(BUSY_TIMEOUT_SECONDS, remaining) * 1000)
            conn.execute(f"pragma busy_timeout = {max(timeout_ms, 1)}")
        try:
            return action()
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if "locked" not in message and "busy" not in message:
                if "readonly" in message or "unable to open" in message:
                    raise StorageError(f"cannot write the database: {message} (user {_user()}); "
                                       "the database and its directory must be writable") from exc
                full = _disk_full(conn, message)
                if full is not None:
                    raise full from exc
                raise
            attempt += 1
            if deadline is None and attempt >= WRITE_ATTEMPTS:
                raise DatabaseBusy(f"database stayed locked: {message}") from exc
            import random  # only a contended write gets here; a plain hit need not import it

            time.sleep(random.uniform(0.01, 0.05) * 2 ** min(attempt - 1, 5))


def _disk_full(conn, message):
    """DiskFull naming the database's folder if SQLite's error is a full disk, else None."""
    path = getattr(conn, "path", None)
    if path is None or path == ":memory:":
        return None
    folder = os.path.dirname(os.path.abspath(path))
    if "full" not in message:
        if "disk I/O error" not in message:
            return None
        try:
            disk = os.statvfs(folder)
        except OSError:
            return None
        if disk.f_bavail * disk.f_frsize >= FULL_BELOW_BYTES:
            return None
    return DiskFull(f"the disk holding {folder} is full (No space left on device): "
                    f"{os.path.basename(path)} cannot be written until space is freed ({message})")


def checkpoint(conn):
    """Write the WAL back into the database and empty it, so deleted bytes do not linger there."""
    if is_postgres(conn):
        conn.rewrite_salts()  # no secure_delete there: see postgres.py and docs/privacy.md
        return
    try:
        conn.execute("pragma wal_checkpoint(truncate)")
    except sqlite3.OperationalError:
        pass  # busy readers: the next checkpoint (SQLite makes them as the WAL grows) does it


def backup(conn, target_path):
    """Copy the live database to target_path, consistent even while hits keep arriving.

    The copy is private (0600) and carries no salt and no visitor hash: the day's and month's
    salts and the views are deleted from it and it is vacuumed, so their bytes are not in its free pages.
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
        target.execute("pragma journal_mode = delete")  # one self-contained file, no -wal
        target.execute("vacuum")
    finally:
        target.close()
