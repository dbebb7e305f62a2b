"""Membership matrices for fuzzy comprehensive evaluation, from rating distributions.

In fuzzy comprehensive evaluation (FCE) the membership of indicator ``j`` of
a project in evaluation grade ``k`` is, for rated indicators, the share of
raters who chose grade ``k`` (the "fuzzy statistics" method of building the
single-factor evaluation vector; Wang 1983). This module turns long-form
ratings into those shares, one row per (project, indicator), ready for
:func:`ppeval.methods.fce.fce`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.qualitative._common import (
    Where,
    as_codes,
    as_rating_values,
    check_no_duplicate_rating,
    fmt,
    ids_sequence,
    match_values,
    parse_groups,
    readonly,
)

__all__ = ["MembershipResult", "membership_matrix"]


@dataclass(frozen=True, eq=False)
class MembershipResult:
    """Shares of raters per grade, per project and indicator.

    Attributes
    ----------
    matrix : ndarray of float64, shape (n_projects, n_indicators, n_grades)
        Membership of every (project, indicator) in every grade. Rows of
        cells with ratings sum to 1; rows of cells without any usable
        rating are all 0 and flagged by ``has_raters`` (an FCE over such a
        row is refused, so a missing cell cannot pass unnoticed).
    has_raters : ndarray of bool, shape (n_projects, n_indicators)
        ``True`` where the row is a distribution.
    counts : ndarray of int64, shape (n_projects, n_indicators, n_grades)
        Number of ratings in each grade (all groups).
    n_raters : ndarray of int64, shape (n_projects, n_indicators)
        Non-missing ratings per cell.
    n_missing : ndarray of int64, shape (n_projects, n_indicators)
        Missing answers per cell.
    grade_values : ndarray of float64, shape (n_grades,)
        The grade (scale) values, increasing.
    """

    matrix: FloatArray
    has_raters: BoolArray
    counts: IntArray
    n_raters: IntArray
    n_missing: IntArray
    grade_values: FloatArray


def membership_matrix(
    project: npt.ArrayLike,
    indicator: npt.ArrayLike,
    value: npt.ArrayLike,
    grade_values: npt.ArrayLike,
    *,
    n_projects: int | None = None,
    n_indicators: int | None = None,
    group: npt.ArrayLike | None = None,
    groups: Sequence[str] | None = None,
    group_weights: Mapping[str, float] | npt.ArrayLike | None = None,
    rater: npt.ArrayLike | None = None,
    require_all: bool = False,
    project_ids: Sequence[Any] | None = None,
    indicator_ids: Sequence[Any] | None = None,
) -> MembershipResult:
    """Share of raters in each grade, per (project, indicator).

    Parameters
    ----------
    project, indicator : array_like of int, shape (n,)
        Codes of each rating (see :func:`~ppeval.qualitative.aggregate.aggregate_ratings`).
    value : array_like of float, shape (n,)
        The rating as its scale value (``nan`` = missing answer, skipped and
        counted). Every other value must be one of ``grade_values``.
    grade_values : array_like of float, shape (n_grades,)
        The grades (scale values), strictly increasing, at least 2.
    n_projects, n_indicators : int, optional
        Size of the result (default: largest code + 1).
    group, groups, group_weights : optional
        Rater groups and their weights, as in ``aggregate_ratings``. With
        weights the row is the weighted mean of the groups' distributions
        over the groups present in the cell (weights renormalised over
        them), so a row still sums to 1.
    rater : array_like, shape (n,), optional
        Rater ids; a rater rating the same (project, indicator) twice is an
        error.
    require_all : bool
        If True, a cell without a usable rating is an error naming the
        project and indicator.
    project_ids, indicator_ids : sequence, optional
        Ids of the codes, for messages.

    Returns
    -------
    MembershipResult

    Raises
    ------
    InputError
        A value that is not a grade (message names position, value,
        project, indicator and rater), invalid grades, codes, groups or
        weights, a duplicate rating, or (``require_all``) an empty cell.

    Notes
    -----
    Without group weights, for cell :math:`(i, j)` with :math:`n_{ij} > 0`
    ratings of which :math:`n_{ijk}` fall in grade :math:`k`:
    :math:`r_{ijk} = n_{ijk} / n_{ij}`, so :math:`\\sum_k r_{ijk} = 1`. With
    group weights :math:`w_g` and :math:`P_{ij}` the groups present:
    :math:`r_{ijk} = \\sum_{g\\in P_{ij}} w_g\\, n_{gijk}/n_{gij} \\big/
    \\sum_{g\\in P_{ij}} w_g`.

    References
    ----------
    Wang, P. Z. (1983). *Fuzzy Set Theory and Its Applications* (in
    Chinese). Shanghai Scientific and Technical Publishers.

    Examples
    --------
    >>> m = membership_matrix([0, 0, 0, 0], [0, 0, 0, 0], [5, 4, 4, float("nan")], [1, 2, 3, 4, 5])
    >>> m.matrix[0, 0].tolist(), int(m.n_missing[0, 0])
    ([0.0, 0.0, 0.0, 0.6666666666666666, 0.3333333333333333], 1)
    """
    proj, n_p = as_codes(project, "project", n_projects)
    n = proj.shape[0]
    ind, n_i = as_codes(indicator, "indicator", n_indicators, length=n)
    pid = ids_sequence(project_ids, n_p, "project_ids")
    iid = ids_sequence(indicator_ids, n_i, "indicator_ids")
    rater_arr = None if rater is None else np.asarray(rater)
    where = Where(proj, ind, rater_arr, pid, iid)
    try:
        grades = np.asarray(grade_values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"grade_values must be numbers: {exc}") from None
    if grades.ndim != 1 or grades.shape[0] < 2:
        raise InputError(f"grade_values must be 1-D with at least 2 grades; got shape {grades.shape}")
    if not np.isfinite(grades).all() or (np.diff(grades) <= 0).any():
        raise InputError(f"grade_values {grades.tolist()} must be finite and strictly increasing")
    k = grades.shape[0]
    v, missing = as_rating_values(value, "value", n, where)
    idx, ok = match_values(v, grades)
    bad = ~ok & ~missing
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(
            f"value[{i}] = {fmt(v[i])}{where.entry(i)} is not a grade; valid grades are "
            f"{', '.join(f'{g:g}' for g in grades)}"
        )
    gcode, names, gw = parse_groups(group, n, groups=groups, group_weights=group_weights, where=where)
    n_g = len(names)
    n_cells = n_p * n_i
    cell = proj * n_i + ind
    if rater_arr is not None:
        check_no_duplicate_rating(proj, ind, n_i, n_cells, rater_arr, where)
    use = ~missing
    key = (gcode[use] * n_cells + cell[use]) * k + idx[use]
    gc = np.bincount(key, minlength=n_g * n_cells * k).astype(np.int64).reshape(n_g, n_p, n_i, k)
    n_missing = np.bincount(cell[missing], minlength=n_cells).astype(np.int64).reshape(n_p, n_i)
    counts = gc.sum(axis=0)
    n_raters = counts.sum(axis=-1)
    if gw is None:
        has = n_raters > 0
        matrix = counts / np.maximum(n_raters, 1)[..., None]
    else:
        g_n = gc.sum(axis=-1)  # (n_g, n_p, n_i)
        present = g_n > 0
        w_eff = np.where(present, gw[:, None, None], 0.0)
        denom = w_eff.sum(axis=0)
        has = denom > 0
        shares = gc / np.maximum(g_n, 1)[..., None]
        num = (w_eff[..., None] * shares).sum(axis=0)
        matrix = num / np.where(has, denom, 1.0)[..., None]
    matrix = np.where(has[..., None], matrix, 0.0)
    if require_all and not has.all():
        p, j = (int(q) for q in np.unravel_index(int(np.argmin(has)), has.shape))
        raise InputError(
            f"{where.cell(p, j)} has no usable rating ({int(n_raters[p, j])} rating(s), "
            f"{int(n_missing[p, j])} missing answer(s)); require_all=True needs a rating in every "
            "(project, indicator)"
        )
    grades = grades.copy()
    matrix = np.ascontiguousarray(matrix, dtype=np.float64)
    has = np.ascontiguousarray(has)
    readonly(matrix, has, counts, n_raters, n_missing, grades)
    return MembershipResult(matrix, has, counts, n_raters, n_missing, grades)
