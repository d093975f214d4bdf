"""A batch of days read from logs, counted through footfall's storage in one transaction with
the note of how far each file is read: in this process or in the counting process."""

import time

from .. import counting
from ..storage import bulk, database, imports, record
from ..storage.judge import JudgedDay

CACHE_KIB = 8 * 1024  # SQLite's page cache for the import: both processes stay well under 100 MiB


def log_hit(ts, day, site, page, ref, ip, user_agent, browser, os, device, language, campaign,
            source):
    """A page view read from a log: a live hit with the traits the breakdowns read, as
    traits.describe() names them. The country is unknown: an import looks up no address."""
    return record.Hit(ts, day, site, page, ref, ip, user_agent,
                      {"browser": browser, "os": os, "device": device, "country": "",
                       "language": language, "campaign": campaign, "source": source})


class LogHit(record.Hit):
    """A page view read from a log, its referral (record.Hit.referral) worked out as it was
    read: in the reading process, not the counting one."""

    __slots__ = ("known_referral",)

    def __init__(self, ts, day, site, page, ref, ip, user_agent, traits, referral):
        # record.Hit's fields set here, not through its __init__: a call less per page view.
        self.ts, self.day, self.site, self.page = ts, day, site, page
        self.ref, self.ip, self.user_agent, self.traits = ref, ip, user_agent, traits
        self.known_referral = referral

    def referral(self):
        return self.known_referral


def count_days(conn, closed, open_days, rules, live, save):
    """Count page views through footfall's storage: the one place an import writes counts.
    closed and open_days are [(day, [hits])]: days whose lines are all read, and days whose
    rest is still to come. live(day) says which go the live way. Returns {day: reasons in
    order} (None: counted, 'flood'). save(conn) notes how far each file was read.

    Days gone by go through the bulk path in one transaction with save: the closed ones ended
    (their salts made in memory and dropped with them), the open ones with their salt and views
    kept for their rest, so a kill at any moment leaves the counts and the note of the lines
    they hold in step. With --follow the day still running (and any day not yet over) goes
    through the live path, as a tracker's hits would, after them.
    """
    today = counting.day_of(time.time(), rules.zone)
    in_bulk = [(day, hits) for day, hits in closed if not live(day) and day < today]
    open_bulk = [(day, hits) for day, hits in open_days if not live(day) and day < today]
    by_hits = [(day, hits) for day, hits in closed + open_days
               if live(day) or day >= today]
    reasons = {}
    if in_bulk or open_bulk:
        counted = bulk.record_days(conn, [hits for _, hits in in_bulk], rules, today,
                                   also=save, open_days=[hits for _, hits in open_bulk])
        for (day, _), of_day in zip(in_bulk + open_bulk, counted):
            reasons.setdefault(day, []).extend(of_day)
    for day, hits in by_hits:
        reasons.setdefault(day, []).extend(record.record_hits(conn, hits, rules))
    if not (in_bulk or open_bulk):
        database.in_transaction(conn, save)
    return reasons


class Batch:
    """What one commit counts and notes, as plain data (it may go to the counting process):
    the closed and open days [(day, [hit fields])] (LogHit's arguments, oldest first: a
    tuple pickles and sorts faster than an object; a closed day judged by the reading process
    comes as its JudgedDay instead), which go the live way (live, last: see
    Importer._commit), and how far each file is read [(fingerprint, name, offset, lines,
    last_ts, {site: (first_ts, last_ts)})], with the days and broken links to note."""

    __slots__ = ("closed", "open_days", "live", "last", "files", "days", "not_found", "now")

    def __init__(self, closed, open_days, live, last, files, days, not_found, now):
        self.closed, self.open_days = closed, open_days
        self.live, self.last, self.files = live, last, files
        self.days, self.not_found, self.now = days, not_found, now


def count_batch(conn, rules, batch):
    """Count a batch and note it, in one transaction (count_days). Returns {day: reasons}."""
    closed = [(day, hits if isinstance(hits, JudgedDay) else
               [LogHit(*fields) for fields in hits]) for day, hits in batch.closed]
    open_days = [(day, [LogHit(*fields) for fields in hits]) for day, hits in batch.open_days]

    def live(day):
        # With --follow, the catch-up's last day and every day after go the live way.
        return batch.live or (batch.live is None and day == batch.last)

    def save(conn):
        for key, name, offset, number, last_ts, ranges in batch.files:
            imports.save_file(conn, key, name, offset, number, last_ts, batch.now, ranges)
        imports.add_days(conn, batch.days)
        imports.add_not_found(conn, batch.not_found)

    return count_days(conn, closed, open_days, rules, live, save)
