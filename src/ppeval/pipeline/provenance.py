"""Provenance: canonical hashes of the inputs and options of an evaluation.

* ``system_hash``: SHA-256 of the canonical JSON of the validated indicator
  system (``model_dump(mode="json")``, sorted keys, exact floats), so the hash
  does not depend on key order or on whether the file was YAML, JSON or TOML.
* ``assessment_hash``: SHA-256 over the canonical bytes of the *parsed*
  assessment (never the file bytes, so the encoding or file format does not
  matter) in the canonical order: projects by id (Unicode code point),
  ratings by (project, indicator in the system's leaf order, rater group,
  rater, value). The order of rows in the files is not data: it does not
  change the hash. Format 3 (:data:`HASH_FORMAT`, what ``evaluate`` records),
  in this order: a JSON header (format, system id, indicator ids, numbers of
  projects and ratings); the project ids as a string column; the metadata
  (name, organisation, contract value, period) as JSON; the values matrix
  (little-endian float64, one nan pattern, ``-0.0`` as ``0.0``); the number
  of ratings of each project (int64; ratings are ordered by project first,
  so this gives every rating's project); every rating's indicator (unsigned,
  1 byte up to 256 indicators, else 2 or 4); the distinct rater groups
  (sorted, a string column) and every rating's code into them (1, 2 or 4
  bytes by their number); the rater ids as a string column; the values as
  float64. A string column is the lengths (int32, in code points), one
  byte ``w`` (1, 2 or 4: the fewest that hold the column's largest code
  point) and the code points padded with 0 to the longest string, ``w``
  bytes each, little-endian. Format 2 (results written before format 3,
  verified with it) wrote strings as int64 lengths and 4-byte code points,
  every rating's project and indicator as int64 and every rating's group
  name in full: about three times the bytes.
* ``config_hash``: SHA-256 of the canonical JSON of the evaluation options
  *and the seed*, so an edited seed or option is caught.
* :func:`assessment_fingerprints`: 64-bit fingerprints per project, per
  indicator and per source file (sums of per-cell fingerprints, so they do
  not depend on row order either). They are recorded in the provenance so a
  failed :func:`~ppeval.pipeline.reproduce` can say which file, which projects
  and which indicators changed. They locate a change; the SHA-256
  ``assessment_hash`` is what proves there was none.

Everything is computed on whole arrays (sorts, bit mixing, segment sums);
nothing loops over cells in Python.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval._serialize import sha256_hex
from ppeval.errors import InputError
from ppeval.schema import Assessment, IndicatorSystem

__all__ = [
    "system_hash",
    "assessment_hash",
    "config_hash",
    "assessment_fingerprints",
    "Fingerprints",
    "canonical_project_order",
    "fingerprint_arrays",
    "fingerprint_map",
    "provenance_digests",
    "HASH_FORMAT",
    "HASH_FORMATS",
]

U64 = npt.NDArray[np.uint64]
#: Lengths of strings (int32 from :func:`_str_units`, int64 from elsewhere).
Lens = npt.NDArray[np.signedinteger[Any]]
#: Canonical bytes of the assessment hash that :func:`ppeval.evaluate` records (see the module docstring).
HASH_FORMAT = "ppeval.assessment-hash/3"
#: The earlier form (strings as UTF-32 code points, every rating's project and group written out), kept
#: so results that recorded it still verify; a result without ``assessment_hash_format`` used it.
HASH_FORMAT_2 = "ppeval.assessment-hash/2"
HASH_FORMATS = (HASH_FORMAT_2, HASH_FORMAT)
_FORMAT = HASH_FORMAT_2
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
#: Salts that keep a value, a rating and a project's metadata from cancelling one another.
_SALT_VALUE, _SALT_RATING, _SALT_INFO = (np.uint64(s) for s in (0x76616C7565, 0x726174696E67, 0x696E666F))


#: Optional fields added to the schema after results were first hashed: left out of the hash while unset,
#: so a system without them keeps its hash and results written before them still reproduce.
_LATER_OPTIONAL = frozenset({"uncertainty", "decisions"})


def _without_unset_later(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _without_unset_later(v) for k, v in obj.items() if not (k in _LATER_OPTIONAL and v is None)}
    if isinstance(obj, list):
        return [_without_unset_later(v) for v in obj]
    return obj


class _NotPlain(Exception):
    """A value :func:`_plain_tree` leaves to the general serialiser (which names it in its error)."""


def _plain_tree(obj: Any) -> Any:
    """:func:`_without_unset_later` then :func:`ppeval._serialize.to_jsonable` of a JSON tree, in one walk
    (no path strings built for messages: :class:`_NotPlain` where a message could be due)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, dict):
        return {str(k): _plain_tree(v) for k, v in obj.items() if not (k in _LATER_OPTIONAL and v is None)}
    if isinstance(obj, list):
        return [_plain_tree(v) for v in obj]
    if type(obj) is int:
        return obj
    if type(obj) is float and obj - obj == 0.0:  # finite (inf - inf and nan - nan are nan)
        return 0.0 if obj == 0.0 else obj
    raise _NotPlain


def system_hash(system: IndicatorSystem) -> str:
    """SHA-256 (hex) of the canonical JSON of an indicator system (optional fields added later and unset left out)."""
    tree = system.model_dump(mode="json")
    try:
        plain = _plain_tree(tree)
    except _NotPlain:  # (not from a validated system: the general path, with its message)
        return sha256_hex(_without_unset_later(tree))
    # the text ppeval._serialize.dumps writes (to_jsonable would give ``plain`` again)
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_hash(config: dict[str, Any], seed: int | None = None) -> str:
    """SHA-256 (hex) of the canonical JSON of the evaluation options and the seed."""
    return sha256_hex({"config": config, "seed": seed})


# ----------------------------------------------------------------------------------------- canonical bytes
def _mix(x: U64) -> U64:
    """SplitMix64 finaliser (Steele, Lea & Flood 2014), element-wise, wrapping modulo 2^64."""
    z = x + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    out: U64 = z ^ (z >> _S31)
    return out


def _mix_inplace(z: U64) -> U64:
    """:func:`_mix` computed in ``z``'s own buffer (same values; one temporary instead of eight)."""
    z += _GOLDEN
    t = z >> _S30
    z ^= t
    z *= _M1
    np.right_shift(z, _S27, out=t)
    z ^= t
    z *= _M2
    np.right_shift(z, _S31, out=t)
    z ^= t
    return z


def _float_bits(a: Any) -> U64:
    """Canonical bit patterns of floats: little-endian float64, one nan, ``-0.0`` as ``0.0``."""
    f = np.asarray(a, dtype="<f8") + 0.0
    f[np.isnan(f)] = np.nan
    bits: U64 = np.ascontiguousarray(f).view("<u8").astype(np.uint64, copy=False)
    return bits


def _update_floats(h: Any, a: Any) -> None:
    """Feed :func:`_float_bits` of an array to hash ``h``, a block of rows at a time (same bytes)."""
    arr = np.asarray(a)
    rows = max(1, _BLOCK // max(1, int(np.prod(arr.shape[1:]))))
    for start in range(0, arr.shape[0], rows):
        h.update(_float_bits(arr[start : start + rows]).astype("<u8", copy=False))


def _str_units(a: Any) -> tuple[npt.NDArray[np.uint32], Lens]:
    """Code points of a 1-D string array as an ``(n, width)`` matrix, and the length of each string (int32).

    A view of the array's own buffer (no copy) when it is a native fixed-width string array: the first
    ``width`` code units of each item, ``width`` the longest string (shorter ones are padded with 0).
    """
    s = np.ascontiguousarray(np.asarray(a, dtype=np.str_))
    n = s.shape[0]
    # int32 lengths, a block at a time (no int64 array of every length: 160 MB for 20 million ratings)
    lens = np.empty(n, dtype=np.int32)
    for start in range(0, n, _BLOCK):
        lens[start : start + _BLOCK] = np.char.str_len(s[start : start + _BLOCK])
    width = int(lens.max()) if n else 0
    if width == 0:
        return np.zeros((n, 0), dtype=np.uint32), lens
    if s.dtype.byteorder == ">":  # pragma: no cover - numpy gives native (little-endian here) strings
        s = s.astype(f"<U{s.dtype.itemsize // 4}")
    units: npt.NDArray[np.uint32] = s.view(np.uint32).reshape(n, s.dtype.itemsize // 4)[:, :width]
    return units, lens


#: Odd 64-bit multipliers (from SplitMix64 outputs) for combining fingerprints and characters.
_ODD = _mix(np.arange(1, 257, dtype=np.uint64)) | np.uint64(1)


def _combine(*parts: Any) -> U64:
    """One fingerprint from several (arrays broadcast): ``mix(sum_k part_k * odd_k)`` modulo 2^64."""
    acc = np.asarray(parts[0], dtype=np.uint64) * _ODD[0]
    for k, part in enumerate(parts[1:], start=1):
        acc = acc + np.asarray(part, dtype=np.uint64) * _ODD[k]
    return _mix(acc)


#: Strings per block of the fingerprint and hash passes (bounded temporaries for millions of ratings).
_BLOCK = 1 << 20
#: Cells or ratings per block of the fingerprint arithmetic: its temporaries stay in the CPU's cache
#: through the dozen passes of the mixing (1.2x faster than blocks of :data:`_BLOCK` at 10,000 projects).
_FP_BLOCK = 1 << 15


def _str_fingerprints(a: Any, width: int | None = None) -> U64:
    """A 64-bit fingerprint of every string of a 1-D array (vectorised over strings and characters).

    ``mix(len * c_0 + sum_k u_k * c_{k+1})`` with ``u_k`` the code points and
    ``c`` fixed odd constants (padding code points are 0 and add nothing);
    past 255 characters the sum is mixed every 255 code points. An array
    of few distinct strings (rater groups) is fingerprinted once per
    distinct string (the same value: the distinct strings have the same
    longest length, so the same mixing steps).
    """
    arr = np.asarray(a, dtype=np.str_)
    if width is not None:  # a block of a longer array, whose longest string has ``width`` characters
        return _str_fingerprints_all(arr, width)
    if arr.ndim == 1 and arr.shape[0] > 64:
        from ppeval.qualitative._common import factorize

        few = 16
        if (arr[: 4 * few].size and np.unique(arr[: 4 * few]).size < few):
            names, codes = factorize(arr, max_few=few)
            if names.shape[0] < few:
                out: U64 = _str_fingerprints_all(names)[codes]
                return out
    return _str_fingerprints_all(arr)


def _longest(a: np.ndarray) -> int:
    """Length of the longest string of a string array (0 when empty)."""
    if a.size == 0:
        return 0
    if a.dtype.kind == "U" and a.dtype.itemsize // 4 < _ODD.size - 1:
        return a.dtype.itemsize // 4  # an upper bound is enough below 255: no mixing step either way
    return int(np.char.str_len(a).max())


def _str_fingerprints_all(a: Any, longest: int | None = None) -> U64:
    units, lens = _str_units(a)
    return _units_fingerprints(units, lens, longest)


def _units_fingerprints(units: npt.NDArray[np.uint32], lens: Lens, longest: int | None = None
                        ) -> U64:
    """:func:`_str_fingerprints_all` from the code points and lengths of :func:`_str_units`."""
    n, width = units.shape
    period = _ODD.size - 1
    # strings are mixed every 255 code points up to the longest string of the whole array (a block of it
    # is given ``longest``); shorter strings' missing code points are 0 and add nothing
    width_all = max(width, longest or 0)
    if width_all <= period - 1:  # no intermediate mixing: one integer matrix-vector product per block
        consts = _ODD[1 : 1 + width]
        acc = lens.astype(np.uint64) * _ODD[0]
        if width:
            for start in range(0, n, _BLOCK):
                blk = units[start : start + _BLOCK]
                # sum_k u_k c_k in uint64 (modulo 2**64, as the sum below); einsum reads the uint32 code
                # points in place (no uint64 copy of the block)
                acc[start : start + blk.shape[0]] += np.einsum("ij,j->i", blk, consts)
        return _mix_inplace(acc)
    acc = lens.astype(np.uint64) * _ODD[0]
    for k in range(width_all):  # one pass per character position, vectorised over the strings
        if k < width:
            acc += units[:, k].astype(np.uint64) * _ODD[1 + k % period]
        if k % period == period - 1:
            acc = _mix(acc)
    return _mix(acc)


def _update_units(h: Any, units: npt.NDArray[np.uint32], lens: Lens) -> None:
    """:func:`_update_str` from the code points and lengths of :func:`_str_units` (the same bytes)."""
    for start in range(0, lens.shape[0], _BLOCK):  # int64 lengths a block at a time (the same bytes)
        h.update(np.ascontiguousarray(lens[start : start + _BLOCK], dtype="<i8"))
    if units.flags.c_contiguous:
        h.update(units)
        return
    for start in range(0, units.shape[0], _BLOCK):
        h.update(np.ascontiguousarray(units[start : start + _BLOCK]))


def _update_str(h: Any, a: Any) -> None:
    """Feed the canonical bytes of a 1-D string array to hash ``h``: lengths (little-endian int64), then
    code points (UTF-32LE, padded to the longest), from the array's buffer in blocks (no whole copy)."""
    units, lens = _str_units(a)
    _update_units(h, units, lens)


def _str_bytes(a: Any) -> bytes:
    """Canonical bytes of a 1-D string array: lengths, then code points (UTF-32LE, padded to the longest)."""
    units, lens = _str_units(a)
    return lens.astype("<i8").tobytes() + units.astype("<u4", copy=False).tobytes()


def canonical_project_order(project_ids: tuple[str, ...] | list[str] | npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
    """Permutation putting projects in the canonical order: ids sorted by Unicode code point."""
    ids = np.asarray(project_ids, dtype=np.str_)
    if ids.shape[0] < 2 or bool((ids[1:] >= ids[:-1]).all()):  # loaded assessments are in this order already
        return np.arange(ids.shape[0], dtype=np.int64)
    order: npt.NDArray[np.int64] = np.argsort(ids, kind="stable").astype(np.int64)
    return order


@dataclass(frozen=True)
class _Canonical:
    """Where the assessment's rows go in the canonical order."""

    perm: npt.NDArray[np.int64]  # canonical position -> row of the assessment
    pos: npt.NDArray[np.int64]  # row of the assessment -> canonical position
    rating_order: npt.NDArray[np.int64] | None  # canonical order of the ratings (None: already canonical)
    identity: bool = False  # projects already in the canonical order (perm is 0..n-1)


def _nondecreasing(keys: list[np.ndarray]) -> bool:
    """Whether rows are sorted lexicographically by ``keys`` (first key first); O(n), no sort.

    Each key is compared only on the neighbouring rows that all earlier keys left tied (string keys
    such as rater ids are compared on a few rows, not on all of them).
    """
    n = keys[0].shape[0]
    for start in range(0, n - 1, _BLOCK):  # blocks of rows overlapping by one (bounded temporaries)
        block = [k[start : start + _BLOCK + 1] for k in keys]
        tied: npt.NDArray[np.int64] | None = None  # rows i whose pair (i, i + 1) is equal on the keys so far
        for k in block:
            a, b = (k[:-1], k[1:]) if tied is None else (k[tied], k[tied + 1])
            if bool((b < a).any()):
                return False
            same = b == a
            tied = np.flatnonzero(same) if tied is None else tied[same]
            if tied.size == 0:
                break
    return True


class _Columns:
    """What the hash and the fingerprints both derive from one assessment, computed once for both.

    ``group_codes`` (``(names, code of every rating into names)``, names sorted by code point, as the
    rating aggregation factorized the rater groups) stands in for the group name of every rating where
    it gives the same bytes: the lengths of the names, comparisons of codes instead of strings in the
    canonical-order check, one fingerprint per name. Ignored when it does not fit the ratings.
    """

    def __init__(self, assessment: Assessment,
                 group_codes: tuple[tuple[str, ...], npt.NDArray[np.int64]] | None = None) -> None:
        self.assessment = assessment
        self.names: tuple[str, ...] | None = None
        self.codes: npt.NDArray[Any] | None = None  # (integer codes of any width)
        r = assessment.ratings
        if group_codes is None:
            group_codes = _loader_groups(r)
        if group_codes is not None and len(r):
            names = tuple(str(x) for x in group_codes[0])
            codes = np.asarray(group_codes[1])
            # strictly increasing names (so codes order as the names do), none ending in NUL (numpy drops
            # trailing NULs: the names must be what the group column holds), codes within the names
            if (codes.shape == (len(r),) and codes.dtype.kind in "iu" and names
                    and all(x < y for x, y in zip(names, names[1:], strict=False))
                    and not any(x.endswith("\0") for x in names)
                    and 0 <= int(codes.min()) and int(codes.max()) < len(names)):
                self.names, self.codes = names, codes

    @cached_property
    def info(self) -> dict[str, list[Any]]:
        """The projects' metadata columns, in the assessment's order."""
        keys = ("name", "organisation", "contract_value", "period")
        if getattr(self.assessment, "_ids_only", False):
            # loaded without a projects table: every project is its id alone (a private mark set by ppeval.io
            # on the assessment it built; an assessment built or copied any other way has none): the records,
            # built when read, are not read
            return {key: [None] * len(self.assessment.project_ids) for key in keys}
        projects = self.assessment.projects
        return {key: list(map(attrgetter(key), projects)) for key in keys}

    @cached_property
    def project_ids(self) -> npt.NDArray[np.str_]:
        return np.asarray(self.assessment.project_ids, dtype=np.str_)

    @cached_property
    def rater_coded(self) -> tuple[npt.NDArray[np.uint32], Lens, npt.NDArray[Any]] | None:
        """``(code points, lengths)`` of the distinct rater ids and every rating's code into them, for
        ratings loaded by ``ppeval.io`` (which hands them over so; None otherwise).

        (Once the strings are read, ``Ratings`` drops the codes: the strings' own buffer is used.) The
        loader's distinct ids are those of its rows, every one used
        (so the column's longest string and largest code point are those of the distinct ids).
        """
        r = self.assessment.ratings
        coded = r.__dict__.get("_coded_rater")
        if coded is None or not len(r):
            return None
        names, codes = coded
        units, lens = _str_units(names)
        return units, lens, codes

    @cached_property
    def rater(self) -> tuple[npt.NDArray[np.uint32], Lens]:
        """:func:`_str_units` of the rater ids."""
        return _str_units(self.assessment.ratings.rater)

    def group_units(self, order: npt.NDArray[np.int64] | None) -> tuple[npt.NDArray[np.uint32], Lens]:
        """:func:`_str_units` of the group names of the ratings in ``order`` (None: as they are)."""
        group = self.assessment.ratings.group
        if self.codes is None or group.dtype.kind != "U":
            return _str_units(group if order is None else group[order])
        codes = self.codes if order is None else self.codes[order]
        name_lens = np.array([len(x) for x in self.names or ()], dtype=np.int64)
        lens = name_lens[codes]
        width = int(name_lens[np.bincount(codes, minlength=name_lens.size) > 0].max())
        if width == 0:
            return np.zeros((codes.shape[0], 0), dtype=np.uint32), lens
        if order is not None:
            group = group[order]
        units = np.ascontiguousarray(group).view(np.uint32).reshape(group.shape[0], group.dtype.itemsize // 4)
        return units[:, :width], lens

    @cached_property
    def canonical(self) -> _Canonical:
        """The canonical order: projects by id; ratings by (project, indicator, group, rater, value)."""
        a = self.assessment
        perm = canonical_project_order(self.project_ids)
        pos = np.empty_like(perm)
        pos[perm] = np.arange(perm.size, dtype=np.int64)
        r = a.ratings
        identity = bool((perm == np.arange(perm.size)).all())
        if identity and getattr(r, "_canonical", False):
            # ratings from ppeval.io: the loader gave them in this order, without duplicates (a private mark of
            # those read-only arrays; ratings built or changed any other way are checked below), and the
            # projects are in the canonical order, so the order needs no check
            return _Canonical(perm, pos, None, identity)
        group = r.group if self.codes is None else self.codes  # codes order as the (sorted) names
        m = len(a.indicator_ids)
        # (project, indicator) as one integer key (indicator codes lie in 0..m-1): one comparison for both
        as_pair = bool(len(r) and int(r.indicator.min()) >= 0 and int(r.indicator.max()) < m)

        def keys(sl: slice) -> list[np.ndarray]:
            proj = r.project[sl] if identity else pos[r.project[sl]]
            vkey = np.where(np.isnan(r.value[sl]), np.inf, r.value[sl])
            if as_pair:
                return [proj.astype(np.int64) * m + r.indicator[sl], group[sl], r.rater[sl], vkey]
            return [proj, r.indicator[sl], group[sl], r.rater[sl], vkey]

        # ppeval.io loads ratings in this order: checked a block of rows at a time (blocks overlap by one
        # row; no whole-length key arrays), sorted only when they are not
        ordered = all(_nondecreasing(keys(slice(start, start + _BLOCK + 1)))
                      for start in range(0, max(len(r) - 1, 0), _BLOCK))
        order = None
        if not ordered:
            proj = r.project if identity else pos[r.project]
            vkey = np.where(np.isnan(r.value), np.inf, r.value)
            order = np.lexsort((vkey, r.rater, group, r.indicator, proj)).astype(np.int64)
        return _Canonical(perm, pos, order, identity)


def _loader_groups(r: Any) -> tuple[tuple[str, ...], npt.NDArray[np.int64]] | None:
    """The rater groups of ratings loaded by ``ppeval.io`` as (sorted distinct names, code per rating)."""
    coded = r.__dict__.get("_coded_group")
    if coded is None:
        return None
    return tuple(str(x) for x in coded[0].tolist()), coded[1]


def _canonical(assessment: Assessment) -> _Canonical:
    """The canonical order: projects by id; ratings by (project, indicator, group, rater, value)."""
    return _Columns(assessment).canonical


def _info_columns(assessment: Assessment, perm: npt.NDArray[np.int64]) -> dict[str, list[Any]]:
    infos = [assessment.projects[i] for i in perm.tolist()]
    return {
        "name": [p.name for p in infos],
        "organisation": [p.organisation for p in infos],
        "contract_value": [p.contract_value for p in infos],
        "period": [p.period for p in infos],
    }


def assessment_hash(
    assessment: Assessment,
    group_codes: tuple[tuple[str, ...], npt.NDArray[np.int64]] | None = None,
    *,
    hash_format: str = HASH_FORMAT,
) -> str:
    """SHA-256 (hex) of an assessment's parsed content in canonical order.

    Independent of the file format, the text encoding and the order of rows
    in the files; see the module docstring for the canonical order and the
    bytes. ``hash_format`` is :data:`HASH_FORMAT` (what :func:`ppeval.evaluate`
    records) or ``"ppeval.assessment-hash/2"`` (results written before it;
    :func:`ppeval.pipeline.reproduce` verifies each result with the form it
    recorded). ``group_codes`` (``(sorted group names, code of every rating)``,
    as :func:`fingerprint_arrays` takes them) saves work, never changes the hash.
    """
    return _hash_as(_Columns(assessment, group_codes), hash_format)


def _hash_as(cols: _Columns, hash_format: str) -> str:
    if hash_format == HASH_FORMAT:
        return _assessment_hash_3(cols)
    if hash_format == HASH_FORMAT_2:
        return _assessment_hash(cols)
    raise InputError(
        f"assessment hash format {hash_format!r} is not known to this ppeval ({', '.join(HASH_FORMATS)}); "
        "a newer ppeval wrote it"
    )


def _narrow(a: npt.NDArray[Any], size: int) -> npt.NDArray[Any]:
    """Codes in ``0..size-1`` as little-endian unsigned integers of 1, 2, 4 or 8 bytes (the fewest that hold
    them: ``size`` is in the header or hashed before, so the width follows from what was hashed)."""
    for width in (1, 2, 4):
        if size <= 1 << (8 * width):
            return np.ascontiguousarray(a, dtype=f"<u{width}")
    return np.ascontiguousarray(a, dtype="<u8")


def _update_text(h: Any, units: npt.NDArray[np.uint32], lens: Lens) -> None:
    """Hash format 3's bytes of a string column: the lengths (code points, little-endian int32), one byte
    ``w`` (1, 2 or 4: the fewest bytes that hold the largest code point of the column), then every string's
    code points padded with 0 to the longest string, each as a ``w``-byte little-endian integer."""
    h.update(np.ascontiguousarray(lens, dtype="<i4"))
    top = int(units.max()) if units.size else 0
    width = 1 if top < 1 << 8 else 2 if top < 1 << 16 else 4
    h.update(bytes([width]))
    for start in range(0, units.shape[0], _BLOCK):
        h.update(np.ascontiguousarray(units[start : start + _BLOCK], dtype=f"<u{width}"))


def _assessment_hash_3(cols: _Columns) -> str:
    """The assessment hash in :data:`HASH_FORMAT` (``ppeval.assessment-hash/3``)."""
    h = hashlib.sha256()
    _hash3_head(cols, h)
    _hash3_values(cols, h)
    _hash3_ratings(cols, h)
    return h.hexdigest()


def _hash3_head(cols: _Columns, h: Any) -> None:
    """Format 3's bytes before the values: the header, the project ids and the metadata."""
    assessment = cols.assessment
    r = assessment.ratings
    if cols.codes is None and len(r):  # the groups as sorted names + codes (they also order the ratings)
        from ppeval.qualitative._common import factorize

        found, codes = factorize(r.group)
        cols.names, cols.codes = tuple(str(x) for x in found.tolist()), codes
    c = cols.canonical
    _update_header(h, cols, HASH_FORMAT)
    _update_text(h, *_str_units(cols.project_ids if c.identity else cols.project_ids[c.perm]))
    h.update(_canonical_info_json(cols))


def _update_header(h: Any, cols: _Columns, fmt: str) -> None:
    """Both hash formats' first bytes: the format, the system, the indicator ids and the counts (JSON)."""
    assessment = cols.assessment
    header = {
        "format": fmt,
        "system_id": assessment.system_id,
        "indicator_ids": list(assessment.indicator_ids),
        "n_projects": int(cols.canonical.perm.size),
        "n_ratings": len(assessment.ratings),
    }
    h.update(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def _canonical_info_json(cols: _Columns) -> bytes:
    """The projects' metadata in the canonical project order, as :func:`_info_json` writes it."""
    c = cols.canonical
    info = cols.info if c.identity else {k: [v[i] for i in c.perm.tolist()] for k, v in cols.info.items()}
    return _info_json(info)


def _info_json(info: dict[str, list[Any]]) -> bytes:
    """The metadata's canonical JSON (sorted keys, ``ensure_ascii=False``, no nan), UTF-8.

    Columns that hold nothing but ``None`` (projects given by their ids alone) are written directly:
    the bytes ``json.dumps`` gives (``[null, null, ...]``), without encoding every ``None``.
    """
    if all(col.count(None) == len(col) for col in info.values()):
        body = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: [{', '.join(['null'] * len(info[k]))}]"
                         for k in sorted(info))
        return ("{" + body + "}").encode("utf-8")
    return json.dumps(info, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _hash3_values(cols: _Columns, h: Any) -> None:
    """Format 3's values matrix (canonical float bits, projects in the canonical order)."""
    c = cols.canonical
    values = cols.assessment.values
    _update_floats(h, values if c.identity else values[c.perm])


def _hash3_ratings(cols: _Columns, h: Any) -> None:
    """Format 3's bytes after the values: the ratings in the canonical order."""
    assessment = cols.assessment
    r = assessment.ratings
    c = cols.canonical
    n = int(c.perm.size)
    m = len(assessment.indicator_ids)
    identity = c.identity
    o = c.rating_order
    # ratings in the canonical order: sorted by project first, so the number of ratings of each project
    # (canonical project order) gives every rating's project
    proj = r.project if identity else c.pos[r.project]
    h.update(np.bincount(proj, minlength=n).astype("<i8").data)
    h.update(_narrow(r.indicator if o is None else r.indicator[o], m).data)
    # rater groups: the distinct names present (sorted), then every rating's code into them
    names: list[str] = []
    gcode: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
    if cols.codes is not None and cols.names is not None:
        present = np.bincount(cols.codes, minlength=len(cols.names)) > 0
        names = [cols.names[i] for i in np.flatnonzero(present).tolist()]
        if present.all():  # every name used (the loader's groups): the codes as they are
            gcode = cols.codes if o is None else cols.codes[o]
        else:
            remap = _narrow(np.cumsum(present) - 1, len(names))  # the narrow codes directly (no int64 copy)
            gcode = remap.take(cols.codes if o is None else cols.codes[o])
    _update_text(h, *_str_units(np.array(names, dtype=np.str_)))
    h.update(_narrow(gcode, len(names)).data)
    coded = cols.rater_coded
    if coded is not None:  # the distinct ids' code points gathered by code (the same bytes)
        _update_text_coded(h, coded[0], coded[1], coded[2] if o is None else coded[2][o])
    else:
        units, lens = cols.rater
        if o is not None:
            units, lens = units[o], lens[o]
        _update_text(h, units, lens)
    _update_floats(h, r.value if o is None else r.value[o])


def _update_text_coded(h: Any, units: npt.NDArray[np.uint32], lens: Lens, codes: npt.NDArray[Any]) -> None:
    """:func:`_update_text` of the strings ``names[codes]`` from the distinct names' code points and lengths
    (every name used: the longest string and the largest code point are the same), a block at a time."""
    for start in range(0, codes.shape[0], _BLOCK):
        h.update(np.ascontiguousarray(lens.take(codes[start : start + _BLOCK]), dtype="<i4"))
    top = int(units.max()) if units.size else 0
    width = 1 if top < 1 << 8 else 2 if top < 1 << 16 else 4
    h.update(bytes([width]))
    if units.shape[1] == 0:
        return
    narrow = np.ascontiguousarray(units, dtype=f"<u{width}")
    rows = narrow.view(np.dtype((np.void, narrow.shape[1] * width))).reshape(-1)  # one item per name
    for start in range(0, codes.shape[0], _BLOCK):
        h.update(rows.take(codes[start : start + _BLOCK]))


def _assessment_hash(cols: _Columns) -> str:
    """The assessment hash in ``ppeval.assessment-hash/2``."""
    assessment = cols.assessment
    c = cols.canonical
    r = assessment.ratings
    h = hashlib.sha256()
    _update_header(h, cols, _FORMAT)
    identity = c.identity
    h.update(_str_bytes(cols.project_ids if identity else cols.project_ids[c.perm]))
    h.update(_canonical_info_json(cols))
    _update_floats(h, assessment.values if identity else assessment.values[c.perm])
    o = c.rating_order
    proj = r.project if identity else c.pos[r.project]
    ind, value = r.indicator, r.value
    if o is not None:
        proj, ind, value = proj[o], ind[o], value[o]
    # array buffers go to the hash as they are (the bytes are what tobytes() would give; no copies)
    h.update(np.ascontiguousarray(proj, dtype="<i8").data)
    h.update(np.ascontiguousarray(ind, dtype="<i8").data)
    _update_units(h, *cols.group_units(o))
    units, lens = cols.rater
    if o is not None:
        units, lens = units[o], lens[o]
    _update_units(h, units, lens)
    _update_floats(h, value)
    return h.hexdigest()


# ----------------------------------------------------------------------------------------- fingerprints
@dataclass(frozen=True)
class Fingerprints:
    """64-bit fingerprints (16 hex digits) that locate a change in an assessment.

    Attributes
    ----------
    projects : dict
        Project id -> fingerprint of the project's metadata, values and ratings.
    indicators : dict
        Indicator id -> fingerprint of its column of values and its ratings.
    files : dict
        Source file name -> fingerprint of the parsed content it gave.
    """

    projects: dict[str, str]
    indicators: dict[str, str]
    files: dict[str, str]


def _hex(a: U64) -> list[str]:
    """16 hex digits per value (vectorised: the digits of the big-endian bytes, then one decode)."""
    if a.size == 0:
        return []
    b = np.ascontiguousarray(a, dtype=">u8").view(np.uint8).reshape(-1, 8)
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out = np.empty((b.shape[0], 16), dtype=np.uint8)
    out[:, 0::2] = digits[b >> 4]
    out[:, 1::2] = digits[b & 15]
    text = out.tobytes().decode("ascii")
    return [text[i : i + 16] for i in range(0, len(text), 16)]


def _segment_sums(keys: npt.NDArray[np.int64], fp: U64, size: int) -> U64:
    """Sum (modulo 2^64) of ``fp`` per key in ``range(size)`` (unbuffered add: no sort, any order)."""
    out = np.zeros(size, dtype=np.uint64)
    if keys.size:
        np.add.at(out, keys, fp)
    return out


def _source_names(sources: tuple[str, ...]) -> list[str]:
    """Names of the sources for messages: file names, the full path where two files share a name."""
    base = {s: os.path.basename(s) or s for s in sources}
    count: dict[str, int] = {}
    for b in base.values():
        count[b] = count.get(b, 0) + 1
    return [base[s] if count[base[s]] == 1 else s for s in sources]


def _info_fingerprints(assessment: Assessment, pid_fp: U64, info: dict[str, list[Any]] | None = None) -> U64:
    if info is None:
        info = _info_columns(assessment, np.arange(len(assessment.project_ids), dtype=np.int64))
    parts = []
    for key in ("name", "organisation", "period"):
        col = info[key]
        if col and col.count(None) == len(col):  # "\0" for every project (numpy keeps it as ""): one value
            parts.append(np.full(len(col), _str_fingerprints(np.array([""], dtype=np.str_))[0]))
        else:
            parts.append(_str_fingerprints(np.array(["\0" if v is None else v for v in col], dtype=np.str_)))
    col = info["contract_value"]
    if col.count(None) == len(col):  # no contract values: one nan for every project
        cv = np.full(len(col), np.nan)
    else:
        cv = np.array([np.nan if v is None else v for v in col], dtype=np.float64)
    return _combine(pid_fp, *parts, _float_bits(cv), _SALT_INFO)


def fingerprint_map(ids: tuple[str, ...] | list[str], fp: U64) -> dict[str, str]:
    """``{id: 16 hex digits}`` from the fingerprints of :func:`fingerprint_arrays`."""
    return dict(zip(ids, _hex(fp), strict=True))


def _file_sums(cell_file: U64, src: npt.NDArray[np.int64], cell: U64, col_sums: U64) -> None:
    """Add each value cell's fingerprint to its source file's sum (``src`` -1: no file).

    A column whose cells all come from one file adds its column sum (the same sum modulo 2^64: a values
    table gives whole columns); the other columns add cell by cell.
    """
    first = src[0]
    whole = (src == first).all(axis=0)
    given = whole & (first >= 0)
    if given.any():
        np.add.at(cell_file, first[given], col_sums[given])
    if not whole.all():
        cols = np.flatnonzero(~whole)
        sub = src[:, cols]
        keep = sub >= 0
        np.add.at(cell_file, sub[keep].astype(np.int64), cell[:, cols][keep])


def fingerprint_arrays(
    assessment: Assessment, group_codes: tuple[tuple[str, ...], npt.NDArray[np.int64]] | None = None
) -> tuple[U64, U64, dict[str, str]]:
    """Per-project and per-indicator fingerprints as ``uint64`` arrays, and the per-file map.

    ``group_codes`` (``(names, code of every rating into names)``, as the rating aggregation factorized
    the rater groups) saves fingerprinting the group name of every rating: it is fingerprinted once per
    name (the same values).
    """
    return _fingerprint_arrays(_Columns(assessment), group_codes)


def provenance_digests(
    assessment: Assessment,
    group_codes: tuple[tuple[str, ...], npt.NDArray[np.int64]] | None = None,
    hash_format: str = HASH_FORMAT,
) -> tuple[str, U64, U64, dict[str, str]]:
    """:func:`assessment_hash` and :func:`fingerprint_arrays` of one assessment, sharing their work.

    What both derive (the code points and lengths of the rater ids, the metadata columns, the group
    names' lengths from ``group_codes``) is computed once; the values are those of the two functions.
    """
    cols = _Columns(assessment, group_codes)
    if hash_format != HASH_FORMAT:
        project, indicator, files = _fingerprint_arrays(cols, group_codes)
        return _hash_as(cols, hash_format), project, indicator, files
    # format 3 in one pass over the values: their float bits are hashed as the fingerprints compute them
    # (projects in the canonical order already: the bytes of :func:`_hash3_values`)
    h = hashlib.sha256()
    _hash3_head(cols, h)
    fused = cols.canonical.identity
    project, indicator, files = _fingerprint_arrays(cols, group_codes, h if fused else None)
    if not fused:
        _hash3_values(cols, h)
    _hash3_ratings(cols, h)
    return h.hexdigest(), project, indicator, files


def _fingerprint_arrays(
    cols: _Columns, group_codes: tuple[tuple[str, ...], npt.NDArray[np.int64]] | None, h: Any = None
) -> tuple[U64, U64, dict[str, str]]:
    """The fingerprints; ``h`` (a hash at the values' place in format 3) is fed the values' float bits."""
    assessment = cols.assessment
    n, m = assessment.values.shape
    pid_fp = _str_fingerprints(cols.project_ids)
    ind_fp = _str_fingerprints(np.asarray(assessment.indicator_ids, dtype=np.str_))
    # values: one fingerprint per cell, mix(bits c0 + indicator c1 + project c2 + salt c3) (the _combine of
    # the four; the per-indicator and per-project terms are formed once), summed per project, per
    # indicator and per file a block of rows at a time
    values = assessment.values
    src = assessment.cell_source
    n_src = len(tuple(assessment.sources))
    cell_project = np.zeros(n, dtype=np.uint64)
    cell_indicator = np.zeros(m, dtype=np.uint64)
    cell_file = np.zeros(n_src, dtype=np.uint64)
    col_term = ind_fp * _ODD[1] + np.array([_SALT_VALUE]) * _ODD[3]  # arrays: wrap mod 2**64, no warning
    row_term = pid_fp * _ODD[2]
    step = min(_BLOCK, _FP_BLOCK)
    rows = max(1, step // max(m, 1))
    # columns whose cells all come from one file (a values table gives whole columns) add their column sums
    # to that file once, after the loop (the same sums modulo 2**64); the others cell by cell in the loop
    whole_src: npt.NDArray[np.int64] | None = None
    if n_src and src is not None and n and m:
        first = src[0]
        whole = (src == first).all(axis=0)
        if whole.all():
            whole_src, src = first, None
    for start in range(0, n, rows):
        sl = slice(start, start + rows)
        cell = _float_bits(values[sl])
        if h is not None:
            h.update(cell.astype("<u8", copy=False))  # the bytes _update_floats gives, block by block
        cell *= _ODD[0]
        cell += col_term[None, :]
        cell += row_term[sl, None]
        _mix_inplace(cell)
        cell_project[sl] = cell.sum(axis=1, dtype=np.uint64)
        col_sums = cell.sum(axis=0, dtype=np.uint64)
        cell_indicator += col_sums
        if n_src and src is not None and cell.shape[0]:
            _file_sums(cell_file, src[sl], cell, col_sums)
    if whole_src is not None:
        given = whole_src >= 0
        np.add.at(cell_file, whole_src[given], cell_indicator[given])
    # ratings: mix(bits c0 + indicator c1 + project c2 + group c3 + rater c4 + salt c5) (the _combine of
    # the six, the terms of indicators, projects and group names formed once per id / name)
    r = assessment.ratings
    group_term = None
    codes: np.ndarray | None = None
    if group_codes is None:
        group_codes = _loader_groups(r)
    if group_codes is not None and len(r):
        names = np.asarray(group_codes[0], dtype=np.str_)
        codes = np.asarray(group_codes[1])
        # the same values as fingerprinting every rating's name, when the names present have the same longest
        # length (the only way the set of strings enters a fingerprint: mixing steps past 255 characters)
        if codes.shape == (len(r),) and names.size and int(np.char.str_len(names).max()) < _ODD.size - 1:
            group_term = _str_fingerprints(names) * _ODD[3]  # per name, gathered per block below
    project = np.zeros(n, dtype=np.uint64)
    indicator = np.zeros(m, dtype=np.uint64)
    per_file = np.zeros(n_src, dtype=np.uint64)
    by_file = n_src > 0 and len(r) > 0 and r.file.size == len(r)
    # ratings all from one file (one ratings table): the file's sum is the sum of all (no scatter)
    one_file = int(r.file[0]) if by_file and 0 <= int(r.file[0]) < n_src else None
    if one_file is not None and not bool((r.file == one_file).all()):
        one_file = None
    if group_term is None and len(r):
        group_term = _str_fingerprints(r.group) * _ODD[3]  # few distinct names: fingerprinted once each
        codes = None
    coded = cols.rater_coded
    rater_term: U64 | None = None
    if coded is not None:  # ratings from ppeval.io: one fingerprint per distinct rater id, gathered by code
        units, lens, rater_codes = coded
        rater_term = _units_fingerprints(units, lens) * _ODD[4]
    else:
        units, lens = cols.rater if len(r) else (np.zeros((0, 0), dtype=np.uint32), np.zeros(0, dtype=np.int64))
    rater_width = units.shape[1]
    ind_term = ind_fp * _ODD[1]
    salt = np.array([_SALT_RATING]) * _ODD[5]
    ind_salt = ind_term + salt  # the indicator's term and the salt added in one pass (the same sum mod 2**64)
    for start in range(0, len(r), step):
        sl = slice(start, start + step)
        if rater_term is not None:
            rfp = rater_term.take(rater_codes[sl])
        else:
            rfp = _units_fingerprints(units[sl], lens[sl], rater_width)
            rfp *= _ODD[4]
        bits = _float_bits(r.value[sl])
        bits *= _ODD[0]
        rfp += bits
        rfp += ind_salt.take(r.indicator[sl])
        rfp += row_term.take(r.project[sl])
        rfp += group_term[sl] if codes is None else group_term.take(codes[sl])  # type: ignore[index,union-attr]
        _mix_inplace(rfp)
        np.add.at(project, r.project[sl], rfp)
        np.add.at(indicator, r.indicator[sl], rfp)
        if one_file is not None:
            per_file[one_file:one_file + 1] += rfp.sum(dtype=np.uint64)  # (a slice: wraps mod 2**64)
        elif by_file:
            np.add.at(per_file, r.file[sl].astype(np.int64), rfp)
    del group_term
    info_fp = _info_fingerprints(assessment, pid_fp, cols.info)
    project += cell_project + info_fp
    indicator += cell_indicator

    sources = tuple(assessment.sources)
    files: dict[str, str] = {}
    if sources:
        k = len(sources)
        per = cell_file + per_file
        if 0 <= assessment.info_source < k:
            i = assessment.info_source  # a 1-element slice: array arithmetic wraps mod 2**64 without a warning
            per[i:i + 1] += info_fp.sum(dtype=np.uint64)
        names_ = _source_names(sources)
        merged: dict[str, np.uint64] = {}
        for name, v in zip(names_, per.tolist(), strict=True):
            merged[name] = np.uint64((int(merged.get(name, 0)) + int(v)) % (1 << 64))
        files = {name: f"{int(v):016x}" for name, v in merged.items()}
    return project, indicator, files


def assessment_fingerprints(assessment: Assessment) -> Fingerprints:
    """Per-project, per-indicator and per-file fingerprints of an assessment (row order ignored)."""
    project, indicator, files = fingerprint_arrays(assessment)
    return Fingerprints(
        projects=fingerprint_map(assessment.project_ids, project),
        indicators=fingerprint_map(assessment.indicator_ids, indicator),
        files=files,
    )
