"""Weight batches, row blocks and result shapes: the one place the methods share them.

Every method accepts one weight vector ``(m,)`` or a batch ``(k, m)`` and
returns ``(n,)`` or ``(k, n)`` accordingly. The methods work on a batch
throughout; :func:`weight_batch` turns the argument into one and
:func:`shape_result` turns the ``(k, n)`` result back.

Memory is bounded by processing the decision matrix in blocks of rows
(:func:`row_blocks`, about ``ROW_BLOCK_BYTES`` per ``(rows, m)`` temporary)
and a weight batch in chunks (:func:`weight_chunks`, about
``CHUNK_BYTES`` per ``(k_chunk, rows)`` temporary; ``TILE_BYTES`` for tiles
written by matrix products). No method ever allocates a
``(k, n, m)`` array; apart from its result, its temporaries do not grow with
``n`` or ``k``.

Bit-identity across ``n``: a project's score must not depend on how many
other projects are scored with it (absolute mode promises it). BLAS
matrix-vector kernels treat rows in groups (of 4 or 8, by SIMD width) and
the leftover rows of a call with a different instruction sequence, so a row's
last bit depended on its position relative to the end of the call, i.e. on
``n``. Single-vector products therefore go through :func:`matvec`, which
gives BLAS only calls whose row count is a multiple of :data:`ROW_ALIGN`
(whole blocks; the last partial one zero-padded), so every row takes the
same kernel path; row blocks are multiples of :data:`ROW_ALIGN` too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ppeval._checks import as_weights
from ppeval._typing import FloatArray

__all__ = [
    "ROW_BLOCK_BYTES",
    "CHUNK_BYTES",
    "TILE_BYTES",
    "weight_batch",
    "shape_result",
    "row_blocks",
    "block_rows",
    "weight_chunks",
    "ROW_ALIGN",
    "matvec",
    "axis_dot",
]

#: Target size of one ``(rows, m)`` float64 temporary (fits in a 1 MiB L2 cache).
ROW_BLOCK_BYTES = 1 << 19
#: Target size of one ``(k_chunk, rows)`` float64 temporary.
CHUNK_BYTES = 1 << 22
#: Target size of one ``(k_chunk, rows)`` tile written by a matrix product in a batch path:
#: cache-resident for the element-wise steps that follow, and small enough that BLAS
#: (OpenBLAS) runs the product on one thread. Products with an inner dimension of m ~ 20 gain
#: little from threads, and multi-threaded calls of this shape slow down badly (seconds instead
#: of 0.1 s for 10,000 weight vectors, measured) when the cores are shared with other work.
TILE_BYTES = 1 << 17

_ITEM = np.dtype(np.float64).itemsize
#: Row count that every single-vector matrix product is a multiple of (see the module docstring);
#: a multiple of every SIMD group size in use (4 doubles for AVX2, 8 for AVX-512).
ROW_ALIGN = 32


def matvec(a: FloatArray, v: FloatArray, out: FloatArray) -> FloatArray:
    """``out = a @ v`` with each row's result independent of the number of rows and of its position.

    The rows up to the last multiple of :data:`ROW_ALIGN` go to BLAS in one
    call; the remaining rows (fewer than ``ROW_ALIGN``) are copied into a
    zero-padded ``(ROW_ALIGN, m)`` block, so no row is ever in a kernel's
    leftover group. Costs one small extra product per call.
    """
    rows = a.shape[0]
    full = rows - rows % ROW_ALIGN
    if full:
        np.matmul(a[:full], v, out=out[:full])
    if full < rows:
        pad = np.zeros((ROW_ALIGN, a.shape[1]))
        pad[: rows - full] = a[full:]
        out[full:] = np.matmul(pad, v)[: rows - full]
    return out


def weight_batch(weights: Any, n_criteria: int, *, renormalize: bool = True) -> tuple[FloatArray, bool]:
    """Validate ``weights`` and return them as a ``(k, m)`` batch and whether they were 1-D.

    Each row is checked (finite, non-negative, sum 1 within 1e-9; see
    :func:`ppeval._checks.as_weights`). With ``renormalize`` (the default) each
    row is then divided by its sum, so the method works with weights that sum
    to 1 to rounding (a new array); methods whose result does not depend on the
    scale of the weights (TOPSIS) skip this. The argument is never written to.
    """
    w, single = as_weights(weights, n_criteria)
    if renormalize:
        w = w / w.sum(axis=1, keepdims=True)
    return w, single


def shape_result(out: FloatArray, single: bool) -> FloatArray:
    """Return ``out[0]`` (shape ``(n,)``) for a single weight vector, else ``out`` ``(k, n)``."""
    return out[0] if single else out


def axis_dot(a: FloatArray, v: FloatArray, axis: int) -> FloatArray:
    """``sum_j v[j] * a.take(j, axis)``, summed in the order ``j = 0, 1, ...`` for every element.

    A contraction over a short axis (indicators, grades) computed as
    element-wise products and sums, so each element of the result depends on
    its own slice of ``a`` only (no BLAS kernel grouping; see the module
    docstring). ``len(v)`` passes over the data.
    """
    arr = np.moveaxis(np.asarray(a, dtype=np.float64), axis, 0)
    out: FloatArray = arr[0] * v[0]
    for j in range(1, arr.shape[0]):
        out += arr[j] * v[j]
    return out


def block_rows(n_cols: int, *, block_bytes: int | None = None) -> int:
    """Rows per block so that one ``(rows, n_cols)`` float64 block is about ``block_bytes``.

    ``block_bytes`` defaults to :data:`ROW_BLOCK_BYTES`; at least 256 rows,
    and a multiple of :data:`ROW_ALIGN`.
    """
    size = ROW_BLOCK_BYTES if block_bytes is None else block_bytes
    return max(256, size // (_ITEM * max(n_cols, 1)) // ROW_ALIGN * ROW_ALIGN)


def row_blocks(n_rows: int, n_cols: int, *, block_bytes: int | None = None) -> Iterator[slice]:
    """Consecutive row slices covering ``range(n_rows)``, sized by :func:`block_rows`."""
    step = block_rows(n_cols, block_bytes=block_bytes)
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def weight_chunks(k: int, n_rows: int, *, chunk_bytes: int | None = None) -> Iterator[slice]:
    """Consecutive slices of a weight batch; a ``(chunk, n_rows)`` float64 array is about ``chunk_bytes``.

    ``chunk_bytes`` defaults to :data:`CHUNK_BYTES`; at least one weight vector per chunk.
    """
    size = CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    step = max(1, size // (_ITEM * max(n_rows, 1)))
    for start in range(0, k, step):
        yield slice(start, min(start + step, k))
