"""evaluate(method="gra") end to end: scores, contributions, reproduction, sensitivity, CLI, report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ppeval import evaluate, methods, reproduce, sensitivity
from ppeval.cli import EXIT_OK, main
from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult
from ppeval.pipeline.sensitivity import analyse_sensitivity

NAME = "3e-equity"


@pytest.mark.parametrize("mode", ["absolute", "relative"])
def test_scores_are_100_times_the_grey_relational_grade(mode: str) -> None:
    system, data = bundled.load_sample(NAME)
    r = evaluate(system, data, method="gra", mode=mode)
    want = methods.gra(r.matrix, r.weights, r.types, bounds=r.bounds)
    np.testing.assert_allclose(r.scores, want, rtol=1e-13)
    np.testing.assert_allclose(r.score_100, 100 * want, rtol=1e-13)
    # contributions 100 w_j xi_ij add up to the score exactly
    xi = methods.grey_coefficients(r.matrix, r.types, bounds=r.bounds)
    np.testing.assert_allclose(r.contributions, 100 * r.weights * xi, rtol=1e-13)
    np.testing.assert_allclose(r.contributions.sum(axis=1), r.score_100, rtol=1e-12)
    assert r.method == "gra"
    assert r.provenance.config["rho"] == 0.5
    assert r.ranks[int(np.argmax(r.scores))] == 1


def test_rho_changes_scores_and_is_reproduced() -> None:
    system, data = bundled.load_sample(NAME)
    a = evaluate(system, data, method="gra", rho=0.5)
    b = evaluate(system, data, method="gra", rho=0.2)
    assert not np.allclose(a.scores, b.scores)
    np.testing.assert_allclose(b.scores, methods.gra(b.matrix, b.weights, b.types, rho=0.2, bounds=b.bounds))
    reproduce(b, system, data)  # raises on any difference
    back = EvaluationResult.from_json(b.to_json())
    assert back.provenance.config["rho"] == 0.2
    with pytest.raises(InputError, match="rho is 0"):
        evaluate(system, data, method="gra", rho=0)
    # other methods do not record rho (their configuration hashes are unchanged)
    assert "rho" not in evaluate(system, data).provenance.config


@pytest.mark.parametrize("mode", ["absolute", "relative"])
def test_sensitivity_runs_gra_exactly(mode: str) -> None:
    system, data = bundled.load_sample(NAME)
    r = evaluate(system, data, method="gra", mode=mode)
    sens = analyse_sensitivity(r, system, samples=400, seed=2)
    assert sens.method == "gra"
    assert sens.exact
    assert sens.notes == ()
    assert sens.monte_carlo is not None
    np.testing.assert_allclose(sens.monte_carlo.base_scores, r.scores, rtol=1e-12)
    assert sens.agreement is not None
    ref = "gra_absolute" if mode == "absolute" else "gra"
    assert sens.agreement.reference == ref
    assert sens.critical is not None
    assert sens.critical.exact  # GRA is linear in the weights: closed form


def test_monte_carlo_gra_matches_a_loop_over_weight_draws() -> None:
    """The batched kernel against methods.gra called once per weight vector."""
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 10, size=(7, 4))
    w = np.array([0.1, 0.2, 0.3, 0.4])
    t = [1, -1, 1, 1]
    res = sensitivity.one_at_a_time(x, w, t, method="gra", rho=0.3, values=np.linspace(0, 1, 5))
    for c in range(4):
        for s in range(5):
            np.testing.assert_allclose(res.scores[c, s], methods.gra(x, res.weights[c, s], t, rho=0.3), rtol=1e-12)
    crit = sensitivity.critical_weight_changes(x, w, t, method="gra")
    assert crit.exact
    with pytest.raises(InputError, match="method 'gra' normalises"):
        sensitivity.monte_carlo(x, w, t, 10, method="gra", normalization="vector")


def test_cli_evaluate_method_gra(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    path = bundled.system_path(NAME)
    args = ["evaluate", str(path), *[str(p) for p in bundled.sample_assessment_paths(NAME)],
            "--method", "gra", "--samples", "50", "--seed", "1", "--json", str(out)]
    assert main(args) == EXIT_OK
    assert json.loads(out.read_text(encoding="utf-8"))["method"] == "gra"


@pytest.mark.parametrize("rho", [0, 1.5, -0.5, float("nan")])
def test_sensitivity_rejects_bad_rho(rho: object) -> None:
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    with pytest.raises(InputError, match="rho"):
        sensitivity.monte_carlo(x, [0.5, 0.5], [1, 1], 10, method="gra", rho=rho)
    with pytest.raises(InputError, match="rho"):
        sensitivity.method_agreement(x, [0.5, 0.5], [1, 1], methods=("gra", "wsm"), rho=rho)


@pytest.mark.parametrize("norm", ["zscore", "mean", "shift"])
@pytest.mark.parametrize("method", ["topsis", "wsm"])
def test_sensitivity_accepts_the_new_normalisations(method: str, norm: str) -> None:
    """The Monte Carlo kernel scores like ppeval.methods with the same normalisation."""
    rng = np.random.default_rng(8)
    x = rng.uniform(1, 10, size=(6, 3))
    w = np.array([0.2, 0.3, 0.5])
    t = [1, -1, 1]
    mc = sensitivity.monte_carlo(x, w, t, 64, method=method, normalization=norm, seed=0)
    want = getattr(methods, method)(x, w, t, normalization=norm)
    np.testing.assert_allclose(mc.base_scores, want, rtol=1e-12, atol=1e-14)


def test_cli_rho(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    path = bundled.system_path(NAME)
    data = [str(p) for p in bundled.sample_assessment_paths(NAME)]
    assert main(["evaluate", str(path), *data, "--method", "gra", "--rho", "0.3", "--json", str(out)]) == EXIT_OK
    assert json.loads(out.read_text(encoding="utf-8"))["provenance"]["config"]["rho"] == 0.3
    assert main(["evaluate", str(path), *data, "--method", "gra", "--rho", "0"]) != EXIT_OK
