"""Agreement among raters: Kendall's W and Krippendorff's alpha.

* :func:`kendall_w` - Kendall's coefficient of concordance among ``m``
  raters who each rank (or score) the same ``n`` objects, with the tie
  correction and the chi-square test.
* :func:`krippendorff_alpha` - Krippendorff's alpha for nominal, ordinal,
  interval or ratio data from a reliability-data matrix (raters x units)
  with missing values.
* :func:`indicator_agreement` - alpha per indicator from long-form ratings,
  with the projects as units, vectorised over all indicators at once.

Alpha is computed from the value counts per unit, i.e. from Krippendorff's
coincidence matrix, without forming it: for the nominal, ordinal and
interval metrics its weighted sums have closed forms (below), and for the
ratio metric only the value pairs that occur in a unit are visited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ppeval._checks import one_of
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import DegenerateError, InputError
from ppeval.qualitative._common import (
    Where,
    as_codes,
    as_rating_values,
    bsum,
    ids_sequence,
    readonly,
)

__all__ = [
    "KendallWResult",
    "kendall_w",
    "KrippendorffResult",
    "krippendorff_alpha",
    "IndicatorAgreement",
    "indicator_agreement",
    "Level",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
"""Level of measurement of Krippendorff's alpha (its difference function)."""

_LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------- Kendall's W


@dataclass(frozen=True)
class KendallWResult:
    """Kendall's coefficient of concordance and its chi-square test.

    Attributes
    ----------
    w : float
        Kendall's W in ``[0, 1]`` (tie-corrected unless ``correct_ties=False``).
    chi2 : float
        ``m (n - 1) W``, approximately chi-square with ``n - 1`` degrees of
        freedom under independent rankings (equals Friedman's statistic).
    df : int
        ``n - 1``.
    p_value : float
        Upper-tail probability of ``chi2``.
    s : float
        Sum of squared deviations of the rank sums from their mean.
    ties : float
        ``sum_j T_j`` with ``T_j = sum (t^3 - t)`` over the tie groups of rater ``j``.
    n_raters : int
        Raters used (``m``).
    n_objects : int
        Objects ranked (``n``).
    dropped_raters : tuple of int
        Rows left out because they had a missing value (``nan_policy="omit"``).
    """

    w: float
    chi2: float
    df: int
    p_value: float
    s: float
    ties: float
    n_raters: int
    n_objects: int
    dropped_raters: tuple[int, ...]


def kendall_w(
    ratings: npt.ArrayLike,
    *,
    correct_ties: bool = True,
    nan_policy: Literal["raise", "omit"] = "raise",
) -> KendallWResult:
    """Kendall's coefficient of concordance W among raters, with tie correction.

    Parameters
    ----------
    ratings : array_like, shape (m, n)
        Row ``j`` holds rater ``j``'s ranks or scores of the ``n`` objects;
        each row is ranked (ties get their average rank), so scores and
        ranks give the same W, and so do ascending and descending ranks.
    correct_ties : bool
        Apply the tie correction (default). Without ties it changes nothing.
    nan_policy : {"raise", "omit"}
        A rater with a missing value (``nan``) is an error (``"raise"``) or
        is left out entirely (``"omit"``: listwise deletion of that rater;
        the rows dropped are reported in ``dropped_raters``).

    Returns
    -------
    KendallWResult

    Raises
    ------
    InputError
        Not 2-D, fewer than 2 raters (after omitting), fewer than 2
        objects, infinite values, or a missing value with
        ``nan_policy="raise"``.
    DegenerateError
        Every rater tied all objects: W is 0/0, undefined.

    Notes
    -----
    With :math:`R_i` the rank sum of object :math:`i` over the :math:`m`
    raters and :math:`S = \\sum_i (R_i - m(n+1)/2)^2`,

    .. math:: W = \\frac{12 S}{m^2 (n^3 - n) - m \\sum_j T_j},
              \\qquad T_j = \\sum_{\\text{ties of rater } j} (t^3 - t)

    (Kendall & Babington Smith 1939; Siegel & Castellan 1988, Chapter 9),
    and :math:`\\chi^2 = m (n - 1) W` with :math:`n - 1` degrees of freedom,
    which is Friedman's statistic with its tie correction. :math:`T_j` is
    computed from the average ranks :math:`r_{ji}` as
    :math:`T_j = 12 (n(n+1)(2n+1)/6 - \\sum_i r_{ji}^2)`, an identity of
    average ranks. The chi-square approximation is a large-sample one
    (usually recommended for ``n > 7``; Siegel & Castellan 1988) and is
    conservative for few raters (Legendre 2005).

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m
    rankings. *Annals of Mathematical Statistics* 10, 275-287.

    Siegel, S., & Castellan, N. J. (1988). *Nonparametric Statistics for
    the Behavioral Sciences*, 2nd ed., McGraw-Hill, Chapter 9.

    Legendre, P. (2005). Species associations: the Kendall coefficient of
    concordance revisited. *Journal of Agricultural, Biological and
    Environmental Statistics* 10, 226-245.

    Examples
    --------
    >>> r = kendall_w([[1, 2, 3, 4], [1, 3, 2, 4], [2, 1, 3, 4]])
    >>> round(r.w, 4), r.df
    (0.7778, 3)
    """
    from scipy.stats import chi2 as chi2_dist
    from scipy.stats import rankdata

    nan_policy = one_of(nan_policy, ("raise", "omit"), "nan_policy")
    try:
        x = np.asarray(ratings, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"ratings must be numeric (raters x objects): {exc}") from None
    if x.ndim != 2:
        raise InputError(f"ratings must be 2-D (raters x objects); got shape {x.shape}")
    if np.isinf(x).any():
        i, j = (int(k) for k in np.argwhere(np.isinf(x))[0])
        raise InputError(f"ratings[{i}, {j}] is {x[i, j]}; ratings must be finite (nan = missing)")
    nan_rows = np.isnan(x).any(axis=1)
    dropped: tuple[int, ...] = ()
    if nan_rows.any():
        if nan_policy == "raise":
            i, j = (int(k) for k in np.argwhere(np.isnan(x))[0])
            raise InputError(
                f"ratings[{i}, {j}] is nan (rater {i}, object {j}); Kendall's W needs complete rankings "
                "(use nan_policy='omit' to leave out raters with a missing value)"
            )
        dropped = tuple(int(i) for i in np.flatnonzero(nan_rows))
        x = x[~nan_rows]
    m, n = x.shape
    if m < 2:
        extra = f" after omitting {len(dropped)} rater(s) with missing values" if dropped else ""
        raise InputError(f"Kendall's W needs at least 2 raters; got {m}{extra}")
    if n < 2:
        raise InputError(f"Kendall's W needs at least 2 objects to rank; got {n}")
    ranks = rankdata(x, axis=1, method="average")
    rank_sums = ranks.sum(axis=0)
    s = float(((rank_sums - m * (n + 1) / 2.0) ** 2).sum())
    t = 12.0 * (n * (n + 1) * (2 * n + 1) / 6.0 - (ranks**2).sum(axis=1))
    t = np.maximum(np.rint(t), 0.0)  # exact integers up to rounding of the rank squares
    ties = float(t.sum())
    denom = m**2 * (n**3 - n) - (m * ties if correct_ties else 0.0)
    if denom <= 0:
        raise DegenerateError(
            "every rater gave all objects the same rank (all tied); Kendall's W is 0/0 and undefined"
        )
    w = min(max(12.0 * s / denom, 0.0), 1.0)
    stat = m * (n - 1) * w
    p = float(chi2_dist.sf(stat, n - 1))
    return KendallWResult(
        w=w, chi2=stat, df=n - 1, p_value=p, s=s, ties=ties, n_raters=m, n_objects=n, dropped_raters=dropped
    )


# --------------------------------------------------------------------------- Krippendorff's alpha


@dataclass(frozen=True)
class KrippendorffResult:
    """Krippendorff's alpha with its parts.

    Attributes
    ----------
    alpha : float
        ``1 - D_o / D_e``; 1 is perfect agreement, 0 agreement at chance
        level, negative values systematic disagreement.
    level : str
        ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
    observed_disagreement : float
        ``D_o``.
    expected_disagreement : float
        ``D_e``.
    n_pairable : int
        ``n..``: values in units with at least 2 values.
    n_units : int
        Units with at least 2 values (the pairable units).
    """

    alpha: float
    level: str
    observed_disagreement: float
    expected_disagreement: float
    n_pairable: int
    n_units: int


#: Largest number of (group, integer value) slots counted directly by :func:`_value_codes`.
_MAX_SLOTS = 1 << 22


def _value_codes(grp: IntArray, x: FloatArray, n_groups: int) -> tuple[IntArray, FloatArray, IntArray, int]:
    """Dense codes of the distinct (group, value) pairs, numbered in (group, value) order.

    Returns the code of every entry, the value and group of every code, and
    the number of codes. Integer values in a small range (scale points) are
    counted into (group, value) slots with one ``bincount`` (no sort);
    other values are sorted once by (group, value). Both give the same codes.
    """
    if x.size:
        lo, hi = float(x.min()), float(x.max())
        span = hi - lo + 1.0
        if span * max(n_groups, 1) <= _MAX_SLOTS and bool(np.all(np.trunc(x) == x)):
            r = int(span)
            slot = grp * r + (x - lo).astype(np.int64)
            present = np.bincount(slot, minlength=n_groups * r) > 0
            dense = np.cumsum(present) - 1
            taken = np.flatnonzero(present)
            return dense[slot], (taken % r + lo).astype(np.float64), taken // r, int(taken.size)
    order = np.lexsort((x, grp))
    gs, xs = grp[order], x[order]
    new = np.ones(xs.shape[0], dtype=bool)
    if xs.size:
        new[1:] = (gs[1:] != gs[:-1]) | (xs[1:] != xs[:-1])
    code_sorted = np.cumsum(new) - 1
    n_codes = int(code_sorted[-1]) + 1 if xs.size else 0
    code = np.empty_like(code_sorted)
    code[order] = code_sorted
    return code, xs[new], gs[new], n_codes


def _alpha_long(
    grp: IntArray, unit: IntArray, x: FloatArray, n_groups: int, n_unit_codes: int, level: str
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, BoolArray]:
    """Alpha per group from long data (one non-missing value per row).

    ``unit`` codes are global (a unit belongs to one group). Returns alpha,
    D_o, D_e, n.. and the number of pairable units per group, and whether
    alpha is defined (at least one pairable unit and two distinct pairable
    values). Undefined entries hold nan.
    """
    m_u = np.bincount(unit, minlength=n_unit_codes)
    keep = m_u[unit] >= 2
    if not keep.all():
        grp, unit, x = grp[keep], unit[keep], x[keep]
    del keep
    n_g = np.bincount(grp, minlength=n_groups).astype(np.int64)
    unit_grp = np.zeros(n_unit_codes, dtype=np.int64)
    unit_grp[unit] = grp  # units left out (m_u < 2) contribute 0 below
    pairable_units = np.bincount(unit_grp[m_u >= 2], minlength=n_groups).astype(np.int64)
    # distinct values per group: codes of (group, value), in (group, value) order
    code, code_val, code_grp, n_codes = _value_codes(grp, x, n_groups)
    n_c = np.bincount(code, minlength=n_codes).astype(np.float64)
    n_distinct = np.bincount(code_grp, minlength=n_groups)
    defined = (n_g >= 2) & (n_distinct >= 2)

    if level == "ordinal":
        r = _midranks(n_c, code_grp, n_groups, n_codes)
        x = r[code]
        code_val = r
        level = "interval"
    if level == "nominal":
        # sum_{i != j in u} [x_i != x_j] = m_u^2 - sum_c n_uc^2 ; pooled: n^2 - sum_c n_c^2
        uc_key = unit.astype(np.int64) * max(n_codes, 1) + code
        uc_keys, n_uc = np.unique(uc_key, return_counts=True)
        uc_unit = uc_keys // max(n_codes, 1)
        sq = bsum(uc_unit, n_uc.astype(np.float64) ** 2, n_unit_codes)
        mu = m_u.astype(np.float64)
        per_unit = np.where(m_u >= 2, (mu**2 - sq) / np.maximum(mu - 1, 1), 0.0)
        do_sum = bsum(unit_grp, per_unit, n_groups)
        de_sum = n_g.astype(np.float64) ** 2 - bsum(code_grp, n_c**2, n_groups)
    elif level == "interval":
        # sum_{i != j in u} (x_i - x_j)^2 = 2 m_u sum_i (x_i - mean_u)^2 ; pooled: 2 n sum (x - mean)^2
        # (the same operations as written out, with temporaries reused: millions of units at scale)
        mean_u = bsum(unit, x, n_unit_codes)
        np.divide(mean_u, m_u, out=mean_u, where=m_u > 1)  # su / max(m_u, 1): m_u = 1 divides by 1, 0 leaves 0
        dev = mean_u[unit]
        del mean_u
        np.subtract(x, dev, out=dev)
        dev *= dev
        ss_u = bsum(unit, dev, n_unit_codes)
        del dev
        _pair_sums(ss_u, m_u.astype(np.float64))
        ss_u[m_u < 2] = 0.0
        do_sum = bsum(unit_grp, ss_u, n_groups)
        del ss_u
        sg = bsum(grp, x, n_groups)
        mean_g = sg / np.maximum(n_g, 1)
        dg = x - mean_g[grp]
        de_sum = 2.0 * n_g * bsum(grp, dg * dg, n_groups)
    else:  # ratio: delta = ((c - k) / (c + k))^2, visiting the value pairs that occur
        do_sum, de_sum = _ratio_sums(grp, unit, code, code_val, code_grp, n_c, m_u, n_groups, n_codes)
    return _alpha_from_sums(do_sum, de_sum, n_g, pairable_units, defined)


def _alpha_from_sums(
    do_sum: FloatArray, de_sum: FloatArray, n_g: IntArray, pairable_units: IntArray, defined: np.ndarray
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, np.ndarray]:
    """``alpha = 1 - (n - 1) sum_o / sum_e``, ``D_o = sum_o / n``, ``D_e = sum_e / (n (n - 1))`` per group (nan where
    not ``defined``), from the observed and expected disagreement sums (shared by the one-pass and blocked paths)."""
    n_groups = n_g.shape[0]
    n_f = n_g.astype(np.float64)
    alpha = np.full(n_groups, np.nan)
    d_o = np.full(n_groups, np.nan)
    d_e = np.full(n_groups, np.nan)
    if defined.any():
        d = defined
        d_o[d] = do_sum[d] / n_f[d]
        d_e[d] = de_sum[d] / (n_f[d] * (n_f[d] - 1))
        alpha[d] = 1.0 - (n_f[d] - 1) * do_sum[d] / de_sum[d]
    return alpha, d_o, d_e, n_g, pairable_units, defined


def _midranks(n_c: FloatArray, code_grp: IntArray, n_groups: int, n_codes: int) -> FloatArray:
    """Ordinal metric: mid-rank ``r_c`` = (cumulative count before ``c``) + ``n_c / 2`` within the group.

    ``delta_ck = (r_k - r_c)^2``: the ordinal metric is the interval metric on these ranks.
    """
    csum = np.cumsum(n_c)
    if not n_codes:
        return np.zeros(0)
    starts = np.flatnonzero(np.r_[True, code_grp[1:] != code_grp[:-1]])
    before = np.r_[0.0, csum][starts]
    offset = np.zeros(n_groups)
    offset[code_grp[starts]] = before
    return np.asarray(csum - offset[code_grp] - n_c / 2.0, dtype=np.float64)


#: Ratings per block of :func:`_alpha_blocked` (and at most this many units per block).
_BLOCK = 1 << 20


def _carry(acc: FloatArray, key: IntArray, w: FloatArray) -> FloatArray:
    """``acc`` continued by the sums of ``w`` per ``key``, adding in input order.

    ``bincount`` adds its weights one by one in input order, starting from 0; putting ``acc`` first
    (``0 + acc = acc`` exactly, ``acc`` is never -0) continues each key's running sum, so a sum taken
    block by block has the same bits as one ``bincount`` over all blocks in order.
    """
    n = acc.shape[0]
    if not acc.any():  # nothing to carry (the first block): 0 + 0 = 0, so one bincount has the same bits
        return np.asarray(np.bincount(key, w, minlength=n), dtype=np.float64)
    keys = np.concatenate((np.arange(n, dtype=np.int64), key.astype(np.int64, copy=False)))
    return np.asarray(np.bincount(keys, np.concatenate((acc, w)), minlength=n), dtype=np.float64)


def _blocks(proj: IntArray, n_groups: int, block: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, first project, projects)`` of runs of whole projects of ``proj`` (sorted).

    A block holds about ``block`` ratings (a project with more ratings is a block of its own) and spans
    at most ``block // n_groups`` projects (so its per-unit arrays have at most ``block`` entries).
    """
    n = proj.shape[0]
    span = max(1, block // max(n_groups, 1))
    out: list[tuple[int, int, int, int]] = []
    start = 0
    while start < n:
        p0 = int(proj[start])
        stop = min(start + max(block, 1), int(np.searchsorted(proj, p0 + span, "left")))
        if stop < n and stop > start and proj[stop] == proj[stop - 1]:  # end on a project boundary
            inner = int(np.searchsorted(proj, proj[stop], "left"))
            stop = inner if inner > start else int(np.searchsorted(proj, proj[stop], "right"))
        stop = max(stop, start + 1)
        out.append((start, stop, p0, int(proj[stop - 1]) - p0 + 1))
        start = stop
    return out


def _sorted_codes(a: IntArray) -> bool:
    """Whether ``a`` is non-decreasing (checked a block at a time: no full-size temporary)."""
    step = 1 << 22
    for s in range(0, max(a.shape[0] - 1, 0), step):
        e = min(s + step, a.shape[0] - 1)
        if not bool(np.all(a[s + 1:e + 1] >= a[s:e])):
            return False
    return True


def _pair_sums(ss_u: np.ndarray, mu: np.ndarray) -> None:
    """``ss_u *= 2 mu / max(mu - 1, 1)`` in place: a unit's sum of squared deviations (``ss_u``) as its
    interval pair disagreement over ``mu - 1`` (``mu``: its ratings, float64, used as scratch: the
    doubling and halving are exact, so the one-pass and blocked paths give the same bits)."""
    np.multiply(mu, 2.0, out=mu)
    ss_u *= mu
    np.multiply(mu, 0.5, out=mu)
    np.subtract(mu, 1, out=mu)
    np.maximum(mu, 1, out=mu)
    ss_u /= mu


def _alpha_blocked(
    proj: IntArray, grp: IntArray, x: FloatArray, n_projects: int, n_groups: int, level: str,
    block: int = _BLOCK,
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, BoolArray]:
    """:func:`_alpha_long` with units (group, project), computed a block of projects at a time.

    ``proj`` must be non-decreasing (ratings grouped by project, as :func:`ppeval.load_assessment`
    orders them). The result is :func:`_alpha_long` of ``unit = grp * n_projects + proj`` bit for bit:
    alpha depends on the data only through integer counts (units, values per unit, the coincidence
    marginals ``n_c``, which are added up exactly over blocks) and through sums taken in a fixed order
    (per unit; per group over units in project order and over ratings in input order), which
    :func:`_carry` continues from block to block in that same order. Temporaries are block-sized
    (about ``block`` ratings and units) instead of one per unit and rating of the whole input (twenty
    million units at a million projects).
    """
    blocks = _blocks(proj, n_groups, block)
    n_g = np.zeros(n_groups, dtype=np.int64)
    pairable_units = np.zeros(n_groups, dtype=np.int64)

    def kept(
        b: tuple[int, int, int, int],
    ) -> tuple[IntArray, IntArray, IntArray, FloatArray, IntArray | None, np.ndarray | None]:
        """Pairable units per group, the block's local unit, group and value of its pairable ratings, and the
        group and number of ratings of every local unit when the units are numbered compactly (None, None:
        group-major numbering)."""
        start, stop, p0, span = b
        g_b = grp[start:stop]
        p_b = proj[start:stop]
        if stop - start > 1:
            # ratings grouped by unit (sorted by project, then group: the loader's order): a unit's ratings are
            # a run, pairable where the run has two or more; no per-unit count of the whole block. The pairable
            # units are numbered in input order (project, then group): a group's units come in project order,
            # as in the group-major numbering, so every per-group sum over units adds the same terms in the
            # same order; per-unit arrays hold the pairable units only
            key = p_b * n_groups + g_b
            same = key[1:] == key[:-1]
            if bool(np.all(key[1:] >= key[:-1])):
                keep = np.zeros(stop - start, dtype=bool)
                keep[1:] = same
                keep[:-1] |= same
                del same
                at = np.flatnonzero(keep)
                del keep
                g_k = g_b.take(at)
                k_k = key.take(at)
                del key
                first = np.empty(at.shape[0], dtype=bool)
                first[:1] = True
                np.not_equal(k_k[1:], k_k[:-1], out=first[1:])
                # (int32 local units: at most the block's ratings; the groups of the units' first ratings by
                # take of their positions, several times faster than a boolean-mask gather)
                lu: IntArray = np.cumsum(first, dtype=np.int32 if at.shape[0] < 2**31 else np.int64)
                np.subtract(lu, 1, out=lu)
                starts = np.flatnonzero(first)
                unit_grp = g_k.take(starts).astype(np.int64, copy=False)
                # each unit's ratings (a run): the lengths of the runs, what a bincount of lu gives (int32: at
                # most the block's ratings; kept for pass 2 instead of counting again)
                runs = np.diff(starts, append=at.shape[0]).astype(np.int32, copy=False)
                del starts
                return np.bincount(unit_grp, minlength=n_groups), lu, g_k, x[start:stop].take(at), unit_grp, runs
            del key, same
        lu = g_b * span + (p_b - p0 if p0 else p_b)  # group-major, projects in order
        m_u = np.bincount(lu, minlength=n_groups * span)
        units = np.bincount(np.flatnonzero(m_u >= 2) // span, minlength=n_groups)
        keep = m_u[lu] >= 2
        if keep.all():
            return units, lu, g_b, x[start:stop], None, None
        return units, lu[keep], g_b[keep], x[start:stop][keep], None, None

    # pass 1: counts, and the distinct (group, value) pairs of each block with their counts; the local unit
    # (int32) and local value code (a byte or two) of every pairable rating are kept for pass 2
    tables: list[tuple[FloatArray, IntArray, IntArray]] = []
    local_codes: list[np.ndarray] = []
    local_units: list[np.ndarray] = []
    unit_groups: list[IntArray | None] = []
    unit_runs: list[np.ndarray | None] = []
    # one block (up to `block` ratings): its pairable ratings' groups are kept for passes 2 and 3, which would
    # otherwise gather them again from the codes (the same integers)
    one_block = len(blocks) == 1
    kept_groups: IntArray | None = None
    for b in blocks:
        units, lu, g_k, x_k, ugrp, runs = kept(b)
        span = b[3]
        pairable_units += units
        code, cval, cgrp, nb = _value_codes(g_k, x_k, n_groups)
        cnt = np.bincount(code, minlength=nb)
        # pairable ratings per group: the counts of the block's (group, value) pairs added per group (the
        # integers a bincount of g_k gives)
        np.add.at(n_g, cgrp, cnt)
        tables.append((cval, cgrp, cnt))
        local_codes.append(code.astype(np.min_scalar_type(max(nb - 1, 0))))
        local_units.append(lu.astype(np.int32, copy=False) if n_groups * span < 2**31 else lu)
        unit_groups.append(ugrp)
        unit_runs.append(runs)
        if one_block:
            kept_groups = g_k
        del units, lu, g_k, x_k, code, ugrp, runs, cnt
    # the codes of all blocks' pairs, numbered in (group, value) order as _value_codes numbers them
    all_val = np.concatenate([t[0] for t in tables]) if tables else np.zeros(0)
    all_grp = np.concatenate([t[1] for t in tables]) if tables else np.zeros(0, dtype=np.int64)
    values = np.unique(all_val)
    key = all_grp.astype(np.int64) * max(values.shape[0], 1) + np.searchsorted(values, all_val)
    table_key, first = np.unique(key, return_index=True)
    code_val, code_grp = all_val[first], all_grp[first].astype(np.int64)
    n_codes = int(table_key.shape[0])
    counts = np.zeros(n_codes, dtype=np.int64)
    to_global: list[IntArray] = []
    at = 0
    for cval, _, cnt in tables:
        g = np.searchsorted(table_key, key[at:at + cval.shape[0]])
        at += cval.shape[0]
        np.add.at(counts, g, cnt)
        to_global.append(g)
    del tables, all_val, all_grp, key
    n_c = counts.astype(np.float64)
    n_distinct = np.bincount(code_grp, minlength=n_groups)
    defined = (n_g >= 2) & (n_distinct >= 2)
    r = _midranks(n_c, code_grp, n_groups, n_codes) if level == "ordinal" else None
    unit_level = "interval" if level == "ordinal" else level

    # pass 2: per-unit sums, block by block; the codes of the pairable ratings kept (small integers)
    do_sum = np.zeros(n_groups)
    sg = np.zeros(n_groups)
    codes = np.empty(int(n_g.sum()), dtype=np.min_scalar_type(max(n_codes - 1, 0)))
    at = 0
    for b, lcode, tg, lu, ugrp, runs in zip(blocks, local_codes, to_global, local_units, unit_groups, unit_runs,
                                            strict=True):
        span = b[3]
        n_local = n_groups * span if ugrp is None else ugrp.shape[0]
        code = tg.take(lcode)  # (take: fancy indexing by a narrow integer array is several times slower)
        codes[at:at + code.shape[0]] = code
        at += code.shape[0]
        # values per unit of the pairable ratings only: units with one rating count 0 here instead of 1,
        # which every formula below treats alike (m_u < 2: no pairs, no contribution)
        m_u = np.bincount(lu, minlength=n_local) if runs is None else runs.astype(np.int64)
        g_k = code_grp.take(code) if kept_groups is None else kept_groups
        # a rating's value is its code's (equal values; a -0.0 read as 0.0 changes no sum or square)
        x_k = (r if r is not None else code_val).take(code)
        if ugrp is None:
            unit_grp = np.repeat(np.arange(n_groups, dtype=np.int64), span)  # (= arange(n_local) // span)
        else:
            unit_grp = ugrp
        if unit_level == "nominal":
            uc_key = lu.astype(np.int64) * max(n_codes, 1) + code
            uc_keys, n_uc = np.unique(uc_key, return_counts=True)
            sq = bsum(uc_keys // max(n_codes, 1), n_uc.astype(np.float64) ** 2, n_local)
            mu = m_u.astype(np.float64)
            per_unit = np.where(m_u >= 2, (mu**2 - sq) / np.maximum(mu - 1, 1), 0.0)
            do_sum = _carry(do_sum, unit_grp, per_unit)
        elif unit_level == "interval":
            # m_u is 0 or at least 2 here (only pairable ratings were kept): a unit without one gets 0/0 in
            # its mean, which no rating reads, and 0 in its sum of squares (no term), so no mask is needed
            mean_u = bsum(lu, x_k, n_local)
            mu = m_u.astype(np.float64)
            with np.errstate(invalid="ignore"):
                np.divide(mean_u, mu, out=mean_u)
            dev = mean_u.take(lu)
            del mean_u
            np.subtract(x_k, dev, out=dev)
            dev *= dev
            ss_u = bsum(lu, dev, n_local)
            del dev
            _pair_sums(ss_u, mu)
            del mu
            # units without a pair add +0 to their group's running sum (the terms are >= +0): only the
            # pairable units are added, in the same order (the same bits, fewer terms)
            if ugrp is None:
                pu = np.flatnonzero(m_u >= 2)
                do_sum = _carry(do_sum, unit_grp.take(pu), ss_u.take(pu))
                del pu
            else:  # (every unit of the compact numbering is pairable)
                do_sum = _carry(do_sum, unit_grp, ss_u)
            sg = _carry(sg, g_k, x_k)
        else:  # ratio
            unit_grp[m_u < 2] = 0
            pair_grp, contrib = _ratio_observed(lu, code, code_val, m_u, unit_grp, n_codes)
            do_sum = _carry(do_sum, pair_grp, contrib)
        del m_u, lu, g_k, x_k, code, unit_grp, runs
    del local_codes, to_global, local_units, unit_groups, unit_runs

    if unit_level == "nominal":
        de_sum = n_g.astype(np.float64) ** 2 - bsum(code_grp, n_c**2, n_groups)
    elif unit_level == "interval":
        # pass 3: sum of squared deviations from the group mean, over the ratings in input order; a rating's
        # deviation depends on its code only (its value or mid-rank, and its group's mean)
        mean_g = sg / np.maximum(n_g, 1)
        cv = r if r is not None else code_val
        dg_c = cv - mean_g[code_grp]
        sq_c = dg_c * dg_c
        ss = np.zeros(n_groups)
        chunk = max(block, 1)
        for s in range(0, codes.shape[0], chunk):
            c = codes[s:s + chunk]
            # (one block in one chunk: the groups of its pairable ratings, kept from pass 1)
            g_c = kept_groups if kept_groups is not None and codes.shape[0] <= chunk else code_grp.take(c)
            ss = _carry(ss, g_c, sq_c.take(c))
        de_sum = 2.0 * n_g * ss
    else:
        de_sum = _ratio_expected(code_val, code_grp, n_c, n_groups)
    return _alpha_from_sums(do_sum, de_sum, n_g, pairable_units, defined)


def _pairs_within(seg: IntArray) -> tuple[IntArray, IntArray]:
    """All ordered index pairs (a, b) with seg[a] == seg[b]; ``seg`` sorted."""
    if seg.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    sizes = np.diff(np.r_[starts, seg.size])
    size_of = np.repeat(sizes, sizes)
    start_of = np.repeat(starts, sizes)
    a = np.repeat(np.arange(seg.size), size_of)
    offset = np.arange(a.size) - np.repeat(np.cumsum(size_of) - size_of, size_of)
    b = np.repeat(start_of, size_of) + offset
    return a, b


def _ratio_delta(c: FloatArray, k: FloatArray) -> FloatArray:
    s = c + k
    out = np.zeros(np.broadcast(c, k).shape)
    np.divide(c - k, s, out=out, where=s != 0)
    return out * out


def _ratio_observed(
    unit: IntArray, code: IntArray, code_val: FloatArray, m_u: IntArray, unit_grp: IntArray, n_codes: int
) -> tuple[IntArray, FloatArray]:
    """Group and term of every observed ratio-level coincidence pair, in (unit, code, code) order."""
    uc_key = unit.astype(np.int64) * max(n_codes, 1) + code
    keys, n_uc = np.unique(uc_key, return_counts=True)
    u_of = keys // max(n_codes, 1)
    c_of = keys % max(n_codes, 1)
    a, b = _pairs_within(u_of)
    w = n_uc[a].astype(np.float64) * n_uc[b] / np.maximum(m_u[u_of[a]] - 1, 1)
    contrib = w * _ratio_delta(code_val[c_of[a]], code_val[c_of[b]])
    return unit_grp[u_of[a]], contrib


def _ratio_expected(
    code_val: FloatArray, code_grp: IntArray, n_c: FloatArray, n_groups: int
) -> FloatArray:
    """Expected ratio-level sums per group: pairs of distinct values within a group (codes sorted by group)."""
    a2, b2 = _pairs_within(code_grp)
    contrib2 = n_c[a2] * n_c[b2] * _ratio_delta(code_val[a2], code_val[b2])
    return bsum(code_grp[a2], contrib2, n_groups)


def _ratio_sums(
    grp: IntArray, unit: IntArray, code: IntArray, code_val: FloatArray, code_grp: IntArray,
    n_c: FloatArray, m_u: IntArray, n_groups: int, n_codes: int,
) -> tuple[FloatArray, FloatArray]:
    # observed: per unit, pairs of (unit, code) cells
    unit_grp = np.zeros(m_u.shape[0], dtype=np.int64)
    unit_grp[unit] = grp
    pair_grp, contrib = _ratio_observed(unit, code, code_val, m_u, unit_grp, n_codes)
    do_sum = bsum(pair_grp, contrib, n_groups)
    return do_sum, _ratio_expected(code_val, code_grp, n_c, n_groups)


def krippendorff_alpha(reliability_data: npt.ArrayLike, level: Level = "interval") -> KrippendorffResult:
    """Krippendorff's alpha from a reliability-data matrix with missing values.

    Parameters
    ----------
    reliability_data : array_like, shape (m, N)
        Value coder (rater) ``i`` assigned to unit ``u``; ``nan`` where the
        coder gave no value. Coders need not rate every unit; units with
        fewer than 2 values are not pairable and do not count.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which fixes the difference function.

    Returns
    -------
    KrippendorffResult

    Raises
    ------
    InputError
        Not 2-D, fewer than 2 coders, infinite values, negative values at
        the ratio level, or an unknown level.
    DegenerateError
        No unit has 2 values, or all pairable values are equal (no
        variation: ``D_e = 0`` and alpha is undefined).

    Notes
    -----
    Krippendorff (2011): with :math:`n_{uc}` the number of values ``c`` in
    unit ``u``, :math:`m_u` the values in the unit, the coincidences
    :math:`o_{ck} = \\sum_u (n_{uc} n_{uk} - [c = k] n_{uc}) / (m_u - 1)`
    over pairable units (:math:`m_u \\ge 2`), :math:`n_c = \\sum_k o_{ck}`,
    :math:`n_{\\cdot\\cdot} = \\sum_c n_c`,

    .. math:: \\alpha = 1 - \\frac{D_o}{D_e} = 1 - (n_{\\cdot\\cdot} - 1)
              \\frac{\\sum_{c,k} o_{ck}\\, \\delta^2_{ck}}
                    {\\sum_{c,k} n_c n_k\\, \\delta^2_{ck}}

    with :math:`\\delta^2_{ck}` = :math:`[c \\ne k]` (nominal),
    :math:`(\\sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2` (ordinal),
    :math:`(c - k)^2` (interval), :math:`((c - k)/(c + k))^2` (ratio).
    The nominal and interval sums are computed in closed form
    (:math:`\\sum_{i \\ne j \\in u} (x_i - x_j)^2 = 2 m_u \\sum_i (x_i - \\bar x_u)^2`);
    the ordinal metric equals the interval metric on the mid-ranks
    :math:`r_c = \\sum_{g < c} n_g + n_c / 2`.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    Annenberg School for Communication, University of Pennsylvania.
    https://repository.upenn.edu/asc_papers/43

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a
    standard reliability measure for coding data. *Communication Methods
    and Measures* 1, 77-89.

    Examples
    --------
    Krippendorff's (2011) example with missing values (4 coders, 12 units):

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> [round(krippendorff_alpha(data, lv).alpha, 3) for lv in ("nominal", "ordinal", "interval")]
    [0.743, 0.815, 0.849]
    """
    level = one_of(level, _LEVELS, "level")
    try:
        x = np.asarray(reliability_data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"reliability_data must be numeric (coders x units, nan = missing): {exc}") from None
    if x.ndim != 2:
        raise InputError(f"reliability_data must be 2-D (coders x units); got shape {x.shape}")
    m, n_units = x.shape
    if m < 2:
        raise InputError(f"Krippendorff's alpha needs at least 2 coders (rows); got {m}")
    if np.isinf(x).any():
        i, j = (int(k) for k in np.argwhere(np.isinf(x))[0])
        raise InputError(f"reliability_data[{i}, {j}] is {x[i, j]}; values must be finite (nan = missing)")
    if level == "ratio" and (x < 0).any():
        i, j = (int(k) for k in np.argwhere(x < 0)[0])
        raise InputError(
            f"reliability_data[{i}, {j}] is {x[i, j]:g}; the ratio level needs non-negative values"
        )
    ok = ~np.isnan(x)
    unit = np.broadcast_to(np.arange(n_units, dtype=np.int64), x.shape)[ok]
    vals = x[ok]
    alpha, d_o, d_e, n_pair, n_u, defined = _alpha_long(
        np.zeros(vals.shape[0], dtype=np.int64), unit, vals, 1, n_units, level
    )
    if int(n_u[0]) == 0:
        raise DegenerateError("no unit has values from at least 2 coders; Krippendorff's alpha is undefined")
    if not bool(defined[0]):
        raise DegenerateError(
            "every pairable value is the same (no variation, D_e = 0); Krippendorff's alpha is undefined"
        )
    return KrippendorffResult(
        alpha=float(alpha[0]),
        level=level,
        observed_disagreement=float(d_o[0]),
        expected_disagreement=float(d_e[0]),
        n_pairable=int(n_pair[0]),
        n_units=int(n_u[0]),
    )


# --------------------------------------------------------------------------- per indicator


@dataclass(frozen=True, eq=False)
class IndicatorAgreement:
    """Krippendorff's alpha per indicator, projects as units and raters as coders.

    Attributes
    ----------
    alpha : ndarray of float64, shape (n_indicators,)
        Alpha per indicator; ``nan`` exactly where ``defined`` is False.
    defined : ndarray of bool, shape (n_indicators,)
        Alpha could be computed: at least one project has 2 ratings of the
        indicator and the pairable ratings are not all equal.
    n_units : ndarray of int64, shape (n_indicators,)
        Projects with at least 2 ratings of the indicator.
    n_pairable : ndarray of int64, shape (n_indicators,)
        Ratings in those projects.
    observed_disagreement, expected_disagreement : ndarray of float64, shape (n_indicators,)
        ``D_o`` and ``D_e`` (``nan`` where undefined).
    level : str
    """

    alpha: FloatArray
    defined: BoolArray
    n_units: IntArray
    n_pairable: IntArray
    observed_disagreement: FloatArray
    expected_disagreement: FloatArray
    level: str


def indicator_agreement(
    project: npt.ArrayLike,
    indicator: npt.ArrayLike,
    value: npt.ArrayLike,
    *,
    n_projects: int | None = None,
    n_indicators: int | None = None,
    level: Level = "ordinal",
    project_ids: Sequence[Any] | None = None,
    indicator_ids: Sequence[Any] | None = None,
) -> IndicatorAgreement:
    """Krippendorff's alpha of the raters of each indicator, with the projects as units.

    For indicator ``j``, each project is a unit and the ratings it received
    on ``j`` are that unit's values (whoever gave them: residents of
    different projects are different people, which alpha allows). Alpha
    then answers: do raters of the same project agree with one another more
    than ratings drawn at random from all projects? Near 1, the ratings
    tell projects apart; near 0, a project's rating is mostly noise from
    who happened to answer. All indicators are computed at once.

    Parameters
    ----------
    project, indicator : array_like of int, shape (n,)
        Codes of each rating.
    value : array_like of float, shape (n,)
        Scale value of each rating; ``nan`` (missing answer) is skipped.
    n_projects, n_indicators : int, optional
        Number of codes (default: largest code + 1).
    level : {"nominal", "ordinal", "interval", "ratio"}
        Default ``"ordinal"`` (Likert and linguistic ratings).
    project_ids, indicator_ids : sequence, optional
        Ids of the codes, for messages.

    Returns
    -------
    IndicatorAgreement

    Raises
    ------
    InputError
        Invalid codes or values, or an unknown level.

    Notes
    -----
    Same formulas as :func:`krippendorff_alpha`, applied per indicator
    (coincidences and marginals :math:`n_c` within the indicator).
    Indicators without a project rated twice, or whose pairable ratings are
    all equal, are not defined (``defined`` False, ``alpha`` nan): there is
    no disagreement to compare.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    University of Pennsylvania.

    Examples
    --------
    >>> a = indicator_agreement([0, 0, 1, 1, 2, 2], [0, 0, 0, 0, 0, 0], [5, 5, 2, 2, 4, 3])
    >>> round(float(a.alpha[0]), 4), bool(a.defined[0])
    (0.9495, True)
    """
    level = one_of(level, _LEVELS, "level")
    proj, n_p = as_codes(project, "project", n_projects)
    n = proj.shape[0]
    ind, n_i = as_codes(indicator, "indicator", n_indicators, length=n)
    where = Where(proj, ind, None, ids_sequence(project_ids, n_p, "project_ids"),
                  ids_sequence(indicator_ids, n_i, "indicator_ids"))
    v, missing = as_rating_values(value, "value", n, where)
    if level == "ratio" and (v[~missing] < 0).any():
        i = int(np.argmax(~missing & (np.nan_to_num(v) < 0)))
        raise InputError(f"value[{i}] is {v[i]:g}{where.entry(i)}; the ratio level needs non-negative values")
    return _indicator_agreement(proj, ind, v, missing, n_p, n_i, level)


def _indicator_agreement(
    proj: IntArray, ind: IntArray, v: FloatArray, missing: BoolArray | None, n_p: int, n_i: int, level: str
) -> IndicatorAgreement:
    """:func:`indicator_agreement` of checked codes (int64, within range) and values (finite or nan);
    ``missing`` is ``isnan(v)`` (None: computed here)."""
    if missing is None:
        missing = np.isnan(v)
    if missing.any():
        ok = ~missing
        ind, proj, v = ind[ok], proj[ok], v[ok]
    if _sorted_codes(proj):  # ratings grouped by project (the loader's order): a block of projects at a time
        alpha, d_o, d_e, n_pair, n_u, defined = _alpha_blocked(proj, ind, v, n_p, n_i, level, _BLOCK)
    else:
        # no name holds the unit codes here: _alpha_long can drop them once it has filtered them (memory)
        alpha, d_o, d_e, n_pair, n_u, defined = _alpha_long(ind, ind * n_p + proj, v, n_i, n_i * n_p, level)
    readonly(alpha, d_o, d_e, n_pair, n_u, defined)
    return IndicatorAgreement(alpha, defined, n_u, n_pair, d_o, d_e, level)
