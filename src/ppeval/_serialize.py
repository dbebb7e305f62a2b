"""Canonical, exact JSON for results and hashes.

* Keys sorted, no insignificant whitespace, UTF-8, ``ensure_ascii=False``.
* Floats written with Python's shortest round-trip ``repr`` (IEEE 754 double,
  identical on every platform), ``-0.0`` written as ``0.0``; integers as
  integers; ``nan`` and ``inf`` are refused (ppeval never stores them).
* numpy scalars and arrays become Python numbers and nested lists.

So a result written by :func:`dumps` and read back by :func:`json.loads`
gives the same numbers bit for bit, and the SHA-256 of :func:`dumps` of the
same content is the same whatever the dict order, file format or platform.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from enum import Enum
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["to_jsonable", "dumps", "sha256_hex", "array_digest"]


def _float(x: float, where: str) -> float:
    if not math.isfinite(x):
        raise InputError(f"{where} is {x}; only finite numbers can be serialised")
    return 0.0 if x == 0.0 else x


def to_jsonable(obj: Any, where: str = "value") -> Any:
    """Return ``obj`` as plain JSON types (dict, list, str, int, float, bool, None)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _float(float(obj), where)
    if isinstance(obj, Enum):
        return to_jsonable(obj.value, where)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            bad = ~np.isfinite(obj)
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                raise InputError(f"{where}{list(idx)} is {obj[idx]}; only finite numbers can be serialised")
            return (obj + 0.0).tolist()  # + 0.0 turns -0.0 into 0.0
        return obj.tolist()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_jsonable(getattr(obj, f.name), f"{where}.{f.name}") for f in dataclasses.fields(obj)
        }
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v, f"{where}[{k!r}]") for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    if hasattr(obj, "model_dump"):
        return to_jsonable(obj.model_dump(mode="json"), where)
    raise InputError(f"{where} of type {type(obj).__name__} cannot be serialised to JSON")


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Canonical JSON text of ``obj`` (sorted keys, exact floats, no nan)."""
    return json.dumps(
        to_jsonable(obj),
        sort_keys=True,
        ensure_ascii=False,
        allow_nan=False,
        indent=indent,
        separators=(",", ":") if indent is None else (",", ": "),
    )


def sha256_hex(obj: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``obj``."""
    return hashlib.sha256(dumps(obj).encode("utf-8")).hexdigest()


def array_digest(*arrays: np.ndarray) -> str:
    """SHA-256 (hex) of arrays in a platform-independent byte form.

    Floats are hashed as little-endian float64 with every nan mapped to one bit
    pattern and ``-0.0`` to ``0.0``; the shape and dtype kind are hashed too.
    Strings are hashed as UTF-8 joined by NUL.
    """
    h = hashlib.sha256()
    for arr in arrays:
        a = np.asarray(arr)
        h.update(f"{a.dtype.kind}{a.shape}".encode())
        if a.dtype.kind in "fiub":
            f = a.astype("<f8") + 0.0
            f[np.isnan(f)] = np.nan  # canonical nan
            h.update(np.ascontiguousarray(f).tobytes())
        else:
            h.update("\0".join(str(x) for x in a.ravel()).encode("utf-8"))
    return h.hexdigest()
