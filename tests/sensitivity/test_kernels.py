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


def test_tile_rows_give_the_bits_of_tile_scores() -> None:
    """TOPSIS scores computed group by group (Scorer.tile_rows) are bit-identical to Scorer.tile_scores.

    Any grouping, including groups that split the product calls; and tile_rows declines (None) exactly
    where the fast closeness formula is not certain beforehand: an alternative at the anti-ideal on every
    criterion, a zero weight, duplicate alternatives, other methods.
    """
    from ppeval.sensitivity._kernels import build_scorer

    rng = np.random.default_rng(21)
    n, m, t = 700, 12, 64
    x = rng.uniform(1, 100, size=(n, m))
    types = np.where(np.arange(m) % 3 == 2, -1, 1)
    support = np.ones(m, bool)
    sc = build_scorer(x, types, method="topsis", normalization="vector", bounds=None, v=0.5, support=support)
    w = rng.dirichlet(np.ones(m), size=t)
    ref = sc.tile_scores(w, sc.workspace(t)).copy()
    for group in (1, 5, 16, 64):
        rows = sc.tile_rows(w, sc.workspace(t))
        assert rows is not None
        for r0 in range(0, t, group):
            rows.compute(r0, min(r0 + group, t))
        assert rows.out.tobytes() == ref.tobytes()
    # declined: a zero weight; an alternative at the anti-ideal; duplicates; another method
    w0 = w.copy()
    w0[3, 4] = 0.0
    assert sc.tile_rows(w0, sc.workspace(t)) is None
    xa = x.copy()
    xa[7] = np.where(types > 0, x.min(axis=0), x.max(axis=0))
    sa = build_scorer(xa, types, method="topsis", normalization="vector", bounds=None, v=0.5, support=support)
    assert sa.tile_rows(w, sa.workspace(t)) is None
    xd = x.copy()
    xd[9] = xd[2]
    sd = build_scorer(xd, types, method="topsis", normalization="vector", bounds=None, v=0.5, support=support)
    assert sd.tile_rows(w, sd.workspace(t)) is None
    sw = build_scorer(x, types, method="wsm", normalization="minmax", bounds=None, v=0.5, support=support)
    assert sw.tile_rows(w, sw.workspace(t)) is None
