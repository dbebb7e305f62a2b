"""The evaluation pipeline: ``evaluate``, ``reproduce`` and the result types."""

from __future__ import annotations

from ppeval.pipeline._evaluate import METHODS, MODES, evaluate
from ppeval.pipeline.compare import RoundComparison, compare
from ppeval.pipeline.frozen import data_driven_nodes, freeze_weights, frozen_weights
from ppeval.pipeline.provenance import assessment_hash, config_hash, system_hash
from ppeval.pipeline.relations import OutcomeRelations, outcome_relations
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
from ppeval.pipeline.sensitivity import SensitivityAnalysis, analyse_sensitivity
from ppeval.pipeline.uncertainty import UncertaintyAnalysis, analyse_uncertainty, system_decision_rules
from ppeval.pipeline.validation import validate

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
