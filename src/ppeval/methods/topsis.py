"""TOPSIS: closeness to the ideal solution (Hwang & Yoon 1981), relative or absolute mode."""

from __future__ import annotations

from typing import Any

import numpy as np

from ppeval._checks import as_matrix, as_types, one_of
from ppeval._normcore import (
    _absolute,
    _bounds_linear,
    _column_spans,
    _extrema,
    _linear,
    _normalized,
    _vector_denominators,
)
from ppeval._typing import FloatArray, Normalization
from ppeval.errors import InputError
from ppeval.methods._batch import (
    TILE_BYTES,
    block_rows,
    matvec,
    row_blocks,
    shape_result,
    weight_batch,
    weight_chunks,
)

__all__ = ["topsis"]

_NORMALIZATIONS = ("vector", "minmax", "max", "sum", "zscore", "mean", "shift")

#: Closeness given to every alternative when it is at once ideal and anti-ideal.
DEGENERATE_CLOSENESS = 0.5
#: Tile of squared distances on which the element-wise steps run (cache-resident); it is
#: filled by matrix products of at most ``TILE_BYTES`` each (see :mod:`ppeval.methods._batch`).
_FINISH_BYTES = 1 << 20
#: A weight vector whose ``sum_j w_j^2 (r+_j - r-_j)^2`` is at most this is treated as
#: degenerate-capable and its rows are computed with explicit checks (exactly 0 when every
#: weighted criterion is constant; the margin covers squared weights near underflow).
_DEGENERATE_SPREAD = 1e-250


def topsis(
    matrix: Any,
    weights: Any,
    types: Any,
    normalization: Normalization = "vector",
    bounds: Any = None,
) -> FloatArray:
    """Closeness coefficients of TOPSIS (Hwang & Yoon 1981); higher is better.

    Parameters
    ----------
    matrix : array_like, shape (n, m)
        Decision matrix: ``n`` alternatives (rows) on ``m`` criteria, finite.
    weights : array_like, shape (m,) or (k, m)
        One weight vector, or a batch of ``k`` weight vectors; each non-negative
        and summing to 1 (within 1e-9).
    types : array_like, shape (m,)
        ``1``/``"benefit"`` or ``-1``/``"cost"`` per criterion.
    normalization : {"vector", "minmax", "max", "sum", "zscore", "mean", "shift"}, default "vector"
        Normalisation of relative mode (see :mod:`ppeval.normalize`); Hwang &
        Yoon use ``"vector"``. With ``bounds`` only ``"minmax"`` is defined, and
        the default ``"vector"`` is read as ``"minmax"``; ``"max"`` or ``"sum"``
        with ``bounds`` is an error.
    bounds : array_like, shape (m, 2), optional
        ``(worst, best)`` raw value per criterion. Switches to absolute mode:
        values are min-max normalised against the bounds and the ideal and
        anti-ideal are the bounds themselves, so a project's closeness depends
        on its own row and the bounds only.

    Returns
    -------
    ndarray, shape (n,) or (k, n)
        Closeness ``C_i`` in [0, 1], one row per weight vector.

    Raises
    ------
    InputError
        Invalid matrix (not 2-D, empty, nan/inf, named by cell), types, weights
        (shape, sign, sum), normalization name, bounds (shape, orientation
        against ``types``, a value outside them), or values the chosen
        normalisation cannot take (negative values for ``"max"``/``"sum"``).

    Notes
    -----
    With ``r_ij`` the benefit-oriented normalised matrix (:mod:`ppeval.normalize`)
    and ``v_ij = w_j r_ij``:

    .. math::

        v_j^+ = \\max_i v_{ij}, \\quad v_j^- = \\min_i v_{ij}, \\quad
        D_i^\\pm = \\sqrt{\\textstyle\\sum_j (v_{ij} - v_j^\\pm)^2}, \\quad
        C_i = \\frac{D_i^-}{D_i^+ + D_i^-}.

    Because ``w_j >= 0``, ``v_j^+ = w_j \\max_i r_{ij}``, so
    ``(D_i^+)^2 = \\sum_j w_j^2 (r_{ij} - r_j^+)^2``: the gaps do not depend on
    the weights and a batch of ``k`` weight vectors is two matrix products
    ``(w^2) (g^\\pm)^2{}^T`` (no ``(k, n, m)`` array). The matrix is processed
    in blocks of rows, so temporaries stay small for any ``n``.

    Cost columns are reversed by the normalisation (e.g. ``1 - x/||x||`` for
    vector normalisation); this is an affine map of each column, so the
    distances, and hence ``C``, equal those of Hwang & Yoon's formulation that
    keeps ``x/||x||`` and takes the minimum as the ideal of a cost criterion.

    Absolute mode (``bounds``): ``r_ij = (x_ij - worst_j)/(best_j - worst_j)``,
    ``r^+ = 1``, ``r^- = 0`` (García-Cascales & Lamata 2012 fix the ideal and
    anti-ideal the same way to prevent rank reversal).

    Degenerate case: ``D_i^+ + D_i^- = 0`` happens exactly when every criterion
    with positive weight is constant over the alternatives (all alternatives
    identical on them, e.g. a single alternative in relative mode). Every
    alternative is then both ideal and anti-ideal, none can be told apart,
    and each gets ``C = 0.5`` (a tie), for that weight vector only. It cannot
    happen in absolute mode.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making:
    Methods and Applications*. Lecture Notes in Economics and Mathematical
    Systems 186, Springer (TOPSIS; fighter-aircraft example).

    Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods:
    A comparative analysis of VIKOR and TOPSIS. *European Journal of
    Operational Research* 156(2), 445-455.

    García-Cascales, M. S. & Lamata, M. T. (2012). On rank reversal and TOPSIS
    method. *Mathematical and Computer Modelling* 56(5-6), 123-132.

    Examples
    --------
    Hwang & Yoon's fighter-aircraft example (printed: 0.643, 0.268, 0.613,
    0.312, computed from intermediates rounded to 4 decimals):

    >>> from ppeval.methods import topsis
    >>> matrix = [[2.0, 1500, 20000, 5.5, 5, 9],
    ...           [2.5, 2700, 18000, 6.5, 3, 5],
    ...           [1.8, 2000, 21000, 4.5, 7, 7],
    ...           [2.2, 1800, 20000, 5.0, 5, 5]]
    >>> types = [1, 1, 1, -1, 1, 1]
    >>> topsis(matrix, [0.2, 0.1, 0.1, 0.1, 0.2, 0.3], types).round(4)
    array([0.6433, 0.2684, 0.6135, 0.3123])

    A batch of weight vectors gives one row each:

    >>> topsis(matrix, [[0.2, 0.1, 0.1, 0.1, 0.2, 0.3], [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]], types).shape
    (2, 4)
    """
    x = as_matrix(matrix, "matrix")
    n, m = x.shape
    t = as_types(types, m)
    w, single = weight_batch(weights, m, renormalize=False)  # C is invariant to the scale of w
    kind = one_of(normalization, _NORMALIZATIONS, "normalization")
    data, denom, ideal, anti = _columns(x, t, kind, bounds)
    out = np.empty((w.shape[0], n))
    _closeness(data, denom, ideal, anti, w * w, out)
    return shape_result(out, single)


def _columns(
    x: FloatArray, t: Any, kind: str, bounds: Any
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The matrix the gaps are taken on, and every column's denominator, ideal and anti-ideal (checked).

    Each column's parameters depend on that column (and its bounds) only.
    """
    lo, hi = _extrema(x)
    data = x
    if bounds is not None:
        if kind not in ("vector", "minmax"):
            raise InputError(
                f"normalization is {kind!r} but bounds were given; absolute mode normalises min-max "
                "against the bounds (use normalization='minmax' or leave the default)"
            )
        b = _absolute(x, t, bounds, lo, hi)
        denom = _bounds_linear(b).denom
        ideal = b[:, 1]
        anti = b[:, 0]
    elif kind == "sum" and (t < 0).any():
        # (1/x)/sum(1/x) is not affine: work on the normalised matrix itself
        data = _normalized(x, t, "sum", None)
        anti, ideal = _extrema(data)
        denom = np.where(ideal > anti, 1.0, np.inf)
    else:
        _column_spans(lo, hi)  # gaps x - ideal must not overflow
        if kind == "vector":
            denom = _vector_denominators(x, t, lo, hi)
        else:
            denom = _linear(x, t, kind, None, lo, hi)[0].denom
        up = denom > 0.0
        ideal = np.where(up, hi, lo)
        anti = np.where(up, lo, hi)
    return data, denom, ideal, anti


def topsis_columns(
    matrix: Any,
    types: Any,
    parts: list[tuple[Any, Any]],
    normalization: Normalization = "vector",
    bounds: Any = None,
    *,
    checked: bool = False,
    normalized: FloatArray | None = None,
) -> list[FloatArray]:
    """``topsis(matrix[:, c], w, types[c], normalization, bounds[c])`` for every ``(c, w)`` of ``parts``.

    Min-max normalisation or absolute mode (``bounds``) only.

    ``c`` is an integer array of columns (``None``: all columns) and ``w`` one weight vector over them.
    Bit for bit the closeness of those calls, with the work they share done once: the checks of the
    matrix, types and bounds (on all columns), every column's normalisation parameters (each depends
    on its own column only) and the squared normalised gaps to the ideal and anti-ideal, computed once
    per block of rows for all columns; a part takes its columns' gaps as a contiguous block (the array
    its own call would build) for its matrix-vector product. For callers that score one matrix on
    several column subsets (:func:`ppeval.evaluate`: the total score and every inner node's sub-score).
    ``checked``: the caller has passed this matrix, these types and these bounds through the same checks
    (:func:`ppeval.normalize.minmax`; a float64 matrix, int64 types, float64 ``(m, 2)`` bounds): in absolute
    mode the bounds' parameters are taken as given, without the column extrema the checks need.
    ``normalized`` (absolute mode with ``checked``): :func:`ppeval.normalize.minmax` of this matrix against
    these bounds, ``(x - worst) / denom + 0``, which is the normalised gap to the anti-ideal up to the sign
    of a zero: its squares are those gaps' squares, bit for bit, so they are not formed again.
    """
    kind = one_of(normalization, _NORMALIZATIONS, "normalization")
    if kind != "minmax" and bounds is None:  # pragma: no cover - guarded by the caller
        # (the vector norms of a column subset are not summed as those of the whole matrix: other bits)
        raise InputError(f"topsis_columns takes the minmax normalisation or bounds; got {kind!r}")
    r01 = None
    if checked and bounds is not None:
        x = np.asarray(matrix, dtype=np.float64)
        n, m = x.shape
        b = np.asarray(bounds, dtype=np.float64)
        data, denom, ideal, anti = x, _bounds_linear(b).denom, b[:, 1], b[:, 0]
        if normalized is not None and normalized.shape == x.shape:
            r01 = normalized
    else:
        x = as_matrix(matrix, "matrix")
        n, m = x.shape
        t = as_types(types, m)
        data, denom, ideal, anti = _columns(x, t, kind, bounds)
    cols: list[Any] = []
    w2s: list[FloatArray] = []
    for c, weights in parts:
        idx = None if c is None else np.asarray(c, dtype=np.int64)
        w, _ = weight_batch(weights, m if idx is None else idx.shape[0], renormalize=False)
        if idx is not None and idx.size and bool((np.diff(idx) == 1).all()):
            cols.append(slice(int(idx[0]), int(idx[-1]) + 1))  # a run of columns: a copy of the slice, no gather
        else:
            cols.append(idx)
        w2s.append(w[0] * w[0])
    outs = [np.empty(n) for _ in parts]
    step = min(block_rows(m), n)
    gaps = np.empty((2 * step, m))
    for rows in row_blocks(n, m) if n > step else (slice(0, n),):
        b = rows.stop - rows.start
        xb = data[rows]
        g = gaps[: 2 * b]
        if r01 is None:
            np.subtract(xb, ideal, out=gaps[:b])
            np.subtract(xb, anti, out=gaps[b : 2 * b])
            g /= denom
            g *= g
        else:  # the gaps to the anti-ideal are the normalised values (squares: the same bits)
            gp = gaps[:b]
            np.subtract(xb, ideal, out=gp)
            gp /= denom
            gp *= gp
            np.multiply(r01[rows], r01[rows], out=gaps[b : 2 * b])
        for idx, w2, out in zip(cols, w2s, outs, strict=True):
            # (2b, |c|) in C order: the array of gaps the part's own call forms
            gc = g if idx is None else np.array(g[:, idx]) if isinstance(idx, slice) else g.take(idx, axis=1)
            _finish_one(matvec(gc, w2, np.empty(2 * b)), b, out[rows])
    return outs


def _closeness(
    x: FloatArray,
    denom: FloatArray,
    ideal: FloatArray,
    anti: FloatArray,
    w2: FloatArray,
    out: FloatArray,
) -> None:
    """Write ``C`` for every weight row of ``w2`` (squared weights) into ``out`` ``(k, n)``.

    Per block of rows: ``g+ = (x - ideal) / denom`` and ``g- = (x - anti) / denom``
    (normalised gaps; subtracting before scaling keeps them exact when values
    are large compared with their spread; ``denom = inf`` for a constant
    column gives 0), squared, stacked as ``(2b, m)`` and multiplied by the
    squared weights: one gemv (one weight vector), or for a batch a series of
    small gemm calls filling a cache-sized tile (see :mod:`ppeval.methods._batch`).

    Weight vectors under which every weighted criterion is constant (``sum_j
    w_j^2 (r+_j - r-_j)^2 == 0``) are known before any distance is computed;
    their rows get :data:`DEGENERATE_CLOSENESS` (via :func:`_careful`).
    """
    n, m = x.shape
    k = w2.shape[0]
    step = min(block_rows(m), n)
    gaps = np.empty((2 * step, m))
    suspect = np.zeros(0, dtype=bool)
    if k > 1:  # (one weight vector: _finish_one checks its distances directly)
        spread = (ideal - anti) / denom  # r+ - r-, 0 for a constant column
        suspect = (w2 @ (spread * spread)) <= _DEGENERATE_SPREAD
    tile: FloatArray | None = None
    for rows in row_blocks(n, m) if n > step else (slice(0, n),):
        b = rows.stop - rows.start
        xb = x[rows]
        gp = gaps[:b]
        gm = gaps[b : 2 * b]
        np.subtract(xb, ideal, out=gp)
        np.subtract(xb, anti, out=gm)
        g = gaps[: 2 * b]
        g /= denom
        g *= g
        if k == 1:
            _finish_one(matvec(g, w2[0], np.empty(2 * b)), b, out[0, rows])  # bit-identical whatever n
            continue
        for ks in weight_chunks(k, 2 * b, chunk_bytes=_FINISH_BYTES):
            kc = ks.stop - ks.start
            if tile is None or tile.shape[0] < kc or tile.shape[1] < 2 * b:
                tile = np.empty((kc, 2 * b))
            d2 = tile[:kc, : 2 * b]
            w2c = w2[ks]
            for sub in weight_chunks(kc, 2 * b, chunk_bytes=TILE_BYTES):
                np.matmul(w2c[sub], g.T, out=d2[sub])
            _finish(d2, b, suspect[ks], out[ks, rows])


def _finish_one(d2: FloatArray, b: int, out: FloatArray) -> None:
    """One weight vector: ``d2 = [D+^2 | D-^2]`` ``(2b,)`` to ``C = D-/(D+ + D-)`` ``(b,)``.

    The textbook form (two square roots); for a batch :func:`_finish` saves one.
    """
    np.sqrt(d2, out=d2)
    dp = d2[:b]
    dm = d2[b:]
    dp += dm  # D+ + D-
    if dp.min() > 0.0:
        np.divide(dm, dp, out=out)
    else:  # every weighted criterion constant: D+ = D- = 0 for every alternative
        out[...] = DEGENERATE_CLOSENESS
        np.divide(dm, dp, out=out, where=dp > 0.0)


def _finish(d2: FloatArray, b: int, suspect: np.ndarray, out: FloatArray) -> None:
    """From squared distances ``d2 = [D+^2 | D-^2]`` ``(kc, 2b)`` write ``C`` into ``out`` ``(kc, b)``.

    ``C = D-/(D+ + D-) = 1 / (1 + sqrt(D+^2 / D-^2))``: one square root per
    value instead of two. ``D-^2 = 0`` (an alternative at the anti-ideal) gives
    ``inf`` and ``C = 0``, as it should (likewise a ratio beyond 1.8e308, whose
    true ``C`` is below 1e-154); ``0/0`` can occur only in ``suspect``
    rows (weight vectors flagged as degenerate or nearly so), which are
    recomputed with explicit checks by :func:`_careful`.
    """
    dp2 = d2[:, :b]
    dm2 = d2[:, b:]
    bad = bool(suspect.any())
    if bad:
        careful = _careful(dp2[suspect], dm2[suspect])
    # x/0 and overflow give inf, hence C = 0: exact for D- = 0, and within 1e-154 of the true C
    # when D-^2 is subnormal; 0/0 arises only in `suspect` rows, which are replaced below
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.divide(dp2, dm2, out=dp2)
    np.sqrt(dp2, out=dp2)
    dp2 += 1.0
    np.divide(1.0, dp2, out=out)
    if bad:
        out[suspect] = careful


def _careful(dp2: FloatArray, dm2: FloatArray) -> FloatArray:
    """``C`` with ``D+ + D- = 0`` mapped to :data:`DEGENERATE_CLOSENESS` (for the rare degenerate rows)."""
    dp = np.sqrt(dp2)
    dm = np.sqrt(dm2)
    den = dp + dm
    res = np.full_like(den, DEGENERATE_CLOSENESS)
    np.divide(dm, den, out=res, where=den > 0.0)
    return res
