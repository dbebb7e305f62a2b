"""Benchmark ppeval.ahp: single priorities for n = 3..15 and the batched eigenvector path.

Run with plain Python from the repository root::

    .venv/bin/python benchmarks/bench_ahp.py          # full run
    .venv/bin/python benchmarks/bench_ahp.py --quick  # a few seconds, for CI

Prints two Markdown tables of medians (timings interleaved: every repeat runs
each contender once, in turn, so drifts of the machine hit all alike):

1. one call of ``priorities`` (eigenvector and geometric mean) per matrix
   size, with pymcdm 1.4's ``AHP`` (weights + ``get_cr``) as a reference;
2. ``priorities_batch`` on 10,000 matrices of size 7 against a Python loop of
   ``priorities`` calls, with the largest difference between the two.

Matrices are random reciprocal matrices on Saaty's 1-9 scale from a fixed seed.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from ppeval.ahp import priorities, priorities_batch

SCALE = np.array([1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9])


def random_matrices(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    """``k`` random reciprocal ``n x n`` matrices with judgments drawn from the 1-9 scale."""
    iu, ju = np.triu_indices(n, 1)
    upper = rng.choice(SCALE, size=(k, iu.size))
    out = np.ones((k, n, n))
    out[:, iu, ju] = upper
    out[:, ju, iu] = 1.0 / upper
    return out


def interleaved(contenders: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time (s) of each contender, run in turn ``repeats`` times."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for fn in contenders.values():  # warm-up (imports, caches)
        fn()
    for _ in range(repeats):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def bench_single(rng: np.random.Generator, calls: int, repeats: int) -> list[str]:
    from pymcdm.weights.subjective import AHP

    def pymcdm_call(m: np.ndarray) -> None:
        model = AHP(matrix=m)
        model()
        model.get_cr()

    rows = [
        "| n | ppeval eigenvector (µs/call) | ppeval geometric mean (µs/call) | pymcdm AHP + CR (µs/call) |",
        "|---:|---:|---:|---:|",
    ]
    for n in range(3, 16):
        mats = random_matrices(rng, calls, n)
        med = interleaved(
            {
                "eig": lambda mats=mats: [priorities(m) for m in mats],
                "gm": lambda mats=mats: [priorities(m, "geometric_mean") for m in mats],
                "pymcdm": lambda mats=mats: [pymcdm_call(m) for m in mats],
            },
            repeats,
        )
        us = {k: 1e6 * v / calls for k, v in med.items()}
        rows.append(f"| {n} | {us['eig']:.1f} | {us['gm']:.1f} | {us['pymcdm']:.1f} |")
    return rows


def bench_batch(rng: np.random.Generator, k: int, repeats: int) -> list[str]:
    n = 7
    mats = random_matrices(rng, k, n)
    batch = priorities_batch(mats)
    loop = np.stack([priorities(m).weights for m in mats])
    diff = float(np.max(np.abs(batch.weights - loop)))
    rows = [
        "| method | batch (ms) | loop of single calls (ms) | loop / batch | max abs weight difference |",
        "|---|---:|---:|---:|---:|",
    ]
    for method in ("eigenvector", "geometric_mean"):
        med = interleaved(
            {
                "batch": lambda method=method: priorities_batch(mats, method),
                "loop": lambda method=method: [priorities(m, method) for m in mats],
            },
            repeats,
        )
        if method == "geometric_mean":
            gm_b = priorities_batch(mats, method).weights
            gm_l = np.stack([priorities(m, method).weights for m in mats])
            d = float(np.max(np.abs(gm_b - gm_l)))
        else:
            d = diff
        rows.append(
            f"| {method} | {1e3 * med['batch']:.1f} | {1e3 * med['loop']:.1f} | "
            f"{med['loop'] / med['batch']:.1f}x | {d:.1e} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (CI smoke run)")
    args = parser.parse_args()
    calls, repeats_single, k, repeats_batch = (20, 3, 1000, 3) if args.quick else (200, 7, 10_000, 7)
    rng = np.random.default_rng(20261123)

    print(f"# ppeval.ahp benchmark{' (--quick)' if args.quick else ''}\n")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"{platform.system()}; medians of {repeats_single} (single) / {repeats_batch} (batch) "
          "interleaved repeats.\n")
    print(f"## Single matrix: `priorities` ({calls} matrices per size, time per call)\n")
    print("\n".join(bench_single(rng, calls, repeats_single)))
    print(f"\n## Batch: `priorities_batch` on {k:,} matrices of n = 7 vs a Python loop of `priorities`\n")
    print("\n".join(bench_batch(rng, k, repeats_batch)))


if __name__ == "__main__":
    main()
