"""Shared building blocks of the schema models.

:class:`FrozenModel` is the base of every schema model: instances are
immutable and unknown keys are errors (a misspelt key in a YAML file is
reported, not silently ignored). The ``Annotated`` types below carry the
constraints shared by several models (identifiers, finite numbers, AHP
judgment values) so each rule is written once.

Problems found by a model-level validator are raised as one
:class:`pydantic_core.PydanticCustomError` of type :data:`PROBLEMS_TYPE` whose
context holds every problem as ``(sub-path, message)``; :mod:`ppeval.io`
turns those into one :class:`~ppeval.errors.SchemaError` message that names
the full dotted path in the file and the node or indicator id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "FrozenModel",
    "Id",
    "Text",
    "Finite",
    "NonNegative",
    "Judgment",
    "OptionalJudgment",
    "Problem",
    "PROBLEMS_TYPE",
    "INCONSISTENT_TYPE",
    "raise_problems",
    "parse_judgment",
    "min_items",
    "format_subpath",
    "ID_PATTERN",
    "LANG_PATTERN",
    "MISSING_JUDGMENT",
    "Names",
    "localized",
]

#: CJK letters allowed in ids: Hiragana and Katakana, CJK Unified Ideographs (with extension A),
#: Hangul syllables, CJK compatibility ideographs (an evaluator's column headers are often Chinese).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
#: Pattern of every id in an indicator system (system, nodes, indicators): lower-case ASCII letters,
#: digits and CJK characters, then also ``_``, ``.`` and ``-``.
ID_PATTERN = f"^[a-z0-9{_CJK}][a-z0-9_.{_CJK}-]*$"
#: Pattern of a language code in a ``names`` or ``labels`` mapping (``zh``, ``en``, ``zh_Hant``).
LANG_PATTERN = r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$"
#: Error type of a model-level validator reporting one or more problems.
PROBLEMS_TYPE = "ppeval_problems"
#: Error type of AHP judgments above the CR threshold under the ``reject`` policy.
INCONSISTENT_TYPE = "ppeval_inconsistent"
#: String that marks a missing judgment where ``null`` is not available (TOML).
MISSING_JUDGMENT = "?"

#: A problem found by a validator: (path relative to the validated model, message).
Problem = tuple[tuple[str | int, ...], str]


def _short_description(schema: dict[str, Any], model: type[Any]) -> None:
    """Keep only the first paragraph of a model's docstring as its JSON Schema description."""
    text = schema.get("description")
    if isinstance(text, str):
        schema["description"] = " ".join(text.split("\n\n")[0].split())


class FrozenModel(BaseModel):
    """Base of every schema model: frozen, unknown keys forbidden."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_short_description)

    def __hash__(self) -> int:
        # pydantic's default hashes the field values, which fails on dict fields (fixed weights);
        # the canonical JSON is hashable and equal models give equal JSON.
        return hash((type(self).__qualname__, self.model_dump_json()))


def _no_bool(value: Any) -> Any:
    # YAML 1.1 reads ``yes``/``no``/``on``/``off`` as booleans; pydantic would turn them into 1.0/0.0.
    if isinstance(value, bool):
        raise PydanticCustomError(
            "ppeval_bool", "{message}", {"message": f"expected a number, got the boolean {value}"}
        )
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
"""An identifier: lower-case letters, digits, CJK characters, ``_``, ``.``, ``-``; starts with a letter, digit or CJK
character."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
"""A non-empty free text (surrounding white space removed)."""

LangCode = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
"""A language code: ``zh``, ``en``, ``zh_Hant``."""

Names = dict[LangCode, Text]
"""A text per language, e.g. ``{zh: 服务满意度, en: Service satisfaction}``."""


def localized(default: str, names: dict[str, str] | None, lang: str | None) -> str:
    """The text for ``lang`` from ``names``, else ``default`` (the file's ``name`` or ``label``).

    A regional code falls back to its language (``zh_CN`` uses ``zh``).

    Examples
    --------
    >>> localized("Satisfaction", {"zh": "满意度"}, "zh"), localized("Satisfaction", {"zh": "满意度"}, "en")
    ('满意度', 'Satisfaction')
    """
    if not names or lang is None:
        return default
    if lang in names:
        return names[lang]
    return names.get(lang.split("_")[0], default)

Finite = Annotated[float, BeforeValidator(_no_bool), Field(allow_inf_nan=False)]
"""A finite number (booleans rejected)."""

NonNegative = Annotated[float, BeforeValidator(_no_bool), Field(allow_inf_nan=False, ge=0)]
"""A finite number >= 0."""

_NUMBER = r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
_RATIO = re.compile(rf"^\s*{_NUMBER}\s*(?:/\s*{_NUMBER}\s*)?$")


def parse_judgment(value: Any) -> float:
    """Return a pairwise judgment as a positive finite float.

    Accepts numbers and strings holding a number or a ratio ``"a/b"`` (for
    example ``"1/3"``). Strings are parsed with a regular expression and
    :class:`float`, never evaluated.

    Parameters
    ----------
    value : Any
        The judgment as read from a file.

    Returns
    -------
    float
        The judgment ``a`` or ``a / b``.

    Raises
    ------
    pydantic_core.PydanticCustomError
        If ``value`` is not a number or ratio string, or is not positive and finite.

    Examples
    --------
    >>> parse_judgment("1/4"), parse_judgment(3), parse_judgment(" 2.5 ")
    (0.25, 3.0, 2.5)
    """
    if isinstance(value, bool):
        raise PydanticCustomError(
            "ppeval_judgment", "{message}",
            {"message": f"judgment is the boolean {value}; expected a positive number or 'a/b'"},
        )
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        match = _RATIO.match(value)
        if match is None:
            raise PydanticCustomError(
                "ppeval_judgment", "{message}",
                {"message": f"judgment {value!r} is not a number or a ratio 'a/b' (e.g. 3, 0.5, '1/3')"},
            )
        num, den = match.group(1), match.group(2)
        number = float(num)
        if den is not None:
            d = float(den)
            if d == 0:
                raise PydanticCustomError(
                    "ppeval_judgment", "{message}", {"message": f"judgment {value!r} divides by zero"}
                )
            number /= d
    else:
        raise PydanticCustomError(
            "ppeval_judgment", "{message}",
            {"message": f"judgment {value!r} is not a number or a ratio 'a/b' (e.g. 3, 0.5, '1/3')"},
        )
    if not math.isfinite(number) or number <= 0:
        raise PydanticCustomError(
            "ppeval_judgment", "{message}",
            {"message": f"judgment {value!r} is not positive and finite; judgments are ratios > 0 "
             "(Saaty's 1/9 .. 9)"},
        )
    return number


def min_items(n: int, what: str) -> Any:
    """An ``Annotated`` marker: at least ``n`` items (``what`` names them in the message).

    Unlike ``Field(min_length=n)``, the check runs only when every item is
    valid, so an invalid item is not also reported as a too-short sequence.
    The JSON Schema keeps ``minItems``.
    """

    def check(value: Any) -> Any:
        if len(value) < n:
            raise PydanticCustomError(
                "ppeval_too_short", "{message}", {"message": f"needs at least {n} {what}; got {len(value)}"}
            )
        return value

    return (AfterValidator(check), Field(json_schema_extra={"minItems": n}))


def _parse_optional_judgment(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() == MISSING_JUDGMENT):
        return None
    return parse_judgment(value)


_JUDGMENT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9.eE+-]+\s*(/\s*[0-9.eE+-]+\s*)?$"},
    ],
    "description": "a positive judgment: a number or a ratio string such as '1/3'",
}

Judgment = Annotated[
    float, BeforeValidator(parse_judgment), WithJsonSchema(_JUDGMENT_SCHEMA, mode="validation")
]
"""A positive pairwise judgment; numbers or ratio strings like ``"1/3"``."""

OptionalJudgment = Annotated[
    float | None,
    BeforeValidator(_parse_optional_judgment),
    WithJsonSchema(
        {
            "anyOf": [
                *_JUDGMENT_SCHEMA["anyOf"],
                {"type": "null"},
                {"const": MISSING_JUDGMENT},
            ],
            "description": "a positive judgment ('1/3' strings allowed), or null / '?' for a missing one",
        },
        mode="validation",
    ),
]
"""A pairwise judgment or ``None`` (``null`` or ``"?"`` in a file) for a missing one."""


def raise_problems(problems: Sequence[Problem], *, error_type: str = PROBLEMS_TYPE) -> None:
    """Raise every problem at once as one pydantic custom error (no-op when empty).

    The message lists each problem as ``path: message``; the context keeps
    them structured under ``"problems"`` for :mod:`ppeval.io`.
    """
    if not problems:
        return
    lines = [f"{format_subpath(path)}: {msg}" if path else msg for path, msg in problems]
    raise PydanticCustomError(
        error_type,
        "{message}",
        {"message": "; ".join(lines), "problems": [(tuple(path), msg) for path, msg in problems]},
    )


def format_subpath(path: Sequence[str | int]) -> str:
    """Format a path such as ``("children", 1, "bounds")`` as ``children[1].bounds``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
