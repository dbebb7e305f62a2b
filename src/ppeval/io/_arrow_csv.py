"""The numeric (values) CSV reader on pyarrow: the byte splitter's columns from ``pyarrow.csv``'s parser.

Used by :func:`ppeval.io._assessment._read_csv_raw` for a table with numeric columns when pyarrow is
imported already (pandas 3, Dask and pyarrow users have it in the process: nothing to pay) or the file is
large enough to repay importing it. pyarrow is optional (the ``dask`` extra); without it nothing changes.

It takes exactly the files the byte splitter takes (ASCII, no NUL, no quote, a one-byte separator, every
CR the start of a CRLF, no blank line, every line as many fields as the header, no line longer than the csv
module's field size limit) and gives the same columns: numeric columns as float64 (nan where empty), the
coded text columns (``project``) as the same :class:`~ppeval.io._assessment._Coded`, other text columns as
str arrays. Its float parser (fast_float, as the Clinger/Eisel-Lemire path) is correctly rounded, so a cell
it reads gives the value ``float()`` gives. Anything else returns ``None`` and the byte splitter (or the
readers after it) reads the file, so every message stays the one those readers give: a ragged line, a cell
pyarrow does not read as a number, a ``nan`` or ``inf`` cell, an over-long line.
"""

from __future__ import annotations

import csv
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ppeval._typing import IntArray
    from ppeval.io._assessment import Column

#: Numeric CSV files of at least this many bytes go to pyarrow when it is imported (the byte splitter's
#: threshold: below it the csv module's cost is small anyway).
ARROW_MIN_BYTES = 1 << 16
#: ... and from this size even when it is not imported yet: importing ``pyarrow.csv`` costs ~125 ms of CPU,
#: and pyarrow parses numbers ~9 ms per MiB faster than the byte splitter (the values file of the
#: 10,000-project benchmark, 2.2 MiB: 13 ms against 33 ms), which repays the import from ~14 MiB; the
#: rule is the one for polars (:data:`~ppeval.io._assessment.POLARS_NUMBERS_MIN_FACTOR`), 32 MiB.
ARROW_IMPORT_MIN_BYTES = 32 * 2**20
#: The line checks look for line ends in slices of this many bytes.
_SLICE_BYTES = 1 << 18


def arrow_wanted(size: int) -> bool:
    """Whether a numeric CSV file of ``size`` bytes goes to pyarrow first (imported, or worth importing)."""
    if size < ARROW_MIN_BYTES:
        return False
    if "pyarrow" in sys.modules:
        return True
    if size < ARROW_IMPORT_MIN_BYTES:
        return False
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def arrow_columns(
    data: bytes, delim: str, numeric: frozenset[str], coded: frozenset[str], ascii_known: bool = False
) -> tuple[list[str], list[Column], IntArray] | None:
    """Header, columns and line numbers of ASCII CSV bytes (no byte-order mark), as
    :func:`~ppeval.io._assessment._split_bytes` gives them; ``None`` where pyarrow is missing or the file
    is one the byte splitter would not take or that pyarrow does not read whole (see the module).
    ``ascii_known``: the caller checked that ``data`` is ASCII without NUL."""
    from ppeval.io._assessment import _bytes_codes, _cell_words, _drop_blank, _plain_header

    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is in the test extra
        return None
    head = _plain_header(data, delim, ascii_known)
    if head is None or head[0] + 1 >= len(data):
        return None  # not a text the byte readers take, or no data line: the other readers
    first, header = head
    k = len(header)
    body = memoryview(data)[first + 1:]
    lines = _regular_lines(np.frombuffer(body, dtype=np.uint8))
    if lines < 0:
        return None
    names = [f"c{j}" for j in range(k)]
    types = {f"c{j}": (pa.float64() if h in numeric else pa.string()) for j, h in enumerate(header)}
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(use_threads=False, column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a ragged line, a cell that is not a number
        return None
    n = table.num_rows
    if table.num_columns != k or n != lines:
        return None
    columns: list[Column] = []
    for j, name in enumerate(header):
        col = table.column(j)
        if name in numeric:
            vals = col.to_numpy()  # float64, nan for the nulls (the empty cells)
            vals = np.asarray(vals, dtype=np.float64)
            if int(np.count_nonzero(~np.isfinite(vals))) != col.null_count:
                return None  # a cell written as nan or inf: the byte splitter's str column names it
            if not vals.flags.writeable:
                vals = vals.copy()
            columns.append(vals)
            continue
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        start, length, chars = _string_bounds(arr)
        width = int(length.max()) if n else 0
        if name in coded:
            columns.append(_bytes_codes(_cell_words(chars, start, length, width), length, width))
        else:
            columns.append(np.array(arr.to_pylist(), dtype=np.str_))
    return (header, *_drop_blank(columns, np.arange(2, n + 2, dtype=np.int64)))


def _string_bounds(arr: Any) -> tuple[Any, Any, Any]:
    """(start, length, bytes) of the cells of a pyarrow string array, from its offsets and data buffers."""
    _validity, offsets_buf, data_buf = arr.buffers()[:3]
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    chars = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    return offsets[:-1], np.diff(offsets), chars


def _regular_lines(buf: Any) -> int:
    """The number of lines of ``buf`` (the bytes after the header) if they are lines pyarrow and the csv
    module split alike, else -1: no blank line (pyarrow makes a row of it), every CR followed by a LF
    (pyarrow ends a row at a lone CR), no line longer than the csv module's field size limit (it refuses
    such a cell)."""
    size = buf.shape[0]
    parts, n_cr = [], 0
    for at in range(0, size, _SLICE_BYTES):  # in slices: the masks stay in the processor's cache
        piece = buf[at:at + _SLICE_BYTES]
        found = np.flatnonzero(piece == 10)
        found += at
        parts.append(found)
        n_cr += int(np.count_nonzero(piece == 13))
    ends = parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
    starts = np.empty(ends.shape[0] + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends + 1
    stops = np.append(ends, size)
    if starts[-1] == size:  # the text ends with a newline: no last line after it
        starts, stops = starts[:-1], stops[:-1]
    cr_end = (stops > starts) & (buf[np.maximum(stops - 1, 0)] == 13)
    if n_cr != int(np.count_nonzero(cr_end[: ends.shape[0]])):
        return -1  # a CR that is not the CR of a CRLF
    length = stops - starts - cr_end
    if not length.shape[0] or int(length.min()) == 0 or int(length.max()) > csv.field_size_limit():
        return -1
    return int(length.shape[0])
