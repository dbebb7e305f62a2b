"""Tests of ppeval.io: system files (YAML/JSON/TOML), the broken corpus, assessments, bundled systems."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import ppeval.errors as errors
from ppeval.errors import DataError, InputError, SchemaError
from ppeval.io import (
    FileProblem,
    assessment_from_frames,
    bundled,
    dump_system,
    dumps_system,
    list_systems,
    load_assessment,
    load_bundled,
    load_sample,
    load_system,
    sample_assessment_paths,
    system_from_dict,
    system_path,
    system_problems,
    system_to_dict,
)
from ppeval.io import _read as read_mod
from ppeval.schema import Assessment, IndicatorSystem

DATA = Path(__file__).resolve().parent / "data"
SYSTEMS = DATA / "systems"
BROKEN = DATA / "broken"
FIXED = SYSTEMS / "small-fixed"
SYSTEM_CASES = yaml.safe_load((BROKEN / "cases.yaml").read_text(encoding="utf-8"))
ASSESSMENT_CASES = yaml.safe_load((BROKEN / "assessments" / "cases.yaml").read_text(encoding="utf-8"))
VALID_SYSTEMS = sorted(p.name for p in SYSTEMS.iterdir() if p.suffix in (".yaml", ".toml", ".json")
                       and p.name.count(".") == 1)


@pytest.fixture(scope="module")
def fixed() -> IndicatorSystem:
    return load_system(FIXED.with_suffix(".yaml"))


def csv_trio() -> list[Path]:
    return [Path(f"{FIXED}.projects.csv"), Path(f"{FIXED}.values.csv"), Path(f"{FIXED}.ratings.csv")]


# ---------------------------------------------------------------------------------------------- systems
@pytest.mark.parametrize("name", VALID_SYSTEMS)
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_valid_systems_round_trip_through_files(name: str, fmt: str, tmp_path: Path) -> None:
    system = load_system(SYSTEMS / name)
    out = dump_system(system, tmp_path / f"copy.{fmt}")
    again = load_system(out)
    assert again == system
    assert out.read_text(encoding="utf-8") == dumps_system(again, fmt)  # type: ignore[arg-type]
    assert system_problems(out) == ()


def test_valid_test_systems_are_present() -> None:
    assert {"small-fixed.yaml", "small-ahp.yaml", "mixed-data.toml"} <= set(VALID_SYSTEMS)


def test_dump_keeps_fractions_and_missing_judgments(tmp_path: Path) -> None:
    system = load_system(SYSTEMS / "small-ahp.yaml")
    data = system_to_dict(system)
    matrix = data["root"]["children"][0]["weighting"]["experts"][1]["judgments"]["matrix"]
    assert matrix[0][2] is None
    assert matrix[1][0] == 0.5
    text = dumps_system(system, "toml")
    assert '"?"' in text  # TOML has no null: a missing judgment is written as "?"
    assert system_from_dict(tomllib.loads(text)) == system
    assert json.loads(dumps_system(system, "json")) == data


ANCHORED = """
schema_version: 1
id: anchors
name: Anchors
version: "1"
source: test
root:
  id: total
  name: Total
  weighting: {method: equal}
  children:
    - {id: a, name: A, kind: qualitative, direction: benefit, scale: &five {type: likert, points: 5}}
    - {id: b, name: B, kind: qualitative, direction: benefit, scale: *five}
"""


def test_yaml_anchors_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(ANCHORED, encoding="utf-8")
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text(ANCHORED.replace("&five ", "").replace("*five", "{type: likert, points: 5}"),
                        encoding="utf-8")
    assert load_system(path) == load_system(explicit)
    assert load_system(path).leaf("b").scale.points == 5  # type: ignore[union-attr]


@pytest.mark.parametrize("case", SYSTEM_CASES, ids=[c["file"] for c in SYSTEM_CASES])
def test_broken_system_files(case: dict[str, Any]) -> None:
    """Each broken file raises the listed error class; the message names the path and id."""
    error = getattr(errors, case["error"])
    with pytest.raises(errors.PPEvalError) as info:
        load_system(BROKEN / case["file"])
    assert type(info.value) is error, str(info.value)
    text = str(info.value)
    for fragment in case["match"]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    if case["error"] != "InputError":
        assert case["file"] in text  # the file is always named


def test_broken_corpus_is_large_enough() -> None:
    assert len(SYSTEM_CASES) + len(ASSESSMENT_CASES) >= 30
    assert len({c["file"] for c in SYSTEM_CASES}) == len(SYSTEM_CASES)
    listed = {c["file"] for c in SYSTEM_CASES}
    on_disk = {p.name for p in BROKEN.iterdir() if p.is_file() and p.name != "cases.yaml"}
    assert listed == on_disk  # every broken file is checked


def test_system_problems_lists_without_raising() -> None:
    problems = system_problems(BROKEN / "several-problems.yaml")
    assert len(problems) == 3
    assert all(isinstance(p, FileProblem) for p in problems)
    assert problems[1].path == "root.children[0].bounds"
    assert problems[1].subject == "indicator 'a'"
    assert str(problems[1]).startswith("root.children[0].bounds (indicator 'a'): ")
    [consistency] = system_problems(BROKEN / "ahp-reject-inconsistent.yaml")
    assert consistency.kind == "consistency"
    [parse] = system_problems(BROKEN / "yaml-syntax.yaml")
    assert "invalid YAML" in parse.message
    assert system_problems(SYSTEMS / "small-ahp.yaml") == ()


@pytest.mark.parametrize(
    ("setup", "error", "fragment"),
    [
        (lambda p: p / "missing.yaml", InputError, "cannot read"),
        (lambda p: _mkdir(p / "folder.yaml"), InputError, "is not a file"),
        (lambda p: _write(p / "x.yaml", b"name: \xff\xfe\n"), SchemaError,
         "line 1, column 7: byte 0xff is not valid UTF-8"),
        (lambda p: _write(p / "x.yml", b""), SchemaError, "top level must be a mapping"),
        (lambda p: _write(p / "x.json", b"{\n  \"a\": ,\n}"), SchemaError, "line 2, column 8: invalid JSON"),
        (lambda p: _write(p / "x.yaml", b"!!python/object:os.system\nx: 1\n"), SchemaError, "invalid YAML"),
    ],
)
def test_unreadable_system_files(tmp_path: Path, setup: Any, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        load_system(setup(tmp_path))
    assert fragment in str(info.value)


def test_yaml_alias_bomb_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10**9 values by aliases: the node budget stops it (budget lowered here to keep the test fast)."""
    monkeypatch.setattr(read_mod, "MAX_NODES", 100_000)
    with pytest.raises(SchemaError, match="more than 100,000 values"):
        load_system(_write(tmp_path / "bomb.yaml", _alias_bomb()))


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ppeval.io import _system

    monkeypatch.setattr(_system, "MAX_SYSTEM_BYTES", 100)
    with pytest.raises(InputError, match="files over 100 bytes are not read"):
        load_system(SYSTEMS / "small-fixed.yaml")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    raw = (SYSTEMS / "small-fixed.yaml").read_bytes()
    path = _write(tmp_path / "bom.yaml", b"\xef\xbb\xbf" + raw)
    assert load_system(path).id == "small-fixed"


def test_dump_rejects_unknown_suffix_and_object(fixed: IndicatorSystem, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown file type '.txt'"):
        dump_system(fixed, tmp_path / "x.txt")
    with pytest.raises(InputError, match="valid values are 'yaml', 'json', 'toml'"):
        dumps_system(fixed, "xml")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be an IndicatorSystem"):
        system_to_dict({"id": "x"})  # type: ignore[arg-type]


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _alias_bomb() -> bytes:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    return ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------------------------------------- assessments
def test_csv_trio_loads(fixed: IndicatorSystem) -> None:
    a = load_assessment(csv_trio(), fixed)
    assert isinstance(a, Assessment)
    assert a.system_id == "small-fixed"
    assert a.project_ids == ("p1", "p2", "p3")
    assert a.projects[0].organisation == "Sunrise Social Work Centre"
    assert a.projects[0].contract_value == 120000
    assert a.projects[2].contract_value is None
    assert a.indicator_ids == fixed.leaf_ids
    np.testing.assert_array_equal(a.values[:, :4], [[150, 800, 0.09, 2], [90, 1500, 0.2, 5], [200, 200, 0.1, 1]])
    assert np.isnan(a.values[:, 4:]).all()
    assert not a.missing.any()
    r = a.ratings
    # labels (case-insensitive) and values both map to scale values; an empty rating is a missing answer
    # ratings come in the canonical order: project, indicator (leaf order), group, rater (file order is not data)
    np.testing.assert_array_equal(r.value, [4, 4, 5, 100, 50, 2, np.nan, 50, 3, 0])
    assert r.line.tolist() == [4, 2, 3, 5, 6, 7, 8, 9, 10, 11]
    assert r.file.tolist() == [2] * 10
    assert r.rater.tolist()[:3] == ["e1", "r1", "r2"]
    assert r.group.tolist()[0] == "expert"
    assert [a.indicator_ids[i] for i in r.indicator[:4]] == ["satisfaction"] * 3 + ["quality"]
    assert r.missing.sum() == 1
    for arr in (a.values, a.missing, r.value, r.project, r.indicator, r.rater, r.line):
        assert not arr.flags.writeable
    answered, unanswered = a.rating_counts()
    assert answered[:, 4].tolist() == [3, 1, 1]
    assert unanswered[:, 4].tolist() == [0, 1, 0]
    assert a.sources == tuple(str(p) for p in csv_trio())


def _same(a: Assessment, b: Assessment) -> None:
    assert a.project_ids == b.project_ids
    assert a.projects == b.projects
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.missing, b.missing)
    for name in ("project", "indicator", "rater", "group", "value"):
        np.testing.assert_array_equal(getattr(a.ratings, name), getattr(b.ratings, name))


def test_json_yaml_and_frames_equal_csv(fixed: IndicatorSystem, tmp_path: Path) -> None:
    import pandas as pd

    from_csv = load_assessment(csv_trio(), fixed)
    from_json = load_assessment(f"{FIXED}.assessment.json", fixed)
    _same(from_csv, from_json)
    data = json.loads(Path(f"{FIXED}.assessment.json").read_text(encoding="utf-8"))
    yml = tmp_path / "a.yaml"
    yml.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _same(from_csv, load_assessment(yml, fixed))
    frames = {
        "values": pd.read_csv(f"{FIXED}.values.csv"),
        "ratings": pd.read_csv(f"{FIXED}.ratings.csv", dtype=str, keep_default_na=False),
        "projects": pd.read_csv(f"{FIXED}.projects.csv", dtype={"period": str}),
    }
    _same(from_csv, assessment_from_frames(fixed, **frames))
    # project as index; numeric ratings column
    values = frames["values"].set_index("project")
    ratings = pd.DataFrame({"project": ["p1", "p2"], "indicator": ["satisfaction", "quality"],
                            "rater": ["r1", "e1"], "group": ["resident", "expert"], "rating": [4, np.nan]})
    a = assessment_from_frames(fixed, values=values, ratings=ratings)
    assert a.project_ids == ("p1", "p2", "p3")
    np.testing.assert_array_equal(a.ratings.value, [4.0, np.nan])


def test_frames_errors_name_row_and_column(fixed: IndicatorSystem) -> None:
    import pandas as pd

    values = pd.DataFrame({"project": ["p1", "p2"], "sessions": [10, 900], "cost_per_user": [300, 400],
                           "staff_ratio": [0.1, 0.1], "response_days": [2, 2]}, index=["a", "b"])
    with pytest.raises(DataError, match=r"values DataFrame row 1 \(index 'b'\), column 'sessions': 900 lies outside"):
        assessment_from_frames(fixed, values=values)
    with pytest.raises(InputError, match="no 'project' column"):
        assessment_from_frames(fixed, values=values.drop(columns="project"))
    with pytest.raises(InputError, match="must be a pandas or polars DataFrame"):
        assessment_from_frames(fixed, values={"project": ["p1"]})
    with pytest.raises(InputError, match="give at least one of"):
        assessment_from_frames(fixed)


@pytest.mark.parametrize("case", ASSESSMENT_CASES, ids=[c["files"][-1] for c in ASSESSMENT_CASES])
def test_broken_assessments(fixed: IndicatorSystem, case: dict[str, Any]) -> None:
    """Each broken assessment raises the listed error naming file, line, column and ids."""
    error = getattr(errors, case["error"])
    with pytest.raises(errors.PPEvalError) as info:
        load_assessment([BROKEN / "assessments" / f for f in case["files"]], fixed)
    assert type(info.value) is error, str(info.value)
    for fragment in case["match"]:
        assert fragment in str(info.value), f"{fragment!r} not in:\n{info.value}"


def test_broken_assessment_files_are_all_listed() -> None:
    listed = {f for c in ASSESSMENT_CASES for f in c["files"]}
    broken = {p.name for p in (BROKEN / "assessments").iterdir() if not p.name.startswith(("good.", "cases."))}
    assert broken <= listed  # every broken file is checked (good.* are the valid companions)


def test_missing_values_under_impute_policies(fixed: IndicatorSystem) -> None:
    path = BROKEN / "assessments" / "values-missing-reject.csv"
    with pytest.raises(DataError, match="missing value for project 'p2'"):
        load_assessment(path, fixed)
    for policy in ("worst", "mean"):
        a = load_assessment(path, fixed, missing=policy)  # type: ignore[arg-type]
        assert a.missing_cells() == (("p2", "cost_per_user"),)
        assert np.isnan(a.values[1, 1])
        assert a.missing[1, 1]
        assert a.missing.sum() == 1
    with pytest.raises(InputError, match="missing is 'drop'"):
        load_assessment(path, fixed, missing="drop")  # type: ignore[arg-type]


def test_project_order_and_blank_rows(fixed: IndicatorSystem, tmp_path: Path) -> None:
    values = tmp_path / "v.csv"
    values.write_text(
        "\ufeffproject, sessions ,cost_per_user,staff_ratio,response_days\r\n"
        "p2, 90 ,1500,0.2,5\r\n,,,,\r\n\r\np1,150,800,0.09,2\r\n", encoding="utf-8"
    )
    ratings_a = tmp_path / "ra.csv"
    ratings_a.write_text("project,indicator,rater,group,rating\np1,satisfaction,r1,resident,4\n", encoding="utf-8")
    ratings_b = tmp_path / "rb.csv"
    ratings_b.write_text("rating,group,rater,indicator,project\nGOOD,resident,r2,satisfaction,p2\n",
                         encoding="utf-8")
    a = load_assessment([values, ratings_a, ratings_b], fixed)
    assert a.project_ids == ("p1", "p2")  # the canonical order (ids sorted), not the values file's
    assert a.values[0, 0] == 150
    assert a.values[1, 0] == 90
    assert a.ratings.file.tolist() == [1, 2]
    assert a.ratings.line.tolist() == [2, 2]
    assert a.ratings.project.tolist() == [0, 1]
    assert a.ratings.value.tolist() == [4.0, 4.0]


def test_ratings_only_define_projects(fixed: IndicatorSystem) -> None:
    a = load_assessment(BROKEN / "assessments" / "good.ratings.csv", fixed, missing="worst")
    assert a.project_ids == ("p1", "p2")
    assert a.missing[:, :4].all()
    with pytest.raises(DataError, match="indicator 'sessions': no values for any project"):
        load_assessment(BROKEN / "assessments" / "good.ratings.csv", fixed)


def test_assessment_argument_errors(fixed: IndicatorSystem, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="path_or_paths is empty"):
        load_assessment([], fixed)
    with pytest.raises(InputError, match="unknown file type '.docx'"):
        load_assessment(tmp_path / "a.docx", fixed)
    with pytest.raises(InputError, match="a.xlsx: no such file"):
        load_assessment(tmp_path / "a.xlsx", fixed)
    with pytest.raises(InputError, match="system must be an IndicatorSystem"):
        load_assessment(csv_trio(), "small-fixed")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="cannot read"):
        load_assessment(tmp_path / "nope.csv", fixed)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty file"):
        load_assessment(empty, fixed)
    header_only = tmp_path / "h.csv"
    header_only.write_text("project,sessions\n", encoding="utf-8")
    with pytest.raises(DataError, match="no projects"):
        load_assessment(header_only, fixed)


def test_many_problems_are_capped(fixed: IndicatorSystem, tmp_path: Path) -> None:
    rows = "\n".join(f"p{i},x{i},800,0.1,2" for i in range(200))
    path = tmp_path / "v.csv"
    path.write_text("project,sessions,cost_per_user,staff_ratio,response_days\n" + rows + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_assessment(path, fixed)
    text = str(info.value)
    assert "line 2, column 'sessions': 'x0' is not a number" in text
    assert "non-numeric values in column 'sessions': 200 rows in all" in text
    assert len(text.splitlines()) < 20


def test_large_assessment_loads(tmp_path: Path) -> None:
    """A scaled-down version of benchmarks/bench_io.py (1,000 projects x 50, 20,000 ratings)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import bench_io
    finally:
        sys.path.pop(0)
    system = bench_io.make_system(50, 10)
    paths = bench_io.write_files(tmp_path, system, 1_000, 20_000, seed=7)
    a = load_assessment(paths, system)
    assert a.values.shape == (1_000, 60)
    assert len(a.ratings) == 20_000
    assert np.isfinite(a.values[:, :50]).all()
    assert np.isnan(a.values[:, 50:]).all()
    # the mapping of labels and numeric ratings agrees with a direct recomputation
    with paths[2].open(newline="", encoding="utf-8") as fh:
        raw = [row[4] for row in list(csv.reader(fh))[1:]]
    table = {"very poor": 1.0, "poor": 2.0, "fair": 3.0, "good": 4.0, "very good": 5.0, "": np.nan}
    expected = np.array([table[t] if t in table else float(t) for t in raw])
    np.testing.assert_array_equal(a.ratings.value, expected[a.ratings.line - 2])  # canonical order


def test_io_does_not_import_pandas() -> None:
    code = "import sys, ppeval.io, ppeval.schema; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------- bundled
def test_bundled_systems_load_and_are_named_by_id() -> None:
    names = list_systems()
    assert len(names) >= 4
    for name in names:
        system = load_bundled(name)
        assert system.id == name
        assert system_path(name).name == f"{name}.yaml"
        assert system.qualitative_leaf_ids
        assert system.quantitative_leaf_ids
        for report in system.consistency():
            assert report.consistent, report.message()
        weights = system.global_weights()
        assert abs(sum(weights.values()) - 1) < 1e-9


@pytest.mark.parametrize("name", list_systems())
def test_bundled_samples_load(name: str) -> None:
    paths = sample_assessment_paths(name)
    assert all(p.parent == bundled.bundled_dir() for p in paths)
    system, assessment = load_sample(name)
    assert assessment.system_id == name
    assert assessment.n_projects >= 2
    assert len(assessment.ratings) > 0


def test_bundled_errors() -> None:
    with pytest.raises(InputError, match="no bundled indicator system 'nope'; available: "):
        system_path("nope")


def test_bundled_prefers_package_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packaged = tmp_path / "_bundled"
    packaged.mkdir()
    shutil.copy(SYSTEMS / "small-fixed.yaml", packaged / "small-fixed.yaml")
    shutil.copy(f"{FIXED}.values.csv", packaged / "small-fixed.values.csv")
    shutil.copy(SYSTEMS / "small-fixed.yaml", packaged / "small-fixed.assessment.yaml")  # not a system
    monkeypatch.setattr(bundled, "_candidates", lambda: (packaged, tmp_path / "indicators"))
    assert list_systems() == ("small-fixed",)
    assert sample_assessment_paths("small-fixed") == (packaged / "small-fixed.values.csv",)
    monkeypatch.setattr(bundled, "_candidates", lambda: (tmp_path / "none", tmp_path / "indicators"))
    with pytest.raises(InputError, match="bundled indicator systems are missing"):
        list_systems()


def test_sample_paths_need_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SYSTEMS / "small-fixed.yaml", tmp_path / "small-fixed.yaml")
    monkeypatch.setattr(bundled, "_candidates", lambda: (tmp_path,))
    with pytest.raises(InputError, match="has no sample assessment"):
        sample_assessment_paths("small-fixed")


def test_read_module_rejects_unknown_suffix() -> None:
    with pytest.raises(InputError, match="unknown file type '.ini'"):
        read_mod.parse_structured("", ".ini", "x.ini", error=SchemaError)


def test_line_numbers_count_multiline_fields(fixed: IndicatorSystem, tmp_path: Path) -> None:
    projects = tmp_path / "projects.csv"
    projects.write_text('project,name\np1,"two\nlines"\np2,B\n\np2,C\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"projects.csv, line 6, column 'project': project 'p2' is listed again "
                                        r"\(first at .*projects.csv, line 4\)"):
        load_assessment([projects, BROKEN / "assessments" / "good.values.csv"], fixed)
    plain = tmp_path / "plain.csv"
    plain.write_text("project,name\np1,A\n\np2,B\np2,C\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"plain.csv, line 5, column 'project'"):
        load_assessment([plain, BROKEN / "assessments" / "good.values.csv"], fixed)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (",a,b\na,1,0\nb,,1\n", "line 2, column 3: '0' is not a judgment"),
        (",a,b\na,1,1e400\nb,,1\n", "line 2, column 3: '1e400' is not a judgment"),
        (",a,b\na,1,1e-400\nb,,1\n", "line 2, column 3: '1e-400' is not a judgment"),
        (",a,b\na,1,3\nb,1/1e400,1\n", "line 3, column 2: '1/1e400' is not a judgment"),
        (",a,a\na,1,3\na,1/3,1\n", "element 'a' is labelled twice"),
    ],
)
def test_judgment_matrix_refuses_unusable_ratios(tmp_path: Path, text: str, fragment: str) -> None:
    """A judgment of 0 or one that overflows (1e400) or underflows (1e-400) was read as 0/inf and became
    inf as a reciprocal; duplicate labels were accepted. Both are errors naming file, line and column."""
    from ppeval.io import read_judgment_matrix

    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(fragment)):
        read_judgment_matrix(tmp_path / "m.csv")
