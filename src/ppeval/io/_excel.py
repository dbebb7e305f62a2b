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
  not a number (in ``.xlsx``/``.xlsm`` found from the sheet XML, as python-calamine
  reads them as empty cells; in ``.xls``/``.ods`` they read as empty cells);
* merged cells: every cell of a merged range takes the value of its top-left
  cell (a project name merged down over its rating rows applies to each row).

The header row of a sheet is the first row (of the first 20) holding a cell
``project`` (so title rows above the table are skipped), else the first
non-empty row. Cells are named in messages the way Excel names them:
``book.xlsx: values!D7``.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
import zipfile
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
#: Largest sheet read, in cells of its used range from A1 (rows x columns): 1,048,576 rows of 10 columns
#: (reading that takes about 2 GB of memory). A larger sheet with a ``project`` header is refused naming its
#: last used cell; one without (notes) is skipped unread.
MAX_SHEET_CELLS = 1_048_576 * 10
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
    scans = _scan_sheets(p) if p.suffix.lower() in (".xlsx", ".xlsm") else {}
    out = []
    for name in names:
        scan = scans.get(name)
        if scan is not None and scan.area > MAX_SHEET_CELLS:
            last = f"{name}!{column_letter(scan.cols - 1)}{scan.rows}"
            raise DataError(
                f"{p}: sheet {name!r} uses cells up to {last} ({scan.area:,} cells); sheets "
                f"over {MAX_SHEET_CELLS:,} cells are not read: delete the rows and columns beyond the table "
                "(Ctrl+End in Excel shows the last used cell) and save again"
            )
        ws = wb.get_sheet_by_name(name)
        end = ws.end
        if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_SHEET_CELLS:
            if header is not None and not _has_header(ws, header):
                continue  # not a table (a notes sheet with a stray far cell): not read whole
            raise DataError(
                f"{p}: sheet {name!r} uses cells up to {name}!{column_letter(end[1])}{end[0] + 1} "
                f"({(end[0] + 1) * (end[1] + 1):,} cells from A1); sheets over {MAX_SHEET_CELLS:,} cells are "
                "not read: delete the rows and columns beyond the table (Ctrl+End in Excel shows the last "
                "used cell) and save again"
            )
        try:
            grid = ws.to_python(skip_empty_area=False)
        except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
            if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
                raise
            raise DataError(f"{p}: sheet {name!r} cannot be read: {type(exc).__name__}: {exc}") from None
        if not grid:
            continue
        for r, c, text in scan.errors if scan is not None else ():
            if r < len(grid) and c < len(grid[r]) and grid[r][c] in ("", None):
                grid[r][c] = text
        _fill_merged(grid, ws.merged_cell_ranges)
        sheet = _sheet(p, name, grid, header)
        if sheet is not None:
            out.append(sheet)
    return out


def _has_header(ws: Any, header: str) -> bool:
    head = ws.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
    return any(header in (_text(v) for v in row) for row in head)


_CELL_ADDRESS = re.compile(r"([A-Z]+)([0-9]+)")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*\bt=\"e\"[^>]*)>(.*?)</(?:\w+:)?c>", re.S)
_ATTR_R = re.compile(rb"\br=\"([A-Z]+[0-9]+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


@dataclass(frozen=True)
class _SheetScan:
    """What the sheet XML of an .xlsx/.xlsm says before calamine loads the sheet."""

    errors: list[tuple[int, int, str]]  #: 0-based (row, column, error text) of cells holding an error value
    rows: int  #: last used row (1-based)
    cols: int  #: last used column (1-based); exact beyond column ZZ, else a bound (26 or 702)
    area: int  #: cells calamine allocates (bounding box of the used cells) when rows x cols is large


# literal-first patterns (the regex engine scans for the literal at C speed)
_ROW_R = re.compile(rb" r=\"([0-9]+)\"")
_ANY_CELL = re.compile(rb" r=\"([A-Z]+)([0-9]+)\"")
_WIDE_CELL = re.compile(rb" r=\"([A-Z]{3})[0-9]")
_TWO_LETTER_CELL = re.compile(rb" r=\"[A-Z]{2}[0-9]")


def _column_number(letters: str) -> int:
    j = 0
    for ch in letters:
        j = j * 26 + ord(ch) - 64
    return j


def _scan_sheets(path: Path) -> dict[str, _SheetScan]:
    """Error cells and used extent of every sheet of an .xlsx/.xlsm workbook, by sheet name.

    Error cells: python-calamine reads an error value (``#DIV/0!``, ``#N/A``) as an empty string
    (python-calamine issue #105), which would make ``=A1/0`` a missing value, silently imputed under
    ``missing: worst``; the sheet XML marks them ``t="e"``. Extent: calamine allocates a sheet's whole
    used range when it loads it, so one stray cell at XFD1048576 asks for 1.7e10 cells and aborts the
    process (no Python exception); the rows and columns are read from the XML first. A workbook this
    cannot parse yields ``{}`` (calamine has already opened it, so it is a valid package).
    """
    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
            targets: dict[str, str] = {}
            for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
                rid = re.search(rb"\bId=\"([^\"]+)\"", m.group(1))
                tgt = re.search(rb"\bTarget=\"([^\"]+)\"", m.group(1))
                if rid and tgt:
                    targets[rid.group(1).decode()] = tgt.group(1).decode()
            out: dict[str, _SheetScan] = {}
            for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
                attrs = m.group(1)
                nm = re.search(rb"\bname=\"([^\"]*)\"", attrs)
                rid = re.search(rb"\b\w+:id=\"([^\"]*)\"", attrs)
                if nm is None or rid is None or rid.group(1).decode() not in targets:
                    continue
                target = targets[rid.group(1).decode()]
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                try:
                    xml = z.read(part)
                except KeyError:
                    continue
                errors = []
                if b't="e"' in xml:
                    for c in _ERROR_CELL.finditer(xml):
                        ref = _ATTR_R.search(c.group(1))
                        val = _VALUE.search(c.group(2))
                        addr = _CELL_ADDRESS.fullmatch(ref.group(1).decode()) if ref else None
                        if addr is None or val is None:
                            continue
                        text = html.unescape(val.group(1).decode("utf-8", "replace"))
                        errors.append((int(addr.group(2)) - 1, _column_number(addr.group(1)) - 1, text))
                last = max(xml.rfind(b"<row "), xml.rfind(b":row "))
                at = xml.find(b" r=", last, xml.find(b">", last)) if last >= 0 else -1
                tag = _ROW_R.match(xml, at) if at >= 0 else None
                rows = int(tag.group(1)) if tag else xml.count(b"<row") + xml.count(b":row ")
                cols = max((_column_number(c.group(1).decode()) for c in _WIDE_CELL.finditer(xml)), default=0)
                if not cols:  # no column beyond ZZ: a bound from the widest column name used
                    two = _TWO_LETTER_CELL.search(xml) is not None
                    cols = 702 if two else 26
                area = rows * cols
                if area > MAX_SHEET_CELLS:  # rare: the exact bounding box of the used cells
                    refs = [(int(c.group(2)), _column_number(c.group(1).decode())) for c in _ANY_CELL.finditer(xml)]
                    if refs:
                        rs, cs = [r for r, _ in refs], [c for _, c in refs]
                        rows, cols = max(rs), max(cs)
                        area = (rows - min(rs) + 1) * (cols - min(cs) + 1)
                name = html.unescape(nm.group(1).decode("utf-8", "replace"))
                out[name] = _SheetScan(errors, rows, cols, area)
            return out
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return {}


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
