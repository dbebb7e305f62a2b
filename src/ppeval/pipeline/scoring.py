"""Scoring rules applied to values, and the scoring sheet (评分表) of a project.

:func:`rule_points` is the arithmetic of the scoring rules of
:mod:`ppeval.schema.scoring` (vectorised over projects). In absolute mode the
pipeline scores a ruled indicator by the share of its points the rule awards
(so the rule *is* the indicator's normalisation). :func:`scoring_sheet` lays a
project's evaluation out the way a scoring sheet does: indicator, points,
scoring rule, target, actual value, points earned, evidence / deviation note,
totals per first-level dimension.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ppeval._typing import FloatArray
from ppeval.errors import InputError
from ppeval.schema.scoring import (
    Bands,
    Deduction,
    PassFail,
    Piecewise,
    Proportional,
    describe_rule,
    resolve_value,
)

__all__ = [
    "rule_points",
    "ScoringRow",
    "DimensionTotal",
    "ScoringSheet",
    "scoring_sheet",
    "scoring_sheets",
    "SCORE_FORMATION",
]

Rule = Proportional | Deduction | PassFail | Piecewise | Bands


def _num(value: float | str, labels: Mapping[str, float] | None) -> float:
    v = resolve_value(value, labels)
    if v is None:  # pragma: no cover - the schema checks labels
        raise InputError(f"rule value {value!r} is not a number or a scale label")
    return v


def rule_points(
    rule: Rule,
    values: FloatArray,
    points: float,
    direction: str,
    labels: Mapping[str, float] | None = None,
) -> FloatArray:
    """Points a scoring rule awards to each value.

    Parameters
    ----------
    rule : Proportional, Deduction, PassFail, Piecewise or Bands
        The indicator's rule (validated by the schema).
    values : ndarray, shape (n,)
        Raw values (measured, or the aggregated rating on the scale), finite.
    points : float
        The indicator's points (its full marks), >= 0.
    direction : str
        ``benefit`` or ``cost`` (``target``/``interval`` take piecewise tables).
    labels : mapping, optional
        ``{casefolded label: scale value}`` for rules written with scale labels.

    Returns
    -------
    ndarray, shape (n,)
        Points earned, in ``[0, points]`` (tables and bands: as written).

    Raises
    ------
    InputError
        If ``values`` hold nan or inf, or ``points`` is negative.

    Notes
    -----
    With ``P`` the points, ``t`` the target and ``x`` the value (benefit;
    cost indicators mirror every rule):

    * proportional: ``P min(1, x / t)`` -- the rule of the notes to the
      project self-evaluation form of 财预〔2020〕10号 (未完成指标值的，按照完成值与
      指标值的比例记分); cost: ``P min(1, t / x)``;
    * deduction: ``max(0, P - d u)`` with ``u = (t - x)^+ / per`` units short
      (``whole``: ``floor(u)``, ``started``: ``ceil(u)``) -- e.g. 财政部,
      中央级行政经费项目支出考评计分办法: "实际完成情况与计划每相差3%，扣1分，扣满15分为止";
    * pass/fail: ``P`` if ``x >= threshold`` else 0;
    * piecewise: linear interpolation in the table (``numpy.interp``), the
      end rows beyond the table;
    * bands: the points of the first band (best first) whose ``min`` the
      value reaches, 0 if none.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.schema.scoring import Deduction
    >>> rule = Deduction(rule="deduction", target=100, per=3, deduct=1)
    >>> rule_points(rule, np.array([100.0, 91.0, 40.0]), 15.0, "benefit").tolist()
    [15.0, 12.0, 0.0]
    """
    if not isinstance(rule, Proportional | Deduction | PassFail | Piecewise | Bands):
        raise InputError(f"rule is a {type(rule).__name__}; expected a scoring rule of ppeval.schema.scoring")
    if direction not in ("benefit", "cost", "target", "interval"):
        raise InputError(f"direction is {direction!r}; valid values are 'benefit', 'cost', 'target', 'interval'")
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("values must be a 1-D array of finite numbers") from None
    if x.ndim != 1 or not np.isfinite(x).all():
        raise InputError("values must be a 1-D array of finite numbers")
    if not (np.isfinite(points) and points >= 0):
        raise InputError(f"points is {points!r}; expected a finite number >= 0")
    cost = direction == "cost"
    out: FloatArray
    if isinstance(rule, Proportional):
        t = float(rule.target)
        if cost:
            over = x > t
            share = np.ones_like(x)
            share[over] = t / x[over]
        else:
            share = np.clip(x / t, 0.0, 1.0)
        out = points * share
        return out
    if isinstance(rule, Deduction):
        t = _num(rule.target, labels)
        short = np.maximum(x - t, 0.0) if cost else np.maximum(t - x, 0.0)
        units = short / rule.per
        if rule.count == "whole":
            units = np.floor(units)
        elif rule.count == "started":
            units = np.ceil(units)
        out = np.maximum(points - rule.deduct * units, 0.0)
        return out
    if isinstance(rule, PassFail):
        thr = _num(rule.threshold, labels)
        ok = x <= thr if cost else x >= thr
        out = np.where(ok, points, 0.0)
        return out
    if isinstance(rule, Piecewise):
        xs = np.array([_num(v, labels) for v, _p in rule.table])
        ps = np.array([p for _v, p in rule.table], dtype=np.float64)
        out = np.interp(x, xs, ps)
        return out
    limits = np.array([_num(b.max if cost else b.min, labels) for b in rule.bands  # type: ignore[arg-type]
                       ], dtype=np.float64)
    pts = np.array([b.points for b in rule.bands], dtype=np.float64)
    hit = x[:, None] <= limits[None, :] if cost else x[:, None] >= limits[None, :]
    first = np.argmax(hit, axis=1)
    out = np.where(hit.any(axis=1), pts[first], 0.0)
    return out


# ------------------------------------------------------------------------------------------ the sheet
#: How the total score is formed from the indicators, per method (zh, en).
SCORE_FORMATION: dict[str, tuple[str, str]] = {
    "wsm": (
        "加权求和：总分 = 各指标得分之和（得分 = 分值 × 达成度）。",
        "Weighted sum: the score is the sum of the points earned (points x achievement).",
    ),
    "topsis": (
        "TOPSIS：总分 = 100 × 贴近度 D⁻/(D⁺ + D⁻)，D⁺、D⁻ 为加权达成度到理想点与负理想点的距离；"
        "各指标得分（分值 × 达成度）之和一般不等于总分。",
        "TOPSIS: the score is 100 x closeness D-/(D+ + D-), with D+ and D- the distances of the weighted "
        "achievements from the ideal and anti-ideal; the points earned (points x achievement) do not in "
        "general add up to the score.",
    ),
    "vikor": (
        "VIKOR：总分 = 100 × (1 − Q)，Q = v·S + (1 − v)·R，S 为加权差距之和，R 为最大加权差距；"
        "各指标得分之和一般不等于总分。",
        "VIKOR: the score is 100 x (1 - Q), Q = v S + (1 - v) R, with S the sum and R the largest of the "
        "weighted gaps to the best values; the points earned do not in general add up to the score.",
    ),
    "fce": (
        "模糊综合评价：各指标按达成度隶属于各等级，加权平均后按等级中值折算为总分；"
        "各指标得分之和一般不等于总分。",
        "Fuzzy comprehensive evaluation: each indicator's achievement is split between grade bands, the "
        "weighted memberships are averaged and scored at the grade centres; the points earned do not in "
        "general add up to the score.",
    ),
    "gra": (
        "灰色关联分析：总分 = 100 × 灰色关联度 Σ w_j·ξ_ij，ξ_ij = (Δmin + ρ·Δmax)/(Δ_ij + ρ·Δmax)，"
        "Δ_ij 为达成度与理想值的差距，ρ 为分辨系数（Deng 1982）；各指标得分之和一般不等于总分。",
        "Grey relational analysis: the score is 100 x the grey relational grade sum_j w_j xi_ij, with "
        "xi_ij = (d_min + rho d_max) / (d_ij + rho d_max), d_ij the gap of the achievement to the ideal and rho "
        "the distinguishing coefficient (Deng 1982); the points earned do not in general add up to the score.",
    ),
}


@dataclass(frozen=True)
class ScoringRow:
    """One indicator's line of a scoring sheet.

    Attributes
    ----------
    indicator, name : str
        Indicator id and name.
    dimension, dimension_name : str
        The first-level node the indicator belongs to (id and name).
    points : float
        The indicator's points (full marks) under the weights used.
    rule_zh, rule_en : str
        The scoring rule as a sheet writes it (Chinese, English).
    target : str
        The target or best value as text ("" when the rule has none).
    actual : float or None
        The project's value (measured, or the aggregated rating); ``None``
        if it was imputed from nothing.
    actual_text : str
        ``actual`` as shown (scale label of the nearest value for ratings).
    achievement : float
        Share of the points earned, in [0, 1] (the normalised value the score used).
    earned : float
        Points earned, ``points x achievement``.
    imputed : bool
        The value was filled in by the missing-value policy.
    note : str
        Evidence / deviation note from the data ("" if none).
    """

    indicator: str
    name: str
    dimension: str
    dimension_name: str
    points: float
    rule_zh: str
    rule_en: str
    target: str
    actual: float | None
    actual_text: str
    achievement: float
    earned: float
    imputed: bool
    note: str


@dataclass(frozen=True)
class DimensionTotal:
    """Points and points earned of one first-level dimension."""

    dimension: str
    name: str
    points: float
    earned: float
    sub_score: float | None


@dataclass(frozen=True)
class ScoringSheet:
    """The scoring sheet (评分表) of one project.

    Attributes
    ----------
    project, project_name : str
    method, mode : str
        How the score was formed (see ``formation_zh`` / ``formation_en``).
    total_points : float
        The system's points (100 unless its root is weighted by other points).
    rows : tuple of ScoringRow
        One per indicator, in the system's leaf order.
    dimensions : tuple of DimensionTotal
        Totals per first-level node, in order.
    earned : float
        Sum of the points earned.
    score : float
        The project's score on ``total_points`` (``score_100 x total_points / 100``).
    score_100 : float
    grade : str
    rank : int
    additive : bool
        ``True`` when the points earned add up to the score (WSM).
    formation_zh, formation_en : str
        How the score is formed from the indicators.
    note : str
        Project-level note from the data ("" if none).
    """

    project: str
    project_name: str
    method: str
    mode: str
    total_points: float
    rows: tuple[ScoringRow, ...]
    dimensions: tuple[DimensionTotal, ...]
    earned: float
    score: float
    score_100: float
    grade: str
    rank: int
    additive: bool
    formation_zh: str
    formation_en: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        from ppeval._serialize import to_jsonable

        return dict(to_jsonable(self, "scoring_sheet"))


def _default_rule(leaf: Any, points: float, lang: Literal["zh", "en"], relative: bool) -> tuple[str, str]:
    """(rule text, target text) of an indicator scored without a rule (linear between bounds)."""
    p = f"{points:.6g}"
    if relative:
        if lang == "zh":
            return (f"按在本次评价项目中的相对位置计分（满分{p}分：最好者满分，最差者0分）", "")
        return (f"relative to the evaluated projects (full marks {p} for the best, 0 for the worst)", "")
    if getattr(leaf, "kind", "") == "qualitative":
        b = leaf.effective_bounds
        worst, best = b.worst, b.best
        names = dict(zip(leaf.scale.values, leaf.scale.term_labels or (), strict=False))
        if worst in names and best in names:
            wl, bl = names[worst], names[best]
            if lang == "zh":
                return (f"评分均值为“{bl}”得满分（{p}分），“{wl}”得0分，其间按比例计分", bl)
            return (f"full marks ({p}) for a mean rating of '{bl}', 0 for '{wl}', in proportion in between", bl)
    elif leaf.direction == "target" and leaf.target is not None and leaf.range is not None:
        t, tol = leaf.target.value, leaf.target.tolerance
        band = f"{t - tol:g}–{t + tol:g}" if tol else f"{t:g}"
        if lang == "zh":
            return (f"{band}得满分（{p}分），偏离越大得分越低，至区间 [{leaf.range.low:g}, {leaf.range.high:g}]"
                    "端点为0分", band)
        return (f"full marks ({p}) at {band}, falling linearly to 0 at the far end of "
                f"[{leaf.range.low:g}, {leaf.range.high:g}]", band)
    elif leaf.direction == "interval" and leaf.interval is not None and leaf.range is not None:
        band = f"{leaf.interval.low:g}–{leaf.interval.high:g}"
        if lang == "zh":
            return (f"在 {band} 内得满分（{p}分），区间外线性扣分，至 [{leaf.range.low:g}, "
                    f"{leaf.range.high:g}] 端点为0分", band)
        return (f"full marks ({p}) within {band}, falling linearly to 0 at the far end of "
                f"[{leaf.range.low:g}, {leaf.range.high:g}]", band)
    elif leaf.bounds is not None:
        worst, best = leaf.bounds.worst, leaf.bounds.best
    else:  # pragma: no cover - absolute mode needs bounds
        return ("", "")
    if lang == "zh":
        return (f"{best:g}得满分（{p}分），{worst:g}得0分，其间按比例计分", f"{best:g}")
    return (f"full marks ({p}) at {best:g}, 0 at {worst:g}, in proportion in between", f"{best:g}")


def _rule_target(rule: Rule, labels: Mapping[float, str] | None) -> str:
    def show(v: float | str) -> str:
        if isinstance(v, str):
            return v
        if labels is not None and float(v) in labels:
            return labels[float(v)]
        return f"{float(v):g}"

    if isinstance(rule, Proportional | Deduction):
        return show(rule.target)
    if isinstance(rule, PassFail):
        return show(rule.threshold)
    if isinstance(rule, Piecewise):
        best = max(range(len(rule.table)), key=lambda i: (rule.table[i][1], -i))
        return show(rule.table[best][0])
    first = rule.bands[0]
    lim = first.min if first.min is not None else first.max
    return show(lim) if lim is not None else ""


def scoring_sheet(result: Any, system: Any, project: str | int) -> ScoringSheet:
    """The scoring sheet (评分表) of one project of an evaluation.

    Parameters
    ----------
    result : EvaluationResult
        The evaluation (from :func:`ppeval.evaluate`).
    system : IndicatorSystem
        The system it was evaluated with (names, rules, points).
    project : str or int
        Project id, or its position in ``result.project_ids``.

    Returns
    -------
    ScoringSheet
        Rows per indicator, totals per first-level dimension, and how the
        score is formed.

    Raises
    ------
    InputError
        Unknown project, or a system that is not the one the result was computed with.

    Notes
    -----
    An indicator's points are ``total_points x w_j`` with ``w_j`` its global
    weight as used; its achievement is the normalised value the score used
    (the share its scoring rule awards in absolute mode; linear between its
    bounds when it has no rule). Points earned are ``points x achievement``.
    For WSM the points earned add up to the score on ``total_points``
    (``sum_j P w_j r_ij = P S_i``); for TOPSIS, VIKOR and FCE they do not, and
    ``formation_zh`` / ``formation_en`` say how the score is formed.

    Examples
    --------
    >>> import ppeval
    >>> from ppeval.io import load_bundled, sample_assessment_paths
    >>> system = load_bundled("budget-performance")
    >>> r = ppeval.evaluate(system, sample_assessment_paths("budget-performance"), method="wsm")
    >>> sheet = scoring_sheet(r, system, "b01")
    >>> abs(sheet.earned - sheet.score) < 1e-9
    True
    """
    _check_system(result, system)
    if isinstance(project, bool) or not isinstance(project, str | int | np.integer):
        raise InputError(f"project is {project!r}; expected a project id or position")
    if isinstance(project, str):
        if project not in result.project_ids:
            raise InputError(f"no project {project!r} in the result (projects: {', '.join(result.project_ids[:5])}"
                             f"{' ...' if len(result.project_ids) > 5 else ''})")
        i = result.project_ids.index(project)
    else:
        i = int(project)
        if not 0 <= i < len(result.project_ids):
            raise InputError(f"project position {i} is outside 0..{len(result.project_ids) - 1}")
    return _sheet(result, _Layout.of(result, system), i)


def scoring_sheets(result: Any, system: Any) -> tuple[ScoringSheet, ...]:
    """The scoring sheets of every project, in the result's project order.

    Same as :func:`scoring_sheet` per project; what does not depend on the
    project (names, points, rule texts) is worked out once.

    Raises
    ------
    InputError
        A system that is not the one the result was computed with.
    """
    _check_system(result, system)
    layout = _Layout.of(result, system)
    return tuple(_sheet(result, layout, i) for i in range(len(result.project_ids)))


def _check_system(result: Any, system: Any) -> None:
    from ppeval.pipeline.result import EvaluationResult
    from ppeval.schema import IndicatorSystem

    if not isinstance(result, EvaluationResult):
        raise InputError(f"result must be an EvaluationResult; got {type(result).__name__}")
    if not isinstance(system, IndicatorSystem):
        raise InputError(f"system must be an IndicatorSystem; got {type(system).__name__}")
    if tuple(system.leaf_ids) != tuple(result.indicator_ids) or system.id != result.provenance.system_id:
        raise InputError(
            f"the result was computed with system {result.provenance.system_id!r}; pass that system "
            f"(got {system.id!r})"
        )


@dataclass(frozen=True)
class _Layout:
    """The parts of a scoring sheet that do not depend on the project."""

    total: float
    points: FloatArray
    rows: tuple[tuple[str, str, str, str, str, str, str], ...]  # id, name, dim, dim name, rule zh, en, target
    labels: tuple[dict[float, str] | None, ...]
    units: tuple[str | None, ...]

    @classmethod
    def of(cls, result: Any, system: Any) -> _Layout:
        total = float(system.total_points)
        leaves = system.leaves()
        static = system.points()
        pts = total * np.asarray(result.weights, dtype=np.float64)
        # the points written in the system where the weights used are the system's (no float residue)
        pts = np.array([static[leaf.id] if leaf.id in static and abs(static[leaf.id] - p) <= 1e-9 * max(1.0, total)
                        else p for leaf, p in zip(leaves, pts, strict=True)])
        ruled = result.mode == "absolute"
        rows = []
        labels: list[dict[float, str] | None] = []
        for j, leaf in enumerate(leaves):
            anc = system.ancestors(leaf.id)
            dim = anc[1] if len(anc) > 1 else leaf.id
            labels_by_value = None
            if leaf.kind == "qualitative" and leaf.scale.term_labels is not None:
                labels_by_value = dict(zip(leaf.scale.values, leaf.scale.term_labels, strict=True))
            rule = leaf.scoring
            unit = getattr(leaf, "unit", None)
            if rule is not None and ruled:
                full = static.get(leaf.id, float(pts[j]))
                rzh = describe_rule(rule, leaf.direction, full, unit, "zh", labels_by_value)
                ren = describe_rule(rule, leaf.direction, full, unit, "en", labels_by_value)
                target = _rule_target(rule, labels_by_value)
            else:
                rzh, target = _default_rule(leaf, float(pts[j]), "zh", not ruled)
                ren, _ = _default_rule(leaf, float(pts[j]), "en", not ruled)
            rows.append((leaf.id, leaf.name, dim, system.node(dim).name, rzh, ren, target))
            labels.append(labels_by_value)
        return cls(total, pts, tuple(rows), tuple(labels), tuple(getattr(leaf, "unit", None) for leaf in leaves))


def _actual_text(x: float, labels: dict[float, str] | None, unit: str | None) -> str:
    if labels:
        vals = np.array(list(labels))
        return f"{x:.4g} ({labels[float(vals[np.argmin(np.abs(vals - x))])]})"
    if unit and unit.startswith("%"):
        return f"{x:.6g}%"
    return f"{x:.6g}" + (f" {unit}" if unit else "")


def _sheet(result: Any, layout: _Layout, i: int) -> ScoringSheet:
    pts = layout.points
    total = layout.total
    r = np.asarray(result.normalized[i], dtype=np.float64)
    raw = result.raw[i] if result.raw is not None else result.matrix[i]
    notes: Mapping[str, Mapping[str, str]] = result.notes or {}
    pnotes = notes.get(result.project_ids[i], {})
    rows = []
    for j, (lid, name, dim, dim_name, rzh, ren, target) in enumerate(layout.rows):
        x = float(raw[j])
        rows.append(
            ScoringRow(
                indicator=lid,
                name=name,
                dimension=dim,
                dimension_name=dim_name,
                points=float(pts[j]),
                rule_zh=rzh,
                rule_en=ren,
                target=target,
                actual=x if np.isfinite(x) else None,
                actual_text=_actual_text(x, layout.labels[j], layout.units[j]),
                achievement=float(r[j]),
                earned=float(pts[j] * r[j]),
                imputed=bool(result.imputed[i, j]),
                note=pnotes.get(lid, ""),
            )
        )
    dims: dict[str, list[ScoringRow]] = {}
    for row in rows:
        dims.setdefault(row.dimension, []).append(row)
    dim_totals = []
    for d, drows in dims.items():
        sub = None
        if d in result.node_ids:
            sub = float(result.node_scores[i, result.node_ids.index(d)])
        dim_totals.append(
            DimensionTotal(
                dimension=d,
                name=drows[0].dimension_name,
                points=float(np.sum([x.points for x in drows])),
                earned=float(np.sum([x.earned for x in drows])),
                sub_score=sub,
            )
        )
    zh, en = SCORE_FORMATION[result.method]
    s100 = float(result.score_100[i])
    return ScoringSheet(
        project=result.project_ids[i],
        project_name=result.project_names[i],
        method=result.method,
        mode=result.mode,
        total_points=total,
        rows=tuple(rows),
        dimensions=tuple(dim_totals),
        earned=float(np.sum([x.earned for x in rows])),
        score=s100 * total / 100.0,
        score_100=s100,
        grade=result.grades[i],
        rank=int(result.ranks[i]),
        additive=result.method == "wsm",
        formation_zh=zh,
        formation_en=en,
        note=pnotes.get("", ""),
    )
