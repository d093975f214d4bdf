"""A day's pairs counted from its records (records.py): for each value of one dimension taken
as a filter, the counts of each value of another, as summary.summarize_packed shapes them
((filter, filter value, dim, value) -> packed counts, seconds apart). What a month's rows of a
filter's lists add up (storage/breakdowns.py), so that a whole month and the days at a range's
ends (storage/record_lists.py) count a filter's lists from the same records, folded alike.
"""

import collections
from itertools import compress

from .bounds import OTHER, PAIRED_TOP, TRAITS, rare_values
from .records import BOUNCED, DIM_NUMBER, ENTRY, FLAGS_AT, SECONDS_AT, SUBSET_BIT, TIMED, VALUES
from .summary import PACKED_BITS

_VISITOR, _PAGEVIEW, _ENTRY, _BOUNCE, _TIMED = (1 << PACKED_BITS * i for i in range(5))
# The visitor traits' columns: their pairs with each other are counted from the day's mixes.
_TRAIT_AT = tuple(at for at, dim in enumerate(VALUES) if dim in TRAITS)


def of_day(rows):
    """pair_sums of one ended day and site's view records (its whole records: a day summed up
    in parts is folded as one, storage/month_pairs.day_pairs), its rare values folded
    (rare_in): what the day adds to its month's pairs (storage/breakdowns.add_summary)."""
    return pair_sums(rows, rare_in(list(zip(*rows))) if rows else frozenset())


def rare_in(columns, name_of=None, prefetch=None):
    """{(dim, value)} a day's pairs fold (bounds.rare_values) of its records' columns: pages,
    referrers and campaigns, each value's visitors its rows with its first-view flag. The
    records hold the day's values as its summary does (capped before either was made), so
    these are its unfiltered lists' rare values. Visitor traits are none of them: a rare one is
    "(other)" in the records already (records.fold). Values as the columns hold them: strings,
    or ids that name_of(dimension number, id) names (the order of a tie is by name), told first
    to prefetch(dimension number, ids) when given."""
    flags, rare = columns[FLAGS_AT], set()
    for at, dim in enumerate(VALUES):
        if dim in TRAITS:
            continue
        held = set(columns[at])
        held.discard("")
        held.discard(0)
        if len(held) <= PAIRED_TOP:  # a real site's day: nothing to fold
            continue
        first = 1 << SUBSET_BIT[dim]
        visitors = collections.Counter(compress(columns[at], map(first.__and__, flags)))
        if prefetch is not None:
            prefetch(DIM_NUMBER[dim], held)
        named = {(name_of(DIM_NUMBER[dim], value) if name_of else value): value
                 for value in held}
        seen = {("", "", dim, name): visitors[value] for name, value in named.items()}
        rare.update((dim, named[name]) for _dim, name in rare_values(seen, _itself))
    return rare


def _itself(n):
    return n


def pair_sums(rows, rare=frozenset()):
    """({(filter, filter value, dim, value): packed counts}, {same key: seconds}) of one day
    and site's view records (records.view_records' rows, values still strings), for every
    filter and listed dimension of VALUES but the filter's own. A visitor counts once per
    pair: on their first view with the filter's value and the listed one (the flag of the
    two's per-view dimensions).
    A listed page counts visitors, pageviews, entries, bounces, seconds and timed views; any
    other listed value visitors and pageviews, all its list shows (dimensions.py's numbers).

    rare: {(dim, value)} counted as OTHER on either side (bounds.rare_values: a hostile day's
    thousand one-visit pages are most of its bytes otherwise); a visitor of two of them counts
    once for each under OTHER."""
    packed, seconds = {}, {}
    if not rows:
        return packed, seconds
    columns = list(zip(*rows))
    flags, of_views = columns[FLAGS_AT], columns[SECONDS_AT]
    # Each dimension's column with its rare values folded once, not once per pair.
    folded = [_folded(columns[at], dim, rare) for at, dim in enumerate(VALUES)]
    timed = list(map(TIMED.__and__, flags))
    every = folded + [flags, of_views, timed]
    # A row without a value of the filter or of the listed dimension counts in no pair: when
    # most rows hold no referrer or campaign, their pairs are counted from the rows that do.
    held = {}  # dimension's index -> (rows that hold a value, the columns of those rows)
    for at, column in enumerate(folded):
        mask = list(map(bool, column))
        count = sum(mask)
        if count < len(flags) // 2:
            held[at] = (count, [list(compress(c, mask)) for c in every])
    _add_trait_pairs(packed, [folded[at] for at in _TRAIT_AT], flags)
    for f_at, f in enumerate(VALUES):
        for d_at, dim in enumerate(VALUES):
            if d_at == f_at or (f_at in _TRAIT_AT and d_at in _TRAIT_AT):
                # A value's own list under itself is read from its unfiltered row, which is
                # exact (breakdown_reader.Reader.totals): its pairs with itself are never read.
                # Two traits' pairs are counted from the mixes (_add_trait_pairs).
                continue
            fewest = min((held[at] for at in (f_at, d_at) if at in held), default=(0, every),
                         key=_count)[1]
            by_filter, listed, is_page = fewest[f_at], fewest[d_at], dim == "page"
            flags, of_views, timed = fewest[-3:]
            own = 1 << (SUBSET_BIT.get(f, 0) | SUBSET_BIT.get(dim, 0))
            kept = own | (TIMED | ENTRY | BOUNCED if is_page else 0)
            worth = {}  # a row's counts by its flags kept, worked out once per flags
            for (fv, value, bits), n in collections.Counter(
                    zip(by_filter, listed, map(kept.__and__, flags))).items():
                if not fv or not value:
                    continue
                one = worth.get(bits)
                if one is None:
                    one = worth[bits] = _worth(bits, own, is_page)
                key = (f, fv, dim, value)
                packed[key] = packed.get(key, 0) + n * one
            if not is_page:
                continue
            for (fv, value, whole), n in collections.Counter(
                    compress(zip(by_filter, listed, of_views), timed)).items():
                if fv and value and whole:
                    key = (f, fv, dim, value)
                    seconds[key] = seconds.get(key, 0) + whole * n
    return packed, seconds


def _count(held):
    return held[0]


def _add_trait_pairs(packed, columns, flags):
    """The pairs of two visitor traits (browser x system, country x language...), each counted
    as pair_sums counts any pair that is not a page's: a view, and a visitor on the visit's
    first view (flag bit 0: traits have no subset bit). Counted from the day's mixes of the
    five traits, which are few (records.fold keeps each held by K visits or more): one count
    of the rows for the twenty pairs, not one for each."""
    dims = [VALUES[at] for at in _TRAIT_AT]
    worth = (_PAGEVIEW, _PAGEVIEW + _VISITOR)
    for mix, n in collections.Counter(zip(*columns, map((1).__and__, flags))).items():
        counts = n * worth[mix[-1]]
        for i, f in enumerate(dims):
            fv = mix[i]
            if not fv:
                continue
            for j, dim in enumerate(dims):
                value = mix[j]
                if j != i and value:
                    key = (f, fv, dim, value)
                    packed[key] = packed.get(key, 0) + counts


def _worth(bits, own, is_page):
    """The packed counts of one row under a pair, by the flags the pair keeps of it."""
    counts = _PAGEVIEW
    if bits & own:
        counts += _VISITOR
        if is_page and bits & ENTRY:
            counts += _ENTRY + (_BOUNCE if bits & BOUNCED else 0)
    if bits & TIMED:
        counts += _TIMED
    return counts


def _folded(column, dim, rare):
    """A column of records with the values of rare (of its dimension) as OTHER."""
    of_dim = {value for d, value in rare if d == dim}
    if not of_dim:
        return column
    return [OTHER if value in of_dim else value for value in column]
