#!/usr/bin/env python3
"""What an ended day should leave on disk (issue 22): candidate stores built from the same hits,
measured for bytes per hit, read time and the size of a hostile day, and checked against a plain
reference count. docs/storage.md reports the figures and the design chosen from them.

    /usr/bin/python3 scripts/benchmark/store_study.py --quick    # 10k and 100k hits, ~2 min
    /usr/bin/python3 scripts/benchmark/store_study.py            # 10k and 1M hits (issue 22's site)

The site is the one of `seed_db.py --hits N --days 1096 --pages 200 --bulk`: its generator
(seed_db.demo_days, demo_events) with the same seed and clock makes the hits, described by
footfall's own traits.describe(). The candidates:

  current  today's design, seeded by seed_db's own bulk code (`--current` to include it: slow)
  pairs    today's (filter, value) x (dimension, value) rows per day and month, integer-coded,
           with one dictionary table of strings
  blobs+   per day one zlib-compressed columnar blob of identifier-free page-view records (and
           one of event records), prefix sums per value and day, monthly pair rollups stored once
  blobs    the same without the monthly pairs
  blobs+k  blobs+ whose records fold a day's rare visitor traits (fewer than K visits) into
           "(other)": the privacy variant docs/storage.md chooses

Standard library only. Each figure is the median of several runs in this process.
"""

import argparse
import array
import collections
import datetime
import functools
import itertools
import os
import random
import shutil
import sqlite3
import statistics
import struct
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for _path in (os.path.join(ROOT, "cgi-bin"), os.path.join(ROOT, "scripts")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import seed_db  # noqa: E402
from footfall import counting, summary  # noqa: E402

DAYS = 1096
PAGES = 200
SEED = 1
# The clock the hits are generated against: fixed, so every run makes the same hits.
NOW = datetime.datetime(2026, 11, 28, 12, tzinfo=datetime.timezone.utc).timestamp()
ZONE = datetime.timezone.utc
SITE = "example.com"

# The dimensions of a record, in their column order. The first three vary from view to view of a
# visit (flag bits 1, 2, 4); the other five are the visit's (its first view's).
PER_VIEW = ("page", "ref", "campaign")
PER_VISIT = ("browser", "os", "device", "country", "language")
DIMS = PER_VIEW + PER_VISIT
LISTS = DIMS + ("hour",)
DIM_NO = {name: i + 1 for i, name in enumerate(DIMS)}  # 0: totals
HOUR_DIM, EVENT_DIM = 9, 10
BIT = {"page": 1, "ref": 2, "campaign": 4}
# A view record's flags: bits 0-7 "first view of its visit with this combination of the per-view
# values in subset S" (S = page|ref|campaign bits, S = 0: the visit's first view), bits 8-15 the
# same among its timed views, then whether its page is the visit's entry page, whether the visit
# had one view, whether this view reported visible seconds.
TIMED_FIRST, ENTRY, BOUNCED, TIMED = 8, 1 << 16, 1 << 17, 1 << 18
OTHER = "(other)"


# ---------------------------------------------------------------------------------------------
# The hits: seed_db's generator, described as footfall describes them
# ---------------------------------------------------------------------------------------------

class Day:
    """One day's counted views and events as plain tuples.

    views:  (visit, ts, hour, page, ref, campaign, browser, os, device, country, language,
             seconds, timed), in time order; visit numbers the day's visitors (ip and
             User-Agent, as counting.visitor_id keys them), never stored.
    events: (visit, ts, name, page, ref, campaign, browser, os, device, country, language).
    """

    __slots__ = ("day", "views", "events")

    def __init__(self, day, views, events):
        self.day, self.views, self.events = day, views, events


def generate(hits, days=DAYS, pages=PAGES, seed=SEED):
    """[Day] of seed_db's site: the hits `seed_db.py --hits --days --pages --bulk --seed` makes
    against NOW. A visit's traits are its first view's (docs/storage.md: traits per visit)."""
    rng = random.Random(seed)
    event_rng = random.Random(f"{seed} events")
    out = []
    for day, day_hits in seed_db.demo_days(hits, days, SITE, NOW, ZONE, rng,
                                           seed_db.demo_pages(pages)):
        out.append(_day_of_hits(day, day_hits, seed_db.demo_events(day_hits, event_rng)))
    return out


def _day_of_hits(day, day_hits, day_events):
    visits, traits = {}, {}
    views = []
    for hit in day_hits:
        key = (hit.ip, hit.user_agent)
        visit = visits.setdefault(key, len(visits))
        values = summary.trait_values(hit.traits)  # browser, os, device, country, language, campaign
        mine = traits.setdefault(visit, values[:5])
        seconds = getattr(hit, "seconds", None)
        views.append((visit, hit.ts, counting.hour_of(hit.ts, ZONE), hit.page, hit.referral(),
                      values[5]) + mine + (int(seconds or 0), 0 if seconds is None else 1))
    events = []
    for event in day_events:
        visit = visits[event.ip, event.user_agent]
        events.append((visit, event.ts, event.name, event.page, event.referral,
                       event.traits.get("campaign", "")) + traits[visit])
    return Day(day, views, events)


def hostile_day(day="2026-11-27", count=1000):
    """count hits, each with a new User-Agent and a new 900-character page, half of them
    also an event of a new name (issue 22's hostile day)."""
    views, events = [], []
    base = datetime.datetime.fromisoformat(day).replace(tzinfo=ZONE).timestamp()
    for i in range(count):
        page = f"/{i:06d}-" + "x" * 892
        browser = f"Agent{i}"  # a browser label as new as its User-Agent (the worst case)
        views.append((i, base + i, 12, page, "", "", browser, "Linux", "desktop", "DE", "de", 0, 0))
        if i % 2:
            events.append((i, base + i + 0.5, f"e{i:05d}-" + "y" * 56, page, "", "", browser,
                           "Linux", "desktop", "DE", "de"))
    return Day(day, views, events)


# ---------------------------------------------------------------------------------------------
# The answer, by definition (the reference every store must equal)
# ---------------------------------------------------------------------------------------------
# An answer: {"series": {day: [visitors, pageviews]}, "totals": [visitors, pageviews, bounces,
# seconds, timed visits], "lists": {dim: {value: [visitors, pageviews, entries, bounces, seconds,
# timed views]}}, "events": {name: [visitors, count]}}; hour values are "0" to "23".

_COL = {name: i for i, name in enumerate(("visit", "ts", "hour") + DIMS + ("seconds", "timed"))}
_EVENT_COL = {name: i for i, name in enumerate(("visit", "ts", "name") + DIMS)}


def empty_answer():
    return {"series": {}, "totals": [0] * 5, "lists": {dim: {} for dim in LISTS}, "events": {}}


def reference(days, first, last, filters=()):
    """The answer for days first..last under filters [(dim, value)], one visit at a time: the
    definitions of docs/insights.md (visits of a day; a range is a sum of days)."""
    answer = empty_answer()
    for day in days:
        if not first <= day.day <= last:
            continue
        visits = {}
        for view in day.views:
            visits.setdefault(view[0], []).append(view)
        day_visitors = day_views = 0
        for visit in visits.values():
            matching = [v for v in visit if all(v[_COL[d]] == value for d, value in filters)]
            if not matching:
                continue
            entry, bounced = visit[0][_COL["page"]], len(visit) == 1
            timed = [v for v in matching if v[-1]]
            day_visitors += 1
            day_views += len(matching)
            _add(answer["totals"], (1, len(matching), int(bounced),
                                    sum(v[-2] for v in timed), 1 if timed else 0))
            for dim in DIMS:
                i = _COL[dim]
                for value in {v[i] for v in matching if v[i]}:
                    of_value = [v for v in matching if v[i] == value]
                    is_entry = dim == "page" and value == entry
                    timed_views = [v for v in of_value if v[-1]]
                    _add(answer["lists"][dim].setdefault(value, [0] * 6),
                         (1, len(of_value), int(is_entry), int(is_entry and bounced),
                          sum(v[-2] for v in timed_views), len(timed_views)))
            hours = answer["lists"]["hour"]
            for v in matching:
                hours.setdefault(str(v[2]), [0] * 6)[1] += 1
            hours[str(matching[0][2])][0] += 1
        if day_visitors:
            answer["series"][day.day] = [day_visitors, day_views]
        sent = {}
        for event in day.events:
            if all(event[_EVENT_COL[d]] == value for d, value in filters):
                sent.setdefault((event[0], event[2]), []).append(event)
        for (_visit, name), of_visit in sent.items():
            _add(answer["events"].setdefault(name, [0, 0]), (1, len(of_visit)))
    return answer


def _add(into, counts):
    for i, n in enumerate(counts):
        into[i] += n


# ---------------------------------------------------------------------------------------------
# Shared by the stores: a dictionary of strings, integer days and months
# ---------------------------------------------------------------------------------------------

EPOCH = datetime.date(1970, 1, 1)


def day_no(day):
    return (datetime.date.fromisoformat(day) - EPOCH).days


def day_name(number):
    return (EPOCH + datetime.timedelta(days=number)).isoformat()


def month_no(day):
    return int(day[:4]) * 12 + int(day[5:7]) - 1


DICTIONARY_SCHEMA = """
    -- Each string a dimension has held, once: records and rollups hold its number.
    create table strings (
        dim    integer not null,  -- 1-8: page ... language, 10: event name
        id     integer not null,  -- 1, 2, ... within the dimension; 0 is ''
        value  text    not null,
        primary key (dim, id)
    ) without rowid;
    create unique index strings_value on strings (dim, value);
"""


class Dictionary:
    """The strings table in memory while a store is built, and read back for an answer."""

    def __init__(self, conn):
        self.conn, self.ids, self.names = conn, {}, {}
        for dim, id_, value in conn.execute("select dim, id, value from strings"):
            self.ids[dim, value] = id_
            self.names[dim, id_] = value

    def id(self, dim, value):
        if not value:
            return 0
        found = self.ids.get((dim, value))
        if found is None:
            found = self.ids[dim, value] = self._next(dim)
            self.names[dim, found] = value
            self.conn.execute("insert into strings values (?, ?, ?)", (dim, found, value))
        return found

    def _next(self, dim):
        counter = self.__dict__.setdefault("_counters", collections.Counter())
        if dim not in counter:
            counter[dim] = self.conn.execute(
                "select coalesce(max(id), 0) from strings where dim = ?", (dim,)).fetchone()[0]
        counter[dim] += 1
        return counter[dim]

    def find(self, dim, value):
        """The id of a filter's value, or None when the dimension never held it."""
        return 0 if not value else self.ids.get((dim, value))

    def name(self, dim, id_):
        return self.names.get((dim, id_), "")


def connect(path):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = off")  # a study's build: nothing to protect
    return conn


def settle(conn, path):
    """Bytes of the database after wal_checkpoint(truncate) and VACUUM."""
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.execute("vacuum")
    conn.execute("pragma wal_checkpoint(truncate)")
    size = os.path.getsize(path)
    if os.path.exists(path + "-wal"):
        size += os.path.getsize(path + "-wal")
    return size


# ---------------------------------------------------------------------------------------------
# Day records with flags: what the blob stores keep, and how an answer is read back out of them
# ---------------------------------------------------------------------------------------------

def flagged_rows(day, dictionary, caps=None, fold_below=0):
    """(view rows, event rows) of one day: integer-coded, flagged, sorted, no visit number.

    view row:  (page, ref, campaign, browser, os, device, country, language, hour, seconds, flags)
    event row: (name, page, ref, campaign, browser, os, device, country, language, flags)
    caps: {dim: N}, each dimension keeps its first N values of the day, then OTHER.
    fold_below: visitor traits held by fewer visits that day become OTHER in the records.
    """
    capped = _capper(caps)
    folded = _folds(day, fold_below)
    visits = {}
    for view in day.views:
        visits.setdefault(view[0], []).append(view)
    rows = []
    for visit in visits.values():
        entry, bounced = visit[0][3], len(visit) == 1
        seen, seen_timed = set(), set()
        traits = tuple(dictionary.id(DIM_NO[d], capped(d, folded.get((d, visit[0][j]),
                                                                     visit[0][j])))
                       for j, d in enumerate(PER_VISIT, 6))
        for v in visit:
            values = (v[3], v[4], v[5])
            flags = (ENTRY if v[3] == entry else 0) | (BOUNCED if bounced else 0)
            flags |= TIMED if v[12] else 0
            for subset in range(8):
                key = (subset,) + tuple(values[i] if subset >> i & 1 else None for i in range(3))
                if key not in seen:
                    seen.add(key)
                    flags |= 1 << subset
                if v[12] and key not in seen_timed:
                    seen_timed.add(key)
                    flags |= 1 << (TIMED_FIRST + subset)
            rows.append(tuple(dictionary.id(DIM_NO[d], capped(d, value))
                              for d, value in zip(PER_VIEW, values))
                        + traits + (v[2], v[11], flags))
    rows.sort()
    events = {}
    for event in day.events:
        events.setdefault(event[0], []).append(event)
    event_rows = []
    for of_visit in events.values():
        seen = set()
        for e in of_visit:
            flags = 0
            for subset in range(8):
                key = (e[2], subset) + tuple(e[3 + i] if subset >> i & 1 else None
                                             for i in range(3))
                if key not in seen:
                    seen.add(key)
                    flags |= 1 << subset
            traits = tuple(dictionary.id(DIM_NO[d], capped(d, folded.get((d, e[j]), e[j])))
                           for j, d in enumerate(PER_VISIT, 6))
            event_rows.append((dictionary.id(EVENT_DIM, capped("event", e[2])),)
                              + tuple(dictionary.id(DIM_NO[d], capped(d, e[3 + i]))
                                      for i, d in enumerate(PER_VIEW)) + traits + (flags,))
    event_rows.sort()
    return rows, event_rows


def _capper(caps):
    if not caps:
        return lambda dim, value: value
    kept = collections.defaultdict(set)

    def capped(dim, value):
        if not value:
            return value
        known = kept[dim]
        if value in known:
            return value
        if len(known) < caps.get(dim, caps["*"]):
            known.add(value)
            return value
        return OTHER
    return capped


def _folds(day, below):
    """{(trait, value): OTHER} of the day's visitor traits held by fewer than `below` visits."""
    if below <= 1:
        return {}
    firsts = {}
    for view in day.views:
        firsts.setdefault(view[0], view)
    folds = {}
    for j, dim in enumerate(PER_VISIT, 6):
        held = collections.Counter(view[j] for view in firsts.values())
        folds.update(((dim, value), OTHER) for value, n in held.items() if value and n < below)
    return folds


def pack(rows, width):
    """One zlib blob of rows as columns: per column a typecode byte, then the columns' bytes."""
    columns = list(zip(*rows)) if rows else [()] * width
    codes, body = [], []
    for column in columns:
        top = max(column, default=0)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        codes.append(code)
        body.append(array.array(code, column).tobytes())
    header = struct.pack("<I", len(rows)) + "".join(codes).encode()
    return zlib.compress(header + b"".join(body), 9)


def unpack(blob, width):
    """The columns (arrays) of a pack()ed blob."""
    data = zlib.decompress(blob)
    count = struct.unpack_from("<I", data)[0]
    codes = data[4:4 + width].decode()
    out, at = [], 4 + width
    for code in codes:
        column = array.array(code)
        size = column.itemsize * count
        column.frombytes(data[at:at + size])
        at += size
        out.append(column)
    return out


VIEW_WIDTH, EVENT_WIDTH = 11, 10


class Tally:
    """An answer summed up out of flagged records, under filters, a day at a time."""

    def __init__(self, dictionary, filters):
        self.dictionary = dictionary
        self.answer = empty_answer()
        self.subset = 0
        self.tests = []  # (column, id)
        self.impossible = False
        for dim, value in filters:
            found = dictionary.find(DIM_NO[dim], value)
            if found is None:
                self.impossible = True
            self.subset |= BIT.get(dim, 0)
            self.tests.append((DIMS.index(dim), found))

    def add_day(self, day, columns, event_columns):
        if self.impossible:
            return
        rows = len(columns[0])
        keep = None
        for column, value in self.tests:
            hits = [x == value for x in columns[column]]
            keep = hits if keep is None else [a and b for a, b in zip(keep, hits)]
        if keep is not None:
            columns = [list(itertools.compress(column, keep)) for column in columns]
            rows = len(columns[0])
        if rows:
            self._add_views(day, columns)
        if event_columns is not None and len(event_columns[0]):
            self._add_events(event_columns)

    def _add_views(self, day, columns):
        flags, seconds, hours = columns[10], columns[9], columns[8]
        bit = 1 << self.subset
        first = [f & bit != 0 for f in flags]
        timed = [f & TIMED != 0 for f in flags]
        visitors = sum(first)
        totals = self.answer["totals"]
        timed_first = 1 << (TIMED_FIRST + self.subset)
        _add(totals, (visitors, len(flags),
                      sum(1 for f in flags if f & bit and f & BOUNCED),
                      sum(itertools.compress(seconds, timed)),
                      sum(1 for f in flags if f & timed_first)))
        self.answer["series"][day] = [visitors, len(flags)]
        lists, name = self.answer["lists"], self.dictionary.name
        for i, dim in enumerate(DIMS):
            column = columns[i]
            own = 1 << (self.subset | BIT.get(dim, 0))
            of_dim = lists[dim]
            counts = [collections.Counter(column),
                      collections.Counter(itertools.compress(column, (f & own for f in flags))),
                      collections.Counter(itertools.compress(column, timed))]
            if dim == "page":
                entered = [f & own and f & ENTRY for f in flags]
                counts.append(collections.Counter(itertools.compress(column, entered)))
                counts.append(collections.Counter(itertools.compress(
                    column, (e and f & BOUNCED for e, f in zip(entered, flags)))))
            summed = collections.Counter()
            for (value, s), n in collections.Counter(zip(itertools.compress(column, timed),
                                                         itertools.compress(seconds, timed))
                                                     ).items():
                summed[value] += s * n
            for value, views in counts[0].items():
                if not value:
                    continue
                row = of_dim.setdefault(name(DIM_NO[dim], value), [0] * 6)
                row[0] += counts[1][value]
                row[1] += views
                if dim == "page":
                    row[2] += counts[3][value]
                    row[3] += counts[4][value]
                row[4] += summed[value]
                row[5] += counts[2][value]
        of_hours = lists["hour"]
        for hour, n in collections.Counter(hours).items():
            of_hours.setdefault(str(hour), [0] * 6)[1] += n
        for hour, n in collections.Counter(itertools.compress(hours, first)).items():
            of_hours[str(hour)][0] += n

    def _add_events(self, columns):
        keep = None
        for column, value in self.tests:
            hits = [x == value for x in columns[column + 1]]
            keep = hits if keep is None else [a and b for a, b in zip(keep, hits)]
        names, flags = columns[0], columns[9]
        if keep is not None:
            names = list(itertools.compress(names, keep))
            flags = list(itertools.compress(flags, keep))
        bit = 1 << self.subset
        events = self.answer["events"]
        count = collections.Counter(names)
        first = collections.Counter(itertools.compress(names, (f & bit for f in flags)))
        for value, n in count.items():
            _add(events.setdefault(self.dictionary.name(EVENT_DIM, value), [0, 0]),
                 (first[value], n))


def finish(answer):
    """Drop the empty rows a store may keep (a value whose range holds nothing)."""
    for dim, rows in answer["lists"].items():
        answer["lists"][dim] = {k: v for k, v in rows.items() if any(v)}
    answer["events"] = {k: v for k, v in answer["events"].items() if any(v)}
    answer["series"] = {k: v for k, v in answer["series"].items() if any(v)}
    return answer


# ---------------------------------------------------------------------------------------------
# (b) pairs: today's rows, integer-coded
# ---------------------------------------------------------------------------------------------

PAIRS_SCHEMA = DICTIONARY_SCHEMA + """
    -- For a filter (fdim, fvalue; 0, 0 for none) the counts of each value of a dimension (dim
    -- 0: the filter's own totals, 9: hours, value hour + 1) on a day: today's daily_breakdown.
    create table day_pairs (
        fdim integer, fvalue integer, dim integer, day integer, value integer,
        visitors integer, pageviews integer, entries integer, bounces integer,
        seconds integer, timed integer,
        primary key (fdim, fvalue, dim, day, value)
    ) without rowid;
    create table month_pairs (
        fdim integer, fvalue integer, dim integer, month integer, value integer,
        visitors integer, pageviews integer, entries integer, bounces integer,
        seconds integer, timed integer,
        primary key (fdim, fvalue, dim, month, value)
    ) without rowid;
    create table day_events (
        fdim integer, fvalue integer, day integer, event integer, visitors integer,
        count integer,
        primary key (fdim, fvalue, day, event)
    ) without rowid;
"""
_SUMMARY_DIM = {name: DIM_NO[name] for name in DIMS}
_SUMMARY_DIM.update({"": 0, "hour": HOUR_DIM})


class PairsStore:
    name = "pairs"

    def build(self, path, days):
        conn = connect(path)
        conn.executescript(PAIRS_SCHEMA)
        conn.execute("begin")
        words = Dictionary(conn)
        months = collections.defaultdict(lambda: [0] * 6)
        for day in days:
            views = [summary.View(v[0], v[0], v[1], v[2], v[3], v[4], v[6], v[7], v[8], v[9],
                                  v[10], v[5], float(v[11]), v[12]) for v in day.views]
            rows, _uniques = summary.summarize(views)
            number, month = day_no(day.day), month_no(day.day)
            out = []
            for (f, fv, dim, value), counts in rows.items():
                fdim, d = _SUMMARY_DIM[f], _SUMMARY_DIM[dim]
                key = (fdim, words.id(fdim, fv) if fdim else 0, d,
                       int(value) + 1 if d == HOUR_DIM else words.id(d, value) if d else 0)
                counts = [int(n) for n in counts]
                out.append(key[:3] + (number, key[3]) + tuple(counts))
                _add(months[key[:3] + (month, key[3])], counts)
            conn.executemany("insert into day_pairs values (?,?,?,?,?,?,?,?,?,?,?)", out)
            events = collections.defaultdict(lambda: [0, 0])
            sent = collections.defaultdict(int)
            for e in day.events:
                sent[e[0], e[2], None, None] += 1
                for dim in DIMS:
                    if e[_EVENT_COL[dim]]:
                        sent[e[0], e[2], dim, e[_EVENT_COL[dim]]] += 1
            for (_visit, name, dim, value), n in sent.items():
                fdim = DIM_NO[dim] if dim else 0
                _add(events[fdim, words.id(fdim, value) if dim else 0, number,
                            words.id(EVENT_DIM, name)], (1, n))
            conn.executemany("insert into day_events values (?,?,?,?,?,?)",
                             [key + tuple(counts) for key, counts in events.items()])
        conn.executemany("insert into month_pairs values (?,?,?,?,?,?,?,?,?,?,?)",
                         [key + tuple(counts) for key, counts in months.items()])
        conn.execute("commit")
        return settle(conn, path)

    def answer(self, conn, first, last, filters):
        words = Dictionary(conn)
        if len(filters) > 1:
            return None  # today's design keeps no pairs of filters
        fdim, fvalue = 0, 0
        if filters:
            fdim = DIM_NO[filters[0][0]]
            fvalue = words.find(fdim, filters[0][1])
            if fvalue is None:
                return empty_answer()
        answer = empty_answer()
        a, b = day_no(first), day_no(last)
        for day, v, pv, bounces, seconds, timed in conn.execute(
                "select day, visitors, pageviews, bounces, seconds, timed from day_pairs"
                " where fdim = ? and fvalue = ? and dim = 0 and day between ? and ?",
                (fdim, fvalue, a, b)):
            answer["series"][day_name(day)] = [v, pv]
            _add(answer["totals"], (v, pv, bounces, seconds, timed))
        first_month, last_month, edges = whole_months(first, last)
        sums = collections.defaultdict(lambda: [0] * 6)
        if first_month <= last_month:
            for row in conn.execute(
                    "select dim, value, sum(visitors), sum(pageviews), sum(entries),"
                    " sum(bounces), sum(seconds), sum(timed) from month_pairs"
                    " where fdim = ? and fvalue = ? and dim > 0 and month between ? and ?"
                    " group by dim, value", (fdim, fvalue, first_month, last_month)):
                _add(sums[row[:2]], row[2:])
        for lo, hi in edges:
            for row in conn.execute(
                    "select dim, value, sum(visitors), sum(pageviews), sum(entries),"
                    " sum(bounces), sum(seconds), sum(timed) from day_pairs"
                    " where fdim = ? and fvalue = ? and dim > 0 and day between ? and ?"
                    " group by dim, value", (fdim, fvalue, lo, hi)):
                _add(sums[row[:2]], row[2:])
        for (dim, value), counts in sums.items():
            if dim == HOUR_DIM:
                answer["lists"]["hour"][str(value - 1)] = counts
            else:
                answer["lists"][DIMS[dim - 1]][words.name(dim, value)] = counts
        for event, v, n in conn.execute(
                "select event, sum(visitors), sum(count) from day_events"
                " where fdim = ? and fvalue = ? and day between ? and ? group by event",
                (fdim, fvalue, a, b)):
            answer["events"][words.name(EVENT_DIM, event)] = [v, n]
        return finish(answer)


def whole_months(first, last):
    """(first whole month, last whole month, [(first day, last day) of the days outside them])
    of a range, months and days as numbers."""
    a, b = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    start = a if a.day == 1 else (a.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = b + datetime.timedelta(days=1)
    end = after.replace(day=1) - datetime.timedelta(days=1) if after.day != 1 else b
    if start > end:
        return 1, 0, [(day_no(first), day_no(last))]
    edges = []
    if a < start:
        edges.append((day_no(first), day_no(start.isoformat()) - 1))
    if end < b:
        edges.append((day_no(end.isoformat()) + 1, day_no(last)))
    return month_no(start.isoformat()), month_no(end.isoformat()), edges


# ---------------------------------------------------------------------------------------------
# (c), (d) blobs: a day's records, prefix sums per value, monthly pairs (or not)
# ---------------------------------------------------------------------------------------------

BLOBS_SCHEMA = DICTIONARY_SCHEMA + """
    -- An ended day's page views and events as identifier-free records, one zlib blob of
    -- integer columns each (pack()): the only place pairs of traits are kept per day.
    create table day_records (
        day     integer primary key,  -- days since 1970-01-01
        views   blob    not null,
        events  blob    not null
    );
    -- Running totals of each value since the first day (dim 0 value 0: the site's totals,
    -- 9: hours, value hour + 1, 10: events): a range's list is two rows per value.
    create table value_sums (
        dim integer, value integer, day integer,
        visitors integer, pageviews integer, entries integer, bounces integer,
        seconds integer, timed integer,
        visit_bounces integer, visit_timed integer,  -- the value as a filter: its visits'
        primary key (dim, value, day)
    ) without rowid;
"""
PAIRS_TABLE = """
    -- A month's counts of each pair of values of two dimensions (adim < bdim), stored once: a
    -- pair's visitors, pageviews, seconds and timed views are the same whichever is the filter;
    -- entries and bounces are the page's (adim 1). bdim 9: hours, 10: events (one way).
    create table month_pairs (
        adim integer, avalue integer, month integer, bdim integer, bvalue integer,
        visitors integer, pageviews integer, entries integer, bounces integer,
        seconds integer, timed integer,
        primary key (adim, avalue, month, bdim, bvalue)
    ) without rowid;
    create index month_pairs_b on month_pairs (bdim, bvalue, month);
"""
_SUM_COLUMNS = 8


class BlobStore:
    def __init__(self, name, pairs=True, fold_below=0, caps=None):
        self.name, self.pairs, self.fold_below, self.caps = name, pairs, fold_below, caps

    def build(self, path, days):
        conn = connect(path)
        conn.executescript(BLOBS_SCHEMA + (PAIRS_TABLE if self.pairs else ""))
        conn.execute("begin")
        words = Dictionary(conn)
        running = collections.defaultdict(lambda: [0] * _SUM_COLUMNS)
        months = collections.defaultdict(lambda: [0] * 6)
        for day in days:
            rows, event_rows = flagged_rows(day, words, self.caps, self.fold_below)
            number = day_no(day.day)
            conn.execute("insert into day_records values (?, ?, ?)",
                         (number, pack(rows, VIEW_WIDTH), pack(event_rows, EVENT_WIDTH)))
            out = []
            for key, counts in day_sums(rows, event_rows).items():
                total = running[key]
                _add(total, counts)
                out.append(key + (number,) + tuple(total))
            conn.executemany("insert into value_sums values (?,?,?,?,?,?,?,?,?,?,?)", out)
            if self.pairs:
                month = month_no(day.day)
                for key, counts in day_pairs(rows, event_rows).items():
                    _add(months[key[:2] + (month,) + key[2:]], counts)
        if self.pairs:
            conn.executemany("insert into month_pairs values (?,?,?,?,?,?,?,?,?,?,?)",
                             [key + tuple(counts) for key, counts in months.items()])
        conn.execute("commit")
        return settle(conn, path)

    def answer(self, conn, first, last, filters):
        words = Dictionary(conn)
        if not filters:
            return self._unfiltered(conn, words, first, last)
        if len(filters) == 1 and self.pairs:
            return self._one_filter(conn, words, first, last, filters[0])
        tally = Tally(words, filters)
        for day, views, events in conn.execute(
                "select day, views, events from day_records where day between ? and ?",
                (day_no(first), day_no(last))):
            tally.add_day(day_name(day), unpack(views, VIEW_WIDTH), unpack(events, EVENT_WIDTH))
        return finish(tally.answer)

    def _unfiltered(self, conn, words, first, last):
        answer = empty_answer()
        series = _series(conn, 0, 0, first, last)
        answer["series"] = {day: counts[:2] for day, counts in series.items()}
        a, b = day_no(first), day_no(last)
        totals = _range_sums(conn, 0, 0, a, b)
        answer["totals"] = [totals[0], totals[1], totals[6], totals[4], totals[7]]
        values = [(dim, id_) for dim, id_ in words.names if dim != EVENT_DIM]
        values += [(HOUR_DIM, hour + 1) for hour in range(24)]
        values += [(EVENT_DIM, id_) for dim, id_ in words.names if dim == EVENT_DIM]
        for dim, value in values:
            counts = _range_sums(conn, dim, value, a, b)
            if dim == EVENT_DIM:
                answer["events"][words.name(dim, value)] = counts[:2]
            elif dim == HOUR_DIM:
                answer["lists"]["hour"][str(value - 1)] = [counts[0], counts[1], 0, 0, 0, 0]
            else:
                answer["lists"][DIMS[dim - 1]][words.name(dim, value)] = counts[:6]
        return finish(answer)

    def _one_filter(self, conn, words, first, last, only):
        dim, value = DIM_NO[only[0]], words.find(DIM_NO[only[0]], only[1])
        if value is None:
            return empty_answer()
        answer = empty_answer()
        answer["series"] = {day: counts[:2]
                            for day, counts in _series(conn, dim, value, first, last).items()}
        a, b = day_no(first), day_no(last)
        own = _range_sums(conn, dim, value, a, b)
        answer["totals"] = [own[0], own[1], own[6], own[4], own[7]]
        answer["lists"][only[0]][only[1]] = own[:6]
        first_month, last_month, edges = whole_months(first, last)
        if first_month <= last_month:
            for row in conn.execute(PAIRS_OF_VALUE, {"dim": dim, "value": value,
                                                     "first": first_month, "last": last_month}):
                other, other_value, counts = row[0], row[1], list(row[2:])
                if other == EVENT_DIM:
                    _add(answer["events"].setdefault(words.name(EVENT_DIM, other_value), [0, 0]),
                         counts[:2])
                    continue
                if other == HOUR_DIM:
                    _add(answer["lists"]["hour"].setdefault(str(other_value - 1), [0] * 6),
                         counts)
                    continue
                if other != DIM_NO["page"]:
                    counts[2] = counts[3] = 0  # entries and bounces are the page's
                _add(answer["lists"][DIMS[other - 1]].setdefault(
                    words.name(other, other_value), [0] * 6), counts)
        tally = Tally(words, [only])
        for lo, hi in edges:
            for day, views, events in conn.execute(
                    "select day, views, events from day_records where day between ? and ?",
                    (lo, hi)):
                tally.add_day(day_name(day), unpack(views, VIEW_WIDTH),
                              unpack(events, EVENT_WIDTH))
        for list_dim, rows in tally.answer["lists"].items():
            if list_dim == only[0]:
                continue
            for key, counts in rows.items():
                _add(answer["lists"][list_dim].setdefault(key, [0] * 6), counts)
        for key, counts in tally.answer["events"].items():
            _add(answer["events"].setdefault(key, [0, 0]), counts)
        return finish(answer)


PAIRS_OF_VALUE = """
    select bdim, bvalue, sum(visitors), sum(pageviews), sum(entries), sum(bounces),
           sum(seconds), sum(timed)
      from month_pairs
     where adim = :dim and avalue = :value and month between :first and :last
     group by bdim, bvalue
    union all
    select adim, avalue, sum(visitors), sum(pageviews), sum(entries), sum(bounces),
           sum(seconds), sum(timed)
      from month_pairs
     where bdim = :dim and bvalue = :value and month between :first and :last
     group by adim, avalue
"""
SELECT_SUM_AT = """
    select visitors, pageviews, entries, bounces, seconds, timed, visit_bounces, visit_timed
      from value_sums
     where dim = ? and value = ? and day <= ?
     order by day desc
     limit 1
"""


def _range_sums(conn, dim, value, a, b):
    """A value's counts over days a..b: its running totals at b less those before a."""
    end = conn.execute(SELECT_SUM_AT, (dim, value, b)).fetchone()
    if end is None:
        return [0] * _SUM_COLUMNS
    before = conn.execute(SELECT_SUM_AT, (dim, value, a - 1)).fetchone() or (0,) * _SUM_COLUMNS
    return [x - y for x, y in zip(end, before)]


def _series(conn, dim, value, first, last):
    """{day: counts} of a value's days in first..last: differences of its running totals."""
    a, b = day_no(first), day_no(last)
    before = conn.execute(SELECT_SUM_AT, (dim, value, a - 1)).fetchone() or (0,) * _SUM_COLUMNS
    out = {}
    for row in conn.execute(
            "select day, visitors, pageviews, entries, bounces, seconds, timed, visit_bounces,"
            " visit_timed from value_sums where dim = ? and value = ? and day between ? and ?",
            (dim, value, a, b)):
        out[day_name(row[0])] = [x - y for x, y in zip(row[1:], before)]
        before = row[1:]
    return out


def day_sums(rows, event_rows):
    """{(dim, value): [visitors, pageviews, entries, bounces, seconds, timed, visit_bounces,
    visit_timed]} of one day's flagged records: dim 0 the totals, 9 hours, 10 events."""
    sums = collections.defaultdict(lambda: [0] * _SUM_COLUMNS)
    for row in rows:
        flags, seconds, timed = row[10], row[9], 1 if row[10] & TIMED else 0
        totals = sums[0, 0]
        first = flags & 1
        _add(totals, (first, 1, 0, 0, seconds, timed, first and flags & BOUNCED and 1,
                      flags >> TIMED_FIRST & 1))
        for i in range(8):
            value = row[i]
            if not value:
                continue
            subset = BIT.get(DIMS[i], 0)
            own = flags >> subset & 1
            entry = own and flags & ENTRY and i == 0 and 1
            _add(sums[i + 1, value], (own, 1, entry, entry and flags & BOUNCED and 1,
                                      seconds, timed, own and flags & BOUNCED and 1,
                                      flags >> (TIMED_FIRST + subset) & 1))
        _add(sums[HOUR_DIM, row[8] + 1], (first, 1, 0, 0, 0, 0, 0, 0))
    for row in event_rows:
        _add(sums[EVENT_DIM, row[0]], (row[9] & 1, 1, 0, 0, 0, 0, 0, 0))
    return sums


def day_pairs(rows, event_rows):
    """{(adim, avalue, bdim, bvalue): [visitors, pageviews, entries, bounces, seconds, timed]}
    of one day's records: each pair of values once (adim < bdim), hours and events one way."""
    pairs = collections.defaultdict(lambda: [0] * 6)
    for row in rows:
        flags, seconds, timed = row[10], row[9], 1 if row[10] & TIMED else 0
        for i in range(8):
            a = row[i]
            if not a:
                continue
            sa = BIT.get(DIMS[i], 0)
            for j in range(i + 1, 8):
                b = row[j]
                if not b:
                    continue
                own = flags >> (sa | BIT.get(DIMS[j], 0)) & 1
                entry = own and i == 0 and flags & ENTRY and 1
                _add(pairs[i + 1, a, j + 1, b], (own, 1, entry, entry and flags & BOUNCED and 1,
                                                 seconds, timed))
            _add(pairs[i + 1, a, HOUR_DIM, row[8] + 1], (flags >> sa & 1, 1, 0, 0, 0, 0))
    for row in event_rows:
        flags = row[9]
        for i in range(8):
            if row[i + 1]:
                _add(pairs[i + 1, row[i + 1], EVENT_DIM, row[0]],
                     (flags >> BIT.get(DIMS[i], 0) & 1, 1, 0, 0, 0, 0))
    return pairs


# ---------------------------------------------------------------------------------------------
# (a) today's design, seeded and read by footfall's own code
# ---------------------------------------------------------------------------------------------

def build_current(path, hits):
    """Bytes of today's database of `hits` hits (seed_db's bulk mode, the real clock), and its
    last day. Slow: minutes at 1M hits."""
    from benchmark import harness
    conn = harness.database.connect(path)
    conn.execute("pragma synchronous = off")
    seed_db.seed(conn, harness.config(path), hits=hits, days=DAYS, seed=SEED, bulk=True,
                 pages=seed_db.demo_pages(PAGES))
    last = conn.execute("select max(day) from daily_site").fetchone()[0]
    size = settle(conn, path)
    conn.close()
    return size, last


def current_reader(path):
    """A function of (first, last, filters) that GETs the answer from footfall's application."""
    import urllib.parse

    from benchmark import harness
    app = harness.application(path)

    def get(first, last, filters):
        if len(filters) > 1:
            return None  # answered 400 today
        query = urllib.parse.urlencode([("from", first), ("to", last)] + list(filters))
        body = harness.call(app, {"REQUEST_METHOD": "GET", "QUERY_STRING": query,
                                  "SERVER_NAME": SITE, "SERVER_PORT": "80",
                                  "wsgi.url_scheme": "http"})
        assert body.startswith(b'{"from"'), body[:200]
        return body
    return get


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------

QUERIES = (  # (label, filters)
    ("unfiltered", ()),
    ("page=/blog/post-1", (("page", "/blog/post-1"),)),
    ("country=DE", (("country", "DE"),)),
    ("browser=Chrome", (("browser", "Chrome"),)),
    ("page & country (narrow)", (("page", "/pricing"), ("country", "DE"))),
    ("browser & device (broad)", (("browser", "Chrome"), ("device", "desktop"))),
)
# Each dimension keeps its first N values of a day, then "(other)" (docs/storage.md).
CAPS = {"page": 1000, "ref": 300, "event": 100, "*": 100}
FOLD_BELOW = 3


def candidates():
    return [PairsStore(), BlobStore("blobs+"), BlobStore("blobs", pairs=False),
            BlobStore(f"blobs+k{FOLD_BELOW}", fold_below=FOLD_BELOW, caps=CAPS)]


def timed(once, runs):
    once()  # warm: the first read opens pages of the file
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        once()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def measure(sizes, runs, work, with_current):
    """{(store, size): {"bytes": per hit, label: seconds}}, and the hostile day's bytes."""
    figures = {}
    for size in sizes:
        started = time.perf_counter()
        days = generate(size)
        print(f"(generated {size:,} hits in {time.perf_counter() - started:.0f} s)",
              file=sys.stderr, flush=True)
        last = days[-1].day
        first = (datetime.date.fromisoformat(last) - datetime.timedelta(days=364)).isoformat()
        for store in candidates():
            path = os.path.join(work, f"{store.name}-{size}.db")
            started = time.perf_counter()
            size_bytes = store.build(path, days)
            conn = sqlite3.connect(path)
            row = {"bytes": size_bytes / size, "build": time.perf_counter() - started}
            for label, filters in QUERIES:
                filters = list(filters)
                read = functools.partial(store.answer, conn, first, last, filters)
                row[label] = timed(read, runs) if read() is not None else None
            conn.close()
            figures[store.name, size] = row
            print(f"({store.name} {size:,}: built in {row['build']:.0f} s)", file=sys.stderr,
                  flush=True)
        if with_current:
            path = os.path.join(work, f"current-{size}.db")
            size_bytes, last_day = build_current(path, size)
            get = current_reader(path)
            first_day = (datetime.date.fromisoformat(last_day)
                         - datetime.timedelta(days=364)).isoformat()
            row = {"bytes": size_bytes / size}
            for label, filters in QUERIES:
                read = functools.partial(get, first_day, last_day, list(filters))
                row[label] = timed(read, runs) if len(filters) < 2 else None
            figures["current", size] = row
    return figures


def hostile_bytes(work):
    """{store: bytes} one hostile day adds to a store that holds one ordinary day."""
    out = {}
    ordinary = generate(3000, days=3, pages=20)[:1]
    for store in candidates():
        sizes = []
        for extra in ([], [hostile_day()]):
            path = os.path.join(work, f"hostile-{store.name}-{len(extra)}.db")
            sizes.append(store.build(path, ordinary + extra))
        out[store.name] = sizes[1] - sizes[0]
    return out


def print_table(figures, sizes, hostile):
    labels = [label for label, _ in QUERIES]
    names = []
    for name, _size in figures:
        if name not in names:
            names.append(name)
    print(f"\nbytes per hit after wal_checkpoint(truncate) and VACUUM; median ms of the "
          f"365-day answer (series, totals, every list, hours, events) ending on the last day; "
          f"{sys.executable} {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}\n")
    head = ["store", "hits", "B/hit"] + labels + ["hostile day MB"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name in names:
        for size in sizes:
            row = figures.get((name, size))
            if row is None:
                continue
            cells = [name, f"{size:,}", f"{row['bytes']:.1f}"]
            cells += ["-" if row[label] is None else f"{row[label] * 1000:.1f}" for label in labels]
            cells.append(f"{hostile[name] / 1e6:.2f}" if name in hostile else "")
            print("| " + " | ".join(cells) + " |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--quick", action="store_true", help="10k and 100k hits, 3 runs")
    parser.add_argument("--sizes", help="comma-separated hit counts (default 10000,1000000)")
    parser.add_argument("--runs", type=int, help="read runs per figure (default 7)")
    parser.add_argument("--current", action="store_true",
                        help="also seed and read today's design (minutes per million hits)")
    parser.add_argument("--keep", metavar="DIR", help="build the databases here and keep them")
    args = parser.parse_args(argv)
    sizes = [10_000, 100_000] if args.quick else [10_000, 1_000_000]
    if args.sizes:
        sizes = sorted(int(size) for size in args.sizes.split(","))
    runs = args.runs or (3 if args.quick else 7)
    work = args.keep or tempfile.mkdtemp(prefix="store-study-")
    os.makedirs(work, exist_ok=True)
    try:
        figures = measure(sizes, runs, work, args.current)
        hostile = hostile_bytes(work)
        print_table(figures, sizes, hostile)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
