"""evaluate(): obstacle degrees per indicator and per inner node; the weakest indicators derive from them."""

from __future__ import annotations

import numpy as np
import pytest

from ppeval import evaluate, methods
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult


@pytest.mark.parametrize(("name", "mode"), [("community-4stage", "absolute"), ("elderly-care", "relative")])
def test_obstacles_and_weakest(name: str, mode: str) -> None:
    system, data = bundled.load_sample(name)
    r = evaluate(system, data, mode=mode, top_weakest=3)
    assert r.obstacle is not None
    assert r.node_obstacle is not None
    np.testing.assert_allclose(r.obstacle, methods.obstacle_degree(r.normalized, r.weights), rtol=1e-15)
    lost = r.shortfall.sum(axis=1)
    np.testing.assert_allclose(r.obstacle, r.shortfall / lost[:, None], rtol=1e-12, atol=1e-15)
    # totals per inner node: the sum over the node's leaves
    for k, node in enumerate(r.node_ids):
        leaves = [leaf.id for leaf in system.leaves() if node in system.ancestors(leaf.id)]
        cols = [r.indicator_ids.index(i) for i in leaves]
        np.testing.assert_allclose(r.node_obstacle[:, k], r.obstacle[:, cols].sum(axis=1), rtol=1e-12)
    # one concept: the weakest indicators are the largest obstacle degrees
    for i in range(len(r.project_ids)):
        want = [r.indicator_ids[j] for j in np.argsort(-r.obstacle[i], kind="stable")[:3] if r.obstacle[i, j] > 0]
        assert list(r.weakest[i]) == want
    back = EvaluationResult.from_json(r.to_json())
    assert back.obstacle is not None
    np.testing.assert_array_equal(back.obstacle, r.obstacle)


def test_perfect_project_has_no_obstacle() -> None:
    system, data = bundled.load_sample("community-4stage")
    r = evaluate(system, data, mode="relative", top_weakest=5)
    assert r.obstacle is not None
    perfect = r.shortfall.sum(axis=1) == 0
    assert (r.obstacle[perfect] == 0).all()
    for i in np.flatnonzero(perfect):
        assert r.weakest[i] == ()
    assert len(r.weakest[0]) <= 5


def test_outcome_relations_diagnostic() -> None:
    """Indicator-to-outcome grey relational degrees on a result, against the plain formula."""
    from ppeval.errors import InputError
    from ppeval.pipeline import outcome_relations

    system, data = bundled.load_sample("elderly-care")
    r = evaluate(system, data)
    rel = outcome_relations(r, "rel_on_time", rho=0.5)
    j = r.indicator_ids.index("rel_on_time")
    others = [k for k in range(len(r.indicator_ids)) if k != j]
    d = np.abs(r.normalized[:, others] - r.normalized[:, [j]])
    deg = ((d.min() + 0.5 * d.max()) / (d + 0.5 * d.max())).mean(axis=0)
    want = sorted(zip(deg, [r.indicator_ids[k] for k in others], strict=True), key=lambda t: -t[0])
    assert list(rel.indicator_ids) == [name for _, name in want]
    np.testing.assert_allclose(rel.degrees, [v for v, _ in want], rtol=1e-12)
    score = outcome_relations(r)
    assert score.outcome == "score"
    assert len(score.indicator_ids) == len(r.indicator_ids)
    with pytest.raises(InputError, match="not an indicator"):
        outcome_relations(r, "nope")
