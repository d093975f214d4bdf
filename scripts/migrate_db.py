#!/usr/bin/env python3
"""Copy footfall's counts from one database to another (SQLite to PostgreSQL, or back), verifying every day.

SOURCE and TARGET are each an SQLite file or a postgresql:// URL. What lasts is copied: the
rollups, the day summaries and their sketches, notes, the read-access decision and what log
imports recorded. What a live day keeps only until it ends (the salts, the views, today's kept
summary) is never copied: the source's days that have ended are ended first (summed up, their
salts deleted), and the days copied are those before today, unless --to says otherwise.

Counts are added to the target's, one day per transaction, so the target may be live meanwhile:
after the tracker was switched to the target, --add copies the days the source still counted
(docs/deploy.md shows the move step by step). Months are summed up again from their days.
Every day copied is then checked: the target's totals must be what they were plus the source's.

A PostgreSQL URL that holds a password is never taken from the command line (ps and the shell's
history would show it): FOOTFALL_SOURCE_DB and FOOTFALL_TARGET_DB give the URLs instead, or
~/.pgpass and PGPASSWORD the password. No message prints a password.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import counting, settings, sketch  # noqa: E402
from footfall.storage import database, days  # noqa: E402
from footfall.storage.breakdowns import (  # noqa: E402
    DELETE_SKETCH,
    HOURS,
    INSERT_SKETCH,
    SELECT_SKETCH,
    add_hours,
    unpack_hours,
)


class MigrateError(Exception):
    """Something the user must fix; the message says what."""


# Tables of per-day rows: (key columns, columns added together). The day is always in the key.
DAY_TABLES = {
    "daily_site": (("day", "site"), ("visitors", "pageviews")),
    "daily_page": (("day", "site", "page"), ("visitors", "pageviews")),
    "hourly_site": (("day", "site", "hour"), ("visitors", "pageviews")),
    "daily_ref": (("day", "site", "ref"), ("pageviews",)),
    "daily_not_found": (("day", "site", "page", "ref"), ("count",)),
    "daily_breakdown": (("filter", "filter_value", "dim", "day", "site", "value"),
                        ("visitors", "pageviews", "entries", "bounces", "seconds", "timed")),
}
SELECT_DAYS = """
    select day from daily_site where day between :first and :last
    union select day from daily_breakdown where day between :first and :last
    union select day from daily_not_found where day between :first and :last
    order by day
"""
SELECT_SKETCHES = """
    select day, filter, filter_value, site, sketch from daily_unique
     where day between :first and :last
"""
SELECT_NOTES = "select day, text, created from notes where day = :day"
INSERT_NOTE = "insert into notes (day, text, created) values (:day, :text, :created)"
SELECT_IMPORTED_DAYS = "select site from imported_days where day = :day"
INSERT_IMPORTED_DAY = "insert or ignore into imported_days (day, site) values (:day, :site)"
SELECT_META = "select name, value from meta"
INSERT_META = "insert or ignore into meta (name, value) values (:name, :value)"
SELECT_LOGS = "select fingerprint, name, offset, lines, last_ts, imported_at from imported_logs"
INSERT_LOG = """
    insert or ignore into imported_logs (fingerprint, name, offset, lines, last_ts, imported_at)
    values (:fingerprint, :name, :offset, :lines, :last_ts, :imported_at)
"""
SELECT_RANGES = "select fingerprint, site, first_ts, last_ts from imported_ranges"
INSERT_RANGE = """
    insert or ignore into imported_ranges (fingerprint, site, first_ts, last_ts)
    values (:fingerprint, :site, :first_ts, :last_ts)
"""
# A month's rows are the sums (and sketch unions) of its days' (breakdowns.add_summary,
# record.add_page_day): summed up again from the target's days after they changed.
DELETE_MONTHLY_PAGE = "delete from monthly_page where month = :month"
SUM_MONTHLY_PAGE = """
    insert into monthly_page (month, site, page, visitors, pageviews)
    select :month, site, page, sum(visitors), sum(pageviews) from daily_page
     where day between :first and :last
     group by site, page
"""
DELETE_MONTHLY_BREAKDOWN = "delete from monthly_breakdown where month = :month"
SUM_MONTHLY_BREAKDOWN = """
    insert into monthly_breakdown (filter, filter_value, dim, month, site, value, visitors,
                                   pageviews, entries, bounces, seconds, timed)
    select filter, filter_value, dim, :month, site, value, sum(visitors), sum(pageviews),
           sum(entries), sum(bounces), sum(seconds), sum(timed)
      from daily_breakdown
     where day between :first and :last and dim != 'hours'
     group by filter, filter_value, dim, site, value
"""
DELETE_MONTHLY_UNIQUE = "delete from monthly_unique where month = :month"
SELECT_MONTH_DAY_SKETCHES = """
    select filter, filter_value, site, sketch from daily_unique where day between :first and :last
"""
INSERT_MONTHLY_UNIQUE = """
    insert into monthly_unique (filter, filter_value, month, site, sketch)
    values (:filter, :filter_value, :month, :site, :sketch)
"""


def _update_statement(table, key, added):
    sets = ", ".join(f"{column} = {column} + :{column}" for column in added)
    where = " and ".join(f"{column} = :{column}" for column in key)
    return f"update {table} set {sets} where {where}"


def _insert_statement(table, columns, verb="insert or ignore"):
    names = ", ".join(columns)
    values = ", ".join(f":{column}" for column in columns)
    return f"{verb} into {table} ({names}) values ({values})"


def _select_statement(table, columns):
    return f"select {', '.join(columns)} from {table} where day between :first and :last"


def day_totals(conn, first, last):
    """What is checked of each day: {day: every day table's row sums}, one query per table (a
    table not keyed by day first is read once, not once a day)."""
    totals = {}
    width = sum(len(added) for _key, added in DAY_TABLES.values())
    offset = 0
    for table, (_key, added) in DAY_TABLES.items():
        sums = ", ".join(f"sum({column})" for column in added)
        query = (f"select day, {sums} from {table} where day between :first and :last "
                 "group by day")
        for day, *values in conn.execute(query, {"first": first, "last": last}):
            row = totals.setdefault(day, [0] * width)
            row[offset:offset + len(added)] = [round(v, 6) if isinstance(v, float) else v
                                               for v in values]
        offset += len(added)
    return totals


SELECT_SKETCH_KEYS = """
    select day, filter, filter_value, site from daily_unique where day between :first and :last
"""


def _sketch_keys(conn, first, last):
    return set(conn.execute(SELECT_SKETCH_KEYS, {"first": first, "last": last}).fetchall())


def month_rows(source, month):
    """{day: {table: [row as a dict]}} of one month of the source's day tables: one query per
    table and month, since daily_breakdown is not keyed by day first (a query per day would
    read the whole table each time)."""
    params = {"first": month + "-01", "last": month + "-31"}
    by_day = {}
    for table, (key, added) in DAY_TABLES.items():
        columns = key + added
        for row in source.execute(_select_statement(table, columns), params):
            by_day.setdefault(row[columns.index("day")], {}).setdefault(table, []).append(
                dict(zip(columns, row)))
    for day, *sketch_row in source.execute(SELECT_SKETCHES, params):
        by_day.setdefault(day, {}).setdefault(SKETCHES, []).append(tuple(sketch_row))
    return by_day


SKETCHES = "daily_unique"  # month_rows' key of a day's sketches: (filter, value, site, sketch)


def copy_day(source, target, day, add=True, rows=None):
    """Add one day's rows of source to target's, in one transaction of the target (add=False:
    the target has none of the day's rows, so each is one insert, not an update first). rows:
    the day's rows of month_rows(), else read here."""
    if rows is None:
        rows = month_rows(source, day[:7]).get(day, {})
    sketches = rows.get(SKETCHES, [])
    rows = {table: list(rows.get(table, ())) for table in DAY_TABLES}
    notes = source.execute(SELECT_NOTES, {"day": day}).fetchall()
    imported = source.execute(SELECT_IMPORTED_DAYS, {"day": day}).fetchall()
    # A day's hours under a filter are one row whose value holds the counts: added to the
    # target's apart (two rows of the same text must add up, not meet as one key).
    hours = []
    if add:
        hours = [row for row in rows["daily_breakdown"] if row["dim"] == HOURS]
        rows["daily_breakdown"] = [row for row in rows["daily_breakdown"] if row["dim"] != HOURS]

    def work(conn):
        # Alone, as a day's end is: no live hit adds to these rows meanwhile (PostgreSQL).
        days.lock_days(conn, day, alone=True)
        for table, (key, added) in DAY_TABLES.items():
            if rows[table]:
                if add:
                    conn.executemany(_update_statement(table, key, added), rows[table])
                conn.executemany(_insert_statement(table, key + added), rows[table])
        for row in hours:
            add_hours(conn, day, row["site"], row["filter"], row["filter_value"],
                      unpack_hours(row["value"]))
        for filter_name, filter_value, site, data in sketches:
            params = {"filter": filter_name, "filter_value": filter_value, "day": day,
                      "site": site}
            union = sketch.Sketch.from_bytes(bytes(data))
            stored = conn.execute(SELECT_SKETCH, params).fetchone()
            if stored is not None:
                union.merge(sketch.Sketch.from_bytes(bytes(stored[0])))
                conn.execute(DELETE_SKETCH, params)
            conn.execute(INSERT_SKETCH, dict(params, sketch=union.to_bytes()))
        for note_day, text, created in notes:
            conn.execute(INSERT_NOTE, {"day": note_day, "text": text, "created": created})
        for (site,) in imported:
            conn.execute(INSERT_IMPORTED_DAY, {"day": day, "site": site})

    database.in_transaction(target, work)


def sum_up_month(conn, month):
    """The target's monthly rows of a month, again from its days."""
    params = {"month": month, "first": month + "-01", "last": month + "-31"}

    def work(conn):
        days.lock_days(conn, params["first"], alone=True)
        conn.execute(DELETE_MONTHLY_PAGE, params)
        conn.execute(SUM_MONTHLY_PAGE, params)
        conn.execute(DELETE_MONTHLY_BREAKDOWN, params)
        conn.execute(SUM_MONTHLY_BREAKDOWN, params)
        unions = {}
        for filter_name, filter_value, site, data in conn.execute(SELECT_MONTH_DAY_SKETCHES,
                                                                   params).fetchall():
            unions.setdefault((filter_name, filter_value, site), []).append(
                sketch.Sketch.from_bytes(bytes(data)))
        conn.execute(DELETE_MONTHLY_UNIQUE, params)
        conn.executemany(INSERT_MONTHLY_UNIQUE, [
            {"filter": f, "filter_value": fv, "month": month, "site": site,
             "sketch": sketch.Sketch.union(parts).to_bytes()}
            for (f, fv, site), parts in unions.items()])

    database.in_transaction(conn, work)


def copy_install(source, target):
    """What is not per day: the read-access decision and demo marker (the target's own win),
    and the files log imports read."""

    def work(conn):
        for name, value in source.execute(SELECT_META).fetchall():
            conn.execute(INSERT_META, {"name": name, "value": value})
        conn.executemany(INSERT_LOG, [
            dict(zip(("fingerprint", "name", "offset", "lines", "last_ts", "imported_at"), row))
            for row in source.execute(SELECT_LOGS).fetchall()])
        conn.executemany(INSERT_RANGE, [
            dict(zip(("fingerprint", "site", "first_ts", "last_ts"), row))
            for row in source.execute(SELECT_RANGES).fetchall()])

    database.in_transaction(target, work)


def migrate(source, target, first, last, add=False, report=print):
    """Copy the days [first, last] of source into target and check each; the days copied."""
    copied = [day for (day,) in source.execute(SELECT_DAYS, {"first": first, "last": last})]
    before = day_totals(target, first, last)
    if not add:
        taken = [day for day in copied if any(before.get(day, ()))]
        if taken:
            raise MigrateError(f"the target already has counts of {len(taken)} of these days "
                               f"({taken[0]} to {taken[-1]}); --add adds the source's to them")
    copy_install(source, target)
    for month in sorted({day[:7] for day in copied}):
        of_month = month_rows(source, month)
        for day in copied:
            if day[:7] == month:
                copy_day(source, target, day, add, of_month.get(day, {}))
        sum_up_month(target, month)
    wrong = []
    width = sum(len(added) for _key, added in DAY_TABLES.values())
    source_totals, after = day_totals(source, first, last), day_totals(target, first, last)
    missing_sketches = {key[0] for key in _sketch_keys(source, first, last)
                        - _sketch_keys(target, first, last)}
    for day in copied:
        expected = [a + b for a, b in zip(before.get(day, [0] * width), source_totals[day])]
        got = after.get(day, [0] * width)
        if [round(v, 6) for v in got] != [round(v, 6) for v in expected]:
            wrong.append(day)
        elif day in missing_sketches:
            wrong.append(day)
    if wrong:
        raise MigrateError(f"{len(wrong)} day(s) differ after the copy, first {wrong[0]}")
    report(f"copied and checked {len(copied)} day(s)"
           + (f", {copied[0]} to {copied[-1]}" if copied else ""))
    return copied


# Where each URL may come from instead of the command line, where ps and the shell's history
# would show its password.
SOURCE_VARIABLE, TARGET_VARIABLE = "FOOTFALL_SOURCE_DB", "FOOTFALL_TARGET_DB"


def databases(arguments, environ):
    """(source, target): each from its environment variable when set, the arguments filling
    in the rest in order; None when neither gives it."""
    given = [environ.get(SOURCE_VARIABLE) or None, environ.get(TARGET_VARIABLE) or None]
    arguments = list(arguments)
    for slot in (0, 1):
        if given[slot] is None and arguments:
            given[slot] = arguments.pop(0)
    if arguments:
        raise MigrateError(f"{len(arguments)} database(s) too many: {SOURCE_VARIABLE} or "
                           f"{TARGET_VARIABLE} already names one")
    return tuple(given)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=f"A PostgreSQL URL with a password goes in {SOURCE_VARIABLE} or "
               f"{TARGET_VARIABLE} (the arguments then name the other database, if any), never "
               "on the command line.")
    parser.add_argument("databases", nargs="*", metavar="SOURCE TARGET",
                        help="the database copied from, then the one copied to (made if need "
                             "be): an SQLite file, or a postgresql:// URL without a password")
    parser.add_argument("--from", dest="first", metavar="YYYY-MM-DD", default="0000-01-01",
                        help="the first day to copy (default: the first there is)")
    parser.add_argument("--to", dest="last", metavar="YYYY-MM-DD",
                        help="the last day to copy (default: yesterday, in FOOTFALL_TIMEZONE)")
    parser.add_argument("--add", action="store_true",
                        help="add to days the target already has counts of (the overlap of a move)")
    args = parser.parse_args(argv)
    if any(database.has_password(db) for db in args.databases):
        parser.exit(2, f"migrate_db: "
                       f"{database.password_refused((SOURCE_VARIABLE, TARGET_VARIABLE))}\n")
    try:
        source_db, target_db = databases(args.databases, os.environ)
    except MigrateError as exc:
        parser.exit(2, f"migrate_db: {exc}\n")
    if source_db is None or target_db is None:
        parser.error(f"name the SOURCE and the TARGET (or set {SOURCE_VARIABLE}, "
                     f"{TARGET_VARIABLE})")
    if source_db == target_db:
        parser.error("the source and the target are the same database")
    try:
        config = settings.load_config(db=source_db)
        today = counting.day_of(time.time(), config.zone)
        last = args.last or _yesterday(today)
        source = database.connect(source_db, create=False)
        try:
            target = database.connect(target_db)
        except BaseException:
            source.close()
            raise
        try:
            days.close_ended_days(source, today)  # their salts go; their summaries are copied
            migrate(source, target, args.first, last, args.add)
        finally:
            source.close()
            target.close()
    except (settings.ConfigError, database.StorageError, MigrateError, OSError) as exc:
        parser.exit(1, f"migrate_db: {exc}\n")
    print(f"from {database.shown(source_db)} to {database.shown(target_db)}")
    return 0


def _yesterday(day):
    import datetime

    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()


if __name__ == "__main__":
    sys.exit(main())
