"""The contract every aggregation method in ppeval.methods keeps.

One table of methods (each adapted to ``call(matrix, weights, types) -> scores``), one set of
checks applied to all of them:

- a batch of weight vectors gives, row by row, what single calls give (to rounding);
- permuting the alternatives permutes the scores (equivariance);
- output has the documented shape, is finite and non-negative (no -0.0), also on degenerate data
  (one alternative, identical alternatives, constant and zero columns, a weight of 1 on one criterion);
- no floating-point warning or error is raised (numpy errstate set to raise, warnings as errors);
- read-only inputs are accepted and never written.

To add a method (e.g. FCE, whose inputs are memberships rather than a decision matrix), add a row
to ``METHODS`` with an adapter from ``(matrix, weights, types)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval import methods

Call = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _bounds(x: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Fixed (worst, best) per column that contain the data and do not depend on row order."""
    lo = np.floor(x.min(axis=0)) - 1.0
    hi = np.ceil(x.max(axis=0)) + 1.0
    return np.where(types[:, None] > 0, np.c_[lo, hi], np.c_[hi, lo])


@dataclass(frozen=True)
class Method:
    name: str
    call: Call
    #: False where negative scores are documented (WSM on mean normalisation: a cost value above twice
    #: the column mean normalises to ``2 - x/mean < 0``)
    nonnegative: bool = True


METHODS = [
    Method("topsis-vector", lambda x, w, t: methods.topsis(x, w, t)),
    Method("topsis-minmax", lambda x, w, t: methods.topsis(x, w, t, normalization="minmax")),
    Method("topsis-max", lambda x, w, t: methods.topsis(x, w, t, normalization="max")),
    Method("topsis-sum", lambda x, w, t: methods.topsis(x, w, t, normalization="sum")),
    Method("topsis-absolute", lambda x, w, t: methods.topsis(x, w, t, bounds=_bounds(x, t))),
    Method("wsm-minmax", lambda x, w, t: methods.wsm(x, w, t)),
    Method("wsm-vector", lambda x, w, t: methods.wsm(x, w, t, normalization="vector")),
    Method("wsm-max", lambda x, w, t: methods.wsm(x, w, t, normalization="max")),
    Method("wsm-sum", lambda x, w, t: methods.wsm(x, w, t, normalization="sum")),
    Method("wsm-absolute", lambda x, w, t: methods.wsm(x, w, t, bounds=_bounds(x, t))),
    Method("topsis-zscore", lambda x, w, t: methods.topsis(x, w, t, normalization="zscore")),
    Method("topsis-mean", lambda x, w, t: methods.topsis(x, w, t, normalization="mean")),
    Method("wsm-shift", lambda x, w, t: methods.wsm(x, w, t, normalization="shift")),
    Method("wsm-mean", lambda x, w, t: methods.wsm(x, w, t, normalization="mean"), nonnegative=False),
    Method("gra", lambda x, w, t: methods.gra(x, w, t)),
    Method("gra-rho-0.2", lambda x, w, t: methods.gra(x, w, t, rho=0.2)),
    Method("gra-absolute", lambda x, w, t: methods.gra(x, w, t, bounds=_bounds(x, t))),
    Method("vikor-Q", lambda x, w, t: methods.vikor(x, w, t).Q),
    Method("vikor-S", lambda x, w, t: methods.vikor(x, w, t, v=0.3).S),
    Method("vikor-R", lambda x, w, t: methods.vikor(x, w, t, v=1.0).R),
]
IDS = [m.name for m in METHODS]


def _strict(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` with every warning an error and numpy floating-point errors raising."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise"):
            return fn()


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positive matrices (every normalisation accepts them) with some repeated values and columns."""
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 5))
    levels = st.sampled_from([0.5, 1.0, 2.0, 3.25, 7.0, 10.0, 123.5])
    x = draw(st.one_of(arrays(np.float64, (n, m), elements=st.floats(0.01, 1e4)),
                       arrays(np.float64, (n, m), elements=levels)))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    raw = np.array(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), min_size=m, max_size=m)))
    if raw.sum() == 0:
        raw[draw(st.integers(0, m - 1))] = 1.0
    return x, raw / raw.sum(), types


@pytest.mark.parametrize("method", METHODS, ids=IDS)
@settings(max_examples=20)
@given(problem=problems(), seed=st.integers(0, 2**32 - 1))
def test_batch_equals_loop(method: Method, problem: tuple[np.ndarray, ...], seed: int) -> None:
    x, w, types = problem
    rng = np.random.default_rng(seed)
    batch_w = np.vstack([w, rng.dirichlet(np.ones(x.shape[1]), size=3), np.eye(x.shape[1])[:1]])
    batch = _strict(lambda: method.call(x, batch_w, types))
    assert batch.shape == (batch_w.shape[0], x.shape[0])
    for i, wi in enumerate(batch_w):
        single = _strict(lambda wi=wi: method.call(x, wi, types))
        assert single.shape == (x.shape[0],)
        np.testing.assert_allclose(batch[i], single, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("method", METHODS, ids=IDS)
@settings(max_examples=20)
@given(problem=problems(), rnd=st.randoms(use_true_random=False))
def test_permutation_equivariance(method: Method, problem: tuple[np.ndarray, ...], rnd: Any) -> None:
    x, w, types = problem
    perm = np.array(rnd.sample(range(x.shape[0]), x.shape[0]))
    permuted = _strict(lambda: method.call(x[perm], w, types))
    np.testing.assert_allclose(permuted, _strict(lambda: method.call(x, w, types))[perm], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("method", METHODS, ids=IDS)
@settings(max_examples=20)
@given(problem=problems())
def test_finite_and_read_only_inputs(method: Method, problem: tuple[np.ndarray, ...]) -> None:
    x, w, types = problem
    for a in (x, w, types):
        a.setflags(write=False)
    before = [a.copy() for a in (x, w, types)]
    out = _strict(lambda: method.call(x, w, types))
    assert out.shape == (x.shape[0],)
    assert out.dtype == np.float64
    assert np.isfinite(out).all()
    if method.nonnegative:
        assert not np.signbit(out).any()  # scores of positive data are >= 0, and never -0.0
    else:
        assert not np.signbit(out[out == 0.0]).any()  # never -0.0
    for a, a0 in zip((x, w, types), before, strict=True):
        assert np.array_equal(a, a0)


DEGENERATE = {
    "one alternative": (np.array([[3.0, 4.0, 5.0]]), np.array([0.2, 0.3, 0.5])),
    "identical alternatives": (np.tile([3.0, 4.0, 5.0], (4, 1)), np.array([0.2, 0.3, 0.5])),
    "constant column": (np.array([[1.0, 4.0, 2.0], [2.0, 4.0, 1.0], [3.0, 4.0, 5.0]]), np.array([0.2, 0.3, 0.5])),
    "zero column": (np.array([[1.0, 0.0, 2.0], [2.0, 0.0, 1.0], [3.0, 0.0, 5.0]]), np.array([0.2, 0.3, 0.5])),
    "weight 1 on a constant column": (np.array([[1.0, 4.0], [2.0, 4.0], [3.0, 4.0]]), np.array([0.0, 1.0])),
    "all-equal weights": (np.array([[1.0, 4.0], [2.0, 3.0], [3.0, 9.0]]), np.array([0.5, 0.5])),
}


@pytest.mark.parametrize("method", METHODS, ids=IDS)
@pytest.mark.parametrize("case", list(DEGENERATE), ids=list(DEGENERATE))
def test_degenerate_data_is_finite_and_silent(method: Method, case: str) -> None:
    x, w = DEGENERATE[case]
    types = np.array([1, -1, 1][: x.shape[1]])
    out = _strict(lambda: method.call(x, w, types))
    assert out.shape == (x.shape[0],)
    assert np.isfinite(out).all()
    assert not np.signbit(out).any()
    if case in ("identical alternatives", "weight 1 on a constant column"):
        # no alternative can be told apart from another: all tie
        assert np.all(out == out[0])
