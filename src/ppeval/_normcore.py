"""Shared normalisation machinery of :mod:`ppeval.normalize` and :mod:`ppeval.methods` (private).

Column extrema, overflow-safe norms, sums and spans, the affine column maps
(:class:`_Linear`) behind every linear normalisation, absolute-mode bounds and
the full normalised matrix. :mod:`ppeval.normalize` exposes the public
functions; the methods (TOPSIS, WSM, VIKOR, GRA, ...) import the pieces from
here so they can fuse normalisation with their own work without a full
normalised copy of the matrix. Inputs reaching these helpers are validated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_bounds, as_matrix, as_types, check_within_bounds, locate
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError

__all__: list[str] = []

#: Every normalisation kind of :func:`_linear` / :func:`_normalized`.
KINDS: tuple[str, ...] = ("vector", "minmax", "max", "sum", "zscore", "mean", "shift")

# Column magnitudes inside this range can be squared and summed without overflow
# or loss to underflow; outside it the vector norm is computed on a rescaled copy.
_SAFE_LO = 1e-140
_SAFE_HI = 1e140
_TINY = float(np.finfo(np.float64).tiny)  # 2.2e-308: smaller norms are subnormal


# --------------------------------------------------------------------------- kernels
@dataclass(frozen=True)
class _Linear:
    """A column-wise affine normalisation ``r_ij = offset_j + (x_ij - origin_j) / denom_j``.

    ``denom_j`` carries the direction (negative for a cost column) and is
    ``+inf`` for a constant column, whose value is then ``offset_j``.
    Subtracting ``origin_j`` (a value inside the column's range) first keeps the
    result accurate when values are large compared with their spread, and
    dividing (rather than multiplying by ``1/denom_j``) cannot overflow however
    small the column's norm, sum or range.
    """

    origin: FloatArray
    denom: FloatArray
    offset: FloatArray

    def apply(self, x: FloatArray, out: FloatArray | None = None) -> FloatArray:
        r = np.subtract(x, self.origin, out=out)
        r /= self.denom
        r += self.offset
        return r


def _extrema(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column minima and maxima of a 2-D array.

    Reductions along axis 0 of a C-ordered array with few columns are slow in
    numpy; folding ``g`` consecutive rows into one long row first makes the same
    reduction about four times faster (the result is identical).
    """
    n, m = x.shape
    g = max(1, 512 // m)
    q = (n // g) * g
    if n < 4 * g or not x.flags.c_contiguous:  # a few rows: fewer calls win (measured: folding wins from ~100 rows)
        return x.min(axis=0), x.max(axis=0)
    head = x[:q].reshape(q // g, g * m)
    lo = head.min(axis=0).reshape(g, m).min(axis=0)
    hi = head.max(axis=0).reshape(g, m).max(axis=0)
    if q < n:
        np.minimum(lo, x[q:].min(axis=0), out=lo)
        np.maximum(hi, x[q:].max(axis=0), out=hi)
    return lo, hi


def _vector_norms(x: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Euclidean norm of every column, without overflow or underflow.

    One pass (``einsum``) when no value exceeds ``1e140`` in magnitude (the
    common case; squares cannot overflow); columns with values beyond that, or
    whose norm comes out below ``1e-130`` (squares lost to underflow), are
    recomputed rescaled by their largest magnitude (rare; only those columns
    are copied). A non-zero norm below the normal float64 range (about
    ``2.2e-308``, only for columns of subnormal values) raises
    :class:`InputError`: it cannot be represented to full precision.
    """
    if max(float(hi.max()), -float(lo.min())) <= _SAFE_HI:
        norms: FloatArray = np.sqrt(np.einsum("ij,ij->j", x, x))
        if norms.min() >= 1e-130:
            return norms
    else:
        with np.errstate(over="ignore", under="ignore"):
            norms = np.sqrt(np.einsum("ij,ij->j", x, x))
    amax = np.maximum(np.abs(lo), np.abs(hi))
    bad = (amax > _SAFE_HI) | ((norms < 1e-130) & (amax > 0.0))
    for j in np.flatnonzero(bad):
        col = x[:, j] / amax[j]
        norms[j] = amax[j] * np.sqrt(np.dot(col, col))
        if 0.0 < norms[j] < _TINY:
            # a subnormal norm has lost significant digits: x / norm would be silently wrong
            # (two entries of 5e-324 give a "norm" of 5e-324 and a normalised column of norm sqrt(2))
            raise InputError(
                f"matrix[:, {j}] has a Euclidean norm of {norms[j]:.3g}, below the smallest normal float64 "
                f"({_TINY:.3g}), too small to divide by accurately; rescale the column (the "
                "normalisations are scale-invariant)"
            )
    return norms


def _column_spans(lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``max - min`` per column; raise if it overflows float64."""
    if math.isfinite(float(hi.max()) - float(lo.min())):  # Python floats: no warning on overflow
        return hi - lo
    with np.errstate(over="ignore"):
        span = hi - lo
    if not np.isfinite(span).all():
        j = int(np.argmin(np.isfinite(span)))
        raise InputError(
            f"matrix[:, {j}] spans [{lo[j]}, {hi[j]}], a range beyond float64 (max - min overflows); "
            "rescale the column (the normalisations are scale-invariant)"
        )
    return span


def _require_nonnegative(x: FloatArray, lo: FloatArray, what: str) -> None:
    if (lo >= 0.0).all():
        return
    i, j = locate(x < 0.0)
    raise InputError(f"matrix[{i}, {j}] is {x[i, j]}; {what} needs non-negative values")


def _bounds_linear(bounds: FloatArray) -> _Linear:
    worst, best = bounds[:, 0], bounds[:, 1]
    span = _column_spans(np.minimum(worst, best), np.maximum(worst, best))
    return _Linear(origin=worst.copy(), denom=np.sign(best - worst) * span, offset=np.zeros_like(worst))


def _minmax_linear(types: IntArray, lo: FloatArray, hi: FloatArray) -> _Linear:
    span = _column_spans(lo, hi)
    const = span == 0.0
    denom = np.where(const, np.inf, types * span)
    origin = np.where(types > 0, lo, hi)
    offset = const.astype(np.float64)
    return _Linear(origin=origin, denom=denom, offset=offset)


def _vector_denominators(x: FloatArray, types: IntArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``+-||x_j||`` (sign of the criterion type), ``+inf`` for an all-zero column."""
    norms = _vector_norms(x, lo, hi)
    if norms.min() > 0.0:
        return types * norms
    return np.where(norms == 0.0, np.inf, types * norms)


def _vector_linear(x: FloatArray, types: IntArray, lo: FloatArray, hi: FloatArray) -> _Linear:
    denom = _vector_denominators(x, types, lo, hi)
    offset = (types < 0).astype(np.float64)  # benefit x/||x||, cost 1 - x/||x||
    zero = np.isinf(denom)
    if zero.any():
        # a zero column is the constant column c -> 0: x/||x|| = 1/sqrt(n) for every c > 0
        const_value = 1.0 / np.sqrt(x.shape[0])
        offset[zero] += np.where(types[zero] < 0, -const_value, const_value)
    return _Linear(origin=np.zeros_like(denom), denom=denom, offset=offset)


def _max_linear(x: FloatArray, types: IntArray, lo: FloatArray, hi: FloatArray) -> _Linear:
    _require_nonnegative(x, lo, "max normalization (x / max x_j)")
    zero = hi == 0.0
    denom = np.where(zero, np.inf, types * hi)
    cost = types < 0
    # benefit x/max and cost 1 - x/max; a zero column is the constant column c -> 0 (1, resp. 0)
    offset = np.where(cost, 1.0, 0.0) + np.where(zero & ~cost, 1.0, 0.0) - np.where(zero & cost, 1.0, 0.0)
    return _Linear(origin=np.zeros_like(hi), denom=denom, offset=offset)


def _column_sums(x: FloatArray) -> FloatArray:
    """Column sums of a non-negative array; raise if one overflows float64."""
    with np.errstate(over="ignore"):
        sums: FloatArray = x.sum(axis=0)
    if not np.isfinite(sums).all():
        j = int(np.argmin(np.isfinite(sums)))
        raise InputError(
            f"matrix[:, {j}] sums beyond the float64 range; rescale the column "
            "(sum normalization is scale-invariant)"
        )
    return sums


def _sum_benefit_linear(x: FloatArray) -> _Linear:
    n = x.shape[0]
    sums = _column_sums(x)
    zero = sums == 0.0
    offset = np.where(zero, 1.0 / n, 0.0)
    return _Linear(origin=np.zeros_like(sums), denom=np.where(zero, np.inf, sums), offset=offset)


def _sum_cost_columns(x: FloatArray, cols: IntArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``(1/x) / sum(1/x)`` for the given cost columns, computed as ``(min/x) / sum(min/x)``.

    Scaling by the column minimum keeps every term in (0, 1], so neither ``1/x``
    nor the sum can overflow. An all-zero column gets ``1/n`` (a constant column);
    a zero in a column that is not all zero is an error (``1/0``).
    """
    n = x.shape[0]
    sub = x[:, cols]
    zero_col = hi[cols] == 0.0
    partial = (lo[cols] == 0.0) & ~zero_col
    if partial.any():
        jj = int(cols[int(np.argmax(partial))])
        i = int(np.argmax(x[:, jj] == 0.0))
        raise InputError(
            f"matrix[{i}, {jj}] is 0.0 in cost criterion {jj}; sum normalization of a cost criterion "
            "uses 1/x and needs positive values (an all-zero column is allowed)"
        )
    ref = np.where(zero_col, 1.0, lo[cols])
    safe = np.where(zero_col[None, :], 1.0, sub)
    q = np.divide(ref, safe)
    q /= q.sum(axis=0)
    q[:, zero_col] = 1.0 / n
    return q


def _zscore_linear(x: FloatArray, types: IntArray, lo: FloatArray, hi: FloatArray, ddof: int = 1) -> _Linear:
    """``(x - mean_j) / s_j`` (benefit), ``(mean_j - x) / s_j`` (cost); 0 for a constant column.

    ``s_j`` is the standard deviation with ``ddof`` (1: the sample standard
    deviation, as SPSS's standardised values). The mean and deviations are
    computed on the column shifted by its minimum, so large offsets cost no
    accuracy and nothing overflows for columns whose range is finite.
    """
    n = x.shape[0]
    span = _column_spans(lo, hi)
    if n <= ddof:  # a single alternative: every column is constant
        return _Linear(origin=lo.copy(), denom=np.full_like(lo, np.inf), offset=np.zeros_like(lo))
    const = span == 0.0
    scale = np.where(const, 1.0, span)
    # work on (x - lo) / span in [0, 1]: no overflow when squaring, exact offsets
    u = (x - lo) / scale
    mu = u.mean(axis=0)
    d = u - mu
    sd = np.sqrt(np.einsum("ij,ij->j", d, d) / (n - ddof)) * scale
    origin = lo + mu * scale
    denom = np.where(const, np.inf, types * sd)
    return _Linear(origin=origin, denom=denom, offset=np.zeros_like(origin))


def _mean_linear(x: FloatArray, types: IntArray, lo: FloatArray, hi: FloatArray) -> _Linear:
    """``x / mean_j`` (benefit), ``2 - x / mean_j`` (cost); 1 for an all-zero column."""
    _require_nonnegative(x, lo, "mean normalization (x / mean x_j)")
    means = _column_sums(x) / x.shape[0]
    zero = means == 0.0
    denom = np.where(zero, np.inf, types * means)
    # benefit: 0 + x/mean; cost: 2 - x/mean = 1 - (x - mean)/mean; an all-zero column is constant: 1
    offset = np.where(zero, 1.0, np.where(types < 0, 2.0, 0.0))
    return _Linear(origin=np.zeros_like(means), denom=denom, offset=offset)


#: Target interval of the shifted min-max normalisation used before the entropy method.
SHIFT_LOW = 0.01
SHIFT_HIGH = 0.99


def _shift_linear(lin: _Linear, low: float = SHIFT_LOW, high: float = SHIFT_HIGH) -> _Linear:
    """Min-max parameters ``lin`` mapped from [0, 1] onto [low, high]: ``low + (high - low) r``."""
    return _Linear(origin=lin.origin, denom=lin.denom / (high - low), offset=low + (high - low) * lin.offset)


# --------------------------------------------------------------------------- validation
def _validate(matrix: Any, types: Any) -> tuple[FloatArray, IntArray]:
    x = as_matrix(matrix, "matrix")
    t = as_types(types, x.shape[1])
    return x, t


def _relative_only(name: str, bounds: Any) -> None:
    if bounds is not None:
        raise InputError(
            f"bounds were given but {name} normalization is relative to the evaluated set by construction; "
            "absolute mode (bounds) is defined for minmax normalization only (and its shifted form, shift)"
        )


def _absolute(x: FloatArray, types: IntArray, bounds: Any, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Validate ``bounds`` against ``types`` and check every value lies within them."""
    b = as_bounds(bounds, types)
    b_lo = np.minimum(b[:, 0], b[:, 1])
    b_hi = np.maximum(b[:, 0], b[:, 1])
    if not ((lo >= b_lo).all() and (hi <= b_hi).all()):
        check_within_bounds(x, b)  # raises, naming the first cell outside its bounds
    return b


def _linear(
    x: FloatArray,
    types: IntArray,
    kind: str,
    bounds: Any,
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[_Linear, FloatArray | None]:
    """Affine parameters of ``kind`` for every column, and the validated bounds (or None).

    ``kind == "sum"`` covers the benefit columns only (the cost variant is not
    affine; see :func:`_sum_cost_columns`).
    """
    if kind in ("minmax", "shift"):
        if bounds is not None:
            b = _absolute(x, types, bounds, lo, hi)
            lin, out_b = _bounds_linear(b), b
        else:
            lin, out_b = _minmax_linear(types, lo, hi), None
        return (_shift_linear(lin) if kind == "shift" else lin), out_b
    _relative_only(kind, bounds)
    if kind == "zscore":
        return _zscore_linear(x, types, lo, hi), None
    if kind == "mean":
        return _mean_linear(x, types, lo, hi), None
    if kind == "vector":
        return _vector_linear(x, types, lo, hi), None
    if kind == "max":
        return _max_linear(x, types, lo, hi), None
    if kind == "sum":
        _require_nonnegative(x, lo, "sum normalization (x / sum x_j)")
        return _sum_benefit_linear(x), None
    raise InputError(  # pragma: no cover - callers check the name first
        f"normalization is {kind!r}; valid values are {', '.join(repr(k) for k in KINDS)}"
    )


def _normalized(x: FloatArray, types: IntArray, kind: str, bounds: Any) -> FloatArray:
    """The full normalised matrix (validated inputs; one output allocation)."""
    lo, hi = _extrema(x)
    lin, _ = _linear(x, types, kind, bounds, lo, hi)
    r = lin.apply(x)
    if kind == "sum":
        cost = np.flatnonzero(types < 0)
        if cost.size:
            r[:, cost] = _sum_cost_columns(x, cost, lo, hi)
    return r


