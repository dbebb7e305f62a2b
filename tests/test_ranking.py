"""ppeval.ranking: rank, spearman, weighted_spearman, ws_coefficient."""

from __future__ import annotations

import doctest
from collections.abc import Callable
from typing import Any

import numpy as np
import pymcdm.correlations as pc
import pytest
import scipy.stats
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ppeval.ranking as rmod
from ppeval.errors import DegenerateError, InputError, PPEvalError
from ppeval.ranking import rank, spearman, weighted_spearman, ws_coefficient

# --------------------------------------------------------------------------- published examples


def test_salabun_urbaniak_2020_example() -> None:
    """Sałabun & Urbaniak (2020), ICCS 2020, LNCS 12138, pp. 632-645: reference ranking
    (1, 2, 3, 4, 5) against (1, 3, 2, 4, 5) gives r_s = 0.9, r_w = 0.8833 and WS = 0.8542
    (printed to 4 decimals; values as reproduced in pyrepo-mcda's tests/test_correlations.py,
    which cites the paper). Exact values by hand: WS = 1 - (2^-2 / 3 + 2^-3 / 2) = 41/48,
    r_w = 1 - 6 * (7 + 7) / 720 = 53/60, r_s = 1 - 6 * 2 / 120 = 0.9.
    """
    x = [1, 2, 3, 4, 5]
    y = [1, 3, 2, 4, 5]
    assert abs(ws_coefficient(x, y) - 0.8542) < 5e-5
    assert abs(weighted_spearman(x, y) - 0.8833) < 5e-5
    assert abs(spearman(x, y) - 0.9) < 5e-5
    assert ws_coefficient(x, y) == pytest.approx(41 / 48, abs=1e-15)
    assert weighted_spearman(x, y) == pytest.approx(53 / 60, abs=1e-15)
    assert spearman(x, y) == pytest.approx(0.9, abs=1e-15)


def test_ws_weighs_the_top_more_and_is_asymmetric() -> None:
    """The point of WS (Sałabun & Urbaniak 2020): a swap at the top costs more than the same
    swap at the bottom, whereas Spearman's r_s cannot tell them apart; WS is not symmetric."""
    ref = [1, 2, 3, 4, 5]
    top = [2, 1, 3, 4, 5]
    bottom = [1, 2, 3, 5, 4]
    assert spearman(ref, top) == spearman(ref, bottom)
    # by hand: 1 - (2^-1 * 1/4 + 2^-2 * 1/3) = 19/24 and 1 - (2^-4 * 1/3 + 2^-5 * 1/4) = 373/384
    assert ws_coefficient(ref, top) == pytest.approx(19 / 24, abs=1e-15)
    assert ws_coefficient(ref, bottom) == pytest.approx(373 / 384, abs=1e-15)
    a, b = [1, 2, 3, 4], [4, 3, 1, 2]
    assert ws_coefficient(a, b) != pytest.approx(ws_coefficient(b, a))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(rmod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6
    assert result.failed == 0


# --------------------------------------------------------------------------- rank


def test_rank_ties_share_smallest_rank() -> None:
    assert rank([0.3, 0.9, 0.3, 0.5]).tolist() == [3, 1, 3, 2]
    assert rank([0.3, 0.9, 0.3, 0.5], higher_is_better=False).tolist() == [1, 4, 1, 3]
    assert rank([2.0, 2.0, 2.0]).tolist() == [1, 1, 1]
    assert rank([5.0]).tolist() == [1]
    assert rank([0.0, -0.0]).tolist() == [1, 1]
    assert rank([1e308, -1e308, 1e308]).tolist() == [1, 3, 1]
    r = rank([0.1 + 0.2, 0.3])
    assert r.dtype == np.int64
    assert r.tolist() == [1, 2]  # exact ties only by default
    assert rank([0.1 + 0.2, 0.3], atol=1e-12).tolist() == [1, 1]
    # near-ties chain along the sorted scores
    assert rank([0.0, 0.6, 1.2, 5.0], atol=0.7).tolist() == [2, 2, 2, 1]
    assert rank([1e308, -1e308], atol=1.0).tolist() == [1, 2]


def test_rank_matches_scipy_min_method() -> None:
    rng = np.random.default_rng(21)
    s = rng.integers(0, 6, size=(50, 12)).astype(float)
    expected = scipy.stats.rankdata(-s, method="min", axis=1)
    np.testing.assert_array_equal(rank(s), expected)
    np.testing.assert_array_equal(rank(s, higher_is_better=False), scipy.stats.rankdata(s, method="min", axis=1))


def test_rank_read_only_input() -> None:
    s = np.array([[0.2, 0.5], [0.9, 0.1]])
    s.setflags(write=False)
    before = s.copy()
    rank(s)
    spearman(s, s[::-1])
    r = np.array([[1.0, 2.0], [2.0, 1.0]])
    r.setflags(write=False)
    ws_coefficient(r, r[::-1])
    weighted_spearman(r, r[::-1])
    np.testing.assert_array_equal(s, before)
    np.testing.assert_array_equal(r, [[1.0, 2.0], [2.0, 1.0]])


_SCORES = st.integers(-5, 5).map(float)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 15)), elements=_SCORES), st.booleans())
def test_rank_properties(s: np.ndarray, higher: bool) -> None:
    r = rank(s, higher)
    assert r.shape == s.shape
    assert r.dtype == np.int64
    # standard competition ranking: 1 + number of strictly better alternatives
    better = (s[:, None, :] > s[:, :, None]) if higher else (s[:, None, :] < s[:, :, None])
    np.testing.assert_array_equal(r, 1 + better.sum(axis=2))
    assert (r >= 1).all()
    assert (r <= s.shape[1]).all()
    assert (r.min(axis=1) == 1).all()
    # a batch equals its rows ranked one by one
    for i in range(s.shape[0]):
        np.testing.assert_array_equal(rank(s[i], higher), r[i])
    np.testing.assert_array_equal(rank(-s, not higher), r)


@given(st.integers(1, 30).flatmap(lambda n: st.permutations(list(range(n)))))
def test_rank_without_ties_is_a_permutation(perm: list[int]) -> None:
    r = rank(np.array(perm, dtype=float))
    assert sorted(r.tolist()) == list(range(1, len(perm) + 1))


# --------------------------------------------------------------------------- similarity coefficients


def test_agreement_with_pymcdm_on_permutations() -> None:
    """pymcdm.correlations ws, weighted_spearman and spearman on tie-free rankings, to 1e-12."""
    rng = np.random.default_rng(22)
    for _ in range(200):
        n = int(rng.integers(2, 30))
        a = rng.permutation(n) + 1.0
        b = rng.permutation(n) + 1.0
        assert ws_coefficient(a, b) == pytest.approx(pc.ws(a, b), abs=1e-12)
        assert weighted_spearman(a, b) == pytest.approx(pc.weighted_spearman(a, b), abs=1e-12)
        assert spearman(a, b) == pytest.approx(pc.spearman(a, b), abs=1e-12)


def test_ws_and_rw_agree_with_pymcdm_on_tied_rankings() -> None:
    """Both are used as given (not re-ranked), like pymcdm, so ties agree too."""
    rng = np.random.default_rng(23)
    for _ in range(100):
        n = int(rng.integers(2, 20))
        a = rank(rng.integers(0, 4, n).astype(float)).astype(float)
        b = rank(rng.integers(0, 4, n).astype(float)).astype(float)
        assert ws_coefficient(a, b) == pytest.approx(pc.ws(a, b), abs=1e-12)
        assert weighted_spearman(a, b) == pytest.approx(pc.weighted_spearman(a, b), abs=1e-12)


def test_spearman_with_ties_matches_scipy() -> None:
    rng = np.random.default_rng(24)
    for _ in range(100):
        n = int(rng.integers(3, 25))
        a = rng.integers(0, 4, n).astype(float)
        b = rng.integers(0, 4, n).astype(float)
        if np.ptp(a) == 0 or np.ptp(b) == 0:
            continue
        expected = scipy.stats.spearmanr(a, b).statistic
        assert spearman(a, b) == pytest.approx(expected, abs=1e-12)


def test_spearman_reranks_min_ranks() -> None:
    """Documented difference: pymcdm takes the Pearson correlation of the given values, ppeval
    re-ranks with average ranks, so "min"-ranked ties give different numbers."""
    a = [1.0, 1.0, 3.0, 4.0]
    b = [1.0, 2.0, 3.0, 4.0]
    assert spearman(a, b) == pytest.approx(scipy.stats.spearmanr(a, b).statistic, abs=1e-15)
    assert spearman(a, b) != pytest.approx(pc.spearman(np.array(a), np.array(b)), abs=1e-6)


def test_batches_pair_rows() -> None:
    rng = np.random.default_rng(25)
    ref = rng.permutation(8) + 1.0
    batch = np.array([rng.permutation(8) + 1.0 for _ in range(5)])
    for fn in (spearman, weighted_spearman, ws_coefficient):
        out = fn(ref, batch)
        assert isinstance(out, np.ndarray)
        assert out.shape == (5,)
        np.testing.assert_allclose(out, [fn(ref, row) for row in batch], atol=1e-15)
        np.testing.assert_allclose(fn(batch, batch[::-1]), [fn(p, q) for p, q in zip(batch, batch[::-1], strict=True)])
        single = fn(ref, batch[0])
        assert isinstance(single, float)


@given(st.integers(2, 25).flatmap(lambda n: st.tuples(st.permutations(list(range(1, n + 1))),
                                                      st.permutations(list(range(1, n + 1))))))
def test_similarity_properties(pair: tuple[list[int], list[int]]) -> None:
    a = np.array(pair[0], dtype=float)
    b = np.array(pair[1], dtype=float)
    n = len(a)
    assert ws_coefficient(a, a) == 1.0
    assert weighted_spearman(a, a) == 1.0
    assert spearman(a, a) == pytest.approx(1.0, abs=1e-15)
    assert spearman(a, n + 1 - a) == pytest.approx(-1.0, abs=1e-12)
    assert weighted_spearman(a, n + 1 - a) == pytest.approx(-1.0, abs=1e-12)
    ws = ws_coefficient(a, b)
    assert 0.0 <= ws <= 1.0
    assert -1.0 - 1e-12 <= spearman(a, b) <= 1.0 + 1e-12
    assert spearman(a, b) == pytest.approx(spearman(b, a), abs=1e-15)
    assert weighted_spearman(a, b) == pytest.approx(weighted_spearman(b, a), abs=1e-15)
    # relabelling the alternatives (same permutation on both) changes nothing
    perm = np.random.default_rng(n).permutation(n)
    assert ws_coefficient(a[perm], b[perm]) == pytest.approx(ws, abs=1e-15)
    # without ties r_s = 1 - 6 sum d^2 / (n (n^2 - 1))
    assert spearman(a, b) == pytest.approx(1 - 6 * ((a - b) ** 2).sum() / (n * (n * n - 1)), abs=1e-12)


@given(st.integers(2, 12).flatmap(lambda n: st.tuples(hnp.arrays(np.float64, n, elements=_SCORES),
                                                      hnp.arrays(np.float64, n, elements=_SCORES))))
def test_spearman_scores_equal_ranks(pair: tuple[np.ndarray, np.ndarray]) -> None:
    """Only the order matters: scores and their ranks give the same r_s (same orientation)."""
    a, b = pair
    assume(np.ptp(a) > 0 and np.ptp(b) > 0)
    ra = rank(a, higher_is_better=False).astype(float)
    rb = rank(b, higher_is_better=False).astype(float)
    assert spearman(a, b) == pytest.approx(spearman(ra, rb), abs=1e-12)
    assert spearman(a, b) == pytest.approx(scipy.stats.spearmanr(a, b).statistic, abs=1e-12)


# --------------------------------------------------------------------------- bad input

BAD: list[tuple[str, Callable[[], Any], type[PPEvalError], str]] = [
    ("rank nan", lambda: rank([0.1, 0.2, np.nan]), InputError, "scores[2] is nan"),
    ("rank nan batch", lambda: rank([[0.1, 0.2], [np.inf, 0.0]]), InputError, "scores[1, 0] is inf"),
    ("rank 3-D", lambda: rank(np.zeros((2, 2, 2))), InputError, "shape (n,) or (k, n)"),
    ("rank scalar", lambda: rank(3.0), InputError, "shape (n,) or (k, n)"),
    ("rank empty", lambda: rank([]), InputError, "at least 1 needed"),
    ("rank empty batch", lambda: rank(np.zeros((0, 3))), InputError, "empty batch"),
    ("rank strings", lambda: rank(["a", "b"]), InputError, "numeric"),
    ("rank direction", lambda: rank([1.0, 2.0], "yes"), InputError, "higher_is_better is 'yes'"),  # type: ignore[arg-type]
    ("rank atol negative", lambda: rank([1.0, 2.0], atol=-1.0), InputError, "atol is -1.0"),
    ("rank atol nan", lambda: rank([1.0, 2.0], atol=float("nan")), InputError, "atol is nan"),
    ("spearman lengths", lambda: spearman([1, 2, 3], [1, 2, 3, 4]), InputError,
     "a ranks 3 alternatives but b ranks 4"),
    ("spearman short", lambda: spearman([1], [1]), InputError, "a has 1 alternative(s); at least 2 needed"),
    ("spearman nan", lambda: spearman([1, 2, 3], [1, np.nan, 3]), InputError, "b[1] is nan"),
    ("spearman constant", lambda: spearman([1, 1, 1], [1, 2, 3]), DegenerateError, "a ranks every alternative equal"),
    ("spearman constant row", lambda: spearman([1, 2, 3], [[1, 2, 3], [2, 2, 2]]), DegenerateError,
     "b[1] ranks every alternative equal"),
    ("spearman batches", lambda: spearman(np.ones((2, 3)), np.ones((3, 3))), InputError, "batch sizes must match"),
    ("ws out of range", lambda: ws_coefficient([1, 2, 7], [1, 2, 3]), InputError, "a[2] is 7"),
    ("ws zero rank", lambda: ws_coefficient([1, 2, 3], [0, 2, 3]), InputError, "b[0] is 0"),
    ("ws batch out of range", lambda: ws_coefficient([1, 2, 3], [[1, 2, 3], [1, 4, 2]]), InputError, "b[1, 1] is 4"),
    ("ws nan", lambda: ws_coefficient([1, 2, np.nan], [1, 2, 3]), InputError, "a[2] is nan"),
    ("ws short", lambda: ws_coefficient([1], [1]), InputError, "at least 2 needed"),
    ("rw lengths", lambda: weighted_spearman([1, 2], [1, 2, 3]), InputError, "a ranks 2 alternatives but b ranks 3"),
    ("rw out of range", lambda: weighted_spearman([1, 2, 3], [1, 2, 3.5]), InputError, "b[2] is 3.5"),
]


@pytest.mark.parametrize(("case", "call", "error", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(case: str, call: Callable[[], Any], error: type[PPEvalError], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value), str(info.value)
