"""The life of a day: its salt is made by its first counted hit (or, for the views carried over
midnight, in the last moments of the day before), and the first request of any later day ends
it: its views are summed up (summary.py, stored by breakdowns.py), then the salt and the views
keyed by it are deleted, after which no visitor hash of that day can be tied to an address.
A month's salt, which keys the unique-visitor sketches, ends with its month: the first request
of a later month deletes it, whether or not a day of it still had a salt then, and turns the
month's sketches into numbers (people.py).
"""

from .connection import checkpoint, in_transaction, is_postgres, lock

SELECT_SALT = "select salt from salts where day = :day"
SELECT_SALTS = """
    select (select salt from salts where day = :day),
           (select salt from month_salts where month = :month),
           exists (select 1 from salts where day < :today)
           or exists (select 1 from month_salts where month < :this_month)
"""
# "or ignore": under PostgreSQL another writer may have stored the day's salt meanwhile; each
# reads back the one stored (make_salt).
INSERT_SALT = "insert or ignore into salts (day, salt) values (:day, :salt)"
# Cheap enough for every request: primary keys answer each part. A month's salt is looked for on
# its own: its last day may have ended (and lost its salt) in the month. Sketches of an ended
# month (every summary has a totals sketch) are sealed into numbers (people.py): those of a
# database from before that rule, or of days an import or seeding summed up after their month.
SELECT_ENDED = (
    "select 1 from salts where day < :today"
    " union all select 1 from month_salts where month < :this_month"
    " union all select 1 from daily_unique"
    " where filter = '' and filter_value = '' and day < :this_month"
    " union all select 1 from monthly_unique"
    " where filter = '' and filter_value = '' and month < :this_month"
    " limit 1")
FORGET_SALTS_BEFORE = "delete from salts where day < :today"
FORGET_VIEWS_BEFORE = "delete from views where day < :today"
FORGET_BEACONS_BEFORE = "delete from beacon_log where day < :today"
FORGET_SUMMARIES_BEFORE = "delete from today_summary where day < :today"
SELECT_MONTH_SALT = "select salt from month_salts where month = :month"
INSERT_MONTH_SALT = "insert or ignore into month_salts (month, salt) values (:month, :salt)"
FORGET_MONTH_SALTS_BEFORE = "delete from month_salts where month < :month"
# The lock (PostgreSQL's; SQLite's write lock does its work there) that a day's end holds alone
# and every other write holds shared: see lock_days.
DAYS_LOCK = "footfall days"


def salt_of(conn, day):
    """The salt of a day, or None when it has none (not begun yet, or ended)."""
    row = conn.execute(SELECT_SALT, {"day": day}).fetchone()
    return None if row is None else row[0]


def salts_of(conn, day, today):
    """(the day's salt, its month's salt, whether days or months before today have salts
    still), each salt None when there is none yet: what a hit reads first, in one query."""
    salt, month_salt, ended = conn.execute(
        SELECT_SALTS, {"day": day, "month": day[:7], "today": today,
                       "this_month": today[:7]}).fetchone()
    return salt, month_salt, bool(ended)


def make_salt(conn, day, new_salt):
    """Give a day its salt (it had none a moment ago): new_salt(32) random bytes, or the salt
    another writer stored meanwhile (PostgreSQL)."""
    salt = new_salt(32)
    conn.execute(INSERT_SALT, {"day": day, "salt": salt})
    return salt_of(conn, day) if is_postgres(conn) else salt


def month_salt(conn, month, new_salt):
    """The salt of a calendar month (YYYY-MM), made on first use."""
    row = conn.execute(SELECT_MONTH_SALT, {"month": month}).fetchone()
    if row is not None:
        return row[0]
    salt = new_salt(32)
    conn.execute(INSERT_MONTH_SALT, {"month": month, "salt": salt})
    if is_postgres(conn):  # another writer's may have been stored first
        return conn.execute(SELECT_MONTH_SALT, {"month": month}).fetchone()[0]
    return salt


def has_ended_days(conn, today):
    """Whether salts (and so views) of days before today, or salts of months before today's,
    are still stored."""
    params = {"today": today, "this_month": today[:7]}
    return conn.execute(SELECT_ENDED, params).fetchone() is not None


def visitor_lock(day, visitor):
    """The name of a visitor's lock on a day (PostgreSQL): their views and events are read and
    written under it, so the flood and distinct-visitor rules see every earlier hit of theirs."""
    return f"footfall visitor {day} {visitor.hex()}"


def lock_days(conn, today, alone=False):
    """Inside a write transaction, first: under PostgreSQL, hold the days lock until it ends,
    shared (other writers go on) unless alone, which ending days needs: no hit of a day may
    still be writing its views while they are summed up and deleted. (A hit that finds days to
    end after all, rare since every request ends them first in a transaction of its own, asks
    for the lock alone while it holds it shared; two such wait on each other until PostgreSQL
    breaks the deadlock, and the one it rolls back runs again.) SQLite's BEGIN IMMEDIATE already
    gave this transaction the whole file."""
    if is_postgres(conn):
        lock(conn, DAYS_LOCK, shared=not alone)


def end_days_before(conn, today):
    """Inside a transaction: delete the salts and views of days before today, and the salts of
    months before today's. True if any were."""
    if not has_ended_days(conn, today):
        return False
    if is_postgres(conn):
        lock(conn, DAYS_LOCK)
        if not has_ended_days(conn, today):
            return False  # another process ended them while this one waited for the lock
    from .breakdowns import store_ended_days  # only the first request of a day gets here

    store_ended_days(conn, today)
    from . import day_records, event_sums

    # the day's events: kept as records, summed up and deleted, as its views are
    day_records.add_ended_events(conn, today)
    event_sums.end_days_before(conn, today)
    conn.execute(FORGET_SALTS_BEFORE, {"today": today})
    conn.execute(FORGET_VIEWS_BEFORE, {"today": today})
    conn.execute(FORGET_BEACONS_BEFORE, {"today": today})
    conn.execute(FORGET_SUMMARIES_BEFORE, {"today": today})
    conn.execute(FORGET_MONTH_SALTS_BEFORE, {"month": today[:7]})
    return True


def _end_days_and_months(conn, today):
    """end_days_before, then the sketches of months before today's sealed into numbers
    (people.py). Not in end_days_before: bulk days end one by one while their month's sums
    wait in memory (bulk.py), and a month is sealed once its sums are all written."""
    if not end_days_before(conn, today):
        return False
    from .people import seal_months_before  # as rare as the end of a month

    seal_months_before(conn, today[:7])
    return True


def close_ended_days(conn, today):
    """What every request (and an import, at its end) does first: end the days and months
    before today, if any are left, in their own transaction, then empty the WAL so the deleted
    salts do not linger in it. True if any were."""
    if not has_ended_days(conn, today):
        return False
    ended = in_transaction(conn, lambda conn: _end_days_and_months(conn, today))
    if ended:
        checkpoint(conn)
    return ended
