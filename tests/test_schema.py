"""Tests of ppeval.schema: models, cross-field rules, tree queries, weights, consistency, grades.

The AHP numbers are checked against direct calls of ppeval.ahp (priorities,
aggregate, aggregate_priorities) on matrices rebuilt by hand from the test
file, so the schema's own plumbing (judgment forms, expert weights, AIJ/AIP,
children order) is what is tested.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ppeval import ahp
from ppeval.errors import ConsistencyError, InputError, PPEvalWarning, SchemaError
from ppeval.io import dumps_system, load_system, system_from_dict, system_to_dict
from ppeval.schema import (
    AHP,
    Assessment,
    Bounds,
    Group,
    IndicatorSystem,
    Judgments,
    LikertScale,
    LinguisticScale,
    ProjectInfo,
    Qualitative,
    Quantitative,
    Ratings,
    json_schema,
    json_schema_text,
)
from ppeval.schema._base import parse_judgment

REPO = Path(__file__).resolve().parents[1]
SYSTEMS = Path(__file__).resolve().parent / "data" / "systems"


@pytest.fixture(scope="module")
def fixed() -> IndicatorSystem:
    return load_system(SYSTEMS / "small-fixed.yaml")


@pytest.fixture(scope="module")
def small_ahp() -> IndicatorSystem:
    return load_system(SYSTEMS / "small-ahp.yaml")


@pytest.fixture(scope="module")
def mixed() -> IndicatorSystem:
    return load_system(SYSTEMS / "mixed-data.toml")


def minimal(**root: Any) -> dict[str, Any]:
    """A valid system dict with two leaves; ``root`` overrides keys of the root node."""
    data: dict[str, Any] = {
        "schema_version": 1, "id": "t", "name": "T", "version": "1", "source": "test",
        "root": {
            "id": "total", "name": "Total", "weighting": {"method": "equal"},
            "children": [
                {"id": "a", "name": "A", "kind": "quantitative", "direction": "benefit",
                 "bounds": {"worst": 0, "best": 10}},
                {"id": "b", "name": "B", "kind": "qualitative", "direction": "benefit",
                 "scale": {"type": "likert", "points": 5}},
            ],
        },
    }
    data["root"].update(root)
    return data


def three_leaves(weighting: dict[str, Any]) -> dict[str, Any]:
    leaves = [
        {"id": c, "name": c.upper(), "kind": "quantitative", "direction": "benefit"} for c in "abc"
    ]
    return minimal(weighting=weighting, children=leaves)


# ---------------------------------------------------------------------------------------------- models
def test_models_are_frozen_and_forbid_extra_keys(fixed: IndicatorSystem) -> None:
    with pytest.raises(ValidationError):
        fixed.id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Bounds.model_validate({"worst": 0, "best": 1, "note": "x"})


@pytest.mark.parametrize(
    ("text", "value"),
    [("1/3", 1 / 3), ("3", 3.0), (" 1 / 4 ", 0.25), ("2.5", 2.5), ("1e1", 10.0), (7, 7.0), (0.5, 0.5),
     (".5/2", 0.25)],
)
def test_parse_judgment_accepts_numbers_and_ratios(text: Any, value: float) -> None:
    assert parse_judgment(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("3:1", "not a number or a ratio"),
        ("1/0", "divides by zero"),
        ("-1", "not a number or a ratio"),
        (0, "not positive"),
        (-2.0, "not positive"),
        (float("inf"), "not positive and finite"),
        ("1e400", "not positive and finite"),
        (True, "boolean"),
        ("__import__('os').system('x')", "not a number or a ratio"),
        ([1, 3], "not a number or a ratio"),
    ],
)
def test_parse_judgment_rejects(text: Any, fragment: str) -> None:
    from pydantic_core import PydanticCustomError

    with pytest.raises(PydanticCustomError, match=fragment.replace("(", r"\(")):
        parse_judgment(text)


def test_direct_construction_reports_every_problem_in_pydantic_error() -> None:
    data = minimal(weighting={"method": "fixed", "weights": {"a": 0.7, "b": 0.7}})
    data["root"]["children"][0]["bounds"] = {"worst": 10, "best": 0}
    with pytest.raises(ValidationError) as info:
        IndicatorSystem.model_validate(data)
    text = str(info.value)
    assert "weights sum to 1.4" in text
    assert "inverted for a benefit indicator" in text


def test_judgment_forms_give_the_same_matrix() -> None:
    ids = ["a", "b", "c"]
    full = Judgments(matrix=((1, 3, 5), ("1/3", 1, 2), ("1/5", "1/2", 1)))  # type: ignore[arg-type]
    upper = Judgments(upper=(3, 5, 2))
    pairs = Judgments(pairs=(("a", "b", 3), ("c", "a", "1/5"), ("b", "c", 2)))  # type: ignore[arg-type]
    for j in (full, upper, pairs):
        assert j.child_problems(ids) == []
    np.testing.assert_allclose(full.to_matrix(ids), upper.to_matrix(ids), rtol=1e-15)
    np.testing.assert_allclose(full.to_matrix(ids), pairs.to_matrix(ids), rtol=1e-15)
    assert (upper.form, pairs.form, full.form) == ("upper", "pairs", "matrix")


def test_missing_judgments_are_nan_on_both_sides() -> None:
    ids = ["a", "b", "c"]
    m = Judgments(upper=(2, None, "?")).to_matrix(ids)  # type: ignore[arg-type]
    assert np.isnan(m[0, 2])
    assert np.isnan(m[2, 0])
    assert np.isnan(m[1, 2])
    assert np.isnan(m[2, 1])
    problems = Judgments(upper=(2, None, "?")).child_problems(ids)  # type: ignore[arg-type]
    assert len(problems) == 1
    assert "do not connect every child" in problems[0][1]
    assert Judgments(upper=(2, None, 3)).n_missing(ids) == 1  # type: ignore[arg-type]


def test_scale_helpers() -> None:
    likert = LikertScale(type="likert", points=4, labels=("bad", "weak", "ok", "Good"))
    assert likert.values == (1.0, 2.0, 3.0, 4.0)
    assert likert.label_map() == {"bad": 1.0, "weak": 2.0, "ok": 3.0, "good": 4.0}
    assert likert.fuzzy_numbers() is None
    ling = LinguisticScale.model_validate(
        {"type": "linguistic", "terms": [{"label": "low", "value": 0, "fuzzy": [0, 0, 5]},
                                         {"label": "high", "value": 10, "fuzzy": [5, 10, 10]}]}
    )
    assert ling.values == (0.0, 10.0)
    assert ling.fuzzy_numbers() == ((0.0, 0.0, 5.0), (5.0, 10.0, 10.0))
    cost = Qualitative.model_validate(
        {"id": "x", "name": "X", "kind": "qualitative", "direction": "cost",
         "scale": {"type": "likert", "points": 5}}
    )
    assert (cost.effective_bounds.worst, cost.effective_bounds.best) == (5.0, 1.0)
    assert cost.span == (1.0, 5.0)


def test_quantitative_span() -> None:
    q = Quantitative.model_validate(
        {"id": "x", "name": "X", "kind": "quantitative", "direction": "cost", "bounds": {"worst": 9, "best": 1}}
    )
    assert q.span == (1.0, 9.0)
    t = Quantitative.model_validate(
        {"id": "x", "name": "X", "kind": "quantitative", "direction": "target",
         "target": {"value": 2}, "range": {"low": 0, "high": 4}}
    )
    assert t.span == (0.0, 4.0)
    assert t.target is not None
    assert t.target.tolerance == 0.0


# ---------------------------------------------------------------------------------------------- tree
def test_leaves_are_depth_first_in_file_order(fixed: IndicatorSystem, small_ahp: IndicatorSystem) -> None:
    assert fixed.leaf_ids == ("sessions", "cost_per_user", "staff_ratio", "response_days", "satisfaction",
                              "quality")
    assert small_ahp.leaf_ids == ("records_kept", "supervision", "complaints", "output", "satisfaction",
                                  "fairness")
    assert [g.id for g in small_ahp.inner_nodes()] == ["total", "process", "effect"]
    assert small_ahp.qualitative_leaf_ids == ("satisfaction", "fairness")
    assert small_ahp.quantitative_leaf_ids == ("records_kept", "supervision", "complaints", "output")
    assert [leaf.id for leaf in small_ahp.leaves()] == list(small_ahp.leaf_ids)
    assert small_ahp.ids[0] == "total"
    assert len(small_ahp.ids) == 9


def test_lookup_parent_path_and_stage(fixed: IndicatorSystem) -> None:
    assert fixed.node("quality").name == "Expert review of service quality"
    assert isinstance(fixed.leaf("sessions"), Quantitative)
    assert isinstance(fixed.group("effect"), Group)
    parent = fixed.parent_of("quality")
    assert parent is not None
    assert parent.id == "effect"
    assert fixed.parent_of("total") is None
    assert fixed.ancestors("quality") == ("total", "effect")
    assert fixed.path_of("quality") == "root.children[1].children[1]"
    assert fixed.path_of("total") == "root"
    assert fixed.stage_of("quality") == "effect"  # inherited from the parent
    assert fixed.stage_of("total") is None
    assert fixed.stages == ("implementation", "effect")
    assert fixed.group("effect").child_ids == ("satisfaction", "quality")


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda s: s.node("qualty"), InputError, "did you mean 'quality'"),
        (lambda s: s.node(3), InputError, "no node or indicator with id 3"),
        (lambda s: s.leaf("effect"), InputError, "'effect' is an inner node"),
        (lambda s: s.group("quality"), InputError, "'quality' is a leaf indicator"),
        (lambda s: s.parent_of("nope"), InputError, "no node or indicator with id 'nope'"),
        (lambda s: s.local_weights("quality"), InputError, "is a leaf indicator"),
        (lambda s: s.grade(float("nan")), InputError, "finite scores in [0, 100]"),
        (lambda s: s.grade(100.5), InputError, "finite scores in [0, 100]"),
        (lambda s: s.grade(-1), InputError, "finite scores in [0, 100]"),
        (lambda s: s.grade("90"), InputError, "expected a number"),
        (lambda s: s.grade(True), InputError, "expected a number"),
        (lambda s: s.grades_of([[1.0]]), InputError, "1-D"),
        (lambda s: s.grades_of([50.0, np.inf]), InputError, "scores[1] is inf"),
        (lambda s: s.global_weights({"effect": {"quality": 1.0}}), InputError, "expected the children"),
        (lambda s: s.global_weights({"effect": [0.5]}), InputError, "has 1 weights"),
        (lambda s: s.global_weights({"effect": [0.8, 0.8]}), InputError, "sum to 1"),
        (lambda s: s.global_weights({"effect": [-0.5, 1.5]}), InputError, "non-negative"),
        (lambda s: s.global_weights({"zzz": [1.0]}), InputError, "no node or indicator"),
    ],
)
def test_bad_arguments(fixed: IndicatorSystem, call: Any, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call(fixed)
    assert fragment in str(info.value)


# ---------------------------------------------------------------------------------------------- weights
def test_fixed_and_equal_weights(fixed: IndicatorSystem) -> None:
    local = fixed.local_weights()
    assert local["total"] == {"delivery": 0.4, "effect": 0.6}
    assert local["delivery"] == {c: 0.25 for c in ("sessions", "cost_per_user", "staff_ratio", "response_days")}
    assert fixed.local_weights("effect") == {"satisfaction": 0.5, "quality": 0.5}
    g = fixed.global_weights()
    assert list(g) == list(fixed.leaf_ids)
    expected = {"sessions": 0.1, "cost_per_user": 0.1, "staff_ratio": 0.1, "response_days": 0.1,
                "satisfaction": 0.3, "quality": 0.3}
    for k, v in expected.items():
        assert g[k] == pytest.approx(v, abs=1e-15)
    assert math.fsum(g.values()) == pytest.approx(1.0, abs=1e-15)


def _ahp_matrices() -> dict[str, list[np.ndarray]]:
    """The judgment matrices of tests/data/systems/small-ahp.yaml, rebuilt by hand (children order)."""
    nan = np.nan
    return {
        "total": [
            np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]),  # Expert A, upper [3, 5, 2]
            np.array([[1, 1 / 2, nan], [2, 1, 4], [nan, 1 / 4, 1]]),  # Expert B, pairs, one missing
        ],
        "process": [
            np.array([[1, 3, 7], [1 / 3, 1, 3], [1 / 7, 1 / 3, 1]]),
            np.array([[1, 2, nan], [1 / 2, 1, 4], [nan, 1 / 4, 1]]),
        ],
        "effect": [np.array([[1, 2], [1 / 2, 1]])],
    }


def test_ahp_weights_match_direct_ahp_calls(small_ahp: IndicatorSystem) -> None:
    """AIJ (expert weights 2:1, eigenvector), AIP (equal, geometric mean), one expert: vs ppeval.ahp."""
    m = _ahp_matrices()
    aij = ahp.priorities(ahp.aggregate(np.stack(m["total"]), weights=[2 / 3, 1 / 3]), method="eigenvector")
    per = [ahp.priorities(x, method="geometric_mean") for x in m["process"]]
    aip = ahp.aggregate_priorities(np.stack([r.weights for r in per]))
    one = ahp.priorities(m["effect"][0])
    local = small_ahp.local_weights()
    np.testing.assert_allclose(list(local["total"].values()), aij.weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(list(local["process"].values()), aip, rtol=0, atol=1e-12)
    np.testing.assert_allclose(list(local["effect"].values()), one.weights, rtol=0, atol=1e-12)
    assert list(local["total"]) == ["process", "output", "effect"]
    g = small_ahp.global_weights()
    assert g["records_kept"] == pytest.approx(aij.weights[0] * aip[0], abs=1e-12)
    assert g["output"] == pytest.approx(aij.weights[1], abs=1e-12)
    assert g["fairness"] == pytest.approx(aij.weights[2] * one.weights[1], abs=1e-12)
    assert math.fsum(g.values()) == pytest.approx(1.0, abs=1e-12)


def test_consistency_report_matches_direct_ahp_calls(small_ahp: IndicatorSystem) -> None:
    m = _ahp_matrices()
    reports = {r.node_id: r for r in small_ahp.consistency()}
    assert list(reports) == ["total", "process", "effect"]
    total = reports["total"]
    assert total.path == "root.weighting"
    assert (total.threshold, total.policy, total.aggregation) == (0.1, "warn", "aij")
    for e, matrix in zip(total.experts, m["total"], strict=True):
        direct = ahp.priorities(matrix)
        assert e.cr == pytest.approx(direct.cr, abs=1e-12)
        assert e.lambda_max == pytest.approx(direct.lambda_max, abs=1e-12)
        assert e.consistent == (direct.cr <= 0.1)
    assert [e.name for e in total.experts] == ["Expert A", "Expert B"]
    assert [e.n_missing for e in total.experts] == [0, 1]
    group = ahp.priorities(ahp.aggregate(np.stack(m["total"]), weights=[2, 1]))
    assert total.group_cr == pytest.approx(group.cr, abs=1e-12)
    process = reports["process"]
    assert process.group_cr is None  # AIP: no group matrix
    assert process.path == "root.children[0].weighting"
    for e, matrix in zip(process.experts, m["process"], strict=True):
        assert e.cr == pytest.approx(ahp.priorities(matrix, method="geometric_mean").cr, abs=1e-12)
    assert all(r.consistent for r in reports.values())
    assert reports["effect"].group_cr == 0.0
    small_ahp.check_consistency(strict=True)  # nothing above 0.1


INCONSISTENT = {"method": "ahp", "experts": [
    {"name": "Expert A", "judgments": {"upper": [3, 5, 2]}},
    {"name": "Expert B", "judgments": {"upper": [9, "1/9", 9]}},
]}


def test_warn_policy_records_and_warns_only_on_request() -> None:
    system = system_from_dict(three_leaves(INCONSISTENT))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = system.consistency()  # computing the report never warns
    assert len(report) == 1
    assert not report[0].consistent
    assert [e.consistent for e in report[0].experts] == [True, False]
    assert report[0].violations()[0].startswith("expert 2 (Expert B): CR = ")
    with pytest.warns(PPEvalWarning, match=r"node 'total' at root.weighting .*expert 2 \(Expert B\)"):
        bad = system.warn_inconsistent()
    assert bad == report
    system.check_consistency()  # warn policy: not an error unless strict
    with pytest.raises(ConsistencyError, match=r"node 'total'.*expert 2 \(Expert B\): CR = "):
        system.check_consistency(strict=True)


def test_reject_policy_raises_consistency_error_naming_node_and_expert() -> None:
    data = three_leaves({**INCONSISTENT, "cr_policy": "reject"})
    with pytest.raises(ConsistencyError) as info:
        system_from_dict(data, source="judgments.yaml")
    text = str(info.value)
    assert "judgments.yaml" in text
    assert "root.weighting (node 'total')" in text
    assert "expert 2 (Expert B): CR =" in text
    assert "aggregated judgments (aij): CR =" in text
    assert "expert 1" not in text
    # the threshold is the node's own
    relaxed = three_leaves({**INCONSISTENT, "cr_policy": "reject", "cr_threshold": 1.0})
    cr_b = ahp.priorities(Judgments(upper=(9, 1 / 9, 9)).to_matrix(["a", "b", "c"])).cr
    if cr_b <= 1.0:
        system_from_dict(relaxed)
    else:  # pragma: no cover - depends on the judgments above, which are far above 1.0
        with pytest.raises(ConsistencyError):
            system_from_dict(relaxed)


def test_reject_inside_combination_is_checked_too() -> None:
    data = three_leaves({"method": "combine", "rule": "linear",
                         "sources": [{**INCONSISTENT, "cr_policy": "reject"}, {"method": "equal"}]})
    with pytest.raises(ConsistencyError, match=r"root.weighting.sources\[0\] \(node 'total'\)"):
        system_from_dict(data)


def test_data_driven_weights(mixed: IndicatorSystem) -> None:
    assert mixed.undetermined_nodes() == ("total", "inputs")
    assert mixed.local_weights() == {"results": {"served": 0.7, "rating": 0.3}}
    with pytest.raises(SchemaError, match=r"node 'inputs' is weighted by entropy"):
        mixed.local_weights("inputs")
    with pytest.raises(SchemaError) as info:
        mixed.global_weights()
    text = str(info.value)
    assert "node 'total' (root) is weighted by combine (ahp, critic)" in text
    assert "node 'inputs' (root.children[0]) is weighted by entropy" in text
    g = mixed.global_weights({"total": {"inputs": 0.25, "results": 0.75}, "inputs": [0.4, 0.6]})
    assert g == pytest.approx({"budget_used": 0.1, "staff": 0.15, "served": 0.525, "rating": 0.225}, abs=1e-15)
    [report] = mixed.consistency()
    assert report.path == "root.weighting.sources[0]"
    assert report.weights == pytest.approx((0.25, 0.75))


def test_combination_of_determined_sources_uses_weights_combine() -> None:
    from ppeval import weights as wmod

    data = three_leaves({"method": "combine", "rule": "linear", "alpha": [0.25, 0.75], "sources": [
        {"method": "fixed", "weights": {"a": 0.5, "b": 0.3, "c": 0.2}}, {"method": "equal"}]})
    system = system_from_dict(data)
    expected = wmod.combine(np.array([[0.5, 0.3, 0.2], [1 / 3, 1 / 3, 1 / 3]]), method="linear",
                            alpha=np.array([0.25, 0.75]))
    np.testing.assert_allclose(list(system.local_weights("total").values()), expected, atol=1e-12)
    np.testing.assert_allclose(expected, [0.25 * 0.5 + 0.25, 0.25 * 0.3 + 0.25, 0.25 * 0.2 + 0.25], atol=1e-12)


# ---------------------------------------------------------------------------------------------- grades
@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "excellent"), (90, "excellent"), (89.999, "good"), (75, "good"), (74.9, "pass"), (60, "pass"),
     (59.99, "fail"), (0, "fail"), (np.float64(91.0), "excellent")],
)
def test_grade_bands_are_inclusive_lower_bounds(fixed: IndicatorSystem, score: float, grade: str) -> None:
    assert fixed.grade(score) == grade


def test_grades_of_equals_grade(fixed: IndicatorSystem) -> None:
    scores = np.linspace(0, 100, 1001)
    assert fixed.grades_of(scores) == tuple(fixed.grade(float(s)) for s in scores)
    assert fixed.grades_of([]) == ()


def test_default_grades() -> None:
    system = system_from_dict(minimal())
    assert [(b.label, b.min) for b in system.grades] == [("excellent", 90), ("good", 80), ("fair", 60),
                                                          ("poor", 0)]


# ---------------------------------------------------------------------------------------------- assessment
def test_assessment_arrays_are_read_only_and_checked() -> None:
    values = np.array([[1.0, np.nan]])
    missing = np.array([[False, False]])
    ratings = Ratings(project=[0], indicator=[1], rater=["r"], group=["resident"], value=[4.0])  # type: ignore[arg-type]
    a = Assessment("t", ("p1",), (ProjectInfo(id="p1"),), ("a", "b"), values, missing, ratings)
    assert not a.values.flags.writeable
    assert not a.missing.flags.writeable
    assert not a.ratings.value.flags.writeable
    assert a.ratings.line.tolist() == [0]
    assert values.flags.writeable  # the caller's array is untouched
    assert a.values is not values
    assert a.project_index("p1") == 0
    assert a.column("a").tolist() == [1.0]
    answered, unanswered = a.rating_counts()
    assert answered.tolist() == [[0, 1]]
    assert unanswered.tolist() == [[0, 0]]
    assert a.missing_cells() == ()
    assert len(a.ratings) == 1
    assert len(Ratings.empty()) == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"values": np.zeros((2, 2))}, InputError, "values has shape (2, 2); expected (1, 2)"),
        ({"values": np.array([[np.inf, 1.0]])}, InputError, "inf"),
        ({"missing": np.zeros(2, dtype=bool)}, InputError, "missing must be 2-D"),
        ({"projects": (ProjectInfo(id="x"),)}, InputError, "one ProjectInfo per project id"),
        ({"ratings": Ratings(project=[3], indicator=[0], rater=["r"], group=["g"], value=[1.0])},  # type: ignore[arg-type]
         InputError, "ratings.project holds an index outside"),
        ({"ratings": Ratings(project=[0], indicator=[5], rater=["r"], group=["g"], value=[1.0])},  # type: ignore[arg-type]
         InputError, "ratings.indicator holds an index outside"),
    ],
)
def test_assessment_rejects_inconsistent_parts(kwargs: dict[str, Any], error: type[Exception], fragment: str) -> None:
    parts: dict[str, Any] = {
        "system_id": "t", "project_ids": ("p1",), "projects": (ProjectInfo(id="p1"),), "indicator_ids": ("a", "b"),
        "values": np.zeros((1, 2)), "missing": np.zeros((1, 2), dtype=bool), "ratings": Ratings.empty(),
    }
    parts.update(kwargs)
    with pytest.raises(error) as info:
        Assessment(**parts)
    assert fragment in str(info.value)


def test_ratings_length_mismatch() -> None:
    with pytest.raises(InputError, match="ratings.value has 2 entries; ratings.project has 1"):
        Ratings(project=[0], indicator=[0], rater=["r"], group=["g"], value=[1.0, 2.0])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- JSON Schema
def test_json_schema_file_is_in_sync() -> None:
    """docs/indicator-system.schema.json must equal ppeval.schema.json_schema_text().

    Regenerate with: .venv/bin/python -c "import pathlib, ppeval.schema as s;
    pathlib.Path('docs/indicator-system.schema.json').write_text(s.json_schema_text(), encoding='utf-8')"
    """
    shipped = (REPO / "docs" / "indicator-system.schema.json").read_text(encoding="utf-8")
    assert shipped == json_schema_text()


def test_json_schema_describes_the_format() -> None:
    schema = json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) == {"schema_version", "id", "name", "version", "source", "root"}
    assert schema["properties"]["schema_version"]["const"] == 1
    defs = schema["$defs"]
    assert {"Group", "Quantitative", "Qualitative", "AHP", "Fixed", "Combine", "Judgments"} <= set(defs)
    assert all(d.get("additionalProperties") is False for d in defs.values() if d.get("type") == "object")
    assert defs["AHP"]["properties"]["experts"]["minItems"] == 1
    upper = json.dumps(defs["Judgments"]["properties"]["upper"])
    assert '"pattern"' in upper
    assert '"null"' in upper


# ---------------------------------------------------------------------------------------------- hypothesis
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(lambda s: s != "project")
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), whitelist_characters="\n\t"),
    min_size=1,
    max_size=20,
).map(str.strip).filter(bool)
SAATY = st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, "1/2", "1/3", "1/5", "1/9", 0.25, 1.5])
FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def leaves(draw: st.DrawFn, leaf_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["benefit", "cost", "target", "interval", "likert", "linguistic"]))
    leaf: dict[str, Any] = {"id": leaf_id, "name": draw(TEXT)}
    if draw(st.booleans()):
        leaf["description"] = draw(TEXT)
    if draw(st.booleans()):
        leaf["source"] = draw(st.sampled_from(["records", "resident_survey", "expert_review"]))
    if kind in ("benefit", "cost", "target", "interval"):
        leaf.update(kind="quantitative", direction=kind)
        if draw(st.booleans()):
            leaf["unit"] = draw(TEXT)
        lo = draw(FINITE)
        hi = lo + draw(st.floats(min_value=1e-3, max_value=1e6))
        if kind in ("benefit", "cost") and draw(st.booleans()):
            leaf["bounds"] = {"worst": lo, "best": hi} if kind == "benefit" else {"worst": hi, "best": lo}
        elif kind == "target":
            leaf["range"] = {"low": lo, "high": hi}
            frac = draw(st.floats(0, 1))
            leaf["target"] = {"value": min(hi, lo + frac * (hi - lo)), "tolerance": (hi - lo) * frac / 2}
        elif kind == "interval":
            leaf["range"] = {"low": lo, "high": hi}
            a, b = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2, unique=True)))
            leaf["interval"] = {"low": lo + a * (hi - lo), "high": lo + b * (hi - lo)}
            if not leaf["interval"]["low"] < leaf["interval"]["high"]:
                leaf["interval"] = {"low": lo, "high": hi}
    else:
        leaf.update(kind="qualitative", direction=draw(st.sampled_from(["benefit", "cost"])))
        if kind == "likert":
            points = draw(st.integers(2, 9))
            scale: dict[str, Any] = {"type": "likert", "points": points}
            if draw(st.booleans()):
                scale["labels"] = [f"{draw(TEXT)} {i}" for i in range(points)]
        else:
            n = draw(st.integers(2, 5))
            values = sorted(draw(st.lists(st.integers(-50, 150), min_size=n, max_size=n, unique=True)))
            terms: list[dict[str, Any]] = [{"label": f"term {i}", "value": float(v)} for i, v in enumerate(values)]
            if draw(st.booleans()):
                for t in terms:
                    t["fuzzy"] = [t["value"] - 10.0, t["value"], t["value"] + 10.0]
            scale = {"type": "linguistic", "terms": terms}
        leaf["scale"] = scale
    return leaf


@st.composite
def judgments(draw: st.DrawFn, child_ids: list[str]) -> dict[str, Any]:
    n = len(child_ids)
    form = draw(st.sampled_from(["matrix", "upper", "pairs"]))
    upper = [draw(SAATY) for _ in range(n * (n - 1) // 2)]
    if form == "upper":
        return {"upper": upper}
    pairs = [
        [child_ids[i], child_ids[j], v]
        for (i, j), v in zip(itertools.combinations(range(n), 2), upper, strict=True)
    ]
    if form == "pairs":
        keep = [p for p in pairs if abs(child_ids.index(p[0]) - child_ids.index(p[1])) == 1 or draw(st.booleans())]
        return {"pairs": keep}
    matrix: list[list[Any]] = [[1] * n for _ in range(n)]
    for (i, j), v in zip(itertools.combinations(range(n), 2), upper, strict=True):
        matrix[i][j] = v
        matrix[j][i] = 1 / parse_judgment(v)
    return {"matrix": matrix}


@st.composite
def weightings(draw: st.DrawFn, child_ids: list[str], *, nested: bool = True) -> dict[str, Any]:
    options = ["equal", "fixed", "ahp", "entropy", "critic"] + (["combine"] if nested else [])
    method = draw(st.sampled_from(options))
    if method == "fixed":
        raw = draw(st.lists(st.integers(0, 20), min_size=len(child_ids), max_size=len(child_ids)).filter(any))
        total = sum(raw)
        return {"method": "fixed", "weights": {c: r / total for c, r in zip(child_ids, raw, strict=True)}}
    if method == "ahp":
        k = draw(st.integers(1, 3))
        experts = [{"judgments": draw(judgments(child_ids))} for _ in range(k)]
        if draw(st.booleans()):
            for e in experts:
                e["weight"] = draw(st.integers(1, 5))
                e["name"] = draw(TEXT)
        return {"method": "ahp", "experts": experts, "cr_policy": "warn",
                "aggregation": draw(st.sampled_from(["aij", "aip"])),
                "priority_method": draw(st.sampled_from(["eigenvector", "geometric_mean"]))}
    if method == "combine":
        sources = draw(st.lists(weightings(child_ids, nested=False), min_size=2, max_size=3))
        rule = draw(st.sampled_from(["linear", "multiplicative", "game_theory"]))
        out: dict[str, Any] = {"method": "combine", "rule": rule, "sources": sources}
        if rule == "linear" and draw(st.booleans()):
            out["alpha"] = [1 / len(sources)] * len(sources)
        return out
    return {"method": method}


@st.composite
def systems(draw: st.DrawFn) -> dict[str, Any]:
    pool = iter(draw(st.lists(IDS, min_size=40, max_size=40, unique=True)))

    def node(depth: int) -> dict[str, Any]:
        node_id = next(pool)
        if depth >= 2 or (depth > 0 and draw(st.booleans())):
            return draw(leaves(node_id))
        children = [node(depth + 1) for _ in range(draw(st.integers(1, 3)))]
        return {"id": node_id, "name": draw(TEXT), "weighting": draw(weightings([c["id"] for c in children])),
                "children": children}

    root = node(0)
    data: dict[str, Any] = {"schema_version": 1, "id": next(pool), "name": draw(TEXT), "version": draw(TEXT),
                            "source": draw(TEXT), "root": root}
    if draw(st.booleans()):
        data["grades"] = [{"label": "A", "min": 85.5}, {"label": "B", "min": 50}, {"label": "C", "min": 0}]
    return data


PARSERS = {"yaml": yaml.safe_load, "json": json.loads, "toml": tomllib.loads}


@given(systems())
def test_generated_systems_round_trip_through_yaml_json_and_toml(data: dict[str, Any]) -> None:
    system = system_from_dict(data)
    for fmt, parse in PARSERS.items():
        text = dumps_system(system, fmt)  # type: ignore[arg-type]
        again = system_from_dict(parse(text), source=f"<{fmt}>")
        assert again == system, fmt
        assert dumps_system(again, fmt) == text  # type: ignore[arg-type]
    assert system_from_dict(system_to_dict(system)) == system


@given(systems())
def test_generated_systems_global_weights_are_a_distribution(data: dict[str, Any]) -> None:
    system = system_from_dict(data)
    undetermined = system.undetermined_nodes()
    if undetermined:
        with pytest.raises(SchemaError, match=repr(undetermined[0])):
            system.global_weights()
        overrides = {n: [1.0 / len(system.group(n).children)] * len(system.group(n).children) for n in undetermined}
    else:
        overrides = {}
    g = system.global_weights(overrides)
    assert list(g) == list(system.leaf_ids)
    values = np.array(list(g.values()))
    assert (values >= 0).all()
    assert math.fsum(values) == pytest.approx(1.0, abs=1e-9)
    # independent recomputation: top-down product over the local weights
    local = {**system.local_weights(), **{n: dict(zip(system.group(n).child_ids, w, strict=True))
                                          for n, w in overrides.items()}}

    def walk(node: Any, w: float, out: dict[str, float]) -> None:
        if isinstance(node, Group):
            for child in node.children:
                walk(child, w * local[node.id][child.id], out)
        else:
            out[node.id] = w

    expected: dict[str, float] = {}
    walk(system.root, 1.0, expected)
    assert g == pytest.approx(expected, abs=1e-12)
    for report in system.consistency():
        assert len(report.weights) == len(system.group(report.node_id).children)
        assert all(0 <= e.cr for e in report.experts)


def test_ahp_weighting_is_standalone_model() -> None:
    spec = AHP.model_validate({"method": "ahp", "experts": [{"judgments": {"upper": [2]}}]})
    assert spec.local_weights(["x", "y"]) == pytest.approx((2 / 3, 1 / 3), abs=1e-12)
    assert spec.expert_weights() == (1.0,)


def test_equal_systems_hash_alike_and_caches_do_not_change_equality(small_ahp: IndicatorSystem) -> None:
    fresh = load_system(SYSTEMS / "small-ahp.yaml")
    small_ahp.consistency()
    small_ahp.global_weights()  # fills cached properties on one of the two
    assert fresh == small_ahp
    assert hash(fresh) == hash(small_ahp)
    assert len({fresh, small_ahp}) == 1
    assert fresh != load_system(SYSTEMS / "small-fixed.yaml")


def test_rounded_fixed_weights_are_renormalised() -> None:
    """Thirds written as 0.333333 pass the 1e-6 check and come out summing to 1 to float precision."""
    data = three_leaves({"method": "combine", "rule": "linear", "alpha": [0.3333333, 0.6666666], "sources": [
        {"method": "fixed", "weights": {"a": 0.3333333, "b": 0.3333333, "c": 0.3333333}}, {"method": "equal"}]})
    system = system_from_dict(data)
    w = list(system.local_weights("total").values())
    assert math.fsum(w) == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(w, [1 / 3] * 3, atol=1e-15)
    fixed_only = system_from_dict(three_leaves({"method": "fixed", "weights": {"a": 0.5, "b": 0.2500004, "c": 0.25}}))
    g = fixed_only.global_weights()
    assert math.fsum(g.values()) == pytest.approx(1.0, abs=1e-15)
    assert g["b"] == pytest.approx(0.2500004 / 1.0000004, abs=1e-15)
