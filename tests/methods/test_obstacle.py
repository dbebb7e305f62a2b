"""Obstacle degree: share of the points lost per indicator."""

from __future__ import annotations

import doctest
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval.errors import InputError
from ppeval.methods import obstacle_degree


def test_hand_computed_example() -> None:
    """Worked by hand: lost points w(1 - x) = (0.1, 0, 0.5) -> shares 1/6, 0, 5/6; a perfect row is all zero."""
    o = obstacle_degree([[0.5, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], [0.2, 0.3, 0.5])
    np.testing.assert_allclose(o, [[1 / 6, 0.0, 5 / 6], [0.0, 0.0, 0.0], [0.2, 0.3, 0.5]], rtol=1e-15)


@given(
    arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 6)), elements=st.floats(0.0, 1.0)),
    st.integers(0, 2**32 - 1),
)
def test_rows_sum_to_one_and_order_follows_lost_points(x: np.ndarray, seed: int) -> None:
    m = x.shape[1]
    w = np.random.default_rng(seed).dirichlet(np.ones(m))
    o = obstacle_degree(x, w)
    lost = w * (1 - x)
    total = lost.sum(axis=1)
    ok = total > 0
    np.testing.assert_allclose(o.sum(axis=1)[ok], 1.0, rtol=1e-12)
    np.testing.assert_array_equal(o[~ok], 0.0)
    np.testing.assert_allclose(o[ok], lost[ok] / total[ok, None], rtol=1e-12, atol=1e-300)
    assert (o >= 0).all()
    assert (o <= 1).all()


def test_two_alternatives_and_zero_weight() -> None:
    o = obstacle_degree([[0.0, 0.0], [1.0, 0.5]], [1.0, 0.0])
    np.testing.assert_array_equal(o, [[1.0, 0.0], [0.0, 0.0]])  # a weightless indicator is never an obstacle


def test_rounding_slack_is_clipped() -> None:
    o = obstacle_degree([[1.0 + 1e-12, -1e-12]], [0.5, 0.5])
    np.testing.assert_allclose(o, [[0.0, 1.0]])


BAD: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: obstacle_degree([[1.5, 0.0]], [0.5, 0.5]), InputError, "normalized[0, 0] is 1.5"),
    (lambda: obstacle_degree([[0.5, -0.2]], [0.5, 0.5]), InputError, "normalized[0, 1] is -0.2"),
    (lambda: obstacle_degree([[0.5, np.nan]], [0.5, 0.5]), InputError, "normalized[0, 1] is nan"),
    (lambda: obstacle_degree([[0.5, 0.2]], [0.5, 0.6]), InputError, "sum"),
    (lambda: obstacle_degree([[0.5, 0.2]], [[0.5, 0.5], [0.4, 0.6]]), InputError, "one weight vector"),
    (lambda: obstacle_degree([0.5, 0.2], [0.5, 0.5]), InputError, "must be 2-D"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_input(call: Callable[[], Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_module_doctests_run() -> None:
    mod = importlib.import_module("ppeval.methods.obstacle")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted >= 1
