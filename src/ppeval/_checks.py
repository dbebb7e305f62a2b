"""Shared validation of arrays and arguments for the numeric core.

Each ``as_*`` function converts its input, checks it with vectorised numpy
(cheap whole-array checks first; an offending position is located only when a
check fails) and returns a clean float64 (or int) array, or raises an
:class:`~ppeval.errors.InputError` naming the argument, the offending position
and what would be valid. Public functions call these first and then compute on
clean data without further defensive code.

Inputs are never written to; an array that is already float64 is returned
without a copy (it may be read-only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np

from ._typing import FloatArray, IntArray, SeedLike
from .errors import InputError

__all__ = [
    "as_matrix",
    "as_vector",
    "as_types",
    "as_weights",
    "as_bounds",
    "as_judgments",
    "as_seed",
    "seed_sequence",
    "spawn_rngs",
    "one_of",
    "check_within_bounds",
    "locate",
    "readonly",
]

T = TypeVar("T")

#: Tolerance of weight sums (``|sum(w) - 1| <= WEIGHT_SUM_TOL``).
WEIGHT_SUM_TOL = 1e-9
#: Tolerance of AHP reciprocity (``|a_ij * a_ji - 1| <= RECIPROCAL_TOL``).
RECIPROCAL_TOL = 1e-6


def locate(mask: np.ndarray) -> tuple[int, ...]:
    """Return the index of the first ``True`` in ``mask`` (row-major order)."""
    flat = int(np.argmax(mask.ravel()))
    return tuple(int(i) for i in np.unravel_index(flat, mask.shape))


def _fmt_index(name: str, idx: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(str(i) for i in idx)}]"


def readonly(arr: np.ndarray) -> np.ndarray:
    """Mark ``arr`` read-only and return it (for arrays held by frozen results)."""
    arr.setflags(write=False)
    return arr


def reject_complex(x: Any, name: str) -> None:
    """Raise if ``x`` is a complex array (numpy would drop the imaginary part with a warning)."""
    if getattr(getattr(x, "dtype", None), "kind", None) == "c":
        raise InputError(f"{name} must be real numbers; got complex dtype {x.dtype}")


def _to_float(x: Any, name: str) -> FloatArray:
    reject_complex(x, name)
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric (convertible to float64): {exc}") from None
    return arr


def _check_finite(arr: FloatArray, name: str) -> None:
    """Raise if ``arr`` holds nan or inf, naming the first offending cell."""
    if arr.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if np.isfinite(total):
        return
    bad = ~np.isfinite(arr)
    if not bad.any():  # the sum overflowed but every value is finite
        return
    idx = locate(bad)
    raise InputError(f"{_fmt_index(name, idx)} is {arr[idx]}; {name} must be finite")


def as_matrix(
    x: Any,
    name: str = "matrix",
    *,
    min_rows: int = 1,
    min_cols: int = 1,
    nonnegative: bool = False,
    allow_nan: bool = False,
) -> FloatArray:
    """Return ``x`` as a 2-D float64 decision matrix (alternatives x criteria).

    Raises :class:`InputError` if ``x`` is not 2-D, has fewer than ``min_rows``
    rows or ``min_cols`` columns, holds nan/inf (nan allowed if ``allow_nan``)
    or, with ``nonnegative``, a negative value.
    """
    arr = _to_float(x, name)
    if arr.ndim != 2:
        raise InputError(
            f"{name} must be 2-D (alternatives x criteria); got {arr.ndim}-D with shape {arr.shape}"
        )
    n, m = arr.shape
    if n < min_rows:
        raise InputError(f"{name} has {n} row(s); at least {min_rows} alternative(s) needed")
    if m < min_cols:
        raise InputError(f"{name} has {m} column(s); at least {min_cols} criterion/criteria needed")
    if allow_nan:
        inf = np.isinf(arr)
        if inf.any():
            idx = locate(inf)
            raise InputError(f"{_fmt_index(name, idx)} is {arr[idx]}; {name} must be finite")
    else:
        _check_finite(arr, name)
    if nonnegative:
        with np.errstate(invalid="ignore"):
            neg = arr < 0
        if neg.any():
            idx = locate(neg)
            raise InputError(
                f"{_fmt_index(name, idx)} is {arr[idx]}; {name} must be non-negative"
            )
    return arr


def as_vector(
    x: Any,
    name: str,
    *,
    length: int | None = None,
    min_length: int = 1,
    nonnegative: bool = False,
) -> FloatArray:
    """Return ``x`` as a finite 1-D float64 vector, optionally of a given length."""
    arr = _to_float(x, name)
    if arr.ndim != 1:
        raise InputError(f"{name} must be 1-D; got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise InputError(f"{name} has length {arr.shape[0]}; expected {length}")
    if arr.shape[0] < min_length:
        raise InputError(f"{name} has length {arr.shape[0]}; at least {min_length} needed")
    _check_finite(arr, name)
    if nonnegative and (arr < 0).any():
        idx = locate(arr < 0)
        raise InputError(f"{_fmt_index(name, idx)} is {arr[idx]}; {name} must be non-negative")
    return arr


_TYPE_WORDS = {"benefit": 1, "max": 1, "+": 1, "cost": -1, "min": -1, "-": -1}


def as_types(types: Any, n_criteria: int, name: str = "types") -> IntArray:
    """Return criterion types as an int64 array of ``+1`` (benefit) / ``-1`` (cost).

    Accepts ``1``/``-1`` or the strings ``"benefit"``/``"cost"`` (also
    ``"max"``/``"min"``), one per criterion. A scalar is broadcast to every
    criterion.
    """
    if isinstance(types, np.ndarray) and types.dtype.kind in "iuf":
        arr = types.astype(np.float64, copy=False)
        if arr.ndim == 0:
            arr = np.full(n_criteria, float(arr))
        if arr.ndim != 1:
            raise InputError(f"{name} must be 1-D, one entry per criterion; got shape {arr.shape}")
        if arr.shape[0] != n_criteria:
            raise InputError(
                f"{name} has {arr.shape[0]} entries; expected {n_criteria} (one per criterion)"
            )
        ok = (arr == 1.0) | (arr == -1.0)
        if not ok.all():
            j = int(np.argmin(ok))
            raise InputError(
                f"{name}[{j}] is {types[j]!r}; valid criterion types are 1 or 'benefit', -1 or 'cost'"
            )
        return arr.astype(np.int64)
    obj = np.asarray(types, dtype=object)
    if obj.ndim == 0:
        obj = np.array([types] * n_criteria, dtype=object)
    if obj.ndim != 1:
        raise InputError(f"{name} must be 1-D, one entry per criterion; got shape {obj.shape}")
    if obj.shape[0] != n_criteria:
        raise InputError(f"{name} has {obj.shape[0]} entries; expected {n_criteria} (one per criterion)")
    out = np.empty(n_criteria, dtype=np.int64)
    for j, t in enumerate(obj):
        code: int | None
        if isinstance(t, str):
            code = _TYPE_WORDS.get(t.strip().lower())
        elif isinstance(t, bool | np.bool_):
            code = None
        else:
            try:
                f = float(t)
            except (TypeError, ValueError):
                code = None
            else:
                code = int(f) if f in (1.0, -1.0) else None
        if code is None:
            raise InputError(
                f"{name}[{j}] is {t!r}; valid criterion types are 1 or 'benefit', -1 or 'cost'"
            )
        out[j] = code
    return out


def as_weights(
    w: Any,
    n_criteria: int,
    name: str = "weights",
    *,
    tol: float = WEIGHT_SUM_TOL,
) -> tuple[FloatArray, bool]:
    """Return weights as a 2-D batch ``(k, n_criteria)`` and whether the input was 1-D.

    Every row must be finite, non-negative and sum to 1 within ``tol``.
    """
    arr = _to_float(w, name)
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise InputError(
            f"{name} must have shape ({n_criteria},) or (k, {n_criteria}); got {arr.shape}"
        )
    if arr.shape[1] != n_criteria:
        raise InputError(
            f"{name} has {arr.shape[1]} entries per vector; expected {n_criteria} (one per criterion)"
        )
    if arr.shape[0] == 0:
        raise InputError(f"{name} is an empty batch; at least one weight vector needed")
    def shown(idx: tuple[int, ...]) -> str:
        return f"{name}[{idx[1]}]" if single else _fmt_index(name, idx)

    _check_finite_named(arr, name, shown)
    neg = arr < 0
    if neg.any():
        idx = locate(neg)
        raise InputError(
            f"{shown(idx)} is {arr[idx]}; {name} must be non-negative and sum to 1"
        )
    sums = arr.sum(axis=1)
    off = np.abs(sums - 1.0) > tol
    if off.any():
        r = int(np.argmax(off))
        where = name if single else f"{name}[{r}]"
        raise InputError(f"{where} sums to {float(sums[r])!r}; weights must sum to 1 (within {tol:g})")
    return arr, single


def _check_finite_named(arr: FloatArray, name: str, shown: Callable[[tuple[int, ...]], str]) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if np.isfinite(total):
        return
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = locate(bad)
        raise InputError(f"{shown(idx)} is {arr[idx]}; {name} must be finite")


def as_bounds(bounds: Any, types: IntArray, name: str = "bounds") -> FloatArray:
    """Return bounds as a ``(n_criteria, 2)`` float64 array of (worst, best) per criterion.

    ``bounds[j] = (worst, best)``: the worst and best plausible raw values of
    criterion ``j``. For a benefit criterion ``worst < best``; for a cost
    criterion ``worst > best``. Orientation that contradicts ``types`` is an
    error (it is ambiguous whether the caller meant (min, max) or (worst, best)).
    """
    m = types.shape[0]
    arr = _to_float(bounds, name)
    if arr.shape != (m, 2):
        raise InputError(f"{name} must have shape ({m}, 2) as (worst, best) per criterion; got {arr.shape}")
    _check_finite(arr, name)
    worst, best = arr[:, 0], arr[:, 1]
    equal = worst == best
    if equal.any():
        j = int(np.argmax(equal))
        raise InputError(f"{name}[{j}] has worst == best == {worst[j]}; bounds must differ")
    wrong = np.sign(best - worst) != types
    if wrong.any():
        j = int(np.argmax(wrong))
        kind = "benefit" if types[j] == 1 else "cost"
        need = "worst < best" if types[j] == 1 else "worst > best"
        raise InputError(
            f"{name}[{j}] = (worst={worst[j]}, best={best[j]}) but criterion {j} is a {kind} "
            f"criterion, which needs {need}; give bounds as (worst, best)"
        )
    return arr


def check_within_bounds(matrix: FloatArray, bounds: FloatArray, name: str = "matrix") -> None:
    """Raise if any ``matrix[i, j]`` lies outside the interval spanned by ``bounds[j]``."""
    lo = np.minimum(bounds[:, 0], bounds[:, 1])
    hi = np.maximum(bounds[:, 0], bounds[:, 1])
    col_min = matrix.min(axis=0)
    col_max = matrix.max(axis=0)
    if (col_min >= lo).all() and (col_max <= hi).all():
        return
    bad = (matrix < lo) | (matrix > hi)
    i, j = locate(bad)
    raise InputError(
        f"{name}[{i}, {j}] = {matrix[i, j]} lies outside bounds[{j}] = "
        f"(worst={bounds[j, 0]}, best={bounds[j, 1]}); absolute mode needs every value within its bounds"
    )


def as_judgments(
    x: Any,
    name: str = "matrix",
    *,
    allow_nan: bool = False,
    tol: float = RECIPROCAL_TOL,
) -> FloatArray:
    """Return an AHP pairwise comparison matrix as a validated square float64 array.

    Checks: square, at least 1x1, finite and positive (``nan`` marks a missing
    judgment when ``allow_nan``; it must then be missing in both ``(i, j)`` and
    ``(j, i)``), diagonal 1, reciprocal (``|a_ij * a_ji - 1| <= tol``).
    Values off Saaty's 1-9 scale (e.g. group geometric means) are accepted.
    """
    arr = _to_float(x, name)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise InputError(f"{name} must be a square pairwise comparison matrix; got shape {arr.shape}")
    n = arr.shape[0]
    if n < 1:
        raise InputError(f"{name} is empty; at least a 1x1 matrix needed")
    nan = np.isnan(arr)
    if nan.any():
        if not allow_nan:
            idx = locate(nan)
            raise InputError(
                f"{_fmt_index(name, idx)} is nan; {name} must be complete "
                "(missing judgments are accepted where the function allows them)"
            )
        asym = nan != nan.T
        if asym.any():
            i, j = locate(asym)
            if nan[i, j]:
                i, j = j, i
            raise InputError(
                f"{name}[{j}, {i}] is nan but {name}[{i}, {j}] = {arr[i, j]}; a missing judgment "
                "must be missing on both sides of the diagonal"
            )
        diag_nan = np.diag(nan)
        if diag_nan.any():
            k = int(np.argmax(diag_nan))
            raise InputError(f"{name}[{k}, {k}] is nan; the diagonal must be 1")
    inf = np.isinf(arr)
    if inf.any():
        idx = locate(inf)
        raise InputError(f"{_fmt_index(name, idx)} is {arr[idx]}; judgments must be finite")
    with np.errstate(invalid="ignore"):
        nonpos = arr <= 0
    if nonpos.any():
        idx = locate(nonpos)
        raise InputError(f"{_fmt_index(name, idx)} is {arr[idx]}; judgments must be positive")
    diag = np.diag(arr)
    off_diag = diag != 1.0
    if off_diag.any():
        k = int(np.argmax(off_diag))
        raise InputError(f"{name}[{k}, {k}] is {diag[k]}; the diagonal of a pairwise matrix must be 1")
    with np.errstate(invalid="ignore", over="ignore"):
        bad = np.abs(arr * arr.T - 1.0) > tol
    bad &= ~nan
    if bad.any():
        i, j = locate(np.triu(bad, 1) | np.tril(bad, -1))
        i, j = min(i, j), max(i, j)
        raise InputError(
            f"judgment ({j}, {i}) = {arr[j, i]:.6g} but 1/({i}, {j}) = {1.0 / arr[i, j]:.6g}; "
            f"{name} must be reciprocal (a_ji = 1/a_ij)"
        )
    return arr


def one_of(value: T, options: Iterable[T], name: str) -> T:
    """Return ``value`` if it is one of ``options``; otherwise raise naming the valid values."""
    opts = list(options)
    if value not in opts:
        raise InputError(f"{name} is {value!r}; valid values are {', '.join(repr(o) for o in opts)}")
    return value


def as_seed(seed: SeedLike, name: str = "seed") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from an int, SeedSequence, Generator or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(
            f"{name} is {seed!r}; expected an int >= 0, a numpy Generator, a SeedSequence or None"
        )
    if seed < 0:
        raise InputError(f"{name} is {seed}; an integer seed must be >= 0")
    return np.random.default_rng(int(seed))


def seed_sequence(seed: SeedLike, name: str = "seed") -> np.random.SeedSequence:
    """Return a :class:`numpy.random.SeedSequence` for spawning per-chunk streams.

    A Generator is turned into a SeedSequence by drawing a 128-bit entropy from it,
    so a Generator argument advances that generator once.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if seed is None:
        return np.random.SeedSequence()
    as_seed(seed, name)  # validates
    return np.random.SeedSequence(int(seed))


def spawn_rngs(seed: SeedLike, n: int, name: str = "seed") -> list[np.random.Generator]:
    """Return ``n`` independent generators spawned from one SeedSequence (fixed chunk plan)."""
    ss = seed_sequence(seed, name)
    return [np.random.default_rng(s) for s in ss.spawn(n)]


def as_str_list(x: Sequence[str], name: str) -> list[str]:
    """Return a list of strings; raise if any entry is not a string."""
    out = list(x)
    for i, s in enumerate(out):
        if not isinstance(s, str):
            raise InputError(f"{name}[{i}] is {s!r}; expected a string")
    return out
