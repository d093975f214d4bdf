"""PostgreSQL as footfall's database, when FOOTFALL_DB is a ``postgresql://`` URL.

The storage modules talk to a connection as to sqlite3's (execute, executemany, fetchone,
fetchall, rowcount, lastrowid, iteration); Connection gives them that over psycopg 3, with each
statement translated by dialect.py, and the schema written out in pg_schema.py. psycopg is an
optional dependency (``pip install "footfall[postgres]"``), imported only here, and this module
only when FOOTFALL_DB names PostgreSQL: an SQLite install never loads it.

Concurrency (docs/deploy.md): every transaction runs at READ COMMITTED, and the rules that
SQLite's single write lock kept are kept by row locks and transaction-level advisory locks:

- a rollup's count: ``update ... set n = n + :n`` locks the row and re-reads it, and an insert
  racing another for a new row adds to it (``on conflict do update``, record.py);
- the flood and distinct-visitor rules: one advisory lock per (day, visitor), taken before the
  visitor's views are read and held until commit (record.count_hit);
- a day's and a month's salt: ``insert ... on conflict do nothing``, then read back, so racing
  writers all key their hashes by the one salt that was stored (days.make_salt);
- a day's end: writers hold the "days" advisory lock shared, the end takes it exclusively, so no
  hit of the day is still being written while its views are summed up and deleted (days.py);
- today's kept summary takes it exclusively too, so the last view it has seen is the last one
  (today.py); a migration takes its own lock (database.migrate).

A serialization failure or deadlock (two writers waiting on each other's locks) rolls back and
retries the whole transaction, with back-off, until the request's deadline.
"""

import time

import psycopg
from psycopg import errors as pg_errors

from . import dialect, pg_schema
from .connection import DatabaseBusy, DatabaseUnavailable, StorageError, masked, shown

# A hit never waits long: connecting gives up after this many seconds (libpq's least is 2), and
# any statement, lock wait included, after STATEMENT_TIMEOUT_MS. The request then answers 503.
CONNECT_TIMEOUT_SECONDS = 2
STATEMENT_TIMEOUT_MS = 5000
# A connection left inside a transaction (a crashed worker) releases its locks after this.
IDLE_IN_TRANSACTION_TIMEOUT_MS = 10000
WRITE_ATTEMPTS = 8

# pragma user_version, kept in a table of its own.
CREATE_VERSION = "create table if not exists footfall_version (version integer not null)"
# pg_tables, not to_regclass(): a plain query sees a table another process just committed.
HAS_VERSION = """
    select exists (select 1 from pg_tables
                    where tablename = 'footfall_version' and schemaname = current_schema())
"""
SELECT_VERSION = "select coalesce(max(version), 0) from footfall_version"
CLEAR_VERSION = "delete from footfall_version"
INSERT_VERSION = "insert into footfall_version (version) values (%(version)s)"
ADVISORY_LOCK = "select pg_advisory_xact_lock(hashtextextended(%(key)s, 0))"
ADVISORY_LOCK_SHARED = "select pg_advisory_xact_lock_shared(hashtextextended(%(key)s, 0))"


def connect(url, deadline=None):
    """Open a connection to the database at url (database.connect then brings its schema up to
    date)."""
    options = (f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
               f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}")
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                              options=options, application_name="footfall")
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {shown(url)}: "
                                  f"{masked(str(exc).strip(), url)}") from None
    except psycopg.ProgrammingError as exc:  # a URL libpq cannot parse: its message quotes it
        raise StorageError(f"{shown(url)} is not a usable PostgreSQL URL: "
                           f"{masked(str(exc).strip(), url)}") from None
    raw.cursor_factory = Cursor
    return Connection(raw, deadline)


class Cursor(psycopg.Cursor):
    """psycopg's cursor, with sqlite3's lastrowid: the id the last insert was given. Inside a
    transaction statements are pipelined (sent without waiting for each answer): reading a row
    waits for the answers (psycopg does that), and so does reading rowcount (this class)."""

    pipeline = None

    @property
    def rowcount(self):
        if self.pipeline is not None:
            self.pipeline.sync()
        return super().rowcount

    @property
    def lastrowid(self):
        return self.connection.execute("select lastval()").fetchone()[0]


class _NoRows:
    """What a skipped pragma returns."""

    rowcount = 0

    def fetchone(self):
        return None

    def fetchall(self):
        return []

    def __iter__(self):
        return iter(())


class Connection:
    """A PostgreSQL connection with the part of sqlite3.Connection's interface footfall uses."""

    dialect = "postgresql"
    schema = pg_schema.SCHEMA  # what database.migrate makes a new database with
    _trace = None
    _pipeline = None

    def __init__(self, raw, deadline=None):
        self.raw = raw
        self.deadline = deadline

    def set_trace_callback(self, callback):
        """As sqlite3's: callback(statement) before each statement runs (as footfall wrote it)."""
        self._trace = callback

    def wait_until(self, deadline):
        self.deadline = deadline

    def migration(self, number):
        """What database.migrate runs to bring a database to version number."""
        return pg_schema.migration(number)

    @property
    def broken(self):
        """Whether the server went away: the app then opens a new connection."""
        return self.raw.closed or self.raw.broken

    @property
    def in_transaction(self):
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql, params=None):
        if self._trace is not None:
            self._trace(sql)
        if sql.lstrip()[:6].lower() == "pragma":
            return self._pragma(sql)
        # Always a dict, even empty: psycopg then reads %% in the text as %, as translate wrote it.
        return self.execute_raw(dialect.translate(sql), {} if params is None else params)

    def executemany(self, sql, seq_of_params):
        cursor = self.raw.cursor()
        try:
            cursor.executemany(dialect.translate(sql), seq_of_params)
        except psycopg.Error as exc:
            _raise_storage_error(exc)
        return cursor

    def close(self):
        self.raw.close()

    def _pragma(self, sql):
        # pragma user_version [= N]: the schema's version, as SQLite keeps it in its header.
        name, _, value = sql.strip().lower()[len("pragma"):].partition("=")
        if name.strip() != "user_version":
            return _NoRows()  # WAL, fsync and secure-delete settings: the server's own business
        if value.strip():
            self.execute_raw(CREATE_VERSION, None)
            self.execute_raw(CLEAR_VERSION, None)
            self.execute_raw(INSERT_VERSION, {"version": int(value)})
            return _NoRows()
        if not self.execute_raw(HAS_VERSION, None).fetchone()[0]:
            return self.execute_raw("select 0", None)  # a new database
        return self.execute_raw(SELECT_VERSION, None)

    def _pipeline_or_not(self):
        # Pipeline mode needs libpq 14 or newer (psycopg[binary] brings its own); with an older
        # one each statement simply waits for its answer.
        if psycopg.Pipeline.is_supported():
            return self.raw.pipeline()
        import contextlib

        return contextlib.nullcontext()

    def rewrite_salts(self):
        """After days ended: rewrite the salt tables into new files. PostgreSQL has no
        secure_delete; a deleted row stays in its page until the space is reused, and VACUUM
        FULL of these two tiny tables (a row a day, a row a month) leaves the ended salts only
        in the old files it unlinks and in write-ahead log segments until they are recycled
        (docs/privacy.md). A role that may not do it leaves the salts to autovacuum."""
        try:
            self.raw.execute("vacuum full salts, month_salts")
        except psycopg.OperationalError as exc:
            _raise_storage_error(exc)
        except psycopg.Error:
            pass

    def lock(self, key, shared=False):
        """Take an advisory lock on key (text) until this transaction ends."""
        self.execute_raw(ADVISORY_LOCK_SHARED if shared else ADVISORY_LOCK, {"key": key})

    def execute_raw(self, sql, params):
        try:
            cursor = self.raw.execute(sql, params)
        except psycopg.Error as exc:
            _raise_storage_error(exc)
        cursor.pipeline = self._pipeline
        return cursor

    def run_transaction(self, work):
        """Run work(self) in one transaction, again from the start after a serialization
        failure or deadlock, until the request's deadline (else WRITE_ATTEMPTS times)."""
        attempt = 0
        while True:
            try:
                try:
                    # Pipelined: a statement whose answer is not read (a lock, an insert, a
                    # rollup's upsert) costs no round trip of its own; a hit makes about six.
                    with self._pipeline_or_not() as pipeline, self.raw.transaction():
                        self._pipeline = pipeline
                        try:
                            return work(self)
                        finally:
                            self._pipeline = None
                except psycopg.Error as exc:  # raised by commit or rollback
                    _raise_storage_error(exc)
            except _Retry as exc:
                attempt += 1
                late = self.deadline is not None and time.monotonic() >= self.deadline
                if late or (self.deadline is None and attempt >= WRITE_ATTEMPTS):
                    raise DatabaseBusy(f"transaction kept conflicting: {exc}") from None
                import random  # only a conflicting write gets here

                time.sleep(random.uniform(0.005, 0.02) * 2 ** min(attempt - 1, 5))


class _Retry(DatabaseBusy):
    """A serialization failure or deadlock: the transaction may succeed when run again."""


def _raise_storage_error(exc):
    """Raise what footfall makes of a psycopg error: a conflict to retry, a 503 (DatabaseBusy,
    DatabaseUnavailable), or the error itself (a bug: a 500 with its traceback in the log)."""
    mapped = _storage_error(exc)
    if mapped is exc:
        raise exc
    raise mapped from exc


def _storage_error(exc):
    if isinstance(exc, (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)):
        return _Retry(str(exc).strip())
    if isinstance(exc, (pg_errors.QueryCanceled, pg_errors.LockNotAvailable)):
        return DatabaseBusy(f"PostgreSQL statement timed out: {str(exc).strip()}")
    if isinstance(exc, psycopg.OperationalError):
        return DatabaseUnavailable(f"PostgreSQL is unreachable: {str(exc).strip()}")
    if isinstance(exc, psycopg.InterfaceError):
        return DatabaseUnavailable(f"PostgreSQL connection lost: {str(exc).strip()}")
    return exc
