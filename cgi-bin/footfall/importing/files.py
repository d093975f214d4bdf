"""A log file being read as lines of bytes (plain, gzip or stdin), a line too long to keep, and
how far each file is read (the fingerprint that knows a file again is storage/imports.py's)."""

import functools
import gzip
import itertools
import os
import sys
import zlib

from ..logformats import MAX_LINE_BYTES
from . import ImportStopped

# What reading a file on may raise: a damaged gzip file, a failing disk.
READ_ERRORS = (OSError, EOFError, zlib.error)
# The rest of a line over logformats.MAX_LINE_BYTES is read in pieces of this size, and dropped.
DROP_BYTES = 1 << 20


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


class FileState:
    """How far one file is read: offset, line number, and the time it covers per site."""

    __slots__ = ("log", "key", "offset", "number", "covered", "ranges", "last_ts")

    def __init__(self, log, key, offset, number, covered):
        self.log, self.key, self.offset, self.number = log, key, offset, number
        self.covered = covered  # {site: [(first_ts, last_ts)]} of other files: already counted
        self.ranges = {}  # site -> [first_ts, last_ts] of the lines read this run
        self.last_ts = None
