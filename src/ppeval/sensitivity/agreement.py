"""Method agreement: is the ranking an artefact of the aggregation method?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval import methods, ranking
from ppeval._checks import as_bounds, as_matrix, as_types, as_weights, check_within_bounds, readonly
from ppeval._pymcdm import pymcdm_scores
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import DegenerateError, InputError

from ._common import as_float

__all__ = [
    "MethodAgreementResult",
    "method_agreement",
    "promethee_ii_usual",
    "NATIVE_METHODS",
    "DEFAULT_METHODS",
    "PAIRWISE_LIMIT",
]

#: ppeval's own methods: name -> (description). Absolute variants need ``bounds``.
NATIVE_METHODS: tuple[str, ...] = (
    "topsis_vector",
    "topsis_minmax",
    "topsis_absolute",
    "wsm",
    "wsm_absolute",
    "vikor",
    "gra",
    "gra_absolute",
)
DEFAULT_METHODS: tuple[str, ...] = (
    "topsis_vector",
    "topsis_minmax",
    "wsm",
    "vikor",
    "pymcdm:COPRAS",
    "pymcdm:PROMETHEE_II",
    "pymcdm:SPOTIS",
)
_PREFIX = "pymcdm:"
#: Above this many alternatives, PROMETHEE II is computed by :func:`promethee_ii_usual`
#: (O(m n log n) time, O(n m) memory) instead of pymcdm's pairwise tables (O(m n^2) memory:
#: 461 MiB at 1,000 alternatives, 6.3 GiB at 4,000). The two give the same net flows.
PAIRWISE_LIMIT = 500


@dataclass(frozen=True, eq=False)
class MethodAgreementResult:
    """Rankings of the same problem by several methods and their pairwise agreement (arrays read-only).

    ``p`` methods, ``n`` alternatives.

    Attributes
    ----------
    methods : tuple of str
        Method names, in the order of the rows.
    scores : ndarray of shape (p, n)
        Each method's own scores (orientation in ``higher_is_better``).
    higher_is_better : ndarray of bool, shape (p,)
    ranks : ndarray of int64, shape (p, n)
        Rankings (1 = best, ties share the smallest rank).
    spearman : ndarray of shape (p, p)
        Spearman's rank correlation of every pair of rankings (symmetric,
        diagonal 1).
    ws : ndarray of shape (p, p)
        WS similarity ``ws[a, b]`` of ranking ``b`` against ranking ``a`` as the
        reference (not symmetric; diagonal 1).
    reference : str
        The reference method.
    reference_index : int
        Its row.
    spearman_to_reference, ws_to_reference : ndarray of shape (p,)
        Row ``reference_index`` of ``spearman`` and ``ws``.
    same_top : ndarray of bool, shape (p,)
        Whether each method ranks first an alternative the reference ranks first.
    notes : tuple of str
        How a method was computed where that depends on the size of the
        problem (PROMETHEE II above :data:`PAIRWISE_LIMIT` alternatives).
    """

    methods: tuple[str, ...]
    scores: FloatArray
    higher_is_better: BoolArray
    ranks: IntArray
    spearman: FloatArray
    ws: FloatArray
    reference: str
    reference_index: int
    spearman_to_reference: FloatArray
    ws_to_reference: FloatArray
    same_top: BoolArray
    notes: tuple[str, ...] = ()


def promethee_ii_usual(matrix: Any, weights: Any, types: Any) -> FloatArray:
    r"""PROMETHEE II net outranking flows with the usual criterion, without pairwise tables.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix, ``n >= 2``.
    weights : array_like of shape (m,)
        Weights (non-negative, sum 1).
    types : array_like of shape (m,)
        Criterion types (1 benefit, -1 cost).

    Returns
    -------
    ndarray of shape (n,)
        Net flows :math:`\phi(a)` in [-1, 1]; higher is better.

    Raises
    ------
    InputError
        Invalid matrix, weights or types.

    Notes
    -----
    With the usual criterion :math:`P_j(a, b) = [t_j (x_{aj} - x_{bj}) > 0]`
    the net flow (Brans & Vincke 1985)

    .. math:: \phi(a) = \frac{1}{n-1} \sum_b \sum_j w_j (P_j(a, b) - P_j(b, a))
              = \frac{1}{n-1} \sum_j w_j t_j (L_j(a) - G_j(a))

    where :math:`L_j(a)` and :math:`G_j(a)` count the alternatives with a
    smaller and a larger value on criterion ``j``: one sort and two
    ``searchsorted`` per criterion, O(m n log n) time and O(n m) memory
    instead of the O(m n^2) pairwise preference tables. Equal to pymcdm's
    ``PROMETHEE_II("usual")`` (tested).

    References
    ----------
    Brans, J. P., & Vincke, P. (1985). A preference ranking organisation
    method. *Management Science*, 31(6), 647-656.

    Examples
    --------
    >>> x = [[4.0, 3.0, 2.0], [3.0, 2.0, 4.0], [5.0, 1.0, 3.0]]
    >>> promethee_ii_usual(x, [0.5, 0.3, 0.2], [1, 1, 1]).round(2).tolist()  # pymcdm's example
    [0.1, -0.3, 0.2]
    """
    x = as_matrix(matrix, "matrix", min_rows=2)
    n, m = x.shape
    t = as_types(types, m)
    wb, single = as_weights(weights, m)
    if not single:
        raise InputError(f"weights must be one weight vector of shape ({m},); got shape {wb.shape}")
    srt = np.sort(x, axis=0)
    net = np.zeros(n)
    for j in range(m):  # a loop over criteria, vectorised over alternatives
        less = np.searchsorted(srt[:, j], x[:, j], side="left")
        greater = n - np.searchsorted(srt[:, j], x[:, j], side="right")
        net += (wb[0, j] * t[j]) * (less - greater)
    out: FloatArray = net / (n - 1)
    return out


def _native(
    name: str, x: FloatArray, w: FloatArray, t: Any, bounds: FloatArray | None, v: float, rho: float = 0.5
) -> tuple[FloatArray, bool]:
    if name in ("topsis_absolute", "wsm_absolute", "gra_absolute") and bounds is None:
        raise InputError(f"method {name!r} is absolute mode and needs bounds; pass bounds=(worst, best) rows")
    if name == "topsis_vector":
        return np.asarray(methods.topsis(x, w, t, normalization="vector")), True
    if name == "topsis_minmax":
        return np.asarray(methods.topsis(x, w, t, normalization="minmax")), True
    if name == "topsis_absolute":
        return np.asarray(methods.topsis(x, w, t, normalization="minmax", bounds=bounds)), True
    if name == "wsm":
        return np.asarray(methods.wsm(x, w, t, normalization="minmax")), True
    if name == "wsm_absolute":
        return np.asarray(methods.wsm(x, w, t, normalization="minmax", bounds=bounds)), True
    if name == "gra":
        return np.asarray(methods.gra(x, w, t, rho=rho)), True
    if name == "gra_absolute":
        return np.asarray(methods.gra(x, w, t, rho=rho, bounds=bounds)), True
    return np.asarray(methods.vikor(x, w, t, v=v).Q), False


def _as_methods(methods_arg: Any) -> tuple[str, ...]:
    if isinstance(methods_arg, str):
        raise InputError(f"methods is the string {methods_arg!r}; pass a sequence of method names")
    names = tuple(methods_arg)
    if len(names) < 2:
        raise InputError(f"methods has {len(names)} entr{'y' if len(names) == 1 else 'ies'}; at least 2 needed")
    for i, nm in enumerate(names):
        if not isinstance(nm, str):
            raise InputError(f"methods[{i}] is {nm!r}; expected a method name")
        if nm not in NATIVE_METHODS and not (nm.startswith(_PREFIX) and len(nm) > len(_PREFIX)):
            raise InputError(
                f"methods[{i}] is {nm!r}; valid names are {', '.join(NATIVE_METHODS)} "
                "or 'pymcdm:<NAME>' (e.g. 'pymcdm:COPRAS')"
            )
    if len(set(names)) != len(names):
        dup = next(nm for i, nm in enumerate(names) if nm in names[:i])
        raise InputError(f"methods lists {dup!r} twice; give each method once")
    return names


def method_agreement(
    matrix: Any,
    weights: Any,
    types: Any,
    *,
    methods: Any = DEFAULT_METHODS,
    reference: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    rho: float = 0.5,
) -> MethodAgreementResult:
    r"""Rank one problem with several methods and compare the rankings.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix, ``n >= 2``. Never modified.
    weights : array_like of shape (m,)
        Weights (non-negative, sum 1).
    types : array_like of shape (m,)
        Criterion types.
    methods : sequence of str
        At least two of ``"topsis_vector"``, ``"topsis_minmax"``,
        ``"topsis_absolute"``, ``"wsm"`` (min-max), ``"wsm_absolute"``,
        ``"vikor"``, ``"gra"``, ``"gra_absolute"`` (ppeval's methods) and ``"pymcdm:<NAME>"`` for a pymcdm
        method (through :mod:`ppeval._pymcdm`: e.g. ``COPRAS``,
        ``PROMETHEE_II``, ``SPOTIS``, ``ARAS``, ``EDAS``, ``MABAC``). Default:
        TOPSIS (vector, min-max), WSM, VIKOR, COPRAS, PROMETHEE II, SPOTIS.
    reference : str or None
        The reference ranking for ``*_to_reference`` and ``same_top``
        (default: the first method).
    bounds : array_like of shape (m, 2) or None
        ``(worst, best)`` per criterion, for the absolute variants and SPOTIS
        (which otherwise uses the data's column ranges).
    v : float, default 0.5
        VIKOR's ``v``.
    rho : float, default 0.5
        GRA's distinguishing coefficient (``"gra"``, ``"gra_absolute"``).

    Returns
    -------
    MethodAgreementResult

    Raises
    ------
    InputError
        Invalid matrix (fewer than 2 alternatives), weights, types or bounds;
        an unknown or repeated method name, fewer than 2 methods, a reference
        not among ``methods``, an absolute variant without bounds, or a pymcdm
        method whose requirements are not met (COPRAS needs a cost criterion).
    DegenerateError
        If a method's result is undefined for these data, or a method ranks
        every alternative equal (Spearman's correlation is then undefined);
        the message names the method.

    Notes
    -----
    Spearman: Pearson correlation of average ranks (:func:`ppeval.ranking.spearman`).
    WS (Sałabun & Urbaniak 2020): ``WS = 1 - Σ_i 2^{-x_i} |x_i - y_i| /
    max(|x_i - 1|, |x_i - n|)`` with ``x`` the reference ranking, weighting
    disagreements at the top most (:func:`ppeval.ranking.ws_coefficient`).
    A method agrees with itself: diagonals are exactly 1. pymcdm methods run
    with ``validation=False`` on ppeval-validated inputs; see
    :mod:`ppeval._pymcdm` for their conventions (COPRAS with the published
    relative-significance formula, PROMETHEE II with the usual criterion,
    SPOTIS bounds).

    References
    ----------
    Sałabun, W., & Urbaniak, K. (2020). A new coefficient of rankings
    similarity in decision-making problems. *ICCS 2020*, LNCS 12138, 632-645.

    Spearman, C. (1904). The proof and measurement of association between two
    things. *American Journal of Psychology*, 15(1), 72-101.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import method_agreement
    >>> x = np.array([[7.0, 9.0, 2.0], [8.0, 7.0, 3.0], [9.0, 6.0, 5.0], [6.0, 7.0, 4.0]])
    >>> r = method_agreement(x, [0.4, 0.4, 0.2], [1, 1, -1], methods=("topsis_vector", "wsm", "vikor"))
    >>> r.ranks
    array([[1, 2, 3, 4],
           [1, 2, 3, 4],
           [1, 2, 3, 4]])
    >>> float(r.spearman.min())
    1.0
    """
    x = as_matrix(matrix, "matrix", min_rows=2)
    n, m = x.shape
    t = as_types(types, m)
    wb, single = as_weights(weights, m)
    if not single:
        raise InputError(f"weights must be one weight vector of shape ({m},); got shape {wb.shape}")
    w = wb[0]
    names = _as_methods(methods)
    ref = names[0] if reference is None else reference
    if ref not in names:
        raise InputError(f"reference is {ref!r}; it must be one of methods ({', '.join(names)})")
    bnd: FloatArray | None = None
    if bounds is not None:
        bnd = as_bounds(bounds, t)
        check_within_bounds(x, bnd)
    vv = as_float(v, "v", low=0.0, high=1.0)
    rr = as_float(rho, "rho", low=0.0, high=1.0, low_open=True)
    p = len(names)
    scores = np.empty((p, n))
    hib = np.empty(p, dtype=bool)
    notes: list[str] = []
    for i, nm in enumerate(names):  # a loop over methods, not over alternatives
        if nm == _PREFIX + "PROMETHEE_II" and n > PAIRWISE_LIMIT:
            s, h = promethee_ii_usual(x, w, t), True
            notes.append(
                f"PROMETHEE II (usual criterion) for {n} alternatives computed by ppeval's counting form "
                f"(O(m n log n); pymcdm's pairwise tables need O(m n^2) memory above {PAIRWISE_LIMIT}); "
                "the net flows are the same"
            )
        elif nm.startswith(_PREFIX):
            s, h = pymcdm_scores(nm[len(_PREFIX) :], x, w, t, bnd)
        else:
            s, h = _native(nm, x, w, t, bnd, vv, rr)
        scores[i] = s
        hib[i] = h
    ranks = np.stack([np.asarray(ranking.rank(scores[i], bool(hib[i])), dtype=np.int64) for i in range(p)])
    flat = (ranks == ranks[:, :1]).all(axis=1)
    if flat.any():
        i = int(np.argmax(flat))
        raise DegenerateError(
            f"method {names[i]!r} ranks every alternative equal; rank correlations are undefined"
        )
    # all pairs at once: a (p*p, n) batch of ranking pairs
    a_idx, b_idx = np.meshgrid(np.arange(p), np.arange(p), indexing="ij")
    ra = ranks[a_idx.ravel()]
    rb = ranks[b_idx.ravel()]
    sp = np.asarray(ranking.spearman(ra, rb), dtype=np.float64).reshape(p, p)
    ws = np.asarray(ranking.ws_coefficient(ra, rb), dtype=np.float64).reshape(p, p)
    r_i = names.index(ref)
    ref_top = ranks[r_i] == 1
    same_top = (ref_top[None, :] & (ranks == 1)).any(axis=1)
    return MethodAgreementResult(
        methods=names,
        scores=readonly(scores),
        higher_is_better=readonly(hib),
        ranks=readonly(ranks),
        spearman=readonly(sp),
        ws=readonly(ws),
        reference=ref,
        reference_index=r_i,
        spearman_to_reference=readonly(sp[r_i].copy()),
        ws_to_reference=readonly(ws[r_i].copy()),
        same_top=readonly(same_top),
        notes=tuple(notes),
    )
