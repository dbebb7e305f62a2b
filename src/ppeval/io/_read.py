"""Safe reading of system and assessment files.

Every file is read as explicit UTF-8 (a leading byte-order mark is dropped, as
spreadsheet programs write one), after a size check. YAML is parsed with a
safe loader that also rejects duplicate keys (PyYAML would silently keep the
last one); JSON duplicate keys are rejected too; TOML by the standard library.
A bound on the number of nodes in the parsed structure stops YAML alias bombs.
Problems in a file's text raise the caller's error class (:class:`SchemaError`
for systems, :class:`DataError` for assessments) naming the file, line and column.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from ppeval.errors import InputError, PPEvalError

__all__ = [
    "MAX_SYSTEM_BYTES",
    "MAX_DATA_BYTES",
    "MAX_NODES",
    "MAX_DEPTH",
    "STRUCTURED_SUFFIXES",
    "read_text",
    "parse_structured",
    "load_structured",
]

#: Largest indicator-system file read (bytes).
MAX_SYSTEM_BYTES = 8 * 2**20
#: Largest assessment file read (bytes).
MAX_DATA_BYTES = 1024 * 2**20
#: Largest number of values (containers and scalars) in a parsed structured file.
MAX_NODES = 5_000_000
#: Deepest nesting of mappings and lists in a parsed structured file (an indicator tree ten levels
#: deep needs about 30); deeper files are rejected before they can exhaust Python's recursion limit.
MAX_DEPTH = 100
#: Suffixes of structured (YAML/JSON/TOML) files.
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json", ".toml")

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loader that rejects duplicate keys in a mapping (merge keys ``<<`` excepted)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r} (first at line {seen[key].line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def read_text(path: str | Path, *, limit: int, error: type[PPEvalError]) -> str:
    """Read a UTF-8 text file of at most ``limit`` bytes.

    Raises
    ------
    InputError
        If the file does not exist, cannot be read or is larger than ``limit``.
    error
        (the caller's class) If the bytes are not valid UTF-8; the message
        names the line and column.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    if not p.is_file():
        raise InputError(f"{p} is not a file")
    if size > limit:
        raise InputError(f"{p} is {size:,} bytes; files over {limit:,} bytes are not read")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise error(
            f"{p}: line {line}, column {col}: byte 0x{raw[exc.start]:02x} is not valid UTF-8; "
            "save the file as UTF-8"
        ) from None


def _count_nodes(obj: Any, limit: int) -> tuple[int, int]:
    """Count values in a parsed structure (shared YAML aliases counted each time), up to ``limit``.

    Returns ``(count, depth)``: the number of values and the deepest nesting of containers.
    """
    count = 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > limit:
            return count, deepest
        if isinstance(item, dict | list | tuple):
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > MAX_DEPTH:
                    return count, deepest
            values = item.values() if isinstance(item, dict) else item
            stack.extend((v, depth) for v in values)
    return count, deepest


def parse_structured(text: str, suffix: str, source: str, *, error: type[PPEvalError]) -> Any:
    """Parse YAML, JSON or TOML text (by file suffix) into Python data.

    Raises
    ------
    InputError
        If the suffix is not one of ``.yaml``, ``.yml``, ``.json``, ``.toml``.
    error
        (the caller's class) If the text does not parse, has duplicate keys,
        expands to more than :data:`MAX_NODES` values or is nested more than
        :data:`MAX_DEPTH` levels deep.
    """
    suffix = suffix.lower()
    too_deep = f"{source}: nested more than {MAX_DEPTH} levels deep (mappings and lists); ppeval reads files " \
        f"nested up to {MAX_DEPTH} levels"
    try:
        data = _parse(text, suffix, source, error)
    except RecursionError:
        raise error(too_deep) from None
    count, depth = _count_nodes(data, MAX_NODES)
    if count > MAX_NODES:
        raise error(f"{source}: the parsed file has more than {MAX_NODES:,} values (YAML aliases expanded)")
    if depth > MAX_DEPTH:
        raise error(too_deep)
    return data


def _parse(text: str, suffix: str, source: str, error: type[PPEvalError]) -> Any:
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
            what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
            raise error(f"{source}: {where}invalid YAML: {what}") from None
        except yaml.YAMLError as exc:
            raise error(f"{source}: invalid YAML: {exc}") from None
    elif suffix == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except _DuplicateKey as exc:
            raise error(f"{source}: invalid JSON: duplicate key {exc.args[0]!r} in an object") from None
        except json.JSONDecodeError as exc:
            raise error(f"{source}: line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}") from None
    elif suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise error(f"{source}: invalid TOML: {exc}") from None
    else:
        raise InputError(
            f"{source}: unknown file type {suffix!r}; expected one of {', '.join(STRUCTURED_SUFFIXES)}"
        )
    return data


def load_structured(path: str | Path, *, limit: int, error: type[PPEvalError]) -> Any:
    """Read and parse a YAML/JSON/TOML file (see :func:`read_text` and :func:`parse_structured`)."""
    p = Path(path)
    if p.suffix.lower() not in STRUCTURED_SUFFIXES:
        raise InputError(
            f"{p}: unknown file type {p.suffix!r}; expected one of {', '.join(STRUCTURED_SUFFIXES)}"
        )
    return parse_structured(read_text(p, limit=limit, error=error), p.suffix, str(p), error=error)
