"""One filter's lists and hours over ended days, counted from their records (records.py): what
daily_breakdown held as pairs (a filter's value x each value of a listed dimension) before
schema 18. A day with records keeps only its unfiltered rows and each filter value's totals
there (breakdowns.py); its lists under a filter are these.

A range's lists (range_lists) fold each day's rare pages, referrers and campaigns into
"(other)" as that day's month's pairs do (pairs.of_day, bounds.rare_values), so that a month
read whole and read as days give the same lists; and so that a month's pairs (or its first
half, half_months.py) less the records of its days outside a range are exactly the range's
days: read so when those days are fewer.
"""

from .. import bounds, pairs, record_sums, records
from ..counting import day_before, next_day
from . import day_records, half_months, month_pairs

# The ended days of a month that have views, and those that have records: when every one of
# the first is among the second, the month's pairs were summed from those records alone.
SELECT_VIEW_DAYS = """
    select day, site from daily_site
     where day between :first and :last and day < :today and pageviews > 0
       and (:site is null or site = :site)
"""
SELECT_RECORDED_DAYS = """
    select day, site from day_records
     where day between :first and :last and (:site is null or site = :site)
"""
# An id no string has: a value folded into "(other)" (named so by _Names).
_OTHER_ID = -1


def day_hours(conn, day, site, filter_name, filter_value):
    """{hour text: [visitors, pageviews, 0, 0, 0, 0]} of one ended day with records, under
    one filter (a visit whose traits were folded past the filter's value is not among them:
    records.fold). Hours pair no two values: nothing of theirs is folded as lists are."""
    filters = {filter_name: filter_value}
    ids = day_records.find_ids(conn, filters)
    if ids[filter_name] is None:
        return {}
    tally = record_sums.Tally(filters)
    for day_of, views, _events in day_records.in_range(conn, day, day, site):
        tally.add_views(day_of, views, ids)
    if not tally.per_day:
        return {}
    names = day_records.Names(conn)
    named = record_sums.add_named(record_sums.empty_sums(), tally, names.name_of, names.prefetch)
    return {str(hour): counts for hour, counts in named["lists"]["hour"].items()}


def range_lists(conn, day_ranges, site, filter_name, filter_value, today):
    """{dimension: {value: counts}} of a filter's lists (records.VALUES) over the ended days of
    day_ranges, each day's rare values folded as its month's pairs fold them. A stretch within
    one month is read from the block of its month that leaves fewest days to count (_read)."""
    out, counted, names = {}, [], _Names(conn)  # one reading of the names for every part
    for first, last in _by_month(day_ranges):
        read = _read(conn, first, last, site, filter_name, filter_value, today, names)
        if read is None:
            counted.append((first, last))
        else:
            _add_lists(out, read)
    _add_lists(out, folded_lists(conn, counted, site, filter_name, filter_value, names))
    return out


def _read(conn, first, last, site, filter_name, filter_value, today, names):
    """The lists of [first, last] (within one month) as a block of its month read whole, with
    the block's days outside the stretch taken out and the stretch's days outside the block
    added, those counted from records; None when counting the stretch's own days is as cheap.

    The blocks: the month's pairs (only when every day of the month that ended with views has
    records: else its pairs came from elsewhere); under a visitor trait, also its first half
    (half_months.py: counted from records once and kept) and the month's pairs less that half.
    The cheapest is the one whose days differ from the stretch's on fewest days with records:
    with the halves, at most about a week."""
    if not today:
        return None
    month = first[:7]
    whole = {"first": month + "-01", "last": day_before(_next_month(first)), "site": site,
             "today": today}
    recorded = set(conn.execute(SELECT_RECORDED_DAYS, whole).fetchall())
    middle = f"{month}-{half_months.LAST_DAY}"
    halves = middle < today and filter_name in half_months.FILTERS
    blocks = []
    if set(conn.execute(SELECT_VIEW_DAYS, whole).fetchall()) <= recorded:
        blocks.append((whole["first"], whole["last"]))  # the month's pairs
        if halves:
            blocks.append((next_day(middle), whole["last"]))  # ... less its first half
    if halves:
        blocks.append((whole["first"], middle))  # its first half

    def cost(block):
        return sum(1 for day, _site in recorded
                   if (first <= day <= last) != (block[0] <= day <= block[1]))

    own = sum(1 for day, _site in recorded if first <= day <= last)
    block = min(blocks, key=cost, default=None)
    if block is None or cost(block) >= own:
        return None

    def count(day_ranges):  # of the ranges with records only
        day_ranges = [(a, b) for a, b in day_ranges
                      if any(a <= day <= b for day, _site in recorded)]
        return folded_lists(conn, day_ranges, site, filter_name, filter_value, names)

    def count_ids(day_ranges):
        return folded_ids(conn, day_ranges, site, filter_name, filter_value, names)

    def first_half():
        by_id = half_months.first_half(conn, month, site, filter_name, filter_value, count_ids)
        return named_lists(by_id, names)

    out = {}
    if block[0] == whole["first"]:
        if block[1] == middle:
            _add_lists(out, first_half())
        else:
            _add_lists(out, month_pairs.lists(conn, filter_name, filter_value, month, month,
                                              site, names))
            out.pop(filter_name, None)  # as folded_lists: not the filter's own list
    else:
        _add_lists(out, month_pairs.lists(conn, filter_name, filter_value, month, month, site,
                                          names))
        out.pop(filter_name, None)
        if not _take_out(out, first_half()):
            return None
    _add_lists(out, count(_outside((first, last), block)))
    if not _take_out(out, count(_outside(block, (first, last)))):
        return None
    for of_dim in out.values():
        for value, counts in list(of_dim.items()):
            if not counts[1]:
                del of_dim[value]
            else:
                counts[4] = _seconds(counts[4])
    return {dim: of_dim for dim, of_dim in out.items() if of_dim}


def _take_out(lists, part):
    """Take part's counts out of lists; False if any would go below zero (the month's pairs
    are not these records': never seen so)."""
    for dim, of_dim in part.items():
        kept = lists.setdefault(dim, {})
        for value, counts in of_dim.items():
            left = [a - b for a, b in zip(kept.get(value, [0] * 6), counts)]
            if min(left) < 0:
                return False
            kept[value] = left
    return True


def _outside(days, block):
    """The day ranges of days (first, last) outside block (first, last): at most two."""
    (first, last), (start, end) = days, block
    ranges = [(first, min(last, day_before(start))), (max(first, next_day(end)), last)]
    return [(a, b) for a, b in ranges if a <= b]


def folded_lists(conn, day_ranges, site, filter_name, filter_value, names=None):
    """The lists of the days in day_ranges that have records, under one filter, each day's
    rare pages, referrers and campaigns counted as "(other)". names: a _Names read before."""
    names = names or _Names(conn)
    return named_lists(folded_ids(conn, day_ranges, site, filter_name, filter_value, names),
                       names)


def folded_ids(conn, day_ranges, site, filter_name, filter_value, names):
    """folded_lists before naming: {dimension: {id: counts}}, each value by its number in the
    strings table, a folded one by _OTHER_ID. names: a _Names, which the fold reads too."""
    if not day_ranges:
        return {}
    filters = {filter_name: filter_value}
    ids = day_records.find_ids(conn, filters)
    if ids[filter_name] is None:
        return {}
    tally = record_sums.Tally(filters, _others(filter_name))
    for first, last in day_ranges:
        for day, views, _events in day_records.in_range(conn, first, last, site):
            tally.add_views(day, _fold_rare(views, names), ids)
    if not tally.per_day:
        return {}
    # Not the filter's own list: a value's list under itself is its unfiltered row
    # (breakdown_reader.Reader.totals).
    return {dim: of_dim for dim, of_dim in tally.lists().items() if of_dim}


def named_lists(by_id, names):
    """{dimension: {name: counts}} of folded_ids' lists."""
    out = {}
    for dim, of_dim in by_id.items():
        number = records.DIM_NUMBER[dim]
        names.prefetch(number, of_dim)
        out[dim] = named = {}
        for id_, counts in of_dim.items():
            name = names.name_of(number, id_)  # a folded id and "(other)"'s: one name
            current = named.get(name)
            named[name] = counts if current is None else [a + b for a, b in zip(current, counts)]
    return out


def _others(filter_name):
    return tuple(dim for dim in records.VALUES if dim != filter_name)


def _fold_rare(columns, names):
    """A day's view columns with the values its month's pairs fold (pairs.rare_in) as
    _OTHER_ID."""
    rare = pairs.rare_in(columns, names.name_of, names.prefetch)
    if not rare:
        return columns
    folded = list(columns)
    for at, dim in enumerate(records.VALUES):
        gone = {value for of_dim, value in rare if of_dim == dim}
        if gone:
            folded[at] = [_OTHER_ID if value in gone else value for value in columns[at]]
    return folded


class _Names(day_records.Names):
    """The strings table's names, and "(other)" for a folded value's id."""

    def name_of(self, dim, id_):
        if id_ == _OTHER_ID:
            return bounds.OTHER
        return super().name_of(dim, id_)


def _seconds(left):
    """A month's seconds (in whole milliseconds, month_pairs.lists' float) less its other days'
    (whole seconds): whole seconds again when they are, as counted from records."""
    ms = int(round(left * 1000))
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def _add_lists(into, lists):
    for dim, of_dim in lists.items():
        kept = into.setdefault(dim, {})
        for value, counts in of_dim.items():
            current = kept.get(value)
            if current is None:
                kept[value] = list(counts)
            else:
                for i, n in enumerate(counts):
                    current[i] += n


def _by_month(day_ranges):
    """Each range split at the months' ends: [(first, last)] within one month each."""
    for first, last in day_ranges:
        while first[:7] < last[:7]:
            following = _next_month(first)
            yield first, day_before(following)
            first = following
        yield first, last


def _next_month(day):
    year, month = int(day[:4]), int(day[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}-01"

