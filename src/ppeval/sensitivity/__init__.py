"""Sensitivity and robustness analysis of rankings (numeric core).

* :func:`monte_carlo` - Dirichlet weight draws, SMAA-2 rank acceptability,
  central weights, score spread and grade probabilities; chunked, seeded,
  identical on any executor.
* :func:`judgment_sensitivity` - the same, with weights from perturbed AHP
  judgments.
* :func:`evidence_monte_carlo` - the same with uncertain evidence: raters
  resampled (stratified bootstrap), measured values drawn from their
  measurement distribution; grade and decision probabilities, and which
  source (weights, ratings, values) drives the spread. :func:`column_transforms`
  re-applies closeness to a target / interval and scoring rules to every
  sample; :func:`fuzzy_grades` lets it score FCE.
* :func:`payment_outcomes` - decisions (payment released, deduction,
  renewal / warning / exclusion) by score band, their probabilities, the
  expected payment and the money at risk; :func:`grade_boundary_changes` -
  the smallest change of one value or one weight that changes a grade.
* :func:`one_at_a_time` - one weight varied, the others keeping their
  proportions.
* :func:`critical_weight_changes` - smallest weight changes that change the
  top alternative or swap adjacent alternatives (Triantaphyllou & Sánchez 1997).
* :func:`method_agreement` - rankings by several methods (ppeval's and
  pymcdm's) compared by Spearman and WS coefficients.
* :func:`qualitative_share_sweep` - total weight of the qualitative indicators
  swept from 0 to 1.

All functions take plain arrays (``matrix (n, m)``, ``weights (m,)``,
``types (m,)``) and return frozen dataclasses with read-only arrays.
"""

from __future__ import annotations

from ._evidence_inputs import RatingEvidence, ValueUncertainty, rating_evidence, value_uncertainty
from ._stack_methods import FuzzyGrades, fuzzy_grades
from ._transforms import ColumnTransform, ColumnTransforms, column_transform, column_transforms
from .agreement import MethodAgreementResult, method_agreement
from .critical import CriticalChanges, CriticalWeightsResult, critical_weight_changes
from .decisions import (
    DecisionRules,
    GradeBoundaryResult,
    PaymentOutcome,
    decision_rules,
    grade_boundary_changes,
    payment_outcomes,
)
from .evidence import EvidenceResult, evidence_monte_carlo
from .judgments import judgment_sensitivity
from .montecarlo import MonteCarloResult, monte_carlo
from .oat import OATResult, one_at_a_time
from .share import ShareSweepResult, qualitative_share_sweep

__all__ = [
    "MonteCarloResult",
    "monte_carlo",
    "judgment_sensitivity",
    "EvidenceResult",
    "evidence_monte_carlo",
    "RatingEvidence",
    "rating_evidence",
    "ValueUncertainty",
    "value_uncertainty",
    "ColumnTransform",
    "column_transform",
    "ColumnTransforms",
    "column_transforms",
    "FuzzyGrades",
    "fuzzy_grades",
    "DecisionRules",
    "decision_rules",
    "PaymentOutcome",
    "payment_outcomes",
    "GradeBoundaryResult",
    "grade_boundary_changes",
    "OATResult",
    "one_at_a_time",
    "CriticalChanges",
    "CriticalWeightsResult",
    "critical_weight_changes",
    "MethodAgreementResult",
    "method_agreement",
    "ShareSweepResult",
    "qualitative_share_sweep",
]
