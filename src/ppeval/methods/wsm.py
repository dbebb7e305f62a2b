"""WSM: simple additive weighting of normalised values (Fishburn 1967; MacCrimmon 1968)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppeval._checks import as_matrix, as_types, one_of
from ppeval._normcore import _extrema, _Linear, _linear, _normalized
from ppeval._typing import FloatArray, Normalization
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

__all__ = ["wsm"]

_NORMALIZATIONS = ("minmax", "vector", "max", "sum", "zscore", "mean", "shift")


def wsm(
    matrix: Any,
    weights: Any,
    types: Any,
    normalization: Normalization = "minmax",
    bounds: Any = None,
) -> FloatArray:
    """Weighted sum model (simple additive weighting); higher is better.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix: ``n`` alternatives (rows) on ``m`` criteria, finite.
    weights : array_like, shape (m,) or (k, m)
        One weight vector or a batch of ``k``; each non-negative, summing to 1
        (within 1e-9).
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    normalization : {"minmax", "vector", "max", "sum", "zscore", "mean", "shift"}, default "minmax"
        Normalisation to benefit orientation (:mod:`ppeval.normalize`). With
        ``bounds`` only ``"minmax"`` is defined.
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` raw value per criterion: absolute mode, a project's
        score depends on its own row and the bounds only.

    Returns
    -------
    ndarray, shape (n,) or (k, n)
        ``U_i = sum_j w_j r_ij``, one row per weight vector. With ``"minmax"``
        (relative or absolute) the scores lie in [0, 1] (to rounding: a sum of
        weights that are 1 to the last bit may exceed 1 by an ulp).

    Raises
    ------
    InputError
        Invalid matrix, types, weights, normalization name, bounds, or values
        the chosen normalisation cannot take.

    Notes
    -----
    .. math:: U_i = \\sum_j w_j r_{ij}

    with ``r`` the benefit-oriented normalised matrix. For a batch ``W``
    ``(k, m)`` the scores are ``W r^T``, computed per block of rows (no
    ``(k, n, m)`` array). Degenerate columns follow the normalisation: with
    ``"minmax"`` a constant column is ``1`` for every alternative and adds the
    same ``w_j`` to every score, so ranks are unaffected; a single alternative
    (relative mode) scores ``sum_j w_j = 1``.

    WSM is the additive value model: it is meaningful when the criteria are
    preferentially independent and the normalised values are on interval
    scales with comparable ranges (Fishburn 1967).

    References
    ----------
    Fishburn, P. C. (1967). Additive utilities with incomplete product set:
    Application to priorities and assignments. *Operations Research* 15(3),
    537-542.

    MacCrimmon, K. R. (1968). *Decisionmaking among multiple-attribute
    alternatives: A survey and consolidated approach*. RAND Memorandum
    RM-4823-ARPA.

    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making:
    Methods and Applications*. Springer (simple additive weighting).

    Examples
    --------
    >>> from ppeval.methods import wsm
    >>> wsm([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], [0.75, 0.25], [1, -1])
    array([0.25, 0.75, 0.5 ])
    >>> wsm([[50.0, 2.0]], [0.5, 0.5], [1, -1], bounds=[[0, 100], [10, 0]])
    array([0.65])
    """
    x = as_matrix(matrix, "matrix")
    n, m = x.shape
    t = as_types(types, m)
    w, single = weight_batch(weights, m)
    kind = one_of(normalization, _NORMALIZATIONS, "normalization")
    if bounds is not None and kind != "minmax":
        raise InputError(
            f"normalization is {kind!r} but bounds were given; absolute mode is defined for "
            "normalization='minmax' only"
        )
    lo, hi = _extrema(x)
    if kind == "sum" and (t < 0).any():
        # (1/x)/sum(1/x) is not affine: score the normalised matrix itself
        data = _normalized(x, t, "sum", None)
        zeros = np.zeros(m)
        lin = _Linear(origin=zeros, denom=np.ones(m), offset=zeros)
    else:
        data = x
        lin, _ = _linear(x, t, kind, bounds, lo, hi)
    out = np.empty((w.shape[0], n))
    _weighted_sums(data, lin, w, out)
    return shape_result(out, single)


def _weighted_sums(x: FloatArray, lin: _Linear, w: FloatArray, out: FloatArray) -> None:
    """``out = w @ r.T`` with ``r = lin.apply(x)`` built one block of rows at a time.

    A batch is multiplied in tiles of ``TILE_BYTES`` (see :mod:`ppeval.methods._batch`).
    """
    n, m = x.shape
    step = min(block_rows(m), n)
    buf = np.empty((step, m))
    single = w.shape[0] == 1
    for rows in row_blocks(n, m):
        r = lin.apply(x[rows], out=buf[: rows.stop - rows.start])
        if single:
            matvec(r, w[0], out[0, rows])  # bit-identical whatever n (see _batch)
            continue
        for ks in weight_chunks(w.shape[0], r.shape[0], chunk_bytes=TILE_BYTES):
            np.matmul(w[ks], r.T, out=out[ks, rows])
