"""Shared timing harness for the ppeval benchmarks: interleaved, robust, with memory and agreement.

- :func:`interleave` times several candidates on the same inputs *round-robin* (each
  round takes one sample of every candidate, the starting candidate rotating from round to
  round), so slow drift of the machine (other load, thermal state) affects all candidates
  alike. A sample of a fast call averages enough back-to-back calls to last ~20 ms. It
  reports median, min and max per candidate. A candidate whose first call is slow (beyond
  ``slow_seconds``) takes part in fewer rounds (``slow_repeats``), and its first call counts
  as a sample: a 20 s call need not be repeated ten times to be known to be slow.
- :func:`peak_bytes` measures the peak memory allocated during one call with ``tracemalloc``
  (numpy reports its array buffers to it), in a separate run, so tracing does not slow the
  timed runs.
- :func:`max_abs_diff` checks that candidates computed the same numbers.
- :func:`markdown_table` prints results; :func:`machine_line` describes the machine.

Benchmarks are plain scripts: ``.venv/bin/python benchmarks/bench_x.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Timing",
    "interleave",
    "peak_bytes",
    "max_abs_diff",
    "markdown_table",
    "machine_line",
    "arg_parser",
    "fmt_seconds",
]


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples of one candidate (seconds)."""

    name: str
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)


def _once(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _per_call(fn: Callable[[], Any], number: int) -> float:
    """Seconds per call of ``fn`` over ``number`` back-to-back calls."""
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def interleave(
    candidates: dict[str, Callable[[], Any]],
    *,
    repeats: int,
    slow_seconds: float = 2.0,
    slow_repeats: int = 3,
    sample_seconds: float = 0.02,
) -> tuple[dict[str, Timing], dict[str, Any]]:
    """Time ``candidates`` round-robin; return their timings and the output of each one's first call.

    Every candidate is called once first (warm-up: imports, caches, page faults; its output is
    kept for the agreement check). One sample is the time per call of ``number`` back-to-back
    calls, with ``number`` chosen from the warm-up so a sample lasts about ``sample_seconds``
    (as :mod:`timeit` does; 1 for calls longer than that), so sub-millisecond calls are not
    dominated by timer and cache effects. A candidate whose warm-up took more than
    ``slow_seconds`` keeps that time as a sample and runs in only ``slow_repeats - 1`` further
    rounds; the others are sampled in ``repeats`` rounds. Garbage collection runs before each
    sample, never inside one.
    """
    names = list(candidates)
    samples: dict[str, list[float]] = {name: [] for name in names}
    outputs: dict[str, Any] = {}
    rounds: dict[str, int] = {}
    number: dict[str, int] = {}
    for name in names:
        gc.collect()
        dt, outputs[name] = _once(candidates[name])
        number[name] = max(1, min(1000, int(sample_seconds / max(dt, 1e-9))))
        if dt > slow_seconds:
            samples[name].append(dt)
            rounds[name] = max(slow_repeats - 1, 0)
        else:
            rounds[name] = repeats
    for r in range(max(rounds.values(), default=0)):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            if r >= rounds[name]:
                continue
            gc.collect()
            samples[name].append(_per_call(candidates[name], number[name]))
    return {name: Timing(name, tuple(samples[name])) for name in names}, outputs


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated (Python objects and numpy buffers) during one call of ``fn``."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del out
    return max(peak - base, 0)


def max_abs_diff(a: Any, b: Any) -> float:
    """Largest absolute difference between two arrays of equal shape (inf if shapes differ)."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        return float("inf")
    return float(np.max(np.abs(x - y))) if x.size else 0.0


def fmt_seconds(s: float) -> str:
    """Seconds as a readable duration (µs, ms or s)."""
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1.0:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one character per column (``l`` or ``r``), default left then right."""
    align = align or ("l" + "r" * (len(header) - 1))
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line() -> str:
    """One line describing the machine and the numerical stack."""
    try:
        cfg: Any = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        blas_name = f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # purely informative: any failure just means "unknown"
        blas_name = "unknown BLAS"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = "unknown"
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    return (
        f"Python {platform.python_version()}, numpy {np.__version__} ({blas_name}, threads: {threads}), "
        f"{os.cpu_count()} logical cores, load average {load}"
    )


def arg_parser(description: str) -> argparse.ArgumentParser:
    """The common command line: ``--quick`` and ``--repeats``."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--quick", action="store_true", help="small sizes and few repeats (CI smoke run)")
    ap.add_argument("--repeats", type=int, default=None, help="timed rounds per candidate")
    return ap


def timed_command(cmd: Sequence[str], cwd: Any = None) -> dict[str, float]:
    """Wall, CPU (user + system) and peak RSS (bytes) of one command, and the load average before and after.

    The child is reaped with ``os.wait4``, whose resource usage is the child's own (no ``/usr/bin/time``,
    which a fresh machine may lack). Raises RuntimeError naming the command when it fails.
    """
    import subprocess
    import tempfile

    load0 = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {tail}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": float(usage.ru_maxrss) * 1024,
            "load0": load0, "load1": os.getloadavg()[0]}


def child_json(code: str, *args: str) -> dict[str, Any]:
    """Run ``python -c code *args`` in a fresh process and return the JSON object on its last output line.

    A fresh process per measurement: peak memory and imports are the run's own. Warnings are silenced
    in the child (they would interleave with the JSON line).
    """
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return row
