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
