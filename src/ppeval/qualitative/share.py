"""How much do qualitative indicators count? Weight share and share of the score spread.

An evaluation can give qualitative indicators (residents' satisfaction, how
they were treated, whether the service was real) a fair weight on paper and
still let the quantitative ones decide the ranking, because the qualitative
ratings barely differ across projects. So two numbers are reported: the
share of the total weight on qualitative indicators, and the share of the
variance of the scores across projects that the qualitative indicators
account for. A configured floor on the weight share is checked too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ppeval._checks import as_matrix, as_weights
from ppeval._typing import FloatArray
from ppeval.errors import InputError
from ppeval.qualitative._common import WEIGHT_SUM_TOL, readonly

__all__ = ["QualitativeShare", "qualitative_share"]

#: Scores whose range is at most this fraction of their largest magnitude count as equal (no spread).
_EQUAL_RTOL = 1e-12


@dataclass(frozen=True, eq=False)
class QualitativeShare:
    """Weight share and variance share of the qualitative indicators.

    Attributes
    ----------
    weight_share : float
        ``sum_{j in Q} w_j / sum_j w_j``.
    variance_share : float
        ``sum_{j in Q} cov(c_j, s) / var(s)``: the part of the variance of
        the scores across projects that the qualitative indicators account
        for. ``nan`` exactly where ``variance_defined`` is False.
    variance_defined : bool
        False when the scores do not vary (fewer than 2 projects, or
        ``max(s) - min(s) <= 1e-12 max|s|``, i.e. equal up to rounding):
        there is no spread to share out.
    indicator_variance_shares : ndarray of float64, shape (m,)
        ``cov(c_j, s) / var(s)`` per indicator; sums to 1. An indicator
        that pulls against the others has a negative share. All ``nan``
        when ``variance_defined`` is False.
    score_variance : float
        ``var(s)`` (population variance, ``ddof=0``).
    floor : float or None
        The floor the weight share was checked against.
    below_floor : bool
        ``weight_share < floor`` (beyond the weight-sum tolerance 1e-9);
        False without a floor.
    """

    weight_share: float
    variance_share: float
    variance_defined: bool
    indicator_variance_shares: FloatArray
    score_variance: float
    floor: float | None
    below_floor: bool


def qualitative_share(
    weights: npt.ArrayLike,
    matrix: npt.ArrayLike,
    qualitative: npt.ArrayLike,
    *,
    contributions: bool = False,
    floor: float | None = None,
) -> QualitativeShare:
    """Share of weight and of score variance on the qualitative indicators.

    Parameters
    ----------
    weights : array_like, shape (m,)
        Indicator weights, non-negative, summing to 1.
    matrix : array_like, shape (n, m)
        Normalised, benefit-oriented decision matrix (the contribution of
        indicator ``j`` to project ``i``'s additive score is then
        ``c_ij = w_j x_ij``), or with ``contributions=True`` the
        contributions ``c_ij`` themselves (e.g. a method's per-indicator
        contributions to the score).
    qualitative : array_like of bool, shape (m,)
        ``True`` for qualitative indicators.
    contributions : bool
        ``matrix`` already holds the contributions (weights are then used
        for the weight share only).
    floor : float, optional
        Minimum weight share in ``[0, 1]`` (e.g. 0.3); sets ``below_floor``.
        Acting on it (warning, or an error where the system is strict) is
        the caller's decision.

    Returns
    -------
    QualitativeShare

    Raises
    ------
    InputError
        Shapes that do not match, invalid weights, a non-boolean mask, a
        non-finite matrix, or a floor outside ``[0, 1]``.

    Notes
    -----
    For the additive score :math:`s_i = \\sum_j c_{ij}`, the covariance is
    linear, so :math:`\\operatorname{var}(s) = \\sum_j \\operatorname{cov}(c_j, s)`
    and the variance decomposes over indicators; the qualitative share is

    .. math:: \\text{share}_Q = \\frac{\\sum_{j \\in Q} \\operatorname{cov}(c_j, s)}
                                      {\\operatorname{var}(s)},

    the share of the score variance "explained" by the qualitative block
    (the covariance decomposition of a sum; for the regression of each
    :math:`c_j` on :math:`s`, :math:`\\operatorname{cov}(c_j, s)/\\operatorname{var}(s)`
    is its slope, and the slopes sum to 1). It is 0 when the qualitative
    indicators do not vary across projects, whatever their weight. For
    non-additive methods (TOPSIS, VIKOR) pass their contributions or read
    the result as that of the weighted-sum approximation.

    References
    ----------
    Shorrocks, A. F. (1982). Inequality decomposition by factor components.
    *Econometrica* 50(1), 193-211 (the natural decomposition of the variance
    of a sum by its components).

    Examples
    --------
    >>> x = [[1.0, 0.6], [0.0, 0.2], [0.5, 0.4]]
    >>> r = qualitative_share([0.7, 0.3], x, [False, True], floor=0.35)
    >>> round(r.weight_share, 2), round(r.variance_share, 4), r.below_floor
    (0.3, 0.1463, True)
    """
    mat = as_matrix(matrix, "matrix")
    n, m = mat.shape
    wb, single = as_weights(weights, m)
    if not single:
        raise InputError(f"weights must be one weight vector of shape ({m},); got shape {wb.shape}")
    w = wb[0]
    q = np.asarray(qualitative)
    if q.shape != (m,):
        raise InputError(f"qualitative has shape {q.shape}; expected ({m},) (one flag per indicator)")
    if q.dtype.kind != "b":
        if q.dtype.kind in "iu" and np.isin(q, (0, 1)).all():
            q = q.astype(bool)
        else:
            raise InputError(f"qualitative must be a boolean mask (True = qualitative); got dtype {q.dtype}")
    if floor is not None and (
        isinstance(floor, bool) or not isinstance(floor, int | float | np.floating) or not 0 <= floor <= 1
    ):
        raise InputError(f"floor is {floor!r}; a weight-share floor must be a number in [0, 1]")
    total = math.fsum(w.tolist())
    weight_share = math.fsum(w[q].tolist()) / total
    c = mat if contributions else mat * w[None, :]
    s = c.sum(axis=1)
    spread = float(s.max() - s.min()) if n else 0.0
    scale = float(np.abs(s).max()) if n else 0.0
    defined = n >= 2 and spread > _EQUAL_RTOL * scale
    sc = s - s.mean()
    var = float((sc * sc).mean())
    if defined:
        # on values divided by the largest |score| (the shares are scale-free): squares of tiny scores
        # (1e-300) would underflow to a zero variance
        sn = sc / scale
        # cov_j = mean_i((c_ij - mean_j) sn_i) = (c^T sn)_j / n - mean_j mean(sn): one matrix-vector
        # product, no (n, m) temporary (sn is centred, so the correction is at rounding level)
        cov = (c.T @ sn / n - c.mean(axis=0) * sn.mean()) / scale
        shares = cov / float((sn * sn).mean())
        variance_share = float(shares[q].sum())
    else:
        shares = np.full(m, np.nan)
        variance_share = math.nan
    below = floor is not None and weight_share < float(floor) - WEIGHT_SUM_TOL
    readonly(shares)
    return QualitativeShare(
        weight_share=weight_share,
        variance_share=variance_share,
        variance_defined=bool(defined),
        indicator_variance_shares=shares,
        score_variance=var,
        floor=None if floor is None else float(floor),
        below_floor=bool(below),
    )
