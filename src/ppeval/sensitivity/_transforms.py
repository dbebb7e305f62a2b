"""Per-column transforms of raw values, for the evidence Monte Carlo.

A decision matrix does not always hold the measured value itself: a target
or interval indicator enters as its *closeness* to the target, and in
absolute mode an indicator with a scoring rule enters as the *share of its
points* the rule awards. When the raw value varies (measurement
uncertainty, a bootstrap of the raters) the transform has to be applied to
every sample again. :class:`ColumnTransform` describes one such transform
with numbers only (no schema objects), :class:`ColumnTransforms` ties them to
matrix columns and the raw values, and both apply elementwise to stacks of
any shape, so a whole tile of samples is transformed at once.

The formulas are those the evaluation uses (``ppeval._columns``
and ``ppeval.pipeline.scoring.rule_points``), written with the same numpy
operations in the same order, so a raw value that does not vary is
transformed to exactly the matrix value the evaluation computed (tested bit
for bit against the pipeline).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import readonly
from ppeval._columns import interval_closeness as _interval
from ppeval._columns import score_membership as grade_membership
from ppeval._columns import target_closeness as _target
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError

__all__ = [
    "TRANSFORM_KINDS",
    "ColumnTransform",
    "ColumnTransforms",
    "column_transform",
    "column_transforms",
    "grade_membership",
]

#: Transforms of :func:`column_transform`: closeness to a target or interval, and the scoring rules.
TRANSFORM_KINDS = ("target", "interval", "proportional", "deduction", "pass_fail", "piecewise", "bands")
_COUNTS = ("continuous", "whole", "started")


@dataclass(frozen=True, eq=False)
class ColumnTransform:
    """One column's transform of raw values into matrix values (see :func:`column_transform`).

    Attributes
    ----------
    kind : str
        One of :data:`TRANSFORM_KINDS`.
    cost : bool
        The rule scores a cost indicator (lower is better); scoring rules only.
    full : float
        The rule's full marks ``P``; the matrix value is the share
        ``points / P`` (0 when ``P == 0``). Scoring rules only.
    a, b, c, d : float
        Parameters: target ``(t, tolerance, low, high)``; interval
        ``(ok_low, ok_high, low, high)``; proportional ``t``; deduction
        ``(t, per, deduct)``; pass/fail threshold.
    count : str
        How a deduction counts a partial unit (``continuous``, ``whole``,
        ``started``).
    xs, ys : ndarray of float64
        Piecewise table (values increasing, points), or bands (limits,
        points; best first).
    """

    kind: str
    cost: bool = False
    full: float = 1.0
    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0
    count: str = "continuous"
    xs: FloatArray | None = None
    ys: FloatArray | None = None

    def apply(self, values: Any) -> FloatArray:
        """The matrix values of raw ``values`` (any shape, finite), elementwise."""
        x = np.asarray(values, dtype=np.float64)
        if self.kind == "target":
            return _target(x, self.a, self.b, self.c, self.d)
        if self.kind == "interval":
            return _interval(x, self.a, self.b, self.c, self.d)
        earned = self._points(x)
        if self.full > 0:
            out: FloatArray = earned / self.full
            return out
        return np.zeros_like(x)

    def _points(self, x: FloatArray) -> FloatArray:
        """Points the rule awards (``ppeval.pipeline.scoring.rule_points`` with ``points = full``)."""
        points = self.full
        out: FloatArray
        if self.kind == "proportional":
            t = self.a
            if self.cost:
                share = np.ones_like(x)
                np.divide(t, x, out=share, where=x > t)
            else:
                share = np.clip(x / t, 0.0, 1.0)
            out = points * share
            return out
        if self.kind == "deduction":
            t = self.a
            short = np.maximum(x - t, 0.0) if self.cost else np.maximum(t - x, 0.0)
            units = short / self.b
            if self.count == "whole":
                units = np.floor(units)
            elif self.count == "started":
                units = np.ceil(units)
            out = np.maximum(points - self.c * units, 0.0)
            return out
        if self.kind == "pass_fail":
            ok = x <= self.a if self.cost else x >= self.a
            out = np.where(ok, points, 0.0)
            return out
        xs, ys = self.xs, self.ys
        if xs is None or ys is None:  # pragma: no cover - column_transform sets both
            raise InputError(f"a {self.kind!r} transform needs its table")
        if self.kind == "piecewise":
            out = np.interp(x, xs, ys)
            return out
        hit = x[..., None] <= xs if self.cost else x[..., None] >= xs
        first = np.argmax(hit, axis=-1)
        out = np.where(hit.any(axis=-1), ys[first], 0.0)
        return out


def _finite(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating) or not math.isfinite(x):
        raise InputError(f"{name} is {x!r}; expected a finite number")
    return float(x)


def column_transform(
    kind: str,
    *,
    cost: bool = False,
    full: float = 1.0,
    target: float | None = None,
    tolerance: float = 0.0,
    low: float | None = None,
    high: float | None = None,
    ok_low: float | None = None,
    ok_high: float | None = None,
    per: float = 1.0,
    deduct: float | None = None,
    count: str = "continuous",
    threshold: float | None = None,
    table: Sequence[tuple[float, float]] | None = None,
    bands: Sequence[tuple[float, float]] | None = None,
) -> ColumnTransform:
    """Describe how a column's raw values become its matrix values.

    Parameters
    ----------
    kind : str
        ``"target"`` / ``"interval"`` (closeness in [0, 1]) or a scoring rule:
        ``"proportional"``, ``"deduction"``, ``"pass_fail"``, ``"piecewise"``,
        ``"bands"`` (the share of ``full`` the rule awards).
    cost : bool, default False
        Scoring rules: a cost indicator (every rule mirrored).
    full : float, default 1
        Scoring rules: the indicator's points ``P`` (``>= 0``).
    target, tolerance, low, high
        ``target``: the target, the tolerance around it (``>= 0``) and the
        plausible range ``[low, high]``. ``proportional`` / ``deduction``:
        ``target`` is the value that earns full marks.
    ok_low, ok_high, low, high
        ``interval``: the acceptable interval and the plausible range.
    per, deduct, count
        ``deduction``: ``deduct`` points per ``per`` units short;
        ``count`` is ``continuous``, ``whole`` or ``started``.
    threshold
        ``pass_fail``: full marks from the threshold on (cost: up to it).
    table
        ``piecewise``: ``(value, points)`` rows, values strictly increasing.
    bands
        ``bands``: ``(limit, points)`` rows, best first (the limit is the
        band's ``min``, or its ``max`` for a cost indicator).

    Returns
    -------
    ColumnTransform

    Raises
    ------
    InputError
        Unknown kind or count, missing or non-finite parameters (named).

    Notes
    -----
    Closeness (Hwang & Yoon 1981, sec. 2.2; Jahan & Edwards 2015): with
    ``e`` the excess deviation from the target (beyond the tolerance) or
    the distance to the interval and ``e_max`` the largest such deviation
    within ``[low, high]``, the value is ``clip(1 - e / e_max, 0, 1)`` (1
    everywhere if ``e_max <= 0``). Scoring rules: ``proportional``
    ``P min(1, x/t)`` (cost ``P min(1, t/x)``), ``deduction``
    ``max(0, P - d u)`` with ``u = (t - x)^+ / per`` units (floored or
    ceiled), ``pass_fail``, ``piecewise`` (``numpy.interp``) and ``bands``
    as :func:`ppeval.pipeline.scoring.rule_points` (财预〔2020〕10号 notes to
    the self-evaluation form; the deduction example of the central
    administrative-expenditure scoring method); the matrix value is the
    share ``points / P``.

    Examples
    --------
    >>> t = column_transform("deduction", full=15.0, target=100.0, per=3.0, deduct=1.0)
    >>> t.apply([100.0, 91.0, 40.0]).tolist()
    [1.0, 0.8, 0.0]
    >>> column_transform("target", target=50.0, tolerance=5.0, low=0.0, high=100.0).apply([50.0, 75.0]).tolist()
    [1.0, 0.5555555555555556]
    """
    if kind not in TRANSFORM_KINDS:
        raise InputError(f"kind is {kind!r}; valid values are {', '.join(TRANSFORM_KINDS)}")
    if not isinstance(cost, bool):
        raise InputError(f"cost is {cost!r}; expected True or False")
    p = _finite(full, "full")
    if p < 0:
        raise InputError(f"full is {p!r}; expected a number >= 0")

    def need(x: Any, name: str) -> float:
        if x is None:
            raise InputError(f"a {kind!r} transform needs {name}")
        return _finite(x, name)

    if kind == "target":
        tol = _finite(tolerance, "tolerance")
        if tol < 0:
            raise InputError(f"tolerance is {tol!r}; expected a number >= 0")
        return ColumnTransform(kind, a=need(target, "target"), b=tol, c=need(low, "low"), d=need(high, "high"))
    if kind == "interval":
        return ColumnTransform(kind, a=need(ok_low, "ok_low"), b=need(ok_high, "ok_high"), c=need(low, "low"),
                               d=need(high, "high"))
    if kind == "proportional":
        t = need(target, "target")
        if t <= 0:
            raise InputError(f"target is {t!r}; a proportional rule needs a target > 0")
        return ColumnTransform(kind, cost=cost, full=p, a=t)
    if kind == "deduction":
        if count not in _COUNTS:
            raise InputError(f"count is {count!r}; valid values are {', '.join(_COUNTS)}")
        u = _finite(per, "per")
        if u <= 0:
            raise InputError(f"per is {u!r}; expected a number > 0")
        return ColumnTransform(kind, cost=cost, full=p, a=need(target, "target"), b=u, c=need(deduct, "deduct"),
                               count=count)
    if kind == "pass_fail":
        return ColumnTransform(kind, cost=cost, full=p, a=need(threshold, "threshold"))
    rows = table if kind == "piecewise" else bands
    name = "table" if kind == "piecewise" else "bands"
    if rows is None:
        raise InputError(f"a {kind!r} transform needs {name}")
    try:
        arr = np.array([[float(v), float(q)] for v, q in rows], dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be (value, points) pairs of numbers") from None
    if arr.ndim != 2 or arr.shape[0] < 1 or not np.isfinite(arr).all():
        raise InputError(f"{name} must hold at least one (value, points) pair of finite numbers")
    if kind == "piecewise" and not (np.diff(arr[:, 0]) > 0).all():
        raise InputError("table values must be strictly increasing")
    xs, ys = readonly(np.ascontiguousarray(arr[:, 0])), readonly(np.ascontiguousarray(arr[:, 1]))
    return ColumnTransform(kind, cost=cost, full=p, xs=xs, ys=ys)


@dataclass(frozen=True, eq=False)
class ColumnTransforms:
    """Transforms of some matrix columns, with the raw values they transform.

    Attributes
    ----------
    n_criteria : int
        Columns of the decision matrix.
    columns : ndarray of int64 (q,)
        The transformed columns, ascending.
    transforms : tuple of ColumnTransform
        One per column of ``columns``.
    raw : ndarray (n, q)
        The raw values of those columns (the matrix holds their transform).
    """

    n_criteria: int
    columns: IntArray
    transforms: tuple[ColumnTransform, ...]
    raw: FloatArray

    def position(self) -> IntArray:
        """``(m,)``: position of each matrix column in ``columns`` (-1: not transformed)."""
        pos = np.full(self.n_criteria, -1, dtype=np.int64)
        pos[self.columns] = np.arange(self.columns.shape[0])
        return pos

    def centre(self, matrix: FloatArray) -> FloatArray:
        """``matrix`` with the raw values in the transformed columns (what the evidence varies around)."""
        out = np.array(matrix, dtype=np.float64)
        out[:, self.columns] = self.raw
        return out

    def apply_columns(self, values: FloatArray, cols: IntArray) -> FloatArray:
        """Transform a stack ``(..., k)`` whose last axis holds matrix columns ``cols`` (others pass through)."""
        pos = self.position()[cols]
        if not (pos >= 0).any():
            return values
        out = np.array(values, dtype=np.float64)
        for k in np.flatnonzero(pos >= 0):
            out[..., k] = self.transforms[int(pos[k])].apply(values[..., k])
        return out

    def apply_cells(self, values: FloatArray, cell_col: IntArray) -> FloatArray:
        """Transform a stack ``(..., c)`` of cells whose matrix columns are ``cell_col`` (others pass through)."""
        pos = self.position()[cell_col]
        if not (pos >= 0).any():
            return values
        out = np.array(values, dtype=np.float64)
        for k in np.unique(pos[pos >= 0]):  # a loop over the transformed columns (a handful)
            at = np.flatnonzero(pos == k)
            out[..., at] = self.transforms[int(k)].apply(values[..., at])
        return out

    def check(self, matrix: FloatArray) -> None:
        """Raise InputError if a transformed column of ``matrix`` is not the transform of its raw values."""
        for k, j in enumerate(self.columns.tolist()):
            want = self.transforms[k].apply(self.raw[:, k])
            held = matrix[:, j]
            off = ~(np.abs(held - want) <= 1e-9 * (1.0 + np.abs(want)))
            if off.any():
                i = int(np.argmax(off))
                raise InputError(
                    f"matrix[{i}, {j}] is {held[i]!r} but the {self.transforms[k].kind} transform of its raw value "
                    f"{self.raw[i, k]!r} is {want[i]!r}; the matrix must hold the transformed values"
                )


def column_transforms(raw: Any, transforms: Mapping[int, ColumnTransform]) -> ColumnTransforms:
    """Tie transforms to matrix columns: ``{column: ColumnTransform}`` with the raw matrix ``(n, m)``.

    Parameters
    ----------
    raw : array_like (n, m)
        The raw values (the matrix before the transforms); only the
        transformed columns are kept.
    transforms : mapping of int to ColumnTransform
        The transform of each transformed column.

    Returns
    -------
    ColumnTransforms

    Raises
    ------
    InputError
        A raw matrix that is not 2-D and finite in the transformed columns, a
        column outside ``0..m-1``, or a transform that is not a ColumnTransform.

    Examples
    --------
    >>> t = column_transforms([[70.0, 95.0], [80.0, 40.0]],
    ...                       {1: column_transform("pass_fail", threshold=60.0)})
    >>> t.columns.tolist(), t.raw.tolist()
    ([1], [[95.0], [40.0]])
    """
    try:
        x = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("raw must be a 2-D array of numbers") from None
    if x.ndim != 2:
        raise InputError(f"raw has shape {x.shape}; expected (n, m)")
    m = x.shape[1]
    if not isinstance(transforms, Mapping):
        raise InputError(f"transforms is {type(transforms).__name__}; expected a mapping of column to transform")
    cols = sorted(transforms)
    for j in cols:
        if isinstance(j, bool) or not isinstance(j, int | np.integer) or not 0 <= int(j) < m:
            raise InputError(f"transforms names column {j!r}; the matrix has columns 0..{m - 1}")
        if not isinstance(transforms[j], ColumnTransform):
            raise InputError(f"transforms[{j}] is {type(transforms[j]).__name__}; expected a ColumnTransform")
    c = np.array(cols, dtype=np.int64)
    sub = np.ascontiguousarray(x[:, c])
    if not np.isfinite(sub).all():
        i, k = (int(v) for v in np.argwhere(~np.isfinite(sub))[0])
        raise InputError(f"raw[{i}, {int(c[k])}] is {sub[i, k]!r}; raw values of transformed columns must be finite")
    return ColumnTransforms(n_criteria=m, columns=readonly(c), transforms=tuple(transforms[j] for j in cols),
                            raw=readonly(sub))

