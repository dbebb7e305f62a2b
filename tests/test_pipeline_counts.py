"""The rater counts per group of an evaluation (issue 16: memory at a million projects).

The assembly keeps ``group_counts`` (groups x projects x qualitative indicators) as int32, and
``QualitativeSummary.group_counts`` is computed from it when first read: int64 as before, with the
same values, JSON and pickle; the counts equal a direct count of the ratings.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from ppeval import evaluate
from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.pipeline._assemble import assemble
from ppeval.pipeline.result import EvaluationResult, is_deferred
from ppeval.qualitative import aggregate_ratings


@pytest.mark.parametrize("name", ["community-4stage", "elderly-care", "3e-equity"])
def test_group_counts_int64_when_read_and_equal_a_direct_count(name: str) -> None:
    system, data = bundled.load_sample(name)
    r = evaluate(system, data, mode="relative")
    q = r.qualitative
    assert q is not None
    assert is_deferred(q, "group_counts")
    text = r.to_json()  # written without being kept
    assert is_deferred(q, "group_counts")
    counts = q.group_counts
    assert counts.dtype == np.int64
    assert not counts.flags.writeable
    assert not is_deferred(q, "group_counts")
    # a direct count of the answered ratings per group, project and qualitative indicator
    rt = data.ratings
    col = {i: k for k, i in enumerate(q.indicator_ids)}
    leaf = list(data.indicator_ids)
    expected = np.zeros_like(counts)
    for p, j, g, v in zip(rt.project.tolist(), rt.indicator.tolist(), rt.group.tolist(), rt.value.tolist(),
                          strict=True):
        if not np.isnan(v) and leaf[j] in col:
            expected[q.groups.index(g), p, col[leaf[j]]] += 1
    np.testing.assert_array_equal(counts, expected)
    np.testing.assert_array_equal(counts.sum(axis=0), q.n_raters)
    assert json.loads(text)["qualitative"]["group_counts"] == counts.tolist()
    back = EvaluationResult.from_json(text)
    assert back.qualitative is not None
    np.testing.assert_array_equal(back.qualitative.group_counts, counts)
    assert back.qualitative.group_counts.dtype == np.int64
    again = pickle.loads(pickle.dumps(evaluate(system, data, mode="relative")))
    np.testing.assert_array_equal(again.qualitative.group_counts, counts)


def test_assembly_keeps_int32_counts_and_int8_group_codes() -> None:
    system, data = bundled.load_sample("community-4stage")
    q = assemble(system, data).qualitative
    assert q is not None
    assert q.group_counts.dtype == np.int32
    assert q.group_code is not None
    assert q.group_code.dtype == np.int8
    assert q.value is None  # written into the matrix, not kept


def test_count_dtype() -> None:
    proj, ind, v = [0, 0, 1, 1], [0, 0, 0, 0], [1.0, 2.0, 3.0, float("nan")]
    a64 = aggregate_ratings(proj, ind, v, group=["a", "b", "a", "a"])
    a32 = aggregate_ratings(proj, ind, v, group=["a", "b", "a", "a"], count_dtype=np.int32)
    assert a64.group_counts.dtype == np.int64
    assert a32.group_counts.dtype == np.int32
    np.testing.assert_array_equal(a64.group_counts, a32.group_counts)
    # the one-pass path (ratings not grouped by cell, median) converts too
    med = aggregate_ratings(proj[::-1], ind, v[::-1], method="median", count_dtype=np.int32)
    assert med.group_counts.dtype == np.int32
    for bad in (np.int16, np.float64, "int"):
        if np.dtype(bad) == np.int64:
            continue
        with pytest.raises(InputError, match="count_dtype"):
            aggregate_ratings(proj, ind, v, count_dtype=bad)
    with pytest.raises(InputError, match="count_dtype"):
        aggregate_ratings(proj, ind, v, count_dtype="not a dtype")
