"""footfall.jsonout writes exactly what json.dumps(payload, separators=(",", ":"),
ensure_ascii=False) writes: by hand for the flat answers of a POST and of every error, through
json for anything else."""

import json

import pytest
from footfall import jsonout
from hypothesis import given
from hypothesis import strategies as st

# Any code point: control characters, quotes, backslashes, non-ASCII, lone surrogates.
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()))
SCALARS = st.one_of(ANY_TEXT, st.booleans(), st.integers(min_value=-(10**30), max_value=10**30))


def dumps(payload):
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


@given(st.dictionaries(ANY_TEXT, SCALARS, max_size=6))
def test_flat_answers_are_written_as_json_dumps_writes_them(payload):
    assert jsonout.encode(payload) == dumps(payload)


@given(st.recursive(SCALARS | st.none() | st.floats(allow_nan=False),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner,
                                                                                 max_size=4),
                    max_leaves=12))
def test_any_other_answer_is_written_as_json_dumps_writes_it(payload):
    assert jsonout.encode(payload) == dumps(payload)


@pytest.mark.parametrize(("payload", "expected"), [
    ({"page": "/about", "day": "2026-11-28", "counted": True},
     '{"page":"/about","day":"2026-11-28","counted":true}'),
    ({"page": "/a", "day": "2026-11-28", "counted": False, "reason": "bot"},
     '{"page":"/a","day":"2026-11-28","counted":false,"reason":"bot"}'),
    ({"error": 'page "x\\y" is\ttoo\nlong\x00'}, '{"error":"page \\"x\\\\y\\" is\\ttoo\\nlong\\u0000"}'),
    ({"page": "/caf\u00e9\u2028"}, '{"page":"/caf\u00e9\u2028"}'),
    ({"visitors": 3, "pageviews": -1}, '{"visitors":3,"pageviews":-1}'),
    ({"totals": {"visitors": 1}, "data": [[0, 1]]}, '{"totals":{"visitors":1},"data":[[0,1]]}'),
], ids=["counted", "not counted", "escapes", "non-ASCII kept", "numbers", "nested, through json"])
def test_answers_are_written_as_compact_json(payload, expected):
    assert jsonout.encode(payload) == expected
