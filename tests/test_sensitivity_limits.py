"""analyse_sensitivity above its size limits: quadratic analyses are not run, and the result says so."""

from __future__ import annotations

import pytest

from ppeval.io import bundled
from ppeval.pipeline import analyse_sensitivity, evaluate
from ppeval.pipeline import sensitivity as psens
from ppeval.sensitivity import agreement


def test_limits_skip_quadratic_analyses_with_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    system, data = bundled.load_sample("community-4stage")  # 8 projects
    result = evaluate(system, data, seed=1)
    full = analyse_sensitivity(result, system, samples=200, seed=1)
    assert full.monte_carlo is not None
    assert full.critical is not None
    monkeypatch.setattr(psens, "MONTE_CARLO_LIMIT", 7)
    monkeypatch.setattr(psens, "CRITICAL_LIMIT", 7)
    monkeypatch.setattr(agreement, "PAIRWISE_LIMIT", 7)
    small = analyse_sensitivity(result, system, samples=200, seed=1)
    assert small.monte_carlo is None
    assert small.critical is None
    assert small.samples == 0
    text = " ".join(small.notes)
    assert "Monte Carlo analysis not run: 8 projects is above 7" in text
    assert "Critical weight changes not computed: 8 projects is above 7" in text
    assert "PROMETHEE II (usual criterion) for 8 alternatives computed by ppeval's counting form" in text
    # the linear analyses still run, and PROMETHEE II's counting form ranks as pymcdm's pairwise form did
    assert small.one_at_a_time is not None
    assert small.agreement is not None
    assert full.agreement is not None
    assert (small.agreement.ranks == full.agreement.ranks).all()
