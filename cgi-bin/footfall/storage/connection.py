"""A database connection's common ground, under every storage module: the errors, SQLite's
Connection with its deadline, write transactions and locks with their retries, the checkpoint,
and the database's name as a message may show it (passwords masked).

It imports no other storage module, so each of them (and postgres.py) can import it without a
cycle; database.py opens and migrates connections on top of it.
"""

import os
import sqlite3
import time


class StorageError(Exception):
    """The database cannot be used: missing directory, newer schema, or locked for too long."""


class DatabaseBusy(StorageError):
    """The database stayed locked through every retry."""


class DatabaseUnavailable(DatabaseBusy):
    """The database server cannot be reached (PostgreSQL down, or the network to it)."""


class DiskFull(DatabaseUnavailable):
    """The disk holding the database is full: nothing can be written until space is freed."""

BUSY_TIMEOUT_SECONDS = 5.0
# Without a deadline (scripts), how many times a locked write is tried.
WRITE_ATTEMPTS = 6
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

    return retry_locked(conn, attempt)


def try_in_transaction(conn, work):
    """Run work(conn) in one write transaction if the database can be had at once, else do
    nothing and return None: for a write that may wait for another time (a read keeping what it
    summed up), which must never keep a hit waiting, nor fail the request it serves."""
    try:
        if is_postgres(conn):
            return conn.run_transaction(work)
        if getattr(conn, "full", None) is not None:
            return None
        waits = conn.execute("pragma busy_timeout").fetchone()[0]
        conn.execute("pragma busy_timeout = 0")
        try:
            conn.execute("begin immediate")
        finally:
            conn.execute(f"pragma busy_timeout = {waits}")
        try:
            result = work(conn)
            conn.execute("commit")
        except BaseException:
            if conn.in_transaction:
                conn.execute("rollback")
            raise
        return result
    except StorageError:
        return None
    except sqlite3.OperationalError as exc:
        if any(word in str(exc) for word in _CANNOT_WRITE_NOW):
            return None
        raise


# SQLite's messages for a write that cannot be made now, as opposed to a mistake in it.
_CANNOT_WRITE_NOW = ("locked", "busy", "readonly", "unable to open", "full", "disk I/O error")


def lock(conn, key, shared=False):
    """Inside a write transaction: hold a lock on key (text) until it ends, shared or not.

    SQLite needs none: BEGIN IMMEDIATE already gives one writer the whole file. PostgreSQL runs
    writers side by side, so a rule that reads before it writes takes an advisory lock on what
    it reads (postgres.py lists them).
    """
    if is_postgres(conn):
        conn.lock(key, shared)


def retry_locked(conn, action):
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
                    raise StorageError(f"cannot write the database: {message} (user {user_name()}); "
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

def user_name():
    """The name of the user this process runs as, for an error message."""
    try:
        import pwd  # only an error message gets here

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())
