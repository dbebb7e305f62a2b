"""Indicator systems and AHP judgments from an Excel workbook (sheets system, grades, indicators, judgments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ppeval.errors import SchemaError
from ppeval.io import load_system, system_from_dict
from ppeval.pipeline.provenance import system_hash

openpyxl = pytest.importorskip("openpyxl")

INDICATORS = [
    ["id", "parent", "name", "kind", "direction", "unit", "worst", "best", "weighting", "weight", "scale", "points",
     "labels", "source"],
    ["total", None, "项目绩效总分", None, None, None, None, None, "ahp", None, None, None, None, None],
    ["output", "total", "产出", None, None, None, None, None, "fixed", None, None, None, None, None],
    ["effect", "total", "效益", None, None, None, None, None, "equal", None, None, None, None, None],
    ["process", "total", "过程", None, None, None, None, None, "equal", None, None, None, None, None],
    ["served", "output", "服务人次", "quantitative", "benefit", "人次", 0, 5000, None, 0.6, None, None, None,
     "records"],
    ["cost", "output", "单位成本", "quantitative", "cost", "元", 120, 40, None, 0.4, None, None, None, "records"],
    ["satisfaction", "effect", "服务对象满意度", "qualitative", "benefit", None, None, None, None, None, "likert", 5,
     "非常不满意|不满意|一般|满意|非常满意", "resident_survey"],
    ["on_time", "effect", "按时完成率", "quantitative", "benefit", "%", 0, 100, None, None, None, None, None,
     "records"],
    ["records_kept", "process", "档案完整率", "quantitative", "benefit", "%", 0, 100, None, None, None, None, None,
     "records"],
]
JUDGMENTS = [
    ["node", "expert", "row", "column", "value"],
    ["total", "财政专家", "output", "effect", 1],
    ["total", "财政专家", "output", "process", 3],
    ["total", "财政专家", "effect", "process", 2],
    ["total", "民政专家", "output", "effect", "1/2"],
    ["total", "民政专家", "output", "process", 2],
    ["total", "民政专家", "effect", "process", 3],
]


def expected() -> dict[str, Any]:
    """The same system as YAML would give it."""
    def leaf(row: list[Any]) -> dict[str, Any]:
        keys = INDICATORS[0]
        d = {k: v for k, v in zip(keys, row, strict=True) if v is not None and k not in ("parent", "weight")}
        for k in ("worst", "best"):
            if k in d:
                d.setdefault("bounds", {})[k] = d.pop(k)
        if "scale" in d:
            d["scale"] = {"type": d.pop("scale"), "points": d.pop("points"), "labels": d.pop("labels").split("|")}
        return d

    rows = {r[0]: leaf(r) for r in INDICATORS[1:]}
    return {
        "schema_version": 1, "id": "budget-demo", "name": "项目支出绩效评价（示例）", "version": "2024",
        "source": "财预〔2020〕10号", "evaluation": {"missing": "worst", "min_raters": 1},
        "grades": [{"label": "优", "min": 90}, {"label": "良", "min": 80}, {"label": "中", "min": 60},
                   {"label": "差", "min": 0}],
        "root": {
            "id": "total", "name": "项目绩效总分",
            "weighting": {"method": "ahp", "experts": [
                {"name": "财政专家", "judgments": {"pairs": [["output", "effect", 1], ["output", "process", 3],
                                                         ["effect", "process", 2]]}},
                {"name": "民政专家", "judgments": {"pairs": [["output", "effect", "1/2"], ["output", "process", 2],
                                                         ["effect", "process", 3]]}},
            ]},
            "children": [
                {"id": "output", "name": "产出", "weighting": {"method": "fixed", "weights": {"served": 0.6,
                                                                                          "cost": 0.4}},
                 "children": [rows["served"], rows["cost"]]},
                {"id": "effect", "name": "效益", "weighting": {"method": "equal"},
                 "children": [rows["satisfaction"], rows["on_time"]]},
                {"id": "process", "name": "过程", "weighting": {"method": "equal"}, "children": [rows["records_kept"]]},
            ],
        },
    }


def write_book(path: Path, indicators: list[list[Any]] = INDICATORS, judgments: list[list[Any]] = JUDGMENTS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "system"
    for row in (["id", "budget-demo"], ["name", "项目支出绩效评价（示例）"], ["version", "2024"],
                ["source", "财预〔2020〕10号"], ["evaluation.missing", "worst"], ["evaluation.min_raters", 1]):
        ws.append(row)
    g = wb.create_sheet("grades")
    for row in (["label", "min"], ["优", 90], ["良", 80], ["中", 60], ["差", 0]):
        g.append(row)
    i = wb.create_sheet("indicators")
    for row in indicators:
        i.append(row)
    j = wb.create_sheet("judgments")
    for row in judgments:
        j.append(row)
    wb.save(path)
    return path


def test_workbook_system_equals_yaml_system(tmp_path: Path) -> None:
    got = load_system(write_book(tmp_path / "system.xlsx"))
    want = system_from_dict(expected())
    assert got == want
    assert system_hash(got) == system_hash(want)
    assert got.leaf_ids == ("served", "cost", "satisfaction", "on_time", "records_kept")


def test_workbook_layout_errors_name_the_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in INDICATORS]
    rows[5][1] = "outptu"  # parent of 'served', row 6
    rows[6][6] = "一百二十"  # worst of 'cost', row 7, column G
    with pytest.raises(SchemaError) as info:
        load_system(write_book(tmp_path / "bad.xlsx", rows))
    msg = str(info.value)
    assert "indicators!B6: parent 'outptu' of 'served' is not an id in this sheet" in msg
    assert "indicators!G7 (column 'worst'): '一百二十' is not a number" in msg


def test_schema_errors_point_to_the_row(tmp_path: Path) -> None:
    rows = [list(r) for r in INDICATORS]
    rows[6][9] = 0.5  # output's fixed weights now sum to 1.1
    with pytest.raises(SchemaError) as info:
        load_system(write_book(tmp_path / "bad.xlsx", rows))
    msg = str(info.value)
    assert "'output'" in msg
    assert "'output' is indicators!A3" in msg


def test_judgments_for_unknown_node(tmp_path: Path) -> None:
    judgments = [*JUDGMENTS, ["totl", "x", "output", "effect", 2]]
    with pytest.raises(SchemaError, match=r"judgments!A8: unknown node 'totl'"):
        load_system(write_book(tmp_path / "bad.xlsx", judgments=judgments))


def test_workbook_without_indicators_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "system"
    wb.active.append(["id", "x"])
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(SchemaError, match="no sheet 'indicators'"):
        load_system(tmp_path / "s.xlsx")


def test_repeated_column_is_a_schema_error(tmp_path: Path) -> None:
    rows = [list(r) for r in INDICATORS]
    rows[0][3] = "name"  # 'kind' renamed to a second 'name' column
    with pytest.raises(SchemaError, match=r"indicators!D1: column 'name' appears twice \(also indicators!C1\)"):
        load_system(write_book(tmp_path / "bad.xlsx", rows))


def test_cli_validates_a_system_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ppeval.cli import EXIT_INPUT, EXIT_OK, main

    book = write_book(tmp_path / "system.xlsx")
    assert main(["validate", str(book)]) == EXIT_OK
    assert "valid indicator system 'budget-demo' (5 indicators" in " ".join(capsys.readouterr().out.split())
    rows = [list(r) for r in INDICATORS]
    rows[5][1] = "outptu"
    bad = write_book(tmp_path / "bad.xlsx", rows)
    assert main(["validate", str(bad)]) == EXIT_INPUT
    assert "indicators!B6: parent 'outptu'" in " ".join(capsys.readouterr().out.split())


def test_workbook_dea_indicator_and_g1_weights(tmp_path: Path) -> None:
    """Lists separated by '|': a DEA indicator's inputs and outputs, G1's order and ratios."""
    head = [*INDICATORS[0], "derived.method", "derived.inputs", "derived.outputs", "weighting.order",
            "weighting.ratios"]
    rows = [[*r, None, None, None, None, None] for r in INDICATORS[1:]]
    rows[1][8] = "g1"  # output: G1 instead of fixed weights
    rows[1][-2:] = ["dea|served|cost", "1.2|1.4"]
    for r in rows:
        r[9] = None  # no fixed weights
    dea_row = [None] * len(head)
    dea_row[:9] = ["dea", "output", "投入产出效率", "quantitative", "benefit", None, 0, 1, None]
    dea_row[-5:-2] = ["dea", "cost", "served"]
    rows.insert(3, dea_row)
    got = load_system(write_book(tmp_path / "system.xlsx", [head, *rows]))
    leaf = got.leaf("dea")
    assert leaf.derived is not None  # type: ignore[union-attr]
    assert leaf.derived.inputs == ("cost",)  # type: ignore[union-attr]
    assert leaf.derived.outputs == ("served",)  # type: ignore[union-attr]
    w = got.group("output").weighting
    assert w.method == "g1"
    assert w.order == ("dea", "served", "cost")  # type: ignore[union-attr]
    assert w.ratios == (1.2, 1.4)  # type: ignore[union-attr]
