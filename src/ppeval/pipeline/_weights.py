"""Per-node local weights (AHP / fuzzy AHP / G1 / BWM / fixed / equal / entropy / CRITIC / CV / combined)
→ global leaf weights.

Data-driven weights (entropy, CRITIC, CV, and combinations containing them) are
computed from the benefit-oriented normalised values ``r`` in [0, 1] of the
node's children: a leaf child contributes its column of ``r``, an inner child
its weighted-sum sub-score ``r_sub · w_sub`` (nodes are processed children
first). Columns that carry no information (constant, or all zero) get weight 0
and a diagnostic; if no child of a node carries information, the node falls
back to equal weights, with a diagnostic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ppeval import weights as wmod
from ppeval._normcore import _extrema
from ppeval._typing import FloatArray
from ppeval.errors import DegenerateError, InputError
from ppeval.pipeline.result import Diagnostic, NodeWeights
from ppeval.schema import IndicatorSystem
from ppeval.schema.system import Group
from ppeval.schema.weighting import AHP, BWM, CV, G1, Combine, Critic, Entropy, Equal, Fixed, FuzzyAHP, Points

__all__ = ["node_weights"]

#: An entropy / CRITIC weight below this share of an equal weight is reported as near zero.
NEAR_ZERO_SHARE = 0.1


def _informative(data: FloatArray) -> np.ndarray:
    """Columns that vary across projects (only they can carry data-driven weight)."""
    if data.shape[0] < 2:
        return np.zeros(data.shape[1], dtype=bool)
    lo, hi = _extrema(data)  # the column minima and maxima (exact: folded rows reduce faster)
    out: np.ndarray = hi - lo > 1e-12
    return out


def _data_weights(
    kind: str, node: Group, data: FloatArray, diags: list[Diagnostic]
) -> tuple[FloatArray, dict[str, Any]]:
    """Entropy, CRITIC or CV weights of ``node``'s children from ``data`` (n x c)."""
    c = data.shape[1]
    info = _informative(data)
    w = np.zeros(c)
    children = node.child_ids
    if info.sum() == 0:
        diags.append(
            Diagnostic(
                code="weights_fallback",
                severity="warning",
                message=f"node {node.id!r}: no child varies across the evaluated projects, so {kind} weights "
                "are undefined; equal weights used instead",
                node=node.id,
            )
        )
        return wmod.equal(c), {"fallback": "equal"}
    sub = data[:, info]
    if info.sum() == 1:
        w[info] = 1.0
    else:
        try:
            if kind == "entropy":
                w[info] = wmod.entropy(sub)
            elif kind == "cv":
                w[info] = wmod.cv(sub)
            else:
                w[info] = wmod.critic(sub, np.ones(sub.shape[1], dtype=np.int64))
        except DegenerateError as exc:
            diags.append(
                Diagnostic(
                    code="weights_fallback",
                    severity="warning",
                    message=f"node {node.id!r}: {kind} weights are undefined for these data ({exc}); "
                    "equal weights used instead",
                    node=node.id,
                )
            )
            return wmod.equal(c), {"fallback": "equal"}
    for k in np.flatnonzero(w < NEAR_ZERO_SHARE / c):
        why = "its values do not vary across projects" if not info[k] else "its values vary little"
        diags.append(
            Diagnostic(
                code=f"{kind}_near_zero",
                severity="info",
                message=f"node {node.id!r}: {kind} weight of {children[k]!r} is {w[k]:.4f} because {why}",
                node=node.id,
                indicator=children[k],
                value=float(w[k]),
            )
        )
    return w, {"informative": [children[k] for k in np.flatnonzero(info)]}


def data_driven(spec: Any) -> bool:
    """Whether a node's weighting needs the evaluated data (entropy, CRITIC, CV, or a combination with one)."""
    if isinstance(spec, Combine):
        return any(data_driven(s) for s in spec.sources)
    return isinstance(spec, CV | Entropy | Critic)


def stated_weights(spec: Any, node: Group) -> FloatArray:
    """Local weights of a weighting that does not depend on the data (see :func:`data_driven`)."""
    if data_driven(spec):
        raise InputError(f"node {node.id!r}: its {spec.method} weights are computed from the data")
    w, _ = _source_weights(spec, node, np.empty((0, len(node.child_ids))), [])
    return w


def _source_weights(
    spec: Any, node: Group, data: FloatArray, diags: list[Diagnostic]
) -> tuple[FloatArray, dict[str, Any]]:
    if isinstance(spec, Fixed | Points | Equal | AHP):
        return np.array(spec.local_weights(node.child_ids), dtype=np.float64), {}
    if isinstance(spec, G1):
        w = np.array(spec.local_weights(node.child_ids), dtype=np.float64)
        return w, {"order": list(spec.order), "ratios": list(spec.ratios)}
    if isinstance(spec, BWM):
        res = spec.evaluate(node.child_ids)
        return np.array(res.weights, dtype=np.float64), {
            "best": spec.best,
            "worst": spec.worst,
            "ksi": float(res.ksi),
            "consistency_ratio": float(res.consistency_ratio),
        }
    if isinstance(spec, FuzzyAHP):
        fres = spec.evaluate(node.child_ids)
        return np.array(fres.weights, dtype=np.float64), {
            "fuzzy_weights": np.asarray(fres.fuzzy_weights).tolist(),
            "modal_cr": float(fres.modal_cr),
        }
    if isinstance(spec, CV):
        return _data_weights("cv", node, data, diags)
    if isinstance(spec, Entropy):
        return _data_weights("entropy", node, data, diags)
    if isinstance(spec, Critic):
        return _data_weights("critic", node, data, diags)
    if isinstance(spec, Combine):
        parts = [_source_weights(s, node, data, diags) for s in spec.sources]
        sets = np.array([p[0] for p in parts])
        alpha = None if spec.alpha is None else np.array(spec.alpha, dtype=np.float64)
        w = wmod.combine(sets, method=spec.rule, alpha=alpha)
        return w, {
            "rule": spec.rule,
            "sources": [s.method for s in spec.sources],
            "source_weights": sets.tolist(),
        }
    raise InputError(f"node {node.id!r}: unknown weighting {type(spec).__name__}")  # pragma: no cover


def _override(node: Group, given: Mapping[str, float] | Sequence[float]) -> FloatArray:
    children = node.child_ids
    if isinstance(given, Mapping):
        unknown = sorted(set(given) - set(children))
        if unknown or set(given) != set(children):
            raise InputError(
                f"weights override for node {node.id!r} must give every child exactly once "
                f"({', '.join(children)}); got {', '.join(map(str, given))}"
            )
        arr = np.array([given[c] for c in children], dtype=np.float64)
    else:
        arr = np.asarray(given, dtype=np.float64)
    if arr.shape != (len(children),) or not np.isfinite(arr).all() or (arr < 0).any():
        raise InputError(
            f"weights override for node {node.id!r} must be {len(children)} finite non-negative numbers"
        )
    if abs(arr.sum() - 1.0) > 1e-9:
        raise InputError(f"weights override for node {node.id!r} sums to {arr.sum()!r}; it must sum to 1")
    return arr


def node_weights(
    system: IndicatorSystem,
    normalized: FloatArray,
    overrides: Mapping[str, Mapping[str, float] | Sequence[float]] | None,
    diags: list[Diagnostic],
    frozen_from: Mapping[str, Any] | None = None,
) -> tuple[dict[str, FloatArray], tuple[NodeWeights, ...]]:
    """Local weights of every inner node, children first.

    ``frozen_from`` (the ``frozen_from`` entry of an evaluation's configuration)
    marks overrides that are data-driven weights frozen from an earlier result:
    they are recorded with method ``frozen``.

    Returns ``({node id: local weights in children order}, NodeWeights records in tree order)``.
    """
    frozen_nodes = set(frozen_from.get("nodes", ())) if frozen_from else set()
    overrides = dict(overrides or {})
    for key in overrides:
        system.group(key)  # raises for an unknown node id
    col = {leaf_id: j for j, leaf_id in enumerate(system.leaf_ids)}
    consistency = {c.node_id: c for c in system.consistency()}
    local: dict[str, FloatArray] = {}
    sub: dict[str, FloatArray] = {}
    records: dict[str, NodeWeights] = {}
    for node in reversed(system.inner_nodes()):
        children = node.child_ids
        if all(c in col for c in children):  # leaves only: one gather, C order (the array column_stack builds)
            at = [col[c] for c in children]
            if at == list(range(at[0], at[0] + len(at))):  # a run of columns: a copy of the slice (the same array)
                data = np.array(normalized[:, at[0] : at[0] + len(at)], order="C")
            else:
                data = normalized.take(at, axis=1)
        else:
            data = np.column_stack([normalized[:, col[c]] if c in col else sub[c] for c in children])
        detail: dict[str, Any] = {}
        cr = None
        if node.id in overrides:
            w = _override(node, overrides[node.id])
            method = "override"
            if node.id in frozen_nodes and frozen_from is not None:
                method = "frozen"
                detail = {
                    "method": node.weighting.method,
                    "from": {k: v for k, v in frozen_from.items() if k != "nodes"},
                }
        else:
            w, detail = _source_weights(node.weighting, node, data, diags)
            method = node.weighting.method
            rep = consistency.get(node.id)
            if rep is not None:
                cr = rep.group_cr
                detail = {**detail, **_consistency_detail(rep)}
        local[node.id] = w
        sub[node.id] = data @ w
        records[node.id] = NodeWeights(
            node=node.id, method=method, children=children, weights=_ro(w), cr=cr, detail=detail
        )
    ordered = tuple(records[g.id] for g in system.inner_nodes())
    return local, ordered


def _ro(a: FloatArray) -> FloatArray:
    out = np.array(a, dtype=np.float64)
    out.setflags(write=False)
    return out


def _consistency_detail(rep: Any) -> dict[str, Any]:
    return {
        "experts": [
            {"index": e.index, "name": e.name, "cr": float(e.cr), "consistent": bool(e.consistent)}
            for e in rep.experts
        ],
        "cr_threshold": float(rep.threshold),
        "cr_policy": rep.policy,
    }
