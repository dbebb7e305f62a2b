"""Rating scales: Likert points and labelled linguistic terms, to numbers and back.

A scale maps what a rater wrote (a label such as ``"satisfied"`` or a scale
value such as ``4``) to its numeric value, vectorised over arrays of ratings,
and maps aggregated values back to the nearest term. A linguistic scale may
carry a triangular fuzzy number ``(l, m, u)`` per term (Zadeh 1975), used by
fuzzy TOPSIS (:func:`ppeval.qualitative.fuzzy.fuzzy_topsis`).

Missing answers are ``nan``, ``None`` or an empty (blank) string; they map to
``nan`` and are never an error here (the aggregation counts them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.qualitative._common import fmt, match_values

__all__ = ["LikertScale", "LinguisticScale"]


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, str | np.str_):
        return str(x).strip() == ""
    if isinstance(x, float | np.floating):
        return math.isnan(float(x))
    return False


def _check_ids(ids: Mapping[str, npt.ArrayLike] | None, n: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for key, arr in (ids or {}).items():
        a = np.asarray(arr).reshape(-1)
        if a.shape[0] != n:
            raise InputError(f"ids[{key!r}] has {a.shape[0]} entries; expected {n} (one per rating)")
        out[key] = a
    return out


def _context(i: int, ids: dict[str, np.ndarray]) -> str:
    if not ids:
        return ""
    return " (" + ", ".join(f"{k} {fmt(a[i])}" for k, a in ids.items()) + ")"


def _position(i: int, shape: tuple[int, ...]) -> str:
    if len(shape) <= 1:
        return str(i)
    return ", ".join(str(int(k)) for k in np.unravel_index(i, shape))


class _Scale:
    """Mapping logic shared by the scale types (values strictly increasing)."""

    @property
    def values(self) -> FloatArray:
        raise NotImplementedError  # pragma: no cover

    @property
    def term_labels(self) -> tuple[str, ...]:
        raise NotImplementedError  # pragma: no cover

    @property
    def value_range(self) -> tuple[float, float]:
        """``(lowest, highest)`` scale value."""
        v = self.values
        return float(v[0]), float(v[-1])

    @property
    def n_terms(self) -> int:
        """Number of scale points (terms)."""
        return int(self.values.shape[0])

    def _valid(self) -> str:
        v = ", ".join(f"{x:g}" for x in self.values)
        labels = ", ".join(repr(t) for t in self.term_labels)
        return f"valid values are {v}; valid labels are {labels}"

    def to_indices(
        self,
        ratings: npt.ArrayLike,
        *,
        name: str = "ratings",
        ids: Mapping[str, npt.ArrayLike] | None = None,
    ) -> IntArray:
        """Return the term index (0 = lowest term) of every rating; ``-1`` marks a missing answer.

        Parameters
        ----------
        ratings : array_like of str or numbers, any shape
            Labels (matched case-insensitively, surrounding blanks ignored),
            scale values, or numeric strings of scale values. ``nan``,
            ``None`` and blank strings are missing answers.
        name : str
            Argument name used in error messages.
        ids : mapping of str to array_like, optional
            Per-rating ids named in error messages, e.g.
            ``{"project": ..., "indicator": ..., "rater": ...}`` (one entry
            per rating, in the flattened order of ``ratings``).

        Returns
        -------
        ndarray of int64, shape of ``ratings``

        Raises
        ------
        InputError
            A label that is not a term of the scale, or a value off the
            scale; the message names the position, the value and the ids.
        """
        arr = np.asarray(ratings)
        shape = arr.shape
        flat = arr.reshape(-1)
        n = flat.shape[0]
        ctx = _check_ids(ids, n)
        values = self.values
        if flat.dtype.kind in "iuf":
            v = flat.astype(np.float64)
            missing = np.isnan(v)
            idx, ok = match_values(v, values)
            bad = ~ok & ~missing
            if bad.any():
                i = int(np.argmax(bad))
                raise InputError(
                    f"{name}[{_position(i, shape)}] = {fmt(flat[i])}{_context(i, ctx)} is not on this "
                    f"scale; {self._valid()}"
                )
            return np.where(missing, -1, idx).astype(np.int64).reshape(shape)
        if flat.dtype.kind not in "UO":
            raise InputError(
                f"{name} must hold labels (str) or scale values (numbers); got dtype {flat.dtype}"
            )
        # a uniform string key per rating, then one lookup per distinct key
        if flat.dtype.kind == "U":
            keys = np.char.strip(flat)
        else:
            keys = np.array(["" if _is_missing(x) else _key(x) for x in flat], dtype=str)
        uniq, inverse = np.unique(keys, return_inverse=True)
        labels = {t.casefold(): k for k, t in enumerate(self.term_labels)}
        code = np.empty(uniq.shape[0], dtype=np.int64)
        for u, key in enumerate(uniq):
            code[u] = self._lookup(str(key), labels)
        out = code[inverse.reshape(-1)] if n else np.zeros(0, dtype=np.int64)
        bad = out == -2
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(
                f"{name}[{_position(i, shape)}] = {fmt(flat[i])}{_context(i, ctx)} is neither a label nor "
                f"a value of this scale; {self._valid()}"
            )
        return out.reshape(shape)

    def _lookup(self, key: str, labels: dict[str, int]) -> int:
        """Term index of a key; -1 missing, -2 unknown."""
        if key == "":
            return -1
        hit = labels.get(key.casefold())
        if hit is not None:
            return hit
        try:
            f = float(key)
        except ValueError:
            return -2
        if not math.isfinite(f):
            return -1 if math.isnan(f) else -2
        idx, ok = match_values(np.array([f]), self.values)
        return int(idx[0]) if bool(ok[0]) else -2

    def to_values(
        self,
        ratings: npt.ArrayLike,
        *,
        name: str = "ratings",
        ids: Mapping[str, npt.ArrayLike] | None = None,
    ) -> FloatArray:
        """Return the scale value of every rating (``nan`` for a missing answer).

        Vectorised over an array of labels or values of any shape; see
        :meth:`to_indices` for the accepted inputs, ``ids`` and errors.

        Returns
        -------
        ndarray of float64, shape of ``ratings``
        """
        idx = self.to_indices(ratings, name=name, ids=ids)
        out = np.where(idx >= 0, self.values[np.maximum(idx, 0)], np.nan)
        return np.asarray(out, dtype=np.float64)

    def to_labels(self, values: npt.ArrayLike, *, name: str = "values") -> np.ndarray:
        """Return the label of the term nearest to each value (``None`` for ``nan``).

        Parameters
        ----------
        values : array_like of float, any shape
            Values within :attr:`value_range` (e.g. aggregated ratings).
            A value exactly midway between two terms gets the lower term.
        name : str
            Argument name used in error messages.

        Returns
        -------
        ndarray of object (str or None), shape of ``values``

        Raises
        ------
        InputError
            A value that is infinite or outside :attr:`value_range`.
        """
        try:
            v = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{name} must be numeric: {exc}") from None
        shape = v.shape
        flat = v.reshape(-1)
        lo, hi = self.value_range
        tol = 1e-9 * max(1.0, abs(lo), abs(hi))
        missing = np.isnan(flat)
        with np.errstate(invalid="ignore"):
            bad = ~missing & (~np.isfinite(flat) | (flat < lo - tol) | (flat > hi + tol))
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(
                f"{name}[{_position(i, shape)}] is {flat[i]:g}; it lies outside the scale range "
                f"[{lo:g}, {hi:g}]"
            )
        idx, _ = match_values(np.where(missing, lo, flat), self.values)
        labels = np.array(self.term_labels, dtype=object)
        out = labels[idx]
        out[missing] = None
        return out.reshape(shape)


def _key(x: Any) -> str:
    if isinstance(x, str | np.str_):
        return str(x).strip()
    if isinstance(x, bool | np.bool_):
        return f"<bool {x}>"  # never a label or a value
    if isinstance(x, int | float | np.integer | np.floating):
        return repr(float(x))
    return f"<{type(x).__name__} {x!r}>"


def _labels_tuple(labels: Sequence[str], name: str) -> tuple[str, ...]:
    if isinstance(labels, str):
        raise InputError(f"{name} must be a sequence of labels, not one string")
    out = tuple(labels)
    seen: dict[str, int] = {}
    for i, t in enumerate(out):
        if not isinstance(t, str) or not t.strip():
            raise InputError(f"{name}[{i}] is {t!r}; a label must be a non-blank string")
        key = t.strip().casefold()
        if key in seen:
            raise InputError(
                f"{name}[{i}] = {t!r} repeats {name}[{seen[key]}] (labels are matched case-insensitively)"
            )
        seen[key] = i
    return tuple(t.strip() for t in out)


@dataclass(frozen=True)
class LikertScale(_Scale):
    """A Likert scale with values ``1..points`` and optional labels (one per point, lowest first).

    Parameters
    ----------
    points : int
        Number of scale points, at least 2.
    labels : sequence of str, optional
        Label of each point, for values ``1..points``; without labels the
        point values themselves (``"1"``, ``"2"``, ...) serve as labels.

    Attributes
    ----------
    values : ndarray of float64, shape (points,)
        ``1.0 .. points``.
    term_labels : tuple of str
        The labels (or ``"1" .. "points"``).
    value_range : tuple of float
        ``(1.0, points)``.
    fuzzy_numbers : None
        A Likert scale carries no fuzzy numbers.

    Raises
    ------
    InputError
        ``points`` below 2 or not an int; labels not one per point, blank or
        repeated (case-insensitively).

    References
    ----------
    Likert, R. (1932). A technique for the measurement of attitudes.
    *Archives of Psychology* 140, 1-55.

    Examples
    --------
    >>> s = LikertScale(5, ("very poor", "poor", "fair", "good", "very good"))
    >>> s.to_values(["good", "Very Good", None, "2", 1])
    array([ 4.,  5., nan,  2.,  1.])
    >>> s.to_labels([3.4, 4.5]).tolist()
    ['fair', 'good']
    """

    points: int
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        p = self.points
        if isinstance(p, bool) or not isinstance(p, int | np.integer) or p < 2:
            raise InputError(f"points is {p!r}; a Likert scale needs an int number of points >= 2")
        object.__setattr__(self, "points", int(p))
        if self.labels is not None:
            labels = _labels_tuple(self.labels, "labels")
            if len(labels) != p:
                raise InputError(
                    f"labels has {len(labels)} entries for a {p}-point scale; give exactly {p} labels "
                    f"(for values 1..{p}) or none"
                )
            object.__setattr__(self, "labels", labels)

    @property
    def values(self) -> FloatArray:
        """Scale values ``1.0 .. points`` (a new read-only array)."""
        v = np.arange(1, self.points + 1, dtype=np.float64)
        v.setflags(write=False)
        return v

    @property
    def term_labels(self) -> tuple[str, ...]:
        """Labels in value order (the values as strings when the scale has no labels)."""
        if self.labels is not None:
            return self.labels
        return tuple(str(i) for i in range(1, self.points + 1))

    @property
    def fuzzy_numbers(self) -> None:
        """A Likert scale has no fuzzy numbers."""
        return None


@dataclass(frozen=True, init=False)
class LinguisticScale(_Scale):
    """Labelled linguistic terms with strictly increasing values and optional fuzzy numbers.

    Parameters
    ----------
    labels : sequence of str
        Term labels, worst term first (at least 2, unique case-insensitively).
    values : sequence of float
        Crisp value of each term, strictly increasing.
    fuzzy : sequence of (l, m, u), optional
        A triangular fuzzy number per term with ``l <= m <= u``, the term's
        crisp value inside ``[l, u]`` and the peaks ``m`` strictly increasing.

    Attributes
    ----------
    values : ndarray of float64, shape (k,)
    term_labels : tuple of str
    value_range : tuple of float
    fuzzy_numbers : ndarray of float64, shape (k, 3), or None

    Raises
    ------
    InputError
        Fewer than 2 terms, lengths that differ, non-finite or
        non-increasing values, or a fuzzy number with ``l > m`` or
        ``m > u`` (the message names the term and its numbers).

    References
    ----------
    Zadeh, L. A. (1975). The concept of a linguistic variable and its
    application to approximate reasoning. *Information Sciences* 8, 199-249.

    Chen, C.-T. (2000). Extensions of the TOPSIS for group decision-making
    under fuzzy environment. *Fuzzy Sets and Systems* 114, 1-9 (Table 2:
    the seven rating terms used in the example below).

    Examples
    --------
    >>> chen = LinguisticScale(
    ...     ("VP", "P", "MP", "F", "MG", "G", "VG"), (0.5, 1, 3, 5, 7, 9, 10),
    ...     fuzzy=((0, 0, 1), (0, 1, 3), (1, 3, 5), (3, 5, 7), (5, 7, 9), (7, 9, 10), (9, 10, 10)))
    >>> chen.to_fuzzy(["G", "vg"]).tolist()
    [[7.0, 9.0, 10.0], [9.0, 10.0, 10.0]]
    """

    labels: tuple[str, ...]
    term_values: tuple[float, ...]
    fuzzy: tuple[tuple[float, float, float], ...] | None = None

    def __init__(
        self,
        labels: Sequence[str],
        values: Sequence[float] | npt.ArrayLike,
        fuzzy: Sequence[Sequence[float]] | npt.ArrayLike | None = None,
    ) -> None:
        lab = _labels_tuple(labels, "labels")
        if len(lab) < 2:
            raise InputError(f"a linguistic scale needs at least 2 terms; got {len(lab)}")
        try:
            v = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"values must be numbers: {exc}") from None
        if v.shape != (len(lab),):
            raise InputError(f"values has shape {v.shape}; expected ({len(lab)},) (one value per label)")
        if not np.isfinite(v).all():
            i = int(np.argmax(~np.isfinite(v)))
            raise InputError(f"values[{i}] ({lab[i]!r}) is {v[i]}; values must be finite")
        steps = np.diff(v) <= 0
        if steps.any():
            i = int(np.argmax(steps)) + 1
            raise InputError(
                f"values[{i}] = {v[i]:g} ({lab[i]!r}) is not above values[{i - 1}] = {v[i - 1]:g} "
                f"({lab[i - 1]!r}); term values must be strictly increasing (worst term first)"
            )
        fz: tuple[tuple[float, float, float], ...] | None = None
        if fuzzy is not None:
            try:
                f = np.asarray(fuzzy, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise InputError(f"fuzzy must be numbers (l, m, u) per term: {exc}") from None
            if f.shape != (len(lab), 3):
                raise InputError(f"fuzzy has shape {f.shape}; expected ({len(lab)}, 3): (l, m, u) per term")
            if not np.isfinite(f).all():
                i = int(np.argmax(~np.isfinite(f).all(axis=1)))
                raise InputError(f"fuzzy[{i}] ({lab[i]!r}) = {tuple(float(c) for c in f[i])} must be finite")
            order_bad = (f[:, 0] > f[:, 1]) | (f[:, 1] > f[:, 2])
            if order_bad.any():
                i = int(np.argmax(order_bad))
                l, m, u = f[i]
                raise InputError(
                    f"fuzzy[{i}] ({lab[i]!r}) = ({l:g}, {m:g}, {u:g}) violates l <= m <= u"
                )
            outside = (v < f[:, 0]) | (v > f[:, 2])
            if outside.any():
                i = int(np.argmax(outside))
                raise InputError(
                    f"value {v[i]:g} of {lab[i]!r} lies outside its fuzzy number's support "
                    f"[{f[i, 0]:g}, {f[i, 2]:g}]"
                )
            peaks = np.diff(f[:, 1]) <= 0
            if peaks.any():
                i = int(np.argmax(peaks)) + 1
                raise InputError(
                    f"fuzzy peak {f[i, 1]:g} of {lab[i]!r} is not above {f[i - 1, 1]:g} of {lab[i - 1]!r}; "
                    "peaks must increase like the values"
                )
            fz = tuple((float(a), float(b), float(c)) for a, b, c in f)
        object.__setattr__(self, "labels", lab)
        object.__setattr__(self, "term_values", tuple(float(x) for x in v))
        object.__setattr__(self, "fuzzy", fz)

    @property
    def values(self) -> FloatArray:
        """Term values, strictly increasing (a new read-only array)."""
        v = np.array(self.term_values, dtype=np.float64)
        v.setflags(write=False)
        return v

    @property
    def term_labels(self) -> tuple[str, ...]:
        """Labels in value order."""
        return self.labels

    @property
    def fuzzy_numbers(self) -> FloatArray | None:
        """Triangular fuzzy numbers ``(l, m, u)`` per term, shape (k, 3), or ``None``."""
        if self.fuzzy is None:
            return None
        f = np.array(self.fuzzy, dtype=np.float64)
        f.setflags(write=False)
        return f

    def to_fuzzy(
        self,
        ratings: npt.ArrayLike,
        *,
        name: str = "ratings",
        ids: Mapping[str, npt.ArrayLike] | None = None,
    ) -> FloatArray:
        """Return the fuzzy number of every rating, shape ``ratings.shape + (3,)`` (``nan`` rows = missing).

        Raises
        ------
        InputError
            The scale has no fuzzy numbers, or a rating is not on the scale
            (see :meth:`to_indices`).
        """
        fz = self.fuzzy_numbers
        if fz is None:
            raise InputError("this linguistic scale has no fuzzy numbers; give fuzzy=(l, m, u) per term")
        idx = self.to_indices(ratings, name=name, ids=ids)
        out = fz[np.maximum(idx, 0)]
        return np.where((idx >= 0)[..., None], out, np.nan)
