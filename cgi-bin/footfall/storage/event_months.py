"""An ended day's event sums, kept since schema 26 in one monthly_event row per filter value,
event, month and site, whose blob holds the month's days: for each day with hits, its day of the
month, visitors and count, as one array of integers in day order. As one daily_event row per day
(schema 11 to 25) the same numbers took 4.3 of the 34 MB of the 1M-hit site, most of it the
key's text repeated day after day (docs/storage.md). Written when a day ends
(event_sums.add_sums), read by storage/events.py, copied day by day by migrate_db.
"""

import array
import sys

from .connection import lock

# Schema 26's table, made by migration 26 unless there (the comments on it are in schema.py);
# PostgreSQL's in its words (pg_schema.MONTHLY_EVENT).
TABLE = """
    create table if not exists monthly_event (
        filter        text not null,
        filter_value  text not null,
        event         text not null,
        month         text not null,
        site          text not null,
        days          blob not null,
        primary key (filter, filter_value, event, month, site)
    ) without rowid
"""
SELECT_MONTH = """
    select filter, filter_value, event, days from monthly_event
     where month = :month and site = :site
"""
SELECT_MONTH_OF_SITES = """
    select site, filter, filter_value, event, days from monthly_event where month = :month
"""
SAVE = """
    insert into monthly_event (filter, filter_value, event, month, site, days)
    values (:filter, :filter_value, :event, :month, :site, :days)
    on conflict (filter, filter_value, event, month, site) do update set days = excluded.days
"""
# A range's rows: of one filter value (every event), or of one event (every filter value).
SELECT_OF_VALUE = """
    select event, month, days from monthly_event
     where filter = :filter and filter_value = :filter_value
       and month between :first_month and :last_month and (:site is null or site = :site)
"""
SELECT_OF_EVENT = """
    select filter_value, month, days from monthly_event
     where filter = :filter and event = :event
       and month between :first_month and :last_month and (:site is null or site = :site)
"""
# Schema 11 to 25's table, made by migration 26 unless there (a database made by later code and
# marked older, in tests), to move its rows from and drop.
DAILY_EVENT = """
    create table if not exists daily_event (
        filter        text    not null,
        filter_value  text    not null,
        event         text    not null,
        day           text    not null,
        site          text    not null,
        visitors      integer not null default 0,
        count         integer not null default 0,
        primary key (filter, filter_value, event, day, site)
    )
"""
SELECT_UNFILTERED = """
    select event, month, days from monthly_event
     where filter = '' and filter_value = '' and month between :first_month and :last_month
"""
SELECT_DAILY_EVENT = """
    select filter, filter_value, event, day, site, visitors, count from daily_event
"""


def add_day(conn, day, site, sums):
    """Add one day and site's sums {(filter, filter_value, event): [visitors, count]} to its
    month's rows (a day summed up twice, or copied onto, adds up)."""
    if not sums:
        return
    month, day_of_month = day[:7], int(day[8:])
    # Read, then written back: PostgreSQL's writers run side by side (an event whose day ended
    # while it waited adds to it under the days lock shared), so the month's rows are locked.
    lock(conn, f"monthly_event {month} {site}")
    stored = {(f, fv, name): decode(blob) for f, fv, name, blob in
              conn.execute(SELECT_MONTH, {"month": month, "site": site})}
    rows = []
    for key, (visitors, count) in sums.items():
        days = stored.get(key, {})
        before = days.get(day_of_month, (0, 0))
        days[day_of_month] = (before[0] + visitors, before[1] + count)
        rows.append({"filter": key[0], "filter_value": key[1], "event": key[2],
                     "month": month, "site": site, "days": encode(days)})
    conn.executemany(SAVE, rows)


def day_sums(conn, day):
    """{site: {(filter, filter_value, event): [visitors, count]}} of one ended day (what
    migrate_db copies)."""
    out = {}
    for site, f, fv, name, blob in conn.execute(SELECT_MONTH_OF_SITES, {"month": day[:7]}):
        counts = decode(blob).get(int(day[8:]))
        if counts is not None:
            out.setdefault(site, {})[f, fv, name] = list(counts)
    return out


def day_totals(conn, first, last):
    """{day: [visitors, count]} of the events of each ended day first to last, every site's
    (what migrate_db checks a copy by)."""
    rows = conn.execute(SELECT_UNFILTERED, _range(first, last, None))
    return _summed(rows, first, last, by_day=True)


def sums_of_value(conn, filter_name, filter_value, first, last, site):
    """{event: [visitors, count]} of the ended days first to last under one filter value
    ('' and '' for none); visitors summed per day."""
    query, params = SELECT_OF_VALUE, _range(first, last, site)
    params.update(filter=filter_name, filter_value=filter_value)
    return _summed(conn.execute(query, params), first, last, by_day=False)


def sums_of_event(conn, event, filter_name, first, last, site, by_day=False):
    """{filter value: [visitors, count]} of one event over the ended days first to last, or
    {day: ...} by_day (of the filter '')."""
    params = _range(first, last, site)
    params.update(filter=filter_name, event=event)
    return _summed(conn.execute(SELECT_OF_EVENT, params), first, last, by_day)


def move_rows(conn):
    """Migration 26: daily_event's rows into monthly_event, every number kept."""
    by_day = {}
    for f, fv, name, day, site, visitors, count in conn.execute(SELECT_DAILY_EVENT):
        by_day.setdefault((day, site), {})[f, fv, name] = [visitors, count]
    for (day, site), sums in sorted(by_day.items()):
        add_day(conn, day, site, sums)
    conn.execute("drop table daily_event")


def migration(table):
    """Migration 26: a function of the connection that makes table (in its backend's words)
    and moves daily_event's rows into it: SQL cannot pack a month's days into one blob."""

    def migrate(conn):
        conn.execute(table)
        conn.execute(DAILY_EVENT)
        move_rows(conn)

    return migrate


def encode(days):
    """The blob of {day of month: (visitors, count)}: a typecode (B, H, I or Q: the narrowest
    that holds every number), then day, visitors and count of each day as that array,
    little-endian. An array, not varints: decoded at C speed, as a GET reads a year of it."""
    flat = [n for day in sorted(days) for n in (day,) + tuple(days[day])]
    top = max(flat, default=0)
    code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I" if top < 1 << 32 else "Q"
    numbers = array.array(code, flat)
    if sys.byteorder == "big":
        numbers.byteswap()
    return code.encode("ascii") + numbers.tobytes()


def decode(blob):
    """{day of month: (visitors, count)} of an encode()d blob (bytes, or PostgreSQL's
    memoryview)."""
    it = iter(_numbers(blob))
    return {day: (visitors, count) for day, visitors, count in zip(it, it, it)}


def _numbers(blob):
    data = bytes(blob)
    numbers = array.array(chr(data[0]))
    numbers.frombytes(data[1:])
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


def _range(first, last, site):
    return {"first_month": first[:7], "last_month": last[:7], "site": site}


def _summed(rows, first, last, by_day):
    """{key: [visitors, count]} of rows (key, month, blob), their days first to last only;
    by_day: the key is the day."""
    out = {}
    first_month, last_month = first[:7], last[:7]
    for key, month, blob in rows:
        # The days of this month inside the range: all but at the range's two ends.
        low = int(first[8:]) if month == first_month else 1
        high = int(last[8:]) if month == last_month else 31
        numbers = _numbers(blob)
        if not by_day and low == 1 and high == 31:  # a whole month: summed in C
            counts = out.setdefault(key, [0, 0])
            counts[0] += sum(numbers[1::3])
            counts[1] += sum(numbers[2::3])
            continue
        for i in range(0, len(numbers), 3):
            day = numbers[i]
            if low <= day <= high:
                counts = out.get(f"{month}-{day:02d}" if by_day else key)
                if counts is None:
                    counts = out[f"{month}-{day:02d}" if by_day else key] = [0, 0]
                counts[0] += numbers[i + 1]
                counts[1] += numbers[i + 2]
    return out
