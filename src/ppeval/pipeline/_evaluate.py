"""``evaluate``: indicator system + assessment → EvaluationResult, in one call."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, Literal

import numpy as np

from ppeval import __version__, methods, normalize, ranking
from ppeval import qualitative as qual
from ppeval._checks import one_of, readonly
from ppeval._typing import FloatArray, IntArray, Normalization
from ppeval.errors import ConsistencyError, DataError, InputError, SchemaError
from ppeval.methods._batch import axis_dot
from ppeval.methods.topsis import topsis_columns
from ppeval.pipeline._assemble import Assembled, assemble, int64_counts, listing
from ppeval.pipeline._reliability import reliability_statistics
from ppeval.pipeline._transform import grade_centres, score_membership
from ppeval.pipeline._weights import node_weights
from ppeval.pipeline.provenance import (
    HASH_FORMAT,
    HASH_FORMAT_2,
    config_hash,
    fingerprint_arrays,
    fingerprint_map,
    provenance_digests,
    system_hash,
)
from ppeval.pipeline.result import (
    Diagnostic,
    EvaluationResult,
    Provenance,
    QualitativeSummary,
    deferred,
    deferred_shared,
)
from ppeval.pipeline.scoring import rule_points
from ppeval.qualitative.agreement import _indicator_agreement
from ppeval.schema import Assessment, IndicatorSystem, Qualitative

__all__ = ["evaluate", "METHODS", "MODES"]

Method = Literal["topsis", "wsm", "vikor", "fce", "gra"]
Mode = Literal["absolute", "relative"]
METHODS: tuple[str, ...] = ("topsis", "wsm", "vikor", "fce", "gra")
MODES: tuple[str, ...] = ("absolute", "relative")
_NORMALIZATIONS = {
    "topsis": ("vector", "minmax"),
    "wsm": ("minmax",),
    "vikor": ("minmax",),
    "fce": ("minmax",),
    "gra": ("minmax",),
}

#: Krippendorff's (2004) lowest acceptable alpha for tentative conclusions.
ALPHA_FLOOR = 0.667
#: Group whose ratings alone give the residents' view.
RESIDENT_GROUP = "resident"


def _load(
    system: IndicatorSystem | str | PathLike[str],
    assessment: Assessment | str | PathLike[str] | Sequence[str | PathLike[str]],
) -> tuple[IndicatorSystem, Assessment]:
    from ppeval import io

    if not isinstance(system, IndicatorSystem):
        if not isinstance(system, str | PathLike):
            raise InputError(f"system must be an IndicatorSystem or a path; got {type(system).__name__}")
        system = io.load_system(os.fspath(system))
    if not isinstance(assessment, Assessment):
        if isinstance(assessment, str | PathLike):
            paths = [os.fspath(assessment)]
        elif isinstance(assessment, Sequence) and all(isinstance(p, str | PathLike) for p in assessment):
            paths = [os.fspath(p) for p in assessment]
        else:
            raise InputError(
                "assessment must be an Assessment, a path or a sequence of paths; got "
                f"{type(assessment).__name__}"
                + (f" holding {', '.join(sorted({type(p).__name__ for p in assessment}))}"
                   if isinstance(assessment, Sequence) else "")
            )
        assessment = io.load_assessment(paths, system)
    return system, assessment


@dataclass(frozen=True, eq=False)
class _Scorer:
    """How this evaluation turns a decision matrix and weights into scores.

    One object carries the method, mode, normalisation, criterion types,
    bounds, VIKOR's ``v`` and the FCE grade centres, so the total score, the
    per-node sub-scores and the residents' view are computed the same way.
    """

    method: str
    mode: str
    normalization: str
    types: IntArray
    bounds: FloatArray | None  # None in relative mode
    v: float
    centres: FloatArray
    rho: float = 0.5

    def score(
        self,
        matrix: FloatArray,
        w: FloatArray,
        membership: FloatArray | None,
        cols: IntArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """(method score, 0-100 score) of every project, on columns ``cols`` (default all)."""
        types = self.types if cols is None else self.types[cols]
        b = self.bounds if (cols is None or self.bounds is None) else self.bounds[cols]
        if self.method == "topsis":
            norm: Normalization = "vector" if self.normalization == "vector" else "minmax"
            s = methods.topsis(matrix, w, types, normalization=norm, bounds=b)
            return s, 100.0 * s
        if self.method == "wsm":
            s = methods.wsm(matrix, w, types, normalization="minmax", bounds=b)
            return s, 100.0 * s
        if self.method == "gra":
            g = methods.gra(matrix, w, types, rho=self.rho, bounds=b)
            return g, 100.0 * g
        if self.method == "vikor":
            q = _vikor_absolute(matrix, w, types, b, self.v) if b is not None else methods.vikor(
                matrix, w, types, v=self.v
            ).Q
            return q, 100.0 * (1.0 - q)
        if membership is None:  # pragma: no cover - built by the caller for fce
            raise InputError("fce needs memberships")
        res = methods.fce(membership, w, self.centres)
        return res.score / 100.0, res.score


def _vikor_absolute(
    matrix: FloatArray, w: FloatArray, types: IntArray, bounds: FloatArray, v: float
) -> FloatArray:
    """VIKOR against the bounds: ``f* = best``, ``f- = worst``, ``S* = R* = 0``, ``S- = 1``, ``R- = max w``.

    Opricovic & Tzeng (2004) normalise S and R by their range over the
    evaluated alternatives; in absolute mode ppeval uses the ranges over all
    plausible alternatives instead (the ideal scores S = R = 0, the anti-ideal
    S = 1, R = max_j w_j), so a project's Q depends on its own values only.
    """
    r = normalize.minmax(matrix, types, bounds=bounds)
    gap = w * (1.0 - r)
    s = gap.sum(axis=1)
    rr = gap.max(axis=1)
    wmax = float(w.max())
    q: FloatArray = v * s + (1.0 - v) * (rr / wmax if wmax > 0 else 0.0)
    return np.clip(q, 0.0, 1.0)


def _fce_membership(
    asm: Assembled,
    normalized: FloatArray,
    assessment: Assessment,
    system: IndicatorSystem,
    centres: FloatArray,
) -> FloatArray:
    """Membership (n, m, g) of every project and indicator in the grade bands.

    Quantitative indicators: the normalised value ``100 r_ij`` split between
    the two nearest grade centres. Qualitative indicators: the share of
    raters in each grade, each rating placed on 0-100 by its position on the
    scale (worst scale value 0, best 100) -- or, for an indicator with a
    scoring rule in absolute mode, by the share of the points the rule awards
    that rating -- and split the same way.
    """
    mem = score_membership(100.0 * normalized, centres)
    q = asm.qualitative
    if q is None or q.cols.size == 0:
        return mem
    r = assessment.ratings
    ok = ~np.isnan(r.value)
    leaves = system.leaves()
    worst = np.array([_eff(leaves[c])[0] for c in q.cols])
    best = np.array([_eff(leaves[c])[1] for c in q.cols])
    pos = np.full(len(leaves), -1, dtype=np.int64)
    pos[q.cols] = np.arange(q.cols.size)
    qi = pos[r.indicator[ok]]
    values = r.value[ok]
    share = np.clip((values - worst[qi]) / (best[qi] - worst[qi]), 0.0, 1.0)
    if asm.ruled is not None and asm.ruled[q.cols].any():
        # a scoring rule scores each rating as it scores the indicator (absolute mode)
        static = system.points()
        for k in np.flatnonzero(asm.ruled[q.cols]):
            leaf = leaves[int(q.cols[k])]
            at = qi == k
            full = static.get(leaf.id, 1.0)
            if isinstance(leaf, Qualitative) and leaf.scoring is not None and at.any() and full > 0:
                earned = rule_points(leaf.scoring, values[at], full, leaf.direction, leaf.scale.label_map())
                share[at] = earned / full
    rating_score = 100.0 * share
    rm = score_membership(rating_score, centres)  # (k, g)
    n = normalized.shape[0]
    cell = r.project[ok] * q.cols.size + qi
    g = centres.shape[0]
    sums = np.zeros((n * q.cols.size, g))
    np.add.at(sums, cell, rm)
    counts = np.bincount(cell, minlength=n * q.cols.size).astype(np.float64)
    has = counts > 0
    sums[has] /= counts[has, None]
    sums = sums.reshape(n, q.cols.size, g)
    # cells without ratings were imputed: keep the membership of the imputed value
    mem[:, q.cols, :] = np.where(has.reshape(n, q.cols.size)[..., None], sums, mem[:, q.cols, :])
    return mem


def _eff(leaf: Any) -> tuple[float, float]:
    b = leaf.effective_bounds
    return (float(b.worst), float(b.best))


def _contributions(
    method: str,
    normalization: str,
    mode: str,
    matrix: FloatArray,
    w: FloatArray,
    types: IntArray,
    bounds: FloatArray | None,
    r01: FloatArray,
    score_100: FloatArray,
    membership: FloatArray | None,
    centres: FloatArray,
    rho: float = 0.5,
) -> FloatArray:
    """Per-indicator contributions to ``score_100`` (rows sum to ``score_100``).

    * WSM: ``100 w_j r_ij`` (exact, additive).
    * FCE: ``w_j (b_ij · c)`` with ``b_ij`` the indicator's grade membership and
      ``c`` the grade centres (exact: the weighted-average operator is linear).
    * TOPSIS: the score split in proportion to each indicator's share of the
      squared distance from the anti-ideal, ``w_j² (r_ij - r⁻_j)² / D⁻_i²``.
    * GRA: ``100 w_j xi_ij`` with the grey relational coefficients (exact, additive).
    * VIKOR: the score split in proportion to ``w_j r_ij``.
    """
    if method == "wsm":
        out: FloatArray = 100.0 * w * r01
        return out
    if method == "gra":
        out = 100.0 * w * methods.grey_coefficients(matrix, types, rho=rho, bounds=bounds)
        return out
    if method == "fce" and membership is not None:
        out = w * axis_dot(membership, centres, -1)
        return out
    # one (n, m) array, updated in place (at 1e6 projects x 50 indicators each copy is 400 MB)
    if method == "topsis":
        if mode == "absolute":
            part = np.multiply(r01, w)
        else:
            rn = normalize.vector(matrix, types) if normalization == "vector" else r01
            part = np.subtract(rn, rn.min(axis=0))
            part *= w
        part *= part
    else:
        part = np.multiply(r01, w)
    tot = part.sum(axis=1, keepdims=True)
    # rows with tot = 0 hold only zeros (non-negative terms): they stay 0
    if tot.shape[0] and tot.min() > 0:
        part /= tot  # (no row to leave out: the division without a mask)
    else:
        np.divide(part, tot, out=part, where=tot > 0)
    part *= score_100[:, None]
    return part


def evaluate(
    system: IndicatorSystem | str | PathLike[str],
    assessment: Assessment | str | PathLike[str] | Sequence[str | PathLike[str]],
    *,
    method: Method = "topsis",
    mode: Mode = "absolute",
    normalization: str | None = None,
    weights: Mapping[str, Mapping[str, float] | Sequence[float]] | EvaluationResult | None = None,
    v: float = 0.5,
    seed: int | None = None,
    top_weakest: int = 3,
    rho: float = 0.5,
) -> EvaluationResult:
    """Evaluate every project of an assessment against an indicator system.

    Parameters
    ----------
    system : IndicatorSystem or path
        The indicator system (loaded with :func:`ppeval.load_system` if a path).
    assessment : Assessment or path or paths
        Measured values and ratings (loaded with :func:`ppeval.load_assessment`).
    method : {"topsis", "wsm", "vikor", "fce", "gra"}
        Scoring method: TOPSIS (Hwang & Yoon 1981), simple additive weighting,
        VIKOR (Opricovic & Tzeng 2004), fuzzy comprehensive evaluation with
        the weighted-average operator, or grey relational analysis (Deng
        1982; :func:`ppeval.methods.gra`).
    mode : {"absolute", "relative"}
        ``absolute`` scores against the indicators' bounds, so a project's
        score does not change when other projects are added or removed (needs
        bounds on every indicator); ``relative`` scores against the evaluated
        set (the textbook way).
    normalization : {"vector", "minmax"}, optional
        TOPSIS normalisation in relative mode (default ``"vector"``); absolute
        mode always normalises against the bounds (min-max).
    weights : mapping or EvaluationResult, optional
        Local weight overrides per inner node: ``{node id: {child id: w}}``
        (or a sequence in children order), used instead of the node's own
        weighting for this call. An earlier :class:`EvaluationResult` freezes
        the data-driven weights (entropy, CRITIC, CV, combinations with them):
        its local weights at those nodes are used, so in absolute mode a
        project's score depends on its own data only; the weights and the
        earlier result's hashes are recorded in the configuration (see
        :mod:`ppeval.pipeline.frozen`).
    v : float
        VIKOR's weight of the strategy of the majority of criteria.
    seed : int, optional
        Recorded in the provenance (used by sensitivity analyses run on the result).
    top_weakest : int
        How many weakest indicators (main obstacles: largest obstacle degrees) to list per project.
    rho : float
        GRA's distinguishing coefficient in (0, 1] (method ``"gra"`` only).

    Returns
    -------
    EvaluationResult

    Raises
    ------
    InputError
        Bad option values, overrides naming unknown nodes or invalid weights.
    DataError
        Missing values under the ``reject`` policy, ratings from unlisted
        rater groups, absolute mode without bounds.
    ConsistencyError
        The qualitative share of the weights is below the system's floor under
        the ``strict`` policy.

    Notes
    -----
    Weights: each inner node's children are weighted as the system says
    (fixed, equal, AHP from experts' judgments, entropy or CRITIC from the
    normalised data of the children, or a combination), and global leaf
    weights are the products down the tree (Saaty's distributive composition).
    Scores on 0-100: ``100 C`` (TOPSIS), ``100 S`` (WSM), ``100 (1 - Q)``
    (VIKOR), the crisp FCE score against grade centres, ``100 gamma`` (GRA;
    the grade is at least ``rho / (1 + rho)``, 33.3 for ``rho = 0.5``, so a
    GRA score is not a percentage of the best attainable). Sub-scores per inner
    node use the same method on that node's indicators with its weights
    renormalised.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> name = "community-4stage"
    >>> r = evaluate(bundled.load_bundled(name), bundled.sample_assessment_paths(name))
    >>> len(r.project_ids) == len(r.score_100) and r.ranks.min() == 1
    True
    """
    method_name: str = one_of(str(method), METHODS, "method")
    mode_name: str = one_of(str(mode), MODES, "mode")
    allowed = _NORMALIZATIONS[method_name] if mode_name == "relative" else ("minmax",)
    if normalization is None:
        normalization = allowed[0]
    where = f"normalization (method={method_name!r}, mode={mode_name!r})"
    normalization = one_of(normalization, allowed, where)
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= float(v) <= 1.0:
        raise InputError(f"v is {v!r}; VIKOR's v must be a number in [0, 1]")
    if isinstance(rho, bool) or not isinstance(rho, int | float) or not 0.0 < float(rho) <= 1.0:
        raise InputError(f"rho is {rho!r}; GRA's distinguishing coefficient must be a number in (0, 1]")
    if isinstance(top_weakest, bool) or not isinstance(top_weakest, int) or top_weakest < 0:
        raise InputError(f"top_weakest is {top_weakest!r}; expected an int >= 0")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise InputError(f"seed is {seed!r}; expected an int >= 0 or None")
    system, assessment = _load(system, assessment)
    frozen_from = None
    if isinstance(weights, EvaluationResult):
        from ppeval.pipeline.frozen import frozen_weights

        earlier = weights
        weights = frozen_weights(earlier, system)
        frozen_from = {
            "nodes": sorted(weights),
            "assessment_hash": earlier.provenance.assessment_hash,
            "config_hash": earlier.provenance.config_hash,
            "system_hash": earlier.provenance.system_hash,
        }
    config: dict[str, Any] = {
        "method": method_name,
        "mode": mode_name,
        "normalization": normalization,
        "weights": {
            k: (dict(val) if isinstance(val, Mapping) else list(val)) for k, val in (weights or {}).items()
        },
        "v": float(v),
        "top_weakest": top_weakest,
    }
    if frozen_from is not None:
        config["frozen_from"] = frozen_from
    if method_name == "gra":  # only here, so the configuration hashes of other methods are unchanged
        config["rho"] = float(rho)
    return _evaluate(system, assessment, config, seed)


def _evaluate(
    system: IndicatorSystem,
    assessment: Assessment,
    config: dict[str, Any],
    seed: int | None,
    hash_format: str | None = HASH_FORMAT,
    known_hash: str | None = None,
) -> EvaluationResult:
    """The evaluation; ``hash_format`` is the form of the assessment hash to record (None: format 2, as
    results recorded before the field; :func:`~ppeval.pipeline.reproduce` passes the stored result's).
    ``known_hash``: the assessment's hash in that form, already computed (``reproduce`` checked it), so
    it is not computed again."""
    method, mode, normalization = config["method"], config["mode"], config["normalization"]
    v = config["v"]
    asm = assemble(system, assessment, scoring_rules=(mode == "absolute"))
    diags = list(asm.diagnostics)
    matrix, types = asm.matrix, asm.types
    n, m = matrix.shape
    ids = system.leaf_ids
    if mode == "absolute" and asm.bounds is None:
        raise DataError(
            f"absolute mode needs bounds on every indicator; {', '.join(asm.missing_bounds)} "
            "has/have none (add bounds to the system or use mode='relative')"
        )
    bounds = asm.bounds if mode == "absolute" else None
    if mode == "relative" and n < 2:
        raise DataError(
            "relative mode needs at least 2 projects (scores are relative to the set); use absolute mode"
        )

    # benefit-oriented values in [0, 1]: against bounds (absolute) or the evaluated set (relative)
    r01 = normalize.minmax(matrix, types, bounds=bounds)

    # -- consistency of expert judgments
    diags.extend(_consistency_diagnostics(system))

    # -- weights
    frozen = config.get("frozen_from")
    local, records = node_weights(system, r01, config["weights"], diags, frozen)
    if mode == "absolute":
        diags.extend(_set_dependence(system, config["weights"]))
    gw = system.global_weights(overrides={k: tuple(float(x) for x in w) for k, w in local.items()})
    w = np.array([gw[i] for i in ids], dtype=np.float64)
    w = w / w.sum()
    _check_constraints(system, local)

    # -- scores
    mins = np.array([b.min for b in system.grades], dtype=np.float64)
    centres = grade_centres(mins)
    membership = _fce_membership(asm, r01, assessment, system, centres) if method == "fce" else None
    rho = float(config.get("rho", 0.5))
    scorer = _Scorer(method, mode, normalization, types, bounds, v, centres, rho)
    # -- the node's leaves and renormalised weights of every inner node below the root
    inner = [g for g in system.inner_nodes() if g.id != system.root.id]
    col = {leaf_id: j for j, leaf_id in enumerate(ids)}
    under = np.zeros((m, len(inner)))  # under[j, k] = 1 when leaf j lies below inner node k
    parts: list[tuple[IntArray, FloatArray]] = []
    for k, g in enumerate(inner):
        idx = np.array([col[leaf.id] for leaf in _leaves_under(system, g.id)], dtype=np.int64)
        under[idx, k] = 1.0
        wk = w[idx]
        tot = wk.sum()
        wk = wk / tot if tot > 0 else np.full(idx.size, 1.0 / idx.size)
        parts.append((idx, wk))
    node_scores = np.zeros((n, len(inner)))
    if method == "topsis" and (bounds is not None or normalization == "minmax"):
        # the total score and the sub-scores in one pass: the checks and the normalised gaps formed once for
        # all columns, each node taking its columns' block (the bits of a call per node)
        # (r01 above is minmax of this matrix, types and bounds: they passed the same checks)
        closeness = topsis_columns(matrix, types, [(None, w), *parts], normalization="minmax", bounds=bounds,
                                   checked=True, normalized=r01)
        scores, s100 = closeness[0], 100.0 * closeness[0]
        for k, c_k in enumerate(closeness[1:]):
            node_scores[:, k] = np.clip(100.0 * c_k, 0.0, 100.0)
    else:
        scores, s100 = scorer.score(matrix, w, membership)
        for k, (idx, wk) in enumerate(parts):
            mem_k = membership[:, idx, :] if membership is not None else None
            _, s_k = scorer.score(matrix[:, idx], wk, mem_k, idx)
            node_scores[:, k] = np.clip(s_k, 0.0, 100.0)
    s100 = np.clip(s100, 0.0, 100.0)
    ranks = ranking.rank(scores, higher_is_better=(method != "vikor"))
    grades = system.grades_of(s100)

    # -- explanations
    contrib = _contributions(
        method, normalization, mode, matrix, w, types, bounds, r01, s100, membership, centres, rho
    )
    node_obstacle = _obstacles(r01, w, under)

    # -- qualitative evidence and share
    qsum = None
    qmask = np.array([k == "qualitative" for k in asm.kinds])
    weight_share = float(w[qmask].sum())
    share = qual.qualitative_share(w, contrib, qmask, contributions=True)
    # the normalised values, contributions, shortfalls and obstacle degrees are exact functions of arrays the
    # result keeps: computed when read (bit for bit what they were here), not held as four more (n, m) arrays
    # through the rest of the evaluation and in the result; FCE's contributions need the memberships
    norm_field = deferred_shared(_normalized, matrix, types, bounds)
    if membership is None:
        contrib_field = deferred(_contributions_of, method, normalization, mode, matrix, w, types, bounds,
                                 norm_field, s100, None, centres, rho)
    else:
        contrib_field = readonly(contrib)
    del contrib, r01
    var_defined = bool(share.variance_defined)
    var_share = float(share.variance_share) if var_defined else 0.0
    ev = system.evaluation
    if ev.qualitative_floor is not None and weight_share < ev.qualitative_floor - 1e-12:
        msg = (
            f"qualitative indicators carry {weight_share:.3f} of the total weight, below the system's "
            f"floor of {ev.qualitative_floor}"
        )
        if ev.qualitative_policy == "strict":
            raise ConsistencyError(msg + " (policy 'strict')")
        diags.append(
            Diagnostic(code="qualitative_share_low", severity="warning", message=msg, value=weight_share)
        )
    if asm.qualitative is not None:
        qsum, extra = _qualitative_summary(
            system, assessment, asm, weight_share, var_share, var_defined, scorer, matrix, w, membership
        )
        diags.extend(extra)

    qd = asm.qualitative
    group_codes = None if qd is None or qd.group_code is None else (qd.groups, qd.group_code)
    # the hash and the fingerprints share what they both derive (rater code points, metadata columns)
    if known_hash is None:
        digest, project_fp, indicator_fp, file_fp = provenance_digests(assessment, group_codes,
                                                                       hash_format or HASH_FORMAT_2)
    else:
        digest = known_hash
        project_fp, indicator_fp, file_fp = fingerprint_arrays(assessment, group_codes)
    prov = Provenance(
        ppeval_version=__version__,
        numpy_version=np.__version__,
        scipy_version=_scipy_version(),
        system_id=system.id,
        system_version=system.version,
        system_hash=system_hash(system),
        assessment_hash=digest,
        config_hash=config_hash(config, seed),
        seed=seed,
        config=config,
        # 16-hex-digit maps built when read (a million projects: a million strings nobody may read)
        project_fingerprints=deferred(fingerprint_map, tuple(assessment.project_ids), project_fp),
        indicator_fingerprints=deferred(fingerprint_map, tuple(assessment.indicator_ids), indicator_fp),
        file_fingerprints=file_fp,
        assessment_hash_format=hash_format,
    )
    if getattr(assessment, "_ids_only", False):  # loaded without a projects table: each name is the id
        names = tuple(assessment.project_ids)
    else:
        names = tuple([p.name or p.id for p in assessment.projects])
    return EvaluationResult(
        project_ids=tuple(assessment.project_ids),
        project_names=names,
        indicator_ids=tuple(ids),
        indicator_kinds=asm.kinds,
        method=method,
        mode=mode,
        normalization=normalization,
        scores=readonly(np.array(scores, dtype=np.float64)),
        score_100=readonly(s100),
        grades=tuple(grades),
        ranks=readonly(np.asarray(ranks, dtype=np.int64)),
        weights=readonly(w),
        node_weights=records,
        node_ids=tuple(g.id for g in inner),
        node_scores=readonly(node_scores),
        matrix=asm.matrix,
        normalized=norm_field,
        types=readonly(np.array(types, dtype=np.int64)),
        bounds=None if bounds is None else readonly(np.array(bounds, dtype=np.float64)),
        contributions=contrib_field,
        shortfall=deferred(_shortfall, w, norm_field),
        weakest=deferred(_weakest_of, norm_field, w, tuple(ids), config["top_weakest"]),
        obstacle=deferred(_obstacle, norm_field, w),
        node_obstacle=readonly(node_obstacle),
        imputed=asm.imputed,
        grade_labels=tuple(b.label for b in system.grades),
        fce_membership=None if membership is None else readonly(axis_dot(membership, w, 1)),
        qualitative=qsum,
        diagnostics=tuple(diags),
        provenance=prov,
        raw=None if asm.raw is None else readonly(asm.raw),
        notes=_notes(assessment),
    )


def _set_dependence(system: IndicatorSystem, overrides: Mapping[str, Any]) -> list[Diagnostic]:
    """A warning when absolute-mode scores still depend on the evaluated set, through data-driven weights."""
    from ppeval.pipeline.frozen import data_driven_nodes

    nodes = [g for g in data_driven_nodes(system) if g not in overrides]
    if not nodes:
        return []
    named = listing([f"{system.group(g).name} ({system.group(g).weighting.method})" for g in nodes])
    return [
        Diagnostic(
            code="weights_depend_on_set",
            severity="warning",
            message=f"absolute mode, but the weights of {named} are computed from the evaluated projects' "
            "data: each project's score depends on which other projects were evaluated, through these "
            "weights. Freeze them (evaluate(..., weights=earlier_result), ppeval evaluate --weights-from, "
            "or fixed weights in the system) to make scores independent of the evaluated set",
            node=nodes[0] if len(nodes) == 1 else None,
            value=float(len(nodes)),
        )
    ]
def _weakest(
    shortfall: FloatArray, ids: Sequence[str], top: int, floor: float = 1e-12
) -> tuple[tuple[str, ...], ...]:
    """Per project, the ids of its ``top`` largest values (above ``floor``), largest first.

    Ties keep the system's leaf order (the order of a stable sort of the
    negated values; ``argmax`` takes the first of equal values). Values
    taken in decreasing order put the ones at or below ``floor`` last, so
    each row is a prefix of its top ``top`` ids. Row blocks, ``top`` passes
    of ``argmax``: no per-project Python loop, no full sort of each row.
    """
    n, m = shortfall.shape
    top = min(top, m)
    if top == 0 or n == 0:
        empty: tuple[tuple[str, ...], ...] = ((),) * n
        return empty
    order = np.empty((n, top), dtype=np.int64)
    keep = np.empty(n, dtype=np.int64)
    step = max(1, (1 << 22) // (8 * max(m, 1)))
    for start in range(0, n, step):  # row blocks: one (block, m) copy at a time
        blk = np.array(shortfall[start : start + step])
        rows = np.arange(blk.shape[0])
        cnt = np.zeros(blk.shape[0], dtype=np.int64)
        for k in range(top):  # argmax takes the first of equal values: the stable order
            j = np.argmax(blk, axis=1)
            order[start : start + blk.shape[0], k] = j
            cnt += blk[rows, j] > floor
            blk[rows, j] = -np.inf
        keep[start : start + blk.shape[0]] = cnt
    names = np.array(ids, dtype=object)[order]
    out: list[tuple[str, ...]] = list(map(tuple, names.tolist()))
    for i in np.flatnonzero(keep < top).tolist():
        out[i] = out[i][: int(keep[i])]
    return tuple(out)


#: A project that lost fewer points than this (on the 0-100 scale) has no obstacles (rounding only).
LOST_FLOOR = 1e-12


def _normalized(matrix: FloatArray, types: IntArray, bounds: FloatArray | None) -> FloatArray:
    """``EvaluationResult.normalized``: :func:`ppeval.normalize.minmax` of the matrix (against the bounds in
    absolute mode), as computed at the start of the evaluation."""
    return readonly(normalize.minmax(matrix, types, bounds=bounds))


def _shortfall(w: FloatArray, r01: FloatArray) -> FloatArray:
    """Weighted points lost against the best value, ``100 w_j (1 - r_ij)`` (``EvaluationResult.shortfall``)."""
    out: FloatArray = readonly(100.0 * w * (1.0 - r01))
    return out


def _obstacle(r01: FloatArray, w: FloatArray) -> FloatArray:
    """Obstacle degrees of every project and indicator (``EvaluationResult.obstacle``)."""
    return readonly(methods.obstacle_degree(np.clip(r01, 0.0, 1.0), w))


def _contributions_of(*args: Any) -> FloatArray:
    """:func:`_contributions` made read-only (``EvaluationResult.contributions`` computed on access)."""
    return readonly(_contributions(*args))


#: Rows per block of the obstacle pass (about 4 MB of (block, m) float64 at 50 indicators).
_OBSTACLE_BLOCK = 8192


def _obstacles(r01: FloatArray, w: FloatArray, under: FloatArray) -> FloatArray:
    """Obstacle degrees totalled per inner node (``EvaluationResult.node_obstacle``).

    Computed in blocks of rows with the arithmetic of :func:`_obstacle` (rows are independent, so the
    degrees have the bits of the whole matrix; a matrix of up to :data:`_OBSTACLE_BLOCK` rows is one
    block, one product as before): the ``(n, m)`` degrees are not built here; the result computes them
    when they are read.
    """
    from ppeval.methods.obstacle import degrees

    n = r01.shape[0]
    node_obstacle = np.empty((n, under.shape[1]))
    for start in range(0, n, _OBSTACLE_BLOCK):
        blk = r01[start : start + _OBSTACLE_BLOCK]
        # degrees clips 1 - x to [0, 1], which is 1 - clip(x, 0, 1) bit for bit: no clip of the block first
        node_obstacle[start : start + blk.shape[0]] = degrees(blk, w) @ under
    return node_obstacle


def _weakest_of(r01: FloatArray, w: FloatArray, ids: tuple[str, ...], top: int) -> tuple[tuple[str, ...], ...]:
    """Each project's main obstacles (``EvaluationResult.weakest``), computed when read.

    The ``top`` largest obstacle degrees of a project (the same order as its lost points, ``shortfall``),
    leaving out indicators with no share of the loss and projects that lost less than :data:`LOST_FLOOR`
    points in all; in blocks of rows with the arithmetic of :func:`_obstacle` and :func:`_shortfall`.
    """
    from ppeval.methods.obstacle import degrees

    weakest: list[tuple[str, ...]] = []
    w100 = 100.0 * w
    for start in range(0, r01.shape[0], _OBSTACLE_BLOCK):
        blk = r01[start : start + _OBSTACLE_BLOCK]
        rows = list(_weakest(degrees(np.clip(blk, 0.0, 1.0), w), ids, top, LOST_FLOOR))
        lost = (w100 * (1.0 - blk)).sum(axis=1)
        for i in np.flatnonzero(lost < LOST_FLOOR).tolist():
            rows[i] = ()
        weakest.extend(rows)
    return tuple(weakest)


def _check_constraints(system: IndicatorSystem, local: Mapping[str, FloatArray]) -> None:
    """The system's weight constraints on the weights as computed (data-driven nodes, overrides)."""
    if not system.constraints:
        return
    lw = {k: dict(zip(system.group(k).child_ids, (float(x) for x in v), strict=True)) for k, v in local.items()}
    node_w = system.node_global_weights(lw)
    for rule in system.constraints:
        share = float(sum(node_w[n] for n in rule.nodes))
        msg = system.constraint_violation(rule, share, computed=True)
        if msg:
            raise SchemaError(f"indicator system {system.id!r}: {msg}")


def _notes(assessment: Assessment) -> dict[str, dict[str, str]] | None:
    """``{project: {indicator or "": note}}`` from the assessment, or ``None``."""
    notes = getattr(assessment, "notes", None)
    if not notes:
        return None
    out: dict[str, dict[str, str]] = {}
    for (project, indicator), text in notes.items():
        out.setdefault(project, {})[indicator] = text
    return out


def _consistency_diagnostics(system: IndicatorSystem) -> list[Diagnostic]:
    """AHP nodes above their CR threshold, with the judgments to revise first."""
    from ppeval import ahp
    from ppeval.schema.weighting import AHP, Combine

    out: list[Diagnostic] = []
    for rep in system.consistency():
        if rep.consistent:
            continue
        if rep.policy == "reject":
            raise ConsistencyError(
                f"node {rep.node_id!r} ({rep.path}): "
                + "; ".join(rep.violations())
                + "; the node's policy is 'reject'"
            )
        g = system.group(rep.node_id)
        spec = g.weighting
        if isinstance(spec, Combine):
            spec = next((s for s in spec.sources if isinstance(s, AHP)), spec)
        for e in rep.experts:
            if e.consistent:
                continue
            revise = ""
            if isinstance(spec, AHP):
                matrix = spec.experts[e.index].judgments.to_matrix(g.child_ids)
                if not np.isnan(matrix).any():
                    worst = ahp.inconsistencies(matrix)[:3]
                    revise = "; revise first: " + ", ".join(
                        f"{g.child_ids[j.i]} vs {g.child_ids[j.j]} (now {j.current:.3g}, consistent value "
                        f"{j.suggested:.3g})"
                        for j in worst
                    )
            out.append(
                Diagnostic(
                    code="ahp_inconsistent",
                    severity="warning",
                    message=f"node {rep.node_id!r}: {e.label}'s judgments have CR = {e.cr:.4f} > "
                    f"{rep.threshold}{revise}",
                    node=rep.node_id,
                    value=float(e.cr),
                )
            )
        if rep.group_cr is not None and rep.group_cr > rep.threshold:
            out.append(
                Diagnostic(
                    code="ahp_inconsistent",
                    severity="warning",
                    message=f"node {rep.node_id!r}: group CR = {rep.group_cr:.4f} > {rep.threshold}",
                    node=rep.node_id,
                    value=float(rep.group_cr),
                )
            )
    return out


def _scipy_version() -> str:
    import scipy

    return str(scipy.__version__)


def _leaves_under(system: IndicatorSystem, node_id: str) -> list[Any]:
    out = []
    for leaf in system.leaves():
        if node_id in system.ancestors(leaf.id):
            out.append(leaf)
    return out


def _zero_where_empty(values: FloatArray, counts: IntArray) -> FloatArray:
    """``QualitativeSummary.group_values``: the per-group aggregates with 0 where the group gave no rating."""
    out: FloatArray = readonly(np.where(counts > 0, values, 0.0))
    return out


def _zero_where_empty_of(tables: tuple[FloatArray, IntArray]) -> FloatArray:
    """:func:`_zero_where_empty` of the assembly's ``(group_values, group_counts)`` tables."""
    return _zero_where_empty(tables[0], tables[1])


def _int64_counts_of(tables: tuple[FloatArray, IntArray]) -> IntArray:
    """:func:`~ppeval.pipeline._assemble.int64_counts` of the assembly's group counts."""
    return int64_counts(tables[1])


def _within_bounds(scorer: _Scorer, cols: IntArray, values: FloatArray, has: np.ndarray) -> bool:
    """Whether the scorer is absolute TOPSIS and every ``values[i, k]`` where ``has`` lies within the bounds of
    column ``cols[k]`` (then a matrix differing from the checked one only there needs no new check)."""
    if scorer.method != "topsis" or scorer.bounds is None or values.shape[1] != cols.shape[0]:
        return False
    b = scorer.bounds[cols]
    lo = np.minimum(b[:, 0], b[:, 1])
    hi = np.maximum(b[:, 0], b[:, 1])
    with np.errstate(invalid="ignore"):  # (nan where a cell has no value: not compared, `has` is False there)
        inside = (values >= lo) & (values <= hi)
    return bool(np.all(inside | ~has))


def _qualitative_summary(
    system: IndicatorSystem,
    assessment: Assessment,
    asm: Assembled,
    weight_share: float,
    var_share: float,
    var_defined: bool,
    scorer: _Scorer,
    matrix: FloatArray,
    w: FloatArray,
    membership: FloatArray | None,
) -> tuple[QualitativeSummary, list[Diagnostic]]:
    q = asm.qualitative
    assert q is not None  # noqa: S101 - guarded by the caller
    diags: list[Diagnostic] = []
    ids = system.leaf_ids
    qids = tuple(ids[c] for c in q.cols)
    ev = system.evaluation
    thin = (q.n_raters < ev.min_raters) & (q.n_raters > 0)
    for k in np.flatnonzero(thin.any(axis=0)):
        which = np.flatnonzero(thin[:, k])
        listed = listing(
            [f"{assessment.project_ids[i]!r} ({q.n_raters[i, k]})" for i in which[:6]], total=which.size
        )
        diags.append(
            Diagnostic(
                code="thin_evidence",
                severity="warning",
                message=f"indicator {qids[k]!r}: {which.size} project(s) rest on fewer than the system's "
                f"min_raters = {ev.min_raters} ratings: {listed}",
                indicator=qids[k],
                project=assessment.project_ids[which[0]] if which.size == 1 else None,
                value=float(which.size),
            )
        )
    r = assessment.ratings
    pos = np.full(len(ids), -1, dtype=np.int64)
    pos[q.cols] = np.arange(q.cols.size)
    # the ratings' codes and values passed the aggregation's checks in this evaluation (`assemble`): the
    # agreement takes them without checking them again
    agree = _indicator_agreement(r.project, pos[r.indicator], r.value, None, len(assessment.project_ids),
                                 q.cols.size, "ordinal")
    alpha = np.where(agree.defined, agree.alpha, 0.0)
    for k in np.flatnonzero(agree.defined & (alpha < ALPHA_FLOOR)):
        diags.append(
            Diagnostic(
                code="rater_disagreement",
                severity="warning",
                message=f"indicator {qids[k]!r}: raters of the same project agree little "
                f"(Krippendorff's alpha = {alpha[k]:.3f} < {ALPHA_FLOOR})",
                indicator=qids[k],
                value=float(alpha[k]),
            )
        )
    resident_scores = resident_ranks = None
    if RESIDENT_GROUP in q.groups:
        gi = q.groups.index(RESIDENT_GROUP)
        res_vals, res_counts = q.group_row(gi)  # (not the other groups' tables, if the assembly left them out)
        has = res_counts > 0
        del res_counts
        if has.any():
            mres = np.array(matrix, dtype=np.float64)
            cols = q.cols
            # the residents' mean rating over the copy where they rated, column by column (no (n, q)
            # temporaries and no fancy-indexed write of them)
            for kq, cq in enumerate(cols.tolist()):
                np.copyto(mres[:, cq], res_vals[:, kq], where=has[:, kq])
            if asm.ruled is not None and asm.ruled[cols].any():
                # a column scored by its rule holds the share of points the rule awards (absolute mode):
                # the residents' mean rating is scored by the same rule, as the evaluation's rating was
                leaves = system.leaves()
                static = system.points()
                for k in np.flatnonzero(asm.ruled[cols]):
                    leaf = leaves[int(cols[k])]
                    sel = has[:, k]
                    if isinstance(leaf, Qualitative) and leaf.scoring is not None and sel.any():
                        full = static.get(leaf.id, 1.0)
                        earned = rule_points(leaf.scoring, res_vals[sel, k], full, leaf.direction,
                                             leaf.scale.label_map())
                        mres[sel, int(cols[k])] = earned / full if full > 0 else 0.0
            mem_r = membership  # FCE keeps the all-rater memberships (documented)
            if _within_bounds(scorer, cols, res_vals, has):
                # absolute TOPSIS, the residents' means inside their columns' bounds: the other columns are the
                # matrix the minmax call checked, so the checks are not repeated (the bits of topsis)
                sr = topsis_columns(mres, scorer.types, [(None, w)], normalization="minmax", bounds=scorer.bounds,
                                    checked=True)[0]
                s100r = 100.0 * sr
            else:
                sr, s100r = scorer.score(mres, w, mem_r)
            del mres, has  # an (n, m) copy: not kept through the reliability statistics
            resident_scores = readonly(np.clip(s100r, 0.0, 100.0))
            rr = ranking.rank(sr, higher_is_better=(scorer.method != "vikor"))
            resident_ranks = readonly(np.asarray(rr, dtype=np.int64))
    # 0 where a group gave no rating: computed when read, from the aggregation's arrays (no second copy)
    tables = q.tables if q.group_values is None else (q.group_values, q.group_counts)
    gv = deferred(_zero_where_empty_of, tables)
    rel, rel_diags = reliability_statistics(
        assessment, q.cols, ids, None if q.group_code is None else (q.groups, q.group_code)
    )
    diags.extend(rel_diags)
    summary = QualitativeSummary(
        indicator_ids=qids,
        n_raters=readonly(np.asarray(q.n_raters, dtype=np.int64)),
        n_missing=readonly(np.asarray(q.n_missing, dtype=np.int64)),
        groups=q.groups,
        group_values=gv,
        group_counts=deferred(_int64_counts_of, tables),  # int64 when read (kept as int32 till then)
        agreement=readonly(alpha),
        agreement_defined=readonly(np.asarray(agree.defined, dtype=bool)),
        weight_share=weight_share,
        variance_share=var_share,
        variance_defined=var_defined,
        resident_scores=resident_scores,
        resident_ranks=resident_ranks,
        reliability=rel,
    )
    return summary, diags
