"""The per-group pass of ``aggregate_ratings`` (issue 16) gives the bits of the one-pass segment statistics."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.qualitative.aggregate import _group_means, _segment_stats


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 4), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_group_pass_equals_one_pass(k: int, n_g: int, n_cells: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cell = rng.integers(0, n_cells, k)
    gcode = rng.integers(0, n_g, k)
    v = rng.integers(1, 8, k).astype(np.float64)
    means, counts, p_mean, p_count, p_ss = _group_means(cell, gcode, v, n_g, n_cells)
    g_stat, g_count, _ = _segment_stats(gcode * n_cells + cell, v, n_g * n_cells, "mean", 0.0, True)
    np.testing.assert_array_equal(means.ravel(), g_stat)
    np.testing.assert_array_equal(counts.ravel(), g_count)
    want_mean, want_count, want_ss = _segment_stats(cell, v, n_cells, "mean", 0.0, True)
    np.testing.assert_array_equal(p_mean, want_mean)
    np.testing.assert_array_equal(p_count, want_count)
    np.testing.assert_array_equal(p_ss, want_ss)
    # and against the plain formulas
    for c in range(n_cells):
        x = v[cell == c]
        if x.size:
            assert p_mean[c] == x.sum() / x.size
            assert abs(p_ss[c] - ((x - x.mean()) ** 2).sum()) <= 1e-9 * max(1.0, p_ss[c])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10), st.integers(0, 3), st.integers(0, 2**32 - 1), st.booleans())
def test_factorize_equals_unique(n_names: int, late: int, seed: int, as_text: bool) -> None:
    """``factorize`` (sampled fast path and its fallbacks) gives ``np.unique(..., return_inverse=True)``."""
    from ppeval.qualitative._common import _SAMPLE, factorize

    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_names, 4 * _SAMPLE + 50)
    if late:
        codes[-late:] = n_names + np.arange(late)  # values first seen after the sample
    arr = np.array([f"g{c}" for c in codes.tolist()]) if as_text else codes
    got_u, got_c = factorize(arr)
    want_u, want_c = np.unique(arr, return_inverse=True)
    np.testing.assert_array_equal(got_u, want_u)
    np.testing.assert_array_equal(got_c, want_c.reshape(-1))
