"""Rounds: mid-term against final, year against year.

:func:`compare` puts two evaluation results of the same (or a compatible)
indicator system side by side: for the projects in both, the change of the
score, of every sub-score, of the grade and of every indicator; with the
evidence uncertainty of both rounds, which score changes exceed what that
uncertainty explains; the indicators that improved or declined most; and the
projects that left or joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import readonly
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.pipeline.result import EvaluationResult
from ppeval.sensitivity import EvidenceResult

__all__ = ["RoundComparison", "compare"]


@dataclass(frozen=True, eq=False)
class RoundComparison:
    """Two evaluation rounds side by side (arrays over the projects in both rounds).

    Attributes
    ----------
    projects, project_names : tuple of str
        Projects evaluated in both rounds, in the later round's order.
    left, joined : tuple of str
        Projects only in the earlier round (left) and only in the later one (joined).
    same_system : bool
        Both results come from the same system id and version.
    score_before, score_after, score_change : ndarray (k,)
        Scores on the 0-100 scale and ``after - before``.
    grade_before, grade_after : tuple of str
        Grades in each round.
    grade_step : ndarray of int64 (k,)
        Bands moved: ``+1`` one grade better, ``-1`` one worse (by each
        round's grade order).
    rank_before, rank_after : ndarray of int64 (k,)
        Ranks within each round (over all projects of that round).
    node_ids : tuple of str
        Inner nodes (stages, dimensions) present in both rounds.
    node_before, node_after, node_change : ndarray (k, len(node_ids))
        Sub-scores (0-100) and their change.
    indicator_ids : tuple of str
        Indicators present in both rounds.
    value_before, value_after : ndarray (k, len(indicator_ids))
        Values as evaluated (measured values, aggregated ratings).
    indicator_change : ndarray (k, len(indicator_ids))
        Change of the normalised value, in points of 100 (positive = better,
        cost indicators included; in relative mode it also reflects the
        other projects of each round).
    indicator_mean_change : ndarray (len(indicator_ids),)
        Mean of ``indicator_change`` over the projects.
    improved_most, declined_most : tuple of str
        Indicators with a positive (negative) mean change, largest first.
    change_threshold : ndarray (k,) or None
        ``z sqrt(sd_before^2 + sd_after^2)``: the score change that the
        evidence uncertainty of the two rounds explains (None without the
        uncertainty of both rounds).
    exceeds_uncertainty : ndarray of bool (k,) or None
        ``|score_change| > change_threshold``.
    z : float
        The multiplier (1.96: a two-sided 95 % band for independent,
        approximately normal round scores).
    notes : tuple of str
    """

    projects: tuple[str, ...]
    project_names: tuple[str, ...]
    left: tuple[str, ...]
    joined: tuple[str, ...]
    same_system: bool
    score_before: FloatArray
    score_after: FloatArray
    score_change: FloatArray
    grade_before: tuple[str, ...]
    grade_after: tuple[str, ...]
    grade_step: IntArray
    rank_before: IntArray
    rank_after: IntArray
    node_ids: tuple[str, ...]
    node_before: FloatArray
    node_after: FloatArray
    node_change: FloatArray
    indicator_ids: tuple[str, ...]
    value_before: FloatArray
    value_after: FloatArray
    indicator_change: FloatArray
    indicator_mean_change: FloatArray
    improved_most: tuple[str, ...]
    declined_most: tuple[str, ...]
    change_threshold: FloatArray | None
    exceeds_uncertainty: BoolArray | None
    z: float
    notes: tuple[str, ...]


def _std_100(u: Any, result: EvaluationResult, name: str) -> FloatArray | None:
    if u is None:
        return None
    ev = getattr(u, "evidence", u)  # an UncertaintyAnalysis or an EvidenceResult
    if not isinstance(ev, EvidenceResult):
        raise InputError(f"{name} is {type(u).__name__}; expected an EvidenceResult, an UncertaintyAnalysis or None")
    if ev.base_scores.shape[0] != len(result.project_ids):
        raise InputError(
            f"{name} has {ev.base_scores.shape[0]} projects; its round has {len(result.project_ids)}"
        )
    out: FloatArray = 100.0 * np.asarray(ev.score_std)
    return out


def compare(
    earlier: EvaluationResult,
    later: EvaluationResult,
    *,
    earlier_uncertainty: Any = None,
    later_uncertainty: Any = None,
    z: float = 1.96,
) -> RoundComparison:
    """Compare two evaluation rounds of the same projects.

    Parameters
    ----------
    earlier, later : EvaluationResult
        The two rounds (e.g. mid-term and final), of the same system or of
        systems that share indicators.
    earlier_uncertainty, later_uncertainty : EvidenceResult or UncertaintyAnalysis, optional
        Evidence uncertainty of each round
        (:func:`~ppeval.pipeline.analyse_uncertainty`); with both, the
        comparison says which score changes exceed it.
    z : float, default 1.96
        Multiplier of the combined standard deviation, > 0.

    Returns
    -------
    RoundComparison

    Raises
    ------
    InputError
        Not two EvaluationResults, no project or no indicator in common,
        an uncertainty of the wrong shape, or an invalid ``z``.

    Notes
    -----
    Matching is by project id and indicator id. A score change ``Δ`` is
    taken as beyond the evidence when ``|Δ| > z sqrt(σ_1^2 + σ_2^2)``, with
    ``σ_r`` the Monte Carlo standard deviation of the project's score in
    round ``r`` (the rounds' evidence taken as independent).

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, data = bundled.load_sample("community-4stage")
    >>> r = evaluate(system, data)
    >>> c = compare(r, r)
    >>> float(abs(c.score_change).max()), c.left, c.joined
    (0.0, (), ())
    """
    for name, r in (("earlier", earlier), ("later", later)):
        if not isinstance(r, EvaluationResult):
            raise InputError(f"{name} must be an EvaluationResult; got {type(r).__name__}")
    if isinstance(z, bool) or not isinstance(z, int | float) or not np.isfinite(z) or z <= 0:
        raise InputError(f"z is {z!r}; expected a finite number > 0")
    notes: list[str] = []
    pos_e = {p: i for i, p in enumerate(earlier.project_ids)}
    common = [p for p in later.project_ids if p in pos_e]
    if not common:
        raise InputError("the two results have no project in common (projects are matched by id)")
    pos_l = {p: i for i, p in enumerate(later.project_ids)}
    ie = np.array([pos_e[p] for p in common], dtype=np.int64)
    il = np.array([pos_l[p] for p in common], dtype=np.int64)
    left = tuple(p for p in earlier.project_ids if p not in pos_l)
    joined = tuple(p for p in later.project_ids if p not in pos_e)
    pe, pl = earlier.provenance, later.provenance
    same = (pe.system_id, pe.system_version) == (pl.system_id, pl.system_version)
    if not same:
        notes.append(
            f"the rounds use different systems ({pe.system_id} {pe.system_version} and {pl.system_id} "
            f"{pl.system_version}); only shared indicators and sub-scores are compared"
        )
    if (earlier.method, earlier.mode) != (later.method, later.mode):
        notes.append(
            f"the rounds were scored differently ({earlier.method}/{earlier.mode} and {later.method}/{later.mode}); "
            "score changes mix the change of the evidence with the change of method"
        )
    if later.mode == "relative" or earlier.mode == "relative":
        notes.append("relative mode: a project's score also depends on the other projects of its round")
    ind_e = {c: j for j, c in enumerate(earlier.indicator_ids)}
    inds = [c for c in later.indicator_ids if c in ind_e]
    if not inds:
        raise InputError("the two results have no indicator in common (indicators are matched by id)")
    je = np.array([ind_e[c] for c in inds], dtype=np.int64)
    jl = np.array([later.indicator_ids.index(c) for c in inds], dtype=np.int64)
    node_e = {c: j for j, c in enumerate(earlier.node_ids)}
    nodes = [c for c in later.node_ids if c in node_e]
    ke = np.array([node_e[c] for c in nodes], dtype=np.int64)
    kl = np.array([later.node_ids.index(c) for c in nodes], dtype=np.int64)

    s0 = np.asarray(earlier.score_100)[ie]
    s1 = np.asarray(later.score_100)[il]
    g0 = tuple(earlier.grades[i] for i in ie)
    g1 = tuple(later.grades[i] for i in il)
    gi0 = np.array([earlier.grade_labels.index(g) for g in g0], dtype=np.int64)
    gi1 = np.array([later.grade_labels.index(g) for g in g1], dtype=np.int64)
    n0 = np.asarray(earlier.node_scores)[np.ix_(ie, ke)] if nodes else np.zeros((len(common), 0))
    n1 = np.asarray(later.node_scores)[np.ix_(il, kl)] if nodes else np.zeros((len(common), 0))
    v0 = np.asarray(earlier.matrix)[np.ix_(ie, je)]
    v1 = np.asarray(later.matrix)[np.ix_(il, jl)]
    r0 = np.asarray(earlier.normalized)[np.ix_(ie, je)]
    r1 = np.asarray(later.normalized)[np.ix_(il, jl)]
    ind_change = 100.0 * (r1 - r0)
    mean_change = ind_change.mean(axis=0)
    order = np.argsort(-mean_change, kind="stable")
    improved = tuple(inds[j] for j in order if mean_change[j] > 0)
    declined = tuple(inds[j] for j in order[::-1] if mean_change[j] < 0)
    sd0 = _std_100(earlier_uncertainty, earlier, "earlier_uncertainty")
    sd1 = _std_100(later_uncertainty, later, "later_uncertainty")
    threshold = exceeds = None
    change = s1 - s0
    if sd0 is not None and sd1 is not None:
        threshold = float(z) * np.sqrt(sd0[ie] ** 2 + sd1[il] ** 2)
        exceeds = np.abs(change) > threshold
    elif (sd0 is None) != (sd1 is None):
        notes.append("the evidence uncertainty of only one round was given: no change is tested against it")
    arrays = [s0, s1, change, gi0 - gi1, n0, n1, n1 - n0, v0, v1, ind_change, mean_change]
    ro = [readonly(np.ascontiguousarray(a)) for a in arrays]
    return RoundComparison(
        projects=tuple(common),
        project_names=tuple(later.project_names[i] for i in il),
        left=left,
        joined=joined,
        same_system=same,
        score_before=ro[0],
        score_after=ro[1],
        score_change=ro[2],
        grade_before=g0,
        grade_after=g1,
        grade_step=ro[3],
        rank_before=readonly(np.asarray(earlier.ranks, dtype=np.int64)[ie].copy()),
        rank_after=readonly(np.asarray(later.ranks, dtype=np.int64)[il].copy()),
        node_ids=tuple(nodes),
        node_before=ro[4],
        node_after=ro[5],
        node_change=ro[6],
        indicator_ids=tuple(inds),
        value_before=ro[7],
        value_after=ro[8],
        indicator_change=ro[9],
        indicator_mean_change=ro[10],
        improved_most=improved,
        declined_most=declined,
        change_threshold=None if threshold is None else readonly(threshold),
        exceeds_uncertainty=None if exceeds is None else readonly(exceeds),
        z=float(z),
        notes=tuple(notes),
    )
