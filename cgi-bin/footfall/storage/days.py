"""The life of a day: its salt is made by its first counted hit (or, for the views carried over
midnight, in the last moments of the day before), and the first request of any later day ends
it: its views are summed up (summary.py, stored by breakdowns.py), then the salt and the views
keyed by it are deleted, after which no visitor hash of that day can be tied to an address.
A month's salt, which keys the unique-visitor sketches, ends the same way with its month.
"""

from .database import checkpoint, in_transaction

SELECT_SALT = "select salt from salts where day = :day"
INSERT_SALT = "insert into salts (day, salt) values (:day, :salt)"
# Cheap enough for every request: the primary key of salts answers it.
SELECT_ENDED = "select 1 from salts where day < :today limit 1"
FORGET_SALTS_BEFORE = "delete from salts where day < :today"
FORGET_VIEWS_BEFORE = "delete from views where day < :today"
FORGET_BEACONS_BEFORE = "delete from beacon_log where day < :today"
FORGET_SUMMARIES_BEFORE = "delete from today_summary where day < :today"
SELECT_MONTH_SALT = "select salt from month_salts where month = :month"
INSERT_MONTH_SALT = "insert into month_salts (month, salt) values (:month, :salt)"
FORGET_MONTH_SALTS_BEFORE = "delete from month_salts where month < :month"


def salt_of(conn, day):
    """The salt of a day, or None when it has none (not begun yet, or ended)."""
    row = conn.execute(SELECT_SALT, {"day": day}).fetchone()
    return None if row is None else row[0]


def make_salt(conn, day, new_salt):
    """Give a day its salt (it must have none): new_salt(32) random bytes."""
    salt = new_salt(32)
    conn.execute(INSERT_SALT, {"day": day, "salt": salt})
    return salt


def month_salt(conn, month, new_salt):
    """The salt of a calendar month (YYYY-MM), made on first use."""
    row = conn.execute(SELECT_MONTH_SALT, {"month": month}).fetchone()
    if row is not None:
        return row[0]
    salt = new_salt(32)
    conn.execute(INSERT_MONTH_SALT, {"month": month, "salt": salt})
    return salt


def has_ended_days(conn, today):
    """Whether salts (and so views) of days before today are still stored."""
    return conn.execute(SELECT_ENDED, {"today": today}).fetchone() is not None


def end_days_before(conn, today):
    """Inside a transaction: delete the salts and views of days before today. True if any were."""
    if not has_ended_days(conn, today):
        return False
    from .breakdowns import store_ended_days  # only the first request of a day gets here

    store_ended_days(conn, today)
    from . import events  # the day's events: summed up and deleted, as its views are

    events.end_days_before(conn, today)
    conn.execute(FORGET_SALTS_BEFORE, {"today": today})
    conn.execute(FORGET_VIEWS_BEFORE, {"today": today})
    conn.execute(FORGET_BEACONS_BEFORE, {"today": today})
    conn.execute(FORGET_SUMMARIES_BEFORE, {"today": today})
    conn.execute(FORGET_MONTH_SALTS_BEFORE, {"month": today[:7]})
    return True


def close_ended_days(conn, today):
    """What every request does first: end the days before today, if any are left, in their own
    transaction, then empty the WAL so the deleted salts do not linger in it. True if any were."""
    if not has_ended_days(conn, today):
        return False
    ended = in_transaction(conn, lambda conn: end_days_before(conn, today))
    if ended:
        checkpoint(conn)
    return ended
