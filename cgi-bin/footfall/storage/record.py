"""The write path of one hit: the day's salt, the views that the counting rules read, the raw hit
and its rollups, all in one transaction.

bulk.py counts whole days with the same rules (counting.judge_view) and the same rollup statements
(add_to_rollups); this module never imports it.
"""

import os

from .. import counting
from .database import in_transaction


class Hit:
    """One pageview as received. ip and user_agent only ever feed the visitor hash."""

    __slots__ = ("ts", "day", "site", "page", "ref", "ip", "user_agent")

    def __init__(self, ts, day, site, page, ref, ip, user_agent):
        self.ts, self.day, self.site, self.page = ts, day, site, page
        self.ref, self.ip, self.user_agent = ref, ip, user_agent


class Rules:
    """The numbers the write path applies: flood limit and window, retention."""

    __slots__ = ("flood_limit", "flood_window_seconds", "retention_days")

    def __init__(self, flood_limit=10, flood_window_seconds=60, retention_days=400):
        self.flood_limit = flood_limit
        self.flood_window_seconds = flood_window_seconds
        self.retention_days = retention_days

    @classmethod
    def from_config(cls, config):
        return cls(config.flood_limit, config.flood_window_seconds, config.retention_days)


SELECT_SALT = "select salt from salts where day = :day"
INSERT_SALT = "insert into salts (day, salt) values (:day, :salt)"
# A new day's first hit ends every earlier day: salts, views and, past retention, raw hits.
FORGET_SALTS_BEFORE = "delete from salts where day < :day"
FORGET_VIEWS_BEFORE = "delete from views where day < :day"
PRUNE_HITS_BEFORE = "delete from hits where ts < :cutoff"

# What counting.judge_view asks of the day's views (see SqlViews).
SELECT_VISITOR_HISTORY = """
    select
        exists (select 1 from views where visitor = :visitor) as seen_today,
        exists (select 1 from views where visitor = :visitor and page = :page) as seen_page,
        (select count(*) from views
          where visitor = :visitor and page = :page and ts > :since) as recent_views
"""
INSERT_VIEW = """
    insert into views (visitor, page, ts, day) values (:visitor, :page, :ts, :day)
"""
INSERT_HIT = """
    insert into hits (ts, day, site, page, ref) values (:ts, :day, :site, :page, :ref)
"""
# Rollups: update first and insert only when no row was touched (one statement on all but the
# first hit of a day), and no UPSERT, which SQLite before 3.24 (still on some hosts) lacks.
# One hit adds pageviews=1; bulk.record_day adds a whole day's counts at once.
ADD_DAILY_SITE = """
    update daily_site set visitors = visitors + :visitors, pageviews = pageviews + :pageviews
     where day = :day and site = :site
"""
NEW_DAILY_SITE = """
    insert into daily_site (day, site, visitors, pageviews) values (:day, :site, :visitors, :pageviews)
"""
ADD_DAILY_PAGE = """
    update daily_page set visitors = visitors + :visitors, pageviews = pageviews + :pageviews
     where page = :page and day = :day and site = :site
"""
NEW_DAILY_PAGE = """
    insert into daily_page (page, day, site, visitors, pageviews)
    values (:page, :day, :site, :visitors, :pageviews)
"""
ADD_MONTHLY_PAGE = """
    update monthly_page set visitors = visitors + :visitors, pageviews = pageviews + :pageviews
     where month = :month and site = :site and page = :page
"""
NEW_MONTHLY_PAGE = """
    insert into monthly_page (month, site, page, visitors, pageviews)
    values (:month, :site, :page, :visitors, :pageviews)
"""
ADD_DAILY_REF = """
    update daily_ref set pageviews = pageviews + :pageviews
     where day = :day and site = :site and ref = :ref_host
"""
NEW_DAILY_REF = """
    insert into daily_ref (day, site, ref, pageviews) values (:day, :site, :ref_host, :pageviews)
"""


class SqlViews:
    """The day's views as the views table holds them: what counting.judge_view reads and adds to.

    bulk.DayViews answers the same questions from memory for a day counted in one go.
    """

    __slots__ = ("conn", "day")

    def __init__(self, conn, day):
        self.conn, self.day = conn, day

    def history(self, visitor, page, since):
        params = {"visitor": visitor, "page": page, "since": since}
        return self.conn.execute(SELECT_VISITOR_HISTORY, params).fetchone()

    def add(self, visitor, page, ts):
        self.conn.execute(INSERT_VIEW, {"visitor": visitor, "page": page, "ts": ts, "day": self.day})


def record_hit(conn, hit, rules, new_salt=os.urandom):
    """Count one hit in its own transaction. Returns None if counted, else the reason ('flood').

    new_salt(32) makes a day's salt; it is passed in, like the clock, so tests can pin it.
    """
    return in_transaction(conn, lambda conn: count_hit(conn, hit, rules, new_salt))


def record_hits(conn, hits, rules, new_salt=os.urandom):
    """Count many hits, oldest first, in one transaction (seeding, imports); reasons in order."""
    return in_transaction(conn, lambda conn: [count_hit(conn, hit, rules, new_salt) for hit in hits])


def count_hit(conn, hit, rules, new_salt=os.urandom):
    """Count one hit inside the caller's transaction: None if counted, else the reason."""
    salt = _salt_for(conn, hit, rules, new_salt)
    visitor = counting.visitor_id(salt, hit.ip, hit.user_agent, hit.site)
    verdict = counting.judge_view(SqlViews(conn, hit.day), visitor, hit.page, hit.ts, rules)
    if verdict is None:
        return "flood"
    new_visitor, new_page_visitor = verdict
    conn.execute(INSERT_HIT, {"ts": hit.ts, "day": hit.day, "site": hit.site, "page": hit.page,
                              "ref": hit.ref})
    add_to_rollups(conn, hit.day, hit.site, hit.page, new_visitor, new_page_visitor, 1,
                   counting.referrer_host(hit.ref, hit.site))
    return None


def add_to_rollups(conn, day, site, page, site_visitors, page_visitors, pageviews, ref_host):
    """Add one day's counts to every rollup of a site and page (and referring host, if any)."""
    add_site_day(conn, day, site, site_visitors, pageviews)
    add_page_day(conn, day, site, page, page_visitors, pageviews)
    if ref_host:
        add_referral(conn, day, site, ref_host, pageviews)


def add_site_day(conn, day, site, visitors, pageviews):
    _add(conn, ADD_DAILY_SITE, NEW_DAILY_SITE,
         {"day": day, "site": site, "visitors": visitors, "pageviews": pageviews})


def add_page_day(conn, day, site, page, visitors, pageviews):
    params = {"day": day, "month": day[:7], "site": site, "page": page,
              "visitors": visitors, "pageviews": pageviews}
    _add(conn, ADD_DAILY_PAGE, NEW_DAILY_PAGE, params)
    _add(conn, ADD_MONTHLY_PAGE, NEW_MONTHLY_PAGE, params)


def add_referral(conn, day, site, ref_host, pageviews):
    _add(conn, ADD_DAILY_REF, NEW_DAILY_REF,
         {"day": day, "site": site, "ref_host": ref_host, "pageviews": pageviews})


def _add(conn, update, insert, params):
    if conn.execute(update, params).rowcount == 0:
        conn.execute(insert, params)


def _salt_for(conn, hit, rules, new_salt):
    row = conn.execute(SELECT_SALT, {"day": hit.day}).fetchone()
    if row is not None:
        return row[0]
    salt = new_salt(32)
    # The first hit of a day: end the days before it. Raw hits past retention go too, a daily
    # chore on the write path so no cron job is needed on a shared host.
    end_days_before(conn, hit.day, hit.ts - rules.retention_days * 86400)
    conn.execute(INSERT_SALT, {"day": hit.day, "salt": salt})
    return salt


def end_days_before(conn, day, prune_before_ts):
    """Forget the salts and views of days before day, and prune raw hits older than a time."""
    conn.execute(FORGET_SALTS_BEFORE, {"day": day})
    conn.execute(FORGET_VIEWS_BEFORE, {"day": day})
    conn.execute(PRUNE_HITS_BEFORE, {"cutoff": prune_before_ts})


def forget_days_before(conn, day):
    """Delete salts and views of days before day: what seeding back-dated hits ends with."""

    def forget(conn):
        conn.execute(FORGET_SALTS_BEFORE, {"day": day})
        conn.execute(FORGET_VIEWS_BEFORE, {"day": day})

    in_transaction(conn, forget)


def prune_hits(conn, cutoff_ts):
    """Delete raw hits older than cutoff_ts; rollups stay. Returns how many were deleted."""
    return in_transaction(conn, lambda conn: conn.execute(PRUNE_HITS_BEFORE,
                                                          {"cutoff": cutoff_ts}).rowcount)
