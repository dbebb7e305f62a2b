"""Which indicators move with an outcome: grey relational degrees on an evaluation result (a diagnostic)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ppeval._checks import readonly
from ppeval._typing import FloatArray
from ppeval.errors import InputError
from ppeval.methods.gra import DEFAULT_RHO, relational_degrees
from ppeval.pipeline.result import EvaluationResult

__all__ = ["OutcomeRelations", "outcome_relations"]


@dataclass(frozen=True, eq=False)
class OutcomeRelations:
    """Grey relational degrees of the indicators to an outcome, over the evaluated projects.

    Attributes
    ----------
    outcome : str
        ``"score"`` or the outcome indicator's id.
    indicator_ids : tuple of str
        The other indicators, most related first.
    degrees : ndarray, shape (len(indicator_ids),)
        Their relational degrees in (0, 1], aligned with ``indicator_ids``.
    rho : float
    """

    outcome: str
    indicator_ids: tuple[str, ...]
    degrees: FloatArray
    rho: float


def outcome_relations(
    result: EvaluationResult, outcome: str | None = None, *, rho: float = DEFAULT_RHO
) -> OutcomeRelations:
    """Rank the indicators by how closely they move with an outcome across the evaluated projects.

    Parameters
    ----------
    result : EvaluationResult
        An evaluation of at least 2 projects.
    outcome : str, optional
        Id of the outcome indicator (e.g. residents' satisfaction); default:
        the score (``score_100 / 100``).
    rho : float, default 0.5
        Distinguishing coefficient.

    Returns
    -------
    OutcomeRelations

    Raises
    ------
    InputError
        Not a result, fewer than 2 projects, an unknown outcome id, bad ``rho``.
    DegenerateError
        Every indicator equal to the outcome on every project.

    Notes
    -----
    Grey relational degrees (:func:`ppeval.methods.relational_degrees`, Deng
    1989) of every indicator's benefit-oriented normalised values
    (``result.normalized``, already dimensionless in [0, 1], so used as
    given) to the outcome's: a diagnostic of which indicators rise and fall
    with the outcome over the evaluated projects. It describes association
    in this set of projects, not cause.

    Examples
    --------
    >>> from ppeval import evaluate
    >>> from ppeval.io import bundled
    >>> system, data = bundled.load_sample("community-4stage")
    >>> rel = outcome_relations(evaluate(system, data), "resident_satisfaction")
    >>> len(rel.indicator_ids) == len(system.leaf_ids) - 1
    True
    """
    if not isinstance(result, EvaluationResult):
        raise InputError(f"result must be an EvaluationResult; got {type(result).__name__}")
    ids = result.indicator_ids
    x = np.asarray(result.normalized, dtype=np.float64)
    if outcome is None:
        y = np.asarray(result.score_100, dtype=np.float64) / 100.0
        keep = np.arange(len(ids))
        name = "score"
    else:
        if outcome not in ids:
            raise InputError(f"outcome {outcome!r} is not an indicator of this result; valid ids: {', '.join(ids)}")
        j = ids.index(outcome)
        y = x[:, j]
        keep = np.array([k for k in range(len(ids)) if k != j], dtype=np.int64)
        name = outcome
    if x.shape[0] < 2:
        raise InputError("outcome relations need at least 2 projects")
    if keep.size == 0:
        raise InputError("the result has no indicator besides the outcome")
    res = relational_degrees(x[:, keep], y, rho=rho, normalization="none")
    order = res.order
    return OutcomeRelations(
        outcome=name,
        indicator_ids=tuple(ids[int(keep[k])] for k in order),
        degrees=readonly(np.asarray(res.degrees[order], dtype=np.float64)),
        rho=res.rho,
    )
