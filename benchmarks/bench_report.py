"""Report size and time: HTML and Word reports of 500 to 10,000 projects grow with what a reader can take in.

Before issue 13 a 500-project HTML report was 80 MB (one heat map alone 71 MB)
and took 82 s. Now figures show at most 30 projects (the best and the worst
15) or a distribution, tables with a column per project become tables with a
row per project, and per-project detail goes to one-project reports. Target:
10,000 projects in under 30 s and under 10 MB.

Uses the synthetic system and assessment of ``bench_evaluate.py`` (5 dimensions
x 10 indicators, 20 ratings per project), evaluates once, then times
``report_document`` + rendering (HTML, and Word in the full run), in English
and Chinese, without and (for the smaller sizes) with a sensitivity analysis.

Run: ``python benchmarks/bench_report.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import arg_parser, machine_line, markdown_table
from bench_evaluate import make_system, write_assessment
from ppeval import io
from ppeval.pipeline import analyse_sensitivity, evaluate
from ppeval.report import report_document
from ppeval.report.html import render_document as html_document

#: The targets of issue 13 for 10,000 projects.
TARGET_SECONDS, TARGET_BYTES = 30.0, 10 * 2**20


def _time(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    ap = arg_parser(__doc__ or "")
    args = ap.parse_args(argv)
    sizes = (300,) if args.quick else (500, 2000, 10_000)
    sens_sizes = (300,) if args.quick else (500,)
    formats = ("html",) if args.quick else ("html", "docx")
    system = make_system()
    rows = []
    failed = False
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            assessment = io.load_assessment(write_assessment(system, n, 20 * n, Path(tmp)), system)
        result = evaluate(system, assessment)
        for with_sens in (False, True):
            if with_sens and n not in sens_sizes:
                continue
            sens = analyse_sensitivity(result, system, samples=500, seed=1) if with_sens else None
            for lang in ("en", "zh"):
                for fmt in formats:
                    def make(fmt: str = fmt, lang: str = lang, result: Any = result, sens: Any = sens) -> bytes:
                        doc = report_document(result, system=system, sensitivity=sens, lang=lang)
                        if fmt == "html":
                            return html_document(doc).encode("utf-8")
                        from ppeval.report.word import render_document

                        return render_document(doc)

                    seconds, data = _time(make)
                    size = len(data)
                    ok = ""
                    if n == 10_000 and fmt == "html":
                        ok = "yes" if seconds < TARGET_SECONDS and size < TARGET_BYTES else "NO"
                        failed |= ok == "NO"
                    rows.append((f"{n:,}", "yes" if with_sens else "no", lang, fmt, f"{seconds:.2f}",
                                 f"{size / 2**20:.2f}", ok))
                    print(f"  {n} projects, sensitivity {with_sens}, {lang} {fmt}: {seconds:.2f} s, "
                          f"{size / 2**20:.2f} MiB", file=sys.stderr)
    print(f"\n{machine_line()}\n")
    print(markdown_table(("projects", "sensitivity", "lang", "format", "seconds", "MiB",
                          "10k target (<30 s, <10 MB)"), rows, align="lllllrr"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
