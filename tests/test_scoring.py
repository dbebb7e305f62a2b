"""Points, weight constraints, scoring rules and scoring sheets (issue 14)."""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ppeval
from ppeval import io
from ppeval.errors import InputError, PPEvalError, SchemaError
from ppeval.pipeline.scoring import SCORE_FORMATION, ScoringSheet, rule_points, scoring_sheet, scoring_sheets
from ppeval.schema import Assessment, IndicatorSystem, Ratings
from ppeval.schema.scoring import Bands, Deduction, PassFail, Piecewise, Proportional

# ---------------------------------------------------------------------------------------------- helpers


def _leaf(lid: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": lid, "name": lid.upper(), "kind": "quantitative", "direction": "benefit",
                           "unit": "%", "bounds": {"worst": 0, "best": 100}}
    out.update(extra)
    return out


def _system(root_weighting: dict[str, Any], children: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {"schema_version": 1, "id": "t", "name": "T", "version": "1", "source": "test", **top,
            "root": {"id": "total", "name": "Total", "weighting": root_weighting, "children": children}}


def _four(points: dict[str, float], **top: Any) -> dict[str, Any]:
    """decision / process / output / effect, one indicator each, weighted by points."""
    children = [
        {"id": d, "name": d.title(), "weighting": {"method": "points", "points": {f"{d}_x": points[d]}},
         "children": [_leaf(f"{d}_x")]}
        for d in ("decision", "process", "output", "effect")
    ]
    return _system({"method": "points", "points": points}, children, **top)


def _assessment(system: IndicatorSystem, values: np.ndarray, notes: dict[tuple[str, str], str] | None = None
                ) -> Assessment:
    n = values.shape[0]
    ids = tuple(f"p{i}" for i in range(n))
    return Assessment(
        system_id=system.id,
        project_ids=ids,
        projects=tuple(ppeval.schema.ProjectInfo(id=p) for p in ids),
        indicator_ids=system.leaf_ids,
        values=values,
        missing=np.zeros(values.shape, dtype=bool),
        ratings=Ratings.empty(),
        notes=notes or {},
    )


# ---------------------------------------------------------------------------------------------- points
def test_points_become_local_weights_and_are_kept() -> None:
    """40/30/30 as points: weights 0.4/0.3/0.3, points 40/30/30 of 100."""
    s = IndicatorSystem.model_validate(_system(
        {"method": "points", "points": {"a": 40, "b": 30, "c": 30}}, [_leaf("a"), _leaf("b"), _leaf("c")]))
    assert s.local_weights("total") == pytest.approx({"a": 0.4, "b": 0.3, "c": 0.3})
    assert s.points() == {"total": 100.0, "a": 40.0, "b": 30.0, "c": 30.0}
    assert s.total_points == 100.0


def test_fixed_weights_in_points_are_still_rejected_with_a_hint() -> None:
    data = _system({"method": "fixed", "weights": {"a": 40, "b": 30, "c": 30}}, [_leaf("a"), _leaf("b"), _leaf("c")])
    with pytest.raises(SchemaError, match=r"sum to 100.*method: points"):
        io.system_from_dict(data)


def test_nested_points_must_add_up() -> None:
    data = _four({"decision": 20, "process": 20, "output": 30, "effect": 30})
    data["root"]["children"][0]["weighting"]["points"] = {"decision_x": 19}
    with pytest.raises(SchemaError, match=r"children of 'decision' add up to 19, but 'total' gives 'decision' 20"):
        io.system_from_dict(data)


def test_points_total_other_than_100() -> None:
    """A framework of 10 points: the scoring sheet is on 10, the 0-100 score unchanged."""
    s = IndicatorSystem.model_validate(_system(
        {"method": "points", "points": {"a": 6, "b": 4}}, [_leaf("a"), _leaf("b")]))
    r = ppeval.evaluate(s, _assessment(s, np.array([[50.0, 100.0]])), method="wsm")
    sheet = r.scoring_sheet(s, "p0")
    assert sheet.total_points == 10.0
    assert sheet.score_100 == pytest.approx(70.0)
    assert sheet.earned == pytest.approx(7.0)
    assert sheet.score == pytest.approx(7.0)


def test_points_bad_children_named() -> None:
    data = _system({"method": "points", "points": {"a": 1, "zz": 2}}, [_leaf("a"), _leaf("b")])
    with pytest.raises(SchemaError, match=r"'zz'.*not a child") as exc:
        io.system_from_dict(data)
    assert "no points for child 'b'" in str(exc.value)


def test_points_error_names_the_child() -> None:
    data = _system({"method": "points", "points": {"a": "x", "b": 1}}, [_leaf("a"), _leaf("b")])
    with pytest.raises(SchemaError, match=re.escape("root.weighting.points['a'] (node 'total')")):
        io.system_from_dict(data)
    bad_rule = _with_rule({"rule": "deduction", "target": 100, "deduct": -1})
    with pytest.raises(SchemaError, match=re.escape("root.children[0].scoring.deduct (indicator 'a')")):
        io.system_from_dict(bad_rule)


def test_points_all_zero() -> None:
    data = _system({"method": "points", "points": {"a": 0, "b": 0}}, [_leaf("a"), _leaf("b")])
    with pytest.raises(SchemaError, match="sum to 0"):
        io.system_from_dict(data)


# ---------------------------------------------------------------------------------------------- constraints
RULE = {"nodes": ["output", "effect"], "min": 0.6, "source": "财预〔2020〕10号"}


def test_constraint_holds_for_20_20_30_30() -> None:
    s = io.system_from_dict(_four({"decision": 20, "process": 20, "output": 30, "effect": 30}, constraints=[RULE]))
    assert s.constraints[0].label() == "output + effect >= 60%"


def test_constraint_violated_is_a_schema_error() -> None:
    data = _four({"decision": 30, "process": 30, "output": 20, "effect": 20}, constraints=[RULE])
    with pytest.raises(SchemaError) as exc:
        io.system_from_dict(data)
    msg = str(exc.value)
    assert "constraints[0]" in msg
    assert "at least 60%" in msg
    assert "40%" in msg
    assert "财预〔2020〕10号" in msg


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"nodes": ["outptu"], "min": 0.5}, "no node 'outptu' in the system; did you mean 'output'"),
        ({"nodes": ["output", "output_x"], "min": 0.5}, "'output_x' lies under 'output'"),
        ({"nodes": ["output"]}, "give min and/or max"),
        ({"nodes": ["output"], "min": 0.6, "max": 0.5}, "max 0.5 is below min 0.6"),
        ({"nodes": ["output"], "min": 1.5}, "less than or equal to 1"),
    ],
)
def test_constraint_bad_input(rule: dict[str, Any], fragment: str) -> None:
    data = _four({"decision": 20, "process": 20, "output": 30, "effect": 30}, constraints=[rule])
    with pytest.raises(SchemaError, match=re.escape(fragment)):
        io.system_from_dict(data)


def test_constraint_checked_on_computed_weights() -> None:
    """Entropy weights at the root: the rule is checked by evaluate with the weights from the data."""
    data = _four({"decision": 20, "process": 20, "output": 30, "effect": 30}, constraints=[RULE])
    data["root"]["weighting"] = {"method": "entropy"}
    s = io.system_from_dict(data)  # not determined: no error yet
    values = np.array([[10.0, 10.0, 50.0, 50.0], [90.0, 90.0, 52.0, 51.0], [50.0, 40.0, 51.0, 52.0]])
    with pytest.raises(SchemaError, match=r"computed weights give"):
        ppeval.evaluate(s, _assessment(s, values), method="wsm")
    # overrides that respect the rule pass
    r = ppeval.evaluate(s, _assessment(s, values), method="wsm", weights={"total": [0.1, 0.1, 0.4, 0.4]})
    assert r.weights.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------- rules: published
def test_deduction_central_administrative_projects_example() -> None:
    """财政部《中央级行政经费项目支出绩效考评管理办法（试行）》附2 考评计分办法.

    项目完成工作量 (15 分): "实际完成情况与计划每相差3%，扣1分，扣满15分为止";
    项目完成进度 (10 分): "每相差4%，扣1分，扣满10分为止". A project at 91 % of its
    planned workload is 9 % short: 3 points off, 12 points; at 88 % of the schedule,
    12 % short: 3 points off, 7 points. 55 % is 45 % short: 15 points off, 0.
    """
    workload = Deduction(rule="deduction", target=100, per=3, deduct=1)
    got = rule_points(workload, np.array([100.0, 105.0, 91.0, 55.0, 0.0]), 15.0, "benefit")
    assert got.tolist() == [15.0, 15.0, 12.0, 0.0, 0.0]
    schedule = Deduction(rule="deduction", target=100, per=4, deduct=1)
    assert rule_points(schedule, np.array([88.0]), 10.0, "benefit").tolist() == [7.0]


def test_deduction_per_percent_tenth_of_a_point() -> None:
    """"完成率≥100%得满分，每降低1%扣0.1分，扣完为止" on 4 points: 95 % -> 3.5, 60 % -> 0, 97.5 % -> 3.75.

    With ``count: whole`` only whole percentage points count (97.5 % -> 2 units -> 3.8);
    with ``started`` a started one counts (97.5 % -> 3 units -> 3.7).
    """
    x = np.array([100.0, 95.0, 60.0, 97.5, 30.0])
    cont = rule_points(Deduction(rule="deduction", target=100, deduct=0.1), x, 4.0, "benefit")
    np.testing.assert_allclose(cont, [4.0, 3.5, 0.0, 3.75, 0.0], atol=1e-12)
    whole = rule_points(Deduction(rule="deduction", target=100, deduct=0.1, count="whole"), x, 4.0, "benefit")
    np.testing.assert_allclose(whole, [4.0, 3.5, 0.0, 3.8, 0.0], atol=1e-12)
    started = rule_points(Deduction(rule="deduction", target=100, deduct=0.1, count="started"), x, 4.0, "benefit")
    np.testing.assert_allclose(started, [4.0, 3.5, 0.0, 3.7, 0.0], atol=1e-12)


def test_deduction_cost_indicator() -> None:
    """Cost overrun: full marks at or below 100 % of budget, 0.5 off per 1 % above."""
    rule = Deduction(rule="deduction", target=100, per=1, deduct=0.5)
    got = rule_points(rule, np.array([90.0, 100.0, 104.0, 130.0]), 5.0, "cost")
    np.testing.assert_allclose(got, [5.0, 5.0, 3.0, 0.0])


def test_proportional_self_evaluation_rule() -> None:
    """财预〔2020〕10号, notes to the self-evaluation form: 完成指标值的记全部分值; 未完成的按完成值与指标值的比例记分.

    Target 100, completed 80, 10 points: 8 points; completed 120: 10 points. A reverse
    (cost) indicator, target <= 5 and actual 8: 10 x 5/8 = 6.25.
    """
    rule = Proportional(rule="proportional", target=100)
    np.testing.assert_allclose(rule_points(rule, np.array([80.0, 120.0, 0.0]), 10.0, "benefit"), [8.0, 10.0, 0.0])
    cost = Proportional(rule="proportional", target=5)
    np.testing.assert_allclose(rule_points(cost, np.array([8.0, 5.0, 0.0]), 10.0, "cost"), [6.25, 10.0, 10.0])


def test_pass_fail() -> None:
    rule = PassFail(rule="pass_fail", threshold=1)
    assert rule_points(rule, np.array([0.0, 1.0]), 2.0, "benefit").tolist() == [0.0, 2.0]
    assert rule_points(rule, np.array([0.0, 1.0, 2.0]), 2.0, "cost").tolist() == [2.0, 2.0, 0.0]


def _bands_reference(x: float, bands: list[tuple[float, float]]) -> float:
    """Straightforward reading of a band table (best first): the first band reached."""
    for lim, pts in bands:
        if x >= lim:
            return pts
    return 0.0


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30))
def test_bands_against_a_plain_loop(xs: list[float]) -> None:
    table = [(95.0, 9.0), (90.0, 7.5), (80.0, 6.0), (60.0, 3.0), (0.0, 0.0)]
    rule = Bands(rule="bands", bands=tuple({"min": m, "points": p} for m, p in table))  # type: ignore[arg-type]
    got = rule_points(rule, np.array(xs), 9.0, "benefit")
    assert got.tolist() == [_bands_reference(x, table) for x in xs]


@given(st.lists(st.floats(-30, 40, allow_nan=False), min_size=1, max_size=30))
def test_piecewise_against_linear_interpolation(xs: list[float]) -> None:
    table = [(-30.0, 0.0), (-10.0, 2.0), (0.0, 6.0), (10.0, 6.0), (20.0, 4.0), (40.0, 0.0)]
    rule = Piecewise(rule="piecewise", table=tuple(table))  # type: ignore[arg-type]
    got = rule_points(rule, np.array(xs), 6.0, "interval")
    for x, g in zip(xs, got, strict=True):
        k = max(i for i in range(len(table) - 1) if table[i][0] <= x) if x < 40 else len(table) - 2
        (x0, y0), (x1, y1) = table[k], table[k + 1]
        assert g == pytest.approx(y0 + (y1 - y0) * (x - x0) / (x1 - x0), abs=1e-9)


def test_rule_points_bad_input() -> None:
    rule = Proportional(rule="proportional", target=100)
    with pytest.raises(InputError, match="finite"):
        rule_points(rule, np.array([np.nan]), 1.0, "benefit")
    with pytest.raises(InputError, match="points"):
        rule_points(rule, np.array([1.0]), -1.0, "benefit")
    with pytest.raises(InputError, match="expected a scoring rule"):
        rule_points({"rule": "proportional"}, np.array([1.0]), 1.0, "benefit")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="direction"):
        rule_points(rule, np.array([1.0]), 1.0, "more")
    with pytest.raises(InputError, match="finite numbers"):
        rule_points(rule, ["a"], 1.0, "benefit")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- rules: schema
def _with_rule(rule: dict[str, Any], leaf_extra: dict[str, Any] | None = None, points: float = 10) -> dict[str, Any]:
    leaf = _leaf("a", scoring=rule, **(leaf_extra or {}))
    return _system({"method": "points", "points": {"a": points, "b": 100 - points}}, [leaf, _leaf("b")])


@pytest.mark.parametrize(
    ("rule", "leaf_extra", "fragment"),
    [
        ({"rule": "piecewise", "table": [[10, 0], [100, 10]]}, None,
         "covers [10, 100] but the indicator's values may lie in [0, 100]"),
        ({"rule": "piecewise", "table": [[0, 0], [50, 8], [80, 6], [100, 10]]}, None, "non-monotone"),
        ({"rule": "piecewise", "table": [[0, 0], [100, 10], [50, 8]]}, None, "strictly increasing"),
        ({"rule": "piecewise", "table": [[0, 0], [100, 9]]}, None,
         "full marks are 9 points but the indicator carries 10"),
        ({"rule": "bands", "bands": [{"min": 90, "points": 10}, {"min": 60, "points": 5}]}, None,
         "values between 0 and 60 fall in no band"),
        ({"rule": "bands", "bands": [{"min": 90, "points": 5}, {"min": 0, "points": 10}]}, None,
         "exceed the 5 of the better band"),
        ({"rule": "bands", "bands": [{"min": 60, "points": 10}, {"min": 90, "points": 5}, {"min": 0, "points": 0}]},
         None, "strictly decreasing"),
        ({"rule": "bands", "bands": [{"max": 60, "points": 10}, {"max": 100, "points": 0}]}, None,
         "benefit indicator's bands give min"),
        ({"rule": "bands", "bands": [{"min": 60, "max": 70, "points": 10}, {"min": 0, "points": 0}]}, None,
         "exactly one of min"),
        ({"rule": "deduction", "target": 120, "deduct": 1}, None, "target 120 lies outside the indicator's span"),
        ({"rule": "deduction", "target": "good", "deduct": 1}, None, "'good' is not a number or a label"),
        ({"rule": "deduction", "target": 100, "deduct": 0}, None, "greater than 0"),
        ({"rule": "proportional", "target": 100}, {"bounds": {"worst": -10, "best": 100}}, "needs values >= 0"),
        ({"rule": "proportional", "target": 120}, None, "target 120 must lie in the indicator's span (0, 100]"),
        ({"rule": "deduction", "target": 0, "deduct": 1},
         {"direction": "target", "bounds": None, "target": {"value": 0}, "range": {"low": -5, "high": 5}},
         "takes a piecewise table"),
        ({"rule": "piecewise", "table": [[-5, 0], [0, 10], [2, 4], [3, 6], [5, 0]]},
         {"direction": "target", "bounds": None, "target": {"value": 0}, "range": {"low": -5, "high": 5}},
         "rise again after falling"),
        ({"rule": "median", "target": 1}, None, "rule 'median' is not valid; expected one of 'proportional'"),
    ],
)
def test_rule_bad_input(rule: dict[str, Any], leaf_extra: dict[str, Any] | None, fragment: str) -> None:
    data = _with_rule(rule, leaf_extra)
    if leaf_extra and leaf_extra.get("bounds", 0) is None:
        del data["root"]["children"][0]["bounds"]
    with pytest.raises(SchemaError) as exc:
        io.system_from_dict(data)
    assert fragment in str(exc.value)
    assert "'a'" in str(exc.value) or "children[0]" in str(exc.value)


def test_rule_in_points_under_entropy_weights_is_rejected() -> None:
    data = _with_rule({"rule": "deduction", "target": 100, "deduct": 1})
    data["root"]["weighting"] = {"method": "entropy"}
    with pytest.raises(SchemaError, match="depend on data-driven weights"):
        io.system_from_dict(data)
    # a proportional rule needs no points
    data = _with_rule({"rule": "proportional", "target": 100})
    data["root"]["weighting"] = {"method": "entropy"}
    io.system_from_dict(data)


def test_rated_indicator_bands_with_labels() -> None:
    """Grade bands for a rated indicator written with scale labels."""
    leaf = {"id": "sat", "name": "Satisfaction", "kind": "qualitative", "direction": "benefit",
            "scale": {"type": "likert", "points": 5, "labels": ["very bad", "bad", "neutral", "good", "very good"]},
            "scoring": {"rule": "bands", "bands": [{"min": "very good", "points": 10}, {"min": "good", "points": 8},
                                                   {"min": "neutral", "points": 5}, {"min": 1, "points": 0}]}}
    s = io.system_from_dict(_system({"method": "points", "points": {"sat": 10}}, [leaf]))
    rule = s.leaf("sat").scoring
    assert rule is not None
    got = rule_points(rule, np.array([5.0, 4.2, 3.9, 2.0]), 10.0, "benefit", s.leaf("sat").scale.label_map())
    assert got.tolist() == [10.0, 8.0, 5.0, 0.0]
    bad = copy.deepcopy(leaf)
    bad["scoring"]["bands"][1]["min"] = "goood"
    with pytest.raises(SchemaError, match=r"'goood' is not a number or a label of the indicator's scale"):
        io.system_from_dict(_system({"method": "points", "points": {"sat": 10}}, [bad]))


# ---------------------------------------------------------------------------------------------- pipeline
def _ruled_system() -> IndicatorSystem:
    children = [
        {"id": "output", "name": "Output", "weighting": {"method": "points", "points": {"done": 15, "quality": 9}},
         "children": [
             _leaf("done", name="Workload completed", scoring={"rule": "deduction", "target": 100, "per": 3,
                                                                "deduct": 1}),
             _leaf("quality", scoring={"rule": "bands", "bands": [
                 {"min": 95, "points": 9}, {"min": 90, "points": 7.5}, {"min": 80, "points": 6},
                 {"min": 60, "points": 3}, {"min": 0, "points": 0}]})]},
        {"id": "cost", "name": "Cost", "weighting": {"method": "points", "points": {"overrun": 6}},
         "children": [_leaf("overrun", direction="cost", bounds={"worst": 200, "best": 50},
                            scoring={"rule": "proportional", "target": 100})]},
    ]
    return io.system_from_dict(_system({"method": "points", "points": {"output": 24, "cost": 6}}, children))


def test_rules_are_the_absolute_normalisation() -> None:
    s = _ruled_system()
    values = np.array([[91.0, 92.0, 125.0], [100.0, 50.0, 80.0]])
    r = ppeval.evaluate(s, _assessment(s, values), method="wsm")
    np.testing.assert_allclose(r.normalized, [[12 / 15, 7.5 / 9, 100 / 125], [1.0, 0.0, 1.0]])
    np.testing.assert_allclose(r.raw, values)
    # WSM with points: score = sum of points earned / total points
    np.testing.assert_allclose(r.score_100, 100 * np.array([12 + 7.5 + 6 * 0.8, 15 + 0 + 6]) / 30)
    # absolute mode: a project's score does not depend on the others
    alone = ppeval.evaluate(s, _assessment(s, values[:1]), method="wsm")
    assert alone.score_100[0] == pytest.approx(r.score_100[0], abs=1e-12)


def test_relative_mode_ignores_rules() -> None:
    s = _ruled_system()
    values = np.array([[91.0, 92.0, 125.0], [100.0, 50.0, 80.0]])
    r = ppeval.evaluate(s, _assessment(s, values), method="wsm", mode="relative")
    np.testing.assert_allclose(r.normalized, [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    sheet = r.scoring_sheet(s, 0)
    assert "relative to the evaluated projects" in sheet.rows[0].rule_en


def test_scoring_sheet_wsm_rows_totals_notes(tmp_path: Path) -> None:
    s = _ruled_system()
    values = np.array([[91.0, 92.0, 125.0], [100.0, 50.0, 80.0]])
    notes = {("p0", "done"): "two sessions cancelled (flooding)", ("p0", ""): "site visit 2024-03-02"}
    r = ppeval.evaluate(s, _assessment(s, values, notes), method="wsm")
    sheet = scoring_sheet(r, s, "p0")
    assert isinstance(sheet, ScoringSheet)
    rows = {row.indicator: row for row in sheet.rows}
    assert rows["done"].name == "Workload completed"
    assert rows["done"].points == 15.0
    assert rows["done"].earned == pytest.approx(12.0)
    assert rows["done"].rule_zh == "≥100%得满分（15分）；每低于3%扣1分，扣完为止"
    assert rows["done"].rule_en == "full marks (15) at or above 100%; 1 off per 3% below, down to 0"
    assert rows["done"].target == "100"
    assert rows["done"].actual == 91.0
    assert rows["done"].note == "two sessions cancelled (flooding)"
    assert rows["quality"].note == ""
    assert sheet.note == "site visit 2024-03-02"
    assert rows["overrun"].rule_zh == "≤100%得满分（6分）；否则按指标值/实际值×6分计分"
    assert [(d.dimension, d.points) for d in sheet.dimensions] == [("output", 24.0), ("cost", 6.0)]
    assert sheet.dimensions[0].earned == pytest.approx(19.5)
    assert sheet.additive
    assert sheet.earned == pytest.approx(sheet.score)
    assert sheet.total_points == 30.0
    assert sheet.score == pytest.approx(24.3)
    assert sheet.to_dict()["rows"][0]["indicator"] == "done"
    assert scoring_sheets(r, s) == (sheet, scoring_sheet(r, s, 1))
    with pytest.raises(InputError, match="no project 'p9'"):
        scoring_sheet(r, s, "p9")
    with pytest.raises(InputError, match="outside"):
        scoring_sheet(r, s, 5)
    with pytest.raises(InputError, match="computed with system"):
        scoring_sheet(r, io.load_bundled("budget-performance"), "p0")
    with pytest.raises(InputError, match="EvaluationResult"):
        scoring_sheet(object(), s, "p0")
    with pytest.raises(InputError, match="IndicatorSystem"):
        scoring_sheets(r, "t")
    with pytest.raises(InputError, match="project id or position"):
        scoring_sheet(r, s, 1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["topsis", "vikor", "fce"])
def test_scoring_sheet_non_additive_methods_say_how(method: str) -> None:
    s = _ruled_system()
    values = np.array([[91.0, 92.0, 125.0], [100.0, 50.0, 80.0]])
    r = ppeval.evaluate(s, _assessment(s, values), method=method)
    sheet = r.scoring_sheet(s, "p0")
    assert not sheet.additive
    assert (sheet.formation_zh, sheet.formation_en) == SCORE_FORMATION[method]
    # the points earned still show each rule's result
    assert {row.indicator: row.earned for row in sheet.rows}["done"] == pytest.approx(12.0)


def test_notes_read_from_a_values_csv(tmp_path: Path) -> None:
    s = _ruled_system()
    path = tmp_path / "values.csv"
    path.write_text("project,done,quality,overrun,note:done,note\n"
                    "p0,91,92,125,\"cancelled, flooding\",visit\np1,100,50,80,,\n", encoding="utf-8")
    a = io.load_assessment(path, s)
    assert dict(a.notes) == {("p0", "done"): "cancelled, flooding", ("p0", ""): "visit"}
    bad = tmp_path / "bad.csv"
    bad.write_text("project,done,quality,overrun,note:dnoe\np0,91,92,125,x\n", encoding="utf-8")
    with pytest.raises(PPEvalError, match=r"note column 'note:dnoe' names no indicator.*did you mean 'done'"):
        io.load_assessment(bad, s)


# ---------------------------------------------------------------------------------------------- property
@st.composite
def _problems(draw: st.DrawFn) -> tuple[IndicatorSystem, np.ndarray]:
    m = draw(st.integers(2, 6))
    pts = draw(st.lists(st.integers(1, 30), min_size=m, max_size=m))
    leaves = []
    for k in range(m):
        kind = draw(st.sampled_from(["none", "proportional", "deduction", "bands", "piecewise", "cost"]))
        extra: dict[str, Any] = {}
        if kind == "proportional":
            extra["scoring"] = {"rule": "proportional", "target": draw(st.integers(50, 100))}
        elif kind == "deduction":
            extra["scoring"] = {"rule": "deduction", "target": 100, "per": draw(st.sampled_from([1, 2, 3])),
                                "deduct": draw(st.sampled_from([0.1, 0.5, 1]))}
        elif kind == "bands":
            extra["scoring"] = {"rule": "bands", "bands": [{"min": 90, "points": pts[k]},
                                                           {"min": 60, "points": pts[k] / 2},
                                                           {"min": 0, "points": 0}]}
        elif kind == "piecewise":
            extra["scoring"] = {"rule": "piecewise", "table": [[0, 0], [60, pts[k] * 0.6], [100, pts[k]]]}
        elif kind == "cost":
            extra = {"direction": "cost", "bounds": {"worst": 100, "best": 0}}
        leaves.append(_leaf(f"x{k}", **extra))
    system = io.system_from_dict(_system(
        {"method": "points", "points": {f"x{k}": pts[k] for k in range(m)}}, leaves))
    n = draw(st.integers(1, 5))
    values = np.array(draw(st.lists(st.lists(st.floats(0, 100, allow_nan=False), min_size=m, max_size=m),
                                    min_size=n, max_size=n)))
    return system, values


@given(_problems(), st.sampled_from(["absolute", "relative"]))
def test_wsm_points_earned_add_up_to_the_score(problem: tuple[IndicatorSystem, np.ndarray], mode: str) -> None:
    """For WSM the scoring sheet's points earned add up to the score on the system's points."""
    system, values = problem
    if mode == "relative" and values.shape[0] < 2:
        values = np.vstack([values, values[::-1] * 0.5])
    r = ppeval.evaluate(system, _assessment(system, values), method="wsm", mode=mode)
    for i in range(values.shape[0]):
        sheet = r.scoring_sheet(system, i)
        assert math.isclose(sheet.earned, sheet.score, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(sum(d.earned for d in sheet.dimensions), sheet.earned, rel_tol=1e-9, abs_tol=1e-9)
        assert all(0 <= row.earned <= row.points + 1e-9 for row in sheet.rows)


# ---------------------------------------------------------------------------------------------- bundled
def test_budget_performance_in_points_with_rules() -> None:
    s = io.load_bundled("budget-performance")
    p = s.points()
    assert [p[d] for d in ("decision", "process", "output", "effect")] == [20, 20, 30, 30]
    assert p["completion_rate"] == 9
    assert p["funds_in_place_rate"] == 4
    assert s.constraints[0].nodes == ("output", "effect")
    r = ppeval.evaluate(s, io.sample_assessment_paths("budget-performance"), method="wsm")
    sheet = r.scoring_sheet(s, "b03")
    rows = {row.indicator: row for row in sheet.rows}
    # b03: completion 59.6 % is 40.4 % short of 100 %: 13.47 points off 9 -> 0
    assert rows["completion_rate"].earned == 0.0
    # budget execution 56.2 %: 43.8 x 0.1 = 4.38 off 4 -> 0; funds in place 57 % -> 4 x 0.57
    assert rows["budget_execution_rate"].earned == 0.0
    assert rows["funds_in_place_rate"].earned == pytest.approx(2.28)
    assert rows["quality_rate"].earned == 3.0  # 66.1 % falls in the >= 60 % band
    assert sheet.earned == pytest.approx(sheet.score)
    assert [d.points for d in sheet.dimensions] == [20, 20, 30, 30]


def test_fce_scores_each_rating_by_the_rule() -> None:
    """FCE memberships of a rated indicator with a rule: each rating placed by the share the rule awards it."""
    leaf = {"id": "sat", "name": "Satisfaction", "kind": "qualitative", "direction": "benefit",
            "scale": {"type": "likert", "points": 5},
            "scoring": {"rule": "bands", "bands": [{"min": 4, "points": 10}, {"min": 1, "points": 0}]}}
    s = io.system_from_dict(_system({"method": "points", "points": {"sat": 10}}, [leaf]))
    ratings = Ratings(np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64), np.array(["a", "b", "c"]),
                      np.array(["expert"] * 3), np.array([4.0, 5.0, 4.0]))
    a = Assessment(system_id="t", project_ids=("p0",), projects=(ppeval.schema.ProjectInfo(id="p0"),),
                   indicator_ids=("sat",), values=np.full((1, 1), np.nan), missing=np.zeros((1, 1), dtype=bool),
                   ratings=ratings)
    r = ppeval.evaluate(s, a, method="fce")
    assert r.score_100[0] == pytest.approx(95.0)  # every rating earns full marks: the top grade's centre
    assert r.fce_membership is not None
    np.testing.assert_allclose(r.fce_membership[0], [1.0, 0.0, 0.0, 0.0])
    del leaf["scoring"]
    plain = io.system_from_dict(_system({"method": "points", "points": {"sat": 10}}, [leaf]))
    assert ppeval.evaluate(plain, a, method="fce").score_100[0] < 90.0  # without the rule 4 of 5 is not top


@given(
    st.sampled_from(["proportional", "deduction", "pass_fail"]),
    st.sampled_from(["benefit", "cost"]),
    st.floats(1, 100),
    st.floats(0.01, 5),
    st.lists(st.floats(0, 200, allow_nan=False), min_size=2, max_size=40),
)
def test_rules_are_monotone_and_bounded(kind: str, direction: str, target: float, deduct: float,
                                        xs: list[float]) -> None:
    """Every rule awards between 0 and the points, never fewer for a better value."""
    rule: Proportional | Deduction | PassFail
    if kind == "proportional":
        rule = Proportional(rule="proportional", target=target)
    elif kind == "deduction":
        rule = Deduction(rule="deduction", target=target, deduct=deduct, per=2.0)
    else:
        rule = PassFail(rule="pass_fail", threshold=target)
    x = np.sort(np.array(xs))
    got = rule_points(rule, x, 7.0, direction)
    assert np.all((got >= 0) & (got <= 7.0 + 1e-12))
    steps = np.diff(got)
    assert np.all(steps >= -1e-12) if direction == "benefit" else np.all(steps <= 1e-12)


def test_constraint_short_form() -> None:
    """``"output + effect >= 60%"`` is the same rule as ``{nodes: [output, effect], min: 0.6}``."""
    ok = io.system_from_dict(_four({"decision": 20, "process": 20, "output": 30, "effect": 30},
                                   constraints=["output + effect weight >= 60%", "decision <= 0.25"]))
    assert [(c.nodes, c.min, c.max) for c in ok.constraints] == [(("output", "effect"), 0.6, None),
                                                                  (("decision",), None, 0.25)]
    with pytest.raises(SchemaError, match="must carry at least 70%"):
        io.system_from_dict(_four({"decision": 20, "process": 20, "output": 30, "effect": 30},
                                  constraints=["output + effect ≥ 70%"]))
    with pytest.raises(SchemaError, match="is not a weight rule"):
        io.system_from_dict(_four({"decision": 20, "process": 20, "output": 30, "effect": 30},
                                  constraints=["output and effect at least 60%"]))


def test_notes_and_raw_survive_json() -> None:
    s = _ruled_system()
    values = np.array([[91.0, 92.0, 125.0], [100.0, 50.0, 80.0]])
    r = ppeval.evaluate(s, _assessment(s, values, {("p1", "quality"): "sampled 20 records"}), method="wsm")
    back = ppeval.EvaluationResult.from_json(r.to_json())
    assert back.notes == {"p1": {"quality": "sampled 20 records"}}
    assert back.raw is not None
    np.testing.assert_array_equal(back.raw, values)
    assert scoring_sheets(back, s) == scoring_sheets(r, s)


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_sharded_evaluation_applies_points_and_rules(method: str, tmp_path: Path) -> None:
    """The sharded path weights by points and scores by the rules exactly as evaluate does (absolute mode)."""
    from ppeval.pipeline.distributed import Shard, evaluate_shards

    system = io.load_bundled("budget-performance")
    _, values, ratings = io.sample_assessment_paths("budget-performance")
    whole = ppeval.evaluate(system, [values, ratings], method=method)  # type: ignore[arg-type]
    sharded = evaluate_shards(system, [Shard(values=values, ratings=ratings)], method=method)
    np.testing.assert_allclose(sharded.scores, whole.scores, rtol=0, atol=1e-14)


def test_points_in_a_system_workbook(tmp_path: Path) -> None:
    """The weight column of a system workbook holds points when the parent's weighting is points."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "system"
    for row in (["id", "pts"], ["name", "Points"], ["version", "1"], ["source", "test"]):
        ws.append(row)
    ind = wb.create_sheet("indicators")
    for row in (["id", "parent", "name", "kind", "direction", "worst", "best", "weighting", "weight"],
                ["total", None, "Total", None, None, None, None, "points", None],
                ["a", "total", "A", "quantitative", "benefit", 0, 100, None, 40],
                ["b", "total", "B", "quantitative", "benefit", 0, 100, None, 30],
                ["c", "total", "C", "quantitative", "benefit", 0, 100, None, 30]):
        ind.append(row)
    wb.save(tmp_path / "system.xlsx")
    system = io.load_system(tmp_path / "system.xlsx")
    assert system.points() == {"total": 100.0, "a": 40.0, "b": 30.0, "c": 30.0}
    assert system.local_weights("total") == pytest.approx({"a": 0.4, "b": 0.3, "c": 0.3})


def test_every_method_has_a_scoring_sheet() -> None:
    """evaluate(method='gra') then a scoring sheet (and `ppeval evaluate --method gra --xlsx`) raised
    KeyError: 'gra' (an internal error): every method of evaluate() says how its score is formed."""
    import typing

    from ppeval.pipeline._evaluate import Method

    methods = typing.get_args(Method)
    assert set(methods) <= set(SCORE_FORMATION)
    system, assessment = io.load_sample("3e-equity")
    for method in methods:
        r = ppeval.evaluate(system, assessment, method=method)
        sheet = scoring_sheet(r, system, 0)
        assert sheet.formation_zh
        names = ("Weighted sum", "TOPSIS", "VIKOR", "Fuzzy comprehensive evaluation", "Grey relational analysis")
        assert sheet.formation_en.split(":")[0] in names
