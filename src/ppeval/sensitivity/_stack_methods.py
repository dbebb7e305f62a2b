"""More methods for stacks of sampled decision matrices: FCE, absolute VIKOR, GRA, other normalisations.

:class:`~ppeval.sensitivity._stack.StackScorer` scores TOPSIS (vector or
min-max), WSM and relative VIKOR on a stack ``(t, n, m)`` of sampled
matrices. :class:`MethodScorer` extends it, with the formulas of
:mod:`ppeval.methods` vectorised over the stack:

* GRA (Deng 1982), relative and absolute, as :func:`ppeval.methods.gra`;
* VIKOR in absolute mode (the bounds are the best and worst values, ``S``
  and ``R`` scaled by the ranges over every plausible alternative, as the
  evaluation's absolute mode defines it);
* every normalisation of :mod:`ppeval.normalize` (they are functions of one
  column across the projects, so a stack ``(t, n, m)`` is normalised as one
  ``(n, t m)`` matrix: each sample's columns are columns of their own).

:class:`FuzzyGrades` and :class:`EvidenceExtension` add fuzzy comprehensive
evaluation (weighted-average operator, crisp score at the grade centres) with
the memberships recomputed per sample: quantitative cells from their sampled
normalised value, rated cells from the resampled raters (each rater's answer
placed in the grades, averaged over the raters of the cell), and the
per-column transforms of :mod:`ppeval.sensitivity._transforms` applied to the
sampled raw values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np

from ppeval._checks import readonly
from ppeval._normcore import _normalized
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError

from ._common import Problem, as_problem
from ._evidence_inputs import RatingEvidence, _starts
from ._stack import StackScorer
from ._transforms import ColumnTransforms, grade_membership

__all__ = ["MethodScorer", "FuzzyGrades", "fuzzy_grades", "EvidenceExtension", "evidence_problem"]


def evidence_problem(
    matrix: Any, weights: Any, types: Any, *, method: Any, normalization: Any, bounds: Any, v: Any, rho: Any,
) -> Problem:
    """Validate a problem for the evidence analysis: the sensitivity methods plus FCE and absolute VIKOR."""
    if method == "fce" or (method == "vikor" and bounds is not None):
        if normalization not in (None, "minmax"):
            raise InputError(f"normalization is {normalization!r} but method {method!r} normalises min-max; "
                             "pass normalization=None")
        p = as_problem(matrix, weights, types, method="wsm", normalization="minmax", bounds=bounds, v=v, rho=rho)
        return replace(p, method=cast(Any, method), normalization="minmax" if method == "fce" else None)
    return as_problem(matrix, weights, types, method=method, normalization=normalization, bounds=bounds, v=v,
                      rho=rho)


def _stack_normalized(x: FloatArray, types: IntArray, kind: str) -> FloatArray:
    """Normalise every sample of a stack ``(t, n, m)`` by ``kind`` (per column of each sample)."""
    t, n, m = x.shape
    flat = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(n, t * m)
    try:
        r = _normalized(flat, np.tile(types, t), kind, None)
    except InputError as exc:
        raise InputError(f"a sampled matrix cannot be normalised by {kind!r} (columns counted over the "
                         f"samples of a tile of {t}, {m} per sample): {exc}") from None
    out: FloatArray = np.ascontiguousarray(r.reshape(n, t, m).transpose(1, 0, 2))
    return out


@dataclass(frozen=True)
class MethodScorer(StackScorer):
    """:class:`StackScorer` with GRA, absolute VIKOR and every normalisation (see the module notes)."""

    rho: float = 0.5

    def normalized(self, x: FloatArray) -> FloatArray:
        if self.bounds is None and self.normalization not in ("", "vector", "minmax"):
            return _stack_normalized(x, self.types, self.normalization)
        return super().normalized(x)

    def scores(self, x: FloatArray, w: FloatArray) -> FloatArray:
        if self.method == "vikor" and self.bounds is not None:
            return self.scores_normalized(self.normalized(x), w)
        return super().scores(x, w)

    def scores_normalized(self, r: FloatArray, w: FloatArray) -> FloatArray:
        if self.method == "gra":
            return self._gra(r, w)
        if self.method == "vikor" and self.bounds is not None:
            return self._vikor_absolute(r, w)
        return super().scores_normalized(r, w)

    def _gra(self, r: FloatArray, w: FloatArray) -> FloatArray:
        """Grey relational grade ``sum_j w_j xi_ij``, ``xi = (d_min + rho d_max) / (delta + rho d_max)``.

        ``delta = 1 - r`` (the reference is the best normalised value);
        relative mode: ``d_min``, ``d_max`` the smallest and largest
        ``delta`` of the sample's matrix (``xi = 1`` when it is 0 everywhere);
        absolute mode: 0 and 1 (Deng 1982; :func:`ppeval.methods.gra`).
        """
        t = r.shape[0]
        if self.bounds is not None:
            d_min = np.zeros((t, 1, 1))
            d_max = np.ones((t, 1, 1))
        else:
            d_min = np.maximum(1.0 - r.max(axis=(1, 2), keepdims=True), 0.0)
            d_max = 1.0 - r.min(axis=(1, 2), keepdims=True)
        spread = self.rho * d_max
        xi = 1.0 - r
        xi += spread
        np.divide(d_min + spread, xi, out=xi, where=xi > 0.0)
        xi = np.where(d_max <= 0.0, 1.0, xi)
        out: FloatArray = np.einsum("tnm,tm->tn", xi, w)
        return out

    def _vikor_absolute(self, r: FloatArray, w: FloatArray) -> FloatArray:
        """``Q = v S + (1 - v) R / max_j w_j`` with ``S``, ``R`` of the gaps ``w_j (1 - r_ij)`` to the best bound.

        The evaluation's absolute mode (``S* = R* = 0``, ``S- = 1``,
        ``R- = max w``; Opricovic & Tzeng 2004 scale by the ranges over the
        evaluated alternatives, absolute mode by those over every plausible
        one), clipped to [0, 1].
        """
        gap = w[:, None, :] * (1.0 - r)
        s = gap.sum(axis=2)
        rr = gap.max(axis=2)
        wmax = w.max(axis=1, keepdims=True)
        ratio = np.zeros_like(rr)
        np.divide(rr, wmax, out=ratio, where=wmax > 0)
        q: FloatArray = self.v * s + (1.0 - self.v) * ratio
        return np.clip(q, 0.0, 1.0)


# --------------------------------------------------------------------------- fuzzy comprehensive evaluation


@dataclass(frozen=True, eq=False)
class FuzzyGrades:
    """What fuzzy comprehensive evaluation needs beyond the matrix (see :func:`fuzzy_grades`).

    Attributes
    ----------
    centres : ndarray (g,)
        Grade centres on 0-100, best first, strictly decreasing.
    membership : ndarray (n, m, g)
        The evaluation's membership of every cell in the grades.
    rated : ndarray of bool (n, m)
        Cells whose membership comes from their raters (the share of raters
        in each grade), not from the cell value.
    scale_worst, scale_best : ndarray (m,)
        Worst and best point of each rated column's scale (a rating ``y`` is
        placed at ``100 clip((y - worst) / (best - worst), 0, 1)``).
    """

    centres: FloatArray
    membership: FloatArray
    rated: np.ndarray
    scale_worst: FloatArray
    scale_best: FloatArray


def fuzzy_grades(
    centres: Any, membership: Any, *, rated: Any = None, scale_worst: Any = None, scale_best: Any = None,
) -> FuzzyGrades:
    """Describe the FCE of an evaluation for :func:`~ppeval.sensitivity.evidence_monte_carlo` (``method="fce"``).

    Parameters
    ----------
    centres : array_like (g,)
        Grade centres on 0-100, best first, strictly decreasing (``g >= 2``).
    membership : array_like (n, m, g)
        Membership of every cell in the grades at the base evidence (rows
        in [0, 1], summing to 1).
    rated : array_like of bool (n, m), optional
        Cells whose membership is the average over their raters (default: none).
    scale_worst, scale_best : array_like (m,), optional
        The rating scale's worst and best point per column (needed when some
        cell is rated).

    Returns
    -------
    FuzzyGrades

    Raises
    ------
    InputError
        Shapes that do not agree, memberships outside [0, 1] or rows not
        summing to 1, centres not strictly decreasing, a rated column without
        its scale (or with ``worst == best``).

    Examples
    --------
    >>> f = fuzzy_grades([95.0, 80.0, 65.0], [[[0.5, 0.5, 0.0]], [[0.0, 0.2, 0.8]]])
    >>> f.membership.shape, f.rated.any()
    ((2, 1, 3), np.False_)
    """
    c = np.asarray(centres, dtype=np.float64)
    if c.ndim != 1 or c.shape[0] < 2 or not np.isfinite(c).all() or not (np.diff(c) < 0).all():
        raise InputError("centres must be at least 2 finite grade centres, best first, strictly decreasing")
    mem = np.asarray(membership, dtype=np.float64)
    if mem.ndim != 3 or mem.shape[2] != c.shape[0]:
        raise InputError(f"membership has shape {mem.shape}; expected (n, m, {c.shape[0]})")
    bad = ~np.isfinite(mem) | (mem < 0.0) | (mem > 1.0)
    if bad.any():
        i, j, k = (int(x) for x in np.argwhere(bad)[0])
        raise InputError(f"membership[{i}, {j}, {k}] is {mem[i, j, k]!r}; memberships must lie in [0, 1]")
    off = np.abs(mem.sum(axis=2) - 1.0) > 1e-9
    if off.any():
        i, j = (int(x) for x in np.argwhere(off)[0])
        raise InputError(f"membership[{i}, {j}] sums to {mem[i, j].sum()!r}; each cell's memberships sum to 1")
    n, m, _ = mem.shape
    rt = np.zeros((n, m), dtype=bool) if rated is None else np.asarray(rated, dtype=bool)
    if rt.shape != (n, m):
        raise InputError(f"rated has shape {rt.shape}; expected ({n}, {m})")
    lo = np.full(m, 0.0) if scale_worst is None else np.asarray(scale_worst, dtype=np.float64)
    hi = np.full(m, 1.0) if scale_best is None else np.asarray(scale_best, dtype=np.float64)
    if lo.shape != (m,) or hi.shape != (m,):
        raise InputError(f"scale_worst and scale_best must have shape ({m},)")
    used = rt.any(axis=0)
    if used.any() and (scale_worst is None or scale_best is None):
        raise InputError("rated cells need scale_worst and scale_best")
    badj = used & ~(np.isfinite(lo) & np.isfinite(hi) & (lo != hi))
    if badj.any():
        j = int(np.argmax(badj))
        raise InputError(f"column {j}: scale_worst {lo[j]!r} and scale_best {hi[j]!r} must be finite and differ")
    return FuzzyGrades(
        centres=readonly(c.copy()), membership=readonly(np.ascontiguousarray(mem)), rated=readonly(rt.copy()),
        scale_worst=readonly(lo.copy()), scale_best=readonly(hi.copy()),
    )


def _fce_scores(mem: FloatArray, w: FloatArray, centres: FloatArray) -> FloatArray:
    """FCE crisp scores ``(t, n)`` on 0-1 from memberships ``(t or 1, n, m, g)`` and weights ``(t, m)``.

    Weighted-average operator ``b = w . R``, normalised ``b / sum b``,
    crisp score at the grade centres, clipped to their range (as
    :func:`ppeval.methods.fce`); divided by 100 (the method's 0-1 scale).
    """
    # products as matmul (BLAS; a fixed shape per tile, so a sample's scores do not depend on the chunking)
    if mem.shape[0] == 1:
        n, m, g = mem.shape[1:]
        b = np.matmul(w, np.ascontiguousarray(mem[0].transpose(1, 0, 2)).reshape(m, n * g)).reshape(-1, n, g)
    else:
        b = np.matmul(w[:, None, None, :], mem)[:, :, 0, :]
    b /= b.sum(axis=2, keepdims=True)
    s: FloatArray = np.matmul(b, centres)
    np.clip(s, centres.min(), centres.max(), out=s)
    s /= 100.0
    return s


@dataclass(frozen=True, eq=False)
class _FuzzyRatings:
    """Bootstrap of the raters giving each rated cell's aggregate and its grade membership.

    FCE needs every resampled cell's level counts (its membership is the count-weighted average of the
    levels' memberships), not only the sum that the exact tables of :class:`RatingSampler` give, so the
    counts are drawn as a chain of binomials (:meth:`RatingEvidence.draw_counts`; drawing each resampled
    rater instead was measured slower, about 60 ns per rater against 150 ns per binomial).
    """

    evidence: RatingEvidence
    level_membership: FloatArray  # (c, K, g): membership of every answer level of every cell
    starts: IntArray

    def resample(self, rng: np.random.Generator, size: int, values: bool = True,
                 ) -> tuple[FloatArray | None, FloatArray]:
        """Cell values ``(size, c)`` (None unless ``values``) and memberships ``(size, c, g)`` of a bootstrap."""
        ev = self.evidence
        s = ev.stratum_n.shape[0]
        counts = ev.draw_counts(rng, size, np.arange(s, dtype=np.int64))  # (t, s, K)
        cf = counts.astype(np.float64)
        pooled = cf if s == ev.n_cells else np.add.reduceat(cf, self.starts, axis=1)
        # per cell (t, K) x (K, g) as one batched matmul: ~15x faster than einsum at these shapes
        mem = np.matmul(pooled.transpose(1, 0, 2), self.level_membership).transpose(1, 0, 2)
        mem /= ev.n_raters[:, None]
        agg = None
        if values:
            if ev.method == "mean":
                lev_s = ev.levels[ev.stratum_cell]  # (s, K)
                sums = np.matmul(cf.transpose(1, 0, 2), lev_s[:, :, None])[:, :, 0].T  # (t, s)
                agg = ev.values_from_sums(np.ascontiguousarray(sums))
            else:
                agg = ev.values_from_counts(counts)
        return agg, mem


@dataclass(frozen=True, eq=False)
class EvidenceExtension:
    """Per-column transforms and FCE for :func:`~ppeval.sensitivity.evidence_monte_carlo` (one run)."""

    transforms: ColumnTransforms | None
    fuzzy: FuzzyGrades | None
    fuzzy_ratings: _FuzzyRatings | None
    #: The split scoring of absolute WSM / TOPSIS may run: no FCE, and every transformed column has bounds
    #: (0, 1), so the normalised draws it makes are the raw values the transforms take.
    split_ok: bool = False

    @classmethod
    def build(cls, transforms: ColumnTransforms | None, fuzzy: FuzzyGrades | None,
              ratings: RatingEvidence | None, bounds: FloatArray | None = None) -> EvidenceExtension | None:
        if transforms is None and fuzzy is None:
            return None
        split_ok = bool(
            fuzzy is None and transforms is not None and bounds is not None
            and (bounds[transforms.columns, 0] == 0.0).all() and (bounds[transforms.columns, 1] == 1.0).all()
        )
        fr = None
        if fuzzy is not None and ratings is not None:
            col = ratings.cell_col
            lev = ratings.levels  # (c, K)
            span = fuzzy.scale_best[col] - fuzzy.scale_worst[col]
            safe = np.where(span != 0.0, span, 1.0)
            share = np.clip((lev - fuzzy.scale_worst[col][:, None]) / safe[:, None], 0.0, 1.0)
            if transforms is not None:
                share = _rule_shares(share, lev, col, transforms)
            lm = grade_membership(100.0 * share, fuzzy.centres)  # (c, K, g)
            fr = _FuzzyRatings(ratings, readonly(lm), _starts(ratings.stratum_cell, ratings.n_cells))
        return cls(transforms, fuzzy, fr, split_ok)

    @property
    def draws_ratings(self) -> bool:
        return self.fuzzy_ratings is not None

    def complete(self, draws: Any, job: Any, rating_rng: Callable[[], np.random.Generator]) -> None:
        """Finish a tile's draws: FCE rating draws, then the transforms of the sampled raw values."""
        t = job.tile
        tr = self.transforms
        if self.fuzzy_ratings is not None:
            # the cell values matter in relative mode only (the normalisation of the other cells of a column)
            relative = job.scorer.bounds is None
            agg, mem = self.fuzzy_ratings.resample(rating_rng(), t, values=relative)
            if agg is None:
                agg = np.zeros(mem.shape[:2])
            elif tr is not None:
                agg = tr.apply_cells(agg, self.fuzzy_ratings.evidence.cell_col)
            draws.r = np.concatenate([agg[:, :, None], mem], axis=2)  # (t, c, 1 + g)
        elif tr is not None and draws.r is not None and job.ratings is not None:
            draws.r = tr.apply_cells(draws.r, job.ratings.cell_col)
        if tr is not None and draws.v is not None and job.values is not None:
            draws.v = tr.apply_columns(draws.v, job.values.columns)

    def base_scores(self, scorer: StackScorer, matrix: FloatArray, weights: FloatArray) -> FloatArray:
        if self.fuzzy is None:
            out: FloatArray = scorer.scores(matrix[None], weights[None])[0]
        else:
            out = _fce_scores(self.fuzzy.membership[None], weights[None], self.fuzzy.centres)[0]
        return out

    def fce_scores(self, job: Any, w: FloatArray, r: FloatArray | None, v: FloatArray | None) -> FloatArray:
        """FCE scores of a tile from its (picked) draws: ``r (t, c, 1 + g)``, ``v (t, n, q)``."""
        fz = self.fuzzy
        assert fz is not None  # noqa: S101 - called for FCE only
        t = w.shape[0]
        sc = job.scorer
        if r is None and v is None:  # only the weights vary
            return _fce_scores(fz.membership[None], w, fz.centres)
        if sc.bounds is not None:
            # absolute mode: each cell's membership depends on its own value; only the varying cells change
            mem = np.broadcast_to(fz.membership, (t, *fz.membership.shape)).copy()
            if v is not None and job.values is not None:
                c = job.values.columns
                worst, span = sc.bounds[c, 0], sc.bounds[c, 1] - sc.bounds[c, 0]
                mv = grade_membership(100.0 * ((v - worst) / span), fz.centres)  # (t, n, q, g)
                keep = fz.rated[:, c]
                mem[:, :, c] = np.where(keep[None, :, :, None], mem[:, :, c], mv) if keep.any() else mv
        else:
            x = np.broadcast_to(job.matrix, (t, *job.matrix.shape)).copy()
            if r is not None and job.ratings is not None:
                x[:, job.ratings.cell_row, job.ratings.cell_col] = r[:, :, 0]
            if v is not None and job.values is not None:
                x[:, :, job.values.columns] = v
            mem = grade_membership(100.0 * sc.normalized(x), fz.centres)  # (t, n, m, g)
            rows, cols = np.nonzero(fz.rated)
            if rows.size:
                mem[:, rows, cols] = fz.membership[rows, cols]
        if r is not None and job.ratings is not None:
            mem[:, job.ratings.cell_row, job.ratings.cell_col] = r[:, :, 1:]
        return _fce_scores(mem, w, fz.centres)


def _rule_shares(share: FloatArray, levels: FloatArray, col: IntArray, tr: ColumnTransforms) -> FloatArray:
    """Replace the linear share of the answer levels of ruled columns by the share their rule awards."""
    pos = tr.position()[col]
    if not (pos >= 0).any():
        return share
    out = share.copy()
    ruled = np.flatnonzero(pos >= 0)
    out[ruled] = tr.apply_cells(levels[ruled].T.copy(), col[ruled]).T
    return out
