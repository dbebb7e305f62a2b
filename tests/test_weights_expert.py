"""ppeval.weights.cv, g1, bwm and ppeval.ahp.fuzzy_priorities: worked examples, independent
cross-checks, edge cases, bad input, properties."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ppeval._fuzzy_ahp
import ppeval.weights._cv
import ppeval.weights._expert
from ppeval.ahp import fuzzy_priorities, priorities
from ppeval.errors import DegenerateError, InputError
from ppeval.weights import bwm, cv, g1


@pytest.mark.parametrize("mod", [ppeval.weights._cv, ppeval.weights._expert, ppeval._fuzzy_ahp])
def test_docstring_examples_run(mod: object) -> None:
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)  # type: ignore[arg-type]
    assert result.failed == 0
    assert result.attempted > 0


# --------------------------------------------------------------------------- cv


def _cv_reference(x: np.ndarray) -> np.ndarray:
    v = x.std(axis=0, ddof=1) / x.mean(axis=0)
    return v / v.sum()


def test_cv_by_hand() -> None:
    """Columns (1, 2, 3), (2, 2, 8): V = sqrt(2/3)/2 and sqrt(8)/4 (population sd)."""
    v1, v2 = np.sqrt(2 / 3) / 2, np.sqrt(8) / 4
    np.testing.assert_allclose(cv([[1, 2], [2, 2], [3, 8]]), [v1 / (v1 + v2), v2 / (v1 + v2)], rtol=1e-14)


def test_cv_agrees_with_straightforward_formula() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 50, (300, 7)) * rng.uniform(0.01, 100, 7)
    np.testing.assert_allclose(cv(x), _cv_reference(x), rtol=1e-12)


def test_cv_constant_column_gets_zero_and_zeros_are_legal() -> None:
    w = cv([[0.0, 5.0, 1.0], [2.0, 5.0, 0.0], [4.0, 5.0, 3.0]])
    assert w[1] == 0.0
    np.testing.assert_allclose(w[[0, 2]] / w[[0, 2]].sum(), _cv_reference(np.array([[0, 1], [2, 0], [4, 3.0]])))


def test_cv_two_alternatives_and_huge_values() -> None:
    np.testing.assert_allclose(cv([[1.0, 1.0], [3.0, 2.0]]), [0.6, 0.4])  # V = 1/2 and 1/3
    big = np.array([[1e300, 1.0], [1.7e308, 3.0], [5e307, 2.0]])
    assert np.isfinite(cv(big)).all()


@pytest.mark.parametrize(
    ("matrix", "error", "fragment"),
    [
        ([[1.0, -1.0], [2.0, 3.0]], InputError, "matrix[0, 1] is -1.0"),
        ([[0.0, 1.0], [0.0, 3.0]], InputError, "matrix[:, 0] is all zero"),
        ([[1.0, np.nan], [2.0, 3.0]], InputError, "matrix[0, 1] is nan"),
        ([[1.0, 2.0]], DegenerateError, "at least 2 alternatives"),
        ([[1.0, 2.0], [1.0, 2.0]], DegenerateError, "every column of matrix is constant"),
        ([1.0, 2.0], InputError, "2-D"),
    ],
)
def test_cv_bad_input(matrix: object, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as exc:
        cv(matrix)  # type: ignore[arg-type]
    assert fragment in str(exc.value)


@given(arrays(np.float64, st.tuples(st.integers(2, 20), st.integers(1, 6)),
              elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e6))),  # no subnormals: x * factor must not underflow
       st.floats(1e-3, 1e3))
def test_cv_properties(x: np.ndarray, factor: float) -> None:
    if (x.max(axis=0) == 0).any() or (x.min(axis=0) == x.max(axis=0)).all():
        with pytest.raises((InputError, DegenerateError)):
            cv(x)
        return
    w = cv(x)
    assert (w >= 0).all()
    assert abs(w.sum() - 1.0) < 1e-12
    y = x.copy()
    y[:, 0] *= factor  # unit free
    np.testing.assert_allclose(cv(y), w, rtol=1e-9, atol=1e-15)


# --------------------------------------------------------------------------- G1


def test_g1_closed_form_by_hand() -> None:
    """Guo (2002) formula on x1 > x2 > x3 > x4 with r2 = 1.4, r3 = 1.2, r4 = 1.0:
    w4 = 1 / (1 + r4 + r3 r4 + r2 r3 r4) = 1 / 4.88, w3 = w4, w2 = 1.2 w3, w1 = 1.4 w2."""
    w4 = 1 / (1 + 1.0 + 1.2 * 1.0 + 1.4 * 1.2 * 1.0)
    expected = [1.4 * 1.2 * w4, 1.2 * w4, w4, w4]
    np.testing.assert_allclose(g1([0, 1, 2, 3], [1.4, 1.2, 1.0]), expected, rtol=1e-14)


def _g1_recursive(order: list[int], ratios: list[float]) -> np.ndarray:
    """Independent: the printed recursion w_n = (1 + sum_k prod_{i>=k} r_i)^-1, w_{k-1} = r_k w_k."""
    n = len(order)
    r = {k: ratios[k - 2] for k in range(2, n + 1)}
    total = 1.0
    for k in range(2, n + 1):
        p = 1.0
        for i in range(k, n + 1):
            p *= r[i]
        total += p
    by_place = [0.0] * (n + 1)
    by_place[n] = 1.0 / total
    for k in range(n, 1, -1):
        by_place[k - 1] = r[k] * by_place[k]
    out = np.empty(n)
    for place, crit in enumerate(order, start=1):
        out[crit] = by_place[place]
    return out


@given(st.permutations(list(range(6))).flatmap(
    lambda p: st.tuples(st.just(p), st.lists(st.floats(1.0, 1.8), min_size=5, max_size=5))))
def test_g1_matches_recursion_and_order(case: tuple[list[int], list[float]]) -> None:
    order, ratios = case
    w = g1(order, ratios)
    np.testing.assert_allclose(w, _g1_recursive(order, ratios), rtol=1e-12)
    assert abs(w.sum() - 1.0) < 1e-12
    assert (np.diff(w[order]) <= 1e-15).all()  # non-increasing along the order
    np.testing.assert_allclose(w[order][:-1] / w[order][1:], ratios, rtol=1e-12)


def test_g1_edge_cases() -> None:
    assert g1([0], []).tolist() == [1.0]
    np.testing.assert_allclose(g1([1, 0], [1.0]), [0.5, 0.5])  # ties: ratio 1
    np.testing.assert_allclose(g1([1, 0], [1.8]), [1 / 2.8, 1.8 / 2.8])


@pytest.mark.parametrize(
    ("order", "ratios", "fragment"),
    [
        ([0, 1, 1], [1.2, 1.2], "every criterion index 0..2 exactly once"),
        ([0, 1, 3], [1.2, 1.2], "every criterion index 0..2 exactly once"),
        ([0.0, 1.0], [1.2], "integer criterion indices"),
        ([0, 1, 2], [1.2], "ratios has 1 entries; 3 criteria in order need n - 1 = 2"),
        ([0, 1], [0.8], "ratios[0] is 0.8"),
        ([0, 1], [np.inf], "ratios[0] is inf"),
        ([], [], "1-D sequence of criterion indices"),
    ],
)
def test_g1_bad_input(order: object, ratios: object, fragment: str) -> None:
    with pytest.raises(InputError) as exc:
        g1(order, ratios)  # type: ignore[arg-type]
    assert fragment in str(exc.value)


# --------------------------------------------------------------------------- BWM


def _linear_objective(w: np.ndarray, ab: np.ndarray, aw: np.ndarray, b: int, wo: int) -> float:
    return float(max(np.abs(w[b] - ab * w).max(), np.abs(w - aw * w[wo]).max()))


def _assert_lp_optimal(r: object, ab: np.ndarray, aw: np.ndarray, rng: np.random.Generator) -> None:
    """Independent optimality check: the linear BWM objective is convex, so no feasible
    perturbation (sum 0, staying non-negative) may lower it."""
    w = r.weights  # type: ignore[attr-defined]
    f0 = _linear_objective(w, ab, aw, r.best, r.worst)  # type: ignore[attr-defined]
    assert f0 == pytest.approx(r.ksi, abs=1e-9)  # type: ignore[attr-defined]
    for _ in range(300):
        d = rng.normal(size=w.size)
        d -= d.mean()
        for eps in (1e-3, 1e-5):
            v = w + eps * d
            if (v >= 0).all():
                assert _linear_objective(v, ab, aw, r.best, r.worst) >= f0 - 1e-12  # type: ignore[attr-defined]


def test_bwm_car_selection_example() -> None:
    """Rezaei (2015), car selection: criteria quality, price, comfort, safety, style; best price,
    worst style; A_B = (2, 1, 4, 2, 8), A_W = (4, 8, 4, 2, 1). The linear model (Rezaei 2016) is
    checked for optimality independently (perturbations), and its xi^L is the largest deviation."""
    ab = np.array([2.0, 1, 4, 2, 8])
    aw = np.array([4.0, 8, 4, 2, 1])
    r = bwm(ab, aw)
    assert (r.best, r.worst) == (1, 4)
    _assert_lp_optimal(r, ab, aw, np.random.default_rng(1))
    assert r.weights.argmax() == 1
    assert r.weights.argmin() == 4
    # Input-based CR (Liang et al. 2020): max |a_Bj a_jW - a_BW| / (a_BW^2 - a_BW) = |16 - 8| / 56.
    assert r.consistency_ratio == pytest.approx(8 / 56)


def test_bwm_consistent_and_two_criteria() -> None:
    r = bwm([1, 3, 9], [9, 3, 1])
    np.testing.assert_allclose(r.weights, np.array([9, 3, 1]) / 13, rtol=1e-9)
    assert r.ksi == 0.0
    assert r.consistency_ratio == 0.0
    r2 = bwm([4, 1], [1, 4])  # best is criterion 1: w = (1/5, 4/5)
    np.testing.assert_allclose(r2.weights, [0.2, 0.8], rtol=1e-9)
    assert (r2.best, r2.worst) == (1, 0)
    r3 = bwm([1, 1], [1, 1], best=0, worst=1)  # all equal
    np.testing.assert_allclose(r3.weights, [0.5, 0.5])
    assert r3.consistency_ratio == 0.0


@pytest.mark.parametrize(
    ("ab", "aw", "kwargs", "fragment"),
    [
        ([1, 2, 0.5], [2, 1, 1], {}, "best_to_others[2] is 0.5"),
        ([1, 2], [2, 1, 1], {}, "best_to_others has 2 entries but others_to_worst has 3"),
        ([2, 3, 4], [4, 2, 1], {}, "best_to_others has no entry equal to 1"),
        ([1, 2, 4], [4, 2, 2], {}, "others_to_worst has no entry equal to 1"),
        ([1, 2, 4], [5, 2, 1], {}, "best_to_others[2] = 4.0 but others_to_worst[0] = 5.0"),
        ([1, 2, 4], [4, 2, 1], {"best": 1}, "best_to_others[1] is 2.0"),
        ([1, 2, 4], [4, 2, 1], {"best": 7}, "best is 7"),
        ([1, 1], [1, 1], {}, "both the best and the worst"),
        ([1], [1], {}, "at least 2 needed"),
        ([1, np.nan], [2, 1], {}, "best_to_others[1] is nan"),
        ([1, 1, 2], [2, 5, 1], {}, "others_to_worst[1] is 5.0 > a_BW = 2.0"),
        ([1, 3, 2], [2, 1, 1], {"worst": 2}, "best_to_others[1] is 3.0 > a_BW = 2.0"),
    ],
)
def test_bwm_bad_input(ab: object, aw: object, kwargs: dict[str, int], fragment: str) -> None:
    with pytest.raises(InputError) as exc:
        bwm(ab, aw, **kwargs)  # type: ignore[arg-type]
    assert fragment in str(exc.value)


_scale = st.sampled_from([1.0, 2, 3, 4, 5, 6, 7, 8, 9])


@given(st.integers(3, 7).flatmap(lambda n: st.tuples(st.lists(_scale, min_size=n, max_size=n),
                                                      st.lists(_scale, min_size=n, max_size=n))))
def test_bwm_properties(case: tuple[list[float], list[float]]) -> None:
    ab, aw = np.array(case[0]), np.array(case[1])
    ab[0], aw[-1] = 1.0, 1.0  # best 0, worst n-1
    ab[-1] = max(ab.max(), aw.max(), 2.0)  # a_BW is the largest comparison
    aw[0] = ab[-1]
    r = bwm(ab, aw, best=0, worst=ab.size - 1)
    assert (r.weights >= 0).all()
    assert abs(r.weights.sum() - 1.0) < 1e-9
    assert 0.0 <= r.consistency_ratio <= 1.0
    assert r.ksi >= 0.0
    _assert_lp_optimal(r, ab, aw, np.random.default_rng(0))


# --------------------------------------------------------------------------- fuzzy AHP

TFN = {1: (1, 1, 1), 2: (1, 2, 3), 3: (2, 3, 4), 5: (4, 5, 6), 7: (6, 7, 8)}


def _fuzzy_matrix(upper: dict[tuple[int, int], tuple[float, float, float]], n: int) -> np.ndarray:
    a = np.ones((n, n, 3))
    for (i, j), (lo, mid, up) in upper.items():
        a[i, j] = (lo, mid, up)
        a[j, i] = (1 / up, 1 / mid, 1 / lo)
    return a


def test_fuzzy_two_by_two_by_hand() -> None:
    """Buckley (1985) on a_12 = (2, 3, 4): r_1 = (sqrt 2, sqrt 3, 2), r_2 = (1/2, 1/sqrt 3, 1/sqrt 2);
    w_1 = (l_1 / sum u, m_1 / sum m, u_1 / sum l)."""
    r1 = np.array([np.sqrt(2), np.sqrt(3), 2.0])
    r2 = np.array([0.5, 1 / np.sqrt(3), 1 / np.sqrt(2)])
    s = r1 + r2
    w1 = np.array([r1[0] / s[2], r1[1] / s[1], r1[2] / s[0]])
    w2 = np.array([r2[0] / s[2], r2[1] / s[1], r2[2] / s[0]])
    r = fuzzy_priorities(_fuzzy_matrix({(0, 1): (2, 3, 4)}, 2))
    np.testing.assert_allclose(r.fuzzy_weights, [w1, w2], rtol=1e-14)
    np.testing.assert_allclose(r.weights, np.array([w1.mean(), w2.mean()]) / (w1.mean() + w2.mean()), rtol=1e-14)


def test_fuzzy_crisp_judgments_equal_geometric_mean_ahp() -> None:
    """With l = m = u, Buckley's method is the row geometric mean of AHP (independent implementation)."""
    m = np.array([[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]])
    r = fuzzy_priorities(np.repeat(m[:, :, None], 3, axis=2))
    ref = priorities(m, method="geometric_mean")
    np.testing.assert_allclose(r.weights, ref.weights, rtol=1e-12)
    assert r.modal_cr == pytest.approx(ref.cr)


def test_fuzzy_widening_keeps_order_and_modal_cr() -> None:
    a = _fuzzy_matrix({(0, 1): TFN[3], (0, 2): TFN[5], (1, 2): TFN[2]}, 3)
    r = fuzzy_priorities(a)
    assert r.weights.argsort().tolist() == [2, 1, 0]
    assert (r.fuzzy_weights[:, 0] <= r.fuzzy_weights[:, 1]).all()
    assert (r.fuzzy_weights[:, 1] <= r.fuzzy_weights[:, 2]).all()
    assert r.modal_cr == pytest.approx(priorities(a[..., 1], method="geometric_mean").cr)


@pytest.mark.parametrize(
    ("judgments", "fragment"),
    [
        (np.ones((2, 2)), "shape (n, n, 3)"),
        (np.ones((2, 3, 3)), "shape (n, n, 3)"),
        (_fuzzy_matrix({(0, 1): (3, 2, 4)}, 2), "needs l <= m <= u"),
        (np.array([[(1, 1, 1), (1, 1, 1)], [(1, 1, 1), (1, 2, 3)]]), "the diagonal must be (1, 1, 1)"),
        (np.array([[(1, 1, 1), (2, 3, 4)], [(0.25, 1 / 3, 0.4), (1, 1, 1)]]), "must be reciprocal"),
        (np.array([[(1, 1, 1), (0, 3, 4)], [(0.25, 1 / 3, 1), (1, 1, 1)]]), "must be positive"),
        (np.array([[(1, 1, 1), (np.nan, 3, 4)], [(0.25, 1 / 3, 1), (1, 1, 1)]]), "must be finite"),
    ],
)
def test_fuzzy_bad_input(judgments: np.ndarray, fragment: str) -> None:
    with pytest.raises(InputError) as exc:
        fuzzy_priorities(judgments)
    assert fragment in str(exc.value)


@given(st.integers(2, 6).flatmap(lambda n: st.lists(st.sampled_from(sorted(TFN)), min_size=n * (n - 1) // 2,
                                                     max_size=n * (n - 1) // 2).map(lambda v: (n, v))),
       st.lists(st.booleans(), min_size=15, max_size=15))
def test_fuzzy_properties(case: tuple[int, list[int]], flip: list[bool]) -> None:
    n, values = case
    iu = list(zip(*np.triu_indices(n, 1), strict=True))
    upper = {}
    for k, ((i, j), v) in enumerate(zip(iu, values, strict=True)):
        lo, mid, up = TFN[v]
        upper[(int(i), int(j))] = (1 / up, 1 / mid, 1 / lo) if flip[k] else (lo, mid, up)
    r = fuzzy_priorities(_fuzzy_matrix(upper, n))
    assert (r.weights > 0).all()
    assert abs(r.weights.sum() - 1.0) < 1e-12
    perm = np.random.default_rng(n).permutation(n)  # relabelling the elements permutes the weights
    a = _fuzzy_matrix(upper, n)
    rp = fuzzy_priorities(a[np.ix_(perm, perm)])
    np.testing.assert_allclose(rp.weights, r.weights[perm], rtol=1e-12)


def test_fuzzy_aggregate_geometric_mean_and_weights() -> None:
    """Buckley (1985): several experts' TFNs combined by the geometric mean of l, m and u."""
    from ppeval.ahp import fuzzy_aggregate

    a = _fuzzy_matrix({(0, 1): (1, 2, 3), (0, 2): (2, 3, 4), (1, 2): (1, 1, 2)}, 3)
    b = _fuzzy_matrix({(0, 1): (3, 4, 5), (0, 2): (4, 5, 6), (1, 2): (1, 2, 3)}, 3)
    g = fuzzy_aggregate([a, b])
    np.testing.assert_allclose(g, np.sqrt(a * b), rtol=1e-14)
    w = fuzzy_aggregate([a, b], [0.25, 0.75])
    np.testing.assert_allclose(w, a**0.25 * b**0.75, rtol=1e-14)
    fuzzy_priorities(w)  # still a valid reciprocal fuzzy matrix
    np.testing.assert_allclose(fuzzy_aggregate([a]), a, rtol=1e-14)


@pytest.mark.parametrize(
    ("stack", "weights", "fragment"),
    [
        (np.ones((2, 2, 3)), None, "shape (k, n, n, 3)"),
        (np.stack([np.ones((2, 2, 3)), np.where(np.arange(3) == 0, 2.0, 1.0) * np.ones((2, 2, 3))]), None,
         "judgments[1]"),
        (np.ones((2, 2, 2, 3)), [0.5, 0.6], "summing to 1"),
        (np.ones((2, 2, 2, 3)), [1.0], "2 finite non-negative numbers"),
    ],
)
def test_fuzzy_aggregate_bad_input(stack: np.ndarray, weights: list[float] | None, fragment: str) -> None:
    from ppeval.ahp import fuzzy_aggregate

    with pytest.raises(InputError) as exc:
        fuzzy_aggregate(stack, weights)
    assert fragment in str(exc.value)


def test_g1_huge_ratios_no_overflow() -> None:
    """Ratios whose product overflows float64 (1e300 each) give the exact weights, no RuntimeWarning:
    w = (1e300*1e300, 1e300, 1) / sum -> (1, 1e-300, 1e-600 -> 0) after normalisation."""
    w = g1([2, 0, 1], [1e300, 1e300])
    assert np.isfinite(w).all()
    assert w.sum() == pytest.approx(1.0)
    assert w[2] == pytest.approx(1.0)
    assert w[0] == pytest.approx(1e-300, rel=1e-9)
    assert w[1] == 0.0
    # an overflow-free case keeps the direct product
    np.testing.assert_allclose(g1([0, 1, 2], [2.0, 3.0]), np.array([6.0, 3.0, 1.0]) / 10.0)
