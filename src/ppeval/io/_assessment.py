"""Assessment files: wide values CSV, long ratings CSV, projects CSV, or one JSON/YAML file.

Parsing is column-wise: the csv module (or, for large unquoted files, pyarrow or
numpy on the bytes of an ASCII file, polars, or numpy on the characters) reads the rows
once, numpy converts and checks whole columns (numbers, ids,
labels, duplicates) and only when a check fails are the offending rows located
and named by file, line and column. Every problem found is collected, and one
:class:`~ppeval.errors.DataError` lists them all.

Text columns of a ratings table are held as their distinct cells plus an
integer code per row (:class:`_Coded`) where the reader can give them so
(the byte splitter, polars, a dict over the csv module's cells, ``pandas.factorize``): the checks
look at the distinct cells, and the canonical order and the duplicate check are
one sort of one int64 key built from the codes. Files with errors take the
general path (row-ordered reports), so every message is the same on every path.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import difflib
import functools
import gc
import io
import math
import numbers
import operator
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter, ValidationError

from ppeval._typing import FloatArray, IntArray
from ppeval.errors import DataError, InputError
from ppeval.io._errors import MAX_LISTED
from ppeval.io._read import MAX_DATA_BYTES, STRUCTURED_SUFFIXES, parse_structured, read_text
from ppeval.io._text import decode, read_bytes, sniff_delimiter
from ppeval.schema import (
    Assessment,
    IndicatorSystem,
    ProjectInfo,
    Qualitative,
    Quantitative,
    Ratings,
    SourceInfo,
)
from ppeval.schema.assessment import _ID_ONLY_PROJECTS, _CodedText

__all__ = [
    "load_assessment",
    "assessment_from_frames",
    "PROJECT_COLUMNS",
    "RATING_COLUMNS",
    "NOTE_COLUMN",
    "NOTE_PREFIX",
]

#: Columns of a projects file (only ``project`` is required).
PROJECT_COLUMNS = ("project", "name", "organisation", "contract_value", "period")
#: A project's name in one language: ``name_zh``, ``name_en`` (a projects table may have any of them).
_NAME_IN = re.compile(r"^name_([a-z]{2,3}(?:_[A-Za-z0-9]{2,8})*)$")
#: Columns of a ratings file.
RATING_COLUMNS = ("project", "indicator", "rater", "group", "rating")
#: Column of a values table holding a note on the whole project.
NOTE_COLUMN = "note"
#: Prefix of a values-table column holding notes on one indicator (``note:<indicator id>``).
NOTE_PREFIX = "note:"
#: Rows named per kind of problem before "(N rows in all)".
_ROWS_NAMED = 5
_GROUP = re.compile(r"^[a-z_]+$")

Kind = Literal["values", "ratings", "projects"]
Where = Callable[[int, str | None], str]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, eq=False)
class _Coded:
    """A text column as its distinct raw cells and one integer code per row (``uniq[codes]`` is the column).

    The readers hand the text columns of a ratings table over in this form where
    they can (polars: every column; the numpy splitter and the csv module: columns
    of few distinct cells; pandas frames: columns holding only text): the checks
    and the canonical order then work on the distinct cells and on integer codes,
    never on one Python or numpy string per row. :func:`_strip` and :func:`_plain`
    expand it where a table needs one string per row (values, projects, notes).
    """

    uniq: np.ndarray  # distinct cells as read (str; object for a frame), each occurring in some row; any order
    codes: IntArray  # index into ``uniq`` per row
    clean: bool = False  # ``uniq`` is sorted (code points) and no cell has white space around it (see _split_bytes)

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def take(self, idx: np.ndarray) -> _Coded:
        """The rows ``idx`` (cells no longer occurring are dropped from ``uniq``)."""
        codes = self.codes[idx]
        present = np.bincount(codes, minlength=self.uniq.shape[0]) > 0
        if present.all():
            return _Coded(self.uniq, codes, self.clean)
        return _Coded(self.uniq[present], (np.cumsum(present) - 1)[codes], self.clean)

    def blank(self) -> npt.NDArray[np.bool_]:
        """Rows whose cell is the empty string (as read)."""
        return (self.uniq == "")[self.codes] if self.uniq.size else np.zeros(len(self), dtype=bool)

    def materialize(self) -> StrArray:
        """The column, one cell per row."""
        return self.uniq[self.codes] if self.uniq.size else np.zeros(len(self), dtype=np.str_)


Column = np.ndarray | _Coded


@dataclass
class _Table:
    """One table of an assessment source: columns as arrays plus a way to name a cell."""

    source: str
    kind: Kind
    columns: Mapping[str, Column]
    n: int
    where: Where
    rownum: IntArray  # 1-based line (CSV) or record number of each row
    meta: dict[str, Any] = field(default_factory=dict)  # format, encoding, delimiter, sheet: see SourceInfo
    header_cell: Callable[[str], str] | None = None  # where a header cell is (workbooks: 'book.xlsx: values!E1')

    def header(self, name: str) -> str:
        """Where column ``name``'s header is, for messages."""
        return self.header_cell(name) if self.header_cell is not None else f"{self.source}, header"

    def info(self) -> SourceInfo:
        return SourceInfo(name=self.source, kind=self.kind, **{"format": "csv", **self.meta})


_LONG_QUOTED = re.compile(r"'([^'\n]{200,})'")


def _clip_quoted(m: re.Match[str]) -> str:
    return f"'{m.group(1)[:60]}…' ({len(m.group(1)):,} characters)"


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        # a quoted cell text of 200+ characters (a pasted document, a 100,000-digit number) is shown clipped
        self.items.append(_LONG_QUOTED.sub(_clip_quoted, text))

    def rows(self, idx: np.ndarray, describe: Callable[[int], str], summary: str | None = None) -> None:
        """Add one problem per row in ``idx`` (first few), then a count."""
        for i in idx[:_ROWS_NAMED]:
            self.add(describe(int(i)))
        if len(idx) > _ROWS_NAMED:
            self.add(f"... {summary or 'same problem'}: {len(idx)} rows in all")


def _csv_where(source: str, lines: IntArray) -> Where:
    def where(i: int, col: str | None) -> str:
        text = f"{source}, line {int(lines[i])}"
        return f"{text}, column {col!r}" if col is not None else text

    return where


#: Files at least this large are parsed by polars when it is installed. Importing polars costs 0.2-0.3 s
#: of CPU, about what the csv module spends more on 4-6 MiB of CSV (``bench_io.py``), so a process that has
#: not imported polars yet uses it from 4 MiB; once it is imported, from 1/32 of that (128 KiB), where
#: polars is already the faster parser.
FAST_MIN_BYTES = 4 * 2**20


def _fast_min_bytes() -> int:
    """The size from which a CSV file is parsed by polars (smaller when polars is imported already)."""
    return FAST_MIN_BYTES // 32 if "polars" in sys.modules else FAST_MIN_BYTES


def _read_csv_raw(
    path: Path, encoding: str | None, delimiter: str | None, what: str = "table",
    numeric: frozenset[str] = frozenset(), coded: frozenset[str] = frozenset(),
) -> tuple[list[str], list[Column], IntArray, dict[str, Any]]:
    """Read a CSV file into (header, one array per column, line of each row, how it was read).

    The encoding and separator are detected unless given (see :mod:`ppeval.io._text`).
    Blank lines and rows of empty cells are dropped; a row of the wrong length is an error.
    Five readers, one result: pyarrow for an ASCII table with numeric columns where the byte splitter
    would read it and pyarrow is imported or worth importing (:mod:`ppeval.io._arrow_csv`, the byte
    splitter's columns), the byte splitter (:func:`_split_bytes`, ASCII files without quotes
    from ``BYTES_MIN_BYTES`` whose lines all hold the header's number of fields; a table with
    numeric columns goes to polars first where polars parses numbers for less than its import
    costs), polars (files without quotes from :func:`_fast_min_bytes`, when installed), the
    numpy splitter on characters (:func:`_split_columns`, unquoted files whose lines all hold
    the header's number of fields) and the csv module (everything else; it names malformed
    lines). Columns are str arrays, except that on the byte and polars paths a column named in
    ``numeric`` whose every cell is a finite number or empty comes back as float64 with nan
    for the empty cells, and that a column named in ``coded`` may come back as a
    :class:`_Coded` (its distinct cells and a code per row). All parse to the same values.
    """
    source = str(path)
    raw = read_bytes(path, limit=MAX_DATA_BYTES)
    text = ""
    if encoding is None and raw.isascii() and b"\0" not in raw:
        # ASCII without NUL: detection decodes it as UTF-8 unchanged (no byte-order mark is ASCII), so the
        # text (a file-sized str) is decoded only when a reader below needs it; the byte and polars
        # readers take the bytes. The separator is sniffed on the first lines, all that sniffing reads.
        codec, detected, plain = "utf-8", True, True
        head = raw[: _after_newlines(raw, _SNIFF_LINES)].decode("ascii")
    else:
        dec = decode(raw, source, encoding)
        text = head = dec.text
        codec, detected, plain = dec.encoding, dec.detected, False
    delim = sniff_delimiter(head, source, delimiter)
    meta: dict[str, Any] = {
        "format": "csv", "encoding": codec, "delimiter": delim, "detected": detected and delimiter is None,
    }
    numeric_header = bool(numeric & {h.strip() for h in head[: head.find("\n")].split(delim)})
    # numbers: polars parses them faster than the byte splitter (~4.5 ms per MiB on this benchmark machine),
    # which pays for importing it (~150 ms of CPU) from about 32 MiB
    polars_first = numeric_header and len(raw) >= (
        _fast_min_bytes() if "polars" in sys.modules else POLARS_NUMBERS_MIN_FACTOR * FAST_MIN_BYTES)
    if numeric_header and plain and len(raw) >= BYTES_MIN_BYTES:
        # numbers: pyarrow's parser (~3x the byte splitter's speed) where it is imported or worth importing;
        # it takes the files the byte splitter takes and gives the same columns (None: the readers below)
        from ppeval.io import _arrow_csv

        wanted = _arrow_csv.arrow_wanted(len(raw))
        arrow = _arrow_csv.arrow_columns(raw, delim, numeric, coded, ascii_known=True) if wanted else None
        if arrow is not None:
            return arrow[0], arrow[1], arrow[2], meta
    if len(raw) >= BYTES_MIN_BYTES and not polars_first:
        data = raw if codec in ("utf-8", "utf-8-sig") else text.encode("utf-8")
        if data.startswith(b"\xef\xbb\xbf"):  # the byte-order mark Excel writes is not part of the text
            data = data[3:]
        split_b = _split_bytes(data, delim, numeric, coded, ascii_known=plain and data is raw)
        if split_b is not None:
            return split_b[0], split_b[1], split_b[2], meta
    if len(raw) >= _fast_min_bytes():
        data = raw if codec in ("utf-8", "utf-8-sig") else text.encode("utf-8")
        if b'"' not in data and (b"\r" not in data or _lone_cr_free(data)):
            fast = _polars_columns(data, delim, numeric, coded)
            if fast is not None:
                return fast[0], fast[1], fast[2], meta
    if plain:
        text = raw.decode("ascii")
    if len(text) >= SPLIT_MIN_CHARS:
        split = _split_columns(text, delim, coded)
        if split is not None:
            return split[0], split[1], split[2], meta
    with _gc_paused():  # a list per row: the cyclic collector would rescan them all again and again
        return _read_csv_module(text, source, delim, what, meta, coded)


#: Lines after the header that :func:`~ppeval.io._text.sniff_delimiter` may read (20), with the header and one more.
_SNIFF_LINES = 22


def _after_newlines(raw: bytes, count: int) -> int:
    """The offset just after the ``count``-th newline of ``raw`` (``len(raw)`` if it has fewer)."""
    end = -1
    for _ in range(count):
        end = raw.find(b"\n", end + 1)
        if end < 0:
            return len(raw)
    return end + 1


#: Unquoted CSV texts of at least this many characters that polars does not read are split with numpy.
SPLIT_MIN_CHARS = 1 << 16


def _split_columns(
    text: str, delim: str, coded: frozenset[str] = frozenset()
) -> tuple[list[str], list[Column], IntArray] | None:
    """Split a CSV text into str columns with numpy; ``None`` (use the csv module) unless every line after
    the header holds exactly as many fields as the header and every quoted field is a whole cell
    (``"..."`` with no quote, separator or line break inside).

    For such a text the csv module's records are the lines (a CRLF or LF ends one) split at the
    separator, quoted cells without their quotes, so the same cells come from the positions of the
    separators and line ends in the text's code points: each column is cut out as one ``(rows, width)``
    block of code points viewed as a str array, with no Python string per cell. Texts with a NUL, a
    lone CR, a blank or ragged line, any other use of quotes, or a cell longer than the csv module's
    field size limit go to the csv module, which reads (or names) them.
    """
    if len(delim) != 1 or delim == '"' or "\x00" in text:
        return None
    quoted_text = '"' in text
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    nl = np.flatnonzero(cp == 10)
    cr = np.flatnonzero(cp == 13)
    if cr.size and (cr[-1] == cp.shape[0] - 1 or not bool((cp[cr + 1] == 10).all())):
        return None  # a lone CR
    first = int(nl[0]) if nl.size else cp.shape[0]
    header_line = text[:first].rstrip("\r")
    header_cells = [_unquoted(h) for h in header_line.split(delim)]
    if not header_line or any(h is None for h in header_cells):
        return None  # a blank header line is no field at all for the csv module
    header = [str(h).strip() for h in header_cells]
    k = len(header)
    ends = nl[1:] if nl.size else nl  # ends of the data lines (exclusive), before any CR
    if cp.shape[0] > first + 1 and cp[-1] != 10:
        ends = np.append(ends, cp.shape[0])  # a last line without a newline
    n = ends.shape[0]
    if n == 0:
        return header, [np.zeros(0, dtype=np.str_) for _ in range(k)], np.zeros(0, dtype=np.int64)
    starts = np.empty(n, dtype=np.int64)
    starts[0] = first + 1
    starts[1:] = ends[:-1] + 1
    ends = ends - (cp[np.maximum(ends - 1, 0)] == 13)  # drop the CR of a CRLF
    seps = np.flatnonzero(cp[first:] == ord(delim)) + first
    if seps.shape[0] != n * (k - 1):
        return None
    index = np.int32 if cp.shape[0] < 2**31 else np.int64  # half the memory for positions in files < 2 GiB
    cell_start = np.empty((n, k), dtype=index)
    cell_end = np.empty((n, k), dtype=index)
    cell_start[:, 0] = starts
    cell_end[:, k - 1] = ends
    if k > 1:
        # the separators in order, k - 1 to a line: right when each line's first and last lie inside it
        at = seps.reshape(n, k - 1)
        if not bool(((at[:, 0] >= starts) & (at[:, -1] < ends)).all()):
            return None  # a blank or ragged line: the csv module skips or names it
        cell_start[:, 1:] = at + 1
        cell_end[:, :-1] = at
    if quoted_text:  # every quote must open or close a whole cell: those cells lose their two quotes
        ok_quotes = _whole_cell_quotes(cp, first, cell_start, cell_end)
        if ok_quotes is None:
            return None
        cell_start += ok_quotes
        cell_end -= ok_quotes
    lengths = cell_end - cell_start
    if int(lengths.max()) > csv.field_size_limit():
        return None
    columns: list[Column] = []
    widths = lengths.max(axis=0)
    padded = np.concatenate([cp, np.zeros(int(widths.max()), dtype="<u4")])  # every window below lies inside
    for j in range(k):
        width = int(widths[j])
        if width == 0:
            columns.append(np.zeros(n, dtype="<U1"))
        elif n * width > 4 * int(lengths[:, j].sum()) + 2**20:  # one long cell: padding would cost memory
            columns.append(np.array([text[a:b] for a, b in zip(cell_start[:, j].tolist(), cell_end[:, j].tolist(),
                                                                  strict=True)], dtype=np.str_))
        else:  # the cells' windows of code points, the part after each cell's end zeroed (str padding)
            block = np.lib.stride_tricks.sliding_window_view(padded, width)[cell_start[:, j]]
            block = np.where(np.arange(width) >= lengths[:, j, None], np.uint32(0), block)
            cells: StrArray = block.view(f"<U{width}").reshape(n)
            few = _few_codes(cells) if header[j] in coded else None
            columns.append(cells if few is None else few)
    cols, lines = _drop_blank(columns, np.arange(2, n + 2, dtype=np.int64))
    return header, cols, lines


#: ASCII CSV files of at least this many bytes without quotes are split with numpy on their bytes
#: (:func:`_split_bytes`); tables with numeric columns go to polars first when it is imported and the
#: file is at least ``_fast_min_bytes()`` (its float parser is faster than numpy's), or when the file is
#: ``POLARS_NUMBERS_MIN_FACTOR`` times ``FAST_MIN_BYTES`` (32 MiB), where that pays for importing it.
BYTES_MIN_BYTES = 1 << 16
#: The byte splitter looks for separators and line ends in slices of this many bytes (small enough for the
#: masks to stay in the processor's cache: 256 KiB took ~5 % less time than 16 MiB on the ratings file).
_SLICE_BYTES = 1 << 18
POLARS_NUMBERS_MIN_FACTOR = 8
#: Tables of at most this many cells keep each column's cell bounds between measuring and cutting the column.
_KEEP_BOUNDS = 1 << 21
#: Distinct cells found in a column's first rows up to which the column is coded by a hash table (else: a sort).
_HASHED_MAX = 64
#: Odd 64-bit multipliers for the hash of short cells (Knuth's multiplicative hashing); the first that maps a
#: column's distinct cells to distinct slots of a 4,096-slot table is used.
_HASH_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)


def _plain_header(data: bytes, delim: str, ascii_known: bool) -> tuple[int, list[str]] | None:
    """``(offset of the header's newline (len(data) if none), stripped header cells)`` of a CSV text the
    byte readers take (a one-byte ASCII separator, no quote, ASCII without NUL, a header of two or more
    cells without a lone CR); ``None`` for any other text. ``ascii_known``: the caller checked the ASCII."""
    sep = ord(delim) if len(delim) == 1 else -1
    if not 0 < sep < 128 or delim == '"' or b'"' in data:
        return None
    if not ascii_known and (b"\0" in data or not data.isascii()):
        return None
    first = data.find(b"\n")
    if first < 0:
        first = len(data)
    header_line = data[:first].decode("ascii")
    if header_line.endswith("\r"):
        header_line = header_line[:-1]
    header = [h.strip() for h in header_line.split(delim)]
    if not header_line or len(header) < 2 or "\r" in header_line:
        return None
    return first, header


def _split_bytes(
    data: bytes, delim: str, numeric: frozenset[str] = frozenset(), coded: frozenset[str] = frozenset(),
    ascii_known: bool = False,
) -> tuple[list[str], list[Column], IntArray] | None:
    """Split ASCII CSV bytes without quotes into columns with numpy; ``None`` (another reader) otherwise.

    Taken only when every line after the header holds exactly as many fields as the header (no blank or
    ragged line), every CR ends a line (CRLF), no byte is NUL or a quote, and no cell is longer than the
    csv module's field size limit: then the csv module's records are the lines split at the separator,
    and each column is cut out of the bytes as one ``(rows, width)`` block (no Python object per cell).
    Columns named in ``numeric`` whose every cell is empty or a finite number come back as float64
    (numpy's parser, the one the str path uses; nan where empty); columns named in ``coded`` as a
    :class:`_Coded` whose distinct cells are sorted (byte order is code point order in ASCII): a hash
    table when the column has few distinct cells, one sort otherwise; other columns as str arrays.
    ``ascii_known``: the caller checked that ``data`` is ASCII without NUL.
    """
    head = _plain_header(data, delim, ascii_known)
    if head is None:
        return None
    first, header = head
    k, sep = len(header), ord(delim)
    buf = np.frombuffer(data, dtype=np.uint8)
    body = buf[first + 1:]
    size = body.shape[0]
    if size == 0:
        return header, [np.zeros(0, dtype=np.str_) for _ in range(k)], np.zeros(0, dtype=np.int64)
    # positions of separators and newlines, slice by slice (no file-sized masks)
    parts, n_newlines, n_low, n_cr = [], 0, 0, 0
    has_cr = data.find(b"\r", first + 1) >= 0
    index = np.int32 if size < 2**31 - 1 else np.int64  # positions in half the memory below 2 GiB
    for at in range(0, size, _SLICE_BYTES):
        piece = body[at:at + _SLICE_BYTES]
        n_low += int(np.count_nonzero(piece <= 32))  # white space str.strip removes is among these bytes
        if has_cr:
            n_cr += int(np.count_nonzero(piece == 13))
        newline = piece == 10
        n_newlines += int(np.count_nonzero(newline))
        newline |= piece == sep
        found: np.ndarray = np.flatnonzero(newline).astype(index)
        found += at
        parts.append(found)
    special = parts[0] if len(parts) == 1 else np.concatenate(parts)
    del parts
    if body[-1] != 10:  # a last line without a newline ends at the end of the text
        special = np.append(special, np.array([size], dtype=index))
    n = special.shape[0] // k
    if special.shape[0] != n * k or n != n_newlines + (body[-1] != 10):
        return None
    grid = special.reshape(n, k)
    line_end = grid[:, -1]
    # every k-th separator-or-newline is a newline and there are no others: each line holds k - 1 separators
    # (a blank or ragged line shifts the grid; the csv module skips or names it)
    if not bool((body[line_end[:n_newlines]] == 10).all()):
        return None
    # cell j of a line starts after separator-or-newline j - 1 (the previous line's end for j = 0) and
    # ends at separator-or-newline j: one contiguous array per column, cut when the column is (two arrays of
    # row-sized positions at a time, not two per column)
    def cell_start(j: int) -> IntArray:
        if j:
            out: IntArray = special[j - 1::k] + 1
            return out
        start = np.empty(n, dtype=special.dtype)
        start[0] = 0
        np.add(special[k - 1:-1:k], 1, out=start[1:])
        return start

    last_length = special[k - 1::k] - cell_start(k - 1)
    if n_cr:  # (CRs of the data lines, counted in the slices above)
        cr = (last_length > 0) & (body[np.maximum(line_end - 1, 0)] == 13)
        if n_cr != int(np.count_nonzero(cr)):
            return None  # a CR that does not end a line (the csv module ends a record there)
        last_length -= cr
        del cr

    def cell_length(j: int, start: IntArray) -> IntArray:
        if j == k - 1:
            return last_length
        out: IntArray = special[j::k] - start
        return out

    widths, last_starts = [], []
    # a small table keeps each column's bounds for the cutting below; a large one computes them again there
    kept: list[tuple[IntArray, IntArray]] | None = [] if n * k <= _KEEP_BOUNDS else None
    for j in range(k):
        start = cell_start(j)
        length = cell_length(j, start)
        widths.append(int(length.max()))
        last_starts.append(int(start[-1]))
        if kept is not None:
            kept.append((start, length))
        del start, length
    if kept is not None:  # every column's bounds are kept: the positions are freed (later arrays reuse the memory)
        del grid, line_end
        special = np.zeros(0, dtype=special.dtype)
    if max(widths) > csv.field_size_limit():
        return None
    # no byte below 33 but the line ends (LF, the CR of a CRLF): no cell has white space at either end
    white_free = True if n_low == n_newlines + n_cr else None
    reach = max([last_starts[j] + widths[j] for j, name in enumerate(header)
                 if not (name in coded and name not in numeric)], default=0)
    padded = body if reach <= size else np.concatenate([body, np.zeros(reach - size, dtype=np.uint8)])
    columns: list[Column] = []
    for j, name in enumerate(header):
        width = widths[j]
        if kept is not None:
            start, length = kept[j]
        else:
            start = cell_start(j)
            length = cell_length(j, start)
        if name in coded and name not in numeric:
            if width <= 2:  # cells of one or two bytes (rating values): a table over every 16-bit key
                columns.append(_small_codes(body, start, length, white_free))
                continue
            columns.append(_bytes_codes(_cell_words(body, start, length, width), length, width, white_free))
            continue
        block = np.lib.stride_tricks.sliding_window_view(padded, width)[start] if width else \
            np.zeros((n, 0), dtype=np.uint8)  # each cell and the bytes after it, up to the widest
        column = _bytes_floats(block, length) if name in numeric else None
        if column is None:
            np.multiply(block, np.arange(width) < length[:, None], out=block)  # NULs after each cell
        columns.append(column if column is not None else _ascii_str(block))
    cols, lines = _drop_blank(columns, np.arange(2, n + 2, dtype=np.int64))
    return header, cols, lines


def _decimals(block: np.ndarray, lengths: IntArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Cells (rows of ASCII bytes, each ``lengths`` long, anything after) written as plain decimals, parsed
    exactly (see :func:`_bytes_floats`): the values (nan where empty) and which cells the fast path took
    (an empty cell is taken). Works on the transposed block, one contiguous row per byte position."""
    width = block.shape[1]
    by_pos = np.ascontiguousarray(block.T)
    np.multiply(by_pos, np.arange(width)[:, None] < lengths, out=by_pos)  # NULs after each cell
    lead = by_pos[0]
    signed = (lead == 43) | (lead == 45)
    bad = ~_DECIMAL_BYTES[by_pos]
    bad[0] &= ~signed
    point = by_pos == 46
    n_points = point.sum(axis=0, dtype=np.int64)
    where_point = (point * np.arange(width)[:, None]).sum(axis=0)
    n_digits = lengths - n_points - signed
    ok = ~bad.any(axis=0) & (n_points <= 1) & (n_digits <= 15) & ((n_digits >= 1) | (lengths == 0))
    mantissa = np.zeros(lengths.shape[0])  # exact: integers below 10**15 < 2**53
    for p in range(width):
        d = by_pos[p] - np.uint8(48)
        mantissa = np.where(d <= 9, mantissa * 10 + d, mantissa)
    frac = np.where(n_points > 0, lengths - 1 - where_point, 0)
    vals = mantissa / _POW10[np.clip(frac, 0, 22)]
    vals = np.where(lead == 45, -vals, vals)
    vals[lengths == 0] = np.nan
    return vals, ok


def _cell_words(body: npt.NDArray[np.uint8], start: IntArray, length: IntArray, width: int) -> npt.NDArray[np.uint64]:
    """Each cell (``length`` bytes from ``start``, increasing) as big-endian 64-bit words, NUL-padded: one
    gather per word from an unaligned view of every 8 bytes of the text (no copy of it); the few cells
    whose words run past the end are cut from a copy of the text's tail padded with NULs up to the last
    row's last word (short cells at the end may start a word several bytes past the text)."""
    n = start.shape[0]
    words = np.empty((n, max(1, -(-width // 8))), dtype=np.uint64, order="F")  # each word's column contiguous
    size = body.shape[0]
    eights = np.ndarray(shape=(max(size - 7, 0),), dtype=">u8", buffer=body, strides=(1,))
    fixed = n > 0 and int(length.min()) == int(length.max())  # every cell as long: one mask for all
    for i in range(words.shape[1]):
        at = start + 8 * i if i else start
        # rows whose word lies in the text (the bound in the positions' own type: no converted copy of them)
        inside = int(np.searchsorted(at, at.dtype.type(size - 8), side="right"))
        words[:inside, i] = eights[at[:inside]]
        if inside < n:  # the text's tail, NUL-padded to cover the last word of the last row (``at`` increases)
            lo = min(int(at[inside]), size)
            tail = np.zeros(int(at[-1]) + 8 - lo, dtype=np.uint8)
            tail[: size - lo] = body[lo:]
            tail_eights = np.ndarray(shape=(tail.shape[0] - 7,), dtype=">u8", buffer=tail, strides=(1,))
            words[inside:, i] = tail_eights[at[inside:] - lo]
        # keep each cell's own bytes of this word
        if fixed:
            words[:, i] &= _PREFIX_MASK[min(max(int(length[0]) - 8 * i, 0), 8)]
        else:  # (``take`` from a small table: about half the time of fancy indexing)
            words[:, i] &= _PREFIX_MASK.take(length if width <= 8 else np.clip(length - 8 * i, 0, 8))
    return words


def _ascii_str(block: np.ndarray) -> StrArray:
    """Rows of ASCII bytes (NUL-padded) as a str array: each byte widened to one UTF-32 code unit."""
    n, width = block.shape
    if width == 0:
        return np.zeros(n, dtype="<U1")
    out: StrArray = block.astype(np.uint32).view(f"<U{width}").reshape(n)
    return out


#: ASCII bytes ``str.strip`` removes (Python's white space: \t \n \v \f \r, the separators \x1c-\x1f, space).
_STRIPPED_BYTES = np.zeros(256, dtype=bool)
_STRIPPED_BYTES[[*range(9, 14), *range(28, 33)]] = True
#: The first k bytes of a big-endian 64-bit word (k = 0 .. 8).
_PREFIX_MASK = np.array([0, *(((1 << 64) - 1) ^ ((1 << (64 - 8 * k)) - 1) for k in range(1, 9))], dtype=np.uint64)
#: 10**k as float64, exact for k <= 22 (the fast path of decimal parsing divides by one of them).
_POW10 = np.array([10.0**k for k in range(23)])
#: Bytes a plain decimal cell may hold after its first byte (digits, the point; NUL pads the cell).
_DECIMAL_BYTES = np.zeros(256, dtype=bool)
_DECIMAL_BYTES[[0, 46, *range(48, 58)]] = True


def _bytes_floats(block: np.ndarray, lengths: IntArray) -> FloatArray | None:
    """A numeric column's cells (rows of ASCII bytes, the first ``lengths`` of each row) as float64, nan where
    empty; ``None`` if a cell is not a finite number.

    Cells written as plain decimals (an optional sign, digits, at most one point; at most 15 digits) are
    parsed exactly by Clinger's fast path (Clinger 1990, "How to read floating point numbers
    accurately", PLDI): the digits as an exact integer m < 2**53 and one IEEE division by 10**k (exact
    for k <= 22), whose correct rounding gives the correctly rounded value, the one ``float()`` gives.
    Any other column goes through numpy's parser (the one the str path uses).
    """
    n, width = block.shape
    empty = lengths == 0
    if width == 0:
        return np.full(n, np.nan)
    if width <= 17:
        fast, taken = _decimals(block, lengths)
        if bool(taken.all()):
            return fast
    cells = (block * (np.arange(width) < lengths[:, None])).view(f"S{width}").reshape(n)  # NUL-padded
    if empty.any():
        cells = np.where(empty, b"0", cells)
    try:
        vals = cells.astype(np.float64)
    except ValueError:
        return None
    if not bool(np.isfinite(vals).all()):
        return None
    if empty.any():
        vals[empty] = np.nan
    return vals


def _bytes_codes(
    words: npt.NDArray[np.uint64], lengths: IntArray, width: int, white_free: bool | None = None
) -> _Coded:
    """A column's cells as sorted distinct cells and a code per row.

    Each cell (ASCII, ``lengths`` bytes, at most ``width``) is given as big-endian 64-bit words
    padded with NULs, one row of ``words`` per cell: integer order is byte order, and a shorter cell
    sorts first, as in str order. A column whose first 1,024 cells hold at most
    ``_HASHED_MAX`` distinct values is looked up in a hash table of them (each cell checked against the
    value found; any other value sends the column to the sort); otherwise one sort of the words finds
    the distinct values. ``clean`` says whether no distinct cell starts or ends with white space
    (``white_free``: the caller knows no cell does, as no byte of the text is white space but line ends).
    """
    n, n_words = words.shape
    distinct, codes, first = _hashed_codes(words)
    if codes is None and n_words == 1:
        counted = _digit_codes(words[:, 0], lengths, width, white_free)
        if counted is not None:
            return counted
    if codes is None:
        if n_words == 1:
            order = np.argsort(words[:, 0])
        elif width <= 9:  # ASCII: 7 bits a byte, 9 bytes in one 63-bit key of the same order (argsort, no lexsort)
            order = np.argsort(_seven_bits(words))
        else:
            order = np.lexsort(tuple(words[:, i] for i in range(n_words - 1, -1, -1)))
        new = np.empty(n, dtype=bool)
        new[:1] = True
        if n_words == 1:
            ordered_1 = words[:, 0][order]
            np.not_equal(ordered_1[1:], ordered_1[:-1], out=new[1:])
            all_new = bool(new.all())
            distinct = (ordered_1 if all_new else ordered_1[new])[:, None]
            del ordered_1
        else:
            ordered = words[order]
            np.any(ordered[1:] != ordered[:-1], axis=1, out=new[1:])
            all_new = bool(new.all())
            distinct = ordered if all_new else ordered[new]
            del ordered
        codes = np.empty(n, dtype=np.int64)
        if all_new:  # every cell distinct (rater ids): the rank is the position in the order
            first = order
            codes[order] = np.arange(n, dtype=np.int64)
        else:
            first = order[new]
            rank = np.cumsum(new, dtype=np.int64)
            rank -= 1
            codes[order] = rank
            del rank
        del new, order
    uniq = distinct.astype(">u8").view(np.uint8).reshape(-1, 8 * n_words)[:, :width]
    cells = _ascii_str(uniq)
    del uniq
    if white_free:
        return _Coded(cells, codes, True)
    # white space str.strip removes, at either end of a cell (ASCII: \t \n \v \f \r, \x1c-\x1f, space)
    # the first and the last byte of each distinct cell, read off its words (empty cells: NUL, not white)
    size = lengths[first]
    last = np.maximum(size - 1, 0)
    first_byte = distinct[:, 0] >> np.uint64(56)
    last_word = distinct[np.arange(distinct.shape[0]), last // 8] if n_words > 1 else distinct[:, 0]
    last_byte = (last_word >> (np.uint64(56) - np.uint64(8) * (last % 8).astype(np.uint64))) & np.uint64(255)
    white = _STRIPPED_BYTES[first_byte.astype(np.intp)] | _STRIPPED_BYTES[last_byte.astype(np.intp)]
    return _Coded(cells, codes, not bool(white.any()))


def _digit_codes(
    word: npt.NDArray[np.uint64], lengths: IntArray, width: int, white_free: bool | None
) -> _Coded | None:
    """Cells that all hold ``width`` bytes, a prefix common to every cell and then digits (project ids such
    as ``p00072``), as sorted distinct cells and a code per row by counting, without a sort; ``None`` for
    any other column (or one whose numbers would spread over more than ``4 n + 4096`` slots).

    Each cell is one big-endian word (``word``, NUL-padded). Among such cells, string order is the order
    of the numbers their digits write (same width, same prefix), so the distinct numbers found by a
    ``bincount`` come out sorted. The digits are read eight at a time in the word (SWAR: every byte
    checked to be '0'-'9', then pairs, fours and eights of digits combined), and the distinct cells are
    written back from their numbers.
    """
    n = word.shape[0]
    if n == 0 or not 0 < width <= 8 or not bool((lengths == width).all()):
        return None
    low, high = int(np.bitwise_and.reduce(word)), int(np.bitwise_or.reduce(word))
    prefix = 0
    while prefix < width and (low >> (56 - 8 * prefix)) & 255 == (high >> (56 - 8 * prefix)) & 255:
        prefix += 1
    digits = width - prefix
    if digits == 0 or 10**digits > 4 * n + 4096:
        return None
    mask = (1 << (8 * digits)) - 1
    x = word >> np.uint64(8 * (8 - width))  # the cell's last byte lowest
    x &= np.uint64(mask)  # its digits only
    x ^= np.uint64(0x3030303030303030 & mask)  # '0'-'9' -> 0-9
    # a byte above 9 sets its top bit once 0x76 is added (and a byte of 0x80 or more has it already);
    # a carry into the next byte comes only from such a byte
    if bool((((x + np.uint64(0x7676767676767676 & mask)) | x) & np.uint64(0x8080808080808080 & mask)).any()):
        return None
    # pairs, fours, eights of digits (steps a shorter number does not need are left out)
    for step, lanes, scale in ((8, 0x00FF00FF00FF00FF, 10), (16, 0x0000FFFF0000FFFF, 100), (32, 0xFFFFFFFF, 10_000)):
        if digits > step // 8:
            x = ((x >> np.uint64(step)) & np.uint64(lanes)) * np.uint64(scale) + (x & np.uint64(lanes))
    number = x.astype(np.intp)
    present = np.bincount(number, minlength=10**digits) > 0
    distinct = np.flatnonzero(present)
    rank = np.zeros(present.shape[0], dtype=np.int64)
    rank[distinct] = np.arange(distinct.shape[0])
    codes = rank.take(number)
    # the distinct cells: the common prefix, then each number's digits
    cells_words = np.full(distinct.shape[0], low & ~((1 << (64 - 8 * prefix)) - 1) if prefix else 0, dtype=np.uint64)
    rest = distinct.astype(np.uint64)
    for i in range(digits):  # digit i from the right sits 8 * (8 - width + i) bits up
        cells_words |= (rest % np.uint64(10) + np.uint64(48)) << np.uint64(8 * (8 - width + i))
        rest //= np.uint64(10)
    cells = _ascii_str(cells_words.astype(">u8").view(np.uint8).reshape(-1, 8)[:, :width])
    # white space at an end: only the prefix's first byte can be (the last byte is a digit)
    clean = bool(white_free) or not prefix or not bool(_STRIPPED_BYTES[(low >> 56) & 255])
    return _Coded(cells, codes, clean)


def _small_codes(body: npt.NDArray[np.uint8], start: IntArray, length: IntArray, white_free: bool | None) -> _Coded:
    """A column of cells of at most two bytes (``length`` bytes of ``body`` from ``start``) as sorted distinct
    cells and a code per row: each cell as the 16-bit key ``first byte << 8 | second`` (0 where absent: no
    cell holds a NUL, so a shorter cell sorts first, as in str order), coded through a table over all
    65,536 keys (no hash, no sort)."""
    last = body.shape[0] - 1  # an empty cell may start at the end of the text: its bytes are not read
    first_byte = np.where(length > 0, body[np.minimum(start, last)], np.uint8(0))
    if int(length.max(initial=0)) <= 1:  # one byte a cell (rating values): a table over its 256 values
        distinct = np.flatnonzero(np.bincount(first_byte, minlength=256)) << 8
        rank = np.zeros(256, dtype=np.int64)
        rank[distinct >> 8] = np.arange(distinct.shape[0])
        codes = rank.take(first_byte)
    else:
        key = first_byte.astype(np.intp) << 8
        key |= np.where(length >= 2, body[np.minimum(start + 1, last)], np.uint8(0))
        distinct = np.flatnonzero(np.bincount(key, minlength=1 << 16))
        rank = np.zeros(1 << 16, dtype=np.int64)
        rank[distinct] = np.arange(distinct.shape[0])
        codes = rank.take(key)
    pairs = np.empty((distinct.shape[0], 2), dtype=np.uint8)
    pairs[:, 0] = distinct >> 8
    pairs[:, 1] = distinct & 255
    width = 2 if bool((pairs[:, 1] > 0).any()) else 1
    cells = _ascii_str(pairs[:, :width])
    if white_free:
        return _Coded(cells, codes, True)
    first_byte, last_byte = pairs[:, 0], np.where(pairs[:, 1] > 0, pairs[:, 1], pairs[:, 0])
    white = _STRIPPED_BYTES[first_byte] | _STRIPPED_BYTES[last_byte]
    return _Coded(cells, codes, not bool(white.any()))


def _seven_bits(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Rows of two big-endian words holding an ASCII cell of at most 9 bytes (NUL-padded) as one integer
    of the same order: the low 7 bits of each of the 9 bytes, first byte highest (63 bits)."""
    key = np.zeros(words.shape[0], dtype=np.uint64)
    for b in range(9):
        word, shift = (words[:, 0], 56 - 8 * b) if b < 8 else (words[:, 1], 56)
        byte = (word >> np.uint64(shift)) & np.uint64(127)
        key |= byte << np.uint64(7 * (8 - b))
    return key


def _fold(words: npt.NDArray[np.uint64], mult: np.uint64) -> npt.NDArray[np.uint64]:
    """A 12-bit multiplicative hash of each row of words (Knuth; the top bits of the wrapped product)."""
    h = words[:, 0] * mult
    for i in range(1, words.shape[1]):
        h = (h ^ words[:, i]) * mult
    out: npt.NDArray[np.uint64] = h >> np.uint64(52)
    return out


def _hashed_codes(
    words: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.uint64], IntArray | None, IntArray]:
    """Codes of the rows of ``words`` into their sorted distinct rows when the first 1,024 rows hold all of
    them and at most ``_HASHED_MAX``: a hash into a 4,096-slot table without collisions among them; every
    row is checked against the one its slot names. Returns (distinct rows, codes or ``None`` otherwise, a
    row holding each distinct value)."""
    head = words[:1024]
    if words.shape[1] == 1:
        cands_1, first = np.unique(head[:, 0], return_index=True)
        cands = cands_1[:, None]
    else:
        cands, first = np.unique(head, axis=0, return_index=True)
    if cands.shape[0] > _HASHED_MAX:
        return cands, None, first
    for mult in _HASH_MULTIPLIERS:
        m = np.uint64(mult)
        slots = _fold(cands, m)
        if np.unique(slots).shape[0] != cands.shape[0]:
            continue
        table = np.zeros(1 << 12, dtype=np.int64)
        table[slots] = np.arange(cands.shape[0])
        codes = table.take(_fold(words, m).view(np.int64))  # (below 4,096: the same numbers, no converted copy)
        if all(bool((cands[:, i].take(codes) == words[:, i]).all()) for i in range(words.shape[1])):
            return cands, codes, first
        return cands, None, first
    return cands, None, first  # pragma: no cover - four multipliers all colliding on at most 64 values


def _unquoted(cell: str) -> str | None:
    """A header cell as the csv module reads it when quotes are whole-cell only; ``None`` otherwise."""
    if '"' not in cell:
        return cell
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in cell[1:-1]:
        return cell[1:-1]
    return None


def _whole_cell_quotes(
    cp: npt.NDArray[np.uint32], first: int, cell_start: np.ndarray, cell_end: np.ndarray
) -> np.ndarray | None:
    """Which cells are quoted whole (``"..."``), as 0/1 of the position type; ``None`` if any quote of the
    data lines is anything else (an inner or doubled quote, a quote not at a cell's edge)."""
    last = cp.shape[0] - 1
    length = cell_end - cell_start
    opens = (length > 0) & (cp[np.minimum(cell_start, last)] == 34)
    closes = (length > 0) & (cp[np.maximum(cell_end - 1, 0)] == 34)
    whole = opens & closes & (length >= 2)
    if not bool((whole == (opens | closes)).all()):
        return None
    if int(np.count_nonzero(cp[first:] == 34)) != 2 * int(whole.sum()):
        return None
    out: np.ndarray = whole.astype(cell_start.dtype)
    return out


def _few_codes(cells: StrArray, most: int = 64) -> _Coded | None:
    """A str column of few distinct cells as distinct cells and codes: one comparison pass per distinct
    cell over the rows not yet coded, no sort of strings; ``None`` when the column has more than ``most``
    (or its first 1,000 cells more than 32) distinct cells."""
    n = cells.shape[0]
    if n < 1000 or len(set(cells[:1000].tolist())) > 32:
        return None
    codes = np.empty(n, dtype=np.int64)
    found: list[str] = []
    rest, rows = cells, np.arange(n)
    while rest.shape[0]:
        if len(found) == most:
            return None
        same = rest == rest[0]
        codes[rows[same]] = len(found)
        found.append(str(rest[0]))
        rest, rows = rest[~same], rows[~same]
    return _Coded(np.array(found, dtype=cells.dtype), codes)


def _lone_cr_free(data: bytes) -> bool:
    """Whether every CR byte is followed by LF (a lone CR ends a record for the csv module, not for polars)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    cr = np.flatnonzero(buf == 13)
    if cr.size == 0:
        return True
    if cr[-1] == buf.shape[0] - 1:  # the last byte
        return False
    return bool((buf[cr + 1] == 10).all())


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (it finds no cycles in lists of strings, only costs time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_csv_module(
    text: str, source: str, delim: str, what: str, meta: dict[str, Any], coded: frozenset[str] = frozenset()
) -> tuple[list[str], list[Column], IntArray, dict[str, Any]]:
    """The csv-module path of :func:`_read_csv_raw`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{source}: empty file; expected a header row") from None
    except csv.Error as exc:
        raise DataError(f"{source}, line 1: malformed CSV: {exc}") from None
    header = [h.strip() for h in header]
    k = len(header)
    problems = _Problems()
    all_lines: Sequence[int]
    try:
        if '"' not in text:
            # no quoted field, so no record spans lines: data record i is on line i + 2
            all_rows = list(reader)
            all_lines = range(2, len(all_rows) + 2)
        else:
            all_rows, line_list = [], []
            for row in reader:
                all_rows.append(row)
                line_list.append(reader.line_num)
            all_lines = line_list
    except csv.Error as exc:
        raise DataError(f"{source}, line {reader.line_num}: malformed CSV: {exc}") from None
    ragged = [] if set(map(len, all_rows)) <= {k} else [i for i, row in enumerate(all_rows) if len(row) != k]
    rows, lines = all_rows, all_lines
    if ragged:  # blank lines (no fields) are skipped; other rows of the wrong length are errors
        for i in ragged:
            if any(c.strip() for c in all_rows[i]):
                problems.add(f"{source}, line {all_lines[i]}: {len(all_rows[i])} fields; the header has {k}")
        rows = [row for row in all_rows if len(row) == k]
        lines = [line for row, line in zip(all_rows, all_lines, strict=True) if len(row) == k]
    if problems.items:
        raise DataError(_message(problems, f"{source}: cannot read the {what}"))
    columns = _str_columns(rows, k, [h in coded for h in header])
    line_arr = np.array(lines, dtype=np.int64)
    return header, *_drop_blank(columns, line_arr), meta


def _drop_blank(columns: list[Column], lines: IntArray) -> tuple[list[Column], IntArray]:
    """Drop rows whose every cell is empty (``,,,,`` rows that spreadsheet programs write)."""
    if not columns:
        return columns, lines
    if any(isinstance(c, _Coded) and not bool((c.uniq == "").any()) for c in columns):
        return columns, lines  # a column without an empty cell: no row is blank
    blank = np.ones(lines.shape[0], dtype=bool)
    for c in columns:
        if isinstance(c, _Coded):
            blank &= c.blank()
        else:
            blank &= np.isnan(c) if c.dtype.kind == "f" else (c == "")
    if blank.any():
        keep = np.flatnonzero(~blank)
        return [c.take(keep) if isinstance(c, _Coded) else c[keep] for c in columns], lines[keep]
    return columns, lines


def _str_columns(rows: list[list[str]], k: int, coded: Sequence[bool] = ()) -> list[Column]:
    """Rows of equal length as one str array per column (a :class:`_Coded` for a ``coded`` column of few
    distinct cells)."""
    if not rows:
        return [np.zeros(0, dtype=np.str_) for _ in range(k)]
    columns = list(zip(*rows, strict=True))
    return [_coded_cells(c) if j < len(coded) and coded[j] else np.array(c, dtype=np.str_)
            for j, c in enumerate(columns)]


def _coded_cells(cells: Sequence[str]) -> Column:
    """Python strings as distinct cells and codes (one dict lookup per cell, no numpy string per cell);
    a column of mostly distinct cells (rater ids) as one str array, which the builder sorts once."""
    if len(set(cells[:1000])) > 500:  # mostly distinct so far (rater ids): no dict of every cell
        return np.array(cells, dtype=np.str_)
    distinct = dict.fromkeys(cells)
    if 2 * len(distinct) > len(cells):
        return np.array(cells, dtype=np.str_)
    index = {c: i for i, c in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, cells), dtype=np.int64, count=len(cells))
    return _Coded(np.array(list(distinct), dtype=np.str_), codes)


def _plain(col: Column) -> np.ndarray:
    """A column as an array (a coded text column expanded to one string per row)."""
    return col.materialize() if isinstance(col, _Coded) else col


def _fields_per_line_ok(data: bytes, start: int, sep: int, k: int) -> bool:
    """Whether every line of ``data[start:]`` holds ``k - 1`` separators or is blank (empty, or a lone CR)."""
    buf = np.frombuffer(data, dtype=np.uint8)[start:]
    nl = np.flatnonzero(buf == 10)
    end = buf.shape[0] if not nl.size or nl[-1] != buf.shape[0] - 1 else int(nl[-1])
    starts = np.concatenate(([0], nl + 1))
    starts = starts[starts <= end]
    line_of_sep = np.searchsorted(starts, np.flatnonzero(buf[:end] == sep), side="right") - 1
    seps = np.bincount(line_of_sep, minlength=starts.shape[0])
    ends = np.concatenate((starts[1:] - 1, [end]))
    length = ends - starts
    cr = (length > 0) & (buf[np.maximum(ends - 1, 0)] == 13)
    blank = (length - cr) == 0
    return bool(np.all((seps == k - 1) | blank))


def _polars_columns(
    data: bytes, delim: str, numeric: frozenset[str], coded: frozenset[str] = frozenset()
) -> tuple[list[str], list[Column], IntArray] | None:
    """Parse UTF-8 CSV bytes without quotes or lone CRs with polars; ``None`` (use the csv module) if polars
    is missing or a row is ragged.

    Every physical line after the header is one row (blank lines give rows of
    empty cells, dropped afterwards), so data row ``i`` is on line ``i + 2``.
    Columns named in ``numeric`` whose every cell is a finite number or empty
    come back as float64 (nan where empty); columns named in ``coded`` as a
    :class:`_Coded`: polars ranks the cells (``rank("dense")``, a parallel sort
    in Rust) and only the distinct cells become Python strings.
    """
    try:
        import polars as pl
    except ImportError:
        return None
    sep = delim.encode("utf-8")
    if len(sep) != 1:  # polars takes one-byte separators
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    first = data.find(b"\n")
    if first < 0:
        first = len(data)
    header = [h.strip() for h in data[:first].decode("utf-8").rstrip("\r").split(delim)]
    k = len(header)
    # lines after the header (a last line without a newline counts; nothing after a final newline does)
    buf = np.frombuffer(data, dtype=np.uint8)  # counting bytes with numpy: ~10x faster than bytes.count here
    n_rows = int(np.count_nonzero(buf[first + 1:] == 10)) + (
        1 if len(data) > first + 1 and not data.endswith(b"\n") else 0)
    if n_rows <= 0:
        return header, [np.zeros(0, dtype=np.str_) for _ in range(k)], np.zeros(0, dtype=np.int64)
    try:
        df = pl.read_csv(
            data, has_header=False, skip_rows=1, infer_schema=False, empty_string_is_null=False, quote_char=None,
            separator=delim, schema={f"c{j}": pl.String for j in range(k)}, raise_if_empty=False,
            missing_columns="insert",  # a blank first line would otherwise set the number of columns
        )
    except Exception:  # any parse problem: the csv module reads the file and names the line
        return None
    if df.height != n_rows:
        return None
    df = df.fill_null("")  # missing fields of blank lines (no other cell is null: empty cells are "")
    # polars refuses a line with too many fields but pads a short one with empty cells: a line with fewer
    # separators is found from the total count (cheap), then line by line only if that count is short
    n_seps = int(np.count_nonzero(buf[first:] == sep[0]))
    if n_seps != (k - 1) * n_rows and not _fields_per_line_ok(data, first + 1, sep[0], k):
        return None
    # numeric columns: cast once; a column is numeric if no non-empty cell failed the cast (null) and none is
    # nan or inf (those go the str way, where they are named). Cells are not stripped here: a cell with spaces
    # fails the cast and the column goes the str way, which strips it.
    code_js = [j for j, name in enumerate(header) if name in coded and name not in numeric]
    num_js = [j for j, name in enumerate(header) if name in numeric]
    parsed = df.with_columns([pl.col(f"c{j}").cast(pl.Float64, strict=False).alias(f"f{j}") for j in num_js])
    checks = [
        ((pl.col(f"f{j}").is_null() & (pl.col(f"c{j}") != "")) | ~pl.col(f"f{j}").is_finite()).any().alias(f"f{j}")
        for j in num_js
    ]
    bad = parsed.select(checks).row(0) if checks else ()
    ok = {f"f{j}" for j, b in zip(num_js, bad, strict=True) if not b}
    columns: list[Column] = []
    for j in range(k):
        if f"f{j}" in ok:
            columns.append(parsed.get_column(f"f{j}").to_numpy().astype(np.float64, copy=False))
        elif j in code_js:
            try:
                coded_col = _polars_codes(df.get_column(f"c{j}"))
            except Exception:  # pragma: no cover - any polars surprise: the csv module reads the file
                coded_col = None
            if coded_col is None:  # pragma: no cover - polars broke its own contract
                return None
            columns.append(coded_col)
        else:
            columns.append(np.array(parsed.get_column(f"c{j}").to_list(), dtype=np.str_))
    lines = np.arange(2, df.height + 2, dtype=np.int64)
    cols, lines = _drop_blank(columns, lines)
    return header, cols, lines


def _polars_codes(cells: Any) -> _Coded | None:
    """A polars text column as its distinct cells and a code per row, without a Python string per row.

    Few distinct cells (project, indicator, group, rating columns): a hash of the
    distinct cells and a lookup of every cell (an ``Enum`` cast). Mostly distinct
    cells (rater ids): the dense rank of every cell (one parallel sort) and the
    cell at the first row of each rank. ``None`` if the codes do not give the
    column back (checked, one comparison per row in Rust).
    """
    import polars as pl

    n = cells.len()
    if cells.approx_n_unique() * 2 <= n:
        distinct = cells.unique()
        codes = cells.cast(pl.Enum(distinct)).to_physical().to_numpy().astype(np.int64)
    else:
        codes = cells.rank("dense").to_numpy().astype(np.int64) - 1
        distinct = cells.gather(_first_rows(codes, int(codes.max()) + 1 if n else 0))
    if not bool((distinct.gather(codes) == cells).all()):
        return None
    return _Coded(_str_array(distinct), codes)


def _str_array(cells: Any) -> StrArray:
    """A polars text column as a numpy str array (what ``np.array(cells.to_list(), dtype=str)`` gives).

    The cells are padded with NULs to the longest and joined into one string, whose UTF-32
    encoding is the array's buffer: no Python string per cell. numpy drops trailing NULs from
    a str cell either way. A column whose longest cell is far longer than the average (padding
    would multiply the memory) goes through Python strings.
    """
    n = cells.len()
    lengths = cells.str.len_chars()
    width = int(lengths.max() or 0) if n else 0
    if width == 0 or n * width > 4 * int(lengths.sum()) + 2**20:
        return np.array(cells.to_list(), dtype=np.str_)
    joined = cells.str.pad_end(width, "\0").str.join("").item()
    return np.frombuffer(joined.encode("utf-32-le"), dtype=f"<U{width}")


def _read_csv(path: Path, system: IndicatorSystem, encoding: str | None, delimiter: str | None) -> _Table:
    source = str(path)
    numeric = frozenset(system.quantitative_leaf_ids)
    header, cols, line_arr, meta = _read_csv_raw(
        path, encoding, delimiter, numeric=numeric, coded=frozenset(RATING_COLUMNS)
    )
    problems = _Problems()
    _check_header(header, source, problems)
    if problems.items:
        raise DataError(_message(problems, f"{source}: cannot read the table"))
    columns = dict(zip(header, cols, strict=True))
    kind = _detect_kind(header, system, source)
    return _Table(source, kind, columns, int(line_arr.shape[0]), _csv_where(source, line_arr), line_arr, meta)


def _check_header(header: Sequence[str], source: str, problems: _Problems) -> None:
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        if h == "":
            problems.add(f"{source}, line 1: column {j + 1} has an empty name")
        elif h in seen:
            problems.add(f"{source}, line 1: column {h!r} appears twice (columns {seen[h] + 1} and {j + 1})")
        seen.setdefault(h, j)
    if "project" not in seen:
        problems.add(f"{source}, line 1: no 'project' column; every assessment table has one")


def _detect_kind(header: Sequence[str], system: IndicatorSystem, source: str) -> Kind:
    cols = set(header) - {"project"}
    if {"indicator", "rating"} & cols or "rater" in cols:
        return "ratings"
    if cols & set(system.leaf_ids):
        return "values"
    if not cols or cols & set(PROJECT_COLUMNS) or any(_NAME_IN.match(c) for c in cols):
        return "projects"
    return "values"


def _message(problems: _Problems, header: str) -> str:
    items = problems.items
    lines = [f"{header} ({len(items)} problem{'s' if len(items) != 1 else ''}):"]
    lines += [f"  - {p}" for p in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"  ... and {len(items) - MAX_LISTED} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- conversion
def _strip(col: Column) -> StrArray:
    """A column as stripped strings (``None``/nan → ``""``; numbers as their shortest repr)."""
    if isinstance(col, _Coded):
        return _strip(col.uniq)[col.codes] if col.uniq.size else np.zeros(len(col), dtype=np.str_)
    if col.dtype.kind == "U":
        return np.char.strip(col)
    if col.dtype.kind == "f":
        out = col.astype(np.str_)
        return np.where(np.isnan(col), "", out)
    kinds = set(map(type, col.tolist()))
    if kinds <= {str, type(None)} and col.size:  # text (and gaps): the rule below, applied to whole arrays
        text = np.where(col.astype(bool), col, "") if type(None) in kinds else col  # None and "" are falsy
        stripped = np.char.strip(text.astype(np.str_))
        width = max(1, int(np.char.str_len(stripped).max()))  # as np.array of the stripped strings gives
        return stripped.astype(f"<U{width}")
    out_list: list[str] = []
    for v in col:
        if v is None:
            out_list.append("")
        elif isinstance(v, float) and math.isnan(v):
            # one rule for every format: NaN is not a way to write "missing" (CSV rejects the text 'nan'
            # too); a missing value is an empty cell (CSV) or null / a left-out key (JSON, YAML)
            out_list.append("nan")
        elif isinstance(v, str):
            out_list.append(v.strip())
        elif isinstance(v, bool | np.bool_):
            out_list.append(f"<boolean {v}>")
        elif isinstance(v, numbers.Integral):
            out_list.append(str(int(v)))
        elif isinstance(v, numbers.Real):
            out_list.append(repr(float(v)))
        elif isinstance(v, _dt.date):
            out_list.append(v.isoformat())
        else:
            out_list.append(f"<{type(v).__name__}>")
    return np.array(out_list, dtype=np.str_)


def _parse_float(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def _to_float(
    col: Column, where: Where, name: str, problems: _Problems, row_label: Callable[[int], str]
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Parse a column of numbers: returns (values with nan where empty or bad, empty mask)."""
    col = _plain(col)
    if col.dtype.kind == "f":
        vals = np.array(col, dtype=np.float64)
        empty = np.isnan(vals)
        bad = np.isinf(vals)
        if bad.any():
            problems.rows(
                np.nonzero(bad)[0],
                lambda i: f"{where(i, name)}: {float(vals[i])!r} is not a finite number{row_label(i)}",
            )
            vals[bad] = np.nan
        return vals, empty
    text = _strip(col)
    empty = text == ""
    try:
        vals = np.where(empty, "0", text).astype(np.float64)
    except ValueError:
        uniq, inv = np.unique(text, return_inverse=True)
        parsed = [(_parse_float(u) if u else 0.0) for u in uniq]
        ok_u = np.array([p is not None for p in parsed])
        uvals = np.array([np.nan if p is None else p for p in parsed], dtype=np.float64)
        vals = uvals[inv]
        badrows = np.nonzero(~ok_u[inv])[0]
        problems.rows(
            badrows,
            lambda i: f"{where(i, name)}: {str(text[i])!r} is not a number{row_label(i)}",
            f"non-numeric values in column {name!r}",
        )
        empty = empty | ~ok_u[inv]
    nonfinite = ~np.isfinite(vals) & ~empty
    if nonfinite.any():
        problems.rows(
            np.nonzero(nonfinite)[0],
            lambda i: f"{where(i, name)}: {str(text[i])!r} is not a finite number; for a missing value leave "
            f"the cell empty (CSV) or write null (JSON, YAML){row_label(i)}",
        )
        empty = empty | nonfinite
    vals = np.where(empty, np.nan, vals)
    return vals, empty


def _text_codes(cols: Sequence[Column]) -> tuple[StrArray, IntArray]:
    """Distinct stripped cells of the concatenated columns (sorted) and each row's index into them.

    Equal to ``np.unique(np.concatenate([_strip(c) for c in cols]), return_inverse=True)``;
    a :class:`_Coded` column is stripped and sorted through its distinct cells only.
    """
    if len(cols) == 1 and not isinstance(cols[0], _Coded):
        uniq, inv = np.unique(_strip(cols[0]), return_inverse=True)
        return uniq, inv.reshape(-1).astype(np.int64, copy=False)
    if len(cols) == 1 and isinstance(cols[0], _Coded) and cols[0].clean:
        return cols[0].uniq, cols[0].codes  # sorted and stripped already
    if len(cols) == 1 and isinstance(cols[0], _Coded):
        u = _strip(cols[0].uniq) if cols[0].uniq.size else np.zeros(0, dtype=np.str_)
        if not bool((u[1:] > u[:-1]).all()):  # distinct cells ranked by polars are in order already
            order = np.argsort(u)
            u = u[order]
            if not bool((u[1:] > u[:-1]).all()):  # stripping made two cells equal: the general way
                return _text_codes([*cols, np.zeros(0, dtype=np.str_)])
            rank = np.empty_like(order)
            rank[order] = np.arange(order.shape[0])
            return u, rank[cols[0].codes]
        return u, cols[0].codes
    parts, codes, offset = [], [], 0
    for c in cols:
        if isinstance(c, _Coded):
            u, k = (_strip(c.uniq) if c.uniq.size else np.zeros(0, dtype=np.str_)), c.codes
        else:
            u, k = np.unique(_strip(c), return_inverse=True)
        parts.append(u)
        codes.append(k.reshape(-1).astype(np.int64, copy=False) + offset)
        offset += u.shape[0]
    uniq, inv = np.unique(np.concatenate(parts) if parts else np.zeros(0, dtype=np.str_), return_inverse=True)
    inv = inv.reshape(-1).astype(np.int64, copy=False)
    return uniq, (inv[np.concatenate(codes)] if codes else np.zeros(0, dtype=np.int64))


def _sort_keys(keys: IntArray, bound: int) -> tuple[IntArray, IntArray]:
    """(order, sorted keys) of distinct-or-not non-negative int64 ``keys`` below ``bound``.

    When a key and a row number fit in 63 bits together, one sort of ``key << b | row`` (numpy's
    vectorised sort, several times faster than ``argsort``) gives both; among equal keys rows come in
    file order. Otherwise ``argsort``.
    """
    n = keys.shape[0]
    bits = max(n - 1, 1).bit_length()
    if bound <= 0 or bound.bit_length() + bits > 63:
        order = np.argsort(keys)
        return order, keys[order]
    packed = np.sort((keys << bits) | np.arange(n, dtype=np.int64))
    return packed & ((1 << bits) - 1), packed >> bits


def _rows_of(mask: npt.NDArray[np.bool_], codes: IntArray) -> IntArray:
    """Rows whose code is marked in ``mask`` (ascending)."""
    return np.flatnonzero(mask[codes]) if mask.any() else np.zeros(0, dtype=np.int64)


def _empty_first(uniq: StrArray) -> npt.NDArray[np.bool_]:
    """``uniq == ""`` for sorted distinct cells (the empty cell, if any, is the first): no comparison per cell."""
    mask = np.zeros(uniq.shape[0], dtype=bool)
    if uniq.shape[0] and uniq[0] == "":
        mask[0] = True
    return mask


def _first_rows(codes: IntArray, size: int) -> IntArray:
    """First row holding each code ``0 .. size - 1`` (``len(codes)`` for a code that does not occur)."""
    first = np.full(size, codes.shape[0], dtype=np.int64)
    np.minimum.at(first, codes, np.arange(codes.shape[0], dtype=np.int64))
    return first


def _codes(col: StrArray, mapping: Mapping[str, int]) -> tuple[IntArray, StrArray, IntArray, IntArray]:
    """Map strings to codes (-1 = unknown): (codes, unique strings, first row of each, inverse)."""
    uniq, first, inv = np.unique(col, return_index=True, return_inverse=True)
    ucodes = _lookup(uniq, mapping)
    return ucodes[inv], uniq, first, inv.astype(np.int64)


def _lookup(cells: StrArray, mapping: Mapping[str, int]) -> IntArray:
    """``mapping[cell]`` for each cell (-1 where absent), for a mapping of keys to their positions (as the
    project index is): the positions themselves when ``cells`` are exactly its keys in order (the sorted
    ids of the table that defines the projects), without a lookup per cell."""
    keys = cells.tolist()
    if len(keys) == len(mapping) and keys == list(mapping):
        return np.arange(len(keys), dtype=np.int64)
    return np.array([mapping.get(u, -1) for u in keys], dtype=np.int64)


def _suggest(token: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(token, list(options), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@functools.cache
def _project_list_adapter() -> TypeAdapter[list[ProjectInfo]]:
    return TypeAdapter(list[ProjectInfo])


def _projects_at_once(cols: Mapping[str, list[str]], lang_cols: Mapping[str, list[str]]) -> list[ProjectInfo] | None:
    """The projects of a table without problems, validated in one call; ``None`` if any row has a problem.

    The same records as the row-by-row path (empty cells left out), validated by one
    pydantic call instead of one per row; a table with an empty or repeated id, a
    contract value that is not a number, or a record pydantic rejects returns ``None``,
    and the row-by-row path names every problem.
    """
    ids = cols["project"]
    if "" in ids or len(set(ids)) != len(ids):
        return None
    values: list[float | None] | None = None
    if "contract_value" in cols:
        try:
            values = [float(x) if x != "" else None for x in cols["contract_value"]]
        except ValueError:
            return None
    texts = [(c, cols[c]) for c in ("name", "organisation", "period") if c in cols]
    with _gc_paused():  # a dict and a model per project, no cycles: collections would rescan them (60 % at 1e6)
        return _validated_projects(ids, texts, lang_cols, values)


def _validated_projects(
    ids: list[str], texts: list[tuple[str, list[str]]], lang_cols: Mapping[str, list[str]],
    values: list[float | None] | None,
) -> list[ProjectInfo] | None:
    """The records of :func:`_projects_at_once`, validated by one pydantic call (``None`` if it rejects one)."""
    records: list[dict[str, Any]] = []
    for i, pid in enumerate(ids):
        record: dict[str, Any] = {"id": pid}
        for c, col in texts:
            if col[i] != "":
                record[c] = col[i]
        names = {lang: col[i] for lang, col in lang_cols.items() if col[i] != ""}
        if names:
            record["names"] = names
        if values is not None and values[i] is not None:
            record["contract_value"] = values[i]
        records.append(record)
    try:
        return _project_list_adapter().validate_python(records)
    except ValidationError:
        return None


def _not_unicode(ids: list[str]) -> bool:
    """Whether some id is not valid Unicode (a lone surrogate from a JSON escape)."""
    try:
        "".join(ids).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# ---------------------------------------------------------------------------------------------- builder
class _Builder:
    def __init__(self, system: IndicatorSystem, policy: str, asked: str | None = None) -> None:
        self.system = system
        self.policy = policy
        self.asked = asked  # the policy given explicitly to the loader, if any
        self.leaf_ids = system.leaf_ids
        self.leaf_index = {lid: j for j, lid in enumerate(self.leaf_ids)}
        self.leaves = system.leaves()
        self.problems = _Problems()
        self.tables: list[_Table] = []
        self.notes: dict[tuple[str, str], str] = {}

    # -- projects --------------------------------------------------------------------------------------
    def _project_list(self) -> tuple[list[str], list[ProjectInfo] | None, str, bool]:
        """(ids, infos, what defines them, whether ids outside the list are errors); infos None: every project
        is its id alone (no projects table)."""
        ptables = [t for t in self.tables if t.kind == "projects"]
        vtables = [t for t in self.tables if t.kind == "values"]
        rtables = [t for t in self.tables if t.kind == "ratings"]
        if len(ptables) > 1:
            self.problems.add(
                "more than one projects table: " + ", ".join(t.source for t in ptables) + "; give one"
            )
        if ptables:
            ids, infos = self._read_projects(ptables[0])
            return ids, infos, f"the projects table {ptables[0].source}", True
        # the ids in any order (build sorts them): the sorted distinct stripped ids of every table
        parts = [_text_codes([t.columns["project"]])[0] for t in vtables or rtables]
        uniq = parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))
        ids = uniq.tolist()  # sorted and distinct: an empty id can only be the first
        if ids and not ids[0]:
            del ids[0]
        what = "the values tables" if vtables else "the ratings tables"
        what += " (" + ", ".join(t.source for t in (vtables or rtables)) + ")"
        # every project is its id alone: the records are built when read (Assessment's marker), unless an id is
        # not valid Unicode (validation refuses it here, naming it)
        if _not_unicode(ids):  # (a JSON \ud800 escape): pydantic would refuse it with its own error type
            for p in ids:
                if _not_unicode([p]):
                    self.problems.add(f"{what}: project id {p!r} is not valid Unicode text (a lone surrogate, such "
                                      "as a JSON \\ud800 escape)")
        return ids, None, what, bool(vtables)

    def _read_projects(self, t: _Table) -> tuple[list[str], list[ProjectInfo]]:
        extra = [c for c in t.columns if c not in PROJECT_COLUMNS and not _NAME_IN.match(c)]
        if extra:
            self.problems.add(
                f"{t.source}: unknown column(s) {', '.join(map(repr, extra))} in a projects table; "
                f"expected {', '.join(PROJECT_COLUMNS)} and name_<language> (e.g. name_zh)"
            )
        cols = {c: _strip(v).tolist() for c, v in t.columns.items() if c in PROJECT_COLUMNS}
        lang_cols = {m.group(1): _strip(v).tolist() for c, v in t.columns.items() if (m := _NAME_IN.match(c))}
        ids_col = cols["project"]
        fast = _projects_at_once(cols, lang_cols)
        if fast is not None:
            return [p.id for p in fast], fast
        infos: list[ProjectInfo] = []
        seen: dict[str, int] = {}
        for i in range(t.n):
            pid = str(ids_col[i])
            if not pid:
                self.problems.add(f"{t.where(i, 'project')}: empty project id")
                continue
            if pid in seen:
                self.problems.add(
                    f"{t.where(i, 'project')}: project {pid!r} is listed again (first at "
                    f"{t.where(seen[pid], None)})"
                )
                continue
            seen[pid] = i
            record: dict[str, Any] = {"id": pid}
            for c in ("name", "organisation", "period"):
                if c in cols and cols[c][i] != "":
                    record[c] = str(cols[c][i])
            names = {lang: str(col[i]) for lang, col in lang_cols.items() if col[i] != ""}
            if names:
                record["names"] = names
            if "contract_value" in cols and cols["contract_value"][i] != "":
                token = str(cols["contract_value"][i])
                value = _parse_float(token)
                if value is None:
                    self.problems.add(f"{t.where(i, 'contract_value')}: {token!r} is not a number")
                else:
                    record["contract_value"] = value
            try:
                infos.append(ProjectInfo.model_validate(record))
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    col = "project" if err["loc"][0] == "id" else str(err["loc"][0])
                    self.problems.add(f"{t.where(i, col)}: {err['msg']} (got {err['input']!r})")
                infos.append(ProjectInfo(id=pid))  # keep the id so later tables are not reported as unknown
        return [p.id for p in infos], infos

    # -- values ----------------------------------------------------------------------------------------
    def _place_values(
        self,
        t: _Table,
        ti: int,
        pindex: Mapping[str, int],
        strict_projects: bool,
        defined_by: str,
        values: FloatArray,
        cell_src: IntArray,
        cell_row: npt.NDArray[np.int32],
    ) -> None:
        earlier = any(u.kind == "values" for u in self.tables[:ti])  # a table before this one placed cells
        pcoded = t.columns["project"]
        if isinstance(pcoded, _Coded) and pcoded.clean:  # sorted stripped distinct ids: no sort of strings
            uniq, inv = pcoded.uniq, pcoded.codes
            pcol, first, pcode = uniq[inv], _first_rows(inv, uniq.shape[0]), _lookup(uniq, pindex)[inv]
        else:
            pcol = _strip(pcoded)
            pcode, uniq, first, inv = _codes(pcol, pindex)
        empty = np.nonzero(pcol == "")[0]
        self.problems.rows(empty, lambda i: f"{t.where(i, 'project')}: empty project id")
        if strict_projects:
            for k in np.nonzero(pcode[first] < 0)[0]:
                if uniq[k]:
                    self.problems.add(
                        f"{t.where(int(first[k]), 'project')}: unknown project {str(uniq[k])!r}; projects "
                        f"come from {defined_by}{_suggest(str(uniq[k]), list(pindex))}"
                    )
        counts = np.bincount(inv, minlength=len(uniq))
        for k in np.nonzero(counts > 1)[0]:
            rows = np.nonzero(inv == k)[0]
            self.problems.add(
                f"{t.where(int(rows[1]), 'project')}: project {str(uniq[k])!r} has a second row "
                f"(first at {t.where(int(rows[0]), None)}); give one row per project"
            )
        ok_rows = np.nonzero(pcode >= 0)[0]
        prow = pcode[ok_rows]

        def label(i: int) -> str:
            return f" (project {str(pcol[i])!r})"

        placed_j: list[int] = []
        placed: list[FloatArray] = []
        for name, col in t.columns.items():
            if name == "project":
                continue
            if name == NOTE_COLUMN or name.startswith(NOTE_PREFIX):
                self._place_notes(t, name, col, pcol, pcode)
                continue
            j = self.leaf_index.get(name)
            if j is None:
                self.problems.add(
                    f"{t.header(name)}: column {name!r} is not an indicator of {self.system.id!r}"
                    f"{_suggest(name, self.leaf_ids)}"
                )
                continue
            leaf = self.leaves[j]
            if isinstance(leaf, Qualitative):
                self.problems.add(
                    f"{t.header(name)}: indicator {name!r} is qualitative; give its ratings in a ratings "
                    "table (project, indicator, rater, group, rating), not values"
                )
                continue
            if isinstance(leaf, Quantitative) and leaf.derived is not None:
                self.problems.add(
                    f"{t.header(name)}: indicator {name!r} is computed by DEA from "
                    f"{', '.join(leaf.derived.inputs + leaf.derived.outputs)}; remove its column from the values"
                )
                continue
            vals, _empty = _to_float(col, t.where, name, self.problems, label)
            span = leaf.span
            if span is not None:
                lo, hi = span
                with np.errstate(invalid="ignore"):
                    out = (vals < lo) | (vals > hi)
                if out.any():
                    what = "bounds" if leaf.bounds is not None else "range"

                    def outside(
                        i: int, lo: float = lo, hi: float = hi, what: str = what, name: str = name,
                        vals: FloatArray = vals,
                    ) -> str:
                        return (
                            f"{t.where(i, name)}: {vals[i]:g} lies outside the {what} [{lo:g}, {hi:g}] of "
                            f"indicator {name!r}{label(i)}"
                        )

                    self.problems.rows(np.nonzero(out)[0], outside, f"values outside the {what} of {name!r}")
            again = cell_src[prow, j] >= 0 if earlier else np.zeros(0, dtype=bool)  # no cell is placed before
            if again.any():
                i = int(ok_rows[np.argmax(again)])
                prev = self.tables[int(cell_src[pcode[i], j])]
                self.problems.add(
                    f"{t.where(i, name)}: project {str(pcol[i])!r}, indicator {name!r} is also given in "
                    f"{prev.source} ({int(again.sum())} cells in all); give each value once"
                )
            placed_j.append(j)
            placed.append(vals)
        if placed_j:  # every column of this table at once (a table names each column once)
            js = np.array(placed_j, dtype=np.int64)
            if prow.shape[0] == values.shape[0] == t.n and bool((prow == np.arange(t.n)).all()):
                # the table's rows are the projects in order (a sorted table that defines them): whole columns
                for j, vals in zip(placed_j, placed, strict=True):  # no stacked copy
                    values[:, j] = vals
                placed_cols = np.zeros(values.shape[1], dtype=bool)
                placed_cols[js] = True  # (a masked copy over the rows: no fancy-indexed write of each cell)
                np.copyto(cell_src, ti, where=placed_cols)
                np.copyto(cell_row, ok_rows[:, None].astype(cell_row.dtype), where=placed_cols)
            else:
                rows = prow[:, None]
                values[rows, js] = np.stack(placed, axis=1)[ok_rows]
                cell_src[rows, js] = ti
                cell_row[rows, js] = ok_rows[:, None]

    def _place_notes(self, t: _Table, name: str, col: Column, pcol: StrArray, pcode: IntArray) -> None:
        """Evidence / deviation notes: ``note`` (whole project) or ``note:<indicator id>`` columns."""
        indicator = name[len(NOTE_PREFIX):] if name.startswith(NOTE_PREFIX) else ""
        if indicator and indicator not in self.leaf_index:
            self.problems.add(
                f"{t.header(name)}: note column {name!r} names no indicator of {self.system.id!r}"
                f"{_suggest(indicator, self.leaf_ids)}"
            )
            return
        text = _strip(col)
        for i in np.flatnonzero((text != "") & (pcode >= 0)):
            self.notes[(str(pcol[i]), indicator)] = str(text[i])

    # -- ratings ---------------------------------------------------------------------------------------
    def _ratings(
        self, pindex: Mapping[str, int], strict_projects: bool, defined_by: str
    ) -> Ratings:
        rtables = [(ti, t) for ti, t in enumerate(self.tables) if t.kind == "ratings"]
        if not rtables:
            return Ratings.empty()
        for _ti, t in rtables:
            missing = [c for c in RATING_COLUMNS if c not in t.columns]
            extra = [c for c in t.columns if c not in RATING_COLUMNS]
            if missing:
                self.problems.add(
                    f"{t.source}: ratings table without column(s) {', '.join(map(repr, missing))}; "
                    f"expected {', '.join(RATING_COLUMNS)}"
                )
            if extra:
                self.problems.add(f"{t.source}: unknown column(s) {', '.join(map(repr, extra))} in a ratings "
                                  f"table; expected {', '.join(RATING_COLUMNS)}")
        if self.problems.items:
            return Ratings.empty()
        # every column as (distinct stripped cells, code per row): the checks below look at the few
        # distinct cells and the rows only through integer codes (no string per row is sorted or compared)
        coded = {c: _text_codes([t.columns[c] for _, t in rtables]) for c in RATING_COLUMNS}
        file_idx = np.concatenate([np.full(t.n, ti, dtype=np.int64) for ti, t in rtables])
        tables = self.tables
        where: Where
        if len(rtables) == 1:  # a row's number in the one table is its number here
            where = rtables[0][1].where
        else:
            local = np.concatenate([np.arange(t.n, dtype=np.int64) for _, t in rtables])

            def where(g: int, col: str | None) -> str:
                return tables[int(file_idx[g])].where(int(local[g]), col)

        (Pu, Pc), (Iu, Ic), (Ru, Rc), (Gu, Gc), (Vu, Vc) = (coded[c] for c in RATING_COLUMNS)

        def P(g: int) -> str:
            return str(Pu[Pc[g]])

        def I(g: int) -> str:  # noqa: E743 - the column's letter, as P, R, G
            return str(Iu[Ic[g]])

        def R(g: int) -> str:
            return str(Ru[Rc[g]])

        def G(g: int) -> str:
            return str(Gu[Gc[g]])

        def who(g: int) -> str:
            return f" (project {P(g)!r}, indicator {I(g)!r}, rater {R(g)!r})"

        problems = self.problems
        # projects
        pu_code = _lookup(Pu, pindex)
        # the distinct ids are the project list itself (a table that defines the projects): the codes as they are
        pcode = Pc if pu_code.shape[0] == len(pindex) and bool((pu_code == np.arange(len(pindex))).all()) \
            else pu_code.take(Pc)
        problems.rows(_rows_of(Pu == "", Pc), lambda g: f"{where(g, 'project')}: empty project id")
        unknown = np.flatnonzero(pu_code < 0)
        if strict_projects and unknown.size:
            pfirst = _first_rows(Pc, Pu.shape[0])
            pcount = np.bincount(Pc, minlength=Pu.shape[0])
            for k in unknown.tolist():
                if Pu[k]:
                    n_rows = int(pcount[k])
                    problems.add(
                        f"{where(int(pfirst[k]), 'project')}: unknown project {str(Pu[k])!r} "
                        f"({n_rows} rating row{'s' if n_rows != 1 else ''}); projects come from {defined_by}"
                        f"{_suggest(str(Pu[k]), list(pindex))}"
                    )
        # indicators
        iu_code = np.array([self.leaf_index.get(u, -1) for u in Iu.tolist()], dtype=np.int64)
        ifirst: IntArray | None = None
        for ku, token in enumerate(Iu.tolist()):
            j = self.leaf_index.get(token)
            if j is not None and not isinstance(self.leaves[j], Quantitative):
                continue
            if ifirst is None:
                ifirst = _first_rows(Ic, Iu.shape[0])
            g0 = int(ifirst[ku])
            if j is None:
                what = "empty indicator id" if not token else f"unknown indicator {token!r}"
                problems.add(f"{where(g0, 'indicator')}: {what}{_suggest(token, self.leaf_ids)}")
            else:
                problems.add(
                    f"{where(g0, 'indicator')}: indicator {token!r} is quantitative; give its values in a "
                    "values table (one column per indicator), not as ratings"
                )
                iu_code[ku] = -1
        icode = iu_code.take(Ic)
        # raters and groups
        problems.rows(_rows_of(_empty_first(Ru), Rc), lambda g: f"{where(g, 'rater')}: empty rater id")
        gw = self.system.evaluation.rater_group_weights
        gfirst: IntArray | None = None
        for kg, grp in enumerate(Gu.tolist()):
            if _GROUP.match(grp) and (gw is None or grp in gw):
                continue
            if gfirst is None:
                gfirst = _first_rows(Gc, Gu.shape[0])
            g1 = int(gfirst[kg])
            if not _GROUP.match(grp):
                problems.add(
                    f"{where(g1, 'group')}: rater group {grp!r} is not valid; use lower-case letters "
                    "and '_' (e.g. resident, expert, government, service_user)"
                )
            elif gw is not None:
                problems.add(
                    f"{where(g1, 'group')}: rater group {grp!r} has no weight in the system's "
                    f"evaluation.rater_group_weights ({', '.join(gw)})"
                )
        # a rater in two groups: some row's group differs from the one scattered to its rater (whichever won)
        n_raters, n_groups = Ru.shape[0], Gu.shape[0]
        if n_raters == Rc.shape[0]:  # every row its own rater (one row each): none is in two groups
            multi = np.zeros(0, dtype=np.int64)
        else:
            seen = np.zeros(n_raters, dtype=np.int64)
            seen[Rc] = Gc
            split = Gc != seen[Rc]
            multi = np.unique(Rc[split]) if split.any() else np.zeros(0, dtype=np.int64)
        for r in multi[:_ROWS_NAMED].tolist():
            rows = np.flatnonzero(Rc == r)
            g0 = int(rows[0])
            g1 = int(rows[np.argmax(Gc[rows] != Gc[g0])])
            problems.add(
                f"{where(g1, 'group')}: rater {str(Ru[r])!r} is in group {G(g1)!r} here but in "
                f"{G(g0)!r} at {where(g0, None)}; a rater belongs to one group"
            )
        # rating values
        value = self._rating_values(icode, Vu, Vc, where, who)
        lines = rtables[0][1].rownum if len(rtables) == 1 else np.concatenate([t.rownum for _, t in rtables])
        valid = (pcode >= 0) & (icode >= 0)
        m = len(self.leaf_ids)
        # The canonical order: project, indicator (leaf order), group, rater, value; the order of rows in the
        # files is not data (aggregates and agreement then do not depend on it, to the last bit). When every
        # row is valid and every rater in one group, (project, indicator, group, rater) is one int64 key and a
        # repeated key is a duplicated rating: one sort of that key (none if the rows are in order already)
        # gives the order and finds duplicates. Otherwise (an error is reported anyway) the general path.
        canon: IntArray | None = None
        ordered = False
        if valid.all() and not multi.size and len(pindex) * m * n_groups * max(n_raters, 1) < 2**62:
            ckey = ((pcode * m + icode) * n_groups + Gc) * n_raters + Rc
            if bool((ckey[1:] > ckey[:-1]).all()):
                ordered = True
            else:
                order, sk = _sort_keys(ckey, len(pindex) * m * n_groups * max(n_raters, 1))
                if not bool((sk[1:] == sk[:-1]).any()):
                    canon, ordered = order, True
        project, indicator = pcode, icode
        if not ordered:
            # duplicates (valid rows only), named in the order of (project, indicator, rater) and row
            key = (pcode * m + icode) * n_raters + Rc
            idx = np.nonzero(valid)[0]
            order = idx[np.argsort(key[idx], kind="stable")]
            dup = np.nonzero(key[order][1:] == key[order][:-1])[0]
            problems.rows(
                dup,
                lambda d: (
                    f"{where(int(order[d + 1]), None)}: rater {R(int(order[d + 1]))!r} already rated indicator "
                    f"{I(int(order[d + 1]))!r} for project {P(int(order[d + 1]))!r} at "
                    f"{where(int(order[d]), None)}; each rater rates an item once"
                ),
                "duplicated ratings",
            )
            project, indicator = np.where(valid, pcode, 0), np.where(valid, icode, 0)
            vkey = np.where(np.isnan(value), np.inf, value)
            canon = np.lexsort((vkey, Rc, Gc, indicator, project))
        # a handful of groups: their codes in one byte per rating (140 MB less at 20 million ratings)
        gsmall = Gc.astype(np.int8) if n_groups < 128 else Gc
        if canon is None:
            cols = [project, indicator, Rc, gsmall, value, lines, file_idx]
        else:
            one_file = len(rtables) == 1  # the file of every row is the same: no gather
            cols = [project.take(canon), indicator.take(canon), Rc.take(canon), gsmall.take(canon),
                    value.take(canon), lines.take(canon), file_idx if one_file else file_idx.take(canon)]
        for a in cols:  # handed over read-only: Ratings keeps them without a copy
            a.setflags(write=False)
        # the rater and group columns as the sorted distinct ids + every row's code: Ratings builds the string
        # arrays only when they are read (evaluate reads the codes; 1.7 GB of strings at a million projects)
        rcode, gcode = cols[2], cols[3]
        given: list[Any] = [*cols[:2], _CodedText(Ru, rcode), _CodedText(Gu, gcode), *cols[4:]]
        ratings = Ratings(*given)
        # the sorted distinct groups and raters with each row's code (private cache read by evaluate instead
        # of coding the group and rater columns again; a Ratings built or changed another way has none)
        object.__setattr__(ratings, "_codes", (Gu, gcode, Ru.shape[0], rcode))
        # in the provenance's canonical order (project, indicator, group, rater, value), no two ratings of a
        # rater for one item (a Ratings with problems is never handed out): the hash need not check the order
        object.__setattr__(ratings, "_canonical", True)
        return ratings

    def _rating_values(
        self, icode: IntArray, Vu: StrArray, Vc: IntArray, where: Callable[[int, str | None], str],
        who: Callable[[int], str],
    ) -> FloatArray:
        """Each rating's scale value (nan for an empty cell), from its (indicator, distinct cell) pair."""
        nv = Vu.shape[0]
        size = (len(self.leaf_ids) + 1) * nv
        key = (icode + 1) * nv + Vc  # icode -1 (an invalid indicator) -> the pairs below nv
        dense = size <= 4 * key.shape[0] + 4096
        if dense:  # a table over every (indicator, cell) pair: counting, no sort
            counts_all = np.bincount(key, minlength=size)
            kuniq = np.flatnonzero(counts_all)
            counts = counts_all[kuniq]
        else:
            kuniq, kinv = np.unique(key, return_inverse=True)
            kinv = kinv.reshape(-1)
            counts = np.bincount(kinv, minlength=len(kuniq))
        mapped = np.full(len(kuniq), np.nan)
        kfirst: IntArray | None = None
        maps: dict[int, tuple[dict[str, float], tuple[float, ...]]] = {}
        for k, kk in enumerate(kuniq.tolist()):
            j, token = kk // nv - 1, str(Vu[kk % nv])
            if j < 0 or token == "":
                continue
            leaf = self.leaves[j]
            if not isinstance(leaf, Qualitative):
                continue
            if j not in maps:
                maps[j] = (leaf.scale.label_map(), leaf.scale.values)
            labels, values = maps[j]
            v = labels.get(token.casefold())
            if v is None:
                number = _parse_float(token)
                if number is not None and number in values:
                    v = number
            if v is None:
                if kfirst is None:
                    kfirst = _first_rows(key, size)[kuniq] if dense else _first_rows(kinv, len(kuniq))
                g = int(kfirst[k])
                shown = ", ".join(leaf.scale.term_labels or ()) or "no labels"
                scale_vals = ", ".join(f"{x:g}" for x in values)
                more = f"; {int(counts[k])} rows in all" if counts[k] > 1 else ""
                self.problems.add(
                    f"{where(g, 'rating')}: rating {token!r} is not on the scale of indicator {leaf.id!r} "
                    f"(labels: {shown}; values: {scale_vals}){who(g)}{more}"
                )
                continue
            mapped[k] = v
        if dense:
            table = np.full(size, np.nan)
            table[kuniq] = mapped
            out: FloatArray = table.take(key)
            return out
        return mapped[kinv]

    # -- all -------------------------------------------------------------------------------------------
    def build(self) -> Assessment:
        ids, infos, defined_by, strict = self._project_list()
        # the canonical order: ids sorted by Unicode code point (the order of rows in a file is not data)
        if not all(map(operator.lt, ids, ids[1:])):  # (the distinct ids of a values or ratings table come sorted)
            order = sorted(range(len(ids)), key=ids.__getitem__)
            ids = [ids[i] for i in order]
            infos = None if infos is None else [infos[i] for i in order]
        pindex = dict(zip(ids, range(len(ids)), strict=True))
        n, m = len(ids), len(self.leaf_ids)
        if n == 0 and not self.problems.items:
            self.problems.add("no projects: the tables hold no project rows")
        values = np.full((n, m), np.nan)
        cell_src = np.full((n, m), -1, dtype=np.int64)
        cell_row = np.full((n, m), -1, dtype=np.int32)  # a line or record number (files are < 2 GiB)
        for ti, t in enumerate(self.tables):
            if t.kind == "values":
                self._place_values(t, ti, pindex, strict, defined_by, values, cell_src, cell_row)
        ratings = self._ratings(pindex, True, defined_by)
        quant = np.array([isinstance(leaf, Quantitative) and leaf.derived is None for leaf in self.leaves], dtype=bool)
        missing = np.isnan(values) & quant[None, :]
        if self.policy == "reject" and missing.any() and not self.problems.items:
            self._report_missing(missing, ids, cell_src, cell_row)
        if self.problems.items:
            raise DataError(
                _message(self.problems, f"invalid assessment for indicator system {self.system.id!r}")
            )
        for a in (values, missing, cell_src):  # handed over read-only: Assessment keeps them without a copy
            a.setflags(write=False)
        # no rater rated a (project, indicator) twice: checked above (an error otherwise), so evaluate need
        # not check again (private mark of these read-only arrays; a Ratings built another way has none)
        object.__setattr__(ratings, "_no_duplicates", True)
        info_source = next((ti for ti, t in enumerate(self.tables) if t.kind == "projects"), -1)
        assessment = Assessment(
            system_id=self.system.id,
            project_ids=tuple(ids),
            projects=_ID_ONLY_PROJECTS if infos is None else tuple(infos),
            indicator_ids=self.leaf_ids,
            values=values,
            missing=missing,
            ratings=ratings,
            sources=tuple(t.source for t in self.tables),
            cell_source=cell_src,
            info_source=info_source,
            notes=self.notes,
            source_info=tuple(t.info() for t in self.tables),
            missing_policy=self.asked,
        )
        if info_source < 0:
            # no projects table: every project is its id alone (a private mark the provenance reads instead
            # of every project's metadata; an assessment built or copied any other way has none)
            object.__setattr__(assessment, "_ids_only", True)
        return assessment

    def _report_missing(
        self, missing: npt.NDArray[np.bool_], ids: list[str], cell_src: IntArray, cell_row: npt.NDArray[np.int32]
    ) -> None:
        hint = (
            "; the system's evaluation.missing policy is 'reject' "
            "(or set it to 'worst' or 'mean' to impute)"
        )
        quant = np.array([isinstance(leaf, Quantitative) and leaf.derived is None for leaf in self.leaves], dtype=bool)
        no_row = np.logical_and((cell_src[:, quant] < 0).all(axis=1), missing[:, quant].all(axis=1))
        has_column = bool((cell_src[:, quant] >= 0).any())
        if has_column and bool(no_row.any()):
            self.problems.rows(
                np.nonzero(no_row)[0],
                lambda i: f"project {ids[i]!r} has no row in any values table{hint}",
                "projects without values",
            )
            missing = np.logical_and(missing, ~no_row[:, None])
        for j in np.nonzero(missing.any(axis=0))[0]:
            lid = self.leaf_ids[j]
            rows = np.nonzero(missing[:, j])[0]
            if (cell_src[:, j] < 0).all():
                self.problems.add(
                    f"indicator {lid!r}: no values for any project "
                    f"(no column {lid!r} in a values table){hint}"
                )
                continue

            def describe(i: int, j: int = int(j), lid: str = lid) -> str:
                src = int(cell_src[i, j])
                if src < 0:
                    return f"project {ids[i]!r}: no value for indicator {lid!r} in any values table{hint}"
                at = self.tables[src].where(int(cell_row[i, j]), lid)
                return f"{at}: missing value for project {ids[i]!r}{hint}"

            self.problems.rows(rows, describe, f"missing values of {lid!r}")


# ---------------------------------------------------------------------------------------------- JSON / YAML
def _object_array(items: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        out[i] = v
    return out


def _project_names(records: Any) -> tuple[Any, list[str]]:
    """Project records with ``names: {zh: ...}`` spelled as ``name_zh`` keys (the CSV columns), and those keys."""
    if not isinstance(records, list):
        return records, []
    out: list[Any] = []
    keys: dict[str, None] = {}
    for rec in records:
        if isinstance(rec, Mapping):
            names = rec.get("names")
            flat = {k: v for k, v in rec.items() if k != "names" or not isinstance(names, Mapping)}
            if isinstance(names, Mapping):
                flat.update({f"name_{lang}": text for lang, text in names.items()})
            keys.update((k, None) for k in flat if isinstance(k, str) and _NAME_IN.match(k))
            out.append(flat)
        else:
            out.append(rec)
    return out, list(keys)


def _records_table(
    records: Any, source: str, kind: Kind, key: str, allowed: Sequence[str], rename: Mapping[str, str]
) -> _Table:
    if not isinstance(records, list):
        raise DataError(f"{source}: {key} must be a list of records; got {type(records).__name__}")
    problems = _Problems()
    cols: dict[str, list[Any]] = {rename.get(c, c): [None] * len(records) for c in allowed}
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping):
            problems.add(f"{source}: {key}[{i}] must be a mapping; got {type(rec).__name__}")
            continue
        for c, v in rec.items():
            if c not in allowed:
                problems.add(
                    f"{source}: {key}[{i}]: unknown key {c!r}; expected {', '.join(allowed)}"
                    f"{_suggest(str(c), allowed)}"
                )
                continue
            cols[rename.get(c, c)][i] = v
    if problems.items:
        raise DataError(_message(problems, f"{source}: invalid {key}"))
    back = {v: k for k, v in rename.items()}

    def where(i: int, col: str | None) -> str:
        return f"{source}: {key}[{i}]" + (f".{back.get(col, col)}" if col is not None else "")

    columns = {c: _object_array(v) for c, v in cols.items()}
    return _Table(source, kind, columns, len(records), where, np.arange(1, len(records) + 1, dtype=np.int64))


def _values_table(values: Any, source: str) -> _Table:
    if not isinstance(values, Mapping):
        raise DataError(
            f"{source}: values must be a mapping {{project id: {{indicator id: number}}}}; "
            f"got {type(values).__name__}"
        )
    problems = _Problems()
    pids: list[str] = []
    rows: list[Mapping[Any, Any]] = []
    order: dict[str, None] = {}
    for pid, row in values.items():
        if not isinstance(pid, str | int) or isinstance(pid, bool):
            problems.add(f"{source}: values: project id {pid!r} must be text")
            continue
        if not isinstance(row, Mapping):
            problems.add(f"{source}: values[{str(pid)!r}] must be a mapping {{indicator id: number}}")
            continue
        pids.append(str(pid))
        rows.append(row)
        for c in row:
            order.setdefault(str(c), None)
    if problems.items:
        raise DataError(_message(problems, f"{source}: invalid values"))
    columns = {"project": _object_array(pids)}
    for c in order:
        columns[c] = _object_array([next((v for k, v in row.items() if str(k) == c), None) for row in rows])

    def where(i: int, col: str | None) -> str:
        text = f"{source}: values[{pids[i]!r}]"
        return text + (f"[{col!r}]" if col is not None and col != "project" else "")

    return _Table(source, "values", columns, len(pids), where, np.arange(1, len(pids) + 1, dtype=np.int64))


def _structured_tables(path: Path, system: IndicatorSystem) -> list[_Table]:
    source = str(path)
    text = read_text(path, limit=MAX_DATA_BYTES, error=DataError)
    data = parse_structured(text, path.suffix, source, error=DataError)
    if not isinstance(data, Mapping):
        raise DataError(
            f"{source}: the top level must be a mapping with keys projects, values and/or ratings"
        )
    unknown = [k for k in data if k not in ("system", "projects", "values", "ratings")]
    if unknown:
        raise DataError(
            f"{source}: unknown key(s) {', '.join(map(repr, unknown))}; "
            "expected system, projects, values, ratings"
        )
    if "system" in data and data["system"] != system.id:
        raise DataError(f"{source}: the assessment is for system {data['system']!r}, not {system.id!r}")
    tables: list[_Table] = []
    if "projects" in data:
        records, lang_keys = _project_names(data["projects"])
        tables.append(
            _records_table(records, source, "projects", "projects",
                           ("id", *PROJECT_COLUMNS[1:], *lang_keys), {"id": "project"})
        )
    if "values" in data:
        tables.append(_values_table(data["values"], source))
    if "ratings" in data:
        tables.append(_records_table(data["ratings"], source, "ratings", "ratings", RATING_COLUMNS, {}))
    if not tables:
        raise DataError(f"{source}: no projects, values or ratings")
    fmt = {".yml": "yaml"}.get(path.suffix.lower(), path.suffix.lower().lstrip("."))
    for t in tables:
        t.meta = {"format": fmt}
    return tables


# ---------------------------------------------------------------------------------------------- pandas
def _is_polars(df: Any) -> bool:
    return type(df).__module__.split(".")[0] == "polars" and type(df).__name__ == "DataFrame"


def _polars_table(df: Any, kind: Kind, name: str) -> _Table:
    """A polars DataFrame as a table: numeric columns as float64 (null -> nan), text as str arrays."""
    import polars as pl

    if "project" not in df.columns:
        raise InputError(f"{name} has no 'project' column")
    columns: dict[str, Column] = {}
    for c in df.columns:
        s = df.get_column(c)
        if kind == "values" and s.dtype.is_numeric() and c != "project":  # ids 1, 2 stay '1', '2', not '1.0'
            columns[c] = s.cast(pl.Float64).to_numpy()  # no copy for a float64 column without nulls
        elif s.dtype == pl.String:
            coded = _polars_codes(s.fill_null("")) if kind == "ratings" and s.len() >= _FRAME_CODES else None
            columns[c] = coded if coded is not None else np.array(s.fill_null("").to_list(), dtype=np.str_)
        else:
            columns[c] = _object_array(s.to_list())
    n = df.height

    def where(i: int, col: str | None) -> str:
        return f"{name} row {i}" + (f", column {col!r}" if col is not None else "")

    return _Table(name, kind, columns, n, where, np.arange(1, n + 1, dtype=np.int64), {"format": "polars"})


#: Frames' ratings columns of at least this many rows are handed to the builder as distinct values + codes.
_FRAME_CODES = 1000


def _frame_codes(arr: np.ndarray, pd: Any) -> Column:
    """A pandas object column (``None`` where missing) as distinct values and codes, when every value is text.

    ``pd.factorize`` hashes the values in C; the per-value rule of :func:`_strip` then runs on
    the distinct values only. Columns holding anything but text (numbers, booleans, dates)
    stay as they are: hashing would merge ``1``, ``1.0`` and ``True``, which read differently.
    ``pd`` is the pandas module.
    """
    if arr.shape[0] < _FRAME_CODES or pd.api.types.infer_dtype(arr, skipna=True) != "string":
        return arr
    codes, distinct = pd.factorize(arr)  # None -> -1
    codes = np.asarray(codes, dtype=np.int64)
    missing = codes < 0
    uniq = np.empty(len(distinct) + int(missing.any()), dtype=object)
    uniq[: len(distinct)] = np.asarray(distinct, dtype=object)
    if missing.any():
        uniq[-1] = None
        codes[missing] = len(distinct)
    return _Coded(uniq, codes)


def _frame_table(df: Any, kind: Kind, name: str) -> _Table:
    if _is_polars(df):
        return _polars_table(df, kind, name)
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError:
        raise InputError(f"{name} must be a pandas or polars DataFrame; got {type(df).__name__}") from None

    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{name} must be a pandas or polars DataFrame; got {type(df).__name__}")
    frame = df
    if "project" not in frame.columns:
        if frame.index.name == "project":
            frame = frame.reset_index()
        else:
            raise InputError(f"{name} has no 'project' column (nor an index named 'project')")
    labels = [str(c) for c in frame.columns]
    if any(not isinstance(c, str) for c in frame.columns) or len(set(labels)) != len(labels):
        raise InputError(f"{name} must have unique text column names; got {labels}")
    columns: dict[str, Column] = {}
    for c in labels:
        s = frame[c]
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if kind == "values" and numeric and c != "project":  # ids 1, 2 stay '1', '2', not '1.0'
            columns[c] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = s.to_numpy(dtype=object, copy=True)  # written below; without copy a read-only view
            arr[pd.isna(arr)] = None
            columns[c] = _frame_codes(arr, pd) if kind == "ratings" else arr
    index = list(df.index)

    def where(i: int, col: str | None) -> str:
        text = f"{name} row {i} (index {index[i]!r})"
        return text + (f", column {col!r}" if col is not None else "")

    return _Table(
        name, kind, columns, len(frame), where, np.arange(1, len(frame) + 1, dtype=np.int64), {"format": "pandas"}
    )


# ---------------------------------------------------------------------------------------------- public
_POLICIES = ("reject", "worst", "mean")


def _policy(system: IndicatorSystem, missing: str | None) -> str:
    if not isinstance(system, IndicatorSystem):
        raise InputError(
            f"system must be an IndicatorSystem (see ppeval.io.load_system); got {type(system).__name__}"
        )
    if missing is None:
        return system.evaluation.missing
    if missing not in _POLICIES:
        raise InputError(f"missing is {missing!r}; valid values are {', '.join(map(repr, _POLICIES))}")
    return missing


def _header_cell(cells: dict[str, str], source: str, name: str) -> str:
    return cells.get(name, f"{source}, header")


def _excel_tables(path: Path, system: IndicatorSystem) -> list[_Table]:
    from ppeval.io._excel import read_workbook

    tables = []
    skipped = []
    for sh in read_workbook(path):
        source = f"{path}[{sh.name}]"
        if "project" not in sh.header:
            if sh.name.strip().lower() in ("values", "ratings", "projects"):
                raise DataError(
                    f"{path}: {sh.name}!{sh.header_row}:{sh.header_row}: no 'project' column in the header row; "
                    "every assessment table has one"
                )
            skipped.append(sh.name)
            continue
        kind = _detect_kind(sh.header, system, source)
        columns = dict(zip(sh.header, sh.columns, strict=True))
        cells = {h: f"{path}: {sh.name}!{sh.letters[j]}{sh.header_row}" for j, h in enumerate(sh.header)}
        tables.append(
            _Table(
                source, kind, columns, sh.n, sh.where_factory(), sh.rows, {"format": "xlsx", "sheet": sh.name},
                header_cell=functools.partial(_header_cell, cells, source),
            )
        )
    if not tables:
        shown = ", ".join(map(repr, skipped)) or "none with data"
        raise DataError(
            f"{path}: no sheet holds an assessment table (a header row with a 'project' column); sheets: {shown}"
        )
    return tables


def load_assessment(
    path_or_paths: str | Path | Any | Sequence[str | Path | Any],
    system: IndicatorSystem,
    *,
    missing: Literal["reject", "worst", "mean"] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Assessment:
    """Load an assessment (values, ratings, project metadata) and check it against a system.

    Each file's kind is detected from its header (CSV) or keys (JSON/YAML):

    * values, wide CSV: ``project,<indicator id>,...``; an empty cell is a missing value;
    * ratings, long CSV: ``project,indicator,rater,group,rating``; ``rating`` is a
      scale label (case-insensitive) or value; empty = missing answer (counted);
    * projects, CSV: ``project,name,organisation,contract_value,period``;
    * one JSON/YAML file ``{"projects": [...], "values": {project: {indicator: x}},
      "ratings": [{...}]}``;
    * one Excel workbook (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``): every sheet whose
      header row has a ``project`` column is a table as above (sheets named
      ``values``, ``ratings``, ``projects`` by convention; other sheets, such as notes,
      are skipped); errors name the sheet and cell (``values!D7``);
    * a :class:`~ppeval.io.Questionnaire` (a wide survey export and its mapping): ratings.

    CSV files may be UTF-8 (with or without a byte-order mark), GBK/GB18030 or
    UTF-16, separated by commas, semicolons or tabs: both are detected (see
    :doc:`/how-to/encodings`) and recorded in :attr:`Assessment.source_info`;
    the parsed assessment does not depend on them.

    Parameters
    ----------
    path_or_paths : path, Questionnaire, or a sequence of them
        One file or several (e.g. a values file and several ratings files).
    system : IndicatorSystem
        The system the data is for: ids, bounds and scales are checked against it.
    missing : {"reject", "worst", "mean"}, optional
        Policy for missing quantitative values; default the system's
        ``evaluation.missing``. ``reject`` makes a missing value an error; the
        other policies keep ``nan`` and the ``missing`` mask (the pipeline imputes,
        by the system's policy: an explicit policy that differs from it is recorded
        as ``Assessment.missing_policy`` and makes ``evaluate`` raise an
        ``InputError`` when cells are missing, never a silent switch).
    encoding : str, optional
        Text encoding of every CSV file (``utf-8``, ``gbk``, ``gb18030``,
        ``utf-16``, ...); default: detected per file. Give it when detection
        reports an ambiguous file.
    delimiter : str, optional
        Field separator of every CSV file; default: detected per file from its
        header line (``,``, ``;`` or tab).

    Returns
    -------
    Assessment
        Projects in the canonical order (ids sorted by Unicode code point,
        whatever the order of rows in the files), values in the system's leaf
        order, ratings mapped to scale values and sorted by project,
        indicator, rater group, rater and value.

    Raises
    ------
    InputError
        If a file cannot be read or has an unknown suffix.
    DataError
        Listing every problem with file, line and column: unknown project or
        indicator ids, non-numeric or non-finite values, values outside an
        indicator's bounds or range, ratings not on the scale, duplicated rows,
        a rater rating an item twice or in two groups, missing values under
        ``reject``.

    Examples
    --------
    >>> from ppeval.io import load_bundled, sample_assessment_paths
    >>> system = load_bundled("elderly-care")
    >>> a = load_assessment(sample_assessment_paths("elderly-care"), system)
    >>> a.indicator_ids == system.leaf_ids
    True
    >>> a.values.shape == (a.n_projects, len(system.leaf_ids))
    True
    """
    from ppeval.io._excel import EXCEL_SUFFIXES
    from ppeval.io._questionnaire import Questionnaire

    policy = _policy(system, missing)
    items: list[Any]
    if isinstance(path_or_paths, str | Path | Questionnaire):
        items = [path_or_paths]
    else:
        items = list(path_or_paths)
    if not items:
        raise InputError("path_or_paths is empty; give at least one assessment file")
    builder = _Builder(system, policy, missing)
    for item in items:
        if isinstance(item, Questionnaire):
            builder.tables.append(item._table(system, encoding=encoding, delimiter=delimiter))
            continue
        if not isinstance(item, str | Path):
            raise InputError(f"assessment files must be paths or Questionnaire objects; got {type(item).__name__}")
        p = Path(item)
        suffix = p.suffix.lower()
        if suffix in (".csv", ".tsv", ".txt"):
            builder.tables.append(_read_csv(p, system, encoding, delimiter))
        elif suffix in STRUCTURED_SUFFIXES:
            builder.tables.extend(_structured_tables(p, system))
        elif suffix in EXCEL_SUFFIXES:
            builder.tables.extend(_excel_tables(p, system))
        else:
            raise InputError(
                f"{p}: unknown file type {p.suffix!r}; expected .csv (.tsv, .txt), .xlsx (.xlsm, .xls, .ods), "
                ".json, .yaml or .yml"
            )
    return builder.build()


def assessment_from_frames(
    system: IndicatorSystem,
    *,
    values: Any = None,
    ratings: Any = None,
    projects: Any = None,
    missing: Literal["reject", "worst", "mean"] | None = None,
) -> Assessment:
    """Build an assessment from pandas or polars DataFrames (same columns and checks as the CSV files).

    ``project`` may be a column or (pandas) the index name. Errors name the
    frame, the row position (and pandas index label), and the column. pandas
    and polars are imported only here. Numeric value columns are read as
    float64 without a copy where the library allows (a polars float64 column
    without nulls, a pandas float64 column); the assessment's values matrix is
    the one copy made.

    Examples
    --------
    >>> import pandas as pd
    >>> from ppeval.io import load_bundled, sample_assessment_paths
    >>> system = load_bundled("3e-equity")
    >>> projects, values, ratings = (pd.read_csv(p) for p in sample_assessment_paths("3e-equity"))
    >>> a = assessment_from_frames(system, projects=projects, values=values, ratings=ratings)
    >>> a.project_ids == tuple(projects["project"])
    True
    """
    policy = _policy(system, missing)
    builder = _Builder(system, policy, missing)
    for frame, kind in ((projects, "projects"), (values, "values"), (ratings, "ratings")):
        if frame is not None:
            builder.tables.append(_frame_table(frame, kind, f"{kind} DataFrame"))  # type: ignore[arg-type]
    if not builder.tables:
        raise InputError("give at least one of values, ratings, projects")
    return builder.build()
