"""Ranks of every sample of a score tile: one sort of packed integer keys, exact by construction.

The Monte Carlo engine needs, for each sample (row of a ``(k, n)`` score tile),
the alternatives in rank order and the rank of each position (SMAA-2: tied
scores share the rank of the first of them, ``rank = 1 + #strictly better``).
``np.argsort`` does this directly but is the slowest step of a run; sorting
plain 64-bit integers is about twice as fast, and no gather is needed
afterwards. :class:`TileRanker` therefore sorts *packed keys*:

* For a score ``s >= 0`` the IEEE-754 bit pattern read as a signed 64-bit
  integer ``k(s)`` is strictly increasing in ``s`` (``-0.0`` is made ``+0.0``
  first). Descending order (higher is better) uses ``~k(s) = -k(s) - 1``.
* The low ``b = ceil(log2 n)`` bits of that key are replaced by the
  alternative's index: ``key = (k & ~(2^b - 1)) | i``. One in-place
  ``ndarray.sort`` per row orders the keys; the alternative in position ``p``
  is ``key_p & (2^b - 1)``.
* Dropping ``b`` low bits can merge scores that differ by fewer than ``2^b``
  units in the last place, and exact ties become ordered by index. Both show
  as adjacent sorted keys less than ``2^b`` apart; every row with such a pair
  is ranked again with the exact ``argsort`` path (:func:`exact_ranks`), which
  also resolves ties. Rows without one are strictly ordered by score, because
  their truncated keys are strictly increasing. The result is therefore the
  same as ``argsort`` with exact tie handling, for every input.

Tiles with a negative score (possible only for WSM with unusual
normalisations), and problems with more than ``2^24`` alternatives, use the
exact path directly.
"""

from __future__ import annotations

import numpy as np

from ppeval._typing import FloatArray

__all__ = ["TileRanker", "exact_ranks"]

_MAX_BITS = 24


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


class TileRanker:
    """Reusable buffers for ranking tiles of up to ``rows`` samples of ``n`` alternatives (see module docstring)."""

    def __init__(self, rows: int, n: int, higher_is_better: bool) -> None:
        self.n = n
        self.higher_is_better = higher_is_better
        self.bits = max(1, (n - 1).bit_length())
        self.packed = n > 1 and self.bits <= _MAX_BITS
        self._low = np.int64((1 << self.bits) - 1)
        self._high = np.int64(~((1 << self.bits) - 1))
        self._index = np.arange(n, dtype=np.int64)
        self._key = np.empty((rows, n), dtype=np.int64)
        self._order = np.empty((rows, n), dtype=np.int64)
        self._gap = np.empty((rows, max(n - 1, 0)), dtype=np.int64)
        self._close = np.empty((rows, max(n - 1, 0)), dtype=bool)

    def rank(self, s: FloatArray, smallest: float) -> tuple[np.ndarray, np.ndarray | None]:
        """Rank the rows of ``s`` (``(k, n)``, C-contiguous, may be modified: ``-0.0`` becomes ``0.0``).

        ``smallest`` is ``s.min()``. Returns ``(order, pos)`` as
        :func:`exact_ranks`; ``order`` is a view of an internal buffer, valid
        until the next call.
        """
        k = s.shape[0]
        if not self.packed or smallest < 0.0:
            return exact_ranks(s, self.higher_is_better)
        if smallest == 0.0:
            s += 0.0  # -0.0 + 0.0 = +0.0: one bit pattern for zero
        key = self._key[:k]
        bits = s.view(np.int64)
        if self.higher_is_better:
            np.invert(bits, out=key)
            np.bitwise_and(key, self._high, out=key)
        else:
            np.bitwise_and(bits, self._high, out=key)
        np.bitwise_or(key, self._index, out=key)
        key.sort(axis=1)
        order = self._order[:k]
        np.bitwise_and(key, self._low, out=order)
        gap = self._gap[:k]
        close = self._close[:k]
        np.subtract(key[:, 1:], key[:, :-1], out=gap)
        np.less_equal(gap, self._low, out=close)
        if not close.any():
            return order, None
        rows = np.flatnonzero(close.any(axis=1))
        exact_order, exact_pos = exact_ranks(s[rows], self.higher_is_better)
        order[rows] = exact_order
        if exact_pos is None:
            return order, None
        pos = np.empty((k, self.n), dtype=np.int64)
        pos[:] = self._index
        pos[rows] = exact_pos
        return order, pos
