"""Benchmark: entropy and CRITIC weights, ppeval vs pymcdm vs plain numpy.

For 1e3, 1e5 and 1e6 alternatives x 20 criteria (seeded uniform data in
[0.1, 100], all criteria benefit, so the three implementations compute the same
numbers), times

* ``ppeval.weights.entropy`` / ``ppeval.weights.critic`` (validated),
* a plain numpy reference (no validation, the textbook formulas on whole arrays),
* ``pymcdm.weights.entropy_weights`` / ``critic_weights`` (pymcdm has no
  ``validation`` switch for weighting methods, so only its default is timed),

interleaved (each repetition runs every contender once, in rotating order), and
prints a Markdown table of medians, ratios, the largest weight difference to
ppeval and the peak memory allocated by one call (``tracemalloc``; numpy
reports its buffers to it).

Usage::

    .venv/bin/python benchmarks/bench_weights.py [--quick] [--repeat N]

``--quick`` uses 1e3 and 1e4 rows and few repetitions (for CI).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import numpy as np

from ppeval.weights import critic, entropy

M = 20


def numpy_entropy(x: np.ndarray) -> np.ndarray:
    p = x / x.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(x.shape[0])
    d = 1.0 - e
    return d / d.sum()


def numpy_critic(x: np.ndarray) -> np.ndarray:
    lo = x.min(axis=0)
    r = (x - lo) / (x.max(axis=0) - lo)
    c = r.std(axis=0) * (1.0 - np.corrcoef(r, rowvar=False)).sum(axis=0)
    return c / c.sum()


def contenders(method: str) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    import pymcdm.weights as pw

    ones = np.ones(M)
    if method == "entropy":
        return {"ppeval": entropy, "numpy": numpy_entropy, "pymcdm": pw.entropy_weights}
    return {"ppeval": lambda x: critic(x, ones), "numpy": numpy_critic, "pymcdm": pw.critic_weights}


def peak_mib(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> float:
    tracemalloc.start()
    try:
        fn(x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def run(method: str, n: int, repeat: int, slow_cap: int, seed: int) -> dict[str, Any]:
    x = np.random.default_rng(seed).uniform(0.1, 100.0, size=(n, M))
    fns = contenders(method)
    names = list(fns)
    ref = fns["ppeval"](x)
    diff = {k: float(np.abs(fns[k](x) - ref).max()) for k in names}
    times: dict[str, list[float]] = {k: [] for k in names}
    for r in range(repeat):
        order = names[r % len(names):] + names[: r % len(names)]
        for k in order:
            if k == "pymcdm" and len(times[k]) >= slow_cap:
                continue
            t0 = time.perf_counter()
            fns[k](x)
            times[k].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    mem = {k: peak_mib(fns[k], x) for k in ("ppeval", "numpy")}
    return {"method": method, "n": n, "median": med, "runs": {k: len(v) for k, v in times.items()},
            "diff": diff, "mem": mem}


def fmt_ms(s: float) -> str:
    ms = s * 1e3
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, few repetitions (CI)")
    ap.add_argument("--repeat", type=int, default=None, help="repetitions per size (default: by size)")
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args()

    if args.quick:
        plan = [(1_000, 10, 10), (10_000, 3, 3)]
    else:
        plan = [(1_000, 51, 51), (100_000, 11, 11), (1_000_000, 7, 3)]
    if args.repeat is not None:
        plan = [(n, args.repeat, min(args.repeat, cap)) for n, _, cap in plan]

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pymcdm {version('pymcdm')}, "
        f"{platform.machine()} x{os.cpu_count()} cpus, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    print(f"matrix n x {M}, uniform(0.1, 100), all benefit; medians of interleaved runs (runs in brackets)\n")
    print("| method | n | ppeval ms | numpy ms | pymcdm ms | ppeval/numpy | ppeval/pymcdm "
          "| max abs diff numpy, pymcdm | peak MiB ppeval, numpy |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for method in ("entropy", "critic"):
        for n, repeat, cap in plan:
            res = run(method, n, repeat, cap, args.seed)
            med, runs, diff, mem = res["median"], res["runs"], res["diff"], res["mem"]
            print(
                f"| {method} | {n:,} | {fmt_ms(med['ppeval'])} ({runs['ppeval']}) "
                f"| {fmt_ms(med['numpy'])} ({runs['numpy']}) | {fmt_ms(med['pymcdm'])} ({runs['pymcdm']}) "
                f"| {med['ppeval'] / med['numpy']:.2f} | {med['ppeval'] / med['pymcdm']:.3f} "
                f"| {diff['numpy']:.1e}, {diff['pymcdm']:.1e} | {mem['ppeval']:.1f}, {mem['numpy']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
