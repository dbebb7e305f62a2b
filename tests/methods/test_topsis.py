"""ppeval.methods.topsis: published examples, pymcdm agreement, properties, degenerate and bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval.errors import InputError
from ppeval.methods import topsis

# Hwang & Yoon (1981), fighter-aircraft example: max speed (Mach), ferry range (NM),
# max payload (lb), acquisition cost ($10^6, cost), reliability, maneuverability.
AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
AIRCRAFT_TYPES = [1, 1, 1, -1, 1, 1]
AIRCRAFT_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]

# Opricovic & Tzeng (2004), numerical example: risk (1-5, cost) and altitude (m, benefit),
# problem f; problem phi is the same routes with risk + 5 and altitude in km above a 1000 m foothill.
CLIMB_F = np.array([[1.0, 3000.0], [2.0, 3750.0], [5.0, 4500.0]])
CLIMB_PHI = np.array([[6.0, 2.0], [7.0, 2.75], [10.0, 3.5]])


def _reference_topsis(x: np.ndarray, w: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Hwang & Yoon's TOPSIS written out step by step (vector normalisation, min ideal for cost)."""
    v = x / np.sqrt((x**2).sum(axis=0)) * w
    ideal = np.where(types > 0, v.max(axis=0), v.min(axis=0))
    anti = np.where(types > 0, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=1))
    return dm / (dp + dm)


# ----------------------------------------------------------------- published examples
def test_hwang_yoon_1981_fighter_aircraft() -> None:
    """Hwang & Yoon (1981), *Multiple Attribute Decision Making*, TOPSIS section, fighter-aircraft
    example: relative closeness printed to 3 decimals as C* = 0.643, 0.268, 0.613, 0.312 (ranking
    A1 > A3 > A4 > A2); the same values are reproduced in later texts using this example.

    The book rounds the weighted normalised matrix and the separations to 4 decimals before
    forming C*, so its third value (0.613 = 0.0920/0.1500) differs from the exact 0.61354 by
    5.4e-4; hence the tolerance 1e-3 (two units of the printed precision's half-step). Our own
    step-by-step recomputation agrees with ppeval to 1e-15.
    """
    c = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)
    np.testing.assert_allclose(c, [0.643, 0.268, 0.613, 0.312], rtol=0, atol=1e-3)
    assert list(np.argsort(-c)) == [0, 2, 3, 1]
    ref = _reference_topsis(AIRCRAFT, np.array(AIRCRAFT_WEIGHTS), np.array(AIRCRAFT_TYPES))
    np.testing.assert_allclose(c, ref, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    ("matrix", "printed"),
    [(CLIMB_F, [0.762, 0.722, 0.238]), (CLIMB_PHI, [0.489, 0.612, 0.511])],
    ids=["problem-f", "problem-phi"],
)
def test_opricovic_tzeng_2004_table3(matrix: np.ndarray, printed: list[float]) -> None:
    """Opricovic & Tzeng (2004), EJOR 156:445-455, Table 3, TOPSIS (vector normalisation, equal
    weights, risk a cost criterion): C* printed to 3 decimals; tolerance 5e-4 (half a printed unit).
    The two problems describe the same alternatives in different units; vector-normalised TOPSIS
    ranks them differently (A1 first for f, A2 first for phi), which the paper points out.
    """
    c = topsis(matrix, [0.5, 0.5], ["cost", "benefit"])
    np.testing.assert_allclose(c, printed, rtol=0, atol=5e-4)


# ----------------------------------------------------------------- pymcdm agreement
@pytest.mark.parametrize("name", ["vector", "minmax", "max", "sum"])
@pytest.mark.parametrize("seed", [3, 4])
def test_matches_pymcdm(name: str, seed: int) -> None:
    """pymcdm 1.4 TOPSIS with the same normalisation function, validation off, to 1e-12.

    Conventions match: pymcdm reverses cost columns inside the normalisation (1 - x/||x||,
    (max - x)/(max - min), 1 - x/max, (1/x)/sum(1/x)) exactly as ppeval.normalize does, then takes
    column max/min of the weighted matrix as ideal and anti-ideal.
    """
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, size=(12, 6)) * rng.uniform(0.01, 1000.0, size=6)
    w = rng.dirichlet(np.ones(6))
    types = np.array([1, -1, 1, 1, -1, -1])
    expected = TOPSIS(getattr(normalizations, f"{name}_normalization"))(x, w, types, validation=False)
    np.testing.assert_allclose(topsis(x, w, types, normalization=name), expected, rtol=0, atol=1e-12)


def test_blocked_path_matches_reference() -> None:
    """n larger than one row block, and a batch larger than one weight chunk: same as the plain formula."""
    rng = np.random.default_rng(5)
    x = rng.uniform(0.0, 10.0, size=(40_000, 4)) + 1e6  # large offset: gaps must stay exact
    types = np.array([1, -1, -1, 1])
    w = rng.dirichlet(np.ones(4), size=40)
    batch = topsis(x, w, types)
    for i in (0, 17, 39):
        np.testing.assert_allclose(batch[i], _reference_topsis(x, w[i], types), rtol=0, atol=1e-9)
        np.testing.assert_allclose(topsis(x, w[i], types), batch[i], rtol=0, atol=1e-13)
    # minmax: the offset 1e6 cancels in (x - min)/(max - min); exact gaps give 1e-12 agreement
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    expected = TOPSIS(normalizations.minmax_normalization)(x, w[3], types, validation=False)
    np.testing.assert_allclose(topsis(x, w[3], types, normalization="minmax"), expected, rtol=0, atol=1e-12)


# ----------------------------------------------------------------- absolute mode
def test_absolute_mode_by_hand() -> None:
    """r = (x - worst)/(best - worst); C = D-/(D+ + D-) with ideal r = 1 and anti-ideal r = 0."""
    bounds = [[0.0, 10.0], [100.0, 0.0]]
    c = topsis([[5.0, 20.0]], [0.5, 0.5], [1, -1], bounds=bounds)
    r = np.array([0.5, 0.8])
    dp = np.sqrt((0.25 * (1 - r) ** 2).sum())
    dm = np.sqrt((0.25 * r**2).sum())
    np.testing.assert_allclose(c, [dm / (dp + dm)], rtol=0, atol=1e-15)
    np.testing.assert_allclose(topsis([[0.0, 100.0], [10.0, 0.0]], [0.5, 0.5], [1, -1], bounds=bounds), [0, 1])


def test_absolute_with_data_extremes_equals_relative_minmax() -> None:
    """Bounds equal to the observed (worst, best) reproduce relative min-max TOPSIS exactly."""
    rng = np.random.default_rng(6)
    x = rng.uniform(-5.0, 5.0, size=(15, 4))
    types = np.array([1, -1, 1, -1])
    lo, hi = x.min(axis=0), x.max(axis=0)
    bounds = np.where(types[:, None] > 0, np.c_[lo, hi], np.c_[hi, lo])
    w = rng.dirichlet(np.ones(4), size=3)
    rel = topsis(x, w, types, normalization="minmax")
    np.testing.assert_allclose(topsis(x, w, types, bounds=bounds), rel, rtol=0, atol=1e-14)
    np.testing.assert_allclose(topsis(x, w, types, normalization="minmax", bounds=bounds), rel, atol=1e-14)


# ----------------------------------------------------------------- degenerate data
def test_single_alternative_relative_mode_is_half() -> None:
    """One alternative is its own ideal and anti-ideal: C = 0.5 (documented)."""
    assert topsis([[3.0, 4.0]], [0.5, 0.5], [1, -1]).tolist() == [0.5]


def test_identical_alternatives_tie_at_half() -> None:
    x = np.tile([2.0, 7.0, 1.0], (5, 1))
    for norm in ("vector", "minmax", "max", "sum"):
        assert topsis(x, [0.2, 0.3, 0.5], [1, -1, 1], normalization=norm).tolist() == [0.5] * 5


def test_weight_only_on_constant_column_gives_half_for_that_row_only() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    c = topsis(x, [[0.0, 1.0], [1.0, 0.0]], [1, 1])
    assert c[0].tolist() == [0.5, 0.5, 0.5]
    np.testing.assert_allclose(c[1], [0.0, 0.5, 1.0], atol=1e-15)


def test_constant_column_does_not_change_closeness() -> None:
    """A constant column adds nothing to D+ or D-; scaling the other weights by (1 - a) leaves C unchanged."""
    rng = np.random.default_rng(7)
    x = rng.uniform(1.0, 9.0, size=(6, 3))
    w = rng.dirichlet(np.ones(3))
    base = topsis(x, w, [1, -1, 1])
    x_c = np.c_[x, np.full(6, 4.2)]
    for norm in ("vector", "minmax", "max", "sum"):
        with_const = topsis(x_c, np.r_[w * 0.6, 0.4], [1, -1, 1, -1], normalization=norm)
        np.testing.assert_allclose(with_const, topsis(x, w, [1, -1, 1], normalization=norm), atol=1e-14)
    assert np.isfinite(base).all()


def test_tiny_weight_on_a_criterion_is_finite_and_silent() -> None:
    """A weight of 5e-160 (square subnormal) makes D-^2 subnormal: D+^2/D-^2 overflows; C -> 0."""
    x = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 1.0]])
    w = np.array([[1.0, 0.0, 5e-160], [0.0, 1.0 - 5e-160, 5e-160]])
    c = topsis(x, w, [1, 1, 1])
    np.testing.assert_allclose(c[0], [0.0, 1.0], atol=1e-150)
    np.testing.assert_allclose(c[1], [1.0, 0.0], atol=1e-15)
    for i in range(2):
        np.testing.assert_allclose(topsis(x, w[i], [1, 1, 1]), c[i], rtol=0, atol=1e-15)


def test_weights_near_underflow_are_finite_and_silent() -> None:
    """Squared weights of 1e-320 (subnormal) on the only varying criterion: no 0/0, no warning."""
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    for w in ([1e-160, 1.0 - 1e-160], [[1e-160, 1.0 - 1e-160], [0.5, 0.5]]):
        c = topsis(x, w, [1, 1])
        assert np.isfinite(c).all()
        assert ((c >= 0.0) & (c <= 1.0)).all()
    np.testing.assert_allclose(topsis(x, [[1e-160, 1.0 - 1e-160], [0.5, 0.5]], [1, 1])[1], [0.0, 0.5, 1.0])


def test_zero_column_is_finite() -> None:
    x = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]])
    for norm in ("vector", "minmax", "max", "sum"):
        c = topsis(x, [0.5, 0.5], [-1, 1], normalization=norm)
        np.testing.assert_allclose(c, [0.0, 0.5, 1.0], atol=1e-15)


# ----------------------------------------------------------------- properties
_val = st.floats(min_value=0.01, max_value=1000.0, allow_nan=False)


@st.composite
def problems(draw: st.DrawFn, min_rows: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(min_rows, 8))
    m = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, m), elements=_val))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=m, max_size=m)))
    if raw.sum() == 0:
        raw[0] = 1.0
    return x, raw / raw.sum(), types


_norms = st.sampled_from(["vector", "minmax", "max", "sum"])


@given(problems(), _norms)
def test_scores_in_unit_interval(problem: tuple[np.ndarray, np.ndarray, np.ndarray], norm: str) -> None:
    x, w, types = problem
    c = topsis(x, w, types, normalization=norm)
    assert c.shape == (x.shape[0],)
    assert ((c >= 0.0) & (c <= 1.0)).all()


@given(problems(), st.data())
def test_vector_invariant_to_positive_column_rescaling(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    x, w, types = problem
    m = x.shape[1]
    factor = np.array(data.draw(st.lists(st.floats(1e-3, 1e3), min_size=m, max_size=m)))
    np.testing.assert_allclose(topsis(x * factor, w, types), topsis(x, w, types), rtol=0, atol=1e-9)


@given(problems(), _norms, st.randoms(use_true_random=False))
def test_permutation_of_alternatives_permutes_scores(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], norm: str, rnd: Any
) -> None:
    x, w, types = problem
    perm = np.array(rnd.sample(range(x.shape[0]), x.shape[0]))
    np.testing.assert_allclose(
        topsis(x[perm], w, types, normalization=norm), topsis(x, w, types, normalization=norm)[perm],
        rtol=0, atol=1e-13,
    )


@given(problems(), _norms, st.data())
def test_batch_rows_equal_single_calls(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], norm: str, data: st.DataObject
) -> None:
    x, w, types = problem
    m = x.shape[1]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    batch_w = np.vstack([w, rng.dirichlet(np.ones(m), size=3)])
    batch = topsis(x, batch_w, types, normalization=norm)
    assert batch.shape == (4, x.shape[0])
    for i in range(4):
        np.testing.assert_allclose(batch[i], topsis(x, batch_w[i], types, normalization=norm), atol=1e-13)


@given(problems(min_rows=2), st.data())
def test_absolute_score_independent_of_other_projects(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    x, w, types = problem
    bounds = np.where(types[:, None] > 0, [[0.0, 1000.0]], [[1000.0, 0.0]])
    full = topsis(x, w, types, bounds=bounds)
    i = data.draw(st.integers(0, x.shape[0] - 1))
    alone = topsis(x[i : i + 1], w, types, bounds=bounds)
    subset = topsis(x[: i + 1], w, types, bounds=bounds)
    # equal to rounding: a 1-row and an n-row matrix-vector product may sum in a different order
    np.testing.assert_allclose(alone[0], full[i], rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(subset[i], full[i], rtol=1e-15, atol=1e-16)


@given(problems(min_rows=2), _norms)
def test_dominating_alternative_gets_top_score(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], norm: str
) -> None:
    """An alternative at least as good as every other on every criterion is the ideal itself: C = 1."""
    x, w, types = problem
    best = np.where(types > 0, x.max(axis=0), x.min(axis=0))
    x = np.vstack([x, best])
    c = topsis(x, w, types, normalization=norm)
    assert c[-1] == c.max()
    if not np.all(c == 0.5):  # unless every weighted criterion is constant (all tie)
        assert c[-1] == 1.0


# ----------------------------------------------------------------- input handling
def test_read_only_inputs() -> None:
    x = AIRCRAFT.copy()
    w = np.array([AIRCRAFT_WEIGHTS, AIRCRAFT_WEIGHTS])
    t = np.array(AIRCRAFT_TYPES)
    b = np.array([[1.0, 3.0], [1000, 3000], [15000, 25000], [8.0, 4.0], [1, 9], [1, 9]])
    for a in (x, w, t, b):
        a.setflags(write=False)
    before = [a.copy() for a in (x, w, t, b)]
    topsis(x, w, t)
    topsis(x, w, t, bounds=b)
    for a, a0 in zip((x, w, t, b), before, strict=True):
        assert np.array_equal(a, a0)


_X = [[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]]
BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: topsis([[1.0, 2.0], [3.0, 1.0], [2.0, np.nan]], [0.5, 0.5], [1, 1]), InputError,
     "matrix[2, 1] is nan"),
    (lambda: topsis([[1.0, 2.0], [-np.inf, 1.0]], [0.5, 0.5], [1, 1]), InputError, "matrix[1, 0] is -inf"),
    (lambda: topsis([1.0, 2.0], [0.5, 0.5], [1, 1]), InputError, "must be 2-D"),
    (lambda: topsis(np.empty((0, 2)), [0.5, 0.5], [1, 1]), InputError, "at least 1 alternative"),
    (lambda: topsis(np.empty((2, 0)), [], []), InputError, "at least 1 criterion"),
    (lambda: topsis(_X, [0.5, 0.3, 0.2], [1, 1]), InputError, "expected 2"),
    (lambda: topsis(_X, [[[0.5, 0.5]]], [1, 1]), InputError, "must have shape (2,) or (k, 2)"),
    (lambda: topsis(_X, [0.5, 0.6], [1, 1]), InputError, "weights sums to 1.1"),
    (lambda: topsis(_X, [[0.5, 0.5], [0.7, 0.7]], [1, 1]), InputError, "weights[1] sums to"),
    (lambda: topsis(_X, [1.2, -0.2], [1, 1]), InputError, "weights[1] is -0.2"),
    (lambda: topsis(_X, [0.5, np.nan], [1, 1]), InputError, "weights[1] is nan"),
    (lambda: topsis(_X, [0.5, 0.5], [1, 2]), InputError, "types[1] is 2"),
    (lambda: topsis(_X, [0.5, 0.5], ["benefit"]), InputError, "types has 1 entries; expected 2"),
    (lambda: topsis(_X, [0.5, 0.5], [1, 1], normalization="l2"), InputError,
     "normalization is 'l2'; valid values are 'vector', 'minmax', 'max', 'sum'"),
    (lambda: topsis(_X, [0.5, 0.5], [1, 1], bounds=[[0, 2], [0, 5]]), InputError,
     "matrix[1, 0] = 3.0 lies outside bounds[0]"),
    (lambda: topsis(_X, [0.5, 0.5], [1, -1], bounds=[[0, 5], [0, 5]]), InputError,
     "criterion 1 is a cost criterion, which needs worst > best"),
    (lambda: topsis(_X, [0.5, 0.5], [1, 1], bounds=[0, 5]), InputError, "bounds must have shape (2, 2)"),
    (lambda: topsis(_X, [0.5, 0.5], [1, 1], normalization="max", bounds=[[0, 5], [0, 5]]), InputError,
     "normalization is 'max' but bounds were given"),
    (lambda: topsis([[1.0, -2.0], [1.0, 3.0]], [0.5, 0.5], [1, 1], normalization="sum"), InputError,
     "matrix[0, 1] is -2.0; sum normalization"),
    (lambda: topsis([[-1e308, 1.0], [1e308, 2.0]], [0.5, 0.5], [1, 1]), InputError,
     "matrix[:, 0] spans [-1e+308, 1e+308], a range beyond float64"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
