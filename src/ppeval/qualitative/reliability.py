"""Survey reliability and rater agreement on a scale: Cronbach's alpha, ICC, KMO and Bartlett's test.

* :func:`cronbach_alpha` -- internal consistency of a questionnaire
  (respondents x items), with pairwise or listwise handling of missing
  answers, Feldt's confidence interval, corrected item-total correlations and
  alpha if an item is deleted (Cronbach 1951; Feldt, Woodruff & Salih 1987).
* :func:`icc` -- the six intraclass correlations of Shrout & Fleiss (1979) for
  a targets x raters table (expert panels scoring projects), with the F test
  and confidence interval of each (McGraw & Wong 1996).
* :func:`kmo_bartlett` -- Kaiser-Meyer-Olkin sampling adequacy (overall and per
  item; Kaiser 1974) and Bartlett's (1950) test of sphericity: do the items
  share enough variance for a factor analysis / a common scale?

All are plain functions on numpy arrays; ``nan`` marks a missing answer where
the function accepts one. Results are frozen dataclasses with read-only arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ppeval._checks import as_matrix, one_of, readonly
from ppeval._typing import FloatArray
from ppeval.errors import DegenerateError, InputError

__all__ = [
    "AlphaResult",
    "cronbach_alpha",
    "ICCResult",
    "ICC_KINDS",
    "icc",
    "KMOBartlettResult",
    "kmo_bartlett",
    "ALPHA_THRESHOLD",
    "ICC_THRESHOLD",
    "KMO_THRESHOLD",
]

#: Usual floor of an acceptable Cronbach's alpha (Nunnally 1978).
ALPHA_THRESHOLD = 0.7
#: Koo & Li (2016): ICC below 0.5 poor, 0.5-0.75 moderate, 0.75-0.9 good, above 0.9 excellent.
ICC_THRESHOLD = 0.75
#: Kaiser (1974): KMO below 0.5 unacceptable ("miserable" from 0.5, "middling" from 0.7).
KMO_THRESHOLD = 0.6

MissingPolicy = Literal["pairwise", "listwise"]
ICCKind = Literal["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
ICC_KINDS: tuple[str, ...] = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")


def _special() -> Any:
    """``scipy.special``, imported on first use: its F and chi-square tails (``fdtri``, ``fdtrc``,
    ``chdtrc``) are what ``scipy.stats.f`` / ``chi2`` call, without the ~1 s import of
    ``scipy.stats``; lazily, so ``ppeval evaluate`` pays for ``scipy.special`` only when an
    interval or p-value is computed."""
    import scipy.special

    return scipy.special


def _confidence(confidence: Any) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, int | float | np.floating):
        raise InputError(f"confidence is {confidence!r}; expected a number in (0, 1), e.g. 0.95")
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise InputError(f"confidence is {c!r}; it must lie strictly between 0 and 1, e.g. 0.95")
    return c


# --------------------------------------------------------------------------- Cronbach's alpha
@dataclass(frozen=True, eq=False)
class AlphaResult:
    """Cronbach's alpha of a set of items (arrays read-only).

    Attributes
    ----------
    alpha : float
        ``k / (k - 1) * (1 - sum_j s_j^2 / s_T^2)`` from the item covariance
        matrix (may be negative when items correlate negatively).
    ci : tuple of float
        Feldt's confidence interval ``(lower, upper)`` at ``confidence``.
    confidence : float
        Level of ``ci`` (0.95 by default).
    n : int
        Respondents behind ``ci`` (the ``n`` of Feldt's F distribution): the
        complete rows under ``"listwise"``; under ``"pairwise"`` the smallest
        number of respondents who answered both items of any pair (the most
        conservative choice: the interval is as wide as the thinnest part of
        the covariance matrix allows).
    n_respondents : int
        Rows with at least one answer.
    k : int
        Number of items.
    missing : {"pairwise", "listwise"}
        How missing answers were handled.
    covariance : ndarray, shape (k, k)
        Item covariance matrix (divisor ``count - 1``) the statistics use.
    item_total : ndarray, shape (k,)
        Corrected item-total correlation: item ``j`` against the sum of the
        other items (computed from ``covariance``); 0 for a constant item.
    alpha_if_deleted : ndarray or None, shape (k,)
        Alpha of the remaining items when item ``j`` is left out (None when
        ``k == 2``: one item has no alpha).
    """

    alpha: float
    ci: tuple[float, float]
    confidence: float
    n: int
    n_respondents: int
    k: int
    missing: str
    covariance: FloatArray
    item_total: FloatArray
    alpha_if_deleted: FloatArray | None


def _unit_scale(x: FloatArray) -> tuple[FloatArray, int]:
    """``x`` times a power of two ``2**-e`` with ``max |x|`` in [0.5, 1), and ``e`` (``x`` and 0 when
    ``max |x|`` lies within 2**±400, so ordinary data are computed bit for bit as given).

    Cronbach's alpha, the ICC and KMO/Bartlett do not depend on the unit of the data; scaling by a power
    of two is exact and keeps the squares and cross products of values near 1e300 or of subnormal values
    (5e-324) inside float64 instead of overflowing to inf or underflowing to 0. nan stays nan.
    """
    if x.size == 0:
        return x, 0
    top = float(np.fmax.reduce(np.abs(x), axis=None))
    if not (np.isfinite(top) and top > 0.0):
        return x, 0
    e = int(np.frexp(top)[1])
    if -400 < e < 400:  # squares and sums stay far inside float64: compute on the data as given
        return x, 0
    return np.ldexp(x, -e), e


def _pairwise_covariance(x: FloatArray) -> tuple[FloatArray, np.ndarray]:
    """Covariance of every pair of columns over the rows where both are present, and the pair counts."""
    present = ~np.isnan(x)
    p = present.astype(np.float64)
    n_col = p.sum(axis=0)
    # centre every column on its own mean first (covariances are shift-invariant; the cross products of
    # centred values lose no digits to large offsets)
    centre = np.divide(np.where(present, x, 0.0).sum(axis=0), n_col, out=np.zeros(x.shape[1]), where=n_col > 0)
    z = np.where(present, x - centre, 0.0)
    counts = p.T @ p  # rows where both j and l are present
    with np.errstate(invalid="ignore", divide="ignore"):
        # mean of column j over the rows where l is present too: sums_jl / counts_jl
        sums = z.T @ p  # sums[j, l] = sum of x_j over rows with j and l present
        mean_j = sums / counts
        mean_l = sums.T / counts
        cross = z.T @ z
        cov = (cross - counts * mean_j * mean_l) / (counts - 1.0)
    return cov, counts


def _alpha_from_cov(cov: FloatArray) -> float:
    k = cov.shape[0]
    total = float(cov.sum())
    return float(k / (k - 1.0) * (1.0 - float(np.trace(cov)) / total))


def cronbach_alpha(
    items: Any, *, missing: MissingPolicy = "pairwise", confidence: float = 0.95
) -> AlphaResult:
    """Cronbach's alpha with Feldt's confidence interval, item-total correlations and alpha if deleted.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Answers of ``n`` respondents (rows) to ``k >= 2`` items (columns), on a
        numeric scale; ``nan`` is a missing answer.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"``: the covariance of each pair of items over the rows
        where both are answered (every answer is used); ``"listwise"``: only
        respondents who answered every item.
    confidence : float, default 0.95
        Level of the confidence interval.

    Returns
    -------
    AlphaResult

    Raises
    ------
    InputError
        ``items`` not 2-D numeric, fewer than 2 items, inf values, a bad
        ``missing`` or ``confidence``; fewer than 2 complete rows (listwise)
        or a pair of items answered together by fewer than 2 respondents
        (pairwise), named by item index.
    DegenerateError
        When the variance of the total score is zero (every answer constant):
        alpha is 0/0; likewise when leaving one item out leaves a total that
        does not vary (alpha if that item is deleted is 0/0; the item is named).

    Notes
    -----
    With ``C`` the item covariance matrix (divisor ``n - 1``):

    .. math::

        \\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1^T C \\mathbf 1}\\Big).

    Feldt's interval: ``(1 - alpha)/(1 - alpha_pop)`` follows an F
    distribution with ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom, so
    ``[1 - (1 - alpha) F_{1-g/2}, 1 - (1 - alpha) F_{g/2}]`` with ``g = 1 -
    confidence`` (the interval pingouin and SPSS report). The corrected
    item-total correlation of item ``j`` is
    ``sum_{l != j} C_jl / sqrt(C_jj * sum_{l,l' != j} C_ll')``. Alpha equals
    ICC(3,k) on a complete table (McGraw & Wong 1996).

    Pairwise covariances need not form a positive semi-definite matrix; the
    formula is still the one R's ``psych::alpha(use="pairwise")`` applies.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. *Psychometrika* 16(3), 297-334.

    Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987). Statistical inference
    for coefficient alpha. *Applied Psychological Measurement* 11(1), 93-103.

    Nunnally, J. C. (1978). *Psychometric Theory* (2nd ed.). McGraw-Hill
    (the 0.7 rule of thumb).

    Examples
    --------
    The Shrout & Fleiss (1979) ratings, judges as items: alpha = ICC(3,4) = 0.91.

    >>> from ppeval.qualitative import cronbach_alpha
    >>> x = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(cronbach_alpha(x).alpha, 4)
    0.9093
    """
    x, scale = _unit_scale(as_matrix(items, "items", allow_nan=True))
    n_all, k = x.shape
    if k < 2:
        raise InputError(f"items has {k} column(s); Cronbach's alpha needs at least 2 items")
    policy = one_of(missing, ("pairwise", "listwise"), "missing")
    conf = _confidence(confidence)
    present = ~np.isnan(x)
    answered = present.any(axis=1)
    n_resp = int(answered.sum())
    if policy == "listwise":
        complete = present.all(axis=1)
        n = int(complete.sum())
        if n < 2:
            raise InputError(
                f"items has {n} complete row(s); listwise alpha needs at least 2 respondents who answered "
                "every item (use missing='pairwise')"
            )
        cov = np.cov(x[complete], rowvar=False)
    else:
        cov, counts = _pairwise_covariance(x)
        if counts.min() < 2:
            j, l_ = np.unravel_index(int(np.argmin(counts)), counts.shape)
            raise InputError(
                f"items {int(j)} and {int(l_)} were answered together by {int(counts[j, l_])} respondent(s); "
                "pairwise covariances need at least 2"
            )
        n = int(counts.min())
    total = float(cov.sum())
    # Sums of covariances cancel to rounding noise, not to an exact 0, when the total is constant
    # (pairwise covariances are not computed from the totals): compare with the covariances' scale.
    tol = 64.0 * float(np.finfo(np.float64).eps) * float(np.abs(cov).sum())
    if not total > tol:
        raise DegenerateError(
            "the total score does not vary (every item constant over the respondents, or items cancelling "
            "out): Cronbach's alpha is undefined"
        )
    alpha = _alpha_from_cov(cov)
    df1 = n - 1.0
    df2 = df1 * (k - 1.0)
    g = 1.0 - conf
    lower = 1.0 - (1.0 - alpha) * float(_special().fdtri(df1, df2, 1.0 - g / 2.0))
    upper = 1.0 - (1.0 - alpha) * float(_special().fdtri(df1, df2, g / 2.0))
    # item-total and alpha if deleted, from the covariance matrix
    row = cov.sum(axis=1)
    diag = np.diag(cov).copy()
    rest_var = total - 2.0 * row + diag  # variance of the sum of the other items
    cov_rest = row - diag
    den = diag * rest_var
    item_total = np.zeros(k)
    ok = (diag > tol) & (rest_var > tol)
    item_total[ok] = cov_rest[ok] / np.sqrt(den[ok])
    if_deleted: FloatArray | None = None
    if k > 2:
        if not (rest_var > tol).all():
            jj = int(np.argmin(rest_var > tol))
            raise DegenerateError(
                f"without item {jj} the total score does not vary: alpha if item {jj} is deleted is undefined"
            )
        tr_rest = float(np.trace(cov)) - diag
        vals = (k - 1.0) / (k - 2.0) * (1.0 - tr_rest / rest_var)
        if_deleted = readonly(vals)
    # the covariances in the data's own unit (everything else is unit-free)
    with np.errstate(over="ignore", under="ignore"):
        cov = np.ldexp(cov, 2 * scale)
    if not np.isfinite(cov).all():
        raise InputError(
            f"items holds values up to about {float(np.ldexp(1.0, scale)):.3g}: their covariances exceed the "
            "float64 range; divide items by a constant (alpha does not depend on the unit)"
        )
    return AlphaResult(
        alpha=float(alpha),
        ci=(float(lower), float(upper)),
        confidence=conf,
        n=n,
        n_respondents=n_resp,
        k=k,
        missing=policy,
        covariance=readonly(np.asarray(cov, dtype=np.float64)),
        item_total=readonly(item_total),
        alpha_if_deleted=if_deleted,
    )


# --------------------------------------------------------------------------- ICC
@dataclass(frozen=True)
class ICCResult:
    """One intraclass correlation with its F test and confidence interval.

    Attributes
    ----------
    kind : str
        ``ICC1``, ``ICC2``, ``ICC3`` (single rater) or ``ICC1k``, ``ICC2k``,
        ``ICC3k`` (mean of the ``k`` raters); Shrout & Fleiss's ICC(1,1),
        ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k).
    value : float
        The coefficient (negative when targets differ less than raters' noise).
    f : float or None
        F statistic of H0: ICC = 0 (``MSR / MSW`` for ICC1, ``MSR / MSE``
        otherwise); None when its denominator mean square is 0 (perfectly
        consistent raters: ``p = 0`` and the interval collapses as described
        in :func:`icc`).
    df1, df2 : float
        Degrees of freedom of ``f``.
    p : float
        One-sided p-value of the F test.
    ci : tuple of float
        Confidence interval ``(lower, upper)`` at ``confidence``.
    confidence : float
    n_targets, n_raters : int
    msr, msc, mse, msw : float
        Mean squares: between targets, between raters, residual (two-way) and
        within targets (one-way).
    """

    kind: str
    value: float
    f: float | None
    df1: float
    df2: float
    p: float
    ci: tuple[float, float]
    confidence: float
    n_targets: int
    n_raters: int
    msr: float
    msc: float
    mse: float
    msw: float


def icc(matrix: Any, *, kind: ICCKind = "ICC2k", confidence: float = 0.95) -> ICCResult:
    """Intraclass correlation of a targets x raters table (Shrout & Fleiss 1979).

    Parameters
    ----------
    matrix : array_like, shape (n, k)
        Scores of ``n >= 2`` targets (projects) by ``k >= 2`` raters (experts);
        complete (every rater scores every target).
    kind : {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}, default "ICC2k"
        ``1``: one-way random (each target rated by different raters);
        ``2``: two-way random, absolute agreement (raters a sample of
        possible raters); ``3``: two-way mixed, consistency (these raters
        only). ``k``: reliability of the mean of the ``k`` raters. The default
        fits an expert panel whose mean score is used.
    confidence : float, default 0.95
        Level of the confidence interval.

    Returns
    -------
    ICCResult

    Raises
    ------
    InputError
        Not a finite 2-D table (missing scores included: drop the target or
        impute first), fewer than 2 targets or raters, unknown ``kind``, bad
        ``confidence``.
    DegenerateError
        Every score equal (all mean squares 0): the ICC is 0/0; or the
        chosen form's denominator is not positive (an average-measure form
        when the targets' mean square ``MSR`` is 0, or ICC2k when ``MSR + (MSC
        - MSE)/n <= 0``): the coefficient is unbounded; or ``MSR`` and the
        error mean square are both 0 (F = 0/0). Sums of squares below
        ``64 eps`` times the total sum of squares count as 0.

    Notes
    -----
    Two-way ANOVA mean squares: ``MSR`` (targets, df ``n - 1``), ``MSC``
    (raters, ``k - 1``), ``MSE`` (residual, ``(n - 1)(k - 1)``) and the one-way
    ``MSW = (SSC + SSE) / (n (k - 1))``.

    ==========  ==========================================================
    ICC1        ``(MSR - MSW) / (MSR + (k - 1) MSW)``
    ICC2        ``(MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n)``
    ICC3        ``(MSR - MSE) / (MSR + (k - 1) MSE)``
    ICC1k       ``(MSR - MSW) / MSR``
    ICC2k       ``(MSR - MSE) / (MSR + (MSC - MSE) / n)``
    ICC3k       ``(MSR - MSE) / MSR``
    ==========  ==========================================================

    F tests and intervals as Shrout & Fleiss (1979) and McGraw & Wong (1996):
    ``F = MSR/MSW`` (ICC1, ICC1k) or ``MSR/MSE``; for forms 1 and 3 the
    limits follow from ``F_L = F / F_{1-g/2}(df1, df2)`` and ``F_U = F
    F_{1-g/2}(df2, df1)``; ICC2 uses Satterthwaite's approximate degrees of
    freedom, and ICC2k the Spearman-Brown step-up of ICC2's limits (as R's
    ``psych::ICC`` and pingouin do).

    A zero denominator mean square (raters that agree perfectly after their
    offsets) gives ``f = None``, ``p = 0`` and, for forms 1 and 3, the
    interval ``(1, 1)`` (the limit ``F -> inf``).

    References
    ----------
    Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: Uses in
    assessing rater reliability. *Psychological Bulletin* 86(2), 420-428.

    McGraw, K. O. & Wong, S. P. (1996). Forming inferences about some
    intraclass correlation coefficients. *Psychological Methods* 1(1), 30-46.

    Koo, T. K. & Li, M. Y. (2016). A guideline of selecting and reporting
    intraclass correlation coefficients for reliability research. *Journal of
    Chiropractic Medicine* 15(2), 155-163 (thresholds).

    Examples
    --------
    Shrout & Fleiss's Table 2 (6 targets, 4 judges); published ICC(2,1) = 0.29:

    >>> from ppeval.qualitative import icc
    >>> x = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(icc(x, kind="ICC2").value, 2)
    0.29
    """
    x, scale = _unit_scale(as_matrix(matrix, "matrix", min_rows=2))
    n, k = x.shape
    if k < 2:
        raise InputError(f"matrix has {k} column(s); the ICC needs at least 2 raters")
    form = one_of(kind, ICC_KINDS, "kind")
    conf = _confidence(confidence)
    g = 1.0 - conf
    # centre on the grand mean first: exact sums of squares for large offsets
    grand = float(x.mean())
    d = x - grand
    row_m = d.mean(axis=1)
    col_m = d.mean(axis=0)
    ss_tot = float(np.einsum("ij,ij->", d, d))
    ss_r = k * float(row_m @ row_m)
    ss_c = n * float(col_m @ col_m)
    resid = d - row_m[:, None] - col_m[None, :]
    ss_e = float(np.einsum("ij,ij->", resid, resid))
    if ss_tot == 0.0:
        raise DegenerateError("every score in matrix is equal: the ICC is undefined (0/0)")
    # A sum of squares at rounding level of the total is 0 (an offset a x + b must not turn an exact 0
    # into 1e-30 and flip the F test).
    tol = 64.0 * float(np.finfo(np.float64).eps) * ss_tot
    ss_r, ss_c, ss_e = (v if v > tol else 0.0 for v in (ss_r, ss_c, ss_e))
    df_r, df_c, df_e = n - 1.0, k - 1.0, (n - 1.0) * (k - 1.0)
    df_w = n * (k - 1.0)
    msr, msc, mse = ss_r / df_r, ss_c / df_c, ss_e / df_e
    msw = (ss_c + ss_e) / df_w
    base = form[:4]
    average = form.endswith("k")
    if base == "ICC1":
        num, dfd, den_ms = msr - msw, df_w, msw
        den = msr if average else msr + (k - 1.0) * msw
    elif base == "ICC2":
        num, dfd, den_ms = msr - mse, df_e, mse
        den = msr + (msc - mse) / n if average else msr + (k - 1.0) * mse + k * (msc - mse) / n
    else:
        num, dfd, den_ms = msr - mse, df_e, mse
        den = msr if average else msr + (k - 1.0) * mse
    if not den > 0.0:
        raise DegenerateError(
            f"{form} is undefined for this table: its denominator is {den:.3g} (the targets' mean square is "
            f"{msr:.3g}: the targets hardly differ while the raters do); use a single-rater form or more targets"
        )
    value = num / den
    if msr == 0.0 and den_ms == 0.0:
        raise DegenerateError(
            f"{form}'s F test is undefined for this table: the targets' mean square and the error mean square "
            "are both 0 (every target gets the same scores; the raters differ only by constant offsets), F = 0/0"
        )
    f_stat: float | None
    if den_ms > 0.0:
        f_stat = msr / den_ms
        p = float(_special().fdtrc(df_r, dfd, f_stat))
    else:
        f_stat, p = None, 0.0
    if base in ("ICC1", "ICC3"):
        if f_stat is None:
            lo, hi = 1.0, 1.0
        else:
            fl = f_stat / float(_special().fdtri(df_r, dfd, 1.0 - g / 2.0))
            fu = f_stat * float(_special().fdtri(dfd, df_r, 1.0 - g / 2.0))
            if average:
                lo, hi = 1.0 - 1.0 / fl, 1.0 - 1.0 / fu
            else:
                lo, hi = (fl - 1.0) / (fl + k - 1.0), (fu - 1.0) / (fu + k - 1.0)
    else:
        lo, hi = _icc2_interval(msr, msc, mse, n, k, g)
        if average:
            step_lo, step_hi = 1.0 + lo * (k - 1.0), 1.0 + hi * (k - 1.0)
            if not (step_lo > 0.0 and step_hi > 0.0):  # a single-rater limit at or below -1/(k-1)
                raise DegenerateError(
                    f"{form}'s confidence interval is undefined for this table: a limit of the single-rater "
                    f"interval ({lo:.3g}, {hi:.3g}) is at or below -1/(k-1) = {-1.0 / (k - 1.0):.3g}, where the "
                    f"step-up to {k} raters has no finite value; use a single-rater form or more targets"
                )
            lo, hi = lo * k / step_lo, hi * k / step_hi
    if not np.isfinite([value, p, lo, hi]).all():  # pragma: no cover - guarded by the cases above
        raise DegenerateError(f"{form} has no finite value or interval for this table")
    # the mean squares in the data's own unit (everything else is unit-free)
    with np.errstate(over="ignore", under="ignore"):
        msr, msc, mse, msw = (float(np.ldexp(v, 2 * scale)) for v in (msr, msc, mse, msw))
    if not np.isfinite([msr, msc, mse, msw]).all():
        raise InputError(
            f"matrix holds values up to about {float(np.ldexp(1.0, scale)):.3g}: their mean squares exceed the "
            "float64 range; divide matrix by a constant (the ICC does not depend on the unit)"
        )
    return ICCResult(
        kind=form,
        value=float(value),
        f=None if f_stat is None else float(f_stat),
        df1=df_r,
        df2=dfd,
        p=p,
        ci=(float(lo), float(hi)),
        confidence=conf,
        n_targets=n,
        n_raters=k,
        msr=msr,
        msc=msc,
        mse=mse,
        msw=msw,
    )


def _icc2_interval(msr: float, msc: float, mse: float, n: int, k: int, g: float) -> tuple[float, float]:
    """Confidence limits of ICC(2,1) with Satterthwaite's degrees of freedom (McGraw & Wong 1996, case 2A)."""
    icc2 = (msr - mse) / (msr + (k - 1.0) * mse + k * (msc - mse) / n)
    if icc2 >= 1.0:  # MSE = MSC = 0: raters identical, the interval collapses
        return 1.0, 1.0
    a = k * icc2 / (n * (1.0 - icc2))
    b = 1.0 + k * icc2 * (n - 1.0) / (n * (1.0 - icc2))
    num = (a * msc + b * mse) ** 2
    den = (a * msc) ** 2 / (k - 1.0) + (b * mse) ** 2 / ((n - 1.0) * (k - 1.0))
    v = num / den if den > 0.0 else math.inf
    fs = float(_special().fdtri(n - 1.0, v, 1.0 - g / 2.0))
    fi = float(_special().fdtri(v, n - 1.0, 1.0 - g / 2.0))
    c = k * msc + (k * n - k - n) * mse
    lo = n * (msr - fs * mse) / (fs * c + n * msr)
    hi = n * (fi * msr - mse) / (c + n * fi * msr)
    return lo, hi


# --------------------------------------------------------------------------- KMO and Bartlett
@dataclass(frozen=True, eq=False)
class KMOBartlettResult:
    """Sampling adequacy and sphericity of a set of items (arrays read-only).

    Attributes
    ----------
    kmo : float
        Overall Kaiser-Meyer-Olkin measure in [0, 1].
    kmo_per_item : ndarray, shape (p,)
        Measure of sampling adequacy (MSA) of every item.
    chi2 : float
        Bartlett's statistic ``-(n - 1 - (2p + 5)/6) ln |R|``.
    df : int
        ``p (p - 1) / 2``.
    p_value : float
        Upper tail of the chi-square distribution (small: the correlation
        matrix is not the identity, the items share variance).
    n : int
        Respondents used (complete rows).
    correlation : ndarray, shape (p, p)
        Pearson correlation matrix of the items.
    partial : ndarray, shape (p, p)
        Anti-image (partial) correlations, diagonal 1.
    """

    kmo: float
    kmo_per_item: FloatArray
    chi2: float
    df: int
    p_value: float
    n: int
    correlation: FloatArray
    partial: FloatArray


def kmo_bartlett(items: Any) -> KMOBartlettResult:
    """Kaiser-Meyer-Olkin measure (overall and per item) and Bartlett's test of sphericity.

    Parameters
    ----------
    items : array_like, shape (n, p)
        Answers of ``n`` respondents to ``p >= 2`` items; rows with a ``nan``
        are left out (listwise), as SPSS does for this table.

    Returns
    -------
    KMOBartlettResult

    Raises
    ------
    InputError
        Not 2-D numeric, inf values, fewer than 2 items, fewer than ``p + 1``
        complete rows.
    DegenerateError
        A constant item (its correlations are undefined; named), or a
        singular correlation matrix (items that are exact linear combinations
        of others: the partial correlations and ``ln |R|`` are undefined).

    Notes
    -----
    With ``R`` the correlation matrix and ``Q = R^{-1}``, the partial
    correlations are ``a_ij = -Q_ij / sqrt(Q_ii Q_jj)`` and

    .. math::

        KMO = \\frac{\\sum_{i \\ne j} r_{ij}^2}{\\sum_{i \\ne j} r_{ij}^2 + \\sum_{i \\ne j} a_{ij}^2},
        \\qquad
        MSA_i = \\frac{\\sum_{j \\ne i} r_{ij}^2}{\\sum_{j \\ne i} r_{ij}^2 + \\sum_{j \\ne i} a_{ij}^2}.

    Bartlett: ``chi2 = -(n - 1 - (2p + 5)/6) ln |R|`` with ``p (p - 1)/2``
    degrees of freedom. With 2 items the partial correlation equals the
    correlation and KMO is 0.5 whatever the data. Kaiser's labels: >= 0.9 marvellous, 0.8 meritorious,
    0.7 middling, 0.6 mediocre, 0.5 miserable, below unacceptable.

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*
    39(1), 31-36.

    Bartlett, M. S. (1950). Tests of significance in factor analysis. *British
    Journal of Statistical Psychology* 3(2), 77-85.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.qualitative import kmo_bartlett
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 1))
    >>> res = kmo_bartlett(f + 0.5 * rng.normal(size=(200, 4)))
    >>> res.kmo > 0.8, res.p_value < 1e-10
    (True, True)
    """
    x, _ = _unit_scale(as_matrix(items, "items", allow_nan=True))
    p = x.shape[1]
    if p < 2:
        raise InputError(f"items has {p} column(s); KMO and Bartlett's test need at least 2 items")
    complete = ~np.isnan(x).any(axis=1)
    xc = x[complete]
    n = xc.shape[0]
    if n < p + 1:
        raise InputError(
            f"items has {n} complete row(s) for {p} items; the correlation matrix needs at least {p + 1} "
            "respondents who answered every item"
        )
    sd = xc.std(axis=0)
    if not (sd > 0.0).all():
        j = int(np.argmin(sd > 0.0))
        raise DegenerateError(f"item {j} is constant over the complete rows: its correlations are undefined")
    z = (xc - xc.mean(axis=0)) / sd
    r = (z.T @ z) / n
    np.fill_diagonal(r, 1.0)
    sign, logdet = np.linalg.slogdet(r)
    cond = np.linalg.cond(r)
    if sign <= 0 or not np.isfinite(logdet) or cond > 1e12:
        raise DegenerateError(
            "the item correlation matrix is singular (some items are exact linear combinations of others, "
            f"condition number {cond:.3g}): partial correlations and Bartlett's ln|R| are undefined"
        )
    q = np.linalg.inv(r)
    dq = np.sqrt(np.diag(q))
    a = -q / np.outer(dq, dq)
    np.fill_diagonal(a, 1.0)
    off = ~np.eye(p, dtype=bool)
    r2 = np.where(off, r * r, 0.0)
    a2 = np.where(off, a * a, 0.0)
    # an item uncorrelated with every other (all r and a zero) shares nothing: MSA 0, not 0/0
    tot_r, tot_a = r2.sum(axis=1), a2.sum(axis=1)
    den = tot_r + tot_a
    per = np.divide(tot_r, den, out=np.zeros(p), where=den > 0.0)
    kmo = float(tot_r.sum() / den.sum()) if den.sum() > 0.0 else 0.0
    chi2 = -(n - 1.0 - (2.0 * p + 5.0) / 6.0) * float(logdet)
    df = p * (p - 1) // 2
    return KMOBartlettResult(
        kmo=kmo,
        kmo_per_item=readonly(per),
        chi2=float(chi2),
        df=df,
        p_value=float(_special().chdtrc(df, chi2)),
        n=int(n),
        correlation=readonly(r),
        partial=readonly(a),
    )
