"""Reading a report narrative file (:class:`~ppeval.schema.narrative.Narrative`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ppeval.errors import SchemaError
from ppeval.io._errors import error_from_problems, problems_from_validation
from ppeval.io._read import MAX_SYSTEM_BYTES, load_structured
from ppeval.schema.narrative import Narrative

__all__ = ["load_narrative"]


def load_narrative(path: str | Path) -> Narrative:
    """Load a narrative file (YAML, JSON or TOML) for a report.

    Parameters
    ----------
    path : str or pathlib.Path
        The file: ``evaluation:`` with the parts ``overview``, ``organisation``,
        ``problems``, ``recommendations``, ``other``, and ``projects:`` with
        the same parts per project id.

    Returns
    -------
    Narrative

    Raises
    ------
    InputError
        If the file cannot be read, is too large or has an unknown suffix.
    SchemaError
        If it does not parse or has unknown keys; the message names the file and the key.
    """
    data = load_structured(path, limit=MAX_SYSTEM_BYTES, error=SchemaError)
    try:
        return Narrative.model_validate(data)
    except ValidationError as exc:
        raise error_from_problems(problems_from_validation(exc, data), str(path), what="narrative") from None
