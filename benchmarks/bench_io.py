"""Benchmark: loading a large assessment with ppeval.io.load_assessment, and the CSV parsers it could use.

Generates (seeded) an indicator system with 50 quantitative and 10 qualitative
indicators, a wide values CSV for 10,000 projects, a projects CSV and a long
ratings CSV with 200,000 ratings (labels and numeric ratings mixed, some
missing answers), then times, interleaved, ``--repeat`` times each:

* the bare parsers on the same three files, no checks: the standard library
  ``csv`` module (rows of str), ``pyarrow.csv.read_csv`` and ``polars.read_csv``
  (columns with inferred types), and pandas ``read_csv``;
* ``load_assessment`` (parse, map, check) on its csv-module path, on its numpy
  splitter (unquoted files when polars is not used) and on its polars path (used
  when polars is installed for files without quotes of 4 MiB or more, or 128 KiB
  once polars is imported; each forced on or off here).

Prints a Markdown table (median, min, max, ratio to the csv module) and the
installed size of each optional parser.

Usage::

    .venv/bin/python benchmarks/bench_io.py [--quick] [--repeat N]
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

from ppeval.io import load_assessment, system_from_dict
from ppeval.schema import IndicatorSystem


def make_system(n_quant: int, n_qual: int) -> IndicatorSystem:
    quant = [
        {"id": f"q{j}", "name": f"Q{j}", "kind": "quantitative", "direction": "benefit" if j % 2 else "cost",
         "bounds": {"worst": 0, "best": 100} if j % 2 else {"worst": 100, "best": 0}}
        for j in range(n_quant)
    ]
    qual = [
        {"id": f"s{j}", "name": f"S{j}", "kind": "qualitative", "direction": "benefit",
         "scale": {"type": "likert", "points": 5, "labels": ["very poor", "poor", "fair", "good", "very good"]}}
        for j in range(n_qual)
    ]
    return system_from_dict({
        "schema_version": 1, "id": "bench", "name": "Benchmark", "version": "1", "source": "generated",
        "root": {"id": "total", "name": "Total", "weighting": {"method": "equal"},
                 "children": [
                     {"id": "records", "name": "Records", "weighting": {"method": "entropy"}, "children": quant},
                     {"id": "surveys", "name": "Surveys", "weighting": {"method": "equal"}, "children": qual},
                 ]},
    })


def write_files(folder: Path, system: IndicatorSystem, n_projects: int, n_ratings: int, seed: int) -> list[Path]:
    rng = np.random.default_rng(seed)
    quant = system.quantitative_leaf_ids
    qual = system.qualitative_leaf_ids
    pids = [f"p{i:05d}" for i in range(n_projects)]
    values = rng.uniform(0, 100, size=(n_projects, len(quant))).round(3)
    vpath = folder / "values.csv"
    with vpath.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["project", *quant])
        for pid, row in zip(pids, values.tolist(), strict=True):
            w.writerow([pid, *row])
    ppath = folder / "projects.csv"
    with ppath.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["project", "name", "organisation", "contract_value", "period"])
        for i, pid in enumerate(pids):
            w.writerow([pid, f"Project {i}", f"Org {i % 97}", 1000 * (i % 50 + 1), "2024"])
    # unique (project, indicator, rater) triples: rater k rates indicator j of project p at most once
    n_raters = 20
    cells = rng.choice(n_projects * len(qual) * n_raters, size=n_ratings, replace=False)
    p, rest = np.divmod(cells, len(qual) * n_raters)
    j, r = np.divmod(rest, n_raters)
    labels = np.array(["very poor", "poor", "fair", "good", "very good", "1", "2", "3", "4", "5", ""])
    rating = labels[rng.integers(0, len(labels), size=n_ratings)]
    groups = np.array(["resident", "expert"])[(r % 2)]
    rpath = folder / "ratings.csv"
    with rpath.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["project", "indicator", "rater", "group", "rating"])
        w.writerows(
            zip((pids[i] for i in p), (qual[k] for k in j), (f"rater{k}" for k in r), groups, rating,
                strict=True)
        )
    return [ppath, vpath, rpath]


def csv_baseline(paths: list[Path]) -> Any:
    out = []
    for path in paths:
        with path.open(newline="", encoding="utf-8") as fh:
            out.append(list(csv.reader(fh)))
    return out


def parsers() -> dict[str, Any]:
    """The optional parsers that are installed: name -> function reading the three files."""
    out: dict[str, Any] = {}
    try:
        import pyarrow.csv as pacsv

        out["pyarrow.csv.read_csv (typed columns, no checks)"] = lambda paths: [pacsv.read_csv(p) for p in paths]
    except ImportError:
        pass
    try:
        import polars as pl

        out["polars.read_csv (typed columns, no checks)"] = lambda paths: [pl.read_csv(p) for p in paths]
    except ImportError:
        pass
    try:
        import pandas as pd

        out["pandas.read_csv (typed columns, no checks)"] = lambda paths: [pd.read_csv(p) for p in paths]
    except ImportError:
        pass
    return out


def installed_mib(*dists: str) -> str:
    """Installed size of distributions (MiB, from their RECORD files), or 'not installed'."""
    import importlib.metadata as md

    total = 0
    for name in dists:
        try:
            files = md.distribution(name).files or []
        except md.PackageNotFoundError:
            return "not installed"
        for f in files:
            try:
                total += f.locate().stat().st_size
            except OSError:
                pass
    return f"{total / 2**20:.0f} MiB"


def load_with(paths: list[Path], system: IndicatorSystem, fast: bool, split: bool = True,
              byte: bool = False, arrow: bool = False) -> Any:
    """``load_assessment`` with the polars path forced on or off (and, without it, the numpy splitter on
    characters); ``byte``: the byte splitter (ASCII files) first, as by default; ``arrow``: numeric tables
    through pyarrow first (the default once pyarrow is imported, as it is here: this script imports it)."""
    from ppeval.io import _arrow_csv, _assessment

    saved = _assessment.FAST_MIN_BYTES, _assessment.SPLIT_MIN_CHARS, _assessment.BYTES_MIN_BYTES
    saved_arrow = _arrow_csv.ARROW_MIN_BYTES
    _assessment.FAST_MIN_BYTES = 0 if fast else 2**62
    _assessment.SPLIT_MIN_CHARS = 0 if split else 2**62
    _assessment.BYTES_MIN_BYTES = 0 if byte else 2**62
    _arrow_csv.ARROW_MIN_BYTES = 0 if arrow else 2**62
    try:
        return load_assessment(paths, system)
    finally:
        _assessment.FAST_MIN_BYTES, _assessment.SPLIT_MIN_CHARS, _assessment.BYTES_MIN_BYTES = saved
        _arrow_csv.ARROW_MIN_BYTES = saved_arrow


def timed(fns: dict[str, Any], repeat: int) -> dict[str, list[float]]:
    """Run every function ``repeat`` times, interleaved, and return the times per name."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 projects and 20,000 ratings")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n_projects, n_ratings = (1_000, 20_000) if args.quick else (10_000, 200_000)
    system = make_system(50, 10)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(Path(tmp), system, n_projects, n_ratings, seed=20261123)
        size = sum(p.stat().st_size for p in paths)
        assessment = load_with(paths, system, fast=False, split=False)  # warm-up and agreement check
        split = load_with(paths, system, fast=False)
        np.testing.assert_array_equal(split.values, assessment.values)
        np.testing.assert_array_equal(split.ratings.rater, assessment.ratings.rater)
        assert assessment.values.shape == (n_projects, 60)
        assert len(assessment.ratings) == n_ratings
        assert np.isfinite(assessment.values[:, :50]).all()
        fns: dict[str, Any] = {"csv.reader only, rows of str, no checks (baseline)": lambda: csv_baseline(paths)}
        for name, fn in parsers().items():
            fns[name] = lambda fn=fn: fn(paths)
        fns["ppeval.io.load_assessment, csv-module path (parse, map, check)"] = \
            lambda: load_with(paths, system, fast=False, split=False)
        fns["ppeval.io.load_assessment without polars: numpy splitter (parse, map, check)"] = \
            lambda: load_with(paths, system, fast=False)
        byte = load_with(paths, system, fast=False, byte=True)
        np.testing.assert_array_equal(byte.values, assessment.values)
        np.testing.assert_array_equal(byte.ratings.rater, assessment.ratings.rater)
        fns["ppeval.io.load_assessment, byte splitter (ASCII files; the default without polars or pyarrow "
            "imported)"] = lambda: load_with(paths, system, fast=False, byte=True)
        try:
            import pyarrow.csv  # noqa: F401

            arrow = load_with(paths, system, fast=False, byte=True, arrow=True)
            np.testing.assert_array_equal(arrow.values, assessment.values)
            fns["ppeval.io.load_assessment, numeric tables through pyarrow, the rest on the byte splitter (the "
                "default with pyarrow imported)"] = lambda: load_with(paths, system, fast=False, byte=True, arrow=True)
        except ImportError:
            pass
        try:
            import polars  # noqa: F401

            fast = load_with(paths, system, fast=True)
            np.testing.assert_array_equal(fast.values, assessment.values)
            np.testing.assert_array_equal(fast.ratings.value, assessment.ratings.value)
            fns["ppeval.io.load_assessment, polars path (parse, map, check)"] = \
                lambda: load_with(paths, system, fast=True)
        except ImportError:
            pass
        times = timed(fns, args.repeat)
    base = statistics.median(next(iter(times.values())))
    print(f"Loading {n_projects:,} projects x 50 quantitative + 10 qualitative indicators and "
          f"{n_ratings:,} ratings ({size / 2**20:.1f} MiB of CSV in 3 files); {args.repeat} interleaved runs.")
    print()
    print("| step | median s | min s | max s | ratio to baseline |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.3f} | {min(ts):.3f} | {max(ts):.3f} | {med / base:.2f} |")
    print()
    print(f"Installed size: pyarrow {installed_mib('pyarrow')}; polars {installed_mib('polars', 'polars-runtime-32')}; "
          f"pandas {installed_mib('pandas')}; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}.")


if __name__ == "__main__":
    main()
