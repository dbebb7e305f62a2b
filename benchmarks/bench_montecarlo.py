"""Benchmark: Monte Carlo weight sensitivity with rank acceptability (ppeval.sensitivity.monte_carlo).

Targets (issue 6), measured in one run:

1. 1000 projects x 20 indicators x 10,000 samples, TOPSIS (vector), full
   summary (rank acceptability, central weights, score mean/std/quantiles):
   (a) at least 30x faster than a loop over the fastest peer's TOPSIS plus
   ranking (pymcdm 1.4 TOPSIS with validation off, ranked with pymcdm's own
   ``rank``; also shown: the same loop ranked with ``np.argsort``, pymcdm as
   shipped (validation on, timed on a subset), and a plain-numpy loop with the
   normalisation hoisted out), and (b) within 5x of the bare work it cannot
   avoid: the matrix product ``(W∘W) @ [G+ | G-]`` and one argsort per sample.
   Every loop's rank acceptability is compared with ppeval's on the same draws.
2. 100,000 samples on 10,000 projects: peak memory under 2 GiB (measured as the
   peak RSS of a fresh subprocess), and the same run on a 2-worker Dask
   ``LocalCluster`` gives identical rank acceptability.

Also shown (issue 16): the bare vectorised SMAA-2 (draw, GEMM, argsort, bincount) and the same with the
score summaries written plainly (closeness, float sums, minima/maxima, histogram).

Run ``python benchmarks/bench_montecarlo.py`` (full, several minutes) or with
``--quick`` (small sizes, a few seconds, for CI). Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from statistics import median

import numpy as np

from ppeval.sensitivity import monte_carlo
from ppeval.sensitivity._executor import BLOCK_SIZE, SeedPlan
from ppeval.sensitivity._kernels import build_scorer


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    out: object = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return median(times), out


def draw_weights(seed: int, samples: int, m: int) -> np.ndarray:
    """The weights monte_carlo(seed=seed, concentration=None) uses, re-drawn from its seed plan."""
    plan = SeedPlan.from_seed(seed)
    out = np.empty((samples, m))
    for b in range(0, samples, BLOCK_SIZE):
        size = min(BLOCK_SIZE, samples - b)
        out[b : b + size] = plan.block_rng(b // BLOCK_SIZE).dirichlet(np.ones(m), size=size)
    return out


def loop_pymcdm(x: np.ndarray, ws: np.ndarray, t: np.ndarray, *, validation: bool, ranking: str) -> np.ndarray:
    """pymcdm's TOPSIS (vector normalisation) per weight vector, ranked by pymcdm's ``rank`` or argsort."""
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization

    body = TOPSIS(vector_normalization)
    n = x.shape[0]
    counts = np.zeros((n, n), dtype=np.int64)
    pos = np.arange(n)
    for w in ws:
        p = body(x, w, t, validation=validation)
        if ranking == "pymcdm":
            counts[pos, np.asarray(body.rank(p)).astype(np.int64) - 1] += 1
        else:
            counts[np.argsort(-p), pos] += 1
    return counts


def loop_numpy(x: np.ndarray, ws: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Fastest plain loop: normalisation hoisted; per sample weighted gaps, distances, argsort, count."""
    r = x / np.sqrt((x * x).sum(axis=0))
    r = np.where(t > 0, r, 1.0 - r)
    lo, hi = r.min(axis=0), r.max(axis=0)
    n = x.shape[0]
    counts = np.zeros((n, n), dtype=np.int64)
    pos = np.arange(n)
    for w in ws:
        dp = np.sqrt((((r - hi) * w) ** 2).sum(axis=1))
        dm = np.sqrt((((r - lo) * w) ** 2).sum(axis=1))
        c = dm / (dp + dm)
        counts[np.argsort(-c), pos] += 1
    return counts


def bare(x: np.ndarray, ws: np.ndarray, t: np.ndarray) -> float:
    """The unavoidable work: one (k, m) @ (m, 2n) product and one argsort per sample."""
    sc = build_scorer(x, t, method="topsis", normalization="vector", bounds=None, v=0.5,
                      support=np.ones(x.shape[1], bool))
    d = (ws * ws) @ sc.rhs
    n = x.shape[0]
    order = np.argsort(d[:, :n], axis=1)
    return float(order[0, 0])


def bare_vectorised(x: np.ndarray, t: np.ndarray, samples: int, seed: int, block: int = 2048) -> np.ndarray:
    """A bare vectorised SMAA-2 in plain numpy: draw, GEMM, argsort, bincount (issue 16's comparator).

    Dirichlet draws (uniform on the simplex, from the same seed plan), one ``(k, m) @ (m, 2n)`` product
    of squared weights and squared normalised gaps per block of samples, the ratio ``D+^2 / D-^2``
    (closeness is decreasing in it), one argsort per sample and one ``bincount`` of (alternative, rank)
    cells. No ties handling, no score statistics, no central weights.
    """
    r = x / np.sqrt((x * x).sum(axis=0))
    r = np.where(t > 0, r, 1.0 - r)
    g = np.concatenate([(r - r.max(axis=0)) ** 2, (r - r.min(axis=0)) ** 2]).T  # (m, 2n)
    n, m = x.shape
    ws = draw_weights(seed, samples, m)
    counts = np.zeros(n * n, dtype=np.int64)
    for b in range(0, samples, block):
        w2 = ws[b : b + block] ** 2
        d = w2 @ g
        ratio = d[:, :n] / d[:, n:]
        order = np.argsort(ratio, axis=1)  # best (smallest ratio) first
        counts += np.bincount((order * n + np.arange(n)).ravel(), minlength=n * n)
    return counts.reshape(n, n)


def bare_vectorised_summaries(
    x: np.ndarray, t: np.ndarray, samples: int, seed: int, block: int = 2048, bins: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """``bare_vectorised`` plus the score summaries ``monte_carlo`` also returns, written plainly.

    Per block: the closeness ``1 / (1 + sqrt(D+^2 / D-^2))``, plain float sums of the scores and their
    squares (mean and std; not exact, so they depend on the blocks), per-alternative minima and maxima,
    and a ``bins``-bin score histogram per alternative (one more ``bincount``). No weight statistics,
    no central weights, no ties handling. The floor for the summaries as ``monte_carlo`` defines them.
    """
    r = x / np.sqrt((x * x).sum(axis=0))
    r = np.where(t > 0, r, 1.0 - r)
    g = np.concatenate([(r - r.max(axis=0)) ** 2, (r - r.min(axis=0)) ** 2]).T  # (m, 2n)
    n, m = x.shape
    ws = draw_weights(seed, samples, m)
    counts = np.zeros(n * n, dtype=np.int64)
    hist = np.zeros(n * bins, dtype=np.int64)
    s1 = np.zeros(n)
    s2 = np.zeros(n)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    for b in range(0, samples, block):
        w2 = ws[b : b + block] ** 2
        d = w2 @ g
        ratio = d[:, :n] / d[:, n:]
        order = np.argsort(ratio, axis=1)
        counts += np.bincount((order * n + np.arange(n)).ravel(), minlength=n * n)
        c = 1.0 / (1.0 + np.sqrt(ratio))
        s1 += c.sum(axis=0)
        s2 += (c * c).sum(axis=0)
        np.minimum(lo, c.min(axis=0), out=lo)
        np.maximum(hi, c.max(axis=0), out=hi)
        k = np.minimum((c * bins).astype(np.int64), bins - 1) + np.arange(n) * bins
        hist += np.bincount(k.ravel(), minlength=n * bins)
    return counts.reshape(n, n), hist.reshape(n, bins)


def speed(n: int, m: int, samples: int, repeat: int, loop_samples: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 100, size=(n, m))
    t = np.where(np.arange(m) % 4 == 3, -1, 1)
    w0 = np.full(m, 1.0 / m)
    ws = draw_weights(7, samples, m)
    rows: list[dict[str, object]] = []
    # warm up at full size (imports, BLAS threads, the allocator's first large mappings): the first
    # full-size calls on this VM run up to 2x slower than the steady state, for both contenders
    monte_carlo(x, w0, t, samples, seed=7)
    bare(x, ws, t)
    bare_vectorised(x, t, samples, 7)
    bare_vectorised_summaries(x, t, samples, 7)
    t_pp: list[float] = []
    t_sum: list[float] = []
    cpu: dict[str, list[float]] = {"pp": [], "vec": [], "sum": []}  # process CPU time of the same calls
    t_bare: list[float] = []
    t_vec: list[float] = []
    res = None
    vec = None
    for _ in range(repeat):  # interleaved, so that drifts of the machine hit all alike
        c0 = time.process_time()
        a, res = timed(lambda: monte_carlo(x, w0, t, samples, seed=7), 1)
        cpu["pp"].append(time.process_time() - c0)
        b, _ = timed(lambda: bare(x, ws, t), 1)
        c0 = time.process_time()
        c, vec = timed(lambda: bare_vectorised(x, t, samples, 7), 1)
        cpu["vec"].append(time.process_time() - c0)
        c0 = time.process_time()
        d, _ = timed(lambda: bare_vectorised_summaries(x, t, samples, 7), 1)
        cpu["sum"].append(time.process_time() - c0)
        t_sum.append(d)
        t_pp.append(a)
        t_bare.append(b)
        t_vec.append(c)
    assert res is not None
    pp = median(t_pp)
    diff_vec = float(np.abs(np.asarray(vec) / samples - res.rank_acceptability).max())
    rows.append({"what": "ppeval monte_carlo (full summary)", "seconds": pp, "ratio": 1.0, "note": ""})
    rows.append({"what": "bare (W∘W)@G + argsort", "seconds": median(t_bare), "ratio": pp / median(t_bare),
                 "note": f"ppeval / bare (target <= 5), medians of {repeat} interleaved runs"})
    rows.append({"what": "bare vectorised SMAA-2 (draw, GEMM, argsort, bincount)", "seconds": median(t_vec),
                 "ratio": pp / median(t_vec),
                 "note": f"ppeval / bare vectorised (issue 16 target <= 1.1), medians of {repeat} interleaved "
                         f"runs; max abs. acceptability difference {diff_vec:.2g}; on CPU time "
                         f"{median(cpu['pp']) / median(cpu['vec']):.3f} ({median(cpu['pp']):.3f} s / "
                         f"{median(cpu['vec']):.3f} s); load average {os.getloadavg()[0]:.1f}"})
    rows.append({"what": "bare vectorised + score summaries written plainly (closeness, sums, min/max, histogram)",
                 "seconds": median(t_sum), "ratio": pp / median(t_sum),
                 "note": f"informative: the summaries' floor in plain numpy; ppeval / it, medians of {repeat} "
                         f"interleaved runs; bare vectorised / it {median(t_vec) / median(t_sum):.3f}; on CPU time "
                         f"ppeval / it {median(cpu['pp']) / median(cpu['sum']):.3f}"})
    loops = [
        ("loop: pymcdm TOPSIS (validation off) + pymcdm rank", "target: loop / ppeval >= 30",
         lambda ws_: loop_pymcdm(x, ws_, t, validation=False, ranking="pymcdm"), loop_samples),
        ("loop: pymcdm TOPSIS (validation off) + np.argsort", "informative (tuned peer loop)",
         lambda ws_: loop_pymcdm(x, ws_, t, validation=False, ranking="argsort"), loop_samples),
        ("loop: pymcdm TOPSIS (default validation) + pymcdm rank", "informative (peer as shipped)",
         lambda ws_: loop_pymcdm(x, ws_, t, validation=True, ranking="pymcdm"), max(loop_samples // 50, 20)),
        ("loop: plain numpy TOPSIS (normalisation hoisted) + np.argsort", "informative (argsort-bound floor)",
         lambda ws_: loop_numpy(x, ws_, t), loop_samples),
    ]
    for name, note, fn, k in loops:
        k = min(k, samples)
        secs, counts = timed(lambda fn=fn, k=k: fn(ws[:k]), 1)
        sub = monte_carlo(x, w0, t, k, seed=7)
        diff = float(np.abs(np.asarray(counts) / k - sub.rank_acceptability).max())
        scale = samples / k
        rows.append({"what": name, "seconds": secs * scale, "ratio": 0.0,
                     "note": f"{note}; {k} samples timed, x{scale:g}; max abs. acceptability difference {diff:.2g}"})
    # ppeval again after the long loops, so the target ratio uses ppeval's median over the whole run
    for _ in range(repeat):
        a, _ = timed(lambda: monte_carlo(x, w0, t, samples, seed=7), 1)
        t_pp.append(a)
    pp_all = median(t_pp)
    for row in rows:
        if str(row["what"]).startswith("loop:"):
            row["ratio"] = float(str(row["seconds"])) / pp_all
    rows[0]["seconds"] = pp_all
    rows[0]["note"] = f"median of {len(t_pp)} runs, before and after the loops; loop ratios use it"
    half = samples // 2  # two equal tasks (the default chunk gives 8,192 + 1,808 samples)
    with ThreadPoolExecutor(2) as pool:
        threaded, res2 = timed(lambda: monte_carlo(x, w0, t, samples, seed=7, executor=pool, chunk_size=half),
                               repeat)
    same = bool(np.array_equal(res2.rank_acceptability, res.rank_acceptability))  # type: ignore[attr-defined]
    rows.append({"what": "ppeval monte_carlo, executor=ThreadPoolExecutor(2)", "seconds": threaded,
                 "ratio": threaded / pp_all,
                 "note": f"informative (2 cores, chunk_size={half}); "
                         f"rank acceptability bit-identical to serial: {same}"})
    return rows


_CHILD = r"""
import json, resource, sys, time
import numpy as np
from ppeval.sensitivity import monte_carlo
n, m, samples, dask = (int(a) for a in sys.argv[1:5])
rng = np.random.default_rng(3)
x = rng.uniform(1, 100, size=(n, m))
t = np.ones(m)
w = np.full(m, 1.0 / m)
t0 = time.perf_counter()
if dask:
    import distributed
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        r = monte_carlo(x, w, t, samples, seed=11, executor=client.get_executor())
else:
    r = monte_carlo(x, w, t, samples, seed=11)
secs = time.perf_counter() - t0
np.save(sys.argv[5], r.rank_acceptability)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
ok = bool(np.allclose(r.rank_acceptability.sum(1), 1))
print(json.dumps({"seconds": secs, "peak_bytes": peak, "rows_sum_ok": ok}))
"""


def memory(n: int, m: int, samples: int, tmpdir: str) -> list[dict[str, object]]:
    rows = []
    paths = {}
    for dask in (0, 1):
        path = os.path.join(tmpdir, f"acc_{dask}.npy")
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(n), str(m), str(samples), str(dask), path],
            capture_output=True, text=True, check=True,
        )
        info = json.loads(out.stdout.strip().splitlines()[-1])
        paths[dask] = path
        rows.append({"run": "2-worker Dask LocalCluster (driver process)" if dask else "serial",
                     "seconds": info["seconds"], "peak_GiB": info["peak_bytes"] / 2**30,
                     "rows_sum_to_1": info["rows_sum_ok"]})
    a = np.load(paths[0], mmap_mode="r")
    b = np.load(paths[1], mmap_mode="r")
    identical = bool(np.array_equal(a, b))
    for r in rows:
        r["identical_acceptability"] = identical
    return rows


def table(rows: list[dict[str, object]]) -> str:
    keys = list(rows[0])
    out = ["| " + " | ".join(keys) + " |", "| " + " | ".join("---" for _ in keys) + " |"]
    for r in rows:
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in r.values()]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ap.add_argument("--skip-memory", action="store_true", help="skip the large-memory run")
    args = ap.parse_args()
    if args.quick:
        n, m, samples, repeat, loop_k = 200, 20, 2000, 3, 500
        mem = (2000, 20, 5000)
    else:
        n, m, samples, repeat, loop_k = 1000, 20, 10_000, 5, 10_000
        mem = (10_000, 20, 100_000)
    print(f"# bench_montecarlo ({'quick' if args.quick else 'full'})\n")
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, numpy {np.__version__}\n")
    print(f"## Speed: {n} projects x {m} indicators x {samples} samples (TOPSIS, vector)\n")
    print(table(speed(n, m, samples, repeat, min(loop_k, samples))))
    if not args.skip_memory:
        import tempfile

        print(f"\n## Memory: {mem[2]} samples on {mem[0]} projects x {mem[1]} indicators\n")
        with tempfile.TemporaryDirectory() as tmp:
            print(table(memory(*mem, tmp)))


if __name__ == "__main__":
    main()
