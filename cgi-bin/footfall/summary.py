"""The day's visits summed up: what the dashboard's lists, filters, bounces and time on page read.

A day's counted views (each with its visitor hash, page, referrer, traits and visible seconds)
are summed up by summarize() into rows keyed (filter, filter value, dimension, value): the
filter is a dimension and value that hits must match ('' for no filter), the dimension what is
listed ('' for the filter's own totals). The same function serves a day that has ended (its rows
are stored, storage/days.py) and today (summed up on each read, from the views on disk). The
visitor hashes are used only to tell visits apart inside one day; no row holds one.

Definitions (docs/insights.md):
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


def summarize(views):
    """Sum up one day and site: ({(filter, fvalue, dim, value): [visitors, pageviews, entries,
    bounces, seconds, timed]}, {(filter, fvalue): set of month-keyed visitor hashes})."""
    rows, uniques = {}, {}
    visits = {}
    for view in sorted(views, key=lambda v: v.ts):
        visits.setdefault(view.visitor, []).append(view)
    for visit in visits.values():
        entry, bounced = visit[0].page, len(visit) == 1
        keys = {("", "")}
        for view in visit:
            keys.update((dim, getattr(view, dim)) for dim in DIMENSIONS if getattr(view, dim))
        for key in keys:
            matching = visit if key == ("", "") else [v for v in visit if getattr(v, key[0]) == key[1]]
            _add_visit(rows, key, matching, entry, bounced)
            uniques.setdefault(key, set()).add(visit[0].unique)
    return rows, uniques


def _add_visit(rows, key, matching, entry, bounced):
    filter_name, filter_value = key
    timed_views = [v for v in matching if v.timed]
    _bump(rows, (filter_name, filter_value, "", ""), 1, len(matching), 0, int(bounced),
          sum(v.seconds for v in timed_views), 1 if timed_views else 0)
    for dim in LISTED:
        groups = {}
        for view in matching:
            value = getattr(view, dim)
            if dim != "hour" and not value:
                continue
            groups.setdefault(value, []).append(view)
        if dim == "hour":  # a visitor in the hour of their first matching view only
            first = matching[0].hour
            for hour, views in groups.items():
                _bump(rows, (filter_name, filter_value, "hour", str(hour)),
                      1 if hour == first else 0, len(views), 0, 0, 0, 0)
            continue
        for value, views in groups.items():
            timed = [v for v in views if v.timed]
            is_entry = dim == "page" and value == entry
            _bump(rows, (filter_name, filter_value, dim, value), 1, len(views), int(is_entry),
                  int(is_entry and bounced), sum(v.seconds for v in timed), len(timed))


def _bump(rows, key, visitors, pageviews, entries, bounces, seconds, timed):
    counts = rows.get(key)
    if counts is None:
        rows[key] = [visitors, pageviews, entries, bounces, seconds, timed]
        return
    counts[0] += visitors
    counts[1] += pageviews
    counts[2] += entries
    counts[3] += bounces
    counts[4] += seconds
    counts[5] += timed
