"""Column transforms shared by the pipeline and the evidence Monte Carlo (numeric core: plain numpy, no schema).

* Target (nominal-the-best) and interval indicators become benefit columns of
  closeness in [0, 1].
* Scores on 0-100 become fuzzy memberships in grade bands for FCE.
"""

from __future__ import annotations

import numpy as np

from ppeval._typing import FloatArray

__all__ = ["target_closeness", "interval_closeness", "grade_centres", "score_membership"]


def target_closeness(
    x: FloatArray, target: float, tolerance: float, low: float, high: float
) -> FloatArray:
    """Closeness of raw values to a target, in [0, 1] (1 = within tolerance of the target).

    Notes
    -----
    With ``e_i = max(|x_i - t| - tol, 0)`` the excess deviation and
    ``e_max = max(t - low, high - t) - tol`` the largest excess possible within
    the plausible range ``[low, high]``, the closeness is ``1 - e_i / e_max``
    (a linear "nominal-the-best" transform; Hwang & Yoon 1981, sec. 2.2; Jahan
    & Edwards 2015, "A state-of-the-art survey on the influence of normalization
    techniques in ranking", for target-based normalisation). If ``e_max <= 0``
    (the tolerance covers the whole range) every value has closeness 1.
    """
    e = np.maximum(np.abs(x - target) - tolerance, 0.0)
    e_max = max(target - low, high - target) - tolerance
    if e_max <= 0:
        return np.ones_like(x)
    out: FloatArray = np.clip(1.0 - e / e_max, 0.0, 1.0)
    return out


def interval_closeness(
    x: FloatArray, ok_low: float, ok_high: float, low: float, high: float
) -> FloatArray:
    """Closeness of raw values to an acceptable interval, in [0, 1] (1 = inside it).

    Notes
    -----
    ``e_i = max(ok_low - x_i, 0, x_i - ok_high)`` is the distance to the
    acceptable interval and ``e_max = max(ok_low - low, high - ok_high)`` the
    largest distance possible within the plausible range; closeness is
    ``1 - e_i / e_max`` (interval normalisation; Jahan & Edwards 2015). If the
    interval covers the range, every value has closeness 1.
    """
    e = np.maximum(np.maximum(ok_low - x, x - ok_high), 0.0)
    e_max = max(ok_low - low, high - ok_high)
    if e_max <= 0:
        return np.ones_like(x)
    out: FloatArray = np.clip(1.0 - e / e_max, 0.0, 1.0)
    return out


def grade_centres(mins: FloatArray) -> FloatArray:
    """Centre of every grade band on 0-100, bands given by lower bounds best first.

    The top band runs from its lower bound to 100, band ``k`` from ``mins[k]``
    to ``mins[k-1]``; the centre is the midpoint.
    """
    upper = np.concatenate([[100.0], mins[:-1]])
    out: FloatArray = (mins + upper) / 2.0
    return out


def score_membership(score_100: FloatArray, centres: FloatArray) -> FloatArray:
    """Membership of 0-100 scores in grades, by linear interpolation between grade centres.

    Parameters
    ----------
    score_100 : ndarray, any shape
    centres : ndarray, shape (g,)
        Grade centres, best (highest) first, strictly decreasing.

    Returns
    -------
    ndarray, shape ``score_100.shape + (g,)``
        Non-negative, summing to 1 over the last axis. A score at a centre
        belongs fully to that grade; between two centres it is split linearly
        (the triangular / half-trapezoid membership functions usual in fuzzy
        comprehensive evaluation, e.g. Feng & Xu 1999); beyond the outermost
        centres it belongs fully to the outermost grade.
    """
    c = centres[::-1]  # increasing
    g = c.shape[0]
    s = np.clip(score_100, c[0], c[-1])
    hi = np.clip(np.searchsorted(c, s, side="right"), 1, g - 1) if g > 1 else np.zeros(s.shape, int)
    out = np.zeros(s.shape + (g,), dtype=np.float64)
    if g == 1:
        out[..., 0] = 1.0
        return out
    lo = hi - 1
    t = (s - c[lo]) / (c[hi] - c[lo])
    t = np.clip(t, 0.0, 1.0)
    np.put_along_axis(out, lo[..., None], (1.0 - t)[..., None], axis=-1)
    np.put_along_axis(out, hi[..., None], t[..., None], axis=-1)
    result: FloatArray = out[..., ::-1].copy()
    return result
