"""Events (footfall("signup"), a click on an element with data-footfall-event, an outbound link,
a download): today's event hits, keyed by the day's visitor hash and deleted with the day's salt
as views are, and each ended day's events summed up per filter in monthly_event
(event_months.py).

An event is not a pageview: it touches no pageview rollup and no day summary. Its rules are the
pageview's, per visitor and event: at most flood_limit hits of one event per visitor within the
flood window (which, unlike a pageview's, does not reach back across midnight), and at most
daily_limit events per visitor and day.
"""

import os

from .. import counting, dimensions
from . import days, event_months
from .connection import checkpoint, in_transaction, lock
from .event_sums import FILTERS, add_sums, sums_of
from .identifiers import column

SELECT_HISTORY = """
    select
        (select count(*) from event_hits where visitor = :visitor) as day_events,
        (select count(*) from event_hits
          where visitor = :visitor and event = :event and ts > :since) as recent
"""
# The traits' columns (dimensions.TRAITS: browser, os ... campaign) and their parameters.
_TRAITS = ", ".join(dimensions.TRAITS)
_TRAIT_PARAMETERS = ", ".join(":" + name for name in dimensions.TRAITS)
INSERT_HIT = f"""
    insert into event_hits (visitor, event, page, ts, day, site, hour, ref, {_TRAITS})
    values (:visitor, :event, :page, :ts, :day, :site, :hour, :ref, {_TRAIT_PARAMETERS})
"""
class Event:
    """One event as received: its name, the page it happened on, and what a pageview carries.
    ip and user_agent only ever feed the visitor hash; traits is traits.describe()'s."""

    __slots__ = ("ts", "day", "site", "page", "name", "referral", "ip", "user_agent", "traits")

    def __init__(self, ts, day, site, page, name, referral, ip, user_agent, traits=None):
        self.ts, self.day, self.site, self.page, self.name = ts, day, site, page, name
        self.referral, self.ip, self.user_agent = referral, ip, user_agent
        self.traits = traits or {}

    def columns(self, hour):
        """Its value of each filter column, and its hour."""
        traits = self.traits
        values = {name: traits.get(name, "") for name in dimensions.TRAITS}
        return dict(values, page=self.page, ref=self.referral, hour=hour)


class _RolledBack(Exception):
    """Ends a test event's transaction without committing it."""


# ---------------------------------------------------------------------------------------------
# Writing: one event, and a day that ends
# ---------------------------------------------------------------------------------------------

def record_event(conn, event, rules, today=None, new_salt=os.urandom, test=False):
    """Count one event in its own transaction: None if counted, else the reason ('flood').

    today() gives the current day when the transaction runs (None: the event's own day), as in
    record.record_hit. test: run every statement, then roll back (a test hit's event).
    """
    outcome = []

    def work(conn):
        outcome.extend(count_event(conn, event, rules, today, new_salt))
        if test:
            raise _RolledBack

    try:
        in_transaction(conn, work)
    except _RolledBack:
        return outcome[0]
    reason, ended = outcome
    if ended:
        checkpoint(conn)
    return reason


def record_events(conn, events, rules, new_salt=os.urandom):
    """Count many events, oldest first, in one transaction (seeding); reasons in order. Each
    event's own day is taken as the current day, as in record.record_hits."""
    def work(conn):
        if events:  # PostgreSQL: one lock for the batch, as record.record_hits
            days.lock_days(conn, events[0].day, alone=True)
        return [count_event(conn, event, rules, None, new_salt, lock_visitor=False)
                for event in events]

    results = in_transaction(conn, work)
    if any(ended for _reason, ended in results):
        checkpoint(conn)
    return [reason for reason, _ended in results]


def count_event(conn, event, rules, today=None, new_salt=os.urandom, lock_visitor=True):
    """Count one event inside the caller's transaction: (None or the reason, whether days ended).
    Under PostgreSQL it holds the days lock and its visitor's, as record.count_hit does."""
    today_day = event.day if today is None else today()
    if lock_visitor:
        days.lock_days(conn, today_day)
    hour = counting.hour_of(event.ts, rules.zone)
    salt = days.salt_of(conn, event.day)
    if salt is None:
        if event.day < today_day:
            # Its day ended while it waited for the lock: it counts, its visitor unknown.
            add_sums(conn, event.day, event.site, sums_of([(event.name, None, event.columns(hour))]))
            return None, days.end_days_before(conn, today_day)
        salt = days.make_salt(conn, event.day, new_salt)
    visitor = counting.visitor_id(salt, event.ip, event.user_agent, event.site)
    if lock_visitor:
        lock(conn, days.visitor_lock(event.day, visitor))
    day_events, recent = conn.execute(SELECT_HISTORY, {
        "visitor": visitor, "event": event.name,
        "since": event.ts - rules.flood_window_seconds}).fetchone()
    if counting.is_flood(day_events, recent, rules):
        return "flood", days.end_days_before(conn, today_day)
    conn.execute(INSERT_HIT, dict(event.columns(hour), visitor=visitor, event=event.name,
                                  ts=event.ts, day=event.day, site=event.site))
    return None, days.end_days_before(conn, today_day)


# ---------------------------------------------------------------------------------------------
# Reading: a range of days, ended days from monthly_event, today from its hits
# ---------------------------------------------------------------------------------------------

SELECT_TODAY = """
    select {group}, count(distinct visitor), count(*)
      from event_hits
     where day = :today and (:site is null or site = :site) and {where}
     group by 1
"""
SELECT_TODAY_HITS = """
    select visitor, hour from event_hits
     where day = :today and event = :event and (:site is null or site = :site)
     order by ts
"""
SELECT_LIVE = """
    select count(distinct visitor), count(*) from event_hits
     where day = :today and ts > :since and event = :event and (:site is null or site = :site)
"""


def read_events(conn, first, last, today, site, filter_name="", filter_value=""):
    """{event: [visitors, count]} of the range: the events whose hits match the filter
    ('' for none); visitors summed per day."""
    params = {"filter_value": filter_value, "site": site, "today": today}
    result = event_months.sums_of_value(conn, filter_name, filter_value, first, last, site)
    if first <= today <= last:
        where = f"{column(filter_name)} = :filter_value" if filter_name else "1 = 1"
        query = SELECT_TODAY.format(group="event", where=where)
        for name, visitors, count in conn.execute(query, params):
            _add(result, name, visitors, count)
    return result


def read_event(conn, first, last, today, site, event, by=""):
    """{value: [visitors, count]} of one event over the range, by a filter's values ('' for
    its totals, under the key ''; 'day' for each day; 'page', 'browser', ..., 'hour')."""
    params = {"site": site, "today": today, "event": event}
    result = event_months.sums_of_event(conn, event, "" if by in ("", "day") else by, first,
                                        last, site, by_day=by == "day")
    if first <= today <= last and by != "hour":  # today's hours: read_hours
        if by in ("", "day"):
            query = SELECT_TODAY.format(group="day" if by else "''", where="event = :event")
        else:
            name = column(by)
            query = SELECT_TODAY.format(group=name, where=f"event = :event and {name} != ''")
        for value, visitors, count in conn.execute(query, params):
            _add(result, value, visitors, count)
    return result


def read_hours(conn, day, today, site, event):
    """{hour: [visitors, count]} of one event on one day; a visitor counts in the hour of their
    first hit of it, as in the day's sums."""
    if day != today:
        stored = read_event(conn, day, day, today, site, event, "hour")
        return {int(hour): counts for hour, counts in stored.items()}
    hits = [(event, visitor, dict(dict.fromkeys(FILTERS, ""), hour=hour)) for visitor, hour in
            conn.execute(SELECT_TODAY_HITS, {"today": today, "event": event, "site": site})]
    return {int(value): counts for (name, value, _event), counts in sums_of(hits).items()
            if name == "hour"}


def read_live(conn, today, since, site, event, filters=None):
    """(visitors, count) of one event since a moment of today: its hits that match every
    filter of {name: value} (page, ref, a trait), if given."""
    query, params = SELECT_LIVE, {"today": today, "since": since, "event": event, "site": site}
    for i, (name, value) in enumerate((filters or {}).items()):
        query += f" and {column(name)} = :value{i}"
        params[f"value{i}"] = value
    row = conn.execute(query, params).fetchone()
    return row[0], row[1]


def _add(result, key, visitors, count):
    counts = result.setdefault(key, [0, 0])
    counts[0] += visitors
    counts[1] += count
