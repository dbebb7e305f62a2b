"""How an inner node weights its children (discriminated on ``method``).

``fixed`` weights and ``equal`` weights are given by the system; ``ahp``
weights follow from one or several experts' pairwise judgments (Saaty 1980),
computed through :mod:`ppeval.ahp`; ``g1`` (a ranking and adjacent ratios),
``bwm`` (best-worst comparisons) and ``fuzzy_ahp`` (triangular fuzzy
judgments) from fewer or fuzzier expert judgments; ``entropy``, ``critic``
and ``cv`` need the assessment's data and are computed by the pipeline; ``combine`` mixes several
of these (linear, multiplicative or game-theory combination).

The checks that need the node's children (weights keyed by child ids,
judgments naming children, matrix size) are methods here called by the node's
validator in :mod:`ppeval.schema.system`, so every problem is reported with its
path below the node.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ppeval._checks import as_judgments
from ppeval._typing import FloatArray
from ppeval.errors import InputError, SchemaError
from ppeval.schema._base import (
    Finite,
    FrozenModel,
    Id,
    Judgment,
    NonNegative,
    OptionalJudgment,
    Problem,
    Text,
    min_items,
    raise_problems,
)

__all__ = [
    "WEIGHT_TOL",
    "Fixed",
    "Points",
    "Equal",
    "Entropy",
    "Critic",
    "Judgments",
    "Expert",
    "AHP",
    "Combine",
    "CV",
    "G1",
    "BWM",
    "FuzzyJudgments",
    "FuzzyExpert",
    "FuzzyAHP",
    "SourceWeighting",
    "Weighting",
    "ExpertConsistency",
    "AHPConsistency",
]

#: Tolerance of the sum of fixed weights and linear-combination coefficients.
WEIGHT_TOL = 1e-6


def _fmt(x: float) -> str:
    return f"{x:g}"


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(repr(i) for i in ids)


class Fixed(FrozenModel):
    """Weights stated by the system: ``{child id: weight}``, non-negative, summing to 1 (within 1e-6)."""

    method: Literal["fixed"]
    weights: dict[Id, NonNegative]

    @model_validator(mode="after")
    def _sum(self) -> Fixed:
        total = math.fsum(self.weights.values())
        if abs(total - 1.0) > WEIGHT_TOL:
            raise_problems(
                [(("weights",), f"weights sum to {total:.10g}; they must sum to 1 (within {WEIGHT_TOL:g})"
                  + ("; to state points (e.g. 20/20/30/30), write method: points with points: {child: n}"
                     if total > 1.5 else ""))]
            )
        return self

    def is_determined(self) -> bool:
        """``True``: the weights are given by the system."""
        return True

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Problems of these weights against the node's children (keys must be the child ids)."""
        problems: list[Problem] = []
        unknown = [k for k in self.weights if k not in child_ids]
        missing = [c for c in child_ids if c not in self.weights]
        if unknown:
            problems.append(
                (("weights",), f"weights name {_ids(unknown)}, which {'is' if len(unknown) == 1 else 'are'} "
                 f"not a child of this node (children: {_ids(child_ids)})")
            )
        if missing:
            problems.append((("weights",), f"no weight for child {_ids(missing)}; give one weight per child"))
        return problems

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """The weights in children order, divided by their sum.

        The file's weights sum to 1 within 1e-6 (rounded figures such as
        thirds written as 0.333); dividing by the sum makes them sum to 1 to
        float precision, as the numeric core requires (1e-9).
        """
        raw = [self.weights[c] for c in child_ids]
        total = math.fsum(raw)
        return tuple(w / total for w in raw)


class Points(FrozenModel):
    """Weights stated as points, the way scoring sheets write them: ``{child id: points}``.

    A framework in points (e.g. decision 20, process 20, output 30, effect 30
    of 100) gives each child its points; the local weights are the points
    divided by their sum (20/100, 20/100, 30/100, 30/100), and the points are
    kept for display (scoring sheets, :meth:`IndicatorSystem.points`). When a
    child is itself weighted by points, its children's points must add up to
    the points its parent gives it (checked by the system). Plain ``fixed``
    weights must sum to 1: points are an explicit choice, never a silent
    renormalisation of fixed weights.
    """

    method: Literal["points"]
    points: dict[Id, NonNegative]

    @model_validator(mode="after")
    def _positive(self) -> Points:
        if self.points and math.fsum(self.points.values()) <= 0:
            raise_problems([(("points",), "the points sum to 0; at least one child needs points")])
        return self

    @property
    def total(self) -> float:
        """The node's points: the sum of its children's points."""
        return math.fsum(self.points.values())

    def is_determined(self) -> bool:
        """``True``: the weights are given by the system."""
        return True

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Problems of the points against the node's children (keys must be the child ids)."""
        problems: list[Problem] = []
        unknown = [k for k in self.points if k not in child_ids]
        missing = [c for c in child_ids if c not in self.points]
        if unknown:
            problems.append(
                (("points",), f"points name {_ids(unknown)}, which {'is' if len(unknown) == 1 else 'are'} "
                 f"not a child of this node (children: {_ids(child_ids)})")
            )
        if missing:
            problems.append((("points",), f"no points for child {_ids(missing)}; give points to every child"))
        return problems

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """The points in children order divided by their sum."""
        raw = [self.points[c] for c in child_ids]
        total = math.fsum(raw)
        return tuple(p / total for p in raw)


class Equal(FrozenModel):
    """Every child weighs ``1/n``."""

    method: Literal["equal"]

    def is_determined(self) -> bool:
        """``True``: the weights are given by the system."""
        return True

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """No child-dependent problems."""
        return []

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """``1/n`` per child."""
        n = len(child_ids)
        return tuple(1.0 / n for _ in child_ids)


class Entropy(FrozenModel):
    """Shannon-entropy weights from the assessment data of the children (computed by the pipeline)."""

    method: Literal["entropy"]

    def is_determined(self) -> bool:
        """``False``: the weights need the assessment's data."""
        return False

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """No child-dependent problems."""
        return []

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """Raise: these weights need the assessment's data (the pipeline computes them)."""
        raise SchemaError(
            f"weighting method {self.method!r} needs the assessment's data; the pipeline computes it"
        )


class Critic(FrozenModel):
    """CRITIC weights (Diakoulaki et al. 1995) from the assessment data (computed by the pipeline)."""

    method: Literal["critic"]

    def is_determined(self) -> bool:
        """``False``: the weights need the assessment's data."""
        return False

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """No child-dependent problems."""
        return []

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """Raise: these weights need the assessment's data (the pipeline computes them)."""
        raise SchemaError(
            f"weighting method {self.method!r} needs the assessment's data; the pipeline computes it"
        )


class Judgments(FrozenModel):
    """One expert's pairwise judgments: exactly one of ``matrix``, ``upper`` or ``pairs``.

    * ``matrix``: the full ``n x n`` reciprocal matrix in children order;
      ``null`` (or ``"?"``) marks a missing judgment on both sides.
    * ``upper``: the upper triangle row-wise, ``(0,1), (0,2), ..., (1,2), ...``.
    * ``pairs``: ``[row id, column id, value]`` meaning "row is ``value``
      times as important as column"; pairs not listed are missing.

    Missing judgments are completed by Harker's method in :func:`ppeval.ahp.priorities`;
    the known ones must connect every child.
    """

    matrix: tuple[tuple[OptionalJudgment, ...], ...] | None = None
    upper: tuple[OptionalJudgment, ...] | None = None
    pairs: tuple[tuple[Id, Id, Judgment], ...] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Judgments:
        given = [k for k in ("matrix", "upper", "pairs") if getattr(self, k) is not None]
        if len(given) != 1:
            what = "none" if not given else " and ".join(given)
            raise_problems([((), f"give exactly one of matrix, upper or pairs; got {what}")])
        return self

    @property
    def form(self) -> Literal["matrix", "upper", "pairs"]:
        """Which form the judgments were given in."""
        if self.matrix is not None:
            return "matrix"
        if self.upper is not None:
            return "upper"
        return "pairs"

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Problems of the judgments against the children (size, names, reciprocity, connectivity)."""
        n = len(child_ids)
        problems: list[Problem] = []
        if self.matrix is not None:
            rows = self.matrix
            if len(rows) != n or any(len(r) != n for r in rows):
                shape = f"{len(rows)} rows of lengths {sorted({len(r) for r in rows})}" if rows else "empty"
                problems.append(
                    (("matrix",), f"matrix is {shape}; the node has {n} children ({_ids(child_ids)}), "
                     f"so the matrix must be {n} x {n}")
                )
                return problems
        elif self.upper is not None:
            need = n * (n - 1) // 2
            if len(self.upper) != need:
                problems.append(
                    (("upper",), f"upper has {len(self.upper)} values; {n} children need n(n-1)/2 = {need} "
                     "(row-wise: (0,1), (0,2), ..., (1,2), ...)")
                )
                return problems
        else:
            given_pairs = self.pairs or ()
            seen: dict[frozenset[str], int] = {}
            for k, (row, col, _value) in enumerate(given_pairs):
                bad = False
                for pos, cid in ((0, row), (1, col)):
                    if cid not in child_ids:
                        problems.append(
                            (("pairs", k, pos), f"{cid!r} is not a child of this node (children: "
                             f"{_ids(child_ids)})")
                        )
                        bad = True
                if bad:
                    continue
                if row == col:
                    problems.append((("pairs", k), f"pair compares {row!r} with itself; the diagonal is 1"))
                    continue
                key = frozenset((row, col))
                if key in seen:
                    problems.append(
                        (("pairs", k), f"pair ({row}, {col}) is already judged in pairs[{seen[key]}]; "
                         "judge each pair once")
                    )
                else:
                    seen[key] = k
            if problems:
                return problems
        matrix = self.to_matrix(child_ids)
        try:
            as_judgments(matrix, self.form, allow_nan=True)
        except InputError as exc:
            legend = ", ".join(f"{i}={c}" for i, c in enumerate(child_ids))
            problems.append(((self.form,), f"{exc} (indices in children order: {legend})"))
            return problems
        unconnected = _unconnected(matrix, child_ids)
        if unconnected:
            problems.append(((self.form,), unconnected))
        return problems

    def to_matrix(self, child_ids: Sequence[str]) -> FloatArray:
        """Return the ``n x n`` judgment matrix in children order (``nan`` = missing).

        Only meaningful once :meth:`child_problems` reported nothing.
        """
        n = len(child_ids)
        if self.matrix is not None:
            return np.array(
                [[np.nan if v is None else v for v in row] for row in self.matrix], dtype=np.float64
            ).reshape(n, n)
        out = np.full((n, n), np.nan)
        np.fill_diagonal(out, 1.0)
        if self.upper is not None:
            iu, ju = np.triu_indices(n, 1)
            vals = np.array([np.nan if v is None else v for v in self.upper], dtype=np.float64)
            out[iu, ju] = vals
            out[ju, iu] = 1.0 / vals
            return out
        index = {c: i for i, c in enumerate(child_ids)}
        for row, col, value in self.pairs or ():
            i, j = index[row], index[col]
            out[i, j] = value
            out[j, i] = 1.0 / value
        return out

    def n_missing(self, child_ids: Sequence[str]) -> int:
        """Number of missing judgments above the diagonal."""
        m = self.to_matrix(child_ids)
        return int(np.isnan(m[np.triu_indices(len(child_ids), 1)]).sum())


def _unconnected(matrix: FloatArray, child_ids: Sequence[str]) -> str | None:
    """Message if the known judgments do not connect every child (graph components), else ``None``."""
    n = len(child_ids)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    known = ~np.isnan(matrix)
    for i, j in zip(*np.nonzero(np.triu(known, 1)), strict=True):
        parent[find(int(i))] = find(int(j))
    groups: dict[int, list[str]] = {}
    for i, c in enumerate(child_ids):
        groups.setdefault(find(i), []).append(c)
    if len(groups) <= 1:
        return None
    parts = " | ".join("{" + _ids(g) + "}" for g in groups.values())
    return (
        f"the known judgments do not connect every child: {parts} are never compared with each other; "
        "judge at least one pair across the groups so the priorities are determined"
    )


class Expert(FrozenModel):
    """One expert's judgments, with an optional name and weight (default equal, normalised)."""

    name: Text | None = None
    weight: Annotated[Finite, Field(gt=0)] | None = None
    judgments: Judgments


class AHP(FrozenModel):
    """Analytic hierarchy process weights from one or several experts' pairwise judgments.

    ``aggregation`` ``aij`` combines the judgments element-wise by the weighted
    geometric mean before computing priorities; ``aip`` computes each expert's
    priorities and aggregates those (Forman & Peniwati 1998).
    ``priority_method`` is the principal eigenvector (Saaty) or the row
    geometric mean. ``cr_policy`` ``reject`` makes a consistency ratio above
    ``cr_threshold`` (for any expert, or the aggregated matrix) a
    :class:`~ppeval.errors.ConsistencyError` when the system is loaded;
    ``warn`` records it in :meth:`IndicatorSystem.consistency`.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and
    priorities with the analytic hierarchy process. *European Journal of
    Operational Research*, 108(1), 165-169.
    """

    method: Literal["ahp"]
    aggregation: Literal["aij", "aip"] = "aij"
    priority_method: Literal["eigenvector", "geometric_mean"] = "eigenvector"
    cr_threshold: Annotated[Finite, Field(gt=0, le=1)] = 0.1
    cr_policy: Literal["warn", "reject"] = "warn"
    experts: Annotated[tuple[Expert, ...], *min_items(1, "expert")]

    @model_validator(mode="after")
    def _expert_weights(self) -> AHP:
        given = [e.weight is not None for e in self.experts]
        if any(given) and not all(given):
            i = given.index(False)
            raise_problems(
                [(("experts", i, "weight"), "this expert has no weight but others do; give a weight to "
                  "every expert or to none (equal weights)")]
            )
        return self

    def is_determined(self) -> bool:
        """``True``: the weights follow from the judgments."""
        return True

    def expert_weights(self) -> tuple[float, ...]:
        """Normalised expert weights (equal when none are given)."""
        raw = [1.0 if e.weight is None else e.weight for e in self.experts]
        total = math.fsum(raw)
        return tuple(w / total for w in raw)

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Problems of every expert's judgments against the children."""
        problems: list[Problem] = []
        for k, expert in enumerate(self.experts):
            problems += [
                (("experts", k, "judgments", *path), msg)
                for path, msg in expert.judgments.child_problems(child_ids)
            ]
        return problems

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """The children's AHP priorities (see :meth:`evaluate`)."""
        return self.evaluate(child_ids)[0]

    def evaluate(
        self, child_ids: Sequence[str]
    ) -> tuple[tuple[float, ...], tuple[ExpertConsistency, ...], float | None]:
        """Compute priorities and consistency through :mod:`ppeval.ahp`.

        Returns
        -------
        tuple
            ``(weights in children order, per-expert consistency, group CR)``;
            the group CR is that of the aggregated matrix under ``aij`` (the
            expert's own CR with one expert) and ``None`` under ``aip`` with
            several experts.
        """
        ahp = _ahp_module()
        matrices = [e.judgments.to_matrix(child_ids) for e in self.experts]
        ew = self.expert_weights()
        per_expert = [ahp.priorities(m, method=self.priority_method) for m in matrices]
        experts = tuple(
            ExpertConsistency(
                index=k,
                name=e.name,
                cr=float(r.cr),
                ci=float(r.ci),
                lambda_max=float(r.lambda_max),
                consistent=bool(r.cr <= self.cr_threshold),
                n_missing=e.judgments.n_missing(child_ids),
            )
            for k, (e, r) in enumerate(zip(self.experts, per_expert, strict=True))
        )
        group_cr: float | None
        if len(matrices) == 1:
            weights = np.asarray(per_expert[0].weights, dtype=np.float64)
            group_cr = float(per_expert[0].cr)
        elif self.aggregation == "aij":
            group = ahp.priorities(ahp.aggregate(np.stack(matrices), weights=np.array(ew)),
                                   method=self.priority_method)
            weights = np.asarray(group.weights, dtype=np.float64)
            group_cr = float(group.cr)
        else:
            weights = _aip(ahp, [np.asarray(r.weights, dtype=np.float64) for r in per_expert], ew)
            group_cr = None
        return tuple(float(w) for w in weights), experts, group_cr


def _ahp_module() -> ModuleType:
    """Import :mod:`ppeval.ahp` (the numeric core) on first use."""
    import ppeval.ahp

    return ppeval.ahp


def _aip(ahp: ModuleType, priorities: list[FloatArray], expert_weights: Sequence[float]) -> FloatArray:
    """Aggregate individual priorities (AIP) through :func:`ppeval.ahp.aggregate_priorities`."""
    out = ahp.aggregate_priorities(np.stack(priorities), weights=np.array(expert_weights))
    return np.asarray(out, dtype=np.float64)


class CV(FrozenModel):
    """Coefficient-of-variation weights from the assessment data (computed by the pipeline)."""

    method: Literal["cv"]

    def is_determined(self) -> bool:
        """``False``: the weights need the assessment's data."""
        return False

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """No child-dependent problems."""
        return []

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """Raise: these weights need the assessment's data (the pipeline computes them)."""
        raise SchemaError(
            f"weighting method {self.method!r} needs the assessment's data; the pipeline computes it"
        )


def _weights_module() -> ModuleType:
    """Import :mod:`ppeval.weights` (the numeric core) on first use."""
    import ppeval.weights

    return ppeval.weights


class G1(FrozenModel):
    """G1 order-relation weights (Guo Yajun 2002): a ranking of the children and adjacent ratios.

    ``order`` lists every child id once, most important first; ``ratios[k]``
    is how many times more important ``order[k]`` is than ``order[k + 1]``
    (``>= 1``; Guo's scale 1.0, 1.2, 1.4, 1.6, 1.8), so ``n - 1`` values.
    See :func:`ppeval.weights.g1`.
    """

    method: Literal["g1"]
    order: Annotated[tuple[Id, ...], *min_items(1, "child id")]
    ratios: tuple[Annotated[Finite, Field(ge=1)], ...]

    def is_determined(self) -> bool:
        """``True``: the weights follow from the ranking and ratios."""
        return True

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """``order`` must list every child once; ``ratios`` needs ``n - 1`` values."""
        problems: list[Problem] = []
        unknown = [c for c in self.order if c not in child_ids]
        if unknown:
            problems.append((("order",), f"order names {_ids(unknown)}, not a child of this node "
                             f"(children: {_ids(child_ids)})"))
        dup = sorted({c for c in self.order if self.order.count(c) > 1})
        if dup:
            problems.append((("order",), f"order lists {_ids(dup)} more than once; list every child once"))
        missing = [c for c in child_ids if c not in self.order]
        if missing:
            problems.append((("order",), f"order leaves out {_ids(missing)}; rank every child"))
        n = len(child_ids)
        if len(self.ratios) != n - 1:
            problems.append((("ratios",), f"ratios has {len(self.ratios)} values; {n} children need n - 1 = "
                             f"{n - 1} (one per adjacent pair in order)"))
        return problems

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """The G1 weights in children order."""
        idx = [list(child_ids).index(c) for c in self.order]
        w = _weights_module().g1(idx, list(self.ratios))
        return tuple(float(v) for v in w)


class BWM(FrozenModel):
    """Best-worst method weights (Rezaei 2015; linear model, Rezaei 2016).

    ``best`` and ``worst`` name children; ``best_to_others`` gives, for every
    child, how much ``best`` is preferred to it (1-9, 1 for ``best``);
    ``others_to_worst`` how much every child is preferred to ``worst`` (1 for
    ``worst``). ``best_to_others[worst]`` and ``others_to_worst[best]`` are
    both ``a_BW`` and must be equal. See :func:`ppeval.weights.bwm`.
    """

    method: Literal["bwm"]
    best: Id
    worst: Id
    best_to_others: dict[Id, Judgment]
    others_to_worst: dict[Id, Judgment]

    def is_determined(self) -> bool:
        """``True``: the weights follow from the comparisons."""
        return True

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Keys must be the children; best and worst children; the comparisons must be valid BWM input."""
        problems: list[Problem] = []
        for key in ("best", "worst"):
            cid = getattr(self, key)
            if cid not in child_ids:
                problems.append(((key,), f"{cid!r} is not a child of this node (children: {_ids(child_ids)})"))
        for key in ("best_to_others", "others_to_worst"):
            given = getattr(self, key)
            unknown = [k for k in given if k not in child_ids]
            missing = [c for c in child_ids if c not in given]
            if unknown:
                problems.append(((key,), f"{key} names {_ids(unknown)}, not a child of this node"))
            if missing:
                problems.append(((key,), f"{key} has no value for {_ids(missing)}; give one per child"))
        if problems:
            return problems
        try:
            self.evaluate(child_ids)
        except InputError as exc:
            legend = ", ".join(f"{i}={c}" for i, c in enumerate(child_ids))
            problems.append(((), f"{exc} (indices in children order: {legend})"))
        return problems

    def evaluate(self, child_ids: Sequence[str]) -> Any:
        """The :class:`ppeval.weights.BWMResult` of these comparisons (children order)."""
        ids = list(child_ids)
        return _weights_module().bwm(
            [self.best_to_others[c] for c in ids],
            [self.others_to_worst[c] for c in ids],
            best=ids.index(self.best),
            worst=ids.index(self.worst),
        )

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """The linear-BWM weights in children order."""
        return tuple(float(v) for v in self.evaluate(child_ids).weights)


TriangularJudgment = tuple[Judgment, Judgment, Judgment]
"""A triangular fuzzy judgment ``[l, m, u]`` (each a number or a ratio string such as ``'1/3'``)."""


class FuzzyJudgments(FrozenModel):
    """Complete triangular fuzzy judgments: exactly one of ``upper`` or ``pairs``.

    * ``upper``: ``[l, m, u]`` for every pair above the diagonal, row-wise
      ``(0,1), (0,2), ..., (1,2), ...`` in children order.
    * ``pairs``: ``[row id, column id, [l, m, u]]`` for every pair of
      children once: "row is (l, m, u) times as important as column".

    The lower triangle is the fuzzy reciprocal ``(1/u, 1/m, 1/l)``.
    """

    upper: tuple[TriangularJudgment, ...] | None = None
    pairs: tuple[tuple[Id, Id, TriangularJudgment], ...] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> FuzzyJudgments:
        given = [k for k in ("upper", "pairs") if getattr(self, k) is not None]
        if len(given) != 1:
            what = "none" if not given else " and ".join(given)
            raise_problems([((), f"give exactly one of upper or pairs; got {what}")])
        bad = [(k, v) for k, v in enumerate(self.upper or ()) if not v[0] <= v[1] <= v[2]]
        bad += [(k, v[2]) for k, v in enumerate(self.pairs or ()) if not v[2][0] <= v[2][1] <= v[2][2]]
        if bad:
            k, v = bad[0]
            raise_problems([((given[0], k), f"{list(v)} is not a triangular fuzzy number; it needs l <= m <= u")])
        return self

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Size, names, completeness (every pair judged once)."""
        n = len(child_ids)
        need = n * (n - 1) // 2
        if self.upper is not None:
            if len(self.upper) != need:
                return [(("upper",), f"upper has {len(self.upper)} judgments; {n} children need n(n-1)/2 = "
                         f"{need} (row-wise: (0,1), (0,2), ..., (1,2), ...)")]
            return []
        problems: list[Problem] = []
        seen: dict[frozenset[str], int] = {}
        for k, (row, col, _v) in enumerate(self.pairs or ()):
            bad = False
            for pos, cid in ((0, row), (1, col)):
                if cid not in child_ids:
                    problems.append((("pairs", k, pos), f"{cid!r} is not a child of this node "
                                     f"(children: {_ids(child_ids)})"))
                    bad = True
            if bad:
                continue
            if row == col:
                problems.append((("pairs", k), f"pair compares {row!r} with itself; the diagonal is (1, 1, 1)"))
                continue
            key = frozenset((row, col))
            if key in seen:
                problems.append((("pairs", k), f"pair ({row}, {col}) is already judged in pairs[{seen[key]}]"))
            else:
                seen[key] = k
        if not problems and len(seen) != need:
            judged = set(seen)
            missing = [f"({a}, {b})" for i, a in enumerate(child_ids) for b in child_ids[i + 1 :]
                       if frozenset((a, b)) not in judged]
            problems.append((("pairs",), f"fuzzy AHP needs every pair judged; missing {', '.join(missing)}"))
        return problems

    def to_array(self, child_ids: Sequence[str]) -> FloatArray:
        """The ``(n, n, 3)`` fuzzy matrix in children order (only after :meth:`child_problems` passed)."""
        n = len(child_ids)
        a = np.ones((n, n, 3))
        if self.upper is not None:
            cells: list[tuple[int, int, tuple[float, float, float]]] = [
                (int(i), int(j), v) for (i, j), v in zip(zip(*np.triu_indices(n, 1), strict=True), self.upper,
                                                          strict=True)
            ]
        else:
            index = {c: i for i, c in enumerate(child_ids)}
            cells = [(index[r], index[c], v) for r, c, v in self.pairs or ()]
        for i, j, (lo, mid, up) in cells:
            a[i, j] = (lo, mid, up)
            a[j, i] = (1.0 / up, 1.0 / mid, 1.0 / lo)
        return a


class FuzzyExpert(FrozenModel):
    """One expert's triangular fuzzy judgments, with an optional name and weight (default equal)."""

    name: Text | None = None
    weight: Annotated[Finite, Field(gt=0)] | None = None
    judgments: FuzzyJudgments


class FuzzyAHP(FrozenModel):
    """Fuzzy AHP weights from triangular fuzzy judgments, Buckley's (1985) geometric mean.

    Give exactly one of ``judgments`` (one set, e.g. a panel's consensus) or
    ``experts`` (several experts' judgments, combined cell by cell by the
    weighted geometric mean of ``l``, ``m`` and ``u``, Buckley 1985; expert
    weights default to equal). The fuzzy weights are defuzzified by their
    centroid and normalised (see :func:`ppeval.ahp.fuzzy_priorities`).
    """

    method: Literal["fuzzy_ahp"]
    judgments: FuzzyJudgments | None = None
    experts: tuple[FuzzyExpert, ...] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> FuzzyAHP:
        if (self.judgments is None) == (self.experts is None):
            raise_problems([((), "give exactly one of judgments or experts")])
        if self.experts is not None:
            if not self.experts:
                raise_problems([(("experts",), "needs at least 1 expert")])
            given = [e.weight is not None for e in self.experts]
            if any(given) and not all(given):
                i = given.index(False)
                raise_problems([(("experts", i, "weight"), "this expert has no weight but others do; give a "
                                 "weight to every expert or to none (equal weights)")])
        return self

    def is_determined(self) -> bool:
        """``True``: the weights follow from the judgments."""
        return True

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Problems of the judgments against the children."""
        if self.judgments is not None:
            return [(("judgments", *p), m) for p, m in self.judgments.child_problems(child_ids)]
        problems: list[Problem] = []
        for k, e in enumerate(self.experts or ()):
            problems += [(("experts", k, "judgments", *p), m) for p, m in e.judgments.child_problems(child_ids)]
        return problems

    def matrix(self, child_ids: Sequence[str]) -> FloatArray:
        """The ``(n, n, 3)`` fuzzy matrix used: the judgments, or the experts' weighted geometric mean."""
        if self.judgments is not None:
            return self.judgments.to_array(child_ids)
        experts = self.experts or ()
        raw = np.array([1.0 if e.weight is None else e.weight for e in experts])
        stack = np.stack([e.judgments.to_array(child_ids) for e in experts])
        return np.asarray(_ahp_module().fuzzy_aggregate(stack, raw / raw.sum()), dtype=np.float64)

    def evaluate(self, child_ids: Sequence[str]) -> Any:
        """The :class:`ppeval.ahp.FuzzyAHPResult` of the (combined) judgments."""
        return _ahp_module().fuzzy_priorities(self.matrix(child_ids))

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """The crisp fuzzy-AHP weights in children order."""
        return tuple(float(v) for v in self.evaluate(child_ids).weights)

SourceWeighting = Annotated[
    Fixed | Points | AHP | Entropy | Critic | Equal | CV | G1 | BWM | FuzzyAHP, Field(discriminator="method")
]
"""A weighting that may be a source of a combination (any method but ``combine``)."""


class Combine(FrozenModel):
    """A combination of several weightings of the same children.

    ``rule`` ``linear`` (``sum_k alpha_k w_k``; ``alpha`` defaults to equal
    shares), ``multiplicative`` (normalised product) or ``game_theory``
    (least-squares game model); see :func:`ppeval.weights.combine`.
    """

    method: Literal["combine"]
    rule: Literal["linear", "multiplicative", "game_theory"] = "game_theory"
    alpha: tuple[NonNegative, ...] | None = None
    sources: Annotated[tuple[SourceWeighting, ...], *min_items(2, "sources")]

    @field_validator("sources", mode="before")
    @classmethod
    def _no_nested(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for k, item in enumerate(value):
                method = item.get("method") if isinstance(item, dict) else getattr(item, "method", None)
                if method == "combine":
                    raise PydanticCustomError(
                        "ppeval_problems",
                        "{message}",
                        {
                            "message": f"[{k}]: a combine source cannot itself be a combine",
                            "problems": [((k,), "a combine source cannot itself be a combine; list its "
                                          "sources here directly")],
                        },
                    )
        return value

    @model_validator(mode="after")
    def _alpha(self) -> Combine:
        problems: list[Problem] = []
        if self.alpha is not None:
            if self.rule != "linear":
                problems.append((("alpha",), f"alpha is used by rule linear only, not {self.rule}"))
            elif len(self.alpha) != len(self.sources):
                problems.append(
                    (("alpha",), f"alpha has {len(self.alpha)} values for {len(self.sources)} sources; "
                     "give one per source")
                )
            else:
                total = math.fsum(self.alpha)
                if abs(total - 1.0) > WEIGHT_TOL:
                    problems.append((("alpha",), f"alpha sums to {total:.10g}; it must sum to 1"))
        raise_problems(problems)
        return self

    def is_determined(self) -> bool:
        """Whether every source is determined by the system (no entropy/CRITIC)."""
        return all(s.is_determined() for s in self.sources)

    def child_problems(self, child_ids: Sequence[str]) -> list[Problem]:
        """Problems of every source against the children."""
        problems: list[Problem] = []
        for k, source in enumerate(self.sources):
            problems += [(("sources", k, *path), msg) for path, msg in source.child_problems(child_ids)]
        return problems

    def local_weights(self, child_ids: Sequence[str]) -> tuple[float, ...]:
        """Combine the sources' weights through :func:`ppeval.weights.combine` (all sources determined)."""
        sets = np.array([s.local_weights(child_ids) for s in self.sources], dtype=np.float64)
        from ppeval import weights as wmod

        alpha = None
        if self.rule == "linear":
            raw = np.ones(len(self.sources)) if self.alpha is None else np.array(self.alpha, dtype=np.float64)
            alpha = raw / raw.sum()  # alpha sums to 1 within 1e-6 in the file; exactly here
        out = wmod.combine(sets, method=self.rule, alpha=alpha)
        return tuple(float(w) for w in np.asarray(out, dtype=np.float64))


Weighting = Annotated[
    Fixed | Points | AHP | Entropy | Critic | Equal | CV | G1 | BWM | FuzzyAHP | Combine, Field(discriminator="method")
]
"""How a node's children are weighted, discriminated on ``method``."""


@dataclass(frozen=True)
class ExpertConsistency:
    """Consistency of one expert's judgments at one AHP node.

    Attributes
    ----------
    index : int
        Position of the expert in the node's ``experts`` list.
    name : str or None
        The expert's name, if given.
    cr, ci, lambda_max : float
        Consistency ratio, consistency index and principal eigenvalue
        (Saaty: ``CI = (lambda_max - n)/(n - 1)``, ``CR = CI / RI(n)``).
    consistent : bool
        ``cr <= cr_threshold`` of the node.
    n_missing : int
        Judgments missing above the diagonal (completed by Harker's method).
    """

    index: int
    name: str | None
    cr: float
    ci: float
    lambda_max: float
    consistent: bool
    n_missing: int

    @property
    def label(self) -> str:
        """``"expert 1 (Name)"`` style label (1-based) for messages."""
        return f"expert {self.index + 1}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class AHPConsistency:
    """Consistency report of one AHP weighting in an indicator system.

    Attributes
    ----------
    node_id : str
        The inner node whose children the judgments weigh.
    path : str
        Dotted path of the AHP weighting in the system file, e.g.
        ``root.children[0].weighting`` or ``root.weighting.sources[0]``.
    threshold : float
        The node's ``cr_threshold``.
    policy : str
        ``"warn"`` or ``"reject"``.
    aggregation : str
        ``"aij"`` or ``"aip"``.
    experts : tuple of ExpertConsistency
        One entry per expert.
    group_cr : float or None
        CR of the aggregated matrix (``aij``, or the single expert's), ``None``
        under ``aip`` with several experts (no group matrix exists).
    consistent : bool
        Every expert's CR and the group CR are within the threshold.
    weights : tuple of float
        The node's priorities in children order.
    """

    node_id: str
    path: str
    threshold: float
    policy: str
    aggregation: str
    experts: tuple[ExpertConsistency, ...]
    group_cr: float | None
    consistent: bool
    weights: tuple[float, ...]

    def violations(self) -> list[str]:
        """Human-readable descriptions of every CR above the threshold (empty when consistent)."""
        out = [
            f"{e.label}: CR = {e.cr:.4f} > {self.threshold:g}"
            for e in self.experts
            if not e.consistent
        ]
        if self.group_cr is not None and len(self.experts) > 1 and self.group_cr > self.threshold:
            out.append(f"aggregated judgments (aij): CR = {self.group_cr:.4f} > {self.threshold:g}")
        return out

    def message(self, *, with_path: bool = True) -> str:
        """One sentence naming the node (and path) and each violation."""
        where = f" at {self.path}" if with_path else ""
        return (
            f"AHP judgments of node {self.node_id!r}{where} are inconsistent: "
            + "; ".join(self.violations())
            + "; revise the judgments (ppeval.ahp.inconsistencies lists which first)"
        )
