"""Triangular fuzzy numbers and fuzzy TOPSIS (ppeval.qualitative.fuzzy), checked against Chen (2000)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ppeval.errors import DegenerateError, InputError
from ppeval.qualitative import (
    LinguisticScale,
    as_tfn,
    centroid,
    fuzzy_topsis,
    tfn_add,
    tfn_mean,
    tfn_mul,
    tfn_scale,
    vertex_distance,
)

# Chen, C.-T. (2000). Extensions of the TOPSIS for group decision-making under fuzzy environment.
# Fuzzy Sets and Systems 114, 1-9. Section 4, numerical example (3 candidates, 5 benefit criteria,
# 3 decision makers).
WEIGHT_TERMS = {"VL": (0, 0, 0.1), "L": (0, 0.1, 0.3), "ML": (0.1, 0.3, 0.5), "M": (0.3, 0.5, 0.7),
                "MH": (0.5, 0.7, 0.9), "H": (0.7, 0.9, 1.0), "VH": (0.9, 1.0, 1.0)}  # Table 1
RATING_TERMS = {"VP": (0, 0, 1), "P": (0, 1, 3), "MP": (1, 3, 5), "F": (3, 5, 7), "MG": (5, 7, 9),
                "G": (7, 9, 10), "VG": (9, 10, 10)}  # Table 2
TABLE3 = [["H", "VH", "MH"], ["VH", "VH", "VH"], ["VH", "H", "H"], ["VH", "VH", "VH"], ["M", "MH", "MH"]]
TABLE4 = {  # criterion -> candidate -> (D1, D2, D3)
    0: [["MG", "G", "MG"], ["G", "G", "MG"], ["VG", "G", "F"]],
    1: [["G", "MG", "F"], ["VG", "VG", "VG"], ["MG", "G", "VG"]],
    2: [["F", "G", "G"], ["VG", "VG", "G"], ["G", "MG", "VG"]],
    3: [["VG", "G", "VG"], ["VG", "VG", "VG"], ["G", "VG", "MG"]],
    4: [["F", "F", "F"], ["VG", "MG", "G"], ["G", "G", "MG"]],
}
TABLE5_RATINGS = np.array([  # fuzzy decision matrix as printed (one decimal, C4 of A1 two)
    [[5.7, 7.7, 9.3], [5, 7, 9], [5.7, 7.7, 9], [8.33, 9.67, 10], [3, 5, 7]],
    [[6.3, 8.3, 9.7], [9, 10, 10], [8.3, 9.7, 10], [9, 10, 10], [7, 9, 10]],
    [[6.3, 8, 9], [7, 9, 10], [7, 9, 10], [7, 9, 10], [6.3, 8.3, 9.7]],
])
TABLE5_WEIGHTS = np.array([[0.7, 0.9, 1], [0.9, 1, 1], [0.77, 0.93, 1], [0.9, 1, 1], [0.43, 0.63, 0.83]])
TABLE6 = np.array([
    [[0.59, 0.79, 0.96], [0.5, 0.7, 0.9], [0.57, 0.77, 0.9], [0.83, 0.97, 1], [0.3, 0.5, 0.7]],
    [[0.65, 0.86, 1], [0.9, 1, 1], [0.83, 0.97, 1], [0.9, 1, 1], [0.7, 0.9, 1]],
    [[0.65, 0.82, 0.93], [0.7, 0.9, 1], [0.7, 0.9, 1], [0.7, 0.9, 1], [0.63, 0.83, 0.97]],
])
TABLE7 = np.array([
    [[0.41, 0.71, 0.96], [0.45, 0.7, 0.9], [0.44, 0.72, 0.9], [0.75, 0.97, 1], [0.13, 0.32, 0.58]],
    [[0.46, 0.77, 1], [0.81, 1, 1], [0.64, 0.9, 1], [0.81, 1, 1], [0.3, 0.57, 0.83]],
    [[0.46, 0.74, 0.93], [0.63, 0.9, 1], [0.54, 0.84, 1], [0.63, 0.9, 1], [0.27, 0.52, 0.81]],
])
TABLE8_D_PLUS = np.array([2.10, 1.24, 1.59])
TABLE8_D_MINUS = np.array([3.45, 4.13, 3.85])
PRINTED_CC = np.array([0.62, 0.77, 0.71])


def test_chen_2000_normalised_and_weighted_tables() -> None:
    """Chen (2000) Tables 6 and 7 (2 decimals) from the printed Table 5. Table 5 is itself rounded to
    one decimal, so a tolerance of 0.011 covers printed rounding plus propagated input rounding."""
    r = fuzzy_topsis(TABLE5_RATINGS, TABLE5_WEIGHTS, ["benefit"] * 5)
    np.testing.assert_allclose(r.normalized, TABLE6, atol=0.006)
    np.testing.assert_allclose(r.weighted, TABLE7, atol=0.011)


def test_chen_2000_distances_and_closeness() -> None:
    """Chen (2000) Table 8 and Step 8 (2 decimals).

    Printed: d* = (2.10, 1.24, 1.59), d- = (3.45, 4.13, 3.85), CC = (0.62, 0.77, 0.71), ranking
    A2 > A3 > A1. Verified independently by hand from the printed Table 7: d*_1 =
    0.380 + 0.366 + 0.366 + 0.145 + 0.682 = 1.940, not 2.10; d*_2 from Table 7 is 1.258 (printed
    1.24). The paper's d*_1 = 2.10 is inconsistent with its own Table 7, and its CC_1 = 0.62 follows
    from that value (3.45 / (2.10 + 3.45) = 0.622); recomputed CC_1 = 0.640. We therefore assert
    the printed d- (all three), d*_3, CC_2, CC_3 and the ranking at the printed precision, d*_2
    within 0.025, and d*_1 / CC_1 against the hand computation from Table 7.
    """
    r = fuzzy_topsis(TABLE5_RATINGS, TABLE5_WEIGHTS, ["benefit"] * 5)
    np.testing.assert_allclose(r.d_minus, TABLE8_D_MINUS, atol=0.015)
    assert r.d_plus[2] == pytest.approx(TABLE8_D_PLUS[2], abs=0.006)
    assert r.d_plus[1] == pytest.approx(TABLE8_D_PLUS[1], abs=0.025)
    assert np.round(r.closeness[1:], 2).tolist() == PRINTED_CC[1:].tolist()
    assert np.argsort(-r.closeness).tolist() == [1, 2, 0]
    # d*_1 by hand from the printed Table 7 (vertex distances to (1, 1, 1))
    hand = sum(np.sqrt(((1 - TABLE7[0, j]) ** 2).mean()) for j in range(5))
    assert hand == pytest.approx(1.940, abs=5e-4)
    assert r.d_plus[0] == pytest.approx(hand, abs=0.01)
    assert r.closeness[0] == pytest.approx(0.640, abs=0.002)
    assert 3.45 / (2.10 + 3.45) == pytest.approx(PRINTED_CC[0], abs=0.005)  # the paper's own arithmetic


def test_chen_2000_from_the_linguistic_judgements() -> None:
    """From Tables 1-4 with the decision-maker axis: eq. (13)-(14) means. Cells where the printed
    Table 5 is the exact mean are reproduced (e.g. A1/C1 = (5.67, 7.67, 9.33)); Table 5 prints the
    middle term instead of the mean for the triples {VG, G, MG} and {VH, H, MH} (e.g. A2/C5 printed
    (7, 9, 10), mean (7, 8.67, 9.67); C1 weight printed (0.7, 0.9, 1), mean (0.7, 0.87, 0.97)).
    The ranking A2 > A3 > A1 is the same."""
    scale = LinguisticScale(tuple(RATING_TERMS), [0.5, 1, 3, 5, 7, 9, 10], fuzzy=list(RATING_TERMS.values()))
    wscale = LinguisticScale(tuple(WEIGHT_TERMS), [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95],
                             fuzzy=list(WEIGHT_TERMS.values()))
    words = np.array([[[TABLE4[j][i][k] for j in range(5)] for i in range(3)] for k in range(3)])  # (K, n, m)
    ratings = scale.to_fuzzy(words)
    weights = wscale.to_fuzzy(np.array(TABLE3).T)  # (K, m, 3)
    r = fuzzy_topsis(ratings, weights, [1] * 5, alternative_ids=["A1", "A2", "A3"])
    np.testing.assert_allclose(r.ratings[0, 0], [17 / 3, 23 / 3, 28 / 3], atol=1e-14)
    np.testing.assert_allclose(r.ratings[1, 4], [7, 26 / 3, 29 / 3], atol=1e-14)
    np.testing.assert_allclose(r.weights[0], [0.7, 2.6 / 3, 2.9 / 3], atol=1e-14)
    consistent = np.ones((3, 5), dtype=bool)
    for i, j in [(0, 1), (1, 4), (2, 1), (2, 2), (2, 3)]:  # cells printed inconsistently in Table 5
        consistent[i, j] = False
    np.testing.assert_allclose(r.ratings[consistent], TABLE5_RATINGS[consistent], atol=0.034)
    np.testing.assert_allclose(r.weights[1:], TABLE5_WEIGHTS[1:], atol=0.004)
    assert np.argsort(-r.closeness).tolist() == [1, 2, 0]


def test_cost_criterion_normalisation_by_hand() -> None:
    """Chen (2000) eq. (15) for a cost criterion: r = (a-/c, a-/b, a-/a), a- = min_i a_ij = 2.
    (2, 4, 8) -> (0.25, 0.5, 1); (4, 5, 10) -> (0.2, 0.4, 0.5)."""
    r = fuzzy_topsis([[[2, 4, 8]], [[4, 5, 10]]], [1.0], ["cost"])
    np.testing.assert_allclose(r.normalized[:, 0], [[0.25, 0.5, 1.0], [0.2, 0.4, 0.5]])
    # crisp weight 1: d* = d((0.25, 0.5, 1), 1) etc.
    d_plus = np.sqrt(((1 - r.normalized[:, 0]) ** 2).mean(axis=1))
    np.testing.assert_allclose(r.d_plus, d_plus)


def test_tfn_arithmetic() -> None:
    np.testing.assert_array_equal(tfn_add([[1, 2, 3]], [[1, 1, 2], [0, 0, 0]]), [[2, 3, 5], [1, 2, 3]])
    np.testing.assert_array_equal(tfn_scale([1, 2, 4], 2), [2, 4, 8])
    np.testing.assert_array_equal(tfn_scale([[1, 2, 4], [1, 2, 4]], [-1, 0.5]), [[-4, -2, -1], [0.5, 1, 2]])
    np.testing.assert_allclose(tfn_mul([0.59, 0.79, 0.96], [0.7, 0.9, 1.0]), [0.413, 0.711, 0.96])
    np.testing.assert_allclose(tfn_mean([[5, 7, 9], [7, 9, 10], [5, 7, 9]]), [17 / 3, 23 / 3, 28 / 3])
    np.testing.assert_allclose(tfn_mean([[0, 0, 0], [3, 6, 9]], [1, 2]), [2, 4, 6])
    np.testing.assert_allclose(tfn_mean(np.ones((2, 4, 3)), axis=1), np.ones((2, 3)))
    # Chen (2000), Property 3: d(A, B) = sqrt(2), d(A, C) = 4 for A=(1,3,5), B=(2,4,7), C=(5,7,9)
    assert vertex_distance([1, 3, 5], [2, 4, 7]) == pytest.approx(np.sqrt(2), rel=1e-15)
    assert vertex_distance([1, 3, 5], [5, 7, 9]) == pytest.approx(4.0, rel=1e-15)
    # Property 1: crisp numbers -> |m - n|
    assert vertex_distance([2.5, 2.5, 2.5], [7, 7, 7]) == pytest.approx(4.5)
    np.testing.assert_allclose(centroid([[3, 5, 7], [0, 0, 1]]), [5, 1 / 3])


TFN_BAD = [
    (lambda: as_tfn([1, 0.5, 2]), "tfn = (1, 0.5, 2) violates l <= m <= u"),
    (lambda: as_tfn([[0, 1, 2], [1, 3, 2]], "w"), "w[1] = (1, 3, 2) violates l <= m <= u"),
    (lambda: as_tfn([[0, 1, np.nan]]), "must be finite"),
    (lambda: as_tfn([[-1, 1, 2]], nonnegative=True), "must be non-negative"),
    (lambda: as_tfn([1, 2]), "shape (..., 3)"),
    (lambda: tfn_mul([-1, 0, 1], [1, 1, 1]), "a = (-1, 0, 1) must be non-negative"),
    (lambda: tfn_scale([1, 2, 3], np.inf), "k must be finite"),
    (lambda: tfn_mean([1, 2, 3]), "(l, m, u) axis"),
    (lambda: tfn_mean([[1, 2, 3]], [-1]), "non-negative"),
    (lambda: fuzzy_topsis([[[1, 2, 3], [3, 2, 4]]], [0.5, 0.5], [1, 1],
                          alternative_ids=["P1"], criterion_ids=["needs_met", "respect"]),
     "ratings[0, 1] = (3, 2, 4) (alternative 'P1', criterion 'respect') violates l <= m <= u"),
    (lambda: fuzzy_topsis([[[[1, 2, 3]]], [[[1, 3, 2]]]], [1.0], [1]),
     "ratings[1, 0, 0] = (1, 3, 2) (decision maker 1, alternative 0, criterion 0) violates"),
    (lambda: fuzzy_topsis([[[0, 1, 2]]], [1.0], ["cost"]), "cost criteria need ratings with l > 0"),
    (lambda: fuzzy_topsis([[[1, 2, 3]]], [[0.5, 0.9, 1.2]], [1]), "exceeds 1"),
    (lambda: fuzzy_topsis([[[1, 2, 3]]], [[0.9, 0.5, 1.0]], [1]), "weights[0] = (0.9, 0.5, 1)"),
    (lambda: fuzzy_topsis([[[1, 2, 3]]], [0.7], [1]), "sums to 0.7"),
    (lambda: fuzzy_topsis([[[1, 2, 3]]], [[0.5, 0.6, 0.7], [0.5, 0.6, 0.7]], [1]), "expected 1"),
    (lambda: fuzzy_topsis([[1, 2, 3]], [1.0], [1]), "shape (n, m, 3)"),
    (lambda: fuzzy_topsis([[[1, 2, 3]]], [1.0], ["up"]), "valid criterion types"),
]


@pytest.mark.parametrize(("call", "fragment"), TFN_BAD)
def test_bad_input(call, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        call()
    assert fragment in str(exc.value)


def test_all_zero_benefit_column_is_degenerate() -> None:
    with pytest.raises(DegenerateError, match="criterion 1: every rating is"):
        fuzzy_topsis([[[1, 2, 3], [0, 0, 0]], [[2, 3, 4], [0, 0, 0]]], [0.5, 0.5], [1, 1])


def test_inputs_untouched_results_read_only() -> None:
    x = TABLE5_RATINGS.copy()
    w = TABLE5_WEIGHTS.copy()
    x.setflags(write=False)
    w.setflags(write=False)
    r = fuzzy_topsis(x, w, [1] * 5)
    np.testing.assert_array_equal(x, TABLE5_RATINGS)
    for field in ("closeness", "d_plus", "d_minus", "ratings", "weights", "normalized", "weighted"):
        assert not getattr(r, field).flags.writeable


tfn_matrix = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 4), st.just(3)),
                    elements=st.floats(0.1, 10, allow_nan=False)).map(lambda a: np.sort(a, axis=-1))


@given(tfn_matrix, st.randoms())
def test_fuzzy_topsis_properties(x: np.ndarray, random) -> None:
    """CC in [0, 1]; permuting alternatives permutes CC; crisp ratings with crisp weights: d* + d- = m
    per alternative and CC_i = mean_j v_ij (vertex distance of crisp numbers is |x - y|)."""
    m = x.shape[1]
    w = np.full(m, 1.0 / m)
    r = fuzzy_topsis(x, w, [1] * m)
    assert ((r.closeness >= 0) & (r.closeness <= 1)).all()
    perm = random.sample(range(x.shape[0]), x.shape[0])
    np.testing.assert_allclose(fuzzy_topsis(x[perm], w, [1] * m).closeness, r.closeness[perm], atol=1e-14)
    crisp = np.repeat(x[..., 1:2], 3, axis=-1)
    rc = fuzzy_topsis(crisp, w, [1] * m)
    np.testing.assert_allclose(rc.d_plus + rc.d_minus, m, atol=1e-12)
    np.testing.assert_allclose(rc.closeness, rc.weighted[..., 1].mean(axis=1), atol=1e-12)
