"""Each ended day's event hits summed up into daily_event per filter, then deleted: what
days.end_days_before runs for events, as breakdowns.store_ended_days does for views. It imports
neither days.py nor events.py, which both use it.
"""

from .. import bounds, dimensions

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
ADD_DAILY = """
    insert into daily_event (filter, filter_value, event, day, site, visitors, count)
    values (:filter, :filter_value, :event, :day, :site, :visitors, :count)
    on conflict (filter, filter_value, event, day, site) do update
       set visitors = daily_event.visitors + excluded.visitors,
           count = daily_event.count + excluded.count
"""


def end_days_before(conn, today):
    """Inside days.end_days_before's transaction: sum up the event hits of days before today
    into daily_event, then delete them (their visitor hashes die with the day's salt)."""
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
    """Add one day and site's event sums to daily_event."""
    params = [{"filter": f, "filter_value": value, "event": name, "day": day, "site": site,
               "visitors": counts[0], "count": counts[1]}
              for (f, value, name), counts in sums.items()]
    conn.executemany(ADD_DAILY, params)
