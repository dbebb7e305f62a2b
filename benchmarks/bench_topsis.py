"""Benchmark: validated ppeval TOPSIS against plain numpy and pymcdm, 1e3 to 1e6 rows x 20 criteria.

For n = 1e3, 1e5 and 1e6 alternatives x 20 criteria (seeded uniform data in [1, 100], criteria
alternately benefit and cost, Dirichlet weights) times, interleaved:

* ``ppeval.methods.topsis`` with full input validation (vector normalisation),
* a plain numpy TOPSIS without validation (``baselines.numpy_topsis``),
* pymcdm 1.4 ``TOPSIS(vector_normalization)`` with its default ``validation=True``,
* the same with ``validation=False``,

and prints per size a Markdown table of medians, min-max, the ratio to the numpy reference,
the peak memory one call allocates (``tracemalloc``, a separate run; skipped for calls over 3 s)
and the largest difference of the closeness values to the numpy reference.

Usage::

    .venv/bin/python benchmarks/bench_topsis.py [--quick] [--repeats N]

``--quick`` uses 1e3 and 1e4 rows and few repeats (CI smoke run).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import arg_parser, fmt_seconds, interleave, machine_line, markdown_table, max_abs_diff, peak_bytes
from baselines import numpy_topsis, pymcdm_topsis_factory
from ppeval.methods import topsis

M = 20


def problem(n: int, seed: int = 20261123) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, size=(n, M))
    w = rng.dirichlet(np.ones(M))
    types = np.where(np.arange(M) % 2 == 0, 1, -1)
    return x, w, types


def main(argv: list[str] | None = None) -> int:
    args = arg_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    sizes = (1_000, 10_000) if args.quick else (1_000, 100_000, 1_000_000)
    pm_default = pymcdm_topsis_factory(validation=True)
    pm_fast = pymcdm_topsis_factory(validation=False)
    print("# TOPSIS: validated ppeval vs plain numpy vs pymcdm\n")
    print(machine_line() + "\n")
    summary = []
    for n in sizes:
        x, w, t = problem(n)
        cands = {
            "ppeval `topsis` (validated)": lambda x=x, w=w, t=t: topsis(x, w, t),
            "numpy reference (no validation)": lambda x=x, w=w, t=t: numpy_topsis(x, w, t),
            "pymcdm `TOPSIS` (validation=True, default)": lambda x=x, w=w, t=t: pm_default(x, w, t),
            "pymcdm `TOPSIS` (validation=False)": lambda x=x, w=w, t=t: pm_fast(x, w, t),
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
        summary.append((n, timings["ppeval `topsis` (validated)"].median / ref,
                        timings["pymcdm `TOPSIS` (validation=True, default)"].median / ref))
    print("## Summary\n")
    print(markdown_table(
        ["rows", "ppeval (validated) / numpy", "pymcdm default / numpy"],
        [[f"{n:,}", f"{a:.2f}x", f"{b:.1f}x"] for n, a, b in summary],
    ))
    print("\nTarget (issue 2): validated ppeval no slower than plain numpy (ratio <= 1), aim 0.6x.")
    worst = max(s[1] for s in summary)
    print(f"Largest ppeval/numpy ratio measured: {worst:.2f}x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
