"""Critical weight changes (Triantaphyllou & Sánchez 1997): verified by applying them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ppeval import methods
from ppeval.errors import InputError
from ppeval.sensitivity import critical_weight_changes
from ppeval.sensitivity._common import as_problem
from ppeval.sensitivity._kernels import build_scorer
from ppeval.sensitivity.critical import _search
from ppeval.sensitivity.oat import oat_weights

RNG = np.random.default_rng(31)
X = RNG.uniform(1, 10, size=(7, 4))
W = np.array([0.4, 0.3, 0.2, 0.1])
T = np.array([1, -1, 1, 1])


def scores(method: str, x: np.ndarray, w: np.ndarray, t: np.ndarray, normalization: str | None = None) -> np.ndarray:
    if method == "topsis":
        return methods.topsis(x, w, t, normalization=normalization or "vector")
    if method == "wsm":
        return methods.wsm(x, w, t, normalization=normalization or "minmax")
    return -methods.vikor(x, w, t).Q  # oriented: larger is better


def at(w: np.ndarray, k: int, value: float) -> np.ndarray:
    return oat_weights(w, np.array([k]), np.array([[value]]))[0, 0]


def top_changed(s: np.ndarray, leader: int) -> bool:
    return bool(np.delete(s, leader).max() > s[leader])


def test_hand_worked_wsm_example() -> None:
    """Theorem 1 of Triantaphyllou & Sánchez (1997) on a 3 x 2 problem worked by hand.

    Max-normalised a = [[1, .25], [4/9, 1], [1/3, .375]], w = (.6, .4): P = (.7, .6667, .35).
    Raising w_2: A2 catches A1 at Δ = (P1 - P2)/(a_22 - a_12) = (1/30)/0.75 = 2/45, i.e. the
    renormalised w_2* = (0.4 + 2/45)/(1 + 2/45) = 20/47 = 0.425532 (relative change 11.11 %).
    Lowering w_1 is the same move seen from criterion 1: Δ = (1/30)/(4/9 - 1) = -0.06,
    w_1* = 0.54/0.94 = 0.574468 (relative change -10 %).
    """
    a = np.array([[0.9, 0.2], [0.4, 0.8], [0.3, 0.3]])
    r = critical_weight_changes(a, [0.6, 0.4], [1, 1], method="wsm", normalization="max")
    assert r.exact
    assert r.leader == 0
    assert r.top.feasible.tolist() == [[False, True], [True, False]]
    assert r.top.new_weight[1, 0] == pytest.approx(20 / 47, abs=1e-15)
    assert r.top.ts_change[1, 0] == pytest.approx(2 / 45, abs=1e-15)
    assert r.top.relative_percent[1, 0] == pytest.approx(100 * (2 / 45) / 0.4, abs=1e-12)
    assert r.top.new_weight[0, 1] == pytest.approx(0.54 / 0.94, abs=1e-15)
    assert r.top.ts_change[0, 1] == pytest.approx(-0.06, abs=1e-15)
    assert r.top.relative_percent[0, 1] == pytest.approx(-10.0, abs=1e-12)
    assert r.top.taker[1, 0] == 1
    assert r.top.taker[0, 1] == 1
    # the two views are one move: same new weight vector
    np.testing.assert_allclose(at(np.array([0.6, 0.4]), 1, 20 / 47), at(np.array([0.6, 0.4]), 0, 0.54 / 0.94))
    assert r.most_critical_top_relative == 0  # 10 % < 11.1 %
    assert r.most_critical_top_absolute == 1  # |2/45| < |-0.06|


@pytest.mark.parametrize("method", ["wsm", "topsis", "vikor"])
def test_top_change_verified_by_applying_it(method: str) -> None:
    """Applying the critical change (a hair beyond) changes the top; a hair before it does not."""
    r = critical_weight_changes(X, W, T, method=method)
    assert r.top.feasible.any()
    eps = 1e-9 if method == "wsm" else 2 * r.tolerance + 1e-12
    for k in range(4):
        for d in range(2):
            if not r.top.feasible[k, d]:
                continue
            t_star = r.top.new_weight[k, d]
            sign = 1.0 if d == 0 else -1.0
            beyond = t_star + (sign * 1e-9 if method == "wsm" else 0.0)
            before = t_star - sign * eps
            s_beyond = scores(method, X, at(W, k, beyond), T)
            s_before = scores(method, X, at(W, k, before), T)
            assert top_changed(s_beyond, r.leader), (k, d)
            assert not top_changed(s_before, r.leader), (k, d)
            assert np.argmax(s_beyond) == r.top.taker[k, d]


@pytest.mark.parametrize("method", ["wsm", "topsis", "vikor"])
def test_pair_swaps_verified_by_applying_them(method: str) -> None:
    r = critical_weight_changes(X, W, T, method=method)
    assert r.pairs.feasible.shape == (4, 2, X.shape[0] - 1)
    eps = 1e-9 if method == "wsm" else 2 * r.tolerance + 1e-12
    checked = 0
    for k, d, p in zip(*np.nonzero(r.pairs.feasible), strict=True):
        up, lo = r.pair_alternatives[p]
        t_star = r.pairs.new_weight[k, d, p]
        sign = 1.0 if d == 0 else -1.0
        beyond = t_star + (sign * 1e-9 if method == "wsm" else 0.0)
        s_beyond = scores(method, X, at(W, k, beyond), T)
        s_before = scores(method, X, at(W, k, t_star - sign * eps), T)
        assert s_beyond[lo] > s_beyond[up]
        assert s_before[lo] <= s_before[up]
        assert r.pairs.taker[k, d, p] == lo
        checked += 1
    assert checked > 5


def test_no_change_before_the_critical_point_on_the_whole_path() -> None:
    """Between the base and the reported weight, the top never changes (dense check, TOPSIS)."""
    r = critical_weight_changes(X, W, T, method="topsis")
    for k, d in zip(*np.nonzero(r.top.feasible), strict=True):
        t_star = r.top.new_weight[k, d]
        grid = np.linspace(W[k], t_star, 400)[:-1]
        ws = oat_weights(W, np.array([k]), grid[None, :])[0]
        s = methods.topsis(X, ws, T)
        others = np.delete(s, r.leader, axis=1)
        assert (others.max(axis=1) <= s[:, r.leader]).all()


def test_closed_form_equals_search_for_wsm() -> None:
    """The generic bracket-and-shrink search reproduces the WSM closed form."""
    r = critical_weight_changes(X, W, T, method="wsm")
    p = as_problem(X, W, T, method="wsm", normalization=None, bounds=None, v=0.5)
    sc = build_scorer(p.matrix, p.types, method="wsm", normalization="minmax", bounds=None, v=0.5,
                      support=np.ones(4, bool))
    top, pairs = _search(p, sc, r.order, 64, 1e-12)
    np.testing.assert_array_equal(top.feasible, r.top.feasible)
    np.testing.assert_array_equal(pairs.feasible, r.pairs.feasible)
    np.testing.assert_allclose(top.new_weight, r.top.new_weight, atol=1e-10)
    np.testing.assert_allclose(pairs.new_weight, r.pairs.new_weight, atol=1e-10)
    np.testing.assert_array_equal(top.taker, r.top.taker)


def test_derived_fields_are_consistent() -> None:
    r = critical_weight_changes(X, W, T, method="topsis")
    for c in (r.top, r.pairs):
        wk = W.reshape((-1,) + (1,) * (c.feasible.ndim - 1))
        f = c.feasible
        nw = np.where(f, c.new_weight, np.nan)
        np.testing.assert_allclose(np.where(f, c.change, 0), np.where(f, nw - wk, 0), atol=1e-15)
        d = np.where(f, c.ts_change, 0)
        np.testing.assert_allclose(np.where(f, (wk + d) / (1 + d), 0), np.where(f, nw, 0), atol=1e-12)
        np.testing.assert_allclose(c.relative_percent, np.where(f, 100 * d / wk, 0), atol=1e-9)
        assert np.isfinite(c.ts_change).all()
        assert np.isfinite(c.relative_percent).all()
        np.testing.assert_array_equal(c.new_weight[~f], 0.0)
        np.testing.assert_array_equal(c.taker[~f], -1)
        # increases raise the weight, decreases lower it
        assert (c.change[:, 0][c.feasible[:, 0]] >= 0).all()
        assert (c.change[:, 1][c.feasible[:, 1]] <= 0).all()


def test_dominating_alternative_cannot_be_overtaken() -> None:
    """Nothing in [0, 1] changes the top: an explicit infeasible marker, no inf/nan."""
    x = X.copy()
    x[3] = np.where(T > 0, x.max(axis=0) + 1, x.min(axis=0) - 0.5)
    for method in ("wsm", "topsis", "vikor"):
        r = critical_weight_changes(x, W, T, method=method)
        assert r.leader == 3
        assert not r.top.feasible.any()
        np.testing.assert_array_equal(r.top.new_weight, 0.0)
        np.testing.assert_array_equal(r.top.taker, -1)
        assert r.most_critical_top_absolute == -1
        assert r.most_critical_top_relative == -1


def test_zero_weight_relative_undefined_and_single_alternative() -> None:
    w = np.array([0.5, 0.0, 0.3, 0.2])
    r = critical_weight_changes(X, w, T, method="wsm")
    assert not r.top.feasible[1, 1]  # cannot lower a zero weight
    assert not r.top.relative_defined[1].any()
    np.testing.assert_array_equal(r.top.relative_percent[1], 0.0)
    one = critical_weight_changes(X[:1], W, T, method="topsis")
    assert not one.top.feasible.any()
    assert one.pairs.feasible.shape == (4, 2, 0)


@given(
    st.lists(st.integers(0, 30), min_size=12, max_size=12),
    st.lists(st.integers(1, 9), min_size=3, max_size=3),
)
def test_wsm_critical_changes_property(vals: list[int], raw_w: list[int]) -> None:
    x = np.array(vals, dtype=float).reshape(4, 3)
    w = np.array(raw_w, dtype=float) / sum(raw_w)
    t = np.array([1, 1, -1])
    assume(np.ptp(x, axis=0).min() > 0)
    r = critical_weight_changes(x, w, t, method="wsm")
    base = methods.wsm(x, w, t)
    assume(np.min(np.abs(np.diff(np.sort(base)))) > 1e-6)
    for k, d in zip(*np.nonzero(r.top.feasible), strict=True):
        sign = 1.0 if d == 0 else -1.0
        t_star = r.top.new_weight[k, d]
        if 0.0 < t_star + sign * 1e-7 < 1.0:
            assert top_changed(methods.wsm(x, at(w, k, t_star + sign * 1e-7), t), r.leader)
        assert not top_changed(methods.wsm(x, at(w, k, t_star - sign * 1e-7), t), r.leader)


BAD = [
    (lambda: critical_weight_changes(X, W, T, method="electre"), "method is 'electre'"),
    (lambda: critical_weight_changes(X, W, T, grid=1), "grid is 1"),
    (lambda: critical_weight_changes(X, W, T, tol=0.0), "tol is 0.0"),
    (lambda: critical_weight_changes(X, W, T, tol=0.5), "tol is 0.5"),
    (lambda: critical_weight_changes(X, [0.5, 0.5, 0.5, -0.5], T), "weights[3] is -0.5"),
    (lambda: critical_weight_changes(X, W, T, method="vikor", normalization="max"), "uses its own"),
    (lambda: critical_weight_changes(np.full((3, 4), np.inf), W, T), "matrix[0, 0] is inf"),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_input(call, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert fragment in str(err.value)


@pytest.mark.parametrize("module", ["ppeval.sensitivity.critical"])
def test_docstring_examples_run(module: str) -> None:
    """The numpydoc Examples of the module run and print what they show."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("case", range(12))
def test_topsis_closed_form_equals_fine_search(case: int) -> None:
    """TOPSIS critical changes from the quadratic's roots (confirmed by bracketing) equal the generic
    bracket-and-shrink search on a fine grid: relative and absolute mode, ties, zero weights, w_k = 1."""
    rng = np.random.default_rng(100 + case)
    n, m = int(rng.integers(2, 25)), int(rng.integers(2, 6))
    x = rng.uniform(1, 10, size=(n, m))
    if case % 3 == 0:
        x = np.round(x)  # exact ties
    w = rng.dirichlet(np.ones(m))
    if case % 4 == 1:
        w[0] = 0.0
        w /= w.sum()
    if case == 5:
        w = np.eye(m)[1]
    t = rng.choice([1, -1], m)
    bounds = np.column_stack([np.where(t > 0, 0.0, 11.0), np.where(t > 0, 11.0, 0.0)]) if case % 2 else None
    r = critical_weight_changes(x, w, t, method="topsis", bounds=bounds)
    assert not r.exact
    assert r.grid == 0
    assert r.tolerance == 1e-10
    p = as_problem(x, w, t, method="topsis", normalization=None, bounds=bounds, v=0.5)
    sc = build_scorer(p.matrix, p.types, method="topsis", normalization=p.kernel_normalization, bounds=p.bounds,
                      v=0.5, support=np.ones(m, bool))
    top, pairs = _search(p, sc, r.order, 1024, 1e-10)
    for got, ref in ((r.top, top), (r.pairs, pairs)):
        np.testing.assert_array_equal(got.feasible, ref.feasible)
        np.testing.assert_allclose(got.new_weight, ref.new_weight, atol=1e-9)
        np.testing.assert_array_equal(got.taker, ref.taker)


def test_topsis_critical_changes_linear_in_n() -> None:
    """20,000 projects: every pair handled at once (closed form), in seconds and bounded memory; the swaps
    reported for a sample of pairs are verified with methods.topsis."""
    import time
    import tracemalloc

    rng = np.random.default_rng(3)
    x = rng.uniform(1, 10, size=(20_000, 5))
    w = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    t = np.array([1, 1, -1, 1, 1])
    tracemalloc.start()
    t0 = time.process_time()
    r = critical_weight_changes(x, w, t, method="topsis")
    cpu = time.process_time() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert cpu < 30.0
    assert peak < 200 * 2**20  # about 10 (m, 2, n) arrays of 8 bytes: 16 MB
    assert r.pairs.feasible.mean() > 0.5
    k, d = 2, 0
    for p in rng.choice(np.flatnonzero(r.pairs.feasible[k, d]), size=5, replace=False):
        up, lo = r.pair_alternatives[p]
        t_star = r.pairs.new_weight[k, d, p]
        s_full_at = methods.topsis(x, at(w, k, t_star), t)
        s_full_before = methods.topsis(x, at(w, k, t_star - 2 * r.tolerance - 1e-12), t)
        assert s_full_at[lo] > s_full_at[up]
        assert s_full_before[lo] <= s_full_before[up]
