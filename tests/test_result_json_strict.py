"""Reading a result JSON refuses numbers of the wrong kind (issue 16 review: ``np.asarray(dtype=...)`` turned
``null`` into nan, ``1.5`` into rank 1 and ``"3"`` into 3 without a word), naming the field."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ppeval import evaluate
from ppeval.errors import PPEvalError
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult


@pytest.fixture(scope="module")
def text() -> str:
    system, data = bundled.load_sample("community-4stage")
    return evaluate(system, data).to_json()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("scores", None, "'scores' must hold finite numbers; it holds null"),
    ("scores", "x", "'scores' must hold finite numbers; it holds strings"),
    ("scores", [1, 2], "'scores' is not a rectangular array"),
    ("scores", 1e308 * 10, "'scores' holds a number beyond the float range"),
    ("ranks", 1.5, "'ranks' must hold integers; it holds numbers with a fraction"),
    ("ranks", "3", "'ranks' must hold integers; it holds strings"),
    ("ranks", 10**20, "'ranks' must hold integers; it holds null, integers beyond 64 bits"),
])
def test_wrong_kinds_are_refused_naming_the_field(text: str, field: str, value: object, message: str) -> None:
    data = json.loads(text)
    data[field][0] = value
    with pytest.raises(PPEvalError, match=message.replace("(", r"\(")):
        EvaluationResult.from_json(json.dumps(data))


def test_round_trip_unchanged(text: str) -> None:
    r = EvaluationResult.from_json(text)
    assert r.to_json() == text
    assert r.ranks.dtype == np.int64
    assert r.scores.dtype == np.float64
