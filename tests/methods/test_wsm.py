"""ppeval.methods.wsm: formula, pymcdm agreement, absolute mode, properties, degenerate and bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval import normalize
from ppeval.errors import InputError
from ppeval.methods import wsm


def test_by_hand() -> None:
    """U_i = sum_j w_j r_ij with min-max r: r = [[0, 1], [1, 0], [0.5, 0.5]]."""
    u = wsm([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], [0.75, 0.25], [1, -1])
    np.testing.assert_allclose(u, [0.25, 0.75, 0.5], rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", ["minmax", "vector", "max", "sum"])
def test_equals_weighted_normalized_matrix(name: str) -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(1.0, 50.0, size=(10, 4))
    types = np.array([1, -1, -1, 1])
    w = rng.dirichlet(np.ones(4), size=3)
    r = getattr(normalize, name)(x, types)
    np.testing.assert_allclose(wsm(x, w, types, normalization=name), w @ r.T, rtol=0, atol=1e-14)


@pytest.mark.parametrize("name", ["minmax", "vector", "max", "sum"])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_pymcdm(name: str, seed: int) -> None:
    """pymcdm 1.4 ``WSM(normalization_function)`` with validation off, to 1e-12.

    pymcdm's WSM default is sum normalisation; ppeval's default is min-max (DESIGN.md). With the
    same normalisation function passed explicitly, the conventions (cost reversal inside the
    normalisation, U = sum w r) are identical.
    """
    from pymcdm import normalizations
    from pymcdm.methods import WSM

    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, size=(12, 5)) * rng.uniform(0.01, 1000.0, size=5)
    w = rng.dirichlet(np.ones(5))
    types = np.array([1, -1, 1, -1, 1])
    expected = WSM(getattr(normalizations, f"{name}_normalization"))(x, w, types, validation=False)
    np.testing.assert_allclose(wsm(x, w, types, normalization=name), expected, rtol=0, atol=1e-12)


def test_absolute_mode_by_hand() -> None:
    u = wsm([[50.0, 2.0]], [0.5, 0.5], [1, -1], bounds=[[0, 100], [10, 0]])
    np.testing.assert_allclose(u, [0.5 * 0.5 + 0.5 * 0.8], rtol=0, atol=1e-15)


def test_blocked_path_matches_reference() -> None:
    rng = np.random.default_rng(12)
    x = rng.uniform(0.0, 10.0, size=(50_000, 3)) + 1e6
    types = np.array([1, -1, 1])
    w = rng.dirichlet(np.ones(3), size=5)
    r = normalize.minmax(x, types)
    np.testing.assert_allclose(wsm(x, w, types), w @ r.T, rtol=0, atol=1e-13)
    np.testing.assert_allclose(wsm(x, w[2], types), (w @ r.T)[2], rtol=0, atol=1e-13)


# ----------------------------------------------------------------- degenerate data
def test_single_alternative_and_constant_columns() -> None:
    """Min-max: a constant column is 1 for everyone (adds w_j to every score); one alternative scores 1."""
    assert wsm([[3.0, 4.0]], [0.5, 0.5], [1, -1]).tolist() == [1.0]
    u = wsm([[1.0, 5.0], [3.0, 5.0]], [0.6, 0.4], [1, -1])
    np.testing.assert_allclose(u, [0.4, 1.0], atol=1e-15)
    for norm in ("minmax", "vector", "max", "sum"):
        assert np.isfinite(wsm(np.zeros((3, 2)), [0.5, 0.5], [1, -1], normalization=norm)).all()


# ----------------------------------------------------------------- properties
@st.composite
def problems(draw: st.DrawFn, min_rows: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(min_rows, 8))
    m = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, m), elements=st.floats(0.01, 1000.0)))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=m, max_size=m)))
    if raw.sum() == 0:
        raw[0] = 1.0
    return x, raw / raw.sum(), types


@given(problems())
def test_minmax_scores_in_unit_interval(problem: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, w, types = problem
    u = wsm(x, w, types)
    # sum_j w_j r_ij <= sum_j w_j = 1 exactly; in floating point to a few ulp
    assert ((u >= 0.0) & (u <= 1.0 + 4e-16)).all()


@given(problems(), st.sampled_from(["minmax", "vector", "max", "sum"]), st.data())
def test_batch_rows_equal_single_calls(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], norm: str, data: st.DataObject
) -> None:
    x, w, types = problem
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    batch_w = np.vstack([w, rng.dirichlet(np.ones(x.shape[1]), size=2)])
    batch = wsm(x, batch_w, types, normalization=norm)
    for i in range(3):
        np.testing.assert_allclose(batch[i], wsm(x, batch_w[i], types, normalization=norm), atol=1e-14)


@given(problems(min_rows=2), st.data())
def test_absolute_score_independent_of_other_projects(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    x, w, types = problem
    bounds = np.where(types[:, None] > 0, [[0.0, 1000.0]], [[1000.0, 0.0]])
    full = wsm(x, w, types, bounds=bounds)
    i = data.draw(st.integers(0, x.shape[0] - 1))
    # equal to rounding: a 1-row and an n-row matrix-vector product may sum in a different order
    np.testing.assert_allclose(wsm(x[i : i + 1], w, types, bounds=bounds)[0], full[i], rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(wsm(x[: i + 1], w, types, bounds=bounds)[i], full[i], rtol=1e-15, atol=1e-16)


@given(problems(min_rows=2))
def test_dominating_alternative_gets_top_score(problem: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, w, types = problem
    best = np.where(types > 0, x.max(axis=0), x.min(axis=0))
    u = wsm(np.vstack([x, best]), w, types)
    assert u[-1] >= u.max() - 1e-15


# ----------------------------------------------------------------- input handling
def test_read_only_inputs() -> None:
    x = np.array([[1.0, 2.0], [3.0, 1.0]])
    w = np.array([0.4, 0.6])
    t = np.array([1, -1])
    for a in (x, w, t):
        a.setflags(write=False)
    np.testing.assert_allclose(wsm(x, w, t), [0.0, 1.0])
    assert x.tolist() == [[1.0, 2.0], [3.0, 1.0]]


_X = [[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]]
BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: wsm([[1.0, 2.0], [3.0, 1.0], [2.0, np.nan]], [0.5, 0.5], [1, 1]), InputError,
     "matrix[2, 1] is nan"),
    (lambda: wsm([[np.inf, 2.0]], [0.5, 0.5], [1, 1]), InputError, "matrix[0, 0] is inf"),
    (lambda: wsm([1.0, 2.0], [0.5, 0.5], [1, 1]), InputError, "must be 2-D"),
    (lambda: wsm(np.empty((0, 2)), [0.5, 0.5], [1, 1]), InputError, "at least 1 alternative"),
    (lambda: wsm(_X, [1.0], [1, 1]), InputError, "expected 2"),
    (lambda: wsm(_X, [0.5, 0.4], [1, 1]), InputError, "weights sums to 0.9"),
    (lambda: wsm(_X, [1.5, -0.5], [1, 1]), InputError, "weights[1] is -0.5"),
    (lambda: wsm(_X, [0.5, 0.5], ["benefit", "loss"]), InputError, "types[1] is 'loss'"),
    (lambda: wsm(_X, [0.5, 0.5], [1, 1], normalization="l2"), InputError, "normalization is 'l2'"),
    (lambda: wsm(_X, [0.5, 0.5], [1, 1], normalization="vector", bounds=[[0, 5], [0, 5]]), InputError,
     "absolute mode is defined for normalization='minmax' only"),
    (lambda: wsm(_X, [0.5, 0.5], [1, 1], bounds=[[5, 0], [0, 5]]), InputError,
     "criterion 0 is a benefit criterion, which needs worst < best"),
    (lambda: wsm(_X, [0.5, 0.5], [1, 1], bounds=[[0, 5], [0, 1.5]]), InputError,
     "matrix[0, 1] = 2.0 lies outside bounds[1]"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
