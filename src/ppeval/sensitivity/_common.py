"""Validation and helpers shared by the sensitivity functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ppeval import methods, ranking
from ppeval._checks import (
    as_bounds,
    as_matrix,
    as_types,
    as_vector,
    as_weights,
    check_within_bounds,
    one_of,
)
from ppeval._typing import FloatArray, IntArray, Normalization
from ppeval.errors import InputError

from ._kernels import METHODS, TOPSIS_NORMALIZATIONS, WSM_NORMALIZATIONS, Method

__all__ = [
    "Problem",
    "as_problem",
    "as_probabilities",
    "as_float_array",
    "competition_ranks",
    "method_scores",
    "method_ranks",
    "as_int",
    "as_float",
]


@dataclass(frozen=True)
class Problem:
    """A validated decision problem with one base weight vector."""

    matrix: FloatArray
    types: IntArray
    weights: FloatArray
    method: Method
    normalization: str | None
    bounds: FloatArray | None
    v: float
    rho: float = 0.5

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def m(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def higher_is_better(self) -> bool:
        return self.method != "vikor"

    @property
    def kernel_normalization(self) -> str:
        """Normalisation used by the kernel ("" for VIKOR, which has its own)."""
        return self.normalization or ""


def as_int(x: Any, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """Return ``x`` as an int within ``[minimum, maximum]`` or raise InputError naming ``name``."""
    if isinstance(x, bool) or not isinstance(x, int | np.integer):
        raise InputError(f"{name} is {x!r}; expected an integer >= {minimum}")
    if x < minimum:
        raise InputError(f"{name} is {x}; it must be >= {minimum}")
    if maximum is not None and x > maximum:
        raise InputError(f"{name} is {x}; it must be <= {maximum}")
    return int(x)


def as_float(
    x: Any, name: str, *, low: float | None = None, high: float | None = None, low_open: bool = False
) -> float:
    """Return ``x`` as a finite float within the given limits or raise InputError naming ``name``."""
    if isinstance(x, bool):
        raise InputError(f"{name} is {x!r}; expected a number")
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise InputError(f"{name} is {x!r}; expected a number") from None
    if not np.isfinite(f):
        raise InputError(f"{name} is {f}; it must be finite")
    if low is not None and (f <= low if low_open else f < low):
        raise InputError(f"{name} is {f!r}; it must be {'>' if low_open else '>='} {low}")
    if high is not None and f > high:
        raise InputError(f"{name} is {f!r}; it must be <= {high}")
    return f


def as_problem(
    matrix: Any,
    weights: Any,
    types: Any,
    *,
    method: Any,
    normalization: Any,
    bounds: Any,
    v: Any,
    min_rows: int = 1,
    rho: Any = 0.5,
) -> Problem:
    """Validate the arguments shared by every sensitivity function."""
    mat = as_matrix(matrix, "matrix", min_rows=min_rows)
    m = mat.shape[1]
    typ = as_types(types, m)
    w, single = as_weights(weights, m)
    if not single:
        raise InputError(f"weights must be one weight vector of shape ({m},); got shape {w.shape}")
    meth: Method = one_of(method, METHODS, "method")
    vv = as_float(v, "v", low=0.0, high=1.0)
    rr = as_float(rho, "rho", low=0.0, high=1.0, low_open=True)
    norm: str | None
    if meth == "gra":
        if normalization is not None:
            raise InputError(
                f"normalization is {normalization!r} but method 'gra' normalises min-max (against the bounds "
                "in absolute mode); pass normalization=None"
            )
        norm = None
    elif meth == "vikor":
        if normalization is not None:
            raise InputError(
                f"normalization is {normalization!r} but method 'vikor' uses its own linear "
                "normalisation; pass normalization=None"
            )
        if bounds is not None:
            raise InputError("bounds are not supported by method 'vikor'; pass bounds=None")
        norm = None
    elif meth == "topsis":
        norm = one_of("vector" if normalization is None else normalization, TOPSIS_NORMALIZATIONS,
                      "normalization")
    else:
        norm = one_of("minmax" if normalization is None else normalization, WSM_NORMALIZATIONS,
                      "normalization")
    bnd: FloatArray | None = None
    if bounds is not None:
        bnd = as_bounds(bounds, typ)
        check_within_bounds(mat, bnd)
        if meth == "topsis" and normalization is None:
            norm = "minmax"  # absolute mode is min-max against the bounds
        if norm != "minmax" and meth != "gra":
            raise InputError(
                f"normalization is {norm!r} but bounds (absolute mode) are defined for 'minmax' only; "
                "pass normalization='minmax' or None"
            )
    return Problem(mat, typ, w[0], meth, norm, bnd, vv, rr)


def as_float_array(x: Any, name: str) -> FloatArray:
    """``x`` as a float64 array, or InputError naming ``name`` if it is not numeric."""
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} is {x!r}; expected numbers") from None


def as_probabilities(x: Any, name: str) -> FloatArray:
    """1-D finite values in [0, 1] (may be empty)."""
    arr = as_float_array(x, name)
    if arr.ndim != 1:
        raise InputError(f"{name} must be 1-D; got shape {arr.shape}")
    if arr.size == 0:
        return arr
    arr = as_vector(arr, name)
    bad = (arr < 0.0) | (arr > 1.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{name}[{i}] is {arr[i]}; probabilities must lie in [0, 1]")
    return arr


def competition_ranks(scores: FloatArray, higher_is_better: bool, dtype: Any = np.int64) -> np.ndarray:
    """0-based competition ranks along the last axis (``rank = #strictly better``).

    Ties (exactly equal scores) share the smallest rank, as in
    :func:`ppeval.ranking.rank` and SMAA-2's rank definition. Works on ``(n,)``
    or ``(k, n)``; one argsort per row.
    """
    x = np.atleast_2d(scores)
    key = -x if higher_is_better else x
    order = np.argsort(key, axis=1)
    sk = np.take_along_axis(key, order, axis=1)
    n = x.shape[1]
    pos = np.broadcast_to(np.arange(n, dtype=dtype), x.shape)
    if n > 1:
        tie = sk[:, 1:] == sk[:, :-1]
        if tie.any():
            start = np.empty(x.shape, dtype=dtype)
            start[:, 0] = 0
            start[:, 1:] = np.where(tie, 0, np.arange(1, n, dtype=dtype))
            np.maximum.accumulate(start, axis=1, out=start)
            pos = start
    ranks = np.empty(x.shape, dtype=dtype)
    np.put_along_axis(ranks, order, pos, axis=1)
    return ranks if scores.ndim == 2 else ranks[0]


def method_scores(problem: Problem, weights: FloatArray) -> FloatArray:
    """Scores ``(k, n)`` of ``problem`` for a batch of weight vectors, via :mod:`ppeval.methods`."""
    norm = cast(Normalization, problem.kernel_normalization)
    if problem.method == "topsis":
        out = methods.topsis(problem.matrix, weights, problem.types, normalization=norm, bounds=problem.bounds)
    elif problem.method == "wsm":
        out = methods.wsm(problem.matrix, weights, problem.types, normalization=norm, bounds=problem.bounds)
    elif problem.method == "gra":
        out = methods.gra(problem.matrix, weights, problem.types, rho=problem.rho, bounds=problem.bounds)
    else:
        out = methods.vikor(problem.matrix, weights, problem.types, v=problem.v).Q
    return np.asarray(out, dtype=np.float64)


def method_ranks(problem: Problem, scores: FloatArray) -> IntArray:
    """Ranks (1 = best, ties share the smallest rank) via :func:`ppeval.ranking.rank`."""
    return np.asarray(ranking.rank(scores, problem.higher_is_better), dtype=np.int64)
