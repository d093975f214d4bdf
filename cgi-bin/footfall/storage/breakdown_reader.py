"""The day summaries (breakdowns.py) read back for a GET: one filter's series, lists and unique
visitors over a range, whole months from the monthly rows and the days at its ends from the
daily ones (a filter's lists of days with records from those: record_lists.py); today from the
summary storage/today.py keeps between reads.
"""

import datetime

from .. import sketch
from . import month_pairs, page_days, people, record_lists, value_days
from . import today as today_summary
from .breakdowns import HOURS, unpack_hours

SELECT_DAYS = """
    select day, value, sum(visitors), sum(pageviews), sum(entries), sum(bounces), sum(seconds),
           sum(timed)
      from daily_breakdown
     where filter = :filter and filter_value = :filter_value and dim = :dim
       and day between :first and :last and (:site is null or site = :site)
     group by day, value
"""
# The same summed over the whole stretch, for a list: one row per value, the sums done by SQLite.
SELECT_DAYS_BY_VALUE = """
    select value, sum(visitors), sum(pageviews), sum(entries), sum(bounces), sum(seconds),
           sum(timed)
      from daily_breakdown
     where filter = :filter and filter_value = :filter_value and dim = :dim
       and day between :first and :last and (:site is null or site = :site)
     group by value
"""
# A filter's hours of each day: one row per day and site (breakdowns.HOURS), each read, not
# summed: two sites' rows of the same text are two rows.
SELECT_HOURS = """
    select day, value
      from daily_breakdown
     where filter = :filter and filter_value = :filter_value and dim = :dim
       and day between :first and :last and (:site is null or site = :site)
"""
SELECT_MONTHS_BY_VALUE = """
    select value, sum(visitors), sum(pageviews), sum(entries), sum(bounces), sum(seconds),
           sum(timed)
      from monthly_breakdown
     where filter = :filter and filter_value = :filter_value and dim = :dim
       and month between :first and :last and (:site is null or site = :site)
     group by value
"""
SELECT_SKETCHES = """
    select day, sketch from daily_unique
     where filter = :filter and filter_value = :filter_value and day between :first and :last
       and (:site is null or site = :site)
"""
SELECT_MONTH_SKETCHES = """
    select month, sketch from monthly_unique
     where filter = :filter and filter_value = :filter_value and month between :first and :last
       and (:site is null or site = :site)
"""


SELECT_ANY_SUMMARY = """
    select 1 from daily_breakdown
     where filter = '' and filter_value = '' and dim = '' and day between :first and :last
       and (:site is null or site = :site)
    union all
    select 1 from daily_unique
     where filter = '' and filter_value = '' and day between :first and :last
       and (:site is null or site = :site)
    limit 1
"""


def has_summaries(conn, first, last, site=None):
    """Whether any day of [first, last] was summed up with its visits or its distinct visitors
    (days that ended before footfall 0.2 kept only their pageviews and visitors per page)."""
    params = {"first": first, "last": last, "site": site}
    return conn.execute(SELECT_ANY_SUMMARY, params).fetchone() is not None


class Reader:
    """The breakdowns of one range, site and filter; today's part from storage/today.py."""

    def __init__(self, conn, first, last, site, filter_name, filter_value, today, whole_months):
        self.conn, self.first, self.last, self.site = conn, first, last, site
        self.filter, self.filter_value = filter_name, filter_value
        self.whole_months = whole_months  # totals.whole_months(first, last): the split
        self._today_rows, self._today_matching = {}, None
        self._month_lists = None  # month_pairs.lists() of the whole months
        self._edge_lists = None  # record_lists.range_lists() of the days at the range's ends
        self.day = today  # the clock's day, in the range or not
        self.today = today if first <= today <= last else None
        if self.today is not None:
            self._today_rows, self._today_matching = today_summary.summary_of(
                conn, self.today, site, filter_name, filter_value)

    def _params(self, dim, first, last):
        return {"filter": self.filter, "filter_value": self.filter_value, "dim": dim,
                "first": first, "last": last, "site": self.site}

    def _day_rows(self, dim, first, last):
        """(day, value, counts...) of daily_breakdown's rows, then the ended page-days of
        daily_page (page_days.py: the unfiltered pages list's rows, a page filter's totals) and
        a value filter's totals its list rows hold (value_days.py)."""
        yield from self.conn.execute(SELECT_DAYS, self._params(dim, first, last))
        for stored in (page_days, value_days):
            yield from stored.rows(self.conn, self.filter, self.filter_value, dim, first, last,
                                   self.site)

    def per_day(self, dim=""):
        """{day: {value: counts}} of the range (counts: visitors, pageviews, entries, bounces,
        seconds, timed); for the series (dim ''), hours and (one day's) pages."""
        days = {}
        if self.filter and dim:
            # Read one day at a time (a day's hours, a day's pages in the CSV): its records,
            # its lists folded as a range's are (record_lists.py), its hours not.
            for day in _days(self.first, self.last):
                if dim == "hour":
                    of_day = record_lists.day_hours(self.conn, day, self.site, self.filter,
                                                    self.filter_value)
                else:
                    of_day = record_lists.folded_lists(self.conn, [(day, day)], self.site,
                                                       self.filter, self.filter_value).get(dim, {})
                for value, counts in of_day.items():
                    _sum_into(days.setdefault(day, {}), value, counts)
        if dim == "hour":  # one row per day and site (breakdowns.HOURS)
            for day, value in self.conn.execute(
                    SELECT_HOURS, self._params(HOURS, self.first, self.last)):
                of_day = days.setdefault(day, {})
                for hour, (visitors, pageviews) in unpack_hours(value).items():
                    counts = of_day.setdefault(str(hour), [0, 0, 0, 0, 0, 0])
                    counts[0] += visitors
                    counts[1] += pageviews
        else:
            for day, value, *counts in self._day_rows(dim, self.first, self.last):
                _sum_into(days.setdefault(day, {}), value, counts)
        if self.today is not None:
            for (f, fv, d, value), counts in self._today_rows.items():
                if (f, fv, d) == (self.filter, self.filter_value, dim):
                    days.setdefault(self.today, {})[value] = list(counts)
        return days

    def totals(self, dim):
        """{value: counts} over the whole range: whole months from monthly rows (a filter's
        lists from month_pairs.py), the rest from daily ones, today from its views."""
        if self.filter and dim == self.filter:
            # A value's own list under itself holds itself: its own unfiltered row, exact
            # (entries and bounces of a page; a trait held by fewer than records.K visits of a
            # day, which its records fold).
            whole = Reader(self.conn, self.first, self.last, self.site, "", "",
                           self.today or "", self.whole_months).totals(dim)
            return {value: counts for value, counts in whole.items() if value == self.filter_value}
        result = {}
        split = self.whole_months
        if split is None:
            parts = [(SELECT_DAYS_BY_VALUE, self._params(dim, self.first, self.last))]
        else:
            first_month, last_month, day_ranges = split
            parts = [(SELECT_MONTHS_BY_VALUE, self._params(dim, first_month, last_month))]
            parts += [(SELECT_DAYS_BY_VALUE, self._params(dim, start, end))
                      for start, end in day_ranges]
        for query, params in parts:
            for value, *counts in self.conn.execute(query, params):
                _sum_into(result, value, counts)
        for start, end in ([(self.first, self.last)] if split is None else split[2]):
            for stored in (page_days, value_days):
                for value, *counts in stored.rows(self.conn, self.filter, self.filter_value, dim,
                                                  start, end, self.site, by_value=True):
                    _sum_into(result, value, counts)
        if self.filter and dim and split is not None:  # a month's pairs: month_pairs.py
            if self._month_lists is None:
                self._month_lists = month_pairs.lists(self.conn, self.filter, self.filter_value,
                                                      split[0], split[1], self.site)
            for value, counts in self._month_lists.get(dim, {}).items():
                _sum_into(result, value, counts)
        if self.filter and dim:
            if self._edge_lists is None:
                ranges = ([(self.first, self.last)] if split is None else split[2])
                self._edge_lists = record_lists.range_lists(
                    self.conn, ranges, self.site, self.filter, self.filter_value, self.day)
            for value, counts in self._edge_lists.get(dim, {}).items():
                _sum_into(result, value, counts)
        if self.today is not None:
            for (f, fv, d, value), counts in self._today_rows.items():
                if (f, fv, d) == (self.filter, self.filter_value, dim):
                    _sum_into(result, value, counts)
        if self.filter and dim and dim != "page":
            # Under a filter, a list of anything but pages shows visitors and pageviews, all
            # that a month's pairs and a day's records count of it (pairs.pair_sums,
            # record_sums.Tally.lists); months written before, and today, hold more.
            for counts in result.values():
                counts[2:] = [0, 0, 0, 0]
        return result

    def unique(self, visits=None):
        """(distinct visitors, how they were counted): 'range' when one union of sketches
        counted the whole range (inside one month), 'month' when months were added (a month's
        salt keys its sketches and dies with it), 'day' when some days were added one by one.
        Sketches live only while their month's salt does; an ended month keeps one number per
        filter value from people.K up (people.py), read when the range holds the whole month.
        Any other day without a sketch (of an ended month, or summed up before footfall kept
        sketches) adds its own visitors. Never more than the visits: an estimate can come out
        above them (80 visitors alone in their registers read as 81), which no count of people
        can be."""
        months, whole, kept = {}, set(), {}
        params = {"filter": self.filter, "filter_value": self.filter_value, "site": self.site}
        day_ranges = [(self.first, self.last)]
        if self.whole_months is not None:
            first_month, last_month, edges = self.whole_months
            stored = self.conn.execute(SELECT_MONTH_SKETCHES,
                                       dict(params, first=first_month, last=last_month))
            for month, data in stored:
                months.setdefault(month, []).append(sketch.Sketch.from_bytes(data))
                whole.add(month)
            kept = people.people_of(self.conn, self.filter, self.filter_value, first_month,
                                    last_month, self.site)
            # A month read whole above (its union, or its number of people once sealed)
            # needs none of its days; any other (summed up before monthly sketches existed,
            # or sealed with fewer than people.K) reads its days'.
            day_ranges = list(edges) + [
                (max(month + "-01", self.first), min(month + "-31", self.last))
                for month in _months(first_month, last_month)
                if month not in whole and month not in kept]
        sketched = set()
        for start, end in day_ranges:
            for day, data in self.conn.execute(SELECT_SKETCHES, dict(params, first=start, last=end)):
                months.setdefault(day[:7], []).append(sketch.Sketch.from_bytes(data))
                sketched.add(day)
        if self.today is not None:
            months.setdefault(self.today[:7], []).append(self._today_matching)
            sketched.add(self.today)
        total = sum(sketch.Sketch.union(parts).estimate() for parts in months.values())
        total += sum(kept.values())
        by_day = False
        # Only the days read above can lack a sketch: not a whole month's (nor today).
        for start, end in day_ranges:
            for day, value, visitors, *_counts in self._day_rows("", start, end):
                if (visitors and not value and day not in sketched and day[:7] not in whole
                        and day[:7] not in kept):
                    total += visitors
                    by_day = True
        if visits is not None:
            total = min(total, visits)
        if by_day:
            return total, "day"
        return total, ("range" if self.first[:7] == self.last[:7] else "month")


def _months(first, last):
    """The months YYYY-MM from first to last, both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _days(first, last):
    """The days YYYY-MM-DD from first to last, both included."""
    start = datetime.date.fromisoformat(first)
    for offset in range((datetime.date.fromisoformat(last) - start).days + 1):
        yield (start + datetime.timedelta(days=offset)).isoformat()


def _sum_into(result, key, counts):
    current = result.get(key)
    if current is None:
        result[key] = list(counts)
    else:
        for i, n in enumerate(counts):
            current[i] += n
