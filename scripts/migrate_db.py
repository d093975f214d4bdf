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

from footfall import counting, settings  # noqa: E402
from footfall.storage import copies, database, days  # noqa: E402


class MigrateError(Exception):
    """Something the user must fix; the message says what."""


def migrate(source, target, first, last, add=False, report=print):
    """Copy the days [first, last] of source into target and check each; the days copied."""
    copied = copies.days_with_counts(source, first, last)
    before = copies.day_totals(target, first, last)
    if not add:
        taken = [day for day in copied if any(before.get(day, ()))]
        if taken:
            raise MigrateError(f"the target already has counts of {len(taken)} of these days "
                               f"({taken[0]} to {taken[-1]}); --add adds the source's to them")
    copies.copy_install(source, target)
    for month in sorted({day[:7] for day in copied}):
        of_month = copies.month_rows(source, month)
        for day in copied:
            if day[:7] == month:
                copies.copy_day(source, target, day, add, of_month.get(day, {}))
        copies.sum_up_month(target, month)
        copies.copy_month_people(source, target, month)
    wrong = []
    width = copies.TOTALS_WIDTH
    source_totals = copies.day_totals(source, first, last)
    after = copies.day_totals(target, first, last)
    missing_sketches = {key[0] for key in copies.sketch_keys(source, first, last)
                        - copies.sketch_keys(target, first, last)}
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
