"""The import: files read oldest first, or one log followed as it grows; the days read whole
closed into batches and counted (here or in the counting process); the defaults of --until and
--site."""

import datetime
import operator
import os
import time

from .. import counting, logformats
from ..storage import database, imports, record
from ..storage.days import close_ended_days, has_ended_days
from ..storage.judge import Judge, JudgedDay
from . import ImportStopped
from .batches import Batch, count_batch
from .counting_process import AHEAD, CountingProcess
from .files import READ_ERRORS, FileState, LogFile
from .lines import LineReader
from .report import Progress, Summary

# Closed days are counted in batches, each in one transaction with the note of how far each file
# was read: a batch ends with its month, or at this many page views (memory stays flat). With two
# processes one counts a batch while the other reads the next, a batch apart: the smaller the
# batches, the less of the counting is left to do alone once the reading ends (at 40,000, the
# rest of 8 days of a busy log and the last batch's).
BATCH_VIEWS = 20_000
# The first batches are smaller (FIRST_BATCH_VIEWS, then twice the page views counted so far):
# the counting process starts soon instead of waiting for a whole month of log.
FIRST_BATCH_VIEWS = 2_000


class Importer(LineReader):
    """Reads logs into the database: run(names) or follow(name) return a Summary."""

    def __init__(self, conn, config, log_format="combined", site="", until=None,
                 progress_stream=None, clock=time.time, processes=1):
        super().__init__()
        self.conn, self.config, self.clock = conn, config, clock
        self.log_key = imports.log_key(conn)  # keys each file's fingerprint (storage/imports.py)
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
        self._pending = {}  # day -> [hit fields (LineReader._hit)], at most OPEN_DAYS + 1 days
        self._closed = []  # [(day, [hit fields])]: days read whole, to count in the next batch
        self._closed_views = 0
        self._sent_views = 0  # page views of the batches so far
        self._not_found = {}  # (day, site, page, referring host) -> count
        self._states = []  # every file of this run, noted (again) with each batch
        self._unsaved = False  # lines read since the last save
        # (day, file state, lines, offset) where the newest day's first page view was read,
        # while no page view or broken link of an older day came after it: a batch may end
        # there, the day held back whole (_commit). None when one did.
        self._day_start = None
        self._done_bytes = 0  # sizes of the files read before the current one, for progress

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
        self.end_ended_days()
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
        key = imports.fingerprint(self.log_key, first)
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
        self._commit(last=max(days) if everything and days else None, hold=not everything)

    def _day_started(self, state, day):
        """The newest day's first page view is read: the position before it is noted."""
        # A broken link of that day read before it would be noted with the lines before.
        clean = not any(key[0] >= day for key in self._not_found)
        self._day_start = (day, state, state.number, state.offset) if clean else None

    def _older_line(self, day):
        """A page view or broken link of day is read: the newest day's start cannot be where
        a batch ends if day is older."""
        if self._day_start is not None and day < self._day_start[0]:
            self._day_start = None

    def _held(self, hold):
        """The start of the day a batch ending now holds back whole, or None: the newest day
        under way, every line after its first of it or of a later day."""
        start = self._day_start
        if not hold or start is None or start[1] is not self._states[-1] \
                or start[0] not in self._pending or max(self._pending) != start[0]:
            return None
        return start

    def _commit(self, last=None, hold=False):
        held = self._held(hold)
        self._sent_views += self._closed_views
        closed, self._closed, self._closed_views = self._closed, [], 0
        # The open days so far are counted too (their salt and views kept for their rest), so
        # that the positions noted below hold no line left to count. One older than a closed
        # day (a late straggler) is closed with them.
        newest = max(day for day, _ in closed) if closed else ""
        open_days = []
        kept = {}
        for day, hits in sorted(self._pending.items()):
            if held is not None and day == held[0]:
                kept[day] = hits  # read again after a kill: not counted, its lines not noted
                continue
            hits.sort(key=_by_time)
            (closed if day <= newest else open_days).append((day, hits))
        self._pending.clear()  # in place: the reading loop holds it
        self._pending.update(kept)
        closed.sort(key=lambda item: item[0])
        # Where each file is read to, the days counted, the broken links so far: noted in the
        # same transaction as the counts.
        self._unsaved = False
        not_found, self._not_found = self._not_found, {}
        if held is not None:
            self._not_found = {key: n for key, n in not_found.items() if key[0] >= held[0]}
            not_found = {key: n for key, n in not_found.items() if key[0] < held[0]}
        days = {(day, hit[2]) for day, hits in closed + open_days for hit in hits}
        days.update((day, site) for day, site, _, _ in not_found)
        if self._judge is not None:
            closed = self._judged(closed, open_days)
        files = [(state.key, state.log.name,
                  held[3] if held is not None and state is held[1] else state.offset,
                  held[2] if held is not None and state is held[1] else state.number,
                  state.last_ts, {site: tuple(span) for site, span in state.ranges.items()})
                 for state in self._states]
        batch = Batch(closed, open_days, self.live, last, files, days, not_found,
                      self.clock())
        if self._counter is not None:
            if self._judge is not None:
                # While the counting process is behind, this one sums the batch's judged days
                # up itself; with the last batch, while it has anything to count, since this
                # one has nothing left to read.
                for _, whole in closed:
                    if not self._counter.busy(behind=AHEAD if hold else 0):
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
            whole = self._judge.closed_day(hits)
            if whole is None:  # the rest of an open day: its views are on disk
                judged.append((day, hits))
                continue
            judged.append((day, whole))
        for _, hits in open_days:
            self._judge.open_part(hits)
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

    def end_ended_days(self):
        """End what any request would end: the days before today and the months before this
        one. A log that stops in the middle of a month gone by left its month's salt behind
        (each day counted ends only the months before its next day's)."""
        close_ended_days(self.conn, counting.day_of(self.clock(), self.config.zone))

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
        self.end_ended_days()
        return self.summary


_by_time = operator.itemgetter(0)  # a hit's time


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
