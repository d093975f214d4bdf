"""Storage: every SQL statement footfall runs, against SQLite.

Three kinds of data, kept apart on purpose:

- ``hits``: one row per counted pageview (time, day, site, page, referrer). No visitor identity.
- ``daily_*``: per-day rollups, updated in the same transaction as the hit. GET reads only these,
  so a chart costs the same with ten thousand hits or ten million.
- ``salts`` and ``views``: the current day's salt and who viewed what, needed for distinct
  visitors and the flood rule. Both are deleted when a later day begins, after which a visitor
  hash can no longer be tied to anyone.

A later backend (PostgreSQL) implements the same functions; nothing outside this module writes SQL.
"""

import datetime
import os
import sqlite3
import time

from . import counting

SCHEMA_VERSION = 4

# Migration N brings a database from user_version N-1 to N. Never edit a released one: add N+1.
MIGRATIONS = {
    1: """
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

        -- Per-day totals for one page: the chart of a page, and the top pages of a range.
        create table daily_page (
            page       text    not null,
            day        text    not null,
            site       text    not null,
            visitors   integer not null default 0,  -- distinct visitors of this page that day
            pageviews  integer not null default 0,
            primary key (page, day, site)
        ) without rowid;
        create index daily_page_day on daily_page (day);

        -- Per-day pageviews arriving from another site, by referring host.
        create table daily_ref (
            day        text    not null,
            site       text    not null,
            ref        text    not null,  -- host name of the referrer
            pageviews  integer not null default 0,
            primary key (day, site, ref)
        ) without rowid;

        -- The random salt of a day. Deleted when a later day's first hit arrives.
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
    """,
    2: """
        -- daily_page keyed by day first: the top pages of a range read one stretch of the table
        -- (18 000 rows for a year of 50 pages) instead of looking each row up from an index on
        -- day, which made that query 6x slower at a million hits. A page's own chart uses the
        -- index on page. Same columns, same rows.
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
    """,
    3: """
        -- Per-month totals of a page: the top pages of a range read whole months here and only
        -- the days at its ends from daily_page, so a year costs ~700 rows, not 18 000, however
        -- many hits there are. visitors is the sum of the daily distinct visitors, as the top
        -- pages from daily_page have always counted them.
        create table monthly_page (
            month      text    not null,  -- YYYY-MM
            site       text    not null,
            page       text    not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (month, site, page)
        ) without rowid;
        insert into monthly_page (month, site, page, visitors, pageviews)
            select substr(day, 1, 7), site, page, sum(visitors), sum(pageviews)
              from daily_page group by 1, 2, 3;
    """,
    4: """
        -- Facts about the install itself, one row each (see "Install facts" at the end of this
        -- module): whether the stats are public or need a read key (kept here, not only in a
        -- config file the web server's user may not be able to read), and whether the data is
        -- demo data that seed_db.py made.
        create table meta (
            name   text primary key,
            value  text not null
        );
    """,
}


class StorageError(Exception):
    """The database cannot be used: missing directory, newer schema, or locked for too long."""


class DatabaseBusy(StorageError):
    """The database stayed locked through every retry."""


# ---------------------------------------------------------------------------------------------
# Connections, schema and the write transaction
# ---------------------------------------------------------------------------------------------

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
    """Bring the schema to SCHEMA_VERSION; safe to run again, and from processes racing each other."""
    version = schema_version(conn)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StorageError(f"database schema {version} is newer than this footfall ({SCHEMA_VERSION})")
    _retry_locked(lambda: conn.execute("pragma journal_mode = wal"))

    def apply(conn):
        current = schema_version(conn)  # another process may have migrated meanwhile
        for number in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _split_statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"pragma user_version = {int(number)}")

    in_transaction(conn, apply)


def _split_statements(script):
    # executescript() would commit our transaction; run each statement inside it instead.
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


# ---------------------------------------------------------------------------------------------
# Writing a hit
# ---------------------------------------------------------------------------------------------

class Hit:
    """One pageview as received. ip and user_agent only ever feed the visitor hash."""

    __slots__ = ("ts", "day", "site", "page", "ref", "ip", "user_agent")

    def __init__(self, ts, day, site, page, ref, ip, user_agent):
        self.ts, self.day, self.site, self.page = ts, day, site, page
        self.ref, self.ip, self.user_agent = ref, ip, user_agent


class Rules:
    """The numbers the write path applies: flood limit and window, retention."""

    __slots__ = ("flood_limit", "flood_window_seconds", "retention_days")

    def __init__(self, flood_limit=10, flood_window_seconds=60, retention_days=400):
        self.flood_limit = flood_limit
        self.flood_window_seconds = flood_window_seconds
        self.retention_days = retention_days

    @classmethod
    def from_config(cls, config):
        return cls(config.flood_limit, config.flood_window_seconds, config.retention_days)


SELECT_SALT = "select salt from salts where day = :day"
INSERT_SALT = "insert into salts (day, salt) values (:day, :salt)"
# A new day's first hit ends every earlier day: salts, views and, past retention, raw hits.
FORGET_SALTS_BEFORE = "delete from salts where day < :day"
FORGET_VIEWS_BEFORE = "delete from views where day < :day"
PRUNE_HITS_BEFORE = "delete from hits where ts < :cutoff"

SELECT_VISITOR_HISTORY = """
    select
        exists (select 1 from views where visitor = :visitor) as seen_today,
        exists (select 1 from views where visitor = :visitor and page = :page) as seen_page,
        (select count(*) from views
          where visitor = :visitor and page = :page and ts > :since) as recent_views
"""
INSERT_HIT = """
    insert into hits (ts, day, site, page, ref) values (:ts, :day, :site, :page, :ref)
"""
INSERT_VIEW = """
    insert into views (visitor, page, ts, day) values (:visitor, :page, :ts, :day)
"""
# Rollups: update first and insert only when no row was touched (one statement on all but the
# first hit of a day), and no UPSERT, which SQLite before 3.24 (still on some hosts) lacks.
# One hit adds pageviews=1; record_day adds a whole day's counts at once.
ADD_DAILY_SITE = """
    update daily_site set visitors = visitors + :visitors, pageviews = pageviews + :pageviews
     where day = :day and site = :site
"""
NEW_DAILY_SITE = """
    insert into daily_site (day, site, visitors, pageviews) values (:day, :site, :visitors, :pageviews)
"""
ADD_DAILY_PAGE = """
    update daily_page set visitors = visitors + :visitors, pageviews = pageviews + :pageviews
     where page = :page and day = :day and site = :site
"""
NEW_DAILY_PAGE = """
    insert into daily_page (page, day, site, visitors, pageviews)
    values (:page, :day, :site, :visitors, :pageviews)
"""
ADD_MONTHLY_PAGE = """
    update monthly_page set visitors = visitors + :visitors, pageviews = pageviews + :pageviews
     where month = :month and site = :site and page = :page
"""
NEW_MONTHLY_PAGE = """
    insert into monthly_page (month, site, page, visitors, pageviews)
    values (:month, :site, :page, :visitors, :pageviews)
"""
ADD_DAILY_REF = """
    update daily_ref set pageviews = pageviews + :pageviews
     where day = :day and site = :site and ref = :ref_host
"""
NEW_DAILY_REF = """
    insert into daily_ref (day, site, ref, pageviews) values (:day, :site, :ref_host, :pageviews)
"""


def record_hit(conn, hit, rules):
    """Count one hit in its own transaction. Returns None if counted, else the reason ('flood')."""
    return in_transaction(conn, lambda conn: _record(conn, hit, rules))


def record_hits(conn, hits, rules):
    """Count many hits, oldest first, in one transaction (seeding, imports); reasons in order."""
    return in_transaction(conn, lambda conn: [_record(conn, hit, rules) for hit in hits])


def _record(conn, hit, rules):
    salt = _salt_for(conn, hit, rules)
    visitor = counting.visitor_id(salt, hit.ip, hit.user_agent, hit.site)
    params = {"visitor": visitor, "page": hit.page, "ts": hit.ts, "day": hit.day,
              "site": hit.site, "ref": hit.ref,
              "since": hit.ts - rules.flood_window_seconds, "month": hit.day[:7]}
    seen_today, seen_page, recent_views = conn.execute(SELECT_VISITOR_HISTORY, params).fetchone()
    if recent_views >= rules.flood_limit:
        return "flood"
    conn.execute(INSERT_HIT, params)
    conn.execute(INSERT_VIEW, params)
    params["pageviews"] = 1
    params["visitors"] = 0 if seen_today else 1
    _add(conn, ADD_DAILY_SITE, NEW_DAILY_SITE, params)
    params["visitors"] = 0 if seen_page else 1  # distinct visitors of this page
    _add(conn, ADD_DAILY_PAGE, NEW_DAILY_PAGE, params)
    _add(conn, ADD_MONTHLY_PAGE, NEW_MONTHLY_PAGE, params)
    ref_host = counting.host_of(hit.ref)
    if ref_host and not _same_site(ref_host, hit.site):
        params["ref_host"] = ref_host
        _add(conn, ADD_DAILY_REF, NEW_DAILY_REF, params)
    return None


# Bulk counting of a whole day (record_day): hits by one executemany.
INSERT_HITS = "insert into hits (ts, day, site, page, ref) values (?, ?, ?, ?, ?)"


def record_day(conn, hits, rules):
    """Count every hit of one day, oldest first, as record_hits would, in one transaction.

    For bulk work on days gone by (seeding, imports): the day's salt and views, which record_hits
    keeps in the database until a later day deletes them, live in memory only, and the rules that
    read them (distinct visitors, flood) run in Python. That saves most statements per hit: hits
    go in with one executemany and each rollup row is written once. Pass the whole day at once;
    a day that already has a salt (today, with real hits) is counted hit by hit instead.
    tests/bench/test_bulk_counting.py checks both ways give the same database.
    Returns the reasons in order, like record_hits.
    """
    if not hits:
        return []
    day = hits[0].day
    if any(hit.day != day for hit in hits):
        raise ValueError("record_day takes the hits of one day")

    def work(conn):
        if conn.execute(SELECT_SALT, {"day": day}).fetchone() is not None:
            return [_record(conn, hit, rules) for hit in hits]
        # What the first hit of a day does in _salt_for, but the salt stays in memory.
        conn.execute(FORGET_SALTS_BEFORE, {"day": day})
        conn.execute(FORGET_VIEWS_BEFORE, {"day": day})
        conn.execute(PRUNE_HITS_BEFORE, {"cutoff": hits[0].ts - rules.retention_days * 86400})
        reasons, rows, sites, pages, refs = _count_day(hits, rules, os.urandom(32))
        conn.executemany(INSERT_HITS, rows)
        for site, (visitors, pageviews) in sites.items():
            _add(conn, ADD_DAILY_SITE, NEW_DAILY_SITE,
                 {"day": day, "site": site, "visitors": visitors, "pageviews": pageviews})
        for (page, site), (visitors, pageviews) in pages.items():
            params = {"day": day, "month": day[:7], "site": site, "page": page,
                      "visitors": visitors, "pageviews": pageviews}
            _add(conn, ADD_DAILY_PAGE, NEW_DAILY_PAGE, params)
            _add(conn, ADD_MONTHLY_PAGE, NEW_MONTHLY_PAGE, params)
        for (site, ref_host), pageviews in refs.items():
            _add(conn, ADD_DAILY_REF, NEW_DAILY_REF,
                 {"day": day, "site": site, "ref_host": ref_host, "pageviews": pageviews})
        return reasons

    return in_transaction(conn, work)


def _count_day(hits, rules, salt):
    """The rules of _record over one day's hits, with the views table as a dict in memory."""
    from bisect import bisect_right, insort  # bulk work only: not on the CGI hit path

    reasons, rows = [], []
    sites, pages, refs = {}, {}, {}
    seen = set()  # visitors with a counted view today: 'exists (... where visitor = ...)'
    views = {}  # (visitor, page) -> times of its counted views, sorted
    window, limit = rules.flood_window_seconds, rules.flood_limit
    for hit in hits:
        visitor = counting.visitor_id(salt, hit.ip, hit.user_agent, hit.site)
        times = views.setdefault((visitor, hit.page), [])
        # Views later than ts - window, as the 'count(*) ... ts > :since' of the hit path.
        if len(times) - bisect_right(times, hit.ts - window) >= limit:
            reasons.append("flood")
            continue
        reasons.append(None)
        new_visitor = 0 if visitor in seen else 1
        new_page_visitor = 0 if times else 1
        seen.add(visitor)
        insort(times, hit.ts)
        rows.append((hit.ts, hit.day, hit.site, hit.page, hit.ref))
        counts = sites.setdefault(hit.site, [0, 0])
        counts[0] += new_visitor
        counts[1] += 1
        counts = pages.setdefault((hit.page, hit.site), [0, 0])
        counts[0] += new_page_visitor
        counts[1] += 1
        ref_host = counting.host_of(hit.ref)
        if ref_host and not _same_site(ref_host, hit.site):
            refs[hit.site, ref_host] = refs.get((hit.site, ref_host), 0) + 1
    return reasons, rows, sites, pages, refs


def _add(conn, update, insert, params):
    if conn.execute(update, params).rowcount == 0:
        conn.execute(insert, params)


def _same_site(ref_host, site):
    # Navigation inside a site is not a referral; 'www.' is the same site as its bare name.
    return ref_host.removeprefix("www.") == site.removeprefix("www.")


def _salt_for(conn, hit, rules):
    row = conn.execute(SELECT_SALT, {"day": hit.day}).fetchone()
    if row is not None:
        return row[0]
    salt = os.urandom(32)
    # The first hit of a day: end the days before it. Raw hits past retention go too, a daily
    # chore on the write path so no cron job is needed on a shared host.
    conn.execute(FORGET_SALTS_BEFORE, {"day": hit.day})
    conn.execute(FORGET_VIEWS_BEFORE, {"day": hit.day})
    conn.execute(PRUNE_HITS_BEFORE, {"cutoff": hit.ts - rules.retention_days * 86400})
    conn.execute(INSERT_SALT, {"day": hit.day, "salt": salt})
    return salt


def forget_days_before(conn, day):
    """Delete salts and views of days before day: what seeding back-dated hits ends with."""

    def forget(conn):
        conn.execute(FORGET_SALTS_BEFORE, {"day": day})
        conn.execute(FORGET_VIEWS_BEFORE, {"day": day})

    in_transaction(conn, forget)


def prune_hits(conn, cutoff_ts):
    """Delete raw hits older than cutoff_ts; rollups stay. Returns how many were deleted."""
    return in_transaction(conn, lambda conn: conn.execute(PRUNE_HITS_BEFORE,
                                                          {"cutoff": cutoff_ts}).rowcount)


# ---------------------------------------------------------------------------------------------
# Reading counts (rollups only: never the hits table)
# ---------------------------------------------------------------------------------------------

# :site is null means every site; the day range uses each table's primary key or day index.
SELECT_SITE_DAYS = """
    select day, sum(visitors), sum(pageviews)
      from daily_site
     where day between :first and :last and (:site is null or site = :site)
     group by day
"""
SELECT_PAGE_DAYS = """
    select day, sum(visitors), sum(pageviews)
      from daily_page
     where page = :page and day between :first and :last and (:site is null or site = :site)
     group by day
"""
SELECT_FIRST_SITE_DAY = """
    select min(day) from daily_site where (:site is null or site = :site)
"""
SELECT_FIRST_PAGE_DAY = """
    select min(day) from daily_page where page = :page and (:site is null or site = :site)
"""
SELECT_TOP_PAGES = """
    select page, sum(visitors) as visitors, sum(pageviews) as pageviews
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
     group by page
     order by visitors desc, pageviews desc, page
     limit :limit
"""
# The top pages of a range of whole months and days: sums per page, ranked in top_pages().
SELECT_MONTH_PAGE_SUMS = """
    select page, sum(visitors), sum(pageviews)
      from monthly_page
     where month between :first_month and :last_month and (:site is null or site = :site)
     group by page
"""
SELECT_PAGE_SUMS = """
    select page, sum(visitors), sum(pageviews)
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
     group by page
"""
# Whether any day in [first, last] has hits: tells if a month at an end of a range is whole.
SELECT_ANY_DAY = """
    select 1 from daily_site where day between :first and :last and (:site is null or site = :site)
     limit 1
"""
SELECT_TOP_REFERRERS = """
    select ref, sum(pageviews) as pageviews
      from daily_ref
     where day between :first and :last and (:site is null or site = :site)
     group by ref
     order by pageviews desc, ref
     limit :limit
"""


def read_days(conn, first, last, site=None, page=None):
    """{day: (visitors, pageviews)} for the days in [first, last] that have hits."""
    params = {"first": first, "last": last, "site": site, "page": page}
    query = SELECT_SITE_DAYS if page is None else SELECT_PAGE_DAYS
    return {day: (visitors, pageviews)
            for day, visitors, pageviews in conn.execute(query, params)}


def first_day(conn, site=None, page=None):
    """The first day with hits ('YYYY-MM-DD'), or None when there are none."""
    query = SELECT_FIRST_SITE_DAY if page is None else SELECT_FIRST_PAGE_DAY
    return conn.execute(query, {"site": site, "page": page}).fetchone()[0]


def top_pages(conn, first, last, site=None, limit=50):
    """The pages with most visitors in [first, last]: [{"page", "visitors", "pageviews"}, ...]."""
    split = _whole_months(conn, first, last, site)
    if split is None:  # less than a month: the days themselves
        params = {"first": first, "last": last, "site": site, "limit": limit}
        return [{"page": page, "visitors": visitors, "pageviews": pageviews}
                for page, visitors, pageviews in conn.execute(SELECT_TOP_PAGES, params)]
    first_month, last_month, day_ranges = split
    totals = {}
    parts = [(SELECT_MONTH_PAGE_SUMS, {"first_month": first_month, "last_month": last_month})]
    parts += [(SELECT_PAGE_SUMS, {"first": start, "last": end}) for start, end in day_ranges]
    for query, params in parts:
        for page, visitors, pageviews in conn.execute(query, dict(params, site=site)):
            counts = totals.setdefault(page, [0, 0])
            counts[0] += visitors
            counts[1] += pageviews
    # The order of SELECT_TOP_PAGES: most visitors, then most pageviews, then by name.
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [{"page": page, "visitors": visitors, "pageviews": pageviews}
            for page, (visitors, pageviews) in ranked[:limit]]


def _whole_months(conn, first, last, site):
    """Split [first, last] into whole months and the days left at its ends.

    A month at an end counts as whole when the range holds all of its days that have hits: so
    "the last 365 days" reads this month's row (no hits after today) and the first month's
    (when the range starts before the data). Returns (first_month, last_month, day ranges), or
    None when not one month is whole.
    """
    first_date, last_date = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    head_start, tail_end = first_date.replace(day=1), _month_end(last_date)
    day_ranges = []
    whole_from = head_start
    if first_date > head_start and _any_day(conn, head_start, first_date - _ONE_DAY, site):
        if first_date.year == datetime.MAXYEAR and first_date.month == 12:
            return None  # no month after it to start from
        whole_from = _month_end(first_date) + _ONE_DAY
        day_ranges.append((first, min(last_date, whole_from - _ONE_DAY).isoformat()))
    whole_to = tail_end
    if last_date < tail_end and _any_day(conn, last_date + _ONE_DAY, tail_end, site):
        if last_date.year == datetime.MINYEAR and last_date.month == 1:
            return None  # no month before it to end with
        whole_to = last_date.replace(day=1) - _ONE_DAY
        day_ranges.append(((whole_to + _ONE_DAY).isoformat(), last))
    if whole_to < whole_from:
        return None
    return whole_from.isoformat()[:7], whole_to.isoformat()[:7], day_ranges


_ONE_DAY = datetime.timedelta(days=1)


def _month_end(date):
    if date.month == 12:
        return date.replace(day=31)
    return date.replace(month=date.month + 1, day=1) - _ONE_DAY


def _any_day(conn, first, last, site):
    params = {"first": first.isoformat(), "last": last.isoformat(), "site": site}
    return conn.execute(SELECT_ANY_DAY, params).fetchone() is not None


def top_referrers(conn, first, last, site=None, limit=50):
    params = {"first": first, "last": last, "site": site, "limit": limit}
    return [{"ref": ref, "pageviews": pageviews}
            for ref, pageviews in conn.execute(SELECT_TOP_REFERRERS, params)]


# ---------------------------------------------------------------------------------------------
# Maintenance
# ---------------------------------------------------------------------------------------------

def backup(conn, target_path):
    """Copy the live database to target_path, consistent even while hits keep arriving."""
    target = sqlite3.connect(target_path)
    try:
        conn.backup(target)
    finally:
        target.close()


# ---------------------------------------------------------------------------------------------
# Install facts: the read-access decision, the demo marker, and the test hit that stores nothing
# ---------------------------------------------------------------------------------------------

# meta rows: 'read_access' is 'public' or 'sha256:<salt hex>:<digest hex>' (setup_db.py records
# it; no row: a database made before schema 4, or by the first hit, that nobody decided for).
# 'demo' is '1' in a database seed_db.py filled from empty.
SELECT_META = "select value from meta where name = :name"
DELETE_META = "delete from meta where name = :name"
INSERT_META = "insert into meta (name, value) values (:name, :value)"

PUBLIC = "public"


def read_meta(conn, name):
    """The value of one meta row, or None."""
    row = conn.execute(SELECT_META, {"name": name}).fetchone()
    return None if row is None else row[0]


def write_meta(conn, name, value):
    """Set (or, with value None, delete) one meta row."""

    def write(conn):
        conn.execute(DELETE_META, {"name": name})
        if value is not None:
            conn.execute(INSERT_META, {"name": name, "value": value})

    in_transaction(conn, write)


def read_access(conn):
    """'public', a key hash ('sha256:...'), or None when no decision is recorded."""
    return read_meta(conn, "read_access")


def record_public(conn):
    write_meta(conn, "read_access", PUBLIC)


def record_key(conn, key):
    """Keep only a hash of the read key: whoever copies the database cannot read the stats' key."""
    write_meta(conn, "read_access", hash_key(key))


def hash_key(key, salt=None):
    """sha256 of a random salt and the key. Cheap on purpose: GET checks it on every request, as
    a CGI process; a generated key is 144 random bits, which no hash speed makes guessable.
    A password chosen by a person is only as strong as it is long (docs/deploy.md says so)."""
    import hashlib  # only GET with a recorded key and setup_db pay for it, never a hit

    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + key.encode("utf-8", "surrogateescape")).hexdigest()
    return f"sha256:{salt.hex()}:{digest}"


def key_matches(stored, key):
    """Whether key is the one whose hash is stored; in constant time."""
    import hmac

    try:
        scheme, salt, _digest = stored.split(":")
        salt = bytes.fromhex(salt)
    except ValueError:
        return False  # not a hash this footfall knows: refuse rather than open
    if scheme != "sha256":
        return False
    return hmac.compare_digest(hash_key(key, salt).encode("ascii"), stored.encode("ascii"))


class _RolledBack(Exception):
    """Ends try_hit's transaction without committing it."""


def try_hit(conn, hit, rules):
    """Count a hit and read its page's day back, then roll it all back: what a test hit
    (scripts/doctor.py, scripts/load.py) runs, proving the whole write path on the real file
    (write lock, every statement) while the owner's stats keep nothing of it.
    Returns (reason, pageviews read back: the page's pageviews that day inside the transaction)."""
    outcome = []

    def work(conn):
        reason = _record(conn, hit, rules)
        read = read_days(conn, hit.day, hit.day, hit.site, hit.page)
        outcome.extend([reason, read.get(hit.day, (0, 0))[1]])
        raise _RolledBack

    try:
        in_transaction(conn, work)
    except _RolledBack:
        pass
    return outcome[0], outcome[1]
