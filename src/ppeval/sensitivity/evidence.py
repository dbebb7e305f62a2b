"""Monte Carlo with uncertain evidence (SMAA with uncertain criteria values and weights).

Three sources of uncertainty, each switchable, in one seeded, chunked run:

* **weights** - Dirichlet draws around the base weights, exactly as
  :func:`ppeval.sensitivity.monte_carlo` (the same draws for the same seed);
* **ratings** - the raters of every (project, indicator, rater group) are
  resampled with replacement (a stratified bootstrap), see
  :class:`~ppeval.sensitivity.RatingEvidence`;
* **values** - measured values drawn from their declared measurement
  distribution, see :class:`~ppeval.sensitivity.ValueUncertainty`.

Per project the result gives the score distribution (mean, standard
deviation, quantiles, range), grade and decision-band probabilities, SMAA-2
rank acceptability and first-order sensitivity indices of the three sources.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import readonly
from ppeval._typing import FloatArray, IntArray, SeedLike
from ppeval.errors import InputError
from ppeval.methods.topsis import DEGENERATE_CLOSENESS

from ._accumulate import MAX_SAMPLES, N_LIMBS, histogram_quantiles, limb_sums, limbs_to_float
from ._common import as_float, as_int, as_probabilities, competition_ranks
from ._engine import MAX_BINS
from ._evidence_inputs import RatingEvidence, RatingSampler, ValueSampler, ValueUncertainty
from ._executor import BLOCK_SIZE, SeedPlan, check_chunk_size, check_executor, chunk_bounds, run_tasks
from ._stack import StackScorer
from ._stack_methods import EvidenceExtension, FuzzyGrades, MethodScorer, evidence_problem
from ._transforms import ColumnTransforms
from .montecarlo import _as_grade_bands, _DirichletSampler, monte_carlo

__all__ = ["EvidenceResult", "evidence_monte_carlo", "SOURCES", "STACK_FLOATS"]

#: The sources of uncertainty, in the order of :attr:`EvidenceResult.first_order`.
SOURCES = ("weights", "ratings", "values")
#: Float64 values of one stack of sample matrices (``tile * n * m``) at most.
STACK_FLOATS = 1 << 20
_RATINGS, _VALUES = 1, 2


@dataclass(frozen=True, eq=False)
class EvidenceResult:
    """How sure each score, grade and rank is, given uncertain weights, ratings and values.

    Attributes
    ----------
    sources : tuple of str
        The sources varied (a subset of :data:`SOURCES`, in that order).
    samples : int
        Monte Carlo samples.
    base_scores : ndarray (n,)
        Scores at the base weights, ratings and values.
    base_ranks : ndarray of int64 (n,)
        Ranks at the base (1 = best, ties share the best rank).
    score_mean, score_std, score_min, score_max : ndarray (n,)
        Mean, standard deviation (population), minimum and maximum of each
        project's score over the samples.
    quantiles : ndarray (q,)
        The probabilities of ``score_quantiles``.
    score_quantiles : ndarray (n, q)
        Score quantiles (from ``quantile_bins`` histogram bins on [0, 1];
        accurate to one bin width).
    rank_acceptability : ndarray (n, n)
        Share of samples in which project ``i`` takes rank ``r + 1``.
    grade_bands : ndarray (g,) or None
        Lower bounds of the grades on the 0-100 scale, best first.
    grade_probability : ndarray (n, g) or None
        Share of samples in which project ``i`` gets grade ``k``.
    decision_bands : ndarray (d,) or None
        Lower bounds of the decision bands on the 0-100 scale, best first.
    decision_probability : ndarray (n, d) or None
        Share of samples in each decision band (rows sum to 1).
    cut_counts : ndarray of int64 (n, c) or None
        Samples per cell of the partition of the 0-100 scale by the grade
        and decision bounds together (``cut_bands``, best first): the exact
        counts behind both probabilities.
    cut_bands : ndarray (c,) or None
        Lower bounds of that partition, best first.
    first_order : ndarray (n, len(sources))
        First-order sensitivity index of each source per project (the
        share of the score variance explained by that source alone;
        Janon et al. 2014 estimator, clipped to [0, 1]); 0 where the score
        does not vary. With one source it is 1 where the score varies; with
        ``attribution=False`` and several sources it is 0.
    main_source : ndarray of int64 (n,)
        Index into ``sources`` of the largest first-order index (-1 where
        the score does not vary, or with ``attribution=False`` and several
        sources).
    sample_scores : ndarray (samples, n) or None
        Every sample's scores (only with ``keep_scores=True``).
    method, normalization : str, str or None
        Scoring method and normalisation.
    absolute, higher_is_better : bool
        Scoring against bounds; whether higher scores are better.
    concentration : float or None
        Dirichlet concentration of the weight draws.
    seed_entropy, seed_spawn_key
        The seed's root, to repeat the run.
    engine : str
        ``"weights"`` when only the weights vary (the run is
        :func:`~ppeval.sensitivity.monte_carlo` itself) or ``"evidence"``.
    """

    sources: tuple[str, ...]
    samples: int
    base_scores: FloatArray
    base_ranks: IntArray
    score_mean: FloatArray
    score_std: FloatArray
    score_min: FloatArray
    score_max: FloatArray
    quantiles: FloatArray
    score_quantiles: FloatArray
    rank_acceptability: FloatArray
    grade_bands: FloatArray | None
    grade_probability: FloatArray | None
    decision_bands: FloatArray | None
    decision_probability: FloatArray | None
    cut_counts: IntArray | None
    cut_bands: FloatArray | None
    first_order: FloatArray
    main_source: IntArray
    sample_scores: FloatArray | None
    method: str
    normalization: str | None
    absolute: bool
    higher_is_better: bool
    concentration: float | None
    seed_entropy: int | tuple[int, ...]
    seed_spawn_key: tuple[int, ...]
    engine: str

    def to_100(self, scores: Any) -> FloatArray:
        """Scores on the 0-100 scale of the grades (VIKOR: ``100 (1 - Q)``)."""
        s = np.asarray(scores, dtype=np.float64)
        out: FloatArray = 100.0 * s if self.higher_is_better else 100.0 * (1.0 - s)
        return out


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class _Linear:
    """Absolute-mode WSM and TOPSIS scores split into the fixed cells and the cells that vary.

    Against bounds every cell is normalised on its own, ``r = (x - worst) / span``, and the scores are sums
    over the cells of a row: WSM ``sum_j w_j r_ij``; TOPSIS ``D+^2 = sum_j w_j^2 (1 - r_ij)^2`` and
    ``D-^2 = sum_j w_j^2 r_ij^2``. The fixed cells' part is one matrix product per tile (``(t, m) x (m, n)``);
    only the varied cells (rated cells, columns with measurement uncertainty) are added per sample.
    """

    method: str
    fixed: tuple[FloatArray, ...]  # (m, n) per sum: WSM r; TOPSIS (1 - r)^2, r^2 (varied cells 0)
    worst: FloatArray  # (m,)
    span: FloatArray  # (m,)
    cells: IntArray  # rated cells whose value comes from the ratings (not overwritten by a value column)
    cell_col: IntArray
    regular: int  # k > 0: every project has the same k rated columns (cell_col of project 0 = cols_k)
    cols_k: IntArray
    cell_starts: IntArray  # first cell of every project that has one (general layout)
    cell_rows: IntArray

    @classmethod
    def build(cls, scorer: StackScorer, normalized: FloatArray, ratings: RatingEvidence | None,
              values: ValueSampler | None) -> _Linear | None:
        bounds = scorer.bounds
        if bounds is None or scorer.method not in ("wsm", "topsis"):
            return None
        n, m = normalized.shape
        fixed_cells = np.ones((n, m), dtype=bool)
        vcols = np.zeros(m, dtype=bool)
        if values is not None:
            vcols[values.columns] = True
            fixed_cells[:, values.columns] = False
        cells = np.zeros(0, dtype=np.int64)
        if ratings is not None:
            cells = np.flatnonzero(~vcols[ratings.cell_col])  # a value column overrides the ratings (as scores)
            fixed_cells[ratings.cell_row[cells], ratings.cell_col[cells]] = False
        r = np.where(fixed_cells, normalized, 0.0)
        if scorer.method == "wsm":
            fixed: tuple[FloatArray, ...] = (np.ascontiguousarray(r.T),)
        else:
            far = np.where(fixed_cells, (1.0 - r) ** 2, 0.0)
            fixed = (np.ascontiguousarray(far.T), np.ascontiguousarray((r * r).T))
        worst = bounds[:, 0].copy()
        span = bounds[:, 1] - worst
        rows = np.zeros(0, dtype=np.int64) if ratings is None else ratings.cell_row[cells]
        col = np.zeros(0, dtype=np.int64) if ratings is None else ratings.cell_col[cells]
        regular = 0
        cols_k = np.zeros(0, dtype=np.int64)
        c = cells.shape[0]
        if c and c % n == 0:
            k = c // n
            if (rows == np.repeat(np.arange(n), k)).all() and (col.reshape(n, k) == col[:k]).all():
                regular, cols_k = k, col[:k].copy()
        present = np.unique(rows)
        starts = np.searchsorted(rows, present).astype(np.intp)
        return cls(scorer.method, fixed, worst, span, cells, col, regular, cols_k, starts, present)

    def parts(self, ww: FloatArray, cells: FloatArray | None, vals: FloatArray | None, values: ValueSampler | None,
              into: list[FloatArray] | None = None) -> tuple[list[FloatArray], list[FloatArray]]:
        """The rated cells' and the value columns' additive parts of the sums, each a list of ``(t, n)``.

        ``ww`` are the weights (WSM) or squared weights (TOPSIS) ``(t, m)``; ``cells`` the normalised rated
        cells ``(c, t)``; ``vals`` the normalised value columns ``(q, t, n)``. With ``into`` both parts are
        added to those sums (returned twice).
        """
        t = ww.shape[0]
        n = self.fixed[0].shape[1]
        rp = into if into is not None else [np.zeros((t, n)) for _ in self.fixed]
        vp = into if into is not None else [np.zeros((t, n)) for _ in self.fixed]
        if cells is not None and self.cells.shape[0]:
            sel = cells if self.cells.shape[0] == cells.shape[0] else cells[self.cells]
            for a, part in zip(rp, self._cell_terms(sel), strict=True):
                if self.regular:  # the same k rated columns in every row: (n, k, t) against (k, t)
                    a += np.einsum("nkt,kt->tn", part.reshape(-1, self.regular, part.shape[1]), ww.T[self.cols_k])
                else:
                    g = part * ww.T[self.cell_col]
                    a[:, self.cell_rows] += np.add.reduceat(g, self.cell_starts, axis=0).T
        if vals is not None and values is not None:
            wv = ww[:, values.columns]
            for a, part in zip(vp, self._cell_terms(vals), strict=True):
                a += np.einsum("qtn,tq->tn", part, wv)
        return rp, vp

    def finish(self, sums: list[FloatArray]) -> FloatArray:
        """Scores from the sums (WSM: the sum; TOPSIS: closeness from ``D+^2`` and ``D-^2``)."""
        if self.method == "wsm":
            res: FloatArray = sums[0]
            return res
        dp = np.sqrt(sums[0])
        dm = np.sqrt(sums[1])
        den = dp + dm
        out: FloatArray = np.full_like(den, DEGENERATE_CLOSENESS)
        np.divide(dm, den, out=out, where=den > 0.0)
        return out

    def scores(self, w: FloatArray, cells: FloatArray | None, vals: FloatArray | None, values: ValueSampler | None,
               ) -> FloatArray:
        """Scores ``(t, n)``: weights ``w (t, m)``, normalised rated cells ``(c, t)``, value columns ``(q, t, n)``."""
        ww = w if self.method == "wsm" else w * w
        sums = [np.matmul(ww, f) for f in self.fixed]
        self.parts(ww, cells, vals, values, into=sums)
        return self.finish(sums)

    def scores_and_mixed(self, w: FloatArray, cells: FloatArray | None, vals: FloatArray | None,
                         values: ValueSampler | None, active: list[int]) -> tuple[FloatArray, list[FloatArray]]:
        """Scores and the pick-freeze scores of every active source (weights 0, ratings 1, values 2).

        The sums are additive over the fixed cells ``F(w)``, the rated cells ``R(w, r)`` and the value
        columns ``V(w, v)``, so with the partner ``p = s XOR 1`` every mixed score needs only the parts at
        the partner's weights: ``R(w_s, r_p)`` is row ``p`` of ``R(w[partner], r)``. Source weights:
        ``F(w_s) + R(w_s, r_p) + V(w_s, v_p)``; ratings: ``F(w_p) + R(w_p, r_s) + V(w_p, v_p)``; values:
        ``F(w_p) + R(w_p, r_p) + V(w_p, v_s)``. One more pass over the varied cells, whatever the number
        of sources.
        """
        ww = w if self.method == "wsm" else w * w
        partner = np.arange(ww.shape[0]) ^ 1
        f_own = [np.matmul(ww, f) for f in self.fixed]
        r_own, v_own = self.parts(ww, cells, vals, values)
        r_sw, v_sw = self.parts(np.ascontiguousarray(ww[partner]), cells, vals, values)
        own = self.finish([f + r + v for f, r, v in zip(f_own, r_own, v_own, strict=True)])
        mixed = []
        for src in active:
            terms = []
            for f, ro, vo, rs, vs in zip(f_own, r_own, v_own, r_sw, v_sw, strict=True):
                if src == 0:
                    terms.append(f + rs[partner] + vs[partner])
                elif src == _RATINGS:
                    terms.append(f[partner] + rs + vo[partner])
                else:
                    terms.append(f[partner] + ro[partner] + vs)
            mixed.append(self.finish(terms))
        return own, mixed

    def _cell_terms(self, r: FloatArray) -> tuple[FloatArray, ...]:
        """The terms of the sums of normalised cells ``r`` (not modified): WSM ``r``; TOPSIS ``(1 - r)^2, r^2``."""
        if self.method == "wsm":
            return (r,)
        g = 1.0 - r
        g *= g
        return (g, r * r)


@dataclass(frozen=True)
class _Job:
    scorer: StackScorer
    matrix: FloatArray
    normalized: FloatArray  # the normalised base matrix (used in absolute mode)
    weights: FloatArray
    weight_sampler: _DirichletSampler | None
    ratings: RatingEvidence | None
    rating_sampler: RatingSampler | None
    values: ValueSampler | None
    seeds: SeedPlan
    samples: int
    tile: int
    base: FloatArray
    cuts_asc: FloatArray | None
    bins: int
    attribution: bool
    keep: bool
    linear: _Linear | None = None  # absolute-mode WSM / TOPSIS: fixed cells in one product per tile
    ext: EvidenceExtension | None = None  # per-column transforms of raw values, FCE memberships

    @property
    def split(self) -> _Linear | None:
        """The split scoring, unless the draws are transformed before scoring in a way it cannot take.

        The split path draws rated cells and values normalised against the bounds; a transformed column
        whose bounds are (0, 1) (the matrix holds a closeness or a share of points) is normalised by the
        identity, so its raw draws reach the transform unchanged (``EvidenceExtension.split_ok``).
        """
        return self.linear if self.ext is None or self.ext.split_ok else None

    @property
    def n_sources(self) -> int:
        return int(self.weight_sampler is not None) + int(self.ratings is not None) + int(self.values is not None)


@dataclass
class _Partial:
    start: int
    rank_counts: IntArray
    bin_counts: IntArray
    cut_counts: IntArray | None
    sums: FloatArray  # (2 + 3 k, N_LIMBS, n): d, d^2, then per source d', d'^2, d d'
    smin: FloatArray
    smax: FloatArray
    scores: FloatArray | None


def _stream(seeds: SeedPlan, block: int, source: int, sub: int) -> np.random.Generator:
    child = np.random.SeedSequence(
        entropy=seeds.entropy, spawn_key=(*seeds.spawn_key, block, source, sub), pool_size=seeds.pool_size
    )
    return np.random.default_rng(child)


class _Draws:
    """The draws of one tile: weights (t, m), rating cell values (t, c), uncertain values (t, n, q)."""

    def __init__(self, job: _Job, tile_index: int, block_cache: dict[int, FloatArray]) -> None:
        t = job.tile
        g0 = tile_index * t
        b = g0 // BLOCK_SIZE
        sub = (g0 - b * BLOCK_SIZE) // t
        self.w: FloatArray | None = None
        self.r: FloatArray | None = None
        self.v: FloatArray | None = None
        self.mixed: list[FloatArray] | None = None  # pick-freeze scores computed with the scores (linear path)
        if job.weight_sampler is not None:
            if b not in block_cache:
                block_cache.clear()
                b0 = b * BLOCK_SIZE
                # as monte_carlo: block b holds min(BLOCK_SIZE, samples - b0) draws; the rest of a last,
                # partial tile is padded with independent draws from a separate stream
                block_cache[b] = job.weight_sampler.draw(job.seeds.block_rng(b), min(b0 + BLOCK_SIZE, job.samples) - b0)
            blk = block_cache[b]
            w = blk[g0 - b * BLOCK_SIZE : g0 - b * BLOCK_SIZE + t]
            if w.shape[0] < t:
                extra = job.weight_sampler.draw(_stream(job.seeds, b, 0, sub), t - w.shape[0])
                w = np.concatenate([w, extra])
            self.w = w
        lin = job.split  # absolute WSM / TOPSIS: rated cells and values drawn normalised, cell- / column-major
        if job.rating_sampler is not None:
            if lin is None:
                self.r = job.rating_sampler.resample(_stream(job.seeds, b, _RATINGS, sub), t)
            else:
                col = job.rating_sampler.evidence.cell_col
                self.r = job.rating_sampler.cell_values(
                    _stream(job.seeds, b, _RATINGS, sub), t, lin.worst[col], 1.0 / lin.span[col]).T
        if job.values is not None:
            if lin is None:
                self.v = job.values.draw(_stream(job.seeds, b, _VALUES, sub), t)
            else:
                col = job.values.columns
                self.v = job.values.draw_columns(
                    _stream(job.seeds, b, _VALUES, sub), t, lin.worst[col], 1.0 / lin.span[col]).transpose(1, 2, 0)
        if job.ext is not None:  # FCE rating draws; transforms of the sampled raw values
            job.ext.complete(self, job, lambda: _stream(job.seeds, b, _RATINGS, sub))

    def scores(self, job: _Job, mix: int = -1) -> FloatArray:
        """Scores of the tile; ``mix >= 0``: source ``mix`` from this sample, the others from its partner."""
        t = job.tile
        partner = np.arange(t) ^ 1
        active = [s for s, d in enumerate((self.w, self.r, self.v)) if d is not None]

        def pick(src: int, arr: Any) -> Any:
            if mix < 0 or src == active[mix]:
                return arr
            return arr[partner]

        w = np.broadcast_to(job.weights, (t, job.weights.shape[0])) if self.w is None else pick(0, self.w)
        if job.ext is not None and job.ext.fuzzy is not None:
            return job.ext.fce_scores(
                job, w, None if self.r is None else pick(_RATINGS, self.r),
                None if self.v is None else pick(_VALUES, self.v),
            )
        lin = job.split
        if lin is not None and mix < 0 and job.attribution and job.n_sources > 1:
            # the pick-freeze scores come from the same parts: see _Linear.scores_and_mixed
            rc = None if self.r is None else self.r.T
            vc = None if self.v is None else self.v.transpose(2, 0, 1)
            s, self.mixed = lin.scores_and_mixed(w, rc, vc, job.values, active)
            return s
        if mix >= 0 and self.mixed is not None:
            return self.mixed[mix]
        if lin is not None:
            rc = None if self.r is None else pick(_RATINGS, self.r).T  # (c, t)
            vc = None if self.v is None else pick(_VALUES, self.v).transpose(2, 0, 1)  # (q, t, n)
            return lin.scores(w, rc, vc, job.values)
        sc = job.scorer
        if sc.bounds is not None and sc.method != "vikor":
            # absolute mode: each value is normalised on its own, so only the cells that vary are
            r = np.broadcast_to(job.normalized, (t, *job.matrix.shape)).copy()
            worst, span = sc.bounds[:, 0], sc.bounds[:, 1] - sc.bounds[:, 0]
            if self.r is not None and job.ratings is not None:
                c = job.ratings.cell_col
                r[:, job.ratings.cell_row, c] = (pick(_RATINGS, self.r) - worst[c]) / span[c]
            if self.v is not None and job.values is not None:
                c = job.values.columns
                r[:, :, c] = (pick(_VALUES, self.v) - worst[c]) / span[c]
            return sc.scores_normalized(r, w)
        x = np.broadcast_to(job.matrix, (t, *job.matrix.shape)).copy()
        if self.r is not None and job.ratings is not None:
            x[:, job.ratings.cell_row, job.ratings.cell_col] = pick(_RATINGS, self.r)
        if self.v is not None and job.values is not None:
            x[:, :, job.values.columns] = pick(_VALUES, self.v)
        return sc.scores(x, w)


#: Per-sample moments (``d``, ``d^2``, ``d d'``, all in [-1, 1]) are rounded to multiples of ``2**-46``: the sum
#: of a tile's (at most 64) values is then an integer multiple below ``2**52``, exact in float64 in any order.
_GRID = float(1 << 46)
_TILE_MAX = 64.0


def _tile_sum(x: FloatArray) -> FloatArray:
    """Limb sums ``(N_LIMBS, n)`` of the column sums of ``x`` (at most 64 rows, values in [-1, 1]) on the grid.

    Each value is rounded to the nearest multiple of ``2**-46`` (so a mean is off by at most ``2**-47``); the
    tile's column sums are then exact, and so are their limb sums (of the sums / 64, in [-1, 1]): any chunking
    gives the same totals. Three passes per value instead of the twelve of limb-splitting every value.
    """
    g = x * _GRID
    np.rint(g, out=g)
    col = g.sum(axis=0)  # integers below 2**52: exact
    col *= 1.0 / (_GRID * _TILE_MAX)  # a power of two: exact, in [-1, 1]
    return limb_sums(col[None])


def _band_index(s: FloatArray, cuts_asc: FloatArray, higher_is_better: bool) -> IntArray:
    """As :func:`~ppeval.sensitivity._engine.grade_index` (0 = best band) by one comparison per bound."""
    g = 100.0 * s if higher_is_better else 100.0 * (1.0 - s)
    n_c = cuts_asc.shape[0]
    above = np.zeros(g.shape, dtype=np.int64)  # bounds <= g: searchsorted(cuts_asc, g, side="right")
    for c in cuts_asc:  # a handful of bounds
        above += g >= c
    np.subtract(n_c, above, out=above)
    np.minimum(above, n_c - 1, out=above)
    return above


def _run_chunk(job: _Job, start: int, stop: int) -> _Partial:
    n = job.matrix.shape[0]
    t = job.tile
    k = stop - start
    n_att = job.n_sources if job.attribution and job.n_sources > 1 else 0
    sums = np.zeros((2 + 3 * n_att, N_LIMBS, n))
    rank_codes = np.empty((k, n), dtype=np.int64)
    bin_codes = np.empty((k, n), dtype=np.int64)
    n_cuts = 0 if job.cuts_asc is None else job.cuts_asc.shape[0]
    cut_codes = np.empty((k, n), dtype=np.int64) if n_cuts else None
    kept = np.empty((k, n)) if job.keep else None
    smin = np.full(n, np.inf)
    smax = np.full(n, -np.inf)
    alt = np.arange(n, dtype=np.int64)
    rank_off, bin_off, cut_off = alt * n, alt * job.bins, alt * n_cuts  # each project's first cell of the tables
    cache: dict[int, FloatArray] = {}
    for ti in range(start // t, (stop + t - 1) // t):
        g0 = ti * t
        lo = max(start, g0) - g0
        hi = min(stop, g0 + t) - g0
        draws = _Draws(job, ti, cache)
        s = draws.scores(job)
        own = s[lo:hi]
        dst = slice(g0 + lo - start, g0 + hi - start)
        d = own - job.base
        sums[0] += _tile_sum(d)
        sums[1] += _tile_sum(d * d)
        for src in range(n_att):
            d2 = draws.scores(job, mix=src)[lo:hi] - job.base
            sums[2 + 3 * src] += _tile_sum(d2)
            sums[3 + 3 * src] += _tile_sum(d2 * d2)
            d2 *= d
            sums[4 + 3 * src] += _tile_sum(d2)
        np.minimum(smin, own.min(axis=0), out=smin)
        np.maximum(smax, own.max(axis=0), out=smax)
        np.add(rank_off, competition_ranks(own, job.scorer.higher_is_better), out=rank_codes[dst])
        b = (own * job.bins).astype(np.int64)
        np.clip(b, 0, job.bins - 1, out=b)
        np.add(bin_off, b, out=bin_codes[dst])
        if cut_codes is not None and job.cuts_asc is not None:
            np.add(cut_off, _band_index(own, job.cuts_asc, job.scorer.higher_is_better), out=cut_codes[dst])
        if kept is not None:
            kept[dst] = own
    return _Partial(
        start=start,
        rank_counts=np.bincount(rank_codes.reshape(-1), minlength=n * n).astype(np.int64, copy=False),
        bin_counts=np.bincount(bin_codes.reshape(-1), minlength=n * job.bins).astype(np.int64, copy=False),
        cut_counts=None
        if cut_codes is None
        else np.bincount(cut_codes.reshape(-1), minlength=n * n_cuts).astype(np.int64, copy=False),
        sums=sums,
        smin=smin,
        smax=smax,
        scores=kept,
    )


class _Totals:
    def __init__(self, job: _Job, n: int) -> None:
        n_att = job.n_sources if job.attribution and job.n_sources > 1 else 0
        self.rank = np.zeros(n * n, dtype=np.int64)
        self.bins = np.zeros(n * job.bins, dtype=np.int64)
        n_cuts = 0 if job.cuts_asc is None else job.cuts_asc.shape[0]
        self.cuts = np.zeros(n * n_cuts, dtype=np.int64) if n_cuts else None
        self.sums = np.zeros((2 + 3 * n_att, N_LIMBS, n))
        self.smin = np.full(n, np.inf)
        self.smax = np.full(n, -np.inf)
        self.scores = np.empty((job.samples, n)) if job.keep else None

    def merge(self, p: _Partial) -> None:
        self.rank += p.rank_counts
        self.bins += p.bin_counts
        if self.cuts is not None and p.cut_counts is not None:
            self.cuts += p.cut_counts
        self.sums += p.sums
        np.minimum(self.smin, p.smin, out=self.smin)
        np.maximum(self.smax, p.smax, out=self.smax)
        if self.scores is not None and p.scores is not None:
            self.scores[p.start : p.start + p.scores.shape[0]] = p.scores


def _janon(sums: FloatArray, nf: float, n_att: int) -> FloatArray:
    """First-order indices ``(n, n_att)`` from exact sums (Janon et al. 2014, eq. 5)."""
    nf = nf / _TILE_MAX  # the sums are of tile sums / 64
    y = limbs_to_float(sums[0]) / nf
    y2 = limbs_to_float(sums[1]) / nf
    out = np.zeros((y.shape[0], n_att))
    for k in range(n_att):
        yp = limbs_to_float(sums[2 + 3 * k]) / nf
        yp2 = limbs_to_float(sums[3 + 3 * k]) / nf
        yyp = limbs_to_float(sums[4 + 3 * k]) / nf
        mean = 0.5 * (y + yp)
        den = 0.5 * (y2 + yp2) - mean * mean
        num = yyp - mean * mean
        ok = den > 1e-300
        out[:, k] = np.clip(np.divide(num, den, out=np.zeros_like(num), where=ok), 0.0, 1.0)
    return out


# --------------------------------------------------------------------------- public function


def _merged_cuts(grades: FloatArray | None, decisions: FloatArray | None) -> FloatArray | None:
    parts = [a for a in (grades, decisions) if a is not None]
    if not parts:
        return None
    merged: FloatArray = np.unique(np.concatenate(parts))[::-1].copy()
    return merged


def _band_probability(cut_counts: IntArray, cuts: FloatArray, bands: FloatArray, nf: float) -> FloatArray:
    """Probability of each band ``(n, len(bands))`` from counts over the finer partition ``cuts``.

    Cut ``c`` lies in the band of its lower bound (both partitions are on the 0-100 scale).
    """
    nb = bands.shape[0]
    which = np.minimum(nb - np.searchsorted(bands[::-1], cuts, side="right"), nb - 1)
    counts = np.zeros((cut_counts.shape[0], bands.shape[0]), dtype=np.int64)
    for c in range(cuts.shape[0]):  # a loop over band bounds (a handful)
        counts[:, which[c]] += cut_counts[:, c]
    out: FloatArray = counts / nf
    return out


def _tile(n: int, m: int) -> int:
    t = 64
    while t > 2 and t * n * m > STACK_FLOATS:
        t //= 2
    return t


def evidence_monte_carlo(
    matrix: Any,
    weights: Any,
    types: Any,
    samples: int = 10_000,
    *,
    vary_weights: bool = True,
    concentration: float | None = None,
    ratings: RatingEvidence | None = None,
    values: ValueUncertainty | None = None,
    method: str = "topsis",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    grade_bands: Any = None,
    decision_bands: Any = None,
    attribution: bool = True,
    chunk_size: int | None = None,
    seed: SeedLike = None,
    executor: concurrent.futures.Executor | None = None,
    quantiles: Any = (0.05, 0.5, 0.95),
    quantile_bins: int = 1000,
    keep_scores: bool = False,
    transforms: ColumnTransforms | None = None,
    fuzzy: FuzzyGrades | None = None,
    rho: float = 0.5,
) -> EvidenceResult:
    r"""Monte Carlo analysis with uncertain weights, ratings and measured values.

    Parameters
    ----------
    matrix, weights, types
        The decision matrix ``(n, m)`` at the base evidence, the base weights
        and the criterion types, as :func:`~ppeval.sensitivity.monte_carlo`.
    samples : int, default 10 000
        Monte Carlo samples, ``1 <= samples <= 2**27``.
    vary_weights : bool, default True
        Draw weights from a Dirichlet distribution (``concentration`` as
        :func:`~ppeval.sensitivity.monte_carlo`); False keeps the base weights.
    concentration : float or None
        Dirichlet concentration (None: uniform on the simplex).
    ratings : RatingEvidence or None
        Raters' answers of the qualitative cells (:func:`rating_evidence`):
        resampled by a stratified bootstrap. None: ratings are fixed.
        The matrix must hold their aggregate in those cells (or, in a
        column with ``transforms``, the transform of the aggregate).
    values : ValueUncertainty or None
        Measurement uncertainty per column (:func:`value_uncertainty`). None:
        values are fixed. In absolute mode the values are truncated to the
        bounds as well (not in transformed columns: there the raw value
        varies, truncated to the ``low``/``high`` of ``values`` only).
    method : {"topsis", "wsm", "vikor", "gra", "fce"}, default "topsis"
        TOPSIS and WSM (any normalisation of :mod:`ppeval.normalize` in
        relative mode, min-max against ``bounds`` in absolute mode), VIKOR
        (relative, or absolute with ``bounds``: ``S* = R* = 0``, ``S- = 1``,
        ``R- = max w``), GRA (``rho``) or FCE (weighted average of grade
        memberships, needs ``fuzzy``).
    normalization, bounds, v
        As :func:`~ppeval.sensitivity.monte_carlo`.
    grade_bands, decision_bands : array_like or None
        Lower bounds on the 0-100 scale, best first, strictly decreasing:
        give ``grade_probability`` and ``decision_probability``.
    attribution : bool, default True
        Estimate first-order indices of the sources when two or more vary
        (costs one more scoring of every sample per varied source; absolute
        WSM and TOPSIS: one more pass over the varied cells, whatever the
        number of sources).
    chunk_size : int or None
        Samples per task (results do not depend on it).
    seed : int, Generator, SeedSequence or None
        Root of the random streams.
    executor : concurrent.futures.Executor or None
        Runs the tasks (results do not depend on it).
    quantiles : sequence of float, default (0.05, 0.5, 0.95)
        Probabilities of ``score_quantiles``.
    quantile_bins : int, default 1000
        Histogram bins on [0, 1] for the quantiles.
    keep_scores : bool, default False
        Keep every sample's scores (``samples x n`` floats).
    transforms : ColumnTransforms or None
        Columns whose matrix values are a transform of raw values (closeness
        to a target or interval; the share of points a scoring rule awards),
        with those raw values (:func:`~ppeval.sensitivity.column_transforms`).
        Ratings and values of these columns vary as raw values and are
        transformed again in every sample. None: no column is transformed.
    fuzzy : FuzzyGrades or None
        For ``method="fce"`` (required then): grade centres, the base
        memberships of every cell and which cells are rated
        (:func:`~ppeval.sensitivity.fuzzy_grades`). Memberships are
        recomputed per sample from the sampled normalised values, and rated
        cells from their resampled raters (each answer's membership,
        averaged over the cell's raters).
    rho : float, default 0.5
        GRA's distinguishing coefficient.

    Returns
    -------
    EvidenceResult

    Raises
    ------
    InputError
        An invalid argument (named), ratings or values for a matrix of
        another shape, a matrix cell that differs from the aggregate of its
        ratings, a value outside its truncation range, an unsupported
        method/normalisation combination, a transformed column that is not
        the transform of its raw values, ``method="fce"`` without ``fuzzy``
        (or ``fuzzy`` for another method), or a sampled matrix that the
        normalisation cannot take (e.g. a negative value under ``"max"``).

    Notes
    -----
    *Sources.* Weights ``w ~ Dirichlet(c w0)`` (or uniform). Ratings: in
    every stratum (rater group ``g`` of cell ``(i, j)``, ``n_g`` raters
    with level counts ``c``) the bootstrap counts are
    ``C ~ Multinomial(n_g, c / n_g)`` (Efron & Tibshirani 1993, the
    stratified bootstrap of ch. 6.4 keeps each group's size); the cell
    value is the aggregation rule on ``C``. Values: ``x' = x + h z`` with
    ``z`` from the standard uniform, triangular or normal distribution
    truncated to ``[(low - x)/h, (high - x)/h]`` (inverse-CDF sampling).

    *Summaries* are those of SMAA-2 (Lahdelma & Salminen 2001) extended to
    uncertain criteria values (Lahdelma, Hokkanen & Salminen 1998):
    ``b_i^r`` the share of samples with rank ``r``, grade and decision-band
    shares, score moments and quantiles.

    *Attribution.* With ``k >= 2`` varied sources, each sample ``s`` is paired
    with its partner ``s XOR 1`` (an independent sample of the same tile); the
    score ``Y'_k`` takes source ``k`` from ``s`` and every other source from
    the partner (pick-freeze). Janon et al.'s estimator
    ``S_k = (mean(Y Y'_k) - m_k^2) / (mean(Y^2 + Y'^2_k)/2 - m_k^2)`` with
    ``m_k = mean(Y + Y'_k)/2`` is the share of the variance explained by
    source ``k`` alone. The draws are shared: the design needs ``k`` more
    model evaluations per sample (Saltelli et al. 2010 count ``N (k + 2)``
    for first and total indices with separate ``A``, ``B`` and ``A_B^i``
    matrices; here ``B`` is the partner half of the same samples, so
    ``N (k + 1)``). For absolute WSM and TOPSIS those evaluations are cheap:
    the score sums are additive over cells, so ``Y'_k`` is assembled from the
    fixed cells' product and the varied cells' parts at the sample's and at
    the partner's weights (one more pass over the varied cells in all).

    *Cost model.* Per sample, with ``S`` rater strata (project x indicator x
    rater group), ``n q`` uncertain value cells and ``V`` varied cells:

    * ratings, ``O(S)`` whatever the number of raters: one random 64-bit word
      and one alias-table draw (a shift, an add, one gather from the table of
      the stratum's exact bootstrap distribution, one integer compare), one
      multiply-add into its cell; strata off a lattice and the median and
      trimmed-mean rules draw ``K - 1`` binomials per stratum instead;
    * values, ``O(n q)``: one uniform and one inverse CDF per cell;
    * scores: absolute WSM and TOPSIS ``O(m n / t + V)`` (the fixed cells as
      one ``(t x m) (m x n)`` product per tile of ``t`` samples, then the
      varied cells); relative normalisation and VIKOR ``O(n m)`` (the whole
      perturbed matrix, re-normalised);
    * summaries: one ranking ``O(n log n)``; bins, bands and moments ``O(n)``.

    Once per run: the exact distribution of each distinct stratum
    distribution (FFT, ``O(L log L)`` for ``L`` lattice points of the sum) and
    its alias table (``O(L)``). So the time grows as
    ``samples x (S + n q + V + n log n)`` (``+ n m`` for the relative methods);
    memory is one tile (``t <= 64``; a ``t x n x m`` stack of at most 8 MiB
    only on the relative / VIKOR path) plus one chunk's ``chunk x n`` rank,
    bin and band codes. Nothing of size ``samples x n`` exists unless
    ``keep_scores``.

    *Reproducibility.* Draws come from streams keyed by (1,024-sample block,
    source, tile); every sample is scored in its tile's fixed-shape stack;
    counts are integers and the moment sums exact (each value rounded to a
    multiple of ``2**-46``, a tile's sum is then exact, and tile sums are
    summed exactly as limbs), so every chunk size, executor and worker count
    gives identical bits. With only the weights varied (no ``ratings``, no
    ``values``) and ``keep_scores=False`` the run *is*
    :func:`~ppeval.sensitivity.monte_carlo`, so it equals the weight-only
    analysis bit for bit (``engine == "weights"``); FCE and absolute
    VIKOR, which ``monte_carlo`` does not score, run in this engine with
    the same weight draws (equal to the method applied to each sampled
    weight vector to rounding).

    *Transforms and FCE.* A transformed column's sampled raw values (and
    resampled aggregate ratings) pass through its transform, elementwise,
    before scoring: closeness ``clip(1 - e / e_max, 0, 1)`` (Hwang & Yoon
    1981; Jahan & Edwards 2015) or the rule's points over its full marks,
    with the operations of the evaluation, so unvaried raw values give the
    matrix values bit for bit. FCE (Zadeh 1965; Wang 1983): ``b = sum_j w_j
    R_j``, score ``(b / sum b) . c`` at the grade centres ``c``; a rated
    cell's membership is ``sum_k (C_k / n) mu(y_k)`` over its resampled
    level counts ``C`` (pooled over the strata; drawn as multinomial counts,
    so an FCE run draws other random numbers for the ratings than a run of
    another method). Cost: ``g`` times the memory per tile (the tile
    shrinks accordingly) and one membership per cell and sample.

    References
    ----------
    Lahdelma, R., Hokkanen, J., & Salminen, P. (1998). SMAA - Stochastic
    multiobjective acceptability analysis. *European Journal of Operational
    Research*, 106(1), 137-143.

    Lahdelma, R., & Salminen, P. (2001). SMAA-2. *Operations Research*,
    49(3), 444-454.

    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
    Bootstrap*. Chapman & Hall.

    Janon, A., Klein, T., Lagnoux, A., Nodet, M., & Prieur, C. (2014).
    Asymptotic normality and efficiency of two Sobol index estimators.
    *ESAIM: Probability and Statistics*, 18, 342-364.

    Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., &
    Tarantola, S. (2010). Variance based sensitivity analysis of model
    output. Design and estimator for the total sensitivity index.
    *Computer Physics Communications*, 181(2), 259-270.

    Walker, A. J. (1977). An efficient method for generating discrete random
    variables with general distributions. *ACM Transactions on Mathematical
    Software*, 3(3), 253-256.

    Vose, M. D. (1991). A linear algorithm for generating random numbers
    with a given distribution. *IEEE Transactions on Software Engineering*,
    17(9), 972-975.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import evidence_monte_carlo, value_uncertainty
    >>> x = np.array([[70.0, 3.0], [65.0, 4.0], [80.0, 2.0]])
    >>> u = value_uncertainty("uniform", 2, relative=[0.1, 0.0])
    >>> r = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 2000, values=u, vary_weights=False,
    ...                          method="wsm", bounds=[[0, 100], [1, 5]], seed=1)
    >>> r.sources, r.rank_acceptability.sum(axis=1).tolist()
    (('values',), [1.0, 1.0, 1.0])
    """
    problem = evidence_problem(matrix, weights, types, method=method, normalization=normalization, bounds=bounds,
                               v=v, rho=rho)
    n, m = problem.n, problem.m
    samples = as_int(samples, "samples", minimum=1, maximum=MAX_SAMPLES)
    if not isinstance(vary_weights, bool):
        raise InputError(f"vary_weights is {vary_weights!r}; expected True or False")
    if ratings is not None and not isinstance(ratings, RatingEvidence):
        raise InputError(f"ratings is {type(ratings).__name__}; expected a RatingEvidence (rating_evidence()) or None")
    if values is not None and not isinstance(values, ValueUncertainty):
        raise InputError(
            f"values is {type(values).__name__}; expected a ValueUncertainty (value_uncertainty()) or None"
        )
    gb = _as_grade_bands(grade_bands)
    db = None if decision_bands is None else _as_grade_bands(decision_bands)
    probs = as_probabilities(quantiles, "quantiles")
    bins = as_int(quantile_bins, "quantile_bins", minimum=1, maximum=MAX_BINS)
    if transforms is not None:
        if not isinstance(transforms, ColumnTransforms):
            raise InputError(f"transforms is {type(transforms).__name__}; expected a ColumnTransforms "
                             "(column_transforms()) or None")
        if transforms.raw.shape[0] != n or transforms.n_criteria != m:
            raise InputError(f"transforms are for a {transforms.raw.shape[0]} x {transforms.n_criteria} matrix; "
                             f"the matrix is {n} x {m}")
        transforms.check(problem.matrix)
        if not transforms.columns.size:
            transforms = None
    if fuzzy is not None and not isinstance(fuzzy, FuzzyGrades):
        raise InputError(f"fuzzy is {type(fuzzy).__name__}; expected a FuzzyGrades (fuzzy_grades()) or None")
    is_fce = str(problem.method) == "fce"  # evidence_problem admits FCE besides the sensitivity methods
    if (fuzzy is not None) != is_fce:
        raise InputError("method 'fce' needs fuzzy=fuzzy_grades(...), and fuzzy is for method 'fce' only")
    if fuzzy is not None and fuzzy.membership.shape[:2] != (n, m):
        raise InputError(f"fuzzy.membership is for a {fuzzy.membership.shape[0]} x {fuzzy.membership.shape[1]} "
                         f"matrix; the matrix is {n} x {m}")
    # the values the evidence varies around: the raw values in transformed columns
    centre = problem.matrix if transforms is None else transforms.centre(problem.matrix)
    c: float | None = None
    if concentration is not None:
        c = as_float(concentration, "concentration", low=0.0, low_open=True)
    if ratings is not None:
        if (ratings.n_projects, ratings.n_criteria) != (n, m):
            raise InputError(
                f"ratings are for a {ratings.n_projects} x {ratings.n_criteria} matrix; the matrix is {n} x {m}"
            )
        held = centre[ratings.cell_row, ratings.cell_col]
        off = ~(np.abs(held - ratings.base) <= 1e-9 * (1.0 + np.abs(ratings.base)))
        if off.any():
            k = int(np.argmax(off))
            i, j = int(ratings.cell_row[k]), int(ratings.cell_col[k])
            raise InputError(
                f"matrix[{i}, {j}] is {held[k]!r} but its ratings aggregate to {ratings.base[k]!r}; "
                "the matrix must hold the aggregate of the ratings it is given with"
            )
        if ratings.n_cells == 0:
            ratings = None
    vs = None
    if values is not None:
        if len(values.distribution) != m:
            raise InputError(f"values declares {len(values.distribution)} columns; the matrix has {m}")
        if values.columns.size:
            vb = problem.bounds
            if vb is not None and transforms is not None:  # raw values of transformed columns: no matrix bounds
                vb = vb.copy()
                vb[transforms.columns] = (-np.inf, np.inf)
            vs = ValueSampler.build(values, centre, vb)
            if not (vs.h > 0.0).any():
                vs = None
    if not isinstance(attribution, bool) or not isinstance(keep_scores, bool):
        raise InputError("attribution and keep_scores must be True or False")
    sources = tuple(
        name for name, on in zip(SOURCES, (vary_weights, ratings is not None, vs is not None), strict=True) if on
    )
    if not sources:
        raise InputError("nothing varies: set vary_weights=True or give ratings or values with a positive spread")
    cuts = _merged_cuts(gb, db)
    standard = not is_fce and not (problem.method == "vikor" and problem.bounds is not None)
    if sources == ("weights",) and not keep_scores and standard:
        return _weights_only(problem, samples, c, gb, db, cuts, chunk_size, seed, executor, probs, bins)

    ex = check_executor(executor)
    sampler = None
    if vary_weights:
        if c is None:
            sampler = _DirichletSampler(m=m, alpha=None, support=np.ones(m, dtype=bool))
        else:
            support = problem.weights > 0.0
            sampler = _DirichletSampler(m=m, alpha=c * problem.weights[support], support=support)
    scorer = MethodScorer(
        method=problem.method, normalization=problem.normalization or "", types=problem.types,
        bounds=problem.bounds, v=problem.v, rho=problem.rho,
    )
    ext = EvidenceExtension.build(transforms, fuzzy, ratings, problem.bounds)
    if ext is None:
        base = scorer.scores(problem.matrix[None], problem.weights[None])[0]
    else:
        base = ext.base_scores(scorer, problem.matrix, problem.weights)
    normalized = scorer.normalized(problem.matrix[None])[0]
    # the split path draws the rated cells and values already normalised: it stays off when the draws are
    # transformed before scoring in a way it cannot take (FCE memberships; a transform on a column whose
    # bounds are not (0, 1)), see _Job.split
    linear = _Linear.build(scorer, normalized, ratings, vs)
    if linear is not None and ext is not None and not ext.split_ok:
        linear = None
    if linear is not None:
        tile = _tile(n, 1)  # the split scoring holds no (t, n, m) stack
    else:
        tile = _tile(n, m if fuzzy is None else m * fuzzy.centres.shape[0])
    chunk = check_chunk_size(chunk_size, max(tile, ((1 << 22) // max(n, 1)) // tile * tile))
    seeds = SeedPlan.from_seed(seed)
    job = _Job(
        scorer=scorer, matrix=problem.matrix, normalized=normalized,
        weights=problem.weights, weight_sampler=sampler, ratings=ratings,
        rating_sampler=None if ratings is None or (ext is not None and ext.draws_ratings) else ratings.sampler(),
        values=vs, seeds=seeds, samples=samples,
        tile=tile, base=base,
        cuts_asc=None if cuts is None else cuts[::-1].copy(), bins=bins, attribution=attribution, keep=keep_scores,
        ext=ext,
    )
    job = dataclasses.replace(job, linear=linear)
    totals = _Totals(job, n)
    run_tasks(_run_chunk, [(job, a, b) for a, b in chunk_bounds(samples, chunk)], ex, totals.merge)

    nf = float(samples)
    d_mean = limbs_to_float(totals.sums[0]) * _TILE_MAX / nf
    d2_mean = limbs_to_float(totals.sums[1]) * _TILE_MAX / nf
    score_mean = np.clip(base + d_mean, totals.smin, totals.smax)
    score_std = np.sqrt(np.maximum(d2_mean - d_mean * d_mean, 0.0))
    acc = totals.rank.reshape(n, n) / nf
    score_q = histogram_quantiles(totals.bins.reshape(n, bins), totals.smin, totals.smax, probs, 0.0, 1.0)
    n_att = len(sources) if attribution and len(sources) > 1 else 0
    if n_att:
        first = _janon(totals.sums, nf, n_att)
    else:
        first = np.where(score_std > 0.0, 1.0, 0.0)[:, None] * np.ones((1, len(sources)))
        if not attribution and len(sources) > 1:
            first = np.zeros((n, len(sources)))
    cut_counts = None if totals.cuts is None or cuts is None else totals.cuts.reshape(n, cuts.shape[0])
    return _finish(
        sources, samples, problem, base, score_mean, score_std, totals.smin, totals.smax, probs, score_q, acc,
        gb, db, cuts, cut_counts, first, totals.scores, c, seeds, "evidence",
    )


def _weights_only(
    problem: Any, samples: int, c: float | None, gb: FloatArray | None, db: FloatArray | None,
    cuts: FloatArray | None, chunk_size: Any, seed: SeedLike, executor: Any, probs: FloatArray, bins: int,
) -> EvidenceResult:
    mc = monte_carlo(
        problem.matrix, problem.weights, problem.types, samples, concentration=c, method=problem.method,
        normalization=problem.normalization, bounds=problem.bounds, v=problem.v, grade_bands=cuts,
        chunk_size=chunk_size, seed=seed, executor=executor, quantiles=probs, quantile_bins=bins, rho=problem.rho,
    )
    cut_counts = None
    if cuts is not None and mc.grade_probability is not None:
        cut_counts = np.rint(np.asarray(mc.grade_probability) * samples).astype(np.int64)
    std = np.asarray(mc.score_std)
    first = np.where(std > 0.0, 1.0, 0.0)[:, None]
    seeds = SeedPlan(entropy=mc.seed_entropy, spawn_key=mc.seed_spawn_key, pool_size=4)
    return _finish(
        ("weights",), samples, problem, np.asarray(mc.base_scores), np.asarray(mc.score_mean), std,
        np.asarray(mc.score_min), np.asarray(mc.score_max), probs, np.asarray(mc.score_quantiles),
        np.asarray(mc.rank_acceptability), gb, db, cuts, cut_counts, first, None, c, seeds, "weights",
    )


def _finish(
    sources: tuple[str, ...], samples: int, problem: Any, base: FloatArray, mean: FloatArray, std: FloatArray,
    smin: FloatArray, smax: FloatArray, probs: FloatArray, score_q: FloatArray, acc: FloatArray,
    gb: FloatArray | None, db: FloatArray | None, cuts: FloatArray | None, cut_counts: IntArray | None,
    first: FloatArray, kept: FloatArray | None, c: float | None, seeds: SeedPlan, engine: str,
) -> EvidenceResult:
    nf = float(samples)
    hib = problem.method != "vikor"
    gp = dp = None
    if cut_counts is not None and cuts is not None:
        if gb is not None:
            gp = _band_probability(cut_counts, cuts, gb, nf)
        if db is not None:
            dp = _band_probability(cut_counts, cuts, db, nf)
    varies = std > 0.0
    main = np.where(varies & (first.max(axis=1) > 0.0), np.argmax(first, axis=1), -1).astype(np.int64)
    ranks = competition_ranks(base, hib) + 1

    def ro(a: Any) -> Any:
        return None if a is None else readonly(np.ascontiguousarray(a))

    return EvidenceResult(
        sources=sources, samples=samples, base_scores=ro(base), base_ranks=ro(ranks.astype(np.int64)),
        score_mean=ro(mean), score_std=ro(std), score_min=ro(smin), score_max=ro(smax), quantiles=ro(probs.copy()),
        score_quantiles=ro(score_q), rank_acceptability=ro(acc), grade_bands=ro(gb), grade_probability=ro(gp),
        decision_bands=ro(db), decision_probability=ro(dp), cut_counts=ro(cut_counts), cut_bands=ro(cuts),
        first_order=ro(first), main_source=ro(main), sample_scores=ro(kept), method=problem.method,
        normalization=problem.normalization, absolute=problem.bounds is not None, higher_is_better=hib,
        concentration=c, seed_entropy=seeds.entropy, seed_spawn_key=seeds.spawn_key, engine=engine,
    )
