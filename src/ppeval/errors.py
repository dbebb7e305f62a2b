"""Exception hierarchy of ppeval.

Every error raised on purpose by ppeval is a subclass of :class:`PPEvalError`,
which is itself a :class:`ValueError`, so callers can catch one class. Messages
name what is wrong, where (argument and index, indicator id, file and row) and
what would be valid.
"""

from __future__ import annotations

__all__ = [
    "PPEvalError",
    "InputError",
    "SchemaError",
    "DataError",
    "ConsistencyError",
    "DegenerateError",
    "ReproducibilityError",
    "PPEvalWarning",
]


class PPEvalError(ValueError):
    """Root of every error raised by ppeval."""


class InputError(PPEvalError):
    """An array or argument passed to a function is invalid (shape, value, option)."""


class SchemaError(PPEvalError):
    """An indicator system (file or model) is invalid."""


class DataError(PPEvalError):
    """An assessment (measured values, ratings, metadata) is invalid."""


class ConsistencyError(PPEvalError):
    """AHP judgments are more inconsistent than the caller allows."""


class DegenerateError(PPEvalError):
    """The result is undefined for this input (e.g. all alternatives identical)."""


class ReproducibilityError(PPEvalError):
    """A stored result does not match a recomputation from its inputs."""


class PPEvalWarning(UserWarning):
    """A legal but questionable input or result (e.g. CR above 0.1 under a warn policy)."""
