"""Ranks of every sample of a score tile: one sort of packed integer keys, exact by construction.

The Monte Carlo engine needs, for each sample (row of a ``(k, n)`` score tile),
the alternatives in rank order and the rank of each position (SMAA-2: tied
scores share the rank of the first of them, ``rank = 1 + #strictly better``).
``np.argsort`` does this directly but is the slowest step of a run; sorting
plain integers is several times faster (32-bit integers fastest), and no
gather is needed afterwards. :class:`TileRanker` therefore sorts *packed
keys* ``key = (h << b) | i``: a high part ``h`` that is non-decreasing in the
rank order, and the alternative's index ``i`` in the low ``b = ceil(log2 n)``
bits. One in-place ``ndarray.sort`` per row orders the keys; the alternative
in position ``p`` is ``key_p & (2^b - 1)``.

* 32-bit keys (``n <= 2048``): ``h = floor(u)`` with ``u = (hi - s) L / (hi - lo)``
  (ascending scores: ``s - lo``), ``lo``/``hi`` the smallest and largest score
  of the tile and ``L = 2^(32-b) - 2`` levels.
* 64-bit keys (``n <= 2^24``, scores ``>= 0``): the IEEE-754 bit pattern of
  ``s`` read as a signed 64-bit integer is strictly increasing in ``s``
  (``-0.0`` is made ``+0.0`` first); descending order uses its complement;
  ``h`` is that pattern without its low ``b`` bits.

Every step from score to ``h`` is monotone (correctly rounded subtraction and
multiplication, truncation), so adjacent sorted keys whose high parts differ
hold strictly ordered scores. Scores that share a high part (close scores,
and exact ties, which the index orders arbitrarily) show as adjacent keys
whose XOR is below ``2^b``; the members of every run of such neighbours are
sorted again by exact score (:func:`_fix_runs`, one ``np.lexsort`` for the
whole tile), which also finds the ties. The result is therefore the same as
``argsort`` with exact tie handling (:func:`exact_ranks`), for every input.

Tiles with a negative score under 64-bit keys (possible only for WSM with
unusual normalisations), and problems with more than ``2^24`` alternatives,
use the exact path directly.
"""

from __future__ import annotations

import numpy as np

from ppeval._typing import FloatArray
from ppeval.errors import PPEvalError

__all__ = ["TileRanker", "exact_ranks"]

_MAX_BITS = 24
#: Largest index width for 32-bit keys (at least 21 bits of score).
_MAX_BITS_32 = 11


def exact_ranks(s: FloatArray, higher_is_better: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """``order`` (alternatives best first per row) and the 0-based rank of each position, by ``argsort``.

    The rank of position ``p`` is ``p`` unless scores tie (exactly equal), in
    which case a tie group shares the rank of its first position (SMAA-2:
    ``rank = 1 + #strictly better``). Returns ``(order, None)`` when no row has
    a tie.
    """
    key = -s if higher_is_better else s
    order = np.argsort(key, axis=1)
    n = s.shape[1]
    if n == 1:
        return order, None
    sk = np.take_along_axis(key, order, axis=1)
    tie = sk[:, 1:] == sk[:, :-1]
    if not tie.any():
        return order, None
    pos = np.empty(s.shape, dtype=np.int64)
    pos[:, 0] = 0
    pos[:, 1:] = np.where(tie, 0, np.arange(1, n))
    np.maximum.accumulate(pos, axis=1, out=pos)
    return order, pos


def _fix_runs(
    s: FloatArray, order: np.ndarray, pair: np.ndarray, close: np.ndarray, higher_is_better: bool
) -> np.ndarray | None:
    """Order the members of every run of close keys exactly, in place in ``order``; return ``pos`` if scores tie.

    ``pair`` holds the flat positions ``r n + p`` (ascending) at which sorted
    positions ``p`` and ``p + 1`` of row ``r`` may be out of order (their keys
    could not separate them); ``close`` is the ``(k, n)`` mask of those
    positions (last column ``False``). A *run* is a maximal chain of such
    positions; every alternative whose key equals another's lies in one, so
    sorting each run by exact score (a ``np.lexsort`` on the few members of
    all runs together) gives the exact order. Members with exactly equal
    scores share the rank of the first of them; ``pos`` (0-based rank of
    every position) is returned only then.
    """
    k, n = order.shape
    members = np.union1d(pair, pair + 1)
    r_m = members // n
    # a member continues the run of the position before it (never across rows: the last column is False;
    # position -1 reads the last cell, also False)
    prev_close = close.reshape(-1)[members - 1]
    run = np.cumsum(~prev_close)
    flat_order = order.reshape(-1)
    alts = flat_order[members]
    vals = s[r_m, alts]
    by = np.lexsort((-vals if higher_is_better else vals, run))
    flat_order[members] = alts[by]
    v = vals[by]
    tie = (run[1:] == run[:-1]) & (v[1:] == v[:-1])
    if not tie.any():
        return None
    # rank of a tied member = position of the first member of its chain of equal scores
    first = np.where(np.concatenate([[False], tie]), -1, members)
    np.maximum.accumulate(first, out=first)
    pos = np.empty((k, n), dtype=np.int64)
    pos[:] = np.arange(n)
    pos.reshape(-1)[members] = first - (first // n) * n
    return pos


class TileRanker:
    """Reusable buffers for ranking tiles of up to ``rows`` samples of ``n`` alternatives (see module docstring).

    ``mode`` (tests only) forces ``"u32"``, ``"i64"`` or ``"exact"``; by default
    32-bit keys are used up to 2048 alternatives, 64-bit keys up to ``2^24``.
    """

    def __init__(self, rows: int, n: int, higher_is_better: bool, mode: str | None = None) -> None:
        self.n = n
        self.higher_is_better = higher_is_better
        self.bits = max(1, (n - 1).bit_length())
        if n == 1 or self.bits > _MAX_BITS or mode == "exact":
            self.mode = "exact"
        elif (self.bits <= _MAX_BITS_32 and mode is None) or mode == "u32":
            self.mode = "u32"
        else:
            self.mode = "i64"
        dtype = np.uint32 if self.mode == "u32" else np.int64
        self._low = dtype((1 << self.bits) - 1)
        self._high = np.int64(~((1 << self.bits) - 1))
        self._levels = float((1 << (32 - self.bits)) - 2)
        self._index = np.arange(n, dtype=dtype)
        self._key = np.empty((rows, n), dtype=dtype)
        self._order = np.empty((rows, n), dtype=dtype)
        self._gap = np.empty((rows, max(n - 1, 0)), dtype=dtype)
        self._close = np.zeros((rows, n), dtype=bool)  # the last column stays False
        self._f = np.empty((rows, n)) if self.mode == "u32" else np.empty((0, n))

    def rank(
        self, s: FloatArray, smallest: float, largest: float, out: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Rank the rows of ``s`` (``(k, n)``, C-contiguous, may be modified: ``-0.0`` becomes ``0.0``).

        ``smallest`` and ``largest`` are ``s.min()`` and ``s.max()``. Returns ``(order, pos)`` as
        :func:`exact_ranks`. ``order`` is written into ``out`` (a C-contiguous
        ``(k, n)`` integer array of at least 32 bits) when given, else into an
        internal buffer valid until the next call.
        """
        k = s.shape[0]
        order = self._order[:k] if out is None else out
        if not order.flags.c_contiguous:  # _fix_runs edits order through a flat view
            raise PPEvalError("internal: TileRanker.rank needs a C-contiguous out array")
        if self.mode == "exact" or (self.mode == "i64" and smallest < 0.0):
            exact, pos = exact_ranks(s, self.higher_is_better)
            np.copyto(order, exact, casting="unsafe")  # indices < 2^24
            return order, pos
        key = self._key[:k]
        if self.mode == "u32":
            self._quantise(s, smallest, largest, key)
        else:
            if smallest == 0.0:
                s += 0.0  # -0.0 + 0.0 = +0.0: one bit pattern for zero
            bits = s.view(np.int64)
            if self.higher_is_better:
                np.invert(bits, out=key)
                np.bitwise_and(key, self._high, out=key)
            else:
                np.bitwise_and(bits, self._high, out=key)
        np.bitwise_or(key, self._index, out=key)
        key.sort(axis=1)
        np.bitwise_and(key, self._low, out=order, casting="unsafe")
        gap = self._gap[:k]
        close = self._close[:k]
        np.bitwise_xor(key[:, 1:], key[:, :-1], out=gap)  # below 2^b: same high part (keys share a sign)
        np.less_equal(gap, self._low, out=close[:, :-1])
        pair = np.flatnonzero(close)  # r n + p: positions p and p + 1 of row r share a high part
        if pair.size == 0:
            return order, None
        return order, _fix_runs(s, order, pair, close, self.higher_is_better)

    def sort_rows(self, s: FloatArray, smallest: float, largest: float, out: np.ndarray, row0: int) -> None:
        """The key-sort part of :meth:`rank` for rows ``row0 ...`` of a tile (``mode == "u32"`` only).

        Writes the key order of the rows of ``s`` into ``out`` and marks the
        positions whose keys share a high part in rows ``row0 ...`` of the
        ranker's close-neighbour mask; :meth:`fix` then orders the runs of the
        whole tile at once (the same result as :meth:`rank` row by row).
        """
        k = s.shape[0]
        key = self._key[:k]
        self._quantise(s, smallest, largest, key)
        np.bitwise_or(key, self._index, out=key)
        key.sort(axis=1)
        np.bitwise_and(key, self._low, out=out, casting="unsafe")
        gap = self._gap[:k]
        np.bitwise_xor(key[:, 1:], key[:, :-1], out=gap)
        np.less_equal(gap, self._low, out=self._close[row0 : row0 + k, :-1])

    def fix(self, s: FloatArray, order: np.ndarray) -> np.ndarray | None:
        """Finish :meth:`sort_rows` for the tile ``s`` (rows from 0) and its ``order``: ``pos`` as :meth:`rank`."""
        close = self._close[: s.shape[0]]
        pair = np.flatnonzero(close)
        if pair.size == 0:
            return None
        return _fix_runs(s, order, pair, close, self.higher_is_better)

    def _quantise(self, s: FloatArray, lo: float, hi: float, key: np.ndarray) -> None:
        """``key = floor(u) << bits`` with ``u`` in ``[0, 2^(32-bits) - 2]``, non-increasing in the rank order."""
        f = self._f[: s.shape[0]]
        # levels / span, at most 1e300 (a zero or subnormal span must not overflow)
        scale = self._levels / max(hi - lo, self._levels * 1e-300)
        if self.higher_is_better:
            np.subtract(hi, s, out=f)  # best first: distance below the tile's best score
        else:
            np.subtract(s, lo, out=f)
        f *= scale
        # truncation = floor on [0, levels]; levels < 2^31, so through int32 (the same bits, a faster cast)
        np.copyto(key.view(np.int32), f, casting="unsafe")
        np.left_shift(key, np.uint32(self.bits), out=key)
