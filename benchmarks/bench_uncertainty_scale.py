"""Evidence uncertainty at scale (issues 16 and 17): ``analyse_uncertainty`` and ``ppeval uncertainty``.

Measures, on the synthetic 5 x 10 system of ``bench_evaluate.py`` (50 indicators, 20 ratings per project,
TOPSIS in absolute mode) with decision rules on its four grades and a normal measurement uncertainty (5 %)
declared for two quantitative indicators, at 10,000 and 100,000 projects (``--quick``: 100):

1. ``analyse_uncertainty(result, system, assessment, seed=1)`` with its defaults (2,000 samples, weights,
   ratings and values varied with attribution, concentration 200, grade-boundary search, payments from a
   ``contract_value`` per project), in a fresh process: wall and CPU time, the peak of the memory it allocates
   (``tracemalloc``, traced during the same run; it adds a few per cent of time), and the wall time of its
   parts (``evidence_monte_carlo``, ``payment_outcomes``, ``grade_boundary_changes``).
2. ``ppeval uncertainty RESULT.json SYSTEM DATA --uncertainty U.json --seed 1 --xlsx OUT.xlsx --report OUT.html``
   (verifies the stored result, the analysis, the printed table, the workbook and the HTML report; the CSV data
   have no contract values, so no payments) reaped with ``os.wait4``: wall, user + system CPU, peak RSS.

The load average is read before and after each row (the machine is shared). Run:
``python benchmarks/bench_uncertainty_scale.py`` (about 15 minutes, 4 GB free memory) or ``--quick``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import arg_parser, child_json, machine_line, markdown_table, timed_command  # noqa: E402

#: Measurement uncertainty declared with the data (two quantitative indicators of the synthetic system).
UNCERTAINTY = {"d0_i4": {"distribution": "normal", "relative": 0.05},
               "d1_i4": {"distribution": "normal", "relative": 0.05}}


def decided_system() -> object:
    """The synthetic system with one decision rule per grade (release 1, 1, 0.8, 0)."""
    from bench_evaluate import make_system
    from ppeval.schema import IndicatorSystem

    system = make_system()
    data = system.model_dump(exclude_none=True)
    release = (1.0, 1.0, 0.8, 0.0)
    data["evaluation"]["decisions"] = [
        {"name": f"pay {int(100 * r)} %", "grade": g.label, "release": r}
        for g, r in zip(system.grades, release, strict=True)
    ]
    return IndicatorSystem.model_validate(data)


_CHILD = r"""
import json, os, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
import numpy as np
from bench_scale import make_assessment
from bench_uncertainty_scale import UNCERTAINTY, decided_system
from ppeval.pipeline import analyse_uncertainty, evaluate
from ppeval.pipeline import uncertainty as punc
from ppeval.schema import Assessment, ProjectInfo
n = int(sys.argv[2])
system = decided_system()
a = make_assessment(system, n)
projects = tuple(ProjectInfo(id=p.id, contract_value=100_000.0 + i) for i, p in enumerate(a.projects))
a = Assessment(a.system_id, a.project_ids, projects, a.indicator_ids, a.values, a.missing, a.ratings)
result = evaluate(system, a)
# the parts on their own (untraced): wrap the pipeline's calls
parts = {}
def timed(name, fn):
    def run(*args, **kw):
        t0 = time.perf_counter()
        out = fn(*args, **kw)
        parts[name] = parts.get(name, 0.0) + time.perf_counter() - t0
        return out
    return run
for name in ("evidence_monte_carlo", "payment_outcomes", "grade_boundary_changes"):
    setattr(punc, name, timed(name, getattr(punc, name)))
load0 = os.getloadavg()[0]
tracemalloc.start()
t0, c0 = time.perf_counter(), time.process_time()
u = analyse_uncertainty(result, system, a, seed=1, uncertainty=UNCERTAINTY)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
load1 = os.getloadavg()[0]
ev = u.evidence
print(json.dumps({"n": n, "wall": wall, "cpu": cpu, "peak": peak, "load": [load0, load1],
                  "parts": parts,
                  "sources": list(u.sources), "form": None if ev is None else ev.acceptability_form,
                  "acceptability_shape": None if ev is None else list(ev.rank_acceptability.shape),
                  "payments": u.payments is not None, "boundary": u.boundary is not None, "notes": list(u.notes)}))
"""


def library_row(n: int) -> dict[str, object]:
    return child_json(_CHILD, str(HERE), str(n))


def cli_row(n: int) -> dict[str, float]:
    from bench_evaluate import write_assessment
    from ppeval.io import dump_system

    exe = shutil.which("ppeval") or str(Path(sys.executable).with_name("ppeval"))
    system = decided_system()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = [str(p) for p in write_assessment(system, n, 20 * n, folder)]
        sys_path = str(dump_system(system, folder / "system.yaml"))
        (folder / "u.json").write_text(json.dumps(UNCERTAINTY), encoding="utf-8")
        subprocess.run([exe, "evaluate", sys_path, *data, "--json", "result.json", "--seed", "1"], cwd=folder,
                       check=True, capture_output=True)
        return timed_command([exe, "uncertainty", "result.json", sys_path, *data, "--uncertainty", "u.json", "--seed",
                       "1", "--xlsx", "out.xlsx", "--report", "out.html"], folder)


def main(argv: list[str] | None = None) -> int:
    args = arg_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    sizes = [100] if args.quick else [10_000, 100_000]
    print("# Evidence uncertainty at scale\n")
    print(machine_line() + "\n")
    rows = []
    notes: dict[int, list[str]] = {}
    for n in sizes:
        lib = library_row(n)
        print(f"measured: {json.dumps(lib)}", file=sys.stderr, flush=True)  # a long run shows its progress
        notes[n] = [str(x) for x in lib["notes"]]  # type: ignore[attr-defined]
        load = lib["load"]
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in lib["parts"].items())  # type: ignore[attr-defined]
        rows.append([f"{n:,}", "analyse_uncertainty (library, defaults)", f"{lib['wall']:.1f}", f"{lib['cpu']:.1f}",
                     f"{lib['peak'] / 2**20:,.0f} (traced)",
                     f"{load[0]:.1f}-{load[1]:.1f}",  # type: ignore[index]
                     f"varied {'+'.join(lib['sources'])}; rank acceptability {lib['form']} "  # type: ignore[arg-type]
                     f"{lib['acceptability_shape']}; payments {'yes' if lib['payments'] else 'no'}; boundary "
                     f"{'yes' if lib['boundary'] else 'no'}; {parts}"])
        r = cli_row(n)
        print(f"measured: ppeval uncertainty at {n}: {json.dumps(r)}", file=sys.stderr, flush=True)
        rows.append([f"{n:,}", "ppeval uncertainty --xlsx --report", f"{r['wall']:.1f}", f"{r['cpu']:.1f}",
                     f"{r['rss'] / 2**20:,.0f} (RSS)", f"{r['load0']:.1f}-{r['load1']:.1f}", "whole command"])
    print(markdown_table(["projects", "what", "wall s", "CPU s", "peak MiB", "load", "note"], rows))
    for n, ns in notes.items():
        print(f"\nNotes of the analysis at {n:,} projects:\n")
        for note in ns:
            print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
