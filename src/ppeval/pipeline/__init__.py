"""The evaluation pipeline: ``evaluate``, ``reproduce`` and the result types.

The analyses (``analyse_sensitivity``, ``analyse_uncertainty``, ``compare``,
``outcome_relations`` and their result types) are imported on first use, so
that ``ppeval evaluate`` does not load the sensitivity machinery (and
``scipy.special``) it does not run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ppeval.pipeline._evaluate import METHODS, MODES, evaluate
from ppeval.pipeline.frozen import data_driven_nodes, freeze_weights, frozen_weights
from ppeval.pipeline.provenance import assessment_hash, config_hash, system_hash
from ppeval.pipeline.reproduction import reproduce
from ppeval.pipeline.result import (
    Diagnostic,
    EvaluationResult,
    NodeWeights,
    Provenance,
    QualitativeSummary,
)
from ppeval.pipeline.scoring import (
    DimensionTotal,
    ScoringRow,
    ScoringSheet,
    rule_points,
    scoring_sheet,
    scoring_sheets,
)
from ppeval.pipeline.validation import validate

if TYPE_CHECKING:  # type checkers see the real names; at run time they load on first access
    from ppeval.pipeline.relations import OutcomeRelations as OutcomeRelations
    from ppeval.pipeline.relations import outcome_relations as outcome_relations
    from ppeval.pipeline.rounds import RoundComparison as RoundComparison
    from ppeval.pipeline.rounds import compare as compare
    from ppeval.pipeline.sensitivity import SensitivityAnalysis as SensitivityAnalysis
    from ppeval.pipeline.sensitivity import analyse_sensitivity as analyse_sensitivity
    from ppeval.pipeline.uncertainty import UncertaintyAnalysis as UncertaintyAnalysis
    from ppeval.pipeline.uncertainty import analyse_uncertainty as analyse_uncertainty
    from ppeval.pipeline.uncertainty import system_decision_rules as system_decision_rules

# name -> module that defines it (imported on first access)
_LAZY = {
    "outcome_relations": "ppeval.pipeline.relations",
    "OutcomeRelations": "ppeval.pipeline.relations",
    "compare": "ppeval.pipeline.rounds",
    "RoundComparison": "ppeval.pipeline.rounds",
    "analyse_sensitivity": "ppeval.pipeline.sensitivity",
    "SensitivityAnalysis": "ppeval.pipeline.sensitivity",
    "analyse_uncertainty": "ppeval.pipeline.uncertainty",
    "UncertaintyAnalysis": "ppeval.pipeline.uncertainty",
    "system_decision_rules": "ppeval.pipeline.uncertainty",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ppeval.pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "evaluate",
    "reproduce",
    "validate",
    "freeze_weights",
    "frozen_weights",
    "data_driven_nodes",
    "analyse_sensitivity",
    "outcome_relations",
    "OutcomeRelations",
    "SensitivityAnalysis",
    "analyse_uncertainty",
    "compare",
    "RoundComparison",
    "UncertaintyAnalysis",
    "system_decision_rules",
    "EvaluationResult",
    "Diagnostic",
    "NodeWeights",
    "Provenance",
    "QualitativeSummary",
    "system_hash",
    "assessment_hash",
    "config_hash",
    "METHODS",
    "MODES",
    "scoring_sheet",
    "scoring_sheets",
    "rule_points",
    "ScoringSheet",
    "ScoringRow",
    "DimensionTotal",
]
