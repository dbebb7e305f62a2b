"""The column transforms of the pipeline: defined in the numeric core (:mod:`ppeval._columns`), which the
evidence Monte Carlo (``ppeval.sensitivity``) shares."""

from __future__ import annotations

from ppeval._columns import grade_centres, interval_closeness, score_membership, target_closeness

__all__ = ["target_closeness", "interval_closeness", "grade_centres", "score_membership"]
