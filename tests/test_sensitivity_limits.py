"""analyse_sensitivity above its size limits: nothing quadratic runs, and the result says what it holds."""

from __future__ import annotations

import numpy as np
import pytest

from ppeval.io import bundled
from ppeval.pipeline import analyse_sensitivity, evaluate
from ppeval.pipeline import sensitivity as psens
from ppeval.sensitivity import agreement


def test_limits_bin_acceptability_and_keep_linear_analyses(monkeypatch: pytest.MonkeyPatch) -> None:
    system, data = bundled.load_sample("community-4stage")  # 8 projects
    result = evaluate(system, data, seed=1)
    full = analyse_sensitivity(result, system, samples=200, seed=1)
    assert full.monte_carlo is not None
    assert full.monte_carlo.acceptability_form == "full"
    assert full.monte_carlo.rank_acceptability.shape == (8, 8)
    assert full.critical is not None
    monkeypatch.setattr(psens, "MONTE_CARLO_LIMIT", 7)
    monkeypatch.setattr(psens, "RANK_BINS", 4)
    monkeypatch.setattr(psens, "CRITICAL_LIMIT", 7)
    monkeypatch.setattr(agreement, "PAIRWISE_LIMIT", 7)
    small = analyse_sensitivity(result, system, samples=200, seed=1)
    mc, ref = small.monte_carlo, full.monte_carlo
    assert mc is not None
    assert small.samples == 200
    # the binned form: 4 rank bins of 2 ranks, each the sum of the full table's columns
    assert mc.acceptability_form == "binned"
    assert mc.rank_bin_edges.tolist() == [0, 2, 4, 6, 8]
    np.testing.assert_allclose(mc.rank_acceptability, ref.rank_acceptability.reshape(8, 4, 2).sum(axis=2),
                               atol=1e-15)
    # exact rank statistics and every score statistic but the quantiles (other histogram bins) are the same
    for field in ("first_count", "rank_mean", "rank_min", "rank_max", "top_k", "top_k_probability",
                  "score_mean", "score_std", "score_min", "score_max", "grade_probability", "central_weights"):
        np.testing.assert_array_equal(getattr(mc, field), getattr(ref, field), err_msg=field)
    from ppeval._serialize import to_jsonable

    as_json = to_jsonable(mc)  # the JSON form says which form it holds
    assert as_json["acceptability_form"] == "binned"
    assert as_json["rank_bin_edges"] == [0, 2, 4, 6, 8]
    text = " ".join(small.notes)
    assert "Monte Carlo rank acceptability kept over 4 rank-percentile bins" in text
    assert "8 projects is above 7" in text
    assert "PROMETHEE II (usual criterion) for 8 alternatives computed by ppeval's counting form" in text
    # TOPSIS critical weight changes are linear in n (closed form): still computed above the limit
    assert small.critical is not None
    np.testing.assert_array_equal(small.critical.pairs.feasible, full.critical.pairs.feasible)
    # the linear analyses still run, and PROMETHEE II's counting form ranks as pymcdm's pairwise form did
    assert small.one_at_a_time is not None
    assert small.agreement is not None
    assert full.agreement is not None
    assert (small.agreement.ranks == full.agreement.ranks).all()


def test_vikor_critical_changes_skipped_above_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """VIKOR's search rescores every project per pair (not separable): skipped above CRITICAL_LIMIT, with a note."""
    system, data = bundled.load_sample("community-4stage")
    result = evaluate(system, data, method="vikor", mode="relative", seed=1)
    monkeypatch.setattr(psens, "CRITICAL_LIMIT", 7)
    sens = analyse_sensitivity(result, system, samples=100, seed=1)
    assert sens.method == "vikor"
    assert sens.critical is None
    assert "Critical weight changes not computed: 8 projects is above 7 for VIKOR" in " ".join(sens.notes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_the_binned_form(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The report's rank acceptability says it holds rank ranges (and shows them), in English and Chinese."""
    from ppeval.report import render_html

    system, data = bundled.load_sample("community-4stage")
    result = evaluate(system, data, seed=1)
    monkeypatch.setattr(psens, "MONTE_CARLO_LIMIT", 7)
    monkeypatch.setattr(psens, "RANK_BINS", 4)
    sens = analyse_sensitivity(result, system, samples=200, seed=1)
    html = render_html(result, system=system, sensitivity=sens, lang=lang)
    if lang == "en":
        assert "rank-percentile bins, not one by one" in html
        assert "Median rank" in html
        assert "Most likely rank" not in html
    else:
        assert "名次按 4 个百分位区间统计" in html
        assert "名次中位数" in html
    monkeypatch.setattr(psens, "MONTE_CARLO_LIMIT", 10_000)
    full = analyse_sensitivity(result, system, samples=200, seed=1)
    assert "Most likely rank" in render_html(result, system=system, sensitivity=full, lang="en")
