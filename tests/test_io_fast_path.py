"""The polars CSV path (large unquoted files) and the csv-module path give the same assessment and messages.

``load_assessment`` reads a CSV file of ``FAST_MIN_BYTES`` or more without quotes with polars, and
hands the text columns of a ratings table over as distinct cells plus integer codes (the checks and
the canonical order then work on codes). Every other file goes through the csv module. These tests
load the same hostile files both ways (``FAST_MIN_BYTES`` 0 and 2**62) and require the same
projects, values, ratings (in the same canonical order, with the same lines), the same assessment
hash and, for broken files, the same error message. They also check the canonical order against
Python's ``sorted`` over the rating tuples (an independent implementation of the documented order).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppeval.errors import DataError
from ppeval.io import _assessment, load_assessment, load_bundled
from ppeval.pipeline.provenance import assessment_hash
from ppeval.schema import Assessment

pl = pytest.importorskip("polars")

SYSTEM = load_bundled("elderly-care")
QUAL = list(SYSTEM.qualitative_leaf_ids)
QUANT = list(SYSTEM.quantitative_leaf_ids)
SPAN = {leaf.id: leaf.span for leaf in SYSTEM.leaves() if leaf.kind == "quantitative"}
LABELS = ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"]


def _text(rows: list[list[str]], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL, eol: str = "\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=eol).writerows(rows)
    return buf.getvalue()


def hostile_tables(seed: int = 7, n_projects: int = 80) -> dict[str, list[list[str]]]:
    """Values and ratings with CJK ids, spaces around cells, mixed-case labels, numbers written as
    4 / 4.0, missing answers and values, rows in random order."""
    rng = random.Random(seed)
    pids = [f"项目-{i:03d}" if i % 3 else f"p{i:03d}" for i in range(n_projects)]
    values = [["project", *QUANT]]
    for i, p in enumerate(pids):
        row = [p] + [f"{rng.uniform(*SPAN[q]):.3f}" for q in QUANT]
        if i % 7 == 0:
            row[1 + i % len(QUANT)] = ""  # missing value
        if i % 5 == 0:
            row[2] = f" {row[2]} "  # spaces around a number: the column goes the str way
        values.append(row)
    ratings = [["project", "indicator", "rater", "group", "rating"]]
    for p in pids:
        for ind in QUAL:
            for k in range(rng.randint(0, 4)):
                rater = f"评价员-{k}" if k % 2 else f"r{k:02d}"
                group = ["resident", "expert", "service_user"][k % 3]
                level = rng.randint(1, 5)
                cell = rng.choice([str(level), f"{level}.0", LABELS[level - 1], LABELS[level - 1].upper()])
                if ind in ("care_plan_quality", "safety_management"):
                    grade = ["very poor", "poor", "fair", "good", "Very Good"][level - 1]
                    cell = rng.choice([str(25 * (level - 1)), grade])
                if rng.random() < 0.08:
                    cell = ""  # missing answer
                pad = " " if rng.random() < 0.1 else ""
                ratings.append([pad + p, ind, rater + pad, group, cell])
    body = ratings[1:]
    rng.shuffle(body)
    ratings = [ratings[0], *body]
    return {"values": values, "ratings": ratings}


def write(folder: Path, tables: dict[str, list[list[str]]], encoding: str = "utf-8", delimiter: str = ",",
          blank_lines: bool = False, quoting: int = csv.QUOTE_MINIMAL, eol: str = "\n") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, rows in tables.items():
        text = _text(rows, delimiter, quoting, eol)
        if blank_lines:  # a blank line and a row of empty cells after the header and near the end
            lines = text.split(eol)
            lines.insert(1, "")
            lines.insert(len(lines) - 3, delimiter * (len(rows[0]) - 1))
            text = eol.join(lines)
        p = folder / f"{kind}.csv"
        p.write_bytes(text.encode(encoding))
        paths.append(p)
    return paths


def load_both(paths: list[Path], monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[Any, Any, int]:
    """Load three ways: polars forced on, the numpy splitter forced on, the csv module alone.

    The numpy splitter must give what the csv module gives (checked here, assessment or message);
    returns (polars result, csv-module result, how many files polars read). How many files the
    splitter read is left in ``SPLIT_USED``.
    """
    real_polars, real_split = _assessment._polars_columns, _assessment._split_columns
    used: dict[str, list[bool]] = {"polars": [], "split": []}

    def spy(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            out = real(*args, **kwargs)
            used[name].append(out is not None)
            return out
        return wrapper

    monkeypatch.setattr(_assessment, "_polars_columns", spy("polars", real_polars))
    monkeypatch.setattr(_assessment, "_split_columns", spy("split", real_split))
    out: list[Any] = []
    for fast, split in ((0, 2**62), (2**62, 0), (2**62, 2**62)):
        monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", fast)
        monkeypatch.setattr(_assessment, "SPLIT_MIN_CHARS", split)
        try:
            out.append(load_assessment(paths, SYSTEM, **kw))
        except DataError as exc:
            out.append(str(exc))
    monkeypatch.setattr(_assessment, "_polars_columns", real_polars)
    monkeypatch.setattr(_assessment, "_split_columns", real_split)
    if isinstance(out[1], str) or isinstance(out[2], str):
        assert out[1] == out[2]
    else:
        same(out[1], out[2])
    SPLIT_USED[:] = [sum(used["split"])]
    return out[0], out[2], sum(used["polars"])


SPLIT_USED = [0]


def same(a: Assessment, b: Assessment) -> None:
    assert a.project_ids == b.project_ids
    assert a.projects == b.projects
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.missing, b.missing)
    for name in ("project", "indicator", "rater", "group", "value", "line", "file"):
        x, y = getattr(a.ratings, name), getattr(b.ratings, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert a.source_info == b.source_info
    assert assessment_hash(a) == assessment_hash(b)


def check_canonical(a: Assessment, tables: dict[str, list[list[str]]]) -> None:
    """The ratings hold exactly the rows of the file, in the documented order (checked with ``sorted``)."""
    leaf = {lid: j for j, lid in enumerate(a.indicator_ids)}
    pindex = {p: i for i, p in enumerate(a.project_ids)}
    r = a.ratings
    got = list(zip(r.project.tolist(), r.indicator.tolist(), r.group.tolist(), r.rater.tolist(),
                   [float("inf") if np.isnan(v) else v for v in r.value.tolist()], strict=True))
    assert got == sorted(got)
    rows = [row for row in tables["ratings"][1:] if any(c.strip() for c in row)]
    want = sorted((pindex[p.strip()], leaf[i.strip()], g.strip(), rt.strip()) for p, i, rt, g, _v in rows)
    assert [t[:4] for t in got] == want


@pytest.mark.parametrize("blank_lines", [True, False])
@pytest.mark.parametrize(("encoding", "delimiter", "eol"), [
    ("utf-8", ",", "\n"), ("utf-8-sig", ";", "\r\n"), ("gbk", "\t", "\r\n"), ("utf-16", ",", "\n"),
])
def test_paths_agree_on_hostile_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, delimiter: str, eol: str, blank_lines: bool
) -> None:
    tables = hostile_tables()
    paths = write(tmp_path, tables, encoding, delimiter, blank_lines=blank_lines, eol=eol)
    fast, slow, n_fast = load_both(paths, monkeypatch, missing="worst")
    assert n_fast == 2, "both files should take the polars path"
    # the numpy splitter reads files without blank lines (blank ones go to the csv module)
    assert SPLIT_USED[0] == (0 if blank_lines else 2)
    assert isinstance(fast, Assessment), fast
    same(fast, slow)
    check_canonical(fast, tables)
    assert fast.source_info[1].encoding == {"utf-16": "utf-16", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}.get(
        encoding, encoding)
    assert int(np.isnan(fast.ratings.value).sum()) > 0  # missing answers kept
    assert "评价员-1" in set(fast.ratings.rater.tolist())


def test_quoted_and_unquoted_files_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with every field quoted (csv module) and the same file unquoted (polars) load alike."""
    tables = hostile_tables(seed=3)
    quoted = write(tmp_path / "q", tables, quoting=csv.QUOTE_ALL)
    plain = write(tmp_path / "u", tables)
    a, _, n_fast = load_both(quoted, monkeypatch, missing="worst")
    b, _, n_fast_plain = load_both(plain, monkeypatch, missing="worst")
    assert (n_fast, n_fast_plain) == (0, 2)
    assert a.project_ids == b.project_ids
    for name in ("project", "indicator", "rater", "group", "value", "line"):
        np.testing.assert_array_equal(getattr(a.ratings, name), getattr(b.ratings, name), err_msg=name)
    assert assessment_hash(a) == assessment_hash(b)


def test_row_order_is_not_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ratings in file order, reversed and sorted load to the same arrays (only the lines differ)."""
    tables = hostile_tables(seed=11)
    header, body = tables["ratings"][0], tables["ratings"][1:]
    loaded = []
    for k, rows in enumerate((body, body[::-1], sorted(body))):
        paths = write(tmp_path / str(k), {"values": tables["values"], "ratings": [header, *rows]})
        fast, slow, _ = load_both(paths, monkeypatch, missing="worst")
        same(fast, slow)
        loaded.append(fast)
    for other in loaded[1:]:
        for name in ("project", "indicator", "rater", "group", "value"):
            np.testing.assert_array_equal(getattr(loaded[0].ratings, name), getattr(other.ratings, name))
        assert assessment_hash(loaded[0]) == assessment_hash(other)


def _corrupt(rows: list[list[str]], i: int, col: int, text: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[i][col] = text
    return out


def _twice(rows: list[list[str]]) -> list[list[str]]:
    return [*rows, list(rows[5])]


def _two_groups(rows: list[list[str]]) -> list[list[str]]:
    out = [list(r) for r in rows]
    rater = out[3][2]
    for r in out[1:]:
        if r[2] == rater:
            r[3] = "expert" if r[3].strip() != "expert" else "resident"
            break
    return out


CORRUPTIONS: dict[str, tuple[Callable[[list[list[str]]], list[list[str]]], str]] = {
    "unknown project": (lambda r: _corrupt(r, 4, 0, "nope-9"), "unknown project 'nope-9'"),
    "empty project": (lambda r: _corrupt(r, 4, 0, " "), "empty project id"),
    "unknown indicator": (lambda r: _corrupt(r, 6, 1, "rel_on_tme"), "did you mean 'rel_on_time'"),
    "quantitative as rating": (lambda r: _corrupt(r, 6, 1, "coverage_rate"), "is quantitative"),
    "bad group": (lambda r: _corrupt(r, 2, 3, "Resident"), "rater group 'Resident' is not valid"),
    "empty rater": (lambda r: _corrupt(r, 9, 2, ""), "empty rater id"),
    "off the scale": (lambda r: _corrupt(r, 8, 4, "7"), "is not on the scale"),
    "duplicate": (_twice, "already rated indicator"),
    "rater in two groups": (_two_groups, "a rater belongs to one group"),
    "ragged": (lambda r: [*r[:10], [*r[10], "x"], *r[11:]], "6 fields; the header has 5"),
    "short row": (lambda r: [*r[:10], r[10][:3], *r[11:]], "3 fields; the header has 5"),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_paths_give_the_same_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    tables = hostile_tables(seed=5)
    corrupt, expected = CORRUPTIONS[case]
    tables["ratings"] = corrupt(tables["ratings"])
    paths = write(tmp_path, tables)
    fast, slow, _ = load_both(paths, monkeypatch, missing="worst")
    assert isinstance(fast, str), fast
    assert fast == slow
    assert expected in fast


def test_many_problems_are_named_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of problem at once (messages list the first few of each kind and counts)."""
    tables = hostile_tables(seed=9)
    rows = tables["ratings"]
    for i in range(1, 40, 2):
        rows = _corrupt(rows, i, [0, 1, 4][i % 3], ["ghost", "no_such", "11"][i % 3] + str(i % 4))
    tables["ratings"] = _two_groups(_twice(rows))
    fast, slow, n_fast = load_both(write(tmp_path, tables), monkeypatch, missing="worst")
    assert n_fast == 2
    assert isinstance(fast, str)
    assert fast == slow
    for expected in ("unknown project 'ghost", "unknown indicator 'no_such", "not on the scale", "already rated"):
        assert expected in fast


_ID = st.text(alphabet=" ab评价-_1", min_size=0, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["p1", " p1", "p2", "项目", "p3 ", "x"]), st.sampled_from([*QUAL[:3], "zz", ""]),
                  _ID, st.sampled_from(["resident", "expert", "Bad", ""]),
                  st.sampled_from(["1", "5.0", "agree", "AGREE", "", "9"])),
        min_size=1, max_size=25,
    ),
)
def test_paths_agree_on_random_ratings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, rows: list[tuple[str, ...]]
) -> None:
    """Random small ratings tables (ids with spaces, CJK, empty cells, unknown ids, repeats): both paths
    give the same assessment, or the same message."""
    values = [["project", QUANT[0]], ["p1", "1"], ["p2", "2"], ["项目", "3"], ["p3", "4"]]
    tables = {"values": values, "ratings": [["project", "indicator", "rater", "group", "rating"],
                                            *[list(r) for r in rows]]}
    paths = write(tmp_path_factory.mktemp("h"), tables)
    fast, slow, _ = load_both(paths, monkeypatch, missing="worst")
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
    else:
        same(fast, slow)


@pytest.mark.parametrize("cells", [
    ["a\0", "b", "", "x y", "评价员", "\U0001f600"], [""] * 5, ["x" * 3000, *["a"] * 10], [], ["a\0b", "ab\0\0"],
])
def test_polars_text_to_numpy_equals_python_strings(cells: list[str]) -> None:
    """The NUL-padded UTF-32 buffer gives the array np.array(list_of_str) gives (dtype, trailing NULs, CJK,
    astral characters); a column with one very long cell goes through Python strings."""
    got = _assessment._str_array(pl.Series(cells, dtype=pl.String))
    want = np.array(cells, dtype=np.str_)
    assert got.dtype == want.dtype
    assert got.tolist() == want.tolist()


def test_projects_table_validated_at_once_or_row_by_row(tmp_path: Path) -> None:
    """A clean projects table is validated in one pydantic call; one bad row sends the table through the
    row-by-row path, which names the row. Both give the same ProjectInfo objects for the good rows."""
    rows = [["project", "name", "name_zh", "organisation", "contract_value", "period"]]
    rows += [[f"p{i}", f"P {i}", f"项目{i}" if i % 2 else "", "", str(1000 * i) if i % 3 else "", "2024"]
             for i in range(30)]
    good = tmp_path / "projects.csv"
    good.write_text(_text(rows), encoding="utf-8")
    a = load_assessment([good], SYSTEM, missing="worst")
    infos = {p.id: p for p in a.projects}
    assert infos["p1"].names == {"zh": "项目1"}
    assert infos["p2"].names is None
    assert infos["p3"].contract_value is None
    assert infos["p3"].organisation is None
    assert infos["p5"].contract_value == 5000.0
    for bad_value, expected in (("-5", "greater than or equal to 0"), ("abc", "'abc' is not a number")):
        bad = [list(r) for r in rows]
        bad[7][4] = bad_value
        path = tmp_path / "bad.csv"
        path.write_text(_text(bad), encoding="utf-8")
        with pytest.raises(DataError, match=rf"bad.csv, line 8, column 'contract_value': .*{expected}"):
            load_assessment([path], SYSTEM, missing="worst")
    from ppeval.schema import ProjectInfo

    assert infos["p4"] == ProjectInfo.model_validate({"id": "p4", "name": "P 4", "contract_value": 4000.0,
                                                      "period": "2024"})


def test_frames_give_the_csv_assessment(tmp_path: Path) -> None:
    """Ratings DataFrames of 1,000+ rows are coded by pandas.factorize / polars before the checks; they give
    the assessment of the same table read from CSV (ids with spaces and CJK, labels, missing answers as None
    in pandas, as empty strings in polars)."""
    pd = pytest.importorskip("pandas")
    from ppeval.io import assessment_from_frames

    tables = hostile_tables(seed=13, n_projects=150)
    assert len(tables["ratings"]) > 1000
    a = load_assessment(write(tmp_path, tables), SYSTEM, missing="worst")
    header, body = tables["ratings"][0], tables["ratings"][1:]
    values = pd.DataFrame([[r[0], *[float(c) if c.strip() else None for c in r[1:]]] for r in tables["values"][1:]],
                          columns=tables["values"][0])
    frames = {
        "pandas": pd.DataFrame([[None if c == "" else c for c in r] for r in body], columns=header, dtype=object),
        "polars": pl.DataFrame(body, schema=header, orient="row"),
    }
    for kind, ratings in frames.items():
        vals = values if kind == "pandas" else pl.from_pandas(values)
        b = assessment_from_frames(SYSTEM, values=vals, ratings=ratings, missing="worst")
        assert b.project_ids == a.project_ids, kind
        np.testing.assert_array_equal(a.values, b.values)
        for name in ("project", "indicator", "rater", "group", "value"):
            np.testing.assert_array_equal(getattr(a.ratings, name), getattr(b.ratings, name), err_msg=f"{kind} {name}")
        assert assessment_hash(a) == assessment_hash(b), kind
    bad = frames["pandas"].copy()
    bad.iloc[40, 3] = "Expert"
    with pytest.raises(DataError, match=r"ratings DataFrame row 40 \(index 40\), column 'group': rater group 'Expert'"):
        assessment_from_frames(SYSTEM, values=values, ratings=bad, missing="worst")


def test_plausibility_of_large_texts_counts_the_same_characters() -> None:
    """Texts of 64K+ characters are scanned for distinct characters with numpy; the share of plausible
    characters (and the control-character veto) is the one the regex definition gives."""
    import re

    from ppeval.io import _text

    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")

    def reference(text: str, traditional: bool) -> float:
        if control.search(text):
            return 0.0
        chars = {c for c in text if ord(c) >= 0x80}
        return sum(_text._plausible_char(c, traditional) for c in chars) / len(chars) if chars else 1.0

    rng = random.Random(4)
    pool = [chr(c) for c in [*range(0x20, 0x250), *range(0x4E00, 0x4E80), 0x3000, 0xFF0C, 0x9F98, 0x6A5F, 0x30A2,
                             0x2500, 0x0416, 0x1F600, 0x2028, 0x85, 0xA0]]
    vetoes = ["\x00", "\x1b", "\x7f", "\ufffd", "\ue000", "\uf8ff"]
    for trial in range(40):
        text = "project,评价员,值\r\n" * 6000 + "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        if trial % 5 == 0:
            text += rng.choice(vetoes)
        assert len(text) >= _text._LARGE_TEXT
        for traditional in (False, True):
            assert _text._plausibility(text, traditional) == reference(text, traditional)
    assert _text._plausibility("a,b\n" * 20000, False) == 1.0


def test_polars_threshold_depends_on_whether_polars_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    """4 MiB before polars is imported (the import costs what the csv module loses on 4-6 MiB), 1/32 of
    that once it is; a FAST_MIN_BYTES of 0 or 2**62 (tests, benchmarks) forces either path in both cases."""
    import sys

    assert _assessment.FAST_MIN_BYTES == 4 * 2**20
    monkeypatch.setitem(sys.modules, "polars", pl)
    assert _assessment._fast_min_bytes() == 128 * 2**10
    monkeypatch.delitem(sys.modules, "polars")
    assert _assessment._fast_min_bytes() == 4 * 2**20
    for limit in (0, 2**62):
        monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", limit)
        assert (_assessment._fast_min_bytes() == 0) == (limit == 0)
        assert (_assessment._fast_min_bytes() > 2**50) == (limit > 0)


def test_numpy_splitter_gives_the_csv_module_cells() -> None:
    """Random texts (CJK, astral and accented characters, spaces, characters str.splitlines splits on but the
    csv module does not, empty cells, cells quoted whole and quotes used otherwise: inner, doubled, unclosed,
    around a separator or a line break, after a space; CRLF / LF, blank header, blank and ragged lines, lone
    CRs, trailing newlines): whenever the numpy splitter reads a text, its header, cells (values and str
    dtype) and line numbers are the csv module's; otherwise it declines."""
    rng = random.Random(0)
    chars = ["a", "b", " ", "评", "é", "1", "\U0001f600", "", "\x0b", "\x1c", "\x85", "\u2028"]
    taken = quoted = 0
    for _ in range(3000):
        delim = rng.choice([",", ";", "\t"])

        def cell(delim: str = delim) -> str:
            c = "".join(rng.choice(chars) for _ in range(rng.randint(0, 4)))
            r = rng.random()
            return (f'"{c}"' if r < 0.2 else f'"{c}' if r < 0.22 else f'{c}"{c}' if r < 0.24
                    else f'"{c}{delim}{c}"' if r < 0.26 else f'"{c}""{c}"' if r < 0.28
                    else f'"{c}\n{c}"' if r < 0.29 else f' "{c}"' if r < 0.30 else c)

        k = rng.randint(1, 4)
        lines = [delim.join(cell() if rng.random() < 0.2 else f" h{j}" for j in range(k))]
        if rng.random() < 0.01:
            lines[0] = ""
        for _i in range(rng.randint(0, 25)):
            if rng.random() < 0.03:
                lines.append("")
                continue
            width = k if rng.random() > 0.03 else rng.randint(1, 5)
            lines.append(delim.join(cell() for _ in range(width)))
        eol = rng.choice(["\n", "\r\n"])
        text = eol.join(lines) + rng.choice(["", eol, eol + eol])
        if rng.random() < 0.03:
            text = text.replace(eol, "\r", 1)
        split = _assessment._split_columns(text, delim)
        if split is None:
            continue
        taken += 1
        quoted += '"' in text
        header, cols, lines_ = _assessment._read_csv_module(text, "f", delim, "table", {})[:3]
        assert split[0] == header
        np.testing.assert_array_equal(split[2], lines_)
        for got, want in zip(split[1], cols, strict=True):
            assert isinstance(got, np.ndarray)
            assert isinstance(want, np.ndarray)
            assert got.dtype == want.dtype
            assert got.tolist() == want.tolist()
    assert taken > 300
    assert quoted > 50


def test_without_polars_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With polars not importable (it is an optional extra; CI installs it), large files go through the numpy
    splitter or the csv module and give the assessment the polars path gives."""
    import sys

    tables = hostile_tables(seed=21)
    paths = write(tmp_path, tables)
    monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", 0)
    with_polars = load_assessment(paths, SYSTEM, missing="worst")
    monkeypatch.setitem(sys.modules, "polars", None)  # import polars now raises ImportError
    with pytest.raises(ImportError):
        import polars  # noqa: F401
    monkeypatch.setattr(_assessment, "SPLIT_MIN_CHARS", 0)
    without = load_assessment(paths, SYSTEM, missing="worst")
    same(with_polars, without)


def test_numpy_splitter_long_cell_and_field_limit() -> None:
    """A column with one very long cell is cut through Python strings (no rows x longest-cell block); a cell
    over the csv module's field size limit makes the splitter decline (the csv module names it)."""
    import csv as csv_module

    rows = ["project,note"] + [f"p{i},{'x' * (i % 7)}" for i in range(20_000)]
    rows[5] = "p4," + "评" * 5000
    text = "\n".join(rows) + "\n"
    split = _assessment._split_columns(text, ",")
    assert split is not None
    header, cols, lines = _assessment._read_csv_module(text, "f", ",", "table", {})[:3]
    assert split[0] == header
    np.testing.assert_array_equal(split[2], lines)
    for got, want in zip(split[1], cols, strict=True):
        assert isinstance(got, np.ndarray)
        assert isinstance(want, np.ndarray)
        assert got.dtype == want.dtype
        assert got.tolist() == want.tolist()
    over = text.replace("评" * 5000, "y" * (csv_module.field_size_limit() + 1))
    assert _assessment._split_columns(over, ",") is None
    with pytest.raises(DataError, match="field larger than field limit"):
        _assessment._read_csv_module(over, "f", ",", "table", {})
