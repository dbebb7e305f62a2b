"""Assessment files in every supported encoding, dialect and format give the same assessment.

The files are written by the tests from one table (the bundled elderly-care
sample with Chinese project names, organisations and rater ids): CSV in UTF-8
with and without a byte-order mark, GBK, GB18030 and UTF-16 ("Unicode text"),
comma, semicolon and tab separated, CRLF line ends, and one ``.xlsx`` workbook
with a sheet per table (numbers stored as numbers, a title row above the
header, a notes sheet). Every variant must give the same projects, values and
ratings and the same assessment hash as the UTF-8 CSV, and the reading
details must be recorded in ``Assessment.source_info``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ppeval.errors import DataError, InputError
from ppeval.io import load_assessment, load_bundled, sample_assessment_paths
from ppeval.io._excel import cells_to_text, column_letter
from ppeval.io._text import decode, detect_encoding, normalise_encoding, sniff_delimiter
from ppeval.pipeline.provenance import assessment_hash
from ppeval.schema import Assessment, IndicatorSystem

openpyxl = pytest.importorskip("openpyxl")

NAMES = ["春晖街道养老服务站", "富强社区居家养老服务站", "和平社区日间照料中心", "朱镕基路“长者食堂”", "幸福里助餐点",
         "新华街道老年活动中心", "东风社区护理站", "光明社区嵌入式养老院"]
ORGS = ["阳光养老服务中心", "佳苑居家照护有限公司", "祥云助老协会", "社区卫生服务中心（东区）"]


@pytest.fixture(scope="module")
def system() -> IndicatorSystem:
    return load_bundled("elderly-care")


@pytest.fixture(scope="module")
def tables() -> dict[str, list[list[str]]]:
    """The sample's three tables as rows of text, with Chinese names, organisations and rater ids."""
    out = {}
    for path in sample_assessment_paths("elderly-care"):
        kind = path.name.split(".")[-2]
        with path.open(encoding="utf-8", newline="") as fh:
            out[kind] = [list(r) for r in csv.reader(fh)]
    for i, row in enumerate(out["projects"][1:]):
        row[1] = NAMES[i % len(NAMES)]
        row[2] = ORGS[i % len(ORGS)]
    for row in out["ratings"][1:]:
        row[2] = "评价员-" + row[2]
    return out


def _csv_text(rows: list[list[str]], delimiter: str, lineterminator: str = "\r\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return buf.getvalue()


def write_csv(folder: Path, tables: dict[str, list[list[str]]], encoding: str, delimiter: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in ("projects", "values", "ratings"):
        p = folder / f"{kind}.csv"
        p.write_bytes(_csv_text(tables[kind], delimiter).encode(encoding))
        paths.append(p)
    return paths


def _cell(text: str, numeric: bool) -> Any:
    if not numeric or text == "":
        return text if text != "" else None
    try:
        x = float(text)
    except ValueError:
        return text  # a label in the ratings column
    return int(x) if x.is_integer() and "." not in text else x


def write_xlsx(path: Path, tables: dict[str, list[list[str]]]) -> Path:
    """One workbook, a sheet per table; numbers as numbers, a title row and a notes sheet, as people make them."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本工作簿为养老服务项目绩效评价数据"])
    for kind in ("projects", "values", "ratings"):
        ws = wb.create_sheet(kind)
        header, *body = tables[kind]
        ws.append([f"{kind} table"])  # a title row, merged across the header
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(header)
        numeric = {"values": set(range(1, len(header))), "projects": {3}, "ratings": {4}}[kind]
        for row in body:
            ws.append([_cell(x, j in numeric) for j, x in enumerate(row)])
    wb.save(path)
    return path


def same(a: Assessment, b: Assessment, lines: bool = True) -> None:
    assert a.project_ids == b.project_ids
    assert a.projects == b.projects
    assert a.indicator_ids == b.indicator_ids
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.missing, b.missing)
    for name in ("project", "indicator", "rater", "group", "value", "line")[: 6 if lines else 5]:
        np.testing.assert_array_equal(getattr(a.ratings, name), getattr(b.ratings, name), err_msg=name)
    assert assessment_hash(a) == assessment_hash(b)


@pytest.fixture(scope="module")
def reference(tables: dict[str, list[list[str]]], system: IndicatorSystem, tmp_path_factory: Any) -> Assessment:
    paths = write_csv(tmp_path_factory.mktemp("ref"), tables, "utf-8", ",")
    a = load_assessment(paths, system)
    assert a.projects[0].name == NAMES[0]
    assert a.ratings.rater[0].startswith("评价员-")
    return a


VARIANTS = [
    ("utf-8", ",", "utf-8"),
    ("utf-8-sig", ",", "utf-8-sig"),
    ("utf-8-sig", ";", "utf-8-sig"),
    ("utf-8", "\t", "utf-8"),
    ("gbk", ",", "gb18030"),
    ("gbk", ";", "gb18030"),
    ("gbk", "\t", "gb18030"),
    ("gb18030", ",", "gb18030"),
    ("utf-16", "\t", "utf-16"),
    ("utf-16", ",", "utf-16"),
    ("utf-16-le", "\t", "utf-16-le"),
]


@pytest.mark.parametrize(("encoding", "delimiter", "recorded"), VARIANTS)
def test_csv_variants_give_the_same_assessment(
    tables: dict[str, list[list[str]]], system: IndicatorSystem, reference: Assessment, tmp_path: Path,
    encoding: str, delimiter: str, recorded: str,
) -> None:
    paths = write_csv(tmp_path, tables, encoding, delimiter)
    a = load_assessment(paths, system)
    same(a, reference)
    assert a.projects[2].name == NAMES[2]  # never mojibake
    ascii_values = "utf-8" if encoding in ("gbk", "gb18030") else recorded  # values.csv is pure ASCII
    assert [s.encoding for s in a.source_info] == [recorded, ascii_values, recorded]
    assert [s.delimiter for s in a.source_info] == [delimiter] * 3
    assert {s.format for s in a.source_info} == {"csv"}
    assert all(s.detected for s in a.source_info)
    assert [s.kind for s in a.source_info] == ["projects", "values", "ratings"]


def test_explicit_encoding_and_delimiter(
    tables: dict[str, list[list[str]]], system: IndicatorSystem, reference: Assessment, tmp_path: Path
) -> None:
    paths = write_csv(tmp_path, tables, "gbk", ";")
    a = load_assessment(paths, system, encoding="GBK", delimiter=";")
    same(a, reference)
    assert [(s.encoding, s.detected) for s in a.source_info] == [("gbk", False)] * 3
    with pytest.raises(DataError, match=r"line 2, column \d+: byte 0x.. is not valid utf-8 \(encoding='utf-8'"):
        load_assessment(paths, system, encoding="utf-8")
    with pytest.raises(InputError, match="encoding 'klingon' is not known"):
        load_assessment(paths, system, encoding="klingon")


def test_xlsx_gives_the_same_assessment(
    tables: dict[str, list[list[str]]], system: IndicatorSystem, reference: Assessment, tmp_path: Path
) -> None:
    book = write_xlsx(tmp_path / "data.xlsx", tables)
    a = load_assessment(book, system)
    same(a, reference, lines=False)
    np.testing.assert_array_equal(a.ratings.line, reference.ratings.line + 1)  # the title row above the header
    assert [(s.format, s.sheet, s.kind) for s in a.source_info] == [
        ("xlsx", "projects", "projects"), ("xlsx", "values", "values"), ("xlsx", "ratings", "ratings")
    ]
    assert a.sources[1] == f"{book}[values]"


def test_xlsx_bad_cell_is_named_by_sheet_and_cell(
    tables: dict[str, list[list[str]]], system: IndicatorSystem, tmp_path: Path
) -> None:
    bad = {k: [list(r) for r in v] for k, v in tables.items()}
    header = bad["values"][0]
    j = header.index("enrolment_rate")
    bad["values"][5][j] = "约九成"  # data row 5 -> Excel row 7 (title row, header row)
    book = write_xlsx(tmp_path / "bad.xlsx", bad)
    with pytest.raises(DataError) as info:
        load_assessment(book, system)
    msg = str(info.value)
    assert f"bad.xlsx: values!{column_letter(j)}7 (column 'enrolment_rate'): '约九成' is not a number" in msg
    bad = {k: [list(r) for r in v] for k, v in tables.items()}
    bad["ratings"][3][4] = "很好很好"
    book = write_xlsx(tmp_path / "bad2.xlsx", bad)
    with pytest.raises(DataError, match=r"bad2.xlsx: ratings!E5 \(column 'rating'\): rating '很好很好' is not on"):
        load_assessment(book, system)


def test_xlsx_cells_people_type(system: IndicatorSystem, tmp_path: Path) -> None:
    """Floats where ints are meant, empty cells, dates, formulas (cached values), merged cells, notes sheets."""
    with sample_assessment_paths("elderly-care")[1].open(encoding="utf-8") as fh:
        values, row = (line.strip().split(",") for line in list(fh)[:2])
    good = [float(x) for x in row[1:]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "values"
    ws.append(values)
    ws.append([1.0, *good])  # a project id typed as a number
    ws.append(["p2", good[0] + 0.5, *good[1:]])
    ws.append([None] * len(values))  # an empty row
    ws.append(["p3", dt.date(2024, 5, 6), *good[1:]])
    wb.save(tmp_path / "v.xlsx")
    with pytest.raises(DataError, match=r"values!B5 \(column '[a-z_]+'\): '2024-05-06' is not a number"):
        load_assessment(tmp_path / "v.xlsx", system, missing="worst")
    ws.delete_rows(5)
    ws.append(["p3", None, *good[1:]])
    wb.save(tmp_path / "v.xlsx")
    a = load_assessment(tmp_path / "v.xlsx", system, missing="worst")
    assert a.project_ids == ("1", "p2", "p3")
    assert np.isnan(a.values[2, system.leaf_ids.index(values[1])])
    assert a.values[1, system.leaf_ids.index(values[1])] == good[0] + 0.5


def test_xlsx_merged_project_cells_fill_down(system: IndicatorSystem, tmp_path: Path) -> None:
    rated = system.qualitative_leaf_ids[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ratings"
    ws.append(["project", "indicator", "rater", "group", "rating"])
    for k in range(3):
        ws.append(["e01" if k == 0 else None, rated, f"u{k}", "service_user", 4 + (k % 2)])
    ws.merge_cells("A2:A4")
    wb.save(tmp_path / "r.xlsx")
    a = load_assessment(tmp_path / "r.xlsx", system, missing="worst")
    assert a.project_ids == ("e01",)
    assert a.ratings.value.tolist() == [4.0, 5.0, 4.0]
    assert a.ratings.line.tolist() == [2, 3, 4]


def test_xlsx_without_tables(system: IndicatorSystem, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["nothing here"])
    wb.save(tmp_path / "n.xlsx")
    with pytest.raises(DataError, match="no sheet holds an assessment table.*'notes'"):
        load_assessment(tmp_path / "n.xlsx", system)
    wb.active.title = "values"
    wb.save(tmp_path / "n.xlsx")
    with pytest.raises(DataError, match=r"values!1:1: no 'project' column"):
        load_assessment(tmp_path / "n.xlsx", system)
    (tmp_path / "x.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(DataError, match="x.xlsx: cannot read the workbook"):
        load_assessment(tmp_path / "x.xlsx", system)


def test_gbk_file_with_a_bad_cell_names_the_cell(
    tables: dict[str, list[list[str]]], system: IndicatorSystem, tmp_path: Path
) -> None:
    bad = {k: [list(r) for r in v] for k, v in tables.items()}
    j = bad["values"][0].index("enrolment_rate")
    bad["values"][3][j] = "八十七"
    paths = write_csv(tmp_path, bad, "gbk", ",")
    with pytest.raises(DataError) as info:
        load_assessment(paths, system)
    msg = str(info.value)
    assert "values.csv, line 4, column 'enrolment_rate': '八十七' is not a number" in msg
    assert "(project 'e03')" in msg


def test_big5_file_is_ambiguous_and_readable_with_encoding(system: IndicatorSystem, tmp_path: Path) -> None:
    text = "project,name,organisation\ne01,長者食堂服務站,香港社會服務聯會\n"
    p = tmp_path / "projects.csv"
    p.write_bytes(text.encode("big5"))
    with pytest.raises(DataError, match=r"encoding is ambiguous.*not UTF-8.*give encoding="):
        load_assessment(p, system, missing="worst")
    a = load_assessment(p, system, missing="worst", encoding="big5")
    assert a.projects[0].name == "長者食堂服務站"


def test_detection_rules() -> None:
    zh = "项目,名称\np1,春晖街道养老服务站\n"
    assert detect_encoding(zh.encode("utf-8"), "f")[1:] == ("utf-8", False)
    assert detect_encoding(zh.encode("utf-8-sig"), "f")[1:] == ("utf-8-sig", True)
    assert detect_encoding(zh.encode("gbk"), "f")[1:] == ("gb18030", False)
    assert detect_encoding(zh.encode("utf-16"), "f")[1:] == ("utf-16", True)
    assert detect_encoding(zh.encode("utf-16-be"), "f")[1:] == ("utf-16-be", False)
    assert detect_encoding(zh.encode("utf-32"), "f")[1:] == ("utf-32", True)
    assert detect_encoding(b"project,x\np1,1\n", "f") == ("project,x\np1,1\n", "utf-8", False)
    # UTF-8 Chinese that is also a valid GB18030 byte sequence is read as UTF-8 (the GB18030 reading is mojibake)
    both = "态度,项目\n"
    assert both.encode("utf-8").decode("gb18030") != both
    assert detect_encoding(both.encode("utf-8"), "f")[0] == both
    # a GBK file with a rare character in a name still reads
    rare = "项目,承办单位\np1,朱镕基路街道办事处\np2,和平区民政局\n"
    assert detect_encoding(rare.encode("gbk"), "f")[0] == rare
    with pytest.raises(DataError, match=r"line 2, column 4: byte 0xe9 is not valid UTF-8.*not GB18030"):
        detect_encoding("project\np1,\xe9\xff\n".encode("latin-1"), "f")
    with pytest.raises(DataError, match="NUL bytes"):
        detect_encoding(b"PK\x03\x04\x00\x00\x01", "f")
    with pytest.raises(DataError, match="byte-order mark but is not valid"):
        detect_encoding(b"\xef\xbb\xbfab\xff", "f")
    assert decode("\ufeffa,b".encode(), "f", "utf-8").text == "a,b"
    assert normalise_encoding("CP936") == "gbk"


def test_delimiter_sniffing() -> None:
    assert sniff_delimiter("project;a;b\np;1;2", "f") == ";"
    assert sniff_delimiter("project\tname, with comma\np1\tx\n", "f") == "\t"
    assert sniff_delimiter('"project","a;b","c"\n', "f") == ","
    assert sniff_delimiter("project\np1\n", "f") == ","
    with pytest.raises(DataError, match="separator is ambiguous.*delimiter="):
        sniff_delimiter("project;a,b\n", "f")
    assert sniff_delimiter("project;a,b\n", "f", "tab") == "\t"
    with pytest.raises(InputError, match="delimiter is"):
        sniff_delimiter("x", "f", ";;")


def test_cells_to_text() -> None:
    col = [3.0, 2.5, "", " x ", 1e20, 0.1, -4.0]
    assert cells_to_text(col).tolist() == ["3", "2.5", "", "x", "1e+20", "0.1", "-4"]
    assert cells_to_text([True, dt.date(2024, 1, 2), None, 7]).tolist() == ["TRUE", "2024-01-02", "", "7"]
    assert [column_letter(j) for j in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_polars_and_csv_module_paths_parse_alike(
    tables: dict[str, list[list[str]]], system: IndicatorSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The polars parser (large files without quotes) and the csv module give the same assessment.

    Cells a person might type (spaces around numbers, ``+3``, ``.5``, ``1e1``, ``-0``, empty cells,
    blank lines, CRLF) are parsed alike; a bad cell is named alike.
    """
    pytest.importorskip("polars")
    from ppeval.io import _assessment

    t = {k: [list(r) for r in v] for k, v in tables.items()}
    vals = t["values"]
    vals[1][1] = " 12.5 "
    vals[2][2] = "+80"
    vals[3][3] = ".5"
    vals[4][4] = "5e1"
    vals[5][5] = ""
    for kind in t:
        t[kind] = [[c.replace('"', "") for c in r] for r in t[kind]]
    paths = write_csv(tmp_path, t, "gbk", ";")
    vpath = paths[1]
    vpath.write_bytes(vpath.read_bytes().replace(b"\r\n", b"\r\n\r\n", 2))  # blank lines
    got = []
    for limit in (0, 2**62):
        monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", limit)
        got.append(load_assessment(paths, system, missing="worst"))
    same(got[0], got[1])
    assert got[0].values[0, got[0].indicator_ids.index(vals[0][1])] == 12.5
    bad = [list(r) for r in vals]
    bad[6][2] = "nan"
    bad[7][3] = "1,5"
    vpath.write_bytes(_csv_text(bad, ";").encode("gbk"))
    messages = []
    for limit in (0, 2**62):
        monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", limit)
        with pytest.raises(DataError) as info:
            load_assessment(paths, system, missing="worst")
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "values.csv, line 7, column" in messages[0]
    assert "'nan' is not a finite number" in messages[0]
    assert "'1,5' is not a number" in messages[0]
    ragged = _csv_text(vals, ";") + "e99;1\r\n"
    vpath.write_bytes(ragged.encode("gbk"))
    monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", 0)
    with pytest.raises(DataError, match=rf"values.csv, line {len(vals) + 1}: 2 fields; the header has"):
        load_assessment(paths, system, missing="worst")


def test_gbk_file_with_a_damaged_byte_names_that_byte() -> None:
    """A GBK file with one byte damaged (0xff is never valid GB18030) is located at the damaged byte,
    not at its first (valid) GBK character, which is where UTF-8 decoding stops."""
    good = "项目,名称\np1,春晖街道养老服务站\np2,西园居家照护\n".encode("gbk")
    i = good.index("居".encode("gbk"))
    raw = good[:i] + b"\xff" + good[i + 2 :]
    with pytest.raises(DataError, match=r"line 3, character 6: byte 0xff is not valid GB18030/GBK"):
        detect_encoding(raw, "f.csv")
    # an undetectable file (no plausible GBK before the bad byte) keeps the UTF-8 location
    with pytest.raises(DataError, match=r"line 1, column 3: byte 0xff is not valid UTF-8"):
        detect_encoding(b"ab\xffcd\n", "f.csv")


def test_utf8_file_with_a_stray_nul_is_not_read_as_utf16() -> None:
    """One NUL byte in a UTF-8 CSV (an even-length file) used to make it decode as UTF-16 into rare
    ideographs, reported as a table with no 'project' column; now the NUL is named."""
    raw = b"project,a,b\np1,91\x006,2\n"
    assert len(raw) % 2 == 0
    with pytest.raises(DataError, match=r"NUL bytes \(the first at line 2, byte 6\)"):
        detect_encoding(raw, "f.csv")
    # real UTF-16 without a byte-order mark is still detected
    zh = "项目,名称\np1,春晖街道养老服务站\n"
    assert detect_encoding(zh.encode("utf-16-le"), "f")[:2] == (zh, "utf-16-le")
    assert detect_encoding(b"project,x\np1,1\n".decode().encode("utf-16-be"), "f")[1] == "utf-16-be"


def _sample_workbook(tmp_path: Path) -> tuple[Any, IndicatorSystem]:
    import openpyxl

    system = load_bundled("budget-performance")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    kinds = ("projects", "values", "ratings")
    for kind, path in zip(kinds, sample_assessment_paths("budget-performance"), strict=True):
        ws = wb.create_sheet(kind)
        for row in csv.reader(io.StringIO(path.read_text("utf-8"))):
            ws.append([float(c) if kind == "values" and c.replace(".", "", 1).isdigit() else c for c in row])
    return wb, system


def test_xlsx_error_cells_are_reported_not_read_as_missing(tmp_path: Path) -> None:
    """python-calamine reads an error cell (#DIV/0!) as '' (python-calamine issue #105): that made a
    failed formula a missing value, imputed silently under missing='worst'. It is named as not a number."""
    wb, system = _sample_workbook(tmp_path)
    c = wb["values"]["C4"]
    c.value, c.data_type = "#DIV/0!", "e"
    wb.save(tmp_path / "err.xlsx")
    for missing in (None, "worst"):
        msg = r"err.xlsx: values!C4 \(column 'budget_execution_rate'\): '#DIV/0!' is not"
        with pytest.raises(DataError, match=msg):
            load_assessment(tmp_path / "err.xlsx", system, missing=missing)  # type: ignore[arg-type]


def test_xlsx_far_cells(tmp_path: Path) -> None:
    """A stray cell at XFD1048576 (1.7e10 cells from A1) made calamine panic (PanicException, not an
    Exception). In a notes sheet it is skipped unread; in a table sheet the error names the last cell."""
    wb, system = _sample_workbook(tmp_path)
    wb.create_sheet("notes")["XFD1048576"] = "x"
    wb.save(tmp_path / "notes.xlsx")
    a = load_assessment(tmp_path / "notes.xlsx", system)
    assert len(a.projects) == 6
    wb, system = _sample_workbook(tmp_path)
    wb["values"]["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    with pytest.raises(DataError, match=r"sheet 'values' uses cells up to values!XFD1048576 .*Ctrl\+End"):
        load_assessment(tmp_path / "far.xlsx", system)


def test_xlsx_header_problems_name_the_header_cell(tmp_path: Path) -> None:
    """A column of a values sheet that is not an indicator was reported as 'book.xlsx[values], header';
    a workbook names the header cell as Excel does (values!E1)."""
    wb, system = _sample_workbook(tmp_path)
    wb["values"]["H1"] = "no_such_indicator"
    wb.save(tmp_path / "h.xlsx")
    with pytest.raises(DataError, match=r"h.xlsx: values!H1: column 'no_such_indicator' is not an indicator"):
        load_assessment(tmp_path / "h.xlsx", system)


def test_very_long_cells_are_clipped_in_messages(tmp_path: Path) -> None:
    """A 100,000-character cell was echoed whole into the error (a 100 kB message); it is clipped with
    its length, and the message still names file, line, column and project."""
    system = load_bundled("budget-performance")
    pp, vp, rp = sample_assessment_paths("budget-performance")
    bad = tmp_path / "values.csv"
    bad.write_text(vp.read_text("utf-8").replace("91.6", "9" * 100_000, 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_assessment([pp, bad, rp], system)
    msg = str(info.value)
    assert len(msg) < 1000
    assert "values.csv, line 2, column 'completion_rate': '9999" in msg
    assert "…' (100,000 characters) is not a finite number" in msg
    assert "(project 'b01')" in msg
