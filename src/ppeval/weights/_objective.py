"""Objective and combined criterion weights: entropy, CRITIC, standard deviation, equal, combine.

Private module of :mod:`ppeval.weights` (which re-exports these names).

Every function returns a float64 vector of shape ``(n_criteria,)`` that is
non-negative and sums to 1. Inputs are validated first (shape, finiteness,
signs, criterion types) and never written to.

Public functions
----------------
:func:`entropy`
    Shannon entropy weights of the raw (non-negative) decision matrix.
:func:`critic`
    CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995): contrast
    intensity times conflict, on direction-aware min-max normalised columns.
:func:`std`
    Standard-deviation weights of the min-max normalised columns.
:func:`equal`
    ``1 / n_criteria`` for every criterion.
:func:`combine`
    Combine several weight vectors (linear, multiplicative or game-theory
    combination weighting).

Implementation notes
--------------------
The decision-matrix methods read the matrix in row blocks of about 1 MiB
(two passes: column minima and maxima, then the method's sums), so no
``(n, m)`` temporary is allocated even for millions of alternatives. Each
column is rescaled by a power of two (exact in floating point) so that no
intermediate sum can overflow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Literal, NoReturn, TypeAlias

import numpy as np

from ppeval._checks import WEIGHT_SUM_TOL, as_matrix, as_types, as_vector, as_weights, locate, one_of, reject_complex
from ppeval._typing import ArrayLike, BoolArray, FloatArray, TypesLike
from ppeval.errors import DegenerateError, InputError

__all__ = ["CombineMethod", "entropy", "critic", "std", "equal", "combine"]

#: Names accepted by :func:`combine`'s ``method``.
CombineMethod: TypeAlias = Literal["linear", "multiplicative", "game_theory"]
_COMBINE_METHODS: tuple[CombineMethod, ...] = ("linear", "multiplicative", "game_theory")

#: float64 elements per row block (1 MiB): large enough to amortise the Python
#: loop, small enough that the block's temporaries stay in cache.
_BLOCK_ELEMENTS = 1 << 17
#: Rows folded into one when reducing over alternatives (see _colreduce).
_FOLD = 64

#: CRITIC is declared degenerate when sum_j C_j <= _CRITIC_TOL * sum_j sigma_j,
#: i.e. when the conflict terms are at rounding-noise level (see critic()).
_CRITIC_TOL = 1e-12
#: The smallest positive float64 (a subnormal): every positive value is at least this.
_TINY = float(np.nextafter(0.0, 1.0))


# --------------------------------------------------------------------------- helpers


def _block_rows(m: int) -> int:
    """Rows per block: about ``_BLOCK_ELEMENTS`` values, a multiple of ``_FOLD``."""
    return max(_FOLD, (_BLOCK_ELEMENTS // max(m, 1)) // _FOLD * _FOLD)


def _blocks(n: int, m: int) -> Iterator[slice]:
    step = _block_rows(m)
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def _colreduce(op: np.ufunc, xb: FloatArray) -> FloatArray:
    """``op.reduce(xb, axis=0)``, folding ``_FOLD`` rows into one when ``xb`` is C-contiguous.

    numpy reduces a C-ordered ``(r, m)`` array over axis 0 one short row at a
    time; viewing it as ``(r / q, q * m)`` gives the inner loop ``q * m``
    elements to vectorise over (3-4x faster for ``m = 20``) and shortens the
    sequential accumulation chain of sums by a factor ``q``.
    """
    r, m = xb.shape
    if r < 2 * _FOLD or not xb.flags.c_contiguous:
        out: FloatArray = op.reduce(xb, axis=0)
        return out
    r0 = r - r % _FOLD
    part = op.reduce(xb[:r0].reshape(r0 // _FOLD, _FOLD * m), axis=0).reshape(_FOLD, m)
    out = op.reduce(part, axis=0)
    if r0 < r:
        out = op(out, op.reduce(xb[r0:], axis=0))
    return out


def _raise_invalid(matrix: Any, name: str) -> NoReturn:
    """Let :func:`as_matrix` raise its located message; fall back to a generic one."""
    as_matrix(matrix, name)
    raise InputError(f"{name} must be a finite 2-D numeric array (alternatives x criteria)")


def _as_data(matrix: Any, name: str) -> FloatArray:
    """Convert to a 2-D float64 array without a finiteness pass (done by :func:`_scan`)."""
    reject_complex(matrix, name)
    try:
        arr = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        _raise_invalid(matrix, name)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        _raise_invalid(arr, name)
    return arr


def _scan(x: FloatArray, name: str, *, with_sum: bool) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Column minima, maxima (and sums) in one blocked pass; raise on nan/inf.

    ``nan`` propagates into the minima/maxima and ``inf`` shows up in them, so
    this pass doubles as the finiteness check. A column sum that overflows is
    returned as ``inf`` (no warning); callers handle it.
    """
    n, m = x.shape
    mn = np.full(m, np.inf)
    mx = np.full(m, -np.inf)
    total = np.zeros(m) if with_sum else None
    with np.errstate(over="ignore", invalid="ignore"):
        for sl in _blocks(n, m):
            xb = x[sl]
            np.minimum(mn, _colreduce(np.minimum, xb), out=mn)
            np.maximum(mx, _colreduce(np.maximum, xb), out=mx)
            if total is not None:
                total += _colreduce(np.add, xb)
    if not (np.isfinite(mn).all() and np.isfinite(mx).all()):
        _raise_invalid(x, name)
    return mn, mx, total


def _pow2_scale(mn: FloatArray, mx: FloatArray) -> FloatArray:
    """Per-column power of two ``f`` with ``max|x_j| * f`` in [0.5, 1) (1 for all-zero columns).

    Multiplying by a power of two is exact, so scaled and unscaled arithmetic
    agree bit for bit wherever the unscaled one does not overflow.
    """
    big = np.maximum(np.abs(mn), np.abs(mx))
    _, expo = np.frexp(big)
    # 2**1023 is the largest power of two; columns of subnormal values get at most that.
    out: FloatArray = np.ldexp(np.ones_like(big), np.minimum(-expo, 1023))
    return out


def _column_means(x: FloatArray, total: FloatArray, f: FloatArray) -> FloatArray:
    """Scaled column means ``mean_j * f_j``; recomputed on scaled data if a sum overflowed."""
    n, m = x.shape
    if np.isfinite(total).all():
        mean: FloatArray = total * f / n
        return mean
    acc = np.zeros(m)
    for sl in _blocks(n, m):
        acc += _colreduce(np.add, x[sl] * f)
    mean = acc / n
    return mean


def _centered_gram(
    x: FloatArray, f: FloatArray, mean_s: FloatArray, scale: FloatArray, *, full: bool
) -> FloatArray:
    """``C^T C`` (``full``) or its diagonal, for ``C = (x * f - mean_s) * scale``, blockwise.

    ``C`` is the centred, direction-aware min-max normalised matrix, formed
    block by block in a reused buffer.

    Two-pass algorithm with the usual correction term ``-outer(s, s) / n``
    (``s`` = column sums of ``C``, zero up to rounding), so the result is
    accurate even when a column's spread is small against its mean.
    """
    n, m = x.shape
    buf = np.empty((min(n, _block_rows(m)), m))
    gram: FloatArray = np.zeros((m, m)) if full else np.zeros(m)
    # Rows per matrix product: small enough (m * m * rows <= 2**18) that a threaded BLAS
    # runs each product on one thread (OpenBLAS's default threshold), so the many small
    # products of a tall matrix pay no thread start-up or synchronisation. On a loaded
    # 2-core machine this made the Gram of 1e6 x 20 twenty times faster; unloaded, it
    # costs about 20 % against one product per block.
    gram_rows = max(_FOLD, (1 << 18) // (m * m))
    colsum = np.zeros(m)
    for sl in _blocks(n, m):
        c = buf[: sl.stop - sl.start]
        np.multiply(x[sl], f, out=c)  # exact (power of two), |c| < 1
        c -= mean_s
        c *= scale
        colsum += _colreduce(np.add, c)
        if full:
            for u in range(0, c.shape[0], gram_rows):
                cu = c[u : u + gram_rows]
                gram += cu.T @ cu
        else:
            gram += np.einsum("ij,ij->j", c, c)
    if full:
        gram -= np.outer(colsum, colsum) / n
    else:
        gram -= colsum * colsum / n
    return gram


def _need_two_rows(n: int, what: str) -> None:
    if n < 2:
        raise DegenerateError(
            f"matrix has {n} row; {what} needs at least 2 alternatives (with one alternative "
            "no criterion discriminates between alternatives, so the weights are undefined)"
        )


def _finish(raw: FloatArray) -> FloatArray:
    total = float(raw.sum())
    out: FloatArray = raw / total
    return out


# --------------------------------------------------------------------------- entropy


def entropy(matrix: ArrayLike) -> FloatArray:
    r"""Shannon entropy weights of a non-negative decision matrix.

    Parameters
    ----------
    matrix : array_like, shape (n_alternatives, n_criteria)
        Raw performance values, non-negative and finite. Rows are alternatives.
        Zero entries are legal (``0 ln 0 = 0``). The criterion direction
        (benefit/cost) plays no role, see Notes.

    Returns
    -------
    numpy.ndarray, shape (n_criteria,)
        Weights ``w_j >= 0`` summing to 1 (float64, a new array).

    Raises
    ------
    InputError
        If ``matrix`` is not a finite 2-D numeric array, holds a negative value
        (the message names ``matrix[i, j]``), or a column is all zero
        (``p_ij = 0/0``).
    DegenerateError
        If ``matrix`` has a single row (``ln n = 0``), or every column is
        constant (every ``d_j = 0``).

    Notes
    -----
    With ``n`` alternatives and ``m`` criteria (Shannon 1948; Zeleny 1982;
    Hwang & Yoon 1981):

    .. math::

        p_{ij} = \frac{x_{ij}}{\sum_{i} x_{ij}}, \qquad
        e_j = -\frac{1}{\ln n} \sum_{i} p_{ij} \ln p_{ij}, \qquad
        d_j = 1 - e_j, \qquad
        w_j = \frac{d_j}{\sum_k d_k},

    with the convention ``0 ln 0 = 0`` (the limit of ``p ln p`` as ``p -> 0``),
    so a zero entry contributes no uncertainty; pymcdm 1.4 raises on it.
    ``e_j`` lies in ``[0, 1]``: ``e_j = 1`` (``d_j = 0``) when the column is
    constant, which therefore gets weight exactly 0; a tiny negative ``d_j``
    from rounding is clipped to 0.

    Direction is ignored: the entropy measures how unevenly a column's total is
    spread over the alternatives, which is the same whether more is better or
    worse. Following Zeleny and Hwang & Yoon, the shares ``p_ij`` are taken of
    the matrix as given. Many applied papers first normalise the data (e.g.
    min-max toward the best value) and apply the entropy to the normalised
    matrix, which gives different weights; to follow them, pass the normalised
    matrix. ``entropy`` is invariant to rescaling a column by a positive factor
    but not to shifting it, so a column with negative values must be
    transformed by the caller (an error says so) rather than shifted silently.

    Computation: ``sum_i p ln p = (sum_i x ln x) / s - ln s`` with
    ``s = sum_i x``, on columns rescaled by a power of two, in row blocks.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Bell System
    Technical Journal, 27(3), 379-423.

    Zeleny, M. (1982). Multiple Criteria Decision Making. McGraw-Hill, New York.

    Hwang, C.-L., & Yoon, K. (1981). Multiple Attribute Decision Making:
    Methods and Applications. Springer, Berlin (Lecture Notes in Economics and
    Mathematical Systems 186).

    Examples
    --------
    The example of Xu (2004), EJOR 156(2): the nearly constant fourth column
    carries almost no information.

    >>> from ppeval.weights import entropy
    >>> w = entropy([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
    >>> print([round(float(v), 4) for v in w])
    [0.463, 0.3992, 0.1378, 0.0]
    """
    x = _as_data(matrix, "matrix")
    n, m = x.shape
    mn, mx, _ = _scan(x, "matrix", with_sum=False)
    neg = mn < 0
    if neg.any():
        i, j = locate(x < 0)
        raise InputError(
            f"matrix[{i}, {j}] is {float(x[i, j])!r}; entropy weights need non-negative values "
            "(p_ij = x_ij / sum_i x_ij is a share of the column total); transform the column "
            "first, e.g. normalise it or shift it to non-negative values"
        )
    zero = mx == 0
    if zero.any():
        j = int(np.argmax(zero))
        raise InputError(
            f"matrix[:, {j}] is all zero; entropy weights need a positive column sum "
            "(p_ij = x_ij / sum_i x_ij would be 0/0)"
        )
    _need_two_rows(n, "entropy weighting")
    constant = mn == mx
    if constant.all():
        raise DegenerateError(
            "every column of matrix is constant; entropy weights are undefined "
            "(every e_j = 1, so every d_j = 1 - e_j = 0)"
        )
    f = _pow2_scale(mn, mx)
    has_zero = bool((mn == 0).any())
    buf = np.empty((min(n, _block_rows(m)), m))
    lg = np.empty_like(buf)
    s = np.zeros(m)
    xlx = np.zeros(m)
    for sl in _blocks(n, m):
        k = sl.stop - sl.start
        y = buf[:k]
        np.multiply(x[sl], f, out=y)
        s += _colreduce(np.add, y)
        ly = lg[:k]
        if has_zero:
            # log of the zeros raised to the smallest subnormal: finite, and 0 * log(tiny) = -0.0 adds nothing to
            # a sum that starts at +0 (the same sums as 0 ln 0 = 0, bit for bit; 3x faster than a masked log)
            np.maximum(y, _TINY, out=ly)
            np.log(ly, out=ly)
        else:
            np.log(y, out=ly)
        xlx += np.einsum("ij,ij->j", y, ly)
    h = np.log(s) - xlx / s  # -sum_i p ln p, in [0, ln n]
    d = 1.0 - h / np.log(n)
    d = np.clip(d, 0.0, 1.0)
    d[constant] = 0.0
    if not d.sum() > 0.0:
        raise DegenerateError(
            "entropy weights are undefined: every d_j = 1 - e_j is 0 to rounding "
            "(every column spreads its total evenly over the alternatives)"
        )
    return _finish(d)


# --------------------------------------------------------------------------- CRITIC and std


def _minmax_stats(
    matrix: ArrayLike, types: TypesLike, what: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Validate and return (x, f, mean_s, scale, constant-mask) for min-max based methods.

    ``scale_j = 1 / (best_j - worst_j)`` in the power-of-two scaled units, with
    ``best = max`` for benefit and ``min`` for cost criteria (so the sign of
    ``scale_j`` carries the direction) and 0 for a constant column.
    """
    x = _as_data(matrix, "matrix")
    n, m = x.shape
    t = as_types(types, m)
    mn, mx, total = _scan(x, "matrix", with_sum=True)
    _need_two_rows(n, what)
    if total is None:  # pragma: no cover - _scan(with_sum=True) always returns sums
        raise InputError("internal error: column sums missing")
    f = _pow2_scale(mn, mx)
    rng = mx * f - mn * f  # in (0, 2] for non-constant columns; no overflow
    constant = rng == 0
    if constant.all():
        raise DegenerateError(
            f"every column of matrix is constant; {what} is undefined "
            "(no criterion discriminates between the alternatives)"
        )
    safe = np.where(constant, 1.0, rng)
    scale: FloatArray = np.where(constant, 0.0, t / safe)
    mean_s = _column_means(x, total, f)
    return x, f, mean_s, scale, constant


def critic(matrix: ArrayLike, types: TypesLike) -> FloatArray:
    r"""CRITIC weights (CRiteria Importance Through Intercriteria Correlation).

    Parameters
    ----------
    matrix : array_like, shape (n_alternatives, n_criteria)
        Raw performance values (finite). Rows are alternatives; at least 2.
    types : array_like, shape (n_criteria,)
        ``1`` or ``"benefit"`` (more is better), ``-1`` or ``"cost"``.

    Returns
    -------
    numpy.ndarray, shape (n_criteria,)
        Weights ``w_j >= 0`` summing to 1 (float64, a new array).

    Raises
    ------
    InputError
        If ``matrix`` is not a finite 2-D numeric array (the message names the
        cell) or ``types`` is not one valid code per criterion.
    DegenerateError
        If ``matrix`` has a single row; if every column is constant; or if
        every ``C_j`` is 0 (see Notes).

    Notes
    -----
    Diakoulaki, Mavrotas & Papayannakis (1995). Each column is min-max
    normalised toward its best value,

    .. math::

        r_{ij} = \frac{x_{ij} - x_j^{worst}}{x_j^{best} - x_j^{worst}},

    with ``best = max, worst = min`` for a benefit and ``best = min,
    worst = max`` for a cost criterion. With ``sigma_j`` the standard
    deviation of ``r_j`` and ``rho_jk`` the Pearson correlation of ``r_j`` and
    ``r_k``,

    .. math::

        C_j = \sigma_j \sum_{k} (1 - \rho_{jk}), \qquad
        w_j = \frac{C_j}{\sum_k C_k}.

    ``sigma_j`` is the population standard deviation (``ddof = 0``). The
    choice does not matter: a different ``ddof`` multiplies every ``C_j`` by
    the same factor ``sqrt(n / (n - ddof))``, which cancels in ``w`` (pymcdm
    uses ``ddof = 1`` and agrees to rounding).

    Direction matters through the correlations: a cost column enters as
    ``r = 1 - r_benefit``, which flips the sign of its correlations. pymcdm
    1.4 (``critic_weights``) and pyrepo-mcda normalise every column as a
    benefit criterion; their weights equal ``critic(matrix, types)`` only when
    all criteria have the same direction.

    Degenerate cases. A constant column (``r_j`` undefined, ``0/0``) gets
    weight 0 and is left out of the correlations (the sum runs over the
    non-constant columns only), so adding a constant criterion changes no other
    weight. With ``n = 2`` every normalised column is ``(0, 1)`` or ``(1, 0)``:
    ``sigma_j = 1/2``, ``rho_jk = +-1``, and ``C_j`` is proportional to the
    number of criteria that disagree with ``j`` about which alternative is
    better. If every ``C_j`` vanishes (every non-constant criterion is
    perfectly positively correlated with every other, e.g. one alternative is
    best on every criterion with ``n = 2``, or only one criterion varies),
    CRITIC's conflict term carries no information and a ``DegenerateError``
    suggests :func:`std` or :func:`equal`. Correlations are clipped to
    ``[-1, 1]`` and the case is detected with a relative tolerance of
    ``1e-12`` so that rounding noise is never turned into weights.

    References
    ----------
    Diakoulaki, D., Mavrotas, G., & Papayannakis, L. (1995). Determining
    objective weights in multiple criteria problems: the CRITIC method.
    Computers & Operations Research, 22(7), 763-770.

    Examples
    --------
    >>> from ppeval.weights import critic
    >>> X = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
    >>> w = critic(X, ["cost", "benefit", "benefit", "benefit"])
    >>> print([round(float(v), 4) for v in w])
    [0.2716, 0.2817, 0.2564, 0.1904]
    """
    x, f, mean_s, scale, constant = _minmax_stats(matrix, types, "CRITIC weighting")
    n = x.shape[0]
    gram = _centered_gram(x, f, mean_s, scale, full=True)
    var = np.clip(np.diag(gram), 0.0, None)
    var[constant] = 0.0
    sigma = np.sqrt(var / n)
    keep = ~constant
    g = gram[np.ix_(keep, keep)]
    sd = np.sqrt(var[keep])
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = g / np.outer(sd, sd)
    # A non-constant column can still have a zero computed variance only through
    # underflow; treat it as uncorrelated with the others rather than nan.
    rho = np.where(np.isfinite(rho), rho, 0.0)
    np.fill_diagonal(rho, 1.0)
    rho = np.clip(rho, -1.0, 1.0)
    c = np.zeros_like(sigma)
    c[keep] = sigma[keep] * (1.0 - rho).sum(axis=1)
    if not c.sum() > _CRITIC_TOL * sigma.sum():
        raise DegenerateError(
            "CRITIC weights are undefined: every C_j = sigma_j * sum_k (1 - rho_jk) is 0 because "
            "every non-constant criterion is perfectly positively correlated with every other "
            "(e.g. only one criterion varies, or with 2 alternatives one is best on every criterion); "
            "use std() or equal() instead"
        )
    return _finish(c)


def std(matrix: ArrayLike, types: TypesLike) -> FloatArray:
    r"""Standard-deviation weights of the min-max normalised criteria.

    Parameters
    ----------
    matrix : array_like, shape (n_alternatives, n_criteria)
        Raw performance values (finite). Rows are alternatives; at least 2.
    types : array_like, shape (n_criteria,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion. Validated; the
        weights do not depend on it (see Notes).

    Returns
    -------
    numpy.ndarray, shape (n_criteria,)
        Weights ``w_j >= 0`` summing to 1 (float64, a new array).

    Raises
    ------
    InputError
        If ``matrix`` is not a finite 2-D numeric array or ``types`` is invalid.
    DegenerateError
        If ``matrix`` has a single row or every column is constant.

    Notes
    -----
    The standard-deviation (SD) method, the contrast-intensity part of CRITIC
    (Diakoulaki et al. 1995; Jahan et al. 2012): with ``r_ij`` the min-max
    normalised values of :func:`critic` and ``sigma_j`` the population
    standard deviation of ``r_j``,

    .. math::

        w_j = \frac{\sigma_j}{\sum_k \sigma_k}, \qquad
        \sigma_j = \frac{\operatorname{sd}(x_j)}{\max_i x_{ij} - \min_i x_{ij}}.

    The direction does not change ``sigma_j`` (a cost column is
    ``1 - r_benefit``), and ``ddof`` cancels as in :func:`critic`. A constant
    column gets weight 0.

    Normalising first makes the weights independent of units. pymcdm's
    ``standard_deviation_weights`` and pyrepo-mcda's ``std_weighting`` use
    the raw matrix instead; on a matrix already min-max normalised they agree
    with this function.

    References
    ----------
    Diakoulaki, D., Mavrotas, G., & Papayannakis, L. (1995). Determining
    objective weights in multiple criteria problems: the CRITIC method.
    Computers & Operations Research, 22(7), 763-770.

    Jahan, A., Mustapha, F., Sapuan, S. M., Ismail, M. Y., & Bahraminasab, M.
    (2012). A framework for weighting of criteria in ranking stage of material
    selection process. International Journal of Advanced Manufacturing
    Technology, 58, 411-420.

    Examples
    --------
    >>> from ppeval.weights import std
    >>> w = std([[1.0, 10.0], [2.0, 10.0], [3.0, 40.0]], ["benefit", "cost"])
    >>> print([round(float(v), 4) for v in w])
    [0.4641, 0.5359]
    """
    x, f, mean_s, scale, constant = _minmax_stats(matrix, types, "standard-deviation weighting")
    n = x.shape[0]
    ss = np.clip(_centered_gram(x, f, mean_s, scale, full=False), 0.0, None)
    ss[constant] = 0.0
    sigma = np.sqrt(ss / n)
    if not sigma.sum() > 0.0:  # pragma: no cover - excluded by the constant-column check
        raise DegenerateError("every column of matrix is constant; standard-deviation weights are undefined")
    return _finish(sigma)


# --------------------------------------------------------------------------- equal


def equal(n_criteria: int | np.integer[Any]) -> FloatArray:
    """Equal weights ``1 / n_criteria``.

    Parameters
    ----------
    n_criteria : int
        Number of criteria, at least 1.

    Returns
    -------
    numpy.ndarray, shape (n_criteria,)
        ``[1/m, ..., 1/m]`` (float64).

    Raises
    ------
    InputError
        If ``n_criteria`` is not an integer >= 1 (``bool`` is rejected).

    Notes
    -----
    The reference point of every weighting: ``w_j = 1 / m`` (e.g. Dawes &
    Corrigan 1974 on the robustness of equal weights).

    References
    ----------
    Dawes, R. M., & Corrigan, B. (1974). Linear models in decision making.
    Psychological Bulletin, 81(2), 95-106.

    Examples
    --------
    >>> from ppeval.weights import equal
    >>> print(equal(4).tolist())
    [0.25, 0.25, 0.25, 0.25]
    """
    if isinstance(n_criteria, bool | np.bool_) or not isinstance(n_criteria, int | np.integer):
        raise InputError(f"n_criteria is {n_criteria!r}; expected an integer >= 1")
    if n_criteria < 1:
        raise InputError(f"n_criteria is {n_criteria}; at least 1 criterion needed")
    return np.full(int(n_criteria), 1.0 / int(n_criteria))


# --------------------------------------------------------------------------- combine


def _as_weight_sets(weight_sets: Any) -> FloatArray:
    """Return ``(K, m)`` float64 weight vectors, each validated by :func:`as_weights`."""
    name = "weight_sets"
    if isinstance(weight_sets, np.ndarray) and weight_sets.dtype.kind in "iufb":
        arr = weight_sets.astype(np.float64, copy=False)
    else:
        if isinstance(weight_sets, str | bytes) or not isinstance(weight_sets, Sequence | np.ndarray):
            raise InputError(
                f"{name} must be a sequence of weight vectors (or a 2-D array, one vector per row); "
                f"got {type(weight_sets).__name__}"
            )
        rows: list[FloatArray] = []
        for k, w in enumerate(weight_sets):
            try:
                row = np.asarray(w, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise InputError(f"{name}[{k}] must be numeric: {exc}") from None
            if row.ndim != 1:
                raise InputError(f"{name}[{k}] must be a 1-D weight vector; got shape {row.shape}")
            if rows and row.shape[0] != rows[0].shape[0]:
                raise InputError(
                    f"{name}[{k}] has {row.shape[0]} entries but {name}[0] has {rows[0].shape[0]}; "
                    "every weight vector needs one entry per criterion"
                )
            rows.append(row)
        if not rows:
            raise InputError(f"{name} is empty; at least one weight vector needed")
        arr = np.stack(rows)
    if arr.ndim != 2:
        raise InputError(f"{name} must be 2-D (one weight vector per row); got shape {arr.shape}")
    if arr.shape[0] < 1:
        raise InputError(f"{name} is empty; at least one weight vector needed")
    if arr.shape[1] < 1:
        raise InputError(f"{name} has vectors of length 0; at least one criterion needed")
    w, _ = as_weights(arr, arr.shape[1], name)
    return w


def _as_alpha(alpha: Any, k: int) -> FloatArray:
    a = as_vector(alpha, "alpha", length=k, nonnegative=True)
    total = float(a.sum())
    if abs(total - 1.0) > WEIGHT_SUM_TOL:
        raise InputError(
            f"alpha sums to {total!r}; the combination coefficients must be non-negative "
            f"and sum to 1 (within {WEIGHT_SUM_TOL:g})"
        )
    return a


def _game_theory_coefficients(w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Raw and normalised game-theory coefficients ``(a, |a| / sum|a|)`` for ``(K, m)`` weights ``w``.

    Solves ``(W W^T) a = diag(W W^T)`` in the least-squares sense with the
    minimum-norm solution (SVD, ``numpy.linalg.lstsq``), so a singular system
    (identical or linearly dependent vectors) gives a finite answer.
    """
    p = w @ w.T
    a = np.asarray(np.linalg.lstsq(p, np.diag(p).copy(), rcond=None)[0], dtype=np.float64)
    mag: FloatArray = np.abs(a)
    total = float(mag.sum())
    if not total > 0.0:  # pragma: no cover - diag(P) > 0, so a != 0
        raise DegenerateError("game-theory combination coefficients are all zero")
    return a, mag / total


def combine(
    weight_sets: Sequence[ArrayLike] | ArrayLike,
    method: CombineMethod = "game_theory",
    alpha: ArrayLike | None = None,
) -> FloatArray:
    r"""Combine several weight vectors for the same criteria into one.

    Parameters
    ----------
    weight_sets : sequence of array_like or array_like, shape (K, n_criteria)
        ``K >= 1`` weight vectors (e.g. AHP and entropy weights), each
        non-negative and summing to 1 (within 1e-9).
    method : {"game_theory", "linear", "multiplicative"}
        Combination rule, see Notes.
    alpha : array_like, shape (K,), optional
        Coefficients of the vectors, non-negative and summing to 1. ``"linear"``:
        the mixing weights (default ``1/K`` each). ``"multiplicative"``: the
        exponents of a weighted geometric mean (default: none, the plain
        normalised product). Not accepted by ``"game_theory"``, which derives
        its own coefficients.

    Returns
    -------
    numpy.ndarray, shape (n_criteria,)
        Combined weights, non-negative, summing to 1 (float64, a new array).

    Raises
    ------
    InputError
        If a vector is invalid (the message names ``weight_sets[k, j]``), the
        vectors differ in length, ``method`` is unknown, ``alpha`` has the
        wrong length, a negative entry or does not sum to 1, or ``alpha`` is
        given with ``method="game_theory"``.
    DegenerateError
        If the multiplicative product is 0 for every criterion (no criterion
        has a positive weight in every vector).

    Notes
    -----
    Let ``w_1, ..., w_K`` be the vectors (rows of ``W``, shape ``(K, m)``).

    ``"linear"``: ``w = sum_k alpha_k w_k``.

    ``"multiplicative"`` (multiplicative synthesis, the normalised product):
    ``w_j = prod_k w_kj / sum_i prod_k w_ki``. With ``alpha`` the product is
    weighted, ``prod_k w_kj^{alpha_k}`` (a normalised weighted geometric
    mean). Computed in log space, so long products do not underflow; a
    criterion with weight 0 in any vector (with ``alpha_k > 0``) gets 0.
    Note that the plain product sharpens the weights: ``K`` identical vectors
    ``v`` give ``v^K / sum v^K``, not ``v`` (the point of the method); the
    weighted geometric mean with ``sum alpha = 1`` returns ``v``.

    ``"game_theory"`` (game-theory combination weighting, Lai et al. 2015):
    the combination ``w = sum_l a_l w_l`` whose coefficients solve the linear
    system of the game model, one equation per basic weight vector ``w_k``

    .. math::

        \sum_l a_l \, w_k \cdot w_l = w_k \cdot w_k \quad (k = 1..K),
        \qquad\text{i.e.}\qquad (W W^T) a = \operatorname{diag}(W W^T).

    (Each equation asks that the combined vector and ``w_k`` have the same
    projection on ``w_k``. This system is not the minimiser of
    ``sum_k || sum_l a_l w_l - w_k ||^2``, which is the plain average
    ``a_l = 1/K``; ppeval solves the published system, not that objective.)

    As is common practice in the literature, the coefficients are then
    normalised as ``a*_l = |a_l| / sum |a|`` and ``w = sum_l a*_l w_l``; the
    absolute value makes ``w`` a convex combination of the inputs (so it is a
    valid weight vector) even when the solution has a negative component. The
    system is solved with ``numpy.linalg.lstsq`` (minimum-norm least squares):
    for identical vectors ``W W^T`` is singular, the solution is ``a_l = 1/K``
    and the vector is returned unchanged; for linearly dependent vectors the
    least-squares solution is used.

    In every method ``K = 1`` returns the vector itself, and the result is
    divided by its sum so that it sums to 1 to rounding.

    References
    ----------
    Lai, C., Chen, X., Chen, X., Wang, Z., Wu, X., & Zhao, S. (2015). A fuzzy
    comprehensive evaluation model for flood risk based on the combination
    weight of game theory. Natural Hazards, 77(2), 1243-1259 (game-theory
    combination of subjective and objective weights; the model goes back to the
    Chinese evaluation literature on "game theory combination weighting").

    Examples
    --------
    >>> from ppeval.weights import combine
    >>> ahp = [0.6, 0.3, 0.1]
    >>> ent = [0.2, 0.3, 0.5]
    >>> print([round(float(v), 4) for v in combine([ahp, ent], "linear")])
    [0.4, 0.3, 0.3]
    >>> print([round(float(v), 4) for v in combine([ahp, ent], "multiplicative")])
    [0.4615, 0.3462, 0.1923]
    >>> print([round(float(v), 4) for v in combine([ahp, ent])])  # game theory
    [0.4317, 0.3, 0.2683]
    """
    method = one_of(method, _COMBINE_METHODS, "method")
    w = _as_weight_sets(weight_sets)
    k = w.shape[0]
    if method == "game_theory":
        if alpha is not None:
            raise InputError(
                "alpha is not used by method='game_theory' (it derives its own combination "
                "coefficients); pass alpha only with method='linear' or 'multiplicative'"
            )
        _, coef = _game_theory_coefficients(w)
        return _finish(coef @ w)
    if method == "linear":
        a = np.full(k, 1.0 / k) if alpha is None else _as_alpha(alpha, k)
        return _finish(a @ w)
    # multiplicative, in log space
    expo = np.ones(k) if alpha is None else _as_alpha(alpha, k)
    active = expo > 0
    wa = w[active]
    ea = expo[active]
    zero = (wa == 0).any(axis=0)
    if zero.all():
        raise DegenerateError(
            "the multiplicative combination is 0 for every criterion: no criterion has a positive "
            "weight in every vector; use method='linear' or 'game_theory'"
        )
    logw = np.log(np.where(wa > 0, wa, 1.0))
    s = ea @ logw
    s[zero] = -np.inf
    out = np.exp(s - s[~zero].max())
    return _finish(out)
