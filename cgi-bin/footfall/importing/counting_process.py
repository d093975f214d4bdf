"""Counting and writing in a second process while the first reads on."""

import queue
import signal
import threading

from ..storage import database
from .batches import CACHE_KIB, count_batch

# Batches sent and waiting for the counting process beside the one it counts. The two processes
# take turns unevenly (a busy day, a stolen one): with one batch in hand the reading process
# waited at every turn the counting one took longer, and the counting one at every turn it was
# quicker. Two absorb it; more only hold more memory (docs/performance.md, importing).
AHEAD = 2


class CountingProcess:
    """Counting and writing in a second process, while this one reads on: parsing a log and
    counting its days each take about one core (docs/performance.md). Batches go over a pipe,
    in order, pickled here and written by a thread of this process: up to AHEAD of them wait
    beside the one being counted, so memory stays flat when counting is the slower. The
    counting process answers each batch counted, so busy() tells whether it is behind (the
    reading process then sums days up itself). finish() returns {day: [page views flooded,
    page views]}, or raises StorageError."""

    def __init__(self, db, rules):
        import multiprocessing  # only an import of files in two processes needs it
        from multiprocessing.reduction import ForkingPickler

        # fork: the child starts at once with what this one has loaded; it opens its own
        # connection and never touches this one's. Forked before the thread below starts.
        context = multiprocessing.get_context("fork")
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=_count_apart,
                                       args=(db, rules, child_end, self.pipe), daemon=True)
        self.process.start()
        child_end.close()
        self.sent = self.counted = 0
        self.final = None  # the last answer: ("done", tally) or ("failed", why)
        self._pickle = ForkingPickler.dumps  # as Connection.send pickles
        self._outbox = queue.Queue(maxsize=AHEAD)
        self._broken = False  # the pipe would not take a batch: the counting process stopped
        self._writer = threading.Thread(target=self._write_batches, daemon=True)
        self._writer.start()

    def _write_batches(self):
        """The thread: write each pickled batch to the pipe, in order, until _STOP (the end,
        which _count_apart reads as None) or _DROP (abandon).
        A write waits while the counting process counts; the reading process reads on."""
        while True:
            data = self._outbox.get()
            if data is _DROP:
                return
            if not self._broken:
                try:
                    self.pipe.send_bytes(data)
                except OSError:
                    self._broken = True  # its answer says why (finish)
            if data is _STOP:
                return

    def busy(self):
        """Whether the counting process is behind: batches wait beside the one it counts, as
        many as may (AHEAD)."""
        self._read_answers()
        return self.sent - self.counted > AHEAD

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
        if self._broken:
            self.finish()
        # Pickled here, not in the thread: the two would take turns at the interpreter lock.
        self._outbox.put(self._pickle(batch))
        self.sent += 1

    def abandon(self):
        """Stop it without a word: the batch it counts is committed or not, as a kill leaves it;
        the batches waiting are dropped (one the thread is writing is counted)."""
        self._stop_writer(_DROP)
        self.pipe.close()
        self.process.join()

    def _stop_writer(self, last):
        if not self._writer.is_alive():
            return
        if last is _DROP:
            while True:
                try:
                    self._outbox.get_nowait()
                except queue.Empty:
                    break
        self._outbox.put(last)
        self._writer.join()

    def finish(self):
        self._stop_writer(_STOP)  # the batches waiting, then the end; or nothing, if broken
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


_STOP = b"\x80\x04N."  # None pickled (pickle.dumps(None, 4)): the end of the batches
_DROP = object()  # abandon(): the thread stops without writing what waits


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
