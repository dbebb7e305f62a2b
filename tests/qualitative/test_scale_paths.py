"""The sort-free paths taken at scale give what the sorting paths give (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.qualitative._common import _first_duplicate_exact, factorize, first_duplicate
from ppeval.qualitative.aggregate import _segment_stats
from ppeval.qualitative.agreement import _value_codes


@pytest.mark.parametrize("max_few", [0, 2, 64])
@pytest.mark.parametrize("kind", ["U", "int", "empty"])
def test_factorize_is_np_unique(max_few: int, kind: str) -> None:
    rng = np.random.default_rng(1)
    if kind == "U":
        arr = np.array(["resident", "expert", "government", "用户", "a"])[rng.integers(0, 5, 300)]
    elif kind == "int":
        arr = rng.integers(0, 9, 300)
    else:
        arr = np.zeros(0, dtype="<U3")
    got_u, got_c = factorize(arr, max_few=max_few)
    want_u, want_c = np.unique(arr, return_inverse=True)
    np.testing.assert_array_equal(got_u, want_u)
    np.testing.assert_array_equal(got_c, want_c.reshape(-1))


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["r1", "r2", "评估员", "r10", ""])), min_size=0,
                max_size=40))
def test_hashed_duplicate_check_equals_exact(rows: list[tuple[int, str]]) -> None:
    cell = np.array([c for c, _ in rows], dtype=np.int64)
    rater = np.array([r for _, r in rows], dtype=str) if rows else np.zeros(0, dtype="<U1")
    want = _first_duplicate_exact(cell, rater) if len(rows) >= 2 else None
    assert first_duplicate(cell, rater, 6, len(rows)) == want


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(-3, 9)), min_size=1, max_size=60))
def test_bincount_mean_equals_sorted_path(rows: list[tuple[int, int]]) -> None:
    key = np.array([k for k, _ in rows], dtype=np.int64)
    v = np.array([x for _, x in rows], dtype=np.float64)
    fast = _segment_stats(key, v, 8, "mean", 0.0, exact=True)
    slow = _segment_stats(key, v, 8, "mean", 0.0, exact=False)
    np.testing.assert_array_equal(fast[0], slow[0])  # means: exact sums, the same bits
    np.testing.assert_array_equal(fast[1], slow[1])
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-12, atol=1e-9)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 6)), min_size=0, max_size=50))
def test_value_codes_counting_equals_sorting(rows: list[tuple[int, int]]) -> None:
    grp = np.array([g for g, _ in rows], dtype=np.int64)
    x = np.array([v for _, v in rows], dtype=np.float64)
    counted = _value_codes(grp, x, 4)
    sorted_ = _value_codes(grp, x + 0.5, 4)  # not integers: the lexsort path
    np.testing.assert_array_equal(counted[0], sorted_[0])
    np.testing.assert_array_equal(counted[1] + 0.5, sorted_[1])
    np.testing.assert_array_equal(counted[2], sorted_[2])
    assert counted[3] == sorted_[3]


def test_weakest_equals_stable_argsort() -> None:
    from ppeval.pipeline._evaluate import _weakest

    rng = np.random.default_rng(4)
    s = rng.integers(0, 4, size=(500, 7)).astype(float)  # many ties and zeros
    ids = [f"i{j}" for j in range(7)]
    got = _weakest(s, ids, 3)
    order = np.argsort(-s, axis=1, kind="stable")[:, :3]
    want = tuple(tuple(ids[j] for j in order[i] if s[i, j] > 1e-12) for i in range(500))
    assert got == want
    assert _weakest(s, ids, 0) == ((),) * 500
    assert _weakest(s, ids, 10) == tuple(
        tuple(ids[j] for j in np.argsort(-s[i], kind="stable") if s[i, j] > 1e-12) for i in range(500)
    )
