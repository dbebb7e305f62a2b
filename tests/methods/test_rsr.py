"""Rank-sum ratio: ranks, weighted RSR, probit distribution, linear fit and grading."""

from __future__ import annotations

import doctest
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from ppeval.errors import InputError
from ppeval.methods import rsr

#: The textbook example of the rank-sum ratio (孙振球 (ed.), 医学统计学, comprehensive evaluation chapter;
#: after Tian Fengdiao): 10 regions A-J, antenatal examination rate (%, benefit), maternal mortality
#: (1/100,000, cost), perinatal mortality (‰, cost). Printed regression line: RSR = -0.6085 + 0.2217 Probit;
#: graded (3 grades) C and H good, J poor, the others medium.
TB_X = np.array([
    [99.54, 60.27, 16.15], [96.52, 59.67, 20.10], [99.36, 43.91, 15.60], [92.83, 58.99, 17.04],
    [91.71, 35.40, 15.01], [95.35, 44.71, 13.93], [96.09, 49.81, 17.43], [99.27, 31.69, 13.89],
    [94.76, 22.91, 19.87], [84.80, 81.49, 23.63],
])
TB_T = [1, -1, -1]


def test_published_textbook_example() -> None:
    """Printed: RSR = -0.6085 + 0.2217 Probit (4 decimals); C and H in the best grade, J in the worst."""
    res = rsr(TB_X, [1 / 3] * 3, TB_T)
    assert res.intercept == pytest.approx(-0.6085, abs=5e-5)
    assert res.slope == pytest.approx(0.2217, abs=5e-5)
    names = np.array(list("ABCDEFGHIJ"))
    assert set(names[res.grade == 1]) == {"C", "H"}
    assert set(names[res.grade == 3]) == {"J"}
    np.testing.assert_allclose(res.rsr[[2, 7, 9]], [23 / 30, 27 / 30, 3 / 30])


def _plain(x: np.ndarray, w: np.ndarray, t: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Independent route with pandas ranks and a per-group loop."""
    n = len(x)
    ranks = pd.DataFrame(x * np.array(t)).rank(method="average").to_numpy()
    score = ranks @ w / n
    vals = np.unique(score)
    probit = {}
    for k, v in enumerate(vals):
        below = int((score < v).sum())
        f = int((score == v).sum())
        p = (below + 1 + below + f) / 2 / n
        if k == len(vals) - 1:
            p = 1 - 1 / (4 * n)
        probit[v] = 5 + stats.norm.ppf(p)
    pv = np.array([probit[v] for v in vals])
    fit = np.polyfit(pv, vals, 1)
    return score, np.array([probit[v] for v in score]), fit


@pytest.mark.parametrize("seed", range(5))
def test_matches_plain_implementation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 30)), int(rng.integers(1, 6))
    x = np.round(rng.normal(10, 3, size=(n, m)))  # ties
    t = list(rng.choice([-1, 1], size=m))
    w = rng.dirichlet(np.ones(m))
    res = rsr(x, w, t)
    score, probit, (b, a) = _plain(x, w, t)
    np.testing.assert_allclose(res.rsr, score, rtol=1e-12)
    np.testing.assert_allclose(res.probit, probit, rtol=1e-12)
    if res.values.size >= 3:
        assert res.slope == pytest.approx(b, rel=1e-9)
        assert res.intercept == pytest.approx(a, rel=1e-9, abs=1e-12)
        assert res.fitted is not None
    # a better RSR never gets a worse grade
    order = np.argsort(res.rsr)
    assert (np.diff(res.grade[order]) <= 0).all()


def test_nonint_ranks() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    res = rsr(x, [0.5, 0.5], [1, -1], method="nonint")
    np.testing.assert_allclose(res.ranks[:, 0], [1.0, 1 + 2 * 1 / 3, 3.0])
    np.testing.assert_allclose(res.ranks[:, 1], 2.0)  # constant column: the average rank (n + 1)/2
    assert rsr(x, [0.5, 0.5], [1, -1]).ranks[:, 1].tolist() == [2.0, 2.0, 2.0]
    np.testing.assert_array_equal(rsr(x, [0.5, 0.5], [1, -1], method="non-int").ranks, res.ranks)


def test_two_objects_and_custom_cutoffs() -> None:
    res = rsr([[1.0], [2.0]], [1.0], [1])
    assert res.slope is None
    assert res.fitted is None
    assert res.rsr.tolist() == [0.5, 1.0]
    assert res.grade.tolist() == [2, 1]  # probits 5.0 and 5 + Phi^-1(7/8) = 6.15
    five = rsr(TB_X, [1 / 3] * 3, TB_T, grades=5)
    assert five.cutoffs.tolist() == [3.52, 4.48, 5.52, 6.48]
    custom = rsr(TB_X, [1 / 3] * 3, TB_T, cutoffs=[5.0])
    assert set(custom.grade.tolist()) == {1, 2}


BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: rsr([[1.0, 2.0]], [0.5, 0.5], [1, 1]), InputError, "at least 2 alternative"),
    (lambda: rsr(TB_X, [1 / 3] * 3, TB_T, method="float"), InputError, "method is 'float'"),
    (lambda: rsr(TB_X, [1 / 3] * 3, TB_T, grades=7), InputError, "grades is 7"),
    (lambda: rsr(TB_X, [1 / 3] * 3, TB_T, cutoffs=[6.0, 4.0]), InputError, "strictly increasing"),
    (lambda: rsr(TB_X, [1 / 3] * 3, TB_T, cutoffs=[-1.0]), InputError, "in (0, 10)"),
    (lambda: rsr(TB_X, [0.5, 0.5, 0.5], TB_T), InputError, "sum"),
    (lambda: rsr(TB_X, [[1 / 3] * 3] * 2, TB_T), InputError, "one weight vector"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_module_doctests_run() -> None:
    mod = importlib.import_module("ppeval.methods.rsr")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted >= 2


@given(
    arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 5)), elements=st.integers(0, 6).map(float)),
    st.sampled_from(["int", "nonint"]),
    st.integers(0, 2**32 - 1),
)
def test_rsr_range_and_permutation_equivariance(x: np.ndarray, method: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = x.shape[1]
    w = rng.dirichlet(np.ones(m))
    t = rng.choice([-1, 1], size=m)
    res = rsr(x, w, t, method=method)  # type: ignore[arg-type]
    n = x.shape[0]
    assert (res.rsr >= 1 / n - 1e-12).all()
    assert (res.rsr <= 1 + 1e-12).all()
    assert (res.grade >= 1).all()
    assert (res.grade <= 3).all()
    perm = rng.permutation(n)
    again = rsr(x[perm], w, t, method=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(again.rsr, res.rsr[perm], rtol=1e-12)
    np.testing.assert_array_equal(again.grade, res.grade[perm])
