"""columns.py: integer rows as a zlib blob of columns, the plain form still read beside the
delta form."""

import array
import struct
import zlib

from footfall import columns
from hypothesis import given, settings
from hypothesis import strategies as st


def plain_blob(rows, codes):
    """A blob as every blob was written before the delta form (records.pack until then)."""
    body = b"".join(array.array(code, column).tobytes() for code, column in zip(codes, zip(*rows)))
    return zlib.compress(struct.pack("<I", len(rows)) + codes.encode("ascii") + body, 9)


def test_a_plain_blob_unpacks_to_its_columns():
    rows = [(1, 300, 70000), (1, 2, 5), (4, 65535, 0)]
    got = columns.unpack(plain_blob(rows, "BHI"), 3)
    assert [list(column) for column in got] == [[1, 1, 4], [300, 2, 65535], [70000, 5, 0]]


def test_a_sorted_columns_deltas_are_stored_as_a_lower_case_signed_typecode():
    rows = [(3, 9), (3, 1), (200, 0), (1000, 2)]  # deltas 3, 0, 197, 800: a short each
    data = zlib.decompress(columns.pack(rows, 2, deltas=(0,)))
    assert data[:7] == struct.pack("<I", 4) + b"2hB"


rows_of_three = st.lists(st.tuples(*[st.integers(0, (1 << 40) - 1)] * 3), max_size=40)


@settings(max_examples=200, deadline=None)
@given(rows=rows_of_three, deltas=st.sets(st.integers(0, 2)))
def test_a_delta_blob_unpacks_to_the_rows_packed(rows, deltas):
    got = columns.unpack(columns.pack(rows, 3, tuple(deltas)), 3)
    want = [list(column) for column in zip(*rows)] if rows else [[], [], []]
    assert [list(column) for column in got] == want


def test_sorted_rows_take_fewer_bytes_in_the_delta_form():
    # a day's views as records sort them: the page first, then the other values
    rows = sorted((i * 7 % 300, i * 13 % 50, i * 31 % 1000) for i in range(3000))
    plain = plain_blob(rows, "HBH")
    assert list(zip(*columns.unpack(columns.pack(rows, 3, (0,)), 3))) == rows
    assert len(columns.pack(rows, 3, (0,))) < len(plain)
