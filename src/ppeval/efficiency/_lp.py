"""A reusable HiGHS model for a sequence of LPs that differ in a few coefficients.

DEA solves one LP per decision-making unit (DMU); the LPs share their
constraint matrix except for one column (stage 1) or only differ in their
right-hand sides (stage 2). :class:`WarmLP` holds one HiGHS instance, changes
just those entries between solves and lets HiGHS start from the previous
optimal basis (a warm start), which is what makes 1,000 DMUs take about a
second. ``highspy`` is imported on first use, so ``import ppeval`` stays light.

``highspy._core._Highs`` (the plain binding) is used rather than
``highspy.Highs``: the latter prints the HiGHS banner to stdout when it is
created, and library code must not print.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ppeval._typing import FloatArray
from ppeval.errors import DegenerateError

__all__ = ["WarmLP", "INF"]

#: Stand-in for an infinite bound (HiGHS treats |bound| >= 1e20 as infinite).
INF = float("inf")


def _highspy() -> Any:
    import highspy

    return highspy


class WarmLP:
    """``min / max c x`` s.t. ``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper``.

    The model is passed to HiGHS once; :meth:`set_column` and
    :meth:`set_row_bounds` change it in place and :meth:`solve` re-solves from
    the last basis.
    """

    def __init__(
        self,
        a: sp.csc_matrix,
        cost: FloatArray,
        col_lower: FloatArray,
        col_upper: FloatArray,
        row_lower: FloatArray,
        row_upper: FloatArray,
        *,
        maximize: bool,
    ) -> None:
        hs = _highspy()
        self._hs = hs
        # The plain binding (no banner); highspy.Highs as a fallback should a release move it.
        cls = getattr(getattr(hs, "_core", None), "_Highs", None) or hs.Highs
        h = cls()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        lp = hs.HighsLp()
        n_row, n_col = a.shape
        lp.num_col_ = n_col
        lp.num_row_ = n_row
        lp.col_cost_ = np.ascontiguousarray(cost, dtype=np.float64)
        lp.col_lower_ = _finite_inf(col_lower, hs)
        lp.col_upper_ = _finite_inf(col_upper, hs)
        lp.row_lower_ = _finite_inf(row_lower, hs)
        lp.row_upper_ = _finite_inf(row_upper, hs)
        lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(np.float64)
        lp.sense_ = hs.ObjSense.kMaximize if maximize else hs.ObjSense.kMinimize
        h.passModel(lp)
        self._h = h

    def set_column(self, col: int, rows: np.ndarray, values: FloatArray) -> None:
        """Set ``A[rows, col] = values`` (rows given in ``rows``)."""
        for r, v in zip(rows.tolist(), values.tolist(), strict=True):
            self._h.changeCoeff(int(r), int(col), float(v))

    def set_row_bounds(self, rows: np.ndarray, lower: FloatArray, upper: FloatArray) -> None:
        """Set the bounds of ``rows``."""
        self._h.changeRowsBounds(
            len(rows),
            np.ascontiguousarray(rows, dtype=np.int32),
            _finite_inf(lower, self._hs),
            _finite_inf(upper, self._hs),
        )

    def fix_column(self, col: int, value: float) -> None:
        """Fix variable ``col`` at ``value`` (both bounds)."""
        self._h.changeColBounds(int(col), float(value), float(value))

    def solve(self, what: str) -> tuple[float, FloatArray]:
        """Solve and return ``(objective value, primal x)``; raise unless optimal.

        ``what`` names the LP in the error (e.g. ``"DMU 3, stage 1"``).
        """
        h = self._h
        h.run()
        status = h.getModelStatus()
        if status != self._hs.HighsModelStatus.kOptimal:
            text = h.modelStatusToString(status)
            raise DegenerateError(
                f"the DEA linear program of {what} has no optimal solution (HiGHS: {text}); "
                "with non-negative data in which every DMU has a positive input and a positive "
                "output this does not happen, so check the data for extreme magnitudes"
            )
        value = float(h.getInfo().objective_function_value)
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        return value, x


def _finite_inf(v: FloatArray, hs: Any) -> FloatArray:
    """Copy of ``v`` with +-inf replaced by HiGHS's infinity."""
    out = np.array(v, dtype=np.float64)
    out[np.isposinf(out)] = hs.kHighsInf
    out[np.isneginf(out)] = -hs.kHighsInf
    return out
