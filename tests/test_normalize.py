"""ppeval.normalize: formulas, pymcdm conventions, degenerate columns, bounds, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval import methods, normalize
from ppeval.errors import InputError

FUNCS: dict[str, Callable[..., np.ndarray]] = {
    "vector": normalize.vector,
    "minmax": normalize.minmax,
    "max": normalize.max,
    "sum": normalize.sum,
}


def _readonly(a: Any) -> np.ndarray:
    arr = np.array(a, dtype=np.float64)
    arr.setflags(write=False)
    return arr


# ----------------------------------------------------------------- formulas by hand
def test_vector_by_hand() -> None:
    """3-4-5 triangle: ||(3, 4)|| = 5; cost column is 1 - x/||x||."""
    r = normalize.vector([[3.0, 3.0], [4.0, 4.0]], [1, -1])
    np.testing.assert_allclose(r, [[0.6, 0.4], [0.8, 0.2]], rtol=0, atol=1e-15)


def test_minmax_by_hand() -> None:
    r = normalize.minmax([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], ["benefit", "cost"])
    np.testing.assert_allclose(r, [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], rtol=0, atol=1e-15)


def test_max_by_hand() -> None:
    r = normalize.max([[2.0, 2.0], [4.0, 8.0]], [1, -1])
    np.testing.assert_allclose(r, [[0.5, 0.75], [1.0, 0.0]], rtol=0, atol=1e-15)


def test_sum_by_hand() -> None:
    """Cost: (1/x)/sum(1/x); for x = (1, 3): (1, 1/3)/(4/3) = (0.75, 0.25)."""
    r = normalize.sum([[1.0, 1.0], [3.0, 3.0]], [1, -1])
    np.testing.assert_allclose(r, [[0.25, 0.75], [0.75, 0.25]], rtol=0, atol=1e-15)


def test_minmax_absolute_by_hand() -> None:
    """Absolute mode: (x - worst)/(best - worst) in both directions."""
    r = normalize.minmax([[50.0, 2.0], [100.0, 10.0]], [1, -1], bounds=[[0, 100], [10, 0]])
    np.testing.assert_allclose(r, [[0.5, 0.8], [1.0, 0.0]], rtol=0, atol=1e-15)


# ----------------------------------------------------------------- pymcdm conventions
@pytest.mark.parametrize("name", ["vector", "minmax", "max", "sum"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_pymcdm_normalizations(name: str, seed: int) -> None:
    """pymcdm 1.4 ``helpers.normalize_matrix`` with the same-named function, to 1e-12."""
    from pymcdm import helpers, normalizations

    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 50.0, size=(9, 5)) * rng.uniform(0.01, 100.0, size=5)
    types = np.array([1, -1, 1, -1, -1])
    fn = getattr(normalizations, f"{name}_normalization")
    expected = helpers.normalize_matrix(x, fn, types)
    np.testing.assert_allclose(FUNCS[name](x, types), expected, rtol=0, atol=1e-12)


def test_constant_column_minmax_is_one_like_pymcdm() -> None:
    from pymcdm import helpers, normalizations

    x = np.array([[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]])
    for t in ([1, 1], [1, -1]):
        ours = normalize.minmax(x, t)
        assert np.array_equal(ours[:, 1], np.ones(3))
        np.testing.assert_array_equal(
            ours, helpers.normalize_matrix(x, normalizations.minmax_normalization, np.array(t))
        )


# ----------------------------------------------------------------- degenerate columns
@pytest.mark.parametrize(
    ("name", "benefit", "cost"),
    [
        ("vector", 1 / np.sqrt(4), 1 - 1 / np.sqrt(4)),
        ("max", 1.0, 0.0),
        ("sum", 0.25, 0.25),
        ("minmax", 1.0, 1.0),
    ],
)
def test_zero_column_is_a_constant_column(name: str, benefit: float, cost: float) -> None:
    """An all-zero column gets the value of every constant positive column; no nan, no warning."""
    x = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 4.0]])
    r = FUNCS[name](x, [1, -1, 1])
    assert np.isfinite(r).all()
    np.testing.assert_allclose(r[:, 0], benefit, rtol=0, atol=1e-15)
    np.testing.assert_allclose(r[:, 1], cost, rtol=0, atol=1e-15)
    positive = FUNCS[name](np.full((4, 2), 3.5), [1, -1])
    np.testing.assert_allclose(positive[:, 0], benefit, rtol=0, atol=1e-15)
    np.testing.assert_allclose(positive[:, 1], cost, rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", ["vector", "minmax", "max", "sum"])
def test_single_alternative_is_finite(name: str) -> None:
    r = FUNCS[name]([[2.0, 5.0]], [1, -1])
    assert r.shape == (1, 2)
    assert np.isfinite(r).all()


def test_vector_extreme_magnitudes_do_not_overflow() -> None:
    """Columns near the float64 limits are normalised on a rescaled copy, exactly as if scaled."""
    base = np.array([[3.0, 1.0], [4.0, 2.0], [12.0, 2.0]])
    expected = normalize.vector(base, [1, -1])
    for factor in (1e200, 1e-200, 1e300, 1e-300):
        np.testing.assert_allclose(normalize.vector(base * factor, [1, -1]), expected, rtol=1e-13, atol=0)


def test_sum_cost_tiny_values_do_not_overflow() -> None:
    """1/x would overflow for subnormal x; (min/x)/sum(min/x) does not."""
    x = np.array([[1e-320], [2e-320], [4e-320]])
    r = normalize.sum(x, [-1])
    assert np.isfinite(r).all()
    np.testing.assert_allclose(r[:, 0], np.array([4.0, 2.0, 1.0]) / 7.0, rtol=1e-3)
    np.testing.assert_allclose(r.sum(axis=0), 1.0, rtol=1e-15)


def test_overflowing_range_or_sum_is_an_error() -> None:
    """max - min or a column sum beyond float64 cannot be normalised as given: an error, not inf."""
    with pytest.raises(InputError, match=r"matrix\[:, 0\] spans"):
        normalize.minmax([[-1e308], [1e308]], [1])
    with pytest.raises(InputError, match=r"matrix\[:, 1\] sums beyond"):
        normalize.sum([[1.0, 1.7e308], [1.0, 1.7e308]], [1, 1])


# ----------------------------------------------------------------- properties
_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw: st.DrawFn, elements: st.SearchStrategy[float] = _values) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, m), elements=elements))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    return x, types


@given(problems(_positive), st.sampled_from(["vector", "minmax", "max", "sum"]))
def test_benefit_orientation(problem: tuple[np.ndarray, np.ndarray], name: str) -> None:
    """Within a column, r is non-decreasing in x for a benefit and non-increasing for a cost criterion."""
    x, types = problem
    r = FUNCS[name](x, types)
    assert np.isfinite(r).all()
    dx = x[:, None, :] - x[None, :, :]
    dr = r[:, None, :] - r[None, :, :]
    assert (dr * dx * types >= -1e-12).all()


@given(problems(_positive), st.sampled_from(["vector", "minmax", "max", "sum"]), st.data())
def test_invariant_to_positive_column_scaling(
    problem: tuple[np.ndarray, np.ndarray], name: str, data: st.DataObject
) -> None:
    x, types = problem
    factor = np.array(
        data.draw(st.lists(st.floats(1e-3, 1e3), min_size=x.shape[1], max_size=x.shape[1]))
    )
    np.testing.assert_allclose(FUNCS[name](x * factor, types), FUNCS[name](x, types), rtol=1e-9, atol=1e-12)


_dyadic = st.integers(-(10**6), 10**6).map(lambda v: v / 8.0)  # shifting by 123 is exact


@given(problems(_dyadic))
def test_minmax_range_and_shift_invariance(problem: tuple[np.ndarray, np.ndarray]) -> None:
    x, types = problem
    r = normalize.minmax(x, types)
    assert ((r >= 0.0) & (r <= 1.0)).all()
    np.testing.assert_allclose(normalize.minmax(x + 123.0, types), r, rtol=0, atol=1e-12)


@given(problems(_positive))
def test_sum_columns_sum_to_one_and_max_in_unit_interval(problem: tuple[np.ndarray, np.ndarray]) -> None:
    x, types = problem
    np.testing.assert_allclose(normalize.sum(x, types).sum(axis=0), 1.0, rtol=1e-12)
    r = normalize.max(x, types)
    assert ((r >= 0.0) & (r <= 1.0)).all()


def _true_norms(x: np.ndarray) -> np.ndarray:
    amax = np.abs(x).max(axis=0)
    scaled = np.divide(x, amax, out=np.zeros_like(x), where=amax > 0)
    return amax * np.sqrt((scaled * scaled).sum(axis=0))


@given(problems())
def test_vector_benefit_columns_have_unit_norm(problem: tuple[np.ndarray, np.ndarray]) -> None:
    """Every non-zero column gets norm 1; a column whose norm is subnormal is refused, not normalised wrongly."""
    x, _ = problem
    norms = _true_norms(x)
    tiny = np.finfo(np.float64).tiny
    if ((norms > 0) & (norms < tiny)).any():
        with pytest.raises(InputError, match="below the smallest normal float64"):
            normalize.vector(x, np.ones(x.shape[1], dtype=int))
        return
    nonzero = np.abs(x).max(axis=0) > 0
    r = normalize.vector(x, np.ones(x.shape[1], dtype=int))
    np.testing.assert_allclose(np.linalg.norm(r[:, nonzero], axis=0), 1.0, rtol=1e-12)


def test_vector_subnormal_norm_is_an_error() -> None:
    """Two entries of 5e-324 have no representable norm: an error naming the column, not a column of norm sqrt(2)."""
    x = [[1.0, 5e-324], [2.0, 5e-324]]
    msg = r"matrix\[:, 1\] has a Euclidean norm of 4.94e-324"
    with pytest.raises(InputError, match=msg):
        normalize.vector(x, [1, 1])
    with pytest.raises(InputError, match=msg):
        methods.topsis(x, [0.5, 0.5], [1, 1], normalization="vector")
    # just inside the normal range: accepted and exact to rounding
    r = normalize.vector([[3e-308, 1.0], [4e-308, 1.0]], [1, 1])
    np.testing.assert_allclose(r[:, 0], [0.6, 0.8], rtol=1e-15)


@given(problems(), st.data())
def test_absolute_minmax_depends_on_own_row_only(problem: tuple[np.ndarray, np.ndarray], data: st.DataObject) -> None:
    x, types = problem
    lo, hi = x.min(axis=0) - 1.0, x.max(axis=0) + 1.0
    bounds = np.where(types[:, None] > 0, np.c_[lo, hi], np.c_[hi, lo])
    r = normalize.minmax(x, types, bounds=bounds)
    i = data.draw(st.integers(0, x.shape[0] - 1))
    np.testing.assert_array_equal(normalize.minmax(x[i : i + 1], types, bounds=bounds)[0], r[i])
    assert ((r >= 0.0) & (r <= 1.0)).all()


# ----------------------------------------------------------------- input handling
@pytest.mark.parametrize("name", ["vector", "minmax", "max", "sum"])
def test_read_only_input_is_not_written(name: str) -> None:
    x = _readonly([[1.0, 2.0], [3.0, 5.0], [4.0, 4.0]])
    before = x.copy()
    r = FUNCS[name](x, _readonly([1, -1]))
    assert np.array_equal(x, before)
    assert not np.shares_memory(r, x)
    assert r.flags.writeable


def test_read_only_bounds() -> None:
    b = _readonly([[0.0, 10.0], [10.0, 0.0]])
    r = normalize.minmax(_readonly([[5.0, 5.0]]), [1, -1], bounds=b)
    np.testing.assert_array_equal(r, [[0.5, 0.5]])


BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: normalize.vector([[1.0, 2.0], [np.nan, 1.0]], [1, 1]), InputError, "matrix[1, 0] is nan"),
    (lambda: normalize.minmax([[1.0, np.inf]], [1, 1]), InputError, "matrix[0, 1] is inf"),
    (lambda: normalize.minmax([1.0, 2.0], [1]), InputError, "must be 2-D"),
    (lambda: normalize.minmax(np.zeros((0, 2)), [1, 1]), InputError, "at least 1 alternative"),
    (lambda: normalize.max([[1.0, 2.0]], [1, 0]), InputError, "types[1] is 0"),
    (lambda: normalize.sum([[1.0, 2.0]], [1]), InputError, "expected 2"),
    (lambda: normalize.minmax([[1.0, 2.0]], ["benefit", "gain"]), InputError, "types[1] is 'gain'"),
    (lambda: normalize.max([[1.0, -2.0], [1.0, 3.0]], [1, 1]), InputError, "matrix[0, 1] is -2.0"),
    (lambda: normalize.sum([[1.0, -2.0], [1.0, 3.0]], [1, 1]), InputError, "matrix[0, 1] is -2.0"),
    (lambda: normalize.sum([[1.0, 0.0], [1.0, 3.0]], [1, -1]), InputError, "matrix[0, 1] is 0.0 in cost"),
    (lambda: normalize.vector([[1.0]], [1], bounds=[[0, 1]]), InputError, "minmax normalization only"),
    (lambda: normalize.max([[1.0]], [1], bounds=[[0, 1]]), InputError, "minmax normalization only"),
    (lambda: normalize.sum([[1.0]], [1], bounds=[[0, 1]]), InputError, "minmax normalization only"),
    (lambda: normalize.minmax([[5.0, 1.0]], [1, 1], bounds=[[0, 4], [0, 2]]), InputError,
     "matrix[0, 0] = 5.0 lies outside bounds[0]"),
    (lambda: normalize.minmax([[1.0, 1.0]], [1, -1], bounds=[[0, 4], [0, 2]]), InputError,
     "bounds[1] = (worst=0.0, best=2.0) but criterion 1 is a cost"),
    (lambda: normalize.minmax([[1.0]], [1], bounds=[[0, 4], [0, 2]]), InputError, "must have shape (1, 2)"),
    (lambda: normalize.minmax([[1.0]], [1], bounds=[[1, 1]]), InputError, "worst == best"),
    (lambda: normalize.minmax([[1.0]], [1], bounds=[[0, np.nan]]), InputError, "bounds[0, 1] is nan"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


# ---------------------------------------------------------------- zscore, mean, shift (issue 15)
def test_zscore_matches_scipy_sample_sd() -> None:
    """Cross-check: scipy.stats.zscore with ddof=1 (SPSS standardised values), cost columns negated."""
    from scipy import stats

    rng = np.random.default_rng(15)
    x = rng.normal(50.0, 10.0, size=(40, 5))
    types = np.array([1, -1, 1, -1, 1])
    got = normalize.zscore(x, types)
    want = stats.zscore(x, axis=0, ddof=1) * types
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(got.std(axis=0, ddof=1), 1.0, rtol=1e-12)


def test_zscore_constant_and_large_offset() -> None:
    """A constant column is 0; a column far from zero keeps full accuracy (computed on shifted values)."""
    x = np.array([[3.0, 1e12 + 1.0], [3.0, 1e12 + 2.0], [3.0, 1e12 + 3.0]])
    np.testing.assert_allclose(normalize.zscore(x, [1, 1]), [[0.0, -1.0], [0.0, 0.0], [0.0, 1.0]], atol=1e-12)
    np.testing.assert_array_equal(normalize.zscore([[1.0, 2.0]], [1, -1]), [[0.0, 0.0]])  # one row: constant


def test_mean_normalisation() -> None:
    """x / mean (benefit) and 2 - x / mean (cost); column means 1; all-zero column 1."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0.0, 9.0, size=(30, 3))
    x[:, 2] = 0.0
    r = normalize.mean(x, [1, -1, 1])
    np.testing.assert_allclose(r[:, 0], x[:, 0] / x[:, 0].mean(), rtol=1e-13)
    np.testing.assert_allclose(r[:, 1], 2.0 - x[:, 1] / x[:, 1].mean(), rtol=1e-13)
    np.testing.assert_allclose(r.mean(axis=0), 1.0, rtol=1e-13)
    np.testing.assert_array_equal(r[:, 2], 1.0)
    # the spread of a benefit column is its coefficient of variation
    cv = x[:, 0].std() / x[:, 0].mean()
    assert r[:, 0].std() == pytest.approx(cv, rel=1e-12)


def test_shift_is_shifted_minmax_and_absolute() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0.0, 100.0, size=(20, 4))
    t = [1, -1, 1, -1]
    np.testing.assert_allclose(normalize.shift(x, t), 0.01 + 0.98 * normalize.minmax(x, t), rtol=1e-14, atol=1e-15)
    b = [[0, 100], [100, 0], [0, 100], [100, 0]]
    np.testing.assert_allclose(
        normalize.shift(x, t, bounds=b), 0.01 + 0.98 * normalize.minmax(x, t, bounds=b), rtol=1e-14, atol=1e-15
    )
    r = normalize.shift(x, t)
    assert r.min() == pytest.approx(0.01)
    assert r.max() == pytest.approx(0.99)
    np.testing.assert_array_equal(normalize.shift([[2.0], [2.0]], [1]), [[0.99], [0.99]])


def test_shift_changes_entropy_weights_but_not_topsis_or_wsm_ranks() -> None:
    """The documented effect: entropy is not shift-invariant; TOPSIS closeness and WSM ranks are."""
    from ppeval import methods, weights

    rng = np.random.default_rng(3)
    x = rng.uniform(0.0, 10.0, size=(12, 4))
    t = [1, 1, -1, 1]
    w_mm = weights.entropy(normalize.minmax(x, t))
    w_sh = weights.entropy(normalize.shift(x, t))
    assert not np.allclose(w_mm, w_sh)
    # shifted weights lie closer to equal weights
    assert np.abs(w_sh - 0.25).sum() < np.abs(w_mm - 0.25).sum()
    w = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(
        methods.topsis(x, w, t, normalization="shift"), methods.topsis(x, w, t, normalization="minmax"), rtol=1e-12
    )
    np.testing.assert_array_equal(
        np.argsort(methods.wsm(x, w, t, normalization="shift")), np.argsort(methods.wsm(x, w, t))
    )


@pytest.mark.parametrize("kind", ["zscore", "mean", "shift"])
def test_new_kinds_in_topsis_and_wsm_equal_plain_formula(kind: str) -> None:
    """TOPSIS/WSM with the new normalisations equal the textbook formulas on the normalised matrix."""
    from ppeval import methods

    rng = np.random.default_rng(4)
    x = rng.uniform(1.0, 10.0, size=(15, 3))
    t = np.array([1, -1, 1])
    w = np.array([0.5, 0.3, 0.2])
    r = getattr(normalize, kind)(x, t)
    np.testing.assert_allclose(methods.wsm(x, w, t, normalization=kind), r @ w, rtol=1e-12, atol=1e-12)
    v = r * w
    dp = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    dm = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    np.testing.assert_allclose(methods.topsis(x, w, t, normalization=kind), dm / (dp + dm), rtol=1e-12)


BAD_NEW: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: normalize.zscore([[1.0], [2.0]], [1], bounds=[[0, 3]]), InputError, "minmax normalization only"),
    (lambda: normalize.mean([[1.0], [-2.0]], [1]), InputError, "matrix[1, 0] is -2.0"),
    (lambda: normalize.mean([[1.0], [2.0]], [1], bounds=[[0, 3]]), InputError, "minmax normalization only"),
    (lambda: normalize.shift([[5.0]], [1], bounds=[[0, 4]]), InputError, "matrix[0, 0] = 5.0 lies outside"),
    (lambda: normalize.zscore([[np.nan], [1.0]], [1]), InputError, "matrix[0, 0] is nan"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD_NEW)
def test_bad_input_new_kinds(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
