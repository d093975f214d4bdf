"""The day's summary (summary.py) stored when a day ends: the daily and monthly breakdown rows
(lists by browser, country, campaign and the rest, one filter at a time, bounces, time on page,
hours) and the unique-visitor sketches. breakdown_reader.py reads them back for a GET.
"""

from .. import dimensions, records, sketch, summary
from ..bounds import OTHER
from ..summary import PACKED_BITS, PACKED_FIELD, unpack
from . import day_records, month_pairs, page_caps, page_days, ref_rollups, value_days
from .breakdown_rows import ADD_DAILY, ADD_MONTHLY

# A day's counted views: their site, then what summary.View takes (its dimensions are
# dimensions.VIEW_COLUMNS: page, ref, browser ... campaign).
_DIMENSIONS = ", ".join(dimensions.VIEW_COLUMNS)
SELECT_DAY_VIEWS = f"""
    select site, visitor, unique_visitor, ts, hour, {_DIMENSIONS}, seconds, timed
      from views
     where day = :day and counted
"""
SELECT_ENDED_VIEW_DAYS = "select distinct day from views where day < :today and counted"
SELECT_MONTH_SKETCH = """
    select sketch from monthly_unique
     where filter = :filter and filter_value = :filter_value and month = :month and site = :site
"""
DELETE_MONTH_SKETCH = """
    delete from monthly_unique
     where filter = :filter and filter_value = :filter_value and month = :month and site = :site
"""
INSERT_MONTH_SKETCH = """
    insert into monthly_unique (filter, filter_value, month, site, sketch)
    values (:filter, :filter_value, :month, :site, :sketch)
"""
SELECT_SKETCH = """
    select sketch from daily_unique
     where filter = :filter and filter_value = :filter_value and day = :day and site = :site
"""
DELETE_SKETCH = """
    delete from daily_unique
     where filter = :filter and filter_value = :filter_value and day = :day and site = :site
"""
INSERT_SKETCH = """
    insert into daily_unique (filter, filter_value, day, site, sketch)
    values (:filter, :filter_value, :day, :site, :sketch)
"""


# Whether a day (or month) and site has a summary stored yet: every summary has a totals row
# and a totals sketch, so one look-up by primary key tells. Without one, its rows are inserted
# outright, with no update tried first.
HAS_DAILY = """
    select 1 from daily_breakdown
     where filter = '' and filter_value = '' and dim = '' and day = :day and site = :site
       and value = ''
"""
HAS_MONTHLY = """
    select 1 from monthly_breakdown
     where filter = '' and filter_value = '' and dim = '' and month = :month and site = :site
       and value = ''
"""
HAS_DAILY_SKETCH = """
    select 1 from daily_unique
     where filter = '' and filter_value = '' and day = :day and site = :site
"""
HAS_MONTH_SKETCH = """
    select 1 from monthly_unique
     where filter = '' and filter_value = '' and month = :month and site = :site
"""
# Positional parameters: a day's thousand rows bind faster from tuples than from dicts.
INSERT_DAILY = """
    insert into daily_breakdown
        (filter, filter_value, dim, day, site, value, visitors, pageviews, entries, bounces,
         seconds, timed)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# The same with a value's filter totals held by its list row (value_days.py).
INSERT_DAILY_PAIRED = """
    insert into daily_breakdown
        (filter, filter_value, dim, day, site, value, visitors, pageviews, entries, bounces,
         seconds, timed, visit_bounces, visit_timed)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_MONTHLY = """
    insert into monthly_breakdown
        (filter, filter_value, dim, month, site, value, visitors, pageviews, entries, bounces,
         seconds, timed)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_MONTHLY_SECONDS = """
    select seconds from monthly_breakdown
     where filter = :filter and filter_value = :filter_value and dim = :dim and month = :month
       and site = :site and value = :value
"""
SET_MONTHLY = """
    update monthly_breakdown
       set visitors = visitors + :visitors, pageviews = pageviews + :pageviews,
           entries = entries + :entries, bounces = bounces + :bounces,
           seconds = :seconds, timed = timed + :timed
     where filter = :filter and filter_value = :filter_value and dim = :dim
       and month = :month and site = :site and value = :value
"""


# ---------------------------------------------------------------------------------------------
# Writing: a day that ends
# ---------------------------------------------------------------------------------------------

def store_ended_days(conn, today):
    """Inside a transaction, before their views are deleted: sum up and store each day before
    today that has counted views."""
    for (day,) in conn.execute(SELECT_ENDED_VIEW_DAYS, {"today": today}).fetchall():
        for site, views in day_views(conn, day).items():
            end_day(conn, day, site, views)


def end_day(conn, day, site, views, months=None):
    """Store one ended day and site's counted views (summary.View): its summary (after the
    day's caps), its records, and the month's pairs counted from those records."""
    packed, seconds, uniques = summary.summarize_day(views)
    rows = records.view_records(views)
    add_summary(conn, day, site, packed, seconds, uniques, rows, months)
    day_records.add(conn, day, site, rows, [])


def day_views(conn, day, site=None):
    """{site: [summary.View]} of a day's counted views (one site's, if given)."""
    by_site = {}
    for row in conn.execute(SELECT_DAY_VIEWS, {"day": day}):
        if site is not None and row[0] != site:
            continue
        by_site.setdefault(row[0], []).append(summary.View(*row[1:]))
    return by_site


def add_summary(conn, day, site, packed, seconds, uniques, view_rows, months=None,
                day_pairs=None):
    """Add one day and site's summary (summary.summarize_day's) to the daily and monthly rows
    and the day's sketches; the month's pairs (a filter's lists) are counted from the day's
    view records (records.view_records', pairs.of_day), as a range's ends are (record_lists.py),
    or are day_pairs when given (pairs.of_day's, made in another process by bulk.py).
    months: a MonthSums that keeps the monthly rows and sketches in memory until its flush()
    (days counted in bulk); without it they are written now."""
    month = day[:7]
    if ("", "", "page", OTHER) in packed:  # pages past the day's cap: out of the rollups too
        page_caps.fold_pages(conn, day, site, {key[3] for key in packed
                                               if not key[0] and key[2] == "page"})
    if ("", "", "ref", OTHER) in packed:  # and the referrers past theirs
        ref_rollups.fold_refs(conn, day, site, {key[3] for key in packed
                                                if not key[0] and key[2] == "ref"})
    own = months if months is not None else MonthSums()
    # packed holds the unfiltered lists and each filter value's totals (summarize_day): a
    # filter's lists of the day (its value x a listed value) are in the day's records, and the
    # hours in hourly_site (the same counts, as the hits added them).
    packed, seconds = dict(packed), dict(seconds)
    _add_daily(conn, day, site, *page_days.store(conn, day, site, packed, seconds))
    slots = _day_slots(uniques)
    _add_day_sketches(conn, day, site, slots)
    pair_counts, pair_seconds = day_pairs or month_pairs.day_pairs(conn, day, site, view_rows,
                                                                   months)
    packed.update(pair_counts)
    seconds.update(pair_seconds)
    own.add(conn, month, site, packed, seconds, slots)
    if months is None:
        own.flush(conn)


def _add_daily(conn, day, site, packed, seconds):
    if conn.execute(HAS_DAILY, {"day": day, "site": site}).fetchone() is None:
        # A day's first summary, as every bulk day's is: a single insert per row (the fields
        # of summary.unpack, read in place: a day has a thousand rows), a value's list row
        # and its filter's totals as one where they meet (value_days.py).
        merged, packed = value_days.pair_up(packed, seconds)
        get, bits, field = seconds.get, PACKED_BITS, PACKED_FIELD
        rows = {key: (key[0], key[1], key[2], day, site, key[3], c & field, c >> bits & field,
                      c >> 2 * bits & field, c >> 3 * bits & field, get(key, 0), c >> 4 * bits)
                for key, c in packed.items()}
        conn.executemany(INSERT_DAILY, [row for key, row in rows.items() if key not in merged])
        conn.executemany(INSERT_DAILY_PAIRED, [rows[key] + more for key, more in merged.items()])
        return
    # A day summed up again: its pairs apart while they are added to, then merged again.
    value_days.split(conn, day, site)
    params = [{"filter": f, "filter_value": fv, "dim": dim, "day": day, "site": site,
               "value": value, "visitors": c[0], "pageviews": c[1], "entries": c[2],
               "bounces": c[3], "seconds": c[4], "timed": c[5]}
              for (f, fv, dim, value), c in ((key, unpack(counts, seconds.get(key, 0)))
                                             for key, counts in packed.items())]
    conn.executemany(ADD_DAILY, params)
    value_days.merge(conn, day, site)


# Days ended before schema 18 keep a filter's hours as one row, dim 'hours', whose value lists
# each hour that has any as "hour:visitors:pageviews", space-separated, its counts 0 (schema
# 14 to 20 kept the whole day's so too, beside the same counts in hourly_site). Read for those
# days; written only by a copy of them (scripts/migrate_db.py).
HOURS = "hours"
SELECT_HOURS = """
    select value from daily_breakdown
     where filter = :filter and filter_value = :filter_value and dim = 'hours' and day = :day
       and site = :site
"""
DELETE_HOURS = """
    delete from daily_breakdown
     where filter = :filter and filter_value = :filter_value and dim = 'hours' and day = :day
       and site = :site
"""


def pack_hours(counts):
    """The value of an 'hours' row: counts is {hour: (visitors, pageviews)}."""
    return " ".join(f"{hour}:{v}:{p}" for hour, (v, p) in sorted(counts.items()) if v or p)


def unpack_hours(value):
    """{hour: [visitors, pageviews]} of an 'hours' row's value."""
    counts = {}
    for part in value.split():
        hour, visitors, pageviews = part.split(":")
        counts[int(hour)] = [int(visitors), int(pageviews)]
    return counts


def add_hours(conn, day, site, filter_name, filter_value, counts):
    """Add {hour: (visitors, pageviews)} to a day's 'hours' row (a day summed up twice, or
    copied onto one that has counts: scripts/migrate_db.py), the row read, summed and written
    again: two rows of the same hours must add up, not merge as one key."""
    key = {"filter": filter_name, "filter_value": filter_value, "day": day, "site": site}
    counts = {hour: list(c) for hour, c in counts.items()}
    for (value,) in conn.execute(SELECT_HOURS, key).fetchall():
        for hour, (visitors, pageviews) in unpack_hours(value).items():
            sums = counts.setdefault(hour, [0, 0])
            sums[0] += visitors
            sums[1] += pageviews
    conn.execute(DELETE_HOURS, key)
    conn.execute(INSERT_DAILY, (filter_name, filter_value, HOURS, day, site, pack_hours(counts),
                                0, 0, 0, 0, 0, 0))


def _day_slots(uniques):
    """{(filter, filter_value): sketch registers {index: value}} of a day's uniques;
    each visitor hash is split into its register once, however many filters it counts in."""
    slot_of = {}
    out = {}
    for key, hashes in uniques.items():
        registers = {}
        for digest in hashes:
            if not digest:
                continue
            slot = slot_of.get(digest)
            if slot is None:
                slot = slot_of[digest] = sketch.register_of(digest)
            index, rank = slot
            if rank > registers.get(index, 0):
                registers[index] = rank
        out[key] = registers
    return out


def _add_day_sketches(conn, day, site, slots):
    if conn.execute(HAS_DAILY_SKETCH, {"day": day, "site": site}).fetchone() is None:
        conn.executemany(INSERT_SKETCH, [
            {"filter": f, "filter_value": fv, "day": day, "site": site,
             "sketch": sketch.slots_to_bytes(registers)}
            for (f, fv), registers in slots.items()])
        return
    for (f, fv), registers in slots.items():
        key = {"filter": f, "filter_value": fv, "day": day, "site": site}
        _merge_into(conn, SELECT_SKETCH, DELETE_SKETCH, INSERT_SKETCH, key, registers)


class MonthSums:
    """The monthly rows and sketches of many days, summed up in memory and written by flush():
    a month of bulk days writes each monthly row once instead of once a day. Each (month, site)
    notes on its first day whether the month has stored rows yet; flush() before anything else
    writes that month's rows (store_ended_days), so that note stays true."""

    def __init__(self):
        # (month, site) -> [stored rows?, {row key: packed counts}, {row key: seconds},
        # stored sketches?, {(filter, filter_value): registers}]
        self.months = {}

    def add(self, conn, month, site, packed, seconds, slots):
        entry = self.months.get((month, site))
        if entry is None:
            params = {"month": month, "site": site}
            entry = self.months[month, site] = [
                conn.execute(HAS_MONTHLY, params).fetchone() is not None, {}, {},
                conn.execute(HAS_MONTH_SKETCH, params).fetchone() is not None, {}]
        stored, sums, month_seconds = entry[0], entry[1], entry[2]
        get = sums.get
        for key, counts in packed.items():
            if key[2] != "hour":  # hours are read for one day, from its daily rows
                sums[key] = get(key, 0) + counts
        for key, more in seconds.items():
            # Seconds, a float, are added day by day in order, as the database would add
            # them (the order of a float sum changes its last bits): onto the stored value,
            # so a list of them, when the month has rows already.
            if stored:
                month_seconds.setdefault(key, []).append(more)
            else:
                month_seconds[key] = month_seconds.get(key, 0) + more
        sketches = entry[4]
        for key, registers in slots.items():
            current = sketches.get(key)
            sketches[key] = (dict(registers) if current is None
                             else sketch.merge_slots(current, registers))

    def flush(self, conn):
        """Write every month summed up so far, and forget them."""
        strings = None
        for (month, site), (stored, sums, seconds, stored_sketches, sketches) in self.months.items():
            pairs_of = {}
            for key in [key for key in sums if month_pairs.is_pair(key)]:
                more = seconds.pop(key, 0)  # a list of days' seconds if stored (add())
                pairs_of[key] = unpack(sums.pop(key), sum(more) if stored and more else more)
            if pairs_of:
                strings = strings or day_records.Strings(conn)
                month_pairs.add(conn, month, site, pairs_of, stored, strings)
            if stored:
                _add_monthly(conn, month, site, sums, seconds)
            else:
                rows = [(key, unpack(counts, seconds.get(key, 0))) for key, counts in sums.items()]
                conn.executemany(INSERT_MONTHLY, [
                    (f, fv, dim, month, site, value, c[0], c[1], c[2], c[3], c[4], c[5])
                    for (f, fv, dim, value), c in rows])
            if stored_sketches:
                for (f, fv), registers in sketches.items():
                    key = {"filter": f, "filter_value": fv, "month": month, "site": site}
                    _merge_into(conn, SELECT_MONTH_SKETCH, DELETE_MONTH_SKETCH,
                                INSERT_MONTH_SKETCH, key, registers)
            else:
                conn.executemany(INSERT_MONTH_SKETCH, [
                    {"filter": f, "filter_value": fv, "month": month, "site": site,
                     "sketch": sketch.slots_to_bytes(registers)}
                    for (f, fv), registers in sketches.items()])
        self.months = {}


def _add_monthly(conn, month, site, sums, of_days):
    """Add summed rows to a month that has rows: counts added, seconds added to the stored
    value day by day in order (of_days: {row key: [each day's seconds]}), as a day at a time
    would have."""
    plain = []
    for key, packed in sums.items():
        f, fv, dim, value = key
        visitors, pageviews, entries, bounces, _, timed = unpack(packed)
        params = {"filter": f, "filter_value": fv, "dim": dim, "month": month, "site": site,
                  "value": value, "visitors": visitors, "pageviews": pageviews,
                  "entries": entries, "bounces": bounces, "timed": timed}
        seconds = of_days.get(key)
        if not seconds or not any(seconds):
            plain.append(dict(params, seconds=0))
            continue
        stored = conn.execute(SELECT_MONTHLY_SECONDS, params).fetchone()
        total = seconds[0] if stored is None else stored[0] + seconds[0]
        for more in seconds[1:]:
            total += more
        params["seconds"] = total
        conn.execute(ADD_MONTHLY if stored is None else SET_MONTHLY, params)
    conn.executemany(ADD_MONTHLY, plain)


def _merge_into(conn, select, delete, insert, key, registers):
    """Store the union of registers (sketch slots) and the sketch stored under key (if any)."""
    stored = conn.execute(select, key).fetchone()
    if stored is None:
        data = sketch.slots_to_bytes(registers)
    else:
        data = sketch.merge_into_bytes(stored[0], registers)
        conn.execute(delete, key)
    conn.execute(insert, dict(key, sketch=data))
