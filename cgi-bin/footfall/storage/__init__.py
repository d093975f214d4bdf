"""Storage: every SQL statement footfall runs, one module per job.

- ``schema``: the whole current schema in one constant; ``migrations``: the named upgrades of
  older ones.
- ``connection``: under all the others: the errors, write transactions, locks and their deadline,
  the checkpoint, a database's name with its passwords masked.
- ``database``: opening a connection (SQLite or PostgreSQL), migrating it, backups.
- ``days``: a day's salt and its end (its views summed up, then deleted); a month's salt.
- ``record``: the write path of one hit (what a POST runs), and time on page.
- ``totals``: the read queries of the per-hit rollups (what a GET runs).
- ``breakdowns``: the day summaries stored when a day ends; ``breakdown_reader``: read back
  for a GET's series, lists and unique visitors; ``breakdown_rows``: the two upserts of their
  rows.
- What an ended day leaves, each in its compact table (docs/storage.md): ``day_records``, the
  day's identifier-free records and the strings they number; ``month_pairs``, a filter value's
  lists of a month; ``page_days`` and ``value_days``, an ended page's and value's day stored
  once; ``page_rollups``, ``page_caps`` and ``ref_rollups``, the page and referrer rollups and
  their caps; ``event_months``, a month's events; ``people``, an ended month's people.
- ``record_lists``: one filter's lists over ended days, from their month's pairs, records and
  ``half_months`` (a month's first half, kept by the read that first counts it).
- ``today``: today's summary for a filter, kept between reads and brought up to date with the
  visits that changed since.
- ``events``: today's event hits and ended days' event sums (events and goals).
- ``event_sums``: an ended day's event hits summed up into their month's monthly_event rows
  (days.py and events.py use it).
- ``meta``: the install's facts (who may read the stats, demo data, the time zone's current day).
- ``notes``: the owner's notes on days.
- ``imports``: which access log files were read, and the broken links they showed.
- ``copies``: a database's days copied into another (scripts/migrate_db.py).
- ``identifiers``: the one list of columns a query may name for a request's filter.
- ``bulk``: counting whole days at once (seeding, log imports); the hit path never imports it.
- ``judge``: a day's hits judged in memory, no SQL (for ``bulk``, and a log import's reading
  process, which judges each day it reads and hands it over for ``bulk`` to store).
- ``dialect``: each statement (written for SQLite) in PostgreSQL's dialect; ``pg_schema``: the
  schema in PostgreSQL's types; ``postgres``: the PostgreSQL connection (psycopg 3) when
  FOOTFALL_DB is a postgresql:// URL, and its locks.

Only these modules write SQL (``judge`` writes none), and the differences between SQLite and
PostgreSQL stay in them.
This file imports none of them, so a hit pays for what it uses.
"""
