"""Qualitative-share diagnostic (ppeval.qualitative.share)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval.errors import InputError
from ppeval.qualitative import qualitative_share


def test_hand_example() -> None:
    """w = (0.7, 0.3), x = [[1, .6], [0, .2], [.5, .4]] -> c = [[.7, .18], [0, .06], [.35, .12]],
    s = (.88, .06, .47), mean .47, var(s) = (.41^2 + .41^2 + 0) / 3 = 0.112067;
    cov(c_2, s) = (.06 * .41 + (-.06) * (-.41) + 0) / 3 = 0.0164; share = 0.0164 / 0.112067 = 0.14634."""
    x = [[1.0, 0.6], [0.0, 0.2], [0.5, 0.4]]
    r = qualitative_share([0.7, 0.3], x, [False, True], floor=0.3)
    assert r.weight_share == pytest.approx(0.3, abs=1e-15)
    assert r.score_variance == pytest.approx(2 * 0.41**2 / 3, rel=1e-12)
    assert r.variance_share == pytest.approx(0.0164 / (2 * 0.41**2 / 3), rel=1e-12)
    np.testing.assert_allclose(r.indicator_variance_shares.sum(), 1.0, atol=1e-14)
    assert r.variance_defined
    assert r.floor == 0.3
    assert not r.below_floor
    assert not r.indicator_variance_shares.flags.writeable


def test_large_weight_can_explain_no_spread() -> None:
    """Qualitative indicator with half the weight but the same rating everywhere: 0 % of the spread."""
    x = np.array([[0.2, 0.7], [0.9, 0.7], [0.5, 0.7]])
    r = qualitative_share([0.5, 0.5], x, [False, True])
    assert r.weight_share == 0.5
    assert r.variance_share == pytest.approx(0.0, abs=1e-15)
    assert not r.below_floor
    assert r.floor is None


def test_contributions_mode_equals_weighted_matrix() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((7, 4))
    w = np.array([0.1, 0.2, 0.3, 0.4])
    q = np.array([True, False, True, False])
    a = qualitative_share(w, x, q)
    b = qualitative_share(w, x * w, q, contributions=True)
    assert a.variance_share == pytest.approx(b.variance_share, rel=1e-13)
    assert a.weight_share == pytest.approx(0.4)


def test_floor_check() -> None:
    x = np.eye(3)
    assert qualitative_share([0.1, 0.2, 0.7], x, [True, True, False], floor=0.3).below_floor is False
    r = qualitative_share([0.1, 0.15, 0.75], x, [True, True, False], floor=0.3)
    assert r.below_floor is True
    assert r.weight_share == pytest.approx(0.25)


@pytest.mark.parametrize("x", [[[0.5, 0.5]], [[0.2, 0.4], [0.2, 0.4]], [[0.1, 0.3], [0.3, 0.1]]])
def test_no_score_spread_is_undefined(x: list) -> None:
    """One project, identical projects, or scores equal by compensation: nothing to share out."""
    r = qualitative_share([0.5, 0.5], x, [True, False])
    assert not r.variance_defined
    assert math.isnan(r.variance_share)
    assert np.isnan(r.indicator_variance_shares).all()
    assert r.weight_share == 0.5


BAD = [
    (dict(qualitative=[True]), "qualitative has shape (1,)"),
    (dict(qualitative=["yes", "no"]), "boolean mask"),
    (dict(weights=[0.5, 0.6]), "sums to 1.1"),
    (dict(weights=[[0.5, 0.5], [0.4, 0.6]]), "one weight vector"),
    (dict(matrix=[[1.0, np.nan]]), "matrix[0, 1] is nan"),
    (dict(floor=1.5), "floor is 1.5"),
    (dict(floor=True), "floor is True"),
]


@pytest.mark.parametrize(("override", "fragment"), BAD)
def test_bad_input(override: dict, fragment: str) -> None:
    kwargs = dict(weights=[0.5, 0.5], matrix=[[1.0, 0.0], [0.0, 1.0]], qualitative=[True, False])
    kwargs.update(override)
    with pytest.raises(InputError) as exc:
        qualitative_share(**kwargs)
    assert fragment in str(exc.value)


def test_variance_decomposition_of_tiny_scores() -> None:
    """Scores of 1e-300 spread apart: their squares underflow, yet the shares are defined and exact (scale-free)."""
    x = np.array([[1e-300, 2e-300], [0.0, 1e-300], [3e-300, 0.0]])
    w = np.array([0.5, 0.5])
    q = np.array([True, False])
    tiny = qualitative_share(w, x, q)
    ref = qualitative_share(w, x * 1e300, q)
    assert tiny.variance_defined
    np.testing.assert_allclose(tiny.indicator_variance_shares, ref.indicator_variance_shares, rtol=1e-12, atol=1e-12)
    assert tiny.variance_share == pytest.approx(ref.variance_share, rel=1e-12, abs=1e-12)


@given(arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 6)), elements=st.floats(0, 1)),
       st.data())
def test_variance_decomposition_properties(x: np.ndarray, data) -> None:
    m = x.shape[1]
    raw = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=m, max_size=m)))
    w = raw / raw.sum()
    q = np.array(data.draw(st.lists(st.booleans(), min_size=m, max_size=m)))
    r = qualitative_share(w, x, q)
    assert r.weight_share == pytest.approx(w[q].sum(), abs=1e-12)
    s = (x * w).sum(axis=1)
    assert r.variance_defined == (s.max() - s.min() > 1e-12 * np.abs(s).max())
    if s.max() - s.min() > 1e-6:  # well-conditioned: the decomposition holds to rounding
        assert r.indicator_variance_shares.sum() == pytest.approx(1.0, abs=1e-9)
        assert qualitative_share(w, x, np.ones(m, bool)).variance_share == pytest.approx(1.0, abs=1e-9)
        assert qualitative_share(w, x, np.zeros(m, bool)).variance_share == 0.0
        # the qualitative and quantitative shares add up to 1
        assert r.variance_share + qualitative_share(w, x, ~q).variance_share == pytest.approx(1.0, abs=1e-9)
