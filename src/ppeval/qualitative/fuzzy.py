"""Triangular fuzzy numbers and fuzzy TOPSIS (Chen 2000).

A triangular fuzzy number (TFN) ``(l, m, u)``, ``l <= m <= u``, has the
membership function rising linearly from ``l`` to 1 at ``m`` and falling to 0
at ``u``. Arrays of TFNs have shape ``(..., 3)``: the last axis holds
``(l, m, u)``. The arithmetic here is the usual interval-of-confidence
arithmetic at the vertices (Kaufmann & Gupta 1985), exact for sums and
crisp multiples and the standard approximation for products of positive
TFNs, as used by Chen (2000).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval._checks import as_types, as_weights
from ppeval._typing import FloatArray, TypesLike
from ppeval.errors import DegenerateError, InputError
from ppeval.qualitative._common import fmt, readonly

__all__ = [
    "as_tfn",
    "tfn_add",
    "tfn_scale",
    "tfn_mul",
    "tfn_mean",
    "vertex_distance",
    "centroid",
    "FuzzyTopsisResult",
    "fuzzy_topsis",
]

AxisIds = Sequence[tuple[str, Sequence[Any] | None]]


def _describe(idx: tuple[int, ...], axes: AxisIds | None) -> str:
    if not axes:
        return ""
    parts = []
    for (label, ids), i in zip(axes, idx, strict=False):
        parts.append(f"{label} {fmt(ids[i]) if ids is not None else i}")
    return " (" + ", ".join(parts) + ")"


def as_tfn(
    x: npt.ArrayLike,
    name: str = "tfn",
    *,
    nonnegative: bool = False,
    axes: AxisIds | None = None,
) -> FloatArray:
    """Return ``x`` as validated triangular fuzzy numbers, shape ``(..., 3)``.

    Parameters
    ----------
    x : array_like, shape (..., 3)
        ``(l, m, u)`` along the last axis.
    name : str
        Argument name for messages.
    nonnegative : bool
        Also require ``l >= 0``.
    axes : sequence of (str, sequence or None), optional
        Names (and ids) of the leading axes for messages, e.g.
        ``[("alternative", ["A1", "A2"]), ("criterion", None)]``.

    Returns
    -------
    ndarray of float64, shape (..., 3)

    Raises
    ------
    InputError
        Wrong shape, a non-finite entry, ``l > m`` or ``m > u`` (or
        ``l < 0`` with ``nonnegative``); the message names the position, the
        ids of ``axes`` and the offending numbers.

    Examples
    --------
    >>> as_tfn([[1, 2, 3], [2, 2, 2]]).shape
    (2, 3)
    """
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric (l, m, u) triples: {exc}") from None
    if a.ndim == 0 or a.shape[-1] != 3:
        raise InputError(f"{name} must have shape (..., 3) holding (l, m, u); got {a.shape}")
    if a.size == 0:
        return a
    finite = np.isfinite(a).all(axis=-1)
    bad = ~finite | (a[..., 0] > a[..., 1]) | (a[..., 1] > a[..., 2])
    if nonnegative:
        bad |= a[..., 0] < 0
    if bad.any():
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), bad.shape))
        l, m, u = a[idx]
        pos = f"{name}[{', '.join(str(i) for i in idx)}]" if idx else name
        what = (
            "must be finite" if not np.isfinite(a[idx]).all()
            else "violates l <= m <= u" if not (l <= m <= u)
            else "must be non-negative (l >= 0)"
        )
        raise InputError(f"{pos} = ({l:g}, {m:g}, {u:g}){_describe(idx, axes)} {what}")
    return a


def tfn_add(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Sum of TFNs: ``(l1 + l2, m1 + m2, u1 + u2)`` (broadcasting over leading axes).

    Raises
    ------
    InputError
        An argument is not a valid TFN array.

    Examples
    --------
    >>> tfn_add([1, 2, 3], [0, 1, 1]).tolist()
    [1.0, 3.0, 4.0]
    """
    return as_tfn(a, "a") + as_tfn(b, "b")


def tfn_scale(a: npt.ArrayLike, k: npt.ArrayLike) -> FloatArray:
    """Crisp multiple ``k * (l, m, u)``; a negative ``k`` reverses the ends: ``(k u, k m, k l)``.

    ``k`` broadcasts against the leading axes of ``a``.

    Raises
    ------
    InputError
        ``a`` is not a valid TFN array or ``k`` is not finite.

    Examples
    --------
    >>> tfn_scale([1, 2, 4], -0.5).tolist()
    [-2.0, -1.0, -0.5]
    """
    t = as_tfn(a, "a")
    kk = np.asarray(k, dtype=np.float64)
    if not np.isfinite(kk).all():
        raise InputError("k must be finite")
    prod = t * kk[..., None]
    return np.where((kk < 0)[..., None], prod[..., ::-1], prod)


def tfn_mul(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Product of non-negative TFNs, ``(l1 l2, m1 m2, u1 u2)`` (Chen 2000, eq. 7 at the vertices).

    Raises
    ------
    InputError
        An argument is not a valid non-negative TFN array.

    Notes
    -----
    The exact product of two TFNs is not triangular; the vertex product is
    the standard triangular approximation (exact at membership 0 and 1).

    Examples
    --------
    >>> tfn_mul([0.5, 0.7, 0.9], [0.7, 0.9, 1.0]).round(2).tolist()
    [0.35, 0.63, 0.9]
    """
    return as_tfn(a, "a", nonnegative=True) * as_tfn(b, "b", nonnegative=True)


def tfn_mean(a: npt.ArrayLike, weights: npt.ArrayLike | None = None, *, axis: int = 0) -> FloatArray:
    """Weighted mean of TFNs along ``axis``: ``sum_i w_i a_i / sum_i w_i`` (crisp weights).

    Parameters
    ----------
    a : array_like, shape (..., 3)
        TFNs; ``axis`` must not be the last axis.
    weights : array_like, shape (a.shape[axis],), optional
        Non-negative crisp weights with a positive sum (default: equal),
        e.g. the arithmetic mean of decision makers' opinions in Chen (2000,
        eq. 13-14).
    axis : int
        Axis to average over.

    Returns
    -------
    ndarray of float64

    Raises
    ------
    InputError
        Invalid TFNs, ``axis`` the (l, m, u) axis, or invalid weights.

    Examples
    --------
    >>> tfn_mean([[5, 7, 9], [7, 9, 10], [5, 7, 9]]).round(2).tolist()
    [5.67, 7.67, 9.33]
    """
    t = as_tfn(a, "a")
    ax = axis + t.ndim if axis < 0 else axis
    if not 0 <= ax < t.ndim - 1:
        raise InputError(f"axis {axis} is out of range or the (l, m, u) axis of an array of shape {t.shape}")
    k = t.shape[ax]
    if k == 0:
        raise InputError("cannot average an empty set of fuzzy numbers")
    if weights is None:
        w = np.full(k, 1.0 / k)
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (k,):
            raise InputError(f"weights has shape {w.shape}; expected ({k},)")
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise InputError("weights must be finite, non-negative and have a positive sum")
        w = w / w.sum()
    shape = [1] * t.ndim
    shape[ax] = k
    return np.asarray((t * w.reshape(shape)).sum(axis=ax), dtype=np.float64)


def vertex_distance(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Vertex distance ``sqrt(((l1-l2)^2 + (m1-m2)^2 + (u1-u2)^2) / 3)`` (Chen 2000, eq. 12).

    Broadcasts over the leading axes; equals ``|x - y|`` for crisp numbers.

    Raises
    ------
    InputError
        An argument is not a valid TFN array.

    Examples
    --------
    Chen's (2000) Property 3 example, d(A, B) = sqrt(2) and d(A, C) = 4:

    >>> vertex_distance([1, 3, 5], [[2, 4, 7], [5, 7, 9]]).round(6).tolist()
    [1.414214, 4.0]
    """
    d = as_tfn(a, "a") - as_tfn(b, "b")
    return np.asarray(np.sqrt((d * d).mean(axis=-1)), dtype=np.float64)


def centroid(a: npt.ArrayLike) -> FloatArray:
    """Centroid (centre of gravity) defuzzification ``(l + m + u) / 3``.

    Raises
    ------
    InputError
        ``a`` is not a valid TFN array.

    Notes
    -----
    The centre of gravity of a triangular membership function,
    :math:`\\int x \\mu(x) dx / \\int \\mu(x) dx = (l + m + u)/3`.

    Examples
    --------
    >>> float(centroid([3, 5, 10]))
    6.0
    """
    t = as_tfn(a, "a")
    return np.asarray(t.sum(axis=-1) / 3.0, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class FuzzyTopsisResult:
    """Result of fuzzy TOPSIS (Chen 2000).

    Attributes
    ----------
    closeness : ndarray of float64, shape (n,)
        Closeness coefficient ``CC_i = d-_i / (d*_i + d-_i)`` in ``[0, 1]``;
        higher is better.
    d_plus : ndarray of float64, shape (n,)
        Distance ``d*_i`` to the fuzzy positive-ideal solution ``(1, 1, 1)``.
    d_minus : ndarray of float64, shape (n,)
        Distance ``d-_i`` to the fuzzy negative-ideal solution ``(0, 0, 0)``.
    ratings : ndarray of float64, shape (n, m, 3)
        Aggregated fuzzy decision matrix (mean over decision makers).
    weights : ndarray of float64, shape (m, 3)
        Aggregated fuzzy weights (crisp weights as ``(w, w, w)``).
    normalized : ndarray of float64, shape (n, m, 3)
        Normalised fuzzy decision matrix ``r_ij``.
    weighted : ndarray of float64, shape (n, m, 3)
        Weighted normalised matrix ``v_ij = r_ij (.) w_j``.
    """

    closeness: FloatArray
    d_plus: FloatArray
    d_minus: FloatArray
    ratings: FloatArray
    weights: FloatArray
    normalized: FloatArray
    weighted: FloatArray


def fuzzy_topsis(
    ratings: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: TypesLike,
    *,
    alternative_ids: Sequence[Any] | None = None,
    criterion_ids: Sequence[Any] | None = None,
) -> FuzzyTopsisResult:
    """Fuzzy TOPSIS for group decisions with triangular fuzzy numbers (Chen 2000).

    Parameters
    ----------
    ratings : array_like, shape (n, m, 3) or (K, n, m, 3)
        Fuzzy rating ``(a, b, c)`` of alternative ``i`` on criterion ``j``,
        non-negative (positive on cost criteria); with a leading axis of
        ``K`` decision makers, their ratings are averaged first (eq. 13).
    weights : array_like, shape (m,), (m, 3) or (K, m, 3)
        Crisp weights (1-D: non-negative, summing to 1) or fuzzy weights
        ``(w1, w2, w3)`` within ``[0, 1]`` (2-D), or one fuzzy weight
        vector per decision maker, averaged (eq. 14) (3-D).
    types : array_like or sequence of str, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    alternative_ids, criterion_ids : sequence, optional
        Ids named in error messages.

    Returns
    -------
    FuzzyTopsisResult

    Raises
    ------
    InputError
        Shapes that do not match, a fuzzy number with ``l > m`` or
        ``m > u``, negative ratings, a zero lower end on a cost criterion,
        fuzzy weights outside ``[0, 1]``, or invalid crisp weights or types.
    DegenerateError
        A benefit criterion on which every rating is ``(0, 0, 0)``
        (nothing to normalise by).

    Notes
    -----
    Chen (2000), with :math:`\\tilde x_{ij} = (a_{ij}, b_{ij}, c_{ij})`:

    * normalisation (linear scale, eq. 15): benefit
      :math:`\\tilde r_{ij} = (a_{ij}/c^*_j, b_{ij}/c^*_j, c_{ij}/c^*_j)`,
      :math:`c^*_j = \\max_i c_{ij}`; cost
      :math:`\\tilde r_{ij} = (a^-_j/c_{ij}, a^-_j/b_{ij}, a^-_j/a_{ij})`,
      :math:`a^-_j = \\min_i a_{ij}`;
    * weighting (eq. 16): :math:`\\tilde v_{ij} = \\tilde r_{ij} (\\cdot) \\tilde w_j`
      (vertex products);
    * FPIS :math:`\\tilde v^*_j = (1, 1, 1)`, FNIS :math:`\\tilde v^-_j = (0, 0, 0)`;
    * distances (eq. 17-18) with the vertex distance :math:`d` (eq. 12):
      :math:`d^*_i = \\sum_j d(\\tilde v_{ij}, \\tilde v^*_j)`,
      :math:`d^-_i = \\sum_j d(\\tilde v_{ij}, \\tilde v^-_j)`;
    * closeness (eq. 19): :math:`CC_i = d^-_i / (d^*_i + d^-_i)`.

    :math:`d^*_i + d^-_i \\ge m > 0` (triangle inequality per criterion),
    so CC is always defined. A single alternative is allowed.

    References
    ----------
    Chen, C.-T. (2000). Extensions of the TOPSIS for group decision-making
    under fuzzy environment. *Fuzzy Sets and Systems* 114(1), 1-9.
    https://doi.org/10.1016/S0165-0114(97)00377-1

    Examples
    --------
    >>> r = fuzzy_topsis([[[7, 9, 10], [3, 5, 7]], [[5, 7, 9], [7, 9, 10]]],
    ...                  [[0.7, 0.9, 1.0], [0.3, 0.5, 0.7]], ["benefit", "benefit"])
    >>> r.closeness.round(3).tolist()
    [0.514, 0.533]
    """
    try:
        x = np.asarray(ratings, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"ratings must be numeric (l, m, u) triples: {exc}") from None
    if x.ndim not in (3, 4) or x.shape[-1] != 3:
        raise InputError(
            f"ratings must have shape (n, m, 3) or (decision makers, n, m, 3); got {x.shape}"
        )
    n, m = x.shape[-3], x.shape[-2]
    if n < 1 or m < 1 or (x.ndim == 4 and x.shape[0] < 1):
        raise InputError(f"ratings has shape {x.shape}; at least one alternative and criterion needed")
    alt = list(alternative_ids) if alternative_ids is not None else None
    crit = list(criterion_ids) if criterion_ids is not None else None
    if alt is not None and len(alt) != n:
        raise InputError(f"alternative_ids has {len(alt)} entries; expected {n}")
    if crit is not None and len(crit) != m:
        raise InputError(f"criterion_ids has {len(crit)} entries; expected {m}")
    axes: list[tuple[str, Sequence[Any] | None]] = [("alternative", alt), ("criterion", crit)]
    if x.ndim == 4:
        axes.insert(0, ("decision maker", None))
    x = as_tfn(x, "ratings", nonnegative=True, axes=axes)
    t = as_types(types, m)
    agg = x.mean(axis=0) if x.ndim == 4 else x

    w_arr = np.asarray(weights, dtype=np.float64) if not isinstance(weights, np.ndarray) else weights
    if np.ndim(w_arr) == 1:
        wb, _ = as_weights(w_arr, m)
        w = np.repeat(wb[0][:, None], 3, axis=1)
    elif np.ndim(w_arr) in (2, 3):
        w_axes: list[tuple[str, Sequence[Any] | None]] = [("criterion", crit)]
        if np.ndim(w_arr) == 3:
            w_axes.insert(0, ("decision maker", None))
        wf = as_tfn(w_arr, "weights", nonnegative=True, axes=w_axes)
        if wf.shape[-2] != m:
            raise InputError(f"weights has {wf.shape[-2]} fuzzy weights; expected {m} (one per criterion)")
        if (wf[..., 2] > 1).any():
            idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(wf[..., 2] > 1)), wf.shape[:-1]))
            raise InputError(
                f"weights[{', '.join(map(str, idx))}] = {tuple(float(v) for v in wf[idx])}"
                f"{_describe(idx, w_axes)} exceeds 1; fuzzy weights must lie within [0, 1]"
            )
        w = wf.mean(axis=0) if wf.ndim == 3 else wf
    else:
        raise InputError(f"weights must have shape ({m},), ({m}, 3) or (K, {m}, 3); got {np.shape(w_arr)}")

    benefit = t == 1
    c_star = agg[..., 2].max(axis=0)  # (m,)
    a_minus = agg[..., 0].min(axis=0)
    zero_b = benefit & (c_star <= 0)
    if zero_b.any():
        j = int(np.argmax(zero_b))
        raise DegenerateError(
            f"criterion {fmt(crit[j]) if crit else j}: every rating is (0, 0, 0); Chen's normalisation "
            "divides by max u = 0"
        )
    cost_bad = ~benefit[None, :] & (agg[..., 0] <= 0)
    if cost_bad.any():
        i, j = (int(k) for k in np.unravel_index(int(np.argmax(cost_bad)), cost_bad.shape))
        a_name = fmt(alt[i]) if alt else i
        c_name = fmt(crit[j]) if crit else j
        raise InputError(
            f"rating of alternative {a_name} on cost criterion {c_name} "
            f"is ({', '.join(f'{v:g}' for v in agg[i, j])}); cost criteria need ratings with l > 0 "
            "(normalisation divides by l)"
        )
    # benefit: divide by c*_j; cost: a-_j divided by (u, m, l) reversed (positive on cost columns)
    r_benefit = agg / np.where(benefit, c_star, 1.0)[None, :, None]
    r_cost = a_minus[None, :, None] / np.where(benefit[None, :, None], 1.0, agg[..., ::-1])
    normalized = np.where(benefit[None, :, None], r_benefit, r_cost)
    weighted = normalized * w[None, :, :]
    d_plus = np.sqrt(((weighted - 1.0) ** 2).mean(axis=-1)).sum(axis=1)
    d_minus = np.sqrt((weighted**2).mean(axis=-1)).sum(axis=1)
    closeness = d_minus / (d_plus + d_minus)
    agg = np.array(agg, dtype=np.float64)
    w = np.array(w, dtype=np.float64)
    normalized = np.ascontiguousarray(normalized)
    readonly(closeness, d_plus, d_minus, agg, w, normalized, weighted)
    return FuzzyTopsisResult(closeness, d_plus, d_minus, agg, w, normalized, weighted)
