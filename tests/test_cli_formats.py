"""The CLI reads GBK / UTF-16 / semicolon CSV and .xlsx assessments (``--encoding``, ``--delimiter``)."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import numpy as np
import pytest

from ppeval.cli import EXIT_INPUT, EXIT_OK, main
from ppeval.io import bundled

openpyxl = pytest.importorskip("openpyxl")
SYSTEM = "elderly-care"


def _tables() -> dict[str, list[list[str]]]:
    out = {}
    for path in bundled.sample_assessment_paths(SYSTEM):
        with path.open(encoding="utf-8", newline="") as fh:
            out[path.name.split(".")[-2]] = list(csv.reader(fh))
    for i, row in enumerate(out["projects"][1:]):
        row[1] = f"第{i + 1}养老服务站"
    return out


def _write_csv(folder: Path, encoding: str, delimiter: str) -> list[str]:
    paths = []
    for kind, rows in _tables().items():
        p = folder / f"{kind}.csv"
        with p.open("w", encoding=encoding, newline="") as fh:
            csv.writer(fh, delimiter=delimiter).writerows(rows)
        paths.append(str(p))
    return paths


def _write_xlsx(path: Path) -> str:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for kind, rows in _tables().items():
        ws = wb.create_sheet(kind)
        for r, row in enumerate(rows):
            ws.append([float(x) if r and kind == "values" and j else x for j, x in enumerate(row)])
    wb.save(path)
    return str(path)


def _evaluate(data: list[str], out: Path, *extra: str) -> dict[str, object]:
    system = str(bundled.system_path(SYSTEM))
    assert main(["evaluate", system, *data, "--json", str(out), *extra]) == EXIT_OK
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_evaluate_gbk_semicolon_and_xlsx_give_the_same_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "u").mkdir()
    (tmp_path / "g").mkdir()
    ref = _evaluate(_write_csv(tmp_path / "u", "utf-8", ","), tmp_path / "u.json")
    gbk = _evaluate(_write_csv(tmp_path / "g", "gbk", ";"), tmp_path / "g.json")
    xlsx = _evaluate([_write_xlsx(tmp_path / "data.xlsx")], tmp_path / "x.json")
    for got in (gbk, xlsx):
        assert got["provenance"]["assessment_hash"] == ref["provenance"]["assessment_hash"]  # type: ignore[index]
        assert got["scores"] == ref["scores"]
    out = capsys.readouterr().out
    assert "ppeval reproduce" in out


def test_encoding_option_and_validate_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_csv(tmp_path, "gbk", "\t")
    system = str(bundled.system_path(SYSTEM))
    assert main(["validate", system, *data]) == EXIT_OK
    out = capsys.readouterr().out
    assert "projects.csv: projects, read as csv, gb18030, tab-separated" in out
    assert main(["validate", system, *data, "--encoding", "gbk", "--delimiter", "tab"]) == EXIT_OK
    assert "read as csv, gbk, tab-separated" in capsys.readouterr().out
    assert main(["validate", system, *data, "--encoding", "utf-8"]) == EXIT_INPUT
    assert "is not valid utf-8 (encoding='utf-8' was given)" in capsys.readouterr().out
    out_json = tmp_path / "r.json"
    assert main(["evaluate", system, *data, "--json", str(out_json), "--encoding", "gb18030"]) == EXIT_OK
    assert "--encoding gb18030" in capsys.readouterr().out  # the reproduce command repeats it
    assert main(["reproduce", str(out_json), system, *data, "--encoding", "gb18030"]) == EXIT_OK


def test_ahp_matrix_in_gbk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A judgment matrix saved by Excel on Chinese Windows (GBK, Chinese labels) is read like UTF-8."""
    from ppeval.cli import read_judgment_matrix

    text = ",产出,效益,过程\n产出,1,2,3\n效益,1/2,1,2\n过程,1/3,1/2,1\n"
    (tmp_path / "m.csv").write_bytes(text.encode("gbk"))
    (tmp_path / "u.csv").write_text(text, encoding="utf-8")
    labels, matrix, _ = read_judgment_matrix(tmp_path / "m.csv")
    assert labels == ["产出", "效益", "过程"]
    np.testing.assert_array_equal(matrix, read_judgment_matrix(tmp_path / "u.csv")[1])
    assert main(["ahp", str(tmp_path / "m.csv")]) == EXIT_OK
    assert "产出" in capsys.readouterr().out


def test_questionnaire_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--questionnaire EXPORT MAPPING`` adds the survey's ratings; validate, evaluate and reproduce take it."""
    import yaml

    tables = _tables()
    rated = tables["ratings"][1][1]  # an indicator rated in the sample
    export = tmp_path / "问卷.csv"
    export.write_text("序号,站点,1、服务是否准时\n1,e01,非常同意\n2,e02,(跳过)\n3,e01,同意\n", encoding="gbk")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump({
        "project_column": "站点", "rater_column": "序号", "group": "service_user",
        "answers": {"非常同意": 5, "同意": 4, "一般": 3, "不同意": 2, "非常不同意": 1},
        "missing_answers": ["(跳过)"], "questions": {"1、服务是否准时": rated},
    }, allow_unicode=True), encoding="utf-8")
    data = _write_csv(tmp_path, "utf-8", ",")
    system = str(bundled.system_path(SYSTEM))
    q = ["--questionnaire", str(export), str(mapping)]
    assert main(["validate", system, *data, *q]) == EXIT_OK
    out = capsys.readouterr().out
    assert "问卷.csv: ratings, read as questionnaire-csv, gb18030" in out
    result = tmp_path / "r.json"
    assert main(["evaluate", system, *data, *q, "--json", str(result)]) == EXIT_OK
    assert f"--questionnaire {shlex.quote(str(export))} {shlex.quote(str(mapping))}" in capsys.readouterr().out
    assert main(["reproduce", str(result), system, *data, *q]) == EXIT_OK
    assert main(["reproduce", str(result), system, *data]) != EXIT_OK  # without the survey: another assessment
