"""Sensitivity analysis of an evaluation result (ppeval.report.analyse_sensitivity)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest

from ppeval.errors import InputError, ReproducibilityError
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult, evaluate
from ppeval.report import SensitivityAnalysis, analyse_sensitivity, sensitivity_tables
from ppeval.schema import IndicatorSystem

SYSTEM = "community-4stage"


@pytest.fixture(scope="module")
def sample() -> tuple[IndicatorSystem, Any]:
    return bundled.load_sample(SYSTEM)


@pytest.mark.parametrize(
    ("method", "mode", "exact"),
    [("topsis", "absolute", True), ("topsis", "relative", True), ("wsm", "relative", True),
     ("vikor", "relative", True), ("vikor", "absolute", False), ("fce", "absolute", False)],
)
def test_analyses_start_from_the_evaluated_scores(sample: tuple[IndicatorSystem, Any], method: str, mode: str,
                                                  exact: bool) -> None:
    """Where the core has the same method, every analysis reproduces the evaluated scores at the base weights."""
    system, assessment = sample
    res = evaluate(system, assessment, method=method, mode=mode)  # type: ignore[arg-type]
    sens = analyse_sensitivity(res, system, samples=64, seed=1)
    assert sens.exact is exact
    assert sens.absolute is (res.bounds is not None and (mode == "absolute" or not exact))
    parts = (sens.monte_carlo, sens.one_at_a_time, sens.critical, sens.share_sweep)
    assert all(p is not None for p in parts)
    assert sens.agreement is not None
    if exact:
        for base in (sens.monte_carlo.base_scores, sens.one_at_a_time.base_scores,  # type: ignore[union-attr]
                     sens.critical.base_scores, sens.share_sweep.base_scores):  # type: ignore[union-attr]
            np.testing.assert_allclose(base, res.scores, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(sens.monte_carlo.base_ranks, res.ranks)  # type: ignore[union-attr]
        assert not any("proxy" in n for n in sens.notes)
    else:
        assert any("proxy" in n for n in sens.notes)
        assert sens.method == "wsm"


def test_monte_carlo_part(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    res = evaluate(system, assessment)
    a = analyse_sensitivity(res, system, samples=300, seed=42)
    b = analyse_sensitivity(res, system, samples=300, seed=42)
    mc = a.monte_carlo
    assert mc is not None
    assert b.monte_carlo is not None
    np.testing.assert_array_equal(mc.rank_acceptability, b.monte_carlo.rank_acceptability)
    np.testing.assert_allclose(mc.rank_acceptability.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert mc.samples == 300
    assert a.samples == 300
    assert a.seed == 42
    assert mc.grade_probability is not None
    assert mc.grade_probability.shape == (len(res.project_ids), len(system.grades))
    np.testing.assert_allclose(mc.grade_probability.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # the draws centre on the evaluated weights
    np.testing.assert_allclose(mc.base_weights, res.weights, rtol=0, atol=1e-15)
    assert np.abs(mc.weight_mean - res.weights).max() < 0.01


def test_concentration_controls_the_spread(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    res = evaluate(system, assessment)
    tight = analyse_sensitivity(res, system, samples=400, seed=3, concentration=5000.0).monte_carlo
    loose = analyse_sensitivity(res, system, samples=400, seed=3, concentration=None).monte_carlo
    assert tight is not None
    assert loose is not None
    assert tight.weight_std.sum() < loose.weight_std.sum()
    # tightly around the weights, the base ranking is the most likely one for every project
    np.testing.assert_array_equal(np.argmax(tight.rank_acceptability, axis=1) + 1, res.ranks)


def test_no_samples_skips_monte_carlo_only(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    sens = analyse_sensitivity(evaluate(system, assessment), None, samples=0)
    assert sens.monte_carlo is None
    assert sens.samples == 0
    assert sens.one_at_a_time is not None
    assert sens.critical is not None
    assert sens.agreement is not None
    assert 0 <= sens.oat_sweep_indicator < len(sens.one_at_a_time.base_weights)


def test_critical_change_is_verified_by_rescoring(sample: tuple[IndicatorSystem, Any]) -> None:
    """Applying the reported critical weight change (just past it) changes the leader; just before it does not."""
    from ppeval import methods

    system, assessment = sample
    res = evaluate(system, assessment)
    c = analyse_sensitivity(res, system, samples=0).critical
    assert c is not None
    feasible = np.argwhere(c.top.feasible)
    assert feasible.size
    k, d = (int(x) for x in feasible[0])
    w = np.asarray(res.weights)

    def leader(new_wk: float) -> int:
        v = w * (1 - new_wk) / (1 - w[k])
        v[k] = new_wk
        s = methods.topsis(res.matrix, v, res.types, normalization="minmax", bounds=res.bounds)
        return int(np.argmax(s))

    target = float(c.top.new_weight[k, d])
    step = 1e-6 if d == 0 else -1e-6
    assert leader(target + step) != c.leader
    assert leader(target - 100 * step) == c.leader


def test_tables_for_the_command_line(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    res = evaluate(system, assessment)
    sens = analyse_sensitivity(res, system, samples=0)
    tables = sensitivity_tables(res, sens, system)
    titles = [t[0] for t in tables]
    assert any(t.startswith("Critical weight changes") for t in titles)
    assert any(t.startswith("Agreement of other methods") for t in titles)
    for _, header, rows in tables:
        assert rows
        assert all(len(r) == len(header) for r in rows)


def test_edited_result_is_refused(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    res = evaluate(system, assessment)
    edited = dataclasses.replace(res, scores=np.asarray(res.scores) + 0.01)
    with pytest.raises(ReproducibilityError, match="does not reproduce the evaluated scores"):
        analyse_sensitivity(edited, system, samples=10, seed=1)


def test_to_100(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    res = evaluate(system, assessment, method="vikor", mode="relative")
    sens = analyse_sensitivity(res, system, samples=0)
    np.testing.assert_allclose(sens.to_100(res.scores), res.score_100, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"result": "x"}, "result must be an EvaluationResult"), ({"samples": -1}, "samples is -1"),
     ({"samples": True}, "samples is True"), ({"samples": 2.5}, "samples is 2.5"),
     ({"seed": -2}, "seed is -2"), ({"seed": "1"}, "seed is '1'"),
     ({"concentration": 0.0}, "concentration is 0.0"), ({"concentration": float("inf")}, "concentration is inf"),
     ({"chunk_size": 0}, "chunk_size is 0"), ({"executor": object()}, "executor is object")],
)
def test_bad_input(sample: tuple[IndicatorSystem, Any], kwargs: dict[str, Any], fragment: str) -> None:
    system, assessment = sample
    args: dict[str, Any] = {"result": evaluate(system, assessment), "samples": 10}
    args.update(kwargs)
    with pytest.raises(InputError, match=re.escape(fragment)):
        analyse_sensitivity(args.pop("result"), system, **args)


def test_result_type_is_frozen(sample: tuple[IndicatorSystem, Any]) -> None:
    system, assessment = sample
    sens = analyse_sensitivity(evaluate(system, assessment), system, samples=0)
    assert isinstance(sens, SensitivityAnalysis)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sens.samples = 5  # type: ignore[misc]
    assert isinstance(sens.agreement.ranks, np.ndarray)  # type: ignore[union-attr]
    assert isinstance(evaluate(system, assessment), EvaluationResult)
