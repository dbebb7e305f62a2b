"""Rater and group columns handed over by the loader as distinct ids + codes (issue 16).

``ppeval.io`` gives :class:`~ppeval.schema.assessment.Ratings` the rater ids and groups as the sorted
distinct names and one code per rating; the string arrays are built when first read. Read, they are what
they were before: read-only string arrays equal to the names gathered by code, the same object on every
read; pickling, ``copy``, ``dataclasses.replace`` and ``repr`` see the same values.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import numpy as np
import pytest

from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.schema.assessment import Ratings, _CodedText


def _coded() -> tuple[Ratings, np.ndarray, np.ndarray]:
    names = np.array(["r1", "r10", "张三"], dtype=np.str_)
    groups = np.array(["expert", "resident"], dtype=np.str_)
    rc = np.array([2, 0, 1, 0, 2])
    gc = np.array([1, 0, 0, 0, 1])
    r = Ratings(np.arange(5), np.zeros(5, dtype=np.int64), _CodedText(names, rc),  # type: ignore[arg-type]
                _CodedText(groups, gc), np.array([1.0, 2.0, np.nan, 4.0, 5.0]))  # type: ignore[arg-type]
    return r, names[rc], groups[gc]


def test_built_on_first_read_and_kept() -> None:
    r, rater, group = _coded()
    assert "rater" not in r.__dict__
    assert "group" not in r.__dict__
    np.testing.assert_array_equal(r.rater, rater)
    np.testing.assert_array_equal(r.group, group)
    assert r.rater is r.rater
    assert "_coded_rater" not in r.__dict__  # the names + codes are dropped once the strings are built
    assert r.group is r.group
    assert r.rater.dtype.kind == "U"
    assert not r.rater.flags.writeable
    assert not r.group.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        r.rater[0] = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.rater = rater  # type: ignore[misc]
    with pytest.raises(AttributeError):
        _ = r.no_such_column  # type: ignore[attr-defined]


@pytest.mark.parametrize("read_first", [False, True])
def test_pickle_copy_replace_repr(read_first: bool) -> None:
    r, rater, group = _coded()
    if read_first:
        _ = r.rater
    back = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(back.rater, rater)
    np.testing.assert_array_equal(back.group, group)
    assert not back.rater.flags.writeable
    assert not back.project.flags.writeable
    c = copy.copy(r)
    np.testing.assert_array_equal(c.rater, rater)
    d = copy.deepcopy(r)
    np.testing.assert_array_equal(d.group, group)
    changed = dataclasses.replace(r, value=np.zeros(5))
    np.testing.assert_array_equal(changed.rater, rater)
    assert "_coded_rater" not in changed.__dict__  # a new Ratings of the strings
    assert "张三" in repr(r)
    plain = Ratings(r.project, r.indicator, rater, group, r.value)
    assert repr(plain) == repr(r)


def test_coded_text_is_checked() -> None:
    names = np.array(["a", "b"], dtype=np.str_)
    z = np.zeros(3, dtype=np.int64)
    with pytest.raises(InputError, match="ratings.rater"):
        Ratings(z, z, _CodedText(names, np.zeros(2, dtype=np.int64)), np.array(["g"] * 3), np.zeros(3))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="ratings.group"):
        Ratings(z, z, np.array(["a"] * 3), _CodedText(names, np.zeros(3)), np.zeros(3))  # type: ignore[arg-type]


def test_loaded_ratings_read_as_before() -> None:
    """Every bundled sample: the loaded rater and group columns equal the names its files give, row by row."""
    import csv

    for name in bundled.list_systems():
        system, a = bundled.load_sample(name)
        r = a.ratings
        assert "_coded_rater" in r.__dict__
        assert "rater" not in r.__dict__
        path = next(p for p in bundled.sample_assessment_paths(name) if p.name.endswith(".ratings.csv"))
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        want = sorted((a.project_ids.index(x["project"].strip()), x["rater"].strip(), x["group"].strip()) for x in rows)
        got = sorted(zip(r.project.tolist(), r.rater.tolist(), r.group.tolist(), strict=True))
        assert got == want
