"""A referrer's day and month rollups (daily_ref, monthly_ref): the pageviews each referring host
sent. Added to by record.add_counts (a live hit, a bulk day, an imported day); folded past the
day's cap when it ends (breakdowns.add_summary), as a page's rollups are (page_caps.py); a
month summed up again from its days by migrate_db (copies.py). monthly_ref since schema 27:
a year's referrers are twelve months' rows and the days at the range's ends, not 365 days'
(totals.top_referrers).
"""

from ..bounds import OTHER

ADD_DAILY = """
    insert into daily_ref (day, site, ref, pageviews) values (:day, :site, :ref, :pageviews)
    on conflict (day, site, ref) do update set pageviews = daily_ref.pageviews + excluded.pageviews
"""
ADD_MONTHLY = """
    insert into monthly_ref (month, site, ref, pageviews)
    values (:month, :site, :ref, :pageviews)
    on conflict (month, site, ref) do update
       set pageviews = monthly_ref.pageviews + excluded.pageviews
"""
SELECT_DAY = "select ref, pageviews from daily_ref where day = :day and site = :site"
DELETE_DAY_REF = "delete from daily_ref where day = :day and site = :site and ref = :ref"
TAKE_FROM_MONTH = """
    update monthly_ref set pageviews = pageviews - :pageviews
     where month = :month and site = :site and ref = :ref
"""
DELETE_EMPTY_MONTH = """
    delete from monthly_ref where month = :month and site = :site and ref = :ref and pageviews <= 0
"""
# A month's rows summed up again from its days (copies.sum_up_month), and migration 27.
DELETE_MONTH = "delete from monthly_ref where month = :month"
SUM_MONTH = """
    insert into monthly_ref (month, site, ref, pageviews)
    select :month, site, ref, sum(pageviews) from daily_ref
     where day between :first and :last
     group by site, ref
"""
TABLE = """
    create table if not exists monthly_ref (
        month      text    not null,
        site       text    not null,
        ref        text    not null,
        pageviews  integer not null default 0,
        primary key (month, site, ref)
    ){}
"""
# (Emptied first: a database made by later code and marked older, in tests, has the table.)
FILL = """
    delete from monthly_ref;
    insert into monthly_ref (month, site, ref, pageviews)
    select substr(day, 1, 7), site, ref, sum(pageviews) from daily_ref
     group by substr(day, 1, 7), site, ref
"""
# Migration 27 in each backend's words (PostgreSQL's tables have no rowid to leave out).
MIGRATION = TABLE.format(" without rowid") + ";" + FILL
PG_MIGRATION = TABLE.format("") + ";" + FILL


def add_referral(conn, day, site, ref, pageviews):
    params = {"day": day, "month": day[:7], "site": site, "ref": ref, "pageviews": pageviews}
    conn.execute(ADD_DAILY, params)
    conn.execute(ADD_MONTHLY, params)


def fold_refs(conn, day, site, kept):
    """Inside the day's end: fold the day's daily_ref rows of hosts not in kept (the referrers
    of its summary, which counts the rest as OTHER) into one OTHER row, and take them out of
    their month's rows the same way. Without this a hostile day's every new host stayed."""
    folded = [(ref, pageviews) for ref, pageviews
              in conn.execute(SELECT_DAY, {"day": day, "site": site}).fetchall()
              if ref not in kept]
    for ref, pageviews in folded:
        params = {"day": day, "month": day[:7], "site": site, "ref": ref, "pageviews": pageviews}
        conn.execute(DELETE_DAY_REF, params)
        conn.execute(TAKE_FROM_MONTH, params)
        conn.execute(DELETE_EMPTY_MONTH, params)
    if folded:
        add_referral(conn, day, site, OTHER, sum(pageviews for _ref, pageviews in folded))
