"""Run the ppeval benchmark suite and write one Markdown report.

Every ``benchmarks/bench_*.py`` script runs in its own Python process, one
after the other (never in parallel, so they do not disturb each other's
timings), with ``--quick`` passed through. Each script prints Markdown
tables of its own (medians, min-max, ratios against its baselines, measured
interleaved within the script); this runner collects them under one
heading per script, adds the wall time, exit status and peak resident
memory of every script, and describes the machine: CPU, cores, memory,
load, Python, numpy (and its BLAS), scipy, pymcdm, ppeval and the git
commit.

Usage, from the repository root::

    .venv/bin/python benchmarks/run.py --quick                  # CI smoke run (under a minute)
    .venv/bin/python benchmarks/run.py --out benchmarks/latest.md  # the full suite
    .venv/bin/python benchmarks/run.py --only bench_ahp bench_indicator_sets

The report goes to ``--out`` (or standard output); progress goes to standard
error. Exit status: 0 if every script ran and exited 0, 1 otherwise (or if
``--budget`` seconds were exceeded).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
#: The suite in running order; any other ``bench_*.py`` found is run after these.
SUITE = (
    "bench_topsis",
    "bench_batch",
    "bench_weights",
    "bench_ahp",
    "bench_montecarlo",
    "bench_evidence",
    "bench_io",
    "bench_excel",
    "bench_evaluate",
    "bench_indicator_sets",
    "bench_report",
    "bench_dea",
    "bench_gra",
    "bench_scale",
    "bench_distributed",
)
#: CI budget of ``--quick`` (seconds, whole suite).
QUICK_BUDGET = 60.0


@dataclass
class Outcome:
    name: str
    summary: str
    status: str  # "ok", "failed (exit N)", "timeout", "missing"
    seconds: float
    cpu_seconds: float | None
    peak_mib: float | None
    stdout: str
    stderr: str


def _summary(path: Path) -> str:
    """First sentence of a script's module docstring (read, not imported)."""
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        return ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    return first.rstrip(".")


def _scripts(only: list[str] | None) -> list[tuple[str, Path | None]]:
    found = {p.stem: p for p in sorted(HERE.glob("bench_*.py"))}
    names = list(SUITE) + [n for n in found if n not in SUITE]
    if only:
        wanted = [n.removesuffix(".py") for n in only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            raise SystemExit(f"run.py: unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(names)}")
        names = [n for n in names if n in wanted]
    return [(n, found.get(n)) for n in names]


def _run(path: Path, flags: list[str], timeout: float) -> tuple[str, float, float | None, float | None, str, str]:
    """Run one script; return (status, wall seconds, CPU seconds, peak RSS MiB, stdout, stderr)."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(path), *flags], cwd=REPO, env=env, stdout=out, stderr=err)
        peak: float | None = None
        cpu: float | None = None
        status = "ok"
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(code)
                # ru_maxrss is in KiB on Linux, bytes on macOS
                peak = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
                cpu = usage.ru_utime + usage.ru_stime
                if proc.returncode != 0:
                    status = f"failed (exit {proc.returncode})"
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                status = f"timeout ({timeout:g} s)"
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return status, seconds, cpu, peak, out.read(), err.read()


# --------------------------------------------------------------------------- machine
def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _cpu() -> str:
    m = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    return m.group(1).strip() if m else (platform.processor() or platform.machine())


def _memory() -> str:
    m = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    return f"{int(m.group(1)) / 2**20:.1f} GiB" if m else "unknown"


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def _versions() -> str:
    code = (
        "import json, numpy, scipy, ppeval\n"
        "try:\n"
        "    import importlib.metadata as md; pm = md.version('pymcdm')\n"
        "except Exception: pm = 'not installed'\n"
        "blas = 'unknown'\n"
        "try:\n"
        "    cfg = numpy.show_config(mode='dicts'); b = cfg['Build Dependencies']['blas']\n"
        "    blas = f\"{b.get('name')} {b.get('version', '')}\".strip()\n"
        "except Exception: pass\n"
        "print(json.dumps({'numpy': numpy.__version__, 'blas': blas, 'scipy': scipy.__version__,"
        " 'pymcdm': pm, 'ppeval': ppeval.__version__}))\n"
    )
    try:
        res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                             timeout=60, check=True)
        import json

        v = json.loads(res.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return "(versions unavailable)"
    return (f"numpy {v['numpy']} (BLAS: {v['blas']}), scipy {v['scipy']}, pymcdm {v['pymcdm']}, "
            f"ppeval {v['ppeval']}")


def machine() -> list[str]:
    cores = os.cpu_count() or 0
    try:
        avail = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        avail = cores
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = "unknown"
    return [
        f"- CPU: {_cpu()}, {cores} logical cores ({avail} available to this process); memory {_memory()}",
        f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}; {_versions()}",
        f"- git commit: {_git()}",
        f"- load average (1, 5, 15 min) at start: {load}",
    ]


# --------------------------------------------------------------------------- report
def _embed(text: str) -> str:
    """A script's output under our level-2 heading: its headings shifted two levels down."""
    lines = text.rstrip().splitlines()
    if not any(line.startswith("|") for line in lines):
        return "```text\n" + "\n".join(lines) + "\n```"
    out, fenced = [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"#{1,4} ", line):
            line = "##" + line
        out.append(line)
    return "\n".join(out)


def report(outcomes: list[Outcome], args: argparse.Namespace, total: float, started: dt.datetime,
           machine_lines: list[str]) -> str:
    mode = "--quick" if args.quick else "full"
    cmd = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    if args.only:
        cmd += " --only " + " ".join(args.only)
    lines = [
        f"# ppeval benchmark suite ({mode})",
        "",
        f"Run on {started:%Y-%m-%d %H:%M} UTC with `{cmd}`; {total:.1f} s in all.",
        "",
        *machine_lines,
        "",
        "Timings inside each script are medians of repeats run interleaved against that script's baselines "
        "in the same process; the wall time below includes Python start-up and imports, and CPU time is user "
        "plus system time of the script's process (on a busy machine wall time grows, CPU time much less). "
        "Peak memory is the script's maximum resident set size.",
        "",
        "| benchmark | what it measures | status | wall s | CPU s | peak RSS MiB |",
        "|---|---|---|---:|---:|---:|",
    ]
    for o in outcomes:
        peak = f"{o.peak_mib:.0f}" if o.peak_mib is not None else "-"
        cpu = f"{o.cpu_seconds:.1f}" if o.cpu_seconds is not None else "-"
        wall = f"{o.seconds:.1f}" if o.status != "missing" else "-"
        lines.append(f"| `{o.name}.py` | {o.summary or '-'} | {o.status} | {wall} | {cpu} | {peak} |")
    ran = [o for o in outcomes if o.cpu_seconds is not None]
    lines.append(f"| **all** | | | {total:.1f} | {sum(o.cpu_seconds or 0.0 for o in ran):.1f} | |")
    for o in outcomes:
        if o.status == "missing":
            continue
        lines += ["", f"## {o.name}.py", ""]
        if o.stdout.strip():
            lines.append(_embed(o.stdout))
        if o.status != "ok":
            tail = "\n".join(o.stderr.strip().splitlines()[-25:])
            lines += ["", f"**{o.status}**; last lines of its error output:", "", "```text", tail, "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"small sizes, passed to every script (CI; the suite should take < {QUICK_BUDGET:g} s)")
    ap.add_argument("--out", type=Path, help="write the Markdown report here (default: standard output)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks (e.g. bench_ahp)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per script before it is stopped (default 120 with --quick, 3600 without)")
    ap.add_argument("--budget", type=float, default=None,
                    help="fail (exit 1) if the whole suite takes longer than this many seconds")
    args = ap.parse_args(argv)
    timeout = args.timeout or (120.0 if args.quick else 3600.0)
    flags = ["--quick"] if args.quick else []
    started = dt.datetime.now(dt.UTC)
    machine_lines = machine()
    outcomes: list[Outcome] = []
    t0 = time.perf_counter()
    for name, path in _scripts(args.only):
        if path is None:
            print(f"run.py: {name}.py is missing; skipped", file=sys.stderr)
            outcomes.append(Outcome(name, "", "missing", 0.0, None, None, "", ""))
            continue
        print(f"run.py: {name}.py {' '.join(flags)} ...", file=sys.stderr, flush=True)
        status, seconds, cpu, peak, out, err = _run(path, flags, timeout)
        print(f"run.py: {name}.py {status} in {seconds:.1f} s", file=sys.stderr, flush=True)
        outcomes.append(Outcome(name, _summary(path), status, seconds, cpu, peak, out, err))
    total = time.perf_counter() - t0
    text = report(outcomes, args, total, started, machine_lines)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"run.py: report written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    failed = [o.name for o in outcomes if o.status not in ("ok", "missing")]
    print(f"run.py: {len(outcomes) - len(failed)} of {len(outcomes)} benchmarks ok "
          f"({sum(o.status == 'missing' for o in outcomes)} missing) in {total:.1f} s", file=sys.stderr)
    if args.quick and total > QUICK_BUDGET:
        print(f"run.py: warning: --quick took {total:.1f} s, over the {QUICK_BUDGET:g} s CI budget",
              file=sys.stderr)
    if failed:
        print(f"run.py: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    if args.budget is not None and total > args.budget:
        print(f"run.py: the suite took {total:.1f} s, over --budget {args.budget:g} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
