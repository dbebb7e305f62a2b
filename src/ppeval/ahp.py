"""Analytic hierarchy process: priorities, consistency, incomplete and group judgments.

A pairwise comparison matrix ``A`` (``n x n``) holds judgments ``a_ij``: how
many times more important element ``i`` is than element ``j``. It is positive,
has a unit diagonal and is reciprocal (``a_ji = 1 / a_ij``). Judgments off
Saaty's 1-9 scale (for instance group geometric means) are accepted.

Public functions
----------------
:func:`priorities`
    Priority vector, ``lambda_max``, CI, CR of one matrix (principal
    eigenvector or row geometric mean); ``nan`` marks a missing judgment,
    completed by Harker's method (eigenvector) or by logarithmic least squares
    (geometric mean).
:func:`priorities_batch`
    The same for a stack of ``k`` matrices at once, vectorised over ``k``.
:func:`random_index`
    Saaty's random index RI(n), with a documented extension beyond n = 15.
:func:`aggregate`
    Group judgments: weighted element-wise geometric mean (AIJ).
:func:`aggregate_priorities`
    Group priorities: weighted geometric mean of priority vectors (AIP).
:func:`inconsistencies`
    The judgments to revise first, each with the value the priorities suggest.

:func:`priorities` and :func:`priorities_batch` share one implementation (a
single matrix is a stack of one); only the eigen-solver differs with the stack
size (LAPACK for fewer than 32 matrices, a batched power iteration for more),
and the two agree to about 1e-14 (tested to 1e-12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from ._checks import RECIPROCAL_TOL, as_judgments, as_vector, locate, one_of, readonly
from ._typing import BoolArray, FloatArray, IntArray
from .errors import DegenerateError, InputError

__all__ = [
    "AHPMethod",
    "AHPResult",
    "AHPBatchResult",
    "Judgment",
    "priorities",
    "priorities_batch",
    "random_index",
    "aggregate",
    "aggregate_priorities",
    "inconsistencies",
    "FuzzyAHPResult",
    "fuzzy_priorities",
    "fuzzy_aggregate",
]

AHPMethod: TypeAlias = Literal["eigenvector", "geometric_mean"]
_METHODS: tuple[AHPMethod, ...] = ("eigenvector", "geometric_mean")

#: Saaty's random index RI(n) for n = 1..15 (Saaty 1980), index ``n - 1``.
_SAATY_RI: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)
#: Alonso & Lamata (2006): mean lambda_max of random matrices ~ _AL_SLOPE * n + _AL_INTERCEPT.
_AL_SLOPE = 2.7699
_AL_INTERCEPT = -4.3513
#: Largest |Im| / Re accepted for the Perron root returned by LAPACK (it is real in theory).
_IMAG_TOL = 1e-9
#: Stacks of at least this many matrices use the batched power iteration, smaller ones LAPACK.
_POWER_MIN_BATCH = 32
#: Normalised squarings of the matrix that give the power iteration its start vector (power 2^6).
_POWER_SQUARINGS = 6
#: Power steps after the squarings before a row is handed to LAPACK.
_POWER_MAX_ITER = 60
#: Convergence: largest change of a weight per step <= _POWER_TOL * max weight.
_POWER_TOL = 1e-14


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class AHPResult:
    """Priorities and consistency of one pairwise comparison matrix.

    Attributes
    ----------
    weights : ndarray of shape (n,)
        Priority vector: positive, sums to 1, read-only. ``weights[i]`` is the
        priority of element ``i`` (row ``i`` of the matrix).
    lambda_max : float
        Principal eigenvalue of the (completed) matrix for ``"eigenvector"``;
        ``mean_i (A w)_i / w_i`` for ``"geometric_mean"``. Always ``>= n`` up
        to rounding; equal to ``n`` exactly when the judgments are consistent.
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)``; ``0`` for ``n <= 2``.
        Clamped at 0 (a negative value can only be rounding error).
    cr : float
        Consistency ratio ``ci / random_index(n)``; ``0`` for ``n <= 2``.
    consistent : bool
        ``cr <= threshold``.
    threshold : float
        The CR threshold used for ``consistent`` (Saaty's 0.1 by default).
    n : int
        Number of elements compared.
    method : {"eigenvector", "geometric_mean"}
        How the priorities were derived.
    completed : ndarray of shape (n, n)
        The matrix the priorities and consistency refer to, read-only: a copy
        of the input when it is complete; otherwise the input with every
        missing judgment ``(i, j)`` filled with ``weights[i] / weights[j]``
        (Harker's completion for ``"eigenvector"``, the logarithmic
        least-squares completion for ``"geometric_mean"``).
    n_missing : int
        Number of missing judgments above the diagonal in the input (0 when
        complete).
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    threshold: float
    n: int
    method: AHPMethod
    completed: FloatArray
    n_missing: int


@dataclass(frozen=True, eq=False)
class AHPBatchResult:
    """Priorities and consistency of a stack of ``k`` pairwise comparison matrices.

    Row ``e`` of every array equals the corresponding field of
    :func:`priorities` applied to ``matrices[e]`` (to about 1e-14, see
    :func:`priorities_batch`). All arrays are read-only.

    Attributes
    ----------
    weights : ndarray of shape (k, n)
        One priority vector per matrix (positive, each row sums to 1).
    lambda_max : ndarray of shape (k,)
        ``lambda_max`` per matrix (see :class:`AHPResult`).
    ci : ndarray of shape (k,)
        Consistency index per matrix.
    cr : ndarray of shape (k,)
        Consistency ratio per matrix.
    consistent : ndarray of shape (k,), bool
        ``cr <= threshold`` per matrix.
    threshold : float
        The CR threshold used for ``consistent``.
    n : int
        Number of elements compared in every matrix.
    method : {"eigenvector", "geometric_mean"}
        How the priorities were derived.
    """

    weights: FloatArray
    lambda_max: FloatArray
    ci: FloatArray
    cr: FloatArray
    consistent: BoolArray
    threshold: float
    n: int
    method: AHPMethod


@dataclass(frozen=True)
class Judgment:
    """One judgment ``a_ij`` (``i < j``) and how far it is from the priorities.

    Attributes
    ----------
    i, j : int
        Row and column of the judgment (``i < j``); the reciprocal ``a_ji``
        is the same judgment seen from the other side.
    current : float
        The judgment as given, ``a_ij``.
    suggested : float
        ``w_i / w_j``: the value that agrees with the current priorities.
    error : float
        ``|ln(a_ij * w_j / w_i)| = |ln epsilon_ij|``, the log of Saaty's
        ``epsilon_ij``; ``0`` for a judgment that agrees with the priorities.
        A judgment and its reciprocal have the same error.
    """

    i: int
    j: int
    current: float
    suggested: float
    error: float

    @property
    def epsilon(self) -> float:
        """Saaty's ``epsilon_ij = a_ij * w_j / w_i`` (``current / suggested``)."""
        return self.current / self.suggested


# --------------------------------------------------------------------------- validation


def _as_threshold(threshold: Any) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.integer | np.floating):
        raise InputError(f"threshold is {threshold!r}; expected a finite number >= 0 (Saaty: 0.1)")
    t = float(threshold)
    if not np.isfinite(t) or t < 0:
        raise InputError(f"threshold is {t!r}; expected a finite number >= 0 (Saaty: 0.1)")
    return t


def _as_method(method: Any) -> AHPMethod:
    return one_of(method, _METHODS, "method")


def _as_judgment_stack(x: Any, name: str, *, allow_nan: bool) -> FloatArray:
    """Validate a stack ``(k, n, n)`` of judgment matrices, vectorised over ``k``.

    Runs the checks of :func:`~ppeval._checks.as_judgments` on the whole stack
    at once; when one fails, the first offending matrix ``e`` is passed to
    ``as_judgments`` under the name ``f"{name}[{e}]"`` so that the message is
    exactly the one a single matrix would get (e.g. ``matrices[2][1, 0] is nan``).
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        arr = _diagnose_ragged(x, name)
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise InputError(
            f"{name} must be a stack of square pairwise comparison matrices with shape (k, n, n); "
            f"got shape {arr.shape}"
        )
    k, n, _ = arr.shape
    if k == 0:
        raise InputError(f"{name} is empty; at least one matrix needed")
    if n == 0:
        raise InputError(f"{name} holds 0x0 matrices; at least 1x1 needed")
    nan = np.isnan(arr)
    bad = np.zeros(k, dtype=bool)
    if nan.any():
        if not allow_nan:
            bad |= nan.any(axis=(1, 2))
        bad |= (nan != nan.transpose(0, 2, 1)).any(axis=(1, 2))
    with np.errstate(invalid="ignore", over="ignore"):
        bad |= np.isinf(arr).any(axis=(1, 2))
        bad |= (arr <= 0).any(axis=(1, 2))
        bad |= (np.diagonal(arr, axis1=1, axis2=2) != 1.0).any(axis=1)
        recip = np.abs(arr * arr.transpose(0, 2, 1) - 1.0) > RECIPROCAL_TOL
    bad |= recip.any(axis=(1, 2))
    if bad.any():
        e = int(np.argmax(bad))
        as_judgments(arr[e], f"{name}[{e}]", allow_nan=allow_nan)
        raise InputError(f"{name}[{e}] is not a valid pairwise comparison matrix")  # pragma: no cover
    return arr


def _diagnose_ragged(x: Any, name: str) -> FloatArray:
    """Explain why a sequence of matrices could not be stacked (raises)."""
    if isinstance(x, np.ndarray) or not isinstance(x, Sequence):
        raise InputError(f"{name} must be numeric (convertible to a float64 array of shape (k, n, n))")
    shapes = []
    for e, m in enumerate(x):
        try:
            shapes.append(np.asarray(m, dtype=np.float64).shape)
        except (TypeError, ValueError):
            raise InputError(f"{name}[{e}] must be numeric (a square matrix of judgments)") from None
        if shapes[e] != shapes[0]:
            raise InputError(
                f"{name}[{e}] has shape {shapes[e]} but {name}[0] has shape {shapes[0]}; "
                "every matrix must compare the same n elements"
            )
    raise InputError(f"{name} must be numeric (convertible to a float64 array of shape (k, n, n))")


def _connectivity(known: BoolArray) -> BoolArray:
    """Reachability ``R[e, i, j]``: elements ``i`` and ``j`` are linked by a chain of judgments.

    ``known`` is ``(k, n, n)`` with a true diagonal. Boolean transitive closure
    by repeated squaring: ``ceil(log2(n))`` batched matrix products.
    """
    reach = known.astype(np.float64)
    n = known.shape[-1]
    steps = int(np.ceil(np.log2(n))) if n > 1 else 0
    for _ in range(steps):
        reach = ((reach @ reach) > 0).astype(np.float64)
    return reach > 0


def _check_connected(nan: BoolArray, name: str, single: bool) -> None:
    """Raise if the known judgments of some matrix do not connect all elements."""
    reach = _connectivity(~nan)
    ok = reach[:, 0, :].all(axis=1)
    if ok.all():
        return
    e = int(np.argmin(ok))
    labels = np.argmax(reach[e], axis=1)  # smallest element reachable = component label
    groups = [np.flatnonzero(labels == lab).tolist() for lab in np.unique(labels)]
    where = name if single else f"{name}[{e}]"
    parts = " | ".join("{" + ", ".join(str(i) for i in g) + "}" for g in groups)
    raise InputError(
        f"{where}: the known judgments do not connect all elements; the groups of elements {parts} "
        "are never compared with each other (missing judgments are nan), so their relative "
        f"priority is undetermined; add at least one judgment between the groups, e.g. "
        f"({groups[0][0]}, {groups[1][0]})"
    )


# --------------------------------------------------------------------------- core


def _perron(c: FloatArray, name: str, single: bool) -> tuple[FloatArray, FloatArray]:
    """Perron root and Perron vector (sum 1) of each non-negative primitive matrix in ``c``.

    Stacks of fewer than ``_POWER_MIN_BATCH`` matrices (a single call) go to
    LAPACK; larger stacks to the batched power iteration, whose unconverged
    rows (if any) go to LAPACK too. Both agree to about 1e-14.
    """
    k = c.shape[0]
    if k < _POWER_MIN_BATCH:
        return _perron_lapack(c, np.arange(k), name, single)
    w, lam, left = _perron_power(c)
    if left.size:
        w[left], lam[left] = _perron_lapack(c[left], left, name, single)
    return w, lam


def _perron_lapack(
    c: FloatArray, index: IntArray, name: str, single: bool
) -> tuple[FloatArray, FloatArray]:
    """Perron root and vector by ``numpy.linalg.eig`` (LAPACK ``geev``, looped in C over the stack).

    Selects the eigenvalue with the largest real part and checks that it is
    real and that its eigenvector has entries of one sign, as the
    Perron-Frobenius theorem guarantees for a positive (or primitive) matrix.
    A failure can only come from floating-point breakdown (judgments spanning
    hundreds of orders of magnitude) and raises :class:`DegenerateError`
    naming ``index[e]``, the position of the matrix in the caller's stack.
    """
    with np.errstate(all="ignore"):  # non-finite results are caught by `ok` below
        vals, vecs = np.linalg.eig(c)
        rows = np.arange(vals.shape[0])
        idx = np.argmax(vals.real, axis=1)
        lam_c = vals[rows, idx]
        v = vecs[rows, :, idx].real
        w = v / v.sum(axis=1, keepdims=True)
        lam = lam_c.real
        ok = (
            np.isfinite(lam)
            & (lam > 0)
            & (np.abs(lam_c.imag) <= _IMAG_TOL * np.abs(lam))
            & np.isfinite(w).all(axis=1)
            & (w > 0).all(axis=1)
        )
    if not ok.all():
        e = int(np.argmin(ok))
        where = name if single else f"{name}[{int(index[e])}]"
        pos = c[e][c[e] > 0]
        raise DegenerateError(
            f"{where}: the principal eigenvector could not be computed reliably in float64; "
            f"the judgments range from {pos.min():.3g} to {pos.max():.3g}, too many orders of magnitude"
        )
    return w, lam


def _perron_power(c: FloatArray) -> tuple[FloatArray, FloatArray, IntArray]:
    """Batched power iteration; returns weights, lambda_max and the rows that did not converge.

    Start: ``B = (c / |c|)^(2^S)`` by ``S`` normalised squarings (a cheap
    stand-in for ``S`` rounds of 2^S power steps), ``w_0 = B 1 / sum(B 1)``.
    Then ``x = c w``, ``lambda = sum(x)`` (exact for the eigenvector, since
    ``sum(w) = 1``), ``w = x / lambda`` until the largest change of a row is at
    most ``_POWER_TOL * max(w)``, on the still-active rows only. By
    Perron-Frobenius the Perron root of a primitive non-negative matrix
    strictly dominates the others, so the iteration converges; rows that do not
    reach the tolerance within ``_POWER_MAX_ITER`` steps, or that under- or
    overflow, are returned for LAPACK.
    """
    k = c.shape[0]
    with np.errstate(all="ignore"):  # rows that under/overflow are handed to LAPACK
        b = c / c.sum(axis=(1, 2), keepdims=True)
        for _ in range(_POWER_SQUARINGS):
            b = b @ b
            b /= b.sum(axis=(1, 2), keepdims=True)
        w = b.sum(axis=2)
        w /= w.sum(axis=1, keepdims=True)
        lam = np.full(k, np.nan)
        pending = np.ones(k, dtype=bool)
        active = np.flatnonzero(np.isfinite(w).all(axis=1) & (w > 0).all(axis=1))
        for _ in range(_POWER_MAX_ITER):
            if active.size == 0:
                break
            x = np.einsum("kij,kj->ki", c[active], w[active])
            total = x.sum(axis=1)
            x /= total[:, None]
            change = np.abs(x - w[active]).max(axis=1)
            w[active] = x
            lam[active] = total
            done = change <= _POWER_TOL * x.max(axis=1)
            pending[active[done]] = False
            active = active[~done]
    return w, lam, np.flatnonzero(pending)


def _eigenvector(
    arr: FloatArray, nan: BoolArray | None, name: str, single: bool
) -> tuple[FloatArray, FloatArray]:
    """Weights and lambda_max by the principal eigenvector (Harker's matrix if incomplete)."""
    n = arr.shape[-1]
    if n == 1:
        k = arr.shape[0]
        return np.ones((k, 1)), np.ones(k)
    if n == 2:
        # closed form: A w = 2 w with w = (a12, 1) / (1 + a12); exact, no eigensolver rounding
        a = arr[:, 0, 1]
        w = np.stack([a, np.ones_like(a)], axis=1) / (1.0 + a)[:, None]
        return w, np.full(arr.shape[0], 2.0)
    if nan is None:
        c = arr
    else:
        # Harker (1987): missing entries 0, c_ii = 1 + (number of missing entries in row i)
        c = np.where(nan, 0.0, arr)
        d = np.arange(n)
        c[:, d, d] += nan.sum(axis=2)
    return _perron(c, name, single)


def _geometric_mean(arr: FloatArray, nan: BoolArray | None) -> FloatArray:
    """Weights by the row geometric mean (complete) or logarithmic least squares (incomplete)."""
    n = arr.shape[-1]
    y = np.log(np.where(np.isnan(arr), 1.0, arr)).mean(axis=2)
    if nan is not None:
        rows = nan.any(axis=(1, 2))
        y[rows] = _llsm(arr[rows], nan[rows], n)
    y = y - y.max(axis=1, keepdims=True)
    w = np.exp(y)
    out: FloatArray = w / w.sum(axis=1, keepdims=True)
    return out


def _llsm(arr: FloatArray, nan: BoolArray, n: int) -> FloatArray:
    """Log-weights minimising the squared log errors over the known judgments.

    Bozoki, Fulop & Ronyai (2010): ``L y = g``, with ``L`` the Laplacian of the
    comparison graph and ``g_i = sum over known j of ln a_ij`` (logs
    antisymmetrised, so ``sum_i g_i = 0``). ``L + 11^T`` is non-singular for a
    connected graph and its solution is the one with ``sum(y) = 0``.
    """
    logs = np.log(np.where(nan, 1.0, arr))
    g = 0.5 * (logs - logs.transpose(0, 2, 1)).sum(axis=2)
    off = ~nan & ~np.eye(n, dtype=bool)
    lap = -off.astype(np.float64)
    d = np.arange(n)
    lap[:, d, d] = off.sum(axis=2)
    y: FloatArray = np.linalg.solve(lap + 1.0, g[..., None])[..., 0]
    return y


def _complete(arr: FloatArray, nan: BoolArray | None, w: FloatArray) -> FloatArray:
    """Fill each missing judgment ``(i, j)`` with ``w_i / w_j``."""
    if nan is None:
        return arr
    ratio = w[:, :, None] / w[:, None, :]
    return np.where(nan, ratio, arr)


def _compute(
    arr: FloatArray, method: AHPMethod, threshold: float, name: str, single: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, FloatArray, BoolArray | None]:
    """Shared core of :func:`priorities` and :func:`priorities_batch` on a validated stack."""
    k, n, _ = arr.shape
    nan_mask = np.isnan(arr)
    nan: BoolArray | None = nan_mask if nan_mask.any() else None
    if nan is not None:
        _check_connected(nan, name, single)
    if method == "eigenvector":
        w, lam = _eigenvector(arr, nan, name, single)
        completed = _complete(arr, nan, w)
    else:
        w = _geometric_mean(arr, nan)
        completed = _complete(arr, nan, w)
        # lambda_max = mean_i (A w)_i / w_i, on the completed matrix
        with np.errstate(all="ignore"):  # underflow / overflow is caught just below
            lam = ((completed @ w[..., None])[..., 0] / w).mean(axis=1)
    _check_finite_positive(w, lam, name, single)
    ci, cr = _consistency(lam, n)
    consistent = cr <= threshold
    return w, lam, ci, cr, consistent, completed, nan


def _check_finite_positive(w: FloatArray, lam: FloatArray, name: str, single: bool) -> None:
    """Raise DegenerateError if float64 under- or overflow made a weight 0 or a result non-finite."""
    ok = (w > 0).all(axis=1) & np.isfinite(w).all(axis=1) & np.isfinite(lam)
    if ok.all():
        return
    e = int(np.argmin(ok))
    where = name if single else f"{name}[{e}]"
    raise DegenerateError(
        f"{where}: the priorities are not representable in float64 (a weight underflows to 0 or "
        "lambda_max overflows); the judgments span too many orders of magnitude"
    )


def _consistency(lam: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """CI and CR from lambda_max (0 for n <= 2; CI clamped at 0 against rounding)."""
    if n <= 2:
        zero = np.zeros_like(lam)
        return zero, zero.copy()
    ci = np.maximum((lam - n) / (n - 1), 0.0)
    return ci, ci / random_index(n)


# --------------------------------------------------------------------------- public API


def priorities(matrix: Any, method: AHPMethod = "eigenvector", *, threshold: float = 0.1) -> AHPResult:
    r"""Priority vector and consistency of a pairwise comparison matrix.

    Parameters
    ----------
    matrix : array_like of shape (n, n)
        Pairwise comparison matrix: positive, unit diagonal, reciprocal
        (``a_ij * a_ji = 1`` within 1e-6), ``n >= 1``. ``nan`` marks a missing
        judgment (on both sides of the diagonal); the known judgments must
        connect all elements. Values off the 1-9 scale are accepted. The input
        is never modified.
    method : {"eigenvector", "geometric_mean"}, default "eigenvector"
        ``"eigenvector"``: Saaty's principal right eigenvector.
        ``"geometric_mean"``: normalised row geometric means (the logarithmic
        least-squares solution).
    threshold : float, default 0.1
        The matrix counts as ``consistent`` when ``cr <= threshold`` (Saaty's
        10 % rule).

    Returns
    -------
    AHPResult
        ``weights``, ``lambda_max``, ``ci``, ``cr``, ``consistent``,
        ``threshold``, ``n``, ``method``, ``completed``, ``n_missing``.

    Raises
    ------
    InputError
        If ``matrix`` is not square, is empty, holds a non-positive, infinite
        or (for ``nan``) one-sided value, has a diagonal entry other than 1,
        is not reciprocal (``"judgment (1, 0) = 3 but 1/(0, 1) = 0.333"``),
        or if its known judgments do not connect all elements (the message
        lists the groups of elements); if ``method`` or ``threshold`` is
        invalid.
    DegenerateError
        If the principal eigenvector cannot be computed in float64 (judgments
        spanning hundreds of orders of magnitude).

    Notes
    -----
    **Eigenvector** (Saaty 1977, 1980): ``A w = lambda_max w`` with ``w`` the
    Perron vector (positive, unique up to scale for a positive matrix),
    normalised to ``sum(w) = 1``. It is computed by LAPACK's eigensolver; the
    root with the largest real part is taken and checked to be real with a
    one-signed eigenvector. For ``n = 2`` the closed form
    ``w = (a_12, 1) / (1 + a_12)``, ``lambda_max = 2`` is used.

    **Geometric mean** (Crawford & Williams 1985):
    ``w_i = (prod_j a_ij)^(1/n) / sum_k (prod_j a_kj)^(1/n)``, the minimiser of
    ``sum_ij (ln a_ij - ln w_i + ln w_j)^2``. Its ``lambda_max`` is
    ``(1/n) sum_i (A w)_i / w_i``.

    **Consistency** (Saaty 1977): with ``epsilon_ij = a_ij w_j / w_i``, both
    methods satisfy

    .. math:: \lambda_{max} - n = \frac{1}{n} \sum_{i<j}
              (\epsilon_{ij} + \epsilon_{ij}^{-1} - 2) \ge 0,

    with equality exactly when ``a_ij = w_i / w_j`` for all pairs (a
    consistent matrix). ``CI = (lambda_max - n) / (n - 1)`` and
    ``CR = CI / RI(n)`` (:func:`random_index`). For ``n <= 2`` every
    reciprocal matrix is consistent and ``CI = CR = 0`` by definition
    (``n = 1`` gives ``weights = [1]``). Since ``lambda_max >= n`` holds in
    exact arithmetic, a negative CI can only be rounding (of order 1e-15) and
    is clamped to 0.

    **Incomplete judgments** (``nan``). Eigenvector method: Harker's (1987)
    method: the matrix ``C`` with ``c_ij = a_ij`` for known judgments, ``0``
    for missing ones and ``c_ii = 1 + m_i`` (``m_i`` = missing entries in row
    ``i``); ``w`` is the Perron vector of ``C``. Filling each missing ``a_ij``
    with ``w_i / w_j`` gives the ``completed`` matrix ``A*``, and
    ``A* w = C w``, so ``w`` is also the principal eigenvector of ``A*`` and
    ``lambda_max(A*) = lambda_max(C)``: CI and CR are those of the completed
    matrix. Geometric mean: the logarithmic least-squares solution over the
    known judgments (Bozoki, Fulop & Ronyai 2010), ``L y = g`` with ``L`` the
    Laplacian of the comparison graph and ``g_i = sum_{j known} ln a_ij``,
    ``w = exp(y) / sum(exp(y))``; its completed matrix has row geometric
    means proportional to ``w`` again, and ``lambda_max`` and CR are computed
    on it. Both need a connected comparison graph (otherwise the relative
    priority of the unconnected groups is not determined).

    References
    ----------
    Saaty, T. L. (1977). A scaling method for priorities in hierarchical
    structures. *Journal of Mathematical Psychology*, 15(3), 234-281.

    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Crawford, G., & Williams, C. (1985). A note on the analysis of subjective
    judgment matrices. *Journal of Mathematical Psychology*, 29(4), 387-405.

    Harker, P. T. (1987). Incomplete pairwise comparisons in the analytic
    hierarchy process. *Mathematical Modelling*, 9(11), 837-848.

    Bozoki, S., Fulop, J., & Ronyai, L. (2010). On optimal completion of
    incomplete pairwise comparison matrices. *Mathematical and Computer
    Modelling*, 52(1-2), 318-333.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.ahp import priorities
    >>> a = np.array([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> r = priorities(a)
    >>> np.round(r.weights, 4)
    array([0.637 , 0.2583, 0.1047])
    >>> round(r.lambda_max, 4), round(r.cr, 4), r.consistent
    (3.0385, 0.0332, True)

    A missing judgment (``nan``) is completed by Harker's method:

    >>> b = np.array([[1, 2, np.nan], [1/2, 1, 2], [np.nan, 1/2, 1]])
    >>> r = priorities(b)
    >>> np.round(r.weights, 4), round(float(r.completed[0, 2]), 4), r.n_missing
    (array([0.5714, 0.2857, 0.1429]), 4.0, 1)
    """
    m = _as_method(method)
    t = _as_threshold(threshold)
    arr = as_judgments(matrix, "matrix", allow_nan=True)
    w, lam, ci, cr, consistent, completed, nan = _compute(arr[None], m, t, "matrix", single=True)
    n = arr.shape[0]
    n_missing = 0 if nan is None else int(nan[0].sum()) // 2
    done = completed[0].copy() if nan is None else completed[0]
    return AHPResult(
        weights=readonly(w[0]),
        lambda_max=float(lam[0]),
        ci=float(ci[0]),
        cr=float(cr[0]),
        consistent=bool(consistent[0]),
        threshold=t,
        n=n,
        method=m,
        completed=readonly(done),
        n_missing=n_missing,
    )


def priorities_batch(
    matrices: Any, method: AHPMethod = "eigenvector", *, threshold: float = 0.1
) -> AHPBatchResult:
    """Priorities and consistency of ``k`` pairwise comparison matrices at once.

    Vectorised over the stack (no Python loop over ``k``): one batched
    eigenvector computation (or one batched geometric mean). Row ``e`` of the
    result equals :func:`priorities` of ``matrices[e]`` (to about 1e-14; see
    Notes). Meant for judgment sensitivity: perturb experts' judgments many
    times and evaluate all perturbed matrices in one call.

    Parameters
    ----------
    matrices : array_like of shape (k, n, n)
        ``k >= 1`` pairwise comparison matrices of the same size, each
        satisfying the conditions of :func:`priorities` (``nan`` = missing
        judgment, completed per matrix as there). Never modified.
    method : {"eigenvector", "geometric_mean"}, default "eigenvector"
        See :func:`priorities`.
    threshold : float, default 0.1
        CR threshold for ``consistent``.

    Returns
    -------
    AHPBatchResult
        ``weights (k, n)``, ``lambda_max (k,)``, ``ci (k,)``, ``cr (k,)``,
        ``consistent (k,)``, ``threshold``, ``n``, ``method``. The completed
        matrices are not kept (they would cost ``k n^2`` floats); call
        :func:`priorities` on one matrix for its ``completed`` matrix.

    Raises
    ------
    InputError
        If ``matrices`` is not a non-empty ``(k, n, n)`` stack (a ragged list
        names the first matrix of a different shape), or if a matrix fails the
        checks of :func:`priorities`; the message names the first bad matrix
        and cell, e.g. ``"matrices[2][1, 0] is -3.0; judgments must be
        positive"``.
    DegenerateError
        As :func:`priorities`.

    Notes
    -----
    Formulas as in :func:`priorities`. The Perron vector of a stack of fewer
    than 32 matrices comes from ``numpy.linalg.eig`` (LAPACK ``geev`` on every
    matrix, looped in compiled code), exactly as for a single matrix. Larger
    stacks use a batched power iteration: a start vector from ``(A/|A|)^64``
    (six normalised matrix squarings), then ``w <- A w / sum(A w)`` with
    ``lambda_max = sum(A w)`` until, for every matrix, no weight changes by
    more than ``1e-14 * max(w)`` in a step; each matrix leaves the iteration
    when it has converged. By the Perron-Frobenius theorem the Perron root of
    a positive (or, for Harker's matrix, primitive) matrix strictly dominates
    all other eigenvalues, so the iteration converges; the few matrices that
    have not converged after 60 steps (second eigenvalue close in modulus to
    the first, as in some very inconsistent 3x3 and 4x4 matrices) are handed
    to LAPACK. Harker matrices, connectivity (boolean transitive closure by
    repeated squaring) and the logarithmic least-squares systems are batched
    the same way.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Harker, P. T. (1987). Incomplete pairwise comparisons in the analytic
    hierarchy process. *Mathematical Modelling*, 9(11), 837-848.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.ahp import priorities_batch
    >>> a = np.array([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> b = np.array([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])
    >>> r = priorities_batch(np.stack([a, b]))
    >>> np.round(r.weights, 4)
    array([[0.637 , 0.2583, 0.1047],
           [0.5714, 0.2857, 0.1429]])
    >>> np.round(r.cr, 4)
    array([0.0332, 0.    ])
    """
    m = _as_method(method)
    t = _as_threshold(threshold)
    arr = _as_judgment_stack(matrices, "matrices", allow_nan=True)
    w, lam, ci, cr, consistent, _, _ = _compute(arr, m, t, "matrices", single=False)
    return AHPBatchResult(
        weights=readonly(w),
        lambda_max=readonly(lam),
        ci=readonly(ci),
        cr=readonly(cr),
        consistent=readonly(consistent),
        threshold=t,
        n=arr.shape[1],
        method=m,
    )


def random_index(n: int) -> float:
    """Saaty's random consistency index RI(n).

    Parameters
    ----------
    n : int
        Matrix size, ``n >= 1``.

    Returns
    -------
    float
        RI(n): the mean consistency index of random reciprocal matrices of
        size ``n`` with judgments drawn from Saaty's 1-9 scale.

    Raises
    ------
    InputError
        If ``n`` is not an integer (``bool`` and ``float`` are rejected) or
        ``n < 1``.

    Notes
    -----
    For ``n = 1..15`` Saaty's table (Saaty 1980):

    ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====
    1     2     3     4     5     6     7     8     9     10    11    12    13    14    15
    ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====
    0     0     0.58  0.90  1.12  1.24  1.32  1.41  1.45  1.49  1.51  1.48  1.56  1.57  1.59
    ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====  ====

    (RI(12) = 1.48 < RI(11) is kept as tabulated.) For ``n > 15`` the table
    is extended with Alonso & Lamata's (2006) linear regression of the mean
    principal eigenvalue of random reciprocal matrices,
    ``mean lambda_max(n) = 2.7699 n - 4.3513``, which gives

    ``RI(n) = (mean lambda_max(n) - n) / (n - 1) = (1.7699 n - 4.3513) / (n - 1)``

    (RI(16) = 1.5978, RI(20) = 1.6340, tending to 1.7699). The regression was
    fitted for n = 3..15; ppeval's tests re-simulate it (seeded random
    matrices on the 1-9 scale) and a simulation for n = 16..30 (20 000
    matrices per n) agreed with the extrapolation within 0.01 in RI.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Alonso, J. A., & Lamata, M. T. (2006). Consistency in the analytic
    hierarchy process: a new approach. *International Journal of
    Uncertainty, Fuzziness and Knowledge-Based Systems*, 14(4), 445-459.

    Examples
    --------
    >>> from ppeval.ahp import random_index
    >>> random_index(3), random_index(9), random_index(15)
    (0.58, 1.45, 1.59)
    >>> round(random_index(16), 4)
    1.5978
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise InputError(f"n is {n!r}; the matrix size must be an integer >= 1")
    size = int(n)
    if size < 1:
        raise InputError(f"n is {size}; the matrix size must be an integer >= 1")
    if size <= len(_SAATY_RI):
        return _SAATY_RI[size - 1]
    return ((_AL_SLOPE - 1.0) * size + _AL_INTERCEPT) / (size - 1)


def _as_expert_weights(weights: Any, k: int) -> FloatArray:
    """Non-negative finite expert weights, one per expert, normalised to sum 1."""
    if weights is None:
        return np.full(k, 1.0 / k)
    w = as_vector(weights, "weights", length=k, nonnegative=True)
    total = float(w.sum())
    if total <= 0:
        raise InputError(
            f"weights are all 0; at least one of the {k} experts needs a positive weight"
        )
    return w / total


def aggregate(matrices: Any, weights: Any = None) -> FloatArray:
    r"""Aggregate several experts' judgments into one matrix (AIJ).

    Parameters
    ----------
    matrices : array_like of shape (k, n, n) or sequence of k (n, n) matrices
        One pairwise comparison matrix per expert, each valid for
        :func:`priorities` (``nan`` = judgment not given by that expert).
        Never modified.
    weights : array_like of shape (k,), optional
        Expert weights: finite, non-negative, not all zero; normalised to sum
        to 1 (so ``[2, 1, 1]`` means the first expert counts double). Default:
        equal weights.

    Returns
    -------
    ndarray of shape (n, n)
        The aggregated matrix: positive, unit diagonal, exactly reciprocal; a
        judgment nobody gave (or only experts with weight 0 gave) is ``nan``
        and is then completed by :func:`priorities`.

    Raises
    ------
    InputError
        If ``matrices`` is not a non-empty ``(k, n, n)`` stack (a ragged list
        names the first matrix of another shape), if a matrix fails the checks
        of :func:`priorities` (named as ``matrices[e][i, j]``), or if
        ``weights`` has the wrong length, a negative or non-finite entry
        (named as ``weights[e]``) or sums to 0.

    Notes
    -----
    Aggregation of individual judgments by the weighted geometric mean
    (Aczel & Saaty 1983; Forman & Peniwati 1998): with ``E_ij`` the experts
    who judged pair ``(i, j)`` and ``lambda_e`` the expert weights,

    .. math:: a^G_{ij} = \exp\Big(\sum_{e \in E_{ij}} \lambda_e \ln a^{(e)}_{ij}
              \Big/ \sum_{e \in E_{ij}} \lambda_e\Big),

    i.e. the weights are renormalised per cell over the experts who gave that
    judgment. The geometric mean is the aggregation that keeps the result
    reciprocal (Aczel & Saaty 1983); to make reciprocity exact in floating
    point, ``ln a^G`` is antisymmetrised, ``(L - L^T) / 2`` (a no-op for
    exactly reciprocal inputs). The experts' missing-judgment patterns are
    symmetric, so ``a^G_ji`` uses the same experts as ``a^G_ij``.

    References
    ----------
    Aczel, J., & Saaty, T. L. (1983). Procedures for synthesizing ratio
    judgements. *Journal of Mathematical Psychology*, 27(1), 93-102.

    Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and
    priorities with the analytic hierarchy process. *European Journal of
    Operational Research*, 108(1), 165-169.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.ahp import aggregate
    >>> e1 = np.array([[1, 4], [1/4, 1]])
    >>> e2 = np.array([[1, 1], [1, 1]])
    >>> aggregate([e1, e2])
    array([[1. , 2. ],
           [0.5, 1. ]])
    >>> aggregate([e1, e2], weights=[3, 1]).round(4)
    array([[1.    , 2.8284],
           [0.3536, 1.    ]])
    """
    arr = _as_judgment_stack(matrices, "matrices", allow_nan=True)
    k = arr.shape[0]
    lam = _as_expert_weights(weights, k)
    known = ~np.isnan(arr)
    logs = np.log(np.where(known, arr, 1.0))
    cell_w = lam[:, None, None] * known
    total = cell_w.sum(axis=0)
    judged = total > 0
    mean_log = np.divide((cell_w * logs).sum(axis=0), total, out=np.zeros_like(total), where=judged)
    mean_log = 0.5 * (mean_log - mean_log.T)
    out: FloatArray = np.exp(mean_log)
    out[~judged] = np.nan
    return out


def aggregate_priorities(results: Any, weights: Any = None) -> FloatArray:
    r"""Aggregate several experts' priority vectors (AIP).

    Parameters
    ----------
    results : sequence of AHPResult, or array_like of shape (k, n)
        Each expert's priorities: :class:`AHPResult` objects (their
        ``weights`` are used) or the priority vectors themselves. Every vector
        must be finite and strictly positive; it need not sum to 1 (a ratio
        scale: rescaling a vector does not change the result).
    weights : array_like of shape (k,), optional
        Expert weights: finite, non-negative, not all zero; normalised to sum
        to 1. Default: equal weights.

    Returns
    -------
    ndarray of shape (n,)
        The aggregated priority vector: positive, sums to 1.

    Raises
    ------
    InputError
        If ``results`` is empty, not 2-D, has vectors of different lengths, or
        holds a non-finite or non-positive priority (named as
        ``results[e][i]``); if ``weights`` is invalid (named as
        ``weights[e]``).

    Notes
    -----
    Aggregation of individual priorities by the weighted geometric mean
    (Forman & Peniwati 1998), with expert weights ``lambda_e``:

    .. math:: w_i = \frac{\prod_e (w^{(e)}_i)^{\lambda_e}}
                         {\sum_k \prod_e (w^{(e)}_k)^{\lambda_e}}.

    Forman & Peniwati recommend AIP when the experts act as separate
    individuals (each with their own value system) and AIJ (:func:`aggregate`)
    when they act as one group. For AIP they admit the weighted arithmetic mean
    as well; ppeval uses the geometric mean, which (unlike the arithmetic mean)
    gives the same ranking whatever the scale of each expert's vector and, for
    two elements, agrees with AIJ of the experts' (consistent) judgments.

    References
    ----------
    Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and
    priorities with the analytic hierarchy process. *European Journal of
    Operational Research*, 108(1), 165-169.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.ahp import aggregate_priorities
    >>> aggregate_priorities([[0.5, 0.25, 0.25], [0.2, 0.4, 0.4]]).round(4)
    array([0.3333, 0.3333, 0.3333])
    """
    if isinstance(results, Sequence) and not isinstance(results, str) and len(results) > 0 and all(
        isinstance(r, AHPResult) for r in results
    ):
        sizes = [r.n for r in results]
        if len(set(sizes)) > 1:
            e = next(i for i, s in enumerate(sizes) if s != sizes[0])
            raise InputError(
                f"results[{e}] has {sizes[e]} priorities but results[0] has {sizes[0]}; "
                "every expert must compare the same elements"
            )
        vectors: Any = np.stack([r.weights for r in results])
    else:
        vectors = results
    try:
        arr = np.asarray(vectors, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            "results must be a sequence of AHPResult or an array of shape (k, n) of priority vectors "
            "(every vector of the same length)"
        ) from None
    if arr.ndim != 2:
        raise InputError(f"results must have shape (k, n), one priority vector per expert; got {arr.shape}")
    k, n = arr.shape
    if k == 0 or n == 0:
        raise InputError(f"results has shape {arr.shape}; at least one expert and one element needed")
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        e, i = locate(bad)
        raise InputError(
            f"results[{e}][{i}] is {arr[e, i]}; priorities must be finite and positive "
            "(their geometric mean needs logarithms)"
        )
    lam = _as_expert_weights(weights, k)
    y = lam @ np.log(arr)
    w = np.exp(y - y.max())
    out: FloatArray = w / w.sum()
    return out


def inconsistencies(matrix: Any, method: AHPMethod = "eigenvector", top: int | None = None) -> list[Judgment]:
    r"""The judgments to revise first, most inconsistent first.

    Parameters
    ----------
    matrix : array_like of shape (n, n)
        Pairwise comparison matrix as for :func:`priorities` (``nan`` =
        missing judgment; missing judgments are not listed).
    method : {"eigenvector", "geometric_mean"}, default "eigenvector"
        How the priorities ``w`` are derived (see :func:`priorities`).
    top : int, optional
        Return at most this many judgments (``>= 1``); default all.

    Returns
    -------
    list of Judgment
        One entry per judged pair ``i < j``, sorted by ``error`` descending
        (ties, i.e. errors equal to 12 decimals, in row-major order), each with ``i``, ``j``, ``current``
        (``a_ij``), ``suggested`` (``w_i / w_j``) and ``error``. Empty for
        ``n = 1``.

    Raises
    ------
    InputError
        As :func:`priorities`; if ``top`` is not an integer ``>= 1``.
    DegenerateError
        As :func:`priorities`.

    Notes
    -----
    Saaty's (1980, 2003) ``epsilon_ij = a_ij w_j / w_i`` is 1 for a judgment
    that agrees with the priorities. The judgments are ranked by
    ``error = |ln epsilon_ij|``; since ``epsilon_ji = 1 / epsilon_ij``, a
    judgment and its reciprocal rank alike. Each pair contributes
    ``(epsilon_ij + 1/epsilon_ij - 2) / (n (n - 1))`` to CI (see
    :func:`priorities`), an increasing function of ``|ln epsilon_ij|``, so the
    first judgment listed is the largest single contributor to the
    inconsistency. Replacing ``current`` with ``suggested`` removes that
    pair's contribution (the priorities, and so the other errors, then shift
    a little; recompute after each revision).

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Saaty, T. L. (2003). Decision-making with the AHP: Why is the principal
    eigenvector necessary. *European Journal of Operational Research*,
    145(1), 85-91.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.ahp import inconsistencies
    >>> a = np.array([[1, 2, 4, 8], [1/2, 1, 2, 4], [1/4, 1/2, 1, 2], [1/8, 1/4, 1/2, 1]])
    >>> a[0, 3], a[3, 0] = 1 / 2, 2  # one judgment reversed
    >>> worst = inconsistencies(a, top=2)
    >>> [(j.i, j.j) for j in worst]
    [(0, 3), (1, 3)]
    >>> round(worst[0].current, 3), round(worst[0].suggested, 3), round(worst[0].error, 3)
    (0.5, 1.653, 1.195)
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1):
        raise InputError(f"top is {top!r}; expected an integer >= 1 or None (all judgments)")
    result = priorities(matrix, method)
    a = np.asarray(as_judgments(matrix, "matrix", allow_nan=True))
    w = result.weights
    n = result.n
    iu, ju = np.triu_indices(n, 1)
    current = a[iu, ju]
    given = ~np.isnan(current)
    iu, ju, current = iu[given], ju[given], current[given]
    suggested = w[iu] / w[ju]
    error = np.abs(np.log(current) - np.log(suggested))
    # errors equal to 12 decimals are ties (rounding noise must not order them): row-major
    order = np.argsort(-np.round(error, 12), kind="stable")
    if top is not None:
        order = order[: int(top)]
    return [
        Judgment(
            i=int(iu[p]),
            j=int(ju[p]),
            current=float(current[p]),
            suggested=float(suggested[p]),
            error=float(error[p]),
        )
        for p in order
    ]


# Fuzzy AHP lives in its own module (this one is long); re-exported here as ``ppeval.ahp.fuzzy_priorities``.
from ppeval._fuzzy_ahp import FuzzyAHPResult, fuzzy_aggregate, fuzzy_priorities  # noqa: E402
