"""Sharded evaluation (ppeval.pipeline.distributed): same scores as evaluate() on the whole assessment."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ppeval import io
from ppeval.errors import DataError, InputError
from ppeval.pipeline import evaluate
from ppeval.pipeline.distributed import Shard, evaluate_shards

N_PROJECTS = 30


def _system(weighting: dict[str, Any] | None = None) -> Any:
    leaves = [
        {"id": "out", "name": "Output", "kind": "quantitative", "direction": "benefit",
         "bounds": {"worst": 0.0, "best": 100.0}, "source": "records"},
        {"id": "cost", "name": "Cost", "kind": "quantitative", "direction": "cost",
         "bounds": {"worst": 1000.0, "best": 0.0}, "source": "records"},
        {"id": "sat", "name": "Satisfaction", "kind": "qualitative", "direction": "benefit",
         "source": "resident_survey", "scale": {"type": "likert", "points": 5}},
        {"id": "svc", "name": "Service", "kind": "qualitative", "direction": "benefit",
         "source": "resident_survey", "scale": {"type": "likert", "points": 5}},
    ]
    data = {
        "schema_version": 1, "id": "shards", "name": "Sharded test system", "version": "1", "source": "test",
        "evaluation": {"min_raters": 1, "missing": "worst"},
        "root": {"id": "total", "name": "Total",
                 "weighting": {"method": "ahp", "experts": [{"judgments": {"upper": [2]}}]},
                 "children": [
                     {"id": "hard", "name": "Records", "weighting": weighting or {"method": "fixed",
                      "weights": {"out": 0.7, "cost": 0.3}}, "children": leaves[:2]},
                     {"id": "soft", "name": "Ratings", "weighting": {"method": "equal"}, "children": leaves[2:]},
                 ]},
    }
    return io.system_from_dict(data)


def _write(folder: Path, n_shards: int, seed: int = 3) -> tuple[list[Shard], list[Path]]:
    rng = np.random.default_rng(seed)
    pids = [f"p{i:03d}" for i in range(N_PROJECTS)]
    values = [[p, round(float(rng.uniform(0, 100)), 2), round(float(rng.uniform(0, 1000)), 1)] for p in pids]
    ratings = [[p, ind, f"r{k}", "resident", int(rng.integers(1, 6))]
               for p in pids for ind in ("sat", "svc") for k in range(int(rng.integers(1, 5)))]
    parts = np.array_split(np.arange(N_PROJECTS), n_shards)
    shards = []
    for k, idx in enumerate(parts):
        keep = {pids[i] for i in idx}
        vpath, rpath = folder / f"values-{k}.csv", folder / f"ratings-{k}.csv"
        _csv(vpath, ["project", "out", "cost"], [r for r in values if r[0] in keep])
        _csv(rpath, ["project", "indicator", "rater", "group", "rating"], [r for r in ratings if r[0] in keep])
        shards.append(Shard(values=vpath, ratings=rpath))
    whole = [folder / "values.csv", folder / "ratings.csv"]
    _csv(whole[0], ["project", "out", "cost"], values)
    _csv(whole[1], ["project", "indicator", "rater", "group", "rating"], ratings)
    return shards, whole


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.mark.parametrize("mode", ["absolute", "relative"])
@pytest.mark.parametrize("method", ["topsis", "wsm"])
def test_shards_equal_in_memory(tmp_path: Path, mode: str, method: str) -> None:
    system = _system()
    shards, whole = _write(tmp_path, 4)
    ref = evaluate(system, [str(p) for p in whole], method=method, mode=mode,  # type: ignore[arg-type]
                   normalization="minmax")
    got = evaluate_shards(system, shards, method=method, mode=mode)
    assert got.project_ids == ref.project_ids
    # the same formula on the same numbers; BLAS may round blocks of other lengths in another order
    np.testing.assert_allclose(got.scores, ref.scores, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(got.ranks, ref.ranks)
    assert got.grades == ref.grades
    np.testing.assert_allclose(got.weights, ref.weights, rtol=0, atol=1e-15)
    assert got.passes == (1 if mode == "absolute" else 2)
    assert got.shard.tolist() == sorted(got.shard.tolist())
    assert got.shard.max() == 3


def test_parquet_shards_on_a_dask_cluster(tmp_path: Path) -> None:
    """Parquet shards on a LocalCluster (threads, for CI speed) give the serial CSV results."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster

    system = _system()
    shards, _ = _write(tmp_path, 3)
    pq_shards = []
    for k, sh in enumerate(shards):
        out = []
        for name in ("values", "ratings"):
            path = tmp_path / f"{name}-{k}.parquet"
            pq.write_table(pa.Table.from_pandas(pd.read_csv(getattr(sh, name)), preserve_index=False), path)
            out.append(path)
        pq_shards.append((out[0], out[1]))
    serial = evaluate_shards(system, shards, mode="relative")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        on_dask = evaluate_shards(system, pq_shards, mode="relative", client=client)
        current = evaluate_shards(system, pq_shards, client="dask")
    np.testing.assert_array_equal(on_dask.scores, serial.scores)
    np.testing.assert_array_equal(on_dask.ranks, serial.ranks)
    assert on_dask.project_ids == serial.project_ids
    assert current.mode == "absolute"
    assert current.ranks.min() == 1


def test_data_driven_weights_need_overrides(tmp_path: Path) -> None:
    system = _system({"method": "entropy"})
    shards, whole = _write(tmp_path, 2)
    with pytest.raises(InputError, match="'hard'.*entropy"):
        evaluate_shards(system, shards)
    ref = evaluate(system, [str(p) for p in whole])
    local = {nw.node: nw.weights.tolist() for nw in ref.node_weights}
    got = evaluate_shards(system, shards, weights={"hard": local["hard"]})
    np.testing.assert_allclose(got.scores, ref.scores, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"method": "vikor"}, InputError, "method"),
        ({"normalization": "vector"}, InputError, "normalization"),
        ({"client": "spark"}, InputError, "client"),
        ({"weights": {"nope": [1.0]}}, InputError, "unknown inner node"),
    ],
)
def test_bad_options(tmp_path: Path, kwargs: dict[str, Any], error: type, fragment: str) -> None:
    shards, _ = _write(tmp_path, 2)
    with pytest.raises(error, match=fragment):
        evaluate_shards(_system(), shards, **kwargs)


def test_bad_shards(tmp_path: Path) -> None:
    shards, _ = _write(tmp_path, 2)
    with pytest.raises(InputError, match="no such file"):
        evaluate_shards(_system(), [(tmp_path / "nope.csv", None)])
    with pytest.raises(InputError, match="empty"):
        evaluate_shards(_system(), [])
    with pytest.raises(DataError, match="more than one shard"):
        evaluate_shards(_system(), [shards[0], shards[0]])


def test_dea_indicators_are_refused() -> None:
    """A DEA efficiency compares every project with all others: shard by shard it would be wrong."""
    from ppeval.io import bundled

    system = bundled.load_bundled("3e-equity")
    files = bundled.sample_assessment_paths("3e-equity")
    with pytest.raises(InputError) as exc:
        evaluate_shards(system, [files[1:]])
    assert "'dea_efficiency' are DEA efficiencies" in str(exc.value)
