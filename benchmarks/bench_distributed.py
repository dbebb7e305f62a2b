"""Sharded evaluation on Dask: 10 million rating rows from Parquet shards (ppeval.pipeline.distributed).

The synthetic 5 x 10 system of ``bench_evaluate.py`` (its entropy / CRITIC / combined nodes given
equal local weights through ``weights=``, as the sharded path requires) and 500,000 projects with 20
ratings each (10,000,000 rating rows) written as 10 pairs of Parquet shards (values, ratings) of 50,000
projects. ``evaluate_shards`` runs them:

* serially (``client=None``) and on a 2-worker Dask ``LocalCluster`` (processes, one thread each),
  in absolute mode (one pass) and relative mode (two passes);
* the driver's peak memory (RSS) is reported: only per-project scores come back to it;
* shard 0 alone is loaded and evaluated in memory with :func:`ppeval.evaluate`, and its scores are
  compared with the sharded ones (absolute mode: identical bits expected).

Run ``python benchmarks/bench_distributed.py`` (several minutes) or with ``--quick`` (5,000 projects,
2 shards).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import arg_parser, machine_line, markdown_table  # noqa: E402
from bench_evaluate import make_system  # noqa: E402

RATINGS_PER_PROJECT = 20


def write_shards(system: object, n: int, n_shards: int, folder: Path, seed: int = 5) -> list[tuple[Path, Path]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    leaves = system.leaves()  # type: ignore[attr-defined]
    quant = [leaf for leaf in leaves if leaf.kind == "quantitative"]
    qual = np.array([leaf.id for leaf in leaves if leaf.kind == "qualitative"])
    hi = np.array([max(leaf.bounds.worst, leaf.bounds.best) for leaf in quant])
    groups = np.array(["resident", "expert", "government", "service_user"])
    out = []
    for k, idx in enumerate(np.array_split(np.arange(n), n_shards)):
        pids = np.char.add("p", idx.astype(str))
        x = np.round(rng.random((idx.size, len(quant))) * hi, 3)
        values = pa.table({"project": pids, **{leaf.id: x[:, j] for j, leaf in enumerate(quant)}})
        m = idx.size * RATINGS_PER_PROJECT
        ratings = pa.table({
            "project": np.repeat(pids, RATINGS_PER_PROJECT),
            "indicator": qual[rng.integers(0, qual.size, m)],
            "rater": np.char.add(f"s{k}r", np.arange(m).astype(str)),
            "group": groups[rng.integers(0, groups.size, m)],
            "rating": rng.integers(1, 6, m),
        })
        vp, rp = folder / f"values-{k:03d}.parquet", folder / f"ratings-{k:03d}.parquet"
        pq.write_table(values, vp)
        pq.write_table(ratings, rp)
        out.append((vp, rp))
    return out


def main(argv: list[str] | None = None) -> int:
    from distributed import Client, LocalCluster

    from ppeval.pipeline import evaluate
    from ppeval.pipeline.distributed import Shard, evaluate_shards, load_shard

    ap = arg_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--no-serial", action="store_true", help="skip the serial runs (Dask runs only)")
    args = ap.parse_args(argv)
    n, n_shards = (5_000, 2) if args.quick else (500_000, 10)
    system = make_system()
    overrides = {f"d{d}": [0.1] * 10 for d in range(5)}
    print("# Sharded evaluation on Dask\n")
    print(machine_line() + "\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        shards = write_shards(system, n, n_shards, Path(tmp))
        t_write = time.perf_counter() - t0
        size = sum(p.stat().st_size for pair in shards for p in pair)
        results = {}
        for label, mode in (("absolute", "absolute"), ("relative", "relative")):
            if args.no_serial:
                break
            t0 = time.perf_counter()
            results[("serial", mode)] = evaluate_shards(system, shards, mode=mode, weights=overrides)
            rows.append([f"serial, {label} mode", f"{time.perf_counter() - t0:.1f}",
                         results[("serial", mode)].passes])
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            for label, mode in (("absolute", "absolute"), ("relative", "relative")):
                t0 = time.perf_counter()
                results[("dask", mode)] = evaluate_shards(system, shards, mode=mode, weights=overrides,
                                                          client=client)
                rows.append([f"Dask LocalCluster (2 processes), {label} mode", f"{time.perf_counter() - t0:.1f}",
                             results[("dask", mode)].passes])
        driver_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        first = load_shard(system, Shard(*shards[0]))
        alone = evaluate(system, first, weights=overrides)
        k0 = len(first.project_ids)
    same_dask = all(np.array_equal(results[("dask", m)].scores, results[("serial", m)].scores)
                    for m in ("absolute", "relative") if ("serial", m) in results)
    same_shard0 = bool(np.array_equal(results[("dask", "absolute")].scores[:k0], alone.scores))
    print(f"{n:,} projects, {n * RATINGS_PER_PROJECT:,} rating rows in {n_shards} Parquet shard pairs "
          f"({size / 2**20:.0f} MiB on disk, written in {t_write:.1f} s)\n")
    print(markdown_table(["run", "seconds", "passes"], rows))
    serial_note = "not run (--no-serial)" if args.no_serial else str(same_dask)
    print(f"\nDask results identical to serial (both modes): {serial_note}. Shard 0 evaluated alone in memory "
          f"with ppeval.evaluate gives the same absolute-mode scores bit for bit: {same_shard0}. "
          f"Driver process peak RSS (whole script, including the in-memory check of one shard): "
          f"{driver_peak:.2f} GiB.")
    return 0 if same_dask and same_shard0 else 1


if __name__ == "__main__":
    sys.exit(main())
