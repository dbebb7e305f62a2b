"""Exception hierarchy of ppeval.

Every error raised on purpose by ppeval is a subclass of :class:`PPEvalError`,
which is itself a :class:`ValueError`, so callers can catch one class. Messages
name what is wrong, where (argument and index, indicator id, file and row) and
what would be valid.
"""

from __future__ import annotations

import re
from typing import Any

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


#: numpy 2 scalar reprs (``np.float64(2.0)``, ``np.int64(3)``, ``np.True_``, ``np.str_('a')``).
_NUMPY_REPR = re.compile(r"np\.(?:float|int|uint|complex|longdouble|bool)\d*_?\(([^()]*)\)|np\.(True|False)_")
_NUMPY_STR = re.compile(r"np\.str_\(('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\)")


def _plain(message: str) -> str:
    """``message`` with numpy scalar reprs written as plain numbers and strings (``np.float64(2.0)`` -> ``2.0``)."""
    if "np." not in message:
        return message
    message = _NUMPY_STR.sub(r"\1", message)
    return _NUMPY_REPR.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), message)


class PPEvalError(ValueError):
    """Root of every error raised by ppeval.

    A message that shows a value given as a numpy scalar shows it as a plain
    number or string (``2.0``, not ``np.float64(2.0)``).
    """

    def __init__(self, *args: Any) -> None:
        if args and isinstance(args[0], str):
            args = (_plain(args[0]), *args[1:])
        super().__init__(*args)


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
