"""An ended day's records (records.py) on disk: day_records holds one zlib blob of integer
columns for a day and site's views and one for its events, strings holds each string they
number, once. Written when a day ends (breakdowns.store_ended_days, bulk.py, an import), before
its visitor hashes are deleted; read by a GET with two filters or more (insights.py).
"""

from .. import columns, records

# Migration 24: the same table with a rowid (schema.py says why), its rows moved.
AS_ROWID_TABLE = """
    create table day_records_24 (
        day     text not null,
        site    text not null,
        views   blob not null,
        events  blob not null,
        primary key (day, site)
    );
    insert into day_records_24 (day, site, views, events)
        select day, site, views, events from day_records;
    drop table day_records;
    alter table day_records_24 rename to day_records;
"""
SELECT_STRINGS = "select dim, id, value from strings"
INSERT_STRING = "insert into strings (dim, id, value) values (:dim, :id, :value)"
SELECT_ID = "select id from strings where dim = :dim and value = :value"
# Names by number, NAMES_AT_ONCE at a time (the last repeated to fill the list, so that there is
# one statement): within SQLite's 999 parameters before 3.32.
NAMES_AT_ONCE = 100
SELECT_NAMES = ("select id, value from strings where dim = ? and id in ("
                + ", ".join(["?"] * NAMES_AT_ONCE) + ")")
SELECT_DIM_NAMES = "select id, value from strings where dim = ?"
SELECT_DIM_TOP = "select max(id) from strings where dim = ?"  # numbered 1, 2, ...: how many
SELECT_RECORDS = "select views, events from day_records where day = :day and site = :site"
DELETE_RECORDS = "delete from day_records where day = :day and site = :site"
INSERT_RECORDS = """
    insert into day_records (day, site, views, events) values (:day, :site, :views, :events)
"""
SELECT_RANGE = """
    select day, views, events from day_records
     where day between :first and :last and (:site is null or site = :site)
     order by day
"""
SELECT_FIRST_DAY = """
    select min(day) from day_records where (:site is null or site = :site)
"""
SELECT_ENDED_HITS = """
    select day, site, event, visitor, page, ref, campaign, browser, os, device, country,
           language
      from event_hits
     where day < :today
     order by ts
"""
SELECT_DAY_HITS = """
    select site, event, visitor, page, ref, campaign, browser, os, device, country, language,
           hour
      from event_hits
     where day = :day and (:site is null or site = :site)
     order by ts
"""
SELECT_ALL = "select day, site, views, events from day_records where day between :first and :last"
_EVENT_COLUMNS = records.PER_VIEW + records.PER_VISIT
# The view records' first column (the page, rows sorted) is stored as its deltas; no other
# column of either blob gained by it (docs/storage.md, "Delta-coded blobs").
VIEW_DELTAS = (0,)


class Strings:
    """The strings table, read whole, numbering more strings as records need them (written
    with them: inside the transaction that writes the records)."""

    def __init__(self, conn):
        self.conn, self.ids, self.names, self.top = conn, {}, {}, {}
        for dim, id_, value in conn.execute(SELECT_STRINGS):
            self.ids[dim, value] = id_
            self.names[dim, id_] = value
            if id_ > self.top.get(dim, 0):
                self.top[dim] = id_

    def id_of(self, dim, value):
        """The number of a string, made (and stored) on first use; 0 for ''."""
        if not value:
            return 0
        found = self.ids.get((dim, value))
        if found is None:
            found = self.top[dim] = self.top.get(dim, 0) + 1
            self.ids[dim, value] = found
            self.names[dim, found] = value
            self.conn.execute(INSERT_STRING, {"dim": dim, "id": found, "value": value})
        return found

    def name_of(self, dim, id_):
        return self.names.get((dim, id_), "") if id_ else ""


class Names:
    """The strings table's names of the numbers a read asks for, read as they are asked for
    (prefetch() reads many in few statements). A reader names what its answer lists; reading
    the table whole, as Strings does for a writer, grows with every string ever kept: with a
    year of referrer spam in it (200,000 strings), a filtered GET took 0.4 s instead of 8 ms.
    A dimension numbered up to whole_below (a real site's traits, pages and referrers) is read
    whole in one statement, as before: by number it took a filtered GET 0.3 to 0.5 ms more."""

    whole_below = 2000

    def __init__(self, conn):
        self.conn, self.names, self.whole, self.large = conn, {}, set(), set()

    def prefetch(self, dim, ids):
        """Read the names of ids (numbers of dimension dim) not read yet."""
        if dim in self.whole:
            return
        names = self.names
        if dim not in self.large:
            if (self.conn.execute(SELECT_DIM_TOP, [dim]).fetchone()[0] or 0) <= self.whole_below:
                names.update(((dim, id_), value)
                             for id_, value in self.conn.execute(SELECT_DIM_NAMES, [dim]))
                self.whole.add(dim)
                return
            self.large.add(dim)
        missing = [id_ for id_ in set(ids) if id_ and (dim, id_) not in names]
        for at in range(0, len(missing), NAMES_AT_ONCE):
            part = missing[at:at + NAMES_AT_ONCE]
            filled = part + part[-1:] * (NAMES_AT_ONCE - len(part))
            for id_, value in self.conn.execute(SELECT_NAMES, [dim, *filled]):
                names[dim, id_] = value
            for id_ in part:
                names.setdefault((dim, id_), "")  # a number no string has: '', as Strings

    def name_of(self, dim, id_):
        if not id_:
            return ""
        name = self.names.get((dim, id_))
        if name is None:
            self.prefetch(dim, (id_,))
            name = self.names.get((dim, id_), "")
        return name


def find_ids(conn, filters):
    """{dimension: id} of each filter's value in the strings table, None for one never held."""
    out = {}
    for name, value in filters.items():
        row = conn.execute(SELECT_ID, {"dim": records.DIM_NUMBER[name], "value": value}).fetchone()
        out[name] = None if row is None else row[0]
    return out


# ---------------------------------------------------------------------------------------------
# Writing: a day that ends
# ---------------------------------------------------------------------------------------------

def add_views(conn, day, site, views, strings=None):
    """Store the records of one day and site's counted views (summary.View)."""
    add(conn, day, site, records.view_records(views), [], strings)


def add_ended_events(conn, today, strings=None):
    """Inside days.end_days_before, before the event hits of days before today are deleted:
    add their records to their days'."""
    by_day = {}
    for day, site, name, visitor, *values in conn.execute(SELECT_ENDED_HITS, {"today": today}):
        by_day.setdefault((day, site), []).append((name, visitor,
                                                   dict(zip(_EVENT_COLUMNS, values))))
    for (day, site), hits in by_day.items():
        add(conn, day, site, [], records.event_records(hits), strings)


def events_of(conn, day, site=None):
    """{site: [(name, visitor, {column: value})]} of a day's event hits still stored (today's),
    oldest first, as records.event_records takes them; the columns also hold the hit's hour."""
    by_site, names = {}, _EVENT_COLUMNS + ("hour",)
    for site_of, name, visitor, *values in conn.execute(SELECT_DAY_HITS,
                                                        {"day": day, "site": site}):
        by_site.setdefault(site_of, []).append((name, visitor, dict(zip(names, values))))
    return by_site


def add(conn, day, site, view_rows, event_rows, strings=None):
    """Add records (records.view_records' and event_records', values still strings) to those
    a day and site has: a day is stored once, but its events come after its views, and a
    copy (migrate_db) may add to a day the target has."""
    if not view_rows and not event_rows:
        return
    strings = strings or Strings(conn)
    views = records.encode(view_rows, records.VALUES, strings.id_of)
    events = records.encode(event_rows, ("event",) + records.VALUES, strings.id_of)
    key = {"day": day, "site": site}
    stored = conn.execute(SELECT_RECORDS, key).fetchone()
    if stored is not None:
        views = sorted(views + _rows(stored[0], records.VIEW_WIDTH))
        events = sorted(events + _rows(stored[1], records.EVENT_WIDTH))
        conn.execute(DELETE_RECORDS, key)
    views = columns.pack(views, records.VIEW_WIDTH, VIEW_DELTAS)
    conn.execute(INSERT_RECORDS, dict(key, views=views,
                                      events=columns.pack(events, records.EVENT_WIDTH)))


def _rows(blob, width):
    return list(zip(*columns.unpack(bytes(blob), width)))


# ---------------------------------------------------------------------------------------------
# Reading: a range's records
# ---------------------------------------------------------------------------------------------

def in_range(conn, first, last, site=None):
    """(day, views columns, events columns) of each day and site with records in [first,
    last]: one site's, or every site's."""
    params = {"first": first, "last": last, "site": site}
    for day, views, events in conn.execute(SELECT_RANGE, params):
        yield (day, columns.unpack(bytes(views), records.VIEW_WIDTH),
               columns.unpack(bytes(events), records.EVENT_WIDTH))


def first_day(conn, site=None):
    """The first day with records (of one site, or any), or None."""
    return conn.execute(SELECT_FIRST_DAY, {"site": site}).fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Copying: scripts/migrate_db.py
# ---------------------------------------------------------------------------------------------

def copy_days(source, target, first, last):
    """Inside a transaction of target: add source's records of [first, last] to target's,
    their strings numbered again in target's table."""
    strings = Strings(target)
    for (day, site), (views, events) in named_records(source, first, last).items():
        add(target, day, site, views, events, strings)


def view_rows(conn, day, site):
    """The view records a day and site has so far, their values strings again (as
    records.view_records made them); [] when it has none."""
    stored = conn.execute(SELECT_RECORDS, {"day": day, "site": site}).fetchone()
    return [] if stored is None else _named(stored[0], records.VALUES, Strings(conn))


def named_records(conn, first, last):
    """{(day, site): (view records, event records)} of [first, last], their values strings
    again (as records.view_records and event_records made them), each list sorted."""
    names, out = Strings(conn), {}
    for day, site, views, events in conn.execute(SELECT_ALL, {"first": first, "last": last}):
        out[day, site] = (sorted(_named(views, records.VALUES, names)),
                          sorted(_named(events, ("event",) + records.VALUES, names)))
    return out


def _named(blob, dims, names):
    width = len(dims) + (3 if dims[0] != "event" else 1)
    numbers = [records.DIM_NUMBER[d] for d in dims]
    return [tuple(names.name_of(n, id_) for n, id_ in zip(numbers, row)) + row[len(dims):]
            for row in _rows(blob, width)]
