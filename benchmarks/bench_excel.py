"""Benchmark: reading a 200,000-rating Excel workbook (openpyxl vs python-calamine vs fastexcel, and ppeval).

Writes (seeded, with openpyxl) one ``.xlsx`` workbook holding the assessment of
``bench_io.py``: a projects sheet (10,000 projects), a values sheet (10,000 x 50
numbers) and a ratings sheet (200,000 rows of project, indicator, rater,
group, rating), plus the same tables as UTF-8 CSV files. Then times,
interleaved, ``--repeat`` times each:

* the bare readers, every sheet to Python rows or columns, no checks:
  openpyxl in read-only mode (``iter_rows(values_only=True)``, the usual
  recommendation for large files), python-calamine (``to_python``) and
  fastexcel (``load_sheet(...).to_arrow()``);
* ``ppeval.io.load_assessment`` of the workbook (python-calamine, then the
  same checks as CSV), and of the CSV files as the reference.

Prints a Markdown table (median, min, max, ratio to python-calamine) and the
installed size of each reader.

Usage::

    .venv/bin/python benchmarks/bench_excel.py [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench_io import installed_mib, make_system, write_files
from ppeval.io import load_assessment


def write_workbook(paths: list[Path], out: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for path in paths:
        kind = path.stem
        ws = wb.create_sheet(kind)
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            ws.append(next(rows))
            for row in rows:
                if kind == "values":
                    ws.append([row[0], *map(float, row[1:])])
                elif kind == "projects":
                    ws.append([*row[:3], float(row[3]), row[4]])
                else:
                    ws.append(row)
    wb.save(out)
    return out


def read_openpyxl(book: Path) -> Any:
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def read_calamine(book: Path) -> Any:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(book))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def read_fastexcel(book: Path) -> Any:
    import fastexcel

    reader = fastexcel.read_excel(str(book))
    return {name: reader.load_sheet(name).to_arrow() for name in reader.sheet_names}


def timed(fns: dict[str, Any], repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="300 projects and 5,000 ratings, one run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n_projects, n_ratings = (300, 5_000) if args.quick else (10_000, 200_000)
    if args.quick:
        args.repeat = 1
    system = make_system(50, 10)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_files(folder, system, n_projects, n_ratings, seed=20261123)
        t0 = time.perf_counter()
        book = write_workbook(paths, folder / "assessment.xlsx")
        write_s = time.perf_counter() - t0
        from_csv = load_assessment(paths, system)
        from_xlsx = load_assessment(book, system)  # warm-up and agreement check
        np.testing.assert_array_equal(from_xlsx.values, from_csv.values)
        np.testing.assert_array_equal(from_xlsx.ratings.value, from_csv.ratings.value)
        np.testing.assert_array_equal(from_xlsx.ratings.rater, from_csv.ratings.rater)
        assert from_xlsx.project_ids == from_csv.project_ids
        fns: dict[str, Any] = {"python-calamine to_python, every sheet (no checks)": lambda: read_calamine(book)}
        try:
            import fastexcel  # noqa: F401

            fns["fastexcel load_sheet().to_arrow(), every sheet (no checks)"] = lambda: read_fastexcel(book)
        except ImportError:
            pass
        fns["openpyxl read_only iter_rows(values_only=True), every sheet (no checks)"] = lambda: read_openpyxl(book)
        fns["ppeval.io.load_assessment(workbook) (python-calamine + parse, map, check)"] = \
            lambda: load_assessment(book, system)
        fns["ppeval.io.load_assessment(3 CSV files), reference"] = lambda: load_assessment(paths, system)
        times = timed(fns, args.repeat)
        size = book.stat().st_size
    base = statistics.median(next(iter(times.values())))
    print(f"Reading a workbook of {n_projects:,} projects x 50 quantitative indicators and {n_ratings:,} ratings "
          f"({size / 2**20:.1f} MiB .xlsx, written by openpyxl in {write_s:.1f} s); {args.repeat} interleaved runs.")
    print()
    print("| reader | median s | min s | max s | ratio to python-calamine |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.3f} | {min(ts):.3f} | {max(ts):.3f} | {med / base:.2f} |")
    print()
    print(f"Installed size: python-calamine {installed_mib('python-calamine')}; fastexcel "
          f"{installed_mib('fastexcel')} (+ pyarrow for to_arrow); openpyxl {installed_mib('openpyxl', 'et-xmlfile')}; "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}.")


if __name__ == "__main__":
    main()
