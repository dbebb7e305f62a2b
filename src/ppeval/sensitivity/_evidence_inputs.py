"""Inputs of the evidence Monte Carlo: raters' answers to resample and measurement uncertainty of values.

* :class:`RatingEvidence` holds, per rated (project, indicator) cell, the
  distinct answers given there (the cell's *levels*) and, per rater group in
  the cell (a *stratum*), how many raters gave each level. A bootstrap of the
  raters of a stratum (``n`` raters drawn with replacement from its ``n``
  raters) is a multinomial count vector over the levels; the cell value is
  then the aggregation rule of :func:`ppeval.qualitative.aggregate_ratings`
  applied to the resampled counts (mean, median, trimmed mean; pooled or
  group-weighted), so the resampling is stratified exactly as the
  aggregation is.
* :class:`ValueUncertainty` holds a measurement distribution per
  quantitative column: uniform, symmetric triangular or normal around the
  reported value, with an absolute and/or relative spread, truncated to
  ``[low, high]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from ppeval._checks import readonly
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.qualitative import aggregate_ratings
from ppeval.qualitative._common import Where, as_codes, ids_sequence, parse_groups

__all__ = [
    "RatingEvidence",
    "RatingSampler",
    "rating_evidence",
    "ValueUncertainty",
    "value_uncertainty",
    "DISTRIBUTIONS",
]

#: Measurement distributions of :class:`ValueUncertainty` (``"none"``: the value is exact).
DISTRIBUTIONS = ("none", "uniform", "triangular", "normal")


@dataclass(frozen=True, eq=False)
class RatingEvidence:
    """Raters' answers behind the qualitative cells of a decision matrix, ready to resample.

    Attributes
    ----------
    n_projects, n_criteria : int
        Shape of the decision matrix the cells belong to.
    cell_row, cell_col : ndarray of int64, shape (c,)
        Project (row) and matrix column of every rated cell, cells sorted by
        (row, column).
    levels : ndarray of float64, shape (c, K)
        The distinct answers of each cell, ascending (padded with the cell's
        largest answer; padding levels hold no rater).
    stratum_cell : ndarray of int64, shape (s,)
        Cell of every stratum (a rater group within a cell), sorted.
    stratum_group : ndarray of int64, shape (s,)
        Group of every stratum (index into ``groups``).
    stratum_counts : ndarray of int64, shape (s, K)
        Raters of the stratum at each level of its cell.
    stratum_n : ndarray of int64, shape (s,)
        Raters of the stratum (row sums of ``stratum_counts``).
    groups : tuple of str
        Rater group names.
    group_weights : ndarray of float64 or None
        Weight per group (None: every rater counts equally, the cell value
        is over the pooled raters).
    method : str
        ``"mean"``, ``"median"`` or ``"trimmed_mean"``.
    trim : float
        Proportion cut at each end for ``"trimmed_mean"``.
    base : ndarray of float64, shape (c,)
        The aggregate of the observed answers (as
        :func:`ppeval.qualitative.aggregate_ratings`).
    n_raters : ndarray of int64, shape (c,)
        Raters behind every cell (groups with weight 0 excluded).
    """

    n_projects: int
    n_criteria: int
    cell_row: IntArray
    cell_col: IntArray
    levels: FloatArray
    stratum_cell: IntArray
    stratum_group: IntArray
    stratum_counts: IntArray
    stratum_n: IntArray
    groups: tuple[str, ...]
    group_weights: FloatArray | None
    method: str
    trim: float
    base: FloatArray
    n_raters: IntArray

    @property
    def n_cells(self) -> int:
        return int(self.cell_row.shape[0])

    @property
    def n_levels(self) -> int:
        return int(self.levels.shape[1])

    def resample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """Cell values of ``size`` bootstraps of the raters: shape ``(size, c)``.

        Each stratum's ``n`` raters are drawn with replacement from its own
        raters and the cell value is the aggregation rule applied to the
        resample (see :class:`RatingSampler`, which this builds on every call;
        keep a sampler for repeated use).
        """
        return self.sampler().resample(rng, size)

    def sampler(self) -> RatingSampler:
        """Precompute the bootstrap distributions (see :class:`RatingSampler`)."""
        return RatingSampler.build(self)

    def draw_counts(self, rng: np.random.Generator, size: int, strata: IntArray) -> IntArray:
        """Bootstrap level counts ``(size, len(strata), K)`` of the given strata.

        ``C ~ Multinomial(n, c / n)`` drawn as a chain of binomials over the
        levels: ``C_k ~ Bin(n - C_0 - ... - C_{k-1}, c_k / (c_k + ... + c_{K-1}))``.
        """
        s = strata.shape[0]
        k_lev = self.n_levels
        counts = np.empty((size, s, k_lev), dtype=np.int64)
        remaining = np.broadcast_to(self.stratum_n[strata], (size, s)).copy()
        cnt = self.stratum_counts[strata]
        tail = np.cumsum(cnt[:, ::-1], axis=1)[:, ::-1]  # raters at level k or above
        for k in range(k_lev - 1):
            q = np.zeros(s)
            np.divide(cnt[:, k], tail[:, k], out=q, where=tail[:, k] > 0)
            ck = rng.binomial(remaining, q)
            counts[:, :, k] = ck
            remaining -= ck
        counts[:, :, k_lev - 1] = remaining
        return counts

    def values_from_sums(self, sums: FloatArray) -> FloatArray:
        """Cell values ``(t, c)`` of the ``mean`` rule from per-stratum sums of the resampled answers ``(t, s)``."""
        starts = _starts(self.stratum_cell, self.n_cells)
        gw = self.group_weights
        if gw is None:
            out: FloatArray = np.add.reduceat(sums, starts, axis=1) / self.n_raters
            return out
        w_s = gw[self.stratum_group] / self.stratum_n
        num = np.add.reduceat(sums * w_s, starts, axis=1)
        den = np.add.reduceat(gw[self.stratum_group], starts)
        res: FloatArray = num / den
        return res

    def values_from_counts(self, counts: IntArray) -> FloatArray:
        """Cell values ``(t, c)`` from per-stratum level counts ``(t, s, K)`` (the aggregation rule)."""
        lev_s = self.levels[self.stratum_cell]
        if self.method == "mean":
            return self.values_from_sums(np.einsum("tsk,sk->ts", counts, lev_s))
        starts = _starts(self.stratum_cell, self.n_cells)
        gw = self.group_weights
        if gw is None:
            pooled = np.add.reduceat(counts, starts, axis=1)
            return _order_statistic(pooled, self.n_raters, self.levels, self.method, self.trim)
        stat = _order_statistic(counts, self.stratum_n, lev_s, self.method, self.trim)
        wg = gw[self.stratum_group]
        num = np.add.reduceat(stat * wg, starts, axis=1)
        den = np.add.reduceat(wg, starts)
        res2: FloatArray = num / den
        return res2


#: Largest number of lattice points of one stratum's bootstrap sum kept as an exact table.
MAX_SUPPORT = 1 << 14
#: Largest number of lattice points spanned by one cell's answers (the lattice step is their smallest gap).
MAX_LATTICE = 256
#: Largest number of alias-table entries of one run, distinct distributions only (64 MiB of tables).
TABLE_FLOATS = 1 << 23
#: Bits of the random word behind one alias-table draw that decide between a slot and its alias (with
#: ``b`` index bits, ``THRESHOLD_BITS - b`` of them): every probability is held to a multiple of
#: ``2**-THRESHOLD_BITS``.
THRESHOLD_BITS = 48
_LOW16 = np.uint64(0xFFFF)
#: Random words looked up per block (stratum blocks keep the temporaries of one look-up in cache).
_LOOKUP_BLOCK = 1 << 14


@dataclass(frozen=True, eq=False)
class RatingSampler:
    """Bootstrap sampler of a :class:`RatingEvidence`: exact distributions where possible, counts elsewhere.

    With the ``mean`` rule the resampled cell value depends on each
    stratum's **sum** of resampled answers only. When a cell's answers lie
    on a lattice ``v_0 + h k`` (Likert points, equally spaced terms), the
    sum of a stratum's ``n`` resampled answers is ``n v_0 + h S`` with
    ``S`` the sum of ``n`` independent draws from the stratum's answer
    distribution over ``k``: its distribution is the ``n``-fold convolution
    of that distribution (computed once per run, by FFT:
    ``pmf_S = IFFT(FFT(p)^n)``, Efron & Tibshirani 1993 ch. 6 call this the
    exact bootstrap distribution). Strata with the same raters' counts over
    the same lattice share one distribution (computed once). ``S`` is drawn
    from an alias table (Walker 1977; built by Vose's 1991 pairing): one
    random 64-bit word per (sample, stratum) gives a slot (its top ``b``
    bits, ``2**b`` slots) and decides between the slot and its alias with
    one integer compare, whatever the number of raters; the thresholds are
    integers, so each slot's split is exact to ``2**-48`` of the total
    (:data:`THRESHOLD_BITS`; an atom spread over ``j`` slots: ``j 2**-48``),
    and values of the sum with probability below ``2**-52`` (far tails of
    many raters) are left out of the table. Other strata (answers off a
    lattice, a lattice of more than :data:`MAX_LATTICE` points, a sum of more
    than :data:`MAX_SUPPORT` values, or tables beyond :data:`TABLE_FLOATS`
    entries in all, the largest first) and the ``median`` and
    ``trimmed_mean`` rules draw the multinomial counts as a chain of
    binomials (``K - 1`` binomial draws per (sample, stratum)).

    References
    ----------
    Walker, A. J. (1977). An efficient method for generating discrete random
    variables with general distributions. *ACM Transactions on Mathematical
    Software*, 3(3), 253-256.

    Vose, M. D. (1991). A linear algorithm for generating random numbers
    with a given distribution. *IEEE Transactions on Software Engineering*,
    17(9), 972-975.

    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
    Bootstrap*. Chapman & Hall.
    """

    evidence: RatingEvidence
    lattice: IntArray  # strata sampled from exact tables
    fallback: IntArray  # strata sampled by multinomial counts
    offset: FloatArray  # (len(lattice),) n v_0
    step: FloatArray  # (len(lattice),) h
    support: IntArray  # (len(lattice),) lattice points of the sum
    table_of: IntArray  # (len(lattice),) distinct distribution of each table stratum
    pmf: FloatArray  # flat exact distributions of the sums, one per distinct distribution
    pmf_start: IntArray  # (u,)
    entry: npt.NDArray[np.uint64]  # flat alias tables: (slot << (64 - b)) | (threshold << 16) | alias
    entry_start: IntArray  # (u,)
    bits: IntArray  # (u,) b: the table of distribution u has 2**b slots
    first: IntArray  # (u,) lattice index of slot 0 (the sum's values below it have probability < 2**-52)
    coef: FloatArray  # (s,) weight of each stratum's sum in its cell value (the mean rule)
    slot_base: IntArray  # (len(lattice), 1) first entry of each table stratum's table
    slot_shift: npt.NDArray[np.uint64]  # (len(lattice), 1) 64 - b
    cell_start: IntArray  # (c + 1,) first stratum of every cell, then s

    @classmethod
    def build(cls, ev: RatingEvidence) -> RatingSampler:
        s = ev.stratum_n.shape[0]
        empty_i = np.zeros(0, dtype=np.int64)
        empty_f = np.zeros(0)
        if ev.method != "mean" or s == 0:
            return cls(ev, empty_i, np.arange(s, dtype=np.int64), empty_f, empty_f, empty_i, empty_i, empty_f,
                       empty_i, np.zeros(0, dtype=np.uint64), empty_i, empty_i, empty_i, empty_f,
                       np.zeros((0, 1), np.int64),
                       np.zeros((0, 1), np.uint64), np.r_[_starts(ev.stratum_cell, ev.n_cells), s].astype(np.int64))
        lev = ev.levels[ev.stratum_cell]  # (s, K) ascending, padded with the largest
        used = ev.stratum_counts > 0
        v0 = np.where(used, lev, np.inf).min(axis=1)
        v1 = np.where(used, lev, -np.inf).max(axis=1)
        gaps = np.diff(lev, axis=1)
        gaps = np.where(gaps > 0, gaps, np.inf)
        h = gaps.min(axis=1) if gaps.shape[1] else np.full(s, np.inf)
        h = np.where(np.isfinite(h), h, 1.0)  # a single level: any step
        pos = (lev - v0[:, None]) / h[:, None]
        k = np.rint(pos)
        on = (np.abs(pos - k) <= 1e-9 * np.maximum(1.0, np.abs(pos))) | ~used
        n_pts = np.rint((v1 - v0) / h).astype(np.int64) + 1
        supp = ev.stratum_n * (n_pts - 1) + 1
        ok = on.all(axis=1) & (n_pts <= MAX_LATTICE) & (supp <= MAX_SUPPORT)
        cand = np.flatnonzero(ok)
        # distinct distributions: (n, (lattice point, count) of the used levels, left-aligned)
        kk = np.where(used[cand], k[cand], -1).astype(np.int64)
        cc = np.where(used[cand], ev.stratum_counts[cand], 0)
        order = np.argsort(np.where(kk >= 0, kk, np.iinfo(np.int64).max), axis=1, kind="stable")
        kk = np.take_along_axis(kk, order, axis=1)
        cc = np.take_along_axis(cc, order, axis=1)
        key = np.concatenate([ev.stratum_n[cand, None], kk, cc], axis=1)
        if cand.shape[0]:
            ukey, dist_of = np.unique(key, axis=0, return_inverse=True)
            dist_of = dist_of.reshape(-1)
        else:
            ukey, dist_of = key, empty_i
        n_u = ukey[:, 0]
        k_u = ukey[:, 1 : 1 + kk.shape[1]]
        c_u = ukey[:, 1 + kk.shape[1] :]
        supp_u = n_u * k_u.max(axis=1, initial=0) + 1
        bits_u = np.maximum(np.ceil(np.log2(np.maximum(supp_u, 2))).astype(np.int64), 1)
        size_u = np.left_shift(1, bits_u)
        # at most TABLE_FLOATS table entries in all: the smallest tables first; the rest use counts
        by_size = np.argsort(size_u, kind="stable")
        keep_u = np.zeros(ukey.shape[0], dtype=bool)
        keep_u[by_size[np.cumsum(size_u[by_size]) <= TABLE_FLOATS]] = True
        renum = np.cumsum(keep_u) - 1
        ok[:] = False
        ok[cand[keep_u[dist_of]]] = True
        lat = np.flatnonzero(ok)
        fb = np.flatnonzero(~ok)
        table_of = renum[dist_of[keep_u[dist_of]]].astype(np.int64)
        n_u, k_u, c_u, supp_u, bits_u, size_u = (a[keep_u] for a in (n_u, k_u, c_u, supp_u, bits_u, size_u))
        pmf, pmf_start = _exact_pmfs(n_u, k_u, c_u, supp_u)
        # the table covers the values of probability >= 2**-52 (far tails of a sum of many raters are below
        # the tables' 2**-48 resolution anyway): smaller tables, in cache
        seg = np.repeat(np.arange(n_u.shape[0]), supp_u)
        big = np.flatnonzero(pmf >= 2.0**-52)
        first_u = (np.minimum.reduceat(big, np.searchsorted(seg[big], np.arange(n_u.shape[0])))
                   - pmf_start) if big.size else np.zeros(0, dtype=np.int64)
        last_u = (np.maximum.reduceat(big, np.searchsorted(seg[big], np.arange(n_u.shape[0])))
                  - pmf_start) if big.size else np.zeros(0, dtype=np.int64)
        eff_u = last_u - first_u + 1
        bits_u = np.maximum(np.ceil(np.log2(np.maximum(eff_u, 2))).astype(np.int64), 1)
        entry, entry_start = _alias_tables(pmf, pmf_start + first_u, eff_u, bits_u)
        # cell value = sum over its strata of coef * (stratum sum): coef = 1 / raters of the cell (pooled) or
        # (w_g / n_s) / (sum of the weights of the groups present)
        starts = _starts(ev.stratum_cell, ev.n_cells)
        if ev.group_weights is None:
            coef = 1.0 / ev.n_raters[ev.stratum_cell]
        else:
            wg = ev.group_weights[ev.stratum_group]
            coef = wg / ev.stratum_n / np.add.reduceat(wg, starts)[ev.stratum_cell]
        arrays = (lat, fb, v0[lat] * ev.stratum_n[lat], h[lat], supp[lat], table_of, pmf, pmf_start, entry,
                  entry_start, bits_u, first_u.astype(np.int64), coef, entry_start[table_of][:, None],
                  (64 - bits_u[table_of]).astype(np.uint64)[:, None], np.r_[starts, s].astype(np.int64))
        for a in arrays:
            readonly(a)
        return cls(ev, *arrays)

    def table_probabilities(self, u: int) -> FloatArray:
        """Probability of each value ``0 .. support - 1`` of the sum encoded by alias table ``u`` (for checks)."""
        b = int(self.bits[u])
        size = 1 << b
        e = self.entry[self.entry_start[u] : self.entry_start[u] + size]
        thr = ((e >> np.uint64(16)) & np.uint64((1 << (THRESHOLD_BITS - b)) - 1)).astype(np.float64)
        keep = thr / float(1 << (THRESHOLD_BITS - b))
        alias = (e & _LOW16).astype(np.int64)
        p = np.bincount(np.arange(size), weights=keep, minlength=size)
        p += np.bincount(alias, weights=1.0 - keep, minlength=size)
        n = int(self.pmf_start[u + 1] if u + 1 < self.pmf_start.shape[0] else self.pmf.shape[0]) - int(
            self.pmf_start[u])
        out: FloatArray = np.zeros(n)
        f = int(self.first[u])
        m = min(size, n - f)
        out[f : f + m] = p[:m] / size
        return out

    def lattice_sums(self, raw: npt.NDArray[np.uint64]) -> IntArray:
        """Lattice index ``S`` of every table stratum's sum from random words ``raw (len(lattice), t)``."""
        out = np.empty(raw.shape, dtype=np.int64)
        blk = max(1, _LOOKUP_BLOCK // max(raw.shape[1], 1))
        for a in range(0, raw.shape[0], blk):
            self._lookup(raw[a : a + blk].copy(), out[a : a + blk], a, None)
        out += self.first[self.table_of][:, None]
        return out

    def _lookup(self, r: npt.NDArray[np.uint64], out: Any, a: int, scale: FloatArray | None,
                scratch: list[npt.NDArray[np.uint64]] | None = None) -> None:
        """Alias draws of table strata ``a, a + 1, ...`` from their words ``r``, times ``scale``, into ``out``.

        ``r`` is overwritten; ``scratch`` (two arrays of at least ``r.size`` words) avoids allocations.
        """
        b = a + r.shape[0]
        if scratch is None:
            scratch = [np.empty(r.size, dtype=np.uint64) for _ in range(2)]
        slot = scratch[0][: r.size].reshape(r.shape)
        idx = scratch[1][: r.size].reshape(r.shape)
        np.right_shift(r, self.slot_shift[a:b], out=slot)
        np.add(slot, self.slot_base[a:b].view(np.uint64), out=idx)
        e = np.take(self.entry, idx.view(np.int64))
        r |= _LOW16
        keep = np.less(r, e, out=idx)  # same slot bits: the threshold bits below them decide (0 / 1)
        e &= _LOW16  # the alias
        slot -= e  # k = alias + keep * (slot - alias), modulo 2**64: branch-free
        keep *= slot
        keep += e
        if scale is None:
            out[...] = keep
        else:
            np.multiply(keep, scale[:, None], out=out)

    def resample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """Cell values ``(size, c)`` of ``size`` bootstraps of the raters (a view of :meth:`cell_values`)."""
        return self.cell_values(rng, size).T

    def cell_values(
        self, rng: np.random.Generator, size: int, shift: FloatArray | None = None, scale: FloatArray | None = None
    ) -> FloatArray:
        """Cell values ``(c, size)``, cell-major, of ``size`` bootstraps of the raters.

        With ``shift`` and ``scale`` (per cell) the result is ``(value - shift) * scale`` (folded into the
        per-stratum coefficients). The random words are drawn stratum-major (each stratum's words
        together), the same words whether the strata are looked up in one block or several.
        """
        ev = self.evidence
        c = ev.n_cells
        if ev.method != "mean" or self.fallback.shape[0]:
            cells = self._cells_with_counts(rng, size)
            if shift is not None and scale is not None:
                cells -= shift[:, None]
                cells *= scale[:, None]
            return cells
        # every stratum from the tables (lattice = 0 .. s-1): blocks of whole cells, the words of each drawn
        # as needed, so the words, the look-up temporaries and the tables stay in cache
        cs = self.cell_start
        k_scale = self.coef * self.step
        lowest = self.offset + self.step * self.first[self.table_of]  # the stratum's sum at slot 0
        const = np.add.reduceat(self.coef * lowest, cs[:-1]) if c else np.zeros(0)
        if shift is not None and scale is not None:
            k_scale = k_scale * scale[ev.stratum_cell]
            const = (const - shift) * scale
        out = np.empty((c, size))
        s = int(cs[-1])
        spc = s // c if c and s == c * (s // c) and (np.diff(cs) == s // c).all() else 0
        cb = max(1, _LOOKUP_BLOCK // max(size * max(spc, 1), 1))
        most = int(np.diff(np.r_[cs[:-1:cb], cs[-1]]).max(initial=0))  # strata of the largest block
        scratch = [np.empty(most * size, dtype=np.uint64) for _ in range(2)]
        part_buf = np.empty(most * size)
        for c0 in range(0, c, cb):
            c1 = min(c, c0 + cb)
            s0, s1 = int(cs[c0]), int(cs[c1])
            raw = rng.bit_generator.random_raw((s1 - s0) * size).reshape(s1 - s0, size)
            part = part_buf[: (s1 - s0) * size].reshape(s1 - s0, size)
            self._lookup(raw, part, s0, k_scale[s0:s1], scratch)
            acc = out[c0:c1]
            if spc:
                pr = part.reshape(c1 - c0, spc, size)
                if spc == 1:
                    np.copyto(acc, pr[:, 0])
                else:
                    np.add(pr[:, 0], pr[:, 1], out=acc)
                for g in range(2, spc):
                    acc += pr[:, g]
            else:
                acc[...] = np.add.reduceat(part, cs[c0:c1] - s0, axis=0)
            acc += const[c0:c1, None]
        return out

    def _cells_with_counts(self, rng: np.random.Generator, size: int) -> FloatArray:
        ev = self.evidence
        if ev.method != "mean":
            return np.ascontiguousarray(ev.values_from_counts(ev.draw_counts(rng, size, self.fallback)).T)
        s = ev.stratum_n.shape[0]
        part = np.empty((s, size))  # each stratum's part of its cell value, stratum-major
        n_lat = self.lattice.shape[0]
        if n_lat:
            raw = rng.bit_generator.random_raw(n_lat * size).reshape(n_lat, size)
            c_lat = self.coef[self.lattice]
            tmp = np.empty((n_lat, size))
            blk = max(1, _LOOKUP_BLOCK // max(size, 1))
            k_scale = c_lat * self.step
            for a in range(0, n_lat, blk):
                self._lookup(raw[a : a + blk], tmp[a : a + blk], a, k_scale[a : a + blk])
            tmp += (c_lat * (self.offset + self.step * self.first[self.table_of]))[:, None]
            part[self.lattice] = tmp
        fb = self.fallback
        counts = ev.draw_counts(rng, size, fb)
        sums = np.einsum("tsk,sk->st", counts, ev.levels[ev.stratum_cell[fb]])
        part[fb] = self.coef[fb, None] * sums
        cells: FloatArray = np.add.reduceat(part, self.cell_start[:-1], axis=0) if ev.n_cells else part[:0]
        return cells


def _exact_pmfs(n: IntArray, k: IntArray, c: IntArray, support: IntArray) -> tuple[FloatArray, IntArray]:
    """Exact distributions of the sum of ``n`` draws from answers at lattice points ``k`` with counts ``c``.

    ``pmf = IFFT(FFT(p)^n)`` (the ``n``-fold convolution), grouped by transform length in blocks of rows.
    Returns the flat pmfs and the start of each.
    """
    u = n.shape[0]
    start = np.zeros(u, dtype=np.int64)
    if u:
        start[1:] = np.cumsum(support)[:-1]
    pmf = np.empty(int(support.sum()))
    fft_len = 1 << np.ceil(np.log2(np.maximum(support, 2))).astype(np.int64)
    for size in (int(x) for x in np.unique(fft_len)):
        group = np.flatnonzero(fft_len == size)
        step = max(1, (1 << 22) // size)
        for b0 in range(0, group.shape[0], step):  # blocks bound the memory of the transforms
            sel = group[b0 : b0 + step]
            p = np.zeros((sel.shape[0], size))
            kk = k[sel]
            rows = np.repeat(np.arange(sel.shape[0]), kk.shape[1])
            w = c[sel] / n[sel, None]
            valid = (kk >= 0).reshape(-1)
            np.add.at(p, (rows[valid], kk.reshape(-1)[valid]), w.reshape(-1)[valid])
            f = np.fft.irfft(_int_power(np.fft.rfft(p, axis=1), n[sel]), n=size, axis=1)
            inside = np.arange(size)[None, :] < support[sel][:, None]
            np.clip(f, 0.0, None, out=f)
            f *= inside
            f /= f.sum(axis=1, keepdims=True)
            pmf[(start[sel][:, None] + np.arange(size)[None, :])[inside]] = f[inside]
    return pmf, start


def _int_power(z: npt.NDArray[np.complex128], n: IntArray) -> npt.NDArray[np.complex128]:
    """``z ** n`` row by row (``n`` a positive integer per row) by repeated squaring (a few complex products)."""
    out = np.ones_like(z)
    base = z.copy()
    e = n.astype(np.int64)
    while True:
        odd = (e & 1).astype(bool)
        if odd.any():
            out[odd] *= base[odd]
        e >>= 1
        if not e.any():
            return out
        base *= base


def _alias_tables(
    pmf: FloatArray, pmf_start: IntArray, support: IntArray, bits: IntArray
) -> tuple[npt.NDArray[np.uint64], IntArray]:
    """Alias tables of ``2**bits`` slots (pmfs padded with zeros), packed as 64-bit entries.

    Vose's (1991) pairing, run for all tables of one size at once: the slots
    sorted by ``q = size * p``; each step takes the current large slot (the
    largest unpaired one) and, if its remaining mass fell below 1, pairs it
    with the next largest, otherwise pairs the smallest unpaired slot with it.
    Entry of slot ``j``: ``(j << (64 - b)) | (T_j << 16) | alias_j`` with
    ``T_j = round(q_j 2**(48 - b))`` (``q_j >= 1``: the slot is its own alias),
    so a random word ``r`` whose top ``b`` bits are ``j`` keeps ``j`` exactly
    when ``r | 0xFFFF < entry_j``, with probability ``T_j / 2**(48 - b)``.
    """
    u = support.shape[0]
    size = np.left_shift(1, bits)
    start = np.zeros(u, dtype=np.int64)
    if u:
        start[1:] = np.cumsum(size)[:-1]
    entry = np.empty(int(size.sum()), dtype=np.uint64)
    for b in (int(x) for x in np.unique(bits)):
        group = np.flatnonzero(bits == b)
        L = 1 << b
        q = np.zeros((group.shape[0], L))
        inside = np.arange(L)[None, :] < support[group][:, None]
        q[inside] = pmf[(pmf_start[group][:, None] + np.arange(L)[None, :])[inside]]
        q *= L
        off = np.arange(group.shape[0], dtype=np.int64) * L  # flat offsets of the rows
        o = np.argsort(q, axis=1, kind="stable").reshape(-1)
        qf = q.reshape(-1)
        i = off.copy()  # flat positions in o of the smallest and the largest unpaired slot
        j = off + L - 1
        thr = np.ones((group.shape[0], L))
        alias = np.broadcast_to(np.arange(L, dtype=np.int64), (group.shape[0], L)).copy()
        thr_f, alias_f = thr.reshape(-1), alias.reshape(-1)
        for _ in range(L - 1):  # one pairing per step in every table (tables are independent)
            large = o[j] + off
            demote = qf[large] < 1.0
            small = np.where(demote, large, o[i] + off)
            j -= demote
            i += ~demote
            big = o[j]
            qs = qf[small]
            thr_f[small] = qs
            alias_f[small] = big
            qf[big + off] -= 1.0 - qs
        scale = float(1 << (THRESHOLD_BITS - b))
        t_int = np.rint(np.clip(thr, 0.0, 1.0) * scale)
        full = t_int >= scale
        alias = np.where(full, np.arange(L)[None, :], alias)
        t_int = np.where(full, scale - 1.0, t_int)  # never rejected except by the 2**-(48-b) top word: itself
        slot = np.arange(L, dtype=np.uint64)[None, :] << np.uint64(64 - b)
        packed = slot | (t_int.astype(np.uint64) << np.uint64(16)) | alias.astype(np.uint64)
        entry[(start[group][:, None] + np.arange(L)[None, :]).reshape(-1)] = packed.reshape(-1)
    return entry, start


def _starts(sorted_keys: IntArray, n_keys: int) -> IntArray:
    """First position of every key ``0..n_keys-1`` in a sorted key array (every key present)."""
    return np.searchsorted(sorted_keys, np.arange(n_keys)).astype(np.intp)


def _order_statistic(counts: IntArray, n: IntArray, levels: FloatArray, method: str, trim: float) -> FloatArray:
    """Median or trimmed mean of ``n`` values given as counts ``(t, x, K)`` over ascending ``levels (x, K)``."""
    cum = np.cumsum(counts, axis=2)
    if method == "median":
        lo = (n - 1) // 2
        hi = n // 2
        i_lo = (cum <= lo[:, None]).sum(axis=2)
        i_hi = (cum <= hi[:, None]).sum(axis=2)
        lv = np.broadcast_to(levels, cum.shape)
        v_lo = np.take_along_axis(lv, i_lo[..., None], axis=2)[..., 0]
        v_hi = np.take_along_axis(lv, i_hi[..., None], axis=2)[..., 0]
        out: FloatArray = 0.5 * (v_lo + v_hi)
        return out
    g = (trim * n).astype(np.int64)  # as scipy.stats.trim_mean and aggregate_ratings
    top = (n - g)[:, None]
    prev = cum - counts
    kept = np.clip(np.minimum(cum, top) - np.maximum(prev, g[:, None]), 0, None)
    res: FloatArray = np.einsum("txk,xk->tx", kept, levels) / (n - 2 * g)
    return res


def rating_evidence(
    project: npt.ArrayLike,
    indicator: npt.ArrayLike,
    value: npt.ArrayLike,
    *,
    n_projects: int,
    n_criteria: int,
    group: npt.ArrayLike | None = None,
    groups: Sequence[str] | None = None,
    group_weights: Mapping[str, float] | npt.ArrayLike | None = None,
    method: str = "mean",
    trim: float = 0.1,
    project_ids: Sequence[Any] | None = None,
    indicator_ids: Sequence[Any] | None = None,
) -> RatingEvidence:
    """Collect raters' answers for the bootstrap of :func:`evidence_monte_carlo`.

    Parameters
    ----------
    project, indicator, value : array_like, shape (r,)
        One entry per rating, as :func:`ppeval.qualitative.aggregate_ratings`;
        ``indicator`` is the **matrix column** of the rated indicator, and
        ``nan`` values are missing answers (skipped).
    n_projects, n_criteria : int
        Shape of the decision matrix.
    group, groups, group_weights, method, trim
        The aggregation rule, exactly as for
        :func:`~ppeval.qualitative.aggregate_ratings` (raters are resampled
        within each group, so a group's number of raters stays fixed).
    project_ids, indicator_ids : sequence, optional
        Ids used in error messages (``indicator_ids`` one per matrix column).

    Returns
    -------
    RatingEvidence

    Raises
    ------
    InputError
        As :func:`~ppeval.qualitative.aggregate_ratings` (codes, values,
        groups, weights, method).

    Examples
    --------
    >>> ev = rating_evidence([0, 0, 0], [1, 1, 1], [3.0, 4.0, 4.0], n_projects=1, n_criteria=2)
    >>> ev.levels.tolist(), ev.stratum_counts.tolist(), ev.base.tolist()
    ([[3.0, 4.0]], [[1, 2]], [3.6666666666666665])
    """
    agg = aggregate_ratings(
        project, indicator, value, n_projects=n_projects, n_indicators=n_criteria, method=method,  # type: ignore[arg-type]
        trim=trim, group=group, groups=groups, group_weights=group_weights,
        project_ids=project_ids, indicator_ids=indicator_ids,
    )
    proj, _ = as_codes(project, "project", n_projects)
    ind, _ = as_codes(indicator, "indicator", n_criteria, length=proj.shape[0])
    v = np.asarray(value, dtype=np.float64)
    where = Where(proj, ind, None, ids_sequence(project_ids, n_projects, "project_ids"),
                  ids_sequence(indicator_ids, n_criteria, "indicator_ids"))
    gcode, names, gw = parse_groups(group, proj.shape[0], groups=groups, group_weights=group_weights, where=where)
    ok = ~np.isnan(v)
    if gw is not None:
        ok &= gw[gcode] > 0.0
    rows, cols = np.nonzero(agg.has_value)
    cell_flat = rows * n_criteria + cols  # sorted (row-major nonzero)
    c = cell_flat.shape[0]
    flat = proj * n_criteria + ind
    ok &= np.isin(flat, cell_flat)
    cell_of = np.searchsorted(cell_flat, flat[ok])
    vv = v[ok]
    gg = gcode[ok]
    # levels: distinct (cell, value) pairs
    order = np.lexsort((vv, cell_of))
    cs, vs, gs = cell_of[order], vv[order], gg[order]
    new = np.ones(cs.shape[0], dtype=bool)
    new[1:] = (cs[1:] != cs[:-1]) | (vs[1:] != vs[:-1])
    lev_id = np.cumsum(new) - 1  # global level id
    first_lev = np.searchsorted(cs[new], np.arange(c))  # first level id of every cell
    lev_in_cell = lev_id - first_lev[cs]
    n_lev = np.bincount(cs[new], minlength=c)
    k_max = max(int(n_lev.max()) if c else 1, 1)
    levels = np.empty((c, k_max))
    levels[cs[new], lev_in_cell[new]] = vs[new]
    if c:
        last = levels[np.arange(c), n_lev - 1]
        pad = np.arange(k_max)[None, :] >= n_lev[:, None]
        levels[pad] = np.broadcast_to(last[:, None], (c, k_max))[pad]
    # strata: (cell, group)
    n_groups = len(names)
    skey = cs * n_groups + gs
    ukey, s_of = np.unique(skey, return_inverse=True)
    s = ukey.shape[0]
    counts = np.zeros((s, k_max), dtype=np.int64)
    np.add.at(counts, (s_of, lev_in_cell), 1)
    stratum_cell = (ukey // n_groups).astype(np.int64)
    stratum_group = (ukey % n_groups).astype(np.int64)
    stratum_n = counts.sum(axis=1)
    n_raters = np.bincount(stratum_cell, weights=stratum_n, minlength=c).astype(np.int64)
    base = np.ascontiguousarray(agg.value[rows, cols])
    arrays = (rows, cols, levels, stratum_cell, stratum_group, counts, stratum_n, base, n_raters)
    for a in arrays:
        readonly(a)
    gw_out = None if gw is None else readonly(gw.copy())
    return RatingEvidence(
        n_projects=int(n_projects), n_criteria=int(n_criteria),
        cell_row=rows.astype(np.int64), cell_col=cols.astype(np.int64), levels=levels,
        stratum_cell=stratum_cell, stratum_group=stratum_group, stratum_counts=counts, stratum_n=stratum_n,
        groups=names, group_weights=gw_out, method=agg.method, trim=agg.trim, base=base, n_raters=n_raters,
    )


@dataclass(frozen=True, eq=False)
class ValueUncertainty:
    """Measurement uncertainty of the values of each matrix column.

    Attributes
    ----------
    distribution : tuple of str
        Per column: ``"none"`` (exact), ``"uniform"`` (on ``x ± h``),
        ``"triangular"`` (symmetric, mode ``x``, on ``x ± h``) or
        ``"normal"`` (mean ``x``, standard deviation ``h``).
    absolute, relative : ndarray of float64, shape (m,)
        The spread of cell ``(i, j)`` is ``h_ij = absolute_j + relative_j |x_ij|``.
    low, high : ndarray of float64, shape (m,)
        Truncation (``-inf``/``inf`` for none): the distribution is
        conditioned on ``low <= x' <= high`` (sampled by the inverse CDF
        on ``[F(low), F(high)]``, so it is truncated, not clipped).
    """

    distribution: tuple[str, ...]
    absolute: FloatArray
    relative: FloatArray
    low: FloatArray
    high: FloatArray

    @property
    def columns(self) -> IntArray:
        """Columns with a distribution and a positive spread somewhere."""
        active = np.array([d != "none" for d in self.distribution], dtype=bool)
        active &= (self.absolute > 0.0) | (self.relative > 0.0)
        return np.flatnonzero(active)


def _per_column(x: Any, m: int, name: str, default: float) -> FloatArray:
    if x is None:
        return np.full(m, default)
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise InputError(f"{name} has shape {arr.shape}; expected ({m},) (one entry per column) or a scalar")
    return arr


def value_uncertainty(
    distribution: str | Sequence[str],
    n_criteria: int,
    *,
    absolute: Any = None,
    relative: Any = None,
    low: Any = None,
    high: Any = None,
) -> ValueUncertainty:
    """Declare measurement uncertainty per matrix column.

    Parameters
    ----------
    distribution : str or sequence of str
        One of :data:`DISTRIBUTIONS` for every column, or one per column.
    n_criteria : int
        Number of matrix columns ``m``.
    absolute : float or array_like (m,), optional
        Absolute spread (half-width of uniform/triangular, standard deviation
        of normal), ``>= 0``, in the column's unit. Default 0.
    relative : float or array_like (m,), optional
        Relative spread, ``>= 0`` (0.1 = ±10 % of the value). Default 0.
    low, high : float or array_like (m,), optional
        Truncation limits (default ``-inf``/``inf``), ``low < high``.

    Returns
    -------
    ValueUncertainty

    Raises
    ------
    InputError
        Unknown distribution, wrong shapes, negative or non-finite spreads,
        ``nan`` limits or ``low >= high``, each naming the column.

    Examples
    --------
    >>> u = value_uncertainty(["none", "uniform"], 2, relative=[0, 0.1], low=0)
    >>> u.columns.tolist()
    [1]
    """
    if isinstance(n_criteria, bool) or not isinstance(n_criteria, int | np.integer) or n_criteria < 1:
        raise InputError(f"n_criteria is {n_criteria!r}; expected an int >= 1")
    m = int(n_criteria)
    dist = [distribution] * m if isinstance(distribution, str) else list(distribution)
    if len(dist) != m:
        raise InputError(f"distribution has {len(dist)} entries; expected {m} (one per column)")
    for j, d in enumerate(dist):
        if d not in DISTRIBUTIONS:
            raise InputError(f"distribution[{j}] is {d!r}; valid values are {', '.join(DISTRIBUTIONS)}")
    a = _per_column(absolute, m, "absolute", 0.0)
    r = _per_column(relative, m, "relative", 0.0)
    lo = _per_column(low, m, "low", -np.inf)
    hi = _per_column(high, m, "high", np.inf)
    for name, arr in (("absolute", a), ("relative", r)):
        bad = ~(np.isfinite(arr) & (arr >= 0.0))
        if bad.any():
            j = int(np.argmax(bad))
            raise InputError(f"{name}[{j}] is {arr[j]!r}; a spread must be finite and >= 0")
    bad = np.isnan(lo) | np.isnan(hi) | ~(lo < hi)
    if bad.any():
        j = int(np.argmax(bad))
        raise InputError(f"low[{j}] = {lo[j]!r} and high[{j}] = {hi[j]!r}; expected low < high")
    for arr in (a, r, lo, hi):
        readonly(arr)
    return ValueUncertainty(distribution=tuple(str(d) for d in dist), absolute=a, relative=r, low=lo, high=hi)


# standardised CDFs and their inverses (support [-1, 1] for uniform and triangular)
def _cdf(kind: str, z: FloatArray) -> FloatArray:
    if kind == "uniform":
        return np.clip((z + 1.0) * 0.5, 0.0, 1.0)
    if kind == "triangular":
        zc = np.clip(z, -1.0, 1.0)
        out: FloatArray = np.where(zc <= 0.0, 0.5 * (1.0 + zc) ** 2, 1.0 - 0.5 * (1.0 - zc) ** 2)
        return out
    res: FloatArray = special.ndtr(z)
    return res


def _inverse_cdf(kind: str, u: FloatArray) -> FloatArray:
    """Standardised quantile of ``u`` in (0, 1); overwrites ``u`` (a scratch array)."""
    if kind == "uniform":
        u *= 2.0
        u -= 1.0
        return u
    if kind == "triangular":
        # symmetric triangular on [-1, 1]: |z| = 1 - sqrt(1 - |2u - 1|) with the sign of 2u - 1 (for u <= 1/2
        # this is sqrt(2u) - 1, else 1 - sqrt(2 (1 - u)))
        u *= 2.0
        u -= 1.0
        a = np.abs(u)
        np.subtract(1.0, a, out=a)
        np.sqrt(a, out=a)
        np.subtract(1.0, a, out=a)
        np.copysign(a, u, out=a)
        return a
    z: FloatArray = special.ndtri(u, out=u)
    return z


@dataclass(frozen=True, eq=False)
class ValueSampler:
    """Per-cell truncated distributions of the uncertain columns of one matrix (built once per run).

    The uncertain columns are drawn column-major (one contiguous ``(size, n)`` block per column, one column
    at a time), so each inverse CDF runs over contiguous memory that stays in cache.
    """

    columns: IntArray  # (q,)
    kinds: tuple[str, ...]  # per uncertain column
    x: FloatArray  # (n, q) reported values
    h: FloatArray  # (n, q) spreads (0: exact cell)
    f_lo: FloatArray  # (n, q) F(a)
    f_width: FloatArray  # (n, q) F(b) - F(a)
    low: FloatArray  # (q,)
    high: FloatArray  # (q,)

    @classmethod
    def build(cls, spec: ValueUncertainty, matrix: FloatArray, bounds: FloatArray | None) -> ValueSampler:
        cols = spec.columns
        x = matrix[:, cols]
        h = spec.absolute[cols] + spec.relative[cols] * np.abs(x)
        lo = spec.low[cols].copy()
        hi = spec.high[cols].copy()
        if bounds is not None:  # absolute mode: values stay within the indicator bounds
            lo = np.maximum(lo, bounds[cols].min(axis=1))
            hi = np.minimum(hi, bounds[cols].max(axis=1))
        outside = (x < lo) | (x > hi)
        if outside.any():
            i, k = (int(t) for t in np.argwhere(outside)[0])
            raise InputError(
                f"matrix[{i}, {int(cols[k])}] = {x[i, k]!r} lies outside the truncation range "
                f"[{lo[k]!r}, {hi[k]!r}] of its measurement uncertainty"
            )
        kinds = tuple(spec.distribution[int(j)] for j in cols)
        f_lo = np.zeros_like(x)
        f_w = np.ones_like(x)
        safe_h = np.where(h > 0.0, h, 1.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            a = (lo - x) / safe_h
            b = (hi - x) / safe_h
        for k, kind in enumerate(kinds):
            fa = _cdf(kind, a[:, k])
            fb = _cdf(kind, b[:, k])
            f_lo[:, k] = fa
            f_w[:, k] = fb - fa
        exact = (h <= 0.0) | (f_w <= 0.0)
        h = np.where(exact, 0.0, h)
        f_lo = np.where(exact, 0.0, f_lo)
        f_w = np.where(exact, 1.0, f_w)
        return cls(columns=cols, kinds=kinds, x=x, h=h, f_lo=f_lo, f_width=f_w, low=lo, high=hi)

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        """Values of the uncertain columns for ``size`` samples: ``(size, n, q)`` (a view of ``(q, size, n)``)."""
        return self.draw_columns(rng, size).transpose(1, 2, 0)

    def draw_columns(
        self, rng: np.random.Generator, size: int, shift: FloatArray | None = None, scale: FloatArray | None = None
    ) -> FloatArray:
        """Values of the uncertain columns for ``size`` samples, column-major: ``(q, size, n)``.

        With ``shift`` and ``scale`` (per uncertain column) the values are ``(x' - shift) * scale`` (the
        affine map applied to the centre, spread and truncation limits instead of every draw).
        """
        n, q = self.x.shape
        x, h, low, high = self.x.T, self.h.T, self.low, self.high
        if shift is not None and scale is not None:
            x = (x - shift[:, None]) * scale[:, None]
            h = h * np.abs(scale)[:, None]  # the distributions are symmetric
            a, b = (low - shift) * scale, (high - shift) * scale
            low, high = np.minimum(a, b), np.maximum(a, b)
            flip = scale < 0.0
        out = np.empty((q, size, n))
        # u -> F(a) + (u + 2^-54) (F(b) - F(a)): multiples of 2^-53 in [0, 1) moved into the open interval
        # (0, 1) (no infinite normal quantile), then onto the truncated range
        fw = self.f_width.T
        fl = self.f_lo.T + 2.0**-54 * fw
        for k in range(q):  # column by column (the same uniforms as one (q, size, n) draw): in cache
            u = rng.random((size, n), out=out[k])
            u *= fw[k]
            u += fl[k]
            z = _inverse_cdf(self.kinds[k], u)
            if shift is not None and scale is not None and flip[k]:
                z *= -1.0  # a reversed axis: the quantile of u is at -z
            z *= h[k]
            z += x[k]
            # removes 1-ulp excursions of the inverse CDFs only
            np.clip(z, low[k], high[k], out=out[k])
        return out
