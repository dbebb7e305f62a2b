"""One-at-a-time weight sensitivity: valid weights, proportions kept, scores as ppeval.methods, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppeval import methods, ranking
from ppeval.errors import InputError
from ppeval.sensitivity import one_at_a_time
from ppeval.sensitivity.oat import oat_weights

X = np.array([[7.0, 9.0, 9.0], [8.0, 7.0, 8.0], [9.0, 6.0, 8.5], [6.0, 7.5, 8.0]])
W = np.array([0.5, 0.3, 0.2])
T = np.array([1, 1, -1])


@st.composite
def weight_vectors(draw: st.DrawFn) -> np.ndarray:
    m = draw(st.integers(2, 6))
    raw = np.array(draw(st.lists(st.integers(0, 50), min_size=m, max_size=m)), dtype=float)
    if raw.sum() == 0:
        raw[0] = 1.0
    return raw / raw.sum()


@given(weight_vectors(), st.lists(st.floats(0, 1), min_size=1, max_size=8))
def test_oat_weights_are_valid_and_keep_proportions(w: np.ndarray, values: list[float]) -> None:
    m = w.size
    crit = np.arange(m)
    vals = np.broadcast_to(np.array(values), (m, len(values))).copy()
    out = oat_weights(w, crit, vals)
    assert out.shape == (m, len(values), m)
    assert (out >= 0).all()
    np.testing.assert_allclose(out.sum(axis=2), 1.0, atol=1e-12)
    for j in range(m):
        np.testing.assert_array_equal(out[j, :, j], vals[j])
        others = np.delete(np.arange(m), j)
        rest = 1.0 - w[j]
        if rest > 0:
            # the other weights are the base ones scaled by (1 - v) / (1 - w_j)
            expected = w[others][None, :] * ((1.0 - vals[j]) / rest)[:, None]
            np.testing.assert_allclose(out[j][:, others], expected, atol=1e-12)
        else:
            expected = np.broadcast_to(((1.0 - vals[j]) / (m - 1))[:, None], (len(values), m - 1))
            np.testing.assert_allclose(out[j][:, others], expected, atol=1e-12)


@pytest.mark.parametrize("method", ["topsis", "wsm", "vikor"])
def test_scores_and_ranks_equal_direct_calls(method: str) -> None:
    r = one_at_a_time(X, W, T, values=np.linspace(0, 1, 6), method=method)
    assert r.scores.shape == (3, 6, 4)
    for c in range(3):
        for s in range(6):
            w = r.weights[c, s]
            if method == "topsis":
                ref = methods.topsis(X, w, T)
            elif method == "wsm":
                ref = methods.wsm(X, w, T)
            else:
                ref = methods.vikor(X, w, T).Q
            np.testing.assert_allclose(r.scores[c, s], ref, atol=1e-14)
            np.testing.assert_array_equal(r.ranks[c, s], ranking.rank(ref, method != "vikor"))


def test_base_weight_in_grid_reproduces_base() -> None:
    r = one_at_a_time(X, W, T, criterion=[1], values=[0.0, 0.3, 1.0], method="wsm")
    np.testing.assert_allclose(r.weights[0, 1], W, atol=1e-15)
    np.testing.assert_allclose(r.scores[0, 1], r.base_scores, atol=1e-15)
    np.testing.assert_array_equal(r.ranks[0, 1], r.base_ranks)


def test_tornado_summary_brackets_every_step() -> None:
    r = one_at_a_time(X, W, T)
    assert r.criteria.tolist() == [0, 1, 2]
    assert (r.score_min <= r.scores.min(axis=1)).all()
    assert (r.score_max >= r.scores.max(axis=1)).all()
    assert (r.score_min <= r.base_scores).all()
    assert (r.score_max >= r.base_scores).all()
    assert (r.rank_best <= r.ranks.min(axis=1)).all()
    assert (r.rank_worst >= r.ranks.max(axis=1)).all()
    np.testing.assert_array_equal(r.values[0], np.linspace(0, 1, 21))


def test_relative_mode_and_infeasible_steps() -> None:
    r = one_at_a_time(X, W, T, values=[-0.5, 0.0, 1.5], relative=True, method="wsm")
    np.testing.assert_allclose(r.values, [[0.25, 0.5, 1.0], [0.15, 0.3, 0.75], [0.1, 0.2, 0.5]])
    # 0.5 * 2.5 = 1.25 > 1: clipped to 1 and flagged
    np.testing.assert_array_equal(r.feasible, [[True, True, False], [True, True, True], [True, True, True]])
    assert r.relative
    np.testing.assert_allclose(r.weights.sum(axis=2), 1.0, atol=1e-12)


def test_weight_one_shares_rest_equally() -> None:
    """A criterion that holds all the weight: the rest is shared equally by the others."""
    r = one_at_a_time(X, [1.0, 0.0, 0.0], T, criterion=0, values=[0.4], method="wsm")
    np.testing.assert_allclose(r.weights[0, 0], [0.4, 0.3, 0.3])


def test_read_only_inputs_and_outputs() -> None:
    x = X.copy()
    x.setflags(write=False)
    r = one_at_a_time(x, W, T)
    for k in r.__dataclass_fields__:
        v = getattr(r, k)
        if isinstance(v, np.ndarray):
            assert not v.flags.writeable, k


BAD = [
    (lambda: one_at_a_time(X[:, :1], [1.0], [1]), "at least 2 criteria"),
    (lambda: one_at_a_time(X, W, T, criterion=3), "criterion[0] is 3"),
    (lambda: one_at_a_time(X, W, T, criterion=[0, 0]), "repeated index"),
    (lambda: one_at_a_time(X, W, T, criterion="a"), "criterion is 'a'"),
    (lambda: one_at_a_time(X, W, T, values=[0.2, 1.2]), "values[1] is 1.2"),
    (lambda: one_at_a_time(X, W, T, values=[np.nan]), "values[0] is nan"),
    (lambda: one_at_a_time(X, W, T, values=[]), "non-empty 1-D grid"),
    (lambda: one_at_a_time(X, W, T, relative=1), "relative is 1"),
    (lambda: one_at_a_time(X, W, T, method="electre"), "method is 'electre'"),
    (lambda: one_at_a_time(X, [0.5, 0.5, 0.5], T), "weights sums to"),
    (lambda: one_at_a_time(X, W, [1, 1]), "types has 2 entries"),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_input(call, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert fragment in str(err.value)


@pytest.mark.parametrize("module", ["ppeval.sensitivity.oat"])
def test_docstring_examples_run(module: str) -> None:
    """The numpydoc Examples of the module run and print what they show."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
