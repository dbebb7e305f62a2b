"""Judgment sensitivity: perturbed AHP judgments propagated to weights, scores and ranks."""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ppeval import ahp
from ppeval._checks import as_matrix, one_of
from ppeval._typing import FloatArray, SeedLike
from ppeval.errors import InputError

from ._common import as_float, as_int, as_problem
from .montecarlo import MonteCarloResult, run_monte_carlo

__all__ = ["judgment_sensitivity"]

Perturbation = Literal["step", "lognormal"]


# Saaty's scale as a ladder: position p >= 0 is the value p + 1, p < 0 the value 1 / (1 - p).
def _ladder_position(a: FloatArray) -> FloatArray:
    return np.where(a >= 1.0, a - 1.0, 1.0 - 1.0 / a)


def _ladder_value(p: FloatArray) -> FloatArray:
    return np.where(p >= 0.0, p + 1.0, 1.0 / (1.0 - np.minimum(p, 0.0)))


@dataclass(frozen=True)
class _JudgmentSampler:
    """Perturb every expert's judgments, aggregate (AIJ), derive AHP priorities in one batch."""

    m: int
    upper: FloatArray  # (E, P) judgments a_ij, i < j (nan = not given)
    expert_weights: FloatArray  # (E,), sum 1
    perturbation: Perturbation
    steps: int
    sigma: float
    ahp_method: str

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        e, p = self.upper.shape
        known = ~np.isnan(self.upper)
        a = np.where(known, self.upper, 1.0)
        if self.perturbation == "step":
            pos = _ladder_position(a)
            lo = np.minimum(pos, -8.0)
            hi = np.maximum(pos, 8.0)
            shift = rng.integers(-self.steps, self.steps + 1, size=(size, e, p))
            new_pos = np.clip(pos[None] + shift, lo[None], hi[None])
            logs = np.log(_ladder_value(new_pos))
        else:
            logs = np.log(a)[None] + self.sigma * rng.standard_normal((size, e, p))
        # AIJ: weighted mean of logs over the experts who gave the judgment (as ahp.aggregate)
        cell_w = self.expert_weights[:, None] * known  # (E, P)
        total = cell_w.sum(axis=0)
        judged = total > 0
        mean_log = np.divide(
            np.einsum("ep,sep->sp", cell_w, logs), total, out=np.zeros((size, p)), where=judged
        )
        mats = np.ones((size, self.m, self.m))
        iu, ju = np.triu_indices(self.m, 1)
        up = np.exp(mean_log)
        up[:, ~judged] = np.nan
        mats[:, iu, ju] = up
        mats[:, ju, iu] = 1.0 / up
        res = ahp.priorities_batch(mats, self.ahp_method)  # type: ignore[arg-type]
        return np.array(res.weights, dtype=np.float64)


def judgment_sensitivity(
    matrix: Any,
    expert_matrices: Any,
    types: Any,
    samples: int = 10_000,
    *,
    perturbation: Perturbation = "step",
    steps: int = 1,
    sigma: float = 0.2,
    expert_weights: Any = None,
    ahp_method: str = "eigenvector",
    method: str = "topsis",
    normalization: str | None = None,
    bounds: Any = None,
    v: float = 0.5,
    rho: float = 0.5,
    grade_bands: Any = None,
    chunk_size: int | None = None,
    seed: SeedLike = None,
    executor: concurrent.futures.Executor | None = None,
    quantiles: Any = (0.05, 0.5, 0.95),
    quantile_bins: int = 1000,
) -> MonteCarloResult:
    r"""Sensitivity of scores and ranks to the experts' AHP judgments.

    Every sample perturbs each expert's pairwise judgments of the criteria,
    aggregates the experts (AIJ, as :func:`ppeval.ahp.aggregate`), derives the
    criteria weights with the batched eigenvector path
    (:func:`ppeval.ahp.priorities_batch`) and scores and ranks the alternatives
    with them, as :func:`monte_carlo` does.

    Parameters
    ----------
    matrix : array_like of shape (n, m)
        Decision matrix.
    expert_matrices : array_like of shape (E, m, m)
        One pairwise comparison matrix of the ``m`` criteria per expert (as
        :func:`ppeval.ahp.aggregate`; ``nan`` = judgment not given).
    types : array_like of shape (m,)
        Criterion types.
    samples : int, default 10 000
        Number of perturbed judgment sets.
    perturbation : {"step", "lognormal"}, default "step"
        ``"step"``: every judgment ``a_ij`` (``i < j``) of every expert moves
        independently by ``s`` steps on Saaty's scale, ``s`` uniform on
        ``{-steps, ..., steps}`` (so ``steps=1``: one step down, none, or one
        up, each with probability 1/3). The scale is the ladder
        ``..., 1/3, 1/2, 1, 2, 3, ...``: position ``p = a - 1`` for ``a >= 1``
        and ``p = 1 - 1/a`` below, value ``p + 1`` or ``1 / (1 - p)``; so
        off-scale judgments (e.g. 2.5) move to 1.5 or 3.5, and positions are
        clipped to ``[-8, 8]`` (1/9 to 9) or to the judgment itself if it lies
        beyond. ``"lognormal"``: ``a'_ij = a_ij exp(sigma z)``, ``z ~ N(0, 1)``.
        In both, ``a'_ji = 1 / a'_ij``.
    steps : int, default 1
        Largest step for ``"step"`` (>= 1).
    sigma : float, default 0.2
        Spread for ``"lognormal"`` (> 0).
    expert_weights : array_like of shape (E,) or None
        Expert weights for AIJ (normalised to sum 1); default equal.
    ahp_method : {"eigenvector", "geometric_mean"}, default "eigenvector"
        Priority derivation (:func:`ppeval.ahp.priorities_batch`).
    method, normalization, bounds, v, rho, grade_bands, chunk_size, seed, executor, quantiles, quantile_bins
        As :func:`monte_carlo`.

    Returns
    -------
    MonteCarloResult
        As :func:`monte_carlo`; ``base_weights`` are the priorities of the
        unperturbed aggregate, and ``weight_mean``, ``weight_std`` and
        ``weight_quantiles`` describe the spread of the derived weights.

    Raises
    ------
    InputError
        On invalid judgments (as :func:`ppeval.ahp.aggregate`, e.g.
        ``matrices[1][2, 0] ...``), ``expert_matrices`` not of size ``m``, an
        unknown ``perturbation``, ``steps < 1``, ``sigma <= 0`` or the arguments
        checked by :func:`monte_carlo`.

    Notes
    -----
    AIJ: ``ln a^G_ij = Σ_e λ_e ln a^(e)_ij / Σ_e λ_e`` over the experts who gave
    the judgment (Forman & Peniwati 1998). Eigenvector priorities (Saaty 1980);
    incomplete aggregates are completed by Harker's method inside
    :func:`ppeval.ahp.priorities_batch`. The perturbations model judgment
    uncertainty of one scale step, the scale's resolution (Saaty 1980), or a
    multiplicative log-normal error as in stochastic AHP (e.g. Hahn 2003).

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and
    priorities with the analytic hierarchy process. *European Journal of
    Operational Research*, 108(1), 165-169.

    Hahn, E. D. (2003). Decision making with uncertain judgments: A stochastic
    formulation of the analytic hierarchy process. *Decision Sciences*, 34(3),
    443-466.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval.sensitivity import judgment_sensitivity
    >>> x = np.array([[7.0, 9.0, 9.0], [8.0, 7.0, 8.0], [9.0, 6.0, 8.0]])
    >>> e1 = np.array([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]])
    >>> e2 = np.array([[1, 2, 4], [1/2, 1, 3], [1/4, 1/3, 1]])
    >>> r = judgment_sensitivity(x, [e1, e2], [1, 1, 1], samples=500, seed=3)
    >>> r.weight_mean.round(2)
    array([0.59, 0.28, 0.13])
    >>> r.rank_acceptability.sum(axis=1)
    array([1., 1., 1.])
    """
    mat = as_matrix(matrix, "matrix")
    agg = ahp.aggregate(expert_matrices, expert_weights)
    stack = np.asarray(expert_matrices, dtype=np.float64)
    e = stack.shape[0]
    m_expert = stack.shape[1]
    if mat.shape[1] != m_expert:
        raise InputError(
            f"expert_matrices compare {m_expert} criteria but matrix has {mat.shape[1]} columns; "
            "one row and column per criterion needed"
        )
    pert: Perturbation = one_of(perturbation, ("step", "lognormal"), "perturbation")
    st = as_int(steps, "steps", minimum=1)
    sg = as_float(sigma, "sigma", low=0.0, low_open=True)
    am = one_of(ahp_method, ("eigenvector", "geometric_mean"), "ahp_method")
    base = ahp.priorities(agg, am)  # type: ignore[arg-type]
    base_w = np.array(base.weights, dtype=np.float64)
    base_w = base_w / base_w.sum()
    problem = as_problem(
        matrix, base_w, types, method=method, normalization=normalization, bounds=bounds, v=v,
        rho=rho,
    )
    if expert_weights is None:
        lam = np.full(e, 1.0 / e)
    else:
        lam = np.asarray(expert_weights, dtype=np.float64)
        lam = lam / lam.sum()
    iu, ju = np.triu_indices(m_expert, 1)
    sampler = _JudgmentSampler(
        m=m_expert,
        upper=stack[:, iu, ju].copy(),
        expert_weights=lam,
        perturbation=pert,
        steps=st,
        sigma=sg,
        ahp_method=am,
    )
    detail = f"steps={st}" if pert == "step" else f"sigma={sg!r}"
    info = f"judgments(perturbation={pert!r}, {detail}, experts={e}, ahp_method={am!r})"
    return run_monte_carlo(
        problem,
        sampler,
        info,
        np.ones(m_expert, dtype=bool),
        samples,
        grade_bands=grade_bands,
        chunk_size=chunk_size,
        seed=seed,
        executor=executor,
        quantiles=quantiles,
        quantile_bins=quantile_bins,
    )
