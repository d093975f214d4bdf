"""Days judged in memory: the flood and distinct-visitor rules (counting.judge_view) applied
to a day's hits without the database, for bulk counting (bulk.py) and for a log import's reading
process, which judges each day as it is read (Judge) and hands it to the writing process as
plain data (JudgedDay) for bulk.record_days to store.
"""

from bisect import bisect_right, insort
from operator import itemgetter

from .. import counting, records, summary

# A hit as the Judge takes it: a log import's page view as the tuple of its fields, in the order
# of importing.batches.LogHit's arguments (the reading process holds its hits so, and making an
# object of each only to judge it cost a tenth of its judging).
TS, DAY, SITE, PAGE, REF, IP, USER_AGENT, TRAITS, REFERRAL = range(9)
# What a JudgedDay keeps of each counted hit, in its order (JudgedDay.hits).
_KEPT = itemgetter(TS, SITE, PAGE, REFERRAL, IP, USER_AGENT, TRAITS)


class DayViews:
    """One day's views in memory, answering what record.SqlViews answers from the views table."""

    __slots__ = ("_visitors",)

    def __init__(self):
        # visitor -> [pageviews counted today, {page: [times of its views, sorted; counted ones]}]
        self._visitors = {}

    def history(self, visitor, page, since):
        entry = self._visitors.get(visitor)
        if entry is None:
            return 0, False, 0
        of_page = entry[1].get(page)
        if of_page is None:
            return entry[0], False, 0
        times = of_page[0]
        # Views later than since, as the 'ts > :since' of record.SELECT_VISITOR_HISTORY.
        return entry[0], of_page[1] > 0, len(times) - bisect_right(times, since)

    def add(self, visitor, page, ts, counted=True):
        entry = self._visitors.get(visitor)
        if entry is None:
            entry = self._visitors[visitor] = [0, {}]
        of_page = entry[1].get(page)
        if of_page is None:
            of_page = entry[1][page] = [[], 0]
        times = of_page[0]
        if times and ts < times[-1]:
            insort(times, ts)  # hits come oldest first; this is for the rare one that does not
        else:
            times.append(ts)
        if counted:
            entry[0] += 1
            of_page[1] += 1


class Judge:
    """The flood and distinct-visitor rules (counting.judge_view) for days gone by, applied in
    the process that reads the hits (a log import's reading process), so that the process that
    writes them does less: a day read whole goes to record_days as a JudgedDay. It must see
    every hit the database is given, in the order record_days counts them (each batch's closed
    days oldest first, then its open ones), and start from a database with no day under way
    before today (days.has_ended_days false): it keeps in memory what record_days keeps on disk
    for such days (their views so far, the views carried over midnight), and so reaches the same
    verdicts. Its visitors are (ip, user agent, site) in memory, where the hits are anyway; a
    day's are dropped when it ends, as the database's salt and views are. Hits are field tuples
    (TS, DAY, ... above)."""

    def __init__(self, rules):
        self.rules = rules
        self._days = {}  # day -> DayViews of the days under way
        self._opened = set()  # days under way with an open part: their views are on disk

    def open_part(self, hits):
        """An open day's hits so far: judged as record_days judges them (there, not here)."""
        if hits:
            self._judge(hits)
            self._opened.add(hits[0][DAY])

    def closed_day(self, hits):
        """A day read whole (or its rest): judged and ended as record_days judges and ends it.
        Returns the JudgedDay for record_days to store, or None when record_days must be given
        the hits: a day with an open part has counted views on disk, summed up from there."""
        day = hits[0][DAY]
        reasons, counted = self._judge(hits)
        opened = day in self._opened
        for other in [other for other in self._days if other <= day]:
            del self._days[other]  # days.end_days_before(the next day)
            self._opened.discard(other)
        return None if opened else JudgedDay(day, reasons, counted)

    def _judge(self, hits):
        """count_day's verdicts, and its carrying over midnight, without its counts."""
        day = hits[0][DAY]
        views = self._days.get(day)
        if views is None:
            views = self._days[day] = DayViews()
        rules, judge = self.rules, counting.judge_view
        carry_from = counting.day_start(counting.next_day(day), rules.zone) - \
            rules.flood_window_seconds
        reasons, counted, carried = [], [], []
        for hit in hits:
            ts, _, site, page, _, ip, user_agent, _, _ = hit
            if judge(views, (ip, user_agent, site), page, ts, rules) is None:
                reasons.append("flood")
                continue
            reasons.append(None)
            counted.append(hit)
            if ts > carry_from:
                carried.append(hit)
        if carried:
            tomorrow = counting.next_day(day)
            views = self._days.get(tomorrow)
            if views is None:
                views = self._days[tomorrow] = DayViews()
            for hit in carried:
                views.add((hit[IP], hit[USER_AGENT], hit[SITE]), hit[PAGE], hit[TS], counted=False)
        return reasons, counted


class JudgedDay:
    """A day gone by, judged by a Judge: its verdicts and counted hits, as plain data that
    pickles small, from which record_days stores what count_day and summary_views would give
    (views_and_counts). Its visitors become numbers (their order of arrival): the month-keyed
    hashes of the unique-visitor sketches are made where the month's salt is, in record_days.
    summarize() sums the day up where it is (a log import's reading process, while the
    writing one is busy); else record_days does. For hits that carry no visible seconds (a
    log's)."""

    __slots__ = ("day", "reasons", "hits", "keys", "counts", "carried", "views", "summaries",
                 "records")

    def __init__(self, day, reasons, counted):
        self.day, self.reasons = day, reasons
        # (ts, site, page, referral, ip, user agent, traits) of each counted hit, in order
        self.hits = list(map(_KEPT, counted))
        self.keys = self.counts = self.carried = self.views = self.summaries = None
        self.records = None

    def views_and_counts(self, rules):
        """What count_day gives, from the counted hits: the day's counting.DayCounts (a visitor
        new to the day or to a page at their first counted view of it), the
        views to carry over midnight [(ts, site, page, ip, user agent)], and {site:
        [summary.View fields, the visitor's number for both hashes]}."""
        if self.views is not None or self.summaries is not None:
            return
        day = self.day
        start = counting.day_start(day, rules.zone)
        end = counting.day_start(counting.next_day(day), rules.zone)
        steady = end - start == 86400  # no clock change that day: as count_day's hour_of
        carry_from = end - rules.flood_window_seconds
        self.carried = [(ts, site, page, ip, user_agent)
                        for ts, site, page, _, ip, user_agent, _ in self.hits if ts > carry_from]
        counts = counting.DayCounts()
        keys, seen_pages = {}, set()
        values_of = {}  # id of a shared traits dict -> its six values, read once
        views = {}
        for ts, site, page, referral, ip, user_agent, traits in self.hits:
            key = (ip, user_agent, site)
            number = keys.get(key)
            new_visitor = number is None
            if new_visitor:
                number = keys[key] = len(keys)
            new_page = (number, page) not in seen_pages
            if new_page:
                seen_pages.add((number, page))
            hour = int((ts - start) // 3600) if steady and start <= ts < end else \
                counting.hour_of(ts, rules.zone)
            counts.add(site, hour, page, referral, new_visitor, new_page)
            values = values_of.get(id(traits))
            if values is None:
                values = values_of[id(traits)] = summary.trait_values(traits)
            of_site = views.get(site)
            if of_site is None:
                of_site = views[site] = []
            of_site.append((number, number, ts, hour, page, referral) + values)
        self.keys, self.counts, self.views, self.hits = list(keys), counts, views, None

    def summarize(self, rules):
        self.views_and_counts(rules)
        self.summaries, self.records = {}, {}
        for site, views in self.views.items():
            made = [summary.View(*fields) for fields in views]
            # Capped in place by summarize_day (bounds.py): the records hold the same values.
            self.summaries[site] = summary.summarize_day(made)
            self.records[site] = records.view_records(made)
        self.views = None

    def hashed_summaries(self, unique_salt):
        """{site: (packed, seconds, uniques)} with the month-keyed visitor hashes."""
        hashes = [counting.visitor_id(unique_salt, *key) for key in self.keys]
        if self.summaries is None:
            View, out = summary.View, {}
            self.records = {}
            for site, views in self.views.items():
                made = [View(number, hashes[unique], *rest) for number, unique, *rest in views]
                out[site] = summary.summarize_day(made)
                self.records[site] = records.view_records(made)
            return out
        return {site: (packed, seconds,
                       {key: {hashes[number] for number in numbers}
                        for key, numbers in uniques.items()})
                for site, (packed, seconds, uniques) in self.summaries.items()}
