"""The database: connections, the current schema, migrations of older ones, write transactions.

Three kinds of data, kept apart on purpose:

- ``hits``: one row per counted pageview (time, day, site, page, referrer). No visitor identity.
- ``daily_*`` and ``monthly_page``: rollups, updated in the same transaction as the hit. GET reads
  only these, so a chart costs the same with ten thousand hits or ten million.
- ``salts`` and ``views``: the current day's salt and who viewed what, needed for distinct
  visitors and the flood rule. Both are deleted when a later day begins, after which a visitor
  hash can no longer be tied to anyone.
"""

import os
import sqlite3
import time

# The whole schema as it is now: what a new database is created with. An older database is
# brought here by MIGRATIONS; tests/test_migrations.py checks both end with the same schema.
SCHEMA_VERSION = 4

SCHEMA = """
    -- One row per counted pageview. Pruned after the retention period; the rollups stay.
    create table hits (
        id    integer primary key,
        ts    real    not null,  -- Unix time of the hit, UTC seconds
        day   text    not null,  -- YYYY-MM-DD in the configured time zone
        site  text    not null,  -- host name, '' when unknown
        page  text    not null,  -- path only: no query string, no fragment
        ref   text    not null   -- referrer as scheme://host/path, '' when none
    );
    create index hits_ts on hits (ts);

    -- Per-day totals for a whole site: what the chart reads.
    create table daily_site (
        day        text    not null,
        site       text    not null,
        visitors   integer not null default 0,  -- distinct visitors that day
        pageviews  integer not null default 0,
        primary key (day, site)
    ) without rowid;

    -- Per-day totals for one page. Keyed by day first: the top pages of a range read one
    -- stretch of the table; a page's own chart uses the index on page.
    create table daily_page (
        page       text    not null,
        day        text    not null,
        site       text    not null,
        visitors   integer not null default 0,  -- distinct visitors of this page that day
        pageviews  integer not null default 0,
        primary key (day, site, page)
    ) without rowid;
    create index daily_page_page on daily_page (page, day, site);

    -- Per-month totals of a page: the top pages of a range read whole months here and only the
    -- days at its ends from daily_page. visitors is the sum of the daily distinct visitors.
    create table monthly_page (
        month      text    not null,  -- YYYY-MM
        site       text    not null,
        page       text    not null,
        visitors   integer not null default 0,
        pageviews  integer not null default 0,
        primary key (month, site, page)
    ) without rowid;

    -- Per-day pageviews arriving from another site, by referring host.
    create table daily_ref (
        day        text    not null,
        site       text    not null,
        ref        text    not null,  -- host name of the referrer
        pageviews  integer not null default 0,
        primary key (day, site, ref)
    ) without rowid;

    -- The random salt of a day. Deleted when a later day begins.
    create table salts (
        day   text primary key,
        salt  blob not null
    );

    -- Who viewed which page when, for the current day only: distinct visitors and the flood
    -- rule read it; it is emptied with the salt.
    create table views (
        visitor  blob not null,  -- counting.visitor_id(): keyed by the day's salt
        page     text not null,
        ts       real not null,
        day      text not null
    );
    create index views_visitor on views (visitor, page, ts);
    create index views_day on views (day);

    -- Requests an imported access log shows answered 404 or 410, per day, site, path and
    -- referring host: the broken links. Only logs know a status; live hits never fill it.
    create table daily_not_found (
        day    text    not null,
        site   text    not null,
        page   text    not null,  -- path only, as daily_page
        ref    text    not null,  -- host name of the referrer (the site's own too), '' when none
        count  integer not null default 0,
        primary key (day, site, page, ref)
    ) without rowid;

    -- Access log files scripts/import_log.py has read, so that no line is counted twice: a
    -- file is known by the hash of its first line, which stays when it grows, is rotated or is
    -- compressed; a second import resumes after the bytes already read.
    create table imported_logs (
        fingerprint  text    primary key,  -- blake2b of the first line, hex
        name         text    not null,     -- the path it was last read from, for people
        offset       integer not null,     -- bytes (uncompressed) read so far
        lines        integer not null,     -- lines read so far
        last_ts      real,                 -- Unix time of the last line counted
        imported_at  real    not null
    );

    -- The time each imported file covers for each site: a line of another file inside one of
    -- these (an overlapping rotation) is taken as already counted.
    create table imported_ranges (
        fingerprint  text not null,
        site         text not null,
        first_ts     real not null,
        last_ts      real not null,
        primary key (fingerprint, site)
    ) without rowid;

    -- Days whose counts came from imported logs: the first day not in here with counts is
    -- the first live day, before which an import stops by default (--until).
    create table imported_days (
        day   text not null,
        site  text not null,
        primary key (day, site)
    ) without rowid;
"""

# Migration N brings a database from user_version N-1 to N; a new database gets SCHEMA instead,
# so these only ever upgrade. Never edit a released one: add N+1 and change SCHEMA to match.
# Version 1 is the first released schema (footfall 0.1's first form of SCHEMA).
MIGRATIONS = {
    2: ("daily_page keyed by day first", """
        -- The top pages of a range read one stretch of the table (18 000 rows for a year of 50
        -- pages) instead of looking each row up from an index on day, which made that query 6x
        -- slower at a million hits. A page's own chart uses the index on page. Same rows.
        create table daily_page_by_day (
            page       text    not null,
            day        text    not null,
            site       text    not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (day, site, page)
        ) without rowid;
        insert into daily_page_by_day (page, day, site, visitors, pageviews)
            select page, day, site, visitors, pageviews from daily_page;
        drop table daily_page;
        alter table daily_page_by_day rename to daily_page;
        create index daily_page_page on daily_page (page, day, site);
    """),
    3: ("monthly_page rollup", """
        -- A year of top pages then costs ~700 rows, not 18 000, however many hits there are.
        create table monthly_page (
            month      text    not null,
            site       text    not null,
            page       text    not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (month, site, page)
        ) without rowid;
        insert into monthly_page (month, site, page, visitors, pageviews)
            select substr(day, 1, 7), site, page, sum(visitors), sum(pageviews)
              from daily_page group by 1, 2, 3;
    """),
    4: ("access log imports and broken links", """
        -- Requests an imported access log shows answered 404 or 410, per day, site, path and
        -- referring host: the broken links. Only logs know a status; live hits never fill it.
        create table daily_not_found (
            day    text    not null,
            site   text    not null,
            page   text    not null,  -- path only, as daily_page
            ref    text    not null,  -- host name of the referrer (the site's own too), '' when none
            count  integer not null default 0,
            primary key (day, site, page, ref)
        ) without rowid;

        -- Access log files scripts/import_log.py has read, so that no line is counted twice: a
        -- file is known by the hash of its first line, which stays when it grows, is rotated or is
        -- compressed; a second import resumes after the bytes already read.
        create table imported_logs (
            fingerprint  text    primary key,  -- blake2b of the first line, hex
            name         text    not null,     -- the path it was last read from, for people
            offset       integer not null,     -- bytes (uncompressed) read so far
            lines        integer not null,     -- lines read so far
            last_ts      real,                 -- Unix time of the last line counted
            imported_at  real    not null
        );

        -- The time each imported file covers for each site: a line of another file inside one of
        -- these (an overlapping rotation) is taken as already counted.
        create table imported_ranges (
            fingerprint  text not null,
            site         text not null,
            first_ts     real not null,
            last_ts      real not null,
            primary key (fingerprint, site)
        ) without rowid;

        -- Days whose counts came from imported logs: the first day not in here with counts is
        -- the first live day, before which an import stops by default (--until).
        create table imported_days (
            day   text not null,
            site  text not null,
            primary key (day, site)
        ) without rowid;
    """),
}


class StorageError(Exception):
    """The database cannot be used: missing directory, newer schema, or locked for too long."""


class DatabaseBusy(StorageError):
    """The database stayed locked through every retry."""


BUSY_TIMEOUT_SECONDS = 5.0
WRITE_ATTEMPTS = 6


def connect(path, create=True):
    """Open the database (creating or migrating it if need be) with WAL and a busy timeout."""
    if path != ":memory:":
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            if not create:
                raise StorageError(f"database directory {directory} does not exist")
            os.makedirs(directory, exist_ok=True)
        if not create and not os.path.exists(path):
            raise StorageError(f"database {path} does not exist")
    # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE for writes).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    # In WAL mode a commit is durable against a process crash; synchronous=NORMAL skips the fsync
    # per commit, so a power cut can lose the last moments of hits, never corrupt the file.
    conn.execute("pragma synchronous = normal")
    migrate(conn)
    return conn


def schema_version(conn):
    return conn.execute("pragma user_version").fetchone()[0]


def migrate(conn):
    """Create or upgrade the schema to SCHEMA_VERSION; safe to run again, and from racing processes."""
    version = schema_version(conn)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StorageError(f"database schema {version} is newer than this footfall ({SCHEMA_VERSION})")
    _retry_locked(lambda: conn.execute("pragma journal_mode = wal"))

    def apply(conn):
        current = schema_version(conn)  # another process may have migrated meanwhile
        if current == 0:
            run_script(conn, SCHEMA)
        else:
            for number in range(current + 1, SCHEMA_VERSION + 1):
                run_script(conn, MIGRATIONS[number][1])
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

    def attempt():
        conn.execute("begin immediate")
        try:
            result = work(conn)
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")
        return result

    return _retry_locked(attempt)


def _retry_locked(action):
    # The busy timeout already waits for the lock; this covers what it cannot, such as SQLITE_BUSY
    # during WAL recovery, with jittered exponential back-off so waiting processes spread out.
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if "locked" not in message and "busy" not in message:
                raise
            if attempt == WRITE_ATTEMPTS - 1:
                raise DatabaseBusy(f"database stayed locked: {message}") from exc
            import random  # only a contended write gets here; a plain hit need not import it

            time.sleep(random.uniform(0.01, 0.05) * 2 ** attempt)


def backup(conn, target_path):
    """Copy the live database to target_path, consistent even while hits keep arriving."""
    target = sqlite3.connect(target_path)
    try:
        conn.backup(target)
    finally:
        target.close()
