"""Benchmark: TOPSIS for 10,000 weight vectors at once against Python loops of single calls.

On 1000 alternatives x 20 criteria (seeded uniform data in [1, 100], criteria alternately benefit
and cost) and k = 10,000 Dirichlet weight vectors, times, interleaved:

* ``ppeval.methods.topsis(matrix, W, types)`` with ``W`` of shape (k, 20): one validated call,
  returning (k, 1000);
* a Python loop of the plain numpy TOPSIS (``baselines.numpy_topsis``), one call per weight vector;
* a Python loop of pymcdm's ``TOPSIS(vector_normalization)`` with ``validation=False``;
* a Python loop of single ppeval calls (for reference),
* the hoisted loop: plain numpy with the normalisation and the squared gaps hoisted out of the loop,
  one gemv ``G @ w**2`` and the closeness per weight vector (the fastest loop one can write), and
* the GEMM floor: one ``(k, m) @ (m, 2n)`` product of the same size as the batch's distances, with
  nothing else (no normalisation, no square roots, no division),

checks that all four give the same closeness values, and reports the speed-up of the batch over
the fastest loop (target: at least 30x), the ratio to the hoisted loop (target: at least 3x) and to the
GEMM floor (target: at most 1.5x), and the peak memory of each (``tracemalloc``) next to the
size of the result and of a (k, n, m) array, which the batch never allocates.

Usage::

    .venv/bin/python benchmarks/bench_batch.py [--quick] [--repeats N]

``--quick`` uses k = 200 weight vectors and few repeats (CI smoke run).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import arg_parser, fmt_seconds, interleave, machine_line, markdown_table, max_abs_diff, peak_bytes
from baselines import numpy_topsis, pymcdm_topsis_factory
from ppeval.methods import topsis

N, M = 1000, 20


def hoisted_gaps(x: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Squared normalised gaps to the ideal and anti-ideal, stacked as ``(2n, m)`` (vector normalisation)."""
    r = x / np.sqrt((x * x).sum(axis=0))
    r = np.where(types > 0, r, 1.0 - r)
    return np.concatenate([(r - r.max(axis=0)) ** 2, (r - r.min(axis=0)) ** 2])


def hoisted_loop(g: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One gemv per weight vector on the hoisted gaps, then the closeness."""
    n = g.shape[0] // 2
    out = np.empty((weights.shape[0], n))
    for i, w in enumerate(weights):
        d = np.sqrt(g @ (w * w))
        out[i] = d[n:] / (d[:n] + d[n:])
    return out


def gemm_floor(g: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One ``(k, m) @ (m, 2n)`` product: the batch's distances with nothing around them."""
    return (weights * weights) @ g.T


def main(argv: list[str] | None = None) -> int:
    args = arg_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    k = 200 if args.quick else 10_000
    # the batch is timed in `repeats` rounds; the slow loops (first call > 2 s) in 3 of them
    repeats = args.repeats or (5 if args.quick else 9)
    rng = np.random.default_rng(20261123)
    x = rng.uniform(1.0, 100.0, size=(N, M))
    weights = rng.dirichlet(np.ones(M), size=k)
    types = np.where(np.arange(M) % 2 == 0, 1, -1)
    pm = pymcdm_topsis_factory(validation=False)

    batch_name = "ppeval `topsis`, one call with weights (k, m)"
    g = hoisted_gaps(x, types)
    hoisted_name = "hoisted loop: numpy, normalisation hoisted, one gemv per vector"
    gemm_name = "GEMM floor: one (k, m) @ (m, 2n) product"
    cands = {
        batch_name: lambda: topsis(x, weights, types),
        hoisted_name: lambda: hoisted_loop(g, weights),
        gemm_name: lambda: gemm_floor(g, weights),
        "loop: numpy reference": lambda: np.stack([numpy_topsis(x, w, types) for w in weights]),
        "loop: pymcdm `TOPSIS` (validation=False)": lambda: np.stack([pm(x, w, types) for w in weights]),
        "loop: ppeval `topsis` single calls": lambda: np.stack([topsis(x, w, types) for w in weights]),
    }
    timings, outputs = interleave(cands, repeats=repeats, slow_seconds=2.0, slow_repeats=3)
    loops = [name for name in cands if name not in (batch_name, gemm_name, hoisted_name)]
    fastest = min(loops, key=lambda name: timings[name].median)
    batch = timings[batch_name].median
    rows = []
    for name, tm in timings.items():
        rows.append([
            name,
            fmt_seconds(tm.median),
            f"{fmt_seconds(tm.low)} - {fmt_seconds(tm.high)}",
            len(tm.samples),
            f"{tm.median / batch:.1f}x",
            f"{peak_bytes(cands[name]) / 2**20:.1f}",
            "-" if name == gemm_name else f"{max_abs_diff(outputs[name], outputs['loop: numpy reference']):.1e}",
        ])
    print(f"# Batched TOPSIS: k = {k:,} weight vectors on {N:,} x {M}\n")
    print(machine_line() + "\n")
    print(markdown_table(
        ["candidate", "median per call", "min - max", "samples", "time / batch", "peak MiB", "max abs diff"], rows
    ))
    result_mib = k * N * 8 / 2**20
    knm_mib = k * N * M * 8 / 2**20
    speedup = timings[fastest].median / batch
    print()
    print(f"Speed-up of the batch over the fastest loop ({fastest}): **{speedup:.0f}x** (target: >= 30x).")
    print(f"Hoisted loop / batch: **{timings[hoisted_name].median / batch:.2f}x** (target: >= 3x); "
          f"batch / GEMM floor: **{batch / timings[gemm_name].median:.2f}x** (target: <= 1.5x).")
    print(f"The (k, n) result itself is {result_mib:.1f} MiB; a (k, n, m) temporary would be {knm_mib:.0f} MiB.")
    print("The batch works in (weight chunk x row block) tiles of a few MiB, so its peak stays near the size "
          "of its result.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
