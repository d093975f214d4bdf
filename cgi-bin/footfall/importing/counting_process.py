"""Counting and writing in a second process while the first reads on."""

import os
import signal
import tempfile

from ..storage import database
from .batches import CACHE_KIB, count_batch

# Batches sent and waiting for the counting process beside the one it counts. The two processes
# take turns unevenly (a busy day, a day summed up by the reader). When a batch went through the
# pipe itself, the reading process waited at each turn the counting one took longer, and the
# counting one at each turn it was quicker: the busy log of docs/performance.md ("Importing an
# access log") took 7.5 s, and 6.9 with two batches waiting; three or four were slower. A batch
# pickles to 1.7 MB at most on that log.
AHEAD = 2


class CountingProcess:
    """Counting and writing in a second process, while this one reads on: parsing a log and
    counting its days each take about one core (docs/performance.md). Batches go in order,
    each pickled into an unnamed temporary file whose descriptor goes over the pipe, so that
    sending one never waits for the counting process to take it in: up to AHEAD wait beside
    the one being counted, then this process waits, so memory and spool stay flat when
    counting is the slower. The counting process answers each batch counted, so busy() tells
    whether it is behind (the reading process then sums days up itself). finish() returns
    {day: [page views flooded, page views]}, or raises StorageError."""

    def __init__(self, db, rules):
        import multiprocessing  # only an import of files in two processes needs it
        from multiprocessing import reduction

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
        self._pickle = reduction.ForkingPickler.dumps  # as Connection.send pickles
        self._send_handle = reduction.send_handle if reduction.HAVE_SEND_HANDLE else None

    def busy(self, behind=AHEAD):
        """Whether the counting process has more than `behind` batches to count: by default,
        whether it is behind (as many wait beside the one it counts as may); 0, whether it
        has any."""
        self._read_answers()
        return self.sent - self.counted > behind

    def _read_answers(self, wait=False):
        while self.counted < self.sent and (wait or self.pipe.poll()):
            try:
                answer = self.pipe.recv()
            except (EOFError, OSError):
                answer = ("failed", "the counting process stopped")
            if answer != "counted":  # it stopped early: say why now, not after reading on
                self.final = answer
                self.finish()
            self.counted += 1
            wait = False

    def send(self, batch):
        self._read_answers()
        while self.sent - self.counted > AHEAD:
            self._read_answers(wait=True)
        data = self._pickle(batch)
        try:
            try:
                spool = self._spool(data)
            except OSError:  # no room for it: through the pipe, waiting for it to be taken
                self.pipe.send_bytes(data)
            else:
                with spool:
                    self.pipe.send_bytes(SPOOLED)
                    self._send_handle(self.pipe, spool.fileno(), self.process.pid)
        except OSError:
            self.finish()
        self.sent += 1

    def _spool(self, data):
        if self._send_handle is None:
            raise OSError("no descriptors over pipes here")
        # Unnamed (O_TMPFILE, or unlinked at once): nothing is left behind, however the import
        # ends; the descriptor keeps the file until the counting process has read it.
        spool = tempfile.TemporaryFile()
        try:
            spool.write(data)
            spool.flush()
        except BaseException:
            spool.close()
            raise
        return spool

    def abandon(self):
        """Stop it without a word: the batch it counts is committed or not, as a kill leaves it;
        the batches waiting are not counted."""
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


SPOOLED = b""  # what goes over the pipe for a batch in a file; its descriptor follows


def _receive(pipe):
    """The next batch (None: the end), from the pipe or from the file it hands over."""
    from multiprocessing import reduction

    data = pipe.recv_bytes()
    if data == SPOOLED:
        with os.fdopen(reduction.recv_handle(pipe), "rb") as spool:
            spool.seek(0)
            data = spool.read()
    return reduction.ForkingPickler.loads(data)


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
                batch = _receive(pipe)
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
