"""ppeval.methods.vikor: published example, pymcdm agreement, compromise solution, properties, bad input."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval.errors import InputError
from ppeval.methods import VikorResult, vikor, vikor_compromise

CLIMB_F = np.array([[1.0, 3000.0], [2.0, 3750.0], [5.0, 4500.0]])
CLIMB_PHI = np.array([[6.0, 2.0], [7.0, 2.75], [10.0, 3.5]])


# ----------------------------------------------------------------- published example
@pytest.mark.parametrize("matrix", [CLIMB_F, CLIMB_PHI], ids=["problem-f", "problem-phi"])
def test_opricovic_tzeng_2004_table3(matrix: np.ndarray) -> None:
    """Opricovic & Tzeng (2004), EJOR 156:445-455, numerical example (Tables 1-3): three routes on
    risk (cost) and altitude (benefit), equal weights, v = 0.5. Printed: S = 0.5, 0.375, 0.5;
    R = 0.5, 0.25, 0.5; Q = 1, 0, 1 for both problem f and problem phi (other units: VIKOR's
    linear normalisation makes the results unit-independent); compromise solution A2 (C1 and C2
    hold). Values are exact in binary, so the tolerance is 1e-15.
    """
    res = vikor(matrix, [0.5, 0.5], ["cost", "benefit"], v=0.5)
    np.testing.assert_allclose(res.S, [0.5, 0.375, 0.5], rtol=0, atol=1e-15)
    np.testing.assert_allclose(res.R, [0.5, 0.25, 0.5], rtol=0, atol=1e-15)
    np.testing.assert_allclose(res.Q, [1.0, 0.0, 1.0], rtol=0, atol=1e-15)
    c = vikor_compromise(res)
    assert int(c.best) == 1
    assert bool(c.acceptable_advantage)
    assert bool(c.acceptable_stability)
    assert c.members.tolist() == [False, True, False]
    assert c.dq == 0.5


# ----------------------------------------------------------------- pymcdm agreement
@pytest.mark.parametrize("v", [0.0, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_pymcdm(v: float, seed: int) -> None:
    """pymcdm 1.4 ``VIKOR(v=v)`` (default: no normalisation, cost as max - x), validation off, to 1e-12.

    Conventions match for matrices without constant columns; pymcdm raises on a constant column,
    where ppeval defines d = 0 (tested separately). ``_method`` returns the intermediate S and R.
    """
    from pymcdm.methods import VIKOR

    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, size=(11, 5)) * rng.uniform(0.01, 1000.0, size=5)
    w = rng.dirichlet(np.ones(5))
    types = np.array([1, -1, -1, 1, 1])
    _, _, _, s, r, q = VIKOR(v=v)._method(x, w, types)
    res = vikor(x, w, types, v=v)
    np.testing.assert_allclose(res.S, s, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.R, r, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.Q, q, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.Q, VIKOR(v=v)(x, w, types, validation=False), rtol=0, atol=1e-12)


def test_batch_larger_than_one_chunk_matches_loop() -> None:
    """R of a batch is a running max over criteria on (k_chunk, rows) tiles; same as single calls."""
    rng = np.random.default_rng(2)
    x = rng.uniform(0.0, 1.0, size=(1000, 5))
    w = rng.dirichlet(np.ones(5), size=1200)
    types = [1, -1, 1, -1, 1]
    res = vikor(x, w, types)
    assert res.S.shape == res.R.shape == res.Q.shape == (1200, 1000)
    for i in (0, 600, 1199):
        single = vikor(x, w[i], types)
        np.testing.assert_allclose(res.S[i], single.S, rtol=0, atol=1e-14)
        np.testing.assert_array_equal(res.R[i], single.R)
        np.testing.assert_allclose(res.Q[i], single.Q, rtol=0, atol=1e-13)
    d = (x - np.where(np.array(types) > 0, x.max(0), x.min(0))) / np.where(
        np.array(types) > 0, x.min(0) - x.max(0), x.max(0) - x.min(0)
    )
    np.testing.assert_allclose(res.R[17], (w[17] * d).max(axis=1), rtol=0, atol=1e-15)


# ----------------------------------------------------------------- degenerate data
def test_constant_column_contributes_nothing() -> None:
    """pymcdm raises here; ppeval sets d = 0 for a constant column (documented)."""
    x = np.array([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    res = vikor(x, [0.6, 0.4], [1, -1])
    np.testing.assert_allclose(res.S, [0.6, 0.4, 0.0], atol=1e-15)
    np.testing.assert_allclose(res.R, [0.6, 0.4, 0.0], atol=1e-15)
    np.testing.assert_allclose(res.Q, [1.0, 2 / 3, 0.0], atol=1e-15)


def test_single_and_identical_alternatives_tie_at_zero() -> None:
    one = vikor([[3.0, 4.0]], [0.5, 0.5], [1, -1])
    assert (one.S.tolist(), one.R.tolist(), one.Q.tolist()) == ([0.0], [0.0], [0.0])
    same = vikor(np.tile([3.0, 4.0], (4, 1)), [0.5, 0.5], [1, -1])
    assert same.Q.tolist() == [0.0] * 4
    c = vikor_compromise(one)
    assert int(c.best) == 0
    assert c.members.tolist() == [True]
    assert c.dq == 0.0


def test_equal_s_spread_zero_term() -> None:
    """S equal for all (S- = S*): the S-term is 0 and Q is the R-term alone."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    res = vikor(x, [0.5, 0.5], [1, 1], v=0.5)
    np.testing.assert_allclose(res.S, [0.5, 0.5, 0.5], atol=1e-15)
    np.testing.assert_allclose(res.Q, [0.5, 0.5, 0.0], atol=1e-15)


# ----------------------------------------------------------------- compromise solution
def _result(s: list[float], r: list[float], v: float = 0.5) -> VikorResult:
    sa, ra = np.array(s), np.array(r)
    q = v * (sa - sa.min()) / np.ptp(sa) + (1 - v) * (ra - ra.min()) / np.ptp(ra)
    return VikorResult(S=sa, R=ra, Q=q, v=v)


def test_compromise_c2_fails_gives_first_two() -> None:
    """Q = (0.5, 0.5, 0.2, 0.9, 0.9): a' = 2 leads by 0.3 >= DQ = 0.25 (C1), but S is lowest for
    alternative 0 and R for alternative 1 (C2 fails): compromise {a', a''} = {2, 0}."""
    c = vikor_compromise(_result([0.0, 1.0, 0.2, 0.9, 0.9], [1.0, 0.0, 0.2, 0.9, 0.9]))
    assert int(c.best) == 2
    assert bool(c.acceptable_advantage)
    assert not bool(c.acceptable_stability)
    assert c.members.tolist() == [True, False, True, False, False]


def test_compromise_c1_fails_gives_all_within_dq() -> None:
    """Q = (0.5, 0.5, 0.4): lead 0.1 < DQ = 0.5, so every alternative with Q - Q(a') < 0.5."""
    c = vikor_compromise(_result([0.0, 1.0, 0.4], [1.0, 0.0, 0.4]))
    assert int(c.best) == 2
    assert not bool(c.acceptable_advantage)
    assert c.members.tolist() == [True, True, True]


def test_compromise_batch_equals_rows() -> None:
    rng = np.random.default_rng(9)
    x = rng.uniform(0.0, 1.0, size=(6, 3))
    w = rng.dirichlet(np.ones(3), size=20)
    batch = vikor_compromise(vikor(x, w, [1, -1, 1]))
    for i in range(20):
        one = vikor_compromise(vikor(x, w[i], [1, -1, 1]))
        assert int(one.best) == batch.best[i]
        assert bool(one.acceptable_advantage) == batch.acceptable_advantage[i]
        assert bool(one.acceptable_stability) == batch.acceptable_stability[i]
        assert one.members.tolist() == batch.members[i].tolist()


def test_results_are_frozen_and_read_only() -> None:
    res = vikor(CLIMB_F, [0.5, 0.5], [-1, 1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.v = 0.1  # type: ignore[misc]
    for arr in (res.S, res.R, res.Q):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1.0
    c = vikor_compromise(res)
    with pytest.raises(ValueError, match="read-only"):
        c.members[0] = True


# ----------------------------------------------------------------- properties
@st.composite
def problems(draw: st.DrawFn, min_rows: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(min_rows, 8))
    m = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, m), elements=st.floats(-1000.0, 1000.0)))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=m, max_size=m)))
    if raw.sum() == 0:
        raw[0] = 1.0
    return x, raw / raw.sum(), types


@given(problems(), st.floats(0.0, 1.0))
def test_ranges(problem: tuple[np.ndarray, np.ndarray, np.ndarray], v: float) -> None:
    x, w, types = problem
    res = vikor(x, w, types, v=v)
    assert ((res.Q >= 0.0) & (res.Q <= 1.0)).all()
    assert ((res.S >= 0.0) & (res.S <= 1.0 + 4e-16)).all()
    assert (res.R <= res.S + 1e-15).all()
    assert (res.R >= 0.0).all()


@given(problems(), st.data())
def test_invariant_to_positive_affine_change_of_units(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    """VIKOR's linear normalisation: x -> a x + b (a > 0) per column changes nothing (cf. problem phi)."""
    x, w, types = problem
    m = x.shape[1]
    a = np.array(data.draw(st.lists(st.sampled_from([0.5, 2.0, 4.0, 1024.0]), min_size=m, max_size=m)))
    b = np.array(data.draw(st.lists(st.sampled_from([-8.0, 0.0, 16.0]), min_size=m, max_size=m)))
    x = np.round(x)  # integers: the change of units is exact in binary
    before, after = vikor(x, w, types), vikor(x * a + b, w, types)
    np.testing.assert_allclose(after.Q, before.Q, rtol=0, atol=1e-12)


@given(problems(), st.randoms(use_true_random=False))
def test_permutation_of_alternatives_permutes_results(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], rnd: Any
) -> None:
    x, w, types = problem
    perm = np.array(rnd.sample(range(x.shape[0]), x.shape[0]))
    a, b = vikor(x[perm], w, types), vikor(x, w, types)
    for name in ("S", "R", "Q"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name)[perm], rtol=0, atol=1e-13)


@given(problems(), st.data())
def test_batch_rows_equal_single_calls(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    x, w, types = problem
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    batch_w = np.vstack([w, rng.dirichlet(np.ones(x.shape[1]), size=3)])
    batch = vikor(x, batch_w, types)
    for i in range(4):
        one = vikor(x, batch_w[i], types)
        for name in ("S", "R", "Q"):
            np.testing.assert_allclose(getattr(batch, name)[i], getattr(one, name), rtol=0, atol=1e-13)


@given(problems(min_rows=2))
def test_dominating_alternative_gets_q_zero(problem: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, w, types = problem
    best = np.where(types > 0, x.max(axis=0), x.min(axis=0))
    res = vikor(np.vstack([x, best]), w, types)
    assert res.S[-1] == 0.0
    assert res.R[-1] == 0.0
    assert res.Q[-1] == 0.0
    for arr in (res.S, res.R, res.Q):  # no negative zeros (they would print as -0.0 in reports)
        assert not np.signbit(arr).any()


# ----------------------------------------------------------------- input handling
def test_read_only_inputs() -> None:
    x = CLIMB_F.copy()
    w = np.array([0.5, 0.5])
    t = np.array([-1, 1])
    for a in (x, w, t):
        a.setflags(write=False)
    res = vikor(x, w, t)
    np.testing.assert_allclose(res.Q, [1.0, 0.0, 1.0], atol=1e-15)
    assert np.array_equal(x, CLIMB_F)


_X = [[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]]
BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: vikor([[1.0, 2.0], [3.0, 1.0], [2.0, np.nan]], [0.5, 0.5], [1, 1]), InputError,
     "matrix[2, 1] is nan"),
    (lambda: vikor([[1.0, np.inf]], [0.5, 0.5], [1, 1]), InputError, "matrix[0, 1] is inf"),
    (lambda: vikor([[[1.0]]], [1.0], [1]), InputError, "must be 2-D"),
    (lambda: vikor(np.empty((0, 2)), [0.5, 0.5], [1, 1]), InputError, "at least 1 alternative"),
    (lambda: vikor(_X, [0.5, 0.5, 0.0], [1, 1]), InputError, "expected 2"),
    (lambda: vikor(_X, [0.2, 0.2], [1, 1]), InputError, "weights sums to 0.4"),
    (lambda: vikor(_X, [-0.5, 1.5], [1, 1]), InputError, "weights[0] is -0.5"),
    (lambda: vikor(_X, [0.5, 0.5], [1, "up"]), InputError, "types[1] is 'up'"),
    (lambda: vikor(_X, [0.5, 0.5], [1, 1], v=1.5), InputError, "v is 1.5; v must be a number in [0, 1]"),
    (lambda: vikor(_X, [0.5, 0.5], [1, 1], v=-0.1), InputError, "v is -0.1"),
    (lambda: vikor(_X, [0.5, 0.5], [1, 1], v=float("nan")), InputError, "v is nan"),
    (lambda: vikor(_X, [0.5, 0.5], [1, 1], v=True), InputError, "v is True"),
    (lambda: vikor(_X, [0.5, 0.5], [1, 1], v="0.5"), InputError, "v is '0.5'"),
    (lambda: vikor_compromise(np.zeros(3)), InputError, "result must be a VikorResult"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
