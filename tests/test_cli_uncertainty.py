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
    assert "beyond the evidence" not in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["score_change"] == [0.0] * 8
    assert data["exceeds_uncertainty"] is None
    assert main(["compare", result_json, result_json, "--earlier", *INPUTS, "--later", *INPUTS, "--samples", "200",
                 "--seed", "2", "--json", str(out), "--force"]) == EXIT_OK
    assert "beyond the evidence" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["exceeds_uncertainty"] == [False] * 8
