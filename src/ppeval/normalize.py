"""Normalisation of a decision matrix to benefit orientation.

Every function takes ``(matrix, types, bounds=None)`` and returns a new float64
array of the matrix's shape in which **higher is better in every column**
(cost criteria are reversed), so the aggregation methods never branch on the
criterion type again. The conventions of the cost variants and of degenerate
columns are those of pymcdm 1.4 (``pymcdm.normalizations``) wherever pymcdm
defines a value; where pymcdm returns nan or raises (a zero column in
``vector``/``max``/``sum``), ppeval defines the value as the one every constant
column gets, so a zero column is simply a constant column.

==========  ========================  ===========================  ======================
function    benefit ``r_ij``          cost ``r_ij``                constant column
==========  ========================  ===========================  ======================
``vector``  ``x / ||x_j||``           ``1 - x / ||x_j||``          ``1/sqrt(n)`` [#]_
``minmax``  ``(x - min)/(max - min)`` ``(max - x)/(max - min)``    ``1``
``max``     ``x / max``               ``1 - x / max``              ``1`` (cost ``0``)
``sum``     ``x / sum(x)``            ``(1/x) / sum(1/x)``         ``1/n``
``zscore``  ``(x - mean)/s``          ``(mean - x)/s``             ``0``
``mean``    ``x / mean``              ``2 - x / mean``             ``1``
``shift``   ``0.01 + 0.98 minmax``    ``0.01 + 0.98 minmax``       ``0.99``
==========  ========================  ===========================  ======================

.. [#] cost: ``1 - 1/sqrt(n)``.

``bounds`` (absolute mode) is defined for ``minmax`` and ``shift`` only:
``r_ij = (x_ij - worst_j) / (best_j - worst_j)`` for both directions, a value
that depends on the project's own value and the bounds only. ``vector``,
``max``, ``sum``, ``zscore`` and ``mean`` are relative to the evaluated set by
construction and raise :class:`~ppeval.errors.InputError` when given bounds.

Which methods accept which normalisation: TOPSIS and WSM accept every kind
(``normalization=``); the others (VIKOR, GRA, RSR) normalise on their own. The
weight methods take raw data; :func:`shift` is what Chinese practice applies
before the entropy method (see its Notes).

References
----------
Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
and Applications*. Springer (vector normalisation, linear scale transformations).

Jahan, A. & Edwards, K. L. (2015). A state-of-the-art survey on the influence of
normalization techniques in ranking: Improving the materials selection process
in engineering design. *Materials & Design* 65, 335-342.

郭显光 (Guo Xianguang) (1998). 改进的熵值法及其在经济效益评价中的应用.
*系统工程理论与实践* 18(12), 98-102 (shifting values off zero before entropy).

Kizielewicz, B., Shekhovtsov, A. & Sałabun, W. (2023). pymcdm -- The universal
library for solving multi-criteria decision-making problems. *SoftwareX* 22,
101368 (the cost conventions followed here).
"""

from __future__ import annotations

from typing import Any

from ppeval._normcore import _normalized, _relative_only, _validate
from ppeval._typing import FloatArray

# `max` and `sum` below shadow the builtins inside this module (public names from DESIGN.md).
__all__ = ["vector", "minmax", "max", "sum", "zscore", "mean", "shift"]


# --------------------------------------------------------------------------- public API
def vector(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Vector (Euclidean) normalisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix, alternatives in rows, finite values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: vector normalisation is relative to the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``r_ij = x_ij / ||x_j||`` for a benefit column and ``1 - x_ij / ||x_j||``
        for a cost column, with ``||x_j|| = sqrt(sum_i x_ij^2)``.

    Raises
    ------
    InputError
        If ``matrix`` is not a finite 2-D array, ``types`` is invalid,
        ``bounds`` is given, or a column's norm is non-zero but below the
        normal float64 range (a column of subnormal values; rescale it).

    Notes
    -----
    The cost variant ``1 - x/||x||`` is the convention of pymcdm's
    ``vector_normalization(x, cost=True)``. It reverses the order of a cost
    column by an affine map, so TOPSIS distances (and hence closeness) equal
    those of Hwang & Yoon's original formulation, which keeps ``x/||x||`` and
    takes the column minimum as the ideal of a cost criterion. Negative values
    are allowed (the map is still monotone). An all-zero column is treated as
    the constant column it is: every entry becomes ``1/sqrt(n)`` (cost:
    ``1 - 1/sqrt(n)``), the value of any constant positive column.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making:
    Methods and Applications*. Springer.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.vector([[3.0, 1.0], [4.0, 1.0]], [1, -1]).round(4)
    array([[0.6   , 0.2929],
           [0.8   , 0.2929]])
    """
    x, t = _validate(matrix, types)
    _relative_only("vector", bounds)
    return _normalized(x, t, "vector", None)


def minmax(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Min-max (linear interval) normalisation in benefit orientation, relative or absolute.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix, alternatives in rows, finite values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` raw value per criterion (absolute mode). Worst < best
        for a benefit criterion, worst > best for a cost criterion; every value
        of ``matrix`` must lie within its bounds.

    Returns
    -------
    ndarray, shape (n, m)
        Values in [0, 1]. Relative mode: ``(x - min_j) / (max_j - min_j)``
        (benefit) and ``(max_j - x) / (max_j - min_j)`` (cost). Absolute mode:
        ``(x - worst_j) / (best_j - worst_j)`` for both directions.

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``; ``bounds`` of the wrong shape, equal,
        oriented against ``types``, or a value outside its bounds; a column
        whose range overflows float64.

    Notes
    -----
    A constant column (relative mode) carries no information; every entry
    becomes ``1.0`` (every alternative is at the best observed value), as in
    pymcdm's ``minmax_normalization``. In TOPSIS such a column contributes
    nothing (ideal and anti-ideal coincide); in WSM it adds the same ``w_j`` to
    every score. In absolute mode a project's values depend only on its own
    raw values and the bounds.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making:
    Methods and Applications*. Springer (linear scale transformation).

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.minmax([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], [1, -1])
    array([[0. , 1. ],
           [1. , 0. ],
           [0.5, 0.5]])
    >>> normalize.minmax([[50.0, 2.0]], [1, -1], bounds=[[0, 100], [10, 0]])
    array([[0.5, 0.8]])
    """
    x, t = _validate(matrix, types)
    return _normalized(x, t, "minmax", bounds)


def max(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Max (linear ratio) normalisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix with finite, non-negative values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: max normalisation is relative to the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``x_ij / max_j`` (benefit) and ``1 - x_ij / max_j`` (cost), in [0, 1].

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``, a negative value, or ``bounds`` given.

    Notes
    -----
    The cost variant ``1 - x/max`` is pymcdm's ``max_normalization(x,
    cost=True)``. An all-zero column is a constant column: ``1`` (benefit) or
    ``0`` (cost), the values of any constant positive column.

    References
    ----------
    Jahan, A. & Edwards, K. L. (2015). *Materials & Design* 65, 335-342.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.max([[2.0, 2.0], [4.0, 8.0]], [1, -1])
    array([[0.5 , 0.75],
           [1.  , 0.  ]])
    """
    x, t = _validate(matrix, types)
    _relative_only("max", bounds)
    return _normalized(x, t, "max", None)


def sum(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Sum (proportion) normalisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix with finite, non-negative values; a cost column must be
        strictly positive unless it is all zero.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: sum normalisation is relative to the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``x_ij / sum_i x_ij`` (benefit) and ``(1/x_ij) / sum_i (1/x_ij)``
        (cost); every column sums to 1.

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``, a negative value, a zero in a cost
        column that is not all zero, or ``bounds`` given.

    Notes
    -----
    The cost variant is pymcdm's ``sum_normalization(x, cost=True)``; it is
    computed as ``(min/x) / sum(min/x)``, which is the same value without
    overflow of ``1/x``. An all-zero column is a constant column and gets
    ``1/n`` in both directions.

    References
    ----------
    Jahan, A. & Edwards, K. L. (2015). *Materials & Design* 65, 335-342.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.sum([[1.0, 1.0], [3.0, 3.0]], [1, -1])
    array([[0.25, 0.75],
           [0.75, 0.25]])
    """
    x, t = _validate(matrix, types)
    _relative_only("sum", bounds)
    return _normalized(x, t, "sum", None)


def zscore(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Z-score standardisation in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix with finite values (a single row is all constant
        columns: zeros).
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: the mean and deviation are those of the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``(x_ij - mean_j) / s_j`` (benefit) and ``(mean_j - x_ij) / s_j``
        (cost), with ``s_j`` the sample standard deviation (divisor ``n - 1``,
        as SPSS's standardised values). Every non-constant column has mean 0
        and sample standard deviation 1.

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``, ``bounds`` given, or a column whose
        range overflows float64.

    Notes
    -----
    A constant column becomes ``0`` everywhere (it carries no information).
    Effect on the methods: the values are negative as well as positive, so
    z-scores cannot feed the entropy method, ``sum``/``max``-type ratios or
    the geometric steps of AHP-like methods. In TOPSIS the map is affine per
    column, so the ideal and anti-ideal are the column extremes as with
    min-max, but each criterion's spread is measured in standard deviations
    instead of ranges (a criterion with an outlier counts less). In WSM the
    score is a weighted sum of standardised values, negative for projects
    below average; ranks are those of the weighted standardised sum.

    References
    ----------
    Jahan, A. & Edwards, K. L. (2015). *Materials & Design* 65, 335-342.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.zscore([[1.0, 4.0], [2.0, 2.0], [3.0, 0.0]], [1, -1])
    array([[-1., -1.],
           [ 0.,  0.],
           [ 1.,  1.]])
    """
    x, t = _validate(matrix, types)
    _relative_only("zscore", bounds)
    return _normalized(x, t, "zscore", None)


def mean(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Division by the column mean (均值化) in benefit orientation.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix with finite, non-negative values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : None
        Not supported: the mean is that of the evaluated set.

    Returns
    -------
    ndarray, shape (n, m)
        ``x_ij / mean_j`` (benefit) and ``2 - x_ij / mean_j`` (cost); every
        column has mean 1.

    Raises
    ------
    InputError
        Invalid ``matrix``/``types``, a negative value, ``bounds`` given, or a
        column sum beyond float64.

    Notes
    -----
    Division by the mean keeps the ratios between projects and each column's
    coefficient of variation (the spread of the result is ``CV_j``), which is
    why it is the usual preparation for grey relational analysis of
    indicators with different units and for coefficient-of-variation
    weights. The cost variant reflects the column around its mean 1
    (``1 - (x - mean)/mean``), an affine map that keeps the mean at 1 and the
    spread at ``CV_j``; it can be negative for a value above twice the mean.
    An all-zero column is a constant column and becomes ``1``. Effect on the
    methods: in WSM a criterion's influence grows with its CV (unlike
    min-max, where every criterion spans [0, 1]); in TOPSIS likewise.

    References
    ----------
    Deng, J. (1989). Introduction to grey system theory. *The Journal of Grey
    System* 1(1), 1-24 (initialisation and averaging operators).

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.mean([[1.0, 1.0], [3.0, 3.0]], [1, -1])
    array([[0.5, 1.5],
           [1.5, 0.5]])
    """
    x, t = _validate(matrix, types)
    _relative_only("mean", bounds)
    return _normalized(x, t, "mean", None)


def shift(matrix: Any, types: Any, bounds: Any = None) -> FloatArray:
    """Min-max normalisation shifted into [0.01, 0.99] (the preparation before the entropy method).

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix, finite values.
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` per criterion (absolute mode, as in :func:`minmax`).

    Returns
    -------
    ndarray, shape (n, m)
        ``0.01 + 0.98 r_ij`` with ``r`` the :func:`minmax` value: the worst
        value becomes ``0.01``, the best ``0.99``.

    Raises
    ------
    InputError
        As :func:`minmax`.

    Notes
    -----
    Min-max normalisation gives the worst project exactly 0, and the entropy
    method then sees ``p_ij = 0``: ``ln 0`` is undefined (taken as
    ``0 ln 0 = 0``) and the indicator looks more informative than it is,
    since one zero proportion lowers the entropy a lot. Chinese practice
    shifts the normalised values off zero first (郭显光 1998's improved
    entropy method shifts standardised values by a constant; mapping min-max
    values into [0.01, 0.99] is the common practical form implemented here). The shift changes entropy weights
    (entropy is not shift-invariant: the shifted values are less dispersed in
    proportion, so weights move toward equal), but not TOPSIS closeness or WSM
    ranks: both are invariant to the same affine map on every column. A
    constant column becomes ``0.99`` (min-max's ``1``, shifted).

    References
    ----------
    郭显光 (1998). 改进的熵值法及其在经济效益评价中的应用. *系统工程理论与实践*
    18(12), 98-102.

    Examples
    --------
    >>> from ppeval import normalize
    >>> normalize.shift([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]], [1, -1])
    array([[0.01, 0.99],
           [0.99, 0.01],
           [0.5 , 0.5 ]])
    """
    x, t = _validate(matrix, types)
    return _normalized(x, t, "shift", bounds)
