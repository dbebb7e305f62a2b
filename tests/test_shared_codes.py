"""Shortcuts of the evaluation's hot path give exactly what the plain computations give.

``factorize`` coding strings by one character position and a word-by-word check against
``np.unique``; the provenance hash and fingerprints computed together (``provenance_digests``,
with and without the rating aggregation's group codes) against the separate functions.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.io import bundled
from ppeval.pipeline import provenance as prov
from ppeval.qualitative._common import _SAMPLE, factorize

_NAMES = st.lists(st.text(st.sampled_from(["a", "b", "é", "中", "\x00"]), min_size=0, max_size=5),
                  min_size=1, max_size=8, unique=True)


@settings(max_examples=80, deadline=None)
@given(_NAMES, st.lists(st.text(st.sampled_from(["a", "b", "中", "c"]), max_size=6), max_size=3),
       st.integers(0, 2**32 - 1))
def test_factorize_strings_equals_unique(names: list[str], late: list[str], seed: int) -> None:
    """Few names, some telling apart at no single position, some differing only in their last character
    or by trailing NULs (numpy drops those: equal strings), values first seen after the sample."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, len(names), 4 * _SAMPLE + 50)
    items = [names[c] for c in codes.tolist()]
    if late:
        items[-len(late):] = late
    arr = np.array(items, dtype=np.str_)
    got_u, got_c = factorize(arr)
    want_u, want_c = np.unique(arr, return_inverse=True)
    np.testing.assert_array_equal(got_u, want_u)
    np.testing.assert_array_equal(got_c, want_c.reshape(-1))


def test_factorize_wide_dtype_and_odd_width() -> None:
    """A dtype wider than the names (odd and even widths of 4-byte units) and a stranger sharing the
    distinguishing character of a name."""
    for dtype in ("<U7", "<U8", "<U13"):
        base = np.array(["expert", "resident", "government"][:: 1], dtype=dtype)
        arr = base[np.arange(3 * _SAMPLE) % 3]
        arr = np.concatenate([arr, np.array(["exper", "rx"], dtype=dtype)])  # same first letters as names
        got_u, got_c = factorize(arr)
        want_u, want_c = np.unique(arr, return_inverse=True)
        np.testing.assert_array_equal(got_u, want_u)
        np.testing.assert_array_equal(got_c, want_c.reshape(-1))


def test_digests_equal_the_separate_functions() -> None:
    """``provenance_digests`` (shared work, group codes) equals ``assessment_hash`` and
    ``fingerprint_arrays`` called on their own, in every bundled sample and with shuffled ratings."""
    for name in bundled.list_systems():
        try:
            _, a = bundled.load_sample(name)
        except Exception:  # noqa: BLE001, S112 - a system without a sample
            continue
        r = a.ratings
        if not len(r):
            continue
        names, codes = factorize(r.group)
        group_codes = (tuple(str(x) for x in names.tolist()), codes)
        want_hash = prov.assessment_hash(a)
        want = prov.fingerprint_arrays(a)
        for gc in (None, group_codes, (("",) + group_codes[0], codes + 1)):  # an unused name too
            digest, project, indicator, files = prov.provenance_digests(a, gc)
            assert digest == want_hash == prov.assessment_hash(a, gc)
            np.testing.assert_array_equal(project, want[0])
            np.testing.assert_array_equal(indicator, want[1])
            assert files == want[2]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.text(st.sampled_from(["a", "b", "中", "😀"]), max_size=5)),
                min_size=0, max_size=40))
def test_first_duplicate_equals_a_python_scan(pairs: list[tuple[int, str]]) -> None:
    """``first_duplicate`` (64-bit keys of the code units, exact check of equal keys) against a scan."""
    from ppeval.qualitative._common import first_duplicate, hash_keys

    cell = np.array([p[0] for p in pairs], dtype=np.int64)
    rater = np.array([p[1] for p in pairs], dtype=np.str_) if pairs else np.zeros(0, dtype="<U1")
    seen: dict[tuple[int, str], int] = {}
    want = None
    for j, key in enumerate(pairs):
        if key in seen:
            want = (seen[key], j)
            break
        seen[key] = j
    assert first_duplicate(cell, rater, 4, len(pairs)) == want
    keys = hash_keys(cell, rater)
    assert keys is not None
    for i in range(len(pairs)):
        for j in range(len(pairs)):
            if pairs[i] == pairs[j]:
                assert keys[i] == keys[j]


def test_loaded_ratings_are_not_checked_twice_and_others_are(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ratings from ``ppeval.io`` carry the loader's duplicate check (evaluate does not repeat it);
    ratings built any other way, or changed, are checked by evaluate as before."""
    import dataclasses

    from ppeval.errors import InputError
    from ppeval.pipeline import evaluate
    from ppeval.qualitative import aggregate as agg

    system, a = bundled.load_sample("community-4stage")
    assert getattr(a.ratings, "_no_duplicates", False)
    calls: list[int] = []
    real = agg.check_no_duplicate_rating
    monkeypatch.setattr(agg, "check_no_duplicate_rating", lambda *args: calls.append(1) or real(*args))
    real_blocked = agg._check_duplicates_blocked  # the same check a block of cells at a time (sorted ratings)
    monkeypatch.setattr(agg, "_check_duplicates_blocked", lambda *args: calls.append(1) or real_blocked(*args))
    evaluate(system, a)
    assert calls == []
    r = a.ratings
    i = int(np.flatnonzero((r.project[1:] == r.project[:-1]) & (r.indicator[1:] == r.indicator[:-1]))[0])
    rater = r.rater.copy()
    rater[i + 1] = rater[i]  # a rater rating the same cell twice
    changed = dataclasses.replace(a, ratings=dataclasses.replace(r, rater=rater))
    assert not getattr(changed.ratings, "_no_duplicates", False)
    with pytest.raises(InputError, match="more than once"):
        evaluate(system, changed)
    assert calls == [1]
