"""The schema: the whole of it as it is now, in one constant a new database is created with.

migrations.py brings an older database to it; tests/test_migrations.py checks both roads end at
the same tables, columns, indexes and keys.
"""

# The whole schema as it is now: what a new database is created with. An older database is
# brought here by MIGRATIONS; tests/test_migrations.py checks both end with the same schema.
SCHEMA_VERSION = 28

SCHEMA = """
    -- Per-day totals for a whole site: what the chart reads.
    create table daily_site (
        day        text    not null,
        site       text    not null,
        visitors   integer not null default 0,  -- distinct visitors that day
        pageviews  integer not null default 0,
        primary key (day, site)
    ) without rowid;

    -- Per-day totals for one page. Keyed by day first: the top pages of a range read one
    -- stretch of the table; a page's own chart looks its days up by key (totals.py), without
    -- an index on page (schema 22: it took as many bytes as the table). An ended day's page
    -- is stored here once (storage/page_days.py): its end fills the last four columns, NULL
    -- while the day is live, and daily_breakdown keeps no row of it but what differs.
    create table daily_page (
        page       text    not null,
        day        text    not null,
        site       text    not null,
        visitors   integer not null default 0,  -- distinct visitors of this page that day
        pageviews  integer not null default 0,
        entries    integer,  -- as daily_breakdown's: visits begun on the page
        bounces    integer,
        seconds    real,
        timed      integer,
        primary key (day, site, page)
    ) without rowid;

    -- Per-month totals of a page: the top pages of a range read whole months here and only the
    -- days at its ends from daily_page. visitors is the sum of the daily distinct visitors.
    create table monthly_page (
        month      text    not null,  -- YYYY-MM
        site       text    not null,
        page       text    not null,
        visitors   integer not null default 0,
        pageviews  integer not null default 0,
        primary key (month, site, page)
    ) without rowid;

    -- Per-hour totals for a whole site, the hour on the configured zone's clock. A visitor counts
    -- in the hour of their first pageview of the day, so the hours of a day add up to its visitors.
    create table hourly_site (
        day        text    not null,
        site       text    not null,
        hour       integer not null,  -- 0-23
        visitors   integer not null default 0,
        pageviews  integer not null default 0,
        primary key (day, site, hour)
    ) without rowid;

    -- Per-day pageviews arriving from another site, by referring host.
    create table daily_ref (
        day        text    not null,
        site       text    not null,
        ref        text    not null,  -- host name of the referrer
        pageviews  integer not null default 0,
        primary key (day, site, ref)
    ) without rowid;

    -- The same, summed per month: a range's referrers read whole months here and only the days
    -- at its ends from daily_ref (storage/ref_rollups.py).
    create table monthly_ref (
        month      text    not null,  -- YYYY-MM
        site       text    not null,
        ref        text    not null,
        pageviews  integer not null default 0,
        primary key (month, site, ref)
    ) without rowid;

    -- The random salt of a day. Deleted by the first request of a later day. Tomorrow's may be
    -- made in the last moments of today, for the views carried over (see views).
    create table salts (
        day   text primary key,
        salt  blob not null
    );

    -- Who viewed which page when, for the current day only: distinct visitors, the flood rule
    -- and the day's summary (summary.py) read it; it is emptied with the salt. A view in the
    -- last flood window of a day is also written for the next day, keyed by that day's salt and
    -- with counted = 0: the flood rule sees it, nothing else does.
    create table views (
        id              integer primary key,  -- grows: today.py reads the views after one
        visitor         blob    not null,  -- counting.visitor_id(): keyed by the day's salt
        page            text    not null,
        ts              real    not null,
        day             text    not null,
        counted         integer not null default 1,  -- 0: carried over from the day before
        site            text    not null default '',
        hour            integer not null default 0,  -- on the configured zone's clock
        ref             text    not null default '',  -- referring host, or the campaign's source
        browser         text    not null default '',
        os              text    not null default '',
        device          text    not null default '',
        country         text    not null default '',
        language        text    not null default '',
        campaign        text    not null default '',
        seconds         real    not null default 0,  -- visible seconds footfall.js reported
        timed           integer not null default 0,  -- 1 once it reported them
        unique_visitor  blob                          -- keyed by the month's salt, for sketches
    );
    create index views_visitor on views (visitor, page, ts, counted);
    -- By day, then time: the last 30 minutes (totals.live) read only those minutes' views.
    create index views_day on views (day, ts);

    -- Today's summary for one filter as a GET last read it (storage/today.py): sums and a sketch,
    -- no visitor hash. A later read adds only the visits that changed since (views after
    -- views_through, beacons after beacons_through). Deleted when the day ends.
    create table today_summary (
        day              text    not null,
        site             text    not null,  -- '' for all sites
        filter           text    not null,
        filter_value     text    not null,
        views_through    integer not null,  -- the last views id summed up
        beacons_through  integer not null,  -- the last beacon_log id seen
        views_counted    integer not null,  -- today's counted views up to views_through
        rows             text    not null,  -- JSON: [[dim, value, visitors, pageviews, ...], ...]
        sketch           blob    not null,  -- sketch.py bytes of the matching visitors
        primary key (day, site, filter, filter_value)
    ) without rowid;

    -- What a view held before a beacon added visible seconds to it (record.record_seconds), so
    -- today_summary can take the old visit out before adding the new one. Deleted with the
    -- day's views.
    create table beacon_log (
        id       integer primary key,
        day      text    not null,
        view     integer not null,  -- id of the view in views
        seconds  real    not null,  -- its seconds before the beacon
        timed    integer not null   -- its timed before the beacon
    );

    -- Facts about the install itself, one row each (storage/meta.py): whether the stats are
    -- public or need a read key, and whether the data is demo data that seed_db.py made.
    create table meta (
        name   text primary key,
        value  text not null
    );

    -- The random salt of a calendar month, for the unique-visitor sketches. Deleted by the first
    -- request of a later month.
    create table month_salts (
        month  text primary key,  -- YYYY-MM
        salt   blob not null
    );

    -- A day's visits summed up when the day ends (summary.py): for a filter (a dimension and a
    -- value hits must match; '' for none), the counts of each value of a dimension ('' for the
    -- filter's own totals). Keyed so that one filter's series or list over a range of days is
    -- one stretch of the table. A filter's hours of a day are one row, dim 'hours', its value
    -- "hour:visitors:pageviews" of each hour with any (storage/breakdowns.py), counts 0.
    -- A day with records (day_records) keeps only the unfiltered rows and each filter value's
    -- totals (dim ''): its lists under a filter are counted from its records. An ended page's
    -- row and its filter's totals are its daily_page row (schema 20, 23). A browser's, country's
    -- ... list row and its filter's totals row share their visitors, pageviews, entries and
    -- seconds: where they meet the list row alone is stored, with the totals' own two numbers
    -- (schema 25, storage/value_days.py).
    create table daily_breakdown (
        filter        text    not null,  -- '', page, ref, browser, os, device, country, ...
        filter_value  text    not null,
        dim           text    not null,  -- '', page, ref, browser, ..., or hours
        day           text    not null,
        site          text    not null,
        value         text    not null,
        visitors      integer not null default 0,
        pageviews     integer not null default 0,
        entries       integer not null default 0,  -- visits that began on the page
        bounces       integer not null default 0,  -- visits with one pageview
        seconds       real    not null default 0,  -- visible seconds reported
        timed         integer not null default 0,  -- views (visits, for totals) that reported
        visit_bounces integer,  -- a list row that is its filter's totals too: their bounces
        visit_timed   integer,  -- and timed visits; NULL on every other row
        primary key (filter, filter_value, dim, day, site, value)
    ) without rowid;

    -- The same per month: a year's list reads twelve months and the days at its ends. No
    -- hour rows: hours are shown for one day at a time, from its daily rows.
    create table monthly_breakdown (
        filter        text    not null,
        filter_value  text    not null,
        dim           text    not null,
        month         text    not null,  -- YYYY-MM
        site          text    not null,
        value         text    not null,
        visitors      integer not null default 0,
        pageviews     integer not null default 0,
        entries       integer not null default 0,
        bounces       integer not null default 0,
        seconds       real    not null default 0,
        timed         integer not null default 0,
        primary key (filter, filter_value, dim, month, site, value)
    ) without rowid;

    -- A month's pairs (a filter's value x each value it lists, what its lists over whole
    -- months read) in a compact form (storage/month_pairs.py): one row per filter value, month
    -- and site; its blob holds the value's lists of the month as zlib-compressed integer
    -- columns (listed dimension, value id in strings, visitors, pageviews, entries, bounces,
    -- timed, milliseconds). monthly_breakdown keeps the unfiltered rows and each filter
    -- value's totals. A rowid table, as day_records: a row of a table without rowid spills
    -- what passes ~1 kB into an overflow page of its own (schema 24 says why that mattered).
    create table monthly_pairs (
        filter        text not null,
        filter_value  text not null,
        month         text not null,  -- YYYY-MM
        site          text not null,
        lists         blob not null,
        primary key (filter, filter_value, month, site)
    );

    -- The first half of a month (days 1 to 15) under one filter value: its lists as a read
    -- counted them from the days' records, kept by that read for the next one
    -- (storage/half_months.py), so that a range's partial month leaves at most about a week to
    -- count. A cache no writer keeps: used only while those records' checksum is the same.
    create table half_month_lists (
        filter        text    not null,
        filter_value  text    not null,
        month         text    not null,  -- YYYY-MM
        site          text    not null,  -- '' for all sites
        records_crc   integer not null,  -- CRC-32 of the days' view records it was counted from
        lists         blob    not null,  -- as monthly_pairs.lists, counts by value number
        primary key (filter, filter_value, month, site)
    );

    -- A day's distinct visitors as a HyperLogLog sketch (sketch.py) of their month-keyed hashes:
    -- the union of a month's days counts each person once; no visitor can be read back out.
    create table daily_unique (
        filter        text not null,
        filter_value  text not null,
        day           text not null,
        site          text not null,
        sketch        blob not null,
        primary key (filter, filter_value, day, site)
    ) without rowid;

    -- The union of a month's day sketches, so a year's unique visitors read twelve sketches.
    -- Both kinds live only while the month's salt does: see monthly_people.
    create table monthly_unique (
        filter        text not null,
        filter_value  text not null,
        month         text not null,  -- YYYY-MM
        site          text not null,
        sketch        blob not null,
        primary key (filter, filter_value, month, site)
    ) without rowid;

    -- An ended month's distinct people for a filter (as monthly_unique), once its sketches are
    -- gone (storage/people.py): an estimate, kept only from people.K up.
    create table monthly_people (
        filter        text    not null,
        filter_value  text    not null,
        month         text    not null,  -- YYYY-MM
        site          text    not null,
        people        integer not null,
        primary key (filter, filter_value, month, site)
    ) without rowid;

    -- The owner's notes on days ("launched on HN"), written only by scripts/note.py: the read
    -- key may be shared, so nothing that comes over HTTP writes here.
    create table notes (
        id       integer primary key,
        day      text    not null,  -- YYYY-MM-DD
        text     text    not null,
        created  real    not null   -- Unix time the note was written
    );
    create index notes_day on notes (day);

    -- Requests an imported access log shows answered 404 or 410, per day, site, path and
    -- referring host: the broken links. Only logs know a status; live hits never fill it.
    create table daily_not_found (
        day    text    not null,
        site   text    not null,
        page   text    not null,  -- path only, as daily_page
        ref    text    not null,  -- host name of the referrer (the site's own too), '' when none
        count  integer not null default 0,
        primary key (day, site, page, ref)
    ) without rowid;

    -- Access log files scripts/import_log.py has read, so that no line is counted twice: a
    -- file is known by the hash of its first line, which stays when it grows, is rotated or is
    -- compressed; a second import resumes after the bytes already read.
    create table imported_logs (
        fingerprint  text    primary key,  -- the first line's hash keyed by meta's log_key, hex
        name         text    not null,     -- the path it was last read from, for people
        offset       integer not null,     -- bytes (uncompressed) read so far
        lines        integer not null,     -- lines read so far
        last_ts      real,                 -- Unix time of the last line counted
        imported_at  real    not null
    );

    -- The time each imported file covers for each site: a line of another file inside one of
    -- these (an overlapping rotation) is taken as already counted.
    create table imported_ranges (
        fingerprint  text not null,
        site         text not null,
        first_ts     real not null,
        last_ts      real not null,
        primary key (fingerprint, site)
    ) without rowid;

    -- Days whose counts came from imported logs: the first day not in here with counts is
    -- the first live day, before which an import stops by default (--until).
    create table imported_days (
        day   text not null,
        site  text not null,
        primary key (day, site)
    ) without rowid;

    -- The day's events (footfall("signup"), a click, an outbound link or a download), for the
    -- current day only: the events' flood rule and the day's sums (storage/events.py) read it;
    -- it is emptied with the salt, as views is. Traits as in views, from the event's own request.
    create table event_hits (
        visitor   blob    not null,  -- counting.visitor_id(): keyed by the day's salt
        event     text    not null,  -- 1 to 64 printable characters
        page      text    not null,
        ts        real    not null,
        day       text    not null,
        site      text    not null,
        hour      integer not null,  -- on the configured zone's clock
        ref       text    not null default '',  -- referring host, or the campaign's source
        browser   text    not null default '',
        os        text    not null default '',
        device    text    not null default '',
        country   text    not null default '',
        language  text    not null default '',
        campaign  text    not null default ''
    );
    create index event_hits_visitor on event_hits (visitor, event, ts);
    create index event_hits_day on event_hits (day);

    -- An ended day's events summed up, for a filter as in daily_breakdown ('' for none; page,
    -- ref, browser, ..., and hour, in which a visitor counts at their first hit of the event).
    -- The pages an event happened on are its rows filtered by page. One row a month: days holds
    -- each day's day of the month, visitors (distinct that day) and count (times counted) as
    -- varints (storage/event_months.py); a row a day repeated its key's text each day.
    create table monthly_event (
        filter        text not null,
        filter_value  text not null,
        event         text not null,
        month         text not null,  -- YYYY-MM
        site          text not null,
        days          blob not null,
        primary key (filter, filter_value, event, month, site)
    ) without rowid;

    -- Each string a day's records hold (storage/day_records.py), once: the records hold its
    -- number. dim: 1 page, 2 ref, 3 campaign, 4 browser, 5 os, 6 device, 7 country,
    -- 8 language, 10 event name (records.DIM_NUMBER); ids count from 1 within a dimension,
    -- 0 is ''. No index on value: the writer, alone at a day's end, reads the
    -- whole table (day_records.Strings), and it would hold every long page a second time.
    create table strings (
        dim    integer not null,
        id     integer not null,
        value  text    not null,
        primary key (dim, id)
    ) without rowid;

    -- An ended day's counted views and event hits as identifier-free records (records.py):
    -- one zlib blob of integer columns each, rows sorted by value, no visitor hash, no visit
    -- number. What a GET with two filters or more counts. Written once, when the day ends.
    create table day_records (
        day     text not null,
        site    text not null,
        views   blob not null,  -- page, ref, campaign, browser ... language, hour, seconds, flags
        events  blob not null,  -- name, page, ref, campaign, browser ... language, flags
        primary key (day, site)
    );  -- a rowid table: its rows are kilobytes (see monthly_pairs)
"""
