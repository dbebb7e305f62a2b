"""Critical weight changes (Triantaphyllou & Sánchez 1997): how little a weight must move to change a ranking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval._checks import readonly
from ppeval._typing import BoolArray, FloatArray, IntArray

from ._common import Problem, as_float, as_int, as_problem
from ._kernels import LINEAR_METHODS, Scorer, build_scorer, prepared_rows
from .oat import oat_weights

__all__ = ["CriticalChanges", "CriticalWeightsResult", "critical_weight_changes"]

#: Weight vectors scored per batch in the search (bounds memory: rows x n floats).
_ROWS_PER_BATCH = 4096


@dataclass(frozen=True, eq=False)
class CriticalChanges:
    """Critical changes of every criterion's weight for one kind of target (arrays read-only).

    Axis 0 is the criterion ``k``, axis 1 the direction (0 = increase
    ``w_k``, 1 = decrease ``w_k``); for pairs a last axis runs over the
    adjacent pairs.

    Attributes
    ----------
    feasible : ndarray of bool
        Whether some weight of ``k`` in that direction (other weights keeping
        their proportions, ``w_k`` in [0, 1)) changes the target. Where False
        no such weight exists, and every value field holds 0 (never inf/nan).
    new_weight : ndarray
        The (renormalised) weight ``w*_k`` of criterion ``k`` at which the
        change happens.
    change : ndarray
        ``w*_k - w_k``: absolute change of the normalised weight (signed).
    ts_change : ndarray
        Triantaphyllou & Sánchez's absolute change: the amount ``Δ`` added to
        ``w_k`` before the weights are renormalised (``w* = (w_k + Δ) / (1 + Δ)``;
        their ``δ = -Δ``). Signed.
    relative_percent : ndarray
        ``100 Δ / w_k``: TS's relative change ``δ'`` (percent of ``w_k``). 0 where
        ``w_k = 0`` (see ``relative_defined``).
    relative_defined : ndarray of bool
        ``feasible`` and ``w_k > 0``.
    taker : ndarray of int64
        The alternative that moves ahead (the new leader for the top target;
        the formerly lower alternative of a pair); -1 where infeasible.
    """

    feasible: BoolArray
    new_weight: FloatArray
    change: FloatArray
    ts_change: FloatArray
    relative_percent: FloatArray
    relative_defined: BoolArray
    taker: IntArray


@dataclass(frozen=True, eq=False)
class CriticalWeightsResult:
    """Smallest weight changes that change the top alternative or swap adjacent alternatives.

    Attributes
    ----------
    top : CriticalChanges
        Arrays of shape ``(m, 2)``: the change of ``w_k`` (increase, decrease)
        at which another alternative overtakes the base leader.
    pairs : CriticalChanges
        Arrays of shape ``(m, 2, n - 1)``: the change at which the alternatives
        at base ranks ``p + 1`` and ``p + 2`` swap (``pair_alternatives[p]``).
    leader : int
        The base leader (best base score; the lowest index among ties).
    order : ndarray of int64, shape (n,)
        Alternatives from best to worst at the base weights (ties by index).
    pair_alternatives : ndarray of int64, shape (n - 1, 2)
        ``(upper, lower)`` alternative of each adjacent pair.
    most_critical_top_absolute, most_critical_top_relative : int
        Criterion with the smallest ``|ts_change|`` (resp. ``|relative_percent|``)
        changing the top alternative (TS's absolute-top and percent-top
        critical criterion); -1 if none.
    most_critical_any_absolute, most_critical_any_relative : int
        The same for any change of the ranking (any adjacent pair; TS's
        absolute-any and percent-any critical criterion); -1 if none.
    base_weights, base_scores : ndarray
    method : str
    normalization : str or None
    higher_is_better : bool
    exact : bool
        True for WSM and GRA (the reported weight is the exact tie); False for
        TOPSIS and VIKOR (it lies ``tolerance`` beyond the change point).
    tolerance : float
        TOPSIS and VIKOR: the reported weight lies ``tolerance`` beyond a
        weight (closer to the base) at which the change does not show (0 for
        WSM and GRA, whose reported weight is the exact tie).
    grid : int
        Grid points per direction of the VIKOR search (0 otherwise: no grid).
    """

    top: CriticalChanges
    pairs: CriticalChanges
    leader: int
    order: IntArray
    pair_alternatives: IntArray
    most_critical_top_absolute: int
    most_critical_top_relative: int
    most_critical_any_absolute: int
    most_critical_any_relative: int
    base_weights: FloatArray
    base_scores: FloatArray
    method: str
    normalization: str | None
    higher_is_better: bool
    exact: bool
    tolerance: float
    grid: int


# --------------------------------------------------------------------------- helpers


def _finish(
    weights: FloatArray, feasible: BoolArray, new_weight: FloatArray, taker: IntArray
) -> CriticalChanges:
    """Derive change, TS change and relative change from the new weights; zero where infeasible."""
    shape = feasible.shape
    wk = np.broadcast_to(weights.reshape((-1,) + (1,) * (len(shape) - 1)), shape)
    ok = feasible & (new_weight < 1.0)
    nw = np.where(ok, new_weight, 0.0)
    # in place where possible: the pair arrays are (m, 2, n - 1), 80 MB each at 100,000 projects x 50
    change = np.subtract(nw, wk, out=np.zeros(shape), where=ok)
    den = np.subtract(1.0, nw)
    ts = np.divide(change, den, out=np.zeros(shape), where=ok)
    del den
    rel_ok = ok & (wk > 0.0)
    rel = np.multiply(ts, 100.0)
    np.divide(rel, wk, out=rel, where=rel_ok)
    rel[~rel_ok] = 0.0
    tk = np.full(shape, -1, dtype=np.int64)
    np.copyto(tk, taker, where=ok)
    return CriticalChanges(
        feasible=readonly(ok),
        new_weight=readonly(nw),
        change=readonly(change),
        ts_change=readonly(ts),
        relative_percent=readonly(rel),
        relative_defined=readonly(rel_ok),
        taker=readonly(tk),
    )


def _argmin_masked(values: FloatArray, mask: BoolArray) -> int:
    if not mask.any():
        return -1
    flat = np.where(mask, np.abs(values), np.inf)
    crit = flat.reshape(flat.shape[0], -1).min(axis=1)
    return int(np.argmin(crit))


def _base_order(scores: FloatArray, higher_is_better: bool) -> IntArray:
    key = -scores if higher_is_better else scores
    return np.argsort(key, kind="stable").astype(np.int64)


# --------------------------------------------------------------------------- WSM closed form


def _wsm_closed_form(
    problem: Problem, a: FloatArray, order: IntArray
) -> tuple[CriticalChanges, CriticalChanges]:
    """Theorem of Triantaphyllou & Sánchez (1997) for WSM, for the top and the adjacent pairs."""
    w = problem.weights
    m = problem.m
    p_scores = a @ w
    n = a.shape[0]
    leader = int(order[0])
    upper = order[:-1]
    lower = order[1:]

    def deltas(i: IntArray, j: IntArray) -> tuple[FloatArray, BoolArray, BoolArray]:
        # i above j; Δ_{k,i,j} = (P_i - P_j) / (a_jk - a_ik), the change of w_k that makes P_j = P_i
        num = p_scores[i] - p_scores[j]  # (q,) >= 0
        den = a[j, :] - a[i, :]  # (q, m)
        ok = den != 0.0
        delta = np.divide(num[:, None], den, out=np.zeros(den.shape), where=ok)
        up = ok & (den > 0.0)  # j gains when w_k grows
        return delta.T, up.T, (ok & (delta >= -w[None, :])).T  # (m, q)

    # top: every other alternative j against the leader
    others = np.delete(np.arange(n, dtype=np.int64), leader)
    top_feasible = np.zeros((m, 2), dtype=bool)
    top_new = np.zeros((m, 2))
    top_taker = np.full((m, 2), -1, dtype=np.int64)
    if others.size:
        d, up, ok = deltas(np.full(others.size, leader), others)
        for col, dir_mask in ((0, up), (1, ~up)):
            cand = ok & dir_mask
            mag = np.where(cand, np.abs(d), np.inf)
            best = np.argmin(mag, axis=1)
            has = cand.any(axis=1)
            dd = d[np.arange(m), best]
            top_feasible[:, col] = has
            # feasible changes have Δ >= -w_k > -1, so 1 + Δ > 0 where used
            top_new[:, col] = np.divide(w + dd, 1.0 + dd, out=np.zeros(m), where=has)
            top_taker[:, col] = np.where(has, others[best], -1)
    q = upper.size
    pair_feasible = np.zeros((m, 2, q), dtype=bool)
    pair_new = np.zeros((m, 2, q))
    pair_taker = np.broadcast_to(lower, (m, 2, q)).copy()
    if q:
        d, up, ok = deltas(upper, lower)
        for col, dir_mask in ((0, up), (1, ~up)):
            cand = ok & dir_mask
            pair_feasible[:, col, :] = cand
            pair_new[:, col, :] = np.divide(w[:, None] + d, 1.0 + d, out=np.zeros((m, q)), where=cand)
    return _finish(w, top_feasible, top_new, top_taker), _finish(w, pair_feasible, pair_new, pair_taker)


# --------------------------------------------------------------------------- search


def _path_weights(w: FloatArray, crit: IntArray, direction: IntArray, u: FloatArray) -> FloatArray:
    """Weights at fraction ``u`` of the way from ``w_k`` to 1 (increase) or to 0 (decrease)."""
    wk = w[crit]
    t = np.where(direction == 0, wk + u * (1.0 - wk), wk - u * wk)
    return oat_weights(w, crit, t[:, None])[:, 0, :]


def _keys(scorer: Scorer, weights: FloatArray) -> FloatArray:
    """Scores oriented so that larger is better, for a batch of weight vectors (chunked)."""
    out = np.empty((weights.shape[0], scorer.n))
    for s in range(0, weights.shape[0], _ROWS_PER_BATCH):
        out[s : s + _ROWS_PER_BATCH] = scorer.tile_scores(weights[s : s + _ROWS_PER_BATCH])
    return out if scorer.higher_is_better else -out


def _pair_keys(scorer: Scorer, weights: FloatArray, upper: IntArray, lower: IntArray) -> FloatArray:
    """Keys ``(K, 2)`` of the two alternatives of a pair per weight vector."""
    alts = np.stack([upper, lower], axis=1)
    if scorer.separable:
        s = scorer.subset_scores(weights, alts)
        return s if scorer.higher_is_better else -s
    out = np.empty((weights.shape[0], 2))
    for s0 in range(0, weights.shape[0], _ROWS_PER_BATCH):
        sl = slice(s0, s0 + _ROWS_PER_BATCH)
        full = _keys(scorer, weights[sl])
        out[sl] = np.take_along_axis(full, alts[sl], axis=1)
    return out


def _top_margin(keys: FloatArray, leader: int) -> tuple[FloatArray, IntArray]:
    """Best rival's key minus the leader's (> 0: the top has changed) and that rival."""
    rival = keys.copy()
    rival[:, leader] = -np.inf
    taker = np.argmax(rival, axis=1)
    best = rival[np.arange(keys.shape[0]), taker]
    return best - keys[:, leader], taker.astype(np.int64)


def _illinois(
    lo: FloatArray,
    hi: FloatArray,
    f_lo: FloatArray,
    f_hi: FloatArray,
    width: FloatArray,
    tol: float,
    margin: Any,
) -> tuple[FloatArray, FloatArray]:
    """Shrink brackets ``[lo, hi]`` (``f(lo) <= 0 < f(hi)``) until ``(hi - lo) * width <= tol``.

    Vectorised Illinois (modified regula falsi; Dowell & Jarratt 1971): the
    false-position point, with the retained end's value halved when the same
    end is kept twice; every third step, and whenever the false-position point
    is not strictly inside the bracket, the midpoint (so each bracket at least
    halves every three steps). ``margin(idx, u)`` evaluates ``f`` for the
    brackets ``idx`` at points ``u``. The invariant ``f(lo) <= 0 < f(hi)`` holds
    throughout.
    """
    lo, hi, f_lo, f_hi = lo.copy(), hi.copy(), f_lo.copy(), f_hi.copy()
    last = np.zeros(lo.shape, dtype=np.int8)  # +1: hi was replaced last, -1: lo was
    step = 0
    while True:
        idx = np.flatnonzero((hi - lo) * width > tol)
        if idx.size == 0:
            return lo, hi
        a, b, fa, fb = lo[idx], hi[idx], f_lo[idx], f_hi[idx]
        mid = 0.5 * (a + b)
        rf = np.divide(a * fb - b * fa, fb - fa, out=mid.copy(), where=fb > fa)
        use_mid = (step % 3 == 2) | ~((rf > a) & (rf < b))
        u = np.where(use_mid, mid, rf)
        f = margin(idx, u)
        changed = f > 0.0
        hi[idx] = np.where(changed, u, b)
        f_hi[idx] = np.where(changed, f, fb)
        lo[idx] = np.where(changed, a, u)
        f_lo[idx] = np.where(changed, fa, f)
        prev = last[idx]
        # Illinois: the same end replaced twice in a row -> halve the value kept at the other end
        f_lo[idx] = np.where(changed & (prev == 1), 0.5 * f_lo[idx], f_lo[idx])
        f_hi[idx] = np.where(~changed & (prev == -1), 0.5 * f_hi[idx], f_hi[idx])
        last[idx] = np.where(changed, 1, -1)
        step += 1


def _report_point(lo: FloatArray, hi: FloatArray, width: FloatArray, tol: float, margin: Any) -> FloatArray:
    """The point reported for brackets narrower than ``tol / 2``: ``tol`` beyond the last unchanged point.

    It lies at least ``tol / 2`` beyond the change point, so the change shows
    there by a margin well above rounding, while ``tol`` closer to the base
    (the bracket's lower end) shows no change. Where the margin there is not
    positive (two changes within ``tol``), the bracket's upper end is kept.
    """
    step = np.divide(tol, width, out=np.zeros_like(width), where=width > 0)
    u = np.maximum(hi, np.minimum(lo + step, 1.0))
    ok = margin(np.arange(u.size), u) > 0.0
    out: FloatArray = np.where(ok, u, hi)
    return out


def _search(
    problem: Problem, scorer: Scorer, order: IntArray, grid: int, tol: float
) -> tuple[CriticalChanges, CriticalChanges]:
    """Bracket on a grid along the OAT path, then shrink all brackets at once."""
    w = problem.weights
    m, n = problem.m, problem.n
    leader = int(order[0])
    upper, lower = order[:-1], order[1:]
    q = upper.size
    crit = np.repeat(np.arange(m), 2)
    direction = np.tile(np.array([0, 1]), m)
    # span of the path in w_k per (criterion, direction): 1 - w_k up, w_k down
    span = np.where(direction == 0, 1.0 - w[crit], w[crit])
    # grid u = 0 (the base) .. 1; margins > 0 mean "changed"
    u_grid = np.arange(grid + 1) / grid
    g_crit = np.repeat(crit, grid + 1)
    g_dir = np.repeat(direction, grid + 1)
    g_u = np.tile(u_grid, 2 * m)
    gw = _path_weights(w, g_crit, g_dir, g_u)
    top_flat = np.full(gw.shape[0], -1.0)
    pair_flat = np.full((gw.shape[0], q), -1.0)
    for s0 in range(0, gw.shape[0], _ROWS_PER_BATCH):
        sl = slice(s0, s0 + _ROWS_PER_BATCH)
        keys = _keys(scorer, gw[sl])
        if n > 1:
            top_flat[sl] = _top_margin(keys, leader)[0]
        if q:
            pair_flat[sl] = keys[:, lower] - keys[:, upper]
    top_f = top_flat.reshape(2 * m, grid + 1, 1)
    pair_f = pair_flat.reshape(2 * m, grid + 1, q)
    # an empty path (w_k = 1 up, w_k = 0 down) changes nothing; the base point (u = 0) counts as unchanged
    empty = span <= 0.0
    top_f[empty] = -1.0
    pair_f[empty] = -1.0

    def first_bracket(f: FloatArray) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        ch = f[:, 1:, :] > 0.0
        has: BoolArray = np.asarray(ch.any(axis=1))
        g = np.argmax(ch, axis=1) + 1  # first changed grid index (>= 1)
        f_hi = np.take_along_axis(f, g[:, None, :], axis=1)[:, 0, :]
        f_lo = np.minimum(np.take_along_axis(f, (g - 1)[:, None, :], axis=1)[:, 0, :], 0.0)
        return has, (g - 1) / grid, g / grid, f_lo, f_hi

    t_has, t_lo, t_hi, t_flo, t_fhi = first_bracket(top_f)
    p_has, p_lo, p_hi, p_flo, p_fhi = first_bracket(pair_f)

    t_idx = np.flatnonzero(t_has[:, 0])

    def top_margin(idx: IntArray, u: FloatArray) -> FloatArray:
        rows = t_idx[idx]
        keys = _keys(scorer, _path_weights(w, crit[rows], direction[rows], u))
        return _top_margin(keys, leader)[0]

    if t_idx.size:
        lo_u, hi_u = _illinois(
            t_lo[t_idx, 0], t_hi[t_idx, 0], t_flo[t_idx, 0], t_fhi[t_idx, 0], span[t_idx], 0.5 * tol, top_margin
        )
        t_hi[t_idx, 0] = _report_point(lo_u, hi_u, span[t_idx], tol, top_margin)
    p_rows, p_cols = np.nonzero(p_has)

    def pair_margin(idx: IntArray, u: FloatArray) -> FloatArray:
        rows, cols = p_rows[idx], p_cols[idx]
        pk = _pair_keys(scorer, _path_weights(w, crit[rows], direction[rows], u), upper[cols], lower[cols])
        return pk[:, 1] - pk[:, 0]

    if p_rows.size:
        lo_u, hi_u = _illinois(
            p_lo[p_rows, p_cols],
            p_hi[p_rows, p_cols],
            p_flo[p_rows, p_cols],
            p_fhi[p_rows, p_cols],
            span[p_rows],
            0.5 * tol,
            pair_margin,
        )
        p_hi[p_rows, p_cols] = _report_point(lo_u, hi_u, span[p_rows], tol, pair_margin)
    # new weights at the upper end of each bracket (where the change is observed)
    wk = w[crit]

    def new_weight(u: FloatArray, d: IntArray, k: FloatArray) -> FloatArray:
        out: FloatArray = np.where(d == 0, k + u * (1.0 - k), k - u * k)
        return out

    top_new = new_weight(t_hi[:, 0], direction, wk)
    top_taker = np.full(2 * m, -1, dtype=np.int64)
    if t_idx.size:
        keys = _keys(scorer, _path_weights(w, crit[t_idx], direction[t_idx], t_hi[t_idx, 0]))
        top_taker[t_idx] = _top_margin(keys, leader)[1]
    pair_new = new_weight(p_hi, direction[:, None], wk[:, None])
    pair_taker = np.broadcast_to(lower, (2 * m, q))
    top = _finish(w, t_has[:, 0].reshape(m, 2), top_new.reshape(m, 2), top_taker.reshape(m, 2))
    pairs = _finish(
        w, p_has.reshape(m, 2, q), pair_new.reshape(m, 2, q), np.asarray(pair_taker).reshape(m, 2, q)
    )
    return top, pairs


# --------------------------------------------------------------------------- TOPSIS closed form


def _first_crossing(c2: FloatArray, c1: FloatArray, c0: FloatArray, x0: float, up: bool) -> FloatArray:
    """First ``x`` beyond ``x0`` (increasing ``x`` if ``up``, else decreasing to 0) where ``h(x) > 0`` begins.

    ``h(x) = c2 x^2 + c1 x + c0``; a crossing is a real root ``r`` where ``h``
    turns positive in the direction of travel (``h'(r) > 0`` going up,
    ``< 0`` going down). NaN where there is none. Roots by the stable
    formula (Press et al., *Numerical Recipes*, 3rd ed., 5.6); roots within a
    relative ``1e-9`` of ``x0`` count (a tie at the base).
    """
    disc = c1 * c1 - 4.0 * c2 * c0
    quad = c2 != 0.0
    real = quad & (disc >= 0.0)
    sq = np.sqrt(np.where(real, disc, 0.0))
    qq = -0.5 * (c1 + np.copysign(sq, c1))
    roots = np.full((2, c2.size), np.nan)
    np.divide(qq, c2, out=roots[0], where=real)
    np.divide(c0, qq, out=roots[1], where=real & (qq != 0.0))
    lin = ~quad & (c1 != 0.0)
    np.divide(-c0, c1, out=roots[0], where=lin)
    slope = 2.0 * c2 * roots + c1
    slack = 1e-9 * x0 if np.isfinite(x0) else 0.0
    if up:
        ok = (roots >= x0 - slack) & (slope > 0.0)
        out: FloatArray = np.where(ok, roots, np.inf).min(axis=0)
        out[~np.isfinite(out)] = np.nan
        return np.maximum(out, x0)
    ok = (roots <= x0 + slack) & (roots >= 0.0) & (slope < 0.0)
    out = np.where(ok, roots, -np.inf).max(axis=0)
    out[~np.isfinite(out)] = np.nan
    return np.minimum(out, x0)


def _closeness(t: FloatArray, a: FloatArray, big_a: FloatArray, b: FloatArray, big_b: FloatArray) -> FloatArray:
    """TOPSIS closeness on the path: ``D+^2 = t^2 a + (1 - t)^2 A``, ``D-^2 = t^2 b + (1 - t)^2 B``."""
    t2 = t * t
    r2 = (1.0 - t) * (1.0 - t)
    dp = np.sqrt(t2 * a + r2 * big_a)
    dm = np.sqrt(t2 * b + r2 * big_b)
    den = dp + dm
    out: FloatArray = np.divide(dm, den, out=np.full(den.shape, 0.5), where=den > 0.0)
    return out


def _refine(u_star: FloatArray, span: float, tol: float, margin: Any) -> tuple[BoolArray, FloatArray]:
    """Bracket every candidate ``u*`` by ``f(lo) <= 0 < f(hi)``, shrink below ``tol / 2``, pick the report point.

    The bracket starts ``tol / 4`` either side of ``u*`` (in weight units) and
    widens 64-fold until it holds a sign change of ``margin`` (at most 8
    times: the whole path); entries where none shows are infeasible (the
    closed-form crossing is below rounding). Returns ``(found, u_report)``.
    """
    k = u_star.size
    found = np.zeros(k, dtype=bool)
    u_rep = np.zeros(k)
    if k == 0:
        return found, u_rep
    idx_all = np.arange(k)
    lo = np.zeros(k)
    hi = np.zeros(k)
    f_lo = np.zeros(k)
    f_hi = np.zeros(k)
    todo = idx_all
    delta = tol / (4.0 * span)
    for _ in range(8):
        lo[todo] = np.clip(u_star[todo] - delta, 0.0, 1.0)
        hi[todo] = np.clip(u_star[todo] + delta, 0.0, 1.0)
        f_lo[todo] = margin(todo, lo[todo])
        f_hi[todo] = margin(todo, hi[todo])
        ok = (f_lo[todo] <= 0.0) & (f_hi[todo] > 0.0)
        found[todo[ok]] = True
        todo = todo[~ok]
        if todo.size == 0:
            break
        delta *= 64.0
    sel = np.flatnonzero(found)
    if sel.size == 0:
        return found, u_rep
    width = np.full(sel.size, span)

    def sub_margin(i: IntArray, u: FloatArray) -> FloatArray:
        out: FloatArray = margin(sel[i], u)
        return out

    a, b = _illinois(lo[sel], hi[sel], f_lo[sel], f_hi[sel], width, 0.5 * tol, sub_margin)
    u_rep[sel] = _report_point(a, b, width, tol, sub_margin)
    return found, u_rep


def _topsis_direction(
    wk: float,
    d: int,
    span: float,
    rows: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    leader: int,
    others: IntArray,
    upper: IntArray,
    lower: IntArray,
    tol: float,
) -> tuple[tuple[float, int] | None, IntArray, FloatArray]:
    """One criterion and direction of :func:`_topsis_closed_form`.

    ``rows`` are ``(a, A, b, B)`` of every alternative for this criterion.
    Returns the top change ``(new weight, taker)`` or None, and the pairs
    found with their new weights.
    """
    a, aa, b, bb = rows
    x0 = (wk / (1.0 - wk)) ** 2 if wk < 1.0 else np.inf

    def path_t(u: FloatArray) -> FloatArray:
        out: FloatArray = wk + u * (1.0 - wk) if d == 0 else wk - u * wk
        return out

    def to_u(x: FloatArray) -> FloatArray:
        r = np.sqrt(x)
        inf = np.isinf(r)
        t = np.where(inf, 1.0, r / (1.0 + np.where(inf, 0.0, r)))
        u = (t - wk) / (1.0 - wk) if d == 0 else (wk - t) / wk
        out: FloatArray = np.clip(u, 0.0, 1.0)
        return out

    def coefficients(i: Any, j: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        c2 = a[i] * b[j] - a[j] * b[i]
        c1 = a[i] * bb[j] + aa[i] * b[j] - a[j] * bb[i] - aa[j] * b[i]
        c0 = aa[i] * bb[j] - aa[j] * bb[i]
        return c2, c1, c0

    top: tuple[float, int] | None = None
    if others.size:  # every other alternative j against the leader
        xs = _first_crossing(*coefficients(leader, others), x0, d == 0)
        has = ~np.isnan(xs)
        if has.any():

            def top_margin(_idx: IntArray, u: FloatArray) -> FloatArray:
                c = _closeness(path_t(u)[:, None], a[None, :], aa[None, :], b[None, :], bb[None, :])
                lead = c[:, leader].copy()
                c[:, leader] = -np.inf
                out: FloatArray = c.max(axis=1) - lead
                return out

            ok, u_rep = _refine(np.array([float(to_u(xs[has]).min())]), span, tol, top_margin)
            if ok[0]:
                t_rep = path_t(u_rep)
                c = _closeness(t_rep, a, aa, b, bb)
                c[leader] = -np.inf
                top = (float(t_rep[0]), int(np.argmax(c)))
    found = np.zeros(0, dtype=np.int64)
    new_t = np.zeros(0)
    if upper.size:
        xs = _first_crossing(*coefficients(upper, lower), x0, d == 0)
        cand = np.flatnonzero(~np.isnan(xs))
        if cand.size:
            ui, uj = upper[cand], lower[cand]

            def pair_margin(idx: IntArray, u: FloatArray) -> FloatArray:
                t = path_t(u)
                i, j = ui[idx], uj[idx]
                out: FloatArray = _closeness(t, a[j], aa[j], b[j], bb[j]) - _closeness(t, a[i], aa[i], b[i], bb[i])
                return out

            ok, u_rep = _refine(to_u(xs[cand]), span, tol, pair_margin)
            found = cand[ok]
            new_t = path_t(u_rep[ok])
    return top, found, new_t


def _topsis_closed_form(
    problem: Problem, scorer: Scorer, order: IntArray, tol: float
) -> tuple[CriticalChanges, CriticalChanges]:
    """TOPSIS critical changes from the quadratic whose roots are the ties on the path, then confirmed.

    On the path ``w_k = t``, ``w_j = p_j (1 - t)`` (``p`` the other weights'
    proportions), ``(D+_i)^2 = t^2 a_i + (1 - t)^2 A_i`` with ``a_i = (r_ik - r+_k)^2``
    and ``A_i = Σ_{j≠k} p_j^2 (r_ij - r+_j)^2`` (likewise ``D-`` with ``b``,
    ``B``); ``C_j > C_i`` iff ``D+_i D-_j > D+_j D-_i``, i.e. with
    ``x = (t / (1 - t))^2``::

        h(x) = (x a_i + A_i)(x b_j + B_j) - (x a_j + A_j)(x b_i + B_i) > 0,

    a quadratic in ``x`` (``x`` grows with ``t``). Its first root beyond the
    base where ``h`` turns positive is the tie; the reported point is then
    bracketed and placed ``tol`` beyond the last unchanged weight, as by the
    search (:func:`_refine`). Linear work in the number of alternatives per
    criterion and direction.
    """
    w = problem.weights
    m, n = problem.m, problem.n
    n_u = scorer.n_unique
    g_plus = scorer.rhs[:, :n_u]
    g_minus = scorer.rhs[:, n_u:]
    if scorer.inverse is not None:
        g_plus = g_plus[:, scorer.inverse]
        g_minus = g_minus[:, scorer.inverse]
    # proportions of the other criteria on each criterion's path (shared equally when w_k = 1, as oat_weights)
    prop = oat_weights(w, np.arange(m), np.zeros((m, 1)))[:, 0, :]  # (m, m): row k = weights at w_k = 0
    p2 = prop * prop
    big_plus = p2 @ g_plus  # (m, n): A per criterion
    big_minus = p2 @ g_minus
    leader = int(order[0])
    upper, lower = order[:-1], order[1:]
    q = upper.size
    others = np.delete(np.arange(n, dtype=np.int64), leader)
    top_feasible = np.zeros((m, 2), dtype=bool)
    top_new = np.zeros((m, 2))
    top_taker = np.full((m, 2), -1, dtype=np.int64)
    pair_feasible = np.zeros((m, 2, q), dtype=bool)
    pair_new = np.zeros((m, 2, q))
    for k in range(m):  # criteria: each step is vectorised over the alternatives
        wk = float(w[k])
        rows = (g_plus[k], big_plus[k], g_minus[k], big_minus[k])
        for d, span in ((0, 1.0 - wk), (1, wk)):
            if span <= 0.0:
                continue
            top, pair_ok, pair_t = _topsis_direction(wk, d, span, rows, leader, others, upper, lower, tol)
            if top is not None:
                top_feasible[k, d] = True
                top_new[k, d], top_taker[k, d] = top
            pair_feasible[k, d, pair_ok] = True
            pair_new[k, d, pair_ok] = pair_t
    pair_taker = np.broadcast_to(lower, (m, 2, q)).copy()
    return _finish(w, top_feasible, top_new, top_taker), _finish(w, pair_feasible, pair_new, pair_taker)


# --------------------------------------------------------------------------- public


def critical_weight_changes(
    matrix: Any,
    weights: Any,
    types: Any,
    *,
    method: str = "wsm",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    rho: float = 0.5,
    grid: int = 64,
    tol: float = 1e-10,
) -> CriticalWeightsResult:
    r"""Smallest change of each criterion's weight that changes the top alternative or swaps adjacent ones.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix. Never modified.
    weights : array_like of shape (m,)
        Base weights (non-negative, sum 1).
    types : array_like of shape (m,)
        Criterion types.
    method : {"wsm", "topsis", "vikor", "gra"}, default "wsm"
        WSM and GRA (a weighted sum of grey coefficients that do not depend
        on the weights) use the closed form of Triantaphyllou & Sánchez
        (1997); TOPSIS the ties on the same path in closed form (roots of a
        quadratic), confirmed by bracketing; VIKOR a bracket-and-bisect search.
    normalization, bounds, v, rho
        Scoring as in :func:`ppeval.sensitivity.monte_carlo`.
    grid : int, default 64
        VIKOR only: grid points per direction used to bracket the first change.
    tol : float, default 1e-10
        TOPSIS and VIKOR: width of the final bracket in units of the weight.

    Returns
    -------
    CriticalWeightsResult

    Raises
    ------
    InputError
        On invalid inputs (those of :func:`~ppeval.sensitivity.monte_carlo`,
        ``grid < 2``, ``tol`` not in (0, 0.01]).

    Notes
    -----
    *Path.* Changing ``w_k`` by ``Δ`` and renormalising (Triantaphyllou &
    Sánchez 1997) moves along ``w*_k = (w_k + Δ)/(1 + Δ)``, the others keeping
    their proportions (as :func:`one_at_a_time`); ``Δ > -w_k`` so weights stay
    valid. WSM, TOPSIS and VIKOR rankings are invariant to a common positive
    factor on the weights, so the renormalisation does not matter.

    *WSM (closed form).* With ``P_i = Σ_k a_ik w_k`` (``a`` the normalised
    matrix) and ``A_i`` ranked above ``A_j``, the ranking of the pair reverses
    when ``w_k`` changes by more than

    .. math:: Δ_{k,i,j} = \frac{P_i - P_j}{a_{jk} - a_{ik}}

    (TS's ``δ_{k,i,j} = -Δ_{k,i,j}``; an increase when ``a_jk > a_ik``, a
    decrease otherwise), feasible when ``a_jk ≠ a_ik`` and ``Δ_{k,i,j} >= -w_k``
    (TS's condition ``δ <= W_k``). The relative change is
    ``δ'_{k,i,j} = 100 Δ_{k,i,j} / w_k`` percent. For the top alternative the
    smallest feasible ``|Δ_{k,1,j}|`` over ``j`` per direction is reported;
    for a pair, its own. The reported point is the tie; any further change
    reverses the pair.

    *TOPSIS (closed form, confirmed).* On the path ``w_k = t``, the other
    weights ``p_j (1 - t)`` keeping their proportions ``p``,
    ``(D+_i)^2 = t^2 a_i + (1 - t)^2 A_i`` with ``a_i = (r_ik - r+_k)^2`` and
    ``A_i = Σ_{j≠k} p_j^2 (r_ij - r+_j)^2``, likewise ``D-`` (``b``, ``B``);
    ``C_j > C_i`` iff ``D+_i D-_j > D+_j D-_i``, so with ``x = (t / (1 - t))^2``
    the lower ``A_j`` is ahead of ``A_i`` exactly where

    .. math:: h(x) = (x a_i + A_i)(x b_j + B_j) - (x a_j + A_j)(x b_i + B_i) > 0,

    a quadratic in ``x``. Its first root beyond the base at which ``h``
    turns positive is the tie (for the top: the nearest over all rivals).
    The tie is then bracketed by the scores on the path and the reported
    weight placed as by the search below (``tol`` beyond the last weight at
    which no change shows). Nothing is missed between grid points, and the
    work is linear in the number of alternatives (all pairs of a criterion
    and direction at once), so it runs on 100,000 alternatives.

    *VIKOR (search).* No closed form exists. For each criterion and
    direction, ``grid`` points along the path bracket the first weight at
    which the target changes (another alternative strictly ahead of the
    leader, or the lower alternative of a pair strictly ahead of the upper),
    then all brackets are shrunk at once until narrower than ``tol / 2``, by
    the Illinois variant of regula falsi on the score margin with a bisection
    step at least every third iteration (Dowell & Jarratt 1971). The reported
    new weight lies ``tol`` beyond the last weight at which no change was seen
    (so at least ``tol / 2`` beyond the change point): applying it shows the
    change, a weight ``tol`` closer to the base does not. A change
    that starts and ends between two grid points can be missed; raise
    ``grid`` to look closer.

    A change that needs ``w*_k = 1`` exactly (``Δ`` infinite) is reported as
    infeasible. All "no change possible" cases are ``feasible == False`` with
    zeros in the value fields.

    References
    ----------
    Triantaphyllou, E., & Sánchez, A. (1997). A sensitivity analysis approach
    for some deterministic multi-criteria decision-making methods. *Decision
    Sciences*, 28(1), 151-194.

    Dowell, M., & Jarratt, P. (1971). A modified regula falsi method for
    computing the root of an equation. *BIT Numerical Mathematics*, 11(2),
    168-174.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import critical_weight_changes
    >>> a = np.array([[0.9, 0.2], [0.4, 0.8], [0.3, 0.3]])
    >>> r = critical_weight_changes(a, [0.6, 0.4], [1, 1], method="wsm", normalization="max")
    >>> r.leader, bool(r.top.feasible[1, 0])
    (0, True)
    >>> round(float(r.top.new_weight[1, 0]), 4)  # w_2 at which A2 ties with A1
    0.4255
    """
    problem = as_problem(
        matrix, weights, types, method=method, normalization=normalization, bounds=bounds, v=v,
        rho=rho,
    )
    g = as_int(grid, "grid", minimum=2)
    tl = as_float(tol, "tol", low=0.0, high=0.01, low_open=True)
    scorer = build_scorer(
        problem.matrix,
        problem.types,
        method=problem.method,
        normalization=problem.kernel_normalization,
        bounds=problem.bounds,
        v=problem.v,
        rho=problem.rho,
        support=np.ones(problem.m, dtype=bool),
    )
    base = scorer.tile_scores(problem.weights[None, :])[0]
    order = _base_order(base, problem.higher_is_better)
    searched = False
    if problem.method in LINEAR_METHODS:  # WSM, and GRA (a weighted sum of grey coefficients)
        a = prepared_rows(
            problem.matrix, problem.types, problem.method, problem.kernel_normalization, problem.bounds, problem.rho
        )
        top, pairs = _wsm_closed_form(problem, a, order)
        exact = True
    elif problem.method == "topsis":
        top, pairs = _topsis_closed_form(problem, scorer, order, tl)
        exact = False
    else:
        searched = True
        top, pairs = _search(problem, scorer, order, g, tl)
        exact = False
    pair_alts = np.stack([order[:-1], order[1:]], axis=1).astype(np.int64)
    return CriticalWeightsResult(
        top=top,
        pairs=pairs,
        leader=int(order[0]),
        order=readonly(order),
        pair_alternatives=readonly(pair_alts),
        most_critical_top_absolute=_argmin_masked(top.ts_change, top.feasible),
        most_critical_top_relative=_argmin_masked(top.relative_percent, top.relative_defined),
        most_critical_any_absolute=_argmin_masked(pairs.ts_change, pairs.feasible),
        most_critical_any_relative=_argmin_masked(pairs.relative_percent, pairs.relative_defined),
        base_weights=readonly(problem.weights.copy()),
        base_scores=readonly(base),
        method=problem.method,
        normalization=problem.normalization,
        higher_is_better=problem.higher_is_better,
        exact=exact,
        tolerance=0.0 if exact else tl,
        grid=g if searched else 0,
    )
