"""Questionnaire exports (wide: a row per respondent) read through a mapping equal the long ratings file.

The export imitates a 问卷星 (Wenjuanxing) download: 序号, 提交答卷时间, 所用时间, 来源,
来源详情, 来自IP, the respondent's identity and the service project as text,
then 30 questions ``N、...`` answered 非常满意 ... 非常不满意 (three of them
agreement statements, reverse-coded), with skipped questions as ``(跳过)`` and
unanswered ones empty. The long ratings file is written independently from the
same answer codes; both must load to the same ratings and assessment hash.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ppeval.errors import DataError
from ppeval.io import Questionnaire, load_assessment, system_from_dict
from ppeval.pipeline.provenance import assessment_hash
from ppeval.schema import IndicatorSystem

N_RESPONDENTS, N_QUESTIONS = 2_000, 30
SATISFACTION = ["非常不满意", "不满意", "一般", "满意", "非常满意"]  # levels 1..5
AGREEMENT = ["非常不同意", "不同意", "一般", "同意", "非常同意"]
REVERSED = {6, 17, 25}  # 0-based questions stated negatively ("办事需要多次往返")
PROJECTS = {"春晖街道养老服务站": "p01", "富强社区居家养老服务站": "p02", "和平社区日间照料中心": "p03"}
GROUPS = {"社区居民": "resident", "服务对象": "service_user"}


def make_system() -> IndicatorSystem:
    leaves = [
        {"id": f"s{k:02d}", "name": f"满意度 {k + 1}", "kind": "qualitative", "direction": "benefit",
         "source": "resident_survey", "scale": {"type": "likert", "points": 5, "labels": SATISFACTION}}
        for k in range(N_QUESTIONS)
    ]
    return system_from_dict({
        "schema_version": 1, "id": "survey", "name": "满意度调查", "version": "1", "source": "test",
        "evaluation": {"min_raters": 1, "missing": "worst"},
        "root": {"id": "total", "name": "总分", "weighting": {"method": "equal"}, "children": leaves},
    })


def question(k: int) -> str:
    if k in REVERSED:
        return f"{k + 1}、您认为办理第{k + 1}项服务需要多次往返"
    return f"{k + 1}、您对第{k + 1}项服务的满意程度"


@pytest.fixture(scope="module")
def survey(tmp_path_factory: Any) -> dict[str, Any]:
    """The answers (codes 1..5, 0 = skipped, -1 = left empty), written wide and long."""
    rng = np.random.default_rng(20261205)
    folder = tmp_path_factory.mktemp("survey")
    codes = rng.integers(1, 6, size=(N_RESPONDENTS, N_QUESTIONS))
    codes[rng.random(codes.shape) < 0.03] = 0
    codes[rng.random(codes.shape) < 0.02] = -1
    project_text = rng.choice(list(PROJECTS), size=N_RESPONDENTS)
    group_text = rng.choice(list(GROUPS), size=N_RESPONDENTS)
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "您的身份", "您接受服务的站点",
              *[question(k) for k in range(N_QUESTIONS)]]
    wide = [header]
    for i in range(N_RESPONDENTS):
        answers = []
        for k in range(N_QUESTIONS):
            c = int(codes[i, k])
            labels = AGREEMENT if k in REVERSED else SATISFACTION
            answers.append("(跳过)" if c == 0 else "" if c < 0 else labels[c - 1])
        wide.append([str(i + 1), f"2024/5/{1 + i % 28} 10:{i % 60:02d}:00", f"{60 + i % 300}秒", "微信",
                     "N/A", f"10.0.{i % 256}.{i % 7}(广东-深圳)", str(group_text[i]), str(project_text[i]), *answers])
    long = [["project", "indicator", "rater", "group", "rating"]]
    for i in range(N_RESPONDENTS):
        for k in range(N_QUESTIONS):
            c = int(codes[i, k])
            level = "" if c <= 0 else str(6 - c if k in REVERSED else c)
            long.append([PROJECTS[str(project_text[i])], f"s{k:02d}", str(i + 1), GROUPS[str(group_text[i])], level])
    paths = {}
    for name, rows, enc in (("wide-utf8.csv", wide, "utf-8-sig"), ("wide-gbk.csv", wide, "gbk"),
                            ("long.csv", long, "utf-8")):
        with (folder / name).open("w", encoding=enc, newline="") as fh:
            csv.writer(fh).writerows(rows)
        paths[name] = folder / name
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    for row in wide:
        ws.append([int(x) if x.isdigit() else x for x in row])  # 序号 as numbers, as the export has it
    wb.save(folder / "wide.xlsx")
    paths["wide.xlsx"] = folder / "wide.xlsx"
    projects = folder / "projects.csv"
    projects.write_text("project,name\n" + "".join(f"{v},{k}\n" for k, v in PROJECTS.items()), encoding="utf-8")
    paths["projects"] = projects
    paths["codes"] = codes
    return paths


MAPPING: dict[str, Any] = {
    "project_column": "您接受服务的站点",
    "project_codes": PROJECTS,
    "rater_column": "序号",
    "group_column": "您的身份",
    "group_codes": GROUPS,
    "answers": {label: k + 1 for k, label in enumerate(SATISFACTION)},
    "missing_answers": ["(跳过)", "(空)"],
    "questions": {
        question(k): (
            {"indicator": f"s{k:02d}", "reverse": True, "answers": {a: k2 + 1 for k2, a in enumerate(AGREEMENT)}}
            if k in REVERSED else f"s{k:02d}"
        )
        for k in range(N_QUESTIONS)
    },
}


def _sorted_ratings(a: Any) -> list[tuple[Any, ...]]:
    r = a.ratings
    value = np.where(np.isnan(r.value), -1.0, r.value)
    return sorted(zip(r.project.tolist(), r.indicator.tolist(), r.rater.tolist(), r.group.tolist(), value.tolist(),
                      strict=True))


@pytest.mark.parametrize("export", ["wide-utf8.csv", "wide-gbk.csv", "wide.xlsx"])
def test_wide_export_equals_long_ratings(survey: dict[str, Any], export: str) -> None:
    system = make_system()
    long = load_assessment([survey["projects"], survey["long.csv"]], system)
    wide = load_assessment([survey["projects"], Questionnaire(survey[export], MAPPING)], system)
    assert len(wide.ratings) == N_RESPONDENTS * N_QUESTIONS  # unanswered questions kept, not dropped
    assert int(wide.ratings.missing.sum()) == int((survey["codes"] <= 0).sum())
    assert wide.project_ids == long.project_ids
    assert _sorted_ratings(wide) == _sorted_ratings(long)
    # same order too: both are put in the canonical order (project, indicator, group, rater)
    for name in ("project", "indicator", "rater", "group"):
        np.testing.assert_array_equal(getattr(wide.ratings, name), getattr(long.ratings, name))
    np.testing.assert_array_equal(wide.ratings.value, long.ratings.value)
    assert assessment_hash(wide) == assessment_hash(long)
    info = wide.source_info[1]
    assert info.kind == "ratings"
    assert info.format == ("questionnaire-xlsx" if export.endswith("xlsx") else "questionnaire-csv")
    if export == "wide-gbk.csv":
        assert info.encoding == "gb18030"


def test_reverse_coding_and_missing(survey: dict[str, Any]) -> None:
    system = make_system()
    a = load_assessment([survey["projects"], Questionnaire(survey["wide-utf8.csv"], MAPPING)], system)
    codes = survey["codes"]
    k = sorted(REVERSED)[0]
    r = a.ratings
    sel = np.flatnonzero(r.indicator == a.indicator_ids.index(f"s{k:02d}"))
    got = r.value[sel[np.argsort(r.line[sel], kind="stable")]]  # respondent by respondent (file order)
    answered = codes[:, k] > 0
    np.testing.assert_array_equal(got[answered], 6 - codes[answered, k])
    assert np.isnan(got[~answered]).all()


def test_mapping_from_yaml_file(survey: dict[str, Any], tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    system = make_system()
    a = load_assessment([survey["projects"], Questionnaire(survey["wide-utf8.csv"], path)], system)
    b = load_assessment([survey["projects"], Questionnaire(survey["wide-utf8.csv"], MAPPING)], system)
    assert assessment_hash(a) == assessment_hash(b)


def test_errors_name_file_row_and_question(tmp_path: Path) -> None:
    system = make_system()
    q1, q2 = question(0), question(1)
    export = tmp_path / "export.csv"
    export.write_text(f"序号,您的身份,{q1},{q2}\n1,社区居民,满意,一般\n2,社区居民,很满意,满意\n3,游客,满意,满意\n",
                      encoding="gbk")
    mapping = {**MAPPING, "project": "p01", "project_column": None, "project_codes": None,
               "questions": {q1: "s00", q2: "s01"}}
    with pytest.raises(DataError) as info:
        load_assessment(Questionnaire(export, mapping), system)
    msg = str(info.value)
    assert f"export.csv, line 3, column '{q1}': answer '很满意' is not in the mapping's answers" in msg
    mapping["answers"] = {**MAPPING["answers"], "很满意": 5}
    with pytest.raises(DataError, match=r"export.csv, line 4, column '您的身份': rater group '游客' is not valid"):
        load_assessment(Questionnaire(export, mapping), system)
    with pytest.raises(DataError, match=r"no column '3、.*question.*did you mean"):
        load_assessment(Questionnaire(export, {**mapping, "questions": {question(2): "s02"}}), system)
    with pytest.raises(DataError, match=r"questions\['x'\]: unknown indicator 's99'"):
        load_assessment(Questionnaire(export, {**mapping, "questions": {"x": "s99"}}), system)
    with pytest.raises(DataError, match="exactly one of project"):
        load_assessment(Questionnaire(export, {**mapping, "project_column": "序号"}), system)
    with pytest.raises(DataError, match="questions"):
        load_assessment(Questionnaire(export, {"project": "p01", "group": "resident"}), system)


def test_numeric_codes_export(survey: dict[str, Any], tmp_path: Path) -> None:
    """The "按序号导出" form: answers as codes 1-5 (skipped = -3), no answers mapping needed for direct codes."""
    codes = survey["codes"]
    header = ["序号", "您的身份", "您接受服务的站点", *[question(k) for k in range(N_QUESTIONS)]]
    groups = {v: k for k, v in GROUPS.items()}
    long = load_assessment([survey["projects"], survey["long.csv"]], make_system())
    r = long.ratings
    at_line = np.empty(int(r.line.max()) + 1, dtype=np.int64)
    at_line[r.line] = np.arange(len(r))  # ratings are in the canonical order; find them by file line
    rows = [header]
    for i in range(N_RESPONDENTS):
        k0 = int(at_line[2 + i * N_QUESTIONS])  # respondent i's first answer in the long file
        site = next(name for name, pid in PROJECTS.items() if pid == long.project_ids[int(r.project[k0])])
        answers = ["-3" if c == 0 else "" if c < 0 else str(int(c)) for c in codes[i]]
        rows.append([str(i + 1), groups[str(r.group[k0])], site, *answers])
    path = tmp_path / "codes.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    mapping = {**MAPPING, "answers": None, "missing_answers": [-3],
               "questions": {question(k): {"indicator": f"s{k:02d}", "reverse": k in REVERSED}
                             for k in range(N_QUESTIONS)}}
    wide = load_assessment([survey["projects"], Questionnaire(path, mapping)], make_system())
    np.testing.assert_array_equal(wide.ratings.value, long.ratings.value)
    assert assessment_hash(wide) == assessment_hash(long)


def test_unknown_constant_project_names_the_mapping(survey: dict[str, Any], tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(f"序号,{question(0)}\n1,满意\n", encoding="utf-8")
    mapping = {"project": "p09", "group": "resident", "rater_column": "序号", "answers": MAPPING["answers"],
               "questions": {question(0): "s00"}}
    with pytest.raises(DataError, match=r"e.csv, line 2, column '1、.*' \(project 'p09' from the questionnaire "
                                        r"mapping\): unknown project 'p09'"):
        load_assessment([survey["projects"], Questionnaire(export, mapping)], make_system())


def test_constant_project_and_group(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(f"序号,{question(0)}\n1,满意\n2,\n", encoding="gbk")
    mapping = {"project": "p01", "group": "service_user", "rater_column": "序号", "answers": MAPPING["answers"],
               "questions": {question(0): "s00"}}
    a = load_assessment(Questionnaire(export, mapping), make_system())
    assert a.project_ids == ("p01",)
    assert a.ratings.group.tolist() == ["service_user", "service_user"]
    assert a.ratings.rater.tolist() == ["1", "2"]
    assert a.ratings.value[0] == 4.0
    assert np.isnan(a.ratings.value[1])


def test_duplicate_question_column_is_an_error(tmp_path: Path) -> None:
    """A CSV export with the same question header twice was read from the first copy silently; a column
    the mapping uses must be unique (an unused duplicate, e.g. two '备注' columns, stays harmless)."""
    system = make_system()
    q1 = question(0)
    export = tmp_path / "export.csv"
    export.write_text(f"序号,您的身份,{q1},备注,{q1},备注\n1,社区居民,满意,,一般,\n", encoding="gbk")
    mapping = {**MAPPING, "project": "p01", "project_column": None, "project_codes": None, "questions": {q1: "s00"}}
    with pytest.raises(DataError, match=rf"export.csv: column '{q1}' \(a question in the mapping\) appears 2 times "
                       r"\(columns 3, 5\)"):
        load_assessment(Questionnaire(export, mapping), system, missing="worst")
    export.write_text(f"序号,您的身份,{q1},备注,备注\n1,社区居民,满意,,\n", encoding="gbk")
    a = load_assessment(Questionnaire(export, mapping), system, missing="worst")
    assert a.ratings.value.tolist() == [4.0]
