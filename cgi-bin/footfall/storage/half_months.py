"""The first half of a month (its days 1 to 15) under one filter: that filter value's lists
over those days, as record_lists.folded_lists counts them from the days' records, kept for the
next read. With its month's pairs it leaves a range's partial month at most about a week of
days to count from records, where the month's pairs alone leave up to half a month
(record_lists.range_lists; docs/storage.md, "Schema 28: a month's first half, kept by the
read").

Kept by the read that first needs it, in a short transaction of its own and only if the
database can be had at once (as today's summary is, storage/today.py): never by a writer, so no
writer of days, records or month pairs has to keep it in step. Instead a kept half holds a
checksum of the records it was counted from, and is used only while the records of those days
are still the same; else they are counted again (a day summed up again by an import, a copy,
a day that ended after it was kept).

It holds what a month's pairs hold (a filter value's lists, folded as they fold them, of
identifier-free records), over fewer days, and only of values that have views in them: at
most one row per visitor trait's value (FILTERS) that has views in the first half of a month,
on one site or on all ('').
"""

import zlib

from .. import bounds, columns, records
from . import month_pairs
from .connection import try_in_transaction

# The last day of a month's first half.
LAST_DAY = 15
# The filters whose halves are kept: the visitor traits, broad filters whose lists count many
# records (Chrome is most of a day's views). A page, referrer or campaign matches few, and is
# within 3x of the unfiltered GET without (docs/performance.md); its halves would be most of
# the rows (a page's, for every page) for little.
FILTERS = bounds.TRAITS
# Migration 28 in each backend's words (the comments on it are in schema.py). A CRC-32 fits
# SQLite's integer, not PostgreSQL's (4 bytes, signed).
TABLE = """
    create table if not exists half_month_lists (
        filter        text    not null,
        filter_value  text    not null,
        month         text    not null,
        site          text    not null,
        records_crc   integer not null,
        lists         blob    not null,
        primary key (filter, filter_value, month, site)
    )
"""
PG_TABLE = TABLE.replace("integer not null", "bigint  not null").replace("blob   ", "bytea  ")
SELECT_KEPT = """
    select records_crc, lists from half_month_lists
     where filter = :filter and filter_value = :filter_value and month = :month and site = :site
"""
KEEP = """
    insert into half_month_lists (filter, filter_value, month, site, records_crc, lists)
    values (:filter, :filter_value, :month, :site, :records_crc, :lists)
    on conflict (filter, filter_value, month, site) do update
       set records_crc = excluded.records_crc, lists = excluded.lists
"""
# What the checksum covers: each day and site of the half with records, and its view records.
SELECT_RECORDS = """
    select day, site, views from day_records
     where day between :first and :last and (:site is null or site = :site)
     order by day, site
"""


def first_half(conn, month, site, filter_name, filter_value, count):
    """{dimension: {id: counts}} of a filter value's lists over days 1 to LAST_DAY of month
    (YYYY-MM) on site (None: all), values by their numbers (record_lists.folded_ids): kept
    ones while their records are unchanged, else count([(first, last)]), then kept."""
    first, last = f"{month}-01", f"{month}-{LAST_DAY}"
    key = {"filter": filter_name, "filter_value": filter_value, "month": month,
           "site": site or ""}
    # The checksum is taken before the days are counted: if their records change in between,
    # what is kept is checked against the older records, and counted again by the next read.
    checksum = records_crc(conn, first, last, site)
    kept = conn.execute(SELECT_KEPT, key).fetchone()
    if kept is not None and kept[0] == checksum:
        return _unpacked(kept[1])
    lists = count([(first, last)])
    if lists:  # a value with no views there keeps nothing: any value can be asked for
        packed = _packed(lists)
        try_in_transaction(conn, lambda conn: conn.execute(
            KEEP, dict(key, records_crc=checksum, lists=packed)))
    return lists


def records_crc(conn, first, last, site):
    """A CRC-32 of the view records of days first to last on site (None: all), with their days
    and sites."""
    crc = 0
    for day, site_of, views in conn.execute(SELECT_RECORDS,
                                            {"first": first, "last": last, "site": site}):
        crc = zlib.crc32(f"{day} {site_of}\n".encode(), crc)
        crc = zlib.crc32(bytes(views), crc)
    return crc


def _packed(lists):
    """As a month's pairs are packed (month_pairs.WIDTH columns, the key delta-coded, so that
    a folded value's id, -1, is a step like any other): dimension number, id, visitors,
    pageviews, entries, bounces, timed views, whole seconds."""
    rows = sorted((records.DIM_NUMBER[dim], id_, v, p, e, b, timed, seconds)
                  for dim, of_dim in lists.items()
                  for id_, (v, p, e, b, seconds, timed) in of_dim.items())
    return columns.pack(rows, month_pairs.WIDTH, month_pairs.DELTAS)


def _unpacked(blob):
    lists = {}
    for number, id_, v, p, e, b, timed, seconds in zip(*columns.unpack(bytes(blob),
                                                                      month_pairs.WIDTH)):
        lists.setdefault(_DIM_OF[number], {})[id_] = [v, p, e, b, seconds, timed]
    return lists


_DIM_OF = {number: dim for dim, number in records.DIM_NUMBER.items()}
