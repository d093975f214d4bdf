"""A month's pairs (a filter's value x each value of a listed dimension: the filter's lists over
whole months) in their compact form since schema 19: one monthly_pairs row per filter value,
month and site, whose blob holds that value's lists of the month as zlib-compressed integer
columns (columns.pack): the listed dimension's number and the value's id (records.DIM_NUMBER,
the strings table), visitors, pageviews, entries, bounces, timed views and visible seconds in
whole milliseconds. As text rows of monthly_breakdown, both ways round, they were 43 of the
103 MB of the 1M-hit site (docs/storage.md). Written when days end (breakdowns.MonthSums) and
when migrate_db sums a month up again (copies.sum_up_month); read by breakdown_reader.
"""

from itertools import groupby
from operator import itemgetter

from .. import columns, pairs, records, summary
from . import day_records

# Schema 19's new table, made by migration 19 unless there (the comments on it are in schema.py).
TABLE = """
    create table if not exists monthly_pairs (
        filter        text not null,
        filter_value  text not null,
        month         text not null,
        site          text not null,
        lists         blob not null,
        primary key (filter, filter_value, month, site)
    ) without rowid
"""
# Migration 24: the same table with a rowid (schema.py says why), its rows moved.
AS_ROWID_TABLE = """
    create table monthly_pairs_24 (
        filter        text not null,
        filter_value  text not null,
        month         text not null,
        site          text not null,
        lists         blob not null,
        primary key (filter, filter_value, month, site)
    );
    insert into monthly_pairs_24 (filter, filter_value, month, site, lists)
        select filter, filter_value, month, site, lists from monthly_pairs;
    drop table monthly_pairs;
    alter table monthly_pairs_24 rename to monthly_pairs;
"""
# dim, value id, visitors, pageviews, entries, bounces, timed, milliseconds
WIDTH = 8
# The key's two columns (rows sorted by them) are stored as their deltas (docs/storage.md,
# "Delta-coded blobs").
DELTAS = (0, 1)
SELECT_LISTS = """
    select lists from monthly_pairs
     where filter = :filter and filter_value = :filter_value and month = :month and site = :site
"""
DELETE_LISTS = """
    delete from monthly_pairs
     where filter = :filter and filter_value = :filter_value and month = :month and site = :site
"""
INSERT_LISTS = """
    insert into monthly_pairs (filter, filter_value, month, site, lists)
    values (:filter, :filter_value, :month, :site, :lists)
"""
SELECT_RANGE = """
    select lists from monthly_pairs
     where filter = :filter and filter_value = :filter_value and month between :first and :last
       and (:site is null or site = :site)
"""
SELECT_MONTHLY_PAIRS = """
    select filter, filter_value, dim, month, site, value, visitors, pageviews, entries, bounces,
           seconds, timed
      from monthly_breakdown
     where filter <> '' and dim <> ''
"""
DELETE_MONTHLY_PAIRS = "delete from monthly_breakdown where filter <> '' and dim <> ''"
DELETE_MONTH = "delete from monthly_pairs where month = :month"


def is_pair(key):
    """Whether a row key (filter, filter value, dim, value) is a pair: kept here, not as a row."""
    return bool(key[0] and key[2])


def add(conn, month, site, sums, stored=True, strings=None):
    """Add pairs {(filter, filter value, dim, value): [visitors, pageviews, entries, bounces,
    seconds, timed]} to a month and site's lists (stored=False: it has none yet, so each is one
    insert). Their values are numbered in the strings table (strings: a day_records.Strings)."""
    _write(conn, _added(conn, month, site, sums, stored, strings))


def day_pairs(conn, day, site, view_rows, months=None):
    """(packed counts, seconds) that a day's view records (records.view_records') add to its
    month's pairs: pairs.of_day's. A day summed up again (an import's lines of a day that had
    ended) is folded as one day, as a read of its records folds it (storage/record_lists.py):
    the pairs of its records so far are taken out of its month first, and those of all of
    them added. months: the MonthSums holding sums not yet written (flushed first)."""
    earlier = day_records.view_rows(conn, day, site)
    if not earlier:
        return pairs.of_day(view_rows)
    if months is not None:
        months.flush(conn)
    packed, seconds = pairs.of_day(earlier)
    taken = _added(conn, day[:7], site, {
        key: [-n for n in summary.unpack(counts, seconds.get(key, 0))]
        for key, counts in packed.items()})
    if any(min(row[2:]) < 0 for _key, _found, rows in taken for row in rows):
        # Its month does not hold what its records fold to: its parts were folded apart (as
        # they were before this function), or a copy added its records and its month is not
        # summed up again yet (migrate_db.py does that next: copies.sum_up_month). The new
        # part is added alone, as it was before.
        return pairs.of_day(view_rows)
    _write(conn, taken)
    return pairs.of_day(earlier + list(view_rows))


def _added(conn, month, site, sums, stored=True, strings=None):
    """[(row key, whether stored, its rows with sums added)] of each filter value of sums."""
    strings = strings or day_records.Strings(conn)
    by_filter = {}
    for (f, fv, dim, value), counts in sums.items():
        number = records.DIM_NUMBER[dim]
        lists = by_filter.setdefault((f, fv), {})
        _add(lists, (number, strings.id_of(number, value)), _whole(counts))
    out = []
    for (f, fv), lists in by_filter.items():
        key = {"filter": f, "filter_value": fv, "month": month, "site": site}
        found = conn.execute(SELECT_LISTS, key).fetchone() if stored else None
        if found is not None:
            for row in _decoded(found[0]):
                _add(lists, row[:2], row[2:])
        # A pair taken out whole (day_pairs) leaves no row of zeros.
        out.append((key, found is not None,
                    sorted(item + tuple(counts) for item, counts in lists.items() if any(counts))))
    return out


def _write(conn, added):
    for key, found, rows in added:
        if found:
            conn.execute(DELETE_LISTS, key)
        if rows:
            conn.execute(INSERT_LISTS, dict(key, lists=columns.pack(rows, WIDTH, DELTAS)))


def lists(conn, filter_name, filter_value, first, last, site=None, names=None):
    """{dim: {value: [visitors, pageviews, entries, bounces, seconds, timed]}}: one filter
    value's lists over the months first to last (YYYY-MM), each blob read once. A list of
    anything but pages counts visitors and pageviews only (pairs.pair_sums); months written
    before may hold more, which breakdown_reader.Reader.totals sets to 0. names: a
    day_records.Names read before."""
    params = {"filter": filter_name, "filter_value": filter_value, "first": first,
              "last": last, "site": site}
    blobs = conn.execute(SELECT_RANGE, params).fetchall()
    by_number = {}
    if len(blobs) == 1:  # a month holds each (dimension, value) once
        for number, id_, *counts in _decoded(blobs[0][0]):
            by_number.setdefault(number, {})[id_] = counts
    else:
        # Months sorted together: each value's rows side by side, each summed in one pass.
        rows = [row for (blob,) in blobs for row in _decoded(blob)]
        rows.sort(key=_number_and_id)
        for (number, id_), same in groupby(rows, _number_and_id):
            by_number.setdefault(number, {})[id_] = list(map(sum, zip(*same)))[2:]
    out, names = {}, names or day_records.Names(conn)
    for dim, number in records.DIM_NUMBER.items():
        by_id = by_number.get(number)
        if by_id:
            names.prefetch(number, by_id)
            out[dim] = {names.name_of(number, id_): [v, p, e, b, ms / 1000, timed]
                        for id_, (v, p, e, b, timed, ms) in by_id.items()}
    return out


def delete_month(conn, month):
    conn.execute(DELETE_MONTH, {"month": month})


def move_rows(conn):
    """Migration 19: monthly_breakdown's pair rows into monthly_pairs, every number kept
    (seconds to the millisecond)."""
    by_month = {}
    for f, fv, dim, month, site, value, *counts in conn.execute(SELECT_MONTHLY_PAIRS):
        by_month.setdefault((month, site), {})[f, fv, dim, value] = counts
    strings = day_records.Strings(conn)
    for (month, site), sums in sorted(by_month.items()):
        add(conn, month, site, sums, stored=False, strings=strings)
    conn.execute(DELETE_MONTHLY_PAIRS)


def _whole(counts):
    """[visitors, pageviews, entries, bounces, timed, milliseconds] of a row's counts."""
    visitors, pageviews, entries, bounces, seconds, timed = counts
    return [visitors, pageviews, entries, bounces, timed, int(round(seconds * 1000))]


_number_and_id = itemgetter(0, 1)


def _decoded(blob):
    return zip(*columns.unpack(bytes(blob), WIDTH))


def _add(into, key, counts):
    current = into.get(key)
    if current is None:
        into[key] = list(counts)
    else:
        for i, n in enumerate(counts):
            current[i] += n


def migration(table):
    """Migration 19: a function of the connection that makes table (the new one, in its
    backend's words) and moves the monthly pair rows into it: SQL cannot pack a filter value's
    lists into one blob."""

    def migrate(conn):
        conn.execute(table)
        move_rows(conn)

    return migrate
