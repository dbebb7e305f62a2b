"""VIKOR: compromise ranking by group utility S, individual regret R and index Q.

Opricovic (1998); Opricovic & Tzeng (2004). Lower is better for S, R and Q.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_matrix, as_types, readonly
from ppeval._normcore import _extrema, _minmax_linear
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.methods._batch import (
    TILE_BYTES,
    block_rows,
    matvec,
    row_blocks,
    shape_result,
    weight_batch,
    weight_chunks,
)

__all__ = ["vikor", "VikorResult", "vikor_compromise", "VikorCompromise"]

#: Size of one (weight chunk x rows) tile of the running maximum R (cache-resident).
_R_TILE_BYTES = 1 << 20

#: Absolute tolerance of the acceptable-advantage test ``Q(a2) - Q(a1) >= DQ``
#: (Q lies in [0, 1]); it keeps a computed gap of ``DQ - 1e-16`` from failing.
ADVANTAGE_TOL = 1e-12


@dataclass(frozen=True)
class VikorResult:
    """Result of :func:`vikor`; arrays are read-only, shape ``(n,)`` or ``(k, n)``.

    Attributes
    ----------
    S : ndarray
        Group utility ``S_i = sum_j w_j d_ij`` (weighted Manhattan distance to
        the ideal, in [0, 1]); lower is better.
    R : ndarray
        Individual regret ``R_i = max_j w_j d_ij`` (weighted Chebyshev
        distance); lower is better.
    Q : ndarray
        Compromise index in [0, 1]; lower is better, 0 for the best.
    v : float
        Weight of the group-utility strategy used for ``Q``.
    """

    S: FloatArray
    R: FloatArray
    Q: FloatArray
    v: float


@dataclass(frozen=True)
class VikorCompromise:
    """Compromise solution of VIKOR (Opricovic & Tzeng 2004, step 5).

    For a single weight vector the fields are 0-d arrays (``int(c.best)``,
    ``bool(c.acceptable_advantage)``) and ``members`` has shape ``(n,)``; for a
    batch they have a leading axis ``k``. Arrays are read-only.

    Attributes
    ----------
    best : ndarray of int
        ``a'``: index of the alternative ranked first by Q (the lowest index among
        equal Q).
    acceptable_advantage : ndarray of bool
        Condition C1: ``Q(a'') - Q(a') >= DQ`` with ``a''`` second by Q.
    acceptable_stability : ndarray of bool
        Condition C2: ``a'`` is also ranked first by S or by R (ties count).
    members : ndarray of bool
        The compromise set: ``a'`` alone if C1 and C2 hold; ``a'`` and ``a''``
        if only C2 fails; every alternative with ``Q - Q(a') < DQ`` if C1 fails.
    dq : float
        ``DQ = 1/(n - 1)``; 0 for a single alternative (which is the
        compromise).
    """

    best: IntArray
    acceptable_advantage: BoolArray
    acceptable_stability: BoolArray
    members: BoolArray
    dq: float


def _as_v(v: Any) -> float:
    if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer | np.floating):
        raise InputError(f"v is {v!r}; v must be a number in [0, 1]")
    f = float(v)
    if not (math.isfinite(f) and 0.0 <= f <= 1.0):
        raise InputError(f"v is {f}; v must be a number in [0, 1] (weight of the group-utility strategy)")
    return f


def vikor(matrix: Any, weights: Any, types: Any, v: float = 0.5) -> VikorResult:
    """VIKOR group utility S, individual regret R and compromise index Q.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix: ``n`` alternatives (rows) on ``m`` criteria, finite.
    weights : array_like, shape (m,) or (k, m)
        One weight vector or a batch of ``k``; each non-negative, summing to 1
        (within 1e-9).
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    v : float, default 0.5
        Weight of the strategy of maximum group utility, in [0, 1]
        (``1 - v`` weighs the individual regret; 0.5 is "by consensus").

    Returns
    -------
    VikorResult
        ``S``, ``R``, ``Q`` of shape ``(n,)``, or ``(k, n)`` for a batch; lower
        is better for all three.

    Raises
    ------
    InputError
        Invalid matrix, types, weights, or ``v`` outside [0, 1].

    Notes
    -----
    With ``f*_j`` the best and ``f-_j`` the worst value of criterion ``j``
    (max/min for a benefit, min/max for a cost criterion) and
    ``d_ij = (f*_j - f_ij) / (f*_j - f-_j)``:

    .. math::

        S_i = \\sum_j w_j d_{ij}, \\quad R_i = \\max_j w_j d_{ij}, \\quad
        Q_i = v \\frac{S_i - S^*}{S^- - S^*} + (1 - v) \\frac{R_i - R^*}{R^- - R^*}

    with ``S* = min S``, ``S- = max S``, ``R* = min R``, ``R- = max R``.

    Degenerate cases (defined here; pymcdm raises on the first): a constant
    column has ``f*_j = f-_j`` and gives ``d_ij = 0`` (it cannot favour anyone);
    if ``S- = S*`` (all alternatives have the same group utility) the S-term of
    Q is 0, and likewise the R-term if ``R- = R*``. So identical alternatives,
    or a single alternative, all get ``Q = 0`` (all tie for first). Q is
    clipped to [0, 1] to remove 1-ulp rounding of ``v a + (1 - v) b``.

    A batch computes ``S = W d^T`` as one matrix product per block of rows;
    ``R`` takes a running maximum over the ``m`` criteria of ``w_j d_ij`` on
    ``(k_chunk, rows)`` tiles, so memory stays bounded (no ``(k, n, m)``
    array). Use :func:`vikor_compromise` for the compromise solution.

    References
    ----------
    Opricovic, S. (1998). *Multicriteria Optimization of Civil Engineering
    Systems*. Faculty of Civil Engineering, Belgrade.

    Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods:
    A comparative analysis of VIKOR and TOPSIS. *European Journal of
    Operational Research* 156(2), 445-455.

    Examples
    --------
    Opricovic & Tzeng (2004), Table 3: S = (0.5, 0.375, 0.5),
    R = (0.5, 0.25, 0.5), Q = (1, 0, 1):

    >>> from ppeval.methods import vikor
    >>> res = vikor([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], [-1, 1])
    >>> res.S, res.R, res.Q
    (array([0.5  , 0.375, 0.5  ]), array([0.5 , 0.25, 0.5 ]), array([1., 0., 1.]))
    """
    x = as_matrix(matrix, "matrix")
    n, m = x.shape
    t = as_types(types, m)
    w, single = weight_batch(weights, m)
    vv = _as_v(v)
    lo, hi = _extrema(x)
    # d = (x - f*)/(f- - f*) = 1 - minmax(x); a constant column has denom = +inf, so d = 0
    lin = _minmax_linear(t, lo, hi)
    best = np.where(t > 0, hi, lo)
    denom = np.where(np.isinf(lin.denom), np.inf, -lin.denom)
    k = w.shape[0]
    s_out = np.empty((k, n))
    r_out = np.empty((k, n))
    _utility_regret(x, best, denom, w, s_out, r_out)
    q = _compromise_index(s_out, r_out, vv)
    return VikorResult(
        S=readonly(shape_result(s_out, single)),
        R=readonly(shape_result(r_out, single)),
        Q=readonly(shape_result(q, single)),
        v=vv,
    )


def _utility_regret(
    x: FloatArray,
    best: FloatArray,
    denom: FloatArray,
    w: FloatArray,
    s_out: FloatArray,
    r_out: FloatArray,
) -> None:
    """Fill ``S`` and ``R`` ``(k, n)`` block by block; ``d = (x - best) / denom`` in [0, 1]."""
    n, m = x.shape
    k = w.shape[0]
    step = min(block_rows(m), n)
    buf = np.empty((step, m))
    wbuf = np.empty((step, m))
    tiles: FloatArray | None = None
    for rows in row_blocks(n, m):
        b = rows.stop - rows.start
        d = buf[:b]
        np.subtract(x[rows], best, out=d)
        d /= denom
        np.abs(d, out=d)  # d >= 0 already; this turns the -0.0 of (best - best)/(negative) into +0.0
        if k == 1:
            matvec(d, w[0], s_out[0, rows])  # bit-identical whatever n (see _batch)
            wd = np.multiply(d, w[0], out=wbuf[:b])
            np.max(wd, axis=1, out=r_out[0, rows])
            continue
        dt = np.ascontiguousarray(d.T)  # (m, b): criterion j's gaps contiguous
        for ks in weight_chunks(k, b, chunk_bytes=TILE_BYTES):
            np.matmul(w[ks], dt, out=s_out[ks, rows])
        for ks in weight_chunks(k, b, chunk_bytes=_R_TILE_BYTES):
            kc = ks.stop - ks.start
            if tiles is None or tiles.shape[0] < kc or tiles.shape[1] < b:
                tiles = np.empty((kc, b))
            tile = tiles[:kc, :b]
            reg = r_out[ks, rows]
            np.multiply.outer(w[ks, 0], dt[0], out=reg)
            for j in range(1, m):  # a loop over criteria; each step is a (k_chunk, rows) tile
                np.multiply.outer(w[ks, j], dt[j], out=tile)
                np.maximum(reg, tile, out=reg)


def _compromise_index(s: FloatArray, r: FloatArray, v: float) -> FloatArray:
    """``Q`` ``(k, n)``; a term whose spread is zero contributes 0."""
    q = np.zeros_like(s)
    for values, coef in ((s, v), (r, 1.0 - v)):
        if coef == 0.0:
            continue
        low = values.min(axis=1, keepdims=True)
        span = values.max(axis=1, keepdims=True) - low
        # where span == 0 every value equals `low`, so the term is already 0
        term = np.subtract(values, low)
        np.divide(term, span, out=term, where=span > 0.0)
        term *= coef
        q += term
    np.clip(q, 0.0, 1.0, out=q)
    return q


def vikor_compromise(result: VikorResult) -> VikorCompromise:
    """Compromise solution of VIKOR: acceptable advantage and acceptable stability.

    Parameters
    ----------
    result : VikorResult
        Output of :func:`vikor` (one weight vector or a batch).

    Returns
    -------
    VikorCompromise
        ``best``, the conditions C1 and C2, and the compromise set as a boolean
        mask over the alternatives (one row per weight vector for a batch).

    Raises
    ------
    InputError
        If ``result`` is not a :class:`VikorResult`.

    Notes
    -----
    Opricovic & Tzeng (2004), step 5. Rank by Q ascending; ``a'`` first,
    ``a''`` second.

    * C1 "acceptable advantage": ``Q(a'') - Q(a') >= DQ`` with
      ``DQ = 1/(n - 1)`` (tested with an absolute tolerance of 1e-12).
    * C2 "acceptable stability in decision making": ``a'`` is also best ranked
      by S or/and R.

    If both hold, ``a'`` is the compromise solution. If only C2 fails, the set
    is ``{a', a''}``. If C1 fails, it is ``{a', ..., a^(M)}`` with ``a^(M)`` the
    last alternative with ``Q(a^(M)) - Q(a') < DQ``. A single alternative is the
    compromise (``DQ`` is reported as 0).

    References
    ----------
    Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods:
    A comparative analysis of VIKOR and TOPSIS. *European Journal of
    Operational Research* 156(2), 445-455.

    Examples
    --------
    >>> from ppeval.methods import vikor, vikor_compromise
    >>> c = vikor_compromise(vikor([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], [-1, 1]))
    >>> int(c.best), bool(c.acceptable_advantage), bool(c.acceptable_stability), c.members
    (1, True, True, array([False,  True, False]))
    """
    if not isinstance(result, VikorResult):
        raise InputError(
            f"result must be a VikorResult from ppeval.methods.vikor; got {type(result).__name__}"
        )
    single = result.Q.ndim == 1
    q = np.atleast_2d(result.Q)
    s = np.atleast_2d(result.S)
    r = np.atleast_2d(result.R)
    k, n = q.shape
    rows = np.arange(k)
    order = np.argsort(q, axis=1, kind="stable")
    first = order[:, 0]
    q1 = q[rows, first]
    if n == 1:
        dq = 0.0
        adv = np.ones(k, dtype=bool)
        second = first
    else:
        dq = 1.0 / (n - 1)
        second = order[:, 1]
        adv = q[rows, second] - q1 >= dq - ADVANTAGE_TOL
    stab = (s[rows, first] == s.min(axis=1)) | (r[rows, first] == r.min(axis=1))
    members = np.zeros((k, n), dtype=bool)
    near = (q - q1[:, None]) < dq - ADVANTAGE_TOL
    members[~adv] = near[~adv]
    members[rows, first] = True
    only_c2_fails = adv & ~stab
    members[rows[only_c2_fails], second[only_c2_fails]] = True

    def out(a: np.ndarray) -> np.ndarray:
        return readonly(a[0, ...] if single else a)

    return VikorCompromise(
        best=out(first.astype(np.int64)),
        acceptable_advantage=out(adv),
        acceptable_stability=out(stab),
        members=out(members),
        dq=dq,
    )
