"""Kendall's W and Krippendorff's alpha (ppeval.qualitative.agreement).

File named test_qual_agreement.py to stay distinct from the sensitivity package's method-agreement tests.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from ppeval.errors import DegenerateError, InputError
from ppeval.qualitative import indicator_agreement, kendall_w, krippendorff_alpha

NAN = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: reliability data
# with missing values, 4 observers x 12 units (also the example of the `krippendorff` package).
KRIPP_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
])

# NAG Library routine G08DAF, example program data (g08dafe.d): 3 comparisons (rows) of 10 objects,
# with ties; the example is taken from Siegel (1956), Nonparametric Statistics for the Behavioral
# Sciences, McGraw-Hill.
SIEGEL_TIES = np.array([
    [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
    [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
    [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
])


def test_kendall_w_published_example_with_ties() -> None:
    """NAG G08DAF example (data from Siegel 1956): tie-corrected W = 0.8277 and upper-tail
    probability 0.0078, printed to 4 decimals. (The printed results file was not available to re-read
    here; the values were checked independently: Friedman's chi-square from
    scipy.stats.friedmanchisquare equals m (n - 1) W with the same tie correction, below.)"""
    r = kendall_w(SIEGEL_TIES)
    assert round(r.w, 4) == 0.8277
    assert round(r.p_value, 4) == 0.0078
    assert (r.n_raters, r.n_objects, r.df) == (3, 10, 9)
    # tie groups: row 1 two pairs (T = 6 + 6), row 2 three pairs (18), row 3 a quadruple and a
    # triple ((4^3 - 4) + (3^3 - 3) = 60 + 24 = 84)
    assert r.ties == 12 + 18 + 84
    friedman = stats.friedmanchisquare(*SIEGEL_TIES.T)
    assert r.chi2 == pytest.approx(friedman.statistic, rel=1e-12)
    assert r.p_value == pytest.approx(friedman.pvalue, rel=1e-10)
    # without the correction: 12 S / (m^2 (n^3 - n)) with S = 591
    assert r.s == 591.0
    assert kendall_w(SIEGEL_TIES, correct_ties=False).w == pytest.approx(12 * 591 / (9 * 990), rel=1e-15)


def test_kendall_w_hand_example_without_ties() -> None:
    """Three raters, four objects: rank sums 4, 6, 8, 12, mean 7.5, S = 35,
    W = 12 * 35 / (9 * 60) = 0.7778, chi2 = 3 * 3 * W = 7."""
    r = kendall_w([[1, 2, 3, 4], [1, 3, 2, 4], [2, 1, 3, 4]])
    assert r.s == 35.0
    assert r.w == pytest.approx(420 / 540, rel=1e-15)
    assert r.chi2 == pytest.approx(7.0, rel=1e-15)
    assert r.p_value == pytest.approx(stats.chi2.sf(7.0, 3), rel=1e-15)
    assert r.ties == 0.0


def test_kendall_w_scores_and_reversed_ranks_give_the_same_w() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 8))
    a = kendall_w(x)
    assert kendall_w(-x).w == pytest.approx(a.w, abs=1e-14)
    assert kendall_w(stats.rankdata(x, axis=1)).w == pytest.approx(a.w, abs=1e-14)
    assert kendall_w(np.tile(np.arange(8.0), (4, 1))).w == pytest.approx(1.0)


def test_kendall_w_missing_values_policy() -> None:
    x = SIEGEL_TIES.copy()
    x = np.vstack([x, [1, 2, NAN, 4, 5, 6, 7, 8, 9, 10]])
    with pytest.raises(InputError, match=r"ratings\[3, 2\] is nan \(rater 3, object 2\)"):
        kendall_w(x)
    r = kendall_w(x, nan_policy="omit")
    assert r.dropped_raters == (3,)
    assert r.w == pytest.approx(kendall_w(SIEGEL_TIES).w, rel=1e-15)


KENDALL_BAD = [
    (lambda: kendall_w([[1, 2, 3]]), InputError, "at least 2 raters; got 1"),
    (lambda: kendall_w([[1, 2, NAN], [1, NAN, 2], [1, 2, 3]], nan_policy="omit"), InputError,
     "at least 2 raters; got 1 after omitting 2"),
    (lambda: kendall_w([[1], [1]]), InputError, "at least 2 objects"),
    (lambda: kendall_w([1, 2, 3]), InputError, "2-D"),
    (lambda: kendall_w([[1, 2], [np.inf, 1]]), InputError, "ratings[1, 0] is inf"),
    (lambda: kendall_w([[1, 2], [1, 2]], nan_policy="drop"), InputError, "nan_policy is 'drop'"),
    (lambda: kendall_w([[3, 3, 3], [1, 1, 1]]), DegenerateError, "all tied"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), KENDALL_BAD)
def test_kendall_bad_input(call, error: type, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as exc:
        call()
    assert fragment in str(exc.value)


@given(arrays(np.int64, st.tuples(st.integers(2, 6), st.integers(2, 9)), elements=st.integers(1, 5)),
       st.randoms())
def test_kendall_w_properties(x: np.ndarray, random) -> None:
    """W in [0, 1]; chi2 = Friedman's statistic; permuting raters or objects changes nothing."""
    if (x == x[:, :1]).all():  # every rater tied everything: undefined, tested above
        return
    r = kendall_w(x)
    assert 0.0 <= r.w <= 1.0
    if x.shape[1] >= 3 and (x != x[:, :1]).any(axis=1).all():  # scipy's Friedman: >= 3 objects, spread
        assert r.chi2 == pytest.approx(stats.friedmanchisquare(*x.T).statistic, rel=1e-9, abs=1e-12)
    rows = random.sample(range(x.shape[0]), x.shape[0])
    cols = random.sample(range(x.shape[1]), x.shape[1])
    assert kendall_w(x[rows][:, cols]).w == pytest.approx(r.w, abs=1e-13)


# ---------------------------------------------------------------- Krippendorff's alpha


@pytest.mark.parametrize(("level", "printed"), [("nominal", 0.743), ("ordinal", 0.815),
                                                ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_published_example(level: str, printed: float) -> None:
    """Krippendorff (2011), section C (4 observers, 12 units, missing values): printed alphas
    nominal .743, ordinal .815, interval .849, ratio .797 (3 decimals); also equal to the
    `krippendorff` package to 1e-12."""
    r = krippendorff_alpha(KRIPP_2011, level)
    assert round(r.alpha, 3) == printed
    assert r.alpha == pytest.approx(krippendorff.alpha(KRIPP_2011, level_of_measurement=level), abs=1e-12)
    assert (r.n_pairable, r.n_units) == (40, 11)  # unit 12 has a single value and is not pairable


def test_krippendorff_nominal_parts_by_hand() -> None:
    """Krippendorff (2011), nominal example: D_o = 8/40 = 0.2 (observed disagreements) and
    alpha = 1 - (n - 1) sum o / sum n_c n_k = 1 - 39 * 8 / 1216 = 0.7434."""
    r = krippendorff_alpha(KRIPP_2011, "nominal")
    assert r.observed_disagreement == pytest.approx(0.2, abs=1e-15)
    assert r.alpha == pytest.approx(1 - 39 * 8 / 1216, abs=1e-14)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(6))
def test_krippendorff_matches_package_on_random_data(level: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 7)), int(rng.integers(5, 40))
    k = int(rng.integers(2, 8))
    if seed % 2:  # coders who mostly agree: the unit's value plus a small error
        x = np.clip(rng.integers(0, k, size=n)[None, :] + rng.integers(-1, 2, size=(m, n)), 0, k).astype(float)
    else:  # coders who agree at chance level
        x = rng.integers(0, k, size=(m, n)).astype(float)
    x[rng.random(x.shape) < rng.uniform(0, 0.5)] = NAN
    try:
        expected = krippendorff.alpha(x, level_of_measurement=level)
    except (ValueError, ZeroDivisionError):  # package refuses degenerate data
        return
    if not np.isfinite(expected):
        with pytest.raises(DegenerateError):
            krippendorff_alpha(x, level)
        return
    assert krippendorff_alpha(x, level).alpha == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("level", ["interval", "ratio", "ordinal"])
def test_krippendorff_matches_package_on_continuous_values(level: str) -> None:
    rng = np.random.default_rng(42)
    x = np.abs(rng.normal(5, 2, size=(4, 60)))
    x[rng.random(x.shape) < 0.3] = NAN
    expected = krippendorff.alpha(x, level_of_measurement=level)
    assert krippendorff_alpha(x, level).alpha == pytest.approx(expected, abs=1e-10)


@settings(max_examples=30)
@given(arrays(np.float64, st.tuples(st.integers(2, 5), st.integers(2, 12)),
              elements=st.one_of(st.integers(1, 5).map(float), st.just(NAN))),
       st.sampled_from(["nominal", "ordinal", "interval", "ratio"]), st.randoms())
def test_alpha_invariant_to_permuting_coders_and_units(x: np.ndarray, level: str, random) -> None:
    try:
        a = krippendorff_alpha(x, level).alpha
    except DegenerateError:
        return
    rows = random.sample(range(x.shape[0]), x.shape[0])
    cols = random.sample(range(x.shape[1]), x.shape[1])
    assert krippendorff_alpha(x[rows][:, cols], level).alpha == pytest.approx(a, abs=1e-12)
    assert a <= 1.0 + 1e-12


ALPHA_BAD = [
    (lambda: krippendorff_alpha([[1, 2, 3]]), InputError, "at least 2 coders"),
    (lambda: krippendorff_alpha([1, 2, 3]), InputError, "2-D"),
    (lambda: krippendorff_alpha([[1, 2], [np.inf, 1]]), InputError, "reliability_data[1, 0] is inf"),
    (lambda: krippendorff_alpha([[1, -2], [1, 1]], "ratio"), InputError, "non-negative"),
    (lambda: krippendorff_alpha([[1, 2], [1, 2]], "circular"), InputError, "level is 'circular'"),
    (lambda: krippendorff_alpha([[1, NAN], [NAN, 2]]), DegenerateError, "no unit has values"),
    (lambda: krippendorff_alpha([[3, 3], [3, 3]]), DegenerateError, "no variation"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), ALPHA_BAD)
def test_alpha_bad_input(call, error: type, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as exc:
        call()
    assert fragment in str(exc.value)


# ---------------------------------------------------------------- per indicator


def _reliability_matrix(project: np.ndarray, value: np.ndarray, n_projects: int) -> np.ndarray:
    """Raters x projects matrix: each project's ratings stacked in rows 0, 1, ... (who rated is irrelevant)."""
    depth = max(int((project == p).sum()) for p in range(n_projects))
    out = np.full((max(depth, 2), n_projects), NAN)
    for p in range(n_projects):
        vals = value[project == p]
        out[: vals.size, p] = vals
    return out


@pytest.mark.parametrize("level", ["ordinal", "interval", "nominal", "ratio"])
def test_indicator_agreement_equals_alpha_per_indicator(level: str) -> None:
    rng = np.random.default_rng(7)
    n = 300
    proj = rng.integers(0, 15, n)
    ind = rng.integers(0, 4, n)
    quality = rng.integers(1, 6, 15)
    val = np.clip(quality[proj] + rng.integers(-1, 2, n), 1, 5).astype(float)
    val[ind == 3] = rng.integers(1, 6, int((ind == 3).sum()))  # an indicator of pure noise
    val[rng.random(n) < 0.1] = NAN
    res = indicator_agreement(proj, ind, val, n_projects=15, n_indicators=5, level=level)
    assert res.alpha.shape == (5,)
    for j in range(4):
        sel = (ind == j) & ~np.isnan(val)
        mat = _reliability_matrix(proj[sel], val[sel], 15)
        expected = krippendorff.alpha(mat, level_of_measurement=level)
        assert res.alpha[j] == pytest.approx(expected, abs=1e-10)
        assert res.defined[j]
    assert res.alpha[0] > res.alpha[3]  # ratings that reflect the project agree more than noise
    assert not res.defined[4]
    assert np.isnan(res.alpha[4])
    assert not res.alpha.flags.writeable


def test_indicator_agreement_undefined_cases() -> None:
    # indicator 0: no project rated twice; indicator 1: all ratings equal; indicator 2: defined
    a = indicator_agreement([0, 1, 0, 0, 1, 1, 0, 0, 1, 1], [0, 0, 1, 1, 1, 1, 2, 2, 2, 2],
                            [1, 2, 3, 3, 3, 3, 1, 2, 4, 5])
    np.testing.assert_array_equal(a.defined, [False, False, True])
    np.testing.assert_array_equal(a.n_units, [0, 2, 2])
    assert np.isnan(a.alpha[:2]).all()


def test_indicator_agreement_bad_input() -> None:
    with pytest.raises(InputError, match=r"value\[1\] is -1 \(project 'P2', indicator #0\)"):
        indicator_agreement([0, 1], [0, 0], [1, -1], level="ratio", project_ids=["P1", "P2"])
    with pytest.raises(InputError, match="level is 'kappa'"):
        indicator_agreement([0], [0], [1], level="kappa")  # type: ignore[arg-type]
