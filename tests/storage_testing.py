"""Helpers for the storage tests: a hit on a UTC calendar, the rules in UTC, counts of a day."""

import zoneinfo

import pytest
from footfall import columns, counting, records
from footfall.storage import database, day_records, month_pairs, record, totals
from footfall_testing import BROWSER_UA, NOON

UTC = zoneinfo.ZoneInfo("UTC")
RULES = record.Rules(zone=UTC)


def hit(ts=NOON, page="/", ip="192.0.2.1", agent=BROWSER_UA, site="example.com", ref=""):
    return record.Hit(ts, counting.day_of(ts, UTC), site, page, ref, ip, agent)


def day_counts(conn, day, **params):
    return totals.read_days(conn, day, day, **params).get(day, (0, 0))


def rows(conn, query):
    return conn.execute(query).fetchall()


def table_names(conn):
    """The names of the database's tables, SQLite's or PostgreSQL's."""
    if database.is_postgres(conn):
        query = "select table_name from information_schema.tables where table_schema = 'public'"
    else:
        query = "select name from sqlite_master where type = 'table'"
    return {name for (name,) in rows(conn, query)}


def month_pairs_of(conn):
    """{(filter, filter value, dim, month, site, value): [visitors, pageviews, entries, bounces,
    timed, milliseconds]} of every month's pairs (monthly_pairs, month_pairs.py)."""
    names, dims = day_records.Strings(conn), {n: d for d, n in records.DIM_NUMBER.items()}
    out = {}
    for f, fv, month, site, blob in rows(conn, "select filter, filter_value, month, site, lists"
                                               " from monthly_pairs"):
        for number, id_, *counts in zip(*columns.unpack(bytes(blob), month_pairs.WIDTH)):
            out[f, fv, dims[number], month, site, names.name_of(number, id_)] = counts
    return out


@pytest.fixture
def conn(db_path):
    conn = database.connect(db_path)
    yield conn
    conn.close()


@pytest.fixture
def read_ranges(monkeypatch):
    """The day ranges whose records are counted (day_records.in_range, which still reads them)."""
    ranges = []
    in_range = day_records.in_range

    def reading(conn, first, last, site=None):
        ranges.append((first, last))
        return in_range(conn, first, last, site)

    monkeypatch.setattr(day_records, "in_range", reading)
    return ranges
