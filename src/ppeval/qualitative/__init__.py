"""Qualitative evidence on an equal footing: scales, many raters, agreement, fuzzy evaluation.

Numeric core (plain numpy arrays, no schema objects):

* :mod:`~ppeval.qualitative.scales` - Likert and linguistic scales: labels
  or values to numbers (and fuzzy numbers) and back.
* :mod:`~ppeval.qualitative.aggregate` - many raters per project and
  indicator to one value (mean, median, trimmed mean, rater-group weights),
  with counts of raters and missing answers.
* :mod:`~ppeval.qualitative.membership` - membership matrices (share of
  raters per grade) for fuzzy comprehensive evaluation.
* :mod:`~ppeval.qualitative.agreement` - Kendall's W and Krippendorff's
  alpha (also per indicator).
* :mod:`~ppeval.qualitative.fuzzy` - triangular fuzzy numbers and fuzzy
  TOPSIS (Chen 2000).
* :mod:`~ppeval.qualitative.reliability` - survey reliability and rater
  agreement on a scale: Cronbach's alpha, the six ICCs of Shrout & Fleiss,
  KMO and Bartlett's test of sphericity.
* :mod:`~ppeval.qualitative.share` - share of weight and of score variance
  on qualitative indicators, with a floor check.

The fuzzy comprehensive evaluation itself is :func:`ppeval.methods.fce.fce`.
"""

from __future__ import annotations

from ppeval.qualitative.aggregate import AggregationMethod, RatingAggregate, aggregate_ratings
from ppeval.qualitative.agreement import (
    IndicatorAgreement,
    KendallWResult,
    KrippendorffResult,
    Level,
    indicator_agreement,
    kendall_w,
    krippendorff_alpha,
)
from ppeval.qualitative.fuzzy import (
    FuzzyTopsisResult,
    as_tfn,
    centroid,
    fuzzy_topsis,
    tfn_add,
    tfn_mean,
    tfn_mul,
    tfn_scale,
    vertex_distance,
)
from ppeval.qualitative.membership import MembershipResult, membership_matrix
from ppeval.qualitative.reliability import (
    AlphaResult,
    ICCResult,
    KMOBartlettResult,
    cronbach_alpha,
    icc,
    kmo_bartlett,
)
from ppeval.qualitative.scales import LikertScale, LinguisticScale
from ppeval.qualitative.share import QualitativeShare, qualitative_share

__all__ = [
    "LikertScale",
    "LinguisticScale",
    "AggregationMethod",
    "RatingAggregate",
    "aggregate_ratings",
    "MembershipResult",
    "membership_matrix",
    "Level",
    "KendallWResult",
    "kendall_w",
    "KrippendorffResult",
    "krippendorff_alpha",
    "IndicatorAgreement",
    "indicator_agreement",
    "as_tfn",
    "tfn_add",
    "tfn_scale",
    "tfn_mul",
    "tfn_mean",
    "vertex_distance",
    "centroid",
    "FuzzyTopsisResult",
    "fuzzy_topsis",
    "AlphaResult",
    "cronbach_alpha",
    "ICCResult",
    "icc",
    "KMOBartlettResult",
    "kmo_bartlett",
    "QualitativeShare",
    "qualitative_share",
]
