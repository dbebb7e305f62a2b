"""Payment and renewal decisions from grades, their probabilities, and grade-boundary changes."""

from __future__ import annotations

import numpy as np
import pytest

from ppeval.errors import InputError
from ppeval.sensitivity import (
    decision_rules,
    evidence_monte_carlo,
    grade_boundary_changes,
    payment_outcomes,
    rating_evidence,
    value_uncertainty,
)

RULES = decision_rules(
    ["excellent", "good", "pass", "fail"], [90, 80, 60, 0], [1.0, 1.0, 0.8, 0.0],
    deduction=[0.0, 0.05, 0.1, 0.0], action=["renew", "continue", "warning", "exclude"],
)
RNG = np.random.default_rng(21)
N = 12
X = np.column_stack([RNG.uniform(55, 98, N), RNG.uniform(50, 100, N), np.zeros(N)])
PROJ = np.repeat(np.arange(N), 6)
ANS = RNG.integers(2, 6, PROJ.size).astype(float)
EV = rating_evidence(PROJ, np.full(PROJ.size, 2), ANS, n_projects=N, n_criteria=3)
X[:, 2] = EV.base
B = [[0, 100], [0, 100], [1, 5]]
U = value_uncertainty(["normal", "triangular", "none"], 3, relative=[0.04, 0.06, 0.0], low=0, high=100)
VALUE = RNG.uniform(50_000, 300_000, N).round(-2)


@pytest.fixture(scope="module")
def run() -> object:
    return evidence_monte_carlo(X, [0.4, 0.3, 0.3], [1, 1, 1], 3000, concentration=60, ratings=EV, values=U,
                                method="wsm", bounds=B, grade_bands=[90, 80, 60, 0],
                                decision_bands=RULES.lower, seed=8, keep_scores=True)


def test_decision_probabilities_sum_to_one_and_expected_payment_is_the_sample_mean(run: object) -> None:
    out = payment_outcomes(run, RULES, VALUE)  # type: ignore[arg-type]
    np.testing.assert_allclose(out.probability.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out.action_probability.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    s = run.sample_scores  # type: ignore[attr-defined]
    dec = RULES.decide(100 * s)  # (samples, n)
    pay = np.take_along_axis(out.payment_table.T, dec, axis=0)  # payment of each sample
    np.testing.assert_allclose(out.expected_payment, pay.mean(axis=0), rtol=1e-13)
    np.testing.assert_array_equal(out.payment_low, np.quantile(pay, 0.05, axis=0, method="inverted_cdf"))
    np.testing.assert_array_equal(out.payment_high, np.quantile(pay, 0.95, axis=0, method="inverted_cdf"))
    np.testing.assert_array_equal(out.money_at_risk, out.payment_high - out.payment_low)
    freq = np.stack([(dec == k).mean(axis=0) for k in range(4)], axis=1)
    np.testing.assert_allclose(out.probability, freq, rtol=0, atol=1e-15)
    assert (out.decision_sure == (out.probability[np.arange(N), out.decision] == 1.0)).all()
    # the grade probabilities come from the same counts (bands coincide here)
    np.testing.assert_allclose(run.grade_probability, out.probability, rtol=0, atol=1e-15)  # type: ignore[attr-defined]


def test_payment_of_one_project_by_hand() -> None:
    """Score 85 (good): released 100 % less a 5 % deduction of 200,000 = 190,000; a sure decision risks 0."""
    x = np.array([[85.0, 85.0], [40.0, 40.0]])
    ev = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 500, vary_weights=False, method="wsm",
                              bounds=[[0, 100], [0, 100]], decision_bands=RULES.lower, seed=1,
                              values=value_uncertainty("uniform", 2, absolute=1.0, low=0, high=100))
    out = payment_outcomes(ev, RULES, [200_000.0, 50_000.0])
    assert out.decision.tolist() == [1, 3]
    assert out.payment.tolist() == [190_000.0, 0.0]
    assert out.expected_payment.tolist() == [190_000.0, 0.0]
    assert out.money_at_risk.tolist() == [0.0, 0.0]
    assert out.decision_sure.all()
    assert out.action_probability[1].tolist() == [0.0, 0.0, 0.0, 1.0]  # exclude


def test_money_at_risk_near_a_boundary() -> None:
    """Score 80 +- U(1): half the samples 'good' (190,000), half 'pass' (0.7 * 100,000 = 70,000)."""
    x = np.array([[80.0, 80.0]])
    ev = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 4000, vary_weights=False, method="wsm",
                              bounds=[[0, 100], [0, 100]], decision_bands=RULES.lower, seed=2,
                              values=value_uncertainty("uniform", 2, absolute=[1.0, 0.0], low=0, high=100))
    out = payment_outcomes(ev, RULES, [100_000.0])
    assert out.probability[0, 1] == pytest.approx(0.5, abs=0.03)
    assert out.payment_low[0] == 70_000.0
    assert out.payment_high[0] == 95_000.0
    assert out.money_at_risk[0] == 25_000.0
    assert out.expected_payment[0] == pytest.approx(82_500.0, abs=1000)


def test_wsm_value_and_weight_changes_equal_the_closed_form() -> None:
    """WSM absolute: score = Σ w_j x_j / 100, so reaching bound B takes Δx_j = (B - score) / w_j.

    Moving w_j to t (others proportional) gives score(t) = t x_j + (1 - t) S_j with S_j the others'
    weighted mean, linear in t: t* = (B - S_j) / (x_j - S_j).
    """
    x = np.array([[84.0, 70.0, 95.0], [61.0, 66.0, 52.0], [92.0, 91.0, 97.0]])
    w = np.array([0.5, 0.3, 0.2])
    r = grade_boundary_changes(x, w, [1, 1, 1], [90, 80, 60, 0], method="wsm", bounds=[[0, 100]] * 3)
    score = x @ w
    assert r.base_grade.tolist() == [1, 2, 0]
    lower = np.array([90, 80, 60, 0.0])
    up = np.where(r.base_grade > 0, lower[np.maximum(r.base_grade - 1, 0)], np.inf)
    down = lower[r.base_grade]
    for i in range(3):
        for j in range(3):
            cands = []
            dx_up = (up[i] - score[i]) / w[j]
            if x[i, j] + dx_up <= 100:
                cands.append(dx_up)
            dx_dn = (down[i] - score[i]) / w[j]  # reaching the lower bound leaves the grade just below it
            if x[i, j] + dx_dn > 0 and down[i] > 0:  # strictly below needs room beyond the bound
                cands.append(dx_dn)
            if not cands:
                assert not r.value_feasible[i, j]
                continue
            best = min(cands, key=abs)
            assert r.value_feasible[i, j]
            assert r.value_change[i, j] == pytest.approx(best, abs=1e-6)
            # weights
            s_rest = (score[i] - w[j] * x[i, j]) / (1 - w[j])
            wc = []
            for bound, reach in ((up[i], True), (down[i], False)):
                if np.isfinite(bound) and bound > 0 and x[i, j] != s_rest:
                    t = (bound - s_rest) / (x[i, j] - s_rest)
                    # reaching an upper grade's bound is enough; leaving the grade downward needs a t beyond
                    if (0 <= t <= 1) if reach else (0 < t < 1):
                        wc.append(t - w[j])
            if wc:
                assert r.weight_change[i, j] == pytest.approx(min(wc, key=abs), abs=1e-6)
            else:
                assert not r.weight_feasible[i, j]


def test_relative_topsis_value_change_against_a_dense_scan() -> None:
    """Independent check: scan x_ij on a fine grid with ppeval.methods.topsis."""
    from ppeval import methods
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 10, size=(5, 3))
    w = np.array([0.5, 0.3, 0.2])
    t = [1, -1, 1]
    bands = [70, 50, 0]
    r = grade_boundary_changes(x, w, t, bands, value_range=[[0, 12], [0, 12], [0, 12]])
    i, j = 0, 0

    def grade(s: float) -> int:
        return 0 if s * 100 >= 70 else (1 if s * 100 >= 50 else 2)

    base = grade(methods.topsis(x, w, t)[i])
    best = None
    for val in np.linspace(0, 12, 24001):
        xx = x.copy()
        xx[i, j] = val
        if grade(methods.topsis(xx, w, t)[i]) != base and (best is None or abs(val - x[i, j]) < abs(best)):
            best = val - x[i, j]
    if best is None:
        assert not r.value_feasible[i, j]
    else:
        assert r.value_change[i, j] == pytest.approx(best, abs=2e-3)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"names": []}, "at least one"),
    ({"lower": [60, 80]}, "not below"),
    ({"release": [1.0, 1.2]}, "must be in"),
    ({"action": ["renew", "fire"]}, "valid values"),
    ({"lower": [80]}, "expected 2"),
])
def test_decision_rules_bad_input(kwargs: dict, fragment: str) -> None:
    args = {"names": ["a", "b"], "lower": [80, 0], "release": [1.0, 0.5], **kwargs}
    with pytest.raises(InputError, match=fragment):
        decision_rules(args.pop("names"), args.pop("lower"), args.pop("release"), **args)


def test_payment_outcomes_bad_input(run: object) -> None:
    with pytest.raises(InputError, match="one per project"):
        payment_outcomes(run, RULES, VALUE[:3])  # type: ignore[arg-type]
    with pytest.raises(InputError, match=">= 0"):
        payment_outcomes(run, RULES, -VALUE)  # type: ignore[arg-type]
    other = decision_rules(["a", "b"], [70, 0], [1.0, 0.0])
    with pytest.raises(InputError, match="other decision bands"):
        payment_outcomes(run, other, VALUE)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="interval"):
        payment_outcomes(run, RULES, VALUE, interval=(0.9, 0.1))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="EvidenceResult"):
        payment_outcomes("x", RULES, VALUE)  # type: ignore[arg-type]
