"""What scripts/import_log.py keeps besides the counts: which files it has read and how far, the
time each covers, the days it filled, and the broken links (404 and 410) only a log can show.

The hit path never imports this module; the counts themselves go through bulk.record_day.

A file is known by its first line, which holds an address: what is kept is that line's hash
keyed with a secret of the database (log_key), so nobody can confirm a guessed line from the
stored value without that key.
"""

import fcntl
import os
from hashlib import blake2b

from .connection import StorageError, in_transaction, is_postgres
from .meta import read_meta

# One import at a time per database: two imports of the same log, each reading on from where
# the other had noted, would count its lines twice. The lock dies with the process that holds it.
LOCK_SUFFIX = "-import.lock"  # SQLite: flock on this file beside the database, 0600
TRY_ADVISORY_LOCK = "select pg_try_advisory_lock(hashtextextended(:key, 0))"
LOCK_KEY = "footfall import"  # PostgreSQL: a session-level advisory lock on this key
RUNNING = "another import into this database is running; run this one when it has finished"

# meta row: 32 random bytes (hex) made by the first import, or by migration 15.
LOG_KEY = "log_key"
INSERT_LOG_KEY = "insert or ignore into meta (name, value) values (:name, :value)"
SELECT_FINGERPRINTS = """
    select fingerprint from imported_logs
    union
    select fingerprint from imported_ranges
"""
RENAME_LOG = "update imported_logs set fingerprint = :new where fingerprint = :old"
RENAME_RANGES = "update imported_ranges set fingerprint = :new where fingerprint = :old"

SELECT_LOG = """
    select offset, lines, last_ts from imported_logs where fingerprint = :fingerprint
"""
SAVE_LOG = """
    insert into imported_logs (fingerprint, name, offset, lines, last_ts, imported_at)
    values (:fingerprint, :name, :offset, :lines, :last_ts, :now)
    on conflict (fingerprint) do update
       set name = excluded.name, offset = excluded.offset, lines = excluded.lines,
           last_ts = coalesce(excluded.last_ts, imported_logs.last_ts),
           imported_at = excluded.imported_at
"""
SELECT_RANGES = """
    select site, first_ts, last_ts from imported_ranges where fingerprint != :fingerprint
"""
SAVE_RANGE = """
    insert into imported_ranges (fingerprint, site, first_ts, last_ts)
    values (:fingerprint, :site, :first_ts, :last_ts)
    on conflict (fingerprint, site) do update
       set first_ts = min(imported_ranges.first_ts, excluded.first_ts),
           last_ts = max(imported_ranges.last_ts, excluded.last_ts)
"""
INSERT_DAY = "insert or ignore into imported_days (day, site) values (:day, :site)"
# The first day with counts that no import wrote: a live hit's, or today's salt (a live day
# whose hits may all have been floods so far).
SELECT_FIRST_LIVE_DAY = """
    select min(day) from (
        select day from daily_site as d
         where not exists (select 1 from imported_days as i where i.day = d.day and i.site = d.site)
        union all
        select day from salts
         where not exists (select 1 from imported_days as i where i.day = salts.day)
    ) as counted  -- PostgreSQL before 16 wants the alias
"""
ADD_NOT_FOUND = """
    insert into daily_not_found (day, site, page, ref, count) values (:day, :site, :page, :ref, :count)
    on conflict (day, site, page, ref) do update set count = daily_not_found.count + excluded.count
"""


SELECT_SITES = "select distinct site from daily_site order by site"


class ImportRunning(StorageError):
    """Another import into the same database is running."""


def lock_imports(conn, db):
    """Hold the database's import lock for as long as this process (PostgreSQL: conn) lives,
    or raise ImportRunning. db is the database's path or URL."""
    if is_postgres(conn):
        if not conn.execute(TRY_ADVISORY_LOCK, {"key": LOCK_KEY}).fetchone()[0]:
            raise ImportRunning(RUNNING)
        return
    if db == ":memory:":
        return
    path = db + LOCK_SUFFIX
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # a umask only takes bits away
    except OSError as exc:
        raise StorageError(f"cannot open the import lock {path}: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ImportRunning(RUNNING) from None
    except OSError as exc:
        os.close(fd)
        raise StorageError(f"cannot lock {path}: {exc.strerror}") from None
    # The descriptor stays open (and the lock held) until the process ends; a forked counting
    # process shares it, so the lock lasts until both are gone.


def log_key(conn):
    """The database's key for log fingerprints, made on first use."""
    value = read_meta(conn, LOG_KEY)
    if value is None:
        value = in_transaction(conn, _make_log_key)
    return bytes.fromhex(value)


def _make_log_key(conn):
    # "or ignore", then read back: another import may have made it meanwhile.
    conn.execute(INSERT_LOG_KEY, {"name": LOG_KEY, "value": os.urandom(32).hex()})
    return read_meta(conn, LOG_KEY)


def fingerprint(key, first_line):
    """What identifies a log file through growth, rotation and compression: its first line.
    The line's plain hash (what schema 14 kept) keyed again, so migration 15 could key the
    fingerprints stored before without their lines."""
    return _keyed(key, blake2b(first_line, digest_size=16).hexdigest())


def _keyed(key, plain):
    return blake2b(plain.encode("ascii"), key=key, digest_size=16).hexdigest()


def key_fingerprints(conn):
    """Migration 15, inside its transaction: every fingerprint stored as a plain hash of a
    first line becomes that hash keyed with the database's key (fingerprint's value)."""
    plain = [value for value, in conn.execute(SELECT_FINGERPRINTS).fetchall()]
    if not plain:
        return
    _make_log_key(conn)
    key = bytes.fromhex(read_meta(conn, LOG_KEY))
    for old in plain:
        params = {"old": old, "new": _keyed(key, old)}
        conn.execute(RENAME_LOG, params)
        conn.execute(RENAME_RANGES, params)


def sites(conn):
    """Every site the database has counts of."""
    return [site for site, in conn.execute(SELECT_SITES)]


def file_progress(conn, fingerprint):
    """(offset, lines, last_ts) of a file read before, or None."""
    return conn.execute(SELECT_LOG, {"fingerprint": fingerprint}).fetchone()


def ranges_of_other_files(conn, fingerprint):
    """{site: [(first_ts, last_ts), ...]} covered by every imported file but this one."""
    ranges = {}
    for site, first_ts, last_ts in conn.execute(SELECT_RANGES, {"fingerprint": fingerprint}):
        ranges.setdefault(site, []).append((first_ts, last_ts))
    return ranges


def first_live_day(conn):
    """The first day with counts that no import wrote ('YYYY-MM-DD'), or None."""
    return conn.execute(SELECT_FIRST_LIVE_DAY).fetchone()[0]


def save_file(conn, fingerprint, name, offset, lines, last_ts, now, ranges):
    """Inside the caller's transaction: how far a file is read and the time it covers per site
    ({site: (first_ts, last_ts)}); saving the same again changes nothing."""
    params = {"fingerprint": fingerprint, "name": name, "offset": offset, "lines": lines,
              "last_ts": last_ts, "now": now}
    conn.execute(SAVE_LOG, params)
    for site, (first_ts, last_ts) in ranges.items():
        conn.execute(SAVE_RANGE, {"fingerprint": fingerprint, "site": site,
                                  "first_ts": first_ts, "last_ts": last_ts})


def add_days(conn, days):
    """Inside the caller's transaction: mark days ({(day, site)}) as filled by an import."""
    conn.executemany(INSERT_DAY, [{"day": day, "site": site} for day, site in days])


def add_not_found(conn, not_found):
    """Inside the caller's transaction: add broken links ({(day, site, page, ref): count})."""
    for (day, site, page, ref), count in not_found.items():
        conn.execute(ADD_NOT_FOUND,
                     {"day": day, "site": site, "page": page, "ref": ref, "count": count})
