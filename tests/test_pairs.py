"""pairs.py: a day's pairs (a filter value x a listed value) counted from its view records,
checked against the definitions counted row by row."""

import random

import pytest
from footfall import bounds, pairs, records, summary
from footfall.bounds import OTHER
from footfall.records import BOUNCED, ENTRY, SUBSET_BIT, TIMED, VALUES


def by_definition(rows, rare):
    """{(filter, fvalue, dim, value): [visitors, pageviews, entries, bounces, seconds, timed]}:
    for two different dimensions, each row with a value of both counts a view; a visitor on
    the row flagged first for the two's per-view dimensions; an entry and a bounce on that row
    of the entry page; a listed page's seconds and timed views on the rows that reported
    seconds (other lists show visitors and pageviews only)."""
    sums = {}
    for row in rows:
        flags, whole = row[-1], row[-2]
        for f_at, f in enumerate(VALUES):
            for d_at, dim in enumerate(VALUES):
                if d_at == f_at:  # a value's own list is its unfiltered row, never a pair
                    continue
                fv, value = row[f_at], row[d_at]
                if not fv or not value:
                    continue
                fv = OTHER if (f, fv) in rare else fv
                value = OTHER if (dim, value) in rare else value
                counts = sums.setdefault((f, fv, dim, value), [0, 0, 0, 0, 0, 0])
                first = flags >> (SUBSET_BIT.get(f, 0) | SUBSET_BIT.get(dim, 0)) & 1
                counts[0] += first
                counts[1] += 1
                if dim == "page" and first and flags & ENTRY:
                    counts[2] += 1
                    counts[3] += bool(flags & BOUNCED)
                if dim == "page" and flags & TIMED:
                    counts[4] += whole
                    counts[5] += 1
    return sums


def day_rows(seed, with_ref):
    """A day's view records: few of them with a referrer or campaign when with_ref is small."""
    rng = random.Random(seed)
    rows = []
    for _ in range(300):
        flags = rng.choice((0, 1, 0xFF | ENTRY | BOUNCED, 0x0F | ENTRY, 0x3))
        timed = rng.random() < 0.4
        if timed:
            flags |= TIMED
        rows.append((rng.choice(("/", "/a", "/b", "/c")),
                     rng.choice(("t.co", "x.org")) if rng.random() < with_ref else "",
                     "spring" if rng.random() < with_ref / 2 else "",
                     rng.choice(("Firefox", "Chrome", "")), rng.choice(("Linux", "iOS")),
                     "desktop", rng.choice(("DE", "FR", "")), "de", rng.randrange(24),
                     rng.randrange(1, 90) if timed else 0, flags))
    return rows


@pytest.mark.parametrize("with_ref", [0.05, 0.5, 0.9], ids=["few-referrers", "half", "most"])
@pytest.mark.parametrize("seed", range(3))
def test_pair_sums_are_the_definitions_counted_row_by_row(seed, with_ref):
    rows = day_rows(seed, with_ref)
    rare = {("page", "/c"), ("country", "FR")}
    packed, seconds = pairs.pair_sums(rows, rare)
    fast = {key: summary.unpack(counts, seconds.get(key, 0)) for key, counts in packed.items()}
    assert fast == by_definition(rows, rare)


def test_a_days_rare_values_counted_from_its_records_are_those_of_its_summary():
    # What a day's end folds (from the day summary, as it did) and what a read of its records
    # folds (pairs.rare_in) must be the same values for a month less its days to be exact.
    rng = random.Random(5)
    views = []
    for visitor in range(300):
        traits = rng.choice([("Firefox", "Linux", "desktop", "DE", "de"),
                             ("Chrome", "Windows", "desktop", "FR", "fr")])
        for n in range(rng.randint(1, 3)):
            page = f"/p{min(int(rng.expovariate(1 / 30)), 119)}"
            ref = rng.choice(["", "news.example", f"site{rng.randrange(90)}.example"])
            views.append(summary.View(f"v{visitor}", f"u{visitor}", 1000 * visitor + n, n % 24,
                                      page, ref, *traits, "", rng.random() * 30, n % 2 == 0))
    packed = summary.summarize_day(views)[0]
    rows = records.view_records(views)
    rare = pairs.rare_in(list(zip(*rows)))
    assert {dim for dim, _value in rare} == {"page", "ref"}  # more than 50 of each, rare ones
    assert rare == bounds.rare_values(packed, lambda counts: summary.unpack(counts)[0])
