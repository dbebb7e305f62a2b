"""Chunk plan, seed streams and task execution for chunked sensitivity runs.

The plan has three fixed granularities, none of which depends on the compute
chunk size or on the executor:

* **Random blocks** of :data:`BLOCK_SIZE` consecutive samples. Block ``b`` draws
  its samples from its own stream, the child ``spawn_key + (b,)`` of one
  :class:`numpy.random.SeedSequence` (built directly, so a caller's
  SeedSequence is never advanced). Which samples a seed produces therefore
  depends only on the seed, the block index and the sampler.
* **Score tiles** of ``tile`` samples (a power of two dividing
  :data:`BLOCK_SIZE`, chosen from the problem size only), aligned to multiples
  of ``tile`` in the global sample index. Every sample's scores are computed by
  the one call that scores its tile, with the same shapes and inputs whatever
  the chunking, so they are the same bits (a BLAS matrix product may round a
  row differently when the number of rows differs; a fixed call shape avoids
  that).
* **Chunks** (tasks) of ``chunk_size`` samples: the unit of work handed to an
  executor and the unit whose per-sample buffers bound memory. A chunk that
  does not align with tiles recomputes the tiles it overlaps and keeps only its
  own rows.

All reductions over samples are exact (integer counts, and sums of values
split on fixed binary grids, see :mod:`ppeval.sensitivity._accumulate`), so
partial results can be combined in any grouping and any order with identical
results: serially, on threads, on processes or on a Dask cluster.
"""

from __future__ import annotations

import concurrent.futures
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from ppeval._checks import seed_sequence
from ppeval._typing import SeedLike
from ppeval.errors import InputError

__all__ = [
    "BLOCK_SIZE",
    "MAX_TILE",
    "MAX_PENDING",
    "SeedPlan",
    "tile_size",
    "default_chunk_size",
    "chunk_bounds",
    "check_chunk_size",
    "check_executor",
    "run_tasks",
]

#: Samples per random stream (part of the seed plan: changing it changes the draws).
BLOCK_SIZE = 1024
#: Largest score tile (rows per matrix-product call).
MAX_TILE = 1024
#: Float64 values per score tile at most (``tile * columns <= TILE_FLOATS``, 4 MiB: cache-sized).
TILE_FLOATS = 1 << 19
#: Rows of the score tiles of wide problems (see :func:`tile_size`).
WIDE_TILE = 16
#: Float64 values per score tile of a wide problem at most (32 MiB).
WIDE_TILE_FLOATS = 1 << 22
#: Float64 values of per-sample buffers per default chunk (``chunk * n ~ 64 MiB``).
CHUNK_FLOATS = 1 << 23
#: Tasks submitted to an executor and not yet collected, at most.
MAX_PENDING = 8

R = TypeVar("R")


@dataclass(frozen=True)
class SeedPlan:
    """Root of the per-block random streams of one run.

    Attributes
    ----------
    entropy : int or tuple of int
        Entropy of the root :class:`numpy.random.SeedSequence`.
    spawn_key : tuple of int
        Spawn key of the root; block ``b`` uses ``spawn_key + (b,)``.
    pool_size : int
        Pool size of the root SeedSequence.
    """

    entropy: int | tuple[int, ...]
    spawn_key: tuple[int, ...]
    pool_size: int

    @classmethod
    def from_seed(cls, seed: SeedLike) -> SeedPlan:
        """Build the plan from an int, Generator, SeedSequence or None."""
        ss = seed_sequence(seed)
        ent = ss.entropy
        entropy: int | tuple[int, ...]
        if ent is None:  # pragma: no cover - numpy always fills entropy
            raise InputError("seed produced a SeedSequence without entropy")
        if isinstance(ent, int | np.integer):
            entropy = int(ent)
        else:
            entropy = tuple(int(e) for e in ent)
        return cls(entropy=entropy, spawn_key=tuple(int(k) for k in ss.spawn_key), pool_size=ss.pool_size)

    def block_rng(self, block: int) -> np.random.Generator:
        """Generator of random block ``block`` (independent of how many blocks exist)."""
        child = np.random.SeedSequence(
            entropy=self.entropy, spawn_key=(*self.spawn_key, block), pool_size=self.pool_size
        )
        return np.random.default_rng(child)


def tile_size(columns: int) -> int:
    """Rows per score tile for a kernel producing ``columns`` values per sample.

    The largest power of two ``<= MAX_TILE`` with ``tile * columns <= TILE_FLOATS``.
    When that is below :data:`WIDE_TILE` rows (tens of thousands of
    alternatives), the largest power of two ``<= WIDE_TILE`` with
    ``tile * columns <= WIDE_TILE_FLOATS`` instead (at least 1): every tile's
    matrix product reads the whole prepared matrix (``columns x m`` values,
    80 MB at 100,000 alternatives), so one or two rows per tile would make the
    run memory-bound. It divides :data:`BLOCK_SIZE`.
    """
    t = MAX_TILE
    while t > 1 and t * columns > TILE_FLOATS:
        t //= 2
    if t >= WIDE_TILE:
        return t
    t = WIDE_TILE
    while t > 1 and t * columns > WIDE_TILE_FLOATS:
        t //= 2
    return t


def default_chunk_size(n_alternatives: int, tile: int) -> int:
    """Samples per chunk so that ``chunk * n_alternatives`` is about 8 Mi values, a multiple of ``tile``."""
    k = CHUNK_FLOATS // max(n_alternatives, 1)
    return max(tile, (k // tile) * tile)


def check_chunk_size(chunk_size: Any, default: int) -> int:
    """Validate ``chunk_size`` (int >= 1 or None for ``default``)."""
    if chunk_size is None:
        return default
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer):
        raise InputError(f"chunk_size is {chunk_size!r}; expected an int >= 1 or None")
    if chunk_size < 1:
        raise InputError(f"chunk_size is {chunk_size}; it must be >= 1")
    return int(chunk_size)


def check_executor(executor: Any) -> concurrent.futures.Executor | None:
    """Validate ``executor``: None or an object with a callable ``submit`` (a concurrent.futures.Executor)."""
    if executor is None:
        return None
    if not callable(getattr(executor, "submit", None)):
        raise InputError(
            f"executor is {type(executor).__name__}; expected a concurrent.futures.Executor "
            "(e.g. ThreadPoolExecutor, ProcessPoolExecutor or a Dask client's get_executor()) or None"
        )
    return executor  # type: ignore[no-any-return]


def chunk_bounds(samples: int, chunk_size: int) -> list[tuple[int, int]]:
    """Consecutive ``[start, stop)`` sample ranges of at most ``chunk_size`` covering ``range(samples)``."""
    starts = range(0, samples, chunk_size)
    return [(s, min(s + chunk_size, samples)) for s in starts]


def run_tasks(
    fn: Callable[..., R],
    args: Sequence[tuple[Any, ...]],
    executor: concurrent.futures.Executor | None,
    combine: Callable[[R], None],
) -> None:
    """Run ``fn(*a)`` for every ``a`` in ``args`` and pass each result to ``combine``, in order.

    Serially when ``executor`` is None; otherwise through ``executor.submit`` with
    at most :data:`MAX_PENDING` tasks outstanding (bounding the memory held by
    finished but uncollected results). Results are combined in submission order;
    an exception raised by a task propagates.
    """
    if executor is None:
        for a in args:
            combine(fn(*a))
        return
    pending: deque[Any] = deque()
    it: Iterator[tuple[Any, ...]] = iter(args)
    for a in it:
        pending.append(executor.submit(fn, *a))
        if len(pending) >= MAX_PENDING:
            break
    while pending:
        combine(pending.popleft().result())
        nxt = next(it, None)
        if nxt is not None:
            pending.append(executor.submit(fn, *nxt))
