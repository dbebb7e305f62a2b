"""Rank-sum ratio (RSR, 秩和比法; Tian Fengdiao 1988): ranks, probits, linear fit and grading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ppeval._checks import as_matrix, as_types, as_vector, one_of, readonly
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.methods._batch import weight_batch

__all__ = ["RSRResult", "rsr", "PROBIT_CUTOFFS"]

#: Probit cut-offs of the usual grading tables (Tian Fengdiao), by number of grades (worst to best).
PROBIT_CUTOFFS: dict[int, tuple[float, ...]] = {
    3: (4.0, 6.0),
    4: (3.72, 5.0, 6.28),
    5: (3.52, 4.48, 5.52, 6.48),
}


@dataclass(frozen=True, eq=False)
class RSRResult:
    """Rank-sum ratio analysis of ``n`` objects on ``m`` indicators (arrays read-only).

    Attributes
    ----------
    ranks : ndarray, shape (n, m)
        The rank ``R_ij`` of every object on every indicator (1 = worst, n = best).
    rsr : ndarray, shape (n,)
        (Weighted) rank-sum ratio ``sum_j w_j R_ij / n`` in ``[1/n, 1]``; higher is better.
    method : {"int", "nonint"}
    values : ndarray, shape (g,)
        Distinct RSR values in ascending order (the distribution table).
    frequency : ndarray of int, shape (g,)
        How many objects share each value.
    cumulative : ndarray of int, shape (g,)
        Cumulative frequency.
    mean_rank : ndarray, shape (g,)
        Average rank of each value among the ``n`` objects (ascending).
    percentile : ndarray, shape (g,)
        Cumulative frequency ``mean_rank / n``; the last entry corrected to
        ``1 - 1/(4n)``.
    probit : ndarray, shape (n,)
        ``5 + Phi^{-1}(percentile)`` of every object's RSR value.
    intercept, slope : float or None
        Least-squares line ``RSR = intercept + slope * probit`` over the
        distribution table (None with fewer than 3 distinct values: no fit).
    r_squared, f_statistic, p_value : float or None
        Goodness of that fit (F test of the slope with ``1`` and ``g - 2``
        degrees of freedom); None as above, ``f_statistic``/``p_value`` also
        None when the fit is exact.
    fitted : ndarray or None, shape (n,)
        ``intercept + slope * probit`` per object.
    cutoffs : ndarray, shape (c,)
        Probit cut-offs used for grading (ascending).
    rsr_cutoffs : ndarray or None, shape (c,)
        The fitted RSR at each cut-off (None without a fit).
    grade : ndarray of int, shape (n,)
        Grade of every object, ``1`` = best, ``c + 1`` = worst (an object whose
        probit equals a cut-off goes to the better grade).
    """

    ranks: FloatArray
    rsr: FloatArray
    method: str
    values: FloatArray
    frequency: IntArray
    cumulative: IntArray
    mean_rank: FloatArray
    percentile: FloatArray
    probit: FloatArray
    intercept: float | None
    slope: float | None
    r_squared: float | None
    f_statistic: float | None
    p_value: float | None
    fitted: FloatArray | None
    cutoffs: FloatArray
    rsr_cutoffs: FloatArray | None
    grade: IntArray


def _ranks(x: FloatArray, types: IntArray, method: str) -> FloatArray:
    from scipy import stats  # imported here: scipy.stats takes long to import

    n = x.shape[0]
    oriented = x * types  # higher is better in every column
    if method == "int":
        r: FloatArray = stats.rankdata(oriented, method="average", axis=0).astype(np.float64)
        return r
    lo = oriented.min(axis=0)
    span = oriented.max(axis=0) - lo
    out = np.full(x.shape, (n + 1) / 2.0)  # a constant column: every object gets the average rank
    ok = span > 0.0
    out[:, ok] = 1.0 + (n - 1.0) * (oriented[:, ok] - lo[ok]) / span[ok]
    return out


def rsr(
    matrix: Any,
    weights: Any,
    types: Any,
    *,
    method: Literal["int", "nonint", "non-int"] = "int",
    grades: int = 3,
    cutoffs: Any = None,
) -> RSRResult:
    """Rank-sum ratio with probit grading (Tian Fengdiao 1988).

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        ``n >= 2`` objects (rows) on ``m`` indicators, finite.
    weights : array_like, shape (m,)
        Indicator weights (non-negative, summing to 1); equal weights give the
        unweighted RSR ``sum_j R_ij / (m n)``.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` (a larger value gets a larger rank) or
        ``-1``/``"cost"``.
    method : {"int", "nonint"}, default "int"
        (``"non-int"`` is accepted for ``"nonint"``.) ``"int"``: integer ranks 1..n per indicator, ties sharing their
        average rank. ``"nonint"``: ``R_ij = 1 + (n - 1)(x_ij - min_j) /
        (max_j - min_j)`` (cost: ``(max_j - x_ij)``), which keeps the
        distances between values (Tian Fengdiao's non-integer RSR).
    grades : {3, 4, 5}, default 3
        Number of grades of the usual probit table (:data:`PROBIT_CUTOFFS`);
        ignored when ``cutoffs`` is given.
    cutoffs : array_like, optional
        Strictly increasing probit cut-offs (each in (0, 10)) instead of the
        table.

    Returns
    -------
    RSRResult

    Raises
    ------
    InputError
        Invalid matrix (fewer than 2 rows), weights, types, ``method``,
        ``grades`` or ``cutoffs``.

    Notes
    -----
    1. Rank every indicator (see ``method``); ``WRSR_i = (1/n) sum_j w_j
       R_ij``.
    2. Distribution of the RSR values: for each distinct value (ascending)
       its frequency ``f``, cumulative frequency ``F``, average rank
       ``(F - f + 1 + F)/2`` and percentile ``p = average rank / n``, the
       last one corrected to ``1 - 1/(4n)``; probit ``5 + Phi^{-1}(p)``.
    3. Least-squares line ``RSR = a + b probit`` over the distinct values
       (needs at least 3; with fewer the fit fields are None).
    4. Grading: objects are graded by their probit against the cut-offs
       (4 and 6 for three grades, ...); with ``b > 0`` this is grading by the
       fitted RSR against ``a + b * cutoff``, the textbook procedure.

    A constant indicator gives every object the average rank ``(n + 1)/2``
    under both methods. Two objects give a distribution of at most two
    distinct values: ranks, RSR, probits and grades are defined, the fit is not.

    References
    ----------
    田凤调 (Tian Fengdiao) (1988). 秩和比法及其应用. *中国卫生统计* (the
    original description of the method).

    孙振球 (Sun Zhenqiu) (ed.). *医学统计学* (medical statistics textbook),
    chapter on comprehensive evaluation: the rank-sum ratio procedure and the
    probit grading table followed here.

    Examples
    --------
    >>> from ppeval.methods import rsr
    >>> res = rsr([[3.0, 10.0], [1.0, 30.0], [2.0, 20.0], [4.0, 40.0]], [0.5, 0.5], [1, -1])
    >>> res.ranks.tolist()
    [[3.0, 4.0], [1.0, 2.0], [2.0, 3.0], [4.0, 1.0]]
    >>> res.rsr.tolist()
    [0.875, 0.375, 0.625, 0.625]
    """
    from scipy import stats  # imported here: scipy.stats takes long to import

    x = as_matrix(matrix, "matrix", min_rows=2)
    n, m = x.shape
    t = as_types(types, m)
    w, single = weight_batch(weights, m)
    if not single:
        raise InputError(f"weights must be one weight vector of shape ({m},); got shape {w.shape}")
    kind = "nonint" if method == "non-int" else one_of(method, ("int", "nonint"), "method")
    cut = _cutoffs(grades, cutoffs)
    r = _ranks(x, t, kind)
    # Column by column, not a BLAS product: every project's sum is formed in the same order, so projects
    # with equal ranks get bit-equal RSRs and fall into one group below whatever their row position.
    score = np.zeros(n)
    for j in range(m):
        score += r[:, j] * w[0, j]
    score /= n
    values, inverse, freq = np.unique(score, return_inverse=True, return_counts=True)
    inverse = np.asarray(inverse).reshape(-1)
    cum = np.cumsum(freq)
    mean_rank = (cum - freq + 1 + cum) / 2.0
    pct = mean_rank / n
    pct[-1] = 1.0 - 1.0 / (4.0 * n)
    probit_v = 5.0 + stats.norm.ppf(pct)
    probit = probit_v[inverse]
    a = b = r2 = f_stat = p_val = None
    fitted = rsr_cut = None
    g = values.size
    if g >= 3:
        fit = stats.linregress(probit_v, values)
        a, b = float(fit.intercept), float(fit.slope)
        r2 = float(fit.rvalue**2)
        if r2 < 1.0:
            f_stat = r2 / (1.0 - r2) * (g - 2)
            p_val = float(stats.f.sf(f_stat, 1, g - 2))
        fitted = readonly(a + b * probit)
        rsr_cut = readonly(a + b * cut)
    # grade 1 = best: count the cut-offs the probit does not reach
    grade = (cut.size + 1 - np.searchsorted(cut, probit, side="right")).astype(np.int64)
    return RSRResult(
        ranks=readonly(r),
        rsr=readonly(score),
        method=kind,
        values=readonly(values),
        frequency=readonly(freq.astype(np.int64)),
        cumulative=readonly(cum.astype(np.int64)),
        mean_rank=readonly(mean_rank),
        percentile=readonly(pct),
        probit=readonly(probit),
        intercept=a,
        slope=b,
        r_squared=r2,
        f_statistic=f_stat,
        p_value=p_val,
        fitted=fitted,
        cutoffs=readonly(cut),
        rsr_cutoffs=rsr_cut,
        grade=readonly(grade),
    )


def _cutoffs(grades: Any, cutoffs: Any) -> FloatArray:
    if cutoffs is not None:
        c = as_vector(cutoffs, "cutoffs")
        if not (np.diff(c) > 0).all():
            raise InputError(f"cutoffs {c.tolist()} must be strictly increasing probits")
        if not ((c > 0.0) & (c < 10.0)).all():
            raise InputError(f"cutoffs {c.tolist()} must be probits in (0, 10) (5 is the median)")
        return c
    if isinstance(grades, bool) or not isinstance(grades, int | np.integer) or int(grades) not in PROBIT_CUTOFFS:
        raise InputError(
            f"grades is {grades!r}; the probit table has 3, 4 or 5 grades (pass cutoffs= for another division)"
        )
    return np.array(PROBIT_CUTOFFS[int(grades)], dtype=np.float64)
