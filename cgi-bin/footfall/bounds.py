"""The bound on what one site's ended day leaves (docs/privacy.md, "What a day can leave"), and
the fold of rare pairs of visitor traits: applied where an ended day's views and event hits are
summed up (summary.summarize_day, storage/event_sums.py), so the live path, bulk seeding and
imports all keep the same bounded day.

Caps: each dimension keeps the day's first N values by visits (its top N, ties to the earlier
first view), the rest counted as OTHER. Top N rather than first N: a burst of junk values at
00:01 would otherwise push the site's real pages out of the day; junk that arrives once per value
never outranks a page read by two visits. Totals stay exact: a view keeps counting, under OTHER.

Rare pairs: a row of the day summary that pairs two values (filter browser=X listing countries,
...) for a visitor trait held by fewer than K visits of the day counts that value as OTHER; so
does a page, referrer or campaign held by fewer than K visits outside the day's top PAIRED_TOP.
A value's own counts stay exact: a count of one value says how many came, not who; a rare value
beside another trait is the start of a fingerprint that can be matched across days.
"""

from operator import attrgetter

from . import dimensions

OTHER = "(other)"

# Values of a day kept by each dimension. Measured with scripts/benchmark/day_bound.py: the
# hostile day (1,000 new 900-character pages, 500 new event names) must leave at most 5 MB, and
# every real site's day must stay exact. A page read once costs about 5 kB on a hostile day
# (its rows in the daily and monthly summaries, its sketches, its daily_page/monthly_page
# rows), more among the top PAIRED_TOP (its month's pair rows too).
CAPS = {
    # seed_db's 200-page blog shows up to ~200 pages a day, serve.py's demo 41: 250 leaves a
    # real site's day exact and holds a hostile day's pages to ~1.3 MB.
    "page": 250,
    # Referring hosts and campaigns' sources (512 characters at most): few a day on real sites.
    "ref": 300,
    # Campaign names (100 characters at most): a handful on real sites.
    "campaign": 100,
    # From closed sets (agents.py's families, places' countries, 2-3 letter languages): the caps
    # stand above each set and only guard against a set that grows.
    "browser": 100, "os": 100, "device": 100, "country": 300, "language": 300,
}
# Event names a day keeps (64 characters at most): a site defines a few dozen goals.
EVENT_CAP = 100
# Fewer than K visits of the day: a trait value too rare to be paired with another.
K = 3
# A value of a page, referrer or campaign held by fewer than K visits of the day is folded in
# the month's pairs (pairs.py) only outside the day's top PAIRED_TOP of its dimension: a rare
# one is most of a hostile day's bytes (each of its pair rows keys its long string again),
# while a real site's pages under a filter stay exact up to this many a day (the demo has 41).
PAIRED_TOP = 50
TRAITS = frozenset(dimensions.PER_VISITOR)
PAIRED = dimensions.VIEW_COLUMNS


# ---------------------------------------------------------------------------------------------
# Caps: the day's views, before they are summed up
# ---------------------------------------------------------------------------------------------

def cap_views(views):
    """Count each dimension's values past its cap as OTHER, in place: views are summary.View
    of one day and site. The same views then make the day summary (and its records)."""
    for dim, cap in CAPS.items():
        values = set(map(attrgetter(dim), views))
        values.discard("")
        if len(values) <= cap:
            continue  # a real site's day: nothing to do
        kept = top([(getattr(view, dim), view.visitor, view.ts) for view in views], cap)
        for view in views:
            value = getattr(view, dim)
            if value and value not in kept:
                setattr(view, dim, OTHER)


def top(seen, cap):
    """The cap values seen by most visitors: seen is [(value, visitor, ts)]; ties go to the
    value seen first (then the smaller value, so the same day always keeps the same)."""
    visitors, first = {}, {}
    for value, visitor, ts in seen:
        if not value:
            continue
        visitors.setdefault(value, set()).add(visitor)
        if value not in first or ts < first[value]:
            first[value] = ts
    ranked = sorted(visitors, key=lambda value: (-len(visitors[value]), first[value], value))
    return set(ranked[:cap])


def cap_events(hits):
    """event_sums' hits [(event, visitor, columns)] of one day and site, their names past
    EVENT_CAP (by visitors) counted as OTHER, and each filter column's values past its cap."""
    names = {name for name, _, _ in hits}
    if len(names) > EVENT_CAP:
        kept = top([(name, visitor, i) for i, (name, visitor, _) in enumerate(hits)], EVENT_CAP)
        hits = [(name if name in kept else OTHER, visitor, columns)
                for name, visitor, columns in hits]
    for dim, cap in CAPS.items():
        values = {columns[dim] for _, _, columns in hits}
        values.discard("")
        if len(values) > cap:
            kept = top([(columns[dim], visitor, i)
                        for i, (_, visitor, columns) in enumerate(hits)], cap)
            hits = [(name, visitor, columns if not columns[dim] or columns[dim] in kept
                     else dict(columns, **{dim: OTHER})) for name, visitor, columns in hits]
    return hits


# ---------------------------------------------------------------------------------------------
# Rare pairs: the month's pair rows
# ---------------------------------------------------------------------------------------------

def rare_values(packed, visitors_of):
    """{(dim, value)} to fold in pairs: held by fewer than K visits of the day (the unfiltered
    list's rows), and for a dimension not a visitor trait, outside its top PAIRED_TOP."""
    by_dim = {}
    for (f, _, dim, value), counts in packed.items():
        if not f and dim in PAIRED:
            by_dim.setdefault(dim, []).append((visitors_of(counts), value))
    rare = set()
    for dim, seen in by_dim.items():
        if dim not in TRAITS:
            if len(seen) <= PAIRED_TOP:
                continue
            seen = sorted(seen, key=lambda pair: (-pair[0], pair[1]))[PAIRED_TOP:]
        rare.update((dim, value) for visitors, value in seen if visitors < K)
    return rare
