"""Monte Carlo weight sensitivity: rank acceptability (SMAA-2), score spread, grade probabilities.

Weights are drawn many times (from a Dirichlet distribution centred on the
base weights, or from perturbed AHP judgments), every draw is scored as part
of a batch (matrix products, see :mod:`ppeval.sensitivity._kernels`), ranked,
and summarised with exact, order-independent reductions, so a run gives the
same bits whatever its chunk size and whether it runs serially or on an
executor (see :mod:`ppeval.sensitivity._executor`).
"""

from __future__ import annotations

import concurrent.futures
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_vector, readonly
from ppeval._typing import BoolArray, FloatArray, IntArray, SeedLike
from ppeval.errors import InputError

from ._accumulate import MAX_SAMPLES, histogram_quantiles, limbs_to_float
from ._common import Problem, as_float, as_int, as_probabilities, as_problem, competition_ranks
from ._engine import MAX_BINS, Job, RankStats, Totals, WeightSampler, run_chunk, score_range
from ._executor import (
    BLOCK_SIZE,
    SeedPlan,
    check_chunk_size,
    check_executor,
    chunk_bounds,
    default_chunk_size,
    run_tasks,
    tile_size,
)
from ._kernels import build_scorer

__all__ = [
    "MonteCarloResult",
    "monte_carlo",
    "run_monte_carlo",
    "FULL_ACCEPTABILITY_LIMIT",
    "DEFAULT_RANK_BINS",
    "LARGE_QUANTILE_BINS",
    "rank_bin_edges",
    "rank_summaries",
    "RankSummary",
]

#: Up to this many alternatives the default rank acceptability is the full ``n x n`` SMAA-2 table;
#: above it, :data:`DEFAULT_RANK_BINS` rank-percentile bins (``n x B`` cells: memory linear in ``n``).
FULL_ACCEPTABILITY_LIMIT = 10_000
#: Rank bins of the binned form (percentiles of the ranking).
DEFAULT_RANK_BINS = 100
#: Default score-histogram bins above :data:`FULL_ACCEPTABILITY_LIMIT` alternatives (1000 below): the
#: per-alternative histograms hold ``n x bins`` counts.
LARGE_QUANTILE_BINS = 200
#: Default ``k`` of ``top_k_probability`` (those above ``n`` are dropped).
DEFAULT_TOP_K = (1, 3, 10)


def rank_bin_edges(n: int, bins: int) -> IntArray:
    """Edges ``floor(b n / bins)``, ``b = 0 .. bins``: bin ``b`` holds ranks ``edges[b] + 1 .. edges[b + 1]``."""
    return (np.arange(bins + 1, dtype=np.int64) * n) // bins


def _rank_stats_block(
    counts: np.ndarray, cum: np.ndarray, edges: IntArray, r_min: IntArray, r_max: IntArray, probs: FloatArray,
    total: float,
) -> FloatArray:
    """Rank quantiles (1-based) of rows of rank-bin counts ``(r, B)`` with cumulative counts ``cum``.

    See ``MonteCarloResult.rank_quantiles``.
    """
    n_b = counts.shape[1]
    t = np.maximum(probs * total, 1.0)  # (q,)
    need = np.ceil(t).astype(np.int64)
    # first bin whose cumulative count reaches the target, per row and quantile (integer counts: exact)
    k = np.empty((counts.shape[0], t.size), dtype=np.intp)
    for j in range(t.size):  # a few quantiles
        k[:, j] = np.argmax(cum >= need[j], axis=1)
    k = np.minimum(k, n_b - 1)
    c_k = np.take_along_axis(counts, k, axis=1).astype(np.float64)
    prev = np.where(k > 0, np.take_along_axis(cum, np.maximum(k - 1, 0), axis=1), 0)
    low = (edges[k] + 1).astype(np.float64)
    high = edges[k + 1].astype(np.float64)
    frac = np.clip((t[None, :] - prev) / np.maximum(c_k, 1.0), 0.0, 1.0)
    out: FloatArray = np.clip(low + frac * (high - low), (r_min + 1)[:, None], (r_max + 1)[:, None])
    return out


RankSummaries = tuple[FloatArray, FloatArray, IntArray, IntArray, IntArray, IntArray, IntArray]


def rank_summaries(
    counts: np.ndarray, edges: IntArray, stats: RankStats | None, tk: IntArray, probs: FloatArray, samples: int
) -> RankSummaries:
    """Rank acceptability and rank statistics from the rank(-bin)-major count table of a run.

    ``counts`` ``(B, n)``: samples with alternative ``i`` at a rank in bin
    ``b`` (``B = n``: the full table; ``edges`` from :func:`rank_bin_edges`).
    ``stats``: the exact per-sample rank statistics of a binned run (None
    with the full table, whose rows give them). Returns ``(acceptability
    (n, B), rank quantiles (n, q), rank sums, rank minima, rank maxima (all
    0-based int64), P(rank <= top_k) counts (n, K), first-rank counts)``,
    the fields of :class:`MonteCarloResult` (shared with
    :func:`~ppeval.sensitivity.evidence_monte_carlo`).
    """
    n_rb, n = counts.shape
    nf = float(samples)
    acceptability = np.empty((n, n_rb))
    rank_q = np.empty((n, probs.shape[0]))
    top_counts = np.empty((n, tk.size), dtype=np.int64)
    if stats is not None:
        rank_sum, r_min, r_max = stats.rank_sum, stats.rank_min, stats.rank_max
        top_counts[:] = stats.top.T
        first = stats.top[0].copy()  # top_k[0] == 1
    else:
        rank_sum = np.empty(n, dtype=np.int64)
        r_min = np.empty(n, dtype=np.int64)
        r_max = np.empty(n, dtype=np.int64)
        first = counts[0].astype(np.int64)
    ranks_f = np.arange(n, dtype=np.float64)
    step = 256  # transpose in blocks of alternatives: contiguous reads of step counts per rank
    for i0 in range(0, n, step):
        block = counts[:, i0 : i0 + step].T
        np.divide(block, nf, out=acceptability[i0 : i0 + step])
        sl = slice(i0, i0 + block.shape[0])
        cum = block.astype(np.int64)
        np.cumsum(cum, axis=1, out=cum)
        if stats is None:  # the full table: rank statistics from its rows (integer sums < 2^53: exact)
            r_min[sl] = np.argmax(cum > 0, axis=1)
            r_max[sl] = np.argmax(cum >= cum[:, -1:], axis=1)
            rank_sum[sl] = np.rint(block.astype(np.float64) @ ranks_f).astype(np.int64)
            top_counts[sl] = cum[:, tk - 1]
        rank_q[sl] = _rank_stats_block(block, cum, edges, r_min[sl], r_max[sl], probs, nf)
    return acceptability, rank_q, rank_sum, r_min, r_max, top_counts, first


class RankSummary:
    """What a result with SMAA-2 rank fields derives from them (shared by the Monte Carlo results).

    The class that mixes it in holds ``rank_acceptability``,
    ``acceptability_form``, ``rank_mean``, ``rank_quantiles``, ``top_k``,
    ``top_k_probability``, ``first_count``, ``quantiles`` and ``samples`` as
    :class:`MonteCarloResult` documents them.
    """

    rank_acceptability: FloatArray
    acceptability_form: str
    rank_mean: FloatArray
    rank_quantiles: FloatArray
    top_k: IntArray
    top_k_probability: FloatArray
    first_count: IntArray
    quantiles: FloatArray
    samples: int
    _analysis = "monte_carlo"

    @property
    def first_probability(self) -> FloatArray:
        """Share of samples in which each alternative ranks first (``first_count / samples``), either form."""
        out: FloatArray = self.first_count / float(self.samples)
        return out

    def top_probability(self, k: int) -> FloatArray:
        """Share of samples in which each alternative ranks ``k`` or better (``k`` in ``top_k``, or any ``k`` with
        the full table; ``k >= n`` gives ones)."""
        n = self.rank_acceptability.shape[0]
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise InputError(f"k is {k!r}; expected an integer >= 1")
        if k >= n:
            return np.ones(n)
        hit = np.flatnonzero(self.top_k == k)
        if hit.size:
            col: FloatArray = self.top_k_probability[:, int(hit[0])]
            return col
        if self.acceptability_form == "full":
            counts = np.rint(self.rank_acceptability[:, :k] * float(self.samples)).sum(axis=1)  # exact integers
            return np.asarray(counts / float(self.samples), dtype=np.float64)
        raise InputError(
            f"P(rank <= {k}) was not counted: this run kept rank bins (top_k = {self.top_k.tolist()}); "
            f"pass top_k to {self._analysis}"
        )

    @property
    def likely_rank(self) -> IntArray:
        """Most likely rank (full table) or median rank (binned form) of each alternative, 1-based."""
        out: IntArray
        if self.acceptability_form == "full":
            out = np.argmax(self.rank_acceptability, axis=1).astype(np.int64) + 1
            return out
        med = np.flatnonzero(self.quantiles == 0.5)
        out = np.rint(self.rank_quantiles[:, int(med[0])] if med.size else self.rank_mean).astype(np.int64)
        return out


@dataclass(frozen=True, eq=False)
class MonteCarloResult(RankSummary):
    """Summary of a Monte Carlo weight sensitivity run (all arrays read-only).

    ``n`` alternatives, ``m`` criteria, ``q`` quantiles, ``g`` grades.

    Attributes
    ----------
    rank_acceptability : ndarray of shape (n, B)
        SMAA-2 rank acceptability. ``acceptability_form == "full"`` (``B = n``):
        the index ``b_i^r``, the share of samples in which alternative ``i``
        has rank ``r + 1`` (rank = 1 + number of alternatives with a strictly
        better score, so ties share the smallest rank). ``"binned"`` (``B <
        n``, the default above :data:`FULL_ACCEPTABILITY_LIMIT` alternatives):
        the share of samples in which ``i``'s rank lies in rank bin ``b``,
        i.e. between ``rank_bin_edges[b] + 1`` and ``rank_bin_edges[b + 1]``
        (rank-percentile bins). Rows sum to 1; in the full form columns sum
        to 1 when no ties occur.
    acceptability_form : str
        ``"full"`` (the ``n x n`` table) or ``"binned"`` (``n x B`` rank bins).
    rank_bin_edges : ndarray of int64, shape (B + 1,)
        Bin ``b`` holds ranks ``rank_bin_edges[b] + 1`` to ``rank_bin_edges[b + 1]``
        (``floor(b n / B)``; ``0, 1, ..., n`` in the full form).
    rank_mean : ndarray of shape (n,)
        Mean rank over the samples (exact).
    rank_min, rank_max : ndarray of int64, shape (n,)
        Best and worst rank over the samples (exact).
    rank_quantiles : ndarray of shape (n, q)
        Rank quantiles at ``quantiles``: the smallest rank ``r`` with
        ``P(rank <= r) >= q`` in the full form (exact); in the binned form
        interpolated linearly within the rank bin that holds it and clipped to
        ``[rank_min, rank_max]`` (accurate to one bin, ``n / B`` ranks).
    top_k : ndarray of int64, shape (K,)
        The ``k`` of ``top_k_probability`` (ascending, at most ``n``).
    top_k_probability : ndarray of shape (n, K)
        Share of samples in which alternative ``i`` ranks ``top_k[j]`` or
        better (exact in both forms).
    first_count : ndarray of int64, shape (n,)
        Number of samples in which alternative ``i`` ranks first
        (``rank_acceptability[:, 0] * samples``).
    central_weights : ndarray of shape (n, m)
        SMAA-2 central weight vector: the mean weight vector over the samples
        in which ``i`` ranks first. An alternative that never ranks first has
        no central weight vector; its row is all zeros (check ``first_count``
        or ``has_central_weights``).
    has_central_weights : ndarray of bool, shape (n,)
        ``first_count > 0``.
    score_mean, score_std : ndarray of shape (n,)
        Mean and standard deviation (population, ddof = 0) of each
        alternative's score over the samples.
    score_min, score_max : ndarray of shape (n,)
        Smallest and largest score over the samples (exact).
    score_quantiles : ndarray of shape (n, q)
        Score quantiles at ``quantiles``, from a histogram of
        ``quantile_bins`` equal bins over the score range, interpolated
        linearly within the bin: accurate to one bin width (see ``score_range``).
    quantiles : ndarray of shape (q,)
        The probabilities of ``score_quantiles`` and ``weight_quantiles``.
    grade_bands : ndarray of shape (g,) or None
        Lower bounds of the grades on the 0-100 scale, best grade first.
    grade_probability : ndarray of shape (n, g) or None
        Share of samples in which alternative ``i`` gets grade ``j``: the first
        band whose lower bound is ``<=`` its 0-100 score (``100 * score``;
        ``100 * (1 - Q)`` for VIKOR), or the last band when below every bound.
        Rows sum to 1.
    weight_mean, weight_std : ndarray of shape (m,)
        Mean and standard deviation of the sampled weights.
    weight_quantiles : ndarray of shape (m, q)
        Quantiles of the sampled weights (histogram on [0, 1], same bins).
    base_weights : ndarray of shape (m,)
        The weights the samples are centred on.
    base_scores : ndarray of shape (n,)
        Scores at the base weights.
    base_ranks : ndarray of int64, shape (n,)
        Ranks at the base weights (1 = best, ties share the smallest rank).
    score_range : tuple of float
        ``(low, high)``: the interval every score lies in (``(0, 1)`` for
        TOPSIS and VIKOR); the histogram of the quantiles spans it.
    samples : int
        Number of weight samples.
    method : str
        ``"topsis"``, ``"wsm"``, ``"vikor"`` or ``"gra"``.
    normalization : str or None
        The normalisation used (None for VIKOR).
    absolute : bool
        Whether bounds were given (absolute mode).
    higher_is_better : bool
        False for VIKOR (scores are ``Q``).
    sampler : str
        How weights were drawn, e.g. ``"dirichlet(concentration=None)"`` or
        ``"judgments(perturbation='step', steps=1, experts=3)"``.
    seed_entropy : int or tuple of int
        Entropy of the root :class:`numpy.random.SeedSequence`; with
        ``seed_spawn_key`` it reproduces the run
        (``seed=np.random.SeedSequence(seed_entropy, spawn_key=seed_spawn_key)``).
    seed_spawn_key : tuple of int
        Spawn key of the root SeedSequence.
    block_size : int
        Samples per random stream (block ``b`` uses spawn key ``(*seed_spawn_key, b)``).
    quantile_bins : int
        Bins of the quantile histograms.
    """

    rank_acceptability: FloatArray
    acceptability_form: str
    rank_bin_edges: IntArray
    rank_mean: FloatArray
    rank_min: IntArray
    rank_max: IntArray
    rank_quantiles: FloatArray
    top_k: IntArray
    top_k_probability: FloatArray
    first_count: IntArray
    central_weights: FloatArray
    has_central_weights: BoolArray
    score_mean: FloatArray
    score_std: FloatArray
    score_min: FloatArray
    score_max: FloatArray
    score_quantiles: FloatArray
    quantiles: FloatArray
    grade_bands: FloatArray | None
    grade_probability: FloatArray | None
    weight_mean: FloatArray
    weight_std: FloatArray
    weight_quantiles: FloatArray
    base_weights: FloatArray
    base_scores: FloatArray
    base_ranks: IntArray
    score_range: tuple[float, float]
    samples: int
    method: str
    normalization: str | None
    absolute: bool
    higher_is_better: bool
    sampler: str
    seed_entropy: int | tuple[int, ...]
    seed_spawn_key: tuple[int, ...]
    block_size: int
    quantile_bins: int


# --------------------------------------------------------------------------- samplers


@dataclass(frozen=True)
class _DirichletSampler:
    """Dirichlet(alpha) on the support criteria, zeros elsewhere; alpha None = Dirichlet(1, ..., 1)."""

    m: int
    alpha: FloatArray | None
    support: BoolArray

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        if self.alpha is None:
            return rng.dirichlet(np.ones(self.m), size=size)
        if self.support.all():
            return rng.dirichlet(self.alpha, size=size)
        out = np.zeros((size, self.m))
        out[:, self.support] = rng.dirichlet(self.alpha, size=size)
        return out


# --------------------------------------------------------------------------- driver


def _as_grade_bands(grade_bands: Any) -> FloatArray | None:
    if grade_bands is None:
        return None
    arr = as_vector(grade_bands, "grade_bands")
    if arr.size > 127:
        raise InputError(f"grade_bands has {arr.size} bands; at most 127 are supported")
    if arr.size > 1:
        dec = np.diff(arr) < 0
        if not dec.all():
            i = int(np.argmin(dec))
            raise InputError(
                f"grade_bands[{i + 1}] = {arr[i + 1]} is not below grade_bands[{i}] = {arr[i]}; "
                "give the grades' lower bounds best first, strictly decreasing"
            )
    return arr


def _as_top_k(top_k: Any, n: int) -> IntArray:
    """Sorted distinct ``k`` (1 always included; those above ``n`` dropped)."""
    arr = np.atleast_1d(np.asarray(top_k))
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise InputError(f"top_k is {top_k!r}; expected a sequence of integers >= 1")
    if arr.size and int(arr.min()) < 1:
        raise InputError(f"top_k contains {int(arr.min())}; every k must be >= 1")
    ks = np.unique(np.concatenate([[1], arr.astype(np.int64)]))
    out: IntArray = ks[ks <= n]
    return out


def run_monte_carlo(
    problem: Problem,
    sampler: WeightSampler,
    sampler_info: str,
    support: BoolArray,
    samples: int,
    *,
    grade_bands: Any,
    chunk_size: Any,
    seed: SeedLike,
    executor: Any,
    quantiles: Any,
    quantile_bins: Any,
    rank_bins: Any = None,
    top_k: Any = DEFAULT_TOP_K,
) -> MonteCarloResult:
    n, m = problem.n, problem.m
    samples = as_int(samples, "samples", minimum=1, maximum=MAX_SAMPLES)
    bands = _as_grade_bands(grade_bands)
    probs = as_probabilities(quantiles, "quantiles")
    if rank_bins is None:
        n_rb = n if n <= FULL_ACCEPTABILITY_LIMIT else DEFAULT_RANK_BINS
    else:
        n_rb = min(as_int(rank_bins, "rank_bins", minimum=1), n)
    if quantile_bins is None:
        quantile_bins = 1000 if n_rb == n else LARGE_QUANTILE_BINS
    bins = as_int(quantile_bins, "quantile_bins", minimum=1, maximum=MAX_BINS)
    tk = _as_top_k(top_k, n)
    ex: concurrent.futures.Executor | None = check_executor(executor)
    scorer = build_scorer(
        problem.matrix,
        problem.types,
        method=problem.method,
        normalization=problem.kernel_normalization,
        bounds=problem.bounds,
        v=problem.v,
        rho=problem.rho,
        support=support,
    )
    tile = tile_size(scorer.columns)
    chunk = check_chunk_size(chunk_size, default_chunk_size(problem.n, tile))
    seeds = SeedPlan.from_seed(seed)
    edges = rank_bin_edges(n, n_rb)
    binned = n_rb < n
    base_tile = np.broadcast_to(problem.weights, (tile, m)).copy()
    base_scores = scorer.tile_scores(base_tile)[0].copy()
    lo, hi = score_range(scorer)
    span = hi - lo
    inv_scale = 2.0 ** (-math.ceil(math.log2(span))) if span > 0 else 1.0
    job = Job(
        scorer=scorer,
        sampler=sampler,
        seeds=seeds,
        samples=samples,
        tile=tile,
        m=m,
        score_shift=base_scores,
        weight_shift=problem.weights,
        inv_scale=inv_scale,
        score_lo=lo,
        score_hi=hi,
        grade_asc=None if bands is None else bands[::-1].copy(),
        bins=bins,
        rank_bin=np.repeat(np.arange(n_rb, dtype=np.int64), np.diff(edges)) if binned else None,
        rank_bins=n_rb,
        top_k=tk if binned else None,
    )
    totals = Totals.empty(n, m, bins, None if bands is None else bands.shape[0], rank_bins=n_rb, top_k=tk.size)
    run_tasks(run_chunk, [(job, a, b) for a, b in chunk_bounds(samples, chunk)], ex, totals.merge)

    nf = float(samples)
    rs = rank_summaries(totals.ranks.counts, edges, totals.ranks_stats, tk, probs, samples)
    acceptability, rank_q, rank_sum, r_min, r_max, top_counts, first = rs
    totals.ranks.counts = np.empty((0, 0), dtype=np.int32)

    # the score sums are limb sums of per-tile sums divided by the tile size (see _engine._TileMoments)
    d_mean = limbs_to_float(totals.d_sum) * tile / nf
    d2_mean = limbs_to_float(totals.d2_sum) * tile / nf
    scale = 1.0 / inv_scale
    score_mean = np.clip(base_scores + d_mean * scale, totals.smin, totals.smax)
    score_std = np.sqrt(np.maximum(d2_mean - d_mean * d_mean, 0.0)) * scale
    wd_mean = limbs_to_float(totals.wd_sum) / nf
    wd2_mean = limbs_to_float(totals.wd2_sum) / nf
    weight_mean = np.clip(problem.weights + wd_mean, totals.wmin, totals.wmax)
    weight_std = np.sqrt(np.maximum(wd2_mean - wd_mean * wd_mean, 0.0))
    central_sum = totals.central_sums(n)
    has_central = first > 0
    central = np.divide(
        central_sum, first[:, None].astype(np.float64), out=np.zeros((n, m)), where=has_central[:, None]
    )
    score_q = histogram_quantiles(totals.score_bins.counts, totals.smin, totals.smax, probs, lo, hi)
    weight_q = histogram_quantiles(totals.weight_bins.counts, totals.wmin, totals.wmax, probs, 0.0, 1.0)
    grade_prob = None if totals.grades is None else totals.grades.counts / nf
    base_ranks = competition_ranks(base_scores, problem.higher_is_better) + 1

    return MonteCarloResult(
        rank_acceptability=readonly(acceptability),
        acceptability_form="binned" if binned else "full",
        rank_bin_edges=readonly(edges),
        rank_mean=readonly((rank_sum + samples) / nf),  # exact sum of 1-based ranks, one rounding
        rank_min=readonly(r_min + 1),
        rank_max=readonly(r_max + 1),
        rank_quantiles=readonly(rank_q),
        top_k=readonly(tk),
        top_k_probability=readonly(top_counts / nf),
        first_count=readonly(first),
        central_weights=readonly(central),
        has_central_weights=readonly(has_central),
        score_mean=readonly(score_mean),
        score_std=readonly(score_std),
        score_min=readonly(totals.smin),
        score_max=readonly(totals.smax),
        score_quantiles=readonly(score_q),
        quantiles=readonly(probs.copy()),
        grade_bands=None if bands is None else readonly(bands.copy()),
        grade_probability=None if grade_prob is None else readonly(grade_prob),
        weight_mean=readonly(weight_mean),
        weight_std=readonly(weight_std),
        weight_quantiles=readonly(weight_q),
        base_weights=readonly(problem.weights.copy()),
        base_scores=readonly(base_scores),
        base_ranks=readonly(base_ranks.astype(np.int64)),
        score_range=(lo, hi),
        samples=samples,
        method=problem.method,
        normalization=problem.normalization,
        absolute=problem.bounds is not None,
        higher_is_better=problem.higher_is_better,
        sampler=sampler_info,
        seed_entropy=seeds.entropy,
        seed_spawn_key=seeds.spawn_key,
        block_size=BLOCK_SIZE,
        quantile_bins=bins,
    )


def monte_carlo(
    matrix: Any,
    weights: Any,
    types: Any,
    samples: int = 10_000,
    *,
    concentration: float | None = None,
    method: str = "topsis",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    rho: float = 0.5,
    grade_bands: Any = None,
    chunk_size: int | None = None,
    seed: SeedLike = None,
    executor: concurrent.futures.Executor | None = None,
    quantiles: Any = (0.05, 0.5, 0.95),
    quantile_bins: int | None = None,
    rank_bins: int | None = None,
    top_k: Any = DEFAULT_TOP_K,
) -> MonteCarloResult:
    r"""Monte Carlo weight sensitivity with SMAA-2 rank acceptability indices.

    Draws ``samples`` weight vectors from a Dirichlet distribution centred on
    ``weights``, scores every alternative for every draw (in batches: matrix
    products), ranks them per draw and summarises: rank acceptability, central
    weights, score mean/std/min/max/quantiles and grade probabilities.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix, alternatives in rows; finite. Never modified.
    weights : array_like of shape (m,)
        Base weights: non-negative, summing to 1. The Dirichlet mean.
    types : array_like of shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    samples : int, default 10 000
        Number of weight draws, ``1 <= samples <= 2**27``.
    concentration : float or None, default None
        Dirichlet concentration ``c > 0``: draws ``w ~ Dirichlet(c * weights)``
        with mean ``weights`` and ``Var(w_j) = w_j (1 - w_j) / (c + 1)``; larger
        is tighter around the base weights. ``None`` draws uniformly from the
        whole simplex (``Dirichlet(1, ..., 1)``, SMAA's "no weight
        information"), ignoring ``weights`` except as the reference for the
        base scores. A criterion with base weight 0 keeps weight 0 in every
        draw when ``concentration`` is given (a Dirichlet parameter must be
        positive; the draw is on the other criteria).
    method : {"topsis", "wsm", "vikor", "gra"}, default "topsis"
        Scoring method, as :func:`ppeval.methods.topsis`, :func:`~ppeval.methods.wsm`,
        :func:`~ppeval.methods.vikor` (``Q``, lower is better) and
        :func:`~ppeval.methods.gra` (grey relational grade).
    normalization : str or None, default None
        TOPSIS: ``"vector"`` (default), ``"minmax"``, ``"max"``, ``"sum"``,
        ``"zscore"``, ``"mean"`` or ``"shift"``; WSM: ``"minmax"`` (default) or
        any of those; VIKOR and GRA: must be None.
    bounds : array_like of shape (m, 2) or None
        ``(worst, best)`` per criterion: absolute mode (TOPSIS, WSM, GRA).
    v : float, default 0.5
        VIKOR's weight of the strategy of the majority, in [0, 1].
    rho : float, default 0.5
        GRA's distinguishing coefficient, in (0, 1] (method ``"gra"`` only).
    grade_bands : array_like of shape (g,) or None
        Lower bounds of the grades on the 0-100 scale, best first, strictly
        decreasing (e.g. ``[90, 80, 60, 0]``). Gives ``grade_probability``.
    chunk_size : int or None
        Samples per task (bounds the per-sample buffers of a task: with
        thousands of alternatives a task keeps 32-bit rank and bin cells,
        ``8 * chunk_size * n`` bytes, 4 more with ``grade_bands``, and hands
        them over for the merge; when a table is smaller than that, the task
        counts it as it goes instead). Default: about 8 Mi values per chunk.
        Results do not depend on it.
    seed : int, Generator, SeedSequence or None
        Root of the random streams. ``None`` takes fresh entropy (recorded in
        the result, so the run can be repeated).
    executor : concurrent.futures.Executor or None
        Runs the chunks (e.g. ``ThreadPoolExecutor``, ``ProcessPoolExecutor``
        or ``distributed.Client(...).get_executor()``); None runs them serially.
        Results do not depend on it.
    quantiles : sequence of float, default (0.05, 0.5, 0.95)
        Probabilities in [0, 1] for ``score_quantiles`` and ``weight_quantiles``.
    quantile_bins : int or None
        Histogram bins for the score and weight quantiles (1 to 32 767).
        Default: 1000 with the full rank acceptability, else
        :data:`LARGE_QUANTILE_BINS` (the histograms hold ``n x bins`` counts).
    rank_bins : int or None
        Columns of ``rank_acceptability``. None (default): the full ``n x n``
        SMAA-2 table up to :data:`FULL_ACCEPTABILITY_LIMIT` alternatives,
        :data:`DEFAULT_RANK_BINS` rank-percentile bins above (memory linear in
        ``n``). An integer ``B`` asks for ``B`` bins (``B >= n``: the full
        table, whatever ``n``).
    top_k : sequence of int, default (1, 3, 10)
        The ``k`` of ``top_k_probability`` (1 is always included; values
        above ``n`` are dropped).

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    InputError
        On an invalid argument, named with its position (e.g. ``samples is 0;
        it must be >= 1``, ``concentration is -1.0; it must be > 0``, ``method
        is 'ahp'; valid values are ...``).

    Notes
    -----
    *Sampling.* ``w ~ Dirichlet(alpha)`` with ``alpha = c * weights`` (or all
    ones), drawn in blocks of 1024 samples; block ``b`` uses the child
    ``spawn_key + (b,)`` of the root SeedSequence. So the draws depend only on
    the seed and the sample index.

    *Scores.* TOPSIS distances are ``(D±_i)^2 = Σ_j w_j^2 (r_ij - r±_j)^2``: one
    ``(t, m) @ (m, 2n)`` product per tile of ``t`` samples (no ``(t, n, m)``
    temporary); WSM ``W @ r^T``; VIKOR ``S = W @ d^T`` and ``R`` as a running
    maximum. Scores equal those of :mod:`ppeval.methods` (to rounding).

    *Acceptability (SMAA-2).* ``rank(i, w) = 1 + #{k : u_k(w) > u_i(w)}``;
    ``b_i^r`` is the share of draws with ``rank(i, w) = r``; the central weight
    vector ``w_i^c`` is the mean of the draws with ``rank(i, w) = 1``.

    *Ranks.* Each sample's alternatives are put in order by sorting packed
    integer keys: a monotone function of the score in the high bits (the
    score quantised on the tile's score range, 32-bit keys, up to 2,048
    alternatives; else the score's IEEE bits, 64-bit keys) and the
    alternative's index in the low bits. Alternatives whose keys share the
    high part are re-sorted by exact score, so ties and near-ties are handled
    as by a full comparison: the ranks equal ``ppeval.ranking.rank`` (ties
    share the best rank) in every sample.

    *Reproducibility.* Ranks and grades are counted as integers; score and
    weight sums are exact (per-tile sums in a fixed order, split on fixed
    binary grids and added exactly), so every chunking,
    executor and worker count gives identical bits; scores of a sample always
    come from one fixed-shape matrix product. Quantiles come from per
    alternative histograms (``quantile_bins`` bins over ``score_range``),
    accurate to one bin width; ``score_min``/``score_max`` are exact.

    *Size.* With the full table the result holds ``n x n`` acceptabilities
    (800 MB at 10,000 alternatives, 80 GB at 100,000); above
    :data:`FULL_ACCEPTABILITY_LIMIT` the default is ``n x B`` rank-bin
    acceptabilities instead, with the rank statistics (mean, extremes,
    quantiles, ``P(rank <= k)``) counted exactly per sample, so memory is
    linear in ``n``: the ``(B, n)`` and ``(n, quantile_bins)`` count tables,
    the ``(n, m)`` central weights and per task one chunk's per-sample ranks
    and bins and a score tile; nothing of size ``samples x n`` exists. A
    binned run's ``rank_acceptability`` columns are the sums of the full
    table's columns over each bin (the same counts).

    References
    ----------
    Lahdelma, R., & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
    acceptability analysis for group decision making. *Operations Research*,
    49(3), 444-454.

    Tervonen, T., & Figueira, J. R. (2008). A survey on stochastic
    multicriteria acceptability analysis methods. *Journal of Multi-Criteria
    Decision Analysis*, 15(1-2), 1-14.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import monte_carlo
    >>> x = np.array([[7.0, 9.0, 9.0], [8.0, 7.0, 8.0], [9.0, 6.0, 8.0], [6.0, 7.0, 8.0]])
    >>> r = monte_carlo(x, [0.4, 0.3, 0.3], [1, 1, 1], samples=2000, concentration=50, seed=1)
    >>> r.rank_acceptability.sum(axis=1)
    array([1., 1., 1., 1.])
    >>> int(r.base_ranks[0]), bool(r.rank_acceptability[0, 0] > 0.5)
    (1, True)
    """
    problem = as_problem(
        matrix, weights, types, method=method, normalization=normalization, bounds=bounds, v=v,
        rho=rho,
    )
    m = problem.m
    if concentration is None:
        support = np.ones(m, dtype=bool)
        sampler = _DirichletSampler(m=m, alpha=None, support=support)
    else:
        c = as_float(concentration, "concentration", low=0.0, low_open=True)
        support = problem.weights > 0.0
        alpha = c * problem.weights[support]
        if not (np.isfinite(alpha).all() and (alpha > 0.0).all()):
            j = int(np.flatnonzero(support)[np.argmax(~(np.isfinite(alpha) & (alpha > 0.0)))])
            raise InputError(
                f"concentration * weights[{j}] = {c!r} * {problem.weights[j]!r} is not a positive finite "
                "Dirichlet parameter; choose a concentration that keeps it finite and positive"
            )
        sampler = _DirichletSampler(m=m, alpha=alpha, support=support)
    info = f"dirichlet(concentration={None if concentration is None else float(concentration)!r})"
    return run_monte_carlo(
        problem,
        sampler,
        info,
        support,
        samples,
        grade_bands=grade_bands,
        chunk_size=chunk_size,
        seed=seed,
        executor=executor,
        quantiles=quantiles,
        quantile_bins=quantile_bins,
        rank_bins=rank_bins,
        top_k=top_k,
    )
