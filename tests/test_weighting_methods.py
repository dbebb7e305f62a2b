"""Indicator systems weighted by cv, g1, bwm and fuzzy_ahp: schema checks and the pipeline."""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from ppeval import io
from ppeval.ahp import fuzzy_priorities
from ppeval.errors import SchemaError
from ppeval.io._system import system_from_dict
from ppeval.pipeline import evaluate
from ppeval.schema import IndicatorSystem
from ppeval.weights import bwm, cv, g1

REPO = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((REPO / "indicators" / "3e-equity.yaml").read_text(encoding="utf-8"))

G1_SPEC = {
    "method": "g1",
    "order": ["on_schedule_rate", "dea_efficiency", "sessions_per_fte", "waiting_days"],
    "ratios": [1.2, 1.0, 1.4],
}
BWM_SPEC = {
    "method": "bwm",
    "best": "cost_per_user",
    "worst": "overhead_share",
    "best_to_others": {"cost_per_user": 1, "spend_vs_budget": 2, "overhead_share": 5},
    "others_to_worst": {"cost_per_user": 5, "spend_vs_budget": 3, "overhead_share": 1},
}
FUZZY_SPEC = {
    "method": "fuzzy_ahp",
    "judgments": {
        "pairs": [
            ["priority_group_share", "neighbourhood_reach", [1, 2, 3]],
            ["priority_group_share", "satisfaction_gap", [2, 3, 4]],
            ["priority_group_share", "access_fairness", [1, 1, 2]],
            ["neighbourhood_reach", "satisfaction_gap", [1, 1, 2]],
            ["neighbourhood_reach", "access_fairness", ["1/2", 1, 1]],
            ["satisfaction_gap", "access_fairness", ["1/3", "1/2", 1]],
        ]
    },
}


def _system(**specs: dict[str, Any]) -> IndicatorSystem:
    data = copy.deepcopy(BASE)
    for child in data["root"]["children"]:
        if child["id"] in specs:
            child["weighting"] = specs[child["id"]]
    return IndicatorSystem.model_validate(data)


def test_determined_weightings_equal_the_core_functions() -> None:
    s = _system(efficiency=G1_SPEC, economy=BWM_SPEC, equity=FUZZY_SPEC)
    ids = s.group("efficiency").child_ids  # sessions_per_fte, on_schedule_rate, waiting_days, dea_efficiency
    expected = g1([ids.index(c) for c in G1_SPEC["order"]], [1.2, 1.0, 1.4])
    np.testing.assert_allclose(list(s.local_weights("efficiency").values()), expected)
    eco = bwm([1, 2, 5], [5, 3, 1])
    np.testing.assert_allclose(list(s.local_weights("economy").values()), eco.weights)
    fz = FUZZY_SPEC["judgments"]["pairs"]  # type: ignore[index]
    a = np.ones((4, 4, 3))
    eq_ids = list(s.group("equity").child_ids)
    for r, c, tfn in fz:
        lo, mid, up = (float(Fraction(str(v))) for v in tfn)
        i, j = eq_ids.index(r), eq_ids.index(c)
        a[i, j] = (lo, mid, up)
        a[j, i] = (1 / up, 1 / mid, 1 / lo)
    np.testing.assert_allclose(list(s.local_weights("equity").values()), fuzzy_priorities(a).weights)


def test_pipeline_uses_every_new_method() -> None:
    _, assessment = io.load_sample("3e-equity")
    s = _system(efficiency=G1_SPEC, economy=BWM_SPEC, equity=FUZZY_SPEC, effectiveness={"method": "cv"})
    assert s.undetermined_nodes() == ("effectiveness",)
    r = evaluate(s, assessment)
    by_node = {nw.node: nw for nw in r.node_weights}
    assert by_node["efficiency"].method == "g1"
    assert by_node["economy"].method == "bwm"
    assert by_node["economy"].detail["ksi"] >= 0.0
    assert by_node["equity"].method == "fuzzy_ahp"
    assert len(by_node["equity"].detail["fuzzy_weights"]) == 4
    eff = by_node["effectiveness"]
    assert eff.method == "cv"
    cols = [r.indicator_ids.index(c) for c in eff.children]
    np.testing.assert_allclose(eff.weights, cv(r.normalized[:, cols]), rtol=1e-12)
    assert np.isclose(r.weights.sum(), 1.0)
    assert np.isfinite(r.score_100).all()
    r.to_json()  # serialisable with the new details


def test_cv_inside_a_combination() -> None:
    _, assessment = io.load_sample("3e-equity")
    spec = {"method": "combine", "rule": "linear", "sources": [G1_SPEC, {"method": "cv"}]}
    r = evaluate(_system(efficiency=spec), assessment)
    nw = {n.node: n for n in r.node_weights}["efficiency"]
    assert nw.detail["sources"] == ["g1", "cv"]
    np.testing.assert_allclose(nw.weights, np.mean(nw.detail["source_weights"], axis=0))


@pytest.mark.parametrize(
    ("node", "spec", "fragment"),
    [
        ("efficiency", {**G1_SPEC, "order": ["on_schedule_rate", "sessions_per_fte", "dea_efficiency"],
                        "ratios": [1.2, 1.0]}, "order leaves out 'waiting_days'"),
        ("efficiency", {**G1_SPEC, "ratios": [1.2]}, "ratios has 1 values; 4 children need n - 1 = 3"),
        ("efficiency", {**G1_SPEC, "ratios": [1.2, 1.0, 0.9]}, "greater than or equal to 1"),
        ("efficiency", {**G1_SPEC, "order": ["on_schedule_rate", "sessions_per_fte", "dea_efficiency", "nope"]},
         "'nope'"),
        ("economy", {**BWM_SPEC, "best": "nope"}, "'nope' is not a child"),
        ("economy", {**BWM_SPEC, "others_to_worst": {"cost_per_user": 4, "spend_vs_budget": 3,
                                                      "overhead_share": 1}}, "must be equal"),
        ("economy", {**BWM_SPEC, "best_to_others": {"cost_per_user": 1, "spend_vs_budget": 2}},
         "best_to_others has no value for 'overhead_share'"),
        ("equity", {"method": "fuzzy_ahp", "judgments": {"pairs": FUZZY_SPEC["judgments"]["pairs"][:5]}},  # type: ignore[index]
         "missing (satisfaction_gap, access_fairness)"),
        ("equity", {"method": "fuzzy_ahp", "judgments": {"upper": [[1, 2, 3]] * 5}}, "upper has 5 judgments"),
        ("equity", {"method": "fuzzy_ahp", "judgments": {"upper": [[3, 2, 4]] * 6}}, "needs l <= m <= u"),
        ("equity", {"method": "fuzzy_ahp", "judgments": {}}, "exactly one of upper or pairs"),
        ("equity", {"method": "cv", "extra": 1}, "extra"),
    ],
)
def test_bad_weightings(node: str, spec: dict[str, Any], fragment: str) -> None:
    data = copy.deepcopy(BASE)
    for child in data["root"]["children"]:
        if child["id"] == node:
            child["weighting"] = spec
    with pytest.raises(SchemaError) as exc:
        system_from_dict(data)
    assert fragment in str(exc.value)


def test_fuzzy_ahp_with_several_experts() -> None:
    from ppeval.ahp import fuzzy_aggregate

    pairs = FUZZY_SPEC["judgments"]["pairs"]  # type: ignore[index]
    other = [[r, c, [1, 1, 1]] for r, c, _ in pairs]
    spec = {"method": "fuzzy_ahp", "experts": [{"name": "A", "weight": 3, "judgments": {"pairs": pairs}},
                                               {"name": "B", "weight": 1, "judgments": {"pairs": other}}]}
    s = _system(equity=spec)
    single = _system(equity=FUZZY_SPEC).group("equity").weighting
    ids = s.group("equity").child_ids
    expected = fuzzy_priorities(fuzzy_aggregate([single.matrix(ids), np.ones((4, 4, 3))], [0.75, 0.25])).weights
    np.testing.assert_allclose(list(s.local_weights("equity").values()), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"method": "fuzzy_ahp", "judgments": FUZZY_SPEC["judgments"], "experts": []},
         "exactly one of judgments or experts"),
        ({"method": "fuzzy_ahp", "experts": [{"weight": 1, "judgments": FUZZY_SPEC["judgments"]},
                                             {"judgments": FUZZY_SPEC["judgments"]}]}, "has no weight"),
        ({"method": "fuzzy_ahp", "experts": [{"judgments": {"upper": [[1, 2, 3]]}}]}, "experts[0].judgments"),
    ],
)
def test_bad_fuzzy_experts(spec: dict[str, Any], fragment: str) -> None:
    data = copy.deepcopy(BASE)
    for child in data["root"]["children"]:
        if child["id"] == "equity":
            child["weighting"] = spec
    with pytest.raises(SchemaError) as exc:
        system_from_dict(data)
    assert fragment in str(exc.value)


def test_report_names_the_new_weightings() -> None:
    from ppeval.report import render_markdown

    _, assessment = io.load_sample("3e-equity")
    s = _system(efficiency=G1_SPEC, economy=BWM_SPEC, equity=FUZZY_SPEC, effectiveness={"method": "cv"})
    text = render_markdown(evaluate(s, assessment), system=s).text
    for fragment in ("G1 order relation", "best-worst method (ξ = ", "fuzzy AHP (Buckley", "coefficient of variation"):
        assert fragment in text


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_new_weightings_and_dea_round_trip_through_every_format(fmt: str, tmp_path: Path) -> None:
    from ppeval.io._system import dumps_system

    s = _system(efficiency=G1_SPEC, economy=BWM_SPEC, equity=FUZZY_SPEC, effectiveness={"method": "cv"})
    path = tmp_path / f"s.{fmt}"
    path.write_text(dumps_system(s, fmt), encoding="utf-8")  # type: ignore[arg-type]
    assert io.load_system(path) == s
