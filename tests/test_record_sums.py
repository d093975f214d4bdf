"""record_sums.Tally's lists against a plain reference: every number of every list is a count
of rows (records.py's flags say which rows), whatever order the rows come in. A day's records
are sorted by page, so the page list sums its seconds run by run; rows in any other order are
summed row by row: both must give the reference's numbers. Lists other than pages count
visitors and pageviews, what they show."""

import random

import pytest
from footfall import record_sums
from footfall.records import (
    BOUNCED,
    ENTRY,
    FLAGS_AT,
    PER_VISIT,
    SECONDS_AT,
    SUBSET_BIT,
    TIMED,
    VALUES,
    VIEW_WIDTH,
)
from hypothesis import given, settings
from hypothesis import strategies as st

# A record's values are ids (0: none); seconds are whole, and 0 unless the view reported some.
ROW = st.tuples(
    *[st.integers(0, 4)] * len(VALUES),
    st.integers(0, 23),
    st.integers(1, 900),
    st.integers(0, (1 << 19) - 1),
).map(lambda row: row[:SECONDS_AT] + ((row[SECONDS_AT] if row[FLAGS_AT] & TIMED else 0),
                                      row[FLAGS_AT]))


def reference_lists(rows, subset):
    """{dimension: {id: [visitors, pageviews, entries, bounces, seconds, timed views]}}, row by
    row: a row counts a visitor of its value when it holds the flag of its visit's first view
    with that value (a visitor trait: the visit's first view). A list of anything but pages
    shows visitors and pageviews only, and counts nothing else."""
    out = {}
    for at, dim in enumerate(VALUES):
        own = 1 << (subset | SUBSET_BIT[dim]) if dim not in PER_VISIT else 1 << subset
        of_dim = {}
        for row in rows:
            value, flags = row[at], row[FLAGS_AT]
            if not value:
                continue
            counts = of_dim.setdefault(value, [0] * 6)
            counts[1] += 1
            if flags & own:
                counts[0] += 1
                if dim == "page" and flags & ENTRY:
                    counts[2] += 1
                    if flags & BOUNCED:
                        counts[3] += 1
            if flags & TIMED and dim == "page":
                counts[4] += row[SECONDS_AT]
                counts[5] += 1
        out[dim] = of_dim
    return out


def tally_of(rows, filters, listed=None):
    tally = record_sums.Tally(filters, listed)
    columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in
                                                                     range(VIEW_WIDTH)]
    tally.add_views("2026-10-01", columns, {})
    return tally


@settings(max_examples=200)
@given(rows=st.lists(ROW, max_size=60), by_page=st.booleans())
def test_every_list_counts_its_rows_flags_and_seconds_in_either_order(rows, by_page):
    rows = sorted(rows) if by_page else rows  # sorted: the page list's seconds run by run
    assert tally_of(rows, {}).lists() == reference_lists(rows, 0)


def test_a_days_sorted_pages_sum_their_seconds_by_runs_as_rows_do():
    """Hundreds of rows over a few pages, sorted as a day's records are: the page list sums its
    seconds one run at a time. The same rows shuffled are summed row by row: the same lists."""
    rng = random.Random(7)
    rows = []
    for _ in range(600):
        flags = rng.randrange(1 << 19)
        rows.append(tuple(rng.randrange(1, 6) for _ in VALUES) + (
            rng.randrange(24), rng.randrange(1, 600) if flags & TIMED else 0, flags))
    rows.sort()
    shuffled = rows[:]
    rng.shuffle(shuffled)
    expected = reference_lists(rows, 0)
    assert tally_of(rows, {}).lists() == expected
    assert tally_of(shuffled, {}).lists() == expected


def test_a_tally_for_some_lists_keeps_only_their_columns_and_counts_them_alike():
    rng = random.Random(3)
    rows = sorted(tuple(rng.randrange(0, 4) for _ in VALUES) + (
        rng.randrange(24), 0, rng.randrange(1 << 19) & ~TIMED) for _ in range(200))
    listed = ("page", "ref", "os", "country")
    some = tally_of(rows, {}, listed)
    assert some.lists() == {dim: of_dim for dim, of_dim in reference_lists(rows, 0).items()
                            if dim in listed}
    kept = [at for at, column in enumerate(some.views) if column]
    assert kept == [VALUES.index(dim) for dim in listed] + [SECONDS_AT, FLAGS_AT]
    with pytest.raises(ValueError):
        some.sums()  # its hours' column was never kept: no sums rather than empty hours
