"""Many raters per project and indicator: one value per cell, with the evidence behind it.

Ratings arrive in long (columnar) form, one entry per (project, indicator,
rater): integer project and indicator codes, an optional rater-group name or
code, and the rating as its scale value (``nan`` = missing answer). The result
holds, per (project, indicator) cell, the aggregate, the number of ratings
behind it and of missing answers, the spread, and the same per rater group,
so thin evidence can be flagged and the residents' voice shown on its own.

Everything is vectorised (no Python loop over cells). The mean of
integer-valued ratings (scale points), the default, is a ``bincount`` segment
reduction with no sort (its sums are exact, so the order of the ratings does
not matter); medians, trimmed means and non-integer ratings sort the ratings
once by (group, cell, value), and every statistic is a ``bincount`` over that
order or index arithmetic on it. Time and memory grow linearly with the
number of ratings and cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ppeval._checks import one_of
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.qualitative._common import (
    Where,
    as_codes,
    as_rating_values,
    bsum,
    check_no_duplicate_rating,
    check_value_range,
    first_duplicate,
    fmt,
    ids_sequence,
    parse_groups,
    readonly,
)

__all__ = ["RatingAggregate", "aggregate_ratings", "AggregationMethod"]

AggregationMethod = Literal["mean", "median", "trimmed_mean"]
"""How the ratings of one cell (or of one rater group in a cell) become one value."""


@dataclass(frozen=True, eq=False)
class RatingAggregate:
    """Per (project, indicator) aggregates of many raters' ratings.

    Attributes
    ----------
    value : ndarray of float64, shape (n_projects, n_indicators)
        The aggregate; ``nan`` exactly where :attr:`has_value` is False.
    has_value : ndarray of bool, shape (n_projects, n_indicators)
        ``True`` where at least one rating (with group weights: one rating
        from a group with positive weight) stands behind the value.
    n_raters : ndarray of int64, shape (n_projects, n_indicators)
        Non-missing ratings behind every cell (all groups).
    n_missing : ndarray of int64, shape (n_projects, n_indicators)
        Missing answers (``nan``) per cell, skipped in every statistic (when
        no answer is missing, this and ``group_missing`` are read-only
        broadcast views of one zero: no memory per cell).
    std : ndarray of float64, shape (n_projects, n_indicators)
        Sample standard deviation (``ddof=1``) of the non-missing ratings of
        the cell, all groups pooled; ``nan`` where ``n_raters < 2`` (and
        everywhere when called with ``std=False``).
    groups : tuple of str
        Rater group names, in the order of the first axis below.
    group_values : ndarray of float64, shape (n_groups, n_projects, n_indicators)
        The aggregate (same ``method``) of each group's ratings alone;
        ``nan`` where ``group_counts`` is 0.
    group_counts : ndarray of int64 (or ``count_dtype``), shape (n_groups, n_projects, n_indicators)
        Non-missing ratings per group and cell.
    group_missing : ndarray of int64, shape (n_groups, n_projects, n_indicators)
        Missing answers per group and cell.
    group_weights : ndarray of float64, shape (n_groups,), or None
        The weights used (``None``: every rater counts equally).
    method : str
        ``"mean"``, ``"median"`` or ``"trimmed_mean"``.
    trim : float
        Proportion cut at each end for ``"trimmed_mean"`` (0 otherwise).
    """

    value: FloatArray
    has_value: BoolArray
    n_raters: IntArray
    n_missing: IntArray
    std: FloatArray
    groups: tuple[str, ...]
    group_values: FloatArray
    group_counts: IntArray
    group_missing: IntArray
    group_weights: FloatArray | None
    method: str
    trim: float

    def thin(self, min_raters: int) -> BoolArray:
        """Return ``n_raters < min_raters``: cells whose evidence is too thin to rely on.

        Raises
        ------
        InputError
            ``min_raters`` is not an int >= 1.
        """
        if isinstance(min_raters, bool) or not isinstance(min_raters, int | np.integer) or min_raters < 1:
            raise InputError(f"min_raters is {min_raters!r}; expected an int >= 1")
        return np.asarray(self.n_raters < int(min_raters))


def _segment_stats(
    key: IntArray, v: FloatArray, n_keys: int, method: str, trim: float, exact: bool | None = None
) -> tuple[FloatArray, IntArray, FloatArray]:
    """Per-key statistic, count and sum of squared deviations from the key mean.

    ``key`` in ``0..n_keys-1``, ``v`` finite. The statistic is ``nan`` where
    the count is 0. The result does not depend on the order of the input
    (summation order included): for the mean of integer-valued ratings (scale
    points) every sum is exact in any order, so the sums are plain
    ``bincount`` segment reductions (no sort); otherwise values are sorted by
    (key, value) first. ``exact`` is :func:`_exact_sums` of ``v`` if known.
    """
    if method == "mean" and (_exact_sums(v) if exact is None else exact):
        counts = np.bincount(key, minlength=n_keys).astype(np.int64)
        s1 = bsum(key, v, n_keys)
        s2 = bsum(key, v * v, n_keys)
        # s1, s2 exact: the mean is the correctly rounded quotient, inside [min, max] of the key;
        # 0/0 = nan exactly where the key has no value
        with np.errstate(invalid="ignore"):
            mean = s1 / counts
        np.multiply(s1, mean, out=s1, where=counts > 0)  # empty keys keep s1 = 0, so ss = 0
        np.subtract(s2, s1, out=s2)
        np.maximum(s2, 0.0, out=s2)  # sum of squared deviations
        return mean, counts, s2
    order = np.lexsort((v, key))
    ks = key[order]
    vs = v[order]
    counts = np.bincount(ks, minlength=n_keys).astype(np.int64)
    has = counts > 0
    starts = np.cumsum(counts) - counts
    safe = np.maximum(counts, 1)
    sums = bsum(ks, vs, n_keys)
    mean = sums / safe
    dev = vs - mean[ks]
    ss = bsum(ks, dev * dev, n_keys)
    if method == "mean":
        stat = mean
    elif method == "median":
        if vs.size:
            lo = starts + (safe - 1) // 2
            hi = starts + safe // 2
            lo = np.minimum(lo, vs.size - 1)
            hi = np.minimum(hi, vs.size - 1)
            stat = 0.5 * (vs[lo] + vs[hi])
        else:
            stat = np.zeros(n_keys)
    else:  # trimmed_mean: cut int(trim * n) values at each end (as scipy.stats.trim_mean)
        cut = (trim * counts).astype(np.int64)
        pos = np.arange(vs.size, dtype=np.int64) - starts[ks]
        keep = (pos >= cut[ks]) & (pos < (counts - cut)[ks])
        kept = bsum(ks, np.where(keep, vs, 0.0), n_keys)
        stat = kept / np.maximum(counts - 2 * cut, 1)
    if vs.size:
        # remove rounding excursions outside the observed [min, max] of the key
        vmin = vs[np.minimum(starts, vs.size - 1)]
        vmax = vs[np.minimum(starts + safe - 1, vs.size - 1)]
        stat = np.clip(stat, vmin, vmax)
    stat = np.where(has, stat, np.nan)
    return stat, counts, ss


def _group_means(
    cell: IntArray, gcode: IntArray, v: FloatArray, n_g: int, n_cells: int
) -> tuple[FloatArray, IntArray, FloatArray, IntArray, FloatArray]:
    """:func:`_segment_stats` (mean, exact sums) of every group and of all groups pooled, one group at a time.

    Returns the groups' means ``(n_g, n_cells)`` (nan where empty) and counts, and the pooled mean,
    count and sum of squared deviations ``(n_cells,)``: the numbers of :func:`_segment_stats` on
    (group, cell) keys and on cells, without ``(n_g x n_cells)`` temporaries.
    """
    means = np.empty((n_g, n_cells))
    counts = np.empty((n_g, n_cells), dtype=np.int64)
    for g in range(n_g):
        sel = gcode == g
        c = cell[sel]
        cnt = np.bincount(c, minlength=n_cells)
        g1 = bsum(c, v[sel], n_cells)
        del sel, c
        with np.errstate(invalid="ignore"):
            np.divide(g1, cnt, out=means[g])  # 0/0 = nan exactly where the group gave no rating
        counts[g] = cnt
        del cnt, g1
    p_mean, p_count, p_ss = _segment_stats(cell, v, n_cells, "mean", 0.0, True)
    return means, counts, p_mean, p_count, p_ss


def _exact_sums(v: FloatArray, ok: BoolArray | None = None) -> bool:
    """True when sums of ``v`` and of ``v**2`` are exact in float64 whatever the order.

    Integers whose squares summed over all entries stay below 2**53. With ``ok``, only the entries
    where it is True count (the answered ratings). Checked a block at a time (no full-size temporary).
    """
    size = v.size if ok is None else int(np.count_nonzero(ok))
    if size == 0:
        return True
    top, integral = 0.0, True
    for s in range(0, v.shape[0], _BLOCK):
        b = v[s:s + _BLOCK] if ok is None else v[s:s + _BLOCK][ok[s:s + _BLOCK]]
        if b.size:
            top = max(top, float(b.max()), -float(b.min()))
            integral = integral and bool(np.all(np.trunc(b) == b))
    if top * top * size >= 2.0**53:
        return False
    return integral


#: Ratings per block of the blocked mean (:func:`_cell_blocks`); at most this many cells per block too.
_BLOCK = 1 << 20


def _cell_blocks(
    proj: IntArray, ind: IntArray, n_i: int, block: int, max_cells: int | None = None,
    whole: list[IntArray] | None = None,
) -> list[tuple[int, int]] | None:
    """``(start, stop)`` of blocks of the ratings that end between cells, or None if cells are not sorted.

    The ratings' cells (``proj * n_i + ind``) must be non-decreasing (the order
    :func:`ppeval.load_assessment` gives: project, indicator, group, rater). A block holds about
    ``block`` ratings and spans fewer than ``max_cells`` (default ``block``) cells; a cell with more
    ratings is a block of its own. ``whole`` (a list): when all ratings are one block, their cells
    (``proj * n_i + ind``, computed here for the check) are appended to it for the caller to reuse.
    """
    n = proj.shape[0]
    block = max(int(block), 1)
    span = block if max_cells is None else max(int(max_cells), 1)
    out: list[tuple[int, int]] = []
    start, last = 0, -1
    while start < n:
        stop = min(start + block, n)
        cell = proj[start:stop] * n_i + ind[start:stop]
        c0 = int(cell[0])
        if c0 < last or bool(np.any(cell[1:] < cell[:-1])):
            return None
        k = int(np.searchsorted(cell, c0 + span, "left"))  # fewer than `span` cells
        if k < cell.shape[0]:
            stop = start + k
        elif stop < n and int(proj[stop]) * n_i + int(ind[stop]) == int(cell[-1]):
            k = int(np.searchsorted(cell, cell[-1], "left"))  # back to the start of the cell cut in two
            if k > 0:
                stop = start + k
            else:  # one cell fills the block: take all of its ratings
                while stop < n:
                    other = np.flatnonzero(proj[stop:stop + block] * n_i + ind[stop:stop + block] != c0)
                    if other.size:
                        stop += int(other[0])
                        break
                    stop = min(stop + block, n)
        last = int(proj[stop - 1]) * n_i + int(ind[stop - 1])
        out.append((start, stop))
        if whole is not None and start == 0 and stop == n and cell.shape[0] == n:
            whole.append(cell)
        start = stop
    return out


def _zero_by_zero() -> float:
    """The NaN that ``0 / 0`` gives in numpy's division (its bits: what an empty cell's mean holds)."""
    with np.errstate(invalid="ignore"):
        return float(np.divide(np.zeros(1), np.zeros(1, dtype=np.int64))[0])


def _blocked_means(
    blocks: list[tuple[int, int]], proj: IntArray, ind: IntArray, n_i: int, gcode: IntArray, v: FloatArray,
    missing: BoolArray | None, n_g: int, n_cells: int, count_dtype: npt.DTypeLike = np.int64,
    sum_squares: bool = True, whole_cell: IntArray | None = None,
) -> tuple[FloatArray, IntArray, FloatArray, IntArray, FloatArray | None]:
    """:func:`_group_means` a block of cells at a time (exact sums: the same bits, in any order).

    The ratings are cut into blocks of whole cells (:func:`_cell_blocks`); every statistic of a cell
    comes from its block alone, so the temporaries are block-sized: only the results span all cells.
    Cells without a rating get what the one-pass division gives them (``0 / 0``, count 0, sum of
    squares 0). Without ``sum_squares`` the pooled sums of squares are not computed (None).
    ``whole_cell``: the cells of all ratings when they are one block (from :func:`_cell_blocks`).
    """
    nan0 = _zero_by_zero()
    # every cell is written once: a block's cells by its division, the cells between blocks (no rating)
    # filled with what the division gives them (no prefill of the whole arrays)
    means = np.empty((n_g, n_cells))
    counts = np.zeros((n_g, n_cells), dtype=count_dtype)
    p_mean = np.empty(n_cells)
    p_count = np.zeros(n_cells, dtype=np.int64)
    p_ss = np.zeros(n_cells) if sum_squares else None
    done = 0  # cells before this one are written
    for start, stop in blocks:
        if whole_cell is not None and len(blocks) == 1:
            cell = whole_cell  # (the one block: its cells, computed by _cell_blocks; not written to below)
        else:
            cell = proj[start:stop] * n_i + ind[start:stop]
        c0 = int(cell[0])
        n_loc = int(cell[-1]) - c0 + 1
        loc = cell - c0 if c0 else cell
        del cell
        means[:, done:c0] = nan0
        p_mean[done:c0] = nan0
        done = c0 + n_loc
        vb, gb = v[start:stop], gcode[start:stop]
        if missing is not None:
            okb = ~missing[start:stop]
            loc, vb, gb = loc[okb], vb[okb], gb[okb]
        sl = slice(c0, c0 + n_loc)
        key = loc if n_g == 1 else gb * n_loc + loc  # (group, cell) of the block
        g_cnt = np.bincount(key, minlength=n_g * n_loc).reshape(n_g, n_loc)
        g_sum = bsum(key, vb, n_g * n_loc).reshape(n_g, n_loc)
        del key
        counts[:, sl] = g_cnt
        with np.errstate(invalid="ignore"):
            np.divide(g_sum, g_cnt, out=means[:, sl])  # 0/0 = nan where the group gave no rating
            # the pooled sums from the groups' (exact integers: the same bits as one pass over the cells),
            # written into the results' slices
            cnt = p_count[sl]
            mean = p_mean[sl]
            if n_g == 1:  # one group: its counts and means are the pooled ones (the same division)
                cnt[...] = g_cnt[0]
                mean[...] = means[0, sl]
                s1 = g_sum[0]
                del g_cnt
            else:
                np.sum(g_cnt, axis=0, out=cnt)
                s1 = g_sum.sum(axis=0)
                del g_cnt, g_sum
                np.divide(s1, cnt, out=mean)
        if p_ss is not None:
            np.multiply(s1, mean, out=s1, where=cnt > 0)
            np.subtract(bsum(loc, vb * vb, n_loc), s1, out=p_ss[sl])
            np.maximum(p_ss[sl], 0.0, out=p_ss[sl])
    means[:, done:] = nan0
    p_mean[done:] = nan0
    return means, counts, p_mean, p_count, p_ss


def group_means_exact(
    project: IntArray, indicator: IntArray, value: FloatArray, group_code: IntArray, code: int,
    n_projects: int, n_indicators: int, indicator_codes: IntArray | None = None,
) -> tuple[FloatArray, IntArray] | None:
    """Mean and count of one group's ratings in every cell, ``(n_projects, n_indicators)`` each.

    ``group_counts[code]`` (int64) of :func:`aggregate_ratings` with ``method="mean"``, and
    ``group_values[code]`` bit for bit in every cell where the count is positive, when the group's sums
    are exact (:func:`_exact_sums` of its answered ratings: integers, every sum below 2**53): a mean is
    then the exact sum divided by the count whatever the order of the sum. Cells without a rating of
    the group hold ``0 / 0`` (the table's bits when all groups' sums are exact). None when the group's
    sums are not exact. Missing answers (nan) are skipped. For callers that need one group's table,
    not all of them (the residents' view of :func:`ppeval.evaluate`); codes and values are trusted (no
    checks). ``indicator_codes``: the code of each value of ``indicator`` (``indicator_codes[indicator]``,
    applied to the group's ratings only).
    """
    n_cells = n_projects * n_indicators
    sel = group_code == code
    sel &= value == value  # not nan
    at = np.flatnonzero(sel)  # (one scan of the mask, then gathers)
    del sel
    ind = indicator.take(at)
    if indicator_codes is not None:
        ind = indicator_codes.take(ind)
    vals = value.take(at)
    if not _exact_sums(vals):
        return None
    cell = project.take(at)
    cell *= n_indicators
    cell += ind
    cnt = np.bincount(cell, minlength=n_cells)
    total = bsum(cell, vals, n_cells)
    del cell, at, ind, vals
    with np.errstate(invalid="ignore"):
        np.divide(total, cnt, out=total)  # 0/0 = nan where the group gave no rating
    return total.reshape(n_projects, n_indicators), cnt.reshape(n_projects, n_indicators)


def _std_in_place(ss: FloatArray, count: IntArray) -> FloatArray:
    """``where(count >= 2, sqrt(ss / max(count - 1, 1)), nan)`` written over ``ss``, a block at a time."""
    for s in range(0, ss.shape[0], _BLOCK):
        sb, cb = ss[s:s + _BLOCK], count[s:s + _BLOCK]
        np.divide(sb, np.maximum(cb - 1, 1), out=sb)
        np.sqrt(sb, out=sb)
        sb[cb < 2] = np.nan
    return ss


def _check_duplicates_blocked(
    blocks: list[tuple[int, int]], proj: IntArray, ind: IntArray, n_i: int, n_cells: int,
    rater: np.ndarray, where: Where,
) -> None:
    """:func:`~ppeval.qualitative._common.check_no_duplicate_rating` a block of whole cells at a time.

    A repeated (cell, rater) pair lies within one cell, so within one block; the first block with one
    holds the pair whose second rating comes first in the input, the pair the one-pass check names.
    """
    for start, stop in blocks:
        dup = first_duplicate(proj[start:stop] * n_i + ind[start:stop], rater[start:stop], n_cells, stop - start)
        if dup is None:
            continue
        i, j = dup[0] + start, dup[1] + start
        raise InputError(
            f"rater {fmt(rater[i])} rated {where.cell(int(proj[i]), int(ind[i]))} more than once "
            f"(ratings [{i}] and [{j}]); each rater may rate each project and indicator once"
        )


def aggregate_ratings(
    project: npt.ArrayLike,
    indicator: npt.ArrayLike,
    value: npt.ArrayLike,
    *,
    n_projects: int | None = None,
    n_indicators: int | None = None,
    method: AggregationMethod = "mean",
    trim: float = 0.1,
    group: npt.ArrayLike | None = None,
    groups: Sequence[str] | None = None,
    group_weights: Mapping[str, float] | npt.ArrayLike | None = None,
    rater: npt.ArrayLike | None = None,
    value_range: npt.ArrayLike | None = None,
    require_all: bool = False,
    project_ids: Sequence[Any] | None = None,
    indicator_ids: Sequence[Any] | None = None,
    duplicates_checked: bool = False,
    count_dtype: npt.DTypeLike = np.int64,
    std: bool = True,
) -> RatingAggregate:
    """Aggregate many raters' ratings into one value per (project, indicator).

    Parameters
    ----------
    project, indicator : array_like of int, shape (n,)
        Codes ``0..n_projects-1`` and ``0..n_indicators-1`` of each rating.
    value : array_like of float, shape (n,)
        The rating as its scale value; ``nan`` marks a missing answer,
        which is skipped and counted in ``n_missing``.
    n_projects, n_indicators : int, optional
        Size of the result (default: largest code + 1). Cells without any
        rating get ``has_value=False``.
    method : {"mean", "median", "trimmed_mean"}
        Statistic over the ratings of a cell (with group weights: over the
        ratings of each group in the cell).
    trim : float
        For ``"trimmed_mean"``: proportion in ``[0, 0.5)`` cut at each end;
        ``int(trim * n)`` ratings are dropped from each end of a cell with
        ``n`` ratings (the convention of ``scipy.stats.trim_mean``).
    group : array_like of str or int, shape (n,), optional
        Rater group of each rating (e.g. ``"resident"``, ``"expert"``,
        ``"government"``), by name or by code into ``groups``.
    groups : sequence of str, optional
        Group names in result order (default: the keys of a
        ``group_weights`` mapping, else the sorted names found).
    group_weights : mapping of str to float, or array_like, optional
        Weight per group, non-negative, summing to 1. With weights the
        cell value is the weighted mean of the group aggregates over the
        groups present in that cell, the weights renormalised over those
        groups (see Notes). Without weights every rater counts equally.
    rater : array_like, shape (n,), optional
        Rater id of each rating. When given, a rater rating the same
        (project, indicator) twice is an error (missing answers included).
    value_range : array_like, shape (2,) or (n_indicators, 2), optional
        ``(low, high)`` of the scale (per indicator); a rating outside it
        is an error.
    require_all : bool
        If True, a cell without a usable rating is an error naming the
        project and indicator.
    project_ids, indicator_ids : sequence, optional
        Ids the codes stand for, used in error messages.
    duplicates_checked : bool
        The caller already checked that no rater rated a (project,
        indicator) twice (ratings from :mod:`ppeval.io`): the check is not
        repeated.
    count_dtype : {numpy.int64, numpy.int32}
        Integer type of ``group_counts`` (default int64). ``int32`` halves the
        largest table of the result (groups x projects x indicators: 640 MB
        as int64 for four groups, a million projects and twenty indicators);
        it needs fewer than 2**31 ratings.
    std : bool
        Compute ``std`` (default True). With False it is not computed and
        the field holds nan everywhere (a read-only view of one value), for
        callers that do not read it (:func:`ppeval.evaluate`: two passes
        over the cells fewer).

    Returns
    -------
    RatingAggregate

    Raises
    ------
    InputError
        Shapes or codes out of range, an infinite rating, a rating outside
        ``value_range``, an unknown group or one without a weight, invalid
        group weights, a duplicate (rater, project, indicator), (with
        ``require_all``) a cell without a rating, or a ``count_dtype`` other
        than int64 and int32 (int32 with 2**31 ratings or more). Messages name the
        position, the value and the project, indicator and rater.

    Notes
    -----
    For a cell with non-missing ratings :math:`x_1 \\le \\dots \\le x_n`:
    mean :math:`\\bar x = \\frac1n\\sum x_i`; median
    :math:`\\tfrac12(x_{\\lfloor (n+1)/2\\rfloor} + x_{\\lceil (n+1)/2\\rceil})`;
    trimmed mean with :math:`g = \\lfloor \\text{trim}\\cdot n\\rfloor`:
    :math:`\\frac{1}{n-2g}\\sum_{i=g+1}^{n-g} x_i`.

    Group-weighted value, with :math:`v_g` the aggregate of group
    :math:`g` in the cell and :math:`P` the groups with at least one rating
    there: :math:`v = \\sum_{g\\in P} w_g v_g / \\sum_{g\\in P} w_g`. A
    group's weight thus never leaks to the others' raters in proportion to
    their numbers: residents keep their share wherever they rated, and
    where a group did not rate at all its share is spread over the groups
    that did (renormalisation). If only zero-weight groups rated a cell,
    it has no value (``has_value`` False).

    Results are exact functions of the multiset of ratings: permuting the
    input rows changes nothing, bit for bit.

    References
    ----------
    Wilcox, R. R. (2012). *Introduction to Robust Estimation and Hypothesis
    Testing*, 3rd ed., Academic Press (the trimmed mean).

    Examples
    --------
    >>> r = aggregate_ratings([0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [4, 5, float("nan"), 2, 3],
    ...                       group=["resident", "expert", "resident", "resident", "resident"],
    ...                       group_weights={"resident": 0.5, "expert": 0.5})
    >>> r.value.ravel().tolist(), r.n_raters.ravel().tolist(), r.n_missing.ravel().tolist()
    ([4.5, 2.5], [2, 2], [1, 0])
    >>> r.group_counts[:, :, 0].tolist()
    [[1, 2], [1, 0]]
    """
    method = one_of(method, ("mean", "median", "trimmed_mean"), "method")
    if method == "trimmed_mean":
        if not isinstance(trim, int | float | np.number) or isinstance(trim, bool) or not 0 <= trim < 0.5:
            raise InputError(f"trim is {trim!r}; the proportion cut at each end must be in [0, 0.5)")
    proj, n_p = as_codes(project, "project", n_projects)
    n = proj.shape[0]
    ind, n_i = as_codes(indicator, "indicator", n_indicators, length=n)
    try:
        cdt = np.dtype(count_dtype)
    except TypeError:
        cdt = np.dtype(object)
    if cdt not in (np.dtype(np.int64), np.dtype(np.int32)):
        raise InputError(f"count_dtype is {count_dtype!r}; expected numpy.int64 or numpy.int32")
    if cdt == np.int32 and n >= 2**31:
        raise InputError(f"count_dtype int32 holds counts below 2**31; there are {n} ratings (use int64)")
    pid = ids_sequence(project_ids, n_p, "project_ids")
    iid = ids_sequence(indicator_ids, n_i, "indicator_ids")
    rater_arr = None if rater is None else np.asarray(rater)
    where = Where(proj, ind, rater_arr, pid, iid)
    v, missing = as_rating_values(value, "value", n, where)
    if value_range is not None:
        check_value_range(v, missing, ind, n_i, value_range, "value", where)
    gcode, names, gw = parse_groups(group, n, groups=groups, group_weights=group_weights, where=where)
    n_g = len(names)
    n_cells = n_p * n_i
    any_missing = bool(missing.any())
    # ratings grouped by cell (the loader's order): the mean of scale points a block of cells at a time
    whole: list[IntArray] = []  # (all ratings one block: their cells, computed once for both passes)
    blocks = _cell_blocks(proj, ind, n_i, _BLOCK, _BLOCK // max(n_g, 1), whole) if method == "mean" else None
    if rater_arr is None or duplicates_checked:  # (the loader checked its ratings already)
        pass
    elif blocks is not None and rater_arr.ndim == 1 and rater_arr.shape[0] == n:
        _check_duplicates_blocked(blocks, proj, ind, n_i, n_cells, rater_arr, where)
    else:
        check_no_duplicate_rating(proj, ind, n_i, n_cells, rater_arr, where)
    exact = _exact_sums(v, ~missing if any_missing else None)
    shape3 = (n_g, n_p, n_i)
    cell = None
    if blocks is not None and exact:
        group_values, group_counts, p_stat, p_count, p_ss = _blocked_means(
            blocks, proj, ind, n_i, gcode, v, missing if any_missing else None, n_g, n_cells, cdt, bool(std),
            whole[0] if whole else None,
        )
        group_values, group_counts = group_values.reshape(shape3), group_counts.reshape(shape3)
    else:
        cell = proj * n_i + ind
        ok = ~missing
        v_ok = v[ok] if any_missing else v
    if cell is None:
        pass
    elif n_g > 1 and method == "mean" and exact:
        # exact sums: one group at a time into (cells,) arrays, the pooled sums added up from the groups'
        # (the same bits as one pass: every partial sum is an exact integer); no (groups x cells) temporaries
        group_values, group_counts, p_stat, p_count, p_ss = _group_means(
            cell[ok] if any_missing else cell, gcode[ok] if any_missing else gcode, v_ok, n_g, n_cells
        )
        group_values, group_counts = group_values.reshape(shape3), group_counts.reshape(shape3)
    else:
        if n_g == 1:  # one group: its statistics are the cell's
            g_stat, g_count, _ = _segment_stats(cell[ok], v_ok, n_cells, method, float(trim), exact)
        else:
            gkey = gcode * n_cells + cell
            g_stat, g_count, _ = _segment_stats(gkey[ok], v_ok, n_g * n_cells, method, float(trim), exact)
            del gkey
        group_values = g_stat.reshape(shape3)
        group_counts = g_count.reshape(shape3)
        p_stat, p_count, p_ss = _segment_stats(cell[ok], v_ok, n_cells, method, float(trim), exact)
    if cell is not None:
        del v_ok, ok
    if any_missing:
        m_cell = proj[missing] * n_i + ind[missing]
        group_missing = np.bincount(gcode[missing] * n_cells + m_cell, minlength=n_g * n_cells).reshape(shape3)
        del m_cell
        n_missing = group_missing.sum(axis=0)
    else:  # no missing answer: read-only views of one zero (no memory for a million projects' zeros)
        group_missing = np.broadcast_to(np.zeros(1, dtype=np.int64), shape3)
        n_missing = np.broadcast_to(np.zeros(1, dtype=np.int64), (n_p, n_i))
    del cell
    group_counts = group_counts.astype(cdt, copy=False)
    n_raters = p_count.reshape(n_p, n_i)
    if std and p_ss is not None:
        sd = _std_in_place(p_ss, p_count).reshape(n_p, n_i)
    else:  # not asked for: no pass over the cells
        sd = np.broadcast_to(np.full(1, np.nan), (n_p, n_i))
    del p_ss

    if gw is None:
        agg = p_stat.reshape(n_p, n_i)
        has_value = n_raters > 0
    else:
        present = group_counts > 0
        w_eff = np.where(present, gw[:, None, None], 0.0)
        denom = w_eff.sum(axis=0)
        has_value = denom > 0
        num = (w_eff * np.where(present, group_values, 0.0)).sum(axis=0)
        sel = present & (w_eff > 0)
        lo = np.where(sel, group_values, np.inf).min(axis=0)
        hi = np.where(sel, group_values, -np.inf).max(axis=0)
        agg = np.full((n_p, n_i), np.nan)
        agg[has_value] = np.clip(num[has_value] / denom[has_value], lo[has_value], hi[has_value])

    if require_all and not has_value.all():
        p, j = (int(k) for k in np.unravel_index(int(np.argmin(has_value)), has_value.shape))
        given = int(n_raters[p, j])
        extra = " (only from groups with weight 0)" if given else ""
        raise InputError(
            f"{where.cell(p, j)} has no usable rating: {given} rating(s){extra}, "
            f"{int(n_missing[p, j])} missing answer(s); require_all=True needs a rating in every "
            "(project, indicator)"
        )

    agg = np.ascontiguousarray(agg, dtype=np.float64)
    has_value = np.ascontiguousarray(has_value)
    n_raters = np.ascontiguousarray(n_raters)
    n_missing = np.ascontiguousarray(n_missing, dtype=np.int64) if any_missing else n_missing
    sd = np.ascontiguousarray(sd) if std else sd
    gw_out = None if gw is None else gw.copy()
    readonly(agg, has_value, n_raters, n_missing, sd, group_values, group_counts, group_missing)
    if gw_out is not None:
        readonly(gw_out)
    return RatingAggregate(
        value=agg,
        has_value=has_value,
        n_raters=n_raters,
        n_missing=n_missing,
        std=sd,
        groups=names,
        group_values=group_values,
        group_counts=group_counts,
        group_missing=group_missing,
        group_weights=gw_out,
        method=method,
        trim=float(trim) if method == "trimmed_mean" else 0.0,
    )
