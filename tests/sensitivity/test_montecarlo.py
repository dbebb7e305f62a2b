"""Monte Carlo weight sensitivity (SMAA-2): properties, brute-force cross-checks, reproducibility, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppeval import methods, ranking
from ppeval.errors import InputError, PPEvalError
from ppeval.sensitivity import MonteCarloResult, judgment_sensitivity, monte_carlo
from ppeval.sensitivity._accumulate import (
    MAX_SAMPLES,
    histogram_quantiles,
    limb_sums,
    limbs_to_float,
)
from ppeval.sensitivity._executor import BLOCK_SIZE, SeedPlan
from ppeval.sensitivity._kernels import build_scorer

X = np.array(
    [
        [7.0, 9.0, 9.0, 8.0],
        [8.0, 7.0, 8.0, 7.2],
        [9.0, 6.0, 8.0, 9.0],
        [6.0, 7.0, 8.0, 6.0],
        [7.5, 8.0, 6.5, 7.0],
    ]
)
W = np.array([0.35, 0.25, 0.25, 0.15])
T = np.array([1, 1, -1, 1])


def _fields(r: MonteCarloResult) -> dict[str, object]:
    return {k: getattr(r, k) for k in r.__dataclass_fields__}


def assert_identical(a: MonteCarloResult, b: MonteCarloResult) -> None:
    """Every field equal, arrays bit for bit."""
    fa, fb = _fields(a), _fields(b)
    for k, va in fa.items():
        vb = fb[k]
        if isinstance(va, np.ndarray):
            assert isinstance(vb, np.ndarray)
            assert va.dtype == vb.dtype, k
            assert va.tobytes() == vb.tobytes(), k
        else:
            assert va == vb, k


def sample_weights(seed: int, samples: int, m: int, alpha: np.ndarray | None, support: np.ndarray | None = None):
    """Re-draw the run's weights independently from the documented seed plan."""
    plan = SeedPlan.from_seed(seed)
    blocks = []
    for b in range(math.ceil(samples / BLOCK_SIZE)):
        size = min(BLOCK_SIZE, samples - b * BLOCK_SIZE)
        rng = plan.block_rng(b)
        if alpha is None:
            blocks.append(rng.dirichlet(np.ones(m), size=size))
        else:
            full = np.zeros((size, m))
            full[:, support] = rng.dirichlet(alpha, size=size)
            blocks.append(full)
    return np.concatenate(blocks)


# --------------------------------------------------------------------------- brute force


@pytest.mark.parametrize(
    ("method", "normalization", "concentration"),
    [("topsis", "vector", None), ("topsis", "minmax", 30.0), ("wsm", "minmax", None), ("vikor", None, 20.0)],
)
def test_matches_brute_force(method: str, normalization: str | None, concentration: float | None) -> None:
    """Every output equals a direct computation over all samples with ppeval.methods and ranking."""
    samples, seed = 1500, 11
    r = monte_carlo(
        X, W, T, samples, concentration=concentration, method=method, normalization=normalization,
        seed=seed, grade_bands=[90, 80, 60, 0], chunk_size=333,
    )
    alpha = None if concentration is None else concentration * W
    ws = sample_weights(seed, samples, 4, alpha, np.ones(4, bool))
    if method == "topsis":
        s = methods.topsis(X, ws, T, normalization=normalization)
        base = methods.topsis(X, W, T, normalization=normalization)
    elif method == "wsm":
        s = methods.wsm(X, ws, T, normalization=normalization)
        base = methods.wsm(X, W, T, normalization=normalization)
    else:
        s = methods.vikor(X, ws, T).Q
        base = methods.vikor(X, W, T).Q
    hib = method != "vikor"
    ranks = ranking.rank(s, hib)
    n = X.shape[0]
    acc = np.stack([(ranks == r_ + 1).mean(axis=0) for r_ in range(n)], axis=1)
    np.testing.assert_array_equal(r.rank_acceptability, acc)
    np.testing.assert_allclose(r.score_mean, s.mean(axis=0), rtol=0, atol=1e-13)
    np.testing.assert_allclose(r.score_std, s.std(axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.score_min, s.min(axis=0), rtol=0, atol=1e-15)
    np.testing.assert_allclose(r.score_max, s.max(axis=0), rtol=0, atol=1e-15)
    np.testing.assert_allclose(r.base_scores, base, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(r.base_ranks, ranking.rank(base, hib))
    first = ranks == 1
    np.testing.assert_array_equal(r.first_count, first.sum(axis=0))
    for i in range(n):
        if first[:, i].any():
            np.testing.assert_allclose(r.central_weights[i], ws[first[:, i]].mean(axis=0), atol=1e-14)
        else:
            assert not r.has_central_weights[i]
            np.testing.assert_array_equal(r.central_weights[i], 0.0)
    np.testing.assert_allclose(r.weight_mean, ws.mean(axis=0), atol=1e-14)
    np.testing.assert_allclose(r.weight_std, ws.std(axis=0), atol=1e-12)
    g = 100 * (s if hib else 1 - s)
    bands = np.array([90, 80, 60, 0])
    grade = np.minimum((g[..., None] < bands).sum(axis=-1), 3)
    prob = np.stack([(grade == j).mean(axis=0) for j in range(4)], axis=1)
    assert r.grade_probability is not None
    np.testing.assert_array_equal(r.grade_probability, prob)


def test_quantiles_within_one_bin_of_numpy() -> None:
    """Histogram quantiles agree with numpy's sample quantiles to about one bin width (1/1000)."""
    r = monte_carlo(X, W, T, 4000, seed=3, quantiles=(0.25, 0.5, 0.75))
    ws = sample_weights(3, 4000, 4, None)
    s = methods.topsis(X, ws, T)
    np.testing.assert_allclose(r.score_quantiles, np.quantile(s, [0.25, 0.5, 0.75], axis=0).T, atol=2e-3)
    np.testing.assert_allclose(r.weight_quantiles, np.quantile(ws, [0.25, 0.5, 0.75], axis=0).T, atol=2e-3)
    assert (r.score_quantiles >= r.score_min[:, None]).all()
    assert (r.score_quantiles <= r.score_max[:, None]).all()


def test_kernel_equals_methods_to_1e12(rng: np.random.Generator) -> None:
    """The batched kernel reproduces ppeval.methods for every method/normalisation/mode."""
    x = rng.uniform(1, 50, size=(40, 6))
    t = np.array([1, -1, 1, 1, -1, 1])
    b = np.array([[0, 50], [50, 0], [0, 50], [0, 50], [50, 0], [0, 50]], dtype=float)
    ws = rng.dirichlet(np.ones(6), size=64)
    cases = [("topsis", n, None) for n in ("vector", "minmax", "max", "sum")]
    cases += [("topsis", "minmax", b), ("wsm", "minmax", b), ("vikor", "", None)]
    cases += [("wsm", n, None) for n in ("minmax", "max", "sum", "vector")]
    for method, norm, bounds in cases:
        sc = build_scorer(x, t, method=method, normalization=norm, bounds=bounds, v=0.5,
                          support=np.ones(6, bool))
        got = sc.tile_scores(ws)
        if method == "topsis":
            ref = methods.topsis(x, ws, t, normalization=norm, bounds=bounds)
        elif method == "wsm":
            ref = methods.wsm(x, ws, t, normalization=norm, bounds=bounds)
        else:
            ref = methods.vikor(x, ws, t).Q
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12, err_msg=f"{method} {norm}")


def test_kernel_topsis_equals_pymcdm_vector(rng: np.random.Generator) -> None:
    """Cross-check with pymcdm's TOPSIS (vector normalisation, validation off) to 1e-12."""
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization

    x = rng.uniform(1, 10, size=(30, 5))
    t = np.array([1, -1, 1, -1, 1])
    w = rng.dirichlet(np.ones(5))
    r = monte_carlo(x, w, t, 1, seed=0)
    ref = TOPSIS(vector_normalization)(x, w, t, validation=False)
    np.testing.assert_allclose(r.base_scores, ref, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- SMAA properties


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, 4))
    vals = draw(st.lists(st.integers(0, 1000), min_size=n * m, max_size=n * m))
    x = np.array(vals, dtype=float).reshape(n, m)
    raw = np.array(draw(st.lists(st.integers(1, 20), min_size=m, max_size=m)), dtype=float)
    t = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    return x, raw / raw.sum(), t


@given(problems(), st.sampled_from(["topsis", "wsm", "vikor"]), st.integers(0, 2**32))
def test_acceptability_rows_and_columns_sum_to_one(p, method: str, seed: int) -> None:
    """Rows always sum to 1; columns too when no two alternatives tie (distinct rows, no ties seen)."""
    x, w, t = p
    r = monte_carlo(x, w, t, 64, method=method, seed=seed)
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert (r.rank_acceptability >= 0).all()
    # counts are exact: acceptability * samples is integral
    np.testing.assert_array_equal(r.rank_acceptability * 64, np.round(r.rank_acceptability * 64))
    cols = r.rank_acceptability.sum(axis=0)
    if np.allclose(cols, 1.0):
        return
    # otherwise ties happened: then some rank is shared and a later one is missing
    assert cols[0] >= 1.0 - 1e-15
    assert (np.cumsum(cols) >= np.arange(1, len(cols) + 1) - 1e-12).all()


def test_columns_sum_to_one_without_ties(rng: np.random.Generator) -> None:
    """Continuous random data: no ties, so every rank is taken by exactly one alternative per sample."""
    x = rng.random((8, 5))
    r = monte_carlo(x, rng.dirichlet(np.ones(5)), np.ones(5), 3000, seed=1)
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("method", ["topsis", "wsm", "vikor"])
def test_dominating_project_always_first(method: str, rng: np.random.Generator) -> None:
    """An alternative strictly better on every criterion has acceptability 1 for rank 1."""
    x = rng.uniform(1, 5, size=(6, 4))
    t = np.array([1, -1, 1, -1])
    x[2] = np.where(t > 0, x.max(axis=0) + 1, x.min(axis=0) - 0.5)
    r = monte_carlo(x, [0.25] * 4, t, 2000, method=method, seed=9)
    assert r.rank_acceptability[2, 0] == 1.0
    assert r.first_count[2] == 2000
    np.testing.assert_allclose(r.central_weights[2], r.weight_mean, atol=1e-15)


@pytest.mark.parametrize("method", ["topsis", "wsm", "vikor"])
def test_huge_concentration_reproduces_base_ranking(method: str) -> None:
    """concentration -> infinity: every draw is (almost) the base weights, so ranks are the base ranks."""
    r = monte_carlo(X, W, T, 500, concentration=1e12, method=method, seed=4)
    n = X.shape[0]
    expected = np.zeros((n, n))
    expected[np.arange(n), r.base_ranks - 1] = 1.0
    np.testing.assert_array_equal(r.rank_acceptability, expected)
    np.testing.assert_allclose(r.score_mean, r.base_scores, atol=1e-5)
    np.testing.assert_allclose(r.weight_mean, W, atol=1e-6)
    assert (r.score_std < 1e-4).all()


def test_concentration_controls_spread() -> None:
    """Var(w_j) = w_j (1 - w_j) / (c + 1) for Dirichlet(c w)."""
    for c in (5.0, 50.0):
        r = monte_carlo(X, W, T, 8000, concentration=c, seed=2)
        np.testing.assert_allclose(r.weight_std**2, W * (1 - W) / (c + 1), rtol=0.08)
        np.testing.assert_allclose(r.weight_mean, W, atol=0.01)


def test_zero_base_weight_stays_zero() -> None:
    """With a concentration, a criterion with base weight 0 is 0 in every draw (Dirichlet needs alpha > 0)."""
    w = np.array([0.5, 0.0, 0.3, 0.2])
    r = monte_carlo(X, w, T, 600, concentration=10.0, seed=5)
    assert r.weight_mean[1] == 0.0
    assert r.weight_std[1] == 0.0
    np.testing.assert_array_equal(r.central_weights[:, 1], 0.0)
    np.testing.assert_array_equal(r.weight_quantiles[1], 0.0)
    # without a concentration the draw is uniform on the whole simplex
    u = monte_carlo(X, w, T, 4000, seed=5)
    np.testing.assert_allclose(u.weight_mean, 0.25, atol=0.01)


def test_identical_alternatives_always_tie() -> None:
    """Identical rows share the rank in every sample (ties share the smallest rank)."""
    x = np.vstack([X, X[1]])
    r = monte_carlo(x, W, T, 500, seed=8)
    np.testing.assert_array_equal(r.rank_acceptability[1], r.rank_acceptability[5])
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=1), 1.0)


@pytest.mark.parametrize("chunk_size", [1, 7, None])
def test_ties_match_brute_force(chunk_size: int | None) -> None:
    """Exact score ties (duplicated rows, a dominated pair tied on its only weighted gap) give the
    min-rank counts of ``ranking.rank`` in every sample, whatever the chunking (dense or sparse tallies)."""
    x = np.vstack([X, X[1], X[3], X[1]])  # alternatives 1, 5 and 7 identical; 3 and 6 identical
    samples, seed = 700, 4
    r = monte_carlo(x, W, T, samples, seed=seed, chunk_size=chunk_size)
    ws = sample_weights(seed, samples, 4, None)
    ranks = ranking.rank(methods.topsis(x, ws, T), True)
    acc = np.stack([(ranks == q + 1).mean(axis=0) for q in range(x.shape[0])], axis=1)
    np.testing.assert_array_equal(r.rank_acceptability, acc)
    first = ranks == 1
    np.testing.assert_array_equal(r.first_count, first.sum(axis=0))


def test_thousands_of_alternatives_match_brute_force() -> None:
    """2,500 projects: 64-bit rank keys and count tables larger than a task's buffers (cells handed over),
    with duplicated projects tying in every draw; acceptability and first counts as ``ranking.rank`` gives."""
    rng = np.random.default_rng(17)
    x = rng.uniform(1.0, 100.0, size=(2500, 4))
    x[100] = x[7]
    x[2000] = x[7]
    samples, seed = 60, 3
    r = monte_carlo(x, W, T, samples, seed=seed, chunk_size=25)
    ws = sample_weights(seed, samples, 4, None)
    ranks = ranking.rank(methods.topsis(x, ws, T), True)
    counts = np.zeros((2500, 2500), dtype=np.int64)
    np.add.at(counts, (np.broadcast_to(np.arange(2500), ranks.shape), ranks - 1), 1)
    np.testing.assert_array_equal(r.rank_acceptability, counts / samples)
    np.testing.assert_array_equal(r.first_count, (ranks == 1).sum(axis=0))
    np.testing.assert_array_equal(r.rank_acceptability[7], r.rank_acceptability[2000])


def test_counts_beyond_16_bits_per_task() -> None:
    """A task of 2^16 samples or more counts into 32-bit tables; the same draws in smaller tasks agree."""
    x = np.array([[9.0, 9.0, 2.0, 9.0], [3.0, 2.0, 8.0, 4.0], [5.0, 6.0, 5.0, 5.0]])  # project 0 dominates
    big = monte_carlo(x, W, T, 70_000, seed=2, chunk_size=70_000)
    small = monte_carlo(x, W, T, 70_000, seed=2, chunk_size=9_000)
    assert_identical(big, small)
    np.testing.assert_array_equal(big.first_count, [70_000, 0, 0])  # a 16-bit cell would have wrapped
    np.testing.assert_array_equal(big.rank_acceptability[0], [1.0, 0.0, 0.0])


def test_single_alternative_and_single_criterion() -> None:
    r = monte_carlo([[3.0, 4.0]], [0.5, 0.5], [1, 1], 10, seed=0)
    np.testing.assert_array_equal(r.rank_acceptability, [[1.0]])
    np.testing.assert_array_equal(r.base_scores, [0.5])  # TOPSIS degenerate closeness
    r1 = monte_carlo([[3.0], [5.0], [4.0]], [1.0], [1], 20, concentration=3.0, seed=0)
    np.testing.assert_array_equal(r1.rank_acceptability, np.eye(3)[[2, 0, 1]])
    np.testing.assert_array_equal(r1.weight_mean, [1.0])


def test_vikor_lower_is_better_and_grades_use_one_minus_q() -> None:
    r = monte_carlo(X, W, T, 300, method="vikor", seed=1, grade_bands=[50, 0])
    assert not r.higher_is_better
    assert r.normalization is None
    np.testing.assert_array_equal(r.base_ranks, ranking.rank(methods.vikor(X, W, T).Q, False))
    assert r.grade_probability is not None
    np.testing.assert_allclose(r.grade_probability.sum(axis=1), 1.0)


def test_absolute_mode_score_independent_of_other_projects() -> None:
    """With bounds, a project's score distribution does not depend on the other projects."""
    b = np.array([[0, 10], [0, 10], [10, 0], [0, 10]], dtype=float)
    r1 = monte_carlo(X, W, T, 400, bounds=b, seed=6)
    r2 = monte_carlo(X[:2], W, T, 400, bounds=b, seed=6)
    assert r1.absolute
    np.testing.assert_allclose(r1.score_mean[:2], r2.score_mean, atol=1e-15)
    np.testing.assert_array_equal(r1.score_min[:2], r2.score_min)


# --------------------------------------------------------------------------- reproducibility


def test_chunk_size_does_not_change_any_bit() -> None:
    """chunk sizes 1, 7 and all give identical results (fields compared bit for bit)."""
    kw = {"samples": 600, "seed": 123, "grade_bands": [90, 75, 0], "concentration": 20.0}
    ref = monte_carlo(X, W, T, chunk_size=600, **kw)
    for cs in (1, 7, 250, None):
        assert_identical(ref, monte_carlo(X, W, T, chunk_size=cs, **kw))


def test_chunk_size_invariance_vikor_and_wsm() -> None:
    for method in ("wsm", "vikor"):
        a = monte_carlo(X, W, T, 300, method=method, seed=2, chunk_size=7)
        b = monte_carlo(X, W, T, 300, method=method, seed=2, chunk_size=300)
        assert_identical(a, b)


def test_seed_reproducibility() -> None:
    a = monte_carlo(X, W, T, 200, seed=1)
    assert_identical(a, monte_carlo(X, W, T, 200, seed=1))
    assert_identical(a, monte_carlo(X, W, T, 200, seed=np.random.SeedSequence(1)))
    c = monte_carlo(X, W, T, 200, seed=2)
    assert not np.array_equal(a.score_mean, c.score_mean)
    # seed=None records fresh entropy that reproduces the run
    d = monte_carlo(X, W, T, 200)
    e = monte_carlo(X, W, T, 200, seed=np.random.SeedSequence(d.seed_entropy, spawn_key=d.seed_spawn_key))
    assert_identical(d, e)
    # a Generator seed is accepted (it is advanced once)
    g = monte_carlo(X, W, T, 10, seed=np.random.default_rng(0))
    assert g.samples == 10


def test_seed_sequence_argument_is_not_advanced() -> None:
    ss = np.random.SeedSequence(42)
    monte_carlo(X, W, T, 300, seed=ss)
    assert ss.n_children_spawned == 0


def test_more_samples_extend_the_same_draws() -> None:
    """Draws are keyed by sample index: the first 256 draws are the same whatever the sample count."""
    a = monte_carlo(X, W, T, 256, seed=7)
    b = monte_carlo(X, W, T, 256, seed=7, chunk_size=1)
    assert_identical(a, b)
    ws_a = sample_weights(7, 256, 4, None)
    ws_b = sample_weights(7, 700, 4, None)
    np.testing.assert_array_equal(ws_a, ws_b[:256])


# --------------------------------------------------------------------------- immutability


def test_results_read_only_and_inputs_untouched() -> None:
    x = X.copy()
    w = W.copy()
    x.setflags(write=False)
    w.setflags(write=False)
    r = monte_carlo(x, w, T, 50, seed=0, grade_bands=[50, 0])
    np.testing.assert_array_equal(x, X)
    for k, v in _fields(r).items():
        if isinstance(v, np.ndarray):
            assert not v.flags.writeable, k
    with pytest.raises(AttributeError):
        r.samples = 3  # type: ignore[misc]


# --------------------------------------------------------------------------- exact reductions


@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=1, max_size=200), st.randoms())
def test_limb_sums_are_order_independent_and_accurate(values: list[float], rnd) -> None:
    x = np.array(values)
    perm = np.array(values)
    rnd.shuffle(perm)
    a = limb_sums(x[:, None])
    b = limb_sums(perm[:, None])
    assert a.tobytes() == b.tobytes()
    # split into two groups and merge: still the same
    k = len(values) // 2
    c = limb_sums(x[:k, None]) + limb_sums(x[k:, None]) if k else a
    assert c.tobytes() == a.tobytes()
    exact = math.fsum(values)
    assert abs(float(limbs_to_float(a)[0]) - exact) <= 1e-15 * max(1.0, abs(exact)) + len(values) * 2.0**-78


def test_histogram_quantiles_exact_for_constant_rows() -> None:
    counts = np.zeros((2, 10), dtype=np.int64)
    counts[0, 3] = 5
    counts[1, 9] = 5
    lo = np.array([0.33, 1.0])
    q = histogram_quantiles(counts, lo, lo.copy(), np.array([0.0, 0.5, 1.0]), 0.0, 1.0)
    np.testing.assert_array_equal(q, [[0.33] * 3, [1.0] * 3])


def test_histogram_quantiles_follow_the_documented_rule() -> None:
    """Against a direct reading of the docstring's rule, one row and one quantile at a time."""

    def by_rule(counts: np.ndarray, lo: np.ndarray, hi: np.ndarray, probs: np.ndarray) -> np.ndarray:
        n_bins = counts.shape[1]
        h = 1.0 / n_bins
        out = np.empty((counts.shape[0], probs.shape[0]))
        for i, row in enumerate(counts):
            cum = np.cumsum(row)
            for j, p in enumerate(probs):
                t = max(p * cum[-1], 1.0)
                k = min(int(np.sum(cum < t)), n_bins - 1)  # first bin with C_k >= t
                prev = cum[k - 1] if k > 0 else 0
                left = max(k * h, lo[i])
                right = max(min((k + 1) * h, hi[i]), left)
                frac = min(max((t - prev) / max(row[k], 1), 0.0), 1.0)
                out[i, j] = min(max(left + frac * (right - left), lo[i]), hi[i])
        return out

    rng = np.random.default_rng(9)
    for trial in range(60):
        r, n_bins = int(rng.integers(1, 12)), int(rng.integers(1, 40))
        counts = rng.integers(0, 6, size=(r, n_bins)) * (rng.random((r, n_bins)) < 0.4)
        counts[:, int(rng.integers(0, n_bins))] += 1  # every row holds a value
        lo = rng.random(r) * 0.3
        hi = lo + rng.random(r) * 0.7
        probs = np.r_[0.0, np.sort(rng.random(4)), 1.0] if trial % 2 else np.sort(rng.random(3))
        np.testing.assert_allclose(
            histogram_quantiles(counts, lo, hi, probs, 0.0, 1.0), by_rule(counts, lo, hi, probs), rtol=0, atol=1e-15
        )


# --------------------------------------------------------------------------- judgment sensitivity

E1 = np.array([[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]])
E2 = np.array([[1, 2, 4, 6], [1 / 2, 1, 2, 4], [1 / 4, 1 / 2, 1, 2], [1 / 6, 1 / 4, 1 / 2, 1]])


def test_judgment_sensitivity_base_and_spread() -> None:
    from ppeval import ahp

    r = judgment_sensitivity(X, [E1, E2], T, 1000, seed=1)
    base = ahp.priorities(ahp.aggregate([E1, E2])).weights
    np.testing.assert_allclose(r.base_weights, base, atol=1e-15)
    np.testing.assert_allclose(r.weight_mean, base, atol=0.02)
    assert (r.weight_std > 0).all()
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=1), 1.0)
    assert "judgments(perturbation='step'" in r.sampler
    ln = judgment_sensitivity(X, [E1, E2], T, 1000, perturbation="lognormal", sigma=0.05, seed=1)
    big = judgment_sensitivity(X, [E1, E2], T, 1000, perturbation="lognormal", sigma=0.5, seed=1)
    assert (ln.weight_std < big.weight_std).all()


def test_judgment_step_perturbation_moves_along_saaty_ladder() -> None:
    from ppeval.sensitivity.judgments import _JudgmentSampler, _ladder_position, _ladder_value

    a = np.array([1 / 9, 1 / 3, 1.0, 2.5, 9.0])
    np.testing.assert_allclose(_ladder_value(_ladder_position(a)), a)
    np.testing.assert_allclose(_ladder_position(np.array([1 / 2, 2.0])), [-1.0, 1.0])
    one = np.array([[1.0, 9.0], [1 / 9, 1.0]])
    s = _JudgmentSampler(m=2, upper=one[np.triu_indices(2, 1)][None, :], expert_weights=np.ones(1),
                         perturbation="step", steps=1, sigma=0.1, ahp_method="eigenvector")
    w = s.draw(np.random.default_rng(0), 300)
    # 9 can only stay 9 or become 8: w_1 in {0.9, 8/9}
    assert set(np.round(w[:, 0], 12)) <= {0.9, round(8 / 9, 12)}


def test_judgment_sensitivity_chunk_invariance_and_nan_judgments() -> None:
    e3 = E1.copy()
    e3[0, 3] = e3[3, 0] = np.nan  # this expert did not compare criteria 0 and 3
    a = judgment_sensitivity(X, [E1, E2, e3], T, 300, seed=4, chunk_size=7)
    b = judgment_sensitivity(X, [E1, E2, e3], T, 300, seed=4)
    assert_identical(a, b)


def test_judgment_sensitivity_consistent_single_expert_zero_steps_like() -> None:
    """Tiny log-normal noise on one consistent expert reproduces the base ranking."""
    w = np.array([0.4, 0.3, 0.2, 0.1])
    e = w[:, None] / w[None, :]
    r = judgment_sensitivity(X, [e], T, 200, perturbation="lognormal", sigma=1e-9, seed=0)
    np.testing.assert_allclose(r.base_weights, w, atol=1e-12)
    n = X.shape[0]
    expected = np.zeros((n, n))
    expected[np.arange(n), r.base_ranks - 1] = 1.0
    np.testing.assert_array_equal(r.rank_acceptability, expected)


# --------------------------------------------------------------------------- bad input

B_WRONG = np.array([[10, 0], [0, 10], [10, 0], [0, 10]], dtype=float)

BAD = [
    (lambda: monte_carlo(X, W, T, 0), "samples is 0"),
    (lambda: monte_carlo(X, W, T, 2.5), "samples is 2.5"),  # type: ignore[arg-type]
    (lambda: monte_carlo(X, W, T, True), "samples is True"),  # type: ignore[arg-type]
    (lambda: monte_carlo(X, W, T, MAX_SAMPLES + 1), "must be <="),
    (lambda: monte_carlo(X, W, T, 5, concentration=0.0), "concentration is 0.0; it must be > 0"),
    (lambda: monte_carlo(X, W, T, 5, concentration=-2), "concentration is -2.0"),
    (lambda: monte_carlo(X, W, T, 5, concentration=float("nan")), "concentration is nan"),
    (lambda: monte_carlo(X, W, T, 5, concentration="a"), "concentration is 'a'"),  # type: ignore[arg-type]
    (lambda: monte_carlo(X, [1 - 1e-30, 1e-30, 0, 0], T, 5, concentration=1e-300),
     "not a positive finite Dirichlet parameter"),
    (lambda: monte_carlo(X, W, T, 5, method="ahp"), "method is 'ahp'"),
    (lambda: monte_carlo(X, W, T, 5, normalization="l2"), "normalization is 'l2'"),
    (lambda: monte_carlo(X, W, T, 5, method="vikor", normalization="vector"), "method 'vikor' uses its own"),
    (lambda: monte_carlo(X, W, T, 5, method="vikor", bounds=B_WRONG), "bounds are not supported"),
    (lambda: monte_carlo(X, W, T, 5, normalization="vector", bounds=[[0, 10], [0, 10], [10, 0], [0, 10]]),
     "normalization is 'vector'"),
    (lambda: monte_carlo(X, W, T, 5, bounds=B_WRONG), "bounds[0]"),
    (lambda: monte_carlo(X, W, T, 5, bounds=[[0, 8], [0, 10], [10, 0], [0, 10]]), "lies outside bounds[0]"),
    (lambda: monte_carlo(X, W, T, 5, chunk_size=0), "chunk_size is 0; it must be >= 1"),
    (lambda: monte_carlo(X, W, T, 5, chunk_size=2.0), "chunk_size is 2.0"),  # type: ignore[arg-type]
    (lambda: monte_carlo(X, W, T, 5, executor=object()), "executor is object"),  # type: ignore[arg-type]
    (lambda: monte_carlo(X, W, T, 5, quantiles=[0.5, 1.5]), "quantiles[1] is 1.5"),
    (lambda: monte_carlo(X, W, T, 5, quantiles=[[0.5]]), "quantiles must be 1-D"),
    (lambda: monte_carlo(X, W, T, 5, quantile_bins=0), "quantile_bins is 0"),
    (lambda: monte_carlo(X, W, T, 5, quantile_bins=40000), "quantile_bins is 40000"),
    (lambda: monte_carlo(X, W, T, 5, grade_bands=[60, 80]), "grade_bands[1] = 80.0 is not below"),
    (lambda: monte_carlo(X, W, T, 5, grade_bands=[np.inf]), "grade_bands[0] is inf"),
    (lambda: monte_carlo(X, [0.5, 0.2, 0.2, 0.2], T, 5), "weights sums to"),
    (lambda: monte_carlo(X, [W, W], T, 5), "weights must be one weight vector"),
    (lambda: monte_carlo(X, [0.5, -0.1, 0.3, 0.3], T, 5), "weights[1] is -0.1"),
    (lambda: monte_carlo(np.where(np.arange(4) == 2, np.nan, X), W, T, 5), "matrix[0, 2] is nan"),
    (lambda: monte_carlo(X, W, [1, 2, 1, 1], 5), "types[1] is 2"),
    (lambda: monte_carlo(X, W, T, 5, seed=-1), "seed is -1"),
    (lambda: monte_carlo(X, W, T, 5, seed="x"), "seed is 'x'"),  # type: ignore[arg-type]
    (lambda: monte_carlo(X, W, T, 5, method="vikor", v=1.5), "v is 1.5"),
    (lambda: judgment_sensitivity(X, [E1], T, 5, perturbation="gauss"), "perturbation is 'gauss'"),
    (lambda: judgment_sensitivity(X, [E1], T, 5, steps=0), "steps is 0"),
    (lambda: judgment_sensitivity(X, [E1], T, 5, perturbation="lognormal", sigma=0), "sigma is 0.0"),
    (lambda: judgment_sensitivity(X, [E1], T, 5, ahp_method="power"), "ahp_method is 'power'"),
    (lambda: judgment_sensitivity(X, [E1[:3, :3]], T, 5), "compare 3 criteria but matrix has 4"),
    (lambda: judgment_sensitivity(X, [np.where(np.eye(4) > 0, 1.0, 2.0)], T, 5), "reciprocal"),
    (lambda: judgment_sensitivity(X, [E1, E2], T, 5, expert_weights=[1, -1]), "weights[1] is -1"),
    (lambda: judgment_sensitivity([["a"]], [E1], T, 5), "matrix must be numeric"),
    (lambda: judgment_sensitivity(X, [E1], T, 0), "samples is 0"),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_input(call, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert fragment in str(err.value)
    assert isinstance(err.value, PPEvalError)


def test_no_nan_for_degenerate_topsis() -> None:
    """All weighted criteria constant: every alternative scores 0.5 (TOPSIS's defined tie), no warning."""
    x = np.array([[1.0, 5.0], [1.0, 7.0], [1.0, 3.0]])
    r = monte_carlo(x, [1.0, 0.0], [1, 1], 50, concentration=5.0, seed=0)
    np.testing.assert_array_equal(r.score_mean, 0.5)
    np.testing.assert_array_equal(r.rank_acceptability[:, 0], 1.0)


@pytest.mark.parametrize("module", ["ppeval.sensitivity.montecarlo", "ppeval.sensitivity.judgments"])
def test_docstring_examples_run(module: str) -> None:
    """The numpydoc Examples of the module run and print what they show."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------- rank bins (issue 16: linear in n)


def _brute_ranks(x: np.ndarray, seed: int, samples: int, method: str = "topsis") -> np.ndarray:
    ws = sample_weights(seed, samples, x.shape[1], None)
    if method == "vikor":
        return ranking.rank(methods.vikor(x, ws, T).Q, False)
    return ranking.rank(methods.topsis(x, ws, T), True)


@pytest.mark.parametrize("method", ["topsis", "vikor"])
@pytest.mark.parametrize(("bins", "chunk_size"), [(3, None), (3, 7), (5, 33), (1, 200)])
def test_rank_bins_match_brute_force(method: str, bins: int, chunk_size: int | None) -> None:
    """Binned acceptability counts ranks in rank-percentile bins; the rank statistics (mean, best, worst,
    P(rank <= k)) are exact; all of it equals a brute-force count of ``ranking.rank`` over the same draws,
    ties (identical projects) included, whatever the chunking."""
    x = np.vstack([X, X[1], X[3] * 1.01, X[4] * 0.99, X[1]])  # 9 projects, 1, 5 and 8 identical
    n, samples, seed = x.shape[0], 400, 8
    r = monte_carlo(x, W, T, samples, seed=seed, method=method, rank_bins=bins, chunk_size=chunk_size)
    ranks = _brute_ranks(x, seed, samples, method)
    edges = (np.arange(bins + 1) * n) // bins
    assert r.acceptability_form == "binned"
    np.testing.assert_array_equal(r.rank_bin_edges, edges)
    counts = np.stack([((ranks > edges[b]) & (ranks <= edges[b + 1])).sum(axis=0) for b in range(bins)], axis=1)
    np.testing.assert_array_equal(r.rank_acceptability, counts / samples)
    np.testing.assert_array_equal(r.rank_mean, ranks.mean(axis=0))
    np.testing.assert_array_equal(r.rank_min, ranks.min(axis=0))
    np.testing.assert_array_equal(r.rank_max, ranks.max(axis=0))
    np.testing.assert_array_equal(r.top_k, [1, 3])  # 10 > n is dropped
    np.testing.assert_array_equal(r.top_k_probability, np.stack([(ranks <= 1).mean(0), (ranks <= 3).mean(0)], 1))
    np.testing.assert_array_equal(r.first_count, (ranks == 1).sum(axis=0))
    np.testing.assert_array_equal(r.first_probability, (ranks == 1).mean(axis=0))
    # quantiles: within the bin that holds the exact one, and inside [best, worst]
    exact = np.stack([np.quantile(ranks, q, axis=0, method="inverted_cdf") for q in r.quantiles], axis=1)
    bin_of = np.searchsorted(edges, exact, side="left") - 1
    assert (r.rank_quantiles > edges[bin_of]).all()
    assert (r.rank_quantiles <= edges[bin_of + 1]).all()
    assert (r.rank_quantiles >= r.rank_min[:, None]).all()
    assert (r.rank_quantiles <= r.rank_max[:, None]).all()


def test_full_table_rank_statistics_are_exact() -> None:
    """With the full table, rank quantiles are the exact inverse-CDF ranks, and the same rank statistics as
    a binned run of the same draws (and every other field but the acceptability, bit for bit)."""
    rng = np.random.default_rng(4)
    x = rng.uniform(1, 10, size=(40, 4))
    kw = {"samples": 900, "seed": 5, "concentration": 30.0, "grade_bands": [80, 60, 0], "quantile_bins": 500,
          "quantiles": (0.05, 0.25, 0.5, 0.95)}
    full = monte_carlo(x, W, T, **kw)
    binned = monte_carlo(x, W, T, rank_bins=7, chunk_size=100, **kw)
    ranks = _brute_ranks_dirichlet(x, 5, 900, 30.0)
    exact = np.stack([np.quantile(ranks, q, axis=0, method="inverted_cdf") for q in full.quantiles], axis=1)
    assert full.acceptability_form == "full"
    np.testing.assert_array_equal(full.rank_bin_edges, np.arange(41))
    np.testing.assert_array_equal(full.rank_quantiles, exact)
    np.testing.assert_array_equal(full.rank_mean, ranks.mean(axis=0))
    np.testing.assert_array_equal(full.top_probability(7), (ranks <= 7).mean(axis=0))
    for name in full.__dataclass_fields__:
        if name in ("rank_acceptability", "acceptability_form", "rank_bin_edges", "rank_quantiles"):
            continue
        a, b = getattr(full, name), getattr(binned, name)
        if isinstance(a, np.ndarray):
            assert a.tobytes() == b.tobytes(), name
    np.testing.assert_allclose(np.add.reduceat(full.rank_acceptability, binned.rank_bin_edges[:-1], axis=1),
                               binned.rank_acceptability, atol=1e-15)


def _brute_ranks_dirichlet(x: np.ndarray, seed: int, samples: int, c: float) -> np.ndarray:
    ws = sample_weights(seed, samples, x.shape[1], c * W, np.ones(x.shape[1], dtype=bool))
    return ranking.rank(methods.topsis(x, ws, T), True)


def test_rank_bins_executor_and_default_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread pool gives the bits of a serial run; above FULL_ACCEPTABILITY_LIMIT the default is binned
    (DEFAULT_RANK_BINS bins, LARGE_QUANTILE_BINS score bins) and rank_bins >= n asks for the full table."""
    import concurrent.futures

    from ppeval.sensitivity import montecarlo as mcmod

    rng = np.random.default_rng(9)
    x = rng.uniform(1, 10, size=(30, 4))
    serial = monte_carlo(x, W, T, 500, seed=3, rank_bins=4, chunk_size=60)
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        pooled = monte_carlo(x, W, T, 500, seed=3, rank_bins=4, chunk_size=60, executor=ex)
    assert_identical(serial, pooled)
    monkeypatch.setattr(mcmod, "FULL_ACCEPTABILITY_LIMIT", 20)
    monkeypatch.setattr(mcmod, "DEFAULT_RANK_BINS", 6)
    auto = monte_carlo(x, W, T, 200, seed=3)
    assert auto.acceptability_form == "binned"
    assert auto.rank_acceptability.shape == (30, 6)
    assert auto.quantile_bins == mcmod.LARGE_QUANTILE_BINS
    asked = monte_carlo(x, W, T, 200, seed=3, rank_bins=1000)
    assert asked.acceptability_form == "full"
    assert asked.rank_acceptability.shape == (30, 30)
    with pytest.raises(InputError, match="P\\(rank <= 5\\) was not counted"):
        auto.top_probability(5)
    np.testing.assert_array_equal(auto.top_probability(30), np.ones(30))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"rank_bins": 0}, "rank_bins is 0"), ({"top_k": (0, 3)}, "top_k contains 0"),
     ({"top_k": ("a",)}, "top_k is"), ({"rank_bins": 2.5}, "rank_bins is 2.5")],
)
def test_rank_bin_arguments_checked(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment.replace("(", "\\(")):
        monte_carlo(X, W, T, 50, seed=1, **kwargs)


def test_wide_problem_bit_identical_across_chunks_and_executor() -> None:
    """20,000 projects: wide score tiles (products split by columns) and the binned default; chunk sizes that
    cut tiles and a thread pool give the same bits."""
    import concurrent.futures

    from ppeval.sensitivity._executor import WIDE_TILE, tile_size

    rng = np.random.default_rng(21)
    x = rng.uniform(1, 10, size=(20_000, 4))
    assert tile_size(2 * 20_000) == WIDE_TILE
    kw = {"samples": 48, "seed": 6, "concentration": 50.0, "grade_bands": [90, 70, 0]}
    ref = monte_carlo(x, W, T, chunk_size=48, **kw)
    assert ref.acceptability_form == "binned"
    assert ref.rank_acceptability.shape == (20_000, 100)
    for cs in (5, 16, 40):
        assert_identical(ref, monte_carlo(x, W, T, chunk_size=cs, **kw))
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        assert_identical(ref, monte_carlo(x, W, T, chunk_size=20, executor=ex, **kw))
    ranks = _brute_ranks_dirichlet(x, 6, 48, 50.0)
    np.testing.assert_array_equal(ref.rank_min, ranks.min(axis=0))
    np.testing.assert_array_equal(ref.first_count, (ranks == 1).sum(axis=0))
