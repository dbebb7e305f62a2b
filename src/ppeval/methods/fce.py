"""Fuzzy comprehensive evaluation (FCE): grade vector, crisp score, maximum-membership grade.

Single level: :func:`fce` composes the weights ``A`` of the indicators with
their membership matrix ``R`` (one row per indicator: its membership in each
evaluation grade) into the grade vector ``B = A o R``. Multi-level:
:func:`fce_hierarchy` evaluates indicator -> criterion -> dimension -> total,
the (normalised) grade vector of each node becoming a membership row at the
level above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ppeval._checks import one_of
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import InputError
from ppeval.methods._batch import axis_dot, weight_batch

__all__ = ["FCEOperator", "FCEResult", "fce", "FCEHierarchyResult", "fce_hierarchy"]

FCEOperator = Literal["weighted_average", "min_max", "product_max", "min_bounded_sum"]
"""Composition operator: M(·,+), M(∧,∨), M(·,∨) or M(∧,⊕)."""

_OPERATORS = ("weighted_average", "min_max", "product_max", "min_bounded_sum")
#: Bytes of one temporary (k_chunk, p_chunk, n, g) array of the max-based operators.
_CHUNK_BYTES = 1 << 23
#: Tolerance of the sum of local weights per parent node.
_LOCAL_SUM_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class FCEResult:
    """Result of a fuzzy comprehensive evaluation.

    Shapes: ``batch + (n_grades,)`` for the grade vectors and ``batch`` for
    the rest, where ``batch`` is ``(k,)`` for a batch of ``k`` weight vectors
    (first), then ``(n_projects,)`` for a batched membership array, then
    (in :func:`fce_hierarchy` levels) ``(n_nodes,)``; ``()`` for one
    evaluation (0-d arrays: use ``float(result.score)``).

    Attributes
    ----------
    grades : ndarray of float64
        The composed grade vector ``b`` (membership in each grade).
    normalized : ndarray of float64
        ``b / sum(b)``: a distribution over the grades. Equal to ``b`` (to
        rounding) for the weighted-average operator with rows of ``R``
        summing to 1; the max-based operators do not preserve the sum.
    score : ndarray of float64
        Crisp score ``normalized . grade_values``, between the lowest and
        the highest grade value.
    top_grade : ndarray of int64
        Index of the grade with the largest membership (maximum membership
        principle); the first such grade on ties.
    tied : ndarray of bool
        ``True`` where more than one grade attains the largest membership
        (the maximum-membership grade is then not unique).
    operator : str
        The composition operator used.
    """

    grades: FloatArray
    normalized: FloatArray
    score: FloatArray
    top_grade: IntArray
    tied: BoolArray
    operator: str


def _fmt(x: Any) -> str:
    return repr(str(x)) if isinstance(x, str | np.str_) else repr(x.item() if isinstance(x, np.generic) else x)


def _as_membership(
    membership: Any, n_grades: int | None, project_ids: Sequence[Any] | None,
    indicator_ids: Sequence[Any] | None, name: str = "membership",
) -> tuple[FloatArray, bool]:
    """Validate membership as (p, n, g); return it and whether the input was 2-D."""
    try:
        r = np.asarray(membership, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric: {exc}") from None
    if r.ndim not in (2, 3):
        raise InputError(
            f"{name} must have shape (n_indicators, n_grades) or (n_projects, n_indicators, n_grades); "
            f"got {r.shape}"
        )
    single = r.ndim == 2
    r3 = r[None] if single else r
    p, n, g = r3.shape
    if n < 1 or g < 2:
        raise InputError(f"{name} has shape {r.shape}; at least 1 indicator and 2 grades needed")
    if n_grades is not None and g != n_grades:
        raise InputError(f"{name} has {g} grades per row; grade_values has {n_grades}")
    if p == 0:
        raise InputError(f"{name} has no projects (shape {r.shape})")

    def at(idx: tuple[int, ...]) -> tuple[str, str]:
        """Position prefix (without the closing bracket) and the ids of row ``idx[:2]``."""
        pi, j = idx[0], idx[1]
        pos = f"{name}[{j}" if single else f"{name}[{pi}, {j}"
        parts = []
        if not single and project_ids is not None:
            parts.append(f"project {_fmt(project_ids[pi])}")
        if indicator_ids is not None:
            parts.append(f"indicator {_fmt(indicator_ids[j])}")
        return pos, (" (" + ", ".join(parts) + ")") if parts else ""

    bad = ~np.isfinite(r3) | (r3 < 0) | (r3 > 1)
    if bad.any():
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), r3.shape))
        pos, ctx = at(idx)
        raise InputError(f"{pos}, {idx[2]}] is {r3[idx]}{ctx}; memberships must lie in [0, 1]")
    empty = r3.sum(axis=-1) <= 0
    if empty.any():
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(empty)), empty.shape))
        pos, ctx = at(idx)
        raise InputError(
            f"{pos}]{ctx} is all zero: the indicator belongs to no grade (e.g. a cell without raters); "
            "fill or drop it before the evaluation"
        )
    return r3, single


def _as_grade_values(grade_values: Any) -> FloatArray:
    try:
        v = np.asarray(grade_values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"grade_values must be numeric: {exc}") from None
    if v.ndim != 1 or v.shape[0] < 2:
        raise InputError(f"grade_values must be 1-D with at least 2 grades; got shape {v.shape}")
    if not np.isfinite(v).all():
        i = int(np.argmax(~np.isfinite(v)))
        raise InputError(f"grade_values[{i}] is {v[i]}; grade values must be finite")
    return v


def _pair(op: str, w: FloatArray, r: FloatArray) -> FloatArray:
    """The t-norm part of the operator: min(w, r) or w * r (broadcast)."""
    return np.minimum(w, r) if op in ("min_max", "min_bounded_sum") else w * r


def _compose(r: FloatArray, w: FloatArray, op: str) -> FloatArray:
    """Grade vectors for every weight vector and project: r (p, n, g), w (k, n) -> (k, p, g)."""
    k = w.shape[0]
    p, n, g = r.shape
    if op == "weighted_average":
        if k == 1:  # bit-identical for a project whatever the other projects (see methods._batch)
            return axis_dot(r, w[0], 1)[None]
        return np.asarray(np.tensordot(w, r, axes=([1], [1])), dtype=np.float64)
    out = np.empty((k, p, g))
    per = 8 * n * g
    p_step = max(1, min(p, _CHUNK_BYTES // per))
    k_step = max(1, _CHUNK_BYTES // (per * p_step))
    for k0 in range(0, k, k_step):
        wk = w[k0:k0 + k_step, None, :, None]
        for p0 in range(0, p, p_step):
            t = _pair(op, wk, r[None, p0:p0 + p_step])  # (kc, pc, n, g)
            if op == "min_bounded_sum":
                out[k0:k0 + k_step, p0:p0 + p_step] = np.minimum(1.0, t.sum(axis=2))
            else:
                out[k0:k0 + k_step, p0:p0 + p_step] = t.max(axis=2)
    return out


def _finish(b: FloatArray, values: FloatArray, op: str) -> FCEResult:
    total = b.sum(axis=-1, keepdims=True)
    normalized = b / total
    score = axis_dot(normalized, values, -1)  # per project, whatever the number of projects
    score = np.clip(score, values.min(), values.max())
    top = np.argmax(b, axis=-1).astype(np.int64)
    peak = np.take_along_axis(b, top[..., None], axis=-1)
    tied = (b == peak).sum(axis=-1) > 1
    arrays = [np.array(a) for a in (b, normalized, score, top, tied)]  # copies; 0-d stays 0-d
    for a in arrays:
        a.setflags(write=False)
    return FCEResult(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], op)


def fce(
    membership: npt.ArrayLike,
    weights: npt.ArrayLike,
    grade_values: npt.ArrayLike,
    *,
    operator: FCEOperator = "weighted_average",
    project_ids: Sequence[Any] | None = None,
    indicator_ids: Sequence[Any] | None = None,
) -> FCEResult:
    """Fuzzy comprehensive evaluation ``B = A o R`` with a crisp score and the top grade.

    Parameters
    ----------
    membership : array_like, shape (n_indicators, n_grades) or (n_projects, n_indicators, n_grades)
        Membership matrix ``R``: entry ``r_jk`` in ``[0, 1]`` is indicator
        ``j``'s membership in grade ``k`` (e.g. the share of raters who
        chose grade ``k``, :func:`ppeval.qualitative.membership_matrix`).
        Rows need not sum to 1 but must not be all zero.
    weights : array_like, shape (n_indicators,) or (k, n_indicators)
        Indicator weights ``A`` (non-negative, summing to 1), or a batch.
    grade_values : array_like, shape (n_grades,)
        Crisp value of each grade (e.g. 95, 85, 70, 50), in the order of
        the membership columns (ascending or descending).
    operator : {"weighted_average", "min_max", "product_max", "min_bounded_sum"}
        Composition operator (see Notes). Default: the weighted average
        M(·,+), which uses all of R and every weight.
    project_ids, indicator_ids : sequence, optional
        Ids named in error messages.

    Returns
    -------
    FCEResult
        Shapes: weight batch first, then projects (see :class:`FCEResult`).

    Raises
    ------
    InputError
        Shapes that do not match, memberships outside [0, 1] or an all-zero
        row (named by project and indicator), invalid weights, non-finite
        grade values, or an unknown operator.

    Notes
    -----
    With weights :math:`w_j` and memberships :math:`r_{jk}`:

    * M(·,+), weighted average: :math:`b_k = \\sum_j w_j r_{jk}`;
    * M(∧,∨), Zadeh's max-min composition: :math:`b_k = \\max_j \\min(w_j, r_{jk})`;
    * M(·,∨): :math:`b_k = \\max_j w_j r_{jk}`;
    * M(∧,⊕), bounded sum: :math:`b_k = \\min(1, \\sum_j \\min(w_j, r_{jk}))`.

    The crisp score is :math:`s = \\sum_k \\bar b_k v_k` with
    :math:`\\bar b = b / \\sum_k b_k` (the max-based operators do not give
    :math:`\\sum_k b_k = 1`, so ``b`` is normalised first; with M(·,+) and
    rows summing to 1, :math:`\\sum_k b_k = 1` already). The
    maximum-membership grade is :math:`\\arg\\max_k b_k`. M(∧,∨) lets a
    single indicator decide a grade and ignores small weights entirely,
    which is why the weighted average is the default for evaluations in
    which every indicator should count.

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8, 338-353.

    Wang, P. Z. (1983). *Fuzzy Set Theory and Its Applications* (in
    Chinese). Shanghai Scientific and Technical Publishers (fuzzy
    comprehensive evaluation and the operators M(∧,∨), M(·,∨), M(∧,⊕), M(·,+)).

    Ross, T. J. (2010). *Fuzzy Logic with Engineering Applications*, 3rd
    ed., Wiley (section "Fuzzy synthetic evaluation").

    Examples
    --------
    >>> r = fce([[0.2, 0.5, 0.3, 0.0], [0.1, 0.3, 0.5, 0.1]], [0.6, 0.4], [4, 3, 2, 1])
    >>> r.grades.round(2).tolist(), round(float(r.score), 2), int(r.top_grade)
    ([0.16, 0.42, 0.38, 0.04], 2.7, 1)
    """
    op = one_of(operator, _OPERATORS, "operator")
    values = _as_grade_values(grade_values)
    r3, single_r = _as_membership(membership, values.shape[0], project_ids, indicator_ids)
    w, single_w = weight_batch(weights, r3.shape[1])
    b = _compose(r3, w, op)  # (k, p, g)
    if single_r:
        b = b[:, 0]
    if single_w:
        b = b[0]
    return _finish(np.ascontiguousarray(b), values, op)


@dataclass(frozen=True, eq=False)
class FCEHierarchyResult:
    """Result of a multi-level fuzzy comprehensive evaluation.

    Attributes
    ----------
    total : FCEResult
        The evaluation of the root (shapes as :func:`fce` with one weight
        vector: ``(n_grades,)`` or ``(n_projects, n_grades)``).
    levels : tuple of FCEResult
        One result per level of ``levels``, bottom-up, for its parent
        nodes: grade vectors of shape ``(n_nodes, n_grades)`` or
        ``(n_projects, n_nodes, n_grades)`` (the last level has one node,
        the root, equal to ``total``).
    """

    total: FCEResult
    levels: tuple[FCEResult, ...]


def fce_hierarchy(
    membership: npt.ArrayLike,
    levels: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]],
    grade_values: npt.ArrayLike,
    *,
    operator: FCEOperator = "weighted_average",
) -> FCEHierarchyResult:
    """Multi-level fuzzy comprehensive evaluation (indicator -> criterion -> ... -> total).

    Parameters
    ----------
    membership : array_like, shape (n_indicators, n_grades) or (n_projects, n_indicators, n_grades)
        Membership matrix of the leaf indicators (as in :func:`fce`).
    levels : sequence of (parent, weights)
        Bottom-up. For the nodes of one level (the leaf indicators first),
        ``parent[j]`` is the index of node ``j``'s parent at the next level
        (``0..q-1``; every parent needs a child) and ``weights[j]`` its
        local weight; the local weights of the children of one parent sum
        to 1. The last level has a single parent, the root.
    grade_values : array_like, shape (n_grades,)
        Crisp value of each grade.
    operator : {"weighted_average", "min_max", "product_max", "min_bounded_sum"}
        Composition operator used at every level.

    Returns
    -------
    FCEHierarchyResult

    Raises
    ------
    InputError
        Invalid membership, parents (shape, range, a parent without
        children, a last level with more than one parent), local weights
        (negative, or not summing to 1 within a parent, named by parent),
        grade values or operator.

    Notes
    -----
    At each level, for parent :math:`c` with children :math:`j \\in C(c)`
    and local weights :math:`w_j`, :math:`b_c = A_c \\circ R_c` over the
    rows of its children (operators as in :func:`fce`); the normalised
    :math:`\\bar b_c = b_c / \\sum_k b_{ck}` is node :math:`c`'s membership
    row at the next level. With the weighted average and stochastic rows,
    the root's grade vector equals a one-level evaluation with the global
    weights (products of local weights along the path), since M(·,+) is
    linear; the max-based operators differ level by level.

    References
    ----------
    Wang, P. Z. (1983). *Fuzzy Set Theory and Its Applications* (in
    Chinese). Shanghai Scientific and Technical Publishers (multi-level
    comprehensive evaluation).

    Examples
    --------
    Two criteria of two indicators each, then the total:

    >>> R = [[0.6, 0.4, 0.0], [0.2, 0.6, 0.2], [0.0, 0.5, 0.5], [0.4, 0.4, 0.2]]
    >>> levels = [([0, 0, 1, 1], [0.5, 0.5, 0.25, 0.75]), ([0, 0], [0.6, 0.4])]
    >>> h = fce_hierarchy(R, levels, [90, 75, 60])
    >>> h.levels[0].grades.round(3).tolist()
    [[0.4, 0.5, 0.1], [0.3, 0.425, 0.275]]
    >>> h.total.grades.round(3).tolist(), round(float(h.total.score), 2)
    ([0.36, 0.47, 0.17], 77.85)
    """
    op = one_of(operator, _OPERATORS, "operator")
    values = _as_grade_values(grade_values)
    r3, single = _as_membership(membership, values.shape[0], None, None)
    if isinstance(levels, str | bytes) or len(levels) == 0:
        raise InputError("levels must be a non-empty sequence of (parent, weights) pairs, bottom-up")
    results: list[FCEResult] = []
    current = r3
    for li, level in enumerate(levels):
        try:
            parent_raw, w_raw = level
        except (TypeError, ValueError):
            raise InputError(f"levels[{li}] must be a (parent, weights) pair") from None
        n = current.shape[1]
        parent = np.asarray(parent_raw)
        if parent.shape != (n,) or (parent.size and parent.dtype.kind not in "iu"):
            raise InputError(
                f"levels[{li}] parent must hold {n} integer parent indices (one per node); "
                f"got shape {parent.shape}, dtype {parent.dtype}"
            )
        parent = parent.astype(np.int64)
        if (parent < 0).any():
            j = int(np.argmax(parent < 0))
            raise InputError(f"levels[{li}] parent[{j}] is {parent[j]}; parent indices must be >= 0")
        q = int(parent.max()) + 1
        counts = np.bincount(parent, minlength=q)
        if (counts == 0).any():
            c = int(np.argmin(counts))
            raise InputError(f"levels[{li}]: parent {c} has no child; parent indices must be 0..{q - 1} "
                             "with every parent used")
        if li == len(levels) - 1 and q != 1:
            raise InputError(f"the last level must lead to a single root; levels[{li}] has {q} parents")
        try:
            w = np.asarray(w_raw, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"levels[{li}] weights must be numeric: {exc}") from None
        if w.shape != (n,):
            raise InputError(f"levels[{li}] weights has shape {w.shape}; expected ({n},) (one per node)")
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            j = int(np.argmax(bad))
            raise InputError(f"levels[{li}] weights[{j}] is {w[j]}; local weights must be finite and >= 0")
        sums = np.bincount(parent, weights=w, minlength=q)
        off = np.abs(sums - 1.0) > _LOCAL_SUM_TOL
        if off.any():
            c = int(np.argmax(off))
            raise InputError(
                f"levels[{li}]: the local weights of parent {c}'s children sum to {float(sums[c])!r}; "
                "they must sum to 1"
            )
        w = w / sums[parent]
        if op == "weighted_average":
            wmat = np.zeros((q, n))
            wmat[parent, np.arange(n)] = w
            b = np.einsum("qn,png->pqg", wmat, current)
        else:
            order = np.argsort(parent, kind="stable")
            starts = np.flatnonzero(np.r_[True, parent[order][1:] != parent[order][:-1]])
            t = _pair(op, w[order][None, :, None], current[:, order, :])
            if op == "min_bounded_sum":
                b = np.minimum(1.0, np.add.reduceat(t, starts, axis=1))
            else:
                b = np.maximum.reduceat(t, starts, axis=1)
        res = _finish(np.ascontiguousarray(b[0] if single else b), values, op)
        results.append(res)
        current = b / b.sum(axis=-1, keepdims=True)
    last = results[-1]
    total = _finish(
        np.ascontiguousarray(last.grades[0] if single else last.grades[:, 0]), values, op
    )
    return FCEHierarchyResult(total=total, levels=tuple(results))
