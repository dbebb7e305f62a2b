"""Indicator-system files: load (YAML, JSON, TOML), validate, dump."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from ppeval.errors import InputError, SchemaError
from ppeval.io import _toml
from ppeval.io._errors import FileProblem, error_from_problems, problems_from_validation
from ppeval.io._read import MAX_SYSTEM_BYTES, STRUCTURED_SUFFIXES, load_structured
from ppeval.schema import IndicatorSystem

__all__ = [
    "load_system",
    "system_from_dict",
    "system_problems",
    "system_to_dict",
    "dump_system",
    "dumps_system",
]

Format = Literal["yaml", "json", "toml"]


def _validate(data: Any, source: str) -> tuple[IndicatorSystem | None, list[FileProblem]]:
    if not isinstance(data, Mapping):
        what = type(data).__name__
        return None, [FileProblem("", None, f"the top level must be a mapping of keys, not {what}")]
    try:
        return IndicatorSystem.model_validate(data), []
    except ValidationError as exc:
        problems = problems_from_validation(exc, data)
    # Tree-wide rules run in the model only once every node is valid; report duplicated ids
    # now too, so one message lists every problem.
    seen = {p.path for p in problems}
    problems += [p for p in _raw_duplicate_ids(data) if p.path not in seen]
    return None, problems


def _raw_duplicate_ids(data: Mapping[str, Any]) -> list[FileProblem]:
    """Duplicated node ids in unvalidated data (same wording as the model's check)."""
    out: list[FileProblem] = []
    first: dict[str, str] = {}
    stack: list[tuple[Any, str]] = [(data.get("root"), "root")]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, Mapping):
            continue
        node_id = node.get("id")
        if isinstance(node_id, str):
            if node_id in first:
                word = "node" if "children" in node else "indicator"
                out.append(FileProblem(
                    f"{path}.id", f"{word} {node_id!r}",
                    f"id {node_id!r} is already used at {first[node_id]}; ids must be unique in the whole system",
                ))
            else:
                first[node_id] = path
        children = node.get("children")
        if isinstance(children, list):
            stack.extend((c, f"{path}.children[{i}]") for i, c in reversed(list(enumerate(children))))
    return out


def system_from_dict(data: Any, *, source: str = "<dict>") -> IndicatorSystem:
    """Validate parsed data (e.g. from YAML) as an :class:`~ppeval.schema.IndicatorSystem`.

    Parameters
    ----------
    data : mapping
        The system as nested dicts and lists.
    source : str
        Name used in error messages (a file name).

    Returns
    -------
    IndicatorSystem

    Raises
    ------
    SchemaError
        Listing every problem with its dotted path and node/indicator id.
    ConsistencyError
        If the only problems are AHP judgments whose CR exceeds the threshold
        of a node with ``cr_policy: reject`` (naming node and expert).
    """
    system, problems = _validate(data, source)
    if system is None:
        raise error_from_problems(problems, source)
    return system


def load_system(path: str | Path) -> IndicatorSystem:
    """Load an indicator system from a YAML (``.yaml``/``.yml``), JSON, TOML or Excel (``.xlsx``) file.

    A workbook has the sheets ``system``, ``indicators`` and optionally
    ``grades`` and ``judgments`` (AHP pairwise judgments); see
    :doc:`/how-to/excel` for the layout.

    The file is read as UTF-8 (at most :data:`~ppeval.io._read.MAX_SYSTEM_BYTES`
    bytes), parsed safely (``yaml`` safe loader rejecting duplicate keys;
    ``tomllib``) and validated.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    IndicatorSystem

    Raises
    ------
    InputError
        If the file cannot be read, is too large or has an unknown suffix.
    SchemaError
        If it does not parse or is not a valid system; the message names the
        file and lists every problem as ``dotted.path (node 'id'): message``.
    ConsistencyError
        If AHP judgments under ``cr_policy: reject`` are too inconsistent.

    Examples
    --------
    >>> from ppeval.io import system_path
    >>> system = load_system(system_path("community-4stage"))
    >>> system.stages
    ('proposal', 'approval', 'implementation', 'effect')
    """
    source = str(path)
    from ppeval.io._excel import EXCEL_SUFFIXES

    if Path(path).suffix.lower() in EXCEL_SUFFIXES:
        from ppeval.io._excel_system import load_system_workbook

        return load_system_workbook(path)
    data = load_structured(path, limit=MAX_SYSTEM_BYTES, error=SchemaError)
    return system_from_dict(data, source=source)


def system_problems(path: str | Path) -> tuple[FileProblem, ...]:
    """Every problem of a system file, without raising for an invalid system (empty when valid).

    Read and parse errors (unreadable file, invalid YAML) are reported as one
    problem. Consistency problems under ``cr_policy: reject`` have ``kind == "consistency"``.
    """
    from ppeval.io._excel import EXCEL_SUFFIXES

    try:
        if Path(path).suffix.lower() in EXCEL_SUFFIXES:
            from ppeval.io._excel_system import system_dict_from_workbook

            data = system_dict_from_workbook(path)[0]
        else:
            data = load_structured(path, limit=MAX_SYSTEM_BYTES, error=SchemaError)
    except (SchemaError, InputError) as exc:
        return (FileProblem("", None, str(exc)),)
    return tuple(_validate(data, str(path))[1])


def system_to_dict(system: IndicatorSystem) -> dict[str, Any]:
    """The system as plain JSON-compatible data (``None`` fields left out).

    The inverse of :func:`system_from_dict`.
    """
    if not isinstance(system, IndicatorSystem):
        raise InputError(f"system must be an IndicatorSystem; got {type(system).__name__}")
    data: dict[str, Any] = system.model_dump(mode="json", exclude_none=True)
    return data


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".json", ".toml"):
        return "json" if suffix == ".json" else "toml"
    raise InputError(
        f"{path}: unknown file type {suffix!r}; expected one of {', '.join(STRUCTURED_SUFFIXES)}"
    )


def dumps_system(system: IndicatorSystem, format: Format = "yaml") -> str:
    """The system as YAML, JSON or TOML text (loading it again gives an equal system).

    Examples
    --------
    >>> from ppeval.schema import IndicatorSystem
    >>> s = IndicatorSystem.model_validate({"schema_version": 1, "id": "t", "name": "T", "version": "1",
    ...     "source": "x", "root": {"id": "r", "name": "R", "weighting": {"method": "equal"},
    ...     "children": [{"id": "a", "name": "A", "kind": "quantitative", "direction": "benefit"}]}})
    >>> system_from_dict(json.loads(dumps_system(s, "json"))) == s
    True
    """
    data = system_to_dict(system)
    if format == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format == "toml":
        return _toml.dumps(data)
    raise InputError(f"format is {format!r}; valid values are 'yaml', 'json', 'toml'")


def dump_system(system: IndicatorSystem, path: str | Path) -> Path:
    """Write the system to ``path`` as YAML, JSON or TOML (by suffix), UTF-8; return the path."""
    p = Path(path)
    text = dumps_system(system, _format_of(p))
    p.write_text(text, encoding="utf-8")
    return p
