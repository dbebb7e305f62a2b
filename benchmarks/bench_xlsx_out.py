"""Benchmark: writing evaluation results as an Excel workbook (ppeval.report.xlsx) and data templates.

The bundled ``budget-performance`` sample (6 projects, 18 indicators, points and
scoring rules) is tiled to ``n`` projects and evaluated by WSM. Then, interleaved:

* ``write_xlsx``: the whole workbook (scores, weights, one scoring sheet per
  project with subtotals, contributions, diagnostics, provenance), styles and
  number formats included;
* the bare baseline: openpyxl in write-only mode writing the same cell values
  (taken from the written workbook) without any styles, number formats or
  widths -- the floor for any openpyxl-based writer;
* ``scoring_sheets`` for every project (the part of ``write_xlsx`` that is ppeval's own work);
* ``write_template`` of the system (independent of ``n``).

Usage::

    .venv/bin/python benchmarks/bench_xlsx_out.py [--quick] [--repeats N]
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

import ppeval
from _harness import arg_parser, fmt_seconds, interleave, machine_line, markdown_table
from ppeval.io import load_sample, write_template
from ppeval.pipeline import scoring_sheets
from ppeval.report.xlsx import write_xlsx
from ppeval.schema import Assessment, ProjectInfo, Ratings


def tiled(n: int) -> tuple[Any, Assessment]:
    system, a = load_sample("budget-performance")
    src = np.arange(n) % a.n_projects
    r = a.ratings
    order = np.argsort(r.project, kind="stable")
    counts = np.bincount(r.project, minlength=a.n_projects)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    take = np.concatenate([order[starts[s]:starts[s] + counts[s]] for s in src])
    project = np.repeat(np.arange(n), counts[src])
    ratings = Ratings(project, r.indicator[take], r.rater[take], r.group[take], r.value[take])
    ids = tuple(f"p{k:05d}" for k in range(n))
    return system, Assessment(
        system_id=system.id, project_ids=ids, projects=tuple(ProjectInfo(id=i) for i in ids),
        indicator_ids=a.indicator_ids, values=a.values[src], missing=a.missing[src], ratings=ratings,
    )


def main() -> None:
    args = arg_parser(__doc__ or "").parse_args()
    sizes = [100] if args.quick else [100, 1000]
    repeats = args.repeats or (1 if args.quick else 3)
    print(machine_line())
    print()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            system, assessment = tiled(n)
            result = ppeval.evaluate(system, assessment, method="wsm")
            ref = folder / f"ref{n}.xlsx"
            write_xlsx(ref, result, system)
            import openpyxl

            cells = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
                     for ws in openpyxl.load_workbook(ref, read_only=True).worksheets}
            count = sum(len(r) for rows_ in cells.values() for r in rows_)

            def ppeval_write(n: int = n, result: Any = result, system: Any = system) -> int:
                write_xlsx(folder / f"out{n}.xlsx", result, system, overwrite=True)
                return 0

            def bare(n: int = n, cells: dict[str, list[list[Any]]] = cells) -> int:
                wb = openpyxl.Workbook(write_only=True)
                for title, body in cells.items():
                    ws = wb.create_sheet(title)
                    for row in body:
                        ws.append(row)
                wb.save(folder / f"bare{n}.xlsx")
                return 0

            def sheets(result: Any = result, system: Any = system) -> int:
                return len(scoring_sheets(result, system))

            timings, _ = interleave({"write_xlsx": ppeval_write, "bare openpyxl": bare, "scoring sheets": sheets},
                                    repeats=repeats, slow_seconds=0.5, slow_repeats=repeats)
            base = timings["bare openpyxl"].median
            for name, t in timings.items():
                rows.append([f"{n} projects ({count:,} cells)", name, fmt_seconds(t.median), fmt_seconds(t.low),
                             fmt_seconds(t.high), f"{t.median / base:.2f}"])
        system, _ = tiled(6)

        def template() -> int:
            write_template(system, folder / "t.xlsx", overwrite=True)
            return 0

        t_timings, _ = interleave({"write_template": template}, repeats=max(repeats, 3))
        t = t_timings["write_template"]
        rows.append(["budget-performance template", "write_template", fmt_seconds(t.median), fmt_seconds(t.low),
                     fmt_seconds(t.high), "-"])
    print(markdown_table(["size", "what", "median", "min", "max", "x bare openpyxl"], rows, "llrrrr"))


if __name__ == "__main__":
    main()
