"""Today's summary for a GET, kept between reads so that a read pays for what changed since the
last one, not for the whole day's traffic.

Past days are summed up once, when they end (breakdowns.py). Today's views keep arriving, and
summing all of them up at each read made a GET's time grow with the day's traffic. So the
summary of today for the filter asked is kept in today_summary with the last view and beacon
it has seen. The next read finds the visitors whose views changed since (a new view, or seconds
a beacon added, which beacon_log records with what the view held before), takes their visits out
as they were, and adds them as they are now. A visit's sums depend on its views only, so this
gives exactly what summing the whole day up again would.

A read takes no lock while it sums up: it reads the day as it stood at the last view and beacon
settled when it began (views with a later id are left out, seconds a later beacon changed are
read as they were before it), so writers go on logging hits meanwhile. It keeps what it summed
in a short transaction of its own, and only if the database can be had at once: a writer never
waits for a reader, and a summary not kept is summed again by the next read.

Nothing here holds a visitor hash: the kept rows are sums and a sketch, like a past day's; they
are deleted when the day ends, with the beacon log.
"""

import json

from .. import dimensions, sketch, summary
from . import days
from .connection import in_transaction, is_postgres, lock, try_in_transaction

SELECT_KEPT = """
    select views_through, beacons_through, views_counted, rows, sketch from today_summary
     where day = :day and site = :site and filter = :filter and filter_value = :filter_value
"""
# Two reads can keep the same filter at once: the one that saw more stays.
KEEP = """
    insert into today_summary
        (day, site, filter, filter_value, views_through, beacons_through, views_counted, rows,
         sketch)
    values (:day, :site, :filter, :filter_value, :views_now, :beacons_now,
            :views_counted, :rows, :sketch)
    on conflict (day, site, filter, filter_value) do update
       set views_through = excluded.views_through, beacons_through = excluded.beacons_through,
           views_counted = excluded.views_counted, rows = excluded.rows, sketch = excluded.sketch
     where excluded.views_through >= today_summary.views_through
       and excluded.beacons_through >= today_summary.beacons_through
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
     where day = :day and counted and id <= :views_now and (:site = '' or site = :site)
"""
# "+day": no index on day for these two, so SQLite reads only the rows after the id given.
SELECT_CHANGED_VISITORS = """
    select distinct visitor from views
     where id > :views_through and id <= :views_now and +day = :day and counted
       and (:site = '' or site = :site)
    union
    select visitor from views
     where id in (select view from beacon_log
                   where id > :beacons_through and id <= :beacons_now and +day = :day)
       and (:site = '' or site = :site)
"""
# What each view a beacon changed held before it: read after the views, so that a view read
# with a later beacon's seconds always finds that beacon here.
SELECT_BEACONS_AFTER = """
    select id, view, seconds, timed from beacon_log
     where id > :after and +day = :day
     order by id
"""
SELECT_VISITOR_VIEWS = f"""
    select {_VIEW_COLUMNS} from views
     where visitor = :visitor and day = :day and counted and id <= :views_now
       and (:site = '' or site = :site)
"""


def summary_of(conn, day, site, filter_name, filter_value):
    """({(filter, filter_value, dim, value): counts}, Sketch of the matching visitors) of today
    (day) for one site (None: all) and filter, as summary.summarize(today's views, only=...)
    gives them; kept in the database for the next read when it can be written at once."""
    key = {"day": day, "site": site or "", "filter": filter_name, "filter_value": filter_value}
    # Nothing new since the kept summary (the dashboard read again, or another filter asked):
    # read it as it is. Read in this order, the two last ids equal to the kept ones mean no
    # view or beacon came after the summary was kept.
    kept_now = _last_ids(conn)
    kept = conn.execute(SELECT_KEPT, key).fetchone()
    if kept is not None and (kept[0], kept[1]) == kept_now:
        return _decode(key, kept[3]), sketch.Sketch.from_bytes(kept[4])
    views_now, beacons_now = _settled_ids(conn)
    now = dict(key, views_now=views_now, beacons_now=beacons_now)
    if (kept is not None and kept[0] <= views_now and kept[1] <= beacons_now
            and _counted_through(conn, key, kept[0]) == kept[2]):
        rows, matching = _brought_up_to_date(conn, now, kept)
    else:
        rows, matching = _summed_up(conn, now)
    # A filter nothing matches is kept nowhere, and a day keeps at most MAX_KEPT: a public
    # dashboard can be asked for any value, and reads must not fill the disk.
    if rows:
        counted = _counted_through(conn, key, views_now)
        try_in_transaction(conn, lambda conn: _keep(conn, now, counted, rows, matching))
    return rows, matching


def _last_ids(conn):
    return (conn.execute(LAST_VIEW).fetchone()[0], conn.execute(LAST_BEACON).fetchone()[0])


def _settled_ids(conn):
    """The last view and beacon ids through which every write has committed. SQLite has one
    writer at a time, so its ids commit in order. PostgreSQL hands ids out before writers
    commit: the days lock, which every writer holds shared, is taken alone just long enough to
    read the two (writers in flight finish first), never while the day is summed up."""
    if not is_postgres(conn):
        return _last_ids(conn)

    def read(conn):
        lock(conn, days.DAYS_LOCK)
        return _last_ids(conn)

    return in_transaction(conn, read)


def _keep(conn, now, counted, rows, matching):
    conn.execute(FORGET_BEFORE, now)
    if _counted_through(conn, now, now["views_now"]) != counted:
        return  # the day ended (its views are gone) since it was read
    if (conn.execute(SELECT_KEPT, now).fetchone() is None
            and conn.execute(COUNT_KEPT, now).fetchone()[0] >= MAX_KEPT):
        return
    conn.execute(KEEP, dict(now, views_counted=counted, rows=_encode(rows),
                            sketch=matching.to_bytes()))


def _counted_through(conn, key, through):
    return conn.execute(COUNT_VIEWS_THROUGH, dict(key, through=through)).fetchone()[0]


def _held_after(conn, day, *bounds):
    """For each bound, {view: (seconds, timed)} that the views a beacon after it changed held
    before the first such beacon: the views as they stood at that bound."""
    held = [{} for _ in bounds]
    for beacon, view, seconds, timed in conn.execute(
            SELECT_BEACONS_AFTER, {"day": day, "after": min(bounds)}):
        for bound, found in zip(bounds, held):
            if beacon > bound:
                found.setdefault(view, (seconds, timed))
    return held


def _as_held(row, held):
    return summary.View(*row[1:_SECONDS_AT], *held.get(row[0], row[_SECONDS_AT:]))


def _summed_up(conn, now):
    """Today summed up from all of its views, as they stood at now's ids."""
    rows = conn.execute(SELECT_VIEWS, now).fetchall()
    (held,) = _held_after(conn, now["day"], now["beacons_now"])
    views = [_as_held(row, held) for row in rows]
    rows, uniques = summary.summarize(views, only=(now["filter"], now["filter_value"]))
    return rows, _sketch_of(uniques)


def _brought_up_to_date(conn, now, kept):
    """The kept summary, with each visit that changed since taken out as it was and added as it
    is now."""
    views_through, beacons_through = kept[0], kept[1]
    rows, matching = _decode(now, kept[3]), sketch.Sketch.from_bytes(kept[4])
    params = dict(now, views_through=views_through, beacons_through=beacons_through)
    changed = [row[0] for row in conn.execute(SELECT_CHANGED_VISITORS, params)]
    if not changed:
        return rows, matching
    view_rows = [row for visitor in changed
                 for row in conn.execute(SELECT_VISITOR_VIEWS, dict(params, visitor=visitor))]
    held_then, held_now = _held_after(conn, now["day"], beacons_through, now["beacons_now"])
    before = [_as_held(row, held_then) for row in view_rows if row[0] <= views_through]
    current = [_as_held(row, held_now) for row in view_rows]
    only = (now["filter"], now["filter_value"])
    old_rows, _ = summary.summarize(before, only=only)
    new_rows, uniques = summary.summarize(current, only=only)
    if any(row_key not in rows for row_key in old_rows):
        return _summed_up(conn, now)  # not what was kept from these views: start again
    for row_key, counts in old_rows.items():
        kept_counts = rows[row_key]
        for i, n in enumerate(counts):
            kept_counts[i] -= n
        if not kept_counts[0] and not kept_counts[1]:
            del rows[row_key]  # no visit has it any more: as if never summed up
    for row_key, counts in new_rows.items():
        kept_counts = rows.setdefault(row_key, [0, 0, 0, 0, 0.0, 0])
        for i, n in enumerate(counts):
            kept_counts[i] += n
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
