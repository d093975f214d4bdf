"""The numbered migrations, each with a name saying what it does, that bring an older database to
schema.SCHEMA. A new database gets SCHEMA itself, so these only ever upgrade."""

from . import day_records, event_months, half_months, month_pairs, page_days, ref_rollups, value_days


# Migration N brings a database from user_version N-1 to N (1: footfall 0.1's first SCHEMA).
# Never edit a released one: add N+1 and change SCHEMA to match. A migration is a script, or
# a function of the connection where SQL alone cannot do it (a keyed hash).
def _key_fingerprints(conn):
    # A log's fingerprint was the plain hash of its first line, which holds an address: anyone
    # with the database could confirm a guessed line. Keyed now; see imports.fingerprint.
    from .imports import key_fingerprints

    key_fingerprints(conn)


MIGRATIONS = {
    2: ("daily_page keyed by day first", """
        -- The top pages of a range read one stretch of the table (18 000 rows for a year of 50
        -- pages) instead of looking each row up from an index on day, which made that query 6x
        -- slower at a million hits. A page's own chart uses the index on page. Same rows.
        create table daily_page_by_day (
            page       text    not null,
            day        text    not null,
            site       text    not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (day, site, page)
        ) without rowid;
        insert into daily_page_by_day (page, day, site, visitors, pageviews)
            select page, day, site, visitors, pageviews from daily_page;
        drop table daily_page;
        alter table daily_page_by_day rename to daily_page;
        create index daily_page_page on daily_page (page, day, site);
    """),
    3: ("monthly_page rollup", """
        -- A year of top pages then costs ~700 rows, not 18 000, however many hits there are.
        create table monthly_page (
            month      text    not null,
            site       text    not null,
            page       text    not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (month, site, page)
        ) without rowid;
        insert into monthly_page (month, site, page, visitors, pageviews)
            select substr(day, 1, 7), site, page, sum(visitors), sum(pageviews)
              from daily_page group by 1, 2, 3;
    """),
    4: ("no raw hits; views carried across midnight; hourly_site", """
        -- Raw hits are dropped: nothing reads them, and their times could be joined to the day's
        -- views to rebuild a visitor's path. The rollups hold every count they fed.
        drop table hits;
        alter table views add column counted integer not null default 1;
        drop index views_visitor;
        create index views_visitor on views (visitor, page, ts, counted);
        create table hourly_site (
            day        text    not null,
            site       text    not null,
            hour       integer not null,
            visitors   integer not null default 0,
            pageviews  integer not null default 0,
            primary key (day, site, hour)
        ) without rowid;
    """),
    5: ("meta: the read-access decision and the demo marker", """
        -- Kept here, not only in a config file that the web server's user may not be able to
        -- read: a database that says it needs a key is never served without one.
        create table meta (
            name   text primary key,
            value  text not null
        );
    """),
    6: ("views carry site, hour, referrer and traits; month salts; breakdowns and sketches", """
        -- What a visit's summary (summary.py) reads at the end of its day. Old days simply have
        -- no breakdowns.
        alter table views add column site text not null default '';
        alter table views add column hour integer not null default 0;
        alter table views add column ref text not null default '';
        alter table views add column browser text not null default '';
        alter table views add column os text not null default '';
        alter table views add column device text not null default '';
        alter table views add column country text not null default '';
        alter table views add column language text not null default '';
        alter table views add column campaign text not null default '';
        alter table views add column seconds real not null default 0;
        alter table views add column timed integer not null default 0;
        alter table views add column unique_visitor blob;
        create table month_salts (
            month  text primary key,
            salt   blob not null
        );
        create table daily_breakdown (
            filter        text    not null,
            filter_value  text    not null,
            dim           text    not null,
            day           text    not null,
            site          text    not null,
            value         text    not null,
            visitors      integer not null default 0,
            pageviews     integer not null default 0,
            entries       integer not null default 0,
            bounces       integer not null default 0,
            seconds       real    not null default 0,
            timed         integer not null default 0,
            primary key (filter, filter_value, dim, day, site, value)
        ) without rowid;
        create table monthly_breakdown (
            filter        text    not null,
            filter_value  text    not null,
            dim           text    not null,
            month         text    not null,
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
        create table daily_unique (
            filter        text not null,
            filter_value  text not null,
            day           text not null,
            site          text not null,
            sketch        blob not null,
            primary key (filter, filter_value, day, site)
        ) without rowid;
    """),
    7: ("notes on days", """
        -- Annotations written by scripts/note.py; GET answers them with before/after.
        create table notes (
            id       integer primary key,
            day      text    not null,
            text     text    not null,
            created  real    not null
        );
        create index notes_day on notes (day);
    """),
    8: ("access log imports and broken links", """
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
            fingerprint  text    primary key,  -- blake2b of the first line, hex
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
    """),
    9: ("monthly_unique: the union of a month's day sketches", """
        -- Months summed up before this migration have none: unique() unions their days.
        create table monthly_unique (
            filter        text not null,
            filter_value  text not null,
            month         text not null,
            site          text not null,
            sketch        blob not null,
            primary key (filter, filter_value, month, site)
        ) without rowid;
    """),
    10: ("today's summary kept between reads; the beacon log it needs", """
        -- A GET of a range ending today summed up all of today's views at each read: its time
        -- grew with the day's traffic. Now it adds only what changed since the last read; and
        -- views_day gains ts, so the last 30 minutes read only those minutes' views.
        drop index views_day;
        create index views_day on views (day, ts);
        -- Today's summary for one filter as a GET last read it (storage/today.py): sums and a sketch,
        -- no visitor hash. A later read adds only the visits that changed since (views after
        -- views_through, beacons after beacons_through). Deleted when the day ends.
        create table today_summary (
            day              text    not null,
            site             text    not null,  -- '' for all sites
            filter           text    not null,
            filter_value     text    not null,
            views_through    integer not null,  -- the last views rowid summed up
            beacons_through  integer not null,  -- the last beacon_log rowid seen
            views_counted    integer not null,  -- today's counted views up to views_through
            rows             text    not null,  -- JSON: [[dim, value, visitors, pageviews, ...], ...]
            sketch           blob    not null,  -- sketch.py bytes of the matching visitors
            primary key (day, site, filter, filter_value)
        ) without rowid;

        -- What a view held before a beacon added visible seconds to it (record.record_seconds), so
        -- today_summary can take the old visit out before adding the new one. Deleted with the
        -- day's views.
        create table beacon_log (
            day      text    not null,
            view     integer not null,  -- rowid of the view in views
            seconds  real    not null,  -- its seconds before the beacon
            timed    integer not null   -- its timed before the beacon
        );
    """),
    11: ("events: the day's event hits and ended days' event sums", """
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
        -- The pages an event happened on are its rows filtered by page.
        create table daily_event (
            filter        text    not null,
            filter_value  text    not null,
            event         text    not null,
            day           text    not null,
            site          text    not null,
            visitors      integer not null default 0,  -- distinct visitors who sent it that day
            count         integer not null default 0,  -- times it was counted
            primary key (filter, filter_value, event, day, site)
        ) without rowid;
    """),
    12: ("views and beacon_log get an id column", """
        -- SQLite's rowid, which today.py and a beacon read, is not SQL: PostgreSQL has none. An
        -- id integer primary key is the rowid by another name, so the ids stay what they were.
        -- Both tables hold today's rows only, so copying them is cheap.
        create table views_with_id (
            id              integer primary key,
            visitor         blob    not null,
            page            text    not null,
            ts              real    not null,
            day             text    not null,
            counted         integer not null default 1,
            site            text    not null default '',
            hour            integer not null default 0,
            ref             text    not null default '',
            browser         text    not null default '',
            os              text    not null default '',
            device          text    not null default '',
            country         text    not null default '',
            language        text    not null default '',
            campaign        text    not null default '',
            seconds         real    not null default 0,
            timed           integer not null default 0,
            unique_visitor  blob
        );
        insert into views_with_id
            select rowid, visitor, page, ts, day, counted, site, hour, ref, browser, os, device,
                   country, language, campaign, seconds, timed, unique_visitor
              from views;
        drop table views;
        alter table views_with_id rename to views;
        create index views_visitor on views (visitor, page, ts, counted);
        create index views_day on views (day, ts);
        create table beacon_log_with_id (
            id       integer primary key,
            day      text    not null,
            view     integer not null,
            seconds  real    not null,
            timed    integer not null
        );
        insert into beacon_log_with_id select rowid, day, view, seconds, timed from beacon_log;
        drop table beacon_log;
        alter table beacon_log_with_id rename to beacon_log;
    """),
    13: ("no monthly hour rows", """
        -- The hours of a day are read from its daily rows only (one day's view); a month's
        -- were never read, and were nearly half of the monthly rows.
        delete from monthly_breakdown where dim = 'hour';
    """),
    14: ("a day's hours in one row", """
        -- A filter's hours of a day as one 'hours' row whose value lists "hour:visitors:
        -- pageviews" (storage/breakdowns.py), not 24: hour rows were a third of the daily rows,
        -- and read only for one day's chart.
        insert into daily_breakdown
            (filter, filter_value, dim, day, site, value, visitors, pageviews, entries, bounces,
             seconds, timed)
        select filter, filter_value, 'hours', day, site,
               group_concat(value || ':' || visitors || ':' || pageviews, ' '), 0, 0, 0, 0, 0, 0
          from daily_breakdown
         where dim = 'hour'
         group by filter, filter_value, day, site;
        delete from daily_breakdown where dim = 'hour';
    """),
    15: ("log fingerprints keyed with a secret of the database", _key_fingerprints),
    16: ("an ended month's people as a number, not sketches", """
        -- An ended month's sketches link visits (a lone visitor sets the same register on each
        -- day they came); storage/people.py replaces them by this, from people.K up. The first
        -- request after the upgrade seals the months already ended.
        create table monthly_people (
            filter        text    not null,
            filter_value  text    not null,
            month         text    not null,
            site          text    not null,
            people        integer not null,
            primary key (filter, filter_value, month, site)
        ) without rowid;
    """),
    17: ("identifier-free day records, for two filters at once", """
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
        ) without rowid;
        -- Days that ended before now keep no records: a GET with two filters says from which
        -- day it counts ("records_from").
    """),
    18: ("a filter's lists of a day read from its records", """
        -- A day with records keeps in daily_breakdown only its unfiltered rows and each filter
        -- value's totals: a filter's lists and hours (the pairs, nine rows in ten) are counted
        -- from the records (storage/record_lists.py). Days without records keep theirs.
        delete from daily_breakdown
         where filter <> '' and dim <> ''
           and exists (select 1 from day_records
                        where day_records.day = daily_breakdown.day
                          and day_records.site = daily_breakdown.site);
    """),
    19: ("a month's pairs as one compact row per filter value",
         month_pairs.migration(month_pairs.TABLE)),
    20: ("an ended page's day stored once", page_days.migration(page_days.TABLE)),
    21: ("a day's hours only in hourly_site", """
        -- Schema 14 to 20 kept each ended day's hours as an 'hours' row of daily_breakdown too:
        -- the same counts as hourly_site's, which is what an answer reads.
        delete from daily_breakdown where filter = '' and dim = 'hours';
    """),
    22: ("daily_page without its index on page", """
        -- The index held each page-day's page, day and site again: 8.2 of the 57 bytes a hit
        -- of a 1M-hit site. A page's days are looked up by key from daily_site's instead.
        drop index if exists daily_page_page;  -- if: a newer database marked older, in tests
    """),
    23: ("an ended page's visits in daily_page's own columns", page_days.fold_visits("real")),
    # A row of a table without rowid keeps ~1 kB in its b-tree page and the rest in overflow
    # pages of its own: 6.6 of the two tables' 17.3 MB on the 1M-hit site were empty space.
    24: ("the two tables of blobs with a rowid",
         month_pairs.AS_ROWID_TABLE + day_records.AS_ROWID_TABLE),
    25: ("a value's list row and its filter's totals stored as one", value_days.migration),
    26: ("an ended day's events in one row a month", event_months.migration(event_months.TABLE)),
    27: ("monthly_ref: a month's referrers", ref_rollups.MIGRATION),
    28: ("a month's first half under a filter, kept by the read", half_months.TABLE),
}
