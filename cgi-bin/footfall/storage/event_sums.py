"""Each ended day's event hits summed up per filter into their month's monthly_event rows
(event_months.py), then deleted: what days.end_days_before runs for events, as
breakdowns.store_ended_days does for views. It imports neither days.py nor events.py, which both
use it.
"""

from .. import bounds, dimensions
from . import event_months

# What an event can be filtered by, as a view (dimensions.VIEW_COLUMNS), each a column of
# event_hits; hour is only ever stored (the hours of an event's one day).
FILTERS = dimensions.VIEW_COLUMNS
COLUMNS = FILTERS + (dimensions.HOUR,)
_COLUMNS = ", ".join(COLUMNS)  # page, ref, browser ... campaign, hour

SELECT_ENDED_HITS = f"""
    select day, site, event, visitor, {_COLUMNS}
      from event_hits
     where day < :today
     order by ts
"""
FORGET_HITS_BEFORE = "delete from event_hits where day < :today"


def end_days_before(conn, today):
    """Inside days.end_days_before's transaction: sum up the event hits of days before today
    into their months' rows, then delete them (their visitor hashes die with the day's salt)."""
    by_day = {}
    for day, site, name, visitor, *columns in conn.execute(SELECT_ENDED_HITS, {"today": today}):
        by_day.setdefault((day, site), []).append((name, visitor, dict(zip(COLUMNS, columns))))
    for (day, site), hits in by_day.items():
        add_sums(conn, day, site, sums_of(hits))
    conn.execute(FORGET_HITS_BEFORE, {"today": today})


def sums_of(hits):
    """{(filter, filter_value, event): [visitors, count]} of one day and site's hits, oldest
    first, each (event, visitor or None, columns). A visitor counts once per event and filter
    value; in the hour of their first hit of the event. Names and values past the day's caps
    count as bounds.OTHER."""
    hits = bounds.cap_events(hits)
    sums, seen, first_hour = {}, set(), {}
    for name, visitor, columns in hits:
        keys = [("", "")] + [(f, columns[f]) for f in FILTERS if columns[f]]
        if visitor is None or (name, visitor) not in first_hour:
            first_hour[(name, visitor)] = columns["hour"]
        keys.append(("hour", str(columns["hour"])))
        for key in keys:
            counts = sums.setdefault(key + (name,), [0, 0])
            counts[1] += 1
            new = visitor is None or (key + (name, visitor)) not in seen
            if key[0] == "hour":
                new = new and first_hour[(name, visitor)] == columns["hour"]
            if new and visitor is not None:
                seen.add(key + (name, visitor))
                counts[0] += 1
    return sums


def add_sums(conn, day, site, sums):
    """Add one day and site's event sums (sums_of's) to what its month holds."""
    event_months.add_day(conn, day, site, sums)
