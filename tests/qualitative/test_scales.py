"""Rating scales: labels and values to numbers and back (ppeval.qualitative.scales)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppeval.errors import InputError, PPEvalError
from ppeval.qualitative import LikertScale, LinguisticScale

LABELS5 = ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied")
LIKERT = LikertScale(5, LABELS5)

# Chen (2000), Fuzzy Sets and Systems 114:1-9, Table 2: linguistic variables for the ratings.
CHEN_TERMS = ("VP", "P", "MP", "F", "MG", "G", "VG")
CHEN_TFN = ((0, 0, 1), (0, 1, 3), (1, 3, 5), (3, 5, 7), (5, 7, 9), (7, 9, 10), (9, 10, 10))
CHEN = LinguisticScale(CHEN_TERMS, [0.5, 1, 3, 5, 7, 9, 10], fuzzy=CHEN_TFN)


def test_likert_labels_values_and_missing() -> None:
    ratings = ["satisfied", "Very Satisfied ", None, "", "  ", float("nan"), 2, "3", 1.0, "nan"]
    out = LIKERT.to_values(ratings)
    expected = [4, 5, np.nan, np.nan, np.nan, np.nan, 2, 3, 1, np.nan]
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float64


def test_likert_numeric_array_and_shape_kept() -> None:
    r = np.array([[1, 2, 3], [5, 4, 1]])
    out = LIKERT.to_values(r)
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out, r.astype(float))
    np.testing.assert_array_equal(LIKERT.to_indices(r), r - 1)


def test_string_array_path_matches_object_path() -> None:
    words = np.array(["neutral", "satisfied", "", "very dissatisfied"])
    np.testing.assert_array_equal(LIKERT.to_values(words), LIKERT.to_values(list(words.astype(object))))


def test_unlabelled_likert_uses_values_as_labels() -> None:
    s = LikertScale(7)
    assert s.term_labels == tuple(str(i) for i in range(1, 8))
    assert s.value_range == (1.0, 7.0)
    assert s.fuzzy_numbers is None
    np.testing.assert_array_equal(s.to_values(["7", 3, "1"]), [7, 3, 1])
    assert s.to_labels([6.6]).tolist() == ["7"]


def test_to_labels_nearest_term_and_ties_go_down() -> None:
    out = LIKERT.to_labels([1.0, 2.49, 2.5, 2.51, 5.0, np.nan])
    assert out.tolist() == ["very dissatisfied", "dissatisfied", "dissatisfied", "neutral",
                            "very satisfied", None]


def test_linguistic_scale_fuzzy_numbers() -> None:
    f = CHEN.fuzzy_numbers
    assert f is not None
    np.testing.assert_array_equal(f, np.array(CHEN_TFN, dtype=float))
    assert not f.flags.writeable
    out = CHEN.to_fuzzy([["g", "VG"], ["", "mg"]])
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[0], [[7, 9, 10], [9, 10, 10]])
    assert np.isnan(out[1, 0]).all()
    np.testing.assert_array_equal(out[1, 1], [5, 7, 9])
    assert CHEN.value_range == (0.5, 10.0)
    # nearest term on the (non-uniform) crisp values
    assert CHEN.to_labels([9.4, 9.6, 0.7]).tolist() == ["G", "VG", "VP"]


def test_scales_are_frozen_hashable_and_compare_by_value() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        LIKERT.points = 7  # type: ignore[misc]
    assert LikertScale(5, LABELS5) == LIKERT
    assert hash(LikertScale(5, LABELS5)) == hash(LIKERT)
    assert LinguisticScale(CHEN_TERMS, [0.5, 1, 3, 5, 7, 9, 10], CHEN_TFN) == CHEN
    with pytest.raises(ValueError, match="read-only"):
        LIKERT.values[0] = 9


def test_read_only_input_is_accepted_and_not_written() -> None:
    r = np.array([1.0, 5.0, np.nan])
    r.setflags(write=False)
    out = LIKERT.to_values(r)
    np.testing.assert_array_equal(out, [1, 5, np.nan])
    words = np.array(["neutral", "satisfied"])
    words.setflags(write=False)
    LIKERT.to_values(words)


def test_error_names_position_value_and_ids() -> None:
    ids = {"project": ["P1", "P2", "P3"], "indicator": ["q1", "q1", "q2"], "rater": ["r1", "r2", "r9"]}
    with pytest.raises(InputError) as exc:
        LIKERT.to_values(["neutral", "satisfied", "sattisfied"], ids=ids)
    msg = str(exc.value)
    for fragment in ("ratings[2]", "'sattisfied'", "project 'P3'", "indicator 'q2'", "rater 'r9'",
                     "valid labels", "'very satisfied'"):
        assert fragment in msg
    with pytest.raises(InputError) as exc2:
        LIKERT.to_values(np.array([[1, 2], [3, 6]]), name="answers")
    assert "answers[1, 1] = 6" in str(exc2.value)


BAD = [
    (lambda: LIKERT.to_values(["good"]), "neither a label nor a value"),
    (lambda: LIKERT.to_values([2.5]), "ratings[0] = 2.5"),
    (lambda: LIKERT.to_values([0]), "not on this scale"),
    (lambda: LIKERT.to_values([np.inf]), "not on this scale"),
    (lambda: LIKERT.to_values([True], name="x"), "dtype bool"),
    (lambda: LIKERT.to_values(np.array([True, None], dtype=object)), "neither a label"),
    (lambda: LIKERT.to_values(["neutral"], ids={"rater": ["a", "b"]}), "ids['rater'] has 2 entries"),
    (lambda: LIKERT.to_labels([5.5]), "outside the scale range [1, 5]"),
    (lambda: LIKERT.to_labels([np.inf]), "outside the scale range"),
    (lambda: LIKERT.to_labels(["a"]), "numeric"),
    (lambda: LikertScale(1), "points >= 2"),
    (lambda: LikertScale(True), "points >= 2"),  # type: ignore[arg-type]
    (lambda: LikertScale(3, ("a", "b")), "labels has 2 entries for a 3-point scale"),
    (lambda: LikertScale(3, ("a", "B", "b")), "repeats labels[1]"),
    (lambda: LikertScale(2, ("a", " ")), "non-blank"),
    (lambda: LikertScale(2, "ab"), "not one string"),  # type: ignore[arg-type]
    (lambda: LinguisticScale(("a",), [1]), "at least 2 terms"),
    (lambda: LinguisticScale(("a", "b"), [1]), "one value per label"),
    (lambda: LinguisticScale(("a", "b"), [2, 2]), "strictly increasing"),
    (lambda: LinguisticScale(("a", "b"), [1, np.nan]), "must be finite"),
    (lambda: LinguisticScale(("a", "b"), [1, 2], fuzzy=[(1, 0.5, 2), (1, 2, 3)]),
     "fuzzy[0] ('a') = (1, 0.5, 2) violates l <= m <= u"),
    (lambda: LinguisticScale(("a", "b"), [1, 2], fuzzy=[(0, 1, 2), (1, 3, 2.5)]),
     "fuzzy[1] ('b') = (1, 3, 2.5) violates l <= m <= u"),
    (lambda: LinguisticScale(("a", "b"), [1, 2], fuzzy=[(0, 1, 2), (3, 4, 5)]), "outside its fuzzy"),
    (lambda: LinguisticScale(("a", "b"), [1, 2], fuzzy=[(0, 1, 2), (0, 1, 3)]), "peaks must increase"),
    (lambda: LinguisticScale(("a", "b"), [1, 2], fuzzy=[(0, 1, 2)]), "expected (2, 3)"),
    (lambda: LinguisticScale(("a", "b"), [1, 2]).to_fuzzy(["a"]), "no fuzzy numbers"),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_input(call, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        call()
    assert fragment in str(exc.value)
    assert isinstance(exc.value, PPEvalError)


@given(st.lists(st.sampled_from(LABELS5 + ("",)), min_size=0, max_size=40))
def test_labels_round_trip(labels: list[str]) -> None:
    values = LIKERT.to_values(labels)
    back = LIKERT.to_labels(values)
    assert [b if b is not None else "" for b in back.tolist()] == labels
    lo, hi = LIKERT.value_range
    finite = values[~np.isnan(values)]
    assert ((finite >= lo) & (finite <= hi)).all()


@given(st.lists(st.floats(0.5, 10.0, allow_nan=False), min_size=1, max_size=30))
def test_to_labels_is_the_nearest_term(values: list[float]) -> None:
    labels = CHEN.to_labels(values)
    idx = np.array([CHEN_TERMS.index(lab) for lab in labels])
    v = CHEN.values
    dist = np.abs(np.asarray(values)[:, None] - v[None, :])
    np.testing.assert_array_equal(dist[np.arange(len(values)), idx], dist.min(axis=1))
