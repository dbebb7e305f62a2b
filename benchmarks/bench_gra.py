"""Benchmark: validated ppeval GRA against a plain numpy grey relational grade, 1e3 to 1e6 rows x 20 criteria.

For n = 1e3, 1e5 and 1e6 alternatives x 20 criteria (seeded uniform data in [1, 100], criteria
alternately benefit and cost, Dirichlet weights) times, interleaved:

* ``ppeval.methods.gra`` with full input validation (rho = 0.5),
* a plain numpy GRA without validation (``numpy_gra`` below: min-max to benefit orientation,
  deviations from the column best, two-level min/max, coefficients, weighted mean),

and prints per size a Markdown table of medians, min-max, the ratio to the numpy reference, the
peak memory one call allocates (``tracemalloc``, a separate run; skipped for calls over 3 s) and the
largest difference of the grades to the numpy reference.

Usage::

    .venv/bin/python benchmarks/bench_gra.py [--quick] [--repeats N]

``--quick`` uses 1e3 and 1e4 rows and few repeats (CI smoke run).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import arg_parser, fmt_seconds, interleave, machine_line, markdown_table, max_abs_diff, peak_bytes
from ppeval.methods import gra

M = 20


def numpy_gra(x: np.ndarray, w: np.ndarray, types: np.ndarray, rho: float = 0.5) -> np.ndarray:
    """Grey relational grade written plainly (no validation, no blocking)."""
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    r = np.where(types > 0, (x - lo) / (hi - lo), (hi - x) / (hi - lo))
    delta = 1.0 - r  # the reference is the best normalised value, 1
    d_min, d_max = delta.min(), delta.max()
    xi = (d_min + rho * d_max) / (delta + rho * d_max)
    out: np.ndarray = xi @ w
    return out


def problem(n: int, seed: int = 20261205) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, size=(n, M))
    w = rng.dirichlet(np.ones(M))
    types = np.where(np.arange(M) % 2 == 0, 1, -1)
    return x, w, types


def main(argv: list[str] | None = None) -> int:
    args = arg_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    sizes = (1_000, 10_000) if args.quick else (1_000, 100_000, 1_000_000)
    print("# GRA: validated ppeval vs plain numpy\n")
    print(machine_line() + "\n")
    summary = []
    for n in sizes:
        x, w, t = problem(n)
        cands = {
            "ppeval `gra` (validated)": lambda x=x, w=w, t=t: gra(x, w, t),
            "numpy reference (no validation)": lambda x=x, w=w, t=t: numpy_gra(x, w, t),
        }
        repeats = args.repeats or (3 if args.quick else {1_000: 25, 100_000: 15}.get(n, 7))
        timings, outputs = interleave(cands, repeats=repeats)
        ref_name = "numpy reference (no validation)"
        ref = timings[ref_name].median
        rows = []
        for name, tm in timings.items():
            peak = "-" if tm.median > 3.0 else f"{peak_bytes(cands[name]) / 2**20:.1f}"
            rows.append([
                name,
                fmt_seconds(tm.median),
                f"{fmt_seconds(tm.low)} - {fmt_seconds(tm.high)}",
                len(tm.samples),
                f"{tm.median / ref:.2f}x",
                peak,
                f"{max_abs_diff(outputs[name], outputs[ref_name]):.1e}",
            ])
        print(f"## n = {n:,} alternatives x {M} criteria\n")
        print(markdown_table(
            ["candidate", "median per call", "min - max", "samples", "time / numpy", "peak MiB", "max abs diff"], rows
        ))
        print()
        summary.append((n, timings["ppeval `gra` (validated)"].median / ref))
    print("## Summary\n")
    print(markdown_table(["rows", "ppeval (validated) / numpy"], [[f"{n:,}", f"{a:.2f}x"] for n, a in summary]))
    worst = max(s[1] for s in summary)
    print(f"\nLargest ppeval/numpy ratio measured: {worst:.2f}x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
