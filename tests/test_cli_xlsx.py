"""CLI: ``ppeval template`` and ``--xlsx`` on evaluate and demo (no overwrite without --force)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ppeval.cli import main
from ppeval.io import bundled

NAME = "budget-performance"


def _inputs() -> list[str]:
    return [str(bundled.system_path(NAME)), *(str(p) for p in bundled.sample_assessment_paths(NAME))]


def test_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data.xlsx"
    assert main(["template", NAME, "--out", str(out), "--language", "en"]) == 0
    assert "template written to" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Guide", "projects", "values", "ratings", "lists"]
    out.write_bytes(b"mine")
    assert main(["template", NAME, "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_bytes() == b"mine"
    assert main(["template", str(bundled.system_path(NAME)), "--out", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "填写说明"
    assert main(["template", NAME, "--out", str(tmp_path / "d.csv"), "--no-notes"]) == 0
    assert (tmp_path / "d.values.csv").read_text(encoding="utf-8").startswith("project,funds_in_place_rate")


def test_evaluate_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.xlsx"
    assert main(["evaluate", *_inputs(), "--method", "wsm", "--xlsx", str(out), "--samples", "100",
                 "--seed", "2", "--xlsx-language", "en"]) == 0
    assert "workbook written to" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Scores", "Weights", "Scoring sheet", "Contributions", "Sensitivity", "Diagnostics",
                             "Provenance"]
    before = out.read_bytes()
    assert main(["evaluate", *_inputs(), "--xlsx", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert main(["evaluate", *_inputs(), "--xlsx", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "评价结果"
    assert main(["evaluate", *_inputs(), "--xlsx", str(tmp_path / "r.xls")]) == 2
    assert "suffix .xlsx" in capsys.readouterr().err


def test_demo_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    assert main(["demo", "--out", str(tmp_path), "--samples", "0", "--xlsx", str(out)]) == 0
    assert "评分表" in openpyxl.load_workbook(out).sheetnames


def test_template_writes_all_csv_files_or_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The template goes through the CLI's staged outputs: the three CSV files are written together or not
    at all, and an existing one is kept without --force."""
    # one of the three exists: without --force none is written
    (tmp_path / "d.ratings.csv").write_text("mine", encoding="utf-8")
    assert main(["template", NAME, "--out", str(tmp_path / "d.csv")]) == 2
    assert not (tmp_path / "d.projects.csv").exists()
    assert (tmp_path / "d.ratings.csv").read_text(encoding="utf-8") == "mine"
    assert "--force" in capsys.readouterr().err
    assert main(["template", NAME, "--out", str(tmp_path / "d.csv"), "--force"]) == 0
    assert (tmp_path / "d.ratings.csv").read_text(encoding="utf-8").startswith("project,")
