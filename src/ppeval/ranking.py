"""Rankings from scores, and the similarity of two rankings.

Public functions
----------------
:func:`rank`
    Scores to ranks (1 = best; ties share the smallest rank), row-wise on a
    ``(k, n)`` batch.
:func:`spearman`
    Spearman's rank correlation ``r_s`` (Pearson correlation of average ranks).
:func:`weighted_spearman`
    The weighted rank correlation ``r_w`` of Pinto da Costa & Soares (2005).
:func:`ws_coefficient`
    The WS rank similarity coefficient of Sałabun & Urbaniak (2020), with the
    first argument as the reference ranking.

Conventions
-----------
A *ranking* gives each of ``n`` alternatives a position, ``1`` being the best.
The comparison functions take two rankings ``a`` and ``b`` of the same ``n``
alternatives, each of shape ``(n,)`` or ``(k, n)`` (``k`` rankings, one per
row, e.g. from a Monte Carlo run); two 1-D inputs give a ``float``, otherwise
the rows are paired (a 1-D input or a single row is paired with every row of
the other) and a ``(k,)`` array is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from ._checks import locate
from ._typing import ArrayLike, BoolArray, FloatArray, IntArray
from .errors import DegenerateError, InputError

__all__ = ["rank", "spearman", "weighted_spearman", "ws_coefficient"]


# --------------------------------------------------------------------------- validation


def _as_rows(x: Any, name: str, *, min_n: int) -> tuple[FloatArray, bool]:
    """Return ``x`` as a finite 2-D ``(k, n)`` float64 array and whether it was 1-D."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric (convertible to float64): {exc}") from None
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise InputError(f"{name} must have shape (n,) or (k, n); got shape {np.shape(x)}")
    k, n = arr.shape
    if k < 1:
        raise InputError(f"{name} is an empty batch; at least one row needed")
    if n < min_n:
        raise InputError(f"{name} has {n} alternative(s); at least {min_n} needed")
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if not np.isfinite(total):
        bad = ~np.isfinite(arr)
        if bad.any():
            r, i = locate(bad)
            where = f"{name}[{i}]" if single else f"{name}[{r}, {i}]"
            raise InputError(f"{where} is {arr[r, i]}; {name} must be finite")
    return arr, single


def _pair(
    a: Any, b: Any, *, check_range: bool
) -> tuple[FloatArray, FloatArray, bool]:
    """Validate two rankings (or batches of rankings) of the same alternatives."""
    x, xs = _as_rows(a, "a", min_n=2)
    y, ys = _as_rows(b, "b", min_n=2)
    if x.shape[1] != y.shape[1]:
        raise InputError(
            f"a ranks {x.shape[1]} alternatives but b ranks {y.shape[1]}; both rankings must "
            "cover the same alternatives"
        )
    if x.shape[0] != y.shape[0] and 1 not in (x.shape[0], y.shape[0]):
        raise InputError(
            f"a holds {x.shape[0]} rankings and b holds {y.shape[0]}; the batch sizes must match "
            "(or one side must be a single ranking)"
        )
    if check_range:
        n = x.shape[1]
        for arr, single, name in ((x, xs, "a"), (y, ys, "b")):
            bad = (arr < 1) | (arr > n)
            if bad.any():
                r, i = locate(bad)
                where = f"{name}[{i}]" if single else f"{name}[{r}, {i}]"
                raise InputError(
                    f"{where} is {arr[r, i]:g}; a ranking of {n} alternatives holds positions "
                    f"from 1 (best) to {n}"
                )
    return x, y, xs and ys


def _out(values: FloatArray, scalar: bool) -> float | FloatArray:
    if scalar:
        return float(values[0])
    return values


# --------------------------------------------------------------------------- rank


def _sorted_groups(key: FloatArray, atol: float) -> tuple[IntArray, BoolArray]:
    """Row-wise sort order and the mask 'starts a new tie group' along the sorted rows.

    The order of equal keys is left to the sort (not stable): equal keys are neighbours in any sorted
    order and fall in one tie group, and every caller gives all members of a group the same value.
    """
    order = np.argsort(key, axis=-1)
    sk = np.take_along_axis(key, order, axis=-1)
    new = np.empty(sk.shape, dtype=bool)
    new[:, 0] = True
    if atol > 0.0:
        with np.errstate(over="ignore", invalid="ignore"):
            new[:, 1:] = np.diff(sk, axis=-1) > atol
    else:
        new[:, 1:] = sk[:, 1:] != sk[:, :-1]
    return order, new


def rank(scores: ArrayLike, higher_is_better: bool = True, *, atol: float = 0.0) -> IntArray:
    """Rank alternatives by their scores: 1 = best, ties share the smallest rank.

    Parameters
    ----------
    scores : array_like, shape (n,) or (k, n)
        Finite scores of ``n`` alternatives; a 2-D input is a batch of ``k``
        score vectors ranked row by row.
    higher_is_better : bool, default True
        ``True`` for scores where more is better (TOPSIS closeness, WSM);
        ``False`` where less is better (VIKOR ``Q``).
    atol : float, default 0.0
        Scores whose sorted neighbours differ by at most ``atol`` are tied.
        The default ``0`` ties only exactly equal floats.

    Returns
    -------
    numpy.ndarray of int64, same shape as ``scores``
        ``1`` for the best alternative of each row.

    Raises
    ------
    InputError
        If ``scores`` is not 1-D or 2-D, is empty, holds nan/inf (the message
        names the position), ``higher_is_better`` is not a bool, or ``atol`` is
        negative or not finite.

    Notes
    -----
    Standard competition ranking ("1224", ``method="min"`` in
    ``scipy.stats.rankdata``): an alternative's rank is one plus the number of
    alternatives strictly better than it, so tied alternatives share the
    smallest rank and the next rank is skipped. Ties are exact float equality
    by default: scores that differ only by rounding (e.g. ``0.1 + 0.2`` and
    ``0.3``) are *not* tied unless ``atol`` says so. With ``atol > 0`` ties are
    chained along the sorted scores (single linkage): ``0, 0.6, 1.2`` with
    ``atol = 0.7`` are all tied although ``|1.2 - 0| > atol``.

    Vectorised: one stable ``argsort`` per call over all rows, no Python loop.

    Examples
    --------
    >>> from ppeval.ranking import rank
    >>> print(rank([0.3, 0.9, 0.3, 0.5]).tolist())
    [3, 1, 3, 2]
    >>> print(rank([[1.0, 2.0, 3.0], [3.0, 3.0, 1.0]], higher_is_better=False).tolist())
    [[1, 2, 3], [2, 2, 1]]
    """
    if not isinstance(higher_is_better, bool | np.bool_):
        raise InputError(f"higher_is_better is {higher_is_better!r}; expected True or False")
    if isinstance(atol, bool) or not isinstance(atol, int | float | np.integer | np.floating):
        raise InputError(f"atol is {atol!r}; expected a finite number >= 0")
    if not (np.isfinite(atol) and atol >= 0):
        raise InputError(f"atol is {atol!r}; expected a finite number >= 0")
    s, single = _as_rows(scores, "scores", min_n=1)
    key = -s if higher_is_better else s
    order, new = _sorted_groups(key, float(atol))
    n = s.shape[1]
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=-1)
    ranks = np.empty(s.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, start + 1, axis=-1)
    return ranks[0] if single else ranks


def _average_ranks(x: FloatArray) -> FloatArray:
    """Row-wise ranks in ascending order of ``x``, ties given their average rank (1-based)."""
    n = x.shape[1]
    order, new = _sorted_groups(x, 0.0)
    idx = np.arange(n)
    start = np.maximum.accumulate(np.where(new, idx, 0), axis=-1)
    last = np.empty_like(new)
    last[:, :-1] = new[:, 1:]
    last[:, -1] = True
    end = np.minimum.accumulate(np.where(last, idx, n)[:, ::-1], axis=-1)[:, ::-1]
    out = np.empty(x.shape, dtype=np.float64)
    np.put_along_axis(out, order, (start + end) / 2.0 + 1.0, axis=-1)
    return out


# --------------------------------------------------------------------------- similarity


@overload
def spearman(a: Sequence[float], b: Sequence[float]) -> float: ...
@overload
def spearman(a: ArrayLike, b: ArrayLike) -> float | FloatArray: ...
def spearman(a: ArrayLike, b: ArrayLike) -> float | FloatArray:
    r"""Spearman's rank correlation coefficient of two rankings.

    Parameters
    ----------
    a, b : array_like, shape (n,) or (k, n)
        Two rankings of the same ``n >= 2`` alternatives (or batches, see the
        module notes). Any values in the same orientation work (ranks, or
        scores where more is better in both): only their order is used.

    Returns
    -------
    float or numpy.ndarray of shape (k,)
        ``r_s`` in ``[-1, 1]``.

    Raises
    ------
    InputError
        If the inputs are not finite 1-D/2-D numeric arrays of the same number
        of alternatives (at least 2), or the batch sizes do not match.
    DegenerateError
        If a ranking is constant (all alternatives tied): its rank variance is
        0 and the correlation is undefined. The message names the row.

    Notes
    -----
    Each input is re-ranked with average ranks for ties ("fractional"
    ranking) and ``r_s`` is the Pearson correlation of the two rank vectors
    (Spearman 1904):

    .. math::

        r_s = \frac{\operatorname{cov}(R_a, R_b)}{\sigma_{R_a} \sigma_{R_b}},

    which without ties equals ``1 - 6 sum_i d_i^2 / (n (n^2 - 1))``. This is
    ``scipy.stats.spearmanr``. pymcdm's ``correlations.spearman`` takes the
    Pearson correlation of the given values without re-ranking, which is the
    same for tie-free rankings but differs when ties were ranked by the
    "min" method of :func:`rank` (e.g. ``[1, 1, 3]`` vs the average ranks
    ``[1.5, 1.5, 3]``).

    References
    ----------
    Spearman, C. (1904). The proof and measurement of association between two
    things. American Journal of Psychology, 15(1), 72-101.

    Examples
    --------
    >>> from ppeval.ranking import spearman
    >>> print(round(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]), 4))
    0.9
    """
    x, y, scalar = _pair(a, b, check_range=False)
    rx = _average_ranks(x)
    ry = _average_ranks(y)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    vx = np.einsum("ij,ij->i", rx, rx)
    vy = np.einsum("ij,ij->i", ry, ry)
    for v, name, rows in ((vx, "a", x.shape[0]), (vy, "b", y.shape[0])):
        flat = v == 0
        if flat.any():
            r = int(np.argmax(flat))
            where = name if rows == 1 else f"{name}[{r}]"
            raise DegenerateError(
                f"{where} ranks every alternative equal; Spearman's correlation is undefined "
                "for a constant ranking (its rank variance is 0)"
            )
    num = (rx * ry).sum(axis=1)
    values = np.clip(num / np.sqrt(vx * vy), -1.0, 1.0)
    return _out(values, scalar)


@overload
def weighted_spearman(a: Sequence[float], b: Sequence[float]) -> float: ...
@overload
def weighted_spearman(a: ArrayLike, b: ArrayLike) -> float | FloatArray: ...
def weighted_spearman(a: ArrayLike, b: ArrayLike) -> float | FloatArray:
    r"""Weighted rank correlation ``r_w`` (Pinto da Costa & Soares 2005).

    Parameters
    ----------
    a, b : array_like, shape (n,) or (k, n)
        Two rankings (positions ``1..n``, 1 = best) of the same ``n >= 2``
        alternatives, or batches (see the module notes).

    Returns
    -------
    float or numpy.ndarray of shape (k,)
        ``r_w``; 1 for identical rankings, -1 for reversed ones (without ties).

    Raises
    ------
    InputError
        If the inputs are not finite rankings with positions in ``[1, n]`` of
        the same ``n >= 2`` alternatives, or the batch sizes do not match.

    Notes
    -----
    .. math::

        r_w = 1 - \frac{6 \sum_{i=1}^{n} (x_i - y_i)^2 \, ((n - x_i + 1) + (n - y_i + 1))}
                       {n^4 + n^3 - n^2 - n},

    Spearman's coefficient with each squared difference weighted by how high
    the alternative sits in both rankings, so disagreements at the top count
    more. Symmetric in ``a`` and ``b``. The values are used as given (not
    re-ranked); ties are accepted, in which case ``r_w`` need not stay in
    ``[-1, 1]``.

    References
    ----------
    Pinto da Costa, J., & Soares, C. (2005). A weighted rank measure of
    correlation. Australian & New Zealand Journal of Statistics, 47(4),
    515-529.

    Examples
    --------
    >>> from ppeval.ranking import weighted_spearman
    >>> print(round(weighted_spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]), 4))
    0.8833
    """
    x, y, scalar = _pair(a, b, check_range=True)
    n = x.shape[1]
    d2 = (x - y) ** 2
    num = 6.0 * (d2 * ((n - x + 1.0) + (n - y + 1.0))).sum(axis=1)
    values = 1.0 - num / float(n**4 + n**3 - n**2 - n)
    return _out(values, scalar)


@overload
def ws_coefficient(a: Sequence[float], b: Sequence[float]) -> float: ...
@overload
def ws_coefficient(a: ArrayLike, b: ArrayLike) -> float | FloatArray: ...
def ws_coefficient(a: ArrayLike, b: ArrayLike) -> float | FloatArray:
    r"""WS rank similarity coefficient (Sałabun & Urbaniak 2020); ``a`` is the reference.

    Parameters
    ----------
    a : array_like, shape (n,) or (k, n)
        Reference ranking ``x`` (positions ``1..n``, 1 = best), ``n >= 2``.
    b : array_like, shape (n,) or (k, n)
        Tested ranking ``y`` of the same alternatives.

    Returns
    -------
    float or numpy.ndarray of shape (k,)
        WS; 1 for identical rankings, in ``[0, 1]`` for rankings without ties.

    Raises
    ------
    InputError
        If the inputs are not finite rankings with positions in ``[1, n]`` of
        the same ``n >= 2`` alternatives, or the batch sizes do not match.

    Notes
    -----
    .. math::

        WS = 1 - \sum_{i=1}^{n} 2^{-x_i}
             \frac{|x_i - y_i|}{\max(|x_i - 1|, |x_i - n|)}

    A difference at position ``x_i`` of the reference costs ``2^{-x_i}`` times
    its size relative to the largest difference possible at that position, so
    errors at the top of the reference ranking weigh most. WS is **not
    symmetric**: ``ws_coefficient(a, b) != ws_coefficient(b, a)`` in general;
    pass the reference (e.g. the base-case ranking) as ``a``. The values are
    used as given; with ties in the reference WS can fall below 0.

    References
    ----------
    Sałabun, W., & Urbaniak, K. (2020). A new coefficient of rankings
    similarity in decision-making problems. In Computational Science - ICCS
    2020, Lecture Notes in Computer Science 12138, pp. 632-645. Springer,
    Cham. doi:10.1007/978-3-030-50417-5_47

    Examples
    --------
    Swapping the 2nd and 3rd alternatives of ``(1, 2, 3, 4, 5)`` (the paper's
    example) gives ``WS = 1 - (1/12 + 1/16) = 41/48``:

    >>> from ppeval.ranking import ws_coefficient
    >>> print(round(ws_coefficient([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]), 4))
    0.8542
    """
    x, y, scalar = _pair(a, b, check_range=True)
    n = x.shape[1]
    den = np.maximum(np.abs(x - 1.0), np.abs(x - n))  # >= (n - 1) / 2 > 0 on [1, n]
    values = 1.0 - (np.exp2(-x) * np.abs(x - y) / den).sum(axis=1)
    return _out(values, scalar)
