"""Qualitative-share sweep: how scores and ranks move with the total weight of qualitative indicators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import readonly
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError

from ._common import as_float_array, as_problem, method_ranks, method_scores

__all__ = ["ShareSweepResult", "qualitative_share_sweep", "share_weights"]


@dataclass(frozen=True, eq=False)
class ShareSweepResult:
    """Scores and ranks as the qualitative share of the weight goes from 0 to 1 (arrays read-only).

    ``s`` shares, ``n`` alternatives, ``m`` criteria.

    Attributes
    ----------
    shares : ndarray of shape (s,)
        Total weight given to the qualitative criteria at each step.
    weights : ndarray of shape (s, m)
        Weight vector at each step (non-negative, sums to 1).
    scores : ndarray of shape (s, n)
        Scores at each step (VIKOR: ``Q``, lower is better).
    ranks : ndarray of int64, shape (s, n)
        Ranks at each step (1 = best; ties share the smallest rank).
    base_share : float
        Qualitative share of the base weights.
    base_scores : ndarray of shape (n,)
    base_ranks : ndarray of int64, shape (n,)
    qualitative_mask : ndarray of bool, shape (m,)
    equal_within : tuple of bool
        ``(qualitative, quantitative)``: True where a group's base weights sum
        to 0, so its share is split equally among its criteria.
    method : str
    normalization : str or None
    higher_is_better : bool
    """

    shares: FloatArray
    weights: FloatArray
    scores: FloatArray
    ranks: IntArray
    base_share: float
    base_scores: FloatArray
    base_ranks: IntArray
    qualitative_mask: BoolArray
    equal_within: tuple[bool, bool]
    method: str
    normalization: str | None
    higher_is_better: bool


def _as_mask(mask: Any, m: int) -> BoolArray:
    arr = np.asarray(mask)
    if arr.ndim != 1 or arr.shape[0] != m:
        raise InputError(
            f"qualitative_mask must have one entry per criterion, shape ({m},); got shape {arr.shape}"
        )
    if arr.dtype == np.bool_:
        return arr.astype(bool)
    if arr.dtype.kind in "iuf":
        ok = (arr == 0) | (arr == 1)
        if not ok.all():
            i = int(np.argmax(~ok))
            raise InputError(f"qualitative_mask[{i}] is {arr[i].item()!r}; expected True/False (or 1/0)")
        return arr.astype(bool)
    raise InputError(f"qualitative_mask has dtype {arr.dtype}; expected booleans (True = qualitative)")


def share_weights(weights: FloatArray, mask: BoolArray, shares: FloatArray) -> FloatArray:
    """Weight vectors ``(s, m)``: qualitative criteria get ``share``, quantitative ``1 - share``.

    Inside each group the base proportions are kept; a group whose base
    weights sum to 0 splits its share equally.
    """
    out = np.empty((shares.shape[0], weights.shape[0]))
    for group, part in ((mask, shares), (~mask, 1.0 - shares)):
        w = weights[group]
        total = w.sum()
        prop = w / total if total > 0 else np.full(w.shape, 1.0 / w.shape[0])
        out[:, group] = part[:, None] * prop[None, :]
    return out


def qualitative_share_sweep(
    matrix: Any,
    weights: Any,
    types: Any,
    qualitative_mask: Any,
    shares: Any = None,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    rho: float = 0.5,
) -> ShareSweepResult:
    r"""Sweep the total weight of the qualitative indicators and rescore.

    Answers "is this evaluation too quantitative?": at share ``s`` the
    qualitative criteria together weigh ``s`` and the quantitative ones
    ``1 - s``, each group keeping its internal proportions.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix. Never modified.
    weights : array_like of shape (m,)
        Base weights (non-negative, sum 1).
    types : array_like of shape (m,)
        Criterion types.
    qualitative_mask : array_like of bool, shape (m,)
        True for a qualitative criterion (ratings, expert review), False for
        a quantitative one; both kinds must be present.
    shares : array_like of shape (s,) or None
        Qualitative shares in [0, 1]; default ``np.linspace(0, 1, 11)``.
    method, normalization, bounds, v, rho
        Scoring as in :func:`ppeval.sensitivity.monte_carlo`.

    Returns
    -------
    ShareSweepResult

    Raises
    ------
    InputError
        If the mask has the wrong length or non-boolean entries, marks every
        or no criterion as qualitative, or a share lies outside [0, 1] (named
        as ``shares[i]``); and the checks of :func:`~ppeval.sensitivity.monte_carlo`.

    Notes
    -----
    With ``Q`` the qualitative and ``T`` the quantitative criteria,
    ``W_Q = Σ_{k∈Q} w_k``, ``W_T = 1 - W_Q``:

    .. math:: w_j(s) = s \, w_j / W_Q \ (j \in Q), \qquad w_j(s) = (1 - s) \, w_j / W_T \ (j \in T).

    If ``W_Q = 0`` (or ``W_T = 0``), the group's share is split equally among
    its criteria (there are no proportions to keep); ``equal_within`` says so.
    ``s = W_Q`` reproduces the base weights; ``s = 0`` and ``s = 1`` are the
    quantitative-only and qualitative-only weightings. All shares are scored
    in one batch.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import qualitative_share_sweep
    >>> x = np.array([[90.0, 3.0], [60.0, 5.0], [75.0, 4.0]])
    >>> r = qualitative_share_sweep(x, [0.7, 0.3], [1, 1], [False, True], shares=[0.0, 0.5, 1.0],
    ...                             method="wsm")
    >>> r.base_share
    0.3
    >>> r.ranks
    array([[1, 3, 2],
           [1, 1, 1],
           [3, 1, 2]])
    """
    problem = as_problem(
        matrix, weights, types, method=method, normalization=normalization, bounds=bounds, v=v,
        rho=rho,
    )
    mask = _as_mask(qualitative_mask, problem.m)
    if mask.all() or not mask.any():
        kind = "qualitative" if mask.all() else "quantitative"
        raise InputError(
            f"qualitative_mask marks every criterion as {kind}; a share sweep needs both "
            "qualitative and quantitative criteria"
        )
    grid = np.linspace(0.0, 1.0, 11) if shares is None else as_float_array(shares, "shares")
    if grid.ndim != 1 or grid.size == 0:
        raise InputError(f"shares must be a non-empty 1-D grid; got shape {grid.shape}")
    bad = ~np.isfinite(grid) | (grid < 0.0) | (grid > 1.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"shares[{i}] is {grid[i]}; a share must lie in [0, 1]")
    w = share_weights(problem.weights, mask, grid)
    scores = method_scores(problem, w)
    ranks = method_ranks(problem, scores)
    base_scores = method_scores(problem, problem.weights[None, :])[0]
    base_ranks = method_ranks(problem, base_scores)
    wq = float(problem.weights[mask].sum())
    wt = float(problem.weights[~mask].sum())
    return ShareSweepResult(
        shares=readonly(grid.copy()),
        weights=readonly(w),
        scores=readonly(scores),
        ranks=readonly(ranks),
        base_share=wq,
        base_scores=readonly(base_scores.copy()),
        base_ranks=readonly(base_ranks),
        qualitative_mask=readonly(mask.copy()),
        equal_within=(wq <= 0.0, wt <= 0.0),
        method=problem.method,
        normalization=problem.normalization,
        higher_is_better=problem.higher_is_better,
    )
