"""Payment and renewal decisions that follow from a grade, and how sure they are.

Purchased-service contracts tie money to the evaluation: by grade (or score
band) a share of the final payment is released, a deduction may apply, and
the contract is renewed, the provider warned or excluded. This module turns
decision rules and the contract values into each project's decision and
payment, and, from an :class:`~ppeval.sensitivity.EvidenceResult`, into the
probability of each decision, the expected payment, its 5-95 % interval and
the money at risk. :func:`grade_boundary_changes` finds the smallest change
of one weight or one value that moves a project across a grade boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import as_vector, readonly
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError

from ._common import as_int
from ._engine import grade_index
from ._stack_methods import MethodScorer, evidence_problem
from ._transforms import ColumnTransforms
from .evidence import EvidenceResult
from .montecarlo import _as_grade_bands

__all__ = [
    "ACTIONS",
    "DecisionRules",
    "decision_rules",
    "PaymentOutcome",
    "payment_outcomes",
    "GradeBoundaryResult",
    "grade_boundary_changes",
]

#: What a decision does to the contract.
ACTIONS = ("renew", "continue", "warning", "exclude")


@dataclass(frozen=True, eq=False)
class DecisionRules:
    """Decision per score band, best band first.

    Attributes
    ----------
    names : tuple of str
        Name of every decision (e.g. the grade it belongs to).
    lower : ndarray (d,)
        Lower bound of each band on the 0-100 scale, strictly decreasing; a
        score below the last bound falls in the last band.
    release : ndarray (d,)
        Share of the final payment released, in [0, 1].
    deduction : ndarray (d,)
        Share of the final payment deducted on top (a penalty), in [0, 1].
        The payment is ``value * max(release - deduction, 0)``.
    action : tuple of str
        One of :data:`ACTIONS` per decision.
    """

    names: tuple[str, ...]
    lower: FloatArray
    release: FloatArray
    deduction: FloatArray
    action: tuple[str, ...]

    def payments(self, contract_value: FloatArray) -> FloatArray:
        """Payment of every project under every decision, ``(n, d)``."""
        share = np.maximum(self.release - self.deduction, 0.0)
        out: FloatArray = contract_value[:, None] * share[None, :]
        return out

    def decide(self, scores_100: FloatArray) -> IntArray:
        """Decision index of every score on the 0-100 scale."""
        nb = self.lower.shape[0]
        idx = np.searchsorted(self.lower[::-1], scores_100, side="right")
        out: IntArray = np.minimum(nb - idx, nb - 1).astype(np.int64)
        return out


def decision_rules(
    names: Sequence[str],
    lower: Any,
    release: Any,
    *,
    deduction: Any = None,
    action: Sequence[str] | None = None,
) -> DecisionRules:
    """Validate decision rules.

    Parameters
    ----------
    names : sequence of str
        One name per decision, best first.
    lower : array_like (d,)
        Lower bounds on the 0-100 scale, strictly decreasing (e.g. the grade
        bands ``[90, 80, 60, 0]``).
    release : array_like (d,)
        Share of the final payment released per decision, in [0, 1].
    deduction : array_like (d,), optional
        Share deducted as a penalty, in [0, 1] (default 0).
    action : sequence of str, optional
        One of :data:`ACTIONS` per decision (default ``"continue"``).

    Returns
    -------
    DecisionRules

    Raises
    ------
    InputError
        Lengths that differ, bounds not strictly decreasing, shares outside
        [0, 1], an unknown action; naming the decision.

    Examples
    --------
    >>> r = decision_rules(["excellent", "pass", "fail"], [85, 60, 0], [1.0, 0.8, 0.0],
    ...                    action=["renew", "warning", "exclude"])
    >>> r.decide(np.array([91.0, 60.0, 59.9])).tolist()
    [0, 1, 2]
    """
    nm = tuple(str(x) for x in names)
    d = len(nm)
    if d == 0:
        raise InputError("decision rules need at least one decision")
    low = _as_grade_bands(lower)
    if low is None or low.shape[0] != d:
        raise InputError(f"lower has {0 if low is None else low.shape[0]} bounds; expected {d} (one per decision)")
    rel = as_vector(release, "release")
    ded = np.zeros(d) if deduction is None else as_vector(deduction, "deduction")
    for name, arr in (("release", rel), ("deduction", ded)):
        if arr.shape[0] != d:
            raise InputError(f"{name} has {arr.shape[0]} entries; expected {d} (one per decision)")
        bad = (arr < 0.0) | (arr > 1.0)
        if bad.any():
            k = int(np.argmax(bad))
            raise InputError(f"{name} of decision {nm[k]!r} is {arr[k]!r}; a share must be in [0, 1]")
    act = tuple(["continue"] * d if action is None else [str(a) for a in action])
    if len(act) != d:
        raise InputError(f"action has {len(act)} entries; expected {d} (one per decision)")
    for k, a in enumerate(act):
        if a not in ACTIONS:
            raise InputError(f"action of decision {nm[k]!r} is {a!r}; valid values are {', '.join(ACTIONS)}")
    return DecisionRules(names=nm, lower=readonly(low.copy()), release=readonly(rel.copy()),
                         deduction=readonly(ded.copy()), action=act)


@dataclass(frozen=True, eq=False)
class PaymentOutcome:
    """Decisions and payments of every project, with their uncertainty.

    Attributes
    ----------
    rules : DecisionRules
        The rules applied.
    contract_value : ndarray (n,)
        Final payment at stake per project (currency units).
    decision : ndarray of int64 (n,)
        Decision at the base scores.
    payment : ndarray (n,)
        Payment at the base scores.
    payment_table : ndarray (n, d)
        Payment of every project under every decision.
    probability : ndarray (n, d)
        Share of the Monte Carlo samples in each decision (rows sum to 1).
    action_probability : ndarray (n, len(ACTIONS))
        Share of the samples per action (renew, continue, warning, exclude).
    expected_payment : ndarray (n,)
        Mean payment over the samples (``probability @ payment_table``).
    payment_low, payment_high : ndarray (n,)
        The ``interval`` quantiles of the payment over the samples (the
        ``ceil(q S)``-th smallest sample payment, as
        ``numpy.quantile(..., method="inverted_cdf")``).
    money_at_risk : ndarray (n,)
        ``payment_high - payment_low``: the part of the payment that a
        plausible variation of the evidence (the central interval) could
        move to another decision. 0 when the decision is sure.
    decision_sure : ndarray of bool (n,)
        Every sample gives the base decision.
    interval : tuple of float
        The quantile probabilities of the interval.
    samples : int
        Monte Carlo samples behind the probabilities.
    """

    rules: DecisionRules
    contract_value: FloatArray
    decision: IntArray
    payment: FloatArray
    payment_table: FloatArray
    probability: FloatArray
    action_probability: FloatArray
    expected_payment: FloatArray
    payment_low: FloatArray
    payment_high: FloatArray
    money_at_risk: FloatArray
    decision_sure: BoolArray
    interval: tuple[float, float]
    samples: int

    @property
    def total_money_at_risk(self) -> float:
        return float(self.money_at_risk.sum())


def payment_outcomes(
    evidence: EvidenceResult,
    rules: DecisionRules,
    contract_value: Any,
    *,
    interval: tuple[float, float] = (0.05, 0.95),
) -> PaymentOutcome:
    """Decisions, payments, their probabilities and the money at risk.

    Parameters
    ----------
    evidence : EvidenceResult
        An evidence Monte Carlo run whose ``decision_bands`` equal
        ``rules.lower`` (pass ``decision_bands=rules.lower`` to
        :func:`~ppeval.sensitivity.evidence_monte_carlo`).
    rules : DecisionRules
        The decision rules.
    contract_value : array_like (n,)
        Final payment at stake per project, finite and ``>= 0``.
    interval : (float, float), default (0.05, 0.95)
        Quantile probabilities of the payment interval, ``0 < lo <= hi < 1``.

    Returns
    -------
    PaymentOutcome

    Raises
    ------
    InputError
        Wrong types or shapes, negative or non-finite values (naming the
        project), bands that differ from the rules, a bad interval.

    Notes
    -----
    The payment of a sample is a function of its decision only, so its
    distribution is discrete: ``P(pay = p_d) = P(decision d)``, counted
    exactly from the samples. The expected payment is ``Σ_d P_d p_d``
    (= the mean of the sample payments); the ``q``-quantile is the
    ``ceil(q S)``-th smallest sample payment.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import evidence_monte_carlo, value_uncertainty
    >>> rules = decision_rules(["good", "pass", "fail"], [80, 60, 0], [1.0, 0.7, 0.0])
    >>> x = np.array([[81.0, 70.0], [50.0, 62.0]])
    >>> ev = evidence_monte_carlo(x, [0.5, 0.5], [1, 1], 1000, vary_weights=False, method="wsm",
    ...     bounds=[[0, 100], [0, 100]], values=value_uncertainty("uniform", 2, absolute=5.0, low=0, high=100),
    ...     decision_bands=rules.lower, seed=1)
    >>> out = payment_outcomes(ev, rules, [100_000.0, 80_000.0])
    >>> out.probability.sum(axis=1).tolist()
    [1.0, 1.0]
    """
    if not isinstance(evidence, EvidenceResult):
        raise InputError(f"evidence is {type(evidence).__name__}; expected an EvidenceResult")
    if not isinstance(rules, DecisionRules):
        raise InputError(f"rules is {type(rules).__name__}; expected DecisionRules (decision_rules())")
    n = evidence.base_scores.shape[0]
    value = as_vector(contract_value, "contract_value")
    if value.shape[0] != n:
        raise InputError(f"contract_value has {value.shape[0]} entries; expected {n} (one per project)")
    if (value < 0.0).any():
        i = int(np.argmax(value < 0.0))
        raise InputError(f"contract_value[{i}] is {value[i]!r}; a contract value must be >= 0")
    if (
        evidence.decision_bands is None
        or evidence.cut_counts is None
        or evidence.cut_bands is None
        or evidence.decision_bands.shape != rules.lower.shape
        or not np.array_equal(evidence.decision_bands, rules.lower)
    ):
        raise InputError(
            "the evidence run has other decision bands than the rules; run evidence_monte_carlo with "
            f"decision_bands={rules.lower.tolist()}"
        )
    if (
        not isinstance(interval, tuple | list)
        or len(interval) != 2
        or not all(isinstance(q, int | float) and not isinstance(q, bool) for q in interval)
        or not 0.0 < float(interval[0]) <= float(interval[1]) < 1.0
    ):
        raise InputError(f"interval is {interval!r}; expected (low, high) with 0 < low <= high < 1")
    q_lo, q_hi = float(interval[0]), float(interval[1])
    s = evidence.samples
    d = rules.lower.shape[0]
    nb = d
    which = np.minimum(nb - np.searchsorted(rules.lower[::-1], evidence.cut_bands, side="right"), nb - 1)
    counts = np.zeros((n, d), dtype=np.int64)
    for c in range(which.shape[0]):  # a loop over band bounds (a handful)
        counts[:, which[c]] += evidence.cut_counts[:, c]
    prob = counts / float(s)
    table = rules.payments(value)
    expected = (counts * table).sum(axis=1) / float(s)
    order = np.argsort(table, axis=1, kind="stable")
    cum = np.cumsum(np.take_along_axis(counts, order, axis=1), axis=1)
    sorted_pay = np.take_along_axis(table, order, axis=1)

    def quantile(q: float) -> FloatArray:
        k = max(int(np.ceil(q * s)), 1)
        pos = np.minimum((cum < k).sum(axis=1), d - 1)
        out: FloatArray = sorted_pay[np.arange(n), pos]
        return out

    low, high = quantile(q_lo), quantile(q_hi)
    base_dec = rules.decide(evidence.to_100(evidence.base_scores))
    pay = table[np.arange(n), base_dec]
    act = np.zeros((n, len(ACTIONS)))
    for k, a in enumerate(rules.action):
        act[:, ACTIONS.index(a)] += prob[:, k]
    sure = counts[np.arange(n), base_dec] == s
    for arr in (value, base_dec, pay, table, prob, act, expected, low, high):
        readonly(arr)
    return PaymentOutcome(
        rules=rules, contract_value=value, decision=base_dec, payment=pay, payment_table=table,
        probability=prob, action_probability=act, expected_payment=expected, payment_low=low,
        payment_high=high, money_at_risk=readonly(high - low), decision_sure=readonly(sure),
        interval=(q_lo, q_hi), samples=s,
    )


# --------------------------------------------------------------------------- grade boundaries


@dataclass(frozen=True, eq=False)
class GradeBoundaryResult:
    """Smallest single changes that move each project into another grade.

    Attributes
    ----------
    base_grade : ndarray of int64 (n,)
        Grade at the base (0 = best band).
    value_change : ndarray (n, m)
        Signed smallest change of the value ``x_ij`` (in the column's unit,
        within ``value_range``) that changes project ``i``'s grade, the other
        values fixed; 0 where no value in the range does (see
        ``value_feasible``).
    value_feasible : ndarray of bool (n, m)
    value_grade : ndarray of int64 (n, m)
        The grade reached (-1 where infeasible).
    weight_change : ndarray (n, m)
        Signed smallest change of the weight ``w_j`` (the others keeping their
        proportions) that changes project ``i``'s grade; 0 where infeasible.
    weight_feasible : ndarray of bool (n, m)
    weight_grade : ndarray of int64 (n, m)
    value_range : ndarray (m, 2)
        The range searched per column.
    tolerance : float
        Bisection tolerance relative to the searched range.
    """

    base_grade: IntArray
    value_change: FloatArray
    value_feasible: BoolArray
    value_grade: IntArray
    weight_change: FloatArray
    weight_feasible: BoolArray
    weight_grade: IntArray
    value_range: FloatArray
    tolerance: float


def _first_crossing(
    grades: IntArray, base: IntArray, ts: FloatArray
) -> tuple[BoolArray, IntArray]:
    """Per row: whether some grid point changes the grade, and the first such index (grid ordered outward)."""
    diff = grades != base[:, None]
    found = diff.any(axis=1)
    first = np.argmax(diff, axis=1)
    return found, first


def grade_boundary_changes(
    matrix: Any,
    weights: Any,
    types: Any,
    grade_bands: Any,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    value_range: Any = None,
    grid: int = 33,
    iterations: int = 40,
    rho: float = 0.5,
    transforms: ColumnTransforms | None = None,
) -> GradeBoundaryResult:
    """Smallest change of one value or one weight that moves a project across a grade boundary.

    Parameters
    ----------
    matrix, weights, types, method, normalization, bounds, v, rho
        As :func:`~ppeval.sensitivity.evidence_monte_carlo` (the same methods except ``"fce"``).
    grade_bands : array_like (g,)
        Grade lower bounds on the 0-100 scale, best first.
    value_range : array_like (m, 2), optional
        Range of each column's values to search (default: the bounds in
        absolute mode, else the observed column range widened by its span on
        both sides; for a rating column give the scale's range; raw values
        for the columns of ``transforms``).
    grid : int, default 33
        Grid points per direction (each side of the base value or weight).
    iterations : int, default 40
        Bisection steps on the first grid interval where the grade changes.
    transforms : ColumnTransforms, optional
        Columns whose matrix values transform raw values (closeness to a
        target or interval, a scoring rule's share of points;
        :func:`~ppeval.sensitivity.column_transforms`): their raw value is
        searched (``value_range``, ``value_change`` in raw units) and every
        candidate is transformed before scoring.

    Returns
    -------
    GradeBoundaryResult

    Raises
    ------
    InputError
        Invalid arguments (named).

    Notes
    -----
    For every (project ``i``, column ``j``) and direction, the value
    ``x_ij`` (resp. the weight ``w_j``, the other weights scaled by
    ``(1 - w_j') / (1 - w_j)``, as in one-at-a-time analysis) is moved
    outward along a grid to the end of its range; the first grid point
    where project ``i``'s grade differs brackets the boundary, which
    bisection then locates; the smaller of the two directions is reported.
    A grade boundary crossed and re-crossed between two grid points is
    missed (the score is monotone in one value for WSM and TOPSIS with
    absolute bounds). Cost: ``2 (grid + iterations)`` scorings of ``n m``
    modified matrices; in absolute mode each touches one row (``O(m)``),
    in relative mode the whole matrix (``O(n m)``), so relative mode costs
    ``O((grid + iterations) n^2 m^2)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[85.0, 70.0], [50.0, 95.0]])
    >>> r = grade_boundary_changes(x, [0.5, 0.5], [1, 1], [80, 60, 0], method="wsm",
    ...                            bounds=[[0, 100], [0, 100]])
    >>> r.base_grade.tolist(), round(float(r.value_change[0, 0]), 6)
    ([1, 1], 5.0)
    """
    if method == "fce":
        raise InputError("method 'fce' is not supported by the grade-boundary search (its memberships of rated "
                         "cells do not follow a single value); use 'wsm' on the normalised values as a proxy")
    problem = evidence_problem(matrix, weights, types, method=method, normalization=normalization, bounds=bounds,
                               v=v, rho=rho)
    bands = _as_grade_bands(grade_bands)
    if bands is None:
        raise InputError("grade_bands is None; give the grades' lower bounds, best first")
    grid = as_int(grid, "grid", minimum=2, maximum=4096)
    iterations = as_int(iterations, "iterations", minimum=0, maximum=200)
    n, m = problem.n, problem.m
    x0 = problem.matrix
    tcols = np.zeros(m, dtype=bool)
    if transforms is not None:
        if not isinstance(transforms, ColumnTransforms):
            raise InputError(f"transforms is {type(transforms).__name__}; expected a ColumnTransforms or None")
        if transforms.raw.shape[0] != n or transforms.n_criteria != m:
            raise InputError(f"transforms are for a {transforms.raw.shape[0]} x {transforms.n_criteria} matrix; "
                             f"the matrix is {n} x {m}")
        transforms.check(x0)
        tcols[transforms.columns] = True
        x0 = transforms.centre(x0)  # the raw values are searched in transformed columns
    if value_range is None:
        lo, hi = x0.min(axis=0), x0.max(axis=0)
        span = np.maximum(hi - lo, np.maximum(np.abs(hi), 1.0) * 1e-6)
        rng_v = np.stack([lo - span, hi + span], axis=1)
        if problem.bounds is not None:  # absolute mode: the bounds (raw values of transformed columns: as relative)
            rng_v = np.where(tcols[:, None], rng_v, np.sort(problem.bounds, axis=1))
    else:
        rng_v = np.asarray(value_range, dtype=np.float64)
        if rng_v.shape != (m, 2) or not np.isfinite(rng_v).all() or not (rng_v[:, 0] < rng_v[:, 1]).all():
            raise InputError(f"value_range must be finite (low, high) pairs with low < high, shape ({m}, 2)")
    if problem.bounds is not None:
        b = np.sort(problem.bounds, axis=1)
        b[tcols] = (-np.inf, np.inf)  # matrix bounds, not those of the raw values
        rng_v = np.stack([np.maximum(rng_v[:, 0], b[:, 0]), np.minimum(rng_v[:, 1], b[:, 1])], axis=1)
    if ((x0 < rng_v[:, 0]) | (x0 > rng_v[:, 1])).any():
        raise InputError("a matrix value lies outside value_range; widen the range")
    scorer = MethodScorer(method=problem.method, normalization=problem.normalization or "", types=problem.types,
                          bounds=problem.bounds, v=problem.v, rho=problem.rho)
    hib = scorer.higher_is_better
    asc = bands[::-1].copy()
    base_s = scorer.scores(problem.matrix[None], problem.weights[None])[0]
    xm = problem.matrix  # the matrix scored (transformed columns hold transformed values)
    base_g = grade_index(base_s, asc, hib).astype(np.int64)
    rows = np.repeat(np.arange(n), m)
    cols = np.tile(np.arange(m), n)
    absolute = problem.bounds is not None

    def value_grades(t: FloatArray) -> IntArray:
        """Grade of project rows[p] when x[rows[p], cols[p]] = t[p, g]: shape like t."""
        p, gcount = t.shape
        out = np.empty((p, gcount), dtype=np.int64)
        step = max(1, (1 << 20) // max(n * m if not absolute else m, 1))
        flat_t = t.reshape(-1)
        pr = np.repeat(rows, gcount)
        pc = np.repeat(cols, gcount)
        res = np.empty(flat_t.shape[0], dtype=np.int64)
        for a in range(0, flat_t.shape[0], step):
            sl = slice(a, min(a + step, flat_t.shape[0]))
            k = sl.stop - sl.start
            cand = flat_t[sl]
            if transforms is not None:  # raw candidates of transformed columns become their matrix values
                cand = transforms.apply_cells(cand, pc[sl])
            if absolute:
                xs = xm[pr[sl]][:, None, :].copy()
                xs[np.arange(k), 0, pc[sl]] = cand
                s = scorer.scores(xs, np.broadcast_to(problem.weights, (k, m)))[:, 0]
            else:
                xs = np.broadcast_to(xm, (k, n, m)).copy()
                xs[np.arange(k), pr[sl], pc[sl]] = cand
                s = scorer.scores(xs, np.broadcast_to(problem.weights, (k, m)))[np.arange(k), pr[sl]]
            res[sl] = grade_index(s, asc, hib)
        out[:] = res.reshape(p, gcount)
        return out

    def weight_grades(t: FloatArray) -> IntArray:
        """Grade of project rows[p] when w[cols[p]] = t[p, g] (others proportional)."""
        p, gcount = t.shape
        flat_t = t.reshape(-1)
        pr = np.repeat(rows, gcount)
        pc = np.repeat(cols, gcount)
        w0 = problem.weights
        rest = 1.0 - w0[pc]
        ws = np.empty((flat_t.shape[0], m))
        safe_rest = np.where(rest > 0.0, rest, 1.0)[:, None]
        others = np.where(rest[:, None] > 0.0, w0[None, :] / safe_rest, 1.0 / max(m - 1, 1))
        ws[:] = others * (1.0 - flat_t)[:, None]
        ws[np.arange(flat_t.shape[0]), pc] = flat_t
        res = np.empty(flat_t.shape[0], dtype=np.int64)
        step = max(1, (1 << 20) // max(n * m, 1))
        for a in range(0, flat_t.shape[0], step):
            sl = slice(a, min(a + step, flat_t.shape[0]))
            k = sl.stop - sl.start
            if absolute:
                xs = xm[pr[sl]][:, None, :]
                s = scorer.scores(xs, ws[sl])[:, 0]
            else:
                s = scorer.scores(np.broadcast_to(xm, (k, n, m)), ws[sl])[np.arange(k), pr[sl]]
            res[sl] = grade_index(s, asc, hib)
        return res.reshape(p, gcount)

    def search(start: FloatArray, lo: FloatArray, hi: FloatArray, grades_of: Any) -> tuple[Any, Any, Any]:
        best_change = np.zeros(start.shape[0])
        best_grade = np.full(start.shape[0], -1, dtype=np.int64)
        feasible = np.zeros(start.shape[0], dtype=bool)
        frac = np.arange(1, grid + 1) / grid
        base_rows = base_g[rows]
        for end in (hi, lo):
            ts = start[:, None] + (end - start)[:, None] * frac[None, :]
            g = grades_of(ts)
            found, first = _first_crossing(g, base_rows, ts)
            # bisection between the last grid point with the base grade and the first without
            inner = np.where(first > 0, ts[np.arange(ts.shape[0]), np.maximum(first - 1, 0)], start)
            outer = ts[np.arange(ts.shape[0]), first]
            for _ in range(iterations):
                mid = 0.5 * (inner + outer)
                gm = grades_of(mid[:, None])[:, 0]
                same = gm == base_rows
                inner = np.where(same, mid, inner)
                outer = np.where(same, outer, mid)
            reached = grades_of(outer[:, None])[:, 0]
            change = outer - start
            better = found & (~feasible | (np.abs(change) < np.abs(best_change)))
            best_change = np.where(better, change, best_change)
            best_grade = np.where(better, reached, best_grade)
            feasible |= found
        return feasible, best_change, best_grade

    vf, vc, vg = search(x0[rows, cols], rng_v[cols, 0], rng_v[cols, 1], value_grades)
    w0 = problem.weights[cols]
    wf, wc, wg = search(w0, np.zeros_like(w0), np.ones_like(w0), weight_grades)
    shape = (n, m)
    return GradeBoundaryResult(
        base_grade=readonly(base_g),
        value_change=readonly(vc.reshape(shape)),
        value_feasible=readonly(vf.reshape(shape)),
        value_grade=readonly(vg.reshape(shape)),
        weight_change=readonly(wc.reshape(shape)),
        weight_feasible=readonly(wf.reshape(shape)),
        weight_grade=readonly(wg.reshape(shape)),
        value_range=readonly(rng_v.copy()),
        tolerance=2.0**-iterations / grid,
    )
