"""Qualitative-share sweep: endpoints, base share, group proportions, zero-weight groups, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppeval import methods, ranking
from ppeval.errors import InputError
from ppeval.sensitivity import qualitative_share_sweep
from ppeval.sensitivity.share import share_weights

X = np.array([[90.0, 3.0, 4.0, 120.0], [60.0, 5.0, 4.5, 100.0], [75.0, 4.0, 3.0, 90.0]])
W = np.array([0.4, 0.2, 0.1, 0.3])
T = np.array([1, 1, 1, -1])
MASK = np.array([False, True, True, False])


def test_endpoints_are_quantitative_only_and_qualitative_only() -> None:
    r = qualitative_share_sweep(X, W, T, MASK)
    np.testing.assert_array_equal(r.shares, np.linspace(0, 1, 11))
    quant = np.array([0.4, 0, 0, 0.3]) / 0.7
    qual = np.array([0, 0.2, 0.1, 0]) / 0.3
    np.testing.assert_allclose(r.weights[0], quant, atol=1e-15)
    np.testing.assert_allclose(r.weights[-1], qual, atol=1e-15)
    np.testing.assert_allclose(r.scores[0], methods.topsis(X, quant, T), atol=1e-14)
    np.testing.assert_allclose(r.scores[-1], methods.topsis(X, qual, T), atol=1e-14)
    np.testing.assert_array_equal(r.ranks[0], ranking.rank(methods.topsis(X, quant, T)))


def test_base_share_reproduces_base_scores() -> None:
    r = qualitative_share_sweep(X, W, T, MASK, shares=[0.0, 0.3, 1.0], method="wsm")
    assert r.base_share == pytest.approx(0.3)
    np.testing.assert_allclose(r.weights[1], W, atol=1e-15)
    np.testing.assert_allclose(r.scores[1], r.base_scores, atol=1e-15)
    np.testing.assert_array_equal(r.ranks[1], r.base_ranks)


@given(
    st.lists(st.integers(0, 20), min_size=4, max_size=4),
    st.lists(st.floats(0, 1), min_size=1, max_size=6),
)
def test_weights_valid_and_group_totals(raw: list[int], shares: list[float]) -> None:
    w = np.array(raw, dtype=float)
    if w.sum() == 0:
        w[0] = 1
    w /= w.sum()
    s = np.array(shares)
    out = share_weights(w, MASK, s)
    assert (out >= 0).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(out[:, MASK].sum(axis=1), s, atol=1e-12)
    if w[MASK].sum() > 0:
        # proportions inside the qualitative group are kept
        np.testing.assert_allclose(out[:, MASK] * w[MASK].sum(), s[:, None] * w[MASK], atol=1e-12)


def test_zero_weight_group_is_split_equally() -> None:
    w = np.array([0.6, 0.0, 0.0, 0.4])
    r = qualitative_share_sweep(X, w, T, MASK, shares=[0.5], method="vikor")
    np.testing.assert_allclose(r.weights[0], [0.3, 0.25, 0.25, 0.2])
    assert r.equal_within == (True, False)
    assert not r.higher_is_better


BAD = [
    (lambda: qualitative_share_sweep(X, W, T, MASK[:3]), "qualitative_mask must have one entry"),
    (lambda: qualitative_share_sweep(X, W, T, [0, 1, 2, 0]), "qualitative_mask[2] is 2"),
    (lambda: qualitative_share_sweep(X, W, T, ["a", "b", "c", "d"]), "qualitative_mask has dtype"),
    (lambda: qualitative_share_sweep(X, W, T, [True] * 4), "every criterion as qualitative"),
    (lambda: qualitative_share_sweep(X, W, T, [False] * 4), "every criterion as quantitative"),
    (lambda: qualitative_share_sweep(X, W, T, MASK, shares=[0.5, -0.1]), "shares[1] is -0.1"),
    (lambda: qualitative_share_sweep(X, W, T, MASK, shares=[[0.5]]), "non-empty 1-D grid"),
    (lambda: qualitative_share_sweep(X, W, T, MASK, method="ahp"), "method is 'ahp'"),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_input(call, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert fragment in str(err.value)


@pytest.mark.parametrize("module", ["ppeval.sensitivity.share"])
def test_docstring_examples_run(module: str) -> None:
    """The numpydoc Examples of the module run and print what they show."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
