"""Grey relational analysis: grades, coefficients, factor-to-outcome relational degrees."""

from __future__ import annotations

import doctest
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppeval import normalize
from ppeval.errors import DegenerateError, InputError
from ppeval.methods import gra, grey_coefficients, relational_degrees

#: Yıldırım, B. F. & Önder, E. (eds.) (2015). Çok Kriterli Karar Verme Yöntemleri (2nd ed.), Dora,
#: grey relational analysis example (5 alternatives, 6 criteria), as reproduced with its printed grades
#: in the documentation and tests of the Julia package JMcDM (Satman et al. 2021).
YO_X = np.array(
    [
        [105000.0, 105, 10, 4, 300, 10],
        [120000, 110, 15, 4, 500, 8],
        [150000, 120, 12, 3, 550, 12],
        [115000, 105, 20, 4, 600, 9],
        [135000, 115, 15, 5, 400, 9],
    ]
)
YO_T = np.array([-1, 1, -1, 1, 1, -1])
YO_W = np.array([0.05, 0.20, 0.10, 0.15, 0.10, 0.40])
YO_GRADES = np.array([0.525, 0.7007142857142857, 0.5464285714285715, 0.5762820512820512, 0.650952380952381])


def test_published_example() -> None:
    """Yıldırım & Önder (2015) via JMcDM: grades 0.525, 0.7007, 0.5464, 0.5763, 0.6510 (tolerance 1e-4 as JMcDM)."""
    np.testing.assert_allclose(gra(YO_X, YO_W, YO_T), YO_GRADES, atol=1e-4)
    assert int(np.argmax(gra(YO_X, YO_W, YO_T))) == 1


def _plain(x: np.ndarray, w: np.ndarray, t: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Deng's formula written out (the textbook MATLAB recipe: min-max, reference = column max, two-level min/max)."""
    r = np.empty_like(x)
    for j in range(x.shape[1]):
        c = x[:, j]
        span = c.max() - c.min()
        if span == 0:
            r[:, j] = 1.0
        elif t[j] > 0:
            r[:, j] = (c - c.min()) / span
        else:
            r[:, j] = (c.max() - c) / span
    delta = np.abs(r.max(axis=0) - r)
    a, b = delta.min(), delta.max()
    xi = (a + rho * b) / (delta + rho * b)
    return xi, xi @ w.T


@pytest.mark.parametrize("seed", range(6))
def test_matches_plain_formula_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 40)), int(rng.integers(1, 8))
    x = rng.normal(10.0, 3.0, size=(n, m))
    x[:, 0] = np.round(x[:, 0])  # ties
    t = rng.choice([-1, 1], size=m)
    w = rng.dirichlet(np.ones(m), size=3)
    rho = float(rng.uniform(0.1, 1.0))
    xi, grades = _plain(x, w, t, rho)
    np.testing.assert_allclose(grey_coefficients(x, t, rho=rho), xi, rtol=1e-12)
    np.testing.assert_allclose(gra(x, w, t, rho=rho), grades.T, rtol=1e-12)
    np.testing.assert_allclose(gra(x, w[1], t, rho=rho), grades[:, 1], rtol=1e-12)


def test_row_blocks_give_the_same_result() -> None:
    """More rows than one block: blocked computation equals the plain formula."""
    rng = np.random.default_rng(9)
    x = rng.uniform(0, 1, size=(20_000, 4))
    w = np.array([0.1, 0.2, 0.3, 0.4])
    t = np.array([1, -1, 1, 1])
    np.testing.assert_allclose(gra(x, w, t), _plain(x, w, t, 0.5)[1], rtol=1e-12)


def test_absolute_mode_is_independent_of_other_projects() -> None:
    x = YO_X
    b = np.array([[200000, 50000], [80, 150], [30, 5], [0, 6], [0, 800], [20, 5]], dtype=float)
    full = gra(x, YO_W, YO_T, bounds=b)
    for i in range(x.shape[0]):
        assert gra(x[i : i + 1], YO_W, YO_T, bounds=b)[0] == pytest.approx(full[i], rel=1e-14)
    r = normalize.minmax(x, YO_T, bounds=b)
    np.testing.assert_allclose(grey_coefficients(x, YO_T, bounds=b), 0.5 / (1 - r + 0.5), rtol=1e-14)


def test_edge_cases() -> None:
    # constant column: every coefficient 1 there, so it adds w_j to every grade
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    xi = grey_coefficients(x, [1, 1])
    np.testing.assert_array_equal(xi[:, 1], 1.0)
    # every column constant (or one alternative): all grades 1
    np.testing.assert_array_equal(gra([[1.0, 2.0], [1.0, 2.0]], [0.5, 0.5], [1, -1]), [1.0, 1.0])
    np.testing.assert_array_equal(gra([[1.0, 2.0]], [0.5, 0.5], [1, -1]), [1.0])
    # two alternatives: the better one is the reference on its criteria
    g = gra([[1.0, 1.0], [2.0, 2.0]], [0.5, 0.5], [1, 1])
    np.testing.assert_allclose(g, [1 / 3, 1.0])
    # ties get equal grades
    g = gra([[1.0, 3.0], [1.0, 3.0], [2.0, 1.0]], [0.6, 0.4], [1, 1])
    assert g[0] == g[1]
    # smaller rho spreads the grades
    assert np.ptp(gra(YO_X, YO_W, YO_T, rho=0.2)) > np.ptp(gra(YO_X, YO_W, YO_T, rho=0.9))


@given(st.floats(0.05, 1.0))
def test_grades_in_range_and_monotone_in_each_criterion(rho: float) -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, size=(8, 3))
    w = np.array([0.3, 0.3, 0.4])
    g = gra(x, w, [1, 1, 1], rho=rho)
    assert (g > 0).all()
    assert (g <= 1 + 1e-15).all()
    y = x.copy()
    y[0, 1] = x[:, 1].max()  # improve one project on one criterion (stays within the range)
    assert gra(y, w, [1, 1, 1], rho=rho)[0] >= g[0] - 1e-15


# ------------------------------------------------------------------------ relational degrees
def test_relational_degrees_plain_formula_and_order() -> None:
    rng = np.random.default_rng(2)
    y = rng.uniform(5, 10, size=12)
    f = np.column_stack([y * 1.3 + rng.normal(0, 0.1, 12), rng.uniform(5, 10, 12), 20 - y])
    res = relational_degrees(f, y)
    yn = y / y.mean()
    fn = f / f.mean(axis=0)
    d = np.abs(fn - yn[:, None])
    xi = (d.min() + 0.5 * d.max()) / (d + 0.5 * d.max())
    np.testing.assert_allclose(res.coefficients, xi, rtol=1e-12)
    np.testing.assert_allclose(res.degrees, xi.mean(axis=0), rtol=1e-12)
    assert res.order[0] == 0  # the factor proportional to the outcome is the most related
    ini = relational_degrees(f, y, normalization="initial")
    d = np.abs(f / f[0] - (y / y[0])[:, None])
    np.testing.assert_allclose(ini.degrees, ((d.min() + 0.5 * d.max()) / (d + 0.5 * d.max())).mean(axis=0))


def test_relational_degree_of_a_proportional_factor_is_one() -> None:
    y = np.array([1.0, 2.0, 4.0, 3.0])
    res = relational_degrees(np.column_stack([2 * y, [4.0, 1.0, 2.0, 3.0]]), y)
    assert res.degrees[0] == pytest.approx(1.0)
    assert res.degrees[1] < 1.0


BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: gra(YO_X, YO_W, YO_T, rho=0.0), InputError, "rho is 0.0"),
    (lambda: gra(YO_X, YO_W, YO_T, rho=1.5), InputError, "(0, 1]"),
    (lambda: gra(YO_X, YO_W, YO_T, rho="0.5"), InputError, "rho is '0.5'"),  # type: ignore[arg-type]
    (lambda: gra(YO_X, YO_W[:5], YO_T), InputError, "weights"),
    (lambda: gra(YO_X, YO_W, YO_T[:5]), InputError, "types"),
    (lambda: gra([[1.0, np.nan]], [0.5, 0.5], [1, 1]), InputError, "matrix[0, 1] is nan"),
    (lambda: gra([[5.0]], [1.0], [1], bounds=[[0, 4]]), InputError, "lies outside"),
    (lambda: grey_coefficients([[1.0]], [1], bounds=[[4, 0]]), InputError, "bounds[0]"),
    (lambda: relational_degrees([[1.0], [2.0]], [1.0, 2.0, 3.0]), InputError, "outcome"),
    (lambda: relational_degrees([[1.0], [-2.0]], [1.0, 2.0]), InputError, "factors[:, 0] has mean"),
    (lambda: relational_degrees([[1.0], [2.0]], [-1.0, -2.0]), InputError, "outcome has mean"),
    (lambda: relational_degrees([[1.0], [2.0]], [1.0, 2.0], normalization="z"), InputError, "normalization is 'z'"),
    (lambda: relational_degrees([[1.0], [2.0]], [2.0, 4.0]), DegenerateError, "every factor equals"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_module_doctests_run() -> None:
    mod = importlib.import_module("ppeval.methods.gra")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted >= 3


@pytest.mark.parametrize("rho", [1e-17, 1e-300, 5e-324])
def test_tiny_rho_is_computed_not_divided_by_zero(rho: float) -> None:
    """rho is documented as any number in (0, 1]; 1 + rho * d_max rounded rho < 1.1e-16 away, so the best
    cells divided 0 by 0 (RuntimeWarning; the CLI's --rho 1e-300 was an internal error). Best cells keep
    xi = 1, the others tend to 0 as rho -> 0 (Deng's formula, rho * d_max / (delta + rho * d_max))."""
    x = np.array([[1.0, 5.0], [2.0, 3.0], [4.0, 4.0]])
    t = [1, -1]
    xi = grey_coefficients(x, t, rho=rho)
    assert np.isfinite(xi).all()
    np.testing.assert_array_equal(xi[[2, 1], [0, 1]], [1.0, 1.0])
    assert (xi[[0, 0], [0, 1]] < 1e-15).all()
    g = gra(x, [0.5, 0.5], t, rho=rho)
    assert np.isfinite(g).all()
    assert ((g >= 0) & (g <= 1)).all()
    np.testing.assert_allclose(g, xi @ [0.5, 0.5])
    deg = relational_degrees(np.array([[1.0, 2.0], [2.0, 2.5], [3.0, 3.5]]), [1.0, 2.0, 3.0], rho=rho)
    assert np.isfinite(deg.coefficients).all()


def test_relational_degrees_near_float64_max() -> None:
    """Factors near 1.8e308: their column sum overflowed in the mean (RuntimeWarning), and opposite-signed
    values overflowed in the raw deviations; both are computed (scale-free), a ratio beyond float64 is an
    InputError naming the cell."""
    y = [1.0, 2.0, 3.0]
    big = np.array([[1.7e308, 1.0], [1.0e308, 2.0], [1.5e308, 3.0]])
    r = relational_degrees(big, y, normalization="mean")
    ref = relational_degrees(big / 1e300, y, normalization="mean")
    np.testing.assert_allclose(r.coefficients, ref.coefficients, rtol=1e-12)
    opp = np.array([[1.7e308, 1.0], [-1.7e308, 2.0], [1.5e308, 3.0]])
    r = relational_degrees(opp, [-1.7e308, 1.7e308, 0.0], normalization="none")
    ref = relational_degrees(opp / 2**1000, np.array([-1.7e308, 1.7e308, 0.0]) / 2**1000, normalization="none")
    np.testing.assert_allclose(r.coefficients, ref.coefficients, rtol=1e-12)
    with pytest.raises(InputError, match=r"factors\[1, 0\] = 1e\+300 and outcome\[1\] = 2.0 differ"):
        relational_degrees([[1e-300, 1.0], [1e300, 2.0]], [1.0, 2.0], normalization="initial")
