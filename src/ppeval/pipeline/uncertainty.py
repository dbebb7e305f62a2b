"""How sure is each grade and each payment: the evidence Monte Carlo of an evaluation result.

Maps an :class:`~ppeval.pipeline.EvaluationResult`, its indicator system and
its assessment onto :func:`ppeval.sensitivity.evidence_monte_carlo`: the
raters of every qualitative cell are resampled within their rater groups
(the system's aggregation rule and group weights), quantitative values vary
as their indicators' ``uncertainty`` declares, weights as in the weight-only
analysis. With the system's ``evaluation.decisions`` and the projects'
``contract_value`` it adds decisions and payments; it also finds the
smallest single change that moves each project across a grade boundary.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._typing import FloatArray
from ppeval.errors import InputError, PPEvalError, SchemaError
from ppeval.pipeline.result import EvaluationResult
from ppeval.schema import Assessment, IndicatorSystem, MeasurementUncertainty, Qualitative, Quantitative
from ppeval.schema.scoring import Deduction, PassFail, Piecewise, Proportional, resolve_value
from ppeval.sensitivity import (
    DecisionRules,
    EvidenceResult,
    GradeBoundaryResult,
    PaymentOutcome,
    decision_rules,
    evidence_monte_carlo,
    grade_boundary_changes,
    payment_outcomes,
    rating_evidence,
    value_uncertainty,
)
from ppeval.sensitivity._stack_methods import FuzzyGrades, fuzzy_grades
from ppeval.sensitivity._transforms import ColumnTransform, ColumnTransforms, column_transform, column_transforms

__all__ = ["UncertaintyAnalysis", "analyse_uncertainty", "system_decision_rules", "BOUNDARY_MAX_PROJECTS"]

#: Largest number of projects for the grade-boundary search in relative mode (its cost grows as n^2 m^2).
BOUNDARY_MAX_PROJECTS = 300


@dataclass(frozen=True, eq=False)
class UncertaintyAnalysis:
    """Evidence uncertainty of one evaluation result.

    Attributes
    ----------
    evidence : EvidenceResult or None
        Score distribution, grade and decision probabilities, rank
        acceptability and first-order indices per project (None if it
        could not be computed, see ``notes``).
    payments : PaymentOutcome or None
        Decisions and payments (None without decision rules or contract values).
    boundary : GradeBoundaryResult or None
        Smallest single value or weight change that changes each grade (a
        value in the indicator's unit, also for target / interval indicators
        and indicators with a scoring rule: the search moves the measured
        value and transforms it, as the evaluation does).
    sources : tuple of str
        Sources varied (``weights``, ``ratings``, ``values``).
    uncertain_values : tuple of str
        Indicators whose values vary (declared ``uncertainty``).
    samples, seed, concentration
        Settings of the run.
    exact : bool
        False when the evidence Monte Carlo scores with a proxy method (see
        ``notes``). Every method of :func:`~ppeval.pipeline.evaluate` is now
        scored by itself, so this is True; only the grade-boundary search of
        an FCE result uses WSM as a proxy, which ``notes`` says.
    notes : tuple of str
        What was approximated or skipped, and why.
    """

    evidence: EvidenceResult | None
    payments: PaymentOutcome | None
    boundary: GradeBoundaryResult | None
    sources: tuple[str, ...]
    uncertain_values: tuple[str, ...]
    samples: int
    seed: int | None
    concentration: float | None
    exact: bool
    notes: tuple[str, ...]


def system_decision_rules(system: IndicatorSystem) -> DecisionRules | None:
    """The system's ``evaluation.decisions`` as :class:`~ppeval.sensitivity.DecisionRules` (None if absent).

    A rule given by ``grade`` takes that grade's lower bound.

    Raises
    ------
    SchemaError
        A rule names an unknown grade, or the bands are not strictly decreasing.
    """
    rules = system.evaluation.decisions
    if not rules:
        return None
    mins = {g.label: g.min for g in system.grades}
    lower = []
    for r in rules:
        if r.grade is not None:
            if r.grade not in mins:
                raise SchemaError(
                    f"evaluation.decisions: decision {r.name!r} names grade {r.grade!r}; the system's grades are "
                    f"{', '.join(repr(g) for g in mins)}"
                )
            lower.append(mins[r.grade])
        else:
            lower.append(float(r.min))  # type: ignore[arg-type]
    try:
        return decision_rules(
            [r.name for r in rules], lower, [r.release for r in rules],
            deduction=[r.deduction for r in rules], action=[r.action for r in rules],
        )
    except InputError as exc:
        raise SchemaError(f"evaluation.decisions: {exc}") from None


def _as_declared(system: IndicatorSystem, declared: Any) -> dict[str, MeasurementUncertainty]:
    """Per-indicator measurement uncertainty given with the data: id -> MeasurementUncertainty (or its fields)."""
    if declared is None:
        return {}
    if not isinstance(declared, Mapping):
        raise InputError(f"uncertainty is {type(declared).__name__}; expected a mapping of indicator id to "
                         "{distribution, absolute, relative}")
    kinds = {leaf.id: leaf for leaf in system.leaves()}
    out: dict[str, MeasurementUncertainty] = {}
    for key, spec in declared.items():
        leaf = kinds.get(key)
        if leaf is None:
            raise InputError(f"uncertainty names indicator {key!r}, which system {system.id!r} does not have")
        if not isinstance(leaf, Quantitative):
            raise InputError(f"uncertainty names {leaf.name} ({key!r}), a rated indicator; its uncertainty "
                             "comes from resampling its raters")
        if isinstance(spec, MeasurementUncertainty):
            out[key] = spec
            continue
        try:
            out[key] = MeasurementUncertainty.model_validate(spec)
        except ValueError as exc:
            raise InputError(f"uncertainty of indicator {key!r}: {exc}") from None
    return out


def _values_spec(
    system: IndicatorSystem, result: EvaluationResult, notes: list[str], declared: dict[str, MeasurementUncertainty],
    transformed: np.ndarray, raw: FloatArray,
) -> tuple[Any, tuple[str, ...]]:
    leaves = system.leaves()
    m = len(leaves)
    dist = ["none"] * m
    absolute = np.zeros(m)
    relative = np.zeros(m)
    low = np.full(m, -np.inf)
    high = np.full(m, np.inf)
    names: list[str] = []
    for j, leaf in enumerate(leaves):
        if not isinstance(leaf, Quantitative):
            continue
        u = declared.get(leaf.id, leaf.uncertainty)  # the data's declaration overrides the system's
        if u is None:
            continue
        dist[j] = u.distribution
        absolute[j] = u.absolute
        relative[j] = u.relative
        if leaf.bounds is not None:
            low[j], high[j] = leaf.bounds.low, leaf.bounds.high
        elif leaf.range is not None:  # target / interval: the plausible range of the measured value
            low[j], high[j] = leaf.range.low, leaf.range.high
        if transformed[j]:
            # the sampled raw value goes through the column's transform; a value reported outside the stated
            # span widens the truncation instead of failing the run
            low[j] = min(low[j], float(raw[:, j].min()))
            high[j] = max(high[j], float(raw[:, j].max()))
        names.append(leaf.id)
    if not names:
        return None, ()
    if result.imputed.any():
        notes.append("imputed cells vary like measured ones of their indicator")
    return value_uncertainty(dist, m, absolute=absolute, relative=relative, low=low, high=high), tuple(names)


def _scored_by_rule(system: IndicatorSystem, result: EvaluationResult) -> np.ndarray:
    """Columns the evaluation turned into the share of points their scoring rule awards (absolute mode)."""
    return np.array([result.mode == "absolute" and getattr(leaf, "scoring", None) is not None
                     for leaf in system.leaves()], dtype=bool)


def _rule_transform(leaf: Any, full: float) -> ColumnTransform:
    """The leaf's scoring rule as a numeric transform (the share of ``full`` it awards; absolute mode)."""
    rule = leaf.scoring
    labels = leaf.scale.label_map() if isinstance(leaf, Qualitative) else None
    cost = leaf.direction == "cost"

    def num(value: float | str) -> float:
        v = resolve_value(value, labels)
        if v is None:  # pragma: no cover - the schema checks labels
            raise SchemaError(f"indicator {leaf.id!r}: rule value {value!r} is not a number or a scale label")
        return v

    if isinstance(rule, Proportional):
        return column_transform("proportional", cost=cost, full=full, target=float(rule.target))
    if isinstance(rule, Deduction):
        return column_transform("deduction", cost=cost, full=full, target=num(rule.target), per=rule.per,
                                deduct=rule.deduct, count=rule.count)
    if isinstance(rule, PassFail):
        return column_transform("pass_fail", cost=cost, full=full, threshold=num(rule.threshold))
    if isinstance(rule, Piecewise):
        return column_transform("piecewise", full=full, table=[(num(v), p) for v, p in rule.table])
    limits = [num(b.max if cost else b.min) for b in rule.bands]
    return column_transform("bands", cost=cost, full=full,
                            bands=list(zip(limits, [b.points for b in rule.bands], strict=True)))


def _raw_values(system: IndicatorSystem, assessment: Assessment, result: EvaluationResult) -> FloatArray:
    """The evaluation's values before its transforms (the result's ``raw``; assembled again if it has none)."""
    if result.raw is not None:
        return np.asarray(result.raw)
    from ppeval.pipeline._assemble import assemble

    asm = assemble(system, assessment, scoring_rules=(result.mode == "absolute"))
    return np.asarray(asm.raw if asm.raw is not None else result.matrix)


def _transforms_spec(system: IndicatorSystem, result: EvaluationResult,
                     raw: FloatArray | None = None) -> ColumnTransforms | None:
    """How the evaluation turned raw values into matrix values: closeness to a target or interval, scoring rules."""
    ruled = _scored_by_rule(system, result)
    static = system.points() if ruled.any() else {}
    specs: dict[int, ColumnTransform] = {}
    for j, leaf in enumerate(system.leaves()):
        if ruled[j]:
            specs[j] = _rule_transform(leaf, static.get(leaf.id, 1.0))
        elif isinstance(leaf, Quantitative) and leaf.direction in ("target", "interval") and leaf.range is not None:
            rng = leaf.range
            if leaf.direction == "target" and leaf.target is not None:
                specs[j] = column_transform("target", target=leaf.target.value, tolerance=leaf.target.tolerance,
                                            low=rng.low, high=rng.high)
            elif leaf.interval is not None:
                specs[j] = column_transform("interval", ok_low=leaf.interval.low, ok_high=leaf.interval.high,
                                            low=rng.low, high=rng.high)
    if not specs:
        return None
    return column_transforms(result.raw if raw is None else raw, specs)


def _fuzzy_spec(system: IndicatorSystem, assessment: Assessment, result: EvaluationResult,
                notes: list[str]) -> FuzzyGrades:
    """The evaluation's FCE memberships (every cell), which cells are rated, and the rating scales."""
    from ppeval.pipeline._assemble import assemble
    from ppeval.pipeline._evaluate import _fce_membership
    from ppeval.pipeline._transform import grade_centres

    centres = grade_centres(np.array([g.min for g in system.grades], dtype=np.float64))
    asm = assemble(system, assessment, scoring_rules=(result.mode == "absolute"))
    mem = _fce_membership(asm, np.asarray(result.normalized), assessment, system, centres)
    leaves = system.leaves()
    n, m = len(result.project_ids), len(leaves)
    rated = np.zeros((n, m), dtype=bool)
    worst = np.zeros(m)
    best = np.ones(m)
    r = assessment.ratings
    if len(r):
        ok = ~np.isnan(r.value)
        qual = np.array([isinstance(leaf, Qualitative) for leaf in leaves], dtype=bool)
        sel = ok & qual[r.indicator]
        rated[r.project[sel], r.indicator[sel]] = True
        for j, leaf in enumerate(leaves):
            if isinstance(leaf, Qualitative):
                b = leaf.effective_bounds
                worst[j], best[j] = float(b.worst), float(b.best)
        gw = system.evaluation.rater_group_weights
        if gw is not None and any(w == 0 for w in gw.values()):
            notes.append("raters of groups weighted 0 are left out of the resampled FCE memberships (the "
                         "evaluation's memberships count them)")
    return fuzzy_grades(centres, mem, rated=rated, scale_worst=worst, scale_best=best)


def _ratings_spec(system: IndicatorSystem, assessment: Assessment, result: EvaluationResult,
                  notes: list[str]) -> Any:
    r = assessment.ratings
    if not len(r):
        return None
    ev = system.evaluation
    gw = None
    groups = None
    if ev.rater_group_weights is not None:
        groups = tuple(sorted(ev.rater_group_weights))
        w = np.array([ev.rater_group_weights[g] for g in groups], dtype=np.float64)
        gw = w / w.sum()
    return rating_evidence(
        r.project, r.indicator, r.value, n_projects=len(result.project_ids),
        n_criteria=len(result.indicator_ids), group=r.group, groups=groups, group_weights=gw,
        method=ev.rating_aggregation, trim=ev.trim, project_ids=result.project_ids,
        indicator_ids=result.indicator_ids,
    )


def _value_range(system: IndicatorSystem, result: EvaluationResult, transformed: np.ndarray,
                 raw: FloatArray) -> FloatArray:
    """Per column, the range the grade-boundary search moves a value in (raw values for transformed columns)."""
    x = result.matrix
    out = np.empty((x.shape[1], 2))
    for j, leaf in enumerate(system.leaves()):
        span = leaf.span if isinstance(leaf, Qualitative | Quantitative) else None
        col = raw[:, j] if transformed[j] else x[:, j]
        if isinstance(leaf, Quantitative) and leaf.direction in ("target", "interval") and not transformed[j]:
            span = (0.0, 1.0)
        if span is None:
            lo, hi = float(col.min()), float(col.max())
            w = max(hi - lo, abs(hi) * 1e-6, 1e-9)
            span = (lo - w, hi + w)
        lo, hi = min(span[0], float(col.min())), max(span[1], float(col.max()))
        out[j] = (lo, hi if hi > lo else lo + 1.0)
    return out


def analyse_uncertainty(
    result: EvaluationResult,
    system: IndicatorSystem,
    assessment: Assessment,
    *,
    samples: int = 2000,
    seed: int | None = None,
    concentration: float | None = 200.0,
    weights: bool = True,
    ratings: bool = True,
    values: bool = True,
    boundary: bool = True,
    uncertainty: Mapping[str, Any] | None = None,
    executor: concurrent.futures.Executor | None = None,
    chunk_size: int | None = None,
) -> UncertaintyAnalysis:
    """How sure each score, grade, rank, decision and payment is.

    Parameters
    ----------
    result : EvaluationResult
        ``evaluate(system, assessment)``.
    system : IndicatorSystem
        Its system (grades, aggregation rule, ``uncertainty`` of indicators,
        ``evaluation.decisions``).
    assessment : Assessment
        Its assessment (raters' answers, ``contract_value`` of projects).
    samples : int, default 2000
        Monte Carlo samples (>= 1).
    seed : int, optional
        Seed (None: fresh entropy, recorded in the evidence result).
    concentration : float or None, default 200
        Dirichlet concentration of the weight draws (None: uniform simplex).
    weights, ratings, values : bool
        Which sources vary (ratings: stratified bootstrap of the raters;
        values: the declared measurement uncertainty).
    boundary : bool, default True
        Also search the smallest change that moves each project across a
        grade boundary (skipped with a note beyond
        :data:`BOUNDARY_MAX_PROJECTS` projects in relative mode).
    uncertainty : mapping of str to MeasurementUncertainty or dict, optional
        Measurement uncertainty declared with the data, per quantitative
        indicator id (``{"distribution": "normal", "relative": 0.1}``);
        overrides the system's declaration of that indicator.
    executor, chunk_size
        As :func:`~ppeval.sensitivity.evidence_monte_carlo` (results do not
        depend on them).

    Returns
    -------
    UncertaintyAnalysis

    Raises
    ------
    InputError
        Invalid arguments, or a result that does not belong to the
        system and assessment given.
    SchemaError
        Decision rules that name an unknown grade.

    Notes
    -----
    Formulas and sources: :func:`~ppeval.sensitivity.evidence_monte_carlo`,
    :func:`~ppeval.sensitivity.payment_outcomes`,
    :func:`~ppeval.sensitivity.grade_boundary_changes`.

    Every sample is scored with the result's own method: TOPSIS, WSM, VIKOR
    and GRA in either mode, and FCE with its memberships recomputed per
    sample (a quantitative cell from its sampled value; a rated cell from
    its resampled raters, each answer placed in the grades and averaged, as
    the evaluation does). Values that the evaluation transforms are varied
    as measured and transformed again in every sample: target and interval
    indicators become their closeness, and in absolute mode an indicator
    with a scoring rule becomes the share of its points the rule awards (to
    a sampled value, or to a resampled aggregate rating). So the
    measurement uncertainty of such an indicator, and the raters of a rated
    indicator with a rule, count like any other. The grade-boundary search
    moves measured values in the same way (the change is reported in the
    indicator's unit) and searches an FCE result with WSM as a proxy.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, data = bundled.load_sample("community-4stage")
    >>> u = analyse_uncertainty(evaluate(system, data), system, data, samples=400, seed=1, boundary=False)
    >>> u.sources
    ('weights', 'ratings')
    """
    if not isinstance(result, EvaluationResult):
        raise InputError(f"result must be an EvaluationResult; got {type(result).__name__}")
    if not isinstance(system, IndicatorSystem):
        raise InputError(f"system must be an IndicatorSystem; got {type(system).__name__}")
    if not isinstance(assessment, Assessment):
        raise InputError(f"assessment must be an Assessment; got {type(assessment).__name__}")
    if tuple(leaf.id for leaf in system.leaves()) != tuple(result.indicator_ids):
        raise InputError(f"the result's indicators are not those of system {system.id!r}")
    if tuple(assessment.project_ids) != tuple(result.project_ids):
        raise InputError("the result's projects are not those of the assessment given")
    for name, flag in (("weights", weights), ("ratings", ratings), ("values", values), ("boundary", boundary)):
        if not isinstance(flag, bool):
            raise InputError(f"{name} is {flag!r}; expected True or False")
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise InputError(f"samples is {samples!r}; expected an integer >= 1")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise InputError(f"seed is {seed!r}; expected an integer >= 0 or None")
    notes: list[str] = []
    # the evidence analysis scores with the result's own method (FCE, absolute VIKOR and GRA included)
    method = result.method
    norm = {"topsis": result.normalization, "wsm": "minmax"}.get(method)
    bounds = result.bounds if result.mode == "absolute" else None
    exact = True
    v = float(result.provenance.config.get("v", 0.5))
    rho = float(result.provenance.config.get("rho", 0.5))
    rules = system_decision_rules(system)
    bands = np.array([g.min for g in system.grades], dtype=np.float64)
    rat = _ratings_spec(system, assessment, result, notes) if ratings else None
    declared = _as_declared(system, uncertainty)
    raw = _raw_values(system, assessment, result)
    transforms = _transforms_spec(system, result, raw)
    transformed = np.zeros(len(result.indicator_ids), dtype=bool)
    if transforms is not None:
        transformed[transforms.columns] = True
    vals, uncertain = _values_spec(system, result, notes, declared, transformed, raw) if values else (None, ())
    fuzzy = _fuzzy_spec(system, assessment, result, notes) if method == "fce" else None
    if ratings and rat is None:
        notes.append("no raters' answers to resample: the ratings are fixed")
    if values and vals is None:
        notes.append("no indicator declares a measurement uncertainty: the measured values are fixed")
    matrix = result.matrix
    evidence = None
    try:
        evidence = evidence_monte_carlo(
            matrix, result.weights, result.types, int(samples), vary_weights=weights, concentration=concentration,
            ratings=rat, values=vals, method=method, normalization=norm, bounds=bounds, v=v, grade_bands=bands,
            decision_bands=None if rules is None else rules.lower, seed=seed, executor=executor,
            chunk_size=chunk_size, transforms=transforms, fuzzy=fuzzy, rho=rho,
        )
    except PPEvalError as exc:
        notes.append(f"Evidence Monte Carlo not computed: {exc}")
    payments = None
    if rules is not None and evidence is not None:
        cv = [p.contract_value for p in assessment.projects]
        lacking = [result.project_names[i] for i, c in enumerate(cv) if c is None]
        if lacking:
            notes.append(f"payments not computed: no contract_value for {', '.join(lacking[:5])}"
                         + (f" and {len(lacking) - 5} more" if len(lacking) > 5 else ""))
        else:
            payments = payment_outcomes(evidence, rules, np.array(cv, dtype=np.float64))
    elif rules is None:
        notes.append("no decision rules (evaluation.decisions) in the system: no payments")
    bres = None
    if boundary:
        n = len(result.project_ids)
        if bounds is None and n > BOUNDARY_MAX_PROJECTS:
            notes.append(f"grade-boundary search skipped: {n} projects in relative mode (limit "
                         f"{BOUNDARY_MAX_PROJECTS}; the cost grows as n^2 m^2)")
        else:
            b_method, b_norm = method, norm
            if method == "fce":
                b_method, b_norm = "wsm", "minmax"
                notes.append("grade-boundary search: FCE is searched with WSM on the normalised values as a proxy "
                             "(the memberships of rated cells do not follow a single value); the evidence Monte "
                             "Carlo scores FCE itself")
            try:
                bres = grade_boundary_changes(
                    matrix, result.weights, result.types, bands, method=b_method, normalization=b_norm,
                    bounds=bounds, v=v, value_range=_value_range(system, result, transformed, raw), rho=rho,
                    transforms=transforms,
                )
            except PPEvalError as exc:
                notes.append(f"grade-boundary search not computed: {exc}")
    sources = () if evidence is None else evidence.sources
    return UncertaintyAnalysis(
        evidence=evidence, payments=payments, boundary=bres, sources=sources, uncertain_values=uncertain,
        samples=int(samples), seed=seed, concentration=concentration, exact=exact, notes=tuple(notes),
    )
