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

# What a GET may filter by and list; 'ref' is the referring host or the campaign's source.
DIMENSIONS = ("page", "ref", "browser", "os", "device", "country", "language", "campaign")
LISTED = DIMENSIONS + ("hour",)
_TOTALS = ("", "")


class View:
    """One counted view as summarize() reads it."""

    __slots__ = ("visitor", "unique", "ts", "hour", "page", "ref", "browser", "os", "device",
                 "country", "language", "campaign", "seconds", "timed")

    def __init__(self, visitor, unique, ts, hour, page, ref, browser, os, device, country,
                 language, campaign, seconds=0.0, timed=0):
        self.visitor, self.unique, self.ts, self.hour = visitor, unique, ts, hour
        self.page, self.ref, self.browser, self.os = page, ref, browser, os
        self.device, self.country, self.language, self.campaign = device, country, language, campaign
        self.seconds, self.timed = seconds, timed


def summarize(views, only=None):
    """Sum up one day and site: ({(filter, fvalue, dim, value): [visitors, pageviews, entries,
    bounces, seconds, timed]}, {(filter, fvalue): set of month-keyed visitor hashes}).

    only: one (filter, fvalue) to sum up, ('', '') for none: what a read of today needs.
    """
    rows, uniques = {}, {}
    visits = {}
    for view in views:
        visits.setdefault(view.visitor, []).append(view)
    for visit in visits.values():
        visit.sort(key=_time)
        # Each view as a tuple: its value of each dimension, then hour, seconds, timed.
        values = [(v.page, v.ref, v.browser, v.os, v.device, v.country, v.language, v.campaign,
                   v.hour, v.seconds if v.timed else 0.0, 1 if v.timed else 0) for v in visit]
        entry, bounced = values[0][0], len(values) == 1
        unique = visit[0].unique
        if only is not None and only != _TOTALS:
            i = DIMENSIONS.index(only[0])
            matching = [v for v in values if v[i] == only[1]]
            if matching:
                _add(rows, only, _contribution(matching, entry, bounced))
                uniques.setdefault(only, set()).add(unique)
            continue
        whole = _contribution(values, entry, bounced)
        _add(rows, _TOTALS, whole)
        uniques.setdefault(_TOTALS, set()).add(unique)
        if only is not None:
            continue
        seen = set()
        for view in values:
            for i in range(8):
                value = view[i]
                if not value or (i, value) in seen:
                    continue
                seen.add((i, value))
                matching = [v for v in values if v[i] == value]
                key = (DIMENSIONS[i], value)
                # A trait of the visitor (its browser, its country...) usually holds for every
                # view of the visit: then its sums are the visit's own, already made.
                counts = whole if len(matching) == len(values) else _contribution(
                    matching, entry, bounced)
                _add(rows, key, counts)
                uniques.setdefault(key, set()).add(unique)
    return rows, uniques


def _time(view):
    return view.ts


def _contribution(matching, entry, bounced):
    """[(dim, value, counts)] of one visit's matching views (value tuples)."""
    timed = [v for v in matching if v[10]]
    out = [("", "", (1, len(matching), 0, int(bounced), sum(v[9] for v in timed),
                     1 if timed else 0))]
    for i in range(8):
        groups = {}
        for v in matching:
            if v[i]:
                group = groups.get(v[i])
                if group is None:
                    groups[v[i]] = [1, v[9], v[10]]
                else:
                    group[0] += 1
                    group[1] += v[9]
                    group[2] += v[10]
        dim = DIMENSIONS[i]
        for value, (pageviews, seconds, timed_views) in groups.items():
            is_entry = i == 0 and value == entry
            out.append((dim, value, (1, pageviews, int(is_entry), int(is_entry and bounced),
                                     seconds, timed_views)))
    first = matching[0][8]
    hours = {}
    for v in matching:
        hours[v[8]] = hours.get(v[8], 0) + 1
    for hour, pageviews in hours.items():
        out.append(("hour", str(hour), (1 if hour == first else 0, pageviews, 0, 0, 0, 0)))
    return out


def _add(rows, key, contribution):
    filter_name, filter_value = key
    for dim, value, counts in contribution:
        row_key = (filter_name, filter_value, dim, value)
        current = rows.get(row_key)
        if current is None:
            rows[row_key] = list(counts)
        else:
            for i in range(6):
                current[i] += counts[i]
