"""Integer rows as one zlib blob of columns: a day's records (records.py, storage/day_records.py)
and a month's pairs (storage/month_pairs.py) are stored so.

The blob, before zlib (level 6, its default: level 9 took six to eight times as long on a
busy day's records for 1% to 5% fewer bytes, docs/performance.md), in one of two forms:

  plain (every blob written before delta coding, and still read):
    the row count (4 bytes, little-endian), one typecode per column (B, H, I or Q: the
    narrowest that holds the column), then each column's array, little-endian.

  delta (written since): the row count, the byte "2", one typecode per column, then each
    column's array, little-endian with its bytes shuffled (every value's lowest byte, then
    every value's next byte, ...: the high bytes, mostly zero, lie together). An upper-case
    typecode (B, H, I, Q) is the column's values; a lower-case one (b, h, i, q: signed) is
    the column's deltas, each value minus the one before (the first minus 0), its values
    their running sum.

A plain blob's first typecode is never "2", so each form reads as it is, with no migration.
Which columns are delta-coded is the writer's choice, by measurement (docs/storage.md,
"Delta-coded blobs"): a sorted blob's first column, whose deltas are small and mostly 0.
"""

import array
import struct
import sys
import zlib
from itertools import accumulate

DELTA_FORM = b"2"
LEVEL = 6
_SIGNED = (("b", 1 << 7), ("h", 1 << 15), ("i", 1 << 31), ("q", 1 << 63))


def pack(rows, width, deltas=()):
    """One zlib blob (the delta form) of integer rows as width columns; deltas: the numbers of
    the columns stored as their deltas."""
    columns = list(zip(*rows)) if rows else [()] * width
    codes, body = [], []
    for at, column in enumerate(columns):
        if at in deltas:
            steps = [b - a for a, b in zip((0,) + column, column)]
            low, top = min(steps, default=0), max(steps, default=0)
            code = next(c for c, bound in _SIGNED if -bound <= low and top < bound)
            data = array.array(code, steps)
        else:
            top = max(column, default=0)
            code = ("B" if top < 1 << 8 else "H" if top < 1 << 16 else "I" if top < 1 << 32
                    else "Q")
            data = array.array(code, column)
        codes.append(code)
        body.append(_shuffled(data))
    header = struct.pack("<I", len(rows)) + DELTA_FORM + "".join(codes).encode("ascii")
    return zlib.compress(header + b"".join(body), LEVEL)


def unpack(blob, width):
    """The columns of a pack()ed blob, of either form: arrays, and lists of the delta-coded
    columns' values (a list of their running sums is made faster than an array of them)."""
    data = zlib.decompress(blob)
    count = struct.unpack_from("<I", data)[0]
    delta_form = data[4:5] == DELTA_FORM
    at = 4 + delta_form
    codes = data[at:at + width].decode("ascii")
    at += width
    out = []
    for code in codes:
        column = array.array(code)
        size = column.itemsize * count
        if delta_form:
            column.frombytes(_unshuffled(data[at:at + size], column.itemsize, count))
        else:
            column.frombytes(data[at:at + size])
        if sys.byteorder == "big":
            column.byteswap()
        at += size
        out.append(list(accumulate(column)) if code.islower() else column)
    return out


def _shuffled(data):
    """An array's bytes, little-endian, each value's byte k of them all together."""
    if sys.byteorder == "big":
        data.byteswap()
    raw, size = data.tobytes(), data.itemsize
    if size == 1:
        return raw
    return b"".join(raw[k::size] for k in range(size))


def _unshuffled(raw, size, count):
    if size == 1:
        return raw
    out = bytearray(len(raw))
    for k in range(size):
        out[k::size] = raw[k * count:(k + 1) * count]
    return out
