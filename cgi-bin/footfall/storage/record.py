"""The write path of one hit: the day's salt, the views that the counting rules read, and the
rollups, all in one transaction. No raw hit is stored (docs/privacy.md says why).

bulk.py counts whole days with the same rules (counting.judge_view), the same counts of them
(counting.DayCounts) and the same rollup statements (add_counts); this module never imports it.
"""

import os

from .. import counting, dimensions
from . import days
from .connection import checkpoint, in_transaction, lock
from .page_rollups import add_page_day
from .ref_rollups import add_referral


class Hit:
    """One pageview as received. ip and user_agent only ever feed the visitor hashes; traits is
    traits.describe()'s {name: value} (browser, country, campaign, source...), or empty."""

    __slots__ = ("ts", "day", "site", "page", "ref", "ip", "user_agent", "traits")

    def __init__(self, ts, day, site, page, ref, ip, user_agent, traits=None):
        self.ts, self.day, self.site, self.page = ts, day, site, page
        self.ref, self.ip, self.user_agent = ref, ip, user_agent
        self.traits = traits or {}

    def referral(self):
        """What the referrers list counts this hit under: the campaign's source if the page's
        query named one, else the referring host if it is another site, else ''."""
        return counting.referral(self.traits.get("source", ""), self.ref, self.site)


class Rules:
    """The numbers and zone the write path applies: the flood rule and the day's cap per visitor."""

    __slots__ = ("flood_limit", "flood_window_seconds", "daily_limit", "zone")

    def __init__(self, flood_limit=10, flood_window_seconds=60, daily_limit=300, zone=None):
        self.flood_limit = flood_limit
        self.flood_window_seconds = flood_window_seconds
        self.daily_limit = daily_limit
        self.zone = zone  # a tzinfo for the calendar; None: the server's zone

    @classmethod
    def from_config(cls, config):
        return cls(config.flood_limit, config.flood_window_seconds, config.daily_limit, config.zone)


# What counting.judge_view asks of the day's views (see SqlViews).
# The index views_visitor (visitor, page, ts, counted) answers all three without the table.
SELECT_VISITOR_HISTORY = """
    select
        (select count(*) from views where visitor = :visitor and counted) as day_views,
        exists (select 1 from views
                 where visitor = :visitor and page = :page and counted) as seen_page,
        (select count(*) from views
          where visitor = :visitor and page = :page and ts > :since) as recent_views
"""
# The traits' columns (dimensions.TRAITS: browser, os ... campaign) and their parameters.
_TRAITS = ", ".join(dimensions.TRAITS)
_TRAIT_PARAMETERS = ", ".join(":" + name for name in dimensions.TRAITS)
INSERT_VIEW = f"""
    insert into views (visitor, page, ts, day, counted, site, hour, ref, {_TRAITS},
                       unique_visitor)
    values (:visitor, :page, :ts, :day, :counted, :site, :hour, :ref, {_TRAIT_PARAMETERS},
            :unique_visitor)
"""
# The visible seconds footfall.js reports when a page is left: added to the visitor's latest
# view of the page today, and never more than the time since that view.
# Before a live beacon changes a view of today: what the view held, so that a GET's kept summary
# of today (storage/today.py) can take the visit out as it was. A bulk day's beacons need none:
# they change views written in the same batch, newer than any kept summary.
LOG_BEACON = """
    insert into beacon_log (day, view, seconds, timed)
    select day, id, seconds, timed from views
     where id = (select id from views
                     where visitor = :visitor and page = :page and day = :day and counted
                     order by ts desc limit 1)
"""
ADD_SECONDS = """
    update views set seconds = min(seconds + :seconds, max(:now - ts, 0)), timed = 1
     where id = (select id from views
                     where visitor = :visitor and page = :page and day = :day and counted
                     order by ts desc limit 1)
"""
# Rollups: each hit (or bulk.record_day's whole day) adds its counts to the row, made if it
# is not there yet. One statement either way (an upsert: SQLite 3.24 and newer), and under
# PostgreSQL's many writers two racing to make the same row both add.
ADD_DAILY_SITE = """
    insert into daily_site (day, site, visitors, pageviews) values (:day, :site, :visitors, :pageviews)
    on conflict (day, site) do update
       set visitors = daily_site.visitors + excluded.visitors,
           pageviews = daily_site.pageviews + excluded.pageviews
"""
ADD_HOURLY_SITE = """
    insert into hourly_site (day, site, hour, visitors, pageviews)
    values (:day, :site, :hour, :visitors, :pageviews)
    on conflict (day, site, hour) do update
       set visitors = hourly_site.visitors + excluded.visitors,
           pageviews = hourly_site.pageviews + excluded.pageviews
"""


class SqlViews:
    """The day's views as the views table holds them: what counting.judge_view reads and adds to.

    judge.DayViews answers the same questions from memory for a day counted in one go. columns
    are the view's other columns (site, hour, referral, traits, month-keyed visitor).
    """

    __slots__ = ("conn", "day", "columns")

    def __init__(self, conn, day, columns=None):
        self.conn, self.day, self.columns = conn, day, columns or NO_COLUMNS

    def history(self, visitor, page, since):
        params = {"visitor": visitor, "page": page, "since": since}
        return self.conn.execute(SELECT_VISITOR_HISTORY, params).fetchone()

    def add(self, visitor, page, ts, counted=True):
        self.conn.execute(INSERT_VIEW, dict(self.columns, visitor=visitor, page=page, ts=ts,
                                            day=self.day, counted=1 if counted else 0))


NO_COLUMNS = dict(dict.fromkeys(dimensions.TRAITS, ""), site="", hour=0, ref="",
                  unique_visitor=None)


def view_columns(hit, hour, referral, unique_visitor):
    """The columns of a counted view beside visitor, page, ts and day."""
    traits = hit.traits
    columns = {name: traits.get(name, "") for name in dimensions.TRAITS}
    columns.update(site=hit.site, hour=hour, ref=referral, unique_visitor=unique_visitor)
    return columns


def record_hit(conn, hit, rules, today=None, new_salt=os.urandom):
    """Count one hit in its own transaction. Returns None if counted, else the reason ('flood').

    today() gives the current day when the transaction runs (None: the hit's own day), so a hit
    whose day ended while it waited for the lock is never given a fresh salt. new_salt(32) makes
    a day's salt; it is passed in, like the clock, so tests can pin it. Days that have ended are
    closed on the way (days.py).
    """
    reason, ended = in_transaction(conn, lambda conn: count_hit(conn, hit, rules, today, new_salt))
    if ended:
        checkpoint(conn)
    return reason


def record_hits(conn, hits, rules, new_salt=os.urandom):
    """Count many hits, oldest first, in one transaction (seeding, imports); reasons in order.

    Each hit's own day is taken as the current day, as if they arrived when they were made.
    """
    def work(conn):
        # One lock for the whole batch rather than one per visitor (PostgreSQL keeps a bounded
        # number of locks per transaction): a batch is seeding or an import, never live traffic.
        if hits:
            days.lock_days(conn, hits[0].day, alone=True)
        return [count_hit(conn, hit, rules, None, new_salt, lock_visitor=False) for hit in hits]

    results = in_transaction(conn, work)
    if any(ended for _reason, ended in results):
        checkpoint(conn)
    return [reason for reason, _ended in results]


def count_hit(conn, hit, rules, today=None, new_salt=os.urandom, lock_visitor=True):
    """Count one hit inside the caller's transaction: (None or the reason, whether days ended).

    Under PostgreSQL other writers run meanwhile: the hit holds the days lock (days.lock_days)
    and its visitor's lock while it reads and writes the visitor's views, so two hits of one
    visitor are judged one after the other (lock_visitor=False: the caller holds the days lock
    alone).
    """
    today_day = hit.day if today is None else today()
    if lock_visitor:
        days.lock_days(conn, today_day)
    hour = counting.hour_of(hit.ts, rules.zone)
    referral = hit.referral()
    # One query for both salts and whether days have ended: a hit's round trips are what it
    # costs on PostgreSQL. Nothing ends a day while this transaction holds the days lock (or
    # SQLite's write lock), so the answer still holds at the end.
    salt, month_salt, ended_before = days.salts_of(conn, hit.day, today_day)
    if salt is None:
        if hit.day < today_day:
            # The day ended while this hit waited: its salt is gone, and an ended day never gets
            # a new one. The pageview counts in its day; the visitor cannot be told apart.
            add_counts(conn, hit.day, _one_view(hit, hour, referral, 0, 0))
            return None, days.end_days_before(conn, today_day)
        salt = days.make_salt(conn, hit.day, new_salt)
    visitor = counting.visitor_id(salt, hit.ip, hit.user_agent, hit.site)
    if lock_visitor:
        lock(conn, days.visitor_lock(hit.day, visitor))
    if month_salt is None:
        month_salt = days.month_salt(conn, hit.day[:7], new_salt)
    unique = counting.visitor_id(month_salt, hit.ip, hit.user_agent, hit.site)
    views = SqlViews(conn, hit.day, view_columns(hit, hour, referral, unique))
    verdict = counting.judge_view(views, visitor, hit.page, hit.ts, rules)
    ended = ended_before and days.end_days_before(conn, today_day)
    if verdict is None:
        return "flood", ended
    new_visitor, new_page_visitor = verdict
    add_counts(conn, hit.day, _one_view(hit, hour, referral, new_visitor, new_page_visitor))
    if hour >= 23 - rules.flood_window_seconds // 3600:
        _carry_over(conn, hit, rules, new_salt, lock_visitor)
    return None, ended



def record_seconds(conn, hit, seconds, today=None):
    """Add the visible seconds footfall.js reported for a page to the visitor's latest view of
    it today, at most the time since that view. Returns None if added, else 'no view'."""

    def work(conn):
        today_day = hit.day if today is None else today()
        days.lock_days(conn, today_day)
        salt = days.salt_of(conn, hit.day)
        ended = days.end_days_before(conn, today_day)
        if salt is None or hit.day < today_day:
            return "no view", ended
        visitor = counting.visitor_id(salt, hit.ip, hit.user_agent, hit.site)
        lock(conn, days.visitor_lock(hit.day, visitor))
        params = {"visitor": visitor, "page": hit.page, "day": hit.day, "seconds": seconds,
                  "now": hit.ts}
        conn.execute(LOG_BEACON, params)
        return (None if conn.execute(ADD_SECONDS, params).rowcount else "no view"), ended

    reason, ended = in_transaction(conn, work)
    if ended:
        checkpoint(conn)
    return reason


def _carry_over(conn, hit, rules, new_salt, lock_visitor=True):
    # A view in the last flood window of a day is also a view of the next day's first moments,
    # for the flood rule only. Its key must be the next day's hash, and this day's salt dies at
    # midnight: so it is written now, keyed by the next day's salt, made early if need be.
    tomorrow = counting.next_day(hit.day)
    if hit.ts <= counting.day_start(tomorrow, rules.zone) - rules.flood_window_seconds:
        return
    salt = days.salt_of(conn, tomorrow) or days.make_salt(conn, tomorrow, new_salt)
    visitor = counting.visitor_id(salt, hit.ip, hit.user_agent, hit.site)
    if lock_visitor:  # after today's lock: a day's lock is always taken before the next day's
        lock(conn, days.visitor_lock(tomorrow, visitor))
    SqlViews(conn, tomorrow).add(visitor, hit.page, hit.ts, counted=False)


def _one_view(hit, hour, referral, new_visitor, new_page):
    counts = counting.DayCounts()
    counts.add(hit.site, hour, hit.page, referral, new_visitor, new_page)
    return counts


def add_counts(conn, day, counts):
    """A day's counting.DayCounts (of one hit's view, or of a whole day) added to the rollups."""
    for site, (visitors, pageviews) in counts.sites.items():
        add_site_day(conn, day, site, visitors, pageviews)
    for (site, hour), (visitors, pageviews) in counts.hours.items():
        add_site_hour(conn, day, site, hour, visitors, pageviews)
    for (page, site), (visitors, pageviews) in counts.pages.items():
        add_page_day(conn, day, site, page, visitors, pageviews)
    for (site, ref_host), pageviews in counts.refs.items():
        add_referral(conn, day, site, ref_host, pageviews)


def add_site_day(conn, day, site, visitors, pageviews):
    conn.execute(ADD_DAILY_SITE, {"day": day, "site": site, "visitors": visitors,
                                  "pageviews": pageviews})


def add_site_hour(conn, day, site, hour, visitors, pageviews):
    conn.execute(ADD_HOURLY_SITE, {"day": day, "site": site, "hour": hour, "visitors": visitors,
                                   "pageviews": pageviews})


class _RolledBack(Exception):
    """Ends try_hit's transaction without committing it."""


def try_hit(conn, hit, rules, today=None, new_salt=os.urandom):
    """Count a hit and read its page's day back, then roll it all back: what a test hit
    (scripts/doctor.py, scripts/load.py) runs, proving the whole write path on the real file
    (write lock, every statement) while the owner's stats keep nothing of it.
    Returns (reason, pageviews read back: the page's pageviews that day inside the transaction)."""
    from .totals import read_days  # only a test hit reads inside the write path

    outcome = []

    def work(conn):
        reason, _ended = count_hit(conn, hit, rules, today, new_salt)
        read = read_days(conn, hit.day, hit.day, hit.site, hit.page)
        outcome.extend([reason, read.get(hit.day, (0, 0))[1]])
        raise _RolledBack

    try:
        in_transaction(conn, work)
    except _RolledBack:
        pass
    return outcome[0], outcome[1]
