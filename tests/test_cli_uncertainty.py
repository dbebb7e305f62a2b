"""``ppeval uncertainty`` and ``ppeval compare``: tables, JSON output, no overwriting without --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppeval.cli import EXIT_INPUT, EXIT_OK, main
from ppeval.io import bundled

INPUTS = [str(bundled.system_path("community-4stage")), *map(str, bundled.sample_assessment_paths("community-4stage"))]


@pytest.fixture(scope="module")
def result_json(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("cli") / "result.json"
    assert main(["evaluate", *INPUTS, "--json", str(out), "--seed", "1"]) == EXIT_OK
    return str(out)


def test_uncertainty_prints_and_writes_json(result_json: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "u.json"
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "300", "--seed", "4", "--json", str(out)]) == EXIT_OK
    text = capsys.readouterr().out
    assert "How sure is each grade?" in text
    assert "Qingshui Community Family Service Centre" in text  # names, not ids
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["sources"] == ["weights", "ratings"]
    assert len(data["evidence"]["grade_probability"]) == 8
    # an existing output is not replaced without --force; an input never
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "50", "--json", str(out)]) == EXIT_INPUT
    assert "--force" in capsys.readouterr().err
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "50", "--seed", "4", "--no-boundary",
                 "--json", str(out), "--force"]) == EXIT_OK
    assert json.loads(out.read_text(encoding="utf-8"))["boundary"] is None
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "50", "--json", result_json,
                 "--force"]) == EXIT_INPUT


def test_compare_two_stored_results(result_json: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.json"
    assert main(["compare", result_json, result_json, "--json", str(out)]) == EXIT_OK
    text = capsys.readouterr().out
    assert "Rounds compared" in text
    assert "Beyond the evidence" not in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["score_change"] == [0.0] * 8
    assert data["exceeds_uncertainty"] is None
    assert main(["compare", result_json, result_json, "--earlier", *INPUTS, "--later", *INPUTS, "--samples", "200",
                 "--seed", "2", "--json", str(out), "--force"]) == EXIT_OK
    assert "Beyond the evidence" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["exceeds_uncertainty"] == [False] * 8


def test_uncertainty_workbook_has_the_certainty_sheet(result_json: str, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "u.xlsx"
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "200", "--seed", "1", "--no-boundary",
                 "--xlsx", str(out)]) == EXIT_OK
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "结果可信度与付款" in wb.sheetnames
    rows = list(wb["结果可信度与付款"].iter_rows(values_only=True))
    assert rows[0][:3] == ("项目编号", "项目名称", "得分")
    assert {r[1] for r in rows[1:9]} >= {"Qingshui Community Family Service Centre"}
    assert all(0.0 <= r[6] <= 1.0 for r in rows[1:9])  # P(this grade)
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "50", "--xlsx", str(out)]) == EXIT_INPUT


def test_workbook_with_payments_in_english(tmp_path: Path) -> None:
    import openpyxl

    from ppeval.pipeline import analyse_uncertainty, evaluate
    from ppeval.report.xlsx import write_xlsx
    from ppeval.schema import IndicatorSystem

    system, data = bundled.load_sample("community-4stage")
    d = system.model_dump(exclude_none=True)
    d["evaluation"]["decisions"] = [{"name": "pay", "min": 60, "release": 1.0},
                                    {"name": "withhold", "min": 0, "release": 0.0, "action": "exclude"}]
    system = IndicatorSystem.model_validate(d)
    result = evaluate(system, data)
    u = analyse_uncertainty(result, system, data, samples=200, seed=3, boundary=False)
    out = write_xlsx(tmp_path / "r.xlsx", result, system, uncertainty=u, language="en")
    rows = list(openpyxl.load_workbook(out, read_only=True)["Certainty and payments"].iter_rows(values_only=True))
    head = rows[0]
    assert "Money at risk" in head
    assert "Expected payment" in head
    assert u.payments is not None
    risk = [r[head.index("Money at risk")] for r in rows[1:9]]
    assert sum(risk) == pytest.approx(u.payments.total_money_at_risk)


def test_uncertainty_file_with_the_data(result_json: str, tmp_path: Path) -> None:
    spec = tmp_path / "uncertainty.yaml"
    spec.write_text("output_achievement: {distribution: uniform, absolute: 5}\n", encoding="utf-8")
    out = tmp_path / "u.json"
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "100", "--seed", "1", "--no-boundary",
                 "--uncertainty", str(spec), "--json", str(out)]) == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["sources"] == ["weights", "ratings", "values"]
    assert data["uncertain_values"] == ["output_achievement"]


def test_uncertainty_report_in_chinese(result_json: str, tmp_path: Path) -> None:
    """--report writes the report with the certainty section; --lang zh also makes the workbook Chinese."""
    import openpyxl

    report, xlsx = tmp_path / "out" / "u.html", tmp_path / "u.xlsx"
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "200", "--seed", "1", "--no-boundary",
                 "--lang", "zh", "--report", str(report), "--xlsx", str(xlsx)]) == EXIT_OK
    page = report.read_text(encoding="utf-8")
    assert "评价等级的确定性" in page
    assert "六、评价结论及建议" in page
    assert "结果可信度与付款" in openpyxl.load_workbook(xlsx, read_only=True).sheetnames
    assert not list(report.parent.glob(".ppeval-tmp-*"))
    # never over an existing output without --force, never over an input; nothing half written
    before = page
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "50", "--report", str(report)]) == EXIT_INPUT
    assert report.read_text(encoding="utf-8") == before
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "50", "--report",
                 str(tmp_path / "r.md"), "--json", str(tmp_path / "r.md")]) == EXIT_INPUT
    assert not (tmp_path / "r.md").exists()
    en = tmp_path / "u_en.md"
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "100", "--seed", "1", "--no-boundary",
                 "--report", str(en), "--xlsx", str(tmp_path / "en.xlsx"), "--xlsx-language", "en"]) == EXIT_OK
    assert "How sure is each grade?" in en.read_text(encoding="utf-8")
    assert "Certainty and payments" in openpyxl.load_workbook(tmp_path / "en.xlsx", read_only=True).sheetnames


def test_compare_report(result_json: str, tmp_path: Path) -> None:
    report = tmp_path / "c.docx"
    assert main(["compare", result_json, result_json, "--earlier", *INPUTS, "--later", *INPUTS, "--samples", "100",
                 "--seed", "2", "--lang", "zh", "--report", str(report)]) == EXIT_OK
    import docx

    text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert "两轮评价对比" in text
    assert "评价等级的确定性" in text
    assert main(["compare", result_json, result_json, "--report", str(report)]) == EXIT_INPUT
    md = tmp_path / "c.md"
    assert main(["compare", result_json, result_json, "--report", str(md)]) == EXIT_OK
    assert "Rounds compared" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "sheet"), [(["--lang", "en"], "Scoring sheet"), ([], "评分表"),
                                             (["--lang", "en", "--xlsx-language", "zh"], "评分表"),
                                             (["--lang", "zh"], "评分表")])
def test_workbook_language_follows_lang(tmp_path: Path, args: list[str], sheet: str) -> None:
    """--xlsx-language defaults to the --lang given (zh when none is given); an explicit one wins."""
    import openpyxl

    out = tmp_path / "r.xlsx"
    assert main(["evaluate", *INPUTS, "--xlsx", str(out), *args]) == EXIT_OK
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert any(n.startswith(sheet) for n in names), names


def test_terminal_tables_in_chinese(result_json: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--lang zh: headers, notes and the money line are Chinese; nothing of the English table remains."""
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "100", "--seed", "4", "--no-boundary",
                 "--lang", "zh"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "How sure" not in text
    assert "Project" not in text
    assert "note:" not in text
    assert "项目" in text
    assert "等级" in text
    assert main(["compare", result_json, result_json, "--lang", "zh"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "Rounds compared" not in text
    assert "Before" not in text
    assert "项目" in text


def test_long_tables_show_a_part_and_say_so(result_json: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond PRINT_ALL_UP_TO projects the terminal shows the least sure grades (uncertainty) or the largest
    changes (compare) with a count; the files keep every project."""
    for module in ("ppeval.cli.uncertainty", "ppeval.cli.compare"):
        monkeypatch.setattr(f"{module}.PRINT_ALL_UP_TO", 3)
        monkeypatch.setattr(f"{module}.PRINT_TOP", 2)
        monkeypatch.setattr(f"{module}.PRINT_BOTTOM", 1)
    assert main(["uncertainty", result_json, *INPUTS, "--samples", "100", "--seed", "4", "--no-boundary"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "The 3 of 8 projects whose grade is least sure are listed" in text
    assert main(["compare", result_json, result_json]) == EXIT_OK
    text = capsys.readouterr().out
    assert "5 more" in text
    assert "8 projects in both rounds" in text
