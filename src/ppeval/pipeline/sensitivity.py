"""Sensitivity analysis of an :class:`~ppeval.pipeline.EvaluationResult`, for reports and the CLI.

Runs the numeric-core analyses of :mod:`ppeval.sensitivity` on the decision
matrix, weights, criterion types and bounds stored in the result, with the
result's own method, normalisation and mode, and checks that the analyses
start from the evaluated scores.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppeval.errors import InputError, PPEvalError, ReproducibilityError
from ppeval.pipeline.result import EvaluationResult
from ppeval.schema import IndicatorSystem
from ppeval.sensitivity import (
    CriticalWeightsResult,
    MethodAgreementResult,
    MonteCarloResult,
    OATResult,
    ShareSweepResult,
    critical_weight_changes,
    method_agreement,
    monte_carlo,
    one_at_a_time,
    qualitative_share_sweep,
)

__all__ = [
    "SensitivityAnalysis",
    "analyse_sensitivity",
    "OAT_STEPS",
    "SHARE_STEPS",
    "BASE_TOLERANCE",
    "MONTE_CARLO_LIMIT",
    "RANK_BINS",
    "CRITICAL_LIMIT",
]

#: Relative weight changes of the one-at-a-time analysis (the tornado): -50 % ... +50 %.
OAT_STEPS = np.linspace(-0.5, 0.5, 11)
#: Qualitative shares of the share sweep.
SHARE_STEPS = np.linspace(0.0, 1.0, 21)
#: Largest difference between the analyses' base scores and the evaluated scores accepted as equal.
BASE_TOLERANCE = 1e-9
#: Above this many projects the Monte Carlo rank acceptability is kept over
#: :data:`RANK_BINS` rank-percentile bins instead of every rank: the full SMAA-2 table holds
#: n x n cells (0.8 GB at 10,000 projects, 80 GB at 100,000). The rank statistics (mean, best,
#: worst, P(rank 1), P(top 3), P(top 10)) stay exact; rank quantiles are accurate to one bin.
MONTE_CARLO_LIMIT = 10_000
#: Rank bins of the Monte Carlo rank acceptability above :data:`MONTE_CARLO_LIMIT` projects.
RANK_BINS = 100
#: Above this many projects the critical weight changes are not run by default for VIKOR: its
#: search rescores every project for every adjacent pair at every step. WSM, GRA (closed form)
#: and TOPSIS (closed-form ties, confirmed) are linear in the number of projects and always run.
CRITICAL_LIMIT = 2_000


@dataclass(frozen=True, eq=False)
class SensitivityAnalysis:
    """Sensitivity analyses of one evaluation result.

    Attributes
    ----------
    samples : int
        Monte Carlo weight samples (0: no Monte Carlo run).
    seed : int or None
        Seed of the Monte Carlo draws.
    concentration : float or None
        Dirichlet concentration of the draws (None: uniform on the simplex).
    method : str
        Scoring method of the analyses (``topsis``, ``wsm``, ``vikor`` or ``gra``).
    normalization : str or None
        Normalisation of the analyses.
    absolute : bool
        Whether the analyses score against the indicator bounds.
    exact : bool
        True when the analyses reproduce the evaluated scores at the base
        weights (within :data:`BASE_TOLERANCE`); False when they use a proxy
        method (FCE and absolute VIKOR results, see ``notes``).
    monte_carlo : MonteCarloResult or None
        Rank acceptability, score spread and grade probabilities.
    one_at_a_time : OATResult or None
        Every weight changed by :data:`OAT_STEPS` (relative), the others
        keeping their proportions.
    oat_sweep : OATResult or None
        The weight of ``oat_sweep_indicator`` from 0 to 1 (absolute grid).
    oat_sweep_indicator : int
        Column of the indicator swept in ``oat_sweep`` (-1 if none).
    critical : CriticalWeightsResult or None
        Smallest weight changes that change the top project or swap adjacent projects.
    agreement : MethodAgreementResult or None
        Rankings by other methods compared with this one.
    share_sweep : ShareSweepResult or None
        Scores and ranks as the qualitative share of the weight goes from 0 to 1.
    notes : tuple of str
        What was approximated or could not be computed, and why.
    """

    samples: int
    seed: int | None
    concentration: float | None
    method: str
    normalization: str | None
    absolute: bool
    exact: bool
    monte_carlo: MonteCarloResult | None
    one_at_a_time: OATResult | None
    oat_sweep: OATResult | None
    oat_sweep_indicator: int
    critical: CriticalWeightsResult | None
    agreement: MethodAgreementResult | None
    share_sweep: ShareSweepResult | None
    notes: tuple[str, ...]

    def to_100(self, scores: Any) -> np.ndarray:
        """Method scores of the analyses on the 0-100 scale (VIKOR: ``100 (1 - Q)``)."""
        s = np.asarray(scores, dtype=np.float64)
        out: np.ndarray = 100.0 * (1.0 - s) if self.method == "vikor" else 100.0 * s
        return out


def _core_setup(result: EvaluationResult) -> tuple[str, str | None, Any, bool, list[str]]:
    """(method, normalization, bounds, exact, notes) of the core analyses for this result."""
    bounds = result.bounds if result.mode == "absolute" else None
    if result.method in ("topsis", "wsm"):
        norm = result.normalization if result.method == "topsis" else "minmax"
        return result.method, norm, bounds, True, []
    if result.method == "gra":
        return "gra", None, bounds, True, []
    if result.method == "vikor" and result.mode == "relative":
        return "vikor", None, None, True, []
    if result.method == "vikor":
        why = (
            "the sensitivity analyses use WSM against the bounds as a proxy: absolute-mode VIKOR "
            "(Q = v S + (1 - v) R / max w) has no batched form in ppeval.sensitivity; S is the WSM "
            "shortfall, so the proxy follows the group-utility part of Q"
        )
    else:
        why = (
            "the sensitivity analyses use WSM on the normalised values as a proxy: the FCE crisp score is "
            "a weighted average too, but of grade memberships that the result does not store per indicator"
        )
    return "wsm", "minmax", result.bounds if result.bounds is not None else None, False, [why]


def _try(notes: list[str], what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except PPEvalError as exc:
        notes.append(f"{what} not computed: {exc}")
        return None


def _agreement_methods(result: EvaluationResult, absolute: bool) -> tuple[list[str], str]:
    names = ["topsis_vector", "topsis_minmax", "wsm", "vikor"]
    if absolute:
        names = ["topsis_absolute", "wsm_absolute", *names]
    if result.method == "topsis":
        ref = "topsis_absolute" if absolute else f"topsis_{result.normalization}"
    elif result.method == "vikor" and not absolute:
        ref = "vikor"
    elif result.method == "gra":
        ref = "gra_absolute" if absolute else "gra"
        names.append(ref)
    else:
        ref = "wsm_absolute" if absolute else "wsm"
    if ref not in names:  # pragma: no cover - every reference above is listed
        names.insert(0, ref)
    names += ["pymcdm:PROMETHEE_II", "pymcdm:SPOTIS"]
    if (np.asarray(result.types) < 0).any():
        names.append("pymcdm:COPRAS")
    return names, ref


def analyse_sensitivity(
    result: EvaluationResult,
    system: IndicatorSystem | None = None,
    *,
    samples: int = 2000,
    seed: int | None = None,
    concentration: float | None = 200.0,
    executor: concurrent.futures.Executor | None = None,
    chunk_size: int | None = None,
) -> SensitivityAnalysis:
    """Run every sensitivity analysis on an evaluation result.

    Parameters
    ----------
    result : EvaluationResult
        The evaluation (its matrix, weights, types, bounds, method and mode are used).
    system : IndicatorSystem, optional
        The indicator system, for the grade bands of the grade probabilities.
    samples : int, default 2000
        Monte Carlo weight samples; 0 skips the Monte Carlo analysis.
    seed : int, optional
        Seed of the Monte Carlo draws (None: fresh entropy).
    concentration : float or None, default 200
        Dirichlet concentration of the draws around the evaluated weights
        (``Var(w_j) = w_j (1 - w_j) / (c + 1)``); None draws uniformly from the simplex.
    executor : concurrent.futures.Executor, optional
        Runs the Monte Carlo chunks (results do not depend on it).
    chunk_size : int, optional
        Monte Carlo samples per chunk (results do not depend on it).

    Returns
    -------
    SensitivityAnalysis

    Raises
    ------
    InputError
        If ``result`` is not an EvaluationResult, ``samples`` is not an
        integer >= 0, ``seed`` not an integer >= 0 or None, ``concentration``
        not a finite number > 0 or None, ``chunk_size`` not an integer >= 1
        or None, or ``executor`` has no ``submit``.
    ReproducibilityError
        If the analyses, at the evaluated weights, do not reproduce the
        evaluated scores although they use the same method (a bug, or a
        result file edited by hand).

    Notes
    -----
    Size limits: above :data:`MONTE_CARLO_LIMIT` projects the Monte Carlo
    rank acceptability is kept over :data:`RANK_BINS` rank-percentile bins
    (``monte_carlo.acceptability_form == "binned"``) instead of the ``n x n``
    table, and ``notes`` says so; the other Monte Carlo outputs (score and
    grade statistics, exact rank mean, extremes and ``P(rank <= k)``) are the
    same. Above :data:`CRITICAL_LIMIT` projects the critical weight changes
    are not run for VIKOR (its scores are not separable: each pair's search
    rescores every project); ``notes`` says so. Method agreement computes
    PROMETHEE II without pairwise tables above
    :data:`ppeval.sensitivity.agreement.PAIRWISE_LIMIT`. Everything else is
    linear in the number of projects.

    The analyses (Monte Carlo with SMAA-2 rank acceptability, one weight at a
    time, critical weight changes after Triantaphyllou & Sánchez (1997),
    method agreement by Spearman and WS coefficients, qualitative-share
    sweep) are those of :mod:`ppeval.sensitivity`; see their docstrings for
    formulas and sources. Arguments are checked first; afterwards an analysis
    that fails on degenerate data (e.g. every project ranked equal by a
    method) is skipped with a note naming the reason rather than failing the
    report.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, data = bundled.load_sample("community-4stage")
    >>> sens = analyse_sensitivity(evaluate(system, data), system, samples=500, seed=1)
    >>> sens.monte_carlo.rank_acceptability.shape[0] == len(data.project_ids)
    True
    """
    if not isinstance(result, EvaluationResult):
        raise InputError(f"result must be an EvaluationResult; got {type(result).__name__}")
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 0:
        raise InputError(f"samples is {samples!r}; expected an integer >= 0")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise InputError(f"seed is {seed!r}; expected an integer >= 0 or None")
    if concentration is not None and (
        isinstance(concentration, bool)
        or not isinstance(concentration, int | float | np.integer | np.floating)
        or not np.isfinite(concentration)
        or concentration <= 0
    ):
        raise InputError(f"concentration is {concentration!r}; expected a finite number > 0 or None (uniform)")
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or chunk_size < 1
    ):
        raise InputError(f"chunk_size is {chunk_size!r}; expected an integer >= 1 or None")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InputError(f"executor is {type(executor).__name__}; expected a concurrent.futures.Executor or None")
    method, norm, bounds, exact, notes = _core_setup(result)
    matrix, weights, types = result.matrix, result.weights, result.types
    v = float(result.provenance.config.get("v", 0.5))
    rho = float(result.provenance.config.get("rho", 0.5))
    common: dict[str, Any] = {"method": method, "normalization": norm, "bounds": bounds, "v": v, "rho": rho}
    bands = None
    if system is not None:
        bands = np.array([b.min for b in system.grades], dtype=np.float64)
    n, m = matrix.shape

    mc = None
    if samples > 0:
        binned = n > MONTE_CARLO_LIMIT
        mc = _try(
            notes, "Monte Carlo analysis", monte_carlo, matrix, weights, types, int(samples),
            concentration=concentration, grade_bands=bands, seed=seed, executor=executor,
            chunk_size=chunk_size, rank_bins=min(RANK_BINS, n) if binned else n, **common,
        )
        if mc is not None and binned:
            notes.append(
                f"Monte Carlo rank acceptability kept over {RANK_BINS} rank-percentile bins of about "
                f"{n // RANK_BINS:,} ranks each, not for every rank: {n:,} projects is above {MONTE_CARLO_LIMIT:,} "
                f"(the full table would hold n x n = {n * n:,} cells); P(rank 1), P(top 3), P(top 10) and the mean, "
                "best and worst ranks are exact, rank quantiles accurate to one bin; run "
                "ppeval.sensitivity.monte_carlo with rank_bins=n on the projects of interest for every rank"
            )
    oat = _try(notes, "One-at-a-time analysis", one_at_a_time, matrix, weights, types,
               values=OAT_STEPS, relative=True, **common) if m >= 2 else None
    base = None
    if oat is not None:
        base = oat.base_scores
    elif mc is not None:
        base = mc.base_scores
    if base is not None and exact:
        diff = float(np.max(np.abs(np.asarray(base) - np.asarray(result.scores))))
        if not diff <= BASE_TOLERANCE:
            raise ReproducibilityError(
                f"the sensitivity analysis does not reproduce the evaluated scores at the evaluated weights "
                f"(largest difference {diff:.3g} with method {method!r}); the result may have been edited"
            )
    sweep, sweep_col = None, -1
    if oat is not None and n >= 2:
        # the indicator whose weight moves the leader's score most
        lead = int(np.argmin(result.ranks))
        spread = oat.score_max[:, lead] - oat.score_min[:, lead]
        sweep_col = int(oat.criteria[int(np.argmax(spread))])
        sweep = _try(notes, "Weight sweep", one_at_a_time, matrix, weights, types, criterion=sweep_col,
                     values=np.linspace(0.0, 1.0, 21), **common)
        if sweep is None:
            sweep_col = -1
    critical = None
    if method == "vikor" and n > CRITICAL_LIMIT and m >= 2:
        notes.append(
            f"Critical weight changes not computed: {n:,} projects is above {CRITICAL_LIMIT:,} for VIKOR (its scores "
            "are not separable, so the search rescores every project for every adjacent pair at every step); run "
            "ppeval.sensitivity.critical_weight_changes on the projects of interest"
        )
    elif n >= 2 and m >= 2:
        critical = _try(notes, "Critical weight changes", critical_weight_changes, matrix, weights, types,
                        **common)
    agreement = None
    if n >= 2:
        names, ref = _agreement_methods(result, bounds is not None)
        agreement = _try(notes, "Method agreement", method_agreement, matrix, weights, types,
                         methods=names, reference=ref, bounds=bounds, v=v, rho=rho)
        if agreement is not None:
            notes.extend(agreement.notes)
    share = None
    mask = np.array([k == "qualitative" for k in result.indicator_kinds])
    if 0 < int(mask.sum()) < m:
        share = _try(notes, "Qualitative-share sweep", qualitative_share_sweep, matrix, weights, types, mask,
                     SHARE_STEPS, **common)
    else:
        notes.append("Qualitative-share sweep not computed: the system needs both qualitative and "
                     "quantitative indicators")
    return SensitivityAnalysis(
        samples=int(samples) if mc is not None else 0,
        seed=seed,
        concentration=concentration,
        method=method,
        normalization=norm,
        absolute=bounds is not None,
        exact=exact,
        monte_carlo=mc,
        one_at_a_time=oat,
        oat_sweep=sweep,
        oat_sweep_indicator=sweep_col,
        critical=critical,
        agreement=agreement,
        share_sweep=share,
        notes=tuple(notes),
    )
