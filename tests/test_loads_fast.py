"""``_serialize.loads_fast`` (issue 16: reading a 100,000-project result): the values ``json.loads`` gives, bit
for bit, and its behaviour on texts a faster parser (orjson) would read differently."""

from __future__ import annotations

import json
import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval._serialize import dumps, loads_fast

finite = st.floats(allow_nan=False, allow_infinity=False)


def _bits(x: object) -> object:
    if isinstance(x, float):
        return struct.pack("<d", x)
    if isinstance(x, list):
        return [_bits(v) for v in x]
    if isinstance(x, dict):
        return {k: _bits(v) for k, v in x.items()}
    return x


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, max_size=50), st.text(max_size=20), st.integers(-(2**63), 2**63 - 1))
def test_same_values_as_json_loads(xs: list[float], s: str, i: int) -> None:
    text = dumps({"x": xs, "s": s, "i": i, "nested": [{"a": xs[:3]}]})
    assert _bits(loads_fast(text)) == _bits(json.loads(text))


@pytest.mark.parametrize("text", [
    '{"a": NaN}',            # orjson refuses the NaN token; json.loads reads it
    '{"a": 1e400}',          # beyond the double range: json.loads gives inf
    '{"seed": 340282366920938463463374607431768211455}',  # a 128-bit integer: orjson gives a float
    '"\\ud800"',             # a lone surrogate
])
def test_texts_orjson_reads_differently_read_as_json_loads(text: str) -> None:
    a, b = loads_fast(text), json.loads(text)
    if isinstance(b, dict) and isinstance(b.get("a"), float) and math.isnan(b["a"]):
        assert math.isnan(a["a"])
    else:
        assert a == b
        assert type(a) is type(b)
        assert all(type(a[k]) is type(b[k]) for k in (a if isinstance(a, dict) else ()))


@pytest.mark.parametrize("text", ["", "{", '{"a": 1,}', "[1 2]", "\x00"])
def test_invalid_json_raises_json_decode_error_with_its_message(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as want:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        loads_fast(text)
    assert str(got.value) == str(want.value)


def test_bytes_and_gc_state_restored() -> None:
    import gc

    assert loads_fast(b'{"a": [1.5, 2]}') == {"a": [1.5, 2]}
    gc.disable()
    try:
        loads_fast("[1]")
        assert not gc.isenabled()
    finally:
        gc.enable()
    loads_fast("[1]")
    assert gc.isenabled()
