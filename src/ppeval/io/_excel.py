"""Excel workbooks (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``): sheets read as tables of text cells.

Read with python-calamine (a Rust reader; see ``benchmarks/bench_excel.py`` for
the comparison with openpyxl's read-only mode that chose it). Every cell is
turned into the text a CSV file would hold for it, so a sheet and a CSV file
of the same table are parsed by the same code into the same assessment:

* numbers: integral values as integers (``3.0`` -> ``"3"``, so project ids
  typed as numbers stay ``1`` not ``1.0``), others as the shortest text that
  reads back to the same float (``repr``);
* dates and times: ISO 8601 (``2024-05-06``, ``2024-05-06T10:30:00``);
* booleans: ``TRUE`` / ``FALSE``;
* formulas: the value Excel cached when it last saved the file (a workbook
  written by a program that does not compute formulas has none: empty cell);
* error values (``#DIV/0!``, ``#N/A``): their text, which is then reported as
  not a number;
* merged cells: every cell of a merged range takes the value of its top-left
  cell (a project name merged down over its rating rows applies to each row).

The header row of a sheet is the first row (of the first 20) holding a cell
``project`` (so title rows above the table are skipped), else the first
non-empty row. Cells are named in messages the way Excel names them:
``book.xlsx: values!D7``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval.errors import DataError, InputError

__all__ = ["EXCEL_SUFFIXES", "Sheet", "read_workbook", "column_letter", "cells_to_text"]

#: Suffixes read as workbooks.
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: Rows searched for the header row.
HEADER_SEARCH_ROWS = 20
_INT_LIMIT = 2.0**53

StrArray = npt.NDArray[np.str_]


def column_letter(j: int) -> str:
    """Excel's letter(s) of the 0-based column ``j`` (0 -> ``A``, 26 -> ``AA``)."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:  # nan
            return ""
        if v.is_integer() and abs(v) < _INT_LIMIT:
            return str(int(v))
        return repr(v)
    if isinstance(v, _dt.datetime):
        return v.isoformat()
    if isinstance(v, _dt.date | _dt.time):
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        return str(v)
    if v is None:
        return ""
    return str(v).strip()


def cells_to_text(col: Sequence[Any]) -> StrArray:
    """A column of cell values as a str array, each cell as the text a CSV file would hold (see module doc)."""
    if not col:
        return np.zeros(0, dtype=np.str_)
    types = set(map(type, col))
    if types == {str}:
        return np.char.strip(np.array(col, dtype=np.str_))
    if types <= {float, str} and float in types:
        # numbers with empty cells: vectorised formatting of the numbers
        is_num = np.fromiter((type(v) is float for v in col), dtype=bool, count=len(col))
        nums = np.array([v if type(v) is float else 0.0 for v in col], dtype=np.float64)
        out = np.array([v if type(v) is str else "" for v in col], dtype=np.str_)
        width = max(out.dtype.itemsize // 4, 24)
        out = np.char.strip(out.astype(f"<U{width}"))
        finite = is_num & np.isfinite(nums)
        integral = finite & (nums == np.floor(nums)) & (np.abs(nums) < _INT_LIMIT)
        if integral.any():
            out[integral] = nums[integral].astype(np.int64).astype(np.str_)
        other = is_num & ~integral
        if other.any():
            out[other] = nums[other].astype(np.str_)  # shortest text that reads back to the same float
        return out
    return np.array([_text(v) for v in col], dtype=np.str_)


@dataclass
class Sheet:
    """One worksheet as a table: header texts, columns of cell texts and where each cell is."""

    book: str
    name: str
    header: list[str]
    columns: list[StrArray]
    rows: npt.NDArray[np.int64]  # 1-based Excel row of each data row
    letters: list[str]  # column letter of each column
    header_row: int  # 1-based

    @property
    def n(self) -> int:
        return int(self.rows.shape[0])

    def cell(self, i: int, j: int) -> str:
        """Excel address of data row ``i``, column ``j`` (``values!D7``)."""
        return f"{self.name}!{self.letters[j]}{int(self.rows[i])}"

    def where_factory(self) -> Callable[[int, str | None], str]:
        index = {h: j for j, h in enumerate(self.header)}

        def where(i: int, col: str | None) -> str:
            if col is None or col not in index:
                return f"{self.book}: {self.name}!{int(self.rows[i])}:{int(self.rows[i])} (row {int(self.rows[i])})"
            return f"{self.book}: {self.cell(i, index[col])} (column {col!r})"

        return where


def _open(path: Path) -> Any:
    try:
        import python_calamine as pc
    except ImportError:  # pragma: no cover - a dependency
        raise InputError(
            f"{path}: reading Excel workbooks needs python-calamine; pip install python-calamine"
        ) from None
    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except FileNotFoundError:
        raise InputError(f"cannot read {path}: no such file") from None
    except Exception as exc:  # calamine raises its own error types (zip, XML, password)
        raise DataError(f"{path}: cannot read the workbook: {type(exc).__name__}: {exc}") from None


def _fill_merged(grid: list[list[Any]], merged: Any) -> None:
    for (r0, c0), (r1, c1) in merged or ():
        if r0 >= len(grid):
            continue
        top = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0):
                    row[c] = top


def _header_row(grid: list[list[Any]]) -> int | None:
    first = None
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [_text(v) for v in row]
        if "project" in texts:
            return r
        if first is None and any(texts):
            first = r
    if first is None:
        for r, row in enumerate(grid):
            if any(_text(v) for v in row):
                return r
    return first


def read_workbook(
    path: str | Path, sheets: Sequence[str] | None = None, *, header: str | None = "project"
) -> list[Sheet]:
    """Read worksheets of a workbook as :class:`Sheet` tables.

    Parameters
    ----------
    path : path
        The workbook.
    sheets : sequence of str, optional
        Sheet names to read (an error names the sheets the workbook has if one
        is missing); default all sheets, empty ones skipped.
    header : str or None
        A cell text that marks the header row (default ``project``); ``None``:
        the first non-empty row is the header.

    Raises
    ------
    InputError
        If the file cannot be opened.
    DataError
        If it is not a workbook, a named sheet is missing, or a header is
        malformed (empty or repeated column names, values under no header),
        naming the sheet and cell.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"cannot read {p}: no such file")
    wb = _open(p)
    names = list(wb.sheet_names)
    if sheets is not None:
        unknown = [s for s in sheets if s not in names]
        if unknown:
            raise DataError(
                f"{p}: no sheet {', '.join(map(repr, unknown))}; the workbook has {', '.join(map(repr, names))}"
            )
        names = [n for n in names if n in sheets]
    out = []
    for name in names:
        ws = wb.get_sheet_by_name(name)
        grid = ws.to_python(skip_empty_area=False)
        if not grid:
            continue
        _fill_merged(grid, ws.merged_cell_ranges)
        sheet = _sheet(p, name, grid, header)
        if sheet is not None:
            out.append(sheet)
    return out


def _sheet(p: Path, name: str, grid: list[list[Any]], header_text: str | None) -> Sheet | None:
    h = _header_row(grid) if header_text is not None else next(
        (r for r, row in enumerate(grid) if any(_text(v) for v in row)), None
    )
    if h is None:
        return None
    header = [_text(v) for v in grid[h]]
    width = max(len(r) for r in grid)
    header += [""] * (width - len(header))
    body = grid[h + 1:]
    problems = []
    used = [j for j, t in enumerate(header) if t]
    columns: list[StrArray] = []
    if body and all(len(row) == width for row in body):
        columns = [cells_to_text(list(col)) for col in zip(*body, strict=True)]  # transposed at C speed
    else:
        for j in range(width):
            columns.append(cells_to_text([row[j] if j < len(row) else "" for row in body]))
    if not body:
        columns = [np.zeros(0, dtype=np.str_) for _ in range(width)]
    letters = [column_letter(j) for j in range(width)]
    seen: dict[str, int] = {}
    for j in used:
        t = header[j]
        if t in seen:
            problems.append(
                f"{p}: {name}!{letters[j]}{h + 1}: column {t!r} appears twice (also {name}!{letters[seen[t]]}{h + 1})"
            )
        seen.setdefault(t, j)
    nonblank = np.zeros(len(body), dtype=bool)
    for j in range(width):
        filled = columns[j] != ""
        nonblank |= filled
        if not header[j] and filled.any():
            r = int(np.argmax(filled))
            problems.append(
                f"{p}: {name}!{letters[j]}{h + 2 + r}: a value under column {letters[j]}, which has no header "
                f"(the header is row {h + 1})"
            )
    if problems:
        raise DataError(f"{p}: sheet {name!r}: cannot read the table:\n  - " + "\n  - ".join(problems))
    keep = np.nonzero(nonblank)[0]
    rows = (keep + h + 2).astype(np.int64)
    return Sheet(
        book=str(p),
        name=name,
        header=[header[j] for j in used],
        columns=[columns[j][keep] for j in used],
        rows=rows,
        letters=[letters[j] for j in used],
        header_row=h + 1,
    )
