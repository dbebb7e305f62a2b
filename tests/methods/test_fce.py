"""Fuzzy comprehensive evaluation (ppeval.methods.fce)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval.errors import InputError
from ppeval.methods.fce import fce, fce_hierarchy
from ppeval.qualitative import membership_matrix

# Garment example of fuzzy comprehensive evaluation as published by SPSSAU (help page "模糊综合评价",
# case reproduced e.g. at blog.csdn.net/m0_37228052/article/details/122450039): a new garment style
# judged on pattern, style, price, durability and comfort with weights A = (0.1, 0.1, 0.15, 0.3, 0.35)
# and grades (very welcome, welcome, average, unwelcome); weighted-average operator M(·,+).
GARMENT_R = np.array([
    [0.2, 0.5, 0.3, 0.0],
    [0.1, 0.3, 0.5, 0.1],
    [0.0, 0.1, 0.6, 0.3],
    [0.0, 0.4, 0.5, 0.1],
    [0.5, 0.3, 0.2, 0.0],
])
GARMENT_A = np.array([0.1, 0.1, 0.15, 0.3, 0.35])
GRADES = np.array([4.0, 3.0, 2.0, 1.0])


def test_published_garment_example() -> None:
    """SPSSAU garment case: printed B = (0.205, 0.320, 0.390, 0.085) (3 decimals), maximum membership
    "average" (grade index 2). Verified by hand: b_1 = 0.1*0.2 + 0.1*0.1 + 0.35*0.5 = 0.205, etc."""
    r = fce(GARMENT_R, GARMENT_A, GRADES)
    np.testing.assert_allclose(r.grades, [0.205, 0.320, 0.390, 0.085], atol=5e-4)
    np.testing.assert_allclose(r.grades, GARMENT_A @ GARMENT_R, rtol=0, atol=1e-15)
    assert int(r.top_grade) == 2
    assert not bool(r.tied)
    assert float(r.score) == pytest.approx(0.205 * 4 + 0.32 * 3 + 0.39 * 2 + 0.085 * 1, abs=1e-12)
    assert r.score.shape == ()
    assert r.grades.shape == (4,)


@pytest.mark.parametrize(("operator", "b", "top"), [
    # hand computations on the garment data
    ("min_max", [0.35, 0.30, 0.30, 0.15], 0),  # b_k = max_j min(w_j, r_jk)
    ("product_max", [0.175, 0.12, 0.15, 0.045], 0),  # b_k = max_j w_j r_jk
    ("min_bounded_sum", [0.55, 0.90, 0.85, 0.35], 1),  # b_k = min(1, sum_j min(w_j, r_jk))
])
def test_other_operators_by_hand(operator: str, b: list[float], top: int) -> None:
    r = fce(GARMENT_R, GARMENT_A, GRADES, operator=operator)  # type: ignore[arg-type]
    np.testing.assert_allclose(r.grades, b, atol=1e-15)
    np.testing.assert_allclose(r.normalized, np.array(b) / sum(b), atol=1e-15)
    assert float(r.score) == pytest.approx(np.array(b) @ GRADES / sum(b), abs=1e-14)
    assert int(r.top_grade) == top
    assert r.operator == operator


def test_ties_in_maximum_membership_are_flagged() -> None:
    r = fce(GARMENT_R, GARMENT_A, GRADES, operator="min_max")
    assert not bool(r.tied)  # 0.35 is unique
    r2 = fce([[0.5, 0.5, 0.0]], [1.0], [3, 2, 1])
    assert bool(r2.tied)
    assert int(r2.top_grade) == 0


@pytest.mark.parametrize("operator", ["weighted_average", "min_max", "product_max", "min_bounded_sum"])
def test_batches_equal_loops(operator: str) -> None:
    rng = np.random.default_rng(0)
    r = rng.random((6, 5, 4))
    r /= r.sum(axis=-1, keepdims=True)
    w = rng.dirichlet(np.ones(5), size=3)
    out = fce(r, w, GRADES, operator=operator)  # type: ignore[arg-type]
    assert out.grades.shape == (3, 6, 4)
    assert out.score.shape == (3, 6)
    assert out.top_grade.shape == (3, 6)
    for k in range(3):
        for p in range(6):
            one = fce(r[p], w[k], GRADES, operator=operator)  # type: ignore[arg-type]
            np.testing.assert_allclose(out.grades[k, p], one.grades, atol=1e-15)
            assert out.score[k, p] == pytest.approx(float(one.score), abs=1e-13)
    assert fce(r, w[0], GRADES).grades.shape == (6, 4)
    assert fce(r[0], w, GRADES).grades.shape == (3, 4)


def test_large_batch_is_chunked_consistently() -> None:
    rng = np.random.default_rng(2)
    r = rng.random((300, 20, 5))
    w = rng.dirichlet(np.ones(20), size=50)
    out = fce(r, w, [5, 4, 3, 2, 1], operator="min_max")
    ref = np.minimum(w[:, None, :, None], r[None]).max(axis=2)
    np.testing.assert_allclose(out.grades, ref, rtol=0, atol=1e-15)  # weights renormalised to sum 1


def test_from_rating_distributions() -> None:
    """Membership from raters' grades (share per grade) feeds FCE; with M(·,+) the score equals the
    weighted mean of the indicators' mean ratings."""
    rng = np.random.default_rng(4)
    proj = rng.integers(0, 5, 500)
    ind = rng.integers(0, 3, 500)
    val = rng.integers(1, 6, 500).astype(float)
    m = membership_matrix(proj, ind, val, [1, 2, 3, 4, 5], n_projects=5, n_indicators=3, require_all=True)
    w = np.array([0.5, 0.3, 0.2])
    r = fce(m.matrix, w, [1, 2, 3, 4, 5])
    means = (m.matrix @ np.arange(1, 6.0))
    np.testing.assert_allclose(r.score, means @ w, atol=1e-12)


def test_zero_row_from_empty_cell_is_refused_with_ids() -> None:
    m = membership_matrix([0, 1], [0, 1], [1, 2], [1, 2, 3])  # cells (0, 1) and (1, 0) empty
    with pytest.raises(InputError) as exc:
        fce(m.matrix, [0.5, 0.5], [1, 2, 3], project_ids=["P1", "P2"], indicator_ids=["q1", "q2"])
    assert "membership[0, 1] (project 'P1', indicator 'q2') is all zero" in str(exc.value)


BAD = [
    (dict(membership=[[0.5, 0.6], [1.2, 0.0]]), "membership[1, 0] is 1.2; memberships must lie in [0, 1]"),
    (dict(membership=[[0.5, np.nan], [1.0, 0.0]]), "membership[0, 1] is nan"),
    (dict(membership=[[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]), "3 grades per row; grade_values has 2"),
    (dict(membership=[0.5, 0.5]), "shape (n_indicators, n_grades)"),
    (dict(membership=[[1.0], [1.0]], grade_values=[1.0]), "at least 2 grades"),
    (dict(weights=[0.5, 0.6]), "sums to 1.1"),
    (dict(weights=[0.5, 0.5, 0.0]), "expected 2"),
    (dict(grade_values=[1, np.inf]), "grade_values[1] is inf"),
    (dict(operator="max_product"), "operator is 'max_product'"),
]


@pytest.mark.parametrize(("override", "fragment"), BAD)
def test_bad_input(override: dict, fragment: str) -> None:
    kwargs: dict = dict(membership=[[0.5, 0.5], [1.0, 0.0]], weights=[0.5, 0.5], grade_values=[2, 1])
    kwargs.update(override)
    with pytest.raises(InputError) as exc:
        fce(**kwargs)
    assert fragment in str(exc.value)


def test_inputs_untouched_and_results_read_only() -> None:
    r = GARMENT_R.copy()
    w = GARMENT_A.copy()
    r.setflags(write=False)
    w.setflags(write=False)
    out = fce(r, w, GRADES, operator="min_max")
    np.testing.assert_array_equal(r, GARMENT_R)
    for field in ("grades", "normalized", "score", "top_grade", "tied"):
        assert not getattr(out, field).flags.writeable


stochastic = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(2, 5)),
                    elements=st.floats(0, 1)).filter(lambda a: (a.sum(axis=-1) > 1e-3).all()).map(
    lambda a: a / a.sum(axis=-1, keepdims=True))


@given(stochastic, st.sampled_from(["weighted_average", "min_max", "product_max", "min_bounded_sum"]),
       st.data())
def test_properties(r: np.ndarray, operator: str, data) -> None:
    """Score between the lowest and highest grade value; normalised grades sum to 1; M(·,+) keeps
    the sum; permuting indicators (rows and weights together) changes nothing."""
    n, g = r.shape[1], r.shape[2]
    raw = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n)))
    w = raw / raw.sum()
    values = np.array(data.draw(st.lists(st.floats(-100, 100), min_size=g, max_size=g)))
    out = fce(r, w, values, operator=operator)  # type: ignore[arg-type]
    assert (out.score >= values.min()).all()
    assert (out.score <= values.max()).all()
    np.testing.assert_allclose(out.normalized.sum(axis=-1), 1.0, atol=1e-12)
    if operator == "weighted_average":
        np.testing.assert_allclose(out.grades.sum(axis=-1), 1.0, atol=1e-12)
    perm = data.draw(st.permutations(range(n)))
    again = fce(r[:, perm], w[perm], values, operator=operator)  # type: ignore[arg-type]
    np.testing.assert_allclose(again.grades, out.grades, atol=1e-14)
    np.testing.assert_allclose(again.score, out.score, atol=1e-9)


# ---------------------------------------------------------------- multi-level


def test_hierarchy_weighted_average_equals_global_weights() -> None:
    """M(·,+) is linear: a 3-level evaluation equals one level with the global weights (products of
    local weights along the path)."""
    rng = np.random.default_rng(8)
    r = rng.random((4, 6, 5))
    r /= r.sum(axis=-1, keepdims=True)
    local1 = np.array([0.3, 0.7, 0.5, 0.5, 0.2, 0.8])
    parent1 = np.array([0, 0, 1, 1, 2, 2])
    local2 = np.array([0.5, 0.5, 1.0])
    parent2 = np.array([0, 0, 1])
    local3 = np.array([0.6, 0.4])
    h = fce_hierarchy(r, [(parent1, local1), (parent2, local2), ([0, 0], local3)], [90, 80, 70, 60, 50])
    global_w = local1 * local2[parent1] * local3[parent2[parent1]]
    assert global_w.sum() == pytest.approx(1.0)
    one = fce(r, global_w, [90, 80, 70, 60, 50])
    np.testing.assert_allclose(h.total.grades, one.grades, atol=1e-14)
    np.testing.assert_allclose(h.total.score, one.score, atol=1e-12)
    assert [lv.grades.shape for lv in h.levels] == [(4, 3, 5), (4, 2, 5), (4, 1, 5)]
    np.testing.assert_allclose(h.levels[0].grades[:, 0], fce(r[:, :2], [0.3, 0.7], [90, 80, 70, 60, 50]).grades)


def test_hierarchy_min_max_by_hand() -> None:
    """Criterion A = indicators 0, 1 (local weights .6, .4); criterion B = indicator 2 (1.0); total
    (.5, .5). Level 1, M(∧,∨): A: k1 max(min(.6,.7), min(.4,.1)) = .6, k2 max(.3, .4) = .4,
    k3 max(0, .4) = .4 -> (.6, .4, .4), normalised (3/7, 2/7, 2/7); B: (.2, .3, .5).
    Total: k1 max(min(.5, 3/7), min(.5, .2)) = 3/7, k2 max(2/7, .3) = .3, k3 max(2/7, .5) = .5."""
    r = [[0.7, 0.3, 0.0], [0.1, 0.5, 0.4], [0.2, 0.3, 0.5]]
    h = fce_hierarchy(r, [([0, 0, 1], [0.6, 0.4, 1.0]), ([0, 0], [0.5, 0.5])], [3, 2, 1], operator="min_max")
    np.testing.assert_allclose(h.levels[0].grades, [[0.6, 0.4, 0.4], [0.2, 0.3, 0.5]], atol=1e-15)
    np.testing.assert_allclose(h.total.grades, [3 / 7, 0.3, 0.5], atol=1e-15)
    assert int(h.total.top_grade) == 2
    np.testing.assert_array_equal(h.levels[-1].grades, h.total.grades[None])


HIER_BAD = [
    ([([0, 0, 2], [0.5, 0.5, 1.0]), ([0, 0, 0], [0.2, 0.3, 0.5])], "parent 1 has no child"),
    ([([0, 0, 1], [0.5, 0.5, 1.0])], "single root; levels[0] has 2 parents"),
    ([([0, 0, 1], [0.5, 0.4, 1.0]), ([0, 0], [0.5, 0.5])], "parent 0's children sum to 0.9"),
    ([([0, 0], [0.5, 0.5])], "levels[0] parent must hold 3 integer parent indices"),
    ([([0, 0, -1], [0.5, 0.5, 1.0])], "parent[2] is -1"),
    ([([0, 0, 0], [0.5, -0.5, 1.0])], "weights[1] is -0.5"),
    ([([0, 0, 0], [1.0, 0.0])], "weights has shape (2,)"),
    ([], "non-empty"),
    ([(0,)], "(parent, weights) pair"),
]


@pytest.mark.parametrize(("levels", "fragment"), HIER_BAD)
def test_hierarchy_bad_input(levels: list, fragment: str) -> None:
    with pytest.raises(InputError) as exc:
        fce_hierarchy([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]], levels, [2, 1])
    assert fragment in str(exc.value)
