"""Fuzzy AHP on triangular fuzzy judgments (Buckley 1985); re-exported by :mod:`ppeval.ahp`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import RECIPROCAL_TOL, locate, readonly, reject_complex
from ppeval._typing import ArrayLike, FloatArray
from ppeval.errors import InputError

__all__ = ["FuzzyAHPResult", "fuzzy_priorities", "fuzzy_aggregate", "as_fuzzy_judgments"]


@dataclass(frozen=True)
class FuzzyAHPResult:
    """Priorities of a triangular fuzzy pairwise comparison matrix (Buckley's geometric mean).

    Attributes
    ----------
    weights : ndarray of shape (n,)
        Crisp priorities: the centroids ``(l + m + u) / 3`` of the fuzzy
        weights, divided by their sum; positive, summing to 1, read-only.
    fuzzy_weights : ndarray of shape (n, 3)
        Triangular fuzzy weights ``(l_i, m_i, u_i)`` of Buckley's method
        (before defuzzification), read-only.
    modal_cr : float
        Saaty's consistency ratio of the modal matrix (the ``m`` values, an
        ordinary reciprocal matrix), by the row geometric mean
        (:func:`ppeval.ahp.priorities` with ``method="geometric_mean"``); a
        common check of fuzzy judgments (Buckley 1985 gives none of his own).
    """

    weights: FloatArray
    fuzzy_weights: FloatArray
    modal_cr: float


def as_fuzzy_judgments(x: Any, name: str = "judgments", *, tol: float = RECIPROCAL_TOL) -> FloatArray:
    """Validate a triangular fuzzy pairwise matrix of shape ``(n, n, 3)``.

    Checks: shape, finite, positive, ``l <= m <= u``, diagonal ``(1, 1, 1)``
    and fuzzy reciprocity ``a_ji = (1/u_ij, 1/m_ij, 1/l_ij)`` (within ``tol``).
    """
    reject_complex(x, name)
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric: {exc}") from None
    if arr.ndim != 3 or arr.shape[0] != arr.shape[1] or arr.shape[2] != 3 or arr.shape[0] < 1:
        raise InputError(
            f"{name} must have shape (n, n, 3): a triangular fuzzy number (l, m, u) per pair; got {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j, k = locate(bad)
        raise InputError(f"{name}[{i}, {j}, {k}] is {arr[i, j, k]}; judgments must be finite")
    nonpos = arr <= 0
    if nonpos.any():
        i, j, k = locate(nonpos)
        raise InputError(f"{name}[{i}, {j}, {k}] is {arr[i, j, k]}; judgments must be positive")
    order = (arr[..., 0] > arr[..., 1]) | (arr[..., 1] > arr[..., 2])
    if order.any():
        i, j = locate(order)
        raise InputError(
            f"{name}[{i}, {j}] is {tuple(arr[i, j].tolist())}; a triangular fuzzy number (l, m, u) needs l <= m <= u"
        )
    n = arr.shape[0]
    diag = arr[np.arange(n), np.arange(n)]
    off = (diag != 1.0).any(axis=1)
    if off.any():
        i = int(np.argmax(off))
        raise InputError(f"{name}[{i}, {i}] is {tuple(diag[i].tolist())}; the diagonal must be (1, 1, 1)")
    recip = 1.0 / arr.transpose(1, 0, 2)[..., ::-1]  # (1/u_ji, 1/m_ji, 1/l_ji)
    wrong = (np.abs(arr / recip - 1.0) > tol).any(axis=2)
    if wrong.any():
        i, j = locate(np.triu(wrong, 1) | np.tril(wrong, -1))
        i, j = min(i, j), max(i, j)
        raise InputError(
            f"{name}[{j}, {i}] is {tuple(arr[j, i].tolist())} but the reciprocal of {name}[{i}, {j}] = "
            f"{tuple(arr[i, j].tolist())} is {tuple(np.round(recip[j, i], 6).tolist())}; fuzzy judgments must "
            "be reciprocal: a_ji = (1/u_ij, 1/m_ij, 1/l_ij)"
        )
    return arr


def fuzzy_priorities(judgments: ArrayLike) -> FuzzyAHPResult:
    r"""Fuzzy AHP priorities from triangular fuzzy judgments by Buckley's geometric mean.

    Parameters
    ----------
    judgments : array_like, shape (n, n, 3)
        ``judgments[i, j] = (l, m, u)``: a triangular fuzzy number saying
        how many times more important element ``i`` is than ``j``
        (e.g. "moderately more" ``(2, 3, 4)``). Positive, ``l <= m <= u``,
        diagonal ``(1, 1, 1)``, reciprocal ``a_ji = (1/u_ij, 1/m_ij, 1/l_ij)``.

    Returns
    -------
    FuzzyAHPResult
        Crisp ``weights``, the ``fuzzy_weights`` and ``modal_cr``.

    Raises
    ------
    InputError
        If the judgments fail a check above (the message names the cell).

    Notes
    -----
    Buckley (1985): the fuzzy geometric mean of each row, component-wise,

    .. math::

        \tilde r_i = \Bigl(\prod_j l_{ij}\Bigr)^{1/n}, \Bigl(\prod_j m_{ij}\Bigr)^{1/n},
        \Bigl(\prod_j u_{ij}\Bigr)^{1/n},
        \qquad
        \tilde w_i = \tilde r_i \otimes (\tilde r_1 \oplus \dots \oplus \tilde r_n)^{-1}
        = \Bigl(\frac{l_i}{\sum_k u_k}, \frac{m_i}{\sum_k m_k}, \frac{u_i}{\sum_k l_k}\Bigr),

    with the usual approximate arithmetic of triangular numbers (the inverse
    of ``(l, m, u)`` is ``(1/u, 1/m, 1/l)``). The fuzzy weights are
    defuzzified by their centroid ``(l + m + u) / 3`` and normalised to sum
    to 1. With crisp judgments (``l = m = u``) the result equals the row
    geometric mean priorities of ordinary AHP.

    Chang's (1996) extent analysis is deliberately not offered: it can assign
    a zero weight to a criterion that the judgments clearly say matters, so
    its weights do not represent the relative importance of the criteria
    (Wang, Luo & Hua 2008).

    References
    ----------
    Buckley, J. J. (1985). Fuzzy hierarchical analysis. Fuzzy Sets and
    Systems, 17(3), 233-247.

    Chang, D.-Y. (1996). Applications of the extent analysis method on fuzzy
    AHP. European Journal of Operational Research, 95(3), 649-655.

    Wang, Y.-M., Luo, Y., & Hua, Z. (2008). On the extent analysis method for
    fuzzy AHP and its applications. European Journal of Operational Research,
    186(2), 735-747.

    Examples
    --------
    >>> from ppeval.ahp import fuzzy_priorities
    >>> a = [[(1, 1, 1), (2, 3, 4)], [(1/4, 1/3, 1/2), (1, 1, 1)]]
    >>> r = fuzzy_priorities(a)
    >>> print([round(float(v), 4) for v in r.weights])
    [0.7424, 0.2576]
    """
    a = as_fuzzy_judgments(judgments)
    n = a.shape[0]
    r = np.exp(np.log(a).mean(axis=1))  # (n, 3): row geometric means of l, m, u
    tot = r.sum(axis=0)  # (sum l, sum m, sum u)
    fw = np.column_stack([r[:, 0] / tot[2], r[:, 1] / tot[1], r[:, 2] / tot[0]])
    centroid = fw.mean(axis=1)
    w = centroid / centroid.sum()
    from ppeval.ahp import priorities

    cr = float(priorities(a[..., 1], method="geometric_mean").cr) if n > 2 else 0.0
    return FuzzyAHPResult(weights=readonly(w), fuzzy_weights=readonly(fw), modal_cr=cr)


def fuzzy_aggregate(judgments: ArrayLike, weights: ArrayLike | None = None) -> FloatArray:
    r"""Combine several experts' triangular fuzzy judgments by the weighted geometric mean.

    Parameters
    ----------
    judgments : array_like, shape (k, n, n, 3)
        ``k`` fuzzy pairwise matrices of the same elements, each valid for
        :func:`fuzzy_priorities`.
    weights : array_like, shape (k,), optional
        Non-negative expert weights summing to 1 (default equal).

    Returns
    -------
    numpy.ndarray, shape (n, n, 3)
        ``(prod_e l_e^{w_e}, prod_e m_e^{w_e}, prod_e u_e^{w_e})`` per cell: a
        valid reciprocal fuzzy matrix (the geometric mean of reciprocals is the
        reciprocal of the geometric mean).

    Raises
    ------
    InputError
        If a matrix is invalid (the message names the expert), the shapes
        differ, or the weights are invalid.

    Notes
    -----
    Buckley (1985) combines several experts' fuzzy judgments by the
    geometric mean of each of ``l``, ``m`` and ``u``; the weighted form is
    the AIJ rule of crisp AHP (Forman & Peniwati 1998) applied to each
    component.

    References
    ----------
    Buckley, J. J. (1985). Fuzzy hierarchical analysis. Fuzzy Sets and
    Systems, 17(3), 233-247.

    Examples
    --------
    >>> from ppeval.ahp import fuzzy_aggregate
    >>> a = [[(1, 1, 1), (1, 2, 3)], [(1/3, 1/2, 1), (1, 1, 1)]]
    >>> b = [[(1, 1, 1), (3, 4, 5)], [(1/5, 1/4, 1/3), (1, 1, 1)]]
    >>> print(fuzzy_aggregate([a, b])[0, 1].round(4).tolist())
    [1.7321, 2.8284, 3.873]
    """
    reject_complex(judgments, "judgments")
    try:
        stack = np.asarray(judgments, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"judgments must be numeric: {exc}") from None
    if stack.ndim != 4 or stack.shape[0] < 1:
        raise InputError(f"judgments must have shape (k, n, n, 3): k experts' fuzzy matrices; got {stack.shape}")
    for e in range(stack.shape[0]):
        as_fuzzy_judgments(stack[e], f"judgments[{e}]")
    k = stack.shape[0]
    if weights is None:
        w = np.full(k, 1.0 / k)
    else:
        reject_complex(weights, "weights")
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (k,) or not np.isfinite(w).all() or (w < 0).any() or abs(float(w.sum()) - 1.0) > 1e-9:
            raise InputError(
                f"weights must be {k} finite non-negative numbers summing to 1 (one per expert); got {w.tolist()}"
            )
    out: FloatArray = np.exp(np.tensordot(w, np.log(stack), axes=1))
    return out
