"""Packed-key tile ranking: identical to argsort with exact SMAA-2 tie handling, for every input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ppeval.errors import PPEvalError
from ppeval.sensitivity._ranks import TileRanker, exact_ranks


def brute_ranks(s: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """0-based rank of every alternative in every row: #strictly better (pairwise comparison)."""
    if higher_is_better:
        better = s[:, None, :] > s[:, :, None]
    else:
        better = s[:, None, :] < s[:, :, None]
    return better.sum(axis=2)


def ranks_from(order: np.ndarray, pos: np.ndarray | None) -> np.ndarray:
    k, n = order.shape
    out = np.empty((k, n), dtype=np.int64)
    p = np.broadcast_to(np.arange(n), (k, n)) if pos is None else pos
    np.put_along_axis(out, order, p, axis=1)
    return out


def check(s: np.ndarray, higher_is_better: bool) -> None:
    expected = brute_ranks(s, higher_is_better)
    for mode in (None, "u32", "i64"):
        ranker = TileRanker(s.shape[0] + 3, s.shape[1], higher_is_better, mode=mode)
        work = s.copy()
        order, pos = ranker.rank(work, float(work.min()), float(work.max()))
        got = ranks_from(order, pos)
        np.testing.assert_array_equal(got, expected, err_msg=f"mode {ranker.mode}")
        # every row's order is a permutation
        np.testing.assert_array_equal(np.sort(order, axis=1), np.broadcast_to(np.arange(s.shape[1]), s.shape))
    eo, ep = exact_ranks(s, higher_is_better)
    np.testing.assert_array_equal(ranks_from(eo, ep), expected)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_random_tiles_match_pairwise_ranks(higher_is_better: bool) -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 3, 17, 300):
        check(rng.beta(5, 5, size=(40, n)), higher_is_better)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_near_collisions_ties_and_zeros(higher_is_better: bool) -> None:
    """Scores one ulp apart (merged by the packed key), exact ties, +0.0 and -0.0 (a tie)."""
    base = 0.4375
    up = np.nextafter(base, 1.0)
    s = np.array(
        [
            [base, up, 0.1, 0.9, np.nextafter(up, 1.0)],  # three scores within 2 ulps
            [0.5, 0.5, 0.5, 0.2, 0.7],  # a three-way tie
            [0.0, -0.0, 0.3, 0.0, 0.3],  # zeros of both signs tie
            [1.0, 0.0, 0.5, 0.25, 0.75],  # extremes
            [0.2, 0.2, 0.2, 0.2, 0.2],  # all tied
        ]
    )
    check(s, higher_is_better)


def test_many_alternatives_use_64_bit_keys() -> None:
    rng = np.random.default_rng(5)
    s = rng.beta(30, 30, size=(6, 2500))
    s[:, 7] = s[:, 8]  # a tie in every row
    s[:, 9] = np.nextafter(s[:, 10], 2.0)  # and a one-ulp gap
    assert TileRanker(6, 2500, True).mode == "i64"
    check(s, True)


def test_runs_of_close_keys_of_every_shape() -> None:
    """Dense clusters: runs of many members, adjacent runs, ties inside runs, whole rows in one run."""
    rng = np.random.default_rng(11)
    centre = rng.choice([0.2, 0.5, 0.8], size=(30, 60))
    s = centre + rng.integers(-3, 4, size=(30, 60)) * 1e-15
    s[0] = 0.5  # one row all tied
    s[1] = 0.5 + np.arange(60) * 1e-16  # one row spread over a few ulps
    check(s, True)
    check(s, False)


def test_negative_scores_use_the_exact_path() -> None:
    s = np.array([[-0.5, 0.25, -0.125, 0.0], [0.1, -0.1, 0.1, -0.3]])
    check(s, True)
    check(s, False)


@settings(max_examples=150, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
        elements=st.sampled_from([0.0, -0.0, 0.25, 0.5, float(np.nextafter(0.5, 1)), float(np.nextafter(0.5, 0)), 1.0])
        | st.floats(0.0, 1.0),
    ),
    st.booleans(),
)
def test_property_matches_pairwise_ranks(s: np.ndarray, higher_is_better: bool) -> None:
    check(s, higher_is_better)


def test_order_written_into_a_caller_buffer() -> None:
    """``out=``: the order lands in the caller's (wider or narrower) integer rows, fixes of close runs included."""
    rng = np.random.default_rng(21)
    s = rng.beta(5, 5, size=(12, 40))
    s[:, 3] = s[:, 4]  # ties
    s[:, 5] = np.nextafter(s[:, 6], 2.0)  # a one-ulp gap
    expected = brute_ranks(s, True)
    for mode in ("u32", "i64", "exact"):
        for dtype in (np.uint32, np.int64):
            buf = np.full((20, 40), 99, dtype=dtype)
            work = s.copy()
            order, pos = TileRanker(12, 40, True, mode=mode).rank(
                work, float(work.min()), float(work.max()), out=buf[4:16]
            )
            assert np.shares_memory(order, buf)
            np.testing.assert_array_equal(ranks_from(buf[4:16].astype(np.int64), pos), expected)
            assert (buf[:4] == 99).all()
            assert (buf[16:] == 99).all()
    with pytest.raises(PPEvalError, match="C-contiguous"):
        TileRanker(12, 40, True).rank(s.copy(), float(s.min()), float(s.max()), out=np.empty((40, 12), np.uint32).T)

