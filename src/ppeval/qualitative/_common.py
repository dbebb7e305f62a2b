"""Private helpers shared by the qualitative modules.

Validation of the columnar rating inputs (project / indicator / group codes,
values with ``nan`` = missing answer), matching of values to a finite set of
scale values, and the wording of error messages that name the project,
indicator and rater of an offending rating.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError

#: Relative tolerance when a rating value is matched to a scale value.
MATCH_RTOL = 1e-9
#: Tolerance of weight sums (as in :mod:`ppeval._checks`).
WEIGHT_SUM_TOL = 1e-9


def fmt(x: Any) -> str:
    """Format a value for a message: strings quoted, floats in short form."""
    if isinstance(x, str | np.str_):
        return repr(str(x))
    if isinstance(x, float | np.floating):
        f = float(x)
        return "nan" if math.isnan(f) else f"{f:g}"
    if isinstance(x, np.integer):
        return str(int(x))
    return repr(x)


@dataclass(frozen=True)
class Where:
    """Names the project, indicator and rater of rating ``i`` in messages.

    ``project`` and ``indicator`` hold the integer codes of the ratings,
    ``project_ids`` / ``indicator_ids`` the ids those codes stand for, and
    ``rater`` the rater ids of the ratings (any of them may be ``None``).
    """

    project: IntArray | None = None
    indicator: IntArray | None = None
    rater: np.ndarray | None = None
    project_ids: Sequence[Any] | None = None
    indicator_ids: Sequence[Any] | None = None

    def project_name(self, p: int) -> str:
        if self.project_ids is not None:
            return fmt(self.project_ids[p])
        return f"#{p}"

    def indicator_name(self, j: int) -> str:
        if self.indicator_ids is not None:
            return fmt(self.indicator_ids[j])
        return f"#{j}"

    def cell(self, p: int, j: int) -> str:
        """``"project 'P1', indicator 'q2'"``."""
        return f"project {self.project_name(p)}, indicator {self.indicator_name(j)}"

    def entry(self, i: int) -> str:
        """``" (project 'P1', indicator 'q2', rater 'r7')"`` for rating ``i`` (empty if nothing known)."""
        parts: list[str] = []
        if self.project is not None:
            parts.append(f"project {self.project_name(int(self.project[i]))}")
        if self.indicator is not None:
            parts.append(f"indicator {self.indicator_name(int(self.indicator[i]))}")
        if self.rater is not None:
            parts.append(f"rater {fmt(self.rater[i])}")
        return f" ({', '.join(parts)})" if parts else ""


def ids_sequence(ids: Sequence[Any] | None, n: int, name: str) -> Sequence[Any] | None:
    """Check that an id list has one entry per code."""
    if ids is None:
        return None
    out = list(ids)
    if len(out) != n:
        raise InputError(f"{name} has {len(out)} entries; expected {n} (one per code)")
    return out


def as_codes(x: Any, name: str, n: int | None, *, length: int | None = None) -> tuple[IntArray, int]:
    """Return integer codes ``0..n-1`` as int64 and ``n`` (``max + 1`` when ``n`` is None)."""
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise InputError(f"{name} must be 1-D (one code per rating); got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise InputError(f"{name} has {arr.shape[0]} entries; expected {length} (one per rating)")
    if arr.size and arr.dtype.kind not in "iu":
        raise InputError(
            f"{name} must hold integer codes (0, 1, 2, ...); got dtype {arr.dtype}"
        )
    codes = arr.astype(np.int64, copy=False)
    if n is None:
        n = int(codes.max()) + 1 if codes.size else 0
    elif isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise InputError(f"the number of {name} codes must be an int >= 0; got {n!r}")
    n = int(n)
    if codes.size and (int(codes.min()) < 0 or int(codes.max()) >= n):  # two reductions, no temporaries
        bad = (codes < 0) | (codes >= n)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"{name}[{i}] is {int(codes[i])}; valid codes are 0..{n - 1}")
    return codes, n


def as_rating_values(x: Any, name: str, length: int, where: Where) -> tuple[FloatArray, BoolArray]:
    """Return ratings as float64 (``nan`` = missing answer) and the missing mask; inf is an error."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name} must be numeric scale values (nan for a missing answer): {exc}; "
            "map labels to values first (LikertScale/LinguisticScale.to_values)"
        ) from None
    if arr.ndim != 1:
        raise InputError(f"{name} must be 1-D (one value per rating); got shape {arr.shape}")
    if arr.shape[0] != length:
        raise InputError(f"{name} has {arr.shape[0]} entries; expected {length} (one per rating)")
    missing = np.isnan(arr)
    inf = np.isinf(arr)
    if inf.any():
        i = int(np.argmax(inf))
        raise InputError(f"{name}[{i}] is {arr[i]}{where.entry(i)}; a rating must be finite (nan = missing)")
    return arr, missing


def check_value_range(
    values: FloatArray, missing: BoolArray, indicator: IntArray, n_indicators: int,
    value_range: Any, name: str, where: Where,
) -> None:
    """Raise if a rating lies outside ``value_range`` ((2,) or one (low, high) row per indicator)."""
    rng = np.asarray(value_range, dtype=np.float64)
    if rng.shape == (2,):
        rng = np.broadcast_to(rng, (n_indicators, 2))
    if rng.shape != (n_indicators, 2):
        raise InputError(
            f"value_range must have shape (2,) or ({n_indicators}, 2) as (low, high); got {rng.shape}"
        )
    if not np.isfinite(rng).all() or (rng[:, 0] > rng[:, 1]).any():
        j = int(np.argmax(~np.isfinite(rng).all(axis=1) | (rng[:, 0] > rng[:, 1])))
        raise InputError(f"value_range[{j}] = ({rng[j, 0]:g}, {rng[j, 1]:g}) must be finite with low <= high")
    if values.size == 0:
        return
    lo = rng[indicator, 0]
    hi = rng[indicator, 1]
    with np.errstate(invalid="ignore"):
        bad = ((values < lo) | (values > hi)) & ~missing
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(
            f"{name}[{i}] = {values[i]:g}{where.entry(i)} lies outside the scale range "
            f"[{lo[i]:g}, {hi[i]:g}]"
        )


def match_values(v: FloatArray, allowed: FloatArray) -> tuple[IntArray, BoolArray]:
    """Index of the nearest entry of sorted ``allowed`` for each ``v`` and whether it matches.

    ``v`` matches ``allowed[k]`` if ``|v - allowed[k]| <= MATCH_RTOL * max(1, |allowed[k]|)``;
    ``nan`` never matches.
    """
    k = allowed.shape[0]
    with np.errstate(invalid="ignore"):
        right = np.clip(np.searchsorted(allowed, v), 0, k - 1)
        left = np.clip(right - 1, 0, k - 1)
        dl = np.abs(v - allowed[left])
        dr = np.abs(v - allowed[right])
        idx = np.where(dl <= dr, left, right)
        near = allowed[idx]
        ok = np.abs(v - near) <= MATCH_RTOL * np.maximum(1.0, np.abs(near))
    return idx.astype(np.int64), ok


def parse_groups(
    group: Any,
    length: int,
    *,
    groups: Sequence[str] | None,
    group_weights: Mapping[str, float] | npt.ArrayLike | None,
    where: Where,
) -> tuple[IntArray, tuple[str, ...], FloatArray | None]:
    """Return group codes per rating, the group names and the group weights (or None).

    ``group`` holds a name (str) or an integer code per rating, or is None
    (one group, ``"all"``). The group order is: the keys of a
    ``group_weights`` mapping; else ``groups``; else the sorted names found
    (integer codes: ``groups`` names them, else ``"0"``, ``"1"``, ...).
    """
    if group is None:
        if group_weights is not None:
            raise InputError("group_weights needs group (the rater group of every rating)")
        names = tuple(groups) if groups is not None else ("all",)
        if len(names) != 1:
            raise InputError(f"without group, groups must name exactly one group; got {len(names)}")
        return np.zeros(length, dtype=np.int64), names, None

    arr = np.asarray(group)
    if arr.ndim != 1 or arr.shape[0] != length:
        raise InputError(f"group must be 1-D with one entry per rating ({length}); got shape {arr.shape}")
    weight_map: Mapping[str, float] | None = group_weights if isinstance(group_weights, Mapping) else None
    order: list[str] | None = None
    if weight_map is not None:
        order = [str(k) for k in weight_map]
        if groups is not None and list(groups) != order:
            raise InputError("groups and the keys of group_weights name different groups or orders")
    elif groups is not None:
        order = [str(g) for g in groups]
    if order is not None and len(set(order)) != len(order):
        raise InputError(f"group names repeat: {order}")

    if arr.dtype.kind in "iu":
        n_named = len(order) if order is not None else (int(arr.max()) + 1 if arr.size else 0)
        codes, _ = as_codes(arr, "group", n_named)
        names = tuple(order) if order is not None else tuple(str(i) for i in range(n_named))
    else:
        if arr.dtype.kind not in "UO":
            raise InputError(f"group must hold group names (str) or integer codes; got dtype {arr.dtype}")
        strs = arr if arr.dtype.kind == "U" else arr.astype(str)
        found, inverse = factorize(strs)
        if order is None:
            order = [str(g) for g in found]
        lookup = {name: i for i, name in enumerate(order)}
        code_of_found = np.array([lookup.get(str(g), -1) for g in found], dtype=np.int64)
        codes = code_of_found[inverse.reshape(-1)] if strs.size else np.zeros(0, dtype=np.int64)
        if (codes < 0).any():
            i = int(np.argmax(codes < 0))
            known = ", ".join(repr(o) for o in order)
            what = "has no weight in group_weights" if weight_map is not None else "is not in groups"
            raise InputError(f"group[{i}] = {fmt(strs[i])}{where.entry(i)} {what} ({known})")
        names = tuple(order)

    weights: FloatArray | None = None
    if group_weights is not None:
        if weight_map is not None:
            raw = [weight_map[k] for k in weight_map]
        else:
            raw = list(np.asarray(group_weights, dtype=np.float64).reshape(-1))
        try:
            weights = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"group_weights must be numbers: {exc}") from None
        if weights.shape != (len(names),):
            raise InputError(
                f"group_weights has {weights.shape[0]} entries; expected {len(names)} (one per group: "
                f"{', '.join(names)})"
            )
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            g = int(np.argmax(bad))
            raise InputError(
                f"group_weights[{names[g]!r}] is {weights[g]}; group weights must be finite and non-negative"
            )
        total = math.fsum(weights.tolist())
        if abs(total - 1.0) > WEIGHT_SUM_TOL:
            raise InputError(
                f"group_weights sum to {total!r}; they must sum to 1 (within {WEIGHT_SUM_TOL:g})"
            )
    return codes, names, weights


#: Above this many distinct names, :func:`factorize` falls back to a sort (``np.unique``).
FEW_NAMES = 64


def factorize(arr: np.ndarray, max_few: int = FEW_NAMES) -> tuple[np.ndarray, IntArray]:
    """Sorted distinct values of a 1-D array and the code of every entry into them.

    Equal to ``np.unique(arr, return_inverse=True)``. For arrays holding few
    distinct values (rater groups: a handful of names over millions of
    ratings) it does one vectorised comparison per distinct value on the
    entries not yet coded, O(n k) and no sort of the n entries; past
    ``max_few`` distinct values it sorts the rest (``np.unique``).
    """
    a = np.asarray(arr)
    n = a.shape[0]
    if n == 0:
        return np.unique(a), np.zeros(0, dtype=np.int64)
    if n > 4 * _SAMPLE and a.dtype.kind in "Uiu":
        hit = _factorize_sampled(a)
        if hit is not None:
            return hit
    codes = np.empty(n, dtype=np.int64)
    found: list[Any] = []
    rest = a
    rest_idx: IntArray | None = None
    while rest.shape[0]:
        if len(found) >= max_few:
            uniq, inv = np.unique(rest, return_inverse=True)
            found.extend(uniq.tolist())
            base = len(found) - uniq.shape[0]
            if rest_idx is None:  # pragma: no cover - max_few = 0
                codes[:] = inv.reshape(-1) + base
            else:
                codes[rest_idx] = inv.reshape(-1) + base
            break
        eq = rest == rest[0]
        found.append(rest[0])
        if rest_idx is None:
            codes[eq] = len(found) - 1
            keep = ~eq
            rest_idx = np.flatnonzero(keep)
        else:
            codes[rest_idx[eq]] = len(found) - 1
            keep = ~eq
            rest_idx = rest_idx[keep]
        rest = rest[keep]
    values = np.array(found, dtype=a.dtype)
    order = np.argsort(values, kind="stable")
    # merge equal values (possible only after the np.unique fallback: it never repeats one found before)
    sorted_vals = values[order]
    new = np.ones(sorted_vals.shape[0], dtype=bool)
    new[1:] = sorted_vals[1:] != sorted_vals[:-1]
    rank_sorted = np.cumsum(new) - 1
    rank = np.empty(values.shape[0], dtype=np.int64)
    rank[order] = rank_sorted
    return sorted_vals[new], rank[codes]


#: Entries looked at first by :func:`_factorize_sampled`.
_SAMPLE = 4096


def _factorize_sampled(a: np.ndarray) -> tuple[np.ndarray, IntArray] | None:
    """:func:`factorize` when the first entries already hold every distinct value (a few rater groups).

    The distinct values of the first :data:`_SAMPLE` entries (sorted), then one comparison of the whole
    array per value; when every entry equals one of them (the counts add up to the length) the codes are
    exact, else None (the caller codes the array the general way).
    """
    names = np.unique(a[:_SAMPLE])
    if names.shape[0] > 8:
        return None
    if a.dtype.kind == "U" and names.shape[0] > 1:
        return _factorize_by_unit(a, names)
    return _factorize_by_name(a, names)


def _factorize_by_unit(a: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, IntArray] | None:
    """:func:`_factorize_sampled` for strings: a candidate code from one code unit, then an exact check.

    At the first character position where the distinct names all differ, a look-up gives each entry the
    code of the name with its character there; every entry is then compared with its candidate name word
    by word (the fixed-width buffers: equal buffers are equal strings). One pass per word of the dtype
    instead of one string comparison of the whole array per name. None when an entry equals no name.
    """
    n, width = a.shape[0], a.dtype.itemsize // 4
    units = np.ascontiguousarray(a).view(np.uint32).reshape(n, width)
    name_units = np.ascontiguousarray(names.astype(a.dtype)).view(np.uint32).reshape(names.shape[0], width)
    k = names.shape[0]
    at = next((p for p in range(width) if np.unique(name_units[:, p]).shape[0] == k), None)
    if at is None:  # no single position tells the names apart: one comparison per name
        return _factorize_by_name(a, names)
    key = name_units[:, at]
    top = int(key.max())
    if top < 1 << 16:
        lookup = np.zeros(top + 1, dtype=np.int64)
        lookup[key] = np.arange(k)
        codes = lookup.take(units[:, at], mode="clip")  # a character past the table: checked below
    else:
        by = np.argsort(key)
        codes = by[np.searchsorted(key[by], units[:, at]).clip(0, k - 1)]
    # exact check, a word (8 bytes, or 4) of the fixed-width buffers at a time
    words, word = (units.view(np.uint64), np.uint64) if width % 2 == 0 else (units, np.uint32)
    name_words = name_units.view(word) if width % 2 == 0 else name_units
    ok = np.ones(n, dtype=bool)
    for c in range(words.shape[1]):
        ok &= words[:, c] == name_words[:, c].take(codes)
    if not bool(ok.all()):
        return None
    return names, codes


def _factorize_by_name(a: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, IntArray] | None:
    """One comparison of the whole array per name; None when an entry equals no name."""
    codes = np.zeros(a.shape[0], dtype=np.int64)
    matched = 0
    for k in range(names.shape[0]):
        eq = a == names[k]
        matched += int(np.count_nonzero(eq))
        if k:
            np.copyto(codes, k, where=eq)
    if matched != a.shape[0]:
        return None
    return names, codes


_MIX = np.uint64(0x9E3779B97F4A7C15)


#: Odd 64-bit multipliers of the code units in :func:`hash_keys` (SplitMix64 outputs of 1, 2, ...).
_UNIT_KEYS: np.ndarray = np.zeros(0, dtype=np.uint64)


def _unit_keys(width: int) -> np.ndarray:
    """The first ``width`` odd multipliers of :func:`hash_keys` (grown on demand)."""
    global _UNIT_KEYS
    if _UNIT_KEYS.shape[0] < width:
        z = np.arange(1, max(width, 64) + 1, dtype=np.uint64) * _MIX
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        _UNIT_KEYS = (z ^ (z >> np.uint64(31))) | np.uint64(1)
    return _UNIT_KEYS[:width]


def hash_keys(cell: IntArray, rater: np.ndarray) -> np.ndarray | None:
    """64-bit keys of (cell, rater) pairs: equal pairs give equal keys (others rarely do).

    Fixed-width strings are hashed from their code units (a sum of the units times fixed odd 64-bit
    constants, modulo 2^64: one integer product per block of ids, vectorised; two ids differing in one
    unit never share a key), integer raters directly. Returns None for other dtypes (the caller sorts
    instead). Keys only decide which entries to compare exactly: callers never depend on their values.
    """
    with np.errstate(over="ignore"):
        if rater.dtype.kind in "iu":
            h = rater.astype(np.uint64)
        elif rater.dtype.kind == "U" and rater.dtype.itemsize:
            units: np.ndarray[Any, Any] = np.ascontiguousarray(rater).view(np.uint32).reshape(
                rater.shape[0], rater.dtype.itemsize // 4)
            width = units.shape[1]
            while width > 1 and not units[:, width - 1].any():  # padding of ids shorter than the dtype
                width -= 1
            consts = _unit_keys(width)
            h = np.empty(rater.shape[0], dtype=np.uint64)
            step = 1 << 18  # blocks of rows: bounded temporaries
            for start in range(0, rater.shape[0], step):
                h[start : start + step] = np.einsum("ij,j->i", units[start : start + step, :width], consts)
        elif rater.dtype.kind == "U":
            h = np.zeros(rater.shape[0], dtype=np.uint64)
        else:
            return None
        key = cell.astype(np.uint64) * _MIX
        key ^= h
        key *= np.uint64(0xBF58476D1CE4E5B9)
        key ^= key >> np.uint64(31)
    return key


def first_duplicate(cell: IntArray, rater: Any, n_cells: int, length: int) -> tuple[int, int] | None:
    """Positions ``(i, j)``, ``i < j``, of the first repeated (cell, rater) pair, or None.

    The common case (no duplicate) costs a hash of every pair and one sort of
    the 64-bit keys (no argsort, no sort of strings); only entries whose key
    repeats are compared exactly.
    """
    r = np.asarray(rater)
    if r.ndim != 1 or r.shape[0] != length:
        raise InputError(f"rater must be 1-D with one id per rating ({length}); got shape {r.shape}")
    if length < 2:
        return None
    key = hash_keys(cell, r)
    if key is not None:
        sk = np.sort(key)
        rep = sk[1:][sk[1:] == sk[:-1]]
        if rep.size == 0:
            return None
        cand = np.flatnonzero(np.isin(key, rep))
        found = _first_duplicate_exact(cell[cand], r[cand])
        if found is None:
            return None
        return int(cand[found[0]]), int(cand[found[1]])
    return _first_duplicate_exact(cell, r)


def _first_duplicate_exact(cell: IntArray, r: np.ndarray) -> tuple[int, int] | None:
    _, rcode = np.unique(r.astype(str) if r.dtype.kind == "O" else r, return_inverse=True)
    rcode = rcode.reshape(-1).astype(np.int64)
    n_r = int(rcode.max()) + 1
    key = cell * n_r + rcode
    order = np.argsort(key, kind="stable")
    sk = key[order]
    dup = sk[1:] == sk[:-1]
    if not dup.any():
        return None
    # among the repeated keys, report the pair whose second occurrence comes first in the input
    second = order[1:][dup]
    first = order[:-1][dup]
    k = int(np.argmin(second))
    return int(first[k]), int(second[k])


def check_no_duplicate_rating(
    proj: IntArray, ind: IntArray, n_indicators: int, n_cells: int, rater: np.ndarray, where: Where
) -> None:
    """Raise if a rater rated the same (project, indicator) cell twice, naming rater, cell and positions."""
    dup = first_duplicate(proj * n_indicators + ind, rater, n_cells, proj.shape[0])
    if dup is None:
        return
    i, j = dup
    raise InputError(
        f"rater {fmt(rater[i])} rated {where.cell(int(proj[i]), int(ind[i]))} more than once "
        f"(ratings [{i}] and [{j}]); each rater may rate each project and indicator once"
    )


def bsum(key: IntArray, weights: npt.ArrayLike, n: int) -> FloatArray:
    """``np.bincount(key, weights, minlength=n)`` as float64 (sums per key)."""
    return np.asarray(np.bincount(key, weights=weights, minlength=n), dtype=np.float64)


def readonly(*arrays: np.ndarray) -> None:
    """Mark arrays read-only (they are held by frozen results)."""
    for a in arrays:
        a.setflags(write=False)
