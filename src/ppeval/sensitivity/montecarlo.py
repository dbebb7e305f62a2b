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
from ._engine import MAX_BINS, Job, Totals, WeightSampler, run_chunk, score_range
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

__all__ = ["MonteCarloResult", "monte_carlo", "run_monte_carlo"]


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Summary of a Monte Carlo weight sensitivity run (all arrays read-only).

    ``n`` alternatives, ``m`` criteria, ``q`` quantiles, ``g`` grades.

    Attributes
    ----------
    rank_acceptability : ndarray of shape (n, n)
        SMAA-2 rank acceptability index ``b_i^r``: the share of samples in
        which alternative ``i`` has rank ``r + 1`` (rank = 1 + number of
        alternatives with a strictly better score, so ties share the smallest
        rank). Rows sum to 1; columns sum to 1 when no ties occur.
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
) -> MonteCarloResult:
    samples = as_int(samples, "samples", minimum=1, maximum=MAX_SAMPLES)
    bands = _as_grade_bands(grade_bands)
    probs = as_probabilities(quantiles, "quantiles")
    bins = as_int(quantile_bins, "quantile_bins", minimum=1, maximum=MAX_BINS)
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
    n, m = problem.n, problem.m

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
    )
    totals = Totals.empty(n, m, bins, None if bands is None else bands.shape[0])
    run_tasks(run_chunk, [(job, a, b) for a, b in chunk_bounds(samples, chunk)], ex, totals.merge)

    nf = float(samples)
    counts = totals.ranks.counts  # position-major: counts[r, i] = samples with alternative i at rank r
    first = counts[0].astype(np.int64)
    acceptability = np.empty((n, n))
    step = 256  # transpose in blocks of alternatives: contiguous reads of step counts per rank
    for i0 in range(0, n, step):
        np.divide(counts[:, i0 : i0 + step].T, nf, out=acceptability[i0 : i0 + step])
    del counts
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
    central_sum = limbs_to_float(totals.central)
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
    quantile_bins: int = 1000,
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
        Samples per task (bounds the per-sample buffers of a task: 32-bit
        rank and bin cells, ``8 * chunk_size * n`` bytes, 4 more with
        ``grade_bands``; with thousands of alternatives a task hands these
        buffers over for the merge instead of counted tables). Default:
        about 8 Mi values per chunk.
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
    quantile_bins : int, default 1000
        Histogram bins for the quantiles (1 to 32 767).

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

    Memory: the result holds ``n x n`` acceptabilities; a task holds one
    chunk's per-sample ranks and bins and a score tile; nothing of size
    ``samples x n`` exists.

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
    )
