"""Frozen weights: data-driven weights taken from an earlier result, so absolute mode holds.

Entropy, CRITIC and coefficient-of-variation weights (and combinations
containing them) are computed from the evaluated projects' data, so in
absolute mode a project's score would still depend on the other projects
through the weights. Freezing them makes the promise of absolute mode true:

* ``evaluate(system, assessment, weights=earlier_result)`` uses the earlier
  result's local weights at every data-driven node (recorded in the result's
  configuration, so covered by its hash, with the earlier result's hashes);
* :func:`freeze_weights` writes them into the system as ``fixed`` weights
  (save it with :func:`ppeval.io.dump_system`).

Without either, absolute-mode results carry a ``weights_depend_on_set``
diagnostic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ppeval.errors import InputError
from ppeval.schema import IndicatorSystem

if TYPE_CHECKING:
    from ppeval.pipeline.result import EvaluationResult

__all__ = ["data_driven_nodes", "frozen_weights", "freeze_weights"]


def data_driven_nodes(system: IndicatorSystem) -> tuple[str, ...]:
    """Ids of the inner nodes whose weights come from the evaluated data (entropy, CRITIC, CV, ...)."""
    return tuple(g.id for g in system.inner_nodes() if not g.weighting.is_determined())


def frozen_weights(result: EvaluationResult, system: IndicatorSystem) -> dict[str, dict[str, float]]:
    """Local weights of ``system``'s data-driven nodes as recorded in ``result``: ``{node: {child: w}}``.

    Raises
    ------
    InputError
        If ``result`` was computed with another system, or lacks a data-driven
        node of ``system`` or has other children there.
    """
    if result.provenance.system_id != system.id:
        raise InputError(
            f"the weights to freeze come from a result of system {result.provenance.system_id!r}, "
            f"not {system.id!r}"
        )
    recorded = {nw.node: nw for nw in result.node_weights}
    out: dict[str, dict[str, float]] = {}
    for node_id in data_driven_nodes(system):
        nw = recorded.get(node_id)
        children = system.group(node_id).child_ids
        if nw is None or tuple(nw.children) != tuple(children):
            raise InputError(
                f"the earlier result has no weights for node {node_id!r} with children "
                f"{', '.join(children)}; it was computed with another version of the system"
            )
        out[node_id] = {c: float(w) for c, w in zip(children, nw.weights.tolist(), strict=True)}
    return out


def freeze_weights(system: IndicatorSystem, result: EvaluationResult) -> IndicatorSystem:
    """``system`` with the data-driven weights of ``result`` written in as ``fixed`` weights.

    Parameters
    ----------
    system : IndicatorSystem
        The system ``result`` was computed with.
    result : EvaluationResult
        An earlier evaluation (for example of a reference set of projects).

    Returns
    -------
    IndicatorSystem
        A new system whose entropy / CRITIC / CV / combined nodes carry
        ``weighting: {method: fixed, weights: {...}}`` with the earlier
        weights; other nodes are unchanged. Scores computed with it in
        absolute mode depend on each project's own data only.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, assessment = bundled.load_sample("elderly-care")
    >>> frozen = freeze_weights(system, evaluate(system, assessment))
    >>> data_driven_nodes(frozen)
    ()
    """
    from ppeval import io

    weights = frozen_weights(result, system)
    data = io.system_to_dict(system)

    def visit(node: dict[str, Any]) -> None:
        if node.get("id") in weights:
            node["weighting"] = {"method": "fixed", "weights": weights[str(node["id"])]}
        for child in node.get("children") or ():
            if isinstance(child, dict):
                visit(child)

    visit(data["root"])
    return io.system_from_dict(data, source=f"{system.id} with frozen weights")
