"""End-to-end scale: load + evaluate 10,000 projects x 50 indicators with 200,000 ratings.

Builds a synthetic indicator system (5 dimensions x 10 indicators: 30
quantitative with bounds, 20 qualitative on a 5-point Likert scale; AHP
judgments at the root, entropy, CRITIC, fixed and combined weights below), writes
the assessment as the CSV files an evaluator would have (wide values, long
ratings), then times ``load_assessment`` and ``evaluate`` for every method.

Run: ``python benchmarks/bench_evaluate.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

from ppeval import io
from ppeval.pipeline import evaluate


def make_system(n_dims: int = 5, per_dim: int = 10, n_qual_per_dim: int = 4) -> Any:
    dims = []
    weightings: list[dict[str, Any]] = [
        {"method": "entropy"},
        {"method": "critic"},
        {"method": "equal"},
        {"method": "combine", "rule": "game_theory", "sources": [{"method": "equal"}, {"method": "entropy"}]},
        {"method": "entropy"},
    ]
    for d in range(n_dims):
        children = []
        for k in range(per_dim):
            lid = f"d{d}_i{k}"
            if k < n_qual_per_dim:
                children.append({
                    "id": lid, "name": f"Rated {lid}", "kind": "qualitative", "direction": "benefit",
                    "source": "resident_survey", "scale": {"type": "likert", "points": 5},
                })
            elif k % 2:
                children.append({
                    "id": lid, "name": f"Cost {lid}", "kind": "quantitative", "direction": "cost",
                    "bounds": {"worst": 1000.0, "best": 0.0}, "source": "records",
                })
            else:
                children.append({
                    "id": lid, "name": f"Output {lid}", "kind": "quantitative", "direction": "benefit",
                    "bounds": {"worst": 0.0, "best": 100.0}, "source": "records",
                })
        dims.append({"id": f"d{d}", "name": f"Dimension {d}", "weighting": weightings[d % len(weightings)],
                     "children": children})
    upper = [2, 3, 4, 5, 2, 3, 4, 2, 3, 2][: n_dims * (n_dims - 1) // 2]
    data = {
        "schema_version": 1, "id": "synthetic", "name": "Synthetic benchmark system", "version": "1",
        "source": "synthetic", "evaluation": {"min_raters": 1, "missing": "worst"},
        "root": {"id": "total", "name": "Total",
                 "weighting": {"method": "ahp", "experts": [{"judgments": {"upper": upper}}]},
                 "children": dims},
    }
    return io.system_from_dict(data)


def write_assessment(system: Any, n: int, n_ratings: int, folder: Path, seed: int = 1,
                     raters: str = "distinct") -> list[Path]:
    """Values and ratings CSV files; ``raters="distinct"``: every rating its own rater (``r<k>``), its group
    drawn at random; ``raters="repeat"``: raters rate several items of one project, as in a survey — the
    ``c``-th rating of a (project, indicator) pair is by rater ``<project>-r<c>`` of group ``c mod 4`` (about
    4 raters per project, 5-6 ratings each; no rater rates an item twice or is in two groups)."""
    rng = np.random.default_rng(seed)
    leaves = system.leaves()
    quant = [leaf for leaf in leaves if leaf.kind == "quantitative"]
    qual = [leaf for leaf in leaves if leaf.kind == "qualitative"]
    pids = [f"p{i:05d}" for i in range(n)]
    values = folder / "values.csv"
    with values.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["project", *[leaf.id for leaf in quant]])
        hi = np.array([max(leaf.bounds.worst, leaf.bounds.best) for leaf in quant])
        x = np.round(rng.random((n, len(quant))) * hi, 3)
        for i in range(n):
            w.writerow([pids[i], *x[i].tolist()])
    ratings = folder / "ratings.csv"
    proj = rng.integers(0, n, n_ratings)
    ind = rng.integers(0, len(qual), n_ratings)
    val = rng.integers(1, 6, n_ratings)
    names = np.array(["resident", "expert", "government", "service_user"])
    groups = names[rng.integers(0, 4, n_ratings)]
    rater = [f"r{k}" for k in range(n_ratings)]
    if raters == "repeat":
        seen: dict[tuple[int, int], int] = {}
        for k in range(n_ratings):
            c = seen.get((int(proj[k]), int(ind[k])), 0)
            seen[int(proj[k]), int(ind[k])] = c + 1
            rater[k], groups[k] = f"{pids[proj[k]]}-r{c}", names[c % 4]
    elif raters != "distinct":
        raise ValueError(f"raters must be 'distinct' or 'repeat'; got {raters!r}")
    with ratings.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["project", "indicator", "rater", "group", "rating"])
        for k in range(n_ratings):
            w.writerow([pids[proj[k]], qual[ind[k]].id, rater[k], groups[k], int(val[k])])
    return [values, ratings]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    n, n_ratings = (1000, 20_000) if args.quick else (10_000, 200_000)
    repeat = 1 if args.quick else args.repeat
    system = make_system()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_assessment(system, n, n_ratings, Path(tmp))
        load_t = []
        for _ in range(repeat):
            t = time.perf_counter()
            assessment = io.load_assessment(paths, system)
            load_t.append(time.perf_counter() - t)
    print(f"\n{n} projects x {len(system.leaf_ids)} indicators, {n_ratings} ratings\n")
    print("| step | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    print(f"| load_assessment (CSV) | {np.median(load_t):.3f} | {min(load_t):.3f} | {max(load_t):.3f} |")
    for method in ("topsis", "wsm", "vikor", "fce"):
        ts = []
        for _ in range(repeat):
            t = time.perf_counter()
            r = evaluate(system, assessment, method=method)  # type: ignore[arg-type]
            ts.append(time.perf_counter() - t)
        assert np.isfinite(r.score_100).all()
        print(f"| evaluate {method} | {np.median(ts):.3f} | {min(ts):.3f} | {max(ts):.3f} |")
    tracemalloc.start()
    evaluate(system, assessment)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"\npeak traced memory of evaluate(topsis): {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
