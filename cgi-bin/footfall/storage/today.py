"""Today's summary for a GET, kept between reads so that a read pays for what changed since the
last one, not for the whole day's traffic.

Past days are summed up once, when they end (breakdowns.py). Today's views keep arriving, and
summing all of them up at each read made a GET's time grow with the day's traffic. So the
summary of today for the filter asked is kept in today_summary with the last view and beacon
it has seen. The next read finds the visitors whose views changed since (a new view, or seconds
a beacon added, which beacon_log records with what the view held before), takes their visits out
as they were, and adds them as they are now. A visit's sums depend on its views only, so this
gives exactly what summing the whole day up again would.

Nothing here holds a visitor hash: the kept rows are sums and a sketch, like a past day's; they
are deleted when the day ends, with the beacon log.
"""

import json

from .. import dimensions, sketch, summary
from . import days
from .connection import StorageError, in_transaction, lock

SELECT_KEPT = """
    select views_through, beacons_through, views_counted, rows, sketch from today_summary
     where day = :day and site = :site and filter = :filter and filter_value = :filter_value
"""
KEEP = """
    insert into today_summary
        (day, site, filter, filter_value, views_through, beacons_through, views_counted, rows,
         sketch)
    values (:day, :site, :filter, :filter_value, :views_through, :beacons_through,
            :views_counted, :rows, :sketch)
    on conflict (day, site, filter, filter_value) do update
       set views_through = excluded.views_through, beacons_through = excluded.beacons_through,
           views_counted = excluded.views_counted, rows = excluded.rows, sketch = excluded.sketch
"""
FORGET_BEFORE = "delete from today_summary where day < :day"
COUNT_KEPT = "select count(*) from today_summary where day = :day"
MAX_KEPT = 200
LAST_VIEW = "select coalesce(max(id), 0) from views"
LAST_BEACON = "select coalesce(max(id), 0) from beacon_log"
# Ids only grow within a day (nothing of today or tomorrow is deleted before today ends), so
# the views a kept summary has seen are still there, and the same number of them.
COUNT_VIEWS_THROUGH = """
    select count(*) from views
     where day = :day and counted and id <= :through and (:site = '' or site = :site)
"""
# A view's id, then what summary.View takes (its dimensions: page, ref, browser ... campaign).
_DIMENSIONS = ", ".join(dimensions.VIEW_COLUMNS)
_VIEW_COLUMNS = f"id, visitor, unique_visitor, ts, hour, {_DIMENSIONS}, seconds, timed"
_SECONDS_AT = 5 + len(dimensions.VIEW_COLUMNS)  # where a row's seconds and timed are
SELECT_VIEWS = f"""
    select {_VIEW_COLUMNS} from views
     where day = :day and counted and (:site = '' or site = :site)
"""
# "+day": no index on day for these two, so SQLite reads only the rows after the id given.
SELECT_CHANGED_VISITORS = """
    select distinct visitor from views
     where id > :views_through and +day = :day and counted and (:site = '' or site = :site)
    union
    select visitor from views
     where id in (select view from beacon_log where id > :beacons_through and +day = :day)
       and (:site = '' or site = :site)
"""
SELECT_BEACONS_AFTER = """
    select view, seconds, timed from beacon_log
     where id > :beacons_through and +day = :day
     order by id
"""
SELECT_VISITOR_VIEWS = f"""
    select {_VIEW_COLUMNS} from views
     where visitor = :visitor and day = :day and counted and (:site = '' or site = :site)
"""


def summary_of(conn, day, site, filter_name, filter_value):
    """({(filter, filter_value, dim, value): counts}, Sketch of the matching visitors) of today
    (day) for one site (None: all) and filter, as summary.summarize(today's views, only=...)
    gives them; kept in the database for the next read when it can be written."""
    key = {"day": day, "site": site or "", "filter": filter_name, "filter_value": filter_value}
    # Nothing new since the kept summary (the dashboard read again, or another filter asked):
    # read it as it is, without a write. Read in this order, the two last rowids equal to the
    # kept ones mean no view or beacon came after the summary was kept.
    views_now = conn.execute(LAST_VIEW).fetchone()[0]
    beacons_now = conn.execute(LAST_BEACON).fetchone()[0]
    kept = conn.execute(SELECT_KEPT, key).fetchone()
    if kept is not None and (kept[0], kept[1]) == (views_now, beacons_now):
        return _decode(key, kept[3]), sketch.Sketch.from_bytes(kept[4])
    try:
        return in_transaction(conn, lambda conn: _read_and_keep(conn, key))
    except StorageError:  # a database this process may read but not write: sum the day up
        return _summed_up(conn, key)


def _read_and_keep(conn, key):
    # PostgreSQL: the days lock alone, which every writer holds shared, so no view with an id
    # below views_now is still to be committed when views_now is read (SQLite's write lock
    # gives the same).
    lock(conn, days.DAYS_LOCK)
    conn.execute(FORGET_BEFORE, key)
    views_now = conn.execute(LAST_VIEW).fetchone()[0]
    beacons_now = conn.execute(LAST_BEACON).fetchone()[0]
    kept = conn.execute(SELECT_KEPT, key).fetchone()
    if kept is not None and _counted_through(conn, key, kept[0]) == kept[2]:
        rows, matching = _brought_up_to_date(conn, key, kept)
    else:
        rows, matching = _summed_up(conn, key)
    # A filter nothing matches is kept nowhere, and a day keeps at most MAX_KEPT: a public
    # dashboard can be asked for any value, and reads must not fill the disk.
    if rows and (kept is not None or conn.execute(COUNT_KEPT, key).fetchone()[0] < MAX_KEPT):
        conn.execute(KEEP, dict(key, views_through=views_now, beacons_through=beacons_now,
                                views_counted=_counted_through(conn, key, views_now),
                                rows=_encode(rows), sketch=matching.to_bytes()))
    return rows, matching


def _counted_through(conn, key, through):
    return conn.execute(COUNT_VIEWS_THROUGH, dict(key, through=through)).fetchone()[0]


def _summed_up(conn, key):
    """Today summed up from all of its views."""
    views = [summary.View(*row[1:]) for row in conn.execute(SELECT_VIEWS, key)]
    rows, uniques = summary.summarize(views, only=(key["filter"], key["filter_value"]))
    return rows, _sketch_of(uniques)


def _brought_up_to_date(conn, key, kept):
    """The kept summary, with each visit that changed since taken out as it was and added as it
    is now."""
    views_through, beacons_through = kept[0], kept[1]
    rows, matching = _decode(key, kept[3]), sketch.Sketch.from_bytes(kept[4])
    params = dict(key, views_through=views_through, beacons_through=beacons_through)
    changed = [row[0] for row in conn.execute(SELECT_CHANGED_VISITORS, params)]
    if not changed:
        return rows, matching
    # What each view a beacon changed since held then: the first such beacon's record of it.
    held = {}
    for view, seconds, timed in conn.execute(SELECT_BEACONS_AFTER, params):
        held.setdefault(view, (seconds, timed))
    before, now = [], []
    for visitor in changed:
        for row in conn.execute(SELECT_VISITOR_VIEWS, dict(key, visitor=visitor)):
            now.append(summary.View(*row[1:]))
            if row[0] <= views_through:
                seconds, timed = held.get(row[0], tuple(row[_SECONDS_AT:]))
                before.append(summary.View(*row[1:_SECONDS_AT], seconds, timed))
    only = (key["filter"], key["filter_value"])
    old_rows, _ = summary.summarize(before, only=only)
    new_rows, uniques = summary.summarize(now, only=only)
    if any(row_key not in rows for row_key in old_rows):
        return _summed_up(conn, key)  # not what was kept from these views: start again
    for row_key, counts in old_rows.items():
        current = rows[row_key]
        for i, n in enumerate(counts):
            current[i] -= n
        if not current[0] and not current[1]:
            del rows[row_key]  # no visit has it any more: as if never summed up
    for row_key, counts in new_rows.items():
        current = rows.setdefault(row_key, [0, 0, 0, 0, 0.0, 0])
        for i, n in enumerate(counts):
            current[i] += n
    matching.update(h for hashes in uniques.values() for h in hashes if h)
    return rows, matching


def _sketch_of(uniques):
    matching = sketch.Sketch()
    matching.update(h for hashes in uniques.values() for h in hashes if h)
    return matching


def _encode(rows):
    return json.dumps([[dim, value] + list(counts)
                       for (_f, _fv, dim, value), counts in rows.items()])


def _decode(key, text):
    return {(key["filter"], key["filter_value"], dim, value): counts
            for dim, value, *counts in json.loads(text)}
