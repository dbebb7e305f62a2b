"""Indicator systems and assessments as validated data (pydantic v2, frozen models).

An :class:`IndicatorSystem` is a tree: inner nodes (:class:`Group`) say how
their children are weighted (:class:`Fixed`, :class:`AHP`, :class:`Entropy`,
:class:`Critic`, :class:`Equal`, :class:`Combine`); leaves are
:class:`Quantitative` or :class:`Qualitative` indicators with a direction,
bounds or a rating scale and a data source. :class:`Assessment` holds the
measured values and ratings column-wise. Files are read and written by
:mod:`ppeval.io`.
"""

from __future__ import annotations

import json
from typing import Any

from ppeval.schema._base import ID_PATTERN, FrozenModel
from ppeval.schema.assessment import Assessment, ProjectInfo, Ratings, SourceInfo
from ppeval.schema.indicator import (
    Bounds,
    DataSource,
    DEADerived,
    Direction,
    Interval,
    Leaf,
    LikertScale,
    LinguisticScale,
    LinguisticTerm,
    MeasurementUncertainty,
    Qualitative,
    Quantitative,
    Range,
    Scale,
    Target,
)
from ppeval.schema.scoring import Band, Bands, Deduction, PassFail, Piecewise, Proportional, ScoringRule
from ppeval.schema.system import (
    DEFAULT_GRADES,
    SCHEMA_VERSION,
    DecisionRule,
    Evaluation,
    GradeBand,
    Group,
    IndicatorSystem,
    Node,
    WeightConstraint,
)
from ppeval.schema.weighting import (
    AHP,
    BWM,
    CV,
    G1,
    AHPConsistency,
    Combine,
    Critic,
    Entropy,
    Equal,
    Expert,
    ExpertConsistency,
    Fixed,
    FuzzyAHP,
    FuzzyExpert,
    FuzzyJudgments,
    Judgments,
    Points,
    SourceWeighting,
    Weighting,
)

__all__ = [
    "DecisionRule",
    "MeasurementUncertainty",
    "SCHEMA_VERSION",
    "ID_PATTERN",
    "JSON_SCHEMA_ID",
    "FrozenModel",
    "IndicatorSystem",
    "Group",
    "Node",
    "GradeBand",
    "DEFAULT_GRADES",
    "Evaluation",
    "WeightConstraint",
    "ScoringRule",
    "Proportional",
    "Deduction",
    "PassFail",
    "Piecewise",
    "Bands",
    "Band",
    "Quantitative",
    "Qualitative",
    "Leaf",
    "Direction",
    "DataSource",
    "Bounds",
    "Range",
    "Target",
    "Interval",
    "Scale",
    "LikertScale",
    "LinguisticScale",
    "LinguisticTerm",
    "Weighting",
    "SourceWeighting",
    "Fixed",
    "Points",
    "Equal",
    "Entropy",
    "Critic",
    "AHP",
    "Expert",
    "Judgments",
    "Combine",
    "DEADerived",
    "CV",
    "G1",
    "BWM",
    "FuzzyAHP",
    "FuzzyJudgments",
    "FuzzyExpert",
    "AHPConsistency",
    "ExpertConsistency",
    "Assessment",
    "SourceInfo",
    "Ratings",
    "ProjectInfo",
    "json_schema",
    "json_schema_text",
]

#: ``$id`` of the exported JSON Schema.
JSON_SCHEMA_ID = "https://ppeval.readthedocs.io/schema/indicator-system.schema.json"


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of an indicator system file.

    The schema describes structure and value types; cross-field rules (ids
    unique in the tree, weights summing to 1, reciprocal judgments, bounds
    oriented for the direction, ...) are checked by :func:`ppeval.io.load_system`.

    Returns
    -------
    dict
        The schema, with ``$schema``, ``$id`` and ``title`` set.

    Examples
    --------
    >>> schema = json_schema()
    >>> schema["title"], sorted(schema["required"])[:3]
    ('IndicatorSystem', ['id', 'name', 'root'])
    """
    schema = IndicatorSystem.model_json_schema(mode="validation")
    constraints = schema.get("properties", {}).get("constraints")
    if isinstance(constraints, dict) and "items" in constraints:
        # the loader also takes the short form "output + effect >= 60%" (WeightConstraint._from_text)
        constraints["items"] = {"anyOf": [constraints["items"], {
            "type": "string",
            "description": "short form of a weight rule, e.g. 'output + effect >= 60%' or 'decision <= 0.25'",
        }]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": JSON_SCHEMA_ID,
        **schema,
    }


def json_schema_text() -> str:
    """The JSON Schema as the text shipped in ``docs/indicator-system.schema.json``.

    Two-space indentation, keys in pydantic's order, a final newline; the
    test suite checks the shipped file equals this text.
    """
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
