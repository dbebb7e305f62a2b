"""The ``ppeval`` command: exit codes, messages, files written, golden results.

Most commands run in-process through :func:`ppeval.cli.main` (fast); the
console script itself runs in a subprocess for the demo, a golden result,
reproduce and the error paths (exit status, one-line stderr, no traceback).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ppeval
from ppeval.cli import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, main, read_judgment_matrix
from ppeval.cli import _common as cli_common
from ppeval.cli import systems as cli_systems
from ppeval.errors import InputError
from ppeval.io import bundled

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
BROKEN = Path(__file__).resolve().parent / "data" / "broken" / "assessments"
DEMO = cli_common.DEMO_SYSTEM
#: Provenance fields that record the software versions (they change on upgrades, not with the inputs).
VERSION_FIELDS = {"ppeval_version", "numpy_version", "scipy_version"}


def _command() -> list[str]:
    """The installed console script, else ``python -m ppeval``."""
    exe = shutil.which("ppeval", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "ppeval"]


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "160"}
    return subprocess.run([*_command(), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120, check=False)


def _inputs(system: str = DEMO) -> list[str]:
    return [str(bundled.system_path(system)), *(str(p) for p in bundled.sample_assessment_paths(system))]


def _cases() -> list[dict[str, Any]]:
    return list(json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))["cases"])


def assert_same_result(got: Any, want: Any, path: str = "result") -> None:
    """Equal structure, strings and hashes; numbers within 1e-9 (relative or absolute); versions ignored."""
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        assert sorted(got) == sorted(want), f"{path}: keys differ"
        for key in want:
            if key in VERSION_FIELDS:
                continue
            assert_same_result(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), path
        assert len(got) == len(want), f"{path}: length {len(got)} != {len(want)}"
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_result(g, w, f"{path}[{k}]")
    elif isinstance(want, bool) or want is None or isinstance(want, str):
        assert got == want, f"{path}: {got!r} != {want!r}"
    elif isinstance(want, int | float):
        assert isinstance(got, int | float), path
        assert not isinstance(got, bool), path
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {got!r} != {want!r}"
    else:  # pragma: no cover - JSON has no other types
        raise AssertionError(f"{path}: unexpected {type(want).__name__}")


# --------------------------------------------------------------------------- console script


def test_demo_in_empty_directory(tmp_path: Path) -> None:
    """`ppeval demo` writes the report and result in the current directory and prints the ranking."""
    proc = _run(["demo", "--samples", "200"], cwd=tmp_path)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert proc.stderr == ""
    html = (tmp_path / "ppeval-report.html").read_text(encoding="utf-8")
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert html.startswith("<!DOCTYPE html>")
    for pid in result["project_ids"]:
        assert pid in proc.stdout
        assert pid in html
    assert "P(rank 1)" in proc.stdout
    assert "Rank acceptability" in html
    assert result["provenance"]["seed"] == cli_common.DEMO_SEED
    assert "ppeval reproduce result.json" in proc.stdout
    # the demo result is the golden one (same inputs, method, mode and seed)
    golden = json.loads((GOLDEN / "community-4stage.topsis-absolute.json").read_text(encoding="utf-8"))
    assert_same_result(result, golden)


def test_reproduce_verified(capsys: pytest.CaptureFixture[str]) -> None:
    golden = GOLDEN / "community-4stage.topsis-absolute.json"
    assert main(["reproduce", str(golden), *_inputs()]) == EXIT_OK
    assert f"verified: {golden} reproduces exactly (8 projects" in capsys.readouterr().out


def test_reproduce_tampered_exit_1(tmp_path: Path) -> None:
    """A changed measurement: exit 1, one line on stderr naming what differs, nothing on stdout."""
    inputs = _inputs()
    golden = GOLDEN / "community-4stage.topsis-absolute.json"
    values = Path(inputs[2])
    assert values.name.endswith(".values.csv")
    changed = tmp_path / "values.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    first[1] = repr(float(first[1]) + 1.0)
    changed.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    bad = _run(["reproduce", str(golden), inputs[0], inputs[1], str(changed), inputs[3]])
    assert bad.returncode == EXIT_FAILURE
    assert bad.stdout == ""
    assert "assessment differs" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_file_not_found_exit_2_without_traceback() -> None:
    proc = _run(["evaluate", "no-such-system.yaml", "data.csv"])
    assert proc.returncode == EXIT_INPUT
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ppeval: error: ")
    assert "no-such-system.yaml" in lines[0]


def test_debug_shows_traceback_via_python_m() -> None:
    proc = subprocess.run([sys.executable, "-m", "ppeval", "--debug", "ahp", "no-such-matrix.csv"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == EXIT_INPUT
    assert "Traceback" in proc.stderr
    assert "no-such-matrix.csv: file not found" in proc.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["evaluate", "no-such-system.yaml", "data.csv"], "no-such-system.yaml"),
        (["ahp", "no-such-matrix.csv"], "no-such-matrix.csv: file not found"),
        (["reproduce", "no-such-result.json", "s.yaml", "d.csv"], "no-such-result.json: file not found"),
        (["evaluate", str(bundled.system_path(DEMO)), str(BROKEN / "values-non-numeric.csv")],
         "values-non-numeric.csv"),
    ],
)
def test_bad_input_exit_2(args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == EXIT_INPUT
    captured = capsys.readouterr()
    assert captured.err.startswith("ppeval: error: ")
    assert fragment in captured.err
    assert "Traceback" not in captured.err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"ppeval {ppeval.__version__}"


# --------------------------------------------------------------------------- golden (in-process)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["name"])
def test_golden_results(case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every golden case: same numbers to 1e-9, same hashes, byte-identical JSON apart from versions."""
    out = tmp_path / "out.json"
    assert main(["evaluate", *_inputs(case["system"]), *case["args"], "--json", str(out)]) == EXIT_OK
    got = json.loads(out.read_text(encoding="utf-8"))
    want = json.loads((GOLDEN / f"{case['name']}.json").read_text(encoding="utf-8"))
    assert_same_result(got, want)
    for key in ("system_hash", "assessment_hash", "config_hash"):
        assert got["provenance"][key] == want["provenance"][key]
    stdout = capsys.readouterr().out
    for pid in got["project_ids"]:
        assert pid in stdout


def test_golden_comparison_detects_a_change() -> None:
    """The comparison used by the golden tests fails on a change of 1e-6 in any score."""
    want = json.loads((GOLDEN / "community-4stage.topsis-absolute.json").read_text(encoding="utf-8"))
    got = json.loads(json.dumps(want))
    got["score_100"][3] += 1e-6
    with pytest.raises(AssertionError, match=r"score_100\[3\]"):
        assert_same_result(got, want)
    got = json.loads(json.dumps(want))
    got["provenance"]["system_hash"] = "0" * 64
    with pytest.raises(AssertionError, match="system_hash"):
        assert_same_result(got, want)


# --------------------------------------------------------------------------- evaluate / report / sensitivity


def test_evaluate_writes_json_and_markdown_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "r.json", tmp_path / "sub" / "report.md"
    status = main(["evaluate", *_inputs(), "--method", "wsm", "--samples", "0", "--seed", "3",
                   "--json", str(out), "--report", str(report)])
    assert status == EXIT_OK
    text = report.read_text(encoding="utf-8")
    figures = sorted((tmp_path / "sub" / "report_figures").glob("*.svg"))
    assert figures, "the Markdown report's figures are written next to it"
    for f in figures:
        assert f"report_figures/{f.name}" in text
    assert "No sensitivity analysis was run" in text  # --samples 0
    assert f"ppeval reproduce {out}" in text
    assert json.loads(out.read_text(encoding="utf-8"))["provenance"]["seed"] == 3
    stdout = capsys.readouterr().out
    assert "Monte Carlo" not in stdout
    assert f"ppeval reproduce {out}" in stdout


def test_evaluate_report_without_seed_draws_and_records_one(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    assert main(["evaluate", *_inputs(), "--samples", "50", "--json", str(out)]) == EXIT_OK
    seed = json.loads(out.read_text(encoding="utf-8"))["provenance"]["seed"]
    assert isinstance(seed, int)
    assert seed >= 0
    stdout = capsys.readouterr().out
    assert f"Monte Carlo: 50 weight samples, seed {seed}" in stdout
    assert "P(rank 1)" in stdout


def test_evaluate_rejects_unknown_report_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["evaluate", *_inputs(), "--report", str(tmp_path / "r.pdf")])
    assert status == EXIT_INPUT
    err = capsys.readouterr().err
    assert "r.pdf" in err
    assert ".html or .md" in err
    assert not (tmp_path / "r.pdf").exists()


def test_sensitivity_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    golden = GOLDEN / "community-4stage.topsis-absolute.json"
    report = tmp_path / "sens.html"
    status = main(["sensitivity", str(golden), *_inputs(), "--samples", "200", "--seed", "5",
                   "--report", str(report)])
    assert status == EXIT_OK
    out = capsys.readouterr().out
    assert "Rank acceptability (200 weight samples, seed 5)" in out
    assert "Critical weight changes" in out
    assert "Agreement of other methods" in out
    for pid in json.loads(golden.read_text(encoding="utf-8"))["project_ids"]:
        assert pid in out
    page = report.read_text(encoding="utf-8")
    assert "200 weight vectors drawn" in page
    assert f"ppeval reproduce {golden}" in page


def test_sensitivity_refuses_a_result_that_does_not_reproduce(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((GOLDEN / "community-4stage.topsis-absolute.json").read_text(encoding="utf-8"))
    data["provenance"]["config"]["v"] = 0.25  # edited by hand: the config no longer matches its hash
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    assert main(["sensitivity", str(edited), *_inputs(), "--samples", "10"]) == EXIT_FAILURE
    assert "config_hash" in capsys.readouterr().err


def test_reproduce_rejects_a_file_that_is_not_a_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    assert main(["reproduce", str(other), *_inputs()]) == EXIT_INPUT
    assert "not a ppeval result" in capsys.readouterr().err


# --------------------------------------------------------------------------- validate, systems, schema


def test_validate_valid_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *_inputs()]) == EXIT_OK
    out = capsys.readouterr().out
    assert "valid indicator system 'community-4stage'" in out
    assert "valid assessment (8 projects" in out


def test_validate_lists_every_problem_with_file_and_row(capsys: pytest.CaptureFixture[str]) -> None:
    system = bundled.system_path(DEMO)
    bad = BROKEN / "values-non-numeric.csv"
    assert main(["validate", str(system), str(bad)]) == EXIT_INPUT
    out = capsys.readouterr().out
    problems = [line for line in out.splitlines() if line.strip().startswith("- ")]
    assert len(problems) >= 2
    assert all(str(bad) in line for line in problems)


def test_validate_invalid_system(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "s.yaml"
    text = bundled.system_path(DEMO).read_text(encoding="utf-8")
    broken.write_text(text.replace("schema_version: 1", "schema_version: 7", 1), encoding="utf-8")
    assert main(["validate", str(broken), *_inputs()[1:]]) == EXIT_INPUT
    out = capsys.readouterr().out
    assert f"{broken}: " in out
    assert "schema_version" in out
    assert "the data files were not checked" in out


def test_systems_lists_every_bundled_system(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["systems"]) == EXIT_OK
    out = capsys.readouterr().out
    for name in bundled.list_systems():
        assert name in out
        assert str(len(bundled.load_bundled(name).leaf_ids)) in out


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from ppeval.schema import json_schema

    assert main(["schema"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == json_schema()


@pytest.mark.parametrize(
    "args",
    [[], ["nonsense"], ["evaluate", "s.yaml"], ["evaluate", "s.yaml", "d.csv", "--method", "ahp"],
     ["evaluate", "s.yaml", "d.csv", "--samples", "-3"], ["ahp", "m.csv", "--top", "0"],
     ["demo", "--concentration", "-1"]],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == EXIT_INPUT
    assert "usage: ppeval" in capsys.readouterr().err


def test_internal_error_exit_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(args: Any) -> int:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(cli_systems, "run", boom)
    assert main(["systems"]) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: unexpected" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- ahp


def _write(tmp_path: Path, text: str, name: str = "m.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


SAATY_4 = "1,2,4,8\n1/2,1,2,4\n1/4,1/2,1,2\n1/8,1/4,1/2,1\n"


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (SAATY_4, ["1", "2", "3", "4"]),
        ("a,b,c,d\n" + SAATY_4, ["a", "b", "c", "d"]),
        (",a,b,c,d\n" + "".join(f"{x},{r}\n" for x, r in zip("abcd", SAATY_4.splitlines(), strict=True)),
         ["a", "b", "c", "d"]),
        ("".join(f"{x},{r}\n" for x, r in zip("abcd", SAATY_4.splitlines(), strict=True)), ["a", "b", "c", "d"]),
        ("# judgments of expert 1\n" + SAATY_4.replace(",", ";"), ["1", "2", "3", "4"]),
        (SAATY_4.replace(",", "\t"), ["1", "2", "3", "4"]),
        (SAATY_4.replace(",", "  "), ["1", "2", "3", "4"]),
        ("\ufeff" + SAATY_4, ["1", "2", "3", "4"]),
        ("1,2,4,8\n,1,2,4\n,,1,2\n,,,1\n", ["1", "2", "3", "4"]),  # upper triangle only
        ("1,2,4,8\n1/2,,2,4\n1/4,1/2,1,2\n1/8,1/4,1/2,1\n", ["1", "2", "3", "4"]),  # missing diagonal
    ],
    ids=["bare", "header", "both-labels", "row-labels", "semicolons-comment", "tabs", "spaces", "bom",
         "upper-triangle", "no-diagonal"],
)
def test_read_judgment_matrix_layouts(tmp_path: Path, text: str, labels: list[str]) -> None:
    got_labels, matrix, filled = read_judgment_matrix(_write(tmp_path, text))
    want = np.array([[1, 2, 4, 8], [1 / 2, 1, 2, 4], [1 / 4, 1 / 2, 1, 2], [1 / 8, 1 / 4, 1 / 2, 1]])
    assert got_labels == labels
    np.testing.assert_allclose(matrix, want, rtol=0, atol=1e-15)
    assert filled == (6 if "upper" in text or text.startswith("1,2,4,8\n,") else 0)


def test_read_judgment_matrix_keeps_missing_pairs(tmp_path: Path) -> None:
    labels, matrix, filled = read_judgment_matrix(_write(tmp_path, "1,2,?\n1/2,1,3\n,1/3,1\n"))
    assert np.isnan(matrix[0, 2])
    assert np.isnan(matrix[2, 0])
    assert filled == 0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1,3,x\n1/3,1,2\n1/x,1/2,1\n", "line 1, column 3: 'x' is not a judgment"),
        ("a,b\na,1,3\nb,1/3,1/0\n", "line 3, column 3: '1/0' is not a judgment"),
        ("1,3,5\n1/3,1\n1/5,1/2,1\n", "line 2: 2 judgments"),
        (",a,b\nx,1,2\ny,1/2,1\n", "row labels ['x', 'y'] differ from the column labels ['a', 'b']"),
        ("# nothing\n\n", "empty file"),
        ("a,b,c\n", "only a header row"),
    ],
)
def test_read_judgment_matrix_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match="^" + str(path).replace("\\", "\\\\")) as info:
        read_judgment_matrix(path)
    assert fragment in str(info.value)


def test_read_judgment_matrix_not_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "1,2\n0.5,1\n# Jüdgments\n", encoding="latin-1")
    with pytest.raises(InputError, match="not UTF-8"):
        read_judgment_matrix(path)


def test_ahp_command_inconsistent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Saaty-style 4x4 with one reversed judgment (a_14 = 1/2 instead of 8): CR > 0.1 and a_14 comes first.

    Priorities and the first judgment to revise are those of the ``ppeval.ahp.inconsistencies``
    doctest (current 1/2, consistent value 1.653); revising it to the nearest 1-9 value (2)
    brings the CR below 0.1.
    """
    path = _write(tmp_path, ",a,b,c,d\na,1,2,4,1/2\nb,1/2,1,2,4\nc,1/4,1/2,1,2\nd,2,1/4,1/2,1\n")
    assert main(["ahp", str(path), "--top", "2"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "NOT consistent (CR > 0.1)" in out
    assert "Judgments to revise first" in out
    rows = [line for line in out.splitlines() if line.startswith("│ a   │ d")]
    assert rows, out
    cells = [c.strip() for c in rows[0].strip("│").split("│")]
    assert cells[2] == "1/2"
    assert cells[3] == "1.653"
    assert cells[4] == "2"
    assert float(cells[5]) < 0.1


def test_ahp_command_consistent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, SAATY_4)
    assert main(["ahp", str(path), "--method", "geometric_mean"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "CR = 0.0000" in out
    assert "consistent (CR <= 0.1)" in out
    assert "no judgment needs revising" in out
    # priorities 8/15, 4/15, 2/15, 1/15
    for w in (8 / 15, 4 / 15, 2 / 15, 1 / 15):
        assert f"{w:.4f}" in out


def test_ahp_command_not_reciprocal_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "a,b\n1,3\n3,1\n")
    assert main(["ahp", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert str(path) in err
    assert "0 = a, 1 = b" in err


# --------------------------------------------------------------------------- progress


def test_progress_executor_gives_identical_monte_carlo_results() -> None:
    """The progress bar's executor changes no number and advances once per chunk."""
    from ppeval.sensitivity import monte_carlo

    rng = np.random.default_rng(4)
    x = rng.uniform(1, 10, size=(6, 4))
    w = np.array([0.1, 0.2, 0.3, 0.4])
    ticks: list[int] = []
    ex = cli_common._ProgressExecutor(lambda: ticks.append(1))
    a = monte_carlo(x, w, [1, -1, 1, 1], 3000, seed=9, concentration=50.0)
    b = monte_carlo(x, w, [1, -1, 1, 1], 3000, seed=9, concentration=50.0, executor=ex, chunk_size=256)
    np.testing.assert_array_equal(a.rank_acceptability, b.rank_acceptability)
    np.testing.assert_array_equal(a.score_mean, b.score_mean)
    assert len(ticks) == math.ceil(3000 / 256)


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    with cli_common._monte_carlo_progress(10**6, 1000) as executor:
        assert executor is None


def _many_projects(tmp_path: Path, copies: int) -> list[str]:
    """The budget-performance sample with every project repeated ``copies`` times under new ids."""
    import csv as _csv

    system, values, ratings = (str(bundled.system_path("budget-performance")),
                               *(str(p) for p in bundled.sample_assessment_paths("budget-performance")[1:]))
    out = []
    for src, name in ((values, "values.csv"), (ratings, "ratings.csv")):
        with open(src, encoding="utf-8", newline="") as f:
            rows = list(_csv.reader(f))
        body = [[f"{r[0]}-{k:03d}", *r[1:]] for k in range(copies) for r in rows[1:]]
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as f:
            _csv.writer(f).writerows([rows[0], *body])
        out.append(str(path))
    return [system, *out]


def test_long_ranking_prints_top_and_bottom_and_csv_has_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _many_projects(tmp_path, 10)  # 60 projects
    table = tmp_path / "ranking.csv"
    assert main(["evaluate", *inputs, "--csv", str(table)]) == EXIT_OK
    out = capsys.readouterr().out
    n_top, n_bottom = cli_common.PRINT_TOP, cli_common.PRINT_BOTTOM
    assert "60 projects: the top 20 and the bottom 10 are shown" in out
    assert f"{60 - n_top - n_bottom} more" in out
    rows = table.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 61
    assert rows[0].startswith("rank,project,name,score_100,grade")
    shown = [r.split(",")[1] for r in rows[1:]]
    printed = [pid for pid in shown if pid in out]
    assert printed == shown[:n_top] + shown[-n_bottom:]
    assert len(set(shown)) == 60


def test_method_choices_match_the_pipeline() -> None:
    from ppeval.pipeline import METHODS, MODES

    assert cli_common.METHOD_CHOICES == METHODS
    assert cli_common.MODE_CHOICES == MODES


def test_help_imports_no_numerics() -> None:
    """``ppeval --help`` starts fast: argparse and ppeval.errors only, no numpy, pydantic, scipy or rich."""
    code = (
        "import sys, contextlib, io\n"
        "from ppeval.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "heavy = [m for m in ('numpy', 'pydantic', 'scipy', 'rich', 'yaml') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == ""
