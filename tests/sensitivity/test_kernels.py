"""Monte Carlo score kernels: the row-split matrix product."""

from __future__ import annotations

import numpy as np

from ppeval.sensitivity._kernels import single_thread_matmul


def test_single_thread_matmul_equals_the_product() -> None:
    """Row-split products give a @ b (to rounding), whatever the split, into a given buffer or a new one."""
    rng = np.random.default_rng(4)
    for rows, k, cols in ((256, 20, 2000), (7, 3, 5), (1, 20, 40000), (300, 2, 1)):
        a = rng.random((rows, k))
        b = rng.random((k, cols))
        out = np.full((rows, cols), np.nan)
        got = single_thread_matmul(a, b, out)
        assert got is out
        np.testing.assert_allclose(got, a @ b, rtol=1e-14)
        np.testing.assert_array_equal(single_thread_matmul(a, b, None), got)


def test_unique_rows_equals_numpy_unique() -> None:
    """The hashed grouping of identical prepared rows equals np.unique(axis=0) in first-occurrence order."""
    from ppeval.sensitivity._kernels import _unique_rows_by_sort, unique_rows

    rng = np.random.default_rng(12)
    for trial in range(60):
        n, c = int(rng.integers(1, 400)), int(rng.integers(1, 6))
        x = rng.integers(0, 3, size=(n, c)).astype(np.float64) if trial % 3 else rng.random((n, c))
        if n > 3 and trial % 4 == 0:
            x[3] = -0.0 * x[0] + x[0]  # an explicit duplicate
        got, ref = unique_rows(x), _unique_rows_by_sort(x)
        np.testing.assert_array_equal(got[0], ref[0])
        assert (got[1] is None) == (ref[1] is None)
        if got[1] is not None:
            np.testing.assert_array_equal(got[1], ref[1])
    zeros = np.array([[0.0, 1.0], [-0.0, 1.0], [2.0, 3.0]])
    assert unique_rows(zeros)[1].tolist() == [0, 0, 1]  # type: ignore[union-attr]
