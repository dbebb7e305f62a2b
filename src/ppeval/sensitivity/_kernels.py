"""Prepared score kernels: many weight vectors, one decision matrix, matrix products.

For a fixed decision matrix every supported method's scores for a batch of
weight vectors ``W`` (shape ``(t, m)``) reduce to matrix products with a matrix
that is prepared once:

* TOPSIS: with benefit-oriented normalised values ``r_ij``, ideal ``r+_j`` and
  anti-ideal ``r-_j`` (column max/min, or 1 and 0 in absolute mode),
  ``(D+_i)^2 = Σ_j w_j^2 (r_ij - r+_j)^2`` and likewise ``D-``; so
  ``[D+^2 | D-^2] = (W∘W) @ [G+ | G-]`` with ``G± = ((r - r±)^2)^T``, a
  ``(t, m) @ (m, 2n)`` product (no ``(t, n, m)`` temporary), then
  ``C = D- / (D+ + D-)``.
* WSM: ``S = W @ r^T``.
* GRA: ``gamma = W @ xi^T`` with the grey relational coefficients ``xi``
  (they do not depend on the weights): the WSM kernel on ``xi``.
* VIKOR: with regrets ``d_ij = (f*_j - f_ij) / (f*_j - f-_j)``,
  ``S = W @ d^T``, ``R_i = max_j w_j d_ij`` (a running maximum over the m
  columns, each an outer product ``(t, n)``), then ``Q`` from the per-row
  extremes of ``S`` and ``R``.

Criteria that never receive weight (``support`` False) are dropped, and
alternatives whose prepared rows are identical are scored once, so identical
alternatives always tie exactly.

:meth:`Scorer.tile_scores` is always called with exactly ``tile`` rows (the
caller pads), so every sample's score comes from a call of the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from ppeval import normalize as _normalize
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.methods.gra import grey_coefficients

__all__ = [
    "Method",
    "Scorer",
    "build_scorer",
    "METHODS",
    "LINEAR_METHODS",
    "TOPSIS_NORMALIZATIONS",
    "WSM_NORMALIZATIONS",
]

Method = Literal["topsis", "wsm", "vikor", "gra"]
METHODS: tuple[Method, ...] = ("topsis", "wsm", "vikor", "gra")
#: Methods whose scores are the linear form ``W @ rows^T`` of prepared rows (WSM's kernel).
LINEAR_METHODS: tuple[str, ...] = ("wsm", "gra")
TOPSIS_NORMALIZATIONS: tuple[str, ...] = ("vector", "minmax", "max", "sum", "zscore", "mean", "shift")
WSM_NORMALIZATIONS: tuple[str, ...] = ("minmax", "max", "sum", "vector", "zscore", "mean", "shift")


@dataclass(frozen=True)
class Scorer:
    """A decision problem prepared for batched scoring (see module docstring).

    Attributes
    ----------
    method : {"topsis", "wsm", "vikor", "gra"}
    higher_is_better : bool
        False for VIKOR (``Q``, lower is better).
    support : ndarray of bool, shape (m,)
        Criteria kept in the kernel (weights of the others are always zero).
    rhs : ndarray, shape (m_s, width)
        Right-hand side of the matrix product (``width`` = ``2 n_u`` for
        TOPSIS, ``n_u`` otherwise), C-contiguous.
    inverse : ndarray of int or None, shape (n,)
        Row of the unique prepared rows used by each alternative (None when
        all rows are distinct).
    n : int
        Number of alternatives.
    n_unique : int
        Number of distinct prepared rows.
    v : float
        VIKOR's weight of the group utility (ignored otherwise).
    """

    method: Method
    higher_is_better: bool
    support: BoolArray
    rhs: FloatArray
    inverse: IntArray | None
    n: int
    n_unique: int
    v: float

    @property
    def columns(self) -> int:
        """Values produced per sample by the matrix product."""
        return int(self.rhs.shape[1])

    def workspace(self, rows: int) -> dict[str, FloatArray]:
        """Buffers that let :meth:`tile_scores` of ``rows`` weight vectors run without allocating."""
        n_u = self.n_unique
        if self.method == "topsis":
            return {"d": np.empty((rows, 2 * n_u)), "out": np.empty((rows, n_u))}
        if self.method in LINEAR_METHODS:
            return {"out": np.empty((rows, n_u))}
        return {}

    def tile_scores(self, weights: FloatArray, work: dict[str, FloatArray] | None = None) -> FloatArray:
        """Scores ``(t, n)`` for weight vectors ``(t, m)`` (each row non-negative, summing to 1).

        ``work`` (from :meth:`workspace` with ``t`` rows) holds the result and
        temporaries; the same bits are produced with or without it. The
        returned array is then a buffer of ``work``, overwritten by the next call.
        """
        w = weights[:, self.support] if not self.support.all() else weights
        w = np.ascontiguousarray(w)
        work = work or {}
        if self.method == "topsis":
            s = _topsis_scores(w, self.rhs, self.n_unique, work.get("d"), work.get("out"))
        elif self.method in LINEAR_METHODS:
            s = single_thread_matmul(w, self.rhs, work.get("out"))
        else:
            s = _vikor_scores(w, self.rhs, self.v)
        if self.inverse is not None:
            s = s[:, self.inverse]
        return s

    @cached_property
    def _anti_floor(self) -> float:
        """``min_i max_j G-_ji``: every alternative's largest squared gap to the anti-ideal (TOPSIS)."""
        g = self.rhs[:, self.n_unique :]
        return float(g.max(axis=0).min()) if g.size else 0.0

    def tile_rows(self, weights: FloatArray, work: dict[str, FloatArray]) -> TileRows | None:
        """TOPSIS scores of a full tile computed a group of rows at a time (:class:`TileRows`), or None.

        Only when the fast closeness formula is certain for the whole tile
        before any product is taken: every weight of the tile is at least
        ``w_min`` and every alternative has a squared anti-ideal gap of at
        least ``g`` on some criterion with ``w_min^2 g > 1e-290``, so each
        ``D-^2`` (a sum of non-negative products, one of them a normal number
        at least that large) is positive and :func:`_topsis_scores` would take
        its fast formula. Then the rows get the same product calls and the
        same operations as there, so the same bits. None otherwise (other
        methods, duplicate alternatives, a single product call, small weights
        or an anti-ideal alternative): use :meth:`tile_scores`.
        """
        if self.method != "topsis" or self.inverse is not None or "d" not in work or "out" not in work:
            return None
        t = weights.shape[0]
        step = _row_step(t, self.rhs.shape[0], self.rhs.shape[1])
        if step == 0:
            return None
        w = weights[:, self.support] if not self.support.all() else weights
        w = np.ascontiguousarray(w)
        w2 = w * w
        if not float(w2.min()) * self._anti_floor > 1e-290:
            return None
        return TileRows(w2, self.rhs, self.n_unique, work["d"], work["out"], step)

    @property
    def separable(self) -> bool:
        """Whether an alternative's score depends on its own prepared row only (TOPSIS, WSM, GRA; not VIKOR)."""
        return self.method != "vikor"

    def subset_scores(self, weights: FloatArray, alts: IntArray) -> FloatArray:
        """Scores ``(K, p)`` of alternatives ``alts[r]`` for weight vector ``weights[r]`` (separable methods).

        Only the ``p`` named alternatives are scored for each of the ``K`` weight
        vectors: ``O(K p m)`` work instead of ``O(K n m)``.
        """
        w = weights[:, self.support] if not self.support.all() else weights
        u = self.inverse[alts] if self.inverse is not None else alts
        if self.method == "topsis":
            n_u = self.n_unique
            w2 = w * w
            dp = np.einsum("kj,jkp->kp", w2, self.rhs[:, u])
            dm = np.einsum("kj,jkp->kp", w2, self.rhs[:, u + n_u])
            np.sqrt(dp, out=dp)
            np.sqrt(dm, out=dm)
            den = dp + dm
            out = np.full(den.shape, 0.5)
            np.divide(dm, den, out=out, where=den > 0.0)
            return out
        if self.method in LINEAR_METHODS:
            res: FloatArray = np.einsum("kj,jkp->kp", w, self.rhs[:, u])
            return res
        raise InputError("subset_scores needs a separable method (topsis, wsm or gra)")


#: OpenBLAS runs a product ``(M, K) @ (K, N)`` on one thread when ``M N K`` is at most
#: ``65536 * GEMM_MULTITHREAD_THRESHOLD`` (4 by default); see :func:`single_thread_matmul`.
_ONE_THREAD_MNK = 65536 * 4
#: Products with more output values than a score tile of the default size (``TILE_FLOATS``) are split by
#: columns rather than rows (wide tiles of large problems; smaller products keep their split and their bits).
_WIDE_PRODUCT = 1 << 19


def single_thread_matmul(a: FloatArray, b: FloatArray, out: FloatArray | None) -> FloatArray:
    """``a @ b`` as products of a few rows each, small enough for BLAS to run each on one thread.

    A tile product here is short and fat (``K`` = the number of criteria,
    about 20): threads gain little on it, and with OpenBLAS's default of one
    thread per core its idle threads spin between the per-tile calls (twice
    the CPU time of a serial run) and stall it badly when the cores are busy
    with other work. Splitting the rows keeps every call below OpenBLAS's
    threading threshold (products wider than that threshold for a single row,
    tens of thousands of alternatives, still thread). The split depends on
    the shapes only, so every row is always computed by the same call shape.
    """
    m_rows, k = a.shape
    n_cols = b.shape[1]
    if out is None:
        out = np.empty((m_rows, n_cols))
    if m_rows * n_cols > _WIDE_PRODUCT and m_rows > 1:
        # a wide tile (tens of thousands of alternatives, several samples): blocks of columns, so the
        # prepared matrix is read once per tile rather than once per row; the split depends on the shapes only
        cols = max(1, (_ONE_THREAD_MNK - 1) // max(k * m_rows, 1))
        for c0 in range(0, n_cols, cols):
            np.matmul(a, b[:, c0 : c0 + cols], out=out[:, c0 : c0 + cols])
        return out
    step = max(1, (_ONE_THREAD_MNK - 1) // max(k * n_cols, 1))
    if step >= m_rows:
        return np.matmul(a, b, out=out)
    for i in range(0, m_rows, step):
        np.matmul(a[i : i + step], b, out=out[i : i + step])
    return out


#: Values of ``[D+^2 | D-^2]`` per group of product rows whose closeness is computed right after their
#: products (:func:`_topsis_scores`): the group stays in the cache between the two steps.
_GROUP_FLOATS = 1 << 16


def _row_step(m_rows: int, k: int, n_cols: int) -> int:
    """Rows per product call of :func:`single_thread_matmul` (0: one call, or blocks of columns)."""
    if m_rows * n_cols > _WIDE_PRODUCT and m_rows > 1:
        return 0
    step = max(1, (_ONE_THREAD_MNK - 1) // max(k * n_cols, 1))
    return 0 if step >= m_rows else step


def _closeness_fast(d: FloatArray, n_u: int, out: FloatArray) -> bool:
    """``out = 1 / (1 + sqrt(D+^2 / D-^2))`` for the rows of ``d`` when every ``D-^2`` is positive (else False)."""
    dp2 = d[:, :n_u]
    dm2 = d[:, n_u:]
    if not dm2.min() > 0.0:
        return False
    np.divide(dp2, dm2, out=out)
    np.sqrt(out, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)
    return True


class TileRows:
    """A TOPSIS tile's scores row group by row group (see :meth:`Scorer.tile_rows`); ``out`` holds them."""

    def __init__(
        self, w2: FloatArray, rhs: FloatArray, n_u: int, d: FloatArray, out: FloatArray, step: int
    ) -> None:
        self.w2, self.rhs, self.n_u, self.d, self.out, self.step = w2, rhs, n_u, d, out, step
        self._done = 0  # rows whose products are taken (the calls of single_thread_matmul, in order)

    def compute(self, r0: int, r1: int) -> FloatArray:
        """Scores of rows ``r0 ... r1 - 1`` (groups in order): their products, then the fast closeness."""
        step = self.step
        while self._done < r1:
            i = self._done
            np.matmul(self.w2[i : i + step], self.rhs, out=self.d[i : i + step])
            self._done = i + step
        d = self.d[r0:r1]
        out = self.out[r0:r1]
        np.divide(d[:, : self.n_u], d[:, self.n_u :], out=out)
        np.sqrt(out, out=out)
        out += 1.0
        np.divide(1.0, out, out=out)
        return out


def _topsis_scores(
    w: FloatArray, rhs: FloatArray, n_u: int, d: FloatArray | None = None, out: FloatArray | None = None
) -> FloatArray:
    """Closeness ``C = D- / (D+ + D-)`` from the squared distances ``[D+^2 | D-^2] = (W∘W) @ rhs``.

    When every ``D-`` of the tile is positive, ``C = 1 / (1 + sqrt(D+^2 / D-^2))``:
    one square root per alternative instead of two (the same value up to
    rounding). That step runs on groups of rows right after their products
    (the same product calls as :func:`single_thread_matmul`), while they are
    in the cache; the formula is chosen for the whole tile, so a row's bits
    do not depend on the grouping.
    """
    t = w.shape[0]
    w2 = w * w
    if d is None:
        d = np.empty((t, rhs.shape[1]))
    if out is None:
        out = np.empty((t, n_u))
    step = _row_step(t, rhs.shape[0], rhs.shape[1])
    if step == 0:
        single_thread_matmul(w2, rhs, d)
        fast = _closeness_fast(d, n_u, out)
    else:
        group = max(1, _GROUP_FLOATS // (step * rhs.shape[1])) * step
        fast = True
        for r0 in range(0, t, group):
            r1 = min(r0 + group, t)
            for i in range(r0, r1, step):  # the calls of single_thread_matmul
                np.matmul(w2[i : i + step], rhs, out=d[i : i + step])
            if fast:
                fast = _closeness_fast(d[r0:r1], n_u, out[r0:r1])
    if fast:
        return out
    dp2 = d[:, :n_u]
    dm2 = d[:, n_u:]
    np.sqrt(d, out=d)
    den = np.add(dp2, dm2)
    # D- = 0: the alternative is the anti-ideal on every weighted criterion (C = 0); when D+ = 0 too,
    # every weighted gap is zero and it is scored 0.5 like ppeval.methods.topsis
    out.fill(0.5)
    np.divide(dm2, den, out=out, where=den > 0.0)
    return out


def _vikor_scores(w: FloatArray, d_t: FloatArray, v: float) -> FloatArray:
    s = single_thread_matmul(w, d_t, None)  # group utility S
    r = np.multiply(w[:, :1], d_t[0][None, :])
    tmp = np.empty_like(r)
    for j in range(1, d_t.shape[0]):
        np.multiply(w[:, j : j + 1], d_t[j][None, :], out=tmp)
        np.maximum(r, tmp, out=r)
    q = np.zeros_like(s)
    for x, coef in ((s, v), (r, 1.0 - v)):
        if coef == 0.0:
            continue
        lo = x.min(axis=1, keepdims=True)
        span = x.max(axis=1, keepdims=True) - lo
        ok = span > 0.0
        # all alternatives equal on this measure: it contributes 0 (no alternative is worse)
        term = np.divide(x - lo, span, out=np.zeros_like(x), where=ok)
        q += coef * term
    np.clip(q, 0.0, 1.0, out=q)  # as ppeval.methods.vikor: removes 1-ulp overshoot of v a + (1 - v) b
    return q


def vikor_regrets(matrix: FloatArray, types: IntArray) -> FloatArray:
    """``d_ij = (f*_j - f_ij) / (f*_j - f-_j)`` in [0, 1]; 0 for a constant column."""
    col_max = matrix.max(axis=0)
    col_min = matrix.min(axis=0)
    best = np.where(types > 0, col_max, col_min)
    worst = np.where(types > 0, col_min, col_max)
    span = best - worst
    ok = span != 0.0
    d: FloatArray = np.divide(
        best[None, :] - matrix, span[None, :], out=np.zeros_like(matrix), where=ok[None, :]
    )
    return d


def prepared_rows(
    matrix: FloatArray,
    types: IntArray,
    method: Method,
    normalization: str,
    bounds: FloatArray | None,
    rho: float = 0.5,
) -> FloatArray:
    """The per-alternative rows the kernel works on, before column gaps/transposition.

    TOPSIS and WSM: benefit-oriented normalised values; VIKOR: regrets ``d``;
    GRA: grey relational coefficients (distinguishing coefficient ``rho``).
    """
    if method == "vikor":
        return vikor_regrets(matrix, types)
    if method == "gra":
        return np.asarray(grey_coefficients(matrix, types, rho=rho, bounds=bounds), dtype=np.float64)
    if bounds is not None:
        return np.asarray(_normalize.minmax(matrix, types, bounds=bounds), dtype=np.float64)
    fn = getattr(_normalize, normalization)
    return np.asarray(fn(matrix, types), dtype=np.float64)


def _unique_rows_by_sort(sub: FloatArray) -> tuple[FloatArray, IntArray | None]:
    uniq, index, inverse = np.unique(sub, axis=0, return_index=True, return_inverse=True)
    if uniq.shape[0] == sub.shape[0]:
        return sub, None
    # keep first-occurrence order so the kernel's column order follows the input
    order = np.argsort(index, kind="stable")
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    inv: IntArray = remap[np.asarray(inverse).reshape(-1)].astype(np.int64)
    return uniq[order], inv


def unique_rows(sub: FloatArray) -> tuple[FloatArray, IntArray | None]:
    """Distinct rows of ``sub`` in first-occurrence order, and each row's index among them (None: all distinct).

    Rows are grouped by a 64-bit hash of their bytes (one integer sort
    instead of a sort of whole rows); rows sharing a hash are compared
    exactly, and a true collision falls back to ``np.unique(axis=0)``, so the
    grouping is exact. ``-0.0`` and ``0.0`` count as equal, as in ``np.unique``.
    """
    n = sub.shape[0]
    if n < 2:
        return sub, None
    bits = np.ascontiguousarray(sub + 0.0).view(np.uint64)  # + 0.0: one bit pattern for zero
    h = np.zeros(n, dtype=np.uint64)
    mult, shift = np.uint64(0x9E3779B97F4A7C15), np.uint64(29)
    step = max(1, (1 << 20) // max(bits.shape[1], 1))
    for r0 in range(0, n, step):  # blocks of rows, transposed so each column is contiguous
        cols = bits[r0 : r0 + step].T.copy()
        hb = h[r0 : r0 + step]
        for col in cols:  # criteria; uint64 arithmetic wraps
            hb ^= col
            hb *= mult
            hb ^= hb >> shift
    order = np.argsort(h, kind="stable")
    hs = h[order]
    same = hs[1:] == hs[:-1]
    if not same.any():
        return sub, None
    start = np.concatenate([[True], ~same])
    group = np.cumsum(start) - 1  # group of each sorted position
    rep = order[np.flatnonzero(start)]  # each group's first row (stable sort: its smallest index)
    rep_of = rep[group]  # representative of each sorted position
    dup = np.flatnonzero(order != rep_of)
    if not (bits[order[dup]] == bits[rep_of[dup]]).all():  # pragma: no cover - a 64-bit hash collision
        return _unique_rows_by_sort(sub)
    firsts = np.sort(rep)
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.searchsorted(firsts, rep_of)
    return sub[firsts], inv


def build_scorer(
    matrix: FloatArray,
    types: IntArray,
    *,
    method: Method,
    normalization: str,
    bounds: FloatArray | None,
    v: float,
    support: BoolArray,
    rho: float = 0.5,
) -> Scorer:
    """Prepare ``matrix`` for :meth:`Scorer.tile_scores` (inputs already validated)."""
    n = matrix.shape[0]
    rows = prepared_rows(matrix, types, method, normalization, bounds, rho)
    if method == "topsis":
        if bounds is not None:
            ideal = np.ones(rows.shape[1])
            anti = np.zeros(rows.shape[1])
        else:
            ideal = rows.max(axis=0)
            anti = rows.min(axis=0)
        rows = np.concatenate([(rows - ideal) ** 2, (rows - anti) ** 2], axis=1)
        keep = np.concatenate([support, support])
        sub = rows[:, keep]
    else:
        sub = rows[:, support]
    if not np.isfinite(sub).all():  # pragma: no cover - normalisations reject such input
        raise InputError("matrix leads to non-finite normalised values")
    u_rows, inv = unique_rows(sub)
    n_u = u_rows.shape[0]
    if method == "topsis":
        m_s = int(support.sum())
        gp = u_rows[:, :m_s]
        gm = u_rows[:, m_s:]
        rhs = np.ascontiguousarray(np.concatenate([gp.T, gm.T], axis=1))
    else:
        rhs = np.ascontiguousarray(u_rows.T)
    return Scorer(
        method=method,
        higher_is_better=method != "vikor",
        support=support.copy(),
        rhs=rhs,
        inverse=inv,
        n=n,
        n_unique=n_u,
        v=float(v),
    )
