"""A small TOML writer for indicator-system dictionaries (the standard library only reads TOML).

Covers what :func:`ppeval.io.system_to_dict` produces: tables, arrays of
tables (nested arrays of tables use dotted headers that refer to the latest
element, as TOML 1.0 specifies), inline tables for small dicts of scalars,
arrays of scalars (mixed types allowed by TOML 1.0), strings, booleans,
integers and finite floats. ``None`` inside an array (a missing AHP judgment)
is written as the string ``"?"``, which the schema reads as missing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from ppeval.errors import InputError
from ppeval.schema._base import MISSING_JUDGMENT

__all__ = ["dumps"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else _string(key)


def _string(s: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL.
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _scalar(v: Any) -> str:
    if v is None:
        return _string(MISSING_JUDGMENT)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise InputError(f"cannot write the non-finite number {v!r} to TOML")
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(x)}" for k, x in v.items()) + " }"
    raise InputError(f"cannot write a {type(v).__name__} to TOML")


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list | tuple) and len(v) > 0 and all(isinstance(x, Mapping) for x in v)


def _is_inline(v: Mapping[str, Any]) -> bool:
    return all(not isinstance(x, Mapping) and not _is_table_array(x) for x in v.values())


def _emit(table: Mapping[str, Any], prefix: tuple[str, ...], lines: list[str]) -> None:
    nested: list[tuple[str, Any]] = []
    for k, v in table.items():
        if v is None:
            continue
        if (isinstance(v, Mapping) and not _is_inline(v)) or _is_table_array(v):
            nested.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_scalar(v)}")
    for k, v in nested:
        header = ".".join(_key(p) for p in (*prefix, k))
        if isinstance(v, Mapping):
            lines += ["", f"[{header}]"]
            _emit(v, (*prefix, k), lines)
        else:
            for item in v:
                lines += ["", f"[[{header}]]"]
                _emit(item, (*prefix, k), lines)


def dumps(data: Mapping[str, Any]) -> str:
    """Return ``data`` as TOML text.

    Examples
    --------
    >>> print(dumps({"id": "x", "bounds": {"worst": 0, "best": 1.5}, "items": [{"a": 1}, {"a": 2}]}))
    id = "x"
    bounds = { worst = 0, best = 1.5 }
    <BLANKLINE>
    [[items]]
    a = 1
    <BLANKLINE>
    [[items]]
    a = 2
    <BLANKLINE>
    """
    lines: list[str] = []
    _emit(data, (), lines)
    return "\n".join(lines).lstrip("\n") + "\n"
