"""Evidence Monte Carlo: rater bootstrap, measurement uncertainty, attribution, reproducibility."""

from __future__ import annotations

import concurrent.futures
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ppeval import methods
from ppeval.errors import InputError
from ppeval.sensitivity import (
    EvidenceResult,
    evidence_monte_carlo,
    monte_carlo,
    rating_evidence,
    value_uncertainty,
)
from ppeval.sensitivity._evidence_inputs import ValueSampler
from ppeval.sensitivity._stack import StackScorer


def exact_bootstrap_means(answers: list[int]) -> dict[Fraction, Fraction]:
    """Distribution of the bootstrap mean by enumerating all n^n resamples (the hand computation)."""
    n = len(answers)
    dist: dict[Fraction, Fraction] = {}
    for pick in itertools.product(answers, repeat=n):
        key = Fraction(sum(pick), n)
        dist[key] = dist.get(key, Fraction(0)) + Fraction(1, n**n)
    return dist


def test_bootstrap_of_three_raters_matches_enumeration() -> None:
    """Answers 1, 2, 3: the 27 equally likely resamples give P(mean = 2) = 7/27, P(1) = P(3) = 1/27, ...

    By hand: the sum of three draws from {1, 2, 3} takes 3..9 with counts 1, 3, 6, 7, 6, 3, 1 (of 27).
    """
    exact = exact_bootstrap_means([1, 2, 3])
    assert exact[Fraction(2)] == Fraction(7, 27)
    assert exact[Fraction(5, 3)] == Fraction(6, 27)
    ev = rating_evidence([0, 0, 0], [0, 0, 0], [1.0, 2.0, 3.0], n_projects=1, n_criteria=1)
    draws = ev.resample(np.random.default_rng(5), 200_000)[:, 0]
    for value, p in exact.items():
        freq = np.mean(np.isclose(draws, float(value)))
        se = np.sqrt(float(p) * (1 - float(p)) / draws.size)
        assert abs(freq - float(p)) < 5 * se, (value, freq, p)
    # every draw is one of the 7 values; the bootstrap variance is the population variance / n = (2/3)/3
    assert np.isin(np.round(draws * 3).astype(int), np.arange(3, 10)).all()
    assert abs(draws.var() - 2 / 9) < 0.01


def test_exact_bootstrap_table_equals_the_enumeration() -> None:
    """The precomputed distribution of the resampled sum of answers 1, 2, 3: 1, 3, 6, 7, 6, 3, 1 (of 27).

    The alias table (8 slots) encodes the same probabilities to 2**-48.
    """
    sp = rating_evidence([0, 0, 0], [0, 0, 0], [1.0, 2.0, 3.0], n_projects=1, n_criteria=1).sampler()
    assert sp.lattice.tolist() == [0]
    assert sp.fallback.tolist() == []
    assert sp.offset.tolist() == [3.0]
    assert sp.step.tolist() == [1.0]
    exact = np.array([1, 3, 6, 7, 6, 3, 1]) / 27
    np.testing.assert_allclose(sp.pmf, exact, rtol=0, atol=1e-15)
    assert sp.bits.tolist() == [3]
    np.testing.assert_allclose(sp.table_probabilities(0), exact, rtol=0, atol=2.0**-47)


def _direct_alias_draw(entry: np.ndarray, bits: int, raw: np.ndarray) -> np.ndarray:
    """Walker's alias draw written out word by word: slot = top bits, keep it if the next bits < threshold."""
    out = np.empty(raw.shape, dtype=np.int64)
    for idx, word in np.ndenumerate(raw):
        w = int(word)
        slot = w >> (64 - bits)
        e = int(entry[slot])
        threshold = (e >> 16) & ((1 << (48 - bits)) - 1)
        mid = (w >> 16) & ((1 << (48 - bits)) - 1)
        out[idx] = slot if mid < threshold else e & 0xFFFF
    return out


def test_alias_tables_encode_the_exact_distributions_and_are_read_as_walker() -> None:
    """Uneven groups on a 5-point scale: every table's probabilities equal its pmf (to 2**-48), the pmf is
    the n-fold convolution of the stratum's answer shares (numpy.convolve), strata with equal counts share
    one table, and the vectorised look-up equals Walker's draw written out per word."""
    rng = np.random.default_rng(12)
    n_p = 40
    proj = np.repeat(np.arange(n_p), 30)
    vals = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], size=proj.size, p=[0.05, 0.1, 0.2, 0.4, 0.25])
    grp = np.tile(np.repeat(["r", "e", "g"], 10), n_p)
    keep = rng.random(proj.size) < 0.8  # uneven group sizes
    ev = rating_evidence(proj[keep], np.zeros(keep.sum(), int), vals[keep], n_projects=n_p, n_criteria=1,
                         group=grp[keep], group_weights={"r": 0.5, "e": 0.3, "g": 0.2})
    sp = ev.sampler()
    assert sp.fallback.size == 0
    assert sp.pmf_start.size < sp.lattice.size  # some strata share a distribution
    for j in range(sp.lattice.size):
        s = sp.lattice[j]
        lev = ev.levels[ev.stratum_cell[s]]
        cnt = ev.stratum_counts[s]
        v0 = lev[cnt > 0].min()
        p = np.zeros(5)
        np.add.at(p, np.rint(lev - v0).astype(int), cnt / cnt.sum())
        p = np.trim_zeros(p, "b")
        ref = np.array([1.0])
        for _ in range(int(cnt.sum())):
            ref = np.convolve(ref, p)
        u = sp.table_of[j]
        np.testing.assert_allclose(sp.table_probabilities(u), ref, rtol=0, atol=1e-13)
    raw = np.random.default_rng(3).bit_generator.random_raw(sp.lattice.size * 50).reshape(sp.lattice.size, 50)
    got = sp.lattice_sums(raw)
    for j in range(sp.lattice.size):
        u = sp.table_of[j]
        table = sp.entry[sp.entry_start[u] : sp.entry_start[u] + (1 << int(sp.bits[u]))]
        np.testing.assert_array_equal(got[j], _direct_alias_draw(table, int(sp.bits[u]), raw[j]))
    # and the cell values are the aggregation rule on those sums
    cells = sp.resample(np.random.default_rng(3), 50)
    sums = (sp.offset[:, None] + sp.step[:, None] * got).T
    np.testing.assert_allclose(cells, ev.values_from_sums(sums), rtol=1e-14, atol=0)


def test_answers_off_a_lattice_are_resampled_by_counts() -> None:
    """Answers 1, 2, 4.5 (no common step): multinomial counts; the mean's distribution matches direct resampling."""
    answers = np.array([1.0, 2.0, 4.5, 4.5, 2.0, 1.0, 1.0])
    ev = rating_evidence([0] * 7, [0] * 7, answers, n_projects=1, n_criteria=1)
    sp = ev.sampler()
    assert sp.fallback.tolist() == [0]
    ours = sp.resample(np.random.default_rng(1), 50_000)[:, 0]
    direct = np.random.default_rng(2).choice(answers, size=(50_000, 7)).mean(axis=1)
    assert ours.mean() == pytest.approx(direct.mean(), abs=0.02)
    assert ours.std() == pytest.approx(direct.std(), rel=0.03)
    assert stats.ks_2samp(ours.round(12), direct.round(12)).pvalue > 1e-3  # same lattice values, any rounding


def test_aggregation_rules_on_counts_by_hand() -> None:
    """Counts over levels (1, 3, 5): [2, 0, 1] -> mean 7/3, median 1; [1, 1, 2] -> trimmed mean (25 %) 4."""
    ev = rating_evidence([0, 0, 0], [0, 0, 0], [1.0, 3.0, 5.0], n_projects=1, n_criteria=1)
    assert ev.values_from_counts(np.array([[[2, 0, 1]]]))[0, 0] == pytest.approx(7 / 3)
    med = rating_evidence([0, 0, 0], [0, 0, 0], [1.0, 3.0, 5.0], n_projects=1, n_criteria=1, method="median")
    assert med.values_from_counts(np.array([[[2, 0, 1]]]))[0, 0] == 1.0
    assert med.values_from_counts(np.array([[[1, 1, 1]]]))[0, 0] == 3.0
    tm = rating_evidence([0] * 4, [0] * 4, [1.0, 3.0, 5.0, 5.0], n_projects=1, n_criteria=1,
                         method="trimmed_mean", trim=0.25)
    # 4 values 1, 3, 5, 5: cut one at each end -> (3 + 5) / 2
    assert tm.base[0] == 4.0
    assert tm.values_from_counts(np.array([[[1, 1, 2]]]))[0, 0] == 4.0
    assert tm.values_from_counts(np.array([[[3, 0, 1]]]))[0, 0] == 1.0


def test_stratified_bootstrap_with_group_weights_by_hand() -> None:
    """Group a (weight 0.3) answers 1, 1 (no spread); group b (0.7) answers 5, 3.

    Group b's bootstrap mean is 5, 4, 3 with probabilities 1/4, 1/2, 1/4, so the cell value
    0.3 * 1 + 0.7 * mean_b is 3.8, 3.1, 2.4 with 1/4, 1/2, 1/4.
    """
    ev = rating_evidence([0] * 4, [1] * 4, [1.0, 1.0, 5.0, 3.0], n_projects=1, n_criteria=2,
                         group=["a", "a", "b", "b"], group_weights={"a": 0.3, "b": 0.7})
    assert ev.base[0] == pytest.approx(3.1)
    draws = ev.resample(np.random.default_rng(1), 100_000)[:, 0]
    for value, p in ((3.8, 0.25), (3.1, 0.5), (2.4, 0.25)):
        assert abs(np.mean(np.isclose(draws, value)) - p) < 0.01
    assert np.isclose(draws, 3.8).sum() + np.isclose(draws, 3.1).sum() + np.isclose(draws, 2.4).sum() == draws.size


def test_median_bootstrap_matches_resampling_raters_directly() -> None:
    """Cross-check: the count-based median equals the median of raters drawn one by one (same distribution)."""
    answers = np.array([1.0, 2.0, 2.0, 4.0, 5.0])
    ev = rating_evidence([0] * 5, [0] * 5, answers, n_projects=1, n_criteria=1, method="median")
    ours = ev.resample(np.random.default_rng(2), 60_000)[:, 0]
    direct = np.median(np.random.default_rng(3).choice(answers, size=(60_000, 5)), axis=1)
    for v in (1.0, 2.0, 4.0, 5.0):
        assert abs(np.mean(ours == v) - np.mean(direct == v)) < 0.015


def _two_projects(n_small: int, n_large: int) -> tuple[np.ndarray, object]:
    levels = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    small = np.repeat(levels, n_small // 5)
    large = np.repeat(levels, n_large // 5)
    proj = np.r_[np.zeros(small.size, int), np.ones(large.size, int)]
    ind = np.ones(proj.size, dtype=int)
    ev = rating_evidence(proj, ind, np.r_[small, large], n_projects=2, n_criteria=2)
    x = np.array([[3.0, 3.0], [3.0, 3.0]])
    return x, ev


def test_two_hundred_raters_give_a_narrower_interval_than_five() -> None:
    """Same answers' distribution (uniform on 1..5), 5 vs 200 raters: the interval shrinks ~ sqrt(40)."""
    x, ev = _two_projects(5, 200)
    r = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 4000, vary_weights=False, ratings=ev,  # type: ignore[arg-type]
                             method="wsm", bounds=[[1, 5], [1, 5]], seed=11)
    width = r.score_quantiles[:, 2] - r.score_quantiles[:, 0]
    assert width[1] < width[0] / 4
    # standard deviation of the score: 0.5 * sd(mean of n) / 4, sd(mean) = sqrt(2 / n)
    assert r.score_std[0] == pytest.approx(0.5 * np.sqrt(2 / 5) / 4, rel=0.05)
    assert r.score_std[1] == pytest.approx(0.5 * np.sqrt(2 / 200) / 4, rel=0.05)


X = np.random.default_rng(77).uniform(1, 10, size=(9, 5))
W = np.array([0.3, 0.1, 0.2, 0.25, 0.15])
T = np.array([1, -1, 1, 1, -1])


def _evidence() -> object:
    rng = np.random.default_rng(8)
    proj = np.repeat(np.arange(9), 7)
    ind = np.full(proj.size, 3)
    val = rng.integers(1, 10, proj.size).astype(float)
    grp = np.tile(["resident"] * 4 + ["expert"] * 3, 9)
    return rating_evidence(proj, ind, val, n_projects=9, n_criteria=5, group=grp,
                           group_weights={"resident": 0.6, "expert": 0.4})


EV = _evidence()
XM = X.copy()
XM[:, 3] = EV.base  # type: ignore[attr-defined]
U = value_uncertainty(["normal", "uniform", "triangular", "none", "none"], 5, relative=[0.05, 0.1, 0.2, 0, 0],
                      low=0.0)
KW = {"samples": 700, "seed": 99, "concentration": 40.0, "grade_bands": [80, 60, 0], "decision_bands": [70, 40],
      "ratings": EV, "values": U, "chunk_size": 128}


def assert_identical(a: EvidenceResult, b: EvidenceResult) -> None:
    for k in a.__dataclass_fields__:
        va, vb = getattr(a, k), getattr(b, k)
        if isinstance(va, np.ndarray):
            assert va.tobytes() == vb.tobytes(), k
        else:
            assert va == vb, k


@pytest.fixture(scope="module")
def serial() -> EvidenceResult:
    return evidence_monte_carlo(XM, W, T, **KW)  # type: ignore[arg-type]


@pytest.mark.parametrize("chunk", [1, 7, 64, 700, 5000])
def test_chunk_size_does_not_change_a_bit(serial: EvidenceResult, chunk: int) -> None:
    assert_identical(serial, evidence_monte_carlo(XM, W, T, **{**KW, "chunk_size": chunk}))  # type: ignore[arg-type]


def test_executors_do_not_change_a_bit(serial: EvidenceResult) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
        assert_identical(serial, evidence_monte_carlo(XM, W, T, executor=ex, **KW))  # type: ignore[arg-type]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
        assert_identical(serial, evidence_monte_carlo(XM, W, T, executor=ex, **KW))  # type: ignore[arg-type]


def test_dask_does_not_change_a_bit(serial: EvidenceResult) -> None:
    import distributed
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as client:
        got = evidence_monte_carlo(XM, W, T, executor=client.get_executor(), **KW)  # type: ignore[arg-type]
        assert_identical(serial, got)


@pytest.mark.parametrize("kw", [
    {"concentration": None},
    {"concentration": 30.0, "method": "wsm", "grade_bands": [90, 75, 60, 0]},
    {"concentration": 5.0, "method": "vikor"},
    {"concentration": 80.0, "bounds": [[0, 10], [10, 0], [0, 10], [0, 10], [10, 0]]},
])
def test_all_uncertainties_off_equals_weight_only_analysis_bit_for_bit(kw: dict) -> None:
    """No ratings and no values: every field equals monte_carlo's with the same seed."""
    mc = monte_carlo(X, W, T, 1500, seed=4, chunk_size=256, **{"grade_bands": [80, 60, 0], **kw})
    ev = evidence_monte_carlo(X, W, T, 1500, seed=4, chunk_size=256, **{"grade_bands": [80, 60, 0], **kw})
    assert ev.sources == ("weights",)
    for name in ("rank_acceptability", "score_mean", "score_std", "score_min", "score_max", "score_quantiles",
                 "grade_probability", "base_scores", "base_ranks"):
        assert np.asarray(getattr(ev, name)).tobytes() == np.asarray(getattr(mc, name)).tobytes(), name
    # uncertainty declared but zero-width is "off" as well
    zero = value_uncertainty("uniform", 5, relative=0.0)
    ev0 = evidence_monte_carlo(X, W, T, 1500, seed=4, chunk_size=256, values=zero,
                               **{"grade_bands": [80, 60, 0], **kw})
    assert ev0.rank_acceptability.tobytes() == mc.rank_acceptability.tobytes()


def test_summaries_equal_the_kept_samples(serial: EvidenceResult) -> None:
    r = evidence_monte_carlo(XM, W, T, **{**KW, "keep_scores": True})  # type: ignore[arg-type]
    s = r.sample_scores
    assert s is not None
    assert s.shape == (700, 9)
    np.testing.assert_allclose(r.score_mean, s.mean(axis=0), rtol=0, atol=1e-13)
    np.testing.assert_allclose(r.score_std, s.std(axis=0), rtol=0, atol=1e-10)
    assert (r.score_min == s.min(axis=0)).all()
    assert (r.score_max == s.max(axis=0)).all()
    ranks = np.array([stats.rankdata(-row, method="min") for row in s]).astype(int)
    acc = np.stack([(ranks == k).mean(axis=0) for k in range(1, 10)], axis=1)
    np.testing.assert_array_equal(r.rank_acceptability, acc)
    g = 100 * s
    grade = np.where(g >= 80, 0, np.where(g >= 60, 1, 2))
    assert r.grade_probability is not None
    np.testing.assert_array_equal(r.grade_probability, np.stack([(grade == k).mean(0) for k in range(3)], 1))
    assert r.decision_probability is not None
    np.testing.assert_allclose(r.decision_probability.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    # the same summaries as the run without kept scores
    assert r.score_mean.tobytes() == serial.score_mean.tobytes()


@pytest.mark.parametrize(("method", "norm", "bounds"), [
    ("topsis", "vector", None), ("topsis", "minmax", None), ("wsm", "minmax", None), ("vikor", None, None),
    ("topsis", None, [[0, 20], [20, 0], [0, 20], [0, 20], [20, 0]]),
    ("wsm", None, [[0, 20], [20, 0], [0, 20], [0, 20], [20, 0]]),
])
def test_stack_scores_equal_ppeval_methods(method: str, norm: str | None, bounds: list | None) -> None:
    """Cross-check of the per-sample scorer against ppeval.methods, one matrix at a time."""
    rng = np.random.default_rng(3)
    xs = rng.uniform(0.5, 15, size=(6, 9, 5))
    xs[2, :, 1] = 4.0  # a constant column
    ws = rng.dirichlet(np.ones(5), size=6)
    b = None if bounds is None else np.array(bounds, dtype=float)
    sc = StackScorer(method=method, normalization=norm or ("minmax" if method == "wsm" else ""),
                     types=T, bounds=b, v=0.5)
    got = sc.scores(xs, ws)
    for k in range(6):
        if method == "topsis":
            ref = methods.topsis(xs[k], ws[k], T, **({"bounds": b} if b is not None else {"normalization": norm}))
        elif method == "wsm":
            ref = methods.wsm(xs[k], ws[k], T, bounds=b)
        else:
            ref = methods.vikor(xs[k], ws[k], T).Q
        np.testing.assert_allclose(got[k], ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", ["uniform", "triangular", "normal"])
def test_truncated_measurement_distributions_match_scipy(kind: str) -> None:
    """x = 10, spread 2, truncated to [9, 15]: KS test against scipy's truncated distribution."""
    spec = value_uncertainty(kind, 1, absolute=2.0, low=9.0, high=15.0)
    vs = ValueSampler.build(spec, np.array([[10.0]]), None)
    draws = vs.draw(np.random.default_rng(4), 20_000)[:, 0, 0]
    assert draws.min() >= 9.0
    assert draws.max() <= 15.0
    if kind == "uniform":
        ref = stats.uniform(loc=9.0, scale=3.0)
    elif kind == "triangular":
        base = stats.triang(c=0.5, loc=8.0, scale=4.0)
        lo_p = base.cdf(9.0)

        class Trunc:
            @staticmethod
            def cdf(z: np.ndarray) -> np.ndarray:
                return (base.cdf(z) - lo_p) / (1 - lo_p)
        ref = Trunc
    else:
        ref = stats.truncnorm(a=-0.5, b=2.5, loc=10.0, scale=2.0)
    assert stats.kstest(draws, ref.cdf).pvalue > 1e-3


def test_first_order_indices_of_an_additive_model() -> None:
    """WSM absolute: score = 0.5 x0/10 + 0.5 x1/10 with x0 ~ U(5 ± 1) and x1 from a 5-rater bootstrap.

    Additive, so S_values = Var_v / (Var_v + Var_r): Var_v = 0.05^2 * 4/12 (uniform of half-width 1,
    scaled by 0.05), Var_r = 0.05^2 * (2 / 5) (answers 1..5: population variance 2).
    """
    x = np.array([[5.0, 3.0], [6.0, 5.0]])
    proj = [0] * 5 + [1] * 5
    ev = rating_evidence(proj, [1] * 10, [1.0, 2, 3, 4, 5, 5, 5, 5, 5, 5], n_projects=2, n_criteria=2)
    u = value_uncertainty(["uniform", "none"], 2, absolute=[1.0, 0.0])
    r = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 20_000, vary_weights=False, ratings=ev, values=u,
                             method="wsm", bounds=[[0, 10], [0, 10]], seed=2)
    assert r.sources == ("ratings", "values")
    var_v, var_r = 4 / 12, 2 / 5
    assert r.first_order[0, 1] == pytest.approx(var_v / (var_v + var_r), abs=0.03)
    assert r.first_order[0, 0] == pytest.approx(var_r / (var_v + var_r), abs=0.03)
    assert r.main_source[0] == 0  # ratings
    # project 1: all five raters said 5, so only the values vary
    assert r.first_order[1, 1] == pytest.approx(1.0, abs=0.03)
    assert r.main_source[1] == 1


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"samples": 0}, "samples is 0"),
    ({"ratings": "x"}, "expected a RatingEvidence"),
    ({"values": 3}, "expected a ValueUncertainty"),
    ({"vary_weights": False}, "nothing varies"),
    ({"method": "fce", "values": U}, "needs fuzzy"),
    ({"method": "vikor", "normalization": "vector", "values": U}, "own linear"),
    ({"decision_bands": [40, 70]}, "decision_bands|grade_bands"),
    ({"ratings": rating_evidence([0], [0], [1.0], n_projects=1, n_criteria=5)}, "1 x 5 matrix"),
    ({"values": value_uncertainty("uniform", 3, relative=0.1)}, "declares 3 columns"),
])
def test_bad_input(kwargs: dict, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        evidence_monte_carlo(X, W, T, **{"samples": 10, **kwargs})


def test_matrix_must_hold_the_rating_aggregate() -> None:
    with pytest.raises(InputError, match=r"matrix\[0, 3\].*aggregate"):
        evidence_monte_carlo(X, W, T, 10, ratings=EV)  # type: ignore[arg-type]


def test_value_outside_truncation_is_an_error() -> None:
    u = value_uncertainty("uniform", 5, relative=0.1, low=5.0)
    with pytest.raises(InputError, match="outside the truncation range"):
        evidence_monte_carlo(X, W, T, 10, values=u)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"distribution": "beta"}, "valid values"),
    ({"relative": -0.1}, "relative"),
    ({"absolute": [1.0, 2.0]}, "shape"),
    ({"low": 3.0, "high": 1.0}, "low < high"),
])
def test_value_uncertainty_bad_input(kwargs: dict, fragment: str) -> None:
    args = {"distribution": "uniform", **kwargs}
    with pytest.raises(InputError, match=fragment):
        value_uncertainty(args.pop("distribution"), 3, **args)


@given(
    n=st.integers(2, 6),
    raters=st.integers(1, 12),
    seed=st.integers(0, 2**16),
    chunk=st.integers(1, 97),
    method=st.sampled_from(["topsis", "wsm", "vikor"]),
)
@settings(max_examples=25, deadline=None)
def test_property_any_chunking_same_bits_and_probabilities_sum_to_one(
    n: int, raters: int, seed: int, chunk: int, method: str
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 9, size=(n, 3))
    proj = np.repeat(np.arange(n), raters)
    ev = rating_evidence(proj, np.full(proj.size, 2), rng.integers(1, 6, proj.size).astype(float),
                         n_projects=n, n_criteria=3)
    x[:, 2] = ev.base
    u = value_uncertainty(["triangular", "none", "none"], 3, relative=0.2, low=0.0)
    kw = {"ratings": ev, "values": u, "concentration": 20.0, "method": method, "grade_bands": [75, 50, 0],
          "decision_bands": [60, 0], "seed": seed}
    a = evidence_monte_carlo(x, [0.5, 0.3, 0.2], [1, -1, 1], 150, **kw)
    b = evidence_monte_carlo(x, [0.5, 0.3, 0.2], [1, -1, 1], 150, chunk_size=chunk, **kw)
    assert_identical(a, b)
    assert a.grade_probability is not None
    assert a.decision_probability is not None
    np.testing.assert_allclose(a.grade_probability.sum(axis=1), 1.0, atol=1e-15)
    np.testing.assert_allclose(a.decision_probability.sum(axis=1), 1.0, atol=1e-15)
    np.testing.assert_allclose(a.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)
    assert ((a.first_order >= 0) & (a.first_order <= 1)).all()


def test_table_budget_sends_the_largest_strata_to_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a tiny table budget the big strata use multinomial counts; both parts give the right means."""
    import ppeval.sensitivity._evidence_inputs as mod

    monkeypatch.setattr(mod, "TABLE_FLOATS", 60)
    answers = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    small = np.repeat(answers, 1)  # 5 raters: 17 table entries
    large = np.repeat(answers, 20)  # 100 raters: 401 entries, over the budget
    proj = np.r_[np.zeros(5, int), np.ones(100, int)]
    ev = rating_evidence(proj, np.zeros(proj.size, int), np.r_[small, large], n_projects=2, n_criteria=1)
    sp = ev.sampler()
    assert sp.lattice.tolist() == [0]
    assert sp.fallback.tolist() == [1]
    draws = sp.resample(np.random.default_rng(4), 20_000)
    np.testing.assert_allclose(draws.mean(axis=0), [3.0, 3.0], atol=0.02)
    np.testing.assert_allclose(draws.std(axis=0), [np.sqrt(2 / 5), np.sqrt(2 / 100)], rtol=0.03)


def test_without_attribution_no_source_is_named() -> None:
    r = evidence_monte_carlo(XM, W, T, 200, ratings=EV, values=U, concentration=40.0, seed=1,  # type: ignore[arg-type]
                             attribution=False)
    assert (r.first_order == 0).all()
    assert (r.main_source == -1).all()


ABS_BOUNDS = [[0, 10], [10, 0], [0, 10], [0, 10], [10, 0]]


def _irregular_evidence() -> object:
    """Ratings on columns 3 and 4 of some projects only (project 2 unrated, project 5 on column 4 only)."""
    rng = np.random.default_rng(21)
    proj, ind = [], []
    for i in range(9):
        for j in (3, 4):
            if i == 2 or (i == 5 and j == 3):
                continue
            proj += [i] * 6
            ind += [j] * 6
    val = rng.integers(1, 10, len(proj)).astype(float)
    grp = np.tile(["a"] * 4 + ["b"] * 2, len(proj) // 6)
    return rating_evidence(proj, ind, val, n_projects=9, n_criteria=5, group=grp, group_weights={"a": 0.7, "b": 0.3})


@pytest.mark.parametrize("method", ["wsm", "topsis"])
@pytest.mark.parametrize("layout", ["regular", "irregular"])
def test_absolute_split_scores_equal_the_full_matrix_scoring(
    method: str, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Absolute WSM / TOPSIS: fixed cells by one product plus the varied cells gives the scores of the
    perturbed matrix scored whole (StackScorer, itself checked against ppeval.methods), sample by sample,
    also with a rated column that carries measurement uncertainty (the value draw wins there, as in the
    matrix) and with attribution (partner samples)."""
    import ppeval.sensitivity.evidence as mod

    ev = EV if layout == "regular" else _irregular_evidence()
    x = X.copy()
    x[ev.cell_row, ev.cell_col] = ev.base  # type: ignore[attr-defined]
    u = value_uncertainty(["normal", "uniform", "none", "none", "triangular"], 5, relative=[0.05, 0.1, 0, 0, 0.1])
    kw = {"ratings": ev, "values": u, "concentration": 40.0, "method": method, "bounds": ABS_BOUNDS, "seed": 3,
          "keep_scores": True, "chunk_size": 96}
    fast = evidence_monte_carlo(x, W, T, 300, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(mod._Linear, "build", classmethod(lambda cls, *a: None))
    full = evidence_monte_carlo(x, W, T, 300, **kw)  # type: ignore[arg-type]
    assert fast.sample_scores is not None
    assert full.sample_scores is not None
    np.testing.assert_allclose(fast.sample_scores, full.sample_scores, rtol=0, atol=1e-13)
    np.testing.assert_allclose(fast.first_order, full.first_order, rtol=0, atol=1e-9)


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_absolute_split_is_bit_identical_across_chunks_and_executors(method: str) -> None:
    x = X.copy()
    x[EV.cell_row, EV.cell_col] = EV.base  # type: ignore[attr-defined]
    kw = {"ratings": EV, "values": U, "concentration": 40.0, "method": method, "bounds": ABS_BOUNDS, "seed": 8,
          "grade_bands": [80, 60, 0]}
    a = evidence_monte_carlo(x, W, T, 500, chunk_size=500, **kw)  # type: ignore[arg-type]
    for chunk in (1, 33, 64, 5000):
        assert_identical(a, evidence_monte_carlo(x, W, T, 500, chunk_size=chunk, **kw))  # type: ignore[arg-type]
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
        assert_identical(a, evidence_monte_carlo(x, W, T, 500, chunk_size=64, executor=ex, **kw))  # type: ignore[arg-type]
    if method == "wsm":
        with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pex:
            assert_identical(a, evidence_monte_carlo(x, W, T, 500, chunk_size=96, executor=pex, **kw))  # type: ignore[arg-type]


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30),
       st.lists(st.sampled_from([0.0, 12.5, 40.0, 59.99, 60.0, 75.0, 90.0, 100.0]), min_size=1, max_size=5,
                unique=True),
       st.booleans())
@settings(max_examples=60, deadline=None)
def test_band_index_equals_grade_index(scores: list, cuts: list, hib: bool) -> None:
    """The comparison count gives the searchsorted band of the engine, bounds included (score 0.6 -> 60)."""
    from ppeval.sensitivity._engine import grade_index
    from ppeval.sensitivity.evidence import _band_index

    s = np.array(scores + [0.6, 0.9, 0.0, 1.0])[None, :]
    asc = np.sort(np.array(cuts))
    np.testing.assert_array_equal(_band_index(s, asc, hib), grade_index(s, asc, hib))


def test_integer_powers_by_squaring_equal_numpy() -> None:
    from ppeval.sensitivity._evidence_inputs import _int_power

    rng = np.random.default_rng(5)
    z = np.exp(1j * rng.uniform(0, 6.3, (4, 9))) * rng.uniform(0.5, 1.0, (4, 9))
    n = np.array([1, 2, 37, 200])
    np.testing.assert_allclose(_int_power(z, n), z ** n[:, None], rtol=1e-12, atol=1e-300)


def test_many_raters_tables_drop_only_negligible_tails() -> None:
    """300 raters on a 5-point scale: the sum has 1,201 lattice values, but far tails below 2**-52 are not
    tabled; the table still equals the n-fold convolution (numpy.convolve) to the tables' resolution."""
    answers = np.repeat([1.0, 2.0, 3.0, 4.0, 5.0], [10, 20, 60, 150, 60])
    ev = rating_evidence(np.zeros(300, int), np.zeros(300, int), answers, n_projects=1, n_criteria=1)
    sp = ev.sampler()
    assert sp.fallback.size == 0
    assert sp.first[0] > 0
    assert (1 << int(sp.bits[0])) < int(sp.support[0])
    p = np.array([10, 20, 60, 150, 60]) / 300
    ref = np.array([1.0])
    for _ in range(300):
        ref = np.convolve(ref, p)
    # every slot's split is held to 2**-48 of the total, so an atom is exact to that times the slots it uses
    np.testing.assert_allclose(sp.table_probabilities(0), ref, rtol=0, atol=(1 << int(sp.bits[0])) * 2.0**-48)
    draws = sp.resample(np.random.default_rng(2), 40_000)[:, 0]
    assert draws.mean() == pytest.approx(answers.mean(), abs=4 * answers.std() / np.sqrt(300 * 40_000))
    assert draws.std() == pytest.approx(answers.std() / np.sqrt(300), rel=0.02)


@pytest.mark.parametrize("method", ["mean", "median"])
def test_cell_values_affine_equals_resample_then_affine(method: str) -> None:
    """The normalised draws of the split scoring equal (value - shift) * scale of the same bootstrap."""
    ev = rating_evidence(np.repeat(np.arange(9), 7), np.full(63, 3), np.random.default_rng(8).integers(1, 10, 63),
                         n_projects=9, n_criteria=5, group=np.tile(["a"] * 4 + ["b"] * 3, 9),
                         group_weights={"a": 0.6, "b": 0.4}, method=method)
    sp = ev.sampler()
    shift, scale = np.full(ev.n_cells, 1.0), np.full(ev.n_cells, -1 / 9)
    got = sp.cell_values(np.random.default_rng(4), 40, shift, scale)
    ref = (sp.resample(np.random.default_rng(4), 40).T - 1.0) * (-1 / 9)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-14)


def test_value_draws_affine_equal_draws_then_affine() -> None:
    """Normalising the centre, spread and limits (a reversed axis included) equals normalising every draw."""
    spec = value_uncertainty(["normal", "triangular", "uniform"], 3, relative=[0.1, 0.2, 0.1], low=1.0, high=10.0)
    vs = ValueSampler.build(spec, X[:, :3], None)
    shift, scale = np.array([0.0, 10.0, 1.0]), np.array([0.1, -0.1, 0.5])
    got = vs.draw_columns(np.random.default_rng(6), 30, shift, scale)
    ref = (vs.draw_columns(np.random.default_rng(6), 30) - shift[:, None, None]) * scale[:, None, None]
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("groups", [1, 2, 3])
def test_cell_values_from_blocks_equal_the_aggregated_lattice_sums(
    groups: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell with the same number of groups (one sum over an axis) and blocks of a few cells: the cell
    values are the group-weighted means of the same words' lattice sums (RatingEvidence.values_from_sums)."""
    import ppeval.sensitivity._evidence_inputs as mod

    monkeypatch.setattr(mod, "_LOOKUP_BLOCK", 64)  # blocks of a few cells
    rng = np.random.default_rng(30 + groups)
    n_p, per = 23, 4 * groups
    proj = np.repeat(np.arange(n_p), per)
    vals = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], size=proj.size)
    names = ["a", "b", "c"][:groups]
    grp = np.tile(np.repeat(names, 4), n_p)
    ev = rating_evidence(proj, np.zeros(proj.size, int), vals, n_projects=n_p, n_criteria=1, group=grp,
                         group_weights=dict(zip(names, [[1.0], [0.6, 0.4], [0.5, 0.3, 0.2]][groups - 1], strict=True)))
    sp = ev.sampler()
    assert sp.fallback.size == 0
    t = 10
    raw = np.random.default_rng(9).bit_generator.random_raw(sp.lattice.size * t).reshape(sp.lattice.size, t)
    sums = (sp.offset[:, None] + sp.step[:, None] * sp.lattice_sums(raw)).T
    got = sp.cell_values(np.random.default_rng(9), t)
    np.testing.assert_allclose(got, ev.values_from_sums(sums).T, rtol=1e-14, atol=0)
