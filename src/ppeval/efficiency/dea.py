"""Data envelopment analysis: CCR (constant) and BCC (variable returns to scale) models.

Public functions
----------------
:func:`dea`
    Radial efficiency of every decision-making unit (DMU) under constant
    (CCR) or variable (BCC) returns to scale, input or output orientation,
    with the second-stage slacks, intensity weights (lambdas), reference sets
    and projections.
:func:`scale_efficiency`
    Both models and the scale efficiency ``theta_CCR / theta_BCC``.

Implementation notes
--------------------
Each DMU needs its own linear program (LP); all of them share one HiGHS model
whose constraint matrix is built once. Between DMUs only the efficiency
variable's column (stage 1) or the right-hand sides (stage 2) change, and
HiGHS restarts from the previous optimal basis. DMUs found inefficient in
stage 1 are dropped from the later LPs, and stage 2 uses only the DMUs with
score 1 (some optimal solution uses frontier DMUs only). On 1,000 DMUs with
5 inputs and 5 outputs this is about 12 times faster than one
``scipy.optimize.linprog`` call per DMU and stage; one block-diagonal LP
holding all DMUs (``n + n**2`` variables) is 3-4 times slower for stage 1
alone already at 200-400 DMUs (``benchmarks/bench_dea.py``).

Columns are rescaled by powers of two (exact) before solving, so data in
large units (yuan, minutes) give a well-conditioned LP; the efficiency and
lambdas do not depend on units, and the second-stage objective is written in
the original units so the slacks are the textbook ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import scipy.sparse as sp

from ppeval._checks import as_matrix, one_of, readonly
from ppeval._typing import ArrayLike, BoolArray, FloatArray, IntArray
from ppeval.efficiency._lp import INF, WarmLP
from ppeval.errors import DegenerateError, InputError

__all__ = ["RTS", "Orientation", "DEAResult", "ScaleEfficiencyResult", "dea", "scale_efficiency"]

#: Returns to scale: ``"crs"`` constant (CCR model), ``"vrs"`` variable (BCC model).
RTS: TypeAlias = Literal["crs", "vrs"]
#: ``"input"``: shrink inputs radially; ``"output"``: expand outputs radially.
Orientation: TypeAlias = Literal["input", "output"]

_RTS: tuple[RTS, ...] = ("crs", "vrs")
_ORIENTATIONS: tuple[Orientation, ...] = ("input", "output")

#: A radial score within this distance of 1 is reported as exactly 1.
SCORE_TOL = 1e-9
#: Lambdas at or below this are reported as 0 (not part of the reference set).
LAMBDA_TOL = 1e-9
#: Slacks at or below this (in units of the column's largest value) are reported as 0.
SLACK_TOL = 1e-8


@dataclass(frozen=True)
class DEAResult:
    """Efficiency of every DMU under one DEA model.

    Attributes
    ----------
    efficiency : ndarray of shape (n,)
        Radial (Farrell) efficiency in (0, 1], read-only: ``theta*`` under
        input orientation, ``1 / eta*`` under output orientation. 1 for
        every DMU on the frontier.
    objective : ndarray of shape (n,)
        The optimal value of the stage-1 LP: ``theta*`` in (0, 1] (input
        orientation; the factor by which every input can shrink) or ``eta* >= 1``
        (output orientation; the factor by which every output can grow).
    lambdas : ndarray of shape (n, n)
        ``lambdas[o, j]``: intensity of DMU ``j`` in the projection of DMU
        ``o`` (second-stage solution; entries at or below 1e-9 are 0). Under
        ``"vrs"`` every row sums to 1. Memory is ``8 n**2`` bytes.
    input_slacks : ndarray of shape (n, m)
        Input excesses ``s-`` left after the radial contraction (stage 2,
        largest total slack), in the inputs' units.
    output_slacks : ndarray of shape (n, s)
        Output shortfalls ``s+``, in the outputs' units.
    input_targets, output_targets : ndarray of shape (n, m), (n, s)
        The projection onto the efficient frontier:
        ``theta* x_o - s-`` and ``y_o + s+`` (input orientation) or
        ``x_o - s-`` and ``eta* y_o + s+`` (output orientation).
    efficient : ndarray of bool, shape (n,)
        CCR- / BCC-efficient (Pareto-Koopmans): score 1 and every slack 0.
    weakly_efficient : ndarray of bool, shape (n,)
        Score 1 (radially efficient), slacks possibly positive.
    reference_sets : tuple of tuple of int
        For each DMU the indices ``j`` with ``lambdas[o, j] > 0`` (its peers).
    rts : {"crs", "vrs"}
        Returns to scale of the model.
    orientation : {"input", "output"}
        Orientation of the model.
    """

    efficiency: FloatArray
    objective: FloatArray
    lambdas: FloatArray
    input_slacks: FloatArray
    output_slacks: FloatArray
    input_targets: FloatArray
    output_targets: FloatArray
    efficient: BoolArray
    weakly_efficient: BoolArray
    reference_sets: tuple[tuple[int, ...], ...]
    rts: str
    orientation: str


@dataclass(frozen=True)
class ScaleEfficiencyResult:
    """CCR and BCC results of the same DMUs and their scale efficiency.

    Attributes
    ----------
    crs : DEAResult
        The CCR (constant returns to scale) model.
    vrs : DEAResult
        The BCC (variable returns to scale) model.
    scale : ndarray of shape (n,)
        Scale efficiency ``crs.efficiency / vrs.efficiency`` in (0, 1],
        read-only; 1 means the DMU operates at most productive scale size.
    """

    crs: DEAResult
    vrs: DEAResult
    scale: FloatArray


def _as_data(inputs: ArrayLike, outputs: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Validate inputs and outputs: 2-D (a 1-D array is one column), finite, non-negative, semipositive rows."""
    mats = []
    for name, raw in (("inputs", inputs), ("outputs", outputs)):
        if _numeric(raw) and np.ndim(raw) == 1:
            raw = np.asarray(raw, dtype=np.float64)[:, None]
        mats.append(as_matrix(raw, name, nonnegative=True))
    x, y = mats
    if x.shape[0] != y.shape[0]:
        raise InputError(
            f"inputs has {x.shape[0]} rows but outputs has {y.shape[0]}; give one row per DMU in both"
        )
    for name, arr, what in (("inputs", x, "input"), ("outputs", y, "output")):
        none = arr.max(axis=1) <= 0.0
        if none.any():
            i = int(np.argmax(none))
            raise InputError(
                f"{name}[{i}, :] is all zero: DMU {i} has no positive {what}, so its efficiency is "
                "undefined (its LP is unbounded or degenerate); DEA needs every DMU to have at least "
                "one positive input and one positive output (semipositive data, Cooper, Seiford & "
                "Tone 2007, sec. 3.2); drop the DMU or correct the data"
            )
    return x, y


def _numeric(raw: Any) -> bool:
    if getattr(getattr(raw, "dtype", None), "kind", None) == "c":
        return False  # as_matrix names the complex dtype
    try:
        np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def _pow2(arr: FloatArray) -> IntArray:
    """Per-column exponent ``e`` with ``max_j arr * 2**-e`` in [0.5, 1) (0 for all-zero columns).

    Scaling with :func:`numpy.ldexp` by the exponent (not by a factor ``2**-e``, which does not exist
    for subnormal columns, ``e`` < -1022, nor for columns near 1.8e308, ``2**1024``) is exact.
    """
    _, expo = np.frexp(arr.max(axis=0))
    out: IntArray = expo.astype(np.int64)
    return out


def _slack_costs(ex: IntArray, ey: IntArray) -> FloatArray:
    """Stage-2 objective weights ``2**e`` of the scaled slacks (the sum of slacks in the data's units).

    Columns beyond 2**±60 (1e300, subnormal or mixed magnitudes) would give HiGHS costs it cannot use
    (2**1024 is inf): then the weights are relative to the largest, and at least 2**-60.
    """
    e = np.concatenate([ex, ey])
    if e.size and (e.max() > 60 or e.min() < -60):
        e = np.maximum(e - e.max(), -60)
    out: FloatArray = np.ldexp(np.ones(e.size), e)
    return out


def _solve(
    x: FloatArray, y: FloatArray, rts: str, orientation: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Stage 1 (radial score) and stage 2 (max slacks) for every DMU; returns (score, lambdas, s-, s+)."""
    n, m = x.shape
    s = y.shape[1]
    ex, ey = _pow2(x), _pow2(y)
    xs, ys = np.ldexp(x, -ex), np.ldexp(y, -ey)
    vrs = rts == "vrs"
    n_row = m + s + int(vrs)
    body = [xs.T, ys.T] + ([np.ones((1, n))] if vrs else [])
    tech = sp.csc_matrix(np.vstack(body))  # (n_row, n): the technology, shared by every LP
    inp = np.arange(m)
    out = np.arange(m, m + s)
    rows_all = np.arange(m + s)
    vrs_lo = np.ones(int(vrs))

    # ---- stage 1: [phi, lambda]; input: min theta, output: max eta
    input_or = orientation == "input"
    phi_rows = inp if input_or else out
    phi_col0 = -(xs[0] if input_or else ys[0])
    col = np.zeros(n_row)
    col[phi_rows] = phi_col0
    a1 = sp.hstack([sp.csc_matrix(col[:, None]), tech], format="csc")
    if input_or:
        lo1 = np.concatenate([np.full(m, -INF), ys[0], vrs_lo])
        up1 = np.concatenate([np.zeros(m), np.full(s, INF), vrs_lo])
    else:
        lo1 = np.concatenate([np.full(m, -INF), np.zeros(s), vrs_lo])
        up1 = np.concatenate([xs[0], np.full(s, INF), vrs_lo])
    cost1 = np.zeros(n + 1)
    cost1[0] = 1.0
    col_lo1 = np.concatenate([[-INF], np.zeros(n)])
    lp1 = WarmLP(a1, cost1, col_lo1, np.full(n + 1, INF), lo1, up1, maximize=not input_or)
    score = np.empty(n)
    for o in range(n):
        if input_or:
            lp1.set_column(0, inp, -xs[o])
            lp1.set_row_bounds(out, ys[o], np.full(s, INF))
        else:
            lp1.set_column(0, out, -ys[o])
            lp1.set_row_bounds(inp, np.full(m, -INF), xs[o])
        score[o] = lp1.solve(f"DMU {o} (stage 1, {rts}, {orientation} orientation)")[0]
        if (score[o] < 1.0 - SCORE_TOL) if input_or else (score[o] > 1.0 + SCORE_TOL):
            # An inefficient DMU is never needed by another DMU's optimum (some optimal solution
            # uses frontier DMUs only, Cooper, Seiford & Tone 2007, sec. 3.4), so drop its column.
            lp1.fix_column(o + 1, 0.0)
    # A score within SCORE_TOL of 1 is 1 (radially efficient); scores never pass 1 by more.
    if input_or:
        score = np.where(score >= 1.0 - SCORE_TOL, 1.0, score)
    else:
        score = np.where(score <= 1.0 + SCORE_TOL, 1.0, score)

    # ---- stage 2: [lambda_f, s-, s+] over the frontier DMUs f (radial score 1) only: the
    # max-slack solution's reference set consists of efficient DMUs (CST 2007, Theorem 3.3).
    frontier = np.flatnonzero(score == 1.0)
    nf = frontier.size
    a2 = sp.hstack(
        [
            tech[:, frontier],
            sp.csc_matrix(np.vstack([np.eye(m), np.zeros((s + int(vrs), m))])),
            sp.csc_matrix(np.vstack([np.zeros((m, s)), -np.eye(s), np.zeros((int(vrs), s))])),
        ],
        format="csc",
    )
    cost2 = np.concatenate([np.zeros(nf), _slack_costs(ex, ey)])
    rhs0 = np.concatenate([xs[0], ys[0], vrs_lo])
    lp2 = WarmLP(a2, cost2, np.zeros(nf + m + s), np.full(nf + m + s, INF), rhs0, rhs0, maximize=True)
    lambdas = np.zeros((n, n))
    sminus = np.empty((n, m))
    splus = np.empty((n, s))
    for o in range(n):
        theta = score[o]
        rhs = np.concatenate([theta * xs[o], ys[o]]) if input_or else np.concatenate([xs[o], theta * ys[o]])
        sol = _stage2(lp2, rows_all, rhs, o, rts, orientation, input_or, m)
        lambdas[o, frontier] = sol[:nf]
        sminus[o] = sol[nf : nf + m]
        splus[o] = sol[nf + m :]
    lambdas[lambdas <= LAMBDA_TOL] = 0.0
    sminus[sminus <= SLACK_TOL] = 0.0
    splus[splus <= SLACK_TOL] = 0.0
    with np.errstate(over="ignore"):
        sminus, splus = np.ldexp(sminus, ex), np.ldexp(splus, ey)
    return score, lambdas, sminus, splus


def _stage2(
    lp: WarmLP, rows: np.ndarray, rhs: FloatArray, o: int, rts: str, orientation: str, input_or: bool, m: int
) -> FloatArray:
    """Solve stage 2 for DMU ``o``; if rounding of the stage-1 score makes it infeasible, relax it by 1e-9."""
    what = f"DMU {o} (stage 2, {rts}, {orientation} orientation)"
    lp.set_row_bounds(rows, rhs, rhs)
    try:
        return lp.solve(what)[1]
    except DegenerateError:
        relaxed = rhs.copy()
        if input_or:
            relaxed[:m] *= 1.0 + 1e-9
        else:
            relaxed[m:] *= 1.0 - 1e-9
        lp.set_row_bounds(rows, relaxed, relaxed)
        return lp.solve(what)[1]


def dea(
    inputs: ArrayLike,
    outputs: ArrayLike,
    *,
    rts: RTS = "crs",
    orientation: Orientation = "input",
) -> DEAResult:
    r"""Data envelopment analysis: radial efficiency, slacks, lambdas and peers of every DMU.

    Parameters
    ----------
    inputs : array_like, shape (n, m)
        Inputs of the ``n`` decision-making units (DMUs, rows), non-negative
        and finite (less is better). A 1-D array is one input.
    outputs : array_like, shape (n, s)
        Outputs, non-negative and finite (more is better). A 1-D array is one
        output. Every DMU needs at least one positive input and one positive
        output.
    rts : {"crs", "vrs"}
        Returns to scale: ``"crs"`` is the CCR model (Charnes, Cooper & Rhodes
        1978), ``"vrs"`` the BCC model (Banker, Charnes & Cooper 1984).
    orientation : {"input", "output"}
        ``"input"``: how far can every input shrink with the outputs kept;
        ``"output"``: how far can every output grow with the inputs kept.

    Returns
    -------
    DEAResult
        Efficiency in (0, 1], the stage-1 optimum, lambdas, slacks, targets,
        efficiency flags and reference sets (see :class:`DEAResult`).

    Raises
    ------
    InputError
        If ``inputs`` or ``outputs`` is not a finite non-negative numeric
        array, their row counts differ, a DMU has no positive input or no
        positive output (its LP would be unbounded: a DMU that uses nothing,
        or produces nothing under output orientation), or ``rts`` or
        ``orientation`` is unknown.
    DegenerateError
        If HiGHS finds no optimal solution for a DMU's LP (not expected with
        validated data; the message names the DMU and the solver status).

    Notes
    -----
    Envelopment form (Cooper, Seiford & Tone 2007, models (3.6), (4.2) and
    their output-oriented versions), for DMU ``o`` with inputs ``x_o`` and
    outputs ``y_o``, ``X`` (m x n) and ``Y`` (s x n) the data of all DMUs:

    .. math::

        \text{input:}\quad \theta^* = \min_{\theta, \lambda} \theta
        \ \text{s.t.}\ X\lambda \le \theta x_o,\ Y\lambda \ge y_o,\ \lambda \ge 0,

        \text{output:}\quad \eta^* = \max_{\eta, \lambda} \eta
        \ \text{s.t.}\ X\lambda \le x_o,\ Y\lambda \ge \eta y_o,\ \lambda \ge 0,

    plus ``sum(lambda) = 1`` under variable returns to scale (BCC). The
    efficiency is ``theta*`` or ``1 / eta*``; under constant returns
    ``eta* = 1 / theta*``, so both orientations give the same efficiency.

    Second stage (max-slack solution): with the score fixed,

    .. math::

        \max\ \textstyle\sum_i s^-_i + \sum_r s^+_r
        \ \text{s.t.}\ X\lambda + s^- = \theta^* x_o,\ Y\lambda - s^+ = y_o

    (``x_o`` and ``eta* y_o`` under output orientation), ``lambda, s >= 0``,
    in the data's own units (the textbook objective; slacks are not unit
    invariant, the scores are). A DMU is efficient (CCR- or BCC-efficient,
    Pareto-Koopmans) when its score is 1 and every slack is 0; with score 1
    and a positive slack it is only weakly efficient. Its reference set is
    ``{j : lambda_j > 0}``. Scores within 1e-9 of 1 are reported as 1,
    lambdas at or below 1e-9 and slacks at or below 1e-8 of their column's
    largest value as 0.

    DEA is relative: a DMU's efficiency depends on which other DMUs are
    evaluated with it (adding a DMU can lower others' scores). With a single
    DMU every score is 1.

    Every LP is solved by HiGHS (Huangfu & Hall 2018) through ``highspy``;
    one model is built per stage and re-solved from the previous basis for
    each DMU (see the module notes).

    References
    ----------
    Charnes, A., Cooper, W. W., & Rhodes, E. (1978). Measuring the
    efficiency of decision making units. European Journal of Operational
    Research, 2(6), 429-444.

    Banker, R. D., Charnes, A., & Cooper, W. W. (1984). Some models for
    estimating technical and scale inefficiencies in data envelopment
    analysis. Management Science, 30(9), 1078-1092.

    Cooper, W. W., Seiford, L. M., & Tone, K. (2007). Data Envelopment
    Analysis: A Comprehensive Text with Models, Applications, References and
    DEA-Solver Software (2nd ed.). Springer, New York.

    Huangfu, Q., & Hall, J. A. J. (2018). Parallelizing the dual revised
    simplex method. Mathematical Programming Computation, 10(1), 119-142.

    Examples
    --------
    Two inputs, one output (Cooper, Seiford & Tone 2007, Table 3.2): DMU F
    is radially efficient but keeps an input excess of 2, so it is only
    weakly efficient.

    >>> from ppeval.efficiency import dea
    >>> x = [[4, 3], [7, 3], [8, 1], [4, 2], [2, 4], [10, 1]]
    >>> r = dea(x, [1, 1, 1, 1, 1, 1])
    >>> print([round(float(e), 4) for e in r.efficiency])
    [0.8571, 0.6316, 1.0, 1.0, 1.0, 1.0]
    >>> print(r.efficient.tolist(), r.input_slacks[5].tolist())
    [False, False, True, True, True, False] [2.0, 0.0]
    """
    rts = one_of(rts, _RTS, "rts")
    orientation = one_of(orientation, _ORIENTATIONS, "orientation")
    x, y = _as_data(inputs, outputs)
    score, lambdas, sminus, splus = _solve(x, y, rts, orientation)
    if orientation == "input":
        efficiency = score.copy()
        in_t = score[:, None] * x - sminus
        out_t = y + splus
    else:
        efficiency = 1.0 / score
        in_t = x - sminus
        out_t = score[:, None] * y + splus
    in_t = np.clip(in_t, 0.0, None)
    weak = score == 1.0
    strong = weak & (sminus == 0.0).all(axis=1) & (splus == 0.0).all(axis=1)
    refs = tuple(tuple(int(j) for j in np.flatnonzero(row)) for row in lambdas)
    return DEAResult(
        efficiency=readonly(efficiency),
        objective=readonly(score),
        lambdas=readonly(lambdas),
        input_slacks=readonly(sminus),
        output_slacks=readonly(splus),
        input_targets=readonly(in_t),
        output_targets=readonly(out_t),
        efficient=readonly(strong),
        weakly_efficient=readonly(weak),
        reference_sets=refs,
        rts=rts,
        orientation=orientation,
    )


def scale_efficiency(
    inputs: ArrayLike, outputs: ArrayLike, *, orientation: Orientation = "input"
) -> ScaleEfficiencyResult:
    """CCR and BCC models of the same DMUs and the scale efficiency ``SE = theta_CCR / theta_BCC``.

    Parameters
    ----------
    inputs, outputs : array_like
        As in :func:`dea`.
    orientation : {"input", "output"}
        Orientation of both models.

    Returns
    -------
    ScaleEfficiencyResult
        ``crs`` and ``vrs`` results and ``scale`` in (0, 1].

    Raises
    ------
    InputError, DegenerateError
        As :func:`dea`.

    Notes
    -----
    Technical efficiency under constant returns splits into pure technical
    (BCC) efficiency times scale efficiency (Banker, Charnes & Cooper 1984;
    Cooper, Seiford & Tone 2007, sec. 5.5):
    ``theta_CCR = theta_BCC * SE``, so ``SE = theta_CCR / theta_BCC`` with the
    efficiencies of :func:`dea` (``1 / eta`` under output orientation).
    ``theta_CCR <= theta_BCC``; a ratio above 1 by rounding is reported as 1.

    References
    ----------
    Banker, R. D., Charnes, A., & Cooper, W. W. (1984). Some models for
    estimating technical and scale inefficiencies in data envelopment
    analysis. Management Science, 30(9), 1078-1092.

    Examples
    --------
    >>> from ppeval.efficiency import scale_efficiency
    >>> r = scale_efficiency([2, 3, 6, 9], [1, 3, 4, 5])
    >>> print([round(float(v), 4) for v in r.scale])
    [0.5, 1.0, 0.6667, 0.5556]
    """
    orientation = one_of(orientation, _ORIENTATIONS, "orientation")
    crs = dea(inputs, outputs, rts="crs", orientation=orientation)
    vrs = dea(inputs, outputs, rts="vrs", orientation=orientation)
    scale = np.minimum(crs.efficiency / vrs.efficiency, 1.0)
    return ScaleEfficiencyResult(crs=crs, vrs=vrs, scale=readonly(scale))
