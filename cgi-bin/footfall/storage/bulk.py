"""Bulk counting: a whole day of hits at once (seeding, log imports), with the rules of a live hit.

A live hit keeps the day's salt and views in the database until a later day deletes them. A day
counted here is a day gone by: its salt and views live in memory only, the same rule function
(counting.judge_view) reads them through DayViews, and each rollup row is written once with the
statements of the hit path. That saves most statements per hit: 10M hits seed in about a minute.
tests/bench/test_bulk_counting.py checks both ways give the same database.
"""

import os
from bisect import bisect_right, insort

from .. import counting
from .database import in_transaction
from .record import SELECT_SALT, add_page_day, add_referral, add_site_day, count_hit, end_days_before

INSERT_HITS = "insert into hits (ts, day, site, page, ref) values (?, ?, ?, ?, ?)"


class DayViews:
    """One day's views in memory, answering what record.SqlViews answers from the views table."""

    __slots__ = ("_pages",)

    def __init__(self):
        self._pages = {}  # visitor -> {page: times of its counted views, sorted}

    def history(self, visitor, page, since):
        pages = self._pages.get(visitor)
        if pages is None:
            return False, False, 0
        times = pages.get(page)
        if times is None:
            return True, False, 0
        # Views later than since, as the 'ts > :since' of record.SELECT_VISITOR_HISTORY.
        return True, True, len(times) - bisect_right(times, since)

    def add(self, visitor, page, ts):
        times = self._pages.setdefault(visitor, {}).setdefault(page, [])
        if times and ts < times[-1]:
            insort(times, ts)  # hits come oldest first; this is for the rare one that does not
        else:
            times.append(ts)


def record_day(conn, hits, rules, new_salt=os.urandom):
    """Count every hit of one day, oldest first, as record.record_hits would, in one transaction.

    Pass the whole day at once; a day that already has a salt (today, with real hits) is counted
    hit by hit instead. Returns the reasons in order, like record_hits.
    """
    if not hits:
        return []
    day = hits[0].day
    if any(hit.day != day for hit in hits):
        raise ValueError("record_day takes the hits of one day")

    def work(conn):
        if conn.execute(SELECT_SALT, {"day": day}).fetchone() is not None:
            return [count_hit(conn, hit, rules, new_salt) for hit in hits]
        # What the first hit of a day does in record._salt_for, but the salt stays in memory.
        end_days_before(conn, day, hits[0].ts - rules.retention_days * 86400)
        reasons, rows, sites, pages, refs = count_day(hits, rules, new_salt(32))
        conn.executemany(INSERT_HITS, rows)
        for site, (visitors, pageviews) in sites.items():
            add_site_day(conn, day, site, visitors, pageviews)
        for (page, site), (visitors, pageviews) in pages.items():
            add_page_day(conn, day, site, page, visitors, pageviews)
        for (site, ref_host), pageviews in refs.items():
            add_referral(conn, day, site, ref_host, pageviews)
        return reasons

    return in_transaction(conn, work)


def count_day(hits, rules, salt):
    """Apply the rules of a live hit to one day's hits in memory; returns what to write."""
    reasons, rows = [], []
    sites, pages, refs = {}, {}, {}
    views = DayViews()
    judge, visitor_id = counting.judge_view, counting.visitor_id
    known = {}  # (ip, user agent, site) -> visitor: a visitor's later views skip the hashing
    for hit in hits:
        key = (hit.ip, hit.user_agent, hit.site)
        visitor = known.get(key)
        if visitor is None:
            visitor = known[key] = visitor_id(salt, *key)
        verdict = judge(views, visitor, hit.page, hit.ts, rules)
        if verdict is None:
            reasons.append("flood")
            continue
        reasons.append(None)
        rows.append((hit.ts, hit.day, hit.site, hit.page, hit.ref))
        counts = sites.setdefault(hit.site, [0, 0])
        counts[0] += verdict[0]
        counts[1] += 1
        counts = pages.setdefault((hit.page, hit.site), [0, 0])
        counts[0] += verdict[1]
        counts[1] += 1
        ref_host = counting.referrer_host(hit.ref, hit.site)
        if ref_host:
            refs[hit.site, ref_host] = refs.get((hit.site, ref_host), 0) + 1
    return reasons, rows, sites, pages, refs
