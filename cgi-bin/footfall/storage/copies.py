"""Copying counts from one database into another, a day at a time (scripts/migrate_db.py): the
rows of each day table, its sketches, notes and imported days; a month's rows summed up again from
its days; the install's facts and log imports; and each day's totals, to check a copy by.
"""

from .. import pairs, sketch
from . import (
    breakdowns,
    day_records,
    days,
    event_months,
    month_pairs,
    page_days,
    people,
    ref_rollups,
    value_days,
)
from .breakdowns import DELETE_SKETCH, HOURS, INSERT_SKETCH, SELECT_SKETCH, add_hours, unpack_hours
from .connection import in_transaction

# Tables of per-day rows: (key columns, columns added together). The day is always in the key.
DAY_TABLES = {
    "daily_site": (("day", "site"), ("visitors", "pageviews")),
    "daily_page": (("day", "site", "page"),  # entries ... timed: NULL until the day ends
                   ("visitors", "pageviews", "entries", "bounces", "seconds", "timed")),
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
    union select day from day_records where day between :first and :last
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
      from (select filter, filter_value, dim, site, value, visitors, pageviews, entries,
                   bounces, seconds, timed
              from daily_breakdown
             where day between :first and :last and dim != 'hours' and (filter = '' or dim = '')
            union all  -- a value's filter totals its list row holds (value_days.py)
            select dim, value, '', site, '', visitors, pageviews, entries, visit_bounces,
                   seconds, visit_timed
              from daily_breakdown
             where day between :first and :last and filter = '' and filter_value = ''
               and visit_bounces is not null
            union all  -- an ended page's day (page_days.py): a pages list row, a filter's totals
            select '', '', 'page', site, page, visitors, pageviews, entries, bounces, seconds,
                   timed
              from daily_page where day between :first and :last and entries is not null
            union all
            select 'page', page, '', site, '', visitors, pageviews, 0, bounces, seconds, timed
              from daily_page where day between :first and :last and entries is not null) days
     group by filter, filter_value, dim, site, value
"""
# The pairs of days without records (ended before schema 17): to month_pairs.py.
SELECT_DAY_PAIRS = """
    select site, filter, filter_value, dim, value, sum(visitors), sum(pageviews), sum(entries),
           sum(bounces), sum(seconds), sum(timed)
      from daily_breakdown
     where day between :first and :last and dim != 'hours' and filter <> '' and dim <> ''
     group by site, filter, filter_value, dim, value
"""
DELETE_MONTHLY_UNIQUE = "delete from monthly_unique where month = :month"
SELECT_MONTH_DAY_SKETCHES = """
    select filter, filter_value, site, sketch from daily_unique where day between :first and :last
"""
INSERT_MONTHLY_UNIQUE = """
    insert into monthly_unique (filter, filter_value, month, site, sketch)
    values (:filter, :filter_value, :month, :site, :sketch)
"""


# Each day table's statements, written out from DAY_TABLES (its names only, never other text):
# the day's rows read, added to the target's rows, inserted where the target has none, and summed.
# daily_breakdown is read with each merged pair as its two rows (value_days.py): what is copied
# is merged again in the target, and a copy is checked by the same sums on both sides.
_READ_FROM = {table: table for table in DAY_TABLES}
_READ_FROM["daily_breakdown"] = value_days.EXPANDED + " daily_breakdown"
SELECT_DAY_ROWS = {
    table: (f"select {', '.join(key + added)} from {_READ_FROM[table]}"
            " where day between :first and :last")
    for table, (key, added) in DAY_TABLES.items()}
ADD_DAY_ROWS = {
    table: (f"update {table} set {', '.join(f'{c} = {c} + :{c}' for c in added)}"
            f" where {' and '.join(f'{c} = :{c}' for c in key)}")
    for table, (key, added) in DAY_TABLES.items()}
NEW_DAY_ROWS = {
    table: (f"insert or ignore into {table} ({', '.join(key + added)})"
            f" values ({', '.join(f':{c}' for c in key + added)})")
    for table, (key, added) in DAY_TABLES.items()}
SUM_DAY_ROWS = {
    table: (f"select day, {', '.join(f'sum({c})' for c in added)} from {_READ_FROM[table]}"
            " where day between :first and :last group by day")
    for table, (_key, added) in DAY_TABLES.items()}


# A day's totals: each day table's added columns, then its events' visitors and count.
TOTALS_WIDTH = sum(len(added) for _key, added in DAY_TABLES.values()) + 2


def day_totals(conn, first, last):
    """What is checked of each day: {day: every day table's row sums}, one query per table (a
    table not keyed by day first is read once, not once a day)."""
    totals, width, offset = {}, TOTALS_WIDTH, 0
    for table, (_key, added) in DAY_TABLES.items():
        for day, *values in conn.execute(SUM_DAY_ROWS[table], {"first": first, "last": last}):
            row = totals.setdefault(day, [0] * width)
            row[offset:offset + len(added)] = [round(v, 6) if isinstance(v, float) else v
                                               for v in values]
        offset += len(added)
    for day, counts in event_months.day_totals(conn, first, last).items():
        totals.setdefault(day, [0] * width)[offset:] = counts  # its events' visitors and count
    return totals


SELECT_SKETCH_KEYS = """
    select day, filter, filter_value, site from daily_unique where day between :first and :last
"""


def sketch_keys(conn, first, last):
    """{(day, filter, filter_value, site)} of the sketches of [first, last]."""
    return set(conn.execute(SELECT_SKETCH_KEYS, {"first": first, "last": last}).fetchall())


def month_rows(source, month):
    """{day: {table: [row as a dict]}} of one month of the source's day tables: one query per
    table and month, since daily_breakdown is not keyed by day first (a query per day would
    read the whole table each time)."""
    params = {"first": month + "-01", "last": month + "-31"}
    by_day = {}
    for table, (key, added) in DAY_TABLES.items():
        columns = key + added
        for row in source.execute(SELECT_DAY_ROWS[table], params):
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
        copied = dict(rows)
        if add:  # a page-day ended on one side only: page_days.py
            rests, copied["daily_page"] = page_days.settle_copy(conn, day, rows["daily_page"])
            for site, of_site in rests.items():
                page_days.add_rests(conn, day, site, of_site)
            value_days.split(conn, day)  # the copied rows are two a pair: so are these
        for table in DAY_TABLES:
            if copied[table]:
                if add:
                    conn.executemany(ADD_DAY_ROWS[table], copied[table])
                conn.executemany(NEW_DAY_ROWS[table], copied[table])
        value_days.merge(conn, day)
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
        day_records.copy_days(source, conn, day, day)
        for site, sums in event_months.day_sums(source, day).items():
            event_months.add_day(conn, day, site, sums)

    in_transaction(target, work)


def sum_up_month(conn, month):
    """The target's monthly rows of a month, again from its days."""
    params = {"month": month, "first": month + "-01", "last": month + "-31"}

    def work(conn):
        days.lock_days(conn, params["first"], alone=True)
        conn.execute(DELETE_MONTHLY_PAGE, params)
        conn.execute(SUM_MONTHLY_PAGE, params)
        conn.execute(ref_rollups.DELETE_MONTH, params)
        conn.execute(ref_rollups.SUM_MONTH, params)
        conn.execute(DELETE_MONTHLY_BREAKDOWN, params)
        conn.execute(SUM_MONTHLY_BREAKDOWN, params)
        month_pairs.delete_month(conn, month)
        # A filter's lists of days with records: from the records, as their day's end counted
        # them (breakdowns.add_summary), rare values folded.
        months = breakdowns.MonthSums()
        named = day_records.named_records(conn, params["first"], params["last"])
        for (_day, site), (views, _events) in sorted(named.items()):
            packed, seconds = pairs.of_day(views)
            months.add(conn, month, site, packed, seconds, {})
        months.flush(conn)
        # The pairs of days without records, from their rows.
        by_site = {}
        for site, *key, visitors, pageviews, entries, bounces, seconds, timed in conn.execute(
                SELECT_DAY_PAIRS, params).fetchall():
            by_site.setdefault(site, {})[tuple(key)] = [visitors, pageviews, entries, bounces,
                                                        seconds, timed]
        for site, sums in by_site.items():
            month_pairs.add(conn, month, site, sums)
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

    in_transaction(conn, work)


def copy_month_people(source, target, month):
    """Add the source's people of an ended month (people.py: its sketches are gone) to the
    target's."""
    rows = people.month_people(source, month)
    if rows:
        in_transaction(target, lambda conn: people.add_month_people(conn, month, rows))


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

    in_transaction(target, work)


def days_with_counts(conn, first, last):
    """The days of [first, last] with any counts, in order."""
    return [day for (day,) in conn.execute(SELECT_DAYS, {"first": first, "last": last})]
