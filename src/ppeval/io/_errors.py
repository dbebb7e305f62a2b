"""Turn pydantic validation errors into readable ppeval errors.

Each pydantic error becomes a :class:`FileProblem`: the dotted path into the
file (``root.children[1].children[0].bounds``; pydantic's union tags removed),
the node or indicator it belongs to (``indicator 'cost_per_user'``) and a
message saying what is wrong and what would be valid. Problems reported by the
schema's own validators carry their sub-paths, so one validator can name
several places. All problems go into one :class:`~ppeval.errors.SchemaError`
(or :class:`~ppeval.errors.DataError`) message, the one ``ppeval validate``
prints; judgments rejected only for their consistency ratio give a
:class:`~ppeval.errors.ConsistencyError`.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ppeval.errors import ConsistencyError, PPEvalError, SchemaError
from ppeval.schema._base import ID_PATTERN, INCONSISTENT_TYPE, PROBLEMS_TYPE

__all__ = ["FileProblem", "problems_from_validation", "error_from_problems", "format_problems", "MAX_LISTED"]

#: Problems listed in one message before "... and N more".
MAX_LISTED = 50

_NODE_TAGS = frozenset({"group", "quantitative", "qualitative"})
_METHOD_TAGS = frozenset(
    {"fixed", "points", "ahp", "entropy", "critic", "equal", "combine", "cv", "g1", "bwm", "fuzzy_ahp"}
)
_RULE_TAGS = frozenset({"proportional", "deduction", "pass_fail", "piecewise", "bands"})
_SCALE_TAGS = frozenset({"likert", "linguistic"})
_MAPPING_FIELDS = frozenset({"weights", "points", "rater_group_weights", "values"})

_MISSING_HINTS = {
    "scale": "a qualitative indicator needs a rating scale "
    "(type: likert with points, or linguistic with terms)",
    "weighting": "an inner node says how its children are weighted "
    "(method: fixed | points | ahp | equal | entropy | critic | combine | ...)",
    "source": "cite the framework or document the system follows",
    "schema_version": "write schema_version: 1",
    "direction": "benefit | cost | target | interval",
    "kind": "quantitative | qualitative",
    "judgments": "give matrix, upper or pairs",
    "experts": "an ahp weighting needs at least one expert's judgments",
    "weights": "a fixed weighting needs {child id: weight} for every child",
    "sources": "a combine weighting needs at least two sources",
}


@dataclass(frozen=True)
class FileProblem:
    """One problem found in a file.

    Attributes
    ----------
    path : str
        Dotted path into the file, e.g. ``root.children[1].bounds`` (may be empty).
    subject : str or None
        The node or indicator concerned, e.g. ``indicator 'cost_per_user'``.
    message : str
        What is wrong and what would be valid.
    kind : str
        ``"schema"``, or ``"consistency"`` for AHP judgments rejected for their CR.
    """

    path: str
    subject: str | None
    message: str
    kind: str = "schema"

    def __str__(self) -> str:
        where = self.path
        if self.subject:
            where = f"{where} ({self.subject})" if where else self.subject
        return f"{where}: {self.message}" if where else self.message


def _known_keys() -> list[str]:
    from ppeval import schema

    keys: set[str] = set()
    for name in schema.__all__:
        obj = getattr(schema, name)
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            keys.update(obj.model_fields)
    return sorted(keys)


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Drop pydantic's discriminated-union tags from an error location."""
    out: list[str | int] = []
    skipped_at = -1  # a union tag was dropped after out[:skipped_at]; the next part is a field, not a tag
    for part in loc:
        tags: frozenset[str] = frozenset()
        if out and isinstance(out[-1], int) and len(out) >= 2 and out[-2] == "children":
            tags = _NODE_TAGS
        elif out and out[-1] == "weighting":
            tags = _METHOD_TAGS
        elif out and isinstance(out[-1], int) and len(out) >= 2 and out[-2] == "sources":
            tags = _METHOD_TAGS
        elif out and out[-1] == "scale":
            tags = _SCALE_TAGS
        elif out and out[-1] == "scoring":
            tags = _RULE_TAGS
        if isinstance(part, str) and part in tags and skipped_at != len(out):
            skipped_at = len(out)  # (method: points has a field named points)
            continue
        if part == "[key]":
            continue
        out.append(part)
    return tuple(out)


def _format_path(path: Sequence[str | int]) -> str:
    out = ""
    prev: str | int | None = None
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif prev in _MAPPING_FIELDS:
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else part
        prev = part
    return out


def _subject(data: Any, path: Sequence[str | int]) -> str | None:
    """The deepest node (root or children[i]) on ``path`` in the raw data.

    Returned as ``node 'id'`` or ``indicator 'id'``.
    """
    subject: str | None = None
    cur = data
    prev: str | int | None = None
    for k, part in enumerate(path):
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            break
        is_node = (k == 0 and part == "root") or (isinstance(part, int) and prev == "children")
        if is_node and isinstance(cur, dict) and isinstance(cur.get("id"), str):
            word = "node" if "children" in cur else "indicator"
            subject = f"{word} {cur['id']!r}"
        prev = part
    return subject


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: Any, path: tuple[str | int, ...], known: list[str]) -> str:
    etype: str = err["type"]
    msg: str = err["msg"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    last = path[-1] if path else None
    if etype == "missing":
        hint = _MISSING_HINTS.get(str(last))
        return f"required key {last!r} is missing" + (f"; {hint}" if hint else "")
    if etype == "extra_forbidden":
        close = [] if last in known else difflib.get_close_matches(str(last), known, n=1)
        text = f"unknown key {last!r}"
        if close:
            text += f"; did you mean {close[0]!r}?"
        if last == "kind":
            text += " (a node with children is an inner node; a leaf has kind and no children)"
        return text
    if etype == "union_tag_invalid":
        expected = ctx.get("expected_tags", "")
        key = str(ctx.get("discriminator", "tag")).strip("'")
        return f"{key} {ctx.get('tag')!r} is not valid; expected one of {expected}"
    if etype == "union_tag_not_found":
        return f"required key '{str(ctx.get('discriminator', '')).strip(chr(39))}' is missing"
    if etype == "ppeval_node" and isinstance(value, dict) and "kind" in value:
        return f"kind {value['kind']!r} is not valid; expected 'quantitative' or 'qualitative'"
    if etype == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return (
            f"{_shown(value)} is not a valid id; ids use lower-case letters, digits, Chinese "
            "(CJK) characters, '_', '.' and '-' and start with a letter, digit or CJK character"
        )
    if etype == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f"expected text, got the number {value!r}; quote it in the file (YAML reads 1.10 as the "
            "number 1.1; write \"1.10\")"
        )
    if etype.startswith("ppeval") or isinstance(value, dict | list | tuple):
        return msg
    return f"{msg} (got {_shown(value)})"


def problems_from_validation(exc: ValidationError, data: Any) -> list[FileProblem]:
    """Convert a pydantic :class:`~pydantic.ValidationError` into :class:`FileProblem` entries.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error raised by ``model_validate(data)``.
    data : Any
        The raw data that was validated (used to name the node or indicator).
    """
    known = _known_keys()
    out: list[FileProblem] = []
    for err in exc.errors(include_url=False):
        base = _clean_loc(err["loc"])
        etype = err["type"]
        if etype in (PROBLEMS_TYPE, INCONSISTENT_TYPE):
            kind = "consistency" if etype == INCONSISTENT_TYPE else "schema"
            for sub, msg in err["ctx"]["problems"]:
                full = (*base, *sub)
                out.append(FileProblem(_format_path(full), _subject(data, full), msg, kind))
            continue
        out.append(FileProblem(_format_path(base), _subject(data, base), _message(err, base, known)))
    return out


def format_problems(problems: Sequence[FileProblem], header: str) -> str:
    """One message: ``header`` and one indented line per problem (at most :data:`MAX_LISTED`)."""
    lines = [f"{header} ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
    lines += [f"  - {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
    return "\n".join(lines)


def error_from_problems(
    problems: Sequence[FileProblem], source: str, *, what: str = "indicator system",
    error: type[PPEvalError] = SchemaError,
) -> PPEvalError:
    """Build the error for a file's problems.

    Only consistency problems (AHP judgments above the CR threshold under
    ``cr_policy: reject``): :class:`ConsistencyError`; otherwise ``error``.
    """
    if problems and all(p.kind == "consistency" for p in problems):
        header = f"{source}: AHP judgments rejected by cr_policy reject"
        return ConsistencyError(format_problems(problems, header))
    return error(format_problems(problems, f"{source}: invalid {what}"))
