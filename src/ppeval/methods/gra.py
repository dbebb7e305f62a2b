"""Grey relational analysis (Deng 1982): grey relational grade to the ideal, and relational degrees of factors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_matrix, as_types, as_vector, one_of, readonly
from ppeval._normcore import _extrema, _Linear, _linear
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import DegenerateError, InputError
from ppeval.methods._batch import (
    TILE_BYTES,
    block_rows,
    matvec,
    row_blocks,
    shape_result,
    weight_batch,
    weight_chunks,
)

__all__ = ["gra", "grey_coefficients", "RelationalDegrees", "relational_degrees", "DEFAULT_RHO"]

#: Deng's usual distinguishing coefficient.
DEFAULT_RHO = 0.5


def _as_rho(rho: Any) -> float:
    if isinstance(rho, bool) or not isinstance(rho, int | float | np.integer | np.floating):
        raise InputError(f"rho is {rho!r}; the distinguishing coefficient must be a number in (0, 1]")
    r = float(rho)
    if not 0.0 < r <= 1.0:
        raise InputError(f"rho is {r!r}; the distinguishing coefficient must lie in (0, 1] (Deng uses 0.5)")
    return r


@dataclass(frozen=True)
class _Grey:
    """Prepared problem: ``xi_ij = num / (shift - (x_ij - origin_j) / denom_j)`` (see :func:`_prepare`)."""

    lin: _Linear
    base: FloatArray  # 1 - offset_j: delta_ij = base_j - r_ij
    spread: float  # rho * d_max, added after the deviation (1 + rho * d_max would round rho < 1e-16 away)
    num: float  # d_min + rho * d_max
    degenerate: bool  # d_max == 0: every alternative equals the reference; xi = 1


def _prepare(matrix: Any, types: Any, rho: Any, bounds: Any) -> tuple[FloatArray, _Grey]:
    x = as_matrix(matrix, "matrix")
    t = as_types(types, x.shape[1])
    p = _as_rho(rho)
    lo, hi = _extrema(x)
    lin, b = _linear(x, t, "minmax", bounds, lo, hi)
    if b is not None:
        # absolute mode: the reference is the best bound (r = 1) and the two-level extremes are those of every
        # plausible value (0 and 1), so a project's coefficients depend on its own row and the bounds only
        d_min, d_max = 0.0, 1.0
    else:
        r_lo = lin.apply(lo[None, :])[0]
        r_hi = lin.apply(hi[None, :])[0]
        d_min = float(1.0 - np.maximum(r_lo, r_hi).max())
        d_max = float(1.0 - np.minimum(r_lo, r_hi).min())
        d_min = max(d_min, 0.0)  # rounding
    spread = p * d_max
    return x, _Grey(lin=lin, base=1.0 - lin.offset, spread=spread, num=d_min + spread, degenerate=d_max <= 0.0)


def _coefficients_block(xb: FloatArray, g: _Grey, out: FloatArray) -> FloatArray:
    """Grey relational coefficients of a block of rows, written into ``out``."""
    if g.degenerate:
        out[...] = 1.0
        return out
    np.subtract(xb, g.lin.origin, out=out)
    out /= g.lin.denom
    np.subtract(g.base, out, out=out)  # delta_ij
    out += g.spread  # delta_ij + rho * d_max
    np.divide(g.num, out, out=out)
    return out


def grey_coefficients(matrix: Any, types: Any, *, rho: float = DEFAULT_RHO, bounds: Any = None) -> FloatArray:
    """Grey relational coefficients of every alternative and criterion to the ideal (Deng 1982).

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix, finite values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    rho : float, default 0.5
        Distinguishing coefficient in (0, 1]; smaller values spread the
        coefficients further apart.
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` per criterion: absolute mode (see :func:`gra`).

    Returns
    -------
    ndarray, shape (n, m)
        ``xi_ij`` in ``(0, 1]``; 1 where an alternative is at the reference
        value.

    Raises
    ------
    InputError
        Invalid matrix, types, bounds (see :func:`ppeval.normalize.minmax`) or
        ``rho`` outside (0, 1].

    Notes
    -----
    See :func:`gra` for the formula.

    Examples
    --------
    >>> from ppeval.methods import grey_coefficients
    >>> grey_coefficients([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], [1, -1]).round(4)
    array([[0.3333, 1.    ],
           [1.    , 0.3333],
           [0.5   , 0.5   ]])
    """
    x, g = _prepare(matrix, types, rho, bounds)
    out = np.empty(x.shape)
    for rows in row_blocks(*x.shape):
        _coefficients_block(x[rows], g, out[rows])
    return out


def gra(
    matrix: Any, weights: Any, types: Any, *, rho: float = DEFAULT_RHO, bounds: Any = None
) -> FloatArray:
    """Grey relational grade of every alternative to the ideal alternative (Deng 1982); higher is better.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix: ``n`` alternatives (rows) on ``m`` criteria, finite.
    weights : array_like, shape (m,) or (k, m)
        One weight vector or a batch of ``k``; each non-negative, summing to 1
        (within 1e-9).
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    rho : float, default 0.5
        Distinguishing coefficient in (0, 1] (Deng's 0.5 is the convention).
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` raw value per criterion: absolute mode, a project's
        grade depends on its own row and the bounds only.

    Returns
    -------
    ndarray, shape (n,) or (k, n)
        Grades ``gamma_i`` in ``(0, 1]``, one row per weight vector.

    Raises
    ------
    InputError
        Invalid matrix, weights, types, bounds or ``rho``.

    Notes
    -----
    Values are min-max normalised to benefit orientation, ``r_ij`` in [0, 1]
    (against the evaluated set, or against the bounds in absolute mode). The
    reference (ideal) sequence is the best normalised value of every
    criterion, ``r_0j = 1``, and the deviations are ``Delta_ij = 1 - r_ij``.
    With the two-level minimum and maximum ``Delta_min = min_i min_j
    Delta_ij`` and ``Delta_max = max_i max_j Delta_ij``:

    .. math::

        \\xi_{ij} = \\frac{\\Delta_{\\min} + \\rho \\Delta_{\\max}}{\\Delta_{ij} + \\rho \\Delta_{\\max}},
        \\qquad \\gamma_i = \\sum_j w_j \\xi_{ij}.

    In relative mode ``Delta_min = 0`` and ``Delta_max = 1`` unless every
    criterion is constant. In absolute mode the extremes are taken over every
    plausible value rather than over the evaluated projects (``Delta_min =
    0``, ``Delta_max = 1``: the bounds), so ``xi_ij = rho / (1 - r_ij + rho)``
    and adding or removing a project changes no other grade.

    The coefficients do not depend on the weights, so a batch of weight
    vectors is one matrix product ``W xi^T``, computed per block of rows
    (no ``(n, m)`` copy of the matrix for a single weight vector).

    Degenerate case: when every criterion is constant (relative mode,
    ``Delta_max = 0``) every alternative equals the reference, ``xi = 1`` and
    every grade is 1 (a tie).

    References
    ----------
    Deng, J. (1982). Control problems of grey systems. *Systems & Control
    Letters* 1(5), 288-294.

    Deng, J. (1989). Introduction to grey system theory. *The Journal of Grey
    System* 1(1), 1-24.

    Kuo, Y., Yang, T. & Huang, G.-W. (2008). The use of grey relational
    analysis in solving multiple attribute decision-making problems.
    *Computers & Industrial Engineering* 55(1), 80-93.

    Examples
    --------
    The example of Yıldırım & Önder (2015) (printed in JMcDM's documentation:
    0.525, 0.7007, 0.5464, 0.5763, 0.6510):

    >>> from ppeval.methods import gra
    >>> x = [[105000, 105, 10, 4, 300, 10], [120000, 110, 15, 4, 500, 8], [150000, 120, 12, 3, 550, 12],
    ...      [115000, 105, 20, 4, 600, 9], [135000, 115, 15, 5, 400, 9]]
    >>> gra(x, [0.05, 0.2, 0.1, 0.15, 0.1, 0.4], [-1, 1, -1, 1, 1, -1]).round(4)
    array([0.525 , 0.7007, 0.5464, 0.5763, 0.651 ])
    """
    x, g = _prepare(matrix, types, rho, bounds)
    n, m = x.shape
    w, single = weight_batch(weights, m)
    out = np.empty((w.shape[0], n))
    step = min(block_rows(m), n)
    buf = np.empty((step, m))
    for rows in row_blocks(n, m):
        xi = _coefficients_block(x[rows], g, buf[: rows.stop - rows.start])
        if w.shape[0] == 1:
            matvec(xi, w[0], out[0, rows])  # bit-identical whatever n (see _batch)
            continue
        for ks in weight_chunks(w.shape[0], xi.shape[0], chunk_bytes=TILE_BYTES):
            np.matmul(w[ks], xi.T, out=out[ks, rows])
    return shape_result(out, single)


# --------------------------------------------------------------------------- factors vs an outcome
@dataclass(frozen=True, eq=False)
class RelationalDegrees:
    """Grey relational degrees of factor sequences to an outcome sequence (arrays read-only).

    Attributes
    ----------
    degrees : ndarray, shape (m,)
        Relational degree of every factor (column) to the outcome, in (0, 1]:
        the mean of its coefficients over the observations.
    order : ndarray of int, shape (m,)
        Factor columns from the most to the least related (ties keep column order).
    coefficients : ndarray, shape (n, m)
        Grey relational coefficients per observation and factor.
    rho : float
    normalization : str
        ``"mean"``, ``"initial"`` or ``"none"``.
    """

    degrees: FloatArray
    order: IntArray
    coefficients: FloatArray
    rho: float
    normalization: str


def relational_degrees(
    factors: Any, outcome: Any, *, rho: float = DEFAULT_RHO, normalization: str = "mean"
) -> RelationalDegrees:
    """Which indicators move with an outcome: grey relational degrees of factors to a reference sequence.

    Parameters
    ----------
    factors : array_like, shape (n, m)
        ``m`` factor sequences (e.g. indicator columns of ``result.matrix``)
        over ``n >= 2`` observations (projects, years); positive values.
    outcome : array_like, shape (n,)
        The reference (mother) sequence: an outcome indicator or the score.
    rho : float, default 0.5
        Distinguishing coefficient in (0, 1].
    normalization : {"mean", "initial", "none"}, default "mean"
        Dimensionless form of every sequence before comparison: division by
        its mean (均值化) or by its first value (初值化); ``"none"`` uses the
        sequences as given (already dimensionless, e.g. normalised to [0, 1]).

    Returns
    -------
    RelationalDegrees

    Raises
    ------
    InputError
        Invalid arrays, lengths that differ, fewer than 2 observations, a
        sequence whose mean (or first value) is not positive, bad ``rho`` or
        ``normalization``.
    DegenerateError
        Every factor identical to the outcome after normalisation
        (``Delta_max = 0``): the coefficients are 0/0.

    Notes
    -----
    With normalised sequences ``y_0`` (outcome) and ``y_j`` (factors),
    ``Delta_j(i) = |y_0(i) - y_j(i)|``, the two-level extremes over all ``i``
    and ``j``, ``xi_j(i) = (Delta_min + rho Delta_max) / (Delta_j(i) + rho
    Delta_max)`` and the degree ``r_j = mean_i xi_j(i)`` (Deng 1989). A
    degree measures how closely the shapes of the two curves follow each
    other, not a correlation: it is always positive, and a factor that moves
    against the outcome also scores low. With ``"mean"`` every sequence must
    have a positive mean; with ``"initial"`` a positive first value.

    References
    ----------
    Deng, J. (1989). Introduction to grey system theory. *The Journal of Grey
    System* 1(1), 1-24.

    刘思峰 (Liu Sifeng) et al. (2010). *灰色系统理论及其应用* (5th ed.). 科学出版社
    (grey incidence analysis, the averaging and initialing operators).

    Examples
    --------
    >>> from ppeval.methods import relational_degrees
    >>> y = [1.0, 2.0, 3.0, 4.0]
    >>> res = relational_degrees([[1.0, 4.0], [2.1, 3.0], [2.9, 2.0], [4.2, 1.0]], y)
    >>> res.order.tolist(), bool(res.degrees[0] > res.degrees[1])
    ([0, 1], True)
    """
    x = as_matrix(factors, "factors", min_rows=2)
    n, m = x.shape
    y = as_vector(outcome, "outcome", length=n)
    p = _as_rho(rho)
    kind = one_of(normalization, ("mean", "initial", "none"), "normalization")
    if kind == "none":
        with np.errstate(over="ignore"):
            d = np.abs(x - y[:, None])
        if not np.isfinite(d).all():  # values near ±1.8e308 of opposite signs: the halves' deviations
            d = np.abs(x * 0.5 - (y * 0.5)[:, None])  # (the coefficients depend on d / d_max only)
    else:
        if kind == "mean":
            with np.errstate(over="ignore"):  # a sum of values near 1.8e308 overflows; their mean does not
                ref_x, ref_y = x.mean(axis=0), float(y.mean())
            if not (np.isfinite(ref_x).all() and np.isfinite(ref_y)):
                s = 2.0 ** -(n.bit_length() + 1)  # exact power of two: the scaled sum cannot overflow
                ref_x, ref_y = (x * s).mean(axis=0) / s, float((y * s).mean()) / s
            what = "mean"
        else:
            ref_x, ref_y, what = x[0], float(y[0]), "first value"
        if not ref_y > 0.0:
            raise InputError(f"outcome has {what} {ref_y!r}; {kind} normalization needs a positive {what}")
        if not (ref_x > 0.0).all():
            j = int(np.argmin(ref_x > 0.0))
            raise InputError(
                f"factors[:, {j}] has {what} {ref_x[j]!r}; {kind} normalization needs a positive {what}"
            )
        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            d = np.abs(x / ref_x - (y / ref_y)[:, None])
    if not np.isfinite(d).all():
        i, j = (int(v) for v in np.unravel_index(int(np.argmin(np.isfinite(d))), d.shape))
        raise InputError(
            f"factors[{i}, {j}] = {x[i, j]!r} and outcome[{i}] = {y[i]!r} differ by more than the float64 range "
            f"after {kind} normalization; rescale the factors or the outcome"
        )
    d_min, d_max = float(d.min()), float(d.max())
    if d_max == 0.0:
        raise DegenerateError(
            "every factor equals the outcome after normalization (all deviations 0): the relational "
            "coefficients are 0/0; every factor is perfectly related"
        )
    # in units of d_max, so rho * d_max cannot underflow to 0 (0/0) for a tiny rho and small deviations
    xi = (d_min / d_max + p) / (d / d_max + p)
    deg = xi.mean(axis=0)
    order = np.argsort(-deg, kind="stable").astype(np.int64)
    return RelationalDegrees(
        degrees=readonly(deg), order=readonly(order), coefficients=readonly(xi), rho=p, normalization=kind
    )
