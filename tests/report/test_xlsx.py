"""Results as an Excel workbook: sheets, headers in the report language, formats, scoring sheet totals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

import ppeval
from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.report import analyse_sensitivity
from ppeval.report.xlsx import header, write_xlsx


@pytest.fixture(scope="module")
def sample() -> tuple[ppeval.IndicatorSystem, ppeval.EvaluationResult]:
    system, data = bundled.load_sample("budget-performance")
    return system, ppeval.evaluate(system, data, method="wsm")


def test_sheets_headers_and_formats(tmp_path: Path, sample: tuple) -> None:
    system, r = sample
    sens = analyse_sensitivity(r, system, samples=200, seed=3)
    out = write_xlsx(tmp_path / "r.xlsx", r, system, sensitivity=sens)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["评价结果", "指标权重", "评分表", "指标贡献", "敏感性分析", "诊断信息", "来源与复现"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.cell(1, 1).font.bold
    scores = wb["评价结果"]
    assert [c.value for c in scores[1]][:5] == [header(k, "zh") for k in ("rank", "project", "project_name", "score",
                                                                           "grade")]
    assert [c.value for c in scores[1]][:5] == ["名次", "项目编号", "项目名称", "得分", "等级"]  # the report's words
    # sorted by rank, numbers as numbers with a two-decimal format
    assert [scores.cell(k, 1).value for k in range(2, 8)] == [1, 2, 3, 4, 5, 6]
    best = int(np.argmin(r.ranks))
    assert scores.cell(2, 2).value == r.project_ids[best]
    assert scores.cell(2, 4).value == pytest.approx(r.score_100[best])
    assert scores.cell(2, 4).number_format == "0.00"
    assert scores.column_dimensions["C"].width > 20
    zh_grade = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}
    assert scores.cell(2, 5).value == zh_grade[r.grades[best]]
    weights = wb["指标权重"]
    assert weights.cell(2, 5).number_format == "0.00%"
    assert [weights.cell(k, 7).value for k in range(2, 6)] == [20, 20, 30, 30]
    assert weights.cell(2, 4).value == "分值折算"
    contrib = wb["指标贡献"]
    leaf = system.leaf(r.indicator_ids[0])
    assert contrib.cell(1, 4).value == (leaf.names or {}).get("zh", leaf.name)  # the Chinese name (issue 13)
    np.testing.assert_allclose([contrib.cell(2, 4 + j).value for j in range(len(r.indicator_ids))],
                               r.contributions[best])
    prov = wb["来源与复现"]
    values = {prov.cell(k, 1).value: prov.cell(k, 2).value for k in range(2, prov.max_row + 1)}
    assert values[header("assessment_hash", "zh")] == r.provenance.assessment_hash
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed


def test_scoring_sheet_totals_add_up(tmp_path: Path, sample: tuple) -> None:
    """WSM with points: per project the points earned add up to the dimension subtotals and the total."""
    system, r = sample
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", r, system, language="en"))
    ws = wb["Scoring sheet"]
    assert [c.value for c in ws[1]] == [header(k, "en") for k in ("project", "dimension", "indicator", "points", "rule",
                                                               "target", "actual", "earned", "note")]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    for pid, s100 in zip(r.project_ids, r.score_100, strict=True):
        mine = [row for row in rows if row[0] == pid]
        items = [row for row in mine if row[2] not in ("Subtotal", "Total") and not str(row[2]).startswith("Score")]
        subtotals = [row for row in mine if row[2] == "Subtotal"]
        (total,) = [row for row in mine if row[2] == "Total"]
        assert len(items) == len(r.indicator_ids)
        assert [row[3] for row in subtotals] == [20, 20, 30, 30]
        assert sum(row[7] for row in items) == pytest.approx(total[7])
        assert sum(row[7] for row in subtotals) == pytest.approx(total[7])
        assert total[7] == pytest.approx(s100)
    assert any("full marks (9) at or above 100%; 1 off per 3% below" in str(row[4]) for row in rows)


def test_topsis_sheet_says_how_the_score_is_formed(tmp_path: Path) -> None:
    system, data = bundled.load_sample("budget-performance")
    r = ppeval.evaluate(system, data, method="topsis")
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "t.xlsx", r, system, language="en"))
    texts = [str(row[4]) for row in wb["Scoring sheet"].iter_rows(min_row=2, values_only=True)]
    assert any(t.startswith("TOPSIS: the score is 100 x closeness") for t in texts)
    assert "Sensitivity" not in wb.sheetnames


def test_bad_input(tmp_path: Path, sample: tuple) -> None:
    system, r = sample
    (tmp_path / "x.xlsx").write_bytes(b"keep")
    with pytest.raises(InputError, match="exists; pass overwrite=True"):
        write_xlsx(tmp_path / "x.xlsx", r, system)
    assert (tmp_path / "x.xlsx").read_bytes() == b"keep"
    write_xlsx(tmp_path / "x.xlsx", r, system, overwrite=True)
    assert openpyxl.load_workbook(tmp_path / "x.xlsx").sheetnames[0] == "评价结果"
    with pytest.raises(InputError, match="suffix .xlsx"):
        write_xlsx(tmp_path / "x.xls", r, system)
    with pytest.raises(InputError, match="language"):
        write_xlsx(tmp_path / "y.xlsx", r, system, language="fr")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="computed with system"):
        write_xlsx(tmp_path / "y.xlsx", r, bundled.load_bundled("elderly-care"))
    with pytest.raises(InputError, match="EvaluationResult"):
        write_xlsx(tmp_path / "y.xlsx", object(), system)  # type: ignore[arg-type]


def test_sheets_longer_than_excel_allows_continue_on_numbered_sheets(
    tmp_path: Path, sample: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel opens at most 1,048,576 rows per sheet: a longer sheet (a scoring sheet of ~20,000 projects)
    continues on ``<title> (2)`` ... with the header repeated; every row is written once."""
    from ppeval.report import xlsx

    system, r = sample
    whole = openpyxl.load_workbook(write_xlsx(tmp_path / "whole.xlsx", r, system))["评分表"]
    rows = [[c.value for c in row] for row in whole.iter_rows(min_row=2)]
    limit = 7
    monkeypatch.setattr(xlsx, "MAX_DATA_ROWS", limit)
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "split.xlsx", r, system))
    parts = [name for name in wb.sheetnames if name.startswith("评分表")]
    assert parts == ["评分表"] + [f"评分表 ({k})" for k in range(2, len(parts) + 1)]
    assert len(parts) == -(-len(rows) // limit) > 1
    got = []
    for name in parts:
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.value for c in whole[1]]  # header on every part
        assert ws.freeze_panes == "A2"
        part = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        assert 0 < len(part) <= limit
        got += part
    assert got == rows
    assert all(len(name) <= 31 for name in wb.sheetnames)
