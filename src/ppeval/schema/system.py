"""The indicator system: a tree of inner nodes and leaf indicators, with grade bands.

An inner node (:class:`Group`) has ``children`` and a ``weighting`` saying how
they are weighted; a leaf (:class:`~ppeval.schema.indicator.Quantitative` or
:class:`~ppeval.schema.indicator.Qualitative`) has ``kind`` and no children.
:class:`IndicatorSystem` adds metadata (name, version, the source it follows),
grade bands and evaluation options, checks tree-wide rules (unique ids, stage
consistency, grade bands) and answers questions about the tree: leaves in a
stable depth-first order, look-up by id, local and global weights where the
system determines them, and AHP consistency per node.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal, overload

import numpy as np
from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ppeval._typing import ArrayLike
from ppeval.errors import ConsistencyError, InputError, PPEvalWarning, SchemaError
from ppeval.schema._base import (
    INCONSISTENT_TYPE,
    Finite,
    FrozenModel,
    Id,
    Names,
    NonNegative,
    Problem,
    Text,
    _no_bool,
    format_subpath,
    localized,
    min_items,
    raise_problems,
)
from ppeval.schema.indicator import Qualitative, Quantitative
from ppeval.schema.scoring import points_problems
from ppeval.schema.weighting import (
    AHP,
    WEIGHT_TOL,
    AHPConsistency,
    Combine,
    ExpertConsistency,
    Points,
    Weighting,
)

__all__ = [
    "SCHEMA_VERSION",
    "RESERVED_IDS",
    "GradeBand",
    "DecisionRule",
    "Evaluation",
    "WeightConstraint",
    "DEFAULT_TOTAL_POINTS",
    "Group",
    "Node",
    "IndicatorSystem",
    "DEFAULT_GRADES",
]

#: The ``schema_version`` this ppeval reads and writes.
SCHEMA_VERSION = 1
#: Points of a system whose root is not weighted by points (scores are on 0-100).
DEFAULT_TOTAL_POINTS = 100.0
#: Ids a leaf may not take because they are column names of assessment files.
RESERVED_IDS = frozenset({"project"})

TreePath = tuple[str | int, ...]


def _node_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        if "children" in value:
            return "group"
        kind = value.get("kind")
        return kind if kind in ("quantitative", "qualitative") else None
    if isinstance(value, Group):
        return "group"
    if isinstance(value, Quantitative | Qualitative):
        return value.kind
    return None


class Group(FrozenModel):
    """An inner node: children and how they are weighted.

    Checks its own rules: at least one child, unique child ids, the
    weighting consistent with the children (fixed weights keyed by the child
    ids; AHP judgments naming children, of the right size, reciprocal and
    connected) and, under ``cr_policy: reject``, AHP consistency.
    """

    id: Id
    name: Text
    names: Names | None = None
    description: Text | None = None
    stage: Id | None = None
    notes: Text | None = None
    weighting: Weighting
    children: Annotated[tuple[Node, ...], Field(json_schema_extra={"minItems": 1})]

    @field_validator("children")
    @classmethod
    def _not_empty(cls, children: tuple[Any, ...], info: ValidationInfo) -> tuple[Any, ...]:
        if not children:
            node = info.data.get("id", "?")
            raise PydanticCustomError(
                "ppeval_empty",
                "{message}",
                {"message": f"inner node {node!r} has no children; an inner node needs at least one child "
                 "(a leaf has kind instead of children)"},
            )
        return children

    @model_validator(mode="after")
    def _check(self) -> Group:
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for i, child in enumerate(self.children):
            if child.id in seen:
                problems.append(
                    (("children", i, "id"), f"id {child.id!r} repeats children[{seen[child.id]}] of node "
                     f"{self.id!r}; ids must be unique in the whole system")
                )
            else:
                seen[child.id] = i
        if problems:
            raise_problems(problems)
        problems += [(("weighting", *p), m) for p, m in self.weighting.child_problems(self.child_ids)]
        raise_problems(problems)
        if not any(spec.cr_policy == "reject" for _path, spec in self._ahp_specs()):
            return self  # under "warn", consistency is computed on demand (consistency())
        rejected = [
            (path, report)
            for path, spec, report in self._ahp_reports
            if spec.cr_policy == "reject" and not report.consistent
        ]
        if rejected:
            raise_problems(
                [(path, report.message(with_path=False)) for path, report in rejected],
                error_type=INCONSISTENT_TYPE,
            )
        return self

    @property
    def is_leaf(self) -> bool:
        """``False``: an inner node."""
        return False

    @property
    def child_ids(self) -> tuple[str, ...]:
        """Ids of the children in order."""
        return tuple(c.id for c in self.children)

    def _ahp_specs(self) -> list[tuple[TreePath, AHP]]:
        w = self.weighting
        if isinstance(w, AHP):
            return [(("weighting",), w)]
        if isinstance(w, Combine):
            return [(("weighting", "sources", k), s) for k, s in enumerate(w.sources) if isinstance(s, AHP)]
        return []

    @cached_property
    def _ahp_reports(self) -> list[tuple[TreePath, AHP, AHPConsistency]]:
        out = []
        for path, spec in self._ahp_specs():
            weights, experts, group_cr = spec.evaluate(self.child_ids)
            out.append((path, spec, _report(self.id, format_subpath(path), spec, experts, group_cr, weights)))
        return out

    def is_determined(self) -> bool:
        """Whether the system alone determines this node's local weights (no entropy/CRITIC)."""
        return self.weighting.is_determined()

    @cached_property
    def _local_weights(self) -> tuple[float, ...]:
        w = self.weighting
        if isinstance(w, AHP):
            return self._ahp_reports[0][2].weights
        return w.local_weights(self.child_ids)

    def local_weights(self) -> dict[str, float]:
        """The children's weights ``{child id: weight}`` when the system determines them.

        Raises
        ------
        SchemaError
            If the weighting (``entropy``, ``critic`` or a combination with
            them) needs the assessment's data.
        """
        if not self.is_determined():
            raise SchemaError(
                f"node {self.id!r} is weighted by {_describe(self.weighting)}, which needs the "
                "assessment's data; its weights are computed by ppeval.evaluate"
            )
        return dict(zip(self.child_ids, self._local_weights, strict=True))


def _describe(w: Any) -> str:
    if isinstance(w, Combine):
        return "combine (" + ", ".join(s.method for s in w.sources) + ")"
    return str(w.method)


def _report(
    node_id: str,
    path: str,
    spec: AHP,
    experts: tuple[ExpertConsistency, ...],
    group_cr: float | None,
    weights: tuple[float, ...],
) -> AHPConsistency:
    ok = all(e.consistent for e in experts) and (group_cr is None or group_cr <= spec.cr_threshold)
    return AHPConsistency(
        node_id=node_id,
        path=path,
        threshold=spec.cr_threshold,
        policy=spec.cr_policy,
        aggregation=spec.aggregation,
        experts=experts,
        group_cr=group_cr,
        consistent=ok,
        weights=weights,
    )


Node = Annotated[
    Annotated[Group, Tag("group")]
    | Annotated[Quantitative, Tag("quantitative")]
    | Annotated[Qualitative, Tag("qualitative")],
    Discriminator(
        _node_tag,
        custom_error_type="ppeval_node",
        custom_error_message="a node needs either children (an inner node) or kind: quantitative | "
        "qualitative (a leaf indicator)",
    ),
]
"""A node of the tree: :class:`Group` (has ``children``) or a leaf (has ``kind``)."""

Group.model_rebuild()


class GradeBand(FrozenModel):
    """A grade: ``label`` applies to scores ``>= min`` (0-100) and below the previous band's ``min``."""

    label: Text
    labels: Names | None = None
    min: Annotated[Finite, Field(ge=0, le=100)]

    def label_in(self, lang: str | None) -> str:
        """The band's label in ``lang`` (from ``labels``), else ``label``."""
        return localized(self.label, self.labels, lang)


DEFAULT_GRADES: tuple[GradeBand, ...] = (
    GradeBand(label="excellent", min=90),
    GradeBand(label="good", min=80),
    GradeBand(label="fair", min=60),
    GradeBand(label="poor", min=0),
)
"""Grade bands of Chinese budget-performance evaluation: excellent >= 90, good >= 80, fair >= 60, poor."""

GroupName = Annotated[str, Field(pattern=r"^[a-z_]+$")]


class DecisionRule(FrozenModel):
    """What follows from a grade or score band: payment released, deduction, renewal.

    Give either ``grade`` (a grade label: the band of that grade) or ``min``
    (a score lower bound on the 0-100 scale). The payment of a project is
    ``contract_value * max(release - deduction, 0)``, ``contract_value``
    coming from the projects file.
    """

    name: Text
    grade: Text | None = None
    min: Annotated[Finite, Field(ge=0, le=100)] | None = None
    release: Annotated[Finite, Field(ge=0, le=1)] = 1.0
    deduction: Annotated[Finite, Field(ge=0, le=1)] = 0.0
    action: Literal["renew", "continue", "warning", "exclude"] = "continue"

    @model_validator(mode="after")
    def _grade_or_min(self) -> DecisionRule:
        if (self.grade is None) == (self.min is None):
            raise_problems([((), f"decision {self.name!r}: give exactly one of grade (a grade label) or min")])
        return self


class Evaluation(FrozenModel):
    """Evaluation options recorded with the system (every field has a default).

    Attributes
    ----------
    rating_aggregation : {"mean", "median", "trimmed_mean"}
        How many raters' ratings become one value per project and indicator.
    trim : float
        Proportion cut at each end for ``trimmed_mean``, in ``[0, 0.5)``.
    rater_group_weights : dict or None
        Weight per rater group (non-negative, sum 1); ``None``: every rater equal.
    min_raters : int
        Fewer raters behind an aggregate is reported as thin evidence.
    qualitative_floor : float or None
        Minimum share of total weight on qualitative indicators.
    qualitative_policy : {"warn", "strict"}
        What a share below the floor does.
    missing : {"reject", "worst", "mean"}
        Policy for a missing quantitative value.
    decisions : tuple of DecisionRule or None
        Payment and renewal decisions by grade or score band, best first.
    """

    rating_aggregation: Literal["mean", "median", "trimmed_mean"] = "mean"
    trim: Annotated[Finite, Field(ge=0, lt=0.5)] = 0.1
    rater_group_weights: dict[GroupName, NonNegative] | None = None
    min_raters: Annotated[int, Field(ge=1), BeforeValidator(_no_bool)] = 5
    qualitative_floor: Annotated[Finite, Field(ge=0, le=1)] | None = None
    qualitative_policy: Literal["warn", "strict"] = "warn"
    missing: Literal["reject", "worst", "mean"] = "reject"
    decisions: tuple[DecisionRule, ...] | None = None

    @model_validator(mode="after")
    def _group_weights(self) -> Evaluation:
        if self.rater_group_weights is not None:
            if not self.rater_group_weights:
                raise_problems([(("rater_group_weights",), "empty; omit it for equal raters")])
            total = math.fsum(self.rater_group_weights.values())
            if abs(total - 1.0) > WEIGHT_TOL:
                raise_problems(
                    [(("rater_group_weights",), f"group weights sum to {total:.10g}; they must sum to 1")]
                )
        return self


Share = Annotated[Finite, Field(ge=0, le=1)]
_CONSTRAINT_TEXT = re.compile(
    r"^\s*([a-z0-9][a-z0-9_.-]*(?:\s*\+\s*[a-z0-9][a-z0-9_.-]*)*)\s*(?:weights?\s*)?(>=|<=|≥|≤)\s*"
    r"([0-9]*\.?[0-9]+)\s*(%?)\s*$"
)


class WeightConstraint(FrozenModel):
    """A rule a framework sets on the share of the total weight some nodes carry together.

    Example: 财预〔2020〕10号 requires output and effect indicators to carry in
    principle at least 60 % of the weight::

        constraints:
          - nodes: [output, effect]
            min: 0.6
            source: 财预〔2020〕10号, 产出、效益指标权重不低于60%

    or, short, ``constraints: ["output + effect >= 60%"]``.

    The share is the sum of the nodes' global weights (products of local
    weights from the root). It is checked when the system is built if every
    weight on the way is determined by the system (fixed, points, equal, AHP),
    otherwise by :func:`ppeval.evaluate` with the weights it computes; a
    violation is a :class:`~ppeval.errors.SchemaError`.
    """

    nodes: Annotated[tuple[Id, ...], *min_items(1, "node")]
    min: Share | None = None
    max: Share | None = None
    description: Text | None = None
    source: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """Accept the short form ``"output + effect >= 60%"`` (or ``<= 0.4``) for ``{nodes, min | max}``."""
        if not isinstance(value, str):
            return value
        m = _CONSTRAINT_TEXT.match(value)
        if m is None:
            raise PydanticCustomError(
                "ppeval_constraint", "{message}",
                {"message": f"{value!r} is not a weight rule; write e.g. 'output + effect >= 60%' or "
                 "{nodes: [output, effect], min: 0.6}"},
            )
        nodes = [n.strip() for n in m.group(1).split("+")]
        share = float(m.group(3)) / (100.0 if m.group(4) else 1.0)
        key = "min" if m.group(2) in (">=", "≥") else "max"
        return {"nodes": nodes, key: share}

    @model_validator(mode="after")
    def _limits(self) -> WeightConstraint:
        if self.min is None and self.max is None:
            raise_problems([((), "give min and/or max: the share of the total weight (0-1) the nodes must carry")])
        if self.min is not None and self.max is not None and self.min > self.max:
            raise_problems([(("max",), f"max {self.max:g} is below min {self.min:g}")])
        return self

    def label(self) -> str:
        """``"output + effect >= 60%"`` style text of the rule."""
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min * 100:g}%")
        if self.max is not None:
            parts.append(f"<= {self.max * 100:g}%")
        return " + ".join(self.nodes) + " " + " and ".join(parts)

    def violation(self, share: float, tol: float = 1e-9) -> str | None:
        """Why ``share`` breaks the rule, or ``None``."""
        if self.min is not None and share < self.min - tol:
            return f"at least {self.min * 100:g}%"
        if self.max is not None and share > self.max + tol:
            return f"at most {self.max * 100:g}%"
        return None


class IndicatorSystem(FrozenModel):
    """An indicator system: metadata, grade bands, evaluation options and a tree of nodes.

    Build it from a file with :func:`ppeval.io.load_system` (errors then name
    the file and the dotted path of every problem) or from a dict with
    :meth:`model_validate`.

    Examples
    --------
    >>> system = IndicatorSystem.model_validate({
    ...     "schema_version": 1, "id": "demo", "name": "Demo", "version": "1",
    ...     "source": "Example", "root": {
    ...         "id": "total", "name": "Total",
    ...         "weighting": {"method": "fixed", "weights": {"a": 0.25, "b": 0.75}},
    ...         "children": [
    ...             {"id": "a", "name": "A", "kind": "quantitative", "direction": "benefit",
    ...              "bounds": {"worst": 0, "best": 10}},
    ...             {"id": "b", "name": "B", "kind": "qualitative", "direction": "benefit",
    ...              "scale": {"type": "likert", "points": 5}}]}})
    >>> system.leaf_ids
    ('a', 'b')
    >>> system.global_weights()
    {'a': 0.25, 'b': 0.75}
    >>> system.grade(85.0)
    'good'
    """

    schema_version: Annotated[Literal[1], BeforeValidator(_no_bool)]
    id: Id
    name: Text
    names: Names | None = None
    version: Text
    description: Text | None = None
    source: Text
    licence: Text | None = None
    grades: Annotated[tuple[GradeBand, ...], *min_items(1, "grade band")] = DEFAULT_GRADES
    evaluation: Evaluation = Evaluation()
    constraints: tuple[WeightConstraint, ...] = ()
    root: Group

    @model_validator(mode="after")
    def _tree_rules(self) -> IndicatorSystem:
        problems: list[Problem] = []
        # grade bands
        labels: dict[str, int] = {}
        for i, band in enumerate(self.grades):
            key = band.label.casefold()
            if key in labels:
                problems.append(
                    (("grades", i, "label"), f"grade label {band.label!r} repeats grades[{labels[key]}]")
                )
            labels.setdefault(key, i)
            if i and not band.min < self.grades[i - 1].min:
                problems.append(
                    (("grades", i, "min"), f"min {band.min:g} of {band.label!r} is not below min "
                     f"{self.grades[i - 1].min:g} of {self.grades[i - 1].label!r}; list bands best first "
                     "with strictly decreasing min")
                )
        if self.grades[-1].min != 0:
            problems.append(
                (("grades", len(self.grades) - 1, "min"), f"the last band {self.grades[-1].label!r} has min "
                 f"{self.grades[-1].min:g}; it must be 0 so every score gets a grade")
            )
        # ids unique in the whole tree, reserved ids, stage consistency
        first: dict[str, TreePath] = {}
        for node, path, _parent, stage in self._walk():
            if node.id in first:
                problems.append(
                    ((*path, "id"), f"id {node.id!r} is already used at {format_subpath(first[node.id])}; "
                     "ids must be unique in the whole system")
                )
            else:
                first[node.id] = path
            if node.is_leaf and node.id in RESERVED_IDS:
                problems.append(((*path, "id"), f"{node.id!r} is reserved (a column of assessment files)"))
            if node.stage is not None and stage is not None and node.stage != stage:
                problems.append(
                    ((*path, "stage"), f"stage {node.stage!r} of {node.id!r} contradicts stage {stage!r} of "
                     "an enclosing node")
                )
        problems += self._derived_problems()
        raise_problems(problems)
        problems += self._points_rules()
        raise_problems(problems)
        return self

    def _derived_problems(self) -> list[Problem]:
        """DEA indicators name quantitative benefit/cost indicators of this system, each once."""
        problems: list[Problem] = []
        index = {n.id: n for n, *_ in self._walk()}
        for node, path, _parent, _stage in self._walk():
            if not isinstance(node, Quantitative) or node.derived is None:
                continue
            seen: set[str] = set()
            for key in ("inputs", "outputs"):
                for k, ref in enumerate(getattr(node.derived, key)):
                    where = (*path, "derived", key, k)
                    target = index.get(ref)
                    if ref in seen:
                        problems.append((where, f"{ref!r} is named twice; an indicator is an input or an "
                                         "output, once"))
                    seen.add(ref)
                    if target is None:
                        problems.append((where, f"{ref!r} is not an indicator of this system"))
                    elif not isinstance(target, Quantitative) or target.derived is not None:
                        what = "a group" if isinstance(target, Group) else (
                            "qualitative" if isinstance(target, Qualitative) else "itself derived")
                        problems.append((where, f"{ref!r} is {what}; DEA inputs and outputs are measured "
                                         "quantitative indicators"))
                    elif target.direction not in ("benefit", "cost"):
                        problems.append((where, f"{ref!r} has direction {target.direction!r}; DEA needs raw "
                                         "amounts (benefit or cost indicators), not distances to a target"))
        return problems

    def _points_rules(self) -> list[tuple[TreePath, str]]:
        """Points that add up, weight constraints, scoring rules against the indicators' points."""
        problems: list[tuple[TreePath, str]] = []
        for node, path, _parent, _stage in self._walk():
            if not isinstance(node, Group) or not isinstance(node.weighting, Points):
                continue
            for i, child in enumerate(node.children):
                if isinstance(child, Group) and isinstance(child.weighting, Points):
                    given, own = node.weighting.points[child.id], child.weighting.total
                    if abs(given - own) > WEIGHT_TOL * max(1.0, given):
                        problems.append(
                            ((*path, "children", i, "weighting", "points"), f"the points of the children of "
                             f"{child.id!r} add up to {own:g}, but {node.id!r} gives {child.id!r} {given:g} "
                             "points; make them agree")
                        )
        for k, rule in enumerate(self.constraints):
            for i, nid in enumerate(rule.nodes):
                if nid not in self._index:
                    close = difflib.get_close_matches(nid, list(self._index), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    problems.append((("constraints", k, "nodes", i), f"no node {nid!r} in the system{hint}"))
            if problems:
                continue
            for i, nid in enumerate(rule.nodes):
                inside = [a for a in self.ancestors(nid) if a in rule.nodes]
                if inside:
                    problems.append((("constraints", k, "nodes", i), f"{nid!r} lies under {inside[0]!r}, "
                                     "which the rule already counts; list nodes that do not overlap"))
        if problems:
            return problems
        node_w = self.node_global_weights()
        for k, rule in enumerate(self.constraints):
            shares = [node_w.get(nid) for nid in rule.nodes]
            if any(x is None for x in shares):
                continue  # checked by evaluate with the computed weights
            msg = self.constraint_violation(rule, math.fsum(x for x in shares if x is not None))
            if msg:
                problems.append((("constraints", k), msg))
        points = self.points()
        for node, path, _parent, _stage in self._walk():
            scoring = getattr(node, "scoring", None)
            if scoring is not None:
                problems += [((*path, "scoring"), m) for m in points_problems(scoring, points.get(node.id))]
        return problems

    def constraint_violation(self, rule: WeightConstraint, share: float, *, computed: bool = False) -> str | None:
        """The message for a weight constraint broken by ``share`` (``None`` if it holds)."""
        need = rule.violation(share)
        if need is None:
            return None
        names = " + ".join(f"{self.node(n).name} ({n})" for n in rule.nodes)
        src = f" ({rule.source})" if rule.source else ""
        what = "the computed weights give" if computed else "they carry"
        return (f"the system requires {rule.label()}{src}: {names} must carry {need} of the total weight; "
                f"{what} {share * 100:.4g}%")

    # ------------------------------------------------------------------ tree walking
    def _walk(self) -> Iterator[tuple[Group | Quantitative | Qualitative, TreePath, str | None, str | None]]:
        """Depth-first pre-order: (node, path, parent id, stage inherited from ancestors)."""
        stack: list[tuple[Group | Quantitative | Qualitative, TreePath, str | None, str | None]] = [
            (self.root, ("root",), None, None)
        ]
        while stack:
            node, path, parent, stage = stack.pop()
            yield node, path, parent, stage
            if isinstance(node, Group):
                own = node.stage if node.stage is not None else stage
                stack.extend(
                    (child, (*path, "children", i), node.id, own)
                    for i, child in reversed(list(enumerate(node.children)))
                )

    @cached_property
    def _index(self) -> dict[str, tuple[Group | Quantitative | Qualitative, TreePath, str | None, str | None]]:
        return {n.id: (n, p, parent, n.stage or stage) for n, p, parent, stage in self._walk()}

    @cached_property
    def _leaves(self) -> tuple[Quantitative | Qualitative, ...]:
        return tuple(n for n, *_ in self._index.values() if not isinstance(n, Group))

    def leaves(self) -> tuple[Quantitative | Qualitative, ...]:
        """The leaf indicators in depth-first order (children in file order): the column order."""
        return self._leaves

    @property
    def leaf_ids(self) -> tuple[str, ...]:
        """Ids of :meth:`leaves`, in the same order."""
        return tuple(leaf.id for leaf in self._leaves)

    @property
    def quantitative_leaf_ids(self) -> tuple[str, ...]:
        """Ids of the quantitative leaves, in leaf order."""
        return tuple(leaf.id for leaf in self._leaves if leaf.kind == "quantitative")

    @property
    def derived_leaf_ids(self) -> tuple[str, ...]:
        """Ids of the leaves computed by ppeval (DEA efficiency indicators), not measured, in leaf order."""
        return tuple(leaf.id for leaf in self._leaves if isinstance(leaf, Quantitative) and leaf.derived is not None)

    @property
    def qualitative_leaf_ids(self) -> tuple[str, ...]:
        """Ids of the qualitative leaves, in leaf order."""
        return tuple(leaf.id for leaf in self._leaves if leaf.kind == "qualitative")

    def inner_nodes(self) -> tuple[Group, ...]:
        """The inner nodes in depth-first pre-order (root first)."""
        return tuple(n for n, *_ in self._index.values() if isinstance(n, Group))

    @property
    def ids(self) -> tuple[str, ...]:
        """Every node and leaf id in depth-first pre-order."""
        return tuple(self._index)

    def _entry(self, node_id: str) -> tuple[Group | Quantitative | Qualitative, TreePath, str | None, str | None]:
        try:
            return self._index[node_id]
        except (KeyError, TypeError):
            close = difflib.get_close_matches(str(node_id), list(self._index), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise InputError(
                f"no node or indicator with id {node_id!r} in indicator system {self.id!r}{hint}"
            ) from None

    def node(self, node_id: str) -> Group | Quantitative | Qualitative:
        """Return the node or leaf with this id.

        Raises
        ------
        InputError
            If no node has this id (the message suggests close ids).
        """
        return self._entry(node_id)[0]

    def leaf(self, leaf_id: str) -> Quantitative | Qualitative:
        """Return the leaf indicator with this id (:class:`InputError` for an inner node or unknown id)."""
        node = self.node(leaf_id)
        if isinstance(node, Group):
            raise InputError(f"{leaf_id!r} is an inner node of {self.id!r}, not a leaf indicator")
        return node

    def group(self, node_id: str) -> Group:
        """Return the inner node with this id (:class:`InputError` for a leaf or unknown id)."""
        node = self.node(node_id)
        if not isinstance(node, Group):
            raise InputError(f"{node_id!r} is a leaf indicator of {self.id!r}, not an inner node")
        return node

    def parent_of(self, node_id: str) -> Group | None:
        """Return the parent of a node (``None`` for the root)."""
        parent = self._entry(node_id)[2]
        return None if parent is None else self.group(parent)

    def ancestors(self, node_id: str) -> tuple[str, ...]:
        """Ids from the root down to the node's parent."""
        out: list[str] = []
        parent = self._entry(node_id)[2]
        while parent is not None:
            out.append(parent)
            parent = self._index[parent][2]
        return tuple(reversed(out))

    def path_of(self, node_id: str) -> str:
        """Dotted path of a node in the system file, e.g. ``root.children[1].children[0]``."""
        return format_subpath(self._entry(node_id)[1])

    def stage_of(self, node_id: str) -> str | None:
        """The node's stage, or the nearest enclosing node's stage, or ``None``."""
        return self._entry(node_id)[3]

    @property
    def stages(self) -> tuple[str, ...]:
        """Distinct stages in depth-first order (empty if the system has none)."""
        return tuple(dict.fromkeys(s for *_, s in self._index.values() if s is not None))

    # ------------------------------------------------------------------ weights
    @overload
    def local_weights(self, node_id: None = None) -> dict[str, dict[str, float]]: ...

    @overload
    def local_weights(self, node_id: str) -> dict[str, float]: ...

    def local_weights(self, node_id: str | None = None) -> dict[str, dict[str, float]] | dict[str, float]:
        """Local (sibling) weights where the system determines them.

        Parameters
        ----------
        node_id : str, optional
            An inner node. Without it, every inner node whose weights are
            determined (fixed, equal, AHP, combinations of these) is returned.

        Returns
        -------
        dict
            ``{child id: weight}`` for ``node_id``; otherwise
            ``{node id: {child id: weight}}`` (data-driven nodes left out).

        Raises
        ------
        SchemaError
            If ``node_id`` is weighted from data (entropy, CRITIC).
        InputError
            If ``node_id`` is not an inner node of the system.

        Notes
        -----
        AHP weights are computed by :func:`ppeval.ahp.priorities` from the
        experts' judgments (aggregated by AIJ or AIP as the node says).
        """
        if node_id is not None:
            return self.group(node_id).local_weights()
        return {g.id: g.local_weights() for g in self.inner_nodes() if g.is_determined()}

    def undetermined_nodes(self) -> tuple[str, ...]:
        """Ids of inner nodes whose weights need the assessment's data."""
        return tuple(g.id for g in self.inner_nodes() if not g.is_determined())

    def global_weights(
        self, overrides: Mapping[str, Mapping[str, float] | Sequence[float]] | None = None
    ) -> dict[str, float]:
        """Global leaf weights: the product of local weights from the root down to each leaf.

        Parameters
        ----------
        overrides : mapping, optional
            Local weights per inner node id (``{child id: w}`` or a sequence in
            children order), used instead of the node's own weighting, e.g.
            entropy weights the pipeline computed from data.

        Returns
        -------
        dict
            ``{leaf id: weight}`` in leaf order; the weights sum to 1.

        Raises
        ------
        SchemaError
            If a node's weights need data and no override is given (the message
            names every such node).
        InputError
            If an override names an unknown node or is not a valid weight vector
            of its children.

        Notes
        -----
        The global weight of leaf :math:`\\ell` is the product of the local
        weights on its path from the root,
        :math:`W_\\ell = \\prod_{(g, c) \\in \\text{path}(\\ell)} w_{g}(c)`,
        Saaty's hierarchic composition (distributive mode); the global weights
        of all leaves sum to 1 because every node's local weights do.

        References
        ----------
        Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, ch. 3.

        Examples
        --------
        >>> from ppeval.io import load_bundled
        >>> w = load_bundled("budget-performance").global_weights()
        >>> round(sum(w.values()), 12)
        1.0
        """
        local: dict[str, dict[str, float]] = {}
        for node_id, given in (overrides or {}).items():
            g = self.group(node_id)
            local[node_id] = _check_override(g, given)
        missing = [g for g in self.inner_nodes() if g.id not in local and not g.is_determined()]
        if missing:
            raise SchemaError(
                "global weights need the assessment's data: "
                + "; ".join(f"node {g.id!r} ({self.path_of(g.id)}) is weighted by {_describe(g.weighting)}"
                            for g in missing)
                + "; pass their local weights as overrides or use ppeval.evaluate"
            )
        for g in self.inner_nodes():
            if g.id not in local:
                local[g.id] = g.local_weights()
        out: dict[str, float] = {}
        for leaf in self._leaves:
            w = 1.0
            child = leaf.id
            for anc in reversed(self.ancestors(leaf.id)):
                w *= local[anc][child]
                child = anc
            out[leaf.id] = w
        return out

    def node_global_weights(
        self, local: Mapping[str, Mapping[str, float]] | None = None
    ) -> dict[str, float]:
        """Global weight of every node and indicator: the product of local weights from the root (root = 1).

        ``local`` gives local weights (``{node id: {child id: w}}``) for nodes
        whose weights the system does not determine (entropy, CRITIC) or that
        are overridden; nodes below an undetermined node without them are left out.
        """
        known: dict[str, Mapping[str, float]] = dict(local or {})
        out: dict[str, float] = {self.root.id: 1.0}
        for g in self.inner_nodes():  # pre-order: a parent comes before its children
            if g.id not in out:
                continue
            lw = known.get(g.id)
            if lw is None:
                if not g.is_determined():
                    continue
                lw = g.local_weights()
            for c in g.child_ids:
                out[c] = out[g.id] * lw[c]
        return out

    @property
    def total_points(self) -> float:
        """The system's points: the root's points if it is weighted by points, else 100."""
        w = self.root.weighting
        return w.total if isinstance(w, Points) else DEFAULT_TOTAL_POINTS

    def points(
        self, overrides: Mapping[str, Mapping[str, float]] | None = None
    ) -> dict[str, float]:
        """Points of every node and indicator: ``total_points`` x its global weight.

        Nodes weighted by ``points`` give exactly the points written in the
        file (the children's points add up to the parent's, checked when the
        system is built). Nodes under data-driven weights (entropy, CRITIC)
        are left out unless ``overrides`` gives their local weights
        (``{node id: {child id: w}}``).

        Examples
        --------
        >>> from ppeval.io import load_bundled
        >>> p = load_bundled("budget-performance").points()
        >>> p["total"], p["decision"], p["output"]
        (100.0, 20.0, 30.0)
        """
        known: dict[str, Mapping[str, float]] = dict(overrides or {})
        out: dict[str, float] = {self.root.id: self.total_points}
        for g in self.inner_nodes():  # pre-order: a parent comes before its children
            if g.id not in out:
                continue
            own = out[g.id]
            w = g.weighting
            if g.id not in known and isinstance(w, Points) and abs(w.total - own) <= WEIGHT_TOL * max(1.0, own):
                out.update(w.points)  # exactly as written
                continue
            lw = known.get(g.id)
            if lw is None:
                if not g.is_determined():
                    continue
                lw = g.local_weights()
            for c in g.child_ids:
                out[c] = own * lw[c]
        return out

    # ------------------------------------------------------------------ consistency
    def consistency(self) -> tuple[AHPConsistency, ...]:
        """AHP consistency per AHP weighting (own or inside a combination), depth-first.

        Returns
        -------
        tuple of AHPConsistency
            CR per expert and for the group, the node's threshold and policy,
            and whether it is consistent; ``path`` is the weighting's dotted
            path in the file.

        Notes
        -----
        Computed by :func:`ppeval.ahp.priorities` (``CI = (lambda_max - n)/(n - 1)``,
        ``CR = CI / RI(n)``, Saaty 1980); nothing is printed or warned (see
        :meth:`warn_inconsistent`).

        Examples
        --------
        >>> from ppeval.io import load_bundled
        >>> [(r.node_id, r.consistent) for r in load_bundled("elderly-care").consistency()][:1]
        [('total', True)]
        """
        return tuple(
            dataclasses.replace(report, path=f"{self.path_of(g.id)}.{report.path}")
            for g in self.inner_nodes()
            for _path, _spec, report in g._ahp_reports
        )

    def warn_inconsistent(self) -> tuple[AHPConsistency, ...]:
        """Issue a :class:`~ppeval.errors.PPEvalWarning` per inconsistent AHP node; return those reports."""
        bad = tuple(r for r in self.consistency() if not r.consistent)
        for report in bad:
            warnings.warn(f"{self.id}: {report.message()}", PPEvalWarning, stacklevel=2)
        return bad

    def check_consistency(self, *, strict: bool = False) -> None:
        """Raise :class:`~ppeval.errors.ConsistencyError` for inconsistent AHP judgments.

        Nodes with ``cr_policy: reject`` are always checked (and already
        rejected when the system is built); with ``strict=True``, ``warn``
        nodes too.
        """
        bad = [r for r in self.consistency() if not r.consistent and (strict or r.policy == "reject")]
        if bad:
            raise ConsistencyError(f"indicator system {self.id!r}: " + " | ".join(r.message() for r in bad))

    # ------------------------------------------------------------------ grades
    def grade(self, score: float) -> str:
        """The grade label of a 0-100 score (the first band whose ``min`` the score reaches).

        Raises
        ------
        InputError
            If ``score`` is not a finite number in ``[0, 100]``.
        """
        if isinstance(score, bool) or not isinstance(score, int | float | np.floating | np.integer):
            raise InputError(f"score is {score!r}; expected a number in [0, 100]")
        s = float(score)
        if not (math.isfinite(s) and 0.0 <= s <= 100.0):
            raise InputError(f"score is {s!r}; grades apply to finite scores in [0, 100]")
        for band in self.grades[:-1]:
            if s >= band.min:
                return band.label
        return self.grades[-1].label  # the last band has min 0

    def grades_of(self, scores: ArrayLike) -> tuple[str, ...]:
        """Vectorised :meth:`grade` for a 1-D array of 0-100 scores."""
        arr = np.asarray(scores, dtype=np.float64)
        if arr.ndim != 1:
            raise InputError(f"scores must be 1-D; got shape {arr.shape}")
        bad = ~np.isfinite(arr) | (arr < 0) | (arr > 100)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"scores[{i}] is {float(arr[i])!r}; grades apply to finite scores in [0, 100]")
        mins = np.array([b.min for b in self.grades])
        # bands best first with strictly decreasing mins: index of the first band with score >= min
        idx = np.argmax(arr[:, None] >= mins[None, :], axis=1)
        labels = [b.label for b in self.grades]
        return tuple(map(labels.__getitem__, idx.tolist()))  # Python ints index a list faster than numpy's


def _check_override(g: Group, given: Mapping[str, float] | Sequence[float]) -> dict[str, float]:
    ids = g.child_ids
    if isinstance(given, Mapping):
        if set(given) != set(ids):
            raise InputError(
                f"overrides[{g.id!r}] has keys {sorted(given)}; "
                f"expected the children of {g.id!r}: {list(ids)}"
            )
        values = [given[c] for c in ids]
    else:
        values = list(given)
        if len(values) != len(ids):
            raise InputError(
                f"overrides[{g.id!r}] has {len(values)} weights; node {g.id!r} has {len(ids)} children"
            )
    arr = np.asarray(values, dtype=np.float64)
    if not np.isfinite(arr).all() or (arr < 0).any() or abs(arr.sum() - 1.0) > 1e-9:
        raise InputError(
            f"overrides[{g.id!r}] = {list(arr)}; local weights must be finite, non-negative and sum to 1"
        )
    return dict(zip(ids, (float(v) for v in arr), strict=True))
