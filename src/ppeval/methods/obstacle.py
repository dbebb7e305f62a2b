"""Obstacle degree: each indicator's share of the points a project lost (障碍度模型)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppeval._checks import as_matrix, as_weights, locate
from ppeval._typing import FloatArray
from ppeval.errors import InputError

__all__ = ["obstacle_degree", "NORMALIZED_TOL"]

#: Values of ``normalized`` may exceed [0, 1] by this much (rounding of a normalisation).
NORMALIZED_TOL = 1e-9


def obstacle_degree(normalized: Any, weights: Any) -> FloatArray:
    """Obstacle degree of every indicator for every project; higher means it holds the project back more.

    Parameters
    ----------
    normalized : array_like, shape (n, m)
        Benefit-oriented normalised values in [0, 1] (1 = the best value), e.g.
        :func:`ppeval.normalize.minmax` against the bounds or the evaluated
        set, or ``EvaluationResult.normalized``.
    weights : array_like, shape (m,)
        Global indicator weights (factor contribution degrees), non-negative,
        summing to 1 (within 1e-9).

    Returns
    -------
    ndarray, shape (n, m)
        ``O_ij`` in [0, 1]; every row sums to 1, except the row of a project
        that lost no points (every weighted indicator at its best value),
        which is all zero: it has no obstacle.

    Raises
    ------
    InputError
        ``normalized`` not a finite 2-D array, a value outside [0, 1] (beyond
        :data:`NORMALIZED_TOL`, named by cell), or invalid ``weights``.

    Notes
    -----
    With the deviation degree ``I_ij = 1 - x_ij`` and the factor contribution
    degree ``w_j``:

    .. math::

        O_{ij} = \\frac{I_{ij} w_j}{\\sum_k I_{ik} w_k}.

    ``100 I_ij w_j`` are the points project ``i`` lost on indicator ``j``
    against the best value (``EvaluationResult.shortfall``), so ``O_ij`` is
    each indicator's share of everything the project lost, and a dimension's
    or stage's obstacle degree is the sum over its indicators. The ranking of
    a project's indicators by ``O_ij`` is its ranking by lost points (same
    denominator within a row): the weakest indicators *are* the main
    obstacles. Values within :data:`NORMALIZED_TOL` outside [0, 1] are
    clipped.

    References
    ----------
    The obstacle degree model (障碍度模型) of Chinese evaluation studies
    (urbanisation, ecological security, public-service performance), where it
    follows an entropy- or AHP-weighted index; the three quantities (factor
    contribution degree, deviation degree, obstacle degree) are those above.
    No single original source is agreed on in that literature; ppeval
    implements the common form.

    Examples
    --------
    >>> from ppeval.methods import obstacle_degree
    >>> obstacle_degree([[0.5, 1.0, 0.0], [1.0, 1.0, 1.0]], [0.2, 0.3, 0.5])
    array([[0.16666667, 0.        , 0.83333333],
           [0.        , 0.        , 0.        ]])
    """
    x = as_matrix(normalized, "normalized")
    m = x.shape[1]
    w, single = as_weights(weights, m)
    if not single:
        raise InputError(f"weights must be one weight vector of shape ({m},); got shape {w.shape}")
    lo, hi = float(x.min()), float(x.max())
    if lo < -NORMALIZED_TOL or hi > 1.0 + NORMALIZED_TOL:
        i, j = locate((x < -NORMALIZED_TOL) | (x > 1.0 + NORMALIZED_TOL))
        raise InputError(
            f"normalized[{i}, {j}] is {x[i, j]}; obstacle degrees need benefit-oriented values in [0, 1] "
            "(normalise first, e.g. ppeval.normalize.minmax)"
        )
    return degrees(x, w[0])


def degrees(x: FloatArray, w: FloatArray) -> FloatArray:
    """The arithmetic of :func:`obstacle_degree` without the checks (rows independent: a block of rows
    gives the same bits as the whole matrix)."""
    lost = np.subtract(1.0, x)
    np.clip(lost, 0.0, 1.0, out=lost)
    lost *= w
    total = lost.sum(axis=1, keepdims=True)
    if total.shape[0] and total.min() > 0.0:  # no row without a loss: the division in place, no mask
        lost /= total
        return lost
    out = np.zeros_like(lost)
    np.divide(lost, total, out=out, where=total > 0.0)
    return out
