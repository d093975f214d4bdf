"""Bulk counting: a whole day of hits at once (seeding, log imports), with the rules of a live hit.

A live hit keeps the day's salt and views in the database until a later day ends them. A day
counted here is a day gone by: its views live in memory (DayViews, which the same rule function,
counting.judge_view, reads), each rollup row is written once with the statements of the hit
path, and the day is ended when its counting is done. Views carried over midnight are read from
and written to the database as a live hit does, so counting day by day in bulk or hit by hit
gives the same database (tests/bench/test_bulk_counting.py). That saves most statements per hit:
10M hits seed in about a minute.
"""

import os

from .. import counting, pairs, records, summary
from . import breakdowns, day_records, days
from .connection import in_transaction
from .judge import DayViews, JudgedDay
from .record import (
    ADD_SECONDS,
    INSERT_VIEW,
    SqlViews,
    add_counts,
    view_columns,
)

SELECT_DAY_VIEWS = "select visitor, page, ts, counted from views where day = :day order by ts"
SELECT_COUNTED_THROUGH = "select 1 from views where day <= :day and counted limit 1"


def record_day(conn, hits, rules, today, new_salt=os.urandom):
    """Count every hit of one day gone by, oldest first, as record.record_hits would, in one
    transaction, and end the day. today is the current day (YYYY-MM-DD): the day counted must be
    before it. Returns the reasons in order, like record_hits.
    """
    return record_days(conn, [hits], rules, today, new_salt)[0]


def record_days(conn, days_of_hits, rules, today, new_salt=os.urandom, also=None,
                open_days=(), apart=None):
    """Count several days gone by (a list of each day's hits, oldest first), each as record_day
    would, in one transaction: their months' breakdown rows and sketches are summed up in memory
    and written once, at its end. also(conn), if given, runs last in the same transaction: an
    import's note of which lines these days hold is committed with their counts or not at all.

    A day of days_of_hits may come as a JudgedDay instead of its hits: judged where it was read
    (Judge), it is stored here as the day it stands for.

    open_days: the hits so far of days whose rest is still to come (a log read up to here):
    counted after the others as a live day's hits are, their salt and views kept on disk, so a
    later call goes on with them as with a day that has a salt, and ends them.
    Returns each day's reasons, then each open day's.

    apart: a process pool (multiprocessing's, seed_db's) that sums each day up and makes its
    records (the day end's pure work) while this process counts the next days: the days are
    counted first, then ended in order as their sums come back; the same statements and rows.
    Only for days of hits summed up from memory (else as without it).
    """
    for hits in list(days_of_hits) + list(open_days):
        if not hits:
            continue
        if isinstance(hits, JudgedDay):
            day = hits.day
        else:
            day = hits[0].day
            if any(hit.day != day for hit in hits):
                raise ValueError("record_day takes the hits of one day")
        if day >= today:
            raise ValueError("record_day counts days gone by; count today's hits with record_hits")

    def work(conn):
        days.lock_days(conn, today, alone=True)  # PostgreSQL: it ends days, so alone
        months = breakdowns.MonthSums()
        if apart is not None and _all_in_memory(conn, days_of_hits):
            results = _record_days_apart(conn, days_of_hits, rules, new_salt, months, apart)
        else:
            results = [_record_judged_day(conn, hits, rules, new_salt, months)
                       if isinstance(hits, JudgedDay) else
                       _record_day(conn, hits, rules, new_salt, months) if hits else []
                       for hits in days_of_hits]
        months.flush(conn)
        results += [_record_open_day(conn, hits, rules, new_salt) if hits else []
                    for hits in open_days]
        if also is not None:
            also(conn)
        return results

    # No checkpoint per day: bulk work runs many days in a row, and its caller checkpoints once
    # at the end (seed_db, import_log), so the ended days' salts leave the WAL then.
    return in_transaction(conn, work)


def _record_day(conn, hits, rules, new_salt, months):
    """One day of record_days, inside its transaction."""
    day = hits[0].day
    salt = days.salt_of(conn, day) or new_salt(32)  # a new one lives in memory only
    unique_salt = days.month_salt(conn, day[:7], new_salt)
    # Usually no counted view of this day or an earlier one is on disk (a day gone by is counted
    # whole, and earlier ones have ended): then the day is summed up from memory, with what
    # the views table would have held. Else its views go to the table as a live hit's do, and
    # the day's end sums them up with the earlier ones (breakdowns.store_ended_days).
    in_memory = conn.execute(SELECT_COUNTED_THROUGH, {"day": day}).fetchone() is None
    if not in_memory:
        months.flush(conn)  # the day's end writes its months itself, after what came before
    reasons, by_site = _count_and_add(conn, hits, rules, salt, unique_salt, new_salt,
                                      write_views=not in_memory)
    if days.salt_of(conn, day) is None:
        # end_days_before ends the days that have a salt: this one's lived in memory.
        conn.execute(days.INSERT_SALT, {"day": day, "salt": salt})
    if in_memory:
        for site, site_views in by_site.items():
            breakdowns.end_day(conn, day, site, site_views, months)
    days.end_days_before(conn, counting.next_day(day))
    return reasons


def _all_in_memory(conn, days_of_hits):
    """Whether every day of days_of_hits is hits (no JudgedDay) that _record_day would sum up
    from memory: no counted view of the last of them or an earlier day is on disk (and counting
    them in memory writes none)."""
    if any(isinstance(hits, JudgedDay) for hits in days_of_hits):
        return False
    last = max((hits[0].day for hits in days_of_hits if hits), default=None)
    return last is not None and conn.execute(SELECT_COUNTED_THROUGH,
                                              {"day": last}).fetchone() is None


def _record_days_apart(conn, days_of_hits, rules, new_salt, months, apart):
    """_record_day of each day (all summed up from memory), their summaries and records made in
    apart while this process counts: first every day counted, its sums sent off, then each day
    ended in order (what _record_day and breakdowns.end_day do after the counting)."""
    results, counted = [], []
    for hits in days_of_hits:
        if not hits:
            results.append([])
            continue
        day = hits[0].day
        salt = days.salt_of(conn, day) or new_salt(32)  # a new one lives in memory only
        unique_salt = days.month_salt(conn, day[:7], new_salt)
        reasons, by_site = _count_and_add(conn, hits, rules, salt, unique_salt, new_salt,
                                          write_views=False)
        if days.salt_of(conn, day) is None:
            conn.execute(days.INSERT_SALT, {"day": day, "salt": salt})
        results.append(reasons)
        counted.append((day, [(site, apart.apply_async(summed_day, (views,)))
                              for site, views in by_site.items()]))
    for day, sites in counted:
        for site, made in sites:
            packed, seconds, uniques, rows, day_pairs = made.get()
            breakdowns.add_summary(conn, day, site, packed, seconds, uniques, rows, months,
                                   day_pairs)
            day_records.add(conn, day, site, rows, [])
        days.end_days_before(conn, counting.next_day(day))
    return results


def summed_day(views):
    """The pure part of an ended day (breakdowns.end_day): its summary, then its records of the
    views as the summary capped them, and the pairs those add to the month (pairs.of_day). Run
    in a process of record_days' apart."""
    packed, seconds, uniques = summary.summarize_day(views)
    rows = records.view_records(views)
    return packed, seconds, uniques, rows, pairs.of_day(rows)


def _count_and_add(conn, hits, rules, salt, unique_salt, new_salt, write_views):
    """Count a day's hits against its views so far, add them to the rollups, carry the last
    moments' views over midnight; write the counted views to the views table, or return them
    ({site: [summary.View]}) for a summary made from memory. Returns (reasons, those views)."""
    day = hits[0].day
    views = DayViews()
    for visitor, page, ts, counted in conn.execute(SELECT_DAY_VIEWS, {"day": day}):
        views.add(visitor, page, ts, bool(counted))
    reasons, counts, counted_views, carried = count_day(hits, rules, salt, views)
    add_counts(conn, day, counts)
    by_site = None
    if write_views:
        _write_views(conn, hits, counted_views, salt, unique_salt, day)
    else:
        by_site = summary_views(hits, counted_views, salt, unique_salt)
    _carry(conn, day, [(hit.ts, hit.site, hit.page, hit.ip, hit.user_agent) for hit in carried],
           new_salt)
    return reasons, by_site


def _carry(conn, day, carried, new_salt):
    """The last moments' counted views of a day, [(ts, site, page, ip, user agent)], into the
    next day's views (uncounted), keyed by its salt: the flood window slides across midnight."""
    if not carried:
        return
    tomorrow = counting.next_day(day)
    next_salt = days.salt_of(conn, tomorrow) or days.make_salt(conn, tomorrow, new_salt)
    next_views = SqlViews(conn, tomorrow)
    for ts, site, page, ip, user_agent in carried:
        next_views.add(counting.visitor_id(next_salt, ip, user_agent, site), page, ts,
                       counted=False)


def _record_open_day(conn, hits, rules, new_salt):
    """One open day of record_days: counted, its salt and views left for the rest of it."""
    day = hits[0].day
    salt = days.salt_of(conn, day) or days.make_salt(conn, day, new_salt)
    unique_salt = days.month_salt(conn, day[:7], new_salt)
    reasons = _count_and_add(conn, hits, rules, salt, unique_salt, new_salt, write_views=True)[0]
    return reasons


def summary_views(hits, counted_views, salt, unique_salt):
    """{site: [summary.View]} of a day's counted views (count_day's), as breakdowns.day_views
    would read them back from the views table, visible seconds included (add_beacons)."""
    by_site = {}
    uniques = {}  # (ip, user agent, site) -> month-keyed hash
    # Hits share their traits dicts (a log import's hits with the same agent and campaign):
    # each dict's six values are read once. Every hit is alive here, so an id stays its own.
    values_of = {}
    View = summary.View
    for hit, visitor, hour, referral in counted_views:
        key = (hit.ip, hit.user_agent, hit.site)
        unique = uniques.get(key)
        if unique is None:
            unique = uniques[key] = counting.visitor_id(unique_salt, *key)
        traits = hit.traits
        values = values_of.get(id(traits))
        if values is None:
            values = values_of[id(traits)] = summary.trait_values(traits)
        view = View(visitor, unique, hit.ts, hour, hit.page, referral, *values, 0.0, 0)
        of_site = by_site.get(hit.site)
        if of_site is None:
            of_site = by_site[hit.site] = []
        of_site.append(view)
    timed = [hit for hit in hits if getattr(hit, "seconds", None) is not None]
    if not timed:  # a log's hits never carry seconds
        return by_site
    latest = {}  # (visitor, page) -> the view a beacon adds to: its latest, as ADD_SECONDS picks
    for views in by_site.values():
        for view in views:
            before = latest.get((view.visitor, view.page))
            if before is None or view.ts >= before.ts:
                latest[view.visitor, view.page] = view
    known = {}
    for hit in timed:
        seconds = hit.seconds
        key = (hit.ip, hit.user_agent, hit.site)
        visitor = known.get(key)
        if visitor is None:
            visitor = known[key] = counting.visitor_id(salt, *key)
        view = latest.get((visitor, hit.page))
        if view is not None:
            # ADD_SECONDS, in Python: at most the time since the view.
            view.seconds = float(min(view.seconds + seconds, max(hit.ts + seconds - view.ts, 0)))
            view.timed = 1
    return by_site


def _write_views(conn, hits, counted_views, salt, unique_salt, day):
    """The counted views to the views table as a live hit's go, then the day's beacons."""
    uniques = {}
    rows = []
    for hit, visitor, hour, referral in counted_views:
        key = (hit.ip, hit.user_agent, hit.site)
        unique = uniques.get(key)
        if unique is None:
            unique = uniques[key] = counting.visitor_id(unique_salt, *key)
        rows.append(dict(view_columns(hit, hour, referral, unique), visitor=visitor,
                         page=hit.page, ts=hit.ts, day=day, counted=1))
    conn.executemany(INSERT_VIEW, rows)
    add_beacons(conn, hits, salt, day)


def add_beacons(conn, hits, salt, day):
    """The visible seconds that hits carry (seed_db's DemoHit: its page's beacon, sent when the
    page was left), added to the day's views by record's ADD_SECONDS before the day ends, as
    record.record_seconds adds a live beacon's. A Hit without them adds nothing."""
    known = {}  # (ip, user agent, site) -> visitor: hashed once per visitor, as in count_day
    for hit in hits:
        seconds = getattr(hit, "seconds", None)
        if seconds is not None:
            key = (hit.ip, hit.user_agent, hit.site)
            visitor = known.get(key)
            if visitor is None:
                visitor = known[key] = counting.visitor_id(salt, *key)
            conn.execute(ADD_SECONDS, {"visitor": visitor, "page": hit.page, "day": day,
                                       "seconds": seconds, "now": hit.ts + seconds})


def count_day(hits, rules, salt, views=None):
    """Apply the rules of a live hit to one day's hits in memory.

    Returns (reasons, the day's counting.DayCounts, the counted views as (hit, visitor, hour,
    referral), the hits to carry over midnight).
    """
    reasons, counted, carried = [], [], []
    counts = counting.DayCounts()
    views = DayViews() if views is None else views
    judge, visitor_id = counting.judge_view, counting.visitor_id
    known = {}  # (ip, user agent, site) -> visitor: a visitor's later views skip the hashing
    if not hits:
        return reasons, counts, counted, carried
    start = counting.day_start(hits[0].day, rules.zone)
    end = counting.day_start(counting.next_day(hits[0].day), rules.zone)
    carry_from = end - rules.flood_window_seconds
    steady = end - start == 86400  # no clock change that day: the hour is the time since midnight

    def hour_of(ts, zone):
        if steady and start <= ts < end:
            return int((ts - start) // 3600)
        return counting.hour_of(ts, zone)

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
        hour = hour_of(hit.ts, rules.zone)
        referral = hit.referral()
        counted.append((hit, visitor, hour, referral))
        counts.add(hit.site, hour, hit.page, referral, verdict[0], verdict[1])
        if hit.ts > carry_from:
            carried.append(hit)
    return reasons, counts, counted, carried


def _record_judged_day(conn, judged, rules, new_salt, months):
    """A JudgedDay of record_days, inside its transaction: stored as _record_day stores a day
    summed up from memory."""
    day = judged.day
    if conn.execute(SELECT_COUNTED_THROUGH, {"day": day}).fetchone() is not None:
        # A day before it was counted open by an earlier batch (an import's batch that ended
        # at this day's first line, held back) and not ended yet: it ends now, from its views
        # on disk, as this day's hits would end it (the Judge judged them after its part).
        months.flush(conn)  # its end writes its months itself, after what came before
        days.end_days_before(conn, day)
    if conn.execute(SELECT_COUNTED_THROUGH, {"day": day}).fetchone() is not None:
        # The Judge's start (no day under way) or order was not kept: its verdicts may differ
        # from the database's. A bug; never counted as if they did not.
        raise ValueError(f"{day} was judged apart from counted views on disk")
    unique_salt = days.month_salt(conn, day[:7], new_salt)
    judged.views_and_counts(rules)
    add_counts(conn, day, judged.counts)
    _carry(conn, day, judged.carried, new_salt)
    if days.salt_of(conn, day) is None:
        # end_days_before ends the days that have a salt: this one's lived with the Judge.
        conn.execute(days.INSERT_SALT, {"day": day, "salt": new_salt(32)})
    for site, (packed, seconds, uniques) in judged.hashed_summaries(unique_salt).items():
        rows = judged.records.get(site, [])
        breakdowns.add_summary(conn, day, site, packed, seconds, uniques, rows, months)
        day_records.add(conn, day, site, rows, [])
    days.end_days_before(conn, counting.next_day(day))
    return judged.reasons
