"""Normalisation of a decision matrix to benefit orientation.

Every function takes ``(matrix, types, bounds=None)`` and returns a new float64
array of the matrix's shape in which **higher is better in every column**
(cost criteria are reversed), so the aggregation methods never branch on the
criterion type again. The conventions of the cost variants and of degenerate
columns are those of pymcdm 1.4 (``pymcdm.normalizations``) wherever pymcdm
defines a value; where pymcdm returns nan or raises (a zero column in
``vector``/``max``/``sum``), ppeval defines the value as the one every constant
column gets, so a zero column is simply a constant column.

==========  ========================  ===========================  ======================
function    benefit ``r_ij``          cost ``r_ij``                constant column
==========  ========================  ===========================  ======================
``vector``  ``x / ||x_j||``           ``1 - x / ||x_j||``          ``1/sqrt(n)`` [#]_
``minmax``  ``(x - min)/(max - min)`` ``(max - x)/(max - min)``    ``1``
``max``     ``x / max``               ``1 - x / max``              ``1`` (cost ``0``)
``sum``     ``x / sum(x)``            ``(1/x) / sum(1/x)``         ``1/n``
==========  ========================  ===========================  ======================

.. [#] cost: ``1 - 1/sqrt(n)``.

``bounds`` (absolute mode) is defined for ``minmax`` only:
``r_ij = (x_ij - worst_j) / (best_j - worst_j)`` for both directions, a value
that depends on the project's own value and the bounds only. ``vector``,
``max`` and ``sum`` are relative to the evaluated set by construction and
raise :class:`~ppeval.errors.InputError` when given bounds.

References
----------
Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
and Applications*. Springer (vector normalisation, linear scale transformations).

Jahan, A. & Edwards, K. L. (2015). A state-of-the-art survey on the influence of
normalization techniques in ranking: Improving the materials selection process
in engineering design. *Materials & Design* 65, 335-342.

Kizielewicz, B., Shekhovtsov, A. & Sałabun, W. (2023). pymcdm -- The universal
library for solving multi-criteria decision-making problems. *SoftwareX* 22,
101368 (the cost conventions followed here).
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_bounds, as_matrix, as_types, check_within_bounds, locate
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError

# `max` and `sum` below shadow the builtins inside this module (public names from DESIGN.md);
# module code uses `builtins.max` where it needs the builtin.
__all__ = ["vector", "minmax", "max", "sum"]

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
    g = builtins.max(1, 512 // m)
    q = (n // g) * g
    if n * m < 1 << 16 or not x.flags.c_contiguous:  # small: fewer calls win
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
    if builtins.max(float(hi.max()), -float(lo.min())) <= _SAFE_HI:
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


# --------------------------------------------------------------------------- validation
def _validate(matrix: Any, types: Any) -> tuple[FloatArray, IntArray]:
    x = as_matrix(matrix, "matrix")
    t = as_types(types, x.shape[1])
    return x, t


def _relative_only(name: str, bounds: Any) -> None:
    if bounds is not None:
        raise InputError(
            f"bounds were given but {name} normalization is relative to the evaluated set by construction; "
            "absolute mode (bounds) is defined for minmax normalization only"
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
    if kind == "minmax":
        if bounds is not None:
            b = _absolute(x, types, bounds, lo, hi)
            return _bounds_linear(b), b
        return _minmax_linear(types, lo, hi), None
    _relative_only(kind, bounds)
    if kind == "vector":
        return _vector_linear(x, types, lo, hi), None
    if kind == "max":
        return _max_linear(x, types, lo, hi), None
    if kind == "sum":
        _require_nonnegative(x, lo, "sum normalization (x / sum x_j)")
        return _sum_benefit_linear(x), None
    raise InputError(  # pragma: no cover - callers check the name first
        f"normalization is {kind!r}; valid values are 'vector', 'minmax', 'max', 'sum'"
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


# --------------------------------------------------------------------------- public API
def vector(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Vector (Euclidean) normalisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix, alternatives in rows, finite values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: vector normalisation is relative to the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``r_ij = x_ij / ||x_j||`` for a benefit column and ``1 - x_ij / ||x_j||``
        for a cost column, with ``||x_j|| = sqrt(sum_i x_ij^2)``.

    Raises
    ------
    InputError
        If ``matrix`` is not a finite 2-D array, ``types`` is invalid,
        ``bounds`` is given, or a column's norm is non-zero but below the
        normal float64 range (a column of subnormal values; rescale it).

    Notes
    -----
    The cost variant ``1 - x/||x||`` is the convention of pymcdm's
    ``vector_normalization(x, cost=True)``. It reverses the order of a cost
    column by an affine map, so TOPSIS distances (and hence closeness) equal
    those of Hwang & Yoon's original formulation, which keeps ``x/||x||`` and
    takes the column minimum as the ideal of a cost criterion. Negative values
    are allowed (the map is still monotone). An all-zero column is treated as
    the constant column it is: every entry becomes ``1/sqrt(n)`` (cost:
    ``1 - 1/sqrt(n)``), the value of any constant positive column.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making:
    Methods and Applications*. Springer.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.vector([[3.0, 1.0], [4.0, 1.0]], [1, -1]).round(4)
    array([[0.6   , 0.2929],
           [0.8   , 0.2929]])
    """
    x, t = _validate(matrix, types)
    _relative_only("vector", bounds)
    return _normalized(x, t, "vector", None)


def minmax(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Min-max (linear interval) normalisation in benefit orientation, relative or absolute.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix, alternatives in rows, finite values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` raw value per criterion (absolute mode). Worst < best
        for a benefit criterion, worst > best for a cost criterion; every value
        of ``matrix`` must lie within its bounds.

    Returns
    -------
    ndarray, shape (n, m)
        Values in [0, 1]. Relative mode: ``(x - min_j) / (max_j - min_j)``
        (benefit) and ``(max_j - x) / (max_j - min_j)`` (cost). Absolute mode:
        ``(x - worst_j) / (best_j - worst_j)`` for both directions.

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``; ``bounds`` of the wrong shape, equal,
        oriented against ``types``, or a value outside its bounds; a column
        whose range overflows float64.

    Notes
    -----
    A constant column (relative mode) carries no information; every entry
    becomes ``1.0`` (every alternative is at the best observed value), as in
    pymcdm's ``minmax_normalization``. In TOPSIS such a column contributes
    nothing (ideal and anti-ideal coincide); in WSM it adds the same ``w_j`` to
    every score. In absolute mode a project's values depend only on its own
    raw values and the bounds.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making:
    Methods and Applications*. Springer (linear scale transformation).

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.minmax([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], [1, -1])
    array([[0. , 1. ],
           [1. , 0. ],
           [0.5, 0.5]])
    >>> normalize.minmax([[50.0, 2.0]], [1, -1], bounds=[[0, 100], [10, 0]])
    array([[0.5, 0.8]])
    """
    x, t = _validate(matrix, types)
    return _normalized(x, t, "minmax", bounds)


def max(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Max (linear ratio) normalisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix with finite, non-negative values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: max normalisation is relative to the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``x_ij / max_j`` (benefit) and ``1 - x_ij / max_j`` (cost), in [0, 1].

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``, a negative value, or ``bounds`` given.

    Notes
    -----
    The cost variant ``1 - x/max`` is pymcdm's ``max_normalization(x,
    cost=True)``. An all-zero column is a constant column: ``1`` (benefit) or
    ``0`` (cost), the values of any constant positive column.

    References
    ----------
    Jahan, A. & Edwards, K. L. (2015). *Materials & Design* 65, 335-342.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.max([[2.0, 2.0], [4.0, 8.0]], [1, -1])
    array([[0.5 , 0.75],
           [1.  , 0.  ]])
    """
    x, t = _validate(matrix, types)
    _relative_only("max", bounds)
    return _normalized(x, t, "max", None)


def sum(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Sum (proportion) normalisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix with finite, non-negative values; a cost column must be
        strictly positive unless it is all zero.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: sum normalisation is relative to the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``x_ij / sum_i x_ij`` (benefit) and ``(1/x_ij) / sum_i (1/x_ij)``
        (cost); every column sums to 1.

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``, a negative value, a zero in a cost
        column that is not all zero, or ``bounds`` given.

    Notes
    -----
    The cost variant is pymcdm's ``sum_normalization(x, cost=True)``; it is
    computed as ``(min/x) / sum(min/x)``, which is the same value without
    overflow of ``1/x``. An all-zero column is a constant column and gets
    ``1/n`` in both directions.

    References
    ----------
    Jahan, A. & Edwards, K. L. (2015). *Materials & Design* 65, 335-342.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.sum([[1.0, 1.0], [3.0, 3.0]], [1, -1])
    array([[0.25, 0.75],
           [0.75, 0.25]])
    """
    x, t = _validate(matrix, types)
    _relative_only("sum", bounds)
    return _normalized(x, t, "sum", None)
