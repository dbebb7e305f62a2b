"""Method behaviour on the bundled indicator systems, with synthetic assessments drawn from them.

For every bundled system and two scenarios of synthetic projects, this script
evaluates the projects through the public pipeline (:func:`ppeval.io.load_assessment`
on CSV files written the way an evaluator would, then :func:`ppeval.pipeline.evaluate`)
and reports five things an evaluator should know about a system before using it:

1. **Discrimination**: how far apart the 0-100 scores are (standard deviation,
   interquartile range, min-max), how many grade bands are used, the share of
   projects in the most common grade, and the share of projects that tie
   with another on rank.
2. **Rank stability under weight uncertainty**: Monte Carlo weight draws
   (:func:`ppeval.sensitivity.monte_carlo`, Dirichlet with concentration 200
   around the system's weights, as the CLI's default) give, per project, the
   probability of keeping its base rank and its base grade, and the Spearman
   correlation between base ranks and mean ranks over the draws.
3. **Rank reversal when a project is added**, relative against absolute mode:
   the share of pairs of the original projects whose order flips when one
   project is added (a dominated project at the worst value of every
   indicator, and a few random projects from the same distribution).
4. **Agreement between methods**: Spearman correlation of the TOPSIS, WSM,
   VIKOR and FCE scores of the same projects.
5. **Qualitative share**: the share of the total weight on qualitative
   indicators, and the share of the score variance across projects that
   they account for.

Synthetic projects. Project ``i`` has a latent position ``p_ij`` in [0, 1] on
every indicator ``j``, uniform marginally; scenario ``independent`` draws them
independently, scenario ``correlated`` through a Gaussian copula with a common
project factor (correlation ``rho = 0.5`` between any two indicators of a
project: good projects tend to be good everywhere). A benefit or cost
indicator takes ``worst + p (best - worst)`` (uniform within its bounds); a
target or interval indicator lies at distance ``(1 - p)`` of the way from
its target (interval midpoint) to a randomly chosen end of its range. A
qualitative indicator gets ``raters`` ratings per project, each the scale
point nearest ``p`` plus rater noise (normal, sd 0.15 of the scale width),
from the rater groups the bundled sample assessment uses for that indicator.
Everything is seeded (``--seed``); the same seed gives the same tables.

Run from the repository root::

    .venv/bin/python benchmarks/bench_indicator_sets.py           # 200 projects, both scenarios
    .venv/bin/python benchmarks/bench_indicator_sets.py --quick   # a few seconds, for CI
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr

from ppeval import io, ranking
from ppeval.pipeline import EvaluationResult, evaluate
from ppeval.sensitivity import monte_carlo

METHODS = ("topsis", "wsm", "vikor", "fce")
MODES = ("relative", "absolute")
SCENARIOS = {"independent": 0.0, "correlated": 0.5}
#: Dirichlet concentration of the Monte Carlo weight draws (the CLI's default).
CONCENTRATION = 200.0
#: Rater noise, as a share of the scale width.
RATER_SD = 0.15


@dataclass(frozen=True)
class Config:
    """Sizes of one run."""

    projects: int
    raters: int
    samples: int
    random_additions: int
    scenarios: tuple[str, ...]
    seed: int


FULL = Config(projects=200, raters=5, samples=2000, random_additions=5,
              scenarios=("independent", "correlated"), seed=20240601)
QUICK = Config(projects=40, raters=5, samples=300, random_additions=1, scenarios=("correlated",), seed=20240601)


# --------------------------------------------------------------------------- synthetic data
@dataclass(frozen=True)
class Synthetic:
    """Synthetic projects of one system: CSV rows for values and ratings, per project."""

    quant_ids: tuple[str, ...]
    values: dict[str, list[float]]  # project -> values in quant_ids order
    ratings: dict[str, list[tuple[str, str, str, float]]]  # project -> (indicator, rater, group, value)


def _positions(rng: np.random.Generator, n: int, m: int, rho: float) -> np.ndarray:
    """``(n, m)`` positions in [0, 1], uniform marginals, correlation ``rho`` via a Gaussian copula."""
    z = rng.standard_normal((n, m))
    if rho > 0:
        z = np.sqrt(rho) * rng.standard_normal((n, 1)) + np.sqrt(1.0 - rho) * z
    return np.asarray(ndtr(z))


def _quant_value(leaf: Any, p: float, side: float) -> float:
    """Raw value of a quantitative leaf at position ``p`` (1 = best)."""
    if leaf.direction in ("benefit", "cost"):
        b = leaf.bounds
        return float(b.worst + p * (b.best - b.worst))
    r = leaf.range
    ideal = leaf.target.value if leaf.direction == "target" else 0.5 * (leaf.interval.low + leaf.interval.high)
    end = r.high if side > 0 else r.low
    return float(ideal + (1.0 - p) * (end - ideal))


def _rating_groups(name: str) -> dict[str, tuple[str, ...]]:
    """Rater groups used per qualitative indicator in the bundled sample assessment."""
    _, sample = io.load_sample(name)
    r = sample.ratings
    out: dict[str, set[str]] = {}
    for k in range(len(r.indicator)):
        out.setdefault(sample.indicator_ids[int(r.indicator[k])], set()).add(str(r.group[k]))
    return {ind: tuple(sorted(g)) for ind, g in out.items()}


def synthesize(system: Any, groups: dict[str, tuple[str, ...]], ids: Sequence[str], rho: float,
               raters: int, rng: np.random.Generator, *, worst: bool = False) -> Synthetic:
    """Draw projects ``ids`` from ``system`` (``worst=True``: every indicator at its worst)."""
    leaves = system.leaves()
    n, m = len(ids), len(leaves)
    pos = np.zeros((n, m)) if worst else _positions(rng, n, m, rho)
    sides = rng.choice([-1.0, 1.0], size=(n, m))
    noise = rng.normal(0.0, RATER_SD, size=(n, m, raters))
    derived = set(system.derived_leaf_ids)  # DEA efficiency indicators are computed, not measured
    quant = [j for j, leaf in enumerate(leaves) if leaf.kind == "quantitative" and leaf.id not in derived]
    values: dict[str, list[float]] = {}
    ratings: dict[str, list[tuple[str, str, str, float]]] = {}
    for i, pid in enumerate(ids):
        values[pid] = [_quant_value(leaves[j], float(pos[i, j]), float(sides[i, j])) for j in quant]
        rows: list[tuple[str, str, str, float]] = []
        for j, leaf in enumerate(leaves):
            if leaf.kind != "qualitative":
                continue
            scale = np.asarray(leaf.scale.values, dtype=np.float64)
            k = scale.size
            q = pos[i, j] if leaf.direction == "benefit" else 1.0 - pos[i, j]
            idx = np.zeros(raters, dtype=np.int64) if worst else np.clip(
                np.rint((q + noise[i, j]) * (k - 1)), 0, k - 1).astype(np.int64)
            if worst and leaf.direction == "cost":
                idx[:] = k - 1
            gs = groups.get(leaf.id, ("expert",))
            for r in range(raters):
                g = gs[r % len(gs)]
                rows.append((leaf.id, f"{g}-{pid}-{r}", g, float(scale[idx[r]])))
        ratings[pid] = rows
    return Synthetic(tuple(leaves[j].id for j in quant), values, ratings)


def write_assessment(data: Sequence[Synthetic], ids: Sequence[str], folder: Path, tag: str) -> list[Path]:
    """Write the values and ratings CSV files of projects ``ids`` (looked up in ``data``)."""
    def find(pid: str) -> Synthetic:
        return next(d for d in data if pid in d.values)

    vpath, rpath = folder / f"{tag}.values.csv", folder / f"{tag}.ratings.csv"
    with vpath.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["project", *data[0].quant_ids])
        for pid in ids:
            w.writerow([pid, *(repr(x) for x in find(pid).values[pid])])
    with rpath.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["project", "indicator", "rater", "group", "rating"])
        for pid in ids:
            for ind, rater, group, value in find(pid).ratings[pid]:
                w.writerow([pid, ind, rater, group, repr(value)])
    return [vpath, rpath]


# --------------------------------------------------------------------------- measures
def flip_share(before: np.ndarray, after: np.ndarray) -> float:
    """Share of pairs ``i < j`` whose order (``sign(s_i - s_j)``, ties included) differs."""
    n = before.size
    iu, ju = np.triu_indices(n, 1)
    a = np.sign(before[iu] - before[ju])
    b = np.sign(after[iu] - after[ju])
    return float(np.mean(a != b)) if iu.size else 0.0


def discrimination(r: EvaluationResult) -> dict[str, float]:
    s = r.score_100
    q75, q25 = np.percentile(s, [75, 25])
    _, counts = np.unique(np.asarray(r.grades), return_counts=True)
    _, rank_counts = np.unique(r.ranks, return_counts=True)
    return {
        "std": float(s.std()),
        "iqr": float(q75 - q25),
        "min": float(s.min()),
        "max": float(s.max()),
        "grades": float(counts.size),
        "modal": float(counts.max() / s.size),
        "tied": float(rank_counts[rank_counts > 1].sum() / s.size),
    }


def stability(r: EvaluationResult, system: Any, samples: int, seed: int) -> dict[str, float]:
    """Monte Carlo weight draws around the result's weights (TOPSIS, absolute mode)."""
    bands = np.array([b.min for b in system.grades], dtype=np.float64)
    mc = monte_carlo(r.matrix, r.weights, r.types, samples=samples, concentration=CONCENTRATION,
                     method="topsis", bounds=r.bounds, grade_bands=bands, seed=seed)
    if not np.allclose(mc.base_scores, r.scores, rtol=0, atol=1e-12):
        raise AssertionError("monte_carlo base scores differ from evaluate's TOPSIS scores")
    n = r.scores.size
    acc = mc.rank_acceptability
    keep_rank = acc[np.arange(n), mc.base_ranks - 1]
    positions = np.arange(1, n + 1)
    mean_rank = acc @ positions
    displacement = (acc * np.abs(positions[None, :] - mc.base_ranks[:, None])).sum(axis=1)
    labels = [band.label for band in system.grades]
    base_grade = np.array([labels.index(g) for g in r.grades])
    if mc.grade_probability is None:  # pragma: no cover - grade_bands were given
        raise AssertionError("monte_carlo returned no grade probabilities")
    keep_grade = mc.grade_probability[np.arange(n), base_grade]
    return {
        "keep_rank": float(keep_rank.mean()),
        "keep_rank_top": float(keep_rank[mc.base_ranks <= max(1, n // 10)].mean()),
        "displacement": float(displacement.mean()),
        "spearman": float(ranking.spearman(mc.base_ranks, mean_rank)),
        "keep_grade": float(keep_grade.mean()),
        "grade_sure": float(np.mean(keep_grade >= 0.9)),
    }


@dataclass
class SystemReport:
    name: str
    scenario: str
    n_indicators: int
    n_qualitative: int
    disc: dict[str, dict[str, float]]  # method -> measures (absolute mode)
    stab: dict[str, float]
    reversal: dict[tuple[str, str], tuple[float, float]]  # (method, mode) -> (dominated, random mean)
    agreement: dict[str, dict[tuple[str, str], float]]  # mode -> (m1, m2) -> spearman
    share: dict[str, float]  # "weight", then variance share per method
    seconds: float


def bench_system(name: str, scenario: str, cfg: Config, folder: Path, seed: int) -> SystemReport:
    t0 = time.perf_counter()
    system = io.load_bundled(name)
    groups = _rating_groups(name)
    rng = np.random.default_rng(seed)
    rho = SCENARIOS[scenario]
    n, extra = cfg.projects, cfg.random_additions
    base_ids = [f"p{i:04d}" for i in range(n)]
    add_ids = [f"q{t:04d}" for t in range(extra)]
    base = synthesize(system, groups, base_ids + add_ids, rho, cfg.raters, rng)
    dominated = synthesize(system, groups, ["zworst"], rho, cfg.raters, rng, worst=True)
    data = [base, dominated]
    sets = {"base": base_ids, "dominated": [*base_ids, "zworst"]}
    sets.update({f"add{t}": [*base_ids, add_ids[t]] for t in range(extra)})
    assessments = {tag: io.load_assessment(write_assessment(data, ids, folder, f"{name}-{scenario}-{tag}"), system)
                   for tag, ids in sets.items()}

    results: dict[tuple[str, str, str], EvaluationResult] = {}
    for method in METHODS:
        for mode in MODES:
            for tag, a in assessments.items():
                results[(method, mode, tag)] = evaluate(system, a, method=method, mode=mode)  # type: ignore[arg-type]

    disc = {method: discrimination(results[(method, "absolute", "base")]) for method in METHODS}
    stab = stability(results[("topsis", "absolute", "base")], system, cfg.samples, seed + 1)
    reversal = {}
    for method in METHODS:
        for mode in MODES:
            before = results[(method, mode, "base")].score_100
            dom = flip_share(before, results[(method, mode, "dominated")].score_100[:n])
            rand = [flip_share(before, results[(method, mode, f"add{t}")].score_100[:n]) for t in range(extra)]
            reversal[(method, mode)] = (dom, float(np.mean(rand)) if rand else 0.0)
    agreement: dict[str, dict[tuple[str, str], float]] = {}
    for mode in MODES:
        agreement[mode] = {}
        for a_i, m1 in enumerate(METHODS):
            for m2 in METHODS[a_i + 1:]:
                s1 = results[(m1, mode, "base")].score_100
                s2 = results[(m2, mode, "base")].score_100
                agreement[mode][(m1, m2)] = float(ranking.spearman(s1, s2))
    share = {"weight": 0.0}
    for method in METHODS:
        q = results[(method, "absolute", "base")].qualitative
        if q is not None:
            share["weight"] = q.weight_share
            share[method] = q.variance_share
    kinds = results[("topsis", "absolute", "base")].indicator_kinds
    return SystemReport(name, scenario, len(kinds), sum(k == "qualitative" for k in kinds), disc, stab,
                        reversal, agreement, share, time.perf_counter() - t0)


# --------------------------------------------------------------------------- output
def _f(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}"


def markdown(reports: Sequence[SystemReport], cfg: Config) -> str:
    out: list[str] = []
    add = out.append
    add(f"Synthetic assessments: {cfg.projects} projects per system, {cfg.raters} raters per rated indicator "
        f"and project, seed {cfg.seed}; scenarios: {', '.join(cfg.scenarios)} "
        f"(rho = {', '.join(str(SCENARIOS[s]) for s in cfg.scenarios)}).")
    add("")
    add("**Discrimination** (absolute mode, 0-100 scores): spread of the scores, grade bands used, share of "
        "projects in the most common grade, share of projects tied on rank with another.")
    add("")
    add("| system | scenario | method | std | IQR | min-max | grades used | modal grade share | tied |")
    add("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for r in reports:
        for method in METHODS:
            d = r.disc[method]
            add(f"| {r.name} | {r.scenario} | {method} | {_f(d['std'], 1)} | {_f(d['iqr'], 1)} | "
                f"{_f(d['min'], 1)}-{_f(d['max'], 1)} | {int(d['grades'])} | {_f(d['modal'])} | {_f(d['tied'])} |")
    add("")
    add(f"**Rank stability under weight uncertainty** (TOPSIS, absolute mode; {cfg.samples} Dirichlet weight "
        f"draws, concentration {CONCENTRATION:g}, around the system's weights): mean probability that a project "
        "keeps its base rank (all projects; the top 10 %), mean expected distance in ranks from the base rank, "
        "Spearman correlation of base ranks and mean ranks, mean probability of keeping the base grade, and "
        "the share of projects whose grade holds in at least 90 % of the draws.")
    add("")
    add("| system | scenario | P(keep rank) | P(keep rank), top 10 % | E rank shift | Spearman(base, mean rank) | "
        "P(keep grade) | grade holds in >= 90 % |")
    add("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in reports:
        s = r.stab
        add(f"| {r.name} | {r.scenario} | {_f(s['keep_rank'], 3)} | {_f(s['keep_rank_top'], 3)} | "
            f"{_f(s['displacement'], 2)} | {_f(s['spearman'], 4)} | {_f(s['keep_grade'], 3)} | "
            f"{_f(s['grade_sure'])} |")
    add("")
    add(f"**Rank reversal when a project is added**: share of pairs of the {cfg.projects} original projects "
        "whose order changes after adding one project — a dominated one (worst value on every indicator) / "
        f"a random one (mean of {cfg.random_additions}). Relative mode normalises against the evaluated set; "
        "absolute mode against the indicator bounds.")
    add("")
    add("| system | scenario | " + " | ".join(f"{m} relative | {m} absolute" for m in METHODS) + " |")
    add("|---|---|" + "---:|" * (2 * len(METHODS)))
    for r in reports:
        cells = []
        for method in METHODS:
            for mode in MODES:
                dom, rand = r.reversal[(method, mode)]
                cells.append(f"{_f(100 * dom, 2)} % / {_f(100 * rand, 2)} %")
        add(f"| {r.name} | {r.scenario} | " + " | ".join(cells) + " |")
    add("")
    pairs = [(m1, m2) for i, m1 in enumerate(METHODS) for m2 in METHODS[i + 1:]]
    add("**Agreement between methods**: Spearman correlation of the scores of the same projects "
        "(absolute mode / relative mode).")
    add("")
    add("| system | scenario | " + " | ".join(f"{a}-{b}" for a, b in pairs) + " |")
    add("|---|---|" + "---:|" * len(pairs))
    for r in reports:
        cells = [f"{_f(r.agreement['absolute'][p], 3)} / {_f(r.agreement['relative'][p], 3)}" for p in pairs]
        add(f"| {r.name} | {r.scenario} | " + " | ".join(cells) + " |")
    add("")
    add("**Qualitative share** (absolute mode): qualitative indicators, their share of the total weight, and "
        "their share of the variance of the scores across projects, per method.")
    add("")
    add("| system | scenario | qualitative / all | weight share | " + " | ".join(f"variance share {m}"
                                                                          for m in METHODS) + " |")
    add("|---|---|---:|---:|" + "---:|" * len(METHODS))
    for r in reports:
        add(f"| {r.name} | {r.scenario} | {r.n_qualitative} / {r.n_indicators} | {_f(r.share['weight'], 3)} | "
            + " | ".join(_f(r.share.get(m, 0.0), 3) for m in METHODS) + " |")
    add("")
    add("Time per system and scenario (synthesis, loading, " + str(len(METHODS) * len(MODES)) + " evaluations "
        f"x {2 + cfg.random_additions} assessments, Monte Carlo): "
        + ", ".join(f"{r.name}/{r.scenario} {r.seconds:.1f} s" for r in reports) + ".")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="40 projects, one scenario, 300 draws, one random addition (CI)")
    ap.add_argument("--projects", type=int, help="projects per synthetic assessment (default 200)")
    ap.add_argument("--samples", type=int, help="Monte Carlo weight draws (default 2000)")
    ap.add_argument("--seed", type=int, help="seed of the synthetic data and the weight draws")
    ap.add_argument("--systems", nargs="*", help="bundled system ids (default all)")
    args = ap.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    cfg = Config(
        projects=args.projects or cfg.projects,
        raters=cfg.raters,
        samples=args.samples or cfg.samples,
        random_additions=cfg.random_additions,
        scenarios=cfg.scenarios,
        seed=cfg.seed if args.seed is None else args.seed,
    )
    names = args.systems or list(io.list_systems())
    seeds = np.random.SeedSequence(cfg.seed).generate_state(len(names) * len(cfg.scenarios))
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        k = 0
        for name in names:
            for scenario in cfg.scenarios:
                reports.append(bench_system(name, scenario, cfg, Path(tmp), int(seeds[k])))
                k += 1
    print(markdown(reports, cfg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
