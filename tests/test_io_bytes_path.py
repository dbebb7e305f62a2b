"""The bytes splitter (ASCII CSV without quotes, split with numpy) gives what the csv module gives.

``load_assessment`` splits ASCII CSV files of ``BYTES_MIN_BYTES`` or more without quotes on their
bytes (``_split_bytes``): numeric columns are parsed as plain decimals (Clinger's fast path) or by
numpy, the text columns of a ratings table become sorted distinct cells plus codes (a hash table or
one sort of 64-bit words). These tests force that path (``BYTES_MIN_BYTES`` 0) and the csv module
alone (every threshold 2**62) on the same files and require the same assessment (projects, values,
ratings in the same order with the same lines, the same hash) or the same error message; the
parsers are also checked cell by cell against ``float`` and the csv module.
"""

from __future__ import annotations

import csv
import io
import random
import struct
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

SYSTEM = load_bundled("elderly-care")
QUAL = list(SYSTEM.qualitative_leaf_ids)
QUANT = list(SYSTEM.quantitative_leaf_ids)
SPAN = {leaf.id: leaf.span for leaf in SYSTEM.leaves() if leaf.kind == "quantitative"}
LABELS = ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"]


def _text(rows: list[list[str]], delimiter: str = ",", eol: str = "\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=eol, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buf.getvalue()


def ascii_tables(seed: int = 7, n_projects: int = 80, pad: bool = True, long_raters: bool = False
                 ) -> dict[str, list[list[str]]]:
    """Values and ratings in ASCII: spaces around cells (when ``pad``), mixed-case labels, numbers written
    as 4 / 4.0 / +4 / -0, missing answers and values, rows in random order; rater ids of up to 8 bytes or
    longer (several 64-bit words)."""
    rng = random.Random(seed)
    pids = [f"p{i:03d}" if i % 3 else f"project-{i:04d}" for i in range(n_projects)]
    values = [["project", *QUANT]]
    for i, p in enumerate(pids):
        row = [p] + [f"{rng.uniform(*SPAN[q]):.{rng.randint(0, 4)}f}" for q in QUANT]
        if i % 7 == 0:
            row[1 + i % len(QUANT)] = ""
        if pad and i % 5 == 0:
            row[2] = f" {row[2]} "
        values.append(row)
    ratings = [["project", "indicator", "rater", "group", "rating"]]
    for p in pids:
        for ind in QUAL:
            for k in range(rng.randint(0, 4)):
                rater = f"assessor-{k:03d}" if long_raters or k % 2 else f"r{k:02d}"
                group = ["resident", "expert", "service_user"][k % 3]
                level = rng.randint(1, 5)
                cell = rng.choice([str(level), f"{level}.0", LABELS[level - 1], LABELS[level - 1].upper()])
                if ind in ("care_plan_quality", "safety_management"):
                    grade = ["very poor", "poor", "fair", "good", "Very Good"][level - 1]
                    cell = rng.choice([str(25 * (level - 1)), grade])
                if rng.random() < 0.08:
                    cell = ""
                space = " " if pad and rng.random() < 0.1 else ""
                ratings.append([space + p, ind, rater + space, group, cell])
    body = ratings[1:]
    rng.shuffle(body)
    return {"values": values, "ratings": [ratings[0], *body]}


def write(folder: Path, tables: dict[str, list[list[str]]], delimiter: str = ",", eol: str = "\n",
          encoding: str = "utf-8") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, rows in tables.items():
        p = folder / f"{kind}.csv"
        p.write_bytes(_text(rows, delimiter, eol).encode(encoding))
        paths.append(p)
    return paths


def load_ways(paths: list[Path], monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[Any, Any, int]:
    """(bytes splitter forced, csv module alone, how many files the bytes splitter read)."""
    real = _assessment._split_bytes
    used: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        used.append(out is not None)
        return out

    monkeypatch.setattr(_assessment, "_split_bytes", spy)
    out: list[Any] = []
    for limit in (0, 2**62):
        monkeypatch.setattr(_assessment, "BYTES_MIN_BYTES", limit)
        monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", 2**62)
        monkeypatch.setattr(_assessment, "SPLIT_MIN_CHARS", 2**62)
        try:
            out.append(load_assessment(paths, SYSTEM, **kw))
        except DataError as exc:
            out.append(str(exc))
    monkeypatch.setattr(_assessment, "_split_bytes", real)
    return out[0], out[1], sum(used)


def same(a: Assessment, b: Assessment) -> None:
    assert a.project_ids == b.project_ids
    assert a.projects == b.projects
    np.testing.assert_array_equal(a.values, b.values)
    assert np.signbit(a.values).tolist() == np.signbit(b.values).tolist()
    np.testing.assert_array_equal(a.missing, b.missing)
    for name in ("project", "indicator", "rater", "group", "value", "line", "file"):
        x, y = getattr(a.ratings, name), getattr(b.ratings, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert a.source_info == b.source_info
    assert assessment_hash(a) == assessment_hash(b)


@pytest.mark.parametrize("long_raters", [False, True])
@pytest.mark.parametrize(("delimiter", "eol", "encoding"), [
    (",", "\n", "utf-8"), (";", "\r\n", "utf-8"), ("\t", "\r\n", "gbk"), (",", "\r\n", "utf-16"),
    (",", "\r\n", "utf-8-sig"),
])
def test_bytes_path_agrees_with_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delimiter: str, eol: str, encoding: str, long_raters: bool
) -> None:
    tables = ascii_tables(long_raters=long_raters)
    paths = write(tmp_path, tables, delimiter, eol, encoding)
    fast, slow, n_bytes = load_ways(paths, monkeypatch, missing="worst")
    assert n_bytes == 2, "both files should be split on their bytes"
    assert isinstance(fast, Assessment), fast
    same(fast, slow)
    assert int(np.isnan(fast.ratings.value).sum()) > 0


def test_blank_lines_and_quotes_leave_the_bytes_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A blank line, a quoted cell, a lone CR or a non-ASCII character: another reader, the same result."""
    tables = ascii_tables(seed=2)
    paths = write(tmp_path, tables)
    text = paths[1].read_text()
    for variant in (text.replace("\n", "\n\n", 1), text.replace("resident", '"resident"', 1),
                    text.replace("\n", "\r", 1), text.replace("r00", "r0é", 1)):
        paths[1].write_text(variant, encoding="utf-8")
        fast, slow, n_bytes = load_ways(paths, monkeypatch, missing="worst")
        assert n_bytes == 1  # the values file only
        if isinstance(fast, str) or isinstance(slow, str):
            assert fast == slow
        else:
            same(fast, slow)


def test_row_order_is_not_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = ascii_tables(seed=11, pad=False)
    header, body = tables["ratings"][0], tables["ratings"][1:]
    loaded = []
    for k, rows in enumerate((body, body[::-1], sorted(body))):
        paths = write(tmp_path / str(k), {"values": tables["values"], "ratings": [header, *rows]})
        fast, slow, n_bytes = load_ways(paths, monkeypatch, missing="worst")
        assert n_bytes == 2
        same(fast, slow)
        loaded.append(fast)
    for other in loaded[1:]:
        assert assessment_hash(loaded[0]) == assessment_hash(other)


def _corrupt(rows: list[list[str]], i: int, col: int, text: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[i][col] = text
    return out


def _two_groups(rows: list[list[str]]) -> list[list[str]]:
    out = [list(r) for r in rows]
    rater = out[3][2]
    for r in out[1:]:
        if r[2] == rater:
            r[3] = "expert" if r[3].strip() != "expert" else "resident"
            break
    return out


CORRUPTIONS = {
    "unknown project": (lambda r: _corrupt(r, 4, 0, "nope-9"), "unknown project 'nope-9'"),
    "empty project": (lambda r: _corrupt(r, 4, 0, " "), "empty project id"),
    "unknown indicator": (lambda r: _corrupt(r, 6, 1, "rel_on_tme"), "did you mean 'rel_on_time'"),
    "quantitative as rating": (lambda r: _corrupt(r, 6, 1, "coverage_rate"), "is quantitative"),
    "bad group": (lambda r: _corrupt(r, 2, 3, "Resident"), "rater group 'Resident' is not valid"),
    "empty rater": (lambda r: _corrupt(r, 9, 2, ""), "empty rater id"),
    "off the scale": (lambda r: _corrupt(r, 8, 4, "7"), "is not on the scale"),
    "duplicate": (lambda r: [*r, list(r[5])], "already rated indicator"),
    "rater in two groups": (_two_groups, "a rater belongs to one group"),
    "ragged": (lambda r: [*r[:10], [*r[10], "x"], *r[11:]], "6 fields; the header has 5"),
    "short row": (lambda r: [*r[:10], r[10][:3], *r[11:]], "3 fields; the header has 5"),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_bytes_path_gives_the_same_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    tables = ascii_tables(seed=5)
    corrupt, expected = CORRUPTIONS[case]
    tables["ratings"] = corrupt(tables["ratings"])
    fast, slow, _ = load_ways(write(tmp_path, tables), monkeypatch, missing="worst")
    assert isinstance(fast, str), fast
    assert fast == slow
    assert expected in fast


@pytest.mark.parametrize("cell", ["abc", "1e400", "nan", "inf", " 1.5", "1_0", "1e5", "--1", "+", "."])
def test_bad_or_unusual_numbers_are_named_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    """Cells the decimal fast path does not take go to numpy's parser or, when not finite numbers, to the str
    path, which names them as the csv module's path does."""
    tables = ascii_tables(seed=4, pad=False)
    tables["values"] = _corrupt(tables["values"], 3, 2, cell)
    fast, slow, _ = load_ways(write(tmp_path, tables), monkeypatch, missing="worst")
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
    else:
        same(fast, slow)


_ID = st.text(alphabet=" ab-_1", min_size=0, max_size=10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["p1", " p1", "p2", "p3 ", "x"]), st.sampled_from([*QUAL[:3], "zz", ""]),
                  _ID, st.sampled_from(["resident", "expert", "Bad", "", "service_user"]),
                  st.sampled_from(["1", "5.0", "agree", "AGREE", "", "9"])),
        min_size=1, max_size=25,
    ),
)
def test_bytes_path_agrees_on_random_ratings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, rows: list[tuple[str, ...]]
) -> None:
    values = [["project", QUANT[0]], ["p1", "1"], ["p2", "2.5"], ["p3", "-0"]]
    tables = {"values": values, "ratings": [["project", "indicator", "rater", "group", "rating"],
                                            *[list(r) for r in rows]]}
    fast, slow, _ = load_ways(write(tmp_path_factory.mktemp("h"), tables), monkeypatch, missing="worst")
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
    else:
        same(fast, slow)


def _decimal(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return rng.choice(["1e5", "1E-3", "inf", "-inf", "nan", "1_0", "0x1", ".", "+", "-", "1.2.3", "1-", "e",
                           "+.5", "-.5", "5.", "007", "-0", "-0.0", "+0"])
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 19)))
    cut = rng.randint(0, len(digits))
    text = digits[:cut] + ("." if rng.random() < 0.7 else "") + digits[cut:]
    return rng.choice(["", "-", "+"]) + text


def test_decimal_parser_equals_float() -> None:
    """Random decimals (up to 19 digits, signs, points at any place) and odd tokens: the bytes parser gives
    float()'s value bit for bit (the sign of zero too), or declines where a cell is not a finite number."""
    rng = random.Random(1)
    for _ in range(300):
        cells = [_decimal(rng) for _ in range(rng.randint(1, 40))]
        if rng.random() < 0.3:
            cells[rng.randrange(len(cells))] = ""
        width = max(len(c) for c in cells)
        block = np.zeros((len(cells), width), dtype=np.uint8)
        for i, c in enumerate(cells):
            block[i, : len(c)] = np.frombuffer(c.encode(), dtype=np.uint8)
        lengths = np.array([len(c) for c in cells], dtype=np.int64)
        got = _assessment._bytes_floats(block, lengths)
        want: list[float] = []
        for c in cells:
            try:
                want.append(float(c) if c else float("nan"))
            except ValueError:
                want = []
                break
        if not want or not all(np.isfinite(w) or c == "" for w, c in zip(want, cells, strict=True)):
            assert got is None
            continue
        assert got is not None
        assert [struct.pack("<d", x) for x in got.tolist()] == [struct.pack("<d", x) for x in want]


def test_codes_by_hash_and_by_sort() -> None:
    """Few distinct cells (hash table), a value missing from the first 1,024 rows, many distinct cells
    (one sort), cells of one to three 64-bit words: the distinct cells are sorted and give the column back."""
    rng = np.random.default_rng(3)
    for width in (1, 5, 8, 9, 17, 20):
        for n_distinct, late in ((3, False), (60, False), (5, True), (500, False)):
            words = [("".join(rng.choice(list("ab -_9"), size=rng.integers(0, width + 1)))).rstrip("\0")
                     for _ in range(n_distinct)]
            cells = [words[i] for i in rng.integers(0, n_distinct - int(late), 3000)]
            if late:
                cells.append(words[-1])
            block = np.zeros((len(cells), width), dtype=np.uint8)
            for i, c in enumerate(cells):
                block[i, : len(c)] = np.frombuffer(c.encode(), dtype=np.uint8)
            n_words = max(1, -(-width // 8))
            wide = np.zeros((len(cells), 8 * n_words), dtype=np.uint8)
            wide[:, :width] = block
            words = wide.view(">u8").reshape(len(cells), n_words).astype(np.uint64)
            coded = _assessment._bytes_codes(words, np.array([len(c) for c in cells]), width)
            assert coded.uniq[coded.codes].tolist() == cells
            assert coded.uniq.tolist() == sorted(set(cells))
            stripped = all(c == c.strip() for c in set(cells))
            assert coded.clean == stripped


def test_split_bytes_gives_the_csv_module_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random ASCII texts (spaces, separators, empty cells, CRLF / LF, blank and ragged lines, lone CRs,
    trailing newlines): whenever the bytes splitter reads one, its header, cells and lines are the csv
    module's (text columns expanded; numbers where every cell is a finite number); otherwise it declines.
    Half of the texts are searched in slices of a few bytes (as a file beyond 16 MiB is)."""
    rng = random.Random(0)
    chars = ["a", "b", " ", "1", ".", "-", "", "\x0b", "\x1c", "7"]
    taken = 0
    for _ in range(2000):
        delim = rng.choice([",", ";", "\t"])
        k = rng.randint(2, 4)
        lines = [delim.join(f" h{j}" for j in range(k))]
        for _i in range(rng.randint(0, 25)):
            if rng.random() < 0.02:
                lines.append("")
                continue
            width = k if rng.random() > 0.03 else rng.randint(1, 5)
            lines.append(delim.join("".join(rng.choice(chars) for _ in range(rng.randint(0, 5)))
                                    for _ in range(width)))
        eol = rng.choice(["\n", "\r\n"])
        text = eol.join(lines) + rng.choice(["", eol])
        if rng.random() < 0.03:
            text = text.replace(eol, "\r", 1)
        header_cells = [h.strip() for h in lines[0].split(delim)]
        numeric = frozenset(header_cells[1:2])
        coded = frozenset(header_cells[2:])
        monkeypatch.setattr(_assessment, "_SLICE_BYTES", rng.choice([1 << 24, rng.randint(1, 9)]))
        split = _assessment._split_bytes(text.encode(), delim, numeric, coded)
        if split is None:
            continue
        taken += 1
        header, cols, lines_ = _assessment._read_csv_module(text, "f", delim, "table", {})[:3]
        assert split[0] == header
        np.testing.assert_array_equal(split[2], lines_)
        for name, got, want in zip(header, split[1], cols, strict=True):
            assert isinstance(want, np.ndarray)
            if isinstance(got, _assessment._Coded):
                assert got.materialize().tolist() == want.tolist()
            elif got.dtype.kind == "f":
                assert name in numeric
                expected = np.array([float(c) if c.strip() else np.nan for c in want.tolist()])
                np.testing.assert_array_equal(got, expected)
                assert np.signbit(got).tolist() == np.signbit(expected).tolist()
            else:
                assert got.dtype == want.dtype
                assert got.tolist() == want.tolist()
    assert taken > 300


def test_values_in_project_order_and_shuffled_load_alike(tmp_path: Path) -> None:
    """A values table whose rows are the projects in canonical order fills whole columns; the same rows
    shuffled give the same values, missing cells and cell sources, and a missing value is named at its
    line either way."""
    tables = ascii_tables(seed=8, pad=False)
    header, body = tables["values"][0], tables["values"][1:]
    ordered = sorted(body, key=lambda row: row[0])
    ordered[4][3] = ""  # the 5th project (line 6) misses its second indicator
    shuffled = [ordered[i] for i in random.Random(2).sample(range(len(ordered)), len(ordered))]
    loaded = []
    for name, rows in (("ordered", ordered), ("shuffled", shuffled)):
        paths = write(tmp_path / name, {"values": [header, *rows], "ratings": tables["ratings"]})
        loaded.append(load_assessment(paths, SYSTEM, missing="worst"))
        with pytest.raises(DataError) as err:
            load_assessment(paths, SYSTEM, missing="reject")
        line = 2 + [r[0] for r in rows].index(ordered[4][0])
        assert f"values.csv, line {line}, column {QUANT[2]!r}: missing value for project {ordered[4][0]!r}" \
            in str(err.value)
    a, b = loaded
    assert a.project_ids == b.project_ids == tuple(r[0] for r in ordered)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.missing, b.missing)
    np.testing.assert_array_equal(a.cell_source, b.cell_source)


VALUE_CORRUPTIONS = {
    "project twice": (lambda r: [*r, list(r[3])], "has a second row"),
    "empty project": (lambda r: _corrupt(r, 5, 0, ""), "empty project id"),
    "outside the bounds": (lambda r: _corrupt(r, 6, 1, "-5"), "lies outside"),
    "not a number": (lambda r: _corrupt(r, 7, 2, "125x"), "is not a number"),
    "unknown column": (lambda r: [[*r[0][:-1], "nope"], *r[1:]], "is not an indicator"),
}


@pytest.mark.parametrize("case", list(VALUE_CORRUPTIONS))
def test_bytes_path_names_values_problems_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """Values tables with problems, rows in project order (whole-column placement) or not: the same
    message as the csv module's path."""
    tables = ascii_tables(seed=6, pad=False)
    corrupt, expected = VALUE_CORRUPTIONS[case]
    for ordered in (False, True):
        rows = tables["values"]
        if ordered:
            rows = [rows[0], *sorted(rows[1:], key=lambda row: row[0])]
        fast, slow, n_bytes = load_ways(write(tmp_path / str(ordered), {**tables, "values": corrupt(rows)}),
                                        monkeypatch, missing="worst")
        assert n_bytes == 2
        assert isinstance(fast, str), fast
        assert fast == slow
        assert expected in fast
