"""Counting and writing in a second process while the first reads on."""

import signal

from ..storage import database
from .batches import CACHE_KIB, count_batch


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
