"""Cronbach's alpha, ICC (six Shrout & Fleiss forms), KMO and Bartlett's test."""

from __future__ import annotations

import doctest
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from ppeval.errors import DegenerateError, InputError
from ppeval.qualitative import reliability
from ppeval.qualitative.reliability import ICC_KINDS, cronbach_alpha, icc, kmo_bartlett

#: Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SF = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float)


# ------------------------------------------------------------------------------------------- ICC
@pytest.mark.parametrize(
    ("kind", "value"),
    [("ICC1", 0.17), ("ICC2", 0.29), ("ICC3", 0.71), ("ICC1k", 0.44), ("ICC2k", 0.62), ("ICC3k", 0.91)],
)
def test_icc_shrout_fleiss_published(kind: str, value: float) -> None:
    """Shrout, P. E. & Fleiss, J. L. (1979), Psychological Bulletin 86(2), Table 4: ICC(1,1) = .17,
    ICC(2,1) = .29, ICC(3,1) = .71, ICC(1,4) = .44, ICC(2,4) = .62, ICC(3,4) = .91 (two decimals printed)."""
    assert icc(SF, kind=kind).value == pytest.approx(value, abs=0.005)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "f", "p", "lo", "hi"),
    [
        ("ICC1", 1.8, 0.16477, -0.133, 0.72),
        ("ICC2", 11.0, 0.00013, 0.019, 0.76),
        ("ICC3", 11.0, 0.00013, 0.342, 0.95),
        ("ICC1k", 1.8, 0.16477, -0.884, 0.91),
        ("ICC2k", 11.0, 0.00013, 0.071, 0.93),
        ("ICC3k", 11.0, 0.00013, 0.676, 0.99),
    ],
)
def test_icc_f_p_ci_match_psych(kind: str, f: float, p: float, lo: float, hi: float) -> None:
    """R psych::ICC on the Shrout & Fleiss data (the package's documented example; printed F to 1 decimal,
    p to 5 decimals, limits to 2-3 decimals): the same F tests and intervals."""
    r = icc(SF, kind=kind)  # type: ignore[arg-type]
    assert r.f == pytest.approx(f, abs=0.05)
    assert r.p == pytest.approx(p, abs=5e-6)
    assert r.ci[0] == pytest.approx(lo, abs=0.005 if len(str(lo).split(".")[1]) <= 2 else 0.0005)
    assert r.ci[1] == pytest.approx(hi, abs=0.005)
    assert r.df1 == 5
    assert r.df2 == (18 if kind.startswith("ICC1") else 15)


def _anova_loop(x: np.ndarray) -> tuple[float, float, float, float]:
    """Mean squares by explicit loops (an independent implementation)."""
    n, k = x.shape
    g = sum(sum(row) for row in x.tolist()) / (n * k)
    rows = [sum(r) / k for r in x.tolist()]
    cols = [sum(x[i][j] for i in range(n)) / n for j in range(k)]
    ssr = k * sum((r - g) ** 2 for r in rows)
    ssc = n * sum((c - g) ** 2 for c in cols)
    sst = sum((x[i][j] - g) ** 2 for i in range(n) for j in range(k))
    sse = sst - ssr - ssc
    ssw = sum((x[i][j] - rows[i]) ** 2 for i in range(n) for j in range(k))
    return ssr / (n - 1), ssc / (k - 1), sse / ((n - 1) * (k - 1)), ssw / (n * (k - 1))


@pytest.mark.parametrize("seed", range(5))
def test_icc_matches_loop_formulas(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = rng.integers(2, 30), rng.integers(2, 8)
    x = rng.normal(size=(n, 1)) * 2 + rng.normal(size=(1, k)) + rng.normal(size=(n, k))
    msr, msc, mse, msw = _anova_loop(x)
    want = {
        "ICC1": (msr - msw) / (msr + (k - 1) * msw),
        "ICC2": (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n),
        "ICC3": (msr - mse) / (msr + (k - 1) * mse),
        "ICC1k": (msr - msw) / msr,
        "ICC2k": (msr - mse) / (msr + (msc - mse) / n),
        "ICC3k": (msr - mse) / msr,
    }
    for kind, v in want.items():
        r = icc(x, kind=kind)  # type: ignore[arg-type]
        assert r.value == pytest.approx(v, rel=1e-9, abs=1e-12)
        assert r.ci[0] <= r.value + 1e-12
        assert r.value <= r.ci[1] + 1e-12
        den = msw if kind.startswith("ICC1") else mse
        assert r.f == pytest.approx(msr / den, rel=1e-9)
        assert r.p == pytest.approx(stats.f.sf(msr / den, r.df1, r.df2), rel=1e-9)


def test_icc3k_equals_cronbach_alpha_and_its_feldt_interval() -> None:
    """McGraw & Wong (1996): ICC(3,k) is Cronbach's alpha; the F-based intervals coincide as well."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(25, 1)) + rng.normal(size=(25, 5))
    a = cronbach_alpha(x)
    r = icc(x, kind="ICC3k")
    assert a.alpha == pytest.approx(r.value, rel=1e-12)
    np.testing.assert_allclose(a.ci, r.ci, rtol=1e-10)


def test_icc_edge_cases() -> None:
    # raters agree exactly up to an offset: MSE = 0, ICC3 = 1, F undefined, p = 0, interval (1, 1)
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    r3 = icc(x, kind="ICC3")
    assert r3.value == 1.0
    assert r3.f is None
    assert r3.p == 0.0
    assert r3.ci == (1.0, 1.0)
    r2 = icc(x, kind="ICC2")  # absolute agreement is below 1: the offset counts
    assert 0.0 < r2.value < 1.0
    assert r2.ci[0] <= r2.value <= r2.ci[1]
    # identical raters: every form is 1
    same = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    for kind in ICC_KINDS:
        assert icc(same, kind=kind).value == pytest.approx(1.0)  # type: ignore[arg-type]
    # targets indistinguishable: negative single-rater ICC, F < 1
    noise = np.array([[1.0, 3.0], [3.0, 1.0], [2.0, 2.0]])
    assert icc(noise, kind="ICC1").value < 0.0
    # a large offset does not cost accuracy
    np.testing.assert_allclose(icc(SF + 1e9, kind="ICC2").value, icc(SF, kind="ICC2").value, rtol=1e-6)


# ----------------------------------------------------------------------------------- Cronbach
def test_alpha_published_shrout_fleiss_as_items() -> None:
    """alpha of the Shrout & Fleiss (1979) table with the judges as items equals their published ICC(3,4) = .91."""
    assert cronbach_alpha(SF).alpha == pytest.approx(0.91, abs=0.005)


def _alpha_plain(x: np.ndarray) -> float:
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


@given(arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(2, 6)), elements=st.integers(1, 5).map(float)))
def test_alpha_complete_equals_variance_formula(x: np.ndarray) -> None:
    """On complete data both policies equal the textbook variance formula."""
    if x.sum(axis=1).var() == 0.0:
        with pytest.raises(DegenerateError):
            cronbach_alpha(x)
        return
    want = _alpha_plain(x)
    try:
        a = cronbach_alpha(x)
    except DegenerateError:  # alpha-if-deleted undefined: some item's complement is constant
        return
    assert a.alpha == pytest.approx(want, rel=1e-9, abs=1e-9)
    assert cronbach_alpha(x, missing="listwise").alpha == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_alpha_pairwise_uses_pandas_pairwise_covariance() -> None:
    """Pairwise: covariances over rows where both items are answered, cross-checked with pandas.DataFrame.cov."""
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=(60, 5)).astype(float) + rng.normal(size=(60, 1)).round()
    x[rng.random(x.shape) < 0.15] = np.nan
    a = cronbach_alpha(x)
    cov = pd.DataFrame(x).cov().to_numpy()
    np.testing.assert_allclose(a.covariance, cov, rtol=1e-10)
    k = 5
    assert a.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(cov) / cov.sum()), rel=1e-10)
    counts = (~np.isnan(x)).astype(int).T @ (~np.isnan(x)).astype(int)
    assert a.n == counts.min()
    lw = cronbach_alpha(x, missing="listwise")
    complete = ~np.isnan(x).any(axis=1)
    assert lw.n == complete.sum()
    assert lw.alpha == pytest.approx(_alpha_plain(x[complete]), rel=1e-10)


def test_alpha_item_statistics() -> None:
    """Corrected item-total r and alpha-if-deleted against the plain definitions."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 1)) + rng.normal(size=(40, 4))
    a = cronbach_alpha(x)
    for j in range(4):
        rest = np.delete(x, j, axis=1)
        assert a.item_total[j] == pytest.approx(np.corrcoef(x[:, j], rest.sum(axis=1))[0, 1], rel=1e-10)
        assert a.alpha_if_deleted is not None
        assert a.alpha_if_deleted[j] == pytest.approx(_alpha_plain(rest), rel=1e-10)
    # Feldt interval from the F quantiles, n = 40
    f_hi, f_lo = stats.f.ppf(0.975, 39, 117), stats.f.ppf(0.025, 39, 117)
    assert a.ci == pytest.approx((1 - (1 - a.alpha) * f_hi, 1 - (1 - a.alpha) * f_lo), rel=1e-12)
    assert not a.item_total.flags.writeable


def test_alpha_edge_cases() -> None:
    two = cronbach_alpha([[1.0, 2.0], [2.0, 3.0], [4.0, 4.0]])
    assert two.alpha_if_deleted is None  # one item left: no alpha
    assert two.k == 2
    # a constant item: item-total correlation 0, alpha still defined
    c = cronbach_alpha([[1.0, 2.0, 3.0], [1.0, 3.0, 4.0], [1.0, 5.0, 5.0]])
    assert c.item_total[0] == 0.0
    # negatively correlated items give a negative alpha (reported, not clipped)
    assert cronbach_alpha([[1.0, 5.0], [2.0, 4.0], [3.0, 2.0]]).alpha < 0.0
    # a row with no answers counts for nothing
    r = cronbach_alpha([[1.0, 2.0], [np.nan, np.nan], [2.0, 3.0], [4.0, 4.0]])
    assert r.n_respondents == 3
    assert r.alpha == pytest.approx(two.alpha)


# ------------------------------------------------------------------------------------------ KMO
def _partial_by_regression(x: np.ndarray, i: int, j: int) -> float:
    """Partial correlation of items i and j given the others, from regression residuals (independent route)."""
    rest = np.delete(x, [i, j], axis=1)
    design = np.column_stack([np.ones(len(x)), rest])
    ri = x[:, i] - design @ np.linalg.lstsq(design, x[:, i], rcond=None)[0]
    rj = x[:, j] - design @ np.linalg.lstsq(design, x[:, j], rcond=None)[0]
    return float(np.corrcoef(ri, rj)[0, 1])


def test_kmo_bartlett_cross_checked() -> None:
    rng = np.random.default_rng(5)
    f = rng.normal(size=(120, 2))
    x = f @ rng.uniform(0.3, 1.0, size=(2, 5)) + 0.7 * rng.normal(size=(120, 5))
    res = kmo_bartlett(x)
    r = np.corrcoef(x, rowvar=False)
    np.testing.assert_allclose(res.correlation, r, rtol=1e-10, atol=1e-12)
    a = np.eye(5)
    for i in range(5):
        for j in range(5):
            if i != j:
                a[i, j] = _partial_by_regression(x, i, j)
    np.testing.assert_allclose(res.partial, a, rtol=1e-8, atol=1e-10)
    off = ~np.eye(5, dtype=bool)
    r2, a2 = (r**2)[off].sum(), (a**2)[off].sum()
    assert res.kmo == pytest.approx(r2 / (r2 + a2), rel=1e-10)
    n, p = x.shape
    chi2 = -(n - 1 - (2 * p + 5) / 6) * np.log(np.linalg.det(r))
    assert res.chi2 == pytest.approx(chi2, rel=1e-10)
    assert res.df == 10
    assert res.p_value == pytest.approx(stats.chi2.sf(chi2, 10), rel=1e-9)
    assert 0.5 < res.kmo < 1.0
    assert (res.kmo_per_item > 0).all()


def test_kmo_listwise_and_degenerate() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(size=(30, 3))
    y = x.copy()
    y[0, 1] = np.nan
    assert kmo_bartlett(y).n == 29
    np.testing.assert_allclose(kmo_bartlett(y).chi2, kmo_bartlett(x[1:]).chi2)
    singular = np.column_stack([x, x[:, 0] + x[:, 1]])
    with pytest.raises(DegenerateError, match="singular"):
        kmo_bartlett(singular)
    const = x.copy()
    const[:, 2] = 1.0
    with pytest.raises(DegenerateError, match="item 2 is constant"):
        kmo_bartlett(const)


BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: cronbach_alpha([[1.0], [2.0]]), InputError, "at least 2 items"),
    (lambda: cronbach_alpha([1.0, 2.0]), InputError, "must be 2-D"),
    (lambda: cronbach_alpha([[1.0, np.inf], [2.0, 1.0]]), InputError, "items[0, 1] is inf"),
    (lambda: cronbach_alpha([[1.0, 2.0], [2.0, 1.0]], missing="drop"), InputError, "missing is 'drop'"),
    (lambda: cronbach_alpha([[1.0, 2.0], [2.0, 1.0]], confidence=1.5), InputError, "confidence is 1.5"),
    (lambda: cronbach_alpha([[1.0, np.nan], [2.0, 1.0], [np.nan, 2.0]], missing="listwise"), InputError,
     "complete row"),
    (lambda: cronbach_alpha([[1.0, np.nan], [np.nan, 1.0], [3.0, np.nan]]), InputError,
     "answered together by 0 respondent"),
    (lambda: cronbach_alpha([[2.0, 2.0], [2.0, 2.0]]), DegenerateError, "does not vary"),
    (lambda: icc([[1.0, 2.0]]), InputError, "at least 2 alternative"),
    (lambda: icc([[1.0], [2.0]]), InputError, "at least 2 raters"),
    (lambda: icc([[1.0, np.nan], [2.0, 1.0]]), InputError, "matrix[0, 1] is nan"),
    (lambda: icc(SF, kind="ICC(2,1)"), InputError, "kind is 'ICC(2,1)'"),  # type: ignore[arg-type]
    (lambda: icc([[3.0, 3.0], [3.0, 3.0]]), DegenerateError, "every score"),
    (lambda: kmo_bartlett([[1.0], [2.0]]), InputError, "at least 2 items"),
    (lambda: kmo_bartlett([[1.0, 2.0], [2.0, 1.0]]), InputError, "at least 3 respondents"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_module_doctests_run() -> None:
    result = doctest.testmod(reliability, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted >= 3


def test_icc_identical_targets() -> None:
    """Targets with equal means (MSR = 0): single-rater ICC1 is -1/(k-1); average forms are unbounded."""
    x = np.array([[1.0, 3.0], [3.0, 1.0]])
    assert icc(x, kind="ICC1").value == pytest.approx(-1.0)
    for kind in ("ICC1k", "ICC3k", "ICC2k"):
        with pytest.raises(DegenerateError, match="denominator"):
            icc(x, kind=kind)  # type: ignore[arg-type]


def test_alpha_pairwise_large_offset() -> None:
    """Covariances are shift-invariant: an offset of 1e9 on every answer changes nothing (to 1e-6)."""
    rng = np.random.default_rng(12)
    x = rng.integers(1, 6, size=(40, 4)).astype(float) + rng.normal(size=(40, 1)).round()
    x[rng.random(x.shape) < 0.1] = np.nan
    assert cronbach_alpha(x + 1e9).alpha == pytest.approx(cronbach_alpha(x).alpha, rel=1e-6)


@given(
    arrays(np.float64, st.tuples(st.integers(3, 10), st.integers(2, 5)), elements=st.integers(1, 7).map(float)),
    st.floats(0.1, 100.0),
    st.floats(-1e3, 1e3),
    st.sampled_from(ICC_KINDS),
)
def test_icc_invariant_to_a_common_affine_rescaling(x: np.ndarray, a: float, b: float, kind: str) -> None:
    """Changing the unit and origin of every score (a x + b, a > 0) leaves every ICC, F and p unchanged."""
    try:
        want = icc(x, kind=kind)  # type: ignore[arg-type]
    except DegenerateError:
        return
    got = icc(a * x + b, kind=kind)  # type: ignore[arg-type]
    assert got.value == pytest.approx(want.value, rel=1e-7, abs=1e-9)
    assert got.p == pytest.approx(want.p, rel=1e-6, abs=1e-12)
    assert got.ci == pytest.approx(want.ci, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("scale", [2.0**900, 2.0**-1070])
def test_reliability_unit_free_at_extreme_magnitudes(scale: float) -> None:
    """Alpha, ICC and KMO do not depend on the unit: values near 1e270 or subnormal (integers x 2**-1070,
    exact) give the same statistics, with no overflow/underflow warning, instead of inf/0 sums of squares."""
    from ppeval.qualitative import cronbach_alpha, icc, kmo_bartlett

    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, (20, 4)).astype(float)
    for missing in ("pairwise", "listwise"):
        if scale > 1.0:
            with pytest.raises(InputError, match="covariances exceed"):
                cronbach_alpha(x * scale, missing=missing)
            scale_a = 2.0**400  # covariances ~2**800 still representable
        else:
            scale_a = scale
        a, b = cronbach_alpha(x, missing=missing), cronbach_alpha(x * scale_a, missing=missing)
        assert b.alpha == pytest.approx(a.alpha, rel=1e-12)
        np.testing.assert_allclose(b.item_total, a.item_total, rtol=1e-12)
        if scale > 1.0:
            np.testing.assert_allclose(b.covariance, a.covariance * 2.0**800, rtol=1e-12)
    assert kmo_bartlett(x * scale).kmo == pytest.approx(kmo_bartlett(x).kmo, rel=1e-12)
    assert kmo_bartlett(x * scale).p_value == pytest.approx(kmo_bartlett(x).p_value, rel=1e-9)
    if scale < 1.0:
        assert icc(x * scale).value == pytest.approx(icc(x).value, rel=1e-12)
    else:
        with pytest.raises(InputError, match="mean squares exceed"):
            icc(x * scale)
        r = icc(x * 2.0**400)  # mean squares ~2**800 still representable
        assert r.value == pytest.approx(icc(x).value, rel=1e-12)
        assert r.msr == pytest.approx(icc(x).msr * 2.0**800, rel=1e-12)


def test_icc2_identical_targets_offset_raters_is_degenerate() -> None:
    """Targets identical, raters differing by a constant: MSR = MSE = 0. ICC2 returned value 0 with p = 0
    (claiming significance) and a nan interval; the F test is 0/0, so every form refuses (ICC3 already did)."""
    x = [[1, 2], [1, 2], [1, 2]]
    for kind in ("ICC2", "ICC2k", "ICC3", "ICC3k"):
        with pytest.raises(DegenerateError):
            icc(x, kind=kind)  # type: ignore[arg-type]
    r = icc(x, kind="ICC1")  # MSW > 0: defined, F = 0
    assert r.p == 1.0
    assert np.isfinite(r.ci).all()
