"""Scale: evaluate from 1e3 to 1e6 projects (fitted exponent), JSON output, CLI start-up, load + evaluate.

Four tables, every ratio measured in the same run:

1. **Scaling** of ``evaluate`` (TOPSIS, absolute mode) on the synthetic 5 x 10 system of
   ``bench_evaluate.py`` (50 indicators, 20 of them rated), with 20 ratings per project, for
   n = 1e3, 1e4, 1e5, 1e6 projects (``--quick``: 500, 1e3, 3e3). Each size runs in a fresh
   subprocess: the assessment is built in memory (numpy; ratings in the order ``load_assessment``
   gives them), then ``evaluate`` is timed as users call it, provenance hash and fingerprints
   included (median of a few runs; one at 1e6), and its peak memory traced (``tracemalloc``, a
   separate call: the extra memory ``evaluate`` allocates on top of its inputs). The time spent in
   ``assessment_hash`` (the provenance hash) is timed on its own too. The exponent ``b`` of ``time ~ n^b`` and of
   ``memory ~ n^b`` is the least-squares slope on log-log axes (target: <= 1.05).
2. **JSON**: ``result.to_json()`` of the 10,000-project result against ``evaluate`` itself
   (target: <= 1.5x) and the standard-library indented form it replaced; peak memory of each.
3. **CLI start-up**: ``ppeval --help`` (target < 0.3 s) and ``ppeval evaluate`` of the bundled
   community-4stage sample (target < 1 s), wall time of the console script, median of 5.
4. **Load + evaluate** of the 10,000-project CSV files against a naive pandas pipeline
   (``read_csv``, groupby mean of the ratings, TOPSIS in numpy; target: within 2x) and a bare
   ``csv.reader`` pass over both files.

Run: ``python benchmarks/bench_scale.py`` (about 5 minutes, 4 GB free memory) or ``--quick``;
``--only load`` (or ``scaling``, ``json``, ``cli``) runs one table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import arg_parser, interleave, machine_line, markdown_table, peak_bytes  # noqa: E402

RATINGS_PER_PROJECT = 20

_CHILD = r"""
import gc, json, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
import numpy as np
from bench_scale import make_assessment
from bench_evaluate import make_system
from ppeval.pipeline import evaluate
from ppeval.pipeline.provenance import assessment_hash
n, repeat, hash_limit = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
system = make_system()
a = make_assessment(system, n)
# evaluate is timed and traced as users call it (provenance hash and fingerprints included); the hash is
# also timed on its own below
gc.collect()
times, cpu = [], []
for _ in range(repeat):
    t0, c0 = time.perf_counter(), time.process_time()
    r = evaluate(system, a)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    del r
    gc.collect()
t_hash = None
if n <= hash_limit:
    t0 = time.perf_counter()
    assessment_hash(a)
    t_hash = time.perf_counter() - t0
tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
r = evaluate(system, a)
peak = tracemalloc.get_traced_memory()[1] - base
tracemalloc.stop()
import os, resource
print(json.dumps({"n": n, "seconds": sorted(times)[len(times) // 2], "cpu": sorted(cpu)[len(cpu) // 2],
                  "hash_seconds": t_hash, "peak": peak,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "ratings": int(len(a.ratings)), "load": os.getloadavg()[0]}))
"""


def make_assessment(system: object, n: int, seed: int = 1, canonical: bool = True) -> object:
    """An in-memory assessment of ``n`` projects: uniform values within the bounds, 20 ratings each.

    With ``canonical`` (the default) the ratings are in the order :func:`ppeval.load_assessment` gives
    them (project, indicator, group, rater), as evaluated after loading files; rater ids are then
    numbered in that order (``r00000001``...), so building the order needs no string sort. Without it
    they are in random order (an assessment built by hand), which makes the provenance hash sort them.
    """
    from ppeval.schema import Assessment, ProjectInfo
    from ppeval.schema.assessment import Ratings

    rng = np.random.default_rng(seed)
    leaves = system.leaves()  # type: ignore[attr-defined]
    m = len(leaves)
    quant = np.array([j for j, leaf in enumerate(leaves) if leaf.kind == "quantitative"])
    qual = np.array([j for j, leaf in enumerate(leaves) if leaf.kind == "qualitative"])
    values = np.full((n, m), np.nan)
    hi = np.array([max(leaves[j].bounds.worst, leaves[j].bounds.best) for j in quant])
    values[:, quant] = np.round(rng.random((n, quant.size)) * hi, 3)
    pids = tuple(f"p{i:07d}" for i in range(n))
    k = RATINGS_PER_PROJECT * n
    proj = np.repeat(np.arange(n), RATINGS_PER_PROJECT)
    ind = qual[rng.integers(0, qual.size, k)]
    val = rng.integers(1, 6, k).astype(np.float64)
    gcode = rng.integers(0, 4, k)
    if canonical:  # group names below are in sorted order, so codes sort like names
        order = np.lexsort((gcode, ind, proj))
        ind, gcode, val = ind[order], gcode[order], val[order]
        rater = np.char.add("r", np.char.zfill(np.arange(k).astype(str), 8))
    else:
        rater = np.char.add("r", np.arange(k).astype(str))
    groups = np.array(["expert", "government", "resident", "service_user"])[gcode]
    ratings = Ratings(proj, ind, rater, groups, val)
    projects = tuple(ProjectInfo(id=p) for p in pids)
    return Assessment(system.id, pids, projects, tuple(system.leaf_ids), values,  # type: ignore[attr-defined]
                      np.zeros((n, m), dtype=bool), ratings)


def _fit(ns: list[float], ys: list[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(ys), 1)[0])


def scaling(sizes: list[int], hash_limit: int) -> None:
    rows = []
    ns, ts, cs, ps = [], [], [], []
    for n in sizes:
        repeat = 1 if n >= 10**6 else (3 if n >= 10**5 else 5)
        out = subprocess.run([sys.executable, "-c", _CHILD, str(HERE), str(n), str(repeat), str(hash_limit)],
                             capture_output=True, text=True, check=True, env=dict(os.environ))
        info = json.loads(out.stdout.strip().splitlines()[-1])
        th = info["hash_seconds"]
        t = info["seconds"]
        ns.append(n)
        ts.append(t)
        cs.append(info["cpu"])
        ps.append(info["peak"])
        rows.append([f"{n:,}", f"{info['ratings']:,}", f"{t:.3f}", f"{info['cpu']:.3f}",
                     f"{1e6 * info['cpu'] / n:.1f}", f"{th:.3f}" if th is not None else "not timed",
                     f"{info['peak'] / 2**20:.0f}", f"{info['peak'] / n:.0f}", f"{info['rss'] / 2**30:.2f}",
                     f"{info['load']:.1f}"])
        print(f"  n={n:,}: {t:.2f} s", file=sys.stderr, flush=True)
    print("## Scaling of evaluate (TOPSIS, absolute mode, 50 indicators, 20 ratings per project)\n")
    print(markdown_table(["projects", "ratings", "evaluate wall s", "its CPU s", "CPU µs / project",
                          "assessment_hash alone s", "extra peak MiB", "bytes / project", "process peak RSS GiB",
                          "load (1 min)"], rows))
    print(f"\nFitted exponent of evaluate, provenance hash and fingerprints included (time ~ n^b): "
          f"b = **{_fit(ns, ts):.3f}** on wall time, **{_fit(ns, cs):.3f}** on CPU time (the process's own, "
          f"robust to other load); memory ~ n^b: b = **{_fit(ns, ps):.3f}** (target <= 1.05). The hash is "
          f"also timed alone up to {hash_limit:,} projects. Ratings are in the order load_assessment gives "
          "them (make_assessment(canonical=True)).\n")


def json_row(n: int, cli_runs: int = 5) -> None:
    from bench_evaluate import make_system
    from ppeval.pipeline import evaluate

    system = make_system()
    a = make_assessment(system, n)
    r = evaluate(system, a)
    cands = {
        "evaluate": lambda: evaluate(system, a),
        "result.to_json() (orjson, arrays from buffers)": r.to_json,
        "result.to_json(indent=1) (stdlib, as before)": lambda: r.to_json(indent=1),
    }
    timings, outs = interleave(cands, repeats=3, slow_seconds=5.0, slow_repeats=2)
    base = timings["evaluate"].median
    rows = []
    for name, tm in timings.items():
        size = f"{len(outs[name]) / 2**20:.0f}" if isinstance(outs[name], str) else "-"
        rows.append([name, f"{tm.median:.3f}", f"{tm.median / base:.2f}x", f"{peak_bytes(cands[name]) / 2**20:.0f}",
                     size])
    same = json.loads(outs["result.to_json() (orjson, arrays from buffers)"]) == json.loads(
        outs["result.to_json(indent=1) (stdlib, as before)"])
    print(f"## Result JSON of {n:,} projects\n")
    print(markdown_table(["step", "median s", "/ evaluate", "peak MiB", "text MiB"], rows))
    print(f"\nBoth JSON forms parse to the same content: {same}. The in-process ratio grows as evaluate gets "
          "faster: to_json writes every array of the result as text (orjson's float formatting is most of it) "
          "and computes the fields evaluate defers.\n")
    cli_json_row(n, cli_runs)


def cli_json_row(n: int, runs: int = 5) -> None:
    """The issue's `--json` target as the command runs it: `ppeval evaluate` with and without `--json` (wall)."""
    from bench_evaluate import make_system, write_assessment

    exe = shutil.which("ppeval", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ppeval"]
    system = make_system()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_assessment(system, n, RATINGS_PER_PROJECT * n, folder)
        system_file = folder / "system.json"
        system_file.write_text(system.model_dump_json(exclude_unset=True), encoding="utf-8")
        out = folder / "result.json"
        base = [*cmd, "evaluate", str(system_file), *map(str, paths)]
        plain, with_json = [], []
        for _ in range(runs):
            out.unlink(missing_ok=True)
            for args, times in (([], plain), (["--json", str(out)], with_json)):
                t0 = time.perf_counter()
                subprocess.run([*base, *args], capture_output=True, check=True)
                times.append(time.perf_counter() - t0)
        size = out.stat().st_size / 2**20
    ratio = median(with_json) / median(plain)
    print(f"## `ppeval evaluate --json` of {n:,} projects (wall time of the command, {runs} runs, interleaved)\n")
    print(markdown_table(["command", "median s", "/ evaluate"],
                         [["ppeval evaluate SYSTEM DATA", f"{median(plain):.3f}", "1.00x"],
                          [f"ppeval evaluate SYSTEM DATA --json OUT ({size:.0f} MiB)", f"{median(with_json):.3f}",
                           f"{ratio:.2f}x"]]))
    print(f"\nTarget: `--json` within 1.5x of `evaluate` itself: {'met' if ratio <= 1.5 else 'NOT met'} "
          f"({ratio:.2f}x).\n")


def cli_rows(runs: int = 5) -> None:
    exe = shutil.which("ppeval", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ppeval"]
    from ppeval.io import bundled

    name = "community-4stage"
    files = [str(bundled.system_path(name)), *(str(p) for p in bundled.sample_assessment_paths(name))]
    rows = []
    for label, args, target in (("ppeval --help", ["--help"], 0.3),
                                (f"ppeval evaluate ({name} sample)", ["evaluate", *files], 1.0)):
        ts = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([*cmd, *args], capture_output=True, check=True)
            ts.append(time.perf_counter() - t0)
        rows.append([label, f"{median(ts):.3f}", f"{min(ts):.3f}", f"< {target:g}"])
    print(f"## CLI start-up (wall time of the console script, {runs} runs)\n")
    print(markdown_table(["command", "median s", "min s", "target s"], rows))
    print()


def naive_pandas(values: Path, ratings: Path, system: object) -> np.ndarray:
    """read_csv, groupby mean of the ratings per (project, indicator), TOPSIS (vector) in numpy."""
    import pandas as pd

    from baselines import numpy_topsis

    v = pd.read_csv(values).set_index("project")
    r = pd.read_csv(ratings)
    q = r.groupby(["project", "indicator"])["rating"].mean().unstack()
    x = v.join(q).fillna(1.0)
    leaves = system.leaves()  # type: ignore[attr-defined]
    x = x[[leaf.id for leaf in leaves]].to_numpy()
    t = np.array([-1 if leaf.direction == "cost" else 1 for leaf in leaves])
    return numpy_topsis(x, np.full(len(leaves), 1.0 / len(leaves)), t)


def bare_csv(paths: list[Path]) -> int:
    import csv

    rows = 0
    for p in paths:
        with p.open(encoding="utf-8", newline="") as f:
            for _ in csv.reader(f):
                rows += 1
    return rows


def _cpu_seconds(fn: object, repeats: int) -> float:
    """Median process CPU time of ``fn()`` (all threads: polars parses on several)."""
    out = []
    for _ in range(repeats):
        c0 = time.process_time()
        fn()  # type: ignore[operator]
        out.append(time.process_time() - c0)
    return median(out)


def load_evaluate_row(n: int, repeats: int = 5, raters: str = "distinct") -> None:
    from bench_evaluate import make_system, write_assessment
    from ppeval import io
    from ppeval.pipeline import evaluate

    system = make_system()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_assessment(system, n, RATINGS_PER_PROJECT * n, Path(tmp), raters=raters)
        loaded = io.load_assessment(paths, system)
        def without_arrow() -> object:
            """load + evaluate as in a process without pyarrow imported (the CLI): the byte splitter for both files."""
            from ppeval.io import _arrow_csv

            saved = _arrow_csv.ARROW_MIN_BYTES
            _arrow_csv.ARROW_MIN_BYTES = 2**62
            try:
                return evaluate(system, io.load_assessment(paths, system))
            finally:
                _arrow_csv.ARROW_MIN_BYTES = saved

        cands = {
            "ppeval: load_assessment + evaluate": lambda: evaluate(system, io.load_assessment(paths, system)),
            "ppeval: load_assessment + evaluate, pyarrow not used (as in a process without it imported)": without_arrow,
            "ppeval: load_assessment": lambda: io.load_assessment(paths, system),
            "ppeval: evaluate (assessment loaded once)": lambda: evaluate(system, loaded),
            "naive pandas pipeline (read_csv, groupby mean, TOPSIS)": lambda: naive_pandas(*paths, system),
            "bare csv.reader over both files": lambda: bare_csv(paths),
        }
        timings, _ = interleave(cands, repeats=repeats, slow_seconds=10.0, slow_repeats=2)
        cpu = {name: _cpu_seconds(fn, 3) for name, fn in cands.items()}
        pandas_t = timings["naive pandas pipeline (read_csv, groupby mean, TOPSIS)"].median
        pandas_c = cpu["naive pandas pipeline (read_csv, groupby mean, TOPSIS)"]
        rows = [[name, f"{tm.median:.3f}", f"{tm.median / pandas_t:.2f}x", f"{cpu[name]:.3f}",
                 f"{cpu[name] / pandas_c:.2f}x", f"{peak_bytes(cands[name]) / 2**20:.0f}"]
                for name, tm in timings.items()]
    load_after = os.getloadavg()
    who = ("every rating by its own rater" if raters == "distinct" else
           f"raters rate several items of a project ({len(set(loaded.ratings.rater.tolist())):,} raters)")
    print(f"## Load + evaluate from CSV: {n:,} projects x 50 indicators, {RATINGS_PER_PROJECT * n:,} ratings, "
          f"{who}\n")
    print(markdown_table(["candidate", "median wall s", "/ naive pandas", "median CPU s", "CPU / naive pandas",
                          "peak MiB"], rows))
    print("\npandas 3 imports pyarrow, so the rows above run with pyarrow imported: ppeval reads the numeric (values) "
          "file through pyarrow's parser then (`ppeval.io._arrow_csv`), as in any process that has used pandas, Dask "
          "or pyarrow; the 'pyarrow not used' row is the byte splitter for both files (a fresh CLI process).")
    print(f"\nTarget: load + evaluate within 2x of the naive pandas pipeline (with every check and the provenance). "
          f"Wall times: medians of {repeats} interleaved runs; CPU: process time (all threads), median of 3. "
          f"Load average {load_before[0]:.2f} before, {load_after[0]:.2f} after.\n")


def main(argv: list[str] | None = None) -> int:
    ap = arg_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["scaling", "json", "cli", "load"], help="run one of the four tables")
    args = ap.parse_args(argv)
    print("# Scale\n")
    print(machine_line() + "\n")
    if args.only in (None, "scaling"):
        sizes = [500, 1_000, 3_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
        scaling(sizes, hash_limit=3_000 if args.quick else 1_000_000)
    if args.only in (None, "json"):
        json_row(300 if args.quick else 10_000, cli_runs=1 if args.quick else 5)
    if args.only in (None, "cli"):
        cli_rows(3 if args.quick else 5)
    if args.only in (None, "load"):
        load_evaluate_row(1_000 if args.quick else 10_000, repeats=args.repeats or (2 if args.quick else 5))
        if not args.quick:  # the same with raters who rate several items (as in a survey): other code paths
            load_evaluate_row(10_000, repeats=args.repeats or 5, raters="repeat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
