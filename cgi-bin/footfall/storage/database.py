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
import sqlite3
import time

# The whole schema as it is now: what a new database is created with. An older database is
# brought here by MIGRATIONS; tests/test_migrations.py checks both end with the same schema.
SCHEMA_VERSION = 7

SCHEMA = """
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

    -- Per-hour totals for a whole site, the hour on the configured zone's clock. A visitor counts
    -- in the hour of their first pageview of the day, so the hours of a day add up to its visitors.
    create table hourly_site (
        day        text    not null,
        site       text    not null,
        hour       integer not null,  -- 0-23
        visitors   integer not null default 0,
        pageviews  integer not null default 0,
        primary key (day, site, hour)
    ) without rowid;

    -- Per-day pageviews arriving from another site, by referring host.
    create table daily_ref (
        day        text    not null,
        site       text    not null,
        ref        text    not null,  -- host name of the referrer
        pageviews  integer not null default 0,
        primary key (day, site, ref)
    ) without rowid;

    -- The random salt of a day. Deleted by the first request of a later day. Tomorrow's may be
    -- made in the last moments of today, for the views carried over (see views).
    create table salts (
        day   text primary key,
        salt  blob not null
    );

    -- Who viewed which page when, for the current day only: distinct visitors, the flood rule
    -- and the day's summary (summary.py) read it; it is emptied with the salt. A view in the
    -- last flood window of a day is also written for the next day, keyed by that day's salt and
    -- with counted = 0: the flood rule sees it, nothing else does.
    create table views (
        visitor         blob    not null,  -- counting.visitor_id(): keyed by the day's salt
        page            text    not null,
        ts              real    not null,
        day             text    not null,
        counted         integer not null default 1,  -- 0: carried over from the day before
        site            text    not null default '',
        hour            integer not null default 0,  -- on the configured zone's clock
        ref             text    not null default '',  -- referring host, or the campaign's source
        browser         text    not null default '',
        os              text    not null default '',
        device          text    not null default '',
        country         text    not null default '',
        language        text    not null default '',
        campaign        text    not null default '',
        seconds         real    not null default 0,  -- visible seconds footfall.js reported
        timed           integer not null default 0,  -- 1 once it reported them
        unique_visitor  blob                          -- keyed by the month's salt, for sketches
    );
    create index views_visitor on views (visitor, page, ts, counted);
    create index views_day on views (day);

    -- Facts about the install itself, one row each (storage/meta.py): whether the stats are
    -- public or need a read key, and whether the data is demo data that seed_db.py made.
    create table meta (
        name   text primary key,
        value  text not null
    );

    -- The random salt of a calendar month, for the unique-visitor sketches. Deleted by the first
    -- request of a later month.
    create table month_salts (
        month  text primary key,  -- YYYY-MM
        salt   blob not null
    );

    -- A day's visits summed up when the day ends (summary.py): for a filter (a dimension and a
    -- value hits must match; '' for none), the counts of each value of a dimension ('' for the
    -- filter's own totals). Keyed so that one filter's series or list over a range of days is
    -- one stretch of the table.
    create table daily_breakdown (
        filter        text    not null,  -- '', page, ref, browser, os, device, country, ...
        filter_value  text    not null,
        dim           text    not null,  -- '', page, ref, browser, ..., hour
        day           text    not null,
        site          text    not null,
        value         text    not null,
        visitors      integer not null default 0,
        pageviews     integer not null default 0,
        entries       integer not null default 0,  -- visits that began on the page
        bounces       integer not null default 0,  -- visits with one pageview
        seconds       real    not null default 0,  -- visible seconds reported
        timed         integer not null default 0,  -- views (visits, for totals) that reported
        primary key (filter, filter_value, dim, day, site, value)
    ) without rowid;

    -- The same per month: a year's list reads twelve months and the days at its ends.
    create table monthly_breakdown (
        filter        text    not null,
        filter_value  text    not null,
        dim           text    not null,
        month         text    not null,  -- YYYY-MM
        site          text    not null,
        value         text    not null,
        visitors      integer not null default 0,
        pageviews     integer not null default 0,
        entries       integer not null default 0,
        bounces       integer not null default 0,
        seconds       real    not null default 0,
        timed         integer not null default 0,
        primary key (filter, filter_value, dim, month, site, value)
    ) without rowid;

    -- A day's distinct visitors as a HyperLogLog sketch (sketch.py) of their month-keyed hashes:
    -- the union of a month's days counts each person once; no visitor can be read back out.
    create table daily_unique (
        filter        text not null,
        filter_value  text not null,
        day           text not null,
        site          text not null,
        sketch        blob not null,
        primary key (filter, filter_value, day, site)
    ) without rowid;

    -- The owner's notes on days ("launched on HN"), written only by scripts/note.py: the read
    -- key may be shared, so nothing that comes over HTTP writes here.
    create table notes (
        id       integer primary key,
        day      text    not null,  -- YYYY-MM-DD
        text     text    not null,
        created  real    not null   -- Unix time the note was written
    );
    create index notes_day on notes (day);
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
    4: ("no raw hits; views carried across midnight; hourly_site", """
        -- Raw hits are dropped: nothing reads them, and their times could be joined to the day's
        -- views to rebuild a visitor's path. The rollups hold every count they fed.
        drop table hits;
        alter table views add column counted integer not null default 1;
        drop index views_visitor;
        create index views_visitor on views (visitor, page, ts, counted);
        create table hourly_site (
            day        text    not null,
            site       text    not null,
            hour       integer not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (day, site, hour)
        ) without rowid;
    """),
    5: ("meta: the read-access decision and the demo marker", """
        -- Kept here, not only in a config file that the web server's user may not be able to
        -- read: a database that says it needs a key is never served without one.
        create table meta (
            name   text primary key,
            value  text not null
        );
    """),
    6: ("views carry site, hour, referrer and traits; month salts; breakdowns and sketches", """
        -- What a visit's summary (summary.py) reads at the end of its day. Old days simply have
        -- no breakdowns.
        alter table views add column site text not null default '';
        alter table views add column hour integer not null default 0;
        alter table views add column ref text not null default '';
        alter table views add column browser text not null default '';
        alter table views add column os text not null default '';
        alter table views add column device text not null default '';
        alter table views add column country text not null default '';
        alter table views add column language text not null default '';
        alter table views add column campaign text not null default '';
        alter table views add column seconds real not null default 0;
        alter table views add column timed integer not null default 0;
        alter table views add column unique_visitor blob;
        create table month_salts (
            month  text primary key,
            salt   blob not null
        );
        create table daily_breakdown (
            filter        text    not null,
            filter_value  text    not null,
            dim           text    not null,
            day           text    not null,
            site          text    not null,
            value         text    not null,
            visitors      integer not null default 0,
            pageviews     integer not null default 0,
            entries       integer not null default 0,
            bounces       integer not null default 0,
            seconds       real    not null default 0,
            timed         integer not null default 0,
            primary key (filter, filter_value, dim, day, site, value)
        ) without rowid;
        create table monthly_breakdown (
            filter        text    not null,
            filter_value  text    not null,
            dim           text    not null,
            month         text    not null,
            site          text    not null,
            value         text    not null,
            visitors      integer not null default 0,
            pageviews     integer not null default 0,
            entries       integer not null default 0,
            bounces       integer not null default 0,
            seconds       real    not null default 0,
            timed         integer not null default 0,
            primary key (filter, filter_value, dim, month, site, value)
        ) without rowid;
        create table daily_unique (
            filter        text not null,
            filter_value  text not null,
            day           text not null,
            site          text not null,
            sketch        blob not null,
            primary key (filter, filter_value, day, site)
        ) without rowid;
    """),
    7: ("notes on days", """
        -- Annotations written by scripts/note.py; GET answers them with before/after.
        create table notes (
            id       integer primary key,
            day      text    not null,
            text     text    not null,
            created  real    not null
        );
        create index notes_day on notes (day);
    """),
}


class StorageError(Exception):
    """The database cannot be used: missing directory, newer schema, or locked for too long."""


class DatabaseBusy(StorageError):
    """The database stayed locked through every retry."""


BUSY_TIMEOUT_SECONDS = 5.0
# Without a deadline (scripts), how many times a locked write is tried.
WRITE_ATTEMPTS = 6
# The longest a request waits for a locked database, from its start to its 503: connecting,
# migrating and writing share it (docs/deploy.md).
REQUEST_WAIT_SECONDS = 9.0


class Connection(sqlite3.Connection):
    """An SQLite connection that knows until when its current request may wait for a lock."""

    deadline = None  # time.monotonic() value; None: BUSY_TIMEOUT_SECONDS per attempt

    def wait_until(self, deadline):
        self.deadline = deadline


def connect(path, create=True, deadline=None):
    """Open the database (creating or migrating it if need be) with WAL and a busy timeout.

    A new database and the folder footfall makes for it are private to their owner (0600 and
    0700, whatever the umask); SQLite gives the -wal and -shm files the database's mode.
    """
    if path != ":memory:":
        _prepare_file(path, create)
    # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE for writes).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                           factory=Connection)
    conn.deadline = deadline
    # In WAL mode a commit is durable against a process crash; synchronous=NORMAL skips the fsync
    # per commit, so a power cut can lose the last moments of hits, never corrupt the file.
    conn.execute("pragma synchronous = normal")
    # Deleted salts and views are overwritten with zeros, not left in free pages.
    conn.execute("pragma secure_delete = on")
    migrate(conn)
    return conn


def _prepare_file(path, create):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        if not create:
            raise StorageError(f"database directory {directory} does not exist")
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            os.chmod(directory, 0o700)
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

    return _retry_locked(conn, attempt)


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
                raise
            attempt += 1
            if deadline is None and attempt >= WRITE_ATTEMPTS:
                raise DatabaseBusy(f"database stayed locked: {message}") from exc
            import random  # only a contended write gets here; a plain hit need not import it

            time.sleep(random.uniform(0.01, 0.05) * 2 ** min(attempt - 1, 5))


def checkpoint(conn):
    """Write the WAL back into the database and empty it, so deleted bytes do not linger there."""
    try:
        conn.execute("pragma wal_checkpoint(truncate)")
    except sqlite3.OperationalError:
        pass  # busy readers: the next checkpoint (SQLite makes them as the WAL grows) does it


def backup(conn, target_path):
    """Copy the live database to target_path, consistent even while hits keep arriving.

    The copy is private (0600) and carries no salt and no visitor hash: the day's and month's
    salts and the views are deleted from it and it is vacuumed, so their bytes are not in its free pages.
    """
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
        target.execute("pragma journal_mode = delete")  # one self-contained file, no -wal
        target.execute("vacuum")
    finally:
        target.close()
