"""Chunk plan, seed streams and executors: identical results serially, on threads, processes and Dask."""

from __future__ import annotations

import concurrent.futures

import numpy as np
import pytest

from ppeval.errors import InputError
from ppeval.sensitivity import MonteCarloResult, judgment_sensitivity, monte_carlo
from ppeval.sensitivity._executor import (
    BLOCK_SIZE,
    MAX_PENDING,
    MAX_TILE,
    SeedPlan,
    check_chunk_size,
    chunk_bounds,
    default_chunk_size,
    run_tasks,
    tile_size,
)
from ppeval.sensitivity._kernels import build_scorer

RNG = np.random.default_rng(77)
X = RNG.uniform(1, 10, size=(12, 5))
W = RNG.dirichlet(np.ones(5) * 3)
T = np.array([1, -1, 1, 1, -1])
KW = {"samples": 900, "seed": 2024, "concentration": 15.0, "grade_bands": [80, 60, 0], "chunk_size": 100}


def assert_identical(a: MonteCarloResult, b: MonteCarloResult) -> None:
    for k in a.__dataclass_fields__:
        va, vb = getattr(a, k), getattr(b, k)
        if isinstance(va, np.ndarray):
            assert va.tobytes() == vb.tobytes(), k
        else:
            assert va == vb, k


@pytest.fixture(scope="module")
def serial() -> MonteCarloResult:
    return monte_carlo(X, W, T, **KW)


def test_thread_pool_identical_to_serial(serial: MonteCarloResult) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
        assert_identical(serial, monte_carlo(X, W, T, executor=ex, **KW))


def test_process_pool_identical_to_serial(serial: MonteCarloResult) -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
        assert_identical(serial, monte_carlo(X, W, T, executor=ex, **KW))
        # judgment samplers travel to worker processes too
        e = np.array([[1, 3, 5, 1, 2], [1 / 3, 1, 2, 1, 1], [1 / 5, 1 / 2, 1, 1 / 2, 1], [1, 1, 2, 1, 3],
                      [1 / 2, 1, 1, 1 / 3, 1]])
        a = judgment_sensitivity(X, [e], T, 300, seed=1, chunk_size=64, executor=ex)
        b = judgment_sensitivity(X, [e], T, 300, seed=1)
        assert_identical(a, b)


def test_dask_local_cluster_identical_to_serial(serial: MonteCarloResult) -> None:
    """Two Dask workers (threads, no nanny) through the concurrent.futures interface."""
    import distributed
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as client:
        ex = client.get_executor()
        assert_identical(serial, monte_carlo(X, W, T, executor=ex, **KW))


def test_worker_count_and_chunking_do_not_matter(serial: MonteCarloResult) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ex:
        assert_identical(serial, monte_carlo(X, W, T, executor=ex, **{**KW, "chunk_size": 7}))
    assert_identical(serial, monte_carlo(X, W, T, **{**KW, "chunk_size": 1}))


def test_fixed_shape_tile_gives_identical_rows() -> None:
    """A sample scored in different tiles (same shape, other rows around it) gets the same bits."""
    sc = build_scorer(X, T, method="topsis", normalization="vector", bounds=None, v=0.5,
                      support=np.ones(5, bool))
    ws = RNG.dirichlet(np.ones(5), size=2 * 64)
    a = sc.tile_scores(ws[:64])
    b = sc.tile_scores(np.vstack([ws[:1], ws[64 + 1 :]]))
    assert a[0].tobytes() == b[0].tobytes()


# --------------------------------------------------------------------------- plan


def test_seed_plan_blocks_do_not_depend_on_block_count() -> None:
    plan = SeedPlan.from_seed(5)
    ss = np.random.SeedSequence(5)
    children = ss.spawn(10)
    for b in (0, 3, 9):
        x = plan.block_rng(b).random(4)
        y = np.random.default_rng(children[b]).random(4)
        np.testing.assert_array_equal(x, y)
    # the entropy and spawn key of a SeedSequence seed are kept
    child = np.random.SeedSequence(5).spawn(3)[2]
    p2 = SeedPlan.from_seed(child)
    assert p2.spawn_key == (2,)
    np.testing.assert_array_equal(p2.block_rng(1).random(3), np.random.default_rng(child.spawn(2)[1]).random(3))


def test_chunk_bounds_cover_the_samples() -> None:
    for samples, chunk in ((1, 1), (10, 3), (10, 10), (10, 100), (1000, 7)):
        b = chunk_bounds(samples, chunk)
        assert b[0][0] == 0
        assert b[-1][1] == samples
        assert all(s1 == e0 for (_, e0), (s1, _) in zip(b[:-1], b[1:], strict=True))
        assert all(0 < e - s <= chunk for s, e in b)


def test_tile_and_chunk_sizes() -> None:
    assert tile_size(10) == MAX_TILE
    assert tile_size(20_000) == 16
    assert tile_size(10**9) == 1
    for cols in (1, 100, 20_000, 3_000_000):
        t = tile_size(cols)
        assert BLOCK_SIZE % t == 0
    assert default_chunk_size(1000, 256) % 256 == 0
    assert default_chunk_size(10**8, 4) == 4
    assert check_chunk_size(None, 17) == 17
    with pytest.raises(InputError, match="chunk_size is -3"):
        check_chunk_size(-3, 17)


def test_run_tasks_keeps_order_and_bounds_pending() -> None:
    seen: list[int] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        run_tasks(lambda i: i * i, [(i,) for i in range(50)], ex, seen.append)
    assert seen == [i * i for i in range(50)]

    class Counting(concurrent.futures.ThreadPoolExecutor):
        live = 0
        peak = 0

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            Counting.live += 1
            Counting.peak = max(Counting.peak, Counting.live)
            return super().submit(fn, *args, **kwargs)

    def done(_: int) -> None:
        Counting.live -= 1

    with Counting(max_workers=2) as ex2:
        run_tasks(lambda i: i, [(i,) for i in range(40)], ex2, done)
    assert Counting.peak <= MAX_PENDING


def test_task_error_propagates() -> None:
    def boom(i: int) -> int:
        if i == 3:
            raise InputError("task 3 failed")
        return i

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex, pytest.raises(InputError, match="task 3"):
        run_tasks(boom, [(i,) for i in range(6)], ex, lambda _: None)
