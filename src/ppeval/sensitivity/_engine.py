"""Chunk engine of the Monte Carlo sensitivity runs: one task scores, ranks and summarises a range of samples.

A task (:func:`run_chunk`) draws the weights of the random blocks it needs,
scores the fixed-shape tiles that overlap its sample range, keeps its own
rows and reduces them exactly (integer tallies, limb sums, minima and
maxima); :class:`Totals` merges task results in any order with identical
results. See :mod:`ppeval.sensitivity._executor` for the plan and
:mod:`ppeval.sensitivity._accumulate` for the exact reductions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ppeval._typing import FloatArray

from ._accumulate import (
    N_LIMBS,
    Tally,
    bin_index,
    bin_index_into,
    count_cells,
    fold_rows,
    limb_split,
    limb_sums,
    limbs_to_float,
)
from ._executor import BLOCK_SIZE, SeedPlan
from ._kernels import Scorer
from ._ranks import TileRanker

__all__ = [
    "WeightSampler", "Job", "Partial", "RankStats", "Totals", "run_chunk", "grade_index", "score_range", "MAX_BINS",
]

#: Largest number of histogram bins (the documented limit; each count table is ``n x bins``).
MAX_BINS = int(np.iinfo(np.int16).max)


class WeightSampler(Protocol):
    """Draws ``size`` weight vectors ``(size, m)`` from ``rng`` (picklable for process executors)."""

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray: ...

@dataclass(frozen=True)
class Job:
    scorer: Scorer
    sampler: WeightSampler
    seeds: SeedPlan
    samples: int
    tile: int
    m: int
    score_shift: FloatArray  # base scores
    weight_shift: FloatArray  # base weights
    inv_scale: float  # power of two with |score - shift| * inv_scale <= 1
    score_lo: float
    score_hi: float
    grade_asc: FloatArray | None  # grade lower bounds, ascending
    bins: int
    # rank acceptability cells: position p counts in row rank_bin[p] of the (rank_bins, n) table
    # (rank_bin = 0..n-1 and rank_bins = n for the full SMAA-2 table)
    rank_bin: np.ndarray | None = None
    rank_bins: int = 0
    top_k: np.ndarray | None = None  # ranks k (ascending) of the P(rank <= k) tallies; binned runs only

    @property
    def binned(self) -> bool:
        """Whether rank acceptability is tallied over rank bins (and rank statistics in the tasks)."""
        return self.rank_bin is not None and self.rank_bins < self.scorer.n


@dataclass(frozen=True)
class Partial:
    ranks: tuple[str, np.ndarray]
    score_bins: tuple[str, np.ndarray]
    grades: tuple[str, np.ndarray] | None
    weight_bins: tuple[str, np.ndarray]
    d_sum: FloatArray
    d2_sum: FloatArray
    wd_sum: FloatArray
    wd2_sum: FloatArray
    central: tuple[np.ndarray, FloatArray]  # (alternatives, limb sums (N_LIMBS, u, m)) of those ranked first
    smin: FloatArray
    smax: FloatArray
    wmin: FloatArray
    wmax: FloatArray
    ranks_stats: RankStats | None = None


@dataclass
class RankStats:
    """Exact per-alternative rank statistics of a binned run (0-based ranks; integers, merged in any order).

    ``rank_sum`` int64 sums of the ranks, ``rank_min``/``rank_max`` extremes,
    ``top`` int64 ``(K, n)`` counts of samples with rank ``< top_k[j]``.
    """

    rank_sum: np.ndarray
    rank_min: np.ndarray
    rank_max: np.ndarray
    top: np.ndarray

    @classmethod
    def empty(cls, n: int, k: int) -> RankStats:
        return cls(
            rank_sum=np.zeros(n, dtype=np.int64),
            rank_min=np.full(n, np.iinfo(np.int64).max, dtype=np.int64),
            rank_max=np.full(n, -1, dtype=np.int64),
            top=np.zeros((k, n), dtype=np.int64),
        )

    def add_tile(self, rk: np.ndarray, top_k: np.ndarray) -> None:
        """Add the ranks ``rk`` ``(t, n)`` (0-based, per alternative) of ``t`` samples."""
        self.rank_sum += rk.sum(axis=0, dtype=np.int64)
        np.minimum(self.rank_min, rk.min(axis=0), out=self.rank_min)
        np.maximum(self.rank_max, rk.max(axis=0), out=self.rank_max)
        for j, k in enumerate(top_k.tolist()):
            self.top[j] += np.count_nonzero(rk < k, axis=0)

    def merge(self, other: RankStats) -> None:
        self.rank_sum += other.rank_sum
        np.minimum(self.rank_min, other.rank_min, out=self.rank_min)
        np.maximum(self.rank_max, other.rank_max, out=self.rank_max)
        self.top += other.top


def _sparse_sums(alts: np.ndarray, rows: FloatArray) -> tuple[np.ndarray, FloatArray]:
    """Exact sums of the limb rows ``rows`` ``(N_LIMBS, K, m)`` per distinct alternative of ``alts`` ``(K,)``.

    Returns the sorted distinct alternatives and their sums ``(N_LIMBS, u, m)``
    (limbs are integer-valued, so the sums are exact in any order).
    """
    u, inv = np.unique(alts, return_inverse=True)
    m = rows.shape[2]
    out = np.zeros((N_LIMBS, u.size, m))
    cells = (inv.reshape(-1)[:, None] * m + np.arange(m)).reshape(-1)  # 1-D add.at: numpy's fast path
    for level in range(N_LIMBS):
        np.add.at(out[level].reshape(-1), cells, rows[level].reshape(-1))
    return u.astype(np.int64), out


def grade_index(s: FloatArray, grade_asc: FloatArray, higher_is_better: bool) -> np.ndarray:
    """Grade (0 = best band) of every score: the first band whose lower bound is <= 100 * score."""
    g = 100.0 * (s if higher_is_better else 1.0 - s)
    idx = np.searchsorted(grade_asc, g, side="right")
    n_g = grade_asc.shape[0]
    out: np.ndarray = np.minimum(n_g - idx, n_g - 1)
    return out


def _cell_layout(
    k: int, cols: int, width: int, unsigned: bool, offset: np.ndarray | None, size: int | None
) -> tuple[int, bool, type[np.integer], np.ndarray]:
    """A tally's table size, whether it is dense (no larger than the task's ``k x cols`` cells), the cells'
    dtype (32-bit below 2^31 cells, unsigned for rank tables) and each column's first cell in that dtype."""
    n_cells = cols * width if size is None else size
    dtype: type[np.integer] = (np.uint32 if unsigned else np.int32) if n_cells < 2**31 else np.int64
    base = np.arange(cols, dtype=np.int64) * width if offset is None else offset
    return n_cells, n_cells <= k * cols, dtype, base.astype(dtype)


class _TaskTally:
    """A task's counts of one table, from the flat cell index that every sample gives each column.

    Column ``c`` (a rank position, an alternative, a criterion) owns cells
    ``offset[c] ... offset[c] + width - 1`` of the flattened ``(cols, width)``
    table; ``codes[r, c]`` is the cell that sample ``r`` counts (32-bit
    unless the table has ``2^31`` cells or more), written tile by tile. A count
    that belongs elsewhere (a tied rank) is recorded with :meth:`move`. When
    the table is smaller than the buffer (``dense``) the task returns the
    table counted by :func:`count_cells` (16-bit, 32-bit from 2^16 samples
    per task on); else the cells themselves (32-bit: half the memory and
    transfer of 64-bit indices), for the merge. Both give exact counts.
    """

    def __init__(
        self, k: int, cols: int, width: int, unsigned: bool = False, offset: np.ndarray | None = None,
        size: int | None = None,
    ) -> None:
        # offset/size: other column-to-cell maps (several columns sharing a table row: binned ranks)
        self.size, self.dense, self.dtype, self.offset = _cell_layout(k, cols, width, unsigned, offset, size)
        self.codes = np.empty((k, cols), dtype=self.dtype)
        self._moved: list[tuple[np.ndarray, np.ndarray]] = []

    def move(self, cells: np.ndarray, to: np.ndarray) -> None:
        """Count cell ``to[j]`` instead of the cell held in flat buffer position ``cells[j]``."""
        if cells.size:
            self._moved.append((cells, to.astype(np.intp)))

    def payload(self) -> tuple[str, np.ndarray]:
        codes = self.codes
        k, cols = codes.shape
        flat = codes.reshape(-1)
        if self.dense:
            # a cell counts at most one per sample: 16 bits suffice below 2^16 samples (half the cache footprint)
            table = np.zeros(self.size, dtype=np.uint16 if k < 1 << 16 else np.int32)
            count_cells(table, flat)
            one = table.dtype.type(1)
            for cells, to in self._moved:
                np.subtract.at(table, flat[cells].astype(np.intp), one)
                np.add.at(table, to, one)
            return ("dense", table)
        self.codes = np.empty((0, cols), dtype=codes.dtype)  # handed over
        for cells, to in self._moved:
            flat[cells] = to
        return ("sparse", codes)


class _TileTally:
    """A task's counts of one table, fed a few rows of samples at a time (see :class:`_TaskTally`).

    Column ``c`` owns cells ``offset[c] ... offset[c] + width - 1`` of the
    flattened ``(cols, width)`` table; :meth:`rows` gives the buffer for the
    codes of some rows of samples, :meth:`commit` counts them. When the table
    is smaller than the task's cells (``dense``), the codes live in a reused
    buffer of ``rows`` samples (cache-sized) and are counted into the table
    (16-bit below 2^16 samples per task, else 32-bit) as soon as they are
    written: nothing per sample is kept for the whole task. Otherwise the task
    keeps every sample's cells and returns them (:class:`_TaskTally`'s sparse
    form). Both give exact counts, the same as :class:`_TaskTally`'s.
    """

    def __init__(
        self, k: int, rows: int, cols: int, width: int, unsigned: bool = False, offset: np.ndarray | None = None,
        size: int | None = None,
    ) -> None:
        self.size, self.dense, self.dtype, self.offset = _cell_layout(k, cols, width, unsigned, offset, size)
        if self.dense:
            self.table = np.zeros(self.size, dtype=np.uint16 if k < 1 << 16 else np.int32)
            self.codes = np.empty((min(rows, k), cols), dtype=self.dtype)
        else:
            self.table = np.zeros(0, dtype=np.int32)
            self.codes = np.empty((k, cols), dtype=self.dtype)

    def rows(self, dst: slice) -> np.ndarray:
        """The C-contiguous buffer for the codes of task rows ``dst`` (at most ``rows`` of them)."""
        return self.codes[: dst.stop - dst.start] if self.dense else self.codes[dst]

    def commit(self, out: np.ndarray, cells: np.ndarray | None = None, to: np.ndarray | None = None) -> None:
        """Count the codes ``out`` (from :meth:`rows`); flat position ``cells[j]`` of them counts ``to[j]``."""
        flat = out.reshape(-1)
        if cells is not None and to is not None and cells.size:
            flat[cells] = to
        if self.dense:
            np.add.at(self.table, flat, self.table.dtype.type(1))

    def payload(self) -> tuple[str, np.ndarray]:
        if self.dense:
            return ("dense", self.table)
        codes = self.codes
        self.codes = np.empty((0, codes.shape[1]), dtype=codes.dtype)  # handed over
        return ("sparse", codes)


class _TileMoments:
    """Exact per-tile sums of ``d = (s - shift) * inv_scale`` and ``d^2`` for the tiles a task owns.

    A tile's rows are summed by :func:`fold_rows` (fixed pairwise order, so a
    tile always gives the same bits), padding rows set to zero; the tile sum
    divided by the tile size (a power of two, exact) lies in [-1, 1] and is
    split into limbs, whose sums over tiles are exact in any order. The totals
    are therefore ``tile`` times the limb sums.

    A full tile can also be fed in groups of ``group`` rows, in order
    (:meth:`add_group`, while the group is in the cache): the first half of
    the tile is kept, each group of the second half is added to its partner
    row by row (the first halving of :func:`fold_rows`), and the rest of the
    fold runs on the half tile: the same additions in the same order, so the
    same bits as :meth:`add`.
    """

    def __init__(self, tile: int, n: int, group: int) -> None:
        self.tile = tile
        self.d = np.empty((tile, n))
        self.d2 = np.empty((tile, n))
        self.group = min(group, tile)
        self.tmp = np.empty((self.group, n))
        self.d_sum = np.zeros((N_LIMBS, n))
        self.d2_sum = np.zeros((N_LIMBS, n))
        self.inv_tile = 1.0 / tile

    def add(self, s_tile: FloatArray, real: int, shift: FloatArray, inv_scale: float) -> None:
        d, d2 = self.d, self.d2
        np.subtract(s_tile, shift, out=d)
        if inv_scale != 1.0:  # 1 for TOPSIS and VIKOR (scores in [0, 1])
            d *= inv_scale
        d[real:] = 0.0
        np.multiply(d, d, out=d2)
        self._finish(d, d2)

    def add_group(self, s_group: FloatArray, r0: int, shift: FloatArray, inv_scale: float) -> None:
        """Rows ``r0 ... r0 + group - 1`` of a full tile (``r0`` a multiple of ``group``; groups in order)."""
        half = self.tile // 2
        g = s_group.shape[0]
        if half < g:  # one group is the tile
            self.add(s_group, g, shift, inv_scale)
            return
        if r0 < half:
            d, d2 = self.d[r0 : r0 + g], self.d2[r0 : r0 + g]
            np.subtract(s_group, shift, out=d)
            if inv_scale != 1.0:
                d *= inv_scale
            np.multiply(d, d, out=d2)
            return
        t = self.tmp[:g]
        np.subtract(s_group, shift, out=t)
        if inv_scale != 1.0:
            t *= inv_scale
        rows = slice(r0 - half, r0 - half + g)
        self.d[rows] += t  # the first halving of fold_rows: row r + half onto row r
        np.multiply(t, t, out=t)
        self.d2[rows] += t
        if r0 + g == self.tile:
            self._finish(self.d[:half], self.d2[:half])

    def _finish(self, d: FloatArray, d2: FloatArray) -> None:
        for acc, x in ((self.d_sum, d), (self.d2_sum, d2)):
            total = fold_rows(x)
            total *= self.inv_tile
            acc += limb_split(total)


#: Rows of a score tile scored (when it can be, see ``Scorer.tile_rows``), ranked, binned and summed together,
#: so that their temporaries stay in the cache. A power of two (the groups must split a tile into halves).
ROW_GROUP = 64


def run_chunk(job: Job, start: int, stop: int) -> Partial:
    """Score, rank and summarise samples ``[start, stop)`` (one task).

    Per-sample categories are flat cell indices, one column per table row
    (:class:`_TileTally`): ranks position-major (cell ``p n + i`` for
    alternative ``i`` in position ``p``), score bins alternative-major (cell
    ``i B + b``), so that a merge of cells touches one table row per column.
    The ranker writes each tile's order straight into the rank buffer, which
    the column offsets then turn into cells; a table smaller than the task's
    cells is counted tile by tile (ranks) or group by group (bins, grades).
    Score sums are taken per whole tile by the task that holds the tile's
    first sample (:class:`_TileMoments`); a task whose range starts or ends
    inside a tile scores the whole tile and keeps only its own rows for
    everything else. The rows of a tile are ranked, binned and summed in
    groups of :data:`ROW_GROUP` (scored per group too when the task owns
    the whole tile and ``Scorer.tile_rows`` allows it), with the same
    results as whole tiles.
    """
    sc = job.scorer
    n, m, t_size = sc.n, job.m, job.tile
    k = stop - start
    n_bins = job.bins
    binned = job.binned
    if job.rank_bin is None:  # full SMAA-2 table: position p, alternative i -> cell p n + i
        rank_bin = np.arange(n, dtype=np.int64)
        rank_tally = _TileTally(k, t_size, n, n, unsigned=True)
    else:  # rank bins: position p, alternative i -> cell rank_bin[p] n + i
        rank_bin = job.rank_bin.astype(np.int64)
        rank_tally = _TileTally(k, t_size, n, n, unsigned=True, offset=rank_bin * n, size=job.rank_bins * n)
    bin_tally = _TileTally(k, ROW_GROUP, n, n_bins)  # alternative i, bin b: cell i B + b
    n_grades = 0 if job.grade_asc is None else job.grade_asc.shape[0]
    grade_tally = _TileTally(k, ROW_GROUP, n, n_grades) if n_grades else None
    wbin_tally = _TileTally(k, t_size, m, n_bins)
    positions = np.arange(n)
    moments = _TileMoments(t_size, n, ROW_GROUP)
    scratch = np.empty((min(ROW_GROUP, t_size), n))
    ranker = TileRanker(t_size, n, sc.higher_is_better)
    work = sc.workspace(t_size)
    top_k = job.top_k if job.top_k is not None else np.zeros(0, dtype=np.int64)
    stats = RankStats.empty(n, top_k.size) if binned else None
    rk = np.empty((t_size, n), dtype=np.int64) if binned else np.empty((0, n), dtype=np.int64)
    wd_sum = np.zeros((N_LIMBS, m))
    wd2_sum = np.zeros((N_LIMBS, m))
    first_alt_parts: list[np.ndarray] = []
    first_limb_parts: list[FloatArray] = []
    smin = np.full(n, np.inf)
    smax = np.full(n, -np.inf)
    wmin = np.full(m, np.inf)
    wmax = np.full(m, -np.inf)
    block_id = -1
    block_w = np.empty((0, m))
    pad = np.empty((t_size, m))
    for t in range(start // t_size, (stop + t_size - 1) // t_size):
        g0 = t * t_size
        g1 = min(g0 + t_size, job.samples)
        b = g0 // BLOCK_SIZE
        if b != block_id:
            b0 = b * BLOCK_SIZE
            block_w = job.sampler.draw(job.seeds.block_rng(b), min(b0 + BLOCK_SIZE, job.samples) - b0)
            block_id = b
        w_tile = block_w[g0 - b * BLOCK_SIZE : g1 - b * BLOCK_SIZE]
        own_all = g0 >= start and g1 - g0 == t_size and g1 <= stop  # this task owns the whole tile
        # a whole tile whose scores can be computed group by group: each group scored right before its use
        tile_rows = sc.tile_rows(w_tile, work) if own_all else None
        if tile_rows is not None:
            s_tile = tile_rows.out
        elif w_tile.shape[0] < t_size:  # last tile of the run: pad to the fixed call shape
            pad[: w_tile.shape[0]] = w_tile
            pad[w_tile.shape[0] :] = w_tile[0]
            s_tile = sc.tile_scores(pad, work)
        else:
            s_tile = sc.tile_scores(w_tile, work)
        if g0 >= start and not own_all:  # this task owns the tile (its groups feed the moments below if whole)
            moments.add(s_tile, g1 - g0, job.score_shift, job.inv_scale)
        lo = max(start, g0) - g0
        hi = min(stop, g1) - g0
        s = s_tile[lo:hi]
        w = w_tile[lo:hi]
        dst = slice(g0 + lo - start, g0 + hi - start)
        order_t = rank_tally.rows(dst)
        deferred = ranker.mode == "u32"  # runs of close keys ordered once per tile (ranker.fix)
        pos_t: np.ndarray | None = None
        for r0 in range(0, s.shape[0], ROW_GROUP):  # groups of rows: cache-sized temporaries
            r1 = min(r0 + ROW_GROUP, s.shape[0])
            sg = s[r0:r1] if tile_rows is None else tile_rows.compute(r0, r1)
            dg = slice(dst.start + r0, dst.start + r1)
            if own_all:
                moments.add_group(sg, r0, job.score_shift, job.inv_scale)
            s_lo = sg.min(axis=0)
            s_hi = sg.max(axis=0)
            np.minimum(smin, s_lo, out=smin)
            np.maximum(smax, s_hi, out=smax)
            # keys quantised on the group's score range (the order does not depend on the quantisation)
            if deferred:
                ranker.sort_rows(sg, float(s_lo.min()), float(s_hi.max()), order_t[r0:r1], r0)
            else:
                _, pos = ranker.rank(sg, float(s_lo.min()), float(s_hi.max()), out=order_t[r0:r1])
                if pos is not None:
                    if pos_t is None:
                        pos_t = np.empty(order_t.shape, dtype=np.int64)
                        pos_t[:] = positions
                    pos_t[r0:r1] = pos
            codes = bin_tally.rows(dg)
            bin_index_into(sg, job.score_lo, job.score_hi, n_bins, bin_tally.offset, codes, scratch)
            bin_tally.commit(codes)
            if grade_tally is not None and job.grade_asc is not None:
                codes = grade_tally.rows(dg)
                np.add(grade_index(sg, job.grade_asc, sc.higher_is_better), grade_tally.offset, out=codes,
                       casting="unsafe")
                grade_tally.commit(codes)
        if deferred:
            pos_t = ranker.fix(s, order_t)
        order = order_t
        pos = pos_t
        moved: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        if pos is None:
            first_rows = np.arange(s.shape[0])
            first_alts = order[:, 0].astype(np.intp)
        else:  # tied scores share the rank of the first of them
            rows, cols = np.nonzero(pos != positions)
            moved = (rows * n + cols, rank_bin[pos[rows, cols]] * n + order[rows, cols])
            first_rows, cols = np.nonzero(pos == 0)
            first_alts = order[first_rows, cols].astype(np.intp)
        if stats is not None:  # rank of every alternative in every sample: exact O(n) rank statistics
            r_alt = rk[: s.shape[0]]
            src = np.broadcast_to(positions, order.shape) if pos is None else pos
            np.put_along_axis(r_alt, order.astype(np.intp), src, axis=1)
            stats.add_tile(r_alt, top_k)
        np.add(order, rank_tally.offset, out=order)  # cell rank_bin[p] n + alternative
        rank_tally.commit(order, *moved)
        codes = wbin_tally.rows(dst)
        np.add(bin_index(w, 0.0, 1.0, n_bins), wbin_tally.offset, out=codes, casting="unsafe")
        wbin_tally.commit(codes)
        wd = w - job.weight_shift
        wd_sum += limb_sums(wd)
        wd *= wd
        wd2_sum += limb_sums(wd)
        first_alt_parts.append(first_alts)
        first_limb_parts.append(limb_split(w[first_rows]))
        np.minimum(wmin, w.min(axis=0), out=wmin)
        np.maximum(wmax, w.max(axis=0), out=wmax)
    if first_alt_parts:
        central = _sparse_sums(np.concatenate(first_alt_parts), np.concatenate(first_limb_parts, axis=1))
    else:  # pragma: no cover - a task has at least one sample
        central = (np.zeros(0, dtype=np.int64), np.zeros((N_LIMBS, 0, m)))
    return Partial(
        ranks=rank_tally.payload(),
        score_bins=bin_tally.payload(),
        grades=None if grade_tally is None else grade_tally.payload(),
        weight_bins=wbin_tally.payload(),
        d_sum=moments.d_sum,
        d2_sum=moments.d2_sum,
        wd_sum=wd_sum,
        wd2_sum=wd2_sum,
        central=central,
        smin=smin,
        smax=smax,
        wmin=wmin,
        wmax=wmax,
        ranks_stats=stats,
    )


@dataclass
class Totals:
    ranks: Tally
    score_bins: Tally
    grades: Tally | None
    weight_bins: Tally
    d_sum: FloatArray
    d2_sum: FloatArray
    wd_sum: FloatArray
    wd2_sum: FloatArray
    central_alts: np.ndarray  # alternatives ranked first in some sample, ascending
    central: FloatArray  # their limb sums of the weights, (N_LIMBS, u, m)
    smin: FloatArray
    smax: FloatArray
    wmin: FloatArray
    wmax: FloatArray
    ranks_stats: RankStats | None = None
    count: int = field(default=0)

    @classmethod
    def empty(
        cls, n: int, m: int, bins: int, n_grades: int | None, rank_bins: int | None = None, top_k: int = 0
    ) -> Totals:
        """Empty totals; ``rank_bins`` (default ``n``: the full table) rows of rank acceptability counts."""
        rows = n if rank_bins is None else rank_bins
        return cls(
            ranks=Tally.zeros(rows, n),
            score_bins=Tally.zeros(n, bins),
            grades=None if n_grades is None else Tally.zeros(n, n_grades),
            weight_bins=Tally.zeros(m, bins),
            d_sum=np.zeros((N_LIMBS, n)),
            d2_sum=np.zeros((N_LIMBS, n)),
            wd_sum=np.zeros((N_LIMBS, m)),
            wd2_sum=np.zeros((N_LIMBS, m)),
            central_alts=np.zeros(0, dtype=np.int64),
            central=np.zeros((N_LIMBS, 0, m)),
            smin=np.full(n, np.inf),
            smax=np.full(n, -np.inf),
            wmin=np.full(m, np.inf),
            wmax=np.full(m, -np.inf),
            ranks_stats=RankStats.empty(n, top_k) if rows < n else None,
        )

    def merge(self, p: Partial) -> None:
        self.ranks.add(p.ranks)
        self.score_bins.add(p.score_bins)
        if self.grades is not None and p.grades is not None:
            self.grades.add(p.grades)
        self.weight_bins.add(p.weight_bins)
        self.d_sum += p.d_sum
        self.d2_sum += p.d2_sum
        self.wd_sum += p.wd_sum
        self.wd2_sum += p.wd2_sum
        self._merge_central(*p.central)
        if self.ranks_stats is not None and p.ranks_stats is not None:
            self.ranks_stats.merge(p.ranks_stats)
        np.minimum(self.smin, p.smin, out=self.smin)
        np.maximum(self.smax, p.smax, out=self.smax)
        np.minimum(self.wmin, p.wmin, out=self.wmin)
        np.maximum(self.wmax, p.wmax, out=self.wmax)
        self.count += 1

    def _merge_central(self, alts: np.ndarray, sums: FloatArray) -> None:
        """Add a task's sparse central-weight limb sums (exact: integer-valued limbs)."""
        if alts.size == 0:
            return
        union = np.union1d(self.central_alts, alts)
        out = np.zeros((N_LIMBS, union.size, self.central.shape[2]))
        out[:, np.searchsorted(union, self.central_alts)] = self.central
        out[:, np.searchsorted(union, alts)] += sums
        self.central_alts, self.central = union, out

    def central_sums(self, n: int) -> FloatArray:
        """The central-weight sums ``(n, m)`` (rows of alternatives never ranked first are zero)."""
        out = np.zeros((n, self.central.shape[2]))
        out[self.central_alts] = limbs_to_float(self.central)
        return out


def score_range(scorer: Scorer) -> tuple[float, float]:
    """Interval holding every score: [0, 1] for TOPSIS and VIKOR, the range of the normalised values for WSM."""
    if scorer.method != "wsm":
        return 0.0, 1.0
    lo = float(scorer.rhs.min())
    hi = float(scorer.rhs.max())
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi
