"""A HyperLogLog sketch of visitor hashes: distinct visitors over many days without keeping who they were.

A day's sketch holds 4096 small registers, not visitors; the union of the days' sketches estimates
the distinct visitors of the whole range with a standard error of 1.04 / sqrt(4096) = 1.6%.

- HyperLogLog: Flajolet, Fusy, Gandouet, Meunier, "HyperLogLog: the analysis of a near-optimal
  cardinality estimation algorithm", AofA 2007.
- Estimator: Otmar Ertl, "New cardinality estimation algorithms for HyperLogLog sketches",
  arXiv:1702.01284 (2017), the "improved raw estimator" (his algorithm 6). It is unbiased from one
  visitor to billions without the empirical bias tables of HyperLogLog++ or the switch to linear
  counting for small ranges, and needs nothing but the registers.

The hashes added must already be uniformly random, as footfall's keyed BLAKE2b visitor hashes are;
the first 8 bytes of each are used.
"""

import math
import struct
from itertools import compress

PRECISION = 12
REGISTERS = 1 << PRECISION
STANDARD_ERROR = 1.04 / math.sqrt(REGISTERS)

# Bits of the 64-bit hash left after the register index; a register holds the position of the
# first 1 among them (1 to _Q), or _Q + 1 when they are all zero.
_Q = 64 - PRECISION
_LOW_BITS = (1 << _Q) - 1

# Serialised form: a format byte and the precision, then for DENSE the 4096 registers; for SPARSE,
# of the n registers that are not zero, n indices (2 bytes each, big-endian, ascending) followed by
# their n values. Sparse is smaller while fewer than 1366 registers are set (about 1,500 visitors);
# indices apart from values let struct decode them all in one call.
DENSE = 1
SPARSE = 2
_HEADER = 2  # format byte, precision byte


class SketchError(ValueError):
    """The bytes are not a sketch this version of footfall wrote."""


class Sketch:
    """Distinct 16-byte visitor hashes, estimated: add, merge (union), estimate, to and from bytes."""

    __slots__ = ("registers",)

    def __init__(self, registers=None):
        self.registers = bytearray(REGISTERS) if registers is None else bytearray(registers)
        if len(self.registers) != REGISTERS:
            raise SketchError(f"a sketch has {REGISTERS} registers")

    def add(self, digest):
        """Count one visitor hash (bytes, at least 8 of them); adding it again changes nothing."""
        index, rank = _slot(digest)
        if rank > self.registers[index]:
            self.registers[index] = rank
        return self

    def update(self, digests):
        for digest in digests:
            self.add(digest)
        return self

    def merge(self, other):
        """Make this sketch the union of itself and other: a visitor of either counts once."""
        merged = _max_lanes(_as_int(self.registers), _as_int(other.registers))
        self.registers = bytearray(merged.to_bytes(REGISTERS, "big"))
        return self

    def estimate(self):
        """The estimated number of distinct visitors added, rounded to a whole number."""
        counts = [0] * (_Q + 2)
        for value in set(self.registers):  # only the few values present are worth counting
            counts[value] = self.registers.count(value)
        if counts[0] == REGISTERS:
            return 0
        m = REGISTERS
        z = m * _tau(1 - counts[_Q + 1] / m)
        for value in range(_Q, 0, -1):
            z = 0.5 * (z + counts[value])
        z += m * _sigma(counts[0] / m)
        return round(m * m / (2 * math.log(2)) / z)

    def to_bytes(self):
        """The sketch as bytes for a BLOB column: sparse while that is smaller, else dense."""
        if 3 * (REGISTERS - self.registers.count(0)) >= REGISTERS:
            return bytes((DENSE, PRECISION)) + bytes(self.registers)
        indices = list(compress(range(REGISTERS), self.registers))
        values = bytes(self.registers.translate(None, b"\x00"))  # the non-zero ones, in order
        return bytes((SPARSE, PRECISION)) + struct.pack(f">{len(indices)}H", *indices) + values

    @classmethod
    def from_bytes(cls, data):
        """The sketch to_bytes wrote (b"" for an empty one); SketchError for anything else."""
        if not data:
            return cls()
        _check(data)
        if data[0] == DENSE:
            registers = bytearray(data[_HEADER:])
        else:
            count = (len(data) - _HEADER) // 3
            indices = struct.unpack_from(f">{count}H", data, _HEADER)
            values = data[_HEADER + 2 * count:]
            if count and (indices[-1] >= REGISTERS or 0 in values
                          or any(a >= b for a, b in zip(indices, indices[1:]))):
                raise SketchError("a sparse sketch has a bad entry")
            registers = bytearray(REGISTERS)
            for index, value in zip(indices, values):
                registers[index] = value
        if max(registers) > _Q + 1:
            raise SketchError("a register is out of range")
        return cls(registers)

    @classmethod
    def union(cls, sketches):
        """One sketch of every visitor in any of the sketches."""
        merged = 0
        for sketch in sketches:
            merged = _max_lanes(merged, _as_int(sketch.registers))
        return cls(merged.to_bytes(REGISTERS, "big"))

    def __eq__(self, other):
        return isinstance(other, Sketch) and self.registers == other.registers

    def __repr__(self):
        return f"<Sketch estimate={self.estimate()}>"


# ---------------------------------------------------------------------------------------------
# Registers as a dict {index: value} of the registers set: what bulk days build a sketch with.
# A day's sketch of a few hundred visitors sets a few hundred registers; building, merging and
# writing them as a dict costs that much, not 4096 steps each.
# ---------------------------------------------------------------------------------------------

def register_of(digest):
    """(register index, value) that a visitor hash sets at least."""
    return _slot(digest)


def merge_slots(into, slots):
    """Merge slots ({index: value}) into `into`, a dict of the same kind or a bytearray of the
    4096 registers; returns it. A dict that grows past a quarter of the registers comes back as
    a bytearray, which holds them all in 4 KB."""
    if isinstance(into, dict):
        get = into.get
        for index, rank in slots.items():
            if rank > get(index, 0):
                into[index] = rank
        if len(into) <= REGISTERS // 4:
            return into
        registers = bytearray(REGISTERS)
        for index, rank in into.items():
            registers[index] = rank
        return registers
    for index, rank in slots.items():
        if rank > into[index]:
            into[index] = rank
    return into


def slots_to_bytes(slots):
    """Sketch.to_bytes() of the sketch whose registers are slots (a dict or merge_slots' bytearray)."""
    if not isinstance(slots, dict):
        return Sketch(slots).to_bytes()
    if 3 * len(slots) >= REGISTERS:
        registers = bytearray(REGISTERS)
        for index, rank in slots.items():
            registers[index] = rank
        return bytes((DENSE, PRECISION)) + bytes(registers)
    indices = sorted(slots)
    return b"".join((bytes((SPARSE, PRECISION)), struct.pack(f">{len(indices)}H", *indices),
                     bytes([slots[index] for index in indices])))


def merge_into_bytes(data, slots):
    """The serialised sketch `data` (b"" for none) merged with slots, serialised: equal to
    Sketch.from_bytes(data).merge(slots_to_sketch(slots)).to_bytes(), without building 4096
    registers for a sparse sketch. SketchError for bytes no footfall wrote."""
    if not data:
        return slots_to_bytes(slots)
    if data[0] == DENSE or not isinstance(slots, dict):
        return Sketch.from_bytes(data).merge(slots_to_sketch(slots)).to_bytes()
    _check(data)
    count = (len(data) - _HEADER) // 3
    indices = struct.unpack_from(f">{count}H", data, _HEADER)
    values = data[_HEADER + 2 * count:]
    if count and (indices[-1] >= REGISTERS or 0 in values or max(values) > _Q + 1
                  or any(a >= b for a, b in zip(indices, indices[1:]))):
        raise SketchError("a sparse sketch has a bad entry")
    return slots_to_bytes(merge_slots(dict(zip(indices, values)), slots))


def slots_to_sketch(slots):
    """The Sketch of slots (a dict or merge_slots' bytearray)."""
    if not isinstance(slots, dict):
        return Sketch(slots)
    registers = bytearray(REGISTERS)
    for index, rank in slots.items():
        registers[index] = rank
    return Sketch(registers)


def _slot(digest):
    """(register index, value) of a visitor hash: the top 12 bits choose the register, the value is
    the position of the first 1 in the 52 bits below them."""
    if len(digest) < 8:
        raise ValueError("a visitor hash has at least 8 bytes")
    x = int.from_bytes(digest[:8], "big")
    return x >> _Q, _Q + 1 - (x & _LOW_BITS).bit_length()


def _check(data):
    """SketchError unless data has a known header and the length its format needs."""
    if len(data) < _HEADER or data[1] != PRECISION or data[0] not in (DENSE, SPARSE):
        raise SketchError("not a footfall sketch")
    if data[0] == DENSE and len(data) != _HEADER + REGISTERS:
        raise SketchError("a dense sketch has the wrong length")
    if data[0] == SPARSE and (len(data) - _HEADER) % 3:
        raise SketchError("a sparse sketch has the wrong length")


# The registers as one 32,768-bit integer, a byte per register: the union of two sketches is then a
# handful of integer operations instead of 4096 calls of max() (60 us instead of 580 us).
_HIGH_BITS = int.from_bytes(b"\x80" * REGISTERS, "big")


def _as_int(registers):
    return int.from_bytes(registers, "big")


def _max_lanes(x, y):
    """The byte-wise maximum of two register integers. Registers are below 128, so in each byte
    (x + 128 - y) never borrows from the next one, and its high bit is set exactly where x >= y."""
    x_wins = (((x | _HIGH_BITS) - y) & _HIGH_BITS) >> 7
    mask = x_wins * 0x7F
    return (x & mask) | (y & ~mask)


def _sigma(x):
    """Ertl's sigma(x) = x + sum over k >= 1 of x^(2^k) * 2^(k-1), for the empty registers."""
    if x == 1:
        return math.inf
    y, z = 1.0, x
    while True:
        x *= x
        z_before = z
        z += x * y
        y += y
        if z == z_before:
            return z


def _tau(x):
    """Ertl's tau(x), for the registers that overflowed (all 52 low bits zero)."""
    if x == 0 or x == 1:
        return 0.0
    y, z = 1.0, 1 - x
    while True:
        x = math.sqrt(x)
        z_before = z
        y *= 0.5
        z -= (1 - x) ** 2 * y
        if z == z_before:
            return z / 3
