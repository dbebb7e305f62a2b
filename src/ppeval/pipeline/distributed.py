"""Evaluate an assessment larger than memory: project shards on Dask (or any executor).

The assessment is given as **shards**: each shard holds the values and the
ratings of its own set of projects (a project's values and ratings are in
the same shard, no project in two shards), as CSV or Parquet files. Each
shard is loaded, checked and scored on its own, by a worker, so memory is
bounded by the largest shard, not by the assessment; only the per-project
results (score, grade, rank: a few numbers per project) come back.

Scores are the same as :func:`ppeval.evaluate` on the whole assessment:

* **absolute mode** (one pass): a project's score depends on its own values
  and the indicator bounds only, so each shard is scored by the same formula
  on the same numbers as the whole assessment (equal to within 1e-15; the
  BLAS matrix-vector product behind the distances may round differently for
  blocks of different lengths);
* **relative mode** (two passes): the first pass collects the column minima
  and maxima of the decision matrix over every shard; the second scores each
  shard against them. Min-max normalisation against the observed
  ``(min, max)`` is the same formula as absolute mode against bounds equal to
  them, so TOPSIS and WSM scores equal the in-memory ones up to the order of
  the floating-point operations (differences of about 1e-16; ranks equal
  unless two projects tie to that precision). A constant column, which
  carries no information, gets weight 0 in TOPSIS.

Ranks are computed at the end over all projects (the scores of every
project fit in memory even when their data do not: 8 bytes per project).

Supported: methods ``topsis`` and ``wsm`` (min-max normalisation in relative
mode); weights that do not depend on the data (fixed, equal, AHP, or
``weights=`` overrides for every entropy / CRITIC node, e.g. computed by an
in-memory run on a sample); missing-value policies ``reject`` and ``worst``.
Other options raise :class:`~ppeval.errors.InputError` saying what to use.

Dask is imported only when ``client="dask"`` asks for the current Dask
client; any :class:`concurrent.futures.Executor` (a Dask client's
``get_executor()``, a process pool) works, and ``None`` runs serially.
"""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np

from ppeval import methods, ranking
from ppeval._checks import one_of, readonly
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import DataError, InputError
from ppeval.schema import Assessment, IndicatorSystem

__all__ = ["Shard", "ShardedEvaluation", "evaluate_shards", "SHARD_METHODS"]

#: Methods the sharded path supports.
SHARD_METHODS: tuple[str, ...] = ("topsis", "wsm")

PathLikeStr = str | PathLike[str]


@dataclass(frozen=True)
class Shard:
    """The files of one shard: its projects' values and ratings (either may be absent).

    Attributes
    ----------
    values : path or None
        Wide values table (``project`` column, one column per quantitative
        indicator), ``.csv`` or ``.parquet``.
    ratings : path or None
        Long ratings table (``project, indicator, rater, group, rating``),
        ``.csv`` or ``.parquet``.
    """

    values: PathLikeStr | None = None
    ratings: PathLikeStr | None = None


@dataclass(frozen=True, eq=False)
class ShardedEvaluation:
    """Per-project results of :func:`evaluate_shards` (arrays read-only).

    Attributes
    ----------
    project_ids : tuple of str
        Projects, shard by shard, in each shard's order.
    shard : ndarray of int64, shape (n,)
        Index of the shard each project came from.
    scores, score_100 : ndarray, shape (n,)
        The method's score and the 0-100 score, as :class:`EvaluationResult`.
    grades : tuple of str
    ranks : ndarray of int64, shape (n,)
        1 = best over all shards; ties share the smallest rank.
    weights : ndarray, shape (m,)
        Global leaf weights.
    indicator_ids : tuple of str
    method, mode, normalization : str
    bounds : ndarray, shape (m, 2)
        The (worst, best) each column was normalised against: the indicator
        bounds (absolute mode) or the observed (min, max) over all shards
        oriented by direction (relative mode).
    passes : int
        Passes over the data (1 absolute, 2 relative).
    """

    project_ids: tuple[str, ...]
    shard: IntArray
    scores: FloatArray
    score_100: FloatArray
    grades: tuple[str, ...]
    ranks: IntArray
    weights: FloatArray
    indicator_ids: tuple[str, ...]
    method: str
    mode: str
    normalization: str
    bounds: FloatArray
    passes: int


def _as_shards(shards: Any) -> list[Shard]:
    if isinstance(shards, str | PathLike | Shard):
        shards = [shards]
    out: list[Shard] = []
    for i, s in enumerate(shards):
        if isinstance(s, Shard):
            sh = s
        elif isinstance(s, Mapping):
            unknown = set(s) - {"values", "ratings"}
            if unknown:
                raise InputError(f"shards[{i}] has keys {sorted(unknown)}; expected 'values' and/or 'ratings'")
            sh = Shard(values=s.get("values"), ratings=s.get("ratings"))
        elif isinstance(s, tuple | list) and len(s) == 2:
            sh = Shard(values=s[0], ratings=s[1])
        else:
            raise InputError(
                f"shards[{i}] is {s!r}; expected a Shard, a (values, ratings) pair or a mapping with "
                "'values' and 'ratings'"
            )
        if sh.values is None and sh.ratings is None:
            raise InputError(f"shards[{i}] names no file; give values and/or ratings")
        for name in ("values", "ratings"):
            p = getattr(sh, name)
            if p is not None and not os.path.isfile(os.fspath(p)):
                raise InputError(f"shards[{i}].{name}: no such file {os.fspath(p)!r}")
        out.append(sh)
    if not out:
        raise InputError("shards is empty; give at least one shard")
    return out


def _read_frame(path: PathLikeStr) -> Any:
    p = os.fspath(path)
    if p.lower().endswith((".parquet", ".pq")):
        try:
            import pyarrow.parquet as pq
        except ImportError:  # pragma: no cover - pyarrow comes with the dask extra
            raise InputError(f"{p}: reading Parquet needs pyarrow: pip install 'ppeval[dask]'") from None
        return pq.read_table(p).to_pandas()
    return None


def load_shard(system: IndicatorSystem, shard: Shard) -> Assessment:
    """Load and check one shard (CSV through :func:`ppeval.load_assessment`, Parquet through pandas)."""
    from ppeval import io

    paths = [p for p in (shard.values, shard.ratings) if p is not None]
    if all(not os.fspath(p).lower().endswith((".parquet", ".pq")) for p in paths):
        return io.load_assessment([os.fspath(p) for p in paths], system)
    values = _read_frame(shard.values) if shard.values is not None else None
    ratings = _read_frame(shard.ratings) if shard.ratings is not None else None
    if (shard.values is not None and values is None) or (shard.ratings is not None and ratings is None):
        raise InputError(f"shard {shard!r}: give both files as CSV or both as Parquet")
    return io.assessment_from_frames(system, values=values, ratings=ratings)


def _column_range(system: IndicatorSystem, shard: Shard) -> tuple[FloatArray, FloatArray, int]:
    """Pass 1 of relative mode: column minima and maxima of the shard's decision matrix."""
    from ppeval.pipeline._assemble import assemble

    asm = assemble(system, load_shard(system, shard))
    x = asm.matrix
    if x.shape[0] == 0:
        m = x.shape[1]
        return np.full(m, np.inf), np.full(m, -np.inf), 0
    return x.min(axis=0), x.max(axis=0), int(x.shape[0])


@dataclass(frozen=True)
class _Plan:
    method: str
    weights: FloatArray
    score_weights: FloatArray
    types: IntArray
    bounds: FloatArray
    scoring_rules: bool = False  # absolute mode: indicators with a scoring rule scored by it, as evaluate does


def _score_shard(system: IndicatorSystem, shard: Shard, plan: _Plan) -> tuple[tuple[str, ...], FloatArray]:
    """Pass 2: the method scores of one shard against fixed bounds and weights."""
    from ppeval.pipeline._assemble import assemble

    assessment = load_shard(system, shard)
    asm = assemble(system, assessment, scoring_rules=plan.scoring_rules)
    if plan.method == "topsis":
        s = methods.topsis(asm.matrix, plan.score_weights, plan.types, normalization="minmax", bounds=plan.bounds)
    else:
        s = methods.wsm(asm.matrix, plan.score_weights, plan.types, normalization="minmax", bounds=plan.bounds)
    return tuple(assessment.project_ids), np.asarray(s, dtype=np.float64)


def _fixed_weights(
    system: IndicatorSystem, overrides: Mapping[str, Mapping[str, float] | Sequence[float]] | None
) -> FloatArray:
    """Global leaf weights from data-independent weightings and overrides."""
    from ppeval.pipeline._weights import _override, data_driven, stated_weights

    given = dict(overrides or {})
    inner = {g.id: g for g in system.inner_nodes()}
    unknown = sorted(set(given) - set(inner))
    if unknown:
        raise InputError(f"weights overrides name unknown inner node(s) {', '.join(map(repr, unknown))}")
    local: dict[str, tuple[float, ...]] = {}
    need: list[str] = []
    for nid, g in inner.items():
        if nid in given:
            local[nid] = tuple(float(x) for x in _override(g, given[nid]))
            continue
        spec = g.weighting
        if not data_driven(spec):
            local[nid] = tuple(float(x) for x in stated_weights(spec, g))
        else:
            need.append(nid)
    if need:
        raise InputError(
            f"node(s) {', '.join(map(repr, need))} weight their children from the data (entropy / CRITIC / CV), "
            "which needs every project at once; pass weights={node: {child: w}} for them (for example the "
            "local weights of an in-memory evaluate() of a sample, result.node_weights)"
        )
    gw = system.global_weights(overrides=local)
    w = np.array([gw[i] for i in system.leaf_ids], dtype=np.float64)
    out: FloatArray = w / w.sum()
    return out


def _run(executor: concurrent.futures.Executor | None, fn: Any, items: Sequence[Any]) -> list[Any]:
    if executor is None:
        return [fn(it) for it in items]
    futures = [executor.submit(fn, it) for it in items]
    return [f.result() for f in futures]


def _executor(client: Any) -> tuple[concurrent.futures.Executor | None, Any]:
    if client is None:
        return None, None
    if isinstance(client, str):
        if client != "dask":
            raise InputError(f"client is {client!r}; expected 'dask', a Dask client, an Executor or None")
        import distributed

        client = distributed.get_client()
    if hasattr(client, "get_executor"):
        return client.get_executor(), client
    if callable(getattr(client, "submit", None)):
        return client, None
    raise InputError(f"client is {type(client).__name__}; expected 'dask', a Dask client, an Executor or None")


class _Task:
    """A picklable callable (for process pools and Dask workers)."""

    def __init__(self, kind: str, system: IndicatorSystem, plan: _Plan | None = None) -> None:
        self.kind = kind
        self.system = system
        self.plan = plan

    def __call__(self, shard: Shard) -> Any:
        if self.kind == "range":
            return _column_range(self.system, shard)
        assert self.plan is not None  # noqa: S101 - set for the scoring pass
        return _score_shard(self.system, shard, self.plan)


def evaluate_shards(
    system: IndicatorSystem | PathLikeStr,
    shards: Any,
    *,
    method: str = "topsis",
    mode: str = "absolute",
    normalization: str | None = None,
    weights: Mapping[str, Mapping[str, float] | Sequence[float]] | None = None,
    client: Any = None,
) -> ShardedEvaluation:
    """Evaluate an assessment stored as project shards, shard by shard on Dask or another executor.

    Parameters
    ----------
    system : IndicatorSystem or path
        The indicator system.
    shards : sequence
        One entry per shard: a :class:`Shard`, a ``(values, ratings)`` pair
        of paths (either may be None) or a mapping with those keys. A
        project's values and ratings must be in the same shard.
    method : {"topsis", "wsm"}
    mode : {"absolute", "relative"}
    normalization : {"minmax"}, optional
        Only min-max normalisation is supported (relative TOPSIS with vector
        normalisation needs the whole matrix's column norms inside the
        method; use ``normalization="minmax"`` or absolute mode).
    weights : mapping, optional
        Local weight overrides per inner node, as :func:`ppeval.evaluate`;
        required for nodes weighted by entropy or CRITIC.
    client : "dask", Dask client, Executor or None
        Where the shards run: ``"dask"`` uses the current Dask client
        (``distributed.get_client()``), a Dask client its executor, any
        :class:`concurrent.futures.Executor` itself; ``None`` runs serially.

    Returns
    -------
    ShardedEvaluation

    Raises
    ------
    InputError
        Unsupported method or normalisation, data-driven weights without
        overrides, missing policy ``mean``, DEA efficiency indicators (they
        need every project at once), bad shards.
    DataError
        A project in two shards, bad data in a shard (the loader's message,
        naming file, row and column), absolute mode without bounds.

    Notes
    -----
    See the module docstring for what is identical to :func:`ppeval.evaluate`
    and why. Relative mode makes two passes over the data (column ranges,
    then scores); absolute mode one.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> name = "budget-performance"
    >>> system = bundled.load_bundled(name)
    >>> files = bundled.sample_assessment_paths(name)
    >>> r = evaluate_shards(system, [files[1:]])  # one shard: (values, ratings)
    >>> int(r.ranks.min()), len(r.project_ids), r.passes
    (1, 6, 1)
    """
    from ppeval import io

    if not isinstance(system, IndicatorSystem):
        system = io.load_system(os.fspath(system))
    method_name = one_of(str(method), SHARD_METHODS, "method")
    mode_name = one_of(str(mode), ("absolute", "relative"), "mode")
    norm = one_of("minmax" if normalization is None else str(normalization), ("minmax",), "normalization")
    if system.evaluation.missing == "mean":
        raise InputError(
            "the system's evaluation.missing policy is 'mean', which imputes from every project at once; "
            "the sharded path supports 'reject' and 'worst'"
        )
    if system.derived_leaf_ids:
        raise InputError(
            f"indicator(s) {', '.join(map(repr, system.derived_leaf_ids))} are DEA efficiencies, which compare "
            "every project with all the others; shard by shard they would be computed against each shard "
            "only, so the sharded path does not support them; use ppeval.evaluate on the whole assessment"
        )
    items = _as_shards(shards)
    executor, _ = _executor(client)
    w = _fixed_weights(system, weights)
    leaves = system.leaves()
    types = np.array([-1 if leaf.direction == "cost" else 1 for leaf in leaves], dtype=np.int64)
    passes = 1
    score_w = w
    if mode_name == "absolute":
        from ppeval.pipeline._assemble import _leaf_bounds

        raw = [_leaf_bounds(leaf) for leaf in leaves]
        for j, leaf in enumerate(leaves):
            if leaf.scoring is not None:  # scored by its rule: the share of its points, a benefit column in [0, 1]
                raw[j] = (0.0, 1.0)
                types[j] = 1
        missing = [system.leaf_ids[j] for j, b in enumerate(raw) if b is None]
        if missing:
            raise DataError(
                f"absolute mode needs bounds on every indicator; {', '.join(missing)} has/have none "
                "(add bounds to the system or use mode='relative')"
            )
        bounds = np.array(raw, dtype=np.float64)
    else:
        passes = 2
        parts = _run(executor, _Task("range", system), items)
        lo = np.min(np.stack([p[0] for p in parts]), axis=0)
        hi = np.max(np.stack([p[1] for p in parts]), axis=0)
        total = sum(p[2] for p in parts)
        if total < 2:
            raise DataError("relative mode needs at least 2 projects (scores are relative to the set)")
        const = hi <= lo
        worst = np.where(types > 0, lo, hi)
        best = np.where(types > 0, hi, lo)
        # a constant column normalises to 1 everywhere: bounds one unit below (benefit) or above (cost)
        worst = np.where(const, np.where(types > 0, lo - 1.0, hi + 1.0), worst)
        bounds = np.column_stack([worst, best])
        if method_name == "topsis" and const.any():
            # in relative TOPSIS a constant column has ideal = anti-ideal and adds nothing
            score_w = np.where(const, 0.0, w)
            if score_w.sum() == 0:
                score_w = np.full(w.shape, 1.0 / w.size)
            else:
                score_w = score_w / score_w.sum()
    plan = _Plan(method_name, w, score_w, types, bounds, scoring_rules=mode_name == "absolute")
    results = _run(executor, _Task("score", system, plan), items)
    ids: list[str] = []
    shard_of: list[IntArray] = []
    scores_parts: list[FloatArray] = []
    for k, (pids, s) in enumerate(results):
        ids.extend(pids)
        shard_of.append(np.full(len(pids), k, dtype=np.int64))
        scores_parts.append(s)
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(p for p in ids if p in seen or seen.add(p))  # type: ignore[func-returns-value]
        raise DataError(f"project {dup!r} appears in more than one shard; a project's data belong to one shard")
    scores = np.concatenate(scores_parts) if scores_parts else np.zeros(0)
    s100 = np.clip(100.0 * scores, 0.0, 100.0)
    ranks = np.asarray(ranking.rank(scores, higher_is_better=True), dtype=np.int64)
    return ShardedEvaluation(
        project_ids=tuple(ids),
        shard=readonly(np.concatenate(shard_of) if shard_of else np.zeros(0, dtype=np.int64)),
        scores=readonly(scores),
        score_100=readonly(s100),
        grades=tuple(system.grades_of(s100)),
        ranks=readonly(ranks),
        weights=readonly(w),
        indicator_ids=tuple(system.leaf_ids),
        method=method_name,
        mode=mode_name,
        normalization=norm,
        bounds=readonly(bounds),
        passes=passes,
    )
