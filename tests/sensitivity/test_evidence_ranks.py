"""Evidence Monte Carlo rank summaries: the binned form above FULL_ACCEPTABILITY_LIMIT, exact rank statistics.

The evidence run counts ranks with monte_carlo's task tallies and summarises them with
``montecarlo.rank_summaries``; these tests check the binned and full forms against ranks computed
directly from the kept sample scores (scipy.stats.rankdata, method="min": SMAA-2's shared best rank).
"""

from __future__ import annotations

import concurrent.futures

import numpy as np
import pytest
from scipy import stats

from ppeval.errors import InputError
from ppeval.sensitivity import EvidenceResult, evidence_monte_carlo, monte_carlo, rating_evidence, value_uncertainty
from ppeval.sensitivity import evidence as evmod
from ppeval.sensitivity.montecarlo import DEFAULT_RANK_BINS, FULL_ACCEPTABILITY_LIMIT, LARGE_QUANTILE_BINS

# the problem of tests/sensitivity/test_evidence.py: 9 projects, ratings of column 3 by two rater groups,
# measurement uncertainty of columns 0-2
X = np.random.default_rng(77).uniform(1, 10, size=(9, 5))
W = np.array([0.3, 0.1, 0.2, 0.25, 0.15])
T = np.array([1, -1, 1, 1, -1])
_rng = np.random.default_rng(8)
_proj = np.repeat(np.arange(9), 7)
EV = rating_evidence(_proj, np.full(_proj.size, 3), _rng.integers(1, 10, _proj.size).astype(float), n_projects=9,
                     n_criteria=5, group=np.tile(["resident"] * 4 + ["expert"] * 3, 9),
                     group_weights={"resident": 0.6, "expert": 0.4})
XM = X.copy()
XM[:, 3] = EV.base
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


def ranks_of(scores: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """1-based competition ranks of every row (ties share the best rank), by scipy."""
    return stats.rankdata(-scores if higher_is_better else scores, method="min", axis=1).astype(np.int64)


def check_against_kept(r: EvidenceResult) -> None:
    """Every rank field of ``r`` against the ranks of its kept sample scores."""
    s = r.sample_scores
    assert s is not None
    rk = ranks_of(s, r.higher_is_better)
    n = rk.shape[1]
    edges = np.asarray(r.rank_bin_edges)
    b = edges.shape[0] - 1
    # rank bin of every rank: bin j holds ranks edges[j] + 1 .. edges[j + 1]
    which = np.searchsorted(edges, rk, side="left") - 1
    acc = np.stack([(which == j).mean(axis=0) for j in range(b)], axis=1)
    np.testing.assert_array_equal(r.rank_acceptability, acc)
    assert r.acceptability_form == ("full" if b == n else "binned")
    np.testing.assert_array_equal(r.rank_mean, rk.sum(axis=0) / rk.shape[0])
    np.testing.assert_array_equal(r.rank_min, rk.min(axis=0))
    np.testing.assert_array_equal(r.rank_max, rk.max(axis=0))
    np.testing.assert_array_equal(r.first_count, (rk == 1).sum(axis=0))
    for j, k in enumerate(np.asarray(r.top_k).tolist()):
        np.testing.assert_array_equal(r.top_k_probability[:, j], (rk <= k).mean(axis=0))
    # rank quantiles: exact in the full form (smallest r with P(rank <= r) >= q), within one bin when binned
    for j, q in enumerate(np.asarray(r.quantiles).tolist()):
        target = np.maximum(q * rk.shape[0], 1.0)
        exact = np.array([np.sort(col)[int(np.ceil(target)) - 1] for col in rk.T], dtype=np.float64)
        got = np.asarray(r.rank_quantiles)[:, j]
        if b == n:
            np.testing.assert_array_equal(got, exact)
        else:
            assert (got >= r.rank_min).all()
            assert (got <= r.rank_max).all()
            assert (np.abs(got - exact) <= np.diff(edges).max()).all()


def test_full_form_rank_statistics_equal_the_kept_samples() -> None:
    r = evidence_monte_carlo(XM, W, T, **{**KW, "keep_scores": True, "top_k": (1, 2, 5)})  # type: ignore[arg-type]
    assert r.rank_acceptability.shape == (9, 9)
    assert r.top_k.tolist() == [1, 2, 5]
    check_against_kept(r)
    np.testing.assert_array_equal(r.likely_rank, np.argmax(r.rank_acceptability, axis=1) + 1)
    # the full table answers any k
    np.testing.assert_array_equal(r.top_probability(4), (ranks_of(r.sample_scores) <= 4).mean(axis=0))


@pytest.mark.parametrize("bins", [1, 2, 4, 8])
def test_binned_form_equals_the_kept_samples_and_the_full_table(bins: int) -> None:
    """Rank bins hold the sums of the full table's columns; rank statistics are exact and equal in both forms."""
    kw = {**KW, "keep_scores": True, "quantile_bins": 1000}
    full = evidence_monte_carlo(XM, W, T, **kw)  # type: ignore[arg-type]
    binned = evidence_monte_carlo(XM, W, T, rank_bins=bins, **kw)  # type: ignore[arg-type]
    assert binned.acceptability_form == "binned"
    edges = np.asarray(binned.rank_bin_edges)
    assert edges.tolist() == ((np.arange(bins + 1) * 9) // bins).tolist()
    summed = np.add.reduceat(np.asarray(full.rank_acceptability), edges[:-1], axis=1)
    np.testing.assert_allclose(binned.rank_acceptability, summed, rtol=0, atol=1e-15)
    for name in ("rank_mean", "rank_min", "rank_max", "top_k", "top_k_probability", "first_count",
                 "score_mean", "score_std", "score_quantiles", "grade_probability", "decision_probability",
                 "cut_counts", "first_order", "sample_scores"):
        assert np.asarray(getattr(binned, name)).tobytes() == np.asarray(getattr(full, name)).tobytes(), name
    check_against_kept(binned)
    with pytest.raises(InputError, match=r"P\(rank <= 2\) was not counted.*evidence_monte_carlo"):
        binned.top_probability(2)
    np.testing.assert_array_equal(binned.top_probability(3), binned.top_k_probability[:, 1])


@pytest.fixture(scope="module")
def binned_serial() -> EvidenceResult:
    return evidence_monte_carlo(XM, W, T, rank_bins=4, top_k=(2, 5), **KW)  # type: ignore[arg-type]


@pytest.mark.parametrize("chunk", [1, 7, 64, 700])
def test_binned_form_identical_across_chunk_sizes(binned_serial: EvidenceResult, chunk: int) -> None:
    got = evidence_monte_carlo(XM, W, T, rank_bins=4, top_k=(2, 5), **{**KW, "chunk_size": chunk})  # type: ignore
    assert_identical(binned_serial, got)


def test_binned_form_identical_on_executors(binned_serial: EvidenceResult) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
        got = evidence_monte_carlo(XM, W, T, rank_bins=4, top_k=(2, 5), executor=ex, **KW)  # type: ignore
        assert_identical(binned_serial, got)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
        got = evidence_monte_carlo(XM, W, T, rank_bins=4, top_k=(2, 5), executor=ex, **KW)  # type: ignore
        assert_identical(binned_serial, got)


RANKS = ("rank_acceptability", "acceptability_form", "rank_bin_edges", "rank_mean", "rank_min", "rank_max",
         "rank_quantiles", "top_k", "top_k_probability", "first_count")


def assert_same_ranks(ev: EvidenceResult, mc: object) -> None:
    for name in (*RANKS, "score_mean", "score_std", "score_min", "score_max", "score_quantiles", "base_scores",
                 "base_ranks"):
        a, b = getattr(ev, name), getattr(mc, name)
        if isinstance(a, str):
            assert a == b, name
        else:
            assert np.asarray(a).tobytes() == np.asarray(b).tobytes(), name


def test_weights_only_equals_monte_carlo_in_the_binned_form() -> None:
    x = XM[:, :3]
    mc = monte_carlo(x, [0.5, 0.3, 0.2], [1, -1, 1], 900, concentration=30.0, seed=3, rank_bins=4, top_k=(2,))
    ev = evidence_monte_carlo(x, [0.5, 0.3, 0.2], [1, -1, 1], 900, concentration=30.0, seed=3, rank_bins=4,
                              top_k=(2,))
    assert ev.engine == "weights"
    assert_same_ranks(ev, mc)


def test_above_the_limit_binned_by_default_and_equal_to_monte_carlo() -> None:
    """Above FULL_ACCEPTABILITY_LIMIT projects both analyses keep DEFAULT_RANK_BINS rank bins by default:
    weights only, the evidence run equals monte_carlo bit for bit; with values it keeps the same form, and its
    rank statistics equal those of the kept samples."""
    n = FULL_ACCEPTABILITY_LIMIT + 37
    rng = np.random.default_rng(11)
    x = rng.uniform(0.0, 100.0, size=(n, 3))
    w, t = [0.5, 0.3, 0.2], [1, 1, -1]
    bounds = [[0, 100], [0, 100], [100, 0]]
    mc = monte_carlo(x, w, t, 96, concentration=50.0, seed=5, method="wsm", bounds=bounds)
    ev = evidence_monte_carlo(x, w, t, 96, concentration=50.0, seed=5, method="wsm", bounds=bounds)
    assert mc.acceptability_form == "binned"
    assert mc.rank_acceptability.shape == (n, DEFAULT_RANK_BINS)
    assert ev.quantiles.shape == (3,)
    assert_same_ranks(ev, mc)
    u = value_uncertainty(["normal", "none", "uniform"], 3, relative=[0.05, 0.0, 0.1], low=0.0, high=100.0)
    kept = evidence_monte_carlo(x, w, t, 96, concentration=50.0, seed=5, method="wsm", bounds=bounds, values=u,
                                keep_scores=True, chunk_size=40)
    assert kept.engine == "evidence"
    assert kept.acceptability_form == "binned"
    assert kept.rank_acceptability.shape == (n, DEFAULT_RANK_BINS)
    check_against_kept(kept)
    # the histograms of the quantiles are LARGE_QUANTILE_BINS wide above the limit, as monte_carlo's
    assert evmod.LARGE_QUANTILE_BINS == LARGE_QUANTILE_BINS
    again = evidence_monte_carlo(x, w, t, 96, concentration=50.0, seed=5, method="wsm", bounds=bounds, values=u,
                                 chunk_size=7)
    for name in (*RANKS, "score_quantiles", "score_mean", "first_order"):
        a, b = getattr(kept, name), getattr(again, name)
        assert (a == b) if isinstance(a, str) else np.asarray(a).tobytes() == np.asarray(b).tobytes(), name


def test_rank_arguments_are_checked() -> None:
    with pytest.raises(InputError, match="rank_bins"):
        evidence_monte_carlo(XM, W, T, **{**KW, "samples": 10}, rank_bins=0)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="top_k"):
        evidence_monte_carlo(XM, W, T, **{**KW, "samples": 10}, top_k=(0, 2))  # type: ignore[arg-type]
