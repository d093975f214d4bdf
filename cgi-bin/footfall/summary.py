"""The day's visits summed up: what the dashboard's lists, filters, bounces and time on page read.

A day's counted views (each with its visitor hash, page, referrer, traits and visible seconds)
are summed up by summarize() into rows keyed (filter, filter value, dimension, value): the
filter is a dimension and value that hits must match ('' for no filter), the dimension what is
listed ('' for the filter's own totals). The same function serves a day that has ended (its rows
are stored, storage/days.py) and today (kept between reads by storage/today.py). The
visitor hashes are used only to tell visits apart inside one day; no row holds one.

Definitions (docs/insights.md; tests/test_summary.py holds them as a plain reference):
- a visit is one visitor's counted views of the day; it enters on its first view's page;
- visitors: visits with at least one matching view; pageviews: matching views;
- bounces: visits with one pageview (of the whole day); entries: visits that began on the page;
- seconds: visible seconds summed over the matching views that reported them; timed: how many
  of those views reported (pages) or visits (totals), so means are seconds / timed;
- hour: a visitor counts in the hour of their first matching view.
"""

from . import bounds, dimensions

# What a view's summary lists and can be filtered by (dimensions.py): the columns of views, in
# their order; 'ref' is the referring host or the campaign's source.
DIMENSIONS = dimensions.VIEW_COLUMNS
_HOUR = dimensions.HOUR
LISTED = DIMENSIONS + (_HOUR,)
_TOTALS = ("", "")
# Filters by a trait of the visitor rather than of a view: usually held by every view of a visit.
_VISITOR_TRAITS = ("",) + dimensions.PER_VISITOR
_TRAIT_AT = frozenset(dimensions.VIEW_COLUMNS.index(name) for name in dimensions.PER_VISITOR)
# A view's values tuple in summarize_packed: the dimensions, then its hour and whether timed.
_N = len(DIMENSIONS)
_AT_HOUR, _AT_TIMED = _N, _N + 1


class View:
    """One counted view as summarize() reads it: its dimensions in DIMENSIONS' order.

    Its parameters, and the tuple summarize_packed makes of it, are written out rather than
    built from the table: a view is made and read for every view of a day summed up (an
    import's hot path), and written-out attributes are twice as fast. tests/test_dimensions.py
    checks both follow the table."""

    __slots__ = ("visitor", "unique", "ts", "hour") + DIMENSIONS + ("seconds", "timed")

    def __init__(self, visitor, unique, ts, hour, page, ref, browser, os, device, country,
                 language, campaign, seconds=0.0, timed=0):
        self.visitor, self.unique, self.ts, self.hour = visitor, unique, ts, hour
        self.page, self.ref, self.browser, self.os = page, ref, browser, os
        self.device, self.country, self.language, self.campaign = device, country, language, campaign
        self.seconds, self.timed = seconds, timed

    def __reduce__(self):
        # Pickled as its parameters (bulk.py sends each day's views to another process): a
        # third of the time and two thirds of the bytes of the slots' state.
        return View, (self.visitor, self.unique, self.ts, self.hour, self.page, self.ref,
                      self.browser, self.os, self.device, self.country, self.language,
                      self.campaign, self.seconds, self.timed)


def trait_values(traits):
    """A hit's traits (traits.describe()'s dict) as View's parameters after page and ref, in
    order (dimensions.TRAITS)."""
    return tuple(traits.get(name, "") for name in dimensions.TRAITS)


def summarize(views, only=None):
    """Sum up one day and site: ({(filter, fvalue, dim, value): [visitors, pageviews, entries,
    bounces, seconds, timed]}, {(filter, fvalue): set of month-keyed visitor hashes}).

    only: one (filter, fvalue) to sum up, ('', '') for none: what a read of today needs.
    """
    packed, seconds, uniques = summarize_packed(views, only)
    return {key: unpack(counts, seconds.get(key, 0)) for key, counts in packed.items()}, uniques


def summarize_day(views):
    """summarize_packed() of a day that has ended: its views capped first (bounds.cap_views,
    in place, so whatever else is made of them, its records too, is capped alike). Every ended
    day is summed up here."""
    bounds.cap_views(views)
    return summarize_packed(views, lists=False)


def summarize_packed(views, only=None, lists=True):
    """summarize(), each row's counts but its seconds packed into one integer (unpack() reads
    it), the seconds apart: ({row key: packed}, {row key: seconds} of the rows that have any,
    uniques). What a month of bulk days adds up, one addition per row and day.

    lists=False: what an ended day keeps (storage/breakdowns.add_summary): a filter value's rows
    are its totals only (dim ''), and there are no hours. An ended day's lists under a filter
    are counted from its records (pairs.py), and summing them here too was most of the time of
    a day's end; its hours are in hourly_site, as the hits added them. The rows kept are the
    same, in the same order. A whole day only (only=None)."""
    visits = {}
    for view in views:
        visits.setdefault(view.visitor, []).append(view)
    by_filter, uniques, seconds = {}, {}, {}
    # The visit's own sums count under the totals and under each trait of the visitor that all
    # its views share (its browser, system, device...): visits with the same such traits are
    # summed together first, and those sums added under each of the traits once, at the end.
    shared = {}  # (totals and the visitor's traits) -> [{listed: packed}, hashes]
    for visit in visits.values():
        if len(visit) > 1:
            visit.sort(key=_time)
        # Each view as a tuple: its value of each dimension, then hour, timed (0 or 1), as
        # View's parameters (written out: see View).
        values = [(v.page, v.ref, v.browser, v.os, v.device, v.country, v.language, v.campaign,
                   v.hour, 1 if v.timed else 0) for v in visit]
        unique = visit[0].unique
        if not lists:
            keys, whole = _ended_visit(values)
            together = []
            for key, counts in keys:
                if counts is None:
                    together.append(key)
                    continue
                rows = by_filter.get(key)
                if rows is None:
                    by_filter[key] = {_TOTALS: counts}
                    uniques[key] = {unique}
                else:
                    uniques[key].add(unique)
                    rows[_TOTALS] += counts
            _add_together(shared, together, whole, unique)
            if any(view[_AT_TIMED] for view in values):
                _add_listed_seconds(seconds, keys, values,
                                    [v.seconds if v.timed else 0.0 for v in visit])
            continue
        keys = _matching(values, only)
        whole = None
        together = []
        alone = {}  # view -> its sums alone: a page read once and its referrer match the same
        for key, matching in keys:
            if matching is values:
                if key[0] in _VISITOR_TRAITS:
                    together.append(key)
                    continue
                if whole is None:
                    whole = _contribution(values, values[0][0], len(values) == 1)
                counts = whole
            elif len(matching) == 1:
                counts = alone.get(matching[0])
                if counts is None:
                    counts = alone[matching[0]] = _contribution(matching, values[0][0], False)
            else:
                counts = _contribution(matching, values[0][0], len(values) == 1)
            rows = by_filter.get(key)
            if rows is None:
                rows = by_filter[key] = {}
                uniques[key] = {unique}
            else:
                uniques[key].add(unique)
            for listed, packed in counts:
                rows[listed] = rows.get(listed, 0) + packed
        if together:
            if whole is None:
                whole = _contribution(values, values[0][0], len(values) == 1)
            _add_together(shared, together, whole, unique)
        if any(view[_AT_TIMED] for view in values):
            _add_seconds(seconds, keys, values, [v.seconds if v.timed else 0.0 for v in visit])
    for together, (sums, hashes) in shared.items():
        total_only = {_TOTALS: sums[_TOTALS]}
        for key in together:
            if not lists and key[0]:
                sums_of_key = total_only
            else:
                sums_of_key = sums
            rows = by_filter.get(key)
            if rows is None:
                by_filter[key] = dict(sums_of_key)
                uniques[key] = set(hashes)
                continue
            uniques[key].update(hashes)
            for listed, packed in sums_of_key.items():
                rows[listed] = rows.get(listed, 0) + packed
    out = {}
    for (filter_name, filter_value), rows in by_filter.items():
        for (dim, value), packed in rows.items():
            out[filter_name, filter_value, dim, value] = packed
    return out, seconds, uniques


def unpack(packed, seconds=0):
    """[visitors, pageviews, entries, bounces, seconds, timed] of a packed row."""
    bits, field = PACKED_BITS, PACKED_FIELD
    return [packed & field, packed >> bits & field, packed >> 2 * bits & field,
            packed >> 3 * bits & field, seconds, packed >> 4 * bits]


# A row's counts but its seconds, packed into one integer of 40-bit fields (visitors,
# pageviews, entries, bounces, timed), so that adding a visit to a row is one addition. No
# field of a day comes near 2**40. Seconds, a float, are summed apart (_add_seconds).
PACKED_BITS = 40
PACKED_FIELD = (1 << PACKED_BITS) - 1
_VISITOR, _PAGEVIEW, _ENTRY, _BOUNCE, _TIMED = (1 << PACKED_BITS * i for i in range(5))


def _time(view):
    return view.ts


def _matching(values, only):
    """[(filter key, the visit's views it matches)] of every filter a visit counts under (all of
    them, or only the one asked for); the visit's own list when all its views match."""
    if only is not None and only != _TOTALS:
        i = DIMENSIONS.index(only[0])
        matching = [v for v in values if v[i] == only[1]]
        if len(matching) == len(values):
            return [(only, values)]
        return [(only, matching)] if matching else []
    keys = [(_TOTALS, values)]
    if only is not None:
        return keys
    if len(values) == 1:  # most visits: every trait of the one view is the visit's
        view = values[0]
        for i in range(_N):
            if view[i]:
                keys.append(((DIMENSIONS[i], view[i]), values))
        return keys
    seen = set()
    for view in values:
        for i in range(_N):
            value = view[i]
            if not value or (i, value) in seen:
                continue
            seen.add((i, value))
            matching = [v for v in values if v[i] == value]
            # A trait of the visitor (its browser, its country...) usually holds for every view.
            keys.append(((DIMENSIONS[i], value),
                         values if len(matching) == len(values) else matching))
    return keys


def _add_together(shared, together, whole, unique):
    """A visit's own sums (whole) to the group of visits that count under the same filters
    with all their views (together: the totals and the visitor's traits)."""
    group = shared.get(tuple(together))
    if group is None:
        group = shared[tuple(together)] = [{}, []]
    rows = group[0]
    for listed, packed in whole:
        rows[listed] = rows.get(listed, 0) + packed
    group[1].append(unique)


def _ended_visit(values):
    """(keys, whole) of a visit of an ended day, from one pass over its views (two passes, one
    for each, were a fifth of an ended day's summary).

    keys: [(filter key, the visit's packed totals under it)] of every filter the visit counts
    under, in _matching's order: a visitor, its matching views, a bounce, a timed visit; None
    for the totals and for a trait of the visitor that all its views hold (summed with other
    visits' by _add_together). whole: the visit's own sums, as _contribution(values, its entry,
    bounced) lists them but for the hours."""
    if len(values) == 1:  # most visits: every trait of the one view is the visit's
        view = values[0]
        counts = _VISITOR + _PAGEVIEW + view[_AT_TIMED] * _TIMED
        alone = counts + _BOUNCE
        keys, whole = [(_TOTALS, None)], [(_TOTALS, alone)]
        for i in range(_N):
            value = view[i]
            if value:
                key = (DIMENSIONS[i], value)
                keys.append((key, None if i in _TRAIT_AT else alone))
                # The one view's page is the visit's entry, and it bounced.
                whole.append((key, alone + _ENTRY if i == 0 else counts))
        return keys, whole
    seen = {}  # (dimension's index, value) -> its views + its timed views << 32, first seen first
    for view in values:
        timed = view[_AT_TIMED] << 32
        for i in range(_N):
            value = view[i]
            if value:
                seen[i, value] = seen.get((i, value), 0) + 1 + timed
    everyone = len(values)
    timed_visit = 0
    keys = [(_TOTALS, None)]
    for (i, value), n in seen.items():
        views, timed_views = n & 0xFFFFFFFF, n >> 32
        if timed_views:
            timed_visit = _TIMED
        if views == everyone and i in _TRAIT_AT:
            keys.append(((DIMENSIONS[i], value), None))
        else:
            keys.append(((DIMENSIONS[i], value), _VISITOR + views * _PAGEVIEW + (
                _TIMED if timed_views else 0)))
    whole = [(_TOTALS, _VISITOR + everyone * _PAGEVIEW + timed_visit)]
    entry = values[0][0]
    # _contribution's order: dimension by dimension, each one's values as first seen (a
    # stable sort of seen's order).
    for (i, value), n in sorted(seen.items(), key=_dimension_of):
        counts = _VISITOR + (n & 0xFFFFFFFF) * _PAGEVIEW + (n >> 32) * _TIMED
        if i == 0 and value == entry:
            counts += _ENTRY  # more than one view: no bounce
        whole.append(((DIMENSIONS[i], value), counts))
    return keys, whole


def _dimension_of(item):
    return item[0][0]


def _contribution(matching, entry, bounced):
    """[((dim, value), packed counts)] of one visit's matching views (value tuples), its hours
    last."""
    if len(matching) == 1:
        return _alone(matching[0], entry, bounced)
    timed = 0
    for v in matching:
        timed |= v[_AT_TIMED]
    out = [(_TOTALS, _VISITOR + len(matching) * _PAGEVIEW + bounced * _BOUNCE + timed * _TIMED)]
    for i in range(_N):
        groups = {}
        for v in matching:
            if v[i]:
                groups[v[i]] = groups.get(v[i], _VISITOR) + _PAGEVIEW + v[_AT_TIMED] * _TIMED
        dim = DIMENSIONS[i]
        for value, counts in groups.items():
            if i == 0 and value == entry:
                counts += _ENTRY + bounced * _BOUNCE
            out.append(((dim, value), counts))
    first = matching[0][_AT_HOUR]
    hours = {}
    for v in matching:
        hours[v[_AT_HOUR]] = hours.get(v[_AT_HOUR], 0) + _PAGEVIEW
    for hour, counts in hours.items():
        out.append(((_HOUR, str(hour)), counts + (_VISITOR if hour == first else 0)))
    return out


def _alone(view, entry, bounced):
    """_contribution of a single view: most of them (one-page visits, a page read once)."""
    counts = _VISITOR + _PAGEVIEW + view[_AT_TIMED] * _TIMED
    out = [(_TOTALS, counts + bounced * _BOUNCE)]
    page = view[0]
    if page:
        out.append((("page", page), counts + (_ENTRY + bounced * _BOUNCE if page == entry else 0)))
    for i in range(1, _N):
        if view[i]:
            out.append(((DIMENSIONS[i], view[i]), counts))
    out.append(((_HOUR, str(view[_AT_HOUR])), _VISITOR + _PAGEVIEW))
    return out


def _add_listed_seconds(seconds, keys, values, of_views):
    """_add_seconds of summarize_packed(lists=False): the unfiltered rows and each filter
    value's totals. A filter value's seconds in a visit are its row's in the unfiltered list
    (the same views, summed in the same order), so each is summed once."""
    timed = [(view, s) for view, s in zip(values, of_views) if view[_AT_TIMED]]
    key = _TOTALS + _TOTALS
    seconds[key] = seconds.get(key, 0) + sum(s for _, s in timed)
    of_value = {}  # (dim, value) -> the visit's seconds of its views with it
    for i in range(_N):
        groups = {}
        for view, s in timed:
            value = view[i]
            if value:
                sofar = groups.get(value)
                groups[value] = s if sofar is None else sofar + s
        dim = DIMENSIONS[i]
        for value, total in groups.items():
            key = ("", "", dim, value)
            seconds[key] = seconds.get(key, 0) + total
            of_value[dim, value] = total
    for filter_key, _counts in keys[1:]:  # _ended_visit's keys but the totals
        total = of_value.get(filter_key)
        if total is not None:
            key = filter_key + _TOTALS
            seconds[key] = seconds.get(key, 0) + total


def _add_seconds(seconds, keys, values, of_views):
    """Add one visit's visible seconds to the rows it counts in: per row, the sum over its
    matching timed views. Visit by visit in the day's order, as the definitions add them (the
    order of a float sum changes its last bits)."""
    timed_at = {id(view): s for view, s in zip(values, of_views) if view[_AT_TIMED]}
    for (filter_name, filter_value), matching in keys:
        timed = [timed_at[id(v)] for v in matching if v[_AT_TIMED]]
        if timed:
            key = (filter_name, filter_value, "", "")
            seconds[key] = seconds.get(key, 0) + sum(timed)
        for i in range(_N):
            groups = {}
            for v in matching:
                if v[i] and v[_AT_TIMED]:
                    sofar = groups.get(v[i])
                    groups[v[i]] = timed_at[id(v)] if sofar is None else sofar + timed_at[id(v)]
            for value, total in groups.items():
                key = (filter_name, filter_value, DIMENSIONS[i], value)
                seconds[key] = seconds.get(key, 0) + total
