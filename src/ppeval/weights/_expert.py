"""Expert weights from few judgments: G1 order relation and best-worst method (private module of
:mod:`ppeval.weights`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_vector, readonly
from ppeval._typing import ArrayLike, FloatArray
from ppeval.errors import DegenerateError, InputError

__all__ = ["g1", "bwm", "BWMResult"]


# --------------------------------------------------------------------------- G1


def _as_order(order: Any) -> np.ndarray:
    try:
        arr = np.asarray(order)
    except (TypeError, ValueError) as exc:  # pragma: no cover - np.asarray accepts nearly anything
        raise InputError(f"order must be a sequence of criterion indices: {exc}") from None
    if arr.ndim != 1 or arr.size < 1:
        raise InputError(f"order must be a 1-D sequence of criterion indices; got shape {arr.shape}")
    if arr.dtype.kind not in "iu" or arr.dtype == np.bool_:
        raise InputError(
            f"order must hold integer criterion indices (0-based, most important first); got {order!r}"
        )
    n = arr.size
    if sorted(arr.tolist()) != list(range(n)):
        raise InputError(
            f"order is {arr.tolist()}; it must list every criterion index 0..{n - 1} exactly once, "
            "most important first"
        )
    return arr.astype(np.int64)


def g1(order: Sequence[int] | ArrayLike, ratios: ArrayLike) -> FloatArray:
    r"""G1 order-relation weights (Guo Yajun): a ranking and ``n - 1`` adjacent importance ratios.

    Parameters
    ----------
    order : sequence of int, shape (n,)
        The criteria (0-based indices) from most to least important:
        ``order[0]`` is the most important. Every index ``0..n-1`` once.
    ratios : array_like, shape (n - 1,)
        ``ratios[k-2] = r_k = w_{k-1} / w_k`` for ``k = 2..n``: how many
        times more important the criterion in place ``k - 1`` is than the one
        in place ``k`` (places counted in ``order``). Each ``r_k >= 1``;
        Guo's scale is 1.0 (equally important), 1.2 (slightly more), 1.4
        (clearly more), 1.6 (strongly more), 1.8 (extremely more), with
        1.1, 1.3, 1.5, 1.7 in between. Values above 1.8 are accepted.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Weights indexed by criterion (not by place), positive, summing to 1.

    Raises
    ------
    InputError
        If ``order`` is not a permutation of ``0..n-1``, ``ratios`` does not
        have ``n - 1`` entries, or a ratio is not finite or below 1 (a ratio
        below 1 contradicts the order: swap the criteria instead).

    Notes
    -----
    With the criteria renumbered by place ``x_1 > x_2 > ... > x_n`` (Guo
    2002; Guo 2007, ch. 2),

    .. math::

        w_n = \Bigl(1 + \sum_{k=2}^{n} \prod_{i=k}^{n} r_i\Bigr)^{-1},
        \qquad w_{k-1} = r_k\, w_k \quad (k = n, \dots, 2).

    These are the unique weights with ``w_{k-1} / w_k = r_k`` summing to 1.
    The experts give ``n - 1`` judgments instead of AHP's ``n(n-1)/2``, and
    no consistency check is needed (the judgments cannot contradict each
    other). With one criterion the weight is 1 and ``ratios`` is empty.

    References
    ----------
    郭亚军 (Guo Yajun) (2002). 综合评价理论与方法 (Theory and methods of
    comprehensive evaluation). 科学出版社 (Science Press), Beijing.

    郭亚军 (Guo Yajun) (2007). 综合评价理论、方法及应用. 科学出版社, Beijing.

    Examples
    --------
    Criterion 2 is most important, then 0, then 1; ``r_2 = 1.2``, ``r_3 = 1.4``:
    ``w = (1.4, 1, 1.68) / 4.08``.

    >>> from ppeval.weights import g1
    >>> print([round(float(v), 4) for v in g1([2, 0, 1], [1.2, 1.4])])
    [0.3431, 0.2451, 0.4118]
    """
    idx = _as_order(order)
    n = idx.size
    r = as_vector(ratios, "ratios", min_length=0)
    if r.shape[0] != n - 1:
        raise InputError(
            f"ratios has {r.shape[0]} entries; {n} criteria in order need n - 1 = {n - 1} "
            "(r_k = w_(k-1) / w_k for each adjacent pair)"
        )
    low = r < 1.0
    if low.any():
        k = int(np.argmax(low))
        raise InputError(
            f"ratios[{k}] is {float(r[k])!r}; r_k = w_(k-1) / w_k must be >= 1 because order lists the criteria "
            f"from most to least important (criterion {int(idx[k])} before {int(idx[k + 1])}); "
            "swap them in order instead"
        )
    # by place: w_place[k] proportional to prod_{i > k} r_i (the last place is 1)
    rel = np.ones(n)
    if n > 1:
        with np.errstate(over="ignore"):
            rel[:-1] = np.cumprod(r[::-1])[::-1]
        if not np.isfinite(rel.sum()):
            # the product overflows (ratios such as 1e300): the same weights from the log products, scaled
            # by the largest; weights below 1e-308 of the first underflow to 0
            log_rel = np.zeros(n)
            log_rel[:-1] = np.cumsum(np.log(r[::-1]))[::-1]
            rel = np.exp(log_rel - log_rel[0])
    w = np.empty(n)
    w[idx] = rel / rel.sum()
    return w


# --------------------------------------------------------------------------- BWM


@dataclass(frozen=True)
class BWMResult:
    """Weights and consistency of one best-worst method (BWM) problem.

    Attributes
    ----------
    weights : ndarray of shape (n,)
        Optimal weights of the linear BWM (Rezaei 2016), non-negative,
        summing to 1, read-only.
    ksi : float
        ``xi^L``, the optimal value of the linear model: the largest
        deviation ``|w_B - a_Bj w_j|`` or ``|w_j - a_jW w_W|``. 0 for fully
        consistent comparisons; closer to 0 is more consistent (Rezaei 2016).
    consistency_ratio : float
        Input-based consistency ratio (Liang, Brunelli & Rezaei 2020):
        ``max_j |a_Bj a_jW - a_BW| / (a_BW^2 - a_BW)``, in [0, 1]; 0 when
        ``a_Bj a_jW = a_BW`` for every ``j`` (and when ``a_BW = 1``).
    best, worst : int
        Indices of the best and the worst criterion.
    """

    weights: FloatArray
    ksi: float
    consistency_ratio: float
    best: int
    worst: int


def _bwm_vector(x: Any, name: str) -> FloatArray:
    v = as_vector(x, name, min_length=2)
    low = v < 1.0
    if low.any():
        j = int(np.argmax(low))
        raise InputError(
            f"{name}[{j}] is {float(v[j])!r}; BWM comparisons are preferences on a 1-9 scale and must be >= 1"
        )
    return v


def _pick(v: FloatArray, name: str, given: int | None, what: str) -> int:
    """Index of the best (worst) criterion: ``given``, else the first entry equal to 1."""
    n = v.shape[0]
    if given is not None:
        if isinstance(given, bool) or not isinstance(given, int | np.integer) or not 0 <= given < n:
            raise InputError(f"{what} is {given!r}; expected a criterion index 0..{n - 1}")
        if v[given] != 1.0:
            raise InputError(
                f"{name}[{given}] is {float(v[given])!r}; the {what} criterion compared with itself must be 1"
            )
        return int(given)
    ones = np.flatnonzero(v == 1.0)
    if ones.size == 0:
        raise InputError(f"{name} has no entry equal to 1; the {what} criterion compared with itself must be 1")
    return int(ones[0])


def bwm(
    best_to_others: ArrayLike,
    others_to_worst: ArrayLike,
    *,
    best: int | None = None,
    worst: int | None = None,
) -> BWMResult:
    r"""Best-worst method weights (Rezaei 2015), solved exactly by the linear model (Rezaei 2016).

    Parameters
    ----------
    best_to_others : array_like, shape (n,)
        ``a_Bj``: how much the best criterion is preferred to criterion ``j``
        (1-9 scale, ``>= 1``; 1 for the best itself).
    others_to_worst : array_like, shape (n,)
        ``a_jW``: how much criterion ``j`` is preferred to the worst (``>= 1``;
        1 for the worst itself).
    best, worst : int, optional
        Indices of the best and worst criteria. By default the best is the
        criterion with ``best_to_others == 1`` and the worst the one with
        ``others_to_worst == 1``; when several qualify (criteria judged as
        good as the best), the first such index is taken.

    Returns
    -------
    BWMResult
        ``weights``, ``ksi`` (``xi^L``), ``consistency_ratio``, ``best``, ``worst``.

    Raises
    ------
    InputError
        If a vector is not finite, shorter than 2, has an entry below 1, the
        vectors differ in length, no (or the given) best/worst entry is 1,
        best and worst coincide, ``a_BW`` differs between the vectors
        (``best_to_others[worst] != others_to_worst[best]``), or an entry
        exceeds ``a_BW`` (a criterion preferred to the worst more than the
        best is contradicts the choice of best and worst).
    DegenerateError
        If the LP solver fails (not expected: the model is always feasible).

    Notes
    -----
    The linear BWM (Rezaei 2016, model (8)):

    .. math::

        \min \xi^L \ \text{s.t.}\ |w_B - a_{Bj} w_j| \le \xi^L,\
        |w_j - a_{jW} w_W| \le \xi^L \ (\text{all } j),\
        \textstyle\sum_j w_j = 1,\ w_j \ge 0,

    solved by HiGHS through :func:`scipy.optimize.linprog` (one LP; the
    solution of the linear model is unique, Rezaei 2016). The experts give
    ``2n - 3`` comparisons instead of AHP's ``n(n-1)/2``.

    Consistency: ``ksi`` (``xi^L``) is the linear model's own indicator (0 for
    fully consistent comparisons, ``a_Bj a_jW = a_BW`` for all ``j``).
    Rezaei's (2015) consistency ratio ``xi* / CI`` refers to the optimum
    ``xi*`` of the original non-linear model, which is not computed here; the
    ``consistency_ratio`` returned is the input-based ratio of Liang,
    Brunelli & Rezaei (2020), which needs no optimisation and is bounded by
    [0, 1].

    References
    ----------
    Rezaei, J. (2015). Best-worst multi-criteria decision-making method.
    Omega, 53, 49-57.

    Rezaei, J. (2016). Best-worst multi-criteria decision-making method: Some
    properties and a linear model. Omega, 64, 126-130.

    Liang, F., Brunelli, M., & Rezaei, J. (2020). Consistency issues in the
    best worst method: Measurements and thresholds. Omega, 96, 102175.

    Examples
    --------
    Fully consistent comparisons (``a_Bj a_jW = a_BW = 8``) give ``xi^L = 0``.

    >>> from ppeval.weights import bwm
    >>> r = bwm([1, 2, 4, 8], [8, 4, 2, 1])
    >>> print([round(float(v), 4) for v in r.weights], round(r.ksi, 6), r.consistency_ratio)
    [0.5333, 0.2667, 0.1333, 0.0667] 0.0 0.0
    """
    ab = _bwm_vector(best_to_others, "best_to_others")
    aw = _bwm_vector(others_to_worst, "others_to_worst")
    n = ab.shape[0]
    if aw.shape[0] != n:
        raise InputError(
            f"best_to_others has {n} entries but others_to_worst has {aw.shape[0]}; give one per criterion"
        )
    b = _pick(ab, "best_to_others", best, "best")
    w_ = _pick(aw, "others_to_worst", worst, "worst")
    if b == w_:
        raise InputError(
            f"criterion {b} is both the best and the worst; with a best and a worst criterion they must differ"
        )
    a_bw = ab[w_]
    if aw[b] != a_bw:
        raise InputError(
            f"best_to_others[{w_}] = {float(a_bw)!r} but others_to_worst[{b}] = {float(aw[b])!r}; both are a_BW, the "
            "preference of the best over the worst criterion, and must be equal"
        )
    for name, vec, text in (
        ("best_to_others", ab, "the best is preferred to it more than to the worst"),
        ("others_to_worst", aw, "it is preferred to the worst more than the best is"),
    ):
        over = vec > a_bw
        if over.any():
            j = int(np.argmax(over))
            raise InputError(
                f"{name}[{j}] is {float(vec[j])!r} > a_BW = {float(a_bw)!r}: {text}; no comparison may "
                "exceed the best-over-worst preference a_BW (check which criteria are best and worst)"
            )
    from scipy.optimize import linprog

    # variables: w_0..w_{n-1}, xi ; rows: +-(w_B - a_Bj w_j) - xi <= 0, +-(w_j - a_jW w_W) - xi <= 0
    eye = np.eye(n)
    d1 = eye[b][None, :] - ab[:, None] * eye  # rows j: w_B - a_Bj w_j
    d2 = eye - aw[:, None] * eye[w_][None, :]  # rows j: w_j - a_jW w_W
    d = np.vstack([d1, d2])
    a_ub = np.block([[d, -np.ones((2 * n, 1))], [-d, -np.ones((2 * n, 1))]])
    c = np.zeros(n + 1)
    c[-1] = 1.0
    a_eq = np.r_[np.ones(n), 0.0][None, :]
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(4 * n), A_eq=a_eq, b_eq=[1.0], bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - the model is feasible (equal weights) and bounded (xi >= 0)
        raise DegenerateError(f"the linear BWM has no optimal solution (HiGHS: {res.message})")
    w = np.clip(res.x[:n], 0.0, None)
    w = w / w.sum()
    ksi = max(float(res.x[-1]), 0.0)
    if ksi < 1e-12:
        ksi = 0.0
    if a_bw == 1.0:
        cr = 0.0
    else:
        cr = float(np.max(np.abs(ab * aw - a_bw)) / (a_bw * a_bw - a_bw))
    return BWMResult(weights=readonly(w), ksi=ksi, consistency_ratio=cr, best=b, worst=w_)
