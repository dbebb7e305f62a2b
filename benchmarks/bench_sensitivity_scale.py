"""Sensitivity at scale (issue 16): ``analyse_sensitivity``, ``ppeval sensitivity`` and ``ppeval evaluate --report``.

Issue 16 asks that every analysis ``analyse_sensitivity``, ``ppeval sensitivity`` and the report run by default
works at 100,000 projects in bounded memory. This benchmark measures, on the synthetic 5 x 10 system of
``bench_evaluate.py`` (50 indicators, 20 ratings per project, TOPSIS in absolute mode), at 10,000 and 100,000
projects (``--quick``: 300):

1. ``analyse_sensitivity(result, system, seed=1)`` with its defaults (2,000 Monte Carlo samples, concentration
   200, one weight at a time, critical weight changes, method agreement, qualitative-share sweep), in a fresh
   process: wall and CPU time, and the peak of the memory it allocates (``tracemalloc``, traced during the
   same run; it adds a few per cent of time).
2. ``ppeval sensitivity RESULT.json SYSTEM DATA --seed 1`` (verifies the stored result against the files, then
   the same analysis and the printed tables) and ``ppeval evaluate SYSTEM DATA --report OUT.html --seed 1``
   (load, evaluate, the sensitivity analysis, the HTML report with its figures), each as a console command
   reaped with ``os.wait4``: wall, user + system CPU, and the process's peak resident memory.

The load average is read before and after each row (the machine is shared). Run:
``python benchmarks/bench_sensitivity_scale.py`` (about 15 minutes, 4 GB free memory) or ``--quick``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import arg_parser, child_json, machine_line, markdown_table, timed_command  # noqa: E402

_CHILD = r"""
import json, os, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
from bench_scale import make_assessment
from bench_evaluate import make_system
from ppeval.pipeline import analyse_sensitivity, evaluate
n = int(sys.argv[2])
system = make_system()
result = evaluate(system, make_assessment(system, n))
load0 = os.getloadavg()[0]
tracemalloc.start()
t0, c0 = time.perf_counter(), time.process_time()
sens = analyse_sensitivity(result, system, seed=1)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
mc = sens.monte_carlo
print(json.dumps({"n": n, "wall": wall, "cpu": cpu, "peak": peak, "load": [load0, os.getloadavg()[0]],
                  "form": None if mc is None else mc.acceptability_form,
                  "acceptability_shape": None if mc is None else list(mc.rank_acceptability.shape),
                  "critical": sens.critical is not None, "notes": list(sens.notes)}))
"""


def library_row(n: int) -> dict[str, object]:
    return child_json(_CHILD, str(HERE), str(n))


def cli_rows(n: int, report: bool = True) -> dict[str, dict[str, float]]:
    from bench_evaluate import make_system, write_assessment
    from ppeval.io import dump_system

    exe = shutil.which("ppeval") or str(Path(sys.executable).with_name("ppeval"))
    system = make_system()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = [str(p) for p in write_assessment(system, n, 20 * n, folder)]
        sys_path = str(dump_system(system, folder / "system.yaml"))
        subprocess.run([exe, "evaluate", sys_path, *data, "--json", "result.json", "--seed", "1"], cwd=folder,
                       check=True, capture_output=True)
        rows = {"ppeval sensitivity": timed_command(
            [exe, "sensitivity", "result.json", sys_path, *data, "--seed", "1"], folder)}
        if report:  # (--quick: bench_report.py renders reports already)
            rows["ppeval evaluate --report (HTML, with sensitivity)"] = timed_command(
                [exe, "evaluate", sys_path, *data, "--report", "report.html", "--seed", "1"], folder)
        return rows


def main(argv: list[str] | None = None) -> int:
    args = arg_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    sizes = [100] if args.quick else [10_000, 100_000]
    print("# Sensitivity at scale\n")
    print(machine_line() + "\n")
    rows = []
    notes: dict[int, list[str]] = {}
    for n in sizes:
        lib = library_row(n)
        notes[n] = [str(x) for x in lib["notes"]]  # type: ignore[attr-defined]
        load = lib["load"]
        rows.append([f"{n:,}", "analyse_sensitivity (library, defaults)", f"{lib['wall']:.1f}", f"{lib['cpu']:.1f}",
                     f"{lib['peak'] / 2**20:,.0f} (traced)",
                     f"{load[0]:.1f}-{load[1]:.1f}",  # type: ignore[index]
                     f"Monte Carlo {lib['form']} {lib['acceptability_shape']}; critical changes "
                     f"{'computed' if lib['critical'] else 'not computed'}"])
        for name, r in cli_rows(n, report=not args.quick).items():
            rows.append([f"{n:,}", name, f"{r['wall']:.1f}", f"{r['cpu']:.1f}", f"{r['rss'] / 2**20:,.0f} (RSS)",
                         f"{r['load0']:.1f}-{r['load1']:.1f}", "whole command"])
    print(markdown_table(["projects", "what", "wall s", "CPU s", "peak MiB", "load", "note"], rows))
    for n, ns in notes.items():
        print(f"\nNotes of the analysis at {n:,} projects:\n")
        for note in ns:
            print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
