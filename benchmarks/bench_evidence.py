"""Benchmark: Monte Carlo with uncertain weights, ratings and values (ppeval.sensitivity.evidence_monte_carlo).

Target (issue 17): 1,000 projects x 20 indicators x 10,000 samples with all
three sources (Dirichlet weights; a stratified bootstrap of 30 raters in 2
groups, 20 + 10, on each of 8 rated indicators; measurement uncertainty on 8
measured indicators, 4 truncated normal and 4 triangular), WSM against the
bounds, full summary (score mean/std/quantiles, grade probabilities, rank
acceptability), against a straightforward numpy loop over samples: >= 30x.

The loop (``loop_run``) is what one writes first with numpy: a Python loop
over the samples, numpy inside each sample over all projects at once. Per
sample it draws the weights (``Generator.dirichlet``); resamples every
stratum's raters with replacement, one uniform per rating (240,000 per sample
here), averages them per stratum and weights the groups (``bincount``);
perturbs the 8 measured columns (inverse CDF of the truncated normal, the
triangular quantile); scores with ``ppeval.methods.wsm`` against the bounds;
ranks with one sort and ``searchsorted``; counts ranks and grades and adds the
score sums. The tables of strata and the truncation limits are built once
before the loop. It keeps no histogram (ppeval also bins every score for the
quantiles), so it does slightly less than ppeval.

Runs are interleaved: each round runs ppeval without and with the
first-order indices, then the loop, with the load average read before each
run; the ratio is taken within a round. The score means of ppeval and the
loop are compared (different random streams: they agree within the Monte
Carlo error).

Cost model of ppeval's run, per sample: one 64-bit word and one alias-table
draw per (project, indicator, rater group) stratum, whatever the number of
raters (the exact bootstrap distribution of each distinct stratum is
precomputed once); one uniform and one inverse CDF per uncertain value; the
fixed cells' part of the WSM scores as one matrix product per tile and the
varied cells added; one ``n log n`` ranking. The loop's bootstrap costs one
draw per *rater*, so the gain grows with the number of raters per cell (the
second table).

Run ``python benchmarks/bench_evidence.py`` (full) or with ``--quick`` (CI).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from ppeval import methods
from ppeval.sensitivity import evidence_monte_carlo, rating_evidence, value_uncertainty


def problem(n: int, seed: int = 0, raters: tuple[int, int] = (20, 10)) -> dict:
    rng = np.random.default_rng(seed)
    m, rated = 20, np.arange(12, 20)
    x = rng.uniform(20, 95, (n, m))
    bounds = np.array([[0.0, 100.0]] * m)
    bounds[rated] = [1.0, 5.0]
    per_cell = sum(raters)
    proj = np.repeat(np.arange(n), rated.size * per_cell)
    ind = np.tile(np.repeat(rated, per_cell), n)
    grp = np.tile(np.repeat(["resident", "expert"], raters), n * rated.size)
    # each cell has its own answer distribution on the 5-point scale
    centre = rng.uniform(2.0, 4.6, (n, rated.size))
    mu = np.repeat(centre.reshape(-1), per_cell)
    val = np.clip(np.rint(mu + rng.normal(0, 0.9, mu.size)), 1, 5)
    gw = {"resident": 0.6, "expert": 0.4}
    ev = rating_evidence(proj, ind, val, n_projects=n, n_criteria=m, group=grp, group_weights=gw)
    x[ev.cell_row, ev.cell_col] = ev.base
    dist = ["normal"] * 4 + ["triangular"] * 4 + ["none"] * 12
    u = value_uncertainty(dist, m, relative=[0.05] * 8 + [0.0] * 12, low=0.0, high=100.0)
    w = rng.dirichlet(np.full(m, 8.0))
    return {"x": x, "w": w, "bounds": bounds, "ev": ev, "u": u, "raw": (proj, ind, val, grp, gw), "n": n, "m": m}


def ppeval_run(p: dict, samples: int, attribution: bool) -> object:
    return evidence_monte_carlo(
        p["x"], p["w"], np.ones(p["m"]), samples, concentration=200.0, ratings=p["ev"], values=p["u"],
        method="wsm", bounds=p["bounds"], grade_bands=[90, 80, 60, 0], seed=1, attribution=attribution,
    )


def loop_run(p: dict, samples: int) -> dict:
    """A straightforward loop over samples (numpy inside each sample, one rater draw per rater)."""
    n, m = p["n"], p["m"]
    x0, w0, bounds = p["x"], p["w"], p["bounds"]
    proj, ind, val, grp, gw = p["raw"]
    rng = np.random.default_rng(2)
    # ratings sorted by stratum (cell, group) once
    g_code = (grp == "expert").astype(np.int64)
    cell = proj * m + ind
    stratum = cell * 2 + g_code
    order = np.argsort(stratum, kind="stable")
    st, vals = stratum[order], val[order]
    uniq, start, count = np.unique(st, return_index=True, return_counts=True)
    of_rating = np.repeat(np.arange(uniq.size), count)
    cells = uniq // 2
    w_group = np.where(uniq % 2 == 1, gw["expert"], gw["resident"])
    ucell, cell_of = np.unique(cells, return_inverse=True)
    den = np.bincount(cell_of, weights=w_group)
    rows, cols = ucell // m, ucell % m
    unc_cols = np.arange(8)
    xv = x0[:, unc_cols]
    h = 0.05 * np.abs(xv)
    from scipy import special
    lo_n, hi_n = special.ndtr((0 - xv[:, :4]) / h[:, :4]), special.ndtr((100 - xv[:, :4]) / h[:, :4])
    rank_counts = np.zeros((n, n), dtype=np.int64)
    grade_counts = np.zeros((n, 4), dtype=np.int64)
    s_sum = np.zeros(n)
    s_sq = np.zeros(n)
    for _ in range(samples):
        w = rng.dirichlet(200.0 * w0)
        pick = start[of_rating] + (rng.random(vals.size) * count[of_rating]).astype(np.int64)
        means = np.bincount(of_rating, weights=vals[pick]) / count
        cell_val = np.bincount(cell_of, weights=w_group * means) / den
        x = x0.copy()
        x[rows, cols] = cell_val
        uu = rng.random((n, 8))
        z_n = special.ndtri(lo_n + uu[:, :4] * (hi_n - lo_n))
        ut = uu[:, 4:]
        z_t = np.where(ut <= 0.5, np.sqrt(2 * ut) - 1, 1 - np.sqrt(2 * (1 - ut)))
        x[:, unc_cols] = np.clip(xv + h * np.hstack([z_n, z_t]), 0, 100)
        s = methods.wsm(x, w, np.ones(m), bounds=bounds)
        srt = np.sort(-s)
        r = np.searchsorted(srt, -s, side="left")  # competition ranks (ties share the best)
        rank_counts[np.arange(n), r] += 1
        g = 100 * s
        grade_counts[np.arange(n), np.where(g >= 90, 0, np.where(g >= 80, 1, np.where(g >= 60, 2, 3)))] += 1
        s_sum += s
        s_sq += s * s
    mean = s_sum / samples
    return {"mean": mean, "std": np.sqrt(np.maximum(s_sq / samples - mean**2, 0)), "acc": rank_counts / samples}


def _timed(f: object, *args: object) -> tuple[float, float, float, object]:
    """Wall seconds, CPU seconds of this process, load average before the run, result."""
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    out = f(*args)  # type: ignore[operator]
    return time.perf_counter() - t0, time.process_time() - c0, load, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 2, quick 1)")
    args = ap.parse_args()
    n, samples = (100, 512) if args.quick else (1000, 10_000)
    rounds = args.rounds or (1 if args.quick else 2)
    p = problem(n)
    strata = p["ev"].stratum_n.size
    raters = int(p["ev"].n_raters.sum())
    print(f"# bench_evidence ({'quick' if args.quick else 'full'})\n")
    print(f"{n} projects x {p['m']} indicators x {samples:,} samples; {strata:,} rater strata, {raters:,} ratings; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}; load {os.getloadavg()[0]:.1f}\n")
    ppeval_run(p, 64, False)  # warm-up (imports, tables)
    print("Wall seconds (CPU seconds of the process; load average before the run); ratios of wall (CPU) times.\n")
    print("| round | ppeval s | ppeval + first-order s | loop s | loop / ppeval | loop / ppeval + first-order |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    ours = ours_att = ref = None
    for r in range(rounds):
        t_ours, c_ours, l_ours, ours = _timed(ppeval_run, p, samples, False)
        t_att, c_att, l_att, ours_att = _timed(ppeval_run, p, samples, True)
        t_loop, c_loop, l_loop, ref = _timed(loop_run, p, samples)
        print(f"| {r + 1} | {t_ours:.2f} ({c_ours:.2f}; {l_ours:.1f}) | {t_att:.2f} ({c_att:.2f}; {l_att:.1f}) | "
              f"{t_loop:.2f} ({c_loop:.2f}; {l_loop:.1f}) | {t_loop / t_ours:.1f}x ({c_loop / c_ours:.1f}x) | "
              f"{t_loop / t_att:.1f}x ({c_loop / c_att:.1f}x) |")
    assert isinstance(ref, dict)
    mc_err = np.sqrt(np.asarray(ours.score_std) ** 2 / samples + ref["std"] ** 2 / samples)  # type: ignore[attr-defined]
    dev = float(np.max(np.abs(np.asarray(ours.score_mean) - ref["mean"]) / np.maximum(mc_err, 1e-12)))  # type: ignore[attr-defined]
    first = np.round(np.asarray(ours_att.first_order).mean(axis=0), 3).tolist()  # type: ignore[attr-defined]
    print(f"\nAgreement: largest |mean score difference| / Monte Carlo error = {dev:.2f} (independent streams; "
          f"< 5 expected). First-order indices (mean over projects): "
          f"{dict(zip(ours_att.sources, first, strict=True))}")  # type: ignore[attr-defined]
    if dev > 6:
        raise SystemExit("ppeval and the loop disagree beyond the Monte Carlo error")

    # the cost model: ppeval's bootstrap costs one draw per stratum, the loop's one per rater
    n2, s2 = (50, 256) if args.quick else (200, 2000)
    print(f"\n#### Raters per cell ({n2} projects x 20 indicators x {s2:,} samples, no attribution)\n")
    print("| raters per cell (2 groups) | ppeval s | loop s | loop / ppeval |")
    print("| ---: | ---: | ---: | ---: |")
    for per in ((4, 2), (20, 10), (100, 100)):
        q = problem(n2, raters=per)
        t_a, c_a, l_a, _ = _timed(ppeval_run, q, s2, False)
        t_b, c_b, l_b, _ = _timed(loop_run, q, s2)
        print(f"| {sum(per)} | {t_a:.2f} ({c_a:.2f}; {l_a:.1f}) | {t_b:.2f} ({c_b:.2f}; {l_b:.1f}) | "
              f"{t_b / t_a:.1f}x ({c_b / c_a:.1f}x) |")


if __name__ == "__main__":
    main()
