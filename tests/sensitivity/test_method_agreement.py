"""Method agreement and the pymcdm adapter: self-agreement, conventions, COPRAS/SPOTIS checks, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from ppeval import methods, ranking
from ppeval._pymcdm import pymcdm_method_names, pymcdm_scores
from ppeval.errors import DegenerateError, InputError
from ppeval.sensitivity import method_agreement

RNG = np.random.default_rng(5)
X = RNG.uniform(1, 20, size=(9, 5))
W = RNG.dirichlet(np.ones(5) * 2)
T = np.array([1, -1, 1, 1, -1])
B = np.array([[0, 20], [20, 0], [0, 20], [0, 20], [20, 0]], dtype=float)


def test_default_methods_self_agreement_is_one() -> None:
    r = method_agreement(X, W, T)
    assert r.methods[0] == "topsis_vector"
    assert len(r.methods) == 7
    assert (np.diag(r.spearman) == 1.0).all()
    assert (np.diag(r.ws) == 1.0).all()
    np.testing.assert_allclose(r.spearman, r.spearman.T, atol=1e-15)
    assert (r.spearman <= 1).all()
    assert (r.spearman >= -1).all()
    assert r.reference_index == 0
    assert r.same_top[0]
    np.testing.assert_array_equal(r.spearman_to_reference, r.spearman[0])
    for k in range(len(r.methods)):
        np.testing.assert_array_equal(r.ranks[k], ranking.rank(r.scores[k], bool(r.higher_is_better[k])))


def test_pairwise_coefficients_equal_ranking_functions() -> None:
    r = method_agreement(X, W, T, methods=("wsm", "vikor", "topsis_minmax"), reference="vikor")
    for a in range(3):
        for b in range(3):
            assert r.spearman[a, b] == pytest.approx(ranking.spearman(r.ranks[a], r.ranks[b]), abs=1e-15)
            assert r.ws[a, b] == pytest.approx(ranking.ws_coefficient(r.ranks[a], r.ranks[b]), abs=1e-15)
    assert r.reference_index == 1
    np.testing.assert_array_equal(r.ws_to_reference, r.ws[1])


def test_native_scores_equal_methods() -> None:
    r = method_agreement(X, W, T, methods=("topsis_vector", "topsis_absolute", "wsm_absolute", "vikor"), bounds=B)
    np.testing.assert_array_equal(r.scores[0], methods.topsis(X, W, T))
    np.testing.assert_array_equal(r.scores[1], methods.topsis(X, W, T, normalization="minmax", bounds=B))
    np.testing.assert_array_equal(r.scores[2], methods.wsm(X, W, T, bounds=B))
    np.testing.assert_array_equal(r.scores[3], methods.vikor(X, W, T).Q)
    assert r.higher_is_better.tolist() == [True, True, True, False]


def test_pymcdm_topsis_equals_ppeval_minmax_topsis() -> None:
    """pymcdm's TOPSIS defaults to min-max normalisation: same closeness as ppeval's to 1e-12."""
    s, hib = pymcdm_scores("TOPSIS", X, W, T)
    assert hib
    np.testing.assert_allclose(s, methods.topsis(X, W, T, normalization="minmax"), atol=1e-12)


def test_spotis_is_one_minus_minmax_wsm() -> None:
    """SPOTIS distance with bounds = the column ranges is 1 - WSM(min-max); with given bounds 1 - absolute WSM."""
    s, hib = pymcdm_scores("SPOTIS", X, W, T)
    assert not hib
    np.testing.assert_allclose(s, 1.0 - methods.wsm(X, W, T), atol=1e-12)
    sb, _ = pymcdm_scores("SPOTIS", X, W, T, bounds=B)
    np.testing.assert_allclose(sb, 1.0 - methods.wsm(X, W, T, bounds=B), atol=1e-12)
    # a constant column contributes nothing (bounds without span are dropped)
    xc = X.copy()
    xc[:, 2] = 4.0
    sc, _ = pymcdm_scores("SPOTIS", xc, W, T)
    full = 1.0 - methods.wsm(xc, W, T)  # constant min-max column scores 1 for all: distance 0
    np.testing.assert_allclose(sc, full, atol=1e-12)


def test_copras_uses_published_relative_significance() -> None:
    """COPRAS Q_i = S+_i + min(S-) sum(S-) / (S-_i sum(min(S-)/S-_j)) (Zavadskas et al. 1994), utility Q/max Q.

    pymcdm 1.4.0's own Q reduces to S+_i + S-_i (cost criteria raise the utility); the adapter fixes it.
    """
    from pymcdm.methods import COPRAS

    s, hib = pymcdm_scores("COPRAS", X, W, T)
    v = X / X.sum(axis=0) * W
    sp = v[:, T == 1].sum(axis=1)
    sm = v[:, T == -1].sum(axis=1)
    q = sp + sm.min() * sm.sum() / (sm * (sm.min() / sm).sum())
    np.testing.assert_allclose(s, q / q.max(), atol=1e-12)
    assert hib
    raw = COPRAS()(X, W, T, validation=False)
    np.testing.assert_allclose(raw, (sp + sm) / (sp + sm).max(), atol=1e-12)  # the pymcdm behaviour
    # a project that is worse on a cost criterion only must not gain utility
    x2 = X.copy()
    x2[0, 1] *= 1.5  # criterion 1 is a cost
    s2, _ = pymcdm_scores("COPRAS", x2, W, T)
    assert s2[0] / s2.max() < s[0] / s.max()


def test_promethee_ii_net_flows_sum_to_zero() -> None:
    s, hib = pymcdm_scores("PROMETHEE_II", X, W, T)
    assert hib
    assert abs(s.sum()) < 1e-12


def test_adapter_lists_methods_and_rejects_unknown() -> None:
    names = pymcdm_method_names()
    assert {"COPRAS", "PROMETHEE_II", "SPOTIS", "TOPSIS", "VIKOR", "ARAS", "EDAS"} <= set(names)
    assert "COMET" not in names
    r = method_agreement(X, W, T, methods=("wsm", "pymcdm:ARAS", "pymcdm:EDAS", "pymcdm:VIKOR"))
    assert not r.higher_is_better[3]
    with pytest.raises(InputError, match="pymcdm method 'NOPE' is not supported"):
        method_agreement(X, W, T, methods=("wsm", "pymcdm:NOPE"))


def test_pymcdm_nonfinite_result_is_degenerate_error() -> None:
    """COPRAS needs S- > 0: a zero cost column sum for one alternative raises, no nan, no warning."""
    x = X.copy()
    x[2, [1, 4]] = 0.0
    with pytest.raises(DegenerateError, match="COPRAS"):
        method_agreement(x, W, T, methods=("wsm", "pymcdm:COPRAS"))


def test_constant_ranking_is_degenerate_error() -> None:
    x = np.ones((4, 2))
    with pytest.raises(DegenerateError, match="ranks every alternative equal"):
        method_agreement(x, [0.5, 0.5], [1, -1], methods=("wsm", "vikor"))


def test_read_only_inputs_and_outputs() -> None:
    x = X.copy()
    x.setflags(write=False)
    r = method_agreement(x, W, T, methods=("wsm", "pymcdm:SPOTIS"))
    for k in r.__dataclass_fields__:
        v = getattr(r, k)
        if isinstance(v, np.ndarray):
            assert not v.flags.writeable, k


BAD = [
    (lambda: method_agreement(X[:1], W, T), "at least 2 alternative"),
    (lambda: method_agreement(X, W, T, methods=("wsm",)), "at least 2 needed"),
    (lambda: method_agreement(X, W, T, methods="wsm"), "pass a sequence"),
    (lambda: method_agreement(X, W, T, methods=("wsm", "ahp")), "methods[1] is 'ahp'"),
    (lambda: method_agreement(X, W, T, methods=("wsm", "wsm")), "lists 'wsm' twice"),
    (lambda: method_agreement(X, W, T, methods=("wsm", 3)), "methods[1] is 3"),
    (lambda: method_agreement(X, W, T, methods=("wsm", "vikor"), reference="topsis_vector"),
     "reference is 'topsis_vector'"),
    (lambda: method_agreement(X, W, T, methods=("wsm", "topsis_absolute")), "needs bounds"),
    (lambda: method_agreement(X, W, np.ones(5), methods=("wsm", "pymcdm:COPRAS")), "needs at least one cost"),
    (lambda: method_agreement(X, W, T, v=2), "v is 2"),
    (lambda: method_agreement(X, [W, W], T), "one weight vector"),
    (lambda: method_agreement(X, W, T, bounds=B[::-1]), "bounds["),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_input(call, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert fragment in str(err.value)


@pytest.mark.parametrize("module", ["ppeval.sensitivity.agreement", "ppeval._pymcdm"])
def test_docstring_examples_run(module: str) -> None:
    """The numpydoc Examples of the module run and print what they show."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------- PROMETHEE II without pairwise tables


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_promethee_ii_counting_form_equals_pymcdm(seed: int) -> None:
    """The counting form gives pymcdm's PROMETHEE_II('usual') net flows, ties and cost criteria included."""
    import pymcdm.methods as pm

    from ppeval.sensitivity.agreement import promethee_ii_usual

    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, size=(60, 5)).astype(float)  # many ties
    w = rng.dirichlet(np.ones(5))
    t = np.array([1, -1, 1, 1, -1])
    ref = pm.PROMETHEE_II("usual")(x, w, t, validation=False)
    np.testing.assert_allclose(promethee_ii_usual(x, w, t), ref, rtol=0, atol=1e-12)


def test_promethee_ii_published_example() -> None:
    """pymcdm's documented PROMETHEE II example: net flows 0.1, -0.3, 0.2 (Brans & Vincke 1985 usual criterion)."""
    from ppeval.sensitivity.agreement import promethee_ii_usual

    x = [[4.0, 3.0, 2.0], [3.0, 2.0, 4.0], [5.0, 1.0, 3.0]]
    np.testing.assert_allclose(promethee_ii_usual(x, [0.5, 0.3, 0.2], [1, 1, 1]), [0.1, -0.3, 0.2], atol=1e-15)


def test_large_problem_uses_counting_form_and_says_so() -> None:
    """Above PAIRWISE_LIMIT alternatives no n x n table is built; the result's notes record it."""
    from ppeval.sensitivity.agreement import PAIRWISE_LIMIT

    rng = np.random.default_rng(5)
    n = PAIRWISE_LIMIT + 1
    x = rng.random((n, 4))
    r = method_agreement(x, [0.25] * 4, [1, 1, -1, 1], methods=("topsis_vector", "pymcdm:PROMETHEE_II"))
    assert any("PROMETHEE II" in note and "counting form" in note for note in r.notes)
    small = method_agreement(x[:50], [0.25] * 4, [1, 1, -1, 1], methods=("topsis_vector", "pymcdm:PROMETHEE_II"))
    assert small.notes == ()
