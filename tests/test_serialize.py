"""Canonical JSON: the fast (orjson) result form against the standard-library form."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from ppeval._serialize import dumps, dumps_fast
from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult, evaluate


@dataclass(frozen=True)
class _Box:
    a: np.ndarray
    names: tuple[str, ...]
    nested: dict[str, object]


def test_fast_form_has_the_same_content_as_the_standard_form() -> None:
    system, data = bundled.load_sample("community-4stage")
    r = evaluate(system, data, seed=3)
    fast = r.to_json()
    slow = r.to_json(indent=1)
    assert json.loads(fast) == json.loads(slow)
    assert fast == evaluate(system, data, seed=3).to_json()  # deterministic, byte for byte
    back = EvaluationResult.from_json(fast)
    for name in ("scores", "score_100", "matrix", "normalized", "contributions", "shortfall", "ranks", "imputed"):
        np.testing.assert_array_equal(getattr(back, name), getattr(r, name))  # bit-exact round trip
    assert back.to_json() == fast
    assert fast.count("\n") == len(json.loads(fast)) + 2  # "{", one line per top-level key, "}"


def test_exact_floats_negative_zero_and_odd_values() -> None:
    x = np.array([[-0.0, 1e-7, 1e-5, 5e-324], [1.7976931348623157e308, 0.1, 1 / 3, -2.5]])
    box = _Box(a=x, names=("项目一", "b"), nested={"z": 1, "a": [np.int64(3), True, None, 2.5]})
    text = dumps_fast(box)
    data = json.loads(text)
    assert data["a"][0][0] == 0.0
    assert str(data["a"][0][0]) == "0.0"
    np.testing.assert_array_equal(np.array(data["a"]), x + 0.0)
    assert list(data["nested"]) == ["a", "z"]
    assert data == json.loads(dumps(box))
    assert "项目一" in text  # UTF-8, not escaped


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_refused_with_position(bad: float) -> None:
    x = np.zeros((2, 3))
    x[1, 2] = bad
    with pytest.raises(InputError, match=r"value\.a\[1, 2\]"):
        dumps_fast(_Box(a=x, names=(), nested={}))
    with pytest.raises(InputError, match="only finite"):
        dumps_fast({"f": bad})
