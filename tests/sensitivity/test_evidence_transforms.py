"""Evidence Monte Carlo: transformed columns re-applied per sample; FCE, absolute VIKOR, GRA scored exactly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ppeval
from ppeval import io, methods
from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.pipeline import analyse_uncertainty, evaluate
from ppeval.pipeline._evaluate import _vikor_absolute
from ppeval.pipeline._transform import interval_closeness, score_membership, target_closeness
from ppeval.pipeline.scoring import rule_points
from ppeval.schema import Assessment, IndicatorSystem, Ratings
from ppeval.schema.scoring import Bands, Deduction, PassFail, Piecewise, Proportional
from ppeval.sensitivity import (
    column_transform,
    column_transforms,
    evidence_monte_carlo,
    fuzzy_grades,
    grade_boundary_changes,
    rating_evidence,
    value_uncertainty,
)
from ppeval.sensitivity._transforms import grade_membership

GRADES = [{"label": "A", "min": 90}, {"label": "B", "min": 70}, {"label": "C", "min": 40}, {"label": "D", "min": 0}]


def _system(leaf: dict[str, Any]) -> IndicatorSystem:
    return io.system_from_dict({
        "schema_version": 1, "id": "t", "name": "T", "version": "1", "source": "test", "grades": GRADES,
        "root": {"id": "total", "name": "Total", "weighting": {"method": "points", "points": {leaf["id"]: 10}},
                 "children": [leaf]},
    })


def _assessment(values: np.ndarray, ratings: Ratings | None = None) -> Assessment:
    ids = tuple(f"p{i}" for i in range(values.shape[0]))
    return Assessment(system_id="t", project_ids=ids, projects=tuple(ppeval.schema.ProjectInfo(id=p) for p in ids),
                      indicator_ids=("x",), values=values, missing=np.zeros(values.shape, dtype=bool),
                      ratings=ratings if ratings is not None else Ratings.empty())


def _bits(a: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64)).view(np.int64)


# ------------------------------------------------------------------------------- transforms == the pipeline's


RULES = [
    (Proportional(rule="proportional", target=80.0), dict(kind="proportional", target=80.0)),
    (Deduction(rule="deduction", target=100, per=3, deduct=1), dict(kind="deduction", target=100.0, per=3.0,
                                                                    deduct=1.0)),
    (Deduction(rule="deduction", target=90, per=4, deduct=1.5, count="whole"),
     dict(kind="deduction", target=90.0, per=4.0, deduct=1.5, count="whole")),
    (Deduction(rule="deduction", target=90, per=4, deduct=1.5, count="started"),
     dict(kind="deduction", target=90.0, per=4.0, deduct=1.5, count="started")),
    (PassFail(rule="pass_fail", threshold=60), dict(kind="pass_fail", threshold=60.0)),
    (Piecewise(rule="piecewise", table=((-30, 0), (-10, 2), (0, 6), (10, 6), (40, 0))),
     dict(kind="piecewise", table=[(-30.0, 0.0), (-10.0, 2.0), (0.0, 6.0), (10.0, 6.0), (40.0, 0.0)])),
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-50, 250, allow_nan=False), min_size=1, max_size=30), st.sampled_from([0.0, 6.0, 15.0]),
       st.booleans())
def test_rules_equal_rule_points_bit_for_bit(xs: list[float], full: float, cost: bool) -> None:
    """Each rule as a numeric transform gives ``rule_points / full`` of the pipeline, bit for bit (0 when full = 0)."""
    x = np.array(xs)
    direction = "cost" if cost else "benefit"
    for rule, spec in RULES:
        kw = dict(spec)
        t = column_transform(kw.pop("kind"), cost=cost and not isinstance(rule, Piecewise), full=full, **kw)
        want = rule_points(rule, x, full, direction) / full if full > 0 else np.zeros_like(x)
        assert np.array_equal(_bits(t.apply(x)), _bits(want)), rule
        # any stack shape: elementwise
        assert np.array_equal(_bits(t.apply(np.broadcast_to(x, (3, x.size)))[1]), _bits(want))
    bands = Bands(rule="bands", bands=({"max": 20, "points": 6}, {"max": 50, "points": 3}, {"max": 250, "points": 0})
                  if cost else ({"min": 90, "points": 6}, {"min": 60, "points": 3}, {"min": -50, "points": 0}))
    limits = [(b.max if cost else b.min, b.points) for b in bands.bands]
    t = column_transform("bands", cost=cost, full=full, bands=limits)
    want = rule_points(bands, x, full, direction) / full if full > 0 else np.zeros_like(x)
    assert np.array_equal(_bits(t.apply(x)), _bits(want))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-100, 300, allow_nan=False), min_size=1, max_size=30), st.floats(0, 30))
def test_closeness_equals_the_pipeline_bit_for_bit(xs: list[float], tol: float) -> None:
    x = np.array(xs)
    t = column_transform("target", target=100.0, tolerance=tol, low=50.0, high=150.0)
    assert np.array_equal(_bits(t.apply(x)), _bits(target_closeness(x, 100.0, tol, 50.0, 150.0)))
    t = column_transform("interval", ok_low=0.0, ok_high=10.0 + tol, low=-30.0, high=40.0)
    assert np.array_equal(_bits(t.apply(x)), _bits(interval_closeness(x, 0.0, 10.0 + tol, -30.0, 40.0)))
    centres = np.array([95.0, 80.0, 55.0, 20.0])
    s = np.clip(x, 0, 100)
    assert np.array_equal(_bits(grade_membership(s, centres)), _bits(score_membership(s, centres)))


@pytest.mark.parametrize("name", ["budget-performance", "3e-equity", "elderly-care"])
def test_unvaried_raw_values_give_the_evaluated_matrix_bit_for_bit(name: str) -> None:
    """The transforms the pipeline builds reproduce the evaluation's matrix from its raw values, bit for bit."""
    from ppeval.pipeline.uncertainty import _transforms_spec

    system, data = bundled.load_sample(name)
    result = evaluate(system, data)  # absolute: scoring rules and closeness
    tr = _transforms_spec(system, result)
    assert tr is not None
    assert tr.columns.size
    got = tr.apply_columns(tr.raw, tr.columns)
    assert np.array_equal(_bits(got), _bits(result.matrix[:, tr.columns]))


def test_transform_arguments_are_checked() -> None:
    with pytest.raises(InputError, match="kind"):
        column_transform("log")
    with pytest.raises(InputError, match="needs target"):
        column_transform("target", low=0.0, high=1.0)
    with pytest.raises(InputError, match="per"):
        column_transform("deduction", target=1.0, deduct=1.0, per=0.0)
    with pytest.raises(InputError, match="strictly increasing"):
        column_transform("piecewise", table=[(1.0, 0.0), (1.0, 2.0)])
    with pytest.raises(InputError, match="column 5"):
        column_transforms(np.zeros((2, 2)), {5: column_transform("pass_fail", threshold=1.0)})
    tr = column_transforms([[95.0], [40.0]], {0: column_transform("pass_fail", threshold=60.0)})
    with pytest.raises(InputError, match="transform of its raw value"):
        evidence_monte_carlo([[1.0], [1.0]], [1.0], [1], 10, transforms=tr, bounds=[[0, 1]], method="wsm",
                             values=value_uncertainty("uniform", 1, absolute=1.0), vary_weights=False)


# ------------------------------------------------------------------------------- hand computations


def test_target_indicator_with_measurement_uncertainty_by_hand() -> None:
    """A budget deviation of exactly 100 % (target 100, range 50-150) measured to +-10 points (uniform).

    By hand: closeness = 1 - |x - 100| / 50 is uniform on [0.8, 1]; the score 100 x closeness is uniform on
    [80, 100]: mean 90, sd 20 / sqrt(12) = 5.77, P(grade A: score >= 90) = P(|x - 100| <= 5) = 1/2, the
    5 % and 95 % quantiles 81 and 99. (Before, the value stayed fixed and every sample scored 100.)
    """
    leaf = {"id": "x", "name": "Budget deviation", "kind": "quantitative", "direction": "target",
            "target": {"value": 100, "tolerance": 0}, "range": {"low": 50, "high": 150},
            "uncertainty": {"distribution": "uniform", "absolute": 10}}
    system = _system(leaf)
    data = _assessment(np.array([[100.0]]))
    result = evaluate(system, data, method="wsm")
    assert result.score_100[0] == 100.0
    u = analyse_uncertainty(result, system, data, samples=8000, seed=5, weights=False, ratings=False,
                            boundary=False)
    ev = u.evidence
    assert ev is not None
    assert u.sources == ("values",)
    assert u.uncertain_values == ("x",)
    assert not any("closeness" in n for n in u.notes)
    se = 5.7735 / np.sqrt(8000)
    assert abs(ev.to_100(ev.score_mean)[0] - 90.0) < 5 * se
    assert abs(ev.to_100(ev.score_std)[0] - 20 / np.sqrt(12)) < 0.15
    lo, _, hi = ev.to_100(ev.score_quantiles[0])
    assert abs(lo - 81.0) < 0.5
    assert abs(hi - 99.0) < 0.5
    assert ev.grade_probability is not None
    assert abs(ev.grade_probability[0, 0] - 0.5) < 5 * np.sqrt(0.25 / 8000)
    assert ev.grade_probability[0, 2:].sum() == 0.0  # never below 80


def _bootstrap_shares() -> dict[Fraction, Fraction]:
    """Exact distribution of the resampled mean of the answers 3, 5, 5 (all 27 resamples, by enumeration)."""
    out: dict[Fraction, Fraction] = {}
    answers = (3, 5, 5)
    for a in answers:
        for b in answers:
            for c in answers:
                mean = Fraction(a + b + c, 3)
                out[mean] = out.get(mean, Fraction(0)) + Fraction(1, 27)
    return out


def _rated_case(method: str) -> tuple[IndicatorSystem, Assessment, ppeval.EvaluationResult]:
    leaf = {"id": "x", "name": "Satisfaction", "kind": "qualitative", "direction": "benefit",
            "scale": {"type": "likert", "points": 5},
            "scoring": {"rule": "deduction", "target": 5, "per": 1, "deduct": 4}}
    system = _system(leaf)
    ratings = Ratings(np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64), np.array(["a", "b", "c"]),
                      np.array(["expert"] * 3), np.array([3.0, 5.0, 5.0]))
    data = _assessment(np.full((1, 1), np.nan), ratings)
    return system, data, evaluate(system, data, method=method)


def test_scoring_rule_column_under_the_bootstrap_of_ratings_by_hand() -> None:
    """A rated indicator (answers 3, 5, 5) scored by "deduct 4 of 10 points per point below 5".

    By hand over the 27 resamples: the mean is 5 - 2k/3 with k ~ Bin(3, 1/3) answers of 3, so the points
    are 10 - 8k/3: 10, 7.33, 4.67, 2 (score 100, 73.3, 46.7, 20) with probabilities 8, 12, 6, 1 (of 27) --
    grades A, B, C, D. The expected score is 100 (1 - 8/30) = 73.33, the evaluated one too.
    """
    system, data, result = _rated_case("wsm")
    assert result.score_100[0] == pytest.approx(100 * (10 - 8 / 3) / 10)
    u = analyse_uncertainty(result, system, data, samples=5400, seed=2, weights=False, boundary=False)
    ev = u.evidence
    assert ev is not None
    assert u.sources == ("ratings",)
    assert not any("not resampled" in n for n in u.notes)
    exact = _bootstrap_shares()
    want = np.zeros(4)
    for mean, p in exact.items():
        score = 100 * max(10 - 4 * (5 - mean), 0) / 10
        want[0 if score >= 90 else 1 if score >= 70 else 2 if score >= 40 else 3] += float(p)
    np.testing.assert_allclose(want * 27, [8, 12, 6, 1])
    assert ev.grade_probability is not None
    se = np.sqrt(want * (1 - want) / 5400)
    assert (np.abs(ev.grade_probability[0] - want) < 5 * se + 1e-12).all(), (ev.grade_probability[0], want)
    assert abs(ev.to_100(ev.score_mean)[0] - 100 * (1 - 8 / 30)) < 1.0
    assert ev.to_100(ev.score_min)[0] == pytest.approx(20.0)
    assert ev.to_100(ev.score_max)[0] == pytest.approx(100.0)


def test_fce_of_a_rated_rule_column_under_the_bootstrap_by_hand() -> None:
    """FCE of the same case: each resampled answer is placed by the share its rule awards (3 -> 2 of 10,
    5 -> 10 of 10: scores 20 and 100 on 0-100), split between grade centres (95, 80, 55, 20), averaged over
    the three raters: with k answers of 3 the membership is ((3 - k) e_A + k e_D) / 3 and the crisp score
    (95 (3 - k) + 20 k) / 3: 95, 70, 45, 20 with probabilities 8, 12, 6, 1 (of 27)."""
    system, data, result = _rated_case("fce")
    assert result.score_100[0] == pytest.approx((95 * 2 + 20) / 3)
    u = analyse_uncertainty(result, system, data, samples=5400, seed=4, weights=False, boundary=False)
    ev = u.evidence
    assert ev is not None
    assert u.exact
    assert ev.method == "fce"
    np.testing.assert_allclose(ev.to_100(ev.base_scores), result.score_100, atol=1e-12)
    want = np.array([8, 12, 6, 1]) / 27  # 95 -> A, 70 -> B, 45 -> C, 20 -> D
    assert ev.grade_probability is not None
    se = np.sqrt(want * (1 - want) / 5400)
    assert (np.abs(ev.grade_probability[0] - want) < 5 * se).all(), ev.grade_probability[0]
    assert ev.to_100(ev.score_min)[0] == pytest.approx(20.0)
    assert ev.to_100(ev.score_max)[0] == pytest.approx(95.0)


# ------------------------------------------------------------------------------- exact methods, weights only


def _sampled_weights(w: np.ndarray, samples: int, seed: int, conc: float) -> np.ndarray:
    """The run's Dirichlet weight draws: WSM on the identity matrix scores project j as w_j."""
    m = w.shape[0]
    r = evidence_monte_carlo(np.eye(m), w, np.ones(m, dtype=int), samples, concentration=conc, method="wsm",
                             bounds=np.tile([0.0, 1.0], (m, 1)), seed=seed, keep_scores=True)
    assert r.sample_scores is not None
    return np.asarray(r.sample_scores)


def test_fce_with_weights_only_equals_fce_of_the_sampled_weights() -> None:
    """All evidence off: every sample's FCE score equals ppeval.methods.fce at that sample's weights."""
    system, data = bundled.load_sample("community-4stage")
    result = evaluate(system, data, method="fce")
    u = analyse_uncertainty(result, system, data, samples=300, seed=9, ratings=False, values=False, boundary=False)
    from ppeval.pipeline.uncertainty import _fuzzy_spec

    fz = _fuzzy_spec(system, data, result, [])
    w = np.asarray(result.weights)
    ws = _sampled_weights(w, 300, 9, 200.0)
    r = evidence_monte_carlo(result.matrix, w, result.types, 300, concentration=200.0, method="fce",
                             bounds=result.bounds, fuzzy=fz, seed=9, keep_scores=True)
    assert r.sample_scores is not None
    want = methods.fce(fz.membership, ws, fz.centres).score / 100.0
    np.testing.assert_allclose(r.sample_scores, want, rtol=0, atol=1e-13)
    np.testing.assert_allclose(methods.fce(fz.membership, w, fz.centres).score, result.score_100, atol=1e-12)
    ev = u.evidence
    assert ev is not None
    assert u.exact
    assert ev.method == "fce"
    np.testing.assert_allclose(ev.score_mean, want.mean(axis=0), atol=1e-12)


def test_absolute_vikor_and_gra_with_weights_only_equal_the_method_at_the_sampled_weights() -> None:
    system, data = bundled.load_sample("community-4stage")
    for method in ("vikor", "gra"):
        result = evaluate(system, data, method=method)
        w = np.asarray(result.weights)
        ws = _sampled_weights(w, 200, 3, 200.0)
        r = evidence_monte_carlo(result.matrix, w, result.types, 200, concentration=200.0, method=method,
                                 bounds=result.bounds, seed=3, keep_scores=True)
        assert r.sample_scores is not None
        if method == "vikor":
            want = np.array([_vikor_absolute(result.matrix, wk, result.types, result.bounds, 0.5) for wk in ws])
        else:
            want = methods.gra(result.matrix, ws, result.types, bounds=result.bounds)
        np.testing.assert_allclose(r.sample_scores, want, rtol=0, atol=1e-13)
        np.testing.assert_allclose(r.to_100(r.base_scores), result.score_100, atol=1e-12)


def test_relative_gra_and_other_topsis_normalisations_score_like_the_methods() -> None:
    """GRA (relative, rho 0.3) and TOPSIS with z-score / max / sum normalisation, sample by sample.

    The sampled matrices are rebuilt from the same value stream (the draws depend on the seed and the
    matrix shape only): WSM against bounds (0, 100) with all weight on the uncertain column scores each
    project ``x / 100``. Each sample's scores must equal the method applied to that sample's matrix.
    """
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 10, size=(6, 3))
    types = np.array([1, -1, 1])
    w = np.array([0.5, 0.3, 0.2])
    u = value_uncertainty(["uniform", "none", "none"], 3, absolute=[0.5, 0, 0], low=[0.5, 0, 0])
    probe = evidence_monte_carlo(x, [1.0, 0.0, 0.0], [1, 1, 1], 64, vary_weights=False, values=u, method="wsm",
                                 bounds=[[0, 100]] * 3, seed=1, keep_scores=True)
    assert probe.sample_scores is not None
    col0 = 100.0 * np.asarray(probe.sample_scores)  # (64, 6) the sampled values of column 0
    cases: list[tuple[str, dict[str, Any], Any]] = [
        ("gra", {"rho": 0.3}, lambda m: methods.gra(m, w, types, rho=0.3)),
        ("topsis", {"normalization": "zscore"}, lambda m: methods.topsis(m, w, types, normalization="zscore")),
        ("topsis", {"normalization": "max"}, lambda m: methods.topsis(m, w, types, normalization="max")),
        ("topsis", {"normalization": "sum"}, lambda m: methods.topsis(m, w, types, normalization="sum")),
        ("wsm", {"normalization": "mean"}, lambda m: methods.wsm(m, w, types, normalization="mean")),
    ]
    for method, kw, ref in cases:
        r = evidence_monte_carlo(x, w, types, 64, vary_weights=False, values=u, method=method, seed=1,
                                 keep_scores=True, **kw)
        np.testing.assert_allclose(r.base_scores, ref(x), rtol=0, atol=1e-12)
        assert r.sample_scores is not None
        assert (r.score_std > 0).any()
        for k in range(64):  # the reference: one call of the method per sample (a test, not a hot path)
            xs = x.copy()
            xs[:, 0] = col0[k]
            np.testing.assert_allclose(r.sample_scores[k], ref(xs), rtol=1e-9, atol=1e-12, err_msg=method)


def test_relative_fce_with_uncertain_values_sample_by_sample() -> None:
    """Relative-mode FCE: every sample's memberships from that sample's min-max normalised matrix, a rated
    cell keeping its raters' membership; the scores equal ppeval.methods.fce on the rebuilt sampled matrix."""
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 10, size=(5, 3))
    types = np.array([1, -1, 1])
    w = np.array([0.5, 0.3, 0.2])
    centres = np.array([95.0, 80.0, 55.0, 20.0])
    u = value_uncertainty(["uniform", "none", "none"], 3, absolute=[0.5, 0, 0], low=[0.5, 0, 0])

    def membership(m: np.ndarray) -> np.ndarray:
        lo, hi = m.min(axis=0), m.max(axis=0)
        r = np.where(types > 0, m - lo, hi - m) / (hi - lo)
        mem = score_membership(100 * r, centres)
        mem[2, 2] = [0.2, 0.5, 0.3, 0.0]  # a rated cell: its raters' membership, whatever the values
        return mem

    rated = np.zeros((5, 3), dtype=bool)
    rated[2, 2] = True
    fz = fuzzy_grades(centres, membership(x), rated=rated, scale_worst=[0, 0, 1], scale_best=[1, 1, 5])
    r = evidence_monte_carlo(x, w, types, 64, vary_weights=False, values=u, method="fce", fuzzy=fz, seed=1,
                             keep_scores=True)
    probe = evidence_monte_carlo(x, [1.0, 0.0, 0.0], [1, 1, 1], 64, vary_weights=False, values=u, method="wsm",
                                 bounds=[[0, 100]] * 3, seed=1, keep_scores=True)
    assert r.sample_scores is not None
    assert probe.sample_scores is not None
    np.testing.assert_allclose(r.base_scores, methods.fce(membership(x), w, centres).score / 100, atol=1e-13)
    for k in range(64):
        xs = x.copy()
        xs[:, 0] = 100.0 * probe.sample_scores[k]
        want = methods.fce(membership(xs), w, centres).score / 100
        np.testing.assert_allclose(r.sample_scores[k], want, rtol=0, atol=1e-9)
    assert (r.score_std > 0).any()


def test_gra_grade_boundary_search_scores_gra() -> None:
    """The boundary search scores GRA itself (it used TOPSIS formulas for GRA before)."""
    system, data = bundled.load_sample("community-4stage")
    result = evaluate(system, data, method="gra")
    bands = np.array([g.min for g in system.grades], dtype=np.float64)
    b = grade_boundary_changes(result.matrix, result.weights, result.types, bands, method="gra",
                               bounds=result.bounds)
    assert [system.grades[k].label for k in b.base_grade] == list(result.grades)
    i, j = np.argwhere(b.value_feasible)[0]
    x = result.matrix.copy()
    x[i, j] += b.value_change[i, j]
    moved = 100 * methods.gra(x, result.weights, result.types, bounds=result.bounds)
    assert system.grades_of(moved)[i] != result.grades[i]
    with pytest.raises(InputError, match="fce"):
        grade_boundary_changes(result.matrix, result.weights, result.types, bands, method="fce",
                               bounds=result.bounds)


# ------------------------------------------------------------------------------- reproducibility, arguments


@pytest.mark.parametrize("kw", [{"method": "fce"}, {"method": "fce", "mode": "relative"}, {"method": "vikor"},
                                {"method": "gra", "mode": "relative"}, {"method": "wsm"}])
def test_bit_identical_across_chunk_sizes(kw: dict[str, Any]) -> None:
    """Budget-performance (rated and measured columns with rules, an interval column), all three sources:
    the same bits for every chunk size and on a thread pool."""
    system, data = bundled.load_sample("budget-performance")
    declared = {leaf.id: {"distribution": "normal", "relative": 0.05} for leaf in system.leaves()
                if leaf.kind == "quantitative" and leaf.derived is None}
    result = evaluate(system, data, **kw)
    runs = [analyse_uncertainty(result, system, data, samples=200, seed=11, boundary=False, uncertainty=declared,
                                chunk_size=c) for c in (64, 128, None)]
    with ThreadPoolExecutor(2) as pool:
        runs.append(analyse_uncertainty(result, system, data, samples=200, seed=11, boundary=False,
                                        uncertainty=declared, chunk_size=64, executor=pool))
    assert runs[0].sources == ("weights", "ratings", "values")
    for other in runs[1:]:
        a, b = runs[0].evidence, other.evidence
        assert a is not None
        assert b is not None
        for name in ("score_mean", "score_std", "score_min", "score_max", "rank_acceptability", "first_order",
                     "grade_probability", "score_quantiles"):
            assert np.array_equal(_bits(getattr(a, name)), _bits(getattr(b, name))), name


def test_fce_arguments() -> None:
    x = np.array([[0.5, 0.2], [0.9, 0.4]])
    mem = score_membership(100 * x, np.array([95.0, 80.0, 55.0, 20.0]))
    fz = fuzzy_grades([95.0, 80.0, 55.0, 20.0], mem)
    with pytest.raises(InputError, match="needs fuzzy"):
        evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 10, method="fce", bounds=[[0, 1], [0, 1]])
    with pytest.raises(InputError, match="fuzzy is for method 'fce' only"):
        evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 10, method="wsm", fuzzy=fz, bounds=[[0, 1], [0, 1]])
    with pytest.raises(InputError, match="sums to"):
        fuzzy_grades([95.0, 80.0, 55.0, 20.0], mem * 0.5)
    with pytest.raises(InputError, match="strictly decreasing"):
        fuzzy_grades([80.0, 95.0, 55.0, 20.0], mem)
    r = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 100, method="fce", fuzzy=fz, bounds=[[0, 1], [0, 1]], seed=1)
    assert r.engine == "evidence"
    assert r.method == "fce"
    ev = rating_evidence([0, 0], [1, 1], [0.2, 0.6], n_projects=2, n_criteria=2)
    with pytest.raises(InputError, match="aggregate"):
        evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 10, method="fce", fuzzy=fz, ratings=ev, bounds=[[0, 1], [0, 1]])


def test_gra_rho_reaches_the_weight_only_run() -> None:
    """With only the weights varied the run is monte_carlo itself, with the same distinguishing coefficient."""
    from ppeval.sensitivity import monte_carlo

    x = np.array([[1.0, 4.0, 2.0], [3.0, 1.0, 5.0], [2.0, 2.0, 2.0], [5.0, 3.0, 1.0]])
    w, types = [0.5, 0.3, 0.2], [1, -1, 1]
    r = evidence_monte_carlo(x, w, types, 300, method="gra", rho=0.2, seed=4, concentration=50.0)
    mc = monte_carlo(x, w, types, 300, method="gra", rho=0.2, seed=4, concentration=50.0)
    assert r.engine == "weights"
    assert np.array_equal(_bits(r.score_mean), _bits(mc.score_mean))
    np.testing.assert_allclose(r.base_scores, methods.gra(x, w, types, rho=0.2), atol=1e-15)


def test_module_doctests_run() -> None:
    import doctest

    from ppeval.sensitivity import _stack_methods, _transforms

    for mod in (_transforms, _stack_methods):
        result = doctest.testmod(mod)
        assert result.attempted > 0
        assert result.failed == 0


@pytest.mark.parametrize(("name", "kind"), [("budget-performance", "deduction"), ("budget-performance", "piecewise"),
                                            ("3e-equity", "target")])
def test_grade_boundary_of_a_transformed_indicator_is_in_its_unit(name: str, kind: str) -> None:
    """The smallest change of a measured value under a rule / closeness, re-evaluated end to end: the value
    moved just beyond the reported change changes the grade, just short of it does not."""
    import dataclasses

    from ppeval.pipeline.uncertainty import _transforms_spec

    system, data = bundled.load_sample(name)
    result = evaluate(system, data, method="wsm")
    tr = _transforms_spec(system, result)
    assert tr is not None
    u = analyse_uncertainty(result, system, data, samples=20, seed=1)
    b = u.boundary
    assert b is not None
    ids = list(result.indicator_ids)
    pos = tr.position()
    cands = [j for j in range(len(ids)) if pos[j] >= 0 and tr.transforms[pos[j]].kind == kind
             and system.leaves()[j].kind == "quantitative"]
    assert cands
    hits = [(i, j) for j in cands for i in range(len(result.project_ids)) if b.value_feasible[i, j]]
    assert hits, "no feasible change to check"
    i, j = hits[0]
    change = b.value_change[i, j]
    raw = float(tr.raw[i, tr.position()[j]])
    assert abs(change) > b.tolerance  # a change of the measured value in its unit, not of a 0-1 share
    for factor, moved in ((1.0, True), (1.0 - 1e-3, False)):  # the reported change lies just beyond the boundary
        values = np.array(data.values, dtype=np.float64)
        values[i, j] = raw + factor * change
        again = evaluate(system, dataclasses.replace(data, values=values), method="wsm")
        assert (again.grades[i] != result.grades[i]) == moved, (factor, again.score_100[i], result.score_100[i])


def test_a_result_without_raw_values_gets_them_from_the_assessment() -> None:
    """A result that does not carry its raw values (``raw=None``) is analysed like one that does."""
    import dataclasses

    system, data = bundled.load_sample("budget-performance")
    result = evaluate(system, data)
    a = analyse_uncertainty(result, system, data, samples=64, seed=2, boundary=False)
    b = analyse_uncertainty(dataclasses.replace(result, raw=None), system, data, samples=64, seed=2, boundary=False)
    assert a.evidence is not None
    assert b.evidence is not None
    assert np.array_equal(_bits(a.evidence.score_mean), _bits(b.evidence.score_mean))


def test_split_scoring_with_transforms_equals_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Absolute WSM with rule columns (bounds (0, 1) in the matrix) runs on the split path; forced off, the
    general path draws the same values and gives the same summaries to rounding."""
    import dataclasses

    from ppeval.sensitivity import _stack_methods

    system, data = bundled.load_sample("budget-performance")
    declared = {leaf.id: {"distribution": "normal", "relative": 0.05} for leaf in system.leaves()
                if leaf.kind == "quantitative" and leaf.derived is None}
    result = evaluate(system, data, method="wsm")
    on = analyse_uncertainty(result, system, data, samples=256, seed=3, boundary=False, uncertainty=declared)
    build = _stack_methods.EvidenceExtension.build

    def split_off(*args: Any, **kwargs: Any) -> Any:
        ext = build(*args, **kwargs)
        assert ext is not None
        assert ext.split_ok
        return dataclasses.replace(ext, split_ok=False)

    monkeypatch.setattr(_stack_methods.EvidenceExtension, "build", split_off)
    off = analyse_uncertainty(result, system, data, samples=256, seed=3, boundary=False, uncertainty=declared)
    assert on.evidence is not None
    assert off.evidence is not None
    np.testing.assert_allclose(on.evidence.score_mean, off.evidence.score_mean, rtol=0, atol=1e-14)
    np.testing.assert_allclose(on.evidence.score_std, off.evidence.score_std, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(on.evidence.rank_acceptability, off.evidence.rank_acceptability)
