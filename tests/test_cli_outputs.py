"""Files written by the CLI: never over an input, never over an output without --force, all or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ppeval.report
from ppeval.cli import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, main
from ppeval.io import bundled

NAME = "community-4stage"


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """A private copy of the bundled system and its sample files (so a failing test cannot damage them)."""
    src = [bundled.system_path(NAME), *bundled.sample_assessment_paths(NAME)]
    out = []
    for p in src:
        dst = tmp_path / "in" / Path(p).name
        dst.parent.mkdir(exist_ok=True)
        shutil.copyfile(p, dst)
        out.append(dst)
    return out


def _snapshot(paths: list[Path]) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in paths}


def _leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".ppeval-tmp-" in str(p))


@pytest.mark.parametrize(
    ("option", "which"),
    [("--json", 0), ("--json", 1), ("--json", 2), ("--json", 3), ("--report", 1), ("--report", 2), ("--report", 3)],
)
def test_evaluate_never_writes_over_an_input(
    inputs: list[Path], which: int, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(inputs)
    target = inputs[which]
    if option == "--report":  # a report needs an .html / .md name: make the input look like one
        renamed = target.with_suffix(".md")
        target.rename(renamed)
        inputs = [renamed if p == target else p for p in inputs]
        before = _snapshot(inputs)
        target = renamed
    args = ["evaluate", str(inputs[0]), *map(str, inputs[1:]), option, str(target), "--samples", "0"]
    assert main(args) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "is an input of the same run" in err
    assert _snapshot(inputs) == before
    # even --force does not make an input writable
    assert main([*args, "--force"]) == EXIT_INPUT
    assert _snapshot(inputs) == before


def test_result_inputs_are_inputs_too(inputs: list[Path], tmp_path: Path) -> None:
    """--weights-from RESULT is an input of the run: --json may not name it; sensitivity needs --force."""
    result = tmp_path / "r.json"
    assert main(["evaluate", *map(str, inputs), "--json", str(result), "--seed", "1"]) == EXIT_OK
    before = result.read_bytes()
    status = main(["evaluate", *map(str, inputs), "--weights-from", str(result), "--json", str(result),
                   "--force"])
    assert status == EXIT_INPUT
    assert result.read_bytes() == before
    report = tmp_path / "sens.html"
    report.write_text("old report", encoding="utf-8")
    args = ["sensitivity", str(result), *map(str, inputs), "--report", str(report), "--samples", "50",
            "--seed", "2"]
    assert main(args) == EXIT_INPUT
    assert report.read_text(encoding="utf-8") == "old report"
    assert main([*args, "--force"]) == EXIT_OK
    assert "<html" in report.read_text(encoding="utf-8").lower()
    assert result.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_existing_output_needs_force(inputs: list[Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    out.write_text("keep me", encoding="utf-8")
    args = ["evaluate", *map(str, inputs), "--json", str(out), "--seed", "1"]
    assert main(args) == EXIT_INPUT
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main([*args, "--force"]) == EXIT_OK
    assert json.loads(out.read_text(encoding="utf-8"))["format"].startswith("ppeval.EvaluationResult")
    assert _leftovers(tmp_path) == []


def test_failed_report_leaves_no_output(
    inputs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full while writing the report")

    monkeypatch.setattr(ppeval.report, "write_report", broken)
    out = tmp_path / "new" / "deeper"
    args = ["evaluate", *map(str, inputs), "--json", str(out / "r.json"), "--report", str(out / "r.html"),
            "--samples", "0", "--seed", "1"]
    assert main(args) == EXIT_FAILURE
    assert not (out / "r.json").exists()
    assert not (out / "r.html").exists()
    assert not (tmp_path / "new").exists()  # the folders this run created are gone too
    assert _leftovers(tmp_path) == []


def test_failed_report_keeps_the_previous_outputs(
    inputs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "r.json"
    old.write_text("previous result", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no")

    monkeypatch.setattr(ppeval.report, "write_report", broken)
    args = ["evaluate", *map(str, inputs), "--json", str(old), "--report", str(tmp_path / "r.html"),
            "--samples", "0", "--force"]
    assert main(args) == EXIT_FAILURE
    assert old.read_text(encoding="utf-8") == "previous result"
    assert _leftovers(tmp_path) == []


def test_created_output_folder_is_reported(inputs: list[Path], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "made" / "here" / "r.json"
    assert main(["evaluate", *map(str, inputs), "--json", str(out), "--seed", "1"]) == EXIT_OK
    assert out.exists()
    text = capsys.readouterr().out
    assert f"created the output folder {tmp_path / 'made'}" in text
    assert _leftovers(tmp_path) == []


def test_markdown_report_and_figures_written_together(inputs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "rep.md"
    assert main(["evaluate", *map(str, inputs), "--report", str(out), "--samples", "50", "--seed", "1"]) == EXIT_OK
    assert out.exists()
    assert _leftovers(tmp_path) == []
    # a second run without --force refuses (the report exists) and changes nothing
    before = out.read_bytes()
    assert main(["evaluate", *map(str, inputs), "--report", str(out), "--samples", "50", "--seed", "1"]) \
        == EXIT_INPUT
    assert out.read_bytes() == before


def test_reproduce_cli_names_the_file_and_the_difference(inputs: list[Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    assert main(["evaluate", *map(str, inputs), "--json", str(out), "--seed", "1"]) == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    data["contributions"][0][0] += 5.0
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["reproduce", str(edited), *map(str, inputs)]) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert "edited.json" in err
    assert "contributions[0][0] (project 'c01'" in err
    # --atol applies to every number, contributions included
    assert main(["reproduce", str(edited), *map(str, inputs), "--atol", "1e-9"]) == EXIT_FAILURE
    data["contributions"][0][0] -= 5.0 - 1e-12
    edited.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    assert main(["reproduce", str(edited), *map(str, inputs), "--atol", "1e-9"]) == EXIT_OK
    assert main(["reproduce", str(edited), *map(str, inputs)]) == EXIT_FAILURE
    # a file that is not a result is named
    capsys.readouterr()
    assert main(["reproduce", str(inputs[2]), *map(str, inputs)]) == EXIT_INPUT
    assert f"{inputs[2]}: not a ppeval result" in capsys.readouterr().err


def test_edited_seed_is_refused_by_sensitivity(inputs: list[Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    assert main(["evaluate", *map(str, inputs), "--json", str(out), "--seed", "1"]) == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    data["provenance"]["seed"] = 2
    out.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["sensitivity", str(out), *map(str, inputs), "--samples", "50"]) == EXIT_FAILURE
    assert "config_hash" in capsys.readouterr().err
