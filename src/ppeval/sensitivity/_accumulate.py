"""Exact, order-independent reductions over Monte Carlo samples.

Floating-point sums depend on the order of the additions; a chunked or
distributed run would then depend on the chunking. Every reduction here is
exact instead, so partial results can be merged in any grouping and order:

* **Counts** (rank, grade and histogram tallies) are integers.
* **Sums of values in [-1, 1]** are split on fixed binary grids
  (:func:`limb_sums`): ``x = Σ_l a_l 2^(-26 l) + r`` with integer-valued
  ``a_l = trunc(frac_{l-1} 2^26)``, ``|a_l| <= 2^26``, ``|r| < 2^-78``. The sums
  of the integer-valued ``a_l`` over at most :data:`MAX_SAMPLES` ``= 2^27``
  values stay below ``2^53`` and are therefore computed without rounding in any
  order. The value is reassembled once at the end (:func:`limbs_to_float`);
  the dropped remainders bound the absolute error of a mean by ``2^-78``.
  This is the "pre-rounding" idea behind reproducible summation (Demmel &
  Nguyen 2015) with fixed, data-independent boundaries.

References
----------
Demmel, J., & Nguyen, H. D. (2015). Parallel reproducible summation. *IEEE
Transactions on Computers*, 64(7), 2060-2070.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ppeval._typing import FloatArray, IntArray
from ppeval.errors import PPEvalError

__all__ = [
    "LIMB_BITS",
    "N_LIMBS",
    "MAX_SAMPLES",
    "limb_sums",
    "limb_split",
    "limbs_to_float",
    "Tally",
    "histogram_quantiles",
    "bin_index",
    "bin_index_into",
    "count_cells",
    "fold_rows",
]

LIMB_BITS = 26
N_LIMBS = 3
#: Largest number of summed values for which every limb sum is exact (< 2^53).
MAX_SAMPLES = 1 << 27
_SCALE = float(1 << LIMB_BITS)


def limb_split(x: FloatArray) -> FloatArray:
    """Return the integer-valued limbs ``a_l`` of ``x`` (values in [-1, 1]) as shape ``(N_LIMBS, *x.shape)``."""
    out = np.empty((N_LIMBS, *x.shape), dtype=np.float64)
    y = x * _SCALE
    for level in range(N_LIMBS):
        np.trunc(y, out=out[level])
        y -= out[level]  # fractional part: exact
        y *= _SCALE  # exact (power of two)
    return out


def limb_sums(x: FloatArray, axis: int = 0) -> FloatArray:
    """Exact sums of the limbs of ``x`` (values in [-1, 1]) along ``axis``; shape ``(N_LIMBS, ...)``."""
    red_shape = tuple(s for i, s in enumerate(x.shape) if i != axis % x.ndim)
    out = np.empty((N_LIMBS, *red_shape), dtype=np.float64)
    y = x * _SCALE
    a = np.empty_like(y)
    for level in range(N_LIMBS):
        np.trunc(y, out=a)
        np.sum(a, axis=axis, out=out[level])
        if level < N_LIMBS - 1:
            y -= a
            y *= _SCALE
    return out


def limbs_to_float(s: FloatArray) -> FloatArray:
    """Reassemble limb sums ``(N_LIMBS, ...)`` into float64 sums (smallest limb first)."""
    total = np.zeros(s.shape[1:], dtype=np.float64)
    for level in range(N_LIMBS - 1, -1, -1):
        total += s[level] * (2.0 ** (-LIMB_BITS * (level + 1)))
    return total


@dataclass
class Tally:
    """Count table ``(rows, n_cat)``; a flat index ``r * n_cat + c`` counts cell ``(r, c)``.

    int32 is enough: a run has at most :data:`MAX_SAMPLES` samples.
    """

    counts: np.ndarray

    @classmethod
    def zeros(cls, rows: int, n_cat: int) -> Tally:
        return cls(np.zeros((rows, n_cat), dtype=np.int32))

    def add(self, payload: tuple[str, np.ndarray]) -> None:
        """Merge a task's ``("dense", counts (size,))`` or ``("sparse", flat cell indices (k, cols))``."""
        kind, arr = payload
        flat_counts = self.counts.reshape(-1)
        if kind == "dense":
            flat_counts += arr.astype(np.int32)
            return
        # column-major order: a buffer column maps to one table row, so the increments stay local
        count_cells(flat_counts, arr.T.reshape(-1))


#: Indices per block in :func:`count_cells` (bounds any index copy ``np.add.at`` makes to a cache-sized block).
COUNT_BLOCK = 1 << 20


def count_cells(table: np.ndarray, cells: np.ndarray) -> None:
    """``table[c] += 1`` for every entry ``c`` of the 1-D integer array ``cells``, repeats included.

    ``np.add.at`` a block of cells at a time, straight from their own integer
    type (numpy's indexed fast path converts indices as it goes; the blocks
    bound whatever copy an older numpy makes); exact integer counts whatever
    the blocks.
    """
    one = table.dtype.type(1)
    size = cells.shape[0]
    for v0 in range(0, size, COUNT_BLOCK):
        np.add.at(table, cells[v0 : v0 + COUNT_BLOCK], one)


def histogram_quantiles(
    counts: IntArray, lo: FloatArray, hi: FloatArray, probs: FloatArray, a: float, b: float
) -> FloatArray:
    """Quantiles from per-row histograms of equal-width bins on ``[a, b]``.

    ``counts`` is ``(r, B)``: row ``i`` counts values in bin ``k`` =
    ``[a + k h, a + (k+1) h)`` with ``h = (b - a) / B`` (the last bin closed);
    ``lo``/``hi`` are the exact minimum and maximum of each row's values.
    Quantile ``q`` of ``N`` values: target ``t = max(q N, 1)``, bin ``k`` = the
    first with cumulative count ``C_k >= t``, then linear interpolation inside
    the bin, whose edges are clipped to ``[lo, hi]``:
    ``Q = L + (t - C_{k-1}) / c_k (U - L)``. The error is at most one bin width
    ``h`` (and zero when all values of a row are equal).
    """
    r, n_bins = counts.shape
    q = probs.shape[0]
    out = np.empty((r, q), dtype=np.float64)
    if r == 0 or q == 0:
        return out
    # blocks of rows (each row on its own: the same values whatever the blocks), cache-sized temporaries
    step = max(1, QUANTILE_BLOCK // n_bins)
    for r0 in range(0, r, step):
        sl = slice(r0, r0 + step)
        out[sl] = _histogram_quantiles(counts[sl], lo[sl], hi[sl], probs, a, b)
    return out


#: Histogram cells per block in :func:`histogram_quantiles`.
QUANTILE_BLOCK = 1 << 18


def _histogram_quantiles(
    counts: IntArray, lo: FloatArray, hi: FloatArray, probs: FloatArray, a: float, b: float
) -> FloatArray:
    r, n_bins = counts.shape
    cum = counts.astype(np.int64)
    np.cumsum(cum, axis=1, out=cum)  # in place: several times faster than into a new int64 array
    total = cum[:, -1].astype(np.float64)
    width = (b - a) / n_bins
    # k = #(C < t) per row and quantile, for all at once: the rows' cumulative counts, shifted apart by
    # multiples of (largest total + 1), form one sorted array; C < t <=> C < ceil(t) for integer C
    big = int(cum[:, -1].max()) + 1
    shift = np.arange(r, dtype=np.int64) * big
    t = np.maximum(probs[None, :] * total[:, None], 1.0)  # (r, q)
    edges = np.searchsorted((cum + shift[:, None]).reshape(-1), np.ceil(t).astype(np.int64) + shift[:, None])
    k = np.minimum(edges - (np.arange(r) * n_bins)[:, None], n_bins - 1)
    c_k = np.take_along_axis(counts, k, axis=1).astype(np.float64)
    prev = np.where(k > 0, np.take_along_axis(cum, np.maximum(k - 1, 0), axis=1), 0)
    lo_c, hi_c = lo[:, None], hi[:, None]
    left = np.maximum(a + k * width, lo_c)
    right = np.maximum(np.minimum(a + (k + 1) * width, hi_c), left)
    frac = np.clip((t - prev) / np.maximum(c_k, 1.0), 0.0, 1.0)
    out: FloatArray = np.clip(left + frac * (right - left), lo_c, hi_c)
    return out


def bin_index(x: FloatArray, a: float, b: float, n_bins: int) -> np.ndarray:
    """Bin (intp) of every value of ``x`` in ``[a, b]`` among ``n_bins`` equal bins; ``b`` goes to the last bin."""
    y = x - a
    y *= n_bins / (b - a)
    idx = y.astype(np.intp)  # truncation = floor for y >= 0
    np.clip(idx, 0, n_bins - 1, out=idx)
    return idx


def bin_index_into(
    x: FloatArray, a: float, b: float, n_bins: int, offset: np.ndarray, out: np.ndarray, scratch: FloatArray
) -> None:
    """``out = bin_index(x, a, b, n_bins) + offset`` without temporaries.

    ``out`` is an integer array shaped like ``x`` and ``offset`` a row of
    integers of its type, broadcast over the rows; ``scratch`` is a float
    array with at least as many rows. Clipping the scaled value to
    ``[0, n_bins - 1]`` before the truncating cast gives the same bins as
    truncating first and clipping after.
    """
    f = scratch[: x.shape[0]]
    if a != 0.0:
        np.subtract(x, a, out=f)
        f *= n_bins / (b - a)
    else:
        np.multiply(x, n_bins / (b - a), out=f)
    np.clip(f, 0.0, float(n_bins - 1), out=f)
    np.copyto(out, f, casting="unsafe")  # truncation toward zero = floor on [0, n_bins - 1]
    np.add(out, offset, out=out)


def fold_rows(x: FloatArray) -> FloatArray:
    """Sum of the rows of ``x`` (``(t, n)``, ``t`` a power of two) by pairwise halving, in place.

    The additions are elementwise and their order depends on ``t`` only, so the
    same rows always give the same bits. ``x`` is overwritten; returns ``x[0]``.
    """
    t = x.shape[0]
    if t & (t - 1):
        raise PPEvalError(f"internal: fold_rows needs a power-of-two number of rows, got {t}")
    while t > 1:
        h = t // 2
        np.add(x[:h], x[h:t], out=x[:h])
        t = h
    row: FloatArray = x[0]
    return row
