"""The pyarrow reader of numeric CSV files gives what the byte splitter and the csv module give.

``load_assessment`` reads a values file with pyarrow (``io._arrow_csv``) when pyarrow is imported
(from ``ARROW_MIN_BYTES``) or the file is large enough to repay importing it. These tests force that
path (``ARROW_MIN_BYTES`` 0), the byte splitter alone (pyarrow off, ``BYTES_MIN_BYTES`` 0) and the csv
module alone on the same files and require the same assessment (values bit for bit, the same hash) or
the same error message; numbers pyarrow and ``float()`` read differently must leave the pyarrow path.
"""

from __future__ import annotations

import math
import random
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pyarrow.csv")

from ppeval.errors import DataError  # noqa: E402
from ppeval.io import _arrow_csv, _assessment, load_assessment  # noqa: E402
from ppeval.schema import Assessment  # noqa: E402
from test_io_bytes_path import QUANT, SYSTEM, VALUE_CORRUPTIONS, _corrupt, ascii_tables, same, write  # noqa: E402

NUMERIC = frozenset(SYSTEM.quantitative_leaf_ids)
CODED = frozenset(_assessment.RATING_COLUMNS)
WAYS = ("arrow", "bytes", "csv")


def load_ways(paths: list[Path], monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[dict[str, Any], int]:
    """Each way's assessment (or error message), and how many files pyarrow read."""
    real = _arrow_csv.arrow_columns
    used: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        used.append(out is not None)
        return out

    monkeypatch.setattr(_arrow_csv, "arrow_columns", spy)
    monkeypatch.setattr(_assessment, "FAST_MIN_BYTES", 2**62)
    monkeypatch.setattr(_assessment, "SPLIT_MIN_CHARS", 2**62)
    out: dict[str, Any] = {}
    for way in WAYS:
        monkeypatch.setattr(_arrow_csv, "ARROW_MIN_BYTES", 0 if way == "arrow" else 2**62)
        monkeypatch.setattr(_assessment, "BYTES_MIN_BYTES", 2**62 if way == "csv" else 0)
        try:
            out[way] = load_assessment(paths, SYSTEM, **kw)
        except DataError as exc:
            out[way] = str(exc)
    monkeypatch.setattr(_arrow_csv, "arrow_columns", real)
    return out, sum(used)


def all_same(out: dict[str, Any]) -> None:
    if any(isinstance(v, str) for v in out.values()):
        assert out["arrow"] == out["bytes"] == out["csv"]
    else:
        same(out["arrow"], out["bytes"])
        same(out["arrow"], out["csv"])


@pytest.mark.parametrize(("delimiter", "eol", "pad"), [(",", "\n", False), (";", "\r\n", False), ("\t", "\n", True)])
def test_arrow_path_agrees_with_the_other_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delimiter: str, eol: str, pad: bool
) -> None:
    paths = write(tmp_path, ascii_tables(seed=3, pad=pad), delimiter, eol)
    out, n_arrow = load_ways(paths, monkeypatch, missing="worst")
    assert n_arrow == 1, "the values file (numeric columns) should be read by pyarrow"
    assert isinstance(out["arrow"], Assessment), out["arrow"]
    assert bool(out["arrow"].missing.any())
    all_same(out)


def test_arrow_path_keeps_note_and_unknown_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = ascii_tables(seed=9, pad=False)
    values = tables["values"]
    tables["values"] = [[*values[0], "note", f"note:{QUANT[1]}"],
                        *[[*r, f"n{i}" if i % 3 else "", "" if i % 2 else "x y"] for i, r in enumerate(values[1:])]]
    out, n_arrow = load_ways(write(tmp_path, tables), monkeypatch, missing="worst")
    assert n_arrow == 1
    assert out["arrow"].notes == out["bytes"].notes
    assert out["arrow"].notes
    all_same(out)
    tables["values"] = [[*values[0], "not_an_indicator"], *[[*r, "1"] for r in values[1:]]]
    out, n_arrow = load_ways(write(tmp_path, tables), monkeypatch, missing="worst")
    assert n_arrow == 1
    assert "is not an indicator" in out["arrow"]
    all_same(out)


#: Cells pyarrow and float() may read differently (white space, underscores, full-width digits, nan, inf,
#: overflow, hexadecimal, signs) and plain ones.
TOKENS = ["1.5", " 1.5", "1.5 ", "\t2", "1_000", "\uff11", "+.5", "1e400", "-1e400", "1e-400", "-0", "0x10", "nan",
          "NaN", "Infinity", "inf", "-inf", "+nan", "1.", ".5", "1e", "1e+", ".", "+", "-", "1d3", "0001", "5f",
          "1__0", "1e5", "1E-3", "4.000000000000000000001", "123456789012345678901234567890", "--1", "abc", " ",
          "\u0663", "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308", "1.7976931348623159e308"]


@pytest.mark.parametrize("cell", TOKENS)
def test_unusual_numbers_read_or_named_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str) -> None:
    tables = ascii_tables(seed=4, pad=False)
    tables["values"] = _corrupt(tables["values"], 3, 2, cell)
    paths = write(tmp_path, tables, encoding="utf-8")
    out, _ = load_ways(paths, monkeypatch, missing="worst")
    all_same(out)


@pytest.mark.parametrize("cell", TOKENS)
def test_arrow_cells_are_float_or_declined(cell: str) -> None:
    """Every cell pyarrow reads is ``float()`` of it, bit for bit, and finite; otherwise the file is declined."""
    text = f"project,{QUANT[0]},{QUANT[1]}\np1,{cell},2\np2,,3\n".encode()
    got = _arrow_csv.arrow_columns(text, ",", NUMERIC, CODED) if text.isascii() else None
    try:
        want = float(cell)
    except ValueError:
        want = None
    if got is None:
        return
    value = float(got[1][1][0])
    assert want is not None, cell
    assert math.isfinite(want), cell
    assert struct.pack("<d", value) == struct.pack("<d", want), cell


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.+-eE_ xinfatyINFATYX", min_size=0, max_size=12), min_size=1, max_size=8))
def test_random_tokens_are_float_or_declined(cells: list[str]) -> None:
    lines = [f"project,{QUANT[0]}", *[f"p{i},{c}" for i, c in enumerate(cells)]]
    got = _arrow_csv.arrow_columns("\n".join(lines).encode() + b"\n", ",", NUMERIC, CODED)
    if got is None:
        return
    col = got[1][1]
    for c, v in zip(cells, col.tolist(), strict=True):
        if c.strip() == "":
            assert math.isnan(v)
            continue
        want = float(c)
        assert math.isfinite(want), c
        assert struct.pack("<d", v) == struct.pack("<d", want), c


def test_random_decimals_bit_for_bit() -> None:
    rng = random.Random(5)
    cells = []
    for _ in range(20_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 25)))
        at = rng.randint(0, len(digits))
        cell = rng.choice(["", "-", "+"]) + digits[:at] + "." + digits[at:]
        if rng.random() < 0.3:
            cell += f"e{rng.randint(-330, 310)}"
        cells.append(cell)
    text = (f"project,{QUANT[0]}\n" + "".join(f"p{i},{c}\n" for i, c in enumerate(cells))).encode()
    got = _arrow_csv.arrow_columns(text, ",", NUMERIC, CODED)
    wants = [float(c) for c in cells]
    if not all(math.isfinite(w) for w in wants):
        assert got is None
        cells = [c for c, w in zip(cells, wants, strict=True) if math.isfinite(w)]
        text = (f"project,{QUANT[0]}\n" + "".join(f"p{i},{c}\n" for i, c in enumerate(cells))).encode()
        got = _arrow_csv.arrow_columns(text, ",", NUMERIC, CODED)
        wants = [float(c) for c in cells]
    assert got is not None
    assert np.asarray(got[1][1]).view(np.int64).tolist() == np.array(wants).view(np.int64).tolist()


STRUCTURE = {
    "blank line": lambda t: t.replace(b"\n", b"\n\n", 3),
    "blank CRLF line": lambda t: t.replace(b"\r\n", b"\r\n\r\n", 3),
    "lone CR": lambda t: t.replace(b"\n", b"\r", 3),
    "CR inside a cell": lambda t: t.replace(b",", b",\r", 5),
    "ragged": lambda t: t.replace(b"\n", b",9\n", 4),
    "short line": lambda t: t.replace(b",", b"", 9),
    "quote": lambda t: t.replace(b"p0", b'"p0"', 1),
    "non-ASCII id": lambda t: t.replace(b"p00", "p\u00e90".encode(), 1),
    "NUL": lambda t: t.replace(b"p00", b"p\x000", 1),
    "header only": lambda t: t[: t.index(b"\n") + 1],
    "last line without newline": lambda t: t.rstrip(b"\r\n"),
    "row of empty cells": lambda t: t.replace(b"\n", b"\n" + b"," * len(QUANT) + b"\n", 2),
    "whitespace line": lambda t: t.replace(b"\n", b"\n   \n", 2),
}


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("case", list(STRUCTURE))
def test_structure_declined_or_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, eol: str) -> None:
    tables = ascii_tables(seed=6, pad=False)
    paths = write(tmp_path, tables, eol=eol)
    paths[0].write_bytes(STRUCTURE[case](paths[0].read_bytes()))
    out, n_arrow = load_ways(paths, monkeypatch, missing="worst")
    all_same(out)
    if case in ("last line without newline", "row of empty cells"):
        assert n_arrow == 1
    elif case not in ("blank CRLF line",) or eol == "\r\n":
        assert n_arrow == 0, case


def test_over_long_line_is_declined(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell longer than the csv module's field size limit: the csv module names it, pyarrow must not read it."""
    monkeypatch.setattr(_assessment.csv, "field_size_limit", lambda: 40)
    short = f"project,{QUANT[0]}\np1,1.5\np2,2\n".encode()
    assert _arrow_csv.arrow_columns(short, ",", NUMERIC, CODED) is not None
    long = f"project,{QUANT[0]}\np1,1.{'0' * 60}\np2,2\n".encode()
    assert _arrow_csv.arrow_columns(long, ",", NUMERIC, CODED) is None


def test_project_column_coded_as_by_the_byte_splitter() -> None:
    rng = random.Random(2)
    ids = [f"id-{rng.randint(0, 10**rng.randint(1, 12))}" for _ in range(3000)]
    text = (f"project,{QUANT[0]},extra\n" + "".join(f"{p},{i % 7},{p[::-1]}\n" for i, p in enumerate(ids))).encode()
    a = _arrow_csv.arrow_columns(text, ",", NUMERIC, CODED)
    b = _assessment._split_bytes(text, ",", NUMERIC, CODED)
    assert a is not None
    assert b is not None
    assert a[0] == b[0]
    pa_, pb = a[1][0], b[1][0]
    assert isinstance(pa_, _assessment._Coded)
    assert isinstance(pb, _assessment._Coded)
    assert pa_.uniq.tolist() == pb.uniq.tolist()
    assert pa_.codes.tolist() == pb.codes.tolist()
    assert pa_.clean == pb.clean
    assert a[1][2].dtype == b[1][2].dtype
    assert a[1][2].tolist() == b[1][2].tolist()
    np.testing.assert_array_equal(a[1][1], b[1][1])
    np.testing.assert_array_equal(a[2], b[2])


def test_not_used_when_pyarrow_is_not_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pyarrow")
    assert not _arrow_csv.arrow_wanted(2**20)
    assert not _arrow_csv.arrow_wanted(_arrow_csv.ARROW_MIN_BYTES - 1)


_CELL = st.one_of(
    st.sampled_from(["", "1", "-0", "2.5", " 3", "4 ", "1e3", "nan", "inf", "x", "1_0", ".", "+.5", "0.1", "7.000"]),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(-10**20, 10**20).map(str),
)


@settings(max_examples=150, deadline=None)
@given(
    ids=st.lists(st.text(alphabet="pq0123 -_", min_size=0, max_size=20), min_size=1, max_size=12),
    cells=st.lists(st.lists(_CELL, min_size=2, max_size=2), min_size=12, max_size=12),
    eol=st.sampled_from(["\n", "\r\n"]),
    final_eol=st.booleans(),
)
def test_random_tables_read_as_the_byte_splitter_reads_them(
    ids: list[str], cells: list[list[str]], eol: str, final_eol: bool
) -> None:
    """Whenever pyarrow reads a random table, every column is the byte splitter's (values bit for bit,
    the coded project column the same distinct cells, codes and ``clean``), and so are the lines."""
    lines = [f"project,{QUANT[0]},{QUANT[1]}"] + [f"{p},{a},{b}" for p, (a, b) in zip(ids, cells, strict=False)]
    text = (eol.join(lines) + (eol if final_eol else "")).encode()
    got = _arrow_csv.arrow_columns(text, ",", NUMERIC, CODED)
    if got is None:
        return
    want = _assessment._split_bytes(text, ",", NUMERIC, CODED)
    assert want is not None
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[2], want[2])
    for a, b in zip(got[1], want[1], strict=True):
        if isinstance(a, _assessment._Coded):
            assert isinstance(b, _assessment._Coded)
            assert a.uniq.tolist() == b.uniq.tolist()
            assert a.codes.tolist() == b.codes.tolist()
            assert a.clean == b.clean
        else:
            assert a.dtype == b.dtype == np.float64
            assert a.view(np.int64).tolist() == b.view(np.int64).tolist()


@pytest.mark.parametrize("case", list(VALUE_CORRUPTIONS))
def test_values_problems_named_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """Values tables with problems (a project twice or empty, a value outside the bounds or not a number,
    an unknown column), rows in project order or not: the same message on every way."""
    tables = ascii_tables(seed=6, pad=False)
    corrupt, expected = VALUE_CORRUPTIONS[case]
    for ordered in (False, True):
        rows = tables["values"]
        body = sorted(rows[1:]) if ordered else rows[1:]
        tables["values"] = corrupt([rows[0], *body])
        out, _ = load_ways(write(tmp_path / str(ordered), tables), monkeypatch, missing="worst")
        assert isinstance(out["arrow"], str)
        assert expected in out["arrow"]
        all_same(out)
        tables["values"] = rows


def test_long_ids_and_short_last_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Project ids longer than 8 bytes, the last lines shorter than 8 bytes: every way reads the same."""
    rows = [["project", QUANT[0]]] + [[f"project-{i:05d}", f"{i % 19}.5"] for i in range(4000)]
    rows += [[c, "1"] for c in "abcdefgh"]
    out, n_arrow = load_ways(write(tmp_path, {"values": rows}), monkeypatch, missing="worst")
    assert n_arrow == 1
    assert isinstance(out["arrow"], Assessment), out["arrow"]
    all_same(out)
