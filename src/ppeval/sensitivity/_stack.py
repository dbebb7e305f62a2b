"""Scores of a stack of decision matrices, one weight vector each: ``(t, n, m), (t, m) -> (t, n)``.

The evidence Monte Carlo varies the matrix itself (resampled ratings,
perturbed values), so the normalisation, the ideal and anti-ideal points and
VIKOR's best and worst values are recomputed per sample. These are the
formulas of :mod:`ppeval.normalize` and :mod:`ppeval.methods` (same
degenerate-case conventions), vectorised over the stack; every reduction is
along a fixed axis of a fixed-shape array, so a sample's scores do not depend
on which other samples share its stack.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ppeval._typing import FloatArray, IntArray
from ppeval.methods.topsis import DEGENERATE_CLOSENESS

__all__ = ["StackScorer"]


@dataclass(frozen=True)
class StackScorer:
    """Scores of TOPSIS (vector or min-max, relative or absolute), WSM (min-max) or VIKOR (relative)."""

    method: str
    normalization: str
    types: IntArray
    bounds: FloatArray | None
    v: float

    @property
    def higher_is_better(self) -> bool:
        return self.method != "vikor"

    def normalized(self, x: FloatArray) -> FloatArray:
        """Benefit-oriented normalised stack ``(t, n, m)`` (min-max or vector; absolute against the bounds)."""
        cost = self.types < 0
        if self.bounds is not None:
            worst = self.bounds[:, 0]
            r: FloatArray = (x - worst) / (self.bounds[:, 1] - worst)
            return r
        if self.normalization == "vector":
            norm = np.sqrt(np.einsum("tnm,tnm->tm", x, x))[:, None, :]
            n = x.shape[1]
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.where(norm > 0.0, x / np.where(norm > 0.0, norm, 1.0), 1.0 / np.sqrt(n))
            r = np.where(cost, 1.0 - r, r)
            return r
        lo = x.min(axis=1, keepdims=True)
        hi = x.max(axis=1, keepdims=True)
        span = hi - lo
        safe = np.where(span > 0.0, span, 1.0)
        r = np.where(cost, hi - x, x - lo) / safe
        r = np.where(span > 0.0, r, 1.0)
        return r

    def scores(self, x: FloatArray, w: FloatArray) -> FloatArray:
        """Scores ``(t, n)`` of matrices ``x (t, n, m)`` under weights ``w (t, m)``."""
        if self.method == "vikor":
            return self._vikor(x, w)
        return self.scores_normalized(self.normalized(x), w)

    def scores_normalized(self, r: FloatArray, w: FloatArray) -> FloatArray:
        """TOPSIS or WSM scores ``(t, n)`` from the normalised stack ``r (t, n, m)`` (see :meth:`normalized`)."""
        if self.method == "wsm":
            out: FloatArray = np.einsum("tnm,tm->tn", r, w)
            return out
        if self.bounds is not None:
            ideal = np.ones((1, 1, r.shape[2]))
            anti = np.zeros((1, 1, r.shape[2]))
        else:
            ideal = r.max(axis=1, keepdims=True)
            anti = r.min(axis=1, keepdims=True)
        w2 = (w * w)[:, None, :]
        gp = r - ideal
        gm = r - anti
        dp = np.sqrt(np.einsum("tnm,tnm->tn", gp * w2, gp))
        dm = np.sqrt(np.einsum("tnm,tnm->tn", gm * w2, gm))
        den = dp + dm
        c: FloatArray = np.full_like(den, DEGENERATE_CLOSENESS)
        np.divide(dm, den, out=c, where=den > 0.0)
        return c

    def _vikor(self, x: FloatArray, w: FloatArray) -> FloatArray:
        cost = self.types < 0
        lo = x.min(axis=1, keepdims=True)
        hi = x.max(axis=1, keepdims=True)
        span = hi - lo
        safe = np.where(span > 0.0, span, 1.0)
        d = np.where(cost, x - lo, hi - x) / safe  # (f* - x) / (f* - f-)
        d = np.where(span > 0.0, d, 0.0)
        wd = d * w[:, None, :]
        s = wd.sum(axis=2)
        rr = wd.max(axis=2)
        q: FloatArray = np.zeros_like(s)
        for vals, coef in ((s, self.v), (rr, 1.0 - self.v)):
            if coef == 0.0:
                continue
            low = vals.min(axis=1, keepdims=True)
            sp = vals.max(axis=1, keepdims=True) - low
            term = vals - low
            np.divide(term, sp, out=term, where=sp > 0.0)
            term *= coef
            q += term
        np.clip(q, 0.0, 1.0, out=q)
        return q
