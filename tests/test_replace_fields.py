"""``replace_fields`` and ``with_names_in`` (issue 16): changing a field of a result does not compute its
deferred fields (``dataclasses.replace`` reads, so computes, every one: ~1.2 GB at a million projects)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ppeval import evaluate
from ppeval.errors import PPEvalError
from ppeval.io import bundled
from ppeval.pipeline.result import DEFERRABLE, is_deferred, replace_fields
from ppeval.report import project_names_in, with_names_in


def _result() -> tuple[object, object, object]:
    system, data = bundled.load_sample("community-4stage")
    return system, data, evaluate(system, data, method="topsis", mode="absolute")


def test_replace_fields_keeps_deferred_fields_and_their_values() -> None:
    _, _, r = _result()
    deferred = [name for name in DEFERRABLE if is_deferred(r, name)]
    assert deferred, "evaluate left no field deferred: the test would not test anything"
    names = tuple(f"P {i}" for i in range(len(r.project_ids)))  # type: ignore[attr-defined]
    new = replace_fields(r, project_names=names)
    assert new.project_names == names
    assert all(is_deferred(new, name) for name in deferred)  # nothing was computed
    assert all(is_deferred(r, name) for name in deferred)
    eager = dataclasses.replace(r, project_names=names)  # computes every field
    for f in dataclasses.fields(eager):
        a, b = getattr(new, f.name), getattr(eager, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, f.name


def test_replace_fields_rejects_unknown_fields_and_non_dataclasses() -> None:
    _, _, r = _result()
    with pytest.raises(PPEvalError, match="no field.*'colour'"):
        replace_fields(r, colour="red")
    with pytest.raises(PPEvalError, match="dataclass instance"):
        replace_fields({"a": 1}, a=2)


def test_with_names_in_uses_the_language_and_stays_deferred() -> None:
    _, data, r = _result()
    zh = with_names_in(r, data, "zh")  # type: ignore[arg-type]
    names = project_names_in(data, "zh")  # type: ignore[arg-type]
    assert zh.project_names == tuple(names[p] for p in r.project_ids)  # type: ignore[attr-defined]
    assert any(is_deferred(zh, name) for name in DEFERRABLE)
    assert zh.scores is r.scores  # type: ignore[attr-defined]
