"""ppeval: multi-criteria performance evaluation of publicly purchased services.

Indicator systems as validated data, AHP / entropy / CRITIC weights, TOPSIS,
WSM, VIKOR and fuzzy comprehensive evaluation, reproducible results with
provenance, and sensitivity analysis.

``import ppeval`` loads numpy (and, on first use of the pipeline names, scipy
and pydantic); plotting, the CLI and optional engines are imported only where
they are used. The top-level names below are resolved lazily.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import errors
from .errors import (
    ConsistencyError,
    DataError,
    DegenerateError,
    InputError,
    PPEvalError,
    ReproducibilityError,
    SchemaError,
)

__version__ = "0.1.0"

if TYPE_CHECKING:  # type checkers see the real signatures; at run time the names load lazily
    from ppeval.io import dump_system as dump_system
    from ppeval.io import load_assessment as load_assessment
    from ppeval.io import load_system as load_system
    from ppeval.pipeline import EvaluationResult as EvaluationResult
    from ppeval.pipeline import SensitivityAnalysis as SensitivityAnalysis
    from ppeval.pipeline import analyse_sensitivity as analyse_sensitivity
    from ppeval.pipeline import evaluate as evaluate
    from ppeval.pipeline import reproduce as reproduce
    from ppeval.pipeline import validate as validate
    from ppeval.schema import Assessment as Assessment
    from ppeval.schema import IndicatorSystem as IndicatorSystem

# name -> module that defines it (imported on first access)
_LAZY = {
    "load_system": "ppeval.io",
    "dump_system": "ppeval.io",
    "load_assessment": "ppeval.io",
    "IndicatorSystem": "ppeval.schema",
    "Assessment": "ppeval.schema",
    "evaluate": "ppeval.pipeline",
    "reproduce": "ppeval.pipeline",
    "validate": "ppeval.pipeline",
    "EvaluationResult": "ppeval.pipeline",
    "analyse_sensitivity": "ppeval.pipeline",
    "SensitivityAnalysis": "ppeval.pipeline",
    "analyse_uncertainty": "ppeval.pipeline",
    "compare": "ppeval.pipeline",
    "RoundComparison": "ppeval.pipeline",
    "UncertaintyAnalysis": "ppeval.pipeline",
    "scoring_sheet": "ppeval.pipeline",
    "ScoringSheet": "ppeval.pipeline",
}

__all__ = [
    "__version__",
    "errors",
    "PPEvalError",
    "InputError",
    "SchemaError",
    "DataError",
    "ConsistencyError",
    "DegenerateError",
    "ReproducibilityError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ppeval' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
