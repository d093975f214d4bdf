"""A day's counting core: its counted views (and event hits) as identifier-free records
(docs/storage.md); record_sums.py sums them under any set of filters.

A view record holds the view's page, referrer and campaign, its visit's browser, system,
device, country and language (the visit's first view's: traits are kept per visit), the hour,
the whole visible seconds and flags:

  bits 0-7   for each subset S of {page 1, ref 2, campaign 4}: the first view of its visit with
             these values of S (S empty: the visit's first view)
  bits 8-15  the same among the visit's views that reported visible seconds
  bit 16     this view's page is the visit's entry page
  bit 17     the visit had one view (a bounce)
  bit 18     this view reported visible seconds

An event record holds the event's name, page, referrer, campaign, its visitor's traits (their
first event's of the day) and bits 0-7 for the name with each subset. Rows carry no visitor
hash and no visit number, and are sorted by value: within a day, only the flags say that two
rows were one visit. So a visit has a view matching filters F exactly when one of its rows
matches F and has the flag of S(F), the per-view dimensions F constrains: every count is a
count of rows.

Privacy fold: a visitor trait (browser, system, device, country, language) held by fewer than
K visits of the day becomes "(other)" in the records; then a visit whose remaining mix of the
five is held by fewer than K visits gives up one trait at a time (fold()) until K visits share
the rest. A rare mix of traits kept per day would otherwise be a fingerprint across days.
"""

import collections

from . import bounds, dimensions

# page, ref, campaign; browser, os, device, country, language
PER_VIEW = tuple(name for name in dimensions.VIEW_COLUMNS if name not in dimensions.PER_VISITOR)
PER_VISIT = dimensions.PER_VISITOR
# The columns of a view record (then hour, seconds, flags) and of an event record (after name).
VALUES = PER_VIEW + PER_VISIT
VIEW_WIDTH, EVENT_WIDTH = len(VALUES) + 3, len(VALUES) + 2
HOUR_AT, SECONDS_AT, FLAGS_AT = len(VALUES), len(VALUES) + 1, len(VALUES) + 2
# The strings table's number of each dimension (0: no string is stored under it).
DIM_NUMBER = dict(zip(VALUES, range(1, 9)), event=10)
SUBSET_BIT = {"page": 1, "ref": 2, "campaign": 4}
TIMED_FIRST, ENTRY, BOUNCED, TIMED = 8, 1 << 16, 1 << 17, 1 << 18
ALL_FIRST = 0xFF  # a one-view visit's view is the first of every subset
K = 3
OTHER = "(other)"


# ---------------------------------------------------------------------------------------------
# A day's views and events -> records (values still strings)
# ---------------------------------------------------------------------------------------------

def view_records(views):
    """[(page, ref, campaign, browser, os, device, country, language, hour, seconds, flags)]
    of one day and site's counted views (summary.View), unsorted, traits folded."""
    visits = {}
    for view in views:
        of_visit = visits.get(view.visitor)
        if of_visit is None:
            visits[view.visitor] = [view]
        else:
            of_visit.append(view)
    for visit in visits.values():
        if len(visit) > 1:
            visit.sort(key=_time)
    traits = fold({key: _traits_of(visit[0]) for key, visit in visits.items()})
    rows = []
    for key, visit in visits.items():
        rows += _visit_records(visit, traits[key])
    return rows


def event_records(hits):
    """[(name, page, ref, campaign, browser, os, device, country, language, flags)] of one day
    and site's event hits, oldest first, each (name, visitor, {column: value}) as
    event_sums.sums_of takes them: one row per hit, in their order, traits folded among the
    day's event visitors.
    Names and values past the day's caps are OTHER, as in the day's event sums (bounds.py)."""
    hits = bounds.cap_events(hits)
    firsts = {}
    for _name, visitor, columns in hits:
        if visitor not in firsts:
            firsts[visitor] = tuple(columns[d] for d in PER_VISIT)
    traits = fold(firsts)
    seen, rows = set(), []
    for name, visitor, columns in hits:
        values = tuple(columns[d] for d in PER_VIEW)
        flags = 0
        for subset in range(8):
            key = (visitor, name, subset) + _part(values, subset)
            if key not in seen:
                seen.add(key)
                flags |= 1 << subset
        rows.append((name,) + values + traits[visitor] + (flags,))
    return rows


# A mix held by fewer than K visits gives up one trait at a time (dimensions.GIVE_UP: language,
# system, device, browser, country) until K visits share what is left, so the common part of a
# rare visit (Firefox from France) still answers two filters.
GIVE_UP = tuple(PER_VISIT.index(name) for name in dimensions.GIVE_UP)


def fold(traits):
    """{visit: its five traits} with the rare ones "(other)": each value held by fewer than K
    visits; then, in GIVE_UP's order, a trait at a time of every visit whose mix is still held
    by fewer than K. '' (not known) stays ''."""
    held = [collections.Counter(mix[i] for mix in traits.values()) for i in range(len(PER_VISIT))]
    kept = {}
    for visit, mix in traits.items():
        kept[visit] = tuple(OTHER if value and held[i][value] < K else value
                            for i, value in enumerate(mix))
    for i in GIVE_UP:
        mixes = collections.Counter(kept.values())
        rare = [visit for visit, mix in kept.items() if mixes[mix] < K]
        if not rare:
            break
        for visit in rare:
            mix = kept[visit]
            if mix[i]:
                kept[visit] = mix[:i] + (OTHER,) + mix[i + 1:]
    return kept


def _time(view):
    return view.ts


def _traits_of(view):
    return view.browser, view.os, view.device, view.country, view.language


def _part(values, subset):
    return tuple(value if subset >> i & 1 else None for i, value in enumerate(values))


def _visit_records(visit, traits):
    first = visit[0]
    if len(visit) == 1:  # most visits: its view is the first of everything, an entry, a bounce
        flags = ALL_FIRST | ENTRY | BOUNCED
        if first.timed:
            flags |= TIMED | ALL_FIRST << TIMED_FIRST
        return [(first.page, first.ref, first.campaign) + traits
                + (first.hour, _whole(first), flags)]
    entry = first.page
    seen, seen_timed, rows = set(), set(), []
    for view in visit:
        page, ref, campaign = values = (view.page, view.ref, view.campaign)
        flags = ENTRY if page == entry else 0
        # Each subset's key (_part's values, written out: this runs for every view of a day).
        keys = ((0,), (1, page), (2, ref), (3, page, ref), (4, campaign), (5, page, campaign),
                (6, ref, campaign), (7, page, ref, campaign))
        bit = 1
        for key in keys:
            if key not in seen:
                seen.add(key)
                flags |= bit
            bit <<= 1
        if view.timed:
            flags |= TIMED
            bit = 1 << TIMED_FIRST
            for key in keys:
                if key not in seen_timed:
                    seen_timed.add(key)
                    flags |= bit
                bit <<= 1
        rows.append(values + traits + (view.hour, _whole(view), flags))
    return rows


def _whole(view):
    return int(round(view.seconds)) if view.timed else 0


# ---------------------------------------------------------------------------------------------
# Records as integer columns: strings to numbers, sorted (columns.pack stores them)
# ---------------------------------------------------------------------------------------------

def encode(rows, dims, id_of):
    """rows with their first len(dims) values replaced by id_of(dimension number, value),
    sorted by value."""
    if not rows:
        return []
    columns = list(zip(*rows))
    coded = []
    for dim, column in zip(dims, columns):
        # Each distinct value looked up once, in the rows' order: a dimension's new strings are
        # numbered as they come, as a lookup row by row would number them.
        number = DIM_NUMBER[dim]
        ids = {value: id_of(number, value) for value in dict.fromkeys(column)}
        coded.append(map(ids.__getitem__, column))
    out = list(zip(*coded, *columns[len(dims):]))
    out.sort()
    return out


def columns_of(rows, width):
    """The columns of unpacked integer rows (today's, made in memory)."""
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]
