"""ppeval.weights: published examples, pymcdm agreement, properties, degenerate and bad input."""

from __future__ import annotations

import doctest
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pymcdm.weights as pw
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pymcdm.helpers import normalize_matrix
from pymcdm.normalizations import minmax_normalization

import ppeval.weights._objective as wmod
from ppeval.errors import DegenerateError, InputError, PPEvalError
from ppeval.weights import combine, critic, entropy, equal, std

PUBLISHED = sorted((Path(__file__).parent / "data" / "published").glob("weights_*.json"))


# --------------------------------------------------------------------------- independent references
# Plain numpy transcriptions of the formulas, written independently of ppeval's
# blocked, rescaled implementation (no shared code).


def ref_entropy(x: np.ndarray) -> np.ndarray:
    p = x / x.sum(axis=0)
    plogp = np.zeros_like(p)
    pos = p > 0
    plogp[pos] = p[pos] * np.log(p[pos])
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    d = 1.0 - e
    d[np.ptp(x, axis=0) == 0] = 0.0
    return d / d.sum()


def ref_minmax(x: np.ndarray, types: np.ndarray) -> np.ndarray:
    lo, hi = x.min(axis=0), x.max(axis=0)
    best = np.where(types > 0, hi, lo)
    worst = np.where(types > 0, lo, hi)
    return (x - worst) / (best - worst)


def ref_critic(x: np.ndarray, types: np.ndarray) -> np.ndarray:
    r = ref_minmax(x, types)
    sigma = r.std(axis=0)
    rho = np.corrcoef(r, rowvar=False)
    c = sigma * (1.0 - rho).sum(axis=1)
    return c / c.sum()


def ref_std(x: np.ndarray) -> np.ndarray:
    sigma = x.std(axis=0) / np.ptp(x, axis=0)
    return sigma / sigma.sum()


def assert_valid_weights(w: np.ndarray, m: int) -> None:
    assert w.shape == (m,)
    assert w.dtype == np.float64
    assert np.isfinite(w).all()
    assert (w >= 0).all()
    assert abs(w.sum() - 1.0) < 1e-12


# --------------------------------------------------------------------------- published examples


@pytest.mark.parametrize("path", PUBLISHED, ids=[p.stem for p in PUBLISHED])
def test_published_example(path: Path) -> None:
    """Printed weights of published worked examples (source, table and printed precision in each JSON file).

    Entropy: Xu (2004) EJOR 156(2) (4 d.p.); Zavadskas & Podvezko (2016) IJITDM 15(2) (4 d.p.);
    Ersoy (2021) LogForum 17(3) (3 d.p.); Lee & Chang (2018) RSER 92 (3 d.p.).
    CRITIC: Tuş & Aytaç Adalı (2019) OPSEARCH 56(2) (3 d.p.; see the file's types_note).
    Each is compared within half a unit of the last printed digit.
    """
    case = json.loads(path.read_text(encoding="utf-8"))
    x = np.array(case["matrix"], dtype=float)
    expected = np.array(case["expected"]["weights"])
    tol = case["tolerance"]["weights"]
    if case["method"] == "entropy":
        w = entropy(x)
        ref = ref_entropy(x)
    else:
        w = critic(x, case["types"])
        ref = ref_critic(x, np.array(case["types"]))
    np.testing.assert_allclose(w, expected, rtol=0, atol=tol)
    # the independent transcription of the formula agrees with ppeval to rounding
    np.testing.assert_allclose(w, ref, rtol=0, atol=1e-14)


def test_tus2019_direction_aware_differs() -> None:
    """Tuş & Aytaç Adalı (2019): with criterion 1 (price) as a cost criterion, direction-aware
    CRITIC (Diakoulaki et al. 1995) gives different weights from the printed ones, which
    normalise every column toward its maximum (as pymcdm and pyrepo-mcda do)."""
    case = json.loads(next(p for p in PUBLISHED if "tus2019" in p.name).read_text(encoding="utf-8"))
    x = np.array(case["matrix"], dtype=float)
    w = critic(x, case["types_as_transcribed"])
    np.testing.assert_allclose(w, [0.184, 0.213, 0.142, 0.158, 0.168, 0.134], atol=5e-4)
    np.testing.assert_allclose(w, ref_critic(x, np.array(case["types_as_transcribed"])), atol=1e-14)
    assert np.abs(w - np.array(case["expected"]["weights"])).max() > 0.02


def test_critic_docstring_example_matches_reference() -> None:
    x = np.array([[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]], float)
    t = np.array([-1, 1, 1, 1])
    np.testing.assert_allclose(critic(x, ["cost", "benefit", "benefit", "benefit"]), ref_critic(x, t), atol=1e-14)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(wmod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5
    assert result.failed == 0


# --------------------------------------------------------------------------- pymcdm agreement


def _random_matrices(seed: int, count: int, low: float = 0.1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(2, 40))
        m = int(rng.integers(2, 12))
        out.append(rng.uniform(low, 100.0, size=(n, m)))
    return out


def test_entropy_agrees_with_pymcdm() -> None:
    """pymcdm 1.4 entropy_weights uses the same formula on strictly positive matrices."""
    for x in _random_matrices(11, 40):
        np.testing.assert_allclose(entropy(x), pw.entropy_weights(x), rtol=0, atol=1e-12)


def test_pymcdm_entropy_rejects_zero_but_ppeval_defines_it() -> None:
    x = np.array([[0.0, 1.0], [0.0, 2.0], [5.0, 3.0]])
    with pytest.raises(ValueError, match="positive"):
        pw.entropy_weights(x)
    # column 0: p = (0, 0, 1), e = 0 (0 ln 0 = 0), d = 1;
    # column 1: p = (1, 2, 3)/6, e = -sum p ln p / ln 3
    p = np.array([1, 2, 3]) / 6
    d1 = 1 + (p * np.log(p)).sum() / np.log(3)
    np.testing.assert_allclose(entropy(x), np.array([1.0, d1]) / (1.0 + d1), atol=1e-15)


def test_critic_agrees_with_pymcdm_when_directions_agree() -> None:
    """pymcdm's critic_weights normalises every column as a benefit criterion and uses ddof=1:
    equal to ppeval for all-benefit and for all-cost types (correlations unchanged when every
    column flips), and ddof cancels."""
    for x in _random_matrices(12, 40):
        ref = pw.critic_weights(x)
        m = x.shape[1]
        np.testing.assert_allclose(critic(x, np.ones(m)), ref, rtol=0, atol=1e-12)
        np.testing.assert_allclose(critic(x, -np.ones(m)), ref, rtol=0, atol=1e-12)


def test_critic_differs_from_pymcdm_with_mixed_directions() -> None:
    rng = np.random.default_rng(13)
    x = rng.uniform(0, 1, size=(12, 4))
    t = np.array([1, -1, 1, 1])
    assert np.abs(critic(x, t) - pw.critic_weights(x)).max() > 1e-3
    # pymcdm on the cost column mirrored (x -> -x) is the direction-aware CRITIC
    np.testing.assert_allclose(critic(x, t), pw.critic_weights(x * t), atol=1e-12)


def test_std_agrees_with_pymcdm_on_minmax_normalised_matrix() -> None:
    """pymcdm's standard_deviation_weights works on the raw matrix (ddof=1); fed the min-max
    normalised matrix it equals ppeval.weights.std."""
    for x in _random_matrices(14, 40):
        m = x.shape[1]
        t = np.where(np.arange(m) % 2 == 0, 1, -1)
        ref = pw.standard_deviation_weights(normalize_matrix(x, minmax_normalization, None))
        np.testing.assert_allclose(std(x, t), ref, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- large, strided and extreme inputs


def test_blocked_path_matches_reference() -> None:
    """Several row blocks plus a remainder (and a remainder inside the fold)."""
    rng = np.random.default_rng(15)
    m = 3
    n = 3 * wmod._block_rows(m) + 17
    x = rng.uniform(0.0, 10.0, size=(n, m))
    x[5, 0] = 0.0
    t = np.array([1, -1, 1])
    np.testing.assert_allclose(entropy(x), ref_entropy(x), atol=1e-12)
    np.testing.assert_allclose(critic(x, t), ref_critic(x, t), atol=1e-12)
    np.testing.assert_allclose(std(x, t), ref_std(x), atol=1e-12)


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_non_contiguous_inputs(layout: str) -> None:
    rng = np.random.default_rng(16)
    base = rng.uniform(1.0, 5.0, size=(400, 8))
    x = np.asfortranarray(base) if layout == "fortran" else base[::2, ::2]
    c = np.ascontiguousarray(x)
    t = np.ones(x.shape[1])
    np.testing.assert_allclose(entropy(x), entropy(c), atol=1e-14)
    np.testing.assert_allclose(critic(x, t), critic(c, t), atol=1e-14)
    np.testing.assert_allclose(std(x, t), std(c, t), atol=1e-14)


def test_huge_values_do_not_overflow() -> None:
    """Column sums above the float64 range: the power-of-two rescaling keeps every step finite."""
    rng = np.random.default_rng(17)
    small = rng.uniform(0.5, 1.0, size=(50, 3))
    big = small * 1e308  # every column sum overflows
    t = np.array([1, -1, 1])
    np.testing.assert_allclose(entropy(big), entropy(small), atol=1e-12)
    np.testing.assert_allclose(critic(big, t), critic(small, t), atol=1e-12)
    np.testing.assert_allclose(std(big, t), std(small, t), atol=1e-12)
    mixed = np.column_stack([small[:, 0] * 1e308, -small[:, 1] * 1e308, small[:, 2]])
    np.testing.assert_allclose(critic(mixed, t), critic(small * [1, -1, 1], t), atol=1e-12)


def test_subnormal_values_do_not_overflow_the_rescaling() -> None:
    """A column of subnormal values (< 2.2e-308) is rescaled by at most 2**1023; the weights
    equal those of the same column times 1e300 (to the few digits subnormals carry)."""
    x = np.array([[1e-310, 2.0], [3e-310, 1.0], [2e-310, 5.0]])
    up = x * [1e300, 1.0]
    t = np.array([1, -1])
    np.testing.assert_allclose(entropy(x), entropy(up), atol=1e-6)
    np.testing.assert_allclose(critic(x, t), critic(up, t), atol=1e-6)
    np.testing.assert_allclose(std(x, t), std(up, t), atol=1e-6)


# --------------------------------------------------------------------------- degenerate cases


def test_entropy_constant_column_gets_zero_weight() -> None:
    x = np.array([[1.0, 7.0, 2.0], [2.0, 7.0, 2.0], [4.0, 7.0, 3.0]])
    w = entropy(x)
    assert w[1] == 0.0
    np.testing.assert_allclose(w[[0, 2]], entropy(x[:, [0, 2]]), atol=1e-15)


def test_critic_constant_column_gets_zero_weight_and_leaves_others_unchanged() -> None:
    rng = np.random.default_rng(18)
    x = rng.uniform(size=(9, 4))
    t = np.array([1, -1, 1, -1])
    w = critic(x, t)
    xc = np.column_stack([x[:, :2], np.full(9, 3.0), x[:, 2:]])
    wc = critic(xc, np.insert(t, 2, -1))
    assert wc[2] == 0.0
    np.testing.assert_allclose(np.delete(wc, 2), w, atol=1e-15)


def test_std_constant_column_gets_zero_weight() -> None:
    x = np.array([[1.0, 5.0, 0.0], [2.0, 5.0, 1.0], [4.0, 5.0, 9.0]])
    w = std(x, [1, 1, -1])
    assert w[1] == 0.0
    r = ref_std(x[:, [0, 2]])
    np.testing.assert_allclose(w, [r[0], 0.0, r[1]], atol=1e-15)


def test_critic_two_alternatives_closed_form() -> None:
    """n = 2: sigma_j = 1/2, rho_jk = +-1, so C_j = 2 * sigma_j * #{k: k disagrees with j}."""
    x = np.array([[1.0, 5.0, 3.0, 10.0], [2.0, 4.0, 1.0, 20.0]])
    t = np.array([1, 1, -1, -1])
    # which alternative is better per criterion: col0 -> row1, col1 -> row0, col2 -> row1, col3 -> row0
    better = np.array([1, 0, 1, 0])
    disagree = (better[:, None] != better[None, :]).sum(axis=1)
    np.testing.assert_allclose(critic(x, t), disagree / disagree.sum(), atol=1e-15)


@pytest.mark.parametrize(
    ("matrix", "types"),
    [
        ([[1.0, 10.0], [2.0, 20.0]], [1, 1]),  # n = 2, one alternative best on everything
        ([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]], [1, 1]),  # only one criterion varies
        ([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], [1, 1]),  # perfectly correlated criteria
        ([[1.0, 6.0], [2.0, 4.0], [3.0, 2.0]], [1, -1]),  # perfectly correlated after orientation
    ],
)
def test_critic_without_conflict_is_degenerate(matrix: list[list[float]], types: list[int]) -> None:
    with pytest.raises(DegenerateError, match="every C_j"):
        critic(matrix, types)


def test_inputs_are_not_modified_and_may_be_read_only() -> None:
    rng = np.random.default_rng(19)
    x = rng.uniform(0.1, 1.0, size=(30, 4))
    x.setflags(write=False)
    t = np.array([1, -1, 1, 1])
    t.setflags(write=False)
    ws = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    ws.setflags(write=False)
    a = np.array([0.3, 0.7])
    a.setflags(write=False)
    before = (x.copy(), t.copy(), ws.copy())
    entropy(x)
    critic(x, t)
    std(x, t)
    for method in ("linear", "multiplicative"):
        combine(ws, method, a)
    combine(ws)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(t, before[1])
    np.testing.assert_array_equal(ws, before[2])


def test_equal() -> None:
    np.testing.assert_array_equal(equal(4), [0.25, 0.25, 0.25, 0.25])
    assert_valid_weights(equal(7), 7)
    assert equal(np.int64(1)).tolist() == [1.0]


# --------------------------------------------------------------------------- combine


def test_combine_game_theory_two_vectors_by_hand() -> None:
    """Two vectors: solve [[w1.w1, w1.w2], [w1.w2, w2.w2]] a = [w1.w1, w2.w2] by Cramer's rule."""
    w1 = np.array([0.6, 0.3, 0.1])
    w2 = np.array([0.2, 0.3, 0.5])
    p11, p12, p22 = w1 @ w1, w1 @ w2, w2 @ w2
    det = p11 * p22 - p12 * p12
    a1 = (p11 * p22 - p12 * p22) / det
    a2 = (p11 * p22 - p12 * p11) / det
    a = np.abs([a1, a2]) / np.abs([a1, a2]).sum()
    np.testing.assert_allclose(combine([w1, w2]), a[0] * w1 + a[1] * w2, atol=1e-15)
    raw, coef = wmod._game_theory_coefficients(np.array([w1, w2]))
    np.testing.assert_allclose(raw, [a1, a2], rtol=1e-12)


def test_combine_linear_and_multiplicative_by_hand() -> None:
    w1 = np.array([0.6, 0.3, 0.1])
    w2 = np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(combine([w1, w2], "linear", [0.25, 0.75]), 0.25 * w1 + 0.75 * w2, atol=1e-15)
    prod = w1 * w2
    np.testing.assert_allclose(combine([w1, w2], "multiplicative"), prod / prod.sum(), atol=1e-15)
    geo = w1**0.25 * w2**0.75
    np.testing.assert_allclose(combine([w1, w2], "multiplicative", [0.25, 0.75]), geo / geo.sum(), atol=1e-15)


def test_combine_multiplicative_zero_and_long_products() -> None:
    w = combine([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], "multiplicative")
    np.testing.assert_allclose(w, [0.4, 0.6, 0.0], atol=1e-15)
    # 400 vectors of tiny weights: the plain product underflows, the log-space one does not
    m = 2000
    v = np.full(m, 1.0 / m)
    v[0] *= 2.0
    v /= v.sum()
    w = combine(np.tile(v, (400, 1)), "multiplicative")
    expected = np.exp(400 * (np.log(v) - np.log(v).max()))
    np.testing.assert_allclose(w, expected / expected.sum(), rtol=1e-9)
    assert w[0] > 0.99


def test_combine_single_vector_is_returned() -> None:
    v = [0.1, 0.2, 0.7]
    for method in ("linear", "multiplicative", "game_theory"):
        np.testing.assert_allclose(combine([v], method), v, atol=1e-15)


def test_combine_game_theory_dependent_vectors_are_finite() -> None:
    w1 = np.array([0.6, 0.3, 0.1])
    w2 = np.array([0.2, 0.3, 0.5])
    w3 = (w1 + w2) / 2
    out = combine([w1, w2, w3])
    assert_valid_weights(out, 3)
    assert (out >= np.minimum(w1, w2) - 1e-12).all()
    assert (out <= np.maximum(w1, w2) + 1e-12).all()


# --------------------------------------------------------------------------- hypothesis properties

_INT_VALUES = st.integers(min_value=0, max_value=100).map(float)
_SIGNED_VALUES = st.integers(min_value=-1000, max_value=1000).map(float)


@st.composite
def matrices(draw: st.DrawFn, elements: st.SearchStrategy[float] = _SIGNED_VALUES) -> np.ndarray:
    n = draw(st.integers(min_value=2, max_value=10))
    m = draw(st.integers(min_value=1, max_value=6))
    x: np.ndarray = draw(hnp.arrays(np.float64, (n, m), elements=elements))
    return x


@st.composite
def simplex(draw: st.DrawFn, m: int) -> np.ndarray:
    raw = np.array(draw(st.lists(st.integers(0, 1000), min_size=m, max_size=m)), dtype=float)
    assume(raw.sum() > 0)
    out: np.ndarray = raw / raw.sum()
    return out


@given(matrices(_INT_VALUES), st.randoms(use_true_random=False))
def test_entropy_properties(x: np.ndarray, rnd: Any) -> None:
    assume((x.sum(axis=0) > 0).all())
    assume((np.ptp(x, axis=0) > 0).any())
    n, m = x.shape
    w = entropy(x)
    assert_valid_weights(w, m)
    np.testing.assert_allclose(w, ref_entropy(x), atol=1e-12)
    rows = np.array(rnd.sample(range(n), n))
    cols = np.array(rnd.sample(range(m), m))
    np.testing.assert_allclose(entropy(x[rows]), w, atol=1e-12)
    np.testing.assert_allclose(entropy(x[:, cols]), w[cols], atol=1e-12)
    scale = np.array([rnd.uniform(1e-3, 1e3) for _ in range(m)])
    np.testing.assert_allclose(entropy(x * scale), w, atol=1e-9)
    assert (w[np.ptp(x, axis=0) == 0] == 0).all()


def _critic_or_skip(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    try:
        return critic(x, t)
    except DegenerateError:
        assume(False)
        raise  # pragma: no cover - assume(False) raises


@given(matrices(), st.randoms(use_true_random=False))
def test_critic_properties(x: np.ndarray, rnd: Any) -> None:
    n, m = x.shape
    assume((np.ptp(x, axis=0) > 0).any())
    t = np.array([rnd.choice([1, -1]) for _ in range(m)])
    w = _critic_or_skip(x, t)
    assert_valid_weights(w, m)
    assert (w[np.ptp(x, axis=0) == 0] == 0).all()
    rows = np.array(rnd.sample(range(n), n))
    cols = np.array(rnd.sample(range(m), m))
    np.testing.assert_allclose(critic(x[rows], t), w, atol=1e-9)
    np.testing.assert_allclose(critic(x[:, cols], t[cols]), w[cols], atol=1e-9)
    # a cost criterion is a benefit criterion of the mirrored values
    np.testing.assert_allclose(critic(x * t, np.ones(m)), w, atol=1e-9)
    # invariant to positive affine changes of units
    a = np.array([rnd.uniform(0.01, 100.0) for _ in range(m)])
    b = np.array([rnd.uniform(-100.0, 100.0) for _ in range(m)])
    np.testing.assert_allclose(critic(x * a + b, t), w, atol=1e-7)


@given(matrices(), st.randoms(use_true_random=False))
def test_std_properties(x: np.ndarray, rnd: Any) -> None:
    n, m = x.shape
    assume((np.ptp(x, axis=0) > 0).any())
    t = np.array([rnd.choice(["benefit", "cost"]) for _ in range(m)])
    w = std(x, t)
    assert_valid_weights(w, m)
    keep = np.ptp(x, axis=0) > 0
    expected = np.zeros(m)
    expected[keep] = ref_std(x[:, keep])
    np.testing.assert_allclose(w, expected, atol=1e-12)
    rows = np.array(rnd.sample(range(n), n))
    np.testing.assert_allclose(std(x[rows], t), w, atol=1e-12)
    np.testing.assert_allclose(std(x, np.ones(m)), w, atol=1e-15)  # direction-free


@given(st.integers(1, 8).flatmap(lambda m: st.tuples(simplex(m), st.integers(1, 6), st.integers(0, 10**6))))
def test_combining_identical_vectors_returns_them(args: tuple[np.ndarray, int, int]) -> None:
    v, k, seed = args
    ws = np.tile(v, (k, 1))
    alpha = np.random.default_rng(seed).dirichlet(np.ones(k))
    np.testing.assert_allclose(combine(ws, "game_theory"), v, atol=1e-12)
    np.testing.assert_allclose(combine(ws, "linear"), v, atol=1e-12)
    np.testing.assert_allclose(combine(ws, "linear", alpha), v, atol=1e-12)
    np.testing.assert_allclose(combine(ws, "multiplicative", alpha), v, atol=1e-12)
    # the plain normalised product sharpens: v^k / sum(v^k) (documented)
    vk = v**k
    np.testing.assert_allclose(combine(ws, "multiplicative"), vk / vk.sum(), atol=1e-12)


@given(st.integers(1, 8).flatmap(lambda m: st.lists(simplex(m), min_size=1, max_size=5)))
def test_combine_properties(vectors: list[np.ndarray]) -> None:
    ws = np.array(vectors)
    m = ws.shape[1]
    lo, hi = ws.min(axis=0), ws.max(axis=0)
    for method in ("linear", "game_theory"):
        w = combine(ws, method)
        assert_valid_weights(w, m)
        # both are convex combinations of the inputs
        assert (w >= lo - 1e-12).all()
        assert (w <= hi + 1e-12).all()
    if (ws > 0).all(axis=0).any():
        assert_valid_weights(combine(ws, "multiplicative"), m)
    # the raw game-theory coefficients solve (W W^T) a = diag(W W^T) when the system is regular
    p = ws @ ws.T
    if np.linalg.cond(p) < 1e8:
        raw, coef = wmod._game_theory_coefficients(ws)
        np.testing.assert_allclose(p @ raw, np.diag(p), atol=1e-9 * np.abs(raw).max())
        np.testing.assert_allclose(coef.sum(), 1.0)
        assert (coef >= 0).all()


# --------------------------------------------------------------------------- bad input

_X = [[1.0, 2.0, 3.0], [2.0, 1.0, 5.0], [4.0, 3.0, 1.0]]
_NAN = [[1.0, 2.0, 3.0], [np.nan, 1.0, 5.0], [4.0, 3.0, 1.0]]
_INF = [[1.0, 2.0, 3.0], [2.0, 1.0, 5.0], [4.0, np.inf, 1.0]]
_T = [1, -1, 1]

BAD: list[tuple[str, Callable[[], Any], type[PPEvalError], str]] = [
    # entropy
    ("entropy nan", lambda: entropy(_NAN), InputError, "matrix[1, 0] is nan"),
    ("entropy inf", lambda: entropy(_INF), InputError, "matrix[2, 1] is inf"),
    ("entropy negative", lambda: entropy([[1.0, 2.0], [3.0, -0.5]]), InputError, "matrix[1, 1] is -0.5"),
    ("entropy negative hint", lambda: entropy([[1.0, -2.0], [3.0, 0.5]]), InputError, "normalise it or shift"),
    ("entropy zero column", lambda: entropy([[1.0, 0.0], [3.0, 0.0]]), InputError, "matrix[:, 1] is all zero"),
    ("entropy 0/0 named", lambda: entropy([[0.0, 1.0], [0.0, 2.0]]), InputError, "0/0"),
    ("entropy one row", lambda: entropy([[1.0, 2.0]]), DegenerateError, "at least 2 alternatives"),
    ("entropy all constant", lambda: entropy([[1.0, 2.0], [1.0, 2.0]]), DegenerateError, "every column"),
    ("entropy 1-D", lambda: entropy([1.0, 2.0]), InputError, "must be 2-D"),
    ("entropy 3-D", lambda: entropy(np.ones((2, 2, 2))), InputError, "must be 2-D"),
    ("entropy no rows", lambda: entropy(np.ones((0, 3))), InputError, "at least 1 alternative"),
    ("entropy no columns", lambda: entropy(np.ones((3, 0))), InputError, "at least 1 criterion"),
    ("entropy strings", lambda: entropy([["a", "b"], ["c", "d"]]), InputError, "numeric"),
    # critic
    ("critic nan", lambda: critic(_NAN, _T), InputError, "matrix[1, 0] is nan"),
    ("critic inf", lambda: critic(_INF, _T), InputError, "matrix[2, 1] is inf"),
    ("critic types length", lambda: critic(_X, [1, -1]), InputError, "types has 2 entries; expected 3"),
    ("critic types word", lambda: critic(_X, ["benefit", "up", "cost"]), InputError, "types[1] is 'up'"),
    ("critic types code", lambda: critic(_X, [1, 0, 1]), InputError, "types[1] is 0"),
    ("critic one row", lambda: critic([[1.0, 2.0, 3.0]], _T), DegenerateError, "at least 2 alternatives"),
    ("critic all constant", lambda: critic([[1.0, 2.0, 3.0]] * 3, _T), DegenerateError, "every column"),
    ("critic no conflict", lambda: critic([[1.0, 2.0], [2.0, 3.0]], [1, 1]), DegenerateError, "every C_j"),
    ("critic strings", lambda: critic([["x", 1], [2, 3]], [1, 1]), InputError, "numeric"),
    # std
    ("std nan", lambda: std(_NAN, _T), InputError, "matrix[1, 0] is nan"),
    ("std types length", lambda: std(_X, [1, 1, 1, 1]), InputError, "types has 4 entries; expected 3"),
    ("std one row", lambda: std([[1.0, 2.0, 3.0]], _T), DegenerateError, "at least 2 alternatives"),
    ("std all constant", lambda: std([[1.0, 2.0, 3.0]] * 2, _T), DegenerateError, "every column"),
    # equal
    ("equal zero", lambda: equal(0), InputError, "n_criteria is 0"),
    ("equal float", lambda: equal(2.5), InputError, "n_criteria is 2.5"),  # type: ignore[arg-type]
    ("equal bool", lambda: equal(True), InputError, "n_criteria is True"),
    # combine
    ("combine lengths", lambda: combine([[0.5, 0.5], [0.2, 0.3, 0.5]]), InputError,
     "weight_sets[1] has 3 entries but weight_sets[0] has 2"),
    ("combine negative", lambda: combine([[1.1, -0.1], [0.5, 0.5]]), InputError, "weight_sets[0, 1] is -0.1"),
    ("combine nan", lambda: combine([[0.5, 0.5], [np.nan, 1.0]]), InputError, "weight_sets[1, 0] is nan"),
    ("combine sum", lambda: combine([[0.5, 0.5], [0.5, 0.6]]), InputError, "weight_sets[1] sums to 1.1"),
    ("combine empty", lambda: combine([]), InputError, "empty"),
    ("combine 2-D vector", lambda: combine([[[0.5, 0.5]]]), InputError, "weight_sets[0] must be a 1-D"),
    ("combine string", lambda: combine("0.5,0.5"), InputError, "sequence of weight vectors"),
    ("combine method", lambda: combine([[1.0]], "mean"), InputError,  # type: ignore[arg-type]
     "method is 'mean'; valid values are 'linear', 'multiplicative', 'game_theory'"),
    ("combine alpha sum", lambda: combine([[1.0, 0.0], [0.0, 1.0]], "linear", [0.5, 0.4]), InputError,
     "alpha sums to 0.9"),
    ("combine alpha length", lambda: combine([[1.0, 0.0], [0.0, 1.0]], "linear", [0.2, 0.3, 0.5]), InputError,
     "alpha has length 3; expected 2"),
    ("combine alpha negative", lambda: combine([[1.0, 0.0], [0.0, 1.0]], "multiplicative", [-0.5, 1.5]),
     InputError, "alpha[0] is -0.5"),
    ("combine alpha game", lambda: combine([[1.0, 0.0], [0.0, 1.0]], "game_theory", [0.5, 0.5]), InputError,
     "alpha is not used"),
    ("combine product zero", lambda: combine([[1.0, 0.0], [0.0, 1.0]], "multiplicative"), DegenerateError,
     "0 for every criterion"),
]


@pytest.mark.parametrize(("case", "call", "error", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(case: str, call: Callable[[], Any], error: type[PPEvalError], fragment: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value), str(info.value)
