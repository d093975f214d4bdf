#!/usr/bin/env python3
"""Import web server access logs into footfall's database: years of history on day one.

    python3 scripts/import_log.py /var/log/apache2/access.log*
    zcat old.log.gz | python3 scripts/import_log.py --site example.com -
    python3 scripts/import_log.py --follow /var/log/nginx/access.log

A line counts as a page view by the rules of a live hit (see docs/import.md): a GET of a page
answered 2xx or 304, not a static file, not a bot, not a prefetch, not a flood. 404 and 410 lines
are kept as broken links. Visitors per day are hashed with salts made for the import and thrown
away after it; no IP address reaches the disk. Importing a file again counts no line twice.
Standard library only.
"""

import argparse
import datetime
import functools
import gzip
import itertools
import operator
import os
import signal
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import agents, campaigns, counting, languages, logformats, settings  # noqa: E402
from footfall.logformats import MAX_LINE_BYTES  # noqa: E402
from footfall.storage import bulk, database, imports, record  # noqa: E402
from footfall.storage.days import has_ended_days  # noqa: E402
from footfall.storage.judge import Judge, JudgedDay  # noqa: E402

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

# The first lines of each file are read before any is counted: when more than half of them do
# not fit the format, the format is wrong and the import stops there.
FORMAT_CHECK_LINES = 100
MALFORMED_SHOWN = 5  # line numbers of malformed lines the summary shows
OPEN_DAYS = 2  # days held in memory at once: a log is in time order but for a few seconds
# Closed days are counted in batches, each in one transaction with the note of how far each file
# was read: a batch ends with its month, or at this many page views (memory stays flat).
BATCH_VIEWS = 40_000
# The first batches are smaller (FIRST_BATCH_VIEWS, then twice the page views counted so far):
# the counting process starts soon instead of waiting for a whole month of log.
FIRST_BATCH_VIEWS = 2_000
CACHE_KIB = 8 * 1024  # SQLite's page cache for the import: both processes stay well under 100 MiB
PROGRESS_EVERY = 8192  # lines between looks at the clock for the progress bar

# Why a line is not a page view, in the order they are checked and the summary lists them.
REASONS = ("malformed", "already imported", "after --until", "method", "status", "asset",
           "footfall", "bot", "prefetch", "site not allowed", "flood")


# What reading a file on may raise: a damaged gzip file, a failing disk.
READ_ERRORS = (OSError, EOFError, zlib.error)
# The rest of a line over logformats.MAX_LINE_BYTES is read in pieces of this size, and dropped.
DROP_BYTES = 1 << 20


class ImportStopped(Exception):
    """The import cannot go on (a wrong --format, an unreadable file); the message says why."""


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


class CountingProcess:
    """Counting and writing in a second process, while this one reads on: parsing a log and
    counting its days each take about one core (docs/performance.md). Batches go over a pipe,
    in order; the pipe holds one at a time, so memory stays flat when counting is the slower.
    The counting process answers each batch counted, so busy() tells whether it has work yet
    (the reading process then sums days up itself). finish() returns {day: [page views
    flooded, page views]}, or raises StorageError."""

    def __init__(self, db, rules):
        import multiprocessing  # only an import of files in two processes needs it

        # fork: the child starts at once with what this one has loaded; it opens its own
        # connection and never touches this one's.
        context = multiprocessing.get_context("fork")
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=_count_apart,
                                       args=(db, rules, child_end, self.pipe), daemon=True)
        self.process.start()
        child_end.close()
        self.sent = self.counted = 0
        self.final = None  # the last answer: ("done", tally) or ("failed", why)

    def busy(self):
        """Whether a batch sent is not counted yet."""
        self._read_answers()
        return self.counted < self.sent

    def _read_answers(self):
        while self.counted < self.sent and self.pipe.poll():
            try:
                answer = self.pipe.recv()
            except (EOFError, OSError):
                answer = ("failed", "the counting process stopped")
            if answer != "counted":  # it stopped early: say why now, not after reading on
                self.final = answer
                self.finish()
            self.counted += 1

    def send(self, batch):
        self._read_answers()
        try:
            self.pipe.send(batch)
        except OSError:
            self.finish()
        self.sent += 1

    def abandon(self):
        """Stop it without a word: the batch it counts is committed or not, as a kill leaves it."""
        self.pipe.close()
        self.process.join()

    def finish(self):
        try:
            self.pipe.send(None)
        except OSError:
            pass  # it has stopped already: its answer says why
        try:
            while self.final is None:
                answer = self.pipe.recv()
                if answer != "counted":
                    self.final = answer
        except (EOFError, OSError):
            self.final = ("failed", "the counting process stopped")
        outcome, detail = self.final
        self.process.join()
        self.pipe.close()
        if outcome != "done":
            raise database.StorageError(detail)
        return detail


def _count_apart(db, rules, pipe, readers_end):
    """The counting process: count each batch that comes, then answer with the tally."""
    readers_end.close()  # forked with it: else the pipe would never close when the reader goes
    # A Ctrl-C reaches the whole process group: the reader stops reading and sends what it
    # read; this one counts it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    tally = {}
    try:
        conn = database.connect(db)
        conn.execute(f"pragma cache_size = -{CACHE_KIB}")
        while True:
            try:
                batch = pipe.recv()
            except EOFError:  # the reading process is gone (CountingProcess.abandon)
                return
            if batch is None:
                break
            reasons = count_batch(conn, rules, batch)
            pipe.send("counted")
            for day, of_day in reasons.items():
                counts = tally.setdefault(day, [0, 0])
                counts[0] += of_day.count("flood")
                counts[1] += len(of_day)
        database.checkpoint(conn)
        pipe.send(("done", tally))
    except Exception as exc:  # noqa: BLE001 - whatever it is, the reader reports it
        pipe.send(("failed", f"counting stopped: {exc}"))


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------

class LogFile:
    """One log being read as lines of bytes: a plain file, a gzip file (by its magic number,
    whatever its name) or stdin ('-')."""

    def __init__(self, name):
        self.name = name
        self._raw = None
        self._head = b""  # stdin's first line, read to know the file and given back by lines()
        self.inode = None
        if name == "-":
            self.stream, self.size = sys.stdin.buffer, 0
            return
        try:
            raw = open(name, "rb")
        except OSError as exc:
            raise ImportStopped(f"cannot read {name}: {exc.strerror}") from None
        stat = os.fstat(raw.fileno())
        self.size, self.inode = stat.st_size, stat.st_ino
        if raw.read(2) == b"\x1f\x8b":  # gzip's magic number
            raw.seek(0)
            self._raw, self.stream = raw, gzip.GzipFile(fileobj=raw, mode="rb")
        else:
            raw.seek(0)
            self.stream = raw

    def position(self):
        """Bytes of the file on disk read so far (compressed bytes of a gzip file): progress."""
        if self.name == "-":
            return 0
        return (self._raw or self.stream).tell()

    def first_line(self):
        """The first line if it is complete, else b''; of a line over MAX_LINE_BYTES, its first
        MAX_LINE_BYTES (they know the file as well). Reading starts again from the top."""
        line = self.stream.readline(MAX_LINE_BYTES)
        if self.name == "-":
            self._head = line
        else:
            self.stream.seek(0)
        return line if line.endswith(b"\n") or len(line) == MAX_LINE_BYTES else b""

    def skip_to(self, offset):
        """Start reading at a byte offset of the content; False (and at the top) when the
        content there is not the start of a line."""
        if offset == 0:
            return True
        if self.name == "-":
            done, self._head = len(self._head), b""
            while done < offset:  # stdin cannot seek: read and drop
                chunk = self.stream.read(min(1 << 20, offset - done))
                if not chunk:
                    return False
                done += len(chunk)
            return True
        # One byte before: a gzip stream seeks forward only by decompressing, so this reads it once.
        self.stream.seek(offset - 1)
        if self.stream.read(1) == b"\n" and self.stream.tell() == offset:
            return True
        self.stream.seek(0)
        return False

    def lines(self):
        """An iterator of the lines from here on (stdin's head first). Of a line over
        MAX_LINE_BYTES it gives the first MAX_LINE_BYTES, without newline: see drop_rest."""
        lines = iter(functools.partial(self.stream.readline, MAX_LINE_BYTES), b"")
        if self._head:
            head, self._head = self._head, b""
            return itertools.chain((head,), lines)
        return lines

    def drop_rest(self, start):
        """start is what lines() gave without a newline. When it is the first MAX_LINE_BYTES
        of a longer line, read past the rest of that line, keeping none of it, and return a
        LongLine of its size; None when the file ends first (a line still being written)."""
        if len(start) < MAX_LINE_BYTES:
            return None
        size = len(start)
        while True:
            piece = self.stream.readline(DROP_BYTES)
            if not piece:
                return None
            size += len(piece)
            if piece[-1:] == b"\n":
                return LongLine(size)

    def close(self):
        if self.name != "-":
            self.stream.close()
            if self._raw is not None:
                self._raw.close()


class LongLine(bytes):
    """A line over MAX_LINE_BYTES, read past and not kept: empty bytes (no format reads it, so
    it is malformed) that know the size of the line, for the file's offset."""

    def __new__(cls, size):
        line = super().__new__(cls)
        line.size = size
        return line


def fingerprint(first_line):
    """What identifies a log file through growth, rotation and compression: its first line."""
    return blake2b(first_line, digest_size=16).hexdigest()


class FileState:
    """How far one file is read: offset, line number, and the time it covers per site."""

    __slots__ = ("log", "key", "offset", "number", "covered", "ranges", "last_ts")

    def __init__(self, log, key, offset, number, covered):
        self.log, self.key, self.offset, self.number = log, key, offset, number
        self.covered = covered  # {site: [(first_ts, last_ts)]} of other files: already counted
        self.ranges = {}  # site -> [first_ts, last_ts] of the lines read this run
        self.last_ts = None


# ---------------------------------------------------------------------------------------------
# Progress and summary
# ---------------------------------------------------------------------------------------------

class Progress:
    """A one-line progress bar on a terminal: lines read, lines/s and, when the size is known,
    how far along and the time left."""

    WIDTH = 24

    def __init__(self, total_bytes, stream):
        self.total, self.stream = total_bytes, stream
        self.started = time.monotonic()
        self.last_drawn = 0.0

    def update(self, lines, done_bytes, force=False):
        now = time.monotonic()
        if not force and now - self.last_drawn < 0.2:
            return
        self.last_drawn = now
        seconds = max(now - self.started, 1e-6)
        text = f"{lines:,} lines, {lines / seconds:,.0f} lines/s"
        if self.total:
            share = min(done_bytes / self.total, 1.0)
            filled = int(share * self.WIDTH)
            left = seconds * (1 - share) / share if share > 0 else 0
            text = (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} {text}, "
                    f"{_duration(left)} left")
        self.stream.write("\r" + text + "\033[K")
        self.stream.flush()

    def finish(self):
        self.stream.write("\r\033[K")
        self.stream.flush()


def _duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Summary:
    """What an import did, line by line: what the final summary prints."""

    def __init__(self):
        self.lines = 0
        self.views = 0
        self.not_found = 0
        self.reasons = dict.fromkeys(REASONS, 0)
        self.malformed = []  # (file, line number), the first MALFORMED_SHOWN
        self.days = set()
        self.files = []  # (name, what happened)
        self.stopped = ""  # why reading stopped early, if it did

    def text(self, seconds):
        rate = self.lines / seconds if seconds > 0 else 0
        out = [f"import_log: {len(self.files)} file(s), {self.lines:,} lines in {seconds:.1f} s "
               f"({rate:,.0f} lines/s)"]
        out += [f"  {name}: {note}" for name, note in self.files]
        span = f", {min(self.days)} to {max(self.days)}" if self.days else ""
        out.append(f"  page views counted: {self.views:,} on {len(self.days):,} day(s){span}")
        skipped = ", ".join(f"{reason} {count:,}" for reason, count in self.reasons.items() if count)
        out.append(f"  skipped: {skipped or 'none'}")
        out.append(f"  broken links (404/410 of people): {self.not_found:,} lines")
        if self.malformed:
            shown = ", ".join(f"{name}:{number}" for name, number in self.malformed)
            first = " (the first ones)" if self.reasons["malformed"] > len(self.malformed) else ""
            out.append(f"  malformed lines: {shown}{first}")
        if self.stopped:
            out.append(f"  {self.stopped}")
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------------------------

class Importer:
    """Reads logs into the database: run(names) or follow(name) return a Summary."""

    def __init__(self, conn, config, log_format="combined", site="", until=None,
                 progress_stream=None, clock=time.time, processes=1):
        self.conn, self.config, self.clock = conn, config, clock
        self.processes = processes  # 2: count in a second process while reading (run only)
        self._counter = None
        self._judge = None  # a Judge when this process judges the days it sends (run)
        self.format_name = log_format
        try:
            self.parse = logformats.compile_format(log_format)
        except logformats.LogFormatError as exc:
            raise ImportStopped(f"--format: {exc}") from None
        self.site, self.until = site, until
        self.progress_stream = progress_stream
        self.progress = None
        self.live = False  # with --follow, once the catch-up is counted
        self.stopping = False  # set by a signal: finish the line, count, remember, stop
        self.rules = record.Rules.from_config(config)
        self.summary = Summary()
        self._pending = {}  # day -> [hit fields (Importer._hit)], at most OPEN_DAYS + 1 days
        self._closed = []  # [(day, [hit fields])]: days read whole, to count in the next batch
        self._closed_views = 0
        self._sent_views = 0  # page views of the batches so far
        self._traits = {}  # the traits of a hit, shared by the hits that have the same
        self._referrals = {}  # (source, referrer as kept, site) -> counting.referral
        self._not_found = {}  # (day, site, page, referring host) -> count
        self._states = []  # every file of this run, noted (again) with each batch
        self._unsaved = False  # lines read since the last save
        self._done_bytes = 0  # sizes of the files read before the current one, for progress
        # Caches: a log repeats its agents, hosts, pages and hours over and over.
        self._agents = {}  # User-Agent -> (is bot, browser, os, device, the User-Agent)
        self._ips = {}  # address -> the same address: one string object per visitor
        self._sites = {}  # host as logged -> site, or None when it is not a host name
        self._day_of = {}  # quarter hour -> day (time zones change on quarter hours)
        self._pages = {}  # request target -> (page, campaign, source) or ('', why, '')
        self._refs = {}  # referrer as logged -> as kept

    # -- files ------------------------------------------------------------------------------

    def run(self, names):
        """Import every file, oldest first (by the time of its first line); stdin last."""
        logs = self._in_time_order(names)
        if self.progress_stream is not None:
            self.progress = Progress(sum(log.size for log in logs), self.progress_stream)
        if self.processes > 1:
            self._counter = CountingProcess(self.config.db, self.rules)
            # Judging days here takes work off the counting process, which is the slower;
            # the Judge must start from a database with no day under way (storage/judge.py).
            if not has_ended_days(self.conn, counting.day_of(time.time(), self.config.zone)):
                self._judge = Judge(self.rules)
        try:
            for log in logs:
                try:
                    stop = self.read_file(log)
                finally:
                    self._done_bytes += log.size
                    log.close()
                if stop or self.stopping:
                    break
        finally:
            if self.progress is not None:
                self.progress.finish()
            for log in logs:
                log.close()
        self.finish()
        database.checkpoint(self.conn)  # the import's day salts, deleted, leave the WAL too
        if self.stopping:
            self.summary.stopped = "interrupted: the lines read so far are counted and remembered"
        return self.summary

    def _in_time_order(self, names):
        dated = []
        for name in dict.fromkeys(names):  # the same name twice is read once
            log = LogFile(name)
            dated.append((self._first_time(log) if name != "-" else float("inf"), len(dated), log))
        return [log for _, _, log in sorted(dated, key=lambda item: item[:2])]

    def _first_time(self, log):
        line = log.first_line()
        parsed = self.parse(line.decode("utf-8", "replace")) if line else None
        return parsed[1] if parsed is not None else 0.0

    def read_file(self, log):
        """Read one file on from where the last import of it stopped. True when --until stops it."""
        first = log.first_line()
        if not first:
            self.summary.files.append((log.name, "empty, or no complete line yet"))
            return False
        key = fingerprint(first)
        if any(state.key == key for state in self._states):
            self.summary.files.append((log.name, "the same log as one read above: skipped"))
            return False
        known = imports.file_progress(self.conn, key)
        offset, number = (known[0], known[1]) if known else (0, 0)
        if not log.skip_to(offset):
            offset, number = 0, 0  # shorter than what was read: not the same file after all
        state = FileState(log, key, offset, number, self._covered(key))
        self._states.append(state)
        try:
            stop = self.read_lines(state)
        except READ_ERRORS as exc:
            self.summary.files.append((log.name, f"{state.number - number:,} new lines, then "
                                                 "unreadable"))
            raise ImportStopped(f"cannot read {log.name} after line {state.number:,}: {exc}; "
                                "the lines before it are counted") from None
        read = state.number - number
        note = f"{read:,} new lines" + (f" (after the {number:,} read before)" if number else "")
        self.summary.files.append((log.name, note))
        return stop

    def _covered(self, key):
        covered = imports.ranges_of_other_files(self.conn, key)
        for state in self._states:
            if state.key != key:
                for site, span in state.ranges.items():
                    covered.setdefault(site, []).append(tuple(span))
        return covered

    # -- lines ------------------------------------------------------------------------------

    def read_lines(self, state):
        """Read a file's lines to its end; True when --until stops it. A file read from its
        top is first checked against the format."""
        parse = self.parse
        lines = state.log.lines()
        partial = False
        if state.number == 0:
            head, unreadable = [], None
            try:
                for raw in lines:
                    if raw[-1:] != b"\n":
                        raw = state.log.drop_rest(raw)
                        if raw is None:
                            partial = True
                            break
                    head.append(raw)
                    if len(head) == FORMAT_CHECK_LINES:
                        break
            except READ_ERRORS as exc:  # the lines before it count all the same
                unreadable = exc
            # A line too long to read is malformed whatever the format: it tells nothing of it.
            parsed = [parse(raw.decode("utf-8", "replace")) for raw in head
                      if type(raw) is not LongLine]
            if sum(line is None for line in parsed) * 2 > len(parsed):
                example = next(raw for raw in head if type(raw) is not LongLine
                               and parse(raw.decode("utf-8", "replace")) is None)
                raise ImportStopped(self._format_message(state.log.name, example))
            if self._take_lines(state, head):
                return True
            if unreadable is not None:
                raise unreadable
        if not partial:
            if self._take_lines(state, lines):
                return True
            partial = self._partial
        if partial and state.log.name != "-":
            # A line still being written: read again from its start next time.
            state.log.stream.seek(state.offset)
        return False

    def _take_lines(self, state, raws):
        """Each line into its day's bucket or counted under a reason; True when --until stops
        the file. One loop with everything in local variables: this is where an import spends
        its time. Stops at a line without its newline (still being written): self._partial."""
        reasons, summary = self.summary.reasons, self.summary
        pending, agents_seen, pages_seen, refs_seen = self._pending, self._agents, self._pages, self._refs
        sites_seen, day_of = self._sites, self._day_of
        covered, ranges = state.covered, state.ranges
        until, live, zone = self.until, self.live, self.config.zone
        allowed = self.config.sites
        default_site = self.site
        number, offset, last_ts = state.number, state.offset, state.last_ts
        lines = 0
        last_quarter, day = None, None
        countdown = PROGRESS_EVERY
        parse = self.parse
        self._partial = False
        try:
            for raw in raws:
                if raw[-1:] != b"\n":
                    if type(raw) is not LongLine:  # else dropped already (the first lines)
                        raw = state.log.drop_rest(raw)
                    if raw is None:
                        self._partial = True
                        return False
                    number += 1
                    offset += raw.size
                    lines += 1
                    self._note_malformed(state.log.name, number)
                    continue
                line = parse(raw.decode("utf-8", "replace"))
                countdown -= 1
                if not countdown:
                    countdown = PROGRESS_EVERY
                    if self.stopping:
                        return False
                    if self.progress is not None:
                        self.progress.update(summary.lines + lines,
                                             self._done_bytes + state.log.position())
                if line is None:
                    number += 1
                    offset += len(raw)
                    lines += 1
                    self._note_malformed(state.log.name, number)
                    continue
                ip, ts, method, target, status, referrer, user_agent, host, language, purpose = line
                if host:
                    site = sites_seen.get(host, False)
                    if site is False:
                        site = self._site_of(host)
                    if site is None:
                        number += 1
                        offset += len(raw)
                        lines += 1
                        self._note_malformed(state.log.name, number)
                        continue
                else:
                    site = default_site
                if covered:
                    spans = covered.get(site)
                    if spans and _inside(ts, spans):
                        number += 1
                        offset += len(raw)
                        lines += 1
                        reasons["already imported"] += 1
                        continue
                quarter = ts // 900
                if quarter != last_quarter:  # lines of the same quarter hour follow each other
                    day = day_of.get(quarter)
                    if day is None:
                        if len(day_of) > 100_000:  # three years of quarter hours: bounded memory
                            day_of.clear()
                        day = day_of[quarter] = counting.day_of(ts, zone)
                    last_quarter = quarter
                if until is not None and day > until:
                    if not live:
                        summary.stopped = (f"stopped before line {number + 1:,} of "
                                           f"{state.log.name}: {day} is after --until {until}; "
                                           "a later import goes on from there")
                        return True
                    number += 1
                    offset += len(raw)
                    lines += 1
                    reasons["after --until"] += 1
                    continue
                # The line is read: it moves the file's offset and the time it covers.
                number += 1
                offset += len(raw)
                lines += 1
                last_ts = ts
                span = ranges.get(site)
                if span is None:
                    ranges[site] = [ts, ts]
                elif ts > span[1]:
                    span[1] = ts
                elif ts < span[0]:
                    span[0] = ts
                if status == 404 or status == 410:
                    if method == "GET" or method == "HEAD":
                        agent = agents_seen.get(user_agent)
                        if agent is None:
                            agent = self._agent(user_agent)
                        if not agent[0]:
                            self._broken_link(day, site, target, referrer)
                    reasons["status"] += 1
                    continue
                if method != "GET":
                    reasons["method"] += 1
                    continue
                if not (200 <= status < 300 or status == 304):
                    reasons["status"] += 1
                    continue
                page = pages_seen.get(target)
                if page is None:
                    page = self._page_of(target)
                if not page[0]:
                    reasons[page[1]] += 1
                    if page[1] == "malformed":
                        self._note_malformed(state.log.name, number, counted=True)
                    continue
                # The agent, a long string, is looked up only for the lines left: most are not.
                agent = agents_seen.get(user_agent)
                if agent is None:
                    agent = self._agent(user_agent)
                if agent[0]:
                    reasons["bot"] += 1
                    continue
                if purpose and counting.is_prefetch(purpose):
                    reasons["prefetch"] += 1
                    continue
                if allowed and not counting.site_allowed(site, allowed):
                    reasons["site not allowed"] += 1
                    continue
                ref = refs_seen.get(referrer)
                if ref is None:
                    ref = self._ref_of(referrer)
                hit = self._hit(ts, day, site, page[0], ref, ip, user_agent, agent,
                                languages.language_of(language) if language else "", page)
                hits = pending.get(day)
                if hits is None:
                    pending[day] = [hit]
                    if len(pending) > OPEN_DAYS:
                        # The oldest day is read whole. A batch that ends here notes this
                        # line as read: the files' positions are where they are now.
                        state.number, state.offset, state.last_ts = number, offset, last_ts
                        self.flush()
                else:
                    hits.append(hit)
            return False
        finally:
            state.number, state.offset, state.last_ts = number, offset, last_ts
            summary.lines += lines
            self._unsaved = self._unsaved or lines > 0

    def _hit(self, ts, day, site, page, ref, ip, user_agent, agent, language, target):
        """LogHit's arguments for a page view, its traits dict shared with the hits that have
        the same."""
        key = (agent[1], agent[2], agent[3], language, target[1], target[2])
        traits = self._traits.get(key)
        if traits is None:
            if len(self._traits) > 50_000:
                self._traits.clear()
            traits = self._traits[key] = log_hit(ts, day, site, page, ref, ip, user_agent,
                                                 *key).traits
        known = (target[2], ref, site)  # the source, the referrer, the site
        referral = self._referrals.get(known)
        if referral is None:
            if len(self._referrals) > 50_000:
                self._referrals.clear()
            referral = self._referrals[known] = counting.referral(*known)
        # The same address and agent as one string each, however many lines carry them: a
        # batch pickles each once (to the counting process) instead of once per page view.
        address = self._ips.get(ip)
        if address is None:
            if len(self._ips) > 100_000:
                self._ips.clear()
            address = self._ips[ip] = ip
        return (ts, day, site, page, ref, address, agent[4], traits, referral)

    def _note_malformed(self, name, number, counted=False):
        if not counted:
            self.summary.reasons["malformed"] += 1
        if len(self.summary.malformed) < MALFORMED_SHOWN:
            self.summary.malformed.append((name, number))

    def _site_of(self, host):
        try:
            site = counting.normalize_site(host)
        except counting.InvalidInput:
            site = None
        if len(self._sites) > 10_000:
            self._sites.clear()
        self._sites[host] = site
        return site

    def _agent(self, user_agent):
        agent = (counting.is_bot(user_agent), agents.browser_of(user_agent),
                 agents.os_of(user_agent), agents.device_of(user_agent), user_agent)
        if len(self._agents) > 50_000:  # bounded memory however many agents a log has
            self._agents.clear()
        self._agents[user_agent] = agent
        return agent

    def _ref_of(self, referrer):
        ref = counting.normalize_ref(referrer)
        if len(self._refs) > 50_000:
            self._refs.clear()
        self._refs[referrer] = ref
        return ref

    def _page_of(self, target):
        """(page, campaign, source), or ('', reason, '') for a line that is no page view."""
        path = logformats.path_of(target)
        if logformats.is_asset(path):
            page = ("", "asset", "")
        elif logformats.is_own(path):
            page = ("", "footfall", "")
        else:
            try:
                normal = counting.normalize_page(target, self.config.max_page_length)
            except counting.InvalidInput:
                normal = ""
            campaign, source = campaigns.campaign_of_hit(target)
            page = (normal, campaign, source) if normal else ("", "malformed", "")
        if len(self._pages) > 50_000:
            self._pages.clear()
        self._pages[target] = page
        return page

    def _broken_link(self, day, site, target, referrer):
        try:
            page = counting.normalize_page(target, self.config.max_page_length)
        except counting.InvalidInput:
            return
        # The host of the referring page, the site's own included: a broken link inside a site
        # is the one its owner can fix.
        key = (day, site, page, counting.host_of(counting.normalize_ref(referrer)))
        self._not_found[key] = self._not_found.get(key, 0) + 1
        self.summary.not_found += 1

    def _format_message(self, name, raw):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        fits = [other for other in logformats.FORMAT_NAMES
                if other != self.format_name and logformats.compile_format(other)(line) is not None]
        shown = logformats.NAMED_FORMATS.get(self.format_name, self.format_name)
        message = (f"{name}: most of the first lines do not fit the format; nothing of this file "
                   f"was counted.\n  format {self.format_name}: {shown}\n  a line: {line[:300]}")
        if fits:
            message += f"\n  it reads as --format {fits[0]}"
        return message

    # -- counting ---------------------------------------------------------------------------

    def flush(self, everything=False):
        """Close the oldest open day (or, with everything, all of them). When the closed days
        make a batch (a month's, or BATCH_VIEWS page views), or with everything, count them
        with the open days so far and, in the same transaction, note how far each file is read
        and the broken links: a kill never leaves lines counted but not noted, or noted but not
        counted."""
        days = sorted(self._pending)
        for day in days if everything else days[:1]:
            hits = self._pending.pop(day)
            hits.sort(key=_by_time)  # a log is ordered by when requests ended, not began
            self._closed.append((day, hits))
            self._closed_views += len(hits)
        closed = self._closed
        if not everything and closed[0][0][:7] == closed[-1][0][:7] \
                and self._closed_views < min(BATCH_VIEWS, FIRST_BATCH_VIEWS + 2 * self._sent_views):
            return
        if everything and not closed and not self._unsaved:
            return  # a follower with nothing new writes nothing
        self._commit(last=max(days) if everything and days else None)

    def _commit(self, last=None):
        self._sent_views += self._closed_views
        closed, self._closed, self._closed_views = self._closed, [], 0
        # The open days so far are counted too (their salt and views kept for their rest), so
        # that the positions noted below hold no line left to count. One older than a closed
        # day (a late straggler) is closed with them.
        newest = max(day for day, _ in closed) if closed else ""
        open_days = []
        for day, hits in sorted(self._pending.items()):
            hits.sort(key=_by_time)
            (closed if day <= newest else open_days).append((day, hits))
        self._pending.clear()  # in place: the reading loop holds it
        closed.sort(key=lambda item: item[0])
        # Where each file is read to, the days counted, the broken links so far: noted in the
        # same transaction as the counts.
        self._unsaved = False
        not_found, self._not_found = self._not_found, {}
        days = {(day, hit[2]) for day, hits in closed + open_days for hit in hits}
        days.update((day, site) for day, site, _, _ in not_found)
        if self._judge is not None:
            closed = self._judged(closed, open_days)
        files = [(state.key, state.log.name, state.offset, state.number, state.last_ts,
                  {site: tuple(span) for site, span in state.ranges.items()})
                 for state in self._states]
        batch = Batch(closed, open_days, self.live, last, files, days, not_found,
                      self.clock())
        if self._counter is not None:
            if self._judge is not None:
                # While the counting process is busy, this one would wait to send: it sums
                # the batch's judged days up itself meanwhile.
                for _, whole in closed:
                    if not self._counter.busy():
                        break
                    if isinstance(whole, JudgedDay):
                        whole.summarize(self.rules)
            self._counter.send(batch)
            return
        reasons = count_batch(self.conn, self.rules, batch)
        self._tally({day: [reasons[day].count("flood"), len(reasons[day])] for day in reasons})

    def _judged(self, closed, open_days):
        """Judge the days of a batch here, in the order the counting process counts them: a
        closed day goes as its JudgedDay (not as its hits), an open day's hits so far are judged
        here as they are there."""
        today = counting.day_of(time.time(), self.config.zone)
        if any(day >= today for day, _ in closed + open_days):
            self._judge = None  # today's hits go the live way: from here on, the counting
            return closed       # process judges everything
        judged = []
        for day, hits in closed:
            whole = self._judge.closed_day([LogHit(*fields) for fields in hits])
            if whole is None:  # the rest of an open day: its views are on disk
                judged.append((day, hits))
                continue
            judged.append((day, whole))
        for _, hits in open_days:
            self._judge.open_part([LogHit(*fields) for fields in hits])
        return judged

    def abandon(self):
        """After an unexpected error: stop the counting process, which would wait for batches
        forever (and this one for it, on its way out)."""
        if self._counter is not None:
            counter, self._counter = self._counter, None
            counter.abandon()

    def _tally(self, counted):
        for day, (flooded, views) in counted.items():
            self.summary.reasons["flood"] += flooded
            self.summary.views += views - flooded
            self.summary.days.add(day)

    def finish(self):
        """Count what is left, and wait for the counting process if there is one."""
        self.flush(everything=True)
        if self._counter is not None:
            counter, self._counter = self._counter, None
            self._tally(counter.finish())

    # -- follow -----------------------------------------------------------------------------

    def follow(self, name, poll_seconds=1.0, stop_after=None):
        """Read a log, then keep reading what is written to it, across rotation, until a signal
        (or stop_after seconds). The catch-up's last day and every later one count as live hits."""
        deadline = None if stop_after is None else time.monotonic() + stop_after
        log = state = None
        try:
            while not self.stopping:
                rotated = False
                if log is None:
                    log = _open_if_there(name)
                    if log is not None and not log.first_line():  # empty so far
                        log.close()
                        log = None
                    if log is not None:
                        self.read_file(log)
                        state = self._states[-1]
                else:
                    rotated = _rotated(name, log, state)
                    self.read_lines(state)  # the rest of it, even when it was just rotated away
                    if rotated:
                        log.close()
                        log = state = None
                if not self.live:
                    self.live = None  # the catch-up: only its last day goes the live way
                    self.flush(everything=True)
                    self.live = True
                else:
                    self.flush(everything=True)
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if not rotated and not self.stopping:
                    time.sleep(poll_seconds)
        finally:
            if log is not None:
                log.close()
        self.flush(everything=True)
        return self.summary


_by_time = operator.itemgetter(0)  # a hit's time


def _inside(ts, spans):
    for first_ts, last_ts in spans:
        if first_ts <= ts <= last_ts:
            return True
    return False


def _open_if_there(name):
    try:
        return LogFile(name)
    except ImportStopped:
        return None  # rotated away and not yet made again


def _rotated(name, log, state):
    """True when the path now names another file, or the file was cut short (copytruncate)."""
    try:
        now = os.stat(name)
    except OSError:
        return True
    return now.st_ino != log.inode or now.st_size < state.offset


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def default_until(conn, config, follow, now):
    """The day before the first live day, so no day is counted from both; without live hits,
    yesterday (today's tracker hits are to come), or no limit with --follow."""
    first_live = imports.first_live_day(conn)
    if first_live is not None:
        return (datetime.date.fromisoformat(first_live) - datetime.timedelta(days=1)).isoformat()
    if follow:
        return None
    today = datetime.date.fromisoformat(counting.day_of(now, config.zone))
    return (today - datetime.timedelta(days=1)).isoformat()


def default_site(conn, config):
    """The site of a log without a host: the one site the database counts (its tracker's), else
    the one site of the sites setting, else '' (unknown). None when there are several."""
    sites = imports.sites(conn)
    if len(sites) > 1:
        return None
    if sites:
        return sites[0]
    return config.sites[0] if len(config.sites) == 1 else ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="access logs, plain or gzip; '-' reads stdin")
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    parser.add_argument("--format", default="combined",
                        help=f"{', '.join(logformats.FORMAT_NAMES)}, or an Apache LogFormat "
                             "string (default combined: Apache's and nginx's default)")
    parser.add_argument("--site", default="",
                        help="the site of a log whose format has no host (%%v); default: the one "
                             "site the database has hits of, else the one of the sites setting")
    parser.add_argument("--until", metavar="YYYY-MM-DD",
                        help="last day to import (default: the day before the first live hit; "
                             "without live hits, yesterday)")
    parser.add_argument("--follow", action="store_true",
                        help="keep reading the one FILE as it grows and is rotated, until stopped")
    parser.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--stop-after", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, choices=(1, 2), help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"import_log: {database.password_refused()}\n")
    if args.follow and (len(args.files) != 1 or args.files[0] == "-"):
        parser.error("--follow takes one FILE (not '-')")
    try:
        until = counting.parse_day(args.until, "--until").isoformat() if args.until else None
        site = counting.normalize_site(args.site) if args.site else ""
    except counting.InvalidInput as exc:
        parser.error(str(exc))
    try:
        config = settings.load_config(db=args.db)
        conn = database.connect(config.db)
        # A batch of days writes breakdown rows all over their tables: a page cache to match
        # (negative: KiB), or SQLite reads and writes the same pages again and again.
        conn.execute(f"pragma cache_size = -{CACHE_KIB}")
        imports.lock_imports(conn, config.db)  # before anything is read: see docs/import.md
        if until is None:
            until = default_until(conn, config, args.follow, time.time())
        parse = logformats.compile_format(args.format)
        if not site and not getattr(parse, "has_host", True):
            site = default_site(conn, config)
            if site is None:
                parser.error(f"the format {args.format} has no host and the database has hits "
                             "of several sites: say which site the log is of with --site")
        show = not args.quiet and sys.stderr.isatty()
        # Two processes (reading, counting) where two cores and fork are; --follow reads a
        # line at a time, which one process keeps up with.
        processes = args.processes or (2 if (os.cpu_count() or 1) > 1 and hasattr(os, "fork")
                                       and not args.follow else 1)
        importer = Importer(conn, config, args.format, site, until,
                            progress_stream=sys.stderr if show else None,
                            processes=1 if args.follow else processes)
    except imports.ImportRunning as exc:
        parser.exit(3, f"import_log: {exc}\n")
    except (settings.ConfigError, database.StorageError, logformats.LogFormatError, ImportStopped,
            OSError) as exc:
        parser.exit(1, f"import_log: {exc}\n")

    def stop(signum, frame):
        importer.stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    started = time.perf_counter()
    try:
        try:
            if args.follow:
                summary = importer.follow(args.files[0], args.poll, args.stop_after)
            else:
                summary = importer.run(args.files)
        except ImportStopped as exc:
            importer.finish()
            sys.stderr.write(f"import_log: {exc}\n")
            sys.stdout.write(importer.summary.text(time.perf_counter() - started))
            return 1
    except database.StorageError as exc:
        parser.exit(1, f"import_log: {exc}\n")
    except BaseException:
        importer.abandon()
        raise
    sys.stdout.write(summary.text(time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
