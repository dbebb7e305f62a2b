"""``reproduce`` checks every number, the seed and the inputs; row order is not data.

Every kind of field of a result JSON is edited (numbers, lists, strings,
provenance) and ``reproduce`` must reject each, naming the path; the rows of
each input file are shuffled and the hash and the result must stay byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ppeval import io
from ppeval.errors import InputError, ReproducibilityError
from ppeval.pipeline import assessment_hash, evaluate, reproduce
from ppeval.pipeline.provenance import assessment_fingerprints
from ppeval.pipeline.reproduction import result_differences

NAME = "community-4stage"


@pytest.fixture(scope="module")
def case() -> tuple[Path, list[Path], str]:
    system = io.bundled.system_path(NAME)
    paths = list(io.bundled.sample_assessment_paths(NAME))
    text = evaluate(system, paths, method="topsis", seed=5).to_json()
    return system, paths, text


def _edit(text: str, change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads(text)
    change(data)
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False)


def _shift(path: list[Any], by: float) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        obj: Any = d
        for p in path[:-1]:
            obj = obj[p]
        obj[path[-1]] += by

    return change


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        obj: Any = d
        for p in path[:-1]:
            obj = obj[p]
        obj[path[-1]] = value

    return change


def _reverse(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        obj: Any = d
        for p in path[:-1]:
            obj = obj[p]
        obj[path[-1]] = list(reversed(obj[path[-1]]))

    return change


EDITS = [
    # numbers
    ("score_100 by 1e-10", _shift(["score_100", 2], 1e-10), r"score_100\[2\] \(project 'c03'\)"),
    ("a contribution by 5", _shift(["contributions", 1, 0], 5.0),
     r"contributions\[1\]\[0\] \(project 'c02', indicator"),
    ("a weight", _shift(["weights", 3], 1e-3), r"weights\[3\] \(indicator"),
    ("a rank", _shift(["ranks", 0], 1), r"ranks\[0\] \(project 'c01'\)"),
    ("a sub-score", _shift(["node_scores", 4, 1], 0.25), r"node_scores\[4\]\[1\] \(project 'c05', node"),
    ("a local weight", _shift(["node_weights", 0, "weights", 0], 0.01), r"node_weights\[0\]\.weights\[0\] \(node"),
    ("a normalised value", _shift(["normalized", 0, 0], 0.5), r"normalized\[0\]\[0\] \(project 'c01'"),
    ("an agreement", _shift(["qualitative", "agreement", 0], 0.1), r"qualitative\.agreement\[0\] \(indicator"),
    # lists
    ("weakest reordered", _reverse(["weakest", 0]), r"weakest\[0\]\[0\] \(project 'c01'\)"),
    ("project order", _reverse(["project_ids"]), r"project_ids\[0\] \(project"),
    ("a list shortened", _set(["grade_labels"], ["a"]), r"grade_labels: recorded 1 entries"),
    # strings
    ("a grade", _set(["grades", 0], "excellent-ish"), r"grades\[0\] \(project 'c01'\)"),
    ("a project name", _set(["project_names", 1], "Renamed"), r"project_names\[1\]"),
    ("a diagnostic message", _set(["diagnostics", 0, "message"], "nothing to see"), r"diagnostics\[0\]\.message"),
    # provenance
    ("the seed", _set(["provenance", "seed"], 6), r"(?s)seed = 6\).*config_hash"),
    ("the method option", _set(["provenance", "config", "method"], "wsm"), r"config_hash"),
    ("the config hash", _set(["provenance", "config_hash"], "0" * 64), r"config_hash"),
    ("the system hash", _set(["provenance", "system_hash"], "0" * 64), r"indicator system differs"),
    ("the assessment hash", _set(["provenance", "assessment_hash"], "0" * 64), r"assessment differs"),
    ("a version", _set(["provenance", "numpy_version"], "0.0.1"), r"provenance\.numpy_version"),
    ("a fingerprint", _set(["provenance", "project_fingerprints", "c01"], "0" * 16), r"project_fingerprints\.c01"),
]


@pytest.mark.parametrize(("what", "change", "fragment"), EDITS, ids=[e[0] for e in EDITS])
def test_every_kind_of_edit_is_rejected_naming_the_path(
    case: tuple[Path, list[Path], str], what: str, change: Callable[[dict[str, Any]], None], fragment: str
) -> None:
    system, paths, text = case
    edited = _edit(text, change)
    assert edited != text
    with pytest.raises(ReproducibilityError, match=fragment):
        reproduce(edited, system, paths)


def test_untouched_result_reproduces_byte_for_byte(case: tuple[Path, list[Path], str], tmp_path: Path) -> None:
    system, paths, text = case
    assert reproduce(text, system, paths).to_json() == text
    f = tmp_path / "result.json"
    f.write_text(text, encoding="utf-8")
    assert reproduce(f, system, paths).to_json() == text


def test_atol_applies_to_every_numeric_field(case: tuple[Path, list[Path], str]) -> None:
    system, paths, text = case
    small = _edit(text, _shift(["contributions", 1, 0], 1e-12))
    with pytest.raises(ReproducibilityError, match="contributions"):
        reproduce(small, system, paths)
    assert reproduce(small, system, paths, atol=1e-9).to_json() == text
    # a field outside scores / weights / ranks / grades is compared under atol too
    big = _edit(text, _shift(["contributions", 1, 0], 5.0))
    with pytest.raises(ReproducibilityError, match=r"(?s)within atol=1e-09.*contributions\[1\]\[0\]"):
        reproduce(big, system, paths, atol=1e-9)
    # strings stay exact under atol
    with pytest.raises(ReproducibilityError, match=r"weakest\[0\]"):
        reproduce(_edit(text, _reverse(["weakest", 0])), system, paths, atol=1.0)
    # version strings are compared byte for byte only
    other = _edit(text, _set(["provenance", "numpy_version"], "0.0.1"))
    assert reproduce(other, system, paths, atol=0.0).to_json() == text


def test_reformatted_file_is_named_as_reformatted(case: tuple[Path, list[Path], str]) -> None:
    system, paths, text = case
    with pytest.raises(ReproducibilityError, match="reformatted"):
        reproduce(json.dumps(json.loads(text)), system, paths)


def test_not_a_result_names_the_file(case: tuple[Path, list[Path], str], tmp_path: Path) -> None:
    system, paths, _ = case
    f = tmp_path / "values.csv"
    f.write_text("project,a\nx,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"values\.csv: not a ppeval result"):
        reproduce(f, system, paths)
    g = tmp_path / "other.json"
    g.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match=r"other\.json: not a ppeval result"):
        reproduce(g, system, paths)


def _shuffled_copy(src: Path, dst: Path, seed: int) -> Path:
    lines = src.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    order = np.random.default_rng(seed).permutation(len(rows))
    dst.write_text("\n".join([header, *(rows[i] for i in order)]) + "\n", encoding="utf-8")
    return dst


@pytest.mark.parametrize("which", ["projects", "values", "ratings"])
@pytest.mark.parametrize("method", ["topsis", "wsm", "vikor", "fce"])
def test_row_order_is_not_data(which: str, method: str, tmp_path: Path) -> None:
    """Shuffling the rows of any input file gives the same hash and a byte-identical result."""
    system = io.load_system(io.bundled.system_path(NAME))
    paths = list(io.bundled.sample_assessment_paths(NAME))
    shuffled = [
        _shuffled_copy(p, tmp_path / p.name, seed=7) if which in p.name else p for p in paths
    ]
    a0 = io.load_assessment(paths, system)
    a1 = io.load_assessment(shuffled, system)
    assert assessment_hash(a0) == assessment_hash(a1)
    assert assessment_fingerprints(a0).projects == assessment_fingerprints(a1).projects
    r0 = evaluate(system, a0, method=method, seed=3)  # type: ignore[arg-type]
    r1 = evaluate(system, a1, method=method, seed=3)  # type: ignore[arg-type]
    assert r0.to_json() == r1.to_json()
    # and the stored result of one reproduces byte for byte from the other's files
    assert reproduce(r0.to_json(), system, shuffled).to_json() == r0.to_json()


def test_changed_input_names_file_projects_and_indicators(tmp_path: Path) -> None:
    system = io.load_system(io.bundled.system_path(NAME))
    paths = list(io.bundled.sample_assessment_paths(NAME))
    text = evaluate(system, paths, seed=1).to_json()
    values = next(p for p in paths if "values" in p.name)
    lines = values.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")  # project c03
    j = next(k for k in range(1, len(cells)) if cells[k] not in ("",))
    cells[j] = str(float(cells[j]) * 0.5 if float(cells[j]) else 1.0)
    lines[3] = ",".join(cells)
    changed = tmp_path / values.name
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    new_paths = [changed if p == values else p for p in paths]
    with pytest.raises(ReproducibilityError) as err:
        reproduce(text, system, new_paths)
    msg = str(err.value)
    assert f"files changed: '{values.name}'" in msg
    assert "projects changed: 'c03'" in msg
    assert f"indicators changed: '{header[j]}'" in msg
    # the ratings and projects files are not named
    assert "ratings.csv" not in msg
    assert "projects.csv" not in msg


def test_result_differences_counts_and_limits() -> None:
    a = {"project_ids": ["p", "q"], "score_100": [1.0, 2.0, 3.0], "grades": ["a", "b"]}
    b = {"project_ids": ["p", "q"], "score_100": [1.5, 2.5, 3.0], "grades": ["a", "c"]}
    lines, count = result_differences(a, b, most=2)
    assert count == 3
    assert lines == [
        "grades[1] (project 'q'): recorded 'b' -> recomputed 'c'",
        "score_100[0] (project 'p'): recorded 1.0 -> recomputed 1.5",
    ]
    assert result_differences(a, b, atol=0.6)[1] == 1
    # an int written as a float is a difference byte for byte, not under atol
    assert result_differences({"x": [1]}, {"x": [1.0]})[1] == 1
    assert result_differences({"x": [1]}, {"x": [1.0]}, atol=0.0)[1] == 0


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_hash_is_over_the_parsed_data_not_the_file_bytes(encoding: str, tmp_path: Path) -> None:
    """The same table saved by Excel on Chinese Windows (GBK), as "Unicode text" (UTF-16) or UTF-8 hashes alike."""
    system = io.load_system(io.bundled.system_path(NAME))
    paths = list(io.bundled.sample_assessment_paths(NAME))
    projects = next(p for p in paths if "projects" in p.name)
    lines = projects.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    k = header.index("name")
    rows = [line.split(",") for line in lines[1:]]
    for i, row in enumerate(rows):
        row[k] = f"社区服务项目{i + 1}"
    text = "\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n"
    utf8 = tmp_path / "utf8" / projects.name
    other = tmp_path / encoding / projects.name
    for f, enc in ((utf8, "utf-8"), (other, encoding)):
        f.parent.mkdir()
        f.write_bytes(text.encode(enc))
    assert utf8.read_bytes() != other.read_bytes()
    a = io.load_assessment([utf8 if p == projects else p for p in paths], system)
    b = io.load_assessment([other if p == projects else p for p in paths], system)
    assert a.projects[0].name == b.projects[0].name == "社区服务项目1"
    assert assessment_hash(a) == assessment_hash(b)
    assert assessment_fingerprints(a) == assessment_fingerprints(b)


def test_renamed_files_with_the_same_data_reproduce(case: tuple[Path, list[Path], str], tmp_path: Path) -> None:
    """File names are not data: the same data under other names (or split otherwise) reproduce."""
    system, paths, text = case
    renamed = []
    for k, p in enumerate(paths):
        dst = tmp_path / f"copy{k}-{p.name}"
        dst.write_bytes(p.read_bytes())
        renamed.append(dst)
    assert reproduce(text, system, renamed).to_json() == text
