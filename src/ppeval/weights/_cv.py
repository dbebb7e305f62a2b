"""Coefficient-of-variation weights (private module of :mod:`ppeval.weights`)."""

from __future__ import annotations

import numpy as np

from ppeval._checks import locate
from ppeval._typing import ArrayLike, FloatArray
from ppeval.errors import DegenerateError, InputError
from ppeval.weights._objective import (
    _as_data,
    _centered_gram,
    _column_means,
    _finish,
    _need_two_rows,
    _pow2_scale,
    _scan,
)

__all__ = ["cv"]


def cv(matrix: ArrayLike) -> FloatArray:
    r"""Coefficient-of-variation weights of a non-negative decision matrix.

    Parameters
    ----------
    matrix : array_like, shape (n_alternatives, n_criteria)
        Raw performance values, non-negative and finite; at least 2 rows.
        The criterion direction plays no role (as for :func:`entropy`).

    Returns
    -------
    numpy.ndarray, shape (n_criteria,)
        Weights ``w_j >= 0`` summing to 1 (float64, a new array).

    Raises
    ------
    InputError
        If ``matrix`` is not a finite 2-D numeric array, holds a negative value
        (the message names ``matrix[i, j]``), or a column is all zero (its
        mean is 0, so ``V_j = 0/0``).
    DegenerateError
        If ``matrix`` has a single row, or every column is constant (every
        ``V_j = 0``).

    Notes
    -----
    The coefficient-of-variation (variation coefficient) method: a criterion
    whose values vary more, relative to their mean, discriminates more
    between the alternatives and gets more weight,

    .. math::

        V_j = \frac{\sigma_j}{\bar x_j}, \qquad w_j = \frac{V_j}{\sum_k V_k},

    with ``x̄_j`` the column mean and ``sigma_j`` its standard deviation
    (the population and the sample standard deviation give the same weights:
    the factor ``sqrt(n / (n - 1))`` cancels). ``V_j`` is unit free, so the
    weights do not change when a column is rescaled by a positive factor;
    they do change when it is shifted, which is why negative values are an
    error (transform the column first) rather than shifted silently. A
    constant column gets weight exactly 0, as in :func:`entropy`.

    Computation: two passes in row blocks on columns rescaled by powers of
    two (exact), so no intermediate can overflow and no ``(n, m)``
    temporary is allocated.

    References
    ----------
    Diakoulaki, D., Mavrotas, G., & Papayannakis, L. (1995). Determining
    objective weights in multiple criteria problems: the CRITIC method.
    Computers & Operations Research, 22(7), 763-770 (dispersion-based
    objective weights).

    郭亚军 (Guo Yajun) (2007). 综合评价理论、方法及应用 (Comprehensive
    evaluation: theory, methods and applications). 科学出版社, Beijing
    (the variation-coefficient method, 变异系数法).

    Examples
    --------
    Column 1 has mean 2 and population standard deviation sqrt(2/3); column 2
    mean 20 and the same spread times 10; column 3 is constant.

    >>> from ppeval.weights import cv
    >>> print([round(float(v), 4) for v in cv([[1, 10, 5], [2, 20, 5], [3, 30, 5]])])
    [0.5, 0.5, 0.0]
    """
    x = _as_data(matrix, "matrix")
    n, m = x.shape
    mn, mx, total = _scan(x, "matrix", with_sum=True)
    if (mn < 0).any():
        i, j = locate(x < 0)
        raise InputError(
            f"matrix[{i}, {j}] is {float(x[i, j])!r}; coefficient-of-variation weights need non-negative "
            "values (V_j = sigma_j / mean_j is only meaningful on a ratio scale); transform the column first"
        )
    zero = mx == 0
    if zero.any():
        j = int(np.argmax(zero))
        raise InputError(
            f"matrix[:, {j}] is all zero; coefficient-of-variation weights need a positive column mean "
            "(V_j = sigma_j / mean_j would be 0/0)"
        )
    _need_two_rows(n, "coefficient-of-variation weighting")
    constant = mn == mx
    if constant.all():
        raise DegenerateError(
            "every column of matrix is constant; coefficient-of-variation weights are undefined "
            "(every V_j = sigma_j / mean_j is 0)"
        )
    if total is None:  # pragma: no cover - _scan(with_sum=True) always returns sums
        raise InputError("internal error: column sums missing")
    f = _pow2_scale(mn, mx)
    mean_s = _column_means(x, total, f)  # mean_j * f_j, positive
    ss = np.clip(_centered_gram(x, f, mean_s, np.ones(m), full=False), 0.0, None)
    v = np.sqrt(ss / n) / mean_s  # f_j cancels
    v[constant] = 0.0
    if not v.sum() > 0.0:  # pragma: no cover - excluded by the constant-column check
        raise DegenerateError("every column of matrix is constant; coefficient-of-variation weights are undefined")
    return _finish(v)
