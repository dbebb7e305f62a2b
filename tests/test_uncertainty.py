"""Evidence uncertainty, payments and rounds on whole evaluations (pipeline level)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import ppeval
from ppeval.errors import InputError, SchemaError
from ppeval.io import bundled, load_assessment
from ppeval.pipeline import analyse_sensitivity, analyse_uncertainty, compare, evaluate, system_decision_rules
from ppeval.schema import IndicatorSystem

REPO = Path(__file__).resolve().parents[1]
SYSTEM, DATA = bundled.load_sample("community-4stage")
RESULT = evaluate(SYSTEM, DATA)

DECISIONS = [
    {"name": "full payment, renew", "grade": "excellent", "release": 1.0, "action": "renew"},
    {"name": "full payment", "grade": "good", "release": 1.0, "action": "continue"},
    {"name": "80 % and a warning", "grade": "fair", "release": 0.8, "action": "warning"},
    {"name": "no final payment, exclude", "grade": "poor", "release": 0.0, "action": "exclude"},
]


def with_settings(decisions: list | None = None, uncertainty: dict | None = None) -> IndicatorSystem:
    """The bundled community system with decision rules and measurement uncertainty added."""
    data = SYSTEM.model_dump(exclude_none=True)
    if decisions is not None:
        data["evaluation"]["decisions"] = decisions

    def walk(node: dict) -> None:
        for child in node.get("children", []):
            if uncertainty and child.get("id") in uncertainty:
                child["uncertainty"] = uncertainty[child["id"]]
            walk(child)

    walk(data["root"])
    return IndicatorSystem.model_validate(data)


UNCERTAIN = {"output_achievement": {"distribution": "uniform", "absolute": 5.0},
             "active_volunteers": {"distribution": "normal", "relative": 0.15}}
FULL = with_settings(DECISIONS, UNCERTAIN)


@pytest.fixture(scope="module")
def full() -> ppeval.UncertaintyAnalysis:
    return analyse_uncertainty(evaluate(FULL, DATA), FULL, DATA, samples=1500, seed=3)


def test_all_three_sources_payments_and_boundaries(full: ppeval.UncertaintyAnalysis) -> None:
    ev = full.evidence
    assert ev is not None
    assert full.sources == ("weights", "ratings", "values")
    assert full.uncertain_values == ("output_achievement", "active_volunteers")
    assert ev.grade_probability is not None
    np.testing.assert_allclose(ev.grade_probability.sum(axis=1), 1.0, atol=1e-15)
    np.testing.assert_allclose(ev.first_order.sum(axis=1), 1.0, atol=0.35)  # near-additive model
    pay = full.payments
    assert pay is not None
    np.testing.assert_allclose(pay.probability.sum(axis=1), 1.0, atol=1e-15)
    cv = np.array([p.contract_value for p in DATA.projects])
    np.testing.assert_array_equal(pay.contract_value, cv)
    # decisions by grade: the probabilities of the decisions are those of the grades
    np.testing.assert_allclose(pay.probability, ev.grade_probability, atol=1e-15)
    assert (pay.expected_payment <= cv + 1e-9).all()
    assert (pay.payment_low <= pay.payment_high).all()
    # a discrete payment: the mean need not lie inside the 5-95 % interval, but within the payments' range
    assert (pay.payment_table.min(axis=1) <= pay.expected_payment + 1e-9).all()
    assert (pay.expected_payment <= pay.payment_table.max(axis=1) + 1e-9).all()
    grades = [FULL.grades[int(k)].label for k in pay.decision]
    assert grades == list(evaluate(FULL, DATA).grades)
    b = full.boundary
    assert b is not None
    assert b.value_change.shape == (8, len(RESULT.indicator_ids))


def test_weights_only_equals_the_sensitivity_monte_carlo() -> None:
    """Ratings and values off: the same bits as analyse_sensitivity's Monte Carlo (same seed, concentration)."""
    u = analyse_uncertainty(RESULT, SYSTEM, DATA, samples=800, seed=5, ratings=False, values=False, boundary=False)
    s = analyse_sensitivity(RESULT, SYSTEM, samples=800, seed=5)
    assert u.evidence is not None
    assert s.monte_carlo is not None
    assert u.evidence.engine == "weights"
    for name in ("rank_acceptability", "score_mean", "score_std", "score_quantiles", "grade_probability"):
        assert np.asarray(getattr(u.evidence, name)).tobytes() == np.asarray(getattr(s.monte_carlo, name)).tobytes()


def test_notes_without_rules_or_uncertainty() -> None:
    u = analyse_uncertainty(RESULT, SYSTEM, DATA, samples=200, seed=1, boundary=False)
    assert u.payments is None
    assert any("decision rules" in n for n in u.notes)
    assert any("measurement uncertainty" in n for n in u.notes)


def test_decision_rule_naming_an_unknown_grade() -> None:
    bad = with_settings([{"name": "x", "grade": "outstanding"}, {"name": "y", "min": 0}])
    with pytest.raises(SchemaError, match="outstanding"):
        system_decision_rules(bad)


def test_decision_rule_needs_grade_or_min(tmp_path: Path) -> None:
    data = SYSTEM.model_dump(exclude_none=True)
    data["evaluation"]["decisions"] = [{"name": "x", "grade": "good", "min": 80}]
    path = tmp_path / "system.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError, match="exactly one of grade"):
        ppeval.load_system(path)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"result": "x"}, "EvaluationResult"),
    ({"samples": 0}, "samples"),
    ({"seed": -1}, "seed"),
    ({"ratings": "yes"}, "ratings"),
])
def test_bad_input(kwargs: dict, fragment: str) -> None:
    args = {"result": RESULT, "system": SYSTEM, "assessment": DATA, **kwargs}
    with pytest.raises(InputError, match=fragment):
        analyse_uncertainty(args.pop("result"), args.pop("system"), args.pop("assessment"), **args)


# --------------------------------------------------------------------------- rounds


def second_round(tmp: Path) -> tuple[IndicatorSystem, ppeval.Assessment]:
    """The bundled data as a final round: c01's output achievement 88.9 -> 98.9, c08 left, c09 joined."""
    paths = bundled.sample_assessment_paths("community-4stage")
    out = []
    for p in paths:
        p = Path(p)
        rows = list(csv.reader(p.read_text(encoding="utf-8").splitlines()))
        head, body = rows[0], rows[1:]
        body = [r for r in body if r[0] != "c08"]
        body += [["c09", *r[1:]] for r in rows[1:] if r[0] == "c02"]
        if "output_achievement" in head:
            j = head.index("output_achievement")
            for r in body:
                if r[0] == "c01":
                    assert r[j] == "88.9"
                    r[j] = "98.9"
        if "rater" in head:  # rater ids are unique per rater
            k = head.index("rater")
            for r in body:
                if r[0] == "c09":
                    r[k] = r[k].replace("c02", "c09")
        dst = tmp / p.name
        with dst.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([head, *body])
        out.append(dst)
    shutil.copy(bundled.system_path("community-4stage"), tmp / "system.yaml")
    return SYSTEM, load_assessment(out, SYSTEM)


def closeness(x: np.ndarray, w: np.ndarray, bounds: np.ndarray) -> float:
    """TOPSIS against the bounds by hand: r = (x - worst)/(best - worst), C = D- / (D+ + D-)."""
    r = (x - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])
    d_plus = np.sqrt(np.sum(w**2 * (1 - r) ** 2))
    d_minus = np.sqrt(np.sum(w**2 * r**2))
    return float(d_minus / (d_plus + d_minus))


def test_compare_two_rounds_checked_by_hand_for_one_project(tmp_path: Path) -> None:
    system, later_data = second_round(tmp_path)
    later = evaluate(system, later_data)
    c = ppeval.compare(RESULT, later)
    assert c.left == ("c08",)
    assert c.joined == ("c09",)
    assert c.projects == ("c01", "c02", "c03", "c04", "c05", "c06", "c07")
    assert c.same_system
    i = c.projects.index("c01")
    j = c.indicator_ids.index("output_achievement")
    # the indicator: 10 points of its 0-100 bounds
    assert c.value_before[i, j] == 88.9
    assert c.value_after[i, j] == 98.9
    assert c.indicator_change[i, j] == pytest.approx(10.0, abs=1e-9)
    others = np.delete(c.indicator_change[i], j)
    assert (others == 0).all()
    # the score, by hand (absolute TOPSIS: c01's score depends on its own row only)
    w = np.asarray(RESULT.weights)
    b = np.asarray(RESULT.bounds)
    x0 = np.asarray(RESULT.matrix)[0].copy()
    before = 100 * closeness(x0, w, b)
    x0[list(RESULT.indicator_ids).index("output_achievement")] = 98.9
    after = 100 * closeness(x0, w, b)
    assert c.score_before[i] == pytest.approx(before, abs=1e-9)
    assert c.score_after[i] == pytest.approx(after, abs=1e-9)
    assert c.score_change[i] == pytest.approx(after - before, abs=1e-9)
    assert after > before
    # nobody else changed
    assert (np.delete(c.score_change, i) == 0).all()
    assert c.improved_most == ("output_achievement",)
    assert c.declined_most == ()
    assert c.grade_step[i] == (RESULT.grade_labels.index(c.grade_before[i])
                               - later.grade_labels.index(c.grade_after[i]))


def test_compare_against_the_evidence_uncertainty(tmp_path: Path) -> None:
    system, later_data = second_round(tmp_path)
    later = evaluate(system, later_data)
    u0 = analyse_uncertainty(RESULT, SYSTEM, DATA, samples=600, seed=1, boundary=False)
    u1 = analyse_uncertainty(later, system, later_data, samples=600, seed=2, boundary=False)
    c = compare(RESULT, later, earlier_uncertainty=u0, later_uncertainty=u1)
    assert c.change_threshold is not None
    assert c.exceeds_uncertainty is not None
    assert u0.evidence is not None
    assert u1.evidence is not None
    sd0 = 100 * np.asarray(u0.evidence.score_std)[:7]
    sd1 = 100 * np.asarray(u1.evidence.score_std)[:7]
    np.testing.assert_allclose(c.change_threshold, 1.96 * np.sqrt(sd0**2 + sd1**2), rtol=1e-12)
    np.testing.assert_array_equal(c.exceeds_uncertainty, np.abs(c.score_change) > c.change_threshold)
    assert not c.exceeds_uncertainty[1:].any()  # unchanged projects
    from ppeval.sensitivity import evidence_monte_carlo
    small = evidence_monte_carlo(np.eye(3) + 1, [0.5, 0.3, 0.2], [1, 1, 1], 50, seed=1)
    with pytest.raises(InputError, match="3 projects"):
        compare(RESULT, later, earlier_uncertainty=small, later_uncertainty=u1)
    with pytest.raises(InputError, match="EvidenceResult"):
        compare(RESULT, later, earlier_uncertainty="u", later_uncertainty=u1)


def test_compare_bad_input() -> None:
    with pytest.raises(InputError, match="EvaluationResult"):
        compare(RESULT, "x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="z is"):
        compare(RESULT, RESULT, z=0)
    other_sys, other_data = bundled.load_sample("elderly-care")
    with pytest.raises(InputError, match="in common"):
        compare(RESULT, evaluate(other_sys, other_data))


def test_uncertainty_declared_with_the_data_overrides_the_system() -> None:
    u = analyse_uncertainty(RESULT, SYSTEM, DATA, samples=300, seed=2, boundary=False, weights=False,
                            ratings=False, uncertainty={"output_achievement": {"distribution": "normal",
                                                                               "relative": 0.1}})
    assert u.sources == ("values",)
    assert u.uncertain_values == ("output_achievement",)
    with pytest.raises(InputError, match="does not have"):
        analyse_uncertainty(RESULT, SYSTEM, DATA, samples=10, uncertainty={"nope": {"relative": 0.1}})
    with pytest.raises(InputError, match="rated indicator"):
        analyse_uncertainty(RESULT, SYSTEM, DATA, samples=10, uncertainty={"resident_satisfaction": {"relative": 1}})
    with pytest.raises(InputError, match="output_achievement"):
        analyse_uncertainty(RESULT, SYSTEM, DATA, samples=10, uncertainty={"output_achievement": {"relative": -1}})


@pytest.mark.parametrize("name", bundled.list_systems())
@pytest.mark.parametrize("kw", [{}, {"mode": "relative"}, {"method": "fce"}, {"method": "fce", "mode": "relative"},
                                {"method": "vikor"}, {"method": "gra"}, {"method": "gra", "mode": "relative"}])
def test_every_bundled_system_runs(name: str, kw: dict) -> None:
    """Every bundled system, mode and method gives an exact evidence analysis (no proxy, no skipped column)."""
    system, data = bundled.load_sample(name)
    result = evaluate(system, data, **kw)
    u = analyse_uncertainty(result, system, data, samples=100, seed=1)
    assert u.evidence is not None, u.notes
    assert u.evidence.grade_probability is not None
    np.testing.assert_allclose(u.evidence.grade_probability.sum(axis=1), 1.0, atol=1e-15)
    assert u.exact
    assert u.evidence.method == result.method
    np.testing.assert_allclose(u.evidence.to_100(u.evidence.base_scores), result.score_100, rtol=0, atol=1e-9)
    # scoring rules and target / interval closeness are applied per sample: no column is left out
    assert not any("scoring rule" in n or "closeness" in n or "not resampled" in n for n in u.notes), u.notes
    assert all(n.startswith("grade-boundary search") for n in u.notes if "proxy" in n), u.notes
