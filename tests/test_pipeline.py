"""End-to-end evaluation: every bundled system, absolute-mode invariances, JSON, provenance, reproduce."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ppeval
from ppeval import io
from ppeval.errors import (
    ConsistencyError,
    DataError,
    InputError,
    PPEvalError,
    ReproducibilityError,
)
from ppeval.pipeline import EvaluationResult, evaluate, reproduce
from ppeval.schema import Assessment

SYSTEMS = io.list_systems()
METHODS = ["topsis", "wsm", "vikor", "fce"]


@pytest.fixture(scope="module")
def samples() -> dict[str, tuple[ppeval.IndicatorSystem, Assessment]]:
    return {name: io.load_sample(name) for name in SYSTEMS}


def _subset(a: Assessment, idx: list[int]) -> Assessment:
    """The assessment restricted to projects ``idx`` (in that order)."""
    idx_arr = np.asarray(idx, dtype=np.int64)
    remap = np.full(len(a.project_ids), -1, dtype=np.int64)
    remap[idx_arr] = np.arange(idx_arr.size)
    r = a.ratings
    keep = remap[r.project] >= 0
    ratings = dataclasses.replace(
        r,
        project=remap[r.project[keep]],
        indicator=r.indicator[keep],
        rater=r.rater[keep],
        group=r.group[keep],
        value=r.value[keep],
        line=r.line[keep],
        file=r.file[keep],
    )
    return dataclasses.replace(
        a,
        project_ids=tuple(a.project_ids[i] for i in idx),
        projects=tuple(a.projects[i] for i in idx),
        values=a.values[idx_arr],
        missing=a.missing[idx_arr],
        ratings=ratings,
    )


def test_at_least_four_bundled_systems() -> None:
    assert len(SYSTEMS) >= 4
    assert "community-4stage" in SYSTEMS


@pytest.mark.parametrize("name", SYSTEMS)
@pytest.mark.parametrize("method", METHODS)
def test_every_bundled_system_evaluates(name: str, method: str, samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples[name]
    r = evaluate(system, assessment, method=method)  # type: ignore[arg-type]
    n, m = len(r.project_ids), len(r.indicator_ids)
    assert r.score_100.shape == (n,)
    assert np.isfinite(r.score_100).all()
    assert (r.score_100 >= 0).all()
    assert (r.score_100 <= 100).all()
    assert np.isclose(r.weights.sum(), 1.0)
    assert set(r.grades) <= set(r.grade_labels)
    assert r.ranks.min() == 1
    assert r.contributions.shape == (n, m)
    np.testing.assert_allclose(r.contributions.sum(axis=1), r.score_100, atol=1e-9)
    assert np.isfinite(r.node_scores).all()
    # grades agree with the bands
    for s, g in zip(r.score_100, r.grades, strict=True):
        assert system.grade(float(s)) == g


@pytest.mark.parametrize("name", SYSTEMS)
def test_relative_mode_runs(name: str, samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples[name]
    for norm in ("vector", "minmax"):
        r = evaluate(system, assessment, mode="relative", normalization=norm)
        assert np.isfinite(r.scores).all()
        assert r.normalization == norm


def test_wsm_scores_are_weighted_sums(samples: dict) -> None:  # type: ignore[type-arg]
    """WSM absolute: 100 * sum_j w_j (x_ij - worst_j) / (best_j - worst_j), checked by hand."""
    system, assessment = samples["community-4stage"]
    r = evaluate(system, assessment, method="wsm")
    worst = np.array([_bounds(system, i)[0] for i in r.indicator_ids])
    best = np.array([_bounds(system, i)[1] for i in r.indicator_ids])
    expected = 100 * ((r.matrix - worst) / (best - worst)) @ r.weights
    np.testing.assert_allclose(r.score_100, expected, rtol=1e-12, atol=1e-12)


def _bounds(system: ppeval.IndicatorSystem, leaf_id: str) -> tuple[float, float]:
    leaf = system.leaf(leaf_id)
    if leaf.kind == "qualitative":
        b = leaf.effective_bounds  # type: ignore[union-attr]
        return (b.worst, b.best)
    if leaf.direction in ("target", "interval"):
        return (0.0, 1.0)
    return (leaf.bounds.worst, leaf.bounds.best)  # type: ignore[union-attr]


def test_weights_are_products_down_the_tree(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    r = evaluate(system, assessment)
    expected = system.global_weights()
    np.testing.assert_allclose(r.weights, [expected[i] for i in r.indicator_ids], rtol=1e-12)


def test_flagship_for_show_project_is_not_top(samples: dict) -> None:  # type: ignore[type-arg]
    """c02 is strong on outputs but weak on residents' view: qualitative evidence must pull it down."""
    system, assessment = samples["community-4stage"]
    r = evaluate(system, assessment)
    i = r.project_ids.index("c02")
    assert r.ranks[i] > 3
    assert r.qualitative is not None
    assert r.qualitative.weight_share >= 0.3


# ---------------------------------------------------------------- absolute mode invariances
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_absolute_score_independent_of_other_projects(data: st.DataObject) -> None:
    system, assessment = io.load_sample("community-4stage")
    n = len(assessment.project_ids)
    idx = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    method = data.draw(st.sampled_from(["topsis", "wsm", "vikor", "fce"]))
    full = evaluate(system, assessment, method=method)
    part = evaluate(system, _subset(assessment, idx), method=method)
    np.testing.assert_allclose(part.score_100, full.score_100[idx], rtol=0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_better_benefit_value_never_lowers_absolute_score(data: st.DataObject) -> None:
    system, assessment = io.load_sample("community-4stage")
    benefit = [
        j for j, leaf in enumerate(system.leaves())
        if leaf.kind == "quantitative" and leaf.direction == "benefit"
    ]
    j = data.draw(st.sampled_from(benefit))
    i = data.draw(st.integers(0, len(assessment.project_ids) - 1))
    method = data.draw(st.sampled_from(["topsis", "wsm", "vikor", "fce"]))
    best = system.leaves()[j].bounds.best  # type: ignore[union-attr]
    old = assessment.values[i, j]
    new = data.draw(st.floats(old, best))
    values = assessment.values.copy()
    values[i, j] = new
    better = dataclasses.replace(assessment, values=values)
    a = evaluate(system, assessment, method=method).score_100[i]
    b = evaluate(system, better, method=method).score_100[i]
    assert b >= a - 1e-9


# ---------------------------------------------------------------- JSON and provenance
def test_result_json_round_trips_exactly(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["elderly-care"]
    for method in METHODS:
        r = evaluate(system, assessment, method=method, seed=7)  # type: ignore[arg-type]
        text = r.to_json()
        back = EvaluationResult.from_json(text)
        assert back.to_json() == text
        assert np.array_equal(back.score_100, r.score_100)
        assert back.provenance.seed == 7


def test_to_frame(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["3e-equity"]
    df = evaluate(system, assessment).to_frame()
    assert list(df["project"]) == list(assessment.project_ids)
    assert "grade" in df.columns


def test_hash_ignores_key_order_and_format(tmp_path: Path, samples: dict) -> None:  # type: ignore[type-arg]
    system, _ = samples["community-4stage"]
    data = io.system_to_dict(system)

    def reverse(obj: object) -> object:
        if isinstance(obj, dict):
            return {k: reverse(obj[k]) for k in reversed(list(obj))}
        if isinstance(obj, list):
            return [reverse(x) for x in obj]
        return obj

    path = tmp_path / "reordered.json"
    path.write_text(json.dumps(reverse(data)), encoding="utf-8")
    again = io.load_system(path)
    assert ppeval.pipeline.system_hash(again) == ppeval.pipeline.system_hash(system)


def test_hash_changes_with_any_value(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    base = ppeval.pipeline.assessment_hash(assessment)
    values = assessment.values.copy()
    j = int(np.flatnonzero(~np.isnan(values[0]))[0])
    values[0, j] = np.nextafter(values[0, j], np.inf)
    assert ppeval.pipeline.assessment_hash(dataclasses.replace(assessment, values=values)) != base
    r = assessment.ratings
    k = int(np.flatnonzero(~np.isnan(r.value))[0])
    v = r.value.copy()
    v[k] = v[k] + 1 if v[k] < 3 else v[k] - 1
    changed = dataclasses.replace(assessment, ratings=dataclasses.replace(r, value=v))
    assert ppeval.pipeline.assessment_hash(changed) != base


def test_hash_ignores_rating_row_order(samples: dict) -> None:  # type: ignore[type-arg]
    _, assessment = samples["community-4stage"]
    r = assessment.ratings
    perm = np.random.default_rng(3).permutation(len(r))
    shuffled = dataclasses.replace(
        r, project=r.project[perm], indicator=r.indicator[perm], rater=r.rater[perm],
        group=r.group[perm], value=r.value[perm], line=r.line[perm], file=r.file[perm],
    )
    a2 = dataclasses.replace(assessment, ratings=shuffled)
    assert ppeval.pipeline.assessment_hash(a2) == ppeval.pipeline.assessment_hash(assessment)


def test_byte_identical_json_across_processes(tmp_path: Path) -> None:
    code = (
        "import ppeval.io as io, ppeval.pipeline as p, sys;"
        "s, a = io.load_sample('community-4stage');"
        "sys.stdout.write(p.evaluate(s, a, seed=11).to_json())"
    )
    outs = []
    for hashseed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outs.append(res.stdout)
    assert outs[0] == outs[1]
    assert len(outs[0]) > 1000


def test_reproduce_verifies_and_detects_changes(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    r = evaluate(system, assessment, method="topsis", seed=5)
    text = r.to_json()
    assert reproduce(text, system, assessment).to_json() == text
    assert reproduce(text, system, assessment, atol=0.0).to_json() == text
    values = assessment.values.copy()
    j = int(np.flatnonzero(~np.isnan(values[1]))[0])
    values[1, j] = values[1, j] * 0.999 if values[1, j] else 0.001
    changed = dataclasses.replace(assessment, values=values)
    with pytest.raises(ReproducibilityError, match="assessment differs"):
        reproduce(text, system, changed)
    data = json.loads(text)
    data["score_100"][2] += 0.5
    with pytest.raises(ReproducibilityError, match=r"score_100\[2\] \(project 'c03'\): recorded"):
        reproduce(json.dumps(data), system, assessment)
    data = json.loads(text)
    data["score_100"][2] += 1e-12  # within atol=1e-9, not byte for byte (the default)
    assert reproduce(json.dumps(data), system, assessment, atol=1e-9).to_json() == text
    with pytest.raises(ReproducibilityError, match="project 'c03'"):
        reproduce(json.dumps(data), system, assessment)
    with pytest.raises(ReproducibilityError, match="project 'c03'"):
        reproduce(json.dumps(data), system, assessment, atol=0.0)
    with pytest.raises(InputError, match="atol"):
        reproduce(text, system, assessment, atol=-1.0)


# ---------------------------------------------------------------- options and bad input
def test_weight_override(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    children = system.root.child_ids
    eq = {c: 1 / len(children) for c in children}
    r = evaluate(system, assessment, weights={system.root.id: eq})
    root = next(nw for nw in r.node_weights if nw.node == system.root.id)
    assert root.method == "override"
    np.testing.assert_allclose(root.weights, 1 / len(children))


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"method": "ahp"}, InputError, "method is 'ahp'"),
        ({"mode": "both"}, InputError, "mode is 'both'"),
        ({"mode": "relative", "method": "wsm", "normalization": "vector"}, InputError, "normalization"),
        ({"v": 1.5}, InputError, "v is 1.5"),
        ({"top_weakest": -1}, InputError, "top_weakest"),
        ({"seed": -3}, InputError, "seed is -3"),
        ({"weights": {"nowhere": {"a": 1.0}}}, PPEvalError, "nowhere"),
        ({"weights": {"total": {"proposal": 1.0}}}, InputError, "every child exactly once"),
    ],
)
def test_bad_options(kwargs: dict, error: type, fragment: str, samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    with pytest.raises(error) as info:
        evaluate(system, assessment, **kwargs)
    assert fragment in str(info.value)


def test_missing_value_rejected_or_imputed(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    j = next(k for k, leaf in enumerate(system.leaves()) if leaf.kind == "quantitative")
    values = assessment.values.copy()
    values[0, j] = np.nan
    missing = assessment.missing.copy()
    missing[0, j] = True
    holed = dataclasses.replace(assessment, values=values, missing=missing)
    policy = system.evaluation.missing
    if policy == "reject":
        fragment = f"project 'c01', indicator '{system.leaf_ids[j]}' .*: no value in .*values.csv"
        with pytest.raises(DataError, match=fragment):
            evaluate(system, holed)
    data = io.system_to_dict(system)
    data["evaluation"] = {**data.get("evaluation", {}), "missing": "worst"}
    worst_sys = io.system_from_dict(data)
    r = evaluate(worst_sys, holed)
    assert r.imputed[0, j]
    assert r.diagnostics_of("imputed")
    assert r.normalized[0, j] == 0.0


def test_strict_qualitative_floor(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["3e-equity"]
    data = io.system_to_dict(system)
    data["evaluation"] = {**data.get("evaluation", {}), "qualitative_floor": 0.9, "qualitative_policy": "strict"}
    strict = io.system_from_dict(data)
    with pytest.raises(ConsistencyError, match="below the system's floor of 0.9"):
        evaluate(strict, assessment)
    data["evaluation"]["qualitative_policy"] = "warn"
    r = evaluate(io.system_from_dict(data), assessment)
    assert r.diagnostics_of("qualitative_share_low")


def test_resident_view_and_evidence(samples: dict) -> None:  # type: ignore[type-arg]
    system, assessment = samples["community-4stage"]
    r = evaluate(system, assessment)
    q = r.qualitative
    assert q is not None
    assert "resident" in q.groups
    assert q.resident_scores is not None
    assert q.resident_ranks is not None
    assert q.n_raters.shape == (len(r.project_ids), len(q.indicator_ids))
    assert np.isfinite(q.variance_share)
    assert 0.0 < q.weight_share < 1.0


def test_evaluate_accepts_paths() -> None:
    name = "budget-performance"
    r = evaluate(io.system_path(name), io.sample_assessment_paths(name))
    assert len(r.project_ids) >= 6


@pytest.mark.parametrize("method", METHODS)
def test_single_project_absolute_mode(method: str, samples: dict) -> None:  # type: ignore[type-arg]
    """One project: absolute mode is defined (its score against the bounds); JSON has no nan."""
    system, assessment = samples["community-4stage"]
    one = _subset(assessment, [2])
    r = evaluate(system, one, method=method)  # type: ignore[arg-type]
    full = evaluate(system, assessment, method=method)  # type: ignore[arg-type]
    assert r.ranks.tolist() == [1]
    np.testing.assert_allclose(r.score_100, full.score_100[[2]], atol=1e-12)
    assert r.qualitative is not None
    assert not r.qualitative.variance_defined
    assert "NaN" not in r.to_json()
    with pytest.raises(DataError, match="relative mode needs at least 2 projects"):
        evaluate(system, one, mode="relative")


def test_identical_projects_relative_mode(samples: dict) -> None:  # type: ignore[type-arg]
    """All projects identical: relative scores are defined (documented), finite, ranks tie at 1."""
    system, assessment = samples["budget-performance"]
    a = _subset(assessment, [0, 1])
    values = a.values.copy()
    values[1] = values[0]
    r = a.ratings
    keep = r.project == 0
    dup = dataclasses.replace(
        r,
        project=np.concatenate([r.project[keep], np.ones(int(keep.sum()), dtype=np.int64)]),
        indicator=np.concatenate([r.indicator[keep]] * 2),
        rater=np.concatenate([r.rater[keep]] * 2),
        group=np.concatenate([r.group[keep]] * 2),
        value=np.concatenate([r.value[keep]] * 2),
        line=np.concatenate([r.line[keep]] * 2),
        file=np.concatenate([r.file[keep]] * 2),
    )
    same = dataclasses.replace(a, values=values, ratings=dup)
    for method in ("topsis", "wsm", "vikor"):
        res = evaluate(system, same, mode="relative", method=method)  # type: ignore[arg-type]
        assert np.isfinite(res.score_100).all()
        assert res.ranks.tolist() == [1, 1]


def test_data_driven_weights_entropy_critic_combine(tmp_path: Path) -> None:
    """Entropy weights of a node equal ppeval.weights.entropy of its children's normalised values;
    'staff' has no bounds, so absolute mode is refused naming it, and relative mode runs."""
    from ppeval import normalize
    from ppeval import weights as wmod

    system = io.load_system(Path(__file__).parent / "data" / "systems" / "mixed-data.toml")
    (tmp_path / "values.csv").write_text(
        "project,budget_used,staff,served\n"
        "a,95,3,400\nb,120,5,800\nc,60,4,650\nd,99,8,300\n",
        encoding="utf-8",
    )
    rows = ["project,indicator,rater,group,rating"]
    for p, labels in {"a": "pass merit", "b": "fail pass", "c": "merit merit", "d": "pass fail"}.items():
        for k, lab in enumerate(labels.split()):
            rows.append(f"{p},rating,r{k},expert,{lab}")
    (tmp_path / "ratings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assessment = io.load_assessment([tmp_path / "values.csv", tmp_path / "ratings.csv"], system)
    with pytest.raises(DataError, match="staff"):
        evaluate(system, assessment)
    r = evaluate(system, assessment, mode="relative", method="wsm")
    by_node = {nw.node: nw for nw in r.node_weights}
    assert by_node["inputs"].method == "entropy"
    assert by_node["total"].method == "combine"
    cols = [r.indicator_ids.index(c) for c in ("budget_used", "staff")]
    r01 = normalize.minmax(r.matrix, r.types)
    np.testing.assert_allclose(by_node["inputs"].weights, wmod.entropy(r01[:, cols]), rtol=1e-12)
    assert np.isfinite(r.score_100).all()
    np.testing.assert_allclose(r.weights.sum(), 1.0)


def test_evaluate_refuses_wrong_argument_types() -> None:
    """evaluate(system, load_sample(...)) (a tuple of system and assessment) raised a raw TypeError from
    os.fspath; wrong types are an InputError naming the argument."""
    from ppeval.io import load_sample

    system, assessment = load_sample("elderly-care")
    with pytest.raises(InputError, match="assessment must be an Assessment, a path or a sequence of paths; got "
                       "tuple holding Assessment, IndicatorSystem"):
        evaluate(system, load_sample("elderly-care"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="assessment must be .*; got int"):
        evaluate(system, 3)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="system must be an IndicatorSystem or a path; got Assessment"):
        evaluate(assessment, assessment)  # type: ignore[arg-type]


def test_residents_view_scores_rated_indicators_by_their_scoring_rule(tmp_path: Path) -> None:
    """Absolute mode, a rated indicator with a scoring rule rated only by the 'resident' group: the residents'
    view scores their mean rating by the same rule, so it equals the evaluation itself (it raised "lies
    outside bounds" before: the raw mean rating was put in the rule's (0, 1) column)."""
    import shutil

    from ppeval.io import bundled, load_assessment, load_system

    name = "budget-performance"
    paths = [bundled.system_path(name), *bundled.sample_assessment_paths(name)]
    for p in paths:
        shutil.copy(p, tmp_path / p.name)
    ratings = tmp_path / f"{name}.ratings.csv"
    ratings.write_text(ratings.read_text(encoding="utf-8").replace(",service_user,", ",resident,"), encoding="utf-8")
    system = load_system(tmp_path / paths[0].name)
    data = load_assessment([tmp_path / p.name for p in paths[1:]], system)
    result = evaluate(system, data, mode="absolute", method="wsm")
    q = result.qualitative
    assert q is not None
    assert "resident" in q.groups
    assert q.resident_scores is not None
    np.testing.assert_allclose(q.resident_scores, result.score_100, rtol=0, atol=1e-12)
