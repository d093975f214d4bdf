"""Sums of a day's records (records.py) under any set of filters: the numbers of an answer
counted from the records' rows and flags, per distinct value and flags, not per row and day.
Read by a range's lists under one filter (storage/record_lists.py) and by two filters or more
(combined.py, combined_events.py)."""

import collections
from itertools import compress, islice
from operator import itemgetter, ne

from .records import (
    BOUNCED,
    DIM_NUMBER,
    ENTRY,
    EVENT_WIDTH,
    FLAGS_AT,
    HOUR_AT,
    PER_VIEW,
    PER_VISIT,
    SECONDS_AT,
    SUBSET_BIT,
    TIMED,
    TIMED_FIRST,
    VALUES,
    VIEW_WIDTH,
)


class Tally:
    """The numbers of an answer summed up from records under filters.

    filters: {dimension: value} of page, ref, campaign and the visitor traits. Values are
    numbers, those of the records added (ids): one Tally per numbering. Each day's matching
    rows are kept (add_views, add_events), and the lists counted once over all of them
    (sums()): per distinct value and flags, not per row and day.

    listed: the dimensions lists() will be asked for, when that is all a Tally is for: only
    their columns are kept (None: every column, for sums())."""

    def __init__(self, filters, listed=None):
        self.subset = 0
        for name in filters:
            self.subset |= SUBSET_BIT.get(name, 0)
        self.per_day = {}
        self.views = [[] for _ in range(VIEW_WIDTH)]
        self.event_names, self.event_flags = [], []
        self.listed = listed
        self._kept = range(VIEW_WIDTH) if listed is None else [
            at for at, dim in enumerate(VALUES) if dim in listed] + [SECONDS_AT, FLAGS_AT]

    def add_views(self, day, columns, ids):
        """Add one day's view columns; ids: {dimension: id} of each filter's value in their
        numbering (None: a value they never held, so nothing matches)."""
        rows = matching(columns, ids, VALUES, 0)
        if not rows:
            return
        if len(rows) == len(columns[0]):
            picked = columns
        else:
            get = picker(rows)
            picked = [get(column) if at in self._kept else () for at, column in
                      enumerate(columns)]
        first = 1 << self.subset
        visitors = sum(map(first.__and__, picked[FLAGS_AT])) >> self.subset
        counts = self.per_day.setdefault(day, [0, 0])
        counts[0] += visitors
        counts[1] += len(rows)
        for at in self._kept:
            self.views[at].extend(picked[at])

    def add_events(self, columns, ids):
        """Add one day's event columns (ids as add_views')."""
        rows = matching(columns, ids, VALUES, 1)
        if rows:
            self.event_names.extend(pick(columns[0], rows))
            self.event_flags.extend(pick(columns[EVENT_WIDTH - 1], rows))

    def sums(self):
        """(totals [visitors, pageviews, entries, bounces, seconds, timed visits], lists(),
        hours {hour: [visitors, pageviews, ...]}, events {id: [visitors, count]})."""
        if self.listed is not None:
            raise ValueError("a Tally made for some lists kept only their columns: no sums")
        flags, seconds = self.views[FLAGS_AT], self.views[SECONDS_AT]
        first, timed_first = 1 << self.subset, 1 << (TIMED_FIRST + self.subset)
        visits = collections.Counter(map((first | BOUNCED | timed_first).__and__, flags))
        totals = [sum(n for f, n in visits.items() if f & first), len(flags), 0,
                  sum(n for f, n in visits.items() if f & first and f & BOUNCED),
                  sum(compress(seconds, map(TIMED.__and__, flags))),
                  sum(n for f, n in visits.items() if f & timed_first)]
        lists = self.lists()
        hours = {}
        for (hour, f), n in collections.Counter(zip(self.views[HOUR_AT],
                                                    map(first.__and__, flags))).items():
            counts = hours.setdefault(hour, [0] * 6)
            counts[1] += n
            if f:
                counts[0] += n
        events = {}
        for (name, f), n in collections.Counter(zip(self.event_names,
                                                    map(first.__and__, self.event_flags))).items():
            counts = events.setdefault(name, [0, 0])
            counts[1] += n
            if f:
                counts[0] += n
        return totals, lists, hours, events

    def lists(self, listed=None):
        """{dimension: {id: counts}} of the dimensions listed (the Tally's, or every one):
        sums() without what a range's lists need not (record_lists). A page's counts are
        [visitors, pageviews, entries, bounces, seconds, timed views]; every other dimension's
        [visitors, pageviews, 0, 0, 0, 0]: the numbers its list shows (dimensions.py), and no
        answer reads more of them."""
        listed = (self.listed or VALUES) if listed is None else listed
        flags = self.views[FLAGS_AT]
        first = 1 << self.subset
        traits = [dim for dim in PER_VISIT if dim in listed]
        by_trait = _trait_lists(traits, [self.views[VALUES.index(dim)] for dim in traits], flags,
                                first)
        own = {dim: 1 << (self.subset | SUBSET_BIT[dim]) for dim in PER_VIEW}
        return {dim: by_trait[dim] if dim in by_trait else
                _page_list(self.views[i], flags, self.views[SECONDS_AT], own[dim])
                if dim == "page" else _list(self.views[i], flags, own[dim])
                for i, dim in enumerate(VALUES) if dim in listed}


def _trait_lists(dims, columns, flags, own):
    """_list of each visitor trait of dims, counted together: a visit's traits share its first
    view's flag (own), and a day's mixes of them are few (fold(): each held by K visits or
    more), so one count of the rows' mixes replaces one count of the rows per trait (74 mixes
    for 14,319 rows of a month's Chrome views: a third of the time)."""
    lists = {dim: {} for dim in dims}
    if not dims:
        return lists
    width = len(dims)
    # Each row's traits and flag as one flat tuple: no tuple of its mix made inside another.
    for key, n in collections.Counter(zip(*columns, map(own.__and__, flags))).items():
        first = key[width]
        for dim, value in zip(dims, key):
            if not value:
                continue
            counts = lists[dim].setdefault(value, [0] * 6)
            counts[1] += n
            if first:
                counts[0] += n
    return lists


def _list(values, flags, own):
    """{value: [visitors, pageviews, 0, 0, 0, 0]} of one dimension's column (a referrer, a
    campaign); own: the flag of a visit's first view with this value."""
    # Most views hold no referrer and no campaign: count the rows that hold one (a month of
    # Chrome's views: 3,113 of 14,319 with a referrer, 421 with a campaign).
    held = list(map(bool, values))
    if sum(held) < len(held) // 2:
        values, flags = list(compress(values, held)), list(compress(flags, held))
    of_dim = {}
    for (value, first), n in collections.Counter(zip(values, map(own.__and__, flags))).items():
        if not value:
            continue
        counts = of_dim.setdefault(value, [0] * 6)
        counts[1] += n
        if first:
            counts[0] += n
    return of_dim


def _page_list(values, flags, seconds, own):
    """{page: [visitors, pageviews, entries, bounces, seconds, timed views]} of the page
    column; own: the flag of a visit's first view of the page."""
    of_dim = {}
    kept = own | TIMED | ENTRY | BOUNCED
    for (value, f), n in collections.Counter(zip(values, map(kept.__and__, flags))).items():
        if not value:
            continue
        counts = of_dim.setdefault(value, [0] * 6)
        counts[1] += n
        if f & own:
            counts[0] += n
            if f & ENTRY:
                counts[2] += n
                if f & BOUNCED:
                    counts[3] += n
        if f & TIMED:
            counts[5] += n
    # A page's seconds: a view's seconds are 0 unless it reported some (records._whole), so
    # they are the sum over its rows. Where the rows are sorted by page (a day's records are),
    # one page's rows lie together in runs: one sum per run.
    count = len(values)
    starts = [0, *compress(range(1, count), map(ne, islice(values, 1, None), values)), count]
    if len(starts) * 4 < count:
        for start, end in zip(starts, islice(starts, 1, None)):
            value = values[start]
            if value:
                of_dim[value][4] += sum(seconds[start:end])
        return of_dim
    timed = compress(zip(values, seconds), map(TIMED.__and__, flags))
    for (value, s), n in collections.Counter(timed).items():
        if value:
            of_dim[value][4] += s * n
    return of_dim


def add_named(into, tally, name_of, prefetch=None):
    """Add a Tally's numbers to into (empty_sums()), its ids made strings by name_of(dimension
    number, id): the sums of stored days and of today, each numbered its own way, add up.
    prefetch(dimension number, ids), when given, is told each list's ids before they are
    named (day_records.Names reads them in few statements)."""
    for day, counts in tally.per_day.items():
        _add(into["per_day"].setdefault(day, [0, 0]), counts)
    totals, lists, hours, events = tally.sums()
    _add(into["totals"], totals)
    for dim, of_dim in lists.items():
        named, number = into["lists"][dim], DIM_NUMBER[dim]
        if prefetch is not None:
            prefetch(number, of_dim)
        for value, counts in of_dim.items():
            _add(named.setdefault(name_of(number, value), [0] * 6), counts)
    for hour, counts in hours.items():
        _add(into["lists"]["hour"].setdefault(hour, [0] * 6), counts)
    for value, counts in events.items():
        _add(into["events"].setdefault(name_of(DIM_NUMBER["event"], value), [0, 0]), counts)
    return into


def empty_sums():
    """What add_named fills: per_day, totals, lists (by dimension, then 'hour'), events."""
    return {"per_day": {}, "totals": [0] * 6, "lists": {dim: {} for dim in VALUES + ("hour",)},
            "events": {}}


def matching(columns, ids, dims, offset):
    """The row numbers of the rows whose values are those ids gives ({dimension: id}, the
    dimensions' columns from offset in dims' order); [] when one never was."""
    rows = None
    for name, wanted in ids.items():
        if wanted is None:
            return []
        column = columns[dims.index(name) + offset]
        if rows is None:
            rows = list(compress(range(len(column)), map(wanted.__eq__, column)))
        else:
            rows = [i for i in rows if column[i] == wanted]
        if not rows:
            return []
    return list(range(len(columns[0]))) if rows is None else rows


def pick(column, rows):
    """The values of a column at those row numbers."""
    return picker(rows)(column)


def picker(rows):
    """A function of a column that gives its values at those row numbers: made once for all
    the columns of a day."""
    if len(rows) == 1:
        row = rows[0]
        return lambda column: (column[row],)
    return itemgetter(*rows)


def _add(into, counts):
    for i, n in enumerate(counts):
        into[i] += n
