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
    # numpy reads true among numbers as 1: refused, not turned into a score of 1.0 or a rank of 1
    ("scores", True, "'scores' must hold finite numbers; it holds true/false"),
    ("ranks", False, "'ranks' must hold integers; it holds true/false"),
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


def _set(path: str, value: object):  # type: ignore[no-untyped-def]
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        key, _, index = path.partition("[")
        if index:
            data[key][int(index.rstrip("]"))] = value
        else:
            data[key] = value
    return edit


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["scores"].pop(), r"'scores' has shape \(7,\); the ids give \(8,\)"),
    (lambda d: d["matrix"].pop(), r"'matrix' has shape \(7, 23\); the ids give \(8, 23\)"),
    (lambda d: d["weights"].append(0.1), r"'weights' has shape \(24,\)"),
    (_set("project_ids[0]", 5), "'project_ids' must hold text"),
    (lambda d: d["project_ids"].__setitem__(0, d["project_ids"][1]), "'project_ids' holds a repeated id"),
    (_set("grades[0]", 3), "'grades' must hold text"),
    (_set("method", "bogus"), "method 'bogus'"),
    (_set("mode", "both"), "mode 'both'"),
])
def test_inconsistent_results_are_refused(text: str, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(text)
    edit(data)
    with pytest.raises(PPEvalError, match=message):
        EvaluationResult.from_json(json.dumps(data))


@pytest.mark.parametrize("method", ["topsis", "wsm", "vikor", "fce", "gra"])
@pytest.mark.parametrize("mode", ["absolute", "relative"])
def test_every_method_and_mode_reads_back(method: str, mode: str) -> None:
    system, data = bundled.load_sample("community-4stage")
    text = evaluate(system, data, method=method, mode=mode).to_json()
    assert EvaluationResult.from_json(text).to_json() == text


def test_true_in_a_matrix_row_is_refused(text: str) -> None:
    data = json.loads(text)
    data["matrix"][3][2] = True
    with pytest.raises(PPEvalError, match="'matrix' must hold finite numbers; it holds true/false"):
        EvaluationResult.from_json(json.dumps(data))


@pytest.mark.parametrize(("edit", "message"), [
    (lambda q: q["n_raters"].pop(), r"'qualitative.n_raters' has shape \(7, \d+\); the ids give \(8, \d+\)"),
    (lambda q: q["agreement"].append(0.5), r"'qualitative.agreement' has shape"),
    (lambda q: q["group_values"].pop(), r"'qualitative.group_values' has shape"),
    (lambda q: q["indicator_ids"].__setitem__(0, "nope"), "names 'nope', which is not an indicator of the result"),
    (lambda q: q["groups"].append(q["groups"][0]), "'qualitative.groups' must hold distinct text"),
])
def test_qualitative_summary_shapes_are_checked(text: str, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(text)
    assert data["qualitative"] is not None
    edit(data["qualitative"])
    with pytest.raises(PPEvalError, match=message):
        EvaluationResult.from_json(json.dumps(data))
