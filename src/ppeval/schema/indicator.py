"""Leaf indicators: quantitative or qualitative (discriminated on ``kind``).

A leaf says what is measured (``name``, ``description``, ``unit``), which
way is better (``direction``), the plausible raw span (``bounds`` for
benefit/cost indicators, ``range`` for target/interval indicators) and, for a
qualitative indicator, the rating ``scale``. Bounds enable absolute scoring:
a project's score then depends on its own values and the bounds only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from ppeval.schema._base import (
    Finite,
    FrozenModel,
    Id,
    Names,
    NonNegative,
    Problem,
    Text,
    _no_bool,
    min_items,
    raise_problems,
)
from ppeval.schema.scoring import ScoringRule, rule_problems

__all__ = [
    "MeasurementUncertainty",
    "Direction",
    "DataSource",
    "Bounds",
    "Range",
    "Target",
    "Interval",
    "LikertScale",
    "LinguisticTerm",
    "LinguisticScale",
    "Scale",
    "DEADerived",
    "Quantitative",
    "Qualitative",
    "Leaf",
]

Direction = Literal["benefit", "cost", "target", "interval"]
"""Which raw values are better: more (benefit), less (cost), near a target, inside an interval."""

DataSource = Literal[
    "records",
    "resident_survey",
    "service_user_survey",
    "expert_review",
    "field_inspection",
    "financial_audit",
]
"""Where an indicator's evidence comes from."""


def _fmt(x: float) -> str:
    return f"{x:g}"


class Bounds(FrozenModel):
    """Worst and best plausible raw values of a benefit or cost indicator.

    For a benefit indicator ``worst < best``; for a cost indicator
    ``worst > best``. They must differ.
    """

    worst: Finite
    best: Finite

    @model_validator(mode="after")
    def _differ(self) -> Bounds:
        if self.worst == self.best:
            raise_problems(
                [((), f"worst and best are both {_fmt(self.worst)}; bounds must differ")]
            )
        return self

    @property
    def low(self) -> float:
        """The smaller of worst and best."""
        return min(self.worst, self.best)

    @property
    def high(self) -> float:
        """The larger of worst and best."""
        return max(self.worst, self.best)


class Range(FrozenModel):
    """Plausible raw span ``low < high`` of a target or interval indicator."""

    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise_problems([((), f"low ({_fmt(self.low)}) must be below high ({_fmt(self.high)})")])
        return self


class Target(FrozenModel):
    """The ideal raw value of a target indicator; deviations up to ``tolerance`` are not penalised."""

    value: Finite
    tolerance: NonNegative = 0.0


class Interval(FrozenModel):
    """The acceptable raw range ``low < high`` of an interval indicator."""

    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if not self.low < self.high:
            raise_problems(
                [((), f"low ({_fmt(self.low)}) must be below high ({_fmt(self.high)}); "
                  "for a single acceptable value use direction: target")]
            )
        return self


def _duplicate_labels(labels: tuple[str, ...], path: Callable[[int], tuple[str | int, ...]]) -> list[Problem]:
    seen: dict[str, int] = {}
    out: list[Problem] = []
    for i, label in enumerate(labels):
        key = label.casefold()
        if key in seen:
            out.append((path(i), f"label {label!r} repeats the label of value #{seen[key] + 1} "
                        "(labels are matched case-insensitively and must be unique)"))
        else:
            seen[key] = i
    return out


class LikertScale(FrozenModel):
    """A Likert scale with values ``1..points`` and optional labels (one per point)."""

    type: Literal["likert"]
    points: Annotated[int, Field(ge=2, le=101), BeforeValidator(_no_bool)]
    labels: tuple[Text, ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> LikertScale:
        problems: list[Problem] = []
        if self.labels is not None:
            if len(self.labels) != self.points:
                problems.append(
                    (("labels",), f"{len(self.labels)} labels for a {self.points}-point scale; "
                     f"give exactly {self.points} labels (for values 1..{self.points}) or none")
                )
            problems += _duplicate_labels(self.labels, lambda i: ("labels", i))
        raise_problems(problems)
        return self

    @property
    def values(self) -> tuple[float, ...]:
        """The scale values ``1.0 .. points``, increasing."""
        return tuple(float(v) for v in range(1, self.points + 1))

    @property
    def term_labels(self) -> tuple[str, ...] | None:
        """The labels in value order, or ``None``."""
        return self.labels

    def label_map(self) -> dict[str, float]:
        """Return ``{casefolded label: value}`` (empty if the scale has no labels)."""
        if self.labels is None:
            return {}
        return {label.casefold(): float(i + 1) for i, label in enumerate(self.labels)}

    def fuzzy_numbers(self) -> tuple[tuple[float, float, float], ...] | None:
        """Triangular fuzzy numbers per value; a Likert scale has none."""
        return None


class LinguisticTerm(FrozenModel):
    """A term of a linguistic scale: label, crisp value and optional triangular fuzzy number."""

    label: Text
    value: Finite
    fuzzy: tuple[Finite, Finite, Finite] | None = None


class LinguisticScale(FrozenModel):
    """Linguistic terms with strictly increasing values (and optional triangular fuzzy numbers).

    A fuzzy number ``(l, m, u)`` needs ``l <= m <= u`` with the term's crisp
    value inside ``[l, u]``; either every term has one or none; the ``m`` are
    strictly increasing like the values.
    """

    type: Literal["linguistic"]
    terms: Annotated[tuple[LinguisticTerm, ...], *min_items(2, "terms")]

    @model_validator(mode="after")
    def _check(self) -> LinguisticScale:
        problems: list[Problem] = []
        terms = self.terms
        for i in range(1, len(terms)):
            if not terms[i].value > terms[i - 1].value:
                problems.append(
                    (("terms", i, "value"), f"value {_fmt(terms[i].value)} of {terms[i].label!r} is not "
                     f"above {_fmt(terms[i - 1].value)} of {terms[i - 1].label!r}; term values must be "
                     "strictly increasing (worst term first)")
                )
        problems += _duplicate_labels(tuple(t.label for t in terms), lambda i: ("terms", i, "label"))
        with_fuzzy = [t.fuzzy is not None for t in terms]
        if any(with_fuzzy) and not all(with_fuzzy):
            i = with_fuzzy.index(False)
            problems.append(
                (("terms", i, "fuzzy"), f"term {terms[i].label!r} has no fuzzy number but others do; "
                 "give a fuzzy number for every term or for none")
            )
        for i, t in enumerate(terms):
            if t.fuzzy is None:
                continue
            l, m, u = t.fuzzy
            if not l <= m <= u:
                problems.append(
                    (("terms", i, "fuzzy"), f"fuzzy number ({_fmt(l)}, {_fmt(m)}, {_fmt(u)}) of "
                     f"{t.label!r} violates l <= m <= u")
                )
            elif not l <= t.value <= u:
                problems.append(
                    (("terms", i, "fuzzy"), f"value {_fmt(t.value)} of {t.label!r} lies outside its fuzzy "
                     f"number's support [{_fmt(l)}, {_fmt(u)}]")
                )
        if all(with_fuzzy):
            for i in range(1, len(terms)):
                m_prev, m_cur = terms[i - 1].fuzzy[1], terms[i].fuzzy[1]  # type: ignore[index]
                if not m_cur > m_prev:
                    problems.append(
                        (("terms", i, "fuzzy"), f"fuzzy peak {_fmt(m_cur)} of {terms[i].label!r} is not "
                         f"above {_fmt(m_prev)} of {terms[i - 1].label!r}; peaks must increase like the "
                         "values")
                    )
        raise_problems(problems)
        return self

    @property
    def values(self) -> tuple[float, ...]:
        """The term values, strictly increasing."""
        return tuple(t.value for t in self.terms)

    @property
    def term_labels(self) -> tuple[str, ...]:
        """The term labels in value order."""
        return tuple(t.label for t in self.terms)

    def label_map(self) -> dict[str, float]:
        """Return ``{casefolded label: value}``."""
        return {t.label.casefold(): t.value for t in self.terms}

    def fuzzy_numbers(self) -> tuple[tuple[float, float, float], ...] | None:
        """Triangular fuzzy numbers ``(l, m, u)`` in term order, or ``None``."""
        if self.terms[0].fuzzy is None:
            return None
        return tuple(t.fuzzy for t in self.terms if t.fuzzy is not None)


Scale = Annotated[LikertScale | LinguisticScale, Field(discriminator="type")]
"""A rating scale, discriminated on ``type``: ``likert`` or ``linguistic``."""


class MeasurementUncertainty(FrozenModel):
    """How precisely a quantitative value is known (e.g. self-reported against verified outputs).

    The value ``x`` is taken as ``x + h z`` with ``h = absolute + relative |x|``
    and ``z`` standard uniform on [-1, 1], symmetric triangular on [-1, 1]
    or standard normal; the draws are truncated to the indicator's bounds.
    Used by the evidence Monte Carlo analysis.
    """

    distribution: Literal["uniform", "triangular", "normal"] = "uniform"
    absolute: NonNegative = 0.0
    relative: NonNegative = 0.0

    @model_validator(mode="after")
    def _some_spread(self) -> MeasurementUncertainty:
        if self.absolute <= 0.0 and self.relative <= 0.0:
            raise_problems([((), "give absolute and/or relative > 0 (the spread of the measurement)")])
        return self


class _LeafBase(FrozenModel):
    """Behaviour shared by the leaf models (their fields are declared in each, in file order)."""

    @property
    def is_leaf(self) -> bool:
        """``True``: a leaf indicator."""
        return True


class DEADerived(FrozenModel):
    """An indicator computed by data envelopment analysis from other indicators (see :mod:`ppeval.efficiency`).

    ``inputs`` and ``outputs`` name quantitative benefit/cost indicators of
    the same system (raw values: less input, more output is better);
    ``rts`` is ``vrs`` (BCC, default) or ``crs`` (CCR); ``orientation``
    ``input`` (default) or ``output``. The pipeline computes the DEA
    efficiency in (0, 1] of every evaluated project before scoring.

    DEA is relative: a project's efficiency depends on the other projects
    evaluated with it, also in absolute mode (the result carries a
    diagnostic saying so).
    """

    method: Literal["dea"]
    inputs: Annotated[tuple[Id, ...], *min_items(1, "input indicator")]
    outputs: Annotated[tuple[Id, ...], *min_items(1, "output indicator")]
    rts: Literal["crs", "vrs"] = "vrs"
    orientation: Literal["input", "output"] = "input"


class Quantitative(_LeafBase):
    """A measured indicator (records, audits, counts, rates).

    ``direction`` benefit/cost take optional ``bounds`` (worst, best);
    target takes ``target`` and ``range``; interval takes ``interval`` and
    ``range``. Keys that do not belong to the direction are errors.
    """

    id: Id
    name: Text
    names: Names | None = None
    kind: Literal["quantitative"]
    direction: Direction
    description: Text | None = None
    unit: Text | None = None
    bounds: Bounds | None = None
    range: Range | None = None
    target: Target | None = None
    interval: Interval | None = None
    scoring: ScoringRule | None = None
    source: DataSource | None = None
    stage: Id | None = None
    notes: Text | None = None
    uncertainty: MeasurementUncertainty | None = None
    derived: DEADerived | None = None

    @model_serializer(mode="wrap")
    def _omit_no_derivation(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Leave ``derived`` and ``uncertainty`` out when unset, so systems without them keep their canonical
        JSON and hash."""
        data = handler(self)
        if isinstance(data, dict):
            if self.derived is None:
                data.pop("derived", None)
            if self.uncertainty is None:
                data.pop("uncertainty", None)
        return data

    @model_validator(mode="after")
    def _direction_fields(self) -> Quantitative:
        problems: list[Problem] = []
        d = self.direction
        if self.derived is not None:
            if d != "benefit":
                problems.append((("direction",), f"a DEA efficiency indicator is a benefit indicator (higher "
                                 f"efficiency is better); got direction {d!r}"))
            b = self.bounds
            if b is not None and (b.worst != 0 or b.best != 1):
                problems.append((("bounds",), f"a DEA efficiency lies in [0, 1]; give bounds {{worst: 0, best: 1}} "
                                 f"or none, not worst={_fmt(b.worst)}, best={_fmt(b.best)}"))
        allowed = {
            "benefit": {"bounds"},
            "cost": {"bounds"},
            "target": {"range", "target"},
            "interval": {"range", "interval"},
        }[d]
        for key in ("bounds", "range", "target", "interval"):
            if getattr(self, key) is not None and key not in allowed:
                hint = {
                    "bounds": "target/interval indicators give their plausible span as range: {low, high}",
                    "range": "benefit/cost indicators give their span as bounds: {worst, best}",
                    "target": "only direction: target takes a target",
                    "interval": "only direction: interval takes an interval",
                }[key]
                problems.append(((key,), f"{key!r} does not apply to a {d} indicator; {hint}"))
        if d in ("benefit", "cost") and self.bounds is not None:
            b = self.bounds
            if (d == "benefit") != (b.worst < b.best):
                need = "worst < best" if d == "benefit" else "worst > best"
                problems.append(
                    (("bounds",), f"worst={_fmt(b.worst)}, best={_fmt(b.best)} is inverted for a {d} "
                     f"indicator, which needs {need}")
                )
        if d in ("target", "interval"):
            for key in sorted(allowed):
                if getattr(self, key) is None:
                    problems.append(((key,), f"a {d} indicator needs {key}"))
        if d == "target" and self.range is not None and self.target is not None:
            r, t = self.range, self.target
            if not r.low <= t.value <= r.high:
                problems.append(
                    (("target", "value"), f"target {_fmt(t.value)} lies outside range "
                     f"[{_fmt(r.low)}, {_fmt(r.high)}]")
                )
            if t.tolerance >= r.high - r.low:
                problems.append(
                    (("target", "tolerance"), f"tolerance {_fmt(t.tolerance)} is not below the width "
                     f"{_fmt(r.high - r.low)} of range; every value would count as on target")
                )
        if d == "interval" and self.range is not None and self.interval is not None:
            r, iv = self.range, self.interval
            if not (r.low <= iv.low and iv.high <= r.high):
                problems.append(
                    (("interval",), f"interval [{_fmt(iv.low)}, {_fmt(iv.high)}] is not inside range "
                     f"[{_fmt(r.low)}, {_fmt(r.high)}]")
                )
        if self.scoring is not None and not problems:
            problems += rule_problems(self.scoring, d, self.span, None)
        raise_problems(problems)
        return self

    @property
    def span(self) -> tuple[float, float] | None:
        """The plausible raw span ``(low, high)`` (from bounds or range), or ``None``."""
        if self.derived is not None:
            return (0.0, 1.0)
        if self.bounds is not None:
            return (self.bounds.low, self.bounds.high)
        if self.range is not None:
            return (self.range.low, self.range.high)
        return None


class Qualitative(_LeafBase):
    """A rated indicator (surveys, expert review, inspection) on a Likert or linguistic scale.

    ``direction`` is benefit (higher scale values are better) or cost.
    ``bounds`` default to the scale's lowest and highest value; when given,
    they must be oriented for the direction and contain every scale value.
    """

    id: Id
    name: Text
    names: Names | None = None
    kind: Literal["qualitative"]
    direction: Literal["benefit", "cost"]
    description: Text | None = None
    scale: Scale
    bounds: Bounds | None = None
    scoring: ScoringRule | None = None
    source: DataSource | None = None
    stage: Id | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _check_bounds(self) -> Qualitative:
        problems: list[Problem] = []
        b = self.bounds
        if b is not None:
            d = self.direction
            if (d == "benefit") != (b.worst < b.best):
                need = "worst < best" if d == "benefit" else "worst > best"
                problems.append(
                    (("bounds",), f"worst={_fmt(b.worst)}, best={_fmt(b.best)} is inverted for a {d} "
                     f"indicator, which needs {need}")
                )
            values = self.scale.values
            if min(values) < b.low or max(values) > b.high:
                problems.append(
                    (("bounds",), f"scale values {_fmt(min(values))}..{_fmt(max(values))} do not lie within "
                     f"bounds [{_fmt(b.low)}, {_fmt(b.high)}]")
                )
        if self.scoring is not None and not problems:
            problems += rule_problems(self.scoring, self.direction, self.span, self.scale.label_map())
        raise_problems(problems)
        return self

    @property
    def effective_bounds(self) -> Bounds:
        """The given bounds, or (lowest, highest) scale value oriented for the direction."""
        if self.bounds is not None:
            return self.bounds
        lo, hi = min(self.scale.values), max(self.scale.values)
        if self.direction == "benefit":
            return Bounds(worst=lo, best=hi)
        return Bounds(worst=hi, best=lo)

    @property
    def span(self) -> tuple[float, float]:
        """The plausible raw span ``(low, high)``."""
        b = self.effective_bounds
        return (b.low, b.high)


Leaf = Annotated[Quantitative | Qualitative, Field(discriminator="kind")]
"""A leaf indicator, discriminated on ``kind``."""
