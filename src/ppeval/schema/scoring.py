"""Scoring rules of one indicator, the way scoring sheets (评分表) write them.

A rule says how many of the indicator's points a project earns from its value
(a measured value, or the aggregated rating of a rated indicator):

* ``proportional``: full marks at or above ``target``, otherwise
  ``points x value / target`` (a cost indicator: full marks at or below the
  target, otherwise ``points x target / value``) -- 按完成值与指标值的比例记分;
* ``deduction``: full marks at or above ``target``; ``deduct`` points off for
  every ``per`` units below it, down to zero -- 每降低1%扣0.1分，扣完为止
  (a cost indicator: per unit above the target);
* ``pass_fail``: full marks when the value reaches ``threshold``, otherwise 0;
* ``piecewise``: a table of ``[value, points]`` pairs, linear in between;
* ``bands``: grade bands ``{min: value, points: p}`` (``max`` for a cost
  indicator), best band first -- e.g. 满意度≥90%得满分, 80%-90%得8分.

For a rated indicator the values may be written as scale labels
(``{min: satisfied, points: 10}``); they stand for the label's scale value.

Leaf-local checks (labels on the scale, tables increasing in value, monotone
in the indicator's direction, covering its bounds or range) run when the leaf
is built; checks that need the indicator's points (the full marks of a table
or of the top band equal the points) run in
:class:`~ppeval.schema.system.IndicatorSystem`. The rule's arithmetic is in
:func:`ppeval.pipeline.scoring.rule_points`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ppeval.schema._base import Finite, FrozenModel, NonNegative, Problem, Text, min_items, raise_problems

__all__ = [
    "Proportional",
    "Deduction",
    "PassFail",
    "Piecewise",
    "Band",
    "Bands",
    "ScoringRule",
    "RuleValue",
    "full_marks",
    "resolve_value",
    "rule_problems",
    "points_problems",
    "describe_rule",
]

Positive = Annotated[Finite, Field(gt=0)]
RuleValue = Finite | Text
"""A value in a rule: a number, or (rated indicators) a scale label."""


def _fmt(x: float) -> str:
    return f"{x:g}"


class Proportional(FrozenModel):
    """Full marks at or beyond ``target``; otherwise points in proportion ``value / target``."""

    rule: Literal["proportional"]
    target: Positive


class Deduction(FrozenModel):
    """Full marks at or beyond ``target``; ``deduct`` points per ``per`` units short of it, down to 0.

    ``count`` says how a partial unit counts: ``continuous`` (in proportion,
    the default), ``whole`` (only whole units short count) or ``started``
    (every started unit counts).
    """

    rule: Literal["deduction"]
    target: RuleValue
    per: Positive = 1.0
    deduct: Positive
    count: Literal["continuous", "whole", "started"] = "continuous"


class PassFail(FrozenModel):
    """Full marks when the value reaches ``threshold`` (benefit: ``>=``, cost: ``<=``), else 0."""

    rule: Literal["pass_fail"]
    threshold: RuleValue


class Piecewise(FrozenModel):
    """A table of ``[value, points]`` pairs, values strictly increasing, linear in between."""

    rule: Literal["piecewise"]
    table: Annotated[tuple[tuple[RuleValue, NonNegative], ...], *min_items(2, "rows")]


class Band(FrozenModel):
    """One grade band: ``points`` for values ``>= min`` (benefit) or ``<= max`` (cost)."""

    min: RuleValue | None = None
    max: RuleValue | None = None
    points: NonNegative

    @model_validator(mode="after")
    def _one_limit(self) -> Band:
        if (self.min is None) == (self.max is None):
            raise_problems([((), "give exactly one of min (benefit indicators) or max (cost indicators)")])
        return self


class Bands(FrozenModel):
    """Grade bands, best first; the last band must reach the worst possible value."""

    rule: Literal["bands"]
    bands: Annotated[tuple[Band, ...], *min_items(2, "bands")]


ScoringRule = Annotated[Proportional | Deduction | PassFail | Piecewise | Bands, Field(discriminator="rule")]
"""A scoring rule, discriminated on ``rule``."""


def resolve_value(value: float | str, labels: Mapping[str, float] | None) -> float | None:
    """A rule value as a number: numbers as they are, scale labels as their value (``None``: unknown)."""
    if isinstance(value, str):
        if labels is None:
            return None
        return labels.get(value.casefold())
    return float(value)


def rule_problems(
    rule: Proportional | Deduction | PassFail | Piecewise | Bands,
    direction: str,
    span: tuple[float, float] | None,
    labels: Mapping[str, float] | None,
) -> list[Problem]:
    """Leaf-local problems of a rule (paths relative to the leaf).

    Parameters
    ----------
    rule : scoring rule
    direction : str
        The indicator's direction (``benefit``, ``cost``, ``target``, ``interval``).
    span : (low, high) or None
        The indicator's plausible raw span (bounds or range), if given.
    labels : mapping or None
        ``{casefolded label: value}`` of a rated indicator's scale.
    """
    out: list[Problem] = []
    base: tuple[str | int, ...] = ("scoring",)

    def num(value: float | str, path: tuple[str | int, ...]) -> float | None:
        v = resolve_value(value, labels)
        if v is None:
            known = ", ".join(repr(k) for k in (labels or {})) or "none (a measured indicator takes numbers)"
            out.append(((*base, *path), f"{value!r} is not a number or a label of the indicator's scale "
                        f"(labels: {known})"))
        return v

    if isinstance(rule, Proportional | Deduction | PassFail | Bands) and direction not in ("benefit", "cost"):
        out.append((base, f"rule {rule.rule!r} needs a benefit or cost indicator; a {direction} indicator "
                    "takes a piecewise table (points rising to the target and falling after it)"))
        return out
    if isinstance(rule, Proportional):
        if span is not None and span[0] < 0:
            out.append((base, f"proportional scoring needs values >= 0; the indicator's span starts at "
                        f"{_fmt(span[0])} (use a piecewise table or a deduction rule)"))
        elif span is not None and not span[0] < rule.target <= span[1]:
            out.append(((*base, "target"), f"target {_fmt(rule.target)} must lie in the indicator's span "
                        f"({_fmt(span[0])}, {_fmt(span[1])}]: beyond it full marks cannot be reached, "
                        "below it every value earns them"))
        return out
    if isinstance(rule, Deduction | PassFail):
        key = "target" if isinstance(rule, Deduction) else "threshold"
        raw = rule.target if isinstance(rule, Deduction) else rule.threshold
        v = num(raw, (key,))
        if v is not None and span is not None and not span[0] <= v <= span[1]:
            out.append(((*base, key), f"{key} {_fmt(v)} lies outside the indicator's span "
                        f"[{_fmt(span[0])}, {_fmt(span[1])}]"))
        return out
    if isinstance(rule, Piecewise):
        xs = [num(x, ("table", i, 0)) for i, (x, _p) in enumerate(rule.table)]
        if any(x is None for x in xs):
            return out
        xv = [float(x) for x in xs if x is not None]
        ps = [p for _x, p in rule.table]
        for i in range(1, len(xv)):
            if not xv[i] > xv[i - 1]:
                out.append(((*base, "table", i, 0), f"value {_fmt(xv[i])} is not above {_fmt(xv[i - 1])}; "
                            "list the table's values strictly increasing"))
        if out:
            return out
        out += _monotone(ps, direction, base)
        if span is not None and (xv[0] > span[0] or xv[-1] < span[1]):
            out.append(((*base, "table"), f"the table covers [{_fmt(xv[0])}, {_fmt(xv[-1])}] but the "
                        f"indicator's values may lie in [{_fmt(span[0])}, {_fmt(span[1])}]; extend the table "
                        "to both ends"))
        return out
    # bands
    key = "min" if direction == "benefit" else "max"
    other = "max" if key == "min" else "min"
    limits: list[float] = []
    for i, band in enumerate(rule.bands):
        if getattr(band, key) is None:
            out.append(((*base, "bands", i), f"a {direction} indicator's bands give {key} (not {other}): "
                        f"points for values {'>=' if key == 'min' else '<='} it"))
            continue
        v = num(getattr(band, key), ("bands", i, key))
        if v is not None:
            limits.append(v)
    if out:
        return out
    for i in range(1, len(limits)):
        ok = limits[i] < limits[i - 1] if key == "min" else limits[i] > limits[i - 1]
        if not ok:
            out.append(((*base, "bands", i, key), f"{key} {_fmt(limits[i])} does not follow "
                        f"{_fmt(limits[i - 1])}; list bands best first with {key} strictly "
                        f"{'decreasing' if key == 'min' else 'increasing'}"))
    pts = [b.points for b in rule.bands]
    for i in range(1, len(pts)):
        if pts[i] > pts[i - 1]:
            out.append(((*base, "bands", i, "points"), f"points {_fmt(pts[i])} exceed the {_fmt(pts[i - 1])} "
                        "of the better band before; bands are listed best first"))
    if not out and span is not None:
        last = limits[-1]
        worst = span[0] if key == "min" else span[1]
        if (key == "min" and last > worst) or (key == "max" and last < worst):
            out.append(((*base, "bands", len(limits) - 1, key), f"the last band starts at {_fmt(last)}, so "
                        f"values between {_fmt(worst)} and {_fmt(last)} fall in no band; the last band's "
                        f"{key} must reach {_fmt(worst)} (the indicator's worst value)"))
    return out


def _monotone(ps: list[float], direction: str, base: tuple[str | int, ...]) -> list[Problem]:
    diffs = [b - a for a, b in zip(ps, ps[1:], strict=False)]
    if direction == "benefit" and any(d < 0 for d in diffs):
        i = next(k for k, d in enumerate(diffs) if d < 0) + 1
        return [((*base, "table", i, 1), "points fall here, but a benefit indicator's points must not "
                 "decrease as the value rises (a non-monotone table)")]
    if direction == "cost" and any(d > 0 for d in diffs):
        i = next(k for k, d in enumerate(diffs) if d > 0) + 1
        return [((*base, "table", i, 1), "points rise here, but a cost indicator's points must not "
                 "increase as the value rises (a non-monotone table)")]
    if direction in ("target", "interval"):
        # unimodal: non-decreasing, then non-increasing
        k = 0
        while k < len(diffs) and diffs[k] >= 0:
            k += 1
        if any(d > 0 for d in diffs[k:]):
            i = next(j for j in range(k, len(diffs)) if diffs[j] > 0) + 1
            return [((*base, "table", i, 1), f"points rise again after falling; a {direction} indicator's "
                     "table rises to the target (or interval) and falls after it")]
    return []


def full_marks(rule: Proportional | Deduction | PassFail | Piecewise | Bands) -> float | None:
    """The highest points a table or band rule awards (``None`` for rules stated without points)."""
    if isinstance(rule, Piecewise):
        return max(p for _x, p in rule.table)
    if isinstance(rule, Bands):
        return max(b.points for b in rule.bands)
    return None


def points_problems(
    rule: Proportional | Deduction | PassFail | Piecewise | Bands, points: float | None, tol: float = 1e-6
) -> list[str]:
    """Problems of a rule against the indicator's points (``None``: not determined by the system)."""
    top = full_marks(rule)
    needs = top is not None or isinstance(rule, Deduction)
    if points is None:
        if needs:
            return [f"rule {rule.rule!r} states marks in points, but the indicator's points depend on "
                    "data-driven weights (entropy, CRITIC) above it; weight its ancestors by points, fixed "
                    "weights or AHP, or use a proportional or pass_fail rule"]
        return []
    if top is not None and abs(top - points) > tol * max(1.0, points):
        return [f"the rule's full marks are {_fmt(top)} points but the indicator carries {points:.6g} points "
                "in the system; the best row or band must award exactly the indicator's points"]
    return []


def describe_rule(
    rule: Proportional | Deduction | PassFail | Piecewise | Bands,
    direction: str,
    points: float,
    unit: str | None,
    lang: Literal["zh", "en"] = "en",
    labels: Mapping[float, str] | None = None,
) -> str:
    """The rule as a scoring sheet writes it, in Chinese (``zh``) or English (``en``).

    ``labels`` (scale value -> label) makes rated indicators' values readable.
    """
    pct = unit is not None and unit.startswith("%")

    def v(x: float | str) -> str:
        if isinstance(x, str):
            return x
        if labels is not None and float(x) in labels:
            return labels[float(x)]
        return f"{_fmt(float(x))}{'%' if pct else ''}"

    cost = direction == "cost"
    p = _fmt(round(points, 6))
    if isinstance(rule, Proportional):
        if lang == "zh":
            return (f"{'≤' if cost else '≥'}{v(rule.target)}得满分（{p}分）；否则按"
                    f"{'指标值/实际值' if cost else '实际值/指标值'}×{p}分计分")
        return (f"full marks ({p}) at or {'below' if cost else 'above'} {v(rule.target)}; otherwise "
                f"{p} x {'target / actual' if cost else 'actual / target'}")
    if isinstance(rule, Deduction):
        part = {"continuous": "", "whole": "（按整单位计）", "started": "（不足一个单位按一个单位计）"}[rule.count]
        part_en = {"continuous": "", "whole": " (whole units only)", "started": " (a started unit counts)"}[
            rule.count]
        if lang == "zh":
            return (f"{'≤' if cost else '≥'}{v(rule.target)}得满分（{p}分）；每{'高于' if cost else '低于'}"
                    f"{_fmt(rule.per)}{'%' if pct else '个单位'}扣{_fmt(rule.deduct)}分{part}，扣完为止")
        return (f"full marks ({p}) at or {'below' if cost else 'above'} {v(rule.target)}; "
                f"{_fmt(rule.deduct)} off per {_fmt(rule.per)}{'%' if pct else ' unit(s)'} "
                f"{'above' if cost else 'below'}{part_en}, down to 0")
    if isinstance(rule, PassFail):
        if lang == "zh":
            return f"{'≤' if cost else '≥'}{v(rule.threshold)}得{p}分，否则0分"
        return f"{p} if {'at most' if cost else 'at least'} {v(rule.threshold)}, else 0"
    if isinstance(rule, Piecewise):
        rows = "; ".join(f"{v(x)} → {_fmt(pt)}" for x, pt in rule.table)
        if lang == "zh":
            return f"分段线性：{rows}（分），其间按线性插值"
        return f"piecewise linear: {rows} (points), linear in between"
    parts = []
    for b in rule.bands:
        lim = b.max if cost else b.min
        if lim is None:  # pragma: no cover - validated
            continue
        if lang == "zh":
            parts.append(f"{'≤' if cost else '≥'}{v(lim)}得{_fmt(b.points)}分")
        else:
            parts.append(f"{'≤' if cost else '≥'} {v(lim)}: {_fmt(b.points)}")
    return ("；".join(parts)) if lang == "zh" else "bands: " + "; ".join(parts)
