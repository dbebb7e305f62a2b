"""Shared validation helpers: every check names the argument and position."""

from __future__ import annotations

import numpy as np
import pytest

from ppeval import _checks as c
from ppeval.errors import InputError, PPEvalError


def test_errors_are_value_errors() -> None:
    assert issubclass(PPEvalError, ValueError)
    assert issubclass(InputError, PPEvalError)


def test_as_matrix_returns_float64_without_copy() -> None:
    x = np.arange(6, dtype=np.float64).reshape(3, 2)
    x.setflags(write=False)
    out = c.as_matrix(x)
    assert out is x or np.shares_memory(out, x)
    assert out.dtype == np.float64


def test_as_types_words_and_codes() -> None:
    assert c.as_types(["benefit", "cost", "max", "min"], 4).tolist() == [1, -1, 1, -1]
    assert c.as_types(np.array([1, -1]), 2).tolist() == [1, -1]
    assert c.as_types(1, 3).tolist() == [1, 1, 1]


def test_as_weights_batch_shape() -> None:
    w, single = c.as_weights([0.2, 0.8], 2)
    assert single
    assert w.shape == (1, 2)
    w, single = c.as_weights([[0.5, 0.5], [1.0, 0.0]], 2)
    assert not single
    assert w.shape == (2, 2)


def test_as_judgments_accepts_off_scale_reciprocal() -> None:
    a = np.array([[1.0, 2.2894], [1 / 2.2894, 1.0]])
    assert c.as_judgments(a).shape == (2, 2)


def test_as_judgments_missing_both_sides() -> None:
    a = np.array([[1, np.nan, 2], [np.nan, 1, 3], [0.5, 1 / 3, 1]])
    assert np.isnan(c.as_judgments(a, allow_nan=True)).sum() == 2


def test_seed_zero_is_a_seed() -> None:
    a = c.as_seed(0).random(3)
    b = c.as_seed(0).random(3)
    assert np.array_equal(a, b)


def test_spawn_rngs_reproducible() -> None:
    a = [g.random() for g in c.spawn_rngs(7, 3)]
    b = [g.random() for g in c.spawn_rngs(7, 3)]
    assert a == b
    assert len(set(a)) == 3


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: c.as_matrix([1.0, 2.0]), "must be 2-D"),
        (lambda: c.as_matrix([[1.0, np.nan], [0.0, 1.0]]), "matrix[0, 1] is nan"),
        (lambda: c.as_matrix([[1.0, 2.0], [np.inf, 1.0]]), "matrix[1, 0] is inf"),
        (lambda: c.as_matrix(np.zeros((0, 3))), "at least 1 alternative"),
        (lambda: c.as_matrix([[1.0, -2.0]], nonnegative=True), "matrix[0, 1] is -2.0"),
        (lambda: c.as_matrix([["a", "b"]]), "must be numeric"),
        (lambda: c.as_vector([[1.0]], "x"), "x must be 1-D"),
        (lambda: c.as_types(["benefit", "gain"], 2), "types[1] is 'gain'"),
        (lambda: c.as_types([1, 0], 2), "types[1] is 0"),
        (lambda: c.as_types([1], 2), "expected 2"),
        (lambda: c.as_weights([0.5, 0.6], 2), "sums to 1.1"),
        (lambda: c.as_weights([1.1, -0.1], 2), "weights[1] is -0.1"),
        (lambda: c.as_weights([[0.5, 0.5], [0.3, 0.3]], 2), "weights[1] sums to"),
        (lambda: c.as_weights([[0.5, np.nan]], 2), "weights[0, 1] is nan"),
        (lambda: c.as_weights([0.5, 0.25, 0.25], 2), "expected 2"),
        (lambda: c.as_bounds([[0, 1], [5, 5]], np.array([1, 1])), "bounds[1] has worst == best"),
        (lambda: c.as_bounds([[0, 1], [0, 10]], np.array([1, -1])), "cost criterion"),
        (lambda: c.as_bounds([[0, 1]], np.array([1, 1])), "shape (2, 2)"),
        (
            lambda: c.check_within_bounds(np.array([[0.5, 11.0]]), np.array([[0.0, 1.0], [0.0, 10.0]])),
            "matrix[0, 1] = 11.0 lies outside bounds[1]",
        ),
        (lambda: c.as_judgments([[1, 3], [3, 1]]), "judgment (1, 0) = 3 but 1/(0, 1) = 0.333333"),
        (lambda: c.as_judgments([[1, 0], [0, 1]]), "must be positive"),
        (lambda: c.as_judgments([[2, 1], [1, 1]]), "diagonal"),
        (lambda: c.as_judgments([[1, 2, 3], [0.5, 1, 1]]), "square"),
        (lambda: c.as_judgments([[1, np.nan], [np.nan, 1]]), "must be complete"),
        (lambda: c.as_judgments([[1, np.nan], [2, 1]], allow_nan=True), "missing on both sides"),
        (lambda: c.one_of("median2", ["mean", "median"], "rule"), "valid values are 'mean', 'median'"),
        (lambda: c.as_seed(-1), "must be >= 0"),
        (lambda: c.as_seed(1.5), "expected an int"),  # type: ignore[arg-type]
    ],
)
def test_bad_input(call: object, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        call()  # type: ignore[operator]
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: c.as_matrix(x, "matrix"),
        lambda x: c.as_vector(x[0], "weights"),
    ],
)
def test_complex_arrays_rejected_not_silently_cast(call: object) -> None:
    """numpy casts complex to float with a ComplexWarning that dropped the imaginary part."""
    x = np.ones((3, 2), dtype=complex) * (1 + 2j)
    with pytest.raises(InputError, match="complex"):
        call(x)  # type: ignore[operator]


def test_complex_rejected_by_functions_with_own_conversion() -> None:
    """dea, cv and fuzzy AHP convert their input themselves; a complex array must still be refused."""
    from ppeval import ahp, efficiency, weights

    z = np.ones((4, 2), dtype=complex)
    with pytest.raises(InputError, match="complex"):
        efficiency.dea(z, np.ones((4, 1)))
    with pytest.raises(InputError, match="complex"):
        efficiency.dea(np.ones(4, dtype=complex), np.ones((4, 1)))
    with pytest.raises(InputError, match="complex"):
        weights.cv(z + np.arange(4)[:, None])
    j = np.ones((2, 2, 3), dtype=complex)
    with pytest.raises(InputError, match="complex"):
        ahp.fuzzy_priorities(j)
    with pytest.raises(InputError, match="complex"):
        ahp.fuzzy_aggregate(j[None])
    with pytest.raises(InputError, match="complex"):
        ahp.fuzzy_aggregate(np.ones((1, 2, 2, 3)), weights=np.ones(1, dtype=complex))
