"""One-at-a-time (OAT) weight sensitivity that keeps the weights valid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import readonly
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError

from ._common import Problem, as_float_array, as_problem, method_ranks, method_scores

__all__ = ["OATResult", "one_at_a_time", "oat_weights"]


@dataclass(frozen=True, eq=False)
class OATResult:
    """Scores and ranks while one weight at a time is varied (all arrays read-only).

    ``c`` criteria varied, ``s`` steps, ``n`` alternatives, ``m`` criteria.

    Attributes
    ----------
    criteria : ndarray of int64, shape (c,)
        Index of the criterion varied in each block.
    steps : ndarray of shape (s,)
        The grid as given (new weights, or relative changes when ``relative``).
    values : ndarray of shape (c, s)
        Weight of the varied criterion at every step (after clipping to [0, 1]
        in relative mode).
    feasible : ndarray of bool, shape (c, s)
        False where a relative step asked for a weight outside [0, 1]; the
        step was then evaluated at the clipped weight (0 or 1).
    weights : ndarray of shape (c, s, m)
        Full weight vector at every step: non-negative, summing to 1.
    scores : ndarray of shape (c, s, n)
        Scores of every alternative at every step (VIKOR: ``Q``).
    ranks : ndarray of int64, shape (c, s, n)
        Ranks (1 = best; ties share the smallest rank).
    score_min, score_max : ndarray of shape (c, n)
        Tornado summary: lowest and highest score of each alternative over the
        steps of each criterion (the base score included).
    rank_best, rank_worst : ndarray of int64, shape (c, n)
        Best (smallest) and worst rank reached (the base rank included).
    base_weights : ndarray of shape (m,)
    base_scores : ndarray of shape (n,)
    base_ranks : ndarray of int64, shape (n,)
    method : str
    normalization : str or None
    higher_is_better : bool
    relative : bool
        Whether ``steps`` were relative changes.
    """

    criteria: IntArray
    steps: FloatArray
    values: FloatArray
    feasible: BoolArray
    weights: FloatArray
    scores: FloatArray
    ranks: IntArray
    score_min: FloatArray
    score_max: FloatArray
    rank_best: IntArray
    rank_worst: IntArray
    base_weights: FloatArray
    base_scores: FloatArray
    base_ranks: IntArray
    method: str
    normalization: str | None
    higher_is_better: bool
    relative: bool


def oat_weights(weights: FloatArray, criteria: IntArray, values: FloatArray) -> FloatArray:
    """Weight vectors ``(c, s, m)`` with criterion ``criteria[a]`` set to ``values[a, b]``.

    The other weights keep their proportions: ``w'_k = w_k (1 - v) / (1 - w_j)``.
    When ``w_j == 1`` (the others are all 0, so they have no proportions) the
    rest ``1 - v`` is shared equally among the other criteria. Inputs are
    valid weights and values in [0, 1].
    """
    m = weights.shape[0]
    c = criteria.shape[0]
    wj = weights[criteria]  # (c,)
    rest = 1.0 - wj
    full = rest <= 0.0
    # proportions of the other criteria within the rest, per varied criterion
    others = np.broadcast_to(weights, (c, m)).copy()
    others[np.arange(c), criteria] = 0.0
    prop = np.divide(others, rest[:, None], out=np.zeros((c, m)), where=~full[:, None])
    if full.any():
        equal = np.full((c, m), 1.0 / max(m - 1, 1))
        equal[np.arange(c), criteria] = 0.0
        prop[full] = equal[full]
    out = prop[:, None, :] * (1.0 - values)[:, :, None]
    out[np.arange(c)[:, None], np.arange(values.shape[1])[None, :], criteria[:, None]] = values
    return out


def _as_criteria(criterion: Any, m: int) -> IntArray:
    if criterion is None:
        return np.arange(m, dtype=np.int64)
    arr = np.atleast_1d(np.asarray(criterion))
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise InputError(
            f"criterion is {criterion!r}; expected None, a criterion index or a sequence of indices"
        )
    bad = (arr < 0) | (arr >= m)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"criterion[{i}] is {int(arr[i])}; criterion indices must lie in [0, {m - 1}]")
    if np.unique(arr).size != arr.size:
        raise InputError("criterion holds a repeated index; give each criterion once")
    return arr.astype(np.int64)


def _as_steps(values: Any) -> FloatArray:
    arr = as_float_array(values, "values") if values is not None else np.linspace(0.0, 1.0, 21)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"values must be a non-empty 1-D grid; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        i = int(np.argmax(~np.isfinite(arr)))
        raise InputError(f"values[{i}] is {arr[i]}; values must be finite")
    return arr


#: Values ranked per call in :func:`_rank_stats` (bounds the sort's temporaries: about 32 MiB each).
_RANK_VALUES = 1 << 22


def _rank_stats(problem: Problem, weights: FloatArray) -> tuple[FloatArray, IntArray]:
    scores = method_scores(problem, weights)
    k, n = scores.shape
    rows = max(1, _RANK_VALUES // max(n, 1))
    if rows >= k:
        return scores, method_ranks(problem, scores)
    ranks = np.empty((k, n), dtype=np.int64)
    for r0 in range(0, k, rows):  # blocks of weight vectors: each row is ranked on its own
        ranks[r0 : r0 + rows] = method_ranks(problem, scores[r0 : r0 + rows])
    return scores, ranks


def one_at_a_time(
    matrix: Any,
    weights: Any,
    types: Any,
    *,
    criterion: Any = None,
    values: Any = None,
    relative: bool = False,
    method: str = "topsis",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    rho: float = 0.5,
) -> OATResult:
    r"""Vary one criterion weight at a time; the other weights keep their proportions.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix (finite). Never modified.
    weights : array_like of shape (m,)
        Base weights (non-negative, sum 1), ``m >= 2``.
    types : array_like of shape (m,)
        Criterion types (``1``/``"benefit"``, ``-1``/``"cost"``).
    criterion : int, sequence of int or None
        Criteria to vary (default: every criterion, one after another).
    values : array_like of shape (s,) or None
        The grid. Absolute (default): the new weight of the varied criterion,
        each in [0, 1]; default ``np.linspace(0, 1, 21)``. With
        ``relative=True``: relative changes ``delta`` giving the new weight
        ``w_j (1 + delta)`` (e.g. ``np.linspace(-0.5, 0.5, 11)``); a step whose
        weight leaves [0, 1] is clipped and flagged in ``feasible``.
    relative : bool, default False
        Interpret ``values`` as relative changes.
    method, normalization, bounds, v, rho
        Scoring as in :func:`ppeval.sensitivity.monte_carlo`.

    Returns
    -------
    OATResult
        Weights, scores and ranks at every step, with a tornado summary.

    Raises
    ------
    InputError
        On invalid inputs: fewer than 2 criteria, a criterion index out of
        range or repeated, an absolute value outside [0, 1] (named as
        ``values[i]``), a non-finite value, and the checks of
        :func:`~ppeval.sensitivity.monte_carlo`.

    Notes
    -----
    Setting criterion ``j`` to ``v`` and rescaling the others,

    .. math:: w'_j = v, \qquad w'_k = w_k \frac{1 - v}{1 - w_j} \quad (k \ne j),

    keeps ``w' >= 0`` and ``Σ w' = 1`` (unlike adding ``delta`` to one weight,
    which breaks the sum, or subtracting it from the others, which can make
    them negative). It is also the renormalisation of Triantaphyllou &
    Sánchez (1997): changing ``w_j`` by ``Δ`` and dividing by ``1 + Δ`` gives
    ``v = (w_j + Δ) / (1 + Δ)``. If ``w_j = 1`` the others have no proportions;
    they share ``1 - v`` equally. All steps of all criteria are scored in one
    batch (``(c s, m)`` weight vectors).

    References
    ----------
    Triantaphyllou, E., & Sánchez, A. (1997). A sensitivity analysis approach
    for some deterministic multi-criteria decision-making methods. *Decision
    Sciences*, 28(1), 151-194.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import one_at_a_time
    >>> x = np.array([[7.0, 9.0], [8.0, 7.0], [9.0, 6.0]])
    >>> r = one_at_a_time(x, [0.5, 0.5], [1, 1], criterion=0, values=[0.0, 0.5, 1.0], method="wsm")
    >>> r.weights[0]
    array([[0. , 1. ],
           [0.5, 0.5],
           [1. , 0. ]])
    >>> r.ranks[0]
    array([[1, 2, 3],
           [1, 3, 1],
           [3, 2, 1]])
    """
    problem = as_problem(
        matrix, weights, types, method=method, normalization=normalization, bounds=bounds, v=v,
        rho=rho,
    )
    m = problem.m
    if m < 2:
        raise InputError("one_at_a_time needs at least 2 criteria (a single weight is always 1)")
    crit = _as_criteria(criterion, m)
    steps = _as_steps(values)
    if not isinstance(relative, bool):
        raise InputError(f"relative is {relative!r}; expected True or False")
    if relative:
        raw = problem.weights[crit][:, None] * (1.0 + steps[None, :])
        feasible = (raw >= 0.0) & (raw <= 1.0)
        vals = np.clip(raw, 0.0, 1.0)
    else:
        bad = (steps < 0.0) | (steps > 1.0)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(
                f"values[{i}] is {steps[i]}; an absolute weight must lie in [0, 1] "
                "(use relative=True for relative changes)"
            )
        vals = np.broadcast_to(steps, (crit.size, steps.size)).copy()
        feasible = np.ones(vals.shape, dtype=bool)
    w = oat_weights(problem.weights, crit, vals)
    c, s = vals.shape
    n = problem.n
    scores, ranks = _rank_stats(problem, w.reshape(c * s, m))
    scores = scores.reshape(c, s, n)
    ranks = ranks.reshape(c, s, n)
    base_scores, base_ranks = _rank_stats(problem, problem.weights[None, :])
    b_s = base_scores[0]
    b_r = base_ranks[0]
    return OATResult(
        criteria=readonly(crit.copy()),
        steps=readonly(steps.copy()),
        values=readonly(vals),
        feasible=readonly(feasible),
        weights=readonly(w),
        scores=readonly(scores),
        ranks=readonly(ranks),
        score_min=readonly(np.minimum(scores.min(axis=1), b_s[None, :])),
        score_max=readonly(np.maximum(scores.max(axis=1), b_s[None, :])),
        rank_best=readonly(np.minimum(ranks.min(axis=1), b_r[None, :])),
        rank_worst=readonly(np.maximum(ranks.max(axis=1), b_r[None, :])),
        base_weights=readonly(problem.weights.copy()),
        base_scores=readonly(b_s.copy()),
        base_ranks=readonly(b_r.copy()),
        method=problem.method,
        normalization=problem.normalization,
        higher_is_better=problem.higher_is_better,
        relative=relative,
    )
