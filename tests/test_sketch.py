"""The HyperLogLog sketch of visitor hashes: its error, unions, small counts and its bytes."""

try:
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b

import pytest
from footfall.sketch import (
    REGISTERS,
    STANDARD_ERROR,
    Sketch,
    SketchError,
    merge_into_bytes,
    merge_slots,
    register_of,
    slots_to_bytes,
)


def visitors(start, stop, salt=b"month salt"):
    """Visitor hashes as footfall makes them (keyed BLAKE2b, 16 bytes), for visitor numbers start..stop."""
    return [blake2b(str(n).encode(), key=salt, digest_size=16).digest() for n in range(start, stop)]


def sketch_of(hashes):
    return Sketch().update(hashes)


def slots_of(digests):
    """{register index: value} of visitor hashes, as a bulk day builds them (breakdowns.py)."""
    registers = {}
    for digest in digests:
        index, rank = register_of(digest)
        registers[index] = max(rank, registers.get(index, 0))
    return registers


def test_standard_error_is_about_one_and_a_half_percent():
    assert REGISTERS == 4096
    assert STANDARD_ERROR == pytest.approx(0.01625)


@pytest.mark.parametrize("count, salt", [
    (10_000, b"seed 1"), (10_000, b"seed 2"), (100_000, b"seed 1"), (100_000, b"seed 2"),
], ids=["10k-seed-1", "10k-seed-2", "100k-seed-1", "100k-seed-2"])
def test_estimate_is_within_three_standard_errors(count, salt):
    estimate = sketch_of(visitors(0, count, salt)).estimate()
    assert abs(estimate - count) <= 3 * STANDARD_ERROR * count


@pytest.mark.parametrize("count", [0, 1, 2, 3, 10, 20], ids=["0", "1", "2", "3", "10", "20"])
def test_small_counts_are_exact(count):
    assert sketch_of(visitors(0, count)).estimate() == count


@pytest.mark.parametrize("count, within", [(100, 2), (1000, 30)], ids=["100", "1000"])
def test_larger_small_counts_are_close(count, within):
    assert abs(sketch_of(visitors(0, count)).estimate() - count) <= within


def test_a_visitor_added_again_is_counted_once():
    hashes = visitors(0, 50)
    once = sketch_of(hashes)
    assert sketch_of(hashes * 3) == once
    assert once.estimate() == 50


def test_union_of_sketches_is_the_sketch_of_the_union():
    first, second = visitors(0, 60_000), visitors(40_000, 100_000)
    both = sketch_of(visitors(0, 100_000))
    assert Sketch.union([sketch_of(first), sketch_of(second)]) == both
    assert sketch_of(first).merge(sketch_of(second)) == both
    assert sketch_of(second).merge(sketch_of(first)) == both
    assert Sketch.union([sketch_of(first), sketch_of(second)]).to_bytes() == both.to_bytes()


def test_merging_a_sketch_with_itself_changes_nothing():
    sketch = sketch_of(visitors(0, 3000))
    assert Sketch(sketch.registers).merge(sketch) == sketch


def test_a_month_of_days_counts_a_returning_visitor_once():
    # 30 days of 1,000 visitors each, drawn from 4,000 people: most come back on several days.
    days = [visitors(day * 100, day * 100 + 1000) for day in range(30)]
    distinct = len({h for day in days for h in day})
    assert distinct == 3900
    estimate = Sketch.union(sketch_of(day) for day in days).estimate()
    assert abs(estimate - distinct) <= 3 * STANDARD_ERROR * distinct


def test_union_of_nothing_is_empty():
    assert Sketch.union([]).estimate() == 0


@pytest.mark.parametrize("count, size", [
    (0, 2), (1, 5), (10, 32), (100, 2 + 3 * 98), (100_000, 2 + 4096),
], ids=["empty", "one", "ten", "hundred-in-98-registers", "100k-dense"])
def test_sketch_survives_bytes_and_stays_small_while_sparse(count, size):
    sketch = sketch_of(visitors(0, count))
    data = sketch.to_bytes()
    assert len(data) == size
    assert Sketch.from_bytes(data) == sketch
    assert Sketch.from_bytes(data).estimate() == sketch.estimate()


def test_empty_bytes_are_an_empty_sketch():
    assert Sketch.from_bytes(b"") == Sketch()


def test_a_sparse_sketch_holds_register_index_then_value():
    # Format 2 (sparse), precision 12, index 0x0100 = 256, value 5.
    assert Sketch.from_bytes(bytes((2, 12, 0x01, 0x00, 5))).registers[256] == 5


DENSE_HEADER, SPARSE_HEADER = bytes((1, 12)), bytes((2, 12))


@pytest.mark.parametrize("data", [
    b"\x02", bytes((3, 12)), bytes((2, 14)), DENSE_HEADER + bytes(4095), DENSE_HEADER + bytes([54]) * 4096,
    SPARSE_HEADER + bytes((0x01, 0x00)), SPARSE_HEADER + bytes((0x01, 0x00, 0x00, 0x01, 5, 5)),
    SPARSE_HEADER + bytes((0x00, 0x01, 0x00, 0x01, 5, 5)), SPARSE_HEADER + bytes((0x10, 0x00, 5)),
    SPARSE_HEADER + bytes((0x01, 0x00, 0)), SPARSE_HEADER + bytes((0x01, 0x00, 54)),
], ids=["header-only-half", "unknown-format", "other-precision", "dense-short", "dense-value-54",
        "sparse-length", "sparse-descending", "sparse-duplicate", "sparse-index-4096", "sparse-zero-value",
        "sparse-value-54"])
def test_bytes_that_are_not_a_sketch_are_refused(data):
    with pytest.raises(SketchError):
        Sketch.from_bytes(data)


def test_a_hash_shorter_than_8_bytes_is_refused():
    with pytest.raises(ValueError, match="at least 8 bytes"):
        Sketch().add(b"1234567")


# Bulk days build sketches as {register: value} (slots): a day's few hundred visitors set a few
# hundred registers. What they write must be what a Sketch writes.
@pytest.mark.parametrize("stored, added", [
    (0, 10), (10, 10), (600, 500), (1300, 200), (5000, 50), (0, 3000), (3000, 3000),
], ids=["none-stored", "sparse-and-sparse", "sparse-becoming-dense", "at-the-switch",
        "dense-stored", "dense-added", "dense-and-dense"])
def test_sketches_built_from_slots_write_the_bytes_of_a_sketch(stored, added):
    old, new = visitors(0, stored), visitors(stored // 2, stored // 2 + added)
    data = sketch_of(old).to_bytes() if stored else b""
    slots = slots_of(new)
    assert slots_to_bytes(slots) == sketch_of(new).to_bytes()
    assert merge_into_bytes(data, slots) == sketch_of(old + new).to_bytes()
    merged = {}
    for start in range(0, len(new), 100):  # a month of days, a day at a time
        merged = merge_slots(merged, slots_of(new[start:start + 100]))
    assert slots_to_bytes(merged) == sketch_of(new).to_bytes()
    assert merge_into_bytes(data, merged) == sketch_of(old + new).to_bytes()


@pytest.mark.parametrize("data", [
    b"\x02\x0c\x00\x05\x00\x03\x01\x01",  # indices not ascending
    b"\x02\x0c\x00\x05\x00",  # a value of 0
    b"\x02\x0c\x00\x05\x7f",  # a value out of range
], ids=["indices-not-ascending", "zero-value", "value-out-of-range"])
def test_merging_into_bytes_that_are_not_a_sketch_is_refused(data):
    with pytest.raises(SketchError):
        merge_into_bytes(data, {1: 1})
