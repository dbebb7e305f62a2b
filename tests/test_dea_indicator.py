"""DEA efficiency indicators in indicator systems (``derived: {method: dea}``): schema, loading,
pipeline, the relativity diagnostic, sensitivity."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from ppeval import io
from ppeval.efficiency import dea
from ppeval.errors import DataError, SchemaError
from ppeval.io._system import system_from_dict
from ppeval.pipeline import analyse_sensitivity, evaluate
from ppeval.schema import Assessment


def _subset(a: Assessment, idx: list[int]) -> Assessment:
    """The assessment restricted to projects ``idx`` (values and ratings)."""
    import dataclasses

    idx_arr = np.asarray(idx, dtype=np.int64)
    remap = np.full(len(a.project_ids), -1, dtype=np.int64)
    remap[idx_arr] = np.arange(idx_arr.size)
    r = a.ratings
    keep = remap[r.project] >= 0
    ratings = dataclasses.replace(
        r, project=remap[r.project[keep]], indicator=r.indicator[keep], rater=r.rater[keep],
        group=r.group[keep], value=r.value[keep], line=r.line[keep], file=r.file[keep],
    )
    return dataclasses.replace(
        a, project_ids=tuple(a.project_ids[i] for i in idx), projects=tuple(a.projects[i] for i in idx),
        values=a.values[idx_arr], missing=a.missing[idx_arr], ratings=ratings,
    )

REPO = Path(__file__).resolve().parents[1]
IND = REPO / "indicators"
BASE = yaml.safe_load((IND / "3e-equity.yaml").read_text(encoding="utf-8"))


def _dea_leaf(data: dict[str, Any]) -> dict[str, Any]:
    eff = next(c for c in data["root"]["children"] if c["id"] == "efficiency")
    leaf: dict[str, Any] = next(c for c in eff["children"] if c["id"] == "dea_efficiency")
    return leaf


def test_bundled_system_computes_dea_from_its_inputs() -> None:
    """The 3e-equity efficiency dimension's DEA column equals ppeval.efficiency.dea on the raw values."""
    system, assessment = io.load_sample("3e-equity")
    r = evaluate(system, assessment)
    ids = list(r.indicator_ids)
    x = r.matrix[:, [ids.index("cost_per_user")]]
    y = r.matrix[:, [ids.index("sessions_per_fte"), ids.index("on_schedule_rate")]]
    expected = dea(x, y, rts="vrs", orientation="input").efficiency
    j = ids.index("dea_efficiency")
    np.testing.assert_allclose(r.matrix[:, j], expected, rtol=1e-12)
    assert r.matrix[:, j].max() == 1.0
    np.testing.assert_allclose(r.normalized[:, j], expected, rtol=1e-12)  # bounds (0, 1)
    diag = [d for d in r.diagnostics if d.code == "dea_relative"]
    assert len(diag) == 1
    assert diag[0].indicator == "dea_efficiency"
    assert "relative" in diag[0].message
    assert "also in absolute mode" in diag[0].message
    assert "Cost per user served" in diag[0].message  # names, not ids
    peers = [d for d in r.diagnostics if d.code == "dea_peers"]
    assert len(peers) == 1
    below = np.flatnonzero(expected < 1.0)
    assert peers[0].value == below.size
    res = dea(x, y, rts="vrs", orientation="input")
    for i in below:
        names = ", ".join(r.project_ids[j] for j in res.reference_sets[i])
        assert f"{r.project_ids[i]} {expected[i]:.3f} (peers {names})" in peers[0].message


def test_absolute_mode_dea_depends_on_the_evaluated_set() -> None:
    """What the diagnostic states: dropping the efficient projects changes the others' DEA values."""
    system, assessment = io.load_sample("3e-equity")
    full = evaluate(system, assessment, mode="absolute")
    j = list(full.indicator_ids).index("dea_efficiency")
    eff = full.matrix[:, j]
    keep = [i for i in range(len(eff)) if eff[i] < 1.0]
    part = evaluate(system, _subset(assessment, keep), mode="absolute")
    assert (part.matrix[:, j] >= eff[keep] - 1e-12).all()
    assert part.matrix[:, j].max() == 1.0
    assert not np.allclose(part.matrix[:, j], eff[keep])


def test_sensitivity_and_every_method_run_with_dea() -> None:
    system, assessment = io.load_sample("3e-equity")
    for method in ("topsis", "wsm", "vikor", "fce"):
        r = evaluate(system, assessment, method=method)  # type: ignore[arg-type]
        assert np.isfinite(r.score_100).all()
    sa = analyse_sensitivity(evaluate(system, assessment), system, samples=200, seed=1)
    assert sa is not None


def _with(leaf_change: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    leaf = _dea_leaf(data)
    for k, v in leaf_change.items():
        if k == "derived":
            leaf["derived"] = {**leaf["derived"], **v}
        elif v is None:
            leaf.pop(k, None)
        else:
            leaf[k] = v
    return data


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"direction": "cost", "bounds": None}, "a DEA efficiency indicator is a benefit indicator"),
        ({"bounds": {"worst": 0, "best": 100}}, "a DEA efficiency lies in [0, 1]"),
        ({"derived": {"inputs": ["nope"]}}, "'nope' is not an indicator of this system"),
        ({"derived": {"inputs": ["user_satisfaction"]}}, "'user_satisfaction' is qualitative"),
        ({"derived": {"inputs": ["spend_vs_budget"]}}, "has direction 'target'"),
        ({"derived": {"inputs": ["efficiency"]}}, "'efficiency' is a group"),
        ({"derived": {"inputs": ["dea_efficiency"]}}, "is itself derived"),
        ({"derived": {"outputs": ["cost_per_user"]}}, "'cost_per_user' is named twice"),
        ({"derived": {"outputs": []}}, "at least 1 output indicator"),
        ({"derived": {"rts": "irs"}}, "'crs' or 'vrs'"),
        ({"derived": {"method": "sfa"}}, "'dea'"),
    ],
)
def test_schema_rejects_bad_dea_indicators(change: dict[str, Any], fragment: str) -> None:
    data = _with(change)
    with pytest.raises(SchemaError) as exc:
        system_from_dict(data)
    assert fragment in str(exc.value)


def test_values_column_for_a_dea_indicator_is_rejected(tmp_path: Path) -> None:
    for f in IND.glob("3e-equity.*"):
        shutil.copy(f, tmp_path / f.name)
    values = tmp_path / "3e-equity.values.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",dea_efficiency"] + [ln + ",0.5" for ln in lines[1:]]
    values.write_text("\n".join(lines) + "\n", encoding="utf-8")
    system = io.load_system(tmp_path / "3e-equity.yaml")
    paths = [tmp_path / "3e-equity.projects.csv", values, tmp_path / "3e-equity.ratings.csv"]
    with pytest.raises(DataError) as exc:
        io.load_assessment(paths, system)
    assert "'dea_efficiency' is computed by DEA" in str(exc.value)


def test_project_without_output_gets_efficiency_zero(tmp_path: Path) -> None:
    """A project that delivered nothing is not compared on the frontier: efficiency 0 and a warning naming it;
    the others' efficiencies are DEA on the projects that produced something."""
    for f in IND.glob("3e-equity.*"):
        shutil.copy(f, tmp_path / f.name)
    values = tmp_path / "3e-equity.values.csv"
    rows = [ln.split(",") for ln in values.read_text(encoding="utf-8").splitlines()]
    head = rows[0]
    for col in ("sessions_per_fte", "on_schedule_rate"):
        rows[2][head.index(col)] = "0"
    values.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    system = io.load_system(tmp_path / "3e-equity.yaml")
    a = io.load_assessment([tmp_path / "3e-equity.projects.csv", values, tmp_path / "3e-equity.ratings.csv"], system)
    r = evaluate(system, a)
    idle = r.project_ids.index(rows[2][0])
    j = system.leaf_ids.index("dea_efficiency")
    assert r.raw[idle, j] == 0.0
    warn = [d for d in r.diagnostics if d.code == "dea_no_output"]
    assert len(warn) == 1
    assert rows[2][0] in warn[0].message
    others = [i for i in range(len(r.project_ids)) if i != idle]
    cols = [system.leaf_ids.index(c) for c in ("cost_per_user", "sessions_per_fte", "on_schedule_rate")]
    raw = r.raw[others][:, cols]
    want = dea(raw[:, :1], raw[:, 1:], rts="vrs", orientation="input").efficiency
    np.testing.assert_allclose(r.raw[others, j], want, rtol=1e-12)


def test_no_project_with_output_is_a_data_error(tmp_path: Path) -> None:
    for f in IND.glob("3e-equity.*"):
        shutil.copy(f, tmp_path / f.name)
    values = tmp_path / "3e-equity.values.csv"
    rows = [ln.split(",") for ln in values.read_text(encoding="utf-8").splitlines()]
    head = rows[0]
    for r in rows[1:]:
        for col in ("sessions_per_fte", "on_schedule_rate"):
            r[head.index(col)] = "0"
    values.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    system = io.load_system(tmp_path / "3e-equity.yaml")
    a = io.load_assessment([tmp_path / "3e-equity.projects.csv", values, tmp_path / "3e-equity.ratings.csv"], system)
    with pytest.raises(DataError, match="every output of DEA indicator 'dea_efficiency'"):
        evaluate(system, a)


def test_system_without_dea_keeps_its_canonical_json() -> None:
    """Adding the optional ``derived`` field does not change other systems' dumps (and hashes)."""
    system = io.load_bundled("community-4stage")
    dumps = [leaf.model_dump(mode="json") for leaf in system.leaves()]
    assert all("derived" not in d for d in dumps)
    dea_leaf = io.load_bundled("3e-equity").leaf("dea_efficiency")
    assert dea_leaf.model_dump(mode="json")["derived"]["inputs"] == ["cost_per_user"]


def test_report_shows_the_dea_indicator_and_its_diagnostic() -> None:
    from ppeval.report import render_markdown

    system, assessment = io.load_sample("3e-equity")
    rep = render_markdown(evaluate(system, assessment), system=system)
    text = rep.text
    assert "Delivery efficiency relative to the other projects (DEA)" in text
    assert "DEA is relative" in text
