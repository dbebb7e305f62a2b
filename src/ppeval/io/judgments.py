"""Pairwise comparison matrices from text files (the ``ppeval ahp`` input)."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np

from ppeval.errors import InputError

__all__ = ["read_judgment_matrix"]

_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
_JUDGMENT = re.compile(rf"^({_NUMBER})(?:\s*/\s*({_NUMBER}))?$")
_MISSING = frozenset({"", "?", "nan", "na", "-"})


def _parse_cell(cell: str) -> float | None:
    """A judgment (``3``, ``0.5``, ``1/3``) as a float, nan for a missing one, None if not a number."""
    text = cell.strip()
    if text.lower() in _MISSING:
        return math.nan
    match = _JUDGMENT.match(text)
    if match is None:
        return None
    value = float(match.group(1))
    if match.group(2) is not None:
        den = float(match.group(2))
        if den == 0:
            return None
        value /= den
    if not (math.isfinite(value) and value > 0.0):  # 0, 1e400, 1e-400, 1/10**400: not a usable ratio
        return None
    return value


def _split(line: str, delimiter: str | None) -> list[str]:
    import csv

    if delimiter is None:
        return line.split()
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]


def read_judgment_matrix(path: str | os.PathLike[str]) -> tuple[list[str], np.ndarray, int]:
    """Read a pairwise comparison matrix from a CSV (or whitespace-separated) text file.

    Accepted layouts: bare numbers (``n`` rows of ``n`` judgments), a header
    row of labels, a first column of labels, or both. Cells are numbers or
    ratios (``3``, ``0.5``, ``1/3``); an empty cell, ``?``, ``nan``, ``na`` or
    ``-`` is a missing judgment. Where only one of ``a_ij`` and ``a_ji`` is
    given, the other is filled in as its reciprocal (so an upper triangle is
    enough); a missing diagonal entry is 1.

    Parameters
    ----------
    path : path-like
        The file (UTF-8, GBK/GB18030 or UTF-16, detected as for assessment files; ``,``, ``;``, tab
        or spaces between cells; ``#`` starts a comment line).

    Returns
    -------
    labels : list of str
        Element labels (row labels, else column labels, else ``"1"`` ... ``"n"``).
    matrix : ndarray of shape (n, n)
        The judgments, ``nan`` where missing.
    filled : int
        Number of entries filled in as reciprocals.

    Raises
    ------
    InputError
        Naming the file, line and column of a cell that is not a judgment, a
        row of the wrong length, or labels that disagree.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = Path(d) / "m.csv"
    ...     _ = path.write_text(",cost,quality\\ncost,1,1/3\\nquality,,1\\n")
    ...     labels, matrix, filled = read_judgment_matrix(path)
    >>> labels, matrix.tolist(), filled
    (['cost', 'quality'], [[1.0, 0.3333333333333333], [3.0, 1.0]], 1)
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: file not found") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read the file: {exc.strerror}") from None
    from ppeval.errors import DataError
    from ppeval.io._text import detect_encoding

    try:  # UTF-8 (with or without a byte-order mark), GBK/GB18030 or UTF-16, as for assessment files
        text = detect_encoding(raw, str(p))[0]
    except DataError as exc:
        raise InputError(str(exc)) from None
    lines = [(k + 1, line) for k, line in enumerate(text.splitlines()) if line.strip()
             and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"{p}: empty file; expected a square matrix of pairwise judgments")
    body_text = "\n".join(line for _, line in lines)
    delimiter = next((d for d in (",", ";", "\t") if d in body_text), None)
    rows = [(k, _split(line, delimiter)) for k, line in lines]
    first = rows[0][1]
    # a header row holds only labels after its first cell (which may be empty or a title)
    labelled = [_parse_cell(c) is None for c in first]
    has_header = all(labelled[1:]) if len(first) > 1 else labelled[0]
    header = first if has_header else None
    body = rows[1:] if has_header else rows
    if not body:
        raise InputError(f"{p}: only a header row; expected the judgments below it")
    n = len(body)
    row_labels = [r[0] if r else "" for _, r in body]
    has_row_labels = all(_parse_cell(c) is None for c in row_labels)
    matrix = np.full((n, n), np.nan)
    for i, (line_no, cells) in enumerate(body):
        values = cells[1:] if has_row_labels else cells
        offset = 2 if has_row_labels else 1
        if len(values) != n:
            raise InputError(
                f"{p}, line {line_no}: {len(values)} judgments; the matrix has {n} rows, so every row "
                f"needs {n} (a square matrix{', after the row label' if has_row_labels else ''})"
            )
        for j, cell in enumerate(values):
            value = _parse_cell(cell)
            if value is None:
                raise InputError(
                    f"{p}, line {line_no}, column {j + offset}: {cell!r} is not a judgment; expected a "
                    "positive number or a ratio such as 1/3 (blank or ? for a missing judgment)"
                )
            matrix[i, j] = value
    labels: list[str]
    col_labels = None
    if header is not None:
        col_labels = header[1:] if len(header) == n + 1 else header
        if len(col_labels) != n:
            raise InputError(f"{p}, line {rows[0][0]}: {len(col_labels)} column labels for {n} rows")
    if has_row_labels:
        labels = row_labels
        if col_labels is not None and list(col_labels) != labels:
            raise InputError(
                f"{p}: the row labels {labels} differ from the column labels {list(col_labels)}; "
                "row i and column i must be the same element"
            )
    elif col_labels is not None:
        labels = list(col_labels)
    else:
        labels = [str(k + 1) for k in range(n)]
    seen: dict[str, int] = {}
    for k, label in enumerate(labels):
        if label in seen:
            raise InputError(
                f"{p}: element {label!r} is labelled twice (rows/columns {seen[label] + 1} and {k + 1}); "
                "every element of the matrix needs its own label"
            )
        seen[label] = k
    # reciprocals for one-sided judgments, 1 on a missing diagonal
    diag = np.isnan(np.diag(matrix))
    matrix[diag, diag] = 1.0
    gap = np.isnan(matrix) & ~np.isnan(matrix.T)
    filled = int(gap.sum())
    with np.errstate(divide="ignore"):
        matrix = np.where(gap, 1.0 / matrix.T, matrix)
    return labels, matrix, filled
